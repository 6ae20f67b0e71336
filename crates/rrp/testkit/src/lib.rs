//! `mprconfig-rrp-testkit`: a scratch Samba server on loopback, for the MS-RRP tests and
//! benchmarks of `mprconfig-rrp` and of the crates above it (the Rust API, the CLI and the C
//! library reaching it through `smb://` names). Not published: it starts `smbd` as root.
//!
//! [`SambaServer::start`] writes an `smb.conf` with every state directory under `/dev/shm`
//! (fast, and gone with the machine), adds two users with random passwords — an administrator
//! mapped to `root` (so HKLM writes are allowed) and a reader mapped to `nobody` — and starts
//! `smbd` in the foreground on 127.0.0.1 and a free non-default port. It is stopped by PID
//! when the value is dropped or [`SambaServer::kill`]ed, and it cannot outlive the test
//! process: smbd runs as PID 1 of its own PID namespace (`unshare --pid --kill-child`) whose
//! launcher has `PR_SET_PDEATHSIG`, so if the test process dies the kernel kills smbd and
//! with it every helper (`samba-dcerpcd`, `rpcd_winreg`). Where namespaces are not available
//! smbd runs in its own process group instead, killed as a group. State directories left by
//! a killed test process are removed by the next start.
//!
//! A test that cannot run here (samba missing, not root) gets `Err(reason)` and should print
//! `SKIPPED: reason` and return.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

const SMBD: &str = "/usr/sbin/smbd";
const STATE_PREFIX: &str = "mprconfig-rrp-";

/// A user of the scratch server.
#[derive(Clone, Debug)]
pub struct TestUser {
    /// SMB user name.
    pub user: String,
    /// Its random password.
    pub password: String,
}

/// A running scratch smbd.
#[derive(Debug)]
pub struct SambaServer {
    /// TCP port on 127.0.0.1.
    pub port: u16,
    /// A user mapped to `root`: may write HKLM.
    pub admin: TestUser,
    /// A user mapped to `nobody`: may read, not write.
    pub reader: TestUser,
    dir: PathBuf,
    child: Option<Child>,
    namespaced: bool,
}

/// Why the server cannot run here, or what failed while starting it.
pub type Skip = String;

fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    getrandom::fill(&mut b).expect("system RNG");
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Spawns children from one thread that lives as long as the process: `PR_SET_PDEATHSIG`
/// fires when the *thread* that forked exits, and test threads come and go.
fn spawn_from_keeper(cmd: Command) -> std::io::Result<Child> {
    type Job = (Command, mpsc::SyncSender<std::io::Result<Child>>);
    static KEEPER: OnceLock<Mutex<mpsc::Sender<Job>>> = OnceLock::new();
    let tx = KEEPER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("samba-keeper".into())
            .spawn(move || {
                for (mut cmd, reply) in rx {
                    let _ = reply.send(cmd.spawn());
                }
                // The channel never closes (the sender is in a static): keep this thread,
                // and with it the parent of every spawned child, alive until exit.
                loop {
                    std::thread::park();
                }
            })
            .expect("start the samba keeper thread");
        Mutex::new(tx)
    });
    let (reply_tx, reply_rx) = mpsc::sync_channel(1);
    tx.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .send((cmd, reply_tx))
        .map_err(|_| std::io::Error::other("samba keeper thread is gone"))?;
    reply_rx
        .recv()
        .map_err(|_| std::io::Error::other("samba keeper thread is gone"))?
}

fn pid_alive(pid: i32) -> bool {
    // SAFETY: kill with signal 0 only checks for existence.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

/// Removes state directories of test processes that no longer exist (killed before they
/// could clean up), killing any process group they recorded that still runs from them.
fn clean_stale() {
    let Ok(entries) = std::fs::read_dir("/dev/shm") else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(STATE_PREFIX) else {
            continue;
        };
        let Some(owner) = rest.split('-').next().and_then(|p| p.parse::<i32>().ok()) else {
            continue;
        };
        if pid_alive(owner) {
            continue;
        }
        let dir = e.path();
        if let Some(pgid) = std::fs::read_to_string(dir.join("pgid"))
            .ok()
            .and_then(|s| s.trim().parse::<i32>().ok())
        {
            let cmdline = std::fs::read(format!("/proc/{pgid}/cmdline")).unwrap_or_default();
            if String::from_utf8_lossy(&cmdline).contains(&*dir.to_string_lossy()) {
                // SAFETY: plain syscall; the group was verified to run from this directory.
                unsafe { libc::killpg(pgid, libc::SIGKILL) };
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl SambaServer {
    /// Starts a scratch server, or says why it cannot run here.
    pub fn start() -> Result<SambaServer, Skip> {
        if !Path::new(SMBD).exists() {
            return Err(format!(
                "samba is not installed ({SMBD} missing; apt-get install samba)"
            ));
        }
        if which("smbpasswd").is_none() {
            return Err("smbpasswd is missing (apt-get install samba-common-bin)".into());
        }
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            return Err("smbd must run as root here (the admin test user is mapped to root so HKLM writes are allowed)".into());
        }
        clean_stale();
        static SEQ: AtomicU64 = AtomicU64::new(0);
        let dir = PathBuf::from(format!(
            "/dev/shm/{STATE_PREFIX}{}-{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed),
            random_hex(4)
        ));
        let mut server = SambaServer {
            port: 0,
            admin: TestUser {
                user: "mprtest".into(),
                password: random_hex(12),
            },
            reader: TestUser {
                user: "mprreader".into(),
                password: random_hex(12),
            },
            dir,
            child: None,
            namespaced: true,
        };
        server
            .prepare()
            .map_err(|e| format!("preparing smbd in {}: {e}", server.dir.display()))?;
        server.launch()?;
        Ok(server)
    }

    /// The scratch directory (state, logs, smb.conf).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The smb.conf the server runs with (for Samba's own tools).
    pub fn conf(&self) -> PathBuf {
        self.dir.join("smb.conf")
    }

    fn prepare(&mut self) -> std::io::Result<()> {
        for sub in [
            "private", "lock", "state", "cache", "pid", "ncalrpc", "log", "bind",
        ] {
            std::fs::create_dir_all(self.dir.join(sub))?;
        }
        std::fs::write(
            self.dir.join("users.map"),
            format!(
                "root = {}\nnobody = {}\n",
                self.admin.user, self.reader.user
            ),
        )?;
        self.port = free_port()?;
        self.write_conf()?;
        for (unix, pw) in [
            ("root", &self.admin.password),
            ("nobody", &self.reader.password),
        ] {
            let mut p = Command::new("smbpasswd")
                .args(["-c"])
                .arg(self.conf())
                .args(["-a", "-s", unix])
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()?;
            p.stdin
                .take()
                .expect("piped stdin")
                .write_all(format!("{pw}\n{pw}\n").as_bytes())?;
            if !p.wait()?.success() {
                return Err(std::io::Error::other(format!("smbpasswd -a {unix} failed")));
            }
        }
        Ok(())
    }

    fn write_conf(&self) -> std::io::Result<()> {
        let d = self.dir.display();
        std::fs::write(
            self.conf(),
            format!(
                "[global]\n\
                 workgroup = MPRTEST\n\
                 netbios name = MPRTEST\n\
                 server role = standalone server\n\
                 interfaces = 127.0.0.1\n\
                 bind interfaces only = yes\n\
                 smb ports = {port}\n\
                 disable netbios = yes\n\
                 private dir = {d}/private\n\
                 lock directory = {d}/lock\n\
                 state directory = {d}/state\n\
                 cache directory = {d}/cache\n\
                 pid directory = {d}/pid\n\
                 ncalrpc dir = {d}/ncalrpc\n\
                 binddns dir = {d}/bind\n\
                 passdb backend = tdbsam:{d}/private/passdb.tdb\n\
                 username map = {d}/users.map\n\
                 load printers = no\n\
                 printing = bsd\n\
                 printcap name = /dev/null\n\
                 disable spoolss = yes\n\
                 log file = {d}/log/log.%m\n\
                 log level = 1\n\
                 {extra}",
                port = self.port,
                extra = std::fs::read_to_string(self.dir.join("extra.conf")).unwrap_or_default(),
            ),
        )
    }

    /// Adds `smb.conf` `[global]` lines (e.g. `server smb encrypt = required`) and restarts.
    pub fn reconfigure(&mut self, lines: &str) -> Result<(), Skip> {
        std::fs::write(self.dir.join("extra.conf"), lines).map_err(|e| e.to_string())?;
        self.kill();
        self.write_conf().map_err(|e| e.to_string())?;
        self.launch()
    }

    fn command(&self, namespaced: bool) -> Command {
        let mut cmd = if namespaced {
            let mut c = Command::new("unshare");
            c.args(["--pid", "--fork", "--kill-child=SIGKILL", SMBD]);
            c
        } else {
            Command::new(SMBD)
        };
        cmd.args(["-F", "--no-process-group", "-s"])
            .arg(self.conf())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(
                std::fs::File::create(self.dir.join("log/smbd.stderr"))
                    .map(Stdio::from)
                    .unwrap_or_else(|_| Stdio::null()),
            );
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                libc::setpgid(0, 0);
                Ok(())
            });
        }
        cmd
    }

    fn launch(&mut self) -> Result<(), Skip> {
        for namespaced in [self.namespaced, false] {
            let mut child = spawn_from_keeper(self.command(namespaced))
                .map_err(|e| format!("starting smbd: {e}"))?;
            let _ = std::fs::write(self.dir.join("pgid"), child.id().to_string());
            let deadline = Instant::now() + Duration::from_secs(20);
            loop {
                if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                    self.child = Some(child);
                    self.namespaced = namespaced;
                    return Ok(());
                }
                if let Ok(Some(status)) = child.try_wait() {
                    if namespaced {
                        break; // unshare not permitted here: try a plain process group
                    }
                    return Err(format!(
                        "smbd exited ({status}); see {}",
                        self.dir.join("log").display()
                    ));
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(format!(
                        "smbd did not listen on port {} within 20 s",
                        self.port
                    ));
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        Err("smbd could not be started".into())
    }

    /// Kills the server and every helper it started, at once (no shutdown, as a crash), and
    /// returns once all of them are gone (so the port is free again).
    pub fn kill(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let pid = child.id() as i32;
        if self.namespaced {
            // smbd is PID 1 of the namespace: its death takes every process in it along, and
            // `unshare` exits only after that, so waiting for it waits for all of them.
            let children = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
                .unwrap_or_default();
            let mut killed = false;
            for p in children
                .split_whitespace()
                .filter_map(|p| p.parse::<i32>().ok())
            {
                // SAFETY: plain syscall on our own child's child.
                killed |= unsafe { libc::kill(p, libc::SIGKILL) } == 0;
            }
            if !killed {
                let _ = child.kill();
            }
            let _ = child.wait();
        } else {
            // SAFETY: plain syscalls on the process group our child leads.
            unsafe { libc::killpg(pid, libc::SIGKILL) };
            let _ = child.wait();
            let deadline = Instant::now() + Duration::from_secs(10);
            // SAFETY: signal 0 only asks whether any member of the group is left.
            while unsafe { libc::killpg(pid, 0) } == 0 && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }

    /// Starts the server again on the same state (after [`Self::kill`]).
    pub fn restart(&mut self) -> Result<(), Skip> {
        self.kill();
        self.launch()
    }

    /// Runs one of Samba's client tools (`net`, `rpcclient`) against this server as `user`,
    /// returning its standard output; `Err` carries stderr.
    pub fn tool(&self, tool: &str, user: &TestUser, args: &[&str]) -> Result<String, String> {
        let mut cmd = Command::new(tool);
        match tool {
            "net" => {
                cmd.args(["rpc", "registry"])
                    .args(args)
                    .args(["-S", "127.0.0.1", "-p"]);
                cmd.arg(self.port.to_string());
            }
            _ => {
                cmd.args(["-p", &self.port.to_string()])
                    .arg("127.0.0.1")
                    .args(args);
            }
        }
        cmd.arg("-U")
            .arg(format!("{}%{}", user.user, user.password))
            .arg("-s")
            .arg(self.dir.join("client.conf"));
        let _ = std::fs::write(self.dir.join("client.conf"), "[global]\n");
        let out = cmd.output().map_err(|e| format!("running {tool}: {e}"))?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(format!(
                "{tool} {args:?} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }
}

impl Drop for SambaServer {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn which(tool: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(tool))
            .find(|p| p.exists())
    })
}

/// One server shared by every test of a test binary (started on first use). Its processes
/// die with the test process; its directory is removed at exit.
pub fn shared() -> Result<&'static SambaServer, Skip> {
    static SHARED: OnceLock<Result<SambaServer, Skip>> = OnceLock::new();
    let r = SHARED.get_or_init(|| {
        let s = SambaServer::start()?;
        remember_for_exit(&s.dir);
        Ok(s)
    });
    r.as_ref().map_err(Clone::clone)
}

fn remember_for_exit(dir: &Path) {
    static DIRS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
    extern "C" fn cleanup() {
        if let Ok(dirs) = DIRS.lock() {
            for d in dirs.iter() {
                let _ = std::fs::remove_dir_all(d);
            }
        }
    }
    let mut dirs = DIRS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if dirs.is_empty() {
        // SAFETY: registering a plain extern "C" function without captured state.
        unsafe { libc::atexit(cleanup) };
    }
    dirs.push(dir.to_path_buf());
}
