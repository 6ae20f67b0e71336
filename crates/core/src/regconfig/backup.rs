//! Backup and restore: the backup is the `.reg` export of the backup roots, and a restore is
//! validated completely (paths, roots, blobs, interface keys) before anything is touched.

use std::collections::{BTreeSet, HashMap};

use super::checks::check_interface_name;
use super::log::record;
use super::values::val;
use super::{RegistryConfig, WriteCtx};
use crate::changes::{ChangeKind, ChangedObject};
use crate::info;
use crate::layout as l;
use crate::regfile::{self, RegKey};
use crate::registry::{REG_BINARY, REG_MULTI_SZ, REG_SZ, fold, names_equal};
use crate::{Error, Registry, RegistryTx, Result, WinError, bail};

pub(super) fn under_root(path: &str, root: &str) -> bool {
    let (p, r) = (fold(path), fold(root));
    p == r
        || p.strip_prefix(&r)
            .is_some_and(|rest| rest.starts_with('\\'))
}

fn invalid_backup(detail: String) -> Error {
    Error::new(
        WinError::ERROR_INVALID_DATA,
        format!("backup rejected: {detail}"),
    )
}

/// Checks a decoded backup completely before anything is touched.
fn validate_backup(keys: &[RegKey]) -> Result<()> {
    let mut paths = BTreeSet::new();
    let mut names: HashMap<String, String> = HashMap::new();
    let interfaces = fold(l::INTERFACES);
    for key in keys {
        crate::registry::check_path(&key.path).map_err(|_| {
            invalid_backup(format!("key {:?} is not a valid registry path", key.path))
        })?;
        if !l::BACKUP_ROOTS.iter().any(|r| under_root(&key.path, r)) {
            return Err(invalid_backup(format!(
                "key {} is outside the router configuration",
                key.path
            )));
        }
        if !paths.insert(fold(&key.path)) {
            return Err(invalid_backup(format!("key {} appears twice", key.path)));
        }
        for (name, value) in &key.values {
            if [l::INTERFACE_INFO, l::GLOBAL_INFO, l::GLOBAL_INTERFACE_INFO]
                .iter()
                .any(|n| names_equal(n, name))
            {
                if value.ty != REG_BINARY {
                    return Err(invalid_backup(format!(
                        "{}\\{name} is not REG_BINARY",
                        key.path
                    )));
                }
                info::validate(&value.data)
                    .map_err(|e| e.context(format!("backup rejected: {}\\{name}", key.path)))?;
            }
            if names_equal(name, l::PROTOCOL_ID) && value.as_dword().is_none() {
                return Err(invalid_backup(format!(
                    "{}\\{name} is not a REG_DWORD",
                    key.path
                )));
            }
        }
        // Interface keys: direct numeric children of Interfaces.
        let folded = fold(&key.path);
        let Some(child) = folded
            .strip_prefix(&interfaces)
            .and_then(|r| r.strip_prefix('\\'))
        else {
            continue;
        };
        if child.contains('\\') || l::parse_interface_key(child).is_none() {
            continue;
        }
        let name = match val(&key.values, l::INTERFACE_NAME) {
            Some(v) if v.ty == REG_SZ => v.as_string(),
            _ => None,
        }
        .ok_or_else(|| {
            invalid_backup(format!(
                "interface key {} has no REG_SZ InterfaceName",
                key.path
            ))
        })?;
        if val(&key.values, l::TYPE).is_none_or(|v| v.as_dword().is_none()) {
            return Err(invalid_backup(format!(
                "interface key {} has no REG_DWORD Type",
                key.path
            )));
        }
        if val(&key.values, l::ENABLED).is_some_and(|v| v.as_dword().is_none()) {
            return Err(invalid_backup(format!(
                "interface key {}: Enabled is not a REG_DWORD",
                key.path
            )));
        }
        if val(&key.values, l::DIAL_OUT_HOURS)
            .is_some_and(|v| v.ty != REG_MULTI_SZ || v.as_multi_sz().is_none())
        {
            return Err(invalid_backup(format!(
                "interface key {}: DialOutHours is not a REG_MULTI_SZ",
                key.path
            )));
        }
        check_interface_name(&name)
            .map_err(|e| invalid_backup(format!("interface key {}: {}", key.path, e.detail)))?;
        if let Some(other) = names.insert(fold(&name), key.path.clone()) {
            return Err(invalid_backup(format!(
                "interface name {name:?} is used by {other} and {}",
                key.path
            )));
        }
    }
    if !paths.contains(&fold(l::REMOTE_ACCESS)) {
        return Err(invalid_backup(format!(
            "it has no [{}] key",
            l::REMOTE_ACCESS
        )));
    }
    Ok(())
}

pub(super) fn backup<R: Registry>(c: &RegistryConfig<R>) -> Result<Vec<u8>> {
    let keys = c.read(|tx| {
        if !tx.key_exists(l::REMOTE_ACCESS)? {
            bail!(
                WinError::ERROR_FILE_NOT_FOUND,
                "there is no router configuration to back up ({} is missing)",
                l::REMOTE_ACCESS
            );
        }
        let mut keys = Vec::new();
        for root in l::BACKUP_ROOTS {
            if tx.key_exists(root)? {
                keys.extend(regfile::export_tree(tx, root)?);
            }
        }
        Ok(keys)
    })?;
    Ok(regfile::encode(&keys))
}

/// The checks of `restore` before the transaction: the file decodes and validates; the keys
/// to import.
pub(super) fn check_restore(backup: &[u8]) -> Result<Vec<RegKey>> {
    let keys = regfile::decode(backup)?;
    validate_backup(&keys)?;
    Ok(keys)
}

pub(super) fn restore<R: Registry>(c: &RegistryConfig<R>, backup: &[u8]) -> Result<()> {
    let keys = check_restore(backup)?;
    c.write(|tx, ctx| restore_in::<R>(tx, ctx, &keys))
}

/// `restore` of validated keys inside a write transaction.
pub(super) fn restore_in<R: Registry>(
    tx: &mut dyn RegistryTx,
    ctx: &mut WriteCtx,
    keys: &[RegKey],
) -> Result<()> {
    for root in l::BACKUP_ROOTS {
        tx.delete_key_tree(root)?;
    }
    regfile::import_keys(tx, keys)?;
    RegistryConfig::<R>::tx_rebuild(ctx);
    record(tx, ChangeKind::Replaced, ChangedObject::Configuration, None)
}

#[cfg(test)]
mod tests {

    use std::sync::Arc;

    use super::*;

    use crate::model::*;
    use crate::regconfig::testutil::*;
    use crate::{MemRegistry, RegValue, RouterConfig};

    fn reg_text(keys: &[RegKey]) -> Vec<u8> {
        regfile::encode(keys)
    }

    fn key(path: &str, values: Vec<(&str, RegValue)>) -> RegKey {
        RegKey {
            path: path.to_owned(),
            values: values.into_iter().map(|(n, v)| (n.to_owned(), v)).collect(),
        }
    }

    #[test]
    fn restore_rejects_bad_backups_without_touching_the_store() {
        let (r, c) = installed();
        c.interface_create(&router("Keep")).unwrap();
        let good = regfile::decode(&c.backup().unwrap()).unwrap();
        let before = r.snapshot();
        let g = r.generation().unwrap();
        let iface = |n: u32| format!(r"{}\{n}", l::INTERFACES);
        let mut cases: Vec<(&str, Vec<u8>, WinError)> = vec![
            (
                "not a .reg file",
                b"garbage".to_vec(),
                WinError::ERROR_INVALID_DATA,
            ),
            ("empty", Vec::new(), WinError::ERROR_INVALID_DATA),
        ];
        let mut push = |what: &'static str, keys: Vec<RegKey>, code: WinError| {
            cases.push((what, reg_text(&keys), code))
        };
        push(
            "no RemoteAccess key",
            good.iter()
                .filter(|k| !names_equal(&k.path, l::REMOTE_ACCESS))
                .cloned()
                .collect(),
            WinError::ERROR_INVALID_DATA,
        );
        let mut outside = good.clone();
        outside.push(key(r"SOFTWARE\Evil", vec![]));
        push(
            "key outside the roots",
            outside,
            WinError::ERROR_INVALID_DATA,
        );
        let mut sibling = good.clone();
        sibling.push(key(&format!("{}Extra", l::REMOTE_ACCESS), vec![]));
        push(
            "prefix-sharing sibling key",
            sibling,
            WinError::ERROR_INVALID_DATA,
        );
        let mut dup = good.clone();
        dup.push(key(
            &iface(90),
            vec![
                (l::INTERFACE_NAME, RegValue::sz("KEEP")),
                (l::TYPE, RegValue::dword(2)),
            ],
        ));
        push(
            "duplicate interface name",
            dup,
            WinError::ERROR_INVALID_DATA,
        );
        let mut noname = good.clone();
        noname.push(key(&iface(91), vec![(l::TYPE, RegValue::dword(2))]));
        push(
            "interface without name",
            noname,
            WinError::ERROR_INVALID_DATA,
        );
        let mut notype = good.clone();
        notype.push(key(
            &iface(92),
            vec![(l::INTERFACE_NAME, RegValue::sz("NoType"))],
        ));
        push(
            "interface without type",
            notype,
            WinError::ERROR_INVALID_DATA,
        );
        let mut badtype = good.clone();
        badtype.push(key(
            &iface(93),
            vec![
                (l::INTERFACE_NAME, RegValue::sz("T")),
                (l::TYPE, RegValue::sz("2")),
            ],
        ));
        push("string Type", badtype, WinError::ERROR_INVALID_DATA);
        let mut blob = good.clone();
        blob.push(key(
            &format!(r"{}\0\Extra", l::INTERFACES),
            vec![
                (l::PROTOCOL_ID, RegValue::dword(9)),
                (
                    l::INTERFACE_INFO,
                    RegValue::binary(vec![1, 0, 0, 0, 99, 0, 0, 0, 0, 0, 0, 0]),
                ),
            ],
        ));
        push(
            "malformed InterfaceInfo",
            blob,
            WinError::ERROR_INVALID_PARAMETER,
        );
        let mut gblob = good.clone();
        gblob.push(key(
            &format!(r"{}\Bad", l::ROUTER_MANAGERS),
            vec![
                (l::PROTOCOL_ID, RegValue::dword(9)),
                (l::GLOBAL_INFO, RegValue::binary(vec![2; 16])),
            ],
        ));
        push(
            "malformed GlobalInfo",
            gblob,
            WinError::ERROR_INVALID_PARAMETER,
        );
        let mut twice = good.clone();
        twice.push(good[0].clone());
        push("key twice", twice, WinError::ERROR_INVALID_DATA);
        for (what, bytes, code) in cases {
            let e = c.restore(&bytes).unwrap_err();
            assert_eq!(e.code, code, "{what}: {e}");
            assert!(!e.detail.is_empty(), "{what}: the error says why");
            assert_eq!(r.snapshot(), before, "{what}: store touched");
            assert_eq!(
                r.generation().unwrap(),
                g,
                "{what}: a transaction committed"
            );
        }
        assert_eq!(c.interface_get_handle("keep").unwrap().name, "Keep");
    }

    #[test]
    fn backup_then_restore_reproduces_the_tree_on_a_fresh_store() {
        let (r, c) = installed();
        let id = c.interface_create(&router("Branch")).unwrap();
        c.if_transport_add(&id, pid::IP, None, Some(&l::DEFAULT_INTERFACE_INFO))
            .unwrap();
        c.server_set_info_ex(&ServerSetConfigEx {
            protocols: set_config::SSTP,
            config: TunnelConfig {
                sstp: SstpConfig {
                    ports: PortConfig {
                        num_ports: 9,
                        port_flags: 1,
                    },
                    use_https: true,
                    cert_algorithm: l::CALG_SHA_256,
                    cert_is_default: false,
                    cert_hash: vec![7; 32],
                },
                ..TunnelConfig::default()
            },
        })
        .unwrap();
        let backup = c.backup().unwrap();
        let keys = regfile::decode(&backup).unwrap();
        assert_eq!(keys[0].path, l::REMOTE_ACCESS);
        for root in l::BACKUP_ROOTS {
            assert!(keys.iter().any(|k| k.path == root), "backup holds {root}");
        }
        assert!(
            keys.iter()
                .all(|k| l::BACKUP_ROOTS.iter().any(|root| under_root(&k.path, root)))
        );

        let fresh = Arc::new(MemRegistry::new());
        let c2 = RegistryConfig::new(Arc::clone(&fresh));
        c2.restore(&backup).unwrap();
        assert_eq!(sorted(fresh.snapshot()), sorted(r.snapshot()));
        assert_eq!(
            c2.backup().unwrap(),
            backup,
            "a restored store backs up byte-identically"
        );
        assert_eq!(c2.interface_get_handle("BRANCH").unwrap(), id);
    }

    #[test]
    fn a_windows_7_shaped_export_restores_and_reads_like_windows() {
        // The checked-in W7-shaped RemoteAccess export of the .reg codec's tests.
        let w7: &[u8] = include_bytes!("../../tests/data/w7-remoteaccess.reg");
        let c = RegistryConfig::new(MemRegistry::new());
        c.restore(w7).unwrap();
        let ifaces = c.interface_enum(0, u32::MAX).unwrap().entries;
        assert_eq!(ifaces.len(), 14);
        assert_eq!(
            ifaces.iter().map(|e| e.id.key).collect::<Vec<_>>(),
            (0..14).collect::<Vec<_>>(),
            "numeric order"
        );
        assert_eq!(
            (ifaces[0].info.name.as_str(), ifaces[0].info.if_type),
            ("Loopback", InterfaceType::LOOPBACK)
        );
        assert_eq!(
            (ifaces[1].info.name.as_str(), ifaces[1].info.if_type),
            ("Internal", InterfaceType::INTERNAL)
        );
        for e in &ifaces[2..] {
            assert!(
                l::is_guid_name(&e.info.name)
                    && e.info.if_type == InterfaceType::DEDICATED
                    && e.info.enabled
            );
            let it = c.if_transport_get_handle(&e.id, pid::IPV6).unwrap();
            assert_eq!(
                c.if_transport_get_info(&it).unwrap().as_deref(),
                Some(&l::DEFAULT_INTERFACE_INFO[..])
            );
        }
        let transports: Vec<(u32, String)> = c
            .transport_enum(0, u32::MAX)
            .unwrap()
            .entries
            .into_iter()
            .map(|e| (e.id.protocol_id, e.name))
            .collect();
        assert_eq!(
            transports,
            vec![(0x21, "Ip".to_owned()), (0x57, "Ipv6".to_owned())]
        );
        let ip = c
            .transport_get_info(&TransportId {
                protocol_id: pid::IP,
            })
            .unwrap();
        assert_eq!(ip.dll_path.as_deref(), Some(l::IPRTRMGR_DLL));
        // The export's Ip and Ipv6 GlobalInfo are the ones install writes.
        assert_eq!(
            ip.global_info.as_deref(),
            Some(&l::DEFAULT_IP_GLOBAL_INFO[..])
        );
        let ipv6 = c
            .transport_get_info(&TransportId {
                protocol_id: pid::IPV6,
            })
            .unwrap();
        assert_eq!(
            ipv6.global_info.as_deref(),
            Some(&l::DEFAULT_IPV6_GLOBAL_INFO[..])
        );
        assert!(!c.filter_get_info(pid::IP).unwrap());
        assert!(!c.server_get_info().unwrap().lan_only_mode);
        // And it backs up to the same keys and values.
        let again = regfile::decode(&c.backup().unwrap()).unwrap();
        assert_eq!(again, regfile::decode(w7).unwrap());
    }

    #[test]
    fn backup_of_an_empty_store_is_file_not_found() {
        let c = RegistryConfig::new(MemRegistry::new());
        assert_eq!(c.backup().unwrap_err().code, WinError::ERROR_FILE_NOT_FOUND);
    }
}
