//! [`SqliteRegistry`]: the core [`Registry`] trait over one SQLite connection.
//!
//! One value is shared by the threads of a process; other processes open their own. Writes run
//! in `BEGIN IMMEDIATE` on the one writer connection, reads in a deferred transaction (a WAL
//! snapshot) on a reader connection when the store was opened with some
//! ([`crate::OpenOptions::read_connections`]), else on the writer's. Each connection sits behind
//! its own mutex, so reads run in parallel with each other and with a write's fsync. Key paths
//! resolve to row ids, keys to their values and keys to their subkeys through per-connection
//! caches that stay exact while the store generation is unchanged, so a warm read costs one point
//! select (the generation) and no other query.
//!
//! Every key row carries a version (the generation of the commit that last changed it), and
//! the `changes` table is the change log: rows appended by the semantics inside the writing
//! transaction, trimmed to the configured capacity at its commit. After a commit that logged
//! changes, the writer touches the WAL file's timestamps so that watchers blocked on inotify
//! (see `watch.rs`) wake once the commit is visible.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, TryLockError};

use mprconfig_core::changes::{
    Change, ChangeKind, ChangeLogTx, ChangePage, ChangeRecord, ChangeWaiter, ChangedObject,
    Version, position_lost,
};
use mprconfig_core::registry::{
    RegValueRef, SubkeyVisitor, check_path, fold, is_wanted, names_equal, split_parent,
};
use mprconfig_core::{
    Error, IfTransportId, InterfaceId, RegValue, Registry, RegistryTx, Result, TransportId, TxMode,
    WinError,
};
use rusqlite::types::{FromSqlError, FromSqlResult, ValueRef};
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::error::{StoreError, StoreResult};
use crate::schema::ROOT_KEY;

mod changelog;
mod keybuf;

use changelog::{LogState, finish_log, read_log_state};
use keybuf::KeyBuf;

/// The connection and the caches that belong to it.
pub(crate) struct State {
    pub(crate) conn: Connection,
    /// Folded key path -> key id, exact while the store generation equals `ids_gen`.
    ids: HashMap<String, i64>,
    /// Key id -> its values in creation order, exact at `ids_gen` like `ids`.
    vals: HashMap<i64, Vec<(String, RegValue)>>,
    /// Key id -> its subkeys (name, id) in creation order, exact at `ids_gen`; only keys with
    /// at most [`MAX_CACHED_SUBKEYS`] subkeys are cached (a 10,000-interface list is not).
    kids: HashMap<i64, Vec<(String, i64)>>,
    /// Key id -> its version, exact at `ids_gen` like `ids`.
    vers: HashMap<i64, u64>,
    /// The generation `ids` and `vals` describe; `None` = unknown (after a rollback or a panic).
    ids_gen: Option<u64>,
    /// The change log counters (`appended` 0) as of the generation `ids_gen`: every commit
    /// that changes them advances the generation, so a transaction that starts there needs no
    /// query to know them.
    log: Option<LogState>,
}

/// At most this many keys' values are cached; beyond it the cache starts over (a bound on
/// memory, not a tuning knob: the hot keys of a configuration number in the dozens).
const MAX_CACHED_KEYS: usize = 4096;

/// A key's values in creation order.
type Values = Vec<(String, RegValue)>;

/// Subkey lists longer than this are read from SQLite each time rather than cached.
const MAX_CACHED_SUBKEYS: usize = 64;

impl State {
    pub(crate) fn new(conn: Connection) -> Self {
        State {
            conn,
            ids: HashMap::new(),
            vals: HashMap::new(),
            kids: HashMap::new(),
            vers: HashMap::new(),
            ids_gen: None,
            log: None,
        }
    }

    fn invalidate(&mut self) {
        self.clear_caches();
        self.ids_gen = None;
    }

    fn clear_caches(&mut self) {
        self.ids.clear();
        self.vals.clear();
        self.kids.clear();
        self.vers.clear();
        self.log = None;
    }
}

/// A registry-shaped router configuration store in one SQLite file.
///
/// Open one with [`crate::OpenOptions`] (or [`SqliteRegistry::open`] /
/// [`SqliteRegistry::open_or_create`]) and wrap it in
/// [`mprconfig_core::regconfig::RegistryConfig`] to get the `MprConfig*` semantics. Every
/// [`Registry::transact`] call is one SQLite transaction; a committed write is durable
/// (`synchronous=FULL`) before `transact` returns.
///
/// ```
/// use mprconfig_core::{Registry, RegValue, TxMode};
/// use mprconfig_store::{OpenOptions, SqliteRegistry};
///
/// let dir = tempfile::tempdir()?;
/// let store = OpenOptions::new().create(true).links(Vec::new()).open(dir.path().join("router.db"))?;
/// store.transact(TxMode::Write, &mut |tx| {
///     tx.create_key(r"SOFTWARE\Example")?;
///     tx.set_value(r"SOFTWARE\Example", "Answer", &RegValue::dword(42))
/// })?;
/// let v = store.transact(TxMode::Read, &mut |tx| tx.get_value(r"software\EXAMPLE", "answer"))?;
/// assert_eq!(v, Some(RegValue::dword(42)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct SqliteRegistry {
    /// The writer connection (and the reader when there are no others).
    state: Mutex<State>,
    /// Extra connections that only ever run read transactions.
    readers: Box<[Mutex<State>]>,
    /// Where the next read starts looking for a free reader.
    next_reader: AtomicUsize,
    path: PathBuf,
    read_only: bool,
}

impl std::fmt::Debug for SqliteRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteRegistry")
            .field("path", &self.path)
            .field("read_only", &self.read_only)
            .field("read_connections", &self.readers.len())
            .finish()
    }
}

impl SqliteRegistry {
    pub(crate) fn from_parts(
        conn: Connection,
        readers: Vec<Connection>,
        path: PathBuf,
        read_only: bool,
    ) -> Self {
        SqliteRegistry {
            state: Mutex::new(State::new(conn)),
            readers: readers
                .into_iter()
                .map(|c| Mutex::new(State::new(c)))
                .collect(),
            next_reader: AtomicUsize::new(0),
            path,
            read_only,
        }
    }

    /// How many connections only run reads (0: reads share the writer's connection).
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// let store = mprconfig_store::OpenOptions::new()
    ///     .create(true)
    ///     .links(vec![])
    ///     .read_connections(3)
    ///     .open(dir.path().join("r.db"))?;
    /// assert_eq!(store.read_connections(), 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn read_connections(&self) -> usize {
        self.readers.len()
    }

    /// The store file this registry was opened on.
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("router.db");
    /// let store = mprconfig_store::OpenOptions::new().create(true).links(vec![]).open(&path)?;
    /// assert_eq!(store.path(), path);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// True if the store was opened read-only (the file or its directory is not writable, or
    /// the file has no write permission bits): reads work, every write transaction fails with
    /// `ERROR_ACCESS_DENIED`.
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// let store = mprconfig_store::OpenOptions::new().create(true).links(vec![]).open(dir.path().join("r.db"))?;
    /// assert!(!store.is_read_only());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Runs SQLite's full `PRAGMA integrity_check`; `ERROR_BADDB` with SQLite's findings if the
    /// file is damaged. It reads every page, so it is for tests and administrators, not for
    /// every open.
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// let store = mprconfig_store::OpenOptions::new().create(true).links(vec![]).open(dir.path().join("r.db"))?;
    /// store.integrity_check()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn integrity_check(&self) -> Result<()> {
        let state = self.lock();
        check_integrity(&state.conn, &self.path, "integrity_check").map_err(Error::from)
    }

    /// How many of the most recent changes the store's change log keeps (default
    /// [`mprconfig_core::changes::DEFAULT_CHANGE_LOG_CAPACITY`]). The setting lives in the
    /// store file, so every process writing it trims alike.
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// let store = mprconfig_store::OpenOptions::new().create(true).links(vec![]).open(dir.path().join("r.db"))?;
    /// assert_eq!(store.change_log_capacity()?, mprconfig_core::changes::DEFAULT_CHANGE_LOG_CAPACITY);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn change_log_capacity(&self) -> Result<u64> {
        let state = self.lock_for_read();
        read_log_state(&state.conn)
            .map(|l| l.capacity)
            .map_err(Error::from)
    }

    /// Sets how many of the most recent changes the change log keeps (at least 1), in one
    /// write transaction; the next commit that logs a change trims to it. A watcher that falls
    /// further behind than this gets `ERROR_JOURNAL_ENTRY_DELETED` and rescans.
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// let store = mprconfig_store::OpenOptions::new().create(true).links(vec![]).open(dir.path().join("r.db"))?;
    /// store.set_change_log_capacity(100_000)?;
    /// assert_eq!(store.change_log_capacity()?, 100_000);
    /// assert_eq!(store.set_change_log_capacity(0).unwrap_err().code, mprconfig_core::WinError::ERROR_INVALID_PARAMETER);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_change_log_capacity(&self, capacity: u64) -> Result<()> {
        if capacity == 0 {
            return Err(Error::invalid_parameter(
                "a change log keeps at least one change",
            ));
        }
        if self.read_only {
            return Err(Error::new(
                WinError::ERROR_ACCESS_DENIED,
                format!("store {} is read-only", self.path.display()),
            ));
        }
        let value = to_sql_int(capacity).map_err(Error::from)?;
        // The generation advances with it: connections (of any process) keep the change log
        // counters cached for the generation they were read at.
        let mut state = self.lock();
        state.invalidate();
        state
            .conn
            .execute_batch(&format!(
                "BEGIN IMMEDIATE;
                 UPDATE meta SET value = {value} WHERE name = 'change_capacity';
                 UPDATE meta SET value = value + 1 WHERE name = 'generation';
                 COMMIT;"
            ))
            .map_err(|e| {
                let _ = state.conn.execute_batch("ROLLBACK");
                Error::from(StoreError::sql(e, "setting the change log capacity"))
            })?;
        Ok(())
    }

    /// Locks the writer connection.
    fn lock(&self) -> MutexGuard<'_, State> {
        lock_state(&self.state)
    }

    /// A connection for a read transaction: a free reader if there is one, else the next
    /// reader in turn (waiting for it), else the writer's when there are no readers.
    fn lock_for_read(&self) -> MutexGuard<'_, State> {
        let n = self.readers.len();
        if n == 0 {
            return self.lock();
        }
        let start = self.next_reader.fetch_add(1, Ordering::Relaxed);
        for i in 0..n {
            match self.readers[(start + i) % n].try_lock() {
                Ok(g) => return g,
                Err(TryLockError::Poisoned(_)) => {
                    return lock_state(&self.readers[(start + i) % n]);
                }
                Err(TryLockError::WouldBlock) => {}
            }
        }
        lock_state(&self.readers[start % n])
    }
}

/// Locks a connection. A panic in an earlier transaction closure poisons the mutex; the state
/// is still usable once any open transaction is rolled back and caches are dropped.
fn lock_state(m: &Mutex<State>) -> MutexGuard<'_, State> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => {
            let mut g = poisoned.into_inner();
            if !g.conn.is_autocommit() {
                let _ = g.conn.execute_batch("ROLLBACK");
            }
            g.invalidate();
            m.clear_poison();
            g
        }
    }
}

/// Runs `PRAGMA integrity_check` or `quick_check`; `Corrupt` unless SQLite says `ok`.
pub(crate) fn check_integrity(conn: &Connection, path: &Path, pragma: &str) -> StoreResult<()> {
    let mut stmt = conn
        .prepare(&format!("PRAGMA {pragma}"))
        .map_err(|e| StoreError::sql(e, pragma))?;
    let rows: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .and_then(|rows| rows.collect())
        .map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _)
                if matches!(
                    f.code,
                    rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase
                ) =>
            {
                StoreError::Corrupt {
                    path: path.to_path_buf(),
                    why: e.to_string(),
                }
            }
            e => StoreError::sql(e, pragma),
        })?;
    if rows.len() == 1 && rows[0] == "ok" {
        Ok(())
    } else {
        let mut why = rows.into_iter().take(5).collect::<Vec<_>>().join("; ");
        why.insert_str(0, &format!("{pragma}: "));
        Err(StoreError::Corrupt {
            path: path.to_path_buf(),
            why,
        })
    }
}

fn read_generation(conn: &Connection) -> StoreResult<u64> {
    let g: i64 = conn
        .prepare_cached("SELECT value FROM meta WHERE name = 'generation'")?
        .query_row([], |r| r.get(0))
        .map_err(|e| StoreError::sql(e, "reading the store generation"))?;
    u64::try_from(g).map_err(|_| {
        StoreError::sql(
            rusqlite::Error::IntegralValueOutOfRange(0, g),
            "store generation",
        )
    })
}

/// Ends the transaction on every exit path, panics included.
struct TxGuard<'a> {
    state: &'a mut State,
    open: bool,
}

impl Drop for TxGuard<'_> {
    fn drop(&mut self) {
        if self.open {
            let _ = self.state.conn.execute_batch("ROLLBACK");
            self.state.invalidate();
        }
    }
}

impl Registry for SqliteRegistry {
    fn transact<T>(
        &self,
        mode: TxMode,
        f: &mut dyn FnMut(&mut dyn RegistryTx) -> Result<T>,
    ) -> Result<T> {
        if mode == TxMode::Write && self.read_only {
            return Err(Error::new(
                WinError::ERROR_ACCESS_DENIED,
                format!("store {} is read-only", self.path.display()),
            ));
        }
        let mut state = match mode {
            TxMode::Write => self.lock(),
            TxMode::Read => self.lock_for_read(),
        };
        let begin = match mode {
            TxMode::Write => "BEGIN IMMEDIATE",
            TxMode::Read => "BEGIN",
        };
        state
            .conn
            .prepare_cached(begin)
            .and_then(|mut s| s.execute([]))
            .map_err(|e| Error::from(StoreError::sql(e, "starting a transaction")))?;
        let mut guard = TxGuard {
            state: &mut state,
            open: true,
        };
        // The first read of a deferred transaction fixes its snapshot.
        let generation = read_generation(&guard.state.conn)?;
        if guard.state.ids_gen != Some(generation) {
            guard.state.clear_caches();
            guard.state.ids_gen = Some(generation);
        }
        let log = guard.state.log;
        let mut tx = Tx {
            state: &mut *guard.state,
            mode,
            generation,
            touched: HashSet::new(),
            log,
        };
        let out = f(&mut tx)?;
        let mut log = tx.log.take();
        if let Some(log) = &mut log
            && log.appended > 0
        {
            finish_log(&guard.state.conn, log).map_err(Error::from)?;
        }
        let conn = &guard.state.conn;
        if mode == TxMode::Write {
            conn.prepare_cached("UPDATE meta SET value = value + 1 WHERE name = 'generation'")
                .and_then(|mut s| s.execute([]))
                .map_err(|e| Error::from(StoreError::sql(e, "advancing the store generation")))?;
        }
        conn.prepare_cached("COMMIT")
            .and_then(|mut s| s.execute([]))
            .map_err(|e| Error::from(StoreError::sql(e, "committing")))?;
        guard.open = false;
        if mode == TxMode::Write {
            // This commit made the generation g+1; the cache holds exactly what it wrote.
            guard.state.ids_gen = Some(generation + 1);
        }
        let announce = log.is_some_and(|l| l.appended > 0);
        guard.state.log = log.map(|l| LogState { appended: 0, ..l });
        if announce {
            crate::watch::announce_commit(&self.path);
        }
        Ok(out)
    }

    fn generation(&self) -> Result<u64> {
        let state = self.lock_for_read();
        read_generation(&state.conn).map_err(Error::from)
    }

    fn change_waiter(&self) -> Result<Box<dyn ChangeWaiter>> {
        Ok(crate::watch::waiter(&self.path))
    }
}

/// One open transaction.
struct Tx<'a> {
    state: &'a mut State,
    mode: TxMode,
    generation: u64,
    /// Keys whose version this (write) transaction already set to `generation + 1`.
    touched: HashSet<i64>,
    /// The change log as this transaction uses it, read on first use.
    log: Option<LogState>,
}

fn to_sql_int(v: u64) -> StoreResult<i64> {
    i64::try_from(v).map_err(|_| {
        StoreError::sql(
            rusqlite::Error::ToSqlConversionFailure(format!("{v} exceeds i64").into()),
            "change log counter",
        )
    })
}

fn from_sql_int(v: i64, what: &str) -> StoreResult<u64> {
    u64::try_from(v)
        .map_err(|_| StoreError::sql(rusqlite::Error::IntegralValueOutOfRange(0, v), what))
}

fn not_found(path: &str) -> Error {
    Error::new(
        WinError::ERROR_FILE_NOT_FOUND,
        format!("registry key {path} does not exist"),
    )
}

fn reg_type(v: i64) -> rusqlite::Result<u32> {
    u32::try_from(v).map_err(|_| rusqlite::Error::IntegralValueOutOfRange(2, v))
}

/// Column `idx` of `row` through a borrowing decoder, with the errors `Row::get` gives.
fn borrowed<'r, T>(
    row: &'r Row<'_>,
    idx: usize,
    decode: impl FnOnce(ValueRef<'r>) -> FromSqlResult<T>,
) -> rusqlite::Result<T> {
    let value = row.get_ref(idx)?;
    decode(value).map_err(|e| match e {
        FromSqlError::InvalidType => {
            rusqlite::Error::InvalidColumnType(idx, String::new(), value.data_type())
        }
        FromSqlError::Utf8Error(e) => rusqlite::Error::Utf8Error(idx, e),
        FromSqlError::OutOfRange(i) => rusqlite::Error::IntegralValueOutOfRange(idx, i),
        e => rusqlite::Error::FromSqlConversionFailure(idx, value.data_type(), Box::new(e)),
    })
}

impl Tx<'_> {
    fn writable(&self) -> Result<()> {
        match self.mode {
            TxMode::Write => Ok(()),
            TxMode::Read => Err(Error::new(
                WinError::ERROR_ACCESS_DENIED,
                "write inside a read transaction",
            )),
        }
    }

    /// The id of the key at `folded` (a folded full path), if it exists.
    fn resolve(&mut self, folded: &str) -> StoreResult<Option<i64>> {
        if let Some(&id) = self.state.ids.get(folded) {
            return Ok(Some(id));
        }
        let (parent, name) = split_parent(folded);
        let parent_id = if parent.is_empty() {
            ROOT_KEY
        } else {
            match self.resolve(parent)? {
                Some(id) => id,
                None => return Ok(None),
            }
        };
        // A cached subkey list is complete (it is dropped, never left partial): a name that
        // is not in it does not exist, and a key created by this transaction is found here.
        if let Some(kids) = self.state.kids.get(&parent_id) {
            let id = kids
                .iter()
                .find(|(n, _)| names_equal(n, name))
                .map(|&(_, id)| id);
            if let Some(id) = id {
                self.state.ids.insert(folded.to_owned(), id);
            }
            return Ok(id);
        }
        let id: Option<i64> = self
            .state
            .conn
            .prepare_cached("SELECT id FROM keys WHERE parent = ?1 AND folded = ?2")?
            .query_row(params![parent_id, name], |r| r.get(0))
            .optional()?;
        if let Some(id) = id {
            self.state.ids.insert(folded.to_owned(), id);
        }
        Ok(id)
    }

    /// Checks the path and resolves it; `ERROR_FILE_NOT_FOUND` if missing.
    fn existing(&mut self, path: &str) -> Result<i64> {
        check_path(path)?;
        self.resolve(&fold(path))?.ok_or_else(|| not_found(path))
    }

    fn create(&mut self, path: &str, folded: &str) -> StoreResult<(i64, bool)> {
        if let Some(id) = self.resolve(folded)? {
            return Ok((id, false));
        }
        let (parent, name) = split_parent(path);
        let (fparent, fname) = split_parent(folded);
        let parent_id = if parent.is_empty() {
            ROOT_KEY
        } else {
            self.create(parent, fparent)?.0
        };
        let version = self.write_version()?;
        let conn = &self.state.conn;
        conn.prepare_cached(
            "INSERT INTO keys (parent, name, folded, version) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![parent_id, name, fname, to_sql_int(version)?])?;
        let id = conn.last_insert_rowid();
        let state = &mut *self.state;
        state.ids.insert(folded.to_owned(), id);
        // The new key is the last of its parent's subkeys (a new rowid is above every id in
        // use), and has no values and no subkeys yet: the caches learn that instead of being
        // dropped, so the writes that usually follow (its values, a subkey) read nothing.
        match state.kids.get_mut(&parent_id) {
            Some(kids) if kids.len() < MAX_CACHED_SUBKEYS => kids.push((name.to_owned(), id)),
            Some(_) => {
                state.kids.remove(&parent_id);
            }
            None => {}
        }
        if state.vals.len() < MAX_CACHED_KEYS {
            state.vals.insert(id, Vec::new());
            state.kids.insert(id, Vec::new());
        }
        state.vers.insert(id, version);
        self.touched.insert(id);
        Ok((id, true))
    }

    /// The version this write transaction gives the keys it changes: its commit's generation.
    fn write_version(&self) -> StoreResult<u64> {
        self.generation
            .checked_add(1)
            .ok_or_else(|| StoreError::Invalid {
                why: "the store generation is at its maximum".into(),
            })
    }

    /// Records that this transaction changed key `id`'s values: its version becomes the
    /// commit's generation (one UPDATE per key and transaction).
    fn touch(&mut self, id: i64) -> StoreResult<()> {
        if self.touched.insert(id) {
            let version = self.write_version()?;
            self.state
                .conn
                .prepare_cached("UPDATE keys SET version = ?1 WHERE id = ?2")?
                .execute(params![to_sql_int(version)?, id])?;
            self.state.vers.insert(id, version);
        }
        Ok(())
    }

    /// The change log counters, read once per transaction.
    fn log_state(&mut self) -> StoreResult<LogState> {
        match self.log {
            Some(log) => Ok(log),
            None => {
                let log = read_log_state(&self.state.conn)?;
                self.log = Some(log);
                Ok(log)
            }
        }
    }

    /// The values of key `key`, from the cache or read (and cached).
    fn cached_values(&mut self, key: i64) -> StoreResult<&[(String, RegValue)]> {
        if !self.state.vals.contains_key(&key) {
            let values = self.read_values(key)?;
            if self.state.vals.len() >= MAX_CACHED_KEYS {
                self.state.vals.clear();
            }
            self.state.vals.insert(key, values);
        }
        Ok(self
            .state
            .vals
            .get(&key)
            .map(Vec::as_slice)
            .unwrap_or_default())
    }

    fn read_values(&mut self, key: i64) -> StoreResult<Vec<(String, RegValue)>> {
        let mut stmt = self
            .state
            .conn
            .prepare_cached("SELECT name, type, data FROM vals WHERE key = ?1 ORDER BY seq")?;
        let rows = stmt.query_map([key], |r| {
            Ok((
                r.get::<_, String>(0)?,
                RegValue {
                    ty: reg_type(r.get(1)?)?,
                    data: r.get(2)?,
                },
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl RegistryTx for Tx<'_> {
    fn key_exists(&mut self, path: &str) -> Result<bool> {
        check_path(path)?;
        Ok(self.resolve(&fold(path))?.is_some())
    }

    fn create_key(&mut self, path: &str) -> Result<bool> {
        self.writable()?;
        check_path(path)?;
        Ok(self.create(path, &fold(path))?.1)
    }

    fn delete_key_tree(&mut self, path: &str) -> Result<bool> {
        self.writable()?;
        check_path(path)?;
        let folded = fold(path);
        let Some(id) = self.resolve(&folded)? else {
            return Ok(false);
        };
        // Foreign keys cascade the delete to every subkey and value.
        self.state
            .conn
            .prepare_cached("DELETE FROM keys WHERE id = ?1")
            .and_then(|mut s| s.execute([id]))
            .map_err(StoreError::from)?;
        let prefix = format!("{folded}\\");
        self.state
            .ids
            .retain(|k, _| k != &folded && !k.starts_with(&prefix));
        // Which cached keys were below it is unknown here, and ids of deleted rows can be reused.
        self.state.vals.clear();
        self.state.kids.clear();
        self.state.vers.clear();
        Ok(true)
    }

    fn subkeys(&mut self, path: &str) -> Result<Vec<String>> {
        let id = self.existing(path)?;
        if let Some(kids) = self.state.kids.get(&id) {
            return Ok(kids.iter().map(|(n, _)| n.clone()).collect());
        }
        let mut stmt = self
            .state
            .conn
            .prepare_cached("SELECT name, id FROM keys WHERE parent = ?1 ORDER BY id")
            .map_err(StoreError::from)?;
        let kids = stmt
            .query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(StoreError::from)?;
        drop(stmt);
        let names = kids.iter().map(|(n, _)| n.clone()).collect();
        if kids.len() <= MAX_CACHED_SUBKEYS {
            self.state.kids.insert(id, kids);
        }
        Ok(names)
    }

    fn get_value(&mut self, path: &str, name: &str) -> Result<Option<RegValue>> {
        let id = self.existing(path)?;
        let values = self.cached_values(id)?;
        Ok(values
            .iter()
            .find(|(n, _)| names_equal(n, name))
            .map(|(_, v)| v.clone()))
    }

    fn set_value(&mut self, path: &str, name: &str, value: &RegValue) -> Result<()> {
        if name.contains('\0') {
            return Err(Error::invalid_parameter(format!(
                "registry value name {name:?} contains NUL"
            )));
        }
        self.writable()?;
        let id = self.existing(path)?;
        // An existing value keeps its name, case and position; only type and data change.
        self.state
            .conn
            .prepare_cached(
                "INSERT INTO vals (key, seq, name, folded, type, data)
                 VALUES (?1, (SELECT coalesce(max(seq), 0) + 1 FROM vals WHERE key = ?1), ?2, ?3, ?4, ?5)
                 ON CONFLICT (key, folded) DO UPDATE SET type = excluded.type, data = excluded.data",
            )
            .and_then(|mut s| s.execute(params![id, name, fold(name), value.ty, value.data]))
            .map_err(StoreError::from)?;
        // The cached list follows the row: same place for an existing name, last for a new
        // one (its seq is the key's highest).
        if let Some(vals) = self.state.vals.get_mut(&id) {
            match vals.iter_mut().find(|(n, _)| names_equal(n, name)) {
                Some((_, v)) => v.clone_from(value),
                None => vals.push((name.to_owned(), value.clone())),
            }
        }
        self.touch(id)?;
        Ok(())
    }

    fn delete_value(&mut self, path: &str, name: &str) -> Result<bool> {
        self.writable()?;
        let id = self.existing(path)?;
        let n = self
            .state
            .conn
            .prepare_cached("DELETE FROM vals WHERE key = ?1 AND folded = ?2")
            .and_then(|mut s| s.execute(params![id, fold(name)]))
            .map_err(StoreError::from)?;
        if let Some(vals) = self.state.vals.get_mut(&id) {
            vals.retain(|(n, _)| !names_equal(n, name));
        }
        if n > 0 {
            self.touch(id)?;
        }
        Ok(n > 0)
    }

    fn values(&mut self, path: &str) -> Result<Vec<(String, RegValue)>> {
        let id = self.existing(path)?;
        Ok(self.cached_values(id)?.to_vec())
    }

    fn subkeys_with_values(
        &mut self,
        path: &str,
    ) -> Result<Vec<(String, Vec<(String, RegValue)>)>> {
        let id = self.existing(path)?;
        let state = &*self.state;
        if let Some(kids) = state.kids.get(&id) {
            let cached: Option<Vec<_>> = kids
                .iter()
                .map(|(n, k)| state.vals.get(k).map(|v| (n.clone(), v.clone())))
                .collect();
            if let Some(out) = cached {
                return Ok(out);
            }
        }
        let mut stmt = self
            .state
            .conn
            .prepare_cached(
                "SELECT k.id, k.name, v.name, v.type, v.data
                 FROM keys k LEFT JOIN vals v ON v.key = k.id
                 WHERE k.parent = ?1 ORDER BY k.id, v.seq",
            )
            .map_err(StoreError::from)?;
        let mut rows = stmt.query([id]).map_err(StoreError::from)?;
        let mut out: Vec<(i64, String, Values)> = Vec::new();
        while let Some(r) = rows.next().map_err(StoreError::from)? {
            let key: i64 = r.get(0).map_err(StoreError::from)?;
            if out.last().map(|e| e.0) != Some(key) {
                out.push((key, r.get(1).map_err(StoreError::from)?, Vec::new()));
            }
            let vname: Option<String> = r.get(2).map_err(StoreError::from)?;
            if let Some(vname) = vname {
                let ty = reg_type(r.get(3).map_err(StoreError::from)?).map_err(StoreError::from)?;
                let data: Vec<u8> = r.get(4).map_err(StoreError::from)?;
                if let Some(entry) = out.last_mut() {
                    entry.2.push((vname, RegValue { ty, data }));
                }
            }
        }
        drop(rows);
        drop(stmt);
        // Small lists (the port pools, an interface's transports) are read again and again;
        // cache them so the next read is served without SQL.
        if out.len() <= MAX_CACHED_SUBKEYS {
            let state = &mut *self.state;
            if state.vals.len() + out.len() > MAX_CACHED_KEYS {
                state.vals.clear();
            }
            for (key, _, values) in &out {
                state.vals.insert(*key, values.clone());
            }
            state
                .kids
                .insert(id, out.iter().map(|(k, n, _)| (n.clone(), *k)).collect());
        }
        Ok(out.into_iter().map(|(_, n, v)| (n, v)).collect())
    }

    fn visit_subkeys_with_values(
        &mut self,
        path: &str,
        wanted: &[&str],
        f: &mut SubkeyVisitor<'_>,
    ) -> Result<()> {
        let id = self.existing(path)?;
        // A pure read: the caches are consulted (a small list may be cached whole) and never
        // changed, so they stay exact whatever the walk meets.
        let state = &*self.state;
        if let Some(kids) = state.kids.get(&id)
            && kids.iter().all(|(_, k)| state.vals.contains_key(k))
        {
            let mut lent = Vec::new();
            for (name, key) in kids {
                lent.clear();
                lent.extend(
                    state.vals[key]
                        .iter()
                        .filter(|(n, _)| is_wanted(wanted, n))
                        .map(|(n, v)| (n.as_str(), v.as_value_ref())),
                );
                f(name, &lent)?;
            }
            return Ok(());
        }
        let mut stmt = state
            .conn
            .prepare_cached(
                "SELECT k.id, k.name, v.folded, v.name, v.type, v.data
                 FROM keys k LEFT JOIN vals v ON v.key = k.id
                 WHERE k.parent = ?1 ORDER BY k.id, v.seq",
            )
            .map_err(StoreError::from)?;
        // A value is wanted when its stored folded name is one of these: the byte comparison
        // `names_equal` makes, without folding the row's name again. Unwanted rows are skipped
        // undecoded.
        let folded: Vec<String> = wanted.iter().map(|w| fold(w)).collect();
        let mut rows = stmt.query([id]).map_err(StoreError::from)?;
        // Rows are lent only until the next step, so the current key's wanted values are copied
        // into one buffer reused for every key; `f` sees the key when the next one starts.
        let mut buf = KeyBuf::default();
        let mut current = None;
        while let Some(r) = rows.next().map_err(StoreError::from)? {
            let key: i64 = r.get(0).map_err(StoreError::from)?;
            if current != Some(key) {
                if current.is_some() {
                    buf.lend(f)?;
                }
                current = Some(key);
                buf.start(borrowed(r, 1, |v| v.as_str()).map_err(StoreError::from)?);
            }
            let vfolded = match r.get_ref(2).map_err(StoreError::from)? {
                // The LEFT JOIN's row for a key without values.
                ValueRef::Null => continue,
                ValueRef::Text(t) => t,
                other => {
                    return Err(StoreError::from(rusqlite::Error::InvalidColumnType(
                        2,
                        "folded".to_owned(),
                        other.data_type(),
                    ))
                    .into());
                }
            };
            if !folded.is_empty() && !folded.iter().any(|w| w.as_bytes() == vfolded) {
                continue;
            }
            let vname = borrowed(r, 3, |v| v.as_str()).map_err(StoreError::from)?;
            let ty = reg_type(r.get(4).map_err(StoreError::from)?).map_err(StoreError::from)?;
            let data = borrowed(r, 5, |v| v.as_blob()).map_err(StoreError::from)?;
            buf.push(vname, ty, data);
        }
        if current.is_some() {
            buf.lend(f)?;
        }
        Ok(())
    }

    fn generation(&mut self) -> Result<u64> {
        Ok(self.generation)
    }

    fn key_version(&mut self, path: &str) -> Result<Option<Version>> {
        check_path(path)?;
        let Some(id) = self.resolve(&fold(path))? else {
            return Ok(None);
        };
        if let Some(&v) = self.state.vers.get(&id) {
            return Ok(Some(Version::from_raw(v)));
        }
        let v: i64 = self
            .state
            .conn
            .prepare_cached("SELECT version FROM keys WHERE id = ?1")
            .and_then(|mut s| s.query_row([id], |r| r.get(0)))
            .map_err(StoreError::from)?;
        let v = from_sql_int(v, "key version")?;
        if self.state.vers.len() >= MAX_CACHED_KEYS {
            self.state.vers.clear();
        }
        self.state.vers.insert(id, v);
        Ok(Some(Version::from_raw(v)))
    }

    fn change_log(&mut self) -> Option<&mut dyn ChangeLogTx> {
        Some(self)
    }
}
