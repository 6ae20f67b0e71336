//! Router administration through `mprd` against the same call on this machine: a real router
//! manager loop (`mprconfig_router::manager::run`, its Unix socket) and a real `mprd` server
//! (`Server::with_admin` over `mprd::admin::SocketRelay`, TLS 1.3 on 127.0.0.1), both in this
//! process, in a network namespace this bench creates (the process moves into it before any
//! other thread starts; nothing of the host is touched). Without root or namespaces it prints
//! `SKIPPED: reason` and measures nothing.
//!
//! - `admin_get_info/local`: `MprAdminInterfaceGetInfo` (Rust API, `AdminConnection` on the
//!   router manager's socket): one JSON round trip, a store read and a link dump for the live
//!   state. This is the floor the remote call is compared with.
//! - `admin_get_info/remote`: the same call through `mprd`: gRPC over TLS to the relay, which
//!   makes the local call on a kept socket connection.
//! - `config_get_info/remote`: `MprConfigInterfaceGetInfo` through the same `mprd` (a point
//!   read from its reply cache): the cost of the gRPC hop alone.
//!
//! Target: the remote call costs the local one plus about one configuration round trip.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use mprconfig::admin::AdminConnection;
use mprconfig::{Interface, InterfaceType, RouterConfig, pid};
use mprconfig_remote::server::{Server, ServerConfig};
use mprconfig_remote::tls::{self, Trust};
use mprconfig_remote::{ConnectOptions, RemoteAdmin, RemoteConfig, Role, tokens};
use mprconfig_router::manager::{self, Options};

const LINK: &str = "ax0";

fn sh(cmd: &str) {
    let ok = std::process::Command::new("sh")
        .args(["-c", cmd])
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "{cmd}");
}

/// Moves this process (its only thread so far) into a new network namespace with one veth
/// pair up. Why not, if it cannot.
fn enter_namespace() -> Result<(), String> {
    // SAFETY: plain syscall.
    if unsafe { libc::geteuid() } != 0 {
        return Err("needs root (a network namespace for the router manager)".into());
    }
    // SAFETY: plain syscall; called before any other thread exists.
    if unsafe { libc::unshare(libc::CLONE_NEWNET) } != 0 {
        return Err(format!(
            "unshare(CLONE_NEWNET): {}",
            std::io::Error::last_os_error()
        ));
    }
    for tool in ["ip -V", "nft -v"] {
        if !std::process::Command::new("sh")
            .args(["-c", &format!("{tool} >/dev/null 2>&1")])
            .status()
            .is_ok_and(|s| s.success())
        {
            return Err(format!("{tool}: not installed"));
        }
    }
    sh("ip link set lo up");
    sh(&format!(
        "ip link add {LINK} type veth peer name ax1 && ip link set ax1 up"
    ));
    Ok(())
}

fn setup_store(dir: &Path) {
    let conn = mprconfig::connect_store(dir.join("router.db")).expect("store");
    let id = conn
        .interface_create(&Interface {
            name: LINK.into(),
            if_type: InterfaceType::DEDICATED,
            enabled: true,
            ..Interface::default()
        })
        .expect("interface");
    conn.if_transport_add(&id, pid::IP, None, None)
        .expect("transport");
}

fn benches(c: &mut Criterion) {
    if let Err(why) = enter_namespace() {
        eprintln!("SKIPPED: {why}");
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    setup_store(dir.path());
    let store = dir.path().join("router.db");
    let socket = dir.path().join("router.sock");

    // The router manager.
    let mut opts = Options::new(store.clone());
    opts.socket = socket.clone();
    let (stop_manager, stopped) = tokio::sync::oneshot::channel::<()>();
    let manager = rt.spawn(manager::run(opts, async {
        let _ = stopped.await;
    }));
    let local = loop {
        match AdminConnection::connect_path(&socket) {
            Ok(c) => break c,
            Err(_) => std::thread::sleep(Duration::from_millis(10)),
        }
    };

    // mprd relaying to it.
    let (cert, key) = tls::default_tls_paths(&store);
    tls::ensure_self_signed(&cert, &key).expect("certificate");
    let (tls_config, fingerprint) = tls::server_config(&cert, &key).expect("tls");
    let tokens_path = tokens::tokens_path_for_store(&store);
    let token = tokens::add(&tokens_path, "bench", Role::Admin).expect("token");
    let opener = mprd::store_opener(&store, 4).expect("opener");
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("listen");
    let port = listener.local_addr().expect("addr").port();
    let server = Server::new(opener, ServerConfig::new(tls_config, tokens_path))
        .with_admin(Arc::new(mprd::admin::SocketRelay::new(&socket, &store)));
    let (stop_server, server_stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = rt.spawn(server.run(listener, async {
        let _ = server_stopped.await;
    }));
    let connect = || {
        let opts = ConnectOptions::new(
            Some(token.clone()),
            Trust {
                ca: vec![],
                pins: vec![fingerprint.clone()],
            },
        );
        RemoteConfig::connect_with("127.0.0.1", port, opts).expect("connect")
    };
    let remote =
        AdminConnection::remote(RemoteAdmin::over(connect()).expect("relay")).expect("admin");
    let config = connect();

    let id = local.interface_get_handle(LINK).expect("handle");
    // The link comes up once the manager has reconciled; measure the steady state.
    while local
        .interface_get_info(&id)
        .expect("info")
        .connection_state
        != mprconfig::ConnectionState::CONNECTED
    {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(
        remote.interface_get_info(&id).expect("remote"),
        local.interface_get_info(&id).expect("local")
    );

    let mut g = c.benchmark_group("admin_get_info");
    g.bench_function("local", |b| {
        b.iter(|| local.interface_get_info(&id).expect("local"))
    });
    g.bench_function("remote", |b| {
        b.iter(|| remote.interface_get_info(&id).expect("remote"))
    });
    g.finish();
    let mut g = c.benchmark_group("config_get_info");
    g.bench_function("remote", |b| {
        b.iter(|| config.interface_get_info(&id).expect("config"))
    });
    g.finish();

    drop((remote, config, local));
    let _ = stop_server.send(());
    let _ = rt.block_on(serving);
    let _ = stop_manager.send(());
    let _ = rt.block_on(manager);
}

criterion_group!(admin, benches);
criterion_main!(admin);
