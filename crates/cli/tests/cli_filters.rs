//! `mprcfg filter add` with ICMP: what a missing type or code stores (Windows' "any", 0xFF),
//! and how such filters list and delete.

mod support;

use mprconfig::blocks::{FilterDescriptor, FilterDirection};
use mprconfig::info::InfoHeader;
use mprconfig::pid;
use support::{Env, rows};

fn descriptor(env: &Env, name: &str, protocol: u32, dir: FilterDirection) -> FilterDescriptor {
    let api = env.api();
    let iface = api.interface_get_handle(name).unwrap();
    let id = api.if_transport_get_handle(&iface, protocol).unwrap();
    let blob = api.if_transport_get_info(&id).unwrap().unwrap();
    FilterDescriptor::from_header(
        &InfoHeader::parse(&blob).unwrap(),
        dir,
        protocol == pid::IPV6,
    )
    .unwrap()
    .unwrap()
}

fn env_with_interface() -> Env {
    let env = Env::new();
    env.ok(&["interface", "add", "lan", "--type", "dedicated"]);
    env.ok(&["iftransport", "add", "lan", "ip"]);
    env.ok(&["iftransport", "add", "lan", "ipv6"]);
    env
}

#[test]
fn icmp_filter_without_type_or_code_matches_any_type_and_code() {
    let env = env_with_interface();
    env.ok(&["filter", "add", "lan", "in", "--proto", "icmp"]);
    let d = descriptor(&env, "lan", pid::IP, FilterDirection::Input);
    assert_eq!(d.filters[0].ports(), (0xFF, 0xFF));
    let t = rows(&env.ok(&["filter", "list", "lan", "in"]));
    assert_eq!(
        t[1],
        [
            "in", "ipv4", "1", "any", "any", "icmp", "any", "any", "forward"
        ]
    );
    // The same fields find it again.
    env.ok(&["filter", "delete", "lan", "in", "--proto", "icmp"]);
}

#[test]
fn icmp_type_alone_leaves_the_code_any_and_any_is_accepted_by_name() {
    let env = env_with_interface();
    env.ok(&[
        "filter",
        "add",
        "lan",
        "out",
        "--ipv6",
        "--proto",
        "icmpv6",
        "--icmp-type",
        "128",
    ]);
    env.ok(&[
        "filter",
        "add",
        "lan",
        "out",
        "--proto",
        "icmp",
        "--icmp-type",
        "any",
        "--icmp-code",
        "0",
    ]);
    let v6 = descriptor(&env, "lan", pid::IPV6, FilterDirection::Output);
    assert_eq!(v6.filters[0].ports(), (128, 0xFF));
    let v4 = descriptor(&env, "lan", pid::IP, FilterDirection::Output);
    assert_eq!(v4.filters[0].ports(), (0xFF, 0));
    // Type 0 (echo reply) is a real value and stays distinct from any.
    env.ok(&[
        "filter",
        "add",
        "lan",
        "out",
        "--proto",
        "icmp",
        "--icmp-type",
        "0",
    ]);
    let v4 = descriptor(&env, "lan", pid::IP, FilterDirection::Output);
    assert_eq!(v4.filters[1].ports(), (0, 0xFF));
}
