//! The one allocator behind every buffer this library hands to C.
//!
//! Each buffer is one zeroed allocation recorded in a global registry of live allocations, so
//! `MprConfigBufferFree` / `MprInfoDelete` can tell one of ours from anything else: freeing NULL
//! is a no-op, freeing an unknown (or already freed, or interior) pointer returns
//! `ERROR_INVALID_PARAMETER` instead of corrupting the heap. The registry also knows each
//! buffer's size, which bounds how far the `MprInfo*` functions read a header we allocated.

use std::alloc::{Layout, alloc_zeroed, dealloc};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Mutex, MutexGuard, OnceLock};

use mprconfig_core::{Error, Result, WinError};

/// Alignment of every buffer: enough for any structure of mprapi.h (at most 8) with room to spare.
const ALIGN: usize = 16;

/// Largest single buffer handed out (1 GiB): anything larger is a bug or hostile input.
const MAX_BUFFER: usize = 1 << 30;

/// Hashes an address by one multiplication: addresses are distinct and 16-aligned, so this
/// spreads them well, at a fraction of SipHash's cost on the hot free/lookup path.
#[derive(Default)]
struct AddrHasher(u64);

impl Hasher for AddrHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = ((n as u64) >> 4).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type Live = HashMap<usize, usize, BuildHasherDefault<AddrHasher>>;

fn live() -> MutexGuard<'static, Live> {
    static LIVE: OnceLock<Mutex<Live>> = OnceLock::new();
    // A panic while holding the lock cannot leave the map inconsistent (single inserts/removes).
    LIVE.get_or_init(|| Mutex::new(HashMap::default()))
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

/// A new zeroed buffer of `size` bytes (at least 1), 16-byte aligned, recorded as live.
///
/// Errors: `ERROR_NOT_ENOUGH_MEMORY` when `size` exceeds 1 GiB or the system has no memory.
pub fn alloc(size: usize) -> Result<*mut u8> {
    if size > MAX_BUFFER {
        return Err(Error::new(
            WinError::ERROR_NOT_ENOUGH_MEMORY,
            format!("buffer of {size} bytes refused"),
        ));
    }
    let layout = Layout::from_size_align(size.max(1), ALIGN)
        .map_err(|_| Error::new(WinError::ERROR_NOT_ENOUGH_MEMORY, "bad buffer layout"))?;
    // SAFETY: the layout has a non-zero size.
    let p = unsafe { alloc_zeroed(layout) };
    if p.is_null() {
        return Err(Error::new(
            WinError::ERROR_NOT_ENOUGH_MEMORY,
            format!("out of memory for {size} bytes"),
        ));
    }
    live().insert(p as usize, layout.size());
    Ok(p)
}

/// A new buffer holding a copy of `data` (at least `min_size` bytes, zero-filled past `data`).
pub fn alloc_copy(data: &[u8], min_size: usize) -> Result<*mut u8> {
    let p = alloc(data.len().max(min_size))?;
    // SAFETY: `p` is a fresh allocation of at least `data.len()` bytes.
    unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), p, data.len()) };
    Ok(p)
}

/// A new buffer holding one C structure.
pub fn alloc_value<T: crate::types::Plain>(v: T) -> Result<*mut u8> {
    let p = alloc(std::mem::size_of::<T>())?;
    // SAFETY: fresh 16-byte aligned allocation of size_of::<T>() bytes.
    unsafe { (p as *mut T).write(v) };
    Ok(p)
}

/// Frees a buffer made by [`alloc`]. NULL is a no-op.
///
/// Errors: a pointer that is not a live buffer of ours → `ERROR_INVALID_PARAMETER`, and nothing
/// is freed.
pub fn free(p: *const u8) -> Result<()> {
    if p.is_null() {
        return Ok(());
    }
    let Some(size) = live().remove(&(p as usize)) else {
        return Err(Error::invalid_parameter(format!(
            "{p:p} is not a buffer allocated by libmprapi"
        )));
    };
    // SAFETY: the registry held `p` with this size, so `alloc` made it with this layout, and
    // removing it first guarantees it is deallocated exactly once.
    unsafe { dealloc(p as *mut u8, Layout::from_size_align_unchecked(size, ALIGN)) };
    Ok(())
}

/// The size of a live buffer of ours starting exactly at `p`, `None` for any other pointer.
pub fn live_size(p: *const u8) -> Option<usize> {
    live().get(&(p as usize)).copied()
}

/// Number of live buffers (for leak checks in tests).
pub fn live_count() -> usize {
    live().len()
}

/// Builds one buffer in place: `layout_fn` gets the zeroed bytes and fills them. On error the
/// buffer is freed again, so callers never leak on a failed fill.
pub fn build(size: usize, fill: impl FnOnce(*mut u8) -> Result<()>) -> Result<*mut u8> {
    let p = alloc(size)?;
    match fill(p) {
        Ok(()) => Ok(p),
        Err(e) => {
            let _ = free(p);
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_of_null_is_a_no_op() {
        assert!(free(std::ptr::null()).is_ok());
    }

    #[test]
    fn double_free_and_interior_pointers_are_invalid_parameter() {
        let p = alloc(32).unwrap();
        assert_eq!(live_size(p), Some(32));
        // SAFETY: inside the 32-byte buffer.
        let inner = unsafe { p.add(8) };
        assert_eq!(
            free(inner).unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER
        );
        free(p).unwrap();
        assert_eq!(free(p).unwrap_err().code, WinError::ERROR_INVALID_PARAMETER);
        assert_eq!(live_size(p), None);
    }

    #[test]
    fn buffers_are_zeroed_and_copies_are_padded() {
        let p = alloc_copy(&[1, 2, 3], 8).unwrap();
        // SAFETY: 8 bytes were allocated.
        let bytes = unsafe { std::slice::from_raw_parts(p, 8) };
        assert_eq!(bytes, &[1, 2, 3, 0, 0, 0, 0, 0]);
        free(p).unwrap();
    }

    #[test]
    fn oversized_requests_are_not_enough_memory() {
        assert_eq!(
            alloc(MAX_BUFFER + 1).unwrap_err().code,
            WinError::ERROR_NOT_ENOUGH_MEMORY
        );
    }

    #[test]
    fn failed_build_frees_its_buffer() {
        let mut seen = 0usize;
        let err = build(16, |p| {
            seen = p as usize;
            Err(Error::invalid_parameter("no"))
        })
        .unwrap_err();
        assert_eq!(err.code, WinError::ERROR_INVALID_PARAMETER);
        assert_ne!(seen, 0);
        assert_eq!(live_size(seen as *const u8), None);
    }
}
