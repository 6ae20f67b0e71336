//! The `Registry` contract on a protocol without transactions: all or nothing per call, one
//! writer at a time across connections, readers never see half a commit, a generation that
//! counts commits, stale locks broken and live ones kept, a commit that fails halfway reported
//! with what stayed. Against a scratch Samba; see docs/rrp.md for the design.

mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use mprconfig_core::{Error, RegValue, Registry, WinError};
use mprconfig_rrp::RrpRegistry;
use support::*;

const COUNTER: &str = r"Counters";

fn dword(r: &RrpRegistry, path: &str, name: &str) -> Option<u32> {
    read(r, |tx| tx.get_value(path, name))
        .unwrap()
        .and_then(|v| v.as_dword())
}

#[test]
fn a_failed_transaction_changes_nothing_and_keeps_the_generation() {
    let Some(server) = shared() else { return };
    let root = fresh_root("failed");
    let a = admin(server, &root);
    write(&a, |tx| {
        tx.create_key(r"Keep\Child")?;
        tx.set_value("Keep", "v", &RegValue::dword(1))
    })
    .unwrap();
    let g = a.generation().unwrap();
    let e = write(&a, |tx| {
        tx.set_value("Keep", "v", &RegValue::dword(2))?;
        tx.delete_key_tree(r"Keep\Child")?;
        tx.create_key(r"New\Deep")?;
        assert!(
            tx.key_exists(r"New\Deep")?,
            "a transaction reads its own writes"
        );
        Err::<(), _>(Error::invalid_parameter("abort"))
    })
    .unwrap_err();
    assert_eq!(e.detail, "abort");
    assert_eq!(a.generation().unwrap(), g);
    // Seen from another connection: nothing of it reached the server.
    let b = admin(server, &root);
    assert_eq!(dword(&b, "Keep", "v"), Some(1));
    assert!(read(&b, |tx| tx.key_exists(r"Keep\Child")).unwrap());
    assert!(!read(&b, |tx| tx.key_exists("New")).unwrap());
    // A read transaction refuses writes.
    let e = read(&b, |tx| tx.create_key("X")).unwrap_err();
    assert_eq!(e.code, WinError::ERROR_ACCESS_DENIED);
}

#[test]
fn the_generation_counts_every_commit_of_every_connection_once() {
    let Some(server) = shared() else { return };
    let root = fresh_root("generation");
    let a = admin(server, &root);
    let b = admin(server, &root);
    let g0 = a.generation().unwrap();
    write(&a, |tx| tx.create_key("K").map(|_| ())).unwrap();
    assert_eq!(b.generation().unwrap(), g0 + 1);
    write(&b, |_| Ok(())).unwrap();
    assert_eq!(
        a.generation().unwrap(),
        g0 + 2,
        "an empty commit counts too"
    );
    read(&a, |tx| tx.subkeys("K")).unwrap();
    let _ = write(&b, |tx| {
        tx.create_key("L")?;
        Err::<(), _>(Error::invalid_parameter("no"))
    });
    assert_eq!(
        a.generation().unwrap(),
        g0 + 2,
        "reads and rollbacks do not count"
    );
    let seen = write(&b, |tx| tx.generation()).unwrap();
    assert_eq!(
        seen,
        g0 + 2,
        "a writer sees the generation before its commit"
    );
    assert_eq!(a.generation().unwrap(), seen + 1);
}

#[test]
fn concurrent_writers_on_separate_connections_never_lose_an_update() {
    let Some(server) = shared() else { return };
    let root = fresh_root("counter");
    write(&admin(server, &root), |tx| {
        tx.create_key(COUNTER)?;
        tx.set_value(COUNTER, "n", &RegValue::dword(0))
    })
    .unwrap();
    const EACH: u32 = 15;
    std::thread::scope(|s| {
        for _ in 0..3 {
            s.spawn(|| {
                let r = admin(server, &root);
                for _ in 0..EACH {
                    write(&r, |tx| {
                        let n = tx
                            .get_value(COUNTER, "n")?
                            .and_then(|v| v.as_dword())
                            .unwrap_or(0);
                        tx.set_value(COUNTER, "n", &RegValue::dword(n + 1))
                    })
                    .unwrap();
                }
            });
        }
    });
    assert_eq!(dword(&admin(server, &root), COUNTER, "n"), Some(3 * EACH));
}

#[test]
fn readers_never_see_half_a_commit() {
    let Some(server) = shared() else { return };
    let root = fresh_root("pairs");
    write(&admin(server, &root), |tx| {
        tx.create_key(r"Pair\A")?;
        tx.create_key(r"Pair\B")?;
        tx.set_value(r"Pair\A", "v", &RegValue::dword(0))?;
        tx.set_value(r"Pair\B", "v", &RegValue::dword(0))
    })
    .unwrap();
    let done = AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            let w = admin(server, &root);
            for i in 1..=25u32 {
                write(&w, |tx| {
                    tx.set_value(r"Pair\A", "v", &RegValue::dword(i))?;
                    // A key that comes and goes with the pair, to move the structure too.
                    if i % 2 == 0 {
                        tx.create_key(&format!(r"Pair\A\Even{i}"))?;
                    } else {
                        tx.delete_key_tree(&format!(r"Pair\A\Even{}", i - 1))?;
                    }
                    tx.set_value(r"Pair\B", "v", &RegValue::dword(i))
                })
                .unwrap();
            }
            done.store(true, Ordering::SeqCst);
        });
        let r = admin(server, &root);
        let mut reads = 0;
        while !done.load(Ordering::SeqCst) || reads == 0 {
            reads += 1;
            let (a, b, kids) = read(&r, |tx| {
                let a = tx.get_value(r"Pair\A", "v")?.and_then(|v| v.as_dword());
                let kids = tx.subkeys(r"Pair\A")?;
                let b = tx.get_value(r"Pair\B", "v")?.and_then(|v| v.as_dword());
                Ok((a, b, kids))
            })
            .unwrap();
            assert_eq!(a, b, "half a commit seen");
            let a = a.unwrap();
            let want: Vec<String> = if a % 2 == 0 && a > 0 {
                vec![format!("Even{a}")]
            } else {
                vec![]
            };
            assert_eq!(
                kids, want,
                "structure from another commit than the values (v = {a})"
            );
        }
    });
}

#[test]
fn a_stale_lock_is_broken_after_its_lease_and_only_then() {
    let Some(server) = shared() else { return };
    let root = fresh_root("stale");
    let a = admin(server, &root);
    write(&a, |tx| tx.create_key("K").map(|_| ())).unwrap();
    // A writer died holding the lock: the lock key exists, made by another client.
    server
        .tool(
            "net",
            &server.admin,
            &[
                "createkey",
                &format!(r"HKLM\{root}\SOFTWARE\mprconfig\RRP\Lock"),
            ],
        )
        .unwrap();
    let mut impatient = options(server, &server.admin, &root);
    impatient.lock_lease = Duration::from_secs(60);
    impatient.busy_timeout = Duration::from_millis(300);
    let e = write(&RrpRegistry::connect(impatient).unwrap(), |tx| {
        tx.create_key("X").map(|_| ())
    })
    .unwrap_err();
    assert_eq!(e.code, WinError::ERROR_BUSY, "{e}");
    assert!(e.detail.contains("lock"), "{e}");
    // With a short lease the lock is broken and the write goes through.
    let mut patient = options(server, &server.admin, &root);
    patient.lock_lease = Duration::from_millis(400);
    let p = RrpRegistry::connect(patient).unwrap();
    write(&p, |tx| tx.create_key("X").map(|_| ())).unwrap();
    assert!(read(&a, |tx| tx.key_exists("X")).unwrap());
    // Nothing of the lock or its breaking is left behind.
    let left = read(&a, |tx| tx.subkeys(r"SOFTWARE\mprconfig\RRP")).unwrap();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_live_holder_keeps_its_lock_past_the_lease() {
    let Some(server) = shared() else { return };
    let root = fresh_root("live");
    let lease = Duration::from_millis(300);
    let opts = || {
        let mut o = options(server, &server.admin, &root);
        o.lock_lease = lease;
        o
    };
    write(&admin(server, &root), |tx| {
        tx.create_key(COUNTER)?;
        tx.set_value(COUNTER, "n", &RegValue::dword(0))
    })
    .unwrap();
    let holding = AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            let h = RrpRegistry::connect(opts()).unwrap();
            write(&h, |tx| {
                holding.store(true, Ordering::SeqCst);
                // Work for four leases, calling the server all along (each call shows it alive).
                let until = std::time::Instant::now() + lease * 4;
                while std::time::Instant::now() < until {
                    tx.key_exists(COUNTER)?;
                }
                let n = tx
                    .get_value(COUNTER, "n")?
                    .and_then(|v| v.as_dword())
                    .unwrap();
                tx.set_value(COUNTER, "n", &RegValue::dword(n + 1))
            })
            .unwrap();
        });
        while !holding.load(Ordering::SeqCst) {
            std::thread::yield_now();
        }
        let w = RrpRegistry::connect(opts()).unwrap();
        write(&w, |tx| {
            let n = tx
                .get_value(COUNTER, "n")?
                .and_then(|v| v.as_dword())
                .unwrap();
            tx.set_value(COUNTER, "n", &RegValue::dword(n + 10))
        })
        .unwrap();
    });
    // Had the waiter broken the live lock, one of the two updates would be lost.
    assert_eq!(dword(&admin(server, &root), COUNTER, "n"), Some(11));
}

#[test]
fn a_panicking_transaction_releases_the_lock() {
    let Some(server) = shared() else { return };
    let root = fresh_root("panic");
    let a = admin(server, &root);
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = write(&a, |tx| {
            tx.create_key("Gone")?;
            panic!("closure panics while holding the lock");
            #[allow(unreachable_code)]
            Ok(())
        });
    }));
    assert!(caught.is_err());
    let mut o = options(server, &server.admin, &root);
    o.lock_lease = Duration::from_secs(600);
    o.busy_timeout = Duration::from_millis(300);
    let b = RrpRegistry::connect(o).unwrap();
    write(&b, |tx| tx.create_key("After").map(|_| ())).unwrap();
    assert!(!read(&b, |tx| tx.key_exists("Gone")).unwrap());
    // The registry whose closure panicked is usable too.
    write(&a, |tx| tx.create_key("Again").map(|_| ())).unwrap();
}

#[test]
fn values_larger_than_a_fragment_travel_both_ways() {
    let Some(server) = shared() else { return };
    let root = fresh_root("large");
    let a = admin(server, &root);
    let sizes = [65_535usize, 65_536, 65_537, 200_000, 1 << 20];
    let blobs: Vec<Vec<u8>> = sizes
        .iter()
        .map(|&n| (0..n).map(|i| ((i * 31 + n) % 253) as u8).collect())
        .collect();
    write(&a, |tx| {
        tx.create_key("Blobs")?;
        for (i, b) in blobs.iter().enumerate() {
            tx.set_value("Blobs", &format!("b{i}"), &RegValue::binary(b.clone()))?;
        }
        Ok(())
    })
    .unwrap();
    let b = admin(server, &root);
    let values = read(&b, |tx| tx.values("Blobs")).unwrap();
    assert_eq!(values.len(), blobs.len());
    for (i, (name, v)) in values.iter().enumerate() {
        assert_eq!(name, &format!("b{i}"));
        assert_eq!(v.data, blobs[i], "value of {} bytes", sizes[i]);
    }
    let s = b.rpc_stats();
    assert!(s.fragments_received > s.calls + 100, "{s:?}");
}

#[test]
fn a_commit_failing_halfway_says_so_and_what_stayed() {
    // Samba refuses values under a key its tcpip backend serves: a server-side failure in
    // the middle of a commit. Needs HKLM itself, so a server of its own.
    let Some(server) = private() else { return };
    let a = admin(&server, "");
    let g = a.generation().unwrap();
    let e = write(&a, |tx| {
        tx.create_key(r"SOFTWARE\halfway")?;
        tx.set_value(r"SOFTWARE\halfway", "ok", &RegValue::dword(1))?;
        tx.set_value(
            r"SYSTEM\CurrentControlSet\Services\Tcpip\Parameters",
            "Refused",
            &RegValue::sz("x"),
        )
    })
    .unwrap_err();
    assert_eq!(e.code, WinError::ERROR_INVALID_DATA, "{e}");
    assert!(e.detail.contains("failed halfway"), "{e}");
    assert!(
        e.detail.contains(r"create key SOFTWARE\halfway"),
        "what stayed is named: {e}"
    );
    assert!(
        e.detail.contains("Refused"),
        "the failing change is named: {e}"
    );
    // Readers are told to forget what they cached across it: the generation skips one.
    assert_eq!(a.generation().unwrap(), g + 2);
    // The registry is usable afterwards; what stayed is there.
    assert!(read(&a, |tx| tx.key_exists(r"SOFTWARE\halfway")).unwrap());
    write(&a, |tx| tx.create_key(r"SOFTWARE\after").map(|_| ())).unwrap();
}

#[test]
fn outside_writers_data_changes_are_seen_at_once_and_new_keys_after_forgetting_caches() {
    let Some(server) = shared() else { return };
    let root = fresh_root("outside");
    let a = admin(server, &root);
    write(&a, |tx| {
        tx.create_key(r"Ifs\0")?;
        tx.set_value(r"Ifs\0", "Enabled", &RegValue::dword(1))
    })
    .unwrap();
    assert_eq!(read(&a, |tx| tx.subkeys("Ifs")).unwrap(), ["0"]);
    // regedit-like changes that do not take the lock.
    let hk = format!(r"HKLM\{root}");
    server
        .tool(
            "net",
            &server.admin,
            &["setvalue", &format!(r"{hk}\Ifs\0"), "Enabled", "dword", "0"],
        )
        .unwrap();
    server
        .tool(
            "net",
            &server.admin,
            &["createkey", &format!(r"{hk}\Ifs\1")],
        )
        .unwrap();
    assert_eq!(
        dword(&a, r"Ifs\0", "Enabled"),
        Some(0),
        "value data is never cached"
    );
    assert_eq!(
        read(&a, |tx| tx.subkeys("Ifs")).unwrap(),
        ["0"],
        "key structure is cached (docs/rrp.md)"
    );
    a.forget_caches().unwrap();
    assert_eq!(read(&a, |tx| tx.subkeys("Ifs")).unwrap(), ["0", "1"]);
}
