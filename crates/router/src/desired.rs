//! The desired kernel state: what the stored configuration asks of Linux.
//!
//! [`read_desired`] walks the configuration (interfaces, their IP and IPv6 interface-transports,
//! the transports' global information, `RouterType`, the port pools) and turns everything with a
//! Linux meaning into [`LinkWant`]s, [`RouteWant`]s, [`FilterRule`]s and [`Forwarding`].
//! Everything else is listed in [`Desired::not_applied`] with the reason, so nothing stored is
//! dropped silently (docs/router.md, "What is applied").

use std::collections::BTreeSet;
use std::net::IpAddr;

use mprconfig_core::blocks::{
    self, FILTER_ACTION_DROP, Filter, FilterDescriptor, FilterDirection, RouteItem, types,
};
use mprconfig_core::info::{InfoBlock, InfoHeader};
use mprconfig_core::layout as l;
use mprconfig_core::{
    Error, Interface, InterfaceEntry, InterfaceType, Registry, RegistryConfig, Result,
    RouterConfig, TxMode, WinError, pid,
};
use serde::{Deserialize, Serialize};

use crate::filters::{Action, Direction, FilterRule, ICMP_ANY, Prefix};

/// `ROUTER_TYPE_RAS`: IPv4 remote access.
pub const ROUTER_TYPE_RAS: u32 = 0x1;
/// `ROUTER_TYPE_LAN`: IPv4 LAN routing.
pub const ROUTER_TYPE_LAN: u32 = 0x2;
/// `ROUTER_TYPE_WAN`: IPv4 LAN and demand-dial routing.
pub const ROUTER_TYPE_WAN: u32 = 0x4;
/// `IPV6_ROUTER_TYPE_RAS`.
pub const IPV6_ROUTER_TYPE_RAS: u32 = 0x8;
/// `IPV6_ROUTER_TYPE_LAN`.
pub const IPV6_ROUTER_TYPE_LAN: u32 = 0x10;
/// `IPV6_ROUTER_TYPE_WAN`.
pub const IPV6_ROUTER_TYPE_WAN: u32 = 0x20;

/// `IF_ADMIN_STATUS_DOWN` in `INTERFACE_STATUS_INFO.dwAdminStatus`.
const IF_ADMIN_STATUS_DOWN: u32 = 2;
/// Longest Linux link name (`IFNAMSIZ` - 1).
pub const MAX_LINK_NAME: usize = 15;

/// Where a configuration comes from: the `MprConfig*` semantics plus the one value the router
/// manager needs that the `MprConfig*` surface does not expose (`Parameters\RouterType`, which
/// Windows' setup writes and the router reads).
pub trait ConfigSource: Send + Sync {
    /// The configuration.
    fn config(&self) -> &dyn RouterConfig;
    /// `Parameters\RouterType` (`ROUTER_TYPE_*` flags); 0 when not stored.
    fn router_type(&self) -> Result<u32>;
}

impl<R: Registry> ConfigSource for RegistryConfig<R> {
    fn config(&self) -> &dyn RouterConfig {
        self
    }

    fn router_type(&self) -> Result<u32> {
        self.registry().transact(TxMode::Read, &mut |tx| match tx
            .get_value(l::PARAMETERS, l::ROUTER_TYPE)
        {
            Ok(v) => Ok(v.and_then(|v| v.as_dword()).unwrap_or(0)),
            Err(e) if e.code == WinError::ERROR_FILE_NOT_FOUND => Ok(0),
            Err(e) => Err(e),
        })
    }
}

impl<T: ConfigSource + ?Sized> ConfigSource for std::sync::Arc<T> {
    fn config(&self) -> &dyn RouterConfig {
        (**self).config()
    }

    fn router_type(&self) -> Result<u32> {
        (**self).router_type()
    }
}

/// A link the configuration names, and the administrative state it should have.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkWant {
    /// The interface name as stored (a GUID for LAN adapters).
    pub interface: String,
    /// The Linux link (the interface's friendly name).
    pub link: String,
    /// Up (interface enabled and no transport admin-down) or down.
    pub up: bool,
    /// Why it should be down, when it should.
    pub down_reason: Option<String>,
}

/// A static route.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RouteWant {
    /// The interface whose `IP_ROUTE_INFO` holds it.
    pub interface: String,
    /// Its Linux link.
    pub link: String,
    /// Destination network (host bits cleared).
    pub dest: IpAddr,
    /// Prefix length.
    pub prefix_len: u8,
    /// Next hop; `None` = on-link (a stored next hop of 0).
    pub gateway: Option<IpAddr>,
    /// Kernel route priority: the Windows metric (IPv6 metric 0 becomes 1024, the kernel's
    /// default, since the kernel stores 0 as 1024).
    pub priority: u32,
}

impl RouteWant {
    /// `10.2.0.0/24 via 10.1.0.2 dev eth1 metric 1`, as `ip route` would show it.
    pub fn describe(&self) -> String {
        let via = match self.gateway {
            Some(g) => format!(" via {g}"),
            None => String::new(),
        };
        format!(
            "{}/{}{via} dev {} metric {}",
            self.dest, self.prefix_len, self.link, self.priority
        )
    }
}

/// IPv4 and IPv6 forwarding.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Forwarding {
    /// `net.ipv4.ip_forward`: `RouterType` has `ROUTER_TYPE_LAN` or `ROUTER_TYPE_WAN`.
    pub ipv4: bool,
    /// `net.ipv6.conf.all.forwarding`: `IPV6_ROUTER_TYPE_LAN` or `IPV6_ROUTER_TYPE_WAN`.
    pub ipv6: bool,
}

/// Something stored that the router manager does not apply, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotApplied {
    /// What it is (`interface "Branch"`, `ip transport block 0xFFFF0006`).
    pub object: String,
    /// Why it has no effect on Linux.
    pub reason: String,
}

/// Everything the configuration asks of the kernel.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Desired {
    /// The store generation this was read at (`RouterConfig::data_version`).
    pub generation: Option<u64>,
    /// Links and their administrative state.
    pub links: Vec<LinkWant>,
    /// Static routes, in configuration order.
    pub routes: Vec<RouteWant>,
    /// Packet filter rules, in evaluation order.
    pub filters: Vec<FilterRule>,
    /// Forwarding.
    pub forwarding: Forwarding,
    /// What is stored but not applied.
    pub not_applied: Vec<NotApplied>,
}

impl Desired {
    /// The wanted state of `link`, if the configuration names it.
    pub fn link(&self, link: &str) -> Option<&LinkWant> {
        self.links.iter().find(|l| l.link == link)
    }
}

/// Reads the desired state from a configuration. The reads are several transactions; when the
/// store generation moves while they run, they are repeated (up to 5 times) so the result is
/// one consistent snapshot.
pub fn read_desired(source: &dyn ConfigSource) -> Result<Desired> {
    let config = source.config();
    let mut last = None;
    for _ in 0..5 {
        let before = config.data_version()?;
        let mut d = read_once(source)?;
        let after = config.data_version()?;
        d.generation = after;
        if before == after {
            return Ok(d);
        }
        last = Some(d);
    }
    // A configuration changing faster than it can be read: the last reading is still a valid
    // state to converge towards, and the next change triggers another pass.
    last.ok_or_else(|| Error::new(WinError::ERROR_BUSY, "the configuration keeps changing"))
}

fn na(out: &mut Vec<NotApplied>, object: impl Into<String>, reason: impl Into<String>) {
    out.push(NotApplied {
        object: object.into(),
        reason: reason.into(),
    });
}

fn is_not_found(e: &Error) -> bool {
    matches!(
        e.code,
        WinError::ERROR_UNKNOWN_PROTOCOL_ID
            | WinError::ERROR_NO_SUCH_INTERFACE
            | WinError::ERROR_NOT_FOUND
            | WinError::ERROR_FILE_NOT_FOUND
    )
}

/// The transport state of one IP family: configured at all, and static filters on.
struct FamilyState {
    configured: bool,
    filters_enabled: bool,
}

fn read_once(source: &dyn ConfigSource) -> Result<Desired> {
    let config = source.config();
    let mut d = Desired::default();
    let router_type = source.router_type()?;
    d.forwarding = Forwarding {
        ipv4: router_type & (ROUTER_TYPE_LAN | ROUTER_TYPE_WAN) != 0,
        ipv6: router_type & (IPV6_ROUTER_TYPE_LAN | IPV6_ROUTER_TYPE_WAN) != 0,
    };
    if router_type & (ROUTER_TYPE_RAS | IPV6_ROUTER_TYPE_RAS) != 0 {
        na(
            &mut d.not_applied,
            "server: RouterType remote access (RAS) bits",
            format!(
                "RouterType {router_type:#x} enables remote access; Linux has no RAS server here (routing and filters are applied)"
            ),
        );
    }
    server_not_applied(config, &mut d.not_applied)?;

    let mut families = [(), ()].map(|()| FamilyState {
        configured: false,
        filters_enabled: false,
    });
    for t in collect(|r| config.transport_enum(r, 1000))? {
        let p = t.id.protocol_id;
        let slot = match p {
            pid::IP => 0,
            pid::IPV6 => 1,
            _ => {
                na(
                    &mut d.not_applied,
                    format!("transport {:?} ({p:#x})", t.name),
                    "only the IP and IPv6 router managers have a Linux equal",
                );
                continue;
            }
        };
        families[slot].configured = true;
        families[slot].filters_enabled = config.filter_get_info(p)?;
        let info = config.transport_get_info(&t.id)?;
        if let Some(global) = &info.global_info {
            global_not_applied(&t.name, global, &mut d.not_applied);
        }
        if info.client_interface_info.is_some() {
            na(
                &mut d.not_applied,
                format!("transport {:?} client interface information", t.name),
                "applies to remote-access clients, which Linux does not serve here",
            );
        }
    }

    for entry in collect(|r| config.interface_enum(r, 1000))? {
        interface(config, &entry, &families, &mut d)?;
    }
    Ok(d)
}

/// Reads every page of an enumeration.
fn collect<T>(mut page: impl FnMut(u32) -> Result<mprconfig_core::Page<T>>) -> Result<Vec<T>> {
    let mut out = Vec::new();
    let mut resume = 0;
    loop {
        let p = match page(resume) {
            Ok(p) => p,
            Err(e) if e.code == WinError::ERROR_NO_MORE_ITEMS => break,
            Err(e) => return Err(e),
        };
        out.extend(p.entries);
        if p.next_resume == 0 {
            break;
        }
        resume = p.next_resume;
    }
    Ok(out)
}

fn server_not_applied(config: &dyn RouterConfig, out: &mut Vec<NotApplied>) -> Result<()> {
    let ex = match config.server_get_info_ex() {
        Ok(ex) => ex,
        Err(e) if is_not_found(&e) => return Ok(()),
        Err(e) => return Err(e),
    };
    let c = &ex.config;
    let pools = [
        ("PPTP", c.pptp.num_ports),
        ("L2TP", c.l2tp.ports.num_ports),
        ("SSTP", c.sstp.ports.num_ports),
        ("IKEv2", c.ikev2.ports.num_ports),
        ("GRE", c.gre.num_ports),
    ];
    let used: Vec<String> = pools
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(name, n)| format!("{name} {n}"))
        .collect();
    if !used.is_empty() {
        na(
            out,
            format!("server: VPN ports ({})", used.join(", ")),
            "VPN and dial-in ports belong to remote access, which Linux does not serve here",
        );
    }
    Ok(())
}

/// Global blocks of a transport's `GlobalInfo`: filter enable is used; the rest is reported.
fn global_not_applied(transport: &str, global: &[u8], out: &mut Vec<NotApplied>) {
    let header = match InfoHeader::parse(global) {
        Ok(h) => h,
        Err(e) => {
            na(
                out,
                format!("transport {transport:?} GlobalInfo"),
                format!(
                    "the stored header is malformed ({e}); filters stay as configured elsewhere"
                ),
            );
            return;
        }
    };
    for b in &header.blocks {
        let reason = match b.info_type {
            types::IP_FILTER_ENABLE_INFO | types::IP_FILTER_ENABLE_INFO_V6 => continue,
            types::IP_GLOBAL_INFO | types::IPV6_GLOBAL_INFO => {
                "logging level of the Windows router manager (mprrouted logs at its own level)"
            }
            types::IP_PROT_PRIORITY_INFO | types::IP_PROT_PRIORITY_INFO_EX => {
                "route protocol priorities: Linux routes are ordered by metric only"
            }
            _ => "routing-protocol and other global blocks have no Linux equal here",
        };
        na(out, block_object(transport, None, b), reason);
    }
}

fn block_object(transport: &str, interface: Option<&str>, b: &InfoBlock) -> String {
    let name = blocks::block_type_name(b.info_type).unwrap_or("unknown block");
    match interface {
        Some(i) => format!(
            "interface {i:?} {transport} block {:#010x} ({name})",
            b.info_type
        ),
        None => format!(
            "transport {transport:?} block {:#010x} ({name})",
            b.info_type
        ),
    }
}

/// The Linux link of an interface: the friendly name of a GUID name, else the name itself.
fn link_name(config: &dyn RouterConfig, info: &Interface) -> std::result::Result<String, String> {
    let name = &info.name;
    let link = if l::is_guid_name(name) {
        match config.get_friendly_name(name) {
            Ok(n) => n,
            Err(e) if is_not_found(&e) => {
                return Err("no friendly name (Linux link) is known for this GUID".into());
            }
            Err(e) => return Err(format!("its friendly name cannot be read: {e}")),
        }
    } else {
        name.clone()
    };
    if link.is_empty()
        || link.len() > MAX_LINK_NAME
        || link == "."
        || link == ".."
        || link.contains(['/', ' ', '\0', ':'])
        || link.chars().any(char::is_whitespace)
    {
        return Err(format!("{link:?} cannot be a Linux link name"));
    }
    Ok(link)
}

fn interface(
    config: &dyn RouterConfig,
    entry: &InterfaceEntry,
    families: &[FamilyState; 2],
    d: &mut Desired,
) -> Result<()> {
    let info = match config.interface_get_info(&entry.id) {
        Ok(i) => i,
        // Deleted since the enumeration: the generation check repeats the reading.
        Err(e) if is_not_found(&e) => return Ok(()),
        Err(e) => return Err(e),
    };
    let object = format!("interface {:?}", info.name);
    let t = info.if_type;
    if t != InterfaceType::DEDICATED {
        let reason = match t {
            InterfaceType::CLIENT => "remote-access client interfaces belong to RAS",
            InterfaceType::HOME_ROUTER | InterfaceType::FULL_ROUTER | InterfaceType::DIALOUT => {
                "demand-dial interfaces (and their routes and filters) have no Linux equal here"
            }
            InterfaceType::INTERNAL => "the RAS internal interface has no Linux link",
            InterfaceType::LOOPBACK => {
                "the Windows loopback interface is not mapped (the Linux loopback is never changed)"
            }
            InterfaceType::TUNNEL1 => "IP-in-IP tunnel interfaces are not created on Linux",
            _ => "unknown interface type",
        };
        na(
            &mut d.not_applied,
            format!("{object} (type {})", t.name().unwrap_or("unknown")),
            reason,
        );
        return Ok(());
    }
    let link = match link_name(config, &info) {
        Ok(l) => l,
        Err(reason) => {
            na(&mut d.not_applied, object, reason);
            return Ok(());
        }
    };
    let mut down_reasons = Vec::new();
    if !info.enabled {
        down_reasons.push("the interface is disabled".to_string());
    }
    for (slot, (p, tname)) in [(pid::IP, "ip"), (pid::IPV6, "ipv6")]
        .into_iter()
        .enumerate()
    {
        let id = match config.if_transport_get_handle(&entry.id, p) {
            Ok(id) => id,
            Err(e) if is_not_found(&e) => continue,
            Err(e) => return Err(e),
        };
        let blob = match config.if_transport_get_info(&id) {
            Ok(Some(b)) => b,
            Ok(None) => continue,
            Err(e) if is_not_found(&e) => continue,
            Err(e) => return Err(e),
        };
        let it_object = format!("{object} {tname} configuration");
        if !families[slot].configured {
            na(
                &mut d.not_applied,
                it_object,
                format!("the {tname} transport (router manager) is not configured"),
            );
            continue;
        }
        let header = match InfoHeader::parse(&blob) {
            Ok(h) => h,
            Err(e) => {
                na(
                    &mut d.not_applied,
                    it_object,
                    format!("the stored information header is malformed: {e}"),
                );
                continue;
            }
        };
        for b in &header.blocks {
            match b.info_type {
                types::IP_INTERFACE_STATUS_INFO => {
                    if b.data.len() >= 4
                        && u32::from_le_bytes([b.data[0], b.data[1], b.data[2], b.data[3]])
                            == IF_ADMIN_STATUS_DOWN
                    {
                        down_reasons.push(format!(
                            "its {tname} admin status is down (Linux has one admin state per link)"
                        ));
                    }
                }
                types::IP_ROUTE_INFO => routes(
                    &info.name,
                    &link,
                    tname,
                    b,
                    &mut d.routes,
                    &mut d.not_applied,
                ),
                types::IP_IN_FILTER_INFO
                | types::IP_OUT_FILTER_INFO
                | types::IP_IN_FILTER_INFO_V6
                | types::IP_OUT_FILTER_INFO_V6 => {
                    let v6 = matches!(
                        b.info_type,
                        types::IP_IN_FILTER_INFO_V6 | types::IP_OUT_FILTER_INFO_V6
                    );
                    let dir = match b.info_type {
                        types::IP_IN_FILTER_INFO | types::IP_IN_FILTER_INFO_V6 => {
                            FilterDirection::Input
                        }
                        _ => FilterDirection::Output,
                    };
                    let fam = usize::from(v6);
                    if !families[fam].configured {
                        na(
                            &mut d.not_applied,
                            block_object(tname, Some(&info.name), b),
                            format!(
                                "the {} transport is not configured",
                                if v6 { "ipv6" } else { "ip" }
                            ),
                        );
                    } else if !families[fam].filters_enabled {
                        na(
                            &mut d.not_applied,
                            block_object(tname, Some(&info.name), b),
                            format!(
                                "static filtering is disabled for {0} (mprcfg filter enable {0}, MprConfigFilterSetInfo)",
                                if v6 { "ipv6" } else { "ip" }
                            ),
                        );
                    } else {
                        filter_block(&info.name, &link, tname, &header, dir, v6, b, d);
                    }
                }
                types::IP_DEMAND_DIAL_FILTER_INFO | types::IP_DEMAND_DIAL_FILTER_INFO_V6 => na(
                    &mut d.not_applied,
                    block_object(tname, Some(&info.name), b),
                    "demand-dial filters have no Linux equal (nothing dials)",
                ),
                types::IP_ROUTER_DISC_INFO => {
                    // RTR_DISC_INFO.bAdvertise at offset 8: only a request to advertise is
                    // something not done.
                    if b.data.len() >= 12 && b.data[8..12] != [0, 0, 0, 0] {
                        na(
                            &mut d.not_applied,
                            block_object(tname, Some(&info.name), b),
                            "ICMP router discovery advertisements are not sent (no Linux kernel equal)",
                        );
                    }
                }
                types::IP_IFFILTER_INFO | types::IP_IFFILTER_INFO_V6 => {
                    if b.data.len() >= 4 && b.data[..4] != [0, 0, 0, 0] {
                        na(
                            &mut d.not_applied,
                            block_object(tname, Some(&info.name), b),
                            "fragment checking is not applied",
                        );
                    }
                }
                _ => na(
                    &mut d.not_applied,
                    block_object(tname, Some(&info.name), b),
                    "routing-protocol and multicast blocks have no Linux equal here",
                ),
            }
        }
    }
    d.links.push(LinkWant {
        interface: info.name.clone(),
        link,
        up: down_reasons.is_empty(),
        down_reason: (!down_reasons.is_empty()).then(|| down_reasons.join("; ")),
    });
    Ok(())
}

fn routes(
    interface: &str,
    link: &str,
    tname: &str,
    block: &InfoBlock,
    out: &mut Vec<RouteWant>,
    na_out: &mut Vec<NotApplied>,
) {
    let items = match blocks::decode_routes(block) {
        Ok(i) => i,
        Err(e) => {
            na(
                na_out,
                format!("interface {interface:?} {tname} static routes"),
                format!("the IP_ROUTE_INFO block is malformed: {e}"),
            );
            return;
        }
    };
    let mut seen = BTreeSet::new();
    for r in items {
        let object = format!(
            "interface {interface:?} route {}/{} via {}",
            r.dest(),
            r.prefix_len().map_or_else(|| "?".into(), |l| l.to_string()),
            r.next_hop()
        );
        let Some(len) = r.prefix_len() else {
            na(
                na_out,
                object,
                "the mask is not a prefix (Linux routes need one)",
            );
            continue;
        };
        let dest = blocks::network(r.dest(), len);
        let hop = r.next_hop();
        if hop.is_ipv4() != dest.is_ipv4() {
            na(
                na_out,
                object,
                "the next hop is of another address family than the destination",
            );
            continue;
        }
        let metric = route_metric(&r);
        let priority = if dest.is_ipv6() && metric == 0 {
            1024
        } else {
            metric
        };
        let want = RouteWant {
            interface: interface.to_owned(),
            link: link.to_owned(),
            dest,
            prefix_len: len,
            gateway: (!hop.is_unspecified()).then_some(hop),
            priority,
        };
        if seen.insert(want.clone()) {
            out.push(want);
        }
    }
}

fn route_metric(r: &RouteItem) -> u32 {
    // An unused metric slot (0xFFFFFFFF) is not a priority the kernel can sort sensibly.
    match r.metric() {
        blocks::METRIC_UNUSED => 0,
        m => m,
    }
}

#[allow(clippy::too_many_arguments)]
fn filter_block(
    interface: &str,
    link: &str,
    tname: &str,
    header: &InfoHeader,
    dir: FilterDirection,
    v6: bool,
    b: &InfoBlock,
    d: &mut Desired,
) {
    let object = block_object(tname, Some(interface), b);
    let desc = match FilterDescriptor::from_header(header, dir, v6) {
        Ok(Some(desc)) => desc,
        Ok(None) => return,
        Err(e) => {
            na(
                &mut d.not_applied,
                object,
                format!("the filter descriptor is malformed: {e}"),
            );
            return;
        }
    };
    let direction = match dir {
        FilterDirection::Input => Direction::In,
        _ => Direction::Out,
    };
    // Windows: a filter is an exception to the default action (default forward: listed
    // packets are dropped; default drop: listed packets are forwarded).
    let (matched, default) = if desc.default_action == FILTER_ACTION_DROP {
        (Action::Accept, Action::Drop)
    } else {
        (Action::Drop, Action::Accept)
    };
    for (n, f) in desc.filters.iter().enumerate() {
        match rule_of(link, direction, v6, f, matched) {
            Ok(rule) => d.filters.push(rule),
            Err(reason) => na(
                &mut d.not_applied,
                format!("{object} filter {}", n + 1),
                reason,
            ),
        }
    }
    if default == Action::Drop {
        d.filters.push(FilterRule {
            link: link.to_owned(),
            direction,
            v6,
            src: None,
            dst: None,
            protocol: None,
            src_port: None,
            dst_port: None,
            icmp_type: None,
            icmp_code: None,
            action: Action::Drop,
        });
    }
}

fn prefix(addr: IpAddr, len: Option<u8>) -> std::result::Result<Option<Prefix>, String> {
    match len {
        Some(0) => Ok(None),
        Some(len) => Ok(Some(Prefix {
            addr: blocks::network(addr, len),
            len,
        })),
        None => Err(format!("the mask of {addr} is not a prefix")),
    }
}

/// One Windows filter as an nftables rule, or why it cannot be one.
pub(crate) fn rule_of(
    link: &str,
    direction: Direction,
    v6: bool,
    f: &Filter,
    action: Action,
) -> std::result::Result<FilterRule, String> {
    if f.late_bound() != 0 {
        return Err(format!(
            "late-bound filter (fLateBound {:#x}): its addresses are replaced when a demand-dial connection is made, which never happens here",
            f.late_bound()
        ));
    }
    let (src, dst) = (f.source(), f.destination());
    let src = prefix(src.0, src.1)?;
    let dst = prefix(dst.0, dst.1)?;
    let proto = f.protocol();
    let protocol = match proto {
        0 => None,
        1..=255 => Some(proto as u8),
        _ => return Err(format!("protocol {proto} is not an IP protocol number")),
    };
    let (sp, dp) = f.ports();
    let (mut src_port, mut dst_port, mut icmp_type, mut icmp_code) = (None, None, None, None);
    match protocol {
        Some(6 | 17) => {
            src_port = (sp != 0).then_some(sp);
            dst_port = (dp != 0).then_some(dp);
        }
        Some(p @ (1 | 58)) => {
            let own = (p == 1 && !v6) || (p == 58 && v6);
            let t = (sp != ICMP_ANY).then_some(sp);
            let c = (dp != ICMP_ANY).then_some(dp);
            if (t.is_some() || c.is_some()) && !own {
                return Err(format!(
                    "ICMP type/code for protocol {p} in an {} filter",
                    if v6 { "IPv6" } else { "IPv4" }
                ));
            }
            if t.is_some_and(|t| t > 255) || c.is_some_and(|c| c > 255) {
                return Err(format!("ICMP type {sp} / code {dp} out of range"));
            }
            icmp_type = t.map(|t| t as u8);
            icmp_code = c.map(|c| c as u8);
        }
        _ => {
            if sp != 0 || dp != 0 {
                return Err(format!(
                    "ports {sp}/{dp} given for protocol {proto}, which has none"
                ));
            }
        }
    }
    Ok(FilterRule {
        link: link.to_owned(),
        direction,
        v6,
        src,
        dst,
        protocol,
        src_port,
        dst_port,
        icmp_type,
        icmp_code,
        action,
    })
}
