//! `SqliteRegistry` against the `Registry` contract: names, order, transactions, generation,
//! caches shared between connections, persistence, and a model check against `MemRegistry`.

use mprconfig_core::registry::REG_BINARY;
use mprconfig_core::{
    Error, MemRegistry, RegValue, Registry, RegistryTx, Result, TxMode, WinError,
};
use mprconfig_store::{OpenOptions, SqliteRegistry};
use proptest::prelude::*;

const T: &str = r"SOFTWARE\Test";

fn new_store(dir: &tempfile::TempDir) -> SqliteRegistry {
    OpenOptions::new()
        .create(true)
        .links(Vec::new())
        .open(dir.path().join("router.db"))
        .unwrap()
}

fn reopen(dir: &tempfile::TempDir) -> SqliteRegistry {
    OpenOptions::new()
        .open(dir.path().join("router.db"))
        .unwrap()
}

fn write<T>(r: &impl Registry, mut f: impl FnMut(&mut dyn RegistryTx) -> Result<T>) -> Result<T> {
    r.transact(TxMode::Write, &mut f)
}

fn read<T>(r: &impl Registry, mut f: impl FnMut(&mut dyn RegistryTx) -> Result<T>) -> Result<T> {
    r.transact(TxMode::Read, &mut f)
}

#[test]
fn key_names_are_case_insensitive_beyond_ascii_and_keep_their_case() {
    let dir = tempfile::tempdir().unwrap();
    let r = new_store(&dir);
    write(&r, |tx| {
        assert!(tx.create_key(&format!(r"{T}\Éthernet-ü"))?);
        assert!(!tx.create_key(&format!(r"{T}\éTHERNET-Ü"))?);
        assert!(tx.key_exists(r"software\test\ÉTHERNET-ü")?);
        Ok(())
    })
    .unwrap();
    assert_eq!(read(&r, |tx| tx.subkeys(T)).unwrap(), ["Éthernet-ü"]);
}

#[test]
fn subkeys_and_values_come_back_in_creation_order() {
    let dir = tempfile::tempdir().unwrap();
    let r = new_store(&dir);
    let names = ["2", "10", "1", "b", "A"];
    write(&r, |tx| {
        for n in names {
            tx.create_key(&format!(r"{T}\{n}"))?;
            tx.set_value(T, n, &RegValue::sz(n))?;
        }
        Ok(())
    })
    .unwrap();
    assert_eq!(read(&r, |tx| tx.subkeys(T)).unwrap(), names);
    let vals: Vec<String> = read(&r, |tx| tx.values(T))
        .unwrap()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(vals, names);
    // Deleting and re-creating moves a key to the end, like any new key.
    write(&r, |tx| {
        tx.delete_key_tree(&format!(r"{T}\10"))?;
        tx.create_key(&format!(r"{T}\10"))
    })
    .unwrap();
    assert_eq!(
        read(&r, |tx| tx.subkeys(T)).unwrap(),
        ["2", "1", "b", "A", "10"]
    );
}

#[test]
fn replacing_a_value_keeps_its_name_case_and_position() {
    let dir = tempfile::tempdir().unwrap();
    let r = new_store(&dir);
    write(&r, |tx| {
        tx.create_key(T)?;
        tx.set_value(T, "First", &RegValue::dword(1))?;
        tx.set_value(T, "Second", &RegValue::dword(2))?;
        tx.set_value(T, "FIRST", &RegValue::sz("one"))
    })
    .unwrap();
    let vals = read(&r, |tx| tx.values(T)).unwrap();
    assert_eq!(
        vals,
        vec![
            ("First".to_owned(), RegValue::sz("one")),
            ("Second".to_owned(), RegValue::dword(2))
        ]
    );
    assert_eq!(
        read(&r, |tx| tx.get_value(T, "first")).unwrap(),
        Some(RegValue::sz("one"))
    );
}

#[test]
fn an_error_from_the_closure_discards_every_change() {
    let dir = tempfile::tempdir().unwrap();
    let r = new_store(&dir);
    write(&r, |tx| tx.create_key(T)).unwrap();
    let g = r.generation().unwrap();
    let e = write(&r, |tx| {
        tx.create_key(&format!(r"{T}\a\b"))?;
        tx.set_value(T, "v", &RegValue::dword(1))?;
        Err::<(), _>(Error::new(WinError::ERROR_INVALID_DATA, "give up"))
    })
    .unwrap_err();
    assert_eq!(e.code, WinError::ERROR_INVALID_DATA);
    assert_eq!(r.generation().unwrap(), g);
    read(&r, |tx| {
        assert!(!tx.key_exists(&format!(r"{T}\a"))?);
        assert_eq!(tx.get_value(T, "v")?, None);
        Ok(())
    })
    .unwrap();
    // The path cache must not remember the rolled-back key either.
    write(&r, |tx| {
        assert!(tx.create_key(&format!(r"{T}\a\b"))?);
        Ok(())
    })
    .unwrap();
}

#[test]
fn a_panic_in_the_closure_rolls_back_and_the_store_stays_usable() {
    let dir = tempfile::tempdir().unwrap();
    let r = new_store(&dir);
    write(&r, |tx| tx.create_key(T)).unwrap();
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = write(&r, |tx| {
            tx.create_key(&format!(r"{T}\half"))?;
            panic!("closure panics mid-transaction");
            #[allow(unreachable_code)]
            Ok(())
        });
    }));
    assert!(caught.is_err());
    assert!(!read(&r, |tx| tx.key_exists(&format!(r"{T}\half"))).unwrap());
    write(&r, |tx| tx.set_value(T, "after", &RegValue::dword(7))).unwrap();
    assert_eq!(
        read(&r, |tx| tx.get_value(T, "after")).unwrap(),
        Some(RegValue::dword(7))
    );
}

#[test]
fn generation_counts_committed_writes_exactly_across_connections() {
    let dir = tempfile::tempdir().unwrap();
    let a = new_store(&dir);
    let b = reopen(&dir);
    let g0 = a.generation().unwrap();
    assert_eq!(b.generation().unwrap(), g0);
    write(&a, |tx| tx.create_key(T)).unwrap();
    assert_eq!(b.generation().unwrap(), g0 + 1);
    // An empty write transaction still counts; reads and rollbacks do not.
    write(&b, |_| Ok(())).unwrap();
    read(&a, |tx| tx.subkeys(T)).unwrap();
    let _ = write(&a, |tx| {
        tx.create_key(&format!(r"{T}\x"))?;
        Err::<(), _>(Error::from(WinError::ERROR_INVALID_DATA))
    });
    assert_eq!(a.generation().unwrap(), g0 + 2);
    let seen = write(&a, |tx| tx.generation()).unwrap();
    assert_eq!(seen, g0 + 2);
    assert_eq!(b.generation().unwrap(), g0 + 3);
    assert_eq!(read(&b, |tx| tx.generation()).unwrap(), g0 + 3);
}

#[test]
fn writes_inside_a_read_transaction_are_access_denied() {
    let dir = tempfile::tempdir().unwrap();
    let r = new_store(&dir);
    write(&r, |tx| tx.create_key(T)).unwrap();
    let g = r.generation().unwrap();
    let codes = read(&r, |tx| {
        Ok([
            tx.create_key(&format!(r"{T}\n")).unwrap_err().code,
            tx.set_value(T, "v", &RegValue::dword(1)).unwrap_err().code,
            tx.delete_value(T, "v").unwrap_err().code,
            tx.delete_key_tree(T).unwrap_err().code,
        ])
    })
    .unwrap();
    assert_eq!(codes, [WinError::ERROR_ACCESS_DENIED; 4]);
    assert_eq!(r.generation().unwrap(), g);
}

#[test]
fn a_missing_key_is_file_not_found_and_bad_names_are_invalid_parameter() {
    let dir = tempfile::tempdir().unwrap();
    let r = new_store(&dir);
    let missing = r"SOFTWARE\Nope\Deeper";
    let codes = write(&r, |tx| {
        Ok([
            tx.subkeys(missing).unwrap_err().code,
            tx.values(missing).unwrap_err().code,
            tx.get_value(missing, "v").unwrap_err().code,
            tx.set_value(missing, "v", &RegValue::dword(1))
                .unwrap_err()
                .code,
            tx.delete_value(missing, "v").unwrap_err().code,
            tx.subkeys_with_values(missing).unwrap_err().code,
            tx.create_key(r"a\\b").unwrap_err().code,
            tx.create_key("").unwrap_err().code,
            tx.key_exists("trailing\\").unwrap_err().code,
        ])
    })
    .unwrap();
    assert_eq!(&codes[..6], [WinError::ERROR_FILE_NOT_FOUND; 6]);
    assert_eq!(&codes[6..], [WinError::ERROR_INVALID_PARAMETER; 3]);
    assert!(!write(&r, |tx| tx.delete_key_tree(missing)).unwrap());
    let e = write(&r, |tx| {
        tx.create_key(T)?;
        tx.set_value(T, "a\0b", &RegValue::dword(1))
    })
    .unwrap_err();
    assert_eq!(e.code, WinError::ERROR_INVALID_PARAMETER);
}

#[test]
fn deleting_a_tree_removes_subkeys_and_values_and_a_new_key_starts_empty() {
    let dir = tempfile::tempdir().unwrap();
    let r = new_store(&dir);
    let deep = format!(r"{T}\a\b\c");
    write(&r, |tx| {
        tx.create_key(&deep)?;
        tx.set_value(&deep, "v", &RegValue::dword(1))?;
        tx.set_value(&format!(r"{T}\a"), "w", &RegValue::dword(2))
    })
    .unwrap();
    write(&r, |tx| {
        assert!(tx.delete_key_tree(&format!(r"{T}\A"))?);
        assert!(!tx.key_exists(&deep)?);
        assert!(tx.create_key(&deep)?);
        assert_eq!(tx.values(&deep)?, vec![]);
        Ok(())
    })
    .unwrap();
    assert_eq!(
        read(&r, |tx| tx.values(&format!(r"{T}\a"))).unwrap(),
        vec![]
    );
    r.integrity_check().unwrap();
}

#[test]
fn a_connection_sees_keys_another_connection_deleted_and_recreated() {
    let dir = tempfile::tempdir().unwrap();
    let a = new_store(&dir);
    let b = reopen(&dir);
    let k = format!(r"{T}\k");
    write(&a, |tx| {
        tx.create_key(&k)?;
        tx.set_value(&k, "v", &RegValue::dword(1))
    })
    .unwrap();
    // `a` caches the key's row id now.
    assert_eq!(
        read(&a, |tx| tx.get_value(&k, "v")).unwrap(),
        Some(RegValue::dword(1))
    );
    write(&b, |tx| {
        tx.delete_key_tree(&k)?;
        tx.create_key(&format!(r"{T}\filler"))?;
        tx.create_key(&k)?;
        tx.set_value(&k, "v", &RegValue::dword(2))
    })
    .unwrap();
    assert_eq!(
        read(&a, |tx| tx.get_value(&k, "v")).unwrap(),
        Some(RegValue::dword(2))
    );
    write(&b, |tx| tx.delete_key_tree(&k)).unwrap();
    assert!(!read(&a, |tx| tx.key_exists(&k)).unwrap());
}

#[test]
fn subkeys_with_values_matches_one_call_per_key() {
    let dir = tempfile::tempdir().unwrap();
    let r = new_store(&dir);
    write(&r, |tx| {
        for i in 0..50u32 {
            let k = format!(r"{T}\{i}");
            tx.create_key(&k)?;
            for j in 0..(i % 4) {
                tx.set_value(
                    &k,
                    &format!("v{j}"),
                    &RegValue::binary(vec![i as u8; j as usize]),
                )?;
            }
            tx.create_key(&format!(r"{k}\child"))?;
        }
        Ok(())
    })
    .unwrap();
    let (fast, slow) = read(&r, |tx| {
        let fast = tx.subkeys_with_values(T)?;
        let mut slow = Vec::new();
        for name in tx.subkeys(T)? {
            let v = tx.values(&format!(r"{T}\{name}"))?;
            slow.push((name, v));
        }
        Ok((fast, slow))
    })
    .unwrap();
    assert_eq!(fast.len(), 50);
    assert_eq!(fast, slow);
}

#[test]
fn every_value_is_byte_identical_after_close_and_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let big: Vec<u8> = (0..1_000_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let values = vec![
        ("Empty".to_owned(), RegValue::binary(Vec::new())),
        ("Zeros".to_owned(), RegValue::binary(vec![0; 64])),
        ("Big".to_owned(), RegValue::binary(big)),
        (
            "Odd".to_owned(),
            RegValue {
                ty: 0xDEAD_BEEF,
                data: vec![1, 2, 3],
            },
        ),
        ("Sz".to_owned(), RegValue::sz("text with ünïcode")),
        (
            "Unterminated".to_owned(),
            RegValue {
                ty: 1,
                data: vec![b'a', 0, b'b'],
            },
        ),
        ("".to_owned(), RegValue::dword(0xFFFF_FFFF)),
    ];
    {
        let r = new_store(&dir);
        write(&r, |tx| {
            tx.create_key(T)?;
            for (n, v) in &values {
                tx.set_value(T, n, v)?;
            }
            Ok(())
        })
        .unwrap();
    }
    let r = reopen(&dir);
    assert_eq!(read(&r, |tx| tx.values(T)).unwrap(), values);
    assert_eq!(
        read(&r, |tx| tx.get_value(T, "big")).unwrap().unwrap().ty,
        REG_BINARY
    );
}

#[test]
fn one_store_is_shared_safely_by_threads() {
    let dir = tempfile::tempdir().unwrap();
    let r = std::sync::Arc::new(new_store(&dir));
    write(&*r, |tx| tx.create_key(T)).unwrap();
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let r = r.clone();
            std::thread::spawn(move || {
                for i in 0..25 {
                    write(&*r, |tx| {
                        let n = tx
                            .get_value(T, "n")?
                            .and_then(|v| v.as_dword())
                            .unwrap_or(0);
                        tx.set_value(T, "n", &RegValue::dword(n + 1))?;
                        tx.create_key(&format!(r"{T}\t{t}-{i}")).map(drop)
                    })
                    .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(
        read(&*r, |tx| tx.get_value(T, "n")).unwrap(),
        Some(RegValue::dword(100))
    );
    assert_eq!(read(&*r, |tx| tx.subkeys(T)).unwrap().len(), 100);
}

// ---- model check against MemRegistry -------------------------------------------------------

#[derive(Clone, Debug)]
enum Op {
    Create(String),
    DeleteTree(String),
    Set(String, String, RegValue),
    DeleteValue(String, String),
    /// Read the subkeys with their values inside the transaction (exercises the caches a
    /// write must keep exact).
    List(String),
    /// Read the subkey names inside the transaction.
    Subkeys(String),
    /// Visit the subkeys with some of their values inside the transaction.
    Visit(String),
    /// Read the key's version (compared as the number of commits since the run began).
    Version(String),
    /// Run the following ops of this transaction, then fail it.
    Abort,
}

fn path_strategy() -> impl Strategy<Value = String> {
    // Few distinct names in mixed case, so ops collide often.
    let part = prop::sample::select(vec!["a", "A", "b", "Ü", "ü", "10", "2"]);
    prop::collection::vec(part, 1..4).prop_map(|parts| format!(r"{T}\{}", parts.join(r"\")))
}

fn op_strategy() -> impl Strategy<Value = Op> {
    let name = prop::sample::select(vec!["x", "X", "y", ""]).prop_map(str::to_owned);
    let value = (0u32..12, prop::collection::vec(any::<u8>(), 0..8))
        .prop_map(|(ty, data)| RegValue { ty, data });
    prop_oneof![
        path_strategy().prop_map(Op::Create),
        path_strategy().prop_map(Op::DeleteTree),
        (path_strategy(), name.clone(), value).prop_map(|(p, n, v)| Op::Set(p, n, v)),
        (path_strategy(), name).prop_map(|(p, n)| Op::DeleteValue(p, n)),
        path_strategy().prop_map(Op::List),
        path_strategy().prop_map(Op::Subkeys),
        path_strategy().prop_map(Op::Visit),
        path_strategy().prop_map(Op::Version),
        Just(Op::Abort),
    ]
}

/// What a visitor lent, owned: (subkey, [(value name, value)]).
type Lent = Vec<(String, Vec<(String, RegValue)>)>;

fn visit(tx: &mut dyn RegistryTx, path: &str, wanted: &[&str]) -> Result<Lent> {
    let mut out = Vec::new();
    tx.visit_subkeys_with_values(path, wanted, &mut |name, values| {
        let owned = values
            .iter()
            .map(|(n, v)| ((*n).to_owned(), v.to_reg_value()))
            .collect();
        out.push((name.to_owned(), owned));
        Ok(())
    })?;
    Ok(out)
}

/// Forwards everything but the visitor, so the trait's default visitor runs over the store.
struct DefaultVisitor<'a>(&'a mut dyn RegistryTx);

impl RegistryTx for DefaultVisitor<'_> {
    fn key_exists(&mut self, path: &str) -> Result<bool> {
        self.0.key_exists(path)
    }
    fn create_key(&mut self, path: &str) -> Result<bool> {
        self.0.create_key(path)
    }
    fn delete_key_tree(&mut self, path: &str) -> Result<bool> {
        self.0.delete_key_tree(path)
    }
    fn subkeys(&mut self, path: &str) -> Result<Vec<String>> {
        self.0.subkeys(path)
    }
    fn get_value(&mut self, path: &str, name: &str) -> Result<Option<RegValue>> {
        self.0.get_value(path, name)
    }
    fn set_value(&mut self, path: &str, name: &str, value: &RegValue) -> Result<()> {
        self.0.set_value(path, name, value)
    }
    fn delete_value(&mut self, path: &str, name: &str) -> Result<bool> {
        self.0.delete_value(path, name)
    }
    fn values(&mut self, path: &str) -> Result<Vec<(String, RegValue)>> {
        self.0.values(path)
    }
    fn subkeys_with_values(
        &mut self,
        path: &str,
    ) -> Result<Vec<(String, Vec<(String, RegValue)>)>> {
        self.0.subkeys_with_values(path)
    }
    fn generation(&mut self) -> Result<u64> {
        self.0.generation()
    }
}

/// The store's visitor and the default one, for each of a few `wanted` lists.
fn both_visitors(tx: &mut dyn RegistryTx, path: &str) -> Result<Vec<(Lent, Lent)>> {
    let mut out = Vec::new();
    for wanted in [
        &[][..],
        &["interfacename", "TYPE", "Nothing"][..],
        &["Blob"][..],
    ] {
        let store = visit(tx, path, wanted)?;
        let default = visit(&mut DefaultVisitor(&mut *tx), path, wanted)?;
        out.push((store, default));
    }
    Ok(out)
}

#[test]
fn the_store_visitor_lends_exactly_what_the_default_visitor_lends() {
    let dir = tempfile::tempdir().unwrap();
    let r = new_store(&dir);
    let small = format!(r"{T}\Small");
    let big = format!(r"{T}\Big");
    write(&r, |tx| {
        for (parent, n) in [(&small, 6u32), (&big, 150)] {
            tx.create_key(parent)?;
            for i in 0..n {
                let k = format!(r"{parent}\K{i}");
                tx.create_key(&k)?;
                match i % 5 {
                    // An empty key.
                    0 => {}
                    // Only values nobody asks for, one of them the default value.
                    1 => {
                        tx.set_value(&k, "Stamp", &RegValue::dword(i))?;
                        tx.set_value(&k, "", &RegValue::sz("default"))?;
                    }
                    // Mixed-case names, strings, binary, an empty blob.
                    _ => {
                        tx.set_value(&k, "InterfaceNAME", &RegValue::sz(&format!("Ü-{i}")))?;
                        tx.set_value(&k, "blob", &RegValue::binary(vec![i as u8; i as usize % 7]))?;
                        tx.set_value(&k, "Type", &RegValue::dword(i))?;
                        tx.set_value(
                            &k,
                            "Odd",
                            &RegValue {
                                ty: 77,
                                data: vec![],
                            },
                        )?;
                    }
                }
                tx.create_key(&format!(r"{k}\Child"))?;
            }
        }
        Ok(())
    })
    .unwrap();
    // Read cold (SQL), then again after `subkeys_with_values` cached the small list, then
    // inside a write transaction with uncommitted changes.
    for round in 0..2 {
        let pairs = read(&r, |tx| {
            let mut pairs = both_visitors(tx, &small)?;
            pairs.extend(both_visitors(tx, &big)?);
            tx.subkeys_with_values(&small)?;
            pairs.extend(both_visitors(tx, &small)?);
            Ok(pairs)
        })
        .unwrap();
        for (store, default) in &pairs {
            assert_eq!(store, default, "round {round}");
        }
        assert_eq!(pairs[1].0[2].1.len(), 2, "names match case-insensitively");
        assert_eq!(pairs[4].0.len(), 150);
    }
    let pairs = write(&r, |tx| {
        tx.set_value(&format!(r"{big}\K3"), "TYPE", &RegValue::sz("replaced"))?;
        tx.delete_key_tree(&format!(r"{big}\K4"))?;
        tx.create_key(&format!(r"{small}\New"))?;
        both_visitors(tx, &big).and_then(|mut p| {
            both_visitors(tx, &small).map(|q| {
                p.extend(q);
                p
            })
        })
    })
    .unwrap();
    for (store, default) in &pairs {
        assert_eq!(store, default);
    }
    assert_eq!(pairs[0].0.len(), 149);
    let e = read(&r, |tx| visit(tx, &format!(r"{T}\Missing"), &[])).unwrap_err();
    assert_eq!(e.code, WinError::ERROR_FILE_NOT_FOUND);
}

#[test]
fn an_error_from_the_store_visitor_callback_ends_the_walk() {
    let dir = tempfile::tempdir().unwrap();
    let r = new_store(&dir);
    write(&r, |tx| {
        for i in 0..100 {
            tx.create_key(&format!(r"{T}\{i}"))?;
        }
        Ok(())
    })
    .unwrap();
    let mut calls = 0;
    let e = read(&r, |tx| {
        tx.visit_subkeys_with_values(T, &[], &mut |_, _| {
            calls += 1;
            if calls == 3 {
                Err(Error::new(WinError::ERROR_INVALID_DATA, "stop"))
            } else {
                Ok(())
            }
        })
    })
    .unwrap_err();
    assert_eq!(e.code, WinError::ERROR_INVALID_DATA);
    assert_eq!(calls, 3);
    // The connection is still fine afterwards.
    assert_eq!(read(&r, |tx| tx.subkeys(T)).unwrap().len(), 100);
}

/// Applies one transaction's ops; results (including error codes) are part of the comparison.
/// Versions are the generation of the commit that last changed the key in both stores, so
/// they are compared relative to `base`, the generation at which the run began.
fn apply(reg: &impl Registry, ops: &[Op], base: u64) -> (Vec<String>, Option<WinError>) {
    let mut log = Vec::new();
    let outcome = reg.transact(TxMode::Write, &mut |tx| {
        log.clear();
        for op in ops {
            let r = match op {
                Op::Create(p) => tx.create_key(p).map(|b| b.to_string()),
                Op::DeleteTree(p) => tx.delete_key_tree(p).map(|b| b.to_string()),
                Op::Set(p, n, v) => tx.set_value(p, n, v).map(|()| "set".to_owned()),
                Op::DeleteValue(p, n) => tx.delete_value(p, n).map(|b| b.to_string()),
                Op::List(p) => tx.subkeys_with_values(p).map(|l| format!("{l:?}")),
                Op::Subkeys(p) => tx.subkeys(p).map(|l| format!("{l:?}")),
                Op::Visit(p) => visit(tx, p, &["X", ""]).map(|l| format!("{l:?}")),
                Op::Version(p) => tx
                    .key_version(p)
                    .map(|v| format!("{:?}", v.map(|v| v.raw().checked_sub(base)))),
                Op::Abort => return Err(Error::new(WinError::ERROR_INVALID_DATA, "abort")),
            };
            log.push(match r {
                Ok(s) => s,
                Err(e) => format!("err {}", e.code.0),
            });
        }
        Ok(())
    });
    (log.clone(), outcome.err().map(|e| e.code))
}

/// The whole tree below `T`, parents before children, with values.
fn dump(reg: &impl Registry) -> Vec<(String, Vec<(String, RegValue)>)> {
    fn walk(
        tx: &mut dyn RegistryTx,
        path: &str,
        out: &mut Vec<(String, Vec<(String, RegValue)>)>,
    ) -> Result<()> {
        out.push((path.to_owned(), tx.values(path)?));
        let listed = tx.subkeys_with_values(path)?;
        assert_eq!(
            visit(tx, path, &[])?,
            listed,
            "the visitor lends every value"
        );
        for (name, values) in listed {
            let child = format!(r"{path}\{name}");
            assert_eq!(values, tx.values(&child)?);
            walk(tx, &child, out)?;
        }
        Ok(())
    }
    reg.transact(TxMode::Read, &mut |tx| {
        let mut out = Vec::new();
        if tx.key_exists(T)? {
            walk(tx, T, &mut out)?;
        }
        Ok(out)
    })
    .unwrap()
}

/// Every key below `T` with its version relative to `base` (see [`apply`]).
fn versions(reg: &impl Registry, base: u64) -> Vec<(String, Option<u64>)> {
    let paths: Vec<String> = dump(reg).into_iter().map(|(p, _)| p).collect();
    reg.transact(TxMode::Read, &mut |tx| {
        paths
            .iter()
            .map(|p| {
                Ok((
                    p.clone(),
                    tx.key_version(p)?.and_then(|v| v.raw().checked_sub(base)),
                ))
            })
            .collect()
    })
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn sqlite_registry_behaves_exactly_like_the_memory_model(
        txs in prop::collection::vec(prop::collection::vec(op_strategy(), 1..8), 1..12)
    ) {
        let dir = tempfile::tempdir().unwrap();
        let store = new_store(&dir);
        let model = MemRegistry::new();
        // A second connection reads along, so cross-connection caching is exercised too, and
        // a third store reads through reader connections of its own.
        let other = reopen(&dir);
        let readers = OpenOptions::new()
            .read_connections(2)
            .open(dir.path().join("router.db"))
            .unwrap();
        let base = store.generation().unwrap();
        for ops in &txs {
            let got = apply(&store, ops, base);
            let want = apply(&model, ops, 0);
            prop_assert_eq!(&got, &want);
            prop_assert_eq!(dump(&store), dump(&model));
            prop_assert_eq!(dump(&other), dump(&model));
            prop_assert_eq!(dump(&readers), dump(&model));
            let want = versions(&model, 0);
            prop_assert_eq!(&versions(&store, base), &want);
            prop_assert_eq!(&versions(&other, base), &want);
            prop_assert_eq!(&versions(&readers, base), &want);
        }
        drop(store);
        prop_assert_eq!(dump(&reopen(&dir)), dump(&model));
    }
}

#[test]
fn a_writer_blocked_past_the_busy_timeout_gets_error_busy_and_readers_are_not_blocked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("router.db");
    let r = OpenOptions::new()
        .create(true)
        .links(Vec::new())
        .busy_timeout(std::time::Duration::from_millis(50))
        .open(&path)
        .unwrap();
    write(&r, |tx| tx.create_key(T)).unwrap();
    // Another process holds the write lock.
    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let e = write(&r, |tx| tx.create_key(&format!(r"{T}\blocked"))).unwrap_err();
    assert_eq!(e.code, WinError::ERROR_BUSY, "{e}");
    // WAL readers go on while the lock is held.
    assert_eq!(read(&r, |tx| tx.subkeys(T)).unwrap(), Vec::<String>::new());
    other.execute_batch("COMMIT").unwrap();
    write(&r, |tx| tx.create_key(&format!(r"{T}\blocked"))).unwrap();
    assert_eq!(read(&r, |tx| tx.subkeys(T)).unwrap(), ["blocked"]);
}

#[test]
fn reads_on_reader_connections_see_every_write_committed_before_them() {
    let dir = tempfile::tempdir().unwrap();
    new_store(&dir);
    let r = OpenOptions::new()
        .read_connections(3)
        .open(dir.path().join("router.db"))
        .unwrap();
    assert_eq!(r.read_connections(), 3);
    write(&r, |tx| {
        tx.create_key(&format!(r"{T}\a"))?;
        tx.set_value(&format!(r"{T}\a"), "v", &RegValue::dword(1))
    })
    .unwrap();
    // Warm every reader's caches, then change the cached list and value through the writer.
    for _ in 0..3 {
        assert_eq!(
            read(&r, |tx| tx.subkeys_with_values(T)).unwrap(),
            [("a".to_owned(), vec![("v".to_owned(), RegValue::dword(1))])]
        );
    }
    write(&r, |tx| {
        tx.create_key(&format!(r"{T}\b"))?;
        tx.set_value(&format!(r"{T}\a"), "v", &RegValue::dword(2))
    })
    .unwrap();
    for _ in 0..3 {
        assert_eq!(
            read(&r, |tx| tx.subkeys_with_values(T)).unwrap(),
            [
                ("a".to_owned(), vec![("v".to_owned(), RegValue::dword(2))]),
                ("b".to_owned(), vec![])
            ]
        );
        assert_eq!(read(&r, |tx| tx.subkeys(T)).unwrap(), ["a", "b"]);
    }
    // A reader connection refuses writes even if one were attempted through it.
    let err = read(&r, |tx| tx.create_key(&format!(r"{T}\c"))).unwrap_err();
    assert_eq!(err.code, WinError::ERROR_ACCESS_DENIED);
}

#[test]
fn readers_run_while_a_write_transaction_holds_the_writer() {
    let dir = tempfile::tempdir().unwrap();
    new_store(&dir);
    let r = std::sync::Arc::new(
        OpenOptions::new()
            .read_connections(1)
            .open(dir.path().join("router.db"))
            .unwrap(),
    );
    write(&*r, |tx| tx.create_key(&format!(r"{T}\a")).map(drop)).unwrap();
    let (inside, release) = (std::sync::mpsc::channel(), std::sync::mpsc::channel::<()>());
    let (tell, wait) = (inside.0, release.1);
    let w = {
        let r = r.clone();
        std::thread::spawn(move || {
            write(&*r, |tx| {
                tx.create_key(&format!(r"{T}\b"))?;
                tell.send(()).unwrap();
                wait.recv().unwrap();
                Ok(())
            })
        })
    };
    inside.1.recv().unwrap();
    // The writer holds its connection mid-transaction; a read still completes, on the snapshot
    // before the write.
    assert_eq!(read(&*r, |tx| tx.subkeys(T)).unwrap(), ["a"]);
    release.0.send(()).unwrap();
    w.join().unwrap().unwrap();
    assert_eq!(read(&*r, |tx| tx.subkeys(T)).unwrap(), ["a", "b"]);
}
