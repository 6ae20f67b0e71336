//! The C structures and constants of mprapi.h / rtinfo.h as `#[repr(C)]` Rust types.
//!
//! Field names are the Windows names, so `offset_of!` reads like the C. Sizes and offsets equal
//! Windows x64 (spec §3); `tests/layout.rs` checks each one against `windows-sys` and against
//! `include/mprapi.h` compiled by gcc.

#![allow(non_snake_case, non_camel_case_types, missing_docs)]

use std::ffi::c_void;

/// `HANDLE`: an opaque pointer-sized value (never dereferenced by this library).
pub type HANDLE = *mut c_void;
/// `BOOL`.
pub type BOOL = i32;
/// `WCHAR`: one UTF-16 code unit.
pub type WCHAR = u16;

/// `MAX_INTERFACE_NAME_LEN`.
pub const MAX_INTERFACE_NAME_LEN: usize = 256;
/// `MAX_TRANSPORT_NAME_LEN`.
pub const MAX_TRANSPORT_NAME_LEN: usize = 40;
/// `MPR_MaxPhoneNumber`.
pub const MPR_MAX_PHONE_NUMBER: usize = 128;
/// `MPR_MaxDeviceType`.
pub const MPR_MAX_DEVICE_TYPE: usize = 16;
/// `MPR_MaxDeviceName`.
pub const MPR_MAX_DEVICE_NAME: usize = 128;
/// `MPR_MaxPadType`.
pub const MPR_MAX_PAD_TYPE: usize = 32;
/// `MPR_MaxX25Address`, `MPR_MaxFacilities`, `MPR_MaxUserData`.
pub const MPR_MAX_X25: usize = 200;

/// `MPRAPI_OBJECT_TYPE_MPR_SERVER_OBJECT`.
pub const MPRAPI_OBJECT_TYPE_MPR_SERVER_OBJECT: u8 = 2;
/// `MPRAPI_OBJECT_TYPE_MPR_SERVER_SET_CONFIG_OBJECT`.
pub const MPRAPI_OBJECT_TYPE_MPR_SERVER_SET_CONFIG_OBJECT: u8 = 3;
/// `MPRAPI_OBJECT_TYPE_IF_CUSTOM_CONFIG_OBJECT`.
pub const MPRAPI_OBJECT_TYPE_IF_CUSTOM_CONFIG_OBJECT: u8 = 6;
/// The revision written into `MPR_SERVER_EX1.Header` (the third generation of the server
/// object, the one with GRE: MS-RRASM's `MPR_SERVER_EX_3`).
pub const MPR_SERVER_EX1_REVISION: u8 = 3;
/// The revision written into `MPR_IF_CUSTOMINFOEX2.Header`.
pub const MPR_IF_CUSTOMINFOEX2_REVISION: u8 = 3;

#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GUID {
    pub Data1: u32,
    pub Data2: u16,
    pub Data3: u16,
    pub Data4: [u8; 8],
}

#[repr(C)]
#[derive(Clone, Copy)]
pub union IN6_ADDR_0 {
    pub Byte: [u8; 16],
    pub Word: [u16; 8],
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct IN6_ADDR {
    pub u: IN6_ADDR_0,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct IN_ADDR {
    pub S_un: u32,
}

/// `CRYPT_INTEGER_BLOB` = `CERT_NAME_BLOB` = `CRYPT_HASH_BLOB`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct CRYPT_INTEGER_BLOB {
    pub cbData: u32,
    pub pbData: *mut u8,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct MPR_INTERFACE_0 {
    pub wszInterfaceName: [WCHAR; MAX_INTERFACE_NAME_LEN + 1],
    pub hInterface: HANDLE,
    pub fEnabled: BOOL,
    pub dwIfType: i32,
    pub dwConnectionState: i32,
    pub fUnReachabilityReasons: u32,
    pub dwLastError: u32,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct MPR_INTERFACE_1 {
    pub wszInterfaceName: [WCHAR; MAX_INTERFACE_NAME_LEN + 1],
    pub hInterface: HANDLE,
    pub fEnabled: BOOL,
    pub dwIfType: i32,
    pub dwConnectionState: i32,
    pub fUnReachabilityReasons: u32,
    pub dwLastError: u32,
    pub lpwsDialoutHoursRestriction: *mut WCHAR,
}

/// Declares a structure made of the fields of `MPR_INTERFACE_2`, in order, then the given ones
/// (level 3's IPv6 fields). Level 3 is flat, not a nested level 2, because its `AddressCount`
/// sits in level 2's tail padding (offset 2492 of 2496).
macro_rules! interface2_struct {
    ($name:ident { $(pub $field:ident: $ty:ty,)* }) => {
        #[repr(C)]
        #[derive(Clone, Copy)]
        pub struct $name {
            pub wszInterfaceName: [WCHAR; MAX_INTERFACE_NAME_LEN + 1],
            pub hInterface: HANDLE,
            pub fEnabled: BOOL,
            pub dwIfType: i32,
            pub dwConnectionState: i32,
            pub fUnReachabilityReasons: u32,
            pub dwLastError: u32,
            pub dwfOptions: u32,
            pub szLocalPhoneNumber: [WCHAR; MPR_MAX_PHONE_NUMBER + 1],
            pub szAlternates: *mut WCHAR,
            pub ipaddr: u32,
            pub ipaddrDns: u32,
            pub ipaddrDnsAlt: u32,
            pub ipaddrWins: u32,
            pub ipaddrWinsAlt: u32,
            pub dwfNetProtocols: u32,
            pub szDeviceType: [WCHAR; MPR_MAX_DEVICE_TYPE + 1],
            pub szDeviceName: [WCHAR; MPR_MAX_DEVICE_NAME + 1],
            pub szX25PadType: [WCHAR; MPR_MAX_PAD_TYPE + 1],
            pub szX25Address: [WCHAR; MPR_MAX_X25 + 1],
            pub szX25Facilities: [WCHAR; MPR_MAX_X25 + 1],
            pub szX25UserData: [WCHAR; MPR_MAX_X25 + 1],
            pub dwChannels: u32,
            pub dwSubEntries: u32,
            pub dwDialMode: u32,
            pub dwDialExtraPercent: u32,
            pub dwDialExtraSampleSeconds: u32,
            pub dwHangUpExtraPercent: u32,
            pub dwHangUpExtraSampleSeconds: u32,
            pub dwIdleDisconnectSeconds: u32,
            pub dwType: u32,
            pub dwEncryptionType: u32,
            pub dwCustomAuthKey: u32,
            pub dwCustomAuthDataSize: u32,
            pub lpbCustomAuthData: *mut u8,
            pub guidId: GUID,
            pub dwVpnStrategy: u32,
            $(pub $field: $ty,)*
        }
    };
}

interface2_struct!(MPR_INTERFACE_2 {});

interface2_struct!(MPR_INTERFACE_3 {
    pub AddressCount: u32,
    pub ipv6addrDns: IN6_ADDR,
    pub ipv6addrDnsAlt: IN6_ADDR,
    pub ipv6addr: *mut IN6_ADDR,
});

#[repr(C)]
#[derive(Clone, Copy)]
pub struct MPR_TRANSPORT_0 {
    pub dwTransportId: u32,
    pub hTransport: HANDLE,
    pub wszTransportName: [WCHAR; MAX_TRANSPORT_NAME_LEN + 1],
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct MPR_IFTRANSPORT_0 {
    pub dwTransportId: u32,
    pub hIfTransport: HANDLE,
    pub wszIfTransportName: [WCHAR; MAX_TRANSPORT_NAME_LEN + 1],
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct MPR_FILTER_0 {
    pub fEnable: BOOL,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct MPR_SERVER_0 {
    pub fLanOnlyMode: BOOL,
    pub dwUpTime: u32,
    pub dwTotalPorts: u32,
    pub dwPortsInUse: u32,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct MPR_SERVER_1 {
    pub dwNumPptpPorts: u32,
    pub dwPptpPortFlags: u32,
    pub dwNumL2tpPorts: u32,
    pub dwL2tpPortFlags: u32,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct MPR_SERVER_2 {
    pub dwNumPptpPorts: u32,
    pub dwPptpPortFlags: u32,
    pub dwNumL2tpPorts: u32,
    pub dwL2tpPortFlags: u32,
    pub dwNumSstpPorts: u32,
    pub dwSstpPortFlags: u32,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MPRAPI_OBJECT_HEADER {
    pub revision: u8,
    pub r#type: u8,
    pub size: u16,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct PPTP_CONFIG_PARAMS {
    pub dwNumPorts: u32,
    pub dwPortFlags: u32,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct L2TP_CONFIG_PARAMS0 {
    pub dwNumPorts: u32,
    pub dwPortFlags: u32,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct GRE_CONFIG_PARAMS0 {
    pub dwNumPorts: u32,
    pub dwPortFlags: u32,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct ROUTER_CUSTOM_IKEv2_POLICY0 {
    pub dwIntegrityMethod: u32,
    pub dwEncryptionMethod: u32,
    pub dwCipherTransformConstant: u32,
    pub dwAuthTransformConstant: u32,
    pub dwPfsGroup: u32,
    pub dwDhGroup: u32,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct L2TP_TUNNEL_CONFIG_PARAMS1 {
    pub dwIdleTimeout: u32,
    pub dwEncryptionType: u32,
    pub dwSaLifeTime: u32,
    pub dwSaDataSizeForRenegotiation: u32,
    pub customPolicy: *mut ROUTER_CUSTOM_IKEv2_POLICY0,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct L2TP_TUNNEL_CONFIG_PARAMS2 {
    pub dwIdleTimeout: u32,
    pub dwEncryptionType: u32,
    pub dwSaLifeTime: u32,
    pub dwSaDataSizeForRenegotiation: u32,
    pub customPolicy: *mut ROUTER_CUSTOM_IKEv2_POLICY0,
    pub dwMmSaLifeTime: u32,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct L2TP_CONFIG_PARAMS1 {
    pub dwNumPorts: u32,
    pub dwPortFlags: u32,
    pub dwTunnelConfigParamFlags: u32,
    pub TunnelConfigParams: L2TP_TUNNEL_CONFIG_PARAMS2,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct MPR_CERT_EKU {
    pub dwSize: u32,
    pub IsEKUOID: BOOL,
    pub pwszEKU: *mut WCHAR,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct IKEV2_TUNNEL_CONFIG_PARAMS2 {
    pub dwIdleTimeout: u32,
    pub dwNetworkBlackoutTime: u32,
    pub dwSaLifeTime: u32,
    pub dwSaDataSizeForRenegotiation: u32,
    pub dwConfigOptions: u32,
    pub dwTotalCertificates: u32,
    pub certificateNames: *mut CRYPT_INTEGER_BLOB,
    pub machineCertificateName: CRYPT_INTEGER_BLOB,
    pub dwEncryptionType: u32,
    pub customPolicy: *mut ROUTER_CUSTOM_IKEv2_POLICY0,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct IKEV2_TUNNEL_CONFIG_PARAMS3 {
    pub dwIdleTimeout: u32,
    pub dwNetworkBlackoutTime: u32,
    pub dwSaLifeTime: u32,
    pub dwSaDataSizeForRenegotiation: u32,
    pub dwConfigOptions: u32,
    pub dwTotalCertificates: u32,
    pub certificateNames: *mut CRYPT_INTEGER_BLOB,
    pub machineCertificateName: CRYPT_INTEGER_BLOB,
    pub dwEncryptionType: u32,
    pub customPolicy: *mut ROUTER_CUSTOM_IKEv2_POLICY0,
    pub dwTotalEkus: u32,
    pub certificateEKUs: *mut MPR_CERT_EKU,
    pub machineCertificateHash: CRYPT_INTEGER_BLOB,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct IKEV2_TUNNEL_CONFIG_PARAMS4 {
    pub dwIdleTimeout: u32,
    pub dwNetworkBlackoutTime: u32,
    pub dwSaLifeTime: u32,
    pub dwSaDataSizeForRenegotiation: u32,
    pub dwConfigOptions: u32,
    pub dwTotalCertificates: u32,
    pub certificateNames: *mut CRYPT_INTEGER_BLOB,
    pub machineCertificateName: CRYPT_INTEGER_BLOB,
    pub dwEncryptionType: u32,
    pub customPolicy: *mut ROUTER_CUSTOM_IKEv2_POLICY0,
    pub dwTotalEkus: u32,
    pub certificateEKUs: *mut MPR_CERT_EKU,
    pub machineCertificateHash: CRYPT_INTEGER_BLOB,
    pub dwMmSaLifeTime: u32,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct IKEV2_CONFIG_PARAMS {
    pub dwNumPorts: u32,
    pub dwPortFlags: u32,
    pub dwTunnelConfigParamFlags: u32,
    pub TunnelConfigParams: IKEV2_TUNNEL_CONFIG_PARAMS4,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct SSTP_CERT_INFO {
    pub isDefault: BOOL,
    pub certBlob: CRYPT_INTEGER_BLOB,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct SSTP_CONFIG_PARAMS {
    pub dwNumPorts: u32,
    pub dwPortFlags: u32,
    pub isUseHttps: BOOL,
    pub certAlgorithm: u32,
    pub sstpCertDetails: SSTP_CERT_INFO,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct MPRAPI_TUNNEL_CONFIG_PARAMS0 {
    pub IkeConfigParams: IKEV2_CONFIG_PARAMS,
    pub PptpConfigParams: PPTP_CONFIG_PARAMS,
    pub L2tpConfigParams: L2TP_CONFIG_PARAMS1,
    pub SstpConfigParams: SSTP_CONFIG_PARAMS,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct MPRAPI_TUNNEL_CONFIG_PARAMS1 {
    pub IkeConfigParams: IKEV2_CONFIG_PARAMS,
    pub PptpConfigParams: PPTP_CONFIG_PARAMS,
    pub L2tpConfigParams: L2TP_CONFIG_PARAMS1,
    pub SstpConfigParams: SSTP_CONFIG_PARAMS,
    pub GREConfigParams: GRE_CONFIG_PARAMS0,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct MPR_SERVER_EX0 {
    pub Header: MPRAPI_OBJECT_HEADER,
    pub fLanOnlyMode: u32,
    pub dwUpTime: u32,
    pub dwTotalPorts: u32,
    pub dwPortsInUse: u32,
    pub Reserved: u32,
    pub ConfigParams: MPRAPI_TUNNEL_CONFIG_PARAMS0,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct MPR_SERVER_EX1 {
    pub Header: MPRAPI_OBJECT_HEADER,
    pub fLanOnlyMode: u32,
    pub dwUpTime: u32,
    pub dwTotalPorts: u32,
    pub dwPortsInUse: u32,
    pub Reserved: u32,
    pub ConfigParams: MPRAPI_TUNNEL_CONFIG_PARAMS1,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct MPR_SERVER_SET_CONFIG_EX0 {
    pub Header: MPRAPI_OBJECT_HEADER,
    pub setConfigForProtocols: u32,
    pub ConfigParams: MPRAPI_TUNNEL_CONFIG_PARAMS0,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct MPR_SERVER_SET_CONFIG_EX1 {
    pub Header: MPRAPI_OBJECT_HEADER,
    pub setConfigForProtocols: u32,
    pub ConfigParams: MPRAPI_TUNNEL_CONFIG_PARAMS1,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub union VPN_TS_IP_ADDRESS_0 {
    pub v4: IN_ADDR,
    pub v6: IN6_ADDR,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct VPN_TS_IP_ADDRESS {
    pub Type: u16,
    pub Anonymous: VPN_TS_IP_ADDRESS_0,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct MPR_VPN_TRAFFIC_SELECTOR {
    pub r#type: i32,
    pub protocolId: u8,
    pub portStart: u16,
    pub portEnd: u16,
    pub tsPayloadId: u16,
    pub addrStart: VPN_TS_IP_ADDRESS,
    pub addrEnd: VPN_TS_IP_ADDRESS,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct MPR_VPN_TRAFFIC_SELECTORS {
    pub numTsi: u32,
    pub numTsr: u32,
    pub tsI: *mut MPR_VPN_TRAFFIC_SELECTOR,
    pub tsR: *mut MPR_VPN_TRAFFIC_SELECTOR,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct ROUTER_IKEv2_IF_CUSTOM_CONFIG0 {
    pub dwSaLifeTime: u32,
    pub dwSaDataSize: u32,
    pub certificateName: CRYPT_INTEGER_BLOB,
    pub customPolicy: *mut ROUTER_CUSTOM_IKEv2_POLICY0,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct ROUTER_IKEv2_IF_CUSTOM_CONFIG1 {
    pub dwSaLifeTime: u32,
    pub dwSaDataSize: u32,
    pub certificateName: CRYPT_INTEGER_BLOB,
    pub customPolicy: *mut ROUTER_CUSTOM_IKEv2_POLICY0,
    pub certificateHash: CRYPT_INTEGER_BLOB,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct ROUTER_IKEv2_IF_CUSTOM_CONFIG2 {
    pub dwSaLifeTime: u32,
    pub dwSaDataSize: u32,
    pub certificateName: CRYPT_INTEGER_BLOB,
    pub customPolicy: *mut ROUTER_CUSTOM_IKEv2_POLICY0,
    pub certificateHash: CRYPT_INTEGER_BLOB,
    pub dwMmSaLifeTime: u32,
    pub vpnTrafficSelectors: MPR_VPN_TRAFFIC_SELECTORS,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct MPR_IF_CUSTOMINFOEX0 {
    pub Header: MPRAPI_OBJECT_HEADER,
    pub dwFlags: u32,
    pub customIkev2Config: ROUTER_IKEv2_IF_CUSTOM_CONFIG0,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct MPR_IF_CUSTOMINFOEX1 {
    pub Header: MPRAPI_OBJECT_HEADER,
    pub dwFlags: u32,
    pub customIkev2Config: ROUTER_IKEv2_IF_CUSTOM_CONFIG1,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct MPR_IF_CUSTOMINFOEX2 {
    pub Header: MPRAPI_OBJECT_HEADER,
    pub dwFlags: u32,
    pub customIkev2Config: ROUTER_IKEv2_IF_CUSTOM_CONFIG2,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct RTR_TOC_ENTRY {
    pub InfoType: u32,
    pub InfoSize: u32,
    pub Count: u32,
    pub Offset: u32,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct RTR_INFO_BLOCK_HEADER {
    pub Version: u32,
    pub Size: u32,
    pub TocEntriesCount: u32,
    pub TocEntry: [RTR_TOC_ENTRY; 1],
}

/// Plain C data: every bit pattern of zeros is a valid value (integers, arrays, raw pointers
/// and unions of those).
///
/// # Safety
/// Implement only for types whose all-zero bytes are a valid value.
pub unsafe trait Plain: Copy {}

macro_rules! plain {
    ($($t:ty),* $(,)?) => { $( unsafe impl Plain for $t {} )* };
}

plain!(
    u16,
    GUID,
    IN6_ADDR,
    IN_ADDR,
    CRYPT_INTEGER_BLOB,
    MPR_INTERFACE_0,
    MPR_INTERFACE_1,
    MPR_INTERFACE_2,
    MPR_INTERFACE_3,
    MPR_TRANSPORT_0,
    MPR_IFTRANSPORT_0,
    MPR_FILTER_0,
    MPR_SERVER_0,
    MPR_SERVER_1,
    MPR_SERVER_2,
    MPRAPI_OBJECT_HEADER,
    PPTP_CONFIG_PARAMS,
    L2TP_CONFIG_PARAMS0,
    GRE_CONFIG_PARAMS0,
    ROUTER_CUSTOM_IKEv2_POLICY0,
    L2TP_TUNNEL_CONFIG_PARAMS1,
    L2TP_TUNNEL_CONFIG_PARAMS2,
    L2TP_CONFIG_PARAMS1,
    MPR_CERT_EKU,
    IKEV2_TUNNEL_CONFIG_PARAMS2,
    IKEV2_TUNNEL_CONFIG_PARAMS3,
    IKEV2_TUNNEL_CONFIG_PARAMS4,
    IKEV2_CONFIG_PARAMS,
    SSTP_CERT_INFO,
    SSTP_CONFIG_PARAMS,
    MPRAPI_TUNNEL_CONFIG_PARAMS0,
    MPRAPI_TUNNEL_CONFIG_PARAMS1,
    MPR_SERVER_EX0,
    MPR_SERVER_EX1,
    MPR_SERVER_SET_CONFIG_EX0,
    MPR_SERVER_SET_CONFIG_EX1,
    VPN_TS_IP_ADDRESS,
    MPR_VPN_TRAFFIC_SELECTOR,
    MPR_VPN_TRAFFIC_SELECTORS,
    ROUTER_IKEv2_IF_CUSTOM_CONFIG0,
    ROUTER_IKEv2_IF_CUSTOM_CONFIG1,
    ROUTER_IKEv2_IF_CUSTOM_CONFIG2,
    MPR_IF_CUSTOMINFOEX0,
    MPR_IF_CUSTOMINFOEX1,
    MPR_IF_CUSTOMINFOEX2,
    RTR_TOC_ENTRY,
    RTR_INFO_BLOCK_HEADER,
);

/// The all-zero value of a plain C structure.
pub fn zeroed<T: Plain>() -> T {
    // SAFETY: `Plain` promises that all-zero bytes are a valid `T`.
    unsafe { std::mem::zeroed() }
}
