//! The registry abstraction the MprConfig semantics are written over.
//!
//! A [`Registry`] is a tree of keys with case-insensitive names holding typed values, exactly
//! like the Windows registry. Paths are full paths below `HKEY_LOCAL_MACHINE`, with `\`
//! separators and no leading or trailing separator (`SYSTEM\CurrentControlSet\Services\RemoteAccess`).
//! Every access happens inside one transaction ([`Registry::transact`]): the closure's changes are
//! committed whole when it returns `Ok`, and discarded whole when it returns `Err`.

use crate::changes::{ChangeLogTx, ChangeWaiter, Version, content_version, no_change_log};
use crate::{Error, Result, WinError};

/// `REG_NONE`.
pub const REG_NONE: u32 = 0;
/// `REG_SZ`.
pub const REG_SZ: u32 = 1;
/// `REG_EXPAND_SZ`.
pub const REG_EXPAND_SZ: u32 = 2;
/// `REG_BINARY`.
pub const REG_BINARY: u32 = 3;
/// `REG_DWORD`.
pub const REG_DWORD: u32 = 4;
/// `REG_MULTI_SZ`.
pub const REG_MULTI_SZ: u32 = 7;
/// `REG_QWORD`.
pub const REG_QWORD: u32 = 11;

/// A registry value: its type and its raw bytes, exactly as Windows stores them (strings are
/// UTF-16LE with their terminating NUL(s) included). Keeping raw bytes makes exports and
/// imports byte-identical even for values Windows wrote oddly.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RegValue {
    /// `REG_*` type.
    pub ty: u32,
    /// Raw data.
    pub data: Vec<u8>,
}

fn utf16le_bytes(s: &str, out: &mut Vec<u8>) {
    for u in s.encode_utf16() {
        out.extend_from_slice(&u.to_le_bytes());
    }
    out.extend_from_slice(&[0, 0]);
}

fn utf16le_units(data: &[u8]) -> Option<Vec<u16>> {
    if !data.len().is_multiple_of(2) {
        return None;
    }
    Some(
        data.chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect(),
    )
}

impl RegValue {
    /// `REG_SZ` from a string (NUL appended).
    pub fn sz(s: &str) -> Self {
        let mut data = Vec::with_capacity(s.len() * 2 + 2);
        utf16le_bytes(s, &mut data);
        RegValue { ty: REG_SZ, data }
    }

    /// `REG_EXPAND_SZ` from a string (NUL appended).
    pub fn expand_sz(s: &str) -> Self {
        RegValue {
            ty: REG_EXPAND_SZ,
            ..Self::sz(s)
        }
    }

    /// `REG_DWORD` (4 bytes, little-endian).
    pub fn dword(v: u32) -> Self {
        RegValue {
            ty: REG_DWORD,
            data: v.to_le_bytes().to_vec(),
        }
    }

    /// `REG_QWORD` (8 bytes, little-endian).
    pub fn qword(v: u64) -> Self {
        RegValue {
            ty: REG_QWORD,
            data: v.to_le_bytes().to_vec(),
        }
    }

    /// `REG_BINARY`.
    pub fn binary(data: impl Into<Vec<u8>>) -> Self {
        RegValue {
            ty: REG_BINARY,
            data: data.into(),
        }
    }

    /// `REG_MULTI_SZ`: each string NUL-terminated, then one more NUL. An empty list is the
    /// single terminating NUL pair.
    pub fn multi_sz<S: AsRef<str>>(items: &[S]) -> Self {
        let mut data = Vec::new();
        for s in items {
            utf16le_bytes(s.as_ref(), &mut data);
        }
        data.extend_from_slice(&[0, 0]);
        RegValue {
            ty: REG_MULTI_SZ,
            data,
        }
    }

    /// The value borrowed, for the decoders it shares with [`RegValueRef`].
    pub fn as_value_ref(&self) -> RegValueRef<'_> {
        RegValueRef {
            ty: self.ty,
            data: &self.data,
        }
    }

    /// The number, for a `REG_DWORD` of exactly 4 bytes.
    pub fn as_dword(&self) -> Option<u32> {
        self.as_value_ref().as_dword()
    }

    /// The number, for a `REG_QWORD` of exactly 8 bytes.
    pub fn as_qword(&self) -> Option<u64> {
        self.as_value_ref().as_qword()
    }

    /// The string, for `REG_SZ`/`REG_EXPAND_SZ`: text up to the first NUL (a missing terminator
    /// is tolerated, as Windows readers do). `None` for other types, odd lengths or invalid UTF-16.
    pub fn as_string(&self) -> Option<String> {
        self.as_value_ref().as_string()
    }

    /// The strings, for `REG_MULTI_SZ`: the list ends at the first empty string or the end of
    /// the data. `None` for other types, odd lengths or invalid UTF-16.
    pub fn as_multi_sz(&self) -> Option<Vec<String>> {
        self.as_value_ref().as_multi_sz()
    }
}

/// A registry value borrowed from wherever it is held (a [`RegValue`], or the row a store is
/// reading): its type and raw bytes, with the decoders of [`RegValue`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RegValueRef<'a> {
    /// `REG_*` type.
    pub ty: u32,
    /// Raw data.
    pub data: &'a [u8],
}

impl<'a> From<&'a RegValue> for RegValueRef<'a> {
    fn from(v: &'a RegValue) -> Self {
        v.as_value_ref()
    }
}

impl RegValueRef<'_> {
    /// An owned copy.
    pub fn to_reg_value(&self) -> RegValue {
        RegValue {
            ty: self.ty,
            data: self.data.to_vec(),
        }
    }

    /// The number, for a `REG_DWORD` of exactly 4 bytes.
    pub fn as_dword(&self) -> Option<u32> {
        match (self.ty, self.data) {
            (REG_DWORD, [a, b, c, d]) => Some(u32::from_le_bytes([*a, *b, *c, *d])),
            _ => None,
        }
    }

    /// The number, for a `REG_QWORD` of exactly 8 bytes.
    pub fn as_qword(&self) -> Option<u64> {
        match self.ty {
            REG_QWORD => self.data.try_into().ok().map(u64::from_le_bytes),
            _ => None,
        }
    }

    /// The string, for `REG_SZ`/`REG_EXPAND_SZ`: text up to the first NUL (a missing terminator
    /// is tolerated, as Windows readers do). `None` for other types, odd lengths or invalid UTF-16.
    pub fn as_string(&self) -> Option<String> {
        if (self.ty != REG_SZ && self.ty != REG_EXPAND_SZ) || !self.data.len().is_multiple_of(2) {
            return None;
        }
        // Decoded straight from the bytes: no intermediate buffer of UTF-16 units.
        let units = self
            .data
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .take_while(|&u| u != 0);
        let mut out = String::with_capacity(self.data.len() / 2);
        for c in char::decode_utf16(units) {
            out.push(c.ok()?);
        }
        Some(out)
    }

    /// The strings, for `REG_MULTI_SZ`: the list ends at the first empty string or the end of
    /// the data. `None` for other types, odd lengths or invalid UTF-16.
    pub fn as_multi_sz(&self) -> Option<Vec<String>> {
        if self.ty != REG_MULTI_SZ {
            return None;
        }
        let units = utf16le_units(self.data)?;
        let mut out = Vec::new();
        for part in units.split(|&u| u == 0) {
            if part.is_empty() {
                break;
            }
            out.push(String::from_utf16(part).ok()?);
        }
        Some(out)
    }
}

/// The operations available inside one registry transaction.
///
/// Key names compare case-insensitively (ASCII and Unicode simple case folding, as the Windows
/// registry does) and keep the case they were created with. A missing key gives
/// `ERROR_FILE_NOT_FOUND` (2), as the Windows registry does.
pub trait RegistryTx {
    /// True if the key exists.
    fn key_exists(&mut self, path: &str) -> Result<bool>;
    /// Creates the key and any missing ancestors; true if the key itself was created, false if
    /// it existed.
    fn create_key(&mut self, path: &str) -> Result<bool>;
    /// Deletes the key with all its subkeys and values; false if it did not exist.
    fn delete_key_tree(&mut self, path: &str) -> Result<bool>;
    /// Names of the direct subkeys, in creation order (as stored). `ERROR_FILE_NOT_FOUND` if
    /// the key is missing.
    fn subkeys(&mut self, path: &str) -> Result<Vec<String>>;
    /// A value of a key; `Ok(None)` if the key exists without that value,
    /// `ERROR_FILE_NOT_FOUND` if the key is missing.
    fn get_value(&mut self, path: &str, name: &str) -> Result<Option<RegValue>>;
    /// Sets (creates or replaces) a value; the key must exist (`ERROR_FILE_NOT_FOUND`).
    /// The empty name is the key's default value.
    fn set_value(&mut self, path: &str, name: &str, value: &RegValue) -> Result<()>;
    /// Deletes a value; false if it did not exist. `ERROR_FILE_NOT_FOUND` if the key is missing.
    fn delete_value(&mut self, path: &str, name: &str) -> Result<bool>;
    /// All values of a key, in creation order. `ERROR_FILE_NOT_FOUND` if the key is missing.
    fn values(&mut self, path: &str) -> Result<Vec<(String, RegValue)>>;

    /// Every direct subkey of `path` with all its values, in the order of [`Self::subkeys`].
    /// One call instead of one per subkey: stores override it with a single query, because
    /// enumerating 10,000 interfaces must not cost 10,000 round trips.
    #[allow(clippy::type_complexity)] // (name, values) pairs; an alias would hide the shape
    fn subkeys_with_values(
        &mut self,
        path: &str,
    ) -> Result<Vec<(String, Vec<(String, RegValue)>)>> {
        let names = self.subkeys(path)?;
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            let values = self.values(&format!("{path}\\{name}"))?;
            out.push((name, values));
        }
        Ok(out)
    }

    /// Calls `f` once per direct subkey of `path`, in the order of [`Self::subkeys`], with the
    /// subkey's name and those of its values (in creation order) whose names are in `wanted`
    /// (compared with [`names_equal`]; an empty `wanted` means every value). It sees what
    /// [`Self::subkeys_with_values`] returns, filtered; stores override it to lend values
    /// from where they read them, because enumerating 10,000 interfaces must not cost an
    /// allocation per value. An error from `f` ends the walk and is returned (`f` may have seen
    /// some subkeys before any error). `ERROR_FILE_NOT_FOUND` if the key is missing.
    fn visit_subkeys_with_values(
        &mut self,
        path: &str,
        wanted: &[&str],
        f: &mut SubkeyVisitor<'_>,
    ) -> Result<()> {
        let all = self.subkeys_with_values(path)?;
        let mut lent = Vec::new();
        for (name, values) in &all {
            lent.clear();
            lent.extend(
                values
                    .iter()
                    .filter(|(n, _)| is_wanted(wanted, n))
                    .map(|(n, v)| (n.as_str(), v.as_value_ref())),
            );
            f(name, &lent)?;
        }
        Ok(())
    }

    /// The store's generation as this transaction sees it (see [`Registry::generation`]).
    fn generation(&mut self) -> Result<u64>;

    /// The version of a key as this transaction sees it (`None` if the key is missing): a
    /// token that differs from every version the key had with other values. It changes when
    /// a value of the key is set, or deleted, and when the key is created; changes to its
    /// subkeys do not change it. Compared only for equality, and only within one store.
    ///
    /// Provided: [`content_version`] of the key's values, so equal contents give equal
    /// versions — what a store without its own counters (a remote registry) can offer. Stores
    /// with counters override it with the generation of the commit that last changed the key,
    /// which also tells apart a key deleted and created again with the same values.
    fn key_version(&mut self, path: &str) -> Result<Option<Version>> {
        match self.values(path) {
            Ok(values) => Ok(Some(content_version(&values))),
            Err(e) if e.code == WinError::ERROR_FILE_NOT_FOUND => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The store's change log in this transaction, or `None` if the store keeps none.
    /// Provided: `None` (a remote registry has nowhere to keep one); stores that keep a log
    /// override it, and then [`Registry::change_waiter`] too.
    fn change_log(&mut self) -> Option<&mut dyn ChangeLogTx> {
        None
    }
}

/// The callback of [`RegistryTx::visit_subkeys_with_values`]: a subkey's name and the wanted
/// values it lends, as (name, value) pairs in creation order.
pub type SubkeyVisitor<'f> = dyn FnMut(&str, &[(&str, RegValueRef<'_>)]) -> Result<()> + 'f;

/// True if the value `name` is one of `wanted` (compared with [`names_equal`]), or `wanted` is
/// empty (every value is wanted): the filter of [`RegistryTx::visit_subkeys_with_values`].
pub fn is_wanted(wanted: &[&str], name: &str) -> bool {
    wanted.is_empty() || wanted.iter().any(|w| names_equal(w, name))
}

/// Read-only or read-write transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TxMode {
    /// A consistent snapshot; writes inside it fail with `ERROR_ACCESS_DENIED`.
    Read,
    /// Exclusive writer (SQLite `BEGIN IMMEDIATE`).
    Write,
}

/// A registry-shaped store.
pub trait Registry: Send + Sync + 'static {
    /// Runs `f` in one transaction: committed if it returns `Ok`, rolled back if it returns
    /// `Err` (and the error is returned).
    fn transact<T>(
        &self,
        mode: TxMode,
        f: &mut dyn FnMut(&mut dyn RegistryTx) -> Result<T>,
    ) -> Result<T>;

    /// The store's generation: a counter that every committed [`TxMode::Write`] transaction
    /// increments by exactly 1, atomically with its changes, whoever commits it (this process
    /// or another). Read transactions and rolled-back transactions leave it unchanged. So a
    /// cache built inside a transaction that saw generation `g` is still exact while the
    /// generation is `g`, and a writer that saw `g` knows its own commit made it `g + 1`.
    fn generation(&self) -> Result<u64>;

    /// Something to block on until this store may have committed a change (by any writer, in
    /// any process), for watching its change log. Provided: `ERROR_JOURNAL_NOT_ACTIVE` (1179),
    /// the answer of a store that keeps no change log ([`RegistryTx::change_log`] is `None`).
    fn change_waiter(&self) -> Result<Box<dyn ChangeWaiter>> {
        Err(no_change_log("this store"))
    }
}

/// Splits `a\b\c` into (`a\b`, `c`); the parent of a top-level key is `""`.
pub fn split_parent(path: &str) -> (&str, &str) {
    match path.rfind('\\') {
        Some(i) => (&path[..i], &path[i + 1..]),
        None => ("", path),
    }
}

/// Checks a key path: non-empty components of at most 255 characters, no empty component, no
/// NUL. `ERROR_INVALID_PARAMETER` otherwise.
pub fn check_path(path: &str) -> Result<()> {
    if path.is_empty() {
        return Err(Error::invalid_parameter("empty registry path"));
    }
    for part in path.split('\\') {
        if part.is_empty() || part.chars().count() > 255 || part.contains('\0') {
            return Err(Error::new(
                WinError::ERROR_INVALID_PARAMETER,
                format!("invalid registry key name in path {path:?}"),
            ));
        }
    }
    Ok(())
}

/// Case-insensitive comparison of registry names (Unicode simple case folding to upper case,
/// the way the Windows registry compares).
pub fn names_equal(a: &str, b: &str) -> bool {
    // Equal up to ASCII case is equal folded (folding maps ASCII as ASCII upper-casing does
    // and leaves identical bytes identical): the common match needs no other work.
    if a.eq_ignore_ascii_case(b) {
        return true;
    }
    // ASCII folds to ASCII of the same length: no allocation needed to decide.
    if a.is_ascii() && b.is_ascii() {
        return false;
    }
    fold(a) == fold(b)
}

/// The folded form used for case-insensitive registry name comparison and indexing.
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        s.to_ascii_uppercase()
    } else {
        // Simple (one-to-one) mapping only: a letter whose upper case is several letters
        // (ß -> SS) stays itself, as in the registry's per-character upcase table.
        s.chars().map(simple_upper).collect()
    }
}

/// The Unicode simple (one-to-one) upper-case mapping of UnicodeData.txt. Rust's
/// `char::to_uppercase` gives the full mapping; where that is several letters, the simple
/// mapping is either none (ß stays ß) or, for the Greek letters with ypogegrammeni, the
/// matching one-letter capital (U+1FB3 ᾳ -> U+1FBC ᾼ), which std does not expose.
fn simple_upper(c: char) -> char {
    let mut up = c.to_uppercase();
    match (up.next(), up.next()) {
        (Some(u), None) => u,
        _ => {
            let cp = c as u32;
            let mapped = match cp {
                0x1F80..=0x1F87 | 0x1F90..=0x1F97 | 0x1FA0..=0x1FA7 => cp + 8,
                0x1FB3 | 0x1FC3 | 0x1FF3 => cp + 9,
                _ => cp,
            };
            char::from_u32(mapped).unwrap_or(c)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_values_are_utf16le_with_terminator() {
        let v = RegValue::sz("Ip");
        assert_eq!(v.data, vec![b'I', 0, b'p', 0, 0, 0]);
        assert_eq!(v.as_string().as_deref(), Some("Ip"));
    }

    #[test]
    fn multi_sz_round_trips_and_ends_with_double_nul() {
        let v = RegValue::multi_sz(&["2 09:00-12:00", "4 13:00-17:30"]);
        assert!(v.data.ends_with(&[0, 0, 0, 0]));
        assert_eq!(
            v.as_multi_sz().unwrap(),
            vec!["2 09:00-12:00", "4 13:00-17:30"]
        );
        assert_eq!(
            RegValue::multi_sz::<&str>(&[]).as_multi_sz().unwrap(),
            Vec::<String>::new()
        );
    }

    #[test]
    fn dword_requires_exactly_four_bytes() {
        assert_eq!(RegValue::dword(0x21).as_dword(), Some(0x21));
        assert_eq!(
            RegValue {
                ty: REG_DWORD,
                data: vec![1, 2, 3]
            }
            .as_dword(),
            None
        );
        assert_eq!(RegValue::binary(vec![1, 0, 0, 0]).as_dword(), None);
    }

    #[test]
    fn greek_ypogegrammeni_folds_to_its_one_letter_capital() {
        assert!(names_equal("\u{1FB3}-link", "\u{1FBC}-LINK"));
        assert!(names_equal("\u{1F80}", "\u{1F88}"));
        assert!(names_equal("\u{1FF3}", "\u{1FFC}"));
        assert!(!names_equal("stra\u{DF}e", "STRASSE"));
    }

    #[test]
    fn names_compare_case_insensitively_beyond_ascii() {
        assert!(names_equal("RouterManagers", "ROUTERMANAGERS"));
        assert!(names_equal("Éthernet-ü", "éTHERNET-Ü"));
        assert!(!names_equal("Ip", "Ipv6"));
        assert!(
            !names_equal("Straße", "STRASSE"),
            "simple folding: ß is not SS"
        );
        assert!(names_equal("σίσυφος", "ΣΊΣΥΦΟΣ"));
    }

    /// What the visitor lent, owned: (subkey, [(value name, value)]).
    type Seen = Vec<(String, Vec<(String, RegValue)>)>;

    fn visit(tx: &mut dyn RegistryTx, path: &str, wanted: &[&str]) -> Result<Seen> {
        let mut seen = Vec::new();
        tx.visit_subkeys_with_values(path, wanted, &mut |name, values| {
            let owned = values
                .iter()
                .map(|(n, v)| ((*n).to_owned(), v.to_reg_value()))
                .collect();
            seen.push((name.to_owned(), owned));
            Ok(())
        })?;
        Ok(seen)
    }

    #[test]
    fn default_visitor_lends_the_wanted_values_of_every_subkey_in_order() {
        let r = crate::MemRegistry::new();
        r.transact(TxMode::Write, &mut |tx| {
            tx.create_key(r"P\Empty")?;
            tx.create_key(r"P\Mixed")?;
            tx.set_value(r"P\Mixed", "INTERFACEname", &RegValue::sz("Édge"))?;
            tx.set_value(r"P\Mixed", "Other", &RegValue::binary(vec![0, 1, 2]))?;
            tx.set_value(r"P\Mixed", "type", &RegValue::dword(8))?;
            tx.create_key(r"P\Unwanted")?;
            tx.set_value(r"P\Unwanted", "Stamp", &RegValue::dword(0))?;
            tx.create_key(r"P\Mixed\Child")?;
            Ok(())
        })
        .unwrap();
        let wanted = ["InterfaceName", "Type", "Missing"];
        let (filtered, all, full) = r
            .transact(TxMode::Read, &mut |tx| {
                Ok((
                    visit(tx, "P", &wanted)?,
                    visit(tx, "p", &[])?,
                    tx.subkeys_with_values("P")?,
                ))
            })
            .unwrap();
        assert_eq!(all, full, "no names wanted lends every value");
        assert_eq!(
            filtered,
            vec![
                ("Empty".to_owned(), vec![]),
                (
                    "Mixed".to_owned(),
                    vec![
                        ("INTERFACEname".to_owned(), RegValue::sz("Édge")),
                        ("type".to_owned(), RegValue::dword(8)),
                    ]
                ),
                ("Unwanted".to_owned(), vec![]),
            ]
        );
    }

    #[test]
    fn default_visitor_stops_at_the_first_error_and_reports_missing_keys() {
        let r = crate::MemRegistry::new();
        r.transact(TxMode::Write, &mut |tx| {
            tx.create_key(r"P\A")?;
            tx.create_key(r"P\B")
        })
        .unwrap();
        let mut calls = 0;
        let e = r
            .transact(TxMode::Read, &mut |tx| {
                tx.visit_subkeys_with_values("P", &[], &mut |_, _| {
                    calls += 1;
                    Err(Error::invalid_parameter("stop"))
                })
            })
            .unwrap_err();
        assert_eq!(e.code, WinError::ERROR_INVALID_PARAMETER);
        assert_eq!(calls, 1);
        let e = r
            .transact(TxMode::Read, &mut |tx| visit(tx, "Nowhere", &[]))
            .unwrap_err();
        assert_eq!(e.code, WinError::ERROR_FILE_NOT_FOUND);
    }

    #[test]
    fn borrowed_strings_decode_like_the_utf16_units_they_hold() {
        for v in [
            RegValue::sz("Ip"),
            RegValue::expand_sz("%x%"),
            RegValue {
                ty: REG_SZ,
                data: vec![b'a', 0, b'b', 0],
            },
            RegValue {
                ty: REG_SZ,
                data: vec![b'a', 0, 0],
            },
            RegValue {
                ty: REG_SZ,
                data: vec![0x00, 0xD8, b'a', 0],
            },
            RegValue {
                ty: REG_SZ,
                data: vec![b'a', 0, 0, 0, 0x00, 0xD8],
            },
            RegValue::dword(3),
        ] {
            let expected = match (v.ty, utf16le_units(&v.data)) {
                (REG_SZ | REG_EXPAND_SZ, Some(u)) => {
                    let end = u.iter().position(|&c| c == 0).unwrap_or(u.len());
                    String::from_utf16(&u[..end]).ok()
                }
                _ => None,
            };
            assert_eq!(v.as_string(), expected, "{v:?}");
        }
    }

    #[test]
    fn paths_are_checked() {
        assert!(check_path(r"SYSTEM\CurrentControlSet").is_ok());
        assert!(check_path("").is_err());
        assert!(check_path(r"a\\b").is_err());
        assert!(check_path("a\\").is_err());
        assert_eq!(split_parent(r"a\b\c"), (r"a\b", "c"));
        assert_eq!(split_parent("a"), ("", "a"));
    }
}
