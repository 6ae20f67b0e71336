//! [`RrpRegistry`]: the `Registry` contract ("one call = all or nothing", a generation that
//! counts commits) over a remote registry that offers neither. How, and exactly what is and is
//! not atomic, is in `docs/rrp.md`; in short:
//!
//! * writers serialise on a lock key that `BaseRegCreateKey` creates atomically (its
//!   disposition says who created it); a lock whose holder shows no sign of life for the lease
//!   is broken, by exactly one breaker (a marker key created atomically too);
//! * a write transaction buffers its changes ([`Overlay`]) and commits them as a journal written
//!   into the `State` value first, then applied, then the generation is bumped in the same value;
//!   an interrupted commit is completed by the next writer, and readers see a commit in progress
//!   whole (through the journal), so no reader ever sees half of one;
//! * a read transaction reads the `State` value before and after, and runs again when a commit
//!   happened in between.

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use mprconfig_core::registry::{RegistryTx, SubkeyVisitor, TxMode};
use mprconfig_core::{Error, RegValue, Registry, Result, WinError};

use crate::client::WinregClient;
use crate::dcerpc::{Binding, RpcStats, SharedStats};
use crate::journal::State;
use crate::ntlm::NtlmClient;
use crate::overlay::{self, Op, Overlay};
use crate::session::{LOCK, Session};
use crate::smb::{SmbPipe, SmbTarget};

/// How to reach a server's registry and where the configuration lives in it.
#[derive(Clone)]
pub struct RrpOptions {
    /// Server host name or address.
    pub host: String,
    /// SMB port (445).
    pub port: u16,
    /// Account name.
    pub user: String,
    /// Account domain (empty for a local account of the server).
    pub domain: String,
    password: String,
    /// The key below `HKEY_LOCAL_MACHINE` that the registry's paths are relative to: empty
    /// (the default) for HKLM itself, which is where Windows keeps the RRAS configuration.
    /// Tests give each configuration its own scratch key so that many share one server.
    pub root: String,
    /// TCP connect and SMB negotiation budget.
    pub connect_timeout: Duration,
    /// How long one SMB request may go unanswered before the server counts as gone (1722).
    pub call_timeout: Duration,
    /// How long a lock holder may show no sign of life before its lock is broken.
    pub lock_lease: Duration,
    /// How long a writer waits for the lock before giving up with `ERROR_BUSY`.
    pub busy_timeout: Duration,
    /// Whether each commit ends with `BaseRegFlushKey` (the server writes the hive to disk
    /// before the call returns; Windows otherwise flushes lazily, Samba always at once).
    pub flush: bool,
}

impl std::fmt::Debug for RrpOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RrpOptions")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.user)
            .field("domain", &self.domain)
            .field("password", &"***")
            .field("root", &self.root)
            .finish_non_exhaustive()
    }
}

impl RrpOptions {
    /// Options for `user` (in `domain`, empty for a server-local account) with `password`
    /// on `host:port`, with the default time-outs.
    pub fn new(host: &str, port: u16, domain: &str, user: &str, password: &str) -> Self {
        RrpOptions {
            host: host.to_string(),
            port,
            user: user.to_string(),
            domain: domain.to_string(),
            password: password.to_string(),
            root: String::new(),
            connect_timeout: Duration::from_secs(10),
            call_timeout: Duration::from_secs(30),
            lock_lease: Duration::from_secs(30),
            busy_timeout: Duration::from_secs(90),
            flush: false,
        }
    }

    /// The same options with another root key (see [`RrpOptions::root`]).
    pub fn with_root(mut self, root: &str) -> Self {
        self.root = root.trim_matches('\\').to_string();
        self
    }

    fn target(&self) -> SmbTarget {
        SmbTarget {
            host: self.host.clone(),
            port: self.port,
            user: self.user.clone(),
            domain: self.domain.clone(),
            password: self.password.clone(),
            connect_timeout: self.connect_timeout,
            call_timeout: self.call_timeout,
        }
    }
}

fn open_session(o: &RrpOptions, stats: &SharedStats) -> Result<Session> {
    let pipe = SmbPipe::open(&o.target())?;
    let binding = Binding::bind(
        Box::new(pipe),
        NtlmClient::new(&o.user, &o.password, &o.domain),
        stats.clone(),
    )?;
    let client = WinregClient::new(binding)?;
    Session::new(client, &o.root)
}

fn is_transport(e: &Error) -> bool {
    e.code == WinError::RPC_S_SERVER_UNAVAILABLE
}

struct Inner {
    session: Option<Session>,
    /// Counters of every binding this registry opened.
    stats: SharedStats,
}

impl Inner {
    fn session(&mut self, o: &RrpOptions) -> Result<&mut Session> {
        if self.session.as_ref().is_some_and(Session::is_broken) {
            self.retire();
        }
        if self.session.is_none() {
            let s = open_session(o, &self.stats).map_err(|e| match e.code {
                WinError::ERROR_BAD_NETPATH => Error::new(
                    WinError::RPC_S_SERVER_UNAVAILABLE,
                    format!("the server went away and reconnecting failed: {}", e.detail),
                ),
                _ => e,
            })?;
            self.session = Some(s);
        }
        Ok(self.session.as_mut().expect("just set"))
    }

    fn retire(&mut self) {
        self.session = None;
    }
}

/// The `Registry` trait over MS-RRP: a Windows (or Samba) server's `HKEY_LOCAL_MACHINE`,
/// reached through `\PIPE\winreg` on SMB2/3 with NTLMv2 and DCE/RPC packet privacy.
///
/// Thread-safe: one SMB connection, used by one transaction at a time.
pub struct RrpRegistry {
    options: RrpOptions,
    owner: String,
    inner: Mutex<Inner>,
    stats: SharedStats,
}

impl std::fmt::Debug for RrpRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RrpRegistry")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// The lock holder's duty while it works: show it is alive, so nobody breaks its lock.
struct Writer {
    state: State,
    last_beat: Instant,
    interval: Duration,
}

impl Writer {
    fn beat(&mut self, s: &mut Session) -> Result<()> {
        if self.last_beat.elapsed() >= self.interval {
            self.state.heartbeat = self.state.heartbeat.wrapping_add(1);
            s.write_state(&self.state)?;
            self.last_beat = Instant::now();
        }
        Ok(())
    }
}

/// A 64-bit fingerprint of a state value (FNV-1a; only compared with itself).
fn fingerprint(s: &State) -> u64 {
    s.encode().iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
    })
}

fn describe(ops: &[Op]) -> String {
    const SHOWN: usize = 12;
    let mut s: Vec<String> = ops.iter().take(SHOWN).map(ToString::to_string).collect();
    if ops.len() > SHOWN {
        s.push(format!("... {} more", ops.len() - SHOWN));
    }
    if s.is_empty() {
        "none".into()
    } else {
        s.join("; ")
    }
}

impl RrpRegistry {
    /// Connects and signs in (so a wrong name, password or right fails here: 53, 1326, 5).
    pub fn connect(options: RrpOptions) -> Result<Self> {
        let stats = SharedStats::default();
        let session = open_session(&options, &stats)?;
        let mut token = [0u8; 8];
        getrandom::fill(&mut token)
            .map_err(|e| Error::new(WinError::ERROR_INTERNAL_ERROR, e.to_string()))?;
        let owner = format!(
            "mprconfig {} pid {} {}",
            env!("CARGO_PKG_VERSION"),
            std::process::id(),
            token.iter().map(|b| format!("{b:02x}")).collect::<String>()
        );
        Ok(RrpRegistry {
            options,
            owner,
            inner: Mutex::new(Inner {
                session: Some(session),
                stats: stats.clone(),
            }),
            stats,
        })
    }

    /// The options this registry was opened with.
    pub fn options(&self) -> &RrpOptions {
        &self.options
    }

    /// RPCs made so far (all sessions of this registry together); readable while a
    /// transaction runs.
    pub fn rpc_stats(&self) -> RpcStats {
        *self.stats.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Drops every cached key structure (as after a change by a program that does not use
    /// the lock, such as regedit): the next reads go to the server again.
    pub fn forget_caches(&self) -> Result<()> {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let r = inner.session(&self.options).and_then(|s| {
            s.forget_all()?;
            s.unsync();
            Ok(())
        });
        if r.is_err() {
            inner.retire();
        }
        r
    }

    fn read_tx<T>(
        &self,
        s: &mut Session,
        f: &mut dyn FnMut(&mut dyn RegistryTx) -> Result<T>,
    ) -> Result<T> {
        const ATTEMPTS: u32 = 60;
        for attempt in 0..ATTEMPTS {
            let before = s.read_state()?;
            s.sync(&before)?;
            let overlay = before
                .pending
                .as_deref()
                .map(Overlay::from_journal)
                .unwrap_or_default();
            let mut tx = Tx {
                session: s,
                overlay,
                writer: None,
                generation: before.logical(),
            };
            let result = f(&mut tx);
            if let Err(e) = &result
                && is_transport(e)
            {
                return result;
            }
            let after = s.read_state()?;
            if after.logical() == before.logical() {
                return result;
            }
            // A commit landed while we read: read again (after giving it a moment).
            std::thread::sleep(Duration::from_millis(u64::from(attempt.min(10))));
        }
        Err(Error::new(
            WinError::ERROR_BUSY,
            format!("the configuration changed during each of {ATTEMPTS} attempts to read it"),
        ))
    }

    /// Takes the lock (breaking a stale one) and returns the state as the holder sees it.
    fn acquire(&self, s: &mut Session, markers: &mut Vec<String>) -> Result<State> {
        let deadline = Instant::now() + self.options.busy_timeout;
        let mut watch: Option<(u64, Instant, u32)> = None;
        let mut delay = Duration::from_millis(2);
        loop {
            if s.try_lock(&self.owner)? {
                return s.read_state();
            }
            let state = s.read_state()?;
            let fp = fingerprint(&state);
            match watch {
                Some((f, since, attempt)) if f == fp => {
                    if since.elapsed() >= self.options.lock_lease {
                        // Stale: exactly one waiter wins the marker for this state and attempt.
                        let marker = format!("Break-{fp:016x}-{attempt}");
                        if s.try_create_marker(&marker)? {
                            if fingerprint(&s.read_state()?) == fp {
                                s.delete_control_key("Lock")?;
                                markers.push(marker);
                            } else {
                                s.delete_control_key(&marker)?;
                            }
                            watch = None;
                        } else {
                            // Someone else is breaking it (or died doing so): give them a lease.
                            watch = Some((fp, Instant::now(), attempt + 1));
                        }
                        continue;
                    }
                }
                _ => watch = Some((fp, Instant::now(), 0)),
            }
            if Instant::now() >= deadline {
                return Err(Error::new(
                    WinError::ERROR_BUSY,
                    format!(
                        "another writer has held the configuration lock (HKLM\\{}) for more than {} s",
                        self.lock_path(),
                        self.options.busy_timeout.as_secs()
                    ),
                ));
            }
            std::thread::sleep(delay);
            delay = (delay * 2).min(Duration::from_millis(50));
        }
    }

    fn lock_path(&self) -> String {
        if self.options.root.is_empty() {
            LOCK.to_string()
        } else {
            format!("{}\\{LOCK}", self.options.root)
        }
    }

    fn release(s: &mut Session, markers: &[String]) -> Result<()> {
        s.delete_control_key("Lock")?;
        for m in markers {
            s.delete_control_key(m)?;
        }
        Ok(())
    }

    /// Applies `ops` as the commit from `w.state` to the next generation: the journal first,
    /// then the changes, then the record of the commit. The record is written at once rather
    /// than left for the next writer: a journal left in the state value would keep masking
    /// later changes by writers that bypass the lock (readers apply it over the server).
    ///
    /// `own` says the changes are this session's own (made on caches synced to `w.state`),
    /// so the log may leave out the data-only ones; the journal of an interrupted commit is
    /// logged whole (this session may have read its half-applied names).
    fn commit(&self, s: &mut Session, w: &mut Writer, ops: &[Op], own: bool) -> Result<()> {
        if ops.is_empty() {
            let done = w.state.committed(&[], false);
            s.write_state(&done)?;
            s.synced_to(done.generation);
            return Ok(());
        }
        // Decided before the changes reach the caches (which then know every name).
        let logged = if own {
            s.log_changes(ops)
        } else {
            ops.iter().map(crate::journal::Change::of).collect()
        };
        let mut pending = w.state.clone();
        pending.pending = Some(ops.to_vec());
        pending.heartbeat = pending.heartbeat.wrapping_add(1);
        s.write_state(&pending).map_err(|e| {
            if is_transport(&e) {
                Error::new(
                    e.code,
                    format!(
                        "the connection was lost while the commit journal was written ({}); if it reached the \
                         server, the next writer completes the commit, otherwise nothing changed: {}",
                        e.detail,
                        describe(ops)
                    ),
                )
            } else {
                e
            }
        })?;
        let before = std::mem::replace(&mut w.state, pending);
        for (k, op) in ops.iter().enumerate() {
            let step = w.beat(s).and_then(|()| s.apply(op));
            if let Err(e) = step {
                if is_transport(&e) {
                    return Err(Error::new(
                        e.code,
                        format!(
                            "the connection was lost during the commit after {k} of {} changes ({}). The server \
                             keeps the commit journal: the next writer completes it (after the lock lease of {} s), \
                             and readers already see the commit whole. Applied: {}. Not yet applied: {}",
                            ops.len(),
                            e.detail,
                            self.options.lock_lease.as_secs(),
                            describe(&ops[..k]),
                            describe(&ops[k..])
                        ),
                    ));
                }
                let failed = before.committed(&[], true);
                let recorded = s.write_state(&failed);
                s.forget_all()?;
                if k == 0 {
                    recorded?;
                    return Err(Error::new(
                        e.code,
                        format!(
                            "the commit's first change ({op}) failed, nothing was changed: {}",
                            e.detail
                        ),
                    ));
                }
                return Err(Error::new(
                    WinError::ERROR_INVALID_DATA,
                    format!(
                        "the commit failed halfway, at change {} of {} ({op}): {} (code {}). The first {k} changes \
                         stay on the server: {}. Not applied: {}",
                        k + 1,
                        ops.len(),
                        e.detail,
                        e.code.code(),
                        describe(&ops[..k]),
                        describe(&ops[k..])
                    ),
                ));
            }
        }
        if self.options.flush {
            s.flush_root()?;
        }
        let done = before.committed(&logged, false);
        s.write_state(&done).map_err(|e| {
            Error::new(
                e.code,
                format!(
                    "every change was applied but the commit record could not be written ({}); the next writer \
                     completes it (the changes are idempotent) and readers already see it whole",
                    e.detail
                ),
            )
        })?;
        s.synced_to(done.generation);
        w.state = done;
        Ok(())
    }

    fn write_tx<T>(
        &self,
        s: &mut Session,
        f: &mut dyn FnMut(&mut dyn RegistryTx) -> Result<T>,
    ) -> Result<T> {
        let mut markers = Vec::new();
        let state = self.acquire(s, &mut markers)?;
        let mut w = Writer {
            state,
            last_beat: Instant::now(),
            interval: self.options.lock_lease / 3,
        };
        let outcome = self.holding(s, &mut w, f);
        match outcome {
            Ok(v) => {
                Self::release(s, &markers)?;
                Ok(v)
            }
            Err(e) => {
                if !is_transport(&e) {
                    // Keep the caller's error: a failed release only delays the next writer.
                    let _ = Self::release(s, &markers);
                }
                Err(e)
            }
        }
    }

    fn holding<T>(
        &self,
        s: &mut Session,
        w: &mut Writer,
        f: &mut dyn FnMut(&mut dyn RegistryTx) -> Result<T>,
    ) -> Result<T> {
        if let Some(journal) = w.state.pending.take() {
            // The previous holder died mid-commit (its lock went stale and was broken, or it
            // could not record its commit): finish its work first, re-applying the whole
            // journal (it is idempotent).
            s.sync(&w.state)?;
            self.commit(s, w, &journal, false).map_err(|e| {
                Error::new(
                    e.code,
                    format!(
                        "completing an interrupted commit of another writer failed: {}",
                        e.detail
                    ),
                )
            })?;
        }
        s.sync(&w.state)?;
        let generation = w.state.generation;
        let mut tx = Tx {
            session: s,
            overlay: Overlay::new(),
            writer: Some(&mut *w),
            generation,
        };
        let result = catch_unwind(AssertUnwindSafe(|| f(&mut tx)));
        let overlay = std::mem::take(&mut tx.overlay);
        drop(tx);
        match result {
            Err(panic) => {
                let _ = Self::release(s, &[]);
                resume_unwind(panic)
            }
            Ok(Err(e)) => Err(e),
            Ok(Ok(v)) => {
                let ops = overlay.ops();
                self.commit(s, w, &ops, true)?;
                Ok(v)
            }
        }
    }
}

impl Registry for RrpRegistry {
    fn transact<T>(
        &self,
        mode: TxMode,
        f: &mut dyn FnMut(&mut dyn RegistryTx) -> Result<T>,
    ) -> Result<T> {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let s = inner.session(&self.options)?;
        s.begin();
        let result = match mode {
            TxMode::Read => self.read_tx(s, f),
            TxMode::Write => self.write_tx(s, f),
        };
        if inner.session.as_ref().is_some_and(Session::is_broken) {
            inner.retire();
        }
        result
    }

    fn generation(&self) -> Result<u64> {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let r = inner
            .session(&self.options)
            .and_then(|s| s.read_state())
            .map(|s| s.logical());
        if inner.session.as_ref().is_some_and(Session::is_broken) {
            inner.retire();
        }
        r
    }
}

/// One transaction: the server's view (cached) with the transaction's own changes on top.
struct Tx<'a> {
    session: &'a mut Session,
    overlay: Overlay,
    writer: Option<&'a mut Writer>,
    generation: u64,
}

impl Tx<'_> {
    fn beat(&mut self) -> Result<()> {
        match self.writer.as_deref_mut() {
            Some(w) => w.beat(self.session),
            None => Ok(()),
        }
    }

    fn writable(&mut self) -> Result<()> {
        if self.writer.is_none() {
            return Err(Error::new(
                WinError::ERROR_ACCESS_DENIED,
                "write in a read-only registry transaction",
            ));
        }
        self.beat()
    }
}

impl RegistryTx for Tx<'_> {
    fn key_exists(&mut self, path: &str) -> Result<bool> {
        self.beat()?;
        self.overlay.exists(self.session, path)
    }

    fn create_key(&mut self, path: &str) -> Result<bool> {
        self.writable()?;
        self.overlay.create_key(self.session, path)
    }

    fn delete_key_tree(&mut self, path: &str) -> Result<bool> {
        self.writable()?;
        self.overlay.delete_key_tree(self.session, path)
    }

    fn subkeys(&mut self, path: &str) -> Result<Vec<String>> {
        self.beat()?;
        self.overlay.subkeys(self.session, path)
    }

    fn get_value(&mut self, path: &str, name: &str) -> Result<Option<RegValue>> {
        self.beat()?;
        self.overlay.get_value(self.session, path, name)
    }

    fn set_value(&mut self, path: &str, name: &str, value: &RegValue) -> Result<()> {
        self.writable()?;
        if value.data.len() > crate::winreg::MAX_DATA {
            return Err(Error::invalid_parameter(format!(
                "registry value {name:?} of {} bytes is larger than MS-RRP carries (64 MiB)",
                value.data.len()
            )));
        }
        self.overlay.set_value(self.session, path, name, value)
    }

    fn delete_value(&mut self, path: &str, name: &str) -> Result<bool> {
        self.writable()?;
        self.overlay.delete_value(self.session, path, name)
    }

    fn values(&mut self, path: &str) -> Result<Vec<(String, RegValue)>> {
        self.beat()?;
        self.overlay.values(self.session, path)
    }

    fn subkeys_with_values(
        &mut self,
        path: &str,
    ) -> Result<Vec<(String, Vec<(String, RegValue)>)>> {
        let names = self.subkeys(path)?;
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            self.beat()?;
            let values = self
                .overlay
                .values(self.session, &format!("{path}\\{name}"))?;
            out.push((name, values));
        }
        Ok(out)
    }

    fn visit_subkeys_with_values(
        &mut self,
        path: &str,
        wanted: &[&str],
        f: &mut SubkeyVisitor<'_>,
    ) -> Result<()> {
        let names = self.subkeys(path)?;
        for name in names {
            self.beat()?;
            let values =
                self.overlay
                    .wanted_values(self.session, &format!("{path}\\{name}"), wanted)?;
            let mut lent = Vec::with_capacity(values.len());
            overlay::lend(&values, &mut lent);
            f(&name, &lent)?;
        }
        Ok(())
    }

    fn generation(&mut self) -> Result<u64> {
        Ok(self.generation)
    }
}
