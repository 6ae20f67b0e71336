//! The relay behind `mprd`'s administration service: the router manager (`mprrouted`) of this
//! machine, over its Unix socket (`--router-socket`, else `MPRCONFIG_ROUTER_SOCKET`, else
//! `/run/mprconfig/router.sock`: the local client's default).
//!
//! Connections to the router manager are kept for reuse (as many as may be in use at once,
//! [`mprconfig_remote::server::MAX_RELAYED`]); one the router manager has closed (it exited or
//! restarted) is noticed before use and replaced. A router manager that does not answer, or
//! that applies another store than the one this `mprd` serves, is no router manager for this
//! server's clients: `RPC_S_UNKNOWN_IF` (1717), what Windows gives when the router service does
//! not run.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use mprconfig::admin::{AdminConnection, TransportHeaders};
use mprconfig::{Error, Interface, InterfaceEntry, InterfaceId, Result, ServerInfo, WinError};
use mprconfig_remote::admin::{AdminHello, RouterAdmin};
use mprconfig_remote::server::MAX_RELAYED;

/// The router manager at a socket path, for the clients of the store at `store`.
#[derive(Debug)]
pub struct SocketRelay {
    path: PathBuf,
    store: PathBuf,
    idle: Mutex<Vec<AdminConnection>>,
}

impl SocketRelay {
    /// A relay to the router manager at `socket`, which must apply `store` (compared as
    /// canonical paths). Nothing is connected yet: a router manager started later is found by
    /// the first call.
    pub fn new(socket: &Path, store: &Path) -> SocketRelay {
        SocketRelay {
            path: socket.to_path_buf(),
            store: std::fs::canonicalize(store).unwrap_or_else(|_| store.to_path_buf()),
            idle: Mutex::new(Vec::new()),
        }
    }

    /// The socket path.
    pub fn socket(&self) -> &Path {
        &self.path
    }

    /// A connection to the router manager: an idle one still open, else a new one that
    /// applies our store.
    fn take(&self) -> Result<AdminConnection> {
        loop {
            let c = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
            match c {
                Some(c) if c.is_alive() => return Ok(c),
                Some(_) => continue,
                None => break,
            }
        }
        let c = AdminConnection::connect_path(&self.path)?;
        let theirs = Path::new(&c.hello().store);
        let theirs = std::fs::canonicalize(theirs).unwrap_or_else(|_| theirs.to_path_buf());
        if theirs != self.store {
            tracing::warn!(socket = %self.path.display(), theirs = %theirs.display(), ours = %self.store.display(),
                "the router manager applies another store: not relayed");
            return Err(Error::new(
                WinError::RPC_S_UNKNOWN_IF,
                format!(
                    "the router manager at {} applies {}, not this server's store {}",
                    self.path.display(),
                    theirs.display(),
                    self.store.display()
                ),
            ));
        }
        Ok(c)
    }

    /// Runs `f` on a connection, keeping the connection for the next call unless it broke.
    fn with<T>(&self, f: impl FnOnce(&AdminConnection) -> Result<T>) -> Result<T> {
        let c = self.take()?;
        let r = f(&c);
        let broken = matches!(&r, Err(e) if e.code == WinError::RPC_S_SERVER_UNAVAILABLE
            || e.code == WinError::RPC_S_CALL_FAILED);
        if !broken {
            let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
            if idle.len() < MAX_RELAYED {
                idle.push(c);
            }
        }
        r
    }
}

impl RouterAdmin for SocketRelay {
    fn hello(&self) -> Result<AdminHello> {
        self.with(RouterAdmin::hello)
    }
    fn server_get_info(&self) -> Result<ServerInfo> {
        self.with(|c| c.server_get_info())
    }
    fn interface_enum(&self) -> Result<Vec<InterfaceEntry>> {
        self.with(RouterAdmin::interface_enum)
    }
    fn interface_get_handle(&self, name: &str) -> Result<InterfaceId> {
        self.with(|c| c.interface_get_handle(name))
    }
    fn interface_get_info(&self, id: &InterfaceId) -> Result<Interface> {
        self.with(|c| c.interface_get_info(id))
    }
    fn interface_set_info(&self, id: &InterfaceId, level: u32, info: &Interface) -> Result<()> {
        self.with(|c| c.interface_set_info(id, level, info))
    }
    fn interface_create(&self, info: &Interface) -> Result<InterfaceId> {
        self.with(|c| c.interface_create(info))
    }
    fn interface_delete(&self, id: &InterfaceId) -> Result<()> {
        self.with(|c| c.interface_delete(id))
    }
    fn interface_transport_add(
        &self,
        id: &InterfaceId,
        protocol_id: u32,
        info: Option<&[u8]>,
    ) -> Result<()> {
        self.with(|c| c.interface_transport_add(id, protocol_id, info))
    }
    fn interface_transport_remove(&self, id: &InterfaceId, protocol_id: u32) -> Result<()> {
        self.with(|c| c.interface_transport_remove(id, protocol_id))
    }
    fn interface_transport_get_info(
        &self,
        id: &InterfaceId,
        protocol_id: u32,
    ) -> Result<Option<Vec<u8>>> {
        self.with(|c| c.interface_transport_get_info(id, protocol_id))
    }
    fn interface_transport_set_info(
        &self,
        id: &InterfaceId,
        protocol_id: u32,
        info: &[u8],
    ) -> Result<()> {
        self.with(|c| c.interface_transport_set_info(id, protocol_id, info))
    }
    fn transport_get_info(&self, protocol_id: u32) -> Result<TransportHeaders> {
        self.with(|c| c.transport_get_info(protocol_id))
    }
    fn transport_set_info(
        &self,
        protocol_id: u32,
        global_info: Option<&[u8]>,
        client_interface_info: Option<&[u8]>,
    ) -> Result<()> {
        self.with(|c| c.transport_set_info(protocol_id, global_info, client_interface_info))
    }
    fn plan(&self) -> Result<String> {
        self.with(RouterAdmin::plan)
    }
    fn status(&self, fresh: bool) -> Result<String> {
        self.with(|c| RouterAdmin::status(c, fresh))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_router_manager_is_rpc_s_unknown_if_for_every_call() {
        let dir = tempfile::tempdir().unwrap();
        let relay = SocketRelay::new(&dir.path().join("none.sock"), &dir.path().join("r.db"));
        assert_eq!(relay.hello().unwrap_err().code, WinError::RPC_S_UNKNOWN_IF);
        assert_eq!(
            relay.interface_get_handle("eth0").unwrap_err().code,
            WinError::RPC_S_UNKNOWN_IF
        );
        assert_eq!(
            relay.status(false).unwrap_err().code,
            WinError::RPC_S_UNKNOWN_IF
        );
    }
}
