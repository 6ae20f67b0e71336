//! `RegistryConfig`: the `MprConfig*` semantics, written once over any [`Registry`].
//!
//! Every [`RouterConfig`] call is exactly one registry transaction (read for getters and
//! enumerations, write for changes) over the Windows `RemoteAccess` tree of
//! [`crate::layout`], so a store laid out by this code is a Windows configuration and vice
//! versa. Argument checks come first and name what is wrong; then existence (905 / 902); then
//! the change. Choices where the Windows documentation is silent follow the recommendations of
//! `docs/spec/mprconfig-api.md` §5 and are listed in `docs/design.md` ("Semantics choices").
//!
//! Interface handles are resolved by key number (O(1)); names are resolved through a
//! name → key index cached with the registry generation it describes, reused while the
//! generation is unchanged and advanced by this value's own successful writes, so single-object
//! calls do no O(n) work once the index is warm.
//!
//! Every write operation is a function that runs inside an open write transaction (`*_in`,
//! taking the transaction and its [`WriteCtx`]); a single call is one transaction running one
//! of them, a batch (`batch`) one transaction running several, so both share one code path.
//! Each write also records what it changed in the store's change log (`log`), which `watch`
//! streams.
//!
//! This module holds the type, its transaction helpers and the [`RouterConfig`] impl, which
//! only delegates; each operation lives with the registry keys it touches: `index` (name
//! index and interface listing cache), `values` (reading and writing registry values),
//! `checks` (argument checks), `interfaces`, `custom` (custom IKEv2 info of an interface),
//! `transports` (router managers and their filter switch), `if_transports`, `server` (port
//! pools and the server calls), `tunnels` (IKEv2/L2TP/SSTP parameters), `backup` (backup and
//! restore validation), `install`, `names` (friendly names), `batch` (atomic batches and
//! version checks), `log` (recording changes) and `watch` (the change stream).

mod backup;
mod batch;
mod checks;
mod custom;
mod if_transports;
mod index;
mod install;
mod interfaces;
mod log;
mod names;
mod server;
#[cfg(test)]
mod testutil;
mod transports;
mod tunnels;
mod values;
mod watch;

use std::sync::{Arc, Mutex};

use crate::batch::{BatchError, BatchOp, BatchOutcome};
use crate::changes::{ChangeStream, Versioned};
use crate::model::*;
use crate::{RegValue, Registry, RegistryTx, Result, RouterConfig, TxMode};

use index::{NameIndex, TxIndex};

type Values = Vec<(String, RegValue)>;

/// The router configuration semantics over a registry-shaped store.
///
/// Cheap to create; one per open configuration (config handle). Thread-safe: every call is
/// one transaction of `R`, and the cached name index sits behind a mutex.
pub struct RegistryConfig<R: Registry> {
    registry: R,
    index: Mutex<Option<NameIndex>>,
    /// The interface list in key order, exact for the generation it was read at, so paging
    /// through a large configuration reads it once rather than once per page.
    listing: Mutex<Option<index::Listing>>,
}

impl<R: Registry> std::fmt::Debug for RegistryConfig<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryConfig").finish_non_exhaustive()
    }
}

impl<R: Registry> RegistryConfig<R> {
    /// A configuration over `registry` (which should hold, or will receive through
    /// [`RouterConfig::install`], the `RemoteAccess` tree).
    pub fn new(registry: R) -> Self {
        RegistryConfig {
            registry,
            index: Mutex::new(None),
            listing: Mutex::new(None),
        }
    }

    /// The underlying registry.
    pub fn registry(&self) -> &R {
        &self.registry
    }

    fn read<T>(&self, mut f: impl FnMut(&mut dyn RegistryTx) -> Result<T>) -> Result<T> {
        self.registry.transact(TxMode::Read, &mut f)
    }

    /// One write transaction running `f`. Once it has committed, the cached name index is
    /// brought to the new generation with what `f` did to it; if it fails, the caches are as
    /// they were (nothing of the transaction reached them).
    fn write<T>(
        &self,
        mut f: impl FnMut(&mut dyn RegistryTx, &mut WriteCtx) -> Result<T>,
    ) -> Result<T> {
        let mut done = None;
        let value = self
            .registry
            .transact(TxMode::Write, &mut |tx: &mut dyn RegistryTx| {
                done = None;
                let mut ctx = WriteCtx {
                    start: tx.generation()?,
                    index: TxIndex::Clean,
                };
                let value = f(tx, &mut ctx)?;
                done = Some(ctx);
                Ok(value)
            })?;
        if let Some(ctx) = done {
            self.publish_index(ctx.start, ctx.index);
        }
        Ok(value)
    }
}

/// What one write transaction carries from operation to operation (a batch runs several).
pub(super) struct WriteCtx {
    /// The generation the transaction started from (its commit makes it `start + 1`).
    start: u64,
    /// The interface name index as this transaction has changed it so far.
    index: TxIndex,
}

impl<R: Registry> RouterConfig for RegistryConfig<R> {
    fn data_version(&self) -> Result<Option<u64>> {
        // The registry generation counts every committed write, whoever made it.
        self.registry.generation().map(Some)
    }

    fn refresh(&self) -> Result<()> {
        self.forget_caches();
        Ok(())
    }

    fn install(&self, links: &[NetLink]) -> Result<()> {
        install::install(self, links)
    }

    fn server_get_info(&self) -> Result<ServerInfo> {
        server::get_info(self)
    }

    fn server_set_info(&self, level: u32, info: &ServerInfo) -> Result<()> {
        server::set_info(self, level, info)
    }

    fn server_get_info_ex(&self) -> Result<ServerInfoEx> {
        server::get_info_ex(self)
    }

    fn server_set_info_ex(&self, config: &ServerSetConfigEx) -> Result<()> {
        server::set_info_ex(self, config)
    }

    fn backup(&self) -> Result<Vec<u8>> {
        backup::backup(self)
    }

    fn restore(&self, backup: &[u8]) -> Result<()> {
        backup::restore(self, backup)
    }

    fn interface_create(&self, info: &Interface) -> Result<InterfaceId> {
        interfaces::create(self, info)
    }

    fn interface_delete(&self, id: &InterfaceId) -> Result<()> {
        interfaces::delete(self, id)
    }

    fn interface_get_handle(&self, name: &str) -> Result<InterfaceId> {
        interfaces::get_handle(self, name)
    }

    fn interface_get_info(&self, id: &InterfaceId) -> Result<Interface> {
        interfaces::get_info(self, id)
    }

    fn interface_set_info(&self, id: &InterfaceId, level: u32, info: &Interface) -> Result<()> {
        interfaces::set_info(self, id, level, info)
    }

    fn interface_enum(&self, resume: u32, max_entries: u32) -> Result<Page<InterfaceEntry>> {
        interfaces::list(self, resume, max_entries)
    }

    fn interface_get_custom_info(&self, id: &InterfaceId) -> Result<CustomInfoEx> {
        custom::get(self, id)
    }

    fn interface_set_custom_info(&self, id: &InterfaceId, info: &CustomInfoEx) -> Result<()> {
        custom::set(self, id, info)
    }

    fn if_transport_add(
        &self,
        interface: &InterfaceId,
        protocol_id: u32,
        name: Option<&str>,
        info: Option<&[u8]>,
    ) -> Result<IfTransportId> {
        if_transports::add(self, interface, protocol_id, name, info)
    }

    fn if_transport_remove(&self, id: &IfTransportId) -> Result<()> {
        if_transports::remove(self, id)
    }

    fn if_transport_get_handle(
        &self,
        interface: &InterfaceId,
        protocol_id: u32,
    ) -> Result<IfTransportId> {
        if_transports::get_handle(self, interface, protocol_id)
    }

    fn if_transport_get_info(&self, id: &IfTransportId) -> Result<Option<Vec<u8>>> {
        if_transports::get_info(self, id)
    }

    fn if_transport_set_info(&self, id: &IfTransportId, info: &[u8]) -> Result<()> {
        if_transports::set_info(self, id, info)
    }

    fn if_transport_enum(
        &self,
        interface: &InterfaceId,
        resume: u32,
        max_entries: u32,
    ) -> Result<Page<IfTransportEntry>> {
        if_transports::list(self, interface, resume, max_entries)
    }

    fn transport_create(
        &self,
        protocol_id: u32,
        name: Option<&str>,
        global_info: Option<&[u8]>,
        client_interface_info: Option<&[u8]>,
        dll_path: Option<&str>,
    ) -> Result<TransportId> {
        transports::create(
            self,
            protocol_id,
            name,
            global_info,
            client_interface_info,
            dll_path,
        )
    }

    fn transport_delete(&self, id: &TransportId) -> Result<()> {
        transports::delete(self, id)
    }

    fn transport_get_handle(&self, protocol_id: u32) -> Result<TransportId> {
        transports::get_handle(self, protocol_id)
    }

    fn transport_get_info(&self, id: &TransportId) -> Result<TransportInfo> {
        transports::get_info(self, id)
    }

    fn transport_set_info(
        &self,
        id: &TransportId,
        global_info: Option<&[u8]>,
        client_interface_info: Option<&[u8]>,
        dll_path: Option<&str>,
    ) -> Result<()> {
        transports::set_info(self, id, global_info, client_interface_info, dll_path)
    }

    fn transport_enum(&self, resume: u32, max_entries: u32) -> Result<Page<TransportEntry>> {
        transports::list(self, resume, max_entries)
    }

    fn filter_get_info(&self, protocol_id: u32) -> Result<bool> {
        transports::filter_get(self, protocol_id)
    }

    fn filter_set_info(&self, protocol_id: u32, enable: bool) -> Result<()> {
        transports::filter_set(self, protocol_id, enable)
    }

    fn get_friendly_name(&self, guid_name: &str) -> Result<String> {
        names::friendly_name(self, guid_name)
    }

    fn get_guid_name(&self, friendly_name: &str) -> Result<String> {
        names::guid_name(self, friendly_name)
    }

    fn apply_batch(&self, ops: &[BatchOp]) -> Result<Vec<BatchOutcome>, BatchError> {
        batch::apply(self, ops)
    }

    fn interface_get_info_versioned(&self, id: &InterfaceId) -> Result<Versioned<Interface>> {
        interfaces::get_info_versioned(self, id)
    }

    fn transport_get_info_versioned(&self, id: &TransportId) -> Result<Versioned<TransportInfo>> {
        transports::get_info_versioned(self, id)
    }

    fn if_transport_get_info_versioned(
        &self,
        id: &IfTransportId,
    ) -> Result<Versioned<Option<Vec<u8>>>> {
        if_transports::get_info_versioned(self, id)
    }

    fn watch(self: Arc<Self>, after: Option<u64>) -> Result<Box<dyn ChangeStream>> {
        watch::open(self, after)
    }
}

#[cfg(test)]
mod tests {

    use std::sync::atomic::Ordering;

    use super::*;

    use crate::layout as l;

    use crate::regconfig::testutil::*;

    use crate::{MemRegistry, WinError};

    #[test]
    fn failed_writes_leave_no_trace_at_any_point() {
        let probe = Probe::new();
        let c = RegistryConfig::new(Arc::clone(&probe));
        c.install(&links()).unwrap();
        let id = c.interface_create(&router("Base")).unwrap();
        // Count the write operations of each call, then fail each of them in turn.
        type Call<'a> = Box<dyn Fn() -> Result<()> + 'a>;
        let calls: Vec<(&str, Call<'_>)> = vec![
            ("install", Box::new(|| c.install(&links()))),
            (
                "create",
                Box::new(|| c.interface_create(&router("New")).map(|_| ())),
            ),
            ("delete", Box::new(|| c.interface_delete(&id))),
            (
                "add transport",
                Box::new(|| {
                    c.if_transport_add(&id, pid::IP, None, Some(&l::DEFAULT_INTERFACE_INFO))
                        .map(|_| ())
                }),
            ),
            (
                "server set",
                Box::new(|| {
                    c.server_set_info(
                        2,
                        &ServerInfo {
                            pptp: PortConfig {
                                num_ports: 5,
                                port_flags: 3,
                            },
                            l2tp: PortConfig {
                                num_ports: 6,
                                port_flags: 1,
                            },
                            sstp: PortConfig {
                                num_ports: 7,
                                port_flags: 1,
                            },
                            ..ServerInfo::default()
                        },
                    )
                }),
            ),
            ("filter", Box::new(|| c.filter_set_info(pid::IP, true))),
        ];
        for (what, call) in &calls {
            probe.fail_write_number(0);
            let snap = probe.inner.snapshot();
            let gen_before = probe.generation().unwrap();
            // Count the call's writes on the real store, then undo it with a restore.
            let backup = c.backup().unwrap();
            call().unwrap_or_else(|e| panic!("{what}: {e}"));
            let n = probe.writes.load(Ordering::SeqCst);
            assert!(n > 0, "{what} writes something");
            c.restore(&backup).unwrap();
            assert_eq!(
                sorted(probe.inner.snapshot()),
                sorted(snap.clone()),
                "{what}: restore undid it"
            );
            let restored = probe.inner.snapshot();
            for k in 1..=n {
                probe.fail_write_number(k);
                let gen_now = probe.generation().unwrap();
                let e = call().unwrap_err();
                assert_eq!(
                    e.code,
                    WinError::ERROR_CANTWRITE,
                    "{what}, failing write {k}: {e}"
                );
                assert_eq!(
                    probe.inner.snapshot(),
                    restored,
                    "{what}: failing write {k} left a trace"
                );
                assert_eq!(
                    probe.generation().unwrap(),
                    gen_now,
                    "{what}: generation moved"
                );
            }
            probe.fail_write_number(0);
            assert!(gen_before < probe.generation().unwrap());
        }
        // The index survived every failure: Base exists, New does not.
        assert_eq!(c.interface_get_handle("base").unwrap().name, "Base");
        assert_eq!(
            c.interface_get_handle("New").unwrap_err().code,
            WinError::ERROR_NO_SUCH_INTERFACE
        );
    }

    #[test]
    fn empty_store_reads_as_an_empty_configuration() {
        let c = RegistryConfig::new(MemRegistry::new());
        assert_eq!(
            c.interface_enum(0, 10).unwrap(),
            Page {
                entries: vec![],
                total_from_resume: 0,
                next_resume: 0
            }
        );
        assert_eq!(
            c.interface_enum(1, 10).unwrap_err().code,
            WinError::ERROR_NO_MORE_ITEMS
        );
        assert_eq!(c.transport_enum(0, 10).unwrap().entries, vec![]);
        assert_eq!(
            c.transport_get_handle(pid::IP).unwrap_err().code,
            WinError::ERROR_UNKNOWN_PROTOCOL_ID
        );
        assert_eq!(
            c.interface_get_handle("x").unwrap_err().code,
            WinError::ERROR_NO_SUCH_INTERFACE
        );
        assert_eq!(c.server_get_info().unwrap(), ServerInfo::default());
        assert_eq!(
            c.get_guid_name("eth0").unwrap_err().code,
            WinError::ERROR_NOT_FOUND
        );
        // The first interface of an empty store gets key 0 and creates the parents.
        assert_eq!(c.interface_create(&router("First")).unwrap().key, 0);
    }
}
