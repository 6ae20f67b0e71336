//! The local store: where it is, and the process-wide cache of opened stores.
//!
//! Opening a store checks its header, schema and pages, which costs milliseconds; connecting
//! must cost microseconds. So each store file is opened once per process and kept: a connect
//! is a `stat` of the path (to notice a file that was replaced or deleted), a map lookup and an
//! `Arc` clone.
//!
//! The cache is per process: a child after `fork()` lets the inherited stores go (closing
//! those it can, see `Stores::current`) and opens its own connections on its first connect.

use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use mprconfig_core::{Error, RegistryConfig, Result, WinError};
use mprconfig_store::{OpenOptions, SqliteRegistry};

/// The environment variable naming the local store file.
pub const STORE_ENV: &str = "MPRCONFIG_STORE";

/// The system-wide default store (DESIGN §5), used when its directory is writable.
pub const SYSTEM_STORE: &str = "/var/lib/mprconfig/router.db";

/// The configuration over one store file, shared by every connection to it in this process.
pub(crate) type LocalConfig = RegistryConfig<SqliteRegistry>;

struct Cached {
    dev: u64,
    ino: u64,
    config: Arc<LocalConfig>,
}

struct Stores {
    /// The process these connections were opened in (see [`Stores::after_fork`]).
    pid: u32,
    open: HashMap<PathBuf, Cached>,
    /// Stores whose file was deleted or replaced under this process. They are never closed:
    /// closing the last connection makes SQLite checkpoint and delete `<path>-wal` by name,
    /// which would now be the new file's WAL.
    retired: Vec<Arc<LocalConfig>>,
}

impl Stores {
    fn new() -> Stores {
        Stores {
            pid: std::process::id(),
            open: HashMap::new(),
            retired: Vec::new(),
        }
    }

    /// The cache of this process: in a child after `fork()`, the inherited stores are let go
    /// first, so that the child opens connections of its own.
    ///
    /// SQLite forbids carrying a connection across `fork()`, and its unix VFS shares lock
    /// state between all connections of a process to one file: a child that kept an inherited
    /// connection open and opened a new one would believe it holds the `SHARED` lock that only
    /// the parent really holds (POSIX locks are not inherited), so the parent could checkpoint
    /// and delete the WAL under it. So each inherited store that nothing else in the child
    /// still uses and that is still the file at its path is closed (idle connections: closing
    /// releases only the child's own state, and SQLite's last-connection checkpoint cannot
    /// take its `EXCLUSIVE` lock while the parent has the store open). The others (replaced
    /// files, see `retired`, or still held) are kept open and never used by the cache again.
    fn current(&mut self) -> &mut Stores {
        let pid = std::process::id();
        if self.pid != pid {
            self.pid = pid;
            for (path, c) in std::mem::take(&mut self.open) {
                let same_file =
                    std::fs::metadata(&path).is_ok_and(|m| m.dev() == c.dev && m.ino() == c.ino);
                if !(same_file && Arc::strong_count(&c.config) == 1) {
                    self.retired.push(c.config);
                }
            }
        }
        self
    }
}

static STORES: Mutex<Option<Stores>> = Mutex::new(None);

/// The local store path: `MPRCONFIG_STORE` if set and non-empty; else [`SYSTEM_STORE`] when
/// `/var/lib/mprconfig` is writable (or can be created because `/var/lib` is writable); else
/// `$XDG_DATA_HOME/mprconfig/router.db`, with `$HOME/.local/share` when `XDG_DATA_HOME` is
/// unset or not absolute. `ERROR_PATH_NOT_FOUND` if none of these can be determined.
///
/// ```
/// # // SAFETY: doc tests run this example alone in its own process.
/// # unsafe { std::env::set_var("MPRCONFIG_STORE", "/tmp/example/router.db") };
/// assert_eq!(mprconfig::default_store_path()?, std::path::PathBuf::from("/tmp/example/router.db"));
/// # Ok::<(), mprconfig::Error>(())
/// ```
pub fn default_store_path() -> Result<PathBuf> {
    if let Some(p) = std::env::var_os(STORE_ENV).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    let system = Path::new(SYSTEM_STORE);
    if let Some(dir) = system.parent() {
        let usable = if dir.is_dir() {
            writable(dir)
        } else {
            dir.parent().is_some_and(writable)
        };
        if usable {
            return Ok(system.to_path_buf());
        }
    }
    let xdg = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    let data = match xdg {
        Some(d) => d,
        None => match std::env::var_os("HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
        {
            Some(home) => home.join(".local/share"),
            None => {
                return Err(Error::new(
                    WinError::ERROR_PATH_NOT_FOUND,
                    format!("no local store: set {STORE_ENV}, or HOME or XDG_DATA_HOME"),
                ));
            }
        },
    };
    Ok(data.join("mprconfig").join("router.db"))
}

fn writable(dir: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `c` is a valid NUL-terminated path that outlives the call.
    unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
}

/// The shared configuration of the store at `path`, opening (and if needed creating) it on
/// first use in this process.
pub(crate) fn open_local(path: &Path) -> Result<Arc<LocalConfig>> {
    if path.as_os_str().is_empty() {
        return Err(Error::invalid_parameter("empty store path"));
    }
    if let Ok(meta) = std::fs::metadata(path) {
        let mut stores = STORES.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(c) = stores.as_mut().and_then(|m| m.current().open.get(path))
            && c.dev == meta.dev()
            && c.ino == meta.ino()
        {
            return Ok(Arc::clone(&c.config));
        }
    }
    // Open outside the lock: it takes milliseconds and may wait for another process.
    let store = OpenOptions::new().create(true).open(path)?;
    let meta = std::fs::metadata(path).map_err(|e| {
        Error::new(
            WinError::ERROR_CANTOPEN,
            format!("store {} vanished while opening: {e}", path.display()),
        )
    })?;
    let mut guard = STORES.lock().unwrap_or_else(PoisonError::into_inner);
    let stores = guard.get_or_insert_with(Stores::new).current();
    // Another thread may have opened the same file meanwhile: keep one shared value.
    if let Some(c) = stores.open.get(path)
        && c.dev == meta.dev()
        && c.ino == meta.ino()
    {
        return Ok(Arc::clone(&c.config));
    }
    let config = Arc::new(RegistryConfig::new(store));
    let fresh = Cached {
        dev: meta.dev(),
        ino: meta.ino(),
        config: Arc::clone(&config),
    };
    if let Some(old) = stores.open.insert(path.to_path_buf(), fresh) {
        stores.retired.push(old.config);
    }
    Ok(config)
}
