//! Object versions and the change log: what compare-and-set and watching are built on.
//!
//! Every interface, transport and interface-transport has a [`Version`], an opaque token that
//! changes whenever the object's stored values change and is compared only for equality. Stores
//! with real counters (SQLite, [`crate::MemRegistry`]) use the store generation of the commit
//! that last changed the key, so a version is never reused, not even by an object deleted and
//! created again; other stores derive it from the key's contents ([`content_version`]).
//! Versions are comparable only within one store (one backend): a token read from one
//! configuration means nothing to another.
//!
//! Stores that keep a change log record every change made through the router configuration
//! API ([`crate::RegistryConfig`]) in the transaction that makes it, each with a sequence
//! number that grows by one per change in commit order ([`Change`]). The log keeps a bounded
//! window of the most recent changes; a reader that asks for changes older than the window
//! gets `ERROR_JOURNAL_ENTRY_DELETED` (1181) and rescans. A store that cannot keep a log
//! reports `ERROR_JOURNAL_NOT_ACTIVE` (1179). See `docs/design.md` ("Versions, batches and
//! the change log").

use std::fmt;
use std::time::Duration;

use crate::model::{IfTransportId, InterfaceId, TransportId};
use crate::{Error, RegValue, Result, WinError};

/// How many of the most recent changes a change log keeps unless configured otherwise: enough
/// for a watcher to reconnect after a long outage at ordinary rates of change, small enough to
/// cost a few hundred kilobytes.
pub const DEFAULT_CHANGE_LOG_CAPACITY: u64 = 10_000;

/// The version of one stored object: an opaque token, compared only for equality.
///
/// It changes whenever the object's stored values change (through any connection, process or
/// session) and is the same across connections while they do not. The raw number is exposed
/// only so that it can travel (wire, JSON, command line); its size or order means nothing.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Version(u64);

impl Version {
    /// A version from its raw token (as read from the wire or a command line).
    pub const fn from_raw(raw: u64) -> Self {
        Version(raw)
    }

    /// The raw token, for transport; compare versions, not their raw numbers.
    pub const fn raw(self) -> u64 {
        self.0
    }
}

impl fmt::Debug for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Version({})", self.0)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A value read together with the version of the object it came from, in one snapshot: the
/// input of a compare-and-set (`BatchOp::RequireVersion`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Versioned<T> {
    /// What was read.
    pub value: T,
    /// The object's version at the moment it was read.
    pub version: Version,
}

/// The version a store without its own counters gives a key: a digest (64-bit FNV-1a) of its
/// values, names folded, in stored order. Equal contents give equal versions, so a
/// compare-and-set against it means "only if the object still holds what I read" — which is
/// what a read-modify-write needs (an A-B-A change back to identical contents is harmless).
pub fn content_version(values: &[(String, RegValue)]) -> Version {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut h = OFFSET;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(PRIME);
        }
    };
    for (name, value) in values {
        // Lengths first, so that no two different value lists encode to the same bytes.
        let folded = crate::registry::fold(name);
        eat(&(folded.len() as u64).to_le_bytes());
        eat(folded.as_bytes());
        eat(&value.ty.to_le_bytes());
        eat(&(value.data.len() as u64).to_le_bytes());
        eat(&value.data);
    }
    // Version 0 is what a SQLite store gives keys untouched since its migration; keep digests
    // apart from it (no meaning beyond that: both are only ever compared for equality).
    Version(h.max(1))
}

/// What happened to an object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// The object was created.
    Created,
    /// Some of its stored values changed.
    Changed,
    /// It was deleted.
    Deleted,
    /// The whole configuration was replaced (`install`, `restore`): rescan everything.
    Replaced,
}

impl ChangeKind {
    /// `created`, `changed`, `deleted`, `replaced` (the CLI's and JSON's spelling).
    pub fn name(self) -> &'static str {
        match self {
            ChangeKind::Created => "created",
            ChangeKind::Changed => "changed",
            ChangeKind::Deleted => "deleted",
            ChangeKind::Replaced => "replaced",
        }
    }
}

/// The object a change is about.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ChangedObject {
    /// The whole configuration (only with [`ChangeKind::Replaced`]).
    Configuration,
    /// The server settings: port pools, tunnel parameters (`server_set_info`, `_ex`).
    Server,
    /// An interface (its own values, custom info included).
    Interface(InterfaceId),
    /// An interface-transport.
    IfTransport(IfTransportId),
    /// A transport (its items and its filter switch).
    Transport(TransportId),
}

impl ChangedObject {
    /// `configuration`, `server`, `interface`, `interface-transport`, `transport`.
    pub fn kind_name(&self) -> &'static str {
        match self {
            ChangedObject::Configuration => "configuration",
            ChangedObject::Server => "server",
            ChangedObject::Interface(_) => "interface",
            ChangedObject::IfTransport(_) => "interface-transport",
            ChangedObject::Transport(_) => "transport",
        }
    }
}

/// One committed change, as the change log keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Its sequence number: one more than the change committed before it, store-wide.
    pub seq: u64,
    /// The store generation the committing transaction produced: the changes of one
    /// transaction (one call or one batch) share it.
    pub generation: u64,
    /// What happened.
    pub kind: ChangeKind,
    /// To what.
    pub object: ChangedObject,
    /// The object's version right after the change (`None` for deletions and for the
    /// configuration and server records).
    pub version: Option<Version>,
}

/// A change as the semantics hand it to the store to record (the store adds the sequence
/// number and the generation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeRecord {
    /// What happened.
    pub kind: ChangeKind,
    /// To what.
    pub object: ChangedObject,
    /// The object's version after the change.
    pub version: Option<Version>,
}

/// Committed changes read from a change log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangePage {
    /// Changes after the requested position, in sequence order (at most the number asked for).
    pub changes: Vec<Change>,
    /// The sequence number of the last change committed in the snapshot read (0: none yet).
    pub last_seq: u64,
}

/// The change log of a store, inside one transaction ([`crate::RegistryTx::change_log`]).
pub trait ChangeLogTx {
    /// Records a change in this transaction (it commits or rolls back with it) and returns the
    /// sequence number it will have. Write transactions only.
    fn append_change(&mut self, change: &ChangeRecord) -> Result<u64>;

    /// Up to `max` committed changes with sequence numbers above `after`, in order, and the
    /// last sequence number. `ERROR_JOURNAL_ENTRY_DELETED` (1181) when changes after `after`
    /// are no longer kept (older than the window) or `after` is beyond the last change (a
    /// position from another store); the detail names the current last sequence number.
    fn changes_after(&mut self, after: u64, max: usize) -> Result<ChangePage>;

    /// The sequence number of the last change committed (0: none yet), as this transaction
    /// sees it.
    fn last_seq(&mut self) -> Result<u64>;
}

/// Wakes a watcher when a store may have committed something ([`crate::Registry::change_waiter`]).
pub trait ChangeWaiter: Send {
    /// Blocks until the store may have committed a write transaction after the one that made
    /// `generation`, or until `timeout` has passed. Returning early is allowed (callers
    /// re-read the generation); missing a commit that happened after the waiter was created is
    /// not.
    fn wait(&mut self, generation: u64, timeout: Duration) -> Result<()>;
}

/// A stream of committed changes ([`crate::RouterConfig::watch`]): each change once, in
/// sequence order, never one that was rolled back.
pub trait ChangeStream: Send {
    /// The sequence number of the last change delivered (at first: the position the stream
    /// started after).
    fn position(&self) -> u64;

    /// The next change, waiting at most `timeout` for one; `Ok(None)` if none came in time.
    /// `ERROR_JOURNAL_ENTRY_DELETED` (1181) if the stream fell so far behind that changes it
    /// had not delivered were trimmed from the log: rescan and watch again.
    fn next_timeout(&mut self, timeout: Duration) -> Result<Option<Change>>;
}

/// The error of a store that keeps no change log: `ERROR_JOURNAL_NOT_ACTIVE` (1179).
pub fn no_change_log(what: &str) -> Error {
    Error::new(
        WinError::ERROR_JOURNAL_NOT_ACTIVE,
        format!("{what} keeps no change log: changes cannot be watched"),
    )
}

/// The error of a position the log cannot continue from: `ERROR_JOURNAL_ENTRY_DELETED` (1181),
/// naming the current last sequence number to rescan and resume from.
pub fn position_lost(after: u64, trimmed: u64, last_seq: u64) -> Error {
    let why = if after > last_seq {
        format!("change {after} is beyond the last change of this store")
    } else {
        format!("changes {}..={trimmed} are no longer kept", after + 1)
    };
    Error::new(
        WinError::ERROR_JOURNAL_ENTRY_DELETED,
        format!(
            "cannot resume after change {after}: {why}; the current sequence number is {last_seq}: rescan the configuration, then watch from {last_seq}"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_versions_follow_contents_and_folded_names_only() {
        let a = vec![
            ("InterfaceInfo".to_owned(), RegValue::binary(vec![1, 2, 3])),
            ("ProtocolId".to_owned(), RegValue::dword(0x21)),
        ];
        let mut b = a.clone();
        assert_eq!(content_version(&a), content_version(&b));
        b[0].0 = "INTERFACEINFO".to_owned();
        assert_eq!(content_version(&a), content_version(&b), "names fold");
        b[0].1 = RegValue::binary(vec![1, 2, 4]);
        assert_ne!(content_version(&a), content_version(&b));
        // Boundaries between name and data are part of the digest.
        let c = vec![("ab".to_owned(), RegValue::binary(vec![b'c']))];
        let d = vec![("a".to_owned(), RegValue::binary(vec![b'b', b'c']))];
        assert_ne!(content_version(&c), content_version(&d));
        assert_ne!(content_version(&[]), Version::from_raw(0));
    }

    #[test]
    fn lost_positions_name_the_current_sequence() {
        let e = position_lost(3, 10, 42);
        assert_eq!(e.code, WinError::ERROR_JOURNAL_ENTRY_DELETED);
        assert!(e.detail.contains("4..=10") && e.detail.contains("watch from 42"));
        let e = position_lost(50, 10, 42);
        assert!(e.detail.contains("beyond"), "{e}");
    }
}
