//! The router manager's Unix socket: one JSON request per line, one reply per line
//! (`mprconfig::admin` is the client and defines the messages).
//!
//! Access is the socket file's: it is created mode 0660 (owner and group of the manager), in
//! a directory the service owns (`/run/mprconfig` under systemd). Hostile bytes get an error
//! reply (malformed JSON: `ERROR_INVALID_PARAMETER`), an over-long line closes the connection;
//! nothing a peer sends can panic the manager.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{Semaphore, mpsc, oneshot};

use mprconfig::admin::{MAX_LINE, Reply, Request};
use mprconfig_core::{Error, Result, WinError};

/// Most connections served at once.
pub const MAX_CONNECTIONS: usize = 64;

/// A request on its way to the manager loop, with where to send the reply.
pub type Call = (Request, oneshot::Sender<Reply>);

/// Binds the socket at `path` (replacing a stale socket file nobody answers on) with mode
/// 0660. `ERROR_ALREADY_EXISTS` if a router manager already answers there.
pub fn bind(path: &Path) -> Result<UnixListener> {
    if path.exists() {
        if std::os::unix::net::UnixStream::connect(path).is_ok() {
            return Err(Error::new(
                WinError::ERROR_ALREADY_EXISTS,
                format!("a router manager already answers at {}", path.display()),
            ));
        }
        std::fs::remove_file(path).map_err(|e| {
            Error::new(
                WinError::ERROR_ACCESS_DENIED,
                format!("cannot replace the stale socket {}: {e}", path.display()),
            )
        })?;
    }
    let listener = UnixListener::bind(path).map_err(|e| {
        Error::new(
            WinError::ERROR_ACCESS_DENIED,
            format!("cannot listen on {}: {e}", path.display()),
        )
    })?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o660)).map_err(|e| {
        Error::new(
            WinError::ERROR_ACCESS_DENIED,
            format!("cannot set the mode of {}: {e}", path.display()),
        )
    })?;
    Ok(listener)
}

/// Removes the socket file when dropped.
pub struct SocketFile(pub PathBuf);

impl Drop for SocketFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Accepts connections forever, passing each request to `calls`.
pub async fn serve(listener: UnixListener, calls: mpsc::Sender<Call>) {
    let limit = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let Ok(permit) = Arc::clone(&limit).try_acquire_owned() else {
            // Over the limit: closing tells the client at once.
            drop(stream);
            continue;
        };
        let calls = calls.clone();
        tokio::spawn(async move {
            connection(stream, calls).await;
            drop(permit);
        });
    }
}

async fn connection(stream: UnixStream, calls: mpsc::Sender<Call>) {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = match (&mut read)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut line)
            .await
        {
            Ok(n) => n,
            Err(_) => return,
        };
        if n == 0 {
            return;
        }
        let too_long = line.len() > MAX_LINE;
        let reply = if too_long {
            Reply::Error {
                code: WinError::ERROR_INVALID_PARAMETER.0,
                detail: format!("request longer than {MAX_LINE} bytes"),
            }
        } else {
            match serde_json::from_slice::<Request>(&line) {
                Err(e) => Reply::Error {
                    code: WinError::ERROR_INVALID_PARAMETER.0,
                    detail: format!("malformed request: {e}"),
                },
                Ok(req) => {
                    let (tx, rx) = oneshot::channel();
                    if calls.send((req, tx)).await.is_err() {
                        return;
                    }
                    match rx.await {
                        Ok(r) => r,
                        Err(_) => return,
                    }
                }
            }
        };
        let mut out = match serde_json::to_vec(&reply) {
            Ok(v) => v,
            Err(_) => return,
        };
        out.push(b'\n');
        if write.write_all(&out).await.is_err() || too_long {
            return;
        }
    }
}
