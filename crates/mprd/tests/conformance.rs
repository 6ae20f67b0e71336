//! The core conformance suite against the real `mprd` binary on 127.0.0.1, port 0: one
//! daemon per behaviour, every `connect()` a new TLS connection and session.

mod common;

use common::{Daemon, add_token};
use mprconfig::RouterConfig;
use mprconfig_conformance::{Backend, conformance_suite, test_links};

struct MprdBackend {
    daemon: Daemon,
    token: String,
    _dir: tempfile::TempDir,
}

impl Backend for MprdBackend {
    fn connect(&self) -> Box<dyn RouterConfig> {
        Box::new(self.daemon.connect(&self.token).expect("connect to mprd"))
    }
}

fn mprd_backend() -> Box<dyn Backend> {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("router.db");
    // The suite's fixed links, not this machine's.
    mprconfig::store::OpenOptions::new()
        .create(true)
        .links(test_links())
        .open(&store)
        .expect("create the store");
    let token = add_token(&store, "conformance", "admin");
    let daemon = Daemon::start(&store, "127.0.0.1:0", &[]);
    Box::new(MprdBackend {
        daemon,
        token,
        _dir: dir,
    })
}

conformance_suite!(mprd_backend());
