//! Fleet fan-out: `mprcfg -r r1,…,rN show interfaces` on N `mprd` on loopback, beside its
//! floor measured in the same run, the same command on one of those routers.
//!
//! | group | operation | target |
//! |---|---|---|
//! | `fanout/one_router` | `mprcfg -r r0 show interfaces` (a process: start, TLS connect, calls) | the floor |
//! | `fanout/all_routers_jobs_all` | `mprcfg -r r0,…,rN-1 --jobs N show interfaces` | ≤ 3 × floor |
//! | `fanout/all_routers_jobs_default` | the same with the default `--jobs` (16) | for reference |
//!
//! After the criterion groups it prints paired medians, the CPU of client and daemons per
//! fan-out run, and two floors reached from this process on one 2-thread runtime (no process
//! start, no thread per router): N bare TCP + TLS 1.3 handshakes, and N × (handshake, HTTP/2,
//! Connect, InterfaceEnum). On the 2-core machine (December 2026): one router 7.4 ms; 100
//! routers 164 ms (22×); floors 58 ms (7.9×, 114 ms of CPU on both sides) and 124 ms (16.7×).
//! The bare handshakes' CPU alone exceeds 2 cores × 3 × one router, so the 3× target cannot be
//! met where the daemons share the client's cores (docs/cli.md, fan-out performance).
//! `MPRCONFIG_BENCH_FANOUT_HOLD=1` starts the daemons, prints the command line and waits for
//! Enter, for profiling by hand.
//!
//! N is 100 unless `MPRCONFIG_BENCH_FANOUT_N` says otherwise. Each `mprd serve` is this
//! benchmark re-executed (the real `mprd::main_with_args` code) with its own store, certificate
//! (pinned in a temporary known_hosts) and admin token (in a temporary credentials.toml). The
//! daemons share the machine's cores with the client, so on a small machine the figure
//! includes their CPU time for N handshakes and sessions. The measured binary is the release
//! `mprcfg` beside this benchmark's target directory (or `MPRCFG_BIN`):
//! `cargo build --release -p mprcfg && cargo bench -p mprconfig-bench --bench fanout`.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use criterion::Criterion;

const SERVE_ENV: &str = "MPRCONFIG_BENCH_FANOUT_SERVE";

/// The `mprcfg` binary to measure: `MPRCFG_BIN`, else `<target>/release/mprcfg`.
fn mprcfg_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("MPRCFG_BIN") {
        return PathBuf::from(p);
    }
    let exe = std::env::current_exe().expect("benchmark executable");
    let bin = exe
        .parent()
        .and_then(Path::parent)
        .map(|d| d.join("mprcfg"))
        .expect("target directory");
    assert!(
        bin.is_file(),
        "{} is missing: run `cargo build --release -p mprcfg` first (or set MPRCFG_BIN)",
        bin.display()
    );
    bin
}

/// One `mprd serve`, killed and reaped on drop.
struct Daemon {
    child: Child,
    name: String,
    /// Its admin token and certificate fingerprint, for the in-process floors.
    token: String,
    fingerprint: String,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `mprd serve` on a new store in `dir`; pins and credentials go to `config`.
fn start(dir: &Path, config: &Path) -> Daemon {
    std::fs::create_dir_all(dir).unwrap();
    let store = dir.join("router.db");
    let token = mprconfig_remote::tokens::add(
        &mprconfig_remote::tokens::tokens_path_for_store(&store),
        "bench",
        mprconfig_remote::Role::Admin,
    )
    .expect("add a token");
    let mut child = Command::new(std::env::current_exe().expect("bench executable"))
        .env(SERVE_ENV, dir)
        .env("MPRD_LOG", "error")
        .env("MALLOC_ARENA_MAX", "2")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn mprd");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let (mut addr, mut fp) = (None, None);
    while addr.is_none() || fp.is_none() {
        let mut l = String::new();
        if out.read_line(&mut l).unwrap_or(0) == 0 {
            panic!("mprd exited before listening");
        }
        if let Some(a) = l.trim().strip_prefix("mprd listening on ") {
            addr = Some(a.to_string());
        } else if let Some(i) = l.find("fingerprint sha256:") {
            fp = Some(l[i + "fingerprint ".len()..].trim().to_string());
        }
    }
    let name = addr.unwrap();
    let fp = fp.unwrap();
    let append = |file: &str, line: String| {
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(config.join(file))
            .unwrap();
        writeln!(f, "{line}").unwrap();
    };
    append("known_hosts", format!("{name} {fp}"));
    append("credentials.toml", format!("{name:?} = {token:?}"));
    let fingerprint = mprconfig_remote::tls::normalize_fingerprint(&fp).expect("a fingerprint");
    Daemon {
        child,
        name,
        token,
        fingerprint,
    }
}

fn run(bin: &Path, home: &Path, args: &[&str]) {
    let status = Command::new(bin)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run mprcfg");
    assert!(
        status.success(),
        "mprcfg {:?} failed",
        &args[..args.len().min(4)]
    );
}

/// CPU time (user + system) of the reaped children of this process so far: the `mprcfg` runs.
fn children_cpu() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

/// CPU time (user + system) a running daemon has used so far.
fn daemon_cpu(d: &Daemon) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", d.child.id())).unwrap_or_default();
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<u64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    let ticks = f.get(11).copied().unwrap_or(0) + f.get(12).copied().unwrap_or(0);
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Duration::from_secs_f64(ticks as f64 / hz as f64)
}

/// CPU time (user + system) this process has used so far.
fn self_cpu() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

/// How far an in-process floor goes with every daemon, all at once on one 2-thread runtime.
#[derive(Clone, Copy)]
enum Floor {
    /// TCP connect and a full TLS 1.3 handshake (the pinned-certificate check included).
    Handshake,
    /// That, then HTTP/2 and the two calls `show interfaces` makes: Connect (token, session)
    /// and InterfaceEnum.
    Calls,
}

/// One floor run against every daemon: the protocol's own minimum, without a process to start
/// or a CLI to run.
async fn floor_one(name: &str, token: &str, fingerprint: &str, floor: Floor) {
    use mprconfig_remote::pb;
    use mprconfig_remote::tls::Trust;
    let addr: std::net::SocketAddr = name.parse().expect("a socket address");
    let trust = Trust {
        ca: Vec::new(),
        pins: vec![fingerprint.to_string()],
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    match floor {
        Floor::Handshake => {
            let tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
            let _ = tcp.set_nodelay(true);
            let cfg = mprconfig_remote::tls::client_config_for(&trust).expect("TLS config");
            let host = addr.ip().to_string();
            let tls = tokio_rustls::TlsConnector::from(cfg)
                .connect(mprconfig_remote::tls::server_name(&host), tcp)
                .await
                .expect("TLS handshake");
            drop(tls);
        }
        Floor::Calls => {
            let ch = mprconfig_remote::client::open_channel(
                &addr.ip().to_string(),
                addr.port(),
                trust,
                None,
                deadline,
            )
            .await
            .expect("channel");
            let mut c = pb::router_config_service_client::RouterConfigServiceClient::new(ch);
            let mut req = tonic::Request::new(pb::ConnectRequest {
                protocol_version: mprconfig_remote::PROTOCOL_VERSION,
                client_name: "floor".into(),
            });
            req.metadata_mut()
                .insert("authorization", format!("Bearer {token}").parse().unwrap());
            let session = c.connect(req).await.expect("Connect").into_inner().session;
            let rep = c
                .interface_enum(pb::EnumRequest {
                    session,
                    resume: 0,
                    max_entries: 0,
                })
                .await
                .expect("InterfaceEnum");
            std::hint::black_box(rep);
        }
    }
}

/// Median wall time of `runs` floor runs over all daemons, with this process's and the
/// daemons' CPU per run.
fn floor(
    rt: &tokio::runtime::Runtime,
    daemons: &[Daemon],
    floor: Floor,
    runs: u32,
) -> (Duration, Duration, Duration) {
    let (c0, s0) = (self_cpu(), daemons.iter().map(daemon_cpu).sum::<Duration>());
    let wall = median(
        || {
            rt.block_on(async {
                // Each task owns what it needs: spawned tasks must be 'static.
                let mut set = tokio::task::JoinSet::new();
                for d in daemons {
                    let (name, token, fp) =
                        (d.name.clone(), d.token.clone(), d.fingerprint.clone());
                    set.spawn(async move { floor_one(&name, &token, &fp, floor).await });
                }
                while let Some(r) = set.join_next().await {
                    r.expect("floor task");
                }
            })
        },
        runs as usize,
    );
    let client = (self_cpu() - c0) / runs;
    let servers = (daemons.iter().map(daemon_cpu).sum::<Duration>() - s0) / runs;
    (wall, client, servers)
}

fn median(mut f: impl FnMut(), runs: usize) -> Duration {
    let mut v: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    v.sort();
    v[runs / 2]
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
    mprd::raise_nofile_limit();
    let n: usize = std::env::var("MPRCONFIG_BENCH_FANOUT_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let bin = mprcfg_bin();
    let home = tempfile::tempdir().expect("temp dir");
    let config = home.path().join("config").join("mprconfig");
    std::fs::create_dir_all(&config).unwrap();
    let t = Instant::now();
    let daemons: Vec<Daemon> = (0..n)
        .map(|i| start(&home.path().join(format!("mprd{i}")), &config))
        .collect();
    eprintln!("{n} mprd started in {:.1} s", t.elapsed().as_secs_f64());
    let one = daemons[0].name.clone();
    let all = daemons
        .iter()
        .map(|d| d.name.as_str())
        .collect::<Vec<_>>()
        .join(",");
    let jobs = n.to_string();
    let h = home.path();
    // Every router answers before anything is measured.
    run(
        &bin,
        h,
        &["-r", &all, "--jobs", &jobs, "show", "interfaces"],
    );

    if std::env::var_os("MPRCONFIG_BENCH_FANOUT_HOLD").is_some() {
        // For profiling by hand (perf, strace): the daemons stay up until Enter.
        println!(
            "HOME={} XDG_CONFIG_HOME={} {} -r {all} --jobs {jobs} show interfaces",
            h.display(),
            h.join("config").display(),
            bin.display()
        );
        let _ = std::io::stdin().read_line(&mut String::new());
        return ExitCode::SUCCESS;
    }

    let mut c = Criterion::default().configure_from_args();
    {
        let mut g = c.benchmark_group("fanout");
        g.sample_size(10).measurement_time(Duration::from_secs(10));
        g.bench_function("one_router", |b| {
            b.iter(|| run(&bin, h, &["-r", &one, "show", "interfaces"]))
        });
        g.bench_function("all_routers_jobs_all", |b| {
            b.iter(|| {
                run(
                    &bin,
                    h,
                    &["-r", &all, "--jobs", &jobs, "show", "interfaces"],
                )
            })
        });
        g.bench_function("all_routers_jobs_default", |b| {
            b.iter(|| run(&bin, h, &["-r", &all, "show", "interfaces"]))
        });
        g.finish();
    }
    c.final_summary();

    let single = median(|| run(&bin, h, &["-r", &one, "show", "interfaces"]), 21);
    let fleet = median(
        || {
            run(
                &bin,
                h,
                &["-r", &all, "--jobs", &jobs, "show", "interfaces"],
            )
        },
        11,
    );
    let fleet16 = median(|| run(&bin, h, &["-r", &all, "show", "interfaces"]), 11);
    println!("\nmprcfg show interfaces fan-out on {n} mprd on loopback (medians):");
    println!(
        "  one router (floor)           {:>9.3} ms",
        single.as_secs_f64() * 1e3
    );
    println!(
        "  {n} routers, --jobs {n:<4}     {:>9.3} ms  ratio {:.2} (target <= 3.0)",
        fleet.as_secs_f64() * 1e3,
        fleet.as_secs_f64() / single.as_secs_f64()
    );
    println!(
        "  {n} routers, --jobs 16       {:>9.3} ms  ratio {:.2}",
        fleet16.as_secs_f64() * 1e3,
        fleet16.as_secs_f64() / single.as_secs_f64()
    );
    // Where the time goes: CPU of the client and of all daemons per fan-out run (the machine's
    // cores are shared by both).
    const RUNS: u32 = 10;
    let (c0, s0) = (
        children_cpu(),
        daemons.iter().map(daemon_cpu).sum::<Duration>(),
    );
    let t0 = Instant::now();
    for _ in 0..RUNS {
        run(
            &bin,
            h,
            &["-r", &all, "--jobs", &jobs, "show", "interfaces"],
        );
    }
    let wall = t0.elapsed() / RUNS;
    let client = (children_cpu() - c0) / RUNS;
    let servers = (daemons.iter().map(daemon_cpu).sum::<Duration>() - s0) / RUNS;
    println!(
        "  per {n}-router run: wall {:.1} ms, CPU: mprcfg {:.1} ms, all mprd {:.1} ms, on {} cores",
        wall.as_secs_f64() * 1e3,
        client.as_secs_f64() * 1e3,
        servers.as_secs_f64() * 1e3,
        std::thread::available_parallelism().map_or(1, |p| p.get())
    );
    // The floor: the same routers reached from this process on one runtime, so no process
    // start, no CLI and no thread per router; only the protocol's own work on both sides.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    for (what, f) in [
        ("TCP + TLS 1.3 handshake", Floor::Handshake),
        ("+ HTTP/2, Connect, InterfaceEnum", Floor::Calls),
    ] {
        floor(&rt, &daemons, f, 2);
        let (wall, client, servers) = floor(&rt, &daemons, f, RUNS);
        println!(
            "  floor, {n} x {what:<34} wall {:.1} ms (ratio {:.2}), CPU: client {:.1} ms, all mprd {:.1} ms",
            wall.as_secs_f64() * 1e3,
            wall.as_secs_f64() / single.as_secs_f64(),
            client.as_secs_f64() * 1e3,
            servers.as_secs_f64() * 1e3,
        );
    }
    drop(daemons);
    ExitCode::SUCCESS
}
