//! The on-disk schema: DDL, the file header check, schema versions and forward migrations.
//!
//! A store is an SQLite file whose header carries [`APPLICATION_ID`]; the header is checked with
//! plain reads before SQLite is allowed to touch the file, so a file that is not a store is
//! never modified. The `schema_version` table holds one row; [`MIGRATIONS`] lists the steps
//! from each older version to the next, each applied in its own `BEGIN IMMEDIATE` transaction.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use rusqlite::{Connection, OptionalExtension};

use crate::error::{IoOp, StoreError, StoreResult};

/// `PRAGMA application_id` of every store file: ASCII `MPRC`. It marks the file as ours.
pub const APPLICATION_ID: u32 = 0x4D50_5243;

/// The schema version this build writes and reads.
pub const SCHEMA_VERSION: u32 = 2;

/// The page size of a new store, in bytes (an existing store keeps the one it was made with:
/// SQLite cannot change it in WAL mode). Rows here are small, and a commit rewrites whole pages
/// into the WAL and waits for their fsync, so small pages make durable writes cheaper; the
/// price is more pages to walk in a cold full listing (docs/store.md, "Page size").
pub(crate) const PAGE_SIZE: u32 = 1024;

/// Id of the root key row (the parent of `SYSTEM`, `SOFTWARE`, ...); it has no name.
pub(crate) const ROOT_KEY: i64 = 1;

/// The version-1 schema, kept to build version-1 files for the migration tests.
///
/// `keys` and `vals` mirror the registry: case-preserving `name`, plus `folded` (the
/// [`mprconfig_core::registry::fold`] form) for uniqueness and lookup, because SQLite's NOCASE
/// folds ASCII only. `keys_by_parent` is ordered by (parent, id), so children come out in
/// creation order without a sort; `vals` is clustered by (key, seq) for the same reason.
#[cfg(test)]
pub(crate) const SCHEMA_V1: &str = "
CREATE TABLE schema_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE keys (
    id     INTEGER PRIMARY KEY,
    parent INTEGER REFERENCES keys(id) ON DELETE CASCADE,
    name   TEXT NOT NULL COLLATE NOCASE,
    folded TEXT NOT NULL,
    UNIQUE (parent, folded)
);
CREATE INDEX keys_by_parent ON keys(parent);
CREATE TABLE vals (
    key    INTEGER NOT NULL REFERENCES keys(id) ON DELETE CASCADE,
    seq    INTEGER NOT NULL,
    name   TEXT NOT NULL COLLATE NOCASE,
    folded TEXT NOT NULL,
    type   INTEGER NOT NULL,
    data   BLOB NOT NULL,
    PRIMARY KEY (key, seq)
) WITHOUT ROWID;
CREATE UNIQUE INDEX vals_by_name ON vals(key, folded);
INSERT INTO schema_version (id, version) VALUES (1, 1);
INSERT INTO meta (name, value) VALUES ('generation', 0);
INSERT INTO keys (id, parent, name, folded) VALUES (1, NULL, '', '');
";

/// The current (version-2) schema, created in one transaction with a new store: version 1
/// plus what [`V1_TO_V2`] adds, so a new store and a migrated one have the same tables.
///
/// `keys.version` is the generation of the commit that created the key or last changed its
/// values (0 for keys untouched since a migration from version 1): the per-object version of
/// compare-and-set. `changes` is the change log, one row per change in sequence order;
/// `meta` holds its last sequence number (`change_seq`), the highest one trimmed
/// (`change_trimmed`) and how many it keeps (`change_capacity`).
pub(crate) const SCHEMA: &str = "
CREATE TABLE schema_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE keys (
    id      INTEGER PRIMARY KEY,
    parent  INTEGER REFERENCES keys(id) ON DELETE CASCADE,
    name    TEXT NOT NULL COLLATE NOCASE,
    folded  TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0,
    UNIQUE (parent, folded)
);
CREATE INDEX keys_by_parent ON keys(parent);
CREATE TABLE vals (
    key    INTEGER NOT NULL REFERENCES keys(id) ON DELETE CASCADE,
    seq    INTEGER NOT NULL,
    name   TEXT NOT NULL COLLATE NOCASE,
    folded TEXT NOT NULL,
    type   INTEGER NOT NULL,
    data   BLOB NOT NULL,
    PRIMARY KEY (key, seq)
) WITHOUT ROWID;
CREATE UNIQUE INDEX vals_by_name ON vals(key, folded);
CREATE TABLE changes (
    seq        INTEGER PRIMARY KEY,
    generation INTEGER NOT NULL,
    kind       INTEGER NOT NULL,
    object     INTEGER NOT NULL,
    if_key     INTEGER,
    if_name    TEXT,
    protocol   INTEGER,
    version    INTEGER
);
INSERT INTO schema_version (id, version) VALUES (1, 2);
INSERT INTO meta (name, value) VALUES ('generation', 0);
INSERT INTO meta (name, value) VALUES ('change_seq', 0), ('change_trimmed', 0), ('change_capacity', 10000);
INSERT INTO keys (id, parent, name, folded) VALUES (1, NULL, '', '');
";

/// Version 1 to 2: per-key versions and the change log (see [`SCHEMA`]). Existing keys start
/// at version 0; the log starts empty.
const V1_TO_V2: &str = "
ALTER TABLE keys ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
CREATE TABLE changes (
    seq        INTEGER PRIMARY KEY,
    generation INTEGER NOT NULL,
    kind       INTEGER NOT NULL,
    object     INTEGER NOT NULL,
    if_key     INTEGER,
    if_name    TEXT,
    protocol   INTEGER,
    version    INTEGER
);
INSERT INTO meta (name, value) VALUES ('change_seq', 0), ('change_trimmed', 0), ('change_capacity', 10000);
";

/// One forward migration: from `from` to `from + 1`.
pub(crate) struct Migration {
    /// The version this step starts from.
    pub from: u32,
    /// The SQL that turns a `from` store into a `from + 1` store (run inside the transaction
    /// that also bumps `schema_version`).
    pub sql: &'static str,
}

/// Every migration, in order; `tests/migration.rs` opens a file of each older version.
pub(crate) const MIGRATIONS: &[Migration] = &[Migration {
    from: 1,
    sql: V1_TO_V2,
}];

const MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Reads and checks the file header without SQLite: an SQLite file (magic), ours
/// (application id), and not shorter than the header says (when no WAL could hold the rest).
pub(crate) fn check_header(path: &Path) -> StoreResult<()> {
    let mut f = File::open(path).map_err(|e| StoreError::io(e, IoOp::Read, path))?;
    let len = f
        .metadata()
        .map_err(|e| StoreError::io(e, IoOp::Read, path))?
        .len();
    let not_store = |why: String| StoreError::NotAStore {
        path: path.to_path_buf(),
        why,
    };
    if len == 0 {
        return Err(not_store("the file is empty".into()));
    }
    let mut buf = [0u8; 100];
    let n = read_up_to(&mut f, &mut buf).map_err(|e| StoreError::io(e, IoOp::Read, path))?;
    if n < 16 || &buf[..16] != MAGIC {
        return Err(not_store("not an SQLite database (bad file header)".into()));
    }
    if n < 100 {
        return Err(StoreError::Corrupt {
            path: path.to_path_buf(),
            why: format!("truncated: {len} bytes, shorter than the 100-byte header"),
        });
    }
    let be32 = |at: usize| u32::from_be_bytes([buf[at], buf[at + 1], buf[at + 2], buf[at + 3]]);
    let application_id = be32(68);
    if application_id != APPLICATION_ID {
        return Err(not_store(format!(
            "an SQLite database with application_id {application_id:#010x}, not {APPLICATION_ID:#010x}"
        )));
    }
    let raw_page = u16::from_be_bytes([buf[16], buf[17]]);
    let page_size = if raw_page == 1 {
        65536
    } else {
        u64::from(raw_page)
    };
    if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
        return Err(StoreError::Corrupt {
            path: path.to_path_buf(),
            why: format!("invalid page size {raw_page}"),
        });
    }
    let pages = u64::from(be32(28));
    let page_count = (pages != 0 && be32(24) == be32(92)).then_some(pages);
    // With a non-empty WAL beside it, the main file may legitimately lag the header (a
    // checkpoint interrupted by a crash is redone from the WAL), so only judge a lone file.
    if let Some(pages) = page_count
        && len < pages * page_size
        && !wal_has_frames(path)
    {
        return Err(StoreError::Corrupt {
            path: path.to_path_buf(),
            why: format!(
                "truncated: the header says {pages} pages of {page_size} bytes, the file has {len} bytes"
            ),
        });
    }
    Ok(())
}

fn read_up_to(f: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// True if `<path>-wal` exists and is longer than a WAL header (32 bytes).
pub(crate) fn wal_has_frames(path: &Path) -> bool {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(&wal)
        .map(|m| m.len() > 32)
        .unwrap_or(false)
}

/// The schema version stored in the file; `Corrupt` if the table or row is missing.
pub(crate) fn read_version(conn: &Connection, path: &Path) -> StoreResult<u32> {
    let v: Option<i64> = conn
        .query_row("SELECT version FROM schema_version WHERE id = 1", [], |r| {
            r.get(0)
        })
        .optional()
        .map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, Some(ref m))
                if f.code == rusqlite::ErrorCode::Unknown =>
            {
                StoreError::Corrupt {
                    path: path.to_path_buf(),
                    why: format!("no schema_version table ({m})"),
                }
            }
            e => StoreError::sql(e, "reading the schema version"),
        })?;
    let v = v.ok_or_else(|| StoreError::Corrupt {
        path: path.to_path_buf(),
        why: "schema_version is empty".into(),
    })?;
    u32::try_from(v)
        .ok()
        .filter(|&v| v >= 1)
        .ok_or_else(|| StoreError::Corrupt {
            path: path.to_path_buf(),
            why: format!("invalid schema version {v}"),
        })
}

/// Brings a store at version `found` up to `target` with `steps`, one transaction per step.
/// Each step re-reads the version inside its transaction, so two processes migrating at once
/// apply every step exactly once.
pub(crate) fn migrate(
    conn: &Connection,
    path: &Path,
    steps: &[Migration],
    target: u32,
) -> StoreResult<()> {
    loop {
        conn.execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| StoreError::sql(e, "starting a migration"))?;
        let result = (|| -> StoreResult<bool> {
            let v = read_version(conn, path)?;
            if v > target {
                return Err(StoreError::NewerSchema {
                    path: path.to_path_buf(),
                    found: v,
                    supported: target,
                });
            }
            if v == target {
                return Ok(false);
            }
            let step = steps
                .iter()
                .find(|m| m.from == v)
                .ok_or_else(|| StoreError::Corrupt {
                    path: path.to_path_buf(),
                    why: format!("no migration from schema version {v} to {target}"),
                })?;
            conn.execute_batch(step.sql)
                .map_err(|e| StoreError::sql(e, format!("migrating from schema version {v}")))?;
            conn.execute(
                "UPDATE schema_version SET version = ?1 WHERE id = 1",
                [v + 1],
            )
            .map_err(|e| StoreError::sql(e, "recording the schema version"))?;
            // A migration is a committed write like any other.
            conn.execute(
                "UPDATE meta SET value = value + 1 WHERE name = 'generation'",
                [],
            )
            .map_err(|e| StoreError::sql(e, "recording the schema version"))?;
            Ok(true)
        })();
        match result {
            Ok(true) => conn
                .execute_batch("COMMIT")
                .map_err(|e| StoreError::sql(e, "committing a migration"))?,
            Ok(false) => {
                conn.execute_batch("ROLLBACK")
                    .map_err(|e| StoreError::sql(e, "ending a migration"))?;
                return Ok(());
            }
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(e);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v1_store(dir: &Path) -> (std::path::PathBuf, Connection) {
        let path = dir.join("s.db");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(&format!(
            "PRAGMA application_id = {APPLICATION_ID}; BEGIN; {SCHEMA_V1} COMMIT;"
        ))
        .unwrap();
        (path, conn)
    }

    #[test]
    fn migrations_apply_each_step_once_and_bump_version_and_generation() {
        let dir = tempfile::tempdir().unwrap();
        let (path, conn) = v1_store(dir.path());
        let steps = [
            Migration {
                from: 1,
                sql: "CREATE TABLE added_in_v2 (x INTEGER);",
            },
            Migration {
                from: 2,
                sql: "ALTER TABLE added_in_v2 ADD COLUMN y INTEGER;",
            },
        ];
        migrate(&conn, &path, &steps, 3).unwrap();
        assert_eq!(read_version(&conn, &path).unwrap(), 3);
        let g: i64 = conn
            .query_row(
                "SELECT value FROM meta WHERE name = 'generation'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(g, 2);
        conn.execute("INSERT INTO added_in_v2 (x, y) VALUES (1, 2)", [])
            .unwrap();
        // Running again at the target is a no-op.
        migrate(&conn, &path, &steps, 3).unwrap();
        assert_eq!(read_version(&conn, &path).unwrap(), 3);
    }

    #[test]
    fn a_failing_migration_leaves_the_old_version_intact() {
        let dir = tempfile::tempdir().unwrap();
        let (path, conn) = v1_store(dir.path());
        let steps = [Migration {
            from: 1,
            sql: "CREATE TABLE t (x); THIS IS NOT SQL;",
        }];
        assert!(migrate(&conn, &path, &steps, 2).is_err());
        assert_eq!(read_version(&conn, &path).unwrap(), 1);
        let t: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 't'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(t, 0);
        assert!(conn.is_autocommit());
    }

    #[test]
    fn a_missing_step_is_reported_not_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let (path, conn) = v1_store(dir.path());
        let e = migrate(&conn, &path, &[], 2).unwrap_err();
        assert!(matches!(e, StoreError::Corrupt { .. }), "{e:?}");
    }

    /// Every column and index of the store's tables, and the meta rows.
    fn layout(conn: &Connection) -> Vec<String> {
        let mut out = Vec::new();
        for table in ["schema_version", "meta", "keys", "vals", "changes"] {
            let mut stmt = conn
                .prepare(&format!("PRAGMA table_info({table})"))
                .unwrap();
            let cols = stmt
                .query_map([], |r| {
                    Ok(format!(
                        "{table}.{}: {} notnull={} default={:?} pk={}",
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, i64>(5)?
                    ))
                })
                .unwrap();
            out.extend(cols.map(Result::unwrap));
            let mut stmt = conn
                .prepare(&format!("PRAGMA index_list({table})"))
                .unwrap();
            let mut idx: Vec<String> = stmt
                .query_map([], |r| {
                    Ok(format!(
                        "{table} index unique={} origin={}",
                        r.get::<_, i64>(2)?,
                        r.get::<_, String>(3)?
                    ))
                })
                .unwrap()
                .map(Result::unwrap)
                .collect();
            idx.sort();
            out.extend(idx);
        }
        let mut stmt = conn
            .prepare("SELECT name, value FROM meta WHERE name <> 'generation' ORDER BY name")
            .unwrap();
        out.extend(
            stmt.query_map([], |r| {
                Ok(format!(
                    "meta {} = {}",
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?
                ))
            })
            .unwrap()
            .map(Result::unwrap),
        );
        out
    }

    #[test]
    fn a_migrated_version_1_store_has_the_layout_of_a_new_one() {
        let dir = tempfile::tempdir().unwrap();
        let (path, migrated) = v1_store(dir.path());
        migrate(&migrated, &path, MIGRATIONS, SCHEMA_VERSION).unwrap();
        assert_eq!(read_version(&migrated, &path).unwrap(), SCHEMA_VERSION);
        let fresh = Connection::open(dir.path().join("fresh.db")).unwrap();
        fresh
            .execute_batch(&format!("BEGIN; {SCHEMA} COMMIT;"))
            .unwrap();
        assert_eq!(layout(&migrated), layout(&fresh));
        let capacity: i64 = fresh
            .query_row(
                "SELECT value FROM meta WHERE name = 'change_capacity'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            capacity as u64,
            mprconfig_core::changes::DEFAULT_CHANGE_LOG_CAPACITY
        );
    }

    #[test]
    fn header_check_rejects_foreign_sqlite_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("other.db");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE x (y)").unwrap();
        drop(conn);
        let e = check_header(&path).unwrap_err();
        assert!(matches!(e, StoreError::NotAStore { .. }), "{e:?}");
    }
}
