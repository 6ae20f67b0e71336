//! The entry point of `fuzz/fuzz_targets/rrp_reply.rs`: everything this crate decodes from a
//! server, fed with arbitrary bytes. Each path must end in `Ok` or a clean `Error` — never a
//! panic, never an allocation the bytes did not pay for. Not a stable API.

use mprconfig_core::{Error, Result, WinError};

use crate::dcerpc::{self, Binding, Pipe, SharedStats};
use crate::journal::State;
use crate::ntlm::{NtlmClient, NtlmSeal, SIGNATURE_LEN};
use crate::winreg as w;

/// Runs one fuzz input. The first byte picks what the rest is:
/// 0 a winreg reply stub (every decoder), 1 a `State` value, 2 an NTLM CHALLENGE,
/// 3 raw bytes where a bind_ack and a reply PDU are expected, 4 reply fragments that are
/// correctly sealed (so the reassembly and the decoders behind the seal are reached).
pub fn reply(data: &[u8]) {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    match which % 5 {
        0 => stub(body),
        1 => {
            if let Ok(s) = State::decode(body) {
                // Whatever decodes re-encodes to the same state.
                assert_eq!(
                    State::decode(&s.encode()).expect("re-encoded state decodes"),
                    s
                );
            }
        }
        2 => {
            let mut c = NtlmClient::new("user", "password", "DOMAIN");
            c.negotiate();
            let _ = c.authenticate(body);
        }
        3 => {
            let cut = body.first().map_or(0, |&c| c as usize * 4).min(body.len());
            let (ack, reply) = body.split_at(cut);
            let _ = dcerpc::fuzz_bind_and_call(ack, reply);
        }
        _ => sealed(body),
    }
}

/// Every winreg decoder over the same bytes.
fn stub(body: &[u8]) {
    let _ = w::decode_status(body);
    let _ = w::decode_handle(body);
    let _ = w::decode_create_key(body);
    let _ = w::decode_enum_key(body);
    let _ = w::decode_enum_value(body);
    let _ = w::decode_query_value(body);
    let _ = w::decode_query_info_key(body);
    for count in 0..4 {
        if let Ok(m) = w::decode_query_multiple_values2(body, count) {
            for i in 0..=count {
                let _ = m.data(i);
            }
        }
    }
}

/// A pipe whose server side seals what the fuzzer wrote: each fragment is (flags, stub bytes).
struct SealedPipe {
    seal: NtlmSeal,
    fragments: Vec<(u8, Vec<u8>)>,
    out: Vec<u8>,
    call_id: u32,
}

impl Pipe for SealedPipe {
    fn transceive(&mut self, request: &[u8]) -> Result<Vec<u8>> {
        self.call_id = request
            .get(12..16)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .unwrap_or(0);
        for (flags, stub) in std::mem::take(&mut self.fragments) {
            let pad = (16 - stub.len() % 16) % 16;
            let frag_len = 24 + stub.len() + pad + 8 + SIGNATURE_LEN;
            let mut pdu = vec![5, 0, 2, flags, 0x10, 0, 0, 0];
            pdu.extend_from_slice(&(frag_len as u16).to_le_bytes());
            pdu.extend_from_slice(&(SIGNATURE_LEN as u16).to_le_bytes());
            pdu.extend_from_slice(&self.call_id.to_le_bytes());
            pdu.extend_from_slice(&(stub.len() as u32).to_le_bytes());
            pdu.extend_from_slice(&[0, 0, 0, 0]);
            pdu.extend_from_slice(&stub);
            pdu.resize(24 + stub.len() + pad, 0);
            pdu.extend_from_slice(&[10, 6, pad as u8, 0, 0, 0, 1, 0]);
            let n = pdu.len();
            let sig = self.seal.seal(&mut pdu[..n], 24..24 + stub.len() + pad);
            pdu.extend_from_slice(&sig);
            self.out.extend_from_slice(&pdu);
        }
        self.read()
    }

    fn write(&mut self, _: &[u8]) -> Result<()> {
        Ok(())
    }

    fn read(&mut self) -> Result<Vec<u8>> {
        if self.out.is_empty() {
            return Err(Error::new(
                WinError::RPC_S_SERVER_UNAVAILABLE,
                "no more fuzz data",
            ));
        }
        let n = self.out.len().min(700);
        Ok(self.out.drain(..n).collect())
    }
}

fn sealed(body: &[u8]) {
    if let Ok(reply) = sealed_call(body) {
        stub(&reply);
    }
}

fn sealed_call(body: &[u8]) -> Result<Vec<u8>> {
    const KEY: [u8; 16] = [0x5a; 16];
    const FLAGS: u32 = 0xE288_8235;
    // Fragments: a flags byte, a length byte, that many stub bytes; at most 40.
    let mut fragments = Vec::new();
    let mut rest = body;
    while let [flags, len, tail @ ..] = rest {
        let n = (*len as usize).min(tail.len());
        fragments.push((*flags & 3, tail[..n].to_vec()));
        rest = &tail[n..];
        if fragments.len() == 40 {
            break;
        }
    }
    let mut server = NtlmSeal::new(&KEY, FLAGS).expect("fixed key");
    server.swap_directions();
    let pipe = SealedPipe {
        seal: server,
        fragments,
        out: Vec::new(),
        call_id: 0,
    };
    let mut binding = Binding::sealed_for_fuzzing(
        Box::new(pipe),
        NtlmSeal::new(&KEY, FLAGS).expect("fixed key"),
        SharedStats::default(),
    );
    binding.call(w::opnum::QUERY_VALUE, &[0; 8])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_fragments_reassemble_and_reach_the_decoders() {
        // A QueryValue reply (REG_DWORD 7) split over three fragments: first, middle, last.
        let stub: Vec<u8> = [
            &[0, 0, 2, 0, 4, 0, 0, 0][..], // lpType
            &[4, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 7, 0, 0, 0],
            &[8, 0, 2, 0, 4, 0, 0, 0, 12, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0],
        ]
        .concat();
        let mut input = Vec::new();
        for (flags, part) in [(1u8, &stub[..8]), (0, &stub[8..28]), (2, &stub[28..])] {
            input.push(flags);
            input.push(part.len() as u8);
            input.extend_from_slice(part);
        }
        let reply = sealed_call(&input).unwrap();
        let v = w::decode_query_value(&reply).unwrap();
        assert_eq!(
            (v.ty, v.data.as_slice(), v.status),
            (4, &[7u8, 0, 0, 0][..], 0)
        );
        // A reply whose first fragment lacks the first-fragment flag is refused.
        input[0] = 0;
        assert!(sealed_call(&input).is_err());
    }

    #[test]
    fn arbitrary_inputs_never_panic() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for len in 0..600usize {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x as u8
                })
                .collect();
            for which in 0..5u8 {
                let mut input = vec![which];
                input.extend_from_slice(&bytes);
                reply(&input);
            }
        }
    }
}
