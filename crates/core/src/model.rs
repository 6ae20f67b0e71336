//! The objects of a router configuration in Rust form.
//!
//! These are what [`crate::RouterConfig`] takes and returns. They carry exactly the information
//! of the Windows structures (`MPR_INTERFACE_0..3`, `MPR_SERVER_0..2`, `MPR_SERVER_EX1`,
//! `MPR_IF_CUSTOMINFOEX2`, ...) without C layout concerns: the C ABI crate converts. Enumerated
//! Windows values are kept as raw integers in newtypes so that unknown values round-trip.

/// `ROUTER_INTERFACE_TYPE`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct InterfaceType(pub i32);

impl InterfaceType {
    /// `ROUTER_IF_TYPE_CLIENT`: remote-access client.
    pub const CLIENT: Self = Self(0);
    /// `ROUTER_IF_TYPE_HOME_ROUTER`: one-way demand-dial.
    pub const HOME_ROUTER: Self = Self(1);
    /// `ROUTER_IF_TYPE_FULL_ROUTER`: two-way demand-dial (site-to-site).
    pub const FULL_ROUTER: Self = Self(2);
    /// `ROUTER_IF_TYPE_DEDICATED`: LAN adapter or leased line.
    pub const DEDICATED: Self = Self(3);
    /// `ROUTER_IF_TYPE_INTERNAL`.
    pub const INTERNAL: Self = Self(4);
    /// `ROUTER_IF_TYPE_LOOPBACK`.
    pub const LOOPBACK: Self = Self(5);
    /// `ROUTER_IF_TYPE_TUNNEL1` (IP-in-IP).
    pub const TUNNEL1: Self = Self(6);
    /// `ROUTER_IF_TYPE_DIALOUT`.
    pub const DIALOUT: Self = Self(7);

    /// The `ROUTER_IF_TYPE_*` name without prefix (`"DEDICATED"`), `None` for unknown values.
    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "CLIENT",
            1 => "HOME_ROUTER",
            2 => "FULL_ROUTER",
            3 => "DEDICATED",
            4 => "INTERNAL",
            5 => "LOOPBACK",
            6 => "TUNNEL1",
            7 => "DIALOUT",
            _ => return None,
        })
    }
}

/// `ROUTER_CONNECTION_STATE`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct ConnectionState(pub i32);

impl ConnectionState {
    /// `ROUTER_IF_STATE_UNREACHABLE`.
    pub const UNREACHABLE: Self = Self(0);
    /// `ROUTER_IF_STATE_DISCONNECTED`.
    pub const DISCONNECTED: Self = Self(1);
    /// `ROUTER_IF_STATE_CONNECTING`.
    pub const CONNECTING: Self = Self(2);
    /// `ROUTER_IF_STATE_CONNECTED`.
    pub const CONNECTED: Self = Self(3);
}

/// `MPR_INTERFACE_ADMIN_DISABLED` unreachability flag.
pub const MPR_INTERFACE_ADMIN_DISABLED: u32 = 0x2;

/// Transport (router manager) ids, `PID_*`.
pub mod pid {
    /// `PID_IP` (IPv4).
    pub const IP: u32 = 0x21;
    /// `PID_IPX`.
    pub const IPX: u32 = 0x2B;
    /// `PID_ATALK`.
    pub const ATALK: u32 = 0x29;
    /// `PID_NBF`.
    pub const NBF: u32 = 0x3F;
    /// `PID_IPV6`.
    pub const IPV6: u32 = 0x57;
}

/// Length limits in characters, excluding the terminator (`MAX_*` of mprapi.h).
pub mod limits {
    /// `MAX_INTERFACE_NAME_LEN`.
    pub const MAX_INTERFACE_NAME_LEN: usize = 256;
    /// `MAX_TRANSPORT_NAME_LEN`.
    pub const MAX_TRANSPORT_NAME_LEN: usize = 40;
    /// `MAX_PREFERRED_LENGTH`: "return everything" for enumerations.
    pub const MAX_PREFERRED_LENGTH: u32 = 0xFFFF_FFFF;
}

/// An interface handle: which interface subkey (`Interfaces\<key>`) and the name it had when
/// the handle was made. It stays valid while an interface of that name lives in that subkey
/// and gives `ERROR_NO_SUCH_INTERFACE` (905) once it is gone.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct InterfaceId {
    /// The decimal subkey number under `RemoteAccess\Interfaces`.
    pub key: u32,
    /// The interface name (compared case-insensitively).
    pub name: String,
}

/// A transport handle: transports are identified by their `ProtocolId`. Gives
/// `ERROR_UNKNOWN_PROTOCOL_ID` (902) once the transport is gone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TransportId {
    /// `PID_*` value.
    pub protocol_id: u32,
}

/// An interface-transport handle: an interface plus a `ProtocolId`. Gives
/// `ERROR_NO_SUCH_INTERFACE` (905) once the interface or its transport is gone.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IfTransportId {
    /// The interface.
    pub interface: InterfaceId,
    /// `PID_*` value.
    pub protocol_id: u32,
}

/// An interface as `MPR_INTERFACE_0` / `MPR_INTERFACE_1` describe it.
///
/// Levels 2 and 3 are accepted by the API, but (spec Q3) only these fields are persisted: the
/// demand-dial details of levels 2/3 live in the Windows router phonebook, not in the
/// configuration this API edits.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Interface {
    /// Interface name, 1..=256 characters; unique, case-insensitive; fixed after creation.
    pub name: String,
    /// Fixed after creation.
    pub if_type: InterfaceType,
    /// Administrative state (`Enabled` value; absent in the store means enabled).
    pub enabled: bool,
    /// Dial-out hours (`MPR_INTERFACE_1.lpwsDialoutHoursRestriction`, `DialOutHours`
    /// REG_MULTI_SZ): one string per entry, `"<day> HH:MM-HH:MM [HH:MM-HH:MM ...]"`, day 0 =
    /// Sunday. `None` = no restriction.
    pub dialout_hours: Option<Vec<String>>,
    /// Read-only runtime field; from the configuration it is derived (spec Q13).
    pub connection_state: ConnectionState,
    /// Read-only runtime field (`MPR_INTERFACE_*` flags), derived (spec Q13).
    pub unreachability_reasons: u32,
    /// Read-only runtime field, always 0 from the configuration (spec Q13).
    pub last_error: u32,
}

/// One entry of an interface enumeration (`MPR_INTERFACE_0` with its handle).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InterfaceEntry {
    /// Handle of the interface.
    pub id: InterfaceId,
    /// Its level-0 data.
    pub info: Interface,
}

/// One entry of a transport enumeration (`MPR_TRANSPORT_0`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransportEntry {
    /// Handle of the transport.
    pub id: TransportId,
    /// Transport name (at most 40 characters are reported through the C ABI).
    pub name: String,
}

/// One entry of an interface-transport enumeration (`MPR_IFTRANSPORT_0`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IfTransportEntry {
    /// Handle of the interface-transport.
    pub id: IfTransportId,
    /// Its name.
    pub name: String,
}

/// A transport's stored configuration (`MprConfigTransportGetInfo`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct TransportInfo {
    /// Transport name (the `RouterManagers` subkey name).
    pub name: String,
    /// `GlobalInfo` information header, `None` if not stored.
    pub global_info: Option<Vec<u8>>,
    /// `GlobalInterfaceInfo` information header (default client-interface info), `None` if not stored.
    pub client_interface_info: Option<Vec<u8>>,
    /// `DLLPath`, `None` if not stored.
    pub dll_path: Option<String>,
}

/// One page of an enumeration, with the resume semantics of the Windows `…Enum` functions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<T> {
    /// The entries of this page.
    pub entries: Vec<T>,
    /// Entries available counting from the resume position the call started at.
    pub total_from_resume: u32,
    /// Resume handle for the next call; 0 = the enumeration is complete.
    pub next_resume: u32,
}

/// A port pool's count and `MPR_ENABLE_*` flags (`PPTP_CONFIG_PARAMS`, `GRE_CONFIG_PARAMS0`, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct PortConfig {
    /// Number of ports (`dwNumPorts`).
    pub num_ports: u32,
    /// `MPR_ENABLE_RAS_ON_DEVICE` (0x1) | `MPR_ENABLE_ROUTING_ON_DEVICE` (0x2).
    pub port_flags: u32,
}

/// `MPR_ENABLE_RAS_ON_DEVICE`.
pub const MPR_ENABLE_RAS_ON_DEVICE: u32 = 0x1;
/// `MPR_ENABLE_ROUTING_ON_DEVICE`.
pub const MPR_ENABLE_ROUTING_ON_DEVICE: u32 = 0x2;

/// Server configuration as levels 0-2 of `MprConfigServerGetInfo` report it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ServerInfo {
    /// `MPR_SERVER_0.fLanOnlyMode`.
    pub lan_only_mode: bool,
    /// `MPR_SERVER_0.dwUpTime`: no persistent source, 0 (spec Q13).
    pub up_time: u32,
    /// `MPR_SERVER_0.dwTotalPorts`: sum of the configured port counts.
    pub total_ports: u32,
    /// `MPR_SERVER_0.dwPortsInUse`: no persistent source, 0 (spec Q13).
    pub ports_in_use: u32,
    /// PPTP ports (`MPR_SERVER_1`).
    pub pptp: PortConfig,
    /// L2TP ports (`MPR_SERVER_1`).
    pub l2tp: PortConfig,
    /// SSTP ports (`MPR_SERVER_2`).
    pub sstp: PortConfig,
}

/// `ROUTER_CUSTOM_IKEv2_POLICY0` (also `ROUTER_CUSTOM_L2TP_POLICY0`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct CustomPolicy {
    /// `dwIntegrityMethod` (IKEEXT_INTEGRITY_TYPE).
    pub integrity_method: u32,
    /// `dwEncryptionMethod` (IKEEXT_CIPHER_TYPE).
    pub encryption_method: u32,
    /// `dwCipherTransformConstant` (IPSEC_CIPHER_TYPE).
    pub cipher_transform_constant: u32,
    /// `dwAuthTransformConstant` (IPSEC_AUTH_TYPE).
    pub auth_transform_constant: u32,
    /// `dwPfsGroup` (IPSEC_PFS_GROUP).
    pub pfs_group: u32,
    /// `dwDhGroup` (IKEEXT_DH_GROUP).
    pub dh_group: u32,
}

/// `MPR_CERT_EKU`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct CertEku {
    /// `IsEKUOID`: the string is an OID rather than a name.
    pub is_oid: bool,
    /// `pwszEKU`.
    pub eku: String,
}

/// `IKEV2_CONFIG_PARAMS` with `IKEV2_TUNNEL_CONFIG_PARAMS4`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Ikev2Config {
    /// Ports and flags.
    pub ports: PortConfig,
    /// `dwTunnelConfigParamFlags` (`MPRAPI_IKEV2_SET_TUNNEL_CONFIG_PARAMS`).
    pub tunnel_config_param_flags: u32,
    /// `dwIdleTimeout` seconds.
    pub idle_timeout: u32,
    /// `dwNetworkBlackoutTime` seconds.
    pub network_blackout_time: u32,
    /// `dwSaLifeTime` seconds.
    pub sa_lifetime: u32,
    /// `dwSaDataSizeForRenegotiation` KB.
    pub sa_data_size_for_renegotiation: u32,
    /// `dwConfigOptions` (must be 0).
    pub config_options: u32,
    /// `certificateNames`: trusted root certificate names (`CERT_NAME_BLOB` contents).
    pub certificate_names: Vec<Vec<u8>>,
    /// `machineCertificateName`.
    pub machine_certificate_name: Vec<u8>,
    /// `dwEncryptionType` (0 none, 1 optional, 2 require, 3 require max).
    pub encryption_type: u32,
    /// `customPolicy`, `None` = no custom policy.
    pub custom_policy: Option<CustomPolicy>,
    /// `certificateEKUs`.
    pub certificate_ekus: Vec<CertEku>,
    /// `machineCertificateHash`.
    pub machine_certificate_hash: Vec<u8>,
    /// `dwMmSaLifeTime`.
    pub mm_sa_lifetime: u32,
}

/// `L2TP_CONFIG_PARAMS1` with `L2TP_TUNNEL_CONFIG_PARAMS2`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct L2tpConfig {
    /// Ports and flags.
    pub ports: PortConfig,
    /// `dwTunnelConfigParamFlags`.
    pub tunnel_config_param_flags: u32,
    /// `dwIdleTimeout`.
    pub idle_timeout: u32,
    /// `dwEncryptionType`.
    pub encryption_type: u32,
    /// `dwSaLifeTime`.
    pub sa_lifetime: u32,
    /// `dwSaDataSizeForRenegotiation`.
    pub sa_data_size_for_renegotiation: u32,
    /// `customPolicy`, `None` = no custom policy.
    pub custom_policy: Option<CustomPolicy>,
    /// `dwMmSaLifeTime`.
    pub mm_sa_lifetime: u32,
}

/// `SSTP_CONFIG_PARAMS`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct SstpConfig {
    /// Ports and flags.
    pub ports: PortConfig,
    /// `isUseHttps`.
    pub use_https: bool,
    /// `certAlgorithm` (`CALG_SHA_256` = 0x800C).
    pub cert_algorithm: u32,
    /// `sstpCertDetails.isDefault`: the service picks the certificate.
    pub cert_is_default: bool,
    /// `sstpCertDetails.certBlob`: certificate hash (empty = none configured).
    pub cert_hash: Vec<u8>,
}

/// `MPRAPI_TUNNEL_CONFIG_PARAMS1`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct TunnelConfig {
    /// IKEv2.
    pub ikev2: Ikev2Config,
    /// PPTP.
    pub pptp: PortConfig,
    /// L2TP.
    pub l2tp: L2tpConfig,
    /// SSTP.
    pub sstp: SstpConfig,
    /// GRE.
    pub gre: PortConfig,
}

/// `MPR_SERVER_EX1` (`MprConfigServerGetInfoEx`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ServerInfoEx {
    /// `fLanOnlyMode`.
    pub lan_only_mode: bool,
    /// `dwUpTime` (0, spec Q13).
    pub up_time: u32,
    /// `dwTotalPorts`.
    pub total_ports: u32,
    /// `dwPortsInUse` (0, spec Q13).
    pub ports_in_use: u32,
    /// `ConfigParams`.
    pub config: TunnelConfig,
}

/// `MPRAPI_SET_CONFIG_PROTOCOL_FOR_*` bits of [`ServerSetConfigEx::protocols`].
pub mod set_config {
    /// PPTP.
    pub const PPTP: u32 = 0x01;
    /// L2TP.
    pub const L2TP: u32 = 0x02;
    /// SSTP.
    pub const SSTP: u32 = 0x04;
    /// IKEv2.
    pub const IKEV2: u32 = 0x08;
    /// GRE.
    pub const GRE: u32 = 0x10;
}

/// `MPR_SERVER_SET_CONFIG_EX1` (`MprConfigServerSetInfoEx`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ServerSetConfigEx {
    /// Which members of `config` to apply (`set_config::*` bits).
    pub protocols: u32,
    /// The values.
    pub config: TunnelConfig,
}

/// `VPN_TS_IP_ADDRESS`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct TsAddress {
    /// Address family (`AF_INET` 2 / `AF_INET6` 23).
    pub family: u16,
    /// Address bytes in network order; IPv4 uses the first four.
    pub addr: [u8; 16],
}

/// `MPR_VPN_TRAFFIC_SELECTOR`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct TrafficSelector {
    /// `type` (`MPR_VPN_TS_IPv4_ADDR_RANGE` 7, `MPR_VPN_TS_IPv6_ADDR_RANGE` 8).
    pub ts_type: i32,
    /// `protocolId`.
    pub protocol_id: u8,
    /// `portStart`.
    pub port_start: u16,
    /// `portEnd`.
    pub port_end: u16,
    /// `tsPayloadId`.
    pub payload_id: u16,
    /// `addrStart`.
    pub addr_start: TsAddress,
    /// `addrEnd`.
    pub addr_end: TsAddress,
}

/// `ROUTER_IKEv2_IF_CUSTOM_CONFIG2`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct IfCustomIkev2 {
    /// `dwSaLifeTime` seconds (300..=17_279_999).
    pub sa_lifetime: u32,
    /// `dwSaDataSize` KB (>= 1024).
    pub sa_data_size: u32,
    /// `certificateName`.
    pub certificate_name: Vec<u8>,
    /// `customPolicy`, `None` = none.
    pub custom_policy: Option<CustomPolicy>,
    /// `certificateHash`.
    pub certificate_hash: Vec<u8>,
    /// `dwMmSaLifeTime`.
    pub mm_sa_lifetime: u32,
    /// `vpnTrafficSelectors.tsI`.
    pub traffic_selectors_initiator: Vec<TrafficSelector>,
    /// `vpnTrafficSelectors.tsR`.
    pub traffic_selectors_responder: Vec<TrafficSelector>,
}

/// `MPR_IF_CUSTOMINFOEX2` (`MprConfigInterfaceGet/SetCustomInfoEx`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct CustomInfoEx {
    /// `dwFlags`: `MPRAPI_IF_CUSTOM_CONFIG_FOR_IKEV2` (1) or 0 (no custom configuration).
    pub flags: u32,
    /// The IKEv2 configuration (meaningful only when `flags` has bit 1).
    pub ikev2: IfCustomIkev2,
}

/// `MPRAPI_IF_CUSTOM_CONFIG_FOR_IKEV2`.
pub const MPRAPI_IF_CUSTOM_CONFIG_FOR_IKEV2: u32 = 0x1;

/// A network link of the machine, used to seed the friendly-name mapping at install.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetLink {
    /// The link's name (`eth0`), which becomes its friendly name.
    pub name: String,
    /// Its stable GUID string in registry form (`{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}`).
    pub guid: String,
    /// True for the loopback link (not given a LAN interface at install).
    pub is_loopback: bool,
}
