//! `show config`: the whole configuration as one JSON document, the form `load` reads back.
//!
//! The document (format `mprconfig-config`, version 1; `docs/cli.md` documents every field)
//! holds what the configuration API can both read and write: the server's port settings, the
//! transports (router managers) with their information headers and static-filter switch, and
//! the interfaces with their interface-transports. Ordering is deterministic: transports and
//! interface-transports by protocol id, interfaces by name (case-insensitively, then exactly).
//! Handles and registry key numbers are not part of it (they differ between stores), nor is
//! anything derived at run time (connection state, unreachability reasons).
//!
//! An information header is written as its blocks: each block's type, `InfoSize`, `Count` and
//! data (lower-case hex) — the authoritative part — plus, where the CLI decodes that block type
//! (`infoblock show`), its decoded items for people to read (`decoded`; `load` ignores it). A
//! header that does not parse, or whose bytes are not exactly the canonical encoding of its
//! blocks, is written as `{"hex": …}` of all its bytes instead, so nothing is ever lost.

use mprconfig::blocks::decode_block;
use mprconfig::info::{InfoBlock, InfoHeader};
use mprconfig::{Connection, Error, InterfaceType, PortConfig, Result, WinError};
use serde_json::{Value, json};

use crate::parse;

/// The `format` member of the document.
pub const FORMAT: &str = "mprconfig-config";
/// The `version` member this CLI writes and reads.
pub const VERSION: u64 = 1;

/// The whole configuration as `show config` writes it and `load` applies it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Server-wide settings.
    pub server: Server,
    /// Router managers, by protocol id.
    pub transports: Vec<Transport>,
    /// Interfaces, by name.
    pub interfaces: Vec<Iface>,
}

/// `MprConfigServerGetInfo` level 2, minus what has no persistent source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Server {
    /// Read-only here (derived from the router's Parameters); `load` does not change it.
    pub lan_only_mode: bool,
    /// PPTP ports.
    pub pptp: PortConfig,
    /// L2TP ports.
    pub l2tp: PortConfig,
    /// SSTP ports.
    pub sstp: PortConfig,
}

/// One transport.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transport {
    /// Protocol id (`PID_IP` 0x21, …).
    pub protocol_id: u32,
    /// Its `RouterManagers` subkey name.
    pub name: String,
    /// `DLLPath`.
    pub dll_path: Option<String>,
    /// `MprConfigFilterGetInfo`; `None` where the transport has no such switch.
    pub filters_enabled: Option<bool>,
    /// `GlobalInfo`.
    pub global_info: Option<Vec<u8>>,
    /// `GlobalInterfaceInfo`.
    pub client_interface_info: Option<Vec<u8>>,
}

/// One interface with its transports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Iface {
    /// Interface name.
    pub name: String,
    /// Interface type (fixed after creation: a new type means delete and create).
    pub if_type: InterfaceType,
    /// Administrative state.
    pub enabled: bool,
    /// Dial-out hours, `None` for no restriction.
    pub dialout_hours: Option<Vec<String>>,
    /// Interface-transports, by protocol id.
    pub transports: Vec<IfTransport>,
}

/// One interface-transport.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IfTransport {
    /// Protocol id.
    pub protocol_id: u32,
    /// Its subkey name.
    pub name: String,
    /// `InterfaceInfo`.
    pub interface_info: Option<Vec<u8>>,
}

/// The sort key of interface names: case-insensitive first, exact second (names are unique
/// case-insensitively, so the second part only makes the order total).
fn name_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.to_lowercase()
        .cmp(&b.to_lowercase())
        .then_with(|| a.cmp(b))
}

/// Reads the whole configuration.
pub fn snapshot(conn: &Connection) -> Result<Config> {
    let info = conn.server_get_info()?;
    let server = Server {
        lan_only_mode: info.lan_only_mode,
        pptp: info.pptp,
        l2tp: info.l2tp,
        sstp: info.sstp,
    };
    let mut transports = Vec::new();
    for t in conn.transports()? {
        let ti = conn.transport_get_info(&t.id)?;
        transports.push(Transport {
            protocol_id: t.id.protocol_id,
            name: ti.name,
            dll_path: ti.dll_path,
            filters_enabled: conn.filter_get_info(t.id.protocol_id).ok(),
            global_info: ti.global_info,
            client_interface_info: ti.client_interface_info,
        });
    }
    transports.sort_by_key(|t| t.protocol_id);
    let mut interfaces = Vec::new();
    for e in conn.interfaces()? {
        let mut its = Vec::new();
        for t in conn.interface_transports(&e.id)? {
            its.push(IfTransport {
                protocol_id: t.id.protocol_id,
                name: t.name.clone(),
                interface_info: conn.if_transport_get_info(&t.id)?,
            });
        }
        its.sort_by_key(|t| t.protocol_id);
        interfaces.push(Iface {
            name: e.info.name,
            if_type: e.info.if_type,
            enabled: e.info.enabled,
            dialout_hours: e.info.dialout_hours,
            transports: its,
        });
    }
    interfaces.sort_by(|a, b| name_order(&a.name, &b.name));
    Ok(Config {
        server,
        transports,
        interfaces,
    })
}

// ---- to JSON ------------------------------------------------------------------------------------

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn ports_json(p: &PortConfig) -> Value {
    json!({ "ports": p.num_ports, "flags": p.port_flags })
}

/// An information header: its blocks when its bytes are their canonical encoding, else all
/// its bytes in hex.
pub fn header_json(bytes: Option<&[u8]>) -> Value {
    let Some(bytes) = bytes else {
        return Value::Null;
    };
    match InfoHeader::parse(bytes) {
        Ok(h) if h.to_bytes() == bytes => {
            let blocks: Vec<Value> = h.blocks.iter().map(block_json).collect();
            json!({ "version": h.version, "blocks": blocks })
        }
        Ok(_) => {
            json!({ "hex": hex(bytes), "note": "not in canonical layout; kept byte for byte" })
        }
        Err(e) => json!({ "hex": hex(bytes), "note": format!("does not parse: {}", e.detail) }),
    }
}

fn block_json(b: &InfoBlock) -> Value {
    let d = decode_block(b);
    let mut j = json!({
        "type": b.info_type,
        "type_hex": format!("{:#010x}", b.info_type),
        "name": d.type_name,
        "item_size": b.item_size,
        "count": b.count,
        "data": hex(&b.data),
    });
    if d.raw.is_none() {
        j["decoded"] = json!({
            "structure": d.structure,
            "items": d.items.iter().map(|item| {
                Value::Object(item.iter().map(|f| (f.name.to_string(), crate::commands::field_json(&f.value))).collect())
            }).collect::<Vec<_>>(),
        });
    }
    j
}

/// The document of a configuration.
pub fn to_json(c: &Config) -> Value {
    json!({
        "format": FORMAT,
        "version": VERSION,
        "server": {
            "lan_only_mode": c.server.lan_only_mode,
            "pptp": ports_json(&c.server.pptp),
            "l2tp": ports_json(&c.server.l2tp),
            "sstp": ports_json(&c.server.sstp),
        },
        "transports": c.transports.iter().map(|t| json!({
            "protocol_id": t.protocol_id,
            "protocol": parse::transport_name(t.protocol_id),
            "name": t.name,
            "dll_path": t.dll_path,
            "filters_enabled": t.filters_enabled,
            "global_info": header_json(t.global_info.as_deref()),
            "client_interface_info": header_json(t.client_interface_info.as_deref()),
        })).collect::<Vec<_>>(),
        "interfaces": c.interfaces.iter().map(|i| json!({
            "name": i.name,
            "type": parse::interface_type_name(i.if_type),
            "type_id": i.if_type.0,
            "enabled": i.enabled,
            "dialout_hours": i.dialout_hours,
            "transports": i.transports.iter().map(|t| json!({
                "protocol_id": t.protocol_id,
                "protocol": parse::transport_name(t.protocol_id),
                "name": t.name,
                "interface_info": header_json(t.interface_info.as_deref()),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

// ---- from JSON ----------------------------------------------------------------------------------

fn bad(path: &str, what: impl std::fmt::Display) -> Error {
    Error::new(WinError::ERROR_INVALID_DATA, format!("{path}: {what}"))
}

fn member<'a>(v: &'a Value, path: &str, key: &str) -> Result<&'a Value> {
    v.as_object()
        .ok_or_else(|| bad(path, "expected an object"))?
        .get(key)
        .ok_or_else(|| bad(&format!("{path}.{key}"), "missing"))
}

fn u32_of(v: &Value, path: &str) -> Result<u32> {
    v.as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| bad(path, "expected a number from 0 to 4294967295"))
}

fn str_of<'a>(v: &'a Value, path: &str) -> Result<&'a str> {
    v.as_str().ok_or_else(|| bad(path, "expected a string"))
}

fn bool_of(v: &Value, path: &str) -> Result<bool> {
    v.as_bool()
        .ok_or_else(|| bad(path, "expected true or false"))
}

fn array_of<'a>(v: &'a Value, path: &str) -> Result<&'a Vec<Value>> {
    v.as_array().ok_or_else(|| bad(path, "expected an array"))
}

fn opt_str(v: &Value, path: &str) -> Result<Option<String>> {
    match v {
        Value::Null => Ok(None),
        v => str_of(v, path).map(|s| Some(s.to_string())),
    }
}

fn unhex(s: &str, path: &str) -> Result<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return Err(bad(path, "hex of odd length"));
    }
    (0..s.len())
        .step_by(2)
        .map(|i| {
            s.get(i..i + 2)
                .and_then(|p| u8::from_str_radix(p, 16).ok())
                .ok_or_else(|| bad(path, format!("not hex at offset {i}")))
        })
        .collect()
}

fn ports_of(v: &Value, path: &str) -> Result<PortConfig> {
    Ok(PortConfig {
        num_ports: u32_of(member(v, path, "ports")?, &format!("{path}.ports"))?,
        port_flags: u32_of(member(v, path, "flags")?, &format!("{path}.flags"))?,
    })
}

/// An information header from its JSON form (`null`, `{"hex"}` or `{"version", "blocks"}`).
pub fn header_of(v: &Value, path: &str) -> Result<Option<Vec<u8>>> {
    if v.is_null() {
        return Ok(None);
    }
    let obj = v
        .as_object()
        .ok_or_else(|| bad(path, "expected an object or null"))?;
    if let Some(h) = obj.get("hex") {
        return unhex(str_of(h, &format!("{path}.hex"))?, &format!("{path}.hex")).map(Some);
    }
    let version = u32_of(member(v, path, "version")?, &format!("{path}.version"))?;
    let mut header = InfoHeader::new(version).map_err(|e| bad(&format!("{path}.version"), e))?;
    let blocks_path = format!("{path}.blocks");
    for (i, b) in array_of(member(v, path, "blocks")?, &blocks_path)?
        .iter()
        .enumerate()
    {
        let p = format!("{blocks_path}[{i}]");
        let info_type = u32_of(member(b, &p, "type")?, &format!("{p}.type"))?;
        let item_size = u32_of(member(b, &p, "item_size")?, &format!("{p}.item_size"))?;
        let count = u32_of(member(b, &p, "count")?, &format!("{p}.count"))?;
        let data = unhex(
            str_of(member(b, &p, "data")?, &format!("{p}.data"))?,
            &format!("{p}.data"),
        )?;
        header
            .add(info_type, item_size, count, &data)
            .map_err(|e| bad(&p, e))?;
    }
    Ok(Some(header.to_bytes()))
}

/// A configuration from its document. Every error is `ERROR_INVALID_DATA` naming the member
/// (`interfaces[2].transports[0].protocol_id: expected a number …`).
pub fn from_json(v: &Value) -> Result<Config> {
    let format = str_of(member(v, "$", "format")?, "$.format")?;
    if format != FORMAT {
        return Err(bad("$.format", format!("{format:?} is not {FORMAT:?}")));
    }
    let version = member(v, "$", "version")?;
    if version.as_u64() != Some(VERSION) {
        return Err(bad(
            "$.version",
            format!("{version} is not a version this mprcfg reads ({VERSION})"),
        ));
    }
    let s = member(v, "$", "server")?;
    let server = Server {
        lan_only_mode: bool_of(
            member(s, "server", "lan_only_mode")?,
            "server.lan_only_mode",
        )?,
        pptp: ports_of(member(s, "server", "pptp")?, "server.pptp")?,
        l2tp: ports_of(member(s, "server", "l2tp")?, "server.l2tp")?,
        sstp: ports_of(member(s, "server", "sstp")?, "server.sstp")?,
    };
    let mut transports = Vec::new();
    for (i, t) in array_of(member(v, "$", "transports")?, "transports")?
        .iter()
        .enumerate()
    {
        let p = format!("transports[{i}]");
        let field = |k: &str| member(t, &p, k).map(|v| (v, format!("{p}.{k}")));
        let (pid, pp) = field("protocol_id")?;
        let (name, np) = field("name")?;
        let (dll, dp) = field("dll_path")?;
        let (fe, fp) = field("filters_enabled")?;
        let (gi, gp) = field("global_info")?;
        let (ci, cp) = field("client_interface_info")?;
        transports.push(Transport {
            protocol_id: u32_of(pid, &pp)?,
            name: str_of(name, &np)?.to_string(),
            dll_path: opt_str(dll, &dp)?,
            filters_enabled: match fe {
                Value::Null => None,
                v => Some(bool_of(v, &fp)?),
            },
            global_info: header_of(gi, &gp)?,
            client_interface_info: header_of(ci, &cp)?,
        });
    }
    let mut interfaces = Vec::new();
    for (i, f) in array_of(member(v, "$", "interfaces")?, "interfaces")?
        .iter()
        .enumerate()
    {
        let p = format!("interfaces[{i}]");
        let field = |k: &str| member(f, &p, k).map(|v| (v, format!("{p}.{k}")));
        let (name, np) = field("name")?;
        let (ty, tp) = field("type_id")?;
        let (en, ep) = field("enabled")?;
        let (dh, dhp) = field("dialout_hours")?;
        let (ts, tsp) = field("transports")?;
        let type_id = ty
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .ok_or_else(|| bad(&tp, "expected an interface type number"))?;
        let dialout_hours = match dh {
            Value::Null => None,
            v => Some(
                array_of(v, &dhp)?
                    .iter()
                    .enumerate()
                    .map(|(k, h)| str_of(h, &format!("{dhp}[{k}]")).map(str::to_string))
                    .collect::<Result<Vec<_>>>()?,
            ),
        };
        let mut its = Vec::new();
        for (k, t) in array_of(ts, &tsp)?.iter().enumerate() {
            let q = format!("{tsp}[{k}]");
            let field = |key: &str| member(t, &q, key).map(|v| (v, format!("{q}.{key}")));
            let (pid, pp) = field("protocol_id")?;
            let (name, np) = field("name")?;
            let (ii, ip) = field("interface_info")?;
            its.push(IfTransport {
                protocol_id: u32_of(pid, &pp)?,
                name: str_of(name, &np)?.to_string(),
                interface_info: header_of(ii, &ip)?,
            });
        }
        its.sort_by_key(|t| t.protocol_id);
        if let Some(w) = its
            .windows(2)
            .find(|w| w[0].protocol_id == w[1].protocol_id)
        {
            return Err(bad(
                &tsp,
                format!("transport {:#x} is listed twice", w[0].protocol_id),
            ));
        }
        interfaces.push(Iface {
            name: str_of(name, &np)?.to_string(),
            if_type: InterfaceType(type_id),
            enabled: bool_of(en, &ep)?,
            dialout_hours,
            transports: its,
        });
    }
    transports.sort_by_key(|t| t.protocol_id);
    if let Some(w) = transports
        .windows(2)
        .find(|w| w[0].protocol_id == w[1].protocol_id)
    {
        return Err(bad(
            "transports",
            format!("transport {:#x} is listed twice", w[0].protocol_id),
        ));
    }
    interfaces.sort_by(|a, b| name_order(&a.name, &b.name));
    if let Some(w) = interfaces
        .windows(2)
        .find(|w| w[0].name.to_lowercase() == w[1].name.to_lowercase())
    {
        return Err(bad(
            "interfaces",
            format!("interface {:?} is listed twice", w[1].name),
        ));
    }
    Ok(Config {
        server,
        transports,
        interfaces,
    })
}

/// `show config`: the document, in both renderings (it is JSON either way).
pub fn show(conn: &Connection) -> Result<crate::output::Output> {
    let j = to_json(&snapshot(conn)?);
    Ok(crate::output::Output {
        text: serde_json::to_string_pretty(&j).unwrap_or_default(),
        json: j,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_headers_round_trip_through_their_blocks() {
        let mut h = InfoHeader::new(1).unwrap();
        h.add(0xffff_0004, 4, 2, &[1, 0, 0, 0, 2, 0, 0, 0]).unwrap();
        h.add(0x7777, 0, 0, &[]).unwrap();
        let bytes = h.to_bytes();
        let j = header_json(Some(&bytes));
        assert!(j.get("blocks").is_some(), "{j}");
        assert_eq!(header_of(&j, "x").unwrap(), Some(bytes));
    }

    #[test]
    fn non_canonical_and_malformed_headers_are_kept_byte_for_byte() {
        let mut bytes = InfoHeader::new(1).unwrap().to_bytes();
        bytes.extend_from_slice(&[0xaa; 3]);
        let j = header_json(Some(&bytes));
        assert!(j.get("hex").is_some(), "{j}");
        assert_eq!(header_of(&j, "x").unwrap(), Some(bytes));
        let junk = vec![9u8, 9, 9];
        assert_eq!(
            header_of(&header_json(Some(&junk)), "x").unwrap(),
            Some(junk)
        );
        assert_eq!(header_of(&Value::Null, "x").unwrap(), None);
    }

    #[test]
    fn bad_documents_name_the_member_with_invalid_data() {
        let e = header_of(&json!({"hex": "abc"}), "t.global_info").unwrap_err();
        assert_eq!(e.code, WinError::ERROR_INVALID_DATA);
        assert!(e.detail.starts_with("t.global_info.hex: "), "{}", e.detail);
        let e = from_json(&json!({"format": "other", "version": 1})).unwrap_err();
        assert_eq!(e.code, WinError::ERROR_INVALID_DATA);
        let e = from_json(&json!({"format": FORMAT, "version": 2})).unwrap_err();
        assert!(e.detail.starts_with("$.version"), "{}", e.detail);
    }
}
