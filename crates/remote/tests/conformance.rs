//! The core conformance suite against a real server on 127.0.0.1, port 0: every `connect()` is
//! a new remote session (TLS, token, session) on an `mprd` service running
//! `RegistryConfig<SqliteRegistry>` over one store file.

use mprconfig_conformance::{Backend, conformance_suite, test_links};
use mprconfig_core::{RegistryConfig, RouterConfig};
use mprconfig_remote::RemoteConfig;
use mprconfig_remote_testkit::TestServer;
use mprconfig_store::OpenOptions;
use std::sync::Arc;

struct RemoteBackend {
    server: TestServer,
    _dir: tempfile::TempDir,
}

impl Backend for RemoteBackend {
    fn connect(&self) -> Box<dyn RouterConfig> {
        let c = RemoteConfig::connect_with(
            "127.0.0.1",
            self.server.addr.port(),
            self.server.options(Some(&self.server.admin_token)),
        )
        .expect("connect to the test server");
        Box::new(c)
    }
}

fn remote_backend() -> Box<dyn Backend> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("router.db");
    OpenOptions::new()
        .create(true)
        .links(test_links())
        .open(&path)
        .expect("create the store");
    // As mprd does: a few store connections shared by all sessions.
    let pool: Vec<Arc<dyn RouterConfig>> = (0..2)
        .map(|_| {
            Arc::new(RegistryConfig::new(
                mprconfig_store::SqliteRegistry::open(&path).expect("open"),
            )) as Arc<dyn RouterConfig>
        })
        .collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let opener: mprconfig_remote::Opener = Arc::new(move || {
        Ok(pool[next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % pool.len()].clone())
    });
    let server = TestServer::start(dir.path(), opener, |_| {}).expect("start the test server");
    Box::new(RemoteBackend { server, _dir: dir })
}

conformance_suite!(remote_backend());
