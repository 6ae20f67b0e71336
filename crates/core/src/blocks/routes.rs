//! Static routes (registry-layout §4.4): the Vista+ `INTERFACE_ROUTE_INFO` items routes are
//! written in, the legacy `MIB_IPFORWARDROW` items still read, and adding and removing routes
//! in an information header.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::types::*;
use super::{invalid, mask_prefix_len, prefix_mask, put_block, put_u32, u32_at, v4_at, v6_at};
use crate::info::{InfoBlock, InfoHeader};
use crate::{Error, Result, WinError};

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
