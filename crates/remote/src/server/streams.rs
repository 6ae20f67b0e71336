//! The two RPCs that are not rows of the table of operations: `ApplyBatch`, whose reply names
//! the failing step, and `Watch`, a server stream of committed changes.
//!
//! A batch is decoded step by step (a malformed step fails the batch at that step with 87),
//! needs the admin role and runs as one `apply_batch` (so one store transaction) through
//! [`run_blocking`], like every write. A watch needs the reader role; it runs on a thread of
//! its own (it never ends by itself, and must not hold a worker or one of the blocking pool's
//! threads, which the other calls need), at most [`super::ServerConfig::max_watches`] at
//! once. That thread waits for changes in slices of [`WATCH_SLICE`], and between slices checks
//! that the client is still there, the session still open and its token still valid, and that
//! the server is not draining; each ends the stream (with 1722, 5 or 1722) within a slice.

use super::service::{Res, Service, run_blocking, status_of};
use super::sessions::ConnInfo;
use crate::convert as cv;
use crate::pb;
use mprconfig_core::{BatchError, Error, Result, WinError};
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::sync::mpsc;
use tonic::{Request, Response, Status};

/// How long a watch thread waits for a change before it checks its client and session again.
const WATCH_SLICE: Duration = Duration::from_millis(500);

/// The stream type of `Watch`.
pub(super) type WatchStream =
    tokio_stream::wrappers::ReceiverStream<std::result::Result<pb::WatchEvent, Status>>;

fn batch_reply(
    r: std::result::Result<Vec<mprconfig_core::BatchOutcome>, BatchError>,
) -> pb::BatchReply {
    match r {
        Ok(outcomes) => pb::BatchReply {
            status: Some(status_of(&Ok(()))),
            failed_step: None,
            outcomes: outcomes.iter().map(Into::into).collect(),
        },
        Err(e) => pb::BatchReply {
            status: Some(status_of::<()>(&Err(e.error))),
            failed_step: e.step.map(|s| u32::try_from(s).unwrap_or(u32::MAX)),
            outcomes: Vec::new(),
        },
    }
}

fn event(status: Result<()>, position: u64, change: Option<pb::Change>) -> pb::WatchEvent {
    pb::WatchEvent {
        status: Some(status_of(&status)),
        position,
        change,
    }
}

impl Service {
    pub(super) async fn apply_batch_rpc(
        &self,
        request: Request<pb::BatchRequest>,
    ) -> Res<pb::BatchReply> {
        self.shared.stats.requests.fetch_add(1, Ordering::Relaxed);
        let (_, ext, msg) = request.into_parts();
        let conn = ext.get::<ConnInfo>().map(|c| c.id);
        let config = match self.shared.session_for(conn, &msg.session, true) {
            Ok(c) => c,
            Err(e) => return Ok(Response::new(batch_reply(Err(BatchError::whole(e))))),
        };
        let len = msg.steps.len();
        let mut ops = Vec::with_capacity(len);
        for (i, step) in msg.steps.into_iter().enumerate() {
            match cv::batch_step(step) {
                Ok(op) => ops.push(op),
                Err(e) => {
                    let e = BatchError::at_step(i, len, "malformed step", e);
                    return Ok(Response::new(batch_reply(Err(e))));
                }
            }
        }
        // The step results travel out through the closure's Ok: run_blocking's own error is
        // only for a batch that panicked, which then failed as a whole.
        let r = run_blocking(move || Ok(config.apply_batch(&ops)))
            .await
            .unwrap_or_else(|e| Err(BatchError::whole(e)));
        Ok(Response::new(batch_reply(r)))
    }

    pub(super) async fn watch_rpc(&self, request: Request<pb::WatchRequest>) -> Res<WatchStream> {
        let shared = self.shared.clone();
        shared.stats.requests.fetch_add(1, Ordering::Relaxed);
        let (_, ext, msg) = request.into_parts();
        let conn = ext.get::<ConnInfo>().map(|c| c.id);
        let (tx, rx) = mpsc::channel(64);
        let stream = WatchStream::new(rx);
        let config = match shared.session_for(conn, &msg.session, false) {
            Ok(c) => c,
            Err(e) => {
                let _ = tx.try_send(Ok(event(Err(e), 0, None)));
                return Ok(Response::new(stream));
            }
        };
        let open = shared.stats.watches.fetch_add(1, Ordering::SeqCst);
        if open >= shared.config.max_watches {
            shared.stats.watches.fetch_sub(1, Ordering::SeqCst);
            let e = Error::new(
                WinError::ERROR_NOT_ENOUGH_MEMORY,
                format!(
                    "the server has reached its limit of {} change streams",
                    shared.config.max_watches
                ),
            );
            let _ = tx.try_send(Ok(event(Err(e), 0, None)));
            return Ok(Response::new(stream));
        }
        let session = msg.session;
        let after = msg.after;
        let spawned = std::thread::Builder::new()
            .name("mprd-watch".into())
            .spawn({
                let shared = shared.clone();
                move || {
                    let send = |ev: pb::WatchEvent| tx.blocking_send(Ok(ev)).is_ok();
                    let mut changes = match config.watch(after) {
                        Ok(c) => c,
                        Err(e) => {
                            send(event(Err(e), after.unwrap_or(0), None));
                            shared.stats.watches.fetch_sub(1, Ordering::SeqCst);
                            return;
                        }
                    };
                    let mut alive = send(event(Ok(()), changes.position(), None));
                    while alive {
                        if tx.is_closed() {
                            break;
                        }
                        if shared.stopping.load(Ordering::SeqCst) {
                            let e = Error::new(
                                WinError::RPC_S_SERVER_UNAVAILABLE,
                                "the server is shutting down",
                            );
                            send(event(Err(e), changes.position(), None));
                            break;
                        }
                        if let Err(e) = shared.session_for(conn, &session, false) {
                            send(event(Err(e), changes.position(), None));
                            break;
                        }
                        alive = match changes.next_timeout(WATCH_SLICE) {
                            Ok(Some(c)) => send(event(Ok(()), c.seq, Some((&c).into()))),
                            Ok(None) => true,
                            Err(e) => {
                                send(event(Err(e), changes.position(), None));
                                false
                            }
                        };
                    }
                    shared.stats.watches.fetch_sub(1, Ordering::SeqCst);
                }
            });
        if let Err(e) = spawned {
            shared.stats.watches.fetch_sub(1, Ordering::SeqCst);
            return Err(Status::resource_exhausted(format!(
                "cannot start a change stream: {e}"
            )));
        }
        Ok(Response::new(stream))
    }
}
