//! A real `mprd` on loopback for the C tests that go remote (`c_programs_remote.rs`,
//! `c_unix.rs`); see `c_programs_remote.rs` for the directory layout of one test's [`Remote`].

use std::ffi::OsString;
use std::fs::OpenOptions;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use super::{compile, mprd_bin, run_env};

/// How long `mprd` may take to print its listening line: far beyond a normal start (creating a
/// store and a certificate), so only a hung or crashed daemon reaches it.
const START_DEADLINE: Duration = Duration::from_secs(120);

/// A running `mprd serve`, killed (SIGKILL, no drain) and reaped when dropped.
pub struct Mprd {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
}

impl Mprd {
    /// Starts `mprd serve` on 127.0.0.1:0 for `store`; returns once it listens. Its standard
    /// error goes to `mprd.log` beside the store (shown when something fails).
    pub fn start(store: &Path) -> Mprd {
        Mprd::start_with(store, &[])
    }

    /// [`Mprd::start`] with more `serve` arguments (`--router-socket PATH`, say).
    pub fn start_with(store: &Path, extra: &[&std::ffi::OsStr]) -> Mprd {
        let log = log_path(store);
        let stderr = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .expect("open mprd.log");
        let mut child = Command::new(mprd_bin())
            .args(["serve", "--listen", "127.0.0.1:0", "--store"])
            .arg(store)
            .args(extra)
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

pub fn log_path(store: &Path) -> PathBuf {
    store.with_file_name("mprd.log")
}

pub fn read_log(store: &Path) -> String {
    std::fs::read_to_string(log_path(store)).unwrap_or_default()
}

/// Where `mprd` keeps its self-signed certificate for a store (`tls::default_tls_paths`).
pub fn cert_path(store: &Path) -> PathBuf {
    store.with_file_name("tls").join("server.crt")
}

/// One test's server, client and token. Fields drop in order: the daemon before the directory.
pub struct Remote {
    pub mprd: Option<Mprd>,
    pub token: String,
    pub store: PathBuf,
    pub client: PathBuf,
    pub home: PathBuf,
    pub xdg: PathBuf,
    _tmp: tempfile::TempDir,
}

impl Remote {
    /// A fresh server store with an admin token, and a running `mprd` on it.
    pub fn new() -> Remote {
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

    pub fn server_name(&self) -> String {
        self.mprd.as_ref().expect("mprd running").addr.to_string()
    }

    /// Stops the daemon (SIGKILL: committed data must survive even that).
    pub fn stop(&mut self) {
        drop(self.mprd.take());
    }

    /// Stops the daemon and starts a new one on the same store (a new port, the same certificate).
    pub fn restart(&mut self) {
        self.stop();
        self.mprd = Some(Mprd::start(&self.store));
    }

    /// The environment that points a program at this server: `MPRAPI_TEST_SERVER`, the token,
    /// the certificate, and the empty `HOME` and `XDG_CONFIG_HOME`.
    pub fn env(&self) -> [(&'static str, OsString); 5] {
        [
            ("MPRAPI_TEST_SERVER", self.server_name().into()),
            ("MPRCONFIG_TOKEN", self.token.clone().into()),
            ("MPRCONFIG_CA", cert_path(&self.store).into()),
            ("HOME", self.home.clone().into()),
            ("XDG_CONFIG_HOME", self.xdg.clone().into()),
        ]
    }

    /// Runs a program in `client/` against the server; checks its closing line.
    pub fn run(&self, exe: &Path, args: &[&str]) -> String {
        let stdout = run_env(exe, &self.client, args, self.env());
        let last = stdout.lines().last().unwrap_or("");
        assert!(
            last.ends_with(" passed, 0 failed") && !last.starts_with("0 passed"),
            "{} {args:?} against mprd: {stdout}\n--- mprd log\n{}",
            exe.display(),
            read_log(&self.store)
        );
        stdout
    }

    pub fn client_store(&self) -> PathBuf {
        self.client.join("router.db")
    }

    /// Nothing local was touched: no client store, nothing under `home/` or `xdg/`.
    pub fn assert_client_side_untouched(&self) {
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
    pub fn compile(&self, source: &str, extra: &[&str]) -> PathBuf {
        compile(source, extra, &self.client)
    }
}
