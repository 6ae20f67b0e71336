//! Running the built `mprcfg` as a process against a store in a temporary directory.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// The W7-shaped RemoteAccess export checked in by the core crate.
pub const W7: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../core/tests/data/w7-remoteaccess.reg"
);

/// One isolated environment: a store file, a HOME, and extra variables for the child.
pub struct Env {
    pub dir: tempfile::TempDir,
    pub vars: Vec<(String, String)>,
    pub server: Option<String>,
}

/// What one run produced.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Env {
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("temp dir"),
            vars: Vec::new(),
            server: None,
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn store(&self) -> PathBuf {
        self.path("router.db")
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_mprcfg"));
        if let Some(s) = &self.server {
            c.arg("-r").arg(s);
        }
        c.args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("MPRCONFIG_STORE", self.store())
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.path("config"))
            .current_dir(self.dir.path())
            .stdin(Stdio::null());
        for (k, v) in &self.vars {
            c.env(k, v);
        }
        c
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let out: Output = self.command(args).output().expect("run mprcfg");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
            stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
        }
    }

    /// Runs a command that must succeed silently on stderr; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let r = self.run(args);
        assert_eq!(r.code, 0, "mprcfg {args:?} failed: {}", r.stderr);
        assert_eq!(r.stderr, "", "mprcfg {args:?} wrote to stderr");
        r.stdout
    }

    /// Runs with `--json` and parses stdout.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut a = vec!["--json"];
        a.extend_from_slice(args);
        let out = self.ok(&a);
        serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("mprcfg {args:?} printed no JSON ({e}): {out}"))
    }

    /// Runs a command that must fail with `exit` and the Win32 error `code`/`name`; checks the
    /// one-line error shape and returns the line.
    pub fn fail(&self, args: &[&str], exit: i32, code: u32, name: &str) -> String {
        let r = self.run(args);
        assert_eq!(
            r.code, exit,
            "mprcfg {args:?}: exit {} with {}",
            r.code, r.stderr
        );
        assert_eq!(
            r.stdout, "",
            "mprcfg {args:?} printed on stdout after failing"
        );
        let lines: Vec<&str> = r.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "one error line expected: {:?}", r.stderr);
        let line = lines[0];
        assert!(line.starts_with("mprcfg: "), "{line}");
        assert!(line.ends_with(&format!("(error {code}: {name})")), "{line}");
        line.to_string()
    }

    /// Opens the same store through the Rust API (the CLI process has exited).
    pub fn api(&self) -> mprconfig::Connection {
        mprconfig::connect_store(self.store()).expect("open the store")
    }
}

/// The rows of a table (header first), split on runs of two or more spaces.
pub fn rows(table: &str) -> Vec<Vec<String>> {
    table
        .lines()
        .map(|l| {
            l.split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect()
        })
        .collect()
}

/// Reads a file.
pub fn read(path: impl AsRef<Path>) -> Vec<u8> {
    std::fs::read(path).expect("read file")
}
