//! Failures as registry-layout §5.1 maps them, against a scratch Samba: a wrong password is
//! 1326, an account without rights 5, nothing listening or no such host 53, no
//! `\PIPE\winreg` 53, the server killed mid-call 1722 — and a commit cut short by the kill is
//! reported as such, seen whole by readers and completed by the next writer.

mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use mprconfig_core::{RegValue, Registry, WinError};
use mprconfig_rrp::{RrpOptions, RrpRegistry};
use support::*;

fn code(r: mprconfig_core::Result<RrpRegistry>) -> WinError {
    r.expect_err("the connection must fail").code
}

#[test]
fn a_wrong_password_is_1326() {
    let Some(server) = shared() else { return };
    let mut o = options(server, &server.admin, "");
    o = RrpOptions::new(&o.host, o.port, "", &o.user, "not the password");
    assert_eq!(code(RrpRegistry::connect(o)), WinError::ERROR_LOGON_FAILURE);
    let o = RrpOptions::new("127.0.0.1", server.port, "", "nobody-like-this", "x");
    assert_eq!(code(RrpRegistry::connect(o)), WinError::ERROR_LOGON_FAILURE);
}

#[test]
fn an_account_without_rights_reads_but_writing_is_5_and_changes_nothing() {
    let Some(server) = shared() else { return };
    let root = fresh_root("rights");
    let a = admin(server, &root);
    write(&a, |tx| {
        tx.create_key("K")?;
        tx.set_value("K", "v", &RegValue::dword(7))
    })
    .unwrap();
    let reader = RrpRegistry::connect(options(server, &server.reader, &root)).unwrap();
    let v = read(&reader, |tx| tx.get_value("K", "v")).unwrap();
    assert_eq!(v, Some(RegValue::dword(7)));
    let e = write(&reader, |tx| tx.set_value("K", "v", &RegValue::dword(8))).unwrap_err();
    assert_eq!(e.code, WinError::ERROR_ACCESS_DENIED, "{e}");
    assert_eq!(
        read(&a, |tx| tx.get_value("K", "v")).unwrap(),
        Some(RegValue::dword(7))
    );
    // The refused writer left no lock behind: the administrator writes at once.
    let mut o = options(server, &server.admin, &root);
    o.busy_timeout = Duration::from_millis(300);
    o.lock_lease = Duration::from_secs(600);
    write(&RrpRegistry::connect(o).unwrap(), |tx| {
        tx.set_value("K", "v", &RegValue::dword(9))
    })
    .unwrap();
}

#[test]
fn nothing_listening_or_no_such_host_is_53() {
    // A port nobody listens on (bound, then closed).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut o = RrpOptions::new("127.0.0.1", port, "", "u", "p");
    o.connect_timeout = Duration::from_secs(3);
    assert_eq!(code(RrpRegistry::connect(o)), WinError::ERROR_BAD_NETPATH);
    let mut o = RrpOptions::new("no-such-host.invalid", 445, "", "u", "p");
    o.connect_timeout = Duration::from_secs(3);
    assert_eq!(code(RrpRegistry::connect(o)), WinError::ERROR_BAD_NETPATH);
}

#[test]
fn a_server_without_the_remote_registry_pipe_is_53() {
    let Some(mut server) = private() else { return };
    // No RPC helpers: smbd has no \PIPE\winreg to open.
    server
        .reconfigure("rpc start on demand helpers = no\n")
        .unwrap();
    let e = RrpRegistry::connect(options(&server, &server.admin, "")).unwrap_err();
    assert_eq!(e.code, WinError::ERROR_BAD_NETPATH, "{e}");
    assert!(e.detail.contains("winreg"), "{e}");
}

#[test]
fn a_server_that_requires_smb3_encryption_is_refused_with_a_precise_error() {
    // The smb2 crate does not offer SMB3 encryption, so such a server refuses the session;
    // the registry traffic is sealed by DCE/RPC packet privacy either way (docs/rrp.md).
    let Some(mut server) = private() else { return };
    server
        .reconfigure("server smb encrypt = required\n")
        .unwrap();
    let e = RrpRegistry::connect(options(&server, &server.admin, "")).unwrap_err();
    assert_eq!(e.code, WinError::ERROR_ACCESS_DENIED, "{e}");
    assert!(e.detail.contains("SMB3 encryption"), "{e}");
    assert!(e.detail.contains("docs/rrp.md"), "{e}");
    // The same server with encryption offered but not required works.
    server
        .reconfigure("server smb encrypt = desired\n")
        .unwrap();
    let a = admin(&server, r"SOFTWARE\encrypted");
    write(&a, |tx| {
        tx.create_key("K")?;
        tx.set_value("K", "v", &RegValue::binary(vec![7; 100_000]))
    })
    .unwrap();
    assert_eq!(
        read(&a, |tx| tx.get_value("K", "v")).unwrap(),
        Some(RegValue::binary(vec![7; 100_000]))
    );
}

/// Starts `work` on its own thread, kills the server once `reg` has made `after` more calls,
/// and returns what `work` returned.
fn kill_during<T: Send>(
    server: &mut mprconfig_rrp_testkit::SambaServer,
    reg: &RrpRegistry,
    after: u64,
    work: impl FnOnce() -> T + Send,
) -> T {
    let start = reg.rpc_stats().calls;
    let finished = AtomicBool::new(false);
    std::thread::scope(|s| {
        let h = s.spawn(|| {
            let r = work();
            finished.store(true, Ordering::SeqCst);
            r
        });
        while reg.rpc_stats().calls < start + after {
            assert!(
                !finished.load(Ordering::SeqCst),
                "the work finished before the kill point"
            );
            std::thread::yield_now();
        }
        server.kill();
        h.join().unwrap()
    })
}

#[test]
fn smbd_killed_mid_commit_is_1722_and_the_commit_is_completed_not_half_done() {
    let Some(mut server) = private() else { return };
    let root = r"SOFTWARE\midcommit";
    let mut o = options(&server, &server.admin, root);
    o.lock_lease = Duration::from_millis(500);
    o.call_timeout = Duration::from_secs(5);
    let w = RrpRegistry::connect(o.clone()).unwrap();
    const N: u32 = 400;
    let e = kill_during(&mut server, &w, 120, || {
        write(&w, |tx| {
            tx.create_key("Big")?;
            for i in 0..N {
                tx.set_value("Big", &format!("v{i}"), &RegValue::dword(i))?;
            }
            Ok(())
        })
        .unwrap_err()
    });
    assert_eq!(e.code, WinError::RPC_S_SERVER_UNAVAILABLE, "{e}");
    assert!(
        e.detail.contains("during the commit"),
        "the interruption is reported: {e}"
    );
    assert!(e.detail.contains("journal"), "{e}");

    server.restart().unwrap();
    // The server holds part of the commit (Samba's own view, without our journal) ...
    let raw = server
        .tool(
            "net",
            &server.admin,
            &["enumerate", &format!(r"HKLM\{root}\Big")],
        )
        .unwrap();
    let on_disk = raw.matches("Valuename").count() as u32;
    assert!(
        on_disk > 0 && on_disk < N,
        "{on_disk} of {N} values applied when smbd died"
    );
    // ... but a reader sees the commit whole, through the journal.
    let r = admin(&server, root);
    assert_eq!(read(&r, |tx| tx.values("Big")).unwrap().len(), N as usize);
    // The next writer (after the dead writer's lease) completes it and goes on.
    let w2 = RrpRegistry::connect(o).unwrap();
    write(&w2, |tx| tx.set_value("Big", "after", &RegValue::dword(1))).unwrap();
    let raw = server
        .tool(
            "net",
            &server.admin,
            &["enumerate", &format!(r"HKLM\{root}\Big")],
        )
        .unwrap();
    assert_eq!(raw.matches("Valuename").count() as u32, N + 1);
    // The first registry reconnects by itself.
    assert_eq!(
        read(&w, |tx| tx.values("Big")).unwrap().len(),
        N as usize + 1
    );
}

#[test]
fn smbd_killed_mid_read_is_1722_and_the_registry_reconnects_after() {
    let Some(mut server) = private() else { return };
    let root = r"SOFTWARE\midread";
    let a = admin(&server, root);
    write(&a, |tx| {
        for i in 0..300 {
            tx.create_key(&format!(r"Many\{i}"))?;
        }
        Ok(())
    })
    .unwrap();
    let r = admin(&server, root);
    let e = kill_during(&mut server, &r, 50, || {
        read(&r, |tx| tx.subkeys_with_values("Many")).unwrap_err()
    });
    assert_eq!(e.code, WinError::RPC_S_SERVER_UNAVAILABLE, "{e}");
    // While the server is down, calls fail the same way (the reconnect finds nobody).
    assert_eq!(
        r.generation().unwrap_err().code,
        WinError::RPC_S_SERVER_UNAVAILABLE
    );
    server.restart().unwrap();
    assert_eq!(read(&r, |tx| tx.subkeys("Many")).unwrap().len(), 300);
}
