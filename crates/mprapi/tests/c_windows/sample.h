/*
 * sample.h - what the "written for Windows" test programs share: HRESULT-style result
 * checks and a UTF-16 printer. Written as Windows sample code is: Win32 types, SAL
 * annotations, HRESULTs built from Win32 codes. Each program ends with "N passed, M failed"
 * and exits non-zero on any failure.
 */
#ifndef SAMPLE_H
#define SAMPLE_H

#include <Windows.h>
#include <stdio.h>
#include <stdlib.h>

static int g_passed, g_failed;

/* Records one check; prints the failing expression. */
#define EXPECT(cond)                                                                   \
    do {                                                                               \
        if (cond) {                                                                    \
            g_passed++;                                                                \
        } else {                                                                       \
            g_failed++;                                                                \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);  \
        }                                                                              \
    } while (0)

/* Turns a Win32 result into an HRESULT, records it, and jumps to Cleanup on failure. */
#define CHECK_WIN32(call)                                                              \
    do {                                                                               \
        DWORD dwErr_ = (call);                                                         \
        hr = HRESULT_FROM_WIN32(dwErr_);                                               \
        if (FAILED(hr)) {                                                              \
            g_failed++;                                                                \
            fprintf(stderr, "%s:%d: %s failed: %lu (hr 0x%08lX)\n", __FILE__, __LINE__, \
                    #call, (unsigned long)dwErr_, (unsigned long)(DWORD)hr);             \
            goto Cleanup;                                                              \
        }                                                                              \
        g_passed++;                                                                    \
    } while (0)

/* Expects one specific Win32 error from a call. */
#define EXPECT_WIN32(call, code)                                                       \
    do {                                                                               \
        DWORD dwErr_ = (call);                                                         \
        if (dwErr_ == (DWORD)(code)) {                                                 \
            g_passed++;                                                                \
        } else {                                                                       \
            g_failed++;                                                                \
            fprintf(stderr, "%s:%d: %s returned %lu, expected %s\n", __FILE__, __LINE__, \
                    #call, (unsigned long)dwErr_, #code);                              \
        }                                                                              \
    } while (0)

static inline int Finish(_In_ HRESULT hr)
{
    if (FAILED(hr) && g_failed == 0)
        g_failed++;
    printf("%d passed, %d failed\n", g_passed, g_failed);
    return g_failed == 0 ? 0 : 1;
}

/* Prints a NUL-terminated UTF-16 string as UTF-8 (glibc's wprintf assumes 32-bit wchar_t). */
static inline void PrintWide(_In_z_ const WCHAR *s)
{
    while (*s) {
        unsigned long c = *s++;
        if (c >= 0xD800 && c < 0xDC00 && *s >= 0xDC00 && *s < 0xE000)
            c = 0x10000 + ((c - 0xD800) << 10) + (unsigned long)(*s++ - 0xDC00);
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

/* Compares two UTF-16 strings (the wcs* functions of glibc cannot be used on WCHAR). */
static inline BOOL WideEqual(_In_z_ const WCHAR *a, _In_z_ const WCHAR *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

/* MPRAPI_TEST_SERVER (ASCII), when set, as the server name; NULL means this machine. */
static inline LPWSTR ServerName(_Out_writes_(cch) WCHAR *buf, _In_ size_t cch)
{
    const char *server = getenv("MPRAPI_TEST_SERVER");
    size_t i = 0;
    if (server == NULL)
        return NULL;
    for (; server[i] && i + 1 < cch; i++)
        buf[i] = (WCHAR)(unsigned char)server[i];
    buf[i] = 0;
    return buf;
}

#endif /* SAMPLE_H */
