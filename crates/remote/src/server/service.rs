//! The gRPC service: every call checks its session, token and role, then runs one
//! `RouterConfig` operation inline or on the blocking pool, through the reply cache for point
//! reads. The handlers are generated from the table of operations ([`crate::ops`]); only
//! Connect and Disconnect are written here, and ApplyBatch and Watch in `streams.rs`.

use super::sessions::{ConnInfo, Shared};
use super::streams::WatchStream;
use crate::Role;
use crate::ops::router_config_ops;
use crate::pb;
use crate::pb::router_config_service_server::RouterConfigService;
use crate::wire::{Carries, Lend, Param};
use mprconfig_core::model::*;
use mprconfig_core::{Error, Result, RouterConfig, Versioned, WinError};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use tonic::{Request, Response, Status};

/// What a call does to the store, which decides the role it needs and where it runs (the first
/// column of the table of operations).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    /// A point read (a get-info, a get-handle), named for the reply cache: runs inline on the
    /// async worker, and its reply is reused while the configuration's data version is unchanged
    /// (see [`super::cache::ReplyCache`]).
    Read(&'static str),
    /// A read with a side effect (`refresh`): inline, never answered from the cache.
    Live,
    /// A read that may walk the whole configuration (enumerations, backup): blocking pool.
    Scan,
    /// A change (admin role only): blocking pool, as a commit waits for fsync.
    Write,
}

/// The wire status of a result: code 0 and no detail for success.
pub(super) fn status_of<T>(r: &Result<T>) -> pb::WinStatus {
    match r {
        Ok(_) => pb::WinStatus {
            code: 0,
            detail: String::new(),
        },
        Err(e) => pb::WinStatus {
            code: e.code.0,
            detail: e.detail.clone(),
        },
    }
}

/// The reply for a result: its status, and on success its value.
fn respond<R: Carries<T>, T>(r: Result<T>) -> Res<R> {
    let mut rep = R::default();
    *rep.status() = Some(status_of(&r));
    if let Ok(v) = r {
        rep.put(v);
    }
    Ok(Response::new(rep))
}

pub(super) type Res<T> = std::result::Result<Response<T>, Status>;

/// The gRPC service over a set of sessions.
#[derive(Clone)]
pub(super) struct Service {
    pub(super) shared: Arc<Shared>,
}

/// Runs blocking work of a request handler (a store write waits for its fsync; a relayed
/// administration call waits for the router manager) on the blocking pool, so that the
/// runtime's workers keep serving other calls; a panic becomes `ERROR_INTERNAL_ERROR`, never a
/// dropped call. (Running it in place with `block_in_place` instead was measured: no gain
/// within the noise for a remote batch, so the simpler pool hop stays.)
pub(super) async fn run_blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|e| {
        Err(Error::new(
            WinError::ERROR_INTERNAL_ERROR,
            format!("call failed inside the server: {e}"),
        ))
    })
}

impl Service {
    /// One call on `session` (already taken out of `msg`): check the session, its token and
    /// its role ([`Shared::session_for`]), then run `op`: inline for [`Access::Read`] (answered
    /// from the reply cache when the configuration has not changed) and [`Access::Live`], on
    /// the blocking pool otherwise.
    async fn call<Req, Rep, T>(
        &self,
        conn: Option<u64>,
        session: &str,
        msg: Req,
        access: Access,
        op: impl FnOnce(&dyn RouterConfig, Req) -> Result<T> + Send + 'static,
    ) -> Res<Rep>
    where
        Req: prost::Message + Send + 'static,
        Rep: Carries<T>,
        T: Send + 'static,
    {
        let shared = &self.shared;
        let config = match shared.session_for(conn, session, access == Access::Write) {
            Ok(c) => c,
            Err(e) => return respond(Err(e)),
        };
        match access {
            Access::Read(rpc) => {
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
                let reply = respond(op(&*config, msg))?;
                if let Some(v) = version {
                    shared.replies.put(key, &config, v, reply.get_ref());
                }
                Ok(reply)
            }
            Access::Live => respond(op(&*config, msg)),
            Access::Scan | Access::Write => respond(run_blocking(move || op(&*config, msg)).await),
        }
    }

    async fn connect_rpc(&self, request: Request<pb::ConnectRequest>) -> Res<pb::ConnectReply> {
        self.shared.stats.requests.fetch_add(1, Ordering::Relaxed);
        let (meta, ext, msg) = request.into_parts();
        let r = self
            .shared
            .open_session(&meta, ext.get::<ConnInfo>().cloned(), &msg);
        let mut rep = pb::ConnectReply {
            status: Some(status_of(&r)),
            protocol_version: crate::PROTOCOL_VERSION,
            server_version: env!("CARGO_PKG_VERSION").to_string(),
            ..Default::default()
        };
        if let Ok((id, role)) = r {
            rep.session = id;
            rep.role = match role {
                Role::Admin => pb::Role::Admin as i32,
                Role::Reader => pb::Role::Reader as i32,
            };
        }
        Ok(Response::new(rep))
    }

    async fn disconnect_rpc(&self, request: Request<pb::SessionRequest>) -> Res<pb::StatusReply> {
        self.shared.stats.requests.fetch_add(1, Ordering::Relaxed);
        let (_, ext, msg) = request.into_parts();
        let conn = ext.get::<ConnInfo>().map(|c| c.id);
        respond(self.shared.disconnect(conn, &msg.session))
    }
}

/// The `Access` of a table row: point reads are named for the reply cache.
macro_rules! access {
    (Read, $method:ident) => {
        Access::Read(stringify!($method))
    };
    ($access:ident, $method:ident) => {
        Access::$access
    };
}

/// The service: Connect and Disconnect, then one handler per row of the table. A handler
/// counts the request, takes the session id out of the request (so the cache key never holds
/// it), and runs the operation: each field is decoded in parameter order ([`Param`], 87 for a
/// malformed one) and lent to the `RouterConfig` method ([`Lend`]).
macro_rules! service {
    ($(
        $access:ident $method:ident ( $( $p:ident : $ty:ty ),* ) -> $ret:ty = $req:ident => $rep:ident;
    )*) => {
        #[tonic::async_trait]
        impl RouterConfigService for Service {
            async fn connect(&self, r: Request<pb::ConnectRequest>) -> Res<pb::ConnectReply> {
                self.connect_rpc(r).await
            }

            async fn disconnect(&self, r: Request<pb::SessionRequest>) -> Res<pb::StatusReply> {
                self.disconnect_rpc(r).await
            }

            async fn apply_batch(&self, r: Request<pb::BatchRequest>) -> Res<pb::BatchReply> {
                self.apply_batch_rpc(r).await
            }

            type WatchStream = WatchStream;

            async fn watch(&self, r: Request<pb::WatchRequest>) -> Res<WatchStream> {
                self.watch_rpc(r).await
            }

            $(
                async fn $method(&self, r: Request<pb::$req>) -> Res<pb::$rep> {
                    self.shared.stats.requests.fetch_add(1, Ordering::Relaxed);
                    let (_, ext, mut msg) = r.into_parts();
                    let conn = ext.get::<ConnInfo>().map(|c| c.id);
                    let session = std::mem::take(&mut msg.session);
                    self.call::<_, pb::$rep, $ret>(
                        conn,
                        &session,
                        msg,
                        access!($access, $method),
                        |c, m| {
                            let pb::$req { session: _ $(, $p)* } = m;
                            $( let $p = <$ty as Param>::from_wire($p)?; )*
                            c.$method($( Lend::lend(&$p) ),*)
                        },
                    )
                    .await
                }
            )*
        }
    };
}

router_config_ops!(service);
