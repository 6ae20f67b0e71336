//! `RegistryConfig<MemRegistry>` with 10,000 interfaces: creation, single-object calls and
//! enumeration, beside the floor of the same registry writes done directly on `MemRegistry`.
//!
//! Run: `cargo bench -p mprconfig-bench --bench interfaces_mem -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use mprconfig_core::{
    Interface, InterfaceType, MemRegistry, NetLink, RegValue, Registry, RegistryConfig,
    RouterConfig, TxMode, layout,
};

const N: u32 = 10_000;
/// Interfaces `install` creates for [`links`]: Loopback, Internal, eth0.
const INSTALLED: usize = 3;

fn links() -> Vec<NetLink> {
    ["lo", "eth0"]
        .into_iter()
        .map(|n| NetLink {
            name: n.to_owned(),
            guid: layout::link_guid("bench", n),
            is_loopback: n == "lo",
        })
        .collect()
}

fn router(i: u32) -> Interface {
    Interface {
        name: format!("Branch-{i:05}"),
        if_type: InterfaceType::FULL_ROUTER,
        enabled: true,
        ..Interface::default()
    }
}

fn installed() -> RegistryConfig<MemRegistry> {
    let c = RegistryConfig::new(MemRegistry::new());
    c.install(&links()).expect("install");
    c
}

fn populated() -> RegistryConfig<MemRegistry> {
    let c = installed();
    for i in 0..N {
        c.interface_create(&router(i)).expect("create");
    }
    c
}

fn create(c: &mut Criterion) {
    let mut g = c.benchmark_group("interfaces_mem/create_10000");
    g.sample_size(10);
    g.bench_function("RegistryConfig::interface_create", |b| {
        b.iter_batched(
            installed,
            |cfg| {
                for i in 0..N {
                    black_box(cfg.interface_create(&router(i)).expect("create"));
                }
                cfg
            },
            BatchSize::LargeInput,
        )
    });
    // Floor: the same keys and values written straight into the registry, one transaction each.
    g.bench_function("floor: MemRegistry writes", |b| {
        b.iter_batched(
            MemRegistry::new,
            |reg| {
                for i in 0..N {
                    reg.transact(TxMode::Write, &mut |tx| {
                        let p = layout::interface_key(i + 2);
                        tx.create_key(&p)?;
                        tx.set_value(&p, layout::INTERFACE_NAME, &RegValue::sz(&router(i).name))?;
                        tx.set_value(&p, layout::TYPE, &RegValue::dword(2))?;
                        tx.set_value(&p, layout::ENABLED, &RegValue::dword(1))?;
                        tx.set_value(&p, layout::STAMP, &RegValue::dword(0))
                    })
                    .expect("write");
                }
                reg
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

fn single_object(c: &mut Criterion) {
    let cfg = populated();
    let names: Vec<String> = (0..N)
        .step_by(7)
        .map(|i| router(i).name.to_lowercase())
        .collect();
    let mut g = c.benchmark_group("interfaces_mem/10000_interfaces");
    let mut i = 0usize;
    g.bench_function("get_handle + get_info", |b| {
        b.iter(|| {
            i = (i + 1) % names.len();
            let id = cfg.interface_get_handle(&names[i]).expect("handle");
            black_box(cfg.interface_get_info(&id).expect("info"))
        })
    });
    let id = cfg.interface_get_handle(&names[0]).expect("handle");
    g.bench_function("get_info", |b| {
        b.iter(|| black_box(cfg.interface_get_info(&id).expect("info")))
    });
    g.bench_function("floor: MemRegistry values of one key", |b| {
        let reg = cfg.registry();
        let path = layout::interface_key(id.key);
        b.iter(|| {
            black_box(
                reg.transact(TxMode::Read, &mut |tx| tx.values(&path))
                    .expect("values"),
            )
        })
    });
    g.finish();
}

fn enumerate(c: &mut Criterion) {
    let cfg = populated();
    let mut g = c.benchmark_group("interfaces_mem/enum_10003");
    g.sample_size(20);
    g.bench_function("all at once", |b| {
        b.iter(|| {
            let page = cfg.interface_enum(0, u32::MAX).expect("enum");
            assert_eq!(page.entries.len(), N as usize + INSTALLED);
            black_box(page)
        })
    });
    // Cold: the first enumeration after a refresh (or after any write) reads every key.
    g.bench_function("all at once, cold (after refresh)", |b| {
        b.iter(|| {
            cfg.refresh().expect("refresh");
            black_box(cfg.interface_enum(0, u32::MAX).expect("enum"))
        })
    });
    g.bench_function("pages of 100", |b| {
        b.iter(|| {
            let (mut resume, mut seen) = (0, 0);
            loop {
                let page = cfg.interface_enum(resume, 100).expect("enum");
                seen += page.entries.len();
                resume = page.next_resume;
                if resume == 0 {
                    break;
                }
            }
            assert_eq!(seen, N as usize + INSTALLED);
            black_box(seen)
        })
    });
    g.bench_function("floor: MemRegistry subkeys_with_values", |b| {
        let reg = cfg.registry();
        b.iter(|| {
            black_box(
                reg.transact(TxMode::Read, &mut |tx| {
                    tx.subkeys_with_values(layout::INTERFACES)
                })
                .expect("scan"),
            )
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = create, single_object, enumerate
}
criterion_main!(benches);
