//! Several connections to one configuration: what one commits, the next call of any other sees,
//! without a refresh (spec Q1; DESIGN §2: every call is one store transaction).

use mprconfig_core::{
    InterfaceType, MPR_ENABLE_RAS_ON_DEVICE as RAS, PortConfig, ServerInfo, WinError, pid,
};

use crate::blobs::*;
use crate::custom_info::sample_custom_info;
use crate::support::*;
use crate::{Backend, test_links};

/// An interface created on connection A is found by get-handle on connection B, even when B
/// looked the name up (and missed) just before; B's enumeration lists it.
pub fn created_interface_is_found_by_another_connection(b: &dyn Backend) {
    let a = b.connect();
    let other = b.connect();
    for round in 0..3 {
        let name = format!("Seen-{round}");
        expect_code(
            other.interface_get_handle(&name),
            WinError::ERROR_NO_SUCH_INTERFACE,
            "before create",
        );
        let id = create_router(&*a, &name);
        let found = ok(
            other.interface_get_handle(&name.to_uppercase()),
            "get_handle on B",
        );
        assert_eq!(
            ok(other.interface_get_info(&id), "A's handle on B").name,
            name
        );
        assert_eq!(
            ok(other.interface_get_info(&found), "get_info on B").name,
            name
        );
        let listed = ok(other.interface_enum(0, ALL), "enum on B").entries;
        assert!(
            listed.iter().any(|e| e.info.name == name),
            "B's enumeration lacks {name}"
        );
    }
}

/// An interface deleted on A is gone for B at once: B's handle gives 905, B's get-handle 905;
/// a new interface of the same name made on A is then found by B.
pub fn deleted_interface_is_gone_for_another_connection(b: &dyn Backend) {
    let a = b.connect();
    let other = b.connect();
    let id = create_router(&*a, "Short-Lived");
    let on_b = ok(other.interface_get_handle("Short-Lived"), "get_handle on B");
    ok(a.interface_delete(&id), "delete on A");
    expect_code(
        other.interface_get_info(&on_b),
        WinError::ERROR_NO_SUCH_INTERFACE,
        "B's handle",
    );
    expect_code(
        other.interface_get_handle("Short-Lived"),
        WinError::ERROR_NO_SUCH_INTERFACE,
        "B's get_handle",
    );
    // B's delete of what A deleted.
    expect_code(
        other.interface_delete(&on_b),
        WinError::ERROR_NO_SUCH_INTERFACE,
        "B's delete",
    );
    // Another interface in its place, then the name again.
    create_router(&*a, "In-Its-Place");
    expect_code(
        other.interface_get_info(&on_b),
        WinError::ERROR_NO_SUCH_INTERFACE,
        "B's handle after a new create",
    );
    let again = create_router(&*a, "Short-Lived");
    let found = ok(
        other.interface_get_handle("short-lived"),
        "B finds the new one",
    );
    assert_eq!(ok(a.interface_get_info(&again), "A").name, "Short-Lived");
    assert_eq!(
        ok(other.interface_get_info(&found), "get_info on B").name,
        "Short-Lived"
    );
    assert_eq!(
        ok(
            other.interface_get_info(&ok(other.interface_get_handle("In-Its-Place"), "B")),
            "B"
        )
        .name,
        "In-Its-Place"
    );
}

/// Interface, interface-transport and custom-info changes made on A are read back by B.
pub fn changes_are_seen_by_another_connection(b: &dyn Backend) {
    let a = b.connect();
    let other = b.connect();
    let id = create_router(&*a, "Changing");
    assert!(ok(other.interface_get_info(&id), "B").enabled);
    let mut off = iface("Changing", InterfaceType::FULL_ROUTER);
    off.enabled = false;
    off.dialout_hours = hours(&["6 10:00-11:00"]);
    ok(a.interface_set_info(&id, 1, &off), "disable on A");
    let got = ok(other.interface_get_info(&id), "B");
    assert_eq!(
        (got.enabled, got.dialout_hours),
        (false, hours(&["6 10:00-11:00"]))
    );

    let it = ok(
        a.if_transport_add(&id, pid::IP, None, Some(&interface_info_b())),
        "add on A",
    );
    let on_b = ok(
        other.if_transport_get_handle(&id, pid::IP),
        "B finds the interface-transport",
    );
    assert_eq!(
        ok(other.if_transport_get_info(&on_b), "B"),
        Some(interface_info_b())
    );
    ok(
        a.if_transport_set_info(&it, &interface_info_c()),
        "set on A",
    );
    assert_eq!(
        ok(other.if_transport_get_info(&on_b), "B"),
        Some(interface_info_c())
    );
    ok(a.if_transport_remove(&it), "remove on A");
    expect_code(
        other.if_transport_get_info(&on_b),
        WinError::ERROR_NO_SUCH_INTERFACE,
        "B after remove",
    );

    ok(
        a.interface_set_custom_info(&id, &sample_custom_info(3)),
        "custom info on A",
    );
    assert_eq!(
        ok(other.interface_get_custom_info(&id), "B"),
        sample_custom_info(3)
    );
}

/// Transport, filter, server, install and restore changes made on A are read back by B.
pub fn transport_and_server_changes_are_seen_by_another_connection(b: &dyn Backend) {
    let a = b.connect();
    let other = b.connect();
    let fresh_backup = ok(a.backup(), "backup");
    let fresh = snapshot(&*other);

    expect_code(
        other.transport_get_handle(pid::IPX),
        WinError::ERROR_UNKNOWN_PROTOCOL_ID,
        "before create",
    );
    let ipx = ok(
        a.transport_create(pid::IPX, None, Some(&global_info_a()), None, None),
        "create IPX on A",
    );
    assert_eq!(ok(other.transport_get_handle(pid::IPX), "B"), ipx);
    ok(
        a.transport_set_info(&ipx, Some(&interface_info_c()), None, None),
        "set on A",
    );
    assert_eq!(
        ok(other.transport_get_info(&ipx), "B").global_info,
        Some(interface_info_c())
    );
    ok(a.filter_set_info(pid::IPX, true), "filter on A");
    assert!(ok(other.filter_get_info(pid::IPX), "B"));
    ok(a.transport_delete(&ipx), "delete on A");
    expect_code(
        other.transport_get_info(&ipx),
        WinError::ERROR_UNKNOWN_PROTOCOL_ID,
        "B after delete",
    );

    let pools = ServerInfo {
        pptp: PortConfig {
            num_ports: 3,
            port_flags: RAS,
        },
        l2tp: PortConfig {
            num_ports: 4,
            port_flags: RAS,
        },
        sstp: PortConfig {
            num_ports: 5,
            port_flags: RAS,
        },
        ..ServerInfo::default()
    };
    ok(a.server_set_info(2, &pools), "server on A");
    let got = ok(other.server_get_info(), "B");
    assert_eq!(
        (got.pptp, got.l2tp, got.sstp),
        (pools.pptp, pools.l2tp, pools.sstp)
    );

    create_router(&*a, "Before-Install");
    ok(a.install(&test_links()), "install on A");
    expect_code(
        other.interface_get_handle("Before-Install"),
        WinError::ERROR_NO_SUCH_INTERFACE,
        "B after install",
    );
    assert_same_state(&snapshot(&*other), &fresh, "B sees the installed tree");

    create_router(&*a, "Before-Restore");
    ok(other.interface_get_handle("Before-Restore"), "B sees it");
    ok(a.restore(&fresh_backup), "restore on A");
    expect_code(
        other.interface_get_handle("Before-Restore"),
        WinError::ERROR_NO_SUCH_INTERFACE,
        "B after restore",
    );
    assert_same_state(&snapshot(&*other), &fresh, "B sees the restored tree");
}

/// While another connection keeps creating and deleting one interface at a time, every full
/// enumeration is one consistent state (DESIGN §2: one transaction per call): the installed
/// interfaces all present, no name twice, at most one of the churning interfaces; every
/// enumerated handle reads back or is reported gone (905), never another error.
pub fn enumeration_is_consistent_under_a_concurrent_writer(b: &dyn Backend) {
    use std::sync::atomic::{AtomicBool, Ordering};
    const CYCLES: usize = 40;
    let done = AtomicBool::new(false);
    let installed = installed_interface_names();
    std::thread::scope(|s| {
        s.spawn(|| {
            let w = b.connect();
            for i in 0..CYCLES {
                let id = create_router(&*w, &format!("churn-{i}"));
                ok(
                    w.if_transport_add(&id, pid::IP, None, Some(&interface_info_c())),
                    "churn transport",
                );
                ok(w.interface_delete(&id), "churn delete");
            }
            done.store(true, Ordering::SeqCst);
        });
        let r = b.connect();
        let mut reads = 0usize;
        while !done.load(Ordering::SeqCst) || reads == 0 {
            reads += 1;
            let entries = ok(r.interface_enum(0, ALL), "enum under churn").entries;
            let names: Vec<&str> = entries.iter().map(|e| e.info.name.as_str()).collect();
            let unique: std::collections::HashSet<String> =
                names.iter().map(|n| n.to_uppercase()).collect();
            assert_eq!(
                unique.len(),
                names.len(),
                "duplicate names in one enumeration: {names:?}"
            );
            for n in &installed {
                assert!(
                    names.contains(&n.as_str()),
                    "{n} missing from an enumeration: {names:?}"
                );
            }
            let churn = names.iter().filter(|n| n.starts_with("churn-")).count();
            assert!(churn <= 1, "{churn} churning interfaces at once: {names:?}");
            for e in &entries {
                match r.interface_get_info(&e.id) {
                    Ok(got) => assert_eq!(got.name, e.info.name),
                    Err(err) => assert_eq!(err.code, WinError::ERROR_NO_SUCH_INTERFACE, "{err}"),
                }
            }
        }
    });
    let names: Vec<String> = ok(b.connect().interface_enum(0, ALL), "enum")
        .entries
        .into_iter()
        .map(|e| e.info.name)
        .collect();
    assert!(
        !names.iter().any(|n| n.starts_with("churn-")),
        "churn left {names:?}"
    );
}
