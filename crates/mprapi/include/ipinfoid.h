/*
 * ipinfoid.h - InfoType ids of the IPv4/IPv6 router manager's information blocks
 * (libmprapi, mprconfig for Linux). The MprInfo* functions treat types as opaque numbers;
 * these are the ids found in Windows configurations.
 *
 * After the ids: the item structures of those blocks, as [MS-RRASM] 2.2.1.2 defines them
 * (INTERFACE_ROUTE_INFO, GLOBAL_INFO, PRIORITY_INFO, RTR_DISC_INFO...). The Windows SDK has no
 * public header for most of them; they are declared here, beside their ids, so programs need
 * no private copies. The filter blocks' FILTER_DESCRIPTOR is in <fltdefs.h>, the 56-byte route
 * item MIB_IPFORWARDROW in <ipmib.h>, the multicast rows in <ipmib.h>, MPR_FILTER_0 in
 * <mprapi.h>. Addresses are DWORDs holding the address bytes in network order.
 */
#ifndef _IPINFOID_H_
#define _IPINFOID_H_

#include <windows.h>

#ifdef __cplusplus
extern "C" {
#endif

#define IP_ROUTER_MANAGER_VERSION   1

#define IP_GENERAL_INFO_BASE        0xffff0000
#define IP_IN_FILTER_INFO           (IP_GENERAL_INFO_BASE + 1)
#define IP_OUT_FILTER_INFO          (IP_GENERAL_INFO_BASE + 2)
#define IP_GLOBAL_INFO              (IP_GENERAL_INFO_BASE + 3)
#define IP_INTERFACE_STATUS_INFO    (IP_GENERAL_INFO_BASE + 4)
#define IP_ROUTE_INFO               (IP_GENERAL_INFO_BASE + 5)
#define IP_PROT_PRIORITY_INFO       (IP_GENERAL_INFO_BASE + 6)
#define IP_ROUTER_DISC_INFO         (IP_GENERAL_INFO_BASE + 7)
#define IP_DEMAND_DIAL_FILTER_INFO  (IP_GENERAL_INFO_BASE + 9)
#define IP_MCAST_HEARBEAT_INFO      (IP_GENERAL_INFO_BASE + 0xA)
#define IP_MCAST_BOUNDARY_INFO      (IP_GENERAL_INFO_BASE + 0xB)
#define IP_IPINIP_CFG_INFO          (IP_GENERAL_INFO_BASE + 0xC)
#define IP_IFFILTER_INFO            (IP_GENERAL_INFO_BASE + 0xD)
#define IP_MCAST_LIMIT_INFO         (IP_GENERAL_INFO_BASE + 0xE)
#define IPV6_GLOBAL_INFO            (IP_GENERAL_INFO_BASE + 0xF)
#define IPV6_ROUTE_INFO             (IP_GENERAL_INFO_BASE + 0x10)
#define IP_IN_FILTER_INFO_V6        (IP_GENERAL_INFO_BASE + 0x11)
#define IP_OUT_FILTER_INFO_V6       (IP_GENERAL_INFO_BASE + 0x12)
#define IP_DEMAND_DIAL_FILTER_INFO_V6 (IP_GENERAL_INFO_BASE + 0x13)
#define IP_IFFILTER_INFO_V6         (IP_GENERAL_INFO_BASE + 0x14)
#define IP_FILTER_ENABLE_INFO       (IP_GENERAL_INFO_BASE + 0x15)
#define IP_FILTER_ENABLE_INFO_V6    (IP_GENERAL_INFO_BASE + 0x16)
#define IP_PROT_PRIORITY_INFO_EX    (IP_GENERAL_INFO_BASE + 0x17)

/* ---- IP_INTERFACE_STATUS_INFO: dwAdminStatus is IF_ADMIN_STATUS_UP (1) or _DOWN (2) ---- */
typedef struct _INTERFACE_STATUS_INFO {
    DWORD dwAdminStatus;
} INTERFACE_STATUS_INFO, *PINTERFACE_STATUS_INFO;

/* ---- IP_GLOBAL_INFO / IPV6_GLOBAL_INFO ---- */
typedef struct _GLOBAL_INFO {
    BOOL bFilteringOn;
    DWORD dwLoggingLevel;   /* 0 none, 1 errors, 2 warnings and errors, 3 all */
} GLOBAL_INFO, *PGLOBAL_INFO;

/* ---- IP_PROT_PRIORITY_INFO(_EX): preference of each route origin (MIB_IPPROTO_*) ---- */
#define IP_PRIORITY_MAX_METRIC     255
#define IP_PRIORITY_DEFAULT_METRIC 127

typedef struct _PROTOCOL_METRIC {
    DWORD dwProtocolId;
    DWORD dwMetric;
} PROTOCOL_METRIC, *PPROTOCOL_METRIC;

/* Variable size: dwNumProtocols entries (SIZEOF_PRIORITY_INFO). */
typedef struct _PRIORITY_INFO {
    DWORD dwNumProtocols;
    PROTOCOL_METRIC ppmProtocolMetric[1];
} PRIORITY_INFO, *PPRIORITY_INFO;

#define SIZEOF_PRIORITY_INFO(X) \
    (offsetof(PRIORITY_INFO, ppmProtocolMetric) + ((X) * sizeof(PROTOCOL_METRIC)))

typedef struct _PROTOCOL_METRIC_EX {
    DWORD dwProtocolId;
    DWORD dwSubProtocolId;  /* 0, or for BGP 1 IBGP / 2 EBGP */
    DWORD dwMetric;
} PROTOCOL_METRIC_EX, *PPROTOCOL_METRIC_EX;

typedef struct _PRIORITY_INFO_EX {
    DWORD dwNumProtocols;
    PROTOCOL_METRIC_EX ppmProtocolMetric[1];
} PRIORITY_INFO_EX, *PPRIORITY_INFO_EX;

#define SIZEOF_PRIORITY_INFO_EX(X) \
    (offsetof(PRIORITY_INFO_EX, ppmProtocolMetric) + ((X) * sizeof(PROTOCOL_METRIC_EX)))

/* ---- IP_ROUTER_DISC_INFO: ICMP router discovery advertisements (16 bytes) ---- */
typedef struct _RTR_DISC_INFO {
    WORD wMaxAdvtInterval;
    WORD wMinAdvtInterval;
    WORD wAdvtLifetime;
    BOOL bAdvertise;
    LONG lPrefLevel;
} RTR_DISC_INFO, *PRTR_DISC_INFO;

/* ---- IP_MCAST_HEARBEAT_INFO: multicast heartbeat detection (140 bytes) ---- */
#define MAX_GROUP_LEN 64

typedef struct _MCAST_HBEAT_INFO {
    WCHAR pwszGroup[MAX_GROUP_LEN];
    BOOL bActive;
    ULONG ulDeadInterval;   /* minutes */
    BYTE byProtocol;        /* 0x11 UDP, 0xFF raw */
    WORD wPort;
} MCAST_HBEAT_INFO, *PMCAST_HBEAT_INFO;

/* ---- IP_IPINIP_CFG_INFO: an IP-in-IP tunnel's end points (12 bytes) ---- */
typedef struct _IPINIP_CONFIG_INFO {
    DWORD dwRemoteAddress;
    DWORD dwLocalAddress;
    BYTE byTtl;
} IPINIP_CONFIG_INFO, *PIPINIP_CONFIG_INFO;

/* ---- IP_IFFILTER_INFO(_V6): drop fragments ---- */
typedef struct _IFFILTER_INFO {
    BOOL bEnableFragChk;
} IFFILTER_INFO, *PIFFILTER_INFO;

/* ---- IP_ROUTE_INFO (also in Ipv6 transports): one static route (72 bytes, bV4 tells the arm).
 * Items of 56 bytes are MIB_IPFORWARDROW (<ipmib.h>), the layout older systems write. ---- */
typedef struct _INTERFACE_ROUTE_INFO {
    union {
        struct {
            DWORD dwRtInfoDest;
            DWORD dwRtInfoMask;
            DWORD dwRtInfoPolicy;
            DWORD dwRtInfoNextHop;
            DWORD dwRtInfoAge;
            DWORD dwRtInfoNextHopAS;
            DWORD dwRtInfoMetric1;
            DWORD dwRtInfoMetric2;
            DWORD dwRtInfoMetric3;
        };
        struct {
            IN6_ADDR DestinationPrefix;
            DWORD DestPrefixLength;
            IN6_ADDR NextHopAddress;
            ULONG ValidLifeTime;
            DWORD Flags;
            ULONG Metric;
        };
    };
    DWORD dwRtInfoIfIndex;
    DWORD dwRtInfoType;     /* MIB_IPROUTE_TYPE_DIRECT (3) / _INDIRECT (4) */
    DWORD dwRtInfoProto;    /* MIB_IPPROTO_*, e.g. MIB_IPPROTO_NT_STATIC */
    DWORD dwRtInfoPreference;
    DWORD dwRtInfoViewSet;  /* RTM_VIEW_MASK_UCAST (1) | RTM_VIEW_MASK_MCAST (2) */
    BOOL bV4;
} INTERFACE_ROUTE_INFO, *PINTERFACE_ROUTE_INFO;

#ifdef __cplusplus
}
#endif

#endif /* _IPINFOID_H_ */
