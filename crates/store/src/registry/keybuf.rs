//! The reusable buffer in which [`Tx`](super::Tx) collects one key's wanted values while
//! visiting subkeys, so a listing of many keys allocates once, not once per key.

use super::*;

/// One value of the key being collected by the visitor: where its name and data sit in the
/// shared buffers.
pub(super) struct Span {
    name: std::ops::Range<usize>,
    ty: u32,
    data: std::ops::Range<usize>,
}

/// The key being collected by the visitor: its name, then its wanted values' names, in one
/// string, and their data in one byte buffer; reused from key to key.
#[derive(Default)]
pub(super) struct KeyBuf {
    names: String,
    key_name: usize,
    data: Vec<u8>,
    spans: Vec<Span>,
}

impl KeyBuf {
    pub(super) fn start(&mut self, key_name: &str) {
        self.names.clear();
        self.data.clear();
        self.spans.clear();
        self.names.push_str(key_name);
        self.key_name = key_name.len();
    }

    pub(super) fn push(&mut self, name: &str, ty: u32, data: &[u8]) {
        let n = self.names.len();
        self.names.push_str(name);
        let d = self.data.len();
        self.data.extend_from_slice(data);
        self.spans.push(Span {
            name: n..self.names.len(),
            ty,
            data: d..self.data.len(),
        });
    }

    pub(super) fn lend(&self, f: &mut SubkeyVisitor<'_>) -> Result<()> {
        let value = |s: &Span| {
            (
                &self.names[s.name.clone()],
                RegValueRef {
                    ty: s.ty,
                    data: &self.data[s.data.clone()],
                },
            )
        };
        let key = &self.names[..self.key_name];
        // The usual handful of wanted values is lent from the stack: no allocation per key.
        let mut few = [("", RegValueRef { ty: 0, data: &[] }); 8];
        if self.spans.len() <= few.len() {
            for (slot, s) in few.iter_mut().zip(&self.spans) {
                *slot = value(s);
            }
            f(key, &few[..self.spans.len()])
        } else {
            f(key, &self.spans.iter().map(value).collect::<Vec<_>>())
        }
    }
}
