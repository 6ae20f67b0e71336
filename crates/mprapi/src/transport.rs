//! Transport (router manager) functions: create, delete, enumerate, handle, get/set info.

#![allow(non_snake_case)]

use mprconfig_core::{Error, Result, TransportEntry, TransportId, WinError};

use crate::guard::{clear, guard, not_null, put, put_or_null};
use crate::handles::{self, Child, Kind};
use crate::server::clear_out;
use crate::types::*;
use crate::{Conn, MAX_PATH_LEN, alloc, blob, enumerate, wide};

fn resolve(cfg: HANDLE, h: HANDLE) -> Result<(Conn, TransportId)> {
    let (conn, child) = handles::config_and_child(cfg, h, Kind::Transport, "hRouterTransport")?;
    match *child {
        Child::Transport(id) => Ok((conn, id)),
        _ => Err(Error::new(
            WinError::ERROR_INVALID_HANDLE,
            "hRouterTransport",
        )),
    }
}

/// `MprConfigTransportCreate`: creates the transport `dwTransportId` (or, if it exists, updates
/// it like `MprConfigTransportSetInfo`) and returns its handle. `lpwsTransportName` NULL gives
/// "IP", "IPX", "IPv6" for `PID_IP`/`PID_IPX`/`PID_IPV6`, else the id in decimal.
/// `pGlobalInfo`/`pClientInterfaceInfo` are information headers of the given sizes (NULL =
/// none stored); `lpwsDLLPath` NULL stores no path.
///
/// Errors: 87 — `hMprConfig` or `phRouterTransport` NULL, a name above 40 or a path above 4096
/// characters, a non-NULL header with size 0 or a malformed header, a size above 16 MiB; 6 — not
/// a live config handle. `*phRouterTransport` is NULL on failure.
///
/// # Safety
/// Strings NULL or NUL-terminated; each header NULL or readable for its size;
/// `phRouterTransport` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprConfigTransportCreate(
    hMprConfig: HANDLE,
    dwTransportId: u32,
    lpwsTransportName: *const u16,
    pGlobalInfo: *const u8,
    dwGlobalInfoSize: u32,
    pClientInterfaceInfo: *const u8,
    dwClientInterfaceInfoSize: u32,
    lpwsDLLPath: *const u16,
    phRouterTransport: *mut HANDLE,
) -> u32 {
    guard("MprConfigTransportCreate", || {
        not_null(hMprConfig, "hMprConfig")?;
        not_null(phRouterTransport, "phRouterTransport")?;
        let r = (|| {
            // SAFETY (all reads): caller contract.
            let name = unsafe {
                wide::read_opt(
                    lpwsTransportName,
                    MAX_TRANSPORT_NAME_LEN,
                    "lpwsTransportName",
                )
            }?;
            let global = unsafe { blob::opt_bytes(pGlobalInfo, dwGlobalInfoSize, "pGlobalInfo") }?;
            let client = unsafe {
                blob::opt_bytes(
                    pClientInterfaceInfo,
                    dwClientInterfaceInfoSize,
                    "pClientInterfaceInfo",
                )
            }?;
            let dll = unsafe { wide::read_opt(lpwsDLLPath, MAX_PATH_LEN, "lpwsDLLPath") }?;
            let conn = handles::config(hMprConfig, "hMprConfig")?;
            let id = conn.transport_create(
                dwTransportId,
                name.as_deref(),
                global,
                client,
                dll.as_deref(),
            )?;
            handles::child_handle(hMprConfig, Child::Transport(id))
        })();
        // SAFETY: checked non-NULL.
        unsafe { put_or_null(phRouterTransport, r) }
    })
}

/// `MprConfigTransportDelete`: removes a transport's global configuration. Interface-transports
/// of the same id on interfaces stay (spec Q21).
///
/// Errors: 87 — a handle NULL; 6 — not live handles of this config; 902 — already deleted.
///
/// # Safety
/// None; handles are never dereferenced.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprConfigTransportDelete(
    hMprConfig: HANDLE,
    hRouterTransport: HANDLE,
) -> u32 {
    guard("MprConfigTransportDelete", || {
        not_null(hMprConfig, "hMprConfig")?;
        not_null(hRouterTransport, "hRouterTransport")?;
        let (conn, id) = resolve(hMprConfig, hRouterTransport)?;
        conn.transport_delete(&id)
    })
}

/// `MprConfigTransportGetHandle`: the handle of transport `dwTransportId`.
///
/// Errors: 87 — `hMprConfig` or `phRouterTransport` NULL; 6 — not a live config handle;
/// `ERROR_UNKNOWN_PROTOCOL_ID` (902) — not configured. `*phRouterTransport` is NULL on failure.
///
/// # Safety
/// `phRouterTransport` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprConfigTransportGetHandle(
    hMprConfig: HANDLE,
    dwTransportId: u32,
    phRouterTransport: *mut HANDLE,
) -> u32 {
    guard("MprConfigTransportGetHandle", || {
        not_null(hMprConfig, "hMprConfig")?;
        not_null(phRouterTransport, "phRouterTransport")?;
        let r = (|| {
            let conn = handles::config(hMprConfig, "hMprConfig")?;
            let id = conn.transport_get_handle(dwTransportId)?;
            handles::child_handle(hMprConfig, Child::Transport(id))
        })();
        // SAFETY: checked non-NULL.
        unsafe { put_or_null(phRouterTransport, r) }
    })
}

/// A new buffer with a stored blob, or NULL and 0 when none is stored.
pub(crate) fn blob_out(b: &Option<Vec<u8>>, owned: &mut Vec<*mut u8>) -> Result<(*mut u8, u32)> {
    match b {
        None => Ok((std::ptr::null_mut(), 0)),
        Some(v) => {
            // At least 28 bytes, like MprInfoCreate, so code reading TocEntry[0] never faults.
            let p = alloc::alloc_copy(v, 28)?;
            owned.push(p);
            Ok((p, v.len() as u32))
        }
    }
}

/// `MprConfigTransportGetInfo`: the transport's global information header
/// (`*ppGlobalInfo`, size in `*lpdwGlobalInfoSize`), default client-interface header
/// (`*ppClientInterfaceInfo`) and router-manager DLL path (`*lplpwsDLLPath`), each a new buffer
/// freed with `MprConfigBufferFree`, or NULL (size 0) when not stored. A NULL output pointer
/// skips that item; all three NULL does nothing after checking the handles.
///
/// Errors: 87 — a handle NULL, an info pointer given without its size pointer; 6 — not live
/// handles of this config; 902 — the transport was deleted. Every given output pointer is NULL
/// on failure.
///
/// # Safety
/// Output pointers NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprConfigTransportGetInfo(
    hMprConfig: HANDLE,
    hRouterTransport: HANDLE,
    ppGlobalInfo: *mut *mut u8,
    lpdwGlobalInfoSize: *mut u32,
    ppClientInterfaceInfo: *mut *mut u8,
    lpdwClientInterfaceInfoSize: *mut u32,
    lplpwsDLLPath: *mut *mut u16,
) -> u32 {
    guard("MprConfigTransportGetInfo", || {
        let r = (|| {
            not_null(hMprConfig, "hMprConfig")?;
            not_null(hRouterTransport, "hRouterTransport")?;
            if !ppGlobalInfo.is_null() {
                not_null(lpdwGlobalInfoSize, "lpdwGlobalInfoSize")?;
            }
            if !ppClientInterfaceInfo.is_null() {
                not_null(lpdwClientInterfaceInfoSize, "lpdwClientInterfaceInfoSize")?;
            }
            let (conn, id) = resolve(hMprConfig, hRouterTransport)?;
            if ppGlobalInfo.is_null() && ppClientInterfaceInfo.is_null() && lplpwsDLLPath.is_null()
            {
                return Ok(());
            }
            let info = conn.transport_get_info(&id)?;
            let mut owned = Vec::new();
            let result = (|| {
                let global = if ppGlobalInfo.is_null() {
                    None
                } else {
                    Some(blob_out(&info.global_info, &mut owned)?)
                };
                let client = if ppClientInterfaceInfo.is_null() {
                    None
                } else {
                    Some(blob_out(&info.client_interface_info, &mut owned)?)
                };
                let dll = match (&info.dll_path, lplpwsDLLPath.is_null()) {
                    (_, true) | (None, false) => std::ptr::null_mut(),
                    (Some(path), false) => {
                        let mut units = wide::encode(path);
                        units.push(0);
                        let p = alloc::alloc(units.len() * 2)?;
                        owned.push(p);
                        // SAFETY: room for `units.len()` u16.
                        unsafe {
                            std::ptr::copy_nonoverlapping(
                                units.as_ptr(),
                                p as *mut u16,
                                units.len(),
                            )
                        };
                        p as *mut u16
                    }
                };
                Ok::<_, Error>((global, client, dll))
            })();
            let (global, client, dll) = match result {
                Ok(v) => v,
                Err(e) => {
                    for p in owned {
                        let _ = alloc::free(p);
                    }
                    return Err(e);
                }
            };
            // SAFETY: non-NULL pointers checked above; caller contract.
            unsafe {
                if let Some((p, n)) = global {
                    put(ppGlobalInfo, p);
                    put(lpdwGlobalInfoSize, n);
                }
                if let Some((p, n)) = client {
                    put(ppClientInterfaceInfo, p);
                    put(lpdwClientInterfaceInfoSize, n);
                }
                if !lplpwsDLLPath.is_null() {
                    put(lplpwsDLLPath, dll);
                }
            }
            Ok(())
        })();
        if r.is_err() {
            // SAFETY: NULL or writable.
            unsafe {
                clear_out(ppGlobalInfo);
                clear_out(ppClientInterfaceInfo);
                clear(lplpwsDLLPath);
            }
        }
        r
    })
}

/// `MprConfigTransportSetInfo`: replaces, in this order, the global information header, the
/// default client-interface header and the DLL path; a NULL pointer leaves that item unchanged,
/// all NULL does nothing.
///
/// Errors: 87 — a handle NULL, a non-NULL header with size 0 or malformed, a path above 4096
/// characters; 6 — not live handles of this config; 902 — the transport was deleted.
///
/// # Safety
/// Headers NULL or readable for their sizes; `lpwsDLLPath` NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprConfigTransportSetInfo(
    hMprConfig: HANDLE,
    hRouterTransport: HANDLE,
    pGlobalInfo: *const u8,
    dwGlobalInfoSize: u32,
    pClientInterfaceInfo: *const u8,
    dwClientInterfaceInfoSize: u32,
    lpwsDLLPath: *const u16,
) -> u32 {
    guard("MprConfigTransportSetInfo", || {
        not_null(hMprConfig, "hMprConfig")?;
        not_null(hRouterTransport, "hRouterTransport")?;
        // SAFETY (all reads): caller contract.
        let global = unsafe { blob::opt_bytes(pGlobalInfo, dwGlobalInfoSize, "pGlobalInfo") }?;
        let client = unsafe {
            blob::opt_bytes(
                pClientInterfaceInfo,
                dwClientInterfaceInfoSize,
                "pClientInterfaceInfo",
            )
        }?;
        let dll = unsafe { wide::read_opt(lpwsDLLPath, MAX_PATH_LEN, "lpwsDLLPath") }?;
        let (conn, id) = resolve(hMprConfig, hRouterTransport)?;
        if global.is_none() && client.is_none() && dll.is_none() {
            return Ok(());
        }
        conn.transport_set_info(&id, global, client, dll.as_deref())
    })
}

/// `MprConfigTransportEnum`: up to `dwPrefMaxLen / 104` transports (all with
/// `MAX_PREFERRED_LENGTH`) as an `MPR_TRANSPORT_0` array in one buffer freed with
/// `MprConfigBufferFree`; each `hTransport` is a usable handle. Paging as
/// `MprConfigInterfaceEnum`.
///
/// Errors: 87 — a NULL required argument, `dwLevel` not 0, `dwPrefMaxLen` < 104; 6 — not a live
/// config handle; 259 — nothing left from a non-zero resume position.
///
/// # Safety
/// Pointer arguments NULL or writable (`lpdwResumeHandle` also readable).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprConfigTransportEnum(
    hMprConfig: HANDLE,
    dwLevel: u32,
    lplpBuffer: *mut *mut u8,
    dwPrefMaxLen: u32,
    lpdwEntriesRead: *mut u32,
    lpdwTotalEntries: *mut u32,
    lpdwResumeHandle: *mut u32,
) -> u32 {
    guard("MprConfigTransportEnum", || {
        let r = (|| {
            not_null(hMprConfig, "hMprConfig")?;
            not_null(lplpBuffer, "lplpBuffer")?;
            not_null(lpdwEntriesRead, "lpdwEntriesRead")?;
            not_null(lpdwTotalEntries, "lpdwTotalEntries")?;
            if dwLevel != 0 {
                return Err(Error::invalid_parameter(format!(
                    "dwLevel must be 0, not {dwLevel}"
                )));
            }
            enumerate::check_pref_max_len::<MPR_TRANSPORT_0>(dwPrefMaxLen)?;
            let conn = handles::config(hMprConfig, "hMprConfig")?;
            // SAFETY: checked non-NULL / caller contract.
            unsafe {
                enumerate::run(
                    lplpBuffer,
                    dwPrefMaxLen,
                    lpdwEntriesRead,
                    lpdwTotalEntries,
                    lpdwResumeHandle,
                    |resume, max| conn.transport_enum(resume, max),
                    |e: &TransportEntry| {
                        let mut s: MPR_TRANSPORT_0 = zeroed();
                        s.dwTransportId = e.id.protocol_id;
                        s.hTransport = handles::child_handle(hMprConfig, Child::Transport(e.id))?;
                        wide::write_fixed(&mut s.wszTransportName, &e.name);
                        Ok(s)
                    },
                )
            }
        })();
        if r.is_err() {
            // SAFETY: NULL or writable.
            unsafe { clear_out(lplpBuffer) };
        }
        r
    })
}
