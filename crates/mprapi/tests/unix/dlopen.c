/* dlopen/dlclose of the installed library (argv[1]), with nothing left running: load it,
 * connect (local store, and MPRAPI_TEST_SERVER when set), call, disconnect, dlclose. The
 * library is linked with -z nodelete, so dlclose succeeds and leaves it mapped (the remote
 * runtime's threads keep running its code); loading it again gives the same library, whose
 * state (handle table, runtime) is still there and works. The process then exits normally. */
#include <windows.h>
#include <mprapi.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed, failed;
#define CHECK(c)                                                                  \
    do {                                                                          \
        if (c) {                                                                  \
            passed++;                                                             \
        } else {                                                                  \
            failed++;                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
        }                                                                         \
    } while (0)

typedef DWORD (*connect_fn)(LPWSTR, HANDLE *);
typedef void (*disconnect_fn)(HANDLE);
typedef DWORD (*create_fn)(HANDLE, DWORD, LPBYTE, HANDLE *);
typedef DWORD (*gethandle_fn)(HANDLE, LPWSTR, HANDLE *);

static WCHAR *widen(WCHAR *dst, size_t n, const char *s)
{
    size_t i = 0;
    for (; s[i] && i + 1 < n; i++)
        dst[i] = (WCHAR)(unsigned char)s[i];
    dst[i] = 0;
    return dst;
}

/* One round: the library's calls through dlsym, on `server` (NULL = local). */
static void round_trip(void *lib, const char *server, const char *ifname)
{
    connect_fn connect = (connect_fn)dlsym(lib, "MprConfigServerConnect");
    disconnect_fn disconnect = (disconnect_fn)dlsym(lib, "MprConfigServerDisconnect");
    create_fn create = (create_fn)dlsym(lib, "MprConfigInterfaceCreate");
    gethandle_fn gethandle = (gethandle_fn)dlsym(lib, "MprConfigInterfaceGetHandle");
    WCHAR wserver[256], wname[64];
    HANDLE h = NULL, hif = NULL, again = NULL;
    MPR_INTERFACE_0 i0;
    CHECK(connect && disconnect && create && gethandle);
    if (!(connect && disconnect && create && gethandle))
        return;
    CHECK(connect(server ? widen(wserver, 256, server) : NULL, &h) == NO_ERROR && h != NULL);
    memset(&i0, 0, sizeof i0);
    widen(i0.wszInterfaceName, MAX_INTERFACE_NAME_LEN + 1, ifname);
    i0.dwIfType = ROUTER_IF_TYPE_FULL_ROUTER;
    i0.fEnabled = TRUE;
    CHECK(create(h, 0, (LPBYTE)&i0, &hif) == NO_ERROR);
    CHECK(gethandle(h, widen(wname, 64, ifname), &again) == NO_ERROR && again == hif);
    disconnect(h);
}

int main(int argc, char **argv)
{
    const char *server = getenv("MPRAPI_TEST_SERVER");
    void *lib, *again;
    if (argc < 2) {
        fprintf(stderr, "usage: dlopen LIBRARY\n");
        return 2;
    }
    lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 2;
    }
    round_trip(lib, NULL, "Loaded once");
    if (server)
        round_trip(lib, server, "Loaded once remote");
    CHECK(dlclose(lib) == 0);
    /* -z nodelete: still mapped after dlclose (RTLD_NOLOAD finds it without loading it). */
    again = dlopen(argv[1], RTLD_NOW | RTLD_NOLOAD);
    CHECK(again != NULL);
    if (again)
        CHECK(dlclose(again) == 0);
    lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    CHECK(lib != NULL);
    if (lib) {
        round_trip(lib, NULL, "Loaded twice");
        if (server)
            round_trip(lib, server, "Loaded twice remote");
        CHECK(dlclose(lib) == 0);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
