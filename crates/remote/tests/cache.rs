//! The server's reply cache for point reads: it answers repeated reads, and never serves a
//! reply the configuration no longer holds or one read from another configuration.

mod common;

use common::{links, router, start};
use mprconfig_core::{PortConfig, RegistryConfig, RouterConfig, ServerInfo, WinError};
use mprconfig_remote_testkit::TestServer;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

#[test]
fn repeated_point_reads_come_from_the_cache_and_see_any_change_at_once() {
    let f = start(|_| {});
    let s = &f.server;
    let a = s.connect_admin().unwrap();
    let first = a.server_get_info().unwrap();
    for _ in 0..5 {
        assert_eq!(a.server_get_info().unwrap(), first);
    }
    assert!(
        s.stats.cached_replies.load(Ordering::SeqCst) >= 5,
        "repeated reads were answered from the cache"
    );

    // Another process changes the store directly (its own connection, not through mprd).
    let outside = RegistryConfig::new(
        mprconfig_store::SqliteRegistry::open(f.dir.path().join("router.db")).unwrap(),
    );
    let mut info: ServerInfo = outside.server_get_info().unwrap();
    info.pptp = PortConfig {
        num_ports: info.pptp.num_ports % 100 + 7,
        ..info.pptp
    };
    outside.server_set_info(1, &info).unwrap();
    // The very next read sees it.
    assert_eq!(a.server_get_info().unwrap().pptp, info.pptp);

    // Another session's change: a name that was "not found" (a cached error reply) is found.
    let missing = a.interface_get_handle("cache-test").unwrap_err();
    assert_eq!(missing.code, WinError::ERROR_NO_SUCH_INTERFACE);
    assert_eq!(
        a.interface_get_handle("cache-test").unwrap_err().code,
        WinError::ERROR_NO_SUCH_INTERFACE
    );
    let b = s.connect_admin().unwrap();
    b.interface_create(&router("cache-test")).unwrap();
    let id = a.interface_get_handle("cache-test").unwrap();
    assert_eq!(a.interface_get_info(&id).unwrap().name, "cache-test");
    b.interface_delete(&id).unwrap();
    assert_eq!(
        a.interface_get_info(&id).unwrap_err().code,
        WinError::ERROR_NO_SUCH_INTERFACE
    );
}

#[test]
fn a_cached_reply_is_never_served_to_a_session_on_another_configuration() {
    // One server whose sessions alternate between two stores with different contents.
    let dirs: Vec<tempfile::TempDir> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let configs: Vec<Arc<dyn RouterConfig>> = dirs
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let store = mprconfig_store::OpenOptions::new()
                .create(true)
                .links(links())
                .open(d.path().join("router.db"))
                .unwrap();
            let c = RegistryConfig::new(store);
            c.interface_create(&router(&format!("only-in-store-{i}")))
                .unwrap();
            Arc::new(c) as Arc<dyn RouterConfig>
        })
        .collect();
    let next = AtomicUsize::new(0);
    let opener: mprconfig_remote::Opener =
        Arc::new(move || Ok(configs[next.fetch_add(1, Ordering::SeqCst) % 2].clone()));
    let server_dir = tempfile::tempdir().unwrap();
    let s = TestServer::start(server_dir.path(), opener, |_| {}).unwrap();
    let on0 = s.connect_admin().unwrap();
    let on1 = s.connect_admin().unwrap();
    for _ in 0..3 {
        assert!(on0.interface_get_handle("only-in-store-0").is_ok());
        assert_eq!(
            on1.interface_get_handle("only-in-store-0")
                .unwrap_err()
                .code,
            WinError::ERROR_NO_SUCH_INTERFACE
        );
        assert!(on1.interface_get_handle("only-in-store-1").is_ok());
        assert_eq!(
            on0.interface_get_handle("only-in-store-1")
                .unwrap_err()
                .code,
            WinError::ERROR_NO_SUCH_INTERFACE
        );
    }
    assert!(s.stats.cached_replies.load(Ordering::SeqCst) >= 4);
}
