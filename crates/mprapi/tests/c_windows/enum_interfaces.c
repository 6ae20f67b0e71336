/*
 * enum_interfaces.c - creates demand-dial and LAN interfaces, then enumerates the router's
 * interfaces page by page, as the SDK's MprConfigInterfaceEnum sample does. _tmain style:
 * TCHAR names, _T() literals, SAL-annotated helpers, HRESULTs. Builds with or without
 * -fshort-wchar (TEXT/_T make u"" literals when wchar_t is 32 bits).
 */
#include <Windows.h>
#include <tchar.h>
#include <Mprapi.h>
#include <MprError.h>
#include <WinError.h>
#include "sample.h"

#define SITE_COUNT 5

static HRESULT CreateInterface(_In_ HANDLE hConfig, _In_z_ const TCHAR *pszName,
                               _In_ ROUTER_INTERFACE_TYPE dwType, _Out_ HANDLE *phInterface)
{
    MPR_INTERFACE_0 info;
    size_t i;

    ZeroMemory(&info, sizeof(info));
    for (i = 0; pszName[i] != 0 && i < MAX_INTERFACE_NAME_LEN; i++)
        info.wszInterfaceName[i] = pszName[i];
    info.dwIfType = dwType;
    info.fEnabled = TRUE;
    return HRESULT_FROM_WIN32(MprConfigInterfaceCreate(hConfig, 0, (LPBYTE)&info, phInterface));
}

int _tmain(int argc, _TCHAR **argv)
{
    HRESULT hr = S_OK;
    HANDLE hConfig = NULL;
    HANDLE hLookup = NULL;
    HANDLE rgh[SITE_COUNT];
    TCHAR szName[MAX_INTERFACE_NAME_LEN + 1] = _T("Branch office 0");
    TCHAR szMissing[] = _T("No such interface");
    LPBYTE pBuffer = NULL;
    DWORD dwRead = 0, dwTotal = 0, dwFirstTotal = 0, dwResume = 0, dwSeen = 0, dwSites = 0, i;
    WCHAR szServer[256];

    UNREFERENCED_PARAMETER(argc);
    UNREFERENCED_PARAMETER(argv);

    CHECK_WIN32(MprConfigServerConnect(ServerName(szServer, ARRAYSIZE(szServer)), &hConfig));

    for (i = 0; i < SITE_COUNT; i++) {
        szName[14] = (TCHAR)(_T('0') + i);
        hr = CreateInterface(hConfig, szName,
                             i % 2 ? ROUTER_IF_TYPE_FULL_ROUTER : ROUTER_IF_TYPE_DEDICATED,
                             &rgh[i]);
        EXPECT(SUCCEEDED(hr));
        if (FAILED(hr))
            goto Cleanup;
    }
    /* A second interface of the same name: the router error, as an HRESULT. */
    szName[14] = _T('0');
    hr = CreateInterface(hConfig, szName, ROUTER_IF_TYPE_DEDICATED, &hLookup);
    EXPECT(hr == HRESULT_FROM_WIN32(ERROR_INTERFACE_ALREADY_EXISTS));
    EXPECT(HRESULT_FACILITY(hr) == FACILITY_WIN32 && HRESULT_CODE(hr) == 904);
    hr = S_OK;

    /* Names compare without regard to case. */
    {
        TCHAR szUpper[] = _T("BRANCH OFFICE 3");
        CHECK_WIN32(MprConfigInterfaceGetHandle(hConfig, szUpper, &hLookup));
        EXPECT(hLookup == rgh[3]);
    }
    EXPECT_WIN32(MprConfigInterfaceGetHandle(hConfig, szMissing, &hLookup),
                 ERROR_NO_SUCH_INTERFACE);

    /* Two entries per call, until the resume handle comes back 0. */
    do {
        PMPR_INTERFACE_0 pEntries;
        CHECK_WIN32(MprConfigInterfaceEnum(hConfig, 0, &pBuffer, 2 * sizeof(MPR_INTERFACE_0),
                                           &dwRead, &dwTotal, &dwResume));
        EXPECT(dwRead >= 1 && dwRead <= 2);
        /* lpdwTotalEntries counts from the resume position: all of them on the first call. */
        if (dwSeen == 0)
            dwFirstTotal = dwTotal;
        EXPECT(dwTotal == dwFirstTotal - dwSeen);
        pEntries = (PMPR_INTERFACE_0)pBuffer;
        for (i = 0; i < dwRead; i++) {
            const WCHAR *n = pEntries[i].wszInterfaceName;
            PrintWide(n);
            printf("  type %d %s\n", (int)pEntries[i].dwIfType,
                   pEntries[i].fEnabled ? "enabled" : "disabled");
            if (n[0] == 'B' && n[6] == ' ' && n[7] == 'o')
                dwSites++;
            EXPECT(pEntries[i].hInterface != NULL);
        }
        dwSeen += dwRead;
        MprConfigBufferFree(pBuffer);
        pBuffer = NULL;
    } while (dwResume != 0);
    EXPECT(dwSeen == dwFirstTotal);
    EXPECT(dwSites == SITE_COUNT);
    printf("%lu interfaces, %lu sites\n", (unsigned long)dwSeen, (unsigned long)dwSites);

    for (i = 0; i < SITE_COUNT; i++)
        CHECK_WIN32(MprConfigInterfaceDelete(hConfig, rgh[i]));
    EXPECT_WIN32(MprConfigInterfaceDelete(hConfig, rgh[0]), ERROR_NO_SUCH_INTERFACE);

Cleanup:
    if (pBuffer != NULL)
        MprConfigBufferFree(pBuffer);
    if (hConfig != NULL)
        MprConfigServerDisconnect(hConfig);
    return Finish(hr);
}

/* Linux has no wide entry point: hand _tmain the arguments as TCHAR strings. */
int main(int argc, char **argv)
{
    static _TCHAR rgArgs[8][64];
    _TCHAR *rgpArgs[8];
    int n = argc < 8 ? argc : 8, i, j;

    for (i = 0; i < n; i++) {
        for (j = 0; argv[i][j] != 0 && j < 63; j++)
            rgArgs[i][j] = (_TCHAR)(unsigned char)argv[i][j];
        rgArgs[i][j] = 0;
        rgpArgs[i] = rgArgs[i];
    }
    return _tmain(n, rgpArgs);
}
