//! Name translation: `MprConfigGetFriendlyName` / `MprConfigGetGuidName` (spec §4.6, Q23).

use mprconfig_core::{InterfaceType, WinError};

use crate::support::*;
use crate::{Backend, test_links};

/// Every installed link's GUID name translates to its link name and back (spec §4.6; install
/// writes the friendly-name mapping of the links).
pub fn names_translate_installed_links(b: &dyn Backend) {
    let c = b.connect();
    for link in test_links() {
        assert_eq!(
            ok(
                c.get_friendly_name(&link.guid),
                &format!("friendly name of {}", link.name)
            ),
            link.name
        );
        assert_eq!(
            ok(
                c.get_guid_name(&link.name),
                &format!("GUID name of {}", link.name)
            ),
            link.guid
        );
    }
}

/// GUID names are compared case-insensitively (spec Q7: "(and GUID names)").
pub fn names_guid_lookup_is_case_insensitive(b: &dyn Backend) {
    let c = b.connect();
    let guid = link_guid("eth0");
    assert_eq!(
        ok(c.get_friendly_name(&guid.to_lowercase()), "lower-case GUID"),
        "eth0"
    );
}

/// Unknown names are `ERROR_NOT_FOUND` (1168) both ways (spec §4.6).
pub fn names_unknown_are_1168(b: &dyn Backend) {
    let c = b.connect();
    for guid in [
        "{00000000-0000-0000-0000-000000000000}",
        "{12345678-9ABC-DEF0-1234-56789ABCDEF0}",
        "nonsense",
        "eth0",
    ] {
        expect_code(
            c.get_friendly_name(guid),
            WinError::ERROR_NOT_FOUND,
            &format!("friendly name of {guid:?}"),
        );
    }
    for name in ["eth9", "no such link", "Demand-Dial-Missing"] {
        expect_code(
            c.get_guid_name(name),
            WinError::ERROR_NOT_FOUND,
            &format!("GUID name of {name:?}"),
        );
    }
}

/// A configured interface whose name is not a GUID (demand-dial, Internal) is its own friendly
/// and GUID name: the input comes back unchanged; once it is deleted, 1168 (spec Q23).
pub fn names_demand_dial_interfaces_map_to_themselves(b: &dyn Backend) {
    let c = b.connect();
    let id = ok(
        c.interface_create(&iface("Branch-Office", InterfaceType::FULL_ROUTER)),
        "create",
    );
    for name in ["Branch-Office", "branch-office", "Internal"] {
        assert_eq!(
            ok(
                c.get_friendly_name(name),
                &format!("friendly name of {name:?}")
            ),
            name
        );
        assert_eq!(
            ok(c.get_guid_name(name), &format!("GUID name of {name:?}")),
            name
        );
    }
    ok(c.interface_delete(&id), "delete");
    expect_code(
        c.get_friendly_name("Branch-Office"),
        WinError::ERROR_NOT_FOUND,
        "friendly name after delete",
    );
    expect_code(
        c.get_guid_name("Branch-Office"),
        WinError::ERROR_NOT_FOUND,
        "GUID name after delete",
    );
}
