//! UTF-16 in and out: the only place that knows `WCHAR`.
//!
//! Input strings are read at most `max + 1` code units far (the documented maximum plus the
//! terminator), so a missing terminator or an over-long string gives `ERROR_INVALID_PARAMETER`
//! instead of a read past the caller's memory. Unpaired surrogates cannot become a `String`
//! and are `ERROR_INVALID_PARAMETER` too.

use mprconfig_core::{Error, Result};

/// Reads a NUL-terminated UTF-16 string of at most `max` characters (code units).
///
/// # Safety
/// `p` must be non-NULL and readable up to its terminator or `max + 1` units, whichever is first.
pub unsafe fn read(p: *const u16, max: usize, what: &str) -> Result<String> {
    let mut units = Vec::new();
    for i in 0..=max {
        // SAFETY: the caller guarantees readability up to the terminator or max + 1 units.
        let u = unsafe { p.add(i).read_unaligned() };
        if u == 0 {
            return String::from_utf16(&units).map_err(|_| {
                Error::invalid_parameter(format!("{what} is not valid UTF-16 (unpaired surrogate)"))
            });
        }
        units.push(u);
    }
    Err(Error::invalid_parameter(format!(
        "{what} is longer than {max} characters (or not NUL-terminated)"
    )))
}

/// [`read`] for an optional parameter: NULL gives `None`.
///
/// # Safety
/// As [`read`] when `p` is non-NULL.
pub unsafe fn read_opt(p: *const u16, max: usize, what: &str) -> Result<Option<String>> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded contract.
    unsafe { read(p, max, what) }.map(Some)
}

/// Reads a string from a fixed `WCHAR[N]` array: the terminator must be inside the array.
pub fn read_fixed(arr: &[u16], what: &str) -> Result<String> {
    let Some(end) = arr.iter().position(|&u| u == 0) else {
        return Err(Error::invalid_parameter(format!(
            "{what} is not NUL-terminated within its {} characters",
            arr.len()
        )));
    };
    String::from_utf16(&arr[..end]).map_err(|_| {
        Error::invalid_parameter(format!("{what} is not valid UTF-16 (unpaired surrogate)"))
    })
}

/// Reads a multi-string (strings each NUL-terminated, then an extra NUL) of at most `max`
/// code units in all, terminators included.
///
/// # Safety
/// `p` must be non-NULL and readable up to the final double NUL or `max` units.
pub unsafe fn read_multi(p: *const u16, max: usize, what: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    for i in 0..max {
        // SAFETY: readable up to the double NUL or `max` units (caller contract).
        let u = unsafe { p.add(i).read_unaligned() };
        if u != 0 {
            cur.push(u);
            continue;
        }
        if cur.is_empty() {
            return Ok(out);
        }
        out.push(String::from_utf16(&cur).map_err(|_| {
            Error::invalid_parameter(format!("{what} is not valid UTF-16 (unpaired surrogate)"))
        })?);
        cur.clear();
    }
    Err(Error::invalid_parameter(format!(
        "{what} is longer than {max} characters (or lacks its final NUL)"
    )))
}

/// The UTF-16 units of `s`, without terminator.
pub fn encode(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

/// The UTF-16 units of `s` and its NUL terminator (an `LPWSTR`'s contents).
pub fn encode_z(s: &str) -> Vec<u16> {
    s.encode_utf16().chain([0]).collect()
}

/// Units of a multi-string: each string then NUL, then a final NUL (an empty list is `[0, 0]`,
/// which readers take as "no strings").
pub fn encode_multi(strings: &[String]) -> Vec<u16> {
    let mut v = Vec::new();
    for s in strings {
        v.extend(s.encode_utf16());
        v.push(0);
    }
    if strings.is_empty() {
        v.push(0);
    }
    v.push(0);
    v
}

/// Writes `s` into a fixed `WCHAR[N]` array: truncated to `N - 1` units without splitting a
/// surrogate pair, NUL-terminated, rest zero.
pub fn write_fixed(dst: &mut [u16], s: &str) {
    dst.fill(0);
    let cap = dst.len().saturating_sub(1);
    let mut n = 0;
    for c in s.chars() {
        let mut buf = [0u16; 2];
        let units = c.encode_utf16(&mut buf);
        if n + units.len() > cap {
            break;
        }
        dst[n..n + units.len()].copy_from_slice(units);
        n += units.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mprconfig_core::WinError;

    fn z(s: &str) -> Vec<u16> {
        let mut v = encode(s);
        v.push(0);
        v
    }

    #[test]
    fn reads_stop_at_the_terminator() {
        let v = z("eth0");
        assert_eq!(unsafe { read(v.as_ptr(), 10, "name") }.unwrap(), "eth0");
        assert_eq!(unsafe { read(v.as_ptr(), 4, "name") }.unwrap(), "eth0");
    }

    #[test]
    fn a_string_longer_than_the_maximum_is_invalid_parameter_without_reading_past_it() {
        // Exactly max + 1 units are readable and none is the terminator.
        let v = encode("abcde");
        let e = unsafe { read(v.as_ptr(), 4, "name") }.unwrap_err();
        assert_eq!(e.code, WinError::ERROR_INVALID_PARAMETER);
    }

    #[test]
    fn unpaired_surrogates_are_invalid_parameter() {
        let v = [0xD800u16, 0x41, 0];
        assert_eq!(
            unsafe { read(v.as_ptr(), 8, "n") }.unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER
        );
        assert_eq!(
            read_fixed(&v, "n").unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER
        );
    }

    #[test]
    fn fixed_arrays_need_their_terminator_inside() {
        assert_eq!(
            read_fixed(&[0x41, 0x42], "n").unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER
        );
        assert_eq!(read_fixed(&[0x41, 0, 0x42], "n").unwrap(), "A");
    }

    #[test]
    fn write_fixed_truncates_without_splitting_surrogate_pairs() {
        let mut d = [0xFFFFu16; 4];
        write_fixed(&mut d, "ab\u{1F600}");
        assert_eq!(d, [0x61, 0x62, 0, 0]);
        write_fixed(&mut d, "a");
        assert_eq!(d, [0x61, 0, 0, 0]);
    }

    #[test]
    fn multi_strings_round_trip() {
        let v = vec!["2 09:00-12:00".to_string(), "4 13:00-17:30".to_string()];
        let units = encode_multi(&v);
        assert_eq!(
            unsafe { read_multi(units.as_ptr(), units.len(), "h") }.unwrap(),
            v
        );
        let empty = encode_multi(&[]);
        assert_eq!(
            unsafe { read_multi(empty.as_ptr(), 2, "h") }.unwrap(),
            Vec::<String>::new()
        );
    }

    #[test]
    fn unterminated_multi_strings_are_invalid_parameter() {
        let units = [0x41u16, 0, 0x42, 0];
        assert_eq!(
            unsafe { read_multi(units.as_ptr(), 4, "h") }
                .unwrap_err()
                .code,
            WinError::ERROR_INVALID_PARAMETER
        );
    }
}
