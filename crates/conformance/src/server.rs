//! Server configuration: `MprConfigServerGetInfo/SetInfo/GetInfoEx/SetInfoEx` (spec §4.1.5-4.1.8,
//! §3.3).

use mprconfig_core::{
    CertEku, CustomPolicy, Ikev2Config, L2tpConfig, MPR_ENABLE_RAS_ON_DEVICE as RAS,
    MPR_ENABLE_ROUTING_ON_DEVICE as ROUTING, PortConfig, RouterConfig, ServerInfo,
    ServerSetConfigEx, SstpConfig, TunnelConfig, WinError, set_config,
};

use crate::Backend;
use crate::support::*;

/// `MPRAPI_IKEV2_SET_TUNNEL_CONFIG_PARAMS`: the tunnel parameters of the structure are valid.
const SET_TUNNEL_PARAMS: u32 = 0x1;

fn ports(num_ports: u32, port_flags: u32) -> PortConfig {
    PortConfig {
        num_ports,
        port_flags,
    }
}

fn with_ports(pptp: PortConfig, l2tp: PortConfig, sstp: PortConfig) -> ServerInfo {
    ServerInfo {
        pptp,
        l2tp,
        sstp,
        ..ServerInfo::default()
    }
}

#[track_caller]
fn info(c: &dyn RouterConfig) -> ServerInfo {
    ok(c.server_get_info(), "server_get_info")
}

/// The configured values of `ServerInfo` (what set-info changes; the rest is derived).
fn pools(i: &ServerInfo) -> (PortConfig, PortConfig, PortConfig) {
    (i.pptp, i.l2tp, i.sstp)
}

/// Get-info reports the runtime counters as 0 (no running service, spec Q13), an installed
/// router as not LAN-only (install sets RAS + WAN + LAN, spec §4.1.4), and `dwTotalPorts` as
/// the sum of the configured port counts: raising one pool by 3 raises it by 3.
pub fn server_get_info_runtime_fields_and_totals(b: &dyn Backend) {
    let c = b.connect();
    let got = info(&*c);
    assert_eq!((got.up_time, got.ports_in_use), (0, 0));
    assert!(
        !got.lan_only_mode,
        "a freshly installed router routes LAN and WAN"
    );
    ok(
        c.server_set_info(
            2,
            &with_ports(ports(10, RAS), ports(20, RAS), ports(30, RAS)),
        ),
        "set pools",
    );
    let t1 = info(&*c).total_ports;
    assert!(
        t1 >= 60,
        "total {t1} is less than the PPTP + L2TP + SSTP ports"
    );
    ok(
        c.server_set_info(
            2,
            &with_ports(ports(13, RAS), ports(20, RAS), ports(30, RAS)),
        ),
        "raise PPTP by 3",
    );
    assert_eq!(info(&*c).total_ports, t1 + 3);
    ok(
        c.server_set_info(
            2,
            &with_ports(ports(13, RAS), ports(20, RAS), ports(25, RAS)),
        ),
        "lower SSTP by 5",
    );
    assert_eq!(info(&*c).total_ports, t1 - 2);
}

/// Set-info level 1 stores the PPTP and L2TP ports and flags and ignores the SSTP fields, even
/// invalid ones (spec §4.1.6, §3.3 `MPR_SERVER_1`).
pub fn server_set_info_level1_round_trips(b: &dyn Backend) {
    let c = b.connect();
    let before = info(&*c);
    let req = with_ports(ports(10, RAS | ROUTING), ports(20, 0), ports(0, 0xFF));
    ok(c.server_set_info(1, &req), "level 1");
    let got = info(&*c);
    assert_eq!(
        pools(&got),
        (ports(10, RAS | ROUTING), ports(20, 0), before.sstp)
    );
    ok(
        c.server_set_info(
            1,
            &with_ports(ports(1, ROUTING), ports(1, RAS), ports(7, RAS)),
        ),
        "level 1 again",
    );
    assert_eq!(
        pools(&info(&*c)),
        (ports(1, ROUTING), ports(1, RAS), before.sstp)
    );
}

/// Set-info level 2 stores PPTP, L2TP and SSTP (spec §4.1.6, §3.3 `MPR_SERVER_2`).
pub fn server_set_info_level2_round_trips(b: &dyn Backend) {
    let c = b.connect();
    let req = with_ports(ports(11, ROUTING), ports(21, RAS | ROUTING), ports(31, RAS));
    ok(c.server_set_info(2, &req), "level 2");
    assert_eq!(pools(&info(&*c)), pools(&req));
    let req = with_ports(ports(5, RAS), ports(6, 0), ports(7, 0));
    ok(c.server_set_info(2, &req), "level 2 again");
    assert_eq!(pools(&info(&*c)), pools(&req));
    assert_eq!(
        pools(&info(&*b.connect())),
        pools(&req),
        "another connection reads the same"
    );
}

/// The documented maxima are accepted: 16384 PPTP, 30000 L2TP and SSTP ports, and 1 of each
/// (spec §3.3 `MPR_SERVER_1/2`).
pub fn server_set_info_port_limits_are_accepted(b: &dyn Backend) {
    let c = b.connect();
    for req in [
        with_ports(ports(16384, RAS), ports(30000, RAS), ports(30000, RAS)),
        with_ports(ports(1, RAS), ports(1, RAS), ports(1, RAS)),
    ] {
        ok(c.server_set_info(2, &req), &format!("{req:?}"));
        assert_eq!(pools(&info(&*c)), pools(&req));
    }
}

/// Port count 0, a count above the maximum, and unknown flag bits (SSTP: anything but RAS) are
/// `ERROR_INVALID_PARAMETER` and change nothing (spec §4.1.6, §3.3).
pub fn server_set_info_bad_ports_or_flags_are_87(b: &dyn Backend) {
    let c = b.connect();
    let good = (ports(10, RAS), ports(20, RAS), ports(30, RAS));
    ok(
        c.server_set_info(2, &with_ports(good.0, good.1, good.2)),
        "baseline",
    );
    let before = info(&*c);
    let cases: Vec<(&str, u32, ServerInfo)> = vec![
        ("PPTP 0 ports", 1, with_ports(ports(0, RAS), good.1, good.2)),
        ("PPTP 0 ports", 2, with_ports(ports(0, RAS), good.1, good.2)),
        ("L2TP 0 ports", 1, with_ports(good.0, ports(0, RAS), good.2)),
        ("SSTP 0 ports", 2, with_ports(good.0, good.1, ports(0, RAS))),
        (
            "PPTP 16385 ports",
            1,
            with_ports(ports(16385, RAS), good.1, good.2),
        ),
        (
            "L2TP 30001 ports",
            2,
            with_ports(good.0, ports(30001, RAS), good.2),
        ),
        (
            "SSTP 30001 ports",
            2,
            with_ports(good.0, good.1, ports(30001, RAS)),
        ),
        (
            "PPTP u32::MAX ports",
            2,
            with_ports(ports(u32::MAX, RAS), good.1, good.2),
        ),
        (
            "PPTP flag 0x4",
            1,
            with_ports(ports(10, 0x4), good.1, good.2),
        ),
        (
            "L2TP flag 0x80000000",
            2,
            with_ports(good.0, ports(20, 0x8000_0000 | RAS), good.2),
        ),
        (
            "SSTP routing flag",
            2,
            with_ports(good.0, good.1, ports(30, ROUTING)),
        ),
        (
            "SSTP flag 0x4",
            2,
            with_ports(good.0, good.1, ports(30, RAS | 0x4)),
        ),
    ];
    for (what, level, req) in cases {
        expect_code(
            c.server_set_info(level, &req),
            WinError::ERROR_INVALID_PARAMETER,
            &format!("{what} at level {level}"),
        );
        assert_eq!(
            info(&*c),
            before,
            "{what}: a refused set_info changed the server"
        );
    }
}

/// Set-info at any level but 1 and 2 is `ERROR_NOT_SUPPORTED` (50, not 87: spec §4.1.6) and
/// changes nothing.
pub fn server_set_info_bad_level_is_50(b: &dyn Backend) {
    let c = b.connect();
    let before = info(&*c);
    let req = with_ports(ports(9, RAS), ports(9, RAS), ports(9, RAS));
    for level in [0u32, 3, 4, u32::MAX] {
        expect_code(
            c.server_set_info(level, &req),
            WinError::ERROR_NOT_SUPPORTED,
            &format!("level {level}"),
        );
    }
    assert_eq!(info(&*c), before);
}

/// Get-info-ex agrees with get-info: LAN-only mode, total ports, zero runtime counters, and the
/// PPTP/L2TP/SSTP port pools are the same values (spec §3.3 `MPR_SERVER_EX1`, Q13).
pub fn server_info_ex_matches_server_info(b: &dyn Backend) {
    let c = b.connect();
    ok(
        c.server_set_info(
            2,
            &with_ports(ports(12, RAS | ROUTING), ports(22, RAS), ports(32, RAS)),
        ),
        "set",
    );
    let i = info(&*c);
    let x = ok(c.server_get_info_ex(), "server_get_info_ex");
    assert_eq!(
        (x.lan_only_mode, x.total_ports, x.up_time, x.ports_in_use),
        (i.lan_only_mode, i.total_ports, 0, 0)
    );
    assert_eq!(
        (x.config.pptp, x.config.l2tp.ports, x.config.sstp.ports),
        pools(&i)
    );
}

fn policy(seed: u32) -> CustomPolicy {
    CustomPolicy {
        integrity_method: seed,
        encryption_method: seed + 1,
        cipher_transform_constant: seed + 2,
        auth_transform_constant: seed + 3,
        pfs_group: seed + 4,
        dh_group: seed + 5,
    }
}

/// A tunnel configuration with distinct, valid values in every field; `seed` varies them.
pub fn sample_tunnel_config(seed: u32) -> TunnelConfig {
    TunnelConfig {
        ikev2: Ikev2Config {
            ports: ports(100 + seed, RAS),
            tunnel_config_param_flags: SET_TUNNEL_PARAMS,
            idle_timeout: 300 + seed,
            network_blackout_time: 1800 + seed,
            sa_lifetime: 28800 + seed,
            sa_data_size_for_renegotiation: 102_400 + seed,
            config_options: 0,
            certificate_names: vec![
                format!("CN=Root A{seed}").into_bytes(),
                format!("CN=Root B{seed}").into_bytes(),
            ],
            machine_certificate_name: format!("CN=router{seed}").into_bytes(),
            encryption_type: 1 + seed % 3,
            custom_policy: Some(policy(seed)),
            certificate_ekus: vec![
                CertEku {
                    is_oid: true,
                    eku: "1.3.6.1.5.5.7.3.1".into(),
                },
                CertEku {
                    is_oid: false,
                    eku: format!("Server Authentication {seed}"),
                },
            ],
            machine_certificate_hash: vec![0xA0 ^ seed as u8; 20],
            mm_sa_lifetime: 3600 + seed,
        },
        pptp: ports(200 + seed, RAS | ROUTING),
        l2tp: L2tpConfig {
            ports: ports(300 + seed, RAS),
            tunnel_config_param_flags: SET_TUNNEL_PARAMS,
            idle_timeout: 600 + seed,
            encryption_type: seed % 3,
            sa_lifetime: 7200 + seed,
            sa_data_size_for_renegotiation: 2048 + seed,
            custom_policy: Some(policy(seed + 10)),
            mm_sa_lifetime: 4800 + seed,
        },
        sstp: SstpConfig {
            ports: ports(400 + seed, RAS),
            use_https: true,
            cert_algorithm: 0x800C,
            cert_is_default: false,
            cert_hash: vec![0x50 ^ seed as u8; 32],
        },
        gre: ports(500 + seed, RAS | ROUTING),
    }
}

/// `expected` with the parts selected by `bits` taken from `new`.
fn apply(mut expected: TunnelConfig, new: &TunnelConfig, bits: u32) -> TunnelConfig {
    if bits & set_config::PPTP != 0 {
        expected.pptp = new.pptp;
    }
    if bits & set_config::L2TP != 0 {
        expected.l2tp = new.l2tp.clone();
    }
    if bits & set_config::SSTP != 0 {
        expected.sstp = new.sstp.clone();
    }
    if bits & set_config::IKEV2 != 0 {
        expected.ikev2 = new.ikev2.clone();
    }
    if bits & set_config::GRE != 0 {
        expected.gre = new.gre;
    }
    expected
}

const EACH_PROTOCOL: [(&str, u32); 5] = [
    ("PPTP", set_config::PPTP),
    ("L2TP", set_config::L2TP),
    ("SSTP", set_config::SSTP),
    ("IKEv2", set_config::IKEV2),
    ("GRE", set_config::GRE),
];

/// Set-info-ex with one protocol bit stores exactly that protocol's parameters, every field,
/// and get-info-ex returns them; the PPTP/L2TP/SSTP pools show in get-info too (spec §4.1.7,
/// §4.1.8 "only the tunnel types whose bit is set are applied").
pub fn server_set_info_ex_round_trips_each_protocol(b: &dyn Backend) {
    let c = b.connect();
    let mut expected = ok(c.server_get_info_ex(), "get_info_ex").config;
    for (i, (name, bit)) in EACH_PROTOCOL.into_iter().enumerate() {
        let new = sample_tunnel_config(i as u32 + 1);
        ok(
            c.server_set_info_ex(&ServerSetConfigEx {
                protocols: bit,
                config: new.clone(),
            }),
            &format!("set {name}"),
        );
        expected = apply(expected, &new, bit);
        assert_eq!(
            ok(c.server_get_info_ex(), "get_info_ex").config,
            expected,
            "after setting {name}"
        );
    }
    let i = info(&*c);
    assert_eq!(
        pools(&i),
        (expected.pptp, expected.l2tp.ports, expected.sstp.ports)
    );
    assert_eq!(
        ok(b.connect().server_get_info_ex(), "get_info_ex elsewhere").config,
        expected
    );

    // All bits at once, then a policy removed.
    let mut all = sample_tunnel_config(9);
    let every = EACH_PROTOCOL.iter().fold(0, |acc, (_, bit)| acc | bit);
    ok(
        c.server_set_info_ex(&ServerSetConfigEx {
            protocols: every,
            config: all.clone(),
        }),
        "set all",
    );
    assert_eq!(ok(c.server_get_info_ex(), "get_info_ex").config, all);
    all.ikev2.custom_policy = None;
    all.l2tp.custom_policy = None;
    all.ikev2.certificate_names.clear();
    all.ikev2.certificate_ekus.clear();
    ok(
        c.server_set_info_ex(&ServerSetConfigEx {
            protocols: set_config::IKEV2 | set_config::L2TP,
            config: all.clone(),
        }),
        "remove policies",
    );
    assert_eq!(ok(c.server_get_info_ex(), "get_info_ex").config, all);
}

/// Bits not set leave their protocols' values alone, whatever the structure holds for them;
/// no bit at all changes nothing (spec §4.1.8).
pub fn server_set_info_ex_unset_bits_leave_values_alone(b: &dyn Backend) {
    let c = b.connect();
    let every = EACH_PROTOCOL.iter().fold(0, |acc, (_, bit)| acc | bit);
    let first = sample_tunnel_config(1);
    ok(
        c.server_set_info_ex(&ServerSetConfigEx {
            protocols: every,
            config: first.clone(),
        }),
        "set all",
    );
    let before = ok(c.server_get_info_ex(), "get_info_ex");
    let second = sample_tunnel_config(2);
    ok(
        c.server_set_info_ex(&ServerSetConfigEx {
            protocols: 0,
            config: second.clone(),
        }),
        "no bits",
    );
    assert_eq!(ok(c.server_get_info_ex(), "get_info_ex"), before);
    for (name, bit) in EACH_PROTOCOL {
        ok(
            c.server_set_info_ex(&ServerSetConfigEx {
                protocols: bit,
                config: second.clone(),
            }),
            &format!("set {name}"),
        );
        let got = ok(c.server_get_info_ex(), "get_info_ex").config;
        assert_eq!(
            apply(got, &before.config, bit),
            before.config,
            "setting {name} changed another protocol"
        );
        // Put it back for the next round.
        ok(
            c.server_set_info_ex(&ServerSetConfigEx {
                protocols: bit,
                config: first.clone(),
            }),
            "restore",
        );
    }
    assert_eq!(ok(c.server_get_info_ex(), "get_info_ex"), before);
}

/// Values the documentation constrains are checked for the protocols being set:
/// `dwConfigOptions` must be 0 and `dwEncryptionType` 0-3 (spec §3.3 `IKEV2_TUNNEL_CONFIG_PARAMS`)
/// → `ERROR_INVALID_PARAMETER`, nothing changed; the same values under an unset bit are ignored.
pub fn server_set_info_ex_invalid_values_are_87(b: &dyn Backend) {
    let c = b.connect();
    let before = ok(c.server_get_info_ex(), "get_info_ex");
    let mut bad = sample_tunnel_config(3);
    bad.ikev2.config_options = 1;
    expect_code(
        c.server_set_info_ex(&ServerSetConfigEx {
            protocols: set_config::IKEV2,
            config: bad.clone(),
        }),
        WinError::ERROR_INVALID_PARAMETER,
        "IKEv2 config options 1",
    );
    let mut bad2 = sample_tunnel_config(3);
    bad2.ikev2.encryption_type = 4;
    expect_code(
        c.server_set_info_ex(&ServerSetConfigEx {
            protocols: set_config::IKEV2 | set_config::PPTP,
            config: bad2,
        }),
        WinError::ERROR_INVALID_PARAMETER,
        "IKEv2 encryption type 4",
    );
    assert_eq!(
        ok(c.server_get_info_ex(), "get_info_ex"),
        before,
        "a refused set_info_ex changed the server"
    );
    ok(
        c.server_set_info_ex(&ServerSetConfigEx {
            protocols: set_config::GRE,
            config: bad.clone(),
        }),
        "IKEv2 not selected",
    );
    let got = ok(c.server_get_info_ex(), "get_info_ex").config;
    assert_eq!(got, apply(before.config, &bad, set_config::GRE));
}
