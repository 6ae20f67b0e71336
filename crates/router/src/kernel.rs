//! The kernel side over rtnetlink: links and our routes read back, link state and routes
//! changed, forwarding through the `/proc/sys/net` files of the caller's network namespace.
//!
//! Only routes with the router manager's own protocol number in the main table are ever read
//! as ours, changed or deleted; links are only changed when the configuration names them.

use std::net::IpAddr;

use futures::TryStreamExt;
use netlink_packet_route::AddressFamily;
use netlink_packet_route::link::{LinkAttribute, LinkFlags, LinkMessage};
use netlink_packet_route::route::{
    RouteAddress, RouteAttribute, RouteHeader, RouteMessage, RouteProtocol, RouteScope, RouteType,
};
use rtnetlink::{Handle, LinkUnspec, RouteMessageBuilder};
use serde::{Deserialize, Serialize};

use mprconfig_core::{Error, Result, WinError};

use crate::desired::RouteWant;

/// The route protocol number (`rtm_protocol`) the router manager marks its routes with, unless
/// told otherwise (`mprrouted --route-protocol`). Unassigned in iproute2's `rt_protos`.
pub const DEFAULT_ROUTE_PROTOCOL: u8 = 77;
/// `RT_TABLE_MAIN`.
pub const MAIN_TABLE: u32 = 254;

/// A link as the kernel reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KernelLink {
    /// Interface index.
    pub index: u32,
    /// Name.
    pub name: String,
    /// `IFF_UP`: administratively up.
    pub admin_up: bool,
    /// `IFF_LOWER_UP`: carrier.
    pub carrier: bool,
}

/// One of our routes as the kernel holds it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct KernelRoute {
    /// Destination network.
    pub dest: IpAddr,
    /// Prefix length.
    pub prefix_len: u8,
    /// Gateway, if any.
    pub gateway: Option<IpAddr>,
    /// Output interface index.
    pub oif: Option<u32>,
    /// Priority (metric).
    pub priority: u32,
}

impl KernelRoute {
    /// `10.2.0.0/24 via 10.1.0.2 dev #3 metric 1` (the link by index; callers that know the
    /// name say it).
    pub fn describe(&self, link: Option<&str>) -> String {
        let via = self
            .gateway
            .map(|g| format!(" via {g}"))
            .unwrap_or_default();
        let dev = match (link, self.oif) {
            (Some(l), _) => format!(" dev {l}"),
            (None, Some(i)) => format!(" dev #{i}"),
            (None, None) => String::new(),
        };
        format!(
            "{}/{}{via}{dev} metric {}",
            self.dest, self.prefix_len, self.priority
        )
    }
}

/// A Win32-coded error from a netlink failure.
pub fn netlink_error(e: rtnetlink::Error, what: &str) -> Error {
    match e {
        rtnetlink::Error::NetlinkError(m) => {
            let errno = -m.raw_code();
            let io = std::io::Error::from_raw_os_error(errno);
            Error::new(errno_code(errno), format!("{what}: {io}"))
        }
        other => Error::new(WinError::ERROR_INVALID_FUNCTION, format!("{what}: {other}")),
    }
}

/// The Win32 code closest to a kernel errno.
pub fn errno_code(errno: i32) -> WinError {
    match errno {
        libc::EPERM | libc::EACCES => WinError::ERROR_ACCESS_DENIED,
        libc::EEXIST => WinError::ERROR_ALREADY_EXISTS,
        libc::ENOENT | libc::ESRCH => WinError::ERROR_NOT_FOUND,
        libc::ENODEV => WinError::ERROR_NO_SUCH_INTERFACE,
        libc::EINVAL => WinError::ERROR_INVALID_PARAMETER,
        libc::ENETDOWN => WinError::ERROR_INTERFACE_DISCONNECTED,
        libc::ENETUNREACH | libc::EHOSTUNREACH => WinError::ERROR_INTERFACE_UNREACHABLE,
        libc::EOPNOTSUPP => WinError::ERROR_NOT_SUPPORTED,
        libc::ENOMEM | libc::ENOBUFS => WinError::ERROR_NOT_ENOUGH_MEMORY,
        _ => WinError::ERROR_INVALID_FUNCTION,
    }
}

/// An rtnetlink connection (its I/O task runs on the current tokio runtime).
#[derive(Clone)]
pub struct Netlink {
    handle: Handle,
    protocol: u8,
}

impl Netlink {
    /// Opens a connection in the caller's network namespace; `protocol` marks our routes.
    pub fn new(protocol: u8) -> Result<Netlink> {
        let (conn, handle, _) = rtnetlink::new_connection().map_err(|e| {
            Error::new(
                WinError::ERROR_ACCESS_DENIED,
                format!("cannot open an rtnetlink socket: {e}"),
            )
        })?;
        tokio::spawn(conn);
        Ok(Netlink { handle, protocol })
    }

    /// The route protocol number our routes carry.
    pub fn protocol(&self) -> u8 {
        self.protocol
    }

    /// Every link.
    pub async fn links(&self) -> Result<Vec<KernelLink>> {
        let msgs: Vec<LinkMessage> = self
            .handle
            .link()
            .get()
            .execute()
            .try_collect()
            .await
            .map_err(|e| netlink_error(e, "listing links"))?;
        Ok(msgs.iter().filter_map(kernel_link).collect())
    }

    /// Our routes (our protocol, main table), both families.
    pub async fn routes(&self) -> Result<Vec<KernelRoute>> {
        let mut out = Vec::new();
        for v6 in [false, true] {
            let req = if v6 {
                RouteMessageBuilder::<std::net::Ipv6Addr>::new().build()
            } else {
                RouteMessageBuilder::<std::net::Ipv4Addr>::new().build()
            };
            let msgs: Vec<RouteMessage> = self
                .handle
                .route()
                .get(req)
                .execute()
                .try_collect()
                .await
                .map_err(|e| netlink_error(e, "listing routes"))?;
            out.extend(msgs.iter().filter_map(|m| self.our_route(m)));
        }
        Ok(out)
    }

    /// True if `m` is a route of ours (for events).
    pub fn is_ours(&self, m: &RouteMessage) -> bool {
        m.header.protocol == RouteProtocol::from(self.protocol) && table_of(m) == MAIN_TABLE
    }

    fn our_route(&self, m: &RouteMessage) -> Option<KernelRoute> {
        if !self.is_ours(m) || m.header.kind != RouteType::Unicast {
            return None;
        }
        let mut dest = None;
        let mut gateway = None;
        let mut oif = None;
        let mut priority = 0;
        for a in &m.attributes {
            match a {
                RouteAttribute::Destination(d) => dest = address(d),
                RouteAttribute::Gateway(g) => gateway = address(g),
                RouteAttribute::Oif(i) => oif = Some(*i),
                RouteAttribute::Priority(p) => priority = *p,
                _ => {}
            }
        }
        let dest = dest.unwrap_or(match m.header.address_family {
            AddressFamily::Inet6 => IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED),
            _ => IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED),
        });
        Some(KernelRoute {
            dest,
            prefix_len: m.header.destination_prefix_length,
            gateway,
            oif,
            priority,
        })
    }

    /// Sets a link administratively up or down.
    pub async fn set_link(&self, index: u32, up: bool) -> Result<()> {
        let b = LinkUnspec::new_with_index(index);
        let msg = if up { b.up() } else { b.down() }.build();
        self.handle
            .link()
            .set(msg)
            .execute()
            .await
            .map_err(|e| netlink_error(e, "setting the link state"))
    }

    /// Adds a route on link `oif`, marked with our protocol.
    pub async fn add_route(&self, r: &RouteWant, oif: u32) -> Result<()> {
        let msg = self.route_message(
            r.dest,
            r.prefix_len,
            r.gateway,
            Some(oif),
            r.priority,
            r.gateway.is_none(),
        );
        self.handle
            .route()
            .add(msg)
            .execute()
            .await
            .map_err(|e| netlink_error(e, "adding the route"))
    }

    /// Deletes one of our routes.
    pub async fn del_route(&self, r: &KernelRoute) -> Result<()> {
        let msg = self.route_message(r.dest, r.prefix_len, r.gateway, r.oif, r.priority, false);
        self.handle
            .route()
            .del(msg)
            .execute()
            .await
            .map_err(|e| netlink_error(e, "deleting the route"))
    }

    fn route_message(
        &self,
        dest: IpAddr,
        prefix_len: u8,
        gateway: Option<IpAddr>,
        oif: Option<u32>,
        priority: u32,
        on_link: bool,
    ) -> RouteMessage {
        let mut m = RouteMessage::default();
        m.header.address_family = if dest.is_ipv6() {
            AddressFamily::Inet6
        } else {
            AddressFamily::Inet
        };
        m.header.destination_prefix_length = prefix_len;
        m.header.table = RouteHeader::RT_TABLE_MAIN;
        m.header.protocol = RouteProtocol::from(self.protocol);
        m.header.scope = if on_link && dest.is_ipv4() {
            RouteScope::Link
        } else {
            RouteScope::Universe
        };
        m.header.kind = RouteType::Unicast;
        m.attributes.push(RouteAttribute::Destination(dest.into()));
        if let Some(g) = gateway {
            m.attributes.push(RouteAttribute::Gateway(g.into()));
        }
        if let Some(i) = oif {
            m.attributes.push(RouteAttribute::Oif(i));
        }
        m.attributes.push(RouteAttribute::Priority(priority));
        m
    }
}

fn table_of(m: &RouteMessage) -> u32 {
    m.attributes
        .iter()
        .find_map(|a| match a {
            RouteAttribute::Table(t) => Some(*t),
            _ => None,
        })
        .unwrap_or(u32::from(m.header.table))
}

fn address(a: &RouteAddress) -> Option<IpAddr> {
    match a {
        RouteAddress::Inet(v4) => Some(IpAddr::V4(*v4)),
        RouteAddress::Inet6(v6) => Some(IpAddr::V6(*v6)),
        _ => None,
    }
}

/// A link message as a [`KernelLink`] (`None` without a name).
pub fn kernel_link(m: &LinkMessage) -> Option<KernelLink> {
    let name = m.attributes.iter().find_map(|a| match a {
        LinkAttribute::IfName(n) => Some(n.clone()),
        _ => None,
    })?;
    Some(KernelLink {
        index: m.header.index,
        name,
        admin_up: m.header.flags.contains(LinkFlags::Up),
        carrier: m.header.flags.contains(LinkFlags::LowerUp),
    })
}

const IPV4_FORWARD: &str = "/proc/sys/net/ipv4/ip_forward";
const IPV6_FORWARD: &str = "/proc/sys/net/ipv6/conf/all/forwarding";

/// IPv4 and IPv6 forwarding of the caller's network namespace (`None` for a family whose file
/// cannot be read, e.g. IPv6 disabled).
pub fn forwarding() -> (Option<bool>, Option<bool>) {
    let read = |p: &str| {
        std::fs::read_to_string(p)
            .ok()
            .map(|s| s.trim() != "0" && !s.trim().is_empty())
    };
    (read(IPV4_FORWARD), read(IPV6_FORWARD))
}

/// Sets IPv4 (`v6` false) or IPv6 forwarding.
pub fn set_forwarding(v6: bool, on: bool) -> Result<()> {
    let path = if v6 { IPV6_FORWARD } else { IPV4_FORWARD };
    std::fs::write(path, if on { "1\n" } else { "0\n" }).map_err(|e| {
        let code = match e.kind() {
            std::io::ErrorKind::PermissionDenied => WinError::ERROR_ACCESS_DENIED,
            std::io::ErrorKind::NotFound => WinError::ERROR_NOT_SUPPORTED,
            _ => WinError::ERROR_WRITE_PROTECT,
        };
        Error::new(code, format!("writing {path}: {e}"))
    })
}
