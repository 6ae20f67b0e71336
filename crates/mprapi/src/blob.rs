//! Reading caller memory that carries a length: info headers and byte blobs.

use mprconfig_core::{Error, Result};

use crate::{MAX_INFO_SIZE, alloc};

/// The `len` bytes at `p`, refusing lengths above [`MAX_INFO_SIZE`] and, when `p` is a buffer
/// this library allocated, lengths beyond that buffer.
///
/// # Safety
/// `p` must be non-NULL and, unless it is one of our buffers, readable for `len` bytes (the
/// caller's promise in the C API).
pub unsafe fn bytes<'a>(p: *const u8, len: u32, what: &str) -> Result<&'a [u8]> {
    if len > MAX_INFO_SIZE {
        return Err(Error::invalid_parameter(format!(
            "{what}: {len} bytes is more than the {MAX_INFO_SIZE}-byte limit"
        )));
    }
    if let Some(size) = alloc::live_size(p)
        && (len as usize) > size
    {
        return Err(Error::invalid_parameter(format!(
            "{what}: {len} bytes claimed but the buffer has {size}"
        )));
    }
    // SAFETY: caller contract; bounded above.
    Ok(unsafe { std::slice::from_raw_parts(p, len as usize) })
}

/// An optional blob parameter (`pInfo`, `dwInfoSize`): NULL is `None` whatever the size;
/// a non-NULL pointer with size 0 is `ERROR_INVALID_PARAMETER`.
///
/// # Safety
/// As [`bytes`] when `p` is non-NULL.
pub unsafe fn opt_bytes<'a>(p: *const u8, len: u32, what: &str) -> Result<Option<&'a [u8]>> {
    if p.is_null() {
        return Ok(None);
    }
    if len == 0 {
        return Err(Error::invalid_parameter(format!(
            "{what} is given with size 0"
        )));
    }
    // SAFETY: forwarded.
    unsafe { bytes(p, len, what) }.map(Some)
}

/// The bytes of an information header at `p`: its 12-byte fixed part is read first, then its
/// `Size` field says how many bytes make the header (bounded as in [`bytes`]).
///
/// # Safety
/// `p` must be non-NULL and, unless it is one of our buffers, readable for 12 bytes and then
/// for the `Size` it declares.
pub unsafe fn header<'a>(p: *const u8, what: &str) -> Result<&'a [u8]> {
    if let Some(size) = alloc::live_size(p)
        && size < 12
    {
        return Err(Error::invalid_parameter(format!(
            "{what}: buffer of {size} bytes is no info header"
        )));
    }
    let mut fixed = [0u8; 12];
    // SAFETY: caller contract (12 readable bytes), or checked above for our buffers.
    unsafe { std::ptr::copy_nonoverlapping(p, fixed.as_mut_ptr(), 12) };
    let size = u32::from_le_bytes([fixed[4], fixed[5], fixed[6], fixed[7]]);
    if size < 12 {
        return Err(Error::invalid_parameter(format!(
            "{what}: Size {size} is smaller than the header's fixed part"
        )));
    }
    // SAFETY: forwarded.
    unsafe { bytes(p, size, what) }
}
