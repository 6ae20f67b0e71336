//! The router manager service: reconcile on start, on every committed change of the store
//! (inotify on the store's directory wakes it; the store generation, `data_version`, says
//! whether anything was committed; a poll is the fallback), on kernel link events and on
//! removals of our routes (rtnetlink multicast), on any nftables change (`NFNLGRP_NFTABLES`),
//! and periodically; and serve the socket.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use netlink_packet_route::RouteNetlinkMessage;
use rtnetlink::MulticastGroup;
use rtnetlink::packet_core::NetlinkPayload;
use tokio::sync::mpsc;
use tracing::{info, warn};

use mprconfig::admin::Reply;
use mprconfig_core::{Error, RegistryConfig, Result, RouterConfig, WinError};
use mprconfig_store::{OpenOptions, SqliteRegistry};

use crate::kernel::DEFAULT_ROUTE_PROTOCOL;
use crate::reconcile::Reconciler;
use crate::service::Service;
use crate::socket::{self, Call, SocketFile};

/// How the router manager runs.
#[derive(Clone, Debug)]
pub struct Options {
    /// The store file (must exist: configure the router first).
    pub store: PathBuf,
    /// The socket to serve `MprAdmin*`, plan and status on.
    pub socket: PathBuf,
    /// Route protocol number of our routes.
    pub route_protocol: u8,
    /// Fallback poll of the store generation (inotify normally wakes the manager at once).
    pub poll: Duration,
    /// Full reconcile at least this often, whatever the events said.
    pub resync: Duration,
}

impl Options {
    /// Defaults for a store: the socket of `mprconfig::admin::socket_path`, protocol 77, a
    /// 1 s poll and a 30 s resync.
    pub fn new(store: impl Into<PathBuf>) -> Options {
        Options {
            store: store.into(),
            socket: mprconfig::admin::socket_path(),
            route_protocol: DEFAULT_ROUTE_PROTOCOL,
            poll: Duration::from_secs(1),
            resync: Duration::from_secs(30),
        }
    }
}

/// Opens an existing store for the router manager.
pub fn open_store(path: &Path) -> Result<Arc<RegistryConfig<SqliteRegistry>>> {
    if !path.exists() {
        return Err(Error::new(
            WinError::ERROR_FILE_NOT_FOUND,
            format!(
                "no router configuration at {} (create it with mprcfg or MprConfigServerInstall first)",
                path.display()
            ),
        ));
    }
    let registry = OpenOptions::new().create(false).open(path)?;
    Ok(Arc::new(RegistryConfig::new(registry)))
}

/// Why the manager woke.
#[derive(Debug)]
enum Wake {
    /// The store file or its WAL was written; the number is how many re-checks came before.
    Store(u32),
    Kernel,
    Nft,
}

/// Re-checks of the store generation after a write event that did not (yet) show a new
/// generation: SQLite writes the commit frame to the WAL, syncs it, and only then publishes it
/// in the shared-memory index (an mmap, which inotify does not see), so the generation moves
/// a sync later than the last event. Delays 1, 2, 4 … 64 ms.
const STORE_RECHECKS: u32 = 7;

/// Wakes on writes to the store file or its WAL (inotify on the directory). The thread ends
/// when the manager is gone.
fn watch_store(path: &Path, tx: mpsc::UnboundedSender<Wake>) -> Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let file = path
        .file_name()
        .map(|f| f.as_bytes().to_vec())
        .unwrap_or_default();
    let cdir = std::ffi::CString::new(dir.as_os_str().as_bytes())
        .map_err(|_| Error::invalid_parameter("store path contains NUL"))?;
    // SAFETY: plain syscalls on a descriptor this function owns; `cdir` is NUL-terminated.
    let fd = unsafe { libc::inotify_init1(libc::IN_CLOEXEC) };
    if fd < 0 {
        return Err(Error::new(
            WinError::ERROR_NOT_SUPPORTED,
            format!("inotify: {}", std::io::Error::last_os_error()),
        ));
    }
    // SAFETY: as above.
    let wd = unsafe {
        libc::inotify_add_watch(
            fd,
            cdir.as_ptr(),
            libc::IN_MODIFY | libc::IN_CLOSE_WRITE | libc::IN_MOVED_TO | libc::IN_CREATE,
        )
    };
    if wd < 0 {
        let e = std::io::Error::last_os_error();
        // SAFETY: closing our own descriptor.
        unsafe { libc::close(fd) };
        return Err(Error::new(
            WinError::ERROR_NOT_SUPPORTED,
            format!("inotify on {}: {e}", dir.display()),
        ));
    }
    std::thread::Builder::new()
        .name("mprrouted-store".into())
        .spawn(move || {
            let mut buf = [0u8; 4096];
            loop {
                // SAFETY: reading into a buffer we own, of its length.
                let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
                if n <= 0 {
                    if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                        continue;
                    }
                    break;
                }
                let n = n as usize;
                let mut at = 0;
                let mut ours = false;
                // struct inotify_event: wd i32, mask u32, cookie u32, len u32, name[len].
                while at + 16 <= n {
                    let len = u32::from_ne_bytes([
                        buf[at + 12],
                        buf[at + 13],
                        buf[at + 14],
                        buf[at + 15],
                    ]) as usize;
                    let name_end = (at + 16 + len).min(n);
                    let name = &buf[at + 16..name_end];
                    let name = &name[..name.iter().position(|b| *b == 0).unwrap_or(name.len())];
                    if name.starts_with(&file) {
                        ours = true;
                    }
                    at += 16 + len;
                }
                if ours && tx.send(Wake::Store(0)).is_err() {
                    break;
                }
            }
            // SAFETY: closing our own descriptor.
            unsafe { libc::close(fd) };
        })
        .map_err(|e| Error::new(WinError::ERROR_NOT_ENOUGH_MEMORY, format!("thread: {e}")))?;
    Ok(())
}

/// Wakes on every nf_tables change in this network namespace.
fn watch_nft(tx: mpsc::UnboundedSender<Wake>) -> Result<()> {
    let events = crate::nft::ChangeEvents::subscribe()?;
    std::thread::Builder::new()
        .name("mprrouted-nft".into())
        .spawn(move || {
            loop {
                events.wait();
                if tx.send(Wake::Nft).is_err() {
                    break;
                }
            }
        })
        .map_err(|e| Error::new(WinError::ERROR_NOT_ENOUGH_MEMORY, format!("thread: {e}")))?;
    Ok(())
}

/// Wakes on link changes and on changes to routes of our protocol.
fn watch_kernel(protocol: u8, tx: mpsc::UnboundedSender<Wake>) -> Result<()> {
    let (conn, _handle, mut messages) = rtnetlink::new_multicast_connection(&[
        MulticastGroup::Link,
        MulticastGroup::Ipv4Route,
        MulticastGroup::Ipv6Route,
    ])
    .map_err(|e| {
        Error::new(
            WinError::ERROR_ACCESS_DENIED,
            format!("cannot listen to rtnetlink events: {e}"),
        )
    })?;
    tokio::spawn(conn);
    let ours = netlink_packet_route::route::RouteProtocol::from(protocol);
    tokio::spawn(async move {
        while let Some((msg, _)) = messages.next().await {
            let wake = match &msg.payload {
                NetlinkPayload::InnerMessage(m) => match m {
                    RouteNetlinkMessage::NewLink(_) | RouteNetlinkMessage::DelLink(_) => true,
                    RouteNetlinkMessage::NewRoute(r) | RouteNetlinkMessage::DelRoute(r) => {
                        r.header.protocol == ours
                    }
                    _ => false,
                },
                // An overrun (ENOBUFS) loses events: resync.
                NetlinkPayload::Error(_) | NetlinkPayload::Overrun(_) => true,
                _ => false,
            };
            if wake && tx.send(Wake::Kernel).is_err() {
                break;
            }
        }
    });
    Ok(())
}

/// Runs the router manager until `shutdown` completes: binds the socket, reconciles, then
/// serves and reconciles on every event. Must run inside a multi-threaded tokio runtime.
pub async fn run(opts: Options, shutdown: impl Future<Output = ()>) -> Result<()> {
    let source = open_store(&opts.store)?;
    let listener = socket::bind(&opts.socket)?;
    let _socket_file = SocketFile(opts.socket.clone());
    let (call_tx, mut call_rx) = mpsc::channel::<Call>(256);
    tokio::spawn(socket::serve(listener, call_tx));

    let (wake_tx, mut wake_rx) = mpsc::unbounded_channel();
    if let Err(e) = watch_store(&opts.store, wake_tx.clone()) {
        warn!(error = %e, "store changes are seen by polling only");
    }
    watch_kernel(opts.route_protocol, wake_tx.clone())?;
    if let Err(e) = watch_nft(wake_tx.clone()) {
        warn!(error = %e, "nftables changes are seen at the periodic resync only");
    }

    let mut service = Service {
        source: Arc::clone(&source),
        // Absolute, so a client in another directory (mprcfg, mprd's relay) can tell whether
        // this is the store it works on.
        store: std::fs::canonicalize(&opts.store)
            .unwrap_or_else(|_| opts.store.clone())
            .display()
            .to_string(),
        reconciler: Reconciler::new(opts.route_protocol)?,
        started: Instant::now(),
        last: None,
    };
    info!(store = %opts.store.display(), socket = %opts.socket.display(), protocol = opts.route_protocol, "router manager started");
    let mut seen_version = source.data_version().ok().flatten();
    pass(&mut service, "start").await;

    let mut poll = tokio::time::interval(opts.poll);
    poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_full = Instant::now();
    tokio::pin!(shutdown);
    loop {
        let why: &str = tokio::select! {
            _ = &mut shutdown => break,
            call = call_rx.recv() => {
                let Some((req, reply)) = call else { break };
                let r = service.handle(req).await;
                let _ = reply.send(Reply::from_result(r));
                seen_version = source.data_version().ok().flatten();
                continue;
            }
            w = wake_rx.recv() => {
                let Some(w) = w else { break };
                // Coalesce a burst of events into one pass.
                let mut kinds = vec![w];
                while let Ok(more) = wake_rx.try_recv() {
                    kinds.push(more);
                }
                if kinds.iter().all(|k| matches!(k, Wake::Store(_))) {
                    let v = source.data_version().ok().flatten();
                    if v.is_some() && v == seen_version {
                        let tries = kinds
                            .iter()
                            .filter_map(|k| match k {
                                Wake::Store(n) => Some(*n),
                                _ => None,
                            })
                            .max()
                            .unwrap_or(0);
                        if tries < STORE_RECHECKS {
                            let tx = wake_tx.clone();
                            tokio::spawn(async move {
                                tokio::time::sleep(Duration::from_millis(1 << tries)).await;
                                let _ = tx.send(Wake::Store(tries + 1));
                            });
                        }
                        continue;
                    }
                    "store change"
                } else if kinds.iter().any(|k| matches!(k, Wake::Kernel)) {
                    "kernel event"
                } else {
                    "nftables change"
                }
            }
            _ = poll.tick() => {
                let v = source.data_version().ok().flatten();
                if v != seen_version {
                    "store change (poll)"
                } else if last_full.elapsed() >= opts.resync {
                    "periodic resync"
                } else {
                    continue;
                }
            }
        };
        seen_version = source.data_version().ok().flatten();
        pass(&mut service, why).await;
        last_full = Instant::now();
    }
    info!("router manager stopping");
    Ok(())
}

async fn pass(service: &mut Service<Arc<RegistryConfig<SqliteRegistry>>>, why: &str) {
    match service.reconcile().await {
        Ok(r) => {
            if !r.applied.is_empty() {
                info!(
                    reason = why,
                    changes = r.applied.len(),
                    micros = r.micros,
                    "reconciled"
                );
            }
        }
        Err(e) => warn!(reason = why, error = %e, "reconcile failed"),
    }
}
