//! Interfaces: `MprConfigInterfaceCreate/Delete/GetHandle/GetInfo/SetInfo` (spec §4.2).

use mprconfig_core::{
    ConnectionState, Interface, InterfaceId, InterfaceType, MPR_INTERFACE_ADMIN_DISABLED,
    RouterConfig, WinError, pid,
};

use crate::Backend;
use crate::blobs::interface_info_c;
use crate::support::*;

const TUESDAY_THURSDAY: [&str; 2] = ["2 09:00-12:00 13:00-17:30", "4 09:00-12:00 13:00-17:30"];

#[track_caller]
fn get(c: &dyn RouterConfig, id: &InterfaceId) -> Interface {
    ok(c.interface_get_info(id), &format!("get_info {:?}", id.name))
}

#[track_caller]
fn handle(c: &dyn RouterConfig, name: &str) -> InterfaceId {
    ok(
        c.interface_get_handle(name),
        &format!("get_handle {name:?}"),
    )
}

/// Level-0 create then get-info returns every field: the name with its case, the type, the
/// enabled state, no dial-out hours, and the derived runtime fields of an enabled interface
/// (spec §4.2.1, §4.2.5; Q13: DISCONNECTED, no unreachability reasons, last error 0).
pub fn interface_create_level0_round_trips_every_field(b: &dyn Backend) {
    let c = b.connect();
    let id = ok(
        c.interface_create(&iface("Branch-Office", InterfaceType::FULL_ROUTER)),
        "create",
    );
    let got = get(&*c, &id);
    assert_eq!(
        got,
        Interface {
            name: "Branch-Office".into(),
            if_type: InterfaceType::FULL_ROUTER,
            enabled: true,
            dialout_hours: None,
            connection_state: ConnectionState::DISCONNECTED,
            unreachability_reasons: 0,
            last_error: 0,
        }
    );
}

/// Level-1 create stores the dial-out hours multi-string, returned entry for entry (spec §3.2
/// `MPR_INTERFACE_1`, §4.2.1).
pub fn interface_create_level1_round_trips_dialout_hours(b: &dyn Backend) {
    let c = b.connect();
    let mut info = iface("Dialout-Hours", InterfaceType::FULL_ROUTER);
    info.dialout_hours = hours(&TUESDAY_THURSDAY);
    let id = ok(c.interface_create(&info), "create with hours");
    assert_eq!(get(&*c, &id).dialout_hours, hours(&TUESDAY_THURSDAY));

    // Every day, ranges touching midnight at both ends.
    let mut info = iface("Dialout-Week", InterfaceType::HOME_ROUTER);
    let week: Vec<String> = (0..7)
        .map(|d| format!("{d} 00:00-06:00 18:30-24:00"))
        .collect();
    info.dialout_hours = Some(week.clone());
    let id = ok(c.interface_create(&info), "create with a week of hours");
    assert_eq!(get(&*c, &id).dialout_hours, Some(week));
}

/// A disabled interface reads back disabled, UNREACHABLE with `MPR_INTERFACE_ADMIN_DISABLED`
/// (spec Q13).
pub fn interface_create_disabled_reports_admin_disabled(b: &dyn Backend) {
    let c = b.connect();
    let mut info = iface("Disabled-Router", InterfaceType::FULL_ROUTER);
    info.enabled = false;
    let id = ok(c.interface_create(&info), "create disabled");
    let got = get(&*c, &id);
    assert!(!got.enabled);
    assert_eq!(got.connection_state, ConnectionState::UNREACHABLE);
    assert_eq!(got.unreachability_reasons, MPR_INTERFACE_ADMIN_DISABLED);
    assert_eq!(got.last_error, 0);
}

/// Every interface type a program creates (HOME_ROUTER, FULL_ROUTER, DEDICATED, TUNNEL1,
/// DIALOUT) is stored and returned as given; the type is fixed at creation (spec §3.1, §4.2.1).
pub fn interface_create_round_trips_every_creatable_type(b: &dyn Backend) {
    let c = b.connect();
    for t in [
        InterfaceType::HOME_ROUTER,
        InterfaceType::FULL_ROUTER,
        InterfaceType::DEDICATED,
        InterfaceType::TUNNEL1,
        InterfaceType::DIALOUT,
    ] {
        let name = format!("type-{}", t.0);
        let id = ok(
            c.interface_create(&iface(&name, t)),
            &format!("create {name}"),
        );
        let got = get(&*c, &id);
        assert_eq!(
            (got.name.as_str(), got.if_type, got.enabled),
            (name.as_str(), t, true)
        );
        assert_eq!(
            handle(&*c, &name),
            id,
            "get_handle gives the handle create gave"
        );
    }
}

/// The output-only fields of the create buffer (connection state, unreachability reasons, last
/// error) are ignored (spec §4.2.1 "output-only and ignored"; Q13).
pub fn interface_create_ignores_runtime_fields(b: &dyn Backend) {
    let c = b.connect();
    let info = Interface {
        name: "Runtime-Fields".into(),
        if_type: InterfaceType::FULL_ROUTER,
        enabled: true,
        dialout_hours: None,
        connection_state: ConnectionState::CONNECTED,
        unreachability_reasons: 0x7F,
        last_error: 691,
    };
    let id = ok(c.interface_create(&info), "create");
    let got = get(&*c, &id);
    assert_eq!(got.connection_state, ConnectionState::DISCONNECTED);
    assert_eq!(got.unreachability_reasons, 0);
    assert_eq!(got.last_error, 0);
}

/// Names are 1..=256 characters of any kind but NUL and are stored with their case: non-ASCII,
/// spaces, backslashes, quotes and exactly 256 characters round-trip (spec §3.1
/// `MAX_INTERFACE_NAME_LEN`, Q7).
pub fn interface_names_with_unusual_characters_round_trip(b: &dyn Backend) {
    let c = b.connect();
    let long = "N".repeat(256);
    let names = [
        "Ünïcødé-ルーター",
        "with space",
        r"back\slash",
        "quote\"d",
        "x",
        long.as_str(),
        "{not-a-guid}",
    ];
    for name in names {
        let id = ok(
            c.interface_create(&iface(name, InterfaceType::FULL_ROUTER)),
            &format!("create {name:?}"),
        );
        assert_eq!(get(&*c, &id).name, name);
        assert_eq!(get(&*c, &handle(&*c, name)).name, name);
    }
}

/// Creating a name that exists, in any letter case, is `ERROR_INTERFACE_ALREADY_EXISTS` (904,
/// spec Q6, Q7) and changes nothing: also for the installed Loopback and LAN (GUID) interfaces
/// and for non-ASCII names.
pub fn interface_create_duplicate_name_any_case_is_904(b: &dyn Backend) {
    let c = b.connect();
    create_router(&*c, "Dup-If");
    create_router(&*c, "Éthernet-ü");
    let before = snapshot(&*c);
    let guid = link_guid("eth0");
    for name in [
        "Dup-If",
        "DUP-IF",
        "dup-if",
        "LOOPBACK",
        "internal",
        guid.as_str(),
        &guid.to_lowercase(),
        "éTHERNET-Ü",
    ] {
        expect_code(
            c.interface_create(&iface(name, InterfaceType::HOME_ROUTER)),
            WinError::ERROR_INTERFACE_ALREADY_EXISTS,
            &format!("create duplicate {name:?}"),
        );
    }
    assert_same_state(
        &snapshot(&*c),
        &before,
        "a refused create changed the configuration",
    );
}

/// Empty names, names over 256 characters (also counted in UTF-16 units, as `WCHAR[257]` holds
/// them) and names containing NUL are `ERROR_INVALID_PARAMETER` (spec §3.1, §4.2.1), and nothing
/// is created.
pub fn interface_create_bad_names_are_87(b: &dyn Backend) {
    let c = b.connect();
    let before = snapshot(&*c);
    let too_long = "L".repeat(257);
    let too_long_utf16 = "😀".repeat(129); // 129 chars, 258 UTF-16 units
    for name in [
        "",
        too_long.as_str(),
        too_long_utf16.as_str(),
        "nul\0inside",
        "\0",
        "trailing-nul\0",
    ] {
        expect_code(
            c.interface_create(&iface(name, InterfaceType::FULL_ROUTER)),
            WinError::ERROR_INVALID_PARAMETER,
            &format!("create with bad name of {} chars", name.chars().count()),
        );
    }
    assert_same_state(
        &snapshot(&*c),
        &before,
        "a refused create changed the configuration",
    );
}

/// Dial-out hours not in the documented format `<day 0-6> HH:MM-HH:MM[ HH:MM-HH:MM...]`
/// (spec §3.2 `MPR_INTERFACE_1`) are `ERROR_INVALID_PARAMETER` on create, and nothing is created.
pub fn interface_create_bad_dialout_hours_is_87(b: &dyn Backend) {
    let c = b.connect();
    for (i, bad) in bad_hours().into_iter().enumerate() {
        let name = format!("bad-hours-{i}");
        let mut info = iface(&name, InterfaceType::FULL_ROUTER);
        info.dialout_hours = Some(bad.clone());
        expect_code(
            c.interface_create(&info),
            WinError::ERROR_INVALID_PARAMETER,
            &format!("create with {bad:?}"),
        );
        expect_code(
            c.interface_get_handle(&name),
            WinError::ERROR_NO_SUCH_INTERFACE,
            "refused create left an interface",
        );
    }
}

fn bad_hours() -> Vec<Vec<String>> {
    [
        &["7 09:00-12:00"][..], // day out of range
        &["x 09:00-12:00"],
        &["-1 09:00-12:00"],
        &["2 25:00-26:00"], // hour out of range
        &["2 09:60-10:00"], // minute out of range
        &["2 24:30-24:45"],
        &["2"], // day without a range
        &["2 "],
        &[""], // empty entry
        &["2 09:00_12:00"],
        &["2 0900-1200"],
        &["2 09:00-12:00 junk"],
        &["2 12:00-09:00"], // range ending before it starts
        &["2 09:00-12:00", "nonsense"],
        &["2 09:00-12:00\0"],
    ]
    .iter()
    .map(|e| e.iter().map(|s| s.to_string()).collect())
    .collect()
}

/// Get-handle compares names case-insensitively (ASCII and beyond, spec Q7) and returns a handle
/// to the interface with its stored name.
pub fn interface_get_handle_is_case_insensitive(b: &dyn Backend) {
    let c = b.connect();
    let id = create_router(&*c, "MixedCase-If");
    for probe in ["mixedcase-if", "MIXEDCASE-IF", "mIxEdCaSe-If"] {
        let h = handle(&*c, probe);
        assert_eq!(get(&*c, &h).name, "MixedCase-If");
        ok(
            c.interface_set_info(&h, 0, &get(&*c, &id)),
            "the handle is usable for set_info",
        );
    }
    create_router(&*c, "Éthernet-ü");
    assert_eq!(get(&*c, &handle(&*c, "éTHERNET-Ü")).name, "Éthernet-ü");
    let guid = link_guid("eth1");
    assert_eq!(get(&*c, &handle(&*c, &guid.to_lowercase())).name, guid);
    assert_eq!(
        get(&*c, &handle(&*c, "loopback")).if_type,
        InterfaceType::LOOPBACK
    );
}

/// Names compare with Unicode *simple* case folding (spec Q7: "ordinal, Unicode simple case
/// fold"): letters whose upper case is several letters (ß → SS, ﬁ → FI) are not equal to those
/// letters, so such names are distinct interfaces, each found by its own name; a letter whose
/// simple upper case is one letter matches it.
pub fn interface_names_use_simple_case_folding(b: &dyn Backend) {
    let c = b.connect();
    for (one, other) in [("Straße", "STRASSE"), ("ﬁle-server", "FILE-SERVER")] {
        let a = create_router(&*c, one);
        let z = ok(
            c.interface_create(&iface(other, InterfaceType::FULL_ROUTER)),
            &format!("create {other:?} beside {one:?}"),
        );
        assert_eq!(get(&*c, &handle(&*c, one)).name, one);
        assert_eq!(get(&*c, &handle(&*c, other)).name, other);
        assert_eq!(get(&*c, &handle(&*c, &other.to_lowercase())).name, other);
        ok(c.interface_delete(&z), "delete");
        assert_eq!(get(&*c, &a).name, one, "deleting {other:?} touched {one:?}");
    }
    // A letter with both a multi-letter full upper case and a one-letter simple upper case
    // (U+1FB3 ᾳ: full "ΑΙ", simple U+1FBC ᾼ) matches its simple form.
    create_router(&*c, "ᾳ-link");
    expect_code(
        c.interface_create(&iface("ᾼ-LINK", InterfaceType::FULL_ROUTER)),
        WinError::ERROR_INTERFACE_ALREADY_EXISTS,
        "create U+1FBC beside U+1FB3",
    );
    assert_eq!(get(&*c, &handle(&*c, "ᾼ-LINK")).name, "ᾳ-link");
    // Simple folding still matches letter by letter beyond ASCII.
    create_router(&*c, "ΣΊΣΥΦΟΣ");
    assert_eq!(get(&*c, &handle(&*c, "σίσυφος")).name, "ΣΊΣΥΦΟΣ");
}

/// Get-handle of a name no interface has is `ERROR_NO_SUCH_INTERFACE` (905, spec §4.2.4),
/// including prefixes and extensions of existing names.
pub fn interface_get_handle_unknown_name_is_905(b: &dyn Backend) {
    let c = b.connect();
    create_router(&*c, "Known");
    for name in [
        "no-such-interface",
        "Know",
        "Known2",
        "Known ",
        " Known",
        "{00000000-0000-0000-0000-000000000000}",
    ] {
        expect_code(
            c.interface_get_handle(name),
            WinError::ERROR_NO_SUCH_INTERFACE,
            &format!("get_handle {name:?}"),
        );
    }
}

/// After delete, the interface handle (and an interface-transport handle of it) is stale: every
/// interface and interface-transport operation gives `ERROR_NO_SUCH_INTERFACE` (905, spec §1.4).
pub fn interface_stale_handle_after_delete_is_905(b: &dyn Backend) {
    let c = b.connect();
    let id = create_router(&*c, "Doomed");
    let it = ok(
        c.if_transport_add(&id, pid::IP, None, Some(&interface_info_c())),
        "add IP",
    );
    ok(c.interface_delete(&id), "delete");
    let info = iface("Doomed", InterfaceType::FULL_ROUTER);
    let nsi = WinError::ERROR_NO_SUCH_INTERFACE;
    expect_code(
        c.interface_get_handle("Doomed"),
        nsi,
        "get_handle after delete",
    );
    expect_code(c.interface_get_info(&id), nsi, "get_info");
    expect_code(c.interface_set_info(&id, 0, &info), nsi, "set_info level 0");
    expect_code(c.interface_set_info(&id, 1, &info), nsi, "set_info level 1");
    expect_code(c.interface_delete(&id), nsi, "delete again");
    expect_code(c.interface_get_custom_info(&id), nsi, "get_custom_info");
    expect_code(
        c.interface_set_custom_info(&id, &Default::default()),
        nsi,
        "set_custom_info",
    );
    expect_code(
        c.if_transport_add(&id, pid::IPV6, None, Some(&interface_info_c())),
        nsi,
        "if_transport_add",
    );
    expect_code(
        c.if_transport_get_handle(&id, pid::IP),
        nsi,
        "if_transport_get_handle",
    );
    expect_code(c.if_transport_enum(&id, 0, ALL), nsi, "if_transport_enum");
    expect_code(c.if_transport_get_info(&it), nsi, "if_transport_get_info");
    expect_code(
        c.if_transport_set_info(&it, &interface_info_c()),
        nsi,
        "if_transport_set_info",
    );
    expect_code(c.if_transport_remove(&it), nsi, "if_transport_remove");
    expect_code(
        c.interface_get_handle("Doomed"),
        nsi,
        "no operation on a stale handle recreated it",
    );
}

/// A handle stays bound to its interface: once that interface is deleted and another one created
/// (which may reuse its storage slot), the old handle gives 905 and never reaches the new
/// interface (spec §1.4; model `InterfaceId`).
pub fn interface_handle_of_replaced_interface_is_905(b: &dyn Backend) {
    let c = b.connect();
    let old = create_router(&*c, "Replaced");
    ok(c.interface_delete(&old), "delete");
    let new = create_router(&*c, "Replacement");
    expect_code(
        c.interface_get_info(&old),
        WinError::ERROR_NO_SUCH_INTERFACE,
        "get_info through the old handle",
    );
    let mut off = iface("Replaced", InterfaceType::FULL_ROUTER);
    off.enabled = false;
    expect_code(
        c.interface_set_info(&old, 0, &off),
        WinError::ERROR_NO_SUCH_INTERFACE,
        "set_info through the old handle",
    );
    expect_code(
        c.interface_delete(&old),
        WinError::ERROR_NO_SUCH_INTERFACE,
        "delete through the old handle",
    );
    let got = get(&*c, &new);
    assert_eq!(
        (got.name.as_str(), got.enabled),
        ("Replacement", true),
        "the new interface was touched"
    );
}

/// Handles made by one connection work on another connection to the same configuration (they
/// name the object, not the connection; DESIGN §2 remote and local clients share handles' meaning).
pub fn interface_handles_work_across_connections(b: &dyn Backend) {
    let a = b.connect();
    let other = b.connect();
    let id = create_router(&*a, "Shared-If");
    assert_eq!(get(&*other, &id).name, "Shared-If");
    let mut off = get(&*a, &id);
    off.enabled = false;
    ok(
        other.interface_set_info(&id, 0, &off),
        "set_info on the other connection",
    );
    assert!(!get(&*a, &id).enabled);
    let from_enum = ok(other.interface_enum(0, ALL), "enum")
        .entries
        .into_iter()
        .find(|e| e.info.name == "Shared-If")
        .expect("enumerated");
    ok(
        a.interface_delete(&from_enum.id),
        "delete with the other connection's enum handle",
    );
    expect_code(
        other.interface_get_info(&id),
        WinError::ERROR_NO_SUCH_INTERFACE,
        "deleted",
    );
}

/// Set-info level 0 changes only the enabled state: dial-out hours stay (spec §4.2.6 "at level 0
/// only fEnabled is meaningful").
pub fn interface_set_info_level0_changes_only_enabled(b: &dyn Backend) {
    let c = b.connect();
    let mut info = iface("Level0", InterfaceType::FULL_ROUTER);
    info.dialout_hours = hours(&TUESDAY_THURSDAY);
    let id = ok(c.interface_create(&info), "create");

    let mut req = info.clone();
    req.enabled = false;
    req.dialout_hours = None; // level 0 has no hours field: must not clear them
    ok(c.interface_set_info(&id, 0, &req), "disable");
    let got = get(&*c, &id);
    assert!(!got.enabled);
    assert_eq!(got.connection_state, ConnectionState::UNREACHABLE);
    assert_eq!(
        got.unreachability_reasons & MPR_INTERFACE_ADMIN_DISABLED,
        MPR_INTERFACE_ADMIN_DISABLED
    );
    assert_eq!(
        got.dialout_hours,
        hours(&TUESDAY_THURSDAY),
        "level 0 changed the dial-out hours"
    );

    req.enabled = true;
    req.dialout_hours = hours(&["1 01:00-02:00"]);
    ok(c.interface_set_info(&id, 0, &req), "enable");
    let got = get(&*c, &id);
    assert!(got.enabled);
    assert_eq!(got.connection_state, ConnectionState::DISCONNECTED);
    assert_eq!(got.unreachability_reasons & MPR_INTERFACE_ADMIN_DISABLED, 0);
    assert_eq!(
        got.dialout_hours,
        hours(&TUESDAY_THURSDAY),
        "level 0 changed the dial-out hours"
    );
}

/// Set-info level 1 sets the enabled state and the dial-out hours; `None` hours clear the
/// restriction (spec §4.2.6, §3.2: NULL = no restriction).
pub fn interface_set_info_level1_sets_and_clears_dialout_hours(b: &dyn Backend) {
    let c = b.connect();
    let id = create_router(&*c, "Level1");
    let mut req = iface("Level1", InterfaceType::FULL_ROUTER);
    req.dialout_hours = hours(&TUESDAY_THURSDAY);
    ok(c.interface_set_info(&id, 1, &req), "set hours");
    assert_eq!(get(&*c, &id).dialout_hours, hours(&TUESDAY_THURSDAY));

    req.dialout_hours = hours(&["0 08:00-09:00"]);
    req.enabled = false;
    ok(
        c.interface_set_info(&id, 1, &req),
        "replace hours and disable",
    );
    let got = get(&*c, &id);
    assert_eq!(
        (got.enabled, got.dialout_hours),
        (false, hours(&["0 08:00-09:00"]))
    );

    req.dialout_hours = None;
    req.enabled = true;
    ok(c.interface_set_info(&id, 1, &req), "clear hours");
    let got = get(&*c, &id);
    assert_eq!((got.enabled, got.dialout_hours), (true, None));
}

/// Levels 2 and 3 are accepted and act on the level-0/1 fields only (spec Q3: "treat 2/3 as 0/1
/// fields only").
pub fn interface_set_info_levels_2_and_3_act_like_level1(b: &dyn Backend) {
    let c = b.connect();
    for level in [2u32, 3] {
        let name = format!("Level{level}");
        let id = create_router(&*c, &name);
        let mut req = iface(&name, InterfaceType::FULL_ROUTER);
        req.enabled = false;
        req.dialout_hours = hours(&["5 10:00-11:00"]);
        ok(
            c.interface_set_info(&id, level, &req),
            &format!("set_info level {level}"),
        );
        let got = get(&*c, &id);
        assert_eq!(
            (got.enabled, got.dialout_hours),
            (false, hours(&["5 10:00-11:00"])),
            "level {level}"
        );
    }
}

/// Name and type are fixed after creation: set-info ignores them, as it ignores the runtime
/// fields (spec §4.2.6 "the name and type cannot be changed").
pub fn interface_set_info_ignores_name_type_and_runtime_fields(b: &dyn Backend) {
    let c = b.connect();
    let id = create_router(&*c, "Fixed-Name");
    let req = Interface {
        name: "Other-Name".into(),
        if_type: InterfaceType::HOME_ROUTER,
        enabled: false,
        dialout_hours: None,
        connection_state: ConnectionState::CONNECTED,
        unreachability_reasons: 0x40,
        last_error: 5,
    };
    ok(c.interface_set_info(&id, 1, &req), "set_info");
    let got = get(&*c, &id);
    assert_eq!(got.name, "Fixed-Name");
    assert_eq!(got.if_type, InterfaceType::FULL_ROUTER);
    assert!(!got.enabled);
    assert_eq!(got.connection_state, ConnectionState::UNREACHABLE);
    assert_eq!(got.unreachability_reasons, MPR_INTERFACE_ADMIN_DISABLED);
    assert_eq!(got.last_error, 0);
    expect_code(
        c.interface_get_handle("Other-Name"),
        WinError::ERROR_NO_SUCH_INTERFACE,
        "renamed",
    );
    assert_eq!(handle(&*c, "Fixed-Name"), id);
}

/// A level other than 0-3 is `ERROR_INVALID_PARAMETER` (spec §4.2.6) and changes nothing.
pub fn interface_set_info_bad_level_is_87(b: &dyn Backend) {
    let c = b.connect();
    let id = create_router(&*c, "Bad-Level");
    let mut req = iface("Bad-Level", InterfaceType::FULL_ROUTER);
    req.enabled = false;
    req.dialout_hours = hours(&["1 01:00-02:00"]);
    for level in [4u32, 5, 100, u32::MAX] {
        expect_code(
            c.interface_set_info(&id, level, &req),
            WinError::ERROR_INVALID_PARAMETER,
            &format!("level {level}"),
        );
    }
    let got = get(&*c, &id);
    assert_eq!(
        (got.enabled, got.dialout_hours),
        (true, None),
        "a refused set_info changed the interface"
    );
}

/// Malformed dial-out hours on set-info (levels 1-3) are `ERROR_INVALID_PARAMETER` and leave
/// the interface unchanged (spec §3.2).
pub fn interface_set_info_bad_dialout_hours_is_87(b: &dyn Backend) {
    let c = b.connect();
    let mut info = iface("Hours-Kept", InterfaceType::FULL_ROUTER);
    info.dialout_hours = hours(&TUESDAY_THURSDAY);
    let id = ok(c.interface_create(&info), "create");
    for bad in bad_hours() {
        for level in [1u32, 2, 3] {
            let mut req = info.clone();
            req.enabled = false;
            req.dialout_hours = Some(bad.clone());
            expect_code(
                c.interface_set_info(&id, level, &req),
                WinError::ERROR_INVALID_PARAMETER,
                &format!("level {level} with {bad:?}"),
            );
        }
    }
    let got = get(&*c, &id);
    assert_eq!(
        (got.enabled, got.dialout_hours),
        (true, hours(&TUESDAY_THURSDAY))
    );
}

/// DEDICATED and INTERNAL interfaces cannot be disabled or given dial-out hours through
/// set-info: `ERROR_INVALID_PARAMETER`, nothing changes (spec §4.2.6, Q17).
pub fn interface_set_info_disabling_dedicated_or_internal_is_87(b: &dyn Backend) {
    let c = b.connect();
    let created = ok(
        c.interface_create(&iface("Leased-Line", InterfaceType::DEDICATED)),
        "create dedicated",
    );
    let targets = [
        handle(&*c, &link_guid("eth0")),
        handle(&*c, "Internal"),
        created,
    ];
    for id in &targets {
        let current = get(&*c, id);
        let mut off = current.clone();
        off.enabled = false;
        for level in [0u32, 1] {
            expect_code(
                c.interface_set_info(id, level, &off),
                WinError::ERROR_INVALID_PARAMETER,
                &format!("disable {:?} at level {level}", current.name),
            );
        }
        let mut with_hours = current.clone();
        with_hours.dialout_hours = hours(&["1 01:00-02:00"]);
        expect_code(
            c.interface_set_info(id, 1, &with_hours),
            WinError::ERROR_INVALID_PARAMETER,
            &format!("dial-out hours on {:?}", current.name),
        );
        assert_eq!(
            get(&*c, id),
            current,
            "a refused set_info changed {:?}",
            current.name
        );
        assert!(current.enabled);
    }
}

/// Set-info that changes nothing on a DEDICATED or INTERNAL interface succeeds (spec Q17: only a
/// real change is refused).
pub fn interface_set_info_noop_on_dedicated_is_ok(b: &dyn Backend) {
    let c = b.connect();
    for id in [handle(&*c, &link_guid("eth1")), handle(&*c, "Internal")] {
        let current = get(&*c, &id);
        for level in [0u32, 1] {
            ok(
                c.interface_set_info(&id, level, &current),
                &format!("no-op set_info level {level}"),
            );
        }
        assert_eq!(get(&*c, &id), current);
    }
}

/// Delete removes the interface with all its interface-transports: a new interface of the same
/// name starts without any (spec §4.2.2).
pub fn interface_delete_removes_its_transports(b: &dyn Backend) {
    let c = b.connect();
    let id = create_router(&*c, "With-Transports");
    ok(
        c.if_transport_add(&id, pid::IP, None, Some(&interface_info_c())),
        "add IP",
    );
    ok(
        c.if_transport_add(&id, pid::IPV6, None, Some(&interface_info_c())),
        "add IPv6",
    );
    let others_before = ok(c.interface_enum(0, ALL), "enum").entries.len();
    ok(c.interface_delete(&id), "delete");
    assert_eq!(
        ok(c.interface_enum(0, ALL), "enum").entries.len(),
        others_before - 1
    );
    let again = create_router(&*c, "With-Transports");
    let page = ok(
        c.if_transport_enum(&again, 0, ALL),
        "enum transports of the new interface",
    );
    assert!(
        page.entries.is_empty(),
        "old transports survived: {:?}",
        page.entries
    );
    expect_code(
        c.if_transport_get_handle(&again, pid::IP),
        WinError::ERROR_NO_SUCH_INTERFACE,
        "IP of the new interface",
    );
}

/// A new interface has no interface-transports (spec §4.2.1).
pub fn interface_new_has_no_transports(b: &dyn Backend) {
    let c = b.connect();
    let id = create_router(&*c, "Bare");
    let page = ok(c.if_transport_enum(&id, 0, ALL), "enum");
    assert_eq!(
        (page.entries.len(), page.total_from_resume, page.next_resume),
        (0, 0, 0)
    );
    for p in [pid::IP, pid::IPV6, pid::IPX] {
        expect_code(
            c.if_transport_get_handle(&id, p),
            WinError::ERROR_NO_SUCH_INTERFACE,
            &format!("transport {p:#x}"),
        );
    }
}

/// Two connections racing to create the same names: each name is created exactly once, the loser
/// gets 904, nothing else fails (one transaction per call, DESIGN §2; spec Q6).
pub fn interface_concurrent_creates_of_one_name_succeed_once(b: &dyn Backend) {
    const NAMES: usize = 20;
    let results: Vec<Vec<Result<(), WinError>>> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    let c = b.connect();
                    (0..NAMES)
                        .map(|i| {
                            c.interface_create(&iface(
                                &format!("race-{i:02}"),
                                InterfaceType::FULL_ROUTER,
                            ))
                            .map(|_| ())
                            .map_err(|e| e.code)
                        })
                        .collect()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("worker panicked"))
            .collect()
    });
    for (i, outcomes) in results[0].iter().zip(&results[1]).enumerate() {
        let outcomes = [*outcomes.0, *outcomes.1];
        let wins = outcomes.iter().filter(|r| r.is_ok()).count();
        assert_eq!(wins, 1, "race-{i:02}: {outcomes:?}");
        assert!(
            outcomes
                .iter()
                .all(|r| r.is_ok() || *r == Err(WinError::ERROR_INTERFACE_ALREADY_EXISTS)),
            "race-{i:02}: {outcomes:?}"
        );
    }
    let c = b.connect();
    let count = ok(c.interface_enum(0, ALL), "enum")
        .entries
        .iter()
        .filter(|e| e.info.name.starts_with("race-"))
        .count();
    assert_eq!(count, NAMES);
}

/// One connection may be used from several threads at once (DESIGN §6.5: handles may be shared
/// between threads); every create lands.
pub fn interface_one_connection_is_usable_from_many_threads(b: &dyn Backend) {
    let c = b.connect();
    let c: &dyn RouterConfig = &*c;
    std::thread::scope(|s| {
        for t in 0..4 {
            s.spawn(move || {
                for i in 0..10 {
                    let name = format!("thread-{t}-{i}");
                    let id = create_router(c, &name);
                    assert_eq!(get(c, &id).name, name);
                }
            });
        }
    });
    for t in 0..4 {
        for i in 0..10 {
            handle(c, &format!("thread-{t}-{i}"));
        }
    }
}
