//! The client of the administration relay: [`RemoteAdmin`] implements [`RouterAdmin`] by
//! calling `RouterAdminService` on an `mprd`, on the session (and so the one connection) of a
//! [`RemoteConfig`]. One method per row of the table (`crate::admin`).
//!
//! [`RemoteAdmin::connect`] is the remote `MprAdminServerConnect`: it opens a configuration
//! session (name grammar, trust, token, time-outs and the codes 53, 5 and 1722 are
//! [`crate::connect`]'s), then asks the relay for the router manager's hello. A server whose
//! machine runs no router manager answers `RPC_S_UNKNOWN_IF` (1717), and the session is
//! closed again.

use crate::admin::{AdminHello, RouterAdmin, TransportHeaders, router_admin_ops};
use crate::client::RemoteConfig;
use crate::pb;
use crate::pb::router_admin_service_client::RouterAdminServiceClient;
use crate::wire::{Carries, Param};
use mprconfig_core::model::*;
use mprconfig_core::{Error, Result, WinError};
use std::future::Future;
use tonic::transport::Channel;
use tonic::{Response, Status};

type Client = RouterAdminServiceClient<Channel>;

/// Largest reply accepted (an enumeration of many thousand interfaces fits many times over).
const MAX_REPLY_BYTES: usize = 64 << 20;

/// Router administration of a remote machine through its `mprd`: an open configuration session
/// and the router manager's hello.
pub struct RemoteAdmin {
    config: RemoteConfig,
    client: Client,
    hello: AdminHello,
}

impl std::fmt::Debug for RemoteAdmin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteAdmin")
            .field("server", &self.config.server())
            .field("hello", &self.hello)
            .finish_non_exhaustive()
    }
}

impl RemoteAdmin {
    /// Connects to the server a name designates ([`crate::connect`]) and checks that a router
    /// manager answers there (else `RPC_S_UNKNOWN_IF`, 1717).
    pub fn connect(server_name: &str) -> Result<RemoteAdmin> {
        Self::over(crate::connect(server_name)?)
    }

    /// Administration on an open configuration session (its token's role applies).
    pub fn over(config: RemoteConfig) -> Result<RemoteAdmin> {
        let client = Client::new(config.channel.clone())
            .max_decoding_message_size(MAX_REPLY_BYTES)
            .max_encoding_message_size(usize::MAX);
        let mut admin = RemoteAdmin {
            config,
            client,
            hello: AdminHello::default(),
        };
        admin.hello = RouterAdmin::hello(&admin).map_err(|e| {
            if e.code == WinError::ERROR_NOT_SUPPORTED {
                // An mprd from before the relay: to the caller, the interface is not there.
                Error::new(WinError::RPC_S_UNKNOWN_IF, e.detail)
            } else {
                e
            }
        })?;
        Ok(admin)
    }

    /// What the router manager said when connected.
    pub fn hello_at_connect(&self) -> &AdminHello {
        &self.hello
    }

    /// The configuration session the calls go on.
    pub fn config(&self) -> &RemoteConfig {
        &self.config
    }

    /// One call: sent on the session, bounded by its call time-out; transport failures map as
    /// for configuration calls, a non-zero status is the server's (or the router manager's)
    /// error, a reply that does not decode gives `RPC_S_CALL_FAILED` (1726).
    fn call<Rep, T, Fut>(
        &self,
        rpc: impl FnOnce(Client, String) -> Fut + Send + 'static,
    ) -> Result<T>
    where
        Fut: Future<Output = std::result::Result<Response<Rep>, Status>> + Send + 'static,
        Rep: Carries<T>,
        T: Send + 'static,
    {
        self.config.call_on(self.client.clone(), rpc)
    }
}

/// `impl RouterAdmin for RemoteAdmin`, one method per row: each argument becomes its request
/// field ([`Param`]), the reply's result is decoded by [`Carries::take`].
macro_rules! admin_client {
    ($(
        $access:ident $method:ident ( $( $p:ident : $ty:ty ),* ) -> $ret:ty = $req:ident => $rep:ident;
    )*) => {
        impl RouterAdmin for RemoteAdmin {
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

router_admin_ops!(admin_client);
