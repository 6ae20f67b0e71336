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
