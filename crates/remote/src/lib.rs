//! `mprconfig-remote`: the router configuration API over the network.
//!
//! In the flow of DESIGN §2 this crate is the arrow between a program and `mprd`:
//! `mprconfig::connect(Some("host"))` returns a [`RemoteConfig`], which implements
//! [`mprconfig_core::RouterConfig`] by sending one gRPC call per method over TLS 1.3; on the
//! server, [`server::run`] answers those calls by running the same `RouterConfig` semantics on
//! the server's store, one session per connect. Win32 codes and details travel unchanged, so a
//! remote failure is bit-identical to a local one; transport failures map to 53, 5 and 1722 as
//! DESIGN §5 says. Also here: the server-name grammar ([`parse_server_name`]), TLS certificates,
//! fingerprints and client trust ([`tls`]), bearer tokens and roles ([`tokens`], [`Role`]), and
//! the generated protocol types ([`pb`], from `crates/remote/proto/mprconfig.proto`). Both
//! sides are generated from one table of operations (`src/ops.rs`).
//!
//! Features: `client` (the [`RemoteConfig`] client and client trust; what `mprconfig` and so
//! `libmprapi` use) and `server` (the service `mprd` runs: sessions, certificate creation with
//! rcgen, token management). Both are on by default; without either, the crate is the protocol
//! messages, their conversions and the name grammar.

#[cfg(any(feature = "client", feature = "server"))]
pub mod admin;
#[cfg(feature = "client")]
pub mod admin_client;
#[cfg(feature = "client")]
mod changes;
#[cfg(feature = "client")]
pub mod client;
pub mod convert;
pub mod name;
#[cfg(any(feature = "client", feature = "server"))]
mod ops;
mod role;
#[cfg(feature = "server")]
pub mod server;
pub mod tls;
#[cfg(feature = "server")]
pub mod tokens;
#[cfg(any(feature = "client", feature = "server"))]
mod wire;

/// The protocol types, with the gRPC client stub (`client` feature) and server stub (`server`
/// feature), generated from `crates/remote/proto/mprconfig.proto`.
#[allow(missing_docs, clippy::all, clippy::pedantic)]
pub mod pb {
    tonic::include_proto!("mprconfig.v1");
}

#[cfg(feature = "client")]
pub use admin_client::RemoteAdmin;
#[cfg(feature = "client")]
pub use client::{ConnectOptions, RemoteConfig, connect, fetch_fingerprint, trust_host};
pub use name::{DEFAULT_PORT, parse_server_name};
pub use role::Role;
#[cfg(feature = "server")]
pub use server::{Opener, ServerConfig, run};

/// The protocol revision this crate speaks (`ConnectRequest.protocol_version`).
pub const PROTOCOL_VERSION: u32 = 1;
