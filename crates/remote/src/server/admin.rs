//! The administration service (`RouterAdminService`, `proto/admin.proto`): `MprAdmin*`,
//! `plan` and `status` relayed to the router manager of the server's machine through the
//! [`RouterAdmin`] the server was given ([`super::Server::with_admin`]).
//!
//! Every call checks its session, token and role exactly as a configuration call does (the
//! sessions are those of `RouterConfigService`), then runs on the blocking pool: the relay waits
//! for the router manager, and a write for the reconcile that applies it. At most
//! [`MAX_RELAYED`] calls wait on the router manager at once (it answers one request at a time,
//! so more would only hold blocking threads the configuration calls need); later ones wait
//! for a turn without holding a thread. Without a relay, every call answers `RPC_S_UNKNOWN_IF`
//! (1717), as Windows does when the router service does not run.

use super::service::{Res, run_blocking, status_of};
use super::sessions::{ConnInfo, Shared};
use crate::admin::{AdminHello, RouterAdmin, TransportHeaders, router_admin_ops};
use crate::pb;
use crate::pb::router_admin_service_server::RouterAdminService;
use crate::wire::{Carries, Lend, Param};
use mprconfig_core::model::*;
use mprconfig_core::{Error, Result, WinError};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use tokio::sync::Semaphore;
use tonic::{Request, Response};

/// Calls waiting on the router manager at once.
pub const MAX_RELAYED: usize = 2;

/// The administration service over a server's sessions.
#[derive(Clone)]
pub(super) struct AdminService {
    pub(super) shared: Arc<Shared>,
    pub(super) relay: Option<Arc<dyn RouterAdmin>>,
    pub(super) turns: Arc<Semaphore>,
}

/// What a server without a relay answers.
fn no_relay() -> Error {
    Error::new(
        WinError::RPC_S_UNKNOWN_IF,
        "this server relays no router manager (router administration is not available here)",
    )
}

fn respond<R: Carries<T>, T>(r: Result<T>) -> Res<R> {
    let mut rep = R::default();
    *rep.status() = Some(status_of(&r));
    if let Ok(v) = r {
        rep.put(v);
    }
    Ok(Response::new(rep))
}

impl AdminService {
    /// One call: the session checks of [`Shared::session_for`] (a write needs the admin role),
    /// then `op` on the relay, on the blocking pool, in turn.
    async fn call<Rep, T>(
        &self,
        conn: Option<u64>,
        session: &str,
        write: bool,
        op: impl FnOnce(&dyn RouterAdmin) -> Result<T> + Send + 'static,
    ) -> Res<Rep>
    where
        Rep: Carries<T>,
        T: Send + 'static,
    {
        if let Err(e) = self.shared.session_for(conn, session, write) {
            return respond(Err(e));
        }
        let Some(relay) = self.relay.clone() else {
            return respond(Err(no_relay()));
        };
        let Ok(_turn) = self.turns.acquire().await else {
            return respond(Err(no_relay()));
        };
        respond(run_blocking(move || op(&*relay)).await)
    }
}

/// `true` for a row that changes the configuration.
macro_rules! writes {
    (Write) => {
        true
    };
    (Read) => {
        false
    };
}

/// One handler per row of the table: count, take the session out, decode each field in
/// parameter order ([`Param`], 87 for a malformed one) and lend it to the relay's method.
macro_rules! admin_service {
    ($(
        $access:ident $method:ident ( $( $p:ident : $ty:ty ),* ) -> $ret:ty = $req:ident => $rep:ident;
    )*) => {
        #[tonic::async_trait]
        impl RouterAdminService for AdminService {
            $(
                async fn $method(&self, r: Request<pb::$req>) -> Res<pb::$rep> {
                    self.shared.stats.requests.fetch_add(1, Ordering::Relaxed);
                    let (_, ext, mut msg) = r.into_parts();
                    let conn = ext.get::<ConnInfo>().map(|c| c.id);
                    let session = std::mem::take(&mut msg.session);
                    self.call::<pb::$rep, $ret>(conn, &session, writes!($access), move |a| {
                        let pb::$req { session: _ $(, $p)* } = msg;
                        $( let $p = <$ty as Param>::from_wire($p)?; )*
                        a.$method($( Lend::lend(&$p) ),*)
                    })
                    .await
                }
            )*
        }
    };
}

router_admin_ops!(admin_service);
