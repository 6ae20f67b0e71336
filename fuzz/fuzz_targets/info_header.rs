//! Arbitrary bytes as an `RTR_INFO_BLOCK_HEADER`: parsing never panics, a parsed header
//! re-encodes to bytes that parse back to it, and `locate` agrees with the parsed blocks.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mprconfig_core::WinError;
use mprconfig_core::info::{InfoHeader, declared_size, locate, validate};

fuzz_target!(|data: &[u8]| {
    let parsed = InfoHeader::parse(data);
    assert_eq!(
        parsed.as_ref().err().map(|e| e.code),
        validate(data).err().map(|e| e.code),
        "validate and parse disagree"
    );
    let _ = declared_size(data);
    let header = match parsed {
        Ok(h) => h,
        Err(e) => {
            assert_eq!(e.code, WinError::ERROR_INVALID_PARAMETER);
            assert_eq!(
                locate(data, 0).unwrap_err().code,
                WinError::ERROR_INVALID_PARAMETER
            );
            return;
        }
    };

    let bytes = header.to_bytes();
    assert_eq!(bytes.len(), header.encoded_len());
    assert_eq!(declared_size(&bytes).ok(), u32::try_from(bytes.len()).ok());
    let again = InfoHeader::parse(&bytes).expect("a re-encoded header parses");
    assert_eq!(again, header);
    assert_eq!(again.to_bytes(), bytes, "encoding is deterministic");

    let size = declared_size(data).expect("a parsed header has a Size") as usize;
    for block in &header.blocks {
        let loc = locate(data, block.info_type).expect("every parsed block is located");
        assert_eq!(
            (loc.item_size, loc.count, loc.len),
            (block.item_size, block.count, block.data.len())
        );
        assert!(loc.offset + loc.len <= size);
        assert_eq!(&data[loc.offset..loc.offset + loc.len], &block.data[..]);
        let re = locate(&bytes, block.info_type).expect("every re-encoded block is located");
        assert_eq!(&bytes[re.offset..re.offset + re.len], &block.data[..]);
    }
    // A type absent from the header is ERROR_NOT_FOUND, in the input and in the re-encoding.
    let mut absent = 0u32;
    while header.blocks.iter().any(|b| b.info_type == absent) {
        absent += 1;
    }
    assert_eq!(
        locate(data, absent).unwrap_err().code,
        WinError::ERROR_NOT_FOUND
    );
    assert_eq!(
        locate(&bytes, absent).unwrap_err().code,
        WinError::ERROR_NOT_FOUND
    );
    assert_eq!(
        header.find(absent).unwrap_err().code,
        WinError::ERROR_NOT_FOUND
    );
});
