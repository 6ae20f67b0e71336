/*
 * fltdefs.h - packet filter definitions (libmprapi, mprconfig for Linux).
 *
 * Two families that share the same vocabulary (protocol numbers, "any" ICMP type and code,
 * late-bound flags, forward/drop actions):
 *  - the router's filter blocks: FILTER_DESCRIPTOR / FILTER_INFO (IPv4) and their _V6 forms,
 *    the items of IP_IN_FILTER_INFO, IP_OUT_FILTER_INFO, IP_DEMAND_DIAL_FILTER_INFO and the
 *    *_V6 ids of <ipinfoid.h>, as [MS-RRASM] 2.2.1.2.5-2.2.1.2.8 define them. One block item is
 *    one whole descriptor: InfoSize = FILTER_DESCRIPTOR_SIZE(n) (12 + 28 n), Count = 1.
 *  - the data types of the Windows packet filtering API (PF_FILTER_DESCRIPTOR, ...). Its Pf*
 *    functions belong to iphlpapi and are not provided by libmprapi.
 * Addresses are the address bytes in network order. In a FILTER_INFO, TCP/UDP ports are in
 * network order too, and for ICMP wSrcPort/wDstPort carry the type and code (FILTER_ICMP_*_ANY
 * = any) in host order.
 */
#ifndef _FLTDEFS_H
#define _FLTDEFS_H

#include <windows.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- shared vocabulary ---- */
#define FILTER_PROTO(ProtoId) MAKELONG(MAKEWORD((ProtoId), 0x00), 0x00000)

#define FILTER_PROTO_ANY  FILTER_PROTO(0x00)
#define FILTER_PROTO_ICMP FILTER_PROTO(0x01)
#define FILTER_PROTO_TCP  FILTER_PROTO(0x06)
#define FILTER_PROTO_UDP  FILTER_PROTO(0x11)

#define FILTER_TCPUDP_PORT_ANY ((WORD)0x0000)

#define FILTER_ICMP_TYPE_ANY ((BYTE)0xff)
#define FILTER_ICMP_CODE_ANY ((BYTE)0xff)

/* fLateBound: which address or mask is filled in when a demand-dial link connects */
#define LB_SRC_ADDR_USE_SRCADDR_FLAG 0x00000001
#define LB_SRC_ADDR_USE_DSTADDR_FLAG 0x00000002
#define LB_DST_ADDR_USE_SRCADDR_FLAG 0x00000004
#define LB_DST_ADDR_USE_DSTADDR_FLAG 0x00000008
#define LB_SRC_MASK_LATE_FLAG        0x00000010
#define LB_DST_MASK_LATE_FLAG        0x00000020

/* ---- the router's filter blocks ([MS-RRASM]) ---- */
typedef enum _FORWARD_ACTION {
    FORWARD = 0,
    DROP = 1
} FORWARD_ACTION, *PFORWARD_ACTION;

/* dwVersion of a FILTER_DESCRIPTOR / FILTER_DESCRIPTOR_V6 (the only version defined) */
#define FILTER_DESCRIPTOR_VERSION 1

typedef struct _FILTER_INFO {                     /* 28 bytes */
    DWORD dwSrcAddr;
    DWORD dwSrcMask;
    DWORD dwDstAddr;
    DWORD dwDstMask;
    DWORD dwProtocol;       /* FILTER_PROTO_*: 0 any, 1 ICMP, 6 TCP, 17 UDP ... */
    DWORD fLateBound;       /* LB_* flags */
    WORD wSrcPort;          /* TCP/UDP port (network order), or ICMP type */
    WORD wDstPort;          /* TCP/UDP port (network order), or ICMP code */
} FILTER_INFO, *PFILTER_INFO;

/* The filters of one direction and what happens to packets no filter matches. Variable size:
 * dwNumFilters FILTER_INFO entries. */
typedef struct _FILTER_DESCRIPTOR {
    DWORD dwVersion;        /* FILTER_DESCRIPTOR_VERSION */
    DWORD dwNumFilters;
    FORWARD_ACTION faDefaultAction;
    FILTER_INFO fiFilter[1];
} FILTER_DESCRIPTOR, *PFILTER_DESCRIPTOR;

#define FILTER_DESCRIPTOR_SIZE(X) \
    (offsetof(FILTER_DESCRIPTOR, fiFilter) + ((X) * sizeof(FILTER_INFO)))

typedef struct _FILTER_INFO_V6 {                  /* 52 bytes */
    BYTE ipv6SrcAddr[16];
    DWORD dwSrcPrefixLength;
    BYTE ipv6DstAddr[16];
    DWORD dwDstPrefixLength;
    DWORD dwProtocol;
    DWORD fLateBound;
    WORD wSrcPort;
    WORD wDstPort;
} FILTER_INFO_V6, *PFILTER_INFO_V6;

typedef struct _FILTER_DESCRIPTOR_V6 {
    DWORD dwVersion;
    DWORD dwNumFilters;
    FORWARD_ACTION faDefaultAction;
    FILTER_INFO_V6 fiFilter[1];
} FILTER_DESCRIPTOR_V6, *PFILTER_DESCRIPTOR_V6;

#define FILTER_DESCRIPTOR_V6_SIZE(X) \
    (offsetof(FILTER_DESCRIPTOR_V6, fiFilter) + ((X) * sizeof(FILTER_INFO_V6)))

/* ---- the packet filtering API's data types ---- */
typedef PVOID FILTER_HANDLE, *PFILTER_HANDLE;
typedef PVOID INTERFACE_HANDLE, *PINTERFACE_HANDLE;

typedef enum _GlobalFilter {
    GF_FRAGMENTS = 2,
    GF_STRONGHOST = 8,
    GF_FRAGCACHE = 9
} GLOBAL_FILTER, *PGLOBAL_FILTER;

typedef enum _PfForwardAction {
    PF_ACTION_FORWARD = 0,
    PF_ACTION_DROP
} PFFORWARD_ACTION, *PPFFORWARD_ACTION;

typedef enum _PfAddresType {
    PF_IPV4,
    PF_IPV6
} PFADDRESSTYPE, *PPFADDRESSTYPE;

typedef struct _PF_FILTER_DESCRIPTOR {            /* 56 bytes */
    DWORD dwFilterFlags;    /* FD_FLAGS_* */
    DWORD dwRule;
    PFADDRESSTYPE pfatType;
    PBYTE SrcAddr;
    PBYTE SrcMask;
    PBYTE DstAddr;
    PBYTE DstMask;
    DWORD dwProtocol;
    DWORD fLateBound;
    WORD wSrcPort;
    WORD wDstPort;
    WORD wSrcPortHighRange;
    WORD wDstPortHighRange;
} PF_FILTER_DESCRIPTOR, *PPF_FILTER_DESCRIPTOR;

typedef struct _PF_FILTER_STATS {
    DWORD dwNumPacketsFiltered;
    PF_FILTER_DESCRIPTOR info;
} PF_FILTER_STATS, *PPF_FILTER_STATS;

typedef struct _PF_INTERFACE_STATS {
    PVOID pvDriverContext;
    DWORD dwFlags;
    DWORD dwInDrops;
    DWORD dwOutDrops;
    PFFORWARD_ACTION eaInAction;
    PFFORWARD_ACTION eaOutAction;
    DWORD dwNumInFilters;
    DWORD dwNumOutFilters;
    DWORD dwFrag;
    DWORD dwSpoof;
    DWORD dwReserved1;
    DWORD dwReserved2;
    LARGE_INTEGER liSYN;
    LARGE_INTEGER liTotalLogged;
    DWORD dwLostLogEntries;
    PF_FILTER_STATS FilterInfo[1];
} PF_INTERFACE_STATS, *PPF_INTERFACE_STATS;

#define FILTERSIZE (sizeof(PF_FILTER_DESCRIPTOR) - offsetof(PF_FILTER_DESCRIPTOR, SrcAddr))

#define FD_FLAGS_NOSYN    0x1
#define FD_FLAGS_ALLFLAGS FD_FLAGS_NOSYN

typedef struct _PF_LATEBIND_INFO {
    PBYTE SrcAddr;
    PBYTE DstAddr;
    PBYTE Mask;
} PF_LATEBIND_INFO, *PPF_LATEBIND_INFO;

typedef enum _PfFrameType {
    PFFT_FILTER = 1,
    PFFT_FRAG = 2,
    PFFT_SPOOF = 3
} PFFRAMETYPE, *PPFFRAMETYPE;

typedef struct _pfLogFrame {
    LARGE_INTEGER Timestamp;
    PFFRAMETYPE pfeTypeOfFrame;
    DWORD dwTotalSizeUsed;
    DWORD dwFilterRule;
    WORD wSizeOfAdditionalData;
    WORD wSizeOfIpHeader;
    DWORD dwInterfaceName;
    DWORD dwIPIndex;
    BYTE bPacketData[1];
} PFLOGFRAME, *PPFLOGFRAME;

#define ERROR_BASE                 23000
#define PFERROR_NO_PF_INTERFACE    (ERROR_BASE + 0)
#define PFERROR_NO_FILTERS_GIVEN   (ERROR_BASE + 1)
#define PFERROR_BUFFER_TOO_SMALL   (ERROR_BASE + 2)
#define ERROR_IPV6_NOT_IMPLEMENTED (ERROR_BASE + 3)

#ifdef __cplusplus
}
#endif

#endif /* _FLTDEFS_H */
