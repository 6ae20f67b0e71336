//! Shared helpers of the rrp integration tests: the scratch Samba (shared per test binary, or
//! private when a test changes the server's own configuration) and fresh root keys.

#![allow(dead_code)] // each test binary uses its own subset

use std::sync::atomic::{AtomicU64, Ordering};

use mprconfig_core::{Registry, RegistryTx, Result, TxMode};
use mprconfig_rrp::{RrpOptions, RrpRegistry};
use mprconfig_rrp_testkit::{self as testkit, SambaServer, TestUser};

/// The binary's shared server, or `None` after printing why the test is skipped.
pub fn shared() -> Option<&'static SambaServer> {
    match testkit::shared() {
        Ok(s) => Some(s),
        Err(why) => {
            eprintln!("SKIPPED: {why}");
            None
        }
    }
}

/// A server of this test's own, or `None` after printing why the test is skipped.
pub fn private() -> Option<SambaServer> {
    match SambaServer::start() {
        Ok(s) => Some(s),
        Err(why) => {
            eprintln!("SKIPPED: {why}");
            None
        }
    }
}

/// A root key no other test uses.
pub fn fresh_root(tag: &str) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        r"SOFTWARE\mprconfig-test\{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// Options for `user` on `server` below `root`.
pub fn options(server: &SambaServer, user: &TestUser, root: &str) -> RrpOptions {
    RrpOptions::new("127.0.0.1", server.port, "", &user.user, &user.password).with_root(root)
}

/// A connection as the administrator.
pub fn admin(server: &SambaServer, root: &str) -> RrpRegistry {
    RrpRegistry::connect(options(server, &server.admin, root)).expect("connect as the admin")
}

/// Runs `f` in a write transaction.
pub fn write<T>(
    r: &impl Registry,
    mut f: impl FnMut(&mut dyn RegistryTx) -> Result<T>,
) -> Result<T> {
    r.transact(TxMode::Write, &mut f)
}

/// Runs `f` in a read transaction.
pub fn read<T>(
    r: &impl Registry,
    mut f: impl FnMut(&mut dyn RegistryTx) -> Result<T>,
) -> Result<T> {
    r.transact(TxMode::Read, &mut f)
}
