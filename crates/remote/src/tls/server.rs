//! The server's certificate and TLS configuration (`server` feature).

use super::{ALPN_H2, fingerprint, io_err, load_certs, provider};
use mprconfig_core::Result;
use mprconfig_core::WinError;
use rustls::pki_types::PrivateKeyDer;
use rustls::pki_types::pem::PemObject;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn write_private(path: &Path, data: &[u8], mode: u32) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let tmp = path.with_extension("tmp");
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(mode)
        .open(&tmp)
        .map_err(|e| io_err(WinError::ERROR_CANTWRITE, tmp.display(), e))?;
    f.write_all(data)
        .and_then(|()| f.sync_all())
        .map_err(|e| io_err(WinError::ERROR_CANTWRITE, tmp.display(), e))?;
    std::fs::rename(&tmp, path).map_err(|e| io_err(WinError::ERROR_CANTWRITE, path.display(), e))
}

fn local_hostname() -> Option<String> {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname NUL-terminates within it on success.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return None;
    }
    let end = buf.iter().position(|b| *b == 0)?;
    let name = std::str::from_utf8(&buf[..end]).ok()?.to_ascii_lowercase();
    (!name.is_empty() && name != "localhost").then_some(name)
}

/// The certificate and key files `mprd` uses by default for a store: `tls/server.crt` and
/// `tls/server.key` in the store's directory.
pub fn default_tls_paths(store: &Path) -> (PathBuf, PathBuf) {
    let dir = store
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
        .join("tls");
    (dir.join("server.crt"), dir.join("server.key"))
}

/// Creates a self-signed certificate (for `localhost`, 127.0.0.1, ::1 and this machine's host
/// name) and its private key at the given paths, unless both already exist. The key file gets
/// mode 0600. Returns true when it created them.
pub fn ensure_self_signed(cert_path: &Path, key_path: &Path) -> Result<bool> {
    if cert_path.exists() && key_path.exists() {
        return Ok(false);
    }
    for dir in [cert_path.parent(), key_path.parent()]
        .into_iter()
        .flatten()
    {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir)
                .map_err(|e| io_err(WinError::ERROR_CANTWRITE, dir.display(), e))?;
        }
    }
    let mut names = vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
    ];
    names.extend(local_hostname());
    let key = rcgen::KeyPair::generate()
        .map_err(|e| io_err(WinError::ERROR_INTERNAL_ERROR, "key generation", e))?;
    let mut params = rcgen::CertificateParams::new(names)
        .map_err(|e| io_err(WinError::ERROR_INTERNAL_ERROR, "certificate parameters", e))?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "mprd");
    let cert = params
        .self_signed(&key)
        .map_err(|e| io_err(WinError::ERROR_INTERNAL_ERROR, "certificate", e))?;
    write_private(key_path, key.serialize_pem().as_bytes(), 0o600)?;
    write_private(cert_path, cert.pem().as_bytes(), 0o644)?;
    Ok(true)
}

/// The TLS configuration of the server: TLS 1.3 only, ALPN `h2`, the given certificate chain
/// and key. Returns it with the fingerprint of the leaf certificate.
pub fn server_config(
    cert_path: &Path,
    key_path: &Path,
) -> Result<(Arc<rustls::ServerConfig>, String)> {
    let certs = load_certs(cert_path)?;
    let key = PrivateKeyDer::from_pem_file(key_path)
        .map_err(|e| io_err(WinError::ERROR_INVALID_DATA, key_path.display(), e))?;
    let fp = fingerprint(&certs[0]);
    let mut cfg = rustls::ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(&[&rustls::version::TLS13])
        .map_err(|e| io_err(WinError::ERROR_INTERNAL_ERROR, "TLS configuration", e))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| io_err(WinError::ERROR_INVALID_DATA, cert_path.display(), e))?;
    cfg.alpn_protocols = vec![ALPN_H2.to_vec()];
    Ok((Arc::new(cfg), fp))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn self_signed_certificate_is_created_once_with_a_private_key() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let (c, k) = default_tls_paths(&dir.path().join("router.db"));
        assert!(ensure_self_signed(&c, &k).unwrap());
        assert!(!ensure_self_signed(&c, &k).unwrap());
        assert_eq!(
            std::fs::metadata(&k).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let (_, fp) = server_config(&c, &k).unwrap();
        assert_eq!(fp, fingerprint(&load_certs(&c).unwrap()[0]));
    }
}
