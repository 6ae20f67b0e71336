//! Whole-configuration commands: `backup`, `restore`, `export-reg`, `import-reg`, and `trust`.
//!
//! `export-reg` and `import-reg` go through the backup format (the `.reg` text of the
//! configuration keys), so they work the same on a local store and on a remote `mprd`:
//! export takes a backup and keeps the `RemoteAccess` tree; import takes a backup, replaces the
//! subtrees the file contains, and restores the result, which the configuration validates
//! completely and applies in one transaction.

use std::io::Write;
use std::path::Path;

use mprconfig::layout::{BACKUP_ROOTS, REMOTE_ACCESS};
use mprconfig::regfile::{self, RegKey};
use mprconfig::registry::{fold, names_equal};
use mprconfig::{Connection, Error, Result, WinError};
use serde_json::json;

use crate::output::{Output, Progress};

fn under(path: &str, root: &str) -> bool {
    let (p, r) = (fold(path), fold(root));
    p == r
        || p.strip_prefix(&r)
            .is_some_and(|rest| rest.starts_with('\\'))
}

fn read_input(file: &str) -> Result<Vec<u8>> {
    // Standard input is read once per process (fan-out gives every router the same bytes).
    crate::input::read(file)
}

/// `backup FILE`
pub fn backup(conn: &Connection, file: &str) -> Result<Output> {
    let _p = Progress::start("writing backup…");
    let path = conn.backup_to(file)?;
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    Ok(Output::done(
        format!("configuration saved to {} ({bytes} bytes)", path.display()),
        json!({ "file": path.display().to_string(), "bytes": bytes }),
    ))
}

/// `restore FILE`
pub fn restore(conn: &Connection, file: &str) -> Result<Output> {
    let _p = Progress::start("restoring configuration…");
    conn.restore_from(file)?;
    let interfaces = conn.interfaces()?.len();
    Ok(Output::done(
        format!("configuration restored from {file} ({interfaces} interfaces)"),
        json!({ "file": file, "interfaces": interfaces }),
    ))
}

/// The `RemoteAccess` keys of the current configuration, in regedit's export order.
pub fn remote_access_keys(conn: &Connection) -> Result<Vec<RegKey>> {
    let backup = conn.backup()?;
    let keys = regfile::decode(&backup)
        .map_err(|e| e.context("the configuration's backup could not be read back"))?;
    Ok(keys
        .into_iter()
        .filter(|k| under(&k.path, REMOTE_ACCESS))
        .collect())
}

/// `export-reg FILE`
pub fn export_reg(conn: &Connection, file: &str) -> Result<Output> {
    let p = Progress::start("exporting…");
    let keys = remote_access_keys(conn)?;
    p.step(&format!("writing {} keys…", keys.len()));
    let bytes = regfile::encode(&keys);
    if file == "-" {
        std::io::stdout().write_all(&bytes).map_err(|e| {
            Error::new(
                WinError::ERROR_CANTWRITE,
                format!("writing standard output: {e}"),
            )
        })?;
        return Ok(Output::done("", json!(null)));
    }
    mprconfig::store::write_file_atomic(Path::new(file), &bytes)?;
    Ok(Output::done(
        format!(
            "exported {} keys to {file} ({} bytes)",
            keys.len(),
            bytes.len()
        ),
        json!({ "file": file, "keys": keys.len(), "bytes": bytes.len() }),
    ))
}

/// Merges repeated sections of one key (regedit applies them in order; a later value of the
/// same name wins), keeping first-appearance order.
fn merge_sections(keys: Vec<RegKey>) -> Vec<RegKey> {
    let mut out: Vec<RegKey> = Vec::with_capacity(keys.len());
    let mut index = std::collections::HashMap::new();
    for key in keys {
        match index.get(&fold(&key.path)) {
            Some(&i) => {
                let target: &mut RegKey = &mut out[i];
                for (name, value) in key.values {
                    match target
                        .values
                        .iter_mut()
                        .find(|(n, _)| names_equal(n, &name))
                    {
                        Some(slot) => slot.1 = value,
                        None => target.values.push((name, value)),
                    }
                }
            }
            None => {
                index.insert(fold(&key.path), out.len());
                out.push(key);
            }
        }
    }
    out
}

/// The configuration after importing `file_keys` into `current`: each topmost key of the file
/// (one whose parent the file does not contain) replaces that key's whole subtree.
pub fn merge_import(
    current: Vec<RegKey>,
    file_keys: Vec<RegKey>,
) -> Result<(Vec<RegKey>, Vec<String>)> {
    for k in &file_keys {
        if !BACKUP_ROOTS.iter().any(|r| under(&k.path, r)) {
            return Err(Error::new(
                WinError::ERROR_INVALID_DATA,
                format!(
                    "key [HKEY_LOCAL_MACHINE\\{}] is outside the router configuration; export only the \
                     {REMOTE_ACCESS} key from Windows",
                    k.path
                ),
            ));
        }
    }
    let file_keys = merge_sections(file_keys);
    let present: std::collections::HashSet<String> =
        file_keys.iter().map(|k| fold(&k.path)).collect();
    let tops: Vec<String> = file_keys
        .iter()
        .filter(|k| {
            let (parent, _) = mprconfig::registry::split_parent(&k.path);
            parent.is_empty() || !present.contains(&fold(parent))
        })
        .map(|k| k.path.clone())
        .collect();
    let mut merged: Vec<RegKey> = current
        .into_iter()
        .filter(|k| !tops.iter().any(|t| under(&k.path, t)))
        .collect();
    merged.extend(file_keys);
    Ok((merged, tops))
}

/// `import-reg FILE`
pub fn import_reg(conn: &Connection, file: &str) -> Result<Output> {
    let p = Progress::start("reading…");
    let bytes = read_input(file)?;
    p.step("decoding…");
    let file_keys = regfile::decode(&bytes)?;
    if file_keys.is_empty() {
        return Err(Error::new(
            WinError::ERROR_INVALID_DATA,
            "the file contains no keys",
        ));
    }
    let count = file_keys.len();
    p.step(&format!("merging {count} keys…"));
    let current = regfile::decode(&conn.backup()?)
        .map_err(|e| e.context("the configuration's backup could not be read back"))?;
    let (merged, tops) = merge_import(current, file_keys)?;
    p.step(&format!("validating and importing {count} keys…"));
    conn.restore(&regfile::encode(&merged))?;
    let interfaces = conn.interfaces()?.len();
    Ok(Output::done(
        format!(
            "imported {count} keys from {file}, replacing {} ({interfaces} interfaces now)",
            tops.join(", ")
        ),
        json!({ "file": file, "keys": count, "replaced": tops, "interfaces": interfaces }),
    ))
}

/// `trust HOST[:PORT]`: fetches the certificate fingerprint without trusting it, pins it in
/// `known_hosts`, and shows it so it can be compared with the one `mprd` printed.
pub fn trust(host: &str) -> Result<Output> {
    let fp = mprconfig::trust_host(host)?;
    Ok(Output::done(
        format!(
            "trusted {host}: certificate fingerprint sha256:{fp}\ncompare it with the fingerprint mprd printed at start"
        ),
        json!({ "server": host, "fingerprint": fp }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use mprconfig::RegValue;

    fn k(path: &str, v: &[(&str, u32)]) -> RegKey {
        RegKey {
            path: path.into(),
            values: v
                .iter()
                .map(|(n, x)| (n.to_string(), RegValue::dword(*x)))
                .collect(),
        }
    }

    const RA: &str = r"SYSTEM\CurrentControlSet\Services\RemoteAccess";

    #[test]
    fn import_replaces_the_subtrees_the_file_holds_and_keeps_the_rest() {
        let current = vec![
            k(RA, &[("ConfigurationFlags", 1)]),
            k(&format!(r"{RA}\Interfaces"), &[]),
            k(&format!(r"{RA}\Interfaces\0"), &[("Type", 5)]),
            k(&format!(r"{RA}\Interfaces\7"), &[("Type", 3)]),
            k(&format!(r"{RA}\RouterManagers"), &[]),
            k(
                r"SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters",
                &[("UseHttps", 1)],
            ),
        ];
        let file = vec![
            k(&format!(r"{RA}\INTERFACES"), &[("Stamp", 0)]),
            k(&format!(r"{RA}\Interfaces\0"), &[("Type", 4)]),
            k(
                &format!(r"{RA}\Interfaces\0"),
                &[("Type", 5), ("Enabled", 1)],
            ),
        ];
        let (merged, tops) = merge_import(current, file).unwrap();
        assert_eq!(tops, vec![format!(r"{RA}\INTERFACES")]);
        let paths: Vec<&str> = merged.iter().map(|k| k.path.as_str()).collect();
        assert_eq!(
            paths,
            vec![
                RA,
                &format!(r"{RA}\RouterManagers"),
                r"SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters",
                &format!(r"{RA}\INTERFACES"),
                &format!(r"{RA}\Interfaces\0"),
            ]
        );
        assert_eq!(
            merged[4].values,
            vec![
                ("Type".into(), RegValue::dword(5)),
                ("Enabled".into(), RegValue::dword(1))
            ]
        );
    }

    #[test]
    fn keys_outside_the_configuration_are_refused() {
        let e = merge_import(vec![], vec![k(r"SOFTWARE\Evil", &[])]).unwrap_err();
        assert_eq!(e.code, WinError::ERROR_INVALID_DATA);
        assert!(e.detail.contains(r"SOFTWARE\Evil"));
        // A sibling whose name merely starts like a root is outside too.
        assert!(
            merge_import(
                vec![],
                vec![k(r"SYSTEM\CurrentControlSet\Services\RemoteAccessX", &[])]
            )
            .is_err()
        );
    }
}
