//! `watch [--from SEQ] [--count N]`: prints committed changes as they happen, one line each
//! (a JSON object per line with `--json`), in commit order, each once.
//!
//! Remotely the stream lives on one session; when the connection is lost (1722) the command
//! connects again and resumes after the last change it printed, so nothing is missed or
//! printed twice. A position the change log no longer holds (1181) ends the command: the
//! configuration must be read again, then watched from the sequence number the error names.

use std::io::Write;
use std::time::Duration;

use clap::Args;
use mprconfig::{Change, ChangedObject, Connection, Error, Result, WinError};
use serde_json::{Value, json};

/// `mprcfg watch` arguments.
#[derive(Args, Debug)]
pub struct WatchArgs {
    /// Start after this sequence number (default: from now). A position older than the change
    /// log's window fails with error 1181, naming the current sequence number.
    #[arg(long, value_name = "SEQ")]
    pub from: Option<u64>,
    /// Exit after printing this many changes (default: run until interrupted).
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
}

/// The longest pause between two reconnects after the server went away.
const MAX_RECONNECT_PAUSE: Duration = Duration::from_secs(5);

/// One change as a JSON object (the `--json` line; `docs/cli.md` documents the fields).
pub fn change_json(c: &Change) -> Value {
    let mut v = json!({
        "seq": c.seq,
        "generation": c.generation,
        "kind": c.kind.name(),
        "object": c.object.kind_name(),
        "version": c.version.map(|v| v.raw()),
    });
    let m = v.as_object_mut().expect("an object");
    match &c.object {
        ChangedObject::Configuration | ChangedObject::Server => {}
        ChangedObject::Interface(id) => {
            m.insert("interface".into(), json!(id.name));
            m.insert("key".into(), json!(id.key));
        }
        ChangedObject::IfTransport(id) => {
            m.insert("interface".into(), json!(id.interface.name));
            m.insert("key".into(), json!(id.interface.key));
            m.insert("protocol_id".into(), json!(id.protocol_id));
        }
        ChangedObject::Transport(id) => {
            m.insert("protocol_id".into(), json!(id.protocol_id));
        }
    }
    v
}

/// One change as a line of text: sequence number, what happened, to what, its new version.
pub fn change_text(c: &Change) -> String {
    let what = match &c.object {
        ChangedObject::Configuration => "configuration".to_string(),
        ChangedObject::Server => "server".to_string(),
        ChangedObject::Interface(id) => format!("interface {:?}", id.name),
        ChangedObject::IfTransport(id) => {
            format!(
                "interface {:?} transport {:#x}",
                id.interface.name, id.protocol_id
            )
        }
        ChangedObject::Transport(id) => format!("transport {:#x}", id.protocol_id),
    };
    let version = c
        .version
        .map(|v| format!(" (version {v})"))
        .unwrap_or_default();
    format!("{:>8}  {:<8}  {what}{version}", c.seq, c.kind.name())
}

/// Runs `watch`; returns when `--count` changes were printed, or with the error that ended
/// the stream (never for a lost connection to a remote server, which is reconnected).
pub fn run(
    conn: Connection,
    reconnect: impl Fn() -> Result<Connection>,
    args: &WatchArgs,
    as_json: bool,
) -> Result<()> {
    let mut conn = conn;
    let mut stream = conn.watch(args.from)?;
    let mut printed = 0u64;
    if args.count == Some(0) {
        return Ok(());
    }
    let mut out = std::io::stdout().lock();
    loop {
        match stream.next_timeout(Duration::from_secs(3600)) {
            Ok(None) => continue,
            Ok(Some(c)) => {
                let line = if as_json {
                    change_json(&c).to_string()
                } else {
                    change_text(&c)
                };
                // A closed pipe (`mprcfg watch | head`) ends the command quietly.
                if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
                    return Ok(());
                }
                printed += 1;
                if args.count.is_some_and(|n| printed >= n) {
                    return Ok(());
                }
            }
            Err(e) if e.code == WinError::RPC_S_SERVER_UNAVAILABLE && !conn.is_local() => {
                let position = stream.position();
                drop(stream);
                let mut pause = Duration::from_millis(100);
                loop {
                    eprintln!("mprcfg: watch: {e}; reconnecting to resume after change {position}");
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(MAX_RECONNECT_PAUSE);
                    match reconnect().and_then(|c| c.watch(Some(position)).map(|s| (c, s))) {
                        Ok((c, s)) => {
                            conn = c;
                            stream = s;
                            break;
                        }
                        Err(e2) if retriable(&e2) => continue,
                        Err(e2) => return Err(e2),
                    }
                }
            }
            Err(e) => return Err(e),
        }
    }
}

/// Failures of a reconnect worth another try: the server is not (yet) back.
fn retriable(e: &Error) -> bool {
    matches!(
        e.code,
        WinError::RPC_S_SERVER_UNAVAILABLE | WinError::ERROR_BAD_NETPATH
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use mprconfig::{ChangeKind, IfTransportId, InterfaceId, Version};

    #[test]
    fn changes_render_as_one_json_object_and_one_text_line() {
        let c = Change {
            seq: 42,
            generation: 7,
            kind: ChangeKind::Changed,
            object: ChangedObject::IfTransport(IfTransportId {
                interface: InterfaceId {
                    key: 3,
                    name: "wan1".into(),
                },
                protocol_id: 0x21,
            }),
            version: Some(Version::from_raw(9)),
        };
        let j = change_json(&c);
        assert_eq!(j["seq"], 42);
        assert_eq!(j["kind"], "changed");
        assert_eq!(j["object"], "interface-transport");
        assert_eq!(j["interface"], "wan1");
        assert_eq!(j["protocol_id"], 0x21);
        assert_eq!(j["version"], 9);
        assert!(!j.to_string().contains('\n'));
        let t = change_text(&c);
        assert!(
            t.contains("changed")
                && t.contains("\"wan1\" transport 0x21")
                && t.contains("version 9"),
            "{t}"
        );
        let d = Change {
            kind: ChangeKind::Deleted,
            version: None,
            ..c
        };
        assert_eq!(change_json(&d)["version"], Value::Null);
    }
}
