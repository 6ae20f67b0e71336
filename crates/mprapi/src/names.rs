//! GUID name ↔ friendly name translation.

#![allow(non_snake_case)]

use mprconfig_core::{Error, Result, WinError};

use crate::guard::{guard, not_null};
use crate::types::*;
use crate::{Conn, handles, wide};

/// Writes `s` NUL-terminated into a caller buffer of `size` bytes, or fails with
/// `ERROR_BUFFER_OVERFLOW` writing nothing.
///
/// # Safety
/// `buf` writable for `size` bytes.
unsafe fn write_out(buf: *mut u16, size: u32, s: &str) -> Result<()> {
    let units = wide::encode_z(s);
    let need = units.len() * 2;
    if need > size as usize {
        return Err(Error::new(
            WinError::ERROR_BUFFER_OVERFLOW,
            format!("the name needs {need} bytes, the buffer has {size}"),
        ));
    }
    // SAFETY: caller contract; `need` <= `size`.
    unsafe { std::ptr::copy_nonoverlapping(units.as_ptr() as *const u8, buf as *mut u8, need) };
    Ok(())
}

unsafe fn translate(
    cfg: HANDLE,
    name: *const u16,
    param: &str,
    buf: *mut u16,
    size: u32,
    f: impl FnOnce(&Conn, &str) -> Result<String>,
) -> Result<()> {
    not_null(cfg, "hMprConfig")?;
    not_null(name, param)?;
    not_null(buf, "pszBuffer")?;
    // SAFETY: caller contract.
    let input = unsafe { wide::read(name, MAX_INTERFACE_NAME_LEN, param) }?;
    let conn = handles::config(cfg, "hMprConfig")?;
    let out = f(&conn, &input)?;
    // SAFETY: caller contract.
    unsafe { write_out(buf, size, &out) }
}

/// `MprConfigGetFriendlyName`: the friendly name (the Linux link name, e.g. `eth0`) of the
/// interface whose GUID name is `pszGuidName`, written NUL-terminated into `pszBuffer`
/// (`dwBufferSize` bytes). For a configured interface whose name is not a GUID (demand-dial,
/// internal, loopback) the name itself is returned (spec Q23).
///
/// Errors: 87 — a NULL argument, an input longer than 256 characters; 6 — not a live config
/// handle; `ERROR_NOT_FOUND` (1168) — unknown name; `ERROR_BUFFER_OVERFLOW` (111) — the buffer
/// is too small for the name and its terminator (nothing is written).
///
/// # Safety
/// `pszGuidName` NULL or NUL-terminated; `pszBuffer` NULL or writable for `dwBufferSize` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprConfigGetFriendlyName(
    hMprConfig: HANDLE,
    pszGuidName: *const u16,
    pszBuffer: *mut u16,
    dwBufferSize: u32,
) -> u32 {
    guard("MprConfigGetFriendlyName", || {
        // SAFETY: forwarded caller contract.
        unsafe {
            translate(
                hMprConfig,
                pszGuidName,
                "pszGuidName",
                pszBuffer,
                dwBufferSize,
                |c, n| c.get_friendly_name(n),
            )
        }
    })
}

/// `MprConfigGetGuidName`: the GUID name (`{XXXXXXXX-…}`) of the interface whose friendly name
/// is `pszFriendlyName`, written NUL-terminated into `pszBuffer` (`dwBufferSize` bytes). For a
/// configured non-GUID interface name the name itself is returned (spec Q23).
///
/// Errors: as `MprConfigGetFriendlyName`.
///
/// # Safety
/// `pszFriendlyName` NULL or NUL-terminated; `pszBuffer` NULL or writable for `dwBufferSize`
/// bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprConfigGetGuidName(
    hMprConfig: HANDLE,
    pszFriendlyName: *const u16,
    pszBuffer: *mut u16,
    dwBufferSize: u32,
) -> u32 {
    guard("MprConfigGetGuidName", || {
        // SAFETY: forwarded caller contract.
        unsafe {
            translate(
                hMprConfig,
                pszFriendlyName,
                "pszFriendlyName",
                pszBuffer,
                dwBufferSize,
                |c, n| c.get_guid_name(n),
            )
        }
    })
}
