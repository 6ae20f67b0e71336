//! Beyond Windows on a [`Connection`]: atomic batches ([`Connection::batch`]), read-modify-write
//! helpers built on compare-and-set (`update_*`), and the change stream ([`Connection::watch`]).
//! `docs/design.md` ("Versions, batches and the change log") describes the guarantees.

use std::time::Duration;

use mprconfig_core::model::*;
use mprconfig_core::{
    BatchError, BatchOp, BatchOutcome, ChangeStream, Error, IfRef, ObjectRef, Result, Version,
    WinError,
};

use crate::Connection;

/// How many times an `update_*` helper reads, edits and tries its conditional write before it
/// gives up with `ERROR_INVALID_STATE` (5023): enough for dozens of writers hammering one
/// object, finite so that a livelock surfaces as an error instead of a hang.
pub const UPDATE_ATTEMPTS: u32 = 200;

/// A batch being built on a connection ([`Connection::batch`]): steps are collected, then
/// [`Batch::commit`] applies all of them in one transaction (locally: one store transaction;
/// remotely: one `ApplyBatch` call, executed by `mprd` in one transaction), or none.
///
/// The step methods return what later steps may refer to: [`Batch::interface_create`] returns
/// an [`IfRef`] naming the interface the step will create.
///
/// ```
/// # let dir = tempfile::tempdir()?;
/// use mprconfig::{Interface, InterfaceType, pid};
/// let conn = mprconfig::connect_store(dir.path().join("router.db"))?;
/// let mut batch = conn.batch();
/// let wan = batch.interface_create(Interface {
///     name: "wan1".into(),
///     if_type: InterfaceType::FULL_ROUTER,
///     enabled: true,
///     ..Interface::default()
/// });
/// batch.if_transport_add(wan, pid::IP, None, None);
/// let outcomes = batch.commit()?;
/// assert_eq!(outcomes.len(), 2);
/// assert!(conn.if_transport_get_handle(&conn.interface_get_handle("wan1")?, pid::IP).is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use = "a batch does nothing until it is committed"]
pub struct Batch<'a> {
    conn: &'a Connection,
    ops: Vec<BatchOp>,
}

impl Batch<'_> {
    /// Adds any step.
    pub fn push(&mut self, op: BatchOp) -> &mut Self {
        self.ops.push(op);
        self
    }

    /// The steps collected so far.
    pub fn steps(&self) -> &[BatchOp] {
        &self.ops
    }

    /// `interface_create`; the returned reference names the new interface in later steps.
    pub fn interface_create(&mut self, info: Interface) -> IfRef {
        self.ops.push(BatchOp::InterfaceCreate { info });
        IfRef::Step(self.ops.len() - 1)
    }

    /// `interface_delete`.
    pub fn interface_delete(&mut self, interface: impl Into<IfRef>) -> &mut Self {
        self.push(BatchOp::InterfaceDelete {
            interface: interface.into(),
        })
    }

    /// `interface_set_info` at `level`.
    pub fn interface_set_info(
        &mut self,
        interface: impl Into<IfRef>,
        level: u32,
        info: Interface,
    ) -> &mut Self {
        self.push(BatchOp::InterfaceSetInfo {
            interface: interface.into(),
            level,
            info,
        })
    }

    /// `if_transport_add`.
    pub fn if_transport_add(
        &mut self,
        interface: impl Into<IfRef>,
        protocol_id: u32,
        name: Option<&str>,
        info: Option<Vec<u8>>,
    ) -> &mut Self {
        self.push(BatchOp::IfTransportAdd {
            interface: interface.into(),
            protocol_id,
            name: name.map(str::to_string),
            info,
        })
    }

    /// `if_transport_set_info`.
    pub fn if_transport_set_info(
        &mut self,
        interface: impl Into<IfRef>,
        protocol_id: u32,
        info: Vec<u8>,
    ) -> &mut Self {
        self.push(BatchOp::IfTransportSetInfo {
            interface: interface.into(),
            protocol_id,
            info,
        })
    }

    /// `if_transport_remove`.
    pub fn if_transport_remove(
        &mut self,
        interface: impl Into<IfRef>,
        protocol_id: u32,
    ) -> &mut Self {
        self.push(BatchOp::IfTransportRemove {
            interface: interface.into(),
            protocol_id,
        })
    }

    /// `transport_set_info` (`None` items unchanged).
    pub fn transport_set_info(
        &mut self,
        protocol_id: u32,
        global_info: Option<Vec<u8>>,
        client_interface_info: Option<Vec<u8>>,
        dll_path: Option<String>,
    ) -> &mut Self {
        self.push(BatchOp::TransportSetInfo {
            protocol_id,
            global_info,
            client_interface_info,
            dll_path,
        })
    }

    /// `filter_set_info`.
    pub fn filter_set_info(&mut self, protocol_id: u32, enable: bool) -> &mut Self {
        self.push(BatchOp::FilterSetInfo {
            protocol_id,
            enable,
        })
    }

    /// `restore`: replaces the whole configuration.
    pub fn restore(&mut self, backup: Vec<u8>) -> &mut Self {
        self.push(BatchOp::Restore { backup })
    }

    /// Makes the batch conditional: it fails with `ERROR_INVALID_STATE` (5023), applying
    /// nothing, unless `object` still has `version` when this step runs.
    pub fn require_version(&mut self, object: ObjectRef, version: Version) -> &mut Self {
        self.push(BatchOp::RequireVersion { object, version })
    }

    /// Applies every step in one transaction, or none; one outcome per step. On failure the
    /// [`BatchError`] names the failing step and its code, and nothing was applied.
    pub fn commit(self) -> std::result::Result<Vec<BatchOutcome>, BatchError> {
        self.conn.apply_batch(&self.ops)
    }
}

/// A small pause before the next attempt of a read-modify-write that lost a race, growing
/// with the attempt and jittered (thread, time) so that writers who collided spread out.
fn backoff(attempt: u32) {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(attempt);
    let jitter = h.finish() % 1000;
    let scale = u64::from(attempt.min(20));
    std::thread::sleep(Duration::from_micros(100 + jitter * scale));
}

fn gave_up(what: &str) -> Error {
    Error::new(
        WinError::ERROR_INVALID_STATE,
        format!(
            "{what} kept changing under {UPDATE_ATTEMPTS} attempts to update it; nothing was written"
        ),
    )
}

impl Connection {
    /// Starts an atomic batch of writes on this connection (see [`Batch`]).
    pub fn batch(&self) -> Batch<'_> {
        Batch {
            conn: self,
            ops: Vec::new(),
        }
    }

    /// The committed changes after change `after` (`None`: from now), by anyone, each once
    /// and in commit order ([`mprconfig_core::RouterConfig::watch`]). Remotely the stream
    /// lives on this connection's session; when it ends with `RPC_S_SERVER_UNAVAILABLE`
    /// (1722), connect again and watch from [`ChangeStream::position`].
    pub fn watch(&self, after: Option<u64>) -> Result<Box<dyn ChangeStream>> {
        std::sync::Arc::clone(&self.config).watch(after)
    }

    /// Read-modify-write of an interface-transport's `InterfaceInfo` blob that loses no
    /// concurrent write: reads the blob with its version, lets `edit` change it (`None`: no
    /// blob stored), and writes it only if the interface-transport is still at that version;
    /// if another writer came first, reads again and retries (at most [`UPDATE_ATTEMPTS`]
    /// times, then `ERROR_INVALID_STATE`, 5023). `edit` may run several times and must only
    /// compute; its error ends the update with nothing written, and so does leaving the blob
    /// unchanged. Returns what the last `edit` returned.
    pub fn update_if_transport_info<T>(
        &self,
        id: &IfTransportId,
        mut edit: impl FnMut(&mut Option<Vec<u8>>) -> Result<T>,
    ) -> Result<T> {
        for attempt in 0..UPDATE_ATTEMPTS {
            let read = self.if_transport_get_info_versioned(id)?;
            let mut blob = read.value.clone();
            let out = edit(&mut blob)?;
            let Some(new) = blob.filter(|b| Some(b) != read.value.as_ref()) else {
                return Ok(out);
            };
            let r = self.apply_batch(&[
                BatchOp::RequireVersion {
                    object: ObjectRef::from(id),
                    version: read.version,
                },
                BatchOp::IfTransportSetInfo {
                    interface: IfRef::Id(id.interface.clone()),
                    protocol_id: id.protocol_id,
                    info: new,
                },
            ]);
            match r {
                Ok(_) => return Ok(out),
                Err(e) if e.code() == WinError::ERROR_INVALID_STATE => backoff(attempt),
                Err(e) => return Err(e.error),
            }
        }
        Err(gave_up(&format!(
            "transport {:#x} of interface {:?}",
            id.protocol_id, id.interface.name
        )))
    }

    /// Read-modify-write of a transport's items, as [`Connection::update_if_transport_info`]
    /// does for an interface-transport: `edit` changes the [`TransportInfo`] read (its name is
    /// ignored), and `global_info`, `client_interface_info` and `dll_path` are written back
    /// if the transport is still at the version read.
    pub fn update_transport_info<T>(
        &self,
        id: &TransportId,
        mut edit: impl FnMut(&mut TransportInfo) -> Result<T>,
    ) -> Result<T> {
        for attempt in 0..UPDATE_ATTEMPTS {
            let read = self.transport_get_info_versioned(id)?;
            let mut info = read.value.clone();
            let out = edit(&mut info)?;
            if info == read.value {
                return Ok(out);
            }
            let r = self.apply_batch(&[
                BatchOp::RequireVersion {
                    object: ObjectRef::from(id),
                    version: read.version,
                },
                BatchOp::TransportSetInfo {
                    protocol_id: id.protocol_id,
                    global_info: info.global_info,
                    client_interface_info: info.client_interface_info,
                    dll_path: info.dll_path,
                },
            ]);
            match r {
                Ok(_) => return Ok(out),
                Err(e) if e.code() == WinError::ERROR_INVALID_STATE => backoff(attempt),
                Err(e) => return Err(e.error),
            }
        }
        Err(gave_up(&format!("transport {:#x}", id.protocol_id)))
    }

    /// Read-modify-write of an interface's settings: `edit` changes the [`Interface`] read and
    /// returns the `interface_set_info` level to write it at (or `None`: write nothing);
    /// written only if the interface is still at the version read, retried as
    /// [`Connection::update_if_transport_info`] is.
    pub fn update_interface_info(
        &self,
        id: &InterfaceId,
        mut edit: impl FnMut(&mut Interface) -> Result<Option<u32>>,
    ) -> Result<()> {
        for attempt in 0..UPDATE_ATTEMPTS {
            let read = self.interface_get_info_versioned(id)?;
            let mut info = read.value.clone();
            let Some(level) = edit(&mut info)? else {
                return Ok(());
            };
            let r = self.apply_batch(&[
                BatchOp::RequireVersion {
                    object: ObjectRef::from(id),
                    version: read.version,
                },
                BatchOp::InterfaceSetInfo {
                    interface: IfRef::Id(id.clone()),
                    level,
                    info,
                },
            ]);
            match r {
                Ok(_) => return Ok(()),
                Err(e) if e.code() == WinError::ERROR_INVALID_STATE => backoff(attempt),
                Err(e) => return Err(e.error),
            }
        }
        Err(gave_up(&format!("interface {:?}", id.name)))
    }

    /// Read-modify-write of the whole configuration: `edit` gets a backup (the bytes of
    /// `backup`) and returns the configuration to restore (or `None`: write nothing); it is
    /// restored only if nothing at all was committed since the backup was taken (the change
    /// log's position, [`ObjectRef::Configuration`]), retried as
    /// [`Connection::update_if_transport_info`] is. On a backend that keeps no change log
    /// (MS-RRP: a Windows registry) there is nothing to compare against, and the restore is
    /// unconditional, as Windows' own backup-edit-restore is.
    pub fn update_configuration<T>(
        &self,
        mut edit: impl FnMut(&[u8]) -> Result<(Option<Vec<u8>>, T)>,
    ) -> Result<T> {
        for attempt in 0..UPDATE_ATTEMPTS {
            // The position first: a change between it and the backup only costs a retry.
            let position = match self.watch(None) {
                Ok(s) => Some(s.position()),
                Err(e) if e.code == WinError::ERROR_JOURNAL_NOT_ACTIVE => None,
                Err(e) => return Err(e),
            };
            let backup = self.backup()?;
            let (new, out) = edit(&backup)?;
            let Some(new) = new else {
                return Ok(out);
            };
            let mut ops = Vec::with_capacity(2);
            if let Some(p) = position {
                ops.push(BatchOp::RequireVersion {
                    object: ObjectRef::Configuration,
                    version: Version::from_raw(p),
                });
            }
            ops.push(BatchOp::Restore { backup: new });
            let r = self.apply_batch(&ops);
            match r {
                Ok(_) => return Ok(out),
                Err(e) if e.code() == WinError::ERROR_INVALID_STATE => backoff(attempt),
                Err(e) => return Err(e.error),
            }
        }
        Err(gave_up("the configuration"))
    }
}
