//! Builds the C test programs of `tests/c/` with `gcc -Wall -Wextra -Werror` and
//! AddressSanitizer + UndefinedBehaviorSanitizer against the library *installed* by
//! `install.sh` (headers, `libmprapi.so`, `mprapi.pc` through pkg-config), then runs each one
//! with its own store (`MPRCONFIG_STORE` in a temporary directory) and checks its exit status,
//! its "N passed, 0 failed" line and that the sanitizers reported nothing.
//!
//! `MPRAPI_TEST_SERVER`, when set in the environment, is passed on: the same programs then run
//! against a remote `mprd`.

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
