/*
 * ifmib.h - the interface table of the IP helper MIB (libmprapi, mprconfig for Linux):
 * MIB_IFNUMBER, MIB_IFROW, MIB_IFTABLE. Data types only: the functions that fill them
 * (GetIfTable, GetIfEntry) belong to iphlpapi, which libmprapi does not provide.
 */
#ifndef _IFMIB_
#define _IFMIB_

#include <windows.h>
#include <ifdef.h>
#include <ipifcons.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef ANY_SIZE
#define ANY_SIZE 1
#endif

typedef struct _MIB_IFNUMBER {
    DWORD dwValue;
} MIB_IFNUMBER, *PMIB_IFNUMBER;

#define MAXLEN_PHYSADDR 8
#define MAXLEN_IFDESCR  256
#ifndef MAX_INTERFACE_NAME_LEN
#define MAX_INTERFACE_NAME_LEN 256
#endif

typedef struct _MIB_IFROW {                       /* 860 bytes */
    WCHAR wszName[MAX_INTERFACE_NAME_LEN];
    IF_INDEX dwIndex;
    IFTYPE dwType;
    DWORD dwMtu;
    DWORD dwSpeed;
    DWORD dwPhysAddrLen;
    UCHAR bPhysAddr[MAXLEN_PHYSADDR];
    DWORD dwAdminStatus;
    INTERNAL_IF_OPER_STATUS dwOperStatus;
    DWORD dwLastChange;
    DWORD dwInOctets;
    DWORD dwInUcastPkts;
    DWORD dwInNUcastPkts;
    DWORD dwInDiscards;
    DWORD dwInErrors;
    DWORD dwInUnknownProtos;
    DWORD dwOutOctets;
    DWORD dwOutUcastPkts;
    DWORD dwOutNUcastPkts;
    DWORD dwOutDiscards;
    DWORD dwOutErrors;
    DWORD dwOutQLen;
    DWORD dwDescrLen;
    UCHAR bDescr[MAXLEN_IFDESCR];
} MIB_IFROW, *PMIB_IFROW;

typedef struct _MIB_IFTABLE {
    DWORD dwNumEntries;
    MIB_IFROW table[ANY_SIZE];
} MIB_IFTABLE, *PMIB_IFTABLE;

#define SIZEOF_IFTABLE(X) (offsetof(MIB_IFTABLE, table) + ((X) * sizeof(MIB_IFROW)) + 8)

#ifdef __cplusplus
}
#endif

#endif /* _IFMIB_ */
