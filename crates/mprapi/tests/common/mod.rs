//! Shared by the integration tests that compile C: a fresh build of the C library, installed
//! with `install.sh` into a temporary prefix, and gcc with sanitizers against it.

#![allow(dead_code)]

pub mod mprd;
pub mod netns;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::mpsc;
use std::time::Duration;

/// The profile directory of this test binary with everything these tests run built in it:
/// the library as `libmprapi.so`/`.a` (`cargo test` builds only its rlib) and the binaries
/// (`mprd`, `mprrouted`, `mprcfg`). One `cargo build --workspace --lib --tests`, once per test
/// process, with this test's cargo, profile and target directory: the same packages and
/// targets as `cargo test --workspace`, so the same features and the same compiled
/// dependencies. (Building one package with `-p` resolves features for it alone, which rebuilt
/// half the dependency tree per package: minutes of CI.)
fn built() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let exe = std::env::current_exe().expect("current_exe");
        let dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("profile dir")
            .to_path_buf();
        let target = dir.parent().expect("target dir");
        let mut cmd = Command::new(env!("CARGO"));
        cmd.args(["build", "--workspace", "--lib", "--tests", "--target-dir"])
            .arg(target);
        if dir.file_name().is_some_and(|n| n == "release") {
            cmd.arg("--release");
        }
        let out = cmd.output().expect("run cargo build");
        assert!(
            out.status.success(),
            "cargo build --workspace --lib --tests failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        dir
    })
}

/// The directory with a fresh libmprapi.so (see [`built`]).
pub fn lib_dir() -> &'static Path {
    let dir = built();
    assert!(
        dir.join("libmprapi.so").exists(),
        "libmprapi.so not built in {}",
        dir.display()
    );
    dir
}

/// A binary of the workspace, fresh (see [`built`]).
pub fn workspace_bin(bin: &str) -> PathBuf {
    let path = built().join(bin);
    assert!(path.exists(), "{bin} not built at {}", path.display());
    path
}

/// The real server, `mprd`.
pub fn mprd_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| workspace_bin("mprd"))
}

/// The router manager, `mprrouted`.
pub fn mprrouted() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| workspace_bin("mprrouted"))
}

/// The command-line tool, `mprcfg`.
pub fn mprcfg_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| workspace_bin("mprcfg"))
}

/// Installs the library once per test process into a prefix of its own (as a user would).
///
/// The prefix lives in cargo's per-target scratch directory, named after this test binary, and
/// is emptied before each install: a static is never dropped, so a temporary directory here
/// would leak one installed library (about 200 MB with debug info) into `/tmp` per run.
pub fn prefix() -> &'static Path {
    static PREFIX: OnceLock<PathBuf> = OnceLock::new();
    PREFIX.get_or_init(|| {
        let exe = std::env::current_exe().expect("current exe");
        let name = exe
            .file_stem()
            .and_then(OsStr::to_str)
            .unwrap_or("mprapi-test");
        // Drop cargo's hash suffix so a rebuilt test binary reuses (and empties) the same prefix.
        let name = name.rsplit_once('-').map_or(name, |(base, _)| base);
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("prefix-{name}"));
        match std::fs::remove_dir_all(&dir) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => panic!("cannot empty {}: {e}", dir.display()),
        }
        std::fs::create_dir_all(&dir).expect("create prefix");
        let out = Command::new("sh")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("install.sh"))
            .arg(&dir)
            .env("MPRAPI_LIB_DIR", lib_dir())
            .output()
            .expect("run install.sh");
        assert!(
            out.status.success(),
            "install.sh failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        dir
    })
}

pub fn pkg_config(arg: &str) -> Vec<String> {
    let out = Command::new("pkg-config")
        .args([arg, "mprapi"])
        .env("PKG_CONFIG_PATH", prefix().join("lib/pkgconfig"))
        .output()
        .expect("pkg-config (install the pkg-config package)");
    assert!(
        out.status.success(),
        "pkg-config {arg} mprapi: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

/// Compiles `source` (relative to the crate) with the given extra flags; returns the binary.
pub fn compile(source: &str, extra: &[&str], out_dir: &Path) -> PathBuf {
    compile_as(source, extra, out_dir, Build::default())
}

/// How [`compile_as`] builds a program.
#[derive(Clone, Copy, Debug)]
pub struct Build {
    /// With ASan + UBSan (off for valgrind, which cannot run sanitized programs).
    pub sanitizers: bool,
    /// Linked with `-lmprapi` (off for a program that `dlopen`s the library itself).
    pub link_library: bool,
}

impl Default for Build {
    fn default() -> Build {
        Build {
            sanitizers: true,
            link_library: true,
        }
    }
}

/// [`compile`] with a choice of sanitizers and linking; the binary is named after the source,
/// with `-plain` when built without sanitizers.
pub fn compile_as(source: &str, extra: &[&str], out_dir: &Path, build: Build) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(source);
    let stem = src
        .file_stem()
        .expect("stem")
        .to_string_lossy()
        .into_owned();
    let exe = out_dir.join(if build.sanitizers {
        stem
    } else {
        format!("{stem}-plain")
    });
    let mut cmd = Command::new("gcc");
    cmd.args([
        "-std=gnu11",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-g",
        "-O1",
        "-fno-omit-frame-pointer",
    ]);
    if build.sanitizers {
        cmd.args(["-fsanitize=address,undefined", "-fno-sanitize-recover=all"]);
    }
    cmd.args(extra)
        .args(pkg_config("--cflags"))
        .arg(&src)
        .arg("-o")
        .arg(&exe);
    if build.link_library {
        cmd.args(pkg_config("--libs"))
            .arg(format!("-Wl,-rpath,{}", prefix().join("lib").display()));
    }
    cmd.arg("-lpthread").arg("-ldl");
    let out = cmd.output().expect("run gcc");
    assert!(
        out.status.success(),
        "gcc failed for {source}:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    exe
}

/// How long one test program may run: far beyond any normal run, so only a hang (say, of a
/// server it waits on) reaches it; the program is then killed and the test fails.
const PROGRAM_DEADLINE: Duration = Duration::from_secs(600);

/// Runs a compiled test program with its own store; returns stdout.
pub fn run(exe: &Path, store_dir: &Path, args: &[&str]) -> String {
    run_env(exe, store_dir, args, std::iter::empty::<(&str, &str)>())
}

/// [`run`] with extra environment variables (set after, so over, `MPRCONFIG_STORE`): the remote
/// tests point the program at an `mprd` with them. Checks the exit status and that the
/// sanitizers reported nothing; returns stdout.
pub fn run_env<K, V>(
    exe: &Path,
    store_dir: &Path,
    args: &[&str],
    env: impl IntoIterator<Item = (K, V)>,
) -> String
where
    K: AsRef<OsStr>,
    V: AsRef<OsStr>,
{
    run_under(&[], exe, store_dir, args, env)
}

/// [`run_env`] under a wrapper command (`valgrind ...`): `wrapper[0] wrapper[1..] exe args`.
pub fn run_under<K, V>(
    wrapper: &[&str],
    exe: &Path,
    store_dir: &Path,
    args: &[&str],
    env: impl IntoIterator<Item = (K, V)>,
) -> String
where
    K: AsRef<OsStr>,
    V: AsRef<OsStr>,
{
    let mut cmd = match wrapper.split_first() {
        Some((program, rest)) => {
            let mut c = Command::new(program);
            c.args(rest).arg(exe);
            c
        }
        None => Command::new(exe),
    };
    let child = cmd
        .args(args)
        .env("MPRCONFIG_STORE", store_dir.join("router.db"))
        .env(
            "ASAN_OPTIONS",
            "detect_leaks=1:abort_on_error=0:exitcode=86",
        )
        .env("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
        .envs(env)
        .current_dir(store_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run test program");
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let out = match rx.recv_timeout(PROGRAM_DEADLINE) {
        Ok(out) => out.expect("wait for test program"),
        Err(_) => {
            // Not reaped yet (the waiter would have sent), so the pid is still this program.
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
            let out = rx.recv().map(|o| o.ok());
            let (so, se) = match out {
                Ok(Some(o)) => (
                    String::from_utf8_lossy(&o.stdout).into_owned(),
                    String::from_utf8_lossy(&o.stderr).into_owned(),
                ),
                _ => Default::default(),
            };
            panic!(
                "{} still running after {PROGRAM_DEADLINE:?}; killed\n--- stdout\n{so}\n--- stderr\n{se}",
                exe.display()
            );
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "{} failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        exe.display(),
        out.status
    );
    for marker in ["AddressSanitizer", "LeakSanitizer", "runtime error:"] {
        assert!(
            !stderr.contains(marker),
            "{} sanitizer report:\n{stderr}",
            exe.display()
        );
    }
    stdout
}
