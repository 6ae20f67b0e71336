//! `MprConfigServerInstall`: the default tree of a Windows 7 router, with one dedicated
//! interface and one friendly name per link.

use std::collections::BTreeSet;

use super::checks::check_interface_name;
use super::interfaces::write_interface_key;
use super::log::record;
use super::server::Pools;
use super::transports::{create_protocol_key, write_transport_items};
use super::values::set_dword;
use super::{RegistryConfig, WriteCtx};
use crate::changes::{ChangeKind, ChangedObject};
use crate::layout as l;
use crate::model::*;
use crate::registry::fold;
use crate::{RegValue, Registry, RegistryTx, Result, WinError, bail};

pub(super) fn check_links(links: &[NetLink]) -> Result<()> {
    let mut guids = BTreeSet::new();
    let mut names = BTreeSet::new();
    for link in links {
        if !l::is_guid_name(&link.guid) {
            bail!(
                WinError::ERROR_INVALID_PARAMETER,
                "link {:?}: {:?} is not a {{GUID}} string",
                link.name,
                link.guid
            );
        }
        check_interface_name(&link.name).map_err(|e| e.context(format!("link {:?}", link.name)))?;
        if !guids.insert(fold(&link.guid)) {
            bail!(
                WinError::ERROR_INVALID_PARAMETER,
                "link GUID {} is given twice",
                link.guid
            );
        }
        if !names.insert(fold(&link.name)) {
            bail!(
                WinError::ERROR_INVALID_PARAMETER,
                "link name {:?} is given twice",
                link.name
            );
        }
    }
    Ok(())
}

fn install_tree(tx: &mut dyn RegistryTx, links: &[NetLink]) -> Result<()> {
    for path in [
        l::ROUTER_MANAGERS,
        l::INTERFACES,
        l::PARAMETERS,
        l::NETWORK_CLASS,
        l::SSTP_PARAMETERS,
    ] {
        tx.delete_key_tree(path)?;
    }
    tx.create_key(l::REMOTE_ACCESS)?;

    // Interfaces: Loopback, Internal, then one dedicated interface per LAN link.
    tx.create_key(l::INTERFACES)?;
    set_dword(tx, l::INTERFACES, l::STAMP, 0)?;
    let mut ifaces = vec![
        ("Loopback".to_owned(), InterfaceType::LOOPBACK),
        ("Internal".to_owned(), InterfaceType::INTERNAL),
    ];
    ifaces.extend(
        links
            .iter()
            .filter(|k| !k.is_loopback)
            .map(|k| (k.guid.clone(), InterfaceType::DEDICATED)),
    );
    for (key, (name, if_type)) in (0u32..).zip(ifaces) {
        let iface = Interface {
            name,
            if_type,
            enabled: true,
            ..Interface::default()
        };
        let path = write_interface_key(tx, key, &iface)?;
        for (sub, pid) in [("Ip", pid::IP), ("Ipv6", pid::IPV6)] {
            let p = create_protocol_key(tx, &path, sub, pid)?;
            tx.set_value(
                &p,
                l::INTERFACE_INFO,
                &RegValue::binary(l::DEFAULT_INTERFACE_INFO),
            )?;
        }
    }

    // Parameters, with the values (and order) of the Windows 7 example.
    let p = l::PARAMETERS;
    tx.create_key(p)?;
    tx.set_value(p, "ServiceDLL", &RegValue::expand_sz(l::MPRDIM_DLL))?;
    set_dword(tx, p, "QuarantineInstalled", 1)?;
    set_dword(tx, p, "LoggingFlags", 2)?;
    set_dword(tx, p, "ServerFlags", l::DEFAULT_SERVER_FLAGS)?;
    set_dword(tx, p, "ServiceDllUnloadOnStop", 1)?;
    set_dword(tx, p, l::STAMP, 0)?;
    set_dword(tx, p, "UsersConfigured", 0)?;
    set_dword(tx, p, l::ROUTER_TYPE, l::DEFAULT_ROUTER_TYPE)?;

    // Router managers Ip and Ipv6.
    tx.create_key(l::ROUTER_MANAGERS)?;
    set_dword(tx, l::ROUTER_MANAGERS, l::STAMP, 0)?;
    for (sub, pid, global) in [
        ("Ip", pid::IP, &l::DEFAULT_IP_GLOBAL_INFO),
        ("Ipv6", pid::IPV6, &l::DEFAULT_IPV6_GLOBAL_INFO),
    ] {
        let path = create_protocol_key(tx, l::ROUTER_MANAGERS, sub, pid)?;
        write_transport_items(tx, &path, Some(global), None, Some(l::IPRTRMGR_DLL))?;
    }

    // Friendly names of every link.
    for link in links {
        let path = format!(r"{}\{}\{}", l::NETWORK_CLASS, link.guid, l::CONNECTION);
        tx.create_key(&path)?;
        tx.set_value(&path, l::NAME, &RegValue::sz(&link.name))?;
    }

    // Port pools with their defaults.
    let mut pools = Pools::load(tx)?;
    for pool in &l::POOLS {
        pools.write(
            tx,
            pool,
            PortConfig {
                num_ports: pool.default_ports,
                port_flags: pool.default_flags,
            },
        )?;
    }

    set_dword(tx, l::REMOTE_ACCESS, l::CONFIGURATION_FLAGS, 1)
}

pub(super) fn install<R: Registry>(c: &RegistryConfig<R>, links: &[NetLink]) -> Result<()> {
    check_links(links)?;
    c.write(|tx, ctx| install_in::<R>(tx, ctx, links))
}

/// `install` inside a write transaction (links checked by [`check_links`]).
pub(super) fn install_in<R: Registry>(
    tx: &mut dyn RegistryTx,
    ctx: &mut WriteCtx,
    links: &[NetLink],
) -> Result<()> {
    install_tree(tx, links)?;
    RegistryConfig::<R>::tx_rebuild(ctx);
    record(tx, ChangeKind::Replaced, ChangedObject::Configuration, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regconfig::Values;
    use crate::regconfig::backup::under_root;
    use crate::regconfig::testutil::*;
    use crate::{MemRegistry, RouterConfig};

    #[test]
    fn install_writes_the_windows_7_tree() {
        let (r, _) = installed();
        let links = links();
        let ra = l::REMOTE_ACCESS;
        let dw = RegValue::dword;
        let mut want: Vec<(String, Vec<(&str, RegValue)>)> = vec![
            (ra.to_owned(), vec![(l::CONFIGURATION_FLAGS, dw(1))]),
            (l::INTERFACES.to_owned(), vec![(l::STAMP, dw(0))]),
        ];
        let names = [
            "Loopback".to_owned(),
            "Internal".to_owned(),
            links[1].guid.clone(),
            links[2].guid.clone(),
        ];
        for (i, (name, t)) in names.iter().zip([5, 4, 3, 3]).enumerate() {
            let p = l::interface_key(i as u32);
            want.push((
                p.clone(),
                vec![
                    (l::INTERFACE_NAME, RegValue::sz(name)),
                    (l::TYPE, dw(t)),
                    (l::ENABLED, dw(1)),
                    (l::STAMP, dw(0)),
                ],
            ));
            for (sub, pidv) in [("Ip", 0x21), ("Ipv6", 0x57)] {
                want.push((
                    format!(r"{p}\{sub}"),
                    vec![
                        (l::PROTOCOL_ID, dw(pidv)),
                        (
                            l::INTERFACE_INFO,
                            RegValue::binary(l::DEFAULT_INTERFACE_INFO),
                        ),
                    ],
                ));
            }
        }
        want.push((
            l::PARAMETERS.to_owned(),
            vec![
                (
                    "ServiceDLL",
                    RegValue::expand_sz(r"%SystemRoot%\System32\mprdim.dll"),
                ),
                ("QuarantineInstalled", dw(1)),
                ("LoggingFlags", dw(2)),
                ("ServerFlags", dw(0x0080_2602)),
                ("ServiceDllUnloadOnStop", dw(1)),
                ("Stamp", dw(0)),
                ("UsersConfigured", dw(0)),
                ("RouterType", dw(7)),
            ],
        ));
        want.push((l::ROUTER_MANAGERS.to_owned(), vec![(l::STAMP, dw(0))]));
        for (sub, pidv, blob) in [
            ("Ip", 0x21, l::DEFAULT_IP_GLOBAL_INFO),
            ("Ipv6", 0x57, l::DEFAULT_IPV6_GLOBAL_INFO),
        ] {
            want.push((
                format!(r"{}\{sub}", l::ROUTER_MANAGERS),
                vec![
                    (l::PROTOCOL_ID, dw(pidv)),
                    (l::GLOBAL_INFO, RegValue::binary(blob)),
                    (
                        l::DLL_PATH,
                        RegValue::expand_sz(r"%SystemRoot%\System32\iprtrmgr.dll"),
                    ),
                ],
            ));
        }
        let got: Vec<(String, Values)> = r
            .snapshot()
            .into_iter()
            .filter(|(p, _)| under_root(p, ra))
            .collect();
        let want: Vec<(String, Values)> = want
            .into_iter()
            .map(|(p, v)| (p, v.into_iter().map(|(n, v)| (n.to_owned(), v)).collect()))
            .collect();
        assert_eq!(got, want);

        // Friendly names of every link, and one pool per managed protocol.
        let snap = r.snapshot();
        for link in &links {
            let p = format!(r"{}\{}\Connection", l::NETWORK_CLASS, link.guid);
            let (_, v) = snap.iter().find(|(q, _)| *q == p).expect("connection key");
            assert_eq!(v, &vec![(l::NAME.to_owned(), RegValue::sz(&link.name))]);
        }
        let pools: Vec<_> = snap
            .iter()
            .filter(|(p, _)| p.starts_with(l::PORTS_CLASS) && p.len() > l::PORTS_CLASS.len())
            .collect();
        assert_eq!(pools.len(), l::POOLS.len());
        assert_eq!(pools[0].0, format!(r"{}\0000", l::PORTS_CLASS));
    }

    #[test]
    fn install_twice_gives_the_same_tree_and_keeps_foreign_pools() {
        let (r, c) = installed();
        raw_write(&*r, |tx| {
            let p = format!(r"{}\0042", l::PORTS_CLASS);
            tx.create_key(&p)?;
            tx.set_value(&p, l::COMPONENT_ID, &RegValue::sz("ms_pppoeminiport"))
        });
        let first = r.snapshot();
        c.install(&links()).unwrap();
        assert_eq!(sorted(r.snapshot()), sorted(first));
    }

    #[test]
    fn install_rejects_bad_links() {
        let c = RegistryConfig::new(MemRegistry::new());
        let mut bad = links();
        bad[1].guid = "eth0".into();
        assert_eq!(
            c.install(&bad).unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER
        );
        let mut dup = links();
        dup[2].guid = dup[1].guid.to_ascii_lowercase();
        assert_eq!(
            c.install(&dup).unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER
        );
        assert!(c.registry().snapshot().is_empty());
    }
}
