//! `MprAdmin*`: administration of the running router, through the router manager (`mprrouted`)
//! and `mprconfig::admin` (a remote server's through its `mprd`). `MprAdminServerConnect` gives
//! `RPC_S_UNKNOWN_IF` (1717) when no router manager runs, so programs fall back to `MprConfig*` as they do on Windows. Writes are
//! stored and applied before the call returns (the running router is the stored configuration;
//! docs/c-api.md, "MprAdmin"). Remote-access calls (connections, ports) answer "none".
//!
//! Server and interface handles live in a table of their own (kind-tagged, generational, as
//! the `MprConfig*` handles, with another tag so the two can never be confused): interface
//! handles belong to their server handle and die with `MprAdminServerDisconnect`.

#![allow(non_snake_case)]

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};

use mprconfig::admin::{AdminConnection, admin_connect};
use mprconfig_core::{
    Error, Interface, InterfaceId, InterfaceType, Result, WinError, limits::MAX_INTERFACE_NAME_LEN,
};

use crate::alloc::Owned;
use crate::guard::{check_level, guard, not_null};
use crate::interface::{MAX_DIALOUT_HOURS_LEN, interface0};
use crate::out::{self, Buf, BufLen, Ptr};
use crate::transport::blob_out;
use crate::types::*;
use crate::{MAX_SERVER_NAME_LEN, blob, enumerate, wide};

/// `ERROR_MR_MID_NOT_FOUND`: `MprAdminGetErrorString` knows no text for the code.
pub const ERROR_MR_MID_NOT_FOUND: u32 = 317;

const TAG: u64 = 0xB;
const KIND_SERVER: u8 = 1;
const KIND_INTERFACE: u8 = 2;
const MAX_SLOTS: usize = 1 << 24;

enum Entry {
    Server {
        conn: Arc<AdminConnection>,
        interfaces: HashMap<InterfaceId, u64>,
    },
    Interface {
        server: u64,
        id: InterfaceId,
    },
}

#[derive(Default)]
struct Table {
    slots: Vec<(u32, Option<Entry>)>,
    free: Vec<u32>,
}

fn table() -> &'static RwLock<Table> {
    static T: OnceLock<RwLock<Table>> = OnceLock::new();
    T.get_or_init(|| RwLock::new(Table::default()))
}

fn encode(index: u32, generation: u32, kind: u8) -> u64 {
    (u64::from(generation) << 32) | (u64::from(index) << 8) | (TAG << 4) | u64::from(kind)
}

fn decode(v: u64) -> Option<(usize, u32, u8)> {
    ((v >> 4) & 0xF == TAG).then_some((
        ((v >> 8) & 0xFF_FFFF) as usize,
        (v >> 32) as u32,
        (v & 0xF) as u8,
    ))
}

impl Table {
    fn get(&self, v: u64, kind: u8) -> Option<&Entry> {
        let (i, g, k) = decode(v)?;
        let (generation, entry) = self.slots.get(i)?;
        (k == kind && *generation == g).then_some(entry.as_ref()?)
    }

    fn insert(&mut self, e: Entry, kind: u8) -> Result<u64> {
        let i = match self.free.pop() {
            Some(i) => i,
            None if self.slots.len() < MAX_SLOTS => {
                self.slots.push((1, None));
                (self.slots.len() - 1) as u32
            }
            None => {
                return Err(Error::new(
                    WinError::ERROR_NOT_ENOUGH_MEMORY,
                    "handle table is full",
                ));
            }
        };
        let slot = &mut self.slots[i as usize];
        slot.1 = Some(e);
        Ok(encode(i, slot.0, kind))
    }

    fn remove(&mut self, v: u64) -> Option<Entry> {
        let (i, g, _) = decode(v)?;
        let slot = self.slots.get_mut(i)?;
        if slot.0 != g {
            return None;
        }
        let e = slot.1.take()?;
        slot.0 = slot.0.checked_add(1).unwrap_or(1);
        self.free.push(i as u32);
        Some(e)
    }
}

fn bad_handle(what: &str, v: u64) -> Error {
    Error::new(
        WinError::ERROR_INVALID_HANDLE,
        format!("{what}: {v:#x} is not a live MprAdmin handle"),
    )
}

/// The connection of a server handle (NULL → 87, anything else not live → 6).
fn server(h: HANDLE) -> Result<Arc<AdminConnection>> {
    not_null(h, "hMprServer")?;
    let t = table().read().unwrap_or_else(|e| e.into_inner());
    match t.get(h as usize as u64, KIND_SERVER) {
        Some(Entry::Server { conn, .. }) => Ok(Arc::clone(conn)),
        _ => Err(bad_handle("hMprServer", h as usize as u64)),
    }
}

/// The server connection and the interface of a handle pair.
fn server_and_interface(h: HANDLE, hif: HANDLE) -> Result<(Arc<AdminConnection>, InterfaceId)> {
    let conn = server(h)?;
    not_null(hif, "hInterface")?;
    let t = table().read().unwrap_or_else(|e| e.into_inner());
    match t.get(hif as usize as u64, KIND_INTERFACE) {
        Some(Entry::Interface { server, id }) if *server == h as usize as u64 => {
            Ok((conn, id.clone()))
        }
        _ => Err(bad_handle("hInterface", hif as usize as u64)),
    }
}

/// The handle of interface `id` under server handle `h`, made on first use.
fn interface_handle(h: HANDLE, id: InterfaceId) -> Result<HANDLE> {
    let sv = h as usize as u64;
    let mut t = table().write().unwrap_or_else(|e| e.into_inner());
    match t.get(sv, KIND_SERVER) {
        Some(Entry::Server { interfaces, .. }) => {
            if let Some(v) = interfaces.get(&id) {
                return Ok(*v as usize as HANDLE);
            }
        }
        _ => return Err(bad_handle("hMprServer", sv)),
    }
    let v = t.insert(
        Entry::Interface {
            server: sv,
            id: id.clone(),
        },
        KIND_INTERFACE,
    )?;
    if let Some((i, _, _)) = decode(sv)
        && let Some((_, Some(Entry::Server { interfaces, .. }))) = t.slots.get_mut(i)
    {
        interfaces.insert(id, v);
    }
    Ok(v as usize as HANDLE)
}

/// `MprAdminIsServiceRunning`: TRUE if a router manager answers on this machine
/// (`lpwsServerName` NULL or empty) or, for a server name, on that machine through its `mprd`
/// (trust and token as for `MprConfigServerConnect`). FALSE otherwise, whatever the reason (no
/// router manager, no mprd, refused). Never fails. Blocks for at most the connect time-out.
///
/// # Safety
/// `lpwsServerName` NULL or a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprAdminIsServiceRunning(lpwsServerName: *const u16) -> BOOL {
    let mut running = false;
    let code = guard("MprAdminIsServiceRunning", || {
        // SAFETY: caller contract.
        let name =
            unsafe { wide::read_opt(lpwsServerName, MAX_SERVER_NAME_LEN, "lpwsServerName") }?;
        running = mprconfig::admin::admin_is_running(name.as_deref());
        Ok(())
    });
    (code == 0 && running) as BOOL
}

/// `MprAdminServerConnect`: connects to the router manager of this machine (`lpwsServerName`
/// NULL or empty) or of the machine a server name designates, through its `mprd` (the name
/// grammar, trust and token of `MprConfigServerConnect`), and returns a server handle in
/// `*phMprServer`.
///
/// Errors: 87 — `phMprServer` NULL or a bad name; `RPC_S_UNKNOWN_IF` (1717) — no router manager
/// runs (here: socket `MPRCONFIG_ROUTER_SOCKET`, default `/run/mprconfig/router.sock`; remotely:
/// the one `mprd` relays to), or an MS-RRP (Windows) server; for a server name also 53 (not
/// reachable), 5 (certificate not trusted, token missing or refused) and 1722 (no working mprd
/// answers), as `MprConfigServerConnect`. `*phMprServer` is NULL on failure. Thread-safe.
///
/// # Safety
/// `lpwsServerName` NULL or NUL-terminated; `phMprServer` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprAdminServerConnect(
    lpwsServerName: *const u16,
    phMprServer: *mut HANDLE,
) -> u32 {
    // SAFETY: `phMprServer` NULL or writable (caller contract).
    let out = unsafe { Ptr::new(phMprServer) };
    out::run("MprAdminServerConnect", out, || {
        not_null(phMprServer, "phMprServer")?;
        // SAFETY: caller contract.
        let name =
            unsafe { wide::read_opt(lpwsServerName, MAX_SERVER_NAME_LEN, "lpwsServerName") }?;
        let conn = admin_connect(name.as_deref())?;
        let mut t = table().write().unwrap_or_else(|e| e.into_inner());
        let v = t.insert(
            Entry::Server {
                conn: Arc::new(conn),
                interfaces: HashMap::new(),
            },
            KIND_SERVER,
        )?;
        Ok(v as usize as HANDLE)
    })
}

/// `MprAdminServerDisconnect`: closes a server handle and its interface handles. NULL, stale
/// and foreign values are ignored.
///
/// # Safety
/// None; the handle is never dereferenced.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprAdminServerDisconnect(hMprServer: HANDLE) {
    guard("MprAdminServerDisconnect", || {
        let v = hMprServer as usize as u64;
        let mut t = table().write().unwrap_or_else(|e| e.into_inner());
        if t.get(v, KIND_SERVER).is_some()
            && let Some(Entry::Server { interfaces, .. }) = t.remove(v)
        {
            for h in interfaces.into_values() {
                t.remove(h);
            }
        }
        Ok(())
    });
}

/// `MprAdminServerGetInfo`: `MPR_SERVER_0` (with `dwUpTime`, the seconds the router manager has
/// run), `_1` or `_2` in one buffer freed with `MprAdminBufferFree`.
///
/// Errors: 87 — NULL argument, `dwLevel` not 0-2; 6 — not a live server handle; 1722 — the
/// router manager went away. `*lplpbBuffer` is NULL on failure.
///
/// # Safety
/// `lplpbBuffer` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprAdminServerGetInfo(
    hMprServer: HANDLE,
    dwLevel: u32,
    lplpbBuffer: *mut *mut u8,
) -> u32 {
    // SAFETY: `lplpbBuffer` NULL or writable (caller contract).
    let out = unsafe { Buf::new(lplpbBuffer) };
    out::run("MprAdminServerGetInfo", out, || {
        not_null(hMprServer, "hMprServer")?;
        not_null(lplpbBuffer, "lplpbBuffer")?;
        check_level(dwLevel, 2)?;
        let conn = server(hMprServer)?;
        crate::server::server_info_buffer(dwLevel, &conn.server_get_info()?).map(Some)
    })
}

macro_rules! level0_into {
    ($s:expr, $i0:expr) => {{
        $s.wszInterfaceName = $i0.wszInterfaceName;
        $s.hInterface = $i0.hInterface;
        $s.fEnabled = $i0.fEnabled;
        $s.dwIfType = $i0.dwIfType;
        $s.dwConnectionState = $i0.dwConnectionState;
        $s.fUnReachabilityReasons = $i0.fUnReachabilityReasons;
        $s.dwLastError = $i0.dwLastError;
    }};
}

/// One buffer with the interface at `level` (1: dial-out hours after the structure; 2/3:
/// the level-0 fields, the rest zero, as `MprConfigInterfaceGetInfo`).
fn interface_buffer(info: &Interface, level: u32, h: HANDLE) -> Result<Owned> {
    let i0 = interface0(info, h);
    match level {
        0 => Owned::value(i0),
        1 => {
            let head = std::mem::size_of::<MPR_INTERFACE_1>();
            let units = info
                .dialout_hours
                .as_ref()
                .map(|v| wide::encode_multi(v))
                .unwrap_or_default();
            let b = Owned::new(head + units.len() * 2)?;
            let p = b.as_ptr();
            let mut s: MPR_INTERFACE_1 = zeroed();
            level0_into!(s, i0);
            if !units.is_empty() {
                // SAFETY: the buffer holds `units.len()` u16 after the structure (8-aligned).
                unsafe {
                    let tail = p.add(head) as *mut u16;
                    std::ptr::copy_nonoverlapping(units.as_ptr(), tail, units.len());
                    s.lpwsDialoutHoursRestriction = tail;
                }
            }
            // SAFETY: the buffer starts with room for the structure, 16-aligned.
            unsafe { (p as *mut MPR_INTERFACE_1).write(s) };
            Ok(b)
        }
        2 => {
            let mut s: MPR_INTERFACE_2 = zeroed();
            level0_into!(s, i0);
            Owned::value(s)
        }
        _ => {
            let mut s: MPR_INTERFACE_3 = zeroed();
            level0_into!(s, i0);
            Owned::value(s)
        }
    }
}

/// Reads name (when `with_name`), type, enabled and (level 1) the dial-out hours.
///
/// # Safety
/// `buf` readable for the structure of `level` and the hours string it points to.
unsafe fn read_interface(buf: *const u8, level: u32, with_name: bool) -> Result<Interface> {
    // SAFETY: every level starts with the MPR_INTERFACE_0 fields.
    let s0 = unsafe { (buf as *const MPR_INTERFACE_0).read_unaligned() };
    let mut info = Interface {
        name: if with_name {
            wide::read_fixed(&s0.wszInterfaceName, "wszInterfaceName")?
        } else {
            String::new()
        },
        if_type: InterfaceType(s0.dwIfType),
        enabled: s0.fEnabled != 0,
        ..Interface::default()
    };
    if level == 1 {
        // SAFETY: caller contract.
        let s1 = unsafe { (buf as *const MPR_INTERFACE_1).read_unaligned() };
        if !s1.lpwsDialoutHoursRestriction.is_null() {
            // SAFETY: caller contract.
            info.dialout_hours = Some(unsafe {
                wide::read_multi(
                    s1.lpwsDialoutHoursRestriction,
                    MAX_DIALOUT_HOURS_LEN,
                    "lpwsDialoutHoursRestriction",
                )
            }?);
        }
    }
    Ok(info)
}

/// `MprAdminInterfaceEnum` (level 0): every interface as an `MPR_INTERFACE_0` array with its
/// live state (`dwConnectionState` from the kernel link: CONNECTED when up with carrier, else
/// UNREACHABLE with `MPR_INTERFACE_*` reasons), paged like `MprConfigInterfaceEnum`, in one
/// buffer freed with `MprAdminBufferFree`.
///
/// Errors: 87 — NULL argument, `dwLevel` not 0, `dwPrefMaxLen` < one entry; 6 — not a live
/// server handle; 259 — nothing left from a non-zero resume position.
///
/// # Safety
/// Pointer arguments NULL or writable (`lpdwResumeHandle` also readable).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprAdminInterfaceEnum(
    hMprServer: HANDLE,
    dwLevel: u32,
    lplpbBuffer: *mut *mut u8,
    dwPrefMaxLen: u32,
    lpdwEntriesRead: *mut u32,
    lpdwTotalEntries: *mut u32,
    lpdwResumeHandle: *mut u32,
) -> u32 {
    // SAFETY: pointer arguments NULL or writable (caller contract).
    let out = unsafe {
        enumerate::Outs::new(
            lplpbBuffer,
            lpdwEntriesRead,
            lpdwTotalEntries,
            lpdwResumeHandle,
        )
    };
    out::run("MprAdminInterfaceEnum", out, || {
        not_null(hMprServer, "hMprServer")?;
        out.check()?;
        check_level(dwLevel, 0)?;
        enumerate::check_pref_max_len::<MPR_INTERFACE_0>(dwPrefMaxLen)?;
        let conn = server(hMprServer)?;
        let all = conn.interface_enum()?;
        // SAFETY: `lpdwResumeHandle` NULL or readable (caller contract).
        unsafe {
            enumerate::page(
                lpdwResumeHandle,
                dwPrefMaxLen,
                |resume, max| {
                    let (range, next) = mprconfig_core::page_range(all.len(), resume, max)?;
                    Ok(mprconfig_core::Page {
                        total_from_resume: (all.len() - range.start.min(all.len())) as u32,
                        entries: all[range].to_vec(),
                        next_resume: next,
                    })
                },
                |(id, info): &(InterfaceId, Interface)| {
                    let h = interface_handle(hMprServer, id.clone())?;
                    Ok(interface0(info, h))
                },
            )
        }
    })
}

/// `MprAdminInterfaceGetHandle`: the handle of the interface named `lpwsInterfaceName`
/// (case-insensitive). `fIncludeClientInterfaces` is accepted and has no effect (no client
/// interfaces run here).
///
/// Errors: 87 — NULL argument or bad name; 6 — not a live server handle; 905 — no such
/// interface. `*phInterface` is NULL on failure.
///
/// # Safety
/// `lpwsInterfaceName` NULL or NUL-terminated; `phInterface` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprAdminInterfaceGetHandle(
    hMprServer: HANDLE,
    lpwsInterfaceName: *const u16,
    phInterface: *mut HANDLE,
    fIncludeClientInterfaces: BOOL,
) -> u32 {
    let _ = fIncludeClientInterfaces;
    // SAFETY: `phInterface` NULL or writable (caller contract).
    let out = unsafe { Ptr::new(phInterface) };
    out::run("MprAdminInterfaceGetHandle", out, || {
        not_null(hMprServer, "hMprServer")?;
        not_null(lpwsInterfaceName, "lpwsInterfaceName")?;
        not_null(phInterface, "phInterface")?;
        // SAFETY: caller contract.
        let name = unsafe {
            wide::read(
                lpwsInterfaceName,
                MAX_INTERFACE_NAME_LEN,
                "lpwsInterfaceName",
            )
        }?;
        let conn = server(hMprServer)?;
        let id = conn.interface_get_handle(&name)?;
        interface_handle(hMprServer, id)
    })
}

/// `MprAdminInterfaceGetInfo`: `MPR_INTERFACE_0`..`3` with the live connection state, in one
/// buffer freed with `MprAdminBufferFree` (level 1: dial-out hours after it; 2/3: level-0
/// fields, the rest zero).
///
/// Errors: 87 — NULL argument, `dwLevel` not 0-3; 6 — not live handles; 905 — deleted.
/// `*lplpbBuffer` is NULL on failure.
///
/// # Safety
/// `lplpbBuffer` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprAdminInterfaceGetInfo(
    hMprServer: HANDLE,
    hInterface: HANDLE,
    dwLevel: u32,
    lplpbBuffer: *mut *mut u8,
) -> u32 {
    // SAFETY: `lplpbBuffer` NULL or writable (caller contract).
    let out = unsafe { Buf::new(lplpbBuffer) };
    out::run("MprAdminInterfaceGetInfo", out, || {
        not_null(hMprServer, "hMprServer")?;
        not_null(hInterface, "hInterface")?;
        not_null(lplpbBuffer, "lplpbBuffer")?;
        check_level(dwLevel, 3)?;
        let (conn, id) = server_and_interface(hMprServer, hInterface)?;
        let info = conn.interface_get_info(&id)?;
        interface_buffer(&info, dwLevel, hInterface).map(Some)
    })
}

/// `MprAdminInterfaceSetInfo`: changes `fEnabled` (and at level 1 the dial-out hours) in the
/// stored configuration and applies it at once (disabled: the link goes down). Same rules as
/// `MprConfigInterfaceSetInfo` (a DEDICATED interface's state is fixed: 87; take a LAN link down
/// with `IP_INTERFACE_STATUS_INFO` through `MprAdminInterfaceTransportSetInfo`).
///
/// Errors: 87 — NULL argument, `dwLevel` not 0-3, or a refused change; 6; 905.
///
/// # Safety
/// `lpbBuffer` NULL or readable for the structure of `dwLevel`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprAdminInterfaceSetInfo(
    hMprServer: HANDLE,
    hInterface: HANDLE,
    dwLevel: u32,
    lpbBuffer: *const u8,
) -> u32 {
    guard("MprAdminInterfaceSetInfo", || {
        not_null(hMprServer, "hMprServer")?;
        not_null(hInterface, "hInterface")?;
        not_null(lpbBuffer, "lpbBuffer")?;
        check_level(dwLevel, 3)?;
        let (conn, id) = server_and_interface(hMprServer, hInterface)?;
        // SAFETY: caller contract.
        let info = unsafe { read_interface(lpbBuffer, dwLevel, false) }?;
        conn.interface_set_info(&id, if dwLevel == 1 { 1 } else { 0 }, &info)
    })
}

/// `MprAdminInterfaceCreate`: creates the interface in the stored configuration (so it also
/// exists for `MprConfig*`) and applies it; returns its handle.
///
/// Errors: 87 — NULL argument, `dwLevel` not 0-3, bad name or hours; 6; 904 — exists.
/// `*phInterface` is NULL on failure.
///
/// # Safety
/// `lpbBuffer` NULL or readable for the structure of `dwLevel`; `phInterface` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprAdminInterfaceCreate(
    hMprServer: HANDLE,
    dwLevel: u32,
    lpbBuffer: *const u8,
    phInterface: *mut HANDLE,
) -> u32 {
    // SAFETY: `phInterface` NULL or writable (caller contract).
    let out = unsafe { Ptr::new(phInterface) };
    out::run("MprAdminInterfaceCreate", out, || {
        not_null(hMprServer, "hMprServer")?;
        not_null(lpbBuffer, "lpbBuffer")?;
        not_null(phInterface, "phInterface")?;
        check_level(dwLevel, 3)?;
        let conn = server(hMprServer)?;
        // SAFETY: caller contract.
        let info = unsafe { read_interface(lpbBuffer, dwLevel, true) }?;
        let id = conn.interface_create(&info)?;
        interface_handle(hMprServer, id)
    })
}

/// `MprAdminInterfaceDelete`: deletes the interface from the stored configuration and the
/// running router (its routes and filters leave the kernel).
///
/// Errors: 87 — NULL handle; 6; 905.
///
/// # Safety
/// None; handles are never dereferenced.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprAdminInterfaceDelete(hMprServer: HANDLE, hInterface: HANDLE) -> u32 {
    guard("MprAdminInterfaceDelete", || {
        let (conn, id) = server_and_interface(hMprServer, hInterface)?;
        conn.interface_delete(&id)
    })
}

/// `MprAdminInterfaceTransportAdd`: configures transport `dwTransportId` on the interface with
/// the information header `pInterfaceInfo` (NULL: none), stored and applied at once.
///
/// Errors: 87 — NULL handle, a size of 0 with a header, a header over 16 MiB or malformed;
/// 6; 905; 902 — the transport is not configured.
///
/// # Safety
/// `pInterfaceInfo` NULL or readable for `dwInterfaceInfoSize` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprAdminInterfaceTransportAdd(
    hMprServer: HANDLE,
    hInterface: HANDLE,
    dwTransportId: u32,
    pInterfaceInfo: *const u8,
    dwInterfaceInfoSize: u32,
) -> u32 {
    guard("MprAdminInterfaceTransportAdd", || {
        let (conn, id) = server_and_interface(hMprServer, hInterface)?;
        // SAFETY: caller contract.
        let info =
            unsafe { blob::opt_bytes(pInterfaceInfo, dwInterfaceInfoSize, "pInterfaceInfo") }?;
        conn.interface_transport_add(&id, dwTransportId, info)
    })
}

/// `MprAdminInterfaceTransportRemove`: removes the transport from the interface (its routes
/// and filters leave the kernel).
///
/// Errors: 87 — NULL handle; 6; 905 — no such interface or transport on it.
///
/// # Safety
/// None; handles are never dereferenced.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprAdminInterfaceTransportRemove(
    hMprServer: HANDLE,
    hInterface: HANDLE,
    dwTransportId: u32,
) -> u32 {
    guard("MprAdminInterfaceTransportRemove", || {
        let (conn, id) = server_and_interface(hMprServer, hInterface)?;
        conn.interface_transport_remove(&id, dwTransportId)
    })
}

/// `MprAdminInterfaceTransportGetInfo`: the interface's information header for the transport
/// in one buffer freed with `MprAdminBufferFree` (NULL and size 0 when none is stored).
///
/// Errors: 87 — NULL argument; 6; 905. `*ppInterfaceInfo` is NULL on failure.
///
/// # Safety
/// Output pointers NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprAdminInterfaceTransportGetInfo(
    hMprServer: HANDLE,
    hInterface: HANDLE,
    dwTransportId: u32,
    ppInterfaceInfo: *mut *mut u8,
    lpdwInterfaceInfoSize: *mut u32,
) -> u32 {
    // SAFETY: output pointers NULL or writable (caller contract).
    let out = unsafe { BufLen::new(ppInterfaceInfo, lpdwInterfaceInfoSize) };
    out::run("MprAdminInterfaceTransportGetInfo", out, || {
        not_null(hMprServer, "hMprServer")?;
        not_null(hInterface, "hInterface")?;
        not_null(ppInterfaceInfo, "ppInterfaceInfo")?;
        not_null(lpdwInterfaceInfoSize, "lpdwInterfaceInfoSize")?;
        let (conn, id) = server_and_interface(hMprServer, hInterface)?;
        blob_out(&conn.interface_transport_get_info(&id, dwTransportId)?)
    })
}

/// `MprAdminInterfaceTransportSetInfo`: replaces the interface's information header for the
/// transport (routes, filters, admin status…), stored and applied at once.
///
/// Errors: 87 — NULL argument, size 0, over 16 MiB, malformed header; 6; 905.
///
/// # Safety
/// `pInterfaceInfo` NULL or readable for `dwInterfaceInfoSize` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprAdminInterfaceTransportSetInfo(
    hMprServer: HANDLE,
    hInterface: HANDLE,
    dwTransportId: u32,
    pInterfaceInfo: *const u8,
    dwInterfaceInfoSize: u32,
) -> u32 {
    guard("MprAdminInterfaceTransportSetInfo", || {
        not_null(pInterfaceInfo, "pInterfaceInfo")?;
        let (conn, id) = server_and_interface(hMprServer, hInterface)?;
        // SAFETY: caller contract.
        let info =
            unsafe { blob::opt_bytes(pInterfaceInfo, dwInterfaceInfoSize, "pInterfaceInfo") }?
                .ok_or_else(|| Error::invalid_parameter("pInterfaceInfo is NULL"))?;
        conn.interface_transport_set_info(&id, dwTransportId, info)
    })
}

/// `MprAdminTransportGetInfo`: the transport's global and client-interface headers, each in
/// its own buffer freed with `MprAdminBufferFree` (NULL/0 when not stored); either output pair
/// may be NULL to skip it.
///
/// Errors: 87 — NULL handle, or an output pointer without its size pointer; 6; 902 — the
/// transport is not configured. Buffer outputs are NULL on failure.
///
/// # Safety
/// Output pointers NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprAdminTransportGetInfo(
    hMprServer: HANDLE,
    dwTransportId: u32,
    ppGlobalInfo: *mut *mut u8,
    lpdwGlobalInfoSize: *mut u32,
    ppClientInterfaceInfo: *mut *mut u8,
    lpdwClientInterfaceInfoSize: *mut u32,
) -> u32 {
    // SAFETY: output pointers NULL or writable (caller contract).
    let out = unsafe {
        (
            BufLen::new(ppGlobalInfo, lpdwGlobalInfoSize),
            BufLen::new(ppClientInterfaceInfo, lpdwClientInterfaceInfoSize),
        )
    };
    out::run("MprAdminTransportGetInfo", out, || {
        not_null(hMprServer, "hMprServer")?;
        if !ppGlobalInfo.is_null() {
            not_null(lpdwGlobalInfoSize, "lpdwGlobalInfoSize")?;
        }
        if !ppClientInterfaceInfo.is_null() {
            not_null(lpdwClientInterfaceInfoSize, "lpdwClientInterfaceInfoSize")?;
        }
        let conn = server(hMprServer)?;
        let (g, c) = conn.transport_get_info(dwTransportId)?;
        Ok((
            if ppGlobalInfo.is_null() {
                None
            } else {
                blob_out(&g)?
            },
            if ppClientInterfaceInfo.is_null() {
                None
            } else {
                blob_out(&c)?
            },
        ))
    })
}

/// `MprAdminTransportSetInfo`: replaces the transport's global and/or client-interface header
/// (NULL: unchanged), stored and applied at once (e.g. `IP_FILTER_ENABLE_INFO` turns filtering
/// on or off in the kernel).
///
/// Errors: 87 — NULL handle, both headers NULL, size 0, over 16 MiB, malformed; 6; 902.
///
/// # Safety
/// Each non-NULL header readable for its size.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprAdminTransportSetInfo(
    hMprServer: HANDLE,
    dwTransportId: u32,
    pGlobalInfo: *const u8,
    dwGlobalInfoSize: u32,
    pClientInterfaceInfo: *const u8,
    dwClientInterfaceInfoSize: u32,
) -> u32 {
    guard("MprAdminTransportSetInfo", || {
        let conn = server(hMprServer)?;
        // SAFETY: caller contract.
        let g = unsafe { blob::opt_bytes(pGlobalInfo, dwGlobalInfoSize, "pGlobalInfo") }?;
        // SAFETY: caller contract.
        let c = unsafe {
            blob::opt_bytes(
                pClientInterfaceInfo,
                dwClientInterfaceInfoSize,
                "pClientInterfaceInfo",
            )
        }?;
        if g.is_none() && c.is_none() {
            return Err(Error::invalid_parameter(
                "pGlobalInfo and pClientInterfaceInfo are both NULL",
            ));
        }
        conn.transport_set_info(dwTransportId, g, c)
    })
}

/// `MprAdminGetErrorString`: the message of a Win32 or router error code as a NUL-terminated
/// UTF-16 string in one buffer. Windows says to free it with `LocalFree`, which this library
/// does not have: free it with `MprAdminBufferFree`.
///
/// Errors: 87 — `lplpwsErrorString` NULL; `ERROR_MR_MID_NOT_FOUND` (317) — no text for the code.
/// `*lplpwsErrorString` is NULL on failure.
///
/// # Safety
/// `lplpwsErrorString` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprAdminGetErrorString(
    dwError: u32,
    lplpwsErrorString: *mut *mut u16,
) -> u32 {
    // SAFETY: `lplpwsErrorString` NULL or writable (caller contract).
    let out = unsafe { Buf::new(lplpwsErrorString) };
    out::run("MprAdminGetErrorString", out, || {
        not_null(lplpwsErrorString, "lplpwsErrorString")?;
        let msg = WinError(dwError).message().ok_or_else(|| {
            Error::new(
                WinError(ERROR_MR_MID_NOT_FOUND),
                format!("no message for code {dwError}"),
            )
        })?;
        Owned::slice(&wide::encode_z(msg)).map(Some)
    })
}

/// The empty page of the remote-access enumerations (no connections or ports run here).
fn nothing() -> Result<enumerate::Entries> {
    // SAFETY: a NULL resume handle is allowed (it reads as 0).
    unsafe {
        enumerate::page(
            std::ptr::null(),
            u32::MAX,
            |_, _| {
                Ok(mprconfig_core::Page {
                    entries: Vec::<()>::new(),
                    total_from_resume: 0,
                    next_resume: 0,
                })
            },
            |_: &()| Ok(zeroed::<MPR_INTERFACE_0>()),
        )
    }
}

/// `MprAdminConnectionEnum`: remote-access connections. None run on this router: NO_ERROR,
/// 0 entries, `*lplpbBuffer` NULL. Any level is accepted (nothing is returned at any level).
///
/// Errors: 87 — NULL argument; 6 — not a live server handle.
///
/// # Safety
/// Pointer arguments NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprAdminConnectionEnum(
    hRasServer: HANDLE,
    dwLevel: u32,
    lplpbBuffer: *mut *mut u8,
    dwPrefMaxLen: u32,
    lpdwEntriesRead: *mut u32,
    lpdwTotalEntries: *mut u32,
    lpdwResumeHandle: *mut u32,
) -> u32 {
    let _ = (dwLevel, dwPrefMaxLen);
    // SAFETY: pointer arguments NULL or writable (caller contract).
    let out = unsafe {
        enumerate::Outs::new(
            lplpbBuffer,
            lpdwEntriesRead,
            lpdwTotalEntries,
            lpdwResumeHandle,
        )
    };
    out::run("MprAdminConnectionEnum", out, || {
        not_null(hRasServer, "hRasServer")?;
        out.check()?;
        server(hRasServer)?;
        nothing()
    })
}

/// `MprAdminPortEnum`: remote-access ports of a connection. None run: NO_ERROR, 0 entries.
///
/// Errors: 87 — NULL argument; 6 — not a live server handle.
///
/// # Safety
/// Pointer arguments NULL or writable.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn MprAdminPortEnum(
    hRasServer: HANDLE,
    dwLevel: u32,
    hRasConnection: HANDLE,
    lplpbBuffer: *mut *mut u8,
    dwPrefMaxLen: u32,
    lpdwEntriesRead: *mut u32,
    lpdwTotalEntries: *mut u32,
    lpdwResumeHandle: *mut u32,
) -> u32 {
    let _ = (dwLevel, hRasConnection, dwPrefMaxLen);
    // SAFETY: pointer arguments NULL or writable (caller contract).
    let out = unsafe {
        enumerate::Outs::new(
            lplpbBuffer,
            lpdwEntriesRead,
            lpdwTotalEntries,
            lpdwResumeHandle,
        )
    };
    out::run("MprAdminPortEnum", out, || {
        not_null(hRasServer, "hRasServer")?;
        out.check()?;
        server(hRasServer)?;
        nothing()
    })
}

/// `MprAdminConnectionGetInfo`: no connection exists here, so no `hRasConnection` is valid:
/// `ERROR_INVALID_HANDLE` (6) (87 for a NULL argument). `*lplpbBuffer` is NULL.
///
/// # Safety
/// `lplpbBuffer` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprAdminConnectionGetInfo(
    hRasServer: HANDLE,
    dwLevel: u32,
    hRasConnection: HANDLE,
    lplpbBuffer: *mut *mut u8,
) -> u32 {
    let _ = dwLevel;
    // SAFETY: `lplpbBuffer` NULL or writable (caller contract).
    let out = unsafe { Buf::<u8>::new(lplpbBuffer) };
    out::run("MprAdminConnectionGetInfo", out, || {
        not_null(hRasServer, "hRasServer")?;
        not_null(lplpbBuffer, "lplpbBuffer")?;
        server(hRasServer)?;
        not_null(hRasConnection, "hRasConnection")?;
        Err(Error::new(
            WinError::ERROR_INVALID_HANDLE,
            "no remote-access connection runs on this router",
        ))
    })
}

/// `MprAdminPortGetInfo`: no port exists here: `ERROR_INVALID_HANDLE` (6) (87 for NULL).
/// `*lplpbBuffer` is NULL.
///
/// # Safety
/// `lplpbBuffer` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprAdminPortGetInfo(
    hRasServer: HANDLE,
    dwLevel: u32,
    hPort: HANDLE,
    lplpbBuffer: *mut *mut u8,
) -> u32 {
    let _ = dwLevel;
    // SAFETY: `lplpbBuffer` NULL or writable (caller contract).
    let out = unsafe { Buf::<u8>::new(lplpbBuffer) };
    out::run("MprAdminPortGetInfo", out, || {
        not_null(hRasServer, "hRasServer")?;
        not_null(lplpbBuffer, "lplpbBuffer")?;
        server(hRasServer)?;
        not_null(hPort, "hPort")?;
        Err(Error::new(
            WinError::ERROR_INVALID_HANDLE,
            "no remote-access port runs on this router",
        ))
    })
}

/// `MprAdminInterfaceConnect`: dials a demand-dial interface. Nothing dials on Linux here (a
/// LAN interface is connected whenever its link is up), so it gives `ERROR_NOT_SUPPORTED` (50)
/// for every interface, after the handles are checked (87/6/905).
///
/// # Safety
/// `hEvent` is never used.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprAdminInterfaceConnect(
    hMprServer: HANDLE,
    hInterface: HANDLE,
    hEvent: HANDLE,
    fSynchronous: BOOL,
) -> u32 {
    let _ = (hEvent, fSynchronous);
    guard("MprAdminInterfaceConnect", || {
        let (conn, id) = server_and_interface(hMprServer, hInterface)?;
        conn.interface_get_info(&id)?;
        Err(Error::new(
            WinError::ERROR_NOT_SUPPORTED,
            "demand-dial connections are not made on this router",
        ))
    })
}

/// `MprAdminInterfaceDisconnect`: `ERROR_NOT_SUPPORTED` (50) after the handles are checked,
/// as for `MprAdminInterfaceConnect` (take a LAN link down with its admin status instead).
///
/// # Safety
/// None; handles are never dereferenced.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprAdminInterfaceDisconnect(
    hMprServer: HANDLE,
    hInterface: HANDLE,
) -> u32 {
    guard("MprAdminInterfaceDisconnect", || {
        let (conn, id) = server_and_interface(hMprServer, hInterface)?;
        conn.interface_get_info(&id)?;
        Err(Error::new(
            WinError::ERROR_NOT_SUPPORTED,
            "demand-dial connections are not made on this router",
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_handles_never_decode_as_config_handles_and_stale_ones_are_refused() {
        let v = encode(3, 9, KIND_SERVER);
        assert_eq!(decode(v), Some((3, 9, KIND_SERVER)));
        // The MprConfig* table tags its handles 0xA.
        assert_eq!(decode(0xA << 4 | 1), None);
        assert_eq!(
            server(v as usize as HANDLE).unwrap_err().code,
            WinError::ERROR_INVALID_HANDLE
        );
        assert_eq!(
            server(std::ptr::null_mut()).unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER
        );
    }

    #[test]
    fn error_strings_are_the_table_messages_and_unknown_codes_are_317() {
        let mut p: *mut u16 = std::ptr::null_mut();
        // SAFETY: `p` is a live local.
        assert_eq!(unsafe { MprAdminGetErrorString(905, &mut p) }, 0);
        let mut n = 0;
        // SAFETY: the buffer is NUL-terminated UTF-16 of ours.
        while unsafe { *p.add(n) } != 0 {
            n += 1;
        }
        // SAFETY: `n` units were just read.
        let s = String::from_utf16(unsafe { std::slice::from_raw_parts(p, n) }).unwrap();
        assert_eq!(s, WinError(905).message().unwrap());
        assert!(crate::alloc::free(p as *const u8).is_ok());
        // SAFETY: as above.
        assert_eq!(unsafe { MprAdminGetErrorString(123_456, &mut p) }, 317);
        assert!(p.is_null());
    }

    #[test]
    fn connect_without_a_router_manager_is_rpc_s_unknown_if() {
        let dir = tempfile::tempdir().unwrap();
        let conn = AdminConnection::connect_path(&dir.path().join("none.sock"));
        assert_eq!(conn.unwrap_err().code, WinError::RPC_S_UNKNOWN_IF);
    }
}
