//! Store files written by earlier schema versions open with this build: committed files of
//! each version (`tests/fixtures/store-v1.sqlite`, `store-v2.sqlite`) are opened, migrated if
//! needed, read and written. Each future schema version adds its own fixture here, written by
//! the build before it.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use mprconfig_core::info::InfoHeader;
use mprconfig_core::layout::link_guid;
use mprconfig_core::{
    ChangeKind, ChangedObject, Interface, InterfaceType, NetLink, RegistryConfig, RouterConfig, pid,
};
use mprconfig_store::{OpenOptions, SCHEMA_VERSION, SqliteRegistry};

const FIXTURE_V1: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/store-v1.sqlite"
);

const FIXTURE_V2: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/store-v2.sqlite"
);

fn links() -> Vec<NetLink> {
    [("lo", true), ("eth0", false)]
        .into_iter()
        .map(|(n, lo)| NetLink {
            name: n.to_owned(),
            guid: link_guid("fixture", n),
            is_loopback: lo,
        })
        .collect()
}

fn blob(i: u32) -> Vec<u8> {
    let mut h = InfoHeader::new(1).unwrap();
    h.add(0xFFFF_0007, 4, 1, &i.to_le_bytes()).unwrap();
    h.to_bytes()
}

/// Regenerates the version-2 fixture. Only a version-2 build may write it (the version-1
/// fixture came from the version-1 build the same way, with `SCHEMA_VERSION` 1).
#[test]
#[ignore = "writes tests/fixtures/store-v2.sqlite; run by hand with --ignored to regenerate it"]
fn write_the_v2_fixture() {
    assert_eq!(
        SCHEMA_VERSION, 2,
        "the v2 fixture must come from a schema-version-2 build"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    {
        let c = RegistryConfig::new(
            OpenOptions::new()
                .create(true)
                .links(links())
                .open(&path)
                .unwrap(),
        );
        for i in 0..5 {
            let name = format!("Fixture-{i}");
            let iface = Interface {
                name,
                if_type: InterfaceType::FULL_ROUTER,
                enabled: i != 3,
                ..Interface::default()
            };
            let id = c.interface_create(&iface).unwrap();
            c.if_transport_add(&id, pid::IP, None, Some(&blob(i)))
                .unwrap();
        }
    }
    // Closing checkpointed the WAL: the file alone is the whole store.
    assert!(!Path::new(&format!("{}-wal", path.display())).exists());
    std::fs::copy(&path, FIXTURE_V2).unwrap();
}

/// The fixture's objects, read back; then a write, which must be versioned and logged.
fn check_fixture_contents(c: &Arc<RegistryConfig<SqliteRegistry>>) {
    let names: Vec<String> = c
        .interface_enum(0, u32::MAX)
        .unwrap()
        .entries
        .into_iter()
        .map(|e| e.info.name)
        .collect();
    let mut want = vec![
        "Loopback".to_owned(),
        "Internal".to_owned(),
        link_guid("fixture", "eth0"),
    ];
    want.extend((0..5).map(|i| format!("Fixture-{i}")));
    assert_eq!(names, want);
    for i in 0..5 {
        let id = c.interface_get_handle(&format!("fixture-{i}")).unwrap();
        assert_eq!(c.interface_get_info(&id).unwrap().enabled, i != 3);
        let t = c.if_transport_get_handle(&id, pid::IP).unwrap();
        assert_eq!(c.if_transport_get_info(&t).unwrap(), Some(blob(i)));
    }
    assert_eq!(
        c.get_friendly_name(&link_guid("fixture", "eth0")).unwrap(),
        "eth0"
    );
    let mut changes = Arc::clone(c).watch(None).unwrap();
    let before = c
        .interface_get_info_versioned(&c.interface_get_handle("Fixture-0").unwrap())
        .unwrap()
        .version;
    let id = c
        .interface_create(&Interface {
            name: "new".into(),
            if_type: InterfaceType::HOME_ROUTER,
            ..Interface::default()
        })
        .unwrap();
    let versioned = c.interface_get_info_versioned(&id).unwrap();
    assert_ne!(versioned.version, before);
    let change = changes
        .next_timeout(Duration::from_secs(10))
        .unwrap()
        .unwrap();
    assert_eq!(
        (change.kind, change.object, change.version),
        (
            ChangeKind::Created,
            ChangedObject::Interface(id.clone()),
            Some(versioned.version)
        )
    );
    c.interface_delete(&id).unwrap();
}

#[test]
fn a_schema_version_2_store_opens_reads_keeps_its_change_log_and_accepts_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("router.db");
    std::fs::copy(FIXTURE_V2, &path).unwrap();
    let store = SqliteRegistry::open(&path).unwrap();
    store.integrity_check().unwrap();
    let c = Arc::new(RegistryConfig::new(store));
    // The log the fixture's build wrote: the install of the new store, then five interfaces
    // with one interface-transport each.
    let mut log = Arc::clone(&c).watch(Some(0)).unwrap();
    let first = log.next_timeout(Duration::ZERO).unwrap().unwrap();
    assert_eq!(
        (first.seq, first.kind, first.object),
        (1, ChangeKind::Replaced, ChangedObject::Configuration)
    );
    for i in 0..5 {
        let created = log.next_timeout(Duration::ZERO).unwrap().unwrap();
        let added = log.next_timeout(Duration::ZERO).unwrap().unwrap();
        let ChangedObject::Interface(id) = created.object else {
            panic!("{created:?}")
        };
        assert_eq!(id.name, format!("Fixture-{i}"));
        assert!(matches!(added.object, ChangedObject::IfTransport(t) if t.interface == id));
        assert_eq!(
            created.version,
            Some(c.interface_get_info_versioned(&id).unwrap().version)
        );
    }
    assert_eq!(log.next_timeout(Duration::ZERO).unwrap(), None);
    check_fixture_contents(&c);
}

#[test]
fn a_schema_version_1_store_opens_reads_and_accepts_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("router.db");
    std::fs::copy(FIXTURE_V1, &path).unwrap();
    let store = SqliteRegistry::open(&path).unwrap();
    store.integrity_check().unwrap();
    let c = Arc::new(RegistryConfig::new(store));
    // Migrated keys start at version 0, all alike; the log starts empty.
    let id = c.interface_get_handle("Fixture-1").unwrap();
    assert_eq!(
        c.interface_get_info_versioned(&id).unwrap().version.raw(),
        0
    );
    assert_eq!(Arc::clone(&c).watch(None).unwrap().position(), 0);
    check_fixture_contents(&c);
    drop(c);
    let v: u32 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("SELECT version FROM schema_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        v, SCHEMA_VERSION,
        "opening migrates the file to the current schema"
    );
    OpenOptions::new()
        .open(&path)
        .unwrap()
        .integrity_check()
        .unwrap();
}

/// The page size in a store file's header (bytes 16–17, big-endian; 1 means 65,536).
fn page_size(path: &Path) -> u32 {
    let head = std::fs::read(path).unwrap();
    match u16::from_be_bytes([head[16], head[17]]) {
        1 => 65_536,
        n => u32::from(n),
    }
}

#[test]
fn a_new_store_gets_small_pages_and_an_older_store_keeps_its_own_through_writes() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("fresh.db");
    let c = RegistryConfig::new(OpenOptions::new().create(true).open(&fresh).unwrap());
    c.interface_create(&Interface {
        name: "Small".into(),
        if_type: InterfaceType::FULL_ROUTER,
        enabled: true,
        ..Interface::default()
    })
    .unwrap();
    drop(c);
    assert_eq!(page_size(&fresh), 1024);
    // The v2 fixture was written with SQLite's default 4 KiB pages; it is used as it is.
    let old = dir.path().join("old.db");
    std::fs::copy(FIXTURE_V2, &old).unwrap();
    assert_eq!(page_size(&old), 4096);
    let store = SqliteRegistry::open(&old).unwrap();
    let c = Arc::new(RegistryConfig::new(store));
    check_fixture_contents(&c);
    c.interface_create(&Interface {
        name: "AfterUpgrade".into(),
        if_type: InterfaceType::FULL_ROUTER,
        enabled: true,
        ..Interface::default()
    })
    .unwrap();
    c.interface_get_handle("AfterUpgrade").unwrap();
    drop(c);
    assert_eq!(page_size(&old), 4096);
    SqliteRegistry::open(&old)
        .unwrap()
        .integrity_check()
        .unwrap();
}
