//! `mprcfg -r r1,r2,…` and `--servers FILE` against real `mprd serve` processes on
//! 127.0.0.1, port 0, each with its own store, certificate (pinned in known_hosts) and admin
//! token (in credentials.toml): per-router results, a dead router reported while the others
//! are still done, and the exit status.
//!
//! The `mprd` processes are this test binary re-executed with `MPRCFG_TEST_AS_MPRD` set (it
//! then runs `mprd::main_with_args`), since Cargo builds no other package's binary for a
//! test; hence `harness = false` and libtest-mimic for the ordinary test command line.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use libtest_mimic::{Arguments, Failed, Trial};
use serde_json::Value;
use support::{Env, rows};

const AS_MPRD: &str = "MPRCFG_TEST_AS_MPRD";

/// A running `mprd serve`, killed (by PID, through its `Child`) and reaped on drop.
struct Daemon {
    child: Child,
    /// `127.0.0.1:PORT`, as `-r` names it.
    name: String,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn mprd(args: &[&std::ffi::OsStr]) -> Command {
    let mut c = Command::new(std::env::current_exe().expect("test binary"));
    c.env(AS_MPRD, "1").env("MPRD_LOG", "warn").args(args);
    c
}

/// Starts `mprd serve` on a new store under `dir`, trusted and credentialed in `env`.
fn start_daemon(env: &Env, dir: &Path) -> Daemon {
    std::fs::create_dir_all(dir).unwrap();
    let store = dir.join("router.db");
    let out = mprd(&[
        "token".as_ref(),
        "add".as_ref(),
        "fleet-admin".as_ref(),
        "--role".as_ref(),
        "admin".as_ref(),
        "--store".as_ref(),
        store.as_os_str(),
    ])
    .output()
    .expect("run mprd token add");
    assert!(
        out.status.success(),
        "mprd token add: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let log = std::fs::File::create(dir.join("mprd.log")).unwrap();
    let mut child = mprd(&[
        "serve".as_ref(),
        "--listen".as_ref(),
        "127.0.0.1:0".as_ref(),
        "--store".as_ref(),
        store.as_os_str(),
    ])
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(log)
    .spawn()
    .expect("spawn mprd");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(|l| l.ok()) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let (mut addr, mut fp) = (None, None);
    let end = Instant::now() + Duration::from_secs(60);
    while addr.is_none() || fp.is_none() {
        let Ok(line) = rx.recv_timeout(end.saturating_duration_since(Instant::now())) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "mprd did not start: {}",
                std::fs::read_to_string(dir.join("mprd.log")).unwrap_or_default()
            );
        };
        if let Some(a) = line.strip_prefix("mprd listening on ") {
            addr = Some(a.trim().to_string());
        } else if let Some(i) = line.find("fingerprint sha256:") {
            fp = Some(line[i + "fingerprint ".len()..].trim().to_string());
        }
    }
    let name = addr.unwrap();
    let config = env.path("config").join("mprconfig");
    std::fs::create_dir_all(&config).unwrap();
    let append = |file: &str, line: String| {
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(config.join(file))
            .unwrap();
        writeln!(f, "{line}").unwrap();
    };
    append("known_hosts", format!("{name} {}", fp.unwrap()));
    append("credentials.toml", format!("{name:?} = {token:?}"));
    Daemon { child, name }
}

/// A port on 127.0.0.1 with nothing listening (bound, then released).
fn dead_router() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    format!("127.0.0.1:{port}")
}

/// An environment with `n` daemons.
fn fleet(n: usize) -> (Env, Vec<Daemon>) {
    let env = Env::new();
    let daemons = (0..n)
        .map(|i| start_daemon(&env, &env.path(&format!("mprd{i}"))))
        .collect();
    (env, daemons)
}

fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}")))
        .collect()
}

/// The JSON line of `router`.
fn line_of<'a>(lines: &'a [Value], router: &str) -> &'a Value {
    lines
        .iter()
        .find(|l| l["router"] == router)
        .unwrap_or_else(|| panic!("no line for {router}: {lines:?}"))
}

fn check(ok: bool, what: impl FnOnce() -> String) -> Result<(), Failed> {
    if ok { Ok(()) } else { Err(what().into()) }
}

fn show_interfaces_on_every_router_prints_one_json_line_each() -> Result<(), Failed> {
    let (env, d) = fleet(3);
    let list = d
        .iter()
        .map(|d| d.name.as_str())
        .collect::<Vec<_>>()
        .join(",");
    let r = env.run(&["-r", &list, "--json", "show", "interfaces"]);
    check(r.code == 0, || format!("exit {}: {}", r.code, r.stderr))?;
    check(r.stderr.is_empty(), || r.stderr.clone())?;
    let lines = json_lines(&r.stdout);
    check(lines.len() == 3, || format!("{lines:?}"))?;
    for daemon in &d {
        let l = line_of(&lines, &daemon.name);
        check(l["status"] == "ok", || format!("{l}"))?;
        check(l["output"][0]["name"] == "Loopback", || format!("{l}"))?;
    }
    Ok(())
}

fn a_dead_router_fails_alone_and_the_others_are_changed() -> Result<(), Failed> {
    let (env, d) = fleet(2);
    let dead = dead_router();
    let list = format!("{},{dead},{}", d[0].name, d[1].name);
    let r = env.run(&[
        "-r",
        &list,
        "--json",
        "--jobs",
        "2",
        "interface",
        "add",
        "Branch",
        "--type",
        "full-router",
    ]);
    check(r.code == 2, || format!("exit {}: {}", r.code, r.stderr))?;
    let lines = json_lines(&r.stdout);
    check(lines.len() == 3, || format!("{lines:?}"))?;
    let failed = line_of(&lines, &dead);
    check(failed["status"] == "failed", || format!("{failed}"))?;
    check(failed["exit"] == 2, || format!("{failed}"))?;
    let code = failed["error"]["code"].as_u64().unwrap_or(0);
    check(code != 0 && failed["error"]["name"].is_string(), || {
        format!("{failed}")
    })?;
    check(
        failed["error"]["what"] == format!("connect to {dead}"),
        || format!("{failed}"),
    )?;
    // The usual error line, once, prefixed by the router.
    let err: Vec<&str> = r.stderr.lines().collect();
    check(
        err.len() == 1
            && err[0].starts_with(&format!("mprcfg: {dead}: connect to {dead}: "))
            && err[0].ends_with(&format!(
                "(error {code}: {})",
                failed["error"]["name"].as_str().unwrap()
            )),
        || r.stderr.clone(),
    )?;
    for daemon in &d {
        check(line_of(&lines, &daemon.name)["status"] == "ok", || {
            format!("{lines:?}")
        })?;
        let t = rows(&env.ok(&["-r", &daemon.name, "show", "interfaces"]));
        check(t.iter().any(|row| row[1] == "Branch"), || {
            format!("{}: {t:?}", daemon.name)
        })?;
    }
    Ok(())
}

fn a_missing_interface_on_one_router_exits_1_in_the_summary_table() -> Result<(), Failed> {
    let (env, d) = fleet(2);
    env.ok(&[
        "-r",
        &d[0].name,
        "interface",
        "add",
        "Branch",
        "--type",
        "full-router",
    ]);
    let servers = env.path("fleet.txt");
    std::fs::write(
        &servers,
        format!("# the fleet\n{}\n\n{}  # second\n", d[0].name, d[1].name),
    )
    .unwrap();
    let r = env.run(&[
        "--servers",
        servers.to_str().unwrap(),
        "interface",
        "disable",
        "Branch",
    ]);
    check(r.code == 1, || format!("exit {}: {}", r.code, r.stderr))?;
    let t = rows(&r.stdout);
    check(t[0] == ["Router", "Status", "Result"], || r.stdout.clone())?;
    check(t[1][0] == d[0].name && t[1][1] == "ok", || r.stdout.clone())?;
    check(
        t[2][0] == d[1].name
            && t[2][1] == "failed"
            && t[2][2].ends_with("(error 905: ERROR_NO_SUCH_INTERFACE)"),
        || r.stdout.clone(),
    )?;
    check(r.stderr.lines().count() == 1, || r.stderr.clone())?;
    let v = env.json(&["-r", &d[0].name, "show", "interface", "Branch"]);
    check(v["enabled"] == false, || format!("{v}"))?;
    Ok(())
}

fn tables_print_under_router_headings_in_the_order_given() -> Result<(), Failed> {
    let (env, d) = fleet(2);
    let list = format!("{},{}", d[1].name, d[0].name);
    let out = env.ok(&["-r", &list, "show", "interfaces"]);
    let first = out.find(&format!("== {}\n", d[1].name));
    let second = out.find(&format!("== {}\n", d[0].name));
    check(
        matches!((first, second), (Some(a), Some(b)) if a < b),
        || out.clone(),
    )?;
    let summary = out.rsplit("\n\n").next().unwrap_or("");
    let t = rows(summary);
    check(
        t.len() == 3 && t[1] == [d[1].name.as_str(), "ok", "(above)"],
        || out.clone(),
    )?;
    Ok(())
}

fn backups_go_to_one_file_per_router() -> Result<(), Failed> {
    let (env, d) = fleet(2);
    let list = format!("{},{}", d[0].name, d[1].name);
    let pattern = env.path("{router}.reg");
    env.ok(&["-r", &list, "backup", pattern.to_str().unwrap()]);
    for daemon in &d {
        let file: PathBuf = env.path(&format!("{}.reg", daemon.name));
        check(
            std::fs::metadata(&file)
                .map(|m| m.len() > 0)
                .unwrap_or(false),
            || format!("{} missing", file.display()),
        )?;
    }
    // Without {router} every router would overwrite the one file: refused before any call.
    let r = env.run(&["-r", &list, "backup", "one.reg"]);
    check(
        r.code == 2 && r.stderr.contains("(error 87: ERROR_INVALID_PARAMETER)"),
        || r.stderr.clone(),
    )?;
    Ok(())
}

fn show_config_over_mprd_is_the_stores_own_a_fleet_dry_run_reports_each_router_and_load_applies()
-> Result<(), Failed> {
    let (env, d) = fleet(2);
    env.ok(&[
        "-r",
        &d[0].name,
        "interface",
        "add",
        "Branch",
        "--type",
        "full-router",
    ]);
    let remote = env.ok(&["-r", &d[0].name, "--json", "show", "config"]);
    // The same store read locally (SQLite allows the second reader beside mprd).
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mprcfg"))
        .args(["--json", "show", "config"])
        .env("MPRCONFIG_STORE", env.path("mprd0").join("router.db"))
        .env("HOME", env.dir.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let local = String::from_utf8(out.stdout).unwrap();
    check(out.status.success() && local == remote, || {
        format!("remote:\n{remote}\nlocal:\n{local}")
    })?;
    let file = env.path("router.json");
    std::fs::write(&file, &remote).unwrap();
    let list = format!("{},{}", d[0].name, d[1].name);
    let r = env.run(&[
        "-r",
        &list,
        "--json",
        "load",
        "--dry-run",
        file.to_str().unwrap(),
    ]);
    check(r.code == 0, || format!("exit {}: {}", r.code, r.stderr))?;
    let lines = json_lines(&r.stdout);
    let same = &line_of(&lines, &d[0].name)["output"];
    let other = &line_of(&lines, &d[1].name)["output"];
    check(same["steps"] == 0 && same["applied"] == false, || {
        format!("{same}")
    })?;
    check(
        other["dry_run"] == true
            && other["applied"] == false
            && other["changes"][0]["op"] == "added"
            && other["changes"][0]["name"] == "\"Branch\"",
        || format!("{other}"),
    )?;
    let t = rows(&env.ok(&["-r", &d[1].name, "show", "interfaces"]));
    check(!t.iter().any(|row| row[1] == "Branch"), || format!("{t:?}"))?;
    // Applied for real through mprd (one ApplyBatch call): the second router then shows the
    // same configuration, byte for byte.
    env.ok(&["-r", &d[1].name, "load", file.to_str().unwrap()]);
    let second = env.ok(&["-r", &d[1].name, "--json", "show", "config"]);
    check(second == remote, || {
        format!("first:\n{remote}\nsecond:\n{second}")
    })?;
    Ok(())
}

/// One test of this file.
type TestFn = fn() -> Result<(), Failed>;

fn main() -> ExitCode {
    if std::env::var_os(AS_MPRD).is_some() {
        return mprd::main_with_args(std::env::args_os());
    }
    let args = Arguments::from_args();
    let tests: Vec<(&str, TestFn)> = vec![
        (
            "show_interfaces_on_every_router_prints_one_json_line_each",
            show_interfaces_on_every_router_prints_one_json_line_each,
        ),
        (
            "a_dead_router_fails_alone_and_the_others_are_changed",
            a_dead_router_fails_alone_and_the_others_are_changed,
        ),
        (
            "a_missing_interface_on_one_router_exits_1_in_the_summary_table",
            a_missing_interface_on_one_router_exits_1_in_the_summary_table,
        ),
        (
            "tables_print_under_router_headings_in_the_order_given",
            tables_print_under_router_headings_in_the_order_given,
        ),
        (
            "backups_go_to_one_file_per_router",
            backups_go_to_one_file_per_router,
        ),
        (
            "show_config_over_mprd_is_the_stores_own_a_fleet_dry_run_reports_each_router_and_load_applies",
            show_config_over_mprd_is_the_stores_own_a_fleet_dry_run_reports_each_router_and_load_applies,
        ),
    ];
    let trials = tests
        .into_iter()
        .map(|(name, f)| Trial::test(name, f))
        .collect();
    libtest_mimic::run(&args, trials).exit_code()
}
