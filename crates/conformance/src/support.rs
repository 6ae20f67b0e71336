//! Helpers shared by the behaviours: checked calls, object builders, full-state snapshots.

use std::fmt::Debug;

use mprconfig_core::{
    CustomInfoEx, Interface, InterfaceId, InterfaceType, Page, Result, RouterConfig, ServerInfo,
    ServerInfoEx, TransportInfo, WinError,
};

use crate::{Backend, test_links};

/// `MAX_PREFERRED_LENGTH`: "return everything" for the enumerations.
pub const ALL: u32 = u32::MAX;

/// Unwraps a call that must succeed, naming the call in the panic message.
#[track_caller]
pub fn ok<T>(result: Result<T>, what: &str) -> T {
    match result {
        Ok(v) => v,
        Err(e) => panic!("{what}: expected success, got {e}"),
    }
}

/// Asserts that a call failed with exactly `code`.
#[track_caller]
pub fn expect_code<T: Debug>(result: Result<T>, code: WinError, what: &str) {
    match result {
        Ok(v) => panic!("{what}: expected {code:?}, got success {v:?}"),
        Err(e) => assert_eq!(e.code, code, "{what}: wrong error code ({e})"),
    }
}

/// The error code of a result (`NO_ERROR` for success), for comparing outcomes in snapshots.
pub fn code_of<T>(result: &Result<T>) -> WinError {
    match result {
        Ok(_) => WinError::NO_ERROR,
        Err(e) => e.code,
    }
}

/// An enabled interface of the given name and type, without dial-out hours (level 0 data).
pub fn iface(name: &str, if_type: InterfaceType) -> Interface {
    Interface {
        name: name.to_string(),
        if_type,
        enabled: true,
        ..Interface::default()
    }
}

/// Creates an enabled FULL_ROUTER (demand-dial) interface.
#[track_caller]
pub fn create_router(c: &dyn RouterConfig, name: &str) -> InterfaceId {
    ok(
        c.interface_create(&iface(name, InterfaceType::FULL_ROUTER)),
        &format!("create {name:?}"),
    )
}

/// Dial-out hours in the documented format (spec §3.2, `MPR_INTERFACE_1`).
pub fn hours(entries: &[&str]) -> Option<Vec<String>> {
    Some(entries.iter().map(|s| s.to_string()).collect())
}

/// The GUID string of one of the [`test_links`].
pub fn link_guid(name: &str) -> String {
    test_links()
        .into_iter()
        .find(|l| l.name == name)
        .unwrap_or_else(|| panic!("no test link {name}"))
        .guid
}

/// The interface names a fresh configuration starts with: Loopback, Internal and one per
/// non-loopback test link (named by its GUID string).
pub fn installed_interface_names() -> Vec<String> {
    let mut names = vec!["Loopback".to_string(), "Internal".to_string()];
    names.extend(
        test_links()
            .into_iter()
            .filter(|l| !l.is_loopback)
            .map(|l| l.guid),
    );
    names
}

/// Reads every page of an enumeration taking `page` entries at a time, checking the paging
/// contract on every call (spec §1.7, Q5, `config::page_range`):
/// `total_from_resume` counts from the call's resume position, each page holds
/// `min(page, remaining)` entries, `next_resume` is non-zero exactly while entries remain.
#[track_caller]
pub fn collect_pages<T: Debug>(
    what: &str,
    page: u32,
    mut call: impl FnMut(u32, u32) -> Result<Page<T>>,
) -> Vec<T> {
    let first = ok(call(0, page), &format!("{what}: first page of {page}"));
    let total = first.total_from_resume as usize;
    let mut out = Vec::with_capacity(total);
    let mut current = first;
    let mut calls = 1usize;
    loop {
        let remaining = total - out.len();
        assert_eq!(
            current.total_from_resume as usize, remaining,
            "{what}: page {calls} of size {page}: total_from_resume must count from the resume position"
        );
        let expected = remaining.min(page.max(1) as usize);
        assert_eq!(
            current.entries.len(),
            expected,
            "{what}: page {calls} of size {page}: entry count"
        );
        out.extend(current.entries);
        if out.len() == total {
            assert_eq!(
                current.next_resume, 0,
                "{what}: next_resume must be 0 on the last page"
            );
            return out;
        }
        assert_ne!(
            current.next_resume,
            0,
            "{what}: next_resume 0 while entries remain ({} of {total})",
            out.len()
        );
        assert!(calls <= total + 1, "{what}: enumeration does not end");
        let resume = current.next_resume;
        current = ok(
            call(resume, page),
            &format!(
                "{what}: page {} of size {page} (resume {resume})",
                calls + 1
            ),
        );
        calls += 1;
    }
}

/// Deterministic pseudo-random bytes (xorshift64*), for garbage inputs.
pub fn pseudo_random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect()
}

/// The full state of one interface, as every read operation reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InterfaceState {
    /// `interface_get_info`.
    pub info: Interface,
    /// `interface_get_custom_info` outcome (the code is kept: non-FULL_ROUTER interfaces may refuse).
    pub custom: std::result::Result<CustomInfoEx, WinError>,
    /// Interface-transports: protocol id, name, blob; sorted by protocol id.
    pub transports: Vec<(u32, String, Option<Vec<u8>>)>,
}

/// The full state of one transport.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransportState {
    /// Protocol id.
    pub protocol_id: u32,
    /// Name from the enumeration.
    pub name: String,
    /// `transport_get_info`.
    pub info: TransportInfo,
    /// `filter_get_info` outcome.
    pub filter: std::result::Result<bool, WinError>,
}

/// Everything a client can read from a configuration, in a comparable form (interfaces sorted
/// by upper-cased name, transports by id: enumeration order is not documented).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// Every interface.
    pub interfaces: Vec<InterfaceState>,
    /// Every transport.
    pub transports: Vec<TransportState>,
    /// `server_get_info`.
    pub server: ServerInfo,
    /// `server_get_info_ex`.
    pub server_ex: ServerInfoEx,
    /// For each test link: friendly name of its GUID and GUID of its name (outcomes).
    pub names: Vec<(
        std::result::Result<String, WinError>,
        std::result::Result<String, WinError>,
    )>,
}

fn res<T>(r: Result<T>) -> std::result::Result<T, WinError> {
    r.map_err(|e| e.code)
}

/// Reads the whole configuration through one connection.
#[track_caller]
pub fn snapshot(c: &dyn RouterConfig) -> Snapshot {
    let mut interfaces = Vec::new();
    for entry in ok(c.interface_enum(0, ALL), "snapshot: interface_enum").entries {
        let info = ok(
            c.interface_get_info(&entry.id),
            "snapshot: interface_get_info",
        );
        let custom = res(c.interface_get_custom_info(&entry.id));
        let mut transports = Vec::new();
        for t in ok(
            c.if_transport_enum(&entry.id, 0, ALL),
            "snapshot: if_transport_enum",
        )
        .entries
        {
            let blob = ok(
                c.if_transport_get_info(&t.id),
                "snapshot: if_transport_get_info",
            );
            transports.push((t.id.protocol_id, t.name, blob));
        }
        transports.sort_by_key(|t| t.0);
        interfaces.push(InterfaceState {
            info,
            custom,
            transports,
        });
    }
    interfaces.sort_by_key(|i| i.info.name.to_uppercase());
    let mut transports = Vec::new();
    for entry in ok(c.transport_enum(0, ALL), "snapshot: transport_enum").entries {
        let info = ok(
            c.transport_get_info(&entry.id),
            "snapshot: transport_get_info",
        );
        let filter = res(c.filter_get_info(entry.id.protocol_id));
        transports.push(TransportState {
            protocol_id: entry.id.protocol_id,
            name: entry.name,
            info,
            filter,
        });
    }
    transports.sort_by_key(|t| t.protocol_id);
    let names = test_links()
        .iter()
        .map(|l| {
            (
                res(c.get_friendly_name(&l.guid)),
                res(c.get_guid_name(&l.name)),
            )
        })
        .collect();
    Snapshot {
        interfaces,
        transports,
        server: ok(c.server_get_info(), "snapshot: server_get_info"),
        server_ex: ok(c.server_get_info_ex(), "snapshot: server_get_info_ex"),
        names,
    }
}

/// The parts in which two snapshots differ, one line each (empty when equal).
pub fn snapshot_diff(got: &Snapshot, want: &Snapshot) -> Vec<String> {
    let mut out = Vec::new();
    let names = |s: &Snapshot| {
        s.interfaces
            .iter()
            .map(|i| i.info.name.clone())
            .collect::<Vec<_>>()
    };
    if names(got) != names(want) {
        out.push(format!(
            "interfaces: got {:?}, want {:?}",
            names(got),
            names(want)
        ));
    } else {
        for (g, w) in got.interfaces.iter().zip(&want.interfaces) {
            if g.info != w.info {
                out.push(format!(
                    "interface {:?}: got {:?}, want {:?}",
                    w.info.name, g.info, w.info
                ));
            }
            if g.custom != w.custom {
                out.push(format!(
                    "interface {:?} custom info: got {:?}, want {:?}",
                    w.info.name, g.custom, w.custom
                ));
            }
            if g.transports != w.transports {
                let short = |t: &[(u32, String, Option<Vec<u8>>)]| {
                    t.iter()
                        .map(|(p, n, b)| format!("{p:#x} {n:?} {:?}", b.as_ref().map(Vec::len)))
                        .collect::<Vec<_>>()
                };
                out.push(format!(
                    "interface {:?} transports: got {:?}, want {:?}{}",
                    w.info.name,
                    short(&g.transports),
                    short(&w.transports),
                    if short(&g.transports) == short(&w.transports) {
                        " (blob bytes differ)"
                    } else {
                        ""
                    }
                ));
            }
        }
    }
    if got.transports != want.transports {
        for w in &want.transports {
            match got
                .transports
                .iter()
                .find(|g| g.protocol_id == w.protocol_id)
            {
                None => out.push(format!("transport {:#x} missing", w.protocol_id)),
                Some(g) if g != w => out.push(format!(
                    "transport {:#x}: got {g:?}, want {w:?}",
                    w.protocol_id
                )),
                Some(_) => {}
            }
        }
        for g in &got.transports {
            if !want
                .transports
                .iter()
                .any(|w| w.protocol_id == g.protocol_id)
            {
                out.push(format!("transport {:#x} unexpected", g.protocol_id));
            }
        }
    }
    if got.server != want.server {
        out.push(format!(
            "server info: got {:?}, want {:?}",
            got.server, want.server
        ));
    }
    let (g, w) = (&got.server_ex, &want.server_ex);
    if (g.lan_only_mode, g.up_time, g.total_ports, g.ports_in_use)
        != (w.lan_only_mode, w.up_time, w.total_ports, w.ports_in_use)
    {
        out.push(format!("server info ex header: got {g:?}, want {w:?}"));
    }
    let (g, w) = (&g.config, &w.config);
    if g.ikev2 != w.ikev2 {
        out.push(format!(
            "IKEv2 config: got {:?}, want {:?}",
            g.ikev2, w.ikev2
        ));
    }
    if g.pptp != w.pptp {
        out.push(format!("PPTP config: got {:?}, want {:?}", g.pptp, w.pptp));
    }
    if g.l2tp != w.l2tp {
        out.push(format!("L2TP config: got {:?}, want {:?}", g.l2tp, w.l2tp));
    }
    if g.sstp != w.sstp {
        out.push(format!("SSTP config: got {:?}, want {:?}", g.sstp, w.sstp));
    }
    if g.gre != w.gre {
        out.push(format!("GRE config: got {:?}, want {:?}", g.gre, w.gre));
    }
    if got.names != want.names {
        out.push(format!("names: got {:?}, want {:?}", got.names, want.names));
    }
    out
}

/// Asserts that two snapshots are equal, listing the parts that differ.
#[track_caller]
pub fn assert_same_state(got: &Snapshot, want: &Snapshot, what: &str) {
    let diff = snapshot_diff(got, want);
    assert!(
        diff.is_empty() && got == want,
        "{what}: the configuration differs:\n  {}",
        diff.join("\n  ")
    );
}

/// A connection to the backend (shorthand).
pub fn connect(b: &dyn Backend) -> Box<dyn RouterConfig> {
    b.connect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudo_random_bytes_are_deterministic_and_varied() {
        let a = pseudo_random_bytes(7, 64);
        assert_eq!(a, pseudo_random_bytes(7, 64));
        assert_ne!(a, pseudo_random_bytes(8, 64));
        assert!(a.iter().collect::<std::collections::HashSet<_>>().len() > 16);
    }
}
