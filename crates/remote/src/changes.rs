//! The client side of the two calls that are not rows of the table of operations:
//! `ApplyBatch` (one RPC, one server-side transaction; the reply names the failing step) and
//! `Watch` (a server stream of committed changes).
//!
//! A watch stream is pumped by a task on the shared runtime into a channel, so that
//! [`ChangeStream::next_timeout`] is a plain wait on that channel (no runtime call per change,
//! which is what keeps delivery latency low). The task ends when the stream is dropped. A
//! session lives on one connection: when it is lost the stream ends with
//! `RPC_S_SERVER_UNAVAILABLE` (1722), and the caller reconnects and watches again from
//! [`ChangeStream::position`] (the server resumes exactly after it, or says 1181).

use crate::client::{RemoteConfig, block, map_status, runtime, unavailable};
use crate::convert as cv;
use crate::pb;
use mprconfig_core::WinError;
use mprconfig_core::{BatchError, BatchOp, BatchOutcome, Change, ChangeStream, Error, Result};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

impl RemoteConfig {
    /// `apply_batch` over the wire: every step encoded into one `ApplyBatch` call.
    pub(crate) fn apply_batch_remote(
        &self,
        ops: &[BatchOp],
    ) -> std::result::Result<Vec<BatchOutcome>, BatchError> {
        self.owned_here().map_err(BatchError::whole)?;
        let steps: Vec<pb::BatchStep> = ops.iter().map(Into::into).collect();
        let mut client = (*self.client).clone();
        let session = self.session.clone();
        let target = self.target.clone();
        let limit = self.call_timeout;
        let len = ops.len();
        let names: Vec<&'static str> = ops.iter().map(BatchOp::name).collect();
        let reply = block(async move {
            let req = pb::BatchRequest { session, steps };
            match tokio::time::timeout(limit, client.apply_batch(req)).await {
                Err(_) => Err(unavailable(format!(
                    "{target} did not answer within {} s (the batch may or may not have been applied)",
                    limit.as_secs_f32()
                ))),
                Ok(Err(s)) => Err(map_status(&s, &target)),
                Ok(Ok(r)) => Ok(r.into_inner()),
            }
        })
        .map_err(BatchError::whole)?;
        if let Err(e) = cv::check_status(reply.status) {
            // The server's detail already names the step; keep its code and detail unchanged.
            let step = reply
                .failed_step
                .map(|s| s as usize)
                .filter(|&s| s < len.max(1));
            return Err(BatchError { step, error: e });
        }
        if reply.outcomes.len() != len {
            return Err(BatchError::whole(malformed(
                &self.target,
                format!("{} outcomes for {len} steps", reply.outcomes.len()),
            )));
        }
        reply
            .outcomes
            .into_iter()
            .zip(names)
            .map(|(o, name)| {
                cv::batch_outcome(o).map_err(|e| {
                    BatchError::whole(malformed(&self.target, format!("{name}: {}", e.detail)))
                })
            })
            .collect()
    }

    /// `watch` over the wire: opens the `Watch` stream and waits for its first event, which
    /// carries the starting position or the reason the stream cannot start (1179, 1181, 5...).
    pub(crate) fn watch_remote(
        this: Arc<RemoteConfig>,
        after: Option<u64>,
    ) -> Result<Box<dyn ChangeStream>> {
        this.owned_here()?;
        let mut client = (*this.client).clone();
        let session = this.session.clone();
        let target = this.target.clone();
        let limit = this.call_timeout;
        let mut stream = block(async move {
            let req = pb::WatchRequest { session, after };
            match tokio::time::timeout(limit, client.watch(req)).await {
                Err(_) => Err(unavailable(format!(
                    "{target} did not open the change stream within {} s",
                    limit.as_secs_f32()
                ))),
                Ok(Err(s)) => Err(map_status(&s, &target)),
                Ok(Ok(r)) => Ok(r.into_inner()),
            }
        })?;
        let (tx, rx) = mpsc::sync_channel::<Result<Change>>(256);
        let (first_tx, first_rx) = mpsc::sync_channel::<Result<u64>>(1);
        let target = this.target.clone();
        let pump = runtime()?.spawn(async move {
            let lost =
                |why: String| unavailable(format!("the change stream from {target} ended: {why}"));
            let mut first = Some(first_tx);
            loop {
                let item = match stream.message().await {
                    Ok(Some(ev)) => event(ev, &target),
                    Ok(None) => Err(lost("the server closed it".into())),
                    Err(s) => Err(map_status(&s, &target)),
                };
                let end = item.is_err();
                let sent = match (first.take(), item) {
                    (Some(f), Ok(Event::Start(position))) => f.send(Ok(position)).is_ok(),
                    (Some(f), Ok(Event::Change(_))) => f
                        .send(Err(malformed(&target, "a change before the start".into())))
                        .is_ok(),
                    (Some(f), Err(e)) => f.send(Err(e)).is_ok(),
                    (None, Ok(Event::Change(c))) => deliver(&tx, Ok(c)).await,
                    (None, Ok(Event::Start(_))) => {
                        deliver(&tx, Err(malformed(&target, "a second start event".into()))).await
                    }
                    (None, Err(e)) => deliver(&tx, Err(e)).await,
                };
                if end || !sent {
                    break;
                }
            }
        });
        let position = match first_rx.recv() {
            Ok(r) => r,
            Err(_) => Err(unavailable(format!(
                "the change stream from {} ended before it started",
                this.target
            ))),
        };
        let position = match position {
            Ok(p) => p,
            Err(e) => {
                pump.abort();
                return Err(e);
            }
        };
        Ok(Box::new(RemoteChanges {
            _config: this,
            rx,
            pump,
            position,
            ended: None,
        }))
    }
}

/// Hands one item to the reader without blocking a runtime thread: while the reader is behind
/// (the channel full), the pump waits, and so stops reading the stream (HTTP/2 flow control
/// then holds the server back). False when the reader is gone.
async fn deliver(tx: &mpsc::SyncSender<Result<Change>>, mut item: Result<Change>) -> bool {
    loop {
        match tx.try_send(item) {
            Ok(()) => return true,
            Err(mpsc::TrySendError::Disconnected(_)) => return false,
            Err(mpsc::TrySendError::Full(back)) => {
                item = back;
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        }
    }
}

enum Event {
    Start(u64),
    Change(Change),
}

/// One event from the wire: a non-zero status ends the stream with the server's error.
fn event(ev: pb::WatchEvent, target: &str) -> Result<Event> {
    cv::check_status(ev.status)?;
    match ev.change {
        None => Ok(Event::Start(ev.position)),
        Some(c) => cv::change(Some(c))
            .map(Event::Change)
            .map_err(|e| malformed(target, e.detail)),
    }
}

fn malformed(target: &str, why: String) -> Error {
    Error::new(
        WinError::RPC_S_CALL_FAILED,
        format!("malformed reply from {target}: {why}"),
    )
}

/// A remote change stream (see the module documentation).
struct RemoteChanges {
    /// Keeps the session open while the stream lives.
    _config: Arc<RemoteConfig>,
    rx: mpsc::Receiver<Result<Change>>,
    pump: tokio::task::JoinHandle<()>,
    position: u64,
    /// The error that ended the stream, repeated to every later call.
    ended: Option<Error>,
}

impl ChangeStream for RemoteChanges {
    fn position(&self) -> u64 {
        self.position
    }

    fn next_timeout(&mut self, timeout: Duration) -> Result<Option<Change>> {
        if let Some(e) = &self.ended {
            return Err(e.clone());
        }
        let item = match self.rx.recv_timeout(timeout) {
            Ok(item) => item,
            Err(mpsc::RecvTimeoutError::Timeout) => return Ok(None),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                Err(unavailable("the change stream ended".to_string()))
            }
        };
        match item {
            Ok(c) => {
                self.position = c.seq;
                Ok(Some(c))
            }
            Err(e) => {
                self.ended = Some(e.clone());
                Err(e)
            }
        }
    }
}

impl Drop for RemoteChanges {
    fn drop(&mut self) {
        // Ends the call: the server's watch thread sees the closed stream within a slice.
        self.pump.abort();
    }
}
