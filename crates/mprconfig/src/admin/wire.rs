//! The router manager's socket protocol (docs/router.md, "Socket protocol"): the messages of
//! one JSON line each way, and the wire forms of the configuration types they carry.

use super::*;

/// An interface handle on the wire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireId {
    /// `Interfaces\<key>`.
    pub key: u32,
    /// The name it had.
    pub name: String,
}

impl From<&InterfaceId> for WireId {
    fn from(id: &InterfaceId) -> Self {
        WireId {
            key: id.key,
            name: id.name.clone(),
        }
    }
}

impl From<WireId> for InterfaceId {
    fn from(w: WireId) -> Self {
        InterfaceId {
            key: w.key,
            name: w.name,
        }
    }
}

/// An interface on the wire (`MPR_INTERFACE_0`/`1` fields).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireInterface {
    /// Name.
    pub name: String,
    /// `ROUTER_INTERFACE_TYPE`.
    pub if_type: i32,
    /// Enabled.
    pub enabled: bool,
    /// Dial-out hours.
    pub dialout_hours: Option<Vec<String>>,
    /// `ROUTER_CONNECTION_STATE`.
    pub connection_state: i32,
    /// `MPR_INTERFACE_*` flags.
    pub unreachability_reasons: u32,
    /// Last error.
    pub last_error: u32,
}

impl From<&Interface> for WireInterface {
    fn from(i: &Interface) -> Self {
        WireInterface {
            name: i.name.clone(),
            if_type: i.if_type.0,
            enabled: i.enabled,
            dialout_hours: i.dialout_hours.clone(),
            connection_state: i.connection_state.0,
            unreachability_reasons: i.unreachability_reasons,
            last_error: i.last_error,
        }
    }
}

impl From<WireInterface> for Interface {
    fn from(w: WireInterface) -> Self {
        Interface {
            name: w.name,
            if_type: InterfaceType(w.if_type),
            enabled: w.enabled,
            dialout_hours: w.dialout_hours,
            connection_state: ConnectionState(w.connection_state),
            unreachability_reasons: w.unreachability_reasons,
            last_error: w.last_error,
        }
    }
}

/// One entry of [`AdminConnection::interface_enum`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireEntry {
    /// The handle.
    pub id: WireId,
    /// The interface with its live state.
    pub info: WireInterface,
}

/// A port pool on the wire.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WirePorts {
    /// `dwNumPorts`.
    pub num_ports: u32,
    /// `MPR_ENABLE_*`.
    pub port_flags: u32,
}

/// `MPR_SERVER_0..2` on the wire, with the real up time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireServer {
    /// `fLanOnlyMode`.
    pub lan_only_mode: bool,
    /// Seconds the router manager has run.
    pub up_time: u32,
    /// `dwTotalPorts`.
    pub total_ports: u32,
    /// `dwPortsInUse` (0: no remote-access ports run here).
    pub ports_in_use: u32,
    /// PPTP.
    pub pptp: WirePorts,
    /// L2TP.
    pub l2tp: WirePorts,
    /// SSTP.
    pub sstp: WirePorts,
}

fn ports(p: WirePorts) -> PortConfig {
    PortConfig {
        num_ports: p.num_ports,
        port_flags: p.port_flags,
    }
}

impl From<ServerInfo> for WireServer {
    fn from(s: ServerInfo) -> Self {
        let p = |c: PortConfig| WirePorts {
            num_ports: c.num_ports,
            port_flags: c.port_flags,
        };
        WireServer {
            lan_only_mode: s.lan_only_mode,
            up_time: s.up_time,
            total_ports: s.total_ports,
            ports_in_use: s.ports_in_use,
            pptp: p(s.pptp),
            l2tp: p(s.l2tp),
            sstp: p(s.sstp),
        }
    }
}

impl From<WireServer> for ServerInfo {
    fn from(w: WireServer) -> Self {
        ServerInfo {
            lan_only_mode: w.lan_only_mode,
            up_time: w.up_time,
            total_ports: w.total_ports,
            ports_in_use: w.ports_in_use,
            pptp: ports(w.pptp),
            l2tp: ports(w.l2tp),
            sstp: ports(w.sstp),
        }
    }
}

/// A transport's information on the wire (hex blobs).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireTransport {
    /// `GlobalInfo`, hex.
    pub global_info: Option<String>,
    /// `GlobalInterfaceInfo`, hex.
    pub client_interface_info: Option<String>,
}

/// What the router manager says about itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hello {
    /// Protocol version.
    pub version: u32,
    /// Its process id.
    pub pid: u32,
    /// The store file it applies.
    pub store: String,
    /// Seconds since it started.
    pub up_time: u64,
}

/// A request (one line of JSON, tagged by `op`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Request {
    /// → [`Hello`].
    Hello,
    /// `MprAdminServerGetInfo` → [`WireServer`].
    ServerGetInfo,
    /// `MprAdminInterfaceEnum` → `[WireEntry]`.
    InterfaceEnum,
    /// `MprAdminInterfaceGetHandle` → [`WireId`].
    InterfaceGetHandle {
        /// Name (case-insensitive).
        name: String,
    },
    /// `MprAdminInterfaceGetInfo` → [`WireInterface`] with live state.
    InterfaceGetInfo {
        /// Handle.
        id: WireId,
    },
    /// `MprAdminInterfaceSetInfo` → `null`.
    InterfaceSetInfo {
        /// Handle.
        id: WireId,
        /// Level (0-3).
        level: u32,
        /// New values.
        info: WireInterface,
    },
    /// `MprAdminInterfaceCreate` → [`WireId`].
    InterfaceCreate {
        /// The interface.
        info: WireInterface,
    },
    /// `MprAdminInterfaceDelete` → `null`.
    InterfaceDelete {
        /// Handle.
        id: WireId,
    },
    /// `MprAdminInterfaceTransportAdd` → `null`.
    InterfaceTransportAdd {
        /// Handle.
        id: WireId,
        /// `PID_*`.
        protocol_id: u32,
        /// Information header, hex.
        info: Option<String>,
    },
    /// `MprAdminInterfaceTransportRemove` → `null`.
    InterfaceTransportRemove {
        /// Handle.
        id: WireId,
        /// `PID_*`.
        protocol_id: u32,
    },
    /// `MprAdminInterfaceTransportGetInfo` → hex string or `null`.
    InterfaceTransportGetInfo {
        /// Handle.
        id: WireId,
        /// `PID_*`.
        protocol_id: u32,
    },
    /// `MprAdminInterfaceTransportSetInfo` → `null`.
    InterfaceTransportSetInfo {
        /// Handle.
        id: WireId,
        /// `PID_*`.
        protocol_id: u32,
        /// Information header, hex.
        info: String,
    },
    /// `MprAdminTransportGetInfo` → [`WireTransport`].
    TransportGetInfo {
        /// `PID_*`.
        protocol_id: u32,
    },
    /// `MprAdminTransportSetInfo` → `null`.
    TransportSetInfo {
        /// `PID_*`.
        protocol_id: u32,
        /// New `GlobalInfo` (hex), `None` = unchanged.
        global_info: Option<String>,
        /// New `GlobalInterfaceInfo` (hex), `None` = unchanged.
        client_interface_info: Option<String>,
    },
    /// Status of every item (the router crate's `Status`); `fresh` re-reads counters.
    Status {
        /// Read the nftables counters now.
        fresh: bool,
    },
    /// A dry-run plan (the router crate's `Plan`).
    Plan,
    /// Reconcile now → the router crate's `Report`.
    Reconcile,
}

/// A reply line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    /// Success with a value.
    Ok(serde_json::Value),
    /// Failure.
    Error {
        /// Win32 code.
        code: u32,
        /// Detail.
        detail: String,
    },
}

impl Reply {
    /// The reply for a result.
    pub fn from_result(r: Result<serde_json::Value>) -> Reply {
        match r {
            Ok(v) => Reply::Ok(v),
            Err(e) => Reply::Error {
                code: e.code.0,
                detail: e.detail,
            },
        }
    }
}

/// Hex of a blob.
pub fn to_hex(b: &[u8]) -> String {
    hex::encode(b)
}

/// A blob from hex; `ERROR_INVALID_PARAMETER` for bad hex.
pub fn from_hex(s: &str) -> Result<Vec<u8>> {
    hex::decode(s).map_err(|e| Error::invalid_parameter(format!("bad hex blob: {e}")))
}
