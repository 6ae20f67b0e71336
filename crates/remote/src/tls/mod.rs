//! TLS for the remote protocol: TLS 1.3 only, certificates, fingerprints and client trust.
//!
//! The server presents a certificate (by default a self-signed one that `mprd` creates in
//! `tls/` beside its store). A client trusts it when `MPRCONFIG_CA` names a PEM file holding
//! that very certificate or a CA that verifies it for the host name, or when
//! `known_hosts` pins its SHA-256 fingerprint for that `host:port`. Nothing is ever accepted
//! blindly: [`fetch_fingerprint_of`] learns a fingerprint by rejecting the certificate after
//! recording it, so no request is ever sent to an untrusted server.
//!
//! Always built: fingerprints and certificate files. With the `client` feature, client trust
//! ([`Trust`], `known_hosts`, the verifier); with the `server` feature, the server's
//! certificate (created self-signed with rcgen when missing) and TLS configuration.

#[cfg(feature = "server")]
mod server;
#[cfg(feature = "client")]
mod trust;

#[cfg(feature = "server")]
pub use server::{default_tls_paths, ensure_self_signed, server_config};
#[cfg(feature = "client")]
pub(crate) use trust::ParsedFile;
#[cfg(feature = "client")]
pub use trust::{
    Rejection, Seen, Trust, TrustVerifier, add_pin, client_config, client_config_for, config_dir,
    known_hosts_path, pinned_fingerprints, server_name,
};

use mprconfig_core::{Error, Result, WinError};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::Arc;

/// The ALPN protocol gRPC runs on.
#[cfg(any(feature = "client", feature = "server"))]
const ALPN_H2: &[u8] = b"h2";

/// The crypto provider used on both sides (ring), with TLS 1.3's AES-128-GCM-SHA256 suite
/// preferred.
///
/// Why that order: ring's default prefers AES-256-GCM-SHA384, whose transcript hash and key
/// schedule run SHA-384, which has no hardware path, while SHA-256 runs on the CPU's SHA
/// extensions. In a fleet run (`mprcfg -r r1,…,r100`) the handshakes are most of the CPU on
/// both sides, and SHA-384 was a visible share of it. This costs no security that matters
/// here: AES-128-GCM is TLS 1.3's mandatory suite, and the key exchange (X25519) and the
/// certificate (ECDSA P-256) already stop at the 128-bit level. Every suite stays TLS 1.3
/// only, and a peer that prefers another suite can still pick it.
pub fn provider() -> Arc<CryptoProvider> {
    let mut p = rustls::crypto::ring::default_provider();
    let first = rustls::crypto::ring::cipher_suite::TLS13_AES_128_GCM_SHA256;
    p.cipher_suites.sort_by_key(|s| s.suite() != first.suite());
    Arc::new(p)
}

/// SHA-256 of a DER certificate as 64 lowercase hex digits: the fingerprint `mprd serve` prints
/// and `known_hosts` pins.
pub fn fingerprint(cert_der: &[u8]) -> String {
    hex::encode(Sha256::digest(cert_der))
}

/// Normalises a fingerprint as people write it (`SHA256:AB:CD:..`, `ab cd ..`, any case) to
/// 64 lowercase hex digits; `None` if it is not a SHA-256 fingerprint.
pub fn normalize_fingerprint(s: &str) -> Option<String> {
    let s = s.trim();
    // `get` rather than indexing: the text may hold multi-byte characters anywhere.
    let s = match (s.get(..7), s.get(7..)) {
        (Some(prefix), Some(rest)) if prefix.eq_ignore_ascii_case("sha256:") => rest,
        _ => s,
    };
    let hexed: String = s
        .chars()
        .filter(|c| *c != ':' && !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    (hexed.len() == 64 && hexed.bytes().all(|b| b.is_ascii_hexdigit())).then_some(hexed)
}

fn io_err(code: WinError, what: impl std::fmt::Display, e: impl std::fmt::Display) -> Error {
    Error::new(code, format!("{what}: {e}"))
}

/// The certificates of a PEM file (`ERROR_FILE_NOT_FOUND` if missing, 13 if it holds none).
pub fn load_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let data = std::fs::read(path).map_err(|e| {
        let code = if e.kind() == std::io::ErrorKind::NotFound {
            WinError::ERROR_FILE_NOT_FOUND
        } else {
            WinError::ERROR_CANTREAD
        };
        io_err(code, path.display(), e)
    })?;
    let certs: Vec<_> = CertificateDer::pem_slice_iter(&data)
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| io_err(WinError::ERROR_INVALID_DATA, path.display(), e))?;
    if certs.is_empty() {
        return Err(Error::new(
            WinError::ERROR_INVALID_DATA,
            format!("{}: no PEM certificate in it", path.display()),
        ));
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_normalise_from_common_spellings() {
        let fp = "ab".repeat(32);
        assert_eq!(normalize_fingerprint(&fp).as_deref(), Some(fp.as_str()));
        let colons = vec!["AB"; 32].join(":");
        assert_eq!(
            normalize_fingerprint(&format!("SHA256:{colons}")).as_deref(),
            Some(fp.as_str())
        );
        assert_eq!(normalize_fingerprint("sha256:abcd"), None);
        assert_eq!(normalize_fingerprint(&"zz".repeat(32)), None);
        // Found by the wire fuzz target: a multi-byte character across byte 7.
        assert_eq!(normalize_fingerprint("\u{4fa} \u{5da}\u{5da}"), None);
        assert_eq!(
            normalize_fingerprint(&format!("SHA256:{}", "ab".repeat(32))).map(|f| f.len()),
            Some(64)
        );
    }

    #[test]
    fn aes_128_gcm_sha256_is_preferred_and_every_suite_is_kept() {
        let p = provider();
        let all = rustls::crypto::ring::default_provider().cipher_suites.len();
        assert_eq!(p.cipher_suites.len(), all);
        assert_eq!(
            p.cipher_suites[0].suite(),
            rustls::CipherSuite::TLS13_AES_128_GCM_SHA256
        );
    }

    #[test]
    fn missing_certificate_file_is_file_not_found() {
        let e = load_certs(Path::new("/nonexistent/x.pem")).unwrap_err();
        assert_eq!(e.code, WinError::ERROR_FILE_NOT_FOUND);
    }
}
