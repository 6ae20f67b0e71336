/*
 * static_routes.c - gives a LAN interface IPv4 static routes and a RIP configuration block,
 * the way router setup tools do: an information header built with MprInfo*, IP_ROUTE_INFO
 * items shaped as MIB_IPFORWARDROW (the 56-byte route item) and INTERFACE_ROUTE_INFO (the
 * 72-byte one), IP_INTERFACE_STATUS_INFO, and the routing protocol's own block whose InfoType
 * is its PROTOCOL_ID. Then reads the transport back and checks every item. Names as Windows
 * sources spell them: <Windows.h>, <MprApi.h>, <IPRtrMib.h>, <RoutProt.h>, <IPInfoId.h>.
 * The runner decodes the stored blob with the Rust codec too (see tests/c_windows.rs).
 */
#include <Windows.h>
#include <tchar.h>
#include <MprApi.h>
#include <RtInfo.h>
#include <IPInfoId.h>
#include <IPRtrMib.h>
#include <RoutProt.h>
#include <IPHlpApi.h>
#include "sample.h"

/* a.b.c.d as the DWORD Windows stores: the address bytes in network order. */
static DWORD IpAddr(_In_ BYTE a, _In_ BYTE b, _In_ BYTE c, _In_ BYTE d)
{
    BYTE bytes[4] = {a, b, c, d};
    DWORD dw;
    CopyMemory(&dw, bytes, sizeof(dw));
    return dw;
}

static void FillForwardRow(_Out_ PMIB_IPFORWARDROW pRow, _In_ DWORD dwDest, _In_ DWORD dwMask,
                           _In_ DWORD dwNextHop, _In_ DWORD dwMetric)
{
    ZeroMemory(pRow, sizeof(*pRow));
    pRow->dwForwardDest = dwDest;
    pRow->dwForwardMask = dwMask;
    pRow->dwForwardNextHop = dwNextHop;
    pRow->dwForwardIfIndex = 0;
    pRow->ForwardType = MIB_IPROUTE_TYPE_INDIRECT;
    pRow->ForwardProto = MIB_IPPROTO_NT_STATIC;
    pRow->dwForwardMetric1 = dwMetric;
    pRow->dwForwardMetric2 = MIB_IPROUTE_METRIC_UNUSED;
    pRow->dwForwardMetric3 = MIB_IPROUTE_METRIC_UNUSED;
    pRow->dwForwardMetric4 = MIB_IPROUTE_METRIC_UNUSED;
    pRow->dwForwardMetric5 = MIB_IPROUTE_METRIC_UNUSED;
}

/* The RIP interface block is private to the protocol: the router stores its bytes. */
typedef struct _SAMPLE_RIP_IF_CONFIG {
    DWORD dwAnnounceMode;
    DWORD dwAcceptMode;
    DWORD dwMetric;
} SAMPLE_RIP_IF_CONFIG;

int _tmain(int argc, _TCHAR **argv)
{
    HRESULT hr = S_OK;
    HANDLE hConfig = NULL, hInterface = NULL, hIfTransport = NULL;
    LPVOID pHeader = NULL, pNext = NULL;
    LPBYTE pStored = NULL, pData = NULL;
    DWORD dwStoredSize = 0, dwItemSize = 0, dwCount = 0, i;
    MIB_IPFORWARDROW rgRows[2];
    INTERFACE_ROUTE_INFO rgRoutes[2];
    INTERFACE_STATUS_INFO status;
    SAMPLE_RIP_IF_CONFIG rip = {1, 1, 2};
    MPR_INTERFACE_0 ifInfo;
    TCHAR szName[] = _T("Site link");
    TCHAR szTransport[] = _T("Tcpip");
    WCHAR szServer[256];

    UNREFERENCED_PARAMETER(argc);
    UNREFERENCED_PARAMETER(argv);

    /* The id arithmetic of routprot.h. */
    EXPECT(MS_IP_RIP == PROTOCOL_ID(PROTO_TYPE_UCAST, PROTO_VENDOR_MS0, PROTO_IP_RIP));
    EXPECT(PROTO_FROM_PROTO_ID(MS_IP_IGMP) == PROTO_IP_IGMP);
    EXPECT(TYPE_FROM_PROTO_ID(MS_IP_IGMP) == PROTO_TYPE_MCAST);
    EXPECT(VENDOR_FROM_PROTO_ID(MS_IP_NAT) == PROTO_VENDOR_MS1);
    EXPECT(sizeof(MIB_IPFORWARDROW) == 56 && sizeof(INTERFACE_ROUTE_INFO) == 72);

    CHECK_WIN32(MprConfigServerConnect(ServerName(szServer, ARRAYSIZE(szServer)), &hConfig));

    ZeroMemory(&ifInfo, sizeof(ifInfo));
    CopyMemory(ifInfo.wszInterfaceName, szName, sizeof(szName));
    ifInfo.dwIfType = ROUTER_IF_TYPE_DEDICATED;
    ifInfo.fEnabled = TRUE;
    CHECK_WIN32(MprConfigInterfaceCreate(hConfig, 0, (LPBYTE)&ifInfo, &hInterface));

    FillForwardRow(&rgRows[0], IpAddr(10, 1, 0, 0), IpAddr(255, 255, 0, 0),
                   IpAddr(192, 168, 1, 1), 5);
    FillForwardRow(&rgRows[1], IpAddr(172, 16, 0, 0), IpAddr(255, 240, 0, 0),
                   IpAddr(192, 168, 1, 254), 20);

    /* MprInfoBlockAdd returns a new header each time; the old one is freed. */
    CHECK_WIN32(MprInfoCreate(RTR_INFO_BLOCK_VERSION, &pHeader));
    CHECK_WIN32(MprInfoBlockAdd(pHeader, IP_ROUTE_INFO, sizeof(MIB_IPFORWARDROW),
                                ARRAYSIZE(rgRows), (LPBYTE)rgRows, &pNext));
    MprInfoDelete(pHeader);
    pHeader = pNext;
    pNext = NULL;
    status.dwAdminStatus = IF_ADMIN_STATUS_UP;
    CHECK_WIN32(MprInfoBlockAdd(pHeader, IP_INTERFACE_STATUS_INFO, sizeof(status), 1,
                                (LPBYTE)&status, &pNext));
    MprInfoDelete(pHeader);
    pHeader = pNext;
    pNext = NULL;
    CHECK_WIN32(MprInfoBlockAdd(pHeader, MS_IP_RIP, sizeof(rip), 1, (LPBYTE)&rip, &pNext));
    MprInfoDelete(pHeader);
    pHeader = pNext;
    pNext = NULL;
    EXPECT(MprInfoBlockExists(pHeader, MS_IP_RIP));
    EXPECT(!MprInfoBlockExists(pHeader, MS_IP_OSPF));

    CHECK_WIN32(MprConfigInterfaceTransportAdd(hConfig, hInterface, PID_IP, szTransport,
                                               (LPBYTE)pHeader,
                                               MprInfoBlockQuerySize(pHeader), &hIfTransport));

    /* Read it back as a separate program would. */
    CHECK_WIN32(MprConfigInterfaceTransportGetInfo(hConfig, hInterface, hIfTransport, &pStored,
                                                   &dwStoredSize));
    EXPECT(dwStoredSize == MprInfoBlockQuerySize(pStored));
    CHECK_WIN32(MprInfoBlockFind(pStored, IP_ROUTE_INFO, &dwItemSize, &dwCount, &pData));
    EXPECT(dwItemSize == sizeof(MIB_IPFORWARDROW));
    EXPECT(dwCount == 2);
    if (dwCount == 2 && dwItemSize == sizeof(MIB_IPFORWARDROW)) {
        PMIB_IPFORWARDROW pRow = (PMIB_IPFORWARDROW)pData;
        for (i = 0; i < dwCount; i++) {
            BYTE *d = (BYTE *)&pRow[i].dwForwardDest, *h = (BYTE *)&pRow[i].dwForwardNextHop;
            printf("route %u.%u.%u.%u via %u.%u.%u.%u metric %lu proto %lu\n", d[0], d[1],
                   d[2], d[3], h[0], h[1], h[2], h[3], (unsigned long)pRow[i].dwForwardMetric1,
                   (unsigned long)pRow[i].dwForwardProto);
            EXPECT(memcmp(&pRow[i], &rgRows[i], sizeof(MIB_IPFORWARDROW)) == 0);
            EXPECT(pRow[i].ForwardProto == MIB_IPPROTO_NT_STATIC && pRow[i].dwForwardProto == 10006);
        }
    }
    CHECK_WIN32(MprInfoBlockFind(pStored, MS_IP_RIP, &dwItemSize, &dwCount, &pData));
    EXPECT(dwItemSize == sizeof(rip) && dwCount == 1 && memcmp(pData, &rip, sizeof(rip)) == 0);
    CHECK_WIN32(MprInfoBlockFind(pStored, IP_INTERFACE_STATUS_INFO, &dwItemSize, &dwCount, &pData));
    EXPECT(dwCount == 1 && ((PINTERFACE_STATUS_INFO)pData)->dwAdminStatus == IF_ADMIN_STATUS_UP);
    MprConfigBufferFree(pStored);
    pStored = NULL;

    /* Replace the routes with the 72-byte items, one IPv4 arm and one direct route. */
    ZeroMemory(rgRoutes, sizeof(rgRoutes));
    for (i = 0; i < 2; i++) {
        rgRoutes[i].dwRtInfoDest = IpAddr(10, (BYTE)(10 + i), 0, 0);
        rgRoutes[i].dwRtInfoMask = IpAddr(255, 255, 0, 0);
        rgRoutes[i].dwRtInfoNextHop = i == 0 ? IpAddr(192, 168, 1, 1) : 0;
        rgRoutes[i].dwRtInfoMetric1 = 7 + i;
        rgRoutes[i].dwRtInfoMetric2 = MIB_IPROUTE_METRIC_UNUSED;
        rgRoutes[i].dwRtInfoMetric3 = MIB_IPROUTE_METRIC_UNUSED;
        rgRoutes[i].dwRtInfoType = i == 0 ? MIB_IPROUTE_TYPE_INDIRECT : MIB_IPROUTE_TYPE_DIRECT;
        rgRoutes[i].dwRtInfoProto = PROTO_IP_NT_STATIC;
        rgRoutes[i].dwRtInfoPreference = IP_PRIORITY_DEFAULT_METRIC;
        rgRoutes[i].dwRtInfoViewSet = 3;
        rgRoutes[i].bV4 = TRUE;
    }
    CHECK_WIN32(MprInfoBlockSet(pHeader, IP_ROUTE_INFO, sizeof(INTERFACE_ROUTE_INFO), 2,
                                (LPBYTE)rgRoutes, &pNext));
    MprInfoDelete(pHeader);
    pHeader = pNext;
    pNext = NULL;
    CHECK_WIN32(MprConfigInterfaceTransportSetInfo(hConfig, hInterface, hIfTransport,
                                                   (LPBYTE)pHeader,
                                                   MprInfoBlockQuerySize(pHeader)));
    CHECK_WIN32(MprConfigInterfaceTransportGetInfo(hConfig, hInterface, hIfTransport, &pStored,
                                                   &dwStoredSize));
    CHECK_WIN32(MprInfoBlockFind(pStored, IP_ROUTE_INFO, &dwItemSize, &dwCount, &pData));
    EXPECT(dwItemSize == sizeof(INTERFACE_ROUTE_INFO) && dwCount == 2);
    if (dwItemSize == sizeof(INTERFACE_ROUTE_INFO) && dwCount == 2)
        EXPECT(memcmp(pData, rgRoutes, sizeof(rgRoutes)) == 0);
    /* The other blocks were kept in place. */
    EXPECT(MprInfoBlockExists(pStored, MS_IP_RIP));
    EXPECT(MprInfoBlockExists(pStored, IP_INTERFACE_STATUS_INFO));

Cleanup:
    if (pStored != NULL)
        MprConfigBufferFree(pStored);
    if (pHeader != NULL)
        MprInfoDelete(pHeader);
    if (hConfig != NULL)
        MprConfigServerDisconnect(hConfig);
    return Finish(hr);
}

int main(int argc, char **argv)
{
    UNREFERENCED_PARAMETER(argv);
    return _tmain(argc, NULL);
}
