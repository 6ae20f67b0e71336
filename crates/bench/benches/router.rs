//! The router manager against the kernel, in a network namespace this bench creates (the whole
//! bench process moves into it before any other thread starts; nothing of the host is
//! touched). Without root or namespaces it prints `SKIPPED: reason` and measures nothing.
//!
//! - `commit_to_route`: a committed `MprConfigInterfaceTransportSetInfo` (through the Rust API)
//!   that swaps the interface's one static route, until the new route is in the kernel, with
//!   `mprrouted`'s manager loop running in this process (woken by inotify on the store). Also
//!   printed as p50/p99 over 300 commits. Floor: one bare rtnetlink route add (+ its delete).
//! - `reconcile_from_empty`: 1,000 routes and 1,000 filters from an empty kernel. Floor: 1,000
//!   bare rtnetlink route adds plus one bare `nft -j -f` of the same ruleset.
//! - `reconcile_no_change`: the same configuration, nothing to do. Floor: one route dump and
//!   one link dump (what any reconcile must read), plus a store generation read.
//!
//! Targets (issue 13): commit → route p50 ≤ 5 ms, p99 ≤ 20 ms; from empty ≤ 1 s; no change
//! ≤ 20 ms.

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use mprconfig::{Connection, Interface, InterfaceType, pid};
use mprconfig_core::blocks::{
    self, FILTER_ACTION_FORWARD, Filter, FilterDescriptor, FilterDirection, FilterInfo,
    InterfaceRouteInfo, prefix_mask,
};
use mprconfig_core::info::InfoHeader;
use mprconfig_router::desired::RouteWant;
use mprconfig_router::filters::{Action, Direction, FilterRule, Prefix};
use mprconfig_router::kernel::{KernelRoute, Netlink};
use mprconfig_router::manager::{self, Options};
use mprconfig_router::nft::Nft;
use mprconfig_router::reconcile::Reconciler;

const LINK: &str = "bx0";

fn sh(cmd: &str) {
    let ok = std::process::Command::new("sh")
        .args(["-c", cmd])
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "{cmd}");
}

/// Moves this process (its only thread so far) into a new network namespace with one veth
/// pair up and addressed. Why not, if it cannot.
fn enter_namespace() -> Result<(), String> {
    // SAFETY: plain syscalls.
    if unsafe { libc::geteuid() } != 0 {
        return Err("needs root (a network namespace and CAP_NET_ADMIN)".into());
    }
    // SAFETY: plain syscall; called before any other thread exists.
    if unsafe { libc::unshare(libc::CLONE_NEWNET) } != 0 {
        return Err(format!(
            "unshare(CLONE_NEWNET): {}",
            std::io::Error::last_os_error()
        ));
    }
    for tool in ["ip -V", "nft -v"] {
        if !std::process::Command::new("sh")
            .args(["-c", &format!("{tool} >/dev/null 2>&1")])
            .status()
            .is_ok_and(|s| s.success())
        {
            return Err(format!("{tool}: not installed"));
        }
    }
    sh("ip link set lo up");
    sh(&format!("ip link add {LINK} type veth peer name bx1"));
    sh(&format!(
        "ip addr add 10.200.0.1/16 dev {LINK} && ip link set {LINK} up && ip link set bx1 up"
    ));
    Ok(())
}

fn route(i: u32) -> InterfaceRouteInfo {
    let dest = Ipv4Addr::new(10, 100 + (i >> 16) as u8, (i >> 8) as u8, i as u8);
    InterfaceRouteInfo::new_static(
        IpAddr::V4(dest),
        32,
        IpAddr::V4(Ipv4Addr::new(10, 200, 0, 2)),
        1,
        0,
    )
    .expect("route")
}

fn filter(i: u32) -> Filter {
    Filter::V4(FilterInfo {
        src_addr: Ipv4Addr::new(10, 50 + (i >> 8) as u8, i as u8, 0),
        src_mask: prefix_mask(24),
        dst_addr: Ipv4Addr::UNSPECIFIED,
        dst_mask: Ipv4Addr::UNSPECIFIED,
        protocol: 6,
        late_bound: 0,
        src_port: 0,
        dst_port: (1000 + i) as u16,
    })
}

/// A store with interface `bx0` (ip transport), filters on, and the header `header`.
fn store(dir: &Path, header: &InfoHeader) -> Connection {
    let conn = mprconfig::connect_store(dir.join("router.db")).expect("store");
    let id = conn
        .interface_create(&Interface {
            name: LINK.into(),
            if_type: InterfaceType::DEDICATED,
            enabled: true,
            ..Interface::default()
        })
        .expect("interface");
    conn.if_transport_add(&id, pid::IP, None, Some(&header.to_bytes()))
        .expect("transport");
    conn.filter_set_info(pid::IP, true).expect("filters on");
    conn
}

fn header(routes: u32, filters: u32) -> InfoHeader {
    let mut h = InfoHeader::new(1).expect("header");
    let mut data = Vec::with_capacity(routes as usize * 72);
    for i in 0..routes {
        data.extend_from_slice(&route(i).encode());
    }
    h.add(blocks::types::IP_ROUTE_INFO, 72, routes, &data)
        .expect("routes");
    if filters > 0 {
        let mut d = FilterDescriptor::new(false, FILTER_ACTION_FORWARD);
        d.filters = (0..filters).map(filter).collect();
        d.store(&mut h, FilterDirection::Input).expect("filters");
    }
    h
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn commit_to_route(c: &mut Criterion, rt: &tokio::runtime::Runtime) {
    let dir = tempfile::tempdir().expect("tempdir");
    let conn = store(dir.path(), &header(1, 0));
    let mut opts = Options::new(dir.path().join("router.db"));
    opts.socket = dir.path().join("router.sock");
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let manager = rt.spawn(manager::run(opts, async {
        let _ = stop_rx.await;
    }));
    let net = rt.block_on(async { Netlink::new(77) }).expect("netlink");
    let iface = conn.interface_get_handle(LINK).expect("iface");
    let it = conn.if_transport_get_handle(&iface, pid::IP).expect("it");
    // Two headers, each with one route; every commit swaps to the other.
    let blobs = [header(1, 0).to_bytes(), {
        let mut h = InfoHeader::new(1).expect("h");
        h.add(blocks::types::IP_ROUTE_INFO, 72, 1, &route(7).encode())
            .expect("add");
        h.to_bytes()
    }];
    let dests = [route(0), route(7)].map(|r| match r.arm {
        blocks::RouteArm::V4 { dest, .. } => IpAddr::V4(dest),
        _ => unreachable!("IPv4 routes"),
    });
    let present = |d: IpAddr| {
        rt.block_on(net.routes())
            .expect("dump")
            .iter()
            .any(|r| r.dest == d)
    };
    let start = Instant::now();
    while !present(dests[0]) {
        assert!(start.elapsed() < Duration::from_secs(10), "manager start");
    }
    let mut turn = 0usize;
    let mut one = || {
        turn ^= 1;
        let t = Instant::now();
        conn.if_transport_set_info(&it, &blobs[turn])
            .expect("commit");
        while !present(dests[turn]) {
            assert!(t.elapsed() < Duration::from_secs(10), "route never came");
        }
        t.elapsed()
    };
    let mut samples: Vec<Duration> = (0..300).map(|_| one()).collect();
    samples.sort();
    println!(
        "router/commit_to_route: p50 {:?} p99 {:?} (300 commits)",
        percentile(&samples, 0.5),
        percentile(&samples, 0.99)
    );
    let mut g = c.benchmark_group("router");
    g.sample_size(50);
    g.bench_function("commit_to_route", |b| {
        b.iter_custom(|n| (0..n).map(|_| one()).sum())
    });
    // Floor: one bare route add, and its delete outside the timing.
    let bare = RouteWant {
        interface: LINK.into(),
        link: LINK.into(),
        dest: "10.150.0.1".parse().expect("ip"),
        prefix_len: 32,
        gateway: Some("10.200.0.2".parse().expect("ip")),
        priority: 5,
    };
    // Protocol 78: the running manager owns (and would delete) protocol 77 routes.
    let net = rt.block_on(async { Netlink::new(78) }).expect("netlink");
    let oif = rt
        .block_on(net.links())
        .expect("links")
        .iter()
        .find(|l| l.name == LINK)
        .expect("bx0")
        .index;
    let kernel_route = KernelRoute {
        dest: bare.dest,
        prefix_len: 32,
        gateway: bare.gateway,
        oif: Some(oif),
        priority: 5,
    };
    g.bench_function("floor_bare_route_add", |b| {
        b.iter_custom(|n| {
            let mut total = Duration::ZERO;
            for _ in 0..n {
                let t = Instant::now();
                rt.block_on(net.add_route(&bare, oif)).expect("add");
                total += t.elapsed();
                rt.block_on(net.del_route(&kernel_route)).expect("del");
            }
            total
        })
    });
    g.finish();
    let _ = stop_tx.send(());
    let _ = rt.block_on(manager);
}

fn big_reconciles(c: &mut Criterion, rt: &tokio::runtime::Runtime) {
    let dir = tempfile::tempdir().expect("tempdir");
    let _conn = store(dir.path(), &header(1000, 1000));
    let source = manager::open_store(&dir.path().join("router.db")).expect("open");
    let mut r = rt
        .block_on(async { Reconciler::new(77) })
        .expect("reconciler");
    let net = rt.block_on(async { Netlink::new(78) }).expect("netlink");
    let nft = Nft::default();
    let clear = || {
        sh("ip route flush proto 77; nft delete table inet mprconfig 2>/dev/null; true");
    };
    let mut g = c.benchmark_group("router");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    g.bench_function("reconcile_from_empty_1000_routes_1000_filters", |b| {
        b.iter_custom(|n| {
            let mut total = Duration::ZERO;
            for _ in 0..n {
                clear();
                let t = Instant::now();
                let report = rt.block_on(r.reconcile(&source)).expect("reconcile");
                total += t.elapsed();
                assert_eq!(report.failures().count(), 0, "{:?}", report.applied);
                assert!(report.applied.len() >= 1001, "1000 routes + the table");
            }
            total
        })
    });
    // Floor: the same 1,000 routes added bare (protocol 78, flushed between rounds) and one
    // bare nft run of the same ruleset.
    let oif = rt
        .block_on(net.links())
        .expect("links")
        .iter()
        .find(|l| l.name == LINK)
        .expect("bx0")
        .index;
    let wants: Vec<RouteWant> = (0..1000)
        .map(|i| {
            let r = route(i);
            let blocks::RouteArm::V4 { dest, .. } = r.arm else {
                unreachable!("IPv4");
            };
            RouteWant {
                interface: LINK.into(),
                link: LINK.into(),
                dest: IpAddr::V4(dest),
                prefix_len: 32,
                gateway: Some("10.200.0.2".parse().expect("ip")),
                priority: 2,
            }
        })
        .collect();
    let rules: Vec<FilterRule> = (0..1000u32)
        .map(|i| FilterRule {
            link: LINK.into(),
            direction: Direction::In,
            v6: false,
            src: Some(Prefix {
                addr: IpAddr::V4(Ipv4Addr::new(10, 50 + (i >> 8) as u8, i as u8, 0)),
                len: 24,
            }),
            dst: None,
            protocol: Some(6),
            src_port: None,
            dst_port: Some((1000 + i) as u16),
            icmp_type: None,
            icmp_code: None,
            action: Action::Drop,
        })
        .collect();
    g.bench_function("floor_1000_bare_route_adds_and_one_nft_run", |b| {
        b.iter_custom(|n| {
            let mut total = Duration::ZERO;
            for _ in 0..n {
                clear();
                sh("ip route flush proto 78");
                let t = Instant::now();
                rt.block_on(async {
                    for w in &wants {
                        net.add_route(w, oif).await.expect("bare add");
                    }
                });
                nft.replace(&rules).expect("bare nft");
                total += t.elapsed();
            }
            sh("ip route flush proto 78");
            total
        })
    });
    // No change: the kernel holds everything already.
    clear();
    rt.block_on(r.reconcile(&source)).expect("fill");
    g.sample_size(50);
    g.measurement_time(Duration::from_secs(5));
    g.bench_function("reconcile_no_change_1000_routes_1000_filters", |b| {
        b.iter(|| {
            let report = rt.block_on(r.reconcile(&source)).expect("reconcile");
            assert!(report.applied.is_empty(), "{:?}", report.applied);
        })
    });
    let source2 = Arc::clone(&source);
    g.bench_function("floor_route_and_link_dump_and_generation", |b| {
        b.iter(|| {
            rt.block_on(async {
                let _ = net.routes().await.expect("routes");
                let _ = net.links().await.expect("links");
            });
            let _ = mprconfig_core::RouterConfig::data_version(&*source2);
        })
    });
    g.finish();
    clear();
}

fn benches(c: &mut Criterion) {
    if let Err(why) = enter_namespace() {
        eprintln!("SKIPPED: {why}");
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    commit_to_route(c, &rt);
    big_reconciles(c, &rt);
}

criterion_group!(router, benches);
criterion_main!(router);
