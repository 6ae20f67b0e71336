//! Faults and abuse: lost servers, garbage, huge messages, silent peers, time-outs, and use
//! from inside other runtimes. Every wait is bounded; nothing asserts on wall-clock speed.

mod common;

use common::{eventually, router, start};
use mprconfig_core::{Interface, RouterConfig, WinError};
use mprconfig_remote::RemoteConfig;
use std::io::Write;
use std::sync::atomic::Ordering;
use std::time::Duration;

#[test]
fn server_gone_mid_session_gives_1722_and_never_reconnects_silently() {
    let f = start(|_| {});
    let c = f.server.connect_admin().unwrap();
    c.interface_create(&router("before")).unwrap();
    let common::Fixture { server, dir } = f;
    server.stop().unwrap();
    assert_eq!(
        c.server_get_info().unwrap_err().code,
        WinError::RPC_S_SERVER_UNAVAILABLE
    );
    assert_eq!(
        c.interface_create(&router("after")).unwrap_err().code,
        WinError::RPC_S_SERVER_UNAVAILABLE
    );
    drop(dir);
}

#[test]
fn refused_connection_and_bad_names_are_53() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let opts = mprconfig_remote::ConnectOptions::new(None, Default::default());
    assert_eq!(
        RemoteConfig::connect_with("127.0.0.1", port, opts)
            .unwrap_err()
            .code,
        WinError::ERROR_BAD_NETPATH
    );
    assert_eq!(
        mprconfig_remote::connect(r"\\bad name").unwrap_err().code,
        WinError::ERROR_BAD_NETPATH
    );
    assert_eq!(
        mprconfig_remote::connect("host:0").unwrap_err().code,
        WinError::ERROR_BAD_NETPATH
    );
}

#[test]
fn a_server_that_never_answers_the_handshake_times_out_as_53() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut opts = mprconfig_remote::ConnectOptions::new(None, Default::default());
    opts.connect_timeout = Duration::from_millis(300);
    let e = RemoteConfig::connect_with("127.0.0.1", port, opts).unwrap_err();
    assert_eq!(e.code, WinError::ERROR_BAD_NETPATH, "{e}");
    drop(listener);
}

#[test]
fn something_that_is_not_mprd_gives_1722() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let t = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let _ = s.write_all(b"HTTP/1.0 400 Bad Request\r\n\r\n");
    });
    let e = RemoteConfig::connect_with(
        "127.0.0.1",
        port,
        mprconfig_remote::ConnectOptions::new(None, Default::default()),
    )
    .unwrap_err();
    assert_eq!(e.code, WinError::RPC_S_SERVER_UNAVAILABLE, "{e}");
    t.join().unwrap();
}

#[test]
fn garbage_bytes_and_silent_connections_do_not_disturb_other_clients() {
    let f = start(|c| c.handshake_timeout = Duration::from_millis(500));
    let c = f.server.connect_admin().unwrap();
    let baseline = f.server.stats.connections.load(Ordering::SeqCst);
    // Silent peers: connect and never speak.
    let silent: Vec<_> = (0..40)
        .map(|_| std::net::TcpStream::connect(f.server.addr).unwrap())
        .collect();
    // Garbage: random bytes, then a truncated TLS record, then junk after a valid-looking header.
    for i in 0..20u8 {
        let mut s = std::net::TcpStream::connect(f.server.addr).unwrap();
        let junk: Vec<u8> = (0..4096u32)
            .map(|j| (j as u8).wrapping_mul(31).wrapping_add(i))
            .collect();
        let _ = s.write_all(&junk);
        let mut t = std::net::TcpStream::connect(f.server.addr).unwrap();
        let _ = t.write_all(&[0x16, 0x03, 0x01, 0xff, 0xff, 1, 2, 3]);
    }
    for i in 0..50 {
        let id = c.interface_create(&router(&format!("busy-{i}"))).unwrap();
        assert_eq!(c.interface_get_info(&id).unwrap().name, format!("busy-{i}"));
    }
    let other = f.server.connect_admin().unwrap();
    other.server_get_info().unwrap();
    // The silent ones are cut at the handshake time-out.
    assert!(
        eventually(|| f.server.stats.connections.load(Ordering::SeqCst) <= baseline + 1),
        "silent connections were not closed: {}",
        f.server.stats.connections.load(Ordering::SeqCst)
    );
    drop(silent);
    c.server_get_info().unwrap();
}

#[test]
fn a_huge_message_is_refused_and_the_session_and_others_carry_on() {
    let f = start(|c| c.max_message_bytes = 1 << 20);
    let c = f.server.connect_admin().unwrap();
    let other = f.server.connect_admin().unwrap();
    let before = c.backup().unwrap();
    let huge = vec![0x41u8; 3 << 20];
    let e = c.restore(&huge).unwrap_err();
    assert_eq!(e.code, WinError::ERROR_INVALID_PARAMETER, "{e}");
    assert_eq!(c.backup().unwrap(), before);
    let id = c.interface_create(&router("after-huge")).unwrap();
    assert_eq!(other.interface_get_info(&id).unwrap().name, "after-huge");
}

#[test]
fn idle_sessions_time_out_and_their_next_call_is_1722() {
    let f = start(|c| c.idle_session_timeout = Duration::from_millis(200));
    let c = f.server.connect_admin().unwrap();
    c.server_get_info().unwrap();
    assert!(
        eventually(|| f.server.stats.sessions.load(Ordering::SeqCst) == 0),
        "the idle session was not closed"
    );
    assert_eq!(
        c.server_get_info().unwrap_err().code,
        WinError::RPC_S_SERVER_UNAVAILABLE
    );
}

#[test]
fn connections_without_a_session_are_closed() {
    let f = start(|c| c.sessionless_timeout = Duration::from_millis(200));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let _raw = rt.block_on(f.server.raw_client()).unwrap();
    assert!(
        eventually(|| f.server.stats.connections.load(Ordering::SeqCst) == 0),
        "a sessionless connection stayed open"
    );
    // A connection with a session stays: once its watchdog has fired (and looked) twice, it is
    // still open and its session works.
    let c = f.server.connect_admin().unwrap();
    let kept = f.server.stats.watchdog_kept.load(Ordering::SeqCst);
    assert!(
        eventually(|| f.server.stats.watchdog_kept.load(Ordering::SeqCst) >= kept + 2),
        "the watchdog never checked the connection that holds a session"
    );
    assert_eq!(f.server.stats.connections.load(Ordering::SeqCst), 1);
    c.server_get_info().unwrap();
}

#[test]
fn disconnect_and_dropped_connections_free_sessions() {
    let f = start(|_| {});
    let a = f.server.connect_admin().unwrap();
    let b = f.server.connect_reader().unwrap();
    assert_eq!(f.server.stats.sessions.load(Ordering::SeqCst), 2);
    drop(a);
    assert!(eventually(|| f
        .server
        .stats
        .sessions
        .load(Ordering::SeqCst)
        == 1));
    // A raw connection that opens a session and just goes away.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut raw = f.server.raw_client().await.unwrap();
        let mut req = tonic::Request::new(mprconfig_remote::pb::ConnectRequest::default());
        req.metadata_mut().insert(
            "authorization",
            format!("Bearer {}", f.server.admin_token).parse().unwrap(),
        );
        let rep = raw.connect(req).await.unwrap().into_inner();
        assert_eq!(rep.status.unwrap().code, 0);
    });
    drop(rt);
    assert!(
        eventually(|| f.server.stats.sessions.load(Ordering::SeqCst) == 1),
        "the dropped connection's session leaked"
    );
    b.server_get_info().unwrap();
}

#[test]
fn session_limits_give_8() {
    let f = start(|c| c.max_sessions = 2);
    let _a = f.server.connect_admin().unwrap();
    let _b = f.server.connect_admin().unwrap();
    assert_eq!(
        f.server.connect_admin().unwrap_err().code,
        WinError::ERROR_NOT_ENOUGH_MEMORY
    );
}

#[test]
fn connection_limit_refuses_extra_connections_cleanly() {
    let f = start(|c| c.max_connections = 1);
    let a = f.server.connect_admin().unwrap();
    let e = f.server.connect_admin().unwrap_err();
    assert_eq!(e.code, WinError::RPC_S_SERVER_UNAVAILABLE, "{e}");
    a.server_get_info().unwrap();
}

#[test]
fn calls_work_from_inside_another_tokio_runtime_and_from_many_threads() {
    let f = start(|_| {});
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let port = f.server.addr.port();
    let opts = f.server.options(Some(&f.server.admin_token));
    let c = rt.block_on(async move {
        let c = RemoteConfig::connect_with("127.0.0.1", port, opts).unwrap();
        c.interface_create(&router("from-async")).unwrap();
        c
    });
    let c = std::sync::Arc::new(c);
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let c = c.clone();
            std::thread::spawn(move || {
                let id = c.interface_create(&router(&format!("t{i}"))).unwrap();
                c.interface_get_info(&id).unwrap()
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    rt.block_on(async { c.interface_get_handle("from-async").unwrap() });
}

#[test]
fn win32_errors_arrive_bit_identical() {
    let f = start(|_| {});
    let c = f.server.connect_admin().unwrap();
    let e = c.interface_get_handle("no-such-interface").unwrap_err();
    assert_eq!(e.code, WinError::ERROR_NO_SUCH_INTERFACE);
    let dir = tempfile::tempdir().unwrap();
    let local = mprconfig_core::RegistryConfig::new(
        mprconfig_store::OpenOptions::new()
            .create(true)
            .links(common::links())
            .open(dir.path().join("l.db"))
            .unwrap(),
    );
    assert_eq!(
        local.interface_get_handle("no-such-interface").unwrap_err(),
        e
    );
    let bad = local
        .interface_create(&Interface {
            name: String::new(),
            ..router("")
        })
        .unwrap_err();
    assert_eq!(
        c.interface_create(&Interface {
            name: String::new(),
            ..router("")
        })
        .unwrap_err(),
        bad
    );
}
