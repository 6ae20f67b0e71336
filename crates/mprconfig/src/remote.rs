//! Connections to a named server (`connect(Some(name))`).
//!
//! The remote client (gRPC over TLS to `mprd`) lives in `mprconfig-remote`; until it is wired
//! in here, naming a server fails the way an unreachable server does.

use mprconfig_core::{Error, Result, WinError};

use crate::Connection;

/// Opens the configuration of the router `server` (`host`, `\\host`, `host:port`, ...).
pub(crate) fn connect_remote(server: &str) -> Result<Connection> {
    Err(Error::new(
        WinError::ERROR_BAD_NETPATH,
        format!(
            "cannot connect to router configuration server {server:?}: this build has no remote client yet"
        ),
    ))
}
