//! `MemRegistry`: an in-memory [`Registry`], the reference model for tests and benchmarks.
//!
//! Keys live in an arena; each key keeps its subkeys in creation order plus a case-folded
//! index, so lookups are O(path length) and enumeration is in creation order, as the
//! `Registry` contract asks. Write transactions record an undo log instead of copying the tree:
//! a transaction that returns `Err` (or panics) replays the log backwards and leaves no trace,
//! and a committed one costs only what it changed. A `RwLock` makes it thread-safe: reads
//! share, a writer is exclusive for its whole transaction.
//!
//! Each key carries a version (the generation of the commit that last changed it), and the
//! registry keeps a change log in memory (the last [`DEFAULT_CHANGE_LOG_CAPACITY`] changes
//! unless [`MemRegistry::with_change_log_capacity`] says otherwise); watchers wait on a
//! condition variable that every commit signals.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::{Arc, Condvar, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use crate::changes::{
    Change, ChangeLogTx, ChangePage, ChangeRecord, ChangeWaiter, DEFAULT_CHANGE_LOG_CAPACITY,
    Version, position_lost,
};
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
    /// The generation of the commit that created the key or last changed its values.
    version: u64,
}

impl KeyNode {
    fn new(name: String, parent: KeyId, version: u64) -> Self {
        KeyNode {
            name,
            parent,
            children: BTreeMap::new(),
            child_index: HashMap::new(),
            values: Vec::new(),
            version,
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
    /// The change log: the most recent changes, oldest first.
    changes: VecDeque<Change>,
    /// The sequence number of the last change appended.
    change_seq: u64,
    /// The highest sequence number trimmed from the log (0: none).
    trimmed: u64,
    change_capacity: u64,
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
    VersionSet {
        key: KeyId,
        old: u64,
    },
    ChangeAppended,
}

impl State {
    fn new(change_capacity: u64) -> Self {
        State {
            nodes: vec![Some(KeyNode::new(String::new(), ROOT, 0))],
            free: Vec::new(),
            next_seq: 0,
            generation: 0,
            changes: VecDeque::new(),
            change_seq: 0,
            trimmed: 0,
            change_capacity,
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
                Undo::VersionSet { key, old } => self.node_mut(key).version = old,
                Undo::ChangeAppended => {
                    self.changes.pop_back();
                    self.change_seq -= 1;
                }
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
        while self.changes.len() as u64 > self.change_capacity {
            if let Some(old) = self.changes.pop_front() {
                self.trimmed = old.seq;
            }
        }
    }

    /// Marks `key` as changed by the running write transaction.
    fn touch(&mut self, key: KeyId, undo: &mut Vec<Undo>) {
        let version = self.generation + 1;
        let node = self.node_mut(key);
        if node.version != version {
            undo.push(Undo::VersionSet {
                key,
                old: node.version,
            });
            node.version = version;
        }
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
    /// The generation of the last commit, signalled to waiting watchers.
    commits: Arc<Commits>,
}

#[derive(Debug, Default)]
struct Commits {
    generation: Mutex<u64>,
    signal: Condvar,
}

impl Default for MemRegistry {
    fn default() -> Self {
        Self::new()
    }
}

impl MemRegistry {
    /// An empty registry at generation 0, keeping the last [`DEFAULT_CHANGE_LOG_CAPACITY`]
    /// changes.
    pub fn new() -> Self {
        Self::with_change_log_capacity(DEFAULT_CHANGE_LOG_CAPACITY)
    }

    /// An empty registry whose change log keeps the last `capacity` changes.
    ///
    /// ```
    /// use mprconfig_core::{MemRegistry, RegistryConfig, RouterConfig, WinError};
    /// use std::sync::Arc;
    ///
    /// let config = Arc::new(RegistryConfig::new(MemRegistry::with_change_log_capacity(2)));
    /// config.install(&[])?;
    /// for _ in 0..3 {
    ///     config.filter_set_info(mprconfig_core::pid::IP, true)?;
    /// }
    /// // Changes 1 and 2 were trimmed: resuming after 0 is refused, after 2 works.
    /// let e = Arc::clone(&config).watch(Some(0)).err().unwrap();
    /// assert_eq!(e.code, WinError::ERROR_JOURNAL_ENTRY_DELETED);
    /// assert!(Arc::clone(&config).watch(Some(2)).is_ok());
    /// # Ok::<(), mprconfig_core::Error>(())
    /// ```
    pub fn with_change_log_capacity(capacity: u64) -> Self {
        MemRegistry {
            state: RwLock::new(State::new(capacity)),
            commits: Arc::default(),
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
                        let generation = guard.generation;
                        drop(guard);
                        *self
                            .commits
                            .generation
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner) = generation;
                        self.commits.signal.notify_all();
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

    fn change_waiter(&self) -> Result<Box<dyn ChangeWaiter>> {
        Ok(Box::new(MemWaiter {
            commits: Arc::clone(&self.commits),
        }))
    }
}

/// Waits on the registry's commit signal.
struct MemWaiter {
    commits: Arc<Commits>,
}

impl ChangeWaiter for MemWaiter {
    fn wait(&mut self, generation: u64, timeout: Duration) -> Result<()> {
        let deadline = Instant::now() + timeout;
        let mut g = self
            .commits
            .generation
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        // The signal is set under the lock after every commit, so a commit after the caller's
        // read is either seen here or wakes the wait below.
        while *g == generation {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            g = self
                .commits
                .signal
                .wait_timeout(g, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        Ok(())
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

    fn change_waiter(&self) -> Result<Box<dyn ChangeWaiter>> {
        (**self).change_waiter()
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
                    let version = state.generation + 1;
                    let child = state.alloc(KeyNode::new(part.to_owned(), id, version));
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
        state.touch(key, undo);
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
        state.touch(key, undo);
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

    fn key_version(&mut self, path: &str) -> Result<Option<Version>> {
        check_path(path)?;
        let state = self.state();
        Ok(state
            .find(path)
            .map(|id| Version::from_raw(state.node(id).version)))
    }

    fn change_log(&mut self) -> Option<&mut dyn ChangeLogTx> {
        Some(self)
    }
}

impl ChangeLogTx for MemTx<'_> {
    fn append_change(&mut self, change: &ChangeRecord) -> Result<u64> {
        let (state, undo) = self.write()?;
        state.change_seq += 1;
        let seq = state.change_seq;
        let generation = state.generation + 1;
        state.changes.push_back(Change {
            seq,
            generation,
            kind: change.kind,
            object: change.object.clone(),
            version: change.version,
        });
        undo.push(Undo::ChangeAppended);
        Ok(seq)
    }

    fn changes_after(&mut self, after: u64, max: usize) -> Result<ChangePage> {
        let state = self.state();
        if after < state.trimmed || after > state.change_seq {
            return Err(position_lost(after, state.trimmed, state.change_seq));
        }
        // Sequence numbers are consecutive: the first one kept is trimmed + 1.
        let skip = usize::try_from(after - state.trimmed).unwrap_or(usize::MAX);
        Ok(ChangePage {
            changes: state.changes.iter().skip(skip).take(max).cloned().collect(),
            last_seq: state.change_seq,
        })
    }

    fn last_seq(&mut self) -> Result<u64> {
        Ok(self.state().change_seq)
    }
}

#[cfg(test)]
mod tests;
