//! `mprconfig-router`: the Linux router manager. It makes the stored router configuration
//! take effect: links named by interfaces up or down, static routes (`IP_ROUTE_INFO`) as
//! kernel routes with our own protocol number, packet filters (`FILTER_DESCRIPTOR`) as one
//! nftables table of our own, and forwarding from `RouterType`; everything stored without a
//! Linux meaning is reported as not applied.
//!
//! It sits beside `mprd` in the flow of DESIGN §9: it reads the same store
//! ([`desired::read_desired`] over a [`desired::ConfigSource`]), reads the kernel back
//! ([`kernel`], [`nft`]), diffs ([`plan`]), applies ([`reconcile`]) and keeps doing so on every
//! committed change and kernel event ([`manager`]), and serves the `MprAdmin*` calls and
//! plan/status over a Unix socket ([`socket`], [`service`]; the client is `mprconfig::admin`). The `mprrouted` binary is a thin
//! wrapper. docs/router.md is the user guide.

pub mod desired;
pub mod filters;
pub mod kernel;
pub mod manager;
pub mod nft;
pub mod plan;
pub mod reconcile;
pub mod service;
pub mod socket;

pub use desired::{ConfigSource, Desired, read_desired};
pub use plan::{Change, Item, Plan, State};
pub use reconcile::{Reconciler, Report};
pub use service::Status;
