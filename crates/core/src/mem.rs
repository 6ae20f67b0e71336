//! `MemRegistry`: an in-memory [`Registry`], the reference model for tests and benchmarks.
//!
//! Keys live in an arena; each key keeps its subkeys in creation order plus a case-folded
//! index, so lookups are O(path length) and enumeration is in creation order, as the
//! `Registry` contract asks. Write transactions record an undo log instead of copying the tree:
//! a transaction that returns `Err` (or panics) replays the log backwards and leaves no trace,
//! and a committed one costs only what it changed. A `RwLock` makes it thread-safe: reads
//! share, a writer is exclusive for its whole transaction.

use std::collections::{BTreeMap, HashMap};
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::{Arc, PoisonError, RwLock};

use crate::registry::{check_path, fold, names_equal};
use crate::{Error, RegValue, Registry, RegistryTx, Result, TxMode, WinError};

type KeyId = usize;
type Values = Vec<(String, RegValue)>;
const ROOT: KeyId = 0;

#[derive(Debug)]
struct KeyNode {
    name: String,
    parent: KeyId,
    /// Creation sequence number → child, so iteration is creation order.
    children: BTreeMap<u64, KeyId>,
    /// Folded child name → (sequence number, child).
    child_index: HashMap<String, (u64, KeyId)>,
    values: Values,
}

impl KeyNode {
    fn new(name: String, parent: KeyId) -> Self {
        KeyNode {
            name,
            parent,
            children: BTreeMap::new(),
            child_index: HashMap::new(),
            values: Vec::new(),
        }
    }

    fn value_index(&self, name: &str) -> Option<usize> {
        self.values.iter().position(|(n, _)| names_equal(n, name))
    }
}

#[derive(Debug)]
struct State {
    nodes: Vec<Option<KeyNode>>,
    free: Vec<KeyId>,
    next_seq: u64,
    generation: u64,
}

/// One step of a write transaction, with what is needed to take it back.
enum Undo {
    KeyCreated {
        id: KeyId,
    },
    KeyDetached {
        id: KeyId,
        parent: KeyId,
        seq: u64,
        folded: String,
    },
    ValueAdded {
        key: KeyId,
        index: usize,
    },
    ValueReplaced {
        key: KeyId,
        index: usize,
        old: RegValue,
    },
    ValueDeleted {
        key: KeyId,
        index: usize,
        name: String,
        value: RegValue,
    },
}

impl State {
    fn new() -> Self {
        State {
            nodes: vec![Some(KeyNode::new(String::new(), ROOT))],
            free: Vec::new(),
            next_seq: 0,
            generation: 0,
        }
    }

    fn node(&self, id: KeyId) -> &KeyNode {
        self.nodes[id].as_ref().expect("live key id")
    }

    fn node_mut(&mut self, id: KeyId) -> &mut KeyNode {
        self.nodes[id].as_mut().expect("live key id")
    }

    fn find(&self, path: &str) -> Option<KeyId> {
        let mut id = ROOT;
        for part in path.split('\\') {
            id = self.node(id).child_index.get(&fold(part))?.1;
        }
        Some(id)
    }

    fn find_existing(&self, path: &str) -> Result<KeyId> {
        check_path(path)?;
        self.find(path).ok_or_else(|| {
            Error::new(
                WinError::ERROR_FILE_NOT_FOUND,
                format!("registry key {path:?} does not exist"),
            )
        })
    }

    fn alloc(&mut self, node: KeyNode) -> KeyId {
        match self.free.pop() {
            Some(id) => {
                self.nodes[id] = Some(node);
                id
            }
            None => {
                self.nodes.push(Some(node));
                self.nodes.len() - 1
            }
        }
    }

    fn attach(&mut self, parent: KeyId, id: KeyId, seq: u64, folded: String) {
        let p = self.node_mut(parent);
        p.children.insert(seq, id);
        p.child_index.insert(folded, (seq, id));
    }

    /// Removes `id` from its parent's maps; the subtree stays allocated.
    fn detach(&mut self, id: KeyId) -> (KeyId, u64, String) {
        let (parent, folded) = {
            let n = self.node(id);
            (n.parent, fold(&n.name))
        };
        let p = self.node_mut(parent);
        let (seq, _) = p.child_index.remove(&folded).expect("attached child");
        p.children.remove(&seq);
        (parent, seq, folded)
    }

    fn free_subtree(&mut self, id: KeyId) {
        let mut stack = vec![id];
        while let Some(k) = stack.pop() {
            if let Some(node) = self.nodes[k].take() {
                stack.extend(node.children.values().copied());
                self.free.push(k);
            }
        }
    }

    fn rollback(&mut self, undo: Vec<Undo>) {
        for step in undo.into_iter().rev() {
            match step {
                Undo::KeyCreated { id } => {
                    self.detach(id);
                    self.free_subtree(id);
                }
                Undo::KeyDetached {
                    id,
                    parent,
                    seq,
                    folded,
                } => self.attach(parent, id, seq, folded),
                Undo::ValueAdded { key, index } => {
                    self.node_mut(key).values.remove(index);
                }
                Undo::ValueReplaced { key, index, old } => self.node_mut(key).values[index].1 = old,
                Undo::ValueDeleted {
                    key,
                    index,
                    name,
                    value,
                } => self.node_mut(key).values.insert(index, (name, value)),
            }
        }
    }

    fn commit(&mut self, undo: Vec<Undo>) {
        for step in undo {
            if let Undo::KeyDetached { id, .. } = step {
                self.free_subtree(id);
            }
        }
        self.generation += 1;
    }

    fn full_path(&self, mut id: KeyId) -> String {
        let mut parts = Vec::new();
        while id != ROOT {
            let n = self.node(id);
            parts.push(n.name.as_str());
            id = n.parent;
        }
        parts.reverse();
        parts.join("\\")
    }
}

/// An in-memory registry: case-insensitive, case-preserving key and value names, creation-order
/// enumeration, all-or-nothing transactions, the generation counter of [`Registry::generation`].
///
/// Share one between several configurations with `Arc<MemRegistry>` (an `Arc` of any registry
/// is itself a [`Registry`]).
#[derive(Debug)]
pub struct MemRegistry {
    state: RwLock<State>,
}

impl Default for MemRegistry {
    fn default() -> Self {
        Self::new()
    }
}

impl MemRegistry {
    /// An empty registry at generation 0.
    pub fn new() -> Self {
        MemRegistry {
            state: RwLock::new(State::new()),
        }
    }

    /// Every key with its values, parents before children, siblings in creation order, as full
    /// paths. For tests that compare whole trees (e.g. "a failed call left no trace").
    pub fn snapshot(&self) -> Vec<(String, Values)> {
        let state = self.state.read().unwrap_or_else(PoisonError::into_inner);
        let mut out = Vec::new();
        let mut stack: Vec<KeyId> = state.node(ROOT).children.values().rev().copied().collect();
        while let Some(id) = stack.pop() {
            let node = state.node(id);
            out.push((state.full_path(id), node.values.clone()));
            stack.extend(node.children.values().rev().copied());
        }
        out
    }
}

impl Registry for MemRegistry {
    fn transact<T>(
        &self,
        mode: TxMode,
        f: &mut dyn FnMut(&mut dyn RegistryTx) -> Result<T>,
    ) -> Result<T> {
        match mode {
            TxMode::Read => {
                let guard = self.state.read().unwrap_or_else(PoisonError::into_inner);
                let mut tx = MemTx {
                    state: TxState::Read(&guard),
                    undo: None,
                };
                f(&mut tx)
            }
            TxMode::Write => {
                let mut guard = self.state.write().unwrap_or_else(PoisonError::into_inner);
                let mut undo = Vec::new();
                let outcome = catch_unwind(AssertUnwindSafe(|| {
                    let mut tx = MemTx {
                        state: TxState::Write(&mut guard),
                        undo: Some(&mut undo),
                    };
                    f(&mut tx)
                }));
                match outcome {
                    Ok(Ok(value)) => {
                        guard.commit(undo);
                        Ok(value)
                    }
                    Ok(Err(e)) => {
                        guard.rollback(undo);
                        Err(e)
                    }
                    Err(panic) => {
                        // Restore the tree, release the lock unpoisoned, then let the panic go on.
                        guard.rollback(undo);
                        drop(guard);
                        resume_unwind(panic)
                    }
                }
            }
        }
    }

    fn generation(&self) -> Result<u64> {
        Ok(self
            .state
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .generation)
    }
}

impl<R: Registry> Registry for Arc<R> {
    fn transact<T>(
        &self,
        mode: TxMode,
        f: &mut dyn FnMut(&mut dyn RegistryTx) -> Result<T>,
    ) -> Result<T> {
        (**self).transact(mode, f)
    }

    fn generation(&self) -> Result<u64> {
        (**self).generation()
    }
}

enum TxState<'a> {
    Read(&'a State),
    Write(&'a mut State),
}

struct MemTx<'a> {
    state: TxState<'a>,
    undo: Option<&'a mut Vec<Undo>>,
}

impl MemTx<'_> {
    fn state(&self) -> &State {
        match &self.state {
            TxState::Read(s) => s,
            TxState::Write(s) => s,
        }
    }

    fn write(&mut self) -> Result<(&mut State, &mut Vec<Undo>)> {
        match (&mut self.state, &mut self.undo) {
            (TxState::Write(s), Some(undo)) => Ok((s, undo)),
            _ => Err(Error::new(
                WinError::ERROR_ACCESS_DENIED,
                "write in a read-only registry transaction",
            )),
        }
    }
}

impl RegistryTx for MemTx<'_> {
    fn key_exists(&mut self, path: &str) -> Result<bool> {
        check_path(path)?;
        Ok(self.state().find(path).is_some())
    }

    fn create_key(&mut self, path: &str) -> Result<bool> {
        check_path(path)?;
        let (state, undo) = self.write()?;
        let mut id = ROOT;
        let mut created = false;
        for part in path.split('\\') {
            let folded = fold(part);
            created = false;
            id = match state.node(id).child_index.get(&folded) {
                Some(&(_, child)) => child,
                None => {
                    let child = state.alloc(KeyNode::new(part.to_owned(), id));
                    let seq = state.next_seq;
                    state.next_seq += 1;
                    state.attach(id, child, seq, folded);
                    undo.push(Undo::KeyCreated { id: child });
                    created = true;
                    child
                }
            };
        }
        Ok(created)
    }

    fn delete_key_tree(&mut self, path: &str) -> Result<bool> {
        check_path(path)?;
        let (state, undo) = self.write()?;
        let Some(id) = state.find(path) else {
            return Ok(false);
        };
        let (parent, seq, folded) = state.detach(id);
        undo.push(Undo::KeyDetached {
            id,
            parent,
            seq,
            folded,
        });
        Ok(true)
    }

    fn subkeys(&mut self, path: &str) -> Result<Vec<String>> {
        let state = self.state();
        let id = state.find_existing(path)?;
        Ok(state
            .node(id)
            .children
            .values()
            .map(|&c| state.node(c).name.clone())
            .collect())
    }

    fn get_value(&mut self, path: &str, name: &str) -> Result<Option<RegValue>> {
        let state = self.state();
        let node = state.node(state.find_existing(path)?);
        Ok(node.value_index(name).map(|i| node.values[i].1.clone()))
    }

    fn set_value(&mut self, path: &str, name: &str, value: &RegValue) -> Result<()> {
        if name.contains('\0') {
            return Err(Error::invalid_parameter(format!(
                "registry value name {name:?} contains NUL"
            )));
        }
        let (state, undo) = self.write()?;
        let key = state.find_existing(path)?;
        let node = state.node_mut(key);
        match node.value_index(name) {
            Some(index) => {
                let old = std::mem::replace(&mut node.values[index].1, value.clone());
                undo.push(Undo::ValueReplaced { key, index, old });
            }
            None => {
                node.values.push((name.to_owned(), value.clone()));
                undo.push(Undo::ValueAdded {
                    key,
                    index: node.values.len() - 1,
                });
            }
        }
        Ok(())
    }

    fn delete_value(&mut self, path: &str, name: &str) -> Result<bool> {
        let (state, undo) = self.write()?;
        let key = state.find_existing(path)?;
        let node = state.node_mut(key);
        let Some(index) = node.value_index(name) else {
            return Ok(false);
        };
        let (name, value) = node.values.remove(index);
        undo.push(Undo::ValueDeleted {
            key,
            index,
            name,
            value,
        });
        Ok(true)
    }

    fn values(&mut self, path: &str) -> Result<Values> {
        let state = self.state();
        Ok(state.node(state.find_existing(path)?).values.clone())
    }

    fn subkeys_with_values(&mut self, path: &str) -> Result<Vec<(String, Values)>> {
        let state = self.state();
        let id = state.find_existing(path)?;
        Ok(state
            .node(id)
            .children
            .values()
            .map(|&c| {
                let n = state.node(c);
                (n.name.clone(), n.values.clone())
            })
            .collect())
    }

    fn generation(&mut self) -> Result<u64> {
        Ok(self.state().generation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write<T>(r: &MemRegistry, mut f: impl FnMut(&mut dyn RegistryTx) -> Result<T>) -> Result<T> {
        r.transact(TxMode::Write, &mut f)
    }

    fn read<T>(r: &MemRegistry, mut f: impl FnMut(&mut dyn RegistryTx) -> Result<T>) -> Result<T> {
        r.transact(TxMode::Read, &mut f)
    }

    #[test]
    fn names_are_case_insensitive_and_keep_their_case() {
        let r = MemRegistry::new();
        write(&r, |tx| {
            assert!(tx.create_key(r"SYSTEM\RemoteAccess\Interfaces")?);
            assert!(!tx.create_key(r"system\REMOTEACCESS\interfaces")?);
            tx.set_value(r"SYSTEM\RemoteAccess", "Stamp", &RegValue::dword(0))?;
            tx.set_value(r"system\remoteaccess", "STAMP", &RegValue::dword(7))?;
            Ok(())
        })
        .unwrap();
        read(&r, |tx| {
            assert_eq!(tx.subkeys("SYSTEM")?, vec!["RemoteAccess"]);
            assert_eq!(
                tx.values(r"SYSTEM\REMOTEACCESS")?,
                vec![("Stamp".to_owned(), RegValue::dword(7))]
            );
            assert!(tx.key_exists(r"System\RemoteAccess\INTERFACES")?);
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn subkeys_enumerate_in_creation_order_even_after_deletes() {
        let r = MemRegistry::new();
        write(&r, |tx| {
            for k in ["b", "a", "10", "2", "c"] {
                tx.create_key(&format!(r"R\{k}"))?;
            }
            tx.delete_key_tree(r"R\10")?;
            tx.create_key(r"R\10")?;
            Ok(())
        })
        .unwrap();
        assert_eq!(
            read(&r, |tx| tx.subkeys("R")).unwrap(),
            vec!["b", "a", "2", "c", "10"]
        );
    }

    #[test]
    fn missing_keys_are_file_not_found_and_missing_values_none() {
        let r = MemRegistry::new();
        write(&r, |tx| tx.create_key("A").map(|_| ())).unwrap();
        read(&r, |tx| {
            assert_eq!(
                tx.subkeys("B").unwrap_err().code,
                WinError::ERROR_FILE_NOT_FOUND
            );
            assert_eq!(
                tx.values(r"A\B").unwrap_err().code,
                WinError::ERROR_FILE_NOT_FOUND
            );
            assert_eq!(
                tx.get_value("B", "x").unwrap_err().code,
                WinError::ERROR_FILE_NOT_FOUND
            );
            assert_eq!(tx.get_value("A", "x")?, None);
            assert_eq!(
                tx.key_exists(r"A\\B").unwrap_err().code,
                WinError::ERROR_INVALID_PARAMETER
            );
            Ok(())
        })
        .unwrap();
        let e = write(&r, |tx| tx.set_value("B", "x", &RegValue::dword(1))).unwrap_err();
        assert_eq!(e.code, WinError::ERROR_FILE_NOT_FOUND);
    }

    #[test]
    fn read_transactions_reject_writes_with_access_denied() {
        let r = MemRegistry::new();
        let e = read(&r, |tx| tx.create_key("A")).unwrap_err();
        assert_eq!(e.code, WinError::ERROR_ACCESS_DENIED);
        assert!(r.snapshot().is_empty());
        assert_eq!(r.generation().unwrap(), 0);
    }

    #[test]
    fn failed_write_transaction_leaves_no_trace_and_keeps_the_generation() {
        let r = MemRegistry::new();
        write(&r, |tx| {
            tx.create_key(r"A\B\C")?;
            tx.set_value(r"A\B", "v1", &RegValue::dword(1))?;
            tx.set_value(r"A\B", "v2", &RegValue::sz("two"))?;
            tx.create_key(r"A\D")?;
            Ok(())
        })
        .unwrap();
        let before = r.snapshot();
        let g = r.generation().unwrap();
        let e = write(&r, |tx| {
            tx.set_value(r"A\B", "v1", &RegValue::dword(100))?; // replace
            tx.delete_value(r"A\B", "v2")?;
            tx.set_value(r"A\B", "v3", &RegValue::dword(3))?; // add
            tx.delete_key_tree(r"A\B")?;
            tx.create_key(r"A\B\New\Deep")?;
            tx.set_value(r"A\B\New", "x", &RegValue::binary(vec![1, 2]))?;
            tx.create_key(r"E\F")?;
            tx.delete_key_tree(r"E")?;
            tx.delete_key_tree(r"A\D")?;
            tx.create_key(r"A\D")?;
            Err::<(), _>(Error::invalid_parameter("abort"))
        })
        .unwrap_err();
        assert_eq!(e.detail, "abort");
        assert_eq!(r.snapshot(), before);
        assert_eq!(r.generation().unwrap(), g);
        // The restored tree is fully usable: original order and lookups intact.
        assert_eq!(read(&r, |tx| tx.subkeys("A")).unwrap(), vec!["B", "D"]);
        assert_eq!(
            read(&r, |tx| tx.get_value(r"a\b", "V2")).unwrap(),
            Some(RegValue::sz("two"))
        );
    }

    #[test]
    fn panicking_write_transaction_rolls_back_and_leaves_the_registry_usable() {
        let r = MemRegistry::new();
        write(&r, |tx| tx.create_key("Keep").map(|_| ())).unwrap();
        let before = r.snapshot();
        let caught = catch_unwind(AssertUnwindSafe(|| {
            let _ = write(&r, |tx| {
                tx.create_key("Gone")?;
                tx.delete_key_tree("Keep")?;
                panic!("closure panics mid-transaction");
                #[allow(unreachable_code)]
                Ok(())
            });
        }));
        assert!(caught.is_err());
        assert_eq!(r.snapshot(), before);
        write(&r, |tx| tx.create_key("After").map(|_| ())).unwrap();
    }

    #[test]
    fn generation_counts_committed_write_transactions_exactly() {
        let r = MemRegistry::new();
        assert_eq!(r.generation().unwrap(), 0);
        write(&r, |_tx| Ok(())).unwrap();
        assert_eq!(r.generation().unwrap(), 1);
        read(&r, |tx| {
            assert_eq!(tx.generation()?, 1);
            Ok(())
        })
        .unwrap();
        write(&r, |tx| {
            assert_eq!(tx.generation()?, 1);
            tx.create_key("A")?;
            tx.create_key("B")?;
            Ok(())
        })
        .unwrap();
        assert_eq!(r.generation().unwrap(), 2);
        let _ = write(&r, |tx| {
            tx.create_key("C")?;
            Err::<(), _>(Error::invalid_parameter("no"))
        });
        assert_eq!(r.generation().unwrap(), 2);
    }

    #[test]
    fn deleted_trees_are_gone_and_their_slots_reused() {
        let r = MemRegistry::new();
        write(&r, |tx| {
            for i in 0..50 {
                tx.create_key(&format!(r"X\{i}\Ip"))?;
            }
            Ok(())
        })
        .unwrap();
        write(&r, |tx| tx.delete_key_tree("X").map(|_| ())).unwrap();
        let slots = r.state.read().unwrap().nodes.len();
        write(&r, |tx| {
            assert!(!tx.key_exists(r"X\3\Ip")?);
            assert!(!tx.delete_key_tree("X")?);
            for i in 0..50 {
                tx.create_key(&format!(r"Y\{i}\Ip"))?;
            }
            Ok(())
        })
        .unwrap();
        assert_eq!(r.state.read().unwrap().nodes.len(), slots);
    }

    #[test]
    fn values_keep_creation_order_and_replace_in_place() {
        let r = MemRegistry::new();
        write(&r, |tx| {
            tx.create_key("K")?;
            tx.set_value("K", "b", &RegValue::dword(1))?;
            tx.set_value("K", "a", &RegValue::dword(2))?;
            tx.set_value("K", "B", &RegValue::dword(3))?;
            tx.set_value("K", "", &RegValue::sz("default"))?;
            assert!(tx.delete_value("K", "A")?);
            assert!(!tx.delete_value("K", "A")?);
            Ok(())
        })
        .unwrap();
        let vals = read(&r, |tx| tx.values("K")).unwrap();
        assert_eq!(
            vals,
            vec![
                ("b".to_owned(), RegValue::dword(3)),
                (String::new(), RegValue::sz("default"))
            ]
        );
    }

    #[test]
    fn subkeys_with_values_matches_one_call_per_key() {
        let r = MemRegistry::new();
        write(&r, |tx| {
            for i in 0..5u32 {
                let p = format!(r"I\{i}");
                tx.create_key(&p)?;
                tx.set_value(&p, "Type", &RegValue::dword(i))?;
            }
            Ok(())
        })
        .unwrap();
        let fast = read(&r, |tx| tx.subkeys_with_values("I")).unwrap();
        let slow = read(&r, |tx| {
            let mut out = Vec::new();
            for k in tx.subkeys("I")? {
                let v = tx.values(&format!(r"I\{k}"))?;
                out.push((k, v));
            }
            Ok(out)
        })
        .unwrap();
        assert_eq!(fast, slow);
        assert_eq!(fast.len(), 5);
    }

    #[test]
    fn arc_shares_one_registry() {
        let r = Arc::new(MemRegistry::new());
        let r2 = Arc::clone(&r);
        r.transact(TxMode::Write, &mut |tx| tx.create_key("Shared").map(|_| ()))
            .unwrap();
        assert!(
            r2.transact(TxMode::Read, &mut |tx| tx.key_exists("shared"))
                .unwrap()
        );
        assert_eq!(r2.generation().unwrap(), 1);
    }

    #[test]
    fn concurrent_writers_serialise_and_count_generations() {
        let r = Arc::new(MemRegistry::new());
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let r = Arc::clone(&r);
                std::thread::spawn(move || {
                    for i in 0..25 {
                        r.transact(TxMode::Write, &mut |tx| {
                            tx.create_key(&format!(r"T\{t}-{i}")).map(|_| ())
                        })
                        .unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(r.generation().unwrap(), 100);
        assert_eq!(
            r.transact(TxMode::Read, &mut |tx| tx.subkeys("T"))
                .unwrap()
                .len(),
            100
        );
    }

    /// A deliberately naive model: every key as (creation sequence, stored full path, values).
    mod model {
        use super::super::*;

        #[derive(Clone, Debug, Default)]
        pub struct Model {
            keys: Vec<(u64, String, Values)>,
            seq: u64,
        }

        fn parent(path: &str) -> &str {
            path.rfind('\\').map_or("", |i| &path[..i])
        }

        impl Model {
            fn find(&self, path: &str) -> Option<usize> {
                self.keys.iter().position(|(_, p, _)| fold(p) == fold(path))
            }

            pub fn create(&mut self, path: &str) -> bool {
                let mut stored = String::new();
                let mut created = false;
                for part in path.split('\\') {
                    let candidate = if stored.is_empty() {
                        part.to_owned()
                    } else {
                        format!("{stored}\\{part}")
                    };
                    created = false;
                    stored = match self.find(&candidate) {
                        Some(i) => self.keys[i].1.clone(),
                        None => {
                            self.seq += 1;
                            self.keys.push((self.seq, candidate.clone(), Vec::new()));
                            created = true;
                            candidate
                        }
                    };
                }
                created
            }

            pub fn delete_tree(&mut self, path: &str) -> bool {
                let f = fold(path);
                let before = self.keys.len();
                self.keys.retain(|(_, p, _)| {
                    let q = fold(p);
                    q != f && !q.starts_with(&format!("{f}\\"))
                });
                self.keys.len() != before
            }

            pub fn set(&mut self, path: &str, name: &str, v: RegValue) -> Result<()> {
                let i = self
                    .find(path)
                    .ok_or(Error::from(WinError::ERROR_FILE_NOT_FOUND))?;
                let values = &mut self.keys[i].2;
                match values.iter_mut().find(|(n, _)| names_equal(n, name)) {
                    Some(slot) => slot.1 = v,
                    None => values.push((name.to_owned(), v)),
                }
                Ok(())
            }

            pub fn delete_value(&mut self, path: &str, name: &str) -> Result<bool> {
                let i = self
                    .find(path)
                    .ok_or(Error::from(WinError::ERROR_FILE_NOT_FOUND))?;
                let values = &mut self.keys[i].2;
                let before = values.len();
                values.retain(|(n, _)| !names_equal(n, name));
                Ok(values.len() != before)
            }

            fn children(&self, path: &str) -> Vec<(u64, String, Values)> {
                let mut c: Vec<_> = self
                    .keys
                    .iter()
                    .filter(|(_, p, _)| fold(parent(p)) == fold(path))
                    .cloned()
                    .collect();
                c.sort_by_key(|(seq, _, _)| *seq);
                c
            }

            pub fn subkeys(&self, path: &str) -> Result<Vec<String>> {
                self.find(path)
                    .ok_or(Error::from(WinError::ERROR_FILE_NOT_FOUND))?;
                Ok(self
                    .children(path)
                    .into_iter()
                    .map(|(_, p, _)| p[p.rfind('\\').map_or(0, |i| i + 1)..].to_owned())
                    .collect())
            }

            pub fn snapshot(&self) -> Vec<(String, Values)> {
                let mut out = Vec::new();
                let mut stack: Vec<_> = self.children("").into_iter().rev().collect();
                while let Some((_, p, v)) = stack.pop() {
                    stack.extend(self.children(&p).into_iter().rev());
                    out.push((p, v));
                }
                out
            }
        }
    }

    mod props {
        use super::model::Model;
        use super::*;
        use proptest::prelude::*;

        #[derive(Clone, Debug)]
        enum Op {
            Create(String),
            Delete(String),
            Set(String, String, u32),
            DeleteValue(String, String),
            Subkeys(String),
        }

        fn path() -> impl Strategy<Value = String> {
            proptest::collection::vec(
                prop::sample::select(vec!["a", "A", "b", "B", "c", "é", "É"]),
                1..4,
            )
            .prop_map(|parts| parts.join("\\"))
        }

        fn name() -> impl Strategy<Value = String> {
            prop::sample::select(vec!["x", "X", "y", ""]).prop_map(str::to_owned)
        }

        fn op() -> impl Strategy<Value = Op> {
            prop_oneof![
                3 => path().prop_map(Op::Create),
                1 => path().prop_map(Op::Delete),
                3 => (path(), name(), 0u32..4).prop_map(|(p, n, v)| Op::Set(p, n, v)),
                1 => (path(), name()).prop_map(|(p, n)| Op::DeleteValue(p, n)),
                1 => path().prop_map(Op::Subkeys),
            ]
        }

        /// The observable outcome of one operation.
        fn outcome<T: std::fmt::Debug>(r: Result<T>) -> String {
            match r {
                Ok(v) => format!("ok {v:?}"),
                Err(e) => format!("err {:?}", e.code),
            }
        }

        fn apply_model(m: &mut Model, op: &Op) -> String {
            match op {
                Op::Create(p) => outcome(Ok(m.create(p))),
                Op::Delete(p) => outcome(Ok(m.delete_tree(p))),
                Op::Set(p, n, v) => outcome(m.set(p, n, RegValue::dword(*v))),
                Op::DeleteValue(p, n) => outcome(m.delete_value(p, n)),
                Op::Subkeys(p) => outcome(m.subkeys(p)),
            }
        }

        fn apply_tx(tx: &mut dyn RegistryTx, op: &Op) -> String {
            match op {
                Op::Create(p) => outcome(tx.create_key(p)),
                Op::Delete(p) => outcome(tx.delete_key_tree(p)),
                Op::Set(p, n, v) => outcome(tx.set_value(p, n, &RegValue::dword(*v))),
                Op::DeleteValue(p, n) => outcome(tx.delete_value(p, n)),
                Op::Subkeys(p) => outcome(tx.subkeys(p)),
            }
        }

        proptest! {
            #[test]
            fn transactions_agree_with_a_naive_model(
                txs in proptest::collection::vec((proptest::collection::vec(op(), 0..12), any::<bool>()), 1..12)
            ) {
                let reg = MemRegistry::new();
                let mut model = Model::default();
                let mut generation = 0;
                for (ops, commit) in &txs {
                    let mut trial = model.clone();
                    let want: Vec<String> = ops.iter().map(|op| apply_model(&mut trial, op)).collect();
                    let mut got = Vec::new();
                    let result = reg.transact(TxMode::Write, &mut |tx| {
                        got = ops.iter().map(|op| apply_tx(tx, op)).collect();
                        if *commit { Ok(()) } else { Err(Error::invalid_parameter("abort")) }
                    });
                    prop_assert_eq!(&got, &want);
                    prop_assert_eq!(result.is_ok(), *commit);
                    if *commit {
                        model = trial;
                        generation += 1;
                    }
                    prop_assert_eq!(reg.snapshot(), model.snapshot());
                    prop_assert_eq!(reg.generation().unwrap(), generation);
                }
            }
        }
    }
}
