//! The configuration takes effect, in a real kernel: three network namespaces a — r — b made
//! by this test (veth pairs, private addresses that exist only inside them), the router
//! manager `mprrouted` running in r, and the C API (built with the sanitizers), `mprcfg` and
//! `ip`/`ping` acting as a user would:
//! a route set through the C API makes a ping from a to b succeed; an ICMP filter set with
//! `mprcfg filter add` makes it fail (its nftables counter proves the drop), a TCP port filter
//! blocks one port and not the other; removing them restores traffic; `IP_INTERFACE_STATUS_INFO`
//! down (MprAdmin*) takes the link down at once; a route deleted by hand is repaired; routes
//! come back after a link flap; `MprAdmin*` answers with the router manager running; IPv6 the
//! same.
//!
//! Nothing outlives a killed test: each namespace is held only by a file descriptor of this
//! process (created by `unshare(CLONE_NEWNET)` on a short-lived thread, never named under
//! /run/netns), and every child runs with `PR_SET_PDEATHSIG` = SIGKILL. Without the rights or
//! tools (root, namespaces, nft, ping, ip) a test prints `SKIPPED: reason` and returns.

mod common;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use common::netns::{Killed, Ns, wait_for as wait_up_to};
use common::{mprcfg_bin, mprrouted};

/// Why this machine cannot run the scenario, if it cannot.
fn skip_reason() -> Option<String> {
    common::netns::skip_reason(&["ip", "nft", "ping"], "iproute2 nftables iputils-ping")
}

/// Polls `f` until it holds (10 s at most, then the test fails naming `what`).
fn wait_for(what: &str, f: impl FnMut() -> bool) {
    wait_up_to(what, Duration::from_secs(10), f)
}

/// a — r — b, a store, and the tools to drive them.
struct Scenario {
    a: Ns,
    r: Ns,
    b: Ns,
    dir: tempfile::TempDir,
    admin: PathBuf,
    v6: bool,
}

impl Scenario {
    fn new(v6: bool) -> Scenario {
        let (a, r, b) = (
            Ns::new().expect("ns"),
            Ns::new().expect("ns"),
            Ns::new().expect("ns"),
        );
        if v6 {
            // Linux drops a link's IPv6 addresses when it goes down unless told to keep them;
            // the flaps below would otherwise leave r and b without addresses (which are not
            // the router manager's: Windows keeps them in the TCP/IP configuration).
            for ns in [&r, &b] {
                for scope in ["default", "all"] {
                    ns.sysctl(&format!("net/ipv6/conf/{scope}/keep_addr_on_down"), "1");
                }
            }
        }
        r.ip(&format!(
            "link add r-a type veth peer name a-r netns {}",
            a.path()
        ));
        r.ip(&format!(
            "link add r-b type veth peer name b-r netns {}",
            b.path()
        ));
        if v6 {
            a.ip("addr add fd00:1::1/64 dev a-r nodad");
            r.ip("addr add fd00:1::2/64 dev r-a nodad");
            r.ip("addr add fd00:2::2/64 dev r-b nodad");
            b.ip("addr add fd00:2::1/64 dev b-r nodad");
            b.ip("addr add fd00:3::1/64 dev b-r nodad");
        } else {
            a.ip("addr add 10.1.0.1/24 dev a-r");
            r.ip("addr add 10.1.0.2/24 dev r-a");
            r.ip("addr add 10.2.0.2/24 dev r-b");
            b.ip("addr add 10.2.0.1/24 dev b-r");
            b.ip("addr add 10.3.0.1/24 dev b-r");
        }
        a.ip("link set a-r up");
        b.ip("link set b-r up");
        if v6 {
            a.ip("-6 route add default via fd00:1::2");
            b.ip("-6 route add default via fd00:2::2");
        } else {
            a.ip("route add default via 10.1.0.2");
            b.ip("route add default via 10.2.0.2");
        }
        // r's links stay down: the router manager brings them up.
        let dir = tempfile::tempdir().expect("tempdir");
        let admin = common::compile("tests/c/admin.c", &[], dir.path());
        let s = Scenario {
            a,
            r,
            b,
            dir,
            admin,
            v6,
        };
        for name in ["r-a", "r-b"] {
            s.mprcfg(&["interface", "add", name, "--type", "dedicated"]);
            s.mprcfg(&["iftransport", "add", name, "ip"]);
            s.mprcfg(&["iftransport", "add", name, "ipv6"]);
        }
        s.mprcfg(&["filter", "enable", "ip"]);
        s.mprcfg(&["filter", "enable", "ipv6"]);
        // RouterType: IPv4 and IPv6 LAN routing (forwarding on for both).
        let reg = s.dir.path().join("routertype.reg");
        std::fs::write(
            &reg,
            "Windows Registry Editor Version 5.00\r\n\r\n\
             [HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\RemoteAccess\\Parameters]\r\n\
             \"RouterType\"=dword:00000012\r\n",
        )
        .expect("write .reg");
        s.mprcfg(&["import-reg", reg.to_str().expect("utf-8 path")]);
        s
    }

    fn socket(&self) -> PathBuf {
        self.dir.path().join("router.sock")
    }

    fn env<'a>(&'a self, c: &'a mut Command) -> &'a mut Command {
        c.env("MPRCONFIG_STORE", self.dir.path().join("router.db"))
            .env("MPRCONFIG_ROUTER_SOCKET", self.socket())
            .env("HOME", self.dir.path())
    }

    /// `mprcfg ARGS`, which must succeed; stdout.
    fn mprcfg(&self, args: &[&str]) -> String {
        let mut c = Command::new(mprcfg_bin());
        let out = self.env(c.args(args)).output().expect("mprcfg");
        assert!(
            out.status.success(),
            "mprcfg {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn status(&self) -> Value {
        serde_json::from_str(&self.mprcfg(&["--json", "status"])).expect("status JSON")
    }

    /// Packets counted by the filter items of `status`.
    fn filter_packets(&self) -> u64 {
        self.status()["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|i| i["kind"] == "filter")
            .filter_map(|i| i["packets"].as_u64())
            .sum()
    }

    /// The C program in one of its modes (sanitizers on); it must pass.
    fn c(&self, args: &[&str]) {
        let out = common::run_env(
            &self.admin,
            self.dir.path(),
            args,
            [("MPRCONFIG_ROUTER_SOCKET", self.socket())],
        );
        assert!(
            out.trim_end().ends_with(" passed, 0 failed"),
            "admin {args:?}: {out}"
        );
    }

    fn start_manager(&self) -> Killed {
        let mut c = self.r.command(mprrouted());
        c.args(["run", "--store"])
            .arg(self.dir.path().join("router.db"))
            .arg("--socket")
            .arg(self.socket())
            .env("MPRROUTED_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        let m = Killed(c.spawn().expect("start mprrouted"));
        wait_for("the router manager's socket", || {
            std::os::unix::net::UnixStream::connect(self.socket()).is_ok()
        });
        m
    }

    fn far(&self) -> &'static str {
        if self.v6 { "fd00:3::1" } else { "10.3.0.1" }
    }

    fn our_routes(&self) -> String {
        self.r.ip(if self.v6 {
            "-6 route show proto 77"
        } else {
            "route show proto 77"
        })
    }

    fn link_up(&self, name: &str) -> bool {
        let line = self.r.ip(&format!("-o link show {name}"));
        let flags = line.split(['<', '>']).nth(1).unwrap_or("");
        flags.split(',').any(|f| f == "UP")
    }

    fn family(&self) -> &'static str {
        if self.v6 { "V6" } else { "V4" }
    }
}

fn scenario(v6: bool) {
    if let Some(why) = skip_reason() {
        eprintln!("SKIPPED: {why}");
        return;
    }
    let s = Scenario::new(v6);
    let far = s.far();
    let manager = s.start_manager();
    wait_for("r's links up", || s.link_up("r-a") && s.link_up("r-b"));

    // No route to b's far network yet: r answers unreachable at once.
    assert!(!s.a.ping(far), "ping before the route");

    // A static route through the C API (MprConfig*) takes effect.
    s.c(&["route", "r-b", s.family()]);
    wait_for("our route in the kernel", || !s.our_routes().is_empty());
    // (IPv6: the first echo may go while neighbour discovery runs.)
    wait_for("ping with the route", || s.a.ping(far));

    // An ICMP filter set with mprcfg blocks it; its counter shows the drop.
    let icmp: &[&str] = if v6 {
        &["--ipv6", "--proto", "icmpv6", "--icmp-type", "128"]
    } else {
        &["--proto", "icmp"]
    };
    let mut add = vec!["filter", "add", "r-a", "in"];
    add.extend_from_slice(icmp);
    s.mprcfg(&add);
    wait_for("the filter applied", || {
        s.status()["items"].as_array().is_some_and(|i| {
            i.iter()
                .any(|i| i["kind"] == "filter" && i["state"]["state"] == "applied")
        })
    });
    let before = s.filter_packets();
    assert!(!s.a.ping(far), "ping through the ICMP filter");
    assert!(s.filter_packets() > before, "the drop rule counted nothing");
    let mut del = vec!["filter", "delete", "r-a", "in"];
    del.extend_from_slice(icmp);
    s.mprcfg(&del);
    wait_for("ping after the filter is removed", || s.a.ping(far));

    // A TCP port filter: port 80 blocked, 81 not.
    let listeners: Vec<TcpListener> = s.b.on_thread(|| {
        [80u16, 81]
            .iter()
            .map(|p| TcpListener::bind(SocketAddr::new(far.parse().unwrap(), *p)).expect("bind"))
            .collect()
    });
    let connect = |port: u16| {
        s.a.on_thread(move || {
            TcpStream::connect_timeout(
                &SocketAddr::new(far.parse().unwrap(), port),
                Duration::from_secs(1),
            )
            .is_ok()
        })
    };
    assert!(connect(80) && connect(81));
    let fam = if v6 { "--ipv6" } else { "--proto" };
    let port_filter: Vec<&str> = if v6 {
        vec![fam, "--proto", "tcp", "--dst-port", "80"]
    } else {
        vec![fam, "tcp", "--dst-port", "80"]
    };
    let mut add = vec!["filter", "add", "r-a", "in"];
    add.extend_from_slice(&port_filter);
    s.mprcfg(&add);
    wait_for("port 80 blocked", || {
        let before = s.filter_packets();
        !connect(80) && s.filter_packets() > before
    });
    assert!(connect(81), "port 81 must stay open");
    let mut del = vec!["filter", "delete", "r-a", "in"];
    del.extend_from_slice(&port_filter);
    s.mprcfg(&del);
    wait_for("port 80 open again", || connect(80));
    drop(listeners);

    // IP_INTERFACE_STATUS_INFO down through MprAdmin*: applied before the call returns.
    s.c(&["down", "r-b"]);
    assert!(!s.link_up("r-b"), "r-b still up after MprAdmin set it down");
    assert!(!s.a.ping(far));
    s.c(&["up", "r-b"]);
    assert!(s.link_up("r-b"));
    wait_for("the route back after the link came up", || {
        !s.our_routes().is_empty()
    });
    wait_for("ping after up", || s.a.ping(far));

    // Our route deleted by hand is repaired (and counted).
    let repairs = |s: &Scenario| s.status()["manager"]["repairs"].as_u64().unwrap_or(0);
    let r0 = repairs(&s);
    let route = if v6 { "fd00:3::/64" } else { "10.3.0.0/24" };
    s.r.ip(&format!(
        "{}route del {route} proto 77",
        if v6 { "-6 " } else { "" }
    ));
    wait_for("the deleted route repaired", || !s.our_routes().is_empty());
    assert!(repairs(&s) > r0);
    wait_for("ping after the repair", || s.a.ping(far));

    // A link flap (admin down and up by hand; the kernel drops our routes): routes return.
    s.r.ip("link set r-b down");
    wait_for("r-b up again", || s.link_up("r-b"));
    wait_for("routes after the flap", || !s.our_routes().is_empty());
    wait_for("ping after the flap", || s.a.ping(far));
    // A carrier flap from b's side (b's own default route goes with its link: put it back).
    s.b.ip("link set b-r down");
    s.b.ip("link set b-r up");
    s.b.ip(if v6 {
        "-6 route replace default via fd00:2::2"
    } else {
        "route replace default via 10.2.0.2"
    });
    wait_for("ping after the carrier flap", || s.a.ping(far));

    // MprAdmin* with the router manager running.
    s.c(&["running"]);

    // Nothing left to do, everything routed and filtered is applied.
    assert!(s.mprcfg(&["plan"]).starts_with("no changes"));
    let st = s.status();
    for i in st["items"].as_array().expect("items") {
        if i["kind"] == "route" || i["kind"] == "filter" {
            assert_eq!(i["state"]["state"], "applied", "{i}");
        }
    }

    // Removing the route through the C API takes it out of the kernel.
    s.c(&["unroute", "r-b", s.family()]);
    wait_for("our route removed", || s.our_routes().is_empty());
    drop(manager);
}

#[test]
fn a_to_b_through_r_follows_the_configuration_ipv4() {
    scenario(false);
}

#[test]
fn a_to_b_through_r_follows_the_configuration_ipv6() {
    scenario(true);
}

#[test]
fn mpradmin_without_a_router_manager_is_rpc_s_unknown_if() {
    let dir = tempfile::tempdir().expect("tempdir");
    let exe = common::compile("tests/c/admin.c", &[], dir.path());
    let out = common::run_env(
        &exe,
        dir.path(),
        &["none"],
        [("MPRCONFIG_ROUTER_SOCKET", dir.path().join("nobody.sock"))],
    );
    assert!(out.trim_end().ends_with(" passed, 0 failed"), "{out}");
}
