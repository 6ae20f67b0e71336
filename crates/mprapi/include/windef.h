/*
 * windef.h: the base types live in <windows.h> (BYTE, WORD, DWORD, BOOL, HANDLE, MAKEWORD, ...)
 * (libmprapi, mprconfig for Linux). Windows sources include it by this name; it forwards.
 */
#ifndef _MPRCONFIG_WINDEF_H_
#define _MPRCONFIG_WINDEF_H_
#include <windows.h>
#endif
