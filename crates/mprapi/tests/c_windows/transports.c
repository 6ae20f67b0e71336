/*
 * transports.c - reads the router's transports and their global information, then sets the
 * IPv6 transport's route preferences, as a wmain program written for Windows would: L"..."
 * literals (build with -fshort-wchar), <windows.h>-style headers in Windows spellings,
 * SAL annotations, HRESULTs. wmain is called from main, as Linux has no wide entry point.
 */
#include <WINDOWS.H>
#include <WinBase.h>
#include <WinDef.h>
#include <sal.h>
#include <MPRAPI.H>
#include <MprError.h>
#include <rtinfo.h>
#include <ipinfoid.h>
#include <RoutProt.h>
#include <IpRtrMib.h>
#include "sample.h"

static const WCHAR *TransportName(_In_ DWORD dwTransportId)
{
    switch (dwTransportId) {
    case PID_IP:   return L"IPv4";
    case PID_IPV6: return L"IPv6";
    case PID_IPX:  return L"IPX";
    default:       return L"?";
    }
}

/* Prints the blocks of a global info header; returns how many there are. */
static DWORD DumpGlobalInfo(_In_ LPBYTE pInfo)
{
    PRTR_INFO_BLOCK_HEADER pHdr = (PRTR_INFO_BLOCK_HEADER)pInfo;
    DWORD i;
    for (i = 0; i < pHdr->TocEntriesCount; i++) {
        PRTR_TOC_ENTRY pToc = &pHdr->TocEntry[i];
        printf("  block 0x%08lX: %lu x %lu bytes\n", (unsigned long)pToc->InfoType,
               (unsigned long)pToc->Count, (unsigned long)pToc->InfoSize);
        if (pToc->InfoType == IP_GLOBAL_INFO || pToc->InfoType == IPV6_GLOBAL_INFO) {
            PGLOBAL_INFO pGlobal = (PGLOBAL_INFO)GetInfoFromTocEntry(pHdr, pToc);
            if (pGlobal != NULL)
                printf("    logging level %lu\n", (unsigned long)pGlobal->dwLoggingLevel);
        }
    }
    return pHdr->TocEntriesCount;
}

int wmain(int argc, _In_reads_(argc) WCHAR **argv)
{
    HRESULT hr = S_OK;
    HANDLE hConfig = NULL, hTransport = NULL;
    LPBYTE pBuffer = NULL, pGlobal = NULL, pClient = NULL, pData = NULL;
    LPWSTR pDllPath = NULL;
    LPVOID pHeader = NULL, pNext = NULL;
    DWORD dwRead = 0, dwTotal = 0, dwGlobalSize = 0, dwClientSize = 0, i;
    DWORD dwItemSize = 0, dwCount = 0;
    BOOL fHaveIp = FALSE, fHaveIpv6 = FALSE;
    BYTE rgPriority[SIZEOF_PRIORITY_INFO(3)];
    PPRIORITY_INFO pPriority = (PPRIORITY_INFO)rgPriority;
    WCHAR szServer[256];
    static WCHAR szIpv6[] = L"Ipv6";

    UNREFERENCED_PARAMETER(argc);
    UNREFERENCED_PARAMETER(argv);
    EXPECT(sizeof(L"Ipv6") == 5 * sizeof(WCHAR));

    CHECK_WIN32(MprConfigServerConnect(ServerName(szServer, ARRAYSIZE(szServer)), &hConfig));
    CHECK_WIN32(MprConfigTransportEnum(hConfig, 0, &pBuffer, MAX_PREFERRED_LENGTH, &dwRead,
                                       &dwTotal, NULL));
    EXPECT(dwRead == dwTotal && dwRead >= 2);
    for (i = 0; i < dwRead; i++) {
        PMPR_TRANSPORT_0 pT = &((PMPR_TRANSPORT_0)pBuffer)[i];
        PrintWide(TransportName(pT->dwTransportId));
        printf(" (0x%lX) ", (unsigned long)pT->dwTransportId);
        PrintWide(pT->wszTransportName);
        printf("\n");
        fHaveIp |= pT->dwTransportId == PID_IP;
        fHaveIpv6 |= pT->dwTransportId == PID_IPV6;
    }
    EXPECT(fHaveIp && fHaveIpv6);
    MprConfigBufferFree(pBuffer);
    pBuffer = NULL;

    /* The IPv4 router manager's global information of a new configuration. */
    CHECK_WIN32(MprConfigTransportGetHandle(hConfig, PID_IP, &hTransport));
    CHECK_WIN32(MprConfigTransportGetInfo(hConfig, hTransport, &pGlobal, &dwGlobalSize, &pClient,
                                          &dwClientSize, &pDllPath));
    EXPECT(pGlobal != NULL && dwGlobalSize >= sizeof(RTR_INFO_BLOCK_HEADER));
    if (pGlobal != NULL) {
        EXPECT(DumpGlobalInfo(pGlobal) >= 1);
        CHECK_WIN32(MprInfoBlockFind(pGlobal, IP_GLOBAL_INFO, &dwItemSize, &dwCount, &pData));
        EXPECT(dwItemSize == sizeof(GLOBAL_INFO) && dwCount == 1);
    }
    if (pDllPath != NULL) {
        printf("  router manager: ");
        PrintWide(pDllPath);
        printf("\n");
    }

    /* Preferences of route origins on IPv6: static routes before RIP, RIP before OSPF. */
    pPriority->dwNumProtocols = 3;
    pPriority->ppmProtocolMetric[0].dwProtocolId = PROTO_IP_NT_STATIC;
    pPriority->ppmProtocolMetric[0].dwMetric = 3;
    ((PPROTOCOL_METRIC)(rgPriority + offsetof(PRIORITY_INFO, ppmProtocolMetric)))[1].dwProtocolId =
        PROTO_IP_RIP;
    ((PPROTOCOL_METRIC)(rgPriority + offsetof(PRIORITY_INFO, ppmProtocolMetric)))[1].dwMetric = 120;
    ((PPROTOCOL_METRIC)(rgPriority + offsetof(PRIORITY_INFO, ppmProtocolMetric)))[2].dwProtocolId =
        MIB_IPPROTO_OSPF;
    ((PPROTOCOL_METRIC)(rgPriority + offsetof(PRIORITY_INFO, ppmProtocolMetric)))[2].dwMetric = 110;
    CHECK_WIN32(MprInfoCreate(RTR_INFO_BLOCK_VERSION, &pHeader));
    CHECK_WIN32(MprInfoBlockAdd(pHeader, IP_PROT_PRIORITY_INFO, sizeof(rgPriority), 1,
                                rgPriority, &pNext));
    MprInfoDelete(pHeader);
    pHeader = pNext;
    pNext = NULL;

    MprConfigBufferFree(pGlobal);
    pGlobal = NULL;
    CHECK_WIN32(MprConfigTransportGetHandle(hConfig, PID_IPV6, &hTransport));
    CHECK_WIN32(MprConfigTransportSetInfo(hConfig, hTransport, (LPBYTE)pHeader,
                                          MprInfoBlockQuerySize(pHeader), NULL, 0, NULL));
    CHECK_WIN32(MprConfigTransportGetInfo(hConfig, hTransport, &pGlobal, &dwGlobalSize, NULL,
                                          NULL, NULL));
    CHECK_WIN32(MprInfoBlockFind(pGlobal, IP_PROT_PRIORITY_INFO, &dwItemSize, &dwCount, &pData));
    EXPECT(dwItemSize == SIZEOF_PRIORITY_INFO(3) && dwCount == 1);
    if (dwItemSize == SIZEOF_PRIORITY_INFO(3))
        EXPECT(memcmp(pData, rgPriority, sizeof(rgPriority)) == 0);

    /* A transport id that is not configured. */
    EXPECT_WIN32(MprConfigTransportGetHandle(hConfig, PID_ATALK, &hTransport),
                 ERROR_UNKNOWN_PROTOCOL_ID);
    EXPECT_WIN32(MprConfigTransportCreate(hConfig, PID_IPV6, szIpv6, NULL, 0, NULL, 0, NULL,
                                          &hTransport),
                 NO_ERROR);

Cleanup:
    if (pBuffer != NULL)
        MprConfigBufferFree(pBuffer);
    if (pGlobal != NULL)
        MprConfigBufferFree(pGlobal);
    if (pClient != NULL)
        MprConfigBufferFree(pClient);
    if (pDllPath != NULL)
        MprConfigBufferFree(pDllPath);
    if (pHeader != NULL)
        MprInfoDelete(pHeader);
    if (hConfig != NULL)
        MprConfigServerDisconnect(hConfig);
    return Finish(hr);
}

int main(int argc, char **argv)
{
    UNREFERENCED_PARAMETER(argv);
    return wmain(argc, NULL);
}
