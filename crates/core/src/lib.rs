//! `mprconfig-core`: the Windows router configuration API (`MprConfig*`, `MprInfo*`) as pure
//! Rust semantics, with no I/O.
//!
//! It sits at the bottom of the flow: the C ABI (`mprapi`), the Rust API (`mprconfig`), the CLI
//! and the daemon all end up calling a [`RouterConfig`]; the one real implementation of the
//! semantics is [`RegistryConfig`], written once over the [`Registry`] trait, so the embedded
//! SQLite store, the in-memory [`MemRegistry`] and (later) a Windows Remote Registry client all
//! behave identically. Here also live the Win32 error codes ([`WinError`], [`Error`]), the
//! information-header codec ([`info`]), the registry layout of the `RemoteAccess` tree
//! ([`layout`]) and the `.reg` text format used for backups and exports ([`regfile`]).

pub mod batch;
pub mod blocks;
pub mod changes;
pub mod config;
pub mod error;
pub mod info;
pub mod layout;
pub mod mem;
pub mod model;
pub mod regconfig;
pub mod regfile;
pub mod registry;

pub use batch::{BatchError, BatchOp, BatchOutcome, IfRef, ObjectRef};
pub use changes::{
    Change, ChangeKind, ChangePage, ChangeRecord, ChangeStream, ChangedObject, Version, Versioned,
};
pub use config::{RouterConfig, page_range};
pub use error::{Error, Result, WinError};
pub use mem::MemRegistry;
pub use model::*;
pub use regconfig::RegistryConfig;
pub use registry::{RegValue, RegValueRef, Registry, RegistryTx, TxMode};
