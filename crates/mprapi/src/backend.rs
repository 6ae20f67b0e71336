//! Where configurations come from: the `mprconfig` crate, in one place.

use std::sync::Arc;

use mprconfig_core::Result;

/// An open configuration, shared by the handle table and the calls in flight (cloning it is
/// one atomic increment; it dereferences to `dyn RouterConfig`).
pub type Conn = Arc<mprconfig::Connection>;

/// `mprconfig::connect`: NULL or "" is the local store, anything else a remote router.
pub fn connect(name: Option<&str>) -> Result<Conn> {
    mprconfig::connect(name).map(Arc::new)
}

/// Resets the local configuration to the default tree for this machine's links.
pub fn install_local() -> Result<()> {
    mprconfig::install_local()
}

/// Writes a backup file (directory convention of `Connection::backup_to`).
pub fn backup(conn: &Conn, path: &str) -> Result<()> {
    conn.backup_to(path).map(|_| ())
}

/// Restores from a backup file (same path rule).
pub fn restore(conn: &Conn, path: &str) -> Result<()> {
    conn.restore_from(path)
}
