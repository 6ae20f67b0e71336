//! The conformance suite against `RegistryConfig<MemRegistry>`, the reference model: every
//! connection is a new `RegistryConfig` over one shared in-memory registry, as several processes
//! share one store.

use std::sync::Arc;

use mprconfig_conformance::{Backend, conformance_suite, test_links};
use mprconfig_core::{MemRegistry, RegistryConfig, RouterConfig};

struct MemBackend {
    registry: Arc<MemRegistry>,
}

impl Backend for MemBackend {
    fn connect(&self) -> Box<dyn RouterConfig> {
        Box::new(RegistryConfig::new(Arc::clone(&self.registry)))
    }
}

fn mem_backend() -> Box<dyn Backend> {
    let registry = Arc::new(MemRegistry::new());
    RegistryConfig::new(Arc::clone(&registry))
        .install(&test_links())
        .expect("install the default tree");
    Box::new(MemBackend { registry })
}

conformance_suite!(mem_backend());
