//! `mprconfig-store`: the embedded router configuration store, [`SqliteRegistry`].
//!
//! It sits under the local side of the flow: `mprconfig::connect(None)` (and `mprd` for its
//! clients) opens a store file with [`OpenOptions`] and runs the `MprConfig*` semantics
//! (`mprconfig_core::regconfig::RegistryConfig`) over it. The store is one SQLite file in WAL
//! mode with `synchronous=FULL`, laid out like the registry (`keys`, `vals`), shared safely by
//! several processes; every `RouterConfig` call is one SQLite transaction. `docs/store.md`
//! describes the schema, durability guarantees, migrations and error mapping.

mod error;
mod files;
mod links;
mod open;
mod registry;
mod schema;
mod watch;

pub use files::{read_file, write_file_atomic};
pub use links::{local_links, machine_id};
pub use open::{DEFAULT_BUSY_TIMEOUT, OpenOptions};
pub use registry::SqliteRegistry;
pub use schema::{APPLICATION_ID, SCHEMA_VERSION};

impl SqliteRegistry {
    /// Opens an existing store (`ERROR_FILE_NOT_FOUND` if there is none); see
    /// [`OpenOptions::open`] for the checks and errors.
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("router.db");
    /// mprconfig_store::SqliteRegistry::open_or_create(&path)?;
    /// let store = mprconfig_store::SqliteRegistry::open(&path)?;
    /// # drop(store);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open(path: impl AsRef<std::path::Path>) -> mprconfig_core::Result<Self> {
        OpenOptions::new().open(path)
    }

    /// Opens the store, creating it with the default tree for this machine's links if it does
    /// not exist.
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let store = mprconfig_store::SqliteRegistry::open_or_create(dir.path().join("router.db"))?;
    /// # drop(store);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open_or_create(path: impl AsRef<std::path::Path>) -> mprconfig_core::Result<Self> {
        OpenOptions::new().create(true).open(path)
    }
}
