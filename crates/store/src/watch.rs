//! Waking watchers of a store when another connection (any process) commits.
//!
//! Every commit writes frames to `<store>-wal`, so a watcher blocks on inotify for that file
//! (a watch on the store's directory, filtered by name, so it survives the WAL file being
//! deleted and created again). The frames are written before the commit is fsynced and made
//! visible, though, so the first event usually arrives too early: a writer that logged changes
//! therefore also touches the WAL file's timestamps right after its commit has become visible
//! ([`announce_commit`]), which is the event a watcher really waits for. A wake-up that finds
//! nothing new costs the watcher one point select; a lost one is covered by the stream's
//! safety poll. Where inotify is unavailable the waiter degrades to short sleeps.

use std::ffi::{CString, OsStr, OsString};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::time::{Duration, Instant};

use mprconfig_core::Result;
use mprconfig_core::changes::ChangeWaiter;

/// How long the fallback waiter sleeps at most (no inotify: another instance limit reached,
/// or a file system that does not report changes).
const FALLBACK_NAP: Duration = Duration::from_millis(20);

/// The waiter for the store at `path`: inotify if it can be set up, else short sleeps.
pub(crate) fn waiter(path: &Path) -> Box<dyn ChangeWaiter> {
    match InotifyWaiter::new(path) {
        Some(w) => Box::new(w),
        None => Box::new(Napper),
    }
}

/// `<path>-wal`.
fn wal_path(path: &Path) -> OsString {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    wal
}

/// After a commit that logged changes: touches the WAL's timestamps, so watchers blocked in
/// [`InotifyWaiter::wait`] wake now that the commit is visible. Best effort: a failure only
/// leaves watchers to their next event or safety poll.
pub(crate) fn announce_commit(path: &Path) {
    let Ok(wal) = CString::new(wal_path(path).as_bytes()) else {
        return;
    };
    // SAFETY: `wal` is a valid NUL-terminated path; a null `times` means "now" for both.
    unsafe {
        libc::utimensat(libc::AT_FDCWD, wal.as_ptr(), std::ptr::null(), 0);
    }
}

struct InotifyWaiter {
    fd: OwnedFd,
    /// The WAL's file name, the only entry of the directory whose events matter.
    wal_name: OsString,
    buf: Vec<u8>,
}

impl InotifyWaiter {
    fn new(path: &Path) -> Option<Self> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let wal = wal_path(path);
        let wal_name = Path::new(&wal).file_name()?.to_owned();
        let dir = CString::new(dir.as_os_str().as_bytes()).ok()?;
        // SAFETY: plain syscall; the returned descriptor is owned below.
        let raw = unsafe { libc::inotify_init1(libc::IN_NONBLOCK | libc::IN_CLOEXEC) };
        if raw < 0 {
            return None;
        }
        // SAFETY: `raw` is a fresh descriptor nobody else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        let mask = libc::IN_MODIFY
            | libc::IN_ATTRIB
            | libc::IN_CREATE
            | libc::IN_MOVED_TO
            | libc::IN_CLOSE_WRITE;
        // SAFETY: `fd` is an inotify descriptor and `dir` a valid NUL-terminated path.
        if unsafe { libc::inotify_add_watch(fd.as_raw_fd(), dir.as_ptr(), mask) } < 0 {
            return None;
        }
        Some(InotifyWaiter {
            fd,
            wal_name,
            buf: vec![0; 4096],
        })
    }

    /// Reads every queued event; true if one concerns the WAL (or events were lost).
    fn drain(&mut self) -> bool {
        let mut relevant = false;
        loop {
            // SAFETY: `buf` is valid for `len` bytes and outlives the call.
            let n = unsafe {
                libc::read(
                    self.fd.as_raw_fd(),
                    self.buf.as_mut_ptr().cast(),
                    self.buf.len(),
                )
            };
            let Ok(n) = usize::try_from(n) else {
                // EAGAIN: drained. Anything else: report a wake-up rather than spin.
                return relevant
                    || std::io::Error::last_os_error().kind() != std::io::ErrorKind::WouldBlock;
            };
            if n == 0 {
                return relevant;
            }
            relevant |= events_name(&self.buf[..n], &self.wal_name);
        }
    }
}

/// True if a buffer of `inotify_event` records names `wal_name` or reports an overflow.
fn events_name(mut buf: &[u8], wal_name: &OsStr) -> bool {
    const HEADER: usize = std::mem::size_of::<libc::inotify_event>();
    let mut hit = false;
    while buf.len() >= HEADER {
        let u32_at =
            |at: usize| u32::from_ne_bytes([buf[at], buf[at + 1], buf[at + 2], buf[at + 3]]);
        let mask = u32_at(4);
        let len = u32_at(12) as usize;
        let end = (HEADER + len).min(buf.len());
        let name = &buf[HEADER..end];
        let name = &name[..name.iter().position(|&b| b == 0).unwrap_or(name.len())];
        if mask & libc::IN_Q_OVERFLOW != 0 || name == wal_name.as_bytes() {
            hit = true;
        }
        buf = &buf[end..];
    }
    hit
}

impl ChangeWaiter for InotifyWaiter {
    fn wait(&mut self, _generation: u64, timeout: Duration) -> Result<()> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let ts = libc::timespec {
                tv_sec: left.as_secs().min(i64::MAX as u64) as libc::time_t,
                tv_nsec: libc::c_long::from(left.subsec_nanos() as i32),
            };
            let mut pfd = libc::pollfd {
                fd: self.fd.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid pollfd, a valid timespec, no signal mask change.
            let ready = unsafe { libc::ppoll(&mut pfd, 1, &ts, std::ptr::null()) };
            if ready < 0 {
                if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                    continue;
                }
                // Not expected for an inotify descriptor; sleep instead of spinning.
                std::thread::sleep(left.min(FALLBACK_NAP));
                return Ok(());
            }
            if ready == 0 || self.drain() || Instant::now() >= deadline {
                return Ok(());
            }
        }
    }
}

/// The waiter without inotify: short naps, so a watcher still follows the store.
struct Napper;

impl ChangeWaiter for Napper {
    fn wait(&mut self, _generation: u64, timeout: Duration) -> Result<()> {
        std::thread::sleep(timeout.min(FALLBACK_NAP));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(mask: u32, name: &[u8]) -> Vec<u8> {
        let padded = name.len().div_ceil(16) * 16;
        let mut out = Vec::new();
        out.extend_from_slice(&1i32.to_ne_bytes());
        out.extend_from_slice(&mask.to_ne_bytes());
        out.extend_from_slice(&0u32.to_ne_bytes());
        out.extend_from_slice(&(padded as u32).to_ne_bytes());
        out.extend_from_slice(name);
        out.resize(out.len() + padded - name.len(), 0);
        out
    }

    #[test]
    fn only_events_of_the_wal_file_or_overflows_count() {
        let wal = OsStr::new("router.db-wal");
        let mut buf = event(libc::IN_MODIFY, b"router.db-shm");
        buf.extend(event(libc::IN_MODIFY, b"router.db"));
        assert!(!events_name(&buf, wal));
        buf.extend(event(libc::IN_ATTRIB, b"router.db-wal"));
        assert!(events_name(&buf, wal));
        assert!(events_name(&event(libc::IN_Q_OVERFLOW, b""), wal));
        assert!(!events_name(
            &event(libc::IN_MODIFY, b"router.db-wall"),
            wal
        ));
        assert!(
            !events_name(&buf[..10], wal),
            "a truncated record is ignored"
        );
    }

    #[test]
    fn touching_the_wal_queues_the_event_a_waiter_returns_for() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        std::fs::write(wal_path(&path), b"").unwrap();
        let mut w = InotifyWaiter::new(&path).expect("inotify");
        // The kernel queues events at the syscall: each check below is exact, not timed.
        std::fs::write(dir.path().join("other"), b"x").unwrap();
        assert!(!w.drain(), "another file's change is not the store's");
        announce_commit(&path);
        assert!(w.drain(), "announce_commit is seen");
        std::fs::OpenOptions::new()
            .append(true)
            .open(wal_path(&path))
            .and_then(|mut f| std::io::Write::write_all(&mut f, b"frame"))
            .unwrap();
        assert!(w.drain(), "a write to the WAL is seen");
        assert!(!w.drain(), "drained");
        // With an event queued, a long wait returns at once.
        announce_commit(&path);
        w.wait(0, Duration::from_secs(60)).unwrap();
        assert!(!w.drain(), "the wait consumed it");
    }
}
