//! Connection-oriented DCE/RPC (MS-RPCE, C706 chapter 12) over a named pipe: bind with NTLM
//! at packet privacy, sealed requests and responses, fragmentation in both directions, and
//! fault PDUs.
//!
//! The pipe is a byte stream of PDUs; [`Pipe`] is what the SMB layer (or a test) provides. A
//! request larger than one fragment goes out as several PDUs (all but the last written, the
//! last sent with a transceive that also returns the start of the reply); a reply larger than
//! one fragment is read PDU by PDU until the last-fragment flag. Every received byte is
//! checked before use: a malformed, forged or out-of-sequence PDU is an error, never a panic,
//! and it leaves the binding broken (the stream and the RC4 state cannot be trusted after it).

use mprconfig_core::{Error, Result, WinError};

use crate::ntlm::{NtlmClient, NtlmSeal, SIGNATURE_LEN};

/// What a DCE/RPC binding runs over: the `\PIPE\winreg` named pipe in production.
pub trait Pipe: Send {
    /// Writes one message and returns the first bytes of what the server answers.
    fn transceive(&mut self, message: &[u8]) -> Result<Vec<u8>>;
    /// Writes bytes without waiting for an answer.
    fn write(&mut self, data: &[u8]) -> Result<()>;
    /// Reads the next bytes the server has sent (blocks until there are some).
    fn read(&mut self) -> Result<Vec<u8>>;
}

const PTYPE_REQUEST: u8 = 0;
const PTYPE_RESPONSE: u8 = 2;
const PTYPE_FAULT: u8 = 3;
const PTYPE_BIND: u8 = 11;
const PTYPE_BIND_ACK: u8 = 12;
const PTYPE_BIND_NAK: u8 = 13;
const PTYPE_AUTH3: u8 = 16;

const PFC_FIRST_FRAG: u8 = 0x01;
const PFC_LAST_FRAG: u8 = 0x02;

const HEADER_LEN: usize = 16;
/// Request and response headers: common header + alloc_hint, context id, opnum/cancel count.
const CALL_HEADER_LEN: usize = 24;
const SEC_TRAILER_LEN: usize = 8;

/// `RPC_C_AUTHN_WINNT` (NTLM).
const AUTH_TYPE_NTLM: u8 = 10;
/// `RPC_C_AUTHN_LEVEL_PKT_PRIVACY`.
const AUTH_LEVEL_PRIVACY: u8 = 6;
const AUTH_CONTEXT_ID: u32 = 0x0001_0000;

/// The fragment size we offer; the server's answer in the bind_ack is what is used.
const OFFERED_FRAG: u16 = 5840;
/// Stub bytes are padded to this before the auth trailer (Windows and Samba both use 16).
const AUTH_PAD_ALIGN: usize = 16;
/// No reply may claim more than this (the largest registry value plus room).
const MAX_REPLY: usize = 0x0500_0000;

/// winreg: 338CD001-2244-31F1-AAAA-900038001003 v1.0, as it travels (little-endian fields).
const WINREG_SYNTAX: [u8; 20] = [
    0x01, 0xd0, 0x8c, 0x33, 0x44, 0x22, 0xf1, 0x31, 0xaa, 0xaa, 0x90, 0x00, 0x38, 0x00, 0x10, 0x03,
    1, 0, 0, 0,
];
/// NDR 2.0: 8A885D04-1CEB-11C9-9FE8-08002B104860 v2.
const NDR_SYNTAX: [u8; 20] = [
    0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11, 0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60,
    2, 0, 0, 0,
];

/// A malformed PDU.
pub(crate) fn protocol(what: impl std::fmt::Display) -> Error {
    Error::new(
        WinError::RPC_S_CALL_FAILED,
        format!("DCE/RPC protocol error: {what}"),
    )
}

/// The Win32 code of a fault status (`nca_s_*` / Win32 statuses the server may put there).
pub(crate) fn fault_error(status: u32) -> Error {
    let (code, what) = match status {
        5 => (WinError::ERROR_ACCESS_DENIED, "access denied"),
        0x1c01_0002 | 0x06d1 => (
            WinError(1745),
            "operation number out of range (nca_s_op_rng_error)",
        ),
        0x1c01_0003 | 0x06d6 => (WinError(1717), "unknown interface (nca_s_unk_if)"),
        0x1c00_0018 | 0x06f7 => (
            WinError(1783),
            "the server could not decode the request (bad stub data)",
        ),
        0x1c01_0014 => (
            WinError::ERROR_ACCESS_DENIED,
            "the server refused our credentials (nca_s_fault_sec_pkg_error)",
        ),
        _ => (WinError::RPC_S_CALL_FAILED, "fault"),
    };
    Error::new(
        code,
        format!("the server answered the call with a fault: {what} (status {status:#010x})"),
    )
}

/// Counters of what went over the binding (for the RPC-count benchmarks and tests).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RpcStats {
    /// Calls (one per winreg operation, however many fragments it took).
    pub calls: u64,
    /// Request fragments sent.
    pub fragments_sent: u64,
    /// Response fragments received.
    pub fragments_received: u64,
    /// Calls per operation number (winreg opnums are below 36).
    pub by_opnum: [u64; 36],
}

impl Default for RpcStats {
    fn default() -> Self {
        RpcStats {
            calls: 0,
            fragments_sent: 0,
            fragments_received: 0,
            by_opnum: [0; 36],
        }
    }
}

impl RpcStats {
    /// What happened between `earlier` and `self`.
    pub fn since(&self, earlier: &RpcStats) -> RpcStats {
        let mut by_opnum = [0; 36];
        for (i, n) in by_opnum.iter_mut().enumerate() {
            *n = self.by_opnum[i] - earlier.by_opnum[i];
        }
        RpcStats {
            calls: self.calls - earlier.calls,
            fragments_sent: self.fragments_sent - earlier.fragments_sent,
            fragments_received: self.fragments_received - earlier.fragments_received,
            by_opnum,
        }
    }

    /// The sum of two counters.
    pub fn plus(&self, other: &RpcStats) -> RpcStats {
        let mut by_opnum = [0; 36];
        for (i, n) in by_opnum.iter_mut().enumerate() {
            *n = self.by_opnum[i] + other.by_opnum[i];
        }
        RpcStats {
            calls: self.calls + other.calls,
            fragments_sent: self.fragments_sent + other.fragments_sent,
            fragments_received: self.fragments_received + other.fragments_received,
            by_opnum,
        }
    }
}

/// Counters shared between a registry and every binding it opens (readable while a call is
/// in flight, and continued across reconnects).
pub(crate) type SharedStats = std::sync::Arc<std::sync::Mutex<RpcStats>>;

fn bump(stats: &SharedStats, f: impl FnOnce(&mut RpcStats)) {
    f(&mut stats
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner));
}

/// The common header of a received PDU.
#[derive(Clone, Copy, Debug)]
struct Header {
    ptype: u8,
    flags: u8,
    frag_len: usize,
    auth_len: usize,
    call_id: u32,
}

fn parse_header(b: &[u8]) -> Result<Header> {
    if b.len() < HEADER_LEN {
        return Err(protocol("short PDU header"));
    }
    if b[0] != 5 || b[1] != 0 {
        return Err(protocol(format!(
            "RPC version {}.{} (5.0 expected)",
            b[0], b[1]
        )));
    }
    if b[4] & 0xf0 != 0x10 {
        return Err(protocol("big-endian data representation is not supported"));
    }
    let frag_len = u16::from_le_bytes([b[8], b[9]]) as usize;
    let auth_len = u16::from_le_bytes([b[10], b[11]]) as usize;
    if frag_len < HEADER_LEN {
        return Err(protocol(format!("fragment length {frag_len}")));
    }
    Ok(Header {
        ptype: b[2],
        flags: b[3],
        frag_len,
        auth_len,
        call_id: u32::from_le_bytes([b[12], b[13], b[14], b[15]]),
    })
}

fn header(ptype: u8, flags: u8, frag_len: usize, auth_len: usize, call_id: u32) -> Vec<u8> {
    let mut h = Vec::with_capacity(frag_len);
    h.extend_from_slice(&[5, 0, ptype, flags, 0x10, 0, 0, 0]);
    h.extend_from_slice(&(frag_len as u16).to_le_bytes());
    h.extend_from_slice(&(auth_len as u16).to_le_bytes());
    h.extend_from_slice(&call_id.to_le_bytes());
    h
}

fn sec_trailer(pad: usize) -> [u8; SEC_TRAILER_LEN] {
    let c = AUTH_CONTEXT_ID.to_le_bytes();
    [
        AUTH_TYPE_NTLM,
        AUTH_LEVEL_PRIVACY,
        pad as u8,
        0,
        c[0],
        c[1],
        c[2],
        c[3],
    ]
}

/// Where the auth verifier of a PDU sits: (start of the sec_trailer, its auth_pad_length).
fn auth_trailer(pdu: &[u8], h: &Header, body_start: usize) -> Result<(usize, usize)> {
    let trailer = h
        .frag_len
        .checked_sub(h.auth_len + SEC_TRAILER_LEN)
        .filter(|&t| t >= body_start)
        .ok_or_else(|| {
            protocol(format!(
                "auth length {} in a {}-byte PDU",
                h.auth_len, h.frag_len
            ))
        })?;
    let t = &pdu[trailer..trailer + SEC_TRAILER_LEN];
    if t[0] != AUTH_TYPE_NTLM || t[1] != AUTH_LEVEL_PRIVACY {
        return Err(protocol(format!(
            "auth type {} level {} (NTLM privacy expected)",
            t[0], t[1]
        )));
    }
    let pad = t[2] as usize;
    if pad > trailer - body_start {
        return Err(protocol(format!("auth padding {pad} longer than the body")));
    }
    Ok((trailer, pad))
}

/// An authenticated winreg binding over a pipe.
pub(crate) struct Binding {
    pipe: Box<dyn Pipe>,
    seal: NtlmSeal,
    call_id: u32,
    /// Largest fragment the server accepts from us.
    max_send: usize,
    /// Bytes received beyond the PDU being read.
    inbox: Vec<u8>,
    stats: SharedStats,
    /// Set once the stream or the sealing state is out of step: no further call can work.
    broken: Option<String>,
}

impl std::fmt::Debug for Binding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Binding")
            .field("call_id", &self.call_id)
            .field("max_send", &self.max_send)
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

/// Reads one whole PDU from `pipe`, using and refilling `inbox`.
fn read_pdu(pipe: &mut dyn Pipe, inbox: &mut Vec<u8>) -> Result<(Header, Vec<u8>)> {
    loop {
        if inbox.len() >= HEADER_LEN {
            let h = parse_header(inbox)?;
            if inbox.len() >= h.frag_len {
                let rest = inbox.split_off(h.frag_len);
                let pdu = std::mem::replace(inbox, rest);
                return Ok((h, pdu));
            }
        }
        let more = pipe.read()?;
        if more.is_empty() {
            return Err(protocol("the pipe returned no data inside a PDU"));
        }
        inbox.extend_from_slice(&more);
    }
}

impl Binding {
    /// Binds to winreg over `pipe`, authenticating with NTLM at packet privacy.
    pub(crate) fn bind(
        mut pipe: Box<dyn Pipe>,
        mut ntlm: NtlmClient,
        stats: SharedStats,
    ) -> Result<Binding> {
        let negotiate = ntlm.negotiate();
        let mut body = Vec::new();
        body.extend_from_slice(&OFFERED_FRAG.to_le_bytes()); // max_xmit_frag
        body.extend_from_slice(&OFFERED_FRAG.to_le_bytes()); // max_recv_frag
        body.extend_from_slice(&0u32.to_le_bytes()); // assoc_group_id
        body.extend_from_slice(&[1, 0, 0, 0]); // one context element
        body.extend_from_slice(&0u16.to_le_bytes()); // p_cont_id
        body.extend_from_slice(&[1, 0]); // one transfer syntax
        body.extend_from_slice(&WINREG_SYNTAX);
        body.extend_from_slice(&NDR_SYNTAX);
        // The body is 4-aligned already (HEADER_LEN + 56): no auth padding.
        let frag_len = HEADER_LEN + body.len() + SEC_TRAILER_LEN + negotiate.len();
        let mut pdu = header(
            PTYPE_BIND,
            PFC_FIRST_FRAG | PFC_LAST_FRAG,
            frag_len,
            negotiate.len(),
            1,
        );
        pdu.extend_from_slice(&body);
        pdu.extend_from_slice(&sec_trailer(0));
        pdu.extend_from_slice(&negotiate);

        let mut inbox = pipe.transceive(&pdu)?;
        let (h, ack) = read_pdu(&mut *pipe, &mut inbox)?;
        if h.call_id != 1 {
            return Err(protocol(format!(
                "bind answered with call id {}",
                h.call_id
            )));
        }
        match h.ptype {
            PTYPE_BIND_ACK => {}
            PTYPE_BIND_NAK => {
                let reason = ack.get(16..18).map(|r| u16::from_le_bytes([r[0], r[1]]));
                return Err(Error::new(
                    WinError::ERROR_ACCESS_DENIED,
                    format!("the server refused the winreg binding (bind_nak, reason {reason:?})"),
                ));
            }
            PTYPE_FAULT => return Err(fault_error(fault_status(&ack)?)),
            other => return Err(protocol(format!("PDU type {other} in answer to bind"))),
        }
        let (max_recv_by_server, challenge) = parse_bind_ack(&ack, &h)?;
        let (authenticate, seal) = ntlm.authenticate(challenge)?;

        // AUTH3: 4 bytes of padding, then the verifier; the server sends nothing back.
        let frag_len = HEADER_LEN + 4 + SEC_TRAILER_LEN + authenticate.len();
        let mut pdu = header(
            PTYPE_AUTH3,
            PFC_FIRST_FRAG | PFC_LAST_FRAG,
            frag_len,
            authenticate.len(),
            1,
        );
        pdu.extend_from_slice(&[0; 4]);
        pdu.extend_from_slice(&sec_trailer(0));
        pdu.extend_from_slice(&authenticate);
        pipe.write(&pdu)?;

        Ok(Binding {
            pipe,
            seal,
            call_id: 1,
            max_send: max_recv_by_server,
            inbox,
            stats,
            broken: None,
        })
    }

    /// A binding already sealed with `seal`, for the fuzz target (no bind exchange).
    pub(crate) fn sealed_for_fuzzing(
        pipe: Box<dyn Pipe>,
        seal: NtlmSeal,
        stats: SharedStats,
    ) -> Binding {
        Binding {
            pipe,
            seal,
            call_id: 1,
            max_send: OFFERED_FRAG as usize,
            inbox: Vec::new(),
            stats,
            broken: None,
        }
    }

    /// What went over this binding so far.
    #[cfg(test)]
    pub(crate) fn stats(&self) -> RpcStats {
        *self
            .stats
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// True once the binding cannot carry another call.
    pub(crate) fn is_broken(&self) -> bool {
        self.broken.is_some()
    }

    /// Calls `opnum` with a request stub and returns the response stub.
    pub(crate) fn call(&mut self, opnum: u16, stub: &[u8]) -> Result<Vec<u8>> {
        if let Some(why) = &self.broken {
            return Err(Error::new(
                WinError::RPC_S_SERVER_UNAVAILABLE,
                format!("the winreg binding is no longer usable: {why}"),
            ));
        }
        bump(&self.stats, |s| {
            s.calls += 1;
            if let Some(n) = s.by_opnum.get_mut(usize::from(opnum)) {
                *n += 1;
            }
        });
        let result = self.exchange(opnum, stub);
        if let Err(e) = &result {
            // A fault leaves the stream in step; anything else may not have.
            if !e
                .detail
                .starts_with("the server answered the call with a fault")
            {
                self.broken = Some(e.detail.clone());
            }
        }
        result
    }

    fn exchange(&mut self, opnum: u16, stub: &[u8]) -> Result<Vec<u8>> {
        self.call_id = self.call_id.wrapping_add(1);
        let call_id = self.call_id;
        let overhead = CALL_HEADER_LEN + AUTH_PAD_ALIGN - 1 + SEC_TRAILER_LEN + SIGNATURE_LEN;
        let room = self
            .max_send
            .checked_sub(overhead)
            .map(|r| r / AUTH_PAD_ALIGN * AUTH_PAD_ALIGN)
            .filter(|&r| r > 0)
            .ok_or_else(|| {
                protocol(format!(
                    "the server's fragment size {} is too small",
                    self.max_send
                ))
            })?;

        let mut offset = 0;
        let first_reply = loop {
            let chunk = &stub[offset..(offset + room).min(stub.len())];
            let last = offset + chunk.len() == stub.len();
            let mut flags = 0;
            if offset == 0 {
                flags |= PFC_FIRST_FRAG;
            }
            if last {
                flags |= PFC_LAST_FRAG;
            }
            let pad = (AUTH_PAD_ALIGN - chunk.len() % AUTH_PAD_ALIGN) % AUTH_PAD_ALIGN;
            let frag_len = CALL_HEADER_LEN + chunk.len() + pad + SEC_TRAILER_LEN + SIGNATURE_LEN;
            let mut pdu = header(PTYPE_REQUEST, flags, frag_len, SIGNATURE_LEN, call_id);
            pdu.extend_from_slice(&((stub.len() - offset) as u32).to_le_bytes()); // alloc_hint
            pdu.extend_from_slice(&0u16.to_le_bytes()); // p_cont_id
            pdu.extend_from_slice(&opnum.to_le_bytes());
            pdu.extend_from_slice(chunk);
            pdu.resize(CALL_HEADER_LEN + chunk.len() + pad, 0);
            pdu.extend_from_slice(&sec_trailer(pad));
            let signed_len = pdu.len();
            let sig = self.seal.seal(
                &mut pdu[..signed_len],
                CALL_HEADER_LEN..CALL_HEADER_LEN + chunk.len() + pad,
            );
            pdu.extend_from_slice(&sig);
            bump(&self.stats, |s| s.fragments_sent += 1);
            if last {
                break self.pipe.transceive(&pdu)?;
            }
            self.pipe.write(&pdu)?;
            offset += chunk.len();
        };
        self.inbox.extend_from_slice(&first_reply);
        self.receive(call_id)
    }

    fn receive(&mut self, call_id: u32) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        let mut first = true;
        loop {
            let (h, mut pdu) = read_pdu(&mut *self.pipe, &mut self.inbox)?;
            bump(&self.stats, |s| s.fragments_received += 1);
            if h.call_id != call_id {
                return Err(protocol(format!(
                    "reply for call {} while waiting for {call_id}",
                    h.call_id
                )));
            }
            if first && h.flags & PFC_FIRST_FRAG == 0 {
                return Err(protocol("the reply does not start with a first fragment"));
            }
            first = false;
            if h.frag_len < CALL_HEADER_LEN {
                return Err(protocol(format!("{}-byte reply PDU", h.frag_len)));
            }
            match h.ptype {
                PTYPE_RESPONSE => {}
                PTYPE_FAULT => {
                    if h.auth_len != 0 {
                        self.unseal(&h, &mut pdu)?;
                    }
                    return Err(fault_error(fault_status(&pdu)?));
                }
                other => return Err(protocol(format!("PDU type {other} in answer to a request"))),
            }
            let hint = u32::from_le_bytes([pdu[16], pdu[17], pdu[18], pdu[19]]) as usize;
            let stub = self.unseal(&h, &mut pdu)?;
            if out.len() + stub.len() > MAX_REPLY {
                return Err(protocol("reply larger than any registry value"));
            }
            if out.is_empty() {
                out.reserve(hint.min(MAX_REPLY));
            }
            out.extend_from_slice(stub);
            if h.flags & PFC_LAST_FRAG != 0 {
                return Ok(out);
            }
        }
    }

    /// Verifies and decrypts a sealed response/fault PDU in place; returns its stub.
    fn unseal<'p>(&mut self, h: &Header, pdu: &'p mut [u8]) -> Result<&'p [u8]> {
        if h.auth_len != SIGNATURE_LEN {
            return Err(Error::new(
                WinError::ERROR_ACCESS_DENIED,
                format!(
                    "an unsealed or oddly sealed reply (auth length {}): refused",
                    h.auth_len
                ),
            ));
        }
        let (trailer, pad) = auth_trailer(pdu, h, CALL_HEADER_LEN)?;
        let sig_start = trailer + SEC_TRAILER_LEN;
        let sig = pdu[sig_start..h.frag_len].to_vec();
        self.seal
            .unseal(&mut pdu[..sig_start], CALL_HEADER_LEN..trailer, &sig)?;
        Ok(&pdu[CALL_HEADER_LEN..trailer - pad])
    }
}

/// The status of a fault PDU body (after alloc_hint, context id, cancel count, reserved).
fn fault_status(pdu: &[u8]) -> Result<u32> {
    pdu.get(24..28)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        .ok_or_else(|| protocol("short fault PDU"))
}

/// The server's max_recv_frag and the auth value (the NTLM CHALLENGE) of a bind_ack.
fn parse_bind_ack<'a>(pdu: &'a [u8], h: &Header) -> Result<(usize, &'a [u8])> {
    let get = |at: usize, n: usize| {
        pdu.get(at..at + n)
            .ok_or_else(|| protocol(format!("bind_ack truncated at {at}")))
    };
    let max_recv = u16::from_le_bytes(get(18, 2)?.try_into().expect("two bytes")) as usize;
    let sec_len = u16::from_le_bytes(get(24, 2)?.try_into().expect("two bytes")) as usize;
    // Secondary address, then padding to 4 from the PDU start.
    let mut at = 26 + sec_len;
    at = at.div_ceil(4) * 4;
    let n_results = get(at, 1)?[0] as usize;
    at += 4;
    if n_results == 0 {
        return Err(protocol("bind_ack without results"));
    }
    let results_end = at + 24 * n_results;
    get(at, 24 * n_results)?;
    let result = get(at, 24)?;
    let code = u16::from_le_bytes([result[0], result[1]]);
    if code != 0 {
        let reason = u16::from_le_bytes([result[2], result[3]]);
        return Err(Error::new(
            WinError(1717),
            format!("the server does not offer winreg over NDR (result {code}, reason {reason})"),
        ));
    }
    if h.auth_len == 0 {
        return Err(Error::new(
            WinError::ERROR_ACCESS_DENIED,
            "the server accepted the binding without authenticating it: refused",
        ));
    }
    let (trailer, _) = auth_trailer(pdu, h, results_end)?;
    let value = &pdu[trailer + SEC_TRAILER_LEN..h.frag_len];
    Ok((max_recv, value))
}

/// Exposes the reply decoding to the fuzz target (`fuzz/fuzz_targets/rrp_reply.rs`): a bind
/// against canned bytes, then one call whose reply is `reply`. Never panics.
#[doc(hidden)]
pub fn fuzz_bind_and_call(challenge_ack: &[u8], reply: &[u8]) -> Result<Vec<u8>> {
    struct Canned {
        answers: std::collections::VecDeque<Vec<u8>>,
    }
    impl Pipe for Canned {
        fn transceive(&mut self, _: &[u8]) -> Result<Vec<u8>> {
            self.read()
        }
        fn write(&mut self, _: &[u8]) -> Result<()> {
            Ok(())
        }
        fn read(&mut self) -> Result<Vec<u8>> {
            self.answers
                .pop_front()
                .ok_or_else(|| Error::new(WinError::RPC_S_SERVER_UNAVAILABLE, "end of canned data"))
        }
    }
    let pipe = Canned {
        answers: [challenge_ack.to_vec(), reply.to_vec()].into(),
    };
    let mut b = Binding::bind(
        Box::new(pipe),
        NtlmClient::new("user", "password", ""),
        SharedStats::default(),
    )?;
    b.call(crate::winreg::opnum::QUERY_VALUE, &[0; 8])
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::collections::VecDeque;
    use std::sync::{Arc, Mutex};

    /// What the scripted server answers a request (opnum, stub) with.
    pub(crate) type Responder = Box<dyn FnMut(u16, &[u8]) -> Vec<u8> + Send>;

    /// A scripted server side for tests: it answers bind with a bind_ack carrying a CHALLENGE,
    /// then answers each request with a sealed response produced by `respond`.
    pub(crate) struct FakeServer {
        pub(crate) sent: Arc<Mutex<Vec<Vec<u8>>>>,
        pub(crate) outbox: VecDeque<u8>,
        pub(crate) max_recv: u16,
        pub(crate) reply_frag: usize,
        pub(crate) respond: Responder,
        server_seal: Option<NtlmSeal>,
        request: Vec<u8>,
        pub(crate) inbox: Vec<u8>,
    }

    pub(crate) fn challenge() -> Vec<u8> {
        // A minimal NTLM CHALLENGE: flags with sign/seal/ESS/128/key-exch, no target info.
        let mut c = b"NTLMSSP\0".to_vec();
        c.extend_from_slice(&2u32.to_le_bytes());
        c.extend_from_slice(&[0; 8]); // target name
        c.extend_from_slice(&0xE288_8235u32.to_le_bytes());
        c.extend_from_slice(&[0x11; 8]); // server challenge
        c.extend_from_slice(&[0; 8]); // reserved
        c.extend_from_slice(&[0, 0, 0, 0, 48, 0, 0, 0]); // target info: empty
        c
    }

    pub(crate) fn bind_ack(max_recv: u16) -> Vec<u8> {
        let chal = challenge();
        let mut body = Vec::new();
        body.extend_from_slice(&5840u16.to_le_bytes());
        body.extend_from_slice(&max_recv.to_le_bytes());
        body.extend_from_slice(&0x1234u32.to_le_bytes());
        body.extend_from_slice(&13u16.to_le_bytes());
        body.extend_from_slice(b"\\PIPE\\winreg\0");
        // 16 + 8 + 2 + 13 = 39 -> pad to 40.
        body.push(0);
        body.extend_from_slice(&[1, 0, 0, 0]);
        body.extend_from_slice(&[0, 0, 0, 0]);
        body.extend_from_slice(&NDR_SYNTAX);
        let frag = HEADER_LEN + body.len() + SEC_TRAILER_LEN + chal.len();
        let mut pdu = header(PTYPE_BIND_ACK, 3, frag, chal.len(), 1);
        pdu.extend_from_slice(&body);
        pdu.extend_from_slice(&sec_trailer(0));
        pdu.extend_from_slice(&chal);
        pdu
    }

    impl FakeServer {
        pub(crate) fn new(respond: impl FnMut(u16, &[u8]) -> Vec<u8> + Send + 'static) -> Self {
            FakeServer {
                sent: Arc::default(),
                outbox: VecDeque::new(),
                max_recv: 5840,
                reply_frag: 5840,
                respond: Box::new(respond),
                server_seal: None,
                request: Vec::new(),
                inbox: Vec::new(),
            }
        }

        fn take_pdus(&mut self, data: &[u8]) {
            self.sent.lock().unwrap().push(data.to_vec());
            self.inbox.extend_from_slice(data);
            while self.inbox.len() >= HEADER_LEN {
                let h = parse_header(&self.inbox).unwrap();
                if self.inbox.len() < h.frag_len {
                    break;
                }
                let rest = self.inbox.split_off(h.frag_len);
                let mut pdu = std::mem::replace(&mut self.inbox, rest);
                match h.ptype {
                    PTYPE_BIND => self.outbox.extend(bind_ack(self.max_recv)),
                    PTYPE_AUTH3 => {
                        // Recover the exported session key the way a server would is not
                        // needed: the tests fix it through `key` below.
                        self.server_seal = Some(server_seal());
                    }
                    PTYPE_REQUEST => {
                        let seal = self.server_seal.as_mut().expect("auth3 before requests");
                        let (trailer, pad) = auth_trailer(&pdu, &h, CALL_HEADER_LEN).unwrap();
                        let sig = pdu[trailer + 8..h.frag_len].to_vec();
                        seal.unseal(&mut pdu[..trailer + 8], CALL_HEADER_LEN..trailer, &sig)
                            .expect("client seals correctly");
                        self.request
                            .extend_from_slice(&pdu[CALL_HEADER_LEN..trailer - pad]);
                        if h.flags & PFC_LAST_FRAG != 0 {
                            let opnum = u16::from_le_bytes([pdu[22], pdu[23]]);
                            let req = std::mem::take(&mut self.request);
                            let reply = (self.respond)(opnum, &req);
                            self.queue_reply(h.call_id, &reply);
                        }
                    }
                    other => panic!("unexpected PDU type {other}"),
                }
            }
        }

        fn queue_reply(&mut self, call_id: u32, stub: &[u8]) {
            let seal = self.server_seal.as_mut().unwrap();
            let room = self.reply_frag - CALL_HEADER_LEN - 15 - SEC_TRAILER_LEN - SIGNATURE_LEN;
            let room = room / 16 * 16;
            let mut offset = 0;
            loop {
                let chunk = &stub[offset..(offset + room).min(stub.len())];
                let last = offset + chunk.len() == stub.len();
                let flags = if offset == 0 { PFC_FIRST_FRAG } else { 0 }
                    | if last { PFC_LAST_FRAG } else { 0 };
                let pad = (16 - chunk.len() % 16) % 16;
                let frag = CALL_HEADER_LEN + chunk.len() + pad + SEC_TRAILER_LEN + SIGNATURE_LEN;
                let mut pdu = header(PTYPE_RESPONSE, flags, frag, SIGNATURE_LEN, call_id);
                pdu.extend_from_slice(&((stub.len() - offset) as u32).to_le_bytes());
                pdu.extend_from_slice(&[0, 0, 0, 0]);
                pdu.extend_from_slice(chunk);
                pdu.resize(CALL_HEADER_LEN + chunk.len() + pad, 0);
                pdu.extend_from_slice(&sec_trailer(pad));
                let n = pdu.len();
                let sig = seal.seal(
                    &mut pdu[..n],
                    CALL_HEADER_LEN..CALL_HEADER_LEN + chunk.len() + pad,
                );
                pdu.extend_from_slice(&sig);
                self.outbox.extend(pdu);
                offset += chunk.len();
                if last {
                    break;
                }
            }
        }

        fn drain(&mut self, max: usize) -> Vec<u8> {
            let n = max.min(self.outbox.len());
            self.outbox.drain(..n).collect()
        }
    }

    /// The fake server's sealing state: the client's session key is random, so tests swap in
    /// a client whose key is known (see `known_key_binding`).
    fn server_seal() -> NtlmSeal {
        let mut s = NtlmSeal::new(&TEST_KEY, 0xE288_8235).unwrap();
        s.swap_directions();
        s
    }

    pub(crate) const TEST_KEY: [u8; 16] = [0x42; 16];

    impl Pipe for FakeServer {
        fn transceive(&mut self, message: &[u8]) -> Result<Vec<u8>> {
            self.take_pdus(message);
            // Like SMB: one transceive returns at most one fragment's worth.
            Ok(self.drain(self.reply_frag))
        }
        fn write(&mut self, data: &[u8]) -> Result<()> {
            self.take_pdus(data);
            Ok(())
        }
        fn read(&mut self) -> Result<Vec<u8>> {
            if self.outbox.is_empty() {
                return Err(Error::new(
                    WinError::RPC_S_SERVER_UNAVAILABLE,
                    "nothing to read",
                ));
            }
            Ok(self.drain(1000))
        }
    }

    /// A binding over `server` whose session key is [`TEST_KEY`].
    pub(crate) fn known_key_binding(server: FakeServer) -> Binding {
        let mut b = Binding::bind(
            Box::new(server),
            NtlmClient::new("u", "p", ""),
            SharedStats::default(),
        )
        .unwrap();
        b.seal = NtlmSeal::new(&TEST_KEY, 0xE288_8235).unwrap();
        b
    }

    #[test]
    fn a_request_round_trips_sealed() {
        let server = FakeServer::new(|opnum, req| {
            let mut r = req.to_vec();
            r.extend_from_slice(&u32::from(opnum).to_le_bytes());
            r
        });
        let sent = Arc::clone(&server.sent);
        let mut b = known_key_binding(server);
        let reply = b.call(17, b"hello winreg").unwrap();
        assert_eq!(&reply[..12], b"hello winreg");
        assert_eq!(&reply[12..], &17u32.to_le_bytes());
        // The stub never travels in clear text.
        let wire = sent.lock().unwrap().concat();
        assert!(!wire.windows(12).any(|w| w == b"hello winreg"));
        assert_eq!(b.stats().calls, 1);
    }

    #[test]
    fn large_requests_and_replies_are_fragmented_both_ways() {
        let big: Vec<u8> = (0..200_000u32).map(|i| (i * 7) as u8).collect();
        let mut server = FakeServer::new(|_, req| req.iter().rev().copied().collect());
        server.max_recv = 4280;
        server.reply_frag = 4280;
        let sent = Arc::clone(&server.sent);
        let mut b = known_key_binding(server);
        let reply = b.call(22, &big).unwrap();
        let mut want = big.clone();
        want.reverse();
        assert_eq!(reply, want);
        let s = b.stats();
        assert!(s.fragments_sent > 40, "{s:?}");
        assert!(s.fragments_received > 40, "{s:?}");
        // Every request fragment respected the server's limit.
        for msg in sent.lock().unwrap().iter().skip(2) {
            assert!(msg.len() <= 4280, "{}", msg.len());
        }
        // The binding keeps working afterwards (RC4 streams in step).
        assert_eq!(b.call(5, b"x").unwrap(), b"x");
    }

    #[test]
    fn a_tampered_reply_breaks_the_binding_with_access_denied() {
        struct Tamper(FakeServer);
        impl Pipe for Tamper {
            fn transceive(&mut self, m: &[u8]) -> Result<Vec<u8>> {
                let mut r = self.0.transceive(m)?;
                if r.len() > 30 && r[2] == PTYPE_RESPONSE {
                    r[26] ^= 0x80;
                }
                Ok(r)
            }
            fn write(&mut self, d: &[u8]) -> Result<()> {
                self.0.write(d)
            }
            fn read(&mut self) -> Result<Vec<u8>> {
                self.0.read()
            }
        }
        let server = FakeServer::new(|_, req| req.to_vec());
        let mut b = Binding::bind(
            Box::new(Tamper(server)),
            NtlmClient::new("u", "p", ""),
            SharedStats::default(),
        )
        .unwrap();
        b.seal = NtlmSeal::new(&TEST_KEY, 0xE288_8235).unwrap();
        let e = b.call(17, b"0123456789abcdef").unwrap_err();
        assert_eq!(e.code, WinError::ERROR_ACCESS_DENIED, "{e}");
        assert!(b.is_broken());
        let e = b.call(17, b"again").unwrap_err();
        assert_eq!(e.code, WinError::RPC_S_SERVER_UNAVAILABLE);
    }

    #[test]
    fn faults_map_to_win32_codes_and_keep_the_binding() {
        assert_eq!(fault_error(5).code, WinError::ERROR_ACCESS_DENIED);
        assert_eq!(fault_error(0x1c01_0002).code, WinError(1745));
        assert_eq!(fault_error(0xdead).code, WinError::RPC_S_CALL_FAILED);
    }

    #[test]
    fn garbage_instead_of_a_bind_ack_is_a_clean_error() {
        for bytes in [
            vec![],
            vec![5, 0, 12],
            vec![5, 0, 12, 3, 0x10, 0, 0, 0, 16, 0, 0, 0, 1, 0, 0, 0],
            vec![0xff; 64],
        ] {
            assert!(fuzz_bind_and_call(&bytes, &[]).is_err());
        }
        // A valid bind_ack and a garbage reply: clean error too.
        assert!(
            fuzz_bind_and_call(
                &bind_ack(5840),
                &[5, 0, 2, 3, 0x10, 0, 0, 0, 24, 0, 16, 0, 2, 0, 0, 0]
            )
            .is_err()
        );
    }
}
