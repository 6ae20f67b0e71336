//! What lives inside information headers: the block type ids of registry-layout §4.1, codecs
//! for the blocks administrators edit (static routes, `IP_ROUTE_INFO` §4.4; packet filters,
//! `FILTER_DESCRIPTOR` / `FILTER_DESCRIPTOR_V6` §4.3), and [`decode_block`], which turns every
//! known block type into named fields (unknown types stay raw bytes).
//!
//! Byte order follows the registry dumps, not the spec prose: integers are little-endian,
//! IPv4/IPv6 addresses are the wire-order bytes, TCP/UDP ports in filters are big-endian, and
//! ICMP type/code in the port fields are little-endian (registry-layout §0, §4.3).
//!
//! These functions work on [`InfoBlock`](crate::info::InfoBlock)s and [`InfoHeader`]s from [`crate::info`]; the CLI and
//! any Rust or C caller use them to edit routes and filters without hand-made bytes.
//!
//! One file per kind of content, all re-exported here: `ids` (the block type ids in [`types`]
//! and the names of ids and protocols), `routes`, `filters`, and `decode` (the field decoder
//! used for display); the byte readers they share are in this module.

mod decode;
mod filters;
mod ids;
mod routes;

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::info::InfoHeader;
use crate::{Error, Result, WinError};

pub use decode::*;
pub use filters::*;
pub use ids::{block_type_name, ip_protocol_name, route_protocol_name, types};
pub use routes::*;

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
}
