//! Per-interface custom IKEv2 configuration: `MprConfigInterfaceGet/SetCustomInfoEx` (spec
//! §4.2.7-4.2.8, §3.3 "Interface custom IKEv2 info").

use mprconfig_core::{
    CustomInfoEx, CustomPolicy, IfCustomIkev2, InterfaceType, MPRAPI_IF_CUSTOM_CONFIG_FOR_IKEV2,
    TrafficSelector, TsAddress, WinError,
};

use crate::Backend;
use crate::support::*;

fn v4(a: [u8; 4]) -> TsAddress {
    let mut addr = [0u8; 16];
    addr[..4].copy_from_slice(&a);
    TsAddress { family: 2, addr }
}

fn v6(last: u8) -> TsAddress {
    let mut addr = [0u8; 16];
    addr[..2].copy_from_slice(&[0x20, 0x01]);
    addr[2..4].copy_from_slice(&[0x0d, 0xb8]);
    addr[15] = last;
    TsAddress { family: 23, addr }
}

/// A custom configuration with distinct values in every field; `seed` varies them.
pub fn sample_custom_info(seed: u32) -> CustomInfoEx {
    CustomInfoEx {
        flags: MPRAPI_IF_CUSTOM_CONFIG_FOR_IKEV2,
        ikev2: IfCustomIkev2 {
            sa_lifetime: 3600 + seed,
            sa_data_size: 2048 + seed,
            certificate_name: format!("CN=peer{seed}, O=Example").into_bytes(),
            custom_policy: Some(CustomPolicy {
                integrity_method: 2,
                encryption_method: 4,
                cipher_transform_constant: 2,
                auth_transform_constant: 2,
                pfs_group: 3,
                dh_group: 2 + seed % 2,
            }),
            certificate_hash: vec![0x11 ^ seed as u8; 20],
            mm_sa_lifetime: 28800 + seed,
            traffic_selectors_initiator: vec![
                TrafficSelector {
                    ts_type: 7,
                    protocol_id: 6,
                    port_start: 1024,
                    port_end: 65535,
                    payload_id: 1,
                    addr_start: v4([10, 0, 0, 1]),
                    addr_end: v4([10, 0, 0, 254]),
                },
                TrafficSelector {
                    ts_type: 7,
                    protocol_id: 17,
                    port_start: 53,
                    port_end: 53,
                    payload_id: 2,
                    addr_start: v4([192, 168, seed as u8, 0]),
                    addr_end: v4([192, 168, seed as u8, 255]),
                },
            ],
            traffic_selectors_responder: vec![TrafficSelector {
                ts_type: 8,
                protocol_id: 0,
                port_start: 0,
                port_end: 65535,
                payload_id: 3,
                addr_start: v6(1),
                addr_end: v6(0xFE),
            }],
        },
    }
}

/// On a FULL_ROUTER interface, set then get returns every field of `MPR_IF_CUSTOMINFOEX2`:
/// lifetimes, data size, certificate name and hash, the custom policy, both traffic-selector
/// lists (spec §4.2.7-4.2.8).
pub fn custom_info_full_router_round_trips_every_field(b: &dyn Backend) {
    let c = b.connect();
    let id = create_router(&*c, "Ikev2-Peer");
    let info = sample_custom_info(1);
    ok(c.interface_set_custom_info(&id, &info), "set custom info");
    assert_eq!(
        ok(c.interface_get_custom_info(&id), "get custom info"),
        info
    );
    assert_eq!(
        ok(b.connect().interface_get_custom_info(&id), "get elsewhere"),
        info
    );
    // The interface itself is unchanged by it.
    let got = ok(c.interface_get_info(&id), "get_info");
    assert_eq!(
        (got.name.as_str(), got.if_type, got.enabled),
        ("Ikev2-Peer", InterfaceType::FULL_ROUTER, true)
    );
}

/// With nothing stored, get-custom-info succeeds with `dwFlags` 0 (spec §4.2.7 "dwFlags = 0 if no
/// custom configuration exists").
pub fn custom_info_none_stored_reads_flags_0(b: &dyn Backend) {
    let c = b.connect();
    let id = create_router(&*c, "No-Custom");
    assert_eq!(ok(c.interface_get_custom_info(&id), "get").flags, 0);
}

/// Set replaces the whole custom configuration (absent policy and empty lists included), and a
/// set with `dwFlags` 0 removes it (spec §3.3: the IKEv2 part is meaningful only with the flag).
pub fn custom_info_set_replaces_and_clears(b: &dyn Backend) {
    let c = b.connect();
    let id = create_router(&*c, "Replace-Custom");
    ok(
        c.interface_set_custom_info(&id, &sample_custom_info(1)),
        "set first",
    );
    let mut second = sample_custom_info(2);
    second.ikev2.custom_policy = None;
    second.ikev2.traffic_selectors_initiator.clear();
    second.ikev2.certificate_hash.clear();
    ok(c.interface_set_custom_info(&id, &second), "set second");
    assert_eq!(ok(c.interface_get_custom_info(&id), "get"), second);
    ok(
        c.interface_set_custom_info(&id, &CustomInfoEx::default()),
        "set flags 0",
    );
    assert_eq!(ok(c.interface_get_custom_info(&id), "get").flags, 0);
}

/// Setting custom info on an interface that is not FULL_ROUTER is `ERROR_INVALID_PARAMETER`
/// (spec §4.2.8) and stores nothing.
pub fn custom_info_non_full_router_set_is_87(b: &dyn Backend) {
    let c = b.connect();
    let mut targets = vec![
        ok(c.interface_get_handle(&link_guid("eth0")), "eth0"),
        ok(c.interface_get_handle("Internal"), "Internal"),
        ok(c.interface_get_handle("Loopback"), "Loopback"),
    ];
    for t in [
        InterfaceType::HOME_ROUTER,
        InterfaceType::DIALOUT,
        InterfaceType::DEDICATED,
    ] {
        targets.push(ok(
            c.interface_create(&iface(&format!("not-full-{}", t.0), t)),
            "create",
        ));
    }
    let before = snapshot(&*c);
    for id in &targets {
        expect_code(
            c.interface_set_custom_info(id, &sample_custom_info(1)),
            WinError::ERROR_INVALID_PARAMETER,
            &format!("set on {:?}", id.name),
        );
    }
    assert_same_state(
        &snapshot(&*c),
        &before,
        "a refused set_custom_info changed the configuration",
    );
}

/// Values outside the documented ranges of `ROUTER_IKEv2_IF_CUSTOM_CONFIG` (SA lifetime
/// 300..=17 279 999 s, SA data size at least 1024 KB; spec §3.3) are `ERROR_INVALID_PARAMETER`
/// and change nothing; the bounds themselves are accepted.
pub fn custom_info_out_of_range_values_are_87(b: &dyn Backend) {
    let c = b.connect();
    let id = create_router(&*c, "Range-Custom");
    let good = sample_custom_info(4);
    ok(c.interface_set_custom_info(&id, &good), "set");
    for (what, lifetime, size) in [
        ("lifetime 299", 299, 2048),
        ("lifetime 17279999+1", 17_280_000, 2048),
        ("data size 1023", 3600, 1023),
    ] {
        let mut bad = good.clone();
        bad.ikev2.sa_lifetime = lifetime;
        bad.ikev2.sa_data_size = size;
        expect_code(
            c.interface_set_custom_info(&id, &bad),
            WinError::ERROR_INVALID_PARAMETER,
            what,
        );
        assert_eq!(
            ok(c.interface_get_custom_info(&id), "get"),
            good,
            "{what}: changed"
        );
    }
    for (lifetime, size) in [(300, 1024), (17_279_999, u32::MAX)] {
        let mut edge = good.clone();
        edge.ikev2.sa_lifetime = lifetime;
        edge.ikev2.sa_data_size = size;
        ok(
            c.interface_set_custom_info(&id, &edge),
            &format!("lifetime {lifetime}, size {size}"),
        );
        assert_eq!(ok(c.interface_get_custom_info(&id), "get"), edge);
    }
}
