//! Atomic batches and version checks: every step is the `*_in` function its single call runs,
//! all of them inside one write transaction.
//!
//! The steps' argument checks run first, before the transaction, in step order (the same
//! checks their single calls make, so a bad argument never touches the store); references to
//! earlier steps are checked then too. The first step that fails inside the transaction rolls
//! the whole batch back.

use super::interfaces::{self, interface_version, resolve_interface};
use super::{RegistryConfig, WriteCtx, backup, custom, if_transports, install, server, transports};
use crate::batch::{BatchError, BatchOp, BatchOutcome, IfRef, ObjectRef};
use crate::changes::Version;
use crate::model::*;
use crate::regfile::RegKey;
use crate::registry::fold;
use crate::{Error, Registry, RegistryTx, Result, WinError, bail};

/// A step ready to run: its arguments checked, a restore's file decoded.
enum Checked<'a> {
    Op(&'a BatchOp),
    Restore(Vec<RegKey>),
}

/// The checks of one step that need no store.
fn check_step<'a>(ops: &'a [BatchOp], index: usize) -> Result<Checked<'a>> {
    let op = &ops[index];
    match op {
        BatchOp::Install { links } => install::check_links(links)?,
        BatchOp::Restore { backup } => return backup::check_restore(backup).map(Checked::Restore),
        BatchOp::ServerSetInfo { level, info } => server::check_set_info(*level, info)?,
        BatchOp::ServerSetInfoEx { config } => server::check_set_info_ex(config)?,
        BatchOp::InterfaceCreate { info } => interfaces::check_create(info)?,
        BatchOp::InterfaceDelete { interface } => check_ref(ops, index, interface)?,
        BatchOp::InterfaceSetInfo {
            interface,
            level,
            info,
        } => {
            interfaces::check_set_info(*level, info)?;
            check_ref(ops, index, interface)?;
        }
        BatchOp::InterfaceSetCustomInfo { interface, info } => {
            custom::check_custom_info(info)?;
            check_ref(ops, index, interface)?;
        }
        BatchOp::IfTransportAdd {
            interface,
            name,
            info,
            ..
        } => {
            if_transports::check_add(name.as_deref(), info.as_deref())?;
            check_ref(ops, index, interface)?;
        }
        BatchOp::IfTransportRemove { interface, .. } => check_ref(ops, index, interface)?,
        BatchOp::IfTransportSetInfo {
            interface, info, ..
        } => {
            if_transports::check_set_info(info)?;
            check_ref(ops, index, interface)?;
        }
        BatchOp::TransportCreate {
            name,
            global_info,
            client_interface_info,
            dll_path,
            ..
        } => transports::check_items(
            name.as_deref(),
            global_info.as_deref(),
            client_interface_info.as_deref(),
            dll_path.as_deref(),
        )?,
        BatchOp::TransportSetInfo {
            global_info,
            client_interface_info,
            dll_path,
            ..
        } => transports::check_items(
            None,
            global_info.as_deref(),
            client_interface_info.as_deref(),
            dll_path.as_deref(),
        )?,
        BatchOp::TransportDelete { .. } | BatchOp::FilterSetInfo { .. } => {}
        BatchOp::RequireVersion { object, .. } => match object {
            ObjectRef::Interface(r) | ObjectRef::IfTransport(r, _) => check_ref(ops, index, r)?,
            ObjectRef::Transport(_) => {}
        },
    }
    Ok(Checked::Op(op))
}

/// A step reference must name an earlier `InterfaceCreate` step.
fn check_ref(ops: &[BatchOp], index: usize, r: &IfRef) -> Result<()> {
    if let IfRef::Step(s) = r {
        if *s >= index {
            bail!(
                WinError::ERROR_INVALID_PARAMETER,
                "step {index} refers to step {s}, which does not come before it"
            );
        }
        if !matches!(ops[*s], BatchOp::InterfaceCreate { .. }) {
            bail!(
                WinError::ERROR_INVALID_PARAMETER,
                "step {index} refers to step {s}, which is {} and creates no interface",
                ops[*s].name()
            );
        }
    }
    Ok(())
}

/// The interface a reference denotes when its step runs.
fn resolve_ref<R: Registry>(
    c: &RegistryConfig<R>,
    tx: &mut dyn RegistryTx,
    ctx: &mut WriteCtx,
    done: &[BatchOutcome],
    r: &IfRef,
) -> Result<InterfaceId> {
    match r {
        IfRef::Id(id) => Ok(id.clone()),
        IfRef::Step(s) => match done.get(*s) {
            Some(BatchOutcome::Interface(id)) => Ok(id.clone()),
            _ => Err(Error::new(
                WinError::ERROR_INTERNAL_ERROR,
                format!("step {s} produced no interface"),
            )),
        },
        IfRef::Name(name) => match c.tx_lookup(tx, ctx, &fold(name))? {
            Some((key, name)) => Ok(InterfaceId { key, name }),
            None => bail!(
                WinError::ERROR_NO_SUCH_INTERFACE,
                "no interface is named {name:?}"
            ),
        },
    }
}

fn if_transport_id(interface: InterfaceId, protocol_id: u32) -> IfTransportId {
    IfTransportId {
        interface,
        protocol_id,
    }
}

/// Runs one checked step inside the batch's transaction.
fn run_step<R: Registry>(
    c: &RegistryConfig<R>,
    tx: &mut dyn RegistryTx,
    ctx: &mut WriteCtx,
    done: &[BatchOutcome],
    step: &Checked<'_>,
) -> Result<BatchOutcome> {
    let op = match step {
        Checked::Restore(keys) => {
            backup::restore_in::<R>(tx, ctx, keys)?;
            return Ok(BatchOutcome::Done);
        }
        Checked::Op(op) => *op,
    };
    match op {
        // Restore steps were decoded while checking.
        BatchOp::Restore { .. } => Err(Error::new(
            WinError::ERROR_INTERNAL_ERROR,
            "restore step was not decoded",
        )),
        BatchOp::Install { links } => {
            install::install_in::<R>(tx, ctx, links).map(|()| BatchOutcome::Done)
        }
        BatchOp::ServerSetInfo { level, info } => {
            server::set_info_in(tx, *level, info).map(|()| BatchOutcome::Done)
        }
        BatchOp::ServerSetInfoEx { config } => {
            server::set_info_ex_in(tx, config).map(|()| BatchOutcome::Done)
        }
        BatchOp::InterfaceCreate { info } => {
            interfaces::create_in(c, tx, ctx, info).map(BatchOutcome::Interface)
        }
        BatchOp::InterfaceDelete { interface } => {
            let id = resolve_ref(c, tx, ctx, done, interface)?;
            interfaces::delete_in(c, tx, ctx, &id).map(|()| BatchOutcome::Done)
        }
        BatchOp::InterfaceSetInfo {
            interface,
            level,
            info,
        } => {
            let id = resolve_ref(c, tx, ctx, done, interface)?;
            interfaces::set_info_in(tx, &id, *level, info).map(|()| BatchOutcome::Done)
        }
        BatchOp::InterfaceSetCustomInfo { interface, info } => {
            let id = resolve_ref(c, tx, ctx, done, interface)?;
            custom::set_in(tx, &id, info).map(|()| BatchOutcome::Done)
        }
        BatchOp::IfTransportAdd {
            interface,
            protocol_id,
            name,
            info,
        } => {
            let id = resolve_ref(c, tx, ctx, done, interface)?;
            if_transports::add_in(tx, &id, *protocol_id, name.as_deref(), info.as_deref())
                .map(BatchOutcome::IfTransport)
        }
        BatchOp::IfTransportRemove {
            interface,
            protocol_id,
        } => {
            let id = resolve_ref(c, tx, ctx, done, interface)?;
            if_transports::remove_in(tx, &if_transport_id(id, *protocol_id))
                .map(|()| BatchOutcome::Done)
        }
        BatchOp::IfTransportSetInfo {
            interface,
            protocol_id,
            info,
        } => {
            let id = resolve_ref(c, tx, ctx, done, interface)?;
            if_transports::set_info_in(tx, &if_transport_id(id, *protocol_id), info)
                .map(|()| BatchOutcome::Done)
        }
        BatchOp::TransportCreate {
            protocol_id,
            name,
            global_info,
            client_interface_info,
            dll_path,
        } => transports::create_in(
            tx,
            *protocol_id,
            name.as_deref(),
            global_info.as_deref(),
            client_interface_info.as_deref(),
            dll_path.as_deref(),
        )
        .map(BatchOutcome::Transport),
        BatchOp::TransportDelete { protocol_id } => transports::delete_in(
            tx,
            &TransportId {
                protocol_id: *protocol_id,
            },
        )
        .map(|()| BatchOutcome::Done),
        BatchOp::TransportSetInfo {
            protocol_id,
            global_info,
            client_interface_info,
            dll_path,
        } => transports::set_info_in(
            tx,
            &TransportId {
                protocol_id: *protocol_id,
            },
            global_info.as_deref(),
            client_interface_info.as_deref(),
            dll_path.as_deref(),
        )
        .map(|()| BatchOutcome::Done),
        BatchOp::FilterSetInfo {
            protocol_id,
            enable,
        } => transports::filter_set_in(tx, *protocol_id, *enable).map(|()| BatchOutcome::Done),
        BatchOp::RequireVersion { object, version } => {
            let (what, current) = match object {
                ObjectRef::Interface(r) => {
                    let id = resolve_ref(c, tx, ctx, done, r)?;
                    let (iface, _) = resolve_interface(tx, &id)?;
                    (
                        format!("interface {:?}", iface.name),
                        interface_version(tx, &id)?,
                    )
                }
                ObjectRef::Transport(protocol_id) => (
                    format!("transport {protocol_id:#x}"),
                    transports::transport_version(tx, *protocol_id)?,
                ),
                ObjectRef::IfTransport(r, protocol_id) => {
                    let id = if_transport_id(resolve_ref(c, tx, ctx, done, r)?, *protocol_id);
                    (
                        format!(
                            "transport {protocol_id:#x} of interface {:?}",
                            id.interface.name
                        ),
                        if_transports::if_transport_version(tx, &id)?,
                    )
                }
            };
            require(&what, current, *version).map(|()| BatchOutcome::Done)
        }
    }
}

/// `ERROR_INVALID_STATE` unless the object is still at the expected version.
fn require(what: &str, current: Version, expected: Version) -> Result<()> {
    if current != expected {
        bail!(
            WinError::ERROR_INVALID_STATE,
            "{what} changed since it was read: it is at version {current}, not {expected}"
        );
    }
    Ok(())
}

pub(super) fn apply<R: Registry>(
    c: &RegistryConfig<R>,
    ops: &[BatchOp],
) -> Result<Vec<BatchOutcome>, BatchError> {
    let len = ops.len();
    let fail = |i: usize, e: Error| BatchError::at_step(i, len, ops[i].name(), e);
    let checked = (0..len)
        .map(|i| check_step(ops, i).map_err(|e| fail(i, e)))
        .collect::<Result<Vec<_>, BatchError>>()?;
    if checked.is_empty() {
        return Ok(Vec::new());
    }
    let mut failed = None;
    c.write(|tx, ctx| {
        let mut done = Vec::with_capacity(len);
        for (i, step) in checked.iter().enumerate() {
            match run_step(c, tx, ctx, &done, step) {
                Ok(outcome) => done.push(outcome),
                Err(e) => {
                    failed = Some(i);
                    return Err(e);
                }
            }
        }
        failed = None;
        Ok(done)
    })
    .map_err(|e| match failed {
        Some(i) => fail(i, e),
        None => BatchError::whole(e),
    })
}
