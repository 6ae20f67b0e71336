//! The `mprd` binary: serve, tokens, signals, kill and restart.

mod common;

use common::{Daemon, MPRD, add_token};
use mprconfig::{Interface, InterfaceType, RouterConfig, WinError};
use std::process::Command;

fn router(name: &str) -> Interface {
    Interface {
        name: name.into(),
        if_type: InterfaceType::FULL_ROUTER,
        enabled: true,
        ..Default::default()
    }
}

#[test]
fn serve_creates_a_certificate_prints_its_fingerprint_and_tokens_are_managed_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("router.db");
    let admin = add_token(&store, "ops", "admin");
    assert_eq!(admin.len(), 64);
    let reader = add_token(&store, "monitor", "reader");
    let d = Daemon::start(&store, "127.0.0.1:0", &[]);
    assert!(dir.path().join("tls/server.crt").is_file());
    let cert = mprconfig_remote::tls::load_certs(&dir.path().join("tls/server.crt")).unwrap();
    assert_eq!(d.fingerprint, mprconfig_remote::tls::fingerprint(&cert[0]));

    let list = Command::new(MPRD)
        .args(["token", "list", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    let text = String::from_utf8(list.stdout).unwrap();
    assert!(
        text.contains("ops")
            && text.contains("admin")
            && text.contains("monitor")
            && text.contains("reader")
    );
    assert!(
        !text.contains(&admin) && !text.contains(&reader),
        "secrets are never listed"
    );
    assert!(
        !std::fs::read_to_string(dir.path().join("tokens.toml"))
            .unwrap()
            .contains(&admin)
    );

    let c = d.connect(&admin).unwrap();
    c.interface_create(&router("via-mprd")).unwrap();
    let r = d.connect(&reader).unwrap();
    assert_eq!(
        r.interface_create(&router("nope")).unwrap_err().code,
        WinError::ERROR_ACCESS_DENIED
    );

    let out = Command::new(MPRD)
        .args(["token", "revoke", "ops", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        d.connect(&admin).unwrap_err().code,
        WinError::ERROR_ACCESS_DENIED
    );
    assert_eq!(
        c.interface_create(&router("after-revoke"))
            .unwrap_err()
            .code,
        WinError::ERROR_ACCESS_DENIED
    );
    let out = Command::new(MPRD)
        .args(["token", "revoke", "ops", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "revoking an unknown token fails"
    );
}

#[test]
fn given_certificate_files_are_used_instead_of_a_generated_one() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("router.db");
    let (c, k) = (dir.path().join("mine.crt"), dir.path().join("mine.key"));
    mprconfig_remote::tls::ensure_self_signed(&c, &k).unwrap();
    let token = add_token(&store, "a", "admin");
    let d = Daemon::start(
        &store,
        "127.0.0.1:0",
        &[
            "--tls-cert",
            c.to_str().unwrap(),
            "--tls-key",
            k.to_str().unwrap(),
        ],
    );
    assert!(!dir.path().join("tls").exists());
    assert_eq!(
        d.fingerprint,
        mprconfig_remote::tls::fingerprint(&mprconfig_remote::tls::load_certs(&c).unwrap()[0])
    );
    d.connect(&token).unwrap().server_get_info().unwrap();
}

#[test]
fn killed_server_gives_1722_promptly_and_a_restart_has_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("router.db");
    let token = add_token(&store, "a", "admin");
    let mut d = Daemon::start(&store, "127.0.0.1:0", &[]);
    let port = d.addr.port();
    let c = d.connect(&token).unwrap();
    let id = c.interface_create(&router("survivor")).unwrap();
    c.if_transport_add(&id, 0x21, None, None).unwrap();
    d.kill();
    let e = c.interface_get_info(&id).unwrap_err();
    assert_eq!(e.code, WinError::RPC_S_SERVER_UNAVAILABLE, "{e}");
    // "Promptly": the client saw the connection die; it did not wait for the call time-out
    // (whose 1722 says "did not answer within").
    assert!(e.detail.contains("is lost"), "{e}");

    let d2 = Daemon::start(&store, &format!("127.0.0.1:{port}"), &[]);
    assert_eq!(
        d2.fingerprint, d.fingerprint,
        "the certificate is kept across restarts"
    );
    // The old session is gone for good; a new connect works and sees the data.
    assert_eq!(
        c.server_get_info().unwrap_err().code,
        WinError::RPC_S_SERVER_UNAVAILABLE
    );
    let c2 = d2.connect(&token).unwrap();
    let id2 = c2.interface_get_handle("survivor").unwrap();
    c2.if_transport_get_handle(&id2, 0x21).unwrap();
}

#[test]
fn sigterm_drains_and_exits_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("router.db");
    let token = add_token(&store, "a", "admin");
    let mut d = Daemon::start(&store, "127.0.0.1:0", &[]);
    let c = d.connect(&token).unwrap();
    c.interface_create(&router("before-term")).unwrap();
    let status = d.terminate();
    assert!(status.success(), "exit status {status:?}");
    assert_eq!(
        c.server_get_info().unwrap_err().code,
        WinError::RPC_S_SERVER_UNAVAILABLE
    );
    let d2 = Daemon::start(&store, "127.0.0.1:0", &[]);
    d2.connect(&token)
        .unwrap()
        .interface_get_handle("before-term")
        .unwrap();
}

#[test]
fn bad_usage_and_unusable_listen_addresses_fail_with_messages() {
    let out = Command::new(MPRD)
        .args(["serve", "--bogus"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(MPRD)
        .args(["serve", "--listen", "256.0.0.1:1", "--store"])
        .arg(dir.path().join("r.db"))
        .env("MPRD_LOG", "off")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot listen"));
}
