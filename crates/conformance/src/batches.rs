//! Beyond Windows: atomic batches, per-object versions (compare-and-set) and the change stream
//! (`docs/design.md`, "Versions, batches and the change log"). Windows has none of these; the
//! behaviours pin down what every backend of this crate promises.

use std::sync::Arc;
use std::time::Duration;

use mprconfig_core::{
    BatchOp, BatchOutcome, ChangeKind, ChangedObject, IfRef, InterfaceType, ObjectRef,
    RouterConfig, WinError, pid,
};

use crate::Backend;
use crate::blobs::*;
use crate::support::*;

/// How long a watcher waits for a change that was committed already (generous: a slow CI
/// machine; a passing run never waits that long).
const DELIVERY: Duration = Duration::from_secs(20);

/// A change stream, or `None` (after saying why) on a backend that keeps no change log: it
/// must say so with exactly `ERROR_JOURNAL_NOT_ACTIVE` (1179).
fn watch_or_skip(
    c: &Arc<dyn RouterConfig>,
    after: Option<u64>,
) -> Option<Box<dyn mprconfig_core::ChangeStream>> {
    match Arc::clone(c).watch(after) {
        Ok(s) => Some(s),
        Err(e) if e.code == WinError::ERROR_JOURNAL_NOT_ACTIVE => {
            eprintln!("SKIPPED (change stream part): this backend keeps no change log: {e}");
            None
        }
        Err(e) => panic!("watch: expected a stream or 1179, got {e}"),
    }
}

fn router(name: &str) -> BatchOp {
    BatchOp::InterfaceCreate {
        info: iface(name, InterfaceType::FULL_ROUTER),
    }
}

/// A batch whose 5th step fails leaves no trace: no interface, no transport, no blob, no
/// change in the log; the error names step index 4 and carries the step's own code (905).
pub fn batch_whose_fifth_step_fails_leaves_no_trace(b: &dyn Backend) {
    let c: Arc<dyn RouterConfig> = Arc::from(b.connect());
    let mut changes = watch_or_skip(&c, None);
    let before = snapshot(&*c);
    let ops = vec![
        router("Batch-One"),
        BatchOp::IfTransportAdd {
            interface: IfRef::Step(0),
            protocol_id: pid::IP,
            name: None,
            info: Some(interface_info_c()),
        },
        router("Batch-Two"),
        BatchOp::FilterSetInfo {
            protocol_id: pid::IP,
            enable: true,
        },
        BatchOp::InterfaceDelete {
            interface: IfRef::Name("No-Such-Interface".into()),
        },
        router("Batch-Three"),
    ];
    let e = c.apply_batch(&ops).expect_err("the 5th step must fail");
    assert_eq!(e.step, Some(4), "{e}");
    assert_eq!(e.code(), WinError::ERROR_NO_SUCH_INTERFACE, "{e}");
    assert_same_state(&snapshot(&*c), &before, "after the failed batch");
    let other = b.connect();
    expect_code(
        other.interface_get_handle("Batch-One"),
        WinError::ERROR_NO_SUCH_INTERFACE,
        "the first step's interface from another connection",
    );
    // Nothing of the failed batch reaches the log: the first change seen is the next write.
    let id = create_router(&*other, "After-The-Batch");
    let Some(changes) = changes.as_mut() else {
        return;
    };
    let first = ok(changes.next_timeout(DELIVERY), "next change").expect("a change");
    assert_eq!(first.kind, ChangeKind::Created);
    assert_eq!(first.object, ChangedObject::Interface(id));
}

/// Later steps use what earlier ones produced: an interface created in step 0 gets its IP
/// transport in step 1 (by step reference) and a set-info by name in step 2; the outcomes are
/// one per step and the handles work from another connection.
pub fn batch_steps_use_the_results_of_earlier_steps(b: &dyn Backend) {
    let c = b.connect();
    let ops = vec![
        router("Batch-Fed"),
        BatchOp::IfTransportAdd {
            interface: IfRef::Step(0),
            protocol_id: pid::IP,
            name: None,
            info: Some(interface_info_c()),
        },
        BatchOp::IfTransportSetInfo {
            interface: IfRef::Name("batch-fed".into()),
            protocol_id: pid::IP,
            info: interface_info_b(),
        },
    ];
    let out = c.apply_batch(&ops).expect("batch");
    assert_eq!(out.len(), 3);
    let BatchOutcome::Interface(id) = &out[0] else {
        panic!("step 0 gave {:?}", out[0]);
    };
    let BatchOutcome::IfTransport(it) = &out[1] else {
        panic!("step 1 gave {:?}", out[1]);
    };
    assert_eq!(out[2], BatchOutcome::Done);
    assert_eq!(&it.interface, id);
    let other = b.connect();
    assert_eq!(
        ok(other.interface_get_handle("BATCH-FED"), "handle"),
        id.clone()
    );
    assert_eq!(
        ok(other.if_transport_get_info(it), "blob"),
        Some(interface_info_b())
    );
}

/// An empty batch succeeds and changes nothing.
pub fn batch_empty_changes_nothing(b: &dyn Backend) {
    let c = b.connect();
    let before = snapshot(&*c);
    assert_eq!(c.apply_batch(&[]).expect("empty batch"), vec![]);
    assert_same_state(&snapshot(&*c), &before, "after an empty batch");
}

/// A version changes when its object is written (by any connection) and not when it is read;
/// a conditional write with a stale version fails with `ERROR_INVALID_STATE` (5023) and
/// changes nothing, one with the current version succeeds.
pub fn batch_require_version_guards_a_read_modify_write(b: &dyn Backend) {
    let c = b.connect();
    let other = b.connect();
    let id = create_router(&*c, "Versioned");
    let it = ok(
        c.if_transport_add(&id, pid::IP, None, Some(&interface_info_c())),
        "add",
    );
    let v1 = ok(c.if_transport_get_info_versioned(&it), "versioned read");
    assert_eq!(v1.value, Some(interface_info_c()));
    let again = ok(other.if_transport_get_info_versioned(&it), "read again");
    assert_eq!(again.version, v1.version, "reads do not change versions");
    ok(other.if_transport_set_info(&it, &interface_info_b()), "set");
    let v2 = ok(c.if_transport_get_info_versioned(&it), "after the write");
    assert_ne!(v2.version, v1.version, "a write changes the version");
    let stale = vec![
        BatchOp::RequireVersion {
            object: ObjectRef::from(&it),
            version: v1.version,
        },
        BatchOp::IfTransportSetInfo {
            interface: IfRef::Id(id.clone()),
            protocol_id: pid::IP,
            info: interface_info_d(),
        },
    ];
    let e = c.apply_batch(&stale).expect_err("stale version");
    assert_eq!(e.code(), WinError::ERROR_INVALID_STATE, "{e}");
    assert_eq!(e.step, Some(0));
    assert_eq!(
        ok(c.if_transport_get_info(&it), "blob"),
        Some(interface_info_b())
    );
    let current = vec![
        BatchOp::RequireVersion {
            object: ObjectRef::from(&it),
            version: v2.version,
        },
        stale[1].clone(),
    ];
    c.apply_batch(&current).expect("current version");
    assert_eq!(
        ok(c.if_transport_get_info(&it), "blob"),
        Some(interface_info_d())
    );
    let vi = ok(c.interface_get_info_versioned(&id), "interface version");
    assert_eq!(vi.value.name, "Versioned");
    let vt = ok(
        c.transport_get_info_versioned(&ok(c.transport_get_handle(pid::IP), "ip")),
        "transport version",
    );
    assert_eq!(
        vt.version,
        ok(
            other.transport_get_info_versioned(&ok(other.transport_get_handle(pid::IP), "ip")),
            "transport version again",
        )
        .version
    );
}

/// The change stream delivers every committed change of another connection once, in order,
/// with sequence numbers that grow by one; a batch's changes share one generation.
pub fn watch_sees_each_committed_change_once_in_order(b: &dyn Backend) {
    let watcher: Arc<dyn RouterConfig> = Arc::from(b.connect());
    let Some(mut changes) = watch_or_skip(&watcher, None) else {
        return;
    };
    let start = changes.position();
    let w = b.connect();
    let id = create_router(&*w, "Watched");
    let it = ok(
        w.if_transport_add(&id, pid::IP, None, Some(&interface_info_c())),
        "add",
    );
    ok(w.if_transport_set_info(&it, &interface_info_b()), "set");
    let after_set = ok(w.if_transport_get_info_versioned(&it), "version").version;
    w.apply_batch(&[router("Watched-2"), router("Watched-3")])
        .expect("batch");
    ok(w.if_transport_remove(&it), "remove");
    let mut got = Vec::new();
    while got.len() < 6 {
        match ok(changes.next_timeout(DELIVERY), "next change") {
            Some(ch) => got.push(ch),
            None => panic!("only {} of 6 changes arrived: {got:?}", got.len()),
        }
    }
    for (i, ch) in got.iter().enumerate() {
        assert_eq!(ch.seq, start + 1 + i as u64, "{got:?}");
    }
    assert_eq!(changes.position(), start + 6);
    let kinds: Vec<_> = got.iter().map(|c| (c.kind, c.object.kind_name())).collect();
    assert_eq!(
        kinds,
        vec![
            (ChangeKind::Created, "interface"),
            (ChangeKind::Created, "interface-transport"),
            (ChangeKind::Changed, "interface-transport"),
            (ChangeKind::Created, "interface"),
            (ChangeKind::Created, "interface"),
            (ChangeKind::Deleted, "interface-transport"),
        ]
    );
    assert_eq!(
        got[3].generation, got[4].generation,
        "one batch, one commit"
    );
    assert_ne!(got[2].generation, got[3].generation);
    assert_eq!(got[1].object, ChangedObject::IfTransport(it.clone()));
    assert_eq!(
        got[2].version,
        Some(after_set),
        "a change carries the version it left"
    );
    assert_eq!(got[5].version, None);
    assert!(matches!(
        changes.next_timeout(Duration::from_millis(50)),
        Ok(None)
    ));
    // Resuming from a position delivers what followed it, once.
    let mut again = ok(Arc::clone(&watcher).watch(Some(start + 4)), "resume");
    assert_eq!(again.position(), start + 4);
    let next = ok(again.next_timeout(DELIVERY), "resumed").expect("a change");
    assert_eq!(next, got[4]);
}

/// Watching after a position beyond the last change is `ERROR_JOURNAL_ENTRY_DELETED` (1181).
pub fn watch_from_a_position_beyond_the_log_is_1181(b: &dyn Backend) {
    let c: Arc<dyn RouterConfig> = Arc::from(b.connect());
    let Some(now) = watch_or_skip(&c, None).map(|s| s.position()) else {
        return;
    };
    match Arc::clone(&c).watch(Some(now + 1000)) {
        Ok(_) => panic!("a position beyond the log was accepted"),
        Err(e) => assert_eq!(e.code, WinError::ERROR_JOURNAL_ENTRY_DELETED, "{e}"),
    }
}
