//! Recording changes: every write operation tells the store's change log what it did to which
//! object, inside the transaction that does it, so the record commits or rolls back with the
//! change itself. Stores without a log (`RegistryTx::change_log` is `None`) record nothing.

use crate::changes::{ChangeKind, ChangeRecord, ChangedObject};
use crate::model::*;
use crate::{RegistryTx, Result};

/// True if the store keeps a change log (so that records are worth computing).
pub(super) fn logging(tx: &mut dyn RegistryTx) -> bool {
    tx.change_log().is_some()
}

/// Records `kind` of `object`, with the version of the key at `version_of` after the change.
pub(super) fn record(
    tx: &mut dyn RegistryTx,
    kind: ChangeKind,
    object: ChangedObject,
    version_of: Option<&str>,
) -> Result<()> {
    if !logging(tx) {
        return Ok(());
    }
    let version = match version_of {
        Some(path) => tx.key_version(path)?,
        None => None,
    };
    match tx.change_log() {
        Some(log) => log
            .append_change(&ChangeRecord {
                kind,
                object,
                version,
            })
            .map(|_| ()),
        None => Ok(()),
    }
}

/// The id of an interface-transport record.
pub(super) fn if_transport(interface: &InterfaceId, protocol_id: u32) -> ChangedObject {
    ChangedObject::IfTransport(IfTransportId {
        interface: interface.clone(),
        protocol_id,
    })
}
