//! One connection to the server's registry with the caches that make it cheap: open key
//! handles, subkey lists and value-name lists, each exact for the registry generation the
//! session last synchronised with (value *data* is never cached, so a value changed by anyone
//! is always read fresh). Every method is a handful of RPCs at most, counted in [`RpcStats`].

use std::collections::HashMap;

use mprconfig_core::registry::{fold, is_wanted, names_equal, split_parent};
use mprconfig_core::{Error, RegValue, Result, WinError};

use crate::client::{FILE_NOT_FOUND, MORE_DATA, WinregClient};
use crate::journal::{Change, State};
use crate::overlay::{Op, ServerView};
use crate::winreg::{Hkey, KeyInfo};

/// Where the backend keeps its lock key and its `State` value (relative to the root).
pub(crate) const CONTROL: &str = r"SOFTWARE\mprconfig\RRP";
/// The lock key below [`CONTROL`].
pub(crate) const LOCK: &str = r"SOFTWARE\mprconfig\RRP\Lock";
const STATE_VALUE: &str = "State";

/// Open handles kept at most. Samba refuses more than 2,048 per connection (`MAX_OPEN_POLS`),
/// counting every handle the client holds; Windows has no such small limit, but each open
/// handle costs the server memory for as long as the connection lasts. Half of Samba's limit
/// leaves room for the transient handles of the lock and control keys and for other winreg
/// users of the same connection.
const MAX_HANDLES: usize = 1024;

#[derive(Debug, Default)]
struct KeyCache {
    handle: Option<Hkey>,
    used: u64,
    subkeys: Option<Vec<String>>,
    names: Option<Vec<String>>,
    /// Bytes of data the key's values took last time (sizes the next read).
    data_hint: usize,
}

/// A winreg connection with its caches.
pub(crate) struct Session {
    client: WinregClient,
    root: Hkey,
    keys: HashMap<String, KeyCache>,
    handles: usize,
    tick: u64,
    /// `tick` when the current transaction began.
    tx_start: u64,
    /// The generation the cached structure describes.
    synced: Option<u64>,
    control: Option<Hkey>,
    state_hint: usize,
    /// Per parent key (folded path): the value names of the child whose values were last
    /// enumerated, and the bytes they took. Keys of one kind (the interfaces, their
    /// transports) have the same values, so this is the first guess for a sibling's names.
    siblings: HashMap<String, (Vec<String>, usize)>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("keys", &self.keys.len())
            .field("handles", &self.handles)
            .field("synced", &self.synced)
            .finish_non_exhaustive()
    }
}

fn child_path(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}\\{name}")
    }
}

impl Session {
    /// A session over `client` whose paths are relative to `root` (a key below HKLM; empty
    /// for HKLM itself), which is created if missing.
    pub(crate) fn new(mut client: WinregClient, root: &str) -> Result<Self> {
        let hklm = client.hklm();
        let root = if root.is_empty() {
            hklm
        } else {
            match client.open_key(&hklm, root)? {
                Some(h) => h,
                None => client.create_key(&hklm, root, "")?.0,
            }
        };
        Ok(Session {
            client,
            root,
            keys: HashMap::new(),
            handles: 0,
            tick: 0,
            tx_start: 0,
            synced: None,
            control: None,
            state_hint: 16 * 1024,
            siblings: HashMap::new(),
        })
    }

    pub(crate) fn is_broken(&self) -> bool {
        self.client.is_broken()
    }

    fn entry(&mut self, path: &str) -> &mut KeyCache {
        self.tick += 1;
        let tick = self.tick;
        let e = self.keys.entry(fold(path)).or_default();
        e.used = tick;
        e
    }

    fn cached(&self, path: &str) -> Option<&KeyCache> {
        self.keys.get(&fold(path))
    }

    /// Marks the start of a transaction (for [`Session::evict`]).
    pub(crate) fn begin(&mut self) {
        self.tx_start = self.tick;
    }

    /// Keeps the number of open handles bounded: closes a tenth of them. The victims are the
    /// least recently used among those the current transaction has not used; when it has used
    /// them all (it scans more keys than are kept, e.g. a listing or a backup of a large
    /// tree), the most recently used but the newest. Plain least-recently-used eviction
    /// would close, during a scan of more keys than it keeps, exactly the handles the next
    /// scan needs first (every access a miss: OpenKey and CloseKey each); this keeps a stable
    /// part of the scan open, so a repeated scan misses only the keys beyond the limit.
    fn evict(&mut self) -> Result<()> {
        if self.handles < MAX_HANDLES {
            return Ok(());
        }
        let start = self.tx_start;
        let newest = self.tick;
        let mut used: Vec<(u64, String)> = self
            .keys
            .iter()
            .filter(|(_, e)| e.handle.is_some() && e.used != newest)
            .map(|(k, e)| (e.used, k.clone()))
            .collect();
        // Older transactions' handles first (least recent first), then this transaction's
        // (most recent first).
        used.sort_unstable_by_key(|(t, _)| {
            if *t <= start {
                (0, *t)
            } else {
                (1, u64::MAX - *t)
            }
        });
        for (_, k) in used.into_iter().take(MAX_HANDLES / 10) {
            if let Some(e) = self.keys.get_mut(&k)
                && let Some(h) = e.handle.take()
            {
                self.handles -= 1;
                self.client.close_key(&h)?;
            }
        }
        Ok(())
    }

    fn remember_handle(&mut self, path: &str, h: Hkey) -> Result<()> {
        let e = self.entry(path);
        let old = e.handle.replace(h);
        match old {
            Some(old) => self.client.close_key(&old)?,
            None => self.handles += 1,
        }
        self.evict()
    }

    /// The open handle of `path`, `None` if the key does not exist.
    pub(crate) fn open(&mut self, path: &str) -> Result<Option<Hkey>> {
        if let Some(h) = self.cached(path).and_then(|e| e.handle) {
            self.entry(path);
            return Ok(Some(h));
        }
        let (parent, name) = split_parent(path);
        if !parent.is_empty()
            && let Some(list) = self.cached(parent).and_then(|e| e.subkeys.as_ref())
            && !list.iter().any(|n| names_equal(n, name))
        {
            return Ok(None);
        }
        let root = self.root;
        match self.client.open_key(&root, path)? {
            Some(h) => {
                self.remember_handle(path, h)?;
                Ok(Some(h))
            }
            None => Ok(None),
        }
    }

    fn info(&mut self, h: &Hkey) -> Result<KeyInfo> {
        self.client.query_info(h)
    }

    /// Every value of the key behind `h`, in server order (QueryInfoKey, then EnumValue per
    /// value with buffers sized from it: Samba does not report the size a too-small
    /// EnumValue buffer needed, so guessing and retrying is not an option there).
    fn enumerate_values(&mut self, path: &str, h: &Hkey) -> Result<Vec<(String, RegValue)>> {
        let first = self.info(h)?;
        if let Some(v) = self.guess_values(path, h, &first)? {
            return Ok(v);
        }
        let mut first = Some(first);
        'again: for _ in 0..3 {
            let info = match first.take() {
                Some(i) => i,
                None => self.info(h)?,
            };
            let name_cap = ((info.max_value_name_len as usize + 1) * 2).clamp(512, 65534);
            let data_cap = (info.max_value_len as usize).min(crate::winreg::MAX_DATA);
            let mut out = Vec::with_capacity(info.values as usize);
            for i in 0..info.values {
                match self.client.enum_value(h, i, name_cap, data_cap)? {
                    None => break,
                    // Grown since QueryInfoKey (another writer): size everything again.
                    Some(r) if r.status == MORE_DATA => continue 'again,
                    Some(r) => out.push((
                        r.name,
                        RegValue {
                            ty: r.ty,
                            data: r.data,
                        },
                    )),
                }
            }
            let hint = out.iter().map(|(_, v)| v.data.len()).sum();
            let names: Vec<String> = out.iter().map(|(n, _)| n.clone()).collect();
            if !names.is_empty() {
                let (parent, _) = split_parent(path);
                self.siblings.insert(fold(parent), (names.clone(), hint));
            }
            let e = self.entry(path);
            e.names = Some(names);
            e.data_hint = hint;
            return Ok(out);
        }
        Err(Error::new(
            WinError::ERROR_BUSY,
            format!("the values of {path:?} keep changing while they are read"),
        ))
    }

    /// The values of a key whose names are not cached, in one QueryMultipleValues2 call with
    /// the names of the sibling read last (see `siblings`), or `None` when that guess is
    /// wrong. It is right when the key has as many values as the guess (`info`) and every
    /// guessed name exists: names are unique within a key, so then they are all of its values.
    /// This is what makes a cold listing of 1,000 interfaces four RPCs each (EnumKey for the
    /// name, OpenKey, QueryInfoKey, QueryMultipleValues2) rather than one EnumValue per value.
    fn guess_values(
        &mut self,
        path: &str,
        h: &Hkey,
        info: &KeyInfo,
    ) -> Result<Option<Vec<(String, RegValue)>>> {
        let (parent, _) = split_parent(path);
        let Some((names, hint)) = self.siblings.get(&fold(parent)).cloned() else {
            return Ok(None);
        };
        if names.is_empty() || names.len() != info.values as usize {
            return Ok(None);
        }
        // Room for the sibling's data and then some (only the reply carries data), or for
        // every value at the largest size the key reports, whichever is more (capped: a
        // larger need is answered with the size, and asked again).
        let room = (info.max_value_len as usize)
            .saturating_mul(names.len())
            .min(1 << 20)
            .max(hint + hint / 2 + 64);
        self.entry(path).data_hint = room;
        let Some(values) = self.query_named(path, h, &names)? else {
            return Ok(None);
        };
        self.entry(path).names = Some(names);
        Ok(Some(values))
    }

    /// The named values of the key behind `h` in one QueryMultipleValues2 call (two when the
    /// first buffer was too small). `None` when one of them no longer exists.
    fn query_named(
        &mut self,
        path: &str,
        h: &Hkey,
        names: &[String],
    ) -> Result<Option<Vec<(String, RegValue)>>> {
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut capacity = self.cached(path).map_or(256, |e| e.data_hint).max(16);
        // Values may grow between two calls (another writer): retry with room to spare.
        for _ in 0..6 {
            let reply = self.client.query_multiple(h, &refs, capacity)?;
            match reply.status {
                0 => {
                    let mut out = Vec::with_capacity(names.len());
                    for (i, n) in names.iter().enumerate() {
                        out.push((
                            n.clone(),
                            RegValue {
                                ty: reply.entries[i].0,
                                data: reply.data(i)?.to_vec(),
                            },
                        ));
                    }
                    self.entry(path).data_hint = reply.required as usize;
                    return Ok(Some(out));
                }
                MORE_DATA if (reply.required as usize) > capacity => {
                    let need = reply.required as usize;
                    capacity = (need + need / 4).min(crate::winreg::MAX_DATA);
                }
                FILE_NOT_FOUND => return Ok(None),
                _ => break,
            }
        }
        Err(Error::new(
            WinError::RPC_S_CALL_FAILED,
            format!(
                "the server did not return the values of {path:?} in a buffer of the size it asked for"
            ),
        ))
    }

    /// One value of the key behind `h`.
    fn query_one(&mut self, h: &Hkey, name: &str) -> Result<Option<RegValue>> {
        // Room for the blobs of a typical configuration in one call (the request does not
        // carry the buffer, only its size).
        let mut capacity = 16 * 1024;
        for _ in 0..4 {
            let r = self.client.query_value(h, name, capacity)?;
            match r.status {
                0 => {
                    return Ok(Some(RegValue {
                        ty: r.ty,
                        data: r.data,
                    }));
                }
                FILE_NOT_FOUND => return Ok(None),
                _ => match r.size {
                    Some(n) if n as usize > capacity => {
                        capacity = (n as usize).min(crate::winreg::MAX_DATA)
                    }
                    _ => break,
                },
            }
        }
        Err(Error::new(
            WinError::RPC_S_CALL_FAILED,
            format!(
                "the server did not return value {name:?} in a buffer of the size it asked for"
            ),
        ))
    }

    // ---- state, lock and cache coherence ---------------------------------------------------------

    fn control(&mut self, create: bool) -> Result<Option<Hkey>> {
        if let Some(h) = self.control {
            return Ok(Some(h));
        }
        let root = self.root;
        let h = if create {
            Some(self.client.create_key(&root, CONTROL, "")?.0)
        } else {
            self.client.open_key(&root, CONTROL)?
        };
        self.control = h;
        Ok(h)
    }

    /// Reads the `State` value (a fresh server's state is generation 0).
    pub(crate) fn read_state(&mut self) -> Result<State> {
        let Some(h) = self.control(false)? else {
            return Ok(State::default());
        };
        let mut capacity = self.state_hint;
        // The value grows while writers commit: each retry asks for more than was missing.
        for _ in 0..8 {
            let r = self.client.query_value(&h, STATE_VALUE, capacity)?;
            match r.status {
                0 => {
                    // Asking for room costs nothing on the wire (only the reply carries data).
                    self.state_hint = (r.data.len() * 2).max(16 * 1024);
                    return State::decode(&r.data);
                }
                FILE_NOT_FOUND => return Ok(State::default()),
                _ => match r.size {
                    Some(n) if n as usize > capacity => {
                        capacity = (n as usize * 2).min(crate::winreg::MAX_DATA)
                    }
                    _ => break,
                },
            }
        }
        Err(Error::new(
            WinError::RPC_S_CALL_FAILED,
            "the state value could not be read",
        ))
    }

    /// Writes the `State` value.
    pub(crate) fn write_state(&mut self, state: &State) -> Result<()> {
        let h = self.control(true)?.expect("created");
        let bytes = state.encode();
        self.state_hint = (bytes.len() * 2).max(16 * 1024);
        self.client
            .set_value(&h, STATE_VALUE, &RegValue::binary(bytes))
    }

    /// Tries to create the lock key: true if this call created it.
    pub(crate) fn try_lock(&mut self, owner: &str) -> Result<bool> {
        let root = self.root;
        let (h, created) = self.client.create_key(&root, LOCK, owner)?;
        self.client.close_key(&h)?;
        Ok(created)
    }

    /// Creates a key named `name` below the control key (the breaker of a stale lock):
    /// true if this call created it.
    pub(crate) fn try_create_marker(&mut self, name: &str) -> Result<bool> {
        let root = self.root;
        let (h, created) = self
            .client
            .create_key(&root, &format!("{CONTROL}\\{name}"), "")?;
        self.client.close_key(&h)?;
        Ok(created)
    }

    /// Deletes a key below the control key (the lock, a breaker marker).
    pub(crate) fn delete_control_key(&mut self, name: &str) -> Result<bool> {
        let root = self.root;
        self.client.delete_key(&root, &format!("{CONTROL}\\{name}"))
    }

    /// Brings the caches up to `state`: the logged changes since the cached generation are
    /// applied to them, or (when the log no longer reaches back) everything is forgotten.
    pub(crate) fn sync(&mut self, state: &State) -> Result<()> {
        match self.synced {
            Some(g) if g == state.generation => return Ok(()),
            Some(g) => match state.changes_since(g) {
                Some(changes) => {
                    let changes: Vec<Change> = changes.into_iter().cloned().collect();
                    for c in &changes {
                        self.apply_change(c, None)?;
                    }
                }
                None => self.forget_all()?,
            },
            None => self.forget_all()?,
        }
        self.synced = Some(state.generation);
        Ok(())
    }

    /// Forgets which generation the caches describe: the next sync drops them.
    pub(crate) fn unsync(&mut self) {
        self.synced = None;
    }

    /// Marks the caches as describing `generation` (after this session's own commit, which
    /// kept them exact as it went).
    pub(crate) fn synced_to(&mut self, generation: u64) {
        self.synced = Some(generation);
    }

    /// Forgets every cached structure and closes every cached handle.
    pub(crate) fn forget_all(&mut self) -> Result<()> {
        let keys = std::mem::take(&mut self.keys);
        self.handles = 0;
        for e in keys.into_values() {
            if let Some(h) = e.handle {
                self.client.close_key(&h)?;
            }
        }
        Ok(())
    }

    fn forget_tree(&mut self, path: &str) -> Result<()> {
        let key = fold(path);
        let prefix = format!("{key}\\");
        let gone: Vec<String> = self
            .keys
            .keys()
            .filter(|k| **k == key || k.starts_with(&prefix))
            .cloned()
            .collect();
        for k in gone {
            if let Some(e) = self.keys.remove(&k)
                && let Some(h) = e.handle
            {
                self.handles -= 1;
                self.client.close_key(&h)?;
            }
        }
        Ok(())
    }

    /// Applies one change to the caches. `created` says, when known, whether a created key
    /// is new (then it is known to be empty).
    fn apply_change(&mut self, change: &Change, created: Option<bool>) -> Result<()> {
        match change {
            Change::Created(path) => {
                let mut prefix = String::new();
                for part in path.split('\\') {
                    let parent = std::mem::take(&mut prefix);
                    prefix = child_path(&parent, part);
                    if parent.is_empty() {
                        continue;
                    }
                    if let Some(list) = self
                        .keys
                        .get_mut(&fold(&parent))
                        .and_then(|e| e.subkeys.as_mut())
                        && !list.iter().any(|n| names_equal(n, part))
                    {
                        list.push(part.to_string());
                    }
                }
                if created == Some(true) {
                    let e = self.entry(path);
                    e.subkeys = Some(Vec::new());
                    e.names = Some(Vec::new());
                    e.data_hint = 0;
                }
            }
            Change::Deleted(path) => {
                self.forget_tree(path)?;
                let (parent, name) = split_parent(path);
                if let Some(list) = self
                    .keys
                    .get_mut(&fold(parent))
                    .and_then(|e| e.subkeys.as_mut())
                {
                    list.retain(|n| !names_equal(n, name));
                }
            }
            Change::ValueSet(path, name) => {
                if let Some(names) = self
                    .keys
                    .get_mut(&fold(path))
                    .and_then(|e| e.names.as_mut())
                    && !names.iter().any(|n| names_equal(n, name))
                {
                    names.push(name.clone());
                }
            }
            Change::ValueDeleted(path, name) => {
                if let Some(names) = self
                    .keys
                    .get_mut(&fold(path))
                    .and_then(|e| e.names.as_mut())
                {
                    names.retain(|n| !names_equal(n, name));
                }
            }
        }
        Ok(())
    }

    // ---- applying a commit ---------------------------------------------------------------------

    /// What the change log must say about `ops` (before they are applied): everything but
    /// the setting of values this session knows exist (for the generation it is synced to)
    /// on keys the commit neither creates nor deletes. Such a change alters no cached
    /// structure anywhere, and leaving it out lets commits that only change data (the common
    /// case: an interface's settings) take no room in the log, so other sessions' caches stay
    /// valid across any number of them.
    pub(crate) fn log_changes(&self, ops: &[Op]) -> Vec<Change> {
        let reshaped = |path: &str| {
            let f = fold(path);
            ops.iter().any(|op| match op {
                Op::CreateKey(p) => fold(p) == f,
                Op::DeleteTree(p) => {
                    let d = fold(p);
                    f == d || f.starts_with(&format!("{d}\\"))
                }
                _ => false,
            })
        };
        ops.iter()
            .filter(|op| match op {
                Op::SetValue(path, name, _) => {
                    reshaped(path)
                        || !self
                            .cached(path)
                            .and_then(|e| e.names.as_ref())
                            .is_some_and(|names| names.iter().any(|n| names_equal(n, name)))
                }
                _ => true,
            })
            .map(Change::of)
            .collect()
    }

    /// Applies one journal change to the server, keeping the caches exact.
    pub(crate) fn apply(&mut self, op: &Op) -> Result<()> {
        match op {
            Op::CreateKey(path) => {
                let root = self.root;
                let (h, created) = self.client.create_key(&root, path, "")?;
                self.remember_handle(path, h)?;
                self.apply_change(&Change::Created(path.clone()), Some(created))
            }
            Op::DeleteTree(path) => {
                self.delete_tree(path)?;
                self.apply_change(&Change::Deleted(path.clone()), None)
            }
            Op::SetValue(path, name, v) => {
                let h = self.open(path)?.ok_or_else(|| {
                    Error::new(
                        WinError::ERROR_FILE_NOT_FOUND,
                        format!("registry key {path:?} vanished"),
                    )
                })?;
                self.client.set_value(&h, name, v)?;
                // Size the next multi-value read from what was written (exact for a new key).
                let e = self.entry(path);
                e.data_hint = e.data_hint.saturating_add(v.data.len());
                self.apply_change(&Change::ValueSet(path.clone(), name.clone()), None)
            }
            Op::DeleteValue(path, name) => {
                if let Some(h) = self.open(path)? {
                    self.client.delete_value(&h, name)?;
                }
                self.apply_change(&Change::ValueDeleted(path.clone(), name.clone()), None)
            }
        }
    }

    /// Deletes a key tree bottom-up (BaseRegDeleteKey is not recursive).
    fn delete_tree(&mut self, path: &str) -> Result<()> {
        let Some(children) = ServerView::subkeys(self, path)? else {
            return Ok(());
        };
        for c in children {
            self.delete_tree(&child_path(path, &c))?;
        }
        let root = self.root;
        match self.client.delete_key(&root, path) {
            Ok(_) => Ok(()),
            // Subkeys appeared behind our back (a writer that does not take the lock): read
            // them again and go on.
            Err(e)
                if e.code == WinError::ERROR_ACCESS_DENIED
                    && self.cached(path).is_some_and(|c| c.subkeys.is_some()) =>
            {
                if let Some(c) = self.keys.get_mut(&fold(path)) {
                    c.subkeys = None;
                }
                self.delete_tree(path)
            }
            Err(e) => Err(e),
        }
    }

    /// Flushes the root key (and with it the hives below) to the server's disk.
    pub(crate) fn flush_root(&mut self) -> Result<()> {
        let root = self.root;
        self.client.flush_key(&root)
    }
}

impl ServerView for Session {
    fn exists(&mut self, path: &str) -> Result<bool> {
        Ok(self.open(path)?.is_some())
    }

    fn subkeys(&mut self, path: &str) -> Result<Option<Vec<String>>> {
        if let Some(list) = self.cached(path).and_then(|e| e.subkeys.clone()) {
            self.entry(path);
            return Ok(Some(list));
        }
        let Some(h) = self.open(path)? else {
            return Ok(None);
        };
        let info = self.info(&h)?;
        let mut list = Vec::with_capacity(info.subkeys as usize);
        let mut i = 0;
        // Up to the count QueryInfoKey gave, and on while a writer adds more.
        while let Some(name) = if i < info.subkeys {
            self.client.enum_key(&h, i)?
        } else {
            None
        } {
            list.push(name);
            i += 1;
        }
        self.entry(path).subkeys = Some(list.clone());
        Ok(Some(list))
    }

    fn wanted_values(
        &mut self,
        path: &str,
        wanted: &[&str],
    ) -> Result<Option<Vec<(String, RegValue)>>> {
        let Some(h) = self.open(path)? else {
            return Ok(None);
        };
        if let Some(names) = self.cached(path).and_then(|e| e.names.clone()) {
            let chosen: Vec<String> = names.into_iter().filter(|n| is_wanted(wanted, n)).collect();
            if chosen.is_empty() {
                return Ok(Some(Vec::new()));
            }
            if let Some(v) = self.query_named(path, &h, &chosen)? {
                return Ok(Some(v));
            }
            // A value vanished behind our back: read the key again.
        }
        let mut all = self.enumerate_values(path, &h)?;
        all.retain(|(n, _)| is_wanted(wanted, n));
        Ok(Some(all))
    }

    fn get_value(&mut self, path: &str, name: &str) -> Result<Option<Option<RegValue>>> {
        let Some(h) = self.open(path)? else {
            return Ok(None);
        };
        if let Some(names) = self.cached(path).and_then(|e| e.names.as_ref())
            && !names.iter().any(|n| names_equal(n, name))
        {
            return Ok(Some(None));
        }
        Ok(Some(self.query_one(&h, name)?))
    }
}
