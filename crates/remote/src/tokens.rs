//! Bearer tokens (`server` feature).
//!
//! A token is a random 256-bit secret shown once when it is made; the server keeps only its
//! SHA-256, with a name and a role, in `tokens.toml` beside the store (mode 0600, outside the
//! router configuration so backups never carry secrets). The server re-reads the file when it
//! changes, so `mprd token revoke` takes effect at once, for new connects and open sessions.

pub use crate::role::Role;
use mprconfig_core::{Error, Result, WinError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// One stored token (never the secret itself).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenEntry {
    /// Unique name, for people and logs.
    pub name: String,
    /// Its role.
    pub role: Role,
    /// SHA-256 of the secret, 64 lowercase hex digits.
    pub sha256: String,
    /// Creation time, seconds since the Unix epoch.
    pub created: u64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct TokenFile {
    #[serde(default, rename = "token")]
    tokens: Vec<TokenEntry>,
}

/// SHA-256 of a token secret, as stored.
pub fn hash_token(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.trim().as_bytes()))
}

/// The token file that belongs to a store: `tokens.toml` in the store's directory.
pub fn tokens_path_for_store(store: &Path) -> PathBuf {
    store
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
        .join("tokens.toml")
}

fn cant(code: WinError, path: &Path, e: impl std::fmt::Display) -> Error {
    Error::new(code, format!("{}: {e}", path.display()))
}

fn read_file(path: &Path) -> Result<TokenFile> {
    match std::fs::read_to_string(path) {
        Ok(text) => toml::from_str(&text).map_err(|e| cant(WinError::ERROR_INVALID_DATA, path, e)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(TokenFile::default()),
        Err(e) => Err(cant(WinError::ERROR_CANTREAD, path, e)),
    }
}

fn write_file(path: &Path, file: &TokenFile) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let text = toml::to_string(file).map_err(|e| cant(WinError::ERROR_INTERNAL_ERROR, path, e))?;
    let tmp = path.with_extension("toml.tmp");
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)
        .map_err(|e| cant(WinError::ERROR_CANTWRITE, &tmp, e))?;
    let header =
        "# mprd tokens: names, roles and SHA-256 hashes only (the secrets are never stored).\n";
    f.write_all(header.as_bytes())
        .and_then(|()| f.write_all(text.as_bytes()))
        .and_then(|()| f.sync_all())
        .map_err(|e| cant(WinError::ERROR_CANTWRITE, &tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| cant(WinError::ERROR_CANTWRITE, path, e))
}

/// Runs `f` on the token file under an exclusive lock (`tokens.toml.lock`), so concurrent
/// `mprd token` commands do not lose each other's changes.
fn with_lock<T>(path: &Path, f: impl FnOnce() -> Result<T>) -> Result<T> {
    use std::os::fd::AsRawFd;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| cant(WinError::ERROR_CANTWRITE, dir, e))?;
    }
    let lock_path = path.with_extension("toml.lock");
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(&lock_path)
        .map_err(|e| cant(WinError::ERROR_CANTWRITE, &lock_path, e))?;
    // SAFETY: flock on a file descriptor we own; released when `lock` is closed.
    if unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX) } != 0 {
        return Err(cant(
            WinError::ERROR_LOCK_VIOLATION,
            &lock_path,
            std::io::Error::last_os_error(),
        ));
    }
    f()
}

fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-@".contains(&b))
}

/// Creates a token: returns the secret (64 hex digits), which is not stored anywhere.
/// A name in use gives `ERROR_ALREADY_EXISTS` (183); a bad name 87.
pub fn add(path: &Path, name: &str, role: Role) -> Result<String> {
    if !valid_name(name) {
        return Err(Error::invalid_parameter(format!(
            "token name {name:?}: use 1-64 characters of letters, digits, '.', '_', '-', '@'"
        )));
    }
    with_lock(path, || {
        let mut file = read_file(path)?;
        if file.tokens.iter().any(|t| t.name == name) {
            return Err(Error::new(
                WinError::ERROR_ALREADY_EXISTS,
                format!("a token named {name:?} exists"),
            ));
        }
        let secret = hex::encode(rand::random::<[u8; 32]>());
        let created = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        file.tokens.push(TokenEntry {
            name: name.to_string(),
            role,
            sha256: hash_token(&secret),
            created,
        });
        write_file(path, &file)?;
        Ok(secret)
    })
}

/// Every stored token, in creation order.
pub fn list(path: &Path) -> Result<Vec<TokenEntry>> {
    Ok(read_file(path)?.tokens)
}

/// Deletes a token; `ERROR_NOT_FOUND` (1168) if there is none of that name.
pub fn revoke(path: &Path, name: &str) -> Result<()> {
    with_lock(path, || {
        let mut file = read_file(path)?;
        let before = file.tokens.len();
        file.tokens.retain(|t| t.name != name);
        if file.tokens.len() == before {
            return Err(Error::new(
                WinError::ERROR_NOT_FOUND,
                format!("no token named {name:?}"),
            ));
        }
        write_file(path, &file)
    })
}

/// File identity used to notice changes: (device, inode, size, mtime ns). Rewrites go through
/// rename, so the inode alone already changes on every edit.
type Stamp = Option<(u64, u64, u64, i128)>;

fn stamp(path: &Path) -> Stamp {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).ok()?;
    Some((
        m.dev(),
        m.ino(),
        m.size(),
        i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec()),
    ))
}

struct Cached {
    stamp: Stamp,
    tokens: Vec<TokenEntry>,
}

/// The server's view of the token file: re-read whenever the file changes.
pub struct TokenCache {
    path: PathBuf,
    cached: Mutex<Cached>,
}

impl TokenCache {
    /// A cache of the token file at `path` (which need not exist yet: then nobody gets in).
    pub fn new(path: PathBuf) -> TokenCache {
        TokenCache {
            path,
            cached: Mutex::new(Cached {
                stamp: None,
                tokens: Vec::new(),
            }),
        }
    }

    /// The token file this cache reads.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn with_current<T>(&self, f: impl FnOnce(&[TokenEntry]) -> T) -> T {
        let now = stamp(&self.path);
        let mut c = self.cached.lock().unwrap_or_else(|p| p.into_inner());
        if c.stamp != now || now.is_none() {
            match read_file(&self.path) {
                Ok(file) => c.tokens = file.tokens,
                Err(e) => {
                    // An unreadable or corrupt token file admits nobody rather than everyone.
                    tracing::error!(error = %e, "cannot read the token file; refusing all tokens");
                    c.tokens.clear();
                }
            }
            c.stamp = now;
        }
        f(&c.tokens)
    }

    /// The entry whose hash matches `secret_hash`, if any.
    pub fn lookup(&self, secret_hash: &str) -> Option<TokenEntry> {
        self.with_current(|tokens| tokens.iter().find(|t| t.sha256 == secret_hash).cloned())
    }

    /// True while a token of this name and hash is still stored (not revoked).
    pub fn still_valid(&self, name: &str, secret_hash: &str) -> bool {
        self.with_current(|tokens| {
            tokens
                .iter()
                .any(|t| t.name == name && t.sha256 == secret_hash)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_list_revoke_keep_only_hashes_in_a_private_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("tokens.toml");
        let secret = add(&p, "alice", Role::Admin).unwrap();
        assert_eq!(secret.len(), 64);
        add(&p, "bob", Role::Reader).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(!text.contains(&secret), "the secret must not be stored");
        assert!(text.contains(&hash_token(&secret)));
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let names: Vec<_> = list(&p)
            .unwrap()
            .into_iter()
            .map(|t| (t.name, t.role))
            .collect();
        assert_eq!(
            names,
            vec![("alice".into(), Role::Admin), ("bob".into(), Role::Reader)]
        );
        revoke(&p, "alice").unwrap();
        assert_eq!(list(&p).unwrap().len(), 1);
        assert_eq!(
            revoke(&p, "alice").unwrap_err().code,
            WinError::ERROR_NOT_FOUND
        );
    }

    #[test]
    fn duplicate_and_malformed_names_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("tokens.toml");
        add(&p, "a", Role::Admin).unwrap();
        assert_eq!(
            add(&p, "a", Role::Reader).unwrap_err().code,
            WinError::ERROR_ALREADY_EXISTS
        );
        assert_eq!(
            add(&p, "", Role::Reader).unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER
        );
        assert_eq!(
            add(&p, "a b", Role::Reader).unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER
        );
    }

    #[test]
    fn cache_sees_additions_and_revocations() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("tokens.toml");
        let cache = TokenCache::new(p.clone());
        assert!(cache.lookup(&hash_token("x")).is_none());
        let s = add(&p, "c", Role::Reader).unwrap();
        let e = cache.lookup(&hash_token(&s)).unwrap();
        assert_eq!((e.name.as_str(), e.role), ("c", Role::Reader));
        assert!(cache.still_valid("c", &hash_token(&s)));
        revoke(&p, "c").unwrap();
        assert!(!cache.still_valid("c", &hash_token(&s)));
        assert!(cache.lookup(&hash_token(&s)).is_none());
    }

    #[test]
    fn corrupt_token_file_admits_nobody() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("tokens.toml");
        let s = add(&p, "c", Role::Admin).unwrap();
        std::fs::write(&p, "this is [not toml").unwrap();
        assert!(TokenCache::new(p).lookup(&hash_token(&s)).is_none());
    }
}
