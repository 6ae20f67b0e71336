//! Transport (router manager) functions: create, delete, enumerate, handle, get/set info.

#![allow(non_snake_case)]

use mprconfig_core::{Error, Result, TransportEntry, TransportId, WinError};

use crate::alloc::Owned;
use crate::guard::{check_level, guard, not_null};
use crate::handles::{self, Child, Kind};
use crate::out::{self, Buf, BufLen, Ptr};
use crate::types::*;
use crate::{Conn, MAX_PATH_LEN, blob, enumerate, wide};

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
    // SAFETY: `phRouterTransport` NULL or writable (caller contract).
    let out = unsafe { Ptr::new(phRouterTransport) };
    out::run("MprConfigTransportCreate", out, || {
        not_null(hMprConfig, "hMprConfig")?;
        not_null(phRouterTransport, "phRouterTransport")?;
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
    // SAFETY: `phRouterTransport` NULL or writable (caller contract).
    let out = unsafe { Ptr::new(phRouterTransport) };
    out::run("MprConfigTransportGetHandle", out, || {
        not_null(hMprConfig, "hMprConfig")?;
        not_null(phRouterTransport, "phRouterTransport")?;
        let conn = handles::config(hMprConfig, "hMprConfig")?;
        let id = conn.transport_get_handle(dwTransportId)?;
        handles::child_handle(hMprConfig, Child::Transport(id))
    })
}

/// A stored blob as a new buffer and its size for a [`BufLen`], `None` when none is stored.
pub(crate) fn blob_out(b: &Option<Vec<u8>>) -> Result<Option<(Owned, u32)>> {
    b.as_ref()
        // At least 28 bytes, like MprInfoCreate, so code reading TocEntry[0] never faults.
        .map(|v| Ok((Owned::copy(v, 28)?, v.len() as u32)))
        .transpose()
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
    // SAFETY: output pointers NULL or writable (caller contract).
    let out = unsafe {
        (
            BufLen::new(ppGlobalInfo, lpdwGlobalInfoSize),
            BufLen::new(ppClientInterfaceInfo, lpdwClientInterfaceInfoSize),
            Buf::new(lplpwsDLLPath),
        )
    };
    out::run("MprConfigTransportGetInfo", out, || {
        not_null(hMprConfig, "hMprConfig")?;
        not_null(hRouterTransport, "hRouterTransport")?;
        if !ppGlobalInfo.is_null() {
            not_null(lpdwGlobalInfoSize, "lpdwGlobalInfoSize")?;
        }
        if !ppClientInterfaceInfo.is_null() {
            not_null(lpdwClientInterfaceInfoSize, "lpdwClientInterfaceInfoSize")?;
        }
        let (conn, id) = resolve(hMprConfig, hRouterTransport)?;
        if ppGlobalInfo.is_null() && ppClientInterfaceInfo.is_null() && lplpwsDLLPath.is_null() {
            return Ok((None, None, None));
        }
        let info = conn.transport_get_info(&id)?;
        // Only what the caller asks for is allocated.
        let global = if ppGlobalInfo.is_null() {
            None
        } else {
            blob_out(&info.global_info)?
        };
        let client = if ppClientInterfaceInfo.is_null() {
            None
        } else {
            blob_out(&info.client_interface_info)?
        };
        let dll = match (&info.dll_path, lplpwsDLLPath.is_null()) {
            (Some(path), false) => Some(Owned::slice(&wide::encode_z(path))?),
            _ => None,
        };
        Ok((global, client, dll))
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
    // SAFETY: pointer arguments NULL or writable (caller contract).
    let out = unsafe {
        enumerate::Outs::new(
            lplpBuffer,
            lpdwEntriesRead,
            lpdwTotalEntries,
            lpdwResumeHandle,
        )
    };
    out::run("MprConfigTransportEnum", out, || {
        not_null(hMprConfig, "hMprConfig")?;
        out.check()?;
        check_level(dwLevel, 0)?;
        enumerate::check_pref_max_len::<MPR_TRANSPORT_0>(dwPrefMaxLen)?;
        let conn = handles::config(hMprConfig, "hMprConfig")?;
        // SAFETY: `resume` NULL or readable (caller contract).
        unsafe {
            enumerate::page(
                lpdwResumeHandle,
                dwPrefMaxLen,
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
    })
}
