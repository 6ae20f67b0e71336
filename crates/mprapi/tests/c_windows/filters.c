/*
 * filters.c - sets IPv4 input filters on an interface and turns static filtering on for the
 * IP transport: a FILTER_DESCRIPTOR with an ICMP filter of any type and code
 * (FILTER_ICMP_TYPE_ANY/FILTER_ICMP_CODE_ANY) and a TCP filter for port 80, default action
 * DROP, stored as the IP_IN_FILTER_INFO block (one item of FILTER_DESCRIPTOR_SIZE(n) bytes),
 * plus IP_FILTER_ENABLE_INFO (MPR_FILTER_0). Reads everything back and checks it.
 */
#include <Windows.h>
#include <Mprapi.h>
#include <RtInfo.h>
#include <IpInfoId.h>
#include <FltDefs.h>
#include <RasError.h>
#include "sample.h"

/* A TCP/UDP port as a filter stores it: network byte order. */
static WORD PortToNetwork(_In_ WORD wPort)
{
    BYTE b[2] = {(BYTE)(wPort >> 8), (BYTE)(wPort & 0xFF)};
    WORD w;
    CopyMemory(&w, b, sizeof(w));
    return w;
}

int main(void)
{
    HRESULT hr = S_OK;
    HANDLE hConfig = NULL, hInterface = NULL, hIfTransport = NULL, hTransport = NULL;
    LPVOID pHeader = NULL, pNext = NULL;
    LPBYTE pStored = NULL, pData = NULL, pDescriptorBytes = NULL;
    DWORD dwStoredSize = 0, dwItemSize = 0, dwCount = 0;
    const DWORD cbDescriptor = (DWORD)FILTER_DESCRIPTOR_SIZE(2);
    PFILTER_DESCRIPTOR pDescriptor;
    MPR_FILTER_0 enable = {TRUE}, current = {FALSE};
    MPR_INTERFACE_0 ifInfo;
    WCHAR szName[] = {'F', 'i', 'l', 't', 'e', 'r', 'e', 'd', 0};
    WCHAR szServer[256];

    EXPECT(sizeof(FILTER_INFO) == 28 && cbDescriptor == 12 + 2 * 28);
    EXPECT(FILTER_ICMP_TYPE_ANY == 0xFF && FILTER_ICMP_CODE_ANY == 0xFF);
    EXPECT(FILTER_PROTO_TCP == 6 && FILTER_PROTO_ICMP == 1);
    EXPECT(ERROR_CANNOT_FIND_PHONEBOOK_ENTRY == 623 && RASBASE == 600);

    CHECK_WIN32(MprConfigServerConnect(ServerName(szServer, ARRAYSIZE(szServer)), &hConfig));
    ZeroMemory(&ifInfo, sizeof(ifInfo));
    CopyMemory(ifInfo.wszInterfaceName, szName, sizeof(szName));
    ifInfo.dwIfType = ROUTER_IF_TYPE_DEDICATED;
    ifInfo.fEnabled = TRUE;
    CHECK_WIN32(MprConfigInterfaceCreate(hConfig, 0, (LPBYTE)&ifInfo, &hInterface));

    /* One descriptor, variable size: the header and two FILTER_INFO entries. */
    pDescriptorBytes = (LPBYTE)calloc(1, cbDescriptor);
    if (pDescriptorBytes == NULL) {
        hr = E_OUTOFMEMORY;
        goto Cleanup;
    }
    pDescriptor = (PFILTER_DESCRIPTOR)pDescriptorBytes;
    pDescriptor->dwVersion = FILTER_DESCRIPTOR_VERSION;
    pDescriptor->dwNumFilters = 2;
    pDescriptor->faDefaultAction = DROP;
    pDescriptor->fiFilter[0].dwProtocol = FILTER_PROTO_ICMP;
    pDescriptor->fiFilter[0].wSrcPort = FILTER_ICMP_TYPE_ANY;
    pDescriptor->fiFilter[0].wDstPort = FILTER_ICMP_CODE_ANY;
    {
        /* the second entry through a pointer: fiFilter is declared with one element */
        PFILTER_INFO pTcp = (PFILTER_INFO)(pDescriptorBytes + offsetof(FILTER_DESCRIPTOR, fiFilter) +
                                           sizeof(FILTER_INFO));
        BYTE dst[4] = {192, 0, 2, 10}, mask[4] = {255, 255, 255, 255};
        pTcp->dwProtocol = FILTER_PROTO_TCP;
        CopyMemory(&pTcp->dwDstAddr, dst, 4);
        CopyMemory(&pTcp->dwDstMask, mask, 4);
        pTcp->wSrcPort = FILTER_TCPUDP_PORT_ANY;
        pTcp->wDstPort = PortToNetwork(80);
    }

    CHECK_WIN32(MprInfoCreate(RTR_INFO_BLOCK_VERSION, &pHeader));
    CHECK_WIN32(MprInfoBlockAdd(pHeader, IP_IN_FILTER_INFO, cbDescriptor, 1, pDescriptorBytes,
                                &pNext));
    MprInfoDelete(pHeader);
    pHeader = pNext;
    pNext = NULL;
    CHECK_WIN32(MprInfoBlockAdd(pHeader, IP_FILTER_ENABLE_INFO, sizeof(enable), 1,
                                (LPBYTE)&enable, &pNext));
    MprInfoDelete(pHeader);
    pHeader = pNext;
    pNext = NULL;
    CHECK_WIN32(MprConfigInterfaceTransportAdd(hConfig, hInterface, PID_IP, NULL, (LPBYTE)pHeader,
                                               MprInfoBlockQuerySize(pHeader), &hIfTransport));

    CHECK_WIN32(MprConfigInterfaceTransportGetInfo(hConfig, hInterface, hIfTransport, &pStored,
                                                   &dwStoredSize));
    CHECK_WIN32(MprInfoBlockFind(pStored, IP_IN_FILTER_INFO, &dwItemSize, &dwCount, &pData));
    EXPECT(dwCount == 1 && dwItemSize == cbDescriptor);
    if (dwCount == 1 && dwItemSize == cbDescriptor) {
        PFILTER_DESCRIPTOR pRead = (PFILTER_DESCRIPTOR)pData;
        EXPECT(pRead->dwVersion == FILTER_DESCRIPTOR_VERSION && pRead->dwNumFilters == 2);
        EXPECT(pRead->faDefaultAction == DROP);
        EXPECT(pRead->fiFilter[0].wSrcPort == FILTER_ICMP_TYPE_ANY);
        EXPECT(memcmp(pData, pDescriptorBytes, cbDescriptor) == 0);
        printf("%lu filters, default %s\n", (unsigned long)pRead->dwNumFilters,
               pRead->faDefaultAction == DROP ? "drop" : "forward");
    }
    EXPECT_WIN32(MprInfoBlockFind(pStored, IP_OUT_FILTER_INFO, NULL, NULL, NULL),
                 ERROR_NOT_FOUND);

    /* Static filtering for the whole IP transport. */
    CHECK_WIN32(MprConfigTransportGetHandle(hConfig, PID_IP, &hTransport));
    CHECK_WIN32(MprConfigFilterSetInfo(hConfig, 0, PID_IP, (LPBYTE)&enable));
    CHECK_WIN32(MprConfigFilterGetInfo(hConfig, 0, PID_IP, (LPBYTE)&current));
    EXPECT(current.fEnable == TRUE);
    EXPECT_WIN32(MprConfigFilterGetInfo(hConfig, 1, PID_IP, (LPBYTE)&current),
                 ERROR_INVALID_PARAMETER);

Cleanup:
    free(pDescriptorBytes);
    if (pStored != NULL)
        MprConfigBufferFree(pStored);
    if (pHeader != NULL)
        MprInfoDelete(pHeader);
    if (hConfig != NULL)
        MprConfigServerDisconnect(hConfig);
    return Finish(hr);
}
