//! Load: 64 clients doing mixed reads and writes against a real `mprd` for
//! `MPRD_LOAD_SECS` seconds (default 60), loopback only. Opt-in (`#[ignore]`, too slow for
//! every `cargo test`): `cargo test -p mprd --test load -- --ignored`, which `.ci/run` runs. Checks: zero unexpected errors,
//! every acknowledged write present afterwards, and server memory flat (VmRSS of the daemon
//! in the second half no more than 25 % + 8 MiB above its level after warm-up).

mod common;

use common::{Daemon, add_token};
use mprconfig::{Interface, InterfaceType, RouterConfig};
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

const CLIENTS: usize = 64;
const LIVE_PER_CLIENT: usize = 16;

fn router(name: &str, enabled: bool) -> Interface {
    Interface {
        name: name.into(),
        if_type: InterfaceType::FULL_ROUTER,
        enabled,
        ..Default::default()
    }
}

/// What one client believes the server holds after its acknowledged writes.
#[derive(Default)]
struct Outcome {
    live: HashMap<String, bool>,
    deleted: Vec<String>,
    ops: u64,
    errors: Vec<String>,
}

fn client(d: &Daemon, token: &str, t: usize, stop: &AtomicBool, ops: &AtomicU64) -> Outcome {
    let mut out = Outcome::default();
    let c = match d.connect(token) {
        Ok(c) => c,
        Err(e) => {
            out.errors.push(format!("client {t} connect: {e}"));
            return out;
        }
    };
    let mut order: VecDeque<String> = VecDeque::new();
    let mut seed = 0x9E37_79B9_7F4A_7C15u64 ^ (t as u64 + 1);
    let mut n = 0u64;
    while !stop.load(Ordering::Relaxed) {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let roll = seed % 100;
        let r: Result<(), mprconfig::Error> = (|| {
            if roll < 10 || order.is_empty() {
                if order.len() >= LIVE_PER_CLIENT {
                    let old = order.pop_front().unwrap();
                    let id = c.interface_get_handle(&old)?;
                    c.interface_delete(&id)?;
                    out.live.remove(&old);
                    out.deleted.push(old);
                }
                n += 1;
                let name = format!("load-{t}-{n}");
                c.interface_create(&router(&name, true))?;
                out.live.insert(name.clone(), true);
                order.push_back(name);
            } else if roll < 20 {
                let name = order[(seed as usize / 100) % order.len()].clone();
                let enabled = seed & 0x100 == 0;
                let id = c.interface_get_handle(&name)?;
                c.interface_set_info(&id, 0, &router(&name, enabled))?;
                out.live.insert(name, enabled);
            } else if roll < 60 {
                let name = &order[(seed as usize / 100) % order.len()];
                let id = c.interface_get_handle(name)?;
                let info = c.interface_get_info(&id)?;
                if info.enabled != out.live[name] {
                    return Err(mprconfig::Error::invalid_parameter(format!(
                        "{name}: read back a stale enabled flag"
                    )));
                }
            } else if roll < 80 {
                c.interface_enum(0, 32)?;
            } else if roll < 90 {
                c.server_get_info()?;
            } else {
                let ip = c.transport_get_handle(0x21)?;
                c.transport_get_info(&ip)?;
            }
            Ok(())
        })();
        out.ops += 1;
        ops.fetch_add(1, Ordering::Relaxed);
        if let Err(e) = r {
            out.errors.push(format!("client {t}: {e}"));
            if out.errors.len() > 10 {
                break;
            }
        }
    }
    out
}

#[test]
#[ignore = "a 60 s load test: opt in with `cargo test -p mprd --test load -- --ignored` (.ci/run does)"]
fn sixty_four_clients_mixed_load_keeps_every_acknowledged_write_and_flat_memory() {
    let secs: u64 = std::env::var("MPRD_LOAD_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60)
        .clamp(2, 3600);
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("router.db");
    let token = add_token(&store, "load", "admin");
    let d = Arc::new(Daemon::start(&store, "127.0.0.1:0", &[]));
    let stop = Arc::new(AtomicBool::new(false));
    let ops = Arc::new(AtomicU64::new(0));
    let workers: Vec<_> = (0..CLIENTS)
        .map(|t| {
            let (d, token, stop, ops) = (d.clone(), token.clone(), stop.clone(), ops.clone());
            std::thread::spawn(move || client(&d, &token, t, &stop, &ops))
        })
        .collect();

    // Sample the daemon's memory once a second.
    let start = Instant::now();
    let mut samples = Vec::new();
    while start.elapsed() < Duration::from_secs(secs) {
        std::thread::sleep(
            Duration::from_secs(1).min(Duration::from_secs(secs).saturating_sub(start.elapsed())),
        );
        samples.push(d.rss_kib());
    }
    stop.store(true, Ordering::Relaxed);
    let outcomes: Vec<Outcome> = workers
        .into_iter()
        .map(|w| w.join().expect("client thread"))
        .collect();
    let total_ops: u64 = outcomes.iter().map(|o| o.ops).sum();
    let errors: Vec<&String> = outcomes.iter().flat_map(|o| o.errors.iter()).collect();
    eprintln!(
        "load: {CLIENTS} clients, {secs} s, {total_ops} calls ({:.0}/s), RSS samples KiB {:?}",
        total_ops as f64 / secs as f64,
        samples
    );
    assert!(
        errors.is_empty(),
        "{} unexpected errors, first: {:?}",
        errors.len(),
        &errors[..errors.len().min(5)]
    );

    // Every acknowledged write is there, and every acknowledged delete is not.
    let check = d.connect(&token).unwrap();
    let mut seen = HashMap::new();
    let mut resume = 0;
    loop {
        let page = check.interface_enum(resume, 500).unwrap();
        for e in page.entries {
            seen.insert(e.info.name.clone(), e.info.enabled);
        }
        if page.next_resume == 0 {
            break;
        }
        resume = page.next_resume;
    }
    let mut expected = 0;
    for o in &outcomes {
        for (name, enabled) in &o.live {
            expected += 1;
            assert_eq!(
                seen.get(name),
                Some(enabled),
                "acknowledged state of {name} lost"
            );
        }
        for name in &o.deleted {
            assert!(
                !seen.contains_key(name),
                "acknowledged delete of {name} lost"
            );
        }
    }
    assert!(expected > 0);

    // Memory: after warm-up (the first quarter) the level stays flat.
    let q = samples.len() / 4;
    if q >= 1 {
        let warm = samples[q..2 * q.max(1)]
            .iter()
            .copied()
            .max()
            .unwrap_or(0)
            .max(samples[q]);
        let late = samples[samples.len() / 2..]
            .iter()
            .copied()
            .max()
            .unwrap_or(0);
        assert!(
            late <= warm + warm / 4 + 8 * 1024,
            "server memory grew from {warm} KiB to {late} KiB"
        );
    }
}
