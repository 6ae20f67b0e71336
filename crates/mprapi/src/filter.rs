//! Static packet filter switch per transport, and the buffer-free functions.

#![allow(non_snake_case)]

use std::ffi::c_void;

use crate::guard::{check_level, guard, not_null};
use crate::out::{self, Val};
use crate::types::*;
use crate::{alloc, handles};

/// `MprConfigFilterGetInfo`: writes `MPR_FILTER_0` (4 bytes: `fEnable`, whether the static
/// filters of transport `dwTransportId` are enabled) into the caller's `lpBuffer` (spec Q10:
/// the prototype's caller buffer; nothing to free).
///
/// Errors: 87 — `hMprConfig` or `lpBuffer` NULL, `dwLevel` not 0; 6 — not a live config
/// handle; store errors pass through.
///
/// # Safety
/// `lpBuffer` NULL or writable for 4 bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprConfigFilterGetInfo(
    hMprConfig: HANDLE,
    dwLevel: u32,
    dwTransportId: u32,
    lpBuffer: *mut u8,
) -> u32 {
    // SAFETY: `lpBuffer` NULL or writable for 4 bytes (caller contract).
    let out = unsafe { Val::new(lpBuffer as *mut MPR_FILTER_0) };
    out::run("MprConfigFilterGetInfo", out, || {
        not_null(hMprConfig, "hMprConfig")?;
        not_null(lpBuffer, "lpBuffer")?;
        check_level(dwLevel, 0)?;
        let conn = handles::config(hMprConfig, "hMprConfig")?;
        let enabled = conn.filter_get_info(dwTransportId)?;
        Ok(MPR_FILTER_0 {
            fEnable: enabled as BOOL,
        })
    })
}

/// `MprConfigFilterSetInfo`: enables (`fEnable` non-zero) or disables the static filters of
/// transport `dwTransportId`, from the `MPR_FILTER_0` at `lpBuffer`.
///
/// Errors: 87 — `hMprConfig` or `lpBuffer` NULL, `dwLevel` not 0; 6 — not a live config
/// handle; store errors pass through.
///
/// # Safety
/// `lpBuffer` NULL or readable for 4 bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprConfigFilterSetInfo(
    hMprConfig: HANDLE,
    dwLevel: u32,
    dwTransportId: u32,
    lpBuffer: *const u8,
) -> u32 {
    guard("MprConfigFilterSetInfo", || {
        not_null(hMprConfig, "hMprConfig")?;
        not_null(lpBuffer, "lpBuffer")?;
        check_level(dwLevel, 0)?;
        let conn = handles::config(hMprConfig, "hMprConfig")?;
        // SAFETY: checked non-NULL; caller contract.
        let f = unsafe { (lpBuffer as *const MPR_FILTER_0).read_unaligned() };
        conn.filter_set_info(dwTransportId, f.fEnable != 0)
    })
}

/// `MprConfigBufferFree`: frees a buffer returned by an `MprConfig*` function (or attached to a
/// caller's structure by `MprConfigServerGetInfoEx` / `MprConfigInterfaceGetCustomInfoEx`).
/// Headers from the `MprInfo*` functions are accepted too (one allocator backs both).
///
/// Returns `NO_ERROR`, also for NULL (no-op); `ERROR_INVALID_PARAMETER` for any pointer that is
/// not a live buffer of this library (already freed, interior, foreign), which is left alone.
/// Thread-safe.
///
/// # Safety
/// None: the pointer is looked up, never trusted.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprConfigBufferFree(pBuffer: *mut c_void) -> u32 {
    guard("MprConfigBufferFree", || alloc::free(pBuffer as *const u8))
}

/// `MprAdminBufferFree`: the same as `MprConfigBufferFree` (the `MprConfigServerGetInfoEx`
/// documentation names this function for the memory it attaches).
///
/// # Safety
/// None: the pointer is looked up, never trusted.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprAdminBufferFree(pBuffer: *mut c_void) -> u32 {
    guard("MprAdminBufferFree", || alloc::free(pBuffer as *const u8))
}
