//! Friendly names (`MprConfigGetFriendlyName` / `MprConfigGetGuidName`): the connection names
//! of the network class, and spec Q23 (a demand-dial interface name is its own friendly name).

use super::RegistryConfig;
use super::values::{is_not_found, string, values_or_none};
use crate::layout as l;
use crate::registry::names_equal;
use crate::{Registry, Result, WinError, bail};

pub(super) fn friendly_name<R: Registry>(c: &RegistryConfig<R>, guid_name: &str) -> Result<String> {
    c.read(|tx| {
        if is_key_name(guid_name) {
            let path = format!(r"{}\{guid_name}\{}", l::NETWORK_CLASS, l::CONNECTION);
            if let Some(name) = values_or_none(tx, &path)?.and_then(|v| string(&v, l::NAME)) {
                return Ok(name);
            }
        }
        // Q23: a demand-dial (non-GUID) interface name is its own friendly name.
        if !l::is_guid_name(guid_name) && c.lookup_interface(tx, guid_name)?.is_some() {
            return Ok(guid_name.to_owned());
        }
        bail!(
            WinError::ERROR_NOT_FOUND,
            "no friendly name is known for {guid_name:?}"
        )
    })
}

pub(super) fn guid_name<R: Registry>(c: &RegistryConfig<R>, friendly_name: &str) -> Result<String> {
    c.read(|tx| {
        let guids = match tx.subkeys(l::NETWORK_CLASS) {
            Ok(g) => g,
            Err(e) if is_not_found(&e) => Vec::new(),
            Err(e) => return Err(e),
        };
        for guid in guids {
            let path = format!(r"{}\{guid}\{}", l::NETWORK_CLASS, l::CONNECTION);
            let name = values_or_none(tx, &path)?.and_then(|v| string(&v, l::NAME));
            if name.is_some_and(|n| names_equal(&n, friendly_name)) {
                return Ok(guid);
            }
        }
        if !l::is_guid_name(friendly_name) && c.lookup_interface(tx, friendly_name)?.is_some() {
            return Ok(friendly_name.to_owned());
        }
        bail!(
            WinError::ERROR_NOT_FOUND,
            "no GUID name is known for {friendly_name:?}"
        )
    })
}

/// A string usable as one registry key name (so caller text can never address another key).
fn is_key_name(s: &str) -> bool {
    !s.is_empty() && !s.contains('\\') && !s.contains('\0') && s.chars().count() <= 255
}

#[cfg(test)]
mod tests {

    use crate::layout as l;

    use crate::regconfig::testutil::*;

    use crate::{RouterConfig, WinError};

    #[test]
    fn friendly_names_follow_the_network_class_and_q23() {
        let (_, c) = installed();
        let eth0 = l::link_guid("unit-test", "eth0");
        assert_eq!(c.get_friendly_name(&eth0).unwrap(), "eth0");
        assert_eq!(
            c.get_friendly_name(&eth0.to_ascii_lowercase()).unwrap(),
            "eth0"
        );
        assert_eq!(c.get_guid_name("ETH0").unwrap(), eth0);
        assert_eq!(
            c.get_friendly_name(&l::link_guid("unit-test", "lo"))
                .unwrap(),
            "lo"
        );
        c.interface_create(&router("DemandDial")).unwrap();
        assert_eq!(c.get_friendly_name("demanddial").unwrap(), "demanddial");
        assert_eq!(c.get_guid_name("DemandDial").unwrap(), "DemandDial");
        for unknown in [
            "",
            "nobody",
            r"..\..",
            &format!(r"{eth0}\Connection"),
            &l::link_guid("unit-test", "eth9"),
        ] {
            assert_eq!(
                c.get_friendly_name(unknown).unwrap_err().code,
                WinError::ERROR_NOT_FOUND,
                "{unknown:?}"
            );
        }
        assert_eq!(
            c.get_guid_name("nobody").unwrap_err().code,
            WinError::ERROR_NOT_FOUND
        );
    }
}
