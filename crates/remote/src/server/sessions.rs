//! Sessions: opened by Connect (token, limits), bound to the connection that opened them, and
//! closed by Disconnect, by that connection's end or by the idle time-out.

use super::cache::ReplyCache;
use super::config::{Opener, ServerConfig, Stats};
use crate::pb;
use crate::tokens::{Role, TokenCache, hash_token};
use mprconfig_core::{Error, Result, RouterConfig, WinError};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use tokio::time::Instant;
use tonic::metadata::MetadataMap;

pub(super) struct Session {
    conn: u64,
    conn_state: Arc<ConnState>,
    role: Role,
    token_name: String,
    token_hash: String,
    config: Arc<dyn RouterConfig>,
    last_used_ms: AtomicU64,
}

#[derive(Default)]
pub(super) struct ConnState {
    pub(super) sessions: Mutex<Vec<String>>,
    pub(super) idle_since_ms: AtomicU64,
    pub(super) closed: AtomicBool,
}

/// What the service knows about the connection a request came on (a request extension).
#[derive(Clone)]
pub struct ConnInfo {
    /// Server-unique connection number.
    pub id: u64,
    /// The peer's address.
    pub peer: SocketAddr,
    pub(super) state: Arc<ConnState>,
}

/// What every connection and call of one server shares.
pub(super) struct Shared {
    pub(super) replies: ReplyCache,
    pub(super) opener: Opener,
    pub(super) config: ServerConfig,
    pub(super) tokens: TokenCache,
    pub(super) sessions: RwLock<HashMap<String, Arc<Session>>>,
    pub(super) stats: Arc<Stats>,
    pub(super) next_conn: AtomicU64,
    pub(super) epoch: Instant,
}

impl Shared {
    pub(super) fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    pub(super) fn remove_session(&self, id: &str, why: &str) -> bool {
        let removed = self
            .sessions
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .remove(id);
        let Some(s) = removed else { return false };
        let mut list = s
            .conn_state
            .sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        list.retain(|x| x != id);
        if list.is_empty() {
            s.conn_state
                .idle_since_ms
                .store(self.now_ms(), Ordering::Relaxed);
        }
        drop(list);
        self.stats.sessions.fetch_sub(1, Ordering::Relaxed);
        tracing::info!(session = %short(id), conn = s.conn, token = %s.token_name, reason = why, "session closed");
        true
    }

    pub(super) fn close_connection(&self, info: &ConnInfo) {
        info.state.closed.store(true, Ordering::SeqCst);
        let ids = std::mem::take(
            &mut *info
                .state
                .sessions
                .lock()
                .unwrap_or_else(|p| p.into_inner()),
        );
        for id in ids {
            self.remove_session(&id, "connection closed");
        }
    }

    pub(super) fn reap_idle(&self) {
        let limit = u64::try_from(self.config.idle_session_timeout.as_millis()).unwrap_or(u64::MAX);
        let now = self.now_ms();
        let idle: Vec<String> = self
            .sessions
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .filter(|(_, s)| now.saturating_sub(s.last_used_ms.load(Ordering::Relaxed)) >= limit)
            .map(|(id, _)| id.clone())
            .collect();
        for id in idle {
            self.remove_session(&id, "idle timeout");
        }
    }

    /// The configuration a call on session `id` works on, after the checks every call gets:
    /// the session is open on this very connection (else 1722), its token is still stored
    /// (else 5) and, for a change, its role is admin (else 5). Marks the session used.
    pub(super) fn session_for(
        &self,
        conn: Option<u64>,
        id: &str,
        write: bool,
    ) -> Result<Arc<dyn RouterConfig>> {
        let session = self
            .sessions
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(id)
            .cloned();
        let session = match session {
            Some(s) if Some(s.conn) == conn => s,
            _ => return Err(gone()),
        };
        session.last_used_ms.store(self.now_ms(), Ordering::Relaxed);
        if !self
            .tokens
            .still_valid(&session.token_name, &session.token_hash)
        {
            return Err(Error::new(
                WinError::ERROR_ACCESS_DENIED,
                format!("token {:?} has been revoked", session.token_name),
            ));
        }
        if write && session.role != Role::Admin {
            return Err(Error::new(
                WinError::ERROR_ACCESS_DENIED,
                "this session's token has the reader role; changes need an admin token",
            ));
        }
        Ok(session.config.clone())
    }

    /// Disconnect: ends session `id` if this connection owns it (else 1722).
    pub(super) fn disconnect(&self, conn: Option<u64>, id: &str) -> Result<()> {
        let owned = self
            .sessions
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(id)
            .map(|s| Some(s.conn) == conn);
        match owned {
            Some(true) => {
                self.remove_session(id, "disconnect");
                Ok(())
            }
            _ => Err(gone()),
        }
    }

    /// Connect: checks the protocol version, the bearer token and the session limits, then
    /// opens a session bound to this connection. Returns its id and role.
    pub(super) fn open_session(
        &self,
        meta: &MetadataMap,
        conn: Option<ConnInfo>,
        req: &pb::ConnectRequest,
    ) -> Result<(String, Role)> {
        let shared = self;
        let conn = conn.ok_or_else(|| {
            Error::new(
                WinError::ERROR_INTERNAL_ERROR,
                "request without connection information",
            )
        })?;
        if req.protocol_version > crate::PROTOCOL_VERSION {
            return Err(Error::new(
                WinError::ERROR_NOT_SUPPORTED,
                format!(
                    "protocol version {} is newer than this server's {}",
                    req.protocol_version,
                    crate::PROTOCOL_VERSION
                ),
            ));
        }
        let Some(token) = bearer(meta) else {
            tracing::info!(peer = %conn.peer, "connect without a token refused");
            return Err(Error::new(
                WinError::ERROR_ACCESS_DENIED,
                "no token was presented (set MPRCONFIG_TOKEN or credentials.toml)",
            ));
        };
        let hash = hash_token(&token);
        let Some(entry) = shared.tokens.lookup(&hash) else {
            tracing::info!(peer = %conn.peer, "connect with an unknown or revoked token refused");
            return Err(Error::new(
                WinError::ERROR_ACCESS_DENIED,
                "the token is not valid on this server (unknown or revoked)",
            ));
        };
        let open = shared.stats.sessions.load(Ordering::Relaxed);
        if open >= shared.config.max_sessions {
            return Err(Error::new(
                WinError::ERROR_NOT_ENOUGH_MEMORY,
                format!(
                    "the server has reached its session limit ({})",
                    shared.config.max_sessions
                ),
            ));
        }
        if conn
            .state
            .sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .len()
            >= shared.config.max_sessions_per_connection
        {
            return Err(Error::new(
                WinError::ERROR_NOT_ENOUGH_MEMORY,
                format!(
                    "this connection has reached its session limit ({})",
                    shared.config.max_sessions_per_connection
                ),
            ));
        }
        let config = (shared.opener)()?;
        let id = hex::encode(rand::random::<[u8; 16]>());
        let session = Arc::new(Session {
            conn: conn.id,
            conn_state: conn.state.clone(),
            role: entry.role,
            token_name: entry.name.clone(),
            token_hash: hash,
            config,
            last_used_ms: AtomicU64::new(shared.now_ms()),
        });
        shared
            .sessions
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id.clone(), session);
        conn.state
            .sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(id.clone());
        shared.stats.sessions.fetch_add(1, Ordering::Relaxed);
        shared.stats.sessions_opened.fetch_add(1, Ordering::Relaxed);
        tracing::info!(session = %short(&id), conn = conn.id, peer = %conn.peer, token = %entry.name,
            role = entry.role.as_str(), client = %req.client_name.chars().take(256).collect::<String>(), "session opened");
        if conn.state.closed.load(Ordering::SeqCst) {
            // The connection died while the session was being opened.
            shared.remove_session(&id, "connection closed");
            return Err(gone());
        }
        Ok((id, entry.role))
    }
}

fn short(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

pub(super) fn gone() -> Error {
    Error::new(
        WinError::RPC_S_SERVER_UNAVAILABLE,
        "the session is not open on this server (it was disconnected, timed out, or the server restarted)",
    )
}

/// The bearer token of `authorization: Bearer <token>`, if there is one.
fn bearer(meta: &MetadataMap) -> Option<String> {
    let v = meta.get("authorization")?.to_str().ok()?.trim();
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
        .filter(|t| !t.is_empty())
}
