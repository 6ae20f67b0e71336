//! The client: [`RemoteConfig`] implements `RouterConfig` by calling `mprd`.
//!
//! The trait is synchronous (C and CLI callers are), so every call runs on one small shared
//! tokio runtime (2 worker threads, created on first use): from plain threads through
//! `block_on`, and from inside some other tokio runtime by handing the call to the shared
//! runtime and blocking on its answer (that never panics, but it does block that thread, so
//! async code should prefer `spawn_blocking`). A `RemoteConfig` may be used from many threads
//! at once; its calls are multiplexed on one HTTP/2 connection.
//!
//! Time-outs: a connect (name resolution, TCP, TLS, the Connect call) must finish within
//! [`ConnectOptions::connect_timeout`] (default 5 s) or gives `ERROR_BAD_NETPATH` (53); each
//! later call must be answered within [`ConnectOptions::call_timeout`] (default 30 s) or gives
//! `RPC_S_SERVER_UNAVAILABLE` (1722). A session lives on exactly one connection: once that
//! connection is lost the client never reconnects behind the caller's back, and every later
//! call gives 1722 at once.
//!
//! `fork()`: a child gets a runtime of its own on its first call (the parent's is never run,
//! dropped or woken in the child), so new connections work there; a `RemoteConfig` inherited
//! from the parent answers `ERROR_INVALID_HANDLE` (6) at once and is dropped without a word to
//! the server, which keeps serving the parent's session. Every descriptor the client creates
//! (tokio's epoll and eventfd, the sockets) is close-on-exec.

use crate::Role;
use crate::convert as cv;
use crate::name::{host_port_key, parse_server_name};
use crate::ops::router_config_ops;
use crate::pb;
use crate::pb::router_config_service_client::RouterConfigServiceClient;
use crate::tls::{self, Seen, Trust, TrustVerifier};
use crate::wire::{Carries, Param};
use mprconfig_core::model::*;
use mprconfig_core::{
    BatchError, BatchOp, BatchOutcome, ChangeStream, Error, Result, RouterConfig, Versioned,
    WinError,
};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::time::Instant;
use tonic::transport::{Channel, Endpoint, Uri};
use tonic::{Request, Response, Status};

type Client = RouterConfigServiceClient<Channel>;
type TlsStream = tokio_rustls::client::TlsStream<TcpStream>;

/// Largest reply the client accepts (a backup of a large configuration fits many times over).
const MAX_REPLY_BYTES: usize = 64 << 20;

// ---- runtime ------------------------------------------------------------------------------------

/// The shared runtime of each process that made one, newest last: `(pid, runtime)`.
///
/// A child after `fork()` inherits the parent's runtime without its worker threads, and its
/// epoll and eventfd descriptors are the parent's (they share the open file descriptions), so
/// the child must neither run nor drop it: dropping would wait for threads that do not exist
/// and deregister the parent's sockets from the parent's epoll. [`runtime`] notices the new
/// process id and builds a fresh runtime; the inherited one stays in this list, never touched
/// again (leaked on purpose, but still reachable, so leak checkers stay quiet).
static RUNTIMES: Mutex<Vec<(u32, &'static tokio::runtime::Runtime)>> = Mutex::new(Vec::new());

/// This process's shared runtime, built on first use (again in a child after `fork()`).
pub(crate) fn runtime() -> Result<&'static tokio::runtime::Runtime> {
    let pid = std::process::id();
    let mut all = RUNTIMES.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(&(owner, rt)) = all.last()
        && owner == pid
    {
        return Ok(rt);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("mprconfig-remote")
        .enable_all()
        .build()
        .map_err(|e| {
            Error::new(
                WinError::ERROR_NOT_ENOUGH_MEMORY,
                format!("cannot start the network runtime: {e}"),
            )
        })?;
    // Never dropped: a process that exits with calls in flight must not wait for them (what
    // was acknowledged is committed on the server already), and a forked child must not drop
    // its parent's (see RUNTIMES).
    let rt: &'static tokio::runtime::Runtime = Box::leak(Box::new(rt));
    all.push((pid, rt));
    Ok(rt)
}

/// What an inherited [`RemoteConfig`] leaves behind when dropped in a forked child: its client
/// is the parent's (its channel's worker task lives in the parent's runtime, its socket is the
/// parent's connection), so it is kept here, never dropped, rather than waking that task
/// through the parent's eventfd.
static LEFT_TO_PARENT: Mutex<Vec<Client>> = Mutex::new(Vec::new());

fn inherited(target: &str) -> Error {
    Error::new(
        WinError::ERROR_INVALID_HANDLE,
        format!(
            "the session on {target} belongs to the parent process (this is a child after \
             fork()); open a new connection"
        ),
    )
}

/// Runs a future to completion on the shared runtime, from any thread (see the module docs).
pub(crate) fn block<T: Send + 'static>(
    fut: impl Future<Output = Result<T>> + Send + 'static,
) -> Result<T> {
    let rt = runtime()?;
    if tokio::runtime::Handle::try_current().is_err() {
        return rt.block_on(fut);
    }
    // Inside a runtime, block_on would panic: run it on ours and wait for the answer.
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    rt.spawn(async move {
        let _ = tx.send(fut.await);
    });
    rx.recv().unwrap_or_else(|_| {
        Err(Error::new(
            WinError::ERROR_INTERNAL_ERROR,
            "the network runtime dropped the call",
        ))
    })
}

// ---- options ------------------------------------------------------------------------------------

/// How to reach and authenticate to a server.
#[derive(Clone, Debug)]
pub struct ConnectOptions {
    /// Bound on the whole connect: resolve, TCP, TLS and the Connect call (default 5 s).
    pub connect_timeout: Duration,
    /// Bound on each later call (default 30 s).
    pub call_timeout: Duration,
    /// The bearer token; `None` sends none (and the server refuses with 5).
    pub token: Option<String>,
    /// Which server certificates to accept.
    pub trust: Trust,
    /// Shown in the server's log.
    pub client_name: String,
}

impl ConnectOptions {
    /// Options with default time-outs and the given token and trust.
    pub fn new(token: Option<String>, trust: Trust) -> ConnectOptions {
        ConnectOptions {
            connect_timeout: Duration::from_secs(5),
            call_timeout: Duration::from_secs(30),
            token,
            trust,
            client_name: std::env::args().next().unwrap_or_default(),
        }
    }

    /// Options from the environment for a server (DESIGN §5): trust from `MPRCONFIG_CA` and
    /// `known_hosts`, the token from `MPRCONFIG_TOKEN` or `credentials.toml`.
    pub fn from_env(host: &str, port: u16) -> Result<ConnectOptions> {
        Ok(ConnectOptions::new(
            token_from_env(host, port),
            Trust::from_env(host, port)?,
        ))
    }
}

/// `<config dir>/credentials.toml`.
pub fn credentials_path() -> Option<std::path::PathBuf> {
    tls::config_dir().map(|d| d.join("credentials.toml"))
}

/// The token for a server: `MPRCONFIG_TOKEN` when set, else the `credentials.toml` entry for
/// its `host:port` — either `"host:port" = "token"` or a `["host:port"]` table with `token`.
pub fn token_from_env(host: &str, port: u16) -> Option<String> {
    if let Some(t) = std::env::var("MPRCONFIG_TOKEN")
        .ok()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
    {
        return Some(t);
    }
    // Parsed once per process (and again when it changes): a fleet run looks up every router.
    static CREDENTIALS: tls::ParsedFile<Credentials> = tls::ParsedFile::new();
    CREDENTIALS
        .get(&credentials_path()?, parse_credentials)
        .get(&host_port_key(host, port).to_ascii_lowercase())
        .cloned()
        .flatten()
}

/// `credentials.toml` by lowercased `host:port` key: the token of the first entry of that key
/// in the file's order, `None` when that entry holds none (an entry of another shape).
type Credentials = std::collections::HashMap<String, Option<String>>;

fn parse_credentials(text: Option<&str>) -> Credentials {
    let mut out = Credentials::new();
    let Some(table) = text.and_then(|t| toml::from_str::<toml::Table>(t).ok()) else {
        return out;
    };
    for (k, entry) in &table {
        let token = match entry {
            toml::Value::String(s) => Some(s.clone()),
            toml::Value::Table(t) => t.get("token").and_then(|v| v.as_str()).map(str::to_string),
            _ => None,
        };
        out.entry(k.to_ascii_lowercase()).or_insert(token);
    }
    out
}

// ---- connecting ---------------------------------------------------------------------------------

fn bad_netpath(detail: String) -> Error {
    Error::new(WinError::ERROR_BAD_NETPATH, detail)
}

pub(crate) fn unavailable(detail: String) -> Error {
    Error::new(WinError::RPC_S_SERVER_UNAVAILABLE, detail)
}

async fn open_tcp(host: &str, port: u16, target: &str, deadline: Instant) -> Result<TcpStream> {
    let addrs: Vec<_> =
        match tokio::time::timeout_at(deadline, tokio::net::lookup_host((host, port))).await {
            Err(_) => return Err(bad_netpath(format!("resolving {host} timed out"))),
            Ok(Err(e)) => return Err(bad_netpath(format!("cannot resolve {host}: {e}"))),
            Ok(Ok(a)) => a.collect(),
        };
    let mut last = format!("{host} has no address");
    for addr in addrs {
        match tokio::time::timeout_at(deadline, TcpStream::connect(addr)).await {
            Ok(Ok(s)) => {
                let _ = s.set_nodelay(true);
                return Ok(s);
            }
            Ok(Err(e)) => last = format!("{addr}: {e}"),
            Err(_) => {
                last = format!("{addr}: connection timed out");
                break;
            }
        }
    }
    Err(bad_netpath(format!("cannot reach {target}: {last}")))
}

async fn open_tls(host: &str, port: u16, trust: Trust, deadline: Instant) -> Result<TlsStream> {
    let target = host_port_key(host, port);
    let tcp = open_tcp(host, port, &target, deadline).await?;
    let cfg = tls::client_config_for(&trust)?;
    let connector = tokio_rustls::TlsConnector::from(cfg);
    match tokio::time::timeout_at(deadline, connector.connect(tls::server_name(host), tcp)).await {
        Ok(Ok(s)) => Ok(s),
        Ok(Err(e)) => match tls::Rejection::find(&e) {
            Some(r) => Err(Error::new(
                WinError::ERROR_ACCESS_DENIED,
                format!(
                    "the certificate of {target} (SHA-256 fingerprint sha256:{}) is not trusted: {}; \
                     compare the fingerprint with the one mprd printed, then run `mprcfg trust {target}` \
                     or set MPRCONFIG_CA",
                    r.fingerprint, r.why
                ),
            )),
            None => Err(unavailable(format!(
                "TLS handshake with {target} failed: {e} (is an mprd listening there?)"
            ))),
        },
        Err(_) => Err(bad_netpath(format!(
            "TLS handshake with {target} timed out"
        ))),
    }
}

/// Hands tonic the one connection a session lives on; any later connection attempt (after
/// that connection died) fails at once, so the caller sees 1722 instead of a silent reconnect
/// to a server that no longer knows the session.
#[derive(Clone)]
struct OneShot(Arc<Mutex<Option<TlsStream>>>);

impl tower_service::Service<Uri> for OneShot {
    type Response = hyper_util::rt::TokioIo<TlsStream>;
    type Error = std::io::Error;
    type Future = std::future::Ready<std::result::Result<Self::Response, Self::Error>>;

    fn poll_ready(
        &mut self,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::result::Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: Uri) -> Self::Future {
        let stream = self.0.lock().unwrap_or_else(|p| p.into_inner()).take();
        std::future::ready(stream.map(hyper_util::rt::TokioIo::new).ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::NotConnected,
                "the connection to the server was lost",
            )
        }))
    }
}

pub(crate) fn map_status(s: &Status, target: &str) -> Error {
    use tonic::Code;
    let msg = s.message();
    match s.code() {
        Code::ResourceExhausted | Code::OutOfRange => Error::invalid_parameter(format!(
            "the message is larger than {target} or this client accepts: {msg}"
        )),
        Code::InvalidArgument => {
            Error::invalid_parameter(format!("{target} rejected the request: {msg}"))
        }
        Code::Unauthenticated | Code::PermissionDenied => Error::new(
            WinError::ERROR_ACCESS_DENIED,
            format!("{target} refused the call: {msg}"),
        ),
        Code::Unimplemented => Error::new(
            WinError::ERROR_NOT_SUPPORTED,
            format!("{target} does not implement this call: {msg}"),
        ),
        Code::DeadlineExceeded => unavailable(format!("{target} did not answer in time: {msg}")),
        _ => unavailable(format!("the connection to {target} is lost: {msg}")),
    }
}

/// Opens the one TLS connection a session lives on and the HTTP/2 channel over it.
/// `call_timeout`, when given, bounds every call on the channel (tonic sends it as
/// `grpc-timeout`); `RemoteConfig` passes none, as it bounds each call itself and the header
/// would cost a timer on both sides of every call. Public for tools and tests that speak the
/// protocol directly (a raw `RouterConfigServiceClient` over the channel); the trust is checked
/// exactly as for [`RemoteConfig`]. Must be awaited inside a tokio runtime.
pub async fn open_channel(
    host: &str,
    port: u16,
    trust: Trust,
    call_timeout: Option<Duration>,
    deadline: Instant,
) -> Result<Channel> {
    let target = host_port_key(host, port);
    let stream = open_tls(host, port, trust, deadline).await?;
    let mut endpoint = Endpoint::from_shared(format!("http://{target}"))
        .or_else(|_| Endpoint::from_shared("http://mprd.invalid".to_string()))
        .map_err(|e| unavailable(format!("endpoint for {target}: {e}")))?;
    if let Some(t) = call_timeout {
        endpoint = endpoint.timeout(t);
    }
    let endpoint = endpoint
        .http2_keep_alive_interval(Duration::from_secs(30))
        .keep_alive_timeout(Duration::from_secs(10))
        .keep_alive_while_idle(true);
    let connector = OneShot(Arc::new(Mutex::new(Some(stream))));
    match tokio::time::timeout_at(deadline, endpoint.connect_with_connector(connector)).await {
        Err(_) => Err(bad_netpath(format!("connecting to {target} timed out"))),
        Ok(Err(e)) => Err(unavailable(format!("HTTP/2 with {target} failed: {e}"))),
        Ok(Ok(c)) => Ok(c),
    }
}

/// An open remote configuration: one session on one `mprd`.
pub struct RemoteConfig {
    pub(crate) client: std::mem::ManuallyDrop<Client>,
    /// The session's one HTTP/2 channel, for the other services on it (`admin_client.rs`).
    pub(crate) channel: Channel,
    /// The process that opened the session: a forked child gets `ERROR_INVALID_HANDLE`.
    pid: u32,
    pub(crate) session: String,
    pub(crate) target: String,
    role: Role,
    pub(crate) call_timeout: Duration,
}

impl std::fmt::Debug for RemoteConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteConfig")
            .field("server", &self.target)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// Opens a session on the server a name designates (DESIGN §5 grammar), with trust and token
/// from the environment ([`ConnectOptions::from_env`]).
pub fn connect(server_name: &str) -> Result<RemoteConfig> {
    let (host, port) = parse_server_name(server_name)?;
    RemoteConfig::connect_with(&host, port, ConnectOptions::from_env(&host, port)?)
}

impl RemoteConfig {
    /// Opens a session on `host:port` with explicit options.
    ///
    /// Errors: `ERROR_BAD_NETPATH` (53) when the name does not resolve or the connection is
    /// refused or times out; `ERROR_ACCESS_DENIED` (5) when the certificate is not trusted
    /// (nothing is sent then) or the token is missing, wrong or revoked;
    /// `RPC_S_SERVER_UNAVAILABLE` (1722) when something answers that is not a working mprd;
    /// otherwise the server's own code (8 at its session limit).
    pub fn connect_with(host: &str, port: u16, options: ConnectOptions) -> Result<RemoteConfig> {
        let host = host.to_string();
        block(async move { Self::connect_async(&host, port, options).await })
    }

    async fn connect_async(host: &str, port: u16, o: ConnectOptions) -> Result<RemoteConfig> {
        let target = host_port_key(host, port);
        let deadline = Instant::now() + o.connect_timeout;
        let channel = open_channel(host, port, o.trust.clone(), None, deadline).await?;
        let mut client = Client::new(channel.clone())
            .max_decoding_message_size(MAX_REPLY_BYTES)
            .max_encoding_message_size(usize::MAX);
        let mut req = Request::new(pb::ConnectRequest {
            protocol_version: crate::PROTOCOL_VERSION,
            client_name: o.client_name.clone(),
        });
        if let Some(token) = &o.token {
            let value = format!("Bearer {}", token.trim()).parse().map_err(|_| {
                Error::new(
                    WinError::ERROR_ACCESS_DENIED,
                    "the token contains characters a token cannot have",
                )
            })?;
            req.metadata_mut().insert("authorization", value);
        }
        let rep = match tokio::time::timeout_at(deadline, client.connect(req)).await {
            Err(_) => {
                return Err(bad_netpath(format!(
                    "{target} did not answer the connect in time"
                )));
            }
            Ok(Err(s)) => return Err(map_status(&s, &target)),
            Ok(Ok(r)) => r.into_inner(),
        };
        cv::check_status(rep.status)?;
        let role = match pb::Role::try_from(rep.role) {
            Ok(pb::Role::Admin) => Role::Admin,
            _ => Role::Reader,
        };
        Ok(RemoteConfig {
            client: std::mem::ManuallyDrop::new(client),
            channel,
            pid: std::process::id(),
            session: rep.session,
            target,
            role,
            call_timeout: o.call_timeout,
        })
    }

    /// The session id the server gave (useless on any other connection).
    pub fn session_id(&self) -> &str {
        &self.session
    }

    /// The role of this session's token.
    pub fn role(&self) -> Role {
        self.role
    }

    /// The server as `host:port`.
    pub fn server(&self) -> &str {
        &self.target
    }

    /// One call on this session: `rpc` sends the request (given a client and the session id),
    /// bounded by the call time-out; a transport failure maps to 53/5/87/1722 ([`map_status`]),
    /// a non-zero status is the server's error, and a reply that does not decode gives
    /// `RPC_S_CALL_FAILED` (1726).
    fn call<Rep, T, Fut>(
        &self,
        rpc: impl FnOnce(Client, String) -> Fut + Send + 'static,
    ) -> Result<T>
    where
        Fut: Future<Output = std::result::Result<Response<Rep>, Status>> + Send + 'static,
        Rep: Carries<T>,
        T: Send + 'static,
    {
        self.call_on((*self.client).clone(), rpc)
    }

    /// [`Self::call`] with any service's client on this session's channel (the router
    /// administration client uses it): the same ownership check, time-out and error mapping.
    pub(crate) fn call_on<C, Rep, T, Fut>(
        &self,
        client: C,
        rpc: impl FnOnce(C, String) -> Fut + Send + 'static,
    ) -> Result<T>
    where
        C: Send + 'static,
        Fut: Future<Output = std::result::Result<Response<Rep>, Status>> + Send + 'static,
        Rep: Carries<T>,
        T: Send + 'static,
    {
        self.owned_here()?;
        let session = self.session.clone();
        let target = self.target.clone();
        let limit = self.call_timeout;
        block(async move {
            let mut rep = match tokio::time::timeout(limit, rpc(client, session)).await {
                Err(_) => {
                    return Err(unavailable(format!(
                        "{target} did not answer within {} s",
                        limit.as_secs_f32()
                    )));
                }
                Ok(Err(s)) => return Err(map_status(&s, &target)),
                Ok(Ok(r)) => r.into_inner(),
            };
            cv::check_status(rep.status().take())?;
            rep.take().map_err(|e| {
                Error::new(
                    WinError::RPC_S_CALL_FAILED,
                    format!("malformed reply from {target}: {}", e.detail),
                )
            })
        })
    }
}

impl RemoteConfig {
    /// `ERROR_INVALID_HANDLE` in a child after `fork()`: the session, its connection and the
    /// runtime driving it belong to the parent (see [`RUNTIMES`]).
    pub(crate) fn owned_here(&self) -> Result<()> {
        if self.pid != std::process::id() {
            return Err(inherited(&self.target));
        }
        Ok(())
    }
}

impl Drop for RemoteConfig {
    fn drop(&mut self) {
        // SAFETY: `client` is taken exactly once, here, and never used again.
        let client = unsafe { std::mem::ManuallyDrop::take(&mut self.client) };
        if self.pid != std::process::id() {
            // A forked child: the session and its connection are the parent's (see
            // LEFT_TO_PARENT); the server hears nothing from this process.
            LEFT_TO_PARENT
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(client);
            return;
        }
        // Tell the server at once (best effort, bounded); the connection closing frees the
        // session anyway.
        let mut client = client;
        let session = std::mem::take(&mut self.session);
        if let Ok(rt) = runtime() {
            rt.spawn(async move {
                let _ = tokio::time::timeout(
                    Duration::from_secs(2),
                    client.disconnect(pb::SessionRequest { session }),
                )
                .await;
            });
        }
    }
}

/// `impl RouterConfig for RemoteConfig`, one method per row of the table of operations
/// ([`crate::ops`]): each argument becomes its request field ([`Param`]), the reply's result is
/// decoded by [`Carries::take`]. `apply_batch` and `watch`, which are not rows, are written by
/// hand in `changes.rs`.
macro_rules! client {
    ($(
        $access:ident $method:ident ( $( $p:ident : $ty:ty ),* ) -> $ret:ty = $req:ident => $rep:ident;
    )*) => {
        impl RouterConfig for RemoteConfig {
            fn apply_batch(&self, ops: &[BatchOp]) -> Result<Vec<BatchOutcome>, BatchError> {
                self.apply_batch_remote(ops)
            }

            fn watch(self: Arc<Self>, after: Option<u64>) -> Result<Box<dyn ChangeStream>> {
                RemoteConfig::watch_remote(self, after)
            }

            $(
                fn $method(&self $(, $p: $ty)*) -> Result<$ret> {
                    $( let $p = Param::to_wire($p); )*
                    self.call(move |mut c, session| async move {
                        c.$method(pb::$req { session $(, $p)* }).await
                    })
                }
            )*
        }
    };
}

router_config_ops!(client);

// ---- trust on first use -------------------------------------------------------------------------

/// The SHA-256 fingerprint (64 hex digits) of the certificate a server presents, learned
/// without trusting it: the handshake is aborted after the certificate is seen, so nothing is
/// sent. `host_port` follows the server-name grammar. For `mprcfg trust`.
pub fn fetch_fingerprint(host_port: &str) -> Result<String> {
    let (host, port) = parse_server_name(host_port)?;
    block(async move {
        let target = host_port_key(&host, port);
        let deadline = Instant::now() + Duration::from_secs(5);
        let tcp = open_tcp(&host, port, &target, deadline).await?;
        let seen = Arc::new(Mutex::new(Seen::default()));
        let cfg = tls::client_config(TrustVerifier::capture(seen.clone()))?;
        let result = tokio::time::timeout_at(
            deadline,
            tokio_rustls::TlsConnector::from(cfg).connect(tls::server_name(&host), tcp),
        )
        .await;
        let fp = seen
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .fingerprint
            .clone();
        match (fp, result) {
            (Some(fp), _) => Ok(fp),
            (None, Err(_)) => Err(bad_netpath(format!(
                "TLS handshake with {target} timed out"
            ))),
            (None, Ok(r)) => Err(unavailable(format!(
                "{target} presented no certificate ({}); is an mprd listening there?",
                r.err().map(|e| e.to_string()).unwrap_or_default()
            ))),
        }
    })
}

/// Pins a fingerprint for a server in `known_hosts` (for `mprcfg trust` after the user has
/// confirmed it). Returns the normalised fingerprint.
pub fn pin_fingerprint(host_port: &str, fingerprint: &str) -> Result<String> {
    let (host, port) = parse_server_name(host_port)?;
    let fp = tls::normalize_fingerprint(fingerprint).ok_or_else(|| {
        Error::invalid_parameter(format!("{fingerprint:?} is not a SHA-256 fingerprint"))
    })?;
    let path = tls::known_hosts_path().ok_or_else(|| {
        Error::new(
            WinError::ERROR_PATH_NOT_FOUND,
            "neither XDG_CONFIG_HOME nor HOME is set",
        )
    })?;
    tls::add_pin(&path, &host_port_key(&host, port), &fp)?;
    Ok(fp)
}

/// Fetches a server's fingerprint and pins it in `known_hosts` (trust on first use); returns
/// the fingerprint so it can be shown and compared with the one `mprd` printed.
pub fn trust_host(host_port: &str) -> Result<String> {
    let fp = fetch_fingerprint(host_port)?;
    pin_fingerprint(host_port, &fp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_give_the_token_of_each_host_port_in_any_case() {
        let c = parse_credentials(Some(
            "\"R1:4747\" = \"aa\"\n[\"r2:4747\"]\ntoken = \"bb\"\n[\"r3:4747\"]\nuser = \"x\"\n",
        ));
        assert_eq!(c["r1:4747"].as_deref(), Some("aa"));
        assert_eq!(c["r2:4747"].as_deref(), Some("bb"));
        assert_eq!(c["r3:4747"], None, "an entry without a token gives none");
        assert!(parse_credentials(Some("not [toml")).is_empty());
        assert!(parse_credentials(None).is_empty());
    }
}
