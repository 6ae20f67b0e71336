//! `mprcfg -r` against a real server (mprd's service, run in-process over a store) on
//! 127.0.0.1, port 0: the same commands and outputs as locally, tokens and roles, trust, and
//! connection failures.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use mprconfig::RegistryConfig;
use mprconfig::RouterConfig;
use mprconfig::store::SqliteRegistry;
use mprconfig_remote_testkit::Opener;
use mprconfig_remote_testkit::TestServer;
use support::{Env, W7, read, rows};

struct Remote {
    env: Env,
    server: TestServer,
}

/// A store, a server on it, and an environment whose `mprcfg` talks to that server with the
/// admin token and the server's certificate as CA.
fn start() -> Remote {
    let mut env = Env::new();
    let store = env.path("server").join("router.db");
    std::fs::create_dir_all(store.parent().unwrap()).unwrap();
    drop(mprconfig::connect_store(&store).expect("create the server's store"));
    // As mprd serves a store: RegistryConfigs over SQLite connections shared by the sessions.
    let pool: Vec<Arc<dyn RouterConfig>> = (0..2)
        .map(|_| {
            Arc::new(RegistryConfig::new(
                SqliteRegistry::open(&store).expect("open"),
            )) as Arc<dyn RouterConfig>
        })
        .collect();
    let next = AtomicUsize::new(0);
    let opener: Opener =
        Arc::new(move || Ok(pool[next.fetch_add(1, Ordering::Relaxed) % pool.len()].clone()));
    let server =
        TestServer::start(store.parent().unwrap(), opener, |_| {}).expect("start the server");
    env.server = Some(format!("127.0.0.1:{}", server.addr.port()));
    env.vars
        .push(("MPRCONFIG_TOKEN".into(), server.admin_token.clone()));
    env.vars.push((
        "MPRCONFIG_CA".into(),
        server.cert_path.display().to_string(),
    ));
    Remote { env, server }
}

#[test]
fn commands_work_remotely_with_the_same_output() {
    let r = start();
    let env = &r.env;
    let t = rows(&env.ok(&["show", "interfaces"]));
    assert_eq!(t[0], ["Key", "Name", "Type", "State", "Dial-out hours"]);
    assert_eq!(t[1], ["0", "Loopback", "loopback", "enabled", "-"]);
    let server = env.ok(&["show", "server"]);
    assert!(
        server.contains(&format!("remote server 127.0.0.1:{}", r.server.addr.port())),
        "{server}"
    );

    env.ok(&[
        "interface",
        "add",
        "Branch",
        "--type",
        "full-router",
        "--dialout-hours",
        "1 08:00-17:00",
    ]);
    env.ok(&["iftransport", "add", "Branch", "ip"]);
    env.ok(&[
        "route",
        "add",
        "Branch",
        "10.20.0.0/16",
        "--via",
        "192.168.1.254",
    ]);
    env.ok(&[
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
    let routes = env.json(&["route", "list", "Branch"]);
    assert_eq!(
        (
            routes[0]["destination"].as_str(),
            routes[0]["next_hop"].as_str()
        ),
        (Some("10.20.0.0"), Some("192.168.1.254"))
    );
    assert_eq!(
        env.json(&["filter", "list", "Branch"])[0]["filters"][0]["dst_port"],
        80
    );
    assert_eq!(
        env.json(&["show", "interface", "branch"])["dialout_hours"][0],
        "1 08:00-17:00"
    );
    env.fail(
        &["show", "interface", "nope"],
        1,
        905,
        "ERROR_NO_SUCH_INTERFACE",
    );

    // A client-side backup file of the server's configuration, and a restore from it.
    env.ok(&["backup", "remote.reg"]);
    env.ok(&["interface", "delete", "Branch"]);
    env.ok(&["restore", "remote.reg"]);
    env.ok(&["show", "interface", "Branch"]);

    // The Windows export through the server.
    env.ok(&["import-reg", W7]);
    assert_eq!(
        env.json(&["show", "interfaces"]).as_array().unwrap().len(),
        14
    );
    env.ok(&["export-reg", "out.reg"]);
    assert!(read(env.path("out.reg")) == read(W7));
    let bad = env.path("bad.reg");
    std::fs::write(&bad, "Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\RemoteAccess]\n\"x\"=hex:1,2,\n").unwrap();
    assert!(
        env.fail(&["import-reg", "bad.reg"], 2, 13, "ERROR_INVALID_DATA")
            .contains("line 4")
    );
}

#[test]
fn every_other_command_works_remotely() {
    let r = start();
    let env = &r.env;
    // show
    let t = rows(&env.ok(&["show", "transports"]));
    assert_eq!(t[1][..3], ["0x21", "ip", "Ip"]);
    assert_eq!(env.json(&["show", "transport", "ipv6"])["name"], "Ipv6");
    assert_eq!(
        env.json(&["show", "iftransports", "Loopback"])
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // interface set/enable/disable
    env.ok(&["interface", "add", "D", "--type", "home-router"]);
    env.ok(&["interface", "disable", "D"]);
    assert_eq!(env.json(&["show", "interface", "D"])["enabled"], false);
    env.ok(&["interface", "enable", "D"]);
    env.ok(&["interface", "set", "D", "--dialout-hours", "2 10:00-11:00"]);
    assert_eq!(
        env.json(&["show", "interface", "D"])["dialout_hours"][0],
        "2 10:00-11:00"
    );
    // transport add/set/delete
    env.ok(&[
        "transport",
        "add",
        "ipx",
        "--global-info",
        "01000000 0c000000 00000000",
    ]);
    env.ok(&["transport", "set", "ipx", "--dll", "ipxrtmgr.dll"]);
    assert_eq!(
        env.json(&["show", "transport", "ipx"])["dll_path"],
        "ipxrtmgr.dll"
    );
    env.ok(&["transport", "delete", "ipx"]);
    env.fail(
        &["show", "transport", "ipx"],
        1,
        902,
        "ERROR_UNKNOWN_PROTOCOL_ID",
    );
    // iftransport add/set/remove
    env.ok(&["iftransport", "add", "D", "ipv6"]);
    env.ok(&["iftransport", "add", "D", "ip"]);
    env.ok(&[
        "iftransport",
        "set",
        "D",
        "ipv6",
        "--info",
        "01000000 0c000000 00000000",
    ]);
    assert_eq!(
        env.json(&["show", "iftransports", "D"])[0]["interface_info"]["bytes"],
        12
    );
    // route delete, filter delete/default/enable
    env.ok(&["route", "add", "D", "2001:db8::/32"]);
    env.ok(&["route", "delete", "D", "2001:db8::/32"]);
    env.fail(
        &["route", "delete", "D", "2001:db8::/32"],
        1,
        1168,
        "ERROR_NOT_FOUND",
    );
    env.ok(&[
        "filter",
        "add",
        "D",
        "demand-dial",
        "--proto",
        "udp",
        "--dst-port",
        "53",
    ]);
    env.ok(&["filter", "default", "D", "demand-dial", "drop"]);
    assert_eq!(
        env.json(&["filter", "list", "D"])[0]["default_action"],
        "drop"
    );
    env.ok(&["filter", "delete", "D", "demand-dial", "--index", "1"]);
    env.ok(&["filter", "enable", "ipv6"]);
    assert_eq!(
        env.json(&["show", "transport", "ipv6"])["filters_enabled"],
        true
    );
    // infoblock
    let blocks = env.json(&["infoblock", "show", "--interface", "D", "--transport", "ip"]);
    assert_eq!(blocks["blocks"][3]["name"], "IP_DEMAND_DIAL_FILTER_INFO");
    assert_eq!(
        blocks["blocks"][3]["items"][0]["faDefaultAction"]["name"],
        "DROP"
    );
    assert!(
        env.ok(&["infoblock", "show", "--transport", "ip"])
            .contains("IP_GLOBAL_INFO")
    );
    // interface delete
    env.ok(&["interface", "delete", "D"]);
    env.fail(
        &["show", "interface", "D"],
        1,
        905,
        "ERROR_NO_SUCH_INTERFACE",
    );
}

#[test]
fn a_reader_token_reads_but_cannot_write() {
    let mut r = start();
    r.env.vars.retain(|(k, _)| k != "MPRCONFIG_TOKEN");
    r.env
        .vars
        .push(("MPRCONFIG_TOKEN".into(), r.server.reader_token.clone()));
    r.env.ok(&["show", "interfaces"]);
    r.env.fail(
        &["interface", "add", "x", "--type", "full-router"],
        2,
        5,
        "ERROR_ACCESS_DENIED",
    );
    r.env.fail(
        &["route", "add", "Loopback", "10.0.0.0/8"],
        2,
        5,
        "ERROR_ACCESS_DENIED",
    );
}

#[test]
fn a_wrong_token_is_access_denied() {
    let mut r = start();
    r.env.vars.retain(|(k, _)| k != "MPRCONFIG_TOKEN");
    r.env.vars.push(("MPRCONFIG_TOKEN".into(), "0".repeat(64)));
    r.env
        .fail(&["show", "interfaces"], 2, 5, "ERROR_ACCESS_DENIED");
}

#[test]
fn an_untrusted_server_is_refused_until_trusted() {
    let mut r = start();
    r.env.vars.retain(|(k, _)| k != "MPRCONFIG_CA");
    let line = r
        .env
        .fail(&["show", "interfaces"], 2, 5, "ERROR_ACCESS_DENIED");
    assert!(
        line.contains(&r.server.fingerprint),
        "the error names the fingerprint: {line}"
    );

    let target = format!("127.0.0.1:{}", r.server.addr.port());
    let out = r.env.ok(&["trust", &target]);
    assert!(
        out.contains(&format!("sha256:{}", r.server.fingerprint)),
        "{out}"
    );
    assert_eq!(
        r.env.json(&["trust", &target])["fingerprint"],
        r.server.fingerprint.as_str()
    );
    // Now pinned in known_hosts under this HOME: the same command works.
    r.env.ok(&["show", "interfaces"]);
}

#[test]
fn an_unreachable_server_is_bad_netpath() {
    let mut env = Env::new();
    // A port nothing listens on: bind one, then close it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    env.server = Some(format!("127.0.0.1:{port}"));
    let line = env.fail(&["show", "interfaces"], 2, 53, "ERROR_BAD_NETPATH");
    assert!(
        line.starts_with(&format!("mprcfg: connect to 127.0.0.1:{port}: ")),
        "{line}"
    );
    env.fail(
        &["trust", &format!("127.0.0.1:{port}")],
        2,
        53,
        "ERROR_BAD_NETPATH",
    );
}

/// `plan` and `status` through `-r` ask the router manager of the server's machine, through
/// its mprd (docs/router.md, "Remote administration"); this server's machine runs none that
/// applies its store, so both are refused with the Windows answer for "the router is not
/// running", with the reason, rather than answered from this machine's kernel. (Answers from a
/// running router manager: `crates/mprapi/tests/admin_remote.rs`.)
#[test]
fn plan_and_status_through_mprd_without_a_router_manager_are_rpc_s_unknown_if() {
    let r = start();
    for cmd in ["plan", "status"] {
        let line = r.env.fail(&[cmd], 2, 1717, "RPC_S_UNKNOWN_IF");
        assert!(line.contains("no router manager runs on"), "{line}");
    }
}
