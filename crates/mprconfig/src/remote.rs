//! Connections to a named server (`connect(Some(name))`).
//!
//! The remote client (gRPC over TLS to `mprd`) lives in `mprconfig-remote`: name grammar,
//! trust (`MPRCONFIG_CA`, known_hosts), token (`MPRCONFIG_TOKEN`, credentials.toml), time-outs
//! and the failure codes 53, 5 and 1722 are documented there and in `docs/protocol.md`.

use std::sync::Arc;

use mprconfig_core::Result;

use crate::Connection;

/// Opens the configuration of the router `server` (`host`, `\\host`, `host:port`, ...).
pub(crate) fn connect_remote(server: &str) -> Result<Connection> {
    let config = mprconfig_remote::connect(server)?;
    Ok(Connection::remote(server, Arc::new(config)))
}
