//! The `State` value the backend keeps on the server, next to its lock key: the change
//! counter (the registry generation), the journal of a commit in progress, and a short log of
//! what recent commits changed, so that other clients keep their caches exact without reading
//! the tree again. Its encoding is ours (little-endian, versioned) and its decoder treats the
//! bytes as hostile: anything malformed is `ERROR_INVALID_DATA`, never a panic.

use mprconfig_core::{Error, RegValue, Result, WinError};

use crate::overlay::Op;

const MAGIC: &[u8; 4] = b"MPRS";
/// Version 2 added the horizon (version 1 logged every commit, data-only ones too).
const VERSION: u16 = 2;
const FLAG_PENDING: u16 = 1;

/// The log keeps at most this many commits that changed the tree's shape (commits that only
/// change the data of existing values are not logged and take no room) ...
const LOG_ENTRIES: usize = 32;
/// ... and at most this many encoded bytes (a commit bigger than half of it is logged as
/// "changed too much: forget every cache").
const LOG_BYTES: usize = 8 * 1024;

/// What a commit changed in the tree's shape (value data is never cached, so data-only
/// changes need no entry beyond the value name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Change {
    /// A key was created (with any missing ancestors).
    Created(String),
    /// A key tree was deleted.
    Deleted(String),
    /// A value was set (its name may be new).
    ValueSet(String, String),
    /// A value was deleted.
    ValueDeleted(String, String),
}

impl Change {
    pub(crate) fn of(op: &Op) -> Change {
        match op {
            Op::DeleteTree(p) => Change::Deleted(p.clone()),
            Op::CreateKey(p) => Change::Created(p.clone()),
            Op::SetValue(p, n, _) => Change::ValueSet(p.clone(), n.clone()),
            Op::DeleteValue(p, n) => Change::ValueDeleted(p.clone(), n.clone()),
        }
    }
}

/// One logged commit: the generation it produced and what it changed (`None`: too much to
/// list, every cache must be dropped).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LogEntry {
    pub(crate) generation: u64,
    pub(crate) changes: Option<Vec<Change>>,
}

/// The decoded `State` value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct State {
    /// Committed write transactions so far.
    pub(crate) generation: u64,
    /// Bumped by a lock holder while it works, so waiters can tell a slow holder from a dead one.
    pub(crate) heartbeat: u64,
    /// The journal of the commit that makes `generation + 1`, while it is being applied.
    pub(crate) pending: Option<Vec<Op>>,
    /// Recent commits that changed the tree's shape, oldest first (no later than
    /// `generation`); commits after `horizon` that are not in it changed value data only.
    pub(crate) log: Vec<LogEntry>,
    /// Caches of a generation older than this must be dropped: the log no longer holds
    /// everything that changed since (entries were dropped to keep it small, or a commit
    /// changed too much to list, or failed halfway).
    pub(crate) horizon: u64,
}

impl State {
    /// The generation a reader sees: a pending commit counts as done (readers see it whole).
    pub(crate) fn logical(&self) -> u64 {
        self.generation + u64::from(self.pending.is_some())
    }

    /// The changes of generations `after+1 ..= generation`, if the log still has all of them;
    /// `None` when a cache at `after` must be dropped instead.
    pub(crate) fn changes_since(&self, after: u64) -> Option<Vec<&Change>> {
        if after > self.generation || after < self.horizon {
            return None;
        }
        let mut out = Vec::new();
        for e in self.log.iter().filter(|e| e.generation > after) {
            out.extend(e.changes.as_ref()?.iter());
        }
        Some(out)
    }

    /// The state after a commit as `generation + 1` that changed the tree's shape by
    /// `changes` (empty for a commit that only changed the data of existing values: it takes
    /// no room in the log), or as `generation + 2` with nothing logged when the commit failed
    /// halfway (nobody may keep a cache across that).
    pub(crate) fn committed(&self, changes: &[Change], failed: bool) -> State {
        let mut log = self.log.clone();
        let mut horizon = self.horizon;
        let generation = self.generation + if failed { 2 } else { 1 };
        if failed {
            horizon = generation;
        } else if !changes.is_empty() {
            let entry = LogEntry {
                generation,
                changes: Some(changes.to_vec()),
            };
            if encoded_entry_len(&entry) > LOG_BYTES / 2 {
                horizon = generation;
            } else {
                log.push(entry);
            }
        }
        log.retain(|e| e.generation > horizon);
        while log.len() > LOG_ENTRIES
            || log.iter().map(encoded_entry_len).sum::<usize>() > LOG_BYTES
        {
            horizon = log.remove(0).generation;
        }
        State {
            generation,
            heartbeat: 0,
            pending: None,
            log,
            horizon,
        }
    }

    /// Encodes the state as the value's bytes.
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut w = Vec::with_capacity(64);
        w.extend_from_slice(MAGIC);
        w.extend_from_slice(&VERSION.to_le_bytes());
        let flags = if self.pending.is_some() {
            FLAG_PENDING
        } else {
            0
        };
        w.extend_from_slice(&flags.to_le_bytes());
        w.extend_from_slice(&self.generation.to_le_bytes());
        w.extend_from_slice(&self.heartbeat.to_le_bytes());
        w.extend_from_slice(&self.horizon.to_le_bytes());
        if let Some(ops) = &self.pending {
            put_u32(&mut w, ops.len());
            for op in ops {
                match op {
                    Op::DeleteTree(p) => {
                        w.push(1);
                        put_str(&mut w, p);
                    }
                    Op::CreateKey(p) => {
                        w.push(2);
                        put_str(&mut w, p);
                    }
                    Op::SetValue(p, n, v) => {
                        w.push(3);
                        put_str(&mut w, p);
                        put_str(&mut w, n);
                        w.extend_from_slice(&v.ty.to_le_bytes());
                        put_u32(&mut w, v.data.len());
                        w.extend_from_slice(&v.data);
                    }
                    Op::DeleteValue(p, n) => {
                        w.push(4);
                        put_str(&mut w, p);
                        put_str(&mut w, n);
                    }
                }
            }
        }
        put_u32(&mut w, self.log.len());
        for e in &self.log {
            encode_entry(&mut w, e);
        }
        w
    }

    /// Decodes the value's bytes.
    pub(crate) fn decode(bytes: &[u8]) -> Result<State> {
        let mut r = Reader { b: bytes, at: 0 };
        if r.take(4)? != MAGIC {
            return Err(bad("it does not start with the mprconfig magic"));
        }
        let version = r.u16()?;
        if version != VERSION && version != 1 {
            return Err(bad(&format!(
                "version {version} (this client reads {VERSION})"
            )));
        }
        let flags = r.u16()?;
        let generation = r.u64()?;
        let heartbeat = r.u64()?;
        // Version 1 had no horizon: its log listed every commit, so it reached back to just
        // before its first entry (computed below).
        let horizon = if version == 1 { None } else { Some(r.u64()?) };
        let pending = if flags & FLAG_PENDING != 0 {
            let n = r.count()?;
            let mut ops = Vec::with_capacity(n);
            for _ in 0..n {
                ops.push(match r.u8()? {
                    1 => Op::DeleteTree(r.path()?),
                    2 => Op::CreateKey(r.path()?),
                    3 => {
                        let p = r.path()?;
                        let n = r.str()?;
                        let ty = r.u32()?;
                        let len = r.u32()? as usize;
                        Op::SetValue(
                            p,
                            n,
                            RegValue {
                                ty,
                                data: r.take(len)?.to_vec(),
                            },
                        )
                    }
                    4 => Op::DeleteValue(r.path()?, r.str()?),
                    t => return Err(bad(&format!("journal entry of kind {t}"))),
                });
            }
            Some(ops)
        } else {
            None
        };
        let n = r.count()?;
        let mut log = Vec::with_capacity(n);
        for _ in 0..n {
            let g = r.u64()?;
            let changes = match r.u8()? {
                0 => {
                    let k = r.count()?;
                    let mut c = Vec::with_capacity(k);
                    for _ in 0..k {
                        c.push(match r.u8()? {
                            1 => Change::Created(r.path()?),
                            2 => Change::Deleted(r.path()?),
                            3 => Change::ValueSet(r.path()?, r.str()?),
                            4 => Change::ValueDeleted(r.path()?, r.str()?),
                            t => return Err(bad(&format!("log change of kind {t}"))),
                        });
                    }
                    Some(c)
                }
                1 => None,
                t => return Err(bad(&format!("log entry flag {t}"))),
            };
            log.push(LogEntry {
                generation: g,
                changes,
            });
        }
        if r.at != bytes.len() {
            return Err(bad("trailing bytes"));
        }
        if log.windows(2).any(|w| w[1].generation <= w[0].generation)
            || log.last().is_some_and(|e| e.generation > generation)
        {
            return Err(bad("its change log is out of order"));
        }
        let horizon = horizon.unwrap_or_else(|| {
            log.first()
                .map_or(generation, |e| e.generation.saturating_sub(1))
        });
        if horizon > generation {
            return Err(bad("its change log starts after its generation"));
        }
        Ok(State {
            generation,
            heartbeat,
            pending,
            log,
            horizon,
        })
    }
}

fn bad(what: &str) -> Error {
    Error::new(
        WinError::ERROR_INVALID_DATA,
        format!(
            "the mprconfig state value on the server is not readable ({what}); \
             another program changed it (see docs/rrp.md to reset it)"
        ),
    )
}

fn put_u32(w: &mut Vec<u8>, n: usize) {
    w.extend_from_slice(&(n as u32).to_le_bytes());
}

fn put_str(w: &mut Vec<u8>, s: &str) {
    put_u32(w, s.len());
    w.extend_from_slice(s.as_bytes());
}

fn encode_entry(w: &mut Vec<u8>, e: &LogEntry) {
    w.extend_from_slice(&e.generation.to_le_bytes());
    match &e.changes {
        None => w.push(1),
        Some(c) => {
            w.push(0);
            put_u32(w, c.len());
            for ch in c {
                match ch {
                    Change::Created(p) => {
                        w.push(1);
                        put_str(w, p);
                    }
                    Change::Deleted(p) => {
                        w.push(2);
                        put_str(w, p);
                    }
                    Change::ValueSet(p, n) => {
                        w.push(3);
                        put_str(w, p);
                        put_str(w, n);
                    }
                    Change::ValueDeleted(p, n) => {
                        w.push(4);
                        put_str(w, p);
                        put_str(w, n);
                    }
                }
            }
        }
    }
}

fn encoded_entry_len(e: &LogEntry) -> usize {
    let mut w = Vec::new();
    encode_entry(&mut w, e);
    w.len()
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.b.len())
            .ok_or_else(|| bad("it is truncated"))?;
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16> {
        Ok(u16::from_le_bytes(
            self.take(2)?.try_into().expect("two bytes"),
        ))
    }
    fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().expect("four bytes"),
        ))
    }
    fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().expect("eight bytes"),
        ))
    }
    /// A count of items of at least one byte each: never more than the bytes left.
    fn count(&mut self) -> Result<usize> {
        let n = self.u32()? as usize;
        if n > self.b.len() - self.at {
            return Err(bad("a count is larger than the value"));
        }
        Ok(n)
    }
    fn str(&mut self) -> Result<String> {
        let n = self.u32()? as usize;
        String::from_utf8(self.take(n)?.to_vec()).map_err(|_| bad("a name is not UTF-8"))
    }
    fn path(&mut self) -> Result<String> {
        let p = self.str()?;
        mprconfig_core::registry::check_path(&p).map_err(|_| bad("a key path is invalid"))?;
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> State {
        State {
            generation: 41,
            heartbeat: 3,
            pending: Some(vec![
                Op::DeleteTree(r"A\B".into()),
                Op::CreateKey(r"A\C".into()),
                Op::SetValue(r"A\C".into(), "Type".into(), RegValue::dword(8)),
                Op::DeleteValue("A".into(), "".into()),
            ]),
            log: vec![
                LogEntry {
                    generation: 40,
                    changes: None,
                },
                LogEntry {
                    generation: 41,
                    changes: Some(vec![
                        Change::Created("X".into()),
                        Change::ValueSet("X".into(), "v".into()),
                    ]),
                },
            ],
            horizon: 0,
        }
    }

    #[test]
    fn state_round_trips() {
        let s = sample();
        assert_eq!(State::decode(&s.encode()).unwrap(), s);
        assert_eq!(
            State::decode(&State::default().encode()).unwrap(),
            State::default()
        );
        assert_eq!(s.logical(), 42);
    }

    #[test]
    fn every_truncation_and_a_bad_magic_are_clean_errors() {
        let bytes = sample().encode();
        for cut in 0..bytes.len() {
            let e = State::decode(&bytes[..cut]).unwrap_err();
            assert_eq!(e.code, WinError::ERROR_INVALID_DATA);
        }
        let mut b = bytes.clone();
        b[0] = b'X';
        assert!(State::decode(&b).is_err());
        let mut b = bytes;
        b.push(0);
        assert!(State::decode(&b).is_err());
    }

    #[test]
    fn the_log_answers_exactly_the_generations_it_still_holds() {
        let mut s = State::default();
        let one = [Change::Created("K".into())];
        for _ in 0..3 {
            s = s.committed(&one, false);
        }
        assert_eq!(s.generation, 3);
        assert_eq!(s.changes_since(3).unwrap().len(), 0);
        assert_eq!(s.changes_since(1).unwrap().len(), 2);
        assert_eq!(s.changes_since(0).unwrap().len(), 3);
        assert!(s.changes_since(4).is_none());
        // A failed commit skips a generation and forgets the log across it.
        let f = s.committed(&one, true);
        assert_eq!(f.generation, 5);
        assert!(f.changes_since(3).is_none());
        assert!(f.changes_since(5).is_some());
        // The log is bounded.
        let mut s = State::default();
        for _ in 0..200 {
            s = s.committed(&one, false);
        }
        assert!(s.log.len() <= LOG_ENTRIES);
        assert!(s.changes_since(0).is_none());
        assert!(s.changes_since(190).is_some());
    }

    #[test]
    fn a_huge_commit_is_logged_as_forget_everything() {
        let ops: Vec<Change> = (0..2000)
            .map(|i| Change::Created(format!("Interfaces\\{i}")))
            .collect();
        let s = State::default().committed(&ops, false);
        assert!(s.log.is_empty());
        assert_eq!(s.horizon, 1);
        assert!(s.changes_since(0).is_none());
        assert!(s.changes_since(1).is_some());
        assert!(s.encode().len() < LOG_BYTES + 64);
    }

    #[test]
    fn data_only_commits_take_no_room_in_the_log() {
        let mut s = State::default().committed(&[Change::Created("K".into())], false);
        for _ in 0..1000 {
            s = s.committed(&[], false);
        }
        assert_eq!(s.generation, 1001);
        assert_eq!(s.log.len(), 1);
        assert_eq!(s.changes_since(0).unwrap().len(), 1);
        assert_eq!(s.changes_since(1).unwrap().len(), 0);
        let back = State::decode(&s.encode()).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn a_version_1_log_reaches_back_to_just_before_its_first_entry() {
        let s = State {
            generation: 9,
            log: vec![LogEntry {
                generation: 8,
                changes: Some(vec![Change::Created("K".into())]),
            }],
            horizon: 7,
            ..State::default()
        };
        let mut v1 = s.encode();
        v1[4..6].copy_from_slice(&1u16.to_le_bytes());
        // Version 1 had no horizon field after the heartbeat.
        v1.drain(24..32);
        let back = State::decode(&v1).unwrap();
        assert_eq!(back, s);
        assert!(back.changes_since(6).is_none());
        assert_eq!(back.changes_since(7).unwrap().len(), 1);
    }
}
