//! Transports (router managers under `RouterManagers`) and their filter switch. Transports
//! are identified by their `ProtocolId` value, never by the subkey name; the helpers that find
//! and create such keys are shared with [`super::if_transports`].

use std::collections::BTreeSet;

use super::RegistryConfig;
use super::Values;
use super::checks::{check_blob, check_dll_path, transport_key_name};
use super::log::record;
use super::values::{
    bytes, dll_path_value, dword, page, set_bool, set_dword, stored_data_error, string,
    subkeys_with_values_or_empty,
};
use crate::changes::{ChangeKind, ChangedObject, Version, Versioned};
use crate::info::{self, InfoHeader};
use crate::layout as l;
use crate::model::*;
use crate::{Error, RegValue, Registry, RegistryTx, Result, WinError, bail};

/// The first subkey of `parent` whose `ProtocolId` is `protocol_id` (transports are identified
/// by that value, never by the subkey name).
pub(super) fn find_by_protocol(
    tx: &mut dyn RegistryTx,
    parent: &str,
    protocol_id: u32,
) -> Result<Option<(String, Values)>> {
    Ok(subkeys_with_values_or_empty(tx, parent)?
        .into_iter()
        .find(|(_, v)| dword(v, l::PROTOCOL_ID) == Some(protocol_id)))
}

/// Subkeys of `parent` that carry a `ProtocolId`, first one per id, in stored order.
pub(super) fn list_by_protocol(
    tx: &mut dyn RegistryTx,
    parent: &str,
) -> Result<Vec<(u32, String, Values)>> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (name, values) in subkeys_with_values_or_empty(tx, parent)? {
        if let Some(pid) = dword(&values, l::PROTOCOL_ID)
            && seen.insert(pid)
        {
            out.push((pid, name, values));
        }
    }
    Ok(out)
}

fn unknown_protocol(protocol_id: u32) -> Error {
    Error::new(
        WinError::ERROR_UNKNOWN_PROTOCOL_ID,
        format!("transport {protocol_id:#x} is not in the configuration"),
    )
}

fn find_transport(tx: &mut dyn RegistryTx, protocol_id: u32) -> Result<(String, Values)> {
    find_by_protocol(tx, l::ROUTER_MANAGERS, protocol_id)?
        .ok_or_else(|| unknown_protocol(protocol_id))
}

/// The version of a transport: the version of its key.
pub(super) fn transport_version(tx: &mut dyn RegistryTx, protocol_id: u32) -> Result<Version> {
    let (sub, _) = find_transport(tx, protocol_id)?;
    tx.key_version(&format!(r"{}\{sub}", l::ROUTER_MANAGERS))?
        .ok_or_else(|| unknown_protocol(protocol_id))
}

fn record_transport(
    tx: &mut dyn RegistryTx,
    kind: ChangeKind,
    protocol_id: u32,
    path: Option<&str>,
) -> Result<()> {
    record(
        tx,
        kind,
        ChangedObject::Transport(TransportId { protocol_id }),
        path,
    )
}

/// Creates `parent\name` for a new transport; a subkey of that name holding something else is
/// refused rather than merged into.
pub(super) fn create_protocol_key(
    tx: &mut dyn RegistryTx,
    parent: &str,
    name: &str,
    protocol_id: u32,
) -> Result<String> {
    let path = format!(r"{parent}\{name}");
    if !tx.create_key(&path)? {
        bail!(
            WinError::ERROR_ALREADY_EXISTS,
            "key {path} already exists and is not transport {protocol_id:#x}"
        );
    }
    set_dword(tx, &path, l::PROTOCOL_ID, protocol_id)?;
    Ok(path)
}

pub(super) fn write_transport_items(
    tx: &mut dyn RegistryTx,
    path: &str,
    global_info: Option<&[u8]>,
    client_interface_info: Option<&[u8]>,
    dll_path: Option<&str>,
) -> Result<()> {
    if let Some(g) = global_info {
        tx.set_value(path, l::GLOBAL_INFO, &RegValue::binary(g))?;
    }
    if let Some(c) = client_interface_info {
        tx.set_value(path, l::GLOBAL_INTERFACE_INFO, &RegValue::binary(c))?;
    }
    if let Some(d) = dll_path {
        tx.set_value(path, l::DLL_PATH, &dll_path_value(d))?;
    }
    Ok(())
}

/// The argument checks of `transport_create` and (without a name) `transport_set_info`.
pub(super) fn check_items(
    name: Option<&str>,
    global_info: Option<&[u8]>,
    client_interface_info: Option<&[u8]>,
    dll_path: Option<&str>,
) -> Result<()> {
    name.map(transport_key_name).transpose()?;
    check_blob(global_info, "global info")?;
    check_blob(client_interface_info, "client interface info")?;
    check_dll_path(dll_path)
}

pub(super) fn create<R: Registry>(
    c: &RegistryConfig<R>,
    protocol_id: u32,
    name: Option<&str>,
    global_info: Option<&[u8]>,
    client_interface_info: Option<&[u8]>,
    dll_path: Option<&str>,
) -> Result<TransportId> {
    check_items(name, global_info, client_interface_info, dll_path)?;
    c.write(|tx, _| {
        create_in(
            tx,
            protocol_id,
            name,
            global_info,
            client_interface_info,
            dll_path,
        )
    })
}

/// `transport_create` inside a write transaction (arguments checked by [`check_items`]).
pub(super) fn create_in(
    tx: &mut dyn RegistryTx,
    protocol_id: u32,
    name: Option<&str>,
    global_info: Option<&[u8]>,
    client_interface_info: Option<&[u8]>,
    dll_path: Option<&str>,
) -> Result<TransportId> {
    let name = name.map(transport_key_name).transpose()?;
    let (path, created) = match find_by_protocol(tx, l::ROUTER_MANAGERS, protocol_id)? {
        Some((sub, _)) => (format!(r"{}\{sub}", l::ROUTER_MANAGERS), false),
        None => {
            let sub = name.unwrap_or_else(|| l::default_transport_name(protocol_id));
            (
                create_protocol_key(tx, l::ROUTER_MANAGERS, &sub, protocol_id)?,
                true,
            )
        }
    };
    write_transport_items(tx, &path, global_info, client_interface_info, dll_path)?;
    let changed = global_info.is_some() || client_interface_info.is_some() || dll_path.is_some();
    if created {
        record_transport(tx, ChangeKind::Created, protocol_id, Some(&path))?;
    } else if changed {
        record_transport(tx, ChangeKind::Changed, protocol_id, Some(&path))?;
    }
    Ok(TransportId { protocol_id })
}

pub(super) fn delete<R: Registry>(c: &RegistryConfig<R>, id: &TransportId) -> Result<()> {
    c.write(|tx, _| delete_in(tx, id))
}

/// `transport_delete` inside a write transaction.
pub(super) fn delete_in(tx: &mut dyn RegistryTx, id: &TransportId) -> Result<()> {
    let (sub, _) = find_transport(tx, id.protocol_id)?;
    tx.delete_key_tree(&format!(r"{}\{sub}", l::ROUTER_MANAGERS))?;
    record_transport(tx, ChangeKind::Deleted, id.protocol_id, None)
}

pub(super) fn get_handle<R: Registry>(
    c: &RegistryConfig<R>,
    protocol_id: u32,
) -> Result<TransportId> {
    c.read(|tx| find_transport(tx, protocol_id).map(|_| TransportId { protocol_id }))
}

pub(super) fn get_info<R: Registry>(
    c: &RegistryConfig<R>,
    id: &TransportId,
) -> Result<TransportInfo> {
    c.read(|tx| {
        let (name, v) = find_transport(tx, id.protocol_id)?;
        Ok(TransportInfo {
            global_info: bytes(&v, l::GLOBAL_INFO),
            client_interface_info: bytes(&v, l::GLOBAL_INTERFACE_INFO),
            dll_path: string(&v, l::DLL_PATH),
            name,
        })
    })
}

pub(super) fn get_info_versioned<R: Registry>(
    c: &RegistryConfig<R>,
    id: &TransportId,
) -> Result<Versioned<TransportInfo>> {
    c.read(|tx| {
        let (name, v) = find_transport(tx, id.protocol_id)?;
        let version = tx
            .key_version(&format!(r"{}\{name}", l::ROUTER_MANAGERS))?
            .ok_or_else(|| unknown_protocol(id.protocol_id))?;
        Ok(Versioned {
            value: TransportInfo {
                global_info: bytes(&v, l::GLOBAL_INFO),
                client_interface_info: bytes(&v, l::GLOBAL_INTERFACE_INFO),
                dll_path: string(&v, l::DLL_PATH),
                name,
            },
            version,
        })
    })
}

pub(super) fn set_info<R: Registry>(
    c: &RegistryConfig<R>,
    id: &TransportId,
    global_info: Option<&[u8]>,
    client_interface_info: Option<&[u8]>,
    dll_path: Option<&str>,
) -> Result<()> {
    check_items(None, global_info, client_interface_info, dll_path)?;
    c.write(|tx, _| set_info_in(tx, id, global_info, client_interface_info, dll_path))
}

/// `transport_set_info` inside a write transaction (arguments checked by [`check_items`]).
pub(super) fn set_info_in(
    tx: &mut dyn RegistryTx,
    id: &TransportId,
    global_info: Option<&[u8]>,
    client_interface_info: Option<&[u8]>,
    dll_path: Option<&str>,
) -> Result<()> {
    let (sub, _) = find_transport(tx, id.protocol_id)?;
    let path = format!(r"{}\{sub}", l::ROUTER_MANAGERS);
    write_transport_items(tx, &path, global_info, client_interface_info, dll_path)?;
    if global_info.is_some() || client_interface_info.is_some() || dll_path.is_some() {
        record_transport(tx, ChangeKind::Changed, id.protocol_id, Some(&path))?;
    }
    Ok(())
}

pub(super) fn list<R: Registry>(
    c: &RegistryConfig<R>,
    resume: u32,
    max_entries: u32,
) -> Result<Page<TransportEntry>> {
    c.read(|tx| {
        let items: Vec<_> = list_by_protocol(tx, l::ROUTER_MANAGERS)?
            .into_iter()
            .map(|(protocol_id, name, _)| TransportEntry {
                id: TransportId { protocol_id },
                name,
            })
            .collect();
        page(&items, resume, max_entries)
    })
}

pub(super) fn filter_get<R: Registry>(c: &RegistryConfig<R>, protocol_id: u32) -> Result<bool> {
    c.read(|tx| {
        let (_, v) = find_transport(tx, protocol_id)?;
        let Some(block_type) = filter_block_type(protocol_id) else {
            return Ok(dword(&v, l::FILTER_ENABLE).is_some_and(|d| d != 0));
        };
        let Some(global) = bytes(&v, l::GLOBAL_INFO) else {
            return Ok(false);
        };
        let header = info::validate(&global).map_err(|e| stored_data_error(e, "GlobalInfo"))?;
        Ok(match header.find(block_type) {
            Ok(block) => block.data.get(..4).is_some_and(|d| d != [0, 0, 0, 0]),
            Err(_) => false,
        })
    })
}

pub(super) fn filter_set<R: Registry>(
    c: &RegistryConfig<R>,
    protocol_id: u32,
    enable: bool,
) -> Result<()> {
    c.write(|tx, _| filter_set_in(tx, protocol_id, enable))
}

/// `filter_set_info` inside a write transaction.
pub(super) fn filter_set_in(tx: &mut dyn RegistryTx, protocol_id: u32, enable: bool) -> Result<()> {
    let (sub, v) = find_transport(tx, protocol_id)?;
    let path = format!(r"{}\{sub}", l::ROUTER_MANAGERS);
    match filter_block_type(protocol_id) {
        None => set_bool(tx, &path, l::FILTER_ENABLE, enable)?,
        Some(block_type) => {
            let mut header = match bytes(&v, l::GLOBAL_INFO) {
                Some(global) => {
                    info::validate(&global).map_err(|e| stored_data_error(e, "GlobalInfo"))?
                }
                None => InfoHeader::new(info::RTR_INFO_BLOCK_VERSION)?,
            };
            let data = u32::from(enable).to_le_bytes();
            if header.find(block_type).is_ok() {
                header.set(block_type, 4, 1, &data)?;
            } else {
                header.add(block_type, 4, 1, &data)?;
            }
            tx.set_value(&path, l::GLOBAL_INFO, &RegValue::binary(header.to_bytes()))?;
        }
    }
    record_transport(tx, ChangeKind::Changed, protocol_id, Some(&path))
}

/// The info block that carries `MPR_FILTER_0.fEnable` in a transport's `GlobalInfo`.
fn filter_block_type(protocol_id: u32) -> Option<u32> {
    match protocol_id {
        pid::IP => Some(l::IP_FILTER_ENABLE_INFO),
        pid::IPV6 => Some(l::IP_FILTER_ENABLE_INFO_V6),
        _ => None,
    }
}

#[cfg(test)]
mod tests {

    use super::*;

    use crate::regconfig::testutil::*;

    use crate::{RouterConfig, TxMode};

    #[test]
    fn transports_are_identified_by_protocol_id_not_key_name() {
        let (r, c) = installed();
        raw_write(&*r, |tx| {
            let p = format!(r"{}\Whatever", l::ROUTER_MANAGERS);
            tx.create_key(&p)?;
            tx.set_value(&p, l::PROTOCOL_ID, &RegValue::dword(0x99))?;
            tx.create_key(&format!(r"{}\NoId", l::ROUTER_MANAGERS))
                .map(|_| ())
        });
        let id = c.transport_get_handle(0x99).unwrap();
        assert_eq!(c.transport_get_info(&id).unwrap().name, "Whatever");
        let listed: Vec<u32> = c
            .transport_enum(0, u32::MAX)
            .unwrap()
            .entries
            .iter()
            .map(|e| e.id.protocol_id)
            .collect();
        assert_eq!(listed, vec![0x21, 0x57, 0x99]);
        // A new transport may not take over a key that holds another one (or none).
        for name in ["whatever", "NOID", "ip"] {
            let e = c
                .transport_create(0x77, Some(name), None, None, None)
                .unwrap_err();
            assert_eq!(e.code, WinError::ERROR_ALREADY_EXISTS, "{name}");
        }
        // Creating an existing id updates it whatever name is passed.
        c.transport_create(0x99, Some("Other"), None, None, Some(r"%SystemRoot%\x.dll"))
            .unwrap();
        let info = c.transport_get_info(&id).unwrap();
        assert_eq!(
            (info.name.as_str(), info.dll_path.as_deref()),
            ("Whatever", Some(r"%SystemRoot%\x.dll"))
        );
        for bad in ["", "a\\b", "nul\0"] {
            assert_eq!(
                c.transport_create(0x55, Some(bad), None, None, None)
                    .unwrap_err()
                    .code,
                WinError::ERROR_INVALID_PARAMETER
            );
        }
        assert_eq!(transport_key_name(&"ü".repeat(41)).unwrap(), "ü".repeat(40));
        assert_eq!(
            transport_key_name(&format!("{}\u{1F600}", "a".repeat(39))).unwrap(),
            "a".repeat(39)
        );
    }

    #[test]
    fn names_with_line_breaks_never_reach_a_backup() {
        let (r, c) = installed();
        let id = c.interface_create(&router("Edge")).unwrap();
        // A name with a line break would end a .reg line: as a key name it could inject keys
        // into the backup, so the API refuses it.
        let evil = "x]\r\n\"ProtocolId\"=dword:00000021\r\n;";
        for bad in [evil, "a\nb", "a\rb"] {
            assert_eq!(
                c.transport_create(0x55, Some(bad), None, None, None)
                    .unwrap_err()
                    .code,
                WinError::ERROR_INVALID_PARAMETER,
                "{bad:?}"
            );
            assert_eq!(
                c.if_transport_add(&id, 0x55, Some(bad), None)
                    .unwrap_err()
                    .code,
                WinError::ERROR_INVALID_PARAMETER,
                "{bad:?}"
            );
        }
        // Such a key written by another program makes the backup fail, not come out corrupt.
        let before = c.backup().unwrap();
        raw_write(&*r, |tx| {
            tx.create_key(&format!(r"{}\a{}b", l::ROUTER_MANAGERS, '\n'))
                .map(|_| ())
        });
        assert_eq!(c.backup().unwrap_err().code, WinError::ERROR_INVALID_DATA);
        raw_write(&*r, |tx| {
            tx.delete_key_tree(&format!(r"{}\a{}b", l::ROUTER_MANAGERS, '\n'))
                .map(|_| ())
        });
        assert_eq!(c.backup().unwrap(), before);
    }

    #[test]
    fn transport_delete_leaves_interface_transports() {
        let (_, c) = installed();
        c.transport_delete(&c.transport_get_handle(pid::IPV6).unwrap())
            .unwrap();
        assert_eq!(
            c.transport_get_handle(pid::IPV6).unwrap_err().code,
            WinError::ERROR_UNKNOWN_PROTOCOL_ID
        );
        let lo = c.interface_get_handle("Loopback").unwrap();
        assert!(c.if_transport_get_handle(&lo, pid::IPV6).is_ok());
    }

    #[test]
    fn filter_state_lives_in_the_global_info_block() {
        let (r, c) = installed();
        assert!(!c.filter_get_info(pid::IP).unwrap());
        c.filter_set_info(pid::IP, true).unwrap();
        assert!(c.filter_get_info(pid::IP).unwrap());
        assert!(!c.filter_get_info(pid::IPV6).unwrap());
        let global = c
            .transport_get_info(&TransportId {
                protocol_id: pid::IP,
            })
            .unwrap()
            .global_info
            .unwrap();
        let h = info::validate(&global).unwrap();
        assert_eq!(
            h.find(l::IP_FILTER_ENABLE_INFO).unwrap().data,
            vec![1, 0, 0, 0]
        );
        // The blocks that were there stay, unchanged and in order.
        let orig = info::validate(&l::DEFAULT_IP_GLOBAL_INFO).unwrap();
        assert_eq!(h.blocks[..2], orig.blocks[..]);
        c.filter_set_info(pid::IPV6, true).unwrap();
        c.filter_set_info(pid::IP, false).unwrap();
        assert!(!c.filter_get_info(pid::IP).unwrap());
        assert!(c.filter_get_info(pid::IPV6).unwrap());
        // Other transports keep a FilterEnable value.
        c.transport_create(pid::IPX, None, None, None, None)
            .unwrap();
        c.filter_set_info(pid::IPX, true).unwrap();
        assert!(c.filter_get_info(pid::IPX).unwrap());
        let v = r
            .transact(TxMode::Read, &mut |tx| {
                tx.get_value(&format!(r"{}\IPX", l::ROUTER_MANAGERS), l::FILTER_ENABLE)
            })
            .unwrap();
        assert_eq!(v, Some(RegValue::dword(1)));
        assert_eq!(
            c.filter_get_info(0x1234).unwrap_err().code,
            WinError::ERROR_UNKNOWN_PROTOCOL_ID
        );
        assert_eq!(
            c.filter_set_info(0x1234, true).unwrap_err().code,
            WinError::ERROR_UNKNOWN_PROTOCOL_ID
        );
    }

    #[test]
    fn corrupt_stored_global_info_is_invalid_data() {
        let (r, c) = installed();
        raw_write(&*r, |tx| {
            tx.set_value(
                &format!(r"{}\Ip", l::ROUTER_MANAGERS),
                l::GLOBAL_INFO,
                &RegValue::binary(vec![9; 20]),
            )
        });
        assert_eq!(
            c.filter_get_info(pid::IP).unwrap_err().code,
            WinError::ERROR_INVALID_DATA
        );
        assert_eq!(
            c.filter_set_info(pid::IP, true).unwrap_err().code,
            WinError::ERROR_INVALID_DATA
        );
    }
}
