//! Several processes on one store: concurrent writers lose nothing, writers killed with SIGKILL
//! at random moments lose nothing they acknowledged, backups taken while another process writes
//! are consistent snapshots, and a restore killed midway leaves the old or the new
//! configuration. The child processes are this test binary itself, re-executed as the worker of
//! `tests/worker` (hence `harness = false`: `main` picks the worker or the test harness).
//!
//! `MPRCONFIG_CRASH_CYCLES` sets the number of kill cycles of the crash test (default 200);
//! `MPRCONFIG_CRASH_SEED` replays a run (the seed is printed).

use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use libtest_mimic::{Arguments, Trial};
use mprconfig_core::{
    Interface, InterfaceType, MemRegistry, RegValue, Registry, RegistryConfig, RouterConfig,
    TxMode, WinError, pid,
};
use mprconfig_store::{OpenOptions, SqliteRegistry};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

mod worker;

use worker::blob_for;

/// A running worker whose stdout lines arrive on a channel.
struct Worker {
    child: Child,
    lines: mpsc::Receiver<String>,
    /// Lines already taken by [`Worker::next_line`].
    taken: Vec<String>,
}

impl Worker {
    fn spawn(args: &[&str]) -> Worker {
        let me = std::env::current_exe().expect("the test binary knows its path");
        let mut child = Command::new(me)
            .env(worker::ENV, "1")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn the worker");
        let out = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            // Only whole lines count: a line cut by the kill was never acknowledged.
            let mut reader = BufReader::new(out);
            let mut buf = String::new();
            while let Ok(n) = reader.read_line(&mut buf) {
                if n == 0 || !buf.ends_with('\n') {
                    break;
                }
                if tx.send(buf.trim_end().to_owned()).is_err() {
                    break;
                }
                buf.clear();
            }
        });
        Worker {
            child,
            lines: rx,
            taken: Vec::new(),
        }
    }

    /// The next line, waiting as long as it takes a loaded machine (panics after minutes).
    fn next_line(&mut self) -> String {
        let line = self
            .lines
            .recv_timeout(Duration::from_secs(300))
            .expect("the worker makes progress");
        self.taken.push(line.clone());
        line
    }

    /// Kills the worker (SIGKILL) and returns every line it completed.
    fn kill(mut self) -> Vec<String> {
        let _ = self.child.kill();
        self.child.wait().unwrap();
        self.taken.extend(self.lines.iter());
        self.taken
    }

    /// Waits for the worker to exit; returns its success and its lines.
    fn finish(mut self) -> (bool, Vec<String>) {
        let ok = self.child.wait().unwrap().success();
        self.taken.extend(self.lines.iter());
        (ok, self.taken)
    }
}

fn open_config(path: &Path) -> RegistryConfig<SqliteRegistry> {
    RegistryConfig::new(
        OpenOptions::new()
            .open(path)
            .expect("the store opens after the worker ended"),
    )
}

fn crash_cycles() -> u32 {
    std::env::var("MPRCONFIG_CRASH_CYCLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200)
}

fn seed() -> u64 {
    let seed = std::env::var("MPRCONFIG_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    eprintln!("seed {seed} (replay with MPRCONFIG_CRASH_SEED={seed})");
    seed
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Acked {
    Created,
    WithBlob,
    Deleted,
}

/// Checks every acknowledged operation against the store. `in_flight` is the interface the
/// writer's next, unacknowledged operation would have deleted: that delete may have committed.
fn verify(
    config: &RegistryConfig<SqliteRegistry>,
    acked: &HashMap<String, Acked>,
    in_flight: Option<&str>,
    context: &str,
) {
    for (name, state) in acked {
        let handle = config.interface_get_handle(name);
        if in_flight == Some(name.as_str())
            && handle
                .as_ref()
                .is_err_and(|e| e.code == WinError::ERROR_NO_SUCH_INTERFACE)
        {
            continue;
        }
        match state {
            Acked::Deleted => {
                assert_eq!(
                    handle.unwrap_err().code,
                    WinError::ERROR_NO_SUCH_INTERFACE,
                    "{context}: {name} was deleted"
                )
            }
            Acked::Created | Acked::WithBlob => {
                let id = handle
                    .unwrap_or_else(|e| panic!("{context}: acknowledged {name} is missing: {e}"));
                if *state == Acked::WithBlob {
                    let t = config.if_transport_get_handle(&id, pid::IP).unwrap();
                    assert_eq!(
                        config.if_transport_get_info(&t).unwrap(),
                        Some(blob_for(name)),
                        "{context}: blob of {name}"
                    );
                }
            }
        }
    }
}

fn acknowledged_writes_survive_sigkill_at_random_moments() {
    let cycles = crash_cycles();
    let mut rng = StdRng::seed_from_u64(seed());
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("router.db");
    let store_s = store.to_str().unwrap();
    let mut previous: (HashMap<String, Acked>, Option<String>) = (HashMap::new(), None);
    let mut kills_with_work = 0;
    for cycle in 0..cycles {
        let prefix = format!("c{cycle}");
        let mut worker = Worker::spawn(&["writer", store_s, &prefix]);
        // Even cycles kill at any moment from the start (creation, recovery, opening); odd
        // cycles first wait for an acknowledged write, so they always kill amid writes.
        if cycle % 2 == 1 {
            while !worker.next_line().starts_with("created ") {}
        }
        std::thread::sleep(Duration::from_micros(rng.random_range(0..40_000)));
        let lines = worker.kill();
        let mut acked = HashMap::new();
        let mut opened = false;
        for line in &lines {
            let (what, name) = line.split_once(' ').unwrap_or((line.as_str(), ""));
            match what {
                "opened" => opened = true,
                "created" => drop(acked.insert(name.to_owned(), Acked::Created)),
                "blob" => drop(acked.insert(name.to_owned(), Acked::WithBlob)),
                "deleted" => drop(acked.insert(name.to_owned(), Acked::Deleted)),
                _ => panic!("cycle {cycle}: unexpected worker output {line:?}"),
            }
        }
        // After "blob P-n" with n % 3 == 2 the writer deletes P-(n-2) before printing again.
        let in_flight = lines
            .last()
            .and_then(|l| l.strip_prefix("blob "))
            .and_then(|name| {
                let n: u64 = name.rsplit_once('-')?.1.parse().ok()?;
                (n % 3 == 2).then(|| format!("{prefix}-{}", n - 2))
            });
        if !store.exists() {
            // Killed while creating the store: nothing may have been acknowledged.
            assert!(
                !opened && acked.is_empty(),
                "cycle {cycle}: store missing after {lines:?}"
            );
            continue;
        }
        if !acked.is_empty() {
            kills_with_work += 1;
        }
        let config = open_config(&store);
        config.registry().integrity_check().unwrap();
        verify(
            &config,
            &acked,
            in_flight.as_deref(),
            &format!("cycle {cycle}"),
        );
        // An earlier cycle's acknowledged writes must survive later crashes too.
        verify(
            &config,
            &previous.0,
            previous.1.as_deref(),
            &format!("cycle {cycle}, previous cycle"),
        );
        // Keep the store small: drop what the cycle before last left behind.
        if cycle >= 2 {
            let old = format!("c{}-", cycle - 2);
            let all = config.interface_enum(0, u32::MAX).unwrap().entries;
            for e in all.iter().filter(|e| e.info.name.starts_with(&old)) {
                config.interface_delete(&e.id).unwrap();
            }
        }
        previous = (acked, in_flight);
    }
    eprintln!("{kills_with_work} of {cycles} kills came after acknowledged writes");
    assert!(
        kills_with_work >= cycles / 2,
        "every odd cycle kills amid acknowledged writes"
    );
    // Temporary files of creators killed midway are cleaned up by later openers.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.contains(".creating-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

fn concurrent_processes_create_change_and_delete_without_losing_updates() {
    const WORKERS: usize = 4;
    const ROUNDS: u32 = 20;
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("router.db");
    // The workers also race to create the store.
    let workers: Vec<Worker> = (0..WORKERS)
        .map(|w| {
            Worker::spawn(&[
                "churn",
                store.to_str().unwrap(),
                &format!("w{w}"),
                &ROUNDS.to_string(),
            ])
        })
        .collect();
    let mut busy = 0;
    for (w, worker) in workers.into_iter().enumerate() {
        let (ok, lines) = worker.finish();
        assert!(ok, "worker {w} failed: {lines:?}");
        for line in &lines {
            if line.starts_with("busy ") {
                busy += 1; // ERROR_BUSY is documented; the worker retried
            } else {
                assert!(
                    line.starts_with("round ") || line == "finished",
                    "worker {w}: {line}"
                );
            }
        }
        assert_eq!(lines.last().map(String::as_str), Some("finished"));
    }
    eprintln!("{busy} busy retries");
    let config = open_config(&store);
    let n = config
        .registry()
        .transact(TxMode::Read, &mut |tx| {
            tx.get_value(r"SOFTWARE\mprconfig-test", "n")
        })
        .unwrap();
    assert_eq!(
        n,
        Some(RegValue::dword(WORKERS as u32 * ROUNDS)),
        "a read-modify-write was lost"
    );
    let entries = config.interface_enum(0, u32::MAX).unwrap().entries;
    let keys: BTreeSet<u32> = entries.iter().map(|e| e.id.key).collect();
    assert_eq!(keys.len(), entries.len(), "two interfaces share a key");
    for w in 0..WORKERS {
        for i in 0..ROUNDS {
            let name = format!("w{w}-{i}");
            match config.interface_get_handle(&name) {
                Ok(id) => {
                    assert!(i % 2 == 1, "{name} was deleted but exists");
                    let info = config.interface_get_info(&id).unwrap();
                    assert!(!info.enabled, "{name}: the disable was lost");
                    let t = config.if_transport_get_handle(&id, pid::IP).unwrap();
                    assert_eq!(
                        config.if_transport_get_info(&t).unwrap(),
                        Some(blob_for(&name))
                    );
                }
                Err(e) => {
                    assert_eq!(e.code, WinError::ERROR_NO_SUCH_INTERFACE);
                    assert!(i % 2 == 0, "{name} was lost");
                }
            }
        }
    }
    config.registry().integrity_check().unwrap();
}

/// The `chain` worker's interface numbers in a backup, read back through a scratch registry.
fn chain_numbers(backup: &[u8], prefix: &str) -> BTreeSet<u64> {
    let scratch = RegistryConfig::new(MemRegistry::new());
    scratch
        .restore(backup)
        .expect("a backup taken under load restores");
    scratch
        .interface_enum(0, u32::MAX)
        .unwrap()
        .entries
        .into_iter()
        .filter_map(|e| {
            e.info
                .name
                .strip_prefix(prefix)
                .and_then(|n| n.parse().ok())
        })
        .collect()
}

fn backups_taken_while_another_process_writes_are_consistent_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("router.db");
    let config = RegistryConfig::new(
        OpenOptions::new()
            .create(true)
            .links(Vec::new())
            .open(&store)
            .unwrap(),
    );
    let mut worker = Worker::spawn(&["chain", store.to_str().unwrap(), "chain"]);
    let step = |line: String| -> u64 {
        line.strip_prefix("step ")
            .and_then(|n| n.parse().ok())
            .expect("a step line")
    };
    step(worker.next_line());
    let mut seen = Vec::new();
    for _ in 0..12 {
        let numbers = chain_numbers(&config.backup().unwrap(), "chain-");
        let v: Vec<u64> = numbers.iter().copied().collect();
        // Create n, then delete n-1: a snapshot holds {k} or {k, k+1}, nothing else.
        let consistent =
            matches!(v.as_slice(), [_]) || matches!(v.as_slice(), [a, b] if *b == a + 1);
        assert!(consistent, "torn backup: {v:?}");
        seen.push(v[0]);
        // Let the writer get past this snapshot before the next backup.
        while step(worker.next_line()) < v[0] + 2 {}
    }
    let lines = worker.kill();
    assert!(lines.iter().all(|l| l.starts_with("step ")), "{lines:?}");
    assert!(
        seen.windows(2).all(|w| w[0] < w[1]),
        "every backup sees a later state: {seen:?}"
    );
}

fn big_config(path: &Path, prefix: &str, n: u32) -> Vec<u8> {
    let config = RegistryConfig::new(
        OpenOptions::new()
            .create(true)
            .links(Vec::new())
            .open(path)
            .unwrap(),
    );
    for i in 0..n {
        let name = format!("{prefix}-{i}");
        let iface = Interface {
            name: name.clone(),
            if_type: InterfaceType::FULL_ROUTER,
            enabled: i % 2 == 0,
            ..Interface::default()
        };
        let id = config.interface_create(&iface).unwrap();
        config
            .if_transport_add(&id, pid::IP, None, Some(&blob_for(&name)))
            .unwrap();
    }
    config.backup().unwrap()
}

fn a_restore_killed_midway_leaves_the_old_or_the_new_configuration() {
    let cycles = (crash_cycles() / 8).max(10);
    let mut rng = StdRng::seed_from_u64(seed());
    let dir = tempfile::tempdir().unwrap();
    let (fa, fb): (PathBuf, PathBuf) = (dir.path().join("a.reg"), dir.path().join("b.reg"));
    // Two different configurations, large enough that a restore takes a while.
    let a = big_config(&dir.path().join("a.db"), "A", 150);
    let b = big_config(&dir.path().join("b.db"), "B", 120);
    assert_ne!(a, b);
    std::fs::write(&fa, &a).unwrap();
    std::fs::write(&fb, &b).unwrap();
    let store = dir.path().join("router.db");
    let config = RegistryConfig::new(
        OpenOptions::new()
            .create(true)
            .links(Vec::new())
            .open(&store)
            .unwrap(),
    );
    config.restore(&a).unwrap();
    drop(config);
    let mut both_seen = [false, false];
    for cycle in 0..cycles {
        let mut worker = Worker::spawn(&[
            "restore",
            store.to_str().unwrap(),
            fa.to_str().unwrap(),
            fb.to_str().unwrap(),
        ]);
        // Wait for the first restore, then kill somewhere in the following ones.
        worker.next_line();
        std::thread::sleep(Duration::from_micros(rng.random_range(0..100_000)));
        let lines = worker.kill();
        assert!(
            lines.iter().all(|l| l.starts_with("restored ")),
            "{lines:?}"
        );
        let config = open_config(&store);
        config.registry().integrity_check().unwrap();
        let now = config.backup().unwrap();
        if now == a {
            both_seen[0] = true;
        } else if now == b {
            both_seen[1] = true;
        } else {
            panic!("cycle {cycle}: the configuration is neither backup A nor backup B");
        }
    }
    eprintln!("states seen after kills (A, B): {both_seen:?}");
}

/// The worker when re-executed as one ([`worker::ENV`]), else the test harness over the tests.
fn main() -> ExitCode {
    if std::env::var_os(worker::ENV).is_some() {
        return worker::main();
    }
    macro_rules! trials {
        ($($test:ident),* $(,)?) => {
            vec![$(Trial::test(stringify!($test), || {
                $test();
                Ok(())
            })),*]
        };
    }
    let tests = trials![
        acknowledged_writes_survive_sigkill_at_random_moments,
        concurrent_processes_create_change_and_delete_without_losing_updates,
        backups_taken_while_another_process_writes_are_consistent_snapshots,
        a_restore_killed_midway_leaves_the_old_or_the_new_configuration,
    ];
    libtest_mimic::run(&Arguments::from_args(), tests).exit_code()
}
