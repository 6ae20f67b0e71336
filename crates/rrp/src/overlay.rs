//! The client side of a transaction over a registry that has none.
//!
//! A write transaction never changes the server while it runs: its changes collect in an
//! [`Overlay`] that every read inside the transaction merges over the server's view (read
//! your own writes, in the `Registry` contract's order: subkeys and values in creation order,
//! deleted trees gone, re-created keys empty). At commit the overlay becomes a list of [`Op`]s,
//! the *commit journal*, built so that replaying it from the start over any prefix of its own
//! application converges to the same tree: a key tree is deleted before anything is created
//! under it, keys are created parents first, values are set on keys that exist at that point.
//! That is what lets an interrupted commit be completed by the next writer, and lets readers
//! see a commit in progress whole, by building an overlay from the journal alone
//! ([`Overlay::from_journal`], no server round trip).

use std::collections::HashMap;

use mprconfig_core::registry::{check_path, fold, names_equal, split_parent};
use mprconfig_core::{Error, RegValue, RegValueRef, Result, WinError};

/// One change of a commit journal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    /// Delete the key and everything below it, if it exists.
    DeleteTree(String),
    /// Create the key (its parent exists by then), if it does not exist.
    CreateKey(String),
    /// Create or replace a value of an existing key.
    SetValue(String, String, RegValue),
    /// Delete a value, if it exists.
    DeleteValue(String, String),
}

impl std::fmt::Display for Op {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Op::DeleteTree(p) => write!(f, "delete key tree {p}"),
            Op::CreateKey(p) => write!(f, "create key {p}"),
            Op::SetValue(p, n, v) => {
                write!(f, "set {p}\\{n} (type {}, {} bytes)", v.ty, v.data.len())
            }
            Op::DeleteValue(p, n) => write!(f, "delete value {p}\\{n}"),
        }
    }
}

/// The server's view of the tree, as a transaction reads it (through the caches).
pub(crate) trait ServerView {
    /// True if the key exists on the server.
    fn exists(&mut self, path: &str) -> Result<bool>;
    /// The key's subkeys in server order; `None` if it does not exist.
    fn subkeys(&mut self, path: &str) -> Result<Option<Vec<String>>>;
    /// Those of the key's values named in `wanted` (all of them when `wanted` is empty), in
    /// server order; `None` if the key does not exist.
    fn wanted_values(
        &mut self,
        path: &str,
        wanted: &[&str],
    ) -> Result<Option<Vec<(String, RegValue)>>>;
    /// One value; outer `None` if the key does not exist.
    fn get_value(&mut self, path: &str, name: &str) -> Result<Option<Option<RegValue>>>;
}

/// What a touched key is in the overlay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// The server's key, with value changes on top.
    Server,
    /// A key created in this transaction: the server's content at this path (if any) is not
    /// part of it.
    Fresh,
    /// Deleted (with everything below it).
    Gone,
}

#[derive(Clone, Debug)]
struct Node {
    /// Full path in the case it was first named with.
    path: String,
    kind: Kind,
    /// The server's tree at this path is deleted at commit, before anything is created.
    wipe: bool,
    /// Creation order among keys created in this transaction.
    created: Option<u64>,
    /// Value changes in order (`None` deletes).
    changes: Vec<(String, Option<RegValue>)>,
}

/// The buffered changes of one transaction.
#[derive(Clone, Debug, Default)]
pub(crate) struct Overlay {
    nodes: HashMap<String, Node>,
    seq: u64,
}

fn not_found(path: &str) -> Error {
    Error::new(
        WinError::ERROR_FILE_NOT_FOUND,
        format!("registry key {path:?} does not exist"),
    )
}

/// `path` and each of its ancestors, nearest first.
fn self_and_ancestors(path: &str) -> impl Iterator<Item = &str> {
    let mut next = Some(path);
    std::iter::from_fn(move || {
        let cur = next?;
        next = cur.rfind('\\').map(|i| &cur[..i]);
        Some(cur)
    })
}

/// Applies value changes in order over a list of values.
fn merge(values: &mut Vec<(String, RegValue)>, changes: &[(String, Option<RegValue>)]) {
    for (name, change) in changes {
        let at = values.iter().position(|(n, _)| names_equal(n, name));
        match (change, at) {
            (Some(v), Some(i)) => values[i].1 = v.clone(),
            (Some(v), None) => values.push((name.clone(), v.clone())),
            (None, Some(i)) => {
                values.remove(i);
            }
            (None, None) => {}
        }
    }
}

impl Overlay {
    /// An overlay with nothing in it.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// The overlay of a commit journal, built without reading the server: it reads as the
    /// committed tree over the server in any state between before and after that commit.
    pub(crate) fn from_journal(ops: &[Op]) -> Self {
        let mut o = Overlay::new();
        for op in ops {
            match op {
                Op::DeleteTree(p) => {
                    o.drop_below(p);
                    let n = o.node(p, Kind::Gone);
                    n.kind = Kind::Gone;
                    n.wipe = true;
                    n.created = None;
                    n.changes.clear();
                }
                Op::CreateKey(p) => {
                    let seq = o.next_seq();
                    let n = o.node(p, Kind::Fresh);
                    n.kind = Kind::Fresh;
                    n.created = Some(seq);
                }
                Op::SetValue(p, name, v) => o.change(p, name, Some(v.clone())),
                Op::DeleteValue(p, name) => o.change(p, name, None),
            }
        }
        o
    }

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    fn node(&mut self, path: &str, kind: Kind) -> &mut Node {
        self.nodes.entry(fold(path)).or_insert_with(|| Node {
            path: path.to_string(),
            kind,
            wipe: false,
            created: None,
            changes: Vec::new(),
        })
    }

    fn change(&mut self, path: &str, name: &str, value: Option<RegValue>) {
        let n = self.node(path, Kind::Server);
        // A set after a set of the same name replaces it in place; anything else is recorded
        // in order (a set after a delete re-creates the value at the end, as the registry does).
        if let Some(v) = &value
            && let Some(last) = n
                .changes
                .iter_mut()
                .rev()
                .find(|(c, _)| names_equal(c, name))
            && last.1.is_some()
        {
            last.1 = Some(v.clone());
            return;
        }
        n.changes.push((name.to_string(), value));
    }

    fn drop_below(&mut self, path: &str) {
        let prefix = format!("{}\\", fold(path));
        self.nodes.retain(|k, _| !k.starts_with(&prefix));
    }

    /// How the overlay decides `path`: `Some(exists)` when it knows, `None` when the server
    /// decides.
    fn decides(&self, path: &str) -> Option<bool> {
        let mut first = true;
        for p in self_and_ancestors(path) {
            if let Some(n) = self.nodes.get(&fold(p)) {
                match (first, n.kind) {
                    (_, Kind::Gone) => return Some(false),
                    (true, Kind::Fresh) => return Some(true),
                    // Below a fresh key only what the overlay created exists.
                    (false, Kind::Fresh) => return Some(false),
                    (true, Kind::Server) => return Some(true),
                    (false, Kind::Server) => {}
                }
            }
            first = false;
        }
        None
    }

    /// True if the key exists in the merged view.
    pub(crate) fn exists(&self, server: &mut dyn ServerView, path: &str) -> Result<bool> {
        check_path(path)?;
        match self.decides(path) {
            Some(e) => Ok(e),
            None => server.exists(path),
        }
    }

    fn require(&self, server: &mut dyn ServerView, path: &str) -> Result<()> {
        if self.exists(server, path)? {
            Ok(())
        } else {
            Err(not_found(path))
        }
    }

    /// Creates the key and missing ancestors; true if the key itself was created.
    pub(crate) fn create_key(&mut self, server: &mut dyn ServerView, path: &str) -> Result<bool> {
        check_path(path)?;
        let mut created = false;
        let mut prefix = String::with_capacity(path.len());
        for part in path.split('\\') {
            if !prefix.is_empty() {
                prefix.push('\\');
            }
            prefix.push_str(part);
            created = !self.exists(server, &prefix)?;
            if created {
                let seq = self.next_seq();
                let n = self.node(&prefix, Kind::Fresh);
                n.kind = Kind::Fresh;
                n.created = Some(seq);
                n.changes.clear();
                // A re-created key keeps its case from this creation.
                n.path = prefix.clone();
            }
        }
        Ok(created)
    }

    /// Deletes the key tree; false if it did not exist.
    pub(crate) fn delete_key_tree(
        &mut self,
        server: &mut dyn ServerView,
        path: &str,
    ) -> Result<bool> {
        if !self.exists(server, path)? {
            return Ok(false);
        }
        self.drop_below(path);
        let key = fold(path);
        // The server's tree must go unless this key is one the transaction created from
        // nothing (then the server has nothing here, or an ancestor's wipe covers it).
        let wipe = match self.nodes.get(&key) {
            Some(n) if n.kind == Kind::Fresh => n.wipe,
            _ => true,
        };
        let n = self.node(path, Kind::Gone);
        n.kind = Kind::Gone;
        n.wipe = wipe;
        n.created = None;
        n.changes.clear();
        Ok(true)
    }

    /// Sets a value of an existing key.
    pub(crate) fn set_value(
        &mut self,
        server: &mut dyn ServerView,
        path: &str,
        name: &str,
        value: &RegValue,
    ) -> Result<()> {
        if name.contains('\0') {
            return Err(Error::invalid_parameter(format!(
                "registry value name {name:?} contains NUL"
            )));
        }
        self.require(server, path)?;
        self.change(path, name, Some(value.clone()));
        Ok(())
    }

    /// Deletes a value; false if it did not exist.
    pub(crate) fn delete_value(
        &mut self,
        server: &mut dyn ServerView,
        path: &str,
        name: &str,
    ) -> Result<bool> {
        if self.get_value(server, path, name)?.is_none() {
            return Ok(false);
        }
        self.change(path, name, None);
        Ok(true)
    }

    fn touched(&self, path: &str) -> Option<&Node> {
        self.nodes.get(&fold(path))
    }

    /// One value of an existing key.
    pub(crate) fn get_value(
        &self,
        server: &mut dyn ServerView,
        path: &str,
        name: &str,
    ) -> Result<Option<RegValue>> {
        self.require(server, path)?;
        let node = self.touched(path);
        if let Some(n) = node
            && let Some((_, v)) = n.changes.iter().rev().find(|(c, _)| names_equal(c, name))
        {
            return Ok(v.clone());
        }
        match node.map(|n| n.kind) {
            Some(Kind::Fresh) => Ok(None),
            _ => server.get_value(path, name)?.ok_or_else(|| not_found(path)),
        }
    }

    /// All values of an existing key.
    pub(crate) fn values(
        &self,
        server: &mut dyn ServerView,
        path: &str,
    ) -> Result<Vec<(String, RegValue)>> {
        self.wanted_values(server, path, &[])
    }

    /// The wanted values (all when `wanted` is empty) of an existing key.
    pub(crate) fn wanted_values(
        &self,
        server: &mut dyn ServerView,
        path: &str,
        wanted: &[&str],
    ) -> Result<Vec<(String, RegValue)>> {
        self.require(server, path)?;
        let node = self.touched(path);
        let mut values = match node.map(|n| n.kind) {
            Some(Kind::Fresh) => Vec::new(),
            _ => server
                .wanted_values(path, wanted)?
                .ok_or_else(|| not_found(path))?,
        };
        if let Some(n) = node {
            merge(&mut values, &n.changes);
            if !wanted.is_empty() {
                values.retain(|(name, _)| mprconfig_core::registry::is_wanted(wanted, name));
            }
        }
        Ok(values)
    }

    /// The subkeys of an existing key: the server's (less those deleted or re-created here),
    /// then those created here, in creation order.
    pub(crate) fn subkeys(&self, server: &mut dyn ServerView, path: &str) -> Result<Vec<String>> {
        self.require(server, path)?;
        let fresh = matches!(self.touched(path).map(|n| n.kind), Some(Kind::Fresh));
        let mut out: Vec<String> = if fresh {
            Vec::new()
        } else {
            let listed = server.subkeys(path)?.ok_or_else(|| not_found(path))?;
            listed
                .into_iter()
                .filter(|name| {
                    let child = format!("{path}\\{name}");
                    // Gone, or deleted and created again (it moves to the end).
                    !matches!(
                        self.touched(&child).map(|n| n.kind),
                        Some(Kind::Gone | Kind::Fresh)
                    )
                })
                .collect()
        };
        if !self.nodes.is_empty() {
            let parent = fold(path);
            let mut created: Vec<(u64, &str)> = self
                .nodes
                .values()
                .filter(|n| n.kind == Kind::Fresh)
                .filter_map(|n| {
                    let (p, name) = split_parent(&n.path);
                    (fold(p) == parent).then_some((n.created.unwrap_or(0), name))
                })
                .collect();
            created.sort_unstable();
            for (_, name) in created {
                if !out.iter().any(|o| names_equal(o, name)) {
                    out.push(name.to_string());
                }
            }
        }
        Ok(out)
    }

    /// The commit journal: deletions (outermost only), then creations in creation order, then
    /// value changes.
    pub(crate) fn ops(&self) -> Vec<Op> {
        let mut nodes: Vec<&Node> = self.nodes.values().collect();
        nodes.sort_by(|a, b| {
            a.path
                .len()
                .cmp(&b.path.len())
                .then_with(|| a.path.cmp(&b.path))
        });
        let mut ops = Vec::new();
        let mut wiped: Vec<String> = Vec::new();
        for n in &nodes {
            if n.wipe {
                let f = fold(&n.path);
                if !wiped.iter().any(|w| f.starts_with(&format!("{w}\\"))) {
                    ops.push(Op::DeleteTree(n.path.clone()));
                    wiped.push(f);
                }
            }
        }
        let mut created: Vec<&&Node> = nodes.iter().filter(|n| n.kind == Kind::Fresh).collect();
        created.sort_by_key(|n| n.created);
        ops.extend(created.iter().map(|n| Op::CreateKey(n.path.clone())));
        let mut changed: Vec<&&Node> = nodes
            .iter()
            .filter(|n| n.kind != Kind::Gone && !n.changes.is_empty())
            .collect();
        changed.sort_by(|a, b| {
            (a.created.unwrap_or(0), a.path.len(), &a.path).cmp(&(
                b.created.unwrap_or(0),
                b.path.len(),
                &b.path,
            ))
        });
        for n in changed {
            for (name, v) in &n.changes {
                ops.push(match v {
                    Some(v) => Op::SetValue(n.path.clone(), name.clone(), v.clone()),
                    None => Op::DeleteValue(n.path.clone(), name.clone()),
                });
            }
        }
        ops
    }
}

/// Lends `values` filtered to `wanted`, for a visitor.
pub(crate) fn lend<'v>(
    values: &'v [(String, RegValue)],
    out: &mut Vec<(&'v str, RegValueRef<'v>)>,
) {
    out.clear();
    out.extend(values.iter().map(|(n, v)| (n.as_str(), v.as_value_ref())));
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use mprconfig_core::{MemRegistry, Registry, RegistryTx, TxMode};
    use proptest::prelude::*;

    /// A server view over a [`MemRegistry`] (read in its own transactions).
    pub(crate) struct MemView<'a>(pub(crate) &'a MemRegistry);

    impl ServerView for MemView<'_> {
        fn exists(&mut self, path: &str) -> Result<bool> {
            self.0.transact(TxMode::Read, &mut |tx| tx.key_exists(path))
        }
        fn subkeys(&mut self, path: &str) -> Result<Option<Vec<String>>> {
            self.0
                .transact(TxMode::Read, &mut |tx| opt(tx.subkeys(path)))
        }
        fn wanted_values(
            &mut self,
            path: &str,
            wanted: &[&str],
        ) -> Result<Option<Vec<(String, RegValue)>>> {
            let all = self
                .0
                .transact(TxMode::Read, &mut |tx| opt(tx.values(path)))?;
            Ok(all.map(|mut v| {
                v.retain(|(n, _)| mprconfig_core::registry::is_wanted(wanted, n));
                v
            }))
        }
        fn get_value(&mut self, path: &str, name: &str) -> Result<Option<Option<RegValue>>> {
            self.0
                .transact(TxMode::Read, &mut |tx| opt(tx.get_value(path, name)))
        }
    }

    fn opt<T>(r: Result<T>) -> Result<Option<T>> {
        match r {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.code == WinError::ERROR_FILE_NOT_FOUND => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Applies journal ops to a registry the way a commit does (idempotent forms).
    pub(crate) fn apply(reg: &MemRegistry, ops: &[Op]) {
        reg.transact(TxMode::Write, &mut |tx| {
            for op in ops {
                match op {
                    Op::DeleteTree(p) => {
                        tx.delete_key_tree(p)?;
                    }
                    Op::CreateKey(p) => {
                        let (parent, _) = split_parent(p);
                        assert!(
                            parent.is_empty() || tx.key_exists(parent)?,
                            "{op} before its parent"
                        );
                        tx.create_key(p)?;
                    }
                    Op::SetValue(p, n, v) => tx.set_value(p, n, v)?,
                    Op::DeleteValue(p, n) => {
                        tx.delete_value(p, n)?;
                    }
                }
            }
            Ok(())
        })
        .unwrap();
    }

    #[derive(Clone, Debug)]
    enum TOp {
        Create(String),
        Delete(String),
        Set(String, String, u32),
        DeleteValue(String, String),
        Subkeys(String),
        Values(String),
        Get(String, String),
        Exists(String),
    }

    fn path() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop::sample::select(vec!["a", "A", "b", "c", "é", "É"]),
            1..4,
        )
        .prop_map(|p| p.join("\\"))
    }

    fn name() -> impl Strategy<Value = String> {
        prop::sample::select(vec!["x", "X", "y", ""]).prop_map(str::to_owned)
    }

    fn top() -> impl Strategy<Value = TOp> {
        prop_oneof![
            3 => path().prop_map(TOp::Create),
            2 => path().prop_map(TOp::Delete),
            3 => (path(), name(), 0u32..4).prop_map(|(p, n, v)| TOp::Set(p, n, v)),
            1 => (path(), name()).prop_map(|(p, n)| TOp::DeleteValue(p, n)),
            1 => path().prop_map(TOp::Subkeys),
            1 => path().prop_map(TOp::Values),
            1 => (path(), name()).prop_map(|(p, n)| TOp::Get(p, n)),
            1 => path().prop_map(TOp::Exists),
        ]
    }

    fn outcome<T: std::fmt::Debug>(r: Result<T>) -> String {
        match r {
            Ok(v) => format!("ok {v:?}"),
            Err(e) => format!("err {:?}", e.code),
        }
    }

    fn on_tx(tx: &mut dyn RegistryTx, op: &TOp) -> String {
        match op {
            TOp::Create(p) => outcome(tx.create_key(p)),
            TOp::Delete(p) => outcome(tx.delete_key_tree(p)),
            TOp::Set(p, n, v) => outcome(tx.set_value(p, n, &RegValue::dword(*v))),
            TOp::DeleteValue(p, n) => outcome(tx.delete_value(p, n)),
            TOp::Subkeys(p) => outcome(tx.subkeys(p)),
            TOp::Values(p) => outcome(tx.values(p)),
            TOp::Get(p, n) => outcome(tx.get_value(p, n)),
            TOp::Exists(p) => outcome(tx.key_exists(p)),
        }
    }

    fn on_overlay(o: &mut Overlay, s: &mut dyn ServerView, op: &TOp) -> String {
        match op {
            TOp::Create(p) => outcome(o.create_key(s, p)),
            TOp::Delete(p) => outcome(o.delete_key_tree(s, p)),
            TOp::Set(p, n, v) => outcome(o.set_value(s, p, n, &RegValue::dword(*v))),
            TOp::DeleteValue(p, n) => outcome(o.delete_value(s, p, n)),
            TOp::Subkeys(p) => outcome(o.subkeys(s, p)),
            TOp::Values(p) => outcome(o.values(s, p)),
            TOp::Get(p, n) => outcome(o.get_value(s, p, n)),
            TOp::Exists(p) => outcome(o.exists(s, p)),
        }
    }

    /// The tree with subkeys and values sorted: what a replay from a partial state must
    /// reproduce (the order of re-created keys and values may differ there).
    fn unordered(reg: &MemRegistry) -> Vec<(String, Vec<(String, RegValue)>)> {
        let mut s: Vec<_> = reg
            .snapshot()
            .into_iter()
            .map(|(p, mut v)| {
                v.sort_by_key(|(n, _)| fold(n));
                (
                    fold(&p),
                    v.into_iter().map(|(n, v)| (fold(&n), v)).collect(),
                )
            })
            .collect();
        s.sort_by(|a, b| a.0.cmp(&b.0));
        s
    }

    fn fill(reg: &MemRegistry, setup: &[TOp]) {
        reg.transact(TxMode::Write, &mut |tx| {
            for op in setup {
                on_tx(tx, op);
            }
            Ok(())
        })
        .unwrap();
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Reads inside a transaction, the committed tree, and replays of the journal from any
        /// point of its own application all agree with the reference registry.
        #[test]
        fn overlay_and_journal_agree_with_the_reference_registry(
            setup in proptest::collection::vec(top(), 0..16),
            ops in proptest::collection::vec(top(), 0..20),
            cut in 0usize..40,
        ) {
            let reference = MemRegistry::new();
            fill(&reference, &setup);
            let server = MemRegistry::new();
            fill(&server, &setup);
            prop_assert_eq!(reference.snapshot(), server.snapshot());

            let mut want = Vec::new();
            reference.transact(TxMode::Write, &mut |tx| {
                want = ops.iter().map(|op| on_tx(tx, op)).collect();
                Ok(())
            }).unwrap();

            let mut overlay = Overlay::new();
            let got: Vec<String> = ops.iter().map(|op| on_overlay(&mut overlay, &mut MemView(&server), op)).collect();
            prop_assert_eq!(&got, &want);

            // Exactly the reference tree, order included, after one clean commit.
            let journal = overlay.ops();
            let once = MemRegistry::new();
            fill(&once, &setup);
            apply(&once, &journal);
            prop_assert_eq!(once.snapshot(), reference.snapshot());

            // Interrupted after `cut` changes, then replayed whole: the same tree.
            let cut = cut.min(journal.len());
            apply(&server, &journal[..cut]);
            // Meanwhile a reader sees the commit whole, through the journal's overlay.
            let view = Overlay::from_journal(&journal);
            let mut reader_values = Vec::new();
            let mut ref_values = Vec::new();
            for (p, _) in reference.snapshot() {
                let mut v = view.values(&mut MemView(&server), &p).unwrap();
                v.sort_by_key(|(n, _)| fold(n));
                reader_values.push((fold(&p), v));
                let mut s = view.subkeys(&mut MemView(&server), &p).unwrap();
                s.sort_by_key(|n| fold(n));
                let mut r = reference.transact(TxMode::Read, &mut |tx| tx.subkeys(&p)).unwrap();
                r.sort_by_key(|n| fold(n));
                prop_assert_eq!(s.iter().map(|n| fold(n)).collect::<Vec<_>>(), r.iter().map(|n| fold(n)).collect::<Vec<_>>());
                let mut rv = reference.transact(TxMode::Read, &mut |tx| tx.values(&p)).unwrap();
                rv.sort_by_key(|(n, _)| fold(n));
                ref_values.push((fold(&p), rv));
            }
            let norm = |v: Vec<(String, Vec<(String, RegValue)>)>| -> Vec<(String, Vec<(String, RegValue)>)> {
                v.into_iter().map(|(p, vals)| (p, vals.into_iter().map(|(n, v)| (fold(&n), v)).collect())).collect()
            };
            prop_assert_eq!(norm(reader_values), norm(ref_values));
            apply(&server, &journal);
            prop_assert_eq!(unordered(&server), unordered(&reference));
        }
    }

    #[test]
    fn journal_deletes_before_it_creates_and_creates_parents_first() {
        let server = MemRegistry::new();
        fill(
            &server,
            &[
                TOp::Create(r"A\Old".into()),
                TOp::Set("A".into(), "v".into(), 1),
            ],
        );
        let mut o = Overlay::new();
        let s = &mut MemView(&server);
        assert!(o.delete_key_tree(s, "A").unwrap());
        assert!(o.create_key(s, r"A\New\Deep").unwrap());
        o.set_value(s, r"A\New", "x", &RegValue::dword(2)).unwrap();
        assert_eq!(o.subkeys(s, "A").unwrap(), vec!["New"]);
        assert_eq!(o.values(s, "A").unwrap(), vec![]);
        assert_eq!(
            o.ops(),
            vec![
                Op::DeleteTree("A".into()),
                Op::CreateKey("A".into()),
                Op::CreateKey(r"A\New".into()),
                Op::CreateKey(r"A\New\Deep".into()),
                Op::SetValue(r"A\New".into(), "x".into(), RegValue::dword(2)),
            ]
        );
    }

    #[test]
    fn a_key_created_from_nothing_and_deleted_again_leaves_no_op() {
        let server = MemRegistry::new();
        let mut o = Overlay::new();
        let s = &mut MemView(&server);
        o.create_key(s, r"X\Y").unwrap();
        o.set_value(s, r"X\Y", "v", &RegValue::dword(1)).unwrap();
        o.delete_key_tree(s, "X").unwrap();
        assert!(o.ops().is_empty(), "{:?}", o.ops());
    }
}
