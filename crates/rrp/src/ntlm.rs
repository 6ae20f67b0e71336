//! NTLMSSP for the DCE/RPC binding: the three messages and packet privacy (sealing).
//!
//! The NEGOTIATE/AUTHENTICATE messages (NTLMv2, key exchange, MIC) come from the `smb2`
//! crate's public [`smb2::auth::NtlmAuthenticator`], the same code that signs in the SMB
//! session. What that crate does not offer is sealing, which DCE/RPC packet privacy needs
//! (MS-RPCE §3.3.1.5.2, MS-NLMP §3.4.3): the keys (MS-NLMP §3.4.5), the RC4 streams, and the
//! signature with extended session security. That is written here and checked against the
//! MS-NLMP §4.2.4.4 example.

use hmac::{Hmac, KeyInit, Mac};
use md5::{Digest, Md5};
use mprconfig_core::{Error, Result, WinError};

type HmacMd5 = Hmac<Md5>;

const NEGOTIATE_SIGN: u32 = 0x0000_0010;
const NEGOTIATE_SEAL: u32 = 0x0000_0020;
const NEGOTIATE_EXTENDED_SESSIONSECURITY: u32 = 0x0008_0000;
const NEGOTIATE_128: u32 = 0x2000_0000;
const NEGOTIATE_KEY_EXCH: u32 = 0x4000_0000;

/// What packet privacy needs from the negotiation; anything less is refused.
const REQUIRED: u32 =
    NEGOTIATE_SIGN | NEGOTIATE_SEAL | NEGOTIATE_EXTENDED_SESSIONSECURITY | NEGOTIATE_128;

/// Length of an NTLMSSP message signature.
pub(crate) const SIGNATURE_LEN: usize = 16;

/// RC4, kept running across messages as connection-oriented NTLM sealing requires.
#[derive(Clone)]
pub(crate) struct Rc4 {
    s: [u8; 256],
    i: u8,
    j: u8,
}

impl Rc4 {
    pub(crate) fn new(key: &[u8]) -> Self {
        let mut s = [0u8; 256];
        for (i, v) in s.iter_mut().enumerate() {
            *v = i as u8;
        }
        let mut j: u8 = 0;
        for i in 0..256 {
            j = j.wrapping_add(s[i]).wrapping_add(key[i % key.len()]);
            s.swap(i, j as usize);
        }
        Rc4 { s, i: 0, j: 0 }
    }

    pub(crate) fn apply(&mut self, data: &mut [u8]) {
        for b in data {
            self.i = self.i.wrapping_add(1);
            self.j = self.j.wrapping_add(self.s[self.i as usize]);
            self.s.swap(self.i as usize, self.j as usize);
            let k = self.s[self.s[self.i as usize].wrapping_add(self.s[self.j as usize]) as usize];
            *b ^= k;
        }
    }
}

fn md5_with(key: &[u8], magic: &[u8]) -> [u8; 16] {
    let mut h = Md5::new();
    h.update(key);
    h.update(magic);
    h.finalize().into()
}

fn hmac_md5(key: &[u8], parts: &[&[u8]]) -> [u8; 16] {
    let mut mac = <HmacMd5 as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

/// One direction of a sealed conversation.
struct Direction {
    sign_key: [u8; 16],
    seal: Rc4,
    seq: u32,
}

/// The sealing state of an authenticated binding (client side).
pub(crate) struct NtlmSeal {
    send: Direction,
    recv: Direction,
    key_exch: bool,
}

impl NtlmSeal {
    /// Keys for an exported session key and the negotiated flags (MS-NLMP §3.4.5).
    pub(crate) fn new(session_key: &[u8], flags: u32) -> Result<Self> {
        if flags & REQUIRED != REQUIRED || session_key.len() != 16 {
            return Err(Error::new(
                WinError::ERROR_ACCESS_DENIED,
                format!(
                    "the server did not agree to NTLMv2 128-bit sealing (flags {flags:#010x}): \
                     packet privacy is required and there is no fallback to clear text"
                ),
            ));
        }
        let dir = |sign: &[u8], seal: &[u8]| Direction {
            sign_key: md5_with(session_key, sign),
            seal: Rc4::new(&md5_with(session_key, seal)),
            seq: 0,
        };
        Ok(NtlmSeal {
            send: dir(
                b"session key to client-to-server signing key magic constant\0",
                b"session key to client-to-server sealing key magic constant\0",
            ),
            recv: dir(
                b"session key to server-to-client signing key magic constant\0",
                b"session key to server-to-client sealing key magic constant\0",
            ),
            key_exch: flags & NEGOTIATE_KEY_EXCH != 0,
        })
    }

    /// The same keys seen from the server side (for test and fuzzing servers).
    pub(crate) fn swap_directions(&mut self) {
        std::mem::swap(&mut self.send, &mut self.recv);
    }

    /// Seals `pdu[data]` in place and returns the signature over the whole plaintext `pdu`
    /// (the caller leaves the signature's own bytes out of `pdu`).
    pub(crate) fn seal(
        &mut self,
        pdu: &mut [u8],
        data: std::ops::Range<usize>,
    ) -> [u8; SIGNATURE_LEN] {
        let d = &mut self.send;
        let seq = d.seq.to_le_bytes();
        let mac = hmac_md5(&d.sign_key, &[&seq, pdu]);
        d.seal.apply(&mut pdu[data]);
        let mut checksum = [0u8; 8];
        checksum.copy_from_slice(&mac[..8]);
        if self.key_exch {
            d.seal.apply(&mut checksum);
        }
        let mut sig = [0u8; SIGNATURE_LEN];
        sig[..4].copy_from_slice(&1u32.to_le_bytes());
        sig[4..12].copy_from_slice(&checksum);
        sig[12..].copy_from_slice(&seq);
        d.seq = d.seq.wrapping_add(1);
        sig
    }

    /// Unseals `pdu[data]` in place and checks `sig` over the whole (now plain) `pdu`. A
    /// forged, replayed or corrupted message is `ERROR_ACCESS_DENIED`: the binding cannot be
    /// trusted after it (the RC4 stream has moved on).
    pub(crate) fn unseal(
        &mut self,
        pdu: &mut [u8],
        data: std::ops::Range<usize>,
        sig: &[u8],
    ) -> Result<()> {
        let d = &mut self.recv;
        let forged = |why: &str| {
            Error::new(
                WinError::ERROR_ACCESS_DENIED,
                format!(
                    "a sealed reply failed verification ({why}): the connection is not trusted"
                ),
            )
        };
        if sig.len() != SIGNATURE_LEN || sig[..4] != 1u32.to_le_bytes() {
            return Err(forged("bad signature header"));
        }
        let seq = d.seq.to_le_bytes();
        if sig[12..] != seq {
            return Err(forged("out-of-sequence message"));
        }
        d.seal.apply(&mut pdu[data]);
        let mac = hmac_md5(&d.sign_key, &[&seq, pdu]);
        let mut checksum = [0u8; 8];
        checksum.copy_from_slice(&mac[..8]);
        if self.key_exch {
            d.seal.apply(&mut checksum);
        }
        if checksum[..] != sig[4..12] {
            return Err(forged("checksum mismatch"));
        }
        d.seq = d.seq.wrapping_add(1);
        Ok(())
    }
}

/// The client half of the NTLM exchange for a binding.
pub(crate) struct NtlmClient {
    auth: smb2::auth::NtlmAuthenticator,
}

impl NtlmClient {
    pub(crate) fn new(user: &str, password: &str, domain: &str) -> Self {
        NtlmClient {
            auth: smb2::auth::NtlmAuthenticator::new(smb2::auth::NtlmCredentials {
                username: user.to_string(),
                password: password.to_string(),
                domain: domain.to_string(),
            }),
        }
    }

    /// The NEGOTIATE message.
    pub(crate) fn negotiate(&mut self) -> Vec<u8> {
        self.auth.negotiate()
    }

    /// The AUTHENTICATE message for the server's CHALLENGE, with the sealing state it
    /// establishes.
    pub(crate) fn authenticate(&mut self, challenge: &[u8]) -> Result<(Vec<u8>, NtlmSeal)> {
        let bad = |what: String| {
            Error::new(
                WinError::RPC_S_CALL_FAILED,
                format!("malformed NTLM challenge from the server: {what}"),
            )
        };
        if challenge.len() < 24
            || &challenge[..8] != b"NTLMSSP\0"
            || challenge[8..12] != 2u32.to_le_bytes()
        {
            return Err(bad(format!(
                "{} bytes that are not a CHALLENGE message",
                challenge.len()
            )));
        }
        let flags =
            u32::from_le_bytes([challenge[20], challenge[21], challenge[22], challenge[23]]);
        let message = self
            .auth
            .authenticate(challenge)
            .map_err(|e| bad(e.to_string()))?;
        let key = self
            .auth
            .session_key()
            .ok_or_else(|| bad("no session key was derived".into()))?
            .to_vec();
        Ok((message, NtlmSeal::new(&key, flags)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLAGS: u32 = REQUIRED | NEGOTIATE_KEY_EXCH;

    fn plaintext() -> Vec<u8> {
        "Plaintext"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect()
    }

    #[test]
    fn keys_and_seal_match_the_ms_nlmp_example() {
        // MS-NLMP §4.2.4.4: RandomSessionKey 0x55 x 16, sequence number 0.
        let key = [0x55u8; 16];
        assert_eq!(
            md5_with(
                &key,
                b"session key to client-to-server sealing key magic constant\0"
            ),
            [
                0x59, 0xf6, 0x00, 0x97, 0x3c, 0xc4, 0x96, 0x0a, 0x25, 0x48, 0x0a, 0x7c, 0x19, 0x6e,
                0x4c, 0x58
            ]
        );
        assert_eq!(
            md5_with(
                &key,
                b"session key to client-to-server signing key magic constant\0"
            ),
            [
                0x47, 0x88, 0xdc, 0x86, 0x1b, 0x47, 0x82, 0xf3, 0x5d, 0x43, 0xfd, 0x98, 0xfe, 0x1a,
                0x2d, 0x39
            ]
        );
        let mut seal = NtlmSeal::new(&key, FLAGS).unwrap();
        let mut msg = plaintext();
        let len = msg.len();
        let sig = seal.seal(&mut msg, 0..len);
        assert_eq!(
            msg,
            [
                0x54, 0xe5, 0x01, 0x65, 0xbf, 0x19, 0x36, 0xdc, 0x99, 0x60, 0x20, 0xc1, 0x81, 0x1b,
                0x0f, 0x06, 0xfb, 0x5f
            ]
        );
        assert_eq!(
            sig,
            [
                0x01, 0, 0, 0, 0x7f, 0xb3, 0x8e, 0xc5, 0xc5, 0x5d, 0x49, 0x76, 0, 0, 0, 0
            ]
        );
    }

    /// A server-side mirror for tests: swaps the directions.
    fn server_side(key: &[u8]) -> NtlmSeal {
        let mut s = NtlmSeal::new(key, FLAGS).unwrap();
        std::mem::swap(&mut s.send, &mut s.recv);
        s
    }

    #[test]
    fn sealed_messages_round_trip_in_sequence_and_refuse_tampering() {
        let key = [0x21u8; 16];
        let mut server = server_side(&key);
        let mut client = NtlmSeal::new(&key, FLAGS).unwrap();
        for round in 0..3u8 {
            let mut pdu = vec![round; 40];
            let plain = pdu.clone();
            let sig = server.seal(&mut pdu, 8..40);
            assert_ne!(pdu, plain);
            client.unseal(&mut pdu, 8..40, &sig).unwrap();
            assert_eq!(pdu, plain);
        }
        // A flipped bit in the sealed data is caught; so is a replayed signature.
        let mut pdu = vec![9u8; 40];
        let sig = server.seal(&mut pdu, 8..40);
        let mut tampered = pdu.clone();
        tampered[20] ^= 1;
        let e = client
            .clone_for_test()
            .unseal(&mut tampered, 8..40, &sig)
            .unwrap_err();
        assert_eq!(e.code, WinError::ERROR_ACCESS_DENIED);
        let mut replay_sig = sig;
        replay_sig[12] = 0;
        let e = client
            .unseal(&mut pdu.clone(), 8..40, &replay_sig)
            .unwrap_err();
        assert_eq!(e.code, WinError::ERROR_ACCESS_DENIED);
    }

    impl NtlmSeal {
        fn clone_for_test(&self) -> NtlmSeal {
            NtlmSeal {
                send: Direction {
                    sign_key: self.send.sign_key,
                    seal: self.send.seal.clone(),
                    seq: self.send.seq,
                },
                recv: Direction {
                    sign_key: self.recv.sign_key,
                    seal: self.recv.seal.clone(),
                    seq: self.recv.seq,
                },
                key_exch: self.key_exch,
            }
        }
    }

    #[test]
    fn weak_negotiations_are_refused() {
        assert!(NtlmSeal::new(&[0; 16], NEGOTIATE_SIGN | NEGOTIATE_SEAL).is_err());
        assert!(NtlmSeal::new(&[0; 8], FLAGS).is_err());
    }

    #[test]
    fn malformed_challenges_are_clean_errors() {
        let mut c = NtlmClient::new("u", "p", "");
        c.negotiate();
        for bytes in [&b""[..], b"NTLMSSP\0", &[0u8; 64][..]] {
            assert_eq!(
                c.authenticate(bytes).err().map(|e| e.code),
                Some(WinError::RPC_S_CALL_FAILED)
            );
        }
    }
}
