//! The service side: [`run`] serves the protocol over TLS 1.3 on a listener until a shutdown
//! future completes, then drains.
//!
//! One task per connection. The TLS handshake runs in that task under a time limit, so a peer
//! that connects and never speaks holds nothing but its slot, and only until the limit. Each
//! connection is wrapped so that the sessions it opened die with it, and so that a connection
//! that holds no session for [`ServerConfig::sessionless_timeout`] is closed. A session is a
//! `RouterConfig` given by the [`Opener`]; every call is one store transaction. Light reads run
//! right on the async worker (a warm read is a few microseconds of cached SQLite work, less than
//! handing it to another thread costs); writes, which wait for fsync, and scans (enumerations,
//! backups) run on the blocking pool. Replies carry the Win32 code and detail unchanged.

mod admin;
mod cache;
mod config;
mod conn;
mod service;
mod sessions;
mod streams;

pub use admin::MAX_RELAYED;
pub use config::{Opener, ServerConfig, Stats};
pub use sessions::ConnInfo;

use crate::admin::RouterAdmin;
use crate::pb::router_admin_service_server::RouterAdminServiceServer;
use crate::pb::router_config_service_server::RouterConfigServiceServer;
use crate::tokens::TokenCache;
use admin::AdminService;
use cache::ReplyCache;
use conn::{ServerConn, accept_loop};
use service::Service;
use sessions::Shared;
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;
use tokio_stream::StreamExt;

/// A server ready to run: [`Server::stats`] can be read while [`Server::run`] serves.
pub struct Server {
    shared: Arc<Shared>,
    relay: Option<Arc<dyn RouterAdmin>>,
}

impl Server {
    /// A server whose sessions are opened by `opener`, with the given limits.
    pub fn new(opener: Opener, config: ServerConfig) -> Server {
        let tokens = TokenCache::new(config.tokens_path.clone());
        Server {
            shared: Arc::new(Shared {
                replies: ReplyCache::default(),
                opener,
                config,
                tokens,
                sessions: RwLock::new(HashMap::new()),
                stats: Arc::new(Stats::default()),
                next_conn: AtomicU64::new(1),
                epoch: Instant::now(),
                stopping: AtomicBool::new(false),
            }),
            relay: None,
        }
    }

    /// Serves router administration (`RouterAdminService`) too, relayed to `relay` (`mprd`
    /// passes its router manager's socket). Without this, every administration call answers
    /// `RPC_S_UNKNOWN_IF` (1717).
    pub fn with_admin(mut self, relay: Arc<dyn RouterAdmin>) -> Server {
        self.relay = Some(relay);
        self
    }

    /// Live counters.
    pub fn stats(&self) -> Arc<Stats> {
        self.shared.stats.clone()
    }

    /// Serves on `listener` until `shutdown` completes, then stops accepting, lets in-flight
    /// calls finish for at most the drain time-out, and returns once every connection is closed.
    pub async fn run(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()>,
    ) -> std::io::Result<()> {
        let shared = self.shared;
        let cfg = &shared.config;
        let admin = RouterAdminServiceServer::new(AdminService {
            shared: shared.clone(),
            relay: self.relay,
            turns: Arc::new(tokio::sync::Semaphore::new(MAX_RELAYED)),
        })
        .max_decoding_message_size(cfg.max_message_bytes)
        .max_encoding_message_size(cfg.max_message_bytes);
        let svc = RouterConfigServiceServer::new(Service {
            shared: shared.clone(),
        })
        .max_decoding_message_size(cfg.max_message_bytes)
        .max_encoding_message_size(cfg.max_message_bytes);
        let (reporter, health) = tonic_health::server::health_reporter();
        reporter
            .set_serving::<RouterConfigServiceServer<Service>>()
            .await;

        let (stop_tx, stop_rx) = watch::channel(false);
        let (conn_tx, conn_rx) = mpsc::channel::<ServerConn>(64);
        let incoming =
            tokio_stream::wrappers::ReceiverStream::new(conn_rx).map(Ok::<_, std::io::Error>);
        let mut stop_serving = stop_rx.clone();
        let serve = tonic::transport::Server::builder()
            .http2_keepalive_interval(Some(Duration::from_secs(30)))
            .http2_keepalive_timeout(Some(Duration::from_secs(10)))
            .max_concurrent_streams(cfg.max_concurrent_streams)
            .http2_max_header_list_size(16 * 1024)
            .add_service(health)
            .add_service(svc)
            .add_service(admin)
            .serve_with_incoming_shutdown(incoming, async move {
                let _ = stop_serving.wait_for(|s| *s).await;
            });

        let local = listener.local_addr().ok();
        let accept = tokio::spawn(accept_loop(
            shared.clone(),
            listener,
            conn_tx,
            stop_rx.clone(),
        ));
        let reaper = {
            let shared = shared.clone();
            let mut stop = stop_rx.clone();
            let every = (cfg.idle_session_timeout / 4)
                .clamp(Duration::from_millis(100), Duration::from_secs(30));
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(every);
                loop {
                    tokio::select! {
                        _ = stop.wait_for(|s| *s) => return,
                        _ = tick.tick() => shared.reap_idle(),
                    }
                }
            })
        };
        tracing::info!(listen = ?local, "serving");

        tokio::pin!(serve);
        tokio::pin!(shutdown);
        let early = tokio::select! {
            r = &mut serve => Some(r),
            () = &mut shutdown => None,
        };
        let _ = stop_tx.send(true);
        shared.stopping.store(true, Ordering::SeqCst);
        let result = match early {
            Some(r) => r,
            None => {
                tracing::info!(
                    connections = shared.stats.connections.load(Ordering::Relaxed),
                    sessions = shared.stats.sessions.load(Ordering::Relaxed),
                    "shutting down: draining"
                );
                reporter
                    .set_not_serving::<RouterConfigServiceServer<Service>>()
                    .await;
                match tokio::time::timeout(cfg.drain_timeout, &mut serve).await {
                    Ok(r) => r,
                    Err(_) => {
                        tracing::warn!(timeout = ?cfg.drain_timeout, "drain time-out: closing the remaining connections");
                        Ok(())
                    }
                }
            }
        };
        accept.abort();
        reaper.abort();
        tracing::info!("stopped");
        result.map_err(std::io::Error::other)
    }
}

/// Serves the protocol on `listener` with sessions opened by `opener` until `shutdown`
/// completes, then drains (see [`Server::run`]).
pub async fn run(
    listener: TcpListener,
    opener: Opener,
    config: ServerConfig,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    Server::new(opener, config).run(listener, shutdown).await
}
