//! Interface functions: create, delete, enumerate, get a handle, get/set info and custom info.

#![allow(non_snake_case)]

use mprconfig_core::{
    CustomInfoEx, Error, IfCustomIkev2, Interface, InterfaceEntry, InterfaceType, Result,
    TrafficSelector, TsAddress,
};

use crate::alloc::Owned;
use crate::attached::{Attached, read_blob, read_policy};
use crate::guard::{check_level, guard, not_null};
use crate::handles::{self, Child, Kind};
use crate::out::{self, BufLen, Filled, Ptr};
use crate::types::*;
use crate::{Conn, enumerate, wide};

/// Longest dial-out hours multi-string accepted, in characters including all terminators.
pub const MAX_DIALOUT_HOURS_LEN: usize = 4096;
/// Most traffic selectors accepted per direction in `MPR_IF_CUSTOMINFOEX2`.
pub const MAX_TRAFFIC_SELECTORS: u32 = 1024;

/// The config connection and interface handle object behind a (config, interface) pair.
pub(crate) fn resolve(cfg: HANDLE, hif: HANDLE) -> Result<(Conn, std::sync::Arc<Child>)> {
    handles::config_and_child(cfg, hif, Kind::Interface, "hRouterInterface")
}

/// The interface id inside a resolved interface handle (the table gives interface handles
/// only the `Interface` kind, so anything else is an invalid handle).
pub(crate) fn interface_id(c: &Child) -> Result<&mprconfig_core::InterfaceId> {
    match c {
        Child::Interface(id) => Ok(id),
        _ => Err(Error::new(
            mprconfig_core::WinError::ERROR_INVALID_HANDLE,
            "hRouterInterface",
        )),
    }
}

/// Reads the level-0 fields (and, at level 1, the dial-out hours) of a caller's structure.
///
/// # Safety
/// `buf` readable for the structure of `level`, and the dial-out hours string as documented.
unsafe fn read_interface(buf: *const u8, level: u32, with_name: bool) -> Result<Interface> {
    // SAFETY: every level starts with the MPR_INTERFACE_0 fields (caller contract).
    let s0 = unsafe { (buf as *const MPR_INTERFACE_0).read_unaligned() };
    let name = if with_name {
        wide::read_fixed(&s0.wszInterfaceName, "wszInterfaceName")?
    } else {
        String::new()
    };
    let mut info = Interface {
        name,
        if_type: InterfaceType(s0.dwIfType),
        enabled: s0.fEnabled != 0,
        ..Interface::default()
    };
    if level == 1 {
        // SAFETY: caller contract.
        let s1 = unsafe { (buf as *const MPR_INTERFACE_1).read_unaligned() };
        if !s1.lpwsDialoutHoursRestriction.is_null() {
            // SAFETY: caller contract.
            let hours = unsafe {
                wide::read_multi(
                    s1.lpwsDialoutHoursRestriction,
                    MAX_DIALOUT_HOURS_LEN,
                    "lpwsDialoutHoursRestriction",
                )
            }?;
            info.dialout_hours = Some(hours);
        }
    }
    Ok(info)
}

/// `MprConfigInterfaceCreate`: creates an interface from `MPR_INTERFACE_0`..`3` (name, type,
/// enabled; level 1 also the dial-out hours; the other fields of levels 2/3 are not stored,
/// spec Q3) and returns its handle in `*phRouterInterface`. The new interface has no
/// transports.
///
/// Errors: 87 — a NULL argument, `dwLevel` not 0-3, a name that is empty, not NUL-terminated in
/// its 257 characters or not UTF-16, bad dial-out hours; 6 — not a live config handle;
/// `ERROR_INTERFACE_ALREADY_EXISTS` (904) — the name exists (case-insensitively).
/// `*phRouterInterface` is NULL on failure.
///
/// # Safety
/// `lpbBuffer` NULL or readable for the structure of `dwLevel`; `phRouterInterface` NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprConfigInterfaceCreate(
    hMprConfig: HANDLE,
    dwLevel: u32,
    lpbBuffer: *const u8,
    phRouterInterface: *mut HANDLE,
) -> u32 {
    // SAFETY: `phRouterInterface` NULL or writable (caller contract).
    let out = unsafe { Ptr::new(phRouterInterface) };
    out::run("MprConfigInterfaceCreate", out, || {
        not_null(hMprConfig, "hMprConfig")?;
        not_null(lpbBuffer, "lpbBuffer")?;
        not_null(phRouterInterface, "phRouterInterface")?;
        check_level(dwLevel, 3)?;
        let conn = handles::config(hMprConfig, "hMprConfig")?;
        // SAFETY: caller contract.
        let info = unsafe { read_interface(lpbBuffer, dwLevel, true) }?;
        let id = conn.interface_create(&info)?;
        handles::child_handle(hMprConfig, Child::Interface(id))
    })
}

/// `MprConfigInterfaceDelete`: deletes an interface and all its interface-transports. Its
/// handle (and theirs) then give `ERROR_NO_SUCH_INTERFACE` (905).
///
/// Errors: 87 — a handle NULL; 6 — not live handles of this config; 905 — already deleted.
///
/// # Safety
/// None; handles are never dereferenced.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprConfigInterfaceDelete(
    hMprConfig: HANDLE,
    hRouterInterface: HANDLE,
) -> u32 {
    guard("MprConfigInterfaceDelete", || {
        not_null(hMprConfig, "hMprConfig")?;
        not_null(hRouterInterface, "hRouterInterface")?;
        let (conn, child) = resolve(hMprConfig, hRouterInterface)?;
        let id = interface_id(&child)?;
        conn.interface_delete(id)
    })
}

/// `MprConfigInterfaceGetHandle`: the handle of the interface named `lpwsInterfaceName`
/// (compared case-insensitively). The same interface always gets the same handle value.
///
/// Errors: 87 — a NULL argument, a name longer than 256 characters or not UTF-16; 6 — not a live
/// config handle; 905 — no such interface. `*phRouterInterface` is NULL on failure.
///
/// # Safety
/// `lpwsInterfaceName` NULL or NUL-terminated; `phRouterInterface` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprConfigInterfaceGetHandle(
    hMprConfig: HANDLE,
    lpwsInterfaceName: *const u16,
    phRouterInterface: *mut HANDLE,
) -> u32 {
    // SAFETY: `phRouterInterface` NULL or writable (caller contract).
    let out = unsafe { Ptr::new(phRouterInterface) };
    out::run("MprConfigInterfaceGetHandle", out, || {
        not_null(hMprConfig, "hMprConfig")?;
        not_null(lpwsInterfaceName, "lpwsInterfaceName")?;
        not_null(phRouterInterface, "phRouterInterface")?;
        // SAFETY: caller contract.
        let name = unsafe {
            wide::read(
                lpwsInterfaceName,
                MAX_INTERFACE_NAME_LEN,
                "lpwsInterfaceName",
            )
        }?;
        let conn = handles::config(hMprConfig, "hMprConfig")?;
        let id = conn.interface_get_handle(&name)?;
        handles::child_handle(hMprConfig, Child::Interface(id))
    })
}

macro_rules! fill_level0 {
    ($s:expr, $info:expr, $h:expr) => {{
        wide::write_fixed(&mut $s.wszInterfaceName, &$info.name);
        $s.hInterface = $h;
        $s.fEnabled = $info.enabled as BOOL;
        $s.dwIfType = $info.if_type.0;
        $s.dwConnectionState = $info.connection_state.0;
        $s.fUnReachabilityReasons = $info.unreachability_reasons;
        $s.dwLastError = $info.last_error;
    }};
}

/// The `MPR_INTERFACE_0` of an interface with its handle.
pub(crate) fn interface0(info: &Interface, h: HANDLE) -> MPR_INTERFACE_0 {
    let mut s: MPR_INTERFACE_0 = zeroed();
    fill_level0!(s, info, h);
    s
}

/// One buffer with the structure of `level` (level 1: followed by the dial-out hours) and its
/// size.
fn interface_buffer(info: &Interface, level: u32, h: HANDLE) -> Result<(Owned, u32)> {
    fn whole<T: Plain>(s: T) -> Result<(Owned, u32)> {
        Ok((Owned::value(s)?, std::mem::size_of::<T>() as u32))
    }
    match level {
        0 => whole(interface0(info, h)),
        1 => {
            let head = std::mem::size_of::<MPR_INTERFACE_1>();
            let units = info
                .dialout_hours
                .as_ref()
                .map(|v| wide::encode_multi(v))
                .unwrap_or_default();
            let total = head + units.len() * 2;
            let b = Owned::new(total)?;
            let p = b.as_ptr();
            let mut s: MPR_INTERFACE_1 = zeroed();
            fill_level0!(s, info, h);
            if !units.is_empty() {
                // SAFETY: the buffer has `units.len()` u16 after the structure (8-aligned).
                unsafe {
                    let tail = p.add(head) as *mut u16;
                    std::ptr::copy_nonoverlapping(units.as_ptr(), tail, units.len());
                    s.lpwsDialoutHoursRestriction = tail;
                }
            }
            // SAFETY: the buffer starts with room for the structure.
            unsafe { (p as *mut MPR_INTERFACE_1).write(s) };
            Ok((b, total as u32))
        }
        2 => {
            let mut s: MPR_INTERFACE_2 = zeroed();
            fill_level0!(s, info, h);
            whole(s)
        }
        _ => {
            let mut s: MPR_INTERFACE_3 = zeroed();
            fill_level0!(s, info, h);
            whole(s)
        }
    }
}

/// `MprConfigInterfaceGetInfo`: the interface as `MPR_INTERFACE_0`..`3` in one new buffer
/// (level 1: the dial-out hours multi-string follows the structure in the same buffer; levels
/// 2/3: the level-0 fields, the rest zero, spec Q3), freed with `MprConfigBufferFree`.
/// `*lpdwBufferSize` receives the whole buffer's size. `hInterface` is the handle itself;
/// `dwConnectionState` is DISCONNECTED (UNREACHABLE with `MPR_INTERFACE_ADMIN_DISABLED` when
/// disabled), spec Q13.
///
/// Errors: 87 — a NULL argument, `dwLevel` not 0-3; 6 — not live handles of this config; 905 —
/// the interface was deleted; `ERROR_NOT_ENOUGH_MEMORY`. `*lplpBuffer` is NULL on failure.
///
/// # Safety
/// `lplpBuffer` and `lpdwBufferSize` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprConfigInterfaceGetInfo(
    hMprConfig: HANDLE,
    hRouterInterface: HANDLE,
    dwLevel: u32,
    lplpBuffer: *mut *mut u8,
    lpdwBufferSize: *mut u32,
) -> u32 {
    // SAFETY: `lplpBuffer` and `lpdwBufferSize` NULL or writable (caller contract).
    let out = unsafe { BufLen::new(lplpBuffer, lpdwBufferSize) };
    out::run("MprConfigInterfaceGetInfo", out, || {
        not_null(hMprConfig, "hMprConfig")?;
        not_null(hRouterInterface, "hRouterInterface")?;
        not_null(lplpBuffer, "lplpBuffer")?;
        not_null(lpdwBufferSize, "lpdwBufferSize")?;
        check_level(dwLevel, 3)?;
        let (conn, child) = resolve(hMprConfig, hRouterInterface)?;
        let id = interface_id(&child)?;
        let info = conn.interface_get_info(id)?;
        interface_buffer(&info, dwLevel, hRouterInterface).map(Some)
    })
}

/// `MprConfigInterfaceSetInfo`: changes `fEnabled` (all levels) and, at level 1, the dial-out
/// hours (`lpwsDialoutHoursRestriction` NULL removes the restriction). Name and type are fixed
/// and not read; the other fields of levels 2/3 are not stored (spec Q3).
///
/// Errors: 87 — a NULL argument, `dwLevel` not 0-3, bad dial-out hours, any change to a
/// DEDICATED or INTERNAL interface (spec Q17); 6 — not live handles of this config; 905 — the interface
/// was deleted.
///
/// # Safety
/// `lpbBuffer` NULL or readable for the structure of `dwLevel`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprConfigInterfaceSetInfo(
    hMprConfig: HANDLE,
    hRouterInterface: HANDLE,
    dwLevel: u32,
    lpbBuffer: *const u8,
) -> u32 {
    guard("MprConfigInterfaceSetInfo", || {
        not_null(hMprConfig, "hMprConfig")?;
        not_null(hRouterInterface, "hRouterInterface")?;
        not_null(lpbBuffer, "lpbBuffer")?;
        check_level(dwLevel, 3)?;
        let (conn, child) = resolve(hMprConfig, hRouterInterface)?;
        let id = interface_id(&child)?;
        // SAFETY: caller contract.
        let info = unsafe { read_interface(lpbBuffer, dwLevel, false) }?;
        // Levels 2/3 carry no dial-out hours: pass them as level 0 so the stored hours stay.
        let level = if dwLevel == 1 { 1 } else { 0 };
        conn.interface_set_info(id, level, &info)
    })
}

/// `MprConfigInterfaceEnum`: up to `dwPrefMaxLen / 552` interfaces (all with
/// `MAX_PREFERRED_LENGTH`) from the resume position, as an `MPR_INTERFACE_0` array in one
/// buffer freed with `MprConfigBufferFree`; each `hInterface` is a usable handle. Paging: pass
/// `*lpdwResumeHandle` = 0 first, then the value returned; 0 returned means done. A first call
/// on an empty configuration succeeds with 0 entries and `*lplpBuffer` NULL.
///
/// Errors: 87 — a NULL required argument, `dwLevel` not 0, `dwPrefMaxLen` < 552; 6 — not a live
/// config handle; `ERROR_NO_MORE_ITEMS` (259) — nothing left from a non-zero resume position.
///
/// # Safety
/// Pointer arguments NULL or writable (`lpdwResumeHandle` also readable).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprConfigInterfaceEnum(
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
    out::run("MprConfigInterfaceEnum", out, || {
        not_null(hMprConfig, "hMprConfig")?;
        out.check()?;
        check_level(dwLevel, 0)?;
        enumerate::check_pref_max_len::<MPR_INTERFACE_0>(dwPrefMaxLen)?;
        let conn = handles::config(hMprConfig, "hMprConfig")?;
        // SAFETY: `resume` NULL or readable (caller contract).
        unsafe {
            enumerate::page(
                lpdwResumeHandle,
                dwPrefMaxLen,
                |resume, max| conn.interface_enum(resume, max),
                |e: &InterfaceEntry| {
                    let h = handles::child_handle(hMprConfig, Child::Interface(e.id.clone()))?;
                    Ok(interface0(&e.info, h))
                },
            )
        }
    })
}

fn selector(t: &TrafficSelector) -> MPR_VPN_TRAFFIC_SELECTOR {
    let addr = |a: &TsAddress| VPN_TS_IP_ADDRESS {
        Type: a.family,
        Anonymous: VPN_TS_IP_ADDRESS_0 {
            v6: IN6_ADDR {
                u: IN6_ADDR_0 { Byte: a.addr },
            },
        },
    };
    MPR_VPN_TRAFFIC_SELECTOR {
        r#type: t.ts_type,
        protocolId: t.protocol_id,
        portStart: t.port_start,
        portEnd: t.port_end,
        tsPayloadId: t.payload_id,
        addrStart: addr(&t.addr_start),
        addrEnd: addr(&t.addr_end),
    }
}

fn selector_of(s: &MPR_VPN_TRAFFIC_SELECTOR) -> TrafficSelector {
    // SAFETY: both union members are plain bytes; v6 covers the whole 16-byte union.
    let addr = |a: &VPN_TS_IP_ADDRESS| TsAddress {
        family: a.Type,
        addr: unsafe { a.Anonymous.v6.u.Byte },
    };
    TrafficSelector {
        ts_type: s.r#type,
        protocol_id: s.protocolId,
        port_start: s.portStart,
        port_end: s.portEnd,
        payload_id: s.tsPayloadId,
        addr_start: addr(&s.addrStart),
        addr_end: addr(&s.addrEnd),
    }
}

/// `MprConfigInterfaceGetCustomInfoEx`: fills the caller's `MPR_IF_CUSTOMINFOEX`
/// (= `MPR_IF_CUSTOMINFOEX2`, 88 bytes; `Header` revision 3, type 6, size 88) with the
/// interface's custom IKEv2 configuration (`dwFlags` 0 = none). Each non-NULL pointer written
/// (certificate name data, custom policy, certificate hash data, each traffic selector array)
/// is one separate buffer; free each with `MprConfigBufferFree`.
///
/// Errors: 87 — a NULL argument; 6 — not live handles of this config; 905 — the interface was
/// deleted. The structure is untouched on failure.
///
/// # Safety
/// `pCustomInfo` NULL or writable for 88 bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprConfigInterfaceGetCustomInfoEx(
    hMprConfig: HANDLE,
    hRouterInterface: HANDLE,
    pCustomInfo: *mut MPR_IF_CUSTOMINFOEX2,
) -> u32 {
    // SAFETY: `pCustomInfo` NULL or writable (caller contract).
    let out = unsafe { Filled::new(pCustomInfo) };
    out::run("MprConfigInterfaceGetCustomInfoEx", out, || {
        not_null(hMprConfig, "hMprConfig")?;
        not_null(hRouterInterface, "hRouterInterface")?;
        not_null(pCustomInfo, "pCustomInfo")?;
        let (conn, child) = resolve(hMprConfig, hRouterInterface)?;
        let id = interface_id(&child)?;
        let info = conn.interface_get_custom_info(id)?;
        let mut a = Attached::default();
        let s = custom_info_ex(&info, &mut a)?;
        Ok((s, a))
    })
}

/// The `MPR_IF_CUSTOMINFOEX2` of a custom configuration, its pointers into buffers of `a`.
fn custom_info_ex(info: &CustomInfoEx, a: &mut Attached) -> Result<MPR_IF_CUSTOMINFOEX2> {
    let mut s: MPR_IF_CUSTOMINFOEX2 = zeroed();
    s.Header = MPRAPI_OBJECT_HEADER {
        revision: MPR_IF_CUSTOMINFOEX2_REVISION,
        r#type: MPRAPI_OBJECT_TYPE_IF_CUSTOM_CONFIG_OBJECT,
        size: std::mem::size_of::<MPR_IF_CUSTOMINFOEX2>() as u16,
    };
    s.dwFlags = info.flags;
    let k = &info.ikev2;
    let c = &mut s.customIkev2Config;
    c.dwSaLifeTime = k.sa_lifetime;
    c.dwSaDataSize = k.sa_data_size;
    c.certificateName = a.blob(&k.certificate_name)?;
    c.customPolicy = a.policy(&k.custom_policy)?;
    c.certificateHash = a.blob(&k.certificate_hash)?;
    c.dwMmSaLifeTime = k.mm_sa_lifetime;
    let mut selectors = |v: &[TrafficSelector]| {
        a.array_with_tail::<MPR_VPN_TRAFFIC_SELECTOR>(v.len(), 0, |arr, _| {
            for (i, t) in v.iter().enumerate() {
                // SAFETY: `arr` has `v.len()` entries.
                unsafe { arr.add(i).write(selector(t)) };
            }
        })
    };
    c.vpnTrafficSelectors = MPR_VPN_TRAFFIC_SELECTORS {
        numTsi: k.traffic_selectors_initiator.len() as u32,
        numTsr: k.traffic_selectors_responder.len() as u32,
        tsI: selectors(&k.traffic_selectors_initiator)?,
        tsR: selectors(&k.traffic_selectors_responder)?,
    };
    Ok(s)
}

/// Reads a traffic selector array of at most [`MAX_TRAFFIC_SELECTORS`] entries.
///
/// # Safety
/// `p` readable for `n` entries when `n` > 0.
unsafe fn read_selectors(
    p: *const MPR_VPN_TRAFFIC_SELECTOR,
    n: u32,
    what: &str,
) -> Result<Vec<TrafficSelector>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    if n > MAX_TRAFFIC_SELECTORS {
        return Err(Error::invalid_parameter(format!(
            "{what}: {n} selectors, at most {MAX_TRAFFIC_SELECTORS}"
        )));
    }
    not_null(p, what)?;
    // SAFETY: caller contract: n entries.
    Ok((0..n as usize)
        .map(|i| selector_of(&unsafe { p.add(i).read_unaligned() }))
        .collect())
}

/// `MprConfigInterfaceSetCustomInfoEx`: stores the custom IKEv2 configuration of a
/// FULL_ROUTER interface. `pCustomInfo->Header` must be type 6 with revision 1 / size 40
/// (`MPR_IF_CUSTOMINFOEX0`), revision 2 / size 56 (`…EX1`) or revision 3 / size 88 (`…EX2`);
/// members a revision lacks are stored as empty.
///
/// Errors: 87 — a NULL argument, a wrong `Header`, a non-FULL_ROUTER interface, more than 1024
/// selectors, a blob above 64 KiB, values the store refuses; 6 — not live handles of this
/// config; 905 — the interface was deleted.
///
/// # Safety
/// `pCustomInfo` NULL or readable for the size its `Header` declares, with readable pointers.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprConfigInterfaceSetCustomInfoEx(
    hMprConfig: HANDLE,
    hRouterInterface: HANDLE,
    pCustomInfo: *const MPR_IF_CUSTOMINFOEX2,
) -> u32 {
    guard("MprConfigInterfaceSetCustomInfoEx", || {
        not_null(hMprConfig, "hMprConfig")?;
        not_null(hRouterInterface, "hRouterInterface")?;
        not_null(pCustomInfo, "pCustomInfo")?;
        // SAFETY: the 4-byte header is readable (caller contract).
        let h = unsafe { (pCustomInfo as *const MPRAPI_OBJECT_HEADER).read_unaligned() };
        let sizes = [
            std::mem::size_of::<MPR_IF_CUSTOMINFOEX0>(),
            std::mem::size_of::<MPR_IF_CUSTOMINFOEX1>(),
            std::mem::size_of::<MPR_IF_CUSTOMINFOEX2>(),
        ];
        let revision = h.revision as usize;
        if h.r#type != MPRAPI_OBJECT_TYPE_IF_CUSTOM_CONFIG_OBJECT
            || !(1..=3).contains(&revision)
            || h.size as usize != sizes[revision - 1]
        {
            return Err(Error::invalid_parameter(format!(
                "pCustomInfo->Header (revision {}, type {}, size {}) is not an MPR_IF_CUSTOMINFOEX (type 6; revision 1/2/3 with size 40/56/88)",
                h.revision, h.r#type, h.size
            )));
        }
        let (conn, child) = resolve(hMprConfig, hRouterInterface)?;
        let id = interface_id(&child)?;
        // SAFETY: every revision starts with the EX0 layout (caller contract).
        let s0 = unsafe { (pCustomInfo as *const MPR_IF_CUSTOMINFOEX0).read_unaligned() };
        let c0 = &s0.customIkev2Config;
        let mut k = IfCustomIkev2 {
            sa_lifetime: c0.dwSaLifeTime,
            sa_data_size: c0.dwSaDataSize,
            // SAFETY: caller contract.
            certificate_name: unsafe { read_blob(&c0.certificateName, "certificateName") }?,
            // SAFETY: caller contract.
            custom_policy: unsafe { read_policy(c0.customPolicy) },
            ..IfCustomIkev2::default()
        };
        if revision >= 2 {
            // SAFETY: the header says EX1 or EX2.
            let s1 = unsafe { (pCustomInfo as *const MPR_IF_CUSTOMINFOEX1).read_unaligned() };
            // SAFETY: caller contract.
            k.certificate_hash =
                unsafe { read_blob(&s1.customIkev2Config.certificateHash, "certificateHash") }?;
        }
        if revision == 3 {
            // SAFETY: the header says EX2.
            let s2 = unsafe { pCustomInfo.read_unaligned() };
            let c2 = &s2.customIkev2Config;
            k.mm_sa_lifetime = c2.dwMmSaLifeTime;
            let ts = &c2.vpnTrafficSelectors;
            // SAFETY: caller contract.
            k.traffic_selectors_initiator = unsafe { read_selectors(ts.tsI, ts.numTsi, "tsI") }?;
            // SAFETY: caller contract.
            k.traffic_selectors_responder = unsafe { read_selectors(ts.tsR, ts.numTsr, "tsR") }?;
        }
        conn.interface_set_custom_info(
            id,
            &CustomInfoEx {
                flags: s0.dwFlags,
                ikev2: k,
            },
        )
    })
}
