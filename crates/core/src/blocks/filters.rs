//! Packet filters (registry-layout §4.3): `FILTER_DESCRIPTOR` and `FILTER_DESCRIPTOR_V6`
//! with their filters, read from and stored into an information header.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::types::*;
use super::{invalid, mask_prefix_len, put_block, u32_at, v4_at, v6_at};
use crate::info::InfoHeader;
use crate::{Error, Result};

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
pub(super) fn is_icmp(protocol: u32) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

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
