//! `show`, `interface`, `transport`, `iftransport` and `infoblock`: each a few `RouterConfig`
//! calls and one [`Output`].

use mprconfig::blocks::{DecodedBlock, FieldValue, decode_header};
use mprconfig::layout;
use mprconfig::{
    Connection, ConnectionState, Error, IfTransportId, Interface, InterfaceId, Result, TransportId,
    WinError, pid,
};
use serde_json::{Value, json};

use crate::args::{
    IfTransportCmd, InfoblockCmd, InterfaceCmd, Show, TransportCmd, TransportInfoArgs,
};
use crate::output::{Output, record, table};
use crate::parse;

/// The interface named `name`: its registry name, or failing that a friendly name (`eth0`)
/// mapped to its GUID name. Keeps the API's `ERROR_NO_SUCH_INTERFACE` when neither exists.
pub fn find_interface(conn: &Connection, name: &str) -> Result<InterfaceId> {
    match conn.interface_get_handle(name) {
        Err(e) if e.code == WinError::ERROR_NO_SUCH_INTERFACE => {
            if let Ok(guid) = conn.get_guid_name(name)
                && let Ok(id) = conn.interface_get_handle(&guid)
            {
                return Ok(id);
            }
            Err(Error::new(
                WinError::ERROR_NO_SUCH_INTERFACE,
                format!("there is no interface named {name:?} (see `mprcfg show interfaces`)"),
            ))
        }
        r => r,
    }
}

/// The transport `id` configured on an interface, with a hint when it is missing.
pub fn find_if_transport(
    conn: &Connection,
    iface: &InterfaceId,
    protocol_id: u32,
) -> Result<IfTransportId> {
    conn.if_transport_get_handle(iface, protocol_id).map_err(|e| {
        if e.code == WinError::ERROR_NO_SUCH_INTERFACE && conn.interface_get_handle(&iface.name).is_ok() {
            let t = parse::transport_name(protocol_id).map_or_else(|| format!("{protocol_id:#x}"), str::to_string);
            Error::new(
                e.code,
                format!(
                    "interface {:?} has no {t} transport (add it with: mprcfg iftransport add {:?} {t})",
                    iface.name, iface.name
                ),
            )
        } else {
            e
        }
    })
}

fn transport_label(id: u32) -> String {
    parse::transport_name(id).map_or_else(|| "-".to_string(), str::to_string)
}

fn hex_id(id: u32) -> String {
    format!("{id:#x}")
}

fn state_name(s: ConnectionState) -> String {
    match s.0 {
        0 => "unreachable".into(),
        1 => "disconnected".into(),
        2 => "connecting".into(),
        3 => "connected".into(),
        n => n.to_string(),
    }
}

fn port_flags(flags: u32) -> String {
    let mut v = Vec::new();
    if flags & mprconfig::MPR_ENABLE_RAS_ON_DEVICE != 0 {
        v.push("ras".to_string());
    }
    if flags & mprconfig::MPR_ENABLE_ROUTING_ON_DEVICE != 0 {
        v.push("routing".to_string());
    }
    let rest =
        flags & !(mprconfig::MPR_ENABLE_RAS_ON_DEVICE | mprconfig::MPR_ENABLE_ROUTING_ON_DEVICE);
    if rest != 0 {
        v.push(format!("{rest:#x}"));
    }
    if v.is_empty() {
        "-".into()
    } else {
        v.join(",")
    }
}

fn ports(p: &mprconfig::PortConfig) -> (String, Value) {
    (
        format!("{} ports ({})", p.num_ports, port_flags(p.port_flags)),
        json!({ "ports": p.num_ports, "flags": p.port_flags }),
    )
}

/// Block type names of a header, for summaries (`IP_ROUTE_INFO, IP_INTERFACE_STATUS_INFO`).
fn block_summary(bytes: Option<&[u8]>) -> (String, Value) {
    match bytes {
        None => ("-".into(), Value::Null),
        Some(b) => match decode_header(b) {
            Ok(blocks) => {
                let names: Vec<String> = blocks
                    .iter()
                    .map(|d| {
                        d.type_name
                            .map_or_else(|| format!("{:#010x}", d.info_type), str::to_string)
                    })
                    .collect();
                (
                    format!(
                        "{} bytes: {}",
                        b.len(),
                        if names.is_empty() {
                            "no blocks".into()
                        } else {
                            names.join(", ")
                        }
                    ),
                    json!({ "bytes": b.len(), "blocks": names }),
                )
            }
            Err(e) => (
                format!("{} bytes, malformed: {}", b.len(), e.detail),
                json!({ "bytes": b.len(), "error": e.detail }),
            ),
        },
    }
}

fn location(conn: &Connection, server: Option<&str>) -> String {
    match (server, conn.store_path()) {
        (Some(s), _) => format!("remote server {s}"),
        (None, Some(p)) => format!("local store {}", p.display()),
        (None, None) => "local".into(),
    }
}

/// `show …`
///
/// `json` says which rendering will be printed: long lists build only that one.
pub fn show(conn: &Connection, server: Option<&str>, cmd: &Show, json: bool) -> Result<Output> {
    match cmd {
        Show::Config => crate::config_json::show(conn),
        Show::Server => {
            let info = conn.server_get_info()?;
            let ex = conn.server_get_info_ex()?;
            let interfaces = conn.interfaces()?.len();
            let transports = conn.transports()?.len();
            let (pptp, pptp_j) = ports(&info.pptp);
            let (l2tp, l2tp_j) = ports(&info.l2tp);
            let (sstp, sstp_j) = ports(&info.sstp);
            let (ikev2, ikev2_j) = ports(&ex.config.ikev2.ports);
            let (gre, gre_j) = ports(&ex.config.gre);
            let loc = location(conn, server);
            Ok(Output {
                text: record(&[
                    ("Configuration", loc.clone()),
                    (
                        "LAN-only mode",
                        if info.lan_only_mode { "yes" } else { "no" }.into(),
                    ),
                    ("Total ports", info.total_ports.to_string()),
                    ("PPTP", pptp),
                    ("L2TP", l2tp),
                    ("SSTP", sstp),
                    ("IKEv2", ikev2),
                    ("GRE", gre),
                    ("Interfaces", interfaces.to_string()),
                    ("Transports", transports.to_string()),
                ]),
                json: json!({
                    "configuration": loc,
                    "lan_only_mode": info.lan_only_mode,
                    "total_ports": info.total_ports,
                    "pptp": pptp_j, "l2tp": l2tp_j, "sstp": sstp_j, "ikev2": ikev2_j, "gre": gre_j,
                    "interfaces": interfaces,
                    "transports": transports,
                }),
            })
        }
        Show::Interfaces => {
            let all = conn.interfaces()?;
            if json {
                let j: Vec<Value> = all
                    .iter()
                    .map(|e| interface_json(&e.id, &e.info, None))
                    .collect();
                return Ok(Output {
                    text: String::new(),
                    json: Value::Array(j),
                });
            }
            let rows = all
                .iter()
                .map(|e| {
                    vec![
                        e.id.key.to_string(),
                        e.info.name.clone(),
                        parse::interface_type_name(e.info.if_type),
                        if e.info.enabled {
                            "enabled"
                        } else {
                            "disabled"
                        }
                        .to_string(),
                        e.info
                            .dialout_hours
                            .as_ref()
                            .map_or_else(|| "-".into(), |h| h.join("; ")),
                    ]
                })
                .collect::<Vec<_>>();
            Ok(Output {
                text: table(&["Key", "Name", "Type", "State", "Dial-out hours"], &rows),
                json: Value::Null,
            })
        }
        Show::Interface { name } => {
            let id = find_interface(conn, name)?;
            let info = conn.interface_get_info(&id)?;
            let friendly = if layout::is_guid_name(&info.name) {
                conn.get_friendly_name(&info.name).ok()
            } else {
                None
            };
            let transports = conn.interface_transports(&id)?;
            let tlist = transports
                .iter()
                .map(|t| format!("{} ({})", t.name, hex_id(t.id.protocol_id)))
                .collect::<Vec<_>>()
                .join(", ");
            let mut j = interface_json(&id, &info, friendly.as_deref());
            j["transports"] = transports
                .iter()
                .map(|t| json!({ "protocol_id": t.id.protocol_id, "name": t.name }))
                .collect::<Vec<_>>()
                .into();
            Ok(Output {
                text: record(&[
                    ("Name", info.name.clone()),
                    ("Friendly name", friendly.unwrap_or_else(|| "-".into())),
                    ("Key", id.key.to_string()),
                    (
                        "Type",
                        format!(
                            "{} ({})",
                            parse::interface_type_name(info.if_type),
                            info.if_type.0
                        ),
                    ),
                    (
                        "State",
                        if info.enabled { "enabled" } else { "disabled" }.into(),
                    ),
                    ("Connection state", state_name(info.connection_state)),
                    (
                        "Unreachability reasons",
                        format!("{:#x}", info.unreachability_reasons),
                    ),
                    (
                        "Dial-out hours",
                        info.dialout_hours
                            .as_ref()
                            .map_or_else(|| "-".into(), |h| h.join("; ")),
                    ),
                    (
                        "Transports",
                        if tlist.is_empty() { "-".into() } else { tlist },
                    ),
                ]),
                json: j,
            })
        }
        Show::Transports => {
            let mut rows = Vec::new();
            let mut j = Vec::new();
            for t in conn.transports()? {
                let info = conn.transport_get_info(&t.id)?;
                let (blocks, blocks_j) = block_summary(info.global_info.as_deref());
                rows.push(vec![
                    hex_id(t.id.protocol_id),
                    transport_label(t.id.protocol_id),
                    t.name.clone(),
                    info.dll_path.clone().unwrap_or_else(|| "-".into()),
                    blocks,
                ]);
                j.push(json!({
                    "protocol_id": t.id.protocol_id,
                    "protocol": parse::transport_name(t.id.protocol_id),
                    "name": t.name,
                    "dll_path": info.dll_path,
                    "global_info": blocks_j,
                }));
            }
            Ok(Output {
                text: table(
                    &["Id", "Protocol", "Name", "DLL path", "Global info"],
                    &rows,
                ),
                json: Value::Array(j),
            })
        }
        Show::Transport { id } => {
            let tid = conn.transport_get_handle(parse::transport(id)?)?;
            let info = conn.transport_get_info(&tid)?;
            let (global, global_j) = block_summary(info.global_info.as_deref());
            let (client, client_j) = block_summary(info.client_interface_info.as_deref());
            let filtering = conn.filter_get_info(tid.protocol_id).ok();
            Ok(Output {
                text: record(&[
                    ("Name", info.name.clone()),
                    (
                        "Protocol id",
                        format!(
                            "{} ({})",
                            hex_id(tid.protocol_id),
                            transport_label(tid.protocol_id)
                        ),
                    ),
                    (
                        "DLL path",
                        info.dll_path.clone().unwrap_or_else(|| "-".into()),
                    ),
                    ("Global info", global),
                    ("Client interface info", client),
                    (
                        "Static filters",
                        filtering.map_or_else(
                            || "-".into(),
                            |f| if f { "enabled" } else { "disabled" }.into(),
                        ),
                    ),
                ]),
                json: json!({
                    "protocol_id": tid.protocol_id,
                    "name": info.name,
                    "dll_path": info.dll_path,
                    "global_info": global_j,
                    "client_interface_info": client_j,
                    "filters_enabled": filtering,
                }),
            })
        }
        Show::Iftransports { name } => {
            let iface = find_interface(conn, name)?;
            let mut rows = Vec::new();
            let mut j = Vec::new();
            for t in conn.interface_transports(&iface)? {
                let blob = conn.if_transport_get_info(&t.id)?;
                let (blocks, blocks_j) = block_summary(blob.as_deref());
                rows.push(vec![
                    hex_id(t.id.protocol_id),
                    transport_label(t.id.protocol_id),
                    t.name.clone(),
                    blocks,
                ]);
                j.push(json!({
                    "protocol_id": t.id.protocol_id,
                    "protocol": parse::transport_name(t.id.protocol_id),
                    "name": t.name,
                    "interface_info": blocks_j,
                }));
            }
            Ok(Output {
                text: table(&["Id", "Protocol", "Name", "Interface info"], &rows),
                json: Value::Array(j),
            })
        }
    }
}

fn interface_json(id: &InterfaceId, info: &Interface, friendly: Option<&str>) -> Value {
    let mut j = json!({
        "key": id.key,
        "name": info.name,
        "type": parse::interface_type_name(info.if_type),
        "type_id": info.if_type.0,
        "enabled": info.enabled,
        "connection_state": state_name(info.connection_state),
        "unreachability_reasons": info.unreachability_reasons,
        "dialout_hours": info.dialout_hours,
    });
    if let Some(f) = friendly {
        j["friendly_name"] = f.into();
    }
    j
}

/// `interface …`
pub fn interface(conn: &Connection, cmd: &InterfaceCmd) -> Result<Output> {
    match cmd {
        InterfaceCmd::Add {
            name,
            if_type,
            disabled,
            dialout_hours,
        } => {
            let info = Interface {
                name: name.clone(),
                if_type: parse::interface_type(if_type)?,
                enabled: !disabled,
                dialout_hours: (!dialout_hours.is_empty()).then(|| dialout_hours.clone()),
                ..Interface::default()
            };
            let id = conn.interface_create(&info)?;
            Ok(Output::done(
                format!("interface {:?} created (key {})", id.name, id.key),
                json!({ "created": id.name, "key": id.key }),
            ))
        }
        InterfaceCmd::Set {
            name,
            enable,
            disable,
            dialout_hours,
            no_dialout_hours,
        } => {
            if !enable && !disable && dialout_hours.is_empty() && !no_dialout_hours {
                return Err(Error::invalid_parameter(
                    "nothing to change: give --enable, --disable, --dialout-hours or --no-dialout-hours",
                ));
            }
            let id = find_interface(conn, name)?;
            let mut info = conn.interface_get_info(&id)?;
            if *enable || *disable {
                info.enabled = *enable;
            }
            let level = if !dialout_hours.is_empty() || *no_dialout_hours {
                info.dialout_hours = (!dialout_hours.is_empty()).then(|| dialout_hours.clone());
                1
            } else {
                0
            };
            conn.interface_set_info(&id, level, &info)?;
            Ok(Output::done(
                format!("interface {:?} updated", id.name),
                json!({ "updated": id.name }),
            ))
        }
        InterfaceCmd::Delete { name } => {
            let id = find_interface(conn, name)?;
            conn.interface_delete(&id)?;
            Ok(Output::done(
                format!("interface {:?} deleted", id.name),
                json!({ "deleted": id.name }),
            ))
        }
        InterfaceCmd::Enable { name } | InterfaceCmd::Disable { name } => {
            let enable = matches!(cmd, InterfaceCmd::Enable { .. });
            let id = find_interface(conn, name)?;
            let mut info = conn.interface_get_info(&id)?;
            info.enabled = enable;
            conn.interface_set_info(&id, 0, &info)?;
            let word = if enable { "enabled" } else { "disabled" };
            Ok(Output::done(
                format!("interface {:?} {word}", id.name),
                json!({ (word): id.name }),
            ))
        }
    }
}

/// What Windows installs for the IP and IPv6 router managers.
const IPRTRMGR: &str = r"%SystemRoot%\System32\iprtrmgr.dll";

fn blob_opt(s: &Option<String>) -> Result<Option<Vec<u8>>> {
    s.as_deref().map(parse::blob).transpose()
}

/// `transport …`
pub fn transport(conn: &Connection, cmd: &TransportCmd) -> Result<Output> {
    match cmd {
        TransportCmd::Add { id, name, info } => {
            let pid = parse::transport(id)?;
            let defaults = matches!(pid, pid::IP | pid::IPV6);
            let global = match (blob_opt(&info.global_info)?, pid) {
                (Some(b), _) => Some(b),
                (None, pid::IP) => Some(layout::DEFAULT_IP_GLOBAL_INFO.to_vec()),
                (None, pid::IPV6) => Some(layout::DEFAULT_IPV6_GLOBAL_INFO.to_vec()),
                (None, _) => None,
            };
            let dll = info
                .dll
                .clone()
                .or_else(|| defaults.then(|| IPRTRMGR.to_string()));
            let client = blob_opt(&info.client_info)?;
            let tid = conn.transport_create(
                pid,
                name.as_deref(),
                global.as_deref(),
                client.as_deref(),
                dll.as_deref(),
            )?;
            let stored = conn.transport_get_info(&tid)?;
            Ok(Output::done(
                format!(
                    "transport {} ({}) configured",
                    stored.name,
                    hex_id(tid.protocol_id)
                ),
                json!({ "configured": stored.name, "protocol_id": tid.protocol_id }),
            ))
        }
        TransportCmd::Set { id, info } => {
            let TransportInfoArgs {
                dll,
                global_info,
                client_info,
            } = info;
            if dll.is_none() && global_info.is_none() && client_info.is_none() {
                return Err(Error::invalid_parameter(
                    "nothing to change: give --dll, --global-info or --client-info",
                ));
            }
            let tid = conn.transport_get_handle(parse::transport(id)?)?;
            let global = blob_opt(global_info)?;
            let client = blob_opt(client_info)?;
            conn.transport_set_info(&tid, global.as_deref(), client.as_deref(), dll.as_deref())?;
            Ok(Output::done(
                format!("transport {} updated", hex_id(tid.protocol_id)),
                json!({ "updated": tid.protocol_id }),
            ))
        }
        TransportCmd::Delete { id } => {
            let tid: TransportId = conn.transport_get_handle(parse::transport(id)?)?;
            conn.transport_delete(&tid)?;
            Ok(Output::done(
                format!("transport {} deleted", hex_id(tid.protocol_id)),
                json!({ "deleted": tid.protocol_id }),
            ))
        }
    }
}

/// `iftransport …`
pub fn if_transport(conn: &Connection, cmd: &IfTransportCmd) -> Result<Output> {
    match cmd {
        IfTransportCmd::Add {
            name,
            transport,
            info,
            transport_name,
        } => {
            let iface = find_interface(conn, name)?;
            let pid = parse::transport(transport)?;
            let blob = match (info.as_deref().map(parse::blob).transpose()?, pid) {
                (Some(b), _) => Some(b),
                (None, pid::IP | pid::IPV6) => Some(layout::DEFAULT_INTERFACE_INFO.to_vec()),
                (None, _) => None,
            };
            let id =
                conn.if_transport_add(&iface, pid, transport_name.as_deref(), blob.as_deref())?;
            Ok(Output::done(
                format!(
                    "transport {} configured on interface {:?}",
                    hex_id(id.protocol_id),
                    iface.name
                ),
                json!({ "interface": iface.name, "protocol_id": id.protocol_id }),
            ))
        }
        IfTransportCmd::Set {
            name,
            transport,
            info,
        } => {
            let iface = find_interface(conn, name)?;
            let id = find_if_transport(conn, &iface, parse::transport(transport)?)?;
            conn.if_transport_set_info(&id, &parse::blob(info)?)?;
            Ok(Output::done(
                format!(
                    "transport {} of interface {:?} updated",
                    hex_id(id.protocol_id),
                    iface.name
                ),
                json!({ "interface": iface.name, "protocol_id": id.protocol_id }),
            ))
        }
        IfTransportCmd::Remove { name, transport } => {
            let iface = find_interface(conn, name)?;
            let id = find_if_transport(conn, &iface, parse::transport(transport)?)?;
            conn.if_transport_remove(&id)?;
            Ok(Output::done(
                format!(
                    "transport {} removed from interface {:?}",
                    hex_id(id.protocol_id),
                    iface.name
                ),
                json!({ "interface": iface.name, "removed": id.protocol_id }),
            ))
        }
    }
}

/// The header bytes an `infoblock show` names.
fn infoblock_bytes(conn: Option<&Connection>, cmd: &InfoblockCmd) -> Result<(String, Vec<u8>)> {
    let InfoblockCmd::Show {
        interface,
        transport,
        client,
        file,
    } = cmd;
    if let Some(f) = file {
        return Ok((
            format!("file {f}"),
            mprconfig::store::read_file(std::path::Path::new(f))?,
        ));
    }
    let conn = conn.ok_or_else(|| Error::invalid_parameter("no configuration is open"))?;
    let Some(t) = transport else {
        return Err(Error::invalid_parameter(
            "give --interface NAME --transport ID, --transport ID, or --file FILE",
        ));
    };
    let pid = parse::transport(t)?;
    match interface {
        Some(name) => {
            let iface = find_interface(conn, name)?;
            let id = find_if_transport(conn, &iface, pid)?;
            let blob = conn.if_transport_get_info(&id)?.ok_or_else(|| {
                Error::new(
                    WinError::ERROR_NOT_FOUND,
                    format!("interface {:?} stores no information for {t}", iface.name),
                )
            })?;
            Ok((
                format!("interface {:?} transport {}", iface.name, hex_id(pid)),
                blob,
            ))
        }
        None => {
            let info = conn.transport_get_info(&conn.transport_get_handle(pid)?)?;
            let (what, blob) = if *client {
                ("client interface info", info.client_interface_info)
            } else {
                ("global info", info.global_info)
            };
            let blob = blob.ok_or_else(|| {
                Error::new(
                    WinError::ERROR_NOT_FOUND,
                    format!("transport {t} stores no {what}"),
                )
            })?;
            Ok((format!("transport {} {what}", hex_id(pid)), blob))
        }
    }
}

/// A decoded field as JSON (numbers, booleans, names with their value, text).
pub(crate) fn field_json(v: &FieldValue) -> Value {
    match v {
        FieldValue::U32(n) => json!(n),
        FieldValue::I32(n) => json!(n),
        FieldValue::Bool(b) => json!(b),
        FieldValue::Named(n, Some(name)) => json!({ "value": n, "name": name }),
        FieldValue::Named(n, None) => json!(n),
        FieldValue::Addr(_) | FieldValue::Prefix(..) | FieldValue::Bytes(_) => json!(v.to_string()),
        FieldValue::Text(s) => json!(s),
    }
}

fn hex_lines(bytes: &[u8], indent: &str) -> String {
    if bytes.is_empty() {
        return format!("{indent}(empty)");
    }
    bytes
        .chunks(16)
        .enumerate()
        .map(|(i, c)| format!("{indent}{:04x}  {}", i * 16, FieldValue::Bytes(c.to_vec())))
        .collect::<Vec<_>>()
        .join("\n")
}

fn render_block(i: usize, b: &DecodedBlock) -> String {
    let mut out = format!(
        "Block {}: {:#010x} {}{}, InfoSize {}, Count {}",
        i + 1,
        b.info_type,
        b.type_name.unwrap_or("(unknown type)"),
        b.structure.map(|s| format!(" ({s})")).unwrap_or_default(),
        b.item_size,
        b.count
    );
    if let Some(raw) = &b.raw {
        if let Some(note) = &b.note {
            out.push_str(&format!("\n  shown raw: {note}"));
        }
        out.push('\n');
        out.push_str(&hex_lines(raw, "  "));
        return out;
    }
    if b.items.is_empty() {
        out.push_str("\n  (no items)");
    }
    let many = b.items.len() > 1;
    for (n, item) in b.items.iter().enumerate() {
        let indent = if many { "    " } else { "  " };
        if many {
            out.push_str(&format!("\n  [{n}]"));
        }
        let width = item.iter().map(|f| f.name.len()).max().unwrap_or(0);
        for f in item {
            out.push_str(&format!("\n{indent}{:width$}  {}", f.name, f.value));
        }
    }
    out
}

/// `infoblock show`
pub fn infoblock(conn: Option<&Connection>, cmd: &InfoblockCmd) -> Result<Output> {
    let (what, bytes) = infoblock_bytes(conn, cmd)?;
    let blocks = decode_header(&bytes)?;
    let mut text = format!("{what}: {} bytes, {} blocks", bytes.len(), blocks.len());
    for (i, b) in blocks.iter().enumerate() {
        text.push('\n');
        text.push_str(&render_block(i, b));
    }
    let j: Vec<Value> = blocks
        .iter()
        .map(|b| {
            json!({
                "type": b.info_type,
                "type_hex": format!("{:#010x}", b.info_type),
                "name": b.type_name,
                "structure": b.structure,
                "item_size": b.item_size,
                "count": b.count,
                "items": b.items.iter().map(|item| {
                    Value::Object(item.iter().map(|f| (f.name.to_string(), field_json(&f.value))).collect())
                }).collect::<Vec<_>>(),
                "raw": b.raw.as_ref().map(|r| r.iter().map(|x| format!("{x:02x}")).collect::<String>()),
                "note": b.note,
            })
        })
        .collect();
    Ok(Output {
        text,
        json: json!({ "source": what, "bytes": bytes.len(), "blocks": j }),
    })
}
