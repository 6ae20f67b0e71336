//! The C layer's cost: each C-ABI call beside the same `mprconfig` Rust call, on one local
//! store. The difference (handle lookup, UTF-16, struct fill, tracked allocation + free) is
//! what libmprapi adds; the target is at most 1 µs per call.
//!
//! - `interface_get_info`: `MprConfigInterfaceGetInfo` (level 0) + `MprConfigBufferFree` vs
//!   `RouterConfig::interface_get_info`.
//! - `interface_get_handle`: `MprConfigInterfaceGetHandle` (UTF-16 name) vs
//!   `RouterConfig::interface_get_handle`.
//! - `info_block_find`: `MprInfoBlockFind` on a 10-block header vs `info::locate`.

use std::hint::black_box;
use std::ptr::{null, null_mut};

use criterion::{Criterion, criterion_group, criterion_main};
use mprapi::types::HANDLE;
use mprconfig::info::{InfoHeader, locate};
use mprconfig::{Interface, InterfaceType};

fn c_abi(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("router.db");
    // SAFETY: set before any other thread exists (criterion runs benches on this thread).
    unsafe { std::env::set_var("MPRCONFIG_STORE", &store) };

    let conn = mprconfig::connect(None).expect("local store");
    let id = conn
        .interface_create(&Interface {
            name: "Bench interface".into(),
            if_type: InterfaceType::FULL_ROUTER,
            enabled: true,
            ..Interface::default()
        })
        .expect("create");
    let name: Vec<u16> = "Bench interface".encode_utf16().chain([0]).collect();

    let mut h: HANDLE = null_mut();
    let mut hif: HANDLE = null_mut();
    // SAFETY: valid out-pointers and a NUL-terminated name.
    unsafe {
        assert_eq!(mprapi::MprConfigServerConnect(null(), &mut h), 0);
        assert_eq!(
            mprapi::MprConfigInterfaceGetHandle(h, name.as_ptr(), &mut hif),
            0
        );
    }

    let mut g = c.benchmark_group("c_abi_vs_rust");
    g.bench_function("interface_get_info/c", |b| {
        b.iter(|| {
            let (mut buf, mut size) = (null_mut(), 0u32);
            // SAFETY: live handles, valid out-pointers; the buffer is freed once.
            unsafe {
                assert_eq!(
                    mprapi::MprConfigInterfaceGetInfo(h, hif, 0, &mut buf, &mut size),
                    0
                );
                black_box(&*buf);
                assert_eq!(mprapi::MprConfigBufferFree(buf.cast()), 0);
            }
        })
    });
    g.bench_function("interface_get_info/rust", |b| {
        b.iter(|| black_box(conn.interface_get_info(black_box(&id)).expect("get")))
    });
    g.bench_function("interface_get_handle/c", |b| {
        b.iter(|| {
            let mut out: HANDLE = null_mut();
            // SAFETY: as above.
            unsafe {
                assert_eq!(
                    mprapi::MprConfigInterfaceGetHandle(h, black_box(name.as_ptr()), &mut out),
                    0
                )
            };
            black_box(out)
        })
    });
    g.bench_function("interface_get_handle/rust", |b| {
        b.iter(|| {
            black_box(
                conn.interface_get_handle(black_box("Bench interface"))
                    .expect("get"),
            )
        })
    });

    let mut hdr = InfoHeader::new(1).expect("v1");
    for t in 0..10u32 {
        hdr.add(0xFFFF_0000 + t, 16, 2, &[t as u8; 32])
            .expect("add");
    }
    let bytes = hdr.to_bytes();
    // The C caller's header lives in its own (8-aligned) memory.
    let mut aligned = vec![0u64; bytes.len().div_ceil(8)];
    // SAFETY: `aligned` has at least `bytes.len()` bytes.
    unsafe {
        std::ptr::copy_nonoverlapping(
            bytes.as_ptr(),
            aligned.as_mut_ptr().cast::<u8>(),
            bytes.len(),
        )
    };
    g.bench_function("info_block_find/c", |b| {
        b.iter(|| {
            let (mut size, mut count, mut data) = (0u32, 0u32, null_mut());
            // SAFETY: a valid header in caller memory; valid out-pointers.
            unsafe {
                assert_eq!(
                    mprapi::MprInfoBlockFind(
                        aligned.as_mut_ptr().cast(),
                        black_box(0xFFFF_0009),
                        &mut size,
                        &mut count,
                        &mut data
                    ),
                    0
                );
            }
            black_box(data)
        })
    });
    g.bench_function("info_block_find/rust", |b| {
        b.iter(|| black_box(locate(black_box(&bytes), black_box(0xFFFF_0009)).expect("present")))
    });
    g.finish();

    // SAFETY: a live config handle, disconnected once.
    unsafe { mprapi::MprConfigServerDisconnect(h) };
}

criterion_group!(benches, c_abi);
criterion_main!(benches);
