//! Unit tests of [`MemRegistry`]: the `Registry` contract (case, order, errors, transactions,
//! generations), the arena's slot reuse, and a model-based property test against a naive model.
//! They live in their own file to keep `mem/mod.rs` to the implementation.

use super::*;

fn write<T>(r: &MemRegistry, mut f: impl FnMut(&mut dyn RegistryTx) -> Result<T>) -> Result<T> {
    r.transact(TxMode::Write, &mut f)
}

fn read<T>(r: &MemRegistry, mut f: impl FnMut(&mut dyn RegistryTx) -> Result<T>) -> Result<T> {
    r.transact(TxMode::Read, &mut f)
}

#[test]
fn names_are_case_insensitive_and_keep_their_case() {
    let r = MemRegistry::new();
    write(&r, |tx| {
        assert!(tx.create_key(r"SYSTEM\RemoteAccess\Interfaces")?);
        assert!(!tx.create_key(r"system\REMOTEACCESS\interfaces")?);
        tx.set_value(r"SYSTEM\RemoteAccess", "Stamp", &RegValue::dword(0))?;
        tx.set_value(r"system\remoteaccess", "STAMP", &RegValue::dword(7))?;
        Ok(())
    })
    .unwrap();
    read(&r, |tx| {
        assert_eq!(tx.subkeys("SYSTEM")?, vec!["RemoteAccess"]);
        assert_eq!(
            tx.values(r"SYSTEM\REMOTEACCESS")?,
            vec![("Stamp".to_owned(), RegValue::dword(7))]
        );
        assert!(tx.key_exists(r"System\RemoteAccess\INTERFACES")?);
        Ok(())
    })
    .unwrap();
}

#[test]
fn subkeys_enumerate_in_creation_order_even_after_deletes() {
    let r = MemRegistry::new();
    write(&r, |tx| {
        for k in ["b", "a", "10", "2", "c"] {
            tx.create_key(&format!(r"R\{k}"))?;
        }
        tx.delete_key_tree(r"R\10")?;
        tx.create_key(r"R\10")?;
        Ok(())
    })
    .unwrap();
    assert_eq!(
        read(&r, |tx| tx.subkeys("R")).unwrap(),
        vec!["b", "a", "2", "c", "10"]
    );
}

#[test]
fn missing_keys_are_file_not_found_and_missing_values_none() {
    let r = MemRegistry::new();
    write(&r, |tx| tx.create_key("A").map(|_| ())).unwrap();
    read(&r, |tx| {
        assert_eq!(
            tx.subkeys("B").unwrap_err().code,
            WinError::ERROR_FILE_NOT_FOUND
        );
        assert_eq!(
            tx.values(r"A\B").unwrap_err().code,
            WinError::ERROR_FILE_NOT_FOUND
        );
        assert_eq!(
            tx.get_value("B", "x").unwrap_err().code,
            WinError::ERROR_FILE_NOT_FOUND
        );
        assert_eq!(tx.get_value("A", "x")?, None);
        assert_eq!(
            tx.key_exists(r"A\\B").unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER
        );
        Ok(())
    })
    .unwrap();
    let e = write(&r, |tx| tx.set_value("B", "x", &RegValue::dword(1))).unwrap_err();
    assert_eq!(e.code, WinError::ERROR_FILE_NOT_FOUND);
}

#[test]
fn read_transactions_reject_writes_with_access_denied() {
    let r = MemRegistry::new();
    let e = read(&r, |tx| tx.create_key("A")).unwrap_err();
    assert_eq!(e.code, WinError::ERROR_ACCESS_DENIED);
    assert!(r.snapshot().is_empty());
    assert_eq!(r.generation().unwrap(), 0);
}

#[test]
fn failed_write_transaction_leaves_no_trace_and_keeps_the_generation() {
    let r = MemRegistry::new();
    write(&r, |tx| {
        tx.create_key(r"A\B\C")?;
        tx.set_value(r"A\B", "v1", &RegValue::dword(1))?;
        tx.set_value(r"A\B", "v2", &RegValue::sz("two"))?;
        tx.create_key(r"A\D")?;
        Ok(())
    })
    .unwrap();
    let before = r.snapshot();
    let g = r.generation().unwrap();
    let e = write(&r, |tx| {
        tx.set_value(r"A\B", "v1", &RegValue::dword(100))?; // replace
        tx.delete_value(r"A\B", "v2")?;
        tx.set_value(r"A\B", "v3", &RegValue::dword(3))?; // add
        tx.delete_key_tree(r"A\B")?;
        tx.create_key(r"A\B\New\Deep")?;
        tx.set_value(r"A\B\New", "x", &RegValue::binary(vec![1, 2]))?;
        tx.create_key(r"E\F")?;
        tx.delete_key_tree(r"E")?;
        tx.delete_key_tree(r"A\D")?;
        tx.create_key(r"A\D")?;
        Err::<(), _>(Error::invalid_parameter("abort"))
    })
    .unwrap_err();
    assert_eq!(e.detail, "abort");
    assert_eq!(r.snapshot(), before);
    assert_eq!(r.generation().unwrap(), g);
    // The restored tree is fully usable: original order and lookups intact.
    assert_eq!(read(&r, |tx| tx.subkeys("A")).unwrap(), vec!["B", "D"]);
    assert_eq!(
        read(&r, |tx| tx.get_value(r"a\b", "V2")).unwrap(),
        Some(RegValue::sz("two"))
    );
}

#[test]
fn panicking_write_transaction_rolls_back_and_leaves_the_registry_usable() {
    let r = MemRegistry::new();
    write(&r, |tx| tx.create_key("Keep").map(|_| ())).unwrap();
    let before = r.snapshot();
    let caught = catch_unwind(AssertUnwindSafe(|| {
        let _ = write(&r, |tx| {
            tx.create_key("Gone")?;
            tx.delete_key_tree("Keep")?;
            panic!("closure panics mid-transaction");
            #[allow(unreachable_code)]
            Ok(())
        });
    }));
    assert!(caught.is_err());
    assert_eq!(r.snapshot(), before);
    write(&r, |tx| tx.create_key("After").map(|_| ())).unwrap();
}

#[test]
fn generation_counts_committed_write_transactions_exactly() {
    let r = MemRegistry::new();
    assert_eq!(r.generation().unwrap(), 0);
    write(&r, |_tx| Ok(())).unwrap();
    assert_eq!(r.generation().unwrap(), 1);
    read(&r, |tx| {
        assert_eq!(tx.generation()?, 1);
        Ok(())
    })
    .unwrap();
    write(&r, |tx| {
        assert_eq!(tx.generation()?, 1);
        tx.create_key("A")?;
        tx.create_key("B")?;
        Ok(())
    })
    .unwrap();
    assert_eq!(r.generation().unwrap(), 2);
    let _ = write(&r, |tx| {
        tx.create_key("C")?;
        Err::<(), _>(Error::invalid_parameter("no"))
    });
    assert_eq!(r.generation().unwrap(), 2);
}

#[test]
fn deleted_trees_are_gone_and_their_slots_reused() {
    let r = MemRegistry::new();
    write(&r, |tx| {
        for i in 0..50 {
            tx.create_key(&format!(r"X\{i}\Ip"))?;
        }
        Ok(())
    })
    .unwrap();
    write(&r, |tx| tx.delete_key_tree("X").map(|_| ())).unwrap();
    let slots = r.state.read().unwrap().nodes.len();
    write(&r, |tx| {
        assert!(!tx.key_exists(r"X\3\Ip")?);
        assert!(!tx.delete_key_tree("X")?);
        for i in 0..50 {
            tx.create_key(&format!(r"Y\{i}\Ip"))?;
        }
        Ok(())
    })
    .unwrap();
    assert_eq!(r.state.read().unwrap().nodes.len(), slots);
}

#[test]
fn values_keep_creation_order_and_replace_in_place() {
    let r = MemRegistry::new();
    write(&r, |tx| {
        tx.create_key("K")?;
        tx.set_value("K", "b", &RegValue::dword(1))?;
        tx.set_value("K", "a", &RegValue::dword(2))?;
        tx.set_value("K", "B", &RegValue::dword(3))?;
        tx.set_value("K", "", &RegValue::sz("default"))?;
        assert!(tx.delete_value("K", "A")?);
        assert!(!tx.delete_value("K", "A")?);
        Ok(())
    })
    .unwrap();
    let vals = read(&r, |tx| tx.values("K")).unwrap();
    assert_eq!(
        vals,
        vec![
            ("b".to_owned(), RegValue::dword(3)),
            (String::new(), RegValue::sz("default"))
        ]
    );
}

#[test]
fn subkeys_with_values_matches_one_call_per_key() {
    let r = MemRegistry::new();
    write(&r, |tx| {
        for i in 0..5u32 {
            let p = format!(r"I\{i}");
            tx.create_key(&p)?;
            tx.set_value(&p, "Type", &RegValue::dword(i))?;
        }
        Ok(())
    })
    .unwrap();
    let fast = read(&r, |tx| tx.subkeys_with_values("I")).unwrap();
    let slow = read(&r, |tx| {
        let mut out = Vec::new();
        for k in tx.subkeys("I")? {
            let v = tx.values(&format!(r"I\{k}"))?;
            out.push((k, v));
        }
        Ok(out)
    })
    .unwrap();
    assert_eq!(fast, slow);
    assert_eq!(fast.len(), 5);
}

#[test]
fn arc_shares_one_registry() {
    let r = Arc::new(MemRegistry::new());
    let r2 = Arc::clone(&r);
    r.transact(TxMode::Write, &mut |tx| tx.create_key("Shared").map(|_| ()))
        .unwrap();
    assert!(
        r2.transact(TxMode::Read, &mut |tx| tx.key_exists("shared"))
            .unwrap()
    );
    assert_eq!(r2.generation().unwrap(), 1);
}

#[test]
fn concurrent_writers_serialise_and_count_generations() {
    let r = Arc::new(MemRegistry::new());
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let r = Arc::clone(&r);
            std::thread::spawn(move || {
                for i in 0..25 {
                    r.transact(TxMode::Write, &mut |tx| {
                        tx.create_key(&format!(r"T\{t}-{i}")).map(|_| ())
                    })
                    .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(r.generation().unwrap(), 100);
    assert_eq!(
        r.transact(TxMode::Read, &mut |tx| tx.subkeys("T"))
            .unwrap()
            .len(),
        100
    );
}

/// A deliberately naive model: every key as (creation sequence, stored full path, values).
mod model {
    use super::super::*;

    #[derive(Clone, Debug, Default)]
    pub struct Model {
        keys: Vec<(u64, String, Values)>,
        seq: u64,
    }

    fn parent(path: &str) -> &str {
        path.rfind('\\').map_or("", |i| &path[..i])
    }

    impl Model {
        fn find(&self, path: &str) -> Option<usize> {
            self.keys.iter().position(|(_, p, _)| fold(p) == fold(path))
        }

        pub fn create(&mut self, path: &str) -> bool {
            let mut stored = String::new();
            let mut created = false;
            for part in path.split('\\') {
                let candidate = if stored.is_empty() {
                    part.to_owned()
                } else {
                    format!("{stored}\\{part}")
                };
                created = false;
                stored = match self.find(&candidate) {
                    Some(i) => self.keys[i].1.clone(),
                    None => {
                        self.seq += 1;
                        self.keys.push((self.seq, candidate.clone(), Vec::new()));
                        created = true;
                        candidate
                    }
                };
            }
            created
        }

        pub fn delete_tree(&mut self, path: &str) -> bool {
            let f = fold(path);
            let before = self.keys.len();
            self.keys.retain(|(_, p, _)| {
                let q = fold(p);
                q != f && !q.starts_with(&format!("{f}\\"))
            });
            self.keys.len() != before
        }

        pub fn set(&mut self, path: &str, name: &str, v: RegValue) -> Result<()> {
            let i = self
                .find(path)
                .ok_or(Error::from(WinError::ERROR_FILE_NOT_FOUND))?;
            let values = &mut self.keys[i].2;
            match values.iter_mut().find(|(n, _)| names_equal(n, name)) {
                Some(slot) => slot.1 = v,
                None => values.push((name.to_owned(), v)),
            }
            Ok(())
        }

        pub fn delete_value(&mut self, path: &str, name: &str) -> Result<bool> {
            let i = self
                .find(path)
                .ok_or(Error::from(WinError::ERROR_FILE_NOT_FOUND))?;
            let values = &mut self.keys[i].2;
            let before = values.len();
            values.retain(|(n, _)| !names_equal(n, name));
            Ok(values.len() != before)
        }

        fn children(&self, path: &str) -> Vec<(u64, String, Values)> {
            let mut c: Vec<_> = self
                .keys
                .iter()
                .filter(|(_, p, _)| fold(parent(p)) == fold(path))
                .cloned()
                .collect();
            c.sort_by_key(|(seq, _, _)| *seq);
            c
        }

        pub fn subkeys(&self, path: &str) -> Result<Vec<String>> {
            self.find(path)
                .ok_or(Error::from(WinError::ERROR_FILE_NOT_FOUND))?;
            Ok(self
                .children(path)
                .into_iter()
                .map(|(_, p, _)| p[p.rfind('\\').map_or(0, |i| i + 1)..].to_owned())
                .collect())
        }

        pub fn snapshot(&self) -> Vec<(String, Values)> {
            let mut out = Vec::new();
            let mut stack: Vec<_> = self.children("").into_iter().rev().collect();
            while let Some((_, p, v)) = stack.pop() {
                stack.extend(self.children(&p).into_iter().rev());
                out.push((p, v));
            }
            out
        }
    }
}

mod props {
    use super::model::Model;
    use super::*;
    use proptest::prelude::*;

    #[derive(Clone, Debug)]
    enum Op {
        Create(String),
        Delete(String),
        Set(String, String, u32),
        DeleteValue(String, String),
        Subkeys(String),
    }

    fn path() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop::sample::select(vec!["a", "A", "b", "B", "c", "é", "É"]),
            1..4,
        )
        .prop_map(|parts| parts.join("\\"))
    }

    fn name() -> impl Strategy<Value = String> {
        prop::sample::select(vec!["x", "X", "y", ""]).prop_map(str::to_owned)
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => path().prop_map(Op::Create),
            1 => path().prop_map(Op::Delete),
            3 => (path(), name(), 0u32..4).prop_map(|(p, n, v)| Op::Set(p, n, v)),
            1 => (path(), name()).prop_map(|(p, n)| Op::DeleteValue(p, n)),
            1 => path().prop_map(Op::Subkeys),
        ]
    }

    /// The observable outcome of one operation.
    fn outcome<T: std::fmt::Debug>(r: Result<T>) -> String {
        match r {
            Ok(v) => format!("ok {v:?}"),
            Err(e) => format!("err {:?}", e.code),
        }
    }

    fn apply_model(m: &mut Model, op: &Op) -> String {
        match op {
            Op::Create(p) => outcome(Ok(m.create(p))),
            Op::Delete(p) => outcome(Ok(m.delete_tree(p))),
            Op::Set(p, n, v) => outcome(m.set(p, n, RegValue::dword(*v))),
            Op::DeleteValue(p, n) => outcome(m.delete_value(p, n)),
            Op::Subkeys(p) => outcome(m.subkeys(p)),
        }
    }

    fn apply_tx(tx: &mut dyn RegistryTx, op: &Op) -> String {
        match op {
            Op::Create(p) => outcome(tx.create_key(p)),
            Op::Delete(p) => outcome(tx.delete_key_tree(p)),
            Op::Set(p, n, v) => outcome(tx.set_value(p, n, &RegValue::dword(*v))),
            Op::DeleteValue(p, n) => outcome(tx.delete_value(p, n)),
            Op::Subkeys(p) => outcome(tx.subkeys(p)),
        }
    }

    proptest! {
        #[test]
        fn transactions_agree_with_a_naive_model(
            txs in proptest::collection::vec((proptest::collection::vec(op(), 0..12), any::<bool>()), 1..12)
        ) {
            let reg = MemRegistry::new();
            let mut model = Model::default();
            let mut generation = 0;
            for (ops, commit) in &txs {
                let mut trial = model.clone();
                let want: Vec<String> = ops.iter().map(|op| apply_model(&mut trial, op)).collect();
                let mut got = Vec::new();
                let result = reg.transact(TxMode::Write, &mut |tx| {
                    got = ops.iter().map(|op| apply_tx(tx, op)).collect();
                    if *commit { Ok(()) } else { Err(Error::invalid_parameter("abort")) }
                });
                prop_assert_eq!(&got, &want);
                prop_assert_eq!(result.is_ok(), *commit);
                if *commit {
                    model = trial;
                    generation += 1;
                }
                prop_assert_eq!(reg.snapshot(), model.snapshot());
                prop_assert_eq!(reg.generation().unwrap(), generation);
            }
        }
    }
}

#[test]
fn key_versions_move_with_their_own_values_and_roll_back_with_the_transaction() {
    let r = MemRegistry::new();
    let version = |path: &str| read(&r, |tx| tx.key_version(path)).unwrap();
    write(&r, |tx| tx.create_key(r"K\Child").map(|_| ())).unwrap();
    let created = version("K").unwrap();
    assert_eq!(version(r"k\CHILD"), Some(created), "created in one commit");
    write(&r, |tx| tx.set_value(r"K\Child", "V", &RegValue::dword(1))).unwrap();
    assert_eq!(
        version("K"),
        Some(created),
        "a child's change is not the key's"
    );
    let child = version(r"K\Child").unwrap();
    assert_ne!(child, created);
    // Deleting a missing value changes nothing; deleting a present one does.
    write(&r, |tx| tx.delete_value(r"K\Child", "Missing").map(|_| ())).unwrap();
    assert_eq!(version(r"K\Child"), Some(child));
    let e = write(&r, |tx| {
        tx.set_value(r"K\Child", "V", &RegValue::dword(2))?;
        Err::<(), _>(Error::invalid_parameter("abandon"))
    })
    .unwrap_err();
    assert_eq!(e.code, WinError::ERROR_INVALID_PARAMETER);
    assert_eq!(version(r"K\Child"), Some(child), "rolled back");
    write(&r, |tx| tx.delete_key_tree(r"K\Child").map(|_| ())).unwrap();
    assert_eq!(version(r"K\Child"), None);
    write(&r, |tx| {
        tx.create_key(r"K\Child")?;
        tx.set_value(r"K\Child", "V", &RegValue::dword(1))
    })
    .unwrap();
    assert_ne!(
        version(r"K\Child"),
        Some(child),
        "a new key never reuses a version"
    );
}

#[test]
fn change_log_appends_commit_and_roll_back_with_their_transaction() {
    use crate::changes::{ChangeKind, ChangeRecord, ChangedObject};
    let r = MemRegistry::with_change_log_capacity(2);
    let record = ChangeRecord {
        kind: ChangeKind::Changed,
        object: ChangedObject::Server,
        version: None,
    };
    let append = |tx: &mut dyn RegistryTx| match tx.change_log() {
        Some(log) => log.append_change(&record),
        None => Err(Error::from(WinError::ERROR_JOURNAL_NOT_ACTIVE)),
    };
    assert_eq!(write(&r, append).unwrap(), 1);
    let _ = write(&r, |tx| {
        append(tx)?;
        Err::<u64, _>(Error::invalid_parameter("abandon"))
    });
    assert_eq!(
        write(&r, append).unwrap(),
        2,
        "the rolled-back number is reused"
    );
    assert_eq!(
        read(&r, |tx| append(tx)).unwrap_err().code,
        WinError::ERROR_ACCESS_DENIED
    );
    assert_eq!(write(&r, append).unwrap(), 3);
    let page = read(&r, |tx| tx.change_log().unwrap().changes_after(1, 10)).unwrap();
    assert_eq!(
        page.changes.iter().map(|c| c.seq).collect::<Vec<_>>(),
        [2, 3]
    );
    assert_eq!(page.last_seq, 3);
    assert!(
        page.changes
            .windows(2)
            .all(|w| w[0].generation < w[1].generation)
    );
    // Capacity 2: change 1 is gone.
    let e = read(&r, |tx| tx.change_log().unwrap().changes_after(0, 10)).unwrap_err();
    assert_eq!(e.code, WinError::ERROR_JOURNAL_ENTRY_DELETED);
}
