//! Router administration of another machine through its `mprd` (docs/router.md, "Remote
//! administration"), with real components: the router manager `mprrouted` running in a network
//! namespace this test creates (a veth pair `adm0`/`adm0p` in it, so nothing of the host's network is
//! touched), a real `mprd` on 127.0.0.1 port 0 relaying to its socket, and as clients the Rust
//! API (`mprconfig::admin`), a C program (`tests/c/admin.c`, gcc with ASan/UBSan, a server
//! name) and `mprcfg -r NAME plan`/`status`. Checked: live state across the wire, writes applied
//! on the server before the call returns, a reader token refused every write with
//! `ERROR_ACCESS_DENIED` (5), and `RPC_S_UNKNOWN_IF` (1717) / FALSE when the server's `mprd`
//! has no router manager (none answers, or the one that answers applies another store).
//!
//! The namespace is held only by a descriptor of this process, and `mprrouted` runs with
//! `PR_SET_PDEATHSIG`, so a killed test leaves nothing behind. Without root, `ip`, `nft` or
//! namespaces the namespace test prints `SKIPPED: reason` and returns; the no-manager test needs
//! none of them.

mod common;

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::mprd::{Mprd, cert_path};
use common::netns::{Killed, Ns, wait_for as wait_up_to};
use common::{mprcfg_bin, mprrouted};
use mprconfig::WinError;
use mprconfig::admin::{AdminConnection, Request};
use mprconfig_remote::tls::{Trust, load_certs};
use mprconfig_remote::{ConnectOptions, RemoteAdmin, RemoteConfig};
use serde_json::Value;

const PID_IP: u32 = 0x21;
const LINK: &str = "adm0";

/// Why this machine cannot run the namespace test, if it cannot.
fn skip_reason() -> Option<String> {
    common::netns::skip_reason(&["ip", "nft"], "iproute2 nftables")
}

/// Polls `f` until it holds (20 s at most, then the test fails naming `what`).
fn wait_for(what: &str, f: impl FnMut() -> bool) {
    wait_up_to(what, Duration::from_secs(20), f)
}

/// One server machine: its store, tokens and `mprd`; a client directory with empty `HOME`.
struct Site {
    store: PathBuf,
    admin_token: String,
    reader_token: String,
    client: PathBuf,
    home: PathBuf,
    mprd: Option<Mprd>,
    tmp: tempfile::TempDir,
}

fn token(store: &Path, name: &str, role: &str) -> String {
    let out = Command::new(common::mprd_bin())
        .args(["token", "add", name, "--role", role, "--store"])
        .arg(store)
        .stdin(Stdio::null())
        .output()
        .expect("mprd token add");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("text")
        .trim()
        .to_string()
}

impl Site {
    /// A store with a LAN interface `adm0` (ip transport), an admin and a reader token.
    fn new() -> Site {
        let tmp = tempfile::tempdir().expect("tempdir");
        let [server, client, home] = ["server", "client", "home"].map(|d| tmp.path().join(d));
        for d in [&server, &client, &home] {
            std::fs::create_dir(d).expect("mkdir");
        }
        let store = server.join("router.db");
        let site = Site {
            admin_token: token(&store, "admin", "admin"),
            reader_token: token(&store, "ro", "reader"),
            store,
            client,
            home,
            mprd: None,
            tmp,
        };
        site.mprcfg_local(&["interface", "add", LINK, "--type", "dedicated"]);
        site.mprcfg_local(&["iftransport", "add", LINK, "ip"]);
        site
    }

    fn socket(&self) -> PathBuf {
        self.tmp.path().join("router.sock")
    }

    fn start_mprd(&mut self, router_socket: &Path) {
        let args: [&OsStr; 2] = ["--router-socket".as_ref(), router_socket.as_os_str()];
        self.mprd = Some(Mprd::start_with(&self.store, &args));
    }

    fn server(&self) -> String {
        self.mprd.as_ref().expect("mprd").addr.to_string()
    }

    /// `mprcfg ARGS` on the server's store itself (before mprd runs).
    fn mprcfg_local(&self, args: &[&str]) {
        let out = Command::new(mprcfg_bin())
            .args(args)
            .env("MPRCONFIG_STORE", &self.store)
            .env("HOME", &self.home)
            .output()
            .expect("mprcfg");
        assert!(
            out.status.success(),
            "mprcfg {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// What points a client at this server: token, certificate, empty HOME and XDG config.
    fn env(&self, token: &str) -> Vec<(&'static str, OsString)> {
        vec![
            ("MPRCONFIG_TOKEN", token.into()),
            ("MPRCONFIG_CA", cert_path(&self.store).into()),
            ("HOME", self.home.clone().into()),
            ("XDG_CONFIG_HOME", self.home.join("xdg").into()),
            (
                "MPRCONFIG_ROUTER_SOCKET",
                self.client.join("nobody.sock").into(),
            ),
        ]
    }

    /// `mprcfg -r SERVER ARGS` from the client directory.
    fn mprcfg_remote(&self, args: &[&str]) -> Output {
        Command::new(mprcfg_bin())
            .arg("-r")
            .arg(self.server())
            .args(args)
            .current_dir(&self.client)
            .env("MPRCONFIG_STORE", self.client.join("router.db"))
            .envs(self.env(&self.admin_token))
            .output()
            .expect("mprcfg -r")
    }

    /// The C program in one of its modes, with `token`; it must pass.
    fn c(&self, exe: &Path, args: &[&str], token: &str) {
        let out = common::run_env(exe, &self.client, args, self.env(token));
        assert!(
            out.trim_end().ends_with(" passed, 0 failed") && !out.contains("\n0 passed"),
            "admin {args:?}: {out}\n--- mprd log\n{}",
            common::mprd::read_log(&self.store)
        );
        assert!(
            !self.client.join("router.db").exists(),
            "the calls went to the local store"
        );
    }

    /// The Rust API: an administration connection through the server's mprd.
    fn rust_admin(&self, token: &str) -> mprconfig::Result<AdminConnection> {
        let addr = self.mprd.as_ref().expect("mprd").addr;
        let trust = Trust {
            ca: load_certs(&cert_path(&self.store))?,
            pins: Vec::new(),
        };
        let options = ConnectOptions::new(Some(token.to_string()), trust);
        let config = RemoteConfig::connect_with(&addr.ip().to_string(), addr.port(), options)?;
        AdminConnection::remote(RemoteAdmin::over(config)?)
    }
}

fn compile_admin(dir: &Path) -> PathBuf {
    common::compile("tests/c/admin.c", &[], dir)
}

#[test]
fn mpradmin_through_mprd_reaches_the_router_manager_of_the_server() {
    if let Some(why) = skip_reason() {
        eprintln!("SKIPPED: {why}");
        return;
    }
    let mut site = Site::new();
    let ns = Ns::new().expect("namespace");
    // A veth pair inside the namespace: the peer up gives adm0 carrier once it is up.
    ns.ip(&format!("link add {LINK} type veth peer name {LINK}p"));
    ns.ip(&format!("link set {LINK}p up"));
    let manager = {
        let mut c = ns.command(mprrouted());
        c.args(["run", "--store"])
            .arg(&site.store)
            .arg("--socket")
            .arg(site.socket())
            .env("MPRROUTED_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        Killed(c.spawn().expect("start mprrouted"))
    };
    let manager_pid = manager.0.id();
    wait_for("the router manager's socket", || {
        std::os::unix::net::UnixStream::connect(site.socket()).is_ok()
    });
    let socket = site.socket();
    site.start_mprd(&socket);
    wait_for("adm0 brought up by the router manager", || ns.link_up(LINK));

    // The Rust API, remote: the router manager's hello and live state.
    let admin = site.rust_admin(&site.admin_token).expect("remote admin");
    assert_eq!(admin.hello().pid, manager_pid);
    assert_eq!(
        Path::new(&admin.hello().store),
        std::fs::canonicalize(&site.store).unwrap()
    );
    assert_eq!(admin.server(), Some(site.server().as_str()));
    let all = admin.interface_enum().expect("enum");
    let (id, info) = all
        .iter()
        .find(|(_, i)| i.name == LINK)
        .expect("adm0 enumerated")
        .clone();
    assert_eq!(info.connection_state, mprconfig::ConnectionState::CONNECTED);
    assert_eq!(admin.interface_get_handle("ADM0").expect("handle"), id);
    let live = admin.interface_get_info(&id).expect("info");
    assert_eq!(live.connection_state, mprconfig::ConnectionState::CONNECTED);
    assert!(admin.server_get_info().expect("server info").up_time < 3600);
    let header = admin
        .interface_transport_get_info(&id, PID_IP)
        .expect("transport info")
        .expect("a header");
    // A write through the relay is applied on the server before it returns (a no-op here).
    admin
        .interface_transport_set_info(&id, PID_IP, &header)
        .expect("set the same header");
    let bogus = mprconfig::InterfaceId {
        key: 9999,
        name: "nonesuch".into(),
    };
    assert_eq!(
        admin.interface_get_info(&bogus).unwrap_err().code,
        WinError::ERROR_NO_SUCH_INTERFACE
    );
    let (global, _) = admin.transport_get_info(PID_IP).expect("transport");
    assert!(global.is_some());
    let status = admin
        .call_value(&Request::Status { fresh: true })
        .expect("status");
    assert_eq!(status["manager"]["pid"], manager_pid);
    assert!(admin.call_value(&Request::Plan).expect("plan")["items"].is_array());
    assert_eq!(
        admin.call_value(&Request::Reconcile).unwrap_err().code,
        WinError::ERROR_NOT_SUPPORTED
    );

    // A reader token: reads answer, writes are refused with 5 before reaching the manager.
    let reader = site.rust_admin(&site.reader_token).expect("reader admin");
    assert_eq!(reader.interface_get_info(&id).expect("read").name, LINK);
    assert_eq!(
        reader
            .interface_transport_set_info(&id, PID_IP, &header)
            .unwrap_err()
            .code,
        WinError::ERROR_ACCESS_DENIED
    );

    // The C API with a server name: everything, ending with adm0's ip transport DOWN, which
    // the kernel shows as soon as the call returned.
    let dir = tempfile::tempdir().expect("tempdir");
    let exe = compile_admin(dir.path());
    let server = site.server();
    site.c(&exe, &["remote", &server, LINK], &site.admin_token);
    assert!(
        !ns.link_up(LINK),
        "adm0 still up after MprAdmin set it down"
    );
    site.c(&exe, &["remote-reader", &server, LINK], &site.reader_token);
    assert!(!ns.link_up(LINK), "a reader changed the router");
    // Back up through the local router manager socket (MprAdminServerConnect(NULL)).
    let out = common::run_env(
        &exe,
        &site.client,
        &["up", LINK],
        [("MPRCONFIG_ROUTER_SOCKET", site.socket())],
    );
    assert!(out.trim_end().ends_with(" passed, 0 failed"), "{out}");
    assert!(ns.link_up(LINK));

    // mprcfg -r NAME plan / status, answered by the server's router manager.
    let out = site.mprcfg_remote(&["plan"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "plan: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("from the router manager of the server"),
        "{text}"
    );
    let out = site.mprcfg_remote(&["--json", "status"]);
    assert!(
        out.status.success(),
        "status: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let st: Value = serde_json::from_slice(&out.stdout).expect("status JSON");
    assert_eq!(st["manager"]["pid"], manager_pid);
    let link = st["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["kind"] == "link" && i["object"].as_str().is_some_and(|o| o.contains(LINK)))
        .unwrap_or_else(|| panic!("no adm0 link item in {st}"));
    assert_eq!(link["state"]["state"], "applied", "{link}");
    let out = site.mprcfg_remote(&["status"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("router manager: running"));
    assert!(!site.client.join("router.db").exists());

    // Another server, whose mprd points at this router manager but serves another store: that
    // router manager is not its router, so the answer is the one for "not running".
    let mut other = Site::new();
    other.start_mprd(&socket);
    let other_server = other.server();
    other.c(&exe, &["remote-none", &other_server], &other.admin_token);
    assert_eq!(
        other.rust_admin(&other.admin_token).unwrap_err().code,
        WinError::RPC_S_UNKNOWN_IF
    );
    drop(manager);
}

#[test]
fn mpradmin_through_an_mprd_without_a_router_manager_is_rpc_s_unknown_if() {
    let mut site = Site::new();
    let nobody = site.tmp.path().join("nobody.sock");
    site.start_mprd(&nobody);
    let dir = tempfile::tempdir().expect("tempdir");
    let exe = compile_admin(dir.path());
    let server = site.server();
    site.c(&exe, &["remote-none", &server], &site.admin_token);
    let err = site.rust_admin(&site.admin_token).unwrap_err();
    assert_eq!(err.code, WinError::RPC_S_UNKNOWN_IF, "{err}");
    // The configuration API on the same server works all the same (the fallback programs use).
    let addr = site.mprd.as_ref().expect("mprd").addr;
    let trust = Trust {
        ca: load_certs(&cert_path(&site.store)).expect("cert"),
        pins: Vec::new(),
    };
    let config = RemoteConfig::connect_with(
        &addr.ip().to_string(),
        addr.port(),
        ConnectOptions::new(Some(site.admin_token.clone()), trust),
    )
    .expect("configuration session");
    use mprconfig::RouterConfig;
    assert!(config.interface_get_handle(LINK).is_ok());
    for cmd in ["plan", "status"] {
        let out = site.mprcfg_remote(&[cmd]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{cmd}: {err}");
        assert!(err.contains("no router manager runs on"), "{cmd}: {err}");
    }
    assert!(!site.client.join("router.db").exists());
}
