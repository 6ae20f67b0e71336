//! The change stream of [`crate::RouterConfig::watch`]: reads the store's change log in read
//! transactions and, when nothing is new, blocks on the store's [`ChangeWaiter`].
//!
//! The waiter is created before the starting position is read, so a commit after that read
//! always wakes the stream. A wake-up costs one read transaction whose first statement reads
//! the generation; the log is queried only when the generation moved. Each wait is capped at
//! [`SAFETY_POLL`], so a store whose wake-ups are lost (a file system without inotify) is still
//! followed, slowly.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::RegistryConfig;
use crate::changes::{Change, ChangeStream, ChangeWaiter, no_change_log};
use crate::{Registry, Result};

/// The longest a stream sleeps without re-reading the store.
pub(super) const SAFETY_POLL: Duration = Duration::from_secs(1);

/// How many changes one read takes from the log.
const PAGE: usize = 256;

struct RegistryChanges<R: Registry> {
    config: Arc<RegistryConfig<R>>,
    waiter: Box<dyn ChangeWaiter>,
    position: u64,
    /// The generation at which every change up to `position` was read (nothing newer then).
    caught_up_at: Option<u64>,
    pending: VecDeque<Change>,
}

pub(super) fn open<R: Registry>(
    config: Arc<RegistryConfig<R>>,
    after: Option<u64>,
) -> Result<Box<dyn ChangeStream>> {
    let waiter = config.registry.change_waiter()?;
    // Check the position now: a lost one is refused at once, not at the first change.
    let position = config.read(|tx| {
        let log = tx.change_log().ok_or_else(|| no_change_log("this store"))?;
        match after {
            None => log.last_seq(),
            Some(a) => log.changes_after(a, 0).map(|_| a),
        }
    })?;
    Ok(Box::new(RegistryChanges {
        config,
        waiter,
        position,
        caught_up_at: None,
        pending: VecDeque::new(),
    }))
}

impl<R: Registry> RegistryChanges<R> {
    /// Reads what is new since `position`; the generation the read saw.
    fn fill(&mut self) -> Result<u64> {
        let (caught_up, position) = (self.caught_up_at, self.position);
        let (generation, page) = self.config.read(|tx| {
            let generation = tx.generation()?;
            if caught_up == Some(generation) {
                return Ok((generation, None));
            }
            let log = tx.change_log().ok_or_else(|| no_change_log("this store"))?;
            Ok((generation, Some(log.changes_after(position, PAGE)?)))
        })?;
        if let Some(page) = page {
            // A full page may have more behind it: read again before waiting.
            self.caught_up_at = (page.changes.len() < PAGE).then_some(generation);
            self.pending.extend(page.changes);
        }
        Ok(generation)
    }
}

impl<R: Registry> ChangeStream for RegistryChanges<R> {
    fn position(&self) -> u64 {
        self.position
    }

    fn next_timeout(&mut self, timeout: Duration) -> Result<Option<Change>> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(change) = self.pending.pop_front() {
                self.position = change.seq;
                return Ok(Some(change));
            }
            let generation = self.fill()?;
            if !self.pending.is_empty() {
                continue;
            }
            let now = Instant::now();
            if now >= deadline {
                return Ok(None);
            }
            self.waiter
                .wait(generation, (deadline - now).min(SAFETY_POLL))?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::{BatchOp, IfRef};
    use crate::changes::{ChangeKind, ChangedObject, Version};
    use crate::layout as l;
    use crate::model::*;
    use crate::regconfig::testutil::*;
    use crate::{MemRegistry, RouterConfig, WinError};

    const LONG: Duration = Duration::from_secs(10);

    fn next(s: &mut Box<dyn ChangeStream>) -> Change {
        s.next_timeout(LONG).unwrap().expect("a change within 10 s")
    }

    #[test]
    fn every_kind_of_write_is_streamed_once_in_order_with_its_version() {
        let (r, c) = installed();
        let watcher = Arc::new(RegistryConfig::new(Arc::clone(&r)));
        let mut s = Arc::clone(&watcher).watch(None).unwrap();
        let start = s.position();
        let id = c.interface_create(&router("Edge")).unwrap();
        let it = c
            .if_transport_add(&id, pid::IP, None, Some(&l::DEFAULT_INTERFACE_INFO))
            .unwrap();
        c.if_transport_add(&id, pid::IP, None, None).unwrap(); // no blob: nothing written
        c.interface_set_info(&id, 0, &router("Edge")).unwrap(); // no-op: nothing written
        c.filter_set_info(pid::IP, true).unwrap();
        c.interface_delete(&id).unwrap();
        let expected = [
            (ChangeKind::Created, ChangedObject::Interface(id.clone())),
            (ChangeKind::Created, ChangedObject::IfTransport(it.clone())),
            (
                ChangeKind::Changed,
                ChangedObject::Transport(TransportId {
                    protocol_id: pid::IP,
                }),
            ),
            (ChangeKind::Deleted, ChangedObject::IfTransport(it.clone())),
            (ChangeKind::Deleted, ChangedObject::Interface(id.clone())),
        ];
        let mut seqs = Vec::new();
        for (kind, object) in expected {
            let ch = next(&mut s);
            assert_eq!((ch.kind, &ch.object), (kind, &object));
            assert_eq!(ch.version.is_some(), kind != ChangeKind::Deleted, "{ch:?}");
            seqs.push(ch.seq);
        }
        assert_eq!(seqs, (start + 1..=start + 5).collect::<Vec<_>>());
        assert_eq!(s.position(), start + 5);
        // The stream is drained: a bounded wait returns nothing.
        assert_eq!(s.next_timeout(Duration::ZERO).unwrap(), None);
        // A version in a record is the one the getters report.
        let id = c.interface_create(&router("Again")).unwrap();
        let ch = next(&mut s);
        assert_eq!(
            ch.version,
            Some(c.interface_get_info_versioned(&id).unwrap().version)
        );
    }

    #[test]
    fn a_batch_is_one_generation_of_consecutive_changes() {
        let (r, c) = installed();
        let mut s = Arc::new(RegistryConfig::new(Arc::clone(&r)))
            .watch(None)
            .unwrap();
        c.apply_batch(&[
            BatchOp::InterfaceCreate { info: router("A") },
            BatchOp::IfTransportAdd {
                interface: IfRef::Step(0),
                protocol_id: pid::IPV6,
                name: None,
                info: None,
            },
            BatchOp::ServerSetInfo {
                level: 1,
                info: ServerInfo {
                    pptp: PortConfig {
                        num_ports: 5,
                        port_flags: 3,
                    },
                    l2tp: PortConfig {
                        num_ports: 5,
                        port_flags: 3,
                    },
                    ..ServerInfo::default()
                },
            },
        ])
        .unwrap();
        let all: Vec<Change> = (0..3).map(|_| next(&mut s)).collect();
        assert!(
            all.iter()
                .all(|ch| ch.generation == r.generation().unwrap())
        );
        assert_eq!(all[2].object, ChangedObject::Server);
        c.install(&links()).unwrap();
        let ch = next(&mut s);
        assert_eq!(
            (ch.kind, ch.object),
            (ChangeKind::Replaced, ChangedObject::Configuration)
        );
    }

    #[test]
    fn a_watcher_thread_wakes_for_a_commit_made_elsewhere() {
        let (r, c) = installed();
        let watcher = Arc::new(RegistryConfig::new(Arc::clone(&r)));
        let mut s = Arc::clone(&watcher).watch(None).unwrap();
        let t = std::thread::spawn(move || next(&mut s));
        let id = c.interface_create(&router("Late")).unwrap();
        assert_eq!(t.join().unwrap().object, ChangedObject::Interface(id));
    }

    #[test]
    fn resuming_inside_the_window_replays_and_outside_it_is_refused() {
        let r = Arc::new(MemRegistry::with_change_log_capacity(3));
        let c = RegistryConfig::new(Arc::clone(&r));
        c.install(&links()).unwrap(); // change 1
        let w = Arc::new(RegistryConfig::new(Arc::clone(&r)));
        for _ in 0..4 {
            c.filter_set_info(pid::IP, true).unwrap(); // changes 2..=5
        }
        let mut s = Arc::clone(&w).watch(Some(2)).unwrap();
        assert_eq!(next(&mut s).seq, 3);
        for lost in [0, 1] {
            let e = Arc::clone(&w).watch(Some(lost)).err().expect("refused");
            assert_eq!(e.code, WinError::ERROR_JOURNAL_ENTRY_DELETED);
            assert!(e.detail.contains("watch from 5"), "{e}");
        }
        let e = Arc::clone(&w).watch(Some(6)).err().expect("refused");
        assert_eq!(e.code, WinError::ERROR_JOURNAL_ENTRY_DELETED);
        // A stream that falls behind the window learns it at its next read.
        let mut slow = Arc::clone(&w).watch(Some(5)).unwrap();
        for _ in 0..4 {
            c.filter_set_info(pid::IP, false).unwrap();
        }
        let e = slow.next_timeout(LONG).unwrap_err();
        assert_eq!(e.code, WinError::ERROR_JOURNAL_ENTRY_DELETED);
    }

    #[test]
    fn a_store_without_a_log_says_watching_is_not_available() {
        let probe = Probe::new();
        let c = Arc::new(RegistryConfig::new(Arc::clone(&probe)));
        c.install(&links()).unwrap();
        let e = Arc::clone(&c).watch(None).err().expect("no log");
        assert_eq!(e.code, WinError::ERROR_JOURNAL_NOT_ACTIVE);
        // Versions still work there: digests of the key's contents.
        let lo = c.interface_get_handle("Loopback").unwrap();
        let it = c.if_transport_get_handle(&lo, pid::IP).unwrap();
        let v = c.if_transport_get_info_versioned(&it).unwrap().version;
        assert_ne!(v, Version::from_raw(0));
        c.if_transport_set_info(&it, &l::DEFAULT_INTERFACE_INFO)
            .unwrap();
        assert_eq!(c.if_transport_get_info_versioned(&it).unwrap().version, v);
        let mut other = l::DEFAULT_INTERFACE_INFO.to_vec();
        *other.last_mut().unwrap() ^= 1;
        c.if_transport_set_info(&it, &other).unwrap();
        assert_ne!(c.if_transport_get_info_versioned(&it).unwrap().version, v);
    }
}
