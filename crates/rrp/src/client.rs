//! Typed winreg calls over one binding: each method is exactly one RPC, and a Win32 status
//! from the server becomes an [`Error`] with that code.

use mprconfig_core::registry::RegValue;
use mprconfig_core::{Error, Result, WinError};

use crate::dcerpc::Binding;
#[cfg(test)]
use crate::dcerpc::RpcStats;
use crate::winreg::{self as w, Hkey, KeyInfo, MAXIMUM_ALLOWED, opnum};

/// `ERROR_MORE_DATA`.
pub(crate) const MORE_DATA: u32 = 234;
/// `ERROR_NO_MORE_ITEMS`.
pub(crate) const NO_MORE_ITEMS: u32 = 259;
/// `ERROR_FILE_NOT_FOUND`.
pub(crate) const FILE_NOT_FOUND: u32 = 2;

fn check(status: u32, what: impl FnOnce() -> String) -> Result<()> {
    if status == 0 {
        Ok(())
    } else {
        Err(Error::new(WinError(status), what()))
    }
}

/// A winreg client: a binding plus the HKEY_LOCAL_MACHINE handle.
#[derive(Debug)]
pub(crate) struct WinregClient {
    binding: Binding,
    hklm: Hkey,
}

impl WinregClient {
    /// Opens HKEY_LOCAL_MACHINE over a fresh binding.
    pub(crate) fn new(mut binding: Binding) -> Result<Self> {
        let stub = binding.call(
            opnum::OPEN_LOCAL_MACHINE,
            &w::open_local_machine(MAXIMUM_ALLOWED),
        )?;
        let (hklm, status) = w::decode_handle(&stub)?;
        check(status, || "OpenLocalMachine".into())?;
        Ok(WinregClient { binding, hklm })
    }

    pub(crate) fn hklm(&self) -> Hkey {
        self.hklm
    }

    #[cfg(test)]
    pub(crate) fn stats(&self) -> RpcStats {
        self.binding.stats()
    }

    pub(crate) fn is_broken(&self) -> bool {
        self.binding.is_broken()
    }

    fn call(&mut self, op: u16, stub: &[u8]) -> Result<Vec<u8>> {
        self.binding.call(op, stub)
    }

    /// OpenKey of `path` relative to `base`: `Ok(None)` when it does not exist.
    pub(crate) fn open_key(&mut self, base: &Hkey, path: &str) -> Result<Option<Hkey>> {
        let stub = self.call(opnum::OPEN_KEY, &w::open_key(base, path, MAXIMUM_ALLOWED))?;
        let (h, status) = w::decode_handle(&stub)?;
        match status {
            0 => Ok(Some(h)),
            FILE_NOT_FOUND => Ok(None),
            s => Err(Error::new(
                WinError(s),
                format!("opening registry key {path:?}"),
            )),
        }
    }

    /// CreateKey of `path` relative to `base`: the handle and whether it was created.
    pub(crate) fn create_key(
        &mut self,
        base: &Hkey,
        path: &str,
        class: &str,
    ) -> Result<(Hkey, bool)> {
        let stub = self.call(
            opnum::CREATE_KEY,
            &w::create_key(base, path, class, MAXIMUM_ALLOWED),
        )?;
        let (h, disposition, status) = w::decode_create_key(&stub)?;
        check(status, || format!("creating registry key {path:?}"))?;
        Ok((h, disposition == Some(w::REG_CREATED_NEW_KEY)))
    }

    /// CloseKey.
    pub(crate) fn close_key(&mut self, h: &Hkey) -> Result<()> {
        let stub = self.call(opnum::CLOSE_KEY, &w::close_key(h))?;
        let (_, status) = w::decode_handle(&stub)?;
        check(status, || "closing a registry key".into())
    }

    /// DeleteKey of `path` (no subkeys) relative to `base`: false if it did not exist.
    pub(crate) fn delete_key(&mut self, base: &Hkey, path: &str) -> Result<bool> {
        let stub = self.call(opnum::DELETE_KEY, &w::delete_key(base, path))?;
        match w::decode_status(&stub)? {
            0 => Ok(true),
            FILE_NOT_FOUND => Ok(false),
            s => Err(Error::new(
                WinError(s),
                format!("deleting registry key {path:?}"),
            )),
        }
    }

    /// DeleteValue: false if it did not exist.
    pub(crate) fn delete_value(&mut self, h: &Hkey, name: &str) -> Result<bool> {
        let stub = self.call(opnum::DELETE_VALUE, &w::delete_value(h, name))?;
        match w::decode_status(&stub)? {
            0 => Ok(true),
            FILE_NOT_FOUND => Ok(false),
            s => Err(Error::new(
                WinError(s),
                format!("deleting registry value {name:?}"),
            )),
        }
    }

    /// SetValue.
    pub(crate) fn set_value(&mut self, h: &Hkey, name: &str, value: &RegValue) -> Result<()> {
        if value.data.len() > w::MAX_DATA {
            return Err(Error::invalid_parameter(format!(
                "registry value {name:?} of {} bytes is larger than MS-RRP carries",
                value.data.len()
            )));
        }
        let stub = self.call(
            opnum::SET_VALUE,
            &w::set_value(h, name, value.ty, &value.data),
        )?;
        check(w::decode_status(&stub)?, || {
            format!("setting registry value {name:?}")
        })
    }

    /// FlushKey.
    pub(crate) fn flush_key(&mut self, h: &Hkey) -> Result<()> {
        let stub = self.call(opnum::FLUSH_KEY, &w::flush_key(h))?;
        check(w::decode_status(&stub)?, || {
            "flushing a registry key".into()
        })
    }

    /// QueryInfoKey.
    pub(crate) fn query_info(&mut self, h: &Hkey) -> Result<KeyInfo> {
        let stub = self.call(opnum::QUERY_INFO_KEY, &w::query_info_key(h))?;
        let (info, status) = w::decode_query_info_key(&stub)?;
        check(status, || "querying a registry key".into())?;
        Ok(info)
    }

    /// EnumKey `index`: `Ok(None)` past the end.
    pub(crate) fn enum_key(&mut self, h: &Hkey, index: u32) -> Result<Option<String>> {
        let stub = self.call(opnum::ENUM_KEY, &w::enum_key(h, index))?;
        let (name, status) = w::decode_enum_key(&stub)?;
        match status {
            0 => Ok(Some(name)),
            NO_MORE_ITEMS => Ok(None),
            s => Err(Error::new(
                WinError(s),
                format!("enumerating subkey {index}"),
            )),
        }
    }

    /// EnumValue `index` with the given buffer sizes: `Ok(None)` past the end, the raw reply
    /// otherwise (its status may be `ERROR_MORE_DATA`, which the caller resolves).
    pub(crate) fn enum_value(
        &mut self,
        h: &Hkey,
        index: u32,
        name_capacity: usize,
        data_capacity: usize,
    ) -> Result<Option<w::ValueReply>> {
        let stub = self.call(
            opnum::ENUM_VALUE,
            &w::enum_value(h, index, name_capacity, data_capacity),
        )?;
        let reply = w::decode_enum_value(&stub)?;
        match reply.status {
            0 | MORE_DATA => Ok(Some(reply)),
            NO_MORE_ITEMS => Ok(None),
            s => Err(Error::new(
                WinError(s),
                format!("enumerating value {index}"),
            )),
        }
    }

    /// QueryValue of `name` with room for `capacity` bytes: the raw reply (status 0,
    /// `ERROR_MORE_DATA` or `ERROR_FILE_NOT_FOUND`).
    pub(crate) fn query_value(
        &mut self,
        h: &Hkey,
        name: &str,
        capacity: usize,
    ) -> Result<w::ValueReply> {
        let stub = self.call(opnum::QUERY_VALUE, &w::query_value(h, name, capacity))?;
        let reply = w::decode_query_value(&stub)?;
        match reply.status {
            0 | MORE_DATA | FILE_NOT_FOUND => Ok(reply),
            s => Err(Error::new(
                WinError(s),
                format!("reading registry value {name:?}"),
            )),
        }
    }

    /// QueryMultipleValues2 of `names` with a `capacity`-byte buffer: the raw reply (status
    /// 0, `ERROR_MORE_DATA` with the required size, or `ERROR_FILE_NOT_FOUND` when one of the
    /// names is missing).
    pub(crate) fn query_multiple(
        &mut self,
        h: &Hkey,
        names: &[&str],
        capacity: usize,
    ) -> Result<w::MultiReply> {
        let stub = self.call(
            opnum::QUERY_MULTIPLE_VALUES2,
            &w::query_multiple_values2(h, names, capacity),
        )?;
        let reply = w::decode_query_multiple_values2(&stub, names.len())?;
        match reply.status {
            0 | MORE_DATA | FILE_NOT_FOUND => Ok(reply),
            s => Err(Error::new(WinError(s), "reading several registry values")),
        }
    }
}
