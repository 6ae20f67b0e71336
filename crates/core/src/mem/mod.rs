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
mod tests;
