/*
 * iphlpapi.h - the IP helper's data types (libmprapi, mprconfig for Linux): it brings in
 * <iprtrmib.h> (with <ipmib.h>, <ifmib.h>, <ipifcons.h>), <ifdef.h> and <nldef.h>, so router
 * programs that include it for MIB_IFROW, MIB_IPFORWARDROW and the like compile. No IP helper
 * function (GetInterfaceInfo, GetIfTable, CreateIpForwardEntry...) is declared: libmprapi does
 * not provide them. docs/c-api.md ("Headers") says why.
 */
#ifndef _IPHLPAPI_H
#define _IPHLPAPI_H

#include <windows.h>
#include <ifdef.h>
#include <nldef.h>
#include <iprtrmib.h>

#endif /* _IPHLPAPI_H */
