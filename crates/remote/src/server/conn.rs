//! Connections: accepted under the connection limit, TLS-handshaken under a time limit, and
//! wrapped so that their sessions die with them and a connection without a session for the
//! sessionless time-out is closed.

use super::sessions::{ConnInfo, ConnState, Shared};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio::time::{Instant, Sleep};
use tonic::transport::server::Connected;

struct ConnSlot(Arc<Shared>);

impl Drop for ConnSlot {
    fn drop(&mut self) {
        self.0.stats.connections.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A TLS connection as the gRPC server sees it: sessions die with it, and it closes itself
/// when it has held no session for the sessionless time-out.
pub(super) struct ServerConn {
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
                shared.stats.watchdog_kept.fetch_add(1, Ordering::Relaxed);
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

pub(super) async fn accept_loop(
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
