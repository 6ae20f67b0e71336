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

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use proptest::prelude::*;

    use super::*;
    use crate::changes::{ChangeKind, ChangedObject};
    use crate::layout as l;
    use crate::regconfig::testutil::*;
    use crate::{MemRegistry, RegValue, RouterConfig};

    fn create(name: &str) -> BatchOp {
        BatchOp::InterfaceCreate { info: router(name) }
    }

    fn add_ip(interface: IfRef) -> BatchOp {
        BatchOp::IfTransportAdd {
            interface,
            protocol_id: pid::IP,
            name: None,
            info: Some(l::DEFAULT_INTERFACE_INFO.to_vec()),
        }
    }

    #[test]
    fn later_steps_use_what_earlier_steps_created() {
        let (_, c) = installed();
        let disabled = Interface {
            enabled: false,
            ..router("ignored")
        };
        let out = c
            .apply_batch(&[
                create("Edge"),
                add_ip(IfRef::Step(0)),
                BatchOp::InterfaceSetInfo {
                    interface: IfRef::Name("EDGE".into()),
                    level: 0,
                    info: disabled,
                },
                create("Other"),
                BatchOp::InterfaceDelete {
                    interface: IfRef::Name("other".into()),
                },
            ])
            .unwrap();
        let BatchOutcome::Interface(edge) = &out[0] else {
            panic!("{out:?}")
        };
        assert_eq!(
            out[1],
            BatchOutcome::IfTransport(IfTransportId {
                interface: edge.clone(),
                protocol_id: pid::IP
            })
        );
        assert_eq!(out[2], BatchOutcome::Done);
        assert!(!c.interface_get_info(edge).unwrap().enabled);
        assert_eq!(c.interface_get_handle("edge").unwrap(), *edge);
        assert_eq!(
            c.interface_get_handle("Other").unwrap_err().code,
            WinError::ERROR_NO_SUCH_INTERFACE
        );
        let it = c.if_transport_get_handle(edge, pid::IP).unwrap();
        assert_eq!(
            c.if_transport_get_info(&it).unwrap().as_deref(),
            Some(&l::DEFAULT_INTERFACE_INFO[..])
        );
    }

    #[test]
    fn a_failing_step_leaves_no_trace_in_the_store_the_caches_or_the_log() {
        let (r, c) = installed();
        let base = c.interface_create(&router("Base")).unwrap();
        c.interface_get_handle("base").unwrap(); // warm index
        let snap = r.snapshot();
        let generation = r.generation().unwrap();
        let watch = Arc::new(RegistryConfig::new(Arc::clone(&r)));
        let mut stream = Arc::clone(&watch).watch(None).unwrap();
        let e = c
            .apply_batch(&[
                create("A"),
                add_ip(IfRef::Step(0)),
                BatchOp::InterfaceDelete {
                    interface: base.clone().into(),
                },
                create("Base"),
                BatchOp::IfTransportSetInfo {
                    interface: IfRef::Name("nowhere".into()),
                    protocol_id: pid::IP,
                    info: l::DEFAULT_INTERFACE_INFO.to_vec(),
                },
            ])
            .unwrap_err();
        assert_eq!(e.step, Some(4));
        assert_eq!(e.code(), WinError::ERROR_NO_SUCH_INTERFACE);
        assert!(e.error.detail.contains("nothing was applied"), "{e}");
        assert_eq!(r.snapshot(), snap);
        assert_eq!(r.generation().unwrap(), generation);
        // The index still holds the old Base, no A, and numbering is unchanged.
        assert_eq!(c.interface_get_handle("BASE").unwrap(), base);
        assert_eq!(
            c.interface_get_handle("a").unwrap_err().code,
            WinError::ERROR_NO_SUCH_INTERFACE
        );
        let next = c.interface_create(&router("Marker")).unwrap();
        assert_eq!(next.key, base.key + 1);
        // The first change the log shows is the marker: nothing of the batch was recorded.
        let first = stream
            .next_timeout(Duration::from_secs(10))
            .unwrap()
            .unwrap();
        assert_eq!(first.object, ChangedObject::Interface(next));
        assert_eq!(first.kind, ChangeKind::Created);
    }

    #[test]
    fn argument_errors_and_bad_references_fail_before_the_store_is_touched() {
        let probe = Probe::new();
        let c = RegistryConfig::new(Arc::clone(&probe));
        c.install(&links()).unwrap();
        let generation = probe.generation().unwrap();
        let bad_blob = BatchOp::IfTransportSetInfo {
            interface: IfRef::Step(0),
            protocol_id: pid::IP,
            info: vec![1, 2, 3],
        };
        for (ops, step) in [
            (vec![create("A"), bad_blob], 1),
            (vec![create("A"), add_ip(IfRef::Step(1))], 1),
            (vec![add_ip(IfRef::Step(0))], 0),
            (
                vec![
                    create("A"),
                    BatchOp::FilterSetInfo {
                        protocol_id: pid::IP,
                        enable: true,
                    },
                    add_ip(IfRef::Step(1)),
                ],
                2,
            ),
            (vec![create(""), create("B")], 0),
        ] {
            probe.fail_write_number(0);
            let e = c.apply_batch(&ops).unwrap_err();
            assert_eq!(e.step, Some(step), "{e}");
            assert_eq!(e.code(), WinError::ERROR_INVALID_PARAMETER, "{e}");
            assert_eq!(probe.writes.load(std::sync::atomic::Ordering::SeqCst), 0);
            assert_eq!(probe.generation().unwrap(), generation);
        }
        assert_eq!(c.apply_batch(&[]).unwrap(), vec![]);
        assert_eq!(probe.generation().unwrap(), generation, "empty batch");
    }

    #[test]
    fn a_failed_write_inside_a_batch_rolls_every_step_back() {
        let probe = Probe::new();
        let c = RegistryConfig::new(Arc::clone(&probe));
        c.install(&links()).unwrap();
        let ops = [
            create("A"),
            add_ip(IfRef::Step(0)),
            create("B"),
            BatchOp::FilterSetInfo {
                protocol_id: pid::IP,
                enable: true,
            },
        ];
        let snap = probe.inner.snapshot();
        probe.fail_write_number(0);
        let backup = c.backup().unwrap();
        c.apply_batch(&ops).unwrap();
        let n = probe.writes.load(std::sync::atomic::Ordering::SeqCst);
        c.restore(&backup).unwrap();
        let restored = probe.inner.snapshot();
        assert_eq!(sorted(restored.clone()), sorted(snap));
        for k in 1..=n {
            probe.fail_write_number(k);
            let e = c.apply_batch(&ops).unwrap_err();
            assert_eq!(e.code(), WinError::ERROR_CANTWRITE, "write {k}");
            assert!(e.step.is_some());
            assert_eq!(probe.inner.snapshot(), restored, "write {k} left a trace");
            assert_eq!(
                c.interface_get_handle("A").unwrap_err().code,
                WinError::ERROR_NO_SUCH_INTERFACE
            );
        }
    }

    #[test]
    fn one_batch_cannot_create_a_name_twice_but_can_delete_and_recreate_it() {
        let (_, c) = installed();
        let e = c
            .apply_batch(&[create("Twin"), create("TWIN")])
            .unwrap_err();
        assert_eq!(
            (e.step, e.code()),
            (Some(1), WinError::ERROR_INTERFACE_ALREADY_EXISTS)
        );
        let old = c.interface_create(&router("Phoenix")).unwrap();
        let out = c
            .apply_batch(&[
                BatchOp::InterfaceDelete {
                    interface: old.clone().into(),
                },
                create("phoenix"),
            ])
            .unwrap();
        // Sequential calls would reuse the number of the deleted highest key: so does a batch.
        assert_eq!(
            out[1],
            BatchOutcome::Interface(InterfaceId {
                key: old.key,
                name: "phoenix".into()
            })
        );
        assert_eq!(
            c.interface_get_handle("PHOENIX").unwrap().name,
            "phoenix".to_owned()
        );
    }

    #[test]
    fn deleting_a_shadowing_interface_in_a_batch_reveals_the_other() {
        let (r, c) = installed();
        raw_write(&*r, |tx| {
            for (key, name) in [(60, "DUP"), (50, "Dup")] {
                let p = l::interface_key(key);
                tx.create_key(&p)?;
                tx.set_value(&p, l::INTERFACE_NAME, &RegValue::sz(name))?;
                tx.set_value(&p, l::TYPE, &RegValue::dword(2))?;
            }
            Ok(())
        });
        let out = c
            .apply_batch(&[
                BatchOp::InterfaceDelete {
                    interface: IfRef::Name("dup".into()),
                },
                BatchOp::InterfaceSetInfo {
                    interface: IfRef::Name("dup".into()),
                    level: 0,
                    info: Interface {
                        enabled: false,
                        ..router("x")
                    },
                },
            ])
            .unwrap();
        assert_eq!(out.len(), 2);
        let left = c.interface_get_handle("dup").unwrap();
        assert_eq!(left.key, 60);
        assert!(!c.interface_get_info(&left).unwrap().enabled);
    }

    #[test]
    fn versions_change_with_their_object_only_and_guard_conditional_writes() {
        let (_, c) = installed();
        let a = c.interface_create(&router("A")).unwrap();
        let b = c.interface_create(&router("B")).unwrap();
        let ip = c
            .if_transport_add(&a, pid::IP, None, Some(&l::DEFAULT_INTERFACE_INFO))
            .unwrap();
        let va = c.interface_get_info_versioned(&a).unwrap().version;
        let vt = c.if_transport_get_info_versioned(&ip).unwrap().version;
        let vip = c
            .transport_get_info_versioned(&TransportId {
                protocol_id: pid::IP,
            })
            .unwrap()
            .version;
        // Unrelated writes leave them alone.
        c.if_transport_add(&b, pid::IP, None, Some(&l::DEFAULT_INTERFACE_INFO))
            .unwrap();
        c.filter_set_info(pid::IPV6, true).unwrap();
        assert_eq!(c.interface_get_info_versioned(&a).unwrap().version, va);
        assert_eq!(c.if_transport_get_info_versioned(&ip).unwrap().version, vt);
        // A conditional write at the current version applies; then the old version fails.
        let cas = |v: Version, blob: &[u8]| {
            c.apply_batch(&[
                BatchOp::RequireVersion {
                    object: (&ip).into(),
                    version: v,
                },
                BatchOp::IfTransportSetInfo {
                    interface: a.clone().into(),
                    protocol_id: pid::IP,
                    info: blob.to_vec(),
                },
            ])
        };
        let mut edited = l::DEFAULT_INTERFACE_INFO.to_vec();
        let last = edited.len() - 1;
        edited[last] ^= 1;
        cas(vt, &edited).unwrap();
        let now = c.if_transport_get_info_versioned(&ip).unwrap();
        assert_ne!(now.version, vt);
        assert_eq!(now.value.as_deref(), Some(&edited[..]));
        let e = cas(vt, &l::DEFAULT_INTERFACE_INFO).unwrap_err();
        assert_eq!((e.step, e.code()), (Some(0), WinError::ERROR_INVALID_STATE));
        assert_eq!(
            c.if_transport_get_info(&ip).unwrap().as_deref(),
            Some(&edited[..])
        );
        // The interface and transport versions were untouched by their children's writes.
        assert_eq!(c.interface_get_info_versioned(&a).unwrap().version, va);
        let filtered = c
            .transport_get_info_versioned(&TransportId {
                protocol_id: pid::IP,
            })
            .unwrap();
        assert_eq!(filtered.version, vip);
        c.filter_set_info(pid::IP, true).unwrap();
        assert_ne!(
            c.transport_get_info_versioned(&TransportId {
                protocol_id: pid::IP
            })
            .unwrap()
            .version,
            vip,
            "the filter switch lives in the transport's GlobalInfo"
        );
        // A deleted and recreated object never gets its old version back.
        c.if_transport_remove(&ip).unwrap();
        let ip2 = c
            .if_transport_add(&a, pid::IP, None, Some(&edited))
            .unwrap();
        assert_ne!(
            c.if_transport_get_info_versioned(&ip2).unwrap().version,
            now.version
        );
        // Checks of missing objects give their usual codes.
        let e = c
            .apply_batch(&[BatchOp::RequireVersion {
                object: ObjectRef::Transport(0x4242),
                version: vip,
            }])
            .unwrap_err();
        assert_eq!(e.code(), WinError::ERROR_UNKNOWN_PROTOCOL_ID);
    }

    /// A small random batch over a few names: creates, deletes and set-infos by name, the
    /// last step sometimes failing.
    fn ops_strategy() -> impl Strategy<Value = Vec<(u8, u8)>> {
        prop::collection::vec((0u8..4, 0u8..4), 1..8)
    }

    fn op_of(kind: u8, name: u8) -> BatchOp {
        let name = format!("N{name}");
        match kind {
            0 | 1 => create(&name),
            2 => BatchOp::InterfaceDelete {
                interface: IfRef::Name(name),
            },
            _ => BatchOp::InterfaceSetInfo {
                interface: IfRef::Name(name.to_lowercase()),
                level: 0,
                info: Interface {
                    enabled: false,
                    ..router("x")
                },
            },
        }
    }

    /// The same step as a single call, resolving names as it goes.
    fn single(c: &RegistryConfig<Arc<MemRegistry>>, op: &BatchOp) -> Result<()> {
        match op {
            BatchOp::InterfaceCreate { info } => c.interface_create(info).map(|_| ()),
            BatchOp::InterfaceDelete {
                interface: IfRef::Name(n),
            } => c.interface_delete(&c.interface_get_handle(n)?),
            BatchOp::InterfaceSetInfo {
                interface: IfRef::Name(n),
                level,
                info,
            } => c.interface_set_info(&c.interface_get_handle(n)?, *level, info),
            _ => unreachable!("only generated ops"),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// A batch ends where the same calls made one by one end, or fails where they first
        /// fail and then leaves the configuration untouched; the warm index stays exact.
        #[test]
        fn a_batch_equals_its_calls_one_by_one_or_nothing(seed in ops_strategy(), pre in ops_strategy()) {
            let (_, batched) = installed();
            let (_, one_by_one) = installed();
            for (k, n) in &pre {
                let op = op_of(*k, *n);
                let _ = batched.apply_batch(std::slice::from_ref(&op));
                let _ = single(&one_by_one, &op);
            }
            batched.interface_get_handle("Loopback").unwrap();
            let ops: Vec<BatchOp> = seed.iter().map(|(k, n)| op_of(*k, *n)).collect();
            let before = batched.registry().snapshot();
            let mut first_failure = None;
            for (i, op) in ops.iter().enumerate() {
                if single(&one_by_one, op).is_err() && first_failure.is_none() {
                    first_failure = Some(i);
                    break;
                }
            }
            match (batched.apply_batch(&ops), first_failure) {
                (Ok(_), None) => prop_assert_eq!(
                    batched.registry().snapshot(),
                    one_by_one.registry().snapshot()
                ),
                (Err(e), Some(i)) => {
                    prop_assert_eq!(e.step, Some(i));
                    prop_assert_eq!(batched.registry().snapshot(), before);
                }
                (got, want) => prop_assert!(false, "batch {:?}, calls failed at {:?}", got, want),
            }
            // The cached index agrees with a fresh one.
            let fresh = RegistryConfig::new(Arc::clone(batched.registry()));
            for n in 0..4 {
                let name = format!("n{n}");
                prop_assert_eq!(
                    batched.interface_get_handle(&name).map_err(|e| e.code),
                    fresh.interface_get_handle(&name).map_err(|e| e.code)
                );
            }
            let a = batched.interface_create(&router("Probe")).map_err(|e| e.code);
            let b = RegistryConfig::new(Arc::clone(one_by_one.registry()));
            if first_failure.is_none() {
                prop_assert_eq!(a, b.interface_create(&router("Probe")).map_err(|e| e.code));
            }
        }
    }
}
