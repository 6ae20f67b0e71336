//! The C ABI driven with hostile arguments: random function choices, levels, sizes, handle
//! values (live, stale, foreign, wrong-kind, random), malformed information headers (inside
//! library buffers, so a lying `Size` is caught, and in caller memory with an honest `Size`),
//! double and foreign frees. Every call must return a code, never crash, panic (the guard
//! would turn a panic into 1359, which is asserted never to happen) or leak a buffer.
//!
//! Pointers passed are always valid for what the C contract promises (the fuzzer attacks the
//! values, not the contract): that is what a correct-but-hostile C caller can do.

#![no_main]

use std::ffi::c_void;
use std::ptr::{null, null_mut};
use std::sync::Once;

use libfuzzer_sys::fuzz_target;
use mprapi::types::*;
use mprapi::*;

const INTERNAL: u32 = 1359;

struct Input<'a> {
    data: &'a [u8],
}

impl Input<'_> {
    fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((b, rest)) => {
                self.data = rest;
                *b
            }
            None => 0,
        }
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.byte(), self.byte(), self.byte(), self.byte()])
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        let n = n.min(self.data.len());
        let (a, b) = self.data.split_at(n);
        self.data = b;
        a.to_vec()
    }
    /// A small level: mostly valid values, sometimes anything.
    fn level(&mut self) -> u32 {
        match self.byte() % 8 {
            7 => self.u32(),
            b => u32::from(b % 5),
        }
    }
}

#[derive(Default)]
struct State {
    configs: Vec<HANDLE>,
    handles: Vec<HANDLE>,
    buffers: Vec<*mut c_void>,
}

impl State {
    fn handle(&mut self, inp: &mut Input<'_>) -> HANDLE {
        let pick = inp.byte();
        let pool: Vec<HANDLE> = self
            .configs
            .iter()
            .chain(self.handles.iter())
            .copied()
            .collect();
        match pick % 6 {
            0 => null_mut(),
            1 => (inp.u32() as usize | (inp.u32() as usize) << 32) as HANDLE,
            _ if pool.is_empty() => null_mut(),
            _ => pool[pick as usize % pool.len()],
        }
    }
    fn config(&mut self, inp: &mut Input<'_>) -> HANDLE {
        if inp.byte() % 8 == 0 || self.configs.is_empty() {
            self.handle(inp)
        } else {
            let i = inp.byte() as usize % self.configs.len();
            self.configs[i]
        }
    }
}

fn ok(rc: u32) {
    assert_ne!(rc, INTERNAL, "an export panicked");
}

fn name(inp: &mut Input<'_>) -> Vec<u16> {
    let n = inp.byte() as usize % 300;
    let mut v: Vec<u16> = inp
        .bytes(n)
        .iter()
        .map(|&b| u16::from(b % 96) + 32)
        .collect();
    v.push(0);
    v
}

/// A header-like blob: random bytes, or a valid header with random edits.
fn header_bytes(inp: &mut Input<'_>) -> Vec<u8> {
    let n = inp.byte() as usize;
    let mut v = inp.bytes(n);
    if v.len() >= 12 && inp.byte() % 2 == 0 {
        v[0..4].copy_from_slice(&1u32.to_le_bytes());
    }
    v
}

fuzz_target!(|data: &[u8]| {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        let dir = std::env::temp_dir().join(format!("mprapi-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("store dir");
        // SAFETY: set once before any other thread of this process reads the environment.
        unsafe { std::env::set_var("MPRCONFIG_STORE", dir.join("router.db")) };
    });
    let live_before = mprapi::alloc::live_count();
    let mut inp = Input { data };
    let mut st = State::default();
    let mut h: HANDLE = null_mut();
    // SAFETY (whole block): every pointer passed is valid for what the C contract requires.
    unsafe {
        ok(MprConfigServerConnect(null(), &mut h));
        st.configs.push(h);
        for _ in 0..64 {
            if inp.data.is_empty() {
                break;
            }
            match inp.byte() % 24 {
                0 => {
                    let mut out = null_mut();
                    ok(MprConfigServerConnect(null(), &mut out));
                    if !out.is_null() {
                        st.configs.push(out);
                    }
                }
                1 => {
                    let c = st.config(&mut inp);
                    MprConfigServerDisconnect(c);
                }
                2 => {
                    let mut i0: MPR_INTERFACE_1 = zeroed();
                    let n = name(&mut inp);
                    let k = n.len().min(i0.wszInterfaceName.len());
                    i0.wszInterfaceName[..k].copy_from_slice(&n[..k]);
                    i0.dwIfType = inp.byte() as i32 % 9;
                    i0.fEnabled = inp.byte() as i32 % 2;
                    // A multi-string: strings, then the final extra NUL the contract requires.
                    let mut hours = name(&mut inp);
                    hours.push(0);
                    if inp.byte() % 2 == 0 {
                        i0.lpwsDialoutHoursRestriction = hours.as_ptr() as *mut u16;
                    }
                    // Levels 2/3 need their larger structures: pass a big zeroed buffer.
                    let mut big = vec![0u8; std::mem::size_of::<MPR_INTERFACE_3>()];
                    std::ptr::copy_nonoverlapping(
                        &i0 as *const _ as *const u8,
                        big.as_mut_ptr(),
                        std::mem::size_of::<MPR_INTERFACE_1>(),
                    );
                    let lvl = inp.level();
                    let mut out = null_mut();
                    let c = st.config(&mut inp);
                    ok(MprConfigInterfaceCreate(c, lvl, big.as_ptr(), &mut out));
                    if !out.is_null() {
                        st.handles.push(out);
                    }
                }
                3 => {
                    let n = name(&mut inp);
                    let mut out = null_mut();
                    let c = st.config(&mut inp);
                    ok(MprConfigInterfaceGetHandle(c, n.as_ptr(), &mut out));
                    if !out.is_null() {
                        st.handles.push(out);
                    }
                }
                4 => {
                    let (c, i) = (st.config(&mut inp), st.handle(&mut inp));
                    let mut buf = null_mut();
                    let mut size = 0;
                    let lvl = inp.level();
                    ok(MprConfigInterfaceGetInfo(c, i, lvl, &mut buf, &mut size));
                    ok(MprConfigBufferFree(buf as *mut c_void));
                }
                5 => {
                    let (c, i) = (st.config(&mut inp), st.handle(&mut inp));
                    let big = vec![inp.byte(); std::mem::size_of::<MPR_INTERFACE_3>()];
                    let lvl = inp.level();
                    // Level 1 reads a pointer from the buffer: keep it NULL (all bytes 0) there.
                    let lvl = if lvl == 1 && big[0] != 0 { 0 } else { lvl };
                    ok(MprConfigInterfaceSetInfo(c, i, lvl, big.as_ptr()));
                }
                6 => {
                    let (c, i) = (st.config(&mut inp), st.handle(&mut inp));
                    ok(MprConfigInterfaceDelete(c, i));
                }
                7 | 8 => {
                    let c = st.config(&mut inp);
                    let lvl = if inp.byte() % 4 == 0 { inp.u32() } else { 0 };
                    let pref = match inp.byte() % 3 {
                        0 => u32::MAX,
                        1 => inp.u32() % 4000,
                        _ => inp.u32(),
                    };
                    let mut resume = if inp.byte() % 2 == 0 {
                        0
                    } else {
                        inp.u32() % 64
                    };
                    let (mut buf, mut read, mut total) = (null_mut(), 0, 0);
                    let rc = if inp.byte() % 2 == 0 {
                        MprConfigInterfaceEnum(
                            c,
                            lvl,
                            &mut buf,
                            pref,
                            &mut read,
                            &mut total,
                            &mut resume,
                        )
                    } else {
                        MprConfigTransportEnum(
                            c,
                            lvl,
                            &mut buf,
                            pref,
                            &mut read,
                            &mut total,
                            &mut resume,
                        )
                    };
                    ok(rc);
                    if rc == 0 && !buf.is_null() {
                        // Entry handles join the pool.
                        for k in 0..read as usize {
                            if pref >= 552 {
                                let e = (buf as *const MPR_INTERFACE_0).add(k);
                                if std::mem::size_of::<MPR_INTERFACE_0>() * (k + 1)
                                    <= mprapi::alloc::live_size(buf).unwrap_or(0)
                                {
                                    st.handles.push((*e).hInterface);
                                }
                            }
                        }
                    }
                    ok(MprConfigBufferFree(buf as *mut c_void));
                }
                9 => {
                    let (c, i) = (st.config(&mut inp), st.handle(&mut inp));
                    let blob = header_bytes(&mut inp);
                    let size = if inp.byte() % 4 == 0 {
                        blob.len() as u32
                    } else {
                        (blob.len() as u32).min(inp.u32())
                    };
                    let p = if blob.is_empty() {
                        null()
                    } else {
                        blob.as_ptr()
                    };
                    let mut out = null_mut();
                    let n = name(&mut inp);
                    let pn = if inp.byte() % 2 == 0 {
                        null()
                    } else {
                        n.as_ptr()
                    };
                    ok(MprConfigInterfaceTransportAdd(
                        c,
                        i,
                        inp.u32() % 128,
                        pn,
                        p,
                        size,
                        &mut out,
                    ));
                    if !out.is_null() {
                        st.handles.push(out);
                    }
                }
                10 => {
                    let (c, i, t) = (
                        st.config(&mut inp),
                        st.handle(&mut inp),
                        st.handle(&mut inp),
                    );
                    let mut buf = null_mut();
                    let mut size = 0;
                    ok(MprConfigInterfaceTransportGetInfo(
                        c, i, t, &mut buf, &mut size,
                    ));
                    ok(MprConfigBufferFree(buf as *mut c_void));
                    let blob = header_bytes(&mut inp);
                    ok(MprConfigInterfaceTransportSetInfo(
                        c,
                        i,
                        t,
                        blob.as_ptr(),
                        blob.len() as u32,
                    ));
                    if inp.byte() % 3 == 0 {
                        ok(MprConfigInterfaceTransportRemove(c, i, t));
                    }
                }
                11 => {
                    let (c, i) = (st.config(&mut inp), st.handle(&mut inp));
                    let (mut buf, mut read, mut total) = (null_mut(), 0, 0);
                    let pref = inp.u32() % 400;
                    ok(MprConfigInterfaceTransportEnum(
                        c,
                        i,
                        0,
                        &mut buf,
                        pref,
                        &mut read,
                        &mut total,
                        null_mut(),
                    ));
                    ok(MprConfigBufferFree(buf as *mut c_void));
                    let mut out = null_mut();
                    ok(MprConfigInterfaceTransportGetHandle(
                        c,
                        i,
                        inp.u32() % 128,
                        &mut out,
                    ));
                    if !out.is_null() {
                        st.handles.push(out);
                    }
                }
                12 => {
                    let c = st.config(&mut inp);
                    let g = header_bytes(&mut inp);
                    let ci = header_bytes(&mut inp);
                    let dll = name(&mut inp);
                    let mut out = null_mut();
                    let pid = inp.u32() % 128;
                    ok(MprConfigTransportCreate(
                        c,
                        pid,
                        null(),
                        g.as_ptr(),
                        g.len() as u32,
                        ci.as_ptr(),
                        ci.len() as u32,
                        dll.as_ptr(),
                        &mut out,
                    ));
                    if !out.is_null() {
                        st.handles.push(out);
                    }
                }
                13 => {
                    let (c, t) = (st.config(&mut inp), st.handle(&mut inp));
                    let (mut g, mut gs, mut ci, mut cs, mut dll) =
                        (null_mut(), 0, null_mut(), 0, null_mut());
                    ok(MprConfigTransportGetInfo(
                        c, t, &mut g, &mut gs, &mut ci, &mut cs, &mut dll,
                    ));
                    ok(MprConfigBufferFree(g as *mut c_void));
                    ok(MprConfigBufferFree(ci as *mut c_void));
                    ok(MprConfigBufferFree(dll as *mut c_void));
                    let blob = header_bytes(&mut inp);
                    ok(MprConfigTransportSetInfo(
                        c,
                        t,
                        blob.as_ptr(),
                        blob.len() as u32,
                        null(),
                        0,
                        null(),
                    ));
                    if inp.byte() % 4 == 0 {
                        ok(MprConfigTransportDelete(c, t));
                    }
                }
                14 => {
                    let c = st.config(&mut inp);
                    let mut out = null_mut();
                    ok(MprConfigTransportGetHandle(c, inp.u32() % 128, &mut out));
                    if !out.is_null() {
                        st.handles.push(out);
                    }
                }
                15 => {
                    let c = st.config(&mut inp);
                    let mut buf = null_mut();
                    let lvl = inp.level();
                    ok(MprConfigServerGetInfo(c, lvl, &mut buf));
                    ok(MprConfigBufferFree(buf as *mut c_void));
                    let s = inp.bytes(24);
                    let mut s2 = [0u8; 24];
                    s2[..s.len()].copy_from_slice(&s);
                    let lvl = inp.level();
                    ok(MprConfigServerSetInfo(c, lvl, s2.as_ptr()));
                }
                16 => {
                    let c = st.config(&mut inp);
                    let mut ex: MPR_SERVER_EX1 = zeroed();
                    if MprConfigServerGetInfoEx(c, &mut ex) == 0 {
                        let t = &ex.ConfigParams.IkeConfigParams.TunnelConfigParams;
                        for p in [
                            t.certificateNames as *mut c_void,
                            t.machineCertificateName.pbData as *mut c_void,
                            t.customPolicy as *mut c_void,
                            t.certificateEKUs as *mut c_void,
                            t.machineCertificateHash.pbData as *mut c_void,
                            ex.ConfigParams
                                .L2tpConfigParams
                                .TunnelConfigParams
                                .customPolicy as *mut c_void,
                            ex.ConfigParams
                                .SstpConfigParams
                                .sstpCertDetails
                                .certBlob
                                .pbData as *mut c_void,
                        ] {
                            ok(MprConfigBufferFree(p));
                        }
                    }
                    // A set with random scalars; pointers of the selected protocols stay NULL
                    // with zero counts (the caller contract), the header is random.
                    let mut set: MPR_SERVER_SET_CONFIG_EX1 = zeroed();
                    set.Header = MPRAPI_OBJECT_HEADER {
                        revision: inp.byte() % 7,
                        r#type: inp.byte() % 5,
                        size: if inp.byte() % 2 == 0 {
                            232
                        } else {
                            inp.u32() as u16
                        },
                    };
                    set.setConfigForProtocols = inp.u32() & 0x3f;
                    set.ConfigParams.PptpConfigParams.dwNumPorts = inp.u32() % 2000;
                    set.ConfigParams.GREConfigParams.dwNumPorts = inp.u32() % 2000;
                    set.ConfigParams.IkeConfigParams.dwNumPorts = inp.u32() % 2000;
                    set.ConfigParams.IkeConfigParams.dwTunnelConfigParamFlags = inp.u32() % 3;
                    ok(MprConfigServerSetInfoEx(c, &set));
                }
                17 => {
                    let (c, i) = (st.config(&mut inp), st.handle(&mut inp));
                    let mut ci: MPR_IF_CUSTOMINFOEX2 = zeroed();
                    if MprConfigInterfaceGetCustomInfoEx(c, i, &mut ci) == 0 {
                        let k = &ci.customIkev2Config;
                        for p in [
                            k.certificateName.pbData as *mut c_void,
                            k.customPolicy as *mut c_void,
                            k.certificateHash.pbData as *mut c_void,
                            k.vpnTrafficSelectors.tsI as *mut c_void,
                            k.vpnTrafficSelectors.tsR as *mut c_void,
                        ] {
                            ok(MprConfigBufferFree(p));
                        }
                    }
                    let mut set: MPR_IF_CUSTOMINFOEX2 = zeroed();
                    set.Header = MPRAPI_OBJECT_HEADER {
                        revision: inp.byte() % 5,
                        r#type: 6,
                        size: [40u16, 56, 88, 0][inp.byte() as usize % 4],
                    };
                    set.dwFlags = inp.u32() % 3;
                    set.customIkev2Config.dwSaLifeTime = inp.u32();
                    set.customIkev2Config.dwSaDataSize = inp.u32();
                    ok(MprConfigInterfaceSetCustomInfoEx(c, i, &set));
                }
                18 => {
                    let c = st.config(&mut inp);
                    let mut f = MPR_FILTER_0 {
                        fEnable: inp.byte() as i32,
                    };
                    let lvl = inp.level();
                    ok(MprConfigFilterSetInfo(
                        c,
                        lvl,
                        inp.u32() % 128,
                        &f as *const _ as *const u8,
                    ));
                    ok(MprConfigFilterGetInfo(
                        c,
                        lvl,
                        inp.u32() % 128,
                        &mut f as *mut _ as *mut u8,
                    ));
                }
                19 => {
                    let c = st.config(&mut inp);
                    let n = name(&mut inp);
                    let mut out = vec![0u16; 300];
                    let size = inp.u32() % 600;
                    ok(MprConfigGetFriendlyName(
                        c,
                        n.as_ptr(),
                        out.as_mut_ptr(),
                        size,
                    ));
                    ok(MprConfigGetGuidName(c, n.as_ptr(), out.as_mut_ptr(), size));
                }
                20 => {
                    // Info headers built by the library, then edited with hostile arguments.
                    let mut hdr = null_mut();
                    ok(MprInfoCreate(
                        if inp.byte() % 8 == 0 { inp.u32() } else { 1 },
                        &mut hdr,
                    ));
                    if !hdr.is_null() {
                        st.buffers.push(hdr);
                    }
                }
                21 => {
                    let target = if st.buffers.is_empty() || inp.byte() % 4 == 0 {
                        // Hostile bytes inside one of our buffers: a lying Size is caught.
                        let b = header_bytes(&mut inp);
                        let p = mprapi::alloc::alloc_copy(&b, 0).expect("alloc") as *mut c_void;
                        st.buffers.push(p);
                        p
                    } else {
                        st.buffers[inp.byte() as usize % st.buffers.len()]
                    };
                    let (t, sz, cnt) = (inp.u32() % 8, inp.u32() % 64, inp.u32() % 4);
                    let data = vec![inp.byte(); (sz * cnt) as usize];
                    let mut out = null_mut();
                    let rc = match inp.byte() % 6 {
                        0 => MprInfoBlockAdd(target, t, sz, cnt, data.as_ptr(), &mut out),
                        1 => MprInfoBlockSet(target, t, sz, cnt, data.as_ptr(), &mut out),
                        2 => MprInfoBlockRemove(target, t, &mut out),
                        3 => MprInfoRemoveAll(target, &mut out),
                        4 => MprInfoDuplicate(target, &mut out),
                        _ => {
                            let (mut s, mut n, mut d) = (0, 0, null_mut());
                            let rc = MprInfoBlockFind(target, t, &mut s, &mut n, &mut d);
                            if rc == 0 && s * n > 0 {
                                // The data pointer lies inside the header.
                                let size = MprInfoBlockQuerySize(target) as usize;
                                assert!(
                                    d as usize >= target as usize
                                        && d as usize + (s * n) as usize <= target as usize + size
                                );
                            }
                            rc
                        }
                    };
                    ok(rc);
                    // QuerySize returns a size, not a code (a valid header may be 1359 bytes
                    // long): it only has to return without crashing.
                    let _ = MprInfoBlockQuerySize(target);
                    if !out.is_null() {
                        st.buffers.push(out);
                    }
                }
                22 => {
                    // Double, interior and foreign frees are refused, never UB.
                    if !st.buffers.is_empty() {
                        let i = inp.byte() as usize % st.buffers.len();
                        let p = st.buffers[i];
                        ok(MprInfoDelete(
                            (p as *mut u8).wrapping_add(1 + inp.byte() as usize % 8) as *mut c_void,
                        ));
                        ok(MprInfoDelete(p));
                        assert_ne!(MprConfigBufferFree(p), 0, "double free accepted");
                        st.buffers.swap_remove(i);
                    }
                    let local = 0u64;
                    assert_ne!(MprConfigBufferFree(&local as *const u64 as *mut c_void), 0);
                }
                _ => {
                    let c = st.config(&mut inp);
                    ok(MprConfigServerRefresh(c));
                }
            }
        }
        for p in st.buffers.drain(..) {
            assert_eq!(MprInfoDelete(p), 0);
        }
        for c in st.configs.drain(..) {
            MprConfigServerDisconnect(c);
        }
    }
    // Everything returned was freed above: nothing leaked (single-threaded target).
    assert_eq!(mprapi::alloc::live_count(), live_before, "a buffer leaked");
});
