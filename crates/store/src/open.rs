//! Opening and creating store files.
//!
//! An existing file is checked before SQLite may write to it: header (magic, application id,
//! length) with plain reads, then schema version and `quick_check` over a read-only
//! connection. Only then is it reopened read-write (and migrated if older). A new store is
//! built completely (schema, default tree) in a temporary file beside the target and linked
//! into place, so the target path never holds a half-initialised store.

use std::ffi::CString;
use std::fs::{self, DirBuilder, File};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use mprconfig_core::regconfig::RegistryConfig;
use mprconfig_core::{Error, NetLink, Result, RouterConfig, WinError};
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};

use crate::error::{IoOp, StoreError, StoreResult};
use crate::registry::{SqliteRegistry, check_integrity};
use crate::schema::{self, APPLICATION_ID, MIGRATIONS, PAGE_SIZE, SCHEMA, SCHEMA_VERSION};

/// How long a transaction waits for another process's write lock before failing with
/// `ERROR_BUSY`, unless [`OpenOptions::busy_timeout`] says otherwise.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The most read connections [`OpenOptions::read_connections`] opens.
const MAX_READ_CONNECTIONS: usize = 64;

/// Options for opening a store file, in the style of [`std::fs::OpenOptions`].
///
/// ```
/// use mprconfig_store::OpenOptions;
/// use std::time::Duration;
///
/// let dir = tempfile::tempdir()?;
/// let store = OpenOptions::new()
///     .create(true)                       // build a new store with the default tree if missing
///     .links(Vec::new())                  // network links for the default tree (default: this machine's)
///     .busy_timeout(Duration::from_secs(2))
///     .open(dir.path().join("router.db"))?;
/// # drop(store);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct OpenOptions {
    create: bool,
    links: Option<Vec<NetLink>>,
    busy_timeout: Duration,
    verify: bool,
    read_connections: usize,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl OpenOptions {
    /// Open an existing store only, with [`DEFAULT_BUSY_TIMEOUT`] and a `quick_check` at open.
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let err = mprconfig_store::OpenOptions::new().open(dir.path().join("missing.db")).unwrap_err();
    /// assert_eq!(err.code, mprconfig_core::WinError::ERROR_FILE_NOT_FOUND);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new() -> Self {
        OpenOptions {
            create: false,
            links: None,
            busy_timeout: DEFAULT_BUSY_TIMEOUT,
            verify: true,
            read_connections: 0,
        }
    }

    /// Create the store (and missing parent directories, mode 0700) if the file does not
    /// exist; the new file has mode 0600 and holds the default tree
    /// (`MprConfigServerInstall` semantics).
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("a/b/router.db");
    /// mprconfig_store::OpenOptions::new().create(true).links(vec![]).open(&path)?;
    /// assert!(path.is_file());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn create(mut self, create: bool) -> Self {
        self.create = create;
        self
    }

    /// The network links the default tree of a new store is built for; without this call,
    /// the machine's links ([`crate::local_links`]).
    ///
    /// ```
    /// use mprconfig_core::NetLink;
    /// let eth0 = NetLink { name: "eth0".into(), guid: "{6B29FC40-CA47-1067-B31D-00DD010662DA}".into(), is_loopback: false };
    /// let opts = mprconfig_store::OpenOptions::new().create(true).links(vec![eth0]);
    /// # drop(opts);
    /// ```
    pub fn links(mut self, links: Vec<NetLink>) -> Self {
        self.links = Some(links);
        self
    }

    /// How long to wait for another writer before `ERROR_BUSY` (170).
    ///
    /// ```
    /// let opts = mprconfig_store::OpenOptions::new().busy_timeout(std::time::Duration::from_millis(500));
    /// # drop(opts);
    /// ```
    pub fn busy_timeout(mut self, timeout: Duration) -> Self {
        self.busy_timeout = timeout;
        self
    }

    /// Whether to run `PRAGMA quick_check` when opening an existing store (default true). It
    /// reads every page once; turn it off only where the file was just checked.
    ///
    /// ```
    /// let opts = mprconfig_store::OpenOptions::new().verify(false);
    /// # drop(opts);
    /// ```
    pub fn verify(mut self, verify: bool) -> Self {
        self.verify = verify;
        self
    }

    /// Extra SQLite connections that only run read transactions (default 0: reads share the
    /// writer's connection). With some, reads from several threads run in parallel, and never
    /// wait behind a write's fsync; each costs a file descriptor and up to 16 MiB of page cache
    /// as it is used. `mprd` opens one per worker thread. At most 64.
    ///
    /// ```
    /// let opts = mprconfig_store::OpenOptions::new().read_connections(4);
    /// # drop(opts);
    /// ```
    pub fn read_connections(mut self, n: usize) -> Self {
        self.read_connections = n.min(MAX_READ_CONNECTIONS);
        self
    }

    /// Opens (or creates) the store at `path`.
    ///
    /// Errors: `ERROR_FILE_NOT_FOUND` (2) if missing and not creating; `ERROR_BADDB` (1009) for
    /// a file that is not a store, is truncated or corrupt; `ERROR_ROUTER_CONFIG_INCOMPATIBLE`
    /// (945) for a newer schema; `ERROR_ACCESS_DENIED` (5) if it cannot be read or created.
    /// A file that fails these checks is left byte-for-byte unchanged.
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("router.db");
    /// std::fs::write(&path, b"not a database at all, just text")?;
    /// let err = mprconfig_store::OpenOptions::new().open(&path).unwrap_err();
    /// assert_eq!(err.code, mprconfig_core::WinError::ERROR_BADDB);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open(&self, path: impl AsRef<Path>) -> Result<SqliteRegistry> {
        let path = path.as_ref();
        if path.as_os_str().is_empty() {
            return Err(Error::invalid_parameter("empty store path"));
        }
        match fs::metadata(path) {
            Ok(m) if m.is_dir() => Err(Error::new(
                WinError::ERROR_ACCESS_DENIED,
                format!("{} is a directory, not a store file", path.display()),
            )),
            Ok(_) => Ok(self.open_existing(path)?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if !self.create {
                    return Err(Error::new(
                        WinError::ERROR_FILE_NOT_FOUND,
                        format!("store {} does not exist", path.display()),
                    ));
                }
                self.create_new(path)?;
                Ok(self.open_existing(path)?)
            }
            Err(e) => Err(StoreError::io(e, IoOp::Read, path).into()),
        }
    }

    fn configure(&self, conn: &Connection) -> StoreResult<()> {
        conn.busy_timeout(self.busy_timeout)
            .map_err(|e| StoreError::sql(e, "setting busy_timeout"))?;
        // A 16 MiB page cache holds a 10,000-interface store whole; the default 2 MiB would
        // re-read most pages on every full enumeration. Pages are allocated only as used.
        conn.execute_batch(
            "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA cache_size = -16384;",
        )
        .map_err(|e| StoreError::sql(e, "setting pragmas"))?;
        // The query planner stability guarantee: without it SQLite marks a statement whose
        // plan looked at a bound value (`key = ?1`, `LIMIT ?2`) to be re-prepared when that
        // value changes, and the statement cache's `sqlite3_clear_bindings` on every return
        // then expires it, so the hot INSERT of `set_value` was parsed and planned again on
        // every execution (a third of a batch's CPU). Our statements are point lookups whose
        // best plan never depends on the value.
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)
            .map_err(|e| StoreError::sql(e, "enabling the query planner stability guarantee"))?;
        conn.set_prepared_statement_cache_capacity(32);
        Ok(())
    }

    /// The read connections, opened after the writer (so after any migration) with its flags;
    /// `query_only` makes a stray write through one fail instead of bypassing the writer.
    fn open_readers(&self, path: &Path, flags: OpenFlags) -> StoreResult<Vec<Connection>> {
        (0..self.read_connections)
            .map(|_| {
                let conn = Connection::open_with_flags(path, flags)
                    .map_err(|e| StoreError::sql(e, "opening a read connection"))?;
                self.configure(&conn)?;
                conn.execute_batch("PRAGMA query_only = ON;")
                    .map_err(|e| StoreError::sql(e, "setting query_only"))?;
                Ok(conn)
            })
            .collect()
    }

    fn open_existing(&self, path: &Path) -> StoreResult<SqliteRegistry> {
        schema::check_header(path)?;
        let read_only = !writable(path);
        let ro_flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, ro_flags)
            .map_err(|e| StoreError::sql(e, "opening the store"))?;
        self.configure(&conn)?;
        let version = schema::read_version(&conn, path).map_err(|e| corrupt_if_bad(e, path))?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                path: path.to_path_buf(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        if self.verify {
            check_integrity(&conn, path, "quick_check")?;
        }
        if read_only {
            if version < SCHEMA_VERSION {
                return Err(StoreError::ReadOnly {
                    why: format!(
                        "store {} has schema version {version} and needs migrating to {SCHEMA_VERSION}, but it is read-only",
                        path.display()
                    ),
                });
            }
            let readers = self.open_readers(path, ro_flags)?;
            return Ok(SqliteRegistry::from_parts(
                conn,
                readers,
                path.to_path_buf(),
                true,
            ));
        }
        drop(conn);
        remove_stale_temporaries(path);
        let rw_flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, rw_flags)
            .map_err(|e| StoreError::sql(e, "opening the store"))?;
        self.configure(&conn)?;
        // Stores are created in WAL mode and the mode is persistent; this only repairs a
        // file whose mode was changed by hand.
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(|e| StoreError::sql(e, "enabling WAL"))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::sql(
                rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
                    None,
                ),
                format!("journal mode is {mode}, WAL could not be enabled"),
            ));
        }
        if version < SCHEMA_VERSION {
            schema::migrate(&conn, path, MIGRATIONS, SCHEMA_VERSION)?;
        }
        let readers = self.open_readers(path, rw_flags)?;
        Ok(SqliteRegistry::from_parts(
            conn,
            readers,
            path.to_path_buf(),
            false,
        ))
    }

    fn create_new(&self, path: &Path) -> StoreResult<()> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&dir)
            .map_err(|e| StoreError::io(e, IoOp::Write, &dir))?;
        let file_name = path.file_name().ok_or_else(|| StoreError::Invalid {
            why: format!("store path {} has no file name", path.display()),
        })?;
        let nonce = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let mut tmp_name = std::ffi::OsString::from(".");
        tmp_name.push(file_name);
        tmp_name.push(format!(".creating-{}-{nonce}", std::process::id()));
        let tmp = dir.join(tmp_name);
        remove_stale_temporaries(path);
        let result = self.build(&tmp).and_then(|()| publish(&dir, &tmp, path));
        remove_with_sidecars(&tmp);
        result?;
        sync_dir(&dir)
    }

    /// Writes a complete new store into `tmp`: schema, default tree, WAL mode, fsync.
    fn build(&self, tmp: &Path) -> StoreResult<()> {
        fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(tmp)
            .map_err(|e| StoreError::io(e, IoOp::Write, tmp))?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(tmp, flags)
            .map_err(|e| StoreError::sql(e, "creating the store"))?;
        self.configure(&conn)?;
        // The page size is fixed when the first table is created, so it goes first. Every
        // commit writes each page it changed whole into the WAL (a batch touches about 7: key
        // rows, their two indexes, value rows and their index, the change log, the counters),
        // and the fsync after it takes time in proportion: 1 KiB pages made a durable batch
        // about 20 % faster than SQLite's default 4 KiB (docs/store.md, "Page size").
        conn.execute_batch(&format!(
            "PRAGMA page_size = {PAGE_SIZE}; PRAGMA application_id = {APPLICATION_ID};
             BEGIN IMMEDIATE; {SCHEMA} COMMIT;"
        ))
        .map_err(|e| StoreError::sql(e, "creating the schema"))?;
        let registry = SqliteRegistry::from_parts(conn, Vec::new(), tmp.to_path_buf(), false);
        let links = match &self.links {
            Some(l) => l.clone(),
            None => crate::links::local_links(),
        };
        RegistryConfig::new(registry)
            .install(&links)
            .map_err(StoreError::Core)?;
        // Dropping the configuration closed its connection; WAL is switched on last so the
        // file is never left in WAL mode with an unfinished tree in it.
        let conn = Connection::open_with_flags(tmp, flags)
            .map_err(|e| StoreError::sql(e, "reopening the new store"))?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(|e| StoreError::sql(e, "enabling WAL"))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Invalid {
                why: format!("cannot use WAL for {}: journal mode {mode}", tmp.display()),
            });
        }
        conn.close()
            .map_err(|(_, e)| StoreError::sql(e, "closing the new store"))?;
        File::open(tmp)
            .and_then(|f| f.sync_all())
            .map_err(|e| StoreError::io(e, IoOp::Write, tmp))
    }
}

/// Moves the finished `tmp` to `path` unless a store appeared there meanwhile (another process
/// won the race to create it; its store is as good as ours).
///
/// Creators serialise on an exclusive `flock` of the directory. While it is held and `path` is
/// absent, a `-wal` or `-shm` file beside it belongs to no store (it is left from a deleted
/// one) and is removed: SQLite would otherwise replay its frames into the new file.
fn publish(dir: &Path, tmp: &Path, path: &Path) -> StoreResult<()> {
    let dir_file = File::open(dir).map_err(|e| StoreError::io(e, IoOp::Read, dir))?;
    // Without flock support (some network file systems) creation is still atomic; only the
    // orphan clean-up below loses its protection against a concurrent creator.
    let _locked = lock_exclusive(&dir_file);
    if fs::symlink_metadata(path).is_ok() {
        return Ok(());
    }
    for suffix in ["-wal", "-shm"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        match fs::remove_file(&side) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(StoreError::io(e, IoOp::Write, Path::new(&side))),
        }
    }
    match fs::hard_link(tmp, path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        // File systems without hard links: rename (the lock and the check above guard it).
        Err(_) => fs::rename(tmp, path).map_err(|e| StoreError::io(e, IoOp::Write, path)),
    }
}

/// `flock(LOCK_EX)` on `f`, released when `f` is closed; false if the file system refuses.
fn lock_exclusive(f: &File) -> bool {
    use std::os::fd::AsRawFd;
    loop {
        // SAFETY: `f` is an open file descriptor for the duration of the call.
        if unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX) } == 0 {
            return true;
        }
        if std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            return false;
        }
    }
}

/// Removes the temporary files of creators of `path` that died before finishing (killed while
/// creating the store); a live creator's file is left alone.
fn remove_stale_temporaries(path: &Path) {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return;
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let mut prefix = std::ffi::OsString::from(".");
    prefix.push(name);
    prefix.push(".creating-");
    let prefix = prefix.as_bytes();
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.as_bytes().strip_prefix(prefix) else {
            continue;
        };
        let pid = std::str::from_utf8(rest)
            .ok()
            .and_then(|r| r.split('-').next())
            .and_then(|p| p.parse::<i32>().ok());
        let Some(pid) = pid else { continue };
        // SAFETY: signal 0 only checks whether the process exists.
        let dead = pid > 0
            && unsafe { libc::kill(pid, 0) } != 0
            && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH);
        if dead {
            remove_with_sidecars(&entry.path());
        }
    }
}

fn remove_with_sidecars(p: &Path) {
    let _ = fs::remove_file(p);
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut s = p.as_os_str().to_owned();
        s.push(suffix);
        let _ = fs::remove_file(PathBuf::from(s));
    }
}

/// fsyncs a directory so a new entry in it survives power loss.
pub(crate) fn sync_dir(dir: &Path) -> StoreResult<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| StoreError::io(e, IoOp::Write, dir))
}

/// Whether this process may write the store: the file has a write permission bit (honoured
/// even for root, like the Windows read-only attribute), `access(W_OK)` allows it, and the
/// directory is writable so SQLite can create the `-wal` and `-shm` files.
fn writable(path: &Path) -> bool {
    let Ok(meta) = fs::metadata(path) else {
        return false;
    };
    if meta.permissions().mode() & 0o222 == 0 {
        return false;
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    access_w(path) && access_w(dir)
}

fn access_w(p: &Path) -> bool {
    let Ok(c) = CString::new(p.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `c` is a valid NUL-terminated string that outlives the call.
    unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
}

/// SQLite reports a foreign schema as a generic "no such table"; for a file with our header
/// that means corruption.
fn corrupt_if_bad(e: StoreError, path: &Path) -> StoreError {
    match e {
        StoreError::Sqlite {
            err: rusqlite::Error::SqliteFailure(f, m),
            context,
        } if matches!(
            f.code,
            rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase
        ) =>
        {
            StoreError::Corrupt {
                path: path.to_path_buf(),
                why: format!("{context}: {}", m.unwrap_or_else(|| f.to_string())),
            }
        }
        e => e,
    }
}
