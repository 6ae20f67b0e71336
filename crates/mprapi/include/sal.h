/*
 * sal.h: the SAL annotations (_In_, _Out_opt_, __in ...) live in <windows.h>, as empty macros
 * (libmprapi, mprconfig for Linux). Windows sources include it by this name; it forwards.
 */
#ifndef _MPRCONFIG_SAL_H_
#define _MPRCONFIG_SAL_H_
#include <windows.h>
#endif
