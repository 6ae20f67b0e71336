//! `load FILE [--dry-run]`: makes the configuration equal to a `show config` document.
//!
//! The document is read and checked completely, compared with the configuration as it is now,
//! and the difference (added / changed / removed, one line each) is printed first. Then, unless
//! `--dry-run`, every change is applied as ONE atomic batch (`RouterConfig::apply_batch`):
//! either the configuration now equals the document, or nothing changed and the error names
//! the failing step.
//!
//! What cannot be changed in place is replaced inside the same batch: an interface whose type
//! differs is deleted and created again (with its transports), a transport or
//! interface-transport whose subkey name differs, or whose stored header the document removes
//! (`null`), is removed and added again. `server.lan_only_mode` is read-only through this API:
//! a difference is reported and left alone.

use std::io::Write;

use mprconfig::{BatchOp, Connection, Error, IfRef, Interface, Result, ServerInfo, WinError};
use serde_json::{Value, json};

use crate::config_json::{self, Config, IfTransport, Iface, Transport};
use crate::output::Output;
use crate::parse;

/// One line of the difference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// `+` added, `~` changed, `-` removed, `!` left alone (read-only).
    pub op: char,
    /// `server`, `transport`, `interface` or `iftransport`.
    pub kind: &'static str,
    /// Which one (`"Branch"`, `ip (0x21)`, `"Branch" ip`).
    pub name: String,
    /// What differs.
    pub detail: String,
}

impl Change {
    fn text(&self) -> String {
        if self.detail.is_empty() {
            format!("{} {} {}", self.op, self.kind, self.name)
        } else {
            format!("{} {} {}: {}", self.op, self.kind, self.name, self.detail)
        }
    }

    fn json(&self) -> Value {
        let op = match self.op {
            '+' => "added",
            '~' => "changed",
            '-' => "removed",
            _ => "unchanged-read-only",
        };
        json!({ "op": op, "kind": self.kind, "name": self.name, "detail": self.detail })
    }
}

fn tname(pid: u32) -> String {
    match parse::transport_name(pid) {
        Some(n) => format!("{n} ({pid:#x})"),
        None => format!("{pid:#x}"),
    }
}

fn header_word(h: &Option<Vec<u8>>) -> String {
    match h {
        None => "none".into(),
        Some(b) => format!("{} bytes", b.len()),
    }
}

fn ports_word(p: &mprconfig::PortConfig) -> String {
    format!("{} ports, flags {:#x}", p.num_ports, p.port_flags)
}

/// Steps to make one transport of `want` exist as given (`have`: what is there now).
fn transport_steps(
    have: Option<&Transport>,
    want: &Transport,
    ops: &mut Vec<BatchOp>,
) -> Vec<String> {
    let create = |ops: &mut Vec<BatchOp>| {
        ops.push(BatchOp::TransportCreate {
            protocol_id: want.protocol_id,
            name: Some(want.name.clone()),
            global_info: want.global_info.clone(),
            client_interface_info: want.client_interface_info.clone(),
            dll_path: want.dll_path.clone(),
        })
    };
    let mut what = Vec::new();
    match have {
        None => create(ops),
        Some(h) => {
            if h.name != want.name {
                what.push(format!("name {:?} -> {:?}", h.name, want.name));
            }
            for (label, a, b) in [
                ("global_info", &h.global_info, &want.global_info),
                (
                    "client_interface_info",
                    &h.client_interface_info,
                    &want.client_interface_info,
                ),
            ] {
                if a != b {
                    what.push(format!("{label} {} -> {}", header_word(a), header_word(b)));
                }
            }
            if h.dll_path != want.dll_path {
                what.push(format!("dll_path {:?} -> {:?}", h.dll_path, want.dll_path));
            }
            // `None` in a set means "unchanged": dropping a stored item needs a new transport.
            let dropped = (h.global_info.is_some() && want.global_info.is_none())
                || (h.client_interface_info.is_some() && want.client_interface_info.is_none())
                || (h.dll_path.is_some() && want.dll_path.is_none());
            if h.name != want.name || dropped {
                ops.push(BatchOp::TransportDelete {
                    protocol_id: want.protocol_id,
                });
                create(ops);
            } else if !what.is_empty() {
                let changed = |a: &Option<Vec<u8>>, b: &Option<Vec<u8>>| {
                    (a != b).then(|| b.clone()).flatten()
                };
                ops.push(BatchOp::TransportSetInfo {
                    protocol_id: want.protocol_id,
                    global_info: changed(&h.global_info, &want.global_info),
                    client_interface_info: changed(
                        &h.client_interface_info,
                        &want.client_interface_info,
                    ),
                    dll_path: (h.dll_path != want.dll_path)
                        .then(|| want.dll_path.clone())
                        .flatten(),
                });
            }
        }
    }
    if let Some(want_f) = want.filters_enabled {
        // A transport made just now has its switch off; one that is there has `have`'s.
        let now = have.and_then(|h| h.filters_enabled);
        if now != Some(want_f) {
            if have.is_some() && now.is_some() {
                what.push(format!(
                    "filters_enabled {} -> {want_f}",
                    now.unwrap_or(false)
                ));
            }
            ops.push(BatchOp::FilterSetInfo {
                protocol_id: want.protocol_id,
                enable: want_f,
            });
            // The switch may live in GlobalInfo (IP_FILTER_ENABLE_INFO for ip and ipv6):
            // the document's GlobalInfo, which already says the same, is written back so the
            // header ends up byte for byte as the document has it.
            if want.global_info.is_some() {
                ops.push(BatchOp::TransportSetInfo {
                    protocol_id: want.protocol_id,
                    global_info: want.global_info.clone(),
                    client_interface_info: None,
                    dll_path: None,
                });
            }
        }
    }
    what
}

fn add_if_transport(iface: &str, t: &IfTransport, ops: &mut Vec<BatchOp>) {
    ops.push(BatchOp::IfTransportAdd {
        interface: IfRef::Name(iface.to_string()),
        protocol_id: t.protocol_id,
        name: Some(t.name.clone()),
        info: t.interface_info.clone(),
    });
}

fn create_interface(want: &Iface, ops: &mut Vec<BatchOp>) {
    ops.push(BatchOp::InterfaceCreate {
        info: Interface {
            name: want.name.clone(),
            if_type: want.if_type,
            enabled: want.enabled,
            dialout_hours: want.dialout_hours.clone(),
            ..Interface::default()
        },
    });
    for t in &want.transports {
        add_if_transport(&want.name, t, ops);
    }
}

/// The difference from `have` to `want`, and the batch that makes `have` equal to `want`.
pub fn plan(have: &Config, want: &Config) -> (Vec<Change>, Vec<BatchOp>) {
    let mut changes = Vec::new();
    let mut ops = Vec::new();
    let change = |op, kind, name: String, detail: String| Change {
        op,
        kind,
        name,
        detail,
    };

    // Server ports.
    let (hs, ws) = (&have.server, &want.server);
    let mut what = Vec::new();
    for (label, a, b) in [
        ("pptp", &hs.pptp, &ws.pptp),
        ("l2tp", &hs.l2tp, &ws.l2tp),
        ("sstp", &hs.sstp, &ws.sstp),
    ] {
        if a != b {
            what.push(format!("{label} {} -> {}", ports_word(a), ports_word(b)));
        }
    }
    if !what.is_empty() {
        changes.push(change('~', "server", "ports".into(), what.join("; ")));
        ops.push(BatchOp::ServerSetInfo {
            level: 2,
            info: ServerInfo {
                pptp: ws.pptp,
                l2tp: ws.l2tp,
                sstp: ws.sstp,
                ..ServerInfo::default()
            },
        });
    }
    if hs.lan_only_mode != ws.lan_only_mode {
        changes.push(change(
            '!',
            "server",
            "lan_only_mode".into(),
            format!(
                "is {}, the file says {} (read-only: left alone)",
                hs.lan_only_mode, ws.lan_only_mode
            ),
        ));
    }

    let same_name = |a: &str, b: &str| a.to_lowercase() == b.to_lowercase();
    let find_if =
        |list: &'_ [Iface], name: &str| list.iter().position(|i| same_name(&i.name, name));

    // Interfaces that go, or whose type changes, are deleted first (a name may come back).
    for h in &have.interfaces {
        match find_if(&want.interfaces, &h.name) {
            None => {
                changes.push(change(
                    '-',
                    "interface",
                    format!("{:?}", h.name),
                    String::new(),
                ));
                ops.push(BatchOp::InterfaceDelete {
                    interface: IfRef::Name(h.name.clone()),
                });
            }
            Some(w) if want.interfaces[w].if_type != h.if_type => {
                ops.push(BatchOp::InterfaceDelete {
                    interface: IfRef::Name(h.name.clone()),
                });
            }
            Some(_) => {}
        }
    }

    // Transports before the interface-transports that use them.
    for w in &want.transports {
        let h = have
            .transports
            .iter()
            .find(|t| t.protocol_id == w.protocol_id);
        let what = transport_steps(h, w, &mut ops);
        match h {
            None => changes.push(change(
                '+',
                "transport",
                tname(w.protocol_id),
                format!("name {:?}", w.name),
            )),
            Some(_) if !what.is_empty() => changes.push(change(
                '~',
                "transport",
                tname(w.protocol_id),
                what.join("; "),
            )),
            Some(_) => {}
        }
    }

    for w in &want.interfaces {
        let Some(h) = find_if(&have.interfaces, &w.name).map(|i| &have.interfaces[i]) else {
            changes.push(change(
                '+',
                "interface",
                format!("{:?}", w.name),
                format!(
                    "{}, {} transports",
                    parse::interface_type_name(w.if_type),
                    w.transports.len()
                ),
            ));
            create_interface(w, &mut ops);
            continue;
        };
        if h.if_type != w.if_type {
            changes.push(change(
                '~',
                "interface",
                format!("{:?}", w.name),
                format!(
                    "type {} -> {} (deleted and created again)",
                    parse::interface_type_name(h.if_type),
                    parse::interface_type_name(w.if_type)
                ),
            ));
            create_interface(w, &mut ops);
            continue;
        }
        let mut what = Vec::new();
        if h.name != w.name {
            // Names are case-insensitive and fixed after creation: only the case differs.
            what.push(format!(
                "name {:?} -> {:?} (case only: kept)",
                h.name, w.name
            ));
        }
        if h.enabled != w.enabled {
            what.push(format!("enabled {} -> {}", h.enabled, w.enabled));
        }
        if h.dialout_hours != w.dialout_hours {
            what.push(format!(
                "dialout_hours {:?} -> {:?}",
                h.dialout_hours, w.dialout_hours
            ));
        }
        if h.enabled != w.enabled || h.dialout_hours != w.dialout_hours {
            ops.push(BatchOp::InterfaceSetInfo {
                interface: IfRef::Name(w.name.clone()),
                level: 1,
                info: Interface {
                    name: h.name.clone(),
                    if_type: h.if_type,
                    enabled: w.enabled,
                    dialout_hours: w.dialout_hours.clone(),
                    ..Interface::default()
                },
            });
        }
        if !what.is_empty() {
            changes.push(change(
                '~',
                "interface",
                format!("{:?}", w.name),
                what.join("; "),
            ));
        }
        let itname = |pid| format!("{:?} {}", w.name, tname(pid));
        for ht in &h.transports {
            if !w.transports.iter().any(|t| t.protocol_id == ht.protocol_id) {
                changes.push(change(
                    '-',
                    "iftransport",
                    itname(ht.protocol_id),
                    String::new(),
                ));
                ops.push(BatchOp::IfTransportRemove {
                    interface: IfRef::Name(w.name.clone()),
                    protocol_id: ht.protocol_id,
                });
            }
        }
        for wt in &w.transports {
            let Some(ht) = h
                .transports
                .iter()
                .find(|t| t.protocol_id == wt.protocol_id)
            else {
                changes.push(change(
                    '+',
                    "iftransport",
                    itname(wt.protocol_id),
                    header_word(&wt.interface_info),
                ));
                add_if_transport(&w.name, wt, &mut ops);
                continue;
            };
            let mut what = Vec::new();
            if ht.name != wt.name {
                what.push(format!("name {:?} -> {:?}", ht.name, wt.name));
            }
            if ht.interface_info != wt.interface_info {
                what.push(format!(
                    "interface_info {} -> {}",
                    header_word(&ht.interface_info),
                    header_word(&wt.interface_info)
                ));
            }
            if what.is_empty() {
                continue;
            }
            changes.push(change(
                '~',
                "iftransport",
                itname(wt.protocol_id),
                what.join("; "),
            ));
            match &wt.interface_info {
                Some(info) if ht.name == wt.name => ops.push(BatchOp::IfTransportSetInfo {
                    interface: IfRef::Name(w.name.clone()),
                    protocol_id: wt.protocol_id,
                    info: info.clone(),
                }),
                _ => {
                    ops.push(BatchOp::IfTransportRemove {
                        interface: IfRef::Name(w.name.clone()),
                        protocol_id: wt.protocol_id,
                    });
                    add_if_transport(&w.name, wt, &mut ops);
                }
            }
        }
    }

    // Transports that go, last (interface-transports of the same id are handled above).
    for h in &have.transports {
        if !want
            .transports
            .iter()
            .any(|t| t.protocol_id == h.protocol_id)
        {
            changes.push(change(
                '-',
                "transport",
                tname(h.protocol_id),
                format!("name {:?}", h.name),
            ));
            ops.push(BatchOp::TransportDelete {
                protocol_id: h.protocol_id,
            });
        }
    }
    (changes, ops)
}

/// `load FILE [--dry-run]`. `print_first`: print the difference on stdout before applying
/// (a single router in text mode; a fleet run keeps it in the result instead).
pub fn load(conn: &Connection, file: &str, dry_run: bool, print_first: bool) -> Result<Output> {
    let bytes = crate::input::read(file)?;
    let doc: Value = serde_json::from_slice(&bytes).map_err(|e| {
        Error::new(
            WinError::ERROR_INVALID_DATA,
            format!("{file} is not a JSON document: {e}"),
        )
    })?;
    let want = config_json::from_json(&doc).map_err(|e| e.context(file))?;
    let have = config_json::snapshot(conn)?;
    let (changes, ops) = plan(&have, &want);
    let lines: Vec<String> = changes.iter().map(Change::text).collect();
    if print_first && !lines.is_empty() {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{}", lines.join("\n"));
        let _ = out.flush();
    }
    let applied = !dry_run && !ops.is_empty();
    if applied {
        conn.apply_batch(&ops).map_err(|e| e.error)?;
    }
    let counted = changes.iter().filter(|c| c.op != '!').count();
    let summary = if ops.is_empty() {
        format!("no changes: the configuration already matches {file}")
    } else if dry_run {
        format!(
            "dry run: {counted} changes ({} batch steps), nothing applied",
            ops.len()
        )
    } else {
        format!(
            "{counted} changes applied in one batch ({} steps)",
            ops.len()
        )
    };
    let text = if print_first || lines.is_empty() {
        summary
    } else {
        format!("{}\n{summary}", lines.join("\n"))
    };
    Ok(Output {
        text,
        json: json!({
            "file": file,
            "dry_run": dry_run,
            "applied": applied,
            "steps": ops.len(),
            "changes": changes.iter().map(Change::json).collect::<Vec<_>>(),
        }),
    })
}
