//! The three definitions of every structure agree: the Rust `#[repr(C)]` types of this crate,
//! Microsoft's `windows-sys` bindings (the oracle for Windows x64), and `include/*.h` compiled
//! by gcc (a generated C program prints `sizeof`/`_Alignof`/`offsetof`). Also: every function
//! declared in `mprapi.h` is exported by `libmprapi.so` and every `Mpr*` export is declared.

mod common;

use std::collections::BTreeSet;
use std::mem::{align_of, offset_of, size_of};
use std::path::Path;
use std::process::Command;

use mprapi::types as m;
use windows_sys::Win32::NetworkManagement::NetManagement as nm;
use windows_sys::Win32::NetworkManagement::Rras as ws;

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

#[test]
fn c_headers_compiled_by_gcc_equal_the_rust_structs() {
    let all = all();
    let mut c = String::from(
        "#include <windows.h>\n#include <mprapi.h>\n#include <rtinfo.h>\n#include <ipinfoid.h>\n\
         #include <stdio.h>\n#include <stddef.h>\nint main(void) {\n",
    );
    for l in &all {
        c += &format!(
            "printf(\"{0} %zu %zu\\n\", sizeof({0}), _Alignof({0}));\n",
            l.name
        );
        for (f, _, _) in &l.fields {
            c += &format!(
                "printf(\"{0}.{1} %zu\\n\", offsetof({0}, {1}));\n",
                l.name, f
            );
        }
    }
    c += "return 0; }\n";
    let dir = tempfile::tempdir().expect("tempdir");
    let src = dir.path().join("layout.c");
    std::fs::write(&src, c).expect("write");
    let exe = dir.path().join("layout");
    let include = Path::new(env!("CARGO_MANIFEST_DIR")).join("include");
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
    let text = String::from_utf8_lossy(&out.stdout);
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
