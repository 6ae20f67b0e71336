/*
 * winerror.h: the Win32 error codes and HRESULT macros live in <windows.h>
 * (libmprapi, mprconfig for Linux). Windows sources include it by this name; it forwards.
 */
#ifndef _MPRCONFIG_WINERROR_H_
#define _MPRCONFIG_WINERROR_H_
#include <windows.h>
#endif
