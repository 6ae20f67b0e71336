//! Interface-transports: the `ProtocolId` subkeys of an interface key, holding its
//! `InterfaceInfo` blob.

use super::RegistryConfig;
use super::Values;
use super::checks::{check_blob, transport_key_name};
use super::interfaces::{resolve_interface, stored_id};
use super::log::{self, record};
use super::transports::{create_protocol_key, find_by_protocol, list_by_protocol};
use super::values::{bytes, page};
use crate::changes::{ChangeKind, Version, Versioned};
use crate::layout as l;
use crate::model::*;
use crate::{Error, RegValue, Registry, RegistryTx, Result, WinError};

fn no_such_if_transport(iface: &InterfaceId, protocol_id: u32) -> Error {
    Error::new(
        WinError::ERROR_NO_SUCH_INTERFACE,
        format!(
            "interface {:?} has no transport {protocol_id:#x}",
            iface.name
        ),
    )
}

/// The key path and values of an interface-transport, and its interface's stored handle;
/// 905 if the interface or the transport is gone.
pub(super) fn resolve_if_transport(
    tx: &mut dyn RegistryTx,
    id: &IfTransportId,
) -> Result<(String, Values, InterfaceId)> {
    let (iface, _) = resolve_interface(tx, &id.interface)?;
    let stored = stored_id(&id.interface, &iface);
    find_by_protocol(tx, &l::interface_key(id.interface.key), id.protocol_id)?
        .map(|(name, values)| {
            (
                format!(r"{}\{name}", l::interface_key(id.interface.key)),
                values,
                stored,
            )
        })
        .ok_or_else(|| no_such_if_transport(&id.interface, id.protocol_id))
}

/// The version of an interface-transport: the version of its key.
pub(super) fn if_transport_version(tx: &mut dyn RegistryTx, id: &IfTransportId) -> Result<Version> {
    let (path, _, _) = resolve_if_transport(tx, id)?;
    tx.key_version(&path)?
        .ok_or_else(|| no_such_if_transport(&id.interface, id.protocol_id))
}

/// The argument checks of `if_transport_add`.
pub(super) fn check_add(name: Option<&str>, info: Option<&[u8]>) -> Result<()> {
    name.map(transport_key_name).transpose()?;
    check_blob(info, "interface info")
}

pub(super) fn add<R: Registry>(
    c: &RegistryConfig<R>,
    interface: &InterfaceId,
    protocol_id: u32,
    name: Option<&str>,
    info: Option<&[u8]>,
) -> Result<IfTransportId> {
    check_add(name, info)?;
    c.write(|tx, _| add_in(tx, interface, protocol_id, name, info))
}

/// `if_transport_add` inside a write transaction (arguments checked by [`check_add`]).
pub(super) fn add_in(
    tx: &mut dyn RegistryTx,
    interface: &InterfaceId,
    protocol_id: u32,
    name: Option<&str>,
    info: Option<&[u8]>,
) -> Result<IfTransportId> {
    let name = name.map(transport_key_name).transpose()?;
    let (iface, _) = resolve_interface(tx, interface)?;
    let parent = l::interface_key(interface.key);
    let (path, created) = match find_by_protocol(tx, &parent, protocol_id)? {
        Some((sub, _)) => (format!(r"{parent}\{sub}"), false),
        None => {
            let sub = name.unwrap_or_else(|| l::default_transport_name(protocol_id));
            (create_protocol_key(tx, &parent, &sub, protocol_id)?, true)
        }
    };
    if let Some(blob) = info {
        tx.set_value(&path, l::INTERFACE_INFO, &RegValue::binary(blob))?;
    }
    if created || info.is_some() {
        let kind = if created {
            ChangeKind::Created
        } else {
            ChangeKind::Changed
        };
        let object = log::if_transport(&stored_id(interface, &iface), protocol_id);
        record(tx, kind, object, Some(&path))?;
    }
    Ok(IfTransportId {
        interface: interface.clone(),
        protocol_id,
    })
}

pub(super) fn remove<R: Registry>(c: &RegistryConfig<R>, id: &IfTransportId) -> Result<()> {
    c.write(|tx, _| remove_in(tx, id))
}

/// `if_transport_remove` inside a write transaction.
pub(super) fn remove_in(tx: &mut dyn RegistryTx, id: &IfTransportId) -> Result<()> {
    let (path, _, stored) = resolve_if_transport(tx, id)?;
    tx.delete_key_tree(&path)?;
    record(
        tx,
        ChangeKind::Deleted,
        log::if_transport(&stored, id.protocol_id),
        None,
    )
}

pub(super) fn get_handle<R: Registry>(
    c: &RegistryConfig<R>,
    interface: &InterfaceId,
    protocol_id: u32,
) -> Result<IfTransportId> {
    let id = IfTransportId {
        interface: interface.clone(),
        protocol_id,
    };
    c.read(|tx| resolve_if_transport(tx, &id).map(|_| ()))?;
    Ok(id)
}

pub(super) fn get_info<R: Registry>(
    c: &RegistryConfig<R>,
    id: &IfTransportId,
) -> Result<Option<Vec<u8>>> {
    c.read(|tx| resolve_if_transport(tx, id).map(|(_, v, _)| bytes(&v, l::INTERFACE_INFO)))
}

pub(super) fn get_info_versioned<R: Registry>(
    c: &RegistryConfig<R>,
    id: &IfTransportId,
) -> Result<Versioned<Option<Vec<u8>>>> {
    c.read(|tx| {
        let (path, values, _) = resolve_if_transport(tx, id)?;
        let version = tx
            .key_version(&path)?
            .ok_or_else(|| no_such_if_transport(&id.interface, id.protocol_id))?;
        Ok(Versioned {
            value: bytes(&values, l::INTERFACE_INFO),
            version,
        })
    })
}

/// The argument checks of `if_transport_set_info`.
pub(super) fn check_set_info(info: &[u8]) -> Result<()> {
    check_blob(Some(info), "interface info")
}

pub(super) fn set_info<R: Registry>(
    c: &RegistryConfig<R>,
    id: &IfTransportId,
    info: &[u8],
) -> Result<()> {
    check_set_info(info)?;
    c.write(|tx, _| set_info_in(tx, id, info))
}

/// `if_transport_set_info` inside a write transaction (arguments checked by
/// [`check_set_info`]).
pub(super) fn set_info_in(tx: &mut dyn RegistryTx, id: &IfTransportId, info: &[u8]) -> Result<()> {
    let (path, _, stored) = resolve_if_transport(tx, id)?;
    tx.set_value(&path, l::INTERFACE_INFO, &RegValue::binary(info))?;
    record(
        tx,
        ChangeKind::Changed,
        log::if_transport(&stored, id.protocol_id),
        Some(&path),
    )
}

pub(super) fn list<R: Registry>(
    c: &RegistryConfig<R>,
    interface: &InterfaceId,
    resume: u32,
    max_entries: u32,
) -> Result<Page<IfTransportEntry>> {
    c.read(|tx| {
        resolve_interface(tx, interface)?;
        let items: Vec<_> = list_by_protocol(tx, &l::interface_key(interface.key))?
            .into_iter()
            .map(|(protocol_id, name, _)| IfTransportEntry {
                id: IfTransportId {
                    interface: interface.clone(),
                    protocol_id,
                },
                name,
            })
            .collect();
        page(&items, resume, max_entries)
    })
}

#[cfg(test)]
mod tests {

    use super::*;

    use crate::regconfig::testutil::*;

    use crate::RouterConfig;

    #[test]
    fn if_transport_keys_without_protocol_id_are_not_transports() {
        let (_, c) = installed();
        let id = c.interface_create(&router("P")).unwrap();
        c.interface_set_custom_info(
            &id,
            &CustomInfoEx {
                flags: 1,
                ikev2: IfCustomIkev2 {
                    sa_lifetime: 300,
                    sa_data_size: 1024,
                    custom_policy: Some(CustomPolicy::default()),
                    ..IfCustomIkev2::default()
                },
            },
        )
        .unwrap();
        c.if_transport_add(&id, pid::IP, None, None).unwrap();
        let page = c.if_transport_enum(&id, 0, u32::MAX).unwrap();
        assert_eq!(
            page.entries
                .iter()
                .map(|e| e.name.as_str())
                .collect::<Vec<_>>(),
            ["IP"]
        );
        let it = c.if_transport_get_handle(&id, pid::IP).unwrap();
        assert_eq!(
            c.if_transport_get_info(&it).unwrap(),
            None,
            "added without a blob"
        );
        assert_eq!(
            c.if_transport_add(&id, 0x4242, Some(l::IKEV2_CUSTOM_POLICY), None)
                .unwrap_err()
                .code,
            WinError::ERROR_ALREADY_EXISTS
        );
    }
}
