/*
 * winnt.h: the base types, TEXT() and LARGE_INTEGER live in <windows.h>
 * (libmprapi, mprconfig for Linux). Windows sources include it by this name; it forwards.
 */
#ifndef _MPRCONFIG_WINNT_H_
#define _MPRCONFIG_WINNT_H_
#include <windows.h>
#endif
