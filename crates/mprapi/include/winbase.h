/*
 * winbase.h: the Win32 base declarations live in <windows.h> (ZeroMemory, CopyMemory, INVALID_HANDLE_VALUE, ...)
 * (libmprapi, mprconfig for Linux). Windows sources include it by this name; it forwards.
 */
#ifndef _MPRCONFIG_WINBASE_H_
#define _MPRCONFIG_WINBASE_H_
#include <windows.h>
#endif
