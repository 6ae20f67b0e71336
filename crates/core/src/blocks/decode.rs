//! The field decoder used for display (registry-layout §4): every known block type turned into
//! named fields, with documented names for enumerated values.

use std::net::{IpAddr, Ipv4Addr};

use super::filters::{
    FILTER_ACTION_DROP, FILTER_ACTION_FORWARD, Filter, FilterDescriptor, is_icmp,
};
use super::ids::{block_type_name, ip_protocol_name, route_protocol_name};
use super::routes::{LEGACY_ROUTE_ITEM_SIZE, RouteArm, RouteItem, decode_routes};
use super::types::*;
use super::{mask_prefix_len, u16_at, u32_at, v4_at};
use crate::Result;
use crate::info::{InfoBlock, InfoHeader};

/// A decoded field value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldValue {
    /// A number.
    U32(u32),
    /// A signed number.
    I32(i32),
    /// A `BOOL`.
    Bool(bool),
    /// A number with its documented name, if it has one (`10006` = `NT_STATIC`).
    Named(u32, Option<&'static str>),
    /// An address.
    Addr(IpAddr),
    /// An address with prefix length (`10.0.0.0/8`); `None` when the mask is not a prefix.
    Prefix(IpAddr, Option<u8>, Ipv4Addr),
    /// Text.
    Text(String),
    /// Raw bytes.
    Bytes(Vec<u8>),
}

impl std::fmt::Display for FieldValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FieldValue::U32(v) => write!(f, "{v}"),
            FieldValue::I32(v) => write!(f, "{v}"),
            FieldValue::Bool(v) => write!(f, "{v}"),
            FieldValue::Named(v, Some(n)) => write!(f, "{v} ({n})"),
            FieldValue::Named(v, None) => write!(f, "{v}"),
            FieldValue::Addr(a) => write!(f, "{a}"),
            FieldValue::Prefix(a, Some(l), _) => write!(f, "{a}/{l}"),
            FieldValue::Prefix(a, None, m) => write!(f, "{a} mask {m}"),
            FieldValue::Text(s) => write!(f, "{s:?}"),
            FieldValue::Bytes(b) => {
                for (i, x) in b.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    write!(f, "{x:02x}")?;
                }
                Ok(())
            }
        }
    }
}

/// One named field of a decoded item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// The structure member's name (`dwAdminStatus`), or a descriptive name for derived fields.
    pub name: &'static str,
    /// Its value.
    pub value: FieldValue,
}

/// A block turned into readable items.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodedBlock {
    /// `InfoType`.
    pub info_type: u32,
    /// Its documented name, if known.
    pub type_name: Option<&'static str>,
    /// `InfoSize`.
    pub item_size: u32,
    /// `Count`.
    pub count: u32,
    /// The structure decoded (`FILTER_DESCRIPTOR`, …), `None` when the block is shown raw.
    pub structure: Option<&'static str>,
    /// The decoded items, one field list each (for filter and priority blocks: the header
    /// fields first, then one list per filter or protocol).
    pub items: Vec<Vec<Field>>,
    /// The raw data, for unknown types and for known types whose size does not match their
    /// structure.
    pub raw: Option<Vec<u8>>,
    /// Why the block is raw although its type is known.
    pub note: Option<String>,
}

fn fld(name: &'static str, value: FieldValue) -> Field {
    Field { name, value }
}

fn u(v: u32) -> FieldValue {
    FieldValue::U32(v)
}

fn bool_(v: u32) -> FieldValue {
    FieldValue::Bool(v != 0)
}

fn v4(a: Ipv4Addr) -> FieldValue {
    FieldValue::Addr(IpAddr::V4(a))
}

fn admin_status_name(v: u32) -> Option<&'static str> {
    match v {
        1 => Some("UP"),
        2 => Some("DOWN"),
        _ => None,
    }
}

fn logging_level_name(v: u32) -> Option<&'static str> {
    match v {
        0 => Some("NONE"),
        1 => Some("ERROR"),
        2 => Some("WARN"),
        3 => Some("INFO"),
        _ => None,
    }
}

fn action_name(v: u32) -> Option<&'static str> {
    match v {
        FILTER_ACTION_FORWARD => Some("FORWARD"),
        FILTER_ACTION_DROP => Some("DROP"),
        _ => None,
    }
}

fn view_name(v: u32) -> Option<&'static str> {
    match v {
        0 => Some("ANY"),
        1 => Some("UNICAST"),
        2 => Some("MULTICAST"),
        3 => Some("UNICAST|MULTICAST"),
        0xFFFF_FFFF => Some("ALL"),
        _ => None,
    }
}

fn route_type_name(v: u32) -> Option<&'static str> {
    match v {
        1 => Some("OTHER"),
        2 => Some("INVALID"),
        3 => Some("DIRECT"),
        4 => Some("INDIRECT"),
        _ => None,
    }
}

fn route_fields(item: &RouteItem) -> Vec<Field> {
    match item {
        RouteItem::Interface(r) => {
            let mut v = match &r.arm {
                RouteArm::V4 {
                    dest,
                    mask,
                    policy,
                    next_hop,
                    age,
                    next_hop_as,
                    metric1,
                    metric2,
                    metric3,
                } => vec![
                    fld("bV4", FieldValue::Bool(true)),
                    fld(
                        "dwRtInfoDest",
                        FieldValue::Prefix(IpAddr::V4(*dest), mask_prefix_len(*mask), *mask),
                    ),
                    fld("dwRtInfoPolicy", u(*policy)),
                    fld("dwRtInfoNextHop", v4(*next_hop)),
                    fld("dwRtInfoAge", u(*age)),
                    fld("dwRtInfoNextHopAS", u(*next_hop_as)),
                    fld("dwRtInfoMetric1", u(*metric1)),
                    fld("dwRtInfoMetric2", u(*metric2)),
                    fld("dwRtInfoMetric3", u(*metric3)),
                ],
                RouteArm::V6 {
                    dest,
                    prefix_len,
                    next_hop,
                    valid_lifetime,
                    flags,
                    metric,
                } => vec![
                    fld("bV4", FieldValue::Bool(false)),
                    fld("DestinationPrefix", FieldValue::Addr(IpAddr::V6(*dest))),
                    fld("DestPrefixLength", u(*prefix_len)),
                    fld("NextHopAddress", FieldValue::Addr(IpAddr::V6(*next_hop))),
                    fld("ValidLifeTime", u(*valid_lifetime)),
                    fld("Flags", u(*flags)),
                    fld("Metric", u(*metric)),
                ],
            };
            v.extend([
                fld("dwRtInfoIfIndex", u(r.if_index)),
                fld(
                    "dwRtInfoType",
                    FieldValue::Named(r.route_type, route_type_name(r.route_type)),
                ),
                fld(
                    "dwRtInfoProto",
                    FieldValue::Named(r.proto, route_protocol_name(r.proto)),
                ),
                fld("dwRtInfoPreference", u(r.preference)),
                fld(
                    "dwRtInfoViewSet",
                    FieldValue::Named(r.view_set, view_name(r.view_set)),
                ),
            ]);
            v
        }
        RouteItem::Legacy(r) => vec![
            fld(
                "dwForwardDest",
                FieldValue::Prefix(IpAddr::V4(r.dest), mask_prefix_len(r.mask), r.mask),
            ),
            fld("dwForwardPolicy", u(r.policy)),
            fld("dwForwardNextHop", v4(r.next_hop)),
            fld("dwForwardIfIndex", u(r.if_index)),
            fld(
                "dwForwardType",
                FieldValue::Named(r.route_type, route_type_name(r.route_type)),
            ),
            fld(
                "dwForwardProto",
                FieldValue::Named(r.proto, route_protocol_name(r.proto)),
            ),
            fld("dwForwardAge", u(r.age)),
            fld("dwForwardNextHopAS", u(r.next_hop_as)),
            fld("dwForwardMetric1", u(r.metrics[0])),
            fld("dwForwardMetric2", u(r.metrics[1])),
            fld("dwForwardMetric3", u(r.metrics[2])),
            fld("dwForwardMetric4", u(r.metrics[3])),
            fld("dwForwardMetric5", u(r.metrics[4])),
        ],
    }
}

fn filter_fields(f: &Filter) -> Vec<Field> {
    let proto = f.protocol();
    let (sp, dp) = f.ports();
    let (sname, dname) = if is_icmp(proto) {
        ("icmpType", "icmpCode")
    } else {
        ("wSrcPort", "wDstPort")
    };
    let mut v = match f {
        Filter::V4(x) => vec![
            fld(
                "dwSrcAddr",
                FieldValue::Prefix(
                    IpAddr::V4(x.src_addr),
                    mask_prefix_len(x.src_mask),
                    x.src_mask,
                ),
            ),
            fld(
                "dwDstAddr",
                FieldValue::Prefix(
                    IpAddr::V4(x.dst_addr),
                    mask_prefix_len(x.dst_mask),
                    x.dst_mask,
                ),
            ),
        ],
        Filter::V6(x) => vec![
            fld("ipv6SrcAddr", FieldValue::Addr(IpAddr::V6(x.src_addr))),
            fld("dwSrcPrefixLength", u(x.src_prefix_len)),
            fld("ipv6DstAddr", FieldValue::Addr(IpAddr::V6(x.dst_addr))),
            fld("dwDstPrefixLength", u(x.dst_prefix_len)),
        ],
    };
    v.extend([
        fld(
            "dwProtocol",
            FieldValue::Named(proto, ip_protocol_name(proto)),
        ),
        fld("fLateBound", u(f.late_bound())),
        fld(sname, u(u32::from(sp))),
        fld(dname, u(u32::from(dp))),
    ]);
    v
}

/// Fixed-size structures: (structure name, item size, decoder of one item).
type ItemDecoder = fn(&[u8]) -> Vec<Field>;

fn fixed_structure(info_type: u32) -> Option<(&'static str, u32, ItemDecoder)> {
    Some(match info_type {
        IP_GLOBAL_INFO | IPV6_GLOBAL_INFO => ("GLOBAL_INFO", 8, |b| {
            vec![
                fld("bFilteringOn", bool_(u32_at(b, 0))),
                fld(
                    "dwLoggingLevel",
                    FieldValue::Named(u32_at(b, 4), logging_level_name(u32_at(b, 4))),
                ),
            ]
        }),
        IP_INTERFACE_STATUS_INFO => ("INTERFACE_STATUS_INFO", 4, |b| {
            vec![fld(
                "dwAdminStatus",
                FieldValue::Named(u32_at(b, 0), admin_status_name(u32_at(b, 0))),
            )]
        }),
        IP_ROUTER_DISC_INFO => ("RTR_DISC_INFO", 16, |b| {
            vec![
                fld("wMaxAdvtInterval", u(u32::from(u16_at(b, 0)))),
                fld("wMinAdvtInterval", u(u32::from(u16_at(b, 2)))),
                fld("wAdvtLifetime", u(u32::from(u16_at(b, 4)))),
                fld("bAdvertise", bool_(u32_at(b, 8))),
                fld("lPrefLevel", FieldValue::I32(u32_at(b, 12) as i32)),
            ]
        }),
        IP_MCAST_HEARBEAT_INFO => ("MCAST_HBEAT_INFO", 140, |b| {
            let units: Vec<u16> = b[..128]
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            let end = units.iter().position(|&c| c == 0).unwrap_or(units.len());
            vec![
                fld(
                    "pwszGroup",
                    FieldValue::Text(String::from_utf16_lossy(&units[..end])),
                ),
                fld("bActive", bool_(u32_at(b, 128))),
                fld("ulDeadInterval", u(u32_at(b, 132))),
                fld("byProtocol", u(u32::from(b[136]))),
                fld("wPort", u(u32::from(u16_at(b, 138)))),
            ]
        }),
        IP_MCAST_BOUNDARY_INFO => ("MIB_BOUNDARYROW", 8, |b| {
            vec![
                fld("dwGroupAddress", v4(v4_at(b, 0))),
                fld("dwGroupMask", v4(v4_at(b, 4))),
            ]
        }),
        IP_IPINIP_CFG_INFO => ("IPINIP_CONFIG_INFO", 12, |b| {
            vec![
                fld("dwRemoteAddress", v4(v4_at(b, 0))),
                fld("dwLocalAddress", v4(v4_at(b, 4))),
                fld("byTtl", u(u32::from(b[8]))),
            ]
        }),
        IP_IFFILTER_INFO | IP_IFFILTER_INFO_V6 => ("IFFILTER_INFO", 4, |b| {
            vec![fld("bEnableFragChk", bool_(u32_at(b, 0)))]
        }),
        IP_MCAST_LIMIT_INFO => ("MIB_MCAST_LIMIT_ROW", 8, |b| {
            vec![
                fld("dwTtl", u(u32_at(b, 0))),
                fld("dwRateLimit", u(u32_at(b, 4))),
            ]
        }),
        IP_FILTER_ENABLE_INFO | IP_FILTER_ENABLE_INFO_V6 => ("MPR_FILTER_0", 4, |b| {
            vec![fld("fEnable", bool_(u32_at(b, 0)))]
        }),
        _ => return None,
    })
}

fn filter_direction_of(info_type: u32) -> Option<bool> {
    match info_type {
        IP_IN_FILTER_INFO | IP_OUT_FILTER_INFO | IP_DEMAND_DIAL_FILTER_INFO => Some(false),
        IP_IN_FILTER_INFO_V6 | IP_OUT_FILTER_INFO_V6 | IP_DEMAND_DIAL_FILTER_INFO_V6 => Some(true),
        _ => None,
    }
}

/// Priority blocks: `PRIORITY_INFO` (8-byte metrics) or `PRIORITY_INFO_EX` (12-byte).
fn decode_priority(b: &[u8], ex: bool) -> std::result::Result<Vec<Vec<Field>>, String> {
    let each = if ex { 12 } else { 8 };
    if b.len() < 4 {
        return Err(format!("{} bytes is shorter than dwNumProtocols", b.len()));
    }
    let n = u32_at(b, 0) as usize;
    if n.checked_mul(each).and_then(|x| x.checked_add(4)) != Some(b.len()) {
        return Err(format!(
            "dwNumProtocols {n} does not match {} bytes",
            b.len()
        ));
    }
    let mut items = vec![vec![fld("dwNumProtocols", u(n as u32))]];
    for m in b[4..].chunks_exact(each) {
        let id = u32_at(m, 0);
        let mut v = vec![fld(
            "dwProtocolId",
            FieldValue::Named(id, route_protocol_name(id)),
        )];
        if ex {
            v.push(fld("dwSubProtocolId", u(u32_at(m, 4))));
            v.push(fld("dwMetric", u(u32_at(m, 8))));
        } else {
            v.push(fld("dwMetric", u(u32_at(m, 4))));
        }
        items.push(v);
    }
    Ok(items)
}

/// Turns a block into named fields: every structure of registry-layout §4.2–4.4 is decoded
/// (filters, routes in both layouts, priorities, status, router discovery, heartbeat,
/// boundaries, limits, IP-in-IP, fragment checks, filter enables). Routing-protocol and IPX
/// blocks get their name and stay raw, as does any block whose size does not fit its
/// structure (with a note saying why). Never fails.
pub fn decode_block(block: &InfoBlock) -> DecodedBlock {
    let mut out = DecodedBlock {
        info_type: block.info_type,
        type_name: block_type_name(block.info_type),
        item_size: block.item_size,
        count: block.count,
        structure: None,
        items: Vec::new(),
        raw: None,
        note: None,
    };
    let result: std::result::Result<(&'static str, Vec<Vec<Field>>), String> =
        if let Some(v6) = filter_direction_of(block.info_type) {
            let name = if v6 {
                "FILTER_DESCRIPTOR_V6"
            } else {
                "FILTER_DESCRIPTOR"
            };
            if block.data.is_empty() {
                Ok((name, Vec::new()))
            } else if block.count != 1 {
                Err(format!(
                    "filter blocks hold one descriptor, Count is {}",
                    block.count
                ))
            } else {
                FilterDescriptor::decode(&block.data, v6)
                    .map_err(|e| e.detail)
                    .map(|d| {
                        let mut items = vec![vec![
                            fld("dwVersion", u(d.version)),
                            fld("dwNumFilters", u(d.filters.len() as u32)),
                            fld(
                                "faDefaultAction",
                                FieldValue::Named(d.default_action, action_name(d.default_action)),
                            ),
                        ]];
                        items.extend(d.filters.iter().map(filter_fields));
                        (name, items)
                    })
            }
        } else if block.info_type == IP_ROUTE_INFO {
            let name = if block.item_size == LEGACY_ROUTE_ITEM_SIZE {
                "MIB_IPFORWARDROW"
            } else {
                "INTERFACE_ROUTE_INFO"
            };
            decode_routes(block)
                .map_err(|e| e.detail)
                .map(|rs| (name, rs.iter().map(route_fields).collect()))
        } else if block.info_type == IP_PROT_PRIORITY_INFO
            || block.info_type == IP_PROT_PRIORITY_INFO_EX
        {
            let ex = block.info_type == IP_PROT_PRIORITY_INFO_EX;
            let name = if ex {
                "PRIORITY_INFO_EX"
            } else {
                "PRIORITY_INFO"
            };
            if block.data.is_empty() {
                Ok((name, Vec::new()))
            } else if block.count != 1 {
                Err(format!(
                    "priority blocks hold one structure, Count is {}",
                    block.count
                ))
            } else {
                decode_priority(&block.data, ex).map(|items| (name, items))
            }
        } else if let Some((name, size, decode)) = fixed_structure(block.info_type) {
            if block.data.is_empty() {
                Ok((name, Vec::new()))
            } else if block.item_size != size {
                Err(format!(
                    "{name} is {size} bytes, InfoSize is {}",
                    block.item_size
                ))
            } else {
                Ok((
                    name,
                    block.data.chunks_exact(size as usize).map(decode).collect(),
                ))
            }
        } else {
            Err(String::new())
        };
    match result {
        Ok((name, items)) => {
            out.structure = Some(name);
            out.items = items;
        }
        Err(note) => {
            out.raw = Some(block.data.clone());
            out.note = (!note.is_empty()).then_some(note);
        }
    }
    out
}

/// Parses an information header and decodes every block ([`decode_block`]).
/// Errors: a malformed header, as [`InfoHeader::parse`] reports it.
pub fn decode_header(bytes: &[u8]) -> Result<Vec<DecodedBlock>> {
    Ok(InfoHeader::parse(bytes)?
        .blocks
        .iter()
        .map(decode_block)
        .collect())
}
