/*
 * iprtrmib.h - the IPv4 router manager's MIB (libmprapi, mprconfig for Linux): it brings in
 * <mprapi.h>, <ipmib.h>, <ifmib.h> and <ipifcons.h> as the SDK header does, and declares the
 * MIB variable ids (the dwVarId of MIB_OPAQUE_QUERY) with the small MIB structures of the IP
 * router manager. Data types only: the MIB is queried with MprAdminMIBEntryGet and iphlpapi,
 * neither of which libmprapi provides; the TCP/UDP tables (tcpmib.h, udpmib.h) are not declared.
 */
#ifndef _IPRTRMIB_H_
#define _IPRTRMIB_H_

#include <windows.h>
#include <mprapi.h>
#include <ipmib.h>
#include <ifmib.h>
#include <ipifcons.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The IP router manager's id for MprAdminMIB* calls. */
#define IPRTRMGR_PID 10000

#ifndef ANY_SIZE
#define ANY_SIZE 1
#endif

#define TCPIP_OWNING_MODULE_SIZE 16

/* ---- MIB variable ids ---- */
#define IF_NUMBER                    0
#define IF_TABLE                     1
#define IF_ROW                       2
#define IP_STATS                     3
#define IP_ADDRTABLE                 4
#define IP_ADDRROW                   5
#define IP_FORWARDNUMBER             6
#define IP_FORWARDTABLE              7
#define IP_FORWARDROW                8
#define IP_NETTABLE                  9
#define IP_NETROW                    10
#define ICMP_STATS                   11
#define TCP_STATS                    12
#define TCP_TABLE                    13
#define TCP_ROW                      14
#define UDP_STATS                    15
#define UDP_TABLE                    16
#define UDP_ROW                      17
#define MCAST_MFE                    18
#define MCAST_MFE_STATS              19
#define BEST_IF                      20
#define BEST_ROUTE                   21
#define PROXY_ARP                    22
#define MCAST_IF_ENTRY               23
#define MCAST_GLOBAL                 24
#define IF_STATUS                    25
#define MCAST_BOUNDARY               26
#define MCAST_SCOPE                  27
#define DEST_MATCHING                28
#define DEST_LONGER                  29
#define DEST_SHORTER                 30
#define ROUTE_MATCHING               31
#define ROUTE_LONGER                 32
#define ROUTE_SHORTER                33
#define ROUTE_STATE                  34
#define MCAST_MFE_STATS_EX           35
#define IP6_STATS                    36
#define UDP6_STATS                   37
#define TCP6_STATS                   38
#define NUMBER_OF_EXPORTED_VARIABLES 39

#define MAX_MIB_OFFSET 8
#define MIB_INFO_SIZE(S)          (MAX_MIB_OFFSET + sizeof(S))
#define MIB_INFO_SIZE_IN_DWORDS(S) ((MIB_INFO_SIZE(S)) / sizeof(DWORD) + 1)
#define DEFINE_MIB_BUFFER(X, Y, Z)                                   \
    DWORD __rgdwBuff[MIB_INFO_SIZE_IN_DWORDS(Y)];                    \
    PMIB_OPAQUE_INFO X = (PMIB_OPAQUE_INFO)__rgdwBuff;               \
    Y *Z = (Y *)(X->rgbyData)
#define CAST_MIB_INFO(X, Y, Z) Z = (Y)(X->rgbyData)

/* ---- the router manager's MIB structures ---- */
typedef struct _MIB_OPAQUE_QUERY {
    DWORD dwVarId;
    DWORD rgdwVarIndex[ANY_SIZE];
} MIB_OPAQUE_QUERY, *PMIB_OPAQUE_QUERY;

typedef struct _MIB_OPAQUE_INFO {                 /* 16 bytes; the data starts at offset 8 */
    DWORD dwId;
    union {
        ULONGLONG ullAlign;
        BYTE rgbyData[1];
    };
} MIB_OPAQUE_INFO, *PMIB_OPAQUE_INFO;

typedef struct _MIB_IFSTATUS {
    DWORD dwIfIndex;
    DWORD dwAdminStatus;
    DWORD dwOperationalStatus;
    BOOL bMHbeatActive;
    BOOL bMHbeatAlive;
} MIB_IFSTATUS, *PMIB_IFSTATUS;

typedef struct _MIB_PROXYARP {
    DWORD dwAddress;
    DWORD dwMask;
    DWORD dwIfIndex;
} MIB_PROXYARP, *PMIB_PROXYARP;

typedef struct _MIB_BEST_IF {
    DWORD dwDestAddr;
    DWORD dwIfIndex;
} MIB_BEST_IF, *PMIB_BEST_IF;

typedef struct _MIB_ROUTESTATE {
    BOOL bRoutesSetToStack;
} MIB_ROUTESTATE, *PMIB_ROUTESTATE;

/* A route with the router manager's preference and view set (DEST_* / ROUTE_* queries). */
typedef struct _MIB_IPDESTROW {                   /* 64 bytes */
    MIB_IPFORWARDROW ForwardRow;
    DWORD dwForwardPreference;
    DWORD dwForwardViewSet;
} MIB_IPDESTROW, *PMIB_IPDESTROW;

typedef struct _MIB_IPDESTTABLE {
    DWORD dwNumEntries;
    MIB_IPDESTROW table[ANY_SIZE];
} MIB_IPDESTTABLE, *PMIB_IPDESTTABLE;

#ifdef __cplusplus
}
#endif

#endif /* _IPRTRMIB_H_ */
