//! `mprcfg` start-up cost: `mprcfg show interfaces` on a store of 1,000 interfaces, as a
//! process, beside its floor measured in the same run: the same enumeration through the Rust
//! API (opening the store as a fresh process would) plus the cost of starting a process.
//!
//! | group | operation | target |
//! |---|---|---|
//! | `cli/show_interfaces_1000` | `mprcfg show interfaces` (output to /dev/null) | ≤ 2 × floor |
//! | `cli/process_start` | `mprcfg --version` (exec, dynamic linking, exit) | part of the floor |
//! | `cli/api_enum_1000_cold` | open the store + `interface_enum` of everything, in-process | part of the floor |
//! | `cli/api_enum_1000_warm` | `interface_enum` on an open configuration | for reference |
//!
//! The floor is `process_start + api_enum_1000_cold`; a summary with medians and the ratio is
//! printed at the end. The measured binary is the release `mprcfg` beside this benchmark's
//! target directory (or `MPRCFG_BIN`), so build it first:
//! `cargo build --release -p mprcfg && cargo bench -p mprconfig-bench --bench cli`.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use criterion::Criterion;
use mprconfig::{Interface, InterfaceType, RouterConfig};
use mprconfig_core::{MemRegistry, RegistryConfig};

const INTERFACES: u32 = 1000;

/// The `mprcfg` binary to measure: `MPRCFG_BIN`, else `<target>/release/mprcfg`.
fn mprcfg_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("MPRCFG_BIN") {
        return PathBuf::from(p);
    }
    // This benchmark runs as <target>/release/deps/cli-<hash>.
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

/// A store with `n` more interfaces than the default tree, filled by one restore.
fn store_with(path: &Path, n: u32) {
    let conn = mprconfig::connect_store(path).expect("create the store");
    let scratch = RegistryConfig::new(MemRegistry::new());
    scratch
        .restore(&conn.backup().expect("backup"))
        .expect("restore into memory");
    for i in 0..n {
        let info = Interface {
            name: format!("If-{i:05}"),
            if_type: InterfaceType::FULL_ROUTER,
            enabled: true,
            ..Interface::default()
        };
        scratch.interface_create(&info).expect("create in memory");
    }
    conn.restore(&scratch.backup().expect("backup"))
        .expect("restore into the store");
}

fn run(bin: &Path, store: &Path, args: &[&str]) {
    let status = Command::new(bin)
        .args(args)
        .env("MPRCONFIG_STORE", store)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run mprcfg");
    assert!(status.success(), "mprcfg {args:?} failed");
}

/// Every interface through the Rust API on a configuration opened just now.
fn api_enum_cold(store: &Path) -> usize {
    let config =
        RegistryConfig::new(mprconfig_store::SqliteRegistry::open(store).expect("open the store"));
    api_enum(&config)
}

fn api_enum(config: &dyn RouterConfig) -> usize {
    let mut n = 0;
    let mut resume = 0;
    loop {
        let page = config.interface_enum(resume, u32::MAX).expect("enumerate");
        n += page.entries.len();
        black_box(&page.entries);
        if page.next_resume == 0 {
            return n;
        }
        resume = page.next_resume;
    }
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

fn main() {
    let bin = mprcfg_bin();
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("router.db");
    store_with(&store, INTERFACES);
    let total = api_enum_cold(&store);
    assert!(total >= INTERFACES as usize);
    let warm =
        RegistryConfig::new(mprconfig_store::SqliteRegistry::open(&store).expect("open the store"));

    let mut c = Criterion::default().configure_from_args();
    {
        let mut g = c.benchmark_group("cli");
        g.sample_size(20).measurement_time(Duration::from_secs(10));
        g.bench_function("show_interfaces_1000", |b| {
            b.iter(|| run(&bin, &store, &["show", "interfaces"]))
        });
        g.bench_function("process_start", |b| {
            b.iter(|| run(&bin, &store, &["--version"]))
        });
        g.bench_function("api_enum_1000_cold", |b| {
            b.iter(|| black_box(api_enum_cold(&store)))
        });
        g.bench_function("api_enum_1000_warm", |b| {
            b.iter(|| black_box(api_enum(&warm)))
        });
        g.finish();
    }
    c.final_summary();

    // The comparison the target is about, from medians of the same kind of runs.
    let cli = median(|| run(&bin, &store, &["show", "interfaces"]), 31);
    let start = median(|| run(&bin, &store, &["--version"]), 31);
    let cold = median(
        || {
            black_box(api_enum_cold(&store));
        },
        31,
    );
    let json = median(|| run(&bin, &store, &["--json", "show", "interfaces"]), 31);
    let floor = start + cold;
    println!("\nmprcfg start-up, {total} interfaces (medians of 31 runs):");
    println!(
        "  mprcfg show interfaces           {:>9.3} ms",
        cli.as_secs_f64() * 1e3
    );
    println!(
        "  mprcfg --json show interfaces    {:>9.3} ms",
        json.as_secs_f64() * 1e3
    );
    println!(
        "  floor: process start            {:>9.3} ms",
        start.as_secs_f64() * 1e3
    );
    println!(
        "       + Rust API open + enumerate {:>9.3} ms",
        cold.as_secs_f64() * 1e3
    );
    println!("       = {:>9.3} ms", floor.as_secs_f64() * 1e3);
    println!(
        "  ratio {:.2} (target <= 2.0)",
        cli.as_secs_f64() / floor.as_secs_f64()
    );
}
