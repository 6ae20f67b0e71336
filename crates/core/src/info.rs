//! The information-header codec: `RTR_INFO_BLOCK_HEADER` blobs (rtinfo.h) and the semantics of
//! the nine `MprInfo*` functions over them.
//!
//! A header is one position-independent blob, exactly what the registry stores as `GlobalInfo` /
//! `InterfaceInfo` and what the `p…Info` parameters of the `MprConfig*` functions carry:
//!
//! ```text
//!  0  Version          u32  RTR_INFO_BLOCK_VERSION (1)
//!  4  Size             u32  byte length of the whole blob
//!  8  TocEntriesCount  u32  n
//! 12  TocEntry[n]      16 bytes each: InfoType, InfoSize (one item), Count, Offset
//!     ... blocks: Count items of InfoSize bytes at Offset (from the start of the header)
//! ```
//!
//! All integers are little-endian (the stored blobs are x86 structs copied verbatim, whatever
//! MS-RRASM's "network byte order" wording says). Block payloads are opaque bytes here.
//!
//! The reader is liberal: it accepts both `Size` conventions seen in Windows-written data (the
//! exact end of the last block, and the "generous" end with 8 bytes of slack per block) and does
//! not require alignment or TOC/data order. Anything malformed is `ERROR_INVALID_PARAMETER` (87).
//! The writer is strict: blocks in TOC order at ALIGN8 offsets, zero padding, generous `Size`,
//! which reproduces what Windows itself writes byte for byte.

use crate::{Error, Result, WinError};

/// `RTR_INFO_BLOCK_VERSION`: the only header version defined.
pub const RTR_INFO_BLOCK_VERSION: u32 = 1;
/// `ALIGN_SIZE`: every block starts at a multiple of this offset.
pub const ALIGN_SIZE: u32 = 8;
/// Length of the fixed part of `RTR_INFO_BLOCK_HEADER` (Version, Size, TocEntriesCount).
pub const HEADER_LEN: usize = 12;
/// Length of one `RTR_TOC_ENTRY` (InfoType, InfoSize, Count, Offset).
pub const TOC_ENTRY_LEN: usize = 16;

/// Slack the generous `Size` convention reserves per block (one `ALIGN_SIZE`).
const SLACK_PER_BLOCK: u64 = ALIGN_SIZE as u64;

/// One block: `count` items of `item_size` bytes. `data.len() == item_size * count` always.
///
/// A zero-length block (`item_size * count == 0`) is meaningful: handed to the router it means
/// "delete this client/protocol", where an absent block means "leave unchanged". Both the
/// `item_size == 0` and the `count == 0` forms are kept as given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InfoBlock {
    /// `InfoType`: the block's type id, unique within a header (opaque here).
    pub info_type: u32,
    /// `InfoSize`: the size in bytes of one item.
    pub item_size: u32,
    /// `Count`: the number of items.
    pub count: u32,
    /// The items, `item_size * count` bytes.
    pub data: Vec<u8>,
}

/// A parsed header: version + blocks in TOC order.
///
/// Built by [`InfoHeader::new`] / [`InfoHeader::parse`] and changed only through
/// [`add`](InfoHeader::add), [`set`](InfoHeader::set), [`remove`](InfoHeader::remove) and
/// [`remove_all`](InfoHeader::remove_all), a header always has unique types, consistent block
/// lengths and an encoding that fits the 32-bit `Size` field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InfoHeader {
    /// `Version`: always [`RTR_INFO_BLOCK_VERSION`] for headers made by this module.
    pub version: u32,
    /// The blocks, in TOC order.
    pub blocks: Vec<InfoBlock>,
}

/// Where a block sits inside raw header bytes (for `MprInfoBlockFind`, which returns a pointer
/// into the caller's header).
///
/// `offset..offset + len` is always inside the header's declared `Size`. For an empty block the
/// stored `Offset` is meaningless to readers; it is reported clamped to `Size`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockLocation {
    /// `InfoSize` of the block.
    pub item_size: u32,
    /// `Count` of the block.
    pub count: u32,
    /// Byte offset of the block's first item from the start of the header.
    pub offset: usize,
    /// `item_size * count`.
    pub len: usize,
}

/// Rounds up to the next multiple of [`ALIGN_SIZE`] (rtinfo.h `ALIGN_LENGTH`).
const fn align8(x: u64) -> u64 {
    (x + (ALIGN_SIZE as u64 - 1)) & !(ALIGN_SIZE as u64 - 1)
}

/// Bytes the writer produces for `n` blocks holding `data_len` bytes in all: the generous
/// formula `12 + 16n + Σ(len_i + 8)` (registry-layout §3.4). It is never smaller than the exact
/// end of the ALIGN8 layout, so every block fits below it.
const fn generous_size(n: u64, data_len: u64) -> u64 {
    HEADER_LEN as u64 + (TOC_ENTRY_LEN as u64 + SLACK_PER_BLOCK) * n + data_len
}

/// Rejects a header whose encoding would not fit the 32-bit `Size` field (Q25).
fn check_encodable(n: u64, data_len: u64) -> Result<()> {
    let total = generous_size(n, data_len);
    if total > u64::from(u32::MAX) {
        return Err(Error::invalid_parameter(format!(
            "info header would be {total} bytes, more than a 32-bit Size can describe"
        )));
    }
    Ok(())
}

/// `item_size * count` for a block to be added or set, checked against the data given.
fn checked_block_len(info_type: u32, item_size: u32, count: u32, data: &[u8]) -> Result<usize> {
    let Some(len) = item_size.checked_mul(count) else {
        return Err(Error::invalid_parameter(format!(
            "info block {info_type:#010x}: item size {item_size} x count {count} overflows 32 bits"
        )));
    };
    if data.len() as u64 != u64::from(len) {
        return Err(Error::invalid_parameter(format!(
            "info block {info_type:#010x}: {} data bytes given, item size {item_size} x count {count} = {len}",
            data.len()
        )));
    }
    Ok(data.len())
}

fn le_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let field = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes(field.try_into().ok()?))
}

/// A validated TOC entry of raw header bytes.
#[derive(Clone, Copy, Debug)]
struct RawEntry {
    info_type: u32,
    item_size: u32,
    count: u32,
    /// The stored `Offset`; only meaningful when `len > 0`.
    offset: u32,
    len: u32,
}

/// The validated shape of raw header bytes.
#[derive(Debug)]
struct RawHeader {
    version: u32,
    size: u32,
    entries: Vec<RawEntry>,
}

/// Checks the fixed part: at least 12 bytes and Version 1. Returns (version, size, n).
fn read_fixed(bytes: &[u8]) -> Result<(u32, u32, u32)> {
    let (Some(version), Some(size), Some(n)) =
        (le_u32(bytes, 0), le_u32(bytes, 4), le_u32(bytes, 8))
    else {
        return Err(Error::invalid_parameter(format!(
            "info header is {} bytes, shorter than its {HEADER_LEN}-byte fixed part",
            bytes.len()
        )));
    };
    if version != RTR_INFO_BLOCK_VERSION {
        return Err(Error::invalid_parameter(format!(
            "info header version is {version}, only {RTR_INFO_BLOCK_VERSION} is defined"
        )));
    }
    Ok((version, size, n))
}

/// Applies the reader rules of registry-layout §3.4 to raw bytes, without copying block data.
///
/// Besides those rules, two non-empty blocks may not share bytes: well-formed headers never do,
/// and it bounds what [`InfoHeader::parse`] copies by the input length, so a hostile TOC whose
/// entries all point at one large region cannot make it allocate many times the input.
fn scan(bytes: &[u8]) -> Result<RawHeader> {
    let (version, size, n) = read_fixed(bytes)?;
    if size as usize > bytes.len() {
        return Err(Error::invalid_parameter(format!(
            "info header declares Size {size} but only {} bytes were given",
            bytes.len()
        )));
    }
    // u64: n up to 0xFFFFFFFF must not wrap. Checked before allocating anything for the TOC.
    let toc_end = HEADER_LEN as u64 + TOC_ENTRY_LEN as u64 * u64::from(n);
    if toc_end > u64::from(size) {
        return Err(Error::invalid_parameter(format!(
            "info header has {n} TOC entries, which need {toc_end} bytes, but its Size is {size}"
        )));
    }
    let mut entries = Vec::with_capacity(n as usize);
    for i in 0..n as usize {
        let at = HEADER_LEN + TOC_ENTRY_LEN * i;
        let field = |k: usize| le_u32(bytes, at + 4 * k);
        let (Some(info_type), Some(item_size), Some(count), Some(offset)) =
            (field(0), field(1), field(2), field(3))
        else {
            // Unreachable after the toc_end check; kept so a logic slip is an error, not a panic.
            return Err(Error::invalid_parameter(format!(
                "info header TOC entry {i} is truncated"
            )));
        };
        let len = u64::from(item_size) * u64::from(count);
        if len > 0 && (u64::from(offset) < toc_end || u64::from(offset) + len > u64::from(size)) {
            return Err(Error::invalid_parameter(format!(
                "info block {info_type:#010x} (TOC entry {i}) spans bytes {offset}..{} outside the data area {toc_end}..{size}",
                u64::from(offset) + len
            )));
        }
        // len <= size - toc_end here, so it fits u32.
        let len = len as u32;
        entries.push(RawEntry {
            info_type,
            item_size,
            count,
            offset,
            len,
        });
    }

    if let Some(t) = duplicate_type(&entries) {
        return Err(Error::invalid_parameter(format!(
            "info header has more than one block of type {t:#010x}"
        )));
    }
    if let Some((a, b)) = overlapping_blocks(&entries) {
        return Err(Error::invalid_parameter(format!(
            "info blocks {a:#010x} and {b:#010x} overlap"
        )));
    }

    // Holds for any input shorter than 4 GiB; checked so a parsed header can always be re-encoded.
    let data_len: u64 = entries.iter().map(|e| u64::from(e.len)).sum();
    check_encodable(u64::from(n), data_len)?;

    Ok(RawHeader {
        version,
        size,
        entries,
    })
}

/// Entry count up to which pairwise checks beat sorting (no allocation; real headers have < 20).
const PAIRWISE_MAX: usize = 32;

/// Whether two non-empty blocks share bytes.
fn overlap(a: &RawEntry, b: &RawEntry) -> bool {
    a.len > 0 && b.len > 0 && a.offset < b.offset + b.len && b.offset < a.offset + a.len
}

/// A type that appears more than once.
fn duplicate_type(entries: &[RawEntry]) -> Option<u32> {
    if entries.len() <= PAIRWISE_MAX {
        let mut rest = entries;
        while let Some((a, tail)) = rest.split_first() {
            if tail.iter().any(|b| b.info_type == a.info_type) {
                return Some(a.info_type);
            }
            rest = tail;
        }
        return None;
    }
    // A hostile blob can have one entry per 16 bytes: sort instead of O(n²).
    let mut types: Vec<u32> = entries.iter().map(|e| e.info_type).collect();
    types.sort_unstable();
    types.windows(2).find(|w| w[0] == w[1]).map(|w| w[0])
}

/// The types of two non-empty blocks that share bytes.
fn overlapping_blocks(entries: &[RawEntry]) -> Option<(u32, u32)> {
    if entries.len() <= PAIRWISE_MAX {
        let mut rest = entries;
        while let Some((a, tail)) = rest.split_first() {
            if let Some(b) = tail.iter().find(|b| overlap(a, b)) {
                return Some((a.info_type, b.info_type));
            }
            rest = tail;
        }
        return None;
    }
    // Sorted by start, any overlap shows between neighbours: if block i overlaps a later j,
    // block i + 1 starts no later than j, hence before i ends.
    let mut spans: Vec<&RawEntry> = entries.iter().filter(|e| e.len > 0).collect();
    spans.sort_unstable_by_key(|e| e.offset);
    spans
        .windows(2)
        .find(|w| overlap(w[0], w[1]))
        .map(|w| (w[0].info_type, w[1].info_type))
}

impl InfoHeader {
    /// An empty header (`MprInfoCreate`): no blocks, encoded as 12 bytes with `Size` 12.
    ///
    /// Errors: `version` other than [`RTR_INFO_BLOCK_VERSION`] → `ERROR_INVALID_PARAMETER` (Q14).
    pub fn new(version: u32) -> Result<Self> {
        if version != RTR_INFO_BLOCK_VERSION {
            return Err(Error::invalid_parameter(format!(
                "info header version {version} is not supported, only {RTR_INFO_BLOCK_VERSION}"
            )));
        }
        Ok(InfoHeader {
            version,
            blocks: Vec::new(),
        })
    }

    /// Decodes header bytes, accepting both `Size` conventions; bytes past `Size` are ignored.
    ///
    /// Errors (all `ERROR_INVALID_PARAMETER`): fewer than 12 bytes, Version not 1, `Size` larger
    /// than the buffer, a TOC that does not fit in `Size`, a non-empty block outside
    /// `[12 + 16n, Size]`, two blocks of one type, two non-empty blocks sharing bytes.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        let raw = scan(bytes)?;
        let mut blocks = Vec::with_capacity(raw.entries.len());
        for e in &raw.entries {
            let data = if e.len == 0 {
                Vec::new()
            } else {
                let start = e.offset as usize;
                match bytes.get(start..start + e.len as usize) {
                    Some(d) => d.to_vec(),
                    None => {
                        return Err(Error::invalid_parameter(format!(
                            "info block {:#010x} lies outside the buffer",
                            e.info_type
                        )));
                    }
                }
            };
            blocks.push(InfoBlock {
                info_type: e.info_type,
                item_size: e.item_size,
                count: e.count,
                data,
            });
        }
        Ok(InfoHeader {
            version: raw.version,
            blocks,
        })
    }

    /// Encodes the header: TOC, then each block at the ALIGN8 of the previous block's end (the
    /// first at `ALIGN8(12 + 16n)`), zero padding, and the generous
    /// `Size = 12 + 16n + Σ(InfoSize·Count + 8)` with a zero-filled tail. An empty header is
    /// exactly 12 bytes with `Size` 12.
    ///
    /// Placement follows each block's `data.len()`, so the output is self-consistent even if the
    /// public fields were edited by hand.
    pub fn to_bytes(&self) -> Vec<u8> {
        let n = self.blocks.len();
        let total = self.encoded_len();
        let mut out = vec![0u8; total];
        let field = |v: usize| u32::try_from(v).unwrap_or(u32::MAX).to_le_bytes();
        out[0..4].copy_from_slice(&self.version.to_le_bytes());
        out[4..8].copy_from_slice(&field(total));
        out[8..12].copy_from_slice(&field(n));
        let mut cursor = align8((HEADER_LEN + TOC_ENTRY_LEN * n) as u64) as usize;
        for (i, block) in self.blocks.iter().enumerate() {
            let at = HEADER_LEN + TOC_ENTRY_LEN * i;
            out[at..at + 4].copy_from_slice(&block.info_type.to_le_bytes());
            out[at + 4..at + 8].copy_from_slice(&block.item_size.to_le_bytes());
            out[at + 8..at + 12].copy_from_slice(&block.count.to_le_bytes());
            out[at + 12..at + 16].copy_from_slice(&field(cursor));
            // In range: the generous total is never below the exact end of this layout.
            out[cursor..cursor + block.data.len()].copy_from_slice(&block.data);
            cursor = align8((cursor + block.data.len()) as u64) as usize;
        }
        out
    }

    /// The length of [`to_bytes`](InfoHeader::to_bytes), which is also its `Size` field
    /// (`MprInfoBlockQuerySize` of the encoded header).
    pub fn encoded_len(&self) -> usize {
        let data_len: usize = self.blocks.iter().map(|b| b.data.len()).sum();
        generous_size(self.blocks.len() as u64, data_len as u64) as usize
    }

    /// The block of a type (`MprInfoBlockFind`). A zero-length block is found like any other.
    ///
    /// Errors: no block of that type → `ERROR_NOT_FOUND` (1168).
    pub fn find(&self, info_type: u32) -> Result<&InfoBlock> {
        self.blocks
            .iter()
            .find(|b| b.info_type == info_type)
            .ok_or_else(|| {
                Error::new(
                    WinError::ERROR_NOT_FOUND,
                    format!("no info block of type {info_type:#010x}"),
                )
            })
    }

    /// Appends a block at the end of the TOC (`MprInfoBlockAdd`, Q15). `item_size * count == 0`
    /// adds a zero-length block (Q24).
    ///
    /// Errors (all `ERROR_INVALID_PARAMETER`): `item_size * count` overflows 32 bits or differs
    /// from `data.len()` (Q25); a block of that type exists; the encoded header would exceed
    /// 4 GiB. The header is unchanged on error.
    pub fn add(&mut self, info_type: u32, item_size: u32, count: u32, data: &[u8]) -> Result<()> {
        let len = checked_block_len(info_type, item_size, count, data)?;
        if self.position(info_type).is_some() {
            return Err(Error::invalid_parameter(format!(
                "an info block of type {info_type:#010x} already exists"
            )));
        }
        let data_len: u64 = self.data_len() + len as u64;
        check_encodable(self.blocks.len() as u64 + 1, data_len)?;
        self.blocks.push(InfoBlock {
            info_type,
            item_size,
            count,
            data: data.to_vec(),
        });
        Ok(())
    }

    /// Replaces the item size, count and data of an existing block, keeping its TOC position
    /// (`MprInfoBlockSet`). `item_size * count == 0` makes it a zero-length block (Q24).
    ///
    /// Errors (all `ERROR_INVALID_PARAMETER`): `item_size * count` overflows 32 bits or differs
    /// from `data.len()` (Q25); no block of that type; the encoded header would exceed 4 GiB.
    /// The header is unchanged on error.
    pub fn set(&mut self, info_type: u32, item_size: u32, count: u32, data: &[u8]) -> Result<()> {
        let len = checked_block_len(info_type, item_size, count, data)?;
        let Some(i) = self.position(info_type) else {
            return Err(Error::invalid_parameter(format!(
                "no info block of type {info_type:#010x} to set"
            )));
        };
        let data_len = self.data_len() - self.blocks[i].data.len() as u64 + len as u64;
        check_encodable(self.blocks.len() as u64, data_len)?;
        self.blocks[i] = InfoBlock {
            info_type,
            item_size,
            count,
            data: data.to_vec(),
        };
        Ok(())
    }

    /// Removes the block of a type, keeping the order of the others (`MprInfoBlockRemove`).
    ///
    /// Errors: no block of that type → `ERROR_INVALID_PARAMETER` (not `ERROR_NOT_FOUND`, as
    /// documented for `MprInfoBlockRemove`).
    pub fn remove(&mut self, info_type: u32) -> Result<()> {
        let Some(i) = self.position(info_type) else {
            return Err(Error::invalid_parameter(format!(
                "no info block of type {info_type:#010x} to remove"
            )));
        };
        self.blocks.remove(i);
        Ok(())
    }

    /// Removes every block, keeping the version (`MprInfoRemoveAll`).
    pub fn remove_all(&mut self) {
        self.blocks.clear();
    }

    fn position(&self, info_type: u32) -> Option<usize> {
        self.blocks.iter().position(|b| b.info_type == info_type)
    }

    fn data_len(&self) -> u64 {
        self.blocks.iter().map(|b| b.data.len() as u64).sum()
    }
}

/// Where the block of a type sits in raw header bytes (`MprInfoBlockFind`, whose data pointer
/// points into the caller's header). Validates exactly like [`InfoHeader::parse`].
///
/// Errors: malformed header → `ERROR_INVALID_PARAMETER`; no block of that type →
/// `ERROR_NOT_FOUND` (1168).
pub fn locate(bytes: &[u8], info_type: u32) -> Result<BlockLocation> {
    let raw = scan(bytes)?;
    let Some(e) = raw.entries.iter().find(|e| e.info_type == info_type) else {
        return Err(Error::new(
            WinError::ERROR_NOT_FOUND,
            format!("no info block of type {info_type:#010x}"),
        ));
    };
    let offset = if e.len == 0 {
        e.offset.min(raw.size)
    } else {
        e.offset
    };
    Ok(BlockLocation {
        item_size: e.item_size,
        count: e.count,
        offset: offset as usize,
        len: e.len as usize,
    })
}

/// Validates a blob handed to the configuration (transport global info, interface info, ...):
/// it must parse, and its `Size` must not exceed the bytes given. Returns the parsed header.
///
/// Errors: as [`InfoHeader::parse`], all `ERROR_INVALID_PARAMETER`.
pub fn validate(bytes: &[u8]) -> Result<InfoHeader> {
    // parse already refuses Size > bytes.len(); validation adds nothing beyond the reader rules.
    InfoHeader::parse(bytes)
}

/// The `Size` field of a header (`MprInfoBlockQuerySize`). Only the fixed part is checked, so
/// 12 bytes suffice.
///
/// Errors: fewer than 12 bytes or Version not 1 → `ERROR_INVALID_PARAMETER`.
pub fn declared_size(bytes: &[u8]) -> Result<u32> {
    read_fixed(bytes).map(|(_, size, _)| size)
}

#[cfg(test)]
mod tests {
    use super::*;

    const INVALID: WinError = WinError::ERROR_INVALID_PARAMETER;

    fn code<T: std::fmt::Debug>(r: Result<T>) -> WinError {
        r.expect_err("expected an error").code
    }

    /// Header bytes from (type, size, count, offset) entries over `total` zero bytes.
    fn raw(size: u32, total: usize, toc: &[(u32, u32, u32, u32)]) -> Vec<u8> {
        let mut b = vec![0u8; total.max(HEADER_LEN + TOC_ENTRY_LEN * toc.len())];
        b[0..4].copy_from_slice(&1u32.to_le_bytes());
        b[4..8].copy_from_slice(&size.to_le_bytes());
        b[8..12].copy_from_slice(&(toc.len() as u32).to_le_bytes());
        for (i, (t, s, c, o)) in toc.iter().enumerate() {
            let at = HEADER_LEN + TOC_ENTRY_LEN * i;
            for (k, v) in [t, s, c, o].into_iter().enumerate() {
                b[at + 4 * k..at + 4 * k + 4].copy_from_slice(&v.to_le_bytes());
            }
        }
        b
    }

    #[test]
    fn new_accepts_version_1_and_encodes_12_bytes() {
        let h = InfoHeader::new(1).unwrap();
        assert_eq!(h.to_bytes(), [1, 0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(h.encoded_len(), 12);
    }

    #[test]
    fn new_rejects_other_versions_with_87() {
        for v in [0, 2, u32::MAX] {
            assert_eq!(code(InfoHeader::new(v)), INVALID, "version {v}");
        }
    }

    #[test]
    fn find_missing_type_is_1168() {
        let mut h = InfoHeader::new(1).unwrap();
        assert_eq!(code(h.find(5)), WinError::ERROR_NOT_FOUND);
        h.add(6, 1, 1, &[9]).unwrap();
        assert_eq!(code(h.find(5)), WinError::ERROR_NOT_FOUND);
        assert_eq!(h.find(6).unwrap().data, [9]);
    }

    #[test]
    fn add_existing_type_is_87_and_leaves_header_unchanged() {
        let mut h = InfoHeader::new(1).unwrap();
        h.add(7, 2, 1, &[1, 2]).unwrap();
        let before = h.clone();
        assert_eq!(code(h.add(7, 1, 1, &[3])), INVALID);
        assert_eq!(h, before);
    }

    #[test]
    fn add_and_set_reject_overflowing_item_size_times_count() {
        let mut h = InfoHeader::new(1).unwrap();
        assert_eq!(code(h.add(1, 0x1_0000, 0x1_0000, &[])), INVALID);
        assert_eq!(code(h.add(1, u32::MAX, 2, &[])), INVALID);
        h.add(1, 0, 0, &[]).unwrap();
        assert_eq!(code(h.set(1, 0x1_0000, 0x1_0000, &[])), INVALID);
        assert_eq!(h.find(1).unwrap().data.len(), 0);
    }

    #[test]
    fn add_and_set_reject_data_length_mismatch() {
        let mut h = InfoHeader::new(1).unwrap();
        assert_eq!(code(h.add(1, 4, 2, &[0; 7])), INVALID);
        assert_eq!(code(h.add(1, 4, 2, &[0; 9])), INVALID);
        assert_eq!(code(h.add(1, 0, 5, &[0])), INVALID);
        assert!(h.blocks.is_empty());
        h.add(1, 4, 2, &[0; 8]).unwrap();
        assert_eq!(code(h.set(1, 3, 1, &[0; 4])), INVALID);
        assert_eq!(h.find(1).unwrap().data, [0; 8]);
    }

    #[test]
    fn set_and_remove_of_missing_type_are_87_not_1168() {
        let mut h = InfoHeader::new(1).unwrap();
        h.add(1, 1, 1, &[1]).unwrap();
        assert_eq!(code(h.set(2, 1, 1, &[1])), INVALID);
        assert_eq!(code(h.remove(2)), INVALID);
        assert_eq!(h.blocks.len(), 1);
    }

    #[test]
    fn zero_length_blocks_keep_their_size_and_count_forms() {
        let mut h = InfoHeader::new(1).unwrap();
        h.add(1, 72, 0, &[]).unwrap();
        h.add(2, 0, 3, &[]).unwrap();
        h.add(3, 0, 0, &[]).unwrap();
        let back = InfoHeader::parse(&h.to_bytes()).unwrap();
        assert_eq!(back, h);
        assert_eq!((back.blocks[0].item_size, back.blocks[0].count), (72, 0));
        assert_eq!((back.blocks[1].item_size, back.blocks[1].count), (0, 3));
        h.set(1, 4, 1, &[1, 2, 3, 4]).unwrap();
        h.set(1, 0, 9, &[]).unwrap();
        assert_eq!((h.blocks[0].item_size, h.blocks[0].count), (0, 9));
    }

    #[test]
    fn encodings_beyond_u32_size_are_rejected() {
        assert!(check_encodable(0, u64::from(u32::MAX) - 12).is_ok());
        assert_eq!(code(check_encodable(0, u64::from(u32::MAX) - 11)), INVALID);
        // One block costs 16 (TOC) + 8 (slack) besides its data.
        assert_eq!(code(check_encodable(1, u64::from(u32::MAX) - 35)), INVALID);
        assert!(check_encodable(1, u64::from(u32::MAX) - 36).is_ok());
    }

    #[test]
    fn set_keeps_position_and_remove_keeps_order() {
        let mut h = InfoHeader::new(1).unwrap();
        for t in 1..=4 {
            h.add(t, 1, 1, &[t as u8]).unwrap();
        }
        h.set(2, 2, 1, &[7, 7]).unwrap();
        h.remove(3).unwrap();
        let types: Vec<u32> = h.blocks.iter().map(|b| b.info_type).collect();
        assert_eq!(types, [1, 2, 4]);
        assert_eq!(h.blocks[1].data, [7, 7]);
        h.remove_all();
        assert_eq!(h, InfoHeader::new(1).unwrap());
    }

    #[test]
    fn parse_rejects_short_buffers() {
        for len in 0..HEADER_LEN {
            let b = &InfoHeader::new(1).unwrap().to_bytes()[..len];
            assert_eq!(code(InfoHeader::parse(b)), INVALID, "len {len}");
        }
    }

    #[test]
    fn parse_rejects_bad_version() {
        let mut b = InfoHeader::new(1).unwrap().to_bytes();
        b[0] = 2;
        assert_eq!(code(InfoHeader::parse(&b)), INVALID);
        b[0] = 0;
        assert_eq!(code(InfoHeader::parse(&b)), INVALID);
    }

    #[test]
    fn parse_rejects_size_beyond_buffer_and_accepts_trailing_bytes() {
        let b = raw(13, 12, &[]);
        assert_eq!(code(InfoHeader::parse(&b)), INVALID);
        let b = raw(12, 40, &[]);
        assert_eq!(InfoHeader::parse(&b).unwrap(), InfoHeader::new(1).unwrap());
    }

    #[test]
    fn parse_rejects_toc_not_fitting_size() {
        let b = raw(27, 28, &[(1, 0, 0, 0)]);
        assert_eq!(code(InfoHeader::parse(&b)), INVALID);
        let b = raw(28, 28, &[(1, 0, 0, 0)]);
        assert_eq!(InfoHeader::parse(&b).unwrap().blocks[0].info_type, 1);
    }

    #[test]
    fn parse_rejects_huge_entry_count_without_allocating() {
        let mut b = raw(12, 64, &[]);
        b[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
        b[4..8].copy_from_slice(&64u32.to_le_bytes());
        assert_eq!(code(InfoHeader::parse(&b)), INVALID);
        assert_eq!(code(locate(&b, 0)), INVALID);
    }

    #[test]
    fn parse_rejects_blocks_outside_the_data_area() {
        // Starts inside the TOC.
        assert_eq!(
            code(InfoHeader::parse(&raw(36, 36, &[(1, 4, 1, 24)]))),
            INVALID
        );
        // Ends past Size.
        assert_eq!(
            code(InfoHeader::parse(&raw(36, 40, &[(1, 4, 2, 32)]))),
            INVALID
        );
        // Offset + length wraps 32 bits.
        assert_eq!(
            code(InfoHeader::parse(&raw(
                36,
                36,
                &[(1, 0x10, 0x1000_0000, 32)]
            ))),
            INVALID
        );
        assert_eq!(
            code(InfoHeader::parse(&raw(36, 36, &[(1, 4, 1, u32::MAX)]))),
            INVALID
        );
        // Exactly up to Size, unaligned: accepted.
        assert_eq!(
            InfoHeader::parse(&raw(36, 36, &[(1, 4, 2, 28)]))
                .unwrap()
                .blocks[0]
                .data
                .len(),
            8
        );
    }

    #[test]
    fn parse_ignores_offset_of_empty_blocks() {
        let h = InfoHeader::parse(&raw(28, 28, &[(1, 72, 0, u32::MAX)])).unwrap();
        assert_eq!(
            h.blocks[0],
            InfoBlock {
                info_type: 1,
                item_size: 72,
                count: 0,
                data: vec![]
            }
        );
        let loc = locate(&raw(28, 28, &[(1, 72, 0, u32::MAX)]), 1).unwrap();
        assert_eq!(
            loc,
            BlockLocation {
                item_size: 72,
                count: 0,
                offset: 28,
                len: 0
            }
        );
    }

    #[test]
    fn parse_rejects_duplicate_types() {
        let b = raw(64, 64, &[(5, 4, 1, 48), (5, 4, 1, 56)]);
        assert_eq!(code(InfoHeader::parse(&b)), INVALID);
        assert_eq!(code(locate(&b, 5)), INVALID);
    }

    #[test]
    fn parse_rejects_overlapping_blocks_but_not_touching_or_empty_ones() {
        let b = raw(64, 64, &[(1, 8, 1, 48), (2, 4, 1, 52)]);
        assert_eq!(code(InfoHeader::parse(&b)), INVALID);
        let b = raw(64, 64, &[(1, 4, 1, 48), (2, 4, 1, 52), (3, 0, 1, 50)]);
        assert_eq!(
            code(InfoHeader::parse(&b)),
            INVALID,
            "TOC of 3 needs 60 bytes before data"
        );
        let b = raw(80, 80, &[(1, 4, 1, 64), (2, 4, 1, 68), (3, 0, 1, 66)]);
        assert_eq!(InfoHeader::parse(&b).unwrap().blocks.len(), 3);
    }

    #[test]
    fn large_tocs_reject_duplicates_and_overlaps_too() {
        // 40 entries take the sorting path; blocks of 4 bytes from 656 on.
        let toc = |f: &dyn Fn(u32) -> (u32, u32, u32, u32)| (0..40).map(f).collect::<Vec<_>>();
        let ok = toc(&|i| (i, 4, 1, 656 + 8 * i));
        assert_eq!(
            InfoHeader::parse(&raw(976, 976, &ok)).unwrap().blocks.len(),
            40
        );
        let dup = toc(&|i| (if i == 39 { 3 } else { i }, 4, 1, 656 + 8 * i));
        assert_eq!(code(InfoHeader::parse(&raw(976, 976, &dup))), INVALID);
        let over = toc(&|i| (i, 4, 1, if i == 39 { 658 } else { 656 + 8 * i }));
        assert_eq!(code(InfoHeader::parse(&raw(976, 976, &over))), INVALID);
        let empty_inside = toc(&|i| {
            (
                i,
                4,
                u32::from(i != 39),
                if i == 39 { 658 } else { 656 + 8 * i },
            )
        });
        assert!(InfoHeader::parse(&raw(976, 976, &empty_inside)).is_ok());
    }

    proptest::proptest! {
        #[test]
        fn sorted_and_pairwise_clash_checks_agree(
            spans in proptest::collection::vec((0u32..48, 0u32..64, 0u32..12), 0..80),
        ) {
            let entries: Vec<RawEntry> = spans
                .iter()
                .map(|&(info_type, offset, len)| RawEntry { info_type, item_size: len, count: 1, offset, len })
                .collect();
            let naive = |clash: &dyn Fn(&RawEntry, &RawEntry) -> bool| {
                (0..entries.len()).any(|i| (i + 1..entries.len()).any(|j| clash(&entries[i], &entries[j])))
            };
            proptest::prop_assert_eq!(
                duplicate_type(&entries).is_some(),
                naive(&|a, b| a.info_type == b.info_type)
            );
            proptest::prop_assert_eq!(overlapping_blocks(&entries).is_some(), naive(&overlap));
        }
    }

    #[test]
    fn parse_accepts_blocks_out_of_toc_order() {
        let mut b = raw(64, 64, &[(1, 4, 1, 56), (2, 4, 1, 48)]);
        b[56] = 0xAA;
        b[48] = 0xBB;
        let h = InfoHeader::parse(&b).unwrap();
        assert_eq!(h.find(1).unwrap().data, [0xAA, 0, 0, 0]);
        assert_eq!(h.find(2).unwrap().data, [0xBB, 0, 0, 0]);
    }

    #[test]
    fn locate_missing_type_is_1168_and_malformed_is_87() {
        let mut h = InfoHeader::new(1).unwrap();
        h.add(3, 2, 2, &[1, 2, 3, 4]).unwrap();
        let b = h.to_bytes();
        assert_eq!(
            locate(&b, 3).unwrap(),
            BlockLocation {
                item_size: 2,
                count: 2,
                offset: 32,
                len: 4
            }
        );
        assert_eq!(code(locate(&b, 4)), WinError::ERROR_NOT_FOUND);
        assert_eq!(code(locate(&b[..20], 3)), INVALID);
    }

    #[test]
    fn validate_accepts_well_formed_and_rejects_truncated() {
        let mut h = InfoHeader::new(1).unwrap();
        h.add(3, 4, 1, &[1, 2, 3, 4]).unwrap();
        let b = h.to_bytes();
        assert_eq!(validate(&b).unwrap(), h);
        assert_eq!(code(validate(&b[..b.len() - 1])), INVALID);
    }

    #[test]
    fn declared_size_reads_size_or_fails_with_87() {
        assert_eq!(declared_size(&raw(0xFC, 12, &[])).unwrap(), 0xFC);
        assert_eq!(code(declared_size(&[1, 0, 0, 0, 12, 0, 0])), INVALID);
        let mut b = raw(12, 12, &[]);
        b[0] = 9;
        assert_eq!(code(declared_size(&b)), INVALID);
    }

    #[test]
    fn writer_places_blocks_at_align8_and_uses_generous_size() {
        let mut h = InfoHeader::new(1).unwrap();
        h.add(1, 3, 1, &[1, 2, 3]).unwrap();
        h.add(2, 0, 0, &[]).unwrap();
        h.add(3, 1, 1, &[4]).unwrap();
        let b = h.to_bytes();
        // n = 3: TOC ends 60, first block 64; 64+3 -> 72; empty at 72; 72.
        assert_eq!(locate(&b, 1).unwrap().offset, 64);
        assert_eq!(locate(&b, 2).unwrap().offset, 72);
        assert_eq!(locate(&b, 3).unwrap().offset, 72);
        assert_eq!(b.len(), 12 + 48 + (3 + 8) + 8 + (1 + 8));
        assert_eq!(declared_size(&b).unwrap() as usize, b.len());
        assert!(b[67..72].iter().all(|&x| x == 0) && b[73..].iter().all(|&x| x == 0));
    }
}
