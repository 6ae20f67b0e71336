//! Nothing a user was told is saved gets lost: N processes × M `mprcfg route add` (and
//! `filter add`, and a mix of adds and deletes) at once on one interface store exactly what
//! was acknowledged, locally and against a server (mprd's service in-process on 127.0.0.1,
//! port 0). And `mprcfg watch` prints each committed change once, in order, as JSON lines.

mod support;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use mprconfig::store::SqliteRegistry;
use mprconfig::{RegistryConfig, RouterConfig};
use mprconfig_remote_testkit::{Opener, TestServer};
use serde_json::Value;
use support::Env;

/// Concurrent processes.
const N: usize = 4;
/// Commands each process runs, one after the other.
const M: usize = 10;

/// A server over a store of its own and an environment whose `mprcfg` talks to it.
fn remote() -> (Env, TestServer) {
    let mut env = Env::new();
    let store = env.path("server").join("router.db");
    std::fs::create_dir_all(store.parent().unwrap()).unwrap();
    drop(mprconfig::connect_store(&store).expect("create the server's store"));
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
    (env, server)
}

fn prepare(env: &Env) {
    env.ok(&["interface", "add", "wan1", "--type", "full-router"]);
    env.ok(&["iftransport", "add", "wan1", "ip"]);
}

/// Runs `args(p, i)` for i in 0..M in each of N threads at once, every command a process of
/// its own; every one must succeed.
fn hammer(env: &Env, args: impl Fn(usize, usize) -> Vec<String> + Sync) {
    std::thread::scope(|s| {
        for p in 0..N {
            let args = &args;
            s.spawn(move || {
                for i in 0..M {
                    let a = args(p, i);
                    let a: Vec<&str> = a.iter().map(String::as_str).collect();
                    let r = env.run(&a);
                    assert_eq!(r.code, 0, "mprcfg {a:?} failed: {}", r.stderr);
                }
            });
        }
    });
}

fn routes(env: &Env) -> BTreeSet<String> {
    let v = env.json(&["route", "list", "wan1"]);
    let list = v.as_array().expect("an array of routes");
    let set: BTreeSet<String> = list
        .iter()
        .map(|r| {
            format!(
                "{}/{}",
                r["destination"].as_str().unwrap(),
                r["prefix_length"]
            )
        })
        .collect();
    assert_eq!(set.len(), list.len(), "no route is stored twice");
    set
}

fn route_add(p: usize, i: usize) -> Vec<String> {
    [
        "route",
        "add",
        "wan1",
        &format!("10.{p}.{i}.0/24"),
        "--via",
        "192.168.1.1",
    ]
    .map(String::from)
    .to_vec()
}

fn concurrent_route_adds_lose_nothing(env: &Env) {
    prepare(env);
    hammer(env, route_add);
    let want: BTreeSet<String> = (0..N)
        .flat_map(|p| (0..M).map(move |i| format!("10.{p}.{i}.0/24")))
        .collect();
    assert_eq!(routes(env), want, "exactly N×M = {} routes", N * M);
}

fn concurrent_filter_adds_lose_nothing(env: &Env) {
    prepare(env);
    hammer(env, |p, i| {
        [
            "filter",
            "add",
            "wan1",
            "in",
            "--src",
            &format!("10.{p}.{i}.0/24"),
        ]
        .map(String::from)
        .to_vec()
    });
    let v = env.json(&["filter", "list", "wan1", "in"]);
    let sets = v.as_array().expect("an array of filter sets");
    let count: usize = sets
        .iter()
        .map(|d| d["filters"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(count, N * M, "exactly N×M filters: {v}");
}

/// Half the processes add new routes while the other half delete routes that were there.
fn concurrent_adds_and_deletes_lose_nothing(env: &Env) {
    prepare(env);
    for p in N / 2..N {
        for i in 0..M {
            let a = route_add(p, i);
            let a: Vec<&str> = a.iter().map(String::as_str).collect();
            env.ok(&a);
        }
    }
    hammer(env, |p, i| {
        if p < N / 2 {
            route_add(p, i)
        } else {
            ["route", "delete", "wan1", &format!("10.{p}.{i}.0/24")]
                .map(String::from)
                .to_vec()
        }
    });
    let want: BTreeSet<String> = (0..N / 2)
        .flat_map(|p| (0..M).map(move |i| format!("10.{p}.{i}.0/24")))
        .collect();
    assert_eq!(routes(env), want);
}

#[test]
fn concurrent_route_adds_lose_nothing_locally() {
    concurrent_route_adds_lose_nothing(&Env::new());
}

#[test]
fn concurrent_route_adds_lose_nothing_remotely() {
    let (env, _server) = remote();
    concurrent_route_adds_lose_nothing(&env);
}

#[test]
fn concurrent_filter_adds_lose_nothing_locally() {
    concurrent_filter_adds_lose_nothing(&Env::new());
}

#[test]
fn concurrent_filter_adds_lose_nothing_remotely() {
    let (env, _server) = remote();
    concurrent_filter_adds_lose_nothing(&env);
}

#[test]
fn concurrent_adds_and_deletes_lose_nothing_locally() {
    concurrent_adds_and_deletes_lose_nothing(&Env::new());
}

#[test]
fn concurrent_adds_and_deletes_lose_nothing_remotely() {
    let (env, _server) = remote();
    concurrent_adds_and_deletes_lose_nothing(&env);
}

/// `watch --json --from P --count 3` prints the three changes committed after P, one JSON
/// object per line, in order.
fn watch_prints_json_lines(env: &Env, position: impl Fn() -> u64) {
    let from = position();
    let mut child = env
        .command(&[
            "--json",
            "watch",
            "--from",
            &from.to_string(),
            "--count",
            "3",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start mprcfg watch");
    env.ok(&["interface", "add", "watched", "--type", "full-router"]);
    env.ok(&["iftransport", "add", "watched", "ip"]);
    env.ok(&["interface", "delete", "watched"]);
    let lines: Vec<Value> = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map(|l| serde_json::from_str(&l.expect("a line")).expect("a JSON line"))
        .collect();
    let status = child.wait().expect("wait for mprcfg watch");
    assert!(status.success(), "mprcfg watch failed");
    let got: Vec<(u64, &str, &str)> = lines
        .iter()
        .map(|v| {
            (
                v["seq"].as_u64().unwrap(),
                v["kind"].as_str().unwrap(),
                v["object"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got[..2],
        [
            (from + 1, "created", "interface"),
            (from + 2, "created", "interface-transport"),
        ]
    );
    // Deleting the interface is one change of the interface (its transports go with it).
    assert_eq!(got[2].0, from + 3);
    assert_eq!(got[2].1, "deleted");
    assert_eq!(lines[0]["interface"], "watched");
    assert_eq!(lines.len(), 3);
}

#[test]
fn watch_prints_each_change_as_a_json_line_locally() {
    let env = Env::new();
    env.ok(&["show", "server"]);
    let store = env.store();
    watch_prints_json_lines(&env, || {
        mprconfig::connect_store(&store)
            .unwrap()
            .watch(None)
            .unwrap()
            .position()
    });
}

#[test]
fn watch_prints_each_change_as_a_json_line_remotely() {
    let (env, _server) = remote();
    let store = env.path("server").join("router.db");
    watch_prints_json_lines(&env, || {
        mprconfig::connect_store(&store)
            .unwrap()
            .watch(None)
            .unwrap()
            .position()
    });
}
