//! `libmprapi`: the Windows router configuration C API (`MprConfig*`, `MprInfo*` of mprapi.h)
//! for Linux.
//!
//! This crate is the C end of the flow in DESIGN §2: C programs call the exports here, which
//! turn handles into [`mprconfig`] connections through a generational handle table
//! ([`handles`]), UTF-16 into `String` ([`wide`]), C structures ([`types`]) into the model of
//! `mprconfig-core`, and results into single caller-freed allocations ([`alloc`]). Every
//! export runs inside a panic guard ([`guard`]) and returns the Win32 code of the Rust
//! `Error`; an export with out-parameters writes them through one helper (`out.rs`: all on
//! success, pointers NULL on failure), and a buffer it allocates stays an [`alloc::Owned`]
//! (freed by any failure) until that helper hands it over. Headers live in `include/`
//! (`mprapi.h`, `mprerror.h`, `rtinfo.h`, `ipinfoid.h`, a minimal `windows.h`), and
//! `tests/signatures.rs` proves their prototypes are the exports' signatures; the conventions
//! are documented in `docs/c-api.md`, the steps for a new export in the repository's `CONTRIBUTING.md` ("Adding a C export").
//!
//! The crate builds `libmprapi.so` and `libmprapi.a`; as an `rlib` it lets Rust tests,
//! benchmarks and fuzz targets call the very same exports.

pub mod alloc;
mod attached;
mod backend;
pub mod guard;
pub mod handles;
pub mod types;
pub mod wide;

pub mod admin;
pub mod filter;
pub mod iftransport;
pub mod infoapi;
pub mod interface;
pub mod names;
pub mod server;
pub mod transport;

mod blob;
mod enumerate;
mod fork;
mod out;

#[cfg(test)]
mod alloc_failures;

pub use admin::*;
pub use filter::*;
pub use iftransport::*;
pub use infoapi::*;
pub use interface::*;
pub use names::*;
pub use server::*;
pub use transport::*;

/// An open configuration, as the handle table keeps it.
pub(crate) type Conn = backend::Conn;

/// Largest information header or blob accepted from C (16 MiB). Windows keeps these in single
/// registry values; anything larger is refused with `ERROR_INVALID_PARAMETER` before a byte of
/// it is read.
pub const MAX_INFO_SIZE: u32 = 16 << 20;

/// Longest server name accepted by `MprConfigServerConnect`, in characters.
pub const MAX_SERVER_NAME_LEN: usize = 1024;

/// Longest path (backup directory, DLL path) accepted, in characters (Linux `PATH_MAX`).
pub const MAX_PATH_LEN: usize = 4096;
