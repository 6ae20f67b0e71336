//! Shared set-up of the remote integration tests: a fresh store and a real server on
//! 127.0.0.1, port 0.

#![allow(dead_code)]

use mprconfig_core::{RegistryConfig, RouterConfig};
use mprconfig_remote::server::ServerConfig;
use mprconfig_remote_testkit::TestServer;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A server over a fresh store in its own temp dir.
pub struct Fixture {
    pub server: TestServer,
    pub dir: tempfile::TempDir,
}

/// An enabled full-router interface named `name`.
pub fn router(name: &str) -> mprconfig_core::Interface {
    mprconfig_core::Interface {
        name: name.into(),
        if_type: mprconfig_core::InterfaceType::FULL_ROUTER,
        enabled: true,
        ..Default::default()
    }
}

pub fn links() -> Vec<mprconfig_core::NetLink> {
    mprconfig_conformance::test_links()
}

pub fn start(tweak: impl FnOnce(&mut ServerConfig)) -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("router.db");
    mprconfig_store::OpenOptions::new()
        .create(true)
        .links(links())
        .open(&path)
        .expect("create the store");
    let config: Arc<dyn RouterConfig> = Arc::new(RegistryConfig::new(
        mprconfig_store::SqliteRegistry::open(&path).expect("open the store"),
    ));
    let opener: mprconfig_remote::Opener = Arc::new(move || Ok(config.clone()));
    let server = TestServer::start(dir.path(), opener, tweak).expect("start the server");
    Fixture { server, dir }
}

/// Waits (bounded) until `cond` holds; false if it never did within 20 s.
pub fn eventually(mut cond: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + Duration::from_secs(20);
    while Instant::now() < end {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    cond()
}
