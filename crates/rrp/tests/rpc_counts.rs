//! RPCs per logical operation, counted (not timed): the targets of the issue hold —
//! get-info ≤ 3, get-handle by name among 100 ≤ 3 with a warm cache, enumerate 1,000 ≤ 1,100 —
//! and the counts are printed beside the naive sequence (size query then data query per value).
//! The benchmark `crates/bench/benches/rrp.rs` times the same operations.

mod support;

use std::sync::Arc;

use mprconfig_core::{
    Interface, InterfaceType, MemRegistry, RegValue, RegistryConfig, RouterConfig, layout as l,
};
use mprconfig_rrp::{RpcStats, RrpRegistry};
use support::*;

fn calls(r: &RrpRegistry, f: impl FnOnce()) -> RpcStats {
    let before = r.rpc_stats();
    f();
    r.rpc_stats().since(&before)
}

/// Interfaces `0..n` written the way `RegistryConfig` writes them, in one transaction.
fn fill_interfaces(r: &RrpRegistry, n: u32) {
    write(r, |tx| {
        for i in 0..n {
            let p = format!(r"{}\{i}", l::INTERFACES);
            tx.create_key(&p)?;
            tx.set_value(&p, l::INTERFACE_NAME, &RegValue::sz(&format!("if-{i}")))?;
            tx.set_value(
                &p,
                l::TYPE,
                &RegValue::dword(InterfaceType::FULL_ROUTER.0 as u32),
            )?;
            tx.set_value(&p, l::ENABLED, &RegValue::dword(1))?;
            tx.set_value(&p, l::STAMP, &RegValue::dword(0))?;
        }
        Ok(())
    })
    .unwrap();
}

#[test]
fn rpcs_per_operation_meet_the_targets() {
    let Some(server) = shared() else { return };
    let root = fresh_root("counts");
    let opts = options(server, &server.admin, &root);
    let mut connect_calls = 0;
    let reg = Arc::new(RrpRegistry::connect(opts.clone()).unwrap());
    connect_calls += reg.rpc_stats().calls;
    let config = RegistryConfig::new(Arc::clone(&reg));
    config.install(&[]).unwrap();
    fill_interfaces(&reg, 100);

    let mk = Interface {
        name: "new-link".into(),
        if_type: InterfaceType::FULL_ROUTER,
        enabled: true,
        ..Interface::default()
    };
    // Warm the name index first (the create checks the name against it).
    config.interface_get_handle("if-0").unwrap();
    let mut id = None;
    let create = calls(&reg, || {
        let i = config.interface_create(&mk).unwrap();
        config
            .if_transport_add(&i, 0x21, None, Some(&l::DEFAULT_IP_GLOBAL_INFO))
            .unwrap();
        id = Some(i);
    });
    let id = id.unwrap();
    let get_info = calls(&reg, || {
        config.interface_get_info(&id).unwrap();
    });
    let get_handle = calls(&reg, || {
        config.interface_get_handle("if-57").unwrap();
    });

    fill_interfaces(&reg, 1000);
    // A new configuration on the warm connection: the interface list is read again.
    let fresh = RegistryConfig::new(Arc::clone(&reg));
    let enumerate = calls(&reg, || {
        assert_eq!(
            fresh.interface_enum(0, u32::MAX).unwrap().entries.len(),
            1000
        );
    });
    // A new connection: nothing cached at all.
    let cold = Arc::new(RrpRegistry::connect(opts).unwrap());
    let cold_config = RegistryConfig::new(Arc::clone(&cold));
    let enumerate_cold = calls(&cold, || {
        cold_config.interface_enum(0, u32::MAX).unwrap();
    });

    eprintln!("operation                         ours  naive  ratio");
    for (what, ours, naive) in [
        ("connect", connect_calls, 1),
        ("create interface + IP transport", create.calls, 11),
        ("get-info", get_info.calls, 8),
        ("get-handle by name among 100", get_handle.calls, 257),
        ("enumerate 1,000 (warm connection)", enumerate.calls, 9003),
        (
            "enumerate 1,000 (new connection)",
            enumerate_cold.calls,
            9003,
        ),
    ] {
        eprintln!(
            "{what:<33} {ours:>5} {naive:>6}  {:.3}",
            ours as f64 / naive as f64
        );
    }
    assert!(get_info.calls <= 3, "get-info took {get_info:?}");
    assert!(get_handle.calls <= 3, "get-handle took {get_handle:?}");
    assert!(
        enumerate.calls <= 1100,
        "enumerate 1,000 took {} RPCs",
        enumerate.calls
    );
}

/// The benchmark's large configuration: the default tree plus 1,000 interfaces, each with an
/// IP interface-transport key (over 2,000 keys in all, more than the handles a session keeps
/// open), enumerated after another connection changed one interface.
#[test]
fn enumerate_1000_with_transports_after_another_writers_changes_meets_the_target() {
    let Some(server) = shared() else { return };
    let root = fresh_root("counts-transports");
    let opts = options(server, &server.admin, &root);
    let mem = RegistryConfig::new(MemRegistry::new());
    mem.install(&[]).unwrap();
    let defaults = mem.interface_enum(0, u32::MAX).unwrap().entries.len();
    for i in 0..1000 {
        let id = mem
            .interface_create(&Interface {
                name: format!("if-{i}"),
                if_type: InterfaceType::FULL_ROUTER,
                enabled: true,
                ..Interface::default()
            })
            .unwrap();
        mem.if_transport_add(&id, 0x21, None, Some(&l::DEFAULT_IP_GLOBAL_INFO))
            .unwrap();
    }
    let backup = mem.backup().unwrap();

    let reg = Arc::new(RrpRegistry::connect(opts.clone()).unwrap());
    let config = RegistryConfig::new(Arc::clone(&reg));
    config.restore(&backup).unwrap();
    let listed = 1000 + defaults;
    assert_eq!(
        config.interface_enum(0, u32::MAX).unwrap().entries.len(),
        listed
    );
    let other = RegistryConfig::new(Arc::new(RrpRegistry::connect(opts.clone()).unwrap()));
    let churn = || {
        let id = other.interface_get_handle("if-0").unwrap();
        let mut i = other.interface_get_info(&id).unwrap();
        i.enabled = !i.enabled;
        other.interface_set_info(&id, 0, &i).unwrap();
    };
    let mut after_change = Vec::new();
    for round in 0..3 {
        // The benchmark lets the other writer commit many times between two of our reads.
        for _ in 0..if round == 2 { 40 } else { 1 } {
            churn();
        }
        after_change.push(calls(&reg, || {
            assert_eq!(
                config.interface_enum(0, u32::MAX).unwrap().entries.len(),
                listed
            );
        }));
    }
    // A scan of more keys than the session keeps handles for (a backup reads all 2,000-odd
    // keys), twice: the second finds the handles of a stable part of the first still open.
    config.backup().unwrap();
    let rescan = calls(&reg, || {
        config.backup().unwrap();
    });
    let cold = Arc::new(RrpRegistry::connect(opts).unwrap());
    let cold_config = RegistryConfig::new(Arc::clone(&cold));
    let enumerate_cold = calls(&cold, || {
        assert_eq!(
            cold_config
                .interface_enum(0, u32::MAX)
                .unwrap()
                .entries
                .len(),
            listed
        );
    });
    for (i, s) in after_change.iter().enumerate() {
        eprintln!(
            "after a change #{i}: {} RPCs, by opnum {:?}",
            s.calls,
            nonzero(s)
        );
    }
    eprintln!(
        "backup again: {} RPCs, by opnum {:?}",
        rescan.calls,
        nonzero(&rescan)
    );
    eprintln!(
        "new connection: {} RPCs, by opnum {:?}",
        enumerate_cold.calls,
        nonzero(&enumerate_cold)
    );
    for (i, s) in after_change.iter().enumerate() {
        assert!(
            s.calls <= 1100,
            "enumerate after change round {i} took {} RPCs: {:?}",
            s.calls,
            nonzero(s)
        );
    }
    // EnumKey, OpenKey, QueryInfoKey and QueryMultipleValues2 per interface, and a few more.
    assert!(
        enumerate_cold.calls <= 4 * listed as u64 + 50,
        "a cold enumerate took {} RPCs: {:?}",
        enumerate_cold.calls,
        nonzero(&enumerate_cold)
    );
    // Least-recently-used eviction would reopen every one of the 2,000-odd keys.
    assert!(
        rescan.by_opnum[15] <= 1800,
        "the second backup reopened {} keys",
        rescan.by_opnum[15]
    );
}

fn nonzero(s: &RpcStats) -> Vec<(usize, u64)> {
    s.by_opnum
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(i, n)| (i, *n))
        .collect()
}
