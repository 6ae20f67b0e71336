//! The three definitions of every structure agree: the Rust `#[repr(C)]` types of this crate,
//! Microsoft's `windows-sys` bindings (the oracle for Windows x64), and `include/*.h` compiled
//! by gcc (a generated C program prints `sizeof`/`_Alignof`/`offsetof`). Structures declared
//! only in the headers (the MIB rows, PF_*, MPR_DEVICE_*...) are compared with windows-sys the
//! same way; those windows-sys lacks (the router's info-block items of MS-RRASM) with the
//! documented sizes and offsets. The headers' integer constants equal windows-sys's. Also: every
//! function declared in `mprapi.h` is exported by `libmprapi.so` and every `Mpr*` export is
//! declared.

mod common;
#[path = "layout/consts.rs"]
mod consts;

use std::collections::BTreeSet;
use std::mem::{align_of, offset_of, size_of};
use std::path::Path;
use std::process::Command;

use mprapi::types as m;
use windows_sys::Win32::Foundation as f;
use windows_sys::Win32::NetworkManagement::IpHelper as ip;
use windows_sys::Win32::NetworkManagement::Ndis as ndis;
use windows_sys::Win32::NetworkManagement::NetManagement as nm;
use windows_sys::Win32::NetworkManagement::Rras as ws;
use windows_sys::Win32::Networking::WinSock as sock;

/// One structure: its C name, (size, align) in Rust and windows-sys, and each field's C name
/// with its Rust and windows-sys offsets.
struct Layout {
    name: &'static str,
    rust: (usize, usize),
    oracle: (usize, usize),
    fields: Vec<(&'static str, usize, usize)>,
}

macro_rules! layouts {
    ($( $name:ident = $oracle:ty { $( $f:ident $(. $g:ident)* => $c:literal ),* $(,)? } )*) => {
        vec![ $( Layout {
            name: stringify!($name),
            rust: (size_of::<m::$name>(), align_of::<m::$name>()),
            oracle: (size_of::<$oracle>(), align_of::<$oracle>()),
            fields: vec![ $( ($c, offset_of!(m::$name, $f $(. $g)*), offset_of!($oracle, $f $(. $g)*)) ),* ],
        } ),* ]
    };
}

fn all() -> Vec<Layout> {
    layouts! {
        MPR_INTERFACE_0 = ws::MPR_INTERFACE_0 { wszInterfaceName => "wszInterfaceName", hInterface => "hInterface",
            fEnabled => "fEnabled", dwIfType => "dwIfType", dwConnectionState => "dwConnectionState",
            fUnReachabilityReasons => "fUnReachabilityReasons", dwLastError => "dwLastError" }
        MPR_INTERFACE_1 = ws::MPR_INTERFACE_1 { wszInterfaceName => "wszInterfaceName", hInterface => "hInterface",
            fEnabled => "fEnabled", dwIfType => "dwIfType", dwConnectionState => "dwConnectionState",
            fUnReachabilityReasons => "fUnReachabilityReasons", dwLastError => "dwLastError",
            lpwsDialoutHoursRestriction => "lpwsDialoutHoursRestriction" }
        MPR_INTERFACE_2 = ws::MPR_INTERFACE_2 { wszInterfaceName => "wszInterfaceName", hInterface => "hInterface",
            fEnabled => "fEnabled", dwIfType => "dwIfType", dwConnectionState => "dwConnectionState",
            fUnReachabilityReasons => "fUnReachabilityReasons", dwLastError => "dwLastError",
            dwfOptions => "dwfOptions", szLocalPhoneNumber => "szLocalPhoneNumber", szAlternates => "szAlternates",
            ipaddr => "ipaddr", ipaddrDns => "ipaddrDns", ipaddrDnsAlt => "ipaddrDnsAlt", ipaddrWins => "ipaddrWins",
            ipaddrWinsAlt => "ipaddrWinsAlt", dwfNetProtocols => "dwfNetProtocols", szDeviceType => "szDeviceType",
            szDeviceName => "szDeviceName", szX25PadType => "szX25PadType", szX25Address => "szX25Address",
            szX25Facilities => "szX25Facilities", szX25UserData => "szX25UserData", dwChannels => "dwChannels",
            dwSubEntries => "dwSubEntries", dwDialMode => "dwDialMode", dwDialExtraPercent => "dwDialExtraPercent",
            dwDialExtraSampleSeconds => "dwDialExtraSampleSeconds", dwHangUpExtraPercent => "dwHangUpExtraPercent",
            dwHangUpExtraSampleSeconds => "dwHangUpExtraSampleSeconds",
            dwIdleDisconnectSeconds => "dwIdleDisconnectSeconds", dwType => "dwType",
            dwEncryptionType => "dwEncryptionType", dwCustomAuthKey => "dwCustomAuthKey",
            dwCustomAuthDataSize => "dwCustomAuthDataSize", lpbCustomAuthData => "lpbCustomAuthData",
            guidId => "guidId", dwVpnStrategy => "dwVpnStrategy" }
        MPR_INTERFACE_3 = ws::MPR_INTERFACE_3 { wszInterfaceName => "wszInterfaceName", szLocalPhoneNumber => "szLocalPhoneNumber",
            szAlternates => "szAlternates", szX25UserData => "szX25UserData", lpbCustomAuthData => "lpbCustomAuthData",
            guidId => "guidId", dwVpnStrategy => "dwVpnStrategy", AddressCount => "AddressCount",
            ipv6addrDns => "ipv6addrDns", ipv6addrDnsAlt => "ipv6addrDnsAlt", ipv6addr => "ipv6addr" }
        MPR_TRANSPORT_0 = ws::MPR_TRANSPORT_0 { dwTransportId => "dwTransportId", hTransport => "hTransport",
            wszTransportName => "wszTransportName" }
        MPR_IFTRANSPORT_0 = ws::MPR_IFTRANSPORT_0 { dwTransportId => "dwTransportId", hIfTransport => "hIfTransport",
            wszIfTransportName => "wszIfTransportName" }
        MPR_FILTER_0 = ws::MPR_FILTER_0 { fEnable => "fEnable" }
        MPR_SERVER_0 = ws::MPR_SERVER_0 { fLanOnlyMode => "fLanOnlyMode", dwUpTime => "dwUpTime",
            dwTotalPorts => "dwTotalPorts", dwPortsInUse => "dwPortsInUse" }
        MPR_SERVER_1 = ws::MPR_SERVER_1 { dwNumPptpPorts => "dwNumPptpPorts", dwPptpPortFlags => "dwPptpPortFlags",
            dwNumL2tpPorts => "dwNumL2tpPorts", dwL2tpPortFlags => "dwL2tpPortFlags" }
        MPR_SERVER_2 = ws::MPR_SERVER_2 { dwNumPptpPorts => "dwNumPptpPorts", dwL2tpPortFlags => "dwL2tpPortFlags",
            dwNumSstpPorts => "dwNumSstpPorts", dwSstpPortFlags => "dwSstpPortFlags" }
        MPRAPI_OBJECT_HEADER = ws::MPRAPI_OBJECT_HEADER { revision => "revision", r#type => "type", size => "size" }
        PPTP_CONFIG_PARAMS = ws::PPTP_CONFIG_PARAMS { dwNumPorts => "dwNumPorts", dwPortFlags => "dwPortFlags" }
        L2TP_CONFIG_PARAMS0 = ws::L2TP_CONFIG_PARAMS0 { dwNumPorts => "dwNumPorts", dwPortFlags => "dwPortFlags" }
        GRE_CONFIG_PARAMS0 = ws::GRE_CONFIG_PARAMS0 { dwNumPorts => "dwNumPorts", dwPortFlags => "dwPortFlags" }
        ROUTER_CUSTOM_IKEv2_POLICY0 = ws::ROUTER_CUSTOM_IKEv2_POLICY0 { dwIntegrityMethod => "dwIntegrityMethod",
            dwEncryptionMethod => "dwEncryptionMethod", dwCipherTransformConstant => "dwCipherTransformConstant",
            dwAuthTransformConstant => "dwAuthTransformConstant", dwPfsGroup => "dwPfsGroup", dwDhGroup => "dwDhGroup" }
        L2TP_TUNNEL_CONFIG_PARAMS1 = ws::L2TP_TUNNEL_CONFIG_PARAMS1 { dwIdleTimeout => "dwIdleTimeout",
            dwEncryptionType => "dwEncryptionType", dwSaLifeTime => "dwSaLifeTime",
            dwSaDataSizeForRenegotiation => "dwSaDataSizeForRenegotiation", customPolicy => "customPolicy" }
        L2TP_TUNNEL_CONFIG_PARAMS2 = ws::L2TP_TUNNEL_CONFIG_PARAMS2 { customPolicy => "customPolicy",
            dwMmSaLifeTime => "dwMmSaLifeTime" }
        L2TP_CONFIG_PARAMS1 = ws::L2TP_CONFIG_PARAMS1 { dwNumPorts => "dwNumPorts", dwPortFlags => "dwPortFlags",
            dwTunnelConfigParamFlags => "dwTunnelConfigParamFlags", TunnelConfigParams => "TunnelConfigParams" }
        MPR_CERT_EKU = ws::MPR_CERT_EKU { dwSize => "dwSize", IsEKUOID => "IsEKUOID", pwszEKU => "pwszEKU" }
        IKEV2_TUNNEL_CONFIG_PARAMS2 = ws::IKEV2_TUNNEL_CONFIG_PARAMS2 { dwTotalCertificates => "dwTotalCertificates",
            certificateNames => "certificateNames", machineCertificateName => "machineCertificateName",
            dwEncryptionType => "dwEncryptionType", customPolicy => "customPolicy" }
        IKEV2_TUNNEL_CONFIG_PARAMS3 = ws::IKEV2_TUNNEL_CONFIG_PARAMS3 { customPolicy => "customPolicy",
            dwTotalEkus => "dwTotalEkus", certificateEKUs => "certificateEKUs",
            machineCertificateHash => "machineCertificateHash" }
        IKEV2_TUNNEL_CONFIG_PARAMS4 = ws::IKEV2_TUNNEL_CONFIG_PARAMS4 { dwIdleTimeout => "dwIdleTimeout",
            dwNetworkBlackoutTime => "dwNetworkBlackoutTime", dwSaLifeTime => "dwSaLifeTime",
            dwSaDataSizeForRenegotiation => "dwSaDataSizeForRenegotiation", dwConfigOptions => "dwConfigOptions",
            dwTotalCertificates => "dwTotalCertificates", certificateNames => "certificateNames",
            machineCertificateName => "machineCertificateName", dwEncryptionType => "dwEncryptionType",
            customPolicy => "customPolicy", dwTotalEkus => "dwTotalEkus", certificateEKUs => "certificateEKUs",
            machineCertificateHash => "machineCertificateHash", dwMmSaLifeTime => "dwMmSaLifeTime" }
        IKEV2_CONFIG_PARAMS = ws::IKEV2_CONFIG_PARAMS { dwNumPorts => "dwNumPorts", dwPortFlags => "dwPortFlags",
            dwTunnelConfigParamFlags => "dwTunnelConfigParamFlags", TunnelConfigParams => "TunnelConfigParams" }
        SSTP_CERT_INFO = ws::SSTP_CERT_INFO { isDefault => "isDefault", certBlob => "certBlob" }
        SSTP_CONFIG_PARAMS = ws::SSTP_CONFIG_PARAMS { dwNumPorts => "dwNumPorts", dwPortFlags => "dwPortFlags",
            isUseHttps => "isUseHttps", certAlgorithm => "certAlgorithm", sstpCertDetails => "sstpCertDetails" }
        MPRAPI_TUNNEL_CONFIG_PARAMS0 = ws::MPRAPI_TUNNEL_CONFIG_PARAMS0 { IkeConfigParams => "IkeConfigParams",
            PptpConfigParams => "PptpConfigParams", L2tpConfigParams => "L2tpConfigParams",
            SstpConfigParams => "SstpConfigParams" }
        MPRAPI_TUNNEL_CONFIG_PARAMS1 = ws::MPRAPI_TUNNEL_CONFIG_PARAMS1 { IkeConfigParams => "IkeConfigParams",
            PptpConfigParams => "PptpConfigParams", L2tpConfigParams => "L2tpConfigParams",
            SstpConfigParams => "SstpConfigParams", GREConfigParams => "GREConfigParams" }
        MPR_SERVER_EX0 = ws::MPR_SERVER_EX0 { Header => "Header", fLanOnlyMode => "fLanOnlyMode", dwUpTime => "dwUpTime",
            dwTotalPorts => "dwTotalPorts", dwPortsInUse => "dwPortsInUse", Reserved => "Reserved",
            ConfigParams => "ConfigParams" }
        MPR_SERVER_EX1 = ws::MPR_SERVER_EX1 { Header => "Header", fLanOnlyMode => "fLanOnlyMode", Reserved => "Reserved",
            ConfigParams => "ConfigParams",
            ConfigParams.L2tpConfigParams.TunnelConfigParams.customPolicy => "ConfigParams.L2tpConfigParams.TunnelConfigParams.customPolicy",
            ConfigParams.SstpConfigParams.sstpCertDetails.certBlob => "ConfigParams.SstpConfigParams.sstpCertDetails.certBlob",
            ConfigParams.GREConfigParams => "ConfigParams.GREConfigParams" }
        MPR_SERVER_SET_CONFIG_EX0 = ws::MPR_SERVER_SET_CONFIG_EX0 { Header => "Header",
            setConfigForProtocols => "setConfigForProtocols", ConfigParams => "ConfigParams" }
        MPR_SERVER_SET_CONFIG_EX1 = ws::MPR_SERVER_SET_CONFIG_EX1 { Header => "Header",
            setConfigForProtocols => "setConfigForProtocols", ConfigParams => "ConfigParams",
            ConfigParams.GREConfigParams => "ConfigParams.GREConfigParams" }
        VPN_TS_IP_ADDRESS = ws::VPN_TS_IP_ADDRESS { Type => "Type", Anonymous => "v4" }
        MPR_VPN_TRAFFIC_SELECTOR = ws::MPR_VPN_TRAFFIC_SELECTOR { r#type => "type", protocolId => "protocolId",
            portStart => "portStart", portEnd => "portEnd", tsPayloadId => "tsPayloadId", addrStart => "addrStart",
            addrEnd => "addrEnd" }
        MPR_VPN_TRAFFIC_SELECTORS = ws::MPR_VPN_TRAFFIC_SELECTORS { numTsi => "numTsi", numTsr => "numTsr",
            tsI => "tsI", tsR => "tsR" }
        ROUTER_IKEv2_IF_CUSTOM_CONFIG0 = ws::ROUTER_IKEv2_IF_CUSTOM_CONFIG0 { dwSaLifeTime => "dwSaLifeTime",
            dwSaDataSize => "dwSaDataSize", certificateName => "certificateName", customPolicy => "customPolicy" }
        ROUTER_IKEv2_IF_CUSTOM_CONFIG1 = ws::ROUTER_IKEv2_IF_CUSTOM_CONFIG1 { customPolicy => "customPolicy",
            certificateHash => "certificateHash" }
        ROUTER_IKEv2_IF_CUSTOM_CONFIG2 = ws::ROUTER_IKEv2_IF_CUSTOM_CONFIG2 { certificateHash => "certificateHash",
            dwMmSaLifeTime => "dwMmSaLifeTime", vpnTrafficSelectors => "vpnTrafficSelectors" }
        MPR_IF_CUSTOMINFOEX0 = ws::MPR_IF_CUSTOMINFOEX0 { Header => "Header", dwFlags => "dwFlags",
            customIkev2Config => "customIkev2Config" }
        MPR_IF_CUSTOMINFOEX1 = ws::MPR_IF_CUSTOMINFOEX1 { Header => "Header", dwFlags => "dwFlags",
            customIkev2Config => "customIkev2Config" }
        MPR_IF_CUSTOMINFOEX2 = ws::MPR_IF_CUSTOMINFOEX2 { Header => "Header", dwFlags => "dwFlags",
            customIkev2Config => "customIkev2Config",
            customIkev2Config.vpnTrafficSelectors.tsR => "customIkev2Config.vpnTrafficSelectors.tsR" }
        RTR_TOC_ENTRY = nm::RTR_TOC_ENTRY { InfoType => "InfoType", InfoSize => "InfoSize", Count => "Count",
            Offset => "Offset" }
        RTR_INFO_BLOCK_HEADER = nm::RTR_INFO_BLOCK_HEADER { Version => "Version", Size => "Size",
            TocEntriesCount => "TocEntriesCount", TocEntry => "TocEntry" }
        CRYPT_INTEGER_BLOB = windows_sys::Win32::Security::Cryptography::CRYPT_INTEGER_BLOB { cbData => "cbData",
            pbData => "pbData" }
        IN6_ADDR = windows_sys::Win32::Networking::WinSock::IN6_ADDR { u => "u" }
        // windows-sys spells the GUID fields data1..data4: size and alignment are compared.
        GUID = windows_sys::core::GUID {}
    }
}

/// The sizes of the spec (§3), measured on Windows x64 metadata.
const SPEC_SIZES: &[(&str, usize)] = &[
    ("MPR_INTERFACE_0", 552),
    ("MPR_INTERFACE_1", 560),
    ("MPR_INTERFACE_2", 2496),
    ("MPR_INTERFACE_3", 2536),
    ("MPR_TRANSPORT_0", 104),
    ("MPR_IFTRANSPORT_0", 104),
    ("MPR_FILTER_0", 4),
    ("MPR_SERVER_0", 16),
    ("MPR_SERVER_2", 24),
    ("MPR_SERVER_EX0", 240),
    ("MPR_SERVER_EX1", 248),
    ("MPR_SERVER_SET_CONFIG_EX0", 224),
    ("MPR_SERVER_SET_CONFIG_EX1", 232),
    ("MPR_IF_CUSTOMINFOEX2", 88),
    ("MPR_VPN_TRAFFIC_SELECTOR", 52),
    ("MPRAPI_TUNNEL_CONFIG_PARAMS1", 224),
    ("RTR_INFO_BLOCK_HEADER", 28),
];

#[test]
fn rust_structs_equal_windows_sys_and_the_spec() {
    let all = all();
    for l in &all {
        assert_eq!(
            l.rust, l.oracle,
            "{}: (size, align) Rust vs windows-sys",
            l.name
        );
        for (f, r, o) in &l.fields {
            assert_eq!(r, o, "{}.{f}: offset Rust vs windows-sys", l.name);
        }
    }
    for (name, size) in SPEC_SIZES {
        let l = all.iter().find(|l| l.name == *name).expect("listed");
        assert_eq!(l.rust.0, *size, "{name}: size vs spec");
    }
}

/// Compiles `body` (statements of `main`) with every header of `include/` and gcc
/// `-std=c11 -pedantic -Wall -Wextra -Werror`, runs it and returns its stdout.
fn run_c_with_all_headers(body: &str) -> String {
    let include = Path::new(env!("CARGO_MANIFEST_DIR")).join("include");
    let mut headers: Vec<String> = std::fs::read_dir(&include)
        .expect("include/")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".h"))
        .collect();
    headers.sort();
    let mut c = String::new();
    for h in &headers {
        c += &format!("#include <{h}>\n");
    }
    c += "#include <stdio.h>\n#include <stddef.h>\nint main(void) {\n";
    c += body;
    c += "return 0; }\n";
    let dir = tempfile::tempdir().expect("tempdir");
    let src = dir.path().join("layout.c");
    std::fs::write(&src, c).expect("write");
    let exe = dir.path().join("layout");
    let out = Command::new("gcc")
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-I"])
        .arg(&include)
        .arg(&src)
        .arg("-o")
        .arg(&exe)
        .output()
        .expect("gcc");
    assert!(
        out.status.success(),
        "gcc: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = Command::new(&exe).output().expect("run layout program");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// C statements printing "NAME size align" and "NAME.field offset" lines.
fn c_layout_printer<'a>(structs: impl IntoIterator<Item = (&'a str, Vec<&'a str>)>) -> String {
    let mut c = String::new();
    for (name, fields) in structs {
        c += &format!("printf(\"{name} %zu %zu\\n\", sizeof({name}), _Alignof({name}));\n");
        for f in fields {
            c += &format!("printf(\"{name}.{f} %zu\\n\", offsetof({name}, {f}));\n");
        }
    }
    c
}

#[test]
fn c_headers_compiled_by_gcc_equal_the_rust_structs() {
    let all = all();
    let text = run_c_with_all_headers(&c_layout_printer(
        all.iter()
            .map(|l| (l.name, l.fields.iter().map(|f| f.0).collect())),
    ));
    let mut lines = text.lines();
    for l in &all {
        assert_eq!(
            lines.next(),
            Some(format!("{} {} {}", l.name, l.rust.0, l.rust.1).as_str()),
            "{}: C (size, align)",
            l.name
        );
        for (f, r, _) in &l.fields {
            assert_eq!(
                lines.next(),
                Some(format!("{}.{f} {r}", l.name).as_str()),
                "C offset of {}.{f}",
                l.name
            );
        }
    }
}

/// A structure of the headers that this crate has no Rust definition of: windows-sys's
/// (size, align) and each field's C name, offset and size.
struct HeaderOnly {
    name: &'static str,
    oracle: (usize, usize),
    fields: Vec<(&'static str, usize, usize)>,
}

macro_rules! header_only {
    ($( $name:ident = $oracle:ty { $( $f:ident => $c:literal ),* $(,)? } )*) => {
        vec![ $( HeaderOnly {
            name: stringify!($name),
            oracle: (size_of::<$oracle>(), align_of::<$oracle>()),
            fields: vec![ $( ($c, offset_of!($oracle, $f), {
                // SAFETY: windows-sys structures are plain data; all-zero is a valid value.
                let v: $oracle = unsafe { std::mem::zeroed() };
                #[allow(unused_unsafe)]
                let size = unsafe { std::mem::size_of_val(&v.$f) };
                size
            }) ),* ],
        } ),* ]
    };
}

fn header_only() -> Vec<HeaderOnly> {
    header_only! {
        MIB_IFNUMBER = ip::MIB_IFNUMBER { dwValue => "dwValue" }
        MIB_IFROW = ip::MIB_IFROW { wszName => "wszName", dwIndex => "dwIndex", dwType => "dwType", dwMtu => "dwMtu", dwSpeed => "dwSpeed", dwPhysAddrLen => "dwPhysAddrLen", bPhysAddr => "bPhysAddr", dwAdminStatus => "dwAdminStatus", dwOperStatus => "dwOperStatus", dwLastChange => "dwLastChange", dwInOctets => "dwInOctets", dwInUcastPkts => "dwInUcastPkts", dwInNUcastPkts => "dwInNUcastPkts", dwInDiscards => "dwInDiscards", dwInErrors => "dwInErrors", dwInUnknownProtos => "dwInUnknownProtos", dwOutOctets => "dwOutOctets", dwOutUcastPkts => "dwOutUcastPkts", dwOutNUcastPkts => "dwOutNUcastPkts", dwOutDiscards => "dwOutDiscards", dwOutErrors => "dwOutErrors", dwOutQLen => "dwOutQLen", dwDescrLen => "dwDescrLen", bDescr => "bDescr" }
        MIB_IFTABLE = ip::MIB_IFTABLE { dwNumEntries => "dwNumEntries", table => "table" }
        MIB_IPADDRROW_XP = ip::MIB_IPADDRROW_XP { dwAddr => "dwAddr", dwIndex => "dwIndex", dwMask => "dwMask", dwBCastAddr => "dwBCastAddr", dwReasmSize => "dwReasmSize", unused1 => "unused1", wType => "wType" }
        MIB_IPADDRROW_W2K = ip::MIB_IPADDRROW_W2K { dwAddr => "dwAddr", dwIndex => "dwIndex", dwMask => "dwMask", dwBCastAddr => "dwBCastAddr", dwReasmSize => "dwReasmSize", unused1 => "unused1", unused2 => "unused2" }
        MIB_IPADDRTABLE = ip::MIB_IPADDRTABLE { dwNumEntries => "dwNumEntries", table => "table" }
        MIB_IPFORWARDNUMBER = ip::MIB_IPFORWARDNUMBER { dwValue => "dwValue" }
        MIB_IPFORWARDROW = ip::MIB_IPFORWARDROW { dwForwardDest => "dwForwardDest", dwForwardMask => "dwForwardMask", dwForwardPolicy => "dwForwardPolicy", dwForwardNextHop => "dwForwardNextHop", dwForwardIfIndex => "dwForwardIfIndex", Anonymous1 => "dwForwardType", Anonymous2 => "dwForwardProto", dwForwardAge => "dwForwardAge", dwForwardNextHopAS => "dwForwardNextHopAS", dwForwardMetric1 => "dwForwardMetric1", dwForwardMetric2 => "dwForwardMetric2", dwForwardMetric3 => "dwForwardMetric3", dwForwardMetric4 => "dwForwardMetric4", dwForwardMetric5 => "dwForwardMetric5" }
        MIB_IPFORWARDTABLE = ip::MIB_IPFORWARDTABLE { dwNumEntries => "dwNumEntries", table => "table" }
        MIB_IPNETROW_LH = ip::MIB_IPNETROW_LH { dwIndex => "dwIndex", dwPhysAddrLen => "dwPhysAddrLen", bPhysAddr => "bPhysAddr", dwAddr => "dwAddr", Anonymous => "dwType" }
        MIB_IPNETROW_W2K = ip::MIB_IPNETROW_W2K { dwIndex => "dwIndex", dwPhysAddrLen => "dwPhysAddrLen", bPhysAddr => "bPhysAddr", dwAddr => "dwAddr", dwType => "dwType" }
        MIB_IPNETTABLE = ip::MIB_IPNETTABLE { dwNumEntries => "dwNumEntries", table => "table" }
        MIB_IPSTATS_LH = ip::MIB_IPSTATS_LH { Anonymous => "dwForwarding", dwDefaultTTL => "dwDefaultTTL", dwInReceives => "dwInReceives", dwInHdrErrors => "dwInHdrErrors", dwInAddrErrors => "dwInAddrErrors", dwForwDatagrams => "dwForwDatagrams", dwInUnknownProtos => "dwInUnknownProtos", dwInDiscards => "dwInDiscards", dwInDelivers => "dwInDelivers", dwOutRequests => "dwOutRequests", dwRoutingDiscards => "dwRoutingDiscards", dwOutDiscards => "dwOutDiscards", dwOutNoRoutes => "dwOutNoRoutes", dwReasmTimeout => "dwReasmTimeout", dwReasmReqds => "dwReasmReqds", dwReasmOks => "dwReasmOks", dwReasmFails => "dwReasmFails", dwFragOks => "dwFragOks", dwFragFails => "dwFragFails", dwFragCreates => "dwFragCreates", dwNumIf => "dwNumIf", dwNumAddr => "dwNumAddr", dwNumRoutes => "dwNumRoutes" }
        MIB_IPSTATS_W2K = ip::MIB_IPSTATS_W2K { dwForwarding => "dwForwarding", dwDefaultTTL => "dwDefaultTTL", dwInReceives => "dwInReceives", dwInHdrErrors => "dwInHdrErrors", dwInAddrErrors => "dwInAddrErrors", dwForwDatagrams => "dwForwDatagrams", dwInUnknownProtos => "dwInUnknownProtos", dwInDiscards => "dwInDiscards", dwInDelivers => "dwInDelivers", dwOutRequests => "dwOutRequests", dwRoutingDiscards => "dwRoutingDiscards", dwOutDiscards => "dwOutDiscards", dwOutNoRoutes => "dwOutNoRoutes", dwReasmTimeout => "dwReasmTimeout", dwReasmReqds => "dwReasmReqds", dwReasmOks => "dwReasmOks", dwReasmFails => "dwReasmFails", dwFragOks => "dwFragOks", dwFragFails => "dwFragFails", dwFragCreates => "dwFragCreates", dwNumIf => "dwNumIf", dwNumAddr => "dwNumAddr", dwNumRoutes => "dwNumRoutes" }
        MIB_BOUNDARYROW = ip::MIB_BOUNDARYROW { dwGroupAddress => "dwGroupAddress", dwGroupMask => "dwGroupMask" }
        MIB_MCAST_LIMIT_ROW = ip::MIB_MCAST_LIMIT_ROW { dwTtl => "dwTtl", dwRateLimit => "dwRateLimit" }
        MIB_IPMCAST_BOUNDARY = ip::MIB_IPMCAST_BOUNDARY { dwIfIndex => "dwIfIndex", dwGroupAddress => "dwGroupAddress", dwGroupMask => "dwGroupMask", dwStatus => "dwStatus" }
        MIB_IPMCAST_SCOPE = ip::MIB_IPMCAST_SCOPE { dwGroupAddress => "dwGroupAddress", dwGroupMask => "dwGroupMask", snNameBuffer => "snNameBuffer", dwStatus => "dwStatus" }
        MIB_IPMCAST_IF_ENTRY = ip::MIB_IPMCAST_IF_ENTRY { dwIfIndex => "dwIfIndex", dwTtl => "dwTtl", dwProtocol => "dwProtocol", dwRateLimit => "dwRateLimit", ulInMcastOctets => "ulInMcastOctets", ulOutMcastOctets => "ulOutMcastOctets" }
        MIB_IPMCAST_GLOBAL = ip::MIB_IPMCAST_GLOBAL { dwEnable => "dwEnable" }
        MIB_IPDESTROW = ip::MIB_IPDESTROW { ForwardRow => "ForwardRow", dwForwardPreference => "dwForwardPreference", dwForwardViewSet => "dwForwardViewSet" }
        MIB_IPDESTTABLE = ip::MIB_IPDESTTABLE { dwNumEntries => "dwNumEntries", table => "table" }
        MIB_OPAQUE_QUERY = ip::MIB_OPAQUE_QUERY { dwVarId => "dwVarId", rgdwVarIndex => "rgdwVarIndex" }
        MIB_OPAQUE_INFO = ip::MIB_OPAQUE_INFO { dwId => "dwId", Anonymous => "ullAlign" }
        MIB_IFSTATUS = ip::MIB_IFSTATUS { dwIfIndex => "dwIfIndex", dwAdminStatus => "dwAdminStatus", dwOperationalStatus => "dwOperationalStatus", bMHbeatActive => "bMHbeatActive", bMHbeatAlive => "bMHbeatAlive" }
        MIB_PROXYARP = ip::MIB_PROXYARP { dwAddress => "dwAddress", dwMask => "dwMask", dwIfIndex => "dwIfIndex" }
        MIB_BEST_IF = ip::MIB_BEST_IF { dwDestAddr => "dwDestAddr", dwIfIndex => "dwIfIndex" }
        MIB_ROUTESTATE = ip::MIB_ROUTESTATE { bRoutesSetToStack => "bRoutesSetToStack" }
        PF_FILTER_DESCRIPTOR = ip::PF_FILTER_DESCRIPTOR { dwFilterFlags => "dwFilterFlags", dwRule => "dwRule", pfatType => "pfatType", SrcAddr => "SrcAddr", SrcMask => "SrcMask", DstAddr => "DstAddr", DstMask => "DstMask", dwProtocol => "dwProtocol", fLateBound => "fLateBound", wSrcPort => "wSrcPort", wDstPort => "wDstPort", wSrcPortHighRange => "wSrcPortHighRange", wDstPortHighRange => "wDstPortHighRange" }
        PF_FILTER_STATS = ip::PF_FILTER_STATS { dwNumPacketsFiltered => "dwNumPacketsFiltered", info => "info" }
        PF_INTERFACE_STATS = ip::PF_INTERFACE_STATS { pvDriverContext => "pvDriverContext", dwFlags => "dwFlags", dwInDrops => "dwInDrops", dwOutDrops => "dwOutDrops", eaInAction => "eaInAction", eaOutAction => "eaOutAction", dwNumInFilters => "dwNumInFilters", dwNumOutFilters => "dwNumOutFilters", dwFrag => "dwFrag", dwSpoof => "dwSpoof", dwReserved1 => "dwReserved1", dwReserved2 => "dwReserved2", liSYN => "liSYN", liTotalLogged => "liTotalLogged", dwLostLogEntries => "dwLostLogEntries", FilterInfo => "FilterInfo" }
        PF_LATEBIND_INFO = ip::PF_LATEBIND_INFO { SrcAddr => "SrcAddr", DstAddr => "DstAddr", Mask => "Mask" }
        PFLOGFRAME = ip::PFLOGFRAME { Timestamp => "Timestamp", pfeTypeOfFrame => "pfeTypeOfFrame", dwTotalSizeUsed => "dwTotalSizeUsed", dwFilterRule => "dwFilterRule", wSizeOfAdditionalData => "wSizeOfAdditionalData", wSizeOfIpHeader => "wSizeOfIpHeader", dwInterfaceName => "dwInterfaceName", dwIPIndex => "dwIPIndex", bPacketData => "bPacketData" }
        MPR_IPINIP_INTERFACE_0 = ws::MPR_IPINIP_INTERFACE_0 { wszFriendlyName => "wszFriendlyName", Guid => "Guid" }
        MPR_DEVICE_0 = ws::MPR_DEVICE_0 { szDeviceType => "szDeviceType", szDeviceName => "szDeviceName" }
        MPR_DEVICE_1 = ws::MPR_DEVICE_1 { szDeviceType => "szDeviceType", szDeviceName => "szDeviceName", szLocalPhoneNumber => "szLocalPhoneNumber", szAlternates => "szAlternates" }
        MPR_CREDENTIALSEX_0 = ws::MPR_CREDENTIALSEX_0 { dwSize => "dwSize", lpbCredentialsInfo => "lpbCredentialsInfo" }
        MPR_CREDENTIALSEX_1 = ws::MPR_CREDENTIALSEX_1 { dwSize => "dwSize", lpbCredentialsInfo => "lpbCredentialsInfo" }
        MPR_PROTOCOL_0 = nm::MPR_PROTOCOL_0 { dwProtocolId => "dwProtocolId", wszProtocol => "wszProtocol", wszDLLName => "wszDLLName" }
        FILETIME = f::FILETIME { dwLowDateTime => "dwLowDateTime", dwHighDateTime => "dwHighDateTime" }
        IN_ADDR = sock::IN_ADDR { S_un => "S_un" }
        NET_LUID_LH = ndis::NET_LUID_LH { Value => "Value" }
    }
}

/// (name, size, [(field, offset)]).
type SpecLayout = (&'static str, usize, &'static [(&'static str, usize)]);

/// Structures windows-sys does not have: the info-block items of [MS-RRASM] 2.2.1.2 (sizes
/// and offsets as docs/spec/registry-layout.md §4 lists them), the routing-protocol DLL types
/// of routprot.h and the plain data of ipxrtdef.h (natural x64 alignment, as MSVC lays them
/// out), and LARGE_INTEGER (a bare i64 in windows-sys).
const SPEC_ONLY: &[SpecLayout] = &[
    (
        "INTERFACE_ROUTE_INFO",
        72,
        &[
            ("dwRtInfoDest", 0),
            ("dwRtInfoMask", 4),
            ("dwRtInfoPolicy", 8),
            ("dwRtInfoNextHop", 12),
            ("dwRtInfoAge", 16),
            ("dwRtInfoNextHopAS", 20),
            ("dwRtInfoMetric1", 24),
            ("dwRtInfoMetric2", 28),
            ("dwRtInfoMetric3", 32),
            ("DestinationPrefix", 0),
            ("DestPrefixLength", 16),
            ("NextHopAddress", 20),
            ("ValidLifeTime", 36),
            ("Flags", 40),
            ("Metric", 44),
            ("dwRtInfoIfIndex", 48),
            ("dwRtInfoType", 52),
            ("dwRtInfoProto", 56),
            ("dwRtInfoPreference", 60),
            ("dwRtInfoViewSet", 64),
            ("bV4", 68),
        ],
    ),
    (
        "FILTER_INFO",
        28,
        &[
            ("dwSrcAddr", 0),
            ("dwSrcMask", 4),
            ("dwDstAddr", 8),
            ("dwDstMask", 12),
            ("dwProtocol", 16),
            ("fLateBound", 20),
            ("wSrcPort", 24),
            ("wDstPort", 26),
        ],
    ),
    (
        "FILTER_DESCRIPTOR",
        40,
        &[
            ("dwVersion", 0),
            ("dwNumFilters", 4),
            ("faDefaultAction", 8),
            ("fiFilter", 12),
        ],
    ),
    (
        "FILTER_INFO_V6",
        52,
        &[
            ("ipv6SrcAddr", 0),
            ("dwSrcPrefixLength", 16),
            ("ipv6DstAddr", 20),
            ("dwDstPrefixLength", 36),
            ("dwProtocol", 40),
            ("fLateBound", 44),
            ("wSrcPort", 48),
            ("wDstPort", 50),
        ],
    ),
    (
        "FILTER_DESCRIPTOR_V6",
        64,
        &[
            ("dwNumFilters", 4),
            ("faDefaultAction", 8),
            ("fiFilter", 12),
        ],
    ),
    (
        "GLOBAL_INFO",
        8,
        &[("bFilteringOn", 0), ("dwLoggingLevel", 4)],
    ),
    ("INTERFACE_STATUS_INFO", 4, &[("dwAdminStatus", 0)]),
    (
        "PROTOCOL_METRIC",
        8,
        &[("dwProtocolId", 0), ("dwMetric", 4)],
    ),
    (
        "PRIORITY_INFO",
        12,
        &[("dwNumProtocols", 0), ("ppmProtocolMetric", 4)],
    ),
    (
        "PROTOCOL_METRIC_EX",
        12,
        &[("dwProtocolId", 0), ("dwSubProtocolId", 4), ("dwMetric", 8)],
    ),
    (
        "PRIORITY_INFO_EX",
        16,
        &[("dwNumProtocols", 0), ("ppmProtocolMetric", 4)],
    ),
    (
        "RTR_DISC_INFO",
        16,
        &[
            ("wMaxAdvtInterval", 0),
            ("wMinAdvtInterval", 2),
            ("wAdvtLifetime", 4),
            ("bAdvertise", 8),
            ("lPrefLevel", 12),
        ],
    ),
    (
        "MCAST_HBEAT_INFO",
        140,
        &[
            ("pwszGroup", 0),
            ("bActive", 128),
            ("ulDeadInterval", 132),
            ("byProtocol", 136),
            ("wPort", 138),
        ],
    ),
    (
        "IPINIP_CONFIG_INFO",
        12,
        &[("dwRemoteAddress", 0), ("dwLocalAddress", 4), ("byTtl", 8)],
    ),
    ("IFFILTER_INFO", 4, &[("bEnableFragChk", 0)]),
    (
        "SUPPORT_FUNCTIONS",
        96,
        &[
            ("dwVersion", 0),
            ("dwReserved", 4),
            ("DemandDialRequest", 8),
            ("GetRouterId", 80),
            ("HasMulticastBoundary", 88),
        ],
    ),
    (
        "MPR_ROUTING_CHARACTERISTICS",
        224,
        &[
            ("dwProtocolId", 4),
            ("fSupportedFunctionality", 8),
            ("pfnStartProtocol", 16),
            ("pfnMibGetTrapInfo", 216),
        ],
    ),
    ("UPDATE_COMPLETE_MESSAGE", 12, &[("UpdateStatus", 8)]),
    ("MESSAGE", 12, &[("InterfaceIndex", 0)]),
    ("IP_LOCAL_BINDING", 8, &[("Mask", 4)]),
    (
        "IP_ADAPTER_BINDING_INFO",
        24,
        &[("Mtu", 8), ("Speed", 16), ("Address", 24)],
    ),
    (
        "IPX_ADAPTER_BINDING_INFO",
        28,
        &[("RemoteNode", 14), ("MaxPacketSize", 20), ("LinkSpeed", 24)],
    ),
    (
        "IPX_SERVER_ENTRY",
        64,
        &[
            ("Name", 2),
            ("Network", 50),
            ("Node", 54),
            ("Socket", 60),
            ("HopCount", 62),
        ],
    ),
    ("IPX_SERVICE", 72, &[("Protocol", 4), ("Server", 8)]),
    (
        "IPX_STATIC_ROUTE_INFO",
        16,
        &[("TickCount", 4), ("HopCount", 6), ("NextHopMacAddress", 8)],
    ),
    ("IPX_ADAPTER_INFO", 100, &[("AdapterName", 4)]),
    ("IPX_GLOBAL_INFO", 8, &[("EventLogMask", 4)]),
    ("IPX_IF_INFO", 12, &[("NetbiosDeliver", 8)]),
    (
        "IPX_INTERFACE",
        148,
        &[
            ("InterfaceName", 12),
            ("InterfaceType", 60),
            ("NetNumber", 68),
            ("MacAddress", 72),
            ("Delay", 80),
            ("EnableIpxWanNegotiation", 96),
            ("IfStats", 100),
        ],
    ),
    (
        "IPX_ROUTE",
        28,
        &[
            ("Network", 8),
            ("TickCount", 12),
            ("NextHopMacAddress", 16),
            ("Flags", 24),
        ],
    ),
    (
        "LARGE_INTEGER",
        8,
        &[("QuadPart", 0), ("u.LowPart", 0), ("u.HighPart", 4)],
    ),
];

#[test]
fn header_only_structs_compiled_by_gcc_equal_windows_sys() {
    let all = header_only();
    let mut c = c_layout_printer(
        all.iter()
            .map(|l| (l.name, l.fields.iter().map(|f| f.0).collect())),
    );
    for l in &all {
        for (f, _, _) in &l.fields {
            let n = l.name;
            c += &format!("printf(\"{n}.{f} size %zu\\n\", sizeof((({n} *)0)->{f}));\n");
        }
    }
    let text = run_c_with_all_headers(&c);
    let mut lines = text.lines();
    for l in &all {
        assert_eq!(
            lines.next(),
            Some(format!("{} {} {}", l.name, l.oracle.0, l.oracle.1).as_str()),
            "{}: C (size, align) vs windows-sys",
            l.name
        );
        for (f, o, _) in &l.fields {
            assert_eq!(
                lines.next(),
                Some(format!("{}.{f} {o}", l.name).as_str()),
                "C offset of {}.{f} vs windows-sys",
                l.name
            );
        }
    }
    for l in &all {
        for (f, _, size) in &l.fields {
            assert_eq!(
                lines.next(),
                Some(format!("{}.{f} size {size}", l.name).as_str()),
                "C size of {}.{f} vs windows-sys",
                l.name
            );
        }
    }
    assert!(lines.next().is_none());
}

#[test]
fn structs_windows_sys_lacks_have_the_documented_layout() {
    let text = run_c_with_all_headers(&c_layout_printer(
        SPEC_ONLY
            .iter()
            .map(|(n, _, fields)| (*n, fields.iter().map(|f| f.0).collect())),
    ));
    let mut lines = text.lines();
    for (name, size, fields) in SPEC_ONLY {
        let line = lines.next().expect("size line");
        let got: Vec<&str> = line.split(' ').collect();
        assert_eq!(
            got[..2],
            [*name, size.to_string().as_str()],
            "sizeof({name})"
        );
        for (f, o) in *fields {
            assert_eq!(
                lines.next(),
                Some(format!("{name}.{f} {o}").as_str()),
                "{name}.{f}"
            );
        }
    }
}

#[test]
fn header_constants_equal_windows_sys() {
    let all = consts::all();
    assert!(all.len() > 1000, "{}", all.len());
    let mut c = String::new();
    for (name, _) in &all {
        // Through uintptr_t so that INVALID_HANDLE_VALUE (a pointer) prints its bits too.
        c += &format!("printf(\"{name} %u\\n\", (unsigned)(uintptr_t)({name}));\n");
    }
    let text = run_c_with_all_headers(&c);
    let mut lines = text.lines();
    let mut wrong = Vec::new();
    for (name, value) in &all {
        let line = lines.next().expect("one line per constant");
        if line != format!("{name} {value}") {
            wrong.push(format!("{line} (windows-sys: {value})"));
        }
    }
    assert!(
        wrong.is_empty(),
        "header values differ from windows-sys:\n{}",
        wrong.join("\n")
    );
}

/// The protocol ids built with PROTOCOL_ID (windows-sys has the parts, not the ids): the
/// InfoType values docs/spec/registry-layout.md §4.1 lists from real configurations.
#[test]
fn protocol_ids_equal_the_documented_info_types() {
    let ids = [
        ("MS_IP_RIP", 0x0000_0008u32),
        ("MS_IP_OSPF", 0x0000_000D),
        ("MS_IP_BOOTP", 0x0000_270F),
        ("MS_IP_IGMP", 0x4137_000A),
        ("MS_IP_BGP", 0x0137_000E),
        ("MS_IP_DNS_PROXY", 0x8137_2713),
        ("MS_IP_DHCP_ALLOCATOR", 0x8137_2714),
        ("MS_IP_NAT", 0x8137_2715),
        ("MS_IPV6_DHCP", 0x0000_03E7),
        ("IPX_PROTOCOL_RIP", 0x0002_0000),
        ("IPX_PROTOCOL_SAP", 0x0002_0001),
    ];
    let mut c = String::new();
    for (name, _) in ids {
        c += &format!("printf(\"{name} %u\\n\", (unsigned)({name}));\n");
    }
    c += "printf(\"split %u %u %u\\n\", (unsigned)TYPE_FROM_PROTO_ID(MS_IP_NAT), \
          (unsigned)VENDOR_FROM_PROTO_ID(MS_IP_NAT), (unsigned)PROTO_FROM_PROTO_ID(MS_IP_NAT));\n";
    let text = run_c_with_all_headers(&c);
    let mut lines = text.lines();
    for (name, value) in ids {
        assert_eq!(lines.next(), Some(format!("{name} {value}").as_str()));
    }
    assert_eq!(lines.next(), Some("split 2 311 10005"));
}

/// Function names declared in mprapi.h (`DWORD APIENTRY Name(` / `VOID APIENTRY Name(`).
fn declared() -> BTreeSet<String> {
    let h = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("include/mprapi.h"))
        .expect("read");
    h.lines()
        .filter_map(|l| l.split_once(" APIENTRY ").map(|(_, rest)| rest))
        .filter_map(|rest| {
            rest.split_once('(')
                .map(|(name, _)| name.trim().to_string())
        })
        .collect()
}

#[test]
fn every_declared_function_is_exported_and_every_export_declared() {
    let declared = declared();
    // 35 MprConfig*, 9 MprInfo*, MprAdminBufferFree and the 23 MprAdmin* of issue 13.
    assert_eq!(
        declared
            .iter()
            .filter(|n| n.starts_with("MprConfig"))
            .count(),
        35,
        "{declared:?}"
    );
    assert_eq!(
        declared.iter().filter(|n| n.starts_with("MprInfo")).count(),
        9,
        "{declared:?}"
    );
    assert_eq!(declared.len(), 45 + 23, "{declared:?}");
    let so = common::lib_dir().join("libmprapi.so");
    let out = Command::new("nm")
        .args(["-D", "--defined-only"])
        .arg(&so)
        .output()
        .expect("nm (binutils)");
    assert!(out.status.success());
    let exported: BTreeSet<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().nth(2))
        .filter(|s| s.starts_with("Mpr"))
        .map(str::to_string)
        .collect();
    assert_eq!(
        declared, exported,
        "mprapi.h declarations vs libmprapi.so exports"
    );
}
