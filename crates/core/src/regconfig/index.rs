//! The interface name index and the interface listing cache.
//!
//! Both describe one registry generation exactly. When the generation moves (a write by
//! anyone) they are read again — except after this value's own writes, which advance the index
//! in place with what they changed, and after writes whose every change the store's change log
//! shows ([`carried_over`]): those that left every interface alone carry both over unchanged,
//! and the listing takes in just the interfaces the others changed. So a warm index makes name
//! lookups O(1), and a write elsewhere does not make the next listing of 10,000 interfaces read
//! them all again.
//!
//! Inside a write transaction the shared index is never changed: the transaction keeps its own
//! changes beside it ([`TxIndex`]), looks names up through both (so a batch that creates and
//! then names an interface finds it), and hands them to the shared index only once it has
//! committed. A transaction that fails therefore leaves the caches exactly as they were, and
//! other threads reading meanwhile never see uncommitted names.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, PoisonError};

use super::interfaces::{INTERFACE_VALUES, interface_entry, parse_interface, parse_interface_lent};
use super::values::{is_not_found, values_or_none};
use super::{RegistryConfig, WriteCtx};
use crate::changes::ChangedObject;
use crate::layout as l;
use crate::model::*;
use crate::registry::fold;
use crate::{Error, Registry, RegistryTx, Result, WinError};

/// Interface name → key number, exact for the registry generation it was built at.
#[derive(Debug)]
pub(super) struct NameIndex {
    generation: u64,
    /// The change log position it is known exact at (at or before `generation`'s last
    /// change; `None`: the store keeps no log).
    seq: Option<u64>,
    /// Folded interface name → (key number, stored name).
    pub(super) by_name: HashMap<String, (u32, String)>,
    /// Every canonical numeric subkey of `Interfaces`, interface or not (new keys are max + 1).
    keys: BTreeSet<u32>,
    /// Interfaces hidden behind another of the same name (only outside edits make these); while
    /// there are any, a delete cannot be applied to the index exactly and forces a rebuild.
    shadowed: usize,
}

/// The interface index as one write transaction sees it.
pub(super) enum TxIndex {
    /// The transaction has not changed anything the index records: the shared index, at the
    /// generation the transaction started from, is exact for it.
    Clean,
    /// The transaction's own changes on top of the shared index at the start generation:
    /// folded name → `Some((key, name))` created or `None` deleted; key number → present.
    Delta {
        names: HashMap<String, Option<(u32, String)>>,
        keys: BTreeMap<u32, bool>,
    },
    /// An index built inside the transaction after it changed things: exact for it.
    Local(NameIndex),
    /// The transaction changed more than can be tracked (install, restore, deleting a name
    /// another key shadows): the next lookup builds a [`TxIndex::Local`] one.
    Stale,
}

impl NameIndex {
    fn build(tx: &mut dyn RegistryTx, generation: u64) -> Result<Self> {
        let mut by_name: HashMap<String, (u32, String)> = HashMap::new();
        let mut keys = BTreeSet::new();
        let mut shadowed = 0;
        let walk =
            tx.visit_subkeys_with_values(l::INTERFACES, &INTERFACE_VALUES, &mut |sub, values| {
                let Some(key) = l::parse_interface_key(sub) else {
                    return Ok(());
                };
                keys.insert(key);
                let Some(iface) = parse_interface_lent(values) else {
                    return Ok(());
                };
                // Two keys with one name can only come from outside edits: the lowest key wins.
                match by_name.entry(fold(&iface.name)) {
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert((key, iface.name));
                    }
                    std::collections::hash_map::Entry::Occupied(mut e) => {
                        shadowed += 1;
                        if key < e.get().0 {
                            e.insert((key, iface.name));
                        }
                    }
                }
                Ok(())
            });
        match walk {
            Err(e) if is_not_found(&e) => {}
            other => other?,
        }
        Ok(NameIndex {
            generation,
            seq: log_position(tx)?,
            by_name,
            keys,
            shadowed,
        })
    }

    /// Reads the interfaces at the keys `changed` again and brings the index up to date with
    /// them. `false` (the index is then to be rebuilt) where that cannot be exact: while
    /// names are shadowed, or when a changed interface takes a name another key holds.
    fn patch(&mut self, tx: &mut dyn RegistryTx, changed: &BTreeSet<u32>) -> Result<bool> {
        if changed.is_empty() {
            return Ok(true);
        }
        if self.shadowed > 0 {
            return Ok(false);
        }
        // Out first, then in: two interfaces may have swapped names in between.
        self.by_name.retain(|_, (key, _)| !changed.contains(key));
        for &key in changed {
            self.keys.remove(&key);
            let Some(values) = values_or_none(tx, &l::interface_key(key))? else {
                continue;
            };
            self.keys.insert(key);
            let Some(iface) = parse_interface(&values) else {
                continue;
            };
            match self.by_name.entry(fold(&iface.name)) {
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert((key, iface.name));
                }
                std::collections::hash_map::Entry::Occupied(_) => return Ok(false),
            }
        }
        Ok(true)
    }

    pub(super) fn next_key(&self) -> Result<u32> {
        match self.keys.last() {
            None => Ok(0),
            Some(&max) => match max.checked_add(1) {
                Some(k) => Ok(k),
                // Every number up to u32::MAX is in use at the top: take the lowest free one.
                None => (0..=u32::MAX)
                    .zip(self.keys.iter())
                    .find(|(want, have)| want != *have)
                    .map(|(k, _)| k)
                    .ok_or_else(|| {
                        Error::new(
                            WinError::ERROR_NOT_ENOUGH_MEMORY,
                            "no free interface number",
                        )
                    }),
            },
        }
    }
}

impl<R: Registry> RegistryConfig<R> {
    /// Runs `f` on the shared index if it describes `generation`.
    fn shared_at<T>(&self, generation: u64, f: impl FnOnce(&NameIndex) -> T) -> Option<T> {
        let guard = self.index.lock().unwrap_or_else(PoisonError::into_inner);
        guard.as_ref().filter(|i| i.generation == generation).map(f)
    }

    /// The index of this transaction's own view, built from `tx` when the transaction has
    /// changed things the shared index cannot account for.
    fn local_index<'c>(tx: &mut dyn RegistryTx, ctx: &'c mut WriteCtx) -> Result<&'c NameIndex> {
        if !matches!(ctx.index, TxIndex::Local(_)) {
            // The generation of a local index is only set when it is published.
            ctx.index = TxIndex::Local(NameIndex::build(tx, ctx.start)?);
        }
        match &ctx.index {
            TxIndex::Local(index) => Ok(index),
            _ => Err(Error::new(
                WinError::ERROR_INTERNAL_ERROR,
                "transaction index missing",
            )),
        }
    }

    /// The interface of a folded name as the running write transaction sees it.
    pub(super) fn tx_lookup(
        &self,
        tx: &mut dyn RegistryTx,
        ctx: &mut WriteCtx,
        folded: &str,
    ) -> Result<Option<(u32, String)>> {
        match &ctx.index {
            // Nothing changed yet: the shared index (built from this transaction if it must
            // be) is exact.
            TxIndex::Clean => return self.with_index(tx, |i| i.by_name.get(folded).cloned()),
            TxIndex::Delta { names, .. } => {
                if let Some(entry) = names.get(folded) {
                    return Ok(entry.clone());
                }
                if let Some(hit) = self.shared_at(ctx.start, |i| i.by_name.get(folded).cloned()) {
                    return Ok(hit);
                }
            }
            TxIndex::Local(index) => return Ok(index.by_name.get(folded).cloned()),
            TxIndex::Stale => {}
        }
        Ok(Self::local_index(tx, ctx)?.by_name.get(folded).cloned())
    }

    /// The key number the next interface of the running write transaction gets (max + 1).
    pub(super) fn tx_next_key(&self, tx: &mut dyn RegistryTx, ctx: &mut WriteCtx) -> Result<u32> {
        match &ctx.index {
            TxIndex::Clean => return self.with_index(tx, NameIndex::next_key)?,
            TxIndex::Delta { keys, .. } => {
                let merged = self.shared_at(ctx.start, |i| {
                    let base = i
                        .keys
                        .iter()
                        .rev()
                        .find(|k| keys.get(k) != Some(&false))
                        .copied();
                    let added = keys
                        .iter()
                        .filter(|(_, present)| **present)
                        .map(|(k, _)| *k);
                    base.into_iter().chain(added).max()
                });
                match merged {
                    Some(None) => return Ok(0),
                    Some(Some(max)) if max < u32::MAX => return Ok(max + 1),
                    // At the top of the numbering, or no shared index: the local index knows.
                    _ => {}
                }
            }
            TxIndex::Local(index) => return index.next_key(),
            TxIndex::Stale => {}
        }
        Self::local_index(tx, ctx)?.next_key()
    }

    /// Notes in the transaction's index that it created interface `key` named `name`.
    pub(super) fn tx_inserted(ctx: &mut WriteCtx, key: u32, name: &str) {
        if matches!(ctx.index, TxIndex::Clean) {
            ctx.index = TxIndex::Delta {
                names: HashMap::new(),
                keys: BTreeMap::new(),
            };
        }
        match &mut ctx.index {
            TxIndex::Delta { names, keys } => {
                names.insert(fold(name), Some((key, name.to_owned())));
                keys.insert(key, true);
            }
            TxIndex::Local(index) => {
                index.by_name.insert(fold(name), (key, name.to_owned()));
                index.keys.insert(key);
            }
            TxIndex::Clean | TxIndex::Stale => {}
        }
    }

    /// Notes in the transaction's index that it deleted interface `key` named `name`.
    pub(super) fn tx_removed(&self, ctx: &mut WriteCtx, key: u32, name: &str) {
        match &mut ctx.index {
            TxIndex::Clean | TxIndex::Delta { .. } => {
                // A delta is exact only over a shared index without shadowed names (deleting
                // one may reveal another key of the same name).
                if self.shared_at(ctx.start, |i| i.shadowed == 0) != Some(true) {
                    ctx.index = TxIndex::Stale;
                    return;
                }
                if matches!(ctx.index, TxIndex::Clean) {
                    ctx.index = TxIndex::Delta {
                        names: HashMap::new(),
                        keys: BTreeMap::new(),
                    };
                }
                if let TxIndex::Delta { names, keys } = &mut ctx.index {
                    names.insert(fold(name), None);
                    keys.insert(key, false);
                }
            }
            TxIndex::Local(index) => {
                if index.shadowed > 0 {
                    ctx.index = TxIndex::Stale;
                    return;
                }
                index.by_name.remove(&fold(name));
                index.keys.remove(&key);
            }
            TxIndex::Stale => {}
        }
    }

    /// Notes that the transaction may have changed any interface (install, restore).
    pub(super) fn tx_rebuild(ctx: &mut WriteCtx) {
        ctx.index = TxIndex::Stale;
    }

    /// After a commit that started from generation `start`: brings the shared index to
    /// `start + 1` with what the transaction did, or drops it when that cannot be exact.
    pub(super) fn publish_index(&self, start: u64, change: TxIndex) {
        let mut guard = self.index.lock().unwrap_or_else(PoisonError::into_inner);
        // The generation comes from the store (any Registry, any writer): at u64::MAX there
        // is no next value to describe, so the index is rebuilt instead of overflowing.
        let Some(next) = start.checked_add(1) else {
            *guard = None;
            return;
        };
        match change {
            TxIndex::Clean => {
                if let Some(index) = guard.as_mut().filter(|i| i.generation == start) {
                    index.generation = next;
                }
            }
            TxIndex::Delta { names, keys } => {
                // A shared index at another generation is stale or newer: the generation
                // check rebuilds it when needed.
                if let Some(index) = guard.as_mut().filter(|i| i.generation == start) {
                    for (folded, entry) in names {
                        match entry {
                            Some(e) => index.by_name.insert(folded, e),
                            None => index.by_name.remove(&folded),
                        };
                    }
                    for (key, present) in keys {
                        if present {
                            index.keys.insert(key);
                        } else {
                            index.keys.remove(&key);
                        }
                    }
                    index.generation = next;
                }
            }
            TxIndex::Local(mut index) => {
                // Exact for `next`; a shared index already at a later generation stays.
                if guard.as_ref().is_none_or(|i| i.generation <= next) {
                    index.generation = next;
                    *guard = Some(index);
                }
            }
            TxIndex::Stale => *guard = None,
        }
    }

    /// Runs `f` on the name index, (re)building it inside `tx` if it does not describe the
    /// generation `tx` sees.
    pub(super) fn with_index<T>(
        &self,
        tx: &mut dyn RegistryTx,
        f: impl FnOnce(&NameIndex) -> T,
    ) -> Result<T> {
        let generation = tx.generation()?;
        let mut guard = self.index.lock().unwrap_or_else(PoisonError::into_inner);
        let carried = match guard.as_mut() {
            Some(i) if i.generation == generation => true,
            Some(i) => match carried_over(tx, i.generation, i.seq, generation) {
                Some(c) if i.patch(tx, &c.interfaces)? => {
                    (i.generation, i.seq) = (generation, Some(c.seq));
                    true
                }
                _ => false,
            },
            None => false,
        };
        if !carried {
            *guard = Some(NameIndex::build(tx, generation)?);
        }
        match guard.as_ref() {
            Some(index) => Ok(f(index)),
            None => Err(Error::new(
                WinError::ERROR_INTERNAL_ERROR,
                "interface index missing",
            )),
        }
    }

    pub(super) fn lookup_interface(
        &self,
        tx: &mut dyn RegistryTx,
        name: &str,
    ) -> Result<Option<(u32, String)>> {
        let folded = fold(name);
        self.with_index(tx, |i| i.by_name.get(&folded).cloned())
    }

    /// The interface list in key order at the generation `tx` sees, read once per generation
    /// (so paging through a large configuration does not read it once per page).
    pub(super) fn interface_list(
        &self,
        tx: &mut dyn RegistryTx,
    ) -> Result<Arc<Vec<InterfaceEntry>>> {
        let generation = tx.generation()?;
        let held = self
            .listing
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let cached = match held {
            Some(held) if held.generation == generation => Some(held.list),
            Some(held) => match carried_over(tx, held.generation, held.seq, generation) {
                Some(c) => {
                    let list = if c.interfaces.is_empty() {
                        held.list
                    } else {
                        Arc::new(patched(tx, &held.list, &c.interfaces)?)
                    };
                    *self.listing.lock().unwrap_or_else(PoisonError::into_inner) = Some(Listing {
                        generation,
                        seq: Some(c.seq),
                        list: Arc::clone(&list),
                    });
                    Some(list)
                }
                None => None,
            },
            None => None,
        };
        let list = match cached {
            Some(list) => list,
            None => {
                // Only the values an interface is made of, lent rather than copied: the
                // listing of 10,000 interfaces allocates per interface, not per value.
                let mut items: Vec<(u32, Interface)> = Vec::new();
                let walk = tx.visit_subkeys_with_values(
                    l::INTERFACES,
                    &INTERFACE_VALUES,
                    &mut |name, values| {
                        if let Some(key) = l::parse_interface_key(name)
                            && let Some(iface) = parse_interface_lent(values)
                        {
                            items.push((key, iface));
                        }
                        Ok(())
                    },
                );
                match walk {
                    Err(e) if is_not_found(&e) => items.clear(),
                    other => other?,
                }
                items.sort_by_key(|(k, _)| *k);
                let list = Arc::new(
                    items
                        .into_iter()
                        .map(|(k, i)| interface_entry(k, i))
                        .collect::<Vec<_>>(),
                );
                let seq = log_position(tx)?;
                *self.listing.lock().unwrap_or_else(PoisonError::into_inner) = Some(Listing {
                    generation,
                    seq,
                    list: Arc::clone(&list),
                });
                list
            }
        };
        Ok(list)
    }

    /// Drops the name index and the listing, so the next call reads the store afresh.
    pub(super) fn forget_caches(&self) {
        *self.index.lock().unwrap_or_else(PoisonError::into_inner) = None;
        *self.listing.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }
}

/// The interface listing as read at one generation.
#[derive(Clone, Debug)]
pub(super) struct Listing {
    generation: u64,
    /// As [`NameIndex::seq`].
    seq: Option<u64>,
    list: Arc<Vec<InterfaceEntry>>,
}

/// The most commits a cache is carried across by reading the change log; past that, reading
/// the interfaces again is the simpler way to be exact.
const MAX_CARRIED_COMMITS: u64 = 64;

/// The most changes read from the log for that.
const MAX_CARRIED_CHANGES: usize = 1024;

/// The change log's last position as `tx` sees it (`None`: the store keeps no log).
fn log_position(tx: &mut dyn RegistryTx) -> Result<Option<u64>> {
    match tx.change_log() {
        Some(log) => log.last_seq().map(Some),
        None => Ok(None),
    }
}

/// What the change log says happened between two generations, when it says all of it.
struct Carried {
    /// The log position to remember for the later generation.
    seq: u64,
    /// The interfaces (key numbers) whose changes were logged in between.
    interfaces: BTreeSet<u32>,
}

/// The most interfaces [`patched`] reads again; more, and the whole listing is read.
const MAX_PATCHED: usize = 256;

/// What changed about the interfaces between generation `from` (when the log was at `seq` or
/// later) and generation `to`, if the log holds all of it: every commit in between recorded
/// its changes, none replaced the configuration, and at most [`MAX_PATCHED`] interfaces
/// changed. `None` otherwise — no log, a commit that logged nothing (a raw registry edit, a
/// change of the log's capacity), changes trimmed away, too many commits or interfaces, this
/// transaction's own uncommitted changes — and then the caller reads the interfaces again.
/// Changes of generation `from` or older are already in what was read.
fn carried_over(tx: &mut dyn RegistryTx, from: u64, seq: Option<u64>, to: u64) -> Option<Carried> {
    let span = to.checked_sub(from)?;
    if span == 0 || span > MAX_CARRIED_COMMITS {
        return None;
    }
    let page = tx
        .change_log()?
        .changes_after(seq?, MAX_CARRIED_CHANGES)
        .ok()?;
    if page.changes.len() >= MAX_CARRIED_CHANGES {
        return None;
    }
    let mut commits = BTreeSet::new();
    let mut interfaces = BTreeSet::new();
    for change in page.changes.iter().filter(|c| c.generation > from) {
        if change.generation > to {
            return None;
        }
        match &change.object {
            ChangedObject::Configuration => return None,
            ChangedObject::Interface(id) => {
                interfaces.insert(id.key);
            }
            ChangedObject::Server | ChangedObject::IfTransport(_) | ChangedObject::Transport(_) => {
            }
        }
        commits.insert(change.generation);
    }
    let complete = commits.len() as u64 == span && interfaces.len() <= MAX_PATCHED;
    complete.then_some(Carried {
        seq: page.last_seq,
        interfaces,
    })
}

/// `list` with the interfaces at the keys `changed` read again from `tx`: gone if their key
/// is gone or no longer an interface, replaced or added otherwise; in key order.
fn patched(
    tx: &mut dyn RegistryTx,
    list: &[InterfaceEntry],
    changed: &BTreeSet<u32>,
) -> Result<Vec<InterfaceEntry>> {
    let mut out: Vec<InterfaceEntry> = list
        .iter()
        .filter(|e| !changed.contains(&e.id.key))
        .cloned()
        .collect();
    for &key in changed {
        if let Some(values) = values_or_none(tx, &l::interface_key(key))?
            && let Some(iface) = parse_interface(&values)
        {
            out.push(interface_entry(key, iface));
        }
    }
    out.sort_by_key(|e| e.id.key);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use super::*;

    use crate::regconfig::testutil::*;

    use crate::{BatchOp, BatchOutcome, IfRef, RegValue, RouterConfig};

    #[test]
    fn a_store_generation_at_u64_max_does_not_overflow_the_name_index() {
        let r = Probe::new();
        r.generation_offset.store(u64::MAX - 1, Ordering::SeqCst);
        let c = RegistryConfig::new(Arc::clone(&r));
        c.install(&links()).unwrap();
        // Warm the index at generation u64::MAX, then write: the write sees u64::MAX.
        assert_eq!(c.interface_get_handle("loopback").unwrap().key, 0);
        assert_eq!(c.registry().generation().unwrap(), u64::MAX);
        let id = c.interface_create(&router("Edge")).unwrap();
        assert_eq!(c.interface_get_handle("EDGE").unwrap(), id);
        c.interface_delete(&id).unwrap();
        assert_eq!(
            c.interface_get_handle("Edge").unwrap_err().code,
            WinError::ERROR_NO_SUCH_INTERFACE
        );
    }

    #[test]
    fn name_index_sees_writes_made_through_another_config() {
        let (r, a) = installed();
        let b = RegistryConfig::new(Arc::clone(&r));
        assert_eq!(
            a.interface_get_handle("Shared").unwrap_err().code,
            WinError::ERROR_NO_SUCH_INTERFACE
        );
        let made = b.interface_create(&router("Shared")).unwrap();
        assert_eq!(a.interface_get_handle("SHARED").unwrap(), made);
        b.interface_delete(&made).unwrap();
        assert_eq!(
            a.interface_get_handle("shared").unwrap_err().code,
            WinError::ERROR_NO_SUCH_INTERFACE
        );
        // a's own writes advance its index; b's later writes still invalidate it.
        let mine = a.interface_create(&router("Mine")).unwrap();
        b.interface_delete(&b.interface_get_handle("mine").unwrap())
            .unwrap();
        b.interface_create(&router("Filler")).unwrap();
        let again = b.interface_create(&router("MINE")).unwrap();
        assert_ne!(again.key, mine.key);
        assert_eq!(a.interface_get_handle("Mine").unwrap(), again);
        assert_eq!(
            a.interface_get_info(&mine).unwrap_err().code,
            WinError::ERROR_NO_SUCH_INTERFACE
        );
        // Duplicate check on create uses the fresh index too.
        assert_eq!(
            a.interface_create(&router("filler")).unwrap_err().code,
            WinError::ERROR_INTERFACE_ALREADY_EXISTS
        );
    }

    #[test]
    fn concurrent_creates_through_many_configs_get_unique_keys_and_one_winner_per_name() {
        let (r, _) = installed();
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let r = Arc::clone(&r);
                std::thread::spawn(move || {
                    let c = RegistryConfig::new(r);
                    let mut won = Vec::new();
                    for i in 0..40 {
                        // Every thread creates its own names and races the others for shared ones.
                        c.interface_create(&router(&format!("T{t}-{i}"))).unwrap();
                        match c.interface_create(&router(&format!("Shared-{i}"))) {
                            Ok(id) => won.push(id),
                            Err(e) => assert_eq!(e.code, WinError::ERROR_INTERFACE_ALREADY_EXISTS),
                        }
                        assert!(c.interface_get_handle(&format!("shared-{i}")).is_ok());
                    }
                    won
                })
            })
            .collect();
        let winners: Vec<InterfaceId> = threads
            .into_iter()
            .flat_map(|t| t.join().unwrap())
            .collect();
        assert_eq!(
            winners.len(),
            40,
            "exactly one create per shared name succeeded"
        );
        let c = RegistryConfig::new(Arc::clone(&r));
        let all = c.interface_enum(0, u32::MAX).unwrap().entries;
        assert_eq!(all.len(), 4 + 4 * 40 + 40);
        let keys: BTreeSet<u32> = all.iter().map(|e| e.id.key).collect();
        assert_eq!(keys.len(), all.len(), "no key was handed out twice");
        let names: BTreeSet<String> = all.iter().map(|e| fold(&e.info.name)).collect();
        assert_eq!(names.len(), all.len());
        for w in winners {
            assert_eq!(c.interface_get_handle(&w.name).unwrap(), w);
        }
    }

    #[test]
    fn name_index_sees_raw_registry_edits() {
        let (r, c) = installed();
        assert!(c.interface_get_handle("Raw").is_err());
        raw_write(&*r, |tx| {
            let p = l::interface_key(77);
            tx.create_key(&p)?;
            tx.set_value(&p, l::INTERFACE_NAME, &RegValue::sz("Raw"))?;
            tx.set_value(&p, l::TYPE, &RegValue::dword(2))
        });
        assert_eq!(
            c.interface_get_handle("raw").unwrap(),
            InterfaceId {
                key: 77,
                name: "Raw".into()
            }
        );
        assert_eq!(c.interface_create(&router("Next")).unwrap().key, 78);
    }

    #[test]
    fn deleting_one_of_two_same_named_interfaces_reveals_the_other() {
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
        let first = c.interface_get_handle("dup").unwrap();
        assert_eq!(
            first,
            InterfaceId {
                key: 50,
                name: "Dup".into()
            }
        );
        c.interface_delete(&first).unwrap();
        assert_eq!(
            c.interface_get_handle("dup").unwrap(),
            InterfaceId {
                key: 60,
                name: "DUP".into()
            }
        );
    }

    #[test]
    fn warm_index_makes_single_object_calls_scan_nothing() {
        let probe = Probe::new();
        let c = RegistryConfig::new(Arc::clone(&probe));
        c.install(&links()).unwrap();
        for i in 0..50 {
            c.interface_create(&router(&format!("R{i}"))).unwrap();
        }
        c.interface_get_handle("R0").unwrap(); // warm after install's rebuild
        probe.interface_scans.store(0, Ordering::SeqCst);
        for i in 0..50 {
            let id = c.interface_get_handle(&format!("r{i}")).unwrap();
            c.interface_get_info(&id).unwrap();
            let mut info = router(&id.name);
            info.enabled = i % 2 == 0;
            c.interface_set_info(&id, 0, &info).unwrap();
            c.if_transport_add(&id, pid::IP, None, Some(&l::DEFAULT_INTERFACE_INFO))
                .unwrap();
            let extra = c.interface_create(&router(&format!("X{i}"))).unwrap();
            c.interface_delete(&extra).unwrap();
            assert!(c.interface_get_handle(&format!("X{i}")).is_err());
        }
        assert_eq!(probe.interface_scans.load(Ordering::SeqCst), 0);
        c.refresh().unwrap();
        c.interface_get_handle("R1").unwrap();
        assert_eq!(
            probe.interface_scans.load(Ordering::SeqCst),
            1,
            "refresh drops the index"
        );
    }

    /// A reading configuration warmed over `probe` (listing and name index), its scans reset.
    fn warm_reader(probe: &Arc<Probe>) -> RegistryConfig<Arc<Probe>> {
        let c = RegistryConfig::new(Arc::clone(probe));
        assert!(c.interface_enum(0, u32::MAX).unwrap().entries.len() >= 6);
        c.interface_get_handle("C1").unwrap();
        probe.interface_scans.store(0, Ordering::SeqCst);
        c
    }

    /// A store with three interfaces, and the (warm) configuration that wrote them: it
    /// stands for another process writing.
    fn probe_with_three() -> (Arc<Probe>, RegistryConfig<Arc<Probe>>) {
        let probe = Probe::new();
        let w = RegistryConfig::new(Arc::clone(&probe));
        w.install(&links()).unwrap();
        for i in 0..3 {
            w.interface_create(&router(&format!("C{i}"))).unwrap();
        }
        w.interface_get_handle("C0").unwrap();
        (probe, w)
    }

    #[test]
    fn the_listing_and_name_index_outlive_logged_writes_elsewhere_that_leave_interfaces_alone() {
        let (probe, w) = probe_with_three();
        let c = warm_reader(&probe);
        let before = c.interface_enum(0, u32::MAX).unwrap().entries;
        // The other configuration writes filters and an interface-transport: none of it is
        // in the listing.
        let id = w.interface_get_handle("C2").unwrap();
        w.filter_set_info(pid::IP, true).unwrap();
        w.if_transport_add(&id, pid::IP, None, Some(&l::DEFAULT_INTERFACE_INFO))
            .unwrap();
        w.filter_set_info(pid::IP, false).unwrap();
        assert_eq!(c.interface_enum(0, u32::MAX).unwrap().entries, before);
        assert_eq!(c.interface_get_handle("c2").unwrap(), id);
        assert_eq!(probe.interface_scans.load(Ordering::SeqCst), 0);
        // Carried to the new generation: the next unrelated write is checked from there.
        w.filter_set_info(pid::IP, true).unwrap();
        assert_eq!(c.interface_enum(0, u32::MAX).unwrap().entries, before);
        assert_eq!(probe.interface_scans.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn interface_changes_elsewhere_patch_the_listing_and_index_with_just_those_interfaces() {
        let (probe, w) = probe_with_three();
        let c = warm_reader(&probe);
        let scans = |n| assert_eq!(probe.interface_scans.swap(0, Ordering::SeqCst), n);
        let fresh = || {
            RegistryConfig::new(Arc::clone(&probe))
                .interface_enum(0, u32::MAX)
                .unwrap()
                .entries
        };
        let id = w.interface_get_handle("C0").unwrap();
        let mut info = router("C0");
        info.enabled = false;
        w.interface_set_info(&id, 0, &info).unwrap();
        let listed = c.interface_enum(0, u32::MAX).unwrap().entries;
        assert!(!listed.iter().find(|e| e.id == id).unwrap().info.enabled);
        scans(0);
        // Several commits with creates, a delete and a change, mixed with other writes.
        w.interface_delete(&id).unwrap();
        let added = w.interface_create(&router("C9")).unwrap();
        w.filter_set_info(pid::IP, true).unwrap();
        let c1 = w.interface_get_handle("C1").unwrap();
        let mut info = router("C1");
        info.enabled = false;
        w.interface_set_info(&c1, 0, &info).unwrap();
        let listed = c.interface_enum(0, u32::MAX).unwrap().entries;
        scans(0);
        assert!(listed.iter().all(|e| e.id != id));
        assert_eq!(listed.last().unwrap().id, added);
        assert_eq!(listed, fresh());
        scans(1);
        // The name index takes in the same interfaces.
        assert_eq!(c.interface_get_handle("c9").unwrap(), added);
        assert!(c.interface_get_handle("C0").is_err());
        assert_eq!(c.interface_get_handle("c1").unwrap(), c1);
        scans(0);
        // A name deleted and created again elsewhere, in one batch: the new key.
        let c2 = w.interface_get_handle("C2").unwrap();
        let again = w
            .apply_batch(&[
                BatchOp::InterfaceDelete {
                    interface: IfRef::Id(c2.clone()),
                },
                BatchOp::InterfaceCreate { info: router("C2") },
            ])
            .unwrap();
        let BatchOutcome::Interface(new_c2) = &again[1] else {
            panic!("{again:?}")
        };
        assert_ne!(new_c2.key, c2.key);
        assert_eq!(&c.interface_get_handle("c2").unwrap(), new_c2);
        assert_eq!(c.interface_enum(0, u32::MAX).unwrap().entries, fresh());
        scans(1);
    }

    #[test]
    fn an_unlogged_write_or_a_long_gap_elsewhere_rereads_the_interfaces() {
        let (probe, w) = probe_with_three();
        let scans = |n| assert_eq!(probe.interface_scans.swap(0, Ordering::SeqCst), n);
        // A commit that logged nothing (a raw registry edit, even far from the interfaces).
        let c = warm_reader(&probe);
        raw_write(&*probe, |tx| tx.create_key(r"SOFTWARE\Elsewhere").map(drop));
        c.interface_enum(0, u32::MAX).unwrap();
        scans(1);
        // More commits than are worth reading the log for.
        let c = warm_reader(&probe);
        for i in 0..=MAX_CARRIED_COMMITS {
            w.filter_set_info(pid::IP, i % 2 == 0).unwrap();
        }
        c.interface_enum(0, u32::MAX).unwrap();
        scans(1);
    }

    #[test]
    fn paging_reads_the_interface_list_once_per_generation() {
        let probe = Probe::new();
        let c = RegistryConfig::new(Arc::clone(&probe));
        c.install(&links()).unwrap();
        for i in 0..10 {
            c.interface_create(&router(&format!("P{i}"))).unwrap();
        }
        probe.interface_scans.store(0, Ordering::SeqCst);
        let mut names = Vec::new();
        let mut resume = 0;
        loop {
            let p = c.interface_enum(resume, 3).unwrap();
            names.extend(p.entries.into_iter().map(|e| e.info.name));
            resume = p.next_resume;
            if resume == 0 {
                break;
            }
        }
        assert_eq!(names.len(), 14);
        assert_eq!(probe.interface_scans.load(Ordering::SeqCst), 1);
        // A write by anyone changes the generation: the next page reads the list again.
        raw_write(&*probe, |tx| {
            let p = l::interface_key(99);
            tx.create_key(&p)?;
            tx.set_value(&p, l::INTERFACE_NAME, &RegValue::sz("Late"))?;
            tx.set_value(&p, l::TYPE, &RegValue::dword(2))
        });
        let p = c.interface_enum(0, u32::MAX).unwrap();
        assert_eq!(p.entries.last().unwrap().info.name, "Late");
        assert_eq!(probe.interface_scans.load(Ordering::SeqCst), 2);
    }

    /// One write by "another process" in the model test below.
    fn foreign_write(w: &RegistryConfig<Arc<Probe>>, probe: &Probe, op: u8, n: u8) {
        let name = format!("M{}", n % 6);
        let found = w.interface_get_handle(&name);
        match (op % 6, found) {
            (0, Err(_)) => drop(w.interface_create(&router(&name)).unwrap()),
            (1, Ok(id)) => w.interface_delete(&id).unwrap(),
            (2, Ok(id)) => {
                let mut info = router(&name);
                info.enabled = n.is_multiple_of(2);
                w.interface_set_info(&id, 0, &info).unwrap();
            }
            (3, _) => w.filter_set_info(pid::IP, n.is_multiple_of(2)).unwrap(),
            (4, Ok(id)) => {
                drop(w.if_transport_add(&id, pid::IP, None, Some(&l::DEFAULT_INTERFACE_INFO)))
            }
            (5, _) => raw_write(probe, |tx| {
                let p = l::interface_key(200 + u32::from(n % 3));
                tx.create_key(&p)?;
                tx.set_value(&p, l::INTERFACE_NAME, &RegValue::sz(&format!("Raw{n}")))?;
                tx.set_value(&p, l::TYPE, &RegValue::dword(2))
            }),
            _ => {}
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Whatever another configuration writes (interfaces, filters, interface-transports,
        /// raw edits), a warm reader's listing and name lookups equal a fresh reader's.
        #[test]
        fn carried_and_patched_caches_equal_a_fresh_read(
            writes in proptest::collection::vec((0u8..6, 0u8..12, 0u8..3), 1..40)
        ) {
            let (probe, w) = probe_with_three();
            let c = warm_reader(&probe);
            for (op, n, reads) in writes {
                foreign_write(&w, &probe, op, n);
                if reads == 0 {
                    continue; // let several commits pile up before the next read
                }
                let fresh = RegistryConfig::new(Arc::clone(&probe));
                let want = fresh.interface_enum(0, u32::MAX).unwrap().entries;
                proptest::prop_assert_eq!(&c.interface_enum(0, u32::MAX).unwrap().entries, &want);
                for e in &want {
                    proptest::prop_assert_eq!(
                        c.interface_get_handle(&e.info.name).ok(),
                        fresh.interface_get_handle(&e.info.name).ok()
                    );
                }
                for i in 0..6 {
                    let name = format!("m{i}");
                    proptest::prop_assert_eq!(
                        c.interface_get_handle(&name).ok(),
                        fresh.interface_get_handle(&name).ok()
                    );
                }
            }
        }
    }
}
