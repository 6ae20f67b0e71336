//! The server-name grammar of DESIGN §5: `host`, `\\host`, `host:port`, `\\host:port`, IPv4
//! literals, `[v6]`, `[v6]:port` (and a bare IPv6 literal). Leading backslashes are dropped; the
//! default port is [`DEFAULT_PORT`].

use mprconfig_core::{Error, Result, WinError};
use std::net::{IpAddr, Ipv6Addr};

/// The port `mprd` listens on when a server name gives none.
pub const DEFAULT_PORT: u16 = 4747;

fn bad(name: &str, why: &str) -> Error {
    Error::new(
        WinError::ERROR_BAD_NETPATH,
        format!("server name {name:?}: {why}"),
    )
}

fn parse_port(name: &str, s: &str) -> Result<u16> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad(name, "the port must be a decimal number"));
    }
    match s.parse::<u16>() {
        Ok(0) | Err(_) => Err(bad(name, "the port must be 1-65535")),
        Ok(p) => Ok(p),
    }
}

fn valid_host(host: &str) -> bool {
    // RFC 1123 labels, plus '_' which real networks use; IPv4 literals pass this test too.
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// Splits a server name into host and port.
///
/// The host comes back without brackets (`"::1"` for `"[::1]:4747"`). A name with nothing
/// usable in it gives `ERROR_BAD_NETPATH` (53), as an unresolvable name does.
pub fn parse_server_name(name: &str) -> Result<(String, u16)> {
    let rest = name.trim_start_matches('\\').trim();
    if rest.is_empty() {
        return Err(bad(name, "no host name"));
    }
    if let Some(inner) = rest.strip_prefix('[') {
        let (addr, after) = inner
            .split_once(']')
            .ok_or_else(|| bad(name, "missing ']'"))?;
        let ip: Ipv6Addr = addr
            .parse()
            .map_err(|_| bad(name, "not an IPv6 address inside [ ]"))?;
        let port = match after {
            "" => DEFAULT_PORT,
            p => parse_port(
                name,
                p.strip_prefix(':')
                    .ok_or_else(|| bad(name, "expected ':' after ']'"))?,
            )?,
        };
        return Ok((ip.to_string(), port));
    }
    if rest.matches(':').count() > 1 {
        // A bare IPv6 literal: it cannot carry a port without brackets.
        let ip: Ipv6Addr = rest
            .parse()
            .map_err(|_| bad(name, "write IPv6 addresses as [addr]:port"))?;
        return Ok((ip.to_string(), DEFAULT_PORT));
    }
    let (host, port) = match rest.split_once(':') {
        Some((h, p)) => (h, parse_port(name, p)?),
        None => (rest, DEFAULT_PORT),
    };
    if !valid_host(host) {
        return Err(bad(name, "not a valid host name or IPv4 address"));
    }
    Ok((host.to_ascii_lowercase(), port))
}

/// The canonical `host:port` key of a server (`[v6]:port` for IPv6), as used in
/// `known_hosts` and `credentials.toml`.
pub fn host_port_key(host: &str, port: u16) -> String {
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) => format!("[{v6}]:{port}"),
        _ => format!("{}:{port}", host.to_ascii_lowercase()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(name: &str) -> (String, u16) {
        parse_server_name(name).unwrap()
    }

    fn err(name: &str) -> WinError {
        parse_server_name(name).unwrap_err().code
    }

    #[test]
    fn plain_host_gets_the_default_port() {
        assert_eq!(ok("router1"), ("router1".into(), 4747));
    }

    #[test]
    fn leading_backslashes_are_dropped() {
        assert_eq!(ok(r"\\router1"), ("router1".into(), 4747));
        assert_eq!(ok(r"\\router1:5000"), ("router1".into(), 5000));
    }

    #[test]
    fn host_port_and_ipv4_literals() {
        assert_eq!(ok("r.example.org:1"), ("r.example.org".into(), 1));
        assert_eq!(ok("127.0.0.1"), ("127.0.0.1".into(), 4747));
        assert_eq!(ok("127.0.0.1:65535"), ("127.0.0.1".into(), 65535));
    }

    #[test]
    fn bracketed_ipv6_with_and_without_port() {
        assert_eq!(ok("[::1]:4800"), ("::1".into(), 4800));
        assert_eq!(ok("[fe80::1]"), ("fe80::1".into(), 4747));
        assert_eq!(ok(r"\\[::1]:9"), ("::1".into(), 9));
    }

    #[test]
    fn bare_ipv6_literal_uses_the_default_port() {
        assert_eq!(ok("::1"), ("::1".into(), 4747));
    }

    #[test]
    fn host_names_are_lowercased() {
        assert_eq!(ok("Router1"), ("router1".into(), 4747));
    }

    #[test]
    fn bad_names_are_bad_netpath() {
        for name in [
            r"\\",
            "",
            ":4747",
            "host:",
            "host:0",
            "host:65536",
            "host:x1",
            "[::1",
            "[::1]x",
            "[nothost]:1",
            "a b",
            "host:1:2:3",
            "-bad.example",
            "a..b",
            "host/x",
        ] {
            assert_eq!(err(name), WinError::ERROR_BAD_NETPATH, "{name:?}");
        }
    }

    #[test]
    fn keys_bracket_ipv6_and_lowercase_names() {
        assert_eq!(host_port_key("::1", 4747), "[::1]:4747");
        assert_eq!(host_port_key("Router", 1), "router:1");
        assert_eq!(host_port_key("10.0.0.1", 2), "10.0.0.1:2");
    }
}
