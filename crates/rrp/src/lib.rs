//! `mprconfig-rrp`: [`RrpRegistry`], the `Registry` trait of `mprconfig-core` over the
//! Windows Remote Registry protocol (MS-RRP: the `winreg` interface, DCE/RPC over the
//! `\PIPE\winreg` named pipe on SMB2/3), so that `RegistryConfig` — the `MprConfig*`
//! semantics, written once — manages the `RemoteAccess` tree of a real Windows RRAS server (or
//! of Samba) exactly as it manages the local store. It sits beside `mprconfig-store` in the flow
//! of `docs/spec/DESIGN.md` §9: `mprconfig::connect(Some("smb://..."))` opens [`RrpConfig`]
//! (`RegistryConfig<RrpRegistry>`).
//!
//! Layers, bottom up: `smb` opens the pipe with the `smb2` crate (NTLMv2, signing);
//! [`dcerpc`] binds winreg with NTLM at packet privacy
//! and carries sealed, fragmented calls; `winreg` and `ndr` encode the opnums; `session`
//! caches handles and key structure; `overlay`, `journal` and `registry` make
//! transactions out of a protocol that has none (`docs/rrp.md`).

mod client;
mod config;
pub mod dcerpc;
#[doc(hidden)]
pub mod fuzzing;
mod journal;
pub mod name;
mod ndr;
mod ntlm;
mod overlay;
mod registry;
mod session;
mod smb;
mod winreg;

pub use config::RrpConfig;
pub use dcerpc::RpcStats;
pub use name::{SmbName, connect, parse_smb_url, resolve};
pub use registry::{RrpOptions, RrpRegistry};

#[cfg(test)]
mod samba_wire;
