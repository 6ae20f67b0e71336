//! Order of checks: what is wrong with the arguments is reported before whether the object
//! exists (spec Q20: argument checks, then existence 905/902), so a caller with two mistakes
//! gets the same code from every backend.

use mprconfig_core::{
    InterfaceType, MPR_ENABLE_RAS_ON_DEVICE as RAS, PortConfig, ServerInfo, WinError, pid,
};

use crate::Backend;
use crate::blobs::*;
use crate::custom_info::sample_custom_info;
use crate::support::*;

/// On a deleted interface or interface-transport, a bad level, bad dial-out hours, a malformed
/// blob or out-of-range custom values are `ERROR_INVALID_PARAMETER`, not 905 (spec Q20).
pub fn argument_errors_come_before_missing_interface_errors(b: &dyn Backend) {
    let c = b.connect();
    let id = create_router(&*c, "Gone-Soon");
    let it = ok(
        c.if_transport_add(&id, pid::IP, None, Some(&interface_info_c())),
        "add",
    );
    ok(c.interface_delete(&id), "delete");
    let bad_blob = &malformed()[3].1;
    let inval = WinError::ERROR_INVALID_PARAMETER;
    let info = iface("Gone-Soon", InterfaceType::FULL_ROUTER);
    expect_code(
        c.interface_set_info(&id, 9, &info),
        inval,
        "bad level on a deleted interface",
    );
    let mut bad_hours = info.clone();
    bad_hours.dialout_hours = hours(&["9 99:99-00:00"]);
    expect_code(
        c.interface_set_info(&id, 1, &bad_hours),
        inval,
        "bad hours on a deleted interface",
    );
    expect_code(
        c.if_transport_add(&id, pid::IPV6, None, Some(bad_blob)),
        inval,
        "bad blob on a deleted interface",
    );
    expect_code(
        c.if_transport_set_info(&it, bad_blob),
        inval,
        "bad blob on a removed interface-transport",
    );
    let mut bad_custom = sample_custom_info(1);
    bad_custom.ikev2.sa_lifetime = 1;
    expect_code(
        c.interface_set_custom_info(&id, &bad_custom),
        inval,
        "bad custom info on a deleted interface",
    );
}

/// On a deleted transport, a malformed blob is `ERROR_INVALID_PARAMETER`, not 902 (spec Q20);
/// for the server, an unsupported level is reported (50) before bad values (87).
pub fn argument_errors_come_before_missing_transport_errors(b: &dyn Backend) {
    let c = b.connect();
    let id = ok(
        c.transport_create(pid::IPX, None, Some(&global_info_a()), None, None),
        "create",
    );
    ok(c.transport_delete(&id), "delete");
    let bad_blob = &malformed()[3].1;
    expect_code(
        c.transport_set_info(&id, Some(bad_blob), None, None),
        WinError::ERROR_INVALID_PARAMETER,
        "bad blob on a deleted transport",
    );
    let zero = ServerInfo {
        pptp: PortConfig {
            num_ports: 0,
            port_flags: RAS,
        },
        ..ServerInfo::default()
    };
    expect_code(
        c.server_set_info(3, &zero),
        WinError::ERROR_NOT_SUPPORTED,
        "level 3 with zero ports",
    );
}
