//! nftables through the `nft` binary (JSON in and out) plus two small netlink calls of our own:
//! the ruleset generation (`NFT_MSG_GETGEN`), which lets a reconcile skip reading the table back
//! when nothing in nftables changed since it was last read, and the `NFNLGRP_NFTABLES`
//! multicast group, which says when anything changed.
//!
//! Why `nft -j` (the `nftables` crate's schema) rather than a netlink library: one `nft -f`
//! is one kernel transaction (our whole table replaced atomically), the JSON listing reads
//! rules back in the same terms we write them, and nft does the expression encoding the
//! kernel's nf_tables expects (dependencies, byte order) that hand-written netlink would have
//! to copy. The cost is a process per call (about 4 ms, 40 ms for a 1,000-rule table), which
//! the generation check keeps off the no-change path.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use mprconfig_core::{Error, Result, WinError};
use netlink_sys::{Socket, SocketAddr, protocols::NETLINK_NETFILTER};
use nftables::schema::Nftables;

use crate::filters::{FilterRule, TABLE, TableState, parse_table, replace_batch};

/// How long one `nft` run may take before it is killed.
const NFT_TIMEOUT: Duration = Duration::from_secs(30);

/// Runs `nft` with `args`, `stdin` on its standard input; its standard output, or an error
/// carrying its standard error.
fn run_nft(program: &str, args: &[&str], stdin: Option<&[u8]>) -> Result<String> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            Error::new(
                WinError::ERROR_FILE_NOT_FOUND,
                format!("cannot run {program} (install nftables): {e}"),
            )
        })?;
    if let (Some(data), Some(mut pipe)) = (stdin, child.stdin.take()) {
        // A failing write shows up as nft's own error below; dropping the pipe sends EOF.
        let _ = pipe.write_all(data);
    }
    // Wait on a thread (which also drains both pipes) so a hung nft can be killed.
    let pid = child.id();
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    let waiter = std::thread::spawn(move || {
        let out = child.wait_with_output();
        let _ = done_tx.send(());
        out
    });
    if done_rx.recv_timeout(NFT_TIMEOUT).is_err() {
        // SAFETY: plain syscall; the child is not reaped until the waiter's wait returns, so
        // the pid still names it.
        unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
    }
    let output = waiter
        .join()
        .map_err(|_| Error::new(WinError::ERROR_INTERNAL_ERROR, "the nft waiter panicked"))?
        .map_err(|e| {
            Error::new(
                WinError::ERROR_INVALID_FUNCTION,
                format!("waiting for {program}: {e}"),
            )
        })?;
    let status = output.status;
    let out = String::from_utf8_lossy(&output.stdout).into_owned();
    let err = String::from_utf8_lossy(&output.stderr).into_owned();
    if status.code().is_none() {
        return Err(Error::new(
            WinError::ERROR_TIMEOUT,
            format!("{program} {} did not finish", args.join(" ")),
        ));
    }
    if status.success() {
        Ok(out)
    } else {
        let msg = err.trim();
        let code = if msg.contains("Operation not permitted") {
            WinError::ERROR_ACCESS_DENIED
        } else if msg.contains("No such file or directory") {
            WinError::ERROR_NOT_FOUND
        } else {
            WinError::ERROR_INVALID_FUNCTION
        };
        Err(Error::new(
            code,
            format!("{program} {}: {msg}", args.join(" ")),
        ))
    }
}

/// The `nft` program to run (`nft` on `PATH` unless `MPRROUTED_NFT` names another).
#[derive(Clone, Debug)]
pub struct Nft {
    program: String,
}

impl Default for Nft {
    fn default() -> Self {
        Nft {
            program: std::env::var("MPRROUTED_NFT").unwrap_or_else(|_| "nft".into()),
        }
    }
}

impl Nft {
    /// Reads our table back (`nft -j -n list table inet mprconfig`).
    pub fn read_table(&self) -> Result<TableState> {
        match run_nft(
            &self.program,
            &["-j", "-n", "list", "table", "inet", TABLE],
            None,
        ) {
            Ok(out) => {
                let listing: Nftables<'_> = serde_json::from_str(&out).map_err(|e| {
                    Error::new(
                        WinError::ERROR_INVALID_DATA,
                        format!("nft listed table {TABLE} in a form we cannot read: {e}"),
                    )
                })?;
                Ok(parse_table(&listing))
            }
            // nft says "No such file or directory" for a table that does not exist.
            Err(e) if e.code == WinError::ERROR_NOT_FOUND => Ok(TableState::Absent),
            Err(e) => Err(e),
        }
    }

    /// Makes our table hold exactly `rules` (none: no table), in one transaction.
    pub fn replace(&self, rules: &[FilterRule]) -> Result<()> {
        let batch = serde_json::to_vec(&replace_batch(rules)).map_err(|e| {
            Error::new(
                WinError::ERROR_INTERNAL_ERROR,
                format!("encoding the nft batch: {e}"),
            )
        })?;
        run_nft(&self.program, &["-j", "-f", "-"], Some(&batch)).map(|_| ())
    }
}

const NFNL_SUBSYS_NFTABLES: u16 = 10;
const NFT_MSG_NEWGEN: u16 = 15;
const NFT_MSG_GETGEN: u16 = 16;
const NFTA_GEN_ID: u16 = 1;
const NLMSG_ERROR: u16 = 2;
const NLM_F_REQUEST: u16 = 1;
/// `NFNLGRP_NFTABLES`: every nf_tables change is announced here.
const NFNLGRP_NFTABLES: u32 = 7;

fn io_error(what: &str, e: std::io::Error) -> Error {
    let code = match e.raw_os_error() {
        Some(n) => crate::kernel::errno_code(n),
        None => WinError::ERROR_INVALID_FUNCTION,
    };
    Error::new(code, format!("{what}: {e}"))
}

/// The nf_tables ruleset generation: it changes with every committed nftables transaction
/// (anyone's, any table), so an unchanged value means our table is as last read.
pub fn generation() -> Result<u32> {
    let mut s = Socket::new(NETLINK_NETFILTER).map_err(|e| io_error("netfilter socket", e))?;
    s.bind_auto().map_err(|e| io_error("netfilter bind", e))?;
    s.connect(&SocketAddr::new(0, 0))
        .map_err(|e| io_error("netfilter connect", e))?;
    // nlmsghdr (16) + nfgenmsg (4): family AF_UNSPEC, version 0, res_id 0.
    let mut req = Vec::with_capacity(20);
    req.extend_from_slice(&20u32.to_ne_bytes());
    req.extend_from_slice(&((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETGEN).to_ne_bytes());
    req.extend_from_slice(&NLM_F_REQUEST.to_ne_bytes());
    req.extend_from_slice(&1u32.to_ne_bytes());
    req.extend_from_slice(&0u32.to_ne_bytes());
    req.extend_from_slice(&[0, 0, 0, 0]);
    s.send(&req, 0).map_err(|e| io_error("netfilter send", e))?;
    let mut buf = Vec::with_capacity(4096);
    s.recv(&mut buf, 0)
        .map_err(|e| io_error("netfilter receive", e))?;
    parse_generation(&buf)
}

/// The generation out of a `NFT_MSG_NEWGEN` reply (or the error it carries).
fn parse_generation(buf: &[u8]) -> Result<u32> {
    let bad = |why: &str| {
        Error::new(
            WinError::ERROR_INVALID_DATA,
            format!("netfilter generation reply: {why}"),
        )
    };
    if buf.len() < 16 {
        return Err(bad("short"));
    }
    let len = u32::from_ne_bytes([buf[0], buf[1], buf[2], buf[3]]) as usize;
    let ty = u16::from_ne_bytes([buf[4], buf[5]]);
    let msg = buf.get(..len.min(buf.len())).ok_or_else(|| bad("short"))?;
    if ty == NLMSG_ERROR {
        let errno = msg
            .get(16..20)
            .map(|b| -i32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
            .unwrap_or(libc::EIO);
        return Err(io_error(
            "reading the nftables generation",
            std::io::Error::from_raw_os_error(errno),
        ));
    }
    if ty != (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWGEN {
        return Err(bad("unexpected message type"));
    }
    // Attributes follow nlmsghdr (16) and nfgenmsg (4), each 4-aligned.
    let mut at = 20;
    while at + 4 <= msg.len() {
        let alen = u16::from_ne_bytes([msg[at], msg[at + 1]]) as usize;
        let atype = u16::from_ne_bytes([msg[at + 2], msg[at + 3]]) & 0x3fff;
        if alen < 4 || at + alen > msg.len() {
            break;
        }
        if atype == NFTA_GEN_ID && alen >= 8 {
            let v = &msg[at + 4..at + 8];
            return Ok(u32::from_be_bytes([v[0], v[1], v[2], v[3]]));
        }
        at += (alen + 3) & !3;
    }
    Err(bad("no generation id"))
}

/// A socket that receives a message whenever anything in nf_tables changes.
pub struct ChangeEvents {
    socket: Socket,
}

impl ChangeEvents {
    /// Joins `NFNLGRP_NFTABLES` in the caller's network namespace.
    pub fn subscribe() -> Result<ChangeEvents> {
        let mut socket =
            Socket::new(NETLINK_NETFILTER).map_err(|e| io_error("netfilter socket", e))?;
        socket
            .bind_auto()
            .map_err(|e| io_error("netfilter bind", e))?;
        socket
            .add_membership(NFNLGRP_NFTABLES)
            .map_err(|e| io_error("joining the nftables change group", e))?;
        // A burst of changes that overflows the socket only means "something changed".
        let _ = socket.set_no_enobufs(true);
        Ok(ChangeEvents { socket })
    }

    /// Blocks until the next change notification (or a receive error, e.g. overflow, which
    /// also means "something changed").
    pub fn wait(&self) {
        let mut buf = Vec::with_capacity(16 * 1024);
        if self.socket.recv(&mut buf, 0).is_err() {
            // Avoid spinning on a persistent error.
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(ty: u16, attrs: &[u8]) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(&((20 + attrs.len()) as u32).to_ne_bytes());
        b.extend_from_slice(&ty.to_ne_bytes());
        b.extend_from_slice(&0u16.to_ne_bytes());
        b.extend_from_slice(&[0; 8]);
        b.extend_from_slice(&[0; 4]);
        b.extend_from_slice(attrs);
        b
    }

    #[test]
    fn the_generation_is_read_from_its_attribute_in_network_order() {
        let mut attrs = Vec::new();
        attrs.extend_from_slice(&8u16.to_ne_bytes());
        attrs.extend_from_slice(&NFTA_GEN_ID.to_ne_bytes());
        attrs.extend_from_slice(&0x0102_0304u32.to_be_bytes());
        let b = reply((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWGEN, &attrs);
        assert_eq!(parse_generation(&b).unwrap(), 0x0102_0304);
    }

    #[test]
    fn malformed_and_error_replies_are_errors_not_panics() {
        assert!(parse_generation(&[]).is_err());
        assert!(parse_generation(&[0xff; 15]).is_err());
        let b = reply(
            (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWGEN,
            &[200, 0, 1, 0],
        );
        assert!(parse_generation(&b).is_err());
        let mut e = reply(NLMSG_ERROR, &[]);
        e[16..20].copy_from_slice(&(-libc::EPERM).to_ne_bytes());
        assert_eq!(
            parse_generation(&e).unwrap_err().code,
            WinError::ERROR_ACCESS_DENIED
        );
    }
}
