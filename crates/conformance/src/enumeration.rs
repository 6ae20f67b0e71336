//! The three enumerations: `MprConfigInterfaceEnum`, `MprConfigTransportEnum`,
//! `MprConfigInterfaceTransportEnum` (spec §1.7, Q5; paging policy `config::page_range`).

use std::collections::HashSet;

use mprconfig_core::{InterfaceId, InterfaceType, RouterConfig, WinError, pid};

use crate::Backend;
use crate::blobs::interface_info_c;
use crate::support::*;

/// Page sizes every enumeration is read with: 1, 2, 3, 7 and "everything".
const PAGE_SIZES: [u32; 6] = [1, 2, 3, 7, 1000, ALL];

/// Checks that reading with every page size gives the same list as one call, without duplicate
/// or gap, and returns that list.
#[track_caller]
fn check_paging<T: std::fmt::Debug + PartialEq, K: std::hash::Hash + Eq + std::fmt::Debug>(
    what: &str,
    mut call: impl FnMut(u32, u32) -> mprconfig_core::Result<mprconfig_core::Page<T>>,
    key: impl Fn(&T) -> K,
) -> Vec<T> {
    let all = collect_pages(what, ALL, &mut call);
    let keys: HashSet<K> = all.iter().map(&key).collect();
    assert_eq!(
        keys.len(),
        all.len(),
        "{what}: duplicate entries in one full enumeration"
    );
    for page in PAGE_SIZES {
        let paged = collect_pages(what, page, &mut call);
        assert_eq!(
            paged, all,
            "{what}: pages of {page} concatenated differ from the full list"
        );
    }
    // A page as large as the set, exactly, ends in one call.
    let exact = ok(call(0, all.len().max(1) as u32), what);
    assert_eq!(
        (exact.entries.len(), exact.next_resume),
        (all.len(), 0),
        "{what}: page of exactly all entries"
    );
    all
}

/// Interface enumeration over 29 interfaces, read in pages of 1, 2, 3, 7 and all: the pages
/// concatenate to the full list with no duplicate or gap, `total_from_resume` counts from the
/// resume position, `next_resume` is 0 exactly at the end (spec §1.7, Q5).
pub fn enum_interfaces_pages_cover_everything_once(b: &dyn Backend) {
    let c = b.connect();
    for i in 0..25 {
        create_router(&*c, &format!("page-if-{i:02}"));
    }
    let all = check_paging(
        "interface_enum",
        |r, m| c.interface_enum(r, m),
        |e| e.info.name.to_uppercase(),
    );
    let mut names: Vec<String> = all.iter().map(|e| e.info.name.clone()).collect();
    let mut expected = installed_interface_names();
    expected.extend((0..25).map(|i| format!("page-if-{i:02}")));
    names.sort();
    expected.sort();
    assert_eq!(names, expected);
}

/// After deletes in the middle (gaps in the stored numbering) and new creates, every page size
/// still lists each interface exactly once (registry-layout §2.3: readers accept gaps).
pub fn enum_interfaces_after_deletes_has_no_gaps_or_duplicates(b: &dyn Backend) {
    let c = b.connect();
    let ids: Vec<InterfaceId> = (0..9)
        .map(|i| create_router(&*c, &format!("gap-{i}")))
        .collect();
    for i in [1usize, 4, 5, 8] {
        ok(c.interface_delete(&ids[i]), "delete");
    }
    create_router(&*c, "gap-new-a");
    create_router(&*c, "gap-new-b");
    let all = check_paging(
        "interface_enum",
        |r, m| c.interface_enum(r, m),
        |e| e.info.name.to_uppercase(),
    );
    let mut names: Vec<String> = all.iter().map(|e| e.info.name.clone()).collect();
    let mut expected = installed_interface_names();
    expected.extend(
        [
            "gap-0",
            "gap-2",
            "gap-3",
            "gap-6",
            "gap-7",
            "gap-new-a",
            "gap-new-b",
        ]
        .map(String::from),
    );
    names.sort();
    expected.sort();
    assert_eq!(names, expected);
    for e in &all {
        assert_eq!(
            ok(c.interface_get_info(&e.id), "get_info").name,
            e.info.name
        );
    }
}

/// Every enumerated entry's handle is usable and its level-0 data equals what get-info reports
/// (spec §4.2.3 "each entry's hInterface is a usable interface handle").
pub fn enum_interfaces_entries_match_get_info(b: &dyn Backend) {
    let c = b.connect();
    let mut off = iface("Enum-Disabled", InterfaceType::HOME_ROUTER);
    off.enabled = false;
    ok(c.interface_create(&off), "create disabled");
    create_router(&*c, "Enum-Enabled");
    for page in [1u32, ALL] {
        for e in collect_pages("interface_enum", page, |r, m| c.interface_enum(r, m)) {
            let got = ok(
                c.interface_get_info(&e.id),
                &format!("get_info of enumerated {:?}", e.info.name),
            );
            assert_eq!(
                (
                    &got.name,
                    got.if_type,
                    got.enabled,
                    got.connection_state,
                    got.unreachability_reasons,
                    got.last_error
                ),
                (
                    &e.info.name,
                    e.info.if_type,
                    e.info.enabled,
                    e.info.connection_state,
                    e.info.unreachability_reasons,
                    e.info.last_error
                ),
                "enumerated entry differs from get_info"
            );
            assert_eq!(
                ok(c.interface_get_handle(&e.info.name), "get_handle"),
                e.id,
                "enum handle vs get_handle"
            );
        }
    }
}

/// Resuming past the end is `ERROR_NO_MORE_ITEMS` (259): with the position of an entry that has
/// since been deleted, and with a position beyond the count (spec §1.7, Q5).
pub fn enum_interfaces_resume_past_end_is_259(b: &dyn Backend) {
    let c = b.connect();
    for i in 0..3 {
        create_router(&*c, &format!("tail-{i}"));
    }
    let total = ok(c.interface_enum(0, ALL), "enum").entries.len() as u32;
    // Walk to the last entry one at a time and keep the resume handle that points at it.
    let mut resume = 0;
    let mut last = None;
    for _ in 0..total {
        let page = ok(c.interface_enum(resume, 1), "enum page of 1");
        last = Some((resume, page.entries[0].id.clone()));
        resume = page.next_resume;
    }
    let (last_resume, last_id) = last.expect("non-empty");
    assert_ne!(last_resume, 0);
    ok(c.interface_delete(&last_id), "delete the last entry");
    expect_code(
        c.interface_enum(last_resume, 1),
        WinError::ERROR_NO_MORE_ITEMS,
        "resume at a deleted last entry",
    );
    let total = total - 1;
    for resume in [total, total + 1, total + 100] {
        expect_code(
            c.interface_enum(resume, ALL),
            WinError::ERROR_NO_MORE_ITEMS,
            &format!("resume {resume} of {total}"),
        );
    }
}

/// A page size of 0 still returns one entry (`config::page_range`: at least one entry is always
/// allowed; the C ABI maps a too-small byte size to 87 before getting here).
pub fn enum_interfaces_zero_max_entries_returns_one(b: &dyn Backend) {
    let c = b.connect();
    let page = ok(c.interface_enum(0, 0), "enum with max 0");
    assert_eq!(page.entries.len(), 1);
    assert_eq!(
        page.total_from_resume as usize,
        installed_interface_names().len()
    );
    assert_ne!(page.next_resume, 0);
}

/// Transport enumeration over 12 transports in every page size: full coverage, no duplicate, the
/// installed Ip and Ipv6 included, every handle usable (spec §4.4.3, §1.7).
pub fn enum_transports_pages_cover_everything_once(b: &dyn Backend) {
    let c = b.connect();
    for id in 100..110u32 {
        ok(
            c.transport_create(id, None, None, None, None),
            &format!("create transport {id}"),
        );
    }
    let all = check_paging(
        "transport_enum",
        |r, m| c.transport_enum(r, m),
        |e| e.id.protocol_id,
    );
    let mut ids: Vec<u32> = all.iter().map(|e| e.id.protocol_id).collect();
    ids.sort_unstable();
    let mut expected = vec![pid::IP, pid::IPV6];
    expected.extend(100..110);
    expected.sort_unstable();
    assert_eq!(ids, expected);
    for e in &all {
        let info = ok(
            c.transport_get_info(&e.id),
            "get_info of an enumerated transport",
        );
        assert_eq!(info.name, e.name, "enumerated name vs get_info name");
        assert_eq!(
            ok(c.transport_get_handle(e.id.protocol_id), "get_handle"),
            e.id
        );
    }
}

/// Resuming the transport enumeration past the end is `ERROR_NO_MORE_ITEMS` (259).
pub fn enum_transports_resume_past_end_is_259(b: &dyn Backend) {
    let c = b.connect();
    let first = ok(c.transport_enum(0, 1), "first page");
    assert_eq!(first.total_from_resume, 2);
    let second = ok(c.transport_enum(first.next_resume, 1), "second page");
    assert_eq!((second.entries.len(), second.next_resume), (1, 0));
    ok(
        c.transport_delete(&second.entries[0].id),
        "delete the last transport",
    );
    expect_code(
        c.transport_enum(first.next_resume, 1),
        WinError::ERROR_NO_MORE_ITEMS,
        "resume at a deleted entry",
    );
    for resume in [1u32, 2, 50] {
        expect_code(
            c.transport_enum(resume, ALL),
            WinError::ERROR_NO_MORE_ITEMS,
            &format!("resume {resume} of 1"),
        );
    }
}

/// With every transport deleted, the first call succeeds with no entries, total 0 and resume 0
/// (spec Q5); a non-zero resume is 259.
pub fn enum_transports_empty_first_call_is_ok(b: &dyn Backend) {
    let c = b.connect();
    for e in ok(c.transport_enum(0, ALL), "enum").entries {
        ok(c.transport_delete(&e.id), "delete transport");
    }
    let page = ok(c.transport_enum(0, ALL), "enum of none");
    assert_eq!(
        (page.entries.len(), page.total_from_resume, page.next_resume),
        (0, 0, 0)
    );
    expect_code(
        c.transport_enum(1, ALL),
        WinError::ERROR_NO_MORE_ITEMS,
        "resume 1 on an empty set",
    );
}

fn interface_with_transports(c: &dyn RouterConfig, name: &str, ids: &[u32]) -> InterfaceId {
    let id = create_router(c, name);
    for &p in ids {
        ok(
            c.if_transport_add(&id, p, None, Some(&interface_info_c())),
            &format!("add transport {p:#x}"),
        );
    }
    id
}

/// Interface-transport enumeration over 9 transports in every page size: full coverage, no
/// duplicate, every handle usable (spec §4.3.3, §1.7).
pub fn enum_if_transports_pages_cover_everything_once(b: &dyn Backend) {
    let c = b.connect();
    let ids = [
        pid::IP,
        pid::IPV6,
        pid::IPX,
        pid::ATALK,
        pid::NBF,
        1000,
        1001,
        1002,
        1003,
    ];
    for &p in &ids[2..] {
        ok(
            c.transport_create(p, None, None, None, None),
            &format!("create global transport {p:#x}"),
        );
    }
    let iface_id = interface_with_transports(&*c, "Many-Transports", &ids);
    let all = check_paging(
        "if_transport_enum",
        |r, m| c.if_transport_enum(&iface_id, r, m),
        |e| e.id.protocol_id,
    );
    let mut got: Vec<u32> = all.iter().map(|e| e.id.protocol_id).collect();
    got.sort_unstable();
    let mut expected = ids.to_vec();
    expected.sort_unstable();
    assert_eq!(got, expected);
    for e in &all {
        assert_eq!(e.id.interface, iface_id, "entry handle names its interface");
        let blob = ok(
            c.if_transport_get_info(&e.id),
            "get_info of an enumerated interface-transport",
        );
        assert_eq!(blob, Some(interface_info_c()));
        assert_eq!(
            ok(
                c.if_transport_get_handle(&iface_id, e.id.protocol_id),
                "get_handle"
            ),
            e.id
        );
    }
}

/// The first interface-transport enumeration of a new interface succeeds with no entries, total 0
/// and resume 0 (spec Q5), in every page size.
pub fn enum_if_transports_empty_first_call_is_ok(b: &dyn Backend) {
    let c = b.connect();
    let id = create_router(&*c, "No-Transports");
    for max in [0u32, 1, ALL] {
        let page = ok(c.if_transport_enum(&id, 0, max), "enum of none");
        assert_eq!(
            (page.entries.len(), page.total_from_resume, page.next_resume),
            (0, 0, 0)
        );
    }
    expect_code(
        c.if_transport_enum(&id, 1, ALL),
        WinError::ERROR_NO_MORE_ITEMS,
        "resume 1 on an empty set",
    );
}

/// Resuming the interface-transport enumeration past the end is `ERROR_NO_MORE_ITEMS` (259).
pub fn enum_if_transports_resume_past_end_is_259(b: &dyn Backend) {
    let c = b.connect();
    let id = interface_with_transports(&*c, "Two-Transports", &[pid::IP, pid::IPV6]);
    let first = ok(c.if_transport_enum(&id, 0, 1), "first page");
    assert_eq!((first.entries.len(), first.total_from_resume), (1, 2));
    assert_ne!(first.next_resume, 0);
    let second = ok(
        c.if_transport_enum(&id, first.next_resume, 1),
        "second page",
    );
    assert_eq!(
        (
            second.entries.len(),
            second.total_from_resume,
            second.next_resume
        ),
        (1, 1, 0)
    );
    ok(
        c.if_transport_remove(&second.entries[0].id),
        "remove the last one",
    );
    expect_code(
        c.if_transport_enum(&id, first.next_resume, 1),
        WinError::ERROR_NO_MORE_ITEMS,
        "resume at removed",
    );
    for resume in [1u32, 2, 9] {
        expect_code(
            c.if_transport_enum(&id, resume, ALL),
            WinError::ERROR_NO_MORE_ITEMS,
            &format!("resume {resume} of 1"),
        );
    }
}
