//! Transports (router managers): `MprConfigTransportCreate/Delete/GetHandle/GetInfo/SetInfo`
//! (spec §4.4).

use mprconfig_core::{RouterConfig, TransportId, TransportInfo, WinError, pid};

use crate::Backend;
use crate::blobs::*;
use crate::support::*;

const IPX_DLL: &str = r"%SystemRoot%\System32\ipxrtmgr.dll";

#[track_caller]
fn info_of(c: &dyn RouterConfig, id: &TransportId) -> TransportInfo {
    ok(c.transport_get_info(id), "transport_get_info")
}

/// IPX with a default name, blobs A and C and a DLL path: a transport whose every item is set.
fn create_ipx_with_every_item(c: &dyn RouterConfig) -> TransportId {
    ok(
        c.transport_create(
            pid::IPX,
            None,
            Some(&global_info_a()),
            Some(&interface_info_c()),
            Some(IPX_DLL),
        ),
        "create IPX with every item",
    )
}

fn count(c: &dyn RouterConfig) -> usize {
    ok(c.transport_enum(0, ALL), "transport_enum").entries.len()
}

/// Create then get-info returns every item as given: the name, the global info and
/// client-interface info blobs byte-identical, and the DLL path verbatim (not expanded)
/// (spec §4.4.1, §4.4.5).
pub fn transport_create_round_trips_every_item(b: &dyn Backend) {
    let c = b.connect();
    let id = ok(
        c.transport_create(
            pid::IPX,
            Some("IPX"),
            Some(&global_info_a()),
            Some(&interface_info_c()),
            Some(IPX_DLL),
        ),
        "create IPX",
    );
    assert_eq!(id.protocol_id, pid::IPX);
    let expected = TransportInfo {
        name: "IPX".into(),
        global_info: Some(global_info_a()),
        client_interface_info: Some(interface_info_c()),
        dll_path: Some(IPX_DLL.into()),
    };
    assert_eq!(info_of(&*c, &id), expected);
    let h = ok(c.transport_get_handle(pid::IPX), "get_handle");
    assert_eq!(h, id);
    assert_eq!(
        info_of(&*b.connect(), &h),
        expected,
        "another connection reads the same"
    );
}

/// Without a name, a transport is named "IP", "IPX", "IPv6" for 0x21, 0x2B, 0x57 and by its
/// decimal id otherwise (spec §4.4.1, Q18).
pub fn transport_create_default_names(b: &dyn Backend) {
    let c = b.connect();
    for e in ok(c.transport_enum(0, ALL), "enum").entries {
        ok(c.transport_delete(&e.id), "delete installed transport");
    }
    for (p, name) in [
        (pid::IP, "IP"),
        (pid::IPX, "IPX"),
        (pid::IPV6, "IPv6"),
        (pid::NBF, "63"),
        (4242, "4242"),
    ] {
        let id = ok(
            c.transport_create(p, None, Some(&global_info_a()), None, None),
            &format!("create {p:#x}"),
        );
        assert_eq!(info_of(&*c, &id).name, name, "name of {p:#x}");
        let listed = ok(c.transport_enum(0, ALL), "enum")
            .entries
            .into_iter()
            .find(|e| e.id == id)
            .expect("listed");
        assert_eq!(listed.name, name, "enumerated name of {p:#x}");
    }
}

/// A transport name longer than 40 characters is truncated to 40 (spec §3.1
/// `MAX_TRANSPORT_NAME_LEN`, Q18).
pub fn transport_long_name_is_truncated_to_40(b: &dyn Backend) {
    let c = b.connect();
    let long = "0123456789".repeat(5);
    let id = ok(
        c.transport_create(0x4001, Some(&long), Some(&global_info_a()), None, None),
        "create",
    );
    assert_eq!(info_of(&*c, &id).name, long[..40]);
}

/// Creating a transport that exists updates it like set-info (given items replaced, `None`
/// items unchanged), returns its handle, and does not add a second entry (spec §4.4.1).
pub fn transport_create_existing_updates_it(b: &dyn Backend) {
    let c = b.connect();
    let ip = ok(c.transport_get_handle(pid::IP), "installed IP");
    let before = info_of(&*c, &ip);
    let n = count(&*c);
    let id = ok(
        c.transport_create(pid::IP, None, Some(&interface_info_d()), None, None),
        "create existing IP",
    );
    assert_eq!(id, ip);
    let after = info_of(&*c, &id);
    assert_eq!(after.global_info, Some(interface_info_d()));
    assert_eq!(after.client_interface_info, before.client_interface_info);
    assert_eq!(after.dll_path, before.dll_path);
    assert_eq!(
        count(&*c),
        n,
        "create of an existing transport added an entry"
    );

    // Also for a transport created here, with every item given.
    ok(
        c.transport_create(
            pid::IPX,
            Some("IPX"),
            Some(&global_info_a()),
            None,
            Some(IPX_DLL),
        ),
        "create IPX",
    );
    let id = ok(
        c.transport_create(
            pid::IPX,
            None,
            Some(&interface_info_b()),
            Some(&interface_info_c()),
            Some("ipx2.dll"),
        ),
        "create IPX again",
    );
    let got = info_of(&*c, &id);
    assert_eq!(got.global_info, Some(interface_info_b()));
    assert_eq!(got.client_interface_info, Some(interface_info_c()));
    assert_eq!(got.dll_path.as_deref(), Some("ipx2.dll"));
    assert_eq!(count(&*c), n + 1);
}

/// Get-handle of a transport that is not configured is `ERROR_UNKNOWN_PROTOCOL_ID` (902, spec
/// §4.4.4), even when an interface has an interface-transport of that id.
pub fn transport_get_handle_missing_is_902(b: &dyn Backend) {
    let c = b.connect();
    let i = create_router(&*c, "Has-IPX");
    ok(
        c.if_transport_add(&i, pid::IPX, None, Some(&interface_info_c())),
        "IPX on an interface",
    );
    for p in [pid::IPX, pid::ATALK, pid::NBF, 0, 0xDEAD, u32::MAX] {
        expect_code(
            c.transport_get_handle(p),
            WinError::ERROR_UNKNOWN_PROTOCOL_ID,
            &format!("transport {p:#x}"),
        );
    }
    ok(c.transport_get_handle(pid::IP), "IP is installed");
    ok(c.transport_get_handle(pid::IPV6), "IPv6 is installed");
}

/// Set-info applies exactly the given items: each `None` leaves its item unchanged, all `None`
/// changes nothing (spec §4.4.6).
pub fn transport_set_info_none_leaves_items_unchanged(b: &dyn Backend) {
    let c = b.connect();
    let id = create_ipx_with_every_item(&*c);
    let mut expected = info_of(&*c, &id);

    ok(c.transport_set_info(&id, None, None, None), "all None");
    assert_eq!(info_of(&*c, &id), expected);

    ok(
        c.transport_set_info(&id, Some(&interface_info_b()), None, None),
        "global only",
    );
    expected.global_info = Some(interface_info_b());
    assert_eq!(info_of(&*c, &id), expected);

    ok(
        c.transport_set_info(&id, None, Some(&interface_info_d()), None),
        "client only",
    );
    expected.client_interface_info = Some(interface_info_d());
    assert_eq!(info_of(&*c, &id), expected);

    ok(
        c.transport_set_info(&id, None, None, Some("other.dll")),
        "dll only",
    );
    expected.dll_path = Some("other.dll".into());
    assert_eq!(info_of(&*c, &id), expected);

    ok(
        c.transport_set_info(
            &id,
            Some(&global_info_a()),
            Some(&interface_info_c()),
            Some(IPX_DLL),
        ),
        "all three",
    );
    expected.global_info = Some(global_info_a());
    expected.client_interface_info = Some(interface_info_c());
    expected.dll_path = Some(IPX_DLL.into());
    assert_eq!(info_of(&*c, &id), expected);
}

/// After delete the transport handle gives `ERROR_UNKNOWN_PROTOCOL_ID` (902) on get-handle,
/// get-info, set-info and delete (spec §1.4, §4.4.4-4.4.6); the enumeration no longer lists it.
pub fn transport_delete_then_handle_is_902(b: &dyn Backend) {
    let c = b.connect();
    let id = ok(c.transport_get_handle(pid::IPV6), "installed IPv6");
    let n = count(&*c);
    ok(c.transport_delete(&id), "delete");
    let upi = WinError::ERROR_UNKNOWN_PROTOCOL_ID;
    expect_code(c.transport_get_handle(pid::IPV6), upi, "get_handle");
    expect_code(c.transport_get_info(&id), upi, "get_info");
    expect_code(
        c.transport_set_info(&id, Some(&global_info_a()), None, None),
        upi,
        "set_info",
    );
    expect_code(c.transport_delete(&id), upi, "delete again");
    expect_code(
        c.transport_get_handle(pid::IPV6),
        upi,
        "no stale operation recreated it",
    );
    assert_eq!(count(&*c), n - 1);
    ok(c.transport_get_handle(pid::IP), "the other transport stays");
    // Create brings it back, empty of the old items.
    let again = ok(
        c.transport_create(pid::IPV6, None, Some(&interface_info_c()), None, None),
        "create again",
    );
    let got = info_of(&*c, &again);
    assert_eq!(
        (got.global_info, got.client_interface_info),
        (Some(interface_info_c()), None)
    );
}

/// Deleting a transport leaves the interface-transports of that id in place (spec Q21).
pub fn transport_delete_leaves_interface_transports(b: &dyn Backend) {
    let c = b.connect();
    let i = create_router(&*c, "Keeps-IP");
    ok(
        c.if_transport_add(&i, pid::IP, None, Some(&interface_info_b())),
        "add IP on the interface",
    );
    ok(
        c.transport_delete(&ok(c.transport_get_handle(pid::IP), "IP")),
        "delete transport IP",
    );
    let h = ok(
        c.if_transport_get_handle(&i, pid::IP),
        "interface-transport still there",
    );
    assert_eq!(
        ok(c.if_transport_get_info(&h), "get_info"),
        Some(interface_info_b())
    );
}

/// Creating without blobs or DLL path stores none of them; get-info reports `None` for each
/// (spec Q19, Q22).
pub fn transport_create_without_blobs_reads_none(b: &dyn Backend) {
    let c = b.connect();
    let id = ok(
        c.transport_create(0x4002, Some("Bare"), None, None, None),
        "create without items",
    );
    assert_eq!(
        info_of(&*c, &id),
        TransportInfo {
            name: "Bare".into(),
            global_info: None,
            client_interface_info: None,
            dll_path: None
        }
    );
}

/// A malformed global or client-interface blob on create is `ERROR_INVALID_PARAMETER` and no
/// transport is created (spec Q19; DESIGN §4.7).
pub fn transport_malformed_blob_on_create_is_87(b: &dyn Backend) {
    let c = b.connect();
    let n = count(&*c);
    for (what, blob) in malformed() {
        expect_code(
            c.transport_create(pid::IPX, None, Some(&blob), None, None),
            WinError::ERROR_INVALID_PARAMETER,
            &format!("global: {what}"),
        );
        expect_code(
            c.transport_create(
                pid::IPX,
                None,
                Some(&global_info_a()),
                Some(&blob),
                Some(IPX_DLL),
            ),
            WinError::ERROR_INVALID_PARAMETER,
            &format!("client: {what}"),
        );
        expect_code(
            c.transport_get_handle(pid::IPX),
            WinError::ERROR_UNKNOWN_PROTOCOL_ID,
            "refused create left a transport",
        );
    }
    assert_eq!(count(&*c), n);
}

/// A malformed blob on set-info is `ERROR_INVALID_PARAMETER` and the call changes nothing, not
/// even the valid items given with it (one transaction per call: `RouterConfig` contract,
/// DESIGN §2).
pub fn transport_malformed_blob_on_set_is_87_and_changes_nothing(b: &dyn Backend) {
    let c = b.connect();
    let id = create_ipx_with_every_item(&*c);
    let before = info_of(&*c, &id);
    for (what, blob) in malformed() {
        expect_code(
            c.transport_set_info(&id, Some(&blob), None, None),
            WinError::ERROR_INVALID_PARAMETER,
            what,
        );
        expect_code(
            c.transport_set_info(&id, None, Some(&blob), Some("x.dll")),
            WinError::ERROR_INVALID_PARAMETER,
            &format!("client: {what}"),
        );
        expect_code(
            c.transport_set_info(&id, Some(&interface_info_b()), Some(&blob), None),
            WinError::ERROR_INVALID_PARAMETER,
            &format!("valid global, bad client: {what}"),
        );
        assert_eq!(
            info_of(&*c, &id),
            before,
            "{what}: a refused set_info changed the transport"
        );
    }
    // Also existing-transport create (the update path).
    let (_, bad) = &malformed()[3];
    expect_code(
        c.transport_create(pid::IPX, None, Some(&interface_info_b()), Some(bad), None),
        WinError::ERROR_INVALID_PARAMETER,
        "create-update with a bad client blob",
    );
    assert_eq!(info_of(&*c, &id), before);
}

/// Transports are identified by protocol id, not by name: creating one whose name is another
/// transport's name (in any case) never replaces or changes that transport; it either succeeds
/// with both intact or is refused with the other intact (registry-layout §0.7).
pub fn transport_name_clash_never_touches_another_transport(b: &dyn Backend) {
    let c = b.connect();
    let v6 = ok(c.transport_get_handle(pid::IPV6), "installed IPv6");
    let before = info_of(&*c, &v6);
    for (p, name) in [
        (pid::IPX, before.name.clone()),
        (0x4004, before.name.to_uppercase()),
    ] {
        match c.transport_create(p, Some(&name), Some(&interface_info_c()), None, None) {
            Ok(h) => {
                assert_eq!(h.protocol_id, p);
                assert_eq!(
                    info_of(&*c, &h).global_info,
                    Some(interface_info_c()),
                    "{p:#x} named {name:?}"
                );
            }
            Err(_) => expect_code(
                c.transport_get_handle(p),
                WinError::ERROR_UNKNOWN_PROTOCOL_ID,
                "refused create",
            ),
        }
        assert_eq!(
            info_of(&*c, &v6),
            before,
            "IPv6 changed by creating {p:#x} named {name:?}"
        );
    }
}
