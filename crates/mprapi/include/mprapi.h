/*
 * mprapi.h - the Windows router configuration API for Linux (libmprapi, mprconfig).
 *
 * The "Router Configuration Functions" (MprConfig*) and "Information Header Functions"
 * (MprInfo*) of Windows' mprapi.h, with the Windows names, parameter names, structure layouts
 * (Windows x64) and error codes. Link with -lmprapi (pkg-config: mprapi).
 *
 * Conventions (details in docs/c-api.md):
 *  - Every function returns NO_ERROR (0) or a Win32/router error code (<windows.h>,
 *    <mprerror.h>), except MprConfigServerDisconnect (no result) and MprInfoBlockQuerySize.
 *  - Handles are opaque values, never pointers. A NULL handle argument gives
 *    ERROR_INVALID_PARAMETER; a value that is not a live handle of the expected kind (unknown,
 *    disconnected, of another config handle, wrong kind) gives ERROR_INVALID_HANDLE; a live
 *    handle whose object was deleted gives ERROR_NO_SUCH_INTERFACE / ERROR_UNKNOWN_PROTOCOL_ID.
 *    Interface, transport and interface-transport handles die with their config handle.
 *  - Every buffer returned by an MprConfig* function is one allocation freed by
 *    MprConfigBufferFree; every header returned by an MprInfo* function is freed by
 *    MprInfoDelete. Freeing NULL is a no-op; freeing anything else gives
 *    ERROR_INVALID_PARAMETER and changes nothing.
 *  - Strings are NUL-terminated UTF-16 (WCHAR). Use -fshort-wchar for L"..." literals; the
 *    string constants here (MPRDT_*, RRAS_SERVICE_NAME) use TEXT(), WCHAR strings either way.
 *  - All functions may be called from several threads at once, with shared handles.
 */
#ifndef _MPRAPI_H_
#define _MPRAPI_H_

#include <windows.h>
#include <mprerror.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------ */
/* Constants                                                                                  */
/* ------------------------------------------------------------------------------------------ */

#define RRAS_SERVICE_NAME TEXT("RemoteAccess")

/* Transport (router manager) ids, dwTransportId. */
#define PID_IPX   0x0000002B
#define PID_IP    0x00000021
#define PID_IPV6  0x00000057
#define PID_NBF   0x0000003F
#define PID_ATALK 0x00000029

/* Lengths in characters, without the terminator. */
#define MAX_INTERFACE_NAME_LEN 256
#define MAX_TRANSPORT_NAME_LEN 40
#define MAX_MEDIA_NAME         16
#define MAX_PORT_NAME          16
#define MAX_DEVICE_NAME        128
#define MAX_PHONE_NUMBER_LEN   128
#define MAX_DEVICETYPE_NAME    16

#define MPR_MaxDeviceType     16
#define MPR_MaxPhoneNumber    128
#define MPR_MaxDeviceName     128
#define MPR_MaxPadType        32
#define MPR_MaxX25Address     200
#define MPR_MaxFacilities     200
#define MPR_MaxUserData       200
#define MPR_MaxIpAddress      15
#define MPR_MaxIpxAddress     21
#define MPR_MaxEntryName      256
#define MPR_MaxCallbackNumber 128
#define MPR_MaxAreaCode       10
#define MAX_SSTP_HASH_SIZE    32

/* dwPrefMaxLen of the ...Enum functions: return everything. */
#ifndef MAX_PREFERRED_LENGTH
#define MAX_PREFERRED_LENGTH ((DWORD)-1)
#endif

typedef enum _ROUTER_INTERFACE_TYPE {
    ROUTER_IF_TYPE_CLIENT,
    ROUTER_IF_TYPE_HOME_ROUTER,
    ROUTER_IF_TYPE_FULL_ROUTER,
    ROUTER_IF_TYPE_DEDICATED,
    ROUTER_IF_TYPE_INTERNAL,
    ROUTER_IF_TYPE_LOOPBACK,
    ROUTER_IF_TYPE_TUNNEL1,
    ROUTER_IF_TYPE_DIALOUT,
    ROUTER_IF_TYPE_MAX
} ROUTER_INTERFACE_TYPE;

typedef enum _ROUTER_CONNECTION_STATE {
    ROUTER_IF_STATE_UNREACHABLE,
    ROUTER_IF_STATE_DISCONNECTED,
    ROUTER_IF_STATE_CONNECTING,
    ROUTER_IF_STATE_CONNECTED
} ROUTER_CONNECTION_STATE;

/* fUnReachabilityReasons */
#define MPR_INTERFACE_OUT_OF_RESOURCES          0x00000001
#define MPR_INTERFACE_ADMIN_DISABLED            0x00000002
#define MPR_INTERFACE_CONNECTION_FAILURE        0x00000004
#define MPR_INTERFACE_SERVICE_PAUSED            0x00000008
#define MPR_INTERFACE_DIALOUT_HOURS_RESTRICTION 0x00000010
#define MPR_INTERFACE_NO_MEDIA_SENSE            0x00000020
#define MPR_INTERFACE_NO_DEVICE                 0x00000040

/* Port flags */
#define MPR_ENABLE_RAS_ON_DEVICE     0x00000001
#define MPR_ENABLE_ROUTING_ON_DEVICE 0x00000002

/* MPR_INTERFACE_2/3 dwfOptions */
#define MPRIO_SpecificIpAddr                  0x00000002
#define MPRIO_SpecificNameServers             0x00000004
#define MPRIO_IpHeaderCompression             0x00000008
#define MPRIO_RemoteDefaultGateway            0x00000010
#define MPRIO_DisableLcpExtensions            0x00000020
#define MPRIO_SwCompression                   0x00000200
#define MPRIO_RequireEncryptedPw              0x00000400
#define MPRIO_RequireMsEncryptedPw            0x00000800
#define MPRIO_RequireDataEncryption           0x00001000
#define MPRIO_NetworkLogon                    0x00002000
#define MPRIO_UseLogonCredentials             0x00004000
#define MPRIO_PromoteAlternates               0x00008000
#define MPRIO_SecureLocalFiles                0x00010000
#define MPRIO_RequireEAP                      0x00020000
#define MPRIO_RequirePAP                      0x00040000
#define MPRIO_RequireSPAP                     0x00080000
#define MPRIO_SharedPhoneNumbers              0x00800000
#define MPRIO_RequireCHAP                     0x08000000
#define MPRIO_RequireMsCHAP                   0x10000000
#define MPRIO_RequireMsCHAP2                  0x20000000
#define MPRIO_IpSecPreSharedKey               0x80000000
#define MPRIO_RequireMachineCertificates      0x01000000
#define MPRIO_UsePreSharedKeyForIkev2Initiator 0x02000000
#define MPRIO_UsePreSharedKeyForIkev2Responder 0x04000000

/* dwfNetProtocols */
#define MPRNP_Ipx  0x00000002
#define MPRNP_Ip   0x00000004
#define MPRNP_Ipv6 0x00000008

/* szDeviceType */
#define MPRDT_Modem      TEXT("modem")
#define MPRDT_Isdn       TEXT("isdn")
#define MPRDT_X25        TEXT("x25")
#define MPRDT_Vpn        TEXT("vpn")
#define MPRDT_Pad        TEXT("pad")
#define MPRDT_Generic    TEXT("GENERIC")
#define MPRDT_Serial     TEXT("SERIAL")
#define MPRDT_FrameRelay TEXT("FRAMERELAY")
#define MPRDT_Atm        TEXT("ATM")
#define MPRDT_Sonet      TEXT("SONET")
#define MPRDT_SW56       TEXT("SW56")
#define MPRDT_Irda       TEXT("IRDA")
#define MPRDT_Parallel   TEXT("PARALLEL")

/* dwType */
#define MPRET_Phone  1
#define MPRET_Vpn    2
#define MPRET_Direct 3

/* dwDialMode */
#define MPRDM_DialFirst     0
#define MPRDM_DialAll       1
#define MPRDM_DialAsNeeded  2

/* dwIdleDisconnectSeconds */
#define MPRIDS_Disabled       0xFFFFFFFF
#define MPRIDS_UseGlobalValue 0

/* dwEncryptionType */
#define MPR_ET_None        0
#define MPR_ET_Require     1
#define MPR_ET_RequireMax  2
#define MPR_ET_Optional    3

/* dwVpnStrategy */
#define MPR_VS_Default      0
#define MPR_VS_PptpOnly     1
#define MPR_VS_PptpFirst    2
#define MPR_VS_L2tpOnly     3
#define MPR_VS_L2tpFirst    4
#define MPR_VS_Ikev2Only    7
#define MPR_VS_Ikev2First   8

/* MPRAPI_OBJECT_HEADER */
typedef enum _MPRAPI_OBJECT_TYPE {
    MPRAPI_OBJECT_TYPE_RAS_CONNECTION_OBJECT = 1,
    MPRAPI_OBJECT_TYPE_MPR_SERVER_OBJECT = 2,
    MPRAPI_OBJECT_TYPE_MPR_SERVER_SET_CONFIG_OBJECT = 3,
    MPRAPI_OBJECT_TYPE_AUTH_VALIDATION_OBJECT = 4,
    MPRAPI_OBJECT_TYPE_UPDATE_CONNECTION_OBJECT = 5,
    MPRAPI_OBJECT_TYPE_IF_CUSTOM_CONFIG_OBJECT = 6
} MPRAPI_OBJECT_TYPE;

#define MPRAPI_RAS_CONNECTION_OBJECT_REVISION_1        0x01
#define MPRAPI_MPR_SERVER_OBJECT_REVISION_1            0x01
#define MPRAPI_MPR_SERVER_OBJECT_REVISION_2            0x02
#define MPRAPI_MPR_SERVER_OBJECT_REVISION_3            0x03
#define MPRAPI_MPR_SERVER_OBJECT_REVISION_4            0x04
#define MPRAPI_MPR_SERVER_OBJECT_REVISION_5            0x05
#define MPRAPI_MPR_SERVER_SET_CONFIG_OBJECT_REVISION_1 0x01
#define MPRAPI_MPR_SERVER_SET_CONFIG_OBJECT_REVISION_2 0x02
#define MPRAPI_MPR_SERVER_SET_CONFIG_OBJECT_REVISION_3 0x03
#define MPRAPI_MPR_SERVER_SET_CONFIG_OBJECT_REVISION_4 0x04
#define MPRAPI_MPR_SERVER_SET_CONFIG_OBJECT_REVISION_5 0x05
#define MPRAPI_MPR_IF_CUSTOM_CONFIG_OBJECT_REVISION_1  0x01
#define MPRAPI_MPR_IF_CUSTOM_CONFIG_OBJECT_REVISION_2  0x02
#define MPRAPI_MPR_IF_CUSTOM_CONFIG_OBJECT_REVISION_3  0x03
#define MPRAPI_RAS_UPDATE_CONNECTION_OBJECT_REVISION_1 0x01

#define MPRAPI_SET_CONFIG_PROTOCOL_FOR_PPTP  0x00000001
#define MPRAPI_SET_CONFIG_PROTOCOL_FOR_L2TP  0x00000002
#define MPRAPI_SET_CONFIG_PROTOCOL_FOR_SSTP  0x00000004
#define MPRAPI_SET_CONFIG_PROTOCOL_FOR_IKEV2 0x00000008
#define MPRAPI_SET_CONFIG_PROTOCOL_FOR_GRE   0x00000010

#define MPRAPI_IKEV2_SET_TUNNEL_CONFIG_PARAMS 0x00000001
#define MPRAPI_L2TP_SET_TUNNEL_CONFIG_PARAMS  0x00000001
#define MPRAPI_IF_CUSTOM_CONFIG_FOR_IKEV2     0x00000001
#define MPRAPI_IKEV2_AUTH_USING_CERT          1
#define MPRAPI_IKEV2_AUTH_USING_EAP           2

#define MPRAPI_PPP_PROJECTION_INFO_TYPE   1
#define MPRAPI_IKEV2_PROJECTION_INFO_TYPE 2

/* Version of the admin DLL callbacks (MprAdminInitializeDllEx) */
#define MPRAPI_ADMIN_DLL_VERSION_1 1
#define MPRAPI_ADMIN_DLL_VERSION_2 2

/* PPP negotiation results (PPP_*_INFO of a connection) */
#define PPP_IPCP_VJ                0x00000001
#define PPP_CCP_COMPRESSION        0x00000001
#define PPP_CCP_ENCRYPTION40BITOLD 0x00000010
#define PPP_CCP_ENCRYPTION40BIT    0x00000020
#define PPP_CCP_ENCRYPTION128BIT   0x00000040
#define PPP_CCP_ENCRYPTION56BIT    0x00000080
#define PPP_CCP_HISTORYLESS        0x01000000

/* dwAuthenticationProtocol (the PPP protocol number) and dwAuthenticationData */
#define PPP_LCP_PAP       0xC023
#define PPP_LCP_SPAP      0xC027
#define PPP_LCP_CHAP      0xC223
#define PPP_LCP_EAP       0xC227
#define PPP_LCP_CHAP_MD5  0x05
#define PPP_LCP_CHAP_MS   0x80
#define PPP_LCP_CHAP_MSV2 0x81

/* dwOptions / dwRemoteOptions of PPP_LCP_INFO */
#define PPP_LCP_MULTILINK_FRAMING 0x00000001
#define PPP_LCP_PFC               0x00000002
#define PPP_LCP_ACFC              0x00000004
#define PPP_LCP_SSHF              0x00000008
#define PPP_LCP_DES_56            0x00000010
#define PPP_LCP_3_DES             0x00000020
#define PPP_LCP_AES_128           0x00000040
#define PPP_LCP_AES_256           0x00000080
#define PPP_LCP_AES_192           0x00000100
#define PPP_LCP_GCM_AES_128       0x00000200
#define PPP_LCP_GCM_AES_192       0x00000400
#define PPP_LCP_GCM_AES_256       0x00000800

/* Router protocol setup (MprSetupProtocolEnum): lengths in characters, without the terminator */
#define MAX_PROTOCOL_NAME_LEN 40
#define MAX_PROTOCOL_DLL_LEN  48

/* ------------------------------------------------------------------------------------------ */
/* Structures (natural alignment; sizes are the Windows x64 sizes)                            */
/* ------------------------------------------------------------------------------------------ */

typedef struct _MPR_INTERFACE_0 {                 /* 552 bytes */
    WCHAR wszInterfaceName[MAX_INTERFACE_NAME_LEN + 1];
    HANDLE hInterface;
    BOOL fEnabled;
    ROUTER_INTERFACE_TYPE dwIfType;
    ROUTER_CONNECTION_STATE dwConnectionState;
    DWORD fUnReachabilityReasons;
    DWORD dwLastError;
} MPR_INTERFACE_0, *PMPR_INTERFACE_0;

typedef struct _MPR_IPINIP_INTERFACE_0 {          /* 532 bytes */
    WCHAR wszFriendlyName[MAX_INTERFACE_NAME_LEN + 1];
    GUID Guid;
} MPR_IPINIP_INTERFACE_0, *PMPR_IPINIP_INTERFACE_0;

typedef struct _MPR_INTERFACE_1 {                 /* 560 bytes */
    WCHAR wszInterfaceName[MAX_INTERFACE_NAME_LEN + 1];
    HANDLE hInterface;
    BOOL fEnabled;
    ROUTER_INTERFACE_TYPE dwIfType;
    ROUTER_CONNECTION_STATE dwConnectionState;
    DWORD fUnReachabilityReasons;
    DWORD dwLastError;
    LPWSTR lpwsDialoutHoursRestriction;
} MPR_INTERFACE_1, *PMPR_INTERFACE_1;

typedef struct _MPR_INTERFACE_2 {                 /* 2496 bytes */
    WCHAR wszInterfaceName[MAX_INTERFACE_NAME_LEN + 1];
    HANDLE hInterface;
    BOOL fEnabled;
    ROUTER_INTERFACE_TYPE dwIfType;
    ROUTER_CONNECTION_STATE dwConnectionState;
    DWORD fUnReachabilityReasons;
    DWORD dwLastError;
    DWORD dwfOptions;
    WCHAR szLocalPhoneNumber[MPR_MaxPhoneNumber + 1];
    PWCHAR szAlternates;
    DWORD ipaddr;
    DWORD ipaddrDns;
    DWORD ipaddrDnsAlt;
    DWORD ipaddrWins;
    DWORD ipaddrWinsAlt;
    DWORD dwfNetProtocols;
    WCHAR szDeviceType[MPR_MaxDeviceType + 1];
    WCHAR szDeviceName[MPR_MaxDeviceName + 1];
    WCHAR szX25PadType[MPR_MaxPadType + 1];
    WCHAR szX25Address[MPR_MaxX25Address + 1];
    WCHAR szX25Facilities[MPR_MaxFacilities + 1];
    WCHAR szX25UserData[MPR_MaxUserData + 1];
    DWORD dwChannels;
    DWORD dwSubEntries;
    DWORD dwDialMode;
    DWORD dwDialExtraPercent;
    DWORD dwDialExtraSampleSeconds;
    DWORD dwHangUpExtraPercent;
    DWORD dwHangUpExtraSampleSeconds;
    DWORD dwIdleDisconnectSeconds;
    DWORD dwType;
    DWORD dwEncryptionType;
    DWORD dwCustomAuthKey;
    DWORD dwCustomAuthDataSize;
    LPBYTE lpbCustomAuthData;
    GUID guidId;
    DWORD dwVpnStrategy;
} MPR_INTERFACE_2, *PMPR_INTERFACE_2;

typedef struct _MPR_INTERFACE_3 {                 /* 2536 bytes */
    WCHAR wszInterfaceName[MAX_INTERFACE_NAME_LEN + 1];
    HANDLE hInterface;
    BOOL fEnabled;
    ROUTER_INTERFACE_TYPE dwIfType;
    ROUTER_CONNECTION_STATE dwConnectionState;
    DWORD fUnReachabilityReasons;
    DWORD dwLastError;
    DWORD dwfOptions;
    WCHAR szLocalPhoneNumber[MPR_MaxPhoneNumber + 1];
    PWCHAR szAlternates;
    DWORD ipaddr;
    DWORD ipaddrDns;
    DWORD ipaddrDnsAlt;
    DWORD ipaddrWins;
    DWORD ipaddrWinsAlt;
    DWORD dwfNetProtocols;
    WCHAR szDeviceType[MPR_MaxDeviceType + 1];
    WCHAR szDeviceName[MPR_MaxDeviceName + 1];
    WCHAR szX25PadType[MPR_MaxPadType + 1];
    WCHAR szX25Address[MPR_MaxX25Address + 1];
    WCHAR szX25Facilities[MPR_MaxFacilities + 1];
    WCHAR szX25UserData[MPR_MaxUserData + 1];
    DWORD dwChannels;
    DWORD dwSubEntries;
    DWORD dwDialMode;
    DWORD dwDialExtraPercent;
    DWORD dwDialExtraSampleSeconds;
    DWORD dwHangUpExtraPercent;
    DWORD dwHangUpExtraSampleSeconds;
    DWORD dwIdleDisconnectSeconds;
    DWORD dwType;
    DWORD dwEncryptionType;
    DWORD dwCustomAuthKey;
    DWORD dwCustomAuthDataSize;
    LPBYTE lpbCustomAuthData;
    GUID guidId;
    DWORD dwVpnStrategy;
    ULONG AddressCount;
    IN6_ADDR ipv6addrDns;
    IN6_ADDR ipv6addrDnsAlt;
    IN6_ADDR *ipv6addr;
} MPR_INTERFACE_3, *PMPR_INTERFACE_3;

typedef struct _MPR_DEVICE_0 {                    /* 292 bytes */
    WCHAR szDeviceType[MPR_MaxDeviceType + 1];
    WCHAR szDeviceName[MPR_MaxDeviceName + 1];
} MPR_DEVICE_0, *PMPR_DEVICE_0;

typedef struct _MPR_DEVICE_1 {                    /* 560 bytes */
    WCHAR szDeviceType[MPR_MaxDeviceType + 1];
    WCHAR szDeviceName[MPR_MaxDeviceName + 1];
    WCHAR szLocalPhoneNumber[MPR_MaxPhoneNumber + 1];
    PWCHAR szAlternates;
} MPR_DEVICE_1, *PMPR_DEVICE_1;

typedef struct _MPR_CREDENTIALSEX_0 {             /* 16 bytes */
    DWORD dwSize;
    LPBYTE lpbCredentialsInfo;
} MPR_CREDENTIALSEX_0, *PMPR_CREDENTIALSEX_0;

typedef struct _MPR_CREDENTIALSEX_1 {             /* 16 bytes */
    DWORD dwSize;
    LPBYTE lpbCredentialsInfo;
} MPR_CREDENTIALSEX_1, *PMPR_CREDENTIALSEX_1;

typedef struct _MPR_TRANSPORT_0 {                 /* 104 bytes */
    DWORD dwTransportId;
    HANDLE hTransport;
    WCHAR wszTransportName[MAX_TRANSPORT_NAME_LEN + 1];
} MPR_TRANSPORT_0, *PMPR_TRANSPORT_0;

typedef struct _MPR_IFTRANSPORT_0 {               /* 104 bytes */
    DWORD dwTransportId;
    HANDLE hIfTransport;
    WCHAR wszIfTransportName[MAX_TRANSPORT_NAME_LEN + 1];
} MPR_IFTRANSPORT_0, *PMPR_IFTRANSPORT_0;

typedef struct _MPR_PROTOCOL_0 {                  /* 184 bytes */
    DWORD dwProtocolId;
    WCHAR wszProtocol[MAX_PROTOCOL_NAME_LEN + 1];
    WCHAR wszDLLName[MAX_PROTOCOL_DLL_LEN + 1];
} MPR_PROTOCOL_0, *PMPR_PROTOCOL_0;

typedef struct _MPR_FILTER_0 {                    /* 4 bytes */
    BOOL fEnable;
} MPR_FILTER_0, *PMPR_FILTER_0;

typedef struct _MPR_SERVER_0 {                    /* 16 bytes */
    BOOL fLanOnlyMode;
    DWORD dwUpTime;
    DWORD dwTotalPorts;
    DWORD dwPortsInUse;
} MPR_SERVER_0, *PMPR_SERVER_0;

typedef struct _MPR_SERVER_1 {                    /* 16 bytes */
    DWORD dwNumPptpPorts;
    DWORD dwPptpPortFlags;
    DWORD dwNumL2tpPorts;
    DWORD dwL2tpPortFlags;
} MPR_SERVER_1, *PMPR_SERVER_1;

typedef struct _MPR_SERVER_2 {                    /* 24 bytes */
    DWORD dwNumPptpPorts;
    DWORD dwPptpPortFlags;
    DWORD dwNumL2tpPorts;
    DWORD dwL2tpPortFlags;
    DWORD dwNumSstpPorts;
    DWORD dwSstpPortFlags;
} MPR_SERVER_2, *PMPR_SERVER_2;

typedef HANDLE MPR_SERVER_HANDLE;

typedef struct _MPRAPI_OBJECT_HEADER {            /* 4 bytes */
    UCHAR revision;
    UCHAR type;
    USHORT size;
} MPRAPI_OBJECT_HEADER, *PMPRAPI_OBJECT_HEADER;

typedef struct _PPTP_CONFIG_PARAMS {              /* 8 bytes */
    DWORD dwNumPorts;
    DWORD dwPortFlags;
} PPTP_CONFIG_PARAMS, *PPPTP_CONFIG_PARAMS;

typedef struct _L2TP_CONFIG_PARAMS0 {             /* 8 bytes */
    DWORD dwNumPorts;
    DWORD dwPortFlags;
} L2TP_CONFIG_PARAMS0, *PL2TP_CONFIG_PARAMS0;

typedef struct _GRE_CONFIG_PARAMS0 {              /* 8 bytes */
    DWORD dwNumPorts;
    DWORD dwPortFlags;
} GRE_CONFIG_PARAMS0, *PGRE_CONFIG_PARAMS0;

typedef struct _ROUTER_CUSTOM_IKEv2_POLICY0 {     /* 24 bytes */
    DWORD dwIntegrityMethod;
    DWORD dwEncryptionMethod;
    DWORD dwCipherTransformConstant;
    DWORD dwAuthTransformConstant;
    DWORD dwPfsGroup;
    DWORD dwDhGroup;
} ROUTER_CUSTOM_IKEv2_POLICY0, *PROUTER_CUSTOM_IKEv2_POLICY0,
  ROUTER_CUSTOM_L2TP_POLICY0, *PROUTER_CUSTOM_L2TP_POLICY0;

typedef struct _L2TP_TUNNEL_CONFIG_PARAMS1 {      /* 24 bytes */
    DWORD dwIdleTimeout;
    DWORD dwEncryptionType;
    DWORD dwSaLifeTime;
    DWORD dwSaDataSizeForRenegotiation;
    PROUTER_CUSTOM_IKEv2_POLICY0 customPolicy;
} L2TP_TUNNEL_CONFIG_PARAMS1, *PL2TP_TUNNEL_CONFIG_PARAMS1;

typedef struct _L2TP_TUNNEL_CONFIG_PARAMS2 {      /* 32 bytes */
    DWORD dwIdleTimeout;
    DWORD dwEncryptionType;
    DWORD dwSaLifeTime;
    DWORD dwSaDataSizeForRenegotiation;
    PROUTER_CUSTOM_IKEv2_POLICY0 customPolicy;
    DWORD dwMmSaLifeTime;
} L2TP_TUNNEL_CONFIG_PARAMS2, *PL2TP_TUNNEL_CONFIG_PARAMS2;

typedef struct _L2TP_CONFIG_PARAMS1 {             /* 48 bytes */
    DWORD dwNumPorts;
    DWORD dwPortFlags;
    DWORD dwTunnelConfigParamFlags;
    L2TP_TUNNEL_CONFIG_PARAMS2 TunnelConfigParams;
} L2TP_CONFIG_PARAMS1, *PL2TP_CONFIG_PARAMS1;

typedef struct _MPR_CERT_EKU {                    /* 16 bytes */
    DWORD dwSize;
    BOOL IsEKUOID;
    WCHAR *pwszEKU;
} MPR_CERT_EKU, *PMPR_CERT_EKU;

typedef struct _IKEV2_TUNNEL_CONFIG_PARAMS2 {     /* 64 bytes */
    DWORD dwIdleTimeout;
    DWORD dwNetworkBlackoutTime;
    DWORD dwSaLifeTime;
    DWORD dwSaDataSizeForRenegotiation;
    DWORD dwConfigOptions;
    DWORD dwTotalCertificates;
    CERT_NAME_BLOB *certificateNames;
    CERT_NAME_BLOB machineCertificateName;
    DWORD dwEncryptionType;
    PROUTER_CUSTOM_IKEv2_POLICY0 customPolicy;
} IKEV2_TUNNEL_CONFIG_PARAMS2, *PIKEV2_TUNNEL_CONFIG_PARAMS2;

typedef struct _IKEV2_TUNNEL_CONFIG_PARAMS3 {     /* 96 bytes */
    DWORD dwIdleTimeout;
    DWORD dwNetworkBlackoutTime;
    DWORD dwSaLifeTime;
    DWORD dwSaDataSizeForRenegotiation;
    DWORD dwConfigOptions;
    DWORD dwTotalCertificates;
    CERT_NAME_BLOB *certificateNames;
    CERT_NAME_BLOB machineCertificateName;
    DWORD dwEncryptionType;
    PROUTER_CUSTOM_IKEv2_POLICY0 customPolicy;
    DWORD dwTotalEkus;
    PMPR_CERT_EKU certificateEKUs;
    CRYPT_HASH_BLOB machineCertificateHash;
} IKEV2_TUNNEL_CONFIG_PARAMS3, *PIKEV2_TUNNEL_CONFIG_PARAMS3;

typedef struct _IKEV2_TUNNEL_CONFIG_PARAMS4 {     /* 104 bytes */
    DWORD dwIdleTimeout;
    DWORD dwNetworkBlackoutTime;
    DWORD dwSaLifeTime;
    DWORD dwSaDataSizeForRenegotiation;
    DWORD dwConfigOptions;
    DWORD dwTotalCertificates;
    CERT_NAME_BLOB *certificateNames;
    CERT_NAME_BLOB machineCertificateName;
    DWORD dwEncryptionType;
    PROUTER_CUSTOM_IKEv2_POLICY0 customPolicy;
    DWORD dwTotalEkus;
    PMPR_CERT_EKU certificateEKUs;
    CRYPT_HASH_BLOB machineCertificateHash;
    DWORD dwMmSaLifeTime;
} IKEV2_TUNNEL_CONFIG_PARAMS4, *PIKEV2_TUNNEL_CONFIG_PARAMS4;

typedef IKEV2_TUNNEL_CONFIG_PARAMS4 IKEV2_TUNNEL_CONFIG_PARAMS, *PIKEV2_TUNNEL_CONFIG_PARAMS;
typedef L2TP_TUNNEL_CONFIG_PARAMS2 L2TP_TUNNEL_CONFIG_PARAMS, *PL2TP_TUNNEL_CONFIG_PARAMS;
typedef L2TP_CONFIG_PARAMS1 L2TP_CONFIG_PARAMS, *PL2TP_CONFIG_PARAMS;

typedef struct _IKEV2_CONFIG_PARAMS {             /* 120 bytes */
    DWORD dwNumPorts;
    DWORD dwPortFlags;
    DWORD dwTunnelConfigParamFlags;
    IKEV2_TUNNEL_CONFIG_PARAMS TunnelConfigParams;
} IKEV2_CONFIG_PARAMS, *PIKEV2_CONFIG_PARAMS;

typedef struct _SSTP_CERT_INFO {                  /* 24 bytes */
    BOOL isDefault;
    CRYPT_HASH_BLOB certBlob;
} SSTP_CERT_INFO, *PSSTP_CERT_INFO;

typedef struct _SSTP_CONFIG_PARAMS {              /* 40 bytes */
    DWORD dwNumPorts;
    DWORD dwPortFlags;
    BOOL isUseHttps;
    DWORD certAlgorithm;
    SSTP_CERT_INFO sstpCertDetails;
} SSTP_CONFIG_PARAMS, *PSSTP_CONFIG_PARAMS;

typedef struct _MPRAPI_TUNNEL_CONFIG_PARAMS0 {    /* 216 bytes */
    IKEV2_CONFIG_PARAMS IkeConfigParams;
    PPTP_CONFIG_PARAMS PptpConfigParams;
    L2TP_CONFIG_PARAMS L2tpConfigParams;
    SSTP_CONFIG_PARAMS SstpConfigParams;
} MPRAPI_TUNNEL_CONFIG_PARAMS0, *PMPRAPI_TUNNEL_CONFIG_PARAMS0;

typedef struct _MPRAPI_TUNNEL_CONFIG_PARAMS1 {    /* 224 bytes */
    IKEV2_CONFIG_PARAMS IkeConfigParams;
    PPTP_CONFIG_PARAMS PptpConfigParams;
    L2TP_CONFIG_PARAMS L2tpConfigParams;
    SSTP_CONFIG_PARAMS SstpConfigParams;
    GRE_CONFIG_PARAMS0 GREConfigParams;
} MPRAPI_TUNNEL_CONFIG_PARAMS1, *PMPRAPI_TUNNEL_CONFIG_PARAMS1;

typedef MPRAPI_TUNNEL_CONFIG_PARAMS1 MPRAPI_TUNNEL_CONFIG_PARAMS, *PMPRAPI_TUNNEL_CONFIG_PARAMS;

typedef struct _MPR_SERVER_EX0 {                  /* 240 bytes */
    MPRAPI_OBJECT_HEADER Header;
    DWORD fLanOnlyMode;
    DWORD dwUpTime;
    DWORD dwTotalPorts;
    DWORD dwPortsInUse;
    DWORD Reserved;
    MPRAPI_TUNNEL_CONFIG_PARAMS0 ConfigParams;
} MPR_SERVER_EX0, *PMPR_SERVER_EX0;

typedef struct _MPR_SERVER_EX1 {                  /* 248 bytes */
    MPRAPI_OBJECT_HEADER Header;
    DWORD fLanOnlyMode;
    DWORD dwUpTime;
    DWORD dwTotalPorts;
    DWORD dwPortsInUse;
    DWORD Reserved;
    MPRAPI_TUNNEL_CONFIG_PARAMS1 ConfigParams;
} MPR_SERVER_EX1, *PMPR_SERVER_EX1;

typedef MPR_SERVER_EX1 MPR_SERVER_EX, *PMPR_SERVER_EX;

typedef struct _MPR_SERVER_SET_CONFIG_EX0 {       /* 224 bytes */
    MPRAPI_OBJECT_HEADER Header;
    DWORD setConfigForProtocols;
    MPRAPI_TUNNEL_CONFIG_PARAMS0 ConfigParams;
} MPR_SERVER_SET_CONFIG_EX0, *PMPR_SERVER_SET_CONFIG_EX0;

typedef struct _MPR_SERVER_SET_CONFIG_EX1 {       /* 232 bytes */
    MPRAPI_OBJECT_HEADER Header;
    DWORD setConfigForProtocols;
    MPRAPI_TUNNEL_CONFIG_PARAMS1 ConfigParams;
} MPR_SERVER_SET_CONFIG_EX1, *PMPR_SERVER_SET_CONFIG_EX1;

typedef MPR_SERVER_SET_CONFIG_EX1 MPR_SERVER_SET_CONFIG_EX, *PMPR_SERVER_SET_CONFIG_EX;

typedef enum _MPR_VPN_TS_TYPE {
    MPR_VPN_TS_IPv4_ADDR_RANGE = 7,
    MPR_VPN_TS_IPv6_ADDR_RANGE = 8
} MPR_VPN_TS_TYPE;

typedef struct _VPN_TS_IP_ADDRESS {               /* 20 bytes */
    USHORT Type;
    union {
        IN_ADDR v4;
        IN6_ADDR v6;
    };
} VPN_TS_IP_ADDRESS, *PVPN_TS_IP_ADDRESS;

typedef struct _MPR_VPN_TRAFFIC_SELECTOR {        /* 52 bytes */
    MPR_VPN_TS_TYPE type;
    UCHAR protocolId;
    USHORT portStart;
    USHORT portEnd;
    USHORT tsPayloadId;
    VPN_TS_IP_ADDRESS addrStart;
    VPN_TS_IP_ADDRESS addrEnd;
} MPR_VPN_TRAFFIC_SELECTOR, *PMPR_VPN_TRAFFIC_SELECTOR;

typedef struct _MPR_VPN_TRAFFIC_SELECTORS {       /* 24 bytes */
    DWORD numTsi;
    DWORD numTsr;
    PMPR_VPN_TRAFFIC_SELECTOR tsI;
    PMPR_VPN_TRAFFIC_SELECTOR tsR;
} MPR_VPN_TRAFFIC_SELECTORS, *PMPR_VPN_TRAFFIC_SELECTORS;

typedef struct _ROUTER_IKEv2_IF_CUSTOM_CONFIG0 {  /* 32 bytes */
    DWORD dwSaLifeTime;
    DWORD dwSaDataSize;
    CERT_NAME_BLOB certificateName;
    PROUTER_CUSTOM_IKEv2_POLICY0 customPolicy;
} ROUTER_IKEv2_IF_CUSTOM_CONFIG0, *PROUTER_IKEv2_IF_CUSTOM_CONFIG0;

typedef struct _ROUTER_IKEv2_IF_CUSTOM_CONFIG1 {  /* 48 bytes */
    DWORD dwSaLifeTime;
    DWORD dwSaDataSize;
    CERT_NAME_BLOB certificateName;
    PROUTER_CUSTOM_IKEv2_POLICY0 customPolicy;
    CRYPT_HASH_BLOB certificateHash;
} ROUTER_IKEv2_IF_CUSTOM_CONFIG1, *PROUTER_IKEv2_IF_CUSTOM_CONFIG1;

typedef struct _ROUTER_IKEv2_IF_CUSTOM_CONFIG2 {  /* 80 bytes */
    DWORD dwSaLifeTime;
    DWORD dwSaDataSize;
    CERT_NAME_BLOB certificateName;
    PROUTER_CUSTOM_IKEv2_POLICY0 customPolicy;
    CRYPT_HASH_BLOB certificateHash;
    DWORD dwMmSaLifeTime;
    MPR_VPN_TRAFFIC_SELECTORS vpnTrafficSelectors;
} ROUTER_IKEv2_IF_CUSTOM_CONFIG2, *PROUTER_IKEv2_IF_CUSTOM_CONFIG2;

typedef ROUTER_IKEv2_IF_CUSTOM_CONFIG2 ROUTER_IKEv2_IF_CUSTOM_CONFIG,
    *PROUTER_IKEv2_IF_CUSTOM_CONFIG;

typedef struct _MPR_IF_CUSTOMINFOEX0 {            /* 40 bytes */
    MPRAPI_OBJECT_HEADER Header;
    DWORD dwFlags;
    ROUTER_IKEv2_IF_CUSTOM_CONFIG0 customIkev2Config;
} MPR_IF_CUSTOMINFOEX0, *PMPR_IF_CUSTOMINFOEX0;

typedef struct _MPR_IF_CUSTOMINFOEX1 {            /* 56 bytes */
    MPRAPI_OBJECT_HEADER Header;
    DWORD dwFlags;
    ROUTER_IKEv2_IF_CUSTOM_CONFIG1 customIkev2Config;
} MPR_IF_CUSTOMINFOEX1, *PMPR_IF_CUSTOMINFOEX1;

typedef struct _MPR_IF_CUSTOMINFOEX2 {            /* 88 bytes */
    MPRAPI_OBJECT_HEADER Header;
    DWORD dwFlags;
    ROUTER_IKEv2_IF_CUSTOM_CONFIG2 customIkev2Config;
} MPR_IF_CUSTOMINFOEX2, *PMPR_IF_CUSTOMINFOEX2;

typedef MPR_IF_CUSTOMINFOEX2 MPR_IF_CUSTOMINFOEX, *PMPR_IF_CUSTOMINFOEX;

/* ------------------------------------------------------------------------------------------ */
/* Router Configuration Functions                                                             */
/* ------------------------------------------------------------------------------------------ */

/* Server */
DWORD APIENTRY MprConfigServerConnect(IN LPWSTR lpwsServerName, OUT HANDLE *phMprConfig);
VOID APIENTRY MprConfigServerDisconnect(IN HANDLE hMprConfig);
DWORD APIENTRY MprConfigServerRefresh(IN HANDLE hMprConfig);
DWORD APIENTRY MprConfigServerInstall(IN DWORD dwLevel, IN PVOID pBuffer);
DWORD APIENTRY MprConfigServerGetInfo(IN HANDLE hMprConfig, IN DWORD dwLevel,
                                      OUT LPBYTE *lplpbBuffer);
DWORD APIENTRY MprConfigServerSetInfo(IN MPR_SERVER_HANDLE hMprServer, IN DWORD dwLevel,
                                      IN LPBYTE lpbBuffer);
DWORD APIENTRY MprConfigServerGetInfoEx(IN HANDLE hMprConfig, OUT MPR_SERVER_EX *pServerInfo);
DWORD APIENTRY MprConfigServerSetInfoEx(IN HANDLE hMprConfig,
                                        IN MPR_SERVER_SET_CONFIG_EX *pSetServerConfig);
DWORD APIENTRY MprConfigServerBackup(IN HANDLE hMprConfig, IN LPWSTR lpwsPath);
DWORD APIENTRY MprConfigServerRestore(IN HANDLE hMprConfig, IN LPWSTR lpwsPath);

/* Interfaces */
DWORD APIENTRY MprConfigInterfaceCreate(IN HANDLE hMprConfig, IN DWORD dwLevel,
                                        IN LPBYTE lpbBuffer, OUT HANDLE *phRouterInterface);
DWORD APIENTRY MprConfigInterfaceDelete(IN HANDLE hMprConfig, IN HANDLE hRouterInterface);
DWORD APIENTRY MprConfigInterfaceGetHandle(IN HANDLE hMprConfig, IN LPWSTR lpwsInterfaceName,
                                           OUT HANDLE *phRouterInterface);
DWORD APIENTRY MprConfigInterfaceGetInfo(IN HANDLE hMprConfig, IN HANDLE hRouterInterface,
                                         IN DWORD dwLevel, IN OUT LPBYTE *lplpBuffer,
                                         OUT LPDWORD lpdwBufferSize);
DWORD APIENTRY MprConfigInterfaceSetInfo(IN HANDLE hMprConfig, IN HANDLE hRouterInterface,
                                         IN DWORD dwLevel, IN LPBYTE lpbBuffer);
DWORD APIENTRY MprConfigInterfaceEnum(IN HANDLE hMprConfig, IN DWORD dwLevel,
                                      IN OUT LPBYTE *lplpBuffer, IN DWORD dwPrefMaxLen,
                                      OUT LPDWORD lpdwEntriesRead, OUT LPDWORD lpdwTotalEntries,
                                      IN OUT LPDWORD lpdwResumeHandle OPTIONAL);
DWORD APIENTRY MprConfigInterfaceGetCustomInfoEx(IN HANDLE hMprConfig,
                                                 IN HANDLE hRouterInterface,
                                                 OUT PMPR_IF_CUSTOMINFOEX pCustomInfo);
DWORD APIENTRY MprConfigInterfaceSetCustomInfoEx(IN HANDLE hMprConfig,
                                                 IN HANDLE hRouterInterface,
                                                 IN PMPR_IF_CUSTOMINFOEX pCustomInfo);

/* Interface-transports */
DWORD APIENTRY MprConfigInterfaceTransportAdd(IN HANDLE hMprConfig, IN HANDLE hRouterInterface,
                                              IN DWORD dwTransportId,
                                              IN LPWSTR lpwsTransportName OPTIONAL,
                                              IN LPBYTE pInterfaceInfo,
                                              IN DWORD dwInterfaceInfoSize,
                                              OUT HANDLE *phRouterIfTransport);
DWORD APIENTRY MprConfigInterfaceTransportRemove(IN HANDLE hMprConfig,
                                                 IN HANDLE hRouterInterface,
                                                 IN HANDLE hRouterIfTransport);
DWORD APIENTRY MprConfigInterfaceTransportGetHandle(IN HANDLE hMprConfig,
                                                    IN HANDLE hRouterInterface,
                                                    IN DWORD dwTransportId,
                                                    OUT HANDLE *phRouterIfTransport);
DWORD APIENTRY MprConfigInterfaceTransportGetInfo(IN HANDLE hMprConfig,
                                                  IN HANDLE hRouterInterface,
                                                  IN HANDLE hRouterIfTransport,
                                                  IN OUT LPBYTE *ppInterfaceInfo OPTIONAL,
                                                  OUT LPDWORD lpdwInterfaceInfoSize OPTIONAL);
DWORD APIENTRY MprConfigInterfaceTransportSetInfo(IN HANDLE hMprConfig,
                                                  IN HANDLE hRouterInterface,
                                                  IN HANDLE hRouterIfTransport,
                                                  IN LPBYTE pInterfaceInfo OPTIONAL,
                                                  IN DWORD dwInterfaceInfoSize OPTIONAL);
DWORD APIENTRY MprConfigInterfaceTransportEnum(IN HANDLE hMprConfig, IN HANDLE hRouterInterface,
                                               IN DWORD dwLevel, IN OUT LPBYTE *lplpBuffer,
                                               IN DWORD dwPrefMaxLen,
                                               OUT LPDWORD lpdwEntriesRead,
                                               OUT LPDWORD lpdwTotalEntries,
                                               IN OUT LPDWORD lpdwResumeHandle OPTIONAL);

/* Transports */
DWORD APIENTRY MprConfigTransportCreate(IN HANDLE hMprConfig, IN DWORD dwTransportId,
                                        IN LPWSTR lpwsTransportName OPTIONAL,
                                        IN LPBYTE pGlobalInfo, IN DWORD dwGlobalInfoSize,
                                        IN LPBYTE pClientInterfaceInfo OPTIONAL,
                                        IN DWORD dwClientInterfaceInfoSize OPTIONAL,
                                        IN LPWSTR lpwsDLLPath OPTIONAL,
                                        OUT HANDLE *phRouterTransport);
DWORD APIENTRY MprConfigTransportDelete(IN HANDLE hMprConfig, IN HANDLE hRouterTransport);
DWORD APIENTRY MprConfigTransportGetHandle(IN HANDLE hMprConfig, IN DWORD dwTransportId,
                                           OUT HANDLE *phRouterTransport);
DWORD APIENTRY MprConfigTransportGetInfo(IN HANDLE hMprConfig, IN HANDLE hRouterTransport,
                                         IN OUT LPBYTE *ppGlobalInfo OPTIONAL,
                                         OUT LPDWORD lpdwGlobalInfoSize OPTIONAL,
                                         IN OUT LPBYTE *ppClientInterfaceInfo OPTIONAL,
                                         OUT LPDWORD lpdwClientInterfaceInfoSize OPTIONAL,
                                         IN OUT LPWSTR *lplpwsDLLPath OPTIONAL);
DWORD APIENTRY MprConfigTransportSetInfo(IN HANDLE hMprConfig, IN HANDLE hRouterTransport,
                                         IN LPBYTE pGlobalInfo OPTIONAL,
                                         IN DWORD dwGlobalInfoSize OPTIONAL,
                                         IN LPBYTE pClientInterfaceInfo OPTIONAL,
                                         IN DWORD dwClientInterfaceInfoSize OPTIONAL,
                                         IN LPWSTR lpwsDLLPath OPTIONAL);
DWORD APIENTRY MprConfigTransportEnum(IN HANDLE hMprConfig, IN DWORD dwLevel,
                                      IN OUT LPBYTE *lplpBuffer, IN DWORD dwPrefMaxLen,
                                      OUT LPDWORD lpdwEntriesRead, OUT LPDWORD lpdwTotalEntries,
                                      IN OUT LPDWORD lpdwResumeHandle OPTIONAL);

/* Filters */
DWORD APIENTRY MprConfigFilterGetInfo(IN HANDLE hMprConfig, IN DWORD dwLevel,
                                      IN DWORD dwTransportId, OUT LPBYTE lpBuffer);
DWORD APIENTRY MprConfigFilterSetInfo(IN HANDLE hMprConfig, IN DWORD dwLevel,
                                      IN DWORD dwTransportId, IN LPBYTE lpBuffer);

/* Names */
DWORD APIENTRY MprConfigGetFriendlyName(IN HANDLE hMprConfig, IN PWCHAR pszGuidName,
                                        OUT PWCHAR pszBuffer, IN DWORD dwBufferSize);
DWORD APIENTRY MprConfigGetGuidName(IN HANDLE hMprConfig, IN PWCHAR pszFriendlyName,
                                    OUT PWCHAR pszBuffer, IN DWORD dwBufferSize);

/* Buffers */
DWORD APIENTRY MprConfigBufferFree(IN LPVOID pBuffer);
/* Same allocator as MprConfigBufferFree; named by the MprConfigServerGetInfoEx page. */
DWORD APIENTRY MprAdminBufferFree(IN LPVOID pBuffer);

/* ------------------------------------------------------------------------------------------ */
/* Information Header Functions                                                               */
/* ------------------------------------------------------------------------------------------ */

DWORD APIENTRY MprInfoCreate(IN DWORD dwVersion, OUT LPVOID *lplpNewHeader);
DWORD APIENTRY MprInfoDelete(IN LPVOID lpHeader);
DWORD APIENTRY MprInfoRemoveAll(IN LPVOID lpHeader, OUT LPVOID *lplpNewHeader);
DWORD APIENTRY MprInfoDuplicate(IN LPVOID lpHeader, OUT LPVOID *lplpNewHeader);
DWORD APIENTRY MprInfoBlockAdd(IN LPVOID lpHeader, IN DWORD dwInfoType, IN DWORD dwItemSize,
                               IN DWORD dwItemCount, IN LPBYTE lpItemData,
                               OUT LPVOID *lplpNewHeader);
DWORD APIENTRY MprInfoBlockRemove(IN LPVOID lpHeader, IN DWORD dwInfoType,
                                  OUT LPVOID *lplpNewHeader);
DWORD APIENTRY MprInfoBlockSet(IN LPVOID lpHeader, IN DWORD dwInfoType, IN DWORD dwItemSize,
                               IN DWORD dwItemCount, IN LPBYTE lpItemData,
                               OUT LPVOID *lplpNewHeader);
DWORD APIENTRY MprInfoBlockFind(IN LPVOID lpHeader, IN DWORD dwInfoType,
                                OUT LPDWORD lpdwItemSize OPTIONAL,
                                OUT LPDWORD lpdwItemCount OPTIONAL,
                                OUT LPBYTE *lplpItemData OPTIONAL);
DWORD APIENTRY MprInfoBlockQuerySize(IN LPVOID lpHeader);

#define MprInfoBlockExists(h, t) \
    (MprInfoBlockFind((h), (t), NULL, NULL, NULL) == NO_ERROR)

/* ========================================================================================== */
/* Router Administration Functions (MprAdmin*): the running router, through the router       */
/* manager mprrouted (docs/c-api.md "MprAdmin", docs/router.md). Section owned by issue 13.  */
/* ========================================================================================== */

#ifndef RPC_S_UNKNOWN_IF
#define RPC_S_UNKNOWN_IF                 1717L  /* no router manager runs */
#endif
#ifndef ERROR_MR_MID_NOT_FOUND
#define ERROR_MR_MID_NOT_FOUND           317L
#endif
#ifndef MPR_INTERFACE_OUT_OF_RESOURCES
#define MPR_INTERFACE_OUT_OF_RESOURCES           0x00000001
#define MPR_INTERFACE_ADMIN_DISABLED             0x00000002
#define MPR_INTERFACE_CONNECTION_FAILURE         0x00000004
#define MPR_INTERFACE_SERVICE_PAUSED             0x00000008
#define MPR_INTERFACE_DIALOUT_HOURS_RESTRICTION  0x00000010
#define MPR_INTERFACE_NO_MEDIA_SENSE             0x00000020
#define MPR_INTERFACE_NO_DEVICE                  0x00000040
#endif

typedef HANDLE RAS_SERVER_HANDLE;

BOOL APIENTRY MprAdminIsServiceRunning(IN LPWSTR lpwsServerName);
DWORD APIENTRY MprAdminServerConnect(IN LPWSTR lpwsServerName,
                                     OUT MPR_SERVER_HANDLE *phMprServer);
VOID APIENTRY MprAdminServerDisconnect(IN MPR_SERVER_HANDLE hMprServer);
DWORD APIENTRY MprAdminServerGetInfo(IN MPR_SERVER_HANDLE hMprServer, IN DWORD dwLevel,
                                     OUT LPBYTE *lplpbBuffer);
DWORD APIENTRY MprAdminInterfaceEnum(IN MPR_SERVER_HANDLE hMprServer, IN DWORD dwLevel,
                                     OUT LPBYTE *lplpbBuffer, IN DWORD dwPrefMaxLen,
                                     OUT LPDWORD lpdwEntriesRead, OUT LPDWORD lpdwTotalEntries,
                                     IN OUT LPDWORD lpdwResumeHandle OPTIONAL);
DWORD APIENTRY MprAdminInterfaceGetHandle(IN MPR_SERVER_HANDLE hMprServer,
                                          IN LPWSTR lpwsInterfaceName, OUT HANDLE *phInterface,
                                          IN BOOL fIncludeClientInterfaces);
DWORD APIENTRY MprAdminInterfaceGetInfo(IN MPR_SERVER_HANDLE hMprServer, IN HANDLE hInterface,
                                        IN DWORD dwLevel, OUT LPBYTE *lplpbBuffer);
DWORD APIENTRY MprAdminInterfaceSetInfo(IN MPR_SERVER_HANDLE hMprServer, IN HANDLE hInterface,
                                        IN DWORD dwLevel, IN LPBYTE lpbBuffer);
DWORD APIENTRY MprAdminInterfaceCreate(IN MPR_SERVER_HANDLE hMprServer, IN DWORD dwLevel,
                                       IN LPBYTE lpbBuffer, OUT HANDLE *phInterface);
DWORD APIENTRY MprAdminInterfaceDelete(IN MPR_SERVER_HANDLE hMprServer, IN HANDLE hInterface);
DWORD APIENTRY MprAdminInterfaceConnect(IN MPR_SERVER_HANDLE hMprServer, IN HANDLE hInterface,
                                        IN HANDLE hEvent, IN BOOL fSynchronous);
DWORD APIENTRY MprAdminInterfaceDisconnect(IN MPR_SERVER_HANDLE hMprServer,
                                           IN HANDLE hInterface);
DWORD APIENTRY MprAdminInterfaceTransportAdd(IN MPR_SERVER_HANDLE hMprServer,
                                             IN HANDLE hInterface, IN DWORD dwTransportId,
                                             IN LPBYTE pInterfaceInfo,
                                             IN DWORD dwInterfaceInfoSize);
DWORD APIENTRY MprAdminInterfaceTransportRemove(IN MPR_SERVER_HANDLE hMprServer,
                                                IN HANDLE hInterface, IN DWORD dwTransportId);
DWORD APIENTRY MprAdminInterfaceTransportGetInfo(IN MPR_SERVER_HANDLE hMprServer,
                                                 IN HANDLE hInterface, IN DWORD dwTransportId,
                                                 OUT LPBYTE *ppInterfaceInfo,
                                                 OUT LPDWORD lpdwInterfaceInfoSize);
DWORD APIENTRY MprAdminInterfaceTransportSetInfo(IN MPR_SERVER_HANDLE hMprServer,
                                                 IN HANDLE hInterface, IN DWORD dwTransportId,
                                                 IN LPBYTE pInterfaceInfo,
                                                 IN DWORD dwInterfaceInfoSize);
DWORD APIENTRY MprAdminTransportGetInfo(IN MPR_SERVER_HANDLE hMprServer, IN DWORD dwTransportId,
                                        OUT LPBYTE *ppGlobalInfo,
                                        OUT LPDWORD lpdwGlobalInfoSize,
                                        OUT LPBYTE *ppClientInterfaceInfo,
                                        OUT LPDWORD lpdwClientInterfaceInfoSize);
DWORD APIENTRY MprAdminTransportSetInfo(IN MPR_SERVER_HANDLE hMprServer, IN DWORD dwTransportId,
                                        IN LPBYTE pGlobalInfo, IN DWORD dwGlobalInfoSize,
                                        IN LPBYTE pClientInterfaceInfo,
                                        IN DWORD dwClientInterfaceInfoSize);
DWORD APIENTRY MprAdminGetErrorString(IN DWORD dwError, OUT LPWSTR *lplpwsErrorString);
DWORD APIENTRY MprAdminConnectionEnum(IN RAS_SERVER_HANDLE hRasServer, IN DWORD dwLevel,
                                      OUT LPBYTE *lplpbBuffer, IN DWORD dwPrefMaxLen,
                                      OUT LPDWORD lpdwEntriesRead, OUT LPDWORD lpdwTotalEntries,
                                      IN LPDWORD lpdwResumeHandle OPTIONAL);
DWORD APIENTRY MprAdminPortEnum(IN RAS_SERVER_HANDLE hRasServer, IN DWORD dwLevel,
                                IN HANDLE hRasConnection, OUT LPBYTE *lplpbBuffer,
                                IN DWORD dwPrefMaxLen, OUT LPDWORD lpdwEntriesRead,
                                OUT LPDWORD lpdwTotalEntries,
                                IN LPDWORD lpdwResumeHandle OPTIONAL);
DWORD APIENTRY MprAdminConnectionGetInfo(IN RAS_SERVER_HANDLE hRasServer, IN DWORD dwLevel,
                                         IN HANDLE hRasConnection, OUT LPBYTE *lplpbBuffer);
DWORD APIENTRY MprAdminPortGetInfo(IN RAS_SERVER_HANDLE hRasServer, IN DWORD dwLevel,
                                   IN HANDLE hPort, OUT LPBYTE *lplpbBuffer);

/* ========================================================================================== */
/* End of the MprAdmin* section                                                               */
/* ========================================================================================== */

#ifdef __cplusplus
}
#endif

#endif /* _MPRAPI_H_ */
