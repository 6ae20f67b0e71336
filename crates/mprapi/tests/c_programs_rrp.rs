//! The C test programs of `tests/c/` against a Windows-style router reached over MS-RRP (a
//! scratch Samba from `mprconfig-rrp-testkit`): built exactly as in `c_programs.rs` (installed
//! library, gcc `-Werror`, ASan + UBSan) and checked the same way ("N passed, 0 failed" with
//! N > 0, no sanitizer report), but run with `MPRAPI_TEST_SERVER` naming the server, so every
//! `MprConfig*` call reads and writes the server's `HKLM\...\RemoteAccess` through
//! `\PIPE\winreg`. The programs are unchanged: the name is `smb://user@127.0.0.1:port` with
//! the password in `MPRCONFIG_SMB_PASSWORD`, or — as a program written for Windows passes it —
//! `\\router1`, which `hosts.toml` in the program's `XDG_CONFIG_HOME` marks as Windows, with the
//! password in `credentials.toml` there.
//!
//! Each test has an smbd of its own (the programs expect a fresh configuration, and they all
//! write the one RemoteAccess tree of the server), installed with the default tree for this
//! machine's links as `mprd` creates a new store. After each run the program's local store
//! (`client/router.db`) must not exist. `info.c` is not run here: the `MprInfo*` functions
//! work on caller memory and never connect.

mod common;

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use common::{compile, run_env};
use mprconfig::registry::Registry;
use mprconfig::{RouterConfig, WinError};
use mprconfig_rrp::{RrpConfig, RrpOptions, RrpRegistry};
use mprconfig_rrp_testkit::SambaServer;

/// One test's server and the program's directories. Fields drop in order: smbd first.
struct Rrp {
    server: SambaServer,
    client: PathBuf,
    home: PathBuf,
    xdg: PathBuf,
    _tmp: tempfile::TempDir,
}

impl Rrp {
    /// A fresh smbd with the default tree installed, or `None` (after saying why) when Samba
    /// cannot run here.
    fn new() -> Option<Rrp> {
        let server = match SambaServer::start() {
            Ok(s) => s,
            Err(why) => {
                eprintln!("SKIPPED: {why}");
                return None;
            }
        };
        let tmp = tempfile::tempdir().expect("tempdir");
        let [client, home, xdg] = ["client", "home", "xdg"].map(|d| tmp.path().join(d));
        for d in [&client, &home, &xdg] {
            std::fs::create_dir(d).expect("create dir");
        }
        let rrp = Rrp {
            server,
            client,
            home,
            xdg,
            _tmp: tmp,
        };
        rrp.config()
            .install(&mprconfig::local_links())
            .expect("install the default tree on the server");
        Some(rrp)
    }

    /// The server's configuration, opened from the test (not through the C library).
    fn config(&self) -> RrpConfig {
        RrpConfig::new(
            RrpRegistry::connect(RrpOptions::new(
                "127.0.0.1",
                self.server.port,
                "",
                &self.server.admin.user,
                &self.server.admin.password,
            ))
            .expect("connect to the scratch smbd"),
        )
    }

    fn url(&self) -> String {
        format!(
            "smb://{}@127.0.0.1:{}",
            self.server.admin.user, self.server.port
        )
    }

    /// Makes `\\router1` this server, for programs that name it as on Windows.
    fn mark_router1_windows(&self) {
        let conf = self.xdg.join("mprconfig");
        std::fs::create_dir_all(&conf).expect("create config dir");
        std::fs::write(
            conf.join("hosts.toml"),
            format!(
                "[router1]\nwindows = true\nuser = \"{}\"\nhost = \"127.0.0.1\"\nport = {}\n",
                self.server.admin.user, self.server.port
            ),
        )
        .expect("write hosts.toml");
        std::fs::write(
            conf.join("credentials.toml"),
            format!(
                "[\"{}\"]\npassword = \"{}\"\n",
                self.url(),
                self.server.admin.password
            ),
        )
        .expect("write credentials.toml");
    }

    /// Runs a program in `client/` with `MPRAPI_TEST_SERVER=server`; checks its closing line
    /// and that it kept off the local store.
    fn run(&self, exe: &Path, server: &str, args: &[&str]) -> String {
        let mut env: Vec<(&str, OsString)> = vec![
            ("MPRAPI_TEST_SERVER", server.into()),
            ("HOME", self.home.clone().into()),
            ("XDG_CONFIG_HOME", self.xdg.clone().into()),
        ];
        if server.starts_with("smb://") {
            env.push((
                "MPRCONFIG_SMB_PASSWORD",
                self.server.admin.password.clone().into(),
            ));
        }
        let stdout = run_env(exe, &self.client, args, env);
        let last = stdout.lines().last().unwrap_or("");
        assert!(
            last.ends_with(" passed, 0 failed") && !last.starts_with("0 passed"),
            "{} {args:?} against {server}: {stdout}",
            exe.display()
        );
        stdout
    }

    fn client_store(&self) -> PathBuf {
        self.client.join("router.db")
    }

    fn assert_local_store_untouched(&self) {
        assert!(
            !self.client_store().exists(),
            "{} was created: a call went to the local store instead of the MS-RRP server",
            self.client_store().display()
        );
    }

    /// Compiles `source` into `client/`.
    fn compile(&self, source: &str, extra: &[&str]) -> PathBuf {
        compile(source, extra, &self.client)
    }
}

/// Compiles and runs one program against a fresh server named `smb://...`.
fn check(source: &str, extra: &[&str]) {
    let Some(rrp) = Rrp::new() else { return };
    let exe = rrp.compile(source, extra);
    rrp.run(&exe, &rrp.url(), &[]);
    rrp.assert_local_store_untouched();
}

#[test]
fn config_functions_c_program_against_an_ms_rrp_server() {
    let Some(rrp) = Rrp::new() else { return };
    let exe = rrp.compile("tests/c/config.c", &[]);
    rrp.run(&exe, &rrp.url(), &[]);
    // MprConfigServerInstall is the one call with no server: it built this machine's store.
    let local = mprconfig::connect_store(rrp.client_store()).expect("open the client store");
    assert!(local.interface_get_handle("Loopback").is_ok());
    assert_eq!(
        local
            .interface_get_handle("Before install")
            .map(|_| ())
            .unwrap_err()
            .code,
        WinError::ERROR_NO_SUCH_INTERFACE
    );
    // The interface created over MS-RRP before Install is on the server.
    assert!(rrp.config().interface_get_handle("Before install").is_ok());
}

#[test]
fn eight_threads_share_one_ms_rrp_config_handle_c_program() {
    check("tests/c/threads.c", &[]);
}

#[test]
fn friendly_names_of_tcpip_device_guid_names_c_program_against_an_ms_rrp_server() {
    check("tests/c/guidnames.c", &["-fshort-wchar"]);
}

#[test]
fn windows_style_program_names_the_router_backslash_backslash_router1_marked_in_hosts_toml() {
    let Some(rrp) = Rrp::new() else { return };
    rrp.mark_router1_windows();
    let exe = rrp.compile("tests/c/shortwchar.c", &["-fshort-wchar"]);
    let before = rrp.config().registry().generation().unwrap();
    rrp.run(&exe, r"\\router1", &[]);
    rrp.assert_local_store_untouched();
    // The program creates one interface and deletes it: two commits on the server.
    assert_eq!(rrp.config().registry().generation().unwrap(), before + 2);
}

#[test]
fn configuration_persists_across_client_processes_and_backup_restore_over_ms_rrp() {
    let Some(rrp) = Rrp::new() else { return };
    let exe = rrp.compile("tests/c/persist.c", &[]);
    rrp.run(&exe, &rrp.url(), &["write"]);
    rrp.assert_local_store_untouched();
    // The write reached the server.
    assert!(rrp.config().interface_get_handle("Persistent").is_ok());
    rrp.run(&exe, &rrp.url(), &["check"]);
    rrp.assert_local_store_untouched();
    // The backup file is the caller's.
    assert!(rrp.client.join(mprconfig::BACKUP_FILE_NAME).is_file());
}

#[test]
fn configuration_survives_an_smbd_restart_between_processes() {
    let Some(mut rrp) = Rrp::new() else { return };
    let exe = rrp.compile("tests/c/persist.c", &[]);
    rrp.run(&exe, &rrp.url(), &["write"]);
    // smbd killed (no shutdown) and started again on the same state directory.
    rrp.server.restart().expect("restart smbd");
    rrp.run(&exe, &rrp.url(), &["check"]);
    rrp.assert_local_store_untouched();
}

#[test]
fn paging_through_1000_interfaces_c_program_against_an_ms_rrp_server() {
    check("tests/c/paging.c", &[]);
}
