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

use crate::convert as cv;
use crate::pb;
use crate::pb::router_config_service_server::{RouterConfigService, RouterConfigServiceServer};
use crate::tokens::{Role, TokenCache, hash_token};
use mprconfig_core::{Error, Result, RouterConfig, WinError};
use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio::time::{Instant, Sleep};
use tokio_stream::StreamExt;
use tonic::metadata::MetadataMap;
use tonic::transport::server::Connected;
use tonic::{Request, Response, Status};

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
}

struct Session {
    conn: u64,
    conn_state: Arc<ConnState>,
    role: Role,
    token_name: String,
    token_hash: String,
    config: Arc<dyn RouterConfig>,
    last_used_ms: AtomicU64,
}

#[derive(Default)]
struct ConnState {
    sessions: Mutex<Vec<String>>,
    idle_since_ms: AtomicU64,
    closed: AtomicBool,
}

/// What the service knows about the connection a request came on (a request extension).
#[derive(Clone)]
pub struct ConnInfo {
    /// Server-unique connection number.
    pub id: u64,
    /// The peer's address.
    pub peer: SocketAddr,
    state: Arc<ConnState>,
}

/// Most replies the [`ReplyCache`] holds; when full it starts over.
const MAX_CACHED_REPLIES: usize = 4096;
/// Replies larger than this (encoded) are never cached.
const MAX_CACHED_REPLY_BYTES: usize = 64 << 10;

/// A point read's identity: the configuration (by address, kept unique by the `Weak` in the
/// entry), the RPC and its encoded request without the session id.
type ReplyKey = (usize, &'static str, Vec<u8>);

struct CachedReply {
    /// Holds the configuration's allocation, so its address is not reused while this exists.
    config: std::sync::Weak<dyn RouterConfig>,
    version: u64,
    reply: Arc<dyn std::any::Any + Send + Sync>,
}

/// Replies to point reads, reused while the configuration's data version
/// ([`RouterConfig::data_version`]) is the one they were read at. Every lookup reads the
/// version first (one point select), so a change by anyone (another session, a local process)
/// is seen by the very next call; what it saves is the transaction and the decoding. Session
/// checks, token checks and roles run before it on every call.
#[derive(Default)]
struct ReplyCache {
    entries: Mutex<HashMap<ReplyKey, CachedReply>>,
}

impl ReplyCache {
    fn get<Rep: Clone + 'static>(
        &self,
        key: &ReplyKey,
        config: &Arc<dyn RouterConfig>,
        version: u64,
    ) -> Option<Rep> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let e = entries.get(key)?;
        if e.version != version || !std::sync::Weak::ptr_eq(&e.config, &Arc::downgrade(config)) {
            return None;
        }
        e.reply.downcast_ref::<Rep>().cloned()
    }

    fn put<Rep: prost::Message + Clone + Send + Sync + 'static>(
        &self,
        key: ReplyKey,
        config: &Arc<dyn RouterConfig>,
        version: u64,
        reply: &Rep,
    ) {
        if reply.encoded_len() > MAX_CACHED_REPLY_BYTES {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= MAX_CACHED_REPLIES {
            entries.clear();
        }
        entries.insert(
            key,
            CachedReply {
                config: Arc::downgrade(config),
                version,
                reply: Arc::new(reply.clone()),
            },
        );
    }
}

struct Shared {
    replies: ReplyCache,
    opener: Opener,
    config: ServerConfig,
    tokens: TokenCache,
    sessions: RwLock<HashMap<String, Arc<Session>>>,
    stats: Arc<Stats>,
    next_conn: AtomicU64,
    epoch: Instant,
}

impl Shared {
    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn remove_session(&self, id: &str, why: &str) -> bool {
        let removed = self
            .sessions
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .remove(id);
        let Some(s) = removed else { return false };
        let mut list = s
            .conn_state
            .sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        list.retain(|x| x != id);
        if list.is_empty() {
            s.conn_state
                .idle_since_ms
                .store(self.now_ms(), Ordering::Relaxed);
        }
        drop(list);
        self.stats.sessions.fetch_sub(1, Ordering::Relaxed);
        tracing::info!(session = %short(id), conn = s.conn, token = %s.token_name, reason = why, "session closed");
        true
    }

    fn close_connection(&self, info: &ConnInfo) {
        info.state.closed.store(true, Ordering::SeqCst);
        let ids = std::mem::take(
            &mut *info
                .state
                .sessions
                .lock()
                .unwrap_or_else(|p| p.into_inner()),
        );
        for id in ids {
            self.remove_session(&id, "connection closed");
        }
    }

    fn reap_idle(&self) {
        let limit = u64::try_from(self.config.idle_session_timeout.as_millis()).unwrap_or(u64::MAX);
        let now = self.now_ms();
        let idle: Vec<String> = self
            .sessions
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .filter(|(_, s)| now.saturating_sub(s.last_used_ms.load(Ordering::Relaxed)) >= limit)
            .map(|(id, _)| id.clone())
            .collect();
        for id in idle {
            self.remove_session(&id, "idle timeout");
        }
    }
}

fn short(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

fn gone() -> Error {
    Error::new(
        WinError::RPC_S_SERVER_UNAVAILABLE,
        "the session is not open on this server (it was disconnected, timed out, or the server restarted)",
    )
}

// ---- connections --------------------------------------------------------------------------------

struct ConnSlot(Arc<Shared>);

impl Drop for ConnSlot {
    fn drop(&mut self) {
        self.0.stats.connections.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A TLS connection as the gRPC server sees it: sessions die with it, and it closes itself
/// when it has held no session for the sessionless time-out.
struct ServerConn {
    io: tokio_rustls::server::TlsStream<TcpStream>,
    info: ConnInfo,
    watchdog: Pin<Box<Sleep>>,
    slot: ConnSlot,
}

impl ServerConn {
    fn watchdog_expired(&mut self, cx: &mut Context<'_>) -> bool {
        let shared = &self.slot.0;
        let limit =
            u64::try_from(shared.config.sessionless_timeout.as_millis()).unwrap_or(u64::MAX);
        while self.watchdog.as_mut().poll(cx).is_ready() {
            let now = shared.now_ms();
            let has_sessions = !self
                .info
                .state
                .sessions
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .is_empty();
            let deadline = if has_sessions {
                now.saturating_add(limit)
            } else {
                self.info
                    .state
                    .idle_since_ms
                    .load(Ordering::Relaxed)
                    .saturating_add(limit)
            };
            if deadline <= now {
                return true;
            }
            let at = shared.epoch + Duration::from_millis(deadline);
            self.watchdog.as_mut().reset(at);
        }
        false
    }
}

impl Drop for ServerConn {
    fn drop(&mut self) {
        self.slot.0.close_connection(&self.info);
        tracing::debug!(conn = self.info.id, peer = %self.info.peer, "connection closed");
    }
}

impl Connected for ServerConn {
    type ConnectInfo = ConnInfo;
    fn connect_info(&self) -> ConnInfo {
        self.info.clone()
    }
}

impl AsyncRead for ServerConn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        if this.watchdog_expired(cx) {
            tracing::debug!(
                conn = this.info.id,
                "closing a connection that holds no session"
            );
            return Poll::Ready(Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "no session on this connection",
            )));
        }
        Pin::new(&mut this.io).poll_read(cx, buf)
    }
}

impl AsyncWrite for ServerConn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }
    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
}

async fn handshake(
    shared: Arc<Shared>,
    slot: ConnSlot,
    tcp: TcpStream,
    peer: SocketAddr,
    out: mpsc::Sender<ServerConn>,
) {
    let _ = tcp.set_nodelay(true);
    let acceptor = tokio_rustls::TlsAcceptor::from(shared.config.tls.clone());
    let io = match tokio::time::timeout(shared.config.handshake_timeout, acceptor.accept(tcp)).await
    {
        Ok(Ok(io)) => io,
        Ok(Err(e)) => {
            shared
                .stats
                .refused_connections
                .fetch_add(1, Ordering::Relaxed);
            tracing::info!(peer = %peer, error = %e, "TLS handshake failed (plaintext or not a TLS 1.3 client?)");
            return;
        }
        Err(_) => {
            shared
                .stats
                .refused_connections
                .fetch_add(1, Ordering::Relaxed);
            tracing::info!(peer = %peer, "TLS handshake timed out");
            return;
        }
    };
    if io.get_ref().1.handshake_kind() == Some(rustls::HandshakeKind::Resumed) {
        shared
            .stats
            .resumed_handshakes
            .fetch_add(1, Ordering::Relaxed);
    }
    let id = shared.next_conn.fetch_add(1, Ordering::Relaxed);
    let state = Arc::new(ConnState::default());
    state
        .idle_since_ms
        .store(shared.now_ms(), Ordering::Relaxed);
    let first = Instant::now() + shared.config.sessionless_timeout;
    let conn = ServerConn {
        io,
        info: ConnInfo { id, peer, state },
        watchdog: Box::pin(tokio::time::sleep_until(first)),
        slot,
    };
    tracing::debug!(conn = id, peer = %peer, "connection open");
    // The server has stopped taking connections when this fails; dropping closes it.
    let _ = out.send(conn).await;
}

async fn accept_loop(
    shared: Arc<Shared>,
    listener: TcpListener,
    out: mpsc::Sender<ServerConn>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let accepted = tokio::select! {
            _ = stop.wait_for(|s| *s) => return,
            r = listener.accept() => r,
        };
        match accepted {
            Ok((tcp, peer)) => {
                let open = shared.stats.connections.fetch_add(1, Ordering::Relaxed);
                let slot = ConnSlot(shared.clone());
                if open >= shared.config.max_connections {
                    shared
                        .stats
                        .refused_connections
                        .fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(peer = %peer, limit = shared.config.max_connections, "connection limit reached; closing");
                    drop((tcp, slot));
                    continue;
                }
                tokio::spawn(handshake(shared.clone(), slot, tcp, peer, out.clone()));
            }
            Err(e) => {
                // Out of descriptors and the like: back off instead of spinning.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

// ---- the service --------------------------------------------------------------------------------

/// What a call does to the store, which decides the role it needs and where it runs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    /// A point read (a get-info, a get-handle), named for the reply cache: runs inline on the
    /// async worker, and its reply is reused while the configuration's data version is unchanged
    /// (see [`ReplyCache`]).
    Read(&'static str),
    /// A read with a side effect (`refresh`): inline, never answered from the cache.
    Live,
    /// A read that may walk the whole configuration (enumerations, backup): blocking pool.
    Scan,
    /// A change (admin role only): blocking pool, as a commit waits for fsync.
    Write,
}
use Access::{Live, Read, Scan, Write};

trait HasSession {
    fn take_session(&mut self) -> String;
}

trait Reply: Default {
    fn set_status(&mut self, s: pb::WinStatus);
}

macro_rules! has_session {
    ($($t:ty),* $(,)?) => { $( impl HasSession for $t {
        fn take_session(&mut self) -> String { std::mem::take(&mut self.session) }
    } )* };
}

macro_rules! reply {
    ($($t:ty),* $(,)?) => { $( impl Reply for $t {
        fn set_status(&mut self, s: pb::WinStatus) { self.status = Some(s); }
    } )* };
}

has_session!(
    pb::SessionRequest,
    pb::InstallRequest,
    pb::ServerSetInfoRequest,
    pb::ServerSetInfoExRequest,
    pb::RestoreRequest,
    pb::InterfaceCreateRequest,
    pb::InterfaceRequest,
    pb::NameRequest,
    pb::InterfaceSetInfoRequest,
    pb::EnumRequest,
    pb::InterfaceSetCustomInfoRequest,
    pb::IfTransportAddRequest,
    pb::IfTransportRequest,
    pb::IfTransportGetHandleRequest,
    pb::IfTransportSetInfoRequest,
    pb::IfTransportEnumRequest,
    pb::TransportCreateRequest,
    pb::TransportRequest,
    pb::ProtocolRequest,
    pb::TransportSetInfoRequest,
    pb::FilterSetInfoRequest,
);

reply!(
    pb::ConnectReply,
    pb::StatusReply,
    pb::ServerInfoReply,
    pb::ServerInfoExReply,
    pb::BackupReply,
    pb::InterfaceIdReply,
    pb::InterfaceReply,
    pb::InterfaceEnumReply,
    pb::CustomInfoReply,
    pb::IfTransportIdReply,
    pb::BlobReply,
    pb::IfTransportEnumReply,
    pb::TransportIdReply,
    pb::TransportInfoReply,
    pb::TransportEnumReply,
    pb::FilterReply,
    pb::NameReply,
);

fn respond<R: Reply, T>(
    r: Result<T>,
    fill: impl FnOnce(&mut R, T),
) -> std::result::Result<Response<R>, Status> {
    let mut rep = R::default();
    match r {
        Ok(v) => {
            rep.set_status(pb::WinStatus {
                code: 0,
                detail: String::new(),
            });
            fill(&mut rep, v);
        }
        Err(e) => rep.set_status(pb::WinStatus {
            code: e.code.0,
            detail: e.detail,
        }),
    }
    Ok(Response::new(rep))
}

fn status_only(rep: &mut pb::StatusReply, (): ()) {
    let _ = rep;
}

type Res<T> = std::result::Result<Response<T>, Status>;

/// The gRPC service over a set of sessions.
#[derive(Clone)]
struct Service {
    shared: Arc<Shared>,
}

fn bearer(meta: &MetadataMap) -> Option<String> {
    let v = meta.get("authorization")?.to_str().ok()?.trim();
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
        .filter(|t| !t.is_empty())
}

impl Service {
    async fn blocking<T: Send + 'static>(
        f: impl FnOnce() -> Result<T> + Send + 'static,
    ) -> Result<T> {
        tokio::task::spawn_blocking(f).await.unwrap_or_else(|e| {
            Err(Error::new(
                WinError::ERROR_INTERNAL_ERROR,
                format!("call failed inside the server: {e}"),
            ))
        })
    }

    /// One call: find the session on this connection, check the token is still valid and the
    /// role allows the access, then run `op`: inline for [`Access::Read`] (answered from the
    /// [`ReplyCache`] when the configuration has not changed) and [`Access::Live`], on the
    /// blocking pool otherwise.
    async fn call<Req, Rep, T>(
        &self,
        request: Request<Req>,
        access: Access,
        op: impl FnOnce(&dyn RouterConfig, Req) -> Result<T> + Send + 'static,
        fill: impl FnOnce(&mut Rep, T),
    ) -> Res<Rep>
    where
        Req: HasSession + prost::Message + Send + 'static,
        Rep: Reply + prost::Message + Clone + Send + Sync + 'static,
        T: Send + 'static,
    {
        let shared = &self.shared;
        shared.stats.requests.fetch_add(1, Ordering::Relaxed);
        let (_, ext, mut msg) = request.into_parts();
        let conn = ext.get::<ConnInfo>().map(|c| c.id);
        let id = msg.take_session();
        let session = shared
            .sessions
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&id)
            .cloned();
        let session = match session {
            Some(s) if Some(s.conn) == conn => s,
            _ => return respond(Err::<T, _>(gone()), fill),
        };
        session
            .last_used_ms
            .store(shared.now_ms(), Ordering::Relaxed);
        if !shared
            .tokens
            .still_valid(&session.token_name, &session.token_hash)
        {
            let e = Error::new(
                WinError::ERROR_ACCESS_DENIED,
                format!("token {:?} has been revoked", session.token_name),
            );
            return respond(Err::<T, _>(e), fill);
        }
        if access == Write && session.role != Role::Admin {
            let e = Error::new(
                WinError::ERROR_ACCESS_DENIED,
                "this session's token has the reader role; changes need an admin token",
            );
            return respond(Err::<T, _>(e), fill);
        }
        let config = session.config.clone();
        match access {
            Read(rpc) => {
                let key = (
                    Arc::as_ptr(&config).cast::<()>() as usize,
                    rpc,
                    msg.encode_to_vec(),
                );
                // A failed version read only means no caching; the call itself reports errors.
                let version = config.data_version().ok().flatten();
                if let Some(v) = version
                    && let Some(rep) = shared.replies.get::<Rep>(&key, &config, v)
                {
                    shared.stats.cached_replies.fetch_add(1, Ordering::Relaxed);
                    return Ok(Response::new(rep));
                }
                let reply = respond(op(&*config, msg), fill)?;
                if let Some(v) = version {
                    shared.replies.put(key, &config, v, reply.get_ref());
                }
                Ok(reply)
            }
            Live => respond(op(&*config, msg), fill),
            Scan | Write => respond(Self::blocking(move || op(&*config, msg)).await, fill),
        }
    }

    async fn open_session(
        &self,
        meta: &MetadataMap,
        conn: Option<ConnInfo>,
        req: &pb::ConnectRequest,
    ) -> Result<(String, Role)> {
        let shared = self.shared.clone();
        let conn = conn.ok_or_else(|| {
            Error::new(
                WinError::ERROR_INTERNAL_ERROR,
                "request without connection information",
            )
        })?;
        if req.protocol_version > crate::PROTOCOL_VERSION {
            return Err(Error::new(
                WinError::ERROR_NOT_SUPPORTED,
                format!(
                    "protocol version {} is newer than this server's {}",
                    req.protocol_version,
                    crate::PROTOCOL_VERSION
                ),
            ));
        }
        let Some(token) = bearer(meta) else {
            tracing::info!(peer = %conn.peer, "connect without a token refused");
            return Err(Error::new(
                WinError::ERROR_ACCESS_DENIED,
                "no token was presented (set MPRCONFIG_TOKEN or credentials.toml)",
            ));
        };
        let hash = hash_token(&token);
        let Some(entry) = shared.tokens.lookup(&hash) else {
            tracing::info!(peer = %conn.peer, "connect with an unknown or revoked token refused");
            return Err(Error::new(
                WinError::ERROR_ACCESS_DENIED,
                "the token is not valid on this server (unknown or revoked)",
            ));
        };
        let open = shared.stats.sessions.load(Ordering::Relaxed);
        if open >= shared.config.max_sessions {
            return Err(Error::new(
                WinError::ERROR_NOT_ENOUGH_MEMORY,
                format!(
                    "the server has reached its session limit ({})",
                    shared.config.max_sessions
                ),
            ));
        }
        if conn
            .state
            .sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .len()
            >= shared.config.max_sessions_per_connection
        {
            return Err(Error::new(
                WinError::ERROR_NOT_ENOUGH_MEMORY,
                format!(
                    "this connection has reached its session limit ({})",
                    shared.config.max_sessions_per_connection
                ),
            ));
        }
        let config = (shared.opener)()?;
        let id = hex::encode(rand::random::<[u8; 16]>());
        let session = Arc::new(Session {
            conn: conn.id,
            conn_state: conn.state.clone(),
            role: entry.role,
            token_name: entry.name.clone(),
            token_hash: hash,
            config,
            last_used_ms: AtomicU64::new(shared.now_ms()),
        });
        shared
            .sessions
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id.clone(), session);
        conn.state
            .sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(id.clone());
        shared.stats.sessions.fetch_add(1, Ordering::Relaxed);
        shared.stats.sessions_opened.fetch_add(1, Ordering::Relaxed);
        tracing::info!(session = %short(&id), conn = conn.id, peer = %conn.peer, token = %entry.name,
            role = entry.role.as_str(), client = %req.client_name.chars().take(256).collect::<String>(), "session opened");
        if conn.state.closed.load(Ordering::SeqCst) {
            // The connection died while the session was being opened.
            shared.remove_session(&id, "connection closed");
            return Err(gone());
        }
        Ok((id, entry.role))
    }
}

#[tonic::async_trait]
impl RouterConfigService for Service {
    async fn connect(&self, request: Request<pb::ConnectRequest>) -> Res<pb::ConnectReply> {
        self.shared.stats.requests.fetch_add(1, Ordering::Relaxed);
        let (meta, ext, msg) = request.into_parts();
        let r = self
            .open_session(&meta, ext.get::<ConnInfo>().cloned(), &msg)
            .await;
        let mut rep = respond(
            r,
            |rep: &mut pb::ConnectReply, (id, role): (String, Role)| {
                rep.session = id;
                rep.role = match role {
                    Role::Admin => pb::Role::Admin as i32,
                    Role::Reader => pb::Role::Reader as i32,
                };
            },
        )?;
        rep.get_mut().protocol_version = crate::PROTOCOL_VERSION;
        rep.get_mut().server_version = env!("CARGO_PKG_VERSION").to_string();
        Ok(rep)
    }

    async fn disconnect(&self, request: Request<pb::SessionRequest>) -> Res<pb::StatusReply> {
        self.shared.stats.requests.fetch_add(1, Ordering::Relaxed);
        let (_, ext, msg) = request.into_parts();
        let conn = ext.get::<ConnInfo>().map(|c| c.id);
        let owned = self
            .shared
            .sessions
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&msg.session)
            .map(|s| Some(s.conn) == conn);
        let r = match owned {
            Some(true) => {
                self.shared.remove_session(&msg.session, "disconnect");
                Ok(())
            }
            _ => Err(gone()),
        };
        respond(r, status_only)
    }

    async fn refresh(&self, r: Request<pb::SessionRequest>) -> Res<pb::StatusReply> {
        self.call(r, Live, |c, _| c.refresh(), status_only).await
    }

    async fn install(&self, r: Request<pb::InstallRequest>) -> Res<pb::StatusReply> {
        self.call(
            r,
            Write,
            |c, m| c.install(&m.links.into_iter().map(cv::net_link).collect::<Vec<_>>()),
            status_only,
        )
        .await
    }

    async fn server_get_info(&self, r: Request<pb::SessionRequest>) -> Res<pb::ServerInfoReply> {
        self.call(
            r,
            Read("server_get_info"),
            |c, _| c.server_get_info(),
            |rep: &mut pb::ServerInfoReply, v| rep.info = Some(v.into()),
        )
        .await
    }

    async fn server_set_info(&self, r: Request<pb::ServerSetInfoRequest>) -> Res<pb::StatusReply> {
        self.call(
            r,
            Write,
            |c, m| c.server_set_info(m.level, &cv::server_info(m.info)?),
            status_only,
        )
        .await
    }

    async fn server_get_info_ex(
        &self,
        r: Request<pb::SessionRequest>,
    ) -> Res<pb::ServerInfoExReply> {
        self.call(
            r,
            Read("server_get_info_ex"),
            |c, _| c.server_get_info_ex(),
            |rep: &mut pb::ServerInfoExReply, v| rep.info = Some(v.into()),
        )
        .await
    }

    async fn server_set_info_ex(
        &self,
        r: Request<pb::ServerSetInfoExRequest>,
    ) -> Res<pb::StatusReply> {
        self.call(
            r,
            Write,
            |c, m| c.server_set_info_ex(&cv::server_set_config_ex(m.config)?),
            status_only,
        )
        .await
    }

    async fn backup(&self, r: Request<pb::SessionRequest>) -> Res<pb::BackupReply> {
        self.call(
            r,
            Scan,
            |c, _| c.backup(),
            |rep: &mut pb::BackupReply, v| rep.backup = v,
        )
        .await
    }

    async fn restore(&self, r: Request<pb::RestoreRequest>) -> Res<pb::StatusReply> {
        self.call(r, Write, |c, m| c.restore(&m.backup), status_only)
            .await
    }

    async fn interface_create(
        &self,
        r: Request<pb::InterfaceCreateRequest>,
    ) -> Res<pb::InterfaceIdReply> {
        self.call(
            r,
            Write,
            |c, m| c.interface_create(&cv::interface(m.info)?),
            |rep: &mut pb::InterfaceIdReply, v| rep.id = Some((&v).into()),
        )
        .await
    }

    async fn interface_delete(&self, r: Request<pb::InterfaceRequest>) -> Res<pb::StatusReply> {
        self.call(
            r,
            Write,
            |c, m| c.interface_delete(&cv::interface_id(m.id)?),
            status_only,
        )
        .await
    }

    async fn interface_get_handle(&self, r: Request<pb::NameRequest>) -> Res<pb::InterfaceIdReply> {
        self.call(
            r,
            Read("interface_get_handle"),
            |c, m| c.interface_get_handle(&m.name),
            |rep: &mut pb::InterfaceIdReply, v| rep.id = Some((&v).into()),
        )
        .await
    }

    async fn interface_get_info(
        &self,
        r: Request<pb::InterfaceRequest>,
    ) -> Res<pb::InterfaceReply> {
        self.call(
            r,
            Read("interface_get_info"),
            |c, m| c.interface_get_info(&cv::interface_id(m.id)?),
            |rep: &mut pb::InterfaceReply, v| rep.info = Some((&v).into()),
        )
        .await
    }

    async fn interface_set_info(
        &self,
        r: Request<pb::InterfaceSetInfoRequest>,
    ) -> Res<pb::StatusReply> {
        self.call(
            r,
            Write,
            |c, m| c.interface_set_info(&cv::interface_id(m.id)?, m.level, &cv::interface(m.info)?),
            status_only,
        )
        .await
    }

    async fn interface_enum(&self, r: Request<pb::EnumRequest>) -> Res<pb::InterfaceEnumReply> {
        self.call(
            r,
            Scan,
            |c, m| c.interface_enum(m.resume, m.max_entries),
            |rep: &mut pb::InterfaceEnumReply, p| {
                rep.entries = p.entries.iter().map(Into::into).collect();
                rep.total_from_resume = p.total_from_resume;
                rep.next_resume = p.next_resume;
            },
        )
        .await
    }

    async fn interface_get_custom_info(
        &self,
        r: Request<pb::InterfaceRequest>,
    ) -> Res<pb::CustomInfoReply> {
        self.call(
            r,
            Read("interface_get_custom_info"),
            |c, m| c.interface_get_custom_info(&cv::interface_id(m.id)?),
            |rep: &mut pb::CustomInfoReply, v| rep.info = Some(v.into()),
        )
        .await
    }

    async fn interface_set_custom_info(
        &self,
        r: Request<pb::InterfaceSetCustomInfoRequest>,
    ) -> Res<pb::StatusReply> {
        self.call(
            r,
            Write,
            |c, m| c.interface_set_custom_info(&cv::interface_id(m.id)?, &cv::custom_info(m.info)?),
            status_only,
        )
        .await
    }

    async fn if_transport_add(
        &self,
        r: Request<pb::IfTransportAddRequest>,
    ) -> Res<pb::IfTransportIdReply> {
        self.call(
            r,
            Write,
            |c, m| {
                c.if_transport_add(
                    &cv::interface_id(m.interface)?,
                    m.protocol_id,
                    m.name.as_deref(),
                    m.info.as_deref(),
                )
            },
            |rep: &mut pb::IfTransportIdReply, v| rep.id = Some((&v).into()),
        )
        .await
    }

    async fn if_transport_remove(
        &self,
        r: Request<pb::IfTransportRequest>,
    ) -> Res<pb::StatusReply> {
        self.call(
            r,
            Write,
            |c, m| c.if_transport_remove(&cv::if_transport_id(m.id)?),
            status_only,
        )
        .await
    }

    async fn if_transport_get_handle(
        &self,
        r: Request<pb::IfTransportGetHandleRequest>,
    ) -> Res<pb::IfTransportIdReply> {
        self.call(
            r,
            Read("if_transport_get_handle"),
            |c, m| c.if_transport_get_handle(&cv::interface_id(m.interface)?, m.protocol_id),
            |rep: &mut pb::IfTransportIdReply, v| rep.id = Some((&v).into()),
        )
        .await
    }

    async fn if_transport_get_info(
        &self,
        r: Request<pb::IfTransportRequest>,
    ) -> Res<pb::BlobReply> {
        self.call(
            r,
            Read("if_transport_get_info"),
            |c, m| c.if_transport_get_info(&cv::if_transport_id(m.id)?),
            |rep: &mut pb::BlobReply, v| rep.data = v,
        )
        .await
    }

    async fn if_transport_set_info(
        &self,
        r: Request<pb::IfTransportSetInfoRequest>,
    ) -> Res<pb::StatusReply> {
        self.call(
            r,
            Write,
            |c, m| c.if_transport_set_info(&cv::if_transport_id(m.id)?, &m.info),
            status_only,
        )
        .await
    }

    async fn if_transport_enum(
        &self,
        r: Request<pb::IfTransportEnumRequest>,
    ) -> Res<pb::IfTransportEnumReply> {
        self.call(
            r,
            Scan,
            |c, m| c.if_transport_enum(&cv::interface_id(m.interface)?, m.resume, m.max_entries),
            |rep: &mut pb::IfTransportEnumReply, p| {
                rep.entries = p.entries.iter().map(Into::into).collect();
                rep.total_from_resume = p.total_from_resume;
                rep.next_resume = p.next_resume;
            },
        )
        .await
    }

    async fn transport_create(
        &self,
        r: Request<pb::TransportCreateRequest>,
    ) -> Res<pb::TransportIdReply> {
        self.call(
            r,
            Write,
            |c, m| {
                c.transport_create(
                    m.protocol_id,
                    m.name.as_deref(),
                    m.global_info.as_deref(),
                    m.client_interface_info.as_deref(),
                    m.dll_path.as_deref(),
                )
            },
            |rep: &mut pb::TransportIdReply, v| rep.id = Some((&v).into()),
        )
        .await
    }

    async fn transport_delete(&self, r: Request<pb::TransportRequest>) -> Res<pb::StatusReply> {
        self.call(
            r,
            Write,
            |c, m| c.transport_delete(&cv::transport_id(m.id)?),
            status_only,
        )
        .await
    }

    async fn transport_get_handle(
        &self,
        r: Request<pb::ProtocolRequest>,
    ) -> Res<pb::TransportIdReply> {
        self.call(
            r,
            Read("transport_get_handle"),
            |c, m| c.transport_get_handle(m.protocol_id),
            |rep: &mut pb::TransportIdReply, v| rep.id = Some((&v).into()),
        )
        .await
    }

    async fn transport_get_info(
        &self,
        r: Request<pb::TransportRequest>,
    ) -> Res<pb::TransportInfoReply> {
        self.call(
            r,
            Read("transport_get_info"),
            |c, m| c.transport_get_info(&cv::transport_id(m.id)?),
            |rep: &mut pb::TransportInfoReply, v| rep.info = Some(v.into()),
        )
        .await
    }

    async fn transport_set_info(
        &self,
        r: Request<pb::TransportSetInfoRequest>,
    ) -> Res<pb::StatusReply> {
        self.call(
            r,
            Write,
            |c, m| {
                c.transport_set_info(
                    &cv::transport_id(m.id)?,
                    m.global_info.as_deref(),
                    m.client_interface_info.as_deref(),
                    m.dll_path.as_deref(),
                )
            },
            status_only,
        )
        .await
    }

    async fn transport_enum(&self, r: Request<pb::EnumRequest>) -> Res<pb::TransportEnumReply> {
        self.call(
            r,
            Scan,
            |c, m| c.transport_enum(m.resume, m.max_entries),
            |rep: &mut pb::TransportEnumReply, p| {
                rep.entries = p.entries.iter().map(Into::into).collect();
                rep.total_from_resume = p.total_from_resume;
                rep.next_resume = p.next_resume;
            },
        )
        .await
    }

    async fn filter_get_info(&self, r: Request<pb::ProtocolRequest>) -> Res<pb::FilterReply> {
        self.call(
            r,
            Read("filter_get_info"),
            |c, m| c.filter_get_info(m.protocol_id),
            |rep: &mut pb::FilterReply, v| rep.enabled = v,
        )
        .await
    }

    async fn filter_set_info(&self, r: Request<pb::FilterSetInfoRequest>) -> Res<pb::StatusReply> {
        self.call(
            r,
            Write,
            |c, m| c.filter_set_info(m.protocol_id, m.enable),
            status_only,
        )
        .await
    }

    async fn get_friendly_name(&self, r: Request<pb::NameRequest>) -> Res<pb::NameReply> {
        self.call(
            r,
            Read("get_friendly_name"),
            |c, m| c.get_friendly_name(&m.name),
            |rep: &mut pb::NameReply, v| rep.name = v,
        )
        .await
    }

    async fn get_guid_name(&self, r: Request<pb::NameRequest>) -> Res<pb::NameReply> {
        self.call(
            r,
            Read("get_guid_name"),
            |c, m| c.get_guid_name(&m.name),
            |rep: &mut pb::NameReply, v| rep.name = v,
        )
        .await
    }
}

// ---- running ------------------------------------------------------------------------------------

/// A server ready to run: [`Server::stats`] can be read while [`Server::run`] serves.
pub struct Server {
    shared: Arc<Shared>,
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
            }),
        }
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
