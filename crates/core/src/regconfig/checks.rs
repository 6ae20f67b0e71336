//! Argument checks that run before any transaction, so a bad argument is refused with a
//! message naming what is wrong and the store is never opened for writing.

use crate::info;
use crate::layout::PortPool;
use crate::model::limits::{MAX_INTERFACE_NAME_LEN, MAX_TRANSPORT_NAME_LEN};
use crate::model::*;
use crate::{Result, WinError, bail};

pub(super) fn check_interface_name(name: &str) -> Result<()> {
    let units = name.encode_utf16().count();
    if units == 0 {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "the interface name is empty"
        );
    }
    if units > MAX_INTERFACE_NAME_LEN {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "the interface name has {units} characters, more than {MAX_INTERFACE_NAME_LEN}"
        );
    }
    if name.contains('\0') {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "the interface name contains a NUL character"
        );
    }
    Ok(())
}

/// A transport name as stored: registry key names and `WCHAR[41]` fields hold 1..=40
/// characters, so longer names are truncated to 40 (spec Q18; a surrogate pair is never split).
/// Empty names and names with NUL, `\` (a key-path separator) or a line break (which would
/// end a line of the `.reg` backup and let the name inject keys or values) are refused.
pub(super) fn transport_key_name(name: &str) -> Result<String> {
    if name.is_empty() || name.contains(['\0', '\\', '\r', '\n']) {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "transport name {name:?} is empty or contains NUL, a backslash or a line break"
        );
    }
    let mut units = 0;
    Ok(name
        .chars()
        .take_while(|c| {
            units += c.len_utf16();
            units <= MAX_TRANSPORT_NAME_LEN
        })
        .collect())
}

pub(super) fn check_blob(blob: Option<&[u8]>, what: &str) -> Result<()> {
    match blob {
        Some(b) => info::validate(b).map(|_| ()).map_err(|e| e.context(what)),
        None => Ok(()),
    }
}

pub(super) fn check_interface_type(t: InterfaceType) -> Result<()> {
    if !(0..=7).contains(&t.0) {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "interface type {} is not a ROUTER_INTERFACE_TYPE",
            t.0
        );
    }
    Ok(())
}

/// Minutes since midnight of `HH:MM` (00:00 to 24:00).
fn parse_time(t: &str) -> Option<u32> {
    let b = t.as_bytes();
    if b.len() != 5 || b[2] != b':' || ![0, 1, 3, 4].iter().all(|&i| b[i].is_ascii_digit()) {
        return None;
    }
    let h = u32::from(b[0] - b'0') * 10 + u32::from(b[1] - b'0');
    let m = u32::from(b[3] - b'0') * 10 + u32::from(b[4] - b'0');
    if m > 59 || h > 24 || (h == 24 && m != 0) {
        return None;
    }
    Some(h * 60 + m)
}

/// One dial-out hours entry: `D HH:MM-HH:MM[ HH:MM-HH:MM...]`, D 0-6, start before end.
fn valid_hours_entry(entry: &str) -> bool {
    let mut parts = entry.split(' ');
    let day_ok =
        matches!(parts.next(), Some(d) if d.len() == 1 && (b'0'..=b'6').contains(&d.as_bytes()[0]));
    let mut ranges = 0;
    for range in parts {
        let Some((a, b)) = range.split_once('-') else {
            return false;
        };
        match (parse_time(a), parse_time(b)) {
            (Some(a), Some(b)) if a < b => ranges += 1,
            _ => return false,
        }
    }
    day_ok && ranges > 0
}

pub(super) fn check_dialout_hours(hours: Option<&[String]>) -> Result<()> {
    for entry in hours.unwrap_or_default() {
        if !valid_hours_entry(entry) {
            bail!(
                WinError::ERROR_INVALID_PARAMETER,
                "dial-out hours entry {entry:?} is not \"D HH:MM-HH:MM[ HH:MM-HH:MM...]\" (D 0-6, start before end)"
            );
        }
    }
    Ok(())
}

pub(super) fn check_ports(what: &str, pool: &PortPool, ports: &PortConfig) -> Result<()> {
    if ports.num_ports == 0 || ports.num_ports > pool.max_ports {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "{what} port count {} is outside 1..={}",
            ports.num_ports,
            pool.max_ports
        );
    }
    if ports.port_flags & !pool.allowed_flags != 0 {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "{what} port flags {:#x} have bits other than {:#x}",
            ports.port_flags,
            pool.allowed_flags
        );
    }
    Ok(())
}

pub(super) fn check_dll_path(dll_path: Option<&str>) -> Result<()> {
    if dll_path.is_some_and(|d| d.contains('\0')) {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "the DLL path contains a NUL character"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {

    use super::*;

    use crate::regconfig::RegistryConfig;
    use crate::regconfig::testutil::*;

    use crate::{MemRegistry, RouterConfig};

    #[test]
    fn dialout_hours_format_is_checked() {
        for good in [
            "0 00:00-24:00",
            "6 23:59-24:00",
            "3 01:00-02:00 02:00-03:00",
        ] {
            assert!(valid_hours_entry(good), "{good}");
        }
        for bad in [
            "",
            "7 01:00-02:00",
            "1",
            "1 ",
            "1 02:00-01:00",
            "1 01:00-01:00",
            "1 24:01-24:02",
            "1 1:00-2:00",
            "1  01:00-02:00",
            "1 01:00-02:00 ",
            "1 01:60-02:00",
            "1 01:00–02:00",
            "12 01:00-02:00",
            "a 01:00-02:00",
            "1 01:00-02:00,03:00-04:00",
            "1 25:00-26:00",
        ] {
            assert!(!valid_hours_entry(bad), "{bad:?}");
        }
        let c = RegistryConfig::new(MemRegistry::new());
        let mut info = router("H");
        info.dialout_hours = Some(vec!["8 01:00-02:00".into()]);
        assert_eq!(
            c.interface_create(&info).unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER
        );
    }

    #[test]
    fn interface_names_are_checked_in_utf16_units() {
        let c = RegistryConfig::new(MemRegistry::new());
        let max = "é".repeat(256);
        assert!(c.interface_create(&router(&max)).is_ok());
        let over = format!("{}\u{1F600}", "a".repeat(255)); // 255 + a surrogate pair = 257 units
        assert_eq!(
            c.interface_create(&router(&over)).unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER
        );
        let mut t = router("BadType");
        t.if_type = InterfaceType(8);
        assert_eq!(
            c.interface_create(&t).unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER
        );
        assert!(
            c.interface_create(&router(r"back\slash")).is_ok(),
            "names are values, not key names"
        );
    }
}
