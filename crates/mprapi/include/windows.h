/*
 * windows.h - the Win32 base of libmprapi (mprconfig) for Linux.
 *
 * The part of the Windows SDK's base headers (windef.h, winnt.h, winbase.h, winerror.h,
 * sal.h) that router-configuration programs use together with <mprapi.h> and its companion
 * headers, so that a Windows source file compiles unchanged with
 *     gcc $(pkg-config --cflags mprapi) ... $(pkg-config --libs mprapi)
 * Declared here: base types with their Windows x64 (LLP64) sizes (DWORD and ULONG are 32 bits,
 * HANDLE is a pointer), calling-convention and SAL annotations (empty), TCHAR/TEXT() (always
 * Unicode), GUID, LARGE_INTEGER, IN_ADDR/IN6_ADDR, the crypto blobs of mprapi.h, HRESULT with
 * S_OK/E_* and SUCCEEDED/FAILED, INVALID_HANDLE_VALUE, a few macros (MAKEWORD, ARRAYSIZE,
 * ZeroMemory...) and the Win32 error codes the router functions return or document.
 * No Win32 function is declared: libmprapi exports only the router functions of <mprapi.h>.
 * docs/c-api.md ("Headers") lists what is provided and what is deliberately absent.
 *
 * WCHAR is a UTF-16 code unit. It is wchar_t when wchar_t is 16 bits (gcc/clang
 * -fshort-wchar), so that L"..." literals of Windows sources are WCHAR strings; otherwise it is
 * char16_t (C++) or uint16_t (C), and TEXT("...") makes u"..." literals. glibc's wcs* and
 * wprintf functions assume a 32-bit wchar_t and must not be given WCHAR strings.
 */
#ifndef _WINDOWS_
#define _WINDOWS_
#define _WINDOWS_H_MPRCONFIG

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- calling convention and classic annotations (no meaning on Linux x86_64) ---- */
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
#ifndef STDAPICALLTYPE
#define STDAPICALLTYPE
#endif
#ifndef __stdcall
#define __stdcall
#endif
#ifndef __cdecl
#define __cdecl
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
#ifndef UNREFERENCED_PARAMETER
#define UNREFERENCED_PARAMETER(P) ((void)(P))
#endif

/* ---- SAL annotations (sal.h): documentation only, empty here as with non-Microsoft compilers.
 * __in/__out/__inout are left out of C++ with g++/clang++: libstdc++ names parameters so. ---- */
#define _In_
#define _In_opt_
#define _In_z_
#define _In_opt_z_
#define _In_reads_(n)
#define _In_reads_opt_(n)
#define _In_reads_bytes_(n)
#define _In_reads_bytes_opt_(n)
#define _In_range_(lo, hi)
#define _Out_
#define _Out_opt_
#define _Out_writes_(n)
#define _Out_writes_opt_(n)
#define _Out_writes_bytes_(n)
#define _Out_writes_bytes_opt_(n)
#define _Out_writes_to_(n, c)
#define _Out_writes_bytes_to_(n, c)
#define _Out_writes_z_(n)
#define _Out_range_(lo, hi)
#define _Inout_
#define _Inout_opt_
#define _Inout_z_
#define _Inout_updates_(n)
#define _Inout_updates_opt_(n)
#define _Inout_updates_bytes_(n)
#define _Outptr_
#define _Outptr_opt_
#define _Outptr_result_maybenull_
#define _Outptr_opt_result_maybenull_
#define _Outptr_result_buffer_(n)
#define _Outptr_result_bytebuffer_(n)
#define _Deref_out_
#define _Deref_out_opt_
#define _Ret_maybenull_
#define _Ret_notnull_
#define _Ret_z_
#define _Result_nullonfailure_
#define _Success_(expr)
#define _Check_return_
#define _Must_inspect_result_
#define _Use_decl_annotations_
#define _Reserved_
#define _Null_terminated_
#define _NullNull_terminated_
#define _Field_size_(n)
#define _Field_size_opt_(n)
#define _Field_size_bytes_(n)
#define _Field_size_bytes_opt_(n)
#define _Field_range_(lo, hi)
#define _Frees_ptr_
#define _Frees_ptr_opt_
#define _Post_invalid_
#define _Pre_
#define _Post_
#define _Pre_valid_
#define _Post_valid_
#define _Printf_format_string_
#define _When_(expr, annotes)
#define _Always_(annotes)
#define _Analysis_assume_(expr)
#define _Maybenull_
#define _Notnull_
#if !defined(__cplusplus)
#define __in
#define __out
#define __inout
#endif
#define __in_opt
#define __out_opt
#define __inout_opt
#define __in_z
#define __in_opt_z
#define __in_ecount(n)
#define __in_ecount_opt(n)
#define __in_bcount(n)
#define __in_bcount_opt(n)
#define __out_ecount(n)
#define __out_ecount_opt(n)
#define __out_bcount(n)
#define __out_bcount_opt(n)
#define __out_ecount_part(n, c)
#define __out_bcount_part(n, c)
#define __inout_ecount(n)
#define __inout_bcount(n)
#define __deref_out
#define __deref_out_opt
#define __deref_inout
#define __deref_out_ecount(n)
#define __deref_out_bcount(n)
#define __reserved
#define __checkReturn
#define __success(expr)
#define __nullterminated
#define __notnull
#define __maybenull
#define __callback

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif
#ifndef NULL
#ifdef __cplusplus
#define NULL 0
#else
#define NULL ((void *)0)
#endif
#endif

/* ---- integer types (LLP64 sizes) ---- */
typedef uint8_t BYTE, *PBYTE, *LPBYTE;
typedef uint8_t UCHAR, *PUCHAR;
typedef uint8_t BOOLEAN, *PBOOLEAN;
typedef char CHAR, *PCHAR, *LPSTR, *PSTR;
typedef const char *LPCSTR, *PCSTR;
typedef int8_t INT8, *PINT8;
typedef uint8_t UINT8, *PUINT8;
typedef uint16_t WORD, *PWORD, *LPWORD;
typedef uint16_t USHORT, *PUSHORT;
typedef int16_t SHORT, *PSHORT;
typedef int16_t INT16, *PINT16;
typedef uint16_t UINT16, *PUINT16;
typedef uint32_t DWORD, *PDWORD, *LPDWORD;
typedef uint32_t ULONG, *PULONG;
typedef uint32_t UINT, *PUINT;
typedef uint32_t UINT32, *PUINT32, ULONG32, *PULONG32, DWORD32, *PDWORD32;
typedef int32_t LONG, *PLONG, *LPLONG;
typedef int32_t INT, *PINT, *LPINT;
typedef int32_t INT32, *PINT32, LONG32, *PLONG32;
typedef int32_t BOOL, *PBOOL, *LPBOOL;
typedef uint64_t ULONGLONG, *PULONGLONG, DWORD64, *PDWORD64, ULONG64, *PULONG64, UINT64, *PUINT64;
typedef uint64_t DWORDLONG, *PDWORDLONG;
typedef int64_t LONGLONG, *PLONGLONG, LONG64, *PLONG64, INT64, *PINT64;
typedef uintptr_t ULONG_PTR, *PULONG_PTR, UINT_PTR, *PUINT_PTR, DWORD_PTR, *PDWORD_PTR;
typedef uintptr_t SIZE_T, *PSIZE_T;
typedef intptr_t LONG_PTR, *PLONG_PTR, INT_PTR, *PINT_PTR, SSIZE_T, *PSSIZE_T;
typedef float FLOAT, *PFLOAT;
typedef void *PVOID, *LPVOID;
typedef const void *LPCVOID, *PCVOID;

/* ---- handles: opaque pointer-sized values ---- */
typedef void *HANDLE, **PHANDLE, **LPHANDLE;
typedef HANDLE HMODULE, HINSTANCE, HKEY, *PHKEY, HLOCAL, HGLOBAL;
#define INVALID_HANDLE_VALUE ((HANDLE)(LONG_PTR)-1)

/* ---- 64-bit integers with halves (winnt.h) ---- */
typedef union _LARGE_INTEGER {
    struct {
        DWORD LowPart;
        LONG HighPart;
    } u;
    LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

typedef union _ULARGE_INTEGER {
    struct {
        DWORD LowPart;
        DWORD HighPart;
    } u;
    ULONGLONG QuadPart;
} ULARGE_INTEGER, *PULARGE_INTEGER;

/* ---- UTF-16 characters; TCHAR is always WCHAR (Unicode builds, as mprapi.h requires) ---- */
#if defined(__SIZEOF_WCHAR_T__) && __SIZEOF_WCHAR_T__ == 2
typedef wchar_t WCHAR;
#define __TEXT(quote) L##quote
#elif defined(__cplusplus)
typedef char16_t WCHAR;
#define __TEXT(quote) u##quote
#else
typedef uint16_t WCHAR;
#define __TEXT(quote) u##quote
#endif
typedef WCHAR *PWCHAR, *LPWCH, *PWCH, *LPWSTR, *PWSTR, *NWPSTR;
typedef const WCHAR *LPCWSTR, *PCWSTR, *LPCWCH, *PCWCH;
typedef WCHAR TCHAR, *PTCHAR, TBYTE, *PTBYTE;
typedef LPWSTR LPTSTR, PTSTR, LPTCH, PTCH;
typedef LPCWSTR LPCTSTR, PCTSTR;
#ifndef UNICODE
#define UNICODE
#endif
#ifndef _UNICODE
#define _UNICODE
#endif
/* A string or character literal of TCHARs: TEXT("eth0"). */
#define TEXT(quote) __TEXT(quote)

/* ---- small macros (windef.h, winnt.h, minwinbase.h) ---- */
#define MAKEWORD(a, b) ((WORD)(((BYTE)((DWORD_PTR)(a) & 0xff)) | ((WORD)((BYTE)((DWORD_PTR)(b) & 0xff))) << 8))
#define MAKELONG(a, b) ((LONG)(((WORD)((DWORD_PTR)(a) & 0xffff)) | ((DWORD)((WORD)((DWORD_PTR)(b) & 0xffff))) << 16))
#define LOWORD(l) ((WORD)((DWORD_PTR)(l) & 0xffff))
#define HIWORD(l) ((WORD)((DWORD_PTR)(l) >> 16))
#define LOBYTE(w) ((BYTE)((DWORD_PTR)(w) & 0xff))
#define HIBYTE(w) ((BYTE)((DWORD_PTR)(w) >> 8))
#define ARRAYSIZE(a) (sizeof(a) / sizeof((a)[0]))
#ifndef _countof
#define _countof(a) (sizeof(a) / sizeof((a)[0]))
#endif
#define FIELD_OFFSET(type, field) ((LONG)offsetof(type, field))
#define RTL_FIELD_SIZE(type, field) (sizeof(((type *)0)->field))
#define CONTAINING_RECORD(address, type, field) \
    ((type *)((PCHAR)(address) - (ULONG_PTR)offsetof(type, field)))
/* The memory macros of winbase.h, over the C library (<string.h>). */
#define RtlZeroMemory(d, n)    memset((d), 0, (n))
#define RtlFillMemory(d, n, f) memset((d), (f), (n))
#define RtlCopyMemory(d, s, n) memcpy((d), (s), (n))
#define RtlMoveMemory(d, s, n) memmove((d), (s), (n))
#define RtlEqualMemory(a, b, n) (!memcmp((a), (b), (n)))
#define ZeroMemory  RtlZeroMemory
#define FillMemory  RtlFillMemory
#define CopyMemory  RtlCopyMemory
#define MoveMemory  RtlMoveMemory
#define EqualMemory RtlEqualMemory
#define ANYSIZE_ARRAY 1

/* ---- GUID (guiddef.h) ---- */
#ifndef GUID_DEFINED
#define GUID_DEFINED
typedef struct _GUID {
    uint32_t Data1;
    uint16_t Data2;
    uint16_t Data3;
    uint8_t Data4[8];
} GUID, *PGUID, *LPGUID;
#endif
typedef const GUID *LPCGUID;
typedef GUID IID, CLSID, *LPIID, *LPCLSID;
#ifdef __cplusplus
#define REFGUID const GUID &
#else
#define REFGUID const GUID *const
#endif
#define IsEqualGUID(a, b) (!memcmp((a), (b), sizeof(GUID)))
#define InlineIsEqualGUID IsEqualGUID

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

/* ---- Win32 error codes (winerror.h): the codes the router functions return or document ---- */
#define ERROR_SUCCESS                        0
#define NO_ERROR                             0
#define ERROR_INVALID_FUNCTION               1
#define ERROR_FILE_NOT_FOUND                 2
#define ERROR_PATH_NOT_FOUND                 3
#define ERROR_TOO_MANY_OPEN_FILES            4
#define ERROR_ACCESS_DENIED                  5
#define ERROR_INVALID_HANDLE                 6
#define ERROR_NOT_ENOUGH_MEMORY              8
#define ERROR_BAD_FORMAT                     11
#define ERROR_INVALID_ACCESS                 12
#define ERROR_INVALID_DATA                   13
#define ERROR_OUTOFMEMORY                    14
#define ERROR_NO_MORE_FILES                  18
#define ERROR_WRITE_PROTECT                  19
#define ERROR_NOT_READY                      21
#define ERROR_BAD_LENGTH                     24
#define ERROR_WRITE_FAULT                    29
#define ERROR_READ_FAULT                     30
#define ERROR_GEN_FAILURE                    31
#define ERROR_SHARING_VIOLATION              32
#define ERROR_LOCK_VIOLATION                 33
#define ERROR_HANDLE_EOF                     38
#define ERROR_HANDLE_DISK_FULL               39
#define ERROR_NOT_SUPPORTED                  50
#define ERROR_REM_NOT_LIST                   51
#define ERROR_DUP_NAME                       52
#define ERROR_BAD_NETPATH                    53
#define ERROR_NETWORK_BUSY                   54
#define ERROR_DEV_NOT_EXIST                  55
#define ERROR_UNEXP_NET_ERR                  59
#define ERROR_NETNAME_DELETED                64
#define ERROR_NETWORK_ACCESS_DENIED          65
#define ERROR_BAD_NET_NAME                   67
#define ERROR_FILE_EXISTS                    80
#define ERROR_CANNOT_MAKE                    82
#define ERROR_INVALID_PASSWORD               86
#define ERROR_INVALID_PARAMETER              87
#define ERROR_OPEN_FAILED                    110
#define ERROR_BUFFER_OVERFLOW                111
#define ERROR_DISK_FULL                      112
#define ERROR_CALL_NOT_IMPLEMENTED           120
#define ERROR_SEM_TIMEOUT                    121
#define ERROR_INSUFFICIENT_BUFFER            122
#define ERROR_INVALID_NAME                   123
#define ERROR_INVALID_LEVEL                  124
#define ERROR_MOD_NOT_FOUND                  126
#define ERROR_PROC_NOT_FOUND                 127
#define ERROR_BAD_ARGUMENTS                  160
#define ERROR_BAD_PATHNAME                   161
#define ERROR_BUSY                           170
#define ERROR_ALREADY_EXISTS                 183
#define ERROR_ENVVAR_NOT_FOUND               203
#define ERROR_FILENAME_EXCED_RANGE           206
#define ERROR_NO_DATA                        232
#define ERROR_MORE_DATA                      234
#define ERROR_NO_MORE_ITEMS                  259
#define ERROR_DIRECTORY                      267
#define ERROR_NOT_OWNER                      288
#define ERROR_INVALID_ADDRESS                487
#define ERROR_ARITHMETIC_OVERFLOW            534
#define ERROR_OPERATION_ABORTED              995
#define ERROR_IO_INCOMPLETE                  996
#define ERROR_IO_PENDING                     997
#define ERROR_NOACCESS                       998
#define ERROR_CAN_NOT_COMPLETE               1003
#define ERROR_INVALID_FLAGS                  1004
#define ERROR_BADDB                          1009
#define ERROR_BADKEY                         1010
#define ERROR_CANTOPEN                       1011
#define ERROR_CANTREAD                       1012
#define ERROR_CANTWRITE                      1013
#define ERROR_REGISTRY_RECOVERED             1014
#define ERROR_REGISTRY_CORRUPT               1015
#define ERROR_REGISTRY_IO_FAILED             1016
#define ERROR_NOT_REGISTRY_FILE              1017
#define ERROR_KEY_DELETED                    1018
#define ERROR_KEY_HAS_CHILDREN               1020
#define ERROR_DEPENDENT_SERVICES_RUNNING     1051
#define ERROR_INVALID_SERVICE_CONTROL        1052
#define ERROR_SERVICE_REQUEST_TIMEOUT        1053
#define ERROR_SERVICE_ALREADY_RUNNING        1056
#define ERROR_SERVICE_DISABLED               1058
#define ERROR_SERVICE_DOES_NOT_EXIST         1060
#define ERROR_SERVICE_NOT_ACTIVE             1062
#define ERROR_SERVICE_SPECIFIC_ERROR         1066
#define ERROR_SERVICE_MARKED_FOR_DELETE      1072
#define ERROR_SERVICE_EXISTS                 1073
#define ERROR_NO_UNICODE_TRANSLATION         1113
#define ERROR_NOT_FOUND                      1168
#define ERROR_NO_NET_OR_BAD_PATH             1203
#define ERROR_CANCELLED                      1223
#define ERROR_CONNECTION_REFUSED             1225
#define ERROR_CONNECTION_INVALID             1229
#define ERROR_CONNECTION_ACTIVE              1230
#define ERROR_NETWORK_UNREACHABLE            1231
#define ERROR_HOST_UNREACHABLE               1232
#define ERROR_PROTOCOL_UNREACHABLE           1233
#define ERROR_PORT_UNREACHABLE               1234
#define ERROR_CONNECTION_ABORTED             1236
#define ERROR_RETRY                          1237
#define ERROR_CONNECTION_COUNT_LIMIT         1238
#define ERROR_INCORRECT_ADDRESS              1241
#define ERROR_NOT_AUTHENTICATED              1244
#define ERROR_NOT_LOGGED_ON                  1245
#define ERROR_PRIVILEGE_NOT_HELD             1314
#define ERROR_NO_SUCH_USER                   1317
#define ERROR_LOGON_FAILURE                  1326
#define ERROR_PASSWORD_EXPIRED               1330
#define ERROR_ACCOUNT_DISABLED               1331
#define ERROR_INTERNAL_ERROR                 1359
#define ERROR_INVALID_INDEX                  1413
#define ERROR_NO_SYSTEM_RESOURCES            1450
#define ERROR_TIMEOUT                        1460
#define RPC_S_INVALID_BINDING                1702
#define RPC_S_PROTSEQ_NOT_SUPPORTED          1703
#define RPC_S_UNKNOWN_IF                     1717
#define RPC_S_SERVER_UNAVAILABLE             1722
#define RPC_S_SERVER_TOO_BUSY                1723
#define RPC_S_CALL_FAILED                    1726
#define RPC_S_PROTOCOL_ERROR                 1728
#define ERROR_INVALID_USER_BUFFER            1784
#define ERROR_SUCCESS_REBOOT_REQUIRED        3010
#define ERROR_SUCCESS_RESTART_REQUIRED       3011
#define ERROR_INVALID_STATE                  5023

#ifndef MAX_PATH
#define MAX_PATH 260
#endif

/* ---- HRESULT (winerror.h) ---- */
typedef LONG HRESULT;

#define SEVERITY_SUCCESS 0
#define SEVERITY_ERROR   1
#define FACILITY_NULL    0
#define FACILITY_RPC     1
#define FACILITY_ITF     4
#define FACILITY_WIN32   7
#define FACILITY_WINDOWS 8

#define SUCCEEDED(hr)          (((HRESULT)(hr)) >= 0)
#define FAILED(hr)             (((HRESULT)(hr)) < 0)
#define IS_ERROR(status)       (((DWORD)(status) >> 31) == SEVERITY_ERROR)
#define HRESULT_CODE(hr)       ((hr) & 0xFFFF)
#define HRESULT_FACILITY(hr)   (((hr) >> 16) & 0x1FFF)
#define HRESULT_SEVERITY(hr)   (((hr) >> 31) & 0x1)
#define MAKE_HRESULT(sev, fac, code) \
    ((HRESULT)(((DWORD)(sev) << 31) | ((DWORD)(fac) << 16) | ((DWORD)(code))))
/* A Win32 error code as an HRESULT: 0 stays S_OK, others get FACILITY_WIN32 and the error bit.
 * __HRESULT_FROM_WIN32 is the macro form (it evaluates x more than once); HRESULT_FROM_WIN32
 * is, as in the current SDK, an inline function (a call in its argument runs once). Being
 * static inline it is no library export. */
#define __HRESULT_FROM_WIN32(x)                                                        \
    ((HRESULT)(x) <= 0 ? ((HRESULT)(x))                                                \
                       : ((HRESULT)(((DWORD)(x) & 0x0000FFFF) | (FACILITY_WIN32 << 16) | \
                                    0x80000000)))
static inline HRESULT HRESULT_FROM_WIN32(unsigned long x)
{
    return __HRESULT_FROM_WIN32(x);
}

#define S_OK           ((HRESULT)0)
#define S_FALSE        ((HRESULT)1)
#define E_UNEXPECTED   ((HRESULT)0x8000FFFF)
#define E_NOTIMPL      ((HRESULT)0x80004001)
#define E_OUTOFMEMORY  ((HRESULT)0x8007000E)
#define E_INVALIDARG   ((HRESULT)0x80070057)
#define E_NOINTERFACE  ((HRESULT)0x80004002)
#define E_POINTER      ((HRESULT)0x80004003)
#define E_HANDLE       ((HRESULT)0x80070006)
#define E_ABORT        ((HRESULT)0x80004004)
#define E_FAIL         ((HRESULT)0x80004005)
#define E_ACCESSDENIED ((HRESULT)0x80070005)
#define E_PENDING      ((HRESULT)0x8000000A)
#define E_BOUNDS       ((HRESULT)0x8000000B)

#ifdef __cplusplus
}
#endif

#endif /* _WINDOWS_ */
