//! Runs the real `mprd` binary on 127.0.0.1 for the integration tests.

#![allow(dead_code)]

use mprconfig_remote::tls::Trust;
use mprconfig_remote::{ConnectOptions, RemoteConfig};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

pub const MPRD: &str = env!("CARGO_BIN_EXE_mprd");

/// Runs `mprd token add` and returns the printed secret.
pub fn add_token(store: &Path, name: &str, role: &str) -> String {
    let out = Command::new(MPRD)
        .args(["token", "add", name, "--role", role, "--store"])
        .arg(store)
        .output()
        .expect("run mprd token add");
    assert!(
        out.status.success(),
        "token add failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// A running `mprd serve`.
pub struct Daemon {
    child: Option<Child>,
    pub addr: SocketAddr,
    pub fingerprint: String,
    pub store: PathBuf,
}

impl Daemon {
    /// Starts `mprd serve --listen LISTEN --store STORE EXTRA...` and waits (bounded) for it to
    /// print its address and fingerprint.
    pub fn start(store: &Path, listen: &str, extra: &[&str]) -> Daemon {
        let log = std::fs::File::create(store.with_extension("log")).expect("log file");
        let mut child = Command::new(MPRD)
            .args(["serve", "--listen", listen, "--store"])
            .arg(store)
            .args(extra)
            .env(
                "MPRD_LOG",
                std::env::var("MPRD_LOG").unwrap_or_else(|_| "warn".into()),
            )
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
        let mut addr = None;
        let mut fingerprint = None;
        let end = Instant::now() + Duration::from_secs(60);
        while addr.is_none() || fingerprint.is_none() {
            let left = end.saturating_duration_since(Instant::now());
            let line = match rx.recv_timeout(left) {
                Ok(l) => l,
                Err(_) => {
                    let _ = child.kill();
                    let log =
                        std::fs::read_to_string(store.with_extension("log")).unwrap_or_default();
                    panic!("mprd did not start; its log:\n{log}");
                }
            };
            if let Some(a) = line.strip_prefix("mprd listening on ") {
                addr = Some(a.trim().parse().expect("address"));
            } else if let Some(i) = line.find("fingerprint sha256:") {
                fingerprint = Some(line[i + "fingerprint sha256:".len()..].trim().to_string());
            }
        }
        Daemon {
            child: Some(child),
            addr: addr.unwrap(),
            fingerprint: fingerprint.unwrap(),
            store: store.to_path_buf(),
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().map(|c| c.id()).unwrap_or(0)
    }

    pub fn options(&self, token: &str) -> ConnectOptions {
        ConnectOptions::new(
            Some(token.to_string()),
            Trust {
                ca: vec![],
                pins: vec![self.fingerprint.clone()],
            },
        )
    }

    pub fn connect(&self, token: &str) -> mprconfig::Result<RemoteConfig> {
        RemoteConfig::connect_with("127.0.0.1", self.addr.port(), self.options(token))
    }

    /// Resident set size in KiB (`VmRSS` of /proc/PID/status).
    pub fn rss_kib(&self) -> u64 {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    /// SIGKILL, and reap.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// SIGTERM, then wait (bounded) for the exit status.
    pub fn terminate(&mut self) -> ExitStatus {
        let mut c = self.child.take().expect("running");
        // SAFETY: sending a signal to our own child process.
        unsafe { libc::kill(c.id() as libc::pid_t, libc::SIGTERM) };
        let end = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(s) = c.try_wait().expect("wait") {
                return s;
            }
            if Instant::now() > end {
                let _ = c.kill();
                panic!("mprd did not stop after SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        self.kill();
    }
}
