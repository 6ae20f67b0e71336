//! What a server is given: the [`Opener`] of sessions' configurations, its limits and
//! time-outs ([`ServerConfig`]), and the live counters it keeps ([`Stats`]).

use mprconfig_core::{Result, RouterConfig};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize};
use std::time::Duration;

/// Gives the configuration a new session works on (called once per connect, on an async
/// worker thread, so it must be quick: open stores ahead of time). `mprd` passes one that hands
/// every session the same `RegistryConfig` over the server's store, whose reader connections
/// let calls run in parallel; each call on it is still one store transaction.
pub type Opener = Arc<dyn Fn() -> Result<Arc<dyn RouterConfig>> + Send + Sync>;

/// Limits and time-outs of a server. [`ServerConfig::new`] gives the documented defaults.
#[derive(Clone)]
pub struct ServerConfig {
    /// TLS configuration (TLS 1.3 only, ALPN h2; see [`crate::tls::server_config`]).
    pub tls: Arc<rustls::ServerConfig>,
    /// The token file (see [`crate::tokens`]).
    pub tokens_path: PathBuf,
    /// Open connections at most, handshakes included; further ones are closed at once.
    pub max_connections: usize,
    /// Open sessions at most; a connect beyond it gives `ERROR_NOT_ENOUGH_MEMORY` (8).
    pub max_sessions: usize,
    /// Open sessions per connection at most (8 beyond it, too).
    pub max_sessions_per_connection: usize,
    /// Largest request or reply message in bytes; larger ones fail with gRPC
    /// `RESOURCE_EXHAUSTED` (the client reports `ERROR_INVALID_PARAMETER`).
    pub max_message_bytes: usize,
    /// A session unused this long is closed; its next call gives 1722.
    pub idle_session_timeout: Duration,
    /// Time allowed for the TLS handshake of a new connection.
    pub handshake_timeout: Duration,
    /// A connection that holds no session this long (never connected, or disconnected) is closed.
    pub sessionless_timeout: Duration,
    /// After shutdown is signalled, how long in-flight calls may take before connections are cut.
    pub drain_timeout: Duration,
    /// Concurrent calls per connection (HTTP/2 streams).
    pub max_concurrent_streams: u32,
}

impl ServerConfig {
    /// Defaults: 1024 connections, 4096 sessions (64 per connection), 4 MiB messages, 30 min
    /// idle sessions, 10 s handshakes, 30 s without a session, 10 s drain, 32 streams.
    pub fn new(tls: Arc<rustls::ServerConfig>, tokens_path: PathBuf) -> ServerConfig {
        ServerConfig {
            tls,
            tokens_path,
            max_connections: 1024,
            max_sessions: 4096,
            max_sessions_per_connection: 64,
            max_message_bytes: 4 << 20,
            idle_session_timeout: Duration::from_secs(30 * 60),
            handshake_timeout: Duration::from_secs(10),
            sessionless_timeout: Duration::from_secs(30),
            drain_timeout: Duration::from_secs(10),
            max_concurrent_streams: 32,
        }
    }
}

/// Counters of a running server (for tests, benchmarks and logs).
#[derive(Debug, Default)]
pub struct Stats {
    /// Connections open now (handshakes included).
    pub connections: AtomicUsize,
    /// Sessions open now.
    pub sessions: AtomicUsize,
    /// Protocol calls received (Connect included, health checks excluded).
    pub requests: AtomicU64,
    /// Sessions opened since start.
    pub sessions_opened: AtomicU64,
    /// Connections refused at the connection limit or failing their TLS handshake.
    pub refused_connections: AtomicU64,
    /// TLS handshakes that resumed an earlier session (no certificate exchanged).
    pub resumed_handshakes: AtomicU64,
    /// Point reads answered from the reply cache (the configuration had not changed).
    pub cached_replies: AtomicU64,
    /// Times the sessionless watchdog of a connection fired while the connection held a
    /// session, and so kept it open for another time-out.
    pub watchdog_kept: AtomicU64,
}
