//! Network namespaces for the router manager's tests (router_netns.rs, admin_remote.rs): a
//! namespace held by a descriptor of the test process (gone with it, whatever kills it),
//! commands and threads inside it, and why a machine cannot run such a test.

use std::ffi::OsStr;
use std::fs::File;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A network namespace held by a descriptor of this process, its loopback up.
pub struct Ns {
    fd: OwnedFd,
}

impl Ns {
    pub fn new() -> std::io::Result<Ns> {
        // unshare on a thread of its own: that thread's namespace changes, the test's does not.
        let fd = std::thread::spawn(|| -> std::io::Result<OwnedFd> {
            // SAFETY: plain syscall on this thread only.
            if unsafe { libc::unshare(libc::CLONE_NEWNET) } != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(File::open("/proc/thread-self/ns/net")?.into())
        })
        .join()
        .expect("unshare thread")?;
        let ns = Ns { fd };
        ns.ip("link set lo up");
        Ok(ns)
    }

    /// `/proc/<pid>/fd/<n>`: how `ip link … netns` names this namespace.
    pub fn path(&self) -> String {
        format!("/proc/{}/fd/{}", std::process::id(), self.fd.as_raw_fd())
    }

    /// A command that runs inside the namespace and dies with this test's thread.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let fd = self.fd.as_raw_fd();
        let mut c = Command::new(program);
        // SAFETY: only async-signal-safe syscalls between fork and exec.
        unsafe {
            c.pre_exec(move || {
                if libc::setns(fd, libc::CLONE_NEWNET) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        c.stdin(Stdio::null());
        c
    }

    pub fn output(&self, program: &str, args: &[&str]) -> Output {
        self.command(program)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{program} {args:?}: {e}"))
    }

    /// Runs `ip ARGS` (split on spaces) in the namespace; it must succeed; returns stdout.
    pub fn ip(&self, args: &str) -> String {
        let a: Vec<&str> = args.split_whitespace().collect();
        let out = self.output("ip", &a);
        assert!(
            out.status.success(),
            "ip {args}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Whether link `name` is administratively up.
    pub fn link_up(&self, name: &str) -> bool {
        let line = self.ip(&format!("-o link show {name}"));
        let flags = line.split(['<', '>']).nth(1).unwrap_or("");
        flags.split(',').any(|f| f == "UP")
    }

    /// Writes `/proc/sys/KEY` inside the namespace.
    pub fn sysctl(&self, key: &str, value: &str) {
        let out = self
            .command("sh")
            .args(["-c", &format!("echo {value} > /proc/sys/{key}")])
            .output()
            .expect("sh");
        assert!(out.status.success(), "sysctl {key}");
    }

    /// One ping; true if answered (`-W 1`: a lost reply costs a second).
    pub fn ping(&self, to: &str) -> bool {
        self.output("ping", &["-c", "1", "-W", "1", "-n", to])
            .status
            .success()
    }

    /// Runs `f` on a thread inside the namespace (sockets it makes belong to it).
    pub fn on_thread<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        let fd = self.fd.as_raw_fd();
        std::thread::scope(|s| {
            s.spawn(move || {
                // SAFETY: changes this thread's namespace only.
                assert_eq!(unsafe { libc::setns(fd, libc::CLONE_NEWNET) }, 0);
                f()
            })
            .join()
            .expect("namespace thread")
        })
    }
}

/// Why this machine cannot run a namespace test that needs `tools` (each answers `-V`; the
/// message names the Debian packages in `packages`), if it cannot.
pub fn skip_reason(tools: &[&str], packages: &str) -> Option<String> {
    // SAFETY: plain syscall.
    if unsafe { libc::geteuid() } != 0 {
        return Some("needs root (network namespaces, CAP_NET_ADMIN)".into());
    }
    for tool in tools {
        let found = Command::new(tool)
            .arg("-V")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok();
        if !found {
            return Some(format!(
                "{tool} is not installed (apt-get install {packages})"
            ));
        }
    }
    if let Err(e) = Ns::new() {
        return Some(format!("cannot create a network namespace: {e}"));
    }
    None
}

/// Polls `f` until it holds (`limit` at most, then the test fails naming `what`).
pub fn wait_for(what: &str, limit: Duration, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A child killed (by its pid) and reaped when dropped.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
