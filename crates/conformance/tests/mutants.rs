//! The suite catches faults: each mutant wraps `RegistryConfig<MemRegistry>` with one injected
//! deviation from the specification, and the behaviour written for that rule must fail on it
//! (while passing on the unmodified backend).

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};

use mprconfig_conformance::{Backend, Behaviour, all_behaviours, test_links};
use mprconfig_core::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mutant {
    None,
    CaseSensitiveGetHandle,
    EnumDropsLastOfPage,
    EnumNeverEnds,
    EnumTotalFromStart,
    FlipsBlobByte,
    AcceptsAnyServerLevel,
    RestoreIgnored,
    CachesNameLookups,
    DropsDialoutHours,
    DropsClientInterfaceInfo,
    Wrong902Code,
    SetInfoExAppliesAllBits,
    RefusesTcpipPrefix,
    TrimsGuidNames,
}

struct MutantConfig {
    inner: RegistryConfig<Arc<MemRegistry>>,
    mutant: Mutant,
    lookups: Mutex<HashMap<String, Result<InterfaceId>>>,
}

impl RouterConfig for MutantConfig {
    fn refresh(&self) -> Result<()> {
        self.inner.refresh()
    }
    fn install(&self, links: &[NetLink]) -> Result<()> {
        self.inner.install(links)
    }
    fn server_get_info(&self) -> Result<ServerInfo> {
        self.inner.server_get_info()
    }
    fn server_set_info(&self, level: u32, info: &ServerInfo) -> Result<()> {
        match self.mutant {
            Mutant::AcceptsAnyServerLevel if level != 1 && level != 2 => {
                self.inner.server_set_info(2, info)
            }
            _ => self.inner.server_set_info(level, info),
        }
    }
    fn server_get_info_ex(&self) -> Result<ServerInfoEx> {
        self.inner.server_get_info_ex()
    }
    fn server_set_info_ex(&self, config: &ServerSetConfigEx) -> Result<()> {
        let mut config = config.clone();
        if self.mutant == Mutant::SetInfoExAppliesAllBits {
            config.protocols = 0x1F;
        }
        self.inner.server_set_info_ex(&config)
    }
    fn backup(&self) -> Result<Vec<u8>> {
        self.inner.backup()
    }
    fn restore(&self, backup: &[u8]) -> Result<()> {
        match self.mutant {
            Mutant::RestoreIgnored => Ok(()),
            _ => self.inner.restore(backup),
        }
    }
    fn interface_create(&self, info: &Interface) -> Result<InterfaceId> {
        self.inner.interface_create(info)
    }
    fn interface_delete(&self, id: &InterfaceId) -> Result<()> {
        self.inner.interface_delete(id)
    }
    fn interface_get_handle(&self, name: &str) -> Result<InterfaceId> {
        match self.mutant {
            Mutant::CaseSensitiveGetHandle => {
                let all = self.inner.interface_enum(0, u32::MAX)?;
                match all.entries.into_iter().find(|e| e.info.name == name) {
                    Some(e) => Ok(e.id),
                    None => Err(WinError::ERROR_NO_SUCH_INTERFACE.into()),
                }
            }
            Mutant::CachesNameLookups => {
                let mut cache = self.lookups.lock().unwrap();
                cache
                    .entry(name.to_uppercase())
                    .or_insert_with(|| self.inner.interface_get_handle(name))
                    .clone()
            }
            _ => self.inner.interface_get_handle(name),
        }
    }
    fn interface_get_info(&self, id: &InterfaceId) -> Result<Interface> {
        let mut info = self.inner.interface_get_info(id)?;
        if self.mutant == Mutant::DropsDialoutHours {
            info.dialout_hours = None;
        }
        Ok(info)
    }
    fn interface_set_info(&self, id: &InterfaceId, level: u32, info: &Interface) -> Result<()> {
        self.inner.interface_set_info(id, level, info)
    }
    fn interface_enum(&self, resume: u32, max_entries: u32) -> Result<Page<InterfaceEntry>> {
        let mut page = self.inner.interface_enum(resume, max_entries)?;
        match self.mutant {
            Mutant::EnumDropsLastOfPage if page.entries.len() > 1 => {
                page.entries.pop();
            }
            Mutant::EnumNeverEnds if page.next_resume == 0 && !page.entries.is_empty() => {
                page.next_resume = resume + 1
            }
            Mutant::EnumTotalFromStart => {
                page.total_from_resume += resume.min(page.total_from_resume)
            }
            _ => {}
        }
        Ok(page)
    }
    fn interface_get_custom_info(&self, id: &InterfaceId) -> Result<CustomInfoEx> {
        self.inner.interface_get_custom_info(id)
    }
    fn interface_set_custom_info(&self, id: &InterfaceId, info: &CustomInfoEx) -> Result<()> {
        self.inner.interface_set_custom_info(id, info)
    }
    fn if_transport_add(
        &self,
        interface: &InterfaceId,
        protocol_id: u32,
        name: Option<&str>,
        info: Option<&[u8]>,
    ) -> Result<IfTransportId> {
        self.inner
            .if_transport_add(interface, protocol_id, name, info)
    }
    fn if_transport_remove(&self, id: &IfTransportId) -> Result<()> {
        self.inner.if_transport_remove(id)
    }
    fn if_transport_get_handle(
        &self,
        interface: &InterfaceId,
        protocol_id: u32,
    ) -> Result<IfTransportId> {
        self.inner.if_transport_get_handle(interface, protocol_id)
    }
    fn if_transport_get_info(&self, id: &IfTransportId) -> Result<Option<Vec<u8>>> {
        let mut blob = self.inner.if_transport_get_info(id)?;
        if let (Mutant::FlipsBlobByte, Some(b)) = (self.mutant, blob.as_mut())
            && let Some(last) = b.last_mut()
        {
            *last ^= 1;
        }
        Ok(blob)
    }
    fn if_transport_set_info(&self, id: &IfTransportId, info: &[u8]) -> Result<()> {
        self.inner.if_transport_set_info(id, info)
    }
    fn if_transport_enum(
        &self,
        interface: &InterfaceId,
        resume: u32,
        max_entries: u32,
    ) -> Result<Page<IfTransportEntry>> {
        self.inner.if_transport_enum(interface, resume, max_entries)
    }
    fn transport_create(
        &self,
        protocol_id: u32,
        name: Option<&str>,
        global_info: Option<&[u8]>,
        client_interface_info: Option<&[u8]>,
        dll_path: Option<&str>,
    ) -> Result<TransportId> {
        let client = if self.mutant == Mutant::DropsClientInterfaceInfo {
            None
        } else {
            client_interface_info
        };
        self.inner
            .transport_create(protocol_id, name, global_info, client, dll_path)
    }
    fn transport_delete(&self, id: &TransportId) -> Result<()> {
        self.inner.transport_delete(id)
    }
    fn transport_get_handle(&self, protocol_id: u32) -> Result<TransportId> {
        self.inner
            .transport_get_handle(protocol_id)
            .map_err(|e| match self.mutant {
                Mutant::Wrong902Code if e.code == WinError::ERROR_UNKNOWN_PROTOCOL_ID => {
                    Error::from(WinError::ERROR_NO_SUCH_INTERFACE)
                }
                _ => e,
            })
    }
    fn transport_get_info(&self, id: &TransportId) -> Result<TransportInfo> {
        self.inner.transport_get_info(id)
    }
    fn transport_set_info(
        &self,
        id: &TransportId,
        global_info: Option<&[u8]>,
        client_interface_info: Option<&[u8]>,
        dll_path: Option<&str>,
    ) -> Result<()> {
        self.inner
            .transport_set_info(id, global_info, client_interface_info, dll_path)
    }
    fn transport_enum(&self, resume: u32, max_entries: u32) -> Result<Page<TransportEntry>> {
        self.inner.transport_enum(resume, max_entries)
    }
    fn filter_get_info(&self, protocol_id: u32) -> Result<bool> {
        self.inner.filter_get_info(protocol_id)
    }
    fn filter_set_info(&self, protocol_id: u32, enable: bool) -> Result<()> {
        self.inner.filter_set_info(protocol_id, enable)
    }
    fn get_friendly_name(&self, guid_name: &str) -> Result<String> {
        match self.mutant {
            Mutant::RefusesTcpipPrefix
                if guid_name
                    .get(..14)
                    .is_some_and(|p| p.eq_ignore_ascii_case(r"\DEVICE\TCPIP_")) =>
            {
                Err(WinError::ERROR_NOT_FOUND.into())
            }
            Mutant::TrimsGuidNames => self.inner.get_friendly_name(guid_name.trim()),
            _ => self.inner.get_friendly_name(guid_name),
        }
    }
    fn get_guid_name(&self, friendly_name: &str) -> Result<String> {
        self.inner.get_guid_name(friendly_name)
    }
}

struct MutantBackend {
    registry: Arc<MemRegistry>,
    mutant: Mutant,
}

impl Backend for MutantBackend {
    fn connect(&self) -> Box<dyn RouterConfig> {
        Box::new(MutantConfig {
            inner: RegistryConfig::new(Arc::clone(&self.registry)),
            mutant: self.mutant,
            lookups: Mutex::new(HashMap::new()),
        })
    }
}

fn behaviour(name: &str) -> Behaviour {
    all_behaviours()
        .iter()
        .find(|(n, _)| n.ends_with(&format!("::{name}")))
        .unwrap_or_else(|| panic!("no behaviour {name}"))
        .1
}

/// Runs one behaviour on a fresh configuration with the given mutant; true if it passed.
fn passes(name: &str, mutant: Mutant) -> bool {
    let registry = Arc::new(MemRegistry::new());
    RegistryConfig::new(Arc::clone(&registry))
        .install(&test_links())
        .expect("install");
    let backend = MutantBackend { registry, mutant };
    catch_unwind(AssertUnwindSafe(|| behaviour(name)(&backend))).is_ok()
}

#[track_caller]
fn caught(name: &str, mutant: Mutant) {
    assert!(
        passes(name, Mutant::None),
        "{name} fails without any mutant, so it proves nothing here"
    );
    assert!(!passes(name, mutant), "{name} did not notice {mutant:?}");
}

#[test]
fn case_sensitive_lookup_is_caught() {
    caught(
        "interface_get_handle_is_case_insensitive",
        Mutant::CaseSensitiveGetHandle,
    );
}

#[test]
fn a_gap_in_paging_is_caught() {
    caught(
        "enum_interfaces_pages_cover_everything_once",
        Mutant::EnumDropsLastOfPage,
    );
}

#[test]
fn an_enumeration_that_never_ends_is_caught() {
    caught(
        "enum_interfaces_pages_cover_everything_once",
        Mutant::EnumNeverEnds,
    );
}

#[test]
fn a_total_not_counted_from_the_resume_position_is_caught() {
    caught(
        "enum_interfaces_pages_cover_everything_once",
        Mutant::EnumTotalFromStart,
    );
}

#[test]
fn a_changed_blob_byte_is_caught() {
    caught(
        "if_transport_get_info_is_byte_identical",
        Mutant::FlipsBlobByte,
    );
}

#[test]
fn a_wrong_server_level_code_is_caught() {
    caught(
        "server_set_info_bad_level_is_50",
        Mutant::AcceptsAnyServerLevel,
    );
}

#[test]
fn a_restore_that_does_nothing_is_caught() {
    caught(
        "backup_restore_gives_back_the_backed_up_state",
        Mutant::RestoreIgnored,
    );
}

#[test]
fn stale_name_lookups_are_caught() {
    caught(
        "created_interface_is_found_by_another_connection",
        Mutant::CachesNameLookups,
    );
    caught(
        "deleted_interface_is_gone_for_another_connection",
        Mutant::CachesNameLookups,
    );
}

#[test]
fn lost_dialout_hours_are_caught() {
    caught(
        "interface_create_level1_round_trips_dialout_hours",
        Mutant::DropsDialoutHours,
    );
}

#[test]
fn a_lost_transport_item_is_caught() {
    caught(
        "transport_create_round_trips_every_item",
        Mutant::DropsClientInterfaceInfo,
    );
}

#[test]
fn a_wrong_transport_error_code_is_caught() {
    caught("transport_get_handle_missing_is_902", Mutant::Wrong902Code);
}

#[test]
fn applying_unselected_protocols_is_caught() {
    caught(
        "server_set_info_ex_unset_bits_leave_values_alone",
        Mutant::SetInfoExAppliesAllBits,
    );
}

#[test]
fn a_refused_tcpip_device_name_is_caught() {
    caught(
        "names_every_guid_form_translates_to_the_link_name",
        Mutant::RefusesTcpipPrefix,
    );
}

#[test]
fn trimmed_guid_names_are_caught() {
    caught(
        "names_garbage_around_guid_names_is_1168",
        Mutant::TrimsGuidNames,
    );
}
