//! The MS-RRP backend beside `mprd`, in one run: the same `RouterConfig` operations on
//! `RrpConfig` (MS-RRP to a scratch Samba on loopback) and on `RemoteConfig` (gRPC/TLS to a
//! real `mprd` child process on loopback), each with its RPC count beside the naive winreg
//! sequence (one size query and one data query per value):
//!
//! | operation | naive RPCs | target |
//! |---|---|---|
//! | connect | 1 | |
//! | create interface + IP transport | 11 | |
//! | get-info | 8 | ≤ 3 RPCs |
//! | get-handle by name among 100 (warm) | 257 | ≤ 3 RPCs |
//! | enumerate 1,000 (after another writer's change) | 9,003 | ≤ 1,100 RPCs |
//!
//! Criterion measures each pair; a table of paired medians (alternating rounds, so both sides
//! see the same machine load) with the ratios follows. Needs root and Samba (as the rrp
//! tests); otherwise it prints `SKIPPED` and exits.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::Criterion;
use mprconfig_core::{
    Interface, InterfaceId, InterfaceType, MemRegistry, RegistryConfig, RouterConfig, layout as l,
};
use mprconfig_remote::RemoteConfig;
use mprconfig_remote::tls::Trust;
use mprconfig_rrp::{RpcStats, RrpConfig, RrpOptions, RrpRegistry};
use mprconfig_rrp_testkit::SambaServer;

const SERVE_ENV: &str = "MPRCONFIG_BENCH_RRP_SERVE_MPRD";
const IP: u32 = 0x21;

/// A real `mprd` in a child process (this bench executable, re-executed).
struct Mprd {
    child: Child,
    port: u16,
    fingerprint: String,
    token: String,
    _dir: tempfile::TempDir,
}

impl Mprd {
    fn start() -> Mprd {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("router.db");
        let token = mprconfig_remote::tokens::add(
            &mprconfig_remote::tokens::tokens_path_for_store(&store),
            "bench",
            mprconfig_remote::Role::Admin,
        )
        .unwrap();
        let mut child = Command::new(std::env::current_exe().unwrap())
            .env(SERVE_ENV, dir.path())
            .env("MPRD_LOG", "error")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut lines = Vec::new();
        while lines.len() < 2 {
            let mut line = String::new();
            assert!(out.read_line(&mut line).unwrap() > 0, "mprd exited early");
            lines.push(line.trim().to_string());
        }
        let addr: std::net::SocketAddr = lines[0]
            .strip_prefix("mprd listening on ")
            .unwrap()
            .parse()
            .unwrap();
        let fingerprint = lines[1]
            .split("fingerprint sha256:")
            .nth(1)
            .unwrap()
            .to_string();
        Mprd {
            child,
            port: addr.port(),
            fingerprint,
            token,
            _dir: dir,
        }
    }

    fn connect(&self) -> RemoteConfig {
        let opts = mprconfig_remote::ConnectOptions::new(
            Some(self.token.clone()),
            Trust {
                ca: vec![],
                pins: vec![self.fingerprint.clone()],
            },
        );
        RemoteConfig::connect_with("127.0.0.1", self.port, opts).unwrap()
    }
}

impl Drop for Mprd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A backup holding the default tree and `n` FULL_ROUTER interfaces `if-0 ..`, each with an
/// IP interface-transport, made once in memory and restored on both sides.
fn backup_with(n: u32) -> Vec<u8> {
    let mem = RegistryConfig::new(MemRegistry::new());
    mem.install(&[]).unwrap();
    for i in 0..n {
        let id = mem.interface_create(&iface(&format!("if-{i}"))).unwrap();
        mem.if_transport_add(&id, IP, None, Some(&l::DEFAULT_IP_GLOBAL_INFO))
            .unwrap();
    }
    mem.backup().unwrap()
}

/// How many interfaces the default tree has before `backup_with` adds its own (Loopback and
/// Internal): the large configuration lists 1,000 more than that.
fn default_interfaces() -> usize {
    let mem = RegistryConfig::new(MemRegistry::new());
    mem.install(&[]).unwrap();
    mem.interface_enum(0, u32::MAX).unwrap().entries.len()
}

fn iface(name: &str) -> Interface {
    Interface {
        name: name.into(),
        if_type: InterfaceType::FULL_ROUTER,
        enabled: true,
        ..Interface::default()
    }
}

/// Median time per call of `a` and `b`, in alternating rounds.
fn paired(
    rounds: usize,
    calls: usize,
    mut a: impl FnMut(),
    mut b: impl FnMut(),
) -> (Duration, Duration) {
    let (mut ta, mut tb) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let t = Instant::now();
        for _ in 0..calls {
            a();
        }
        ta.push(t.elapsed() / calls as u32);
        let t = Instant::now();
        for _ in 0..calls {
            b();
        }
        tb.push(t.elapsed() / calls as u32);
    }
    ta.sort();
    tb.sort();
    (ta[rounds / 2], tb[rounds / 2])
}

/// One configuration on both sides.
struct Pair {
    rrp: RrpConfig,
    mprd: RemoteConfig,
    rrp_options: RrpOptions,
    /// What opens another session to the same mprd: port, pinned fingerprint, token.
    mprd_at: (u16, String, String),
}

impl Pair {
    fn connect_mprd(&self) -> RemoteConfig {
        let (port, fp, token) = &self.mprd_at;
        let opts = mprconfig_remote::ConnectOptions::new(
            Some(token.clone()),
            Trust {
                ca: vec![],
                pins: vec![fp.clone()],
            },
        );
        RemoteConfig::connect_with("127.0.0.1", *port, opts).unwrap()
    }
}

struct Row {
    what: &'static str,
    rrp: Duration,
    mprd: Duration,
    rpcs: u64,
    naive: u64,
}

static UNIQUE: AtomicU64 = AtomicU64::new(0);

/// Creates an interface with an IP transport, and returns what deletes it again.
fn create(c: &dyn RouterConfig) -> InterfaceId {
    let n = UNIQUE.fetch_add(1, Ordering::Relaxed);
    let id = c.interface_create(&iface(&format!("new-{n}"))).unwrap();
    c.if_transport_add(&id, IP, None, Some(&l::DEFAULT_IP_GLOBAL_INFO))
        .unwrap();
    id
}

fn rpcs(r: &RrpRegistry, f: impl FnOnce()) -> RpcStats {
    let before = r.rpc_stats();
    f();
    r.rpc_stats().since(&before)
}

fn run(c: &mut Criterion, small: &Pair, large: &Pair, other_writer: &Pair) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut g = c.benchmark_group("rrp_vs_mprd");
    g.sample_size(10).measurement_time(Duration::from_secs(3));

    // connect
    let o = small.rrp_options.clone();
    g.bench_function("connect/rrp", |b| {
        b.iter(|| drop(RrpConfig::new(RrpRegistry::connect(o.clone()).unwrap())))
    });
    g.bench_function("connect/mprd", |b| b.iter(|| drop(small.connect_mprd())));
    let connect_rpcs = RrpRegistry::connect(o.clone()).unwrap().rpc_stats().calls;
    let (r, m) = paired(
        7,
        3,
        || drop(RrpRegistry::connect(o.clone()).unwrap()),
        || drop(small.connect_mprd()),
    );
    rows.push(Row {
        what: "connect",
        rrp: r,
        mprd: m,
        rpcs: connect_rpcs,
        naive: 1,
    });

    // create interface + IP transport (each deleted again, untimed)
    for (side, cfg) in [
        ("rrp", &small.rrp as &dyn RouterConfig),
        ("mprd", &small.mprd),
    ] {
        g.bench_function(format!("create_interface_and_ip_transport/{side}"), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let t = Instant::now();
                    let id = create(cfg);
                    total += t.elapsed();
                    cfg.interface_delete(&id).unwrap();
                }
                total
            })
        });
    }
    let warm = create(&small.rrp);
    small.rrp.interface_delete(&warm).unwrap();
    let mut made = None;
    let create_rpcs = rpcs(small.rrp.registry(), || made = Some(create(&small.rrp))).calls;
    small.rrp.interface_delete(&made.unwrap()).unwrap();
    let (r, m) = {
        let timed = |cfg: &dyn RouterConfig| {
            let t = Instant::now();
            let id = create(cfg);
            let e = t.elapsed();
            cfg.interface_delete(&id).unwrap();
            e
        };
        let (mut tr, mut tm) = (Vec::new(), Vec::new());
        for _ in 0..9 {
            tr.push(timed(&small.rrp));
            tm.push(timed(&small.mprd));
        }
        tr.sort();
        tm.sort();
        (tr[4], tm[4])
    };
    rows.push(Row {
        what: "create interface + IP transport",
        rrp: r,
        mprd: m,
        rpcs: create_rpcs,
        naive: 11,
    });

    // get-info
    let id_r = small.rrp.interface_get_handle("if-3").unwrap();
    let id_m = small.mprd.interface_get_handle("if-3").unwrap();
    g.bench_function("get_info/rrp", |b| {
        b.iter(|| small.rrp.interface_get_info(&id_r).unwrap())
    });
    g.bench_function("get_info/mprd", |b| {
        b.iter(|| small.mprd.interface_get_info(&id_m).unwrap())
    });
    let get_info_rpcs = rpcs(small.rrp.registry(), || {
        small.rrp.interface_get_info(&id_r).unwrap();
    })
    .calls;
    let (r, m) = paired(
        15,
        20,
        || {
            small.rrp.interface_get_info(&id_r).unwrap();
        },
        || {
            small.mprd.interface_get_info(&id_m).unwrap();
        },
    );
    rows.push(Row {
        what: "get-info",
        rrp: r,
        mprd: m,
        rpcs: get_info_rpcs,
        naive: 8,
    });

    // get-handle by name among 100 (warm)
    g.bench_function("get_handle_among_100/rrp", |b| {
        b.iter(|| small.rrp.interface_get_handle("if-57").unwrap())
    });
    g.bench_function("get_handle_among_100/mprd", |b| {
        b.iter(|| small.mprd.interface_get_handle("if-57").unwrap())
    });
    let get_handle_rpcs = rpcs(small.rrp.registry(), || {
        small.rrp.interface_get_handle("if-57").unwrap();
    })
    .calls;
    let (r, m) = paired(
        15,
        20,
        || {
            small.rrp.interface_get_handle("if-57").unwrap();
        },
        || {
            small.mprd.interface_get_handle("if-57").unwrap();
        },
    );
    rows.push(Row {
        what: "get-handle by name among 100",
        rrp: r,
        mprd: m,
        rpcs: get_handle_rpcs,
        naive: 257,
    });

    // enumerate 1,000, each time after another writer changed something (so nothing cached
    // of the listing may be reused; the backend's structure caches follow the change log)
    let churn = |p: &Pair| {
        let id = p.rrp.interface_get_handle("if-0").unwrap();
        let enabled = !p.rrp.interface_get_info(&id).unwrap().enabled;
        let mut i = iface("if-0");
        i.enabled = enabled;
        p.rrp.interface_set_info(&id, 0, &i).unwrap();
        let id = p.mprd.interface_get_handle("if-0").unwrap();
        p.mprd.interface_set_info(&id, 0, &i).unwrap();
    };
    let listed = 1000 + default_interfaces();
    let enum_rrp = || {
        assert_eq!(
            large.rrp.interface_enum(0, u32::MAX).unwrap().entries.len(),
            listed
        )
    };
    let enum_mprd = || {
        assert_eq!(
            large
                .mprd
                .interface_enum(0, u32::MAX)
                .unwrap()
                .entries
                .len(),
            listed
        )
    };
    g.bench_function("enumerate_1000_after_a_change/rrp", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                churn(other_writer);
                let t = Instant::now();
                enum_rrp();
                total += t.elapsed();
            }
            total
        })
    });
    g.bench_function("enumerate_1000_after_a_change/mprd", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                churn(other_writer);
                let t = Instant::now();
                enum_mprd();
                total += t.elapsed();
            }
            total
        })
    });
    g.finish();
    churn(other_writer);
    let enum_rpcs = rpcs(large.rrp.registry(), enum_rrp).calls;
    let (mut tr, mut tm) = (Vec::new(), Vec::new());
    for _ in 0..7 {
        churn(other_writer);
        let t = Instant::now();
        enum_rrp();
        tr.push(t.elapsed());
        churn(other_writer);
        let t = Instant::now();
        enum_mprd();
        tm.push(t.elapsed());
    }
    tr.sort();
    tm.sort();
    rows.push(Row {
        what: "enumerate 1,000 after a change",
        rrp: tr[3],
        mprd: tm[3],
        rpcs: enum_rpcs,
        naive: 9003,
    });
    rows
}

fn main() -> ExitCode {
    if let Some(dir) = std::env::var_os(SERVE_ENV) {
        let store = PathBuf::from(dir).join("router.db");
        return mprd::main_with_args([
            "mprd".as_ref(),
            "serve".as_ref(),
            "--listen".as_ref(),
            "127.0.0.1:0".as_ref(),
            "--store".as_ref(),
            store.as_os_str(),
        ]);
    }
    let samba = match SambaServer::start() {
        Ok(s) => s,
        Err(why) => {
            eprintln!("SKIPPED: {why}");
            return ExitCode::SUCCESS;
        }
    };
    let mut c = Criterion::default().configure_from_args();
    let options = |root: &str| {
        RrpOptions::new(
            "127.0.0.1",
            samba.port,
            "",
            &samba.admin.user,
            &samba.admin.password,
        )
        .with_root(root)
    };
    let pair = |root: &str, backup: &[u8]| {
        let mprd = Mprd::start();
        let remote = mprd.connect();
        remote.restore(backup).unwrap();
        let rrp_options = options(root);
        let rrp = RrpConfig::new(RrpRegistry::connect(rrp_options.clone()).unwrap());
        rrp.restore(backup).unwrap();
        (
            Pair {
                rrp,
                mprd: remote,
                rrp_options,
                mprd_at: (mprd.port, mprd.fingerprint.clone(), mprd.token.clone()),
            },
            mprd,
        )
    };
    // HKLM itself for the small configuration (a real Windows layout: connect is one
    // OpenLocalMachine), a key of its own for the large one.
    let (small, small_server) = pair("", &backup_with(100));
    let (large, large_server) = pair(r"SOFTWARE\bench-1000", &backup_with(1000));
    // Another writer on the large configuration: a second connection on each side.
    let other = Pair {
        rrp: RrpConfig::new(RrpRegistry::connect(options(r"SOFTWARE\bench-1000")).unwrap()),
        mprd: large_server.connect(),
        rrp_options: options(r"SOFTWARE\bench-1000"),
        mprd_at: large.mprd_at.clone(),
    };
    // Warm both sides once.
    large.rrp.interface_enum(0, u32::MAX).unwrap();
    large.mprd.interface_enum(0, u32::MAX).unwrap();

    let rows = run(&mut c, &small, &large, &other);
    c.final_summary();
    println!();
    println!(
        "operation                          rrp (Samba)   mprd        rrp/mprd   RPCs  naive  RPCs/naive"
    );
    for r in rows {
        println!(
            "{:<34} {:>9.0} us {:>9.0} us {:>9.2} {:>6} {:>6} {:>10.3}",
            r.what,
            r.rrp.as_secs_f64() * 1e6,
            r.mprd.as_secs_f64() * 1e6,
            r.rrp.as_secs_f64() / r.mprd.as_secs_f64(),
            r.rpcs,
            r.naive,
            r.rpcs as f64 / r.naive as f64
        );
    }
    println!(
        "targets: get-info <= 3 RPCs, get-handle by name among 100 <= 3 RPCs (warm), enumerate 1,000 <= 1,100 RPCs"
    );
    drop((small_server, large_server));
    ExitCode::SUCCESS
}
