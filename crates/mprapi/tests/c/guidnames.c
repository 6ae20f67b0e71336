/*
 * MprConfigGetFriendlyName with the GUID name forms Windows programs pass: "{GUID}" and the
 * "\DEVICE\TCPIP_{GUID}" of GetInterfaceInfo / GetAdapterIndex / MIB_IFROW.wszName, written as
 * Windows sources write them (L"..." literals, built with -fshort-wchar), and garbage around
 * them (docs/c-api.md, "GUID name forms"). MPRAPI_TEST_SERVER, when set, names the router.
 */
#include "test.h"

#define NAME_CCH 300

/* Length of a WCHAR string (glibc's wcslen assumes a 32-bit wchar_t, see docs/c-api.md). */
static size_t wlen(const WCHAR *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* dst = a followed by b, truncated to n - 1 characters (like StringCchCopy + StringCchCat). */
static WCHAR *wjoin(WCHAR *dst, size_t n, const WCHAR *a, const WCHAR *b)
{
    size_t i = 0;
    for (; *a && i + 1 < n; a++)
        dst[i++] = *a;
    for (; *b && i + 1 < n; b++)
        dst[i++] = *b;
    dst[i] = 0;
    return dst;
}

static int weq(const WCHAR *a, const WCHAR *b)
{
    size_t n = wlen(a);
    return n == wlen(b) && memcmp(a, b, n * sizeof(WCHAR)) == 0;
}

static WCHAR *wlower(WCHAR *s)
{
    for (WCHAR *p = s; *p; p++)
        if (*p >= L'A' && *p <= L'Z')
            *p = (WCHAR)(*p - L'A' + L'a');
    return s;
}

/* The {GUID} of one installed link: a LAN interface's name, else the loopback link's GUID. */
static void some_link_guid(HANDLE cfg, WCHAR *guid)
{
    LPBYTE buf = NULL;
    DWORD read = 0, total = 0;
    guid[0] = 0;
    OK(MprConfigInterfaceEnum(cfg, 0, &buf, MAX_PREFERRED_LENGTH, &read, &total, NULL));
    for (DWORD k = 0; k < read; k++) {
        const WCHAR *name = ((MPR_INTERFACE_0 *)buf)[k].wszInterfaceName;
        if (name[0] == L'{') {
            wjoin(guid, NAME_CCH, name, L"");
            break;
        }
    }
    if (buf)
        OK(MprConfigBufferFree(buf));
    if (!guid[0])
        OK(MprConfigGetGuidName(cfg, L"lo", guid, NAME_CCH * sizeof(WCHAR)));
    CHECK(wlen(guid) == 38 && guid[0] == L'{' && guid[37] == L'}');
}

int main(void)
{
    HANDLE cfg = t_connect(), hif = NULL;
    WCHAR guid[NAME_CCH], lower[NAME_CCH], friendly[NAME_CCH], name[NAME_CCH], out[NAME_CCH];
    MPR_INTERFACE_0 dd = {L"\\DEVICE\\TCPIP_", NULL, TRUE, ROUTER_IF_TYPE_FULL_ROUTER, 0, 0, 0};

    some_link_guid(cfg, guid);
    wlower(wjoin(lower, NAME_CCH, guid, L""));
    OK(MprConfigGetFriendlyName(cfg, guid, friendly, sizeof friendly));
    CHECK(friendly[0] != 0);

    /* Every form of the GUID name gives the same friendly name. */
    {
        const WCHAR *prefixes[] = {L"\\DEVICE\\TCPIP_", L"\\Device\\Tcpip_", L"\\device\\tcpip_"};
        for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
            for (int lc = 0; lc < 2; lc++) {
                wjoin(name, NAME_CCH, prefixes[i], lc ? lower : guid);
                out[0] = 0;
                OK(MprConfigGetFriendlyName(cfg, name, out, sizeof out));
                CHECK(weq(out, friendly));
            }
        }
        OK(MprConfigGetFriendlyName(cfg, lower, out, sizeof out));
        CHECK(weq(out, friendly));
    }

    /* The reverse direction gives the registry form, braces and all. */
    OK(MprConfigGetGuidName(cfg, friendly, out, sizeof out));
    CHECK(weq(out, guid));

    /* dwBufferSize counts bytes of the friendly name, whatever form the GUID name came in. */
    {
        DWORD need = (DWORD)((wlen(friendly) + 1) * sizeof(WCHAR));
        wjoin(name, NAME_CCH, L"\\DEVICE\\TCPIP_", guid);
        out[0] = L'Z';
        EXPECT(MprConfigGetFriendlyName(cfg, name, out, need - 1), ERROR_BUFFER_OVERFLOW);
        CHECK(out[0] == L'Z');
        OK(MprConfigGetFriendlyName(cfg, name, out, need));
        CHECK(weq(out, friendly));
    }

    /* Garbage around the GUID name is an unknown name: 1168, nothing written. */
    {
        WCHAR bare[NAME_CCH], nonhex[NAME_CCH];
        wjoin(bare, NAME_CCH, guid + 1, L"");
        bare[36] = 0; /* no braces */
        wjoin(nonhex, NAME_CCH, guid, L"");
        nonhex[1] = L'G';
        struct { const WCHAR *a, *b; } garbage[] = {
            {L" ", guid},
            {guid, L" "},
            {L"\\DEVICE\\TCPIP_ ", guid},
            {L"\\DEVICE\\TCPIP_", bare},
            {L"", bare},
            {L"\\DEVICE\\TCPIP_\\DEVICE\\TCPIP_", guid},
            {L"\\DEVICE\\TCPIP_", L""},
            {L"\\DEVICE\\TCPIP", guid},
            {L"\\\\DEVICE\\\\TCPIP_", guid},
            {L"\\Device\\NPF_", guid},
            {guid, L"x"},
            {guid, L"}"},
            {L"\\DEVICE\\TCPIP_", nonhex},
            {L"\\DEVICE\\TCPIP_{00000000-0000-0000-0000-000000000000}", L""},
        };
        for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
            wjoin(name, NAME_CCH, garbage[i].a, garbage[i].b);
            out[0] = L'Z';
            EXPECT(MprConfigGetFriendlyName(cfg, name, out, sizeof out), ERROR_NOT_FOUND);
            CHECK(out[0] == L'Z');
        }
        /* GetGuidName takes a friendly name, which a GUID name is not. */
        wjoin(name, NAME_CCH, L"\\DEVICE\\TCPIP_", guid);
        EXPECT(MprConfigGetGuidName(cfg, name, out, sizeof out), ERROR_NOT_FOUND);
    }

    /* A C string ends at its NUL: what follows is never read. */
    {
        WCHAR cut[NAME_CCH];
        size_t n = wlen(wjoin(cut, NAME_CCH, L"\\DEVICE\\TCPIP_", guid));
        cut[n + 1] = L'x';
        cut[n + 2] = 0;
        OK(MprConfigGetFriendlyName(cfg, cut, out, sizeof out));
        CHECK(weq(out, friendly));
        cut[14] = 0; /* "\DEVICE\TCPIP_" NUL "{GUID}" */
        EXPECT(MprConfigGetFriendlyName(cfg, cut, out, sizeof out), ERROR_NOT_FOUND);
    }

    /* Longer than MAX_INTERFACE_NAME_LEN (256) characters: 87, as for every input name. */
    {
        WCHAR tmp[NAME_CCH];
        wjoin(name, NAME_CCH, L"", L"");
        while (wlen(name) <= MAX_INTERFACE_NAME_LEN) {
            wjoin(tmp, NAME_CCH, name, L"\\DEVICE\\TCPIP_");
            wjoin(name, NAME_CCH, tmp, L"");
        }
        wjoin(tmp, NAME_CCH, name, guid);
        EXPECT(MprConfigGetFriendlyName(cfg, tmp, out, sizeof out), ERROR_INVALID_PARAMETER);
    }

    /* A configured interface whose name only looks like a GUID name is its own (spec Q23). */
    OK(MprConfigInterfaceCreate(cfg, 0, (LPBYTE)&dd, &hif));
    OK(MprConfigGetFriendlyName(cfg, L"\\device\\tcpip_", out, sizeof out));
    CHECK(weq(out, L"\\device\\tcpip_"));
    OK(MprConfigGetGuidName(cfg, L"\\DEVICE\\TCPIP_", out, sizeof out));
    CHECK(weq(out, L"\\DEVICE\\TCPIP_"));
    OK(MprConfigInterfaceDelete(cfg, hif));
    EXPECT(MprConfigGetFriendlyName(cfg, L"\\DEVICE\\TCPIP_", out, sizeof out), ERROR_NOT_FOUND);

    /* Literals straight from a Windows source: an unknown adapter in both forms. */
    EXPECT(MprConfigGetFriendlyName(cfg, L"\\DEVICE\\TCPIP_{12345678-9ABC-DEF0-1234-56789ABCDEF0}",
                                    out, sizeof out),
           ERROR_NOT_FOUND);
    EXPECT(MprConfigGetFriendlyName(cfg, L"{12345678-9ABC-DEF0-1234-56789ABCDEF0}", out, sizeof out),
           ERROR_NOT_FOUND);

    MprConfigServerDisconnect(cfg);
    return t_finish();
}
