//! Friendly names (`MprConfigGetFriendlyName` / `MprConfigGetGuidName`): the connection names
//! of the network class, and spec Q23 (a demand-dial interface name is its own friendly name).
//!
//! A GUID name is accepted in the two forms Windows programs pass (docs/design.md §5, "GUID
//! name forms"): `{GUID}` as the registry and `IP_ADAPTER_INDEX_MAP.Name` (Vista and later)
//! spell it, and `\DEVICE\TCPIP_{GUID}` as `GetInterfaceInfo`, `GetAdapterIndex` and
//! `MIB_IFROW.wszName` spell it. Anything else is not a GUID name but may still be a configured
//! interface name (Q23), so it is never an argument error: it is found, or it is 1168.

use super::RegistryConfig;
use super::values::{is_not_found, string, values_or_none};
use crate::layout as l;
use crate::registry::names_equal;
use crate::{Registry, Result, WinError, bail};

/// The device prefix iphlpapi puts before an adapter's `{GUID}` (`\DEVICE\TCPIP_{…}`),
/// compared ASCII-case-insensitively, as Windows object names are.
const TCPIP_DEVICE_PREFIX: &str = r"\DEVICE\TCPIP_";

/// The `{GUID}` a GUID name denotes: the name itself when it is one, or what follows one
/// `\DEVICE\TCPIP_` prefix (any ASCII case) when that is exactly one. Nothing is trimmed or
/// repaired: spaces, a missing brace, a second prefix or trailing text make it no GUID name.
fn guid_of(name: &str) -> Option<&str> {
    let rest = match name.get(..TCPIP_DEVICE_PREFIX.len()) {
        Some(prefix) if prefix.eq_ignore_ascii_case(TCPIP_DEVICE_PREFIX) => {
            &name[TCPIP_DEVICE_PREFIX.len()..]
        }
        _ => name,
    };
    l::is_guid_name(rest).then_some(rest)
}

pub(super) fn friendly_name<R: Registry>(c: &RegistryConfig<R>, guid_name: &str) -> Result<String> {
    c.read(|tx| {
        // Only a well-formed GUID addresses a key of the network class, so caller text can
        // never reach another key (`..`, `\`) or a non-connection subkey such as `Descriptions`.
        if let Some(guid) = guid_of(guid_name) {
            let path = format!(r"{}\{guid}\{}", l::NETWORK_CLASS, l::CONNECTION);
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
        // The answer is always a `{GUID}` (the mirror of `friendly_name`): other subkeys of
        // the class are not connections.
        for guid in guids.into_iter().filter(|g| l::is_guid_name(g)) {
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

#[cfg(test)]
mod tests {

    use super::guid_of;
    use crate::layout as l;

    use crate::regconfig::testutil::*;

    use crate::{RegValue, Result, RouterConfig, WinError};

    /// Asserts that a name lookup failed with `ERROR_NOT_FOUND` (1168), naming the input.
    #[track_caller]
    fn assert_not_found(result: Result<String>, input: &str) {
        assert_eq!(
            result.map_err(|e| e.code),
            Err(WinError::ERROR_NOT_FOUND),
            "{input:?}"
        );
    }

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

    /// The GUID name of every link in each form programs pass: `{GUID}` in either case and
    /// `\DEVICE\TCPIP_{GUID}` (GetInterfaceInfo) with the prefix in any ASCII case.
    fn guid_forms(guid: &str) -> Vec<String> {
        let lower = guid.to_ascii_lowercase();
        vec![
            guid.to_owned(),
            lower.clone(),
            format!(r"\DEVICE\TCPIP_{guid}"),
            format!(r"\Device\Tcpip_{guid}"),
            format!(r"\device\tcpip_{lower}"),
            format!(r"\dEVICE\tCPIP_{lower}"),
        ]
    }

    #[test]
    fn every_guid_form_maps_to_the_same_friendly_name() {
        let (_, c) = installed();
        for link in links() {
            for form in guid_forms(&link.guid) {
                assert_eq!(c.get_friendly_name(&form).unwrap(), link.name, "{form:?}");
            }
            // The reverse direction answers the registry form only, as stored.
            assert_eq!(c.get_guid_name(&link.name).unwrap(), link.guid);
        }
    }

    #[test]
    fn guid_of_strips_one_tcpip_prefix_and_nothing_else() {
        let g = "{0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9}";
        assert_eq!(guid_of(g), Some(g));
        assert_eq!(guid_of(&format!(r"\DEVICE\TCPIP_{g}")), Some(g));
        assert_eq!(guid_of(&format!(r"\device\Tcpip_{g}")), Some(g));
        assert_eq!(guid_of(r"\DEVICE\TCPIP_"), None);
        assert_eq!(guid_of(""), None);
        // A prefix cut inside a multi-byte character is no prefix (and no panic).
        assert_eq!(guid_of("\\DEVICE\\TCPI\u{e9}{x}"), None);
    }

    /// Text around or inside a GUID name that no Windows API produces: each one is not a GUID
    /// name, names no configured interface, and so is `ERROR_NOT_FOUND` like any unknown name.
    fn garbage_forms(g: &str) -> Vec<String> {
        let bare = &g[1..37];
        let p = r"\DEVICE\TCPIP_";
        let mut v: Vec<String> = vec![
            // spaces and control characters around it
            format!(" {g}"),
            format!("{g} "),
            format!("\t{g}"),
            format!("{p} {g}"),
            format!(" {p}{g}"),
            format!("{p}{g} "),
            // braces missing or doubled
            bare.to_owned(),
            format!("{{{bare}"),
            format!("{bare}}}"),
            format!("{p}{bare}"),
            format!("{{{g}}}"),
            format!("{g}}}"),
            // prefix repeated, alone, cut short or misspelt
            format!("{p}{p}{g}"),
            p.to_owned(),
            format!("{p}{{"),
            format!(r"\DEVICE\TCPIP{g}"),
            format!(r"DEVICE\TCPIP_{g}"),
            format!(r"\\DEVICE\\TCPIP_{g}"),
            format!("/DEVICE/TCPIP_{g}"),
            format!(r"\DEVICE\{g}"),
            format!("TCPIP_{g}"),
            format!(r"\Device\NPF_{g}"),
            format!(r"\\?\{g}"),
            // non-ASCII letters whose Unicode case mapping is an ASCII I
            format!("\\DEV\u{130}CE\\TCPIP_{g}"),
            format!("\\dev\u{131}ce\\tcpip_{g}"),
            // junk after it
            format!("{g}x"),
            format!(r"{g}\Connection"),
            format!("{p}{g}x"),
            format!("{p}{g}{g}"),
            // wrong lengths, misplaced hyphens, non-hex digits
            "{}".to_owned(),
            format!("{{{}}}", &bare[1..]),
            format!("{{0{bare}}}"),
            format!("{{{}-{}{}}}", &bare[..7], &bare[7..8], &bare[9..]),
            format!("{{{}}}", bare.replace('-', "")),
            format!("{{{}-{}}}", &bare[..7], &bare[7..35]),
            format!("{{G{}}}", &bare[1..]),
            format!("{{{}z}}", &bare[..35]),
            format!("{{\u{ff10}{}}}", &bare[1..]),
            format!("{{{}}}", bare.replacen('-', "\u{2010}", 1)),
            // embedded NUL (only the Rust and remote interfaces can pass one)
            format!("{g}\0"),
            format!("\0{g}"),
            format!("{p}\0{g}"),
            format!("{}\0{}", &g[..10], &g[10..]),
        ];
        v.dedup();
        v
    }

    #[test]
    fn garbage_around_guid_names_is_not_found() {
        let (_, c) = installed();
        for link in links() {
            for form in garbage_forms(&link.guid) {
                assert_eq!(guid_of(&form), None, "{form:?}");
                assert_not_found(c.get_friendly_name(&form), &form);
            }
        }
        // GetGuidName takes a friendly name: the GUID forms are not one.
        let eth0 = l::link_guid("unit-test", "eth0");
        for form in guid_forms(&eth0) {
            assert_not_found(c.get_guid_name(&form), &form);
        }
    }

    #[test]
    fn configured_names_that_look_like_guid_names_are_their_own_friendly_names() {
        let (_, c) = installed();
        let eth0 = l::link_guid("unit-test", "eth0");
        let unknown = l::link_guid("unit-test", "eth9");
        // Q23 holds for every name that is not `{GUID}`, however GUID-like.
        for name in [
            format!(" {eth0}"),
            format!(r"\Device\NPF_{eth0}"),
            r"\DEVICE\TCPIP_".to_owned(),
            format!(r"\DEVICE\TCPIP_{unknown}"),
        ] {
            c.interface_create(&router(&name)).unwrap();
            assert_eq!(c.get_friendly_name(&name).unwrap(), name, "{name:?}");
            assert_eq!(c.get_guid_name(&name).unwrap(), name, "{name:?}");
        }
        // The network class answers first: a demand-dial interface spelt like a LAN adapter's
        // device name does not hide the adapter's friendly name.
        let spelt_like_eth0 = format!(r"\DEVICE\TCPIP_{eth0}");
        c.interface_create(&router(&spelt_like_eth0)).unwrap();
        assert_eq!(c.get_friendly_name(&spelt_like_eth0).unwrap(), "eth0");
        // A configured `{GUID}` interface without a connection name has no friendly name.
        c.interface_create(&router(&unknown)).unwrap();
        for form in guid_forms(&unknown)
            .into_iter()
            .filter(|f| f.starts_with('{'))
        {
            assert_not_found(c.get_friendly_name(&form), &form);
        }
    }

    #[test]
    fn only_guid_subkeys_of_the_network_class_are_connections() {
        let (r, c) = installed();
        let odd = "{0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9}";
        raw_write(&*r, |tx| {
            for (key, name) in [
                ("Descriptions", "eth7"),
                ("not-a-guid", "eth6"),
                (odd, "eth8"),
            ] {
                let path = format!(r"{}\{key}\{}", l::NETWORK_CLASS, l::CONNECTION);
                tx.create_key(&path)?;
                tx.set_value(&path, l::NAME, &RegValue::sz(name))?;
            }
            Ok(())
        });
        for name in ["eth7", "eth6"] {
            assert_not_found(c.get_guid_name(name), name);
        }
        for key in ["Descriptions", "not-a-guid", r"\DEVICE\TCPIP_Descriptions"] {
            assert_not_found(c.get_friendly_name(key), key);
        }
        // A GUID subkey written in lower case (by another tool) is found in every form and
        // given back as stored.
        assert_eq!(c.get_guid_name("ETH8").unwrap(), odd);
        for form in guid_forms(&odd.to_ascii_uppercase()) {
            assert_eq!(c.get_friendly_name(&form).unwrap(), "eth8", "{form:?}");
        }
    }
}
