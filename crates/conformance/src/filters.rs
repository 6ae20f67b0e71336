//! Static filter enablement per transport: `MprConfigFilterGetInfo/SetInfo` (spec §4.5).

use mprconfig_core::{WinError, pid};

use crate::Backend;
use crate::blobs::global_info_a;
use crate::support::*;

/// `MPR_FILTER_0.fEnable` is stored per transport: set on Ip and Ipv6 independently, read back,
/// seen by another connection (spec §4.5).
pub fn filter_set_get_per_transport(b: &dyn Backend) {
    let c = b.connect();
    for (ip, v6) in [(true, false), (false, true), (true, true), (false, false)] {
        ok(c.filter_set_info(pid::IP, ip), "set IP");
        ok(c.filter_set_info(pid::IPV6, v6), "set IPv6");
        assert_eq!(ok(c.filter_get_info(pid::IP), "get IP"), ip);
        assert_eq!(ok(c.filter_get_info(pid::IPV6), "get IPv6"), v6);
        let other = b.connect();
        assert_eq!(
            (
                ok(other.filter_get_info(pid::IP), "get IP elsewhere"),
                ok(other.filter_get_info(pid::IPV6), "get IPv6 elsewhere")
            ),
            (ip, v6)
        );
    }
    // Setting the same value twice is fine.
    ok(c.filter_set_info(pid::IP, true), "set IP");
    ok(c.filter_set_info(pid::IP, true), "set IP again");
    assert!(ok(c.filter_get_info(pid::IP), "get IP"));
}

/// Filters of a transport that is not configured are `ERROR_UNKNOWN_PROTOCOL_ID` (902) for get
/// and set, and a refused set creates nothing (spec §1.4).
pub fn filter_unknown_transport_is_902(b: &dyn Backend) {
    let c = b.connect();
    let before = snapshot(&*c);
    for p in [pid::IPX, pid::ATALK, 0, 0xDEAD] {
        expect_code(
            c.filter_get_info(p),
            WinError::ERROR_UNKNOWN_PROTOCOL_ID,
            &format!("get {p:#x}"),
        );
        expect_code(
            c.filter_set_info(p, true),
            WinError::ERROR_UNKNOWN_PROTOCOL_ID,
            &format!("set {p:#x}"),
        );
    }
    assert_same_state(
        &snapshot(&*c),
        &before,
        "refused filter calls changed the configuration",
    );
    // A deleted transport counts as unknown.
    ok(
        c.transport_delete(&ok(c.transport_get_handle(pid::IPV6), "IPv6")),
        "delete IPv6",
    );
    expect_code(
        c.filter_get_info(pid::IPV6),
        WinError::ERROR_UNKNOWN_PROTOCOL_ID,
        "get deleted IPv6",
    );
    expect_code(
        c.filter_set_info(pid::IPV6, true),
        WinError::ERROR_UNKNOWN_PROTOCOL_ID,
        "set deleted IPv6",
    );
}

/// Filters work on a transport created through the API, with or without global info (spec
/// §4.5, §4.4.1).
pub fn filter_works_on_a_created_transport(b: &dyn Backend) {
    let c = b.connect();
    ok(
        c.transport_create(pid::IPX, None, Some(&global_info_a()), None, None),
        "create IPX",
    );
    ok(
        c.transport_create(0x4003, None, None, None, None),
        "create a bare transport",
    );
    for p in [pid::IPX, 0x4003] {
        for v in [true, false, true] {
            ok(c.filter_set_info(p, v), &format!("set {p:#x}"));
            assert_eq!(ok(c.filter_get_info(p), &format!("get {p:#x}")), v);
        }
    }
    assert!(ok(c.filter_get_info(pid::IPX), "IPX") && ok(c.filter_get_info(0x4003), "bare"));
}
