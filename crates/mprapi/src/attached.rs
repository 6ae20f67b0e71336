//! Caller structures that hold pointers (`MPR_SERVER_EX`, `MPR_IF_CUSTOMINFOEX`): the buffers
//! an export hangs off them, and reading the ones a caller passes in.

use mprconfig_core::{CustomPolicy, Error, Result};

use crate::alloc::Owned;
use crate::guard::not_null;
use crate::server::MAX_CERT_BLOB;
use crate::types::*;

/// The buffers hung off one caller's structure, each a separate allocation (docs/c-api.md
/// "Buffers"). Dropping the set frees them all, so a failure while filling the structure leaks
/// nothing; [`crate::out::Filled`] releases them to the caller together with the structure.
#[derive(Default)]
pub struct Attached(Vec<Owned>);

impl Attached {
    /// Keeps `b` with the others; returns where it starts.
    fn keep(&mut self, b: Owned) -> *mut u8 {
        let p = b.as_ptr();
        self.0.push(b);
        p
    }

    /// A new buffer holding `data`, or NULL for no data.
    pub fn bytes(&mut self, data: &[u8]) -> Result<*mut u8> {
        if data.is_empty() {
            return Ok(std::ptr::null_mut());
        }
        Ok(self.keep(Owned::copy(data, 0)?))
    }

    /// A `CRYPT_INTEGER_BLOB` whose data is a new buffer (NULL/0 for no data).
    pub fn blob(&mut self, data: &[u8]) -> Result<CRYPT_INTEGER_BLOB> {
        Ok(CRYPT_INTEGER_BLOB {
            cbData: data.len() as u32,
            pbData: self.bytes(data)?,
        })
    }

    /// A new `ROUTER_CUSTOM_IKEv2_POLICY0`, NULL for none.
    pub fn policy(&mut self, p: &Option<CustomPolicy>) -> Result<*mut ROUTER_CUSTOM_IKEv2_POLICY0> {
        let Some(p) = p else {
            return Ok(std::ptr::null_mut());
        };
        let c = ROUTER_CUSTOM_IKEv2_POLICY0 {
            dwIntegrityMethod: p.integrity_method,
            dwEncryptionMethod: p.encryption_method,
            dwCipherTransformConstant: p.cipher_transform_constant,
            dwAuthTransformConstant: p.auth_transform_constant,
            dwPfsGroup: p.pfs_group,
            dwDhGroup: p.dh_group,
        };
        Ok(self.keep(Owned::value(c)?) as *mut ROUTER_CUSTOM_IKEv2_POLICY0)
    }

    /// One buffer: `items` structures of `T` then `tail_len` bytes of the variable data they
    /// point into (NULL for no items).
    pub fn array_with_tail<T: Plain>(
        &mut self,
        items: usize,
        tail_len: usize,
        fill: impl FnOnce(*mut T, *mut u8),
    ) -> Result<*mut T> {
        if items == 0 {
            return Ok(std::ptr::null_mut());
        }
        let head = items * std::mem::size_of::<T>();
        let p = self.keep(Owned::new(head + tail_len)?);
        // SAFETY: `p` has room for `items` T (16-aligned) followed by `tail_len` bytes.
        fill(p as *mut T, unsafe { p.add(head) });
        Ok(p as *mut T)
    }

    /// Hands every buffer to the caller (who frees each with `MprConfigBufferFree`).
    pub fn release(self) {
        for b in self.0 {
            let _ = b.release();
        }
    }
}

fn policy_of(p: &ROUTER_CUSTOM_IKEv2_POLICY0) -> CustomPolicy {
    CustomPolicy {
        integrity_method: p.dwIntegrityMethod,
        encryption_method: p.dwEncryptionMethod,
        cipher_transform_constant: p.dwCipherTransformConstant,
        auth_transform_constant: p.dwAuthTransformConstant,
        pfs_group: p.dwPfsGroup,
        dh_group: p.dwDhGroup,
    }
}

/// Reads an optional `ROUTER_CUSTOM_IKEv2_POLICY0*`.
///
/// # Safety
/// `p` NULL or readable.
pub unsafe fn read_policy(p: *const ROUTER_CUSTOM_IKEv2_POLICY0) -> Option<CustomPolicy> {
    // SAFETY: caller contract.
    (!p.is_null()).then(|| policy_of(&unsafe { p.read_unaligned() }))
}

/// Reads a `CRYPT_INTEGER_BLOB`'s data (at most [`MAX_CERT_BLOB`] bytes).
///
/// # Safety
/// `pbData` readable for `cbData` bytes when `cbData` > 0.
pub unsafe fn read_blob(b: &CRYPT_INTEGER_BLOB, what: &str) -> Result<Vec<u8>> {
    if b.cbData == 0 {
        return Ok(Vec::new());
    }
    if b.cbData > MAX_CERT_BLOB {
        return Err(Error::invalid_parameter(format!(
            "{what}: {} bytes is more than {MAX_CERT_BLOB}",
            b.cbData
        )));
    }
    not_null(b.pbData, what)?;
    // SAFETY: caller contract, bounded.
    Ok(unsafe { crate::blob::bytes(b.pbData, b.cbData, what) }?.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alloc::{hooks, live_size};

    #[test]
    fn dropping_the_set_frees_every_buffer() {
        let before = hooks::live_here();
        let mut a = Attached::default();
        let blob = a.blob(b"name").unwrap();
        let policy = a.policy(&Some(CustomPolicy::default())).unwrap();
        let arr = a
            .array_with_tail::<CRYPT_INTEGER_BLOB>(2, 5, |_, _| {})
            .unwrap();
        assert_eq!(live_size(blob.pbData), Some(4));
        assert!(live_size(policy as *const u8).is_some());
        assert_eq!(live_size(arr as *const u8), Some(2 * 16 + 5));
        assert_eq!(hooks::live_here(), before + 3);
        drop(a);
        assert_eq!(hooks::live_here(), before, "a buffer leaked");
    }

    #[test]
    fn empty_data_attaches_nothing() {
        let before = hooks::live_here();
        let mut a = Attached::default();
        assert!(a.bytes(&[]).unwrap().is_null());
        assert!(a.policy(&None).unwrap().is_null());
        assert!(a.array_with_tail::<u16>(0, 8, |_, _| {}).unwrap().is_null());
        assert_eq!(hooks::live_here(), before);
    }

    #[test]
    fn released_buffers_are_the_callers() {
        let before = hooks::live_here();
        let mut a = Attached::default();
        let p = a.bytes(b"hash").unwrap();
        a.release();
        assert_eq!(live_size(p), Some(4));
        crate::alloc::free(p).unwrap();
        assert_eq!(hooks::live_here(), before);
    }

    #[test]
    fn a_failed_allocation_midway_frees_the_ones_before() {
        let before = hooks::live_here();
        let fill = || -> Result<Attached> {
            let mut a = Attached::default();
            a.bytes(b"one")?;
            a.bytes(b"two")?;
            a.bytes(b"three")?;
            Ok(a)
        };
        hooks::fail_allocation(3);
        let err = fill().err().expect("the third allocation fails");
        assert_eq!(err.code, mprconfig_core::WinError::ERROR_NOT_ENOUGH_MEMORY);
        assert_eq!(hooks::live_here(), before, "a buffer leaked");
    }
}
