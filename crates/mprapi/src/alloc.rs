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

use crate::types::Plain;

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
    #[cfg(test)]
    hooks::maybe_fail()?;
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
    #[cfg(test)]
    hooks::count(1);
    Ok(p)
}

/// A new buffer holding a copy of `data` (at least `min_size` bytes, zero-filled past `data`),
/// handed over at once (the fuzz target plants such buffers; exports build an [`Owned`]).
pub fn alloc_copy(data: &[u8], min_size: usize) -> Result<*mut u8> {
    Owned::copy(data, min_size).map(Owned::release)
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
    #[cfg(test)]
    hooks::count(-1);
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

/// A buffer allocated for the caller and still owned by the library: dropping it (an early `?`
/// return after it was made, a panic) frees it; only [`Owned::release`], the last step of a
/// successful export, hands it to the caller. So no path of an export can leak a buffer or hand
/// out a half-filled one.
#[must_use = "dropping an Owned frees the buffer"]
#[derive(Debug)]
pub struct Owned(*mut u8);

impl Owned {
    /// A new zeroed buffer of `size` bytes (see [`alloc`]).
    pub fn new(size: usize) -> Result<Owned> {
        alloc(size).map(Owned)
    }

    /// A new buffer holding a copy of `data`, at least `min_size` bytes (zeros past `data`).
    pub fn copy(data: &[u8], min_size: usize) -> Result<Owned> {
        let b = Owned::new(data.len().max(min_size))?;
        // SAFETY: a fresh allocation of at least `data.len()` bytes.
        unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), b.0, data.len()) };
        Ok(b)
    }

    /// A new buffer holding one C structure.
    pub fn value<T: Plain>(v: T) -> Result<Owned> {
        Owned::slice(std::slice::from_ref(&v))
    }

    /// A new buffer holding an array of C values (`items.len() × size_of::<T>()` bytes).
    pub fn slice<T: Plain>(items: &[T]) -> Result<Owned> {
        let bytes = std::mem::size_of_val(items);
        let b = Owned::new(bytes)?;
        // SAFETY: a fresh 16-byte aligned allocation of `bytes` bytes.
        unsafe { std::ptr::copy_nonoverlapping(items.as_ptr(), b.0 as *mut T, items.len()) };
        Ok(b)
    }

    /// The buffer's first byte (still ours: valid until this `Owned` is dropped or released).
    pub fn as_ptr(&self) -> *mut u8 {
        self.0
    }

    /// Hands the buffer to the caller, who frees it with `MprConfigBufferFree`.
    pub fn release(self) -> *mut u8 {
        let p = self.0;
        std::mem::forget(self);
        p
    }
}

impl Drop for Owned {
    fn drop(&mut self) {
        // Cannot fail: the pointer came from `alloc` and only this guard frees it.
        let _ = free(self.0);
    }
}

/// Test instruments: a per-thread count of live buffers (exact under parallel tests, unlike
/// [`live_count`]) and an injected allocation failure.
#[cfg(test)]
pub(crate) mod hooks {
    use std::cell::Cell;

    use mprconfig_core::{Error, Result, WinError};

    thread_local! {
        static LIVE: Cell<isize> = const { Cell::new(0) };
        static FAIL_IN: Cell<usize> = const { Cell::new(0) };
    }

    pub(super) fn count(delta: isize) {
        LIVE.with(|c| c.set(c.get() + delta));
    }

    pub(super) fn maybe_fail() -> Result<()> {
        FAIL_IN.with(|c| match c.get() {
            0 => Ok(()),
            1 => {
                c.set(0);
                Err(Error::new(
                    WinError::ERROR_NOT_ENOUGH_MEMORY,
                    "injected allocation failure",
                ))
            }
            n => {
                c.set(n - 1);
                Ok(())
            }
        })
    }

    /// Buffers allocated minus buffers freed by this thread so far.
    pub(crate) fn live_here() -> isize {
        LIVE.with(Cell::get)
    }

    /// Makes this thread's `n`-th next allocation (1 = the next one) fail with
    /// `ERROR_NOT_ENOUGH_MEMORY`; 0 cancels.
    pub(crate) fn fail_allocation(n: usize) {
        FAIL_IN.with(|c| c.set(n));
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
    fn a_dropped_owned_buffer_is_freed_and_a_released_one_is_the_callers() {
        let before = hooks::live_here();
        let dropped = Owned::new(16).unwrap();
        let p = dropped.as_ptr();
        assert_eq!(live_size(p), Some(16));
        assert_eq!(hooks::live_here(), before + 1);
        drop(dropped);
        assert_eq!(hooks::live_here(), before);

        let kept = Owned::copy(&[7; 4], 28).unwrap().release();
        assert_eq!(live_size(kept), Some(28));
        assert_eq!(hooks::live_here(), before + 1);
        free(kept).unwrap();
        assert_eq!(hooks::live_here(), before);
    }

    #[test]
    fn a_failure_after_an_allocation_frees_it() {
        fn two_buffers_then(fail: bool) -> Result<(*mut u8, *mut u8)> {
            let a = Owned::value(crate::types::MPR_FILTER_0 { fEnable: 1 })?;
            let b = Owned::slice(&[1u16, 2, 0])?;
            if fail {
                return Err(Error::invalid_parameter("a later check fails"));
            }
            Ok((a.release(), b.release()))
        }
        let before = hooks::live_here();
        assert!(two_buffers_then(true).is_err());
        assert_eq!(hooks::live_here(), before, "a buffer leaked");
        let (a, b) = two_buffers_then(false).unwrap();
        assert_eq!((live_size(a), live_size(b)), (Some(4), Some(6)));
        free(a).unwrap();
        free(b).unwrap();
        assert_eq!(hooks::live_here(), before);
    }

    #[test]
    fn a_panic_after_an_allocation_frees_it() {
        let before = hooks::live_here();
        let r = std::panic::catch_unwind(|| {
            let _b = Owned::new(8).unwrap();
            panic!("bug");
        });
        assert!(r.is_err());
        assert_eq!(hooks::live_here(), before, "a buffer leaked");
    }

    #[test]
    fn an_injected_allocation_failure_hits_the_chosen_allocation() {
        let before = hooks::live_here();
        hooks::fail_allocation(2);
        let first = Owned::new(4).unwrap();
        assert_eq!(
            Owned::new(4).unwrap_err().code,
            WinError::ERROR_NOT_ENOUGH_MEMORY
        );
        let third = Owned::new(4).unwrap();
        drop((first, third));
        assert_eq!(hooks::live_here(), before);
    }
}
