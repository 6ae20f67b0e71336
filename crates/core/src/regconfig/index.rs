//! The interface name index and the interface listing cache.
//!
//! Both describe one registry generation exactly and are thrown away when the generation
//! moves (a write by anyone) — except after this value's own writes, which advance the index
//! in place with what they changed ([`IndexChange`]), so a warm index makes name lookups O(1).

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, PoisonError};

use super::RegistryConfig;
use super::interfaces::{INTERFACE_VALUES, interface_entry, parse_interface_lent};
use super::values::is_not_found;
use crate::layout as l;
use crate::model::*;
use crate::registry::fold;
use crate::{Error, Registry, RegistryTx, Result, WinError};

/// Interface name → key number, exact for the registry generation it was built at.
#[derive(Debug)]
pub(super) struct NameIndex {
    generation: u64,
    /// Folded interface name → (key number, stored name).
    pub(super) by_name: HashMap<String, (u32, String)>,
    /// Every canonical numeric subkey of `Interfaces`, interface or not (new keys are max + 1).
    keys: BTreeSet<u32>,
    /// Interfaces hidden behind another of the same name (only outside edits make these); while
    /// there are any, a delete cannot be applied to the index exactly and forces a rebuild.
    shadowed: usize,
}

/// What a committed write did to the interface index.
pub(super) enum IndexChange {
    /// Nothing the index records changed.
    Unchanged,
    /// An interface was created.
    Inserted { key: u32, name: String },
    /// An interface was deleted.
    Removed { key: u32, name: String },
    /// Anything could have changed (install, restore).
    Rebuild,
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
            by_name,
            keys,
            shadowed,
        })
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
    pub(super) fn advance_index(&self, seen: u64, change: IndexChange) {
        let mut guard = self.index.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(index) = guard.as_mut() else { return };
        if index.generation != seen {
            return; // stale or newer: the generation check rebuilds it when needed
        }
        match change {
            IndexChange::Unchanged => {}
            IndexChange::Inserted { key, name } => {
                index.keys.insert(key);
                index.by_name.insert(fold(&name), (key, name));
            }
            IndexChange::Removed { key, name } => {
                if index.shadowed > 0 {
                    *guard = None;
                    return;
                }
                index.keys.remove(&key);
                index.by_name.remove(&fold(&name));
            }
            IndexChange::Rebuild => {
                *guard = None;
                return;
            }
        }
        // The generation comes from the store (any Registry, any writer): at u64::MAX there
        // is no next value to describe, so the index is rebuilt instead of overflowing.
        match seen.checked_add(1) {
            Some(next) => index.generation = next,
            None => *guard = None,
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
        if guard.as_ref().is_none_or(|i| i.generation != generation) {
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
        let cached = match &*self.listing.lock().unwrap_or_else(PoisonError::into_inner) {
            Some((g, list)) if *g == generation => Some(Arc::clone(list)),
            _ => None,
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
                *self.listing.lock().unwrap_or_else(PoisonError::into_inner) =
                    Some((generation, Arc::clone(&list)));
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use super::*;

    use crate::regconfig::testutil::*;

    use crate::{RegValue, RouterConfig};

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
}
