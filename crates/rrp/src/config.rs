//! [`RrpConfig`]: `RegistryConfig<RrpRegistry>` as a `RouterConfig`, with the two things a
//! remote registry shared with other programs needs on top: `MprConfigServerRefresh` also drops
//! the backend's structure caches (so keys created or deleted by regedit or the RRAS snap-in are
//! seen), and `data_version` says "cannot tell" (writers that bypass the lock do not bump the
//! generation, so a cache keyed by it could serve stale data; `docs/rrp.md`).

use std::sync::Arc;

use mprconfig_core::model::*;
use mprconfig_core::{RegistryConfig, Result, RouterConfig};

use crate::name::{self, SmbName};
use crate::registry::RrpRegistry;

/// The router configuration of a Windows (or Samba) server, over MS-RRP.
pub struct RrpConfig {
    registry: Arc<RrpRegistry>,
    config: RegistryConfig<Arc<RrpRegistry>>,
}

impl std::fmt::Debug for RrpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RrpConfig")
            .field("registry", &self.registry)
            .finish_non_exhaustive()
    }
}

impl RrpConfig {
    /// The configuration held in `registry`.
    pub fn new(registry: RrpRegistry) -> Self {
        let registry = Arc::new(registry);
        RrpConfig {
            config: RegistryConfig::new(Arc::clone(&registry)),
            registry,
        }
    }

    /// Connects to the server `name` stands for, with the password from the environment or
    /// the credentials file (`crate::name`).
    pub fn open(name: &SmbName) -> Result<Self> {
        Ok(Self::new(name::connect(name)?))
    }

    /// The registry underneath (for its RPC counters, or registry-level access).
    pub fn registry(&self) -> &RrpRegistry {
        &self.registry
    }
}

impl RouterConfig for RrpConfig {
    fn refresh(&self) -> Result<()> {
        self.registry.forget_caches()?;
        self.config.refresh()
    }

    fn data_version(&self) -> Result<Option<u64>> {
        Ok(None)
    }

    fn install(&self, links: &[NetLink]) -> Result<()> {
        self.config.install(links)
    }

    fn server_get_info(&self) -> Result<ServerInfo> {
        self.config.server_get_info()
    }

    fn server_set_info(&self, level: u32, info: &ServerInfo) -> Result<()> {
        self.config.server_set_info(level, info)
    }

    fn server_get_info_ex(&self) -> Result<ServerInfoEx> {
        self.config.server_get_info_ex()
    }

    fn server_set_info_ex(&self, config: &ServerSetConfigEx) -> Result<()> {
        self.config.server_set_info_ex(config)
    }

    fn backup(&self) -> Result<Vec<u8>> {
        self.config.backup()
    }

    fn restore(&self, backup: &[u8]) -> Result<()> {
        self.config.restore(backup)
    }

    fn interface_create(&self, info: &Interface) -> Result<InterfaceId> {
        self.config.interface_create(info)
    }

    fn interface_delete(&self, id: &InterfaceId) -> Result<()> {
        self.config.interface_delete(id)
    }

    fn interface_get_handle(&self, name: &str) -> Result<InterfaceId> {
        self.config.interface_get_handle(name)
    }

    fn interface_get_info(&self, id: &InterfaceId) -> Result<Interface> {
        self.config.interface_get_info(id)
    }

    fn interface_set_info(&self, id: &InterfaceId, level: u32, info: &Interface) -> Result<()> {
        self.config.interface_set_info(id, level, info)
    }

    fn interface_enum(&self, resume: u32, max_entries: u32) -> Result<Page<InterfaceEntry>> {
        self.config.interface_enum(resume, max_entries)
    }

    fn interface_get_custom_info(&self, id: &InterfaceId) -> Result<CustomInfoEx> {
        self.config.interface_get_custom_info(id)
    }

    fn interface_set_custom_info(&self, id: &InterfaceId, info: &CustomInfoEx) -> Result<()> {
        self.config.interface_set_custom_info(id, info)
    }

    fn if_transport_add(
        &self,
        interface: &InterfaceId,
        protocol_id: u32,
        name: Option<&str>,
        info: Option<&[u8]>,
    ) -> Result<IfTransportId> {
        self.config
            .if_transport_add(interface, protocol_id, name, info)
    }

    fn if_transport_remove(&self, id: &IfTransportId) -> Result<()> {
        self.config.if_transport_remove(id)
    }

    fn if_transport_get_handle(
        &self,
        interface: &InterfaceId,
        protocol_id: u32,
    ) -> Result<IfTransportId> {
        self.config.if_transport_get_handle(interface, protocol_id)
    }

    fn if_transport_get_info(&self, id: &IfTransportId) -> Result<Option<Vec<u8>>> {
        self.config.if_transport_get_info(id)
    }

    fn if_transport_set_info(&self, id: &IfTransportId, info: &[u8]) -> Result<()> {
        self.config.if_transport_set_info(id, info)
    }

    fn if_transport_enum(
        &self,
        interface: &InterfaceId,
        resume: u32,
        max_entries: u32,
    ) -> Result<Page<IfTransportEntry>> {
        self.config
            .if_transport_enum(interface, resume, max_entries)
    }

    fn transport_create(
        &self,
        protocol_id: u32,
        name: Option<&str>,
        global_info: Option<&[u8]>,
        client_interface_info: Option<&[u8]>,
        dll_path: Option<&str>,
    ) -> Result<TransportId> {
        self.config.transport_create(
            protocol_id,
            name,
            global_info,
            client_interface_info,
            dll_path,
        )
    }

    fn transport_delete(&self, id: &TransportId) -> Result<()> {
        self.config.transport_delete(id)
    }

    fn transport_get_handle(&self, protocol_id: u32) -> Result<TransportId> {
        self.config.transport_get_handle(protocol_id)
    }

    fn transport_get_info(&self, id: &TransportId) -> Result<TransportInfo> {
        self.config.transport_get_info(id)
    }

    fn transport_set_info(
        &self,
        id: &TransportId,
        global_info: Option<&[u8]>,
        client_interface_info: Option<&[u8]>,
        dll_path: Option<&str>,
    ) -> Result<()> {
        self.config
            .transport_set_info(id, global_info, client_interface_info, dll_path)
    }

    fn transport_enum(&self, resume: u32, max_entries: u32) -> Result<Page<TransportEntry>> {
        self.config.transport_enum(resume, max_entries)
    }

    fn filter_get_info(&self, protocol_id: u32) -> Result<bool> {
        self.config.filter_get_info(protocol_id)
    }

    fn filter_set_info(&self, protocol_id: u32, enable: bool) -> Result<()> {
        self.config.filter_set_info(protocol_id, enable)
    }

    fn get_friendly_name(&self, guid_name: &str) -> Result<String> {
        self.config.get_friendly_name(guid_name)
    }

    fn get_guid_name(&self, friendly_name: &str) -> Result<String> {
        self.config.get_guid_name(friendly_name)
    }
}
