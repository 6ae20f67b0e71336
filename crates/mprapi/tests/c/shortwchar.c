/* Windows-style source: L"..." literals as WCHAR strings. Built with -fshort-wchar, where
 * <windows.h> makes WCHAR wchar_t, so this compiles unchanged. MPRAPI_TEST_SERVER, when set,
 * names the router to connect to (unset: the local one). */
#include <windows.h>
#include <mprapi.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    HANDLE hMprConfig = NULL, hInterface = NULL, hLookup = NULL;
    MPR_INTERFACE_0 ifInfo = {L"Site B", NULL, TRUE, ROUTER_IF_TYPE_FULL_ROUTER, 0, 0, 0};
    WCHAR wszServer[256];
    const char *server = getenv("MPRAPI_TEST_SERVER");
    DWORD dwErr;
    int failed = 0;
    size_t i = 0;

    for (; server && server[i] && i + 1 < 256; i++)
        wszServer[i] = (WCHAR)(unsigned char)server[i];
    wszServer[i] = 0;
    dwErr = MprConfigServerConnect(server ? wszServer : NULL, &hMprConfig);
    if (dwErr != NO_ERROR) {
        printf("MprConfigServerConnect failed: %lu\n", (unsigned long)dwErr);
        return 1;
    }
    dwErr = MprConfigInterfaceCreate(hMprConfig, 0, (LPBYTE)&ifInfo, &hInterface);
    failed += dwErr != NO_ERROR;
    dwErr = MprConfigInterfaceGetHandle(hMprConfig, L"SITE b", &hLookup);
    failed += dwErr != NO_ERROR || hLookup != hInterface;
    failed += sizeof(WCHAR) != 2 || sizeof(L"ab") != 6;
    dwErr = MprConfigInterfaceDelete(hMprConfig, hInterface);
    failed += dwErr != NO_ERROR;
    MprConfigServerDisconnect(hMprConfig);
    printf("%d passed, %d failed\n", 4 - failed, failed);
    return failed != 0;
}
