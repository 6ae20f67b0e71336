//! Route and filter codecs and the block decoder against the layouts of registry-layout
//! §3.6–3.7 and §4.2–4.4.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use mprconfig_core::WinError;
use mprconfig_core::blocks::types::*;
use mprconfig_core::blocks::*;
use mprconfig_core::info::{InfoBlock, InfoHeader};
use proptest::prelude::*;

fn from_hex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| c.is_ascii_hexdigit()).collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// §3.6 C: the default 104-byte InterfaceInfo (empty 72-byte IP_ROUTE_INFO first).
fn blob_c() -> Vec<u8> {
    mprconfig_core::layout::DEFAULT_INTERFACE_INFO.to_vec()
}

/// §3.7: status UP + one input filter (10.0.0.0/8 → any, TCP, dst port 80, default FORWARD),
/// generous Size (104).
fn blob_3_7() -> Vec<u8> {
    let mut b = from_hex(
        "01 00 00 00 68 00 00 00 02 00 00 00 04 00 ff ff
         04 00 00 00 01 00 00 00 30 00 00 00 01 00 ff ff
         28 00 00 00 01 00 00 00 38 00 00 00 00 00 00 00
         01 00 00 00 00 00 00 00 01 00 00 00 01 00 00 00
         00 00 00 00 0a 00 00 00 ff 00 00 00 00 00 00 00
         00 00 00 00 06 00 00 00 00 00 00 00 00 00 00 50",
    );
    b.extend_from_slice(&[0; 8]);
    b
}

#[test]
fn filter_of_the_worked_example_encodes_to_the_published_bytes() {
    let mut h = InfoHeader::new(1).unwrap();
    h.add(IP_INTERFACE_STATUS_INFO, 4, 1, &1u32.to_le_bytes())
        .unwrap();
    let mut d = FilterDescriptor::new(false, FILTER_ACTION_FORWARD);
    d.filters.push(Filter::V4(FilterInfo {
        src_addr: Ipv4Addr::new(10, 0, 0, 0),
        src_mask: Ipv4Addr::new(255, 0, 0, 0),
        dst_addr: Ipv4Addr::UNSPECIFIED,
        dst_mask: Ipv4Addr::UNSPECIFIED,
        protocol: 6,
        late_bound: 0,
        src_port: 0,
        dst_port: 80,
    }));
    d.store(&mut h, FilterDirection::Input).unwrap();
    assert_eq!(h.to_bytes(), blob_3_7());
    let back = FilterDescriptor::from_header(
        &InfoHeader::parse(&blob_3_7()).unwrap(),
        FilterDirection::Input,
        false,
    )
    .unwrap()
    .unwrap();
    assert_eq!(back, d);
    assert_eq!(back.filters[0].ports(), (0, 80));
}

#[test]
fn filter_ports_are_network_order_and_icmp_fields_little_endian() {
    let f = |protocol, src_port, dst_port| {
        let mut d = FilterDescriptor::new(false, FILTER_ACTION_DROP);
        d.filters.push(Filter::V4(FilterInfo {
            src_addr: Ipv4Addr::new(192, 168, 1, 0),
            src_mask: Ipv4Addr::new(255, 255, 255, 0),
            dst_addr: Ipv4Addr::new(10, 1, 2, 3),
            dst_mask: Ipv4Addr::BROADCAST,
            protocol,
            late_bound: 0,
            src_port,
            dst_port,
        }));
        d.encode().unwrap()
    };
    let tcp = f(6, 1024, 443);
    assert_eq!(&tcp[..12], &[1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]);
    assert_eq!(&tcp[12..16], &[192, 168, 1, 0]);
    assert_eq!(&tcp[16..20], &[255, 255, 255, 0]);
    assert_eq!(&tcp[20..24], &[10, 1, 2, 3]);
    assert_eq!(&tcp[28..32], &[6, 0, 0, 0]);
    assert_eq!(&tcp[36..40], &[0x04, 0x00, 0x01, 0xbb]);
    let icmp = f(1, 8, 0);
    assert_eq!(&icmp[36..40], &[8, 0, 0, 0]);
}

#[test]
fn ipv6_filters_use_the_52_byte_layout() {
    let mut d = FilterDescriptor::new(true, FILTER_ACTION_FORWARD);
    d.filters.push(Filter::V6(FilterInfoV6 {
        src_addr: "2001:db8::".parse().unwrap(),
        src_prefix_len: 32,
        dst_addr: Ipv6Addr::UNSPECIFIED,
        dst_prefix_len: 0,
        protocol: 17,
        late_bound: 0,
        src_port: 0,
        dst_port: 53,
    }));
    let b = d.encode().unwrap();
    assert_eq!(b.len(), 12 + 52);
    assert_eq!(&b[12..16], &[0x20, 0x01, 0x0d, 0xb8]);
    assert_eq!(&b[28..32], &32u32.to_le_bytes());
    assert_eq!(&b[52..56], &17u32.to_le_bytes());
    assert_eq!(&b[62..64], &[0, 53]);
    let mut h = InfoHeader::new(1).unwrap();
    d.store(&mut h, FilterDirection::Output).unwrap();
    assert_eq!(h.blocks[0].info_type, IP_OUT_FILTER_INFO_V6);
    assert_eq!((h.blocks[0].item_size, h.blocks[0].count), (64, 1));
    assert_eq!(
        FilterDescriptor::from_header(&h, FilterDirection::Output, true).unwrap(),
        Some(d)
    );
}

#[test]
fn malformed_filter_descriptors_are_invalid_data() {
    assert_eq!(
        FilterDescriptor::decode(&[1, 0, 0], false)
            .unwrap_err()
            .code,
        WinError::ERROR_INVALID_DATA
    );
    let mut b = FilterDescriptor::new(false, 0).encode().unwrap();
    b[4] = 2; // claims two filters, holds none
    assert_eq!(
        FilterDescriptor::decode(&b, false).unwrap_err().code,
        WinError::ERROR_INVALID_DATA
    );
    b[4] = 0xff;
    b[7] = 0xff; // a count whose size overflows on 32-bit arithmetic
    assert_eq!(
        FilterDescriptor::decode(&b, false).unwrap_err().code,
        WinError::ERROR_INVALID_DATA
    );
    let mut mixed = FilterDescriptor::new(true, 0);
    mixed.filters.push(Filter::V4(FilterInfo {
        src_addr: Ipv4Addr::UNSPECIFIED,
        src_mask: Ipv4Addr::UNSPECIFIED,
        dst_addr: Ipv4Addr::UNSPECIFIED,
        dst_mask: Ipv4Addr::UNSPECIFIED,
        protocol: 0,
        late_bound: 0,
        src_port: 0,
        dst_port: 0,
    }));
    assert_eq!(
        mixed.encode().unwrap_err().code,
        WinError::ERROR_INVALID_PARAMETER
    );
}

#[test]
fn ipv4_route_uses_the_72_byte_layout_offsets() {
    let r = InterfaceRouteInfo::new_static(ip("10.20.0.0"), 16, ip("192.168.1.254"), 5, 3).unwrap();
    let b = r.encode();
    assert_eq!(&b[0..4], &[10, 20, 0, 0]);
    assert_eq!(&b[4..8], &[255, 255, 0, 0]);
    assert_eq!(&b[8..12], &[0; 4]);
    assert_eq!(&b[12..16], &[192, 168, 1, 254]);
    assert_eq!(&b[24..28], &5u32.to_le_bytes());
    assert_eq!(&b[28..36], &[0xff; 8]);
    assert_eq!(&b[36..48], &[0; 12]);
    assert_eq!(&b[52..56], &ROUTE_TYPE_INDIRECT.to_le_bytes());
    assert_eq!(&b[56..60], &10006u32.to_le_bytes());
    assert_eq!(&b[60..64], &3u32.to_le_bytes());
    assert_eq!(&b[64..68], &3u32.to_le_bytes());
    assert_eq!(&b[68..72], &1u32.to_le_bytes());
    assert_eq!(InterfaceRouteInfo::decode(&b).unwrap(), r);
}

#[test]
fn ipv6_route_uses_the_v6_arm_with_bv4_zero() {
    let r = InterfaceRouteInfo::new_static(ip("2001:db8:1::"), 48, ip("::"), 1, 0).unwrap();
    let b = r.encode();
    assert_eq!(&b[0..6], &[0x20, 0x01, 0x0d, 0xb8, 0, 1]);
    assert_eq!(&b[16..20], &48u32.to_le_bytes());
    assert_eq!(&b[20..36], &[0; 16]);
    assert_eq!(&b[36..40], &[0xff; 4]);
    assert_eq!(&b[44..48], &1u32.to_le_bytes());
    assert_eq!(&b[52..56], &ROUTE_TYPE_DIRECT.to_le_bytes());
    assert_eq!(&b[68..72], &[0; 4]);
    let item = RouteItem::Interface(InterfaceRouteInfo::decode(&b).unwrap());
    assert_eq!(
        (item.dest(), item.prefix_len(), item.next_hop()),
        (ip("2001:db8:1::"), Some(48), ip("::"))
    );
}

#[test]
fn mixed_families_are_rejected() {
    let e = InterfaceRouteInfo::new_static(ip("10.0.0.0"), 8, ip("::1"), 1, 0).unwrap_err();
    assert_eq!(e.code, WinError::ERROR_INVALID_PARAMETER);
}

#[test]
fn adding_and_removing_a_route_on_the_default_blob_round_trips() {
    let mut h = InfoHeader::parse(&blob_c()).unwrap();
    assert!(routes(&h).unwrap().is_empty());
    let r = InterfaceRouteInfo::new_static(ip("172.16.0.0"), 12, ip("10.0.0.1"), 2, 0).unwrap();
    add_route(&mut h, &r).unwrap();
    let bytes = h.to_bytes();
    let again = InfoHeader::parse(&bytes).unwrap();
    let found = routes(&again).unwrap();
    assert_eq!(found, vec![RouteItem::Interface(r.clone())]);
    // The route block keeps its TOC position, item size 72, now one item.
    assert_eq!(again.blocks[0].info_type, IP_ROUTE_INFO);
    assert_eq!((again.blocks[0].item_size, again.blocks[0].count), (72, 1));

    let dup = add_route(&mut h, &r).unwrap_err();
    assert_eq!(dup.code, WinError::ERROR_ALREADY_EXISTS);

    assert_eq!(
        remove_routes(&mut h, ip("172.16.5.5"), 12, Some(ip("10.0.0.2"))).unwrap(),
        0
    );
    assert_eq!(
        remove_routes(&mut h, ip("172.16.5.5"), 12, None).unwrap(),
        1
    );
    assert_eq!(
        h.to_bytes(),
        blob_c(),
        "removing the only route restores Windows' default blob"
    );
}

#[test]
fn routes_can_be_added_to_a_header_without_a_route_block() {
    let mut h = InfoHeader::new(1).unwrap();
    let r = InterfaceRouteInfo::new_static(ip("0.0.0.0"), 0, ip("192.0.2.1"), 1, 0).unwrap();
    add_route(&mut h, &r).unwrap();
    assert_eq!(routes(&h).unwrap().len(), 1);
    assert_eq!(routes(&h).unwrap()[0].prefix_len(), Some(0));
}

fn legacy_row(dest: [u8; 4], mask: [u8; 4], hop: [u8; 4]) -> ForwardRow {
    ForwardRow {
        dest: dest.into(),
        mask: mask.into(),
        policy: 0,
        next_hop: hop.into(),
        if_index: 7,
        route_type: 4,
        proto: 10002,
        age: 0,
        next_hop_as: 0,
        metrics: [3, 0xffff_ffff, 0xffff_ffff, 9, 9],
    }
}

#[test]
fn legacy_56_byte_items_are_read_and_rewritten_in_72_bytes_on_add() {
    let a = legacy_row([10, 0, 0, 0], [255, 0, 0, 0], [192, 168, 0, 1]);
    let b = legacy_row([10, 1, 0, 0], [255, 255, 0, 0], [192, 168, 0, 2]);
    let raw_a = a.encode();
    assert_eq!(
        &raw_a[16..20],
        &7u32.to_le_bytes(),
        "dwForwardIfIndex at 16"
    );
    assert_eq!(
        &raw_a[24..28],
        &10002u32.to_le_bytes(),
        "dwForwardProto at 24"
    );
    assert_eq!(ForwardRow::decode(&raw_a).unwrap(), a);
    let mut data = raw_a.to_vec();
    data.extend_from_slice(&b.encode());
    let mut h = InfoHeader::new(1).unwrap();
    h.add(IP_ROUTE_INFO, 56, 2, &data).unwrap();
    let listed = routes(&h).unwrap();
    assert_eq!(
        listed,
        vec![RouteItem::Legacy(a.clone()), RouteItem::Legacy(b.clone())]
    );
    assert_eq!(listed[1].prefix_len(), Some(16));

    // Removing keeps the 56-byte layout and the other item's bytes.
    let mut h2 = h.clone();
    assert_eq!(remove_routes(&mut h2, ip("10.0.0.0"), 8, None).unwrap(), 1);
    assert_eq!((h2.blocks[0].item_size, h2.blocks[0].count), (56, 1));
    assert_eq!(h2.blocks[0].data, b.encode().to_vec());

    let r = InterfaceRouteInfo::new_static(ip("10.2.0.0"), 16, ip("192.168.0.3"), 1, 0).unwrap();
    add_route(&mut h, &r).unwrap();
    assert_eq!((h.blocks[0].item_size, h.blocks[0].count), (72, 3));
    let after = routes(&h).unwrap();
    assert_eq!(after[0], RouteItem::Interface(a.to_interface_route()));
    assert_eq!(after[1].metric(), 3);
    assert_eq!(after[2], RouteItem::Interface(r));
}

#[test]
fn route_blocks_of_other_item_sizes_are_invalid_data() {
    let block = InfoBlock {
        info_type: IP_ROUTE_INFO,
        item_size: 60,
        count: 1,
        data: vec![0; 60],
    };
    assert_eq!(
        decode_routes(&block).unwrap_err().code,
        WinError::ERROR_INVALID_DATA
    );
    let d = decode_block(&block);
    assert!(d.raw.is_some() && d.note.as_deref().unwrap().contains("60 bytes"));
}

fn field<'a>(items: &'a [Field], name: &str) -> &'a FieldValue {
    &items
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no field {name}"))
        .value
}

#[test]
fn default_interface_blob_decodes_into_named_fields() {
    let blocks = decode_header(&blob_c()).unwrap();
    assert_eq!(blocks.len(), 3);
    assert_eq!(blocks[0].type_name, Some("IP_ROUTE_INFO"));
    assert_eq!(blocks[0].structure, Some("INTERFACE_ROUTE_INFO"));
    assert!(blocks[0].items.is_empty() && blocks[0].raw.is_none());
    assert_eq!(
        field(&blocks[1].items[0], "dwAdminStatus"),
        &FieldValue::Named(1, Some("UP"))
    );
    let disc = &blocks[2].items[0];
    assert_eq!(blocks[2].structure, Some("RTR_DISC_INFO"));
    assert_eq!(field(disc, "wMaxAdvtInterval"), &FieldValue::U32(600));
    assert_eq!(field(disc, "wMinAdvtInterval"), &FieldValue::U32(450));
    assert_eq!(field(disc, "wAdvtLifetime"), &FieldValue::U32(1800));
    assert_eq!(field(disc, "bAdvertise"), &FieldValue::Bool(false));
    assert_eq!(field(disc, "lPrefLevel"), &FieldValue::I32(0));
}

#[test]
fn global_info_decodes_logging_and_priorities() {
    // The install default, Windows 7's Ip GlobalInfo.
    let blocks = decode_header(&mprconfig_core::layout::DEFAULT_IP_GLOBAL_INFO).unwrap();
    assert_eq!(blocks[0].structure, Some("GLOBAL_INFO"));
    assert_eq!(
        field(&blocks[0].items[0], "bFilteringOn"),
        &FieldValue::Bool(false)
    );
    assert_eq!(
        field(&blocks[0].items[0], "dwLoggingLevel"),
        &FieldValue::Named(1, Some("ERROR"))
    );
    let prio = &blocks[1];
    assert_eq!(prio.structure, Some("PRIORITY_INFO"));
    assert_eq!(prio.items.len(), 7);
    assert_eq!(field(&prio.items[0], "dwNumProtocols"), &FieldValue::U32(6));
    // Windows 7's order: LOCAL, NETMGMT, NT_STATIC, NT_STATIC_NON_DOD, NT_AUTOSTATIC, RIP.
    assert_eq!(
        field(&prio.items[2], "dwProtocolId"),
        &FieldValue::Named(3, Some("NETMGMT"))
    );
    assert_eq!(
        field(&prio.items[3], "dwProtocolId"),
        &FieldValue::Named(10006, Some("NT_STATIC"))
    );
    assert_eq!(field(&prio.items[6], "dwMetric"), &FieldValue::U32(120));
}

#[test]
fn rr2_demand_dial_blob_decodes_heartbeat_and_fragment_check() {
    // §3.6 B: heartbeat (140), status (4), router discovery (16), IFFILTER (4); exact Size 252.
    let mut b = vec![0u8; 252];
    let words: [u32; 19] = [
        1, 252, 4, 0xFFFF000A, 140, 1, 0x50, 0xFFFF0004, 4, 1, 0xe0, 0xFFFF0007, 16, 1, 0xe8,
        0xFFFF000D, 4, 1, 0xf8,
    ];
    for (i, w) in words.iter().enumerate() {
        b[i * 4..i * 4 + 4].copy_from_slice(&w.to_le_bytes());
    }
    b[0x50 + 132..0x50 + 136].copy_from_slice(&10u32.to_le_bytes());
    b[0xe0] = 1;
    b[0xe8..0xee].copy_from_slice(&[0x58, 0x02, 0xa4, 0x01, 0x08, 0x07]);
    let blocks = decode_header(&b).unwrap();
    assert_eq!(blocks[0].type_name, Some("IP_MCAST_HEARBEAT_INFO"));
    assert_eq!(
        field(&blocks[0].items[0], "pwszGroup"),
        &FieldValue::Text(String::new())
    );
    assert_eq!(
        field(&blocks[0].items[0], "ulDeadInterval"),
        &FieldValue::U32(10)
    );
    assert_eq!(
        field(&blocks[2].items[0], "wMinAdvtInterval"),
        &FieldValue::U32(420)
    );
    assert_eq!(blocks[3].structure, Some("IFFILTER_INFO"));
    assert_eq!(
        field(&blocks[3].items[0], "bEnableFragChk"),
        &FieldValue::Bool(false)
    );
}

#[test]
fn every_fixed_structure_is_decoded_and_size_mismatches_stay_raw() {
    let cases: &[(u32, u32, &str, &str)] = &[
        (IP_MCAST_BOUNDARY_INFO, 8, "MIB_BOUNDARYROW", "dwGroupMask"),
        (IP_IPINIP_CFG_INFO, 12, "IPINIP_CONFIG_INFO", "byTtl"),
        (IP_MCAST_LIMIT_INFO, 8, "MIB_MCAST_LIMIT_ROW", "dwRateLimit"),
        (IP_IFFILTER_INFO_V6, 4, "IFFILTER_INFO", "bEnableFragChk"),
        (IP_FILTER_ENABLE_INFO, 4, "MPR_FILTER_0", "fEnable"),
        (IP_FILTER_ENABLE_INFO_V6, 4, "MPR_FILTER_0", "fEnable"),
        (IPV6_GLOBAL_INFO, 8, "GLOBAL_INFO", "dwLoggingLevel"),
    ];
    for &(ty, size, structure, member) in cases {
        let ok = decode_block(&InfoBlock {
            info_type: ty,
            item_size: size,
            count: 2,
            data: vec![1; size as usize * 2],
        });
        assert_eq!(ok.structure, Some(structure));
        assert_eq!(ok.items.len(), 2);
        field(&ok.items[1], member);
        let bad = decode_block(&InfoBlock {
            info_type: ty,
            item_size: size + 4,
            count: 1,
            data: vec![1; size as usize + 4],
        });
        assert!(
            bad.structure.is_none() && bad.raw.is_some() && bad.note.is_some(),
            "{ty:#x}"
        );
    }
    let boundary = decode_block(&InfoBlock {
        info_type: IP_MCAST_BOUNDARY_INFO,
        item_size: 8,
        count: 1,
        data: vec![239, 0, 0, 0, 255, 0, 0, 0],
    });
    assert_eq!(
        field(&boundary.items[0], "dwGroupAddress"),
        &FieldValue::Addr(ip("239.0.0.0"))
    );
    let ex = decode_block(&InfoBlock {
        info_type: IP_PROT_PRIORITY_INFO_EX,
        item_size: 16,
        count: 1,
        data: [1u32, 14, 2, 20]
            .iter()
            .flat_map(|w| w.to_le_bytes())
            .collect(),
    });
    assert_eq!(ex.structure, Some("PRIORITY_INFO_EX"));
    assert_eq!(field(&ex.items[1], "dwSubProtocolId"), &FieldValue::U32(2));
}

#[test]
fn unknown_and_protocol_blocks_are_named_when_known_and_kept_raw() {
    let rip = decode_block(&InfoBlock {
        info_type: 8,
        item_size: 3,
        count: 1,
        data: vec![1, 2, 3],
    });
    assert_eq!(
        (rip.type_name, rip.structure, rip.raw.as_deref()),
        (Some("MS_IP_RIP"), None, Some(&[1u8, 2, 3][..]))
    );
    assert_eq!(rip.note, None);
    let unknown = decode_block(&InfoBlock {
        info_type: 0x1234_5678,
        item_size: 1,
        count: 1,
        data: vec![9],
    });
    assert_eq!(unknown.type_name, None);
    assert_eq!(unknown.raw, Some(vec![9]));
    assert_eq!(FieldValue::Bytes(vec![0xab, 1]).to_string(), "ab 01");
}

#[test]
fn filter_blocks_decode_header_and_each_filter() {
    let d = decode_header(&blob_3_7()).unwrap();
    let f = &d[1];
    assert_eq!(
        (f.type_name, f.structure),
        (Some("IP_IN_FILTER_INFO"), Some("FILTER_DESCRIPTOR"))
    );
    assert_eq!(
        field(&f.items[0], "faDefaultAction"),
        &FieldValue::Named(0, Some("FORWARD"))
    );
    assert_eq!(field(&f.items[1], "dwSrcAddr").to_string(), "10.0.0.0/8");
    assert_eq!(
        field(&f.items[1], "dwProtocol"),
        &FieldValue::Named(6, Some("TCP"))
    );
    assert_eq!(field(&f.items[1], "wDstPort"), &FieldValue::U32(80));
    let bad = decode_block(&InfoBlock {
        info_type: IP_OUT_FILTER_INFO,
        item_size: 12,
        count: 2,
        data: vec![0; 24],
    });
    assert!(bad.raw.is_some() && bad.note.as_deref().unwrap().contains("Count"));
}

fn arb_filter_v4() -> impl Strategy<Value = Filter> {
    (
        any::<[u8; 4]>(),
        any::<[u8; 4]>(),
        any::<[u8; 4]>(),
        any::<[u8; 4]>(),
        any::<u32>(),
        any::<u32>(),
        any::<u16>(),
        any::<u16>(),
    )
        .prop_map(|(a, b, c, d, protocol, late_bound, src_port, dst_port)| {
            Filter::V4(FilterInfo {
                src_addr: a.into(),
                src_mask: b.into(),
                dst_addr: c.into(),
                dst_mask: d.into(),
                protocol,
                late_bound,
                src_port,
                dst_port,
            })
        })
}

fn arb_filter_v6() -> impl Strategy<Value = Filter> {
    (
        any::<[u8; 16]>(),
        any::<u32>(),
        any::<[u8; 16]>(),
        any::<u32>(),
        prop_oneof![Just(1u32), Just(58), Just(6), any::<u32>()],
        any::<u16>(),
        any::<u16>(),
    )
        .prop_map(|(a, sl, c, dl, protocol, src_port, dst_port)| {
            Filter::V6(FilterInfoV6 {
                src_addr: a.into(),
                src_prefix_len: sl,
                dst_addr: c.into(),
                dst_prefix_len: dl,
                protocol,
                late_bound: 0,
                src_port,
                dst_port,
            })
        })
}

proptest! {
    #[test]
    fn filter_descriptors_round_trip(v6 in any::<bool>(), action in 0u32..2, n in 0usize..5, seed4 in proptest::collection::vec(arb_filter_v4(), 5), seed6 in proptest::collection::vec(arb_filter_v6(), 5)) {
        let mut d = FilterDescriptor::new(v6, action);
        d.filters = if v6 { seed6[..n].to_vec() } else { seed4[..n].to_vec() };
        let bytes = d.encode().unwrap();
        prop_assert_eq!(bytes.len(), 12 + n * if v6 { 52 } else { 28 });
        prop_assert_eq!(FilterDescriptor::decode(&bytes, v6).unwrap(), d.clone());
        // Through a header too.
        let mut h = InfoHeader::new(1).unwrap();
        d.store(&mut h, FilterDirection::DemandDial).unwrap();
        let h = InfoHeader::parse(&h.to_bytes()).unwrap();
        prop_assert_eq!(FilterDescriptor::from_header(&h, FilterDirection::DemandDial, v6).unwrap(), Some(d));
    }

    #[test]
    fn route_items_round_trip(bytes in proptest::collection::vec(any::<u8>(), 72)) {
        let r = InterfaceRouteInfo::decode(&bytes).unwrap();
        let again = r.encode();
        // Bytes 36..48 of the IPv4 arm are unused, and bV4 is normalised to 0/1.
        prop_assert_eq!(InterfaceRouteInfo::decode(&again).unwrap(), r);
    }

    #[test]
    fn legacy_rows_round_trip_exactly(bytes in proptest::collection::vec(any::<u8>(), 56)) {
        prop_assert_eq!(ForwardRow::decode(&bytes).unwrap().encode().to_vec(), bytes);
    }

    #[test]
    fn decode_block_never_panics(info_type in prop_oneof![0xFFFF_0000u32..0xFFFF_0018, any::<u32>()], item_size in 0u32..200, count in 0u32..4, data in proptest::collection::vec(any::<u8>(), 0..400)) {
        let len = (item_size * count) as usize;
        let mut data = data;
        data.resize(len, 0);
        let d = decode_block(&InfoBlock { info_type, item_size, count, data });
        prop_assert!(d.structure.is_some() || d.raw.is_some());
    }

    #[test]
    fn added_routes_are_listed_back(routes_in in proptest::collection::btree_set((any::<[u8; 4]>(), 0u8..=32, any::<[u8; 4]>()), 0..8)) {
        let mut h = InfoHeader::parse(&blob_c()).unwrap();
        let mut added = Vec::new();
        for (d, len, hop) in routes_in {
            let r = InterfaceRouteInfo::new_static(IpAddr::V4(d.into()), len, IpAddr::V4(hop.into()), 1, 0).unwrap();
            let item = RouteItem::Interface(r.clone());
            let dup = added.iter().any(|x: &RouteItem| x.matches(item.dest(), len, Some(item.next_hop())));
            match add_route(&mut h, &r) {
                Ok(()) => { prop_assert!(!dup); added.push(item) }
                Err(e) => { prop_assert!(dup); prop_assert_eq!(e.code, WinError::ERROR_ALREADY_EXISTS) }
            }
        }
        let h = InfoHeader::parse(&h.to_bytes()).unwrap();
        prop_assert_eq!(routes(&h).unwrap(), added);
    }
}
