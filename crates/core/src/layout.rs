//! Where the router configuration lives in the registry: key paths, value names, the default
//! blobs Windows writes, and the stable GUIDs given to Linux network links.
//!
//! Paths are full paths below `HKEY_LOCAL_MACHINE` with `\` separators, exactly as a Windows
//! `.reg` export names them, so a store laid out with these constants imports and exports
//! Windows data unchanged (`docs/spec/registry-layout.md` §2). Everything the semantics read or
//! write is named here and nowhere else.

use uuid::Uuid;

// ---- keys ------------------------------------------------------------------------------------

/// The RRAS service key, root of the router configuration.
pub const REMOTE_ACCESS: &str = r"SYSTEM\CurrentControlSet\Services\RemoteAccess";
/// One numbered subkey per interface (`Interfaces\0`, `Interfaces\1`, ...).
pub const INTERFACES: &str = r"SYSTEM\CurrentControlSet\Services\RemoteAccess\Interfaces";
/// One subkey per transport (router manager), identified by its `ProtocolId` value.
pub const ROUTER_MANAGERS: &str = r"SYSTEM\CurrentControlSet\Services\RemoteAccess\RouterManagers";
/// Server-wide parameters (`RouterType`, `ServerFlags`, ...).
pub const PARAMETERS: &str = r"SYSTEM\CurrentControlSet\Services\RemoteAccess\Parameters";
/// IKEv2 tunnel parameters of the server (`MPR_SERVER_EX.ConfigParams.IkeConfigParams`).
pub const PARAMETERS_IKEV2: &str =
    r"SYSTEM\CurrentControlSet\Services\RemoteAccess\Parameters\IKEV2";
/// L2TP tunnel parameters of the server (project choice: Windows' location is not public).
pub const PARAMETERS_L2TP: &str = r"SYSTEM\CurrentControlSet\Services\RemoteAccess\Parameters\L2TP";
/// SSTP service parameters (`UseHttps`, certificate hash), where Windows keeps them.
pub const SSTP_PARAMETERS: &str = r"SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters";
/// The network-connection class: `<NETWORK_CLASS>\{GUID}\Connection` value `Name` is the
/// friendly name of the adapter `{GUID}`.
pub const NETWORK_CLASS: &str =
    r"SYSTEM\CurrentControlSet\Control\Network\{4D36E972-E325-11CE-BFC1-08002BE10318}";
/// The network-adapter device class: the WAN miniport port pools are its `NNNN` subkeys.
pub const PORTS_CLASS: &str =
    r"SYSTEM\CurrentControlSet\Control\Class\{4D36E972-E325-11CE-BFC1-08002BE10318}";

/// The subtrees a backup contains (and a restore replaces), in backup order.
pub const BACKUP_ROOTS: [&str; 4] = [REMOTE_ACCESS, NETWORK_CLASS, PORTS_CLASS, SSTP_PARAMETERS];

/// Subkey of a `NETWORK_CLASS\{GUID}` key holding the connection's `Name`.
pub const CONNECTION: &str = "Connection";
/// Subkey of an interface key holding its custom IKEv2 policy (MS-RRASM 2.2.3.2.3).
pub const IKEV2_CUSTOM_POLICY: &str = "IKEv2CustomPolicy";
/// Subkey of `Parameters\IKEV2` / `Parameters\L2TP` holding the server's custom policy.
pub const CUSTOM_POLICY: &str = "CustomPolicy";
/// Subkey of `Parameters\IKEV2` listing the trusted root certificate names (values `0..n`).
pub const CERTIFICATE_NAMES: &str = "CertificateNames";
/// Subkey of `Parameters\IKEV2` with one numbered subkey per certificate EKU.
pub const CERTIFICATE_EKUS: &str = "CertificateEKUs";

// ---- value names -----------------------------------------------------------------------------

/// `REG_SZ`: interface name (`Interfaces\<n>`).
pub const INTERFACE_NAME: &str = "InterfaceName";
/// `REG_DWORD`: `ROUTER_INTERFACE_TYPE` (`Interfaces\<n>`).
pub const TYPE: &str = "Type";
/// `REG_DWORD` 0/1: administrative state; absent means enabled.
pub const ENABLED: &str = "Enabled";
/// `REG_MULTI_SZ`: dial-out hours; absent means no restriction.
pub const DIAL_OUT_HOURS: &str = "DialOutHours";
/// `REG_DWORD`: undocumented change stamp, 0 on creation (registry-layout §2.7).
pub const STAMP: &str = "Stamp";
/// `REG_DWORD`: transport id (`PID_*`) of a transport or interface-transport key.
pub const PROTOCOL_ID: &str = "ProtocolId";
/// `REG_BINARY`: interface-transport information header.
pub const INTERFACE_INFO: &str = "InterfaceInfo";
/// `REG_BINARY`: transport global information header.
pub const GLOBAL_INFO: &str = "GlobalInfo";
/// `REG_BINARY`: transport default client-interface information header.
pub const GLOBAL_INTERFACE_INFO: &str = "GlobalInterfaceInfo";
/// `REG_EXPAND_SZ` / `REG_SZ`: router-manager DLL.
pub const DLL_PATH: &str = "DLLPath";
/// `REG_DWORD`: static filters enabled, for transports other than IPv4/IPv6 (project choice;
/// IPv4/IPv6 keep it as an info block in `GlobalInfo`, as Windows does).
pub const FILTER_ENABLE: &str = "FilterEnable";
/// `REG_DWORD` flags (`ROUTER_TYPE_*`), `Parameters`.
pub const ROUTER_TYPE: &str = "RouterType";
/// `REG_DWORD` 0/1, legacy LAN-only flag, `Parameters`.
pub const LAN_ONLY_MODE: &str = "LANOnlyMode";
/// `REG_DWORD` 0/1 "RRAS configured", on the `RemoteAccess` key.
pub const CONFIGURATION_FLAGS: &str = "ConfigurationFlags";
/// `REG_SZ`: the friendly name of a connection (`NETWORK_CLASS\{GUID}\Connection`).
pub const NAME: &str = "Name";

/// `REG_SZ`: component id of a port pool (`PORTS_CLASS\NNNN`).
pub const COMPONENT_ID: &str = "ComponentId";
/// `REG_SZ`: device description of a port pool.
pub const DRIVER_DESC: &str = "DriverDesc";
/// `REG_DWORD`: configured number of ports of a pool.
pub const WAN_ENDPOINTS: &str = "WanEndpoints";
/// `REG_DWORD`: maximum number of ports of a pool.
pub const MAX_WAN_ENDPOINTS: &str = "MaxWanEndpoints";
/// `REG_DWORD` 0/1: pool used for remote access (`MPR_ENABLE_RAS_ON_DEVICE`).
pub const ENABLE_FOR_RAS: &str = "EnableForRas";
/// `REG_DWORD` 0/1: pool used for routing (`MPR_ENABLE_ROUTING_ON_DEVICE`).
pub const ENABLE_FOR_ROUTING: &str = "EnableForRouting";
/// `REG_DWORD` 0/1: pool used for outbound routing only.
pub const ENABLE_FOR_OUTBOUND_ROUTING: &str = "EnableForOutboundRouting";

/// IKEv2 demand-dial interface extras (MS-RRASM 2.2.3.2.3), on `Interfaces\<n>`:
/// `REG_DWORD` SA data size in KB.
pub const SA_MAX_DATA_SIZE: &str = "SaMaxDataSize";
/// `REG_DWORD` SA lifetime in seconds (interface key).
pub const SA_LIFE_TIME: &str = "SaLifeTime";
/// `REG_BINARY` machine certificate subject name (interface key and `Parameters\IKEV2`).
pub const MACHINE_CERTIFICATE_NAME: &str = "MachineCertificateName";
/// `REG_BINARY` certificate hash (project choice for `certificateHash` / `machineCertificateHash`).
pub const MACHINE_CERTIFICATE_HASH: &str = "MachineCertificateHash";
/// `REG_DWORD` main-mode SA lifetime (project choice for `dwMmSaLifeTime`).
pub const MM_SA_LIFE_TIME: &str = "MMSaLifeTime";
/// `REG_BINARY` initiator traffic selectors, 52-byte `MPR_VPN_TRAFFIC_SELECTOR` records (project choice).
pub const TRAFFIC_SELECTORS_INITIATOR: &str = "TrafficSelectorsInitiator";
/// `REG_BINARY` responder traffic selectors, same record format (project choice).
pub const TRAFFIC_SELECTORS_RESPONDER: &str = "TrafficSelectorsResponder";

/// Custom-policy values (`IKEv2CustomPolicy` / `CustomPolicy` subkeys), all `REG_DWORD`.
pub const INTEGRITY_METHOD: &str = "IntegrityMethod";
/// See [`INTEGRITY_METHOD`].
pub const ENCRYPTION_METHOD: &str = "EncryptionMethod";
/// See [`INTEGRITY_METHOD`].
pub const CIPHER_TRANSFORM_CONSTANT: &str = "CipherTransformConstant";
/// See [`INTEGRITY_METHOD`].
pub const AUTH_TRANSFORM_CONSTANT: &str = "AuthTransformConstant";
/// See [`INTEGRITY_METHOD`].
pub const PFS_GROUP: &str = "PfsGroup";
/// See [`INTEGRITY_METHOD`].
pub const DH_GROUP: &str = "DHGroup";

/// Server tunnel values (`Parameters\IKEV2`, `Parameters\L2TP`; MS-RRASM 2.2.3.4.2 names),
/// `REG_DWORD` idle timeout in seconds.
pub const IDLE_TIMEOUT: &str = "idleTimeout";
/// `REG_DWORD` IKEv2 retransmission timeout in seconds.
pub const NETWORK_BLACKOUT_TIME: &str = "networkBlackoutTime";
/// `REG_DWORD` SA lifetime in seconds (server).
pub const SA_LIFETIME_SERVER: &str = "saLifeTime";
/// `REG_DWORD` SA data size for renegotiation in KB (server).
pub const SA_DATA_SIZE: &str = "saDataSize";
/// `REG_DWORD` encryption type 0..=3 (server).
pub const ENCRYPTION_TYPE: &str = "EncryptionType";
/// `REG_DWORD` main-mode SA lifetime (server; project choice).
pub const MM_SA_LIFETIME_SERVER: &str = "mmSaLifeTime";
/// `REG_DWORD` 0/1 of an EKU subkey: the EKU string is an OID.
pub const IS_EKU_OID: &str = "IsEKUOID";
/// `REG_SZ` of an EKU subkey: the EKU.
pub const EKU: &str = "EKU";

/// SSTP values (`SSTP_PARAMETERS`, MS-RRASM 2.2.3.4.3): `REG_DWORD` 0/1.
pub const USE_HTTPS: &str = "UseHttps";
/// `REG_DWORD` 0/1: the administrator configured a certificate hash.
pub const IS_HASH_CONFIGURED_BY_ADMIN: &str = "IsHashConfiguredByAdmin";
/// `REG_BINARY` 32-byte SHA-256 certificate hash.
pub const SHA256_CERTIFICATE_HASH: &str = "SHA256CertificateHash";

// ---- port pools ------------------------------------------------------------------------------

/// A WAN miniport port pool: which `ComponentId` it has and its documented port limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PortPool {
    /// `ComponentId` value that identifies the pool's `PORTS_CLASS\NNNN` key.
    pub component_id: &'static str,
    /// `DriverDesc` written when the pool is created.
    pub description: &'static str,
    /// Largest accepted port count (`MaxWanEndpoints` at install).
    pub max_ports: u32,
    /// `MPR_ENABLE_*` flags the pool accepts.
    pub allowed_flags: u32,
    /// Port count written at install.
    pub default_ports: u32,
    /// Flags written at install.
    pub default_flags: u32,
}

const RAS: u32 = crate::model::MPR_ENABLE_RAS_ON_DEVICE;
const ROUTING: u32 = crate::model::MPR_ENABLE_ROUTING_ON_DEVICE;

/// PPTP ports (`MPR_SERVER_1.dwNumPptpPorts`: 1..=16384).
pub const POOL_PPTP: PortPool = PortPool {
    component_id: "ms_pptpminiport",
    description: "WAN Miniport (PPTP)",
    max_ports: 16384,
    allowed_flags: RAS | ROUTING,
    default_ports: 128,
    default_flags: RAS | ROUTING,
};
/// L2TP ports (1..=30000).
pub const POOL_L2TP: PortPool = PortPool {
    component_id: "ms_l2tpminiport",
    description: "WAN Miniport (L2TP)",
    max_ports: 30000,
    allowed_flags: RAS | ROUTING,
    default_ports: 128,
    default_flags: RAS | ROUTING,
};
/// SSTP ports (1..=30000, RAS only).
pub const POOL_SSTP: PortPool = PortPool {
    component_id: "ms_sstpminiport",
    description: "WAN Miniport (SSTP)",
    max_ports: 30000,
    allowed_flags: RAS,
    default_ports: 128,
    default_flags: RAS,
};
/// IKEv2 ports (the "Agile VPN" miniport; 1..=30000, RAS only as documented).
pub const POOL_IKEV2: PortPool = PortPool {
    component_id: "ms_agilevpnminiport",
    description: "WAN Miniport (IKEv2)",
    max_ports: 30000,
    allowed_flags: RAS,
    default_ports: 128,
    default_flags: RAS,
};
/// GRE ports (project choice of component id; 1..=30000, site-to-site routing).
pub const POOL_GRE: PortPool = PortPool {
    component_id: "ms_gremp",
    description: "WAN Miniport (GRE)",
    max_ports: 30000,
    allowed_flags: RAS | ROUTING,
    default_ports: 128,
    default_flags: ROUTING,
};
/// Every pool the configuration manages, in install order.
pub const POOLS: [PortPool; 5] = [POOL_PPTP, POOL_L2TP, POOL_SSTP, POOL_IKEV2, POOL_GRE];

// ---- default values --------------------------------------------------------------------------

/// `DLLPath` of the IPv4 and IPv6 router managers (REG_EXPAND_SZ).
pub const IPRTRMGR_DLL: &str = r"%SystemRoot%\System32\iprtrmgr.dll";
/// `Parameters\ServiceDLL` (REG_EXPAND_SZ).
pub const MPRDIM_DLL: &str = r"%SystemRoot%\System32\mprdim.dll";
/// `RouterType` written at install: RAS | LAN | WAN (IPv4).
pub const DEFAULT_ROUTER_TYPE: u32 = 7;
/// `ServerFlags` of the Windows 7 example (registry-layout §2.6).
pub const DEFAULT_SERVER_FLAGS: u32 = 0x0080_2602;
/// Router-type bits that make the router more than LAN-only: IPv4/IPv6 RAS and WAN.
pub const ROUTER_TYPE_NOT_LAN_ONLY: u32 = 0x1 | 0x4 | 0x8 | 0x20;

/// Server IKEv2 defaults reported when nothing is stored (registry-layout §2.4, W7):
/// idle timeout 300 s.
pub const DEFAULT_IKEV2_IDLE_TIMEOUT: u32 = 300;
/// Network blackout time 1800 s.
pub const DEFAULT_IKEV2_NETWORK_BLACKOUT_TIME: u32 = 1800;
/// SA lifetime 28800 s.
pub const DEFAULT_IKEV2_SA_LIFETIME: u32 = 28800;
/// SA data size 102400 KB.
pub const DEFAULT_IKEV2_SA_DATA_SIZE: u32 = 102_400;

/// `CALG_SHA_256`, the only SSTP certificate hash algorithm (MS-RRASM: certAlgorithm MUST be 0x800C).
pub const CALG_SHA_256: u32 = 0x0000_800C;
/// `MAX_SSTP_HASH_SIZE`.
pub const MAX_SSTP_HASH_SIZE: usize = 32;

/// `IP_FILTER_ENABLE_INFO`: the IPv4 "static filters enabled" block of `RouterManagers\Ip\GlobalInfo`.
pub const IP_FILTER_ENABLE_INFO: u32 = 0xFFFF_0015;
/// `IP_FILTER_ENABLE_INFO_V6`: the same for IPv6.
pub const IP_FILTER_ENABLE_INFO_V6: u32 = 0xFFFF_0016;

/// Default `RouterManagers\Ip\GlobalInfo`, byte for byte the value of a real Windows 7 RRAS
/// export: 120 bytes, `IP_GLOBAL_INFO` (filtering off, logging errors) and
/// `IP_PROT_PRIORITY_INFO` with six protocol metrics in the order LOCAL, NETMGMT, NT_STATIC,
/// NT_STATIC_NON_DOD, NT_AUTOSTATIC, RIP, generous `Size`.
///
/// Spec erratum: registry-layout §2.6/§3.6 A says this equals MS-RRASM §4.11.1's dump
/// ("blob A"); the real export lists NETMGMT second, where A lists it fifth (docs/design.md §4).
pub const DEFAULT_IP_GLOBAL_INFO: [u8; 120] = global_info_blob(
    0xFFFF_0003,
    [
        (2, 1),     // LOCAL
        (3, 10),    // NETMGMT
        (10006, 3), // NT_STATIC
        (10007, 5), // NT_STATIC_NON_DOD
        (10002, 7), // NT_AUTOSTATIC
        (8, 120),   // RIP
    ],
);

/// Default `RouterManagers\Ipv6\GlobalInfo`, byte for byte the value of the same Windows 7
/// export: `IPV6_GLOBAL_INFO` (0xFFFF000F) and the six metrics in MS-RRASM §4.11.1's order
/// (LOCAL, NT_STATIC, NT_STATIC_NON_DOD, NT_AUTOSTATIC, NETMGMT, RIP), i.e. blob A with the
/// IPv6 info type.
pub const DEFAULT_IPV6_GLOBAL_INFO: [u8; 120] = global_info_blob(
    0xFFFF_000F,
    [
        (2, 1),     // LOCAL
        (10006, 3), // NT_STATIC
        (10007, 5), // NT_STATIC_NON_DOD
        (10002, 7), // NT_AUTOSTATIC
        (3, 10),    // NETMGMT
        (8, 120),   // RIP
    ],
);

/// A 120-byte GlobalInfo: the `global_type` block (filtering off, logging errors) and an
/// `IP_PROT_PRIORITY_INFO` with the six (protocol, metric) pairs in the order given.
const fn global_info_blob(global_type: u32, metrics: [(u32, u32); 6]) -> [u8; 120] {
    let mut words: [u32; 27] = [
        1,
        120,
        2, // Version, Size, TocEntriesCount
        global_type,
        8,
        1,
        0x30, // GLOBAL_INFO toc entry
        0xFFFF_0006,
        52,
        1,
        0x38, // PRIORITY_INFO toc entry
        0,    // pad to 0x30
        0,
        1, // bFilteringOn 0, dwLoggingLevel 1
        6, // dwNumProtocols
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0, // the pairs, filled below
    ];
    let mut i = 0;
    while i < metrics.len() {
        words[15 + 2 * i] = metrics[i].0;
        words[16 + 2 * i] = metrics[i].1;
        i += 1;
    }
    le_words(&words)
}

/// Little-endian bytes of `words`, zero-filled up to `N` (the blobs' generous `Size` tail);
/// a const fn so the default blobs stay compile-time constants.
const fn le_words<const N: usize>(words: &[u32]) -> [u8; N] {
    let mut out = [0u8; N];
    let mut i = 0;
    while i < words.len() {
        let b = words[i].to_le_bytes();
        out[i * 4] = b[0];
        out[i * 4 + 1] = b[1];
        out[i * 4 + 2] = b[2];
        out[i * 4 + 3] = b[3];
        i += 1;
    }
    out
}

/// Default `InterfaceInfo` of every interface, Ip and Ipv6 (registry-layout §3.6 C): 104 bytes,
/// empty `IP_ROUTE_INFO` (72-byte items), admin status UP, router discovery 600/450/1800 off.
pub const DEFAULT_INTERFACE_INFO: [u8; 104] = {
    let words: [u32; 22] = [
        1,
        104,
        3, // Version, Size, TocEntriesCount
        0xFFFF_0005,
        72,
        0,
        0x40, // IP_ROUTE_INFO, empty
        0xFFFF_0004,
        4,
        1,
        0x40, // IP_INTERFACE_STATUS_INFO
        0xFFFF_0007,
        16,
        1,
        0x48, // IP_ROUTER_DISC_INFO
        0,    // pad to 0x40
        1,
        0, // dwAdminStatus UP, pad
        0x01C2_0258,
        0x0000_0708,
        0,
        0, // RTR_DISC_INFO: max 600, min 450, life 1800, pad, bAdvertise 0, pref 0
    ];
    le_words(&words)
};

// ---- names and GUIDs -------------------------------------------------------------------------

/// The fixed namespace of [`link_guid`] (a random UUID chosen once for this project; changing
/// it would rename every installed LAN interface).
pub const LINK_GUID_NAMESPACE: Uuid = Uuid::from_u128(0xff33d99f_8fac_49be_93b5_809d0321fef5);

/// A stable registry-form GUID (`{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}`, upper case) for the
/// network link `link_name` of the machine `machine_id`: UUID v5 over [`LINK_GUID_NAMESPACE`],
/// so the same link of the same machine always gets the same interface name.
pub fn link_guid(machine_id: &str, link_name: &str) -> String {
    // NUL cannot occur in either part, so the concatenation is unambiguous.
    let mut name = Vec::with_capacity(machine_id.len() + link_name.len() + 1);
    name.extend_from_slice(machine_id.as_bytes());
    name.push(0);
    name.extend_from_slice(link_name.as_bytes());
    let u = Uuid::new_v5(&LINK_GUID_NAMESPACE, &name);
    format!("{{{}}}", u.hyphenated().to_string().to_ascii_uppercase())
}

/// True for a registry-form GUID string: `{` 8-4-4-4-12 hex digits `}` (either case).
pub fn is_guid_name(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 38 || b[0] != b'{' || b[37] != b'}' {
        return false;
    }
    b[1..37].iter().enumerate().all(|(i, c)| match i {
        8 | 13 | 18 | 23 => *c == b'-',
        _ => c.is_ascii_hexdigit(),
    })
}

/// The key of interface number `key`: `Interfaces\<key>`.
pub fn interface_key(key: u32) -> String {
    format!(r"{INTERFACES}\{key}")
}

/// The interface number of an `Interfaces` subkey name: canonical decimal only (`0`, `17`;
/// not `017`, `+1` or `x`), so two subkey names can never denote the same number.
pub fn parse_interface_key(name: &str) -> Option<u32> {
    let b = name.as_bytes();
    if b.is_empty()
        || b.len() > 10
        || !b.iter().all(u8::is_ascii_digit)
        || (b.len() > 1 && b[0] == b'0')
    {
        return None;
    }
    name.parse().ok()
}

/// The default name of a transport or interface-transport (spec Q18): "IP", "IPX", "IPv6" for
/// their ids, otherwise the id in decimal.
pub fn default_transport_name(protocol_id: u32) -> String {
    match protocol_id {
        crate::model::pid::IP => "IP".to_owned(),
        crate::model::pid::IPX => "IPX".to_owned(),
        crate::model::pid::IPV6 => "IPv6".to_owned(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.split_whitespace().collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// Bytes of a regedit `hex:` value as exported (commas, `\` line continuations).
    fn regedit_hex(s: &str) -> Vec<u8> {
        hex(&s.replace([',', '\\'], " "))
    }

    #[test]
    fn ip_global_info_equals_the_windows_7_export() {
        let exported = regedit_hex(
            r"01,00,00,00,78,00,00,00,02,00,00,00,03,00,ff,ff,08,00,00,00,\
  01,00,00,00,30,00,00,00,06,00,ff,ff,34,00,00,00,01,00,00,00,38,00,00,00,00,\
  00,00,00,00,00,00,00,01,00,00,00,06,00,00,00,02,00,00,00,01,00,00,00,03,00,\
  00,00,0a,00,00,00,16,27,00,00,03,00,00,00,17,27,00,00,05,00,00,00,12,27,00,\
  00,07,00,00,00,08,00,00,00,78,00,00,00,00,00,00,00,00,00,00,00,00,00,00,00",
        );
        assert_eq!(DEFAULT_IP_GLOBAL_INFO.to_vec(), exported);
    }

    #[test]
    fn ipv6_global_info_equals_the_windows_7_export() {
        let exported = regedit_hex(
            r"01,00,00,00,78,00,00,00,02,00,00,00,0f,00,ff,ff,08,00,00,00,\
  01,00,00,00,30,00,00,00,06,00,ff,ff,34,00,00,00,01,00,00,00,38,00,00,00,00,\
  00,00,00,00,00,00,00,01,00,00,00,06,00,00,00,02,00,00,00,01,00,00,00,16,27,\
  00,00,03,00,00,00,17,27,00,00,05,00,00,00,12,27,00,00,07,00,00,00,03,00,00,\
  00,0a,00,00,00,08,00,00,00,78,00,00,00,00,00,00,00,00,00,00,00,00,00,00,00",
        );
        assert_eq!(DEFAULT_IPV6_GLOBAL_INFO.to_vec(), exported);
    }

    #[test]
    fn ipv6_default_is_the_ms_rrasm_dump_with_the_ipv6_type_and_ip_default_is_not() {
        // MS-RRASM §4.11.1 ("blob A", registry-layout §3.6 A).
        let blob_a = hex("01000000 78000000 02000000
             0300ffff 08000000 01000000 30000000
             0600ffff 34000000 01000000 38000000
             00000000
             00000000 01000000
             06000000
             02000000 01000000 16270000 03000000 17270000 05000000
             12270000 07000000 03000000 0a000000 08000000 78000000
             000000000000000000000000");
        let mut ipv6 = DEFAULT_IPV6_GLOBAL_INFO.to_vec();
        assert_eq!(&ipv6[12..16], &[0x0f, 0x00, 0xff, 0xff]);
        ipv6[12] = 0x03;
        assert_eq!(ipv6, blob_a);
        // The spec erratum: Windows 7's Ip blob moves NETMGMT (3) = 10 from fifth to second.
        assert_ne!(DEFAULT_IP_GLOBAL_INFO.to_vec(), blob_a);
        assert_eq!(DEFAULT_IP_GLOBAL_INFO[..0x44], blob_a[..0x44]);
        assert_eq!(DEFAULT_IP_GLOBAL_INFO[0x44..0x4c], blob_a[0x5c..0x64]);
        assert_eq!(DEFAULT_IP_GLOBAL_INFO[0x4c..0x64], blob_a[0x44..0x5c]);
        assert_eq!(DEFAULT_IP_GLOBAL_INFO[0x64..], blob_a[0x64..]);
    }

    #[test]
    fn default_interface_info_equals_the_published_dump() {
        let expected = hex("01000000 68000000 03000000
             0500ffff 48000000 00000000 40000000
             0400ffff 04000000 01000000 40000000
             0700ffff 10000000 01000000 48000000
             00000000
             01000000 00000000
             5802 c201 0807 0000 00000000 00000000
             00000000000000000000000000000000");
        assert_eq!(DEFAULT_INTERFACE_INFO.to_vec(), expected);
    }

    #[test]
    fn link_guid_is_stable_uppercase_and_distinct_per_link_and_machine() {
        let a = link_guid("machine-1", "eth0");
        assert_eq!(a, link_guid("machine-1", "eth0"));
        assert!(is_guid_name(&a), "{a}");
        assert_eq!(a, a.to_ascii_uppercase());
        assert_ne!(a, link_guid("machine-1", "eth1"));
        assert_ne!(a, link_guid("machine-2", "eth0"));
        // The separator keeps ("ab","c") and ("a","bc") apart.
        assert_ne!(link_guid("ab", "c"), link_guid("a", "bc"));
    }

    #[test]
    fn guid_names_are_recognised_exactly() {
        assert!(is_guid_name("{4D36E972-E325-11CE-BFC1-08002BE10318}"));
        assert!(is_guid_name("{4d36e972-e325-11ce-bfc1-08002be10318}"));
        assert!(!is_guid_name("4D36E972-E325-11CE-BFC1-08002BE10318"));
        assert!(!is_guid_name("{4D36E972-E325-11CE-BFC1-08002BE1031G}"));
        assert!(!is_guid_name("{4D36E972E-325-11CE-BFC1-08002BE10318}"));
        assert!(!is_guid_name("Loopback"));
    }

    #[test]
    fn only_canonical_decimal_interface_keys_are_numbers() {
        assert_eq!(parse_interface_key("0"), Some(0));
        assert_eq!(parse_interface_key("13"), Some(13));
        assert_eq!(parse_interface_key("4294967295"), Some(u32::MAX));
        for bad in [
            "",
            "01",
            "+1",
            "-1",
            "1a",
            "4294967296",
            "IKEv2CustomPolicy",
            "１",
        ] {
            assert_eq!(parse_interface_key(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn default_transport_names_follow_q18() {
        assert_eq!(default_transport_name(0x21), "IP");
        assert_eq!(default_transport_name(0x2B), "IPX");
        assert_eq!(default_transport_name(0x57), "IPv6");
        assert_eq!(default_transport_name(0x29), "41");
    }

    #[test]
    fn backup_roots_do_not_nest() {
        for a in BACKUP_ROOTS {
            for b in BACKUP_ROOTS {
                if a != b {
                    assert!(
                        !a.to_ascii_uppercase()
                            .starts_with(&format!("{}\\", b.to_ascii_uppercase()))
                    );
                }
            }
        }
    }
}
