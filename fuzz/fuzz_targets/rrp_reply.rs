//! Arbitrary bytes as what an MS-RRP server sends back: winreg reply stubs through every
//! decoder, the backend's `State` value, NTLM CHALLENGE messages, raw bind_ack and reply PDUs,
//! and correctly sealed reply fragments (reassembly behind the seal). Decoding must end in a
//! value or a clean error, never a panic; a `State` that decodes re-encodes to itself.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    mprconfig_rrp::fuzzing::reply(data);
});
