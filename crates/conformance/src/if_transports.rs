//! Interface-transports: `MprConfigInterfaceTransportAdd/Remove/GetHandle/GetInfo/SetInfo`
//! (spec §4.3).

use mprconfig_core::{IfTransportId, RouterConfig, WinError, pid};

use crate::Backend;
use crate::blobs::*;
use crate::support::*;

fn names_of(c: &dyn RouterConfig, id: &mprconfig_core::InterfaceId) -> Vec<(u32, String)> {
    let mut v: Vec<(u32, String)> = ok(c.if_transport_enum(id, 0, ALL), "if_transport_enum")
        .entries
        .into_iter()
        .map(|e| (e.id.protocol_id, e.name))
        .collect();
    v.sort();
    v
}

#[track_caller]
fn blob_of(c: &dyn RouterConfig, id: &IfTransportId) -> Option<Vec<u8>> {
    ok(c.if_transport_get_info(id), "if_transport_get_info")
}

/// Without a name, an interface-transport is named "IP", "IPX", "IPv6" for 0x21, 0x2B, 0x57 and
/// by its decimal id otherwise (spec §4.3.1, Q18).
pub fn if_transport_add_default_names(b: &dyn Backend) {
    let c = b.connect();
    let id = create_router(&*c, "Default-Names");
    for p in [pid::IP, pid::IPX, pid::IPV6, pid::ATALK, 1234, 0x0001_0000] {
        ok(
            c.if_transport_add(&id, p, None, Some(&interface_info_c())),
            &format!("add {p:#x}"),
        );
    }
    let mut expected = vec![
        (pid::IP, "IP".to_string()),
        (pid::IPX, "IPX".to_string()),
        (pid::IPV6, "IPv6".to_string()),
        (pid::ATALK, "41".to_string()),
        (1234, "1234".to_string()),
        (0x0001_0000, "65536".to_string()),
    ];
    expected.sort();
    assert_eq!(names_of(&*c, &id), expected);
}

/// An explicit name is kept as given (spec §4.3.1).
pub fn if_transport_add_explicit_name(b: &dyn Backend) {
    let c = b.connect();
    let id = create_router(&*c, "Explicit-Name");
    ok(
        c.if_transport_add(&id, pid::IP, Some("MyIpConfig"), Some(&interface_info_c())),
        "add",
    );
    assert_eq!(
        names_of(&*c, &id),
        vec![(pid::IP, "MyIpConfig".to_string())]
    );
}

/// A name longer than 40 characters is truncated to the 40 that `WCHAR[41]` holds (spec §3.1
/// `MAX_TRANSPORT_NAME_LEN`, Q18).
pub fn if_transport_long_name_is_truncated_to_40(b: &dyn Backend) {
    let c = b.connect();
    let id = create_router(&*c, "Long-Transport-Name");
    let long: String = ('a'..='z').chain('A'..='Z').collect(); // 52 characters
    ok(
        c.if_transport_add(&id, 0x4000, Some(&long), Some(&interface_info_c())),
        "add",
    );
    assert_eq!(names_of(&*c, &id), vec![(0x4000, long[..40].to_string())]);
}

/// The stored blob comes back byte-identical: the published samples B (exact Size, four
/// blocks), C (generous Size, an empty block), D (filter) and A (spec §3.4, DESIGN §4.7).
pub fn if_transport_get_info_is_byte_identical(b: &dyn Backend) {
    let c = b.connect();
    let id = create_router(&*c, "Byte-Identical");
    let samples = [
        (pid::IP, interface_info_b()),
        (pid::IPV6, interface_info_c()),
        (pid::IPX, interface_info_d()),
        (7, global_info_a()),
    ];
    let mut handles = Vec::new();
    for (p, blob) in &samples {
        handles.push(ok(
            c.if_transport_add(&id, *p, None, Some(blob)),
            &format!("add {p:#x}"),
        ));
    }
    for ((p, blob), h) in samples.iter().zip(&handles) {
        assert_eq!(h.protocol_id, *p);
        assert_eq!(
            blob_of(&*c, h).as_deref(),
            Some(blob.as_slice()),
            "blob of {p:#x} through the add handle"
        );
        let again = ok(c.if_transport_get_handle(&id, *p), "get_handle");
        assert_eq!(
            blob_of(&*c, &again).as_deref(),
            Some(blob.as_slice()),
            "blob of {p:#x} through get_handle"
        );
    }
    // Through another connection as well.
    let other = b.connect();
    for ((p, blob), h) in samples.iter().zip(&handles) {
        assert_eq!(
            blob_of(&*other, h).as_deref(),
            Some(blob.as_slice()),
            "blob of {p:#x} on another connection"
        );
    }
}

/// Adding a transport the interface already has updates its blob and returns a working handle;
/// it does not fail and does not duplicate the entry (spec §4.3.1).
pub fn if_transport_add_again_updates_the_blob(b: &dyn Backend) {
    let c = b.connect();
    let id = create_router(&*c, "Add-Again");
    let first = ok(
        c.if_transport_add(&id, pid::IP, None, Some(&interface_info_b())),
        "first add",
    );
    let second = ok(
        c.if_transport_add(&id, pid::IP, None, Some(&interface_info_c())),
        "second add",
    );
    assert_eq!(blob_of(&*c, &second), Some(interface_info_c()));
    assert_eq!(
        blob_of(&*c, &first),
        Some(interface_info_c()),
        "the first handle sees the update"
    );
    assert_eq!(names_of(&*c, &id), vec![(pid::IP, "IP".to_string())]);
}

/// Get-handle of a transport the interface does not have is `ERROR_NO_SUCH_INTERFACE` (905, not
/// 902: spec §4.3.4), even when the transport exists globally or on another interface.
pub fn if_transport_get_handle_missing_is_905(b: &dyn Backend) {
    let c = b.connect();
    let id = create_router(&*c, "Missing-Transport");
    ok(
        c.if_transport_add(&id, pid::IP, None, Some(&interface_info_c())),
        "add IP",
    );
    let other = create_router(&*c, "Other-Interface");
    ok(
        c.if_transport_add(&other, pid::IPX, None, Some(&interface_info_c())),
        "add IPX elsewhere",
    );
    for p in [pid::IPV6, pid::IPX, 0, 0xDEAD] {
        expect_code(
            c.if_transport_get_handle(&id, p),
            WinError::ERROR_NO_SUCH_INTERFACE,
            &format!("transport {p:#x}"),
        );
    }
    ok(c.if_transport_get_handle(&id, pid::IP), "present one");
}

/// Set-info replaces the blob whole, byte-identical, visible through every handle (spec §4.3.6).
pub fn if_transport_set_info_replaces_the_blob(b: &dyn Backend) {
    let c = b.connect();
    let id = create_router(&*c, "Set-Info");
    let h = ok(
        c.if_transport_add(&id, pid::IP, None, Some(&interface_info_b())),
        "add",
    );
    ok(c.if_transport_set_info(&h, &interface_info_c()), "set C");
    assert_eq!(blob_of(&*c, &h), Some(interface_info_c()));
    ok(c.if_transport_set_info(&h, &interface_info_d()), "set D");
    let again = ok(c.if_transport_get_handle(&id, pid::IP), "get_handle");
    assert_eq!(blob_of(&*c, &again), Some(interface_info_d()));
    // A transport added without a blob gets one by set-info.
    let bare = ok(
        c.if_transport_add(&id, pid::IPV6, None, None),
        "add without blob",
    );
    ok(c.if_transport_set_info(&bare, &interface_info_b()), "set B");
    assert_eq!(blob_of(&*c, &bare), Some(interface_info_b()));
}

/// Remove deletes the interface-transport: its handle then gives 905 on every operation, the
/// enumeration no longer lists it, the interface's other transports stay (spec §4.3.2, §1.4).
pub fn if_transport_remove_then_handle_is_905(b: &dyn Backend) {
    let c = b.connect();
    let id = create_router(&*c, "Remove");
    let ip = ok(
        c.if_transport_add(&id, pid::IP, None, Some(&interface_info_b())),
        "add IP",
    );
    let v6 = ok(
        c.if_transport_add(&id, pid::IPV6, None, Some(&interface_info_c())),
        "add IPv6",
    );
    ok(c.if_transport_remove(&ip), "remove IP");
    let nsi = WinError::ERROR_NO_SUCH_INTERFACE;
    expect_code(
        c.if_transport_get_handle(&id, pid::IP),
        nsi,
        "get_handle after remove",
    );
    expect_code(c.if_transport_get_info(&ip), nsi, "get_info after remove");
    expect_code(
        c.if_transport_set_info(&ip, &interface_info_c()),
        nsi,
        "set_info after remove",
    );
    expect_code(c.if_transport_remove(&ip), nsi, "remove again");
    assert_eq!(names_of(&*c, &id), vec![(pid::IPV6, "IPv6".to_string())]);
    assert_eq!(blob_of(&*c, &v6), Some(interface_info_c()));
    ok(c.interface_get_info(&id), "the interface stays");
    // It can be added again.
    let back = ok(
        c.if_transport_add(&id, pid::IP, None, Some(&interface_info_d())),
        "add IP again",
    );
    assert_eq!(blob_of(&*c, &back), Some(interface_info_d()));
}

/// A malformed information header on add is `ERROR_INVALID_PARAMETER` and nothing is added
/// (spec Q19; DESIGN §4.7).
pub fn if_transport_malformed_blob_on_add_is_87(b: &dyn Backend) {
    let c = b.connect();
    let id = create_router(&*c, "Malformed-Add");
    let existing = ok(
        c.if_transport_add(&id, pid::IPV6, None, Some(&interface_info_b())),
        "add IPv6",
    );
    for (what, blob) in malformed() {
        expect_code(
            c.if_transport_add(&id, pid::IP, None, Some(&blob)),
            WinError::ERROR_INVALID_PARAMETER,
            what,
        );
        expect_code(
            c.if_transport_get_handle(&id, pid::IP),
            WinError::ERROR_NO_SUCH_INTERFACE,
            &format!("{what}: refused add left a transport"),
        );
        // Add-again with a bad blob must not damage the existing one either.
        expect_code(
            c.if_transport_add(&id, pid::IPV6, None, Some(&blob)),
            WinError::ERROR_INVALID_PARAMETER,
            what,
        );
        assert_eq!(
            blob_of(&*c, &existing),
            Some(interface_info_b()),
            "{what}: existing blob changed"
        );
    }
}

/// A malformed information header on set-info is `ERROR_INVALID_PARAMETER` and the stored blob
/// stays (spec Q19, §4.3.6).
pub fn if_transport_malformed_blob_on_set_is_87(b: &dyn Backend) {
    let c = b.connect();
    let id = create_router(&*c, "Malformed-Set");
    let h = ok(
        c.if_transport_add(&id, pid::IP, None, Some(&interface_info_b())),
        "add",
    );
    for (what, blob) in malformed() {
        expect_code(
            c.if_transport_set_info(&h, &blob),
            WinError::ERROR_INVALID_PARAMETER,
            what,
        );
        assert_eq!(
            blob_of(&*c, &h),
            Some(interface_info_b()),
            "{what}: blob changed"
        );
    }
}

/// Adding without a blob is allowed and stores none; get-info then returns `None` (spec Q19,
/// Q22: NULL + size 0 with `NO_ERROR`).
pub fn if_transport_add_without_blob_reads_none(b: &dyn Backend) {
    let c = b.connect();
    let id = create_router(&*c, "No-Blob");
    let h = ok(
        c.if_transport_add(&id, pid::IP, None, None),
        "add without blob",
    );
    assert_eq!(blob_of(&*c, &h), None);
    assert_eq!(names_of(&*c, &id), vec![(pid::IP, "IP".to_string())]);
}

/// Interface-transports do not depend on the global transport: one can be added for an id that
/// has no `RouterManagers` entry (spec §4.3.1 lists no such error; Q21 keeps them independent).
pub fn if_transport_does_not_need_a_global_transport(b: &dyn Backend) {
    let c = b.connect();
    expect_code(
        c.transport_get_handle(pid::IPX),
        WinError::ERROR_UNKNOWN_PROTOCOL_ID,
        "IPX is not installed",
    );
    let id = create_router(&*c, "No-Global");
    let h = ok(
        c.if_transport_add(&id, pid::IPX, None, Some(&interface_info_c())),
        "add IPX",
    );
    assert_eq!(blob_of(&*c, &h), Some(interface_info_c()));
    expect_code(
        c.transport_get_handle(pid::IPX),
        WinError::ERROR_UNKNOWN_PROTOCOL_ID,
        "adding did not create a transport",
    );
}

/// Interface-transports belong to one interface: adding, changing and removing on one interface
/// leaves the same transport of another interface alone.
pub fn if_transport_belongs_to_one_interface(b: &dyn Backend) {
    let c = b.connect();
    let a = create_router(&*c, "Iface-A");
    let z = create_router(&*c, "Iface-Z");
    let ha = ok(
        c.if_transport_add(&a, pid::IP, None, Some(&interface_info_b())),
        "add on A",
    );
    let hz = ok(
        c.if_transport_add(&z, pid::IP, None, Some(&interface_info_c())),
        "add on Z",
    );
    assert_ne!(ha, hz);
    ok(
        c.if_transport_set_info(&ha, &interface_info_d()),
        "set on A",
    );
    assert_eq!(blob_of(&*c, &hz), Some(interface_info_c()));
    ok(c.if_transport_remove(&ha), "remove on A");
    assert_eq!(blob_of(&*c, &hz), Some(interface_info_c()));
    assert_eq!(names_of(&*c, &z), vec![(pid::IP, "IP".to_string())]);
    // The installed LAN interfaces are untouched by all this.
    let lan = ok(c.interface_get_handle(&link_guid("eth0")), "eth0");
    let before = names_of(&*c, &lan);
    ok(
        c.if_transport_add(&z, pid::IPV6, None, None),
        "add IPv6 on Z",
    );
    assert_eq!(names_of(&*c, &lan), before);
}

/// Interface-transport handles made by one connection work on another (spec §1.4; DESIGN §2).
pub fn if_transport_handles_work_across_connections(b: &dyn Backend) {
    let a = b.connect();
    let other = b.connect();
    let id = create_router(&*a, "Shared-Transports");
    let h = ok(
        a.if_transport_add(&id, pid::IP, None, Some(&interface_info_b())),
        "add",
    );
    assert_eq!(
        ok(other.if_transport_get_info(&h), "get_info elsewhere"),
        Some(interface_info_b())
    );
    ok(
        other.if_transport_set_info(&h, &interface_info_c()),
        "set_info elsewhere",
    );
    assert_eq!(blob_of(&*a, &h), Some(interface_info_c()));
    ok(other.if_transport_remove(&h), "remove elsewhere");
    expect_code(
        a.if_transport_get_info(&h),
        WinError::ERROR_NO_SUCH_INTERFACE,
        "removed",
    );
}

/// Interface-transports are identified by protocol id, not by name: adding one whose name is
/// another transport's name (in any case) never replaces or changes that transport; it either
/// succeeds with both intact or is refused with the other intact (spec §4.3.1, registry-layout
/// §0.7 "identify transports by the ProtocolId value").
pub fn if_transport_name_clash_never_touches_another_transport(b: &dyn Backend) {
    let c = b.connect();
    let id = create_router(&*c, "Name-Clash");
    let v6 = ok(
        c.if_transport_add(&id, pid::IPV6, None, Some(&interface_info_b())),
        "add IPv6",
    );
    for (p, name) in [(pid::IP, "IPv6"), (pid::IPX, "ipv6")] {
        match c.if_transport_add(&id, p, Some(name), Some(&interface_info_c())) {
            Ok(h) => {
                assert_eq!(h.protocol_id, p);
                assert_eq!(
                    blob_of(&*c, &h),
                    Some(interface_info_c()),
                    "{p:#x} named {name:?}"
                );
            }
            Err(_) => expect_code(
                c.if_transport_get_handle(&id, p),
                WinError::ERROR_NO_SUCH_INTERFACE,
                "refused add",
            ),
        }
        assert_eq!(
            blob_of(&*c, &v6),
            Some(interface_info_b()),
            "IPv6 changed by adding {p:#x} named {name:?}"
        );
        let listed = names_of(&*c, &id);
        assert_eq!(
            listed.iter().filter(|(q, _)| *q == pid::IPV6).count(),
            1,
            "{listed:?}"
        );
    }
}
