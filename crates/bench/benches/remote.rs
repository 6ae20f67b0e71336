//! Remote configuration benchmarks, each beside its floor measured in the same run:
//!
//! * `remote_call`: a call on an open session (`server_get_info`, one read transaction on the
//!   server) vs a bare tonic TLS unary call (grpc.health.v1 Check) — target ≤ 1.3×.
//! * `remote_connect`: `RemoteConfig::connect_with` (TCP, TLS 1.3, HTTP/2, token, session) vs a
//!   bare tonic TLS connect plus one call — target ≤ 1.3×.
//! * `remote_read_throughput`: 64 concurrent clients reading — target ≥ 10,000 ops/s.
//! * `mprd` resident memory idle and with 1,000 open sessions (printed at the end; targets
//!   ≤ 20 MB and ≤ 100 MB).
//!
//! Both servers run as child processes of this bench (it re-executes itself): the real
//! `mprd serve` code (`mprd::main_with_args`) and a bare tonic health server with tonic's own TLS.

use criterion::{Criterion, Throughput};
use mprconfig_core::RouterConfig;
use mprconfig_remote::RemoteConfig;
use mprconfig_remote::tls::Trust;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

const SERVE_ENV: &str = "MPRCONFIG_BENCH_SERVE_MPRD";
const FLOOR_ENV: &str = "MPRCONFIG_BENCH_SERVE_FLOOR";

struct Child2 {
    child: Child,
    lines: Vec<String>,
}

impl Child2 {
    fn spawn(env: &str, dir: &Path, wanted: usize) -> Child2 {
        let mut child = Command::new(std::env::current_exe().expect("bench executable"))
            .env(env, dir)
            .env("MPRD_LOG", "error")
            .env("MALLOC_ARENA_MAX", "2")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn a server");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut lines = Vec::new();
        while lines.len() < wanted {
            let mut l = String::new();
            if out.read_line(&mut l).unwrap_or(0) == 0 {
                panic!("the server child exited early");
            }
            lines.push(l.trim().to_string());
        }
        Child2 { child, lines }
    }

    /// CPU time (user + system) the child has used so far.
    fn cpu(&self) -> Duration {
        proc_cpu(&format!("/proc/{}/stat", self.child.id()))
    }

    fn rss_kib(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }
}

/// User + system CPU time of a process from its `/proc/PID/stat` (fields 14 and 15, in clock
/// ticks).
fn proc_cpu(stat: &str) -> Duration {
    let text = std::fs::read_to_string(stat).unwrap_or_default();
    let after = text.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<u64> = after
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    // After the command name: state is field 3, utime 14, stime 15 (1-based).
    let ticks = f.get(11).copied().unwrap_or(0) + f.get(12).copied().unwrap_or(0);
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Duration::from_secs_f64(ticks as f64 / hz as f64)
}

impl Drop for Child2 {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Mprd {
    proc: Child2,
    addr: SocketAddr,
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
        let proc = Child2::spawn(SERVE_ENV, dir.path(), 2);
        let addr = proc.lines[0]
            .strip_prefix("mprd listening on ")
            .unwrap()
            .parse()
            .unwrap();
        let fp = proc.lines[1]
            .split("fingerprint sha256:")
            .nth(1)
            .unwrap()
            .to_string();
        Mprd {
            proc,
            addr,
            fingerprint: fp,
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
        RemoteConfig::connect_with("127.0.0.1", self.addr.port(), opts).expect("connect")
    }
}

/// A CA and a `localhost` leaf it signed, for the tonic floor (tonic's verifier is webpki).
fn floor_pki(dir: &Path) {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "bench CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let leaf_key = rcgen::KeyPair::generate().unwrap();
    let leaf = rcgen::CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .signed_by(&leaf_key, &issuer)
        .unwrap();
    std::fs::write(dir.join("ca.pem"), ca.pem()).unwrap();
    std::fs::write(dir.join("leaf.pem"), leaf.pem()).unwrap();
    std::fs::write(dir.join("leaf.key"), leaf_key.serialize_pem()).unwrap();
}

fn serve_floor(dir: &Path) -> ExitCode {
    let workers = std::thread::available_parallelism()
        .map(|n| n.get().min(4))
        .unwrap_or(2);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let identity = tonic::transport::Identity::from_pem(
            std::fs::read(dir.join("leaf.pem")).unwrap(),
            std::fs::read(dir.join("leaf.key")).unwrap(),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("floor listening on {}", listener.local_addr().unwrap());
        let (_reporter, health) = tonic_health::server::health_reporter();
        tonic::transport::Server::builder()
            .tls_config(tonic::transport::ServerTlsConfig::new().identity(identity))
            .unwrap()
            .add_service(health)
            .serve_with_incoming(
                tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true)),
            )
            .await
            .unwrap();
    });
    ExitCode::SUCCESS
}

struct Floor {
    proc: Child2,
    endpoint: tonic::transport::Endpoint,
    rt: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
}

type Health = tonic_health::pb::health_client::HealthClient<tonic::transport::Channel>;

impl Floor {
    fn start() -> Floor {
        let dir = tempfile::tempdir().unwrap();
        floor_pki(dir.path());
        let proc = Child2::spawn(FLOOR_ENV, dir.path(), 1);
        let addr: SocketAddr = proc.lines[0]
            .strip_prefix("floor listening on ")
            .unwrap()
            .parse()
            .unwrap();
        let tls = tonic::transport::ClientTlsConfig::new()
            .ca_certificate(tonic::transport::Certificate::from_pem(
                std::fs::read(dir.path().join("ca.pem")).unwrap(),
            ))
            .domain_name("localhost");
        let endpoint =
            tonic::transport::Endpoint::from_shared(format!("https://localhost:{}", addr.port()))
                .unwrap()
                .tls_config(tls)
                .unwrap()
                .tcp_nodelay(true);
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        Floor {
            proc,
            endpoint,
            rt,
            _dir: dir,
        }
    }

    fn connect(&self) -> Health {
        let ep = self.endpoint.clone();
        self.rt
            .block_on(async move { Health::new(ep.connect().await.expect("floor connect")) })
    }

    fn check(&self, client: &Health) {
        let mut c = client.clone();
        self.rt
            .block_on(async move {
                c.check(tonic_health::pb::HealthCheckRequest {
                    service: String::new(),
                })
                .await
            })
            .expect("floor call");
    }
}

fn benches(c: &mut Criterion, mprd: &Mprd, floor: &Floor) {
    let mut g = c.benchmark_group("remote_call");
    let health = floor.connect();
    g.bench_function("floor_tonic_tls_unary", |b| b.iter(|| floor.check(&health)));
    let session = mprd.connect();
    g.bench_function("server_get_info_on_open_session", |b| {
        b.iter(|| session.server_get_info().unwrap())
    });
    let ip = session.transport_get_handle(0x21).unwrap();
    g.bench_function("transport_get_info_on_open_session", |b| {
        b.iter(|| session.transport_get_info(&ip).unwrap())
    });
    g.finish();

    let mut g = c.benchmark_group("remote_connect");
    g.sample_size(30).measurement_time(Duration::from_secs(4));
    g.bench_function("floor_tonic_tls_connect_plus_call", |b| {
        b.iter(|| {
            let h = floor.connect();
            floor.check(&h);
        })
    });
    g.bench_function("connect_session", |b| b.iter(|| drop(mprd.connect())));
    g.finish();

    let clients: Vec<RemoteConfig> = (0..64).map(|_| mprd.connect()).collect();
    let healths: Vec<Health> = (0..64).map(|_| floor.connect()).collect();
    let mut g = c.benchmark_group("remote_read_throughput");
    g.throughput(Throughput::Elements(1))
        .sample_size(20)
        .measurement_time(Duration::from_secs(8));
    g.bench_function("64_clients_floor_tonic_tls_unary", |b| {
        b.iter_custom(|iters| {
            let per = iters.div_ceil(64).max(1);
            let start = Instant::now();
            std::thread::scope(|s| {
                for h in &healths {
                    s.spawn(move || {
                        for _ in 0..per {
                            floor.check(h);
                        }
                    });
                }
            });
            start.elapsed().mul_f64(iters as f64 / (per * 64) as f64)
        })
    });
    g.bench_function("64_clients_server_get_info", |b| {
        b.iter_custom(|iters| {
            let per = iters.div_ceil(64).max(1);
            let start = Instant::now();
            std::thread::scope(|s| {
                for c in &clients {
                    s.spawn(move || {
                        for _ in 0..per {
                            c.server_get_info().unwrap();
                        }
                    });
                }
            });
            // Scale to exactly `iters` calls.
            start.elapsed().mul_f64(iters as f64 / (per * 64) as f64)
        })
    });
    g.finish();
}

/// Median time per call of `a` and `b`, measured in alternating rounds so that both see the
/// same machine load (the floors are only meaningful "in the same run").
fn paired(
    rounds: usize,
    calls: usize,
    mut a: impl FnMut(),
    mut b: impl FnMut(),
) -> (Duration, Duration) {
    let (mut ta, mut tb) = (Vec::with_capacity(rounds), Vec::with_capacity(rounds));
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

/// 64 threads, each making `per` calls with its own client: wall time, and the CPU time the
/// server and this (client) process used, per call. CPU per call is the steadier measure on a
/// shared machine; throughput on 2 cores follows from it.
fn load_run<C: Sync>(
    clients: &[C],
    per: usize,
    call: impl Fn(&C) + Sync,
    server: &Child2,
) -> (f64, Duration, Duration) {
    let (s0, c0) = (server.cpu(), proc_cpu("/proc/self/stat"));
    let start = Instant::now();
    std::thread::scope(|sc| {
        for c in clients {
            let call = &call;
            sc.spawn(move || {
                for _ in 0..per {
                    call(c);
                }
            });
        }
    });
    let wall = start.elapsed();
    let n = (clients.len() * per) as u32;
    (
        f64::from(n) / wall.as_secs_f64(),
        (server.cpu() - s0) / n,
        (proc_cpu("/proc/self/stat") - c0) / n,
    )
}

fn throughput_report(mprd: &Mprd, floor: &Floor) {
    let clients: Vec<RemoteConfig> = (0..64).map(|_| mprd.connect()).collect();
    let healths: Vec<Health> = (0..64).map(|_| floor.connect()).collect();
    let (mut fr, mut rr) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        fr.push(load_run(&healths, 300, |h| floor.check(h), &floor.proc));
        rr.push(load_run(
            &clients,
            300,
            |c| {
                c.server_get_info().unwrap();
            },
            &mprd.proc,
        ));
    }
    let median = |v: &mut Vec<(f64, Duration, Duration)>| {
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        v[v.len() / 2]
    };
    let (f, r) = (median(&mut fr), median(&mut rr));
    println!(
        "64 clients, 5 alternating rounds of 19,200 calls, median: remote server_get_info {:.0} calls/s \
         (server CPU {:.1} us/call, client CPU {:.1} us/call); bare tonic TLS unary {:.0} calls/s \
         (server {:.1} us, client {:.1} us); target >= 10,000 calls/s",
        r.0,
        r.1.as_secs_f64() * 1e6,
        r.2.as_secs_f64() * 1e6,
        f.0,
        f.1.as_secs_f64() * 1e6,
        f.2.as_secs_f64() * 1e6,
    );
}

fn ratio_report(mprd: &Mprd, floor: &Floor) {
    let session = mprd.connect();
    let health = floor.connect();
    let (f, r) = paired(
        201,
        25,
        || floor.check(&health),
        || {
            session.server_get_info().unwrap();
        },
    );
    println!(
        "paired medians: remote server_get_info {:.0} us, bare tonic TLS unary {:.0} us, ratio {:.2} (target <= 1.3)",
        r.as_secs_f64() * 1e6,
        f.as_secs_f64() * 1e6,
        r.as_secs_f64() / f.as_secs_f64()
    );
    let (f, r) = paired(
        41,
        10,
        || {
            let h = floor.connect();
            floor.check(&h);
        },
        || drop(mprd.connect()),
    );
    println!(
        "paired medians: remote connect {:.0} us, bare tonic TLS connect + call {:.0} us, ratio {:.2} (target <= 1.3)",
        r.as_secs_f64() * 1e6,
        f.as_secs_f64() * 1e6,
        r.as_secs_f64() / f.as_secs_f64()
    );
    // What the store itself costs for the same call, for the breakdown.
    let dir = tempfile::tempdir().unwrap();
    let local = mprconfig_core::RegistryConfig::new(
        mprconfig_store::OpenOptions::new()
            .create(true)
            .links(vec![])
            .open(dir.path().join("l.db"))
            .unwrap(),
    );
    let (l, _) = paired(
        10,
        200,
        || {
            std::hint::black_box(local.server_get_info().unwrap());
        },
        || {},
    );
    println!(
        "local RegistryConfig<SqliteRegistry>::server_get_info: {:.1} us",
        l.as_secs_f64() * 1e6
    );
}

fn memory_report() {
    let mprd = Mprd::start();
    // Let it settle; "idle" is started and listening, no session.
    std::thread::sleep(Duration::from_millis(500));
    let idle = mprd.proc.rss_kib();
    let sessions: Vec<RemoteConfig> = (0..1000).map(|_| mprd.connect()).collect();
    for s in sessions.iter().step_by(100) {
        s.server_get_info().unwrap();
    }
    std::thread::sleep(Duration::from_millis(500));
    let with = mprd.proc.rss_kib();
    drop(sessions);
    println!(
        "mprd RSS: idle {:.1} MB (target <= 20 MB); with 1000 open sessions {:.1} MB (target <= 100 MB)",
        idle as f64 / 1024.0,
        with as f64 / 1024.0
    );
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
    if let Some(dir) = std::env::var_os(FLOOR_ENV) {
        return serve_floor(Path::new(&dir));
    }
    mprd::raise_nofile_limit();
    let mut c = Criterion::default().configure_from_args();
    let mprd = Mprd::start();
    let floor = Floor::start();
    benches(&mut c, &mprd, &floor);
    ratio_report(&mprd, &floor);
    throughput_report(&mprd, &floor);
    drop((mprd, floor));
    c.final_summary();
    memory_report();
    ExitCode::SUCCESS
}
