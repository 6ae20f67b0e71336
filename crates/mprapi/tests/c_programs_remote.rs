//! The C test programs of `tests/c/` against a real `mprd` on loopback: built exactly as in
//! `c_programs.rs` (installed library, gcc `-Werror`, ASan + UBSan), checked the same way (exit
//! status 0, "N passed, 0 failed" with N > 0, no sanitizer report), but run with
//! `MPRAPI_TEST_SERVER` naming a server, so every `MprConfig*` call goes over gRPC/TLS.
//!
//! Each test gets a temporary directory with `server/` (the daemon's store, its token file and
//! the self-signed certificate `mprd` creates in `server/tls/`), `client/` (where the program
//! runs; its `MPRCONFIG_STORE` points at `client/router.db`) and empty `home/` and `xdg/` for
//! `HOME` and `XDG_CONFIG_HOME`, so the user's own known_hosts and credentials are never read or
//! written. The daemon is this workspace's `mprd` binary, started with `--listen 127.0.0.1:0`;
//! the test waits (bounded) for its "mprd listening on" line and kills it when dropped, panic or
//! not. The program trusts the server through `MPRCONFIG_CA` and authenticates with an admin
//! token from `mprd token add`.
//!
//! After each run `client/router.db` must not exist (the calls went remote) and `home/` and
//! `xdg/` must still be empty. Two programs differ by design:
//! - `info.c` is not run here: the `MprInfo*` functions work on caller memory and never connect.
//! - `config.c` calls `MprConfigServerInstall`, which has no server parameter and resets *this
//!   machine's* store: it creates `client/router.db`. The test checks that this local store got
//!   the default tree while the interface the program created before Install stayed on the server.
//! - `persist.c`'s backup and restore paths are the caller's: the configuration travels over the
//!   connection and the backup file is written in `client/`, never in `server/`.

mod common;

use std::ffi::OsString;
use std::fs::OpenOptions;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use common::{compile, mprd_bin, run_env};
use mprconfig::WinError;

/// How long `mprd` may take to print its listening line: far beyond a normal start (creating a
/// store and a certificate), so only a hung or crashed daemon reaches it.
const START_DEADLINE: Duration = Duration::from_secs(120);

/// A running `mprd serve`, killed (SIGKILL, no drain) and reaped when dropped.
struct Mprd {
    child: Child,
    addr: SocketAddr,
}

impl Mprd {
    /// Starts `mprd serve` on 127.0.0.1:0 for `store`; returns once it listens. Its standard
    /// error goes to `mprd.log` beside the store (shown when something fails).
    fn start(store: &Path) -> Mprd {
        let log = log_path(store);
        let stderr = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .expect("open mprd.log");
        let mut child = Command::new(mprd_bin())
            .args(["serve", "--listen", "127.0.0.1:0", "--store"])
            .arg(store)
            .env("MPRD_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start mprd");
        let stdout = child.stdout.take().expect("mprd stdout");
        // From here the guard owns the process: any failure below kills it.
        let mut server = Mprd {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        };
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            // Keeps reading to the end so the daemon never blocks on a full pipe.
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + START_DEADLINE;
        let next_line = |what: &str| match rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            Ok(line) => line,
            Err(RecvTimeoutError::Timeout) => panic!(
                "mprd printed no {what} within {START_DEADLINE:?}; log:\n{}",
                read_log(store)
            ),
            Err(RecvTimeoutError::Disconnected) => panic!(
                "mprd exited before printing its {what}; log:\n{}",
                read_log(store)
            ),
        };
        let listening = next_line("listening line");
        server.addr = listening
            .strip_prefix("mprd listening on ")
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line from mprd: {listening:?}"));
        let fingerprint = next_line("fingerprint line");
        let cert = cert_path(store);
        assert!(
            fingerprint.contains(&cert.display().to_string())
                && fingerprint.contains("fingerprint sha256:"),
            "unexpected second line from mprd: {fingerprint:?} (expected the certificate {})",
            cert.display()
        );
        assert!(server.addr.ip().is_loopback() && server.addr.port() != 0);
        server
    }
}

impl Drop for Mprd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn log_path(store: &Path) -> PathBuf {
    store.with_file_name("mprd.log")
}

fn read_log(store: &Path) -> String {
    std::fs::read_to_string(log_path(store)).unwrap_or_default()
}

/// Where `mprd` keeps its self-signed certificate for a store (`tls::default_tls_paths`).
fn cert_path(store: &Path) -> PathBuf {
    store.with_file_name("tls").join("server.crt")
}

/// One test's server, client and token. Fields drop in order: the daemon before the directory.
struct Remote {
    mprd: Option<Mprd>,
    token: String,
    store: PathBuf,
    client: PathBuf,
    home: PathBuf,
    xdg: PathBuf,
    _tmp: tempfile::TempDir,
}

impl Remote {
    /// A fresh server store with an admin token, and a running `mprd` on it.
    fn new() -> Remote {
        let tmp = tempfile::tempdir().expect("tempdir");
        let [server, client, home, xdg] =
            ["server", "client", "home", "xdg"].map(|d| tmp.path().join(d));
        for d in [&server, &client, &home, &xdg] {
            std::fs::create_dir(d).expect("create dir");
        }
        let store = server.join("router.db");
        let out = Command::new(mprd_bin())
            .args(["token", "add", "c-programs", "--role", "admin", "--store"])
            .arg(&store)
            .stdin(Stdio::null())
            .output()
            .expect("run mprd token add");
        assert!(
            out.status.success(),
            "mprd token add failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // The token is printed once, alone on standard output.
        let token = String::from_utf8(out.stdout).expect("token is text");
        let token = token.trim().to_string();
        assert!(
            !token.is_empty() && !token.contains(char::is_whitespace),
            "unexpected mprd token add output: {token:?}"
        );
        let mprd = Some(Mprd::start(&store));
        Remote {
            mprd,
            token,
            store,
            client,
            home,
            xdg,
            _tmp: tmp,
        }
    }

    fn server_name(&self) -> String {
        self.mprd.as_ref().expect("mprd running").addr.to_string()
    }

    /// Stops the daemon (SIGKILL: committed data must survive even that).
    fn stop(&mut self) {
        drop(self.mprd.take());
    }

    /// Stops the daemon and starts a new one on the same store (a new port, the same certificate).
    fn restart(&mut self) {
        self.stop();
        self.mprd = Some(Mprd::start(&self.store));
    }

    /// Runs a program in `client/` against the server; checks its closing line.
    fn run(&self, exe: &Path, args: &[&str]) -> String {
        let env: [(&str, OsString); 5] = [
            ("MPRAPI_TEST_SERVER", self.server_name().into()),
            ("MPRCONFIG_TOKEN", self.token.clone().into()),
            ("MPRCONFIG_CA", cert_path(&self.store).into()),
            ("HOME", self.home.clone().into()),
            ("XDG_CONFIG_HOME", self.xdg.clone().into()),
        ];
        let stdout = run_env(exe, &self.client, args, env);
        let last = stdout.lines().last().unwrap_or("");
        assert!(
            last.ends_with(" passed, 0 failed") && !last.starts_with("0 passed"),
            "{} {args:?} against mprd: {stdout}\n--- mprd log\n{}",
            exe.display(),
            read_log(&self.store)
        );
        stdout
    }

    fn client_store(&self) -> PathBuf {
        self.client.join("router.db")
    }

    /// Nothing local was touched: no client store, nothing under `home/` or `xdg/`.
    fn assert_client_side_untouched(&self) {
        assert!(
            !self.client_store().exists(),
            "{} was created: a call went to the local store instead of mprd",
            self.client_store().display()
        );
        for d in [&self.home, &self.xdg] {
            let entries: Vec<_> = std::fs::read_dir(d)
                .expect("read dir")
                .map(|e| e.expect("dir entry").path())
                .collect();
            assert!(
                entries.is_empty(),
                "written under {}: {entries:?}",
                d.display()
            );
        }
    }

    /// Compiles `source` into `client/`.
    fn compile(&self, source: &str, extra: &[&str]) -> PathBuf {
        compile(source, extra, &self.client)
    }
}

/// Compiles and runs one program against a fresh `mprd`; asserts it never touched local state.
fn check(source: &str, extra: &[&str]) {
    let remote = Remote::new();
    let exe = remote.compile(source, extra);
    remote.run(&exe, &[]);
    remote.assert_client_side_untouched();
}

#[test]
fn config_functions_c_program_against_mprd() {
    let mut remote = Remote::new();
    let exe = remote.compile("tests/c/config.c", &[]);
    remote.run(&exe, &[]);
    remote.stop();
    // MprConfigServerInstall is the one call with no server: it built this machine's store.
    let local = mprconfig::connect_store(remote.client_store()).expect("open the client store");
    assert!(local.interface_get_handle("Loopback").is_ok());
    assert_eq!(
        local
            .interface_get_handle("Before install")
            .map(|_| ())
            .unwrap_err()
            .code,
        WinError::ERROR_NO_SUCH_INTERFACE
    );
    // The interface created remotely before Install is still on the server.
    let server = mprconfig::connect_store(&remote.store).expect("open the server store");
    assert!(server.interface_get_handle("Before install").is_ok());
}

#[test]
fn paging_through_1000_interfaces_c_program_against_mprd() {
    check("tests/c/paging.c", &[]);
}

#[test]
fn eight_threads_share_one_remote_config_handle_c_program() {
    check("tests/c/threads.c", &[]);
}

#[test]
fn windows_style_short_wchar_program_connects_to_mprd() {
    check("tests/c/shortwchar.c", &["-fshort-wchar"]);
}

#[test]
fn friendly_names_of_tcpip_device_guid_names_c_program_against_mprd() {
    check("tests/c/guidnames.c", &["-fshort-wchar"]);
}

/// The write phase in its own process; returns the compiled program for the check phase.
fn persist_write(remote: &Remote) -> PathBuf {
    let exe = remote.compile("tests/c/persist.c", &[]);
    remote.run(&exe, &["write"]);
    remote.assert_client_side_untouched();
    // The write reached the server's store.
    let server = mprconfig::connect_store(&remote.store).expect("open the server store");
    assert!(server.interface_get_handle("Persistent").is_ok());
    exe
}

/// The check phase (read back, then backup/restore); the backup file is the caller's.
fn persist_check(remote: &Remote, exe: &Path) {
    remote.run(exe, &["check"]);
    remote.assert_client_side_untouched();
    assert!(remote.client.join(mprconfig::BACKUP_FILE_NAME).is_file());
    assert!(
        !remote
            .store
            .with_file_name(mprconfig::BACKUP_FILE_NAME)
            .exists()
    );
}

#[test]
fn configuration_persists_across_client_processes_and_backup_restore_against_mprd() {
    let remote = Remote::new();
    let exe = persist_write(&remote);
    persist_check(&remote, &exe);
}

#[test]
fn configuration_survives_an_mprd_restart_between_processes() {
    let mut remote = Remote::new();
    let exe = persist_write(&remote);
    // The first daemon is killed and reaped before the second starts: only the store remains.
    remote.restart();
    persist_check(&remote, &exe);
}
