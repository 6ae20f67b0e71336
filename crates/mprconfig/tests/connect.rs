//! `connect_store` / `Connection`: shared stores, replaced files, backup and restore files,
//! read-only stores, and use from many threads.

use std::os::unix::fs::PermissionsExt;
use std::sync::Arc;

use mprconfig::{Connection, Interface, InterfaceType, WinError, pid};

fn router(name: &str) -> Interface {
    Interface {
        name: name.to_owned(),
        if_type: InterfaceType::FULL_ROUTER,
        enabled: true,
        ..Interface::default()
    }
}

fn names(conn: &Connection) -> Vec<String> {
    conn.interfaces()
        .unwrap()
        .into_iter()
        .map(|e| e.info.name)
        .collect()
}

#[test]
fn a_new_store_holds_the_default_tree_for_this_machine() {
    let dir = tempfile::tempdir().unwrap();
    let conn = mprconfig::connect_store(dir.path().join("router.db")).unwrap();
    let names = names(&conn);
    assert_eq!(&names[..2], ["Loopback", "Internal"]);
    for link in mprconfig::local_links().iter().filter(|l| !l.is_loopback) {
        assert!(
            names.contains(&link.guid),
            "{} ({}) has no interface",
            link.name,
            link.guid
        );
        assert_eq!(conn.get_friendly_name(&link.guid).unwrap(), link.name);
    }
    assert!(conn.transport_get_handle(pid::IP).is_ok());
}

#[test]
fn connections_to_one_store_share_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("router.db");
    let a = mprconfig::connect_store(&path).unwrap();
    let b = mprconfig::connect_store(&path).unwrap();
    let id = a.interface_create(&router("shared")).unwrap();
    assert_eq!(b.interface_get_handle("SHARED").unwrap(), id);
    a.disconnect();
    // Disconnecting one leaves the other, and handles, usable.
    assert_eq!(b.interface_get_info(&id).unwrap().name, "shared");
}

#[test]
fn a_store_deleted_between_connects_is_created_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("router.db");
    let a = mprconfig::connect_store(&path).unwrap();
    a.interface_create(&router("in-first")).unwrap();
    drop(a);
    // Another program removes the store (file and its WAL) while this process has it open.
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let b = mprconfig::connect_store(&path).unwrap();
    assert_eq!(names(&b)[..2], ["Loopback", "Internal"]);
    assert!(!names(&b).contains(&"in-first".to_owned()));
    b.interface_create(&router("in-second")).unwrap();
    assert!(
        mprconfig_store::SqliteRegistry::open(&path)
            .unwrap()
            .integrity_check()
            .is_ok()
    );
}

#[test]
fn a_named_server_is_not_the_local_store() {
    let err = mprconfig::connect(Some("no-such-host.invalid")).unwrap_err();
    assert_eq!(err.code, WinError::ERROR_BAD_NETPATH, "{err}");
}

#[test]
fn backup_and_restore_files_round_trip_and_follow_the_directory_convention() {
    let dir = tempfile::tempdir().unwrap();
    let conn = mprconfig::connect_store(dir.path().join("router.db")).unwrap();
    let id = conn.interface_create(&router("before")).unwrap();
    let blob = {
        let mut h = mprconfig::info::InfoHeader::new(1).unwrap();
        h.add(0xFFFF_0007, 3, 1, b"abc").unwrap();
        h.to_bytes()
    };
    conn.if_transport_add(&id, pid::IP, None, Some(&blob))
        .unwrap();
    let backups = dir.path().join("backups");
    std::fs::create_dir(&backups).unwrap();
    let file = conn.backup_to(&backups).unwrap();
    assert_eq!(file, backups.join(mprconfig::BACKUP_FILE_NAME));
    assert_eq!(std::fs::read(&file).unwrap(), conn.backup().unwrap());
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );

    conn.interface_delete(&id).unwrap();
    conn.interface_create(&router("after")).unwrap();
    // A trailing backslash names the directory too, as on Windows.
    conn.restore_from(format!("{}\\", backups.display()))
        .unwrap();
    let now = names(&conn);
    assert!(now.contains(&"before".to_owned()) && !now.contains(&"after".to_owned()));
    let id = conn.interface_get_handle("before").unwrap();
    let t = conn.if_transport_get_handle(&id, pid::IP).unwrap();
    assert_eq!(conn.if_transport_get_info(&t).unwrap(), Some(blob));
}

#[test]
fn bad_backup_files_give_precise_errors_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let conn = mprconfig::connect_store(dir.path().join("router.db")).unwrap();
    let before = conn.backup().unwrap();
    let missing = conn
        .restore_from(dir.path().join("missing.reg"))
        .unwrap_err();
    assert_eq!(missing.code, WinError::ERROR_PATH_NOT_FOUND, "{missing}");
    let garbage = dir.path().join("garbage.reg");
    std::fs::write(&garbage, b"\x00\x01 this is not a registry export").unwrap();
    assert_ne!(conn.restore_from(&garbage).unwrap_err().code.0, 0);
    assert_eq!(conn.backup().unwrap(), before);
    let no_dir = conn
        .backup_to(dir.path().join("no/such/dir/b.reg"))
        .unwrap_err();
    assert_eq!(no_dir.code, WinError::ERROR_PATH_NOT_FOUND, "{no_dir}");
    assert_eq!(
        conn.backup_to("").unwrap_err().code,
        WinError::ERROR_INVALID_PARAMETER
    );
}

#[test]
fn a_read_only_store_reads_but_refuses_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ro.db");
    {
        // Create it through the store crate so no connection of this process stays cached.
        mprconfig_store::OpenOptions::new()
            .create(true)
            .links(Vec::new())
            .open(&path)
            .unwrap();
    }
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let conn = mprconfig::connect_store(&path).unwrap();
    assert_eq!(names(&conn), ["Loopback", "Internal"]);
    let err = conn.interface_create(&router("nope")).unwrap_err();
    assert_eq!(err.code, WinError::ERROR_ACCESS_DENIED, "{err}");
}

#[test]
fn one_connection_serves_many_threads() {
    let dir = tempfile::tempdir().unwrap();
    let conn = Arc::new(mprconfig::connect_store(dir.path().join("router.db")).unwrap());
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let conn = Arc::clone(&conn);
            std::thread::spawn(move || {
                for i in 0..10 {
                    let name = format!("t{t}-{i}");
                    let id = conn.interface_create(&router(&name)).unwrap();
                    assert_eq!(conn.interface_get_info(&id).unwrap().name, name);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(
        names(&conn).len(),
        2 + mprconfig::local_links()
            .iter()
            .filter(|l| !l.is_loopback)
            .count()
            + 40
    );
}
