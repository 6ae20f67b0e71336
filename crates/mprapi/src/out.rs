//! Out-parameters, written in one place: an export names its out-parameters, its body computes
//! their values, and [`run`] (or [`write`]) writes them all on success, or leaves them in the
//! failure state Windows callers expect — pointers NULL, everything else untouched — on an
//! error or a panic (DESIGN §6.2, docs/c-api.md "Out-parameters").
//!
//! A buffer the body allocates travels as an [`Owned`] in the value, so any failure before the
//! writes frees it and only the writes hand it to the caller. Every out type skips a NULL
//! pointer, so optional outputs need no special case (required ones are checked by the body
//! with `not_null`, in the order the export documents). The one unsafe step is naming the
//! out-parameters (`unsafe { Ptr::new(p) }`: the C caller's promise that `p` is NULL or
//! writable); the body is ordinary code, with its own `unsafe` blocks where it reads caller
//! memory.
//!
//! ```text
//! // SAFETY: `phRouterTransport` NULL or writable (caller contract).
//! let out = unsafe { Ptr::new(phRouterTransport) };
//! out::run("MprConfigTransportGetHandle", out, || {
//!     not_null(phRouterTransport, "phRouterTransport")?;
//!     let id = handles::config(hMprConfig, "hMprConfig")?.transport_get_handle(dwTransportId)?;
//!     handles::child_handle(hMprConfig, Child::Transport(id))
//! })
//! ```

use mprconfig_core::Result;

use crate::alloc::Owned;
use crate::attached::Attached;
use crate::guard::guard;

/// One out-parameter of an export, or a tuple of them (up to 5). Implementations write only
/// through pointers their unsafe constructor was given.
pub trait Out: Copy {
    /// What the export's body produces for it.
    type Value;

    /// Success: hands `v` to the caller (nothing is written through a NULL pointer; a buffer
    /// nobody asked for is freed).
    fn set(self, v: Self::Value);

    /// Failure: pointer outputs become NULL, the others stay as they were.
    fn reset(self);
}

/// A `T **` receiving a value we do not allocate (a handle): the value on success, NULL on
/// failure.
pub struct Ptr<T>(*mut *mut T);

/// A `T **` receiving one of our buffers: the buffer on success (NULL for `None`, "nothing
/// stored"), NULL on failure.
pub struct Buf<T>(*mut *mut T);

/// A `T **` and its `DWORD *` size (`ppInfo`, `lpdwInfoSize`): the buffer and its size on
/// success (NULL and 0 for `None`), both untouched when the buffer pointer is NULL (the caller
/// did not ask); on failure the buffer pointer NULL, the size untouched.
pub struct BufLen<T>(*mut *mut T, *mut u32);

/// A `T *` receiving a plain value (a size, a count, a caller's structure, or a pointer that
/// must stay as it was on failure): written on success only.
pub struct Val<T>(*mut T);

/// A caller's structure receiving a value whose pointers lead into buffers of ours
/// (`MprConfigServerGetInfoEx`): the structure is written and the buffers handed over on
/// success; on failure the structure is untouched and the buffers are freed.
pub struct Filled<T>(*mut T);

impl<T> Ptr<T> {
    /// Names a pointer out-parameter.
    ///
    /// # Safety
    /// `p` NULL or writable for one pointer while this value is used.
    pub unsafe fn new(p: *mut *mut T) -> Self {
        Ptr(p)
    }
}

impl<T> Buf<T> {
    /// Names a buffer out-parameter.
    ///
    /// # Safety
    /// `p` NULL or writable for one pointer while this value is used.
    pub unsafe fn new(p: *mut *mut T) -> Self {
        Buf(p)
    }
}

impl<T> BufLen<T> {
    /// Names a buffer out-parameter and its size.
    ///
    /// # Safety
    /// `p` NULL or writable for one pointer, `len` NULL or writable for a `u32`, while this
    /// value is used.
    pub unsafe fn new(p: *mut *mut T, len: *mut u32) -> Self {
        BufLen(p, len)
    }
}

impl<T> Val<T> {
    /// Names a value out-parameter.
    ///
    /// # Safety
    /// `p` NULL or writable for one `T` (alignment not required) while this value is used.
    pub unsafe fn new(p: *mut T) -> Self {
        Val(p)
    }
}

impl<T> Filled<T> {
    /// Names a caller's structure to fill.
    ///
    /// # Safety
    /// `p` NULL or writable for one `T` (alignment not required) while this value is used.
    pub unsafe fn new(p: *mut T) -> Self {
        Filled(p)
    }
}

macro_rules! copy_pointer_wrappers {
    ($($t:ident),*) => {$(
        // Not derived: derive would require `T: Copy`, but only the pointers are copied.
        impl<T> Clone for $t<T> {
            fn clone(&self) -> Self {
                *self
            }
        }
        impl<T> Copy for $t<T> {}
    )*};
}
copy_pointer_wrappers!(Ptr, Buf, BufLen, Val, Filled);

/// Writes `v` through `p` unless `p` is NULL (unaligned: C callers may pack their variables).
///
/// # Safety
/// `p` NULL or writable for one `T`.
unsafe fn put<T>(p: *mut T, v: T) {
    if !p.is_null() {
        // SAFETY: caller contract.
        unsafe { p.write_unaligned(v) }
    }
}

impl<T> Out for Ptr<T> {
    type Value = *mut T;
    fn set(self, v: *mut T) {
        // SAFETY: the constructor's contract.
        unsafe { put(self.0, v) }
    }
    fn reset(self) {
        // SAFETY: the constructor's contract.
        unsafe { put(self.0, std::ptr::null_mut()) }
    }
}

impl<T> Out for Buf<T> {
    type Value = Option<Owned>;
    fn set(self, v: Option<Owned>) {
        if self.0.is_null() {
            return; // `v`, if any, is freed here
        }
        let p = v.map_or(std::ptr::null_mut(), |b| b.release() as *mut T);
        // SAFETY: the constructor's contract.
        unsafe { put(self.0, p) }
    }
    fn reset(self) {
        // SAFETY: the constructor's contract.
        unsafe { put(self.0, std::ptr::null_mut()) }
    }
}

impl<T> Out for BufLen<T> {
    type Value = Option<(Owned, u32)>;
    fn set(self, v: Option<(Owned, u32)>) {
        if self.0.is_null() {
            return; // `v`, if any, is freed here
        }
        let (p, n) = v.map_or((std::ptr::null_mut(), 0), |(b, n)| {
            (b.release() as *mut T, n)
        });
        // SAFETY: the constructor's contract.
        unsafe {
            put(self.0, p);
            put(self.1, n);
        }
    }
    fn reset(self) {
        // SAFETY: the constructor's contract.
        unsafe { put(self.0, std::ptr::null_mut()) }
    }
}

impl<T> Out for Val<T> {
    type Value = T;
    fn set(self, v: T) {
        // SAFETY: the constructor's contract.
        unsafe { put(self.0, v) }
    }
    fn reset(self) {}
}

impl<T> Out for Filled<T> {
    type Value = (T, Attached);
    fn set(self, (v, attached): (T, Attached)) {
        if self.0.is_null() {
            return; // the attached buffers are freed here
        }
        // SAFETY: the constructor's contract.
        unsafe { put(self.0, v) };
        attached.release();
    }
    fn reset(self) {}
}

macro_rules! tuple_out {
    ($($name:ident . $i:tt),+) => {
        impl<$($name: Out),+> Out for ($($name,)+) {
            type Value = ($($name::Value,)+);
            fn set(self, v: Self::Value) {
                $(self.$i.set(v.$i);)+
            }
            fn reset(self) {
                $(self.$i.reset();)+
            }
        }
    };
}
tuple_out!(A.0);
tuple_out!(A.0, B.1);
tuple_out!(A.0, B.1, C.2);
tuple_out!(A.0, B.1, C.2, D.3);
tuple_out!(A.0, B.1, C.2, D.3, E.4);

/// Resets the out-parameters when dropped, unless forgotten: covers an error return and a
/// panic in the body alike.
struct ResetOnDrop<O: Out>(O);

impl<O: Out> Drop for ResetOnDrop<O> {
    fn drop(&mut self) {
        self.0.reset()
    }
}

/// Runs `body`; on success writes every out-parameter of `out` with its value, on an error or a
/// panic resets them (see [`Out::reset`]). Returns the body's result.
pub fn write<O: Out>(out: O, body: impl FnOnce() -> Result<O::Value>) -> Result<()> {
    let pending = ResetOnDrop(out);
    let v = body()?;
    std::mem::forget(pending);
    out.set(v);
    Ok(())
}

/// An export with out-parameters: [`write`] inside the panic [`guard`]; returns the Win32 code.
pub fn run<O: Out>(function: &str, out: O, body: impl FnOnce() -> Result<O::Value>) -> u32 {
    guard(function, || write(out, body))
}

#[cfg(test)]
mod tests {
    use std::ptr::null_mut;

    use mprconfig_core::{Error, WinError};

    use super::*;
    use crate::alloc::{self, hooks};

    fn fails<T>() -> Result<T> {
        Err(Error::from(WinError::ERROR_NO_SUCH_INTERFACE))
    }

    /// A pointer value that is not NULL (never dereferenced).
    fn stale<T>() -> *mut T {
        std::ptr::dangling_mut()
    }

    #[test]
    fn a_pointer_out_gets_the_value_on_success_and_null_on_failure() {
        let mut v = 7u8;
        let mut out: *mut u8 = null_mut();
        // SAFETY (each `new`): live locals or NULL.
        let p = unsafe { Ptr::new(&mut out) };
        assert_eq!(run("t", p, || Ok(&mut v as *mut u8)), 0);
        assert_eq!(out, &mut v as *mut u8);
        assert_eq!(run("t", p, fails), 905);
        assert!(out.is_null());
        let none = unsafe { Ptr::new(null_mut::<*mut u8>()) };
        assert_eq!(run("t", none, fails), 905);
    }

    #[test]
    fn a_panicking_body_leaves_pointers_null_and_values_untouched() {
        let (mut p, mut n) = (stale::<u8>(), 5u32);
        // SAFETY: live locals.
        let out = unsafe { (Ptr::new(&mut p), Val::new(&mut n)) };
        assert_eq!(run("t", out, || -> Result<_> { panic!("bug") }), 1359);
        assert!(p.is_null());
        assert_eq!(n, 5);
    }

    #[test]
    fn values_are_written_only_on_success() {
        let mut n = 5u32;
        // SAFETY: a live local.
        let out = unsafe { Val::new(&mut n) };
        assert!(write(out, fails).is_err());
        assert_eq!(n, 5);
        assert!(write(out, || Ok(9)).is_ok());
        assert_eq!(n, 9);
    }

    #[test]
    fn a_failure_after_an_allocation_frees_it_and_clears_every_output() {
        let before = hooks::live_here();
        let (mut a, mut b, mut len) = (stale::<u8>(), stale::<u16>(), 3u32);
        // SAFETY: live locals.
        let out = unsafe { (Buf::new(&mut a), BufLen::new(&mut b, &mut len)) };
        let r = write(out, || {
            let first = Owned::new(16)?;
            let second = Owned::new(32)?;
            assert_eq!(hooks::live_here(), before + 2);
            fails::<()>()?; // a later step fails
            Ok((Some(first), Some((second, 32))))
        });
        assert_eq!(r.unwrap_err().code, WinError::ERROR_NO_SUCH_INTERFACE);
        assert_eq!(hooks::live_here(), before, "a buffer leaked");
        assert!(a.is_null() && b.is_null());
        assert_eq!(len, 3, "sizes are written only on success");
    }

    #[test]
    fn buffers_are_handed_over_on_success_and_none_is_null_and_size_0() {
        let before = hooks::live_here();
        let (mut a, mut b, mut len) = (null_mut::<u8>(), null_mut::<u16>(), 0u32);
        let (mut none, mut none_len) = (stale::<u8>(), 9u32);
        // SAFETY: live locals.
        let out = unsafe {
            (
                Buf::new(&mut a),
                BufLen::new(&mut b, &mut len),
                BufLen::new(&mut none, &mut none_len),
            )
        };
        let r = write(out, || {
            Ok((
                Some(Owned::copy(b"abc", 0)?),
                Some((Owned::slice(&[1u16, 0])?, 4)),
                None,
            ))
        });
        assert!(r.is_ok());
        assert_eq!(alloc::live_size(a), Some(3));
        assert_eq!((alloc::live_size(b as *const u8), len), (Some(4), 4));
        assert_eq!((none, none_len), (null_mut(), 0));
        alloc::free(a).unwrap();
        alloc::free(b as *const u8).unwrap();
        assert_eq!(hooks::live_here(), before);
    }

    #[test]
    fn a_buffer_for_an_output_the_caller_did_not_ask_for_is_freed() {
        let before = hooks::live_here();
        let (mut n, mut len) = (0u32, 7u32);
        // SAFETY: live locals or NULL.
        let out = unsafe {
            (
                Buf::new(null_mut::<*mut u8>()),
                BufLen::new(null_mut::<*mut u8>(), &mut len),
                Filled::new(null_mut::<u32>()),
                Val::new(&mut n),
            )
        };
        let r = write(out, || {
            let mut attached = Attached::default();
            attached.bytes(b"xyz")?;
            Ok((
                Some(Owned::new(8)?),
                Some((Owned::new(8)?, 8)),
                (1, attached),
                2,
            ))
        });
        assert!(r.is_ok());
        assert_eq!(hooks::live_here(), before, "a buffer leaked");
        assert_eq!((n, len), (2, 7), "the size of an unrequested buffer stays");
    }

    #[test]
    fn a_filled_structure_keeps_its_attached_buffers_only_on_success() {
        let before = hooks::live_here();
        let mut s: *mut u8 = null_mut();
        // SAFETY: a live local.
        let out = unsafe { Filled::new(&mut s) };
        let r = write(out, || {
            let mut attached = Attached::default();
            let p = attached.bytes(b"cert")?;
            Ok((p, attached))
        });
        assert!(r.is_ok());
        assert_eq!(alloc::live_size(s), Some(4));
        alloc::free(s).unwrap();

        let mut untouched = stale::<u8>();
        // SAFETY: a live local.
        let out = unsafe { Filled::new(&mut untouched) };
        let r = write(out, || {
            let mut attached = Attached::default();
            attached.bytes(b"cert")?;
            attached.bytes(b"hash")?;
            fails::<(*mut u8, Attached)>()
        });
        assert!(r.is_err());
        assert_eq!(untouched, stale());
        assert_eq!(hooks::live_here(), before, "a buffer leaked");
    }
}
