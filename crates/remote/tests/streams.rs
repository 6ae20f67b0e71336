//! The two calls outside the table of operations, against a real server on 127.0.0.1, port
//! 0: `ApplyBatch` (roles, one transaction) and the `Watch` stream (roles, limits, resuming on
//! a new connection, the end of the stream when the server stops).

mod common;

use common::{router, start};
use mprconfig_core::{BatchOp, ChangeKind, ChangedObject, IfRef, RouterConfig, WinError};
use std::sync::Arc;
use std::time::Duration;

const DELIVERY: Duration = Duration::from_secs(20);

#[test]
fn a_reader_may_watch_but_not_apply_a_batch() {
    let f = start(|_| {});
    let reader = Arc::new(f.server.connect_reader().unwrap());
    let admin = f.server.connect_admin().unwrap();
    let e = reader
        .apply_batch(&[BatchOp::InterfaceCreate {
            info: router("By-Reader"),
        }])
        .expect_err("a reader's batch");
    assert_eq!(e.code(), WinError::ERROR_ACCESS_DENIED, "{e}");
    assert_eq!(e.step, None);
    assert_eq!(
        admin.interface_get_handle("By-Reader").unwrap_err().code,
        WinError::ERROR_NO_SUCH_INTERFACE
    );
    let mut changes = Arc::clone(&reader).watch(None).expect("a reader's watch");
    let id = admin.interface_create(&router("Seen-By-Reader")).unwrap();
    let ch = changes.next_timeout(DELIVERY).unwrap().expect("a change");
    assert_eq!(ch.object, ChangedObject::Interface(id));
    assert_eq!(ch.kind, ChangeKind::Created);
}

#[test]
fn a_batch_reply_names_the_failing_step() {
    let f = start(|_| {});
    let admin = f.server.connect_admin().unwrap();
    let e = admin
        .apply_batch(&[
            BatchOp::InterfaceCreate {
                info: router("Remote-Batch"),
            },
            BatchOp::InterfaceDelete {
                interface: IfRef::Step(7),
            },
        ])
        .expect_err("a reference to a later step");
    assert_eq!(e.step, Some(1), "{e}");
    assert_eq!(e.code(), WinError::ERROR_INVALID_PARAMETER, "{e}");
    assert!(e.error.detail.contains("nothing was applied"), "{e}");
    assert_eq!(
        admin.interface_get_handle("Remote-Batch").unwrap_err().code,
        WinError::ERROR_NO_SUCH_INTERFACE
    );
}

#[test]
fn a_watch_resumed_on_a_new_connection_misses_and_repeats_nothing() {
    let f = start(|_| {});
    let admin = f.server.connect_admin().unwrap();
    let first = Arc::new(f.server.connect_reader().unwrap());
    let mut changes = Arc::clone(&first).watch(None).unwrap();
    let a = admin.interface_create(&router("Resume-A")).unwrap();
    let got = changes.next_timeout(DELIVERY).unwrap().expect("change A");
    assert_eq!(got.object, ChangedObject::Interface(a));
    let position = changes.position();
    drop(changes);
    drop(first);
    // Written while nobody watches.
    let b = admin.interface_create(&router("Resume-B")).unwrap();
    let c = admin.interface_create(&router("Resume-C")).unwrap();
    let second = Arc::new(f.server.connect_reader().unwrap());
    let mut changes = Arc::clone(&second).watch(Some(position)).unwrap();
    assert_eq!(changes.position(), position);
    let next = changes.next_timeout(DELIVERY).unwrap().expect("change B");
    assert_eq!(
        (next.seq, next.object),
        (position + 1, ChangedObject::Interface(b))
    );
    let next = changes.next_timeout(DELIVERY).unwrap().expect("change C");
    assert_eq!(
        (next.seq, next.object),
        (position + 2, ChangedObject::Interface(c))
    );
    assert!(
        changes
            .next_timeout(Duration::from_millis(100))
            .unwrap()
            .is_none()
    );
}

#[test]
fn watches_beyond_the_server_limit_are_refused_with_8() {
    let f = start(|c| c.max_watches = 1);
    let reader = Arc::new(f.server.connect_reader().unwrap());
    let _one = Arc::clone(&reader).watch(None).expect("the first watch");
    match Arc::clone(&reader).watch(None) {
        Ok(_) => panic!("a second watch beyond the limit of 1 was accepted"),
        Err(e) => assert_eq!(e.code, WinError::ERROR_NOT_ENOUGH_MEMORY, "{e}"),
    }
}

#[test]
fn a_watch_ends_with_1722_when_the_server_stops() {
    let f = start(|c| c.drain_timeout = Duration::from_secs(5));
    let reader = Arc::new(f.server.connect_reader().unwrap());
    let mut changes = Arc::clone(&reader).watch(None).unwrap();
    let server = f.server;
    let stopper = std::thread::spawn(move || server.stop());
    let end = match changes.next_timeout(DELIVERY) {
        Ok(Some(c)) => panic!("no change was made, got {c:?}"),
        Ok(None) => panic!("the stream did not end within {DELIVERY:?}"),
        Err(e) => e,
    };
    assert_eq!(end.code, WinError::RPC_S_SERVER_UNAVAILABLE, "{end}");
    // The end is final: later calls repeat it.
    assert_eq!(
        changes.next_timeout(Duration::ZERO).unwrap_err().code,
        WinError::RPC_S_SERVER_UNAVAILABLE
    );
    drop(changes);
    drop(reader);
    stopper.join().unwrap().unwrap();
}
