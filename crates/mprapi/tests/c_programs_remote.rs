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

use std::path::{Path, PathBuf};

use common::mprd::Remote;
use mprconfig::WinError;

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
