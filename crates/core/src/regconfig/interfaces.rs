//! Interfaces: the numbered keys under `Interfaces` (registry-layout §3), created as max + 1,
//! resolved by key number and checked against the handle's name.

use super::Values;
use super::checks::{check_dialout_hours, check_interface_name, check_interface_type};
use super::log::{self, logging, record};
use super::transports::list_by_protocol;
use super::values::{page, set_bool, set_dword, val, values_or_none};
use super::{RegistryConfig, WriteCtx};
use crate::changes::{ChangeKind, ChangedObject, Versioned};
use crate::layout as l;
use crate::model::*;
use crate::registry::{RegValueRef, fold, names_equal};
use crate::{Error, RegValue, Registry, RegistryTx, Result, WinError, bail};

/// The values [`parse_interface`] reads.
pub(super) const INTERFACE_VALUES: [&str; 4] =
    [l::INTERFACE_NAME, l::TYPE, l::ENABLED, l::DIAL_OUT_HOURS];

/// An interface from its key's values: needs a string `InterfaceName` and a DWORD `Type`.
pub(super) fn parse_interface(values: &[(String, RegValue)]) -> Option<Interface> {
    interface_from(|name| val(values, name).map(RegValue::as_value_ref))
}

/// [`parse_interface`] over values a registry lends
/// ([`RegistryTx::visit_subkeys_with_values`]).
pub(super) fn parse_interface_lent(values: &[(&str, RegValueRef<'_>)]) -> Option<Interface> {
    interface_from(|name| {
        values
            .iter()
            .find(|(n, _)| names_equal(n, name))
            .map(|(_, v)| *v)
    })
}

/// An interface from a lookup of its key's values by name ([`INTERFACE_VALUES`] only).
fn interface_from<'a>(val: impl Fn(&str) -> Option<RegValueRef<'a>>) -> Option<Interface> {
    let name = val(l::INTERFACE_NAME)?.as_string()?;
    let if_type = InterfaceType(val(l::TYPE)?.as_dword()? as i32);
    let enabled = val(l::ENABLED).is_none_or(|v| v.as_dword().is_none_or(|d| d != 0));
    let dialout_hours = val(l::DIAL_OUT_HOURS).and_then(|v| v.as_multi_sz());
    // Runtime fields have no persistent source (spec Q13).
    let (connection_state, unreachability_reasons) = if enabled {
        (ConnectionState::DISCONNECTED, 0)
    } else {
        (ConnectionState::UNREACHABLE, MPR_INTERFACE_ADMIN_DISABLED)
    };
    Some(Interface {
        name,
        if_type,
        enabled,
        dialout_hours,
        connection_state,
        unreachability_reasons,
        last_error: 0,
    })
}

fn no_such_interface(id: &InterfaceId) -> Error {
    Error::new(
        WinError::ERROR_NO_SUCH_INTERFACE,
        format!(
            "interface {:?} (key {}) is not in the configuration",
            id.name, id.key
        ),
    )
}

/// The handle of a resolved interface, with the name as stored (handles match names
/// case-insensitively; change records carry the stored spelling).
pub(super) fn stored_id(id: &InterfaceId, iface: &Interface) -> InterfaceId {
    InterfaceId {
        key: id.key,
        name: iface.name.clone(),
    }
}

/// The version of an interface: the version of its key.
pub(super) fn interface_version(
    tx: &mut dyn RegistryTx,
    id: &InterfaceId,
) -> Result<crate::changes::Version> {
    tx.key_version(&l::interface_key(id.key))?
        .ok_or_else(|| no_such_interface(id))
}

/// The interface a handle denotes, with its key's values; 905 if it is gone.
pub(super) fn resolve_interface(
    tx: &mut dyn RegistryTx,
    id: &InterfaceId,
) -> Result<(Interface, Values)> {
    let values =
        values_or_none(tx, &l::interface_key(id.key))?.ok_or_else(|| no_such_interface(id))?;
    match parse_interface(&values) {
        Some(iface) if names_equal(&iface.name, &id.name) => Ok((iface, values)),
        _ => Err(no_such_interface(id)),
    }
}

fn write_dialout_hours(
    tx: &mut dyn RegistryTx,
    path: &str,
    hours: Option<&[String]>,
) -> Result<()> {
    match hours {
        Some(h) => tx.set_value(path, l::DIAL_OUT_HOURS, &RegValue::multi_sz(h)),
        None => tx.delete_value(path, l::DIAL_OUT_HOURS).map(|_| ()),
    }
}

/// Writes a new interface key with its values in the order Windows uses.
pub(super) fn write_interface_key(
    tx: &mut dyn RegistryTx,
    key: u32,
    iface: &Interface,
) -> Result<String> {
    let path = l::interface_key(key);
    if !tx.create_key(&path)? {
        bail!(
            WinError::ERROR_ALREADY_EXISTS,
            "interface key {path} already exists"
        );
    }
    tx.set_value(&path, l::INTERFACE_NAME, &RegValue::sz(&iface.name))?;
    set_dword(tx, &path, l::TYPE, iface.if_type.0 as u32)?;
    set_bool(tx, &path, l::ENABLED, iface.enabled)?;
    if let Some(h) = &iface.dialout_hours {
        write_dialout_hours(tx, &path, Some(h))?;
    }
    set_dword(tx, &path, l::STAMP, 0)?;
    Ok(path)
}

pub(super) fn interface_entry(key: u32, info: Interface) -> InterfaceEntry {
    InterfaceEntry {
        id: InterfaceId {
            key,
            name: info.name.clone(),
        },
        info,
    }
}

/// The argument checks of `interface_create`.
pub(super) fn check_create(info: &Interface) -> Result<()> {
    check_interface_name(&info.name)?;
    check_interface_type(info.if_type)?;
    check_dialout_hours(info.dialout_hours.as_deref())
}

pub(super) fn create<R: Registry>(c: &RegistryConfig<R>, info: &Interface) -> Result<InterfaceId> {
    check_create(info)?;
    c.write(|tx, ctx| create_in(c, tx, ctx, info))
}

/// `interface_create` inside a write transaction (arguments checked by [`check_create`]).
pub(super) fn create_in<R: Registry>(
    c: &RegistryConfig<R>,
    tx: &mut dyn RegistryTx,
    ctx: &mut WriteCtx,
    info: &Interface,
) -> Result<InterfaceId> {
    if let Some((k, name)) = c.tx_lookup(tx, ctx, &fold(&info.name))? {
        bail!(
            WinError::ERROR_INTERFACE_ALREADY_EXISTS,
            "interface {:?} already exists (as {name:?}, key {k})",
            info.name
        );
    }
    let key = c.tx_next_key(tx, ctx)?;
    let path = write_interface_key(tx, key, info)?;
    RegistryConfig::<R>::tx_inserted(ctx, key, &info.name);
    let id = InterfaceId {
        key,
        name: info.name.clone(),
    };
    record(
        tx,
        ChangeKind::Created,
        ChangedObject::Interface(id.clone()),
        Some(&path),
    )?;
    Ok(id)
}

pub(super) fn delete<R: Registry>(c: &RegistryConfig<R>, id: &InterfaceId) -> Result<()> {
    c.write(|tx, ctx| delete_in(c, tx, ctx, id))
}

/// `interface_delete` inside a write transaction.
pub(super) fn delete_in<R: Registry>(
    c: &RegistryConfig<R>,
    tx: &mut dyn RegistryTx,
    ctx: &mut WriteCtx,
    id: &InterfaceId,
) -> Result<()> {
    let (iface, _) = resolve_interface(tx, id)?;
    let stored = stored_id(id, &iface);
    let path = l::interface_key(id.key);
    // Its interface-transports go with it: each is a deletion a watcher must hear of.
    if logging(tx) {
        for (protocol_id, _, _) in list_by_protocol(tx, &path)? {
            record(
                tx,
                ChangeKind::Deleted,
                log::if_transport(&stored, protocol_id),
                None,
            )?;
        }
    }
    tx.delete_key_tree(&path)?;
    c.tx_removed(ctx, id.key, &iface.name);
    record(
        tx,
        ChangeKind::Deleted,
        ChangedObject::Interface(stored),
        None,
    )
}

pub(super) fn get_handle<R: Registry>(c: &RegistryConfig<R>, name: &str) -> Result<InterfaceId> {
    c.read(|tx| match c.lookup_interface(tx, name)? {
        Some((key, stored)) => Ok(InterfaceId { key, name: stored }),
        None => bail!(
            WinError::ERROR_NO_SUCH_INTERFACE,
            "no interface is named {name:?}"
        ),
    })
}

pub(super) fn get_info<R: Registry>(c: &RegistryConfig<R>, id: &InterfaceId) -> Result<Interface> {
    c.read(|tx| resolve_interface(tx, id).map(|(iface, _)| iface))
}

pub(super) fn get_info_versioned<R: Registry>(
    c: &RegistryConfig<R>,
    id: &InterfaceId,
) -> Result<Versioned<Interface>> {
    c.read(|tx| {
        let (value, _) = resolve_interface(tx, id)?;
        let version = interface_version(tx, id)?;
        Ok(Versioned { value, version })
    })
}

/// The argument checks of `interface_set_info`.
pub(super) fn check_set_info(level: u32, info: &Interface) -> Result<()> {
    if level > 3 {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "interface info level {level} is not 0-3"
        );
    }
    if level >= 1 {
        check_dialout_hours(info.dialout_hours.as_deref())?;
    }
    Ok(())
}

pub(super) fn set_info<R: Registry>(
    c: &RegistryConfig<R>,
    id: &InterfaceId,
    level: u32,
    info: &Interface,
) -> Result<()> {
    check_set_info(level, info)?;
    c.write(|tx, _| set_info_in(tx, id, level, info))
}

/// `interface_set_info` inside a write transaction (arguments checked by [`check_set_info`]).
pub(super) fn set_info_in(
    tx: &mut dyn RegistryTx,
    id: &InterfaceId,
    level: u32,
    info: &Interface,
) -> Result<()> {
    let hours = if level >= 1 {
        Some(info.dialout_hours.as_deref())
    } else {
        None
    };
    let (current, _) = resolve_interface(tx, id)?;
    let changes_enabled = current.enabled != info.enabled;
    let changes_hours = hours.is_some_and(|h| h != current.dialout_hours.as_deref());
    // Q17: dedicated and internal interfaces accept only no-op updates.
    if (current.if_type == InterfaceType::DEDICATED || current.if_type == InterfaceType::INTERNAL)
        && (changes_enabled || changes_hours)
    {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "interface {:?} is {}: its state and dial-out hours cannot be changed",
            current.name,
            current.if_type.name().unwrap_or("DEDICATED")
        );
    }
    let path = l::interface_key(id.key);
    if changes_enabled {
        set_bool(tx, &path, l::ENABLED, info.enabled)?;
    }
    if let Some(h) = hours
        && changes_hours
    {
        write_dialout_hours(tx, &path, h)?;
    }
    if changes_enabled || changes_hours {
        record(
            tx,
            ChangeKind::Changed,
            ChangedObject::Interface(stored_id(id, &current)),
            Some(&path),
        )?;
    }
    Ok(())
}

pub(super) fn list<R: Registry>(
    c: &RegistryConfig<R>,
    resume: u32,
    max_entries: u32,
) -> Result<Page<InterfaceEntry>> {
    c.read(|tx| page(&c.interface_list(tx)?, resume, max_entries))
}

#[cfg(test)]
mod tests {

    use super::*;

    use crate::regconfig::testutil::*;

    use crate::registry::REG_MULTI_SZ;
    use crate::{RouterConfig, TxMode};

    #[test]
    fn interface_keys_are_max_plus_one_and_foreign_keys_are_ignored() {
        let (r, c) = installed();
        raw_write(&*r, |tx| {
            for k in ["007", "x", "IKEv2CustomPolicy"] {
                tx.create_key(&format!(r"{}\{k}", l::INTERFACES))?;
            }
            // A numeric key without an InterfaceName is not an interface but holds its number.
            tx.create_key(&l::interface_key(20)).map(|_| ())
        });
        let all = c.interface_enum(0, u32::MAX).unwrap();
        assert_eq!(
            all.entries.iter().map(|e| e.id.key).collect::<Vec<_>>(),
            vec![0, 1, 2, 3]
        );
        let a = c.interface_create(&router("A")).unwrap();
        assert_eq!(a.key, 21);
        let b = c.interface_create(&router("B")).unwrap();
        c.interface_delete(&a).unwrap();
        assert_eq!(c.interface_create(&router("C")).unwrap().key, 23);
        c.interface_delete(&b).unwrap();
        c.interface_delete(&c.interface_get_handle("C").unwrap())
            .unwrap();
        assert_eq!(
            c.interface_create(&router("D")).unwrap().key,
            21,
            "numbering restarts above the highest key"
        );
    }

    #[test]
    fn interface_created_values_are_windows_shaped() {
        let (r, c) = installed();
        let mut info = router("Hours");
        info.enabled = false;
        info.dialout_hours = Some(vec![
            "2 09:00-12:00 13:00-17:30".into(),
            "4 00:00-24:00".into(),
        ]);
        let id = c.interface_create(&info).unwrap();
        let v = r
            .transact(TxMode::Read, &mut |tx| tx.values(&l::interface_key(id.key)))
            .unwrap();
        let names: Vec<&str> = v.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                l::INTERFACE_NAME,
                l::TYPE,
                l::ENABLED,
                l::DIAL_OUT_HOURS,
                l::STAMP
            ]
        );
        assert_eq!(val(&v, l::DIAL_OUT_HOURS).unwrap().ty, REG_MULTI_SZ);
        let got = c.interface_get_info(&id).unwrap();
        assert_eq!(got.dialout_hours, info.dialout_hours);
        assert_eq!(got.connection_state, ConnectionState::UNREACHABLE);
        assert_eq!(got.unreachability_reasons, MPR_INTERFACE_ADMIN_DISABLED);
        // Level 1 with None removes the restriction; level 0 leaves it alone.
        info.dialout_hours = None;
        info.enabled = true;
        c.interface_set_info(&id, 0, &info).unwrap();
        assert!(c.interface_get_info(&id).unwrap().dialout_hours.is_some());
        c.interface_set_info(&id, 1, &info).unwrap();
        let got = c.interface_get_info(&id).unwrap();
        assert_eq!(got.dialout_hours, None);
        assert_eq!(got.connection_state, ConnectionState::DISCONNECTED);
    }

    #[test]
    fn absent_enabled_value_means_enabled() {
        let (r, c) = installed();
        let id = c.interface_create(&router("NoEnabled")).unwrap();
        raw_write(&*r, |tx| {
            tx.delete_value(&l::interface_key(id.key), l::ENABLED)
                .map(|_| ())
        });
        assert!(c.interface_get_info(&id).unwrap().enabled);
    }

    #[test]
    fn q17_dedicated_and_internal_accept_only_no_op_updates() {
        let (_, c) = installed();
        for name in ["Internal", &l::link_guid("unit-test", "eth0")] {
            let id = c.interface_get_handle(name).unwrap();
            let mut info = c.interface_get_info(&id).unwrap();
            c.interface_set_info(&id, 0, &info).unwrap();
            c.interface_set_info(&id, 1, &info).unwrap();
            info.enabled = false;
            assert_eq!(
                c.interface_set_info(&id, 0, &info).unwrap_err().code,
                WinError::ERROR_INVALID_PARAMETER
            );
            info.enabled = true;
            info.dialout_hours = Some(vec!["1 01:00-02:00".into()]);
            assert_eq!(
                c.interface_set_info(&id, 1, &info).unwrap_err().code,
                WinError::ERROR_INVALID_PARAMETER
            );
            c.interface_set_info(&id, 0, &info).unwrap(); // level 0 ignores the hours
        }
        let lo = c.interface_get_handle("Loopback").unwrap();
        let mut info = c.interface_get_info(&lo).unwrap();
        info.enabled = false;
        c.interface_set_info(&lo, 0, &info).unwrap();
        assert_eq!(
            c.interface_set_info(&lo, 4, &info).unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER
        );
    }
}
