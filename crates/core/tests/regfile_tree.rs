//! `export_tree` and `import_keys` over the `RegistryTx` contract: regedit's key order,
//! parents first, values in stored order, imports that create parents and never delete.

mod regfile_support;

use mprconfig_core::WinError;
use mprconfig_core::regfile::{RegKey, decode, encode, export_tree, import_keys};
use mprconfig_core::registry::{RegValue, RegistryTx};
use regfile_support::TreeTx;

fn paths(keys: &[RegKey]) -> Vec<&str> {
    keys.iter().map(|k| k.path.as_str()).collect()
}

#[test]
fn export_lists_parents_first_with_subkeys_sorted_case_insensitively() {
    let mut tx = TreeTx::default();
    // Created deliberately out of order.
    for p in [
        r"R\b",
        r"R\Interfaces\2",
        r"R\Interfaces\10",
        r"R\Interfaces\1",
        r"R\a\z",
        r"R\a\Y",
        r"R\C",
        r"R\Interfaces\0\Ip",
    ] {
        tx.create_key(p).unwrap();
    }
    let keys = export_tree(&mut tx, "R").unwrap();
    assert_eq!(
        paths(&keys),
        vec![
            "R",
            r"R\a",
            r"R\a\Y",
            r"R\a\z",
            r"R\b",
            r"R\C",
            r"R\Interfaces",
            r"R\Interfaces\0",
            r"R\Interfaces\0\Ip",
            r"R\Interfaces\1",
            r"R\Interfaces\10",
            r"R\Interfaces\2",
        ]
    );
}

#[test]
fn export_orders_by_upper_case_like_the_registry() {
    // '_' (0x5F) sorts between upper- and lower-case letters: upper-cased names give
    // AB < AB1 < A_, where a plain comparison would give AB < a_ < ab1.
    let mut tx = TreeTx::default();
    for p in [r"R\a_", r"R\AB", r"R\ab1"] {
        tx.create_key(p).unwrap();
    }
    let keys = export_tree(&mut tx, "R").unwrap();
    assert_eq!(paths(&keys), vec!["R", r"R\AB", r"R\ab1", r"R\a_"]);
}

#[test]
fn export_keeps_values_in_stored_order_and_root_spelling() {
    let mut tx = TreeTx::default();
    tx.create_key(r"SYSTEM\RemoteAccess\Parameters").unwrap();
    let p = r"SYSTEM\RemoteAccess\Parameters";
    tx.set_value(p, "Z", &RegValue::dword(1)).unwrap();
    tx.set_value(p, "a", &RegValue::sz("x")).unwrap();
    tx.set_value(p, "", &RegValue::sz("default")).unwrap();
    let keys = export_tree(&mut tx, r"system\remoteaccess").unwrap();
    assert_eq!(keys[0].path, r"system\remoteaccess");
    assert_eq!(keys[1].path, r"system\remoteaccess\Parameters");
    let names: Vec<&str> = keys[1].values.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, vec!["Z", "a", ""]);
}

#[test]
fn export_of_a_missing_root_is_file_not_found() {
    let mut tx = TreeTx::default();
    tx.create_key("A").unwrap();
    assert_eq!(
        export_tree(&mut tx, r"A\missing").unwrap_err().code,
        WinError::ERROR_FILE_NOT_FOUND
    );
    assert_eq!(
        export_tree(&mut tx, r"A\\B").unwrap_err().code,
        WinError::ERROR_INVALID_PARAMETER
    );
    assert_eq!(
        export_tree(&mut tx, "").unwrap_err().code,
        WinError::ERROR_INVALID_PARAMETER
    );
}

#[test]
fn export_refuses_names_with_line_breaks_as_invalid_data() {
    // The format has no escape for a line break in a name: written out, it would end the line.
    for (key, value) in [("R\\a\nb", "v"), ("R\\a\rb", "v"), ("R\\ok", "x\r\ny")] {
        let mut tx = TreeTx::default();
        tx.create_key(key).unwrap();
        tx.set_value(key, value, &RegValue::dword(1)).unwrap();
        let e = export_tree(&mut tx, "R").unwrap_err();
        assert_eq!(e.code, WinError::ERROR_INVALID_DATA, "{key:?} {value:?}");
    }
    // Line breaks in the data are fine (written as hex).
    let mut tx = TreeTx::default();
    tx.create_key("R").unwrap();
    tx.set_value("R", "v", &RegValue::sz("a\r\nb")).unwrap();
    let keys = export_tree(&mut tx, "R").unwrap();
    assert_eq!(decode(&encode(&keys)).unwrap(), keys);
}

#[test]
fn import_creates_missing_parents_sets_values_and_deletes_nothing() {
    let mut tx = TreeTx::default();
    tx.create_key(r"R\Old").unwrap();
    tx.set_value("R", "keep", &RegValue::dword(7)).unwrap();
    let keys = vec![
        RegKey {
            path: r"R\New\Deep\Er".into(),
            values: vec![("v".into(), RegValue::sz("1"))],
        },
        RegKey {
            path: "R".into(),
            values: vec![("added".into(), RegValue::binary(vec![1, 2]))],
        },
        RegKey {
            path: r"r\new\deep\er".into(),
            values: vec![("V".into(), RegValue::sz("2"))],
        },
    ];
    import_keys(&mut tx, &keys).unwrap();
    assert!(tx.key_exists(r"R\Old").unwrap());
    assert!(tx.key_exists(r"R\New\Deep").unwrap());
    assert_eq!(tx.get_value("R", "keep").unwrap(), Some(RegValue::dword(7)));
    assert_eq!(
        tx.get_value("R", "added").unwrap(),
        Some(RegValue::binary(vec![1, 2]))
    );
    // Set twice: the later one wins.
    assert_eq!(
        tx.get_value(r"R\New\Deep\Er", "v").unwrap(),
        Some(RegValue::sz("2"))
    );
    assert_eq!(tx.sets, 1 + 3);
}

#[test]
fn import_rejects_invalid_paths_naming_the_key() {
    let mut tx = TreeTx::default();
    let keys = vec![
        RegKey {
            path: "ok".into(),
            values: vec![],
        },
        RegKey {
            path: r"bad\\path".into(),
            values: vec![],
        },
    ];
    let e = import_keys(&mut tx, &keys).unwrap_err();
    assert_eq!(e.code, WinError::ERROR_INVALID_PARAMETER);
    assert!(
        e.detail
            .contains(r"importing [HKEY_LOCAL_MACHINE\bad\\path]"),
        "{}",
        e.detail
    );
}

#[test]
fn import_passes_store_errors_through_with_context() {
    /// A store that refuses every write, like a read transaction.
    struct ReadOnly(TreeTx);
    impl RegistryTx for ReadOnly {
        fn key_exists(&mut self, p: &str) -> mprconfig_core::Result<bool> {
            self.0.key_exists(p)
        }
        fn create_key(&mut self, _: &str) -> mprconfig_core::Result<bool> {
            Err(WinError::ERROR_ACCESS_DENIED.into())
        }
        fn delete_key_tree(&mut self, p: &str) -> mprconfig_core::Result<bool> {
            self.0.delete_key_tree(p)
        }
        fn subkeys(&mut self, p: &str) -> mprconfig_core::Result<Vec<String>> {
            self.0.subkeys(p)
        }
        fn get_value(&mut self, p: &str, n: &str) -> mprconfig_core::Result<Option<RegValue>> {
            self.0.get_value(p, n)
        }
        fn set_value(&mut self, _: &str, _: &str, _: &RegValue) -> mprconfig_core::Result<()> {
            Err(WinError::ERROR_ACCESS_DENIED.into())
        }
        fn delete_value(&mut self, p: &str, n: &str) -> mprconfig_core::Result<bool> {
            self.0.delete_value(p, n)
        }
        fn values(&mut self, p: &str) -> mprconfig_core::Result<Vec<(String, RegValue)>> {
            self.0.values(p)
        }
        fn generation(&mut self) -> mprconfig_core::Result<u64> {
            Ok(0)
        }
    }
    let mut tx = ReadOnly(TreeTx::default());
    let e = import_keys(
        &mut tx,
        &[RegKey {
            path: "A".into(),
            values: vec![],
        }],
    )
    .unwrap_err();
    assert_eq!(e.code, WinError::ERROR_ACCESS_DENIED);
    assert_eq!(e.detail, r"importing [HKEY_LOCAL_MACHINE\A]");
}

#[test]
fn export_import_export_is_stable() {
    let mut tx = TreeTx::default();
    for (p, n, v) in [
        (
            r"S\R\Interfaces\0",
            "InterfaceName",
            RegValue::sz("Loopback"),
        ),
        (r"S\R\Interfaces\0", "Type", RegValue::dword(5)),
        (
            r"S\R\Interfaces\0\Ip",
            "InterfaceInfo",
            RegValue::binary(vec![7; 104]),
        ),
        (
            r"S\R\RouterManagers\Ip",
            "DLLPath",
            RegValue::expand_sz(r"%SystemRoot%\System32\iprtrmgr.dll"),
        ),
        (
            r"S\R\Interfaces\10",
            "DialOutHours",
            RegValue::multi_sz(&["1 08:00-17:00"]),
        ),
    ] {
        tx.create_key(p).unwrap();
        tx.set_value(p, n, &v).unwrap();
    }
    let first = encode(&export_tree(&mut tx, r"S\R").unwrap());
    let mut other = TreeTx::default();
    import_keys(&mut other, &decode(&first).unwrap()).unwrap();
    assert_eq!(encode(&export_tree(&mut other, r"S\R").unwrap()), first);
}
