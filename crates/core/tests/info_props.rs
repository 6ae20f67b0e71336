//! Property tests of the info-header codec: round trips, the `MprInfo*` operations against a
//! simple model (error codes included), and malformed input never panicking.

use mprconfig_core::WinError;
use mprconfig_core::info::{
    ALIGN_SIZE, HEADER_LEN, InfoBlock, InfoHeader, TOC_ENTRY_LEN, declared_size, locate, validate,
};
use proptest::prelude::*;

const INVALID: WinError = WinError::ERROR_INVALID_PARAMETER;
const NOT_FOUND: WinError = WinError::ERROR_NOT_FOUND;

/// Model of a header: (type, item size, count, data) in TOC order.
type Model = Vec<(u32, u32, u32, Vec<u8>)>;

#[derive(Clone, Debug)]
enum Op {
    Add {
        t: u32,
        size: u32,
        count: u32,
        fill: u8,
        tweak: i8,
    },
    Set {
        t: u32,
        size: u32,
        count: u32,
        fill: u8,
        tweak: i8,
    },
    Remove {
        t: u32,
    },
    RemoveAll,
    Find {
        t: u32,
    },
}

/// Few distinct types, so collisions (exists / missing) are common.
fn small_type() -> impl Strategy<Value = u32> {
    prop_oneof![0u32..6, Just(0xFFFF_0005), Just(u32::MAX)]
}

/// Mostly small; sometimes large enough that size x count overflows 32 bits.
fn dim() -> impl Strategy<Value = u32> {
    prop_oneof![8 => 0u32..20, 1 => Just(0x1_0000), 1 => Just(u32::MAX)]
}

/// Mostly the right data length; sometimes one byte short or long.
fn tweak() -> impl Strategy<Value = i8> {
    prop_oneof![6 => Just(0i8), 1 => Just(-1i8), 1 => Just(1i8)]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (small_type(), dim(), dim(), any::<u8>(), tweak())
            .prop_map(|(t, size, count, fill, tweak)| Op::Add { t, size, count, fill, tweak }),
        3 => (small_type(), dim(), dim(), any::<u8>(), tweak())
            .prop_map(|(t, size, count, fill, tweak)| Op::Set { t, size, count, fill, tweak }),
        2 => small_type().prop_map(|t| Op::Remove { t }),
        1 => Just(Op::RemoveAll),
        2 => small_type().prop_map(|t| Op::Find { t }),
    ]
}

/// Data for a block: `size * count` bytes adjusted by `tweak`; empty when the product
/// overflows or is too large to build (those cases must fail before data is looked at).
fn data_for(size: u32, count: u32, fill: u8, tweak: i8) -> Vec<u8> {
    let len = match size.checked_mul(count) {
        Some(p) if p <= 4096 => p as i64 + i64::from(tweak),
        _ => 0,
    };
    (0..len.max(0))
        .map(|i| fill.wrapping_add(i as u8))
        .collect()
}

/// What the model says add/set must do with these arguments, before looking at existence.
fn model_block_ok(size: u32, count: u32, data: &[u8]) -> bool {
    size.checked_mul(count)
        .is_some_and(|p| p as usize == data.len())
}

fn model_blocks(model: &Model) -> Vec<InfoBlock> {
    model
        .iter()
        .map(|(t, s, c, d)| InfoBlock {
            info_type: *t,
            item_size: *s,
            count: *c,
            data: d.clone(),
        })
        .collect()
}

fn le(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
}

/// The writer's layout rules, checked on raw bytes: ALIGN8 placement in TOC order, zero
/// padding, generous Size equal to the length.
fn check_layout(h: &InfoHeader, bytes: &[u8]) {
    let n = h.blocks.len();
    assert_eq!(le(bytes, 0), 1);
    assert_eq!(le(bytes, 4) as usize, bytes.len());
    assert_eq!(le(bytes, 8) as usize, n);
    let data: usize = h.blocks.iter().map(|b| b.data.len()).sum();
    assert_eq!(
        bytes.len(),
        HEADER_LEN + TOC_ENTRY_LEN * n + data + ALIGN_SIZE as usize * n
    );
    assert_eq!(h.encoded_len(), bytes.len());
    assert_eq!(declared_size(bytes).unwrap() as usize, bytes.len());
    let align = |x: usize| x.next_multiple_of(ALIGN_SIZE as usize);
    let mut cursor = align(HEADER_LEN + TOC_ENTRY_LEN * n);
    let mut used = vec![false; bytes.len()];
    used[..HEADER_LEN + TOC_ENTRY_LEN * n].fill(true);
    for (i, b) in h.blocks.iter().enumerate() {
        let at = HEADER_LEN + TOC_ENTRY_LEN * i;
        assert_eq!(le(bytes, at), b.info_type);
        assert_eq!(le(bytes, at + 4), b.item_size);
        assert_eq!(le(bytes, at + 8), b.count);
        assert_eq!(le(bytes, at + 12) as usize, cursor, "block {i} offset");
        assert_eq!(bytes[cursor..cursor + b.data.len()], b.data[..]);
        used[cursor..cursor + b.data.len()].fill(true);
        let loc = locate(bytes, b.info_type).unwrap();
        assert_eq!(
            (loc.item_size, loc.count, loc.offset, loc.len),
            (b.item_size, b.count, cursor, b.data.len())
        );
        cursor = align(cursor + b.data.len());
    }
    for (i, _) in used.iter().enumerate().filter(|(_, u)| !**u) {
        assert_eq!(bytes[i], 0, "padding byte {i} is zero");
    }
}

fn header_strategy() -> impl Strategy<Value = InfoHeader> {
    let block = (0u32..12, 0u32..6, any::<u8>());
    proptest::collection::vec((any::<u32>(), block), 0..12).prop_map(|entries| {
        let mut h = InfoHeader::new(1).unwrap();
        for (t, (size, count, fill)) in entries {
            // Duplicate types are skipped: add refuses them, the model test covers that.
            let _ = h.add(t, size, count, &data_for(size, count, fill, 0));
        }
        h
    })
}

/// Every successful parse must agree with re-encoding and with `locate`.
fn check_parsed(bytes: &[u8]) {
    let parsed = InfoHeader::parse(bytes);
    assert_eq!(
        parsed.as_ref().err().map(|e| e.code),
        validate(bytes).err().map(|e| e.code)
    );
    match parsed {
        Ok(h) => {
            let again = InfoHeader::parse(&h.to_bytes()).expect("re-encoded header parses");
            assert_eq!(again, h);
            for b in &h.blocks {
                let loc = locate(bytes, b.info_type).unwrap();
                assert_eq!((loc.item_size, loc.count), (b.item_size, b.count));
                assert_eq!(bytes[loc.offset..loc.offset + loc.len], b.data[..]);
                assert!(loc.offset + loc.len <= declared_size(bytes).unwrap() as usize);
            }
        }
        Err(e) => {
            assert_eq!(e.code, INVALID);
            assert_eq!(locate(bytes, 0).unwrap_err().code, INVALID);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn parse_of_to_bytes_is_identity(h in header_strategy()) {
        let bytes = h.to_bytes();
        check_layout(&h, &bytes);
        prop_assert_eq!(InfoHeader::parse(&bytes).unwrap(), h.clone());
        prop_assert_eq!(validate(&bytes).unwrap(), h);
    }

    #[test]
    fn exact_size_form_parses_to_the_same_header(h in header_strategy()) {
        let mut bytes = h.to_bytes();
        let exact = h.blocks.iter().enumerate().map(|(i, b)| {
            le(&bytes, HEADER_LEN + TOC_ENTRY_LEN * i + 12) as usize + b.data.len()
        }).max().unwrap_or(HEADER_LEN);
        bytes.truncate(exact.max(HEADER_LEN + TOC_ENTRY_LEN * h.blocks.len()));
        let len = bytes.len() as u32;
        bytes[4..8].copy_from_slice(&len.to_le_bytes());
        prop_assert_eq!(InfoHeader::parse(&bytes).unwrap(), h.clone());
        prop_assert_eq!(InfoHeader::parse(&bytes).unwrap().to_bytes(), h.to_bytes());
    }

    #[test]
    fn trailing_bytes_after_size_are_ignored(h in header_strategy(), tail in proptest::collection::vec(any::<u8>(), 1..32)) {
        let mut bytes = h.to_bytes();
        bytes.extend_from_slice(&tail);
        prop_assert_eq!(InfoHeader::parse(&bytes).unwrap(), h);
    }

    #[test]
    fn operations_agree_with_the_model(ops in proptest::collection::vec(op(), 0..40)) {
        let mut h = InfoHeader::new(1).unwrap();
        let mut model: Model = Vec::new();
        for op in ops {
            let pos = |m: &Model, t: u32| m.iter().position(|e| e.0 == t);
            let (got, want): (Result<(), WinError>, Result<(), WinError>) = match op {
                Op::Add { t, size, count, fill, tweak } => {
                    let data = data_for(size, count, fill, tweak);
                    let want = if !model_block_ok(size, count, &data) || pos(&model, t).is_some() {
                        Err(INVALID)
                    } else {
                        model.push((t, size, count, data.clone()));
                        Ok(())
                    };
                    (h.add(t, size, count, &data).map_err(|e| e.code), want)
                }
                Op::Set { t, size, count, fill, tweak } => {
                    let data = data_for(size, count, fill, tweak);
                    let want = match pos(&model, t) {
                        Some(i) if model_block_ok(size, count, &data) => {
                            model[i] = (t, size, count, data.clone());
                            Ok(())
                        }
                        _ => Err(INVALID),
                    };
                    (h.set(t, size, count, &data).map_err(|e| e.code), want)
                }
                Op::Remove { t } => {
                    let want = match pos(&model, t) {
                        Some(i) => {
                            model.remove(i);
                            Ok(())
                        }
                        None => Err(INVALID),
                    };
                    (h.remove(t).map_err(|e| e.code), want)
                }
                Op::RemoveAll => {
                    model.clear();
                    h.remove_all();
                    (Ok(()), Ok(()))
                }
                Op::Find { t } => {
                    let want = match pos(&model, t) {
                        Some(i) => {
                            let (_, s, c, d) = &model[i];
                            let b = h.find(t);
                            prop_assert!(b.is_ok_and(|b| (b.item_size, b.count, &b.data) == (*s, *c, d)));
                            Ok(())
                        }
                        None => Err(NOT_FOUND),
                    };
                    let bytes = h.to_bytes();
                    prop_assert_eq!(locate(&bytes, t).map(|_| ()).map_err(|e| e.code), want);
                    (h.find(t).map(|_| ()).map_err(|e| e.code), want)
                }
            };
            prop_assert_eq!(got, want);
            prop_assert_eq!(&h.blocks, &model_blocks(&model));
            prop_assert_eq!(h.version, 1);
            let bytes = h.to_bytes();
            check_layout(&h, &bytes);
            prop_assert_eq!(InfoHeader::parse(&bytes).unwrap(), h.clone());
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256), t in any::<u32>()) {
        check_parsed(&bytes);
        let _ = locate(&bytes, t);
        let _ = declared_size(&bytes);
    }

    #[test]
    fn header_shaped_bytes_never_panic(
        n in 0u32..6,
        size in 0u32..160,
        toc in proptest::collection::vec((0u32..4, 0u32..40, 0u32..4, 0u32..170), 6),
        len in 0usize..170,
        t in 0u32..4,
    ) {
        // Mostly plausible headers, so the block checks (not just the fixed part) are exercised.
        let mut bytes = vec![0u8; len.max(HEADER_LEN)];
        bytes[0..4].copy_from_slice(&1u32.to_le_bytes());
        bytes[4..8].copy_from_slice(&size.to_le_bytes());
        bytes[8..12].copy_from_slice(&n.to_le_bytes());
        for (i, (ty, s, c, o)) in toc.iter().enumerate() {
            for (k, v) in [ty, s, c, o].into_iter().enumerate() {
                let at = HEADER_LEN + TOC_ENTRY_LEN * i + 4 * k;
                if at + 4 <= bytes.len() {
                    bytes[at..at + 4].copy_from_slice(&v.to_le_bytes());
                }
            }
        }
        check_parsed(&bytes);
        let _ = locate(&bytes, t);
    }

    #[test]
    fn mutated_encodings_never_panic(h in header_strategy(), edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4), cut in any::<usize>()) {
        let mut bytes = h.to_bytes();
        for (at, v) in edits {
            let i = at % bytes.len();
            bytes[i] = v;
        }
        bytes.truncate(cut % (bytes.len() + 1));
        check_parsed(&bytes);
    }
}

#[test]
fn hostile_entry_count_is_rejected_for_every_entry_point() {
    let mut bytes = vec![0u8; 64];
    bytes[0] = 1;
    bytes[4] = 64;
    bytes[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(InfoHeader::parse(&bytes).unwrap_err().code, INVALID);
    assert_eq!(validate(&bytes).unwrap_err().code, INVALID);
    assert_eq!(locate(&bytes, 0).unwrap_err().code, INVALID);
    assert_eq!(declared_size(&bytes).unwrap(), 64);
}
