//! The core conformance suite against `RegistryConfig<SqliteRegistry>`: every connection opens
//! the same store file again through a new `SqliteRegistry`, exactly as another process would.

use std::path::PathBuf;

use mprconfig_conformance::{Backend, conformance_suite, test_links};
use mprconfig_core::{RegistryConfig, RouterConfig};
use mprconfig_store::OpenOptions;

struct SqliteBackend {
    _dir: tempfile::TempDir,
    path: PathBuf,
    readers: usize,
}

impl Backend for SqliteBackend {
    fn connect(&self) -> Box<dyn RouterConfig> {
        let store = OpenOptions::new()
            .read_connections(self.readers)
            .open(&self.path)
            .expect("open the store");
        Box::new(RegistryConfig::new(store))
    }
}

fn sqlite_backend() -> Box<dyn Backend> {
    sqlite_backend_with(0)
}

fn sqlite_backend_with(readers: usize) -> Box<dyn Backend> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("router.db");
    // Creating the store installs the default tree for the given links.
    OpenOptions::new()
        .create(true)
        .links(test_links())
        .open(&path)
        .expect("create the store");
    Box::new(SqliteBackend {
        _dir: dir,
        path,
        readers,
    })
}

conformance_suite!(sqlite_backend());

/// The same suite with reads on separate reader connections (as `mprd` opens the store).
mod with_read_connections {
    use super::*;
    conformance_suite!(sqlite_backend_with(2));
}
