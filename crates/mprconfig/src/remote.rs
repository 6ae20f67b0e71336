//! Connections to a named server (`connect(Some(name))`).
//!
//! Two kinds of server answer to a name:
//!
//! * a Windows RRAS server (or Samba), reached over MS-RRP by `mprconfig-rrp`: every
//!   `smb://[DOMAIN;]user@host[:port]` name, and a plain `host` or `\\host` that
//!   `<config dir>/hosts.toml` marks `windows = true`; names, credentials
//!   (`MPRCONFIG_SMB_PASSWORD`, `credentials.toml`) and failure codes are in `docs/rrp.md`;
//! * `mprd` (gRPC over TLS, `mprconfig-remote`) for every other name: name grammar, trust
//!   (`MPRCONFIG_CA`, known_hosts), token (`MPRCONFIG_TOKEN`, credentials.toml), time-outs and
//!   the failure codes 53, 5 and 1722 are in `docs/protocol.md`.

use std::sync::Arc;

use mprconfig_core::Result;

use crate::Connection;

/// Opens the configuration of the router `server` (`smb://...`, `host`, `\\host`,
/// `host:port`, ...).
pub(crate) fn connect_remote(server: &str) -> Result<Connection> {
    if let Some(name) = mprconfig_rrp::resolve(server)? {
        let config = mprconfig_rrp::RrpConfig::open(&name)?;
        return Ok(Connection::remote(server, Arc::new(config)));
    }
    let config = mprconfig_remote::connect(server)?;
    Ok(Connection::remote(server, Arc::new(config)))
}
