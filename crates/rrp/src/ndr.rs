//! NDR 2.0 (little-endian) encoding and decoding, for the few shapes winreg uses.
//!
//! The writer builds a request stub front to back; the caller writes each parameter's scalars
//! and then its deferred referents, in IDL order, as the MIDL rules for top-level and embedded
//! pointers say (MS-RPCE §2.2.5, C706 §14). The reader is the mirror image and is the part that
//! sees hostile bytes: every read is bounds-checked, every count is checked against what is
//! left and against the declared maximum, and any inconsistency is a clean
//! `RPC_S_CALL_FAILED` error naming what was wrong, never a panic.

use mprconfig_core::{Error, Result, WinError};

/// A malformed reply: the code every decoding failure carries.
pub(crate) fn bad_stub(what: impl std::fmt::Display) -> Error {
    Error::new(
        WinError::RPC_S_CALL_FAILED,
        format!("malformed winreg reply: {what}"),
    )
}

/// Builds an NDR stub.
#[derive(Debug, Default)]
pub(crate) struct NdrWriter {
    buf: Vec<u8>,
    next_referent: u32,
}

impl NdrWriter {
    pub(crate) fn new() -> Self {
        NdrWriter {
            buf: Vec::with_capacity(128),
            next_referent: 0x0002_0000,
        }
    }

    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    pub(crate) fn align(&mut self, n: usize) {
        while !self.buf.len().is_multiple_of(n) {
            self.buf.push(0);
        }
    }

    pub(crate) fn u16(&mut self, v: u16) {
        self.align(2);
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub(crate) fn u32(&mut self, v: u32) {
        self.align(4);
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub(crate) fn bytes(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }

    /// A non-NULL unique or full pointer: a fresh referent id.
    pub(crate) fn referent(&mut self) {
        let r = self.next_referent;
        self.next_referent += 4;
        self.u32(r);
    }

    /// A NULL unique pointer.
    pub(crate) fn null(&mut self) {
        self.u32(0);
    }

    /// The scalars of an `RPC_UNICODE_STRING` holding `units` (already NUL-terminated when
    /// the IDL says RRP_UNICODE_STRING): Length, MaximumLength, Buffer pointer. `capacity` is
    /// MaximumLength in bytes (at least the length). An empty `units` with zero capacity is the
    /// NULL-buffer empty string.
    pub(crate) fn unicode_string_scalars(&mut self, units: &[u16], capacity: usize) {
        // The structure holds a pointer: it is 4-aligned as a whole.
        self.align(4);
        let len = units.len() * 2;
        self.u16(len as u16);
        self.u16(capacity.max(len) as u16);
        if capacity.max(len) == 0 {
            self.null();
        } else {
            self.referent();
        }
    }

    /// The deferred buffer of an `RPC_UNICODE_STRING` written by
    /// [`Self::unicode_string_scalars`] (nothing when its pointer was NULL).
    pub(crate) fn unicode_string_buffer(&mut self, units: &[u16], capacity: usize) {
        let cap = capacity.max(units.len() * 2);
        if cap == 0 {
            return;
        }
        self.u32((cap / 2) as u32); // MaximumCount
        self.u32(0); // Offset
        self.u32(units.len() as u32); // ActualCount
        for u in units {
            self.buf.extend_from_slice(&u.to_le_bytes());
        }
    }

    /// A whole `RPC_UNICODE_STRING` passed by reference at the top level (scalars, then its
    /// buffer at once).
    pub(crate) fn unicode_string(&mut self, units: &[u16], capacity: usize) {
        self.unicode_string_scalars(units, capacity);
        self.unicode_string_buffer(units, capacity);
    }

    /// A `[unique]` pointer to a DWORD.
    pub(crate) fn unique_u32(&mut self, v: Option<u32>) {
        match v {
            Some(v) => {
                self.referent();
                self.u32(v);
            }
            None => self.null(),
        }
    }

    /// A 20-byte context handle.
    pub(crate) fn handle(&mut self, h: &[u8; 20]) {
        self.align(4);
        self.buf.extend_from_slice(h);
    }
}

/// Reads an NDR stub, refusing anything malformed.
#[derive(Debug)]
pub(crate) struct NdrReader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> NdrReader<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        NdrReader { buf, pos: 0 }
    }

    pub(crate) fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub(crate) fn align(&mut self, n: usize) -> Result<()> {
        let pad = (n - self.pos % n) % n;
        self.take(pad).map(|_| ())
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if n > self.remaining() {
            return Err(bad_stub(format!(
                "{n} bytes wanted at offset {} of {}",
                self.pos,
                self.buf.len()
            )));
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    pub(crate) fn u16(&mut self) -> Result<u16> {
        self.align(2)?;
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    pub(crate) fn u32(&mut self) -> Result<u32> {
        self.align(4)?;
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A unique pointer's referent id: `true` when non-NULL.
    pub(crate) fn pointer(&mut self) -> Result<bool> {
        Ok(self.u32()? != 0)
    }

    pub(crate) fn handle(&mut self) -> Result<[u8; 20]> {
        self.align(4)?;
        let b = self.take(20)?;
        let mut h = [0u8; 20];
        h.copy_from_slice(b);
        Ok(h)
    }

    /// The scalars of an `RPC_UNICODE_STRING`: (Length, MaximumLength, buffer present).
    pub(crate) fn unicode_string_scalars(&mut self) -> Result<(u16, u16, bool)> {
        self.align(4)?;
        let len = self.u16()?;
        let max = self.u16()?;
        let present = self.pointer()?;
        if len > max || len % 2 != 0 {
            return Err(bad_stub(format!(
                "string Length {len} with MaximumLength {max}"
            )));
        }
        Ok((len, max, present))
    }

    /// The deferred buffer of a string whose scalars were `(len, max, present)`: its UTF-16
    /// units (exactly Length/2 of them).
    pub(crate) fn unicode_string_buffer(&mut self, scalars: (u16, u16, bool)) -> Result<Vec<u16>> {
        let (len, max, present) = scalars;
        if !present {
            if len != 0 {
                return Err(bad_stub("string with a length and no buffer"));
            }
            return Ok(Vec::new());
        }
        let max_count = self.u32()? as usize;
        let offset = self.u32()? as usize;
        let actual = self.u32()? as usize;
        if offset != 0 || actual > max_count || actual * 2 != len as usize {
            return Err(bad_stub(format!(
                "string buffer max {max_count} offset {offset} actual {actual} for Length {len}/{max}"
            )));
        }
        let data = self.take(actual * 2)?;
        Ok(data
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect())
    }

    /// A conformant varying byte array (`size_is`, `length_is`): its bytes.
    pub(crate) fn varying_bytes(&mut self) -> Result<&'a [u8]> {
        let max_count = self.u32()? as usize;
        let offset = self.u32()? as usize;
        let actual = self.u32()? as usize;
        if offset != 0 || actual > max_count {
            return Err(bad_stub(format!(
                "byte array max {max_count} offset {offset} actual {actual}"
            )));
        }
        self.take(actual)
    }

    /// Fails unless every byte was consumed (trailing bytes mean the reply has another shape
    /// than the one decoded).
    pub(crate) fn finish(&self) -> Result<()> {
        if self.remaining() != 0 {
            return Err(bad_stub(format!("{} trailing bytes", self.remaining())));
        }
        Ok(())
    }
}

/// UTF-16 units of `s` followed by one NUL (an RRP_UNICODE_STRING must count its terminator).
pub(crate) fn nul_terminated(s: &str) -> Vec<u16> {
    let mut v: Vec<u16> = s.encode_utf16().collect();
    v.push(0);
    v
}

/// The text of UTF-16 units, up to the first NUL (servers count the terminator in Length).
pub(crate) fn text(units: &[u16]) -> Result<String> {
    let end = units.iter().position(|&u| u == 0).unwrap_or(units.len());
    String::from_utf16(&units[..end]).map_err(|_| bad_stub("a name is not valid UTF-16"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_round_trip_with_their_terminator() {
        let units = nul_terminated("Interfaces");
        let mut w = NdrWriter::new();
        w.unicode_string(&units, 0);
        let bytes = w.into_bytes();
        // Length 22, MaximumLength 22, referent, then max 11, offset 0, actual 11, data.
        assert_eq!(&bytes[..4], &[22, 0, 22, 0]);
        let mut r = NdrReader::new(&bytes);
        let s = r.unicode_string_scalars().unwrap();
        let back = r.unicode_string_buffer(s).unwrap();
        assert_eq!(text(&back).unwrap(), "Interfaces");
        r.finish().unwrap();
    }

    #[test]
    fn an_empty_string_with_capacity_sends_an_empty_buffer() {
        let mut w = NdrWriter::new();
        w.unicode_string(&[], 512);
        let bytes = w.into_bytes();
        assert_eq!(
            bytes,
            [
                0, 0, 0, 2, 0, 0, 2, 0, // Length 0, MaximumLength 512, referent
                0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 // max 256, offset 0, actual 0
            ]
        );
    }

    #[test]
    fn inconsistent_counts_are_clean_errors() {
        // Length 4 but actual count 3.
        let mut w = NdrWriter::new();
        w.u16(4);
        w.u16(8);
        w.u32(0x20000);
        w.u32(4);
        w.u32(0);
        w.u32(3);
        w.bytes(&[1, 0, 2, 0, 3, 0]);
        let bytes = w.into_bytes();
        let mut r = NdrReader::new(&bytes);
        let s = r.unicode_string_scalars().unwrap();
        let e = r.unicode_string_buffer(s).unwrap_err();
        assert_eq!(e.code, WinError::RPC_S_CALL_FAILED);
        // A truncated reply.
        let mut r = NdrReader::new(&bytes[..10]);
        let s = r.unicode_string_scalars().unwrap();
        assert!(r.unicode_string_buffer(s).is_err());
        // Length above MaximumLength.
        let mut r = NdrReader::new(&[8, 0, 4, 0, 0, 0, 0, 0]);
        assert!(r.unicode_string_scalars().is_err());
    }

    #[test]
    fn varying_arrays_refuse_counts_beyond_the_data() {
        let mut w = NdrWriter::new();
        w.u32(0xFFFF_FFFF);
        w.u32(0);
        w.u32(0x7FFF_FFFF);
        let bytes = w.into_bytes();
        assert!(NdrReader::new(&bytes).varying_bytes().is_err());
    }
}
