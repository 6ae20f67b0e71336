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

// ---- GUID name forms (docs/design.md §5 "GUID name forms") --------------------------------------

/// The spellings of one GUID name that Windows programs pass to `MprConfigGetFriendlyName`:
/// `{GUID}` (the registry, `IP_ADAPTER_INDEX_MAP.Name` on Vista and later) in either case, and
/// `\DEVICE\TCPIP_{GUID}` (`GetInterfaceInfo`, `GetAdapterIndex`, `MIB_IFROW.wszName`) with the
/// prefix in any ASCII case.
pub fn guid_name_forms(guid: &str) -> Vec<String> {
    let lower = guid.to_ascii_lowercase();
    vec![
        guid.to_string(),
        lower.clone(),
        format!(r"\DEVICE\TCPIP_{guid}"),
        format!(r"\Device\Tcpip_{guid}"),
        format!(r"\device\tcpip_{lower}"),
        format!(r"\DEVICE\tcpip_{lower}"),
    ]
}

/// Text around or inside a GUID name that no Windows API produces (spaces, missing or doubled
/// braces, a repeated, bare or misspelt prefix, other device prefixes, trailing text, wrong
/// lengths, non-hex digits, an embedded NUL): none of them is a GUID name.
pub fn guid_name_garbage(guid: &str) -> Vec<String> {
    let bare = &guid[1..guid.len() - 1];
    let p = r"\DEVICE\TCPIP_";
    vec![
        format!(" {guid}"),
        format!("{guid} "),
        format!("{p} {guid}"),
        format!(" {p}{guid}"),
        format!("{p}{guid} "),
        bare.to_string(),
        format!("{p}{bare}"),
        format!("{{{bare}"),
        format!("{bare}}}"),
        format!("{{{guid}}}"),
        format!("{p}{p}{guid}"),
        p.to_string(),
        format!("{p}{{"),
        format!(r"\DEVICE\TCPIP{guid}"),
        format!(r"DEVICE\TCPIP_{guid}"),
        format!(r"\\DEVICE\\TCPIP_{guid}"),
        format!("/DEVICE/TCPIP_{guid}"),
        format!(r"\Device\NPF_{guid}"),
        format!("\\DEV\u{130}CE\\TCPIP_{guid}"),
        format!("{guid}x"),
        format!(r"{guid}\Connection"),
        format!("{p}{guid}x"),
        format!("{{{}}}", &bare[1..]),
        format!("{{0{bare}}}"),
        format!("{{{}}}", bare.replace('-', "")),
        format!("{{G{}}}", &bare[1..]),
        format!("{{\u{ff10}{}}}", &bare[1..]),
        format!("{guid}\0"),
        format!("{p}\0{guid}"),
    ]
}

/// `MprConfigGetFriendlyName` maps every form of an installed link's GUID name to the link's
/// name; `MprConfigGetGuidName` of that name is the `{GUID}` form, exactly as installed.
pub fn names_every_guid_form_translates_to_the_link_name(b: &dyn Backend) {
    let c = b.connect();
    for link in test_links() {
        for form in guid_name_forms(&link.guid) {
            assert_eq!(
                ok(
                    c.get_friendly_name(&form),
                    &format!("friendly name of {form:?}")
                ),
                link.name,
                "{form:?}"
            );
        }
        assert_eq!(
            ok(
                c.get_guid_name(&link.name),
                &format!("GUID name of {}", link.name)
            ),
            link.guid
        );
    }
}

/// Garbage around a GUID name is not repaired or trimmed: it is an unknown name, 1168 (spec
/// §4.6), never 87 (Windows documents 87 only for NULL arguments, and any such text could be a
/// demand-dial interface's name). `MprConfigGetGuidName` takes a friendly name, so no GUID form
/// is one.
pub fn names_garbage_around_guid_names_is_1168(b: &dyn Backend) {
    let c = b.connect();
    let eth0 = link_guid("eth0");
    for form in guid_name_garbage(&eth0) {
        expect_code(
            c.get_friendly_name(&form),
            WinError::ERROR_NOT_FOUND,
            &format!("friendly name of {form:?}"),
        );
    }
    for form in guid_name_forms(&eth0) {
        expect_code(
            c.get_guid_name(&form),
            WinError::ERROR_NOT_FOUND,
            &format!("GUID name of {form:?}"),
        );
    }
}

/// A configured interface whose name only looks like a GUID name is its own friendly and GUID
/// name (spec Q23 holds for every name that is not `{GUID}`); a `\DEVICE\TCPIP_{GUID}` of an
/// installed link still gives the link's name first.
pub fn names_guid_like_interface_names_follow_q23(b: &dyn Backend) {
    let c = b.connect();
    let eth0 = link_guid("eth0");
    for name in [
        format!(" {eth0}"),
        format!(r"\Device\NPF_{eth0}"),
        r"\DEVICE\TCPIP_".to_string(),
        r"\DEVICE\TCPIP_{12345678-9ABC-DEF0-1234-56789ABCDEF0}".to_string(),
    ] {
        ok(
            c.interface_create(&iface(&name, InterfaceType::FULL_ROUTER)),
            &format!("create {name:?}"),
        );
        assert_eq!(
            ok(
                c.get_friendly_name(&name),
                &format!("friendly name of {name:?}")
            ),
            name
        );
        assert_eq!(
            ok(c.get_guid_name(&name), &format!("GUID name of {name:?}")),
            name
        );
    }
    let spelt_like_eth0 = format!(r"\DEVICE\TCPIP_{eth0}");
    ok(
        c.interface_create(&iface(&spelt_like_eth0, InterfaceType::FULL_ROUTER)),
        "create an interface spelt like eth0's device name",
    );
    assert_eq!(
        ok(c.get_friendly_name(&spelt_like_eth0), "friendly name"),
        "eth0"
    );
}
