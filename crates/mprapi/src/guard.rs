//! The panic guard and argument checks every export starts with (DESIGN §6.1-6.2).

use std::panic::{AssertUnwindSafe, catch_unwind};

use mprconfig_core::{Error, Result, WinError};

/// Runs an export body: its `Err` becomes the Win32 code, a panic becomes
/// `ERROR_INTERNAL_ERROR` (1359) and is reported on stderr (a panic here is a bug in the library,
/// never the caller's fault, and unwinding into C would be undefined behaviour).
pub fn guard(function: &str, body: impl FnOnce() -> Result<()>) -> u32 {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => WinError::NO_ERROR.code(),
        Ok(Err(e)) => e.code.code(),
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            eprintln!("libmprapi: internal error in {function}: {what}");
            WinError::ERROR_INTERNAL_ERROR.code()
        }
    }
}

/// `ERROR_INVALID_PARAMETER` naming the parameter, when a required pointer/handle is NULL.
pub fn not_null<T: ?Sized>(p: *const T, name: &str) -> Result<()> {
    if p.is_null() {
        Err(Error::invalid_parameter(format!("{name} is NULL")))
    } else {
        Ok(())
    }
}

/// Writes an out-parameter (a pointer the caller passed, already checked non-NULL).
///
/// # Safety
/// `p` must be non-NULL and writable for one `T` (alignment is not required).
pub unsafe fn put<T>(p: *mut T, v: T) {
    // SAFETY: caller contract; unaligned write because C callers may pack their variables.
    unsafe { p.write_unaligned(v) }
}

/// Sets a pointer out-parameter to NULL on failure when the caller gave one (Windows callers
/// test it before freeing).
///
/// # Safety
/// `p` must be NULL or writable for one pointer.
pub unsafe fn clear<T>(p: *mut *mut T) {
    if !p.is_null() {
        // SAFETY: caller contract.
        unsafe { p.write_unaligned(std::ptr::null_mut()) }
    }
}

/// Finishes an export that returns a pointer or handle through `p`: the new value on success,
/// NULL on failure (Windows callers test it before using or freeing it); passes the result on.
///
/// # Safety
/// `p` must be NULL or writable for one pointer; on success it must be non-NULL.
pub unsafe fn put_or_null<T>(p: *mut *mut T, r: Result<*mut T>) -> Result<()> {
    match r {
        Ok(v) => {
            // SAFETY: caller contract (checked non-NULL before the value was produced).
            unsafe { put(p, v) };
            Ok(())
        }
        Err(e) => {
            // SAFETY: caller contract.
            unsafe { clear(p) };
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_become_their_code() {
        assert_eq!(
            guard("t", || Err(Error::from(WinError::ERROR_NO_SUCH_INTERFACE))),
            905
        );
        assert_eq!(guard("t", || Ok(())), 0);
    }

    #[test]
    fn a_panic_becomes_internal_error() {
        assert_eq!(guard("t", || panic!("boom")), 1359);
    }

    #[test]
    fn pointer_out_parameters_get_the_value_or_null() {
        let mut v = 7u8;
        let mut out: *mut u8 = std::ptr::null_mut();
        // SAFETY: `out` is a live local.
        assert!(unsafe { put_or_null(&mut out, Ok(&mut v as *mut u8)) }.is_ok());
        assert_eq!(out, &mut v as *mut u8);
        let err = Err(Error::from(WinError::ERROR_NO_SUCH_INTERFACE));
        // SAFETY: as above; NULL is allowed on failure.
        let r = unsafe { put_or_null(&mut out, err) };
        assert_eq!(r.unwrap_err().code, WinError::ERROR_NO_SUCH_INTERFACE);
        assert!(out.is_null());
        let err = Err(Error::from(WinError::ERROR_INVALID_PARAMETER));
        // SAFETY: NULL is allowed on failure.
        assert!(unsafe { put_or_null(std::ptr::null_mut::<*mut u8>(), err) }.is_err());
    }

    #[test]
    fn null_pointers_are_invalid_parameter() {
        assert_eq!(
            not_null(std::ptr::null::<u8>(), "p").unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER
        );
        assert!(not_null(&1u8 as *const u8, "p").is_ok());
    }
}
