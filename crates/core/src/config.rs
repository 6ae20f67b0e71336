//! The `RouterConfig` trait: the whole `MprConfig*` surface in Rust form.
//!
//! One value implementing it is one open configuration (a config handle). It is implemented
//! twice: by [`crate::RegistryConfig`] (the semantics, over any [`crate::Registry`]) and by the
//! remote client, which forwards every call to `mprd`, where a `RegistryConfig` runs. Every
//! method is one store transaction: it happens whole or not at all.
//!
//! Beyond the Windows surface it offers atomic batches of writes ([`RouterConfig::apply_batch`]),
//! per-object versions for compare-and-set (the `*_versioned` getters with
//! [`crate::BatchOp::RequireVersion`]) and a stream of committed changes
//! ([`RouterConfig::watch`]); `docs/design.md` describes them.
//!
//! Validation that only concerns C (NULL pointers, buffer sizes, struct levels that select
//! fields) stays in the C ABI; everything about values (names, levels that change behaviour,
//! info headers, port counts) is checked here, so every frontend gets identical error codes.

use std::sync::Arc;

use crate::batch::{BatchError, BatchOp, BatchOutcome};
use crate::changes::{ChangeStream, Versioned};
use crate::model::*;
use crate::{Error, Result};

/// An open router configuration.
pub trait RouterConfig: Send + Sync {
    // ---- server ----------------------------------------------------------------------------

    /// `MprConfigServerRefresh`: drop anything cached so changes made by others are seen.
    /// Handles of objects that still exist stay valid.
    fn refresh(&self) -> Result<()>;

    /// `MprConfigServerInstall`: reset the configuration to the default tree (RouterManagers Ip
    /// and Ipv6, Loopback and Internal interfaces, one dedicated interface per non-loopback
    /// link, the friendly-name mapping of `links`, Parameters, port pools) and mark it configured.
    fn install(&self, links: &[NetLink]) -> Result<()>;

    /// `MprConfigServerGetInfo` (levels 0-2 select fields of the result).
    fn server_get_info(&self) -> Result<ServerInfo>;

    /// `MprConfigServerSetInfo`: level 1 stores PPTP and L2TP, level 2 also SSTP; any other
    /// level is `ERROR_NOT_SUPPORTED` (50). Port count 0, above the maximum, or unknown flag
    /// bits are `ERROR_INVALID_PARAMETER`.
    fn server_set_info(&self, level: u32, info: &ServerInfo) -> Result<()>;

    /// `MprConfigServerGetInfoEx`.
    fn server_get_info_ex(&self) -> Result<ServerInfoEx>;

    /// `MprConfigServerSetInfoEx`: applies the protocols whose bit is set.
    fn server_set_info_ex(&self, config: &ServerSetConfigEx) -> Result<()>;

    /// `MprConfigServerBackup`: the whole configuration as one backup file's bytes (the
    /// documented format of `docs/design.md`), taken as one consistent snapshot.
    fn backup(&self) -> Result<Vec<u8>>;

    /// `MprConfigServerRestore`: validates a backup completely, then replaces the
    /// configuration with it in one transaction (all or nothing).
    fn restore(&self, backup: &[u8]) -> Result<()>;

    // ---- interfaces ------------------------------------------------------------------------

    /// `MprConfigInterfaceCreate`: name, type, enabled and (level 1+) dial-out hours are used.
    /// A name that exists (case-insensitively) gives `ERROR_INTERFACE_ALREADY_EXISTS` (904).
    fn interface_create(&self, info: &Interface) -> Result<InterfaceId>;

    /// `MprConfigInterfaceDelete`, with all its interface-transports.
    fn interface_delete(&self, id: &InterfaceId) -> Result<()>;

    /// `MprConfigInterfaceGetHandle` (case-insensitive); 905 if no such interface.
    fn interface_get_handle(&self, name: &str) -> Result<InterfaceId>;

    /// `MprConfigInterfaceGetInfo` (all level 0/1 fields).
    fn interface_get_info(&self, id: &InterfaceId) -> Result<Interface>;

    /// `MprConfigInterfaceSetInfo`: level 0 changes `enabled`; levels 1-3 also the dial-out
    /// hours. Name and type are fixed and ignored. Other levels: `ERROR_INVALID_PARAMETER`.
    fn interface_set_info(&self, id: &InterfaceId, level: u32, info: &Interface) -> Result<()>;

    /// `MprConfigInterfaceEnum`: at most `max_entries` entries from resume position `resume`.
    fn interface_enum(&self, resume: u32, max_entries: u32) -> Result<Page<InterfaceEntry>>;

    /// `MprConfigInterfaceGetCustomInfoEx`.
    fn interface_get_custom_info(&self, id: &InterfaceId) -> Result<CustomInfoEx>;

    /// `MprConfigInterfaceSetCustomInfoEx` (FULL_ROUTER interfaces only, else 87).
    fn interface_set_custom_info(&self, id: &InterfaceId, info: &CustomInfoEx) -> Result<()>;

    // ---- interface-transports --------------------------------------------------------------

    /// `MprConfigInterfaceTransportAdd`: adds, or updates when the interface already has this
    /// transport. `name` `None` gives the default name (spec Q18); `info` `None` stores no blob.
    fn if_transport_add(
        &self,
        interface: &InterfaceId,
        protocol_id: u32,
        name: Option<&str>,
        info: Option<&[u8]>,
    ) -> Result<IfTransportId>;

    /// `MprConfigInterfaceTransportRemove`.
    fn if_transport_remove(&self, id: &IfTransportId) -> Result<()>;

    /// `MprConfigInterfaceTransportGetHandle`; 905 if the interface or transport is missing.
    fn if_transport_get_handle(
        &self,
        interface: &InterfaceId,
        protocol_id: u32,
    ) -> Result<IfTransportId>;

    /// `MprConfigInterfaceTransportGetInfo`: the `InterfaceInfo` blob, `None` if not stored.
    fn if_transport_get_info(&self, id: &IfTransportId) -> Result<Option<Vec<u8>>>;

    /// `MprConfigInterfaceTransportSetInfo`: replaces the blob whole.
    fn if_transport_set_info(&self, id: &IfTransportId, info: &[u8]) -> Result<()>;

    /// `MprConfigInterfaceTransportEnum`.
    fn if_transport_enum(
        &self,
        interface: &InterfaceId,
        resume: u32,
        max_entries: u32,
    ) -> Result<Page<IfTransportEntry>>;

    // ---- transports ------------------------------------------------------------------------

    /// `MprConfigTransportCreate`: creates, or updates like `transport_set_info` when it exists.
    #[allow(clippy::too_many_arguments)]
    fn transport_create(
        &self,
        protocol_id: u32,
        name: Option<&str>,
        global_info: Option<&[u8]>,
        client_interface_info: Option<&[u8]>,
        dll_path: Option<&str>,
    ) -> Result<TransportId>;

    /// `MprConfigTransportDelete` (interface-transports of the same id stay, spec Q21).
    fn transport_delete(&self, id: &TransportId) -> Result<()>;

    /// `MprConfigTransportGetHandle`; 902 if not configured.
    fn transport_get_handle(&self, protocol_id: u32) -> Result<TransportId>;

    /// `MprConfigTransportGetInfo`.
    fn transport_get_info(&self, id: &TransportId) -> Result<TransportInfo>;

    /// `MprConfigTransportSetInfo`: `None` leaves an item unchanged.
    fn transport_set_info(
        &self,
        id: &TransportId,
        global_info: Option<&[u8]>,
        client_interface_info: Option<&[u8]>,
        dll_path: Option<&str>,
    ) -> Result<()>;

    /// `MprConfigTransportEnum`.
    fn transport_enum(&self, resume: u32, max_entries: u32) -> Result<Page<TransportEntry>>;

    // ---- filters and names -----------------------------------------------------------------

    /// `MprConfigFilterGetInfo` (level 0): whether static filters are enabled for a transport.
    fn filter_get_info(&self, protocol_id: u32) -> Result<bool>;

    /// `MprConfigFilterSetInfo` (level 0).
    fn filter_set_info(&self, protocol_id: u32, enable: bool) -> Result<()>;

    /// `MprConfigGetFriendlyName`: `ERROR_NOT_FOUND` (1168) if unknown.
    fn get_friendly_name(&self, guid_name: &str) -> Result<String>;

    /// `MprConfigGetGuidName`: `ERROR_NOT_FOUND` (1168) if unknown.
    fn get_guid_name(&self, friendly_name: &str) -> Result<String>;

    // ---- beyond Windows: batches, versions, changes ----------------------------------------

    /// Applies `ops` in order as one transaction: all of them, or none (see [`crate::batch`]).
    /// Every step's arguments are checked first, exactly as its single call checks them; then
    /// the steps run, each seeing what the earlier ones did. Returns one outcome per step. On
    /// failure the [`BatchError`] names the failing step and carries the code its single call
    /// would have returned (a version check that fails: `ERROR_INVALID_STATE`, 5023), and the
    /// configuration is exactly as before. An empty batch changes nothing.
    fn apply_batch(&self, ops: &[BatchOp]) -> Result<Vec<BatchOutcome>, BatchError> {
        let _ = ops;
        Err(BatchError::whole(transitional()))
    }

    /// `interface_get_info` with the interface's version, read in one snapshot.
    fn interface_get_info_versioned(&self, id: &InterfaceId) -> Result<Versioned<Interface>> {
        let _ = id;
        Err(transitional())
    }

    /// `transport_get_info` with the transport's version, read in one snapshot.
    fn transport_get_info_versioned(&self, id: &TransportId) -> Result<Versioned<TransportInfo>> {
        let _ = id;
        Err(transitional())
    }

    /// `if_transport_get_info` with the interface-transport's version, read in one snapshot.
    fn if_transport_get_info_versioned(
        &self,
        id: &IfTransportId,
    ) -> Result<Versioned<Option<Vec<u8>>>> {
        let _ = id;
        Err(transitional())
    }

    /// A stream of the changes committed after change `after` (`None`: after the last change
    /// committed now), by anyone, each once and in commit order. Starting the stream before
    /// reading the configuration and reading [`ChangeStream::position`] makes a
    /// rescan-then-follow loop that misses nothing. `ERROR_JOURNAL_ENTRY_DELETED` (1181) if the
    /// changes after `after` are no longer kept; `ERROR_JOURNAL_NOT_ACTIVE` (1179) if the store
    /// keeps no change log.
    fn watch(self: Arc<Self>, after: Option<u64>) -> Result<Box<dyn ChangeStream>> {
        let _ = after;
        Err(transitional())
    }

    // ---- caching ---------------------------------------------------------------------------

    /// A number that changes whenever the stored configuration changes (by anyone: this
    /// process, another process, another session), read atomically, or `None` when the
    /// implementation cannot tell. Between two equal readings every read method returns the
    /// same result for the same arguments, so a server may answer repeated reads from a cache
    /// keyed by it. `refresh` aside, reads have no side effects that such a cache would skip.
    fn data_version(&self) -> Result<Option<u64>> {
        Ok(None)
    }
}

// TRANSITIONAL (issue 12, removed before the branch is done): the remote client gains these
// methods once the remote-layer restructure lands; until then it answers 50.
fn transitional() -> Error {
    Error::new(
        crate::WinError::ERROR_NOT_SUPPORTED,
        "not yet available on this configuration",
    )
}

/// The enumeration policy of spec §1.7 and Q5, in one place so it can be changed in one place.
///
/// `total` entries exist; the caller resumes at `resume` and takes at most `max_entries`
/// (at least 1 is always allowed). Returns the index range to return and the next resume
/// handle, or `ERROR_NO_MORE_ITEMS` when nothing is left from a non-zero resume position.
/// A first call (`resume` 0) on an empty set succeeds with no entries.
pub fn page_range(
    total: usize,
    resume: u32,
    max_entries: u32,
) -> Result<(std::ops::Range<usize>, u32)> {
    let start = resume as usize;
    if start >= total {
        if resume == 0 {
            return Ok((0..0, 0));
        }
        return Err(Error::new(
            crate::WinError::ERROR_NO_MORE_ITEMS,
            format!("no entries left from resume position {resume} (of {total})"),
        ));
    }
    let take = (max_entries.max(1) as usize).min(total - start);
    // The resume handle is a DWORD: a page never ends past u32::MAX, so the handle cannot wrap
    // back to the start. Entries beyond that position are unreachable, as on Windows.
    let end = (start + take).min((u32::MAX as usize).max(start + 1));
    let next = match u32::try_from(end) {
        Ok(next) if end < total => next,
        _ => 0,
    };
    Ok((start..end, next))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::WinError;

    #[test]
    fn first_call_on_empty_set_is_ok_and_done() {
        assert_eq!(page_range(0, 0, 10).unwrap(), (0..0, 0));
    }

    #[test]
    fn paging_resumes_and_finishes_with_zero() {
        assert_eq!(page_range(5, 0, 2).unwrap(), (0..2, 2));
        assert_eq!(page_range(5, 2, 2).unwrap(), (2..4, 4));
        assert_eq!(page_range(5, 4, 2).unwrap(), (4..5, 0));
    }

    #[test]
    fn resume_past_the_end_is_no_more_items() {
        assert_eq!(
            page_range(5, 5, 2).unwrap_err().code,
            WinError::ERROR_NO_MORE_ITEMS
        );
        assert_eq!(
            page_range(0, 1, 2).unwrap_err().code,
            WinError::ERROR_NO_MORE_ITEMS
        );
    }

    #[test]
    fn at_least_one_entry_is_returned() {
        assert_eq!(page_range(3, 0, 0).unwrap(), (0..1, 1));
    }

    #[test]
    fn resume_handles_never_wrap_past_u32_max() {
        let huge = u32::MAX as usize + 10;
        let max = u32::MAX as usize;
        assert_eq!(
            page_range(huge, u32::MAX - 1, 5).unwrap(),
            (max - 1..max, u32::MAX)
        );
        // The last representable position returns its entry and ends the enumeration.
        assert_eq!(page_range(huge, u32::MAX, 5).unwrap(), (max..max + 1, 0));
    }
}
