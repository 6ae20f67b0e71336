//! Whole-configuration operations: `MprConfigServerInstall`, `MprConfigServerBackup/Restore`,
//! `MprConfigServerRefresh` (spec §4.1.3, §4.1.4, §4.1.9-4.1.10, Q1, Q16).

use mprconfig_core::{
    InterfaceType, MPR_ENABLE_RAS_ON_DEVICE as RAS, MPR_ENABLE_ROUTING_ON_DEVICE as ROUTING,
    PortConfig, RouterConfig, ServerInfo, ServerSetConfigEx, WinError, pid, set_config,
};

use crate::blobs::*;
use crate::custom_info::sample_custom_info;
use crate::server::sample_tunnel_config;
use crate::support::*;
use crate::{Backend, test_links};

fn server_pools(p: u32, l: u32, s: u32) -> ServerInfo {
    ServerInfo {
        pptp: PortConfig {
            num_ports: p,
            port_flags: RAS,
        },
        l2tp: PortConfig {
            num_ports: l,
            port_flags: RAS | ROUTING,
        },
        sstp: PortConfig {
            num_ports: s,
            port_flags: RAS,
        },
        ..ServerInfo::default()
    }
}

/// Puts something in every part of the configuration a client can change.
#[track_caller]
fn populate(c: &dyn RouterConfig) {
    let mut a = iface("Branch-A", InterfaceType::FULL_ROUTER);
    a.dialout_hours = hours(&["1 08:00-18:00", "5 08:00-12:00"]);
    let a = ok(c.interface_create(&a), "create Branch-A");
    ok(
        c.interface_set_custom_info(&a, &sample_custom_info(7)),
        "custom info",
    );
    ok(
        c.if_transport_add(&a, pid::IP, None, Some(&interface_info_b())),
        "Branch-A IP",
    );
    ok(
        c.if_transport_add(&a, pid::IPV6, Some("v6 without blob"), None),
        "Branch-A IPv6",
    );
    let mut h = iface("Home-B", InterfaceType::HOME_ROUTER);
    h.enabled = false;
    h.dialout_hours = hours(&["0 00:00-24:00"]);
    ok(c.interface_create(&h), "create Home-B");
    ok(
        c.interface_create(&iface("Tunnel-C", InterfaceType::TUNNEL1)),
        "create Tunnel-C",
    );
    let eth0 = ok(c.interface_get_handle(&link_guid("eth0")), "eth0");
    ok(
        c.if_transport_add(&eth0, pid::IP, None, Some(&interface_info_d())),
        "eth0 IP",
    );
    ok(
        c.transport_create(
            pid::IPX,
            None,
            Some(&global_info_a()),
            Some(&interface_info_c()),
            Some("ipxrtmgr.dll"),
        ),
        "create IPX",
    );
    ok(c.filter_set_info(pid::IP, true), "IP filters on");
    ok(c.server_set_info(2, &server_pools(7, 8, 9)), "server pools");
    ok(
        c.server_set_info_ex(&ServerSetConfigEx {
            protocols: set_config::IKEV2 | set_config::GRE,
            config: sample_tunnel_config(5),
        }),
        "tunnel config",
    );
}

/// Changes every part [`populate`] touched, differently.
#[track_caller]
fn mutate(c: &dyn RouterConfig) {
    ok(
        c.interface_delete(&ok(c.interface_get_handle("Branch-A"), "Branch-A")),
        "delete Branch-A",
    );
    let later = create_router(c, "Later-1");
    ok(
        c.if_transport_add(&later, pid::IP, None, Some(&interface_info_c())),
        "Later-1 IP",
    );
    create_router(c, "Later-2");
    let home = ok(c.interface_get_handle("Home-B"), "Home-B");
    let mut h = iface("Home-B", InterfaceType::HOME_ROUTER);
    h.dialout_hours = hours(&["3 01:00-02:00"]);
    ok(c.interface_set_info(&home, 1, &h), "change Home-B");
    ok(
        c.interface_delete(&ok(c.interface_get_handle(&link_guid("eth1")), "eth1")),
        "delete eth1",
    );
    ok(
        c.transport_delete(&ok(c.transport_get_handle(pid::IPX), "IPX")),
        "delete IPX",
    );
    ok(
        c.transport_set_info(
            &ok(c.transport_get_handle(pid::IP), "IP"),
            Some(&interface_info_d()),
            None,
            Some("x.dll"),
        ),
        "IP",
    );
    ok(c.filter_set_info(pid::IP, false), "IP filters off");
    ok(
        c.server_set_info(2, &server_pools(70, 80, 90)),
        "server pools",
    );
    let every = set_config::PPTP
        | set_config::L2TP
        | set_config::SSTP
        | set_config::IKEV2
        | set_config::GRE;
    ok(
        c.server_set_info_ex(&ServerSetConfigEx {
            protocols: every,
            config: sample_tunnel_config(6),
        }),
        "tunnel config",
    );
}

/// A fresh configuration holds the default tree: Loopback (type 5), Internal (type 4), one
/// enabled DEDICATED interface per non-loopback link named by its GUID string, and the Ip
/// (0x21) and Ipv6 (0x57) transports (spec §4.1.4; registry-layout §2.5-2.6).
pub fn install_creates_the_default_tree(b: &dyn Backend) {
    let c = b.connect();
    let entries = ok(c.interface_enum(0, ALL), "interface_enum").entries;
    let mut names: Vec<String> = entries.iter().map(|e| e.info.name.clone()).collect();
    let mut expected = installed_interface_names();
    names.sort();
    expected.sort();
    assert_eq!(names, expected);
    for e in &entries {
        let want = match e.info.name.as_str() {
            "Loopback" => InterfaceType::LOOPBACK,
            "Internal" => InterfaceType::INTERNAL,
            _ => InterfaceType::DEDICATED,
        };
        let got = ok(c.interface_get_info(&e.id), "get_info");
        assert_eq!((got.if_type, got.enabled), (want, true), "{:?}", got.name);
    }
    let mut ids: Vec<u32> = ok(c.transport_enum(0, ALL), "transport_enum")
        .entries
        .iter()
        .map(|e| e.id.protocol_id)
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, vec![pid::IP, pid::IPV6]);
    // Installing again over a fresh configuration changes nothing a client can see.
    let before = snapshot(&*c);
    ok(c.install(&test_links()), "install again");
    assert_same_state(
        &snapshot(&*c),
        &before,
        "install over a fresh configuration",
    );
}

/// Install writes the Windows defaults observed in a real export (registry-layout §2.6): Ip's
/// and Ipv6's global info are the Windows 7 export's byte for byte (not sample A: spec
/// erratum, docs/design.md §4), both use `%SystemRoot%\System32\iprtrmgr.dll`, and every
/// installed interface has Ip and Ipv6 interface-transports holding sample C.
pub fn install_writes_the_windows_default_transports_and_blobs(b: &dyn Backend) {
    let c = b.connect();
    let dll = r"%SystemRoot%\System32\iprtrmgr.dll";
    let ip = ok(
        c.transport_get_info(&ok(c.transport_get_handle(pid::IP), "Ip")),
        "Ip info",
    );
    assert_eq!(ip.global_info, Some(global_info_w7_ip()), "Ip GlobalInfo");
    assert_eq!(ip.dll_path.as_deref(), Some(dll), "Ip DLLPath");
    let v6 = ok(
        c.transport_get_info(&ok(c.transport_get_handle(pid::IPV6), "Ipv6")),
        "Ipv6 info",
    );
    assert_eq!(v6.dll_path.as_deref(), Some(dll), "Ipv6 DLLPath");
    assert_eq!(
        v6.global_info,
        Some(global_info_w7_ipv6()),
        "Ipv6 GlobalInfo"
    );
    for e in ok(c.interface_enum(0, ALL), "interface_enum").entries {
        for p in [pid::IP, pid::IPV6] {
            let it = ok(
                c.if_transport_get_handle(&e.id, p),
                &format!("{:?} transport {p:#x}", e.info.name),
            );
            assert_eq!(
                ok(c.if_transport_get_info(&it), "blob"),
                Some(interface_info_c()),
                "{:?} {p:#x}",
                e.info.name
            );
        }
    }
}

/// Install resets a changed configuration to exactly the default tree: interfaces, their
/// transports and custom info, transports, filters, server and tunnel settings; handles of
/// interfaces created before are stale (spec §4.1.4 "resets the router-manager and interface
/// keys", RAS defaults).
pub fn install_resets_a_changed_configuration(b: &dyn Backend) {
    let c = b.connect();
    let fresh = snapshot(&*c);
    populate(&*c);
    mutate(&*c);
    let later = ok(c.interface_get_handle("Later-1"), "Later-1");
    assert_ne!(snapshot(&*c), fresh);
    ok(c.install(&test_links()), "install");
    assert_same_state(&snapshot(&*c), &fresh, "after install");
    expect_code(
        c.interface_get_info(&later),
        WinError::ERROR_NO_SUCH_INTERFACE,
        "handle from before install",
    );
    assert_same_state(
        &snapshot(&*b.connect()),
        &fresh,
        "another connection sees the reset",
    );
}

/// Backup, then changes everywhere, then restore gives back exactly the backed-up state, as
/// every read operation reports it, on this and on another connection (spec §4.1.9-4.1.10,
/// Q16: "keep Backup→Restore round-trip exact").
pub fn backup_restore_gives_back_the_backed_up_state(b: &dyn Backend) {
    let c = b.connect();
    populate(&*c);
    let saved = snapshot(&*c);
    let backup = ok(c.backup(), "backup");
    assert!(!backup.is_empty());
    mutate(&*c);
    assert_ne!(snapshot(&*c), saved);
    ok(c.restore(&backup), "restore");
    assert_same_state(&snapshot(&*c), &saved, "after restore");
    assert_same_state(
        &snapshot(&*b.connect()),
        &saved,
        "another connection sees the restored state",
    );
    expect_code(
        c.interface_get_handle("Later-1"),
        WinError::ERROR_NO_SUCH_INTERFACE,
        "created after the backup",
    );
    let a = ok(c.interface_get_handle("Branch-A"), "Branch-A is back");
    let it = ok(
        c.if_transport_get_handle(&a, pid::IP),
        "its IP transport is back",
    );
    assert_eq!(
        ok(c.if_transport_get_info(&it), "blob"),
        Some(interface_info_b())
    );
}

/// A backup taken after a restore is byte-identical to the backup restored (spec Q16), and a
/// backup changes nothing.
pub fn backup_after_restore_is_identical(b: &dyn Backend) {
    let c = b.connect();
    populate(&*c);
    let first = ok(c.backup(), "backup");
    assert_eq!(
        ok(c.backup(), "backup again"),
        first,
        "two backups of the same state differ"
    );
    mutate(&*c);
    ok(c.restore(&first), "restore");
    assert_eq!(ok(c.backup(), "backup after restore"), first);
    assert_eq!(
        ok(b.connect().backup(), "backup on another connection"),
        first
    );
}

/// Restoring an older backup (of the fresh configuration) drops everything created since and
/// gives back the fresh state (spec §4.1.10).
pub fn restore_backup_of_another_configuration(b: &dyn Backend) {
    let c = b.connect();
    let fresh = snapshot(&*c);
    let fresh_backup = ok(c.backup(), "backup of the fresh configuration");
    populate(&*c);
    let populated_backup = ok(c.backup(), "backup of the populated configuration");
    let populated = snapshot(&*c);
    ok(c.restore(&fresh_backup), "restore the fresh backup");
    assert_same_state(&snapshot(&*c), &fresh, "after restoring the fresh backup");
    for name in ["Branch-A", "Home-B", "Tunnel-C"] {
        expect_code(
            c.interface_get_handle(name),
            WinError::ERROR_NO_SUCH_INTERFACE,
            name,
        );
    }
    expect_code(
        c.transport_get_handle(pid::IPX),
        WinError::ERROR_UNKNOWN_PROTOCOL_ID,
        "IPX",
    );
    ok(c.restore(&populated_backup), "restore the populated backup");
    assert_same_state(
        &snapshot(&*c),
        &populated,
        "after restoring the populated backup",
    );
}

/// Restore reads the backup as text: UTF-16LE with a byte-order mark (the `.reg` form of
/// `docs/design.md`), or UTF-8.
fn backup_text(bytes: &[u8]) -> (String, bool) {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        (
            String::from_utf16(&units).expect("backup is valid UTF-16"),
            true,
        )
    } else {
        (
            String::from_utf8(bytes.to_vec()).expect("backup is valid UTF-8"),
            false,
        )
    }
}

fn backup_bytes(text: &str, utf16: bool) -> Vec<u8> {
    if utf16 {
        let mut out = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            out.extend_from_slice(&u.to_le_bytes());
        }
        out
    } else {
        text.as_bytes().to_vec()
    }
}

/// Asserts that restoring `bad` fails with 13 or 87 and changes nothing.
#[track_caller]
fn refused(c: &dyn RouterConfig, what: &str, bad: &[u8], saved: &Snapshot, backup: &[u8]) {
    match c.restore(bad) {
        Ok(()) => panic!("restore of {what}: expected an error, got success"),
        Err(e) => assert!(
            e.code == WinError::ERROR_INVALID_DATA || e.code == WinError::ERROR_INVALID_PARAMETER,
            "restore of {what}: expected ERROR_INVALID_DATA or ERROR_INVALID_PARAMETER, got {e}"
        ),
    }
    assert_same_state(
        &snapshot(c),
        saved,
        &format!("restore of {what} changed the configuration"),
    );
    assert_eq!(
        ok(c.backup(), "backup"),
        backup,
        "restore of {what} changed the stored tree"
    );
}

/// Restoring garbage, an empty or key-less file, a file of foreign keys, or a well-formed backup
/// whose content is invalid (interface without a name or with a duplicate name, a Type that is
/// not a number, a malformed blob) is an error (13/87) and
/// changes nothing: restore validates completely before it replaces anything (`RouterConfig::restore`).
pub fn restore_garbage_changes_nothing(b: &dyn Backend) {
    let c = b.connect();
    populate(&*c);
    let saved = snapshot(&*c);
    let backup = ok(c.backup(), "backup");
    let (text, utf16) = backup_text(&backup);
    let header = "Windows Registry Editor Version 5.00\r\n\r\n";
    let foreign = format!(
        "{header}[HKEY_LOCAL_MACHINE\\SOFTWARE\\Elsewhere]\r\n\"Value\"=dword:00000001\r\n\r\n"
    );
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("nothing", Vec::new()),
        ("random bytes", pseudo_random_bytes(1, 1000)),
        (
            "random bytes after a BOM",
            [&[0xFF, 0xFE][..], &pseudo_random_bytes(2, 4096)].concat(),
        ),
        ("a header without keys (UTF-16)", backup_bytes(header, true)),
        ("a header without keys (UTF-8)", backup_bytes(header, false)),
        ("only a foreign key", backup_bytes(&foreign, utf16)),
        (
            "the backup plus a foreign key",
            backup_bytes(&format!("{text}{}", &foreign[header.len()..]), utf16),
        ),
    ];
    for (what, bad) in &cases {
        refused(&*c, what, bad, &saved, &backup);
    }
    let edits = [
        (
            "an interface without InterfaceName",
            "\"InterfaceName\"=",
            "\"InterfaceNamf\"=",
        ),
        (
            "an InterfaceInfo blob of version 2",
            "\"InterfaceInfo\"=hex:01,",
            "\"InterfaceInfo\"=hex:02,",
        ),
        (
            "a GlobalInfo blob of version 2",
            "\"GlobalInfo\"=hex:01,",
            "\"GlobalInfo\"=hex:02,",
        ),
        (
            "two interfaces with one name",
            "\"InterfaceName\"=\"Home-B\"",
            "\"InterfaceName\"=\"BRANCH-A\"",
        ),
        (
            "an interface Type that is a string",
            "\"Type\"=dword:",
            "\"Type\"=\"dword:",
        ),
    ];
    for (what, from, to) in edits {
        assert!(text.contains(from), "the backup has no {from:?} to edit");
        refused(
            &*c,
            what,
            &backup_bytes(&text.replacen(from, to, 1), utf16),
            &saved,
            &backup,
        );
    }
}

/// Restoring a truncated backup (cut inside a key line, inside a string, at an odd byte, to the
/// byte-order mark) is an error (13/87) and changes nothing.
pub fn restore_truncated_backup_changes_nothing(b: &dyn Backend) {
    let c = b.connect();
    populate(&*c);
    let backup = ok(c.backup(), "backup");
    mutate(&*c); // so that the stored state differs from the backup being mangled
    let saved = snapshot(&*c);
    let current = ok(c.backup(), "backup of the current state");
    let (text, utf16) = backup_text(&backup);
    let cut_after = |pattern: &str, extra: usize| -> Vec<u8> {
        let at = text
            .rfind(pattern)
            .unwrap_or_else(|| panic!("the backup has no {pattern:?}"));
        let end = text[at..]
            .char_indices()
            .nth(pattern.chars().count() + extra)
            .map(|(i, _)| at + i)
            .expect("room to cut");
        backup_bytes(&text[..end], utf16)
    };
    let mut cases: Vec<(String, Vec<u8>)> = vec![
        (
            "inside a key line".into(),
            cut_after("[HKEY_LOCAL_MACHINE\\", 12),
        ),
        (
            "inside an interface name".into(),
            cut_after("\"InterfaceName\"=\"", 3),
        ),
        ("one byte short".into(), backup[..backup.len() - 1].to_vec()),
        ("to the first two bytes".into(), backup[..2].to_vec()),
    ];
    let half = (backup.len() / 2) | 1;
    cases.push((format!("to {half} bytes (odd)"), backup[..half].to_vec()));
    for (what, bad) in &cases {
        refused(&*c, what, bad, &saved, &current);
    }
}

/// Refresh succeeds and keeps the handles of objects that still exist valid; objects deleted
/// by another connection are reported gone afterwards (spec Q1, §4.1.3).
pub fn refresh_keeps_valid_handles(b: &dyn Backend) {
    let c = b.connect();
    ok(c.refresh(), "refresh of an untouched connection");
    let keep = create_router(&*c, "Kept");
    let keep_ip = ok(
        c.if_transport_add(&keep, pid::IP, None, Some(&interface_info_c())),
        "Kept IP",
    );
    let gone = create_router(&*c, "Gone");
    let gone_ip = ok(
        c.if_transport_add(&gone, pid::IP, None, Some(&interface_info_b())),
        "Gone IP",
    );
    let ipx = ok(
        c.transport_create(pid::IPX, None, Some(&global_info_a()), None, None),
        "IPX",
    );
    ok(c.refresh(), "refresh");
    assert_eq!(
        ok(c.interface_get_info(&keep), "Kept after refresh").name,
        "Kept"
    );
    assert_eq!(
        ok(c.if_transport_get_info(&keep_ip), "Kept IP after refresh"),
        Some(interface_info_c())
    );
    assert_eq!(
        ok(c.transport_get_info(&ipx), "IPX after refresh").global_info,
        Some(global_info_a())
    );

    let other = b.connect();
    ok(other.interface_delete(&gone), "delete Gone elsewhere");
    ok(c.refresh(), "refresh after another connection's delete");
    expect_code(
        c.interface_get_info(&gone),
        WinError::ERROR_NO_SUCH_INTERFACE,
        "Gone after refresh",
    );
    expect_code(
        c.if_transport_get_info(&gone_ip),
        WinError::ERROR_NO_SUCH_INTERFACE,
        "Gone IP after refresh",
    );
    assert_eq!(ok(c.interface_get_info(&keep), "Kept still").name, "Kept");
    assert_eq!(
        ok(c.interface_get_handle("kept"), "get_handle after refresh"),
        keep
    );
    ok(c.refresh(), "refresh twice");
    ok(c.refresh(), "refresh three times");
    assert_eq!(
        ok(c.if_transport_get_info(&keep_ip), "Kept IP still"),
        Some(interface_info_c())
    );
}
