//! Arbitrary bytes as a `.reg` file (a restore file or `import-reg` input): decoding never
//! panics and fails only with `ERROR_INVALID_DATA`; a decoded file re-encodes to bytes that
//! decode to the same keys, the encoding is a fixed point, and importing the keys into a
//! `MemRegistry` returns an error or succeeds, never panics.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mprconfig_core::regfile::{decode, encode, import_keys};
use mprconfig_core::{MemRegistry, Registry, TxMode, WinError};

fuzz_target!(|data: &[u8]| {
    let keys = match decode(data) {
        Ok(keys) => keys,
        Err(e) => {
            assert_eq!(e.code, WinError::ERROR_INVALID_DATA, "{e}");
            return;
        }
    };
    let bytes = encode(&keys);
    let again = decode(&bytes).expect("an encoded key list decodes");
    assert_eq!(again, keys, "decode(encode(keys)) == keys");
    assert!(encode(&again) == bytes, "encoding is deterministic");

    let reg = MemRegistry::new();
    let _ = reg.transact(TxMode::Write, &mut |tx| import_keys(tx, &keys));
});
