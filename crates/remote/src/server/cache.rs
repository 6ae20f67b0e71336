//! The reply cache: point reads answered again without a store transaction while the
//! configuration's data version is unchanged.

use mprconfig_core::RouterConfig;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Most replies the [`ReplyCache`] holds; when full it starts over.
const MAX_CACHED_REPLIES: usize = 4096;
/// Replies larger than this (encoded) are never cached.
const MAX_CACHED_REPLY_BYTES: usize = 64 << 10;

/// A point read's identity: the configuration (by address, kept unique by the `Weak` in the
/// entry), the RPC and its encoded request without the session id.
pub(super) type ReplyKey = (usize, &'static str, Vec<u8>);

struct CachedReply {
    /// Holds the configuration's allocation, so its address is not reused while this exists.
    config: std::sync::Weak<dyn RouterConfig>,
    version: u64,
    reply: Arc<dyn std::any::Any + Send + Sync>,
}

/// Replies to point reads, reused while the configuration's data version
/// ([`RouterConfig::data_version`]) is the one they were read at. Every lookup reads the
/// version first (one point select), so a change by anyone (another session, a local process)
/// is seen by the very next call; what it saves is the transaction and the decoding. Session
/// checks, token checks and roles run before it on every call.
#[derive(Default)]
pub(super) struct ReplyCache {
    entries: Mutex<HashMap<ReplyKey, CachedReply>>,
}

impl ReplyCache {
    pub(super) fn get<Rep: Clone + 'static>(
        &self,
        key: &ReplyKey,
        config: &Arc<dyn RouterConfig>,
        version: u64,
    ) -> Option<Rep> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let e = entries.get(key)?;
        if e.version != version || !std::sync::Weak::ptr_eq(&e.config, &Arc::downgrade(config)) {
            return None;
        }
        e.reply.downcast_ref::<Rep>().cloned()
    }

    pub(super) fn put<Rep: prost::Message + Clone + Send + Sync + 'static>(
        &self,
        key: ReplyKey,
        config: &Arc<dyn RouterConfig>,
        version: u64,
        reply: &Rep,
    ) {
        if reply.encoded_len() > MAX_CACHED_REPLY_BYTES {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= MAX_CACHED_REPLIES {
            entries.clear();
        }
        entries.insert(
            key,
            CachedReply {
                config: Arc::downgrade(config),
                version,
                reply: Arc::new(reply.clone()),
            },
        );
    }
}
