//! Reading and writing registry values: lookups by case-insensitive name, absent keys read as
//! empty, and the value types Windows uses for each kind of item.

use crate::model::Page;
use crate::registry::names_equal;
use crate::{Error, RegValue, RegistryTx, Result, WinError, page_range};

use super::Values;

pub(super) fn val<'a>(values: &'a [(String, RegValue)], name: &str) -> Option<&'a RegValue> {
    values
        .iter()
        .find(|(n, _)| names_equal(n, name))
        .map(|(_, v)| v)
}

pub(super) fn dword(values: &[(String, RegValue)], name: &str) -> Option<u32> {
    val(values, name).and_then(RegValue::as_dword)
}

pub(super) fn string(values: &[(String, RegValue)], name: &str) -> Option<String> {
    val(values, name).and_then(RegValue::as_string)
}

pub(super) fn bytes(values: &[(String, RegValue)], name: &str) -> Option<Vec<u8>> {
    val(values, name).map(|v| v.data.clone())
}

pub(super) fn is_not_found(e: &Error) -> bool {
    e.code == WinError::ERROR_FILE_NOT_FOUND
}

pub(super) fn subkeys_with_values_or_empty(
    tx: &mut dyn RegistryTx,
    path: &str,
) -> Result<Vec<(String, Values)>> {
    match tx.subkeys_with_values(path) {
        Err(e) if is_not_found(&e) => Ok(Vec::new()),
        other => other,
    }
}

pub(super) fn values_or_none(tx: &mut dyn RegistryTx, path: &str) -> Result<Option<Values>> {
    match tx.values(path) {
        Ok(v) => Ok(Some(v)),
        Err(e) if is_not_found(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

pub(super) fn set_dword(tx: &mut dyn RegistryTx, path: &str, name: &str, v: u32) -> Result<()> {
    tx.set_value(path, name, &RegValue::dword(v))
}

pub(super) fn set_bool(tx: &mut dyn RegistryTx, path: &str, name: &str, v: bool) -> Result<()> {
    set_dword(tx, path, name, u32::from(v))
}

/// Sets a REG_BINARY value, or deletes it when `data` is empty (absent reads back as empty).
pub(super) fn set_binary_or_delete(
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
pub(super) fn dll_path_value(path: &str) -> RegValue {
    if path.contains('%') {
        RegValue::expand_sz(path)
    } else {
        RegValue::sz(path)
    }
}

pub(super) fn stored_data_error(e: Error, what: &str) -> Error {
    Error::new(
        WinError::ERROR_INVALID_DATA,
        format!("stored {what} is malformed: {}", e.detail),
    )
}

pub(super) fn page<T: Clone>(items: &[T], resume: u32, max_entries: u32) -> Result<Page<T>> {
    let (range, next_resume) = page_range(items.len(), resume, max_entries)?;
    let total_from_resume = u32::try_from(items.len() - range.start).unwrap_or(u32::MAX);
    Ok(Page {
        entries: items[range].to_vec(),
        total_from_resume,
        next_resume,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::{REG_EXPAND_SZ, REG_SZ};
    use crate::{MemRegistry, Registry, TxMode};

    #[test]
    fn value_lookups_ignore_case_and_type_mismatches_read_as_absent() {
        let values: Values = vec![
            ("Type".to_owned(), RegValue::dword(2)),
            ("InterfaceName".to_owned(), RegValue::sz("Edge")),
        ];
        assert_eq!(dword(&values, "TYPE"), Some(2));
        assert_eq!(string(&values, "interfacename").as_deref(), Some("Edge"));
        assert_eq!(
            dword(&values, "InterfaceName"),
            None,
            "a string is no DWORD"
        );
        assert_eq!(bytes(&values, "Missing"), None);
    }

    #[test]
    fn empty_binary_deletes_the_value_and_missing_keys_read_as_none() {
        let r = MemRegistry::new();
        r.transact(TxMode::Write, &mut |tx| {
            tx.create_key("K")?;
            set_binary_or_delete(tx, "K", "Blob", &[1, 2])?;
            assert_eq!(bytes(&tx.values("K")?, "Blob"), Some(vec![1, 2]));
            set_binary_or_delete(tx, "K", "Blob", &[])?;
            assert_eq!(tx.get_value("K", "Blob")?, None);
            assert_eq!(values_or_none(tx, r"K\Absent")?, None);
            assert!(subkeys_with_values_or_empty(tx, r"K\Absent")?.is_empty());
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn dll_paths_with_environment_variables_are_expandable_strings() {
        assert_eq!(dll_path_value(r"%SystemRoot%\x.dll").ty, REG_EXPAND_SZ);
        assert_eq!(dll_path_value(r"C:\x.dll").ty, REG_SZ);
    }
}
