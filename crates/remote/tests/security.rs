//! Security of the remote protocol: tokens, roles, certificate trust, TLS only.

mod common;

use common::{eventually, router, start};
use mprconfig_core::{RouterConfig, WinError};
use mprconfig_remote::tls::Trust;
use mprconfig_remote::{ConnectOptions, RemoteConfig, tokens};
use std::io::{Read, Write};
use std::sync::atomic::Ordering;

fn code<T: std::fmt::Debug>(r: mprconfig_core::Result<T>) -> WinError {
    r.expect_err("expected an error").code
}

#[test]
fn no_token_wrong_token_and_revoked_token_are_denied_and_change_nothing() {
    let f = start(|_| {});
    let s = &f.server;
    let admin = s.connect_admin().unwrap();
    let before = admin.backup().unwrap();
    let opened = s.stats.sessions_opened.load(Ordering::SeqCst);

    let port = s.addr.port();
    assert_eq!(
        code(RemoteConfig::connect_with(
            "127.0.0.1",
            port,
            s.options(None)
        )),
        WinError::ERROR_ACCESS_DENIED
    );
    let wrong = "0".repeat(64);
    assert_eq!(
        code(RemoteConfig::connect_with(
            "127.0.0.1",
            port,
            s.options(Some(&wrong))
        )),
        WinError::ERROR_ACCESS_DENIED
    );
    assert_eq!(
        code(RemoteConfig::connect_with(
            "127.0.0.1",
            port,
            s.options(Some("not\na token"))
        )),
        WinError::ERROR_ACCESS_DENIED
    );

    let secret = tokens::add(&s.tokens_path, "temp", tokens::Role::Admin).unwrap();
    let doomed = RemoteConfig::connect_with("127.0.0.1", port, s.options(Some(&secret))).unwrap();
    tokens::revoke(&s.tokens_path, "temp").unwrap();
    assert_eq!(
        code(RemoteConfig::connect_with(
            "127.0.0.1",
            port,
            s.options(Some(&secret))
        )),
        WinError::ERROR_ACCESS_DENIED
    );
    // An open session of a revoked token loses its rights at once.
    assert_eq!(
        code(doomed.interface_create(&router("by-revoked"))),
        WinError::ERROR_ACCESS_DENIED
    );
    assert_eq!(
        code(doomed.server_get_info()),
        WinError::ERROR_ACCESS_DENIED
    );

    assert_eq!(
        s.stats.sessions_opened.load(Ordering::SeqCst),
        opened + 1,
        "only the later-revoked token opened a session"
    );
    assert_eq!(admin.backup().unwrap(), before, "nothing changed");
}

#[test]
fn reader_can_read_and_every_write_is_denied() {
    let f = start(|_| {});
    let admin = f.server.connect_admin().unwrap();
    let if_id = admin.interface_create(&router("r1")).unwrap();
    let ift = admin.if_transport_add(&if_id, 0x21, None, None).unwrap();
    let ip = admin.transport_get_handle(0x21).unwrap();
    let before = admin.backup().unwrap();

    let r = f.server.connect_reader().unwrap();
    assert_eq!(r.role(), tokens::Role::Reader);
    // Reads work.
    r.refresh().unwrap();
    r.server_get_info().unwrap();
    r.server_get_info_ex().unwrap();
    assert_eq!(r.interface_get_info(&if_id).unwrap().name, "r1");
    assert!(
        r.interface_enum(0, 100)
            .unwrap()
            .entries
            .iter()
            .any(|e| e.info.name == "r1")
    );
    r.transport_enum(0, 100).unwrap();
    r.if_transport_enum(&if_id, 0, 100).unwrap();
    r.transport_get_info(&ip).unwrap();
    r.if_transport_get_info(&ift).unwrap();
    r.interface_get_custom_info(&if_id).unwrap();
    r.filter_get_info(0x21).unwrap();
    assert_eq!(r.backup().unwrap(), before);

    // Every write is denied.
    let denied = WinError::ERROR_ACCESS_DENIED;
    let si = r.server_get_info().unwrap();
    assert_eq!(code(r.install(&common::links())), denied);
    assert_eq!(code(r.server_set_info(1, &si)), denied);
    assert_eq!(code(r.server_set_info_ex(&Default::default())), denied);
    assert_eq!(code(r.restore(&before)), denied);
    assert_eq!(code(r.interface_create(&router("r2"))), denied);
    assert_eq!(code(r.interface_delete(&if_id)), denied);
    assert_eq!(code(r.interface_set_info(&if_id, 0, &router("r1"))), denied);
    assert_eq!(
        code(r.interface_set_custom_info(&if_id, &Default::default())),
        denied
    );
    assert_eq!(code(r.if_transport_add(&if_id, 0x57, None, None)), denied);
    assert_eq!(code(r.if_transport_remove(&ift)), denied);
    assert_eq!(code(r.if_transport_set_info(&ift, &[])), denied);
    assert_eq!(
        code(r.transport_create(0x2B, None, None, None, None)),
        denied
    );
    assert_eq!(code(r.transport_delete(&ip)), denied);
    assert_eq!(
        code(r.transport_set_info(&ip, None, None, Some("x.dll"))),
        denied
    );
    assert_eq!(code(r.filter_set_info(0x21, true)), denied);
    assert_eq!(admin.backup().unwrap(), before, "nothing changed");
}

#[test]
fn untrusted_certificate_is_denied_with_its_fingerprint_and_nothing_is_sent() {
    let f = start(|_| {});
    let s = &f.server;
    let port = s.addr.port();
    let requests = s.stats.requests.load(Ordering::SeqCst);

    let none = ConnectOptions::new(Some(s.admin_token.clone()), Trust::default());
    let e = RemoteConfig::connect_with("127.0.0.1", port, none).unwrap_err();
    assert_eq!(e.code, WinError::ERROR_ACCESS_DENIED);
    assert!(
        e.detail.contains(&s.fingerprint),
        "detail names the fingerprint: {}",
        e.detail
    );

    let wrong_pin = ConnectOptions::new(
        Some(s.admin_token.clone()),
        Trust {
            ca: vec![],
            pins: vec!["ab".repeat(32)],
        },
    );
    assert_eq!(
        code(RemoteConfig::connect_with("127.0.0.1", port, wrong_pin)),
        WinError::ERROR_ACCESS_DENIED
    );

    // A CA file with some other certificate does not vouch for this server.
    let other = tempfile::tempdir().unwrap();
    let (oc, ok) = mprconfig_remote::tls::default_tls_paths(&other.path().join("x.db"));
    mprconfig_remote::tls::ensure_self_signed(&oc, &ok).unwrap();
    let wrong_ca = ConnectOptions::new(
        Some(s.admin_token.clone()),
        Trust {
            ca: mprconfig_remote::tls::load_certs(&oc).unwrap(),
            pins: vec![],
        },
    );
    assert_eq!(
        code(RemoteConfig::connect_with("127.0.0.1", port, wrong_ca)),
        WinError::ERROR_ACCESS_DENIED
    );

    assert_eq!(
        s.stats.requests.load(Ordering::SeqCst),
        requests,
        "no request reached the server"
    );
    assert_eq!(s.stats.sessions.load(Ordering::SeqCst), 0);

    // Its own certificate as MPRCONFIG_CA is trusted.
    let right_ca = ConnectOptions::new(
        Some(s.admin_token.clone()),
        Trust {
            ca: mprconfig_remote::tls::load_certs(&s.cert_path).unwrap(),
            pins: vec![],
        },
    );
    RemoteConfig::connect_with("127.0.0.1", port, right_ca)
        .unwrap()
        .server_get_info()
        .unwrap();
}

#[test]
fn a_resumable_tls_session_never_bypasses_a_changed_trust() {
    let f = start(|_| {});
    let s = &f.server;
    let port = s.addr.port();
    let pinned = || {
        ConnectOptions::new(
            Some(s.admin_token.clone()),
            Trust {
                ca: vec![],
                pins: vec![s.fingerprint.clone()],
            },
        )
    };
    // The first connect is a full handshake; the next ones under the same trust resume.
    for _ in 0..3 {
        RemoteConfig::connect_with("127.0.0.1", port, pinned())
            .unwrap()
            .server_get_info()
            .unwrap();
    }
    assert!(
        s.stats.resumed_handshakes.load(Ordering::SeqCst) >= 1,
        "later connects under one trust resume their TLS session"
    );
    // The dropped sessions' disconnects are sent in the background; once their connections
    // are closed nothing more can arrive.
    assert!(eventually(
        || s.stats.connections.load(Ordering::SeqCst) == 0
    ));
    let requests = s.stats.requests.load(Ordering::SeqCst);
    // Another trust never uses those sessions: the certificate is checked again and refused.
    let wrong_pin = ConnectOptions::new(
        Some(s.admin_token.clone()),
        Trust {
            ca: vec![],
            pins: vec!["cd".repeat(32)],
        },
    );
    assert_eq!(
        code(RemoteConfig::connect_with("127.0.0.1", port, wrong_pin)),
        WinError::ERROR_ACCESS_DENIED
    );
    let none = ConnectOptions::new(Some(s.admin_token.clone()), Trust::default());
    assert_eq!(
        code(RemoteConfig::connect_with("127.0.0.1", port, none)),
        WinError::ERROR_ACCESS_DENIED
    );
    assert_eq!(
        s.stats.requests.load(Ordering::SeqCst),
        requests,
        "no request reached the server"
    );
}

#[test]
fn plaintext_connections_are_refused() {
    let f = start(|_| {});
    let requests = f.server.stats.requests.load(Ordering::SeqCst);
    // An HTTP/2 prior-knowledge preface, as a plaintext gRPC client sends it.
    let mut tcp = std::net::TcpStream::connect(f.server.addr).unwrap();
    tcp.set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    tcp.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").unwrap();
    let mut buf = [0u8; 64];
    // The server closes the connection (EOF, or a reset) without an HTTP/2 answer.
    match tcp.read(&mut buf) {
        Ok(n) => assert!(
            n == 0 || buf[0] == 0x15,
            "a TLS alert or EOF, not HTTP/2: {:?}",
            &buf[..n]
        ),
        Err(e) => assert_ne!(
            e.kind(),
            std::io::ErrorKind::WouldBlock,
            "the server kept a plaintext connection open"
        ),
    }
    // A real plaintext gRPC client gets nowhere either.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let addr = f.server.addr;
    let outcome = rt.block_on(async move {
        let ch = tonic::transport::Endpoint::from_shared(format!("http://{addr}"))
            .unwrap()
            .connect_timeout(std::time::Duration::from_secs(5))
            .timeout(std::time::Duration::from_secs(5))
            .connect()
            .await;
        match ch {
            Err(_) => true,
            Ok(ch) => {
                let mut c = mprconfig_remote::pb::router_config_service_client::RouterConfigServiceClient::new(ch);
                c.connect(mprconfig_remote::pb::ConnectRequest::default()).await.is_err()
            }
        }
    });
    assert!(outcome, "a plaintext gRPC call must fail");
    assert_eq!(f.server.stats.requests.load(Ordering::SeqCst), requests);
    // The server counts the refusal just after sending its alert; the client may see the
    // alert first.
    assert!(eventually(|| f
        .server
        .stats
        .refused_connections
        .load(Ordering::SeqCst)
        >= 1));
}

#[test]
fn a_session_id_is_useless_on_another_connection() {
    let f = start(|_| {});
    let a = f.server.connect_admin().unwrap();
    let before = a.backup().unwrap();
    let session = a.session_id().to_string();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let reply = rt.block_on(async {
        let mut raw = f.server.raw_client().await.unwrap();
        let req = mprconfig_remote::pb::InterfaceCreateRequest {
            session: session.clone(),
            info: Some((&router("stolen")).into()),
        };
        raw.interface_create(req).await.unwrap().into_inner()
    });
    assert_eq!(
        reply.status.unwrap().code,
        WinError::RPC_S_SERVER_UNAVAILABLE.0
    );
    assert_eq!(a.backup().unwrap(), before);
    a.server_get_info().unwrap();
}

#[test]
fn connect_without_authorization_over_the_raw_protocol_is_denied() {
    let f = start(|_| {});
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let reply = rt.block_on(async {
        let mut raw = f.server.raw_client().await.unwrap();
        let mut req = tonic::Request::new(mprconfig_remote::pb::ConnectRequest::default());
        req.metadata_mut()
            .insert("authorization", "Basic abc".parse().unwrap());
        raw.connect(req).await.unwrap().into_inner()
    });
    assert_eq!(reply.status.unwrap().code, WinError::ERROR_ACCESS_DENIED.0);
    assert!(reply.session.is_empty());
    assert_eq!(f.server.stats.sessions.load(Ordering::SeqCst), 0);
}
