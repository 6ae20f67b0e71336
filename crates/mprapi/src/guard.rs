//! The panic guard and argument checks every export starts with (DESIGN §6.1-6.2); the
//! out-parameters are written by `out.rs`.

use std::panic::{AssertUnwindSafe, catch_unwind};

use mprconfig_core::{Error, Result, WinError};

/// Runs an export body (after `crate::fork::check`, so that a forked child never uses what
/// its parent's handles designated): its `Err` becomes the Win32 code, a panic becomes
/// `ERROR_INTERNAL_ERROR` (1359) and is reported on stderr (a panic here is a bug in the library,
/// never the caller's fault, and unwinding into C would be undefined behaviour).
pub fn guard(function: &str, body: impl FnOnce() -> Result<()>) -> u32 {
    match catch_unwind(AssertUnwindSafe(|| {
        crate::fork::check();
        body()
    })) {
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

/// `ERROR_INVALID_PARAMETER` unless `dwLevel` is at most `max` (levels start at 0).
pub fn check_level(level: u32, max: u32) -> Result<()> {
    if level <= max {
        return Ok(());
    }
    let allowed = if max == 0 {
        "0".to_string()
    } else {
        format!("0-{max}")
    };
    Err(Error::invalid_parameter(format!(
        "dwLevel must be {allowed}, not {level}"
    )))
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
    fn levels_above_the_maximum_are_invalid_parameter() {
        assert!(check_level(0, 0).is_ok());
        assert!(check_level(3, 3).is_ok());
        let e = check_level(1, 0).unwrap_err();
        assert_eq!(e.code, WinError::ERROR_INVALID_PARAMETER);
        assert!(e.to_string().contains("dwLevel must be 0, not 1"), "{e}");
        let e = check_level(4, 3).unwrap_err();
        assert!(e.to_string().contains("dwLevel must be 0-3, not 4"), "{e}");
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
