//! The C layer's cost: each C-ABI call beside the same `mprconfig` Rust call, on the local
//! SQLite store and on an in-memory configuration (where the store's own time, and its
//! noise, drop out). The difference (handle lookup, UTF-16, struct fill, tracked allocation +
//! free) is what libmprapi adds; the target is at most 1 µs per call.
//!
//! - `interface_get_info`: `MprConfigInterfaceGetInfo` (level 0) + `MprConfigBufferFree` vs
//!   `RouterConfig::interface_get_info`.
//! - `interface_get_handle`: `MprConfigInterfaceGetHandle` (UTF-16 name) vs
//!   `RouterConfig::interface_get_handle`.
//! - `info_block_find`: `MprInfoBlockFind` on a 10-block header vs `info::locate`.

use std::hint::black_box;
use std::ptr::null_mut;

use criterion::{Criterion, criterion_group, criterion_main};
use mprapi::types::HANDLE;
use mprconfig::info::{InfoHeader, locate};
use mprconfig::{Interface, InterfaceType};
use mprconfig_core::{MemRegistry, RegistryConfig};

/// One backend: a C config handle and interface handle, and the same objects in Rust.
struct Setup {
    h: HANDLE,
    hif: HANDLE,
    conn: mprconfig::Connection,
    id: mprconfig::InterfaceId,
}

const NAME: &str = "Bench interface";

fn setup(conn: mprconfig::Connection) -> Setup {
    let id = conn
        .interface_create(&Interface {
            name: NAME.into(),
            if_type: InterfaceType::FULL_ROUTER,
            enabled: true,
            ..Interface::default()
        })
        .expect("create");
    let h = mprapi::handles::to_handle(
        mprapi::handles::open_config(std::sync::Arc::new(conn.clone())).expect("register"),
    );
    let name: Vec<u16> = NAME.encode_utf16().chain([0]).collect();
    let mut hif: HANDLE = null_mut();
    // SAFETY: a live config handle, a NUL-terminated name, a valid out-pointer.
    unsafe {
        assert_eq!(
            mprapi::MprConfigInterfaceGetHandle(h, name.as_ptr(), &mut hif),
            0
        );
    }
    Setup { h, hif, conn, id }
}

fn pairs(c: &mut Criterion, group: &str, s: &Setup) {
    let name: Vec<u16> = NAME.encode_utf16().chain([0]).collect();
    let mut g = c.benchmark_group(group);
    g.bench_function("interface_get_info/c", |b| {
        b.iter(|| {
            let (mut buf, mut size) = (null_mut(), 0u32);
            // SAFETY: live handles, valid out-pointers; the buffer is freed once.
            unsafe {
                assert_eq!(
                    mprapi::MprConfigInterfaceGetInfo(s.h, s.hif, 0, &mut buf, &mut size),
                    0
                );
                black_box(&*buf);
                assert_eq!(mprapi::MprConfigBufferFree(buf.cast()), 0);
            }
        })
    });
    g.bench_function("interface_get_info/rust", |b| {
        b.iter(|| black_box(s.conn.interface_get_info(black_box(&s.id)).expect("get")))
    });
    g.bench_function("interface_get_handle/c", |b| {
        b.iter(|| {
            let mut out: HANDLE = null_mut();
            // SAFETY: as above.
            unsafe {
                assert_eq!(
                    mprapi::MprConfigInterfaceGetHandle(s.h, black_box(name.as_ptr()), &mut out),
                    0
                )
            };
            black_box(out)
        })
    });
    g.bench_function("interface_get_handle/rust", |b| {
        b.iter(|| black_box(s.conn.interface_get_handle(black_box(NAME)).expect("get")))
    });
    g.finish();
}

fn c_abi(c: &mut Criterion) {
    // The real thing: the local SQLite store, as MprConfigServerConnect(NULL) opens it.
    let dir = tempfile::tempdir().expect("tempdir");
    let store = setup(mprconfig::connect_store(dir.path().join("router.db")).expect("store"));
    pairs(c, "c_abi_vs_rust_store", &store);

    // The same calls over an in-memory configuration: what is left is the C layer alone.
    let mem = mprconfig::Connection::from_config(std::sync::Arc::new(RegistryConfig::new(
        MemRegistry::new(),
    )));
    mem.config().install(&[]).expect("default tree");
    let mem = setup(mem);
    pairs(c, "c_abi_vs_rust_mem", &mem);

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
    let mut g = c.benchmark_group("c_abi_vs_rust_info");
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

    // SAFETY: live config handles, disconnected once each.
    unsafe {
        mprapi::MprConfigServerDisconnect(store.h);
        mprapi::MprConfigServerDisconnect(mem.h);
    }
}

criterion_group!(benches, c_abi);
criterion_main!(benches);
