//! Files that are not healthy stores: each gives a precise error, and the file's bytes are the
//! same afterwards.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use mprconfig_core::{RegValue, Registry, TxMode, WinError};
use mprconfig_store::{APPLICATION_ID, OpenOptions, SCHEMA_VERSION, SqliteRegistry};

fn open(path: &Path) -> mprconfig_core::Result<SqliteRegistry> {
    OpenOptions::new().open(path)
}

/// A closed store with some data in it, fully checkpointed into the main file.
fn healthy_store(dir: &Path) -> PathBuf {
    let path = dir.join("router.db");
    let r = OpenOptions::new()
        .create(true)
        .links(Vec::new())
        .open(&path)
        .unwrap();
    r.transact(TxMode::Write, &mut |tx| {
        for i in 0..200 {
            let k = format!(r"SOFTWARE\Test\{i}");
            tx.create_key(&k)?;
            tx.set_value(&k, "Blob", &RegValue::binary(vec![i as u8; 300]))?;
        }
        Ok(())
    })
    .unwrap();
    drop(r);
    assert!(
        !Path::new(&format!("{}-wal", path.display())).exists(),
        "last close removes the WAL"
    );
    path
}

/// Opens `path`, expects `code`, and checks the file did not change.
fn expect_error_and_unchanged(path: &Path, code: WinError) -> mprconfig_core::Error {
    let before = fs::read(path).unwrap();
    let err = open(path).unwrap_err();
    assert_eq!(err.code, code, "{err}");
    assert_eq!(
        fs::read(path).unwrap(),
        before,
        "the file must be left unchanged"
    );
    // A second attempt (e.g. another process) sees the same.
    assert_eq!(open(path).unwrap_err().code, code);
    assert_eq!(fs::read(path).unwrap(), before);
    err
}

#[test]
fn a_truncated_store_is_baddb_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = healthy_store(dir.path());
    let len = fs::metadata(&path).unwrap().len();
    let f = fs::OpenOptions::new().write(true).open(&path).unwrap();
    f.set_len(len / 2).unwrap();
    drop(f);
    let err = expect_error_and_unchanged(&path, WinError::ERROR_BADDB);
    assert!(err.detail.contains("truncated"), "{err}");
}

#[test]
fn a_store_cut_inside_its_header_is_baddb() {
    let dir = tempfile::tempdir().unwrap();
    let path = healthy_store(dir.path());
    let bytes = fs::read(&path).unwrap();
    fs::write(&path, &bytes[..60]).unwrap();
    expect_error_and_unchanged(&path, WinError::ERROR_BADDB);
}

#[test]
fn random_bytes_are_baddb_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("router.db");
    let noise: Vec<u8> = (0..65536u32)
        .map(|i| (i.wrapping_mul(0x9E37_79B9) >> 13) as u8)
        .collect();
    fs::write(&path, &noise).unwrap();
    let err = expect_error_and_unchanged(&path, WinError::ERROR_BADDB);
    assert!(err.detail.contains("not an mprconfig store"), "{err}");
}

#[test]
fn an_empty_file_is_baddb_and_never_initialised() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("router.db");
    fs::write(&path, b"").unwrap();
    expect_error_and_unchanged(&path, WinError::ERROR_BADDB);
    // Even when asked to create, an existing file is never overwritten.
    let err = OpenOptions::new()
        .create(true)
        .links(Vec::new())
        .open(&path)
        .unwrap_err();
    assert_eq!(err.code, WinError::ERROR_BADDB);
    assert_eq!(fs::metadata(&path).unwrap().len(), 0);
}

#[test]
fn another_applications_sqlite_file_is_baddb_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.sqlite");
    let c = rusqlite::Connection::open(&path).unwrap();
    c.execute_batch("PRAGMA application_id = 12345; CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('x');")
        .unwrap();
    drop(c);
    let err = expect_error_and_unchanged(&path, WinError::ERROR_BADDB);
    assert!(err.detail.contains("application_id"), "{err}");
}

#[test]
fn a_corrupted_page_is_baddb_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = healthy_store(dir.path());
    let mut bytes = fs::read(&path).unwrap();
    // Scribble over the middle pages (b-tree pages of the data), keeping the header valid.
    let mid = bytes.len() / 2;
    for b in &mut bytes[mid - 6000..mid + 6000] {
        *b = 0xA5;
    }
    fs::write(&path, &bytes).unwrap();
    let err = expect_error_and_unchanged(&path, WinError::ERROR_BADDB);
    assert!(err.detail.contains("corrupt"), "{err}");
}

#[test]
fn a_newer_schema_is_incompatible_with_both_versions_named_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = healthy_store(dir.path());
    let newer = SCHEMA_VERSION + 1;
    let c = rusqlite::Connection::open(&path).unwrap();
    c.execute("UPDATE schema_version SET version = ?1", [newer])
        .unwrap();
    drop(c);
    let err = expect_error_and_unchanged(&path, WinError::ERROR_ROUTER_CONFIG_INCOMPATIBLE);
    assert!(err.detail.contains(&format!("version {newer}")), "{err}");
    assert!(
        err.detail.contains(&format!("version {SCHEMA_VERSION}")),
        "{err}"
    );
}

#[test]
fn a_store_without_its_tables_is_baddb() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("router.db");
    let c = rusqlite::Connection::open(&path).unwrap();
    c.execute_batch(&format!(
        "PRAGMA application_id = {APPLICATION_ID}; CREATE TABLE unrelated (x);"
    ))
    .unwrap();
    drop(c);
    expect_error_and_unchanged(&path, WinError::ERROR_BADDB);
}

#[test]
fn a_read_only_store_can_be_read_but_not_written_and_stays_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = healthy_store(dir.path());
    fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap();
    let before = fs::read(&path).unwrap();
    let r = open(&path).unwrap();
    assert!(r.is_read_only());
    let v = r
        .transact(TxMode::Read, &mut |tx| {
            tx.get_value(r"SOFTWARE\Test\7", "Blob")
        })
        .unwrap();
    assert_eq!(v, Some(RegValue::binary(vec![7; 300])));
    let g = r.generation().unwrap();
    let err = r
        .transact(TxMode::Write, &mut |tx| tx.create_key(r"SOFTWARE\Test\new"))
        .unwrap_err();
    assert_eq!(err.code, WinError::ERROR_ACCESS_DENIED);
    assert!(err.detail.contains("read-only"), "{err}");
    assert_eq!(r.generation().unwrap(), g);
    drop(r);
    assert_eq!(fs::read(&path).unwrap(), before);
}

#[test]
fn a_directory_or_a_missing_file_gives_precise_errors() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        open(dir.path()).unwrap_err().code,
        WinError::ERROR_ACCESS_DENIED
    );
    assert_eq!(
        open(&dir.path().join("missing.db")).unwrap_err().code,
        WinError::ERROR_FILE_NOT_FOUND
    );
    let file = dir.path().join("plain-file");
    fs::write(&file, b"x").unwrap();
    let err = OpenOptions::new()
        .create(true)
        .links(Vec::new())
        .open(file.join("router.db"))
        .unwrap_err();
    assert_eq!(err.code, WinError::ERROR_PATH_NOT_FOUND, "{err}");
    assert_eq!(fs::read(&file).unwrap(), b"x");
}

#[test]
fn a_new_store_and_its_new_directories_are_private() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new/sub/router.db");
    OpenOptions::new()
        .create(true)
        .links(Vec::new())
        .open(&path)
        .unwrap();
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(
        fs::metadata(dir.path().join("new"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o700
    );
    assert_eq!(
        fs::metadata(dir.path().join("new/sub"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o700
    );
    // Nothing but the store is left in the directory once it is closed.
    let names: Vec<_> = fs::read_dir(dir.path().join("new/sub"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["router.db"]);
}

#[test]
fn a_new_store_is_not_mixed_with_the_wal_left_by_a_deleted_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("router.db");
    let old = OpenOptions::new()
        .create(true)
        .links(Vec::new())
        .open(&path)
        .unwrap();
    old.transact(TxMode::Write, &mut |tx| {
        for i in 0..100 {
            tx.create_key(&format!(r"SOFTWARE\Old\{i}"))?;
        }
        Ok(())
    })
    .unwrap();
    // Like a process killed with SIGKILL: the connection is never closed, its WAL stays.
    std::mem::forget(old);
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    assert!(
        fs::metadata(&wal).unwrap().len() > 32,
        "the old store's WAL holds frames"
    );
    fs::remove_file(&path).unwrap();
    let new = OpenOptions::new()
        .create(true)
        .links(Vec::new())
        .open(&path)
        .unwrap();
    new.integrity_check().unwrap();
    let old_keys = new
        .transact(TxMode::Read, &mut |tx| tx.key_exists(r"SOFTWARE\Old"))
        .unwrap();
    assert!(
        !old_keys,
        "frames of the deleted store's WAL were replayed into the new one"
    );
    assert!(
        new.transact(TxMode::Read, &mut |tx| tx
            .key_exists(r"SYSTEM\CurrentControlSet\Services\RemoteAccess"))
            .unwrap()
    );
}
