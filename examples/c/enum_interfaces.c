/*
 * enum_interfaces.c - enumerate the router's interfaces and their transports.
 *
 * Written the way the Windows SDK documentation examples are: the same headers, calls, types
 * and error handling, so the same source builds on Windows (link mprapi.lib) and on Linux:
 *
 *     make                      # uses pkg-config mprapi
 *     ./enum_interfaces         # the local configuration (MPRCONFIG_STORE)
 *     ./enum_interfaces router1 # a remote router's configuration
 *
 * The one portable addition is PrintWide: wprintf and the wcs* functions of glibc assume a
 * 32-bit wchar_t, while router strings are UTF-16 (WCHAR), so names are printed as UTF-8.
 */
#include <windows.h>
#include <stdio.h>
#include <mprapi.h>
#include <rtinfo.h>

/* Prints a NUL-terminated UTF-16 string as UTF-8. */
static void PrintWide(const WCHAR *s)
{
    while (*s) {
        unsigned long c = *s++;
        if (c >= 0xD800 && c < 0xDC00 && *s >= 0xDC00 && *s < 0xE000)
            c = 0x10000 + ((c - 0xD800) << 10) + (*s++ - 0xDC00);
        if (c < 0x80) {
            putchar((int)c);
        } else if (c < 0x800) {
            putchar((int)(0xC0 | (c >> 6)));
            putchar((int)(0x80 | (c & 0x3F)));
        } else if (c < 0x10000) {
            putchar((int)(0xE0 | (c >> 12)));
            putchar((int)(0x80 | ((c >> 6) & 0x3F)));
            putchar((int)(0x80 | (c & 0x3F)));
        } else {
            putchar((int)(0xF0 | (c >> 18)));
            putchar((int)(0x80 | ((c >> 12) & 0x3F)));
            putchar((int)(0x80 | ((c >> 6) & 0x3F)));
            putchar((int)(0x80 | (c & 0x3F)));
        }
    }
}

static const char *IfTypeName(ROUTER_INTERFACE_TYPE dwIfType)
{
    switch (dwIfType) {
    case ROUTER_IF_TYPE_CLIENT:      return "Client";
    case ROUTER_IF_TYPE_HOME_ROUTER: return "Home router";
    case ROUTER_IF_TYPE_FULL_ROUTER: return "Full router (demand dial)";
    case ROUTER_IF_TYPE_DEDICATED:   return "Dedicated (LAN)";
    case ROUTER_IF_TYPE_INTERNAL:    return "Internal";
    case ROUTER_IF_TYPE_LOOPBACK:    return "Loopback";
    case ROUTER_IF_TYPE_TUNNEL1:     return "Tunnel";
    case ROUTER_IF_TYPE_DIALOUT:     return "Dial-out";
    default:                         return "Unknown";
    }
}

int main(int argc, char **argv)
{
    HANDLE hMprConfig = NULL;
    LPBYTE lpBuffer = NULL;
    DWORD dwEntriesRead = 0, dwTotalEntries = 0, dwResumeHandle = 0;
    DWORD dwErr, i, j;
    WCHAR wszServer[256];
    LPWSTR lpwsServerName = NULL;

    if (argc > 1) {
        /* ASCII server name to UTF-16. */
        for (i = 0; argv[1][i] && i < 255; i++)
            wszServer[i] = (WCHAR)(unsigned char)argv[1][i];
        wszServer[i] = 0;
        lpwsServerName = wszServer;
    }

    dwErr = MprConfigServerConnect(lpwsServerName, &hMprConfig);
    if (dwErr != NO_ERROR) {
        printf("MprConfigServerConnect failed with error %lu\n", (unsigned long)dwErr);
        return 1;
    }

    do {
        dwErr = MprConfigInterfaceEnum(hMprConfig, 0, &lpBuffer, 16 * sizeof(MPR_INTERFACE_0),
                                       &dwEntriesRead, &dwTotalEntries, &dwResumeHandle);
        if (dwErr != NO_ERROR && dwErr != ERROR_NO_MORE_ITEMS) {
            printf("MprConfigInterfaceEnum failed with error %lu\n", (unsigned long)dwErr);
            break;
        }
        for (i = 0; i < dwEntriesRead; i++) {
            MPR_INTERFACE_0 *pIf = &((MPR_INTERFACE_0 *)lpBuffer)[i];
            LPBYTE lpTransports = NULL;
            DWORD dwTransports = 0, dwTotalTransports = 0;

            printf("Interface: ");
            PrintWide(pIf->wszInterfaceName);
            printf("\n    Type: %s, %s\n", IfTypeName(pIf->dwIfType), pIf->fEnabled ? "enabled" : "disabled");

            dwErr = MprConfigInterfaceTransportEnum(hMprConfig, pIf->hInterface, 0, &lpTransports,
                                                    MAX_PREFERRED_LENGTH, &dwTransports,
                                                    &dwTotalTransports, NULL);
            if (dwErr != NO_ERROR) {
                printf("    MprConfigInterfaceTransportEnum failed with error %lu\n", (unsigned long)dwErr);
                continue;
            }
            for (j = 0; j < dwTransports; j++) {
                MPR_IFTRANSPORT_0 *pIfT = &((MPR_IFTRANSPORT_0 *)lpTransports)[j];
                LPBYTE pInfo = NULL;
                DWORD dwInfoSize = 0;

                printf("    Transport: ");
                PrintWide(pIfT->wszIfTransportName);
                printf(" (id 0x%lx)", (unsigned long)pIfT->dwTransportId);
                dwErr = MprConfigInterfaceTransportGetInfo(hMprConfig, pIf->hInterface, pIfT->hIfTransport,
                                                           &pInfo, &dwInfoSize);
                if (dwErr == NO_ERROR && pInfo != NULL) {
                    printf(", %lu info blocks in %lu bytes",
                           (unsigned long)((RTR_INFO_BLOCK_HEADER *)pInfo)->TocEntriesCount,
                           (unsigned long)dwInfoSize);
                    MprConfigBufferFree(pInfo);
                }
                printf("\n");
            }
            if (lpTransports != NULL)
                MprConfigBufferFree(lpTransports);
        }
        if (lpBuffer != NULL) {
            MprConfigBufferFree(lpBuffer);
            lpBuffer = NULL;
        }
    } while (dwErr == NO_ERROR && dwResumeHandle != 0);

    MprConfigServerDisconnect(hMprConfig);
    return 0;
}
