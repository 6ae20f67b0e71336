//! `mprcfg show config` and `mprcfg load FILE [--dry-run]` on local stores: the document is
//! deterministic, `load` on a fresh store reproduces it exactly, a dry run changes nothing, the
//! difference is printed first, and a batch that fails leaves no trace.

mod support;

use mprconfig::{PortConfig, ServerInfo};
use serde_json::Value;
use support::Env;

/// A configuration far from the default tree: a full-router interface with an ip transport
/// carrying a route and a filter, a disabled Loopback, an extra transport, static filters on,
/// other port counts.
fn customised() -> Env {
    let env = Env::new();
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
        "--metric",
        "5",
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
    env.ok(&["interface", "add", "aardvark", "--type", "full-router"]);
    env.ok(&["interface", "disable", "Loopback"]);
    env.ok(&["transport", "add", "ipx"]);
    env.ok(&["filter", "enable", "ip"]);
    let api = env.api();
    let mut info = api.server_get_info().unwrap();
    info.pptp = PortConfig {
        num_ports: 7,
        port_flags: 1,
    };
    api.server_set_info(2, &info).unwrap();
    env
}

fn show_config(env: &Env) -> String {
    env.ok(&["--json", "show", "config"])
}

#[test]
fn show_config_is_deterministic_and_sorted() {
    let env = customised();
    let a = show_config(&env);
    assert_eq!(a, show_config(&env));
    let doc: Value = serde_json::from_str(&a).unwrap();
    assert_eq!(doc["format"], "mprconfig-config");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["server"]["pptp"]["ports"], 7);
    let names: Vec<String> = doc["interfaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_lowercase())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert!(names.contains(&"aardvark".to_string()), "{names:?}");
    let pids: Vec<u64> = doc["transports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["protocol_id"].as_u64().unwrap())
        .collect();
    assert_eq!(pids, [0x21, 0x2b, 0x57]);
    // The route is a decoded block of Branch's ip InterfaceInfo, with its data in hex.
    let branch = doc["interfaces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "Branch")
        .unwrap();
    let blocks = branch["transports"][0]["interface_info"]["blocks"]
        .as_array()
        .unwrap();
    let route = blocks
        .iter()
        .find(|b| b["name"] == "IP_ROUTE_INFO")
        .expect("a route block");
    let size = route["item_size"].as_u64().unwrap() * route["count"].as_u64().unwrap();
    assert!(size > 0, "{route}");
    assert_eq!(
        route["data"].as_str().unwrap().len() as u64,
        2 * size,
        "{route}"
    );
    assert!(route["decoded"]["items"][0].is_object(), "{route}");
}

#[test]
fn load_on_a_fresh_store_reproduces_show_config_exactly() {
    let src = customised();
    let doc = show_config(&src);
    let dst = Env::new();
    let file = dst.path("router.json");
    std::fs::write(&file, &doc).unwrap();
    let out = dst.ok(&["load", file.to_str().unwrap()]);
    let lines: Vec<&str> = out.lines().collect();
    // The difference first, the summary last.
    assert!(lines.len() >= 2, "{out}");
    assert!(
        lines[..lines.len() - 1]
            .iter()
            .all(|l| ["+ ", "~ ", "- "].iter().any(|p| l.starts_with(p))),
        "{out}"
    );
    assert!(
        lines.contains(&"+ interface \"Branch\": full-router, 1 transports"),
        "{out}"
    );
    assert!(
        lines.contains(&"+ transport ipx (0x2b): name \"IPX\""),
        "{out}"
    );
    assert!(
        lines.last().unwrap().contains(" applied in one batch ("),
        "{out}"
    );
    assert_eq!(show_config(&dst), doc);
    // Loading it again finds nothing to do.
    let again = dst.ok(&["load", file.to_str().unwrap()]);
    assert!(again.starts_with("no changes"), "{again}");
}

#[test]
fn load_removes_what_the_document_lacks() {
    let fresh = Env::new();
    let doc = show_config(&fresh);
    let env = customised();
    let file = env.path("fresh.json");
    std::fs::write(&file, &doc).unwrap();
    let out = env.ok(&["load", file.to_str().unwrap()]);
    assert!(out.contains("- interface \"Branch\"\n"), "{out}");
    assert!(out.contains("- transport ipx (0x2b)"), "{out}");
    assert!(
        out.contains("~ interface \"Loopback\": enabled false -> true"),
        "{out}"
    );
    assert_eq!(show_config(&env), doc);
}

#[test]
fn a_dry_run_prints_the_difference_and_changes_nothing() {
    let src = customised();
    let file = src.path("router.json");
    std::fs::write(&file, show_config(&src)).unwrap();
    let dst = Env::new();
    let before = show_config(&dst);
    let r = dst.ok(&["--json", "load", "--dry-run", file.to_str().unwrap()]);
    let v: Value = serde_json::from_str(&r).unwrap();
    assert_eq!(v["dry_run"], true);
    assert_eq!(v["applied"], false);
    assert!(v["steps"].as_u64().unwrap() > 0, "{v}");
    let changes = v["changes"].as_array().unwrap();
    assert!(
        changes
            .iter()
            .any(|c| c["op"] == "added" && c["kind"] == "interface" && c["name"] == "\"Branch\""),
        "{v}"
    );
    let text = dst.ok(&["load", "--dry-run", file.to_str().unwrap()]);
    assert!(
        text.lines().last().unwrap().starts_with("dry run: "),
        "{text}"
    );
    assert_eq!(show_config(&dst), before);
}

#[test]
fn a_failing_step_leaves_no_trace() {
    let env = Env::new();
    let before = show_config(&env);
    let mut doc: Value = serde_json::from_str(&before).unwrap();
    let ifs = doc["interfaces"].as_array_mut().unwrap();
    // A good new interface first, then one the configuration refuses (bad dial-out hours).
    let mut good = ifs[0].clone();
    good["name"] = "Good".into();
    good["type_id"] = 2.into();
    good["transports"] = Value::Array(vec![]);
    let mut bad = good.clone();
    bad["name"] = "Bad".into();
    bad["dialout_hours"] = serde_json::json!(["9 25:00-26:00"]);
    ifs.push(good);
    ifs.push(bad);
    doc["server"]["sstp"]["ports"] = 3.into();
    let file = env.path("bad.json");
    std::fs::write(&file, doc.to_string()).unwrap();
    let r = env.run(&["load", file.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stdout.contains("+ interface \"Good\""),
        "the diff comes first: {}",
        r.stdout
    );
    assert!(r.stderr.contains("nothing was applied"), "{}", r.stderr);
    assert!(
        r.stderr.ends_with("(error 87: ERROR_INVALID_PARAMETER)\n"),
        "{}",
        r.stderr
    );
    assert_eq!(show_config(&env), before);
}

#[test]
fn a_malformed_document_is_invalid_data_naming_the_member() {
    let env = Env::new();
    let mut doc: Value = serde_json::from_str(&show_config(&env)).unwrap();
    doc["interfaces"][0]["enabled"] = "yes".into();
    let file = env.path("x.json");
    std::fs::write(&file, doc.to_string()).unwrap();
    let line = env.fail(
        &["load", file.to_str().unwrap()],
        2,
        13,
        "ERROR_INVALID_DATA",
    );
    assert!(
        line.contains("interfaces[0].enabled: expected true or false"),
        "{line}"
    );
    std::fs::write(&file, "{ not json").unwrap();
    env.fail(
        &["load", file.to_str().unwrap()],
        2,
        13,
        "ERROR_INVALID_DATA",
    );
}

#[test]
fn the_server_section_round_trips_its_ports() {
    let src = customised();
    let dst = Env::new();
    let file = dst.path("router.json");
    std::fs::write(&file, show_config(&src)).unwrap();
    dst.ok(&["load", file.to_str().unwrap()]);
    let info: ServerInfo = dst.api().server_get_info().unwrap();
    assert_eq!(
        info.pptp,
        PortConfig {
            num_ports: 7,
            port_flags: 1
        }
    );
}
