/*
 * windows.h - the minimal Win32 base of libmprapi (mprconfig) for Linux.
 *
 * Just enough of the Windows SDK's base types, calling-convention macros and error codes for
 * <mprapi.h>, <mprerror.h>, <rtinfo.h> and <ipinfoid.h>, so that a Windows source file using
 * the router configuration API compiles unchanged with
 *     gcc -I<prefix>/include ... -lmprapi
 * Types have their Windows x64 (LLP64) sizes: DWORD and ULONG are 32 bits, HANDLE is a pointer.
 *
 * WCHAR is a UTF-16 code unit. It is wchar_t when wchar_t is 16 bits (gcc/clang
 * -fshort-wchar), so that L"..." literals of Windows sources are WCHAR strings; otherwise it is
 * char16_t (C++) or uint16_t (C), and u"..." literals are WCHAR strings. glibc's wcs* and wprintf
 * functions assume a 32-bit wchar_t and must not be given WCHAR strings. See docs/c-api.md.
 */
#ifndef _WINDOWS_
#define _WINDOWS_
#define _WINDOWS_H_MPRCONFIG

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- calling convention and SAL-style annotations (no meaning on Linux x86_64) ---- */
#ifndef WINAPI
#define WINAPI
#endif
#ifndef APIENTRY
#define APIENTRY
#endif
#ifndef CALLBACK
#define CALLBACK
#endif
#ifndef WINAPIV
#define WINAPIV
#endif
#ifndef IN
#define IN
#endif
#ifndef OUT
#define OUT
#endif
#ifndef OPTIONAL
#define OPTIONAL
#endif
#ifndef CONST
#define CONST const
#endif
#ifndef VOID
#define VOID void
#endif

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif
#ifndef NULL
#define NULL ((void *)0)
#endif

/* ---- integer types (LLP64 sizes) ---- */
typedef uint8_t BYTE, *PBYTE, *LPBYTE;
typedef uint8_t UCHAR, *PUCHAR;
typedef uint8_t BOOLEAN;
typedef char CHAR, *PCHAR, *LPSTR;
typedef const char *LPCSTR, *PCSTR;
typedef uint16_t WORD, *PWORD, *LPWORD;
typedef uint16_t USHORT, *PUSHORT;
typedef int16_t SHORT;
typedef uint32_t DWORD, *PDWORD, *LPDWORD;
typedef uint32_t ULONG, *PULONG;
typedef uint32_t UINT, *PUINT;
typedef int32_t LONG, *PLONG;
typedef int32_t INT;
typedef int32_t BOOL, *PBOOL, *LPBOOL;
typedef uint64_t ULONGLONG, DWORD64, ULONG64;
typedef int64_t LONGLONG, LONG64;
typedef uintptr_t ULONG_PTR, UINT_PTR, DWORD_PTR, SIZE_T;
typedef intptr_t LONG_PTR, INT_PTR;
typedef void *PVOID, *LPVOID, *HANDLE, *PHANDLE, *LPHANDLE;
typedef const void *LPCVOID;

/* ---- UTF-16 characters ---- */
#if defined(__SIZEOF_WCHAR_T__) && __SIZEOF_WCHAR_T__ == 2
typedef wchar_t WCHAR;
#elif defined(__cplusplus)
typedef char16_t WCHAR;
#else
typedef uint16_t WCHAR;
#endif
typedef WCHAR *PWCHAR, *LPWCH, *PWCH, *LPWSTR, *PWSTR, *NWPSTR;
typedef const WCHAR *LPCWSTR, *PCWSTR, *LPCWCH, *PCWCH;
typedef LPWSTR LPTSTR;
typedef LPCWSTR LPCTSTR;
typedef WCHAR TCHAR;

/* ---- GUID ---- */
#ifndef GUID_DEFINED
#define GUID_DEFINED
typedef struct _GUID {
    uint32_t Data1;
    uint16_t Data2;
    uint16_t Data3;
    uint8_t Data4[8];
} GUID, *PGUID, *LPGUID;
#endif
typedef GUID IID, CLSID;

/* ---- FILETIME ---- */
typedef struct _FILETIME {
    DWORD dwLowDateTime;
    DWORD dwHighDateTime;
} FILETIME, *PFILETIME, *LPFILETIME;

/* ---- IN_ADDR / IN6_ADDR (inaddr.h, in6addr.h): Windows names, distinct from <netinet/in.h> ---- */
typedef struct _MPR_IN_ADDR {
    union {
        struct { UCHAR s_b1, s_b2, s_b3, s_b4; } S_un_b;
        struct { USHORT s_w1, s_w2; } S_un_w;
        ULONG S_addr;
    } S_un;
} IN_ADDR, *PIN_ADDR, *LPIN_ADDR;

typedef struct _MPR_IN6_ADDR {
    union {
        UCHAR Byte[16];
        USHORT Word[8];
    } u;
} IN6_ADDR, *PIN6_ADDR, *LPIN6_ADDR;

/* ---- crypto blobs (wincrypt.h) ---- */
typedef struct _CRYPTOAPI_BLOB {
    DWORD cbData;
    BYTE *pbData;
} CRYPT_INTEGER_BLOB, *PCRYPT_INTEGER_BLOB, CRYPT_HASH_BLOB, *PCRYPT_HASH_BLOB,
  CERT_NAME_BLOB, *PCERT_NAME_BLOB, CRYPT_DATA_BLOB, *PCRYPT_DATA_BLOB, DATA_BLOB, *PDATA_BLOB;

#ifndef CALG_SHA_256
#define CALG_SHA_256 0x0000800c
#endif

/* ---- Win32 error codes (winerror.h) used by the router configuration API ---- */
#define ERROR_SUCCESS                    0
#define NO_ERROR                         0
#define ERROR_INVALID_FUNCTION           1
#define ERROR_FILE_NOT_FOUND             2
#define ERROR_PATH_NOT_FOUND             3
#define ERROR_ACCESS_DENIED              5
#define ERROR_INVALID_HANDLE             6
#define ERROR_NOT_ENOUGH_MEMORY          8
#define ERROR_INVALID_DATA               13
#define ERROR_OUTOFMEMORY                14
#define ERROR_WRITE_PROTECT              19
#define ERROR_LOCK_VIOLATION             33
#define ERROR_HANDLE_EOF                 38
#define ERROR_NOT_SUPPORTED              50
#define ERROR_BAD_NETPATH                53
#define ERROR_BAD_NET_NAME               67
#define ERROR_FILE_EXISTS                80
#define ERROR_INVALID_PARAMETER          87
#define ERROR_BUFFER_OVERFLOW            111
#define ERROR_DISK_FULL                  112
#define ERROR_CALL_NOT_IMPLEMENTED       120
#define ERROR_INSUFFICIENT_BUFFER        122
#define ERROR_INVALID_NAME               123
#define ERROR_INVALID_LEVEL              124
#define ERROR_PROC_NOT_FOUND             127
#define ERROR_BAD_PATHNAME               161
#define ERROR_BUSY                       170
#define ERROR_ALREADY_EXISTS             183
#define ERROR_MORE_DATA                  234
#define ERROR_NO_MORE_ITEMS              259
#define ERROR_BADDB                      1009
#define ERROR_BADKEY                     1010
#define ERROR_CANTOPEN                   1011
#define ERROR_CANTREAD                   1012
#define ERROR_CANTWRITE                  1013
#define ERROR_REGISTRY_CORRUPT           1015
#define ERROR_SERVICE_DOES_NOT_EXIST     1060
#define ERROR_NOT_FOUND                  1168
#define ERROR_CONNECTION_REFUSED         1225
#define ERROR_LOGON_FAILURE              1326
#define ERROR_INTERNAL_ERROR             1359
#define ERROR_TIMEOUT                    1460
#define RPC_S_SERVER_UNAVAILABLE         1722
#define RPC_S_CALL_FAILED                1726
#define ERROR_SUCCESS_REBOOT_REQUIRED    3010

#ifndef MAX_PATH
#define MAX_PATH 260
#endif

#ifdef __cplusplus
}
#endif

#endif /* _WINDOWS_ */
