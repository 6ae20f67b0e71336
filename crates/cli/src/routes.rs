//! `route` and `filter`: read an interface-transport's information header, change its
//! `IP_ROUTE_INFO` or filter block with the `blocks` codecs, write the header back.
//!
//! Every change is a compare-and-set ([`Connection::update_if_transport_info`]): the header is
//! written only if the interface-transport is still as it was read, else read and edited again,
//! so concurrent `route add`s and `filter add`s on one interface lose nothing.

use std::net::IpAddr;

use mprconfig::blocks::{
    self, FILTER_ACTION_FORWARD, Filter, FilterDescriptor, FilterDirection, FilterInfo,
    FilterInfoV6, InterfaceRouteInfo, RouteItem, prefix_mask, route_protocol_name,
};
use mprconfig::info::InfoHeader;
use mprconfig::{Connection, Error, IfTransportId, InterfaceType, Result, WinError, pid};
use serde_json::{Value, json};

use crate::args::{FilterCmd, FilterMatch, RouteCmd};
use crate::commands::{find_if_transport, find_interface};
use crate::output::{Output, table};
use crate::parse::{self, Cidr};

fn family_pid(v6: bool) -> u32 {
    if v6 { pid::IPV6 } else { pid::IP }
}

fn family_name(v6: bool) -> &'static str {
    if v6 { "ipv6" } else { "ipv4" }
}

/// A stored header parsed (an empty one when nothing is stored).
fn parse_header(blob: Option<&[u8]>) -> Result<InfoHeader> {
    match blob {
        None => InfoHeader::new(1),
        Some(b) => InfoHeader::parse(b)
            .map_err(|e| e.context("the stored information header is malformed")),
    }
}

/// The parsed header of an interface-transport (an empty one when nothing is stored).
fn read_header(conn: &Connection, id: &IfTransportId) -> Result<InfoHeader> {
    parse_header(conn.if_transport_get_info(id)?.as_deref())
}

/// Read-modify-write of an interface-transport's header that loses no concurrent change:
/// `edit` may run more than once (each time on a fresh read) and must only compute.
fn edit_header<T>(
    conn: &Connection,
    id: &IfTransportId,
    mut edit: impl FnMut(&mut InfoHeader) -> Result<T>,
) -> Result<T> {
    conn.update_if_transport_info(id, |blob| {
        let mut h = parse_header(blob.as_deref())?;
        let out = edit(&mut h)?;
        *blob = Some(h.to_bytes());
        Ok(out)
    })
}

fn hop_text(h: IpAddr) -> String {
    if h.is_unspecified() {
        "on-link".into()
    } else {
        h.to_string()
    }
}

fn route_row(family: bool, r: &RouteItem) -> (Vec<String>, Value) {
    let dest = match r.prefix_len() {
        Some(l) => format!("{}/{l}", r.dest()),
        None => format!("{} (mask not a prefix)", r.dest()),
    };
    let proto =
        route_protocol_name(r.proto()).map_or_else(|| r.proto().to_string(), |n| n.to_string());
    let layout = match r {
        RouteItem::Interface(_) => 72,
        RouteItem::Legacy(_) => 56,
    };
    (
        vec![
            dest.clone(),
            hop_text(r.next_hop()),
            r.metric().to_string(),
            r.preference().to_string(),
            proto.clone(),
            r.if_index().to_string(),
            layout.to_string(),
        ],
        json!({
            "family": family_name(family),
            "destination": r.dest().to_string(),
            "prefix_length": r.prefix_len(),
            "next_hop": r.next_hop().to_string(),
            "metric": r.metric(),
            "preference": r.preference(),
            "protocol": r.proto(),
            "protocol_name": route_protocol_name(r.proto()),
            "type": r.route_type(),
            "if_index": r.if_index(),
            "item_size": layout,
        }),
    )
}

/// `route …`
pub fn route(conn: &Connection, cmd: &RouteCmd) -> Result<Output> {
    match cmd {
        RouteCmd::Add {
            name,
            prefix,
            via,
            metric,
            preference,
        } => {
            let p = parse::cidr(prefix)?;
            let hop = match via {
                Some(v) => parse::ip(v)?,
                None if p.is_v6() => IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED),
                None => IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED),
            };
            if hop.is_ipv6() != p.is_v6() {
                return Err(Error::invalid_parameter(format!(
                    "next hop {hop} is not of the family of {p}"
                )));
            }
            let iface = find_interface(conn, name)?;
            let id = find_if_transport(conn, &iface, family_pid(p.is_v6()))?;
            let r = InterfaceRouteInfo::new_static(p.addr, p.len, hop, *metric, *preference)?;
            edit_header(conn, &id, |h| blocks::add_route(h, &r))?;
            Ok(Output::done(
                format!(
                    "route to {p} via {} added to interface {:?}",
                    hop_text(hop),
                    iface.name
                ),
                json!({ "interface": iface.name, "destination": p.to_string(), "next_hop": hop.to_string() }),
            ))
        }
        RouteCmd::Delete { name, prefix, via } => {
            let p = parse::cidr(prefix)?;
            let hop = via.as_deref().map(parse::ip).transpose()?;
            let iface = find_interface(conn, name)?;
            let id = find_if_transport(conn, &iface, family_pid(p.is_v6()))?;
            let n = edit_header(conn, &id, |h| {
                let n = blocks::remove_routes(h, p.addr, p.len, hop)?;
                if n == 0 {
                    return Err(Error::new(
                        WinError::ERROR_NOT_FOUND,
                        format!(
                            "interface {:?} has no route to {p}{}",
                            iface.name,
                            hop.map(|h| format!(" via {h}")).unwrap_or_default()
                        ),
                    ));
                }
                Ok(n)
            })?;
            Ok(Output::done(
                format!(
                    "{n} route{} to {p} deleted from interface {:?}",
                    if n == 1 { "" } else { "s" },
                    iface.name
                ),
                json!({ "interface": iface.name, "destination": p.to_string(), "deleted": n }),
            ))
        }
        RouteCmd::List { name } => {
            let iface = find_interface(conn, name)?;
            let mut rows = Vec::new();
            let mut j = Vec::new();
            for v6 in [false, true] {
                let Ok(id) = conn.if_transport_get_handle(&iface, family_pid(v6)) else {
                    continue;
                };
                for r in blocks::routes(&read_header(conn, &id)?)? {
                    let (row, rj) = route_row(v6, &r);
                    rows.push(row);
                    j.push(rj);
                }
            }
            Ok(Output {
                text: table(
                    &[
                        "Destination",
                        "Next hop",
                        "Metric",
                        "Preference",
                        "Protocol",
                        "IfIndex",
                        "Layout",
                    ],
                    &rows,
                ),
                json: Value::Array(j),
            })
        }
    }
}

/// A filter built from the matching options; the family comes from --src/--dst or --ipv6.
fn build_filter(m: &FilterMatch) -> Result<Filter> {
    let src = m
        .src
        .as_deref()
        .map(parse::filter_addr)
        .transpose()?
        .flatten();
    let dst = m
        .dst
        .as_deref()
        .map(parse::filter_addr)
        .transpose()?
        .flatten();
    let v6 = match (src, dst) {
        (Some(a), Some(b)) if a.is_v6() != b.is_v6() => {
            return Err(Error::invalid_parameter(format!(
                "source {a} and destination {b} are of different families"
            )));
        }
        (Some(a), _) | (_, Some(a)) => {
            if m.ipv6 && !a.is_v6() {
                return Err(Error::invalid_parameter(format!(
                    "--ipv6 given but {a} is an IPv4 prefix"
                )));
            }
            a.is_v6()
        }
        (None, None) => m.ipv6,
    };
    let protocol = m
        .protocol
        .as_deref()
        .map(parse::protocol)
        .transpose()?
        .unwrap_or(0);
    let is_ports = matches!(protocol, 6 | 17);
    let is_icmp = matches!(protocol, 1 | 58);
    if (m.src_port.is_some() || m.dst_port.is_some()) && !is_ports {
        return Err(Error::invalid_parameter(
            "--src-port and --dst-port need --proto tcp or udp",
        ));
    }
    if (m.icmp_type.is_some() || m.icmp_code.is_some()) && !is_icmp {
        return Err(Error::invalid_parameter(
            "--icmp-type and --icmp-code need --proto icmp or icmpv6",
        ));
    }
    // An ICMP type or code not given means any (FILTER_ICMP_TYPE_ANY / CODE_ANY, 0xFF), as
    // on Windows; 0 would be a real value (type 0 is echo reply).
    let (src_port, dst_port) = if is_icmp {
        (
            m.icmp_type
                .as_deref()
                .map(|s| parse::icmp_value(s, "type"))
                .transpose()?
                .unwrap_or(parse::ICMP_ANY),
            m.icmp_code
                .as_deref()
                .map(|s| parse::icmp_value(s, "code"))
                .transpose()?
                .unwrap_or(parse::ICMP_ANY),
        )
    } else {
        (
            m.src_port
                .as_deref()
                .map(parse::port)
                .transpose()?
                .unwrap_or(0),
            m.dst_port
                .as_deref()
                .map(parse::port)
                .transpose()?
                .unwrap_or(0),
        )
    };
    let any = |v6: bool| Cidr {
        addr: if v6 {
            IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED)
        } else {
            IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED)
        },
        len: 0,
    };
    let (src, dst) = (src.unwrap_or(any(v6)), dst.unwrap_or(any(v6)));
    Ok(match (src.addr, dst.addr) {
        (IpAddr::V4(s), IpAddr::V4(d)) => Filter::V4(FilterInfo {
            src_addr: s,
            src_mask: prefix_mask(src.len),
            dst_addr: d,
            dst_mask: prefix_mask(dst.len),
            protocol,
            late_bound: 0,
            src_port,
            dst_port,
        }),
        (IpAddr::V6(s), IpAddr::V6(d)) => Filter::V6(FilterInfoV6 {
            src_addr: s,
            src_prefix_len: u32::from(src.len),
            dst_addr: d,
            dst_prefix_len: u32::from(dst.len),
            protocol,
            late_bound: 0,
            src_port,
            dst_port,
        }),
        _ => {
            return Err(Error::invalid_parameter(
                "source and destination are of different families",
            ));
        }
    })
}

fn match_given(m: &FilterMatch) -> bool {
    m.src.is_some()
        || m.dst.is_some()
        || m.protocol.is_some()
        || m.src_port.is_some()
        || m.dst_port.is_some()
        || m.icmp_type.is_some()
        || m.icmp_code.is_some()
}

fn prefix_text((addr, len): (IpAddr, Option<u8>)) -> String {
    match len {
        Some(0) if addr.is_unspecified() => "any".into(),
        Some(l) => format!("{addr}/{l}"),
        None => format!("{addr} (mask not a prefix)"),
    }
}

fn filter_row(
    dir: FilterDirection,
    d: &FilterDescriptor,
    n: usize,
    f: &Filter,
) -> (Vec<String>, Value) {
    let (sp, dp) = f.ports();
    let icmp = matches!(f.protocol(), 1 | 58);
    let port = |p: u16| {
        if (p == 0 && !icmp) || (p == parse::ICMP_ANY && icmp) {
            "any".to_string()
        } else {
            p.to_string()
        }
    };
    (
        vec![
            parse::direction_name(dir).into(),
            family_name(d.v6).into(),
            (n + 1).to_string(),
            prefix_text(f.source()),
            prefix_text(f.destination()),
            parse::protocol_name(f.protocol()),
            port(sp),
            port(dp),
            parse::action_name(d.default_action),
        ],
        json!({
            "index": n + 1,
            "source": prefix_text(f.source()),
            "destination": prefix_text(f.destination()),
            "protocol": f.protocol(),
            "protocol_name": parse::protocol_name(f.protocol()),
            (if icmp { "icmp_type" } else { "src_port" }): sp,
            (if icmp { "icmp_code" } else { "dst_port" }): dp,
            "late_bound": f.late_bound(),
        }),
    )
}

const DIRECTIONS: [FilterDirection; 3] = [
    FilterDirection::Input,
    FilterDirection::Output,
    FilterDirection::DemandDial,
];

/// `filter …`
pub fn filter(conn: &Connection, cmd: &FilterCmd) -> Result<Output> {
    match cmd {
        FilterCmd::Add {
            name,
            direction,
            matching,
            default_action,
        } => {
            let dir = parse::direction(direction)?;
            let f = build_filter(matching)?;
            let action = default_action.as_deref().map(parse::action).transpose()?;
            let iface = find_interface(conn, name)?;
            check_demand_dial(conn, &iface, dir)?;
            let v6 = matches!(f, Filter::V6(_));
            let id = find_if_transport(conn, &iface, family_pid(v6))?;
            let index = edit_header(conn, &id, |h| {
                let mut d = FilterDescriptor::from_header(h, dir, v6)?
                    .unwrap_or_else(|| FilterDescriptor::new(v6, FILTER_ACTION_FORWARD));
                if let Some(a) = action {
                    d.default_action = a;
                }
                if d.filters.contains(&f) {
                    return Err(Error::new(
                        WinError::ERROR_ALREADY_EXISTS,
                        format!(
                            "interface {:?} already has this {} filter",
                            iface.name,
                            parse::direction_name(dir)
                        ),
                    ));
                }
                d.filters.push(f.clone());
                d.store(h, dir)?;
                Ok(d.filters.len())
            })?;
            Ok(Output::done(
                format!(
                    "{} {} filter {index} added to interface {:?}",
                    family_name(v6),
                    parse::direction_name(dir),
                    iface.name
                ),
                json!({ "interface": iface.name, "direction": parse::direction_name(dir), "family": family_name(v6), "index": index }),
            ))
        }
        FilterCmd::Delete {
            name,
            direction,
            index,
            matching,
        } => {
            let dir = parse::direction(direction)?;
            if index.is_none() && !match_given(matching) {
                return Err(Error::invalid_parameter(
                    "say which filter: --index N (from `mprcfg filter list`) or its fields",
                ));
            }
            if index.is_some() && match_given(matching) {
                return Err(Error::invalid_parameter(
                    "give either --index or the filter's fields, not both",
                ));
            }
            let v6 = match index {
                Some(_) => matching.ipv6,
                None => matches!(build_filter(matching)?, Filter::V6(_)),
            };
            let iface = find_interface(conn, name)?;
            let id = find_if_transport(conn, &iface, family_pid(v6))?;
            let not_found = |what: String| {
                Error::new(
                    WinError::ERROR_NOT_FOUND,
                    format!(
                        "interface {:?} has no {} {} filter {what}",
                        iface.name,
                        family_name(v6),
                        parse::direction_name(dir)
                    ),
                )
            };
            let wanted = match index {
                Some(_) => None,
                None => Some(build_filter(matching)?),
            };
            let removed = edit_header(conn, &id, |h| {
                let mut d = FilterDescriptor::from_header(h, dir, v6)?
                    .ok_or_else(|| not_found(String::new()))?;
                let removed = match (index, &wanted) {
                    (Some(i), _) if (1..=d.filters.len()).contains(i) => {
                        d.filters.remove(i - 1);
                        1
                    }
                    (Some(i), _) => return Err(not_found(format!("number {i}"))),
                    (None, f) => {
                        let before = d.filters.len();
                        d.filters.retain(|x| Some(x) != f.as_ref());
                        before - d.filters.len()
                    }
                };
                if removed == 0 {
                    return Err(not_found("with these fields".into()));
                }
                // An empty forwarding set filters nothing: drop the block. An empty dropping
                // set still means "drop everything", so it stays.
                if d.filters.is_empty() && d.default_action == FILTER_ACTION_FORWARD {
                    h.remove(dir.block_type(v6))?;
                } else {
                    d.store(h, dir)?;
                }
                Ok(removed)
            })?;
            Ok(Output::done(
                format!(
                    "{removed} {} filter{} deleted from interface {:?}",
                    parse::direction_name(dir),
                    if removed == 1 { "" } else { "s" },
                    iface.name
                ),
                json!({ "interface": iface.name, "direction": parse::direction_name(dir), "deleted": removed }),
            ))
        }
        FilterCmd::List { name, direction } => {
            let dirs = match direction {
                Some(d) => vec![parse::direction(d)?],
                None => DIRECTIONS.to_vec(),
            };
            let iface = find_interface(conn, name)?;
            let mut rows = Vec::new();
            let mut j = Vec::new();
            for v6 in [false, true] {
                let Ok(id) = conn.if_transport_get_handle(&iface, family_pid(v6)) else {
                    continue;
                };
                let h = read_header(conn, &id)?;
                for &dir in &dirs {
                    let Some(d) = FilterDescriptor::from_header(&h, dir, v6)? else {
                        continue;
                    };
                    let mut fj = Vec::new();
                    for (n, f) in d.filters.iter().enumerate() {
                        let (row, x) = filter_row(dir, &d, n, f);
                        rows.push(row);
                        fj.push(x);
                    }
                    if d.filters.is_empty() {
                        let mut row = vec![
                            parse::direction_name(dir).to_string(),
                            family_name(v6).into(),
                        ];
                        row.extend(std::iter::repeat_n("-".to_string(), 6));
                        row.push(parse::action_name(d.default_action));
                        rows.push(row);
                    }
                    j.push(json!({
                        "direction": parse::direction_name(dir),
                        "family": family_name(v6),
                        "default_action": parse::action_name(d.default_action),
                        "filters": fj,
                    }));
                }
            }
            Ok(Output {
                text: table(
                    &[
                        "Direction",
                        "Family",
                        "#",
                        "Source",
                        "Destination",
                        "Protocol",
                        "Src port/type",
                        "Dst port/code",
                        "Default",
                    ],
                    &rows,
                ),
                json: Value::Array(j),
            })
        }
        FilterCmd::Default {
            name,
            direction,
            action,
            ipv6,
        } => {
            let dir = parse::direction(direction)?;
            let a = parse::action(action)?;
            let iface = find_interface(conn, name)?;
            check_demand_dial(conn, &iface, dir)?;
            let id = find_if_transport(conn, &iface, family_pid(*ipv6))?;
            edit_header(conn, &id, |h| {
                let mut d = FilterDescriptor::from_header(h, dir, *ipv6)?
                    .unwrap_or_else(|| FilterDescriptor::new(*ipv6, a));
                d.default_action = a;
                d.store(h, dir)
            })?;
            Ok(Output::done(
                format!(
                    "{} {} filters of interface {:?} now {} unmatched packets",
                    family_name(*ipv6),
                    parse::direction_name(dir),
                    iface.name,
                    parse::action_name(a)
                ),
                json!({ "interface": iface.name, "direction": parse::direction_name(dir), "default_action": parse::action_name(a) }),
            ))
        }
        FilterCmd::Enable { transport } | FilterCmd::Disable { transport } => {
            let enable = matches!(cmd, FilterCmd::Enable { .. });
            let p = parse::transport(transport)?;
            conn.filter_set_info(p, enable)?;
            let word = if enable { "enabled" } else { "disabled" };
            Ok(Output::done(
                format!("static filters {word} for transport {p:#x}"),
                json!({ "protocol_id": p, "filters_enabled": enable }),
            ))
        }
    }
}

/// Demand-dial filters exist only on demand-dial interfaces (registry-layout §4.1).
fn check_demand_dial(
    conn: &Connection,
    iface: &mprconfig::InterfaceId,
    dir: FilterDirection,
) -> Result<()> {
    if dir != FilterDirection::DemandDial {
        return Ok(());
    }
    let t = conn.interface_get_info(iface)?.if_type;
    if t != InterfaceType::HOME_ROUTER && t != InterfaceType::FULL_ROUTER {
        return Err(Error::invalid_parameter(format!(
            "interface {:?} is {}: demand-dial filters apply only to home-router and full-router interfaces",
            iface.name,
            parse::interface_type_name(t)
        )));
    }
    Ok(())
}
