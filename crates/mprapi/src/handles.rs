//! The handle table: generational, kind-tagged handles (DESIGN §4.4).
//!
//! A `HANDLE` given to C is never a pointer: it encodes a slot index, the slot's generation and
//! the handle kind, `generation << 32 | index << 8 | TAG << 4 | kind`, so it is never 0 and a
//! stale, freed, foreign or wrong-kind value is recognised and refused with
//! `ERROR_INVALID_HANDLE` instead of being dereferenced. Child handles (interface, transport,
//! interface-transport) belong to one config handle and are freed with it by
//! `MprConfigServerDisconnect`. Each config handle hands out one handle per object (the same
//! interface always gets the same value), so repeated enumerations do not grow the table.

use std::collections::HashMap;
use std::ffi::c_void;
use std::sync::{Arc, OnceLock, RwLock, RwLockReadGuard, RwLockWriteGuard};

use mprconfig_core::{Error, IfTransportId, InterfaceId, Result, TransportId, WinError};

use crate::Conn;

/// What a handle designates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    /// `hMprConfig`.
    Config = 1,
    /// `hRouterInterface`.
    Interface = 2,
    /// `hRouterTransport`.
    Transport = 3,
    /// `hRouterIfTransport`.
    IfTransport = 4,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Config => "config handle",
            Kind::Interface => "interface handle",
            Kind::Transport => "transport handle",
            Kind::IfTransport => "interface-transport handle",
        }
    }
}

/// The object behind a child handle.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Child {
    /// An interface.
    Interface(InterfaceId),
    /// A transport.
    Transport(TransportId),
    /// An interface-transport.
    IfTransport(IfTransportId),
}

impl Child {
    fn kind(&self) -> Kind {
        match self {
            Child::Interface(_) => Kind::Interface,
            Child::Transport(_) => Kind::Transport,
            Child::IfTransport(_) => Kind::IfTransport,
        }
    }
}

/// Tag nibble that marks our handle values.
const TAG: u64 = 0xA;
/// Largest slot index (24 bits).
const MAX_SLOTS: usize = 1 << 24;

enum Entry {
    Config {
        conn: Conn,
        children: HashMap<Child, u64>,
    },
    Child {
        config: u64,
        child: Arc<Child>,
    },
}

struct Slot {
    generation: u32,
    entry: Option<Entry>,
}

#[derive(Default)]
struct Table {
    slots: Vec<Slot>,
    free: Vec<u32>,
}

fn encode(index: u32, generation: u32, kind: Kind) -> u64 {
    (u64::from(generation) << 32) | (u64::from(index) << 8) | (TAG << 4) | kind as u64
}

/// Splits a value into (index, generation, kind nibble); `None` if it is not shaped like ours.
fn decode(v: u64) -> Option<(u32, u32, u8)> {
    if (v >> 4) & 0xF != TAG {
        return None;
    }
    Some((
        ((v >> 8) & 0xFF_FFFF) as u32,
        (v >> 32) as u32,
        (v & 0xF) as u8,
    ))
}

fn table() -> &'static RwLock<Table> {
    static TABLE: OnceLock<RwLock<Table>> = OnceLock::new();
    TABLE.get_or_init(|| RwLock::new(Table::default()))
}

fn read() -> RwLockReadGuard<'static, Table> {
    // Every mutation is a single field update, so a poisoned lock still holds a consistent table.
    table().read().unwrap_or_else(|e| e.into_inner())
}

fn write() -> RwLockWriteGuard<'static, Table> {
    table().write().unwrap_or_else(|e| e.into_inner())
}

fn invalid(kind: Kind, v: u64) -> Error {
    Error::new(
        WinError::ERROR_INVALID_HANDLE,
        format!("{v:#x} is not a live {}", kind.name()),
    )
}

impl Table {
    fn get(&self, v: u64, kind: Kind) -> Option<&Entry> {
        let (index, generation, k) = decode(v)?;
        if k != kind as u8 {
            return None;
        }
        let slot = self.slots.get(index as usize)?;
        if slot.generation != generation {
            return None;
        }
        slot.entry.as_ref()
    }

    fn insert(&mut self, entry: Entry, kind: Kind) -> Result<u64> {
        let index = match self.free.pop() {
            Some(i) => i,
            None => {
                if self.slots.len() >= MAX_SLOTS {
                    return Err(Error::new(
                        WinError::ERROR_NOT_ENOUGH_MEMORY,
                        "handle table is full",
                    ));
                }
                self.slots.push(Slot {
                    generation: 1,
                    entry: None,
                });
                (self.slots.len() - 1) as u32
            }
        };
        let slot = &mut self.slots[index as usize];
        slot.entry = Some(entry);
        Ok(encode(index, slot.generation, kind))
    }

    fn remove(&mut self, v: u64) -> Option<Entry> {
        let (index, generation, _) = decode(v)?;
        let slot = self.slots.get_mut(index as usize)?;
        if slot.generation != generation {
            return None;
        }
        let entry = slot.entry.take()?;
        // Generation 0 is skipped so that no live handle ever equals a zeroed one.
        slot.generation = slot.generation.checked_add(1).unwrap_or(1);
        self.free.push(index);
        Some(entry)
    }
}

/// What a forked child inherited from its parent's table: the connections of the config
/// handles that were live at `fork()`. They are kept here, never used and never dropped: a
/// remote one's session and socket are the parent's, and a local one is let go by the store
/// cache of `mprconfig` (which closes what it safely can) only once nothing here holds it.
static INHERITED: std::sync::Mutex<Vec<Conn>> = std::sync::Mutex::new(Vec::new());

/// In a child after `fork()` (see `crate::fork`): every handle live at the fork becomes stale,
/// so the child's calls with an inherited handle are refused with `ERROR_INVALID_HANDLE`
/// exactly as for a closed one (the slot's generation moves on, so no new handle ever equals
/// an inherited value). Local connections are released to the store cache, which closes them
/// before the child opens its own; remote ones are kept in [`INHERITED`].
pub(crate) fn forget_inherited() {
    let mut t = write();
    let live: Vec<u64> = t
        .slots
        .iter()
        .enumerate()
        .filter_map(|(index, slot)| {
            let kind = match slot.entry.as_ref()? {
                Entry::Config { .. } => Kind::Config,
                Entry::Child { child, .. } => child.kind(),
            };
            Some(encode(index as u32, slot.generation, kind))
        })
        .collect();
    let mut kept = Vec::new();
    for v in live {
        if let Some(Entry::Config { conn, .. }) = t.remove(v)
            && !conn.is_local()
        {
            kept.push(conn);
        }
    }
    drop(t);
    INHERITED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .extend(kept);
}

/// The handle value of a C `HANDLE`.
pub fn value(h: *mut c_void) -> u64 {
    h as usize as u64
}

/// The C `HANDLE` of a handle value.
pub fn to_handle(v: u64) -> *mut c_void {
    v as usize as *mut c_void
}

/// Registers a new config handle for an open connection.
pub fn open_config(conn: Conn) -> Result<u64> {
    write().insert(
        Entry::Config {
            conn,
            children: HashMap::new(),
        },
        Kind::Config,
    )
}

/// Closes a config handle and every child handle made through it. Returns false if `h` was not
/// a live config handle.
pub fn close_config(h: u64) -> bool {
    let mut t = write();
    if t.get(h, Kind::Config).is_none() {
        return false;
    }
    if let Some(Entry::Config { children, .. }) = t.remove(h) {
        for child in children.into_values() {
            t.remove(child);
        }
    }
    true
}

/// The connection of a config handle. NULL → 87; anything but a live config handle → 6.
pub fn config(h: *mut c_void, param: &str) -> Result<Conn> {
    crate::guard::not_null(h, param)?;
    match read().get(value(h), Kind::Config) {
        Some(Entry::Config { conn, .. }) => Ok(conn.clone()),
        _ => Err(invalid(Kind::Config, value(h)).context(param)),
    }
}

/// The object of a child handle of `kind` that belongs to config handle `cfg`.
/// NULL → 87; unknown, freed, wrong-kind or another config's handle → 6.
pub fn child(cfg: *mut c_void, h: *mut c_void, kind: Kind, param: &str) -> Result<Arc<Child>> {
    crate::guard::not_null(h, param)?;
    match read().get(value(h), kind) {
        Some(Entry::Child { config, child }) if *config == value(cfg) => Ok(child.clone()),
        _ => Err(invalid(kind, value(h)).context(param)),
    }
}

/// A config handle and one of its child handles, resolved under one lock (the common case
/// of every interface/transport call). NULL → 87; not live, wrong kind or foreign → 6.
pub fn config_and_child(
    cfg: *mut c_void,
    h: *mut c_void,
    kind: Kind,
    param: &str,
) -> Result<(Conn, Arc<Child>)> {
    crate::guard::not_null(cfg, "hMprConfig")?;
    crate::guard::not_null(h, param)?;
    let t = read();
    let conn = match t.get(value(cfg), Kind::Config) {
        Some(Entry::Config { conn, .. }) => conn.clone(),
        _ => return Err(invalid(Kind::Config, value(cfg)).context("hMprConfig")),
    };
    match t.get(value(h), kind) {
        Some(Entry::Child { config, child }) if *config == value(cfg) => Ok((conn, child.clone())),
        _ => Err(invalid(kind, value(h)).context(param)),
    }
}

/// The handle of `child` under config handle `cfg`, made on first use.
/// Errors: `cfg` was closed meanwhile (another thread disconnected) → 6.
pub fn child_handle(cfg: *mut c_void, child: Child) -> Result<*mut c_void> {
    let cfg_v = value(cfg);
    {
        let t = read();
        match t.get(cfg_v, Kind::Config) {
            Some(Entry::Config { children, .. }) => {
                if let Some(&v) = children.get(&child) {
                    return Ok(to_handle(v));
                }
            }
            _ => return Err(invalid(Kind::Config, cfg_v)),
        }
    }
    let mut t = write();
    // Re-check under the write lock: another thread may have made it or disconnected.
    match t.get(cfg_v, Kind::Config) {
        Some(Entry::Config { children, .. }) => {
            if let Some(&v) = children.get(&child) {
                return Ok(to_handle(v));
            }
        }
        _ => return Err(invalid(Kind::Config, cfg_v)),
    }
    let kind = child.kind();
    let v = t.insert(
        Entry::Child {
            config: cfg_v,
            child: Arc::new(child.clone()),
        },
        kind,
    )?;
    let (index, _, _) = decode(cfg_v).unwrap_or((0, 0, 0));
    if let Some(Slot {
        entry: Some(Entry::Config { children, .. }),
        ..
    }) = t.slots.get_mut(index as usize)
    {
        children.insert(child, v);
    }
    Ok(to_handle(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_is_never_zero_and_round_trips() {
        let v = encode(5, 7, Kind::Transport);
        assert_ne!(v, 0);
        assert_eq!(decode(v), Some((5, 7, Kind::Transport as u8)));
        assert_eq!(decode(0), None);
        assert_eq!(decode(0x1234_5678_0000_0000), None);
    }

    fn code(h: *mut c_void) -> WinError {
        match config(h, "h") {
            Ok(_) => WinError::NO_ERROR,
            Err(e) => e.code,
        }
    }

    #[test]
    fn null_and_foreign_values_are_refused_with_87_and_6() {
        assert_eq!(
            code(std::ptr::null_mut()),
            WinError::ERROR_INVALID_PARAMETER
        );
        assert_eq!(code(to_handle(0xdead_beef)), WinError::ERROR_INVALID_HANDLE);
        let never_issued = encode(MAX_SLOTS as u32 - 1, 9, Kind::Config);
        assert_eq!(
            code(to_handle(never_issued)),
            WinError::ERROR_INVALID_HANDLE
        );
    }
}
