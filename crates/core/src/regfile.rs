//! The Windows registry editor's text export format (`.reg`, "Windows Registry Editor Version
//! 5.00"), for backups, Windows interchange and the CLI's `export-reg` / `import-reg`.
//!
//! [`encode`] writes exactly what regedit writes: UTF-16LE with a byte-order mark, CRLF line
//! ends, one `[HKEY_LOCAL_MACHINE\path]` line per key followed by its values and a blank line,
//! and regedit's value forms and line wrapping (see [`encode`]). [`decode`] reads that back, and
//! also UTF-8 (with or without a byte-order mark, LF or CRLF), and rejects everything it does not
//! understand with `ERROR_INVALID_DATA` (13) and the line number. Values keep their raw bytes, so
//! `decode(encode(keys)) == keys` for every key set whose names contain no line break, and
//! `encode(decode(file)) == file` for files regedit wrote.
//!
//! Decisions where regedit's own behaviour is not a good model:
//! - only `HKEY_LOCAL_MACHINE` keys are accepted (compared case-insensitively, as regedit
//!   does); abbreviations such as `HKLM` are rejected, because regedit rejects them and a file
//!   we accepted should import on Windows too;
//! - deletion forms (`[-key]`, `"value"=-`) are rejected: an import never deletes;
//! - a `REG_SZ` that is not one clean NUL-terminated UTF-16 string (odd length, embedded NUL,
//!   missing terminator, unpaired surrogate) or that contains a line break is written as
//!   `hex(1):`, and a `REG_DWORD` that is not 4 bytes as `hex(4):`, so the bytes survive the
//!   round trip (regedit writes such data in forms it cannot read back);
//! - `REGEDIT4` files (ANSI, different `hex(2)` encoding) are rejected.

use crate::registry::{REG_BINARY, REG_SZ, RegValue, RegistryTx, check_path, fold};
use crate::{Error, Result, WinError};

/// One key of a .reg file: full path below `HKEY_LOCAL_MACHINE` (no `HKEY_LOCAL_MACHINE\`
/// prefix), e.g. `SYSTEM\CurrentControlSet\Services\RemoteAccess\Interfaces\0`, and its values
/// in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegKey {
    /// Full key path below `HKEY_LOCAL_MACHINE`, `\`-separated.
    pub path: String,
    /// The key's values in file (or stored) order; the empty name is the default value (`@`).
    pub values: Vec<(String, RegValue)>,
}

/// The first line of every file regedit writes.
pub const HEADER: &str = "Windows Registry Editor Version 5.00";

const HIVE: &str = "HKEY_LOCAL_MACHINE";

/// Regedit starts a new line once the current one holds this many characters (counted before
/// the `\` continuation mark), so no line exceeds 80 characters.
const WRAP_AT: usize = 77;

/// Encodes keys as regedit writes them: the header, a blank line, then for each key (in the
/// given order) `[HKEY_LOCAL_MACHINE\path]`, one line per value and a blank line; UTF-16LE
/// with a byte-order mark and CRLF line ends.
///
/// Value forms: `"name"="text"` (`REG_SZ`, `\` and `"` escaped), `@=` for the default value,
/// `dword:0000abcd` (`REG_DWORD`), `hex:` (`REG_BINARY`) and `hex(N):` for every other type
/// (`N` in lowercase hex: `hex(2)` expand string, `hex(7)` multi string, `hex(b)` QWORD,
/// `hex(0)` none). Hex bytes are lowercase and comma-separated; after each comma, once the line
/// has reached 77 characters, the line ends with `\` and the next one starts with two spaces.
/// So the first line of a value holds `ceil((77 - prefix) / 3)` bytes (at least one), where
/// `prefix` is the length of `"name"=hex:` (or `hex(N):`), and every continuation line 25.
///
/// Key paths and value names must not contain line breaks: the format has no escape for them.
pub fn encode(keys: &[RegKey]) -> Vec<u8> {
    let mut text = String::with_capacity(64 + keys.len() * 256);
    text.push_str(HEADER);
    text.push_str("\r\n\r\n");
    for key in keys {
        text.push('[');
        text.push_str(HIVE);
        text.push('\\');
        text.push_str(&key.path);
        text.push_str("]\r\n");
        for (name, value) in &key.values {
            encode_value(&mut text, name, value);
        }
        text.push_str("\r\n");
    }
    let mut out = Vec::with_capacity(2 + text.len() * 2);
    out.extend_from_slice(&[0xFF, 0xFE]);
    for unit in text.encode_utf16() {
        out.extend_from_slice(&unit.to_le_bytes());
    }
    out
}

/// Appends `s` with `\` and `"` escaped; returns the number of UTF-16 units written, which is
/// how regedit measures line length.
fn push_escaped(out: &mut String, s: &str) -> usize {
    let mut units = 0;
    for c in s.chars() {
        if c == '\\' || c == '"' {
            out.push('\\');
            units += 1;
        }
        out.push(c);
        units += c.len_utf16();
    }
    units
}

/// The text of a `REG_SZ` that regedit's quoted form can carry exactly: one NUL terminator,
/// no other NUL, valid UTF-16, and no line break.
fn clean_sz(data: &[u8]) -> Option<String> {
    if data.len() < 2 || !data.len().is_multiple_of(2) {
        return None;
    }
    let units: Vec<u16> = data
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let (last, body) = units.split_last()?;
    if *last != 0 || body.contains(&0) {
        return None;
    }
    let s = String::from_utf16(body).ok()?;
    if s.contains(['\r', '\n']) {
        return None;
    }
    Some(s)
}

fn encode_value(out: &mut String, name: &str, value: &RegValue) {
    let mut line_len = if name.is_empty() {
        out.push('@');
        1
    } else {
        out.push('"');
        let n = push_escaped(out, name);
        out.push('"');
        n + 2
    };
    out.push('=');
    line_len += 1;

    if value.ty == REG_SZ
        && let Some(s) = clean_sz(&value.data)
    {
        out.push('"');
        push_escaped(out, &s);
        out.push_str("\"\r\n");
        return;
    }
    if let Some(v) = value.as_dword() {
        out.push_str(&format!("dword:{v:08x}\r\n"));
        return;
    }
    let prefix = if value.ty == REG_BINARY {
        "hex:".to_string()
    } else {
        format!("hex({:x}):", value.ty)
    };
    out.push_str(&prefix);
    line_len += prefix.len();
    push_hex_bytes(out, &value.data, line_len);
    out.push_str("\r\n");
}

/// Writes comma-separated hex bytes, wrapping the way regedit does (see [`encode`]).
fn push_hex_bytes(out: &mut String, data: &[u8], mut line_len: usize) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for (i, b) in data.iter().enumerate() {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0xF)] as char);
        if i + 1 == data.len() {
            break;
        }
        out.push(',');
        line_len += 3;
        if line_len >= WRAP_AT {
            out.push_str("\\\r\n  ");
            line_len = 2;
        }
    }
}

fn bad(line: usize, what: impl std::fmt::Display) -> Error {
    Error::new(
        WinError::ERROR_INVALID_DATA,
        format!(".reg line {line}: {what}"),
    )
}

/// 1-based line number of the character at byte offset `pos` of `text`.
fn line_of(text: &str, pos: usize) -> usize {
    text.as_bytes()[..pos.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The file's text: UTF-16LE after an `FF FE` mark, else UTF-8 (an `EF BB BF` mark is skipped).
fn file_text(bytes: &[u8]) -> Result<String> {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        let mut text = String::with_capacity(units.len());
        for r in char::decode_utf16(units.iter().copied()) {
            match r {
                Ok(c) => text.push(c),
                Err(_) => return Err(bad(line_of(&text, text.len()), "unpaired UTF-16 surrogate")),
            }
        }
        if rest.len() % 2 != 0 {
            return Err(bad(
                line_of(&text, text.len()),
                "UTF-16 text ends in the middle of a character",
            ));
        }
        return Ok(text);
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(bad(
            1,
            "UTF-16 big-endian files are not supported (regedit writes UTF-16LE)",
        ));
    }
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => {
            let good = std::str::from_utf8(&body[..e.valid_up_to()]).unwrap_or_default();
            Err(bad(
                line_of(good, good.len()),
                "invalid UTF-8 (the file is neither UTF-16LE with a byte-order mark nor UTF-8)",
            ))
        }
    }
}

fn trim_ws(s: &str) -> &str {
    s.trim_matches([' ', '\t'])
}

/// Parses a quoted string starting at `s[0] == '"'` with regedit's escapes (`\\`, `\"`);
/// returns the text and the rest after the closing quote.
fn parse_quoted<'a>(s: &'a str, line: usize, what: &str) -> Result<(String, &'a str)> {
    let mut out = String::new();
    let mut chars = s.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((out, &s[i + 1..])),
            '\\' => match chars.next() {
                Some((_, e @ ('\\' | '"'))) => out.push(e),
                Some((_, e)) => return Err(bad(line, format!("unknown escape \\{e} in {what}"))),
                None => break,
            },
            c => out.push(c),
        }
    }
    Err(bad(line, format!("{what} has no closing quote")))
}

fn parse_hex_u32(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 8 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(s, 16).ok()
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    match s.get(..prefix.len()) {
        Some(head) if head.eq_ignore_ascii_case(prefix) => Some(&s[prefix.len()..]),
        _ => None,
    }
}

/// Parses the data of a value line (everything after `=`, continuation lines joined).
fn parse_data(data: &str, line: usize) -> Result<RegValue> {
    if data.starts_with('"') {
        let (text, rest) = parse_quoted(data, line, "string value")?;
        if !trim_ws(rest).is_empty() {
            return Err(bad(
                line,
                format!(
                    "unexpected text after the string value: {:?}",
                    trim_ws(rest)
                ),
            ));
        }
        return Ok(RegValue::sz(&text));
    }
    if data.starts_with('-') {
        return Err(bad(
            line,
            "value deletion (\"name\"=-) is not supported by import",
        ));
    }
    if let Some(digits) = strip_prefix_ci(data, "dword:") {
        let v = parse_hex_u32(trim_ws(digits)).ok_or_else(|| {
            bad(
                line,
                format!(
                    "dword value must be 1 to 8 hex digits, found {:?}",
                    trim_ws(digits)
                ),
            )
        })?;
        return Ok(RegValue::dword(v));
    }
    if let Some(rest) = strip_prefix_ci(data, "hex") {
        let (ty, list) = if let Some(rest) = rest.strip_prefix(':') {
            (REG_BINARY, rest)
        } else if let Some(rest) = rest.strip_prefix('(') {
            let close = rest
                .find(')')
                .ok_or_else(|| bad(line, "hex(N): has no closing parenthesis"))?;
            let ty = parse_hex_u32(&rest[..close]).ok_or_else(|| {
                bad(
                    line,
                    format!(
                        "hex(N): type must be 1 to 8 hex digits, found {:?}",
                        &rest[..close]
                    ),
                )
            })?;
            let list = rest[close + 1..]
                .strip_prefix(':')
                .ok_or_else(|| bad(line, "expected ':' after hex(N)"))?;
            (ty, list)
        } else {
            return Err(bad(line, "expected hex: or hex(N):"));
        };
        return Ok(RegValue {
            ty,
            data: parse_hex_list(list, line)?,
        });
    }
    Err(bad(
        line,
        format!(
            "unrecognised value data {:?}",
            data.chars().take(40).collect::<String>()
        ),
    ))
}

fn parse_hex_list(list: &str, line: usize) -> Result<Vec<u8>> {
    let list = trim_ws(list);
    if list.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::with_capacity(list.len() / 3 + 1);
    for item in list.split(',') {
        let item = trim_ws(item);
        if item.is_empty() || item.len() > 2 || !item.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad(
                line,
                format!("expected a hex byte (00-ff) in the byte list, found {item:?}"),
            ));
        }
        out.push(u8::from_str_radix(item, 16).map_err(|_| bad(line, "bad hex byte"))?);
    }
    Ok(out)
}

const OTHER_HIVES: &[&str] = &[
    "HKEY_CLASSES_ROOT",
    "HKEY_CURRENT_USER",
    "HKEY_USERS",
    "HKEY_CURRENT_CONFIG",
    "HKEY_PERFORMANCE_DATA",
    "HKEY_DYN_DATA",
];

fn parse_key_line(text: &str, line: usize) -> Result<String> {
    if text.starts_with("[-") {
        return Err(bad(
            line,
            "key deletion ([-key]) is not supported by import",
        ));
    }
    let inner = text[1..]
        .strip_suffix(']')
        .ok_or_else(|| bad(line, "key line does not end with ']'"))?;
    let (hive, path) = inner.split_once('\\').unwrap_or((inner, ""));
    if !hive.eq_ignore_ascii_case(HIVE) {
        let msg = if OTHER_HIVES.iter().any(|h| h.eq_ignore_ascii_case(hive)) {
            format!("only {HIVE} keys can be imported, found {hive}")
        } else if hive.eq_ignore_ascii_case("HKLM") {
            format!("write the root key as {HIVE}, not HKLM (regedit accepts only full names)")
        } else {
            format!("unknown root key {hive:?}, expected {HIVE}")
        };
        return Err(bad(line, msg));
    }
    if path.is_empty() {
        return Err(bad(
            line,
            format!("the {HIVE} root itself cannot be imported; name a key below it"),
        ));
    }
    check_path(path).map_err(|e| bad(line, e.detail))?;
    Ok(path.to_string())
}

/// Decodes a .reg file (UTF-16LE with byte-order mark, or UTF-8 with or without one; CRLF or
/// LF line ends). Keys are returned in file order, each with its values in file order; a key
/// that appears twice gives two entries, as regedit would apply both.
///
/// Blank lines and `;` comment lines are ignored. Anything else that is not the header, a key
/// line, a value line (with `\` continuation lines for hex data) is malformed: the result is
/// `ERROR_INVALID_DATA` (13) with the line number in the detail. So are other hives than
/// `HKEY_LOCAL_MACHINE`, deletion forms, unknown escapes, and bytes that are not valid text.
pub fn decode(bytes: &[u8]) -> Result<Vec<RegKey>> {
    let text = file_text(bytes)?;
    let mut lines = text
        .split('\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.strip_suffix('\r').unwrap_or(l)));

    let first = lines.next().map(|(_, l)| trim_ws(l)).unwrap_or_default();
    if first != HEADER {
        let msg = if first == "REGEDIT4" {
            format!("REGEDIT4 files are not supported; expected {HEADER:?}")
        } else {
            format!("expected the header {HEADER:?}")
        };
        return Err(bad(1, msg));
    }

    let mut keys: Vec<RegKey> = Vec::new();
    while let Some((n, raw)) = lines.next() {
        if raw.contains(['\r', '\0']) {
            return Err(bad(n, "stray carriage return or NUL character"));
        }
        let line = trim_ws(raw);
        if line.is_empty() || line.starts_with(';') {
            continue;
        }
        if line.starts_with('[') {
            keys.push(RegKey {
                path: parse_key_line(line, n)?,
                values: Vec::new(),
            });
            continue;
        }
        let (name, rest) = if let Some(rest) = line.strip_prefix('@') {
            (String::new(), rest)
        } else if line.starts_with('"') {
            parse_quoted(line, n, "value name")?
        } else {
            return Err(bad(
                n,
                format!(
                    "expected a [key], a \"value\"= line or a comment, found {:?}",
                    line.chars().take(40).collect::<String>()
                ),
            ));
        };
        let Some(key) = keys.last_mut() else {
            return Err(bad(n, "value line before the first [key] line"));
        };
        let rest = trim_ws(rest);
        let data = rest
            .strip_prefix('=')
            .ok_or_else(|| bad(n, "expected '=' after the value name"))?;
        let mut data = trim_ws(data).to_string();
        if strip_prefix_ci(&data, "hex").is_some() {
            while data.ends_with('\\') {
                data.pop();
                let Some((m, next)) = lines.next() else {
                    return Err(bad(n, "the file ends inside a continued hex value"));
                };
                if next.contains(['\r', '\0']) {
                    return Err(bad(m, "stray carriage return or NUL character"));
                }
                data.push_str(trim_ws(next));
            }
        }
        key.values.push((name, parse_data(&data, n)?));
    }
    Ok(keys)
}

/// Regedit's subkey order: case-insensitive ascending, comparing the upper-cased UTF-16 code
/// units the way the registry orders a key's subkey list.
fn regedit_order(a: &str, b: &str) -> std::cmp::Ordering {
    fold(a).encode_utf16().cmp(fold(b).encode_utf16())
}

/// The key `root` and all its descendants, parents before children (depth first, as regedit
/// exports), subkeys sorted like regedit (case-insensitive ascending), values in stored order.
/// Paths are `root` as given followed by the stored subkey names.
/// `ERROR_FILE_NOT_FOUND` (2) if `root` is missing; `ERROR_INVALID_PARAMETER` if it is not a
/// valid path; `ERROR_INVALID_DATA` (13) if a key or value name contains a line break, which
/// the format cannot carry (written out, it would end the line and change the file's meaning).
pub fn export_tree(tx: &mut dyn RegistryTx, root: &str) -> Result<Vec<RegKey>> {
    check_path(root)?;
    if !tx.key_exists(root)? {
        return Err(Error::new(
            WinError::ERROR_FILE_NOT_FOUND,
            format!("registry key {root} does not exist"),
        ));
    }
    let values = tx.values(root)?;
    let mut out = Vec::new();
    let mut pending = vec![(root.to_string(), values)];
    while let Some((path, values)) = pending.pop() {
        check_exportable(&path, &values)?;
        let mut children = tx.subkeys_with_values(&path)?;
        children.sort_by(|a, b| regedit_order(&a.0, &b.0));
        // Pushed in reverse so that the first child is exported next (pre-order).
        for (name, child_values) in children.into_iter().rev() {
            pending.push((format!("{path}\\{name}"), child_values));
        }
        out.push(RegKey { path, values });
    }
    Ok(out)
}

fn check_exportable(path: &str, values: &[(String, RegValue)]) -> Result<()> {
    let breaks = |s: &str| s.contains(['\r', '\n']);
    let what = if breaks(path) {
        format!("key {path:?}")
    } else if let Some((name, _)) = values.iter().find(|(name, _)| breaks(name)) {
        format!("value {name:?} of key {path}")
    } else {
        return Ok(());
    };
    Err(Error::new(
        WinError::ERROR_INVALID_DATA,
        format!("{what} has a line break in its name, which a .reg file cannot hold"),
    ))
}

/// Creates every key (and missing parents) and sets every value, in order; a value set twice
/// keeps the last data. Does not delete anything. Run it inside one write transaction to make
/// an import all-or-nothing. Errors name the key they concern.
pub fn import_keys(tx: &mut dyn RegistryTx, keys: &[RegKey]) -> Result<()> {
    for key in keys {
        let ctx = || format!("importing [{HIVE}\\{}]", key.path);
        check_path(&key.path).map_err(|e| e.context(ctx()))?;
        tx.create_key(&key.path).map_err(|e| e.context(ctx()))?;
        for (name, value) in &key.values {
            tx.set_value(&key.path, name, value)
                .map_err(|e| e.context(ctx()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::{REG_DWORD, REG_EXPAND_SZ, REG_MULTI_SZ, REG_NONE, REG_QWORD};

    fn text_of(keys: &[RegKey]) -> String {
        let bytes = encode(keys);
        assert_eq!(&bytes[..2], &[0xFF, 0xFE]);
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16(&units).unwrap()
    }

    fn one(name: &str, value: RegValue) -> Vec<RegKey> {
        vec![RegKey {
            path: "A".into(),
            values: vec![(name.into(), value)],
        }]
    }

    fn value_line(name: &str, value: RegValue) -> String {
        let t = text_of(&one(name, value));
        let body = t
            .strip_prefix("Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\A]\r\n")
            .unwrap();
        body.strip_suffix("\r\n\r\n").unwrap().to_string()
    }

    #[test]
    fn empty_key_list_is_header_and_blank_line() {
        assert_eq!(text_of(&[]), "Windows Registry Editor Version 5.00\r\n\r\n");
        assert_eq!(decode(&encode(&[])).unwrap(), vec![]);
    }

    #[test]
    fn type_forms_follow_regedit() {
        assert_eq!(value_line("", RegValue::sz("x")), "@=\"x\"");
        assert_eq!(
            value_line("n", RegValue::dword(0xabcd)),
            "\"n\"=dword:0000abcd"
        );
        assert_eq!(
            value_line("n", RegValue::binary(vec![1, 0xAB])),
            "\"n\"=hex:01,ab"
        );
        assert_eq!(
            value_line("n", RegValue::expand_sz("a")),
            "\"n\"=hex(2):61,00,00,00"
        );
        assert_eq!(
            value_line("n", RegValue::multi_sz(&["a"])),
            "\"n\"=hex(7):61,00,00,00,00,00"
        );
        assert_eq!(
            value_line("n", RegValue::qword(1)),
            "\"n\"=hex(b):01,00,00,00,00,00,00,00"
        );
        assert_eq!(
            value_line(
                "n",
                RegValue {
                    ty: REG_NONE,
                    data: vec![]
                }
            ),
            "\"n\"=hex(0):"
        );
        assert_eq!(
            value_line(
                "n",
                RegValue {
                    ty: 0x1234_5678,
                    data: vec![9]
                }
            ),
            "\"n\"=hex(12345678):09"
        );
        assert_eq!(value_line("n", RegValue::binary(vec![])), "\"n\"=hex:");
        let _ = (REG_EXPAND_SZ, REG_MULTI_SZ, REG_QWORD);
    }

    #[test]
    fn unclean_strings_and_odd_dwords_fall_back_to_hex() {
        assert_eq!(
            value_line(
                "n",
                RegValue {
                    ty: REG_SZ,
                    data: vec![0x61, 0]
                }
            ),
            "\"n\"=hex(1):61,00"
        );
        assert_eq!(
            value_line(
                "n",
                RegValue {
                    ty: REG_SZ,
                    data: vec![0x61, 0, 0]
                }
            ),
            "\"n\"=hex(1):61,00,00"
        );
        assert_eq!(
            value_line(
                "n",
                RegValue {
                    ty: REG_SZ,
                    data: vec![0, 0, 0x61, 0, 0, 0]
                }
            ),
            "\"n\"=hex(1):00,00,61,00,00,00"
        );
        assert_eq!(
            value_line(
                "n",
                RegValue {
                    ty: REG_SZ,
                    data: vec![]
                }
            ),
            "\"n\"=hex(1):"
        );
        assert_eq!(
            value_line("n", RegValue::sz("a\r\nb")),
            "\"n\"=hex(1):61,00,0d,00,0a,00,62,00,00,00"
        );
        assert_eq!(
            value_line(
                "n",
                RegValue {
                    ty: REG_DWORD,
                    data: vec![1, 2, 3]
                }
            ),
            "\"n\"=hex(4):01,02,03"
        );
        assert_eq!(value_line("n", RegValue::sz("")), "\"n\"=\"\"");
    }

    #[test]
    fn quotes_and_backslashes_are_escaped_in_names_and_data() {
        assert_eq!(
            value_line("a\"b\\c", RegValue::sz("%x%\\y\"")),
            "\"a\\\"b\\\\c\"=\"%x%\\\\y\\\"\""
        );
    }
}
