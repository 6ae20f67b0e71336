//! Fixtures shared by the unit tests of the `regconfig` modules: an installed configuration,
//! interfaces to create, raw registry edits, and [`Probe`], a registry that counts scans and
//! injects write failures.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use super::{RegistryConfig, Values};
use crate::layout as l;
use crate::model::*;
use crate::registry::{fold, names_equal};
use crate::{
    MemRegistry, RegValue, Registry, RegistryTx, Result, RouterConfig, TxMode, WinError, bail,
};

pub(super) fn links() -> Vec<NetLink> {
    ["lo", "eth0", "eth1"]
        .into_iter()
        .map(|n| NetLink {
            name: n.to_owned(),
            guid: l::link_guid("unit-test", n),
            is_loopback: n == "lo",
        })
        .collect()
}

pub(super) fn installed() -> (Arc<MemRegistry>, RegistryConfig<Arc<MemRegistry>>) {
    let r = Arc::new(MemRegistry::new());
    let c = RegistryConfig::new(Arc::clone(&r));
    c.install(&links()).unwrap();
    (r, c)
}

pub(super) fn router(name: &str) -> Interface {
    Interface {
        name: name.to_owned(),
        if_type: InterfaceType::FULL_ROUTER,
        enabled: true,
        ..Interface::default()
    }
}

pub(super) fn raw_write(r: &impl Registry, mut f: impl FnMut(&mut dyn RegistryTx) -> Result<()>) {
    r.transact(TxMode::Write, &mut f).unwrap();
}

/// A registry that counts full scans of `Interfaces`, can fail its n-th write operation
/// and reports its generation shifted by `generation_offset` (to reach the top of u64).
pub(super) struct Probe {
    pub(super) inner: MemRegistry,
    pub(super) interface_scans: AtomicUsize,
    pub(super) writes: AtomicUsize,
    fail_at: AtomicUsize,
    pub(super) generation_offset: AtomicU64,
}

impl Probe {
    pub(super) fn new() -> Arc<Self> {
        Arc::new(Probe {
            inner: MemRegistry::new(),
            interface_scans: AtomicUsize::new(0),
            writes: AtomicUsize::new(0),
            fail_at: AtomicUsize::new(0),
            generation_offset: AtomicU64::new(0),
        })
    }

    fn shifted(&self, generation: u64) -> u64 {
        generation.wrapping_add(self.generation_offset.load(Ordering::SeqCst))
    }

    pub(super) fn fail_write_number(&self, n: usize) {
        self.writes.store(0, Ordering::SeqCst);
        self.fail_at.store(n, Ordering::SeqCst);
    }
}

impl Registry for Probe {
    fn transact<T>(
        &self,
        mode: TxMode,
        f: &mut dyn FnMut(&mut dyn RegistryTx) -> Result<T>,
    ) -> Result<T> {
        self.inner.transact(mode, &mut |tx: &mut dyn RegistryTx| {
            f(&mut ProbeTx {
                inner: tx,
                probe: self,
            })
        })
    }

    fn generation(&self) -> Result<u64> {
        self.inner.generation().map(|g| self.shifted(g))
    }
}

pub(super) struct ProbeTx<'a> {
    inner: &'a mut dyn RegistryTx,
    probe: &'a Probe,
}

impl ProbeTx<'_> {
    fn write_op(&self) -> Result<()> {
        let n = self.probe.writes.fetch_add(1, Ordering::SeqCst) + 1;
        if n == self.probe.fail_at.load(Ordering::SeqCst) {
            bail!(WinError::ERROR_CANTWRITE, "injected failure of write {n}");
        }
        Ok(())
    }

    fn scan(&self, path: &str) {
        if names_equal(path, l::INTERFACES) {
            self.probe.interface_scans.fetch_add(1, Ordering::SeqCst);
        }
    }
}

impl RegistryTx for ProbeTx<'_> {
    fn key_exists(&mut self, path: &str) -> Result<bool> {
        self.inner.key_exists(path)
    }
    fn create_key(&mut self, path: &str) -> Result<bool> {
        self.write_op()?;
        self.inner.create_key(path)
    }
    fn delete_key_tree(&mut self, path: &str) -> Result<bool> {
        self.write_op()?;
        self.inner.delete_key_tree(path)
    }
    fn subkeys(&mut self, path: &str) -> Result<Vec<String>> {
        self.scan(path);
        self.inner.subkeys(path)
    }
    fn get_value(&mut self, path: &str, name: &str) -> Result<Option<RegValue>> {
        self.inner.get_value(path, name)
    }
    fn set_value(&mut self, path: &str, name: &str, value: &RegValue) -> Result<()> {
        self.write_op()?;
        self.inner.set_value(path, name, value)
    }
    fn delete_value(&mut self, path: &str, name: &str) -> Result<bool> {
        self.write_op()?;
        self.inner.delete_value(path, name)
    }
    fn values(&mut self, path: &str) -> Result<Values> {
        self.inner.values(path)
    }
    fn subkeys_with_values(&mut self, path: &str) -> Result<Vec<(String, Values)>> {
        self.scan(path);
        self.inner.subkeys_with_values(path)
    }
    fn generation(&mut self) -> Result<u64> {
        let g = self.inner.generation()?;
        Ok(self.probe.shifted(g))
    }
    // The log's generations are not shifted: with an offset set, no cache is ever carried
    // over through the log (the safe answer), and the index tests at u64::MAX still rebuild.
    fn change_log(&mut self) -> Option<&mut dyn crate::changes::ChangeLogTx> {
        self.inner.change_log()
    }
}

pub(super) fn sorted(mut s: Vec<(String, Values)>) -> Vec<(String, Values)> {
    s.sort_by_key(|a| fold(&a.0));
    s
}
