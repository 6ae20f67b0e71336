//! The core conformance suite against `RrpConfig` (`RegistryConfig<RrpRegistry>`) on a scratch Samba server
//! (the fourth backend, after the in-memory registry, the SQLite store and the remote client).
//! Every backend is a fresh configuration under its own root key of one shared smbd; every
//! `connect()` is a new SMB connection, as another program (or another Windows client) would
//! open.

use std::sync::atomic::{AtomicU64, Ordering};

use mprconfig_conformance::{Backend, conformance_suite, test_links};
use mprconfig_core::RouterConfig;
use mprconfig_rrp::{RrpConfig, RrpOptions, RrpRegistry};
use mprconfig_rrp_testkit as testkit;

struct RrpBackend {
    options: RrpOptions,
}

impl Backend for RrpBackend {
    fn connect(&self) -> Box<dyn RouterConfig> {
        Box::new(RrpConfig::new(
            RrpRegistry::connect(self.options.clone()).expect("connect to the scratch smbd"),
        ))
    }
}

/// A fresh configuration, or `None` (after saying why) when Samba cannot run here.
fn rrp_backend() -> Option<Box<dyn Backend>> {
    let server = match testkit::shared() {
        Ok(s) => s,
        Err(why) => {
            eprintln!("SKIPPED: {why}");
            return None;
        }
    };
    static N: AtomicU64 = AtomicU64::new(0);
    let options = RrpOptions::new(
        "127.0.0.1",
        server.port,
        "",
        &server.admin.user,
        &server.admin.password,
    )
    .with_root(&format!(
        r"SOFTWARE\mprconfig-conformance\{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let backend = RrpBackend { options };
    backend
        .connect()
        .install(&test_links())
        .expect("install the default tree");
    Some(Box::new(backend))
}

conformance_suite!(match rrp_backend() {
    Some(b) => b,
    None => return,
});
