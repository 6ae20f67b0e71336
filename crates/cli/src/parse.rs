//! Turning command-line words into typed values, with Win32-style errors
//! (`ERROR_INVALID_PARAMETER` and a detail naming the bad word) instead of clap's, so every
//! failure prints in the one `mprcfg: <what>: <message> (error N: NAME)` shape.

use std::net::IpAddr;

use mprconfig::blocks::{FILTER_ACTION_DROP, FILTER_ACTION_FORWARD, FilterDirection, network};
use mprconfig::{Error, InterfaceType, Result, pid};

/// An address with a prefix length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    /// The network address (host bits are zero).
    pub addr: IpAddr,
    /// 0-32 for IPv4, 0-128 for IPv6.
    pub len: u8,
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.len)
    }
}

impl Cidr {
    /// True for an IPv6 prefix.
    pub fn is_v6(&self) -> bool {
        self.addr.is_ipv6()
    }
}

fn bad(detail: String) -> Error {
    Error::invalid_parameter(detail)
}

/// `ADDRESS/LENGTH` (host bits must be zero), or a bare address meaning a host (/32, /128).
pub fn cidr(s: &str) -> Result<Cidr> {
    let (a, l) = match s.split_once('/') {
        Some((a, l)) => (a, Some(l)),
        None => (s, None),
    };
    let addr: IpAddr = a.parse().map_err(|_| {
        bad(format!("bad CIDR {s:?}: {a:?} is not an IPv4 or IPv6 address (expected ADDRESS/LENGTH, e.g. 10.0.0.0/8)"))
    })?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    let len = match l {
        None => max,
        Some(l) => match l.parse::<u8>() {
            Ok(n) if n <= max && !l.starts_with('+') => n,
            _ => {
                return Err(bad(format!(
                    "bad CIDR {s:?}: prefix length {l:?} is not 0-{max}"
                )));
            }
        },
    };
    let net = network(addr, len);
    if net != addr {
        return Err(bad(format!(
            "bad CIDR {s:?}: the address has bits set beyond /{len} (the network is {net}/{len})"
        )));
    }
    Ok(Cidr { addr, len })
}

/// A filter address: `any`, or a [`cidr`].
pub fn filter_addr(s: &str) -> Result<Option<Cidr>> {
    if s.eq_ignore_ascii_case("any") {
        Ok(None)
    } else {
        cidr(s).map(Some)
    }
}

/// An IP address (a next hop).
pub fn ip(s: &str) -> Result<IpAddr> {
    s.parse()
        .map_err(|_| bad(format!("{s:?} is not an IPv4 or IPv6 address")))
}

/// A TCP/UDP port, 1-65535.
pub fn port(s: &str) -> Result<u16> {
    match s.parse::<u32>() {
        Ok(p) if (1..=65535).contains(&p) && !s.starts_with('+') => Ok(p as u16),
        _ => Err(bad(format!(
            "bad port {s:?}: a port is a number from 1 to 65535"
        ))),
    }
}

/// `FILTER_ICMP_TYPE_ANY` / `FILTER_ICMP_CODE_ANY` (Windows IP Helper headers): the value of an
/// ICMP filter's type or code field that matches every type or code.
pub const ICMP_ANY: u16 = 0xFF;

/// An ICMP type or code, 0-255, or `any` (255, `FILTER_ICMP_TYPE_ANY`/`CODE_ANY`).
pub fn icmp_value(s: &str, what: &str) -> Result<u16> {
    if s.eq_ignore_ascii_case("any") {
        return Ok(ICMP_ANY);
    }
    match s.parse::<u8>() {
        Ok(v) if !s.starts_with('+') => Ok(u16::from(v)),
        _ => Err(bad(format!(
            "bad ICMP {what} {s:?}: expected a number from 0 to 255, or any"
        ))),
    }
}

/// A number in decimal or `0x` hexadecimal.
pub fn number(s: &str) -> Option<u32> {
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(h) if !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()) => {
            u32::from_str_radix(h, 16).ok()
        }
        Some(_) => None,
        None if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => s.parse().ok(),
        None => None,
    }
}

/// A transport: `ip`, `ipv6`, `ipx`, or a protocol id (decimal or `0x…`).
pub fn transport(s: &str) -> Result<u32> {
    match s.to_ascii_lowercase().as_str() {
        "ip" | "ipv4" => Ok(pid::IP),
        "ipv6" => Ok(pid::IPV6),
        "ipx" => Ok(pid::IPX),
        _ => number(s).filter(|&n| n != 0).ok_or_else(|| {
            bad(format!(
                "bad transport {s:?}: use ip, ipv6, ipx or a protocol id such as 0x21"
            ))
        }),
    }
}

/// The name of a well-known transport id.
pub fn transport_name(id: u32) -> Option<&'static str> {
    match id {
        pid::IP => Some("ip"),
        pid::IPV6 => Some("ipv6"),
        pid::IPX => Some("ipx"),
        pid::ATALK => Some("appletalk"),
        pid::NBF => Some("nbf"),
        _ => None,
    }
}

/// The command-line names of the interface types, by `ROUTER_INTERFACE_TYPE` value.
pub const INTERFACE_TYPES: [&str; 8] = [
    "client",
    "home-router",
    "full-router",
    "dedicated",
    "internal",
    "loopback",
    "tunnel",
    "dialout",
];

/// An interface type: a name of [`INTERFACE_TYPES`] (or the Windows `ROUTER_IF_TYPE_*` name) or
/// its number.
pub fn interface_type(s: &str) -> Result<InterfaceType> {
    let lower = s.to_ascii_lowercase().replace('_', "-");
    let lower = lower.strip_prefix("router-if-type-").unwrap_or(&lower);
    if let Some(i) = INTERFACE_TYPES.iter().position(|t| *t == lower) {
        return Ok(InterfaceType(i as i32));
    }
    let alias = match lower {
        "full" | "demand-dial" => Some(2),
        "home" => Some(1),
        "lan" => Some(3),
        "tunnel1" => Some(6),
        _ => None,
    };
    if let Some(i) = alias {
        return Ok(InterfaceType(i));
    }
    match number(s) {
        Some(n) if n <= 7 => Ok(InterfaceType(n as i32)),
        _ => Err(bad(format!(
            "bad interface type {s:?}: use one of {}",
            INTERFACE_TYPES.join(", ")
        ))),
    }
}

/// The command-line name of an interface type.
pub fn interface_type_name(t: InterfaceType) -> String {
    usize::try_from(t.0)
        .ok()
        .and_then(|i| INTERFACE_TYPES.get(i))
        .map_or_else(|| t.0.to_string(), |s| s.to_string())
}

/// A filter direction: `in`, `out` or `demand-dial`.
pub fn direction(s: &str) -> Result<FilterDirection> {
    match s.to_ascii_lowercase().as_str() {
        "in" | "input" => Ok(FilterDirection::Input),
        "out" | "output" => Ok(FilterDirection::Output),
        "demand-dial" | "dial" | "demanddial" => Ok(FilterDirection::DemandDial),
        _ => Err(bad(format!(
            "bad filter direction {s:?}: use in, out or demand-dial"
        ))),
    }
}

/// The command-line name of a filter direction.
pub fn direction_name(d: FilterDirection) -> &'static str {
    match d {
        FilterDirection::Input => "in",
        FilterDirection::Output => "out",
        FilterDirection::DemandDial => "demand-dial",
    }
}

/// A filter action: `forward` or `drop`.
pub fn action(s: &str) -> Result<u32> {
    match s.to_ascii_lowercase().as_str() {
        "forward" | "permit" | "allow" => Ok(FILTER_ACTION_FORWARD),
        "drop" | "deny" => Ok(FILTER_ACTION_DROP),
        _ => Err(bad(format!("bad filter action {s:?}: use forward or drop"))),
    }
}

/// The command-line name of a filter action.
pub fn action_name(a: u32) -> String {
    match a {
        FILTER_ACTION_FORWARD => "forward".into(),
        FILTER_ACTION_DROP => "drop".into(),
        n => n.to_string(),
    }
}

/// An IP protocol: `any`, `tcp`, `udp`, `icmp`, `icmpv6` or a number 0-255.
pub fn protocol(s: &str) -> Result<u32> {
    match s.to_ascii_lowercase().as_str() {
        "any" => Ok(0),
        "icmp" => Ok(1),
        "tcp" => Ok(6),
        "udp" => Ok(17),
        "icmpv6" => Ok(58),
        _ => match s.parse::<u8>() {
            Ok(n) => Ok(u32::from(n)),
            Err(_) => Err(bad(format!(
                "bad protocol {s:?}: use any, tcp, udp, icmp, icmpv6 or a number 0-255"
            ))),
        },
    }
}

/// The command-line name of a protocol number.
pub fn protocol_name(p: u32) -> String {
    match p {
        0 => "any".into(),
        1 => "icmp".into(),
        6 => "tcp".into(),
        17 => "udp".into(),
        58 => "icmpv6".into(),
        n => n.to_string(),
    }
}

/// Information-header bytes given on the command line: `@FILE` (raw bytes of the file) or hex
/// digits (spaces, commas, colons and a leading `0x` are ignored).
pub fn blob(s: &str) -> Result<Vec<u8>> {
    if let Some(path) = s.strip_prefix('@') {
        return mprconfig::store::read_file(std::path::Path::new(path));
    }
    let digits: String = s
        .trim_start_matches("0x")
        .chars()
        .filter(|c| !matches!(c, ' ' | ',' | ':' | '\n' | '\t' | '\r'))
        .collect();
    if digits.is_empty()
        || !digits.len().is_multiple_of(2)
        || !digits.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return Err(bad(format!(
            "bad information header {:?}: give @FILE or an even number of hex digits",
            s.chars().take(40).collect::<String>()
        )));
    }
    Ok((0..digits.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&digits[i..i + 2], 16).unwrap_or(0))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use mprconfig::WinError;

    #[test]
    fn cidrs_parse_and_reject_host_bits_and_bad_lengths() {
        assert_eq!(cidr("10.0.0.0/8").unwrap().to_string(), "10.0.0.0/8");
        assert_eq!(cidr("192.168.1.7").unwrap().len, 32);
        assert_eq!(cidr("2001:db8::/32").unwrap().len, 32);
        assert_eq!(cidr("::1").unwrap().len, 128);
        for bad in [
            "10.0.0.0/33",
            "10.0.0/8",
            "10.1.2.3/8",
            "abc",
            "10.0.0.0/",
            "10.0.0.0/-1",
            "10.0.0.0/+8",
            "2001:db8::/129",
            "",
        ] {
            let e = cidr(bad).unwrap_err();
            assert_eq!(e.code, WinError::ERROR_INVALID_PARAMETER, "{bad}");
            assert!(e.detail.starts_with("bad CIDR"), "{bad}: {}", e.detail);
        }
    }

    #[test]
    fn ports_are_1_to_65535() {
        assert_eq!(port("80").unwrap(), 80);
        assert_eq!(port("65535").unwrap(), 65535);
        for bad in ["0", "65536", "-1", "http", "", "+80", "8o"] {
            assert!(
                port(bad).unwrap_err().detail.starts_with("bad port"),
                "{bad}"
            );
        }
    }

    #[test]
    fn transports_by_name_or_number() {
        assert_eq!(transport("IP").unwrap(), 0x21);
        assert_eq!(transport("ipv6").unwrap(), 0x57);
        assert_eq!(transport("0x2b").unwrap(), 0x2B);
        assert_eq!(transport("33").unwrap(), 0x21);
        assert!(transport("0").is_err());
        assert!(transport("appletalkish").is_err());
        assert!(transport("0x").is_err());
    }

    #[test]
    fn interface_types_by_name_alias_or_number() {
        assert_eq!(
            interface_type("full-router").unwrap(),
            InterfaceType::FULL_ROUTER
        );
        assert_eq!(
            interface_type("ROUTER_IF_TYPE_DEDICATED").unwrap(),
            InterfaceType::DEDICATED
        );
        assert_eq!(interface_type("home").unwrap(), InterfaceType::HOME_ROUTER);
        assert_eq!(interface_type("5").unwrap(), InterfaceType::LOOPBACK);
        assert!(interface_type("8").is_err());
        assert!(interface_type("wifi").is_err());
        assert_eq!(interface_type_name(InterfaceType(9)), "9");
        assert_eq!(interface_type_name(InterfaceType::DIALOUT), "dialout");
    }

    #[test]
    fn blobs_from_hex_with_separators() {
        assert_eq!(blob("01 00,ff:0A").unwrap(), vec![1, 0, 0xff, 0x0a]);
        assert_eq!(blob("0x0102").unwrap(), vec![1, 2]);
        assert!(blob("123").is_err());
        assert!(blob("zz").is_err());
        assert!(blob("").is_err());
        let missing = blob("@/nonexistent/file").unwrap_err().code;
        assert!(
            missing == WinError::ERROR_FILE_NOT_FOUND || missing == WinError::ERROR_PATH_NOT_FOUND
        );
    }

    #[test]
    fn protocols_actions_and_directions() {
        assert_eq!(protocol("TCP").unwrap(), 6);
        assert_eq!(protocol("47").unwrap(), 47);
        assert!(protocol("256").is_err());
        assert_eq!(action("drop").unwrap(), FILTER_ACTION_DROP);
        assert!(action("maybe").is_err());
        assert_eq!(
            direction("demand-dial").unwrap(),
            FilterDirection::DemandDial
        );
        assert!(direction("sideways").is_err());
        assert_eq!(icmp_value("8", "type").unwrap(), 8);
        assert!(icmp_value("256", "type").is_err());
        assert_eq!(icmp_value("any", "type").unwrap(), ICMP_ANY);
        assert_eq!(icmp_value("ANY", "code").unwrap(), 0xFF);
    }
}
