//! Builds the C test programs of `tests/c/` with `gcc -Wall -Wextra -Werror` and
//! AddressSanitizer + UndefinedBehaviorSanitizer against the library *installed* by
//! `install.sh` (headers, `libmprapi.so`, `mprapi.pc` through pkg-config), then runs each one
//! with its own store (`MPRCONFIG_STORE` in a temporary directory) and checks its exit status,
//! its "N passed, 0 failed" line and that the sanitizers reported nothing.
//!
//! `MPRAPI_TEST_SERVER`, when set in the environment, is passed on: the same programs then run
//! against a remote `mprd`. `c_programs_remote.rs` does that automatically, with its own daemon.

mod common;

use common::{compile, run};

/// Compiles and runs one program; asserts its closing "N passed, 0 failed" line.
fn check(source: &str, extra: &[&str]) {
    let dir = tempfile::tempdir().expect("tempdir");
    let exe = compile(source, extra, dir.path());
    let stdout = run(&exe, dir.path(), &[]);
    let last = stdout.lines().last().unwrap_or("");
    assert!(
        last.ends_with(" passed, 0 failed") && !last.starts_with("0 passed"),
        "{source}: {stdout}"
    );
}

#[test]
fn info_header_functions_c_program() {
    check("tests/c/info.c", &[]);
}

#[test]
fn config_functions_c_program() {
    check("tests/c/config.c", &[]);
}

#[test]
fn paging_through_1000_interfaces_c_program() {
    check("tests/c/paging.c", &[]);
}

#[test]
fn eight_threads_share_one_config_handle_c_program() {
    check("tests/c/threads.c", &[]);
}

#[test]
fn windows_style_source_with_short_wchar_compiles_unchanged() {
    check("tests/c/shortwchar.c", &["-fshort-wchar"]);
}

#[test]
fn friendly_names_of_tcpip_device_guid_names_c_program() {
    check("tests/c/guidnames.c", &["-fshort-wchar"]);
}

#[test]
fn configuration_persists_across_disconnect_processes_and_backup_restore_c_program() {
    let dir = tempfile::tempdir().expect("tempdir");
    let exe = compile("tests/c/persist.c", &[], dir.path());
    // Two processes: one writes and exits, the next reads back what it wrote.
    for phase in ["write", "check"] {
        let stdout = run(&exe, dir.path(), &[phase]);
        assert!(
            stdout.trim_end().ends_with(" passed, 0 failed"),
            "{phase}: {stdout}"
        );
    }
}
