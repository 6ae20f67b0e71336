//! `RegistryConfig`: the `MprConfig*` semantics, written once over any [`Registry`].
//!
//! Every [`RouterConfig`] call is exactly one registry transaction (read for getters and
//! enumerations, write for changes) over the Windows `RemoteAccess` tree of
//! [`crate::layout`], so a store laid out by this code is a Windows configuration and vice
//! versa. Argument checks come first and name what is wrong; then existence (905 / 902); then
//! the change. Choices where the Windows documentation is silent follow the recommendations of
//! `docs/spec/mprconfig-api.md` §5 and are listed in `docs/design.md` ("Semantics choices").
//!
//! Interface handles are resolved by key number (O(1)); names are resolved through a
//! name → key index cached with the registry generation it describes, reused while the
//! generation is unchanged and advanced by this value's own successful writes, so single-object
//! calls do no O(n) work once the index is warm.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, PoisonError};

use crate::info::{self, InfoHeader};
use crate::layout::{self as l, PortPool};
use crate::model::limits::{MAX_INTERFACE_NAME_LEN, MAX_TRANSPORT_NAME_LEN};
use crate::model::*;
use crate::regfile::{self, RegKey};
use crate::registry::{REG_BINARY, REG_MULTI_SZ, REG_SZ, RegValueRef, fold, names_equal};
use crate::{
    Error, RegValue, Registry, RegistryTx, Result, RouterConfig, TxMode, WinError, bail, page_range,
};

type Values = Vec<(String, RegValue)>;

/// The router configuration semantics over a registry-shaped store.
///
/// Cheap to create; one per open configuration (config handle). Thread-safe: every call is
/// one transaction of `R`, and the cached name index sits behind a mutex.
pub struct RegistryConfig<R: Registry> {
    registry: R,
    index: Mutex<Option<NameIndex>>,
    /// The interface list in key order, exact for the generation it was read at, so paging
    /// through a large configuration reads it once rather than once per page.
    listing: Mutex<Option<(u64, Arc<Vec<InterfaceEntry>>)>>,
}

impl<R: Registry> std::fmt::Debug for RegistryConfig<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryConfig").finish_non_exhaustive()
    }
}

/// Interface name → key number, exact for the registry generation it was built at.
#[derive(Debug)]
struct NameIndex {
    generation: u64,
    /// Folded interface name → (key number, stored name).
    by_name: HashMap<String, (u32, String)>,
    /// Every canonical numeric subkey of `Interfaces`, interface or not (new keys are max + 1).
    keys: BTreeSet<u32>,
    /// Interfaces hidden behind another of the same name (only outside edits make these); while
    /// there are any, a delete cannot be applied to the index exactly and forces a rebuild.
    shadowed: usize,
}

/// What a committed write did to the interface index.
enum IndexChange {
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

    fn next_key(&self) -> Result<u32> {
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
    /// A configuration over `registry` (which should hold, or will receive through
    /// [`RouterConfig::install`], the `RemoteAccess` tree).
    pub fn new(registry: R) -> Self {
        RegistryConfig {
            registry,
            index: Mutex::new(None),
            listing: Mutex::new(None),
        }
    }

    /// The underlying registry.
    pub fn registry(&self) -> &R {
        &self.registry
    }

    fn read<T>(&self, mut f: impl FnMut(&mut dyn RegistryTx) -> Result<T>) -> Result<T> {
        self.registry.transact(TxMode::Read, &mut f)
    }

    /// One write transaction; afterwards the cached index is advanced to the new generation
    /// with `f`'s change, if it described the generation the transaction started from.
    fn write<T>(
        &self,
        mut f: impl FnMut(&mut dyn RegistryTx) -> Result<(T, IndexChange)>,
    ) -> Result<T> {
        let mut seen = None;
        let mut change = IndexChange::Rebuild;
        let value = self
            .registry
            .transact(TxMode::Write, &mut |tx: &mut dyn RegistryTx| {
                seen = Some(tx.generation()?);
                let (value, c) = f(tx)?;
                change = c;
                Ok(value)
            })?;
        if let Some(seen) = seen {
            self.advance_index(seen, change);
        }
        Ok(value)
    }

    fn advance_index(&self, seen: u64, change: IndexChange) {
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
    fn with_index<T>(&self, tx: &mut dyn RegistryTx, f: impl FnOnce(&NameIndex) -> T) -> Result<T> {
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

    fn lookup_interface(
        &self,
        tx: &mut dyn RegistryTx,
        name: &str,
    ) -> Result<Option<(u32, String)>> {
        let folded = fold(name);
        self.with_index(tx, |i| i.by_name.get(&folded).cloned())
    }
}

// ---- value helpers ---------------------------------------------------------------------------

fn val<'a>(values: &'a [(String, RegValue)], name: &str) -> Option<&'a RegValue> {
    values
        .iter()
        .find(|(n, _)| names_equal(n, name))
        .map(|(_, v)| v)
}

fn dword(values: &[(String, RegValue)], name: &str) -> Option<u32> {
    val(values, name).and_then(RegValue::as_dword)
}

fn string(values: &[(String, RegValue)], name: &str) -> Option<String> {
    val(values, name).and_then(RegValue::as_string)
}

fn bytes(values: &[(String, RegValue)], name: &str) -> Option<Vec<u8>> {
    val(values, name).map(|v| v.data.clone())
}

fn is_not_found(e: &Error) -> bool {
    e.code == WinError::ERROR_FILE_NOT_FOUND
}

fn subkeys_with_values_or_empty(
    tx: &mut dyn RegistryTx,
    path: &str,
) -> Result<Vec<(String, Values)>> {
    match tx.subkeys_with_values(path) {
        Err(e) if is_not_found(&e) => Ok(Vec::new()),
        other => other,
    }
}

fn values_or_none(tx: &mut dyn RegistryTx, path: &str) -> Result<Option<Values>> {
    match tx.values(path) {
        Ok(v) => Ok(Some(v)),
        Err(e) if is_not_found(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

fn set_dword(tx: &mut dyn RegistryTx, path: &str, name: &str, v: u32) -> Result<()> {
    tx.set_value(path, name, &RegValue::dword(v))
}

fn set_bool(tx: &mut dyn RegistryTx, path: &str, name: &str, v: bool) -> Result<()> {
    set_dword(tx, path, name, u32::from(v))
}

/// Sets a REG_BINARY value, or deletes it when `data` is empty (absent reads back as empty).
fn set_binary_or_delete(
    tx: &mut dyn RegistryTx,
    path: &str,
    name: &str,
    data: &[u8],
) -> Result<()> {
    if data.is_empty() {
        tx.delete_value(path, name).map(|_| ())
    } else {
        tx.set_value(path, name, &RegValue::binary(data))
    }
}

/// A `DLLPath` value: REG_EXPAND_SZ when it refers to environment variables, as Windows writes it.
fn dll_path_value(path: &str) -> RegValue {
    if path.contains('%') {
        RegValue::expand_sz(path)
    } else {
        RegValue::sz(path)
    }
}

fn stored_data_error(e: Error, what: &str) -> Error {
    Error::new(
        WinError::ERROR_INVALID_DATA,
        format!("stored {what} is malformed: {}", e.detail),
    )
}

// ---- argument checks -------------------------------------------------------------------------

fn check_interface_name(name: &str) -> Result<()> {
    let units = name.encode_utf16().count();
    if units == 0 {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "the interface name is empty"
        );
    }
    if units > MAX_INTERFACE_NAME_LEN {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "the interface name has {units} characters, more than {MAX_INTERFACE_NAME_LEN}"
        );
    }
    if name.contains('\0') {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "the interface name contains a NUL character"
        );
    }
    Ok(())
}

/// A transport name as stored: registry key names and `WCHAR[41]` fields hold 1..=40
/// characters, so longer names are truncated to 40 (spec Q18; a surrogate pair is never split).
/// Empty names and names with NUL, `\` (a key-path separator) or a line break (which would
/// end a line of the `.reg` backup and let the name inject keys or values) are refused.
fn transport_key_name(name: &str) -> Result<String> {
    if name.is_empty() || name.contains(['\0', '\\', '\r', '\n']) {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "transport name {name:?} is empty or contains NUL, a backslash or a line break"
        );
    }
    let mut units = 0;
    Ok(name
        .chars()
        .take_while(|c| {
            units += c.len_utf16();
            units <= MAX_TRANSPORT_NAME_LEN
        })
        .collect())
}

fn check_blob(blob: Option<&[u8]>, what: &str) -> Result<()> {
    match blob {
        Some(b) => info::validate(b).map(|_| ()).map_err(|e| e.context(what)),
        None => Ok(()),
    }
}

fn check_interface_type(t: InterfaceType) -> Result<()> {
    if !(0..=7).contains(&t.0) {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "interface type {} is not a ROUTER_INTERFACE_TYPE",
            t.0
        );
    }
    Ok(())
}

/// Minutes since midnight of `HH:MM` (00:00 to 24:00).
fn parse_time(t: &str) -> Option<u32> {
    let b = t.as_bytes();
    if b.len() != 5 || b[2] != b':' || ![0, 1, 3, 4].iter().all(|&i| b[i].is_ascii_digit()) {
        return None;
    }
    let h = u32::from(b[0] - b'0') * 10 + u32::from(b[1] - b'0');
    let m = u32::from(b[3] - b'0') * 10 + u32::from(b[4] - b'0');
    if m > 59 || h > 24 || (h == 24 && m != 0) {
        return None;
    }
    Some(h * 60 + m)
}

/// One dial-out hours entry: `D HH:MM-HH:MM[ HH:MM-HH:MM...]`, D 0-6, start before end.
fn valid_hours_entry(entry: &str) -> bool {
    let mut parts = entry.split(' ');
    let day_ok =
        matches!(parts.next(), Some(d) if d.len() == 1 && (b'0'..=b'6').contains(&d.as_bytes()[0]));
    let mut ranges = 0;
    for range in parts {
        let Some((a, b)) = range.split_once('-') else {
            return false;
        };
        match (parse_time(a), parse_time(b)) {
            (Some(a), Some(b)) if a < b => ranges += 1,
            _ => return false,
        }
    }
    day_ok && ranges > 0
}

fn check_dialout_hours(hours: Option<&[String]>) -> Result<()> {
    for entry in hours.unwrap_or_default() {
        if !valid_hours_entry(entry) {
            bail!(
                WinError::ERROR_INVALID_PARAMETER,
                "dial-out hours entry {entry:?} is not \"D HH:MM-HH:MM[ HH:MM-HH:MM...]\" (D 0-6, start before end)"
            );
        }
    }
    Ok(())
}

fn check_ports(what: &str, pool: &PortPool, ports: &PortConfig) -> Result<()> {
    if ports.num_ports == 0 || ports.num_ports > pool.max_ports {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "{what} port count {} is outside 1..={}",
            ports.num_ports,
            pool.max_ports
        );
    }
    if ports.port_flags & !pool.allowed_flags != 0 {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "{what} port flags {:#x} have bits other than {:#x}",
            ports.port_flags,
            pool.allowed_flags
        );
    }
    Ok(())
}

// ---- interfaces ------------------------------------------------------------------------------

/// The values [`parse_interface`] reads.
const INTERFACE_VALUES: [&str; 4] = [l::INTERFACE_NAME, l::TYPE, l::ENABLED, l::DIAL_OUT_HOURS];

/// An interface from its key's values: needs a string `InterfaceName` and a DWORD `Type`.
fn parse_interface(values: &[(String, RegValue)]) -> Option<Interface> {
    interface_from(|name| val(values, name).map(RegValue::as_value_ref))
}

/// [`parse_interface`] over values a registry lends
/// ([`RegistryTx::visit_subkeys_with_values`]).
fn parse_interface_lent(values: &[(&str, RegValueRef<'_>)]) -> Option<Interface> {
    interface_from(|name| {
        values
            .iter()
            .find(|(n, _)| names_equal(n, name))
            .map(|(_, v)| *v)
    })
}

/// An interface from a lookup of its key's values by name ([`INTERFACE_VALUES`] only).
fn interface_from<'a>(val: impl Fn(&str) -> Option<RegValueRef<'a>>) -> Option<Interface> {
    let name = val(l::INTERFACE_NAME)?.as_string()?;
    let if_type = InterfaceType(val(l::TYPE)?.as_dword()? as i32);
    let enabled = val(l::ENABLED).is_none_or(|v| v.as_dword().is_none_or(|d| d != 0));
    let dialout_hours = val(l::DIAL_OUT_HOURS).and_then(|v| v.as_multi_sz());
    // Runtime fields have no persistent source (spec Q13).
    let (connection_state, unreachability_reasons) = if enabled {
        (ConnectionState::DISCONNECTED, 0)
    } else {
        (ConnectionState::UNREACHABLE, MPR_INTERFACE_ADMIN_DISABLED)
    };
    Some(Interface {
        name,
        if_type,
        enabled,
        dialout_hours,
        connection_state,
        unreachability_reasons,
        last_error: 0,
    })
}

fn no_such_interface(id: &InterfaceId) -> Error {
    Error::new(
        WinError::ERROR_NO_SUCH_INTERFACE,
        format!(
            "interface {:?} (key {}) is not in the configuration",
            id.name, id.key
        ),
    )
}

/// The interface a handle denotes, with its key's values; 905 if it is gone.
fn resolve_interface(tx: &mut dyn RegistryTx, id: &InterfaceId) -> Result<(Interface, Values)> {
    let values =
        values_or_none(tx, &l::interface_key(id.key))?.ok_or_else(|| no_such_interface(id))?;
    match parse_interface(&values) {
        Some(iface) if names_equal(&iface.name, &id.name) => Ok((iface, values)),
        _ => Err(no_such_interface(id)),
    }
}

fn write_dialout_hours(
    tx: &mut dyn RegistryTx,
    path: &str,
    hours: Option<&[String]>,
) -> Result<()> {
    match hours {
        Some(h) => tx.set_value(path, l::DIAL_OUT_HOURS, &RegValue::multi_sz(h)),
        None => tx.delete_value(path, l::DIAL_OUT_HOURS).map(|_| ()),
    }
}

/// Writes a new interface key with its values in the order Windows uses.
fn write_interface_key(tx: &mut dyn RegistryTx, key: u32, iface: &Interface) -> Result<String> {
    let path = l::interface_key(key);
    if !tx.create_key(&path)? {
        bail!(
            WinError::ERROR_ALREADY_EXISTS,
            "interface key {path} already exists"
        );
    }
    tx.set_value(&path, l::INTERFACE_NAME, &RegValue::sz(&iface.name))?;
    set_dword(tx, &path, l::TYPE, iface.if_type.0 as u32)?;
    set_bool(tx, &path, l::ENABLED, iface.enabled)?;
    if let Some(h) = &iface.dialout_hours {
        write_dialout_hours(tx, &path, Some(h))?;
    }
    set_dword(tx, &path, l::STAMP, 0)?;
    Ok(path)
}

fn interface_entry(key: u32, info: Interface) -> InterfaceEntry {
    InterfaceEntry {
        id: InterfaceId {
            key,
            name: info.name.clone(),
        },
        info,
    }
}

// ---- transports and interface-transports -----------------------------------------------------

/// The first subkey of `parent` whose `ProtocolId` is `protocol_id` (transports are identified
/// by that value, never by the subkey name).
fn find_by_protocol(
    tx: &mut dyn RegistryTx,
    parent: &str,
    protocol_id: u32,
) -> Result<Option<(String, Values)>> {
    Ok(subkeys_with_values_or_empty(tx, parent)?
        .into_iter()
        .find(|(_, v)| dword(v, l::PROTOCOL_ID) == Some(protocol_id)))
}

/// Subkeys of `parent` that carry a `ProtocolId`, first one per id, in stored order.
fn list_by_protocol(tx: &mut dyn RegistryTx, parent: &str) -> Result<Vec<(u32, String, Values)>> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (name, values) in subkeys_with_values_or_empty(tx, parent)? {
        if let Some(pid) = dword(&values, l::PROTOCOL_ID)
            && seen.insert(pid)
        {
            out.push((pid, name, values));
        }
    }
    Ok(out)
}

fn unknown_protocol(protocol_id: u32) -> Error {
    Error::new(
        WinError::ERROR_UNKNOWN_PROTOCOL_ID,
        format!("transport {protocol_id:#x} is not in the configuration"),
    )
}

fn find_transport(tx: &mut dyn RegistryTx, protocol_id: u32) -> Result<(String, Values)> {
    find_by_protocol(tx, l::ROUTER_MANAGERS, protocol_id)?
        .ok_or_else(|| unknown_protocol(protocol_id))
}

/// Creates `parent\name` for a new transport; a subkey of that name holding something else is
/// refused rather than merged into.
fn create_protocol_key(
    tx: &mut dyn RegistryTx,
    parent: &str,
    name: &str,
    protocol_id: u32,
) -> Result<String> {
    let path = format!(r"{parent}\{name}");
    if !tx.create_key(&path)? {
        bail!(
            WinError::ERROR_ALREADY_EXISTS,
            "key {path} already exists and is not transport {protocol_id:#x}"
        );
    }
    set_dword(tx, &path, l::PROTOCOL_ID, protocol_id)?;
    Ok(path)
}

fn write_transport_items(
    tx: &mut dyn RegistryTx,
    path: &str,
    global_info: Option<&[u8]>,
    client_interface_info: Option<&[u8]>,
    dll_path: Option<&str>,
) -> Result<()> {
    if let Some(g) = global_info {
        tx.set_value(path, l::GLOBAL_INFO, &RegValue::binary(g))?;
    }
    if let Some(c) = client_interface_info {
        tx.set_value(path, l::GLOBAL_INTERFACE_INFO, &RegValue::binary(c))?;
    }
    if let Some(d) = dll_path {
        tx.set_value(path, l::DLL_PATH, &dll_path_value(d))?;
    }
    Ok(())
}

fn check_dll_path(dll_path: Option<&str>) -> Result<()> {
    if dll_path.is_some_and(|d| d.contains('\0')) {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "the DLL path contains a NUL character"
        );
    }
    Ok(())
}

fn no_such_if_transport(iface: &InterfaceId, protocol_id: u32) -> Error {
    Error::new(
        WinError::ERROR_NO_SUCH_INTERFACE,
        format!(
            "interface {:?} has no transport {protocol_id:#x}",
            iface.name
        ),
    )
}

fn resolve_if_transport(tx: &mut dyn RegistryTx, id: &IfTransportId) -> Result<(String, Values)> {
    resolve_interface(tx, &id.interface)?;
    find_by_protocol(tx, &l::interface_key(id.interface.key), id.protocol_id)?
        .map(|(name, values)| {
            (
                format!(r"{}\{name}", l::interface_key(id.interface.key)),
                values,
            )
        })
        .ok_or_else(|| no_such_if_transport(&id.interface, id.protocol_id))
}

fn page<T: Clone>(items: &[T], resume: u32, max_entries: u32) -> Result<Page<T>> {
    let (range, next_resume) = page_range(items.len(), resume, max_entries)?;
    let total_from_resume = u32::try_from(items.len() - range.start).unwrap_or(u32::MAX);
    Ok(Page {
        entries: items[range].to_vec(),
        total_from_resume,
        next_resume,
    })
}

// ---- server info -----------------------------------------------------------------------------

/// The port pools present in `PORTS_CLASS`, found by `ComponentId`.
struct Pools {
    found: Vec<Option<(String, Values)>>,
    next: u32,
}

impl Pools {
    fn load(tx: &mut dyn RegistryTx) -> Result<Self> {
        let mut found: Vec<Option<(String, Values)>> = vec![None; l::POOLS.len()];
        let mut next = 0u32;
        for (name, values) in subkeys_with_values_or_empty(tx, l::PORTS_CLASS)? {
            if name.len() >= 4
                && name.bytes().all(|b| b.is_ascii_digit())
                && let Ok(n) = name.parse::<u32>()
            {
                next = next.max(n.saturating_add(1));
            }
            let Some(component) = string(&values, l::COMPONENT_ID) else {
                continue;
            };
            if let Some(i) = l::POOLS
                .iter()
                .position(|p| p.component_id.eq_ignore_ascii_case(&component))
                && found[i].is_none()
            {
                found[i] = Some((name, values));
            }
        }
        Ok(Pools { found, next })
    }

    fn slot(pool: &PortPool) -> usize {
        l::POOLS
            .iter()
            .position(|p| p.component_id == pool.component_id)
            .unwrap_or(0)
    }

    fn config(&self, pool: &PortPool) -> PortConfig {
        match &self.found[Self::slot(pool)] {
            None => PortConfig::default(),
            Some((_, v)) => PortConfig {
                num_ports: dword(v, l::WAN_ENDPOINTS).unwrap_or(0),
                port_flags: (if dword(v, l::ENABLE_FOR_RAS).unwrap_or(0) != 0 {
                    MPR_ENABLE_RAS_ON_DEVICE
                } else {
                    0
                }) | (if dword(v, l::ENABLE_FOR_ROUTING).unwrap_or(0) != 0 {
                    MPR_ENABLE_ROUTING_ON_DEVICE
                } else {
                    0
                }),
            },
        }
    }

    fn total_ports(&self) -> u32 {
        l::POOLS
            .iter()
            .fold(0u32, |acc, p| acc.saturating_add(self.config(p).num_ports))
    }

    /// Stores a pool's count and flags, creating its `NNNN` key when it has none.
    fn write(&mut self, tx: &mut dyn RegistryTx, pool: &PortPool, ports: PortConfig) -> Result<()> {
        let slot = Self::slot(pool);
        let path = match &self.found[slot] {
            Some((name, _)) => format!(r"{}\{name}", l::PORTS_CLASS),
            None => {
                let name = format!("{:04}", self.next);
                self.next = self.next.saturating_add(1);
                let path = format!(r"{}\{name}", l::PORTS_CLASS);
                tx.create_key(&path)?;
                tx.set_value(&path, l::COMPONENT_ID, &RegValue::sz(pool.component_id))?;
                tx.set_value(&path, l::DRIVER_DESC, &RegValue::sz(pool.description))?;
                set_dword(tx, &path, l::MAX_WAN_ENDPOINTS, pool.max_ports)?;
                set_dword(tx, &path, l::ENABLE_FOR_OUTBOUND_ROUTING, 0)?;
                self.found[slot] = Some((name, Vec::new()));
                path
            }
        };
        set_dword(tx, &path, l::WAN_ENDPOINTS, ports.num_ports)?;
        set_bool(
            tx,
            &path,
            l::ENABLE_FOR_RAS,
            ports.port_flags & MPR_ENABLE_RAS_ON_DEVICE != 0,
        )?;
        set_bool(
            tx,
            &path,
            l::ENABLE_FOR_ROUTING,
            ports.port_flags & MPR_ENABLE_ROUTING_ON_DEVICE != 0,
        )?;
        // Keep the cached values in step so config() reads what was just written.
        if let Some((_, v)) = &mut self.found[slot] {
            for (name, value) in [
                (l::WAN_ENDPOINTS, ports.num_ports),
                (
                    l::ENABLE_FOR_RAS,
                    ports.port_flags & MPR_ENABLE_RAS_ON_DEVICE,
                ),
                (
                    l::ENABLE_FOR_ROUTING,
                    ports.port_flags & MPR_ENABLE_ROUTING_ON_DEVICE,
                ),
            ] {
                v.retain(|(n, _)| !names_equal(n, name));
                v.push((name.to_owned(), RegValue::dword(value)));
            }
        }
        Ok(())
    }
}

fn lan_only_mode(params: &[(String, RegValue)]) -> bool {
    match dword(params, l::ROUTER_TYPE) {
        Some(rt) => rt & l::ROUTER_TYPE_NOT_LAN_ONLY == 0,
        None => dword(params, l::LAN_ONLY_MODE).is_some_and(|v| v != 0),
    }
}

fn read_policy(tx: &mut dyn RegistryTx, path: &str) -> Result<Option<CustomPolicy>> {
    Ok(values_or_none(tx, path)?.map(|v| CustomPolicy {
        integrity_method: dword(&v, l::INTEGRITY_METHOD).unwrap_or(0),
        encryption_method: dword(&v, l::ENCRYPTION_METHOD).unwrap_or(0),
        cipher_transform_constant: dword(&v, l::CIPHER_TRANSFORM_CONSTANT).unwrap_or(0),
        auth_transform_constant: dword(&v, l::AUTH_TRANSFORM_CONSTANT).unwrap_or(0),
        pfs_group: dword(&v, l::PFS_GROUP).unwrap_or(0),
        dh_group: dword(&v, l::DH_GROUP).unwrap_or(0),
    }))
}

fn write_policy(tx: &mut dyn RegistryTx, path: &str, policy: Option<&CustomPolicy>) -> Result<()> {
    tx.delete_key_tree(path)?;
    if let Some(p) = policy {
        tx.create_key(path)?;
        set_dword(tx, path, l::INTEGRITY_METHOD, p.integrity_method)?;
        set_dword(tx, path, l::ENCRYPTION_METHOD, p.encryption_method)?;
        set_dword(
            tx,
            path,
            l::CIPHER_TRANSFORM_CONSTANT,
            p.cipher_transform_constant,
        )?;
        set_dword(
            tx,
            path,
            l::AUTH_TRANSFORM_CONSTANT,
            p.auth_transform_constant,
        )?;
        set_dword(tx, path, l::PFS_GROUP, p.pfs_group)?;
        set_dword(tx, path, l::DH_GROUP, p.dh_group)?;
    }
    Ok(())
}

/// `MPRAPI_IKEV2_SET_TUNNEL_CONFIG_PARAMS` (also used for L2TP): the tunnel parameters are valid.
const SET_TUNNEL_CONFIG_PARAMS: u32 = 0x1;

fn read_ikev2(tx: &mut dyn RegistryTx, ports: PortConfig) -> Result<Ikev2Config> {
    let base = l::PARAMETERS_IKEV2;
    let v = values_or_none(tx, base)?.unwrap_or_default();
    let certificate_names = values_or_none(tx, &format!(r"{base}\{}", l::CERTIFICATE_NAMES))?
        .unwrap_or_default()
        .into_iter()
        .map(|(_, value)| value.data)
        .collect();
    let mut ekus: Vec<(u32, CertEku)> =
        subkeys_with_values_or_empty(tx, &format!(r"{base}\{}", l::CERTIFICATE_EKUS))?
            .into_iter()
            .filter_map(|(name, ev)| {
                let n = l::parse_interface_key(&name)?;
                Some((
                    n,
                    CertEku {
                        is_oid: dword(&ev, l::IS_EKU_OID).unwrap_or(0) != 0,
                        eku: string(&ev, l::EKU)?,
                    },
                ))
            })
            .collect();
    ekus.sort_by_key(|(n, _)| *n);
    Ok(Ikev2Config {
        ports,
        tunnel_config_param_flags: SET_TUNNEL_CONFIG_PARAMS,
        idle_timeout: dword(&v, l::IDLE_TIMEOUT).unwrap_or(l::DEFAULT_IKEV2_IDLE_TIMEOUT),
        network_blackout_time: dword(&v, l::NETWORK_BLACKOUT_TIME)
            .unwrap_or(l::DEFAULT_IKEV2_NETWORK_BLACKOUT_TIME),
        sa_lifetime: dword(&v, l::SA_LIFETIME_SERVER).unwrap_or(l::DEFAULT_IKEV2_SA_LIFETIME),
        sa_data_size_for_renegotiation: dword(&v, l::SA_DATA_SIZE)
            .unwrap_or(l::DEFAULT_IKEV2_SA_DATA_SIZE),
        config_options: 0,
        certificate_names,
        machine_certificate_name: bytes(&v, l::MACHINE_CERTIFICATE_NAME).unwrap_or_default(),
        encryption_type: dword(&v, l::ENCRYPTION_TYPE).unwrap_or(0),
        custom_policy: read_policy(tx, &format!(r"{base}\{}", l::CUSTOM_POLICY))?,
        certificate_ekus: ekus.into_iter().map(|(_, e)| e).collect(),
        machine_certificate_hash: bytes(&v, l::MACHINE_CERTIFICATE_HASH).unwrap_or_default(),
        mm_sa_lifetime: dword(&v, l::MM_SA_LIFETIME_SERVER).unwrap_or(0),
    })
}

fn check_ikev2(c: &Ikev2Config) -> Result<()> {
    check_ports("IKEv2", &l::POOL_IKEV2, &c.ports)?;
    if c.tunnel_config_param_flags & !SET_TUNNEL_CONFIG_PARAMS != 0 {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "IKEv2 tunnel config flags {:#x} are unknown",
            c.tunnel_config_param_flags
        );
    }
    if c.tunnel_config_param_flags & SET_TUNNEL_CONFIG_PARAMS == 0 {
        return Ok(());
    }
    if !(300..=17_279_999).contains(&c.idle_timeout) {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "IKEv2 idle timeout {} is outside 300..=17279999",
            c.idle_timeout
        );
    }
    if c.network_blackout_time < 120 {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "IKEv2 network blackout time {} is below 120",
            c.network_blackout_time
        );
    }
    if c.sa_lifetime < 300 {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "IKEv2 SA lifetime {} is below 300",
            c.sa_lifetime
        );
    }
    if c.sa_data_size_for_renegotiation < 1024 {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "IKEv2 SA data size {} KB is below 1024",
            c.sa_data_size_for_renegotiation
        );
    }
    if c.config_options != 0 {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "IKEv2 dwConfigOptions must be 0"
        );
    }
    if c.encryption_type > 3 {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "IKEv2 encryption type {} is not 0-3",
            c.encryption_type
        );
    }
    if c.certificate_ekus.iter().any(|e| e.eku.contains('\0')) {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "an IKEv2 certificate EKU contains NUL"
        );
    }
    Ok(())
}

fn write_ikev2(tx: &mut dyn RegistryTx, c: &Ikev2Config) -> Result<()> {
    let base = l::PARAMETERS_IKEV2;
    tx.create_key(base)?;
    set_dword(tx, base, l::IDLE_TIMEOUT, c.idle_timeout)?;
    set_dword(tx, base, l::NETWORK_BLACKOUT_TIME, c.network_blackout_time)?;
    set_dword(tx, base, l::SA_LIFETIME_SERVER, c.sa_lifetime)?;
    set_dword(tx, base, l::SA_DATA_SIZE, c.sa_data_size_for_renegotiation)?;
    set_dword(tx, base, l::ENCRYPTION_TYPE, c.encryption_type)?;
    set_dword(tx, base, l::MM_SA_LIFETIME_SERVER, c.mm_sa_lifetime)?;
    set_binary_or_delete(
        tx,
        base,
        l::MACHINE_CERTIFICATE_NAME,
        &c.machine_certificate_name,
    )?;
    set_binary_or_delete(
        tx,
        base,
        l::MACHINE_CERTIFICATE_HASH,
        &c.machine_certificate_hash,
    )?;
    let names = format!(r"{base}\{}", l::CERTIFICATE_NAMES);
    tx.delete_key_tree(&names)?;
    if !c.certificate_names.is_empty() {
        tx.create_key(&names)?;
        for (i, n) in c.certificate_names.iter().enumerate() {
            tx.set_value(&names, &i.to_string(), &RegValue::binary(n.as_slice()))?;
        }
    }
    let ekus = format!(r"{base}\{}", l::CERTIFICATE_EKUS);
    tx.delete_key_tree(&ekus)?;
    for (i, e) in c.certificate_ekus.iter().enumerate() {
        let p = format!(r"{ekus}\{i}");
        tx.create_key(&p)?;
        set_bool(tx, &p, l::IS_EKU_OID, e.is_oid)?;
        tx.set_value(&p, l::EKU, &RegValue::sz(&e.eku))?;
    }
    write_policy(
        tx,
        &format!(r"{base}\{}", l::CUSTOM_POLICY),
        c.custom_policy.as_ref(),
    )
}

fn read_l2tp(tx: &mut dyn RegistryTx, ports: PortConfig) -> Result<L2tpConfig> {
    let base = l::PARAMETERS_L2TP;
    let v = values_or_none(tx, base)?.unwrap_or_default();
    Ok(L2tpConfig {
        ports,
        tunnel_config_param_flags: SET_TUNNEL_CONFIG_PARAMS,
        idle_timeout: dword(&v, l::IDLE_TIMEOUT).unwrap_or(0),
        encryption_type: dword(&v, l::ENCRYPTION_TYPE).unwrap_or(0),
        sa_lifetime: dword(&v, l::SA_LIFETIME_SERVER).unwrap_or(0),
        sa_data_size_for_renegotiation: dword(&v, l::SA_DATA_SIZE).unwrap_or(0),
        custom_policy: read_policy(tx, &format!(r"{base}\{}", l::CUSTOM_POLICY))?,
        mm_sa_lifetime: dword(&v, l::MM_SA_LIFETIME_SERVER).unwrap_or(0),
    })
}

fn check_l2tp(c: &L2tpConfig) -> Result<()> {
    check_ports("L2TP", &l::POOL_L2TP, &c.ports)?;
    if c.tunnel_config_param_flags & !SET_TUNNEL_CONFIG_PARAMS != 0 {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "L2TP tunnel config flags {:#x} are unknown",
            c.tunnel_config_param_flags
        );
    }
    if c.tunnel_config_param_flags & SET_TUNNEL_CONFIG_PARAMS != 0 && c.encryption_type > 3 {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "L2TP encryption type {} is not 0-3",
            c.encryption_type
        );
    }
    Ok(())
}

fn write_l2tp(tx: &mut dyn RegistryTx, c: &L2tpConfig) -> Result<()> {
    let base = l::PARAMETERS_L2TP;
    tx.create_key(base)?;
    set_dword(tx, base, l::IDLE_TIMEOUT, c.idle_timeout)?;
    set_dword(tx, base, l::ENCRYPTION_TYPE, c.encryption_type)?;
    set_dword(tx, base, l::SA_LIFETIME_SERVER, c.sa_lifetime)?;
    set_dword(tx, base, l::SA_DATA_SIZE, c.sa_data_size_for_renegotiation)?;
    set_dword(tx, base, l::MM_SA_LIFETIME_SERVER, c.mm_sa_lifetime)?;
    write_policy(
        tx,
        &format!(r"{base}\{}", l::CUSTOM_POLICY),
        c.custom_policy.as_ref(),
    )
}

fn read_sstp(tx: &mut dyn RegistryTx, ports: PortConfig) -> Result<SstpConfig> {
    let v = values_or_none(tx, l::SSTP_PARAMETERS)?.unwrap_or_default();
    Ok(SstpConfig {
        ports,
        use_https: dword(&v, l::USE_HTTPS).is_none_or(|d| d != 0),
        cert_algorithm: l::CALG_SHA_256,
        cert_is_default: dword(&v, l::IS_HASH_CONFIGURED_BY_ADMIN).is_none_or(|d| d == 0),
        cert_hash: bytes(&v, l::SHA256_CERTIFICATE_HASH).unwrap_or_default(),
    })
}

fn check_sstp(c: &SstpConfig) -> Result<()> {
    check_ports("SSTP", &l::POOL_SSTP, &c.ports)?;
    if c.cert_algorithm != l::CALG_SHA_256 {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "SSTP certificate algorithm {:#x} is not CALG_SHA_256 (0x800c)",
            c.cert_algorithm
        );
    }
    if c.cert_hash.len() > l::MAX_SSTP_HASH_SIZE {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "SSTP certificate hash has {} bytes, more than {}",
            c.cert_hash.len(),
            l::MAX_SSTP_HASH_SIZE
        );
    }
    Ok(())
}

fn write_sstp(tx: &mut dyn RegistryTx, c: &SstpConfig) -> Result<()> {
    let base = l::SSTP_PARAMETERS;
    tx.create_key(base)?;
    set_bool(tx, base, l::USE_HTTPS, c.use_https)?;
    set_bool(tx, base, l::IS_HASH_CONFIGURED_BY_ADMIN, !c.cert_is_default)?;
    set_binary_or_delete(tx, base, l::SHA256_CERTIFICATE_HASH, &c.cert_hash)
}

// ---- custom interface info -------------------------------------------------------------------

const TS_RECORD_LEN: usize = 52;

/// `MPR_VPN_TRAFFIC_SELECTOR` records in their x64 in-memory layout (52 bytes each).
fn encode_selectors(list: &[TrafficSelector]) -> Vec<u8> {
    let mut out = Vec::with_capacity(list.len() * TS_RECORD_LEN);
    for ts in list {
        out.extend_from_slice(&ts.ts_type.to_le_bytes());
        out.push(ts.protocol_id);
        out.push(0);
        out.extend_from_slice(&ts.port_start.to_le_bytes());
        out.extend_from_slice(&ts.port_end.to_le_bytes());
        out.extend_from_slice(&ts.payload_id.to_le_bytes());
        for a in [&ts.addr_start, &ts.addr_end] {
            out.extend_from_slice(&a.family.to_le_bytes());
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(&a.addr);
        }
    }
    out
}

fn decode_selectors(data: &[u8]) -> Result<Vec<TrafficSelector>> {
    if !data.len().is_multiple_of(TS_RECORD_LEN) {
        bail!(
            WinError::ERROR_INVALID_DATA,
            "stored traffic selectors are {} bytes, not a multiple of {TS_RECORD_LEN}",
            data.len()
        );
    }
    let u16_at = |r: &[u8], i: usize| u16::from_le_bytes([r[i], r[i + 1]]);
    let addr_at = |r: &[u8], i: usize| {
        let mut addr = [0u8; 16];
        addr.copy_from_slice(&r[i + 4..i + 20]);
        TsAddress {
            family: u16_at(r, i),
            addr,
        }
    };
    Ok(data
        .chunks_exact(TS_RECORD_LEN)
        .map(|r| TrafficSelector {
            ts_type: i32::from_le_bytes([r[0], r[1], r[2], r[3]]),
            protocol_id: r[4],
            port_start: u16_at(r, 6),
            port_end: u16_at(r, 8),
            payload_id: u16_at(r, 10),
            addr_start: addr_at(r, 12),
            addr_end: addr_at(r, 32),
        })
        .collect())
}

/// Values on the interface key that make up its custom IKEv2 configuration.
const CUSTOM_VALUES: [&str; 7] = [
    l::SA_LIFE_TIME,
    l::SA_MAX_DATA_SIZE,
    l::MACHINE_CERTIFICATE_NAME,
    l::MACHINE_CERTIFICATE_HASH,
    l::MM_SA_LIFE_TIME,
    l::TRAFFIC_SELECTORS_INITIATOR,
    l::TRAFFIC_SELECTORS_RESPONDER,
];

fn check_custom_info(info: &CustomInfoEx) -> Result<()> {
    if info.flags & !MPRAPI_IF_CUSTOM_CONFIG_FOR_IKEV2 != 0 {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "custom info flags {:#x} are unknown",
            info.flags
        );
    }
    if info.flags == 0 {
        return Ok(());
    }
    let c = &info.ikev2;
    if !(300..=17_279_999).contains(&c.sa_lifetime) {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "IKEv2 SA lifetime {} is outside 300..=17279999",
            c.sa_lifetime
        );
    }
    if c.sa_data_size < 1024 {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "IKEv2 SA data size {} KB is below 1024",
            c.sa_data_size
        );
    }
    for ts in c
        .traffic_selectors_initiator
        .iter()
        .chain(&c.traffic_selectors_responder)
    {
        if ts.ts_type != 7 && ts.ts_type != 8 {
            bail!(
                WinError::ERROR_INVALID_PARAMETER,
                "traffic selector type {} is not MPR_VPN_TS_IPv4_ADDR_RANGE (7) or MPR_VPN_TS_IPv6_ADDR_RANGE (8)",
                ts.ts_type
            );
        }
    }
    Ok(())
}

// ---- backup / restore ------------------------------------------------------------------------

fn under_root(path: &str, root: &str) -> bool {
    let (p, r) = (fold(path), fold(root));
    p == r
        || p.strip_prefix(&r)
            .is_some_and(|rest| rest.starts_with('\\'))
}

fn invalid_backup(detail: String) -> Error {
    Error::new(
        WinError::ERROR_INVALID_DATA,
        format!("backup rejected: {detail}"),
    )
}

/// Checks a decoded backup completely before anything is touched.
fn validate_backup(keys: &[RegKey]) -> Result<()> {
    let mut paths = BTreeSet::new();
    let mut names: HashMap<String, String> = HashMap::new();
    let interfaces = fold(l::INTERFACES);
    for key in keys {
        crate::registry::check_path(&key.path).map_err(|_| {
            invalid_backup(format!("key {:?} is not a valid registry path", key.path))
        })?;
        if !l::BACKUP_ROOTS.iter().any(|r| under_root(&key.path, r)) {
            return Err(invalid_backup(format!(
                "key {} is outside the router configuration",
                key.path
            )));
        }
        if !paths.insert(fold(&key.path)) {
            return Err(invalid_backup(format!("key {} appears twice", key.path)));
        }
        for (name, value) in &key.values {
            if [l::INTERFACE_INFO, l::GLOBAL_INFO, l::GLOBAL_INTERFACE_INFO]
                .iter()
                .any(|n| names_equal(n, name))
            {
                if value.ty != REG_BINARY {
                    return Err(invalid_backup(format!(
                        "{}\\{name} is not REG_BINARY",
                        key.path
                    )));
                }
                info::validate(&value.data)
                    .map_err(|e| e.context(format!("backup rejected: {}\\{name}", key.path)))?;
            }
            if names_equal(name, l::PROTOCOL_ID) && value.as_dword().is_none() {
                return Err(invalid_backup(format!(
                    "{}\\{name} is not a REG_DWORD",
                    key.path
                )));
            }
        }
        // Interface keys: direct numeric children of Interfaces.
        let folded = fold(&key.path);
        let Some(child) = folded
            .strip_prefix(&interfaces)
            .and_then(|r| r.strip_prefix('\\'))
        else {
            continue;
        };
        if child.contains('\\') || l::parse_interface_key(child).is_none() {
            continue;
        }
        let name = match val(&key.values, l::INTERFACE_NAME) {
            Some(v) if v.ty == REG_SZ => v.as_string(),
            _ => None,
        }
        .ok_or_else(|| {
            invalid_backup(format!(
                "interface key {} has no REG_SZ InterfaceName",
                key.path
            ))
        })?;
        if val(&key.values, l::TYPE).is_none_or(|v| v.as_dword().is_none()) {
            return Err(invalid_backup(format!(
                "interface key {} has no REG_DWORD Type",
                key.path
            )));
        }
        if val(&key.values, l::ENABLED).is_some_and(|v| v.as_dword().is_none()) {
            return Err(invalid_backup(format!(
                "interface key {}: Enabled is not a REG_DWORD",
                key.path
            )));
        }
        if val(&key.values, l::DIAL_OUT_HOURS)
            .is_some_and(|v| v.ty != REG_MULTI_SZ || v.as_multi_sz().is_none())
        {
            return Err(invalid_backup(format!(
                "interface key {}: DialOutHours is not a REG_MULTI_SZ",
                key.path
            )));
        }
        check_interface_name(&name)
            .map_err(|e| invalid_backup(format!("interface key {}: {}", key.path, e.detail)))?;
        if let Some(other) = names.insert(fold(&name), key.path.clone()) {
            return Err(invalid_backup(format!(
                "interface name {name:?} is used by {other} and {}",
                key.path
            )));
        }
    }
    if !paths.contains(&fold(l::REMOTE_ACCESS)) {
        return Err(invalid_backup(format!(
            "it has no [{}] key",
            l::REMOTE_ACCESS
        )));
    }
    Ok(())
}

// ---- install ---------------------------------------------------------------------------------

fn check_links(links: &[NetLink]) -> Result<()> {
    let mut guids = BTreeSet::new();
    let mut names = BTreeSet::new();
    for link in links {
        if !l::is_guid_name(&link.guid) {
            bail!(
                WinError::ERROR_INVALID_PARAMETER,
                "link {:?}: {:?} is not a {{GUID}} string",
                link.name,
                link.guid
            );
        }
        check_interface_name(&link.name).map_err(|e| e.context(format!("link {:?}", link.name)))?;
        if !guids.insert(fold(&link.guid)) {
            bail!(
                WinError::ERROR_INVALID_PARAMETER,
                "link GUID {} is given twice",
                link.guid
            );
        }
        if !names.insert(fold(&link.name)) {
            bail!(
                WinError::ERROR_INVALID_PARAMETER,
                "link name {:?} is given twice",
                link.name
            );
        }
    }
    Ok(())
}

fn install_tree(tx: &mut dyn RegistryTx, links: &[NetLink]) -> Result<()> {
    for path in [
        l::ROUTER_MANAGERS,
        l::INTERFACES,
        l::PARAMETERS,
        l::NETWORK_CLASS,
        l::SSTP_PARAMETERS,
    ] {
        tx.delete_key_tree(path)?;
    }
    tx.create_key(l::REMOTE_ACCESS)?;

    // Interfaces: Loopback, Internal, then one dedicated interface per LAN link.
    tx.create_key(l::INTERFACES)?;
    set_dword(tx, l::INTERFACES, l::STAMP, 0)?;
    let mut ifaces = vec![
        ("Loopback".to_owned(), InterfaceType::LOOPBACK),
        ("Internal".to_owned(), InterfaceType::INTERNAL),
    ];
    ifaces.extend(
        links
            .iter()
            .filter(|k| !k.is_loopback)
            .map(|k| (k.guid.clone(), InterfaceType::DEDICATED)),
    );
    for (key, (name, if_type)) in (0u32..).zip(ifaces) {
        let iface = Interface {
            name,
            if_type,
            enabled: true,
            ..Interface::default()
        };
        let path = write_interface_key(tx, key, &iface)?;
        for (sub, pid) in [("Ip", pid::IP), ("Ipv6", pid::IPV6)] {
            let p = create_protocol_key(tx, &path, sub, pid)?;
            tx.set_value(
                &p,
                l::INTERFACE_INFO,
                &RegValue::binary(l::DEFAULT_INTERFACE_INFO),
            )?;
        }
    }

    // Parameters, with the values (and order) of the Windows 7 example.
    let p = l::PARAMETERS;
    tx.create_key(p)?;
    tx.set_value(p, "ServiceDLL", &RegValue::expand_sz(l::MPRDIM_DLL))?;
    set_dword(tx, p, "QuarantineInstalled", 1)?;
    set_dword(tx, p, "LoggingFlags", 2)?;
    set_dword(tx, p, "ServerFlags", l::DEFAULT_SERVER_FLAGS)?;
    set_dword(tx, p, "ServiceDllUnloadOnStop", 1)?;
    set_dword(tx, p, l::STAMP, 0)?;
    set_dword(tx, p, "UsersConfigured", 0)?;
    set_dword(tx, p, l::ROUTER_TYPE, l::DEFAULT_ROUTER_TYPE)?;

    // Router managers Ip and Ipv6.
    tx.create_key(l::ROUTER_MANAGERS)?;
    set_dword(tx, l::ROUTER_MANAGERS, l::STAMP, 0)?;
    for (sub, pid, global) in [
        ("Ip", pid::IP, &l::DEFAULT_IP_GLOBAL_INFO),
        ("Ipv6", pid::IPV6, &l::DEFAULT_IPV6_GLOBAL_INFO),
    ] {
        let path = create_protocol_key(tx, l::ROUTER_MANAGERS, sub, pid)?;
        write_transport_items(tx, &path, Some(global), None, Some(l::IPRTRMGR_DLL))?;
    }

    // Friendly names of every link.
    for link in links {
        let path = format!(r"{}\{}\{}", l::NETWORK_CLASS, link.guid, l::CONNECTION);
        tx.create_key(&path)?;
        tx.set_value(&path, l::NAME, &RegValue::sz(&link.name))?;
    }

    // Port pools with their defaults.
    let mut pools = Pools::load(tx)?;
    for pool in &l::POOLS {
        pools.write(
            tx,
            pool,
            PortConfig {
                num_ports: pool.default_ports,
                port_flags: pool.default_flags,
            },
        )?;
    }

    set_dword(tx, l::REMOTE_ACCESS, l::CONFIGURATION_FLAGS, 1)
}

// ---- the trait -------------------------------------------------------------------------------

impl<R: Registry> RouterConfig for RegistryConfig<R> {
    fn data_version(&self) -> Result<Option<u64>> {
        // The registry generation counts every committed write, whoever made it.
        self.registry.generation().map(Some)
    }

    fn refresh(&self) -> Result<()> {
        *self.index.lock().unwrap_or_else(PoisonError::into_inner) = None;
        *self.listing.lock().unwrap_or_else(PoisonError::into_inner) = None;
        Ok(())
    }

    fn install(&self, links: &[NetLink]) -> Result<()> {
        check_links(links)?;
        self.write(|tx| install_tree(tx, links).map(|()| ((), IndexChange::Rebuild)))
    }

    fn server_get_info(&self) -> Result<ServerInfo> {
        self.read(|tx| {
            let params = values_or_none(tx, l::PARAMETERS)?.unwrap_or_default();
            let pools = Pools::load(tx)?;
            Ok(ServerInfo {
                lan_only_mode: lan_only_mode(&params),
                up_time: 0,
                total_ports: pools.total_ports(),
                ports_in_use: 0,
                pptp: pools.config(&l::POOL_PPTP),
                l2tp: pools.config(&l::POOL_L2TP),
                sstp: pools.config(&l::POOL_SSTP),
            })
        })
    }

    fn server_set_info(&self, level: u32, info: &ServerInfo) -> Result<()> {
        if level != 1 && level != 2 {
            bail!(
                WinError::ERROR_NOT_SUPPORTED,
                "server info level {level} cannot be set (only 1 and 2)"
            );
        }
        check_ports("PPTP", &l::POOL_PPTP, &info.pptp)?;
        check_ports("L2TP", &l::POOL_L2TP, &info.l2tp)?;
        if level == 2 {
            check_ports("SSTP", &l::POOL_SSTP, &info.sstp)?;
        }
        self.write(|tx| {
            let mut pools = Pools::load(tx)?;
            pools.write(tx, &l::POOL_PPTP, info.pptp)?;
            pools.write(tx, &l::POOL_L2TP, info.l2tp)?;
            if level == 2 {
                pools.write(tx, &l::POOL_SSTP, info.sstp)?;
            }
            Ok(((), IndexChange::Unchanged))
        })
    }

    fn server_get_info_ex(&self) -> Result<ServerInfoEx> {
        self.read(|tx| {
            let params = values_or_none(tx, l::PARAMETERS)?.unwrap_or_default();
            let pools = Pools::load(tx)?;
            let config = TunnelConfig {
                ikev2: read_ikev2(tx, pools.config(&l::POOL_IKEV2))?,
                pptp: pools.config(&l::POOL_PPTP),
                l2tp: read_l2tp(tx, pools.config(&l::POOL_L2TP))?,
                sstp: read_sstp(tx, pools.config(&l::POOL_SSTP))?,
                gre: pools.config(&l::POOL_GRE),
            };
            Ok(ServerInfoEx {
                lan_only_mode: lan_only_mode(&params),
                up_time: 0,
                total_ports: pools.total_ports(),
                ports_in_use: 0,
                config,
            })
        })
    }

    fn server_set_info_ex(&self, config: &ServerSetConfigEx) -> Result<()> {
        use crate::model::set_config as sc;
        let all = sc::PPTP | sc::L2TP | sc::SSTP | sc::IKEV2 | sc::GRE;
        if config.protocols & !all != 0 {
            bail!(
                WinError::ERROR_INVALID_PARAMETER,
                "setConfigForProtocols {:#x} has unknown bits",
                config.protocols
            );
        }
        let on = |bit: u32| config.protocols & bit != 0;
        let c = &config.config;
        if on(sc::PPTP) {
            check_ports("PPTP", &l::POOL_PPTP, &c.pptp)?;
        }
        if on(sc::L2TP) {
            check_l2tp(&c.l2tp)?;
        }
        if on(sc::SSTP) {
            check_sstp(&c.sstp)?;
        }
        if on(sc::IKEV2) {
            check_ikev2(&c.ikev2)?;
        }
        if on(sc::GRE) {
            check_ports("GRE", &l::POOL_GRE, &c.gre)?;
        }
        self.write(|tx| {
            let mut pools = Pools::load(tx)?;
            if on(sc::PPTP) {
                pools.write(tx, &l::POOL_PPTP, c.pptp)?;
            }
            if on(sc::L2TP) {
                pools.write(tx, &l::POOL_L2TP, c.l2tp.ports)?;
                if c.l2tp.tunnel_config_param_flags & SET_TUNNEL_CONFIG_PARAMS != 0 {
                    write_l2tp(tx, &c.l2tp)?;
                }
            }
            if on(sc::SSTP) {
                pools.write(tx, &l::POOL_SSTP, c.sstp.ports)?;
                write_sstp(tx, &c.sstp)?;
            }
            if on(sc::IKEV2) {
                pools.write(tx, &l::POOL_IKEV2, c.ikev2.ports)?;
                if c.ikev2.tunnel_config_param_flags & SET_TUNNEL_CONFIG_PARAMS != 0 {
                    write_ikev2(tx, &c.ikev2)?;
                }
            }
            if on(sc::GRE) {
                pools.write(tx, &l::POOL_GRE, c.gre)?;
            }
            Ok(((), IndexChange::Unchanged))
        })
    }

    fn backup(&self) -> Result<Vec<u8>> {
        let keys = self.read(|tx| {
            if !tx.key_exists(l::REMOTE_ACCESS)? {
                bail!(
                    WinError::ERROR_FILE_NOT_FOUND,
                    "there is no router configuration to back up ({} is missing)",
                    l::REMOTE_ACCESS
                );
            }
            let mut keys = Vec::new();
            for root in l::BACKUP_ROOTS {
                if tx.key_exists(root)? {
                    keys.extend(regfile::export_tree(tx, root)?);
                }
            }
            Ok(keys)
        })?;
        Ok(regfile::encode(&keys))
    }

    fn restore(&self, backup: &[u8]) -> Result<()> {
        let keys = regfile::decode(backup)?;
        validate_backup(&keys)?;
        self.write(|tx| {
            for root in l::BACKUP_ROOTS {
                tx.delete_key_tree(root)?;
            }
            regfile::import_keys(tx, &keys)?;
            Ok(((), IndexChange::Rebuild))
        })
    }

    fn interface_create(&self, info: &Interface) -> Result<InterfaceId> {
        check_interface_name(&info.name)?;
        check_interface_type(info.if_type)?;
        check_dialout_hours(info.dialout_hours.as_deref())?;
        self.write(|tx| {
            let folded = fold(&info.name);
            let (existing, key) =
                self.with_index(tx, |i| (i.by_name.get(&folded).cloned(), i.next_key()))?;
            if let Some((k, name)) = existing {
                bail!(
                    WinError::ERROR_INTERFACE_ALREADY_EXISTS,
                    "interface {:?} already exists (as {name:?}, key {k})",
                    info.name
                );
            }
            let key = key?;
            write_interface_key(tx, key, info)?;
            let id = InterfaceId {
                key,
                name: info.name.clone(),
            };
            Ok((
                id,
                IndexChange::Inserted {
                    key,
                    name: info.name.clone(),
                },
            ))
        })
    }

    fn interface_delete(&self, id: &InterfaceId) -> Result<()> {
        self.write(|tx| {
            let (iface, _) = resolve_interface(tx, id)?;
            tx.delete_key_tree(&l::interface_key(id.key))?;
            Ok((
                (),
                IndexChange::Removed {
                    key: id.key,
                    name: iface.name,
                },
            ))
        })
    }

    fn interface_get_handle(&self, name: &str) -> Result<InterfaceId> {
        self.read(|tx| match self.lookup_interface(tx, name)? {
            Some((key, stored)) => Ok(InterfaceId { key, name: stored }),
            None => bail!(
                WinError::ERROR_NO_SUCH_INTERFACE,
                "no interface is named {name:?}"
            ),
        })
    }

    fn interface_get_info(&self, id: &InterfaceId) -> Result<Interface> {
        self.read(|tx| resolve_interface(tx, id).map(|(iface, _)| iface))
    }

    fn interface_set_info(&self, id: &InterfaceId, level: u32, info: &Interface) -> Result<()> {
        if level > 3 {
            bail!(
                WinError::ERROR_INVALID_PARAMETER,
                "interface info level {level} is not 0-3"
            );
        }
        let hours = if level >= 1 {
            Some(info.dialout_hours.as_deref())
        } else {
            None
        };
        if let Some(h) = hours {
            check_dialout_hours(h)?;
        }
        self.write(|tx| {
            let (current, _) = resolve_interface(tx, id)?;
            let changes_enabled = current.enabled != info.enabled;
            let changes_hours = hours.is_some_and(|h| h != current.dialout_hours.as_deref());
            // Q17: dedicated and internal interfaces accept only no-op updates.
            if (current.if_type == InterfaceType::DEDICATED
                || current.if_type == InterfaceType::INTERNAL)
                && (changes_enabled || changes_hours)
            {
                bail!(
                    WinError::ERROR_INVALID_PARAMETER,
                    "interface {:?} is {}: its state and dial-out hours cannot be changed",
                    current.name,
                    current.if_type.name().unwrap_or("DEDICATED")
                );
            }
            let path = l::interface_key(id.key);
            if changes_enabled {
                set_bool(tx, &path, l::ENABLED, info.enabled)?;
            }
            if let Some(h) = hours
                && changes_hours
            {
                write_dialout_hours(tx, &path, h)?;
            }
            Ok(((), IndexChange::Unchanged))
        })
    }

    fn interface_enum(&self, resume: u32, max_entries: u32) -> Result<Page<InterfaceEntry>> {
        self.read(|tx| {
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
            page(&list, resume, max_entries)
        })
    }

    fn interface_get_custom_info(&self, id: &InterfaceId) -> Result<CustomInfoEx> {
        self.read(|tx| {
            let (_, v) = resolve_interface(tx, id)?;
            let policy = read_policy(
                tx,
                &format!(r"{}\{}", l::interface_key(id.key), l::IKEV2_CUSTOM_POLICY),
            )?;
            if policy.is_none() && !CUSTOM_VALUES.iter().any(|n| val(&v, n).is_some()) {
                return Ok(CustomInfoEx::default());
            }
            let selectors = |name: &str| decode_selectors(&bytes(&v, name).unwrap_or_default());
            Ok(CustomInfoEx {
                flags: MPRAPI_IF_CUSTOM_CONFIG_FOR_IKEV2,
                ikev2: IfCustomIkev2 {
                    sa_lifetime: dword(&v, l::SA_LIFE_TIME).unwrap_or(0),
                    sa_data_size: dword(&v, l::SA_MAX_DATA_SIZE).unwrap_or(0),
                    certificate_name: bytes(&v, l::MACHINE_CERTIFICATE_NAME).unwrap_or_default(),
                    custom_policy: policy,
                    certificate_hash: bytes(&v, l::MACHINE_CERTIFICATE_HASH).unwrap_or_default(),
                    mm_sa_lifetime: dword(&v, l::MM_SA_LIFE_TIME).unwrap_or(0),
                    traffic_selectors_initiator: selectors(l::TRAFFIC_SELECTORS_INITIATOR)?,
                    traffic_selectors_responder: selectors(l::TRAFFIC_SELECTORS_RESPONDER)?,
                },
            })
        })
    }

    fn interface_set_custom_info(&self, id: &InterfaceId, info: &CustomInfoEx) -> Result<()> {
        check_custom_info(info)?;
        self.write(|tx| {
            let (iface, _) = resolve_interface(tx, id)?;
            if iface.if_type != InterfaceType::FULL_ROUTER {
                bail!(
                    WinError::ERROR_INVALID_PARAMETER,
                    "interface {:?} is not a FULL_ROUTER interface: it has no custom IKEv2 configuration",
                    iface.name
                );
            }
            let path = l::interface_key(id.key);
            let policy_path = format!(r"{path}\{}", l::IKEV2_CUSTOM_POLICY);
            if info.flags == 0 {
                for name in CUSTOM_VALUES {
                    tx.delete_value(&path, name)?;
                }
                tx.delete_key_tree(&policy_path)?;
                return Ok(((), IndexChange::Unchanged));
            }
            let c = &info.ikev2;
            set_dword(tx, &path, l::SA_LIFE_TIME, c.sa_lifetime)?;
            set_dword(tx, &path, l::SA_MAX_DATA_SIZE, c.sa_data_size)?;
            set_binary_or_delete(tx, &path, l::MACHINE_CERTIFICATE_NAME, &c.certificate_name)?;
            set_binary_or_delete(tx, &path, l::MACHINE_CERTIFICATE_HASH, &c.certificate_hash)?;
            set_dword(tx, &path, l::MM_SA_LIFE_TIME, c.mm_sa_lifetime)?;
            let ti = encode_selectors(&c.traffic_selectors_initiator);
            set_binary_or_delete(tx, &path, l::TRAFFIC_SELECTORS_INITIATOR, &ti)?;
            let tr = encode_selectors(&c.traffic_selectors_responder);
            set_binary_or_delete(tx, &path, l::TRAFFIC_SELECTORS_RESPONDER, &tr)?;
            write_policy(tx, &policy_path, c.custom_policy.as_ref())?;
            Ok(((), IndexChange::Unchanged))
        })
    }

    fn if_transport_add(
        &self,
        interface: &InterfaceId,
        protocol_id: u32,
        name: Option<&str>,
        info: Option<&[u8]>,
    ) -> Result<IfTransportId> {
        let name = name.map(transport_key_name).transpose()?;
        check_blob(info, "interface info")?;
        self.write(|tx| {
            resolve_interface(tx, interface)?;
            let parent = l::interface_key(interface.key);
            let path = match find_by_protocol(tx, &parent, protocol_id)? {
                Some((sub, _)) => format!(r"{parent}\{sub}"),
                None => {
                    let sub = name
                        .clone()
                        .unwrap_or_else(|| l::default_transport_name(protocol_id));
                    create_protocol_key(tx, &parent, &sub, protocol_id)?
                }
            };
            if let Some(blob) = info {
                tx.set_value(&path, l::INTERFACE_INFO, &RegValue::binary(blob))?;
            }
            Ok((
                IfTransportId {
                    interface: interface.clone(),
                    protocol_id,
                },
                IndexChange::Unchanged,
            ))
        })
    }

    fn if_transport_remove(&self, id: &IfTransportId) -> Result<()> {
        self.write(|tx| {
            let (path, _) = resolve_if_transport(tx, id)?;
            tx.delete_key_tree(&path)?;
            Ok(((), IndexChange::Unchanged))
        })
    }

    fn if_transport_get_handle(
        &self,
        interface: &InterfaceId,
        protocol_id: u32,
    ) -> Result<IfTransportId> {
        let id = IfTransportId {
            interface: interface.clone(),
            protocol_id,
        };
        self.read(|tx| resolve_if_transport(tx, &id).map(|_| ()))?;
        Ok(id)
    }

    fn if_transport_get_info(&self, id: &IfTransportId) -> Result<Option<Vec<u8>>> {
        self.read(|tx| resolve_if_transport(tx, id).map(|(_, v)| bytes(&v, l::INTERFACE_INFO)))
    }

    fn if_transport_set_info(&self, id: &IfTransportId, info: &[u8]) -> Result<()> {
        check_blob(Some(info), "interface info")?;
        self.write(|tx| {
            let (path, _) = resolve_if_transport(tx, id)?;
            tx.set_value(&path, l::INTERFACE_INFO, &RegValue::binary(info))?;
            Ok(((), IndexChange::Unchanged))
        })
    }

    fn if_transport_enum(
        &self,
        interface: &InterfaceId,
        resume: u32,
        max_entries: u32,
    ) -> Result<Page<IfTransportEntry>> {
        self.read(|tx| {
            resolve_interface(tx, interface)?;
            let items: Vec<_> = list_by_protocol(tx, &l::interface_key(interface.key))?
                .into_iter()
                .map(|(protocol_id, name, _)| IfTransportEntry {
                    id: IfTransportId {
                        interface: interface.clone(),
                        protocol_id,
                    },
                    name,
                })
                .collect();
            page(&items, resume, max_entries)
        })
    }

    fn transport_create(
        &self,
        protocol_id: u32,
        name: Option<&str>,
        global_info: Option<&[u8]>,
        client_interface_info: Option<&[u8]>,
        dll_path: Option<&str>,
    ) -> Result<TransportId> {
        let name = name.map(transport_key_name).transpose()?;
        check_blob(global_info, "global info")?;
        check_blob(client_interface_info, "client interface info")?;
        check_dll_path(dll_path)?;
        self.write(|tx| {
            let path = match find_by_protocol(tx, l::ROUTER_MANAGERS, protocol_id)? {
                Some((sub, _)) => format!(r"{}\{sub}", l::ROUTER_MANAGERS),
                None => {
                    let sub = name
                        .clone()
                        .unwrap_or_else(|| l::default_transport_name(protocol_id));
                    create_protocol_key(tx, l::ROUTER_MANAGERS, &sub, protocol_id)?
                }
            };
            write_transport_items(tx, &path, global_info, client_interface_info, dll_path)?;
            Ok((TransportId { protocol_id }, IndexChange::Unchanged))
        })
    }

    fn transport_delete(&self, id: &TransportId) -> Result<()> {
        self.write(|tx| {
            let (sub, _) = find_transport(tx, id.protocol_id)?;
            tx.delete_key_tree(&format!(r"{}\{sub}", l::ROUTER_MANAGERS))?;
            Ok(((), IndexChange::Unchanged))
        })
    }

    fn transport_get_handle(&self, protocol_id: u32) -> Result<TransportId> {
        self.read(|tx| find_transport(tx, protocol_id).map(|_| TransportId { protocol_id }))
    }

    fn transport_get_info(&self, id: &TransportId) -> Result<TransportInfo> {
        self.read(|tx| {
            let (name, v) = find_transport(tx, id.protocol_id)?;
            Ok(TransportInfo {
                global_info: bytes(&v, l::GLOBAL_INFO),
                client_interface_info: bytes(&v, l::GLOBAL_INTERFACE_INFO),
                dll_path: string(&v, l::DLL_PATH),
                name,
            })
        })
    }

    fn transport_set_info(
        &self,
        id: &TransportId,
        global_info: Option<&[u8]>,
        client_interface_info: Option<&[u8]>,
        dll_path: Option<&str>,
    ) -> Result<()> {
        check_blob(global_info, "global info")?;
        check_blob(client_interface_info, "client interface info")?;
        check_dll_path(dll_path)?;
        self.write(|tx| {
            let (sub, _) = find_transport(tx, id.protocol_id)?;
            let path = format!(r"{}\{sub}", l::ROUTER_MANAGERS);
            write_transport_items(tx, &path, global_info, client_interface_info, dll_path)?;
            Ok(((), IndexChange::Unchanged))
        })
    }

    fn transport_enum(&self, resume: u32, max_entries: u32) -> Result<Page<TransportEntry>> {
        self.read(|tx| {
            let items: Vec<_> = list_by_protocol(tx, l::ROUTER_MANAGERS)?
                .into_iter()
                .map(|(protocol_id, name, _)| TransportEntry {
                    id: TransportId { protocol_id },
                    name,
                })
                .collect();
            page(&items, resume, max_entries)
        })
    }

    fn filter_get_info(&self, protocol_id: u32) -> Result<bool> {
        self.read(|tx| {
            let (_, v) = find_transport(tx, protocol_id)?;
            let Some(block_type) = filter_block_type(protocol_id) else {
                return Ok(dword(&v, l::FILTER_ENABLE).is_some_and(|d| d != 0));
            };
            let Some(global) = bytes(&v, l::GLOBAL_INFO) else {
                return Ok(false);
            };
            let header = info::validate(&global).map_err(|e| stored_data_error(e, "GlobalInfo"))?;
            Ok(match header.find(block_type) {
                Ok(block) => block.data.get(..4).is_some_and(|d| d != [0, 0, 0, 0]),
                Err(_) => false,
            })
        })
    }

    fn filter_set_info(&self, protocol_id: u32, enable: bool) -> Result<()> {
        self.write(|tx| {
            let (sub, v) = find_transport(tx, protocol_id)?;
            let path = format!(r"{}\{sub}", l::ROUTER_MANAGERS);
            let Some(block_type) = filter_block_type(protocol_id) else {
                set_bool(tx, &path, l::FILTER_ENABLE, enable)?;
                return Ok(((), IndexChange::Unchanged));
            };
            let mut header = match bytes(&v, l::GLOBAL_INFO) {
                Some(global) => {
                    info::validate(&global).map_err(|e| stored_data_error(e, "GlobalInfo"))?
                }
                None => InfoHeader::new(info::RTR_INFO_BLOCK_VERSION)?,
            };
            let data = u32::from(enable).to_le_bytes();
            if header.find(block_type).is_ok() {
                header.set(block_type, 4, 1, &data)?;
            } else {
                header.add(block_type, 4, 1, &data)?;
            }
            tx.set_value(&path, l::GLOBAL_INFO, &RegValue::binary(header.to_bytes()))?;
            Ok(((), IndexChange::Unchanged))
        })
    }

    fn get_friendly_name(&self, guid_name: &str) -> Result<String> {
        self.read(|tx| {
            if is_key_name(guid_name) {
                let path = format!(r"{}\{guid_name}\{}", l::NETWORK_CLASS, l::CONNECTION);
                if let Some(name) = values_or_none(tx, &path)?.and_then(|v| string(&v, l::NAME)) {
                    return Ok(name);
                }
            }
            // Q23: a demand-dial (non-GUID) interface name is its own friendly name.
            if !l::is_guid_name(guid_name) && self.lookup_interface(tx, guid_name)?.is_some() {
                return Ok(guid_name.to_owned());
            }
            bail!(
                WinError::ERROR_NOT_FOUND,
                "no friendly name is known for {guid_name:?}"
            )
        })
    }

    fn get_guid_name(&self, friendly_name: &str) -> Result<String> {
        self.read(|tx| {
            let guids = match tx.subkeys(l::NETWORK_CLASS) {
                Ok(g) => g,
                Err(e) if is_not_found(&e) => Vec::new(),
                Err(e) => return Err(e),
            };
            for guid in guids {
                let path = format!(r"{}\{guid}\{}", l::NETWORK_CLASS, l::CONNECTION);
                let name = values_or_none(tx, &path)?.and_then(|v| string(&v, l::NAME));
                if name.is_some_and(|n| names_equal(&n, friendly_name)) {
                    return Ok(guid);
                }
            }
            if !l::is_guid_name(friendly_name)
                && self.lookup_interface(tx, friendly_name)?.is_some()
            {
                return Ok(friendly_name.to_owned());
            }
            bail!(
                WinError::ERROR_NOT_FOUND,
                "no GUID name is known for {friendly_name:?}"
            )
        })
    }
}

/// The info block that carries `MPR_FILTER_0.fEnable` in a transport's `GlobalInfo`.
fn filter_block_type(protocol_id: u32) -> Option<u32> {
    match protocol_id {
        pid::IP => Some(l::IP_FILTER_ENABLE_INFO),
        pid::IPV6 => Some(l::IP_FILTER_ENABLE_INFO_V6),
        _ => None,
    }
}

/// A string usable as one registry key name (so caller text can never address another key).
fn is_key_name(s: &str) -> bool {
    !s.is_empty() && !s.contains('\\') && !s.contains('\0') && s.chars().count() <= 255
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

    use super::*;
    use crate::MemRegistry;

    fn links() -> Vec<NetLink> {
        ["lo", "eth0", "eth1"]
            .into_iter()
            .map(|n| NetLink {
                name: n.to_owned(),
                guid: l::link_guid("unit-test", n),
                is_loopback: n == "lo",
            })
            .collect()
    }

    fn installed() -> (Arc<MemRegistry>, RegistryConfig<Arc<MemRegistry>>) {
        let r = Arc::new(MemRegistry::new());
        let c = RegistryConfig::new(Arc::clone(&r));
        c.install(&links()).unwrap();
        (r, c)
    }

    fn router(name: &str) -> Interface {
        Interface {
            name: name.to_owned(),
            if_type: InterfaceType::FULL_ROUTER,
            enabled: true,
            ..Interface::default()
        }
    }

    fn raw_write(r: &impl Registry, mut f: impl FnMut(&mut dyn RegistryTx) -> Result<()>) {
        r.transact(TxMode::Write, &mut f).unwrap();
    }

    /// A registry that counts full scans of `Interfaces`, can fail its n-th write operation
    /// and reports its generation shifted by `generation_offset` (to reach the top of u64).
    struct Probe {
        inner: MemRegistry,
        interface_scans: AtomicUsize,
        writes: AtomicUsize,
        fail_at: AtomicUsize,
        generation_offset: AtomicU64,
    }

    impl Probe {
        fn new() -> Arc<Self> {
            Arc::new(Probe {
                inner: MemRegistry::new(),
                interface_scans: AtomicUsize::new(0),
                writes: AtomicUsize::new(0),
                fail_at: AtomicUsize::new(0),
                generation_offset: AtomicU64::new(0),
            })
        }

        fn shifted(&self, generation: u64) -> u64 {
            generation.wrapping_add(self.generation_offset.load(Ordering::SeqCst))
        }

        fn fail_write_number(&self, n: usize) {
            self.writes.store(0, Ordering::SeqCst);
            self.fail_at.store(n, Ordering::SeqCst);
        }
    }

    impl Registry for Probe {
        fn transact<T>(
            &self,
            mode: TxMode,
            f: &mut dyn FnMut(&mut dyn RegistryTx) -> Result<T>,
        ) -> Result<T> {
            self.inner.transact(mode, &mut |tx: &mut dyn RegistryTx| {
                f(&mut ProbeTx {
                    inner: tx,
                    probe: self,
                })
            })
        }

        fn generation(&self) -> Result<u64> {
            self.inner.generation().map(|g| self.shifted(g))
        }
    }

    struct ProbeTx<'a> {
        inner: &'a mut dyn RegistryTx,
        probe: &'a Probe,
    }

    impl ProbeTx<'_> {
        fn write_op(&self) -> Result<()> {
            let n = self.probe.writes.fetch_add(1, Ordering::SeqCst) + 1;
            if n == self.probe.fail_at.load(Ordering::SeqCst) {
                bail!(WinError::ERROR_CANTWRITE, "injected failure of write {n}");
            }
            Ok(())
        }

        fn scan(&self, path: &str) {
            if names_equal(path, l::INTERFACES) {
                self.probe.interface_scans.fetch_add(1, Ordering::SeqCst);
            }
        }
    }

    impl RegistryTx for ProbeTx<'_> {
        fn key_exists(&mut self, path: &str) -> Result<bool> {
            self.inner.key_exists(path)
        }
        fn create_key(&mut self, path: &str) -> Result<bool> {
            self.write_op()?;
            self.inner.create_key(path)
        }
        fn delete_key_tree(&mut self, path: &str) -> Result<bool> {
            self.write_op()?;
            self.inner.delete_key_tree(path)
        }
        fn subkeys(&mut self, path: &str) -> Result<Vec<String>> {
            self.scan(path);
            self.inner.subkeys(path)
        }
        fn get_value(&mut self, path: &str, name: &str) -> Result<Option<RegValue>> {
            self.inner.get_value(path, name)
        }
        fn set_value(&mut self, path: &str, name: &str, value: &RegValue) -> Result<()> {
            self.write_op()?;
            self.inner.set_value(path, name, value)
        }
        fn delete_value(&mut self, path: &str, name: &str) -> Result<bool> {
            self.write_op()?;
            self.inner.delete_value(path, name)
        }
        fn values(&mut self, path: &str) -> Result<Values> {
            self.inner.values(path)
        }
        fn subkeys_with_values(&mut self, path: &str) -> Result<Vec<(String, Values)>> {
            self.scan(path);
            self.inner.subkeys_with_values(path)
        }
        fn generation(&mut self) -> Result<u64> {
            let g = self.inner.generation()?;
            Ok(self.probe.shifted(g))
        }
    }

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

    #[test]
    fn failed_writes_leave_no_trace_at_any_point() {
        let probe = Probe::new();
        let c = RegistryConfig::new(Arc::clone(&probe));
        c.install(&links()).unwrap();
        let id = c.interface_create(&router("Base")).unwrap();
        // Count the write operations of each call, then fail each of them in turn.
        type Call<'a> = Box<dyn Fn() -> Result<()> + 'a>;
        let calls: Vec<(&str, Call<'_>)> = vec![
            ("install", Box::new(|| c.install(&links()))),
            (
                "create",
                Box::new(|| c.interface_create(&router("New")).map(|_| ())),
            ),
            ("delete", Box::new(|| c.interface_delete(&id))),
            (
                "add transport",
                Box::new(|| {
                    c.if_transport_add(&id, pid::IP, None, Some(&l::DEFAULT_INTERFACE_INFO))
                        .map(|_| ())
                }),
            ),
            (
                "server set",
                Box::new(|| {
                    c.server_set_info(
                        2,
                        &ServerInfo {
                            pptp: PortConfig {
                                num_ports: 5,
                                port_flags: 3,
                            },
                            l2tp: PortConfig {
                                num_ports: 6,
                                port_flags: 1,
                            },
                            sstp: PortConfig {
                                num_ports: 7,
                                port_flags: 1,
                            },
                            ..ServerInfo::default()
                        },
                    )
                }),
            ),
            ("filter", Box::new(|| c.filter_set_info(pid::IP, true))),
        ];
        for (what, call) in &calls {
            probe.fail_write_number(0);
            let snap = probe.inner.snapshot();
            let gen_before = probe.generation().unwrap();
            // Count the call's writes on the real store, then undo it with a restore.
            let backup = c.backup().unwrap();
            call().unwrap_or_else(|e| panic!("{what}: {e}"));
            let n = probe.writes.load(Ordering::SeqCst);
            assert!(n > 0, "{what} writes something");
            c.restore(&backup).unwrap();
            assert_eq!(
                sorted(probe.inner.snapshot()),
                sorted(snap.clone()),
                "{what}: restore undid it"
            );
            let restored = probe.inner.snapshot();
            for k in 1..=n {
                probe.fail_write_number(k);
                let gen_now = probe.generation().unwrap();
                let e = call().unwrap_err();
                assert_eq!(
                    e.code,
                    WinError::ERROR_CANTWRITE,
                    "{what}, failing write {k}: {e}"
                );
                assert_eq!(
                    probe.inner.snapshot(),
                    restored,
                    "{what}: failing write {k} left a trace"
                );
                assert_eq!(
                    probe.generation().unwrap(),
                    gen_now,
                    "{what}: generation moved"
                );
            }
            probe.fail_write_number(0);
            assert!(gen_before < probe.generation().unwrap());
        }
        // The index survived every failure: Base exists, New does not.
        assert_eq!(c.interface_get_handle("base").unwrap().name, "Base");
        assert_eq!(
            c.interface_get_handle("New").unwrap_err().code,
            WinError::ERROR_NO_SUCH_INTERFACE
        );
    }

    fn sorted(mut s: Vec<(String, Values)>) -> Vec<(String, Values)> {
        s.sort_by_key(|a| fold(&a.0));
        s
    }

    fn reg_text(keys: &[RegKey]) -> Vec<u8> {
        regfile::encode(keys)
    }

    fn key(path: &str, values: Vec<(&str, RegValue)>) -> RegKey {
        RegKey {
            path: path.to_owned(),
            values: values.into_iter().map(|(n, v)| (n.to_owned(), v)).collect(),
        }
    }

    #[test]
    fn restore_rejects_bad_backups_without_touching_the_store() {
        let (r, c) = installed();
        c.interface_create(&router("Keep")).unwrap();
        let good = regfile::decode(&c.backup().unwrap()).unwrap();
        let before = r.snapshot();
        let g = r.generation().unwrap();
        let iface = |n: u32| format!(r"{}\{n}", l::INTERFACES);
        let mut cases: Vec<(&str, Vec<u8>, WinError)> = vec![
            (
                "not a .reg file",
                b"garbage".to_vec(),
                WinError::ERROR_INVALID_DATA,
            ),
            ("empty", Vec::new(), WinError::ERROR_INVALID_DATA),
        ];
        let mut push = |what: &'static str, keys: Vec<RegKey>, code: WinError| {
            cases.push((what, reg_text(&keys), code))
        };
        push(
            "no RemoteAccess key",
            good.iter()
                .filter(|k| !names_equal(&k.path, l::REMOTE_ACCESS))
                .cloned()
                .collect(),
            WinError::ERROR_INVALID_DATA,
        );
        let mut outside = good.clone();
        outside.push(key(r"SOFTWARE\Evil", vec![]));
        push(
            "key outside the roots",
            outside,
            WinError::ERROR_INVALID_DATA,
        );
        let mut sibling = good.clone();
        sibling.push(key(&format!("{}Extra", l::REMOTE_ACCESS), vec![]));
        push(
            "prefix-sharing sibling key",
            sibling,
            WinError::ERROR_INVALID_DATA,
        );
        let mut dup = good.clone();
        dup.push(key(
            &iface(90),
            vec![
                (l::INTERFACE_NAME, RegValue::sz("KEEP")),
                (l::TYPE, RegValue::dword(2)),
            ],
        ));
        push(
            "duplicate interface name",
            dup,
            WinError::ERROR_INVALID_DATA,
        );
        let mut noname = good.clone();
        noname.push(key(&iface(91), vec![(l::TYPE, RegValue::dword(2))]));
        push(
            "interface without name",
            noname,
            WinError::ERROR_INVALID_DATA,
        );
        let mut notype = good.clone();
        notype.push(key(
            &iface(92),
            vec![(l::INTERFACE_NAME, RegValue::sz("NoType"))],
        ));
        push(
            "interface without type",
            notype,
            WinError::ERROR_INVALID_DATA,
        );
        let mut badtype = good.clone();
        badtype.push(key(
            &iface(93),
            vec![
                (l::INTERFACE_NAME, RegValue::sz("T")),
                (l::TYPE, RegValue::sz("2")),
            ],
        ));
        push("string Type", badtype, WinError::ERROR_INVALID_DATA);
        let mut blob = good.clone();
        blob.push(key(
            &format!(r"{}\0\Extra", l::INTERFACES),
            vec![
                (l::PROTOCOL_ID, RegValue::dword(9)),
                (
                    l::INTERFACE_INFO,
                    RegValue::binary(vec![1, 0, 0, 0, 99, 0, 0, 0, 0, 0, 0, 0]),
                ),
            ],
        ));
        push(
            "malformed InterfaceInfo",
            blob,
            WinError::ERROR_INVALID_PARAMETER,
        );
        let mut gblob = good.clone();
        gblob.push(key(
            &format!(r"{}\Bad", l::ROUTER_MANAGERS),
            vec![
                (l::PROTOCOL_ID, RegValue::dword(9)),
                (l::GLOBAL_INFO, RegValue::binary(vec![2; 16])),
            ],
        ));
        push(
            "malformed GlobalInfo",
            gblob,
            WinError::ERROR_INVALID_PARAMETER,
        );
        let mut twice = good.clone();
        twice.push(good[0].clone());
        push("key twice", twice, WinError::ERROR_INVALID_DATA);
        for (what, bytes, code) in cases {
            let e = c.restore(&bytes).unwrap_err();
            assert_eq!(e.code, code, "{what}: {e}");
            assert!(!e.detail.is_empty(), "{what}: the error says why");
            assert_eq!(r.snapshot(), before, "{what}: store touched");
            assert_eq!(
                r.generation().unwrap(),
                g,
                "{what}: a transaction committed"
            );
        }
        assert_eq!(c.interface_get_handle("keep").unwrap().name, "Keep");
    }

    #[test]
    fn backup_then_restore_reproduces_the_tree_on_a_fresh_store() {
        let (r, c) = installed();
        let id = c.interface_create(&router("Branch")).unwrap();
        c.if_transport_add(&id, pid::IP, None, Some(&l::DEFAULT_INTERFACE_INFO))
            .unwrap();
        c.server_set_info_ex(&ServerSetConfigEx {
            protocols: set_config::SSTP,
            config: TunnelConfig {
                sstp: SstpConfig {
                    ports: PortConfig {
                        num_ports: 9,
                        port_flags: 1,
                    },
                    use_https: true,
                    cert_algorithm: l::CALG_SHA_256,
                    cert_is_default: false,
                    cert_hash: vec![7; 32],
                },
                ..TunnelConfig::default()
            },
        })
        .unwrap();
        let backup = c.backup().unwrap();
        let keys = regfile::decode(&backup).unwrap();
        assert_eq!(keys[0].path, l::REMOTE_ACCESS);
        for root in l::BACKUP_ROOTS {
            assert!(keys.iter().any(|k| k.path == root), "backup holds {root}");
        }
        assert!(
            keys.iter()
                .all(|k| l::BACKUP_ROOTS.iter().any(|root| under_root(&k.path, root)))
        );

        let fresh = Arc::new(MemRegistry::new());
        let c2 = RegistryConfig::new(Arc::clone(&fresh));
        c2.restore(&backup).unwrap();
        assert_eq!(sorted(fresh.snapshot()), sorted(r.snapshot()));
        assert_eq!(
            c2.backup().unwrap(),
            backup,
            "a restored store backs up byte-identically"
        );
        assert_eq!(c2.interface_get_handle("BRANCH").unwrap(), id);
    }

    #[test]
    fn a_windows_7_shaped_export_restores_and_reads_like_windows() {
        // The checked-in W7-shaped RemoteAccess export of the .reg codec's tests.
        let w7: &[u8] = include_bytes!("../tests/data/w7-remoteaccess.reg");
        let c = RegistryConfig::new(MemRegistry::new());
        c.restore(w7).unwrap();
        let ifaces = c.interface_enum(0, u32::MAX).unwrap().entries;
        assert_eq!(ifaces.len(), 14);
        assert_eq!(
            ifaces.iter().map(|e| e.id.key).collect::<Vec<_>>(),
            (0..14).collect::<Vec<_>>(),
            "numeric order"
        );
        assert_eq!(
            (ifaces[0].info.name.as_str(), ifaces[0].info.if_type),
            ("Loopback", InterfaceType::LOOPBACK)
        );
        assert_eq!(
            (ifaces[1].info.name.as_str(), ifaces[1].info.if_type),
            ("Internal", InterfaceType::INTERNAL)
        );
        for e in &ifaces[2..] {
            assert!(
                l::is_guid_name(&e.info.name)
                    && e.info.if_type == InterfaceType::DEDICATED
                    && e.info.enabled
            );
            let it = c.if_transport_get_handle(&e.id, pid::IPV6).unwrap();
            assert_eq!(
                c.if_transport_get_info(&it).unwrap().as_deref(),
                Some(&l::DEFAULT_INTERFACE_INFO[..])
            );
        }
        let transports: Vec<(u32, String)> = c
            .transport_enum(0, u32::MAX)
            .unwrap()
            .entries
            .into_iter()
            .map(|e| (e.id.protocol_id, e.name))
            .collect();
        assert_eq!(
            transports,
            vec![(0x21, "Ip".to_owned()), (0x57, "Ipv6".to_owned())]
        );
        let ip = c
            .transport_get_info(&TransportId {
                protocol_id: pid::IP,
            })
            .unwrap();
        assert_eq!(ip.dll_path.as_deref(), Some(l::IPRTRMGR_DLL));
        // The export's Ip and Ipv6 GlobalInfo are the ones install writes.
        assert_eq!(
            ip.global_info.as_deref(),
            Some(&l::DEFAULT_IP_GLOBAL_INFO[..])
        );
        let ipv6 = c
            .transport_get_info(&TransportId {
                protocol_id: pid::IPV6,
            })
            .unwrap();
        assert_eq!(
            ipv6.global_info.as_deref(),
            Some(&l::DEFAULT_IPV6_GLOBAL_INFO[..])
        );
        assert!(!c.filter_get_info(pid::IP).unwrap());
        assert!(!c.server_get_info().unwrap().lan_only_mode);
        // And it backs up to the same keys and values.
        let again = regfile::decode(&c.backup().unwrap()).unwrap();
        assert_eq!(again, regfile::decode(w7).unwrap());
    }

    #[test]
    fn backup_of_an_empty_store_is_file_not_found() {
        let c = RegistryConfig::new(MemRegistry::new());
        assert_eq!(c.backup().unwrap_err().code, WinError::ERROR_FILE_NOT_FOUND);
    }

    #[test]
    fn install_writes_the_windows_7_tree() {
        let (r, _) = installed();
        let links = links();
        let ra = l::REMOTE_ACCESS;
        let dw = RegValue::dword;
        let mut want: Vec<(String, Vec<(&str, RegValue)>)> = vec![
            (ra.to_owned(), vec![(l::CONFIGURATION_FLAGS, dw(1))]),
            (l::INTERFACES.to_owned(), vec![(l::STAMP, dw(0))]),
        ];
        let names = [
            "Loopback".to_owned(),
            "Internal".to_owned(),
            links[1].guid.clone(),
            links[2].guid.clone(),
        ];
        for (i, (name, t)) in names.iter().zip([5, 4, 3, 3]).enumerate() {
            let p = l::interface_key(i as u32);
            want.push((
                p.clone(),
                vec![
                    (l::INTERFACE_NAME, RegValue::sz(name)),
                    (l::TYPE, dw(t)),
                    (l::ENABLED, dw(1)),
                    (l::STAMP, dw(0)),
                ],
            ));
            for (sub, pidv) in [("Ip", 0x21), ("Ipv6", 0x57)] {
                want.push((
                    format!(r"{p}\{sub}"),
                    vec![
                        (l::PROTOCOL_ID, dw(pidv)),
                        (
                            l::INTERFACE_INFO,
                            RegValue::binary(l::DEFAULT_INTERFACE_INFO),
                        ),
                    ],
                ));
            }
        }
        want.push((
            l::PARAMETERS.to_owned(),
            vec![
                (
                    "ServiceDLL",
                    RegValue::expand_sz(r"%SystemRoot%\System32\mprdim.dll"),
                ),
                ("QuarantineInstalled", dw(1)),
                ("LoggingFlags", dw(2)),
                ("ServerFlags", dw(0x0080_2602)),
                ("ServiceDllUnloadOnStop", dw(1)),
                ("Stamp", dw(0)),
                ("UsersConfigured", dw(0)),
                ("RouterType", dw(7)),
            ],
        ));
        want.push((l::ROUTER_MANAGERS.to_owned(), vec![(l::STAMP, dw(0))]));
        for (sub, pidv, blob) in [
            ("Ip", 0x21, l::DEFAULT_IP_GLOBAL_INFO),
            ("Ipv6", 0x57, l::DEFAULT_IPV6_GLOBAL_INFO),
        ] {
            want.push((
                format!(r"{}\{sub}", l::ROUTER_MANAGERS),
                vec![
                    (l::PROTOCOL_ID, dw(pidv)),
                    (l::GLOBAL_INFO, RegValue::binary(blob)),
                    (
                        l::DLL_PATH,
                        RegValue::expand_sz(r"%SystemRoot%\System32\iprtrmgr.dll"),
                    ),
                ],
            ));
        }
        let got: Vec<(String, Values)> = r
            .snapshot()
            .into_iter()
            .filter(|(p, _)| under_root(p, ra))
            .collect();
        let want: Vec<(String, Values)> = want
            .into_iter()
            .map(|(p, v)| (p, v.into_iter().map(|(n, v)| (n.to_owned(), v)).collect()))
            .collect();
        assert_eq!(got, want);

        // Friendly names of every link, and one pool per managed protocol.
        let snap = r.snapshot();
        for link in &links {
            let p = format!(r"{}\{}\Connection", l::NETWORK_CLASS, link.guid);
            let (_, v) = snap.iter().find(|(q, _)| *q == p).expect("connection key");
            assert_eq!(v, &vec![(l::NAME.to_owned(), RegValue::sz(&link.name))]);
        }
        let pools: Vec<_> = snap
            .iter()
            .filter(|(p, _)| p.starts_with(l::PORTS_CLASS) && p.len() > l::PORTS_CLASS.len())
            .collect();
        assert_eq!(pools.len(), l::POOLS.len());
        assert_eq!(pools[0].0, format!(r"{}\0000", l::PORTS_CLASS));
    }

    #[test]
    fn install_twice_gives_the_same_tree_and_keeps_foreign_pools() {
        let (r, c) = installed();
        raw_write(&*r, |tx| {
            let p = format!(r"{}\0042", l::PORTS_CLASS);
            tx.create_key(&p)?;
            tx.set_value(&p, l::COMPONENT_ID, &RegValue::sz("ms_pppoeminiport"))
        });
        let first = r.snapshot();
        c.install(&links()).unwrap();
        assert_eq!(sorted(r.snapshot()), sorted(first));
    }

    #[test]
    fn install_rejects_bad_links() {
        let c = RegistryConfig::new(MemRegistry::new());
        let mut bad = links();
        bad[1].guid = "eth0".into();
        assert_eq!(
            c.install(&bad).unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER
        );
        let mut dup = links();
        dup[2].guid = dup[1].guid.to_ascii_lowercase();
        assert_eq!(
            c.install(&dup).unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER
        );
        assert!(c.registry().snapshot().is_empty());
    }

    #[test]
    fn interface_keys_are_max_plus_one_and_foreign_keys_are_ignored() {
        let (r, c) = installed();
        raw_write(&*r, |tx| {
            for k in ["007", "x", "IKEv2CustomPolicy"] {
                tx.create_key(&format!(r"{}\{k}", l::INTERFACES))?;
            }
            // A numeric key without an InterfaceName is not an interface but holds its number.
            tx.create_key(&l::interface_key(20)).map(|_| ())
        });
        let all = c.interface_enum(0, u32::MAX).unwrap();
        assert_eq!(
            all.entries.iter().map(|e| e.id.key).collect::<Vec<_>>(),
            vec![0, 1, 2, 3]
        );
        let a = c.interface_create(&router("A")).unwrap();
        assert_eq!(a.key, 21);
        let b = c.interface_create(&router("B")).unwrap();
        c.interface_delete(&a).unwrap();
        assert_eq!(c.interface_create(&router("C")).unwrap().key, 23);
        c.interface_delete(&b).unwrap();
        c.interface_delete(&c.interface_get_handle("C").unwrap())
            .unwrap();
        assert_eq!(
            c.interface_create(&router("D")).unwrap().key,
            21,
            "numbering restarts above the highest key"
        );
    }

    #[test]
    fn interface_created_values_are_windows_shaped() {
        let (r, c) = installed();
        let mut info = router("Hours");
        info.enabled = false;
        info.dialout_hours = Some(vec![
            "2 09:00-12:00 13:00-17:30".into(),
            "4 00:00-24:00".into(),
        ]);
        let id = c.interface_create(&info).unwrap();
        let v = r
            .transact(TxMode::Read, &mut |tx| tx.values(&l::interface_key(id.key)))
            .unwrap();
        let names: Vec<&str> = v.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                l::INTERFACE_NAME,
                l::TYPE,
                l::ENABLED,
                l::DIAL_OUT_HOURS,
                l::STAMP
            ]
        );
        assert_eq!(val(&v, l::DIAL_OUT_HOURS).unwrap().ty, REG_MULTI_SZ);
        let got = c.interface_get_info(&id).unwrap();
        assert_eq!(got.dialout_hours, info.dialout_hours);
        assert_eq!(got.connection_state, ConnectionState::UNREACHABLE);
        assert_eq!(got.unreachability_reasons, MPR_INTERFACE_ADMIN_DISABLED);
        // Level 1 with None removes the restriction; level 0 leaves it alone.
        info.dialout_hours = None;
        info.enabled = true;
        c.interface_set_info(&id, 0, &info).unwrap();
        assert!(c.interface_get_info(&id).unwrap().dialout_hours.is_some());
        c.interface_set_info(&id, 1, &info).unwrap();
        let got = c.interface_get_info(&id).unwrap();
        assert_eq!(got.dialout_hours, None);
        assert_eq!(got.connection_state, ConnectionState::DISCONNECTED);
    }

    #[test]
    fn absent_enabled_value_means_enabled() {
        let (r, c) = installed();
        let id = c.interface_create(&router("NoEnabled")).unwrap();
        raw_write(&*r, |tx| {
            tx.delete_value(&l::interface_key(id.key), l::ENABLED)
                .map(|_| ())
        });
        assert!(c.interface_get_info(&id).unwrap().enabled);
    }

    #[test]
    fn dialout_hours_format_is_checked() {
        for good in [
            "0 00:00-24:00",
            "6 23:59-24:00",
            "3 01:00-02:00 02:00-03:00",
        ] {
            assert!(valid_hours_entry(good), "{good}");
        }
        for bad in [
            "",
            "7 01:00-02:00",
            "1",
            "1 ",
            "1 02:00-01:00",
            "1 01:00-01:00",
            "1 24:01-24:02",
            "1 1:00-2:00",
            "1  01:00-02:00",
            "1 01:00-02:00 ",
            "1 01:60-02:00",
            "1 01:00–02:00",
            "12 01:00-02:00",
            "a 01:00-02:00",
            "1 01:00-02:00,03:00-04:00",
            "1 25:00-26:00",
        ] {
            assert!(!valid_hours_entry(bad), "{bad:?}");
        }
        let c = RegistryConfig::new(MemRegistry::new());
        let mut info = router("H");
        info.dialout_hours = Some(vec!["8 01:00-02:00".into()]);
        assert_eq!(
            c.interface_create(&info).unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER
        );
    }

    #[test]
    fn interface_names_are_checked_in_utf16_units() {
        let c = RegistryConfig::new(MemRegistry::new());
        let max = "é".repeat(256);
        assert!(c.interface_create(&router(&max)).is_ok());
        let over = format!("{}\u{1F600}", "a".repeat(255)); // 255 + a surrogate pair = 257 units
        assert_eq!(
            c.interface_create(&router(&over)).unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER
        );
        let mut t = router("BadType");
        t.if_type = InterfaceType(8);
        assert_eq!(
            c.interface_create(&t).unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER
        );
        assert!(
            c.interface_create(&router(r"back\slash")).is_ok(),
            "names are values, not key names"
        );
    }

    #[test]
    fn transports_are_identified_by_protocol_id_not_key_name() {
        let (r, c) = installed();
        raw_write(&*r, |tx| {
            let p = format!(r"{}\Whatever", l::ROUTER_MANAGERS);
            tx.create_key(&p)?;
            tx.set_value(&p, l::PROTOCOL_ID, &RegValue::dword(0x99))?;
            tx.create_key(&format!(r"{}\NoId", l::ROUTER_MANAGERS))
                .map(|_| ())
        });
        let id = c.transport_get_handle(0x99).unwrap();
        assert_eq!(c.transport_get_info(&id).unwrap().name, "Whatever");
        let listed: Vec<u32> = c
            .transport_enum(0, u32::MAX)
            .unwrap()
            .entries
            .iter()
            .map(|e| e.id.protocol_id)
            .collect();
        assert_eq!(listed, vec![0x21, 0x57, 0x99]);
        // A new transport may not take over a key that holds another one (or none).
        for name in ["whatever", "NOID", "ip"] {
            let e = c
                .transport_create(0x77, Some(name), None, None, None)
                .unwrap_err();
            assert_eq!(e.code, WinError::ERROR_ALREADY_EXISTS, "{name}");
        }
        // Creating an existing id updates it whatever name is passed.
        c.transport_create(0x99, Some("Other"), None, None, Some(r"%SystemRoot%\x.dll"))
            .unwrap();
        let info = c.transport_get_info(&id).unwrap();
        assert_eq!(
            (info.name.as_str(), info.dll_path.as_deref()),
            ("Whatever", Some(r"%SystemRoot%\x.dll"))
        );
        for bad in ["", "a\\b", "nul\0"] {
            assert_eq!(
                c.transport_create(0x55, Some(bad), None, None, None)
                    .unwrap_err()
                    .code,
                WinError::ERROR_INVALID_PARAMETER
            );
        }
        assert_eq!(transport_key_name(&"ü".repeat(41)).unwrap(), "ü".repeat(40));
        assert_eq!(
            transport_key_name(&format!("{}\u{1F600}", "a".repeat(39))).unwrap(),
            "a".repeat(39)
        );
    }

    #[test]
    fn names_with_line_breaks_never_reach_a_backup() {
        let (r, c) = installed();
        let id = c.interface_create(&router("Edge")).unwrap();
        // A name with a line break would end a .reg line: as a key name it could inject keys
        // into the backup, so the API refuses it.
        let evil = "x]\r\n\"ProtocolId\"=dword:00000021\r\n;";
        for bad in [evil, "a\nb", "a\rb"] {
            assert_eq!(
                c.transport_create(0x55, Some(bad), None, None, None)
                    .unwrap_err()
                    .code,
                WinError::ERROR_INVALID_PARAMETER,
                "{bad:?}"
            );
            assert_eq!(
                c.if_transport_add(&id, 0x55, Some(bad), None)
                    .unwrap_err()
                    .code,
                WinError::ERROR_INVALID_PARAMETER,
                "{bad:?}"
            );
        }
        // Such a key written by another program makes the backup fail, not come out corrupt.
        let before = c.backup().unwrap();
        raw_write(&*r, |tx| {
            tx.create_key(&format!(r"{}\a{}b", l::ROUTER_MANAGERS, '\n'))
                .map(|_| ())
        });
        assert_eq!(c.backup().unwrap_err().code, WinError::ERROR_INVALID_DATA);
        raw_write(&*r, |tx| {
            tx.delete_key_tree(&format!(r"{}\a{}b", l::ROUTER_MANAGERS, '\n'))
                .map(|_| ())
        });
        assert_eq!(c.backup().unwrap(), before);
    }

    #[test]
    fn transport_delete_leaves_interface_transports() {
        let (_, c) = installed();
        c.transport_delete(&c.transport_get_handle(pid::IPV6).unwrap())
            .unwrap();
        assert_eq!(
            c.transport_get_handle(pid::IPV6).unwrap_err().code,
            WinError::ERROR_UNKNOWN_PROTOCOL_ID
        );
        let lo = c.interface_get_handle("Loopback").unwrap();
        assert!(c.if_transport_get_handle(&lo, pid::IPV6).is_ok());
    }

    #[test]
    fn filter_state_lives_in_the_global_info_block() {
        let (r, c) = installed();
        assert!(!c.filter_get_info(pid::IP).unwrap());
        c.filter_set_info(pid::IP, true).unwrap();
        assert!(c.filter_get_info(pid::IP).unwrap());
        assert!(!c.filter_get_info(pid::IPV6).unwrap());
        let global = c
            .transport_get_info(&TransportId {
                protocol_id: pid::IP,
            })
            .unwrap()
            .global_info
            .unwrap();
        let h = info::validate(&global).unwrap();
        assert_eq!(
            h.find(l::IP_FILTER_ENABLE_INFO).unwrap().data,
            vec![1, 0, 0, 0]
        );
        // The blocks that were there stay, unchanged and in order.
        let orig = info::validate(&l::DEFAULT_IP_GLOBAL_INFO).unwrap();
        assert_eq!(h.blocks[..2], orig.blocks[..]);
        c.filter_set_info(pid::IPV6, true).unwrap();
        c.filter_set_info(pid::IP, false).unwrap();
        assert!(!c.filter_get_info(pid::IP).unwrap());
        assert!(c.filter_get_info(pid::IPV6).unwrap());
        // Other transports keep a FilterEnable value.
        c.transport_create(pid::IPX, None, None, None, None)
            .unwrap();
        c.filter_set_info(pid::IPX, true).unwrap();
        assert!(c.filter_get_info(pid::IPX).unwrap());
        let v = r
            .transact(TxMode::Read, &mut |tx| {
                tx.get_value(&format!(r"{}\IPX", l::ROUTER_MANAGERS), l::FILTER_ENABLE)
            })
            .unwrap();
        assert_eq!(v, Some(RegValue::dword(1)));
        assert_eq!(
            c.filter_get_info(0x1234).unwrap_err().code,
            WinError::ERROR_UNKNOWN_PROTOCOL_ID
        );
        assert_eq!(
            c.filter_set_info(0x1234, true).unwrap_err().code,
            WinError::ERROR_UNKNOWN_PROTOCOL_ID
        );
    }

    #[test]
    fn corrupt_stored_global_info_is_invalid_data() {
        let (r, c) = installed();
        raw_write(&*r, |tx| {
            tx.set_value(
                &format!(r"{}\Ip", l::ROUTER_MANAGERS),
                l::GLOBAL_INFO,
                &RegValue::binary(vec![9; 20]),
            )
        });
        assert_eq!(
            c.filter_get_info(pid::IP).unwrap_err().code,
            WinError::ERROR_INVALID_DATA
        );
        assert_eq!(
            c.filter_set_info(pid::IP, true).unwrap_err().code,
            WinError::ERROR_INVALID_DATA
        );
    }

    #[test]
    fn custom_info_round_trips_and_clears() {
        let (r, c) = installed();
        let id = c.interface_create(&router("Ike")).unwrap();
        assert_eq!(
            c.interface_get_custom_info(&id).unwrap(),
            CustomInfoEx::default()
        );
        let ts = |t: i32, b: u8| TrafficSelector {
            ts_type: t,
            protocol_id: b,
            port_start: 500,
            port_end: 4500,
            payload_id: 3,
            addr_start: TsAddress {
                family: 2,
                addr: [10, 0, 0, b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            },
            addr_end: TsAddress {
                family: 23,
                addr: [0xfe; 16],
            },
        };
        let info = CustomInfoEx {
            flags: MPRAPI_IF_CUSTOM_CONFIG_FOR_IKEV2,
            ikev2: IfCustomIkev2 {
                sa_lifetime: 3600,
                sa_data_size: 2048,
                certificate_name: vec![1, 2, 3],
                custom_policy: Some(CustomPolicy {
                    integrity_method: 2,
                    encryption_method: 4,
                    cipher_transform_constant: 2,
                    auth_transform_constant: 2,
                    pfs_group: 3,
                    dh_group: 2,
                }),
                certificate_hash: vec![0xAB; 20],
                mm_sa_lifetime: 480,
                traffic_selectors_initiator: vec![ts(7, 1), ts(8, 2)],
                traffic_selectors_responder: vec![ts(7, 9)],
            },
        };
        c.interface_set_custom_info(&id, &info).unwrap();
        assert_eq!(c.interface_get_custom_info(&id).unwrap(), info);
        let sel = r
            .transact(TxMode::Read, &mut |tx| {
                tx.get_value(&l::interface_key(id.key), l::TRAFFIC_SELECTORS_INITIATOR)
            })
            .unwrap()
            .unwrap();
        assert_eq!(sel.data.len(), 2 * TS_RECORD_LEN);
        c.interface_set_custom_info(&id, &CustomInfoEx::default())
            .unwrap();
        assert_eq!(
            c.interface_get_custom_info(&id).unwrap(),
            CustomInfoEx::default()
        );
        let mut bad = info.clone();
        bad.ikev2.sa_lifetime = 299;
        assert_eq!(
            c.interface_set_custom_info(&id, &bad).unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER
        );
        let lan = c.interface_get_handle("Internal").unwrap();
        assert_eq!(
            c.interface_set_custom_info(&lan, &info).unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER
        );
    }

    #[test]
    fn server_info_levels_and_limits() {
        let (_, c) = installed();
        let s = c.server_get_info().unwrap();
        assert!(!s.lan_only_mode);
        assert_eq!(
            (s.pptp.num_ports, s.l2tp.num_ports, s.sstp.num_ports),
            (128, 128, 128)
        );
        assert_eq!(s.total_ports, 128 * 5);
        let good = ServerInfo {
            pptp: PortConfig {
                num_ports: 16384,
                port_flags: 3,
            },
            l2tp: PortConfig {
                num_ports: 30000,
                port_flags: 2,
            },
            sstp: PortConfig {
                num_ports: 1,
                port_flags: 1,
            },
            ..ServerInfo::default()
        };
        for level in [0, 3, 4] {
            assert_eq!(
                c.server_set_info(level, &good).unwrap_err().code,
                WinError::ERROR_NOT_SUPPORTED
            );
        }
        c.server_set_info(1, &good).unwrap();
        assert_eq!(
            c.server_get_info().unwrap().sstp.num_ports,
            128,
            "level 1 leaves SSTP"
        );
        c.server_set_info(2, &good).unwrap();
        let s = c.server_get_info().unwrap();
        assert_eq!((s.pptp, s.l2tp, s.sstp), (good.pptp, good.l2tp, good.sstp));
        let bad = |f: &dyn Fn(&mut ServerInfo)| {
            let mut b = good;
            f(&mut b);
            c.server_set_info(2, &b).unwrap_err().code
        };
        assert_eq!(
            bad(&|b| b.pptp.num_ports = 0),
            WinError::ERROR_INVALID_PARAMETER
        );
        assert_eq!(
            bad(&|b| b.pptp.num_ports = 16385),
            WinError::ERROR_INVALID_PARAMETER
        );
        assert_eq!(
            bad(&|b| b.l2tp.num_ports = 30001),
            WinError::ERROR_INVALID_PARAMETER
        );
        assert_eq!(
            bad(&|b| b.l2tp.port_flags = 4),
            WinError::ERROR_INVALID_PARAMETER
        );
        assert_eq!(
            bad(&|b| b.sstp.port_flags = 2),
            WinError::ERROR_INVALID_PARAMETER
        );
        assert_eq!(
            bad(&|b| b.sstp.num_ports = 0),
            WinError::ERROR_INVALID_PARAMETER
        );
    }

    #[test]
    fn lan_only_mode_follows_router_type() {
        assert!(!lan_only_mode(&[(
            l::ROUTER_TYPE.into(),
            RegValue::dword(7)
        )]));
        assert!(lan_only_mode(&[(
            l::ROUTER_TYPE.into(),
            RegValue::dword(2)
        )]));
        assert!(lan_only_mode(&[(
            l::ROUTER_TYPE.into(),
            RegValue::dword(0x12)
        )]));
        assert!(!lan_only_mode(&[(
            l::ROUTER_TYPE.into(),
            RegValue::dword(0x20)
        )]));
        assert!(lan_only_mode(&[(
            l::LAN_ONLY_MODE.into(),
            RegValue::dword(1)
        )]));
        assert!(!lan_only_mode(&[]));
    }

    #[test]
    fn tunnel_config_round_trips_and_applies_only_selected_protocols() {
        let (_, c) = installed();
        let before = c.server_get_info_ex().unwrap();
        assert_eq!(before.config.ikev2.idle_timeout, 300);
        let mut cfg = before.config.clone();
        cfg.ikev2.idle_timeout = 600;
        cfg.ikev2.certificate_names = vec![vec![1, 2], vec![3]];
        cfg.ikev2.certificate_ekus = vec![CertEku {
            is_oid: true,
            eku: "1.3.6.1.5.5.7.3.1".into(),
        }];
        cfg.ikev2.custom_policy = Some(CustomPolicy {
            integrity_method: 1,
            ..CustomPolicy::default()
        });
        cfg.ikev2.machine_certificate_name = vec![5; 10];
        cfg.ikev2.mm_sa_lifetime = 999;
        cfg.l2tp.encryption_type = 2;
        cfg.l2tp.sa_lifetime = 3600;
        cfg.gre = PortConfig {
            num_ports: 3,
            port_flags: 2,
        };
        cfg.pptp = PortConfig {
            num_ports: 1,
            port_flags: 1,
        };
        c.server_set_info_ex(&ServerSetConfigEx {
            protocols: set_config::IKEV2 | set_config::GRE,
            config: cfg.clone(),
        })
        .unwrap();
        let got = c.server_get_info_ex().unwrap().config;
        assert_eq!(got.ikev2, cfg.ikev2);
        assert_eq!(got.gre, cfg.gre);
        assert_eq!(got.pptp, before.config.pptp, "PPTP bit not set: unchanged");
        assert_eq!(got.l2tp, before.config.l2tp, "L2TP bit not set: unchanged");
        c.server_set_info_ex(&ServerSetConfigEx {
            protocols: 0x1F,
            config: cfg.clone(),
        })
        .unwrap();
        assert_eq!(c.server_get_info_ex().unwrap().config, cfg);
        let reject = |f: &dyn Fn(&mut ServerSetConfigEx)| {
            let mut s = ServerSetConfigEx {
                protocols: 0x1F,
                config: cfg.clone(),
            };
            f(&mut s);
            c.server_set_info_ex(&s).unwrap_err().code
        };
        assert_eq!(
            reject(&|s| s.protocols = 0x20),
            WinError::ERROR_INVALID_PARAMETER
        );
        assert_eq!(
            reject(&|s| s.config.ikev2.idle_timeout = 299),
            WinError::ERROR_INVALID_PARAMETER
        );
        assert_eq!(
            reject(&|s| s.config.ikev2.network_blackout_time = 119),
            WinError::ERROR_INVALID_PARAMETER
        );
        assert_eq!(
            reject(&|s| s.config.ikev2.sa_data_size_for_renegotiation = 1023),
            WinError::ERROR_INVALID_PARAMETER
        );
        assert_eq!(
            reject(&|s| s.config.ikev2.config_options = 1),
            WinError::ERROR_INVALID_PARAMETER
        );
        assert_eq!(
            reject(&|s| s.config.ikev2.ports.port_flags = 2),
            WinError::ERROR_INVALID_PARAMETER
        );
        assert_eq!(
            reject(&|s| s.config.sstp.cert_algorithm = 0x8004),
            WinError::ERROR_INVALID_PARAMETER
        );
        assert_eq!(
            reject(&|s| s.config.sstp.cert_hash = vec![0; 33]),
            WinError::ERROR_INVALID_PARAMETER
        );
        assert_eq!(
            reject(&|s| s.config.l2tp.encryption_type = 4),
            WinError::ERROR_INVALID_PARAMETER
        );
        assert_eq!(
            reject(&|s| s.config.gre.num_ports = 0),
            WinError::ERROR_INVALID_PARAMETER
        );
        assert_eq!(
            c.server_get_info_ex().unwrap().config,
            cfg,
            "rejected calls changed nothing"
        );
    }

    #[test]
    fn friendly_names_follow_the_network_class_and_q23() {
        let (_, c) = installed();
        let eth0 = l::link_guid("unit-test", "eth0");
        assert_eq!(c.get_friendly_name(&eth0).unwrap(), "eth0");
        assert_eq!(
            c.get_friendly_name(&eth0.to_ascii_lowercase()).unwrap(),
            "eth0"
        );
        assert_eq!(c.get_guid_name("ETH0").unwrap(), eth0);
        assert_eq!(
            c.get_friendly_name(&l::link_guid("unit-test", "lo"))
                .unwrap(),
            "lo"
        );
        c.interface_create(&router("DemandDial")).unwrap();
        assert_eq!(c.get_friendly_name("demanddial").unwrap(), "demanddial");
        assert_eq!(c.get_guid_name("DemandDial").unwrap(), "DemandDial");
        for unknown in [
            "",
            "nobody",
            r"..\..",
            &format!(r"{eth0}\Connection"),
            &l::link_guid("unit-test", "eth9"),
        ] {
            assert_eq!(
                c.get_friendly_name(unknown).unwrap_err().code,
                WinError::ERROR_NOT_FOUND,
                "{unknown:?}"
            );
        }
        assert_eq!(
            c.get_guid_name("nobody").unwrap_err().code,
            WinError::ERROR_NOT_FOUND
        );
    }

    #[test]
    fn q17_dedicated_and_internal_accept_only_no_op_updates() {
        let (_, c) = installed();
        for name in ["Internal", &l::link_guid("unit-test", "eth0")] {
            let id = c.interface_get_handle(name).unwrap();
            let mut info = c.interface_get_info(&id).unwrap();
            c.interface_set_info(&id, 0, &info).unwrap();
            c.interface_set_info(&id, 1, &info).unwrap();
            info.enabled = false;
            assert_eq!(
                c.interface_set_info(&id, 0, &info).unwrap_err().code,
                WinError::ERROR_INVALID_PARAMETER
            );
            info.enabled = true;
            info.dialout_hours = Some(vec!["1 01:00-02:00".into()]);
            assert_eq!(
                c.interface_set_info(&id, 1, &info).unwrap_err().code,
                WinError::ERROR_INVALID_PARAMETER
            );
            c.interface_set_info(&id, 0, &info).unwrap(); // level 0 ignores the hours
        }
        let lo = c.interface_get_handle("Loopback").unwrap();
        let mut info = c.interface_get_info(&lo).unwrap();
        info.enabled = false;
        c.interface_set_info(&lo, 0, &info).unwrap();
        assert_eq!(
            c.interface_set_info(&lo, 4, &info).unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER
        );
    }

    #[test]
    fn empty_store_reads_as_an_empty_configuration() {
        let c = RegistryConfig::new(MemRegistry::new());
        assert_eq!(
            c.interface_enum(0, 10).unwrap(),
            Page {
                entries: vec![],
                total_from_resume: 0,
                next_resume: 0
            }
        );
        assert_eq!(
            c.interface_enum(1, 10).unwrap_err().code,
            WinError::ERROR_NO_MORE_ITEMS
        );
        assert_eq!(c.transport_enum(0, 10).unwrap().entries, vec![]);
        assert_eq!(
            c.transport_get_handle(pid::IP).unwrap_err().code,
            WinError::ERROR_UNKNOWN_PROTOCOL_ID
        );
        assert_eq!(
            c.interface_get_handle("x").unwrap_err().code,
            WinError::ERROR_NO_SUCH_INTERFACE
        );
        assert_eq!(c.server_get_info().unwrap(), ServerInfo::default());
        assert_eq!(
            c.get_guid_name("eth0").unwrap_err().code,
            WinError::ERROR_NOT_FOUND
        );
        // The first interface of an empty store gets key 0 and creates the parents.
        assert_eq!(c.interface_create(&router("First")).unwrap().key, 0);
    }

    #[test]
    fn if_transport_keys_without_protocol_id_are_not_transports() {
        let (_, c) = installed();
        let id = c.interface_create(&router("P")).unwrap();
        c.interface_set_custom_info(
            &id,
            &CustomInfoEx {
                flags: 1,
                ikev2: IfCustomIkev2 {
                    sa_lifetime: 300,
                    sa_data_size: 1024,
                    custom_policy: Some(CustomPolicy::default()),
                    ..IfCustomIkev2::default()
                },
            },
        )
        .unwrap();
        c.if_transport_add(&id, pid::IP, None, None).unwrap();
        let page = c.if_transport_enum(&id, 0, u32::MAX).unwrap();
        assert_eq!(
            page.entries
                .iter()
                .map(|e| e.name.as_str())
                .collect::<Vec<_>>(),
            ["IP"]
        );
        let it = c.if_transport_get_handle(&id, pid::IP).unwrap();
        assert_eq!(
            c.if_transport_get_info(&it).unwrap(),
            None,
            "added without a blob"
        );
        assert_eq!(
            c.if_transport_add(&id, 0x4242, Some(l::IKEV2_CUSTOM_POLICY), None)
                .unwrap_err()
                .code,
            WinError::ERROR_ALREADY_EXISTS
        );
    }
}
