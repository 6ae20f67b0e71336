//! Every `mprcfg` command run as a process against a local store: tables, JSON, exit codes,
//! error lines, and the bytes routes and filters leave in the store.

mod support;

use mprconfig::blocks::{self, FilterDescriptor, FilterDirection, RouteItem};
use mprconfig::info::InfoHeader;
use mprconfig::pid;
use serde_json::Value;
use support::{Env, W7, read, rows};

fn interface_blob(env: &Env, name: &str, protocol: u32) -> Vec<u8> {
    let api = env.api();
    let iface = api.interface_get_handle(name).unwrap();
    let id = api.if_transport_get_handle(&iface, protocol).unwrap();
    api.if_transport_get_info(&id)
        .unwrap()
        .expect("a stored header")
}

#[test]
fn help_covers_every_command() {
    let env = Env::new();
    let help = env.ok(&["--help"]);
    for cmd in [
        "show",
        "interface",
        "transport",
        "iftransport",
        "route",
        "filter",
        "infoblock",
        "backup",
        "restore",
        "trust",
        "export-reg",
        "import-reg",
        "Exit status",
    ] {
        assert!(help.contains(cmd), "--help does not mention {cmd}");
    }
    for sub in [
        &["show", "--help"][..],
        &["show", "interface", "--help"],
        &["interface", "add", "--help"],
        &["interface", "set", "--help"],
        &["transport", "add", "--help"],
        &["iftransport", "add", "--help"],
        &["route", "add", "--help"],
        &["filter", "add", "--help"],
        &["filter", "delete", "--help"],
        &["infoblock", "show", "--help"],
        &["export-reg", "--help"],
        &["import-reg", "--help"],
        &["trust", "--help"],
    ] {
        let out = env.ok(sub);
        assert!(out.contains("Usage: mprcfg"), "{sub:?}");
    }
    assert!(env.ok(&["--version"]).starts_with("mprcfg "));
}

#[test]
fn usage_errors_print_one_line_and_exit_2() {
    let env = Env::new();
    let r = env.run(&["frobnicate"]);
    assert_eq!(r.code, 2);
    let first = r.stderr.lines().next().unwrap();
    assert!(
        first.starts_with("mprcfg: invalid arguments: ")
            && first.ends_with("(error 87: ERROR_INVALID_PARAMETER)"),
        "{first}"
    );
    assert!(
        r.stderr
            .lines()
            .filter(|l| l.starts_with("mprcfg:"))
            .count()
            == 1
    );
    let r = env.run(&["route", "add", "x"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with("mprcfg: invalid arguments: "),
        "{}",
        r.stderr
    );
}

#[test]
fn show_interfaces_prints_a_table_and_json() {
    let env = Env::new();
    let out = env.ok(&["show", "interfaces"]);
    let t = rows(&out);
    assert_eq!(t[0], ["Key", "Name", "Type", "State", "Dial-out hours"]);
    assert_eq!(t[1], ["0", "Loopback", "loopback", "enabled", "-"]);
    assert_eq!(t[2], ["1", "Internal", "internal", "enabled", "-"]);
    // Columns line up: every row's Name starts where the header's does.
    let col = out.lines().next().unwrap().find("Name").unwrap();
    assert!(
        out.lines()
            .skip(1)
            .all(|l| l[col..].chars().next().is_some_and(|c| c != ' '))
    );
    let j = env.json(&["show", "interfaces"]);
    let all = j.as_array().unwrap();
    assert_eq!(all.len(), t.len() - 1);
    assert_eq!(all[0]["name"], "Loopback");
    assert_eq!(all[0]["type"], "loopback");
    assert_eq!(all[0]["type_id"], 5);
    assert_eq!(all[0]["enabled"], true);
    assert_eq!(all[1]["key"], 1);
}

#[test]
fn unknown_interface_exits_1_with_one_error_line() {
    let env = Env::new();
    let line = env.fail(
        &["show", "interface", "nope"],
        1,
        905,
        "ERROR_NO_SUCH_INTERFACE",
    );
    assert!(
        line.starts_with("mprcfg: show interface \"nope\": "),
        "{line}"
    );
    env.fail(
        &["route", "list", "nope"],
        1,
        905,
        "ERROR_NO_SUCH_INTERFACE",
    );
    env.fail(
        &["interface", "delete", "nope"],
        1,
        905,
        "ERROR_NO_SUCH_INTERFACE",
    );
}

#[test]
fn show_interface_server_transports_and_iftransports() {
    let env = Env::new();
    let rec = env.ok(&["show", "interface", "LOOPBACK"]);
    assert!(
        rec.lines()
            .any(|l| l.starts_with("Name:") && l.ends_with("Loopback")),
        "{rec}"
    );
    assert!(
        rec.contains("Transports:") && rec.contains("Ip (0x21)") && rec.contains("Ipv6 (0x57)")
    );
    let j = env.json(&["show", "interface", "Loopback"]);
    assert_eq!(j["transports"].as_array().unwrap().len(), 2);

    let server = env.ok(&["show", "server"]);
    assert!(
        server.contains(&format!("local store {}", env.store().display())),
        "{server}"
    );
    let sj = env.json(&["show", "server"]);
    assert_eq!(sj["transports"], 2);
    assert!(sj["pptp"]["ports"].as_u64().is_some());

    let t = rows(&env.ok(&["show", "transports"]));
    assert_eq!(t[0], ["Id", "Protocol", "Name", "DLL path", "Global info"]);
    assert_eq!(
        t[1][..4],
        ["0x21", "ip", "Ip", r"%SystemRoot%\System32\iprtrmgr.dll"]
    );
    assert_eq!(t[1][4], "120 bytes: IP_GLOBAL_INFO, IP_PROT_PRIORITY_INFO");
    assert_eq!(t[2][..3], ["0x57", "ipv6", "Ipv6"]);
    let tj = env.json(&["show", "transports"]);
    assert_eq!(tj[1]["global_info"]["blocks"][0], "IPV6_GLOBAL_INFO");

    let one = env.ok(&["show", "transport", "ip"]);
    assert!(
        one.contains("0x21 (ip)") && one.contains("Static filters:"),
        "{one}"
    );
    assert_eq!(env.json(&["show", "transport", "0x57"])["name"], "Ipv6");
    env.fail(
        &["show", "transport", "ipx"],
        1,
        902,
        "ERROR_UNKNOWN_PROTOCOL_ID",
    );
    env.fail(
        &["show", "transport", "bogus"],
        2,
        87,
        "ERROR_INVALID_PARAMETER",
    );

    let it = rows(&env.ok(&["show", "iftransports", "Loopback"]));
    assert_eq!(it[0], ["Id", "Protocol", "Name", "Interface info"]);
    assert_eq!(
        it[1],
        [
            "0x21",
            "ip",
            "Ip",
            "104 bytes: IP_ROUTE_INFO, IP_INTERFACE_STATUS_INFO, IP_ROUTER_DISC_INFO"
        ]
    );
    assert_eq!(
        env.json(&["show", "iftransports", "Loopback"])[1]["interface_info"]["bytes"],
        104
    );
}

#[test]
fn interface_add_set_enable_disable_delete() {
    let env = Env::new();
    let out = env.ok(&[
        "interface",
        "add",
        "Branch",
        "--type",
        "full-router",
        "--dialout-hours",
        "1 08:00-17:00",
        "--dialout-hours",
        "3 09:00-12:00 13:00-17:30",
    ]);
    assert!(
        out.starts_with("interface \"Branch\" created (key "),
        "{out}"
    );
    let j = env.json(&["show", "interface", "branch"]);
    assert_eq!(j["type"], "full-router");
    assert_eq!(
        j["dialout_hours"],
        serde_json::json!(["1 08:00-17:00", "3 09:00-12:00 13:00-17:30"])
    );

    env.ok(&["interface", "disable", "Branch"]);
    assert_eq!(env.json(&["show", "interface", "Branch"])["enabled"], false);
    env.ok(&["interface", "enable", "Branch"]);
    assert_eq!(env.json(&["show", "interface", "Branch"])["enabled"], true);
    env.ok(&[
        "interface",
        "set",
        "Branch",
        "--disable",
        "--no-dialout-hours",
    ]);
    let j = env.json(&["show", "interface", "Branch"]);
    assert_eq!(
        (j["enabled"].clone(), j["dialout_hours"].clone()),
        (Value::Bool(false), Value::Null)
    );
    env.ok(&[
        "interface",
        "set",
        "Branch",
        "--dialout-hours",
        "0 00:00-24:00",
    ]);
    assert_eq!(
        env.json(&["show", "interface", "Branch"])["dialout_hours"][0],
        "0 00:00-24:00"
    );
    env.fail(
        &["interface", "set", "Branch"],
        2,
        87,
        "ERROR_INVALID_PARAMETER",
    );

    env.fail(
        &["interface", "add", "BRANCH", "--type", "dedicated"],
        2,
        904,
        "ERROR_INTERFACE_ALREADY_EXISTS",
    );
    let bad_type = env.fail(
        &["interface", "add", "x", "--type", "wifi"],
        2,
        87,
        "ERROR_INVALID_PARAMETER",
    );
    assert!(
        bad_type.contains("bad interface type \"wifi\""),
        "{bad_type}"
    );
    env.fail(
        &[
            "interface",
            "add",
            "y",
            "--type",
            "home-router",
            "--dialout-hours",
            "9 25:00-26:00",
        ],
        2,
        87,
        "ERROR_INVALID_PARAMETER",
    );
    // Dedicated interfaces cannot be disabled (spec Q17): the API's 87 comes through.
    env.ok(&["interface", "add", "lan9", "--type", "dedicated"]);
    env.fail(
        &["interface", "disable", "lan9"],
        2,
        87,
        "ERROR_INVALID_PARAMETER",
    );

    let json = env.json(&["interface", "delete", "Branch"]);
    assert_eq!(json["deleted"], "Branch");
    env.fail(
        &["show", "interface", "Branch"],
        1,
        905,
        "ERROR_NO_SUCH_INTERFACE",
    );
}

#[test]
fn transports_add_set_delete() {
    let env = Env::new();
    env.ok(&["transport", "delete", "ipv6"]);
    assert!(!env.ok(&["show", "transports"]).contains("ipv6"));
    env.fail(
        &["transport", "delete", "ipv6"],
        1,
        902,
        "ERROR_UNKNOWN_PROTOCOL_ID",
    );

    let out = env.ok(&["transport", "add", "ipv6"]);
    assert!(out.contains("(0x57) configured"), "{out}");
    let api = env.api();
    let info = api
        .transport_get_info(&api.transport_get_handle(pid::IPV6).unwrap())
        .unwrap();
    assert_eq!(
        info.dll_path.as_deref(),
        Some(r"%SystemRoot%\System32\iprtrmgr.dll")
    );
    assert_eq!(
        info.global_info.as_deref(),
        Some(&mprconfig::layout::DEFAULT_IPV6_GLOBAL_INFO[..])
    );

    env.ok(&["transport", "set", "ipv6", "--dll", r"C:\x.dll"]);
    assert_eq!(
        env.json(&["show", "transport", "ipv6"])["dll_path"],
        r"C:\x.dll"
    );
    env.fail(
        &["transport", "set", "ipv6"],
        2,
        87,
        "ERROR_INVALID_PARAMETER",
    );

    // IPX with a header given in hex and a client-interface header from a file.
    std::fs::write(
        env.path("client.bin"),
        [1, 0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0],
    )
    .unwrap();
    env.ok(&[
        "transport",
        "add",
        "ipx",
        "--global-info",
        "01000000 0c000000 00000000",
        "--client-info",
        "@client.bin",
        "--name",
        "IPX",
    ]);
    let j = env.json(&["show", "transport", "ipx"]);
    assert_eq!(
        (
            j["name"].clone(),
            j["global_info"]["bytes"].clone(),
            j["client_interface_info"]["bytes"].clone()
        ),
        ("IPX".into(), 12.into(), 12.into())
    );
    env.fail(
        &["transport", "add", "0x99", "--global-info", "01 02"],
        2,
        87,
        "ERROR_INVALID_PARAMETER",
    );
    env.fail(
        &["transport", "add", "0x99", "--global-info", "xyz"],
        2,
        87,
        "ERROR_INVALID_PARAMETER",
    );
    env.ok(&["transport", "delete", "0x2b"]);
    env.fail(
        &["show", "transport", "ipx"],
        1,
        902,
        "ERROR_UNKNOWN_PROTOCOL_ID",
    );
}

#[test]
fn iftransports_add_set_remove() {
    let env = Env::new();
    env.ok(&["interface", "add", "R", "--type", "full-router"]);
    assert_eq!(
        env.json(&["show", "iftransports", "R"]),
        serde_json::json!([])
    );
    env.ok(&["iftransport", "add", "R", "ip"]);
    assert_eq!(
        interface_blob(&env, "R", pid::IP),
        mprconfig::layout::DEFAULT_INTERFACE_INFO.to_vec()
    );
    env.ok(&[
        "iftransport",
        "set",
        "R",
        "ip",
        "--info",
        "01000000 0c000000 00000000",
    ]);
    assert_eq!(interface_blob(&env, "R", pid::IP).len(), 12);
    env.fail(
        &[
            "iftransport",
            "set",
            "R",
            "ip",
            "--info",
            "02000000 0c000000 00000000",
        ],
        2,
        87,
        "ERROR_INVALID_PARAMETER",
    );
    let line = env.fail(
        &[
            "iftransport",
            "set",
            "R",
            "ipv6",
            "--info",
            "01000000 0c000000 00000000",
        ],
        1,
        905,
        "ERROR_NO_SUCH_INTERFACE",
    );
    assert!(line.contains("has no ipv6 transport"), "{line}");
    env.ok(&["iftransport", "remove", "R", "ip"]);
    env.fail(
        &["iftransport", "remove", "R", "ip"],
        1,
        905,
        "ERROR_NO_SUCH_INTERFACE",
    );
}

#[test]
fn routes_are_written_in_the_72_byte_layout_and_listed_back() {
    let env = Env::new();
    env.ok(&["interface", "add", "Branch", "--type", "full-router"]);
    env.ok(&["iftransport", "add", "Branch", "ip"]);
    env.ok(&["iftransport", "add", "Branch", "ipv6"]);
    let out = env.ok(&[
        "route",
        "add",
        "Branch",
        "10.20.0.0/16",
        "--via",
        "192.168.1.254",
        "--metric",
        "5",
        "--preference",
        "3",
    ]);
    assert_eq!(
        out.trim(),
        "route to 10.20.0.0/16 via 192.168.1.254 added to interface \"Branch\""
    );
    env.ok(&["route", "add", "Branch", "172.16.0.0/12"]);
    env.ok(&[
        "route",
        "add",
        "Branch",
        "2001:db8::/32",
        "--via",
        "fe80::1",
    ]);

    // The bytes: registry-layout §4.4 offsets, in the interface's Ip header.
    let blob = interface_blob(&env, "Branch", pid::IP);
    let h = InfoHeader::parse(&blob).unwrap();
    let block = h
        .blocks
        .iter()
        .find(|b| b.info_type == 0xFFFF_0005)
        .unwrap();
    assert_eq!((block.item_size, block.count), (72, 2));
    let b = &block.data[..72];
    assert_eq!(&b[0..4], &[10, 20, 0, 0]);
    assert_eq!(&b[4..8], &[255, 255, 0, 0]);
    assert_eq!(&b[12..16], &[192, 168, 1, 254]);
    assert_eq!(&b[24..28], &5u32.to_le_bytes());
    assert_eq!(&b[52..56], &4u32.to_le_bytes(), "indirect");
    assert_eq!(&b[56..60], &10006u32.to_le_bytes(), "NT_STATIC");
    assert_eq!(&b[60..64], &3u32.to_le_bytes());
    assert_eq!(&b[68..72], &1u32.to_le_bytes(), "bV4");
    assert_eq!(
        &block.data[72 + 52..72 + 56],
        &3u32.to_le_bytes(),
        "on-link route is direct"
    );
    // The other blocks of the default header are still there.
    assert!(h.blocks.iter().any(|b| b.info_type == 0xFFFF_0004));
    let v6 =
        blocks::routes(&InfoHeader::parse(&interface_blob(&env, "Branch", pid::IPV6)).unwrap())
            .unwrap();
    let RouteItem::Interface(r6) = &v6[0] else {
        panic!("72-byte item expected")
    };
    assert_eq!(r6.encode()[68..72], [0, 0, 0, 0], "bV4 = 0 for IPv6");
    assert_eq!(
        (
            v6[0].dest().to_string(),
            v6[0].prefix_len(),
            v6[0].next_hop().to_string()
        ),
        ("2001:db8::".into(), Some(32), "fe80::1".into())
    );

    // Listed back with the same fields.
    let t = rows(&env.ok(&["route", "list", "Branch"]));
    assert_eq!(
        t[0],
        [
            "Destination",
            "Next hop",
            "Metric",
            "Preference",
            "Protocol",
            "IfIndex",
            "Layout"
        ]
    );
    assert_eq!(
        t[1],
        [
            "10.20.0.0/16",
            "192.168.1.254",
            "5",
            "3",
            "NT_STATIC",
            "0",
            "72"
        ]
    );
    assert_eq!(
        t[2],
        ["172.16.0.0/12", "on-link", "1", "0", "NT_STATIC", "0", "72"]
    );
    assert_eq!(t[3][..3], ["2001:db8::/32", "fe80::1", "1"]);
    let j = env.json(&["route", "list", "Branch"]);
    assert_eq!(j[0]["destination"], "10.20.0.0");
    assert_eq!(j[0]["prefix_length"], 16);
    assert_eq!(j[0]["metric"], 5);
    assert_eq!(j[2]["family"], "ipv6");

    env.fail(
        &[
            "route",
            "add",
            "Branch",
            "10.20.0.0/16",
            "--via",
            "192.168.1.254",
        ],
        2,
        183,
        "ERROR_ALREADY_EXISTS",
    );
    for bad in ["10.0.0.0/33", "10.0.0/8", "10.1.2.3/8", "banana"] {
        let line = env.fail(
            &["route", "add", "Branch", bad],
            2,
            87,
            "ERROR_INVALID_PARAMETER",
        );
        assert!(line.contains(&format!("bad CIDR \"{bad}\"")), "{line}");
    }
    env.fail(
        &["route", "add", "Branch", "10.9.0.0/16", "--via", "fe80::1"],
        2,
        87,
        "ERROR_INVALID_PARAMETER",
    );

    env.ok(&[
        "route",
        "delete",
        "Branch",
        "10.20.0.0/16",
        "--via",
        "192.168.1.254",
    ]);
    env.fail(
        &["route", "delete", "Branch", "10.20.0.0/16"],
        1,
        1168,
        "ERROR_NOT_FOUND",
    );
    env.ok(&["route", "delete", "Branch", "172.16.0.0/12"]);
    env.ok(&["route", "delete", "Branch", "2001:db8::/32"]);
    assert_eq!(
        env.json(&["route", "list", "Branch"]),
        serde_json::json!([])
    );
    // Emptied, the Ip header is Windows' default blob again.
    assert_eq!(
        interface_blob(&env, "Branch", pid::IP),
        mprconfig::layout::DEFAULT_INTERFACE_INFO.to_vec()
    );
}

#[test]
fn legacy_56_byte_routes_are_listed() {
    let env = Env::new();
    let row = blocks::ForwardRow {
        dest: [10, 0, 0, 0].into(),
        mask: [255, 0, 0, 0].into(),
        policy: 0,
        next_hop: [192, 168, 0, 1].into(),
        if_index: 2,
        route_type: 4,
        proto: 10002,
        age: 0,
        next_hop_as: 0,
        metrics: [7, 0, 0, 0, 0],
    };
    let mut h = InfoHeader::new(1).unwrap();
    h.add(0xFFFF_0005, 56, 1, &row.encode()).unwrap();
    let api = env.api();
    let lo = api.interface_get_handle("Loopback").unwrap();
    api.if_transport_set_info(
        &api.if_transport_get_handle(&lo, pid::IP).unwrap(),
        &h.to_bytes(),
    )
    .unwrap();
    let t = rows(&env.ok(&["route", "list", "Loopback"]));
    assert_eq!(
        t[1],
        [
            "10.0.0.0/8",
            "192.168.0.1",
            "7",
            "0",
            "NT_AUTOSTATIC",
            "2",
            "56"
        ]
    );
}

#[test]
fn filters_are_written_as_filter_descriptors_and_listed_back() {
    let env = Env::new();
    env.ok(&["interface", "add", "Branch", "--type", "full-router"]);
    env.ok(&["iftransport", "add", "Branch", "ip"]);
    env.ok(&["iftransport", "add", "Branch", "ipv6"]);
    let out = env.ok(&[
        "filter",
        "add",
        "Branch",
        "in",
        "--src",
        "10.0.0.0/8",
        "--proto",
        "tcp",
        "--dst-port",
        "80",
    ]);
    assert_eq!(out.trim(), "ipv4 in filter 1 added to interface \"Branch\"");
    env.ok(&[
        "filter",
        "add",
        "Branch",
        "in",
        "--dst",
        "192.168.7.0/24",
        "--proto",
        "udp",
        "--src-port",
        "53",
    ]);
    env.ok(&[
        "filter",
        "add",
        "Branch",
        "out",
        "--proto",
        "icmp",
        "--icmp-type",
        "8",
        "--default-action",
        "drop",
    ]);
    env.ok(&[
        "filter",
        "add",
        "Branch",
        "demand-dial",
        "--dst",
        "2001:db8::/32",
        "--proto",
        "tcp",
        "--dst-port",
        "443",
    ]);

    // §4.3 bytes of the input descriptor: InfoSize 12 + 2·28, Count 1, ports big-endian.
    let h = InfoHeader::parse(&interface_blob(&env, "Branch", pid::IP)).unwrap();
    let block = h
        .blocks
        .iter()
        .find(|b| b.info_type == 0xFFFF_0001)
        .unwrap();
    assert_eq!((block.item_size, block.count), (12 + 2 * 28, 1));
    let d = &block.data;
    assert_eq!(&d[0..12], &[1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(&d[12..16], &[10, 0, 0, 0]);
    assert_eq!(&d[16..20], &[255, 0, 0, 0]);
    assert_eq!(&d[28..32], &6u32.to_le_bytes());
    assert_eq!(&d[36..40], &[0, 0, 0, 80]);
    assert_eq!(&d[40 + 8..40 + 12], &[192, 168, 7, 0]);
    assert_eq!(&d[40 + 24..40 + 28], &[0, 53, 0, 0]);
    let out_block = h
        .blocks
        .iter()
        .find(|b| b.info_type == 0xFFFF_0002)
        .unwrap();
    assert_eq!(
        &out_block.data[8..12],
        &1u32.to_le_bytes(),
        "default action DROP"
    );
    assert_eq!(
        &out_block.data[36..40],
        &[8, 0, 0xFF, 0],
        "ICMP type little-endian, code not given = FILTER_ICMP_CODE_ANY"
    );
    let v6 = FilterDescriptor::from_header(
        &InfoHeader::parse(&interface_blob(&env, "Branch", pid::IPV6)).unwrap(),
        FilterDirection::DemandDial,
        true,
    )
    .unwrap()
    .unwrap();
    assert_eq!(
        v6.filters[0].destination(),
        ("2001:db8::".parse().unwrap(), Some(32))
    );
    assert_eq!(v6.filters[0].ports(), (0, 443));

    let t = rows(&env.ok(&["filter", "list", "Branch"]));
    assert_eq!(
        t[0],
        [
            "Direction",
            "Family",
            "#",
            "Source",
            "Destination",
            "Protocol",
            "Src port/type",
            "Dst port/code",
            "Default"
        ]
    );
    assert_eq!(
        t[1],
        [
            "in",
            "ipv4",
            "1",
            "10.0.0.0/8",
            "any",
            "tcp",
            "any",
            "80",
            "forward"
        ]
    );
    assert_eq!(
        t[2],
        [
            "in",
            "ipv4",
            "2",
            "any",
            "192.168.7.0/24",
            "udp",
            "53",
            "any",
            "forward"
        ]
    );
    assert_eq!(
        t[3],
        ["out", "ipv4", "1", "any", "any", "icmp", "8", "any", "drop"]
    );
    assert_eq!(
        t[4],
        [
            "demand-dial",
            "ipv6",
            "1",
            "any",
            "2001:db8::/32",
            "tcp",
            "any",
            "443",
            "forward"
        ]
    );
    let j = env.json(&["filter", "list", "Branch", "in"]);
    assert_eq!(j.as_array().unwrap().len(), 1);
    assert_eq!(j[0]["filters"][0]["dst_port"], 80);
    assert_eq!(j[0]["filters"][1]["src_port"], 53);

    // Errors.
    env.fail(
        &[
            "filter",
            "add",
            "Branch",
            "in",
            "--src",
            "10.0.0.0/8",
            "--proto",
            "tcp",
            "--dst-port",
            "80",
        ],
        2,
        183,
        "ERROR_ALREADY_EXISTS",
    );
    for bad in ["0", "65536", "http"] {
        let line = env.fail(
            &[
                "filter",
                "add",
                "Branch",
                "in",
                "--proto",
                "tcp",
                "--dst-port",
                bad,
            ],
            2,
            87,
            "ERROR_INVALID_PARAMETER",
        );
        assert!(line.contains(&format!("bad port \"{bad}\"")), "{line}");
    }
    env.fail(
        &["filter", "add", "Branch", "in", "--dst-port", "80"],
        2,
        87,
        "ERROR_INVALID_PARAMETER",
    );
    env.fail(
        &[
            "filter",
            "add",
            "Branch",
            "in",
            "--src",
            "10.0.0.0/8",
            "--dst",
            "::/0",
        ],
        2,
        87,
        "ERROR_INVALID_PARAMETER",
    );
    env.fail(
        &["filter", "add", "Branch", "in", "--src", "10.0.0.1/8"],
        2,
        87,
        "ERROR_INVALID_PARAMETER",
    );
    env.fail(
        &["filter", "add", "Branch", "sideways"],
        2,
        87,
        "ERROR_INVALID_PARAMETER",
    );
    let line = env.fail(
        &["filter", "add", "Loopback", "demand-dial", "--proto", "udp"],
        2,
        87,
        "ERROR_INVALID_PARAMETER",
    );
    assert!(line.contains("demand-dial filters apply only"), "{line}");

    // Delete by index and by fields; the emptied forwarding set disappears.
    env.ok(&["filter", "delete", "Branch", "in", "--index", "1"]);
    env.fail(
        &["filter", "delete", "Branch", "in", "--index", "5"],
        1,
        1168,
        "ERROR_NOT_FOUND",
    );
    env.fail(
        &["filter", "delete", "Branch", "in"],
        2,
        87,
        "ERROR_INVALID_PARAMETER",
    );
    env.ok(&[
        "filter",
        "delete",
        "Branch",
        "in",
        "--dst",
        "192.168.7.0/24",
        "--proto",
        "udp",
        "--src-port",
        "53",
    ]);
    let h = InfoHeader::parse(&interface_blob(&env, "Branch", pid::IP)).unwrap();
    assert!(!h.blocks.iter().any(|b| b.info_type == 0xFFFF_0001));
    env.fail(
        &["filter", "delete", "Branch", "in", "--proto", "udp"],
        1,
        1168,
        "ERROR_NOT_FOUND",
    );
    // The dropping output set keeps its action with no filters left.
    env.ok(&[
        "filter",
        "delete",
        "Branch",
        "out",
        "--proto",
        "icmp",
        "--icmp-type",
        "8",
    ]);
    let t = rows(&env.ok(&["filter", "list", "Branch", "out"]));
    assert_eq!(t[1], ["out", "ipv4", "-", "-", "-", "-", "-", "-", "drop"]);
    env.ok(&["filter", "default", "Branch", "out", "forward"]);
    assert_eq!(
        env.json(&["filter", "list", "Branch", "out"])[0]["default_action"],
        "forward"
    );

    // Static filtering per transport (MprConfigFilterSetInfo).
    env.ok(&["filter", "enable", "ip"]);
    assert_eq!(
        env.json(&["show", "transport", "ip"])["filters_enabled"],
        true
    );
    env.ok(&["filter", "disable", "ip"]);
    assert_eq!(
        env.json(&["show", "transport", "ip"])["filters_enabled"],
        false
    );
}

#[test]
fn infoblock_show_decodes_every_block() {
    let env = Env::new();
    let out = env.ok(&["infoblock", "show", "--transport", "ip"]);
    assert!(
        out.starts_with("transport 0x21 global info: 120 bytes, 2 blocks"),
        "{out}"
    );
    assert!(
        out.contains("Block 1: 0xffff0003 IP_GLOBAL_INFO (GLOBAL_INFO), InfoSize 8, Count 1"),
        "{out}"
    );
    assert!(out.contains("dwLoggingLevel  1 (ERROR)"), "{out}");
    assert!(out.contains("dwProtocolId  10006 (NT_STATIC)"), "{out}");
    let j = env.json(&[
        "infoblock",
        "show",
        "--interface",
        "Loopback",
        "--transport",
        "ip",
    ]);
    let blocks = j["blocks"].as_array().unwrap();
    assert_eq!(blocks[0]["name"], "IP_ROUTE_INFO");
    assert_eq!(
        blocks[1]["items"][0]["dwAdminStatus"],
        serde_json::json!({ "value": 1, "name": "UP" })
    );
    assert_eq!(blocks[2]["items"][0]["wMinAdvtInterval"], 450);

    // A header from a file, with an unknown block shown as hex.
    let mut h = InfoHeader::new(1).unwrap();
    h.add(0x1234_5678, 3, 1, &[0xde, 0xad, 0xbf]).unwrap();
    h.add(0xFFFF_0004, 4, 1, &2u32.to_le_bytes()).unwrap();
    std::fs::write(env.path("h.bin"), h.to_bytes()).unwrap();
    let out = env.ok(&["infoblock", "show", "--file", "h.bin"]);
    assert!(
        out.contains("Block 1: 0x12345678 (unknown type), InfoSize 3, Count 1\n  0000  de ad bf"),
        "{out}"
    );
    assert!(out.contains("dwAdminStatus  2 (DOWN)"), "{out}");
    assert_eq!(
        env.json(&["infoblock", "show", "--file", "h.bin"])["blocks"][0]["raw"],
        "deadbf"
    );

    std::fs::write(env.path("bad.bin"), [9, 9, 9]).unwrap();
    env.fail(
        &["infoblock", "show", "--file", "bad.bin"],
        2,
        87,
        "ERROR_INVALID_PARAMETER",
    );
    env.fail(&["infoblock", "show"], 2, 87, "ERROR_INVALID_PARAMETER");
    env.fail(
        &["infoblock", "show", "--transport", "ip", "--client"],
        1,
        1168,
        "ERROR_NOT_FOUND",
    );
}

#[test]
fn backup_and_restore_round_trip() {
    let env = Env::new();
    env.ok(&["interface", "add", "Keep", "--type", "full-router"]);
    let out = env.ok(&["backup", "saved.reg"]);
    assert!(
        out.starts_with("configuration saved to saved.reg ("),
        "{out}"
    );
    env.ok(&["interface", "delete", "Keep"]);
    env.ok(&["interface", "add", "Gone", "--type", "full-router"]);
    env.ok(&["restore", "saved.reg"]);
    env.ok(&["show", "interface", "Keep"]);
    env.fail(
        &["show", "interface", "Gone"],
        1,
        905,
        "ERROR_NO_SUCH_INTERFACE",
    );
    // A directory means DIR/mprconfig-backup.reg.
    std::fs::create_dir(env.path("backups")).unwrap();
    assert_eq!(
        env.json(&["backup", "backups"])["file"],
        "backups/mprconfig-backup.reg"
    );
    std::fs::write(env.path("junk.reg"), b"not a backup").unwrap();
    env.fail(&["restore", "junk.reg"], 2, 13, "ERROR_INVALID_DATA");
    env.ok(&["show", "interface", "Keep"]);
}

#[test]
fn windows_export_imports_shows_14_interfaces_and_exports_byte_identical() {
    let env = Env::new();
    let out = env.ok(&["import-reg", W7]);
    assert!(
        out.contains("imported 50 keys") && out.contains("14 interfaces"),
        "{out}"
    );
    let j = env.json(&["show", "interfaces"]);
    let all = j.as_array().unwrap();
    assert_eq!(all.len(), 14);
    assert_eq!(
        (all[0]["name"].as_str(), all[0]["type_id"].as_i64()),
        (Some("Loopback"), Some(5))
    );
    assert_eq!(
        (all[1]["name"].as_str(), all[1]["type_id"].as_i64()),
        (Some("Internal"), Some(4))
    );
    for e in &all[2..] {
        assert_eq!(e["type"], "dedicated");
        assert!(e["name"].as_str().unwrap().starts_with('{'));
    }
    env.ok(&["export-reg", "out.reg"]);
    assert!(
        read(env.path("out.reg")) == read(W7),
        "export differs from the imported file"
    );
    // Export to stdout: the same bytes.
    let stdout = env.command(&["export-reg", "-"]).output().unwrap().stdout;
    assert!(stdout == read(W7));

    // The same file as UTF-8 with LF line ends imports to the same configuration.
    let bytes = read(W7);
    let units: Vec<u16> = bytes[2..]
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let utf8 = String::from_utf16(&units).unwrap().replace("\r\n", "\n");
    let env2 = Env::new();
    std::fs::write(env2.path("w7-utf8.reg"), &utf8).unwrap();
    env2.ok(&["import-reg", "w7-utf8.reg"]);
    env2.ok(&["export-reg", "out.reg"]);
    assert!(read(env2.path("out.reg")) == read(W7));
}

#[test]
fn malformed_reg_files_are_rejected_with_the_line_and_change_nothing() {
    let env = Env::new();
    let before = env.json(&["show", "interfaces"]);
    let write = |name: &str, text: &str| std::fs::write(env.path(name), text).unwrap();
    write(
        "bad-hex.reg",
        "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\RemoteAccess]\r\n\"A\"=dword:00000001\r\n\"B\"=hex:01,zz\r\n",
    );
    let line = env.fail(&["import-reg", "bad-hex.reg"], 2, 13, "ERROR_INVALID_DATA");
    assert!(line.contains(".reg line 5: "), "{line}");
    write(
        "hkcu.reg",
        "Windows Registry Editor Version 5.00\n\n[HKEY_CURRENT_USER\\Software]\n",
    );
    assert!(
        env.fail(&["import-reg", "hkcu.reg"], 2, 13, "ERROR_INVALID_DATA")
            .contains("line 3")
    );
    write("header.reg", "REGEDIT4\n");
    env.fail(&["import-reg", "header.reg"], 2, 13, "ERROR_INVALID_DATA");
    write(
        "outside.reg",
        "Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Other]\n\"x\"=\"y\"\n",
    );
    assert!(
        env.fail(&["import-reg", "outside.reg"], 2, 13, "ERROR_INVALID_DATA")
            .contains(r"SOFTWARE\Other")
    );
    // Valid syntax, invalid configuration: a malformed InterfaceInfo blob is refused whole.
    write(
        "blob.reg",
        "Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\RemoteAccess\\Interfaces\\0\\Ip]\n\"InterfaceInfo\"=hex:09,09\n",
    );
    let r = env.run(&["import-reg", "blob.reg"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    env.fail(&["import-reg", "missing.reg"], 1, 3, "ERROR_PATH_NOT_FOUND");
    assert_eq!(env.json(&["show", "interfaces"]), before);
}

#[test]
fn importing_a_subtree_replaces_only_that_subtree() {
    let env = Env::new();
    env.ok(&["interface", "add", "Old", "--type", "full-router"]);
    let text = "Windows Registry Editor Version 5.00\n\n\
        [HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\RemoteAccess\\Interfaces]\n\n\
        [HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\RemoteAccess\\Interfaces\\0]\n\
        \"InterfaceName\"=\"Only\"\n\"Type\"=dword:00000002\n\"Enabled\"=dword:00000000\n";
    std::fs::write(env.path("ifs.reg"), text).unwrap();
    let j = env.json(&["import-reg", "ifs.reg"]);
    assert_eq!(j["interfaces"], 1);
    let all = env.json(&["show", "interfaces"]);
    assert_eq!(all[0]["name"], "Only");
    assert_eq!(all[0]["enabled"], false);
    // Transports were not in the file and stay.
    assert_eq!(
        env.json(&["show", "transports"]).as_array().unwrap().len(),
        2
    );
}

#[test]
fn progress_stays_quiet_when_piped() {
    let env = Env::new();
    // Env::ok asserts an empty stderr; these are the long operations.
    env.ok(&["backup", "b.reg"]);
    env.ok(&["import-reg", W7]);
    env.ok(&["export-reg", "e.reg"]);
    env.ok(&["restore", "b.reg"]);
}

/// `plan` and `status` with no router manager: computed here from the store and this kernel.
/// The socket is pointed into the temporary directory so a manager on the host is never asked.
#[test]
fn plan_and_status_without_a_router_manager_report_pending_and_not_applied_items() {
    let mut env = Env::new();
    let socket = env.path("router.sock").display().to_string();
    env.vars.push(("MPRCONFIG_ROUTER_SOCKET".into(), socket));
    // A LAN interface whose Linux link does not exist, with a route, and a demand-dial one.
    env.ok(&["interface", "add", "mprtnone0", "--type", "dedicated"]);
    env.ok(&["iftransport", "add", "mprtnone0", "ip"]);
    env.ok(&[
        "route",
        "add",
        "mprtnone0",
        "10.77.0.0/16",
        "--via",
        "10.1.0.1",
    ]);
    env.ok(&["interface", "add", "Branch", "--type", "full-router"]);

    let plan = env.ok(&["plan"]);
    assert!(
        plan.contains("(from this configuration and kernel (no router manager runs)"),
        "{plan}"
    );
    assert!(
        !plan.contains("mprtnone0"),
        "a route on a missing link is not planned: {plan}"
    );
    assert!(plan.contains("not applied, see `mprcfg status`"), "{plan}");
    let json = env.json(&["plan"]);
    let changes = json["changes"].as_array().expect("changes");
    assert!(
        changes
            .iter()
            .all(|c| !c.as_str().unwrap_or("").contains("10.77.0.0")),
        "{changes:?}"
    );

    let status = env.ok(&["status"]);
    assert!(
        status.starts_with("router manager: not running"),
        "{status}"
    );
    let t = rows(
        status
            .lines()
            .skip(1)
            .collect::<Vec<_>>()
            .join("\n")
            .as_str(),
    );
    assert_eq!(t[0], ["Kind", "Object", "State", "Packets", "Reason"]);
    let route = t
        .iter()
        .find(|r| r[0] == "route")
        .unwrap_or_else(|| panic!("no route row: {status}"));
    assert!(
        route[1].starts_with("10.77.0.0/16 via 10.1.0.1 dev mprtnone0 metric "),
        "{route:?}"
    );
    assert_eq!(route[2], "pending");
    assert_eq!(route[route.len() - 1], "there is no link mprtnone0");
    let branch = t
        .iter()
        .find(|r| r[1] == "interface \"Branch\" (type FULL_ROUTER)")
        .unwrap_or_else(|| panic!("no row for Branch: {status}"));
    assert_eq!(branch[2], "not-applied");
    assert!(
        branch[branch.len() - 1].starts_with("demand-dial"),
        "{branch:?}"
    );
    let link = t
        .iter()
        .find(|r| r[0] == "link" && r[1] == "mprtnone0 up")
        .unwrap_or_else(|| panic!("no link row: {status}"));
    assert_eq!(link[2..], ["pending", "there is no link mprtnone0"]);
    let json = env.json(&["status"]);
    assert!(json["manager"].is_null(), "{json}");
}
