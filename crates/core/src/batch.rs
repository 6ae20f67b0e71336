//! Atomic batches: any sequence of `RouterConfig` writes applied in one store transaction.
//!
//! A batch is a list of [`BatchOp`] steps. [`crate::RouterConfig::apply_batch`] checks every
//! step's arguments first (as the single calls do), then runs the steps in order inside one
//! write transaction and commits them together: either every step happened, or none did. A
//! step may refer to the interface created by an earlier step ([`IfRef::Step`]) or to an
//! interface by name as the batch has left the configuration so far ([`IfRef::Name`]).
//! [`BatchOp::RequireVersion`] makes the batch conditional (compare-and-set): it fails with
//! `ERROR_INVALID_STATE` (5023) unless an object still has the version read earlier.
//!
//! Each step behaves exactly as the single call of the same name (the same code runs both), so
//! its error codes are those documented on [`crate::RouterConfig`]. On failure the
//! [`BatchError`] names the failing step (0-based) and its code; nothing was applied.

use std::fmt;

use crate::changes::Version;
use crate::model::*;
use crate::{Error, WinError};

/// An interface as a batch step names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IfRef {
    /// A handle, as `interface_get_handle` or an earlier call returned it.
    Id(InterfaceId),
    /// The interface of this name (case-insensitive), looked up when the step runs, so an
    /// interface created by an earlier step of the same batch is found, and one deleted by an
    /// earlier step is not (905).
    Name(String),
    /// The interface created by an earlier step of this batch (0-based index of an
    /// [`BatchOp::InterfaceCreate`] step before this one).
    Step(usize),
}

impl From<InterfaceId> for IfRef {
    fn from(id: InterfaceId) -> Self {
        IfRef::Id(id)
    }
}

impl From<&InterfaceId> for IfRef {
    fn from(id: &InterfaceId) -> Self {
        IfRef::Id(id.clone())
    }
}

/// An object whose version a [`BatchOp::RequireVersion`] step checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ObjectRef {
    /// An interface (`interface_get_info_versioned`).
    Interface(IfRef),
    /// A transport by protocol id (`transport_get_info_versioned`).
    Transport(u32),
    /// An interface-transport: interface and protocol id (`if_transport_get_info_versioned`).
    IfTransport(IfRef, u32),
}

impl From<&InterfaceId> for ObjectRef {
    fn from(id: &InterfaceId) -> Self {
        ObjectRef::Interface(id.into())
    }
}

impl From<&TransportId> for ObjectRef {
    fn from(id: &TransportId) -> Self {
        ObjectRef::Transport(id.protocol_id)
    }
}

impl From<&IfTransportId> for ObjectRef {
    fn from(id: &IfTransportId) -> Self {
        ObjectRef::IfTransport((&id.interface).into(), id.protocol_id)
    }
}

/// One step of a batch: a `RouterConfig` write with owned arguments, or a version check.
///
/// Each write step has the arguments, checks, effects and error codes of the `RouterConfig`
/// method of the same name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BatchOp {
    /// `install(links)`.
    Install {
        /// The links of the default tree.
        links: Vec<NetLink>,
    },
    /// `restore(backup)`.
    Restore {
        /// The backup file's bytes.
        backup: Vec<u8>,
    },
    /// `server_set_info(level, info)`.
    ServerSetInfo {
        /// Level 1 or 2.
        level: u32,
        /// The port settings.
        info: ServerInfo,
    },
    /// `server_set_info_ex(config)`.
    ServerSetInfoEx {
        /// The protocols to set and their settings.
        config: ServerSetConfigEx,
    },
    /// `interface_create(info)`; its outcome is [`BatchOutcome::Interface`].
    InterfaceCreate {
        /// The new interface.
        info: Interface,
    },
    /// `interface_delete(id)`.
    InterfaceDelete {
        /// Which interface.
        interface: IfRef,
    },
    /// `interface_set_info(id, level, info)`.
    InterfaceSetInfo {
        /// Which interface.
        interface: IfRef,
        /// Level 0-3.
        level: u32,
        /// The new values.
        info: Interface,
    },
    /// `interface_set_custom_info(id, info)`.
    InterfaceSetCustomInfo {
        /// Which interface.
        interface: IfRef,
        /// The custom IKEv2 configuration.
        info: CustomInfoEx,
    },
    /// `if_transport_add(interface, protocol_id, name, info)`; its outcome is
    /// [`BatchOutcome::IfTransport`].
    IfTransportAdd {
        /// Which interface.
        interface: IfRef,
        /// The transport's protocol id.
        protocol_id: u32,
        /// The subkey name (`None`: the default name).
        name: Option<String>,
        /// The `InterfaceInfo` blob (`None`: no blob, or unchanged when it exists).
        info: Option<Vec<u8>>,
    },
    /// `if_transport_remove(id)`.
    IfTransportRemove {
        /// Which interface.
        interface: IfRef,
        /// The transport's protocol id.
        protocol_id: u32,
    },
    /// `if_transport_set_info(id, info)`.
    IfTransportSetInfo {
        /// Which interface.
        interface: IfRef,
        /// The transport's protocol id.
        protocol_id: u32,
        /// The new `InterfaceInfo` blob.
        info: Vec<u8>,
    },
    /// `transport_create(...)`; its outcome is [`BatchOutcome::Transport`].
    TransportCreate {
        /// The protocol id.
        protocol_id: u32,
        /// The subkey name (`None`: the default name).
        name: Option<String>,
        /// `GlobalInfo`.
        global_info: Option<Vec<u8>>,
        /// `GlobalInterfaceInfo`.
        client_interface_info: Option<Vec<u8>>,
        /// `DLLPath`.
        dll_path: Option<String>,
    },
    /// `transport_delete(id)`.
    TransportDelete {
        /// The protocol id.
        protocol_id: u32,
    },
    /// `transport_set_info(...)` (`None` items unchanged).
    TransportSetInfo {
        /// The protocol id.
        protocol_id: u32,
        /// `GlobalInfo`.
        global_info: Option<Vec<u8>>,
        /// `GlobalInterfaceInfo`.
        client_interface_info: Option<Vec<u8>>,
        /// `DLLPath`.
        dll_path: Option<String>,
    },
    /// `filter_set_info(protocol_id, enable)`.
    FilterSetInfo {
        /// The transport's protocol id.
        protocol_id: u32,
        /// Static filters on or off.
        enable: bool,
    },
    /// Fails the batch with `ERROR_INVALID_STATE` (5023) unless `object` exists and still has
    /// `version` (905 / 902 if it does not exist). Writes nothing.
    RequireVersion {
        /// Which object.
        object: ObjectRef,
        /// The version it must have.
        version: Version,
    },
}

impl BatchOp {
    /// The name of the step (the `RouterConfig` method it runs), for messages.
    pub fn name(&self) -> &'static str {
        match self {
            BatchOp::Install { .. } => "install",
            BatchOp::Restore { .. } => "restore",
            BatchOp::ServerSetInfo { .. } => "server_set_info",
            BatchOp::ServerSetInfoEx { .. } => "server_set_info_ex",
            BatchOp::InterfaceCreate { .. } => "interface_create",
            BatchOp::InterfaceDelete { .. } => "interface_delete",
            BatchOp::InterfaceSetInfo { .. } => "interface_set_info",
            BatchOp::InterfaceSetCustomInfo { .. } => "interface_set_custom_info",
            BatchOp::IfTransportAdd { .. } => "if_transport_add",
            BatchOp::IfTransportRemove { .. } => "if_transport_remove",
            BatchOp::IfTransportSetInfo { .. } => "if_transport_set_info",
            BatchOp::TransportCreate { .. } => "transport_create",
            BatchOp::TransportDelete { .. } => "transport_delete",
            BatchOp::TransportSetInfo { .. } => "transport_set_info",
            BatchOp::FilterSetInfo { .. } => "filter_set_info",
            BatchOp::RequireVersion { .. } => "require_version",
        }
    }
}

/// What one successful step produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BatchOutcome {
    /// The step has no result (deletes, set-infos, version checks, install, restore).
    Done,
    /// The interface an [`BatchOp::InterfaceCreate`] step created.
    Interface(InterfaceId),
    /// The interface-transport an [`BatchOp::IfTransportAdd`] step added or updated.
    IfTransport(IfTransportId),
    /// The transport a [`BatchOp::TransportCreate`] step created or updated.
    Transport(TransportId),
}

/// Why a batch failed. Nothing of it was applied.
#[derive(Clone, PartialEq, Eq)]
pub struct BatchError {
    /// The failing step (0-based), or `None` when the batch as a whole failed (the store
    /// could not commit, the connection was lost, the batch is malformed as a whole).
    pub step: Option<usize>,
    /// The error, with the code the step's single call would have given; its detail names the
    /// step and says that nothing was applied.
    pub error: Error,
}

impl BatchError {
    /// The failure of step `step` (named `name`) of a batch of `len` steps.
    pub fn at_step(step: usize, len: usize, name: &str, error: Error) -> Self {
        let error = Error::new(
            error.code,
            format!(
                "batch step {} of {len} (index {step}, {name}) failed, nothing was applied: {}",
                step + 1,
                if error.detail.is_empty() {
                    error.code.message().unwrap_or("unknown error")
                } else {
                    &error.detail
                }
            ),
        );
        BatchError {
            step: Some(step),
            error,
        }
    }

    /// A failure of the batch as a whole.
    pub fn whole(error: Error) -> Self {
        BatchError { step: None, error }
    }

    /// The Win32 code.
    pub fn code(&self) -> WinError {
        self.error.code
    }
}

impl fmt::Debug for BatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BatchError(step {:?}, {:?})", self.step, self.error)
    }
}

impl fmt::Display for BatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for BatchError {}

impl From<BatchError> for Error {
    fn from(e: BatchError) -> Self {
        e.error
    }
}

impl From<Error> for BatchError {
    fn from(e: Error) -> Self {
        BatchError::whole(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_errors_name_the_step_and_keep_the_code() {
        let e = BatchError::at_step(
            4,
            5,
            "interface_delete",
            Error::new(WinError::ERROR_NO_SUCH_INTERFACE, "gone"),
        );
        assert_eq!(e.step, Some(4));
        assert_eq!(e.code(), WinError::ERROR_NO_SUCH_INTERFACE);
        assert_eq!(
            e.error.detail,
            "batch step 5 of 5 (index 4, interface_delete) failed, nothing was applied: gone"
        );
        let plain: Error = e.into();
        assert_eq!(plain.code, WinError::ERROR_NO_SUCH_INTERFACE);
    }
}
