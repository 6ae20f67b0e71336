//! Client trust (`client` feature): `MPRCONFIG_CA`, `known_hosts` pins, the verifier that
//! enforces them, and the client TLS configuration.

use super::{ALPN_H2, fingerprint, io_err, load_certs, normalize_fingerprint, provider};
use crate::name::host_port_key;
use mprconfig_core::{Error, Result, WinError};
use rustls::DigitallySignedStruct;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Where the client's trust and credentials live: `$XDG_CONFIG_HOME/mprconfig`, else
/// `$HOME/.config/mprconfig`.
pub fn config_dir() -> Option<PathBuf> {
    let xdg = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    let base = xdg.or_else(|| {
        std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(|h| PathBuf::from(h).join(".config"))
    })?;
    Some(base.join("mprconfig"))
}

/// `<config dir>/known_hosts`.
pub fn known_hosts_path() -> Option<PathBuf> {
    config_dir().map(|d| d.join("known_hosts"))
}

/// A configuration file parsed once per process, and again only when its text changes.
///
/// A fleet run (`mprcfg -r r1,…,r100`) looks up every router in the same `known_hosts` and
/// `credentials.toml`; parsing them once per router made the client's work quadratic in the
/// fleet's size. The file is still read at every lookup (a few microseconds) and its text
/// compared with the one parsed, so an edit (`mprcfg trust`, a new token) is seen by the very
/// next connect, whatever the file system's time-stamp granularity.
pub(crate) struct ParsedFile<T> {
    cached: Mutex<Option<Parsed<T>>>,
}

/// The last lookup of a [`ParsedFile`]: the path, its text (`None`: unreadable), what it gave.
type Parsed<T> = (PathBuf, Option<String>, Arc<T>);

impl<T> ParsedFile<T> {
    /// An empty cache.
    pub(crate) const fn new() -> Self {
        ParsedFile {
            cached: Mutex::new(None),
        }
    }

    /// The parsed contents of `path`: `parse` gets the text, or `None` when the file cannot be
    /// read (missing or unreadable), and runs only when that differs from the last lookup's.
    pub(crate) fn get(&self, path: &Path, parse: impl FnOnce(Option<&str>) -> T) -> Arc<T> {
        let text = std::fs::read_to_string(path).ok();
        let mut c = self.cached.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((p, t, v)) = c.as_ref()
            && p == path
            && *t == text
        {
            return v.clone();
        }
        let v = Arc::new(parse(text.as_deref()));
        *c = Some((path.to_path_buf(), text, v.clone()));
        v
    }
}

/// `known_hosts` by lowercased `host:port` key, pins in file order.
type Pins = std::collections::HashMap<String, Vec<String>>;

fn parse_known_hosts(text: Option<&str>) -> Pins {
    let mut pins = Pins::new();
    for line in text.unwrap_or("").lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        let Some((k, fp)) = line.split_once(char::is_whitespace) else {
            continue;
        };
        if let Some(fp) = normalize_fingerprint(fp) {
            pins.entry(k.to_ascii_lowercase()).or_default().push(fp);
        }
    }
    pins
}

/// The fingerprints `known_hosts` pins for a `host:port` key. Lines are
/// `host:port sha256-fingerprint`; `#` starts a comment; a missing file pins nothing.
/// The file is parsed once per process and again when it changes.
pub fn pinned_fingerprints(path: &Path, key: &str) -> Vec<String> {
    static KNOWN_HOSTS: ParsedFile<Pins> = ParsedFile::new();
    KNOWN_HOSTS
        .get(path, parse_known_hosts)
        .get(&key.to_ascii_lowercase())
        .cloned()
        .unwrap_or_default()
}

/// Adds a pin for `key` to a known_hosts file (creating it and its directory), unless present.
pub fn add_pin(path: &Path, key: &str, fp: &str) -> Result<()> {
    if pinned_fingerprints(path, key).iter().any(|p| p == fp) {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| io_err(WinError::ERROR_CANTWRITE, dir.display(), e))?;
    }
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| io_err(WinError::ERROR_CANTWRITE, path.display(), e))?;
    writeln!(f, "{key} sha256:{fp}")
        .map_err(|e| io_err(WinError::ERROR_CANTWRITE, path.display(), e))
}

/// What a client trusts for one server.
#[derive(Clone, Debug, Default)]
pub struct Trust {
    /// Certificates from `MPRCONFIG_CA`: the server's own certificate, or CAs that issued it.
    pub ca: Vec<CertificateDer<'static>>,
    /// Pinned SHA-256 fingerprints (normalised hex).
    pub pins: Vec<String>,
}

impl Trust {
    /// Trust from the environment for a server: `MPRCONFIG_CA` (if set) and the pins of
    /// `known_hosts` for `host:port`. A set but unreadable `MPRCONFIG_CA` is an error (5).
    pub fn from_env(host: &str, port: u16) -> Result<Trust> {
        let mut trust = Trust::default();
        if let Some(ca) = std::env::var_os("MPRCONFIG_CA").filter(|v| !v.is_empty()) {
            trust.ca = load_certs(Path::new(&ca)).map_err(|e| {
                Error::new(
                    WinError::ERROR_ACCESS_DENIED,
                    format!("MPRCONFIG_CA: {}", e.detail),
                )
            })?;
        }
        if let Some(kh) = known_hosts_path() {
            trust.pins = pinned_fingerprints(&kh, &host_port_key(host, port));
        }
        Ok(trust)
    }
}

/// The outcome of certificate verification, kept so a failed handshake can be explained.
#[derive(Debug, Default)]
pub struct Seen {
    /// Fingerprint of the certificate the server presented, if it got that far.
    pub fingerprint: Option<String>,
    /// Why it was rejected, if it was.
    pub rejected: Option<String>,
}

/// Why a [`TrustVerifier`] refused a certificate; it travels inside the rustls error of the
/// failed handshake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// SHA-256 fingerprint of the certificate the server presented.
    pub fingerprint: String,
    /// Why it is not trusted.
    pub why: String,
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "certificate sha256:{} refused: {}",
            self.fingerprint, self.why
        )
    }
}

impl std::error::Error for Rejection {}

impl Rejection {
    /// The rejection inside an error a TLS handshake returned, if a verifier refused.
    pub fn find(e: &std::io::Error) -> Option<Rejection> {
        match e.get_ref()?.downcast_ref::<rustls::Error>()? {
            rustls::Error::InvalidCertificate(rustls::CertificateError::Other(other)) => {
                other.0.downcast_ref::<Rejection>().cloned()
            }
            _ => None,
        }
    }
}

/// A rustls verifier that accepts a server certificate only if it is pinned, is one of the
/// `MPRCONFIG_CA` certificates itself, or chains to them (with the host name checked).
#[derive(Debug)]
pub struct TrustVerifier {
    trust: Trust,
    webpki: Option<Arc<rustls::client::WebPkiServerVerifier>>,
    provider: Arc<CryptoProvider>,
    /// Where a capturing verifier records the certificate; a trusting verifier is shared by
    /// every connection under its trust and reports refusals in the error ([`Rejection`]).
    seen: Option<Arc<Mutex<Seen>>>,
    capture_only: bool,
}

impl TrustVerifier {
    /// A verifier for `trust`; a refusal is explained by the [`Rejection`] in the handshake
    /// error.
    pub fn new(trust: Trust) -> Self {
        let provider = provider();
        let webpki = if trust.ca.is_empty() {
            None
        } else {
            let mut roots = rustls::RootCertStore::empty();
            // Certificates webpki cannot use as anchors still work through the exact-match rule.
            let _ = roots.add_parsable_certificates(trust.ca.iter().cloned());
            (!roots.is_empty())
                .then(|| {
                    rustls::client::WebPkiServerVerifier::builder_with_provider(
                        Arc::new(roots),
                        provider.clone(),
                    )
                    .build()
                    .ok()
                })
                .flatten()
        };
        TrustVerifier {
            trust,
            webpki,
            provider,
            seen: None,
            capture_only: false,
        }
    }

    /// A verifier that records the certificate and then rejects it (to learn a fingerprint
    /// without ever trusting the peer).
    pub fn capture(seen: Arc<Mutex<Seen>>) -> Self {
        TrustVerifier {
            capture_only: true,
            seen: Some(seen),
            ..TrustVerifier::new(Trust::default())
        }
    }

    fn record(&self, fp: String, rejected: Option<String>) {
        if let Some(Ok(mut s)) = self.seen.as_ref().map(|m| m.lock()) {
            s.fingerprint = Some(fp);
            s.rejected = rejected;
        }
    }
}

impl ServerCertVerifier for TrustVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let fp = fingerprint(end_entity);
        let reject = |why: String| {
            self.record(fp.clone(), Some(why.clone()));
            let rejection = Rejection {
                fingerprint: fp.clone(),
                why,
            };
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::Other(rustls::OtherError(Arc::new(rejection))),
            ))
        };
        if self.capture_only {
            return reject("captured only".into());
        }
        if self.trust.pins.contains(&fp)
            || self
                .trust
                .ca
                .iter()
                .any(|c| c.as_ref() == end_entity.as_ref())
        {
            self.record(fp, None);
            return Ok(ServerCertVerified::assertion());
        }
        match &self.webpki {
            Some(v) => match v.verify_server_cert(
                end_entity,
                intermediates,
                server_name,
                ocsp_response,
                now,
            ) {
                Ok(ok) => {
                    self.record(fp, None);
                    Ok(ok)
                }
                Err(e) => reject(format!("MPRCONFIG_CA does not verify it: {e}")),
            },
            None if self.trust.ca.is_empty() && self.trust.pins.is_empty() => {
                reject("no MPRCONFIG_CA is set and known_hosts has no pin for this server".into())
            }
            None => reject(
                "it matches neither MPRCONFIG_CA nor the fingerprint pinned in known_hosts".into(),
            ),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Most trusts whose client configurations (and TLS sessions) are kept; beyond it the oldest
/// is forgotten.
const MAX_CACHED_TRUSTS: usize = 32;

/// The client TLS configuration for a trust, shared by every connection made under it.
///
/// Sharing it is what lets a connect after the first resume its TLS 1.3 session (rustls
/// resumes only under the very verifier that checked the certificate in full), which saves the
/// server's signature and the client's verification. A session is therefore never resumed under
/// another trust: a changed pin or `MPRCONFIG_CA` gets a configuration of its own and a full
/// handshake. Why a certificate was refused travels in the handshake error ([`Rejection`]).
pub fn client_config_for(trust: &Trust) -> Result<Arc<rustls::ClientConfig>> {
    type Cache = Vec<([u8; 32], Arc<rustls::ClientConfig>)>;
    static CACHE: Mutex<Cache> = Mutex::new(Vec::new());
    let mut h = Sha256::new();
    for ca in &trust.ca {
        h.update((ca.len() as u64).to_le_bytes());
        h.update(ca.as_ref());
    }
    for pin in &trust.pins {
        h.update(b"|");
        h.update(pin.as_bytes());
    }
    let key: [u8; 32] = h.finalize().into();
    let mut cache = CACHE.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, cfg)) = cache.iter().find(|(k, _)| *k == key) {
        return Ok(cfg.clone());
    }
    let cfg = client_config(TrustVerifier::new(trust.clone()))?;
    if cache.len() >= MAX_CACHED_TRUSTS {
        cache.remove(0);
    }
    cache.push((key, cfg.clone()));
    Ok(cfg)
}

/// The client TLS configuration for a verifier: TLS 1.3 only, ALPN `h2`, no client certificate.
/// Connections resume TLS sessions only when they share the returned configuration (see
/// [`client_config_for`]); a capturing verifier never resumes, as it is there to see the
/// certificate.
pub fn client_config(verifier: TrustVerifier) -> Result<Arc<rustls::ClientConfig>> {
    let resumption = if verifier.capture_only {
        rustls::client::Resumption::disabled()
    } else {
        rustls::client::Resumption::default()
    };
    let mut cfg = rustls::ClientConfig::builder_with_provider(provider())
        .with_protocol_versions(&[&rustls::version::TLS13])
        .map_err(|e| io_err(WinError::ERROR_INTERNAL_ERROR, "TLS configuration", e))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    cfg.alpn_protocols = vec![ALPN_H2.to_vec()];
    cfg.resumption = resumption;
    Ok(Arc::new(cfg))
}

/// The TLS server name for a host: an IP address or a DNS name. Host names that are not valid
/// DNS names (`my_router`) fall back to an IP-less placeholder, which is fine for pinning.
pub fn server_name(host: &str) -> ServerName<'static> {
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        return ServerName::IpAddress(ip.into());
    }
    ServerName::try_from(host.to_string())
        .unwrap_or_else(|_| ServerName::IpAddress(std::net::Ipv4Addr::UNSPECIFIED.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_hosts_pins_are_per_host_port_and_added_once() {
        let dir = tempfile::tempdir().unwrap();
        let kh = dir.path().join("sub/known_hosts");
        let a = "01".repeat(32);
        let b = "02".repeat(32);
        add_pin(&kh, "h:1", &a).unwrap();
        add_pin(&kh, "h:1", &a).unwrap();
        add_pin(&kh, "h:2", &b).unwrap();
        assert_eq!(pinned_fingerprints(&kh, "h:1"), vec![a.clone()]);
        assert_eq!(pinned_fingerprints(&kh, "H:2"), vec![b]);
        assert!(pinned_fingerprints(&kh, "h:3").is_empty());
        assert_eq!(std::fs::read_to_string(&kh).unwrap().lines().count(), 2);
    }

    #[test]
    fn a_parsed_file_is_parsed_again_only_when_its_text_changes() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("known_hosts");
        let cache: ParsedFile<Pins> = ParsedFile::new();
        let parses = std::cell::Cell::new(0);
        let get = || {
            cache.get(&f, |t| {
                parses.set(parses.get() + 1);
                parse_known_hosts(t)
            })
        };
        assert!(get().is_empty());
        let a = "01".repeat(32);
        let b = "02".repeat(32);
        std::fs::write(&f, format!("H:1 {a}\n")).unwrap();
        assert_eq!(get()["h:1"], vec![a.clone()]);
        assert_eq!(get()["h:1"], vec![a]);
        assert_eq!(parses.get(), 2, "the same text is not parsed again");
        // The same size, written at once: time stamps could not tell, the text does.
        std::fs::write(&f, format!("H:1 {b}\n")).unwrap();
        assert_eq!(get()["h:1"], vec![b]);
        std::fs::remove_file(&f).unwrap();
        assert!(get().is_empty(), "a removed file pins nothing");
    }
}
