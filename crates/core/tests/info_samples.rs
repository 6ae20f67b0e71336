//! The info-header codec against the published blobs of registry-layout §3.6/§3.7 and the
//! derived examples of mprconfig-api §3.4.

use mprconfig_core::WinError;
use mprconfig_core::info::{BlockLocation, InfoBlock, InfoHeader, declared_size, locate, validate};

const IP_INTERFACE_STATUS_INFO: u32 = 0xFFFF_0004;
const IP_ROUTE_INFO: u32 = 0xFFFF_0005;
const IP_GLOBAL_INFO: u32 = 0xFFFF_0003;
const IP_PROT_PRIORITY_INFO: u32 = 0xFFFF_0006;
const IP_ROUTER_DISC_INFO: u32 = 0xFFFF_0007;
const IP_MCAST_HEARBEAT_INFO: u32 = 0xFFFF_000A;
const IP_IFFILTER_INFO: u32 = 0xFFFF_000D;
const IP_IN_FILTER_INFO: u32 = 0xFFFF_0001;

/// Little-endian u32 words.
fn words(ws: &[u32]) -> Vec<u8> {
    ws.iter().flat_map(|w| w.to_le_bytes()).collect()
}

/// Sample A: MS-RRASM §4.11.1's dump (120 bytes, generous Size). registry-layout §3.6 A says it
/// equals W7's `RouterManagers\Ip\GlobalInfo`; the real export orders the metrics differently.
fn sample_a() -> Vec<u8> {
    let mut b = words(&[
        1,
        120,
        2, //
        IP_GLOBAL_INFO,
        8,
        1,
        0x30, //
        IP_PROT_PRIORITY_INFO,
        52,
        1,
        0x38, //
        0,    // pad 0x2c
        0,
        1, // GLOBAL_INFO: bFilteringOn 0, dwLoggingLevel 1
        6, // PRIORITY_INFO: 6 protocols
        2,
        1,
        10006,
        3,
        10007,
        5,
        10002,
        7,
        3,
        10,
        8,
        120,
    ]);
    b.extend_from_slice(&[0; 12]); // tail slack
    b
}

/// The 140-byte MCAST_HBEAT_INFO of sample B: empty group, bActive 0, ulDeadInterval 10,
/// byProtocol 0, wPort 0.
fn mcast_heartbeat() -> Vec<u8> {
    let mut m = vec![0u8; 140];
    m[132..136].copy_from_slice(&10u32.to_le_bytes());
    m
}

/// Sample B: MS-RRASM §4.11.2 "RR2" demand-dial InterfaceInfo (252 bytes, exact Size).
fn sample_b() -> Vec<u8> {
    let mut b = words(&[
        1,
        0xFC,
        4, //
        IP_MCAST_HEARBEAT_INFO,
        140,
        1,
        0x50, //
        IP_INTERFACE_STATUS_INFO,
        4,
        1,
        0xE0, //
        IP_ROUTER_DISC_INFO,
        16,
        1,
        0xE8, //
        IP_IFFILTER_INFO,
        4,
        1,
        0xF8, //
        0,    // pad 0x4c
    ]);
    assert_eq!(b.len(), 0x50);
    b.extend_from_slice(&mcast_heartbeat());
    b.extend_from_slice(&[0; 4]); // pad 0xdc
    b.extend_from_slice(&words(&[1, 0])); // dwAdminStatus UP, pad
    b.extend_from_slice(&[0x58, 0x02, 0xa4, 0x01, 0x08, 0x07, 0x00, 0x00]); // 600, 420, 1800, pad
    b.extend_from_slice(&words(&[0, 0])); // bAdvertise 0, lPrefLevel 0
    b.extend_from_slice(&words(&[0])); // IFFILTER_INFO bEnableFragChk 0
    b
}

/// Sample C: W7 default InterfaceInfo for every interface, Ip and Ipv6 (104 bytes, generous).
fn sample_c() -> Vec<u8> {
    let mut b = words(&[
        1,
        0x68,
        3, //
        IP_ROUTE_INFO,
        72,
        0,
        0x40, //
        IP_INTERFACE_STATUS_INFO,
        4,
        1,
        0x40, //
        IP_ROUTER_DISC_INFO,
        16,
        1,
        0x48, //
        0,    //
        1,
        0, // admin UP, pad
    ]);
    b.extend_from_slice(&[0x58, 0x02, 0xc2, 0x01, 0x08, 0x07, 0x00, 0x00]);
    b.extend_from_slice(&[0; 8]);
    b.extend_from_slice(&[0; 16]); // tail slack
    b
}

/// §3.7 worked example, exact convention (96 bytes), copied from the hex dump.
const WORKED_EXACT: [u8; 96] = [
    0x01, 0x00, 0x00, 0x00, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x04, 0x00, 0xff,
    0xff, //
    0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x30, 0x00, 0x00, 0x00, 0x01, 0x00, 0xff,
    0xff, //
    0x28, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x38, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, //
    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
    0x00, //
    0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, //
    0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x50, //
];

/// §3.7 generous convention: Size 104 and 8 more zero bytes.
fn worked_generous() -> Vec<u8> {
    let mut b = WORKED_EXACT.to_vec();
    b[4] = 0x68;
    b.extend_from_slice(&[0; 8]);
    b
}

fn types(h: &InfoHeader) -> Vec<u32> {
    h.blocks.iter().map(|b| b.info_type).collect()
}

#[test]
fn sample_a_global_info_decodes_exactly() {
    let bytes = sample_a();
    assert_eq!(bytes.len(), 120);
    let h = InfoHeader::parse(&bytes).unwrap();
    assert_eq!(h.version, 1);
    assert_eq!(types(&h), [IP_GLOBAL_INFO, IP_PROT_PRIORITY_INFO]);
    assert_eq!(
        h.blocks[0],
        InfoBlock {
            info_type: IP_GLOBAL_INFO,
            item_size: 8,
            count: 1,
            data: words(&[0, 1])
        }
    );
    let prio = h.find(IP_PROT_PRIORITY_INFO).unwrap();
    assert_eq!((prio.item_size, prio.count), (52, 1));
    assert_eq!(prio.data, bytes[0x38..0x6c]);
    assert_eq!(u32::from_le_bytes(prio.data[0..4].try_into().unwrap()), 6);
    assert_eq!(
        u32::from_le_bytes(prio.data[48..52].try_into().unwrap()),
        120,
        "RIP metric"
    );
    assert_eq!(declared_size(&bytes).unwrap(), 120);
    assert_eq!(locate(&bytes, IP_PROT_PRIORITY_INFO).unwrap().offset, 0x38);
}

#[test]
fn sample_a_reencodes_byte_identically() {
    assert_eq!(
        InfoHeader::parse(&sample_a()).unwrap().to_bytes(),
        sample_a()
    );
}

#[test]
fn sample_b_exact_size_interface_info_decodes_exactly() {
    let bytes = sample_b();
    assert_eq!(bytes.len(), 252);
    let h = InfoHeader::parse(&bytes).unwrap();
    assert_eq!(
        types(&h),
        [
            IP_MCAST_HEARBEAT_INFO,
            IP_INTERFACE_STATUS_INFO,
            IP_ROUTER_DISC_INFO,
            IP_IFFILTER_INFO
        ]
    );
    let mcast = h.find(IP_MCAST_HEARBEAT_INFO).unwrap();
    assert_eq!((mcast.item_size, mcast.count), (140, 1));
    assert_eq!(mcast.data, mcast_heartbeat());
    assert_eq!(h.find(IP_INTERFACE_STATUS_INFO).unwrap().data, words(&[1]));
    let disc = &h.find(IP_ROUTER_DISC_INFO).unwrap().data;
    assert_eq!(u16::from_le_bytes([disc[0], disc[1]]), 600);
    assert_eq!(u16::from_le_bytes([disc[2], disc[3]]), 420);
    assert_eq!(u16::from_le_bytes([disc[4], disc[5]]), 1800);
    assert_eq!(h.find(IP_IFFILTER_INFO).unwrap().data, words(&[0]));
    let locs: Vec<usize> = types(&h)
        .iter()
        .map(|&t| locate(&bytes, t).unwrap().offset)
        .collect();
    assert_eq!(locs, [0x50, 0xE0, 0xE8, 0xF8]);
    assert_eq!(declared_size(&bytes).unwrap(), 252);
}

#[test]
fn sample_b_reencodes_with_same_layout_and_generous_size() {
    let h = InfoHeader::parse(&sample_b()).unwrap();
    let out = h.to_bytes();
    // Same placement; Size grows from exact 252 to generous 12 + 64 + 164 + 32 = 272.
    assert_eq!(out.len(), 272);
    assert_eq!(declared_size(&out).unwrap(), 272);
    assert_eq!(out[8..252], sample_b()[8..252]);
    assert!(out[252..].iter().all(|&b| b == 0));
    assert_eq!(InfoHeader::parse(&out).unwrap(), h);
}

#[test]
fn sample_c_default_interface_info_decodes_with_empty_route_block() {
    let bytes = sample_c();
    assert_eq!(bytes.len(), 104);
    let h = InfoHeader::parse(&bytes).unwrap();
    assert_eq!(
        types(&h),
        [IP_ROUTE_INFO, IP_INTERFACE_STATUS_INFO, IP_ROUTER_DISC_INFO]
    );
    assert_eq!(
        h.blocks[0],
        InfoBlock {
            info_type: IP_ROUTE_INFO,
            item_size: 72,
            count: 0,
            data: vec![]
        }
    );
    assert_eq!(h.blocks[1].data, words(&[1]));
    assert_eq!(
        h.blocks[2].data,
        [
            0x58, 0x02, 0xc2, 0x01, 0x08, 0x07, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
        ]
    );
    assert_eq!(
        locate(&bytes, IP_ROUTE_INFO).unwrap(),
        BlockLocation {
            item_size: 72,
            count: 0,
            offset: 0x40,
            len: 0
        }
    );
    assert_eq!(
        locate(&bytes, IP_INTERFACE_STATUS_INFO).unwrap().offset,
        0x40
    );
    assert_eq!(locate(&bytes, IP_ROUTER_DISC_INFO).unwrap().offset, 0x48);
}

#[test]
fn sample_c_reencodes_byte_identically() {
    assert_eq!(
        InfoHeader::parse(&sample_c()).unwrap().to_bytes(),
        sample_c()
    );
}

#[test]
fn worked_example_exact_and_generous_decode_to_the_same_header() {
    let exact = InfoHeader::parse(&WORKED_EXACT).unwrap();
    let generous = InfoHeader::parse(&worked_generous()).unwrap();
    assert_eq!(exact, generous);
    assert_eq!(types(&exact), [IP_INTERFACE_STATUS_INFO, IP_IN_FILTER_INFO]);
    let filter = exact.find(IP_IN_FILTER_INFO).unwrap();
    assert_eq!((filter.item_size, filter.count), (40, 1));
    assert_eq!(filter.data, WORKED_EXACT[0x38..0x60]);
    assert_eq!(
        &filter.data[38..40],
        [0x00, 0x50],
        "destination port 80, big-endian"
    );
    assert_eq!(
        locate(&WORKED_EXACT, IP_IN_FILTER_INFO).unwrap().offset,
        0x38
    );
    assert_eq!(declared_size(&WORKED_EXACT).unwrap(), 96);
    assert_eq!(declared_size(&worked_generous()).unwrap(), 104);
}

#[test]
fn worked_example_reencodes_to_the_generous_bytes() {
    assert_eq!(
        InfoHeader::parse(&WORKED_EXACT).unwrap().to_bytes(),
        worked_generous()
    );
    assert_eq!(
        InfoHeader::parse(&worked_generous()).unwrap().to_bytes(),
        worked_generous()
    );
}

#[test]
fn worked_example_built_with_add_matches_the_generous_bytes() {
    let mut h = InfoHeader::new(1).unwrap();
    h.add(IP_INTERFACE_STATUS_INFO, 4, 1, &words(&[1])).unwrap();
    h.add(IP_IN_FILTER_INFO, 40, 1, &WORKED_EXACT[0x38..0x60])
        .unwrap();
    assert_eq!(h.to_bytes(), worked_generous());
}

#[test]
fn samples_truncated_by_one_byte_are_rejected() {
    for (name, bytes) in [
        ("A", sample_a()),
        ("B", sample_b()),
        ("C", sample_c()),
        ("3.7", WORKED_EXACT.to_vec()),
    ] {
        let short = &bytes[..bytes.len() - 1];
        assert_eq!(
            InfoHeader::parse(short).unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER,
            "{name}"
        );
        assert_eq!(
            validate(short).unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER,
            "{name}"
        );
        assert!(validate(&bytes).is_ok(), "{name}");
    }
}

#[test]
fn derived_examples_place_blocks_as_documented() {
    const A: u32 = 0x0A;
    const B: u32 = 0x0B;
    let mut h = InfoHeader::new(1).unwrap();
    assert_eq!(h.to_bytes(), [0x01, 0, 0, 0, 0x0C, 0, 0, 0, 0, 0, 0, 0]);

    h.add(A, 4, 1, &[1, 2, 3, 4]).unwrap();
    let b = h.to_bytes();
    assert_eq!(
        locate(&b, A).unwrap(),
        BlockLocation {
            item_size: 4,
            count: 1,
            offset: 32,
            len: 4
        }
    );
    assert_eq!(b[32..36], [1, 2, 3, 4]);

    h.add(B, 16, 2, &[0xEE; 32]).unwrap();
    let b = h.to_bytes();
    assert_eq!(types(&h), [A, B], "Add appends at the end of the TOC");
    assert_eq!(locate(&b, A).unwrap().offset, 48);
    assert_eq!(
        locate(&b, B).unwrap(),
        BlockLocation {
            item_size: 16,
            count: 2,
            offset: 56,
            len: 32
        }
    );
    assert_eq!(b[52..56], [0; 4], "padding is zero");

    h.remove(A).unwrap();
    let b = h.to_bytes();
    assert_eq!(locate(&b, B).unwrap().offset, 32);
    assert_eq!(b[32..64], [0xEE; 32]);
    assert_eq!(locate(&b, A).unwrap_err().code, WinError::ERROR_NOT_FOUND);
}
