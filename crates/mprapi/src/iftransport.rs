//! Interface-transport functions: a transport's configuration on one interface.

#![allow(non_snake_case)]

use mprconfig_core::{Error, IfTransportEntry, IfTransportId, InterfaceId, Result, WinError};

use crate::guard::{check_level, guard, not_null};
use crate::handles::{self, Child, Kind};
use crate::interface::{interface_id, resolve as resolve_interface};
use crate::out::{self, BufLen, Ptr};
use crate::transport::blob_out;
use crate::types::*;
use crate::{Conn, blob, enumerate, wide};

fn same_interface(a: &InterfaceId, b: &InterfaceId) -> bool {
    a.key == b.key && a.name.to_lowercase() == b.name.to_lowercase()
}

/// Resolves (config, interface, interface-transport) handles; the interface-transport must
/// belong to that interface (else 87).
fn resolve(cfg: HANDLE, hif: HANDLE, h: HANDLE) -> Result<(Conn, IfTransportId)> {
    let (conn, child) = resolve_interface(cfg, hif)?;
    let interface = interface_id(&child)?;
    let id = match &*handles::child(cfg, h, Kind::IfTransport, "hRouterIfTransport")? {
        Child::IfTransport(id) => id.clone(),
        _ => {
            return Err(Error::new(
                WinError::ERROR_INVALID_HANDLE,
                "hRouterIfTransport",
            ));
        }
    };
    if !same_interface(&id.interface, interface) {
        return Err(Error::invalid_parameter(format!(
            "hRouterIfTransport belongs to interface \"{}\", not to hRouterInterface \"{}\"",
            id.interface.name, interface.name
        )));
    }
    Ok((conn, id))
}

/// `MprConfigInterfaceTransportAdd`: adds transport `dwTransportId` to an interface with the
/// information header `pInterfaceInfo` (`dwInterfaceInfoSize` bytes; NULL stores none), or,
/// if the interface has it already, replaces its header; returns the interface-transport
/// handle. `lpwsTransportName` NULL gives "IP", "IPX", "IPv6" or the id in decimal.
///
/// Errors: 87 — `hMprConfig`, `hRouterInterface` or `phRouterIfTransport` NULL, a name above
/// 40 characters, a non-NULL header with size 0 or malformed; 6 — not live handles of this
/// config; 905 — the interface was deleted. `*phRouterIfTransport` is NULL on failure.
///
/// # Safety
/// `lpwsTransportName` NULL or NUL-terminated; `pInterfaceInfo` NULL or readable for its size;
/// `phRouterIfTransport` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprConfigInterfaceTransportAdd(
    hMprConfig: HANDLE,
    hRouterInterface: HANDLE,
    dwTransportId: u32,
    lpwsTransportName: *const u16,
    pInterfaceInfo: *const u8,
    dwInterfaceInfoSize: u32,
    phRouterIfTransport: *mut HANDLE,
) -> u32 {
    // SAFETY: `phRouterIfTransport` NULL or writable (caller contract).
    let out = unsafe { Ptr::new(phRouterIfTransport) };
    out::run("MprConfigInterfaceTransportAdd", out, || {
        not_null(hMprConfig, "hMprConfig")?;
        not_null(hRouterInterface, "hRouterInterface")?;
        not_null(phRouterIfTransport, "phRouterIfTransport")?;
        // SAFETY (both reads): caller contract.
        let name = unsafe {
            wide::read_opt(
                lpwsTransportName,
                MAX_TRANSPORT_NAME_LEN,
                "lpwsTransportName",
            )
        }?;
        let info =
            unsafe { blob::opt_bytes(pInterfaceInfo, dwInterfaceInfoSize, "pInterfaceInfo") }?;
        let (conn, child) = resolve_interface(hMprConfig, hRouterInterface)?;
        let id =
            conn.if_transport_add(interface_id(&child)?, dwTransportId, name.as_deref(), info)?;
        handles::child_handle(hMprConfig, Child::IfTransport(id))
    })
}

/// `MprConfigInterfaceTransportRemove`: removes a transport from an interface.
///
/// Errors: 87 — a handle NULL, or the interface-transport belongs to another interface; 6 —
/// not live handles of this config; 905 — interface or interface-transport already gone.
///
/// # Safety
/// None; handles are never dereferenced.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprConfigInterfaceTransportRemove(
    hMprConfig: HANDLE,
    hRouterInterface: HANDLE,
    hRouterIfTransport: HANDLE,
) -> u32 {
    guard("MprConfigInterfaceTransportRemove", || {
        not_null(hMprConfig, "hMprConfig")?;
        not_null(hRouterInterface, "hRouterInterface")?;
        not_null(hRouterIfTransport, "hRouterIfTransport")?;
        let (conn, id) = resolve(hMprConfig, hRouterInterface, hRouterIfTransport)?;
        conn.if_transport_remove(&id)
    })
}

/// `MprConfigInterfaceTransportGetHandle`: the handle of transport `dwTransportId` on an
/// interface.
///
/// Errors: 87 — a NULL argument; 6 — not live handles of this config; 905 — the interface is
/// gone or does not have this transport. `*phRouterIfTransport` is NULL on failure.
///
/// # Safety
/// `phRouterIfTransport` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprConfigInterfaceTransportGetHandle(
    hMprConfig: HANDLE,
    hRouterInterface: HANDLE,
    dwTransportId: u32,
    phRouterIfTransport: *mut HANDLE,
) -> u32 {
    // SAFETY: `phRouterIfTransport` NULL or writable (caller contract).
    let out = unsafe { Ptr::new(phRouterIfTransport) };
    out::run("MprConfigInterfaceTransportGetHandle", out, || {
        not_null(hMprConfig, "hMprConfig")?;
        not_null(hRouterInterface, "hRouterInterface")?;
        not_null(phRouterIfTransport, "phRouterIfTransport")?;
        let (conn, child) = resolve_interface(hMprConfig, hRouterInterface)?;
        let id = conn.if_transport_get_handle(interface_id(&child)?, dwTransportId)?;
        handles::child_handle(hMprConfig, Child::IfTransport(id))
    })
}

/// `MprConfigInterfaceTransportGetInfo`: the interface-transport's information header in a new
/// buffer freed with `MprConfigBufferFree` (NULL and size 0 when none is stored).
/// `ppInterfaceInfo` NULL fetches nothing and returns `NO_ERROR` once the handles are checked.
///
/// Errors: 87 — a handle NULL, `ppInterfaceInfo` given without `lpdwInterfaceInfoSize`, an
/// interface-transport of another interface; 6 — not live handles of this config; 905 — gone.
/// `*ppInterfaceInfo` is NULL on failure.
///
/// # Safety
/// Output pointers NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprConfigInterfaceTransportGetInfo(
    hMprConfig: HANDLE,
    hRouterInterface: HANDLE,
    hRouterIfTransport: HANDLE,
    ppInterfaceInfo: *mut *mut u8,
    lpdwInterfaceInfoSize: *mut u32,
) -> u32 {
    // SAFETY: output pointers NULL or writable (caller contract).
    let out = unsafe { BufLen::new(ppInterfaceInfo, lpdwInterfaceInfoSize) };
    out::run("MprConfigInterfaceTransportGetInfo", out, || {
        not_null(hMprConfig, "hMprConfig")?;
        not_null(hRouterInterface, "hRouterInterface")?;
        not_null(hRouterIfTransport, "hRouterIfTransport")?;
        if !ppInterfaceInfo.is_null() {
            not_null(lpdwInterfaceInfoSize, "lpdwInterfaceInfoSize")?;
        }
        let (conn, id) = resolve(hMprConfig, hRouterInterface, hRouterIfTransport)?;
        if ppInterfaceInfo.is_null() {
            return Ok(None);
        }
        blob_out(&conn.if_transport_get_info(&id)?)
    })
}

/// `MprConfigInterfaceTransportSetInfo`: replaces the interface-transport's information header
/// as a whole (zero-length blocks in it are kept). `pInterfaceInfo` NULL changes nothing and
/// returns `NO_ERROR` once the handles are checked.
///
/// Errors: 87 — a handle NULL, non-NULL info with size 0 or malformed, an interface-transport of
/// another interface; 6 — not live handles of this config; 905 — gone.
///
/// # Safety
/// `pInterfaceInfo` NULL or readable for `dwInterfaceInfoSize` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprConfigInterfaceTransportSetInfo(
    hMprConfig: HANDLE,
    hRouterInterface: HANDLE,
    hRouterIfTransport: HANDLE,
    pInterfaceInfo: *const u8,
    dwInterfaceInfoSize: u32,
) -> u32 {
    guard("MprConfigInterfaceTransportSetInfo", || {
        not_null(hMprConfig, "hMprConfig")?;
        not_null(hRouterInterface, "hRouterInterface")?;
        not_null(hRouterIfTransport, "hRouterIfTransport")?;
        // SAFETY: caller contract.
        let info =
            unsafe { blob::opt_bytes(pInterfaceInfo, dwInterfaceInfoSize, "pInterfaceInfo") }?;
        let (conn, id) = resolve(hMprConfig, hRouterInterface, hRouterIfTransport)?;
        match info {
            None => Ok(()),
            Some(bytes) => conn.if_transport_set_info(&id, bytes),
        }
    })
}

/// `MprConfigInterfaceTransportEnum`: up to `dwPrefMaxLen / 104` transports of an interface as
/// an `MPR_IFTRANSPORT_0` array in one buffer freed with `MprConfigBufferFree`; each
/// `hIfTransport` is a usable handle. Paging as `MprConfigInterfaceEnum`.
///
/// Errors: 87 — a NULL required argument, `dwLevel` not 0, `dwPrefMaxLen` < 104; 6 — not live
/// handles of this config; 905 — the interface was deleted; 259 — nothing left from a non-zero
/// resume position.
///
/// # Safety
/// Pointer arguments NULL or writable (`lpdwResumeHandle` also readable).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprConfigInterfaceTransportEnum(
    hMprConfig: HANDLE,
    hRouterInterface: HANDLE,
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
    out::run("MprConfigInterfaceTransportEnum", out, || {
        not_null(hMprConfig, "hMprConfig")?;
        not_null(hRouterInterface, "hRouterInterface")?;
        out.check()?;
        check_level(dwLevel, 0)?;
        enumerate::check_pref_max_len::<MPR_IFTRANSPORT_0>(dwPrefMaxLen)?;
        let (conn, child) = resolve_interface(hMprConfig, hRouterInterface)?;
        let interface = interface_id(&child)?;
        // SAFETY: `resume` NULL or readable (caller contract).
        unsafe {
            enumerate::page(
                lpdwResumeHandle,
                dwPrefMaxLen,
                |resume, max| conn.if_transport_enum(interface, resume, max),
                |e: &IfTransportEntry| {
                    let mut s: MPR_IFTRANSPORT_0 = zeroed();
                    s.dwTransportId = e.id.protocol_id;
                    s.hIfTransport =
                        handles::child_handle(hMprConfig, Child::IfTransport(e.id.clone()))?;
                    wide::write_fixed(&mut s.wszIfTransportName, &e.name);
                    Ok(s)
                },
            )
        }
    })
}
