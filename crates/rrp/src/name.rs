//! Server names that mean MS-RRP, and where their credentials come from (DESIGN §9,
//! `docs/rrp.md`):
//!
//! * `smb://[DOMAIN;]user@host[:port]` always means MS-RRP (port 445 by default; `%XX` escapes
//!   a character of the user or domain, e.g. `%40` for `@`);
//! * a plain `host` or `\\host` means MS-RRP when `<config dir>/hosts.toml` marks it as a
//!   Windows server, so programs written for Windows (`MprConfigServerConnect(L"\\\\router1")`)
//!   work unchanged:
//!
//!   ```toml
//!   [router1]
//!   windows = true
//!   user = "Administrator"
//!   domain = "CORP"        # optional
//!   port = 445             # optional
//!   ```
//!
//! * the password comes from `MPRCONFIG_SMB_PASSWORD`, else from `<config dir>/credentials.toml`
//!   under the server's `smb://` name (`["smb://CORP;admin@router1"]` with `password = "..."`,
//!   or `"smb://admin@router1" = "..."`); never from the command line.
//!
//! `<config dir>` is `$XDG_CONFIG_HOME/mprconfig`, else `~/.config/mprconfig` (as for `mprd`
//! names).

use std::path::PathBuf;

use mprconfig_core::{Error, Result, WinError};

use crate::registry::{RrpOptions, RrpRegistry};

/// The SMB port.
pub const DEFAULT_PORT: u16 = 445;

/// A server reached over MS-RRP, and the account used there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmbName {
    /// Account domain (empty: an account of the server itself).
    pub domain: String,
    /// Account name.
    pub user: String,
    /// Host name or address (an IPv6 literal without its brackets).
    pub host: String,
    /// SMB port.
    pub port: u16,
}

impl std::fmt::Display for SmbName {
    /// The canonical `smb://` form (the key of `credentials.toml`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "smb://")?;
        if !self.domain.is_empty() {
            write!(f, "{};", escape(&self.domain))?;
        }
        write!(f, "{}@", escape(&self.user))?;
        if self.host.contains(':') {
            write!(f, "[{}]", self.host)?;
        } else {
            write!(f, "{}", self.host)?;
        }
        if self.port != DEFAULT_PORT {
            write!(f, ":{}", self.port)?;
        }
        Ok(())
    }
}

fn escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if matches!(c, '@' | ';' | '%' | '/' | ':') {
            for b in c.to_string().bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn bad_name(name: &str, why: &str) -> Error {
    Error::new(
        WinError::ERROR_INVALID_PARAMETER,
        format!(
            "{name:?} is not a valid MS-RRP server name ({why}; the form is smb://[DOMAIN;]user@host[:port])"
        ),
    )
}

fn unescape(name: &str, s: &str) -> Result<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| bad_name(name, "a % is not followed by two hex digits"))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| bad_name(name, "an escape is not UTF-8"))
}

fn parse_host_port(name: &str, s: &str) -> Result<(String, u16)> {
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let end = rest
            .find(']')
            .ok_or_else(|| bad_name(name, "an IPv6 literal without ]"))?;
        let host = &rest[..end];
        let after = &rest[end + 1..];
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p),
            None if after.is_empty() => None,
            None => return Err(bad_name(name, "text after the IPv6 literal")),
        };
        (host.to_string(), port)
    } else {
        match s.rsplit_once(':') {
            Some((h, p)) if !h.contains(':') => (h.to_string(), Some(p)),
            Some(_) => return Err(bad_name(name, "an IPv6 address must be in brackets")),
            None => (s.to_string(), None),
        }
    };
    if host.is_empty() || host.contains(['/', '\\', '@', ' ']) {
        return Err(bad_name(name, "no usable host"));
    }
    let port = match port {
        None => DEFAULT_PORT,
        Some(p) => p
            .parse::<u16>()
            .ok()
            .filter(|&p| p != 0)
            .ok_or_else(|| bad_name(name, "the port is not a number from 1 to 65535"))?,
    };
    Ok((host, port))
}

/// Parses `smb://[DOMAIN;]user@host[:port]`; `Ok(None)` for a name that does not start with
/// `smb://` (case-insensitive).
pub fn parse_smb_url(name: &str) -> Result<Option<SmbName>> {
    let Some(rest) = name
        .get(..6)
        .filter(|p| p.eq_ignore_ascii_case("smb://"))
        .map(|_| &name[6..])
    else {
        return Ok(None);
    };
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let (account, hostport) = rest
        .rsplit_once('@')
        .ok_or_else(|| bad_name(name, "no user@ before the host"))?;
    let (domain, user) = match account.split_once(';') {
        Some((d, u)) => (unescape(name, d)?, unescape(name, u)?),
        None => (String::new(), unescape(name, account)?),
    };
    if user.is_empty() {
        return Err(bad_name(name, "the user is empty"));
    }
    let (host, port) = parse_host_port(name, hostport)?;
    Ok(Some(SmbName {
        domain,
        user,
        host,
        port,
    }))
}

/// `<config dir>`: `$XDG_CONFIG_HOME/mprconfig`, else `~/.config/mprconfig`.
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

fn read_table(file: &str) -> Result<Option<toml::Table>> {
    let Some(path) = config_dir().map(|d| d.join(file)) else {
        return Ok(None);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(Error::new(
                WinError::ERROR_ACCESS_DENIED,
                format!("cannot read {}: {e}", path.display()),
            ));
        }
    };
    toml::from_str(&text).map(Some).map_err(|e| {
        Error::new(
            WinError::ERROR_INVALID_PARAMETER,
            format!("{} is not valid TOML: {e}", path.display()),
        )
    })
}

/// The MS-RRP server a plain name (`host`, `\\host`) stands for, when `hosts.toml` marks it
/// as Windows; `Ok(None)` otherwise (the name then means `mprd`).
pub fn windows_host(name: &str) -> Result<Option<SmbName>> {
    let bare = name.trim_start_matches('\\');
    if bare.is_empty() {
        return Ok(None);
    }
    let Some(table) = read_table("hosts.toml")? else {
        return Ok(None);
    };
    let Some((key, entry)) = table
        .iter()
        .find(|(k, _)| k.trim_start_matches('\\').eq_ignore_ascii_case(bare))
    else {
        return Ok(None);
    };
    let bad = |why: &str| {
        Error::new(
            WinError::ERROR_INVALID_PARAMETER,
            format!("hosts.toml entry [{key}]: {why}"),
        )
    };
    let entry = entry.as_table().ok_or_else(|| bad("not a table"))?;
    let windows = match entry.get("windows") {
        None => false,
        Some(v) => v
            .as_bool()
            .ok_or_else(|| bad("windows must be true or false"))?,
    };
    if !windows {
        return Ok(None);
    }
    let text = |field: &str| -> Result<Option<String>> {
        match entry.get(field) {
            None => Ok(None),
            Some(v) => v
                .as_str()
                .map(|s| Some(s.to_string()))
                .ok_or_else(|| bad(&format!("{field} must be a string"))),
        }
    };
    let user = text("user")?.ok_or_else(|| bad("a Windows host needs user = \"...\""))?;
    let domain = text("domain")?.unwrap_or_default();
    let host = text("host")?.unwrap_or_else(|| key.trim_start_matches('\\').to_string());
    let port = match entry.get("port") {
        None => DEFAULT_PORT,
        Some(v) => v
            .as_integer()
            .and_then(|p| u16::try_from(p).ok())
            .filter(|&p| p != 0)
            .ok_or_else(|| bad("port must be a number from 1 to 65535"))?,
    };
    Ok(Some(SmbName {
        domain,
        user,
        host,
        port,
    }))
}

/// The MS-RRP server `name` means: an `smb://` name, or a plain name `hosts.toml` marks as
/// Windows. `Ok(None)` for any other name.
pub fn resolve(name: &str) -> Result<Option<SmbName>> {
    match parse_smb_url(name)? {
        Some(n) => Ok(Some(n)),
        None => windows_host(name),
    }
}

/// The password for `name`: `MPRCONFIG_SMB_PASSWORD`, else its `credentials.toml` entry.
pub fn password_for(name: &SmbName) -> Result<String> {
    if let Some(p) = std::env::var("MPRCONFIG_SMB_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty())
    {
        return Ok(p);
    }
    let canonical = name.to_string();
    if let Some(table) = read_table("credentials.toml")? {
        for (k, v) in &table {
            // Any spelling of the same account and server (case, default port, escapes).
            let matches = parse_smb_url(k)
                .ok()
                .flatten()
                .is_some_and(|n| same_account(&n, name));
            if !matches {
                continue;
            }
            let password = match v {
                toml::Value::String(s) => Some(s.clone()),
                toml::Value::Table(t) => t
                    .get("password")
                    .and_then(|p| p.as_str())
                    .map(str::to_string),
                _ => None,
            };
            if let Some(p) = password {
                return Ok(p);
            }
        }
    }
    let kerberos = std::env::var_os("KRB5CCNAME").is_some();
    Err(Error::new(
        WinError::ERROR_LOGON_FAILURE,
        format!(
            "no password for {canonical}: set MPRCONFIG_SMB_PASSWORD, or add it to {} as \
             [\"{canonical}\"] password = \"...\"{}",
            config_dir()
                .map(|d| d.join("credentials.toml").display().to_string())
                .unwrap_or_else(|| "~/.config/mprconfig/credentials.toml".into()),
            if kerberos {
                " (a Kerberos ticket cache is present, but this backend signs in with NTLMv2 only, see docs/rrp.md)"
            } else {
                ""
            }
        ),
    ))
}

fn same_account(a: &SmbName, b: &SmbName) -> bool {
    a.user.eq_ignore_ascii_case(&b.user)
        && a.domain.eq_ignore_ascii_case(&b.domain)
        && a.host.eq_ignore_ascii_case(&b.host)
        && a.port == b.port
}

/// Opens the registry of an MS-RRP server by name, with its password from the environment
/// or the credentials file.
pub fn connect(name: &SmbName) -> Result<RrpRegistry> {
    let password = password_for(name)?;
    RrpRegistry::connect(RrpOptions::new(
        &name.host,
        name.port,
        &name.domain,
        &name.user,
        &password,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(domain: &str, user: &str, host: &str, port: u16) -> SmbName {
        SmbName {
            domain: domain.into(),
            user: user.into(),
            host: host.into(),
            port,
        }
    }

    #[test]
    fn smb_urls_parse_with_domain_port_ipv6_and_escapes() {
        assert_eq!(
            parse_smb_url("smb://admin@router1").unwrap(),
            Some(n("", "admin", "router1", 445))
        );
        assert_eq!(
            parse_smb_url("SMB://CORP;admin@10.0.0.1:1445/").unwrap(),
            Some(n("CORP", "admin", "10.0.0.1", 1445))
        );
        assert_eq!(
            parse_smb_url("smb://a%40b@[::1]:99").unwrap(),
            Some(n("", "a@b", "::1", 99))
        );
        assert_eq!(parse_smb_url("router1").unwrap(), None);
        assert_eq!(parse_smb_url(r"\\router1").unwrap(), None);
        for bad in [
            "smb://router1",
            "smb://@h",
            "smb://u@",
            "smb://u@h:0",
            "smb://u@h:x",
            "smb://u@::1",
            "smb://u@[::1",
            "smb://u%4@h",
        ] {
            let e = parse_smb_url(bad).unwrap_err();
            assert_eq!(e.code, WinError::ERROR_INVALID_PARAMETER, "{bad}");
        }
    }

    #[test]
    fn canonical_names_round_trip() {
        for name in [
            n("CORP", "a@b", "::1", 445),
            n("", "admin", "router1", 1445),
        ] {
            assert_eq!(
                parse_smb_url(&name.to_string()).unwrap(),
                Some(name.clone())
            );
        }
        assert_eq!(n("", "admin", "r", 445).to_string(), "smb://admin@r");
    }
}
