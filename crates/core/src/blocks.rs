//! What lives inside information headers: the block type ids of registry-layout §4.1, codecs
//! for the blocks administrators edit (static routes, `IP_ROUTE_INFO` §4.4; packet filters,
//! `FILTER_DESCRIPTOR` / `FILTER_DESCRIPTOR_V6` §4.3), and [`decode_block`], which turns every
//! known block type into named fields (unknown types stay raw bytes).
//!
//! Byte order follows the registry dumps, not the spec prose: integers are little-endian,
//! IPv4/IPv6 addresses are the wire-order bytes, TCP/UDP ports in filters are big-endian, and
//! ICMP type/code in the port fields are little-endian (registry-layout §0, §4.3).
//!
//! These functions work on [`InfoBlock`]s and [`InfoHeader`]s from [`crate::info`]; the CLI and
//! any Rust or C caller use them to edit routes and filters without hand-made bytes.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::info::{InfoBlock, InfoHeader};
use crate::{Error, Result, WinError};

/// Block type ids (`InfoType`) of registry-layout §4.1.
pub mod types {
    /// `IP_IN_FILTER_INFO`: input filters (`FILTER_DESCRIPTOR`).
    pub const IP_IN_FILTER_INFO: u32 = 0xFFFF_0001;
    /// `IP_OUT_FILTER_INFO`: output filters.
    pub const IP_OUT_FILTER_INFO: u32 = 0xFFFF_0002;
    /// `IP_GLOBAL_INFO` (`GLOBAL_INFO`).
    pub const IP_GLOBAL_INFO: u32 = 0xFFFF_0003;
    /// `IP_INTERFACE_STATUS_INFO` (`INTERFACE_STATUS_INFO`).
    pub const IP_INTERFACE_STATUS_INFO: u32 = 0xFFFF_0004;
    /// `IP_ROUTE_INFO`: static routes (72- or 56-byte items).
    pub const IP_ROUTE_INFO: u32 = 0xFFFF_0005;
    /// `IP_PROT_PRIORITY_INFO` (`PRIORITY_INFO`).
    pub const IP_PROT_PRIORITY_INFO: u32 = 0xFFFF_0006;
    /// `IP_ROUTER_DISC_INFO` (`RTR_DISC_INFO`).
    pub const IP_ROUTER_DISC_INFO: u32 = 0xFFFF_0007;
    /// `IP_DEMAND_DIAL_FILTER_INFO`: demand-dial filters.
    pub const IP_DEMAND_DIAL_FILTER_INFO: u32 = 0xFFFF_0009;
    /// `IP_MCAST_HEARBEAT_INFO` (sic) (`MCAST_HBEAT_INFO`).
    pub const IP_MCAST_HEARBEAT_INFO: u32 = 0xFFFF_000A;
    /// `IP_MCAST_BOUNDARY_INFO` (`MIB_BOUNDARYROW`).
    pub const IP_MCAST_BOUNDARY_INFO: u32 = 0xFFFF_000B;
    /// `IP_IPINIP_CFG_INFO` (`IPINIP_CONFIG_INFO`).
    pub const IP_IPINIP_CFG_INFO: u32 = 0xFFFF_000C;
    /// `IP_IFFILTER_INFO` (`IFFILTER_INFO`).
    pub const IP_IFFILTER_INFO: u32 = 0xFFFF_000D;
    /// `IP_MCAST_LIMIT_INFO` (`MIB_MCAST_LIMIT_ROW`).
    pub const IP_MCAST_LIMIT_INFO: u32 = 0xFFFF_000E;
    /// `IPV6_GLOBAL_INFO` (`GLOBAL_INFO`).
    pub const IPV6_GLOBAL_INFO: u32 = 0xFFFF_000F;
    /// `IPV6_ROUTE_INFO` (declared in the headers, never seen in data).
    pub const IPV6_ROUTE_INFO: u32 = 0xFFFF_0010;
    /// `IP_IN_FILTER_INFO_V6` (`FILTER_DESCRIPTOR_V6`).
    pub const IP_IN_FILTER_INFO_V6: u32 = 0xFFFF_0011;
    /// `IP_OUT_FILTER_INFO_V6`.
    pub const IP_OUT_FILTER_INFO_V6: u32 = 0xFFFF_0012;
    /// `IP_DEMAND_DIAL_FILTER_INFO_V6`.
    pub const IP_DEMAND_DIAL_FILTER_INFO_V6: u32 = 0xFFFF_0013;
    /// `IP_IFFILTER_INFO_V6` (`IFFILTER_INFO`).
    pub const IP_IFFILTER_INFO_V6: u32 = 0xFFFF_0014;
    /// `IP_FILTER_ENABLE_INFO` (`MPR_FILTER_0`).
    pub const IP_FILTER_ENABLE_INFO: u32 = 0xFFFF_0015;
    /// `IP_FILTER_ENABLE_INFO_V6` (`MPR_FILTER_0`).
    pub const IP_FILTER_ENABLE_INFO_V6: u32 = 0xFFFF_0016;
    /// `IP_PROT_PRIORITY_INFO_EX` (`PRIORITY_INFO_EX`).
    pub const IP_PROT_PRIORITY_INFO_EX: u32 = 0xFFFF_0017;
}

use types::*;

/// The documented name of a block type id (IP/IPv6 router manager ids, routing-protocol ids,
/// IPX ids), or `None`. IPX ids overlap nothing else, so one table serves every transport.
pub fn block_type_name(info_type: u32) -> Option<&'static str> {
    Some(match info_type {
        IP_IN_FILTER_INFO => "IP_IN_FILTER_INFO",
        IP_OUT_FILTER_INFO => "IP_OUT_FILTER_INFO",
        IP_GLOBAL_INFO => "IP_GLOBAL_INFO",
        IP_INTERFACE_STATUS_INFO => "IP_INTERFACE_STATUS_INFO",
        IP_ROUTE_INFO => "IP_ROUTE_INFO",
        IP_PROT_PRIORITY_INFO => "IP_PROT_PRIORITY_INFO",
        IP_ROUTER_DISC_INFO => "IP_ROUTER_DISC_INFO",
        IP_DEMAND_DIAL_FILTER_INFO => "IP_DEMAND_DIAL_FILTER_INFO",
        IP_MCAST_HEARBEAT_INFO => "IP_MCAST_HEARBEAT_INFO",
        IP_MCAST_BOUNDARY_INFO => "IP_MCAST_BOUNDARY_INFO",
        IP_IPINIP_CFG_INFO => "IP_IPINIP_CFG_INFO",
        IP_IFFILTER_INFO => "IP_IFFILTER_INFO",
        IP_MCAST_LIMIT_INFO => "IP_MCAST_LIMIT_INFO",
        IPV6_GLOBAL_INFO => "IPV6_GLOBAL_INFO",
        IPV6_ROUTE_INFO => "IPV6_ROUTE_INFO",
        IP_IN_FILTER_INFO_V6 => "IP_IN_FILTER_INFO_V6",
        IP_OUT_FILTER_INFO_V6 => "IP_OUT_FILTER_INFO_V6",
        IP_DEMAND_DIAL_FILTER_INFO_V6 => "IP_DEMAND_DIAL_FILTER_INFO_V6",
        IP_IFFILTER_INFO_V6 => "IP_IFFILTER_INFO_V6",
        IP_FILTER_ENABLE_INFO => "IP_FILTER_ENABLE_INFO",
        IP_FILTER_ENABLE_INFO_V6 => "IP_FILTER_ENABLE_INFO_V6",
        IP_PROT_PRIORITY_INFO_EX => "IP_PROT_PRIORITY_INFO_EX",
        0x0000_0008 => "MS_IP_RIP",
        0x0000_000D => "MS_IP_OSPF",
        0x0000_270F => "MS_IP_BOOTP",
        0x4137_000A => "MS_IP_IGMP",
        0x0137_000E => "MS_IP_BGP",
        0x8137_2713 => "MS_IP_DNS_PROXY",
        0x8137_2714 => "MS_IP_DHCP_ALLOCATOR",
        0x8137_2715 => "MS_IP_NAT",
        0x0000_03E7 => "MS_IPV6_DHCP",
        0x0000_0001 => "IPX_INTERFACE_INFO_TYPE",
        0x0000_0002 => "IPX_STATIC_ROUTE_INFO_TYPE",
        0x0000_0003 => "IPX_STATIC_SERVICE_INFO_TYPE",
        0x0000_0006 => "IPX_IN_TRAFFIC_FILTER_INFO_TYPE",
        0x0000_0007 => "IPX_ADAPTER_INFO_TYPE",
        0x0000_0009 => "IPX_GLOBAL_INFO_TYPE",
        0x0000_000A => "IPX_STATIC_NETBIOS_NAME_INFO_TYPE",
        0x0000_000B => "IPX_IN_TRAFFIC_FILTER_GLOBAL_INFO_TYPE",
        0x0000_000C => "IPX_OUT_TRAFFIC_FILTER_INFO_TYPE",
        0x0002_0000 => "IPX_PROTOCOL_RIP",
        0x0002_0001 => "IPX_PROTOCOL_SAP",
        _ => return None,
    })
}

/// `MIB_IPFORWARD_PROTO` names (registry-layout §4.4).
pub fn route_protocol_name(proto: u32) -> Option<&'static str> {
    Some(match proto {
        1 => "OTHER",
        2 => "LOCAL",
        3 => "NETMGMT",
        4 => "ICMP",
        5 => "EGP",
        6 => "GGP",
        7 => "HELLO",
        8 => "RIP",
        9 => "IS_IS",
        10 => "ES_IS",
        11 => "CISCO",
        12 => "BBN",
        13 => "OSPF",
        14 => "BGP",
        10002 => "NT_AUTOSTATIC",
        10006 => "NT_STATIC",
        10007 => "NT_STATIC_NON_DOD",
        _ => return None,
    })
}

/// IP protocol names used in filters.
pub fn ip_protocol_name(proto: u32) -> Option<&'static str> {
    Some(match proto {
        0 => "ANY",
        1 => "ICMP",
        6 => "TCP",
        17 => "UDP",
        58 => "ICMPv6",
        _ => return None,
    })
}

fn invalid(detail: impl Into<String>) -> Error {
    Error::new(WinError::ERROR_INVALID_DATA, detail)
}

fn u32_at(b: &[u8], off: usize) -> u32 {
    u32::from_le_bytes([b[off], b[off + 1], b[off + 2], b[off + 3]])
}

fn u16_at(b: &[u8], off: usize) -> u16 {
    u16::from_le_bytes([b[off], b[off + 1]])
}

fn v4_at(b: &[u8], off: usize) -> Ipv4Addr {
    Ipv4Addr::new(b[off], b[off + 1], b[off + 2], b[off + 3])
}

fn v6_at(b: &[u8], off: usize) -> Ipv6Addr {
    let mut a = [0u8; 16];
    a.copy_from_slice(&b[off..off + 16]);
    Ipv6Addr::from(a)
}

fn put_u32(b: &mut [u8], off: usize, v: u32) {
    b[off..off + 4].copy_from_slice(&v.to_le_bytes());
}

/// The prefix length of a contiguous IPv4 mask (`255.255.0.0` → 16), `None` otherwise.
pub fn mask_prefix_len(mask: Ipv4Addr) -> Option<u8> {
    let m = u32::from(mask);
    let len = m.leading_ones();
    (m.checked_shl(len).unwrap_or(0) == 0).then_some(len as u8)
}

/// The IPv4 mask of a prefix length (`16` → `255.255.0.0`); lengths above 32 are clamped.
pub fn prefix_mask(len: u8) -> Ipv4Addr {
    let len = u32::from(len.min(32));
    Ipv4Addr::from(u32::MAX.checked_shl(32 - len).unwrap_or(0))
}

// ---- routes (registry-layout §4.4) ---------------------------------------------------------

/// Item size of the Vista+ `INTERFACE_ROUTE_INFO`, the layout routes are written in.
pub const ROUTE_ITEM_SIZE: u32 = 72;
/// Item size of the legacy `MIB_IPFORWARDROW` layout, read but not written.
pub const LEGACY_ROUTE_ITEM_SIZE: u32 = 56;

/// `dwRtInfoType` for a route whose next hop is the destination's own link.
pub const ROUTE_TYPE_DIRECT: u32 = 3;
/// `dwRtInfoType` for a route through a gateway.
pub const ROUTE_TYPE_INDIRECT: u32 = 4;
/// `MIB_IPPROTO_NT_STATIC`: a static route that survives interface restarts.
pub const PROTO_NT_STATIC: u32 = 10006;
/// `RTM_VIEW_MASK_UCAST | RTM_VIEW_MASK_MCAST`.
pub const VIEW_UNICAST_AND_MULTICAST: u32 = 3;
/// A metric slot that is not used.
pub const METRIC_UNUSED: u32 = 0xFFFF_FFFF;

/// The address-family arm of `INTERFACE_ROUTE_INFO`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RouteArm {
    /// `bV4 = 1`: the IPv4 fields (bytes 0..36; bytes 36..48 are unused and written as zero).
    V4 {
        /// `dwRtInfoDest`.
        dest: Ipv4Addr,
        /// `dwRtInfoMask`.
        mask: Ipv4Addr,
        /// `dwRtInfoPolicy` (TOS).
        policy: u32,
        /// `dwRtInfoNextHop`; `0.0.0.0` for a route on the interface's own link.
        next_hop: Ipv4Addr,
        /// `dwRtInfoAge`.
        age: u32,
        /// `dwRtInfoNextHopAS`.
        next_hop_as: u32,
        /// `dwRtInfoMetric1`.
        metric1: u32,
        /// `dwRtInfoMetric2` (`0xFFFFFFFF` = unused).
        metric2: u32,
        /// `dwRtInfoMetric3` (`0xFFFFFFFF` = unused).
        metric3: u32,
    },
    /// `bV4 = 0`: the IPv6 fields.
    V6 {
        /// `DestinationPrefix`.
        dest: Ipv6Addr,
        /// `DestPrefixLength` (0-128; 255 = invalid).
        prefix_len: u32,
        /// `NextHopAddress`; `::` for a route on the interface's own link.
        next_hop: Ipv6Addr,
        /// `ValidLifeTime` (`0xFFFFFFFF` = infinite).
        valid_lifetime: u32,
        /// `Flags`.
        flags: u32,
        /// `Metric`.
        metric: u32,
    },
}

/// One 72-byte `INTERFACE_ROUTE_INFO` item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InterfaceRouteInfo {
    /// Destination, mask or prefix, next hop, metrics.
    pub arm: RouteArm,
    /// `dwRtInfoIfIndex`.
    pub if_index: u32,
    /// `dwRtInfoType` (3 direct, 4 indirect; Windows returns 0 on get).
    pub route_type: u32,
    /// `dwRtInfoProto` (`MIB_IPFORWARD_PROTO`).
    pub proto: u32,
    /// `dwRtInfoPreference`.
    pub preference: u32,
    /// `dwRtInfoViewSet` (1 unicast, 2 multicast, 3 both).
    pub view_set: u32,
}

impl InterfaceRouteInfo {
    /// A static route as `mprcfg route add` writes it: `NT_STATIC`, direct when the next hop
    /// is unspecified (`0.0.0.0` / `::`) and indirect otherwise, unicast and multicast views,
    /// unused secondary metrics. `prefix_len` is clamped to 32 (IPv4) or 128 (IPv6); the
    /// destination keeps its bits as given.
    pub fn new_static(
        dest: IpAddr,
        prefix_len: u8,
        next_hop: IpAddr,
        metric: u32,
        preference: u32,
    ) -> Result<Self> {
        let (arm, direct) = match (dest, next_hop) {
            (IpAddr::V4(dest), IpAddr::V4(next_hop)) => (
                RouteArm::V4 {
                    dest,
                    mask: prefix_mask(prefix_len),
                    policy: 0,
                    next_hop,
                    age: 0,
                    next_hop_as: 0,
                    metric1: metric,
                    metric2: METRIC_UNUSED,
                    metric3: METRIC_UNUSED,
                },
                next_hop.is_unspecified(),
            ),
            (IpAddr::V6(dest), IpAddr::V6(next_hop)) => (
                RouteArm::V6 {
                    dest,
                    prefix_len: u32::from(prefix_len.min(128)),
                    next_hop,
                    valid_lifetime: 0xFFFF_FFFF,
                    flags: 0,
                    metric,
                },
                next_hop.is_unspecified(),
            ),
            _ => {
                return Err(Error::invalid_parameter(format!(
                    "destination {dest} and next hop {next_hop} are not of the same address family"
                )));
            }
        };
        Ok(InterfaceRouteInfo {
            arm,
            if_index: 0,
            route_type: if direct {
                ROUTE_TYPE_DIRECT
            } else {
                ROUTE_TYPE_INDIRECT
            },
            proto: PROTO_NT_STATIC,
            preference,
            view_set: VIEW_UNICAST_AND_MULTICAST,
        })
    }

    /// Decodes one 72-byte item. `ERROR_INVALID_DATA` if the length is not 72.
    pub fn decode(b: &[u8]) -> Result<Self> {
        if b.len() != ROUTE_ITEM_SIZE as usize {
            return Err(invalid(format!(
                "INTERFACE_ROUTE_INFO is 72 bytes, got {}",
                b.len()
            )));
        }
        let arm = if u32_at(b, 68) != 0 {
            RouteArm::V4 {
                dest: v4_at(b, 0),
                mask: v4_at(b, 4),
                policy: u32_at(b, 8),
                next_hop: v4_at(b, 12),
                age: u32_at(b, 16),
                next_hop_as: u32_at(b, 20),
                metric1: u32_at(b, 24),
                metric2: u32_at(b, 28),
                metric3: u32_at(b, 32),
            }
        } else {
            RouteArm::V6 {
                dest: v6_at(b, 0),
                prefix_len: u32_at(b, 16),
                next_hop: v6_at(b, 20),
                valid_lifetime: u32_at(b, 36),
                flags: u32_at(b, 40),
                metric: u32_at(b, 44),
            }
        };
        Ok(InterfaceRouteInfo {
            arm,
            if_index: u32_at(b, 48),
            route_type: u32_at(b, 52),
            proto: u32_at(b, 56),
            preference: u32_at(b, 60),
            view_set: u32_at(b, 64),
        })
    }

    /// The 72 bytes (`bV4` = 1 for the IPv4 arm, 0 for IPv6).
    pub fn encode(&self) -> [u8; 72] {
        let mut b = [0u8; 72];
        match &self.arm {
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
            } => {
                b[0..4].copy_from_slice(&dest.octets());
                b[4..8].copy_from_slice(&mask.octets());
                put_u32(&mut b, 8, *policy);
                b[12..16].copy_from_slice(&next_hop.octets());
                put_u32(&mut b, 16, *age);
                put_u32(&mut b, 20, *next_hop_as);
                put_u32(&mut b, 24, *metric1);
                put_u32(&mut b, 28, *metric2);
                put_u32(&mut b, 32, *metric3);
                put_u32(&mut b, 68, 1);
            }
            RouteArm::V6 {
                dest,
                prefix_len,
                next_hop,
                valid_lifetime,
                flags,
                metric,
            } => {
                b[0..16].copy_from_slice(&dest.octets());
                put_u32(&mut b, 16, *prefix_len);
                b[20..36].copy_from_slice(&next_hop.octets());
                put_u32(&mut b, 36, *valid_lifetime);
                put_u32(&mut b, 40, *flags);
                put_u32(&mut b, 44, *metric);
            }
        }
        put_u32(&mut b, 48, self.if_index);
        put_u32(&mut b, 52, self.route_type);
        put_u32(&mut b, 56, self.proto);
        put_u32(&mut b, 60, self.preference);
        put_u32(&mut b, 64, self.view_set);
        b
    }
}

/// One 56-byte legacy item, decoded as `MIB_IPFORWARDROW` (registry-layout §4.4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForwardRow {
    /// `dwForwardDest`.
    pub dest: Ipv4Addr,
    /// `dwForwardMask`.
    pub mask: Ipv4Addr,
    /// `dwForwardPolicy`.
    pub policy: u32,
    /// `dwForwardNextHop`.
    pub next_hop: Ipv4Addr,
    /// `dwForwardIfIndex`.
    pub if_index: u32,
    /// `dwForwardType`.
    pub route_type: u32,
    /// `dwForwardProto`.
    pub proto: u32,
    /// `dwForwardAge`.
    pub age: u32,
    /// `dwForwardNextHopAS`.
    pub next_hop_as: u32,
    /// `dwForwardMetric1` … `dwForwardMetric5`.
    pub metrics: [u32; 5],
}

impl ForwardRow {
    /// Decodes one 56-byte item. `ERROR_INVALID_DATA` if the length is not 56.
    pub fn decode(b: &[u8]) -> Result<Self> {
        if b.len() != LEGACY_ROUTE_ITEM_SIZE as usize {
            return Err(invalid(format!(
                "MIB_IPFORWARDROW is 56 bytes, got {}",
                b.len()
            )));
        }
        Ok(ForwardRow {
            dest: v4_at(b, 0),
            mask: v4_at(b, 4),
            policy: u32_at(b, 8),
            next_hop: v4_at(b, 12),
            if_index: u32_at(b, 16),
            route_type: u32_at(b, 20),
            proto: u32_at(b, 24),
            age: u32_at(b, 28),
            next_hop_as: u32_at(b, 32),
            metrics: [
                u32_at(b, 36),
                u32_at(b, 40),
                u32_at(b, 44),
                u32_at(b, 48),
                u32_at(b, 52),
            ],
        })
    }

    /// The 56 bytes.
    pub fn encode(&self) -> [u8; 56] {
        let mut b = [0u8; 56];
        b[0..4].copy_from_slice(&self.dest.octets());
        b[4..8].copy_from_slice(&self.mask.octets());
        put_u32(&mut b, 8, self.policy);
        b[12..16].copy_from_slice(&self.next_hop.octets());
        for (i, v) in [
            self.if_index,
            self.route_type,
            self.proto,
            self.age,
            self.next_hop_as,
        ]
        .into_iter()
        .enumerate()
        {
            put_u32(&mut b, 16 + 4 * i, v);
        }
        for (i, m) in self.metrics.iter().enumerate() {
            put_u32(&mut b, 36 + 4 * i, *m);
        }
        b
    }

    /// The same route in the 72-byte layout: the common fields carried over, metrics 4 and 5
    /// dropped (the 72-byte layout has no slot for them), preference 0, both views.
    pub fn to_interface_route(&self) -> InterfaceRouteInfo {
        InterfaceRouteInfo {
            arm: RouteArm::V4 {
                dest: self.dest,
                mask: self.mask,
                policy: self.policy,
                next_hop: self.next_hop,
                age: self.age,
                next_hop_as: self.next_hop_as,
                metric1: self.metrics[0],
                metric2: self.metrics[1],
                metric3: self.metrics[2],
            },
            if_index: self.if_index,
            route_type: self.route_type,
            proto: self.proto,
            preference: 0,
            view_set: VIEW_UNICAST_AND_MULTICAST,
        }
    }
}

/// One item of an `IP_ROUTE_INFO` block, in whichever layout it was stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RouteItem {
    /// 72-byte `INTERFACE_ROUTE_INFO`.
    Interface(InterfaceRouteInfo),
    /// 56-byte `MIB_IPFORWARDROW`.
    Legacy(ForwardRow),
}

impl RouteItem {
    /// The destination address.
    pub fn dest(&self) -> IpAddr {
        match self {
            RouteItem::Interface(r) => match &r.arm {
                RouteArm::V4 { dest, .. } => IpAddr::V4(*dest),
                RouteArm::V6 { dest, .. } => IpAddr::V6(*dest),
            },
            RouteItem::Legacy(r) => IpAddr::V4(r.dest),
        }
    }

    /// The prefix length; `None` for a non-contiguous IPv4 mask or an IPv6 length above 128.
    pub fn prefix_len(&self) -> Option<u8> {
        match self {
            RouteItem::Interface(r) => match &r.arm {
                RouteArm::V4 { mask, .. } => mask_prefix_len(*mask),
                RouteArm::V6 { prefix_len, .. } => {
                    u8::try_from(*prefix_len).ok().filter(|l| *l <= 128)
                }
            },
            RouteItem::Legacy(r) => mask_prefix_len(r.mask),
        }
    }

    /// The next hop (unspecified for an on-link route).
    pub fn next_hop(&self) -> IpAddr {
        match self {
            RouteItem::Interface(r) => match &r.arm {
                RouteArm::V4 { next_hop, .. } => IpAddr::V4(*next_hop),
                RouteArm::V6 { next_hop, .. } => IpAddr::V6(*next_hop),
            },
            RouteItem::Legacy(r) => IpAddr::V4(r.next_hop),
        }
    }

    /// The (first) metric.
    pub fn metric(&self) -> u32 {
        match self {
            RouteItem::Interface(r) => match &r.arm {
                RouteArm::V4 { metric1, .. } => *metric1,
                RouteArm::V6 { metric, .. } => *metric,
            },
            RouteItem::Legacy(r) => r.metrics[0],
        }
    }

    /// The routing protocol (`MIB_IPFORWARD_PROTO`).
    pub fn proto(&self) -> u32 {
        match self {
            RouteItem::Interface(r) => r.proto,
            RouteItem::Legacy(r) => r.proto,
        }
    }

    /// The preference (0 for legacy items, which have none).
    pub fn preference(&self) -> u32 {
        match self {
            RouteItem::Interface(r) => r.preference,
            RouteItem::Legacy(_) => 0,
        }
    }

    /// The route type (`dwRtInfoType` / `dwForwardType`).
    pub fn route_type(&self) -> u32 {
        match self {
            RouteItem::Interface(r) => r.route_type,
            RouteItem::Legacy(r) => r.route_type,
        }
    }

    /// The interface index.
    pub fn if_index(&self) -> u32 {
        match self {
            RouteItem::Interface(r) => r.if_index,
            RouteItem::Legacy(r) => r.if_index,
        }
    }

    /// True if this route has destination `dest`/`prefix_len` (the destination compared after
    /// masking both sides) and, when `next_hop` is given, that next hop.
    pub fn matches(&self, dest: IpAddr, prefix_len: u8, next_hop: Option<IpAddr>) -> bool {
        self.prefix_len() == Some(prefix_len)
            && network(self.dest(), prefix_len) == network(dest, prefix_len)
            && next_hop.is_none_or(|h| h == self.next_hop())
    }
}

/// `addr` with the bits past `prefix_len` cleared.
pub fn network(addr: IpAddr, prefix_len: u8) -> IpAddr {
    match addr {
        IpAddr::V4(a) => IpAddr::V4(Ipv4Addr::from(
            u32::from(a) & u32::from(prefix_mask(prefix_len)),
        )),
        IpAddr::V6(a) => {
            let len = u32::from(prefix_len.min(128));
            let mask = u128::MAX.checked_shl(128 - len).unwrap_or(0);
            IpAddr::V6(Ipv6Addr::from(u128::from(a) & mask))
        }
    }
}

/// The items of an `IP_ROUTE_INFO` block, dispatching on its item size (72 or 56).
/// `ERROR_INVALID_DATA` for any other non-empty item size.
pub fn decode_routes(block: &InfoBlock) -> Result<Vec<RouteItem>> {
    if block.count == 0 || block.data.is_empty() {
        return Ok(Vec::new());
    }
    match block.item_size {
        ROUTE_ITEM_SIZE => block
            .data
            .chunks_exact(72)
            .map(|c| InterfaceRouteInfo::decode(c).map(RouteItem::Interface))
            .collect(),
        LEGACY_ROUTE_ITEM_SIZE => block
            .data
            .chunks_exact(56)
            .map(|c| ForwardRow::decode(c).map(RouteItem::Legacy))
            .collect(),
        n => Err(invalid(format!(
            "IP_ROUTE_INFO items of {n} bytes are neither the 72-byte nor the 56-byte layout"
        ))),
    }
}

/// The static routes of an interface-transport header (empty when it has no `IP_ROUTE_INFO`).
pub fn routes(header: &InfoHeader) -> Result<Vec<RouteItem>> {
    match header.blocks.iter().find(|b| b.info_type == IP_ROUTE_INFO) {
        Some(b) => decode_routes(b),
        None => Ok(Vec::new()),
    }
}

/// Appends a route to the header's `IP_ROUTE_INFO` block (created if missing), in the 72-byte
/// layout; legacy 56-byte items already there are rewritten in that layout first (see
/// [`ForwardRow::to_interface_route`]). A route with the same destination, prefix and next hop
/// gives `ERROR_ALREADY_EXISTS` (183).
pub fn add_route(header: &mut InfoHeader, route: &InterfaceRouteInfo) -> Result<()> {
    let new = RouteItem::Interface(route.clone());
    let prefix = new
        .prefix_len()
        .ok_or_else(|| Error::invalid_parameter("the route's mask is not a prefix"))?;
    let existing = routes(header)?;
    if existing
        .iter()
        .any(|r| r.matches(new.dest(), prefix, Some(new.next_hop())))
    {
        return Err(Error::new(
            WinError::ERROR_ALREADY_EXISTS,
            format!(
                "a route to {}/{prefix} via {} already exists",
                network(new.dest(), prefix),
                new.next_hop()
            ),
        ));
    }
    let mut data = Vec::with_capacity((existing.len() + 1) * 72);
    match header.blocks.iter().find(|b| b.info_type == IP_ROUTE_INFO) {
        // Keep the stored bytes of 72-byte items exactly.
        Some(b) if b.item_size == ROUTE_ITEM_SIZE => data.extend_from_slice(&b.data),
        _ => {
            for r in &existing {
                if let RouteItem::Legacy(l) = r {
                    data.extend_from_slice(&l.to_interface_route().encode());
                }
            }
        }
    }
    data.extend_from_slice(&route.encode());
    put_block(
        header,
        IP_ROUTE_INFO,
        ROUTE_ITEM_SIZE,
        (data.len() / 72) as u32,
        &data,
    )
}

/// Removes the routes matching `dest`/`prefix_len` (and `next_hop` when given), keeping the
/// other items' bytes and the block's item size; an emptied block stays as an empty block
/// (as Windows writes it). Returns how many were removed (0 is not an error here).
pub fn remove_routes(
    header: &mut InfoHeader,
    dest: IpAddr,
    prefix_len: u8,
    next_hop: Option<IpAddr>,
) -> Result<usize> {
    let Some(block) = header.blocks.iter().find(|b| b.info_type == IP_ROUTE_INFO) else {
        return Ok(0);
    };
    let items = decode_routes(block)?;
    let size = block.item_size as usize;
    let mut kept = Vec::with_capacity(block.data.len());
    let mut removed = 0;
    for (item, raw) in items.iter().zip(block.data.chunks_exact(size.max(1))) {
        if item.matches(dest, prefix_len, next_hop) {
            removed += 1;
        } else {
            kept.extend_from_slice(raw);
        }
    }
    if removed > 0 {
        let item_size = block.item_size;
        let count = (kept.len() / size.max(1)) as u32;
        put_block(header, IP_ROUTE_INFO, item_size, count, &kept)?;
    }
    Ok(removed)
}

/// Sets a block, adding it at the end when the header has no block of that type.
fn put_block(
    header: &mut InfoHeader,
    info_type: u32,
    item_size: u32,
    count: u32,
    data: &[u8],
) -> Result<()> {
    if header.blocks.iter().any(|b| b.info_type == info_type) {
        header.set(info_type, item_size, count, data)
    } else {
        header.add(info_type, item_size, count, data)
    }
}

// ---- filters (registry-layout §4.3) --------------------------------------------------------

/// `FILTER_DESCRIPTOR.dwVersion`.
pub const FILTER_DESCRIPTOR_VERSION: u32 = 1;
/// `PF_ACTION_FORWARD`: packets that match no filter pass.
pub const FILTER_ACTION_FORWARD: u32 = 0;
/// `PF_ACTION_DROP`: packets that match no filter are dropped.
pub const FILTER_ACTION_DROP: u32 = 1;
/// Size of one `FILTER_INFO`.
pub const FILTER_INFO_LEN: usize = 28;
/// Size of one `FILTER_INFO_V6`.
pub const FILTER_INFO_V6_LEN: usize = 52;
const FILTER_HEADER_LEN: usize = 12;

/// Which traffic a filter block applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterDirection {
    /// Packets received on the interface.
    Input,
    /// Packets sent on the interface.
    Output,
    /// Packets that may bring up a demand-dial interface.
    DemandDial,
}

impl FilterDirection {
    /// The block type holding this direction's IPv4 (`v6 == false`) or IPv6 filters.
    pub fn block_type(self, v6: bool) -> u32 {
        match (self, v6) {
            (FilterDirection::Input, false) => IP_IN_FILTER_INFO,
            (FilterDirection::Output, false) => IP_OUT_FILTER_INFO,
            (FilterDirection::DemandDial, false) => IP_DEMAND_DIAL_FILTER_INFO,
            (FilterDirection::Input, true) => IP_IN_FILTER_INFO_V6,
            (FilterDirection::Output, true) => IP_OUT_FILTER_INFO_V6,
            (FilterDirection::DemandDial, true) => IP_DEMAND_DIAL_FILTER_INFO_V6,
        }
    }
}

/// True for protocols whose port fields carry ICMP type and code (stored little-endian).
fn is_icmp(protocol: u32) -> bool {
    protocol == 1 || protocol == 58
}

fn port_from_wire(protocol: u32, raw: [u8; 2]) -> u16 {
    if is_icmp(protocol) {
        u16::from_le_bytes(raw)
    } else {
        u16::from_be_bytes(raw)
    }
}

fn port_to_wire(protocol: u32, v: u16) -> [u8; 2] {
    if is_icmp(protocol) {
        v.to_le_bytes()
    } else {
        v.to_be_bytes()
    }
}

/// The tail both filter layouts share at offset `at`: protocol, late-bound flags and the two
/// ports (see [`port_from_wire`]).
struct FilterTail {
    protocol: u32,
    late_bound: u32,
    src_port: u16,
    dst_port: u16,
}

impl FilterTail {
    fn decode(b: &[u8], at: usize) -> Self {
        let protocol = u32_at(b, at);
        FilterTail {
            protocol,
            late_bound: u32_at(b, at + 4),
            src_port: port_from_wire(protocol, [b[at + 8], b[at + 9]]),
            dst_port: port_from_wire(protocol, [b[at + 10], b[at + 11]]),
        }
    }
}

/// Appends the shared tail (see [`FilterTail`]).
fn encode_tail(out: &mut Vec<u8>, protocol: u32, late_bound: u32, src_port: u16, dst_port: u16) {
    out.extend_from_slice(&protocol.to_le_bytes());
    out.extend_from_slice(&late_bound.to_le_bytes());
    out.extend_from_slice(&port_to_wire(protocol, src_port));
    out.extend_from_slice(&port_to_wire(protocol, dst_port));
}

/// One IPv4 `FILTER_INFO` (28 bytes). Ports are numbers here; the encoding puts TCP/UDP (and
/// any non-ICMP protocol's) ports in network order and ICMP type/code little-endian.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterInfo {
    /// `dwSrcAddr` (`0.0.0.0` = any).
    pub src_addr: Ipv4Addr,
    /// `dwSrcMask`.
    pub src_mask: Ipv4Addr,
    /// `dwDstAddr`.
    pub dst_addr: Ipv4Addr,
    /// `dwDstMask`.
    pub dst_mask: Ipv4Addr,
    /// `dwProtocol` (0 any, 1 ICMP, 6 TCP, 17 UDP, …).
    pub protocol: u32,
    /// `fLateBound` flags.
    pub late_bound: u32,
    /// `wSrcPort` (TCP/UDP port, or ICMP type; 0 = any).
    pub src_port: u16,
    /// `wDstPort` (TCP/UDP port, or ICMP code; 0 = any).
    pub dst_port: u16,
}

impl FilterInfo {
    fn decode(b: &[u8]) -> Self {
        let t = FilterTail::decode(b, 16);
        FilterInfo {
            src_addr: v4_at(b, 0),
            src_mask: v4_at(b, 4),
            dst_addr: v4_at(b, 8),
            dst_mask: v4_at(b, 12),
            protocol: t.protocol,
            late_bound: t.late_bound,
            src_port: t.src_port,
            dst_port: t.dst_port,
        }
    }

    fn encode_into(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.src_addr.octets());
        out.extend_from_slice(&self.src_mask.octets());
        out.extend_from_slice(&self.dst_addr.octets());
        out.extend_from_slice(&self.dst_mask.octets());
        encode_tail(
            out,
            self.protocol,
            self.late_bound,
            self.src_port,
            self.dst_port,
        );
    }
}

/// One IPv6 `FILTER_INFO_V6` (52 bytes); integers little-endian by analogy with IPv4
/// (registry-layout §4.3 and §9.6: unverified against Windows data).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterInfoV6 {
    /// `ipv6SrcAddr`.
    pub src_addr: Ipv6Addr,
    /// `dwSrcPrefixLength`.
    pub src_prefix_len: u32,
    /// `ipv6DstAddr`.
    pub dst_addr: Ipv6Addr,
    /// `dwDstPrefixLength`.
    pub dst_prefix_len: u32,
    /// `dwProtocol`.
    pub protocol: u32,
    /// `fLateBound`.
    pub late_bound: u32,
    /// `wSrcPort` (or ICMPv6 type).
    pub src_port: u16,
    /// `wDstPort` (or ICMPv6 code).
    pub dst_port: u16,
}

impl FilterInfoV6 {
    fn decode(b: &[u8]) -> Self {
        let t = FilterTail::decode(b, 40);
        FilterInfoV6 {
            src_addr: v6_at(b, 0),
            src_prefix_len: u32_at(b, 16),
            dst_addr: v6_at(b, 20),
            dst_prefix_len: u32_at(b, 36),
            protocol: t.protocol,
            late_bound: t.late_bound,
            src_port: t.src_port,
            dst_port: t.dst_port,
        }
    }

    fn encode_into(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.src_addr.octets());
        out.extend_from_slice(&self.src_prefix_len.to_le_bytes());
        out.extend_from_slice(&self.dst_addr.octets());
        out.extend_from_slice(&self.dst_prefix_len.to_le_bytes());
        encode_tail(
            out,
            self.protocol,
            self.late_bound,
            self.src_port,
            self.dst_port,
        );
    }
}

/// An IPv4 or IPv6 filter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Filter {
    /// `FILTER_INFO`.
    V4(FilterInfo),
    /// `FILTER_INFO_V6`.
    V6(FilterInfoV6),
}

impl Filter {
    /// Protocol number.
    pub fn protocol(&self) -> u32 {
        match self {
            Filter::V4(f) => f.protocol,
            Filter::V6(f) => f.protocol,
        }
    }
    /// Source as address and prefix length (`None` for a non-contiguous IPv4 mask).
    pub fn source(&self) -> (IpAddr, Option<u8>) {
        match self {
            Filter::V4(f) => (IpAddr::V4(f.src_addr), mask_prefix_len(f.src_mask)),
            Filter::V6(f) => (
                IpAddr::V6(f.src_addr),
                u8::try_from(f.src_prefix_len).ok().filter(|l| *l <= 128),
            ),
        }
    }
    /// Destination as address and prefix length.
    pub fn destination(&self) -> (IpAddr, Option<u8>) {
        match self {
            Filter::V4(f) => (IpAddr::V4(f.dst_addr), mask_prefix_len(f.dst_mask)),
            Filter::V6(f) => (
                IpAddr::V6(f.dst_addr),
                u8::try_from(f.dst_prefix_len).ok().filter(|l| *l <= 128),
            ),
        }
    }
    /// (source port or ICMP type, destination port or ICMP code).
    pub fn ports(&self) -> (u16, u16) {
        match self {
            Filter::V4(f) => (f.src_port, f.dst_port),
            Filter::V6(f) => (f.src_port, f.dst_port),
        }
    }
    /// `fLateBound`.
    pub fn late_bound(&self) -> u32 {
        match self {
            Filter::V4(f) => f.late_bound,
            Filter::V6(f) => f.late_bound,
        }
    }
}

/// A whole `FILTER_DESCRIPTOR` or `FILTER_DESCRIPTOR_V6` (one filter block).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterDescriptor {
    /// `dwVersion` (1).
    pub version: u32,
    /// `faDefaultAction`: [`FILTER_ACTION_FORWARD`] or [`FILTER_ACTION_DROP`] for packets that
    /// match no filter.
    pub default_action: u32,
    /// True for `FILTER_DESCRIPTOR_V6`.
    pub v6: bool,
    /// The filters; all of the family `v6` says.
    pub filters: Vec<Filter>,
}

impl FilterDescriptor {
    /// An empty descriptor of a family.
    pub fn new(v6: bool, default_action: u32) -> Self {
        FilterDescriptor {
            version: FILTER_DESCRIPTOR_VERSION,
            default_action,
            v6,
            filters: Vec::new(),
        }
    }

    /// Decodes a descriptor of family `v6`; the length must be exactly
    /// `12 + n·28` (`12 + n·52` for IPv6). `ERROR_INVALID_DATA` otherwise.
    pub fn decode(b: &[u8], v6: bool) -> Result<Self> {
        let item = if v6 {
            FILTER_INFO_V6_LEN
        } else {
            FILTER_INFO_LEN
        };
        if b.len() < FILTER_HEADER_LEN {
            return Err(invalid(format!(
                "filter descriptor of {} bytes is shorter than its 12-byte header",
                b.len()
            )));
        }
        let n = u32_at(b, 4) as usize;
        let expected = n
            .checked_mul(item)
            .and_then(|x| x.checked_add(FILTER_HEADER_LEN));
        if expected != Some(b.len()) {
            return Err(invalid(format!(
                "filter descriptor says {n} filters ({} bytes each) but holds {} bytes",
                item,
                b.len() - FILTER_HEADER_LEN
            )));
        }
        let filters = b[FILTER_HEADER_LEN..]
            .chunks_exact(item)
            .map(|c| {
                if v6 {
                    Filter::V6(FilterInfoV6::decode(c))
                } else {
                    Filter::V4(FilterInfo::decode(c))
                }
            })
            .collect();
        Ok(FilterDescriptor {
            version: u32_at(b, 0),
            default_action: u32_at(b, 8),
            v6,
            filters,
        })
    }

    /// The descriptor's bytes. `ERROR_INVALID_PARAMETER` if a filter's family differs from
    /// the descriptor's.
    pub fn encode(&self) -> Result<Vec<u8>> {
        let item = if self.v6 {
            FILTER_INFO_V6_LEN
        } else {
            FILTER_INFO_LEN
        };
        let mut out = Vec::with_capacity(FILTER_HEADER_LEN + item * self.filters.len());
        out.extend_from_slice(&self.version.to_le_bytes());
        out.extend_from_slice(&(self.filters.len() as u32).to_le_bytes());
        out.extend_from_slice(&self.default_action.to_le_bytes());
        for f in &self.filters {
            match (f, self.v6) {
                (Filter::V4(f), false) => f.encode_into(&mut out),
                (Filter::V6(f), true) => f.encode_into(&mut out),
                _ => {
                    return Err(Error::invalid_parameter(
                        "an IPv4 filter cannot go into an IPv6 filter block, nor the reverse",
                    ));
                }
            }
        }
        Ok(out)
    }

    /// Reads the descriptor of `direction`/`v6` from a header, `None` if the header has none.
    /// Filter blocks hold one item (`Count` 1) whose size is the whole descriptor.
    pub fn from_header(
        header: &InfoHeader,
        direction: FilterDirection,
        v6: bool,
    ) -> Result<Option<Self>> {
        let ty = direction.block_type(v6);
        match header.blocks.iter().find(|b| b.info_type == ty) {
            None => Ok(None),
            Some(b) if b.data.is_empty() => Ok(None),
            Some(b) => {
                if b.count != 1 {
                    return Err(invalid(format!(
                        "filter block {ty:#010x} has Count {} instead of 1",
                        b.count
                    )));
                }
                Self::decode(&b.data, v6).map(Some)
            }
        }
    }

    /// Writes the descriptor as the `direction` block of a header (`Count` 1, `InfoSize` = its
    /// length), replacing the old one.
    pub fn store(&self, header: &mut InfoHeader, direction: FilterDirection) -> Result<()> {
        let data = self.encode()?;
        put_block(
            header,
            direction.block_type(self.v6),
            data.len() as u32,
            1,
            &data,
        )
    }
}

// ---- decoding every known block (registry-layout §4) ---------------------------------------

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_and_prefixes_convert_both_ways() {
        for len in 0..=32u8 {
            assert_eq!(mask_prefix_len(prefix_mask(len)), Some(len));
        }
        assert_eq!(mask_prefix_len(Ipv4Addr::new(255, 0, 255, 0)), None);
        assert_eq!(prefix_mask(40), Ipv4Addr::new(255, 255, 255, 255));
    }

    #[test]
    fn network_clears_host_bits() {
        assert_eq!(
            network("10.1.2.3".parse().unwrap(), 8),
            "10.0.0.0".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            network("2001:db8::1".parse().unwrap(), 32),
            "2001:db8::".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            network("1.2.3.4".parse().unwrap(), 0),
            "0.0.0.0".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn icmp_ports_are_little_endian_and_tcp_ports_big_endian() {
        assert_eq!(port_to_wire(6, 80), [0, 80]);
        assert_eq!(port_to_wire(17, 0x1234), [0x12, 0x34]);
        assert_eq!(port_to_wire(1, 8), [8, 0]);
        assert_eq!(port_from_wire(58, [128, 0]), 128);
    }

    #[test]
    fn filter_descriptors_of_both_families_round_trip_byte_for_byte() {
        let v4 = FilterInfo {
            src_addr: "10.0.0.0".parse().unwrap(),
            src_mask: "255.0.0.0".parse().unwrap(),
            dst_addr: "192.168.1.1".parse().unwrap(),
            dst_mask: "255.255.255.255".parse().unwrap(),
            protocol: 6,
            late_bound: 3,
            src_port: 1024,
            dst_port: 443,
        };
        let v6 = FilterInfoV6 {
            src_addr: "2001:db8::".parse().unwrap(),
            src_prefix_len: 32,
            dst_addr: "fe80::1".parse().unwrap(),
            dst_prefix_len: 128,
            protocol: 58,
            late_bound: 1,
            src_port: 128,
            dst_port: 0,
        };
        for (filter, v6_family, item_len) in [
            (Filter::V4(v4), false, FILTER_INFO_LEN),
            (Filter::V6(v6), true, FILTER_INFO_V6_LEN),
        ] {
            let mut d = FilterDescriptor::new(v6_family, FILTER_ACTION_DROP);
            d.filters.push(filter.clone());
            let bytes = d.encode().unwrap();
            assert_eq!(bytes.len(), FILTER_HEADER_LEN + item_len);
            let back = FilterDescriptor::decode(&bytes, v6_family).unwrap();
            assert_eq!(back, d);
            assert_eq!(back.encode().unwrap(), bytes);
            // The shared tail: protocol and flags little-endian, then the two ports.
            let tail = &bytes[bytes.len() - 12..];
            assert_eq!(tail[..4], filter.protocol().to_le_bytes());
            assert_eq!(tail[4..8], filter.late_bound().to_le_bytes());
            let (sp, dp) = filter.ports();
            assert_eq!(tail[8..10], port_to_wire(filter.protocol(), sp));
            assert_eq!(tail[10..12], port_to_wire(filter.protocol(), dp));
        }
    }
}
