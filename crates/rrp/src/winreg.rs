//! The winreg (MS-RRP) calls this backend uses: request stubs and reply decoders, one pair per
//! opnum, following the IDL of MS-RRP Appendix A.
//!
//! Encoders take already-checked arguments; decoders take the reply stub (hostile bytes) and
//! return the out-parameters and the `error_status_t` the server put last. A decoder that
//! returns `Ok` has consumed the stub exactly; anything else is an `RPC_S_CALL_FAILED` error.

use crate::ndr::{NdrReader, NdrWriter, bad_stub, nul_terminated, text};
use mprconfig_core::Result;

/// An `RPC_HKEY` context handle.
pub(crate) type Hkey = [u8; 20];

/// Operation numbers (MS-RRP §3.1.5).
pub(crate) mod opnum {
    pub(crate) const OPEN_LOCAL_MACHINE: u16 = 2;
    pub(crate) const CLOSE_KEY: u16 = 5;
    pub(crate) const CREATE_KEY: u16 = 6;
    pub(crate) const DELETE_KEY: u16 = 7;
    pub(crate) const DELETE_VALUE: u16 = 8;
    pub(crate) const ENUM_KEY: u16 = 9;
    pub(crate) const ENUM_VALUE: u16 = 10;
    pub(crate) const FLUSH_KEY: u16 = 11;
    pub(crate) const OPEN_KEY: u16 = 15;
    pub(crate) const QUERY_INFO_KEY: u16 = 16;
    pub(crate) const QUERY_VALUE: u16 = 17;
    pub(crate) const SET_VALUE: u16 = 22;
    pub(crate) const QUERY_MULTIPLE_VALUES2: u16 = 34;
}

/// `MAXIMUM_ALLOWED`: the server grants what the caller's rights allow, so one handle serves
/// reads and (for administrators) writes.
pub(crate) const MAXIMUM_ALLOWED: u32 = 0x0200_0000;
/// `REG_CREATED_NEW_KEY`.
pub(crate) const REG_CREATED_NEW_KEY: u32 = 1;
/// The largest value the IDL allows (`range(0, 0x4000000)`).
pub(crate) const MAX_DATA: usize = 0x0400_0000;
/// Key names are at most 255 characters: with the terminator, 512 bytes always suffice.
pub(crate) const KEY_NAME_CAPACITY: usize = 512;

// ---- requests ---------------------------------------------------------------------------------

/// OpenLocalMachine: `ServerName` NULL (the binding already names the server).
pub(crate) fn open_local_machine(sam: u32) -> Vec<u8> {
    let mut w = NdrWriter::new();
    w.null();
    w.u32(sam);
    w.into_bytes()
}

/// BaseRegCloseKey.
pub(crate) fn close_key(h: &Hkey) -> Vec<u8> {
    let mut w = NdrWriter::new();
    w.handle(h);
    w.into_bytes()
}

/// BaseRegCreateKey of `subkey` (a relative path) below `h`, non-volatile, no security
/// attributes, asking for the disposition. `class` is stored as the key's class (Windows keeps
/// it; Samba ignores it).
pub(crate) fn create_key(h: &Hkey, subkey: &str, class: &str, sam: u32) -> Vec<u8> {
    let mut w = NdrWriter::new();
    w.handle(h);
    w.unicode_string(&nul_terminated(subkey), 0);
    if class.is_empty() {
        w.unicode_string(&[], 0);
    } else {
        w.unicode_string(&nul_terminated(class), 0);
    }
    w.u32(0); // dwOptions: REG_OPTION_NON_VOLATILE
    w.u32(sam);
    w.null(); // lpSecurityAttributes
    w.unique_u32(Some(0)); // lpdwDisposition
    w.into_bytes()
}

/// BaseRegDeleteKey of `subkey` (a relative path, no subkeys of its own) below `h`.
pub(crate) fn delete_key(h: &Hkey, subkey: &str) -> Vec<u8> {
    let mut w = NdrWriter::new();
    w.handle(h);
    w.unicode_string(&nul_terminated(subkey), 0);
    w.into_bytes()
}

/// BaseRegDeleteValue.
pub(crate) fn delete_value(h: &Hkey, name: &str) -> Vec<u8> {
    let mut w = NdrWriter::new();
    w.handle(h);
    w.unicode_string(&nul_terminated(name), 0);
    w.into_bytes()
}

/// BaseRegEnumKey of subkey `index`. Samba refuses a NULL class buffer, so one with room is
/// always sent; the last-write time is asked for as Windows clients do.
pub(crate) fn enum_key(h: &Hkey, index: u32) -> Vec<u8> {
    let mut w = NdrWriter::new();
    w.handle(h);
    w.u32(index);
    w.unicode_string(&[], KEY_NAME_CAPACITY); // lpNameIn: only MaximumLength matters
    w.referent(); // lpClassIn
    w.unicode_string(&[], KEY_NAME_CAPACITY);
    w.referent(); // lpftLastWriteTime
    w.u32(0);
    w.u32(0);
    w.into_bytes()
}

/// BaseRegEnumValue of value `index`, with room for a name of `name_capacity` bytes and data
/// of `data_capacity` bytes.
pub(crate) fn enum_value(
    h: &Hkey,
    index: u32,
    name_capacity: usize,
    data_capacity: usize,
) -> Vec<u8> {
    let mut w = NdrWriter::new();
    w.handle(h);
    w.u32(index);
    w.unicode_string(&[], name_capacity);
    w.unique_u32(Some(0)); // lpType
    w.referent(); // lpData: an empty conformant varying array of data_capacity
    w.u32(data_capacity as u32);
    w.u32(0);
    w.u32(0);
    w.unique_u32(Some(data_capacity as u32)); // lpcbData
    w.unique_u32(Some(0)); // lpcbLen
    w.into_bytes()
}

/// BaseRegFlushKey.
pub(crate) fn flush_key(h: &Hkey) -> Vec<u8> {
    close_key(h)
}

/// BaseRegOpenKey of `subkey` (a relative path) below `h`.
pub(crate) fn open_key(h: &Hkey, subkey: &str, sam: u32) -> Vec<u8> {
    let mut w = NdrWriter::new();
    w.handle(h);
    w.unicode_string(&nul_terminated(subkey), 0);
    w.u32(0); // dwOptions
    w.u32(sam);
    w.into_bytes()
}

/// BaseRegQueryInfoKey. The class argument is the empty string *with* its terminator:
/// Samba decodes it as a NUL-terminated string and faults with bad stub data on a zero-length
/// one (Windows accepts either).
pub(crate) fn query_info_key(h: &Hkey) -> Vec<u8> {
    let mut w = NdrWriter::new();
    w.handle(h);
    w.unicode_string(&[0], 0);
    w.into_bytes()
}

/// BaseRegQueryValue of `name` with room for `capacity` bytes of data.
pub(crate) fn query_value(h: &Hkey, name: &str, capacity: usize) -> Vec<u8> {
    let mut w = NdrWriter::new();
    w.handle(h);
    w.unicode_string(&nul_terminated(name), 0);
    w.unique_u32(Some(0)); // lpType
    w.referent(); // lpData
    w.u32(capacity as u32);
    w.u32(0);
    w.u32(0);
    w.unique_u32(Some(capacity as u32)); // lpcbData
    w.unique_u32(Some(0)); // lpcbLen
    w.into_bytes()
}

/// BaseRegSetValue.
pub(crate) fn set_value(h: &Hkey, name: &str, ty: u32, data: &[u8]) -> Vec<u8> {
    let mut w = NdrWriter::new();
    w.handle(h);
    w.unicode_string(&nul_terminated(name), 0);
    w.u32(ty);
    w.u32(data.len() as u32); // lpData: conformant array, MaximumCount
    w.bytes(data);
    w.u32(data.len() as u32); // cbData
    w.into_bytes()
}

/// BaseRegQueryMultipleValues2 of `names` with a value buffer of `capacity` bytes (the IDL
/// transmits the buffer both ways, so the caller sizes it from what it expects back).
pub(crate) fn query_multiple_values2(h: &Hkey, names: &[&str], capacity: usize) -> Vec<u8> {
    let units: Vec<Vec<u16>> = names.iter().map(|n| nul_terminated(n)).collect();
    let mut w = NdrWriter::new();
    w.handle(h);
    // val_listIn: conformant varying array of RVALENT.
    w.u32(names.len() as u32);
    w.u32(0);
    w.u32(names.len() as u32);
    for _ in &units {
        w.referent(); // ve_valuename
        w.u32(0); // ve_valuelen
        w.u32(0); // ve_valueptr
        w.u32(0); // ve_type
    }
    for u in &units {
        w.unicode_string(u, 0);
    }
    w.u32(names.len() as u32); // num_vals
    w.referent(); // lpvalueBuf
    w.u32(capacity as u32);
    w.u32(0);
    w.u32(capacity as u32);
    w.bytes(&vec![0u8; capacity]);
    w.u32(capacity as u32); // ldwTotsize
    w.into_bytes()
}

// ---- replies ----------------------------------------------------------------------------------

/// Reads the trailing status and checks nothing follows.
fn status(r: &mut NdrReader<'_>) -> Result<u32> {
    let s = r.u32()?;
    r.finish()?;
    Ok(s)
}

/// A reply of just a status (DeleteKey, DeleteValue, FlushKey, SetValue).
pub(crate) fn decode_status(stub: &[u8]) -> Result<u32> {
    status(&mut NdrReader::new(stub))
}

/// A reply of a handle and a status (OpenLocalMachine, OpenKey, CloseKey).
pub(crate) fn decode_handle(stub: &[u8]) -> Result<(Hkey, u32)> {
    let mut r = NdrReader::new(stub);
    let h = r.handle()?;
    Ok((h, status(&mut r)?))
}

/// A CreateKey reply: the handle, the disposition (if returned) and the status.
pub(crate) fn decode_create_key(stub: &[u8]) -> Result<(Hkey, Option<u32>, u32)> {
    let mut r = NdrReader::new(stub);
    let h = r.handle()?;
    let disposition = if r.pointer()? { Some(r.u32()?) } else { None };
    Ok((h, disposition, status(&mut r)?))
}

/// An EnumKey reply: the subkey name and the status.
pub(crate) fn decode_enum_key(stub: &[u8]) -> Result<(String, u32)> {
    let mut r = NdrReader::new(stub);
    let scalars = r.unicode_string_scalars()?;
    let name = r.unicode_string_buffer(scalars)?;
    if r.pointer()? {
        // lplpClassOut -> a class string we do not use.
        let s = r.unicode_string_scalars()?;
        r.unicode_string_buffer(s)?;
    }
    if r.pointer()? {
        r.u32()?;
        r.u32()?;
    }
    let st = status(&mut r)?;
    Ok((text(&name)?, st))
}

/// A value read back (EnumValue, QueryValue): type, data and the size the server reported in
/// `lpcbData` (the needed size when the status is `ERROR_MORE_DATA`, on servers that say).
#[derive(Debug, Default)]
pub(crate) struct ValueReply {
    pub(crate) name: String,
    pub(crate) ty: u32,
    pub(crate) data: Vec<u8>,
    pub(crate) size: Option<u32>,
    pub(crate) status: u32,
}

fn value_tail(r: &mut NdrReader<'_>, out: &mut ValueReply) -> Result<()> {
    if r.pointer()? {
        out.ty = r.u32()?;
    }
    if r.pointer()? {
        out.data = r.varying_bytes()?.to_vec();
    }
    if r.pointer()? {
        out.size = Some(r.u32()?);
    }
    let len = if r.pointer()? { Some(r.u32()?) } else { None };
    out.status = status(r)?;
    if out.status == 0 {
        // On success the data length is lpcbLen, and the bytes sent must be that many.
        if let Some(len) = len
            && len as usize != out.data.len()
        {
            return Err(bad_stub(format!(
                "value data of {} bytes with lpcbLen {len}",
                out.data.len()
            )));
        }
    }
    Ok(())
}

/// An EnumValue reply.
pub(crate) fn decode_enum_value(stub: &[u8]) -> Result<ValueReply> {
    let mut r = NdrReader::new(stub);
    let scalars = r.unicode_string_scalars()?;
    let name = r.unicode_string_buffer(scalars)?;
    let mut out = ValueReply {
        name: text(&name)?,
        ..ValueReply::default()
    };
    value_tail(&mut r, &mut out)?;
    Ok(out)
}

/// A QueryValue reply.
pub(crate) fn decode_query_value(stub: &[u8]) -> Result<ValueReply> {
    let mut r = NdrReader::new(stub);
    let mut out = ValueReply::default();
    value_tail(&mut r, &mut out)?;
    Ok(out)
}

/// What BaseRegQueryInfoKey says about a key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct KeyInfo {
    pub(crate) subkeys: u32,
    pub(crate) max_subkey_len: u32,
    pub(crate) values: u32,
    pub(crate) max_value_name_len: u32,
    pub(crate) max_value_len: u32,
    pub(crate) last_write: u64,
}

/// A QueryInfoKey reply.
pub(crate) fn decode_query_info_key(stub: &[u8]) -> Result<(KeyInfo, u32)> {
    let mut r = NdrReader::new(stub);
    let s = r.unicode_string_scalars()?;
    r.unicode_string_buffer(s)?;
    let subkeys = r.u32()?;
    let max_subkey_len = r.u32()?;
    let _max_class_len = r.u32()?;
    let values = r.u32()?;
    let max_value_name_len = r.u32()?;
    let max_value_len = r.u32()?;
    let _security = r.u32()?;
    let low = r.u32()?;
    let high = r.u32()?;
    let st = status(&mut r)?;
    Ok((
        KeyInfo {
            subkeys,
            max_subkey_len,
            values,
            max_value_name_len,
            max_value_len,
            last_write: (u64::from(high) << 32) | u64::from(low),
        },
        st,
    ))
}

/// A QueryMultipleValues2 reply: per requested value its (type, length, offset into the
/// buffer), the buffer, the size the server needs, and the status.
#[derive(Debug, Default)]
pub(crate) struct MultiReply {
    pub(crate) entries: Vec<(u32, u32, u32)>,
    pub(crate) buffer: Vec<u8>,
    pub(crate) required: u32,
    pub(crate) status: u32,
}

impl MultiReply {
    /// The data of entry `i`, checked to lie inside the buffer.
    pub(crate) fn data(&self, i: usize) -> Result<&[u8]> {
        let (_, len, off) = *self
            .entries
            .get(i)
            .ok_or_else(|| bad_stub("fewer values than asked for"))?;
        let (off, len) = (off as usize, len as usize);
        off.checked_add(len)
            .and_then(|end| self.buffer.get(off..end))
            .ok_or_else(|| {
                bad_stub(format!(
                    "value at {off}+{len} outside a buffer of {}",
                    self.buffer.len()
                ))
            })
    }
}

/// A QueryMultipleValues2 reply for `count` requested values.
pub(crate) fn decode_query_multiple_values2(stub: &[u8], count: usize) -> Result<MultiReply> {
    let mut r = NdrReader::new(stub);
    let max = r.u32()? as usize;
    let offset = r.u32()? as usize;
    let actual = r.u32()? as usize;
    if offset != 0 || actual > max || actual != count {
        return Err(bad_stub(format!(
            "value list max {max} offset {offset} actual {actual}, {count} asked for"
        )));
    }
    // Every entry takes 16 bytes: refuse a count the stub cannot hold before allocating.
    if actual.saturating_mul(16) > r.remaining() {
        return Err(bad_stub(format!(
            "{actual} values in {} bytes",
            r.remaining()
        )));
    }
    let mut named = Vec::with_capacity(actual);
    let mut entries = Vec::with_capacity(actual);
    for _ in 0..actual {
        named.push(r.pointer()?);
        let len = r.u32()?;
        let ptr = r.u32()?;
        let ty = r.u32()?;
        entries.push((ty, len, ptr));
    }
    for has_name in named {
        if has_name {
            let s = r.unicode_string_scalars()?;
            r.unicode_string_buffer(s)?;
        }
    }
    let buffer = if r.pointer()? {
        r.varying_bytes()?.to_vec()
    } else {
        Vec::new()
    };
    let required = r.u32()?;
    let st = status(&mut r)?;
    Ok(MultiReply {
        entries,
        buffer,
        required,
        status: st,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_value_stub_carries_the_data_as_a_conformant_array() {
        let stub = set_value(&[7; 20], "Type", 4, &[8, 0, 0, 0]);
        // handle, name (Length 10 = "Type\0"), type, MaximumCount 4, data, cbData 4.
        assert_eq!(&stub[..20], &[7; 20]);
        assert_eq!(&stub[20..22], &10u16.to_le_bytes());
        let tail = &stub[stub.len() - 16..];
        assert_eq!(tail, &[4, 0, 0, 0, 4, 0, 0, 0, 8, 0, 0, 0, 4, 0, 0, 0]);
    }

    #[test]
    fn value_replies_decode_and_check_their_lengths() {
        let mut w = NdrWriter::new();
        w.unique_u32(Some(3));
        w.referent();
        w.u32(8);
        w.u32(0);
        w.u32(3);
        w.bytes(&[1, 2, 3]);
        w.unique_u32(Some(3));
        w.unique_u32(Some(3));
        w.u32(0);
        let ok = w.into_bytes();
        let v = decode_query_value(&ok).unwrap();
        assert_eq!(
            (v.ty, v.data.as_slice(), v.size, v.status),
            (3, &[1u8, 2, 3][..], Some(3), 0)
        );
        // lpcbLen disagreeing with the bytes sent is refused.
        let mut bad = ok.clone();
        let at = bad.len() - 8;
        bad[at] = 2;
        assert!(decode_query_value(&bad).is_err());
        // Truncated anywhere: a clean error.
        for cut in 0..ok.len() {
            assert!(decode_query_value(&ok[..cut]).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn multi_value_offsets_outside_the_buffer_are_refused() {
        let reply = MultiReply {
            entries: vec![(4, 4, 0), (3, 10, u32::MAX)],
            buffer: vec![1, 0, 0, 0],
            required: 4,
            status: 0,
        };
        assert_eq!(reply.data(0).unwrap(), &[1, 0, 0, 0]);
        assert!(reply.data(1).is_err());
        assert!(reply.data(2).is_err());
    }

    #[test]
    fn a_huge_multi_value_count_is_refused_before_allocating() {
        let mut w = NdrWriter::new();
        w.u32(u32::MAX);
        w.u32(0);
        w.u32(u32::MAX);
        let stub = w.into_bytes();
        assert!(decode_query_multiple_values2(&stub, u32::MAX as usize).is_err());
    }
}
