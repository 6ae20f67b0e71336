//! The Information Header functions (`MprInfo*`): build and read `RTR_INFO_BLOCK_HEADER`
//! blobs with the codec of `mprconfig_core::info`.
//!
//! The "modify" functions never change their input: they return a new header, which the
//! caller frees with `MprInfoDelete` (the input stays the caller's too). A header passed in is
//! read as: its 12-byte fixed part, then exactly `Size` bytes (at most 16 MiB, and at most the
//! buffer when it is one of ours).

#![allow(non_snake_case)]

use std::ffi::c_void;

use mprconfig_core::info::{self, InfoHeader};
use mprconfig_core::{Error, Result};

use crate::alloc::{self, Owned};
use crate::blob;
use crate::guard::{guard, not_null};
use crate::out::{self, Buf, Val};

/// Smallest allocation for a header: the declared `RTR_INFO_BLOCK_HEADER` (one TOC entry), so
/// code that reads `TocEntry[0]` of an empty header reads zeros, not past the buffer (Q14).
const MIN_HEADER_ALLOC: usize = 28;

/// Allocates the encoding of `h` as a new header.
fn new_header(h: &InfoHeader) -> Result<Owned> {
    Owned::copy(&h.to_bytes(), MIN_HEADER_ALLOC)
}

/// Parses the caller's header.
///
/// # Safety
/// See [`blob::header`].
unsafe fn parse(p: *const c_void) -> Result<InfoHeader> {
    // SAFETY: forwarded.
    InfoHeader::parse(unsafe { blob::header(p as *const u8, "lpHeader") }?)
}

/// Runs a function producing a new header into `*lplpNewHeader` (NULL on failure).
///
/// # Safety
/// `lplpNewHeader` NULL or writable.
unsafe fn produce(
    name: &str,
    lplpNewHeader: *mut *mut c_void,
    body: impl FnOnce() -> Result<Owned>,
) -> u32 {
    // SAFETY: forwarded.
    let out = unsafe { Buf::new(lplpNewHeader) };
    out::run(name, out, || {
        not_null(lplpNewHeader, "lplpNewHeader")?;
        body().map(Some)
    })
}

/// The item data of an Add/Set: `dwItemSize × dwItemCount` bytes (NULL allowed when that is 0,
/// spec Q24; a product above 32 bits or 16 MiB is refused).
///
/// # Safety
/// `data` NULL or readable for the product.
unsafe fn item_data<'a>(size: u32, count: u32, data: *const u8) -> Result<&'a [u8]> {
    let Some(len) = size.checked_mul(count) else {
        return Err(Error::invalid_parameter(format!(
            "dwItemSize {size} x dwItemCount {count} overflows 32 bits"
        )));
    };
    if len == 0 {
        return Ok(&[]);
    }
    not_null(data, "lpItemData")?;
    // SAFETY: forwarded.
    unsafe { blob::bytes(data, len, "lpItemData") }
}

/// `MprInfoCreate`: a new empty header (Version `dwVersion`, Size 12, no blocks; the buffer is
/// 28 zeroed bytes), freed with `MprInfoDelete`.
///
/// Errors: 87 — `lplpNewHeader` NULL, `dwVersion` not `RTR_INFO_BLOCK_VERSION` (1).
/// `*lplpNewHeader` is NULL on failure.
///
/// # Safety
/// `lplpNewHeader` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprInfoCreate(dwVersion: u32, lplpNewHeader: *mut *mut c_void) -> u32 {
    // SAFETY: forwarded.
    unsafe {
        produce("MprInfoCreate", lplpNewHeader, || {
            new_header(&InfoHeader::new(dwVersion)?)
        })
    }
}

/// `MprInfoDelete`: frees a header made by an `MprInfo*` function (buffers of the `MprConfig*`
/// functions are accepted too: one allocator backs both).
///
/// Errors: 87 — `lpHeader` NULL (as Windows documents; nothing happens), or not a live buffer of
/// this library (left alone).
///
/// # Safety
/// None: the pointer is looked up, never trusted.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprInfoDelete(lpHeader: *mut c_void) -> u32 {
    guard("MprInfoDelete", || {
        not_null(lpHeader, "lpHeader")?;
        alloc::free(lpHeader as *const u8)
    })
}

/// `MprInfoDuplicate`: a byte-for-byte copy of a valid header (`Size` bytes), freed with
/// `MprInfoDelete`.
///
/// Errors: 87 — a NULL argument, a malformed header. `*lplpNewHeader` is NULL on failure.
///
/// # Safety
/// `lpHeader` NULL or a readable header; `lplpNewHeader` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprInfoDuplicate(
    lpHeader: *mut c_void,
    lplpNewHeader: *mut *mut c_void,
) -> u32 {
    // SAFETY: forwarded.
    unsafe {
        produce("MprInfoDuplicate", lplpNewHeader, || {
            not_null(lpHeader, "lpHeader")?;
            let bytes = blob::header(lpHeader as *const u8, "lpHeader")?;
            info::validate(bytes)?;
            Owned::copy(bytes, MIN_HEADER_ALLOC)
        })
    }
}

/// `MprInfoRemoveAll`: a new empty header of the same version as `lpHeader` (which is left
/// unchanged and must still be freed), freed with `MprInfoDelete`.
///
/// Errors: 87 — a NULL argument, a malformed header. `*lplpNewHeader` is NULL on failure.
///
/// # Safety
/// As `MprInfoDuplicate`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprInfoRemoveAll(
    lpHeader: *mut c_void,
    lplpNewHeader: *mut *mut c_void,
) -> u32 {
    // SAFETY: forwarded.
    unsafe {
        produce("MprInfoRemoveAll", lplpNewHeader, || {
            not_null(lpHeader, "lpHeader")?;
            let mut h = parse(lpHeader)?;
            h.remove_all();
            new_header(&h)
        })
    }
}

/// `MprInfoBlockAdd`: a new header = `lpHeader` plus a block of `dwItemCount` items of
/// `dwItemSize` bytes copied from `lpItemData`, appended after the existing blocks. A
/// zero-length block (size or count 0, `lpItemData` may then be NULL) is kept: it tells the
/// router manager to delete that client (spec Q24).
///
/// Errors: 87 — `lpHeader` or `lplpNewHeader` NULL, `lpItemData` NULL with data to copy, a
/// block of that type exists, size × count overflows 32 bits or exceeds 16 MiB, a malformed
/// header. `*lplpNewHeader` is NULL on failure.
///
/// # Safety
/// `lpHeader` NULL or a readable header; `lpItemData` NULL or readable for size × count bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprInfoBlockAdd(
    lpHeader: *mut c_void,
    dwInfoType: u32,
    dwItemSize: u32,
    dwItemCount: u32,
    lpItemData: *const u8,
    lplpNewHeader: *mut *mut c_void,
) -> u32 {
    // SAFETY: forwarded.
    unsafe {
        produce("MprInfoBlockAdd", lplpNewHeader, || {
            not_null(lpHeader, "lpHeader")?;
            let data = item_data(dwItemSize, dwItemCount, lpItemData)?;
            let mut h = parse(lpHeader)?;
            h.add(dwInfoType, dwItemSize, dwItemCount, data)?;
            new_header(&h)
        })
    }
}

/// `MprInfoBlockSet`: a new header in which the existing block of `dwInfoType` has the new item
/// size, count and data (position kept; other blocks unchanged).
///
/// Errors: 87 — as `MprInfoBlockAdd`, and no block of that type exists (Set never creates).
///
/// # Safety
/// As `MprInfoBlockAdd`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprInfoBlockSet(
    lpHeader: *mut c_void,
    dwInfoType: u32,
    dwItemSize: u32,
    dwItemCount: u32,
    lpItemData: *const u8,
    lplpNewHeader: *mut *mut c_void,
) -> u32 {
    // SAFETY: forwarded.
    unsafe {
        produce("MprInfoBlockSet", lplpNewHeader, || {
            not_null(lpHeader, "lpHeader")?;
            let data = item_data(dwItemSize, dwItemCount, lpItemData)?;
            let mut h = parse(lpHeader)?;
            h.set(dwInfoType, dwItemSize, dwItemCount, data)?;
            new_header(&h)
        })
    }
}

/// `MprInfoBlockRemove`: a new header without the block of `dwInfoType` (the others keep their
/// order).
///
/// Errors: 87 — a NULL argument, no block of that type (not 1168, as documented), a malformed
/// header. `*lplpNewHeader` is NULL on failure.
///
/// # Safety
/// As `MprInfoDuplicate`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprInfoBlockRemove(
    lpHeader: *mut c_void,
    dwInfoType: u32,
    lplpNewHeader: *mut *mut c_void,
) -> u32 {
    // SAFETY: forwarded.
    unsafe {
        produce("MprInfoBlockRemove", lplpNewHeader, || {
            not_null(lpHeader, "lpHeader")?;
            let mut h = parse(lpHeader)?;
            h.remove(dwInfoType)?;
            new_header(&h)
        })
    }
}

/// `MprInfoBlockFind`: the item size, count and a pointer to the data of the block of
/// `dwInfoType`. The pointer points **into** `lpHeader` (no copy, nothing to free). Each output
/// is optional; `MprInfoBlockExists(h, t)` passes none. A zero-length block is found (size
/// and count as stored).
///
/// Errors: 87 — `lpHeader` NULL or malformed; `ERROR_NOT_FOUND` (1168) — no such block. Outputs
/// are written only on success.
///
/// # Safety
/// `lpHeader` NULL or a readable header; outputs NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprInfoBlockFind(
    lpHeader: *mut c_void,
    dwInfoType: u32,
    lpdwItemSize: *mut u32,
    lpdwItemCount: *mut u32,
    lplpItemData: *mut *mut u8,
) -> u32 {
    // Val, not Ptr, for the data pointer: Windows documents no NULL on failure, so all three
    // stay as they were.
    // SAFETY: outputs NULL or writable (caller contract).
    let out = unsafe {
        (
            Val::new(lpdwItemSize),
            Val::new(lpdwItemCount),
            Val::new(lplpItemData),
        )
    };
    out::run("MprInfoBlockFind", out, || {
        not_null(lpHeader, "lpHeader")?;
        // SAFETY: caller contract.
        let bytes = unsafe { blob::header(lpHeader as *const u8, "lpHeader") }?;
        let at = info::locate(bytes, dwInfoType)?;
        // `at.offset` <= Size: a pointer inside the caller's header.
        let data = (lpHeader as *mut u8).wrapping_add(at.offset);
        Ok((at.item_size, at.count, data))
    })
}

/// `MprInfoBlockQuerySize`: the header's total size (its `Size` field), the value to pass as
/// `dw…InfoSize`. Returns 0 for NULL, for a header whose Version is not 1, and for one of our
/// buffers too small to be a header.
///
/// # Safety
/// `lpHeader` NULL or readable for 12 bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprInfoBlockQuerySize(lpHeader: *mut c_void) -> u32 {
    let mut size = 0;
    guard("MprInfoBlockQuerySize", || {
        if lpHeader.is_null() {
            return Ok(());
        }
        if alloc::live_size(lpHeader as *const u8).is_some_and(|n| n < 12) {
            return Ok(());
        }
        let mut fixed = [0u8; 12];
        // SAFETY: caller contract (12 readable bytes), checked above for our buffers.
        unsafe { std::ptr::copy_nonoverlapping(lpHeader as *const u8, fixed.as_mut_ptr(), 12) };
        size = info::declared_size(&fixed).unwrap_or(0);
        Ok(())
    });
    size
}
