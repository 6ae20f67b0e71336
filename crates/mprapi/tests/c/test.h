/*
 * Tiny test helpers for the libmprapi C tests. Each test program prints one line per failed
 * check and "N passed, M failed" at the end; its exit status is non-zero on any failure.
 * MPRAPI_TEST_SERVER, when set, is the server name passed to MprConfigServerConnect (unset =
 * the local store named by MPRCONFIG_STORE).
 */
#ifndef MPRAPI_TEST_H
#define MPRAPI_TEST_H

#include <windows.h>
#include <mprapi.h>
#include <rtinfo.h>
#include <ipinfoid.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int t_passed, t_failed;

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (cond) {                                                                    \
            t_passed++;                                                                \
        } else {                                                                       \
            t_failed++;                                                                \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);  \
        }                                                                              \
    } while (0)

#define EXPECT(call, code)                                                             \
    do {                                                                               \
        DWORD rc_ = (call);                                                            \
        if (rc_ == (DWORD)(code)) {                                                    \
            t_passed++;                                                                \
        } else {                                                                       \
            t_failed++;                                                                \
            fprintf(stderr, "%s:%d: %s returned %lu, expected %lu (%s)\n", __FILE__,    \
                    __LINE__, #call, (unsigned long)rc_, (unsigned long)(code), #code);  \
        }                                                                              \
    } while (0)

#define OK(call) EXPECT(call, NO_ERROR)

static inline int t_finish(void)
{
    printf("%d passed, %d failed\n", t_passed, t_failed);
    return t_failed == 0 ? 0 : 1;
}

/* UTF-16 from ASCII into a caller array (tests use plain ASCII names). */
static inline WCHAR *t_w(WCHAR *dst, size_t n, const char *s)
{
    size_t i = 0;
    for (; s[i] && i + 1 < n; i++)
        dst[i] = (WCHAR)(unsigned char)s[i];
    dst[i] = 0;
    return dst;
}

/* ASCII from UTF-16 (non-ASCII as '?'). */
static inline char *t_a(char *dst, size_t n, const WCHAR *s)
{
    size_t i = 0;
    for (; s[i] && i + 1 < n; i++)
        dst[i] = s[i] < 128 ? (char)s[i] : '?';
    dst[i] = 0;
    return dst;
}

static inline int t_weq(const WCHAR *a, const char *b)
{
    size_t i = 0;
    for (; a[i] && b[i]; i++)
        if (a[i] != (WCHAR)(unsigned char)b[i])
            return 0;
    return a[i] == 0 && b[i] == 0;
}

/* Connects to MPRAPI_TEST_SERVER (or the local store); exits on failure. */
static inline HANDLE t_connect(void)
{
    WCHAR name[256];
    const char *server = getenv("MPRAPI_TEST_SERVER");
    HANDLE h = NULL;
    DWORD rc = MprConfigServerConnect(server ? t_w(name, 256, server) : NULL, &h);
    if (rc != NO_ERROR || h == NULL) {
        fprintf(stderr, "MprConfigServerConnect failed: %lu\n", (unsigned long)rc);
        exit(2);
    }
    return h;
}

/* A fresh level-0 interface description. */
static inline MPR_INTERFACE_0 t_if0(const char *name, ROUTER_INTERFACE_TYPE type, BOOL enabled)
{
    MPR_INTERFACE_0 i;
    memset(&i, 0, sizeof i);
    t_w(i.wszInterfaceName, MAX_INTERFACE_NAME_LEN + 1, name);
    i.dwIfType = type;
    i.fEnabled = enabled;
    return i;
}

#endif
