//! `mprconfig-remote-testkit`: a real server on `127.0.0.1`, port 0, for the tests of
//! `mprconfig-remote` and of the crates above it (the conformance suite's remote backend, the
//! CLI's remote tests). Test infrastructure, kept out of the published crate (`publish = false`).
//!
//! [`TestServer::start`] creates a self-signed certificate and an admin and a reader token in
//! the given directory, runs [`mprconfig_remote::server::Server`] on its own runtime thread,
//! and stops it (with the normal drain) when dropped.

use mprconfig_core::{Error, Result, WinError};
use mprconfig_remote::client::{ConnectOptions, RemoteConfig};
use mprconfig_remote::server::Server;
use mprconfig_remote::tls::{self, Trust};
use mprconfig_remote::tokens::{self, Role};
// What a TestServer is started with and exposes, so its users need nothing else from the crate.
pub use mprconfig_remote::server::{Opener, ServerConfig, Stats};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A running server.
pub struct TestServer {
    /// Where it listens.
    pub addr: SocketAddr,
    /// SHA-256 fingerprint of its certificate.
    pub fingerprint: String,
    /// Its certificate file (usable as `MPRCONFIG_CA`).
    pub cert_path: PathBuf,
    /// Its token file.
    pub tokens_path: PathBuf,
    /// A token with the admin role.
    pub admin_token: String,
    /// A token with the reader role.
    pub reader_token: String,
    /// Its live counters.
    pub stats: Arc<Stats>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

fn internal(e: impl std::fmt::Display) -> Error {
    Error::new(WinError::ERROR_INTERNAL_ERROR, e.to_string())
}

impl TestServer {
    /// Starts a server whose files (certificate, key, tokens) live in `dir` and whose sessions
    /// are opened by `opener`; `tweak` may change limits and time-outs first.
    pub fn start(
        dir: &Path,
        opener: Opener,
        tweak: impl FnOnce(&mut ServerConfig),
    ) -> Result<TestServer> {
        let (cert_path, key_path) = tls::default_tls_paths(&dir.join("router.db"));
        tls::ensure_self_signed(&cert_path, &key_path)?;
        let (tls_config, fingerprint) = tls::server_config(&cert_path, &key_path)?;
        let tokens_path = tokens::tokens_path_for_store(&dir.join("router.db"));
        let admin_token = tokens::add(
            &tokens_path,
            &format!("admin-{}", hex::encode(rand::random::<[u8; 4]>())),
            Role::Admin,
        )?;
        let reader_token = tokens::add(
            &tokens_path,
            &format!("reader-{}", hex::encode(rand::random::<[u8; 4]>())),
            Role::Reader,
        )?;
        let mut config = ServerConfig::new(tls_config, tokens_path.clone());
        tweak(&mut config);
        let server = Server::new(opener, config);
        let stats = server.stats();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("mprd-test".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()?;
                rt.block_on(async move {
                    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
                    let _ = addr_tx.send(listener.local_addr()?);
                    server
                        .run(listener, async move {
                            let _ = stop_rx.await;
                        })
                        .await
                })
            })
            .map_err(internal)?;
        let addr = addr_rx
            .recv()
            .map_err(|_| internal("the test server did not start"))?;
        Ok(TestServer {
            addr,
            fingerprint,
            cert_path,
            tokens_path,
            admin_token,
            reader_token,
            stats,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }

    /// Options that pin this server's certificate and present `token`.
    pub fn options(&self, token: Option<&str>) -> ConnectOptions {
        ConnectOptions::new(
            token.map(str::to_string),
            Trust {
                ca: Vec::new(),
                pins: vec![self.fingerprint.clone()],
            },
        )
    }

    /// A session with the admin token.
    pub fn connect_admin(&self) -> Result<RemoteConfig> {
        RemoteConfig::connect_with(
            "127.0.0.1",
            self.addr.port(),
            self.options(Some(&self.admin_token)),
        )
    }

    /// A session with the reader token.
    pub fn connect_reader(&self) -> Result<RemoteConfig> {
        RemoteConfig::connect_with(
            "127.0.0.1",
            self.addr.port(),
            self.options(Some(&self.reader_token)),
        )
    }

    /// A raw protocol client on a connection of its own (certificate pinned), for tests that
    /// speak the protocol directly. Must be awaited inside a tokio runtime.
    pub async fn raw_client(
        &self,
    ) -> Result<
        mprconfig_remote::pb::router_config_service_client::RouterConfigServiceClient<
            tonic::transport::Channel,
        >,
    > {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
        let trust = Trust {
            ca: Vec::new(),
            pins: vec![self.fingerprint.clone()],
        };
        let ch = mprconfig_remote::client::open_channel(
            "127.0.0.1",
            self.addr.port(),
            trust,
            Some(std::time::Duration::from_secs(30)),
            deadline,
        )
        .await?;
        Ok(mprconfig_remote::pb::router_config_service_client::RouterConfigServiceClient::new(ch))
    }

    /// Signals shutdown and waits until the server has drained and stopped.
    pub fn stop(mut self) -> std::io::Result<()> {
        self.stop_inner()
    }

    fn stop_inner(&mut self) -> std::io::Result<()> {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        match self.thread.take() {
            Some(t) => t
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("the test server thread panicked"))),
            None => Ok(()),
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.stop_inner();
    }
}
