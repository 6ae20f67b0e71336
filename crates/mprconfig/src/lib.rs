//! `mprconfig`: the Windows router configuration API (`MprConfig*`) for Rust.
//!
//! This is the public Rust API and the layer the C ABI (`mprapi`) and the CLI (`mprcfg`) are
//! built on. [`connect`] is `MprConfigServerConnect`: `connect(None)` opens this machine's
//! configuration, an embedded SQLite store (`mprconfig-store`) at [`default_store_path`];
//! `connect(Some("router1"))` opens a remote router's configuration through `mprd`, and
//! `connect(Some("smb://admin@router2"))` (or a name `hosts.toml` marks as Windows) that of a
//! Windows RRAS server over the Remote Registry protocol (`mprconfig-rrp`, `docs/rrp.md`). The
//! returned [`Connection`] is the config handle: every `MprConfig*` operation of
//! [`RouterConfig`] is available on it, each one a single all-or-nothing transaction, and
//! dropping it is `MprConfigServerDisconnect`. Errors are [`Error`]s carrying the Win32 code a
//! Windows caller would get ([`WinError`]) plus a detail.
//!
//! ```
//! use mprconfig::{Interface, InterfaceType};
//!
//! # let dir = tempfile::tempdir()?;
//! # // SAFETY: doc tests run this example alone in its own process.
//! # unsafe { std::env::set_var("MPRCONFIG_STORE", dir.path().join("router.db")) };
//! let conn = mprconfig::connect(None)?;          // the local configuration
//! let id = conn.interface_create(&Interface {
//!     name: "Branch office".into(),
//!     if_type: InterfaceType::FULL_ROUTER,
//!     enabled: true,
//!     ..Interface::default()
//! })?;
//! assert_eq!(conn.interface_get_handle("BRANCH OFFICE")?, id);
//! for entry in conn.interfaces()? {
//!     println!("{} ({:?})", entry.info.name, entry.info.if_type);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod admin;
mod batch;
mod local;
mod remote;

use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use batch::{Batch, UPDATE_ATTEMPTS};
pub use local::{STORE_ENV, SYSTEM_STORE, default_store_path};
pub use mprconfig_core::model::*;
pub use mprconfig_core::{Error, Result, RouterConfig, WinError, info};
// Beyond Windows: batches, versions, the change stream (docs/design.md).
pub use mprconfig_core::{
    BatchError, BatchOp, BatchOutcome, Change, ChangeKind, ChangeStream, ChangedObject, IfRef,
    ObjectRef, Version, Versioned,
};
// The lower layers' pieces that tools above this crate (mprcfg, mprd) use, so they depend on
// this facade only (DESIGN §3): the info-block codecs and layout constants, the .reg codec and
// registry name rules, the semantics over any registry, and the trust-on-first-use calls.
pub use mprconfig_core::{RegValue, RegistryConfig, blocks, layout, regfile, registry};
pub use mprconfig_remote::{fetch_fingerprint, trust_host};

/// The embedded store (`mprconfig-store`) for programs that open a store file themselves
/// rather than through [`connect_store`] (`mprd` chooses its reader connections), and its
/// crash-safe file helpers.
pub mod store {
    pub use mprconfig_store::{OpenOptions, SqliteRegistry, read_file, write_file_atomic};
}

/// The file name a backup gets when [`Connection::backup_to`] or [`Connection::restore_from`]
/// is given a directory (the Windows convention: `MprConfigServerBackup` takes a directory).
pub const BACKUP_FILE_NAME: &str = "mprconfig-backup.reg";

/// An open router configuration: the config handle of `MprConfigServerConnect`.
///
/// Every [`RouterConfig`] operation is available directly on it (it dereferences to
/// `dyn RouterConfig`). Clones are cheap and share the configuration; dropping the last clone
/// (or calling [`Connection::disconnect`]) disconnects. Handles ([`InterfaceId`],
/// [`TransportId`], [`IfTransportId`]) are plain values obtained from one connection and
/// usable on any connection to the same configuration. A connection may be used from many
/// threads at once.
///
/// ```
/// # let dir = tempfile::tempdir()?;
/// let conn = mprconfig::connect_store(dir.path().join("router.db"))?;
/// let ip = conn.transport_get_handle(mprconfig::pid::IP)?;
/// println!("IP router manager: {}", conn.transport_get_info(&ip)?.name);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Connection {
    config: Arc<dyn RouterConfig>,
    target: Target,
}

#[derive(Clone, Debug)]
enum Target {
    Local(PathBuf),
    Remote(String),
    Other,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

/// `MprConfigServerConnect`: opens the router configuration of `server`.
///
/// `None` or an empty name opens this machine's configuration: the store file named by
/// `MPRCONFIG_STORE`, else [`default_store_path`], created with the default tree on first use.
/// `smb://[DOMAIN;]user@host[:port]` is a Windows RRAS server (or Samba) reached over MS-RRP,
/// and so is a plain `host` or `\\host` that `~/.config/mprconfig/hosts.toml` marks
/// `windows = true`, its password taken from `MPRCONFIG_SMB_PASSWORD` or `credentials.toml`
/// (`docs/rrp.md`). Any other name (`host`, `\\host`, `host:port`, `localhost` too) is a
/// remote router running `mprd`.
///
/// Repeated connects are cheap: each local store is opened and checked once per process and
/// shared by its connections.
///
/// Errors: those of opening the store (`ERROR_BADDB` 1009 for a damaged or foreign file,
/// `ERROR_ROUTER_CONFIG_INCOMPATIBLE` 945 for a newer schema, `ERROR_ACCESS_DENIED` 5, ...);
/// for a remote name, `ERROR_BAD_NETPATH` 53 when the server cannot be reached; for an MS-RRP
/// server also `ERROR_LOGON_FAILURE` 1326 (wrong or missing password), `ERROR_ACCESS_DENIED` 5
/// and `ERROR_INVALID_PARAMETER` 87 for a malformed `smb://` name or `hosts.toml` entry.
///
/// ```
/// # let dir = tempfile::tempdir()?;
/// # // SAFETY: doc tests run this example alone in its own process.
/// # unsafe { std::env::set_var("MPRCONFIG_STORE", dir.path().join("router.db")) };
/// let local = mprconfig::connect(None)?;
/// assert!(local.is_local());
/// let same = mprconfig::connect(Some(""))?;
/// assert_eq!(same.store_path(), local.store_path());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn connect(server: Option<&str>) -> Result<Connection> {
    match server {
        None | Some("") => connect_store(default_store_path()?),
        Some(name) => remote::connect_remote(name),
    }
}

/// Opens the local store file at `path` (created with the default tree for this machine's
/// links if missing), regardless of `MPRCONFIG_STORE`. This is what `connect(None)` does with
/// the default path, and what `mprd --store PATH` uses.
///
/// ```
/// # let dir = tempfile::tempdir()?;
/// let conn = mprconfig::connect_store(dir.path().join("router.db"))?;
/// assert_eq!(conn.store_path(), Some(dir.path().join("router.db").as_path()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn connect_store(path: impl AsRef<Path>) -> Result<Connection> {
    let path = path.as_ref();
    let config = local::open_local(path)?;
    Ok(Connection {
        config,
        target: Target::Local(path.to_path_buf()),
    })
}

/// This machine's network links (`/sys/class/net`) with their stable GUIDs: what
/// [`Connection::install`] and a new local store seed the friendly-name mapping and the
/// dedicated interfaces with.
///
/// ```
/// for link in mprconfig::local_links() {
///     println!("{} = {}{}", link.name, link.guid, if link.is_loopback { " (loopback)" } else { "" });
/// }
/// ```
pub fn local_links() -> Vec<NetLink> {
    mprconfig_store::local_links()
}

/// `MprConfigServerInstall`: resets this machine's configuration to the default tree for its
/// links and marks it configured.
///
/// ```
/// # let dir = tempfile::tempdir()?;
/// # // SAFETY: doc tests run this example alone in its own process.
/// # unsafe { std::env::set_var("MPRCONFIG_STORE", dir.path().join("router.db")) };
/// mprconfig::install_local()?;
/// let names: Vec<String> = mprconfig::connect(None)?.interfaces()?.into_iter().map(|e| e.info.name).collect();
/// assert!(names.contains(&"Loopback".to_string()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn install_local() -> Result<()> {
    connect(None)?.install()
}

impl Connection {
    /// Wraps any [`RouterConfig`] implementation as a connection (for example an in-memory
    /// configuration in tests, or a remote client).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use mprconfig_core::{MemRegistry, RegistryConfig};
    ///
    /// let conn = mprconfig::Connection::from_config(Arc::new(RegistryConfig::new(MemRegistry::new())));
    /// assert!(!conn.is_local() && conn.server().is_none());
    /// ```
    pub fn from_config(config: Arc<dyn RouterConfig>) -> Connection {
        Connection {
            config,
            target: Target::Other,
        }
    }

    /// A connection to the remote router `server` over `config` (used by the remote client).
    pub(crate) fn remote(server: &str, config: Arc<dyn RouterConfig>) -> Connection {
        Connection {
            config,
            target: Target::Remote(server.to_owned()),
        }
    }

    /// `MprConfigServerDisconnect`: closes this connection (the same as dropping it). Handles
    /// obtained through it stay usable on other connections to the same configuration.
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// let conn = mprconfig::connect_store(dir.path().join("router.db"))?;
    /// conn.disconnect();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn disconnect(self) {}

    /// The configuration as a trait object, for code that takes `&dyn RouterConfig`.
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// fn count(config: &dyn mprconfig::RouterConfig) -> mprconfig::Result<u32> {
    ///     Ok(config.interface_enum(0, u32::MAX)?.total_from_resume)
    /// }
    /// let conn = mprconfig::connect_store(dir.path().join("router.db"))?;
    /// assert!(count(conn.config())? >= 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn config(&self) -> &dyn RouterConfig {
        &*self.config
    }

    /// True for this machine's configuration (an embedded store).
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// assert!(mprconfig::connect_store(dir.path().join("router.db"))?.is_local());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_local(&self) -> bool {
        matches!(self.target, Target::Local(_))
    }

    /// The server name this connection was opened with; `None` for a local one.
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// assert_eq!(mprconfig::connect_store(dir.path().join("router.db"))?.server(), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn server(&self) -> Option<&str> {
        match &self.target {
            Target::Remote(s) => Some(s),
            _ => None,
        }
    }

    /// The store file of a local connection.
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("router.db");
    /// assert_eq!(mprconfig::connect_store(&path)?.store_path(), Some(path.as_path()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn store_path(&self) -> Option<&Path> {
        match &self.target {
            Target::Local(p) => Some(p),
            _ => None,
        }
    }

    /// `MprConfigServerInstall` on this configuration for this machine's links
    /// ([`local_links`]). To install for other links, call the trait method:
    /// `RouterConfig::install(&*conn, &links)`.
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// let conn = mprconfig::connect_store(dir.path().join("router.db"))?;
    /// let custom = conn.interface_create(&mprconfig::Interface {
    ///     name: "temp".into(),
    ///     if_type: mprconfig::InterfaceType::FULL_ROUTER,
    ///     ..Default::default()
    /// })?;
    /// conn.install()?;
    /// assert_eq!(conn.interface_get_info(&custom).unwrap_err().code, mprconfig::WinError::ERROR_NO_SUCH_INTERFACE);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn install(&self) -> Result<()> {
        self.config.install(&local_links())
    }

    /// Every interface (`MprConfigInterfaceEnum` level 0 over all pages, taken in one
    /// snapshot).
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// let conn = mprconfig::connect_store(dir.path().join("router.db"))?;
    /// let all = conn.interfaces()?;
    /// assert!(all.iter().any(|e| e.info.if_type == mprconfig::InterfaceType::LOOPBACK));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn interfaces(&self) -> Result<Vec<InterfaceEntry>> {
        collect_pages(|resume| {
            self.config
                .interface_enum(resume, limits::MAX_PREFERRED_LENGTH)
        })
    }

    /// Every configured transport (`MprConfigTransportEnum` over all pages).
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// let conn = mprconfig::connect_store(dir.path().join("router.db"))?;
    /// let ids: Vec<u32> = conn.transports()?.iter().map(|t| t.id.protocol_id).collect();
    /// assert!(ids.contains(&mprconfig::pid::IP));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn transports(&self) -> Result<Vec<TransportEntry>> {
        collect_pages(|resume| {
            self.config
                .transport_enum(resume, limits::MAX_PREFERRED_LENGTH)
        })
    }

    /// Every transport of one interface (`MprConfigInterfaceTransportEnum` over all pages).
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// let conn = mprconfig::connect_store(dir.path().join("router.db"))?;
    /// let lo = conn.interface_get_handle("Loopback")?;
    /// assert!(!conn.interface_transports(&lo)?.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn interface_transports(&self, interface: &InterfaceId) -> Result<Vec<IfTransportEntry>> {
        collect_pages(|resume| {
            self.config
                .if_transport_enum(interface, resume, limits::MAX_PREFERRED_LENGTH)
        })
    }

    /// `MprConfigServerBackup`: writes the whole configuration, taken as one consistent
    /// snapshot, to a backup file and returns its path. `path` is the file; an existing
    /// directory, or a path ending in `/` or `\`, means [`BACKUP_FILE_NAME`] inside that
    /// directory (the Windows convention). The file is replaced atomically (temporary file,
    /// fsync, rename): after a crash it is the old file or the whole new one.
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// let conn = mprconfig::connect_store(dir.path().join("router.db"))?;
    /// let file = conn.backup_to(dir.path())?;
    /// assert_eq!(file, dir.path().join(mprconfig::BACKUP_FILE_NAME));
    /// conn.restore_from(dir.path())?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn backup_to(&self, path: impl AsRef<Path>) -> Result<PathBuf> {
        let file = backup_file(path.as_ref())?;
        let bytes = self.config.backup()?;
        mprconfig_store::write_file_atomic(&file, &bytes)?;
        Ok(file)
    }

    /// `MprConfigServerRestore`: replaces the configuration with a backup file written by
    /// [`Connection::backup_to`] (same path rules). The file is validated completely first;
    /// the replacement is one transaction, so a crash leaves the old or the new configuration,
    /// never a mix. A malformed file gives `ERROR_INVALID_DATA` (13) and changes nothing.
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// let conn = mprconfig::connect_store(dir.path().join("router.db"))?;
    /// let file = conn.backup_to(dir.path().join("before.reg"))?;
    /// let lo = conn.interface_get_handle("Loopback")?;
    /// conn.interface_delete(&lo)?;
    /// conn.restore_from(&file)?;
    /// assert!(conn.interface_get_handle("Loopback").is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn restore_from(&self, path: impl AsRef<Path>) -> Result<()> {
        let file = backup_file(path.as_ref())?;
        let bytes = mprconfig_store::read_file(&file)?;
        self.config.restore(&bytes)
    }
}

impl Deref for Connection {
    type Target = dyn RouterConfig;

    fn deref(&self) -> &Self::Target {
        &*self.config
    }
}

/// The backup file for a path given to backup/restore (see [`Connection::backup_to`]).
fn backup_file(path: &Path) -> Result<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    let bytes = path.as_os_str().as_bytes();
    if bytes.is_empty() {
        return Err(Error::invalid_parameter("empty backup path"));
    }
    if bytes.ends_with(b"/") || bytes.ends_with(b"\\") {
        let mut end = bytes.len();
        while end > 1 && matches!(bytes[end - 1], b'/' | b'\\') {
            end -= 1;
        }
        let dir = Path::new(std::ffi::OsStr::from_bytes(&bytes[..end]));
        return Ok(dir.join(BACKUP_FILE_NAME));
    }
    if path.is_dir() {
        return Ok(path.join(BACKUP_FILE_NAME));
    }
    Ok(path.to_path_buf())
}

/// Gathers every page of an enumeration; one call with "no limit" normally returns them all.
fn collect_pages<T>(mut page: impl FnMut(u32) -> Result<Page<T>>) -> Result<Vec<T>> {
    let mut out = Vec::new();
    let mut resume = 0;
    loop {
        let p = match page(resume) {
            Ok(p) => p,
            // The set shrank between two pages: what was there has been returned.
            Err(e) if resume != 0 && e.code == WinError::ERROR_NO_MORE_ITEMS => return Ok(out),
            Err(e) => return Err(e),
        };
        out.extend(p.entries);
        if p.next_resume == 0 || p.next_resume <= resume {
            return Ok(out);
        }
        resume = p.next_resume;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_paths_follow_the_directory_convention() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        assert_eq!(backup_file(d).unwrap(), d.join(BACKUP_FILE_NAME));
        assert_eq!(
            backup_file(&d.join("x/")).unwrap(),
            d.join("x").join(BACKUP_FILE_NAME)
        );
        let win = format!("{}\\", d.join("y").display());
        assert_eq!(
            backup_file(Path::new(&win)).unwrap(),
            d.join("y").join(BACKUP_FILE_NAME)
        );
        assert_eq!(
            backup_file(&d.join("file.reg")).unwrap(),
            d.join("file.reg")
        );
        assert_eq!(
            backup_file(Path::new("")).unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER
        );
    }

    #[test]
    fn paging_collects_every_page_and_stops_on_a_shrunken_set() {
        let pages = |resume: u32| -> Result<Page<u32>> {
            match resume {
                0 => Ok(Page {
                    entries: vec![1, 2],
                    total_from_resume: 5,
                    next_resume: 2,
                }),
                2 => Ok(Page {
                    entries: vec![3, 4],
                    total_from_resume: 3,
                    next_resume: 4,
                }),
                _ => Err(Error::from(WinError::ERROR_NO_MORE_ITEMS)),
            }
        };
        assert_eq!(collect_pages(pages).unwrap(), vec![1, 2, 3, 4]);
        let first_fails = |_| -> Result<Page<u32>> { Err(Error::from(WinError::ERROR_BADDB)) };
        assert_eq!(
            collect_pages(first_fails).unwrap_err().code,
            WinError::ERROR_BADDB
        );
    }
}
