/*
 * tchar.h - generic-text mappings (libmprapi, mprconfig for Linux).
 *
 * Builds are always Unicode (mprapi.h's strings are WCHAR), so _TCHAR is WCHAR and _T("x") is a
 * UTF-16 literal: L"x" with -fshort-wchar, u"x" otherwise (see TEXT() in <windows.h>).
 * Deliberately absent: the _tcs* / _tprintf family. It maps to the wcs* / wprintf functions,
 * which glibc implements for its 32-bit wchar_t and which would misread UTF-16 strings.
 * Linux has no wide entry point: _tmain is wmain, as on Windows, and a program that defines it
 * also provides main() (converting argv) itself. docs/c-api.md ("Headers") has the details.
 */
#ifndef _INC_TCHAR
#define _INC_TCHAR

#include <windows.h>

typedef WCHAR _TCHAR;
typedef WCHAR _TSCHAR;
typedef WCHAR _TUCHAR;
typedef WCHAR _TXCHAR;
typedef uint_least32_t _TINT;

#define __T(x)  __TEXT(x)
#define _T(x)   __T(x)
#define _TEXT(x) __T(x)

#define _tmain  wmain
#define _TEOF   0xFFFF

#endif /* _INC_TCHAR */
