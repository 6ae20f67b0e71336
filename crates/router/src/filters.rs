//! Packet filters as nftables rules: the rule model, the one table the router manager owns,
//! and the translation both ways (rules to nftables JSON; `nft -j -n list table` output back
//! to rules, so drift is found by comparing like with like).
//!
//! Layout (docs/router.md, "Filters"): table `inet mprconfig` with two base chains,
//! `filter_in` (hook prerouting, priority raw -300: before conntrack, so dropped packets leave
//! no state) matching `iifname`, and `filter_out` (hook postrouting, priority filter 0)
//! matching `oifname`. Windows filters are stateless five-tuple matches whose action is the
//! opposite of the set's default action; a set whose default is drop ends with a drop rule for
//! its link and family. Every rule carries a counter.

use std::borrow::Cow;
use std::fmt;
use std::net::IpAddr;

use nftables::expr::{Expression, Meta, MetaKey, NamedExpression, Payload, PayloadField};
use nftables::schema::{Chain, NfCmd, NfListObject, NfObject, Nftables, Rule, Table};
use nftables::stmt::{Counter, Match, Operator, Statement};
use nftables::types::{NfChainPolicy, NfChainType, NfFamily, NfHook};
use serde::{Deserialize, Serialize};

/// The nftables table the router manager owns (family `inet`). No other table is ever read
/// for changes or written.
pub const TABLE: &str = "mprconfig";
/// The input chain (hook prerouting).
pub const CHAIN_IN: &str = "filter_in";
/// The output chain (hook postrouting).
pub const CHAIN_OUT: &str = "filter_out";
/// Priority of the input chain (`raw`).
pub const PRIO_IN: i32 = -300;
/// Priority of the output chain (`filter`).
pub const PRIO_OUT: i32 = 0;
/// `FILTER_ICMP_TYPE_ANY` / `FILTER_ICMP_CODE_ANY`: an ICMP type or code that matches all.
pub const ICMP_ANY: u16 = 0xFF;

const NFPROTO_IPV4: u32 = 2;
const NFPROTO_IPV6: u32 = 10;

/// Which traffic a rule sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Direction {
    /// Received on the link (`IP_IN_FILTER_INFO`).
    In,
    /// Sent on the link (`IP_OUT_FILTER_INFO`).
    Out,
}

/// What a matching packet gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Action {
    /// Passed on (Windows: forwarded).
    Accept,
    /// Dropped.
    Drop,
}

/// An address prefix of a filter (absent = any).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Prefix {
    /// Network address (host bits clear).
    pub addr: IpAddr,
    /// Prefix length (1-32 or 1-128).
    pub len: u8,
}

/// One filter rule: a Windows `FILTER_INFO(_V6)` on one link, or a set's closing default drop.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FilterRule {
    /// The Linux link it is bound to (by name, so it holds before the link exists).
    pub link: String,
    /// Input or output.
    pub direction: Direction,
    /// IPv6 (else IPv4).
    pub v6: bool,
    /// Source prefix; `None` = any.
    pub src: Option<Prefix>,
    /// Destination prefix; `None` = any.
    pub dst: Option<Prefix>,
    /// IP protocol; `None` = any.
    pub protocol: Option<u8>,
    /// TCP/UDP source port; `None` = any.
    pub src_port: Option<u16>,
    /// TCP/UDP destination port; `None` = any.
    pub dst_port: Option<u16>,
    /// ICMP (IPv4) or ICMPv6 type; `None` = any.
    pub icmp_type: Option<u8>,
    /// ICMP or ICMPv6 code; `None` = any.
    pub icmp_code: Option<u8>,
    /// What a matching packet gets.
    pub action: Action,
}

impl fmt::Display for FilterRule {
    /// The rule in nft's own syntax (what `nft list table inet mprconfig` shows, less the
    /// counter).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dev = match self.direction {
            Direction::In => "iifname",
            Direction::Out => "oifname",
        };
        write!(f, "{dev} \"{}\"", self.link)?;
        let ip = if self.v6 { "ip6" } else { "ip" };
        write!(f, " meta nfproto {}", if self.v6 { "ipv6" } else { "ipv4" })?;
        if let Some(p) = self.src {
            write!(f, " {ip} saddr {}/{}", p.addr, p.len)?;
        }
        if let Some(p) = self.dst {
            write!(f, " {ip} daddr {}/{}", p.addr, p.len)?;
        }
        if let Some(p) = self.protocol {
            write!(f, " meta l4proto {p}")?;
        }
        let l4 = match self.protocol {
            Some(6) => "tcp",
            Some(17) => "udp",
            Some(58) => "icmpv6",
            _ => "icmp",
        };
        if let Some(p) = self.src_port {
            write!(f, " {l4} sport {p}")?;
        }
        if let Some(p) = self.dst_port {
            write!(f, " {l4} dport {p}")?;
        }
        if let Some(t) = self.icmp_type {
            write!(f, " {l4} type {t}")?;
        }
        if let Some(c) = self.icmp_code {
            write!(f, " {l4} code {c}")?;
        }
        f.write_str(match self.action {
            Action::Accept => " accept",
            Action::Drop => " drop",
        })
    }
}

fn eq<'a>(left: Expression<'a>, right: Expression<'a>) -> Statement<'a> {
    Statement::Match(Match {
        left,
        right,
        op: Operator::EQ,
    })
}

fn meta(key: MetaKey) -> Expression<'static> {
    Expression::Named(NamedExpression::Meta(Meta { key }))
}

fn payload(protocol: &'static str, field: &'static str) -> Expression<'static> {
    Expression::Named(NamedExpression::Payload(Payload::PayloadField(
        PayloadField {
            protocol: Cow::Borrowed(protocol),
            field: Cow::Borrowed(field),
        },
    )))
}

fn prefix_expr(p: Prefix) -> Expression<'static> {
    Expression::Named(NamedExpression::Prefix(nftables::expr::Prefix {
        addr: Box::new(Expression::String(Cow::Owned(p.addr.to_string()))),
        len: u32::from(p.len),
    }))
}

impl FilterRule {
    /// The chain this rule goes to.
    pub fn chain(&self) -> &'static str {
        match self.direction {
            Direction::In => CHAIN_IN,
            Direction::Out => CHAIN_OUT,
        }
    }

    /// The rule's statements.
    fn statements(&self) -> Vec<Statement<'static>> {
        let mut s = Vec::with_capacity(10);
        let dev = match self.direction {
            Direction::In => MetaKey::Iifname,
            Direction::Out => MetaKey::Oifname,
        };
        s.push(eq(
            meta(dev),
            Expression::String(Cow::Owned(self.link.clone())),
        ));
        s.push(eq(
            meta(MetaKey::Nfproto),
            Expression::Number(if self.v6 { NFPROTO_IPV6 } else { NFPROTO_IPV4 }),
        ));
        let ip = if self.v6 { "ip6" } else { "ip" };
        if let Some(p) = self.src {
            s.push(eq(payload(ip, "saddr"), prefix_expr(p)));
        }
        if let Some(p) = self.dst {
            s.push(eq(payload(ip, "daddr"), prefix_expr(p)));
        }
        if let Some(p) = self.protocol {
            s.push(eq(meta(MetaKey::L4proto), Expression::Number(u32::from(p))));
        }
        let l4 = match self.protocol {
            Some(6) => "tcp",
            Some(17) => "udp",
            Some(58) => "icmpv6",
            _ => "icmp",
        };
        if let Some(p) = self.src_port {
            s.push(eq(payload(l4, "sport"), Expression::Number(u32::from(p))));
        }
        if let Some(p) = self.dst_port {
            s.push(eq(payload(l4, "dport"), Expression::Number(u32::from(p))));
        }
        if let Some(t) = self.icmp_type {
            s.push(eq(payload(l4, "type"), Expression::Number(u32::from(t))));
        }
        if let Some(c) = self.icmp_code {
            s.push(eq(payload(l4, "code"), Expression::Number(u32::from(c))));
        }
        s.push(Statement::Counter(Counter::Anonymous(None)));
        s.push(match self.action {
            Action::Accept => Statement::Accept(None),
            Action::Drop => Statement::Drop(None),
        });
        s
    }
}

fn table() -> Table<'static> {
    Table {
        family: NfFamily::INet,
        name: Cow::Borrowed(TABLE),
        handle: None,
    }
}

fn base_chain(name: &'static str, hook: NfHook, prio: i32) -> Chain<'static> {
    Chain {
        family: NfFamily::INet,
        table: Cow::Borrowed(TABLE),
        name: Cow::Borrowed(name),
        newname: None,
        handle: None,
        _type: Some(NfChainType::Filter),
        hook: Some(hook),
        prio: Some(prio),
        dev: None,
        policy: Some(NfChainPolicy::Accept),
    }
}

/// The one nft transaction that makes the table hold exactly `rules` (or removes the table
/// when there are none): `add table` (so the delete cannot fail), `delete table`, then the
/// table, its two chains and the rules. nft runs it as one netlink batch: all or nothing.
pub fn replace_batch(rules: &[FilterRule]) -> Nftables<'static> {
    let mut objects = vec![
        NfObject::CmdObject(NfCmd::Add(NfListObject::Table(table()))),
        NfObject::CmdObject(NfCmd::Delete(NfListObject::Table(table()))),
    ];
    if !rules.is_empty() {
        objects.push(NfObject::CmdObject(NfCmd::Add(
            NfListObject::Table(table()),
        )));
        objects.push(NfObject::CmdObject(NfCmd::Add(NfListObject::Chain(
            base_chain(CHAIN_IN, NfHook::Prerouting, PRIO_IN),
        ))));
        objects.push(NfObject::CmdObject(NfCmd::Add(NfListObject::Chain(
            base_chain(CHAIN_OUT, NfHook::Postrouting, PRIO_OUT),
        ))));
        for r in rules {
            objects.push(NfObject::CmdObject(NfCmd::Add(NfListObject::Rule(Rule {
                family: NfFamily::INet,
                table: Cow::Borrowed(TABLE),
                chain: Cow::Borrowed(r.chain()),
                expr: Cow::Owned(r.statements()),
                handle: None,
                index: None,
                comment: None,
            }))));
        }
    }
    Nftables {
        objects: Cow::Owned(objects),
    }
}

/// A rule read back from the kernel, with its counter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObservedRule {
    /// The rule.
    pub rule: FilterRule,
    /// Packets its counter has seen (0 without a counter).
    pub packets: u64,
}

/// Our table as the kernel holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TableState {
    /// No table `inet mprconfig`.
    Absent,
    /// The table with our two chains, holding these rules (input chain first).
    Rules(Vec<ObservedRule>),
    /// The table exists but holds something we did not write (another chain, a rule we cannot
    /// read back, a changed chain definition): it is replaced whole.
    Foreign(String),
}

fn number(e: &Expression<'_>) -> Option<u32> {
    match e {
        Expression::Number(n) => Some(*n),
        Expression::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn address(e: &Expression<'_>, v6: bool) -> Option<Prefix> {
    let (addr, len) = match e {
        Expression::String(s) => (s.parse::<IpAddr>().ok()?, if v6 { 128 } else { 32 }),
        Expression::Named(NamedExpression::Prefix(p)) => match &*p.addr {
            Expression::String(s) => (s.parse::<IpAddr>().ok()?, u8::try_from(p.len).ok()?),
            _ => return None,
        },
        _ => return None,
    };
    (addr.is_ipv6() == v6).then_some(Prefix { addr, len })
}

fn l4_number(name: &str) -> Option<u8> {
    Some(match name {
        "tcp" => 6,
        "udp" => 17,
        "icmp" => 1,
        "ipv6-icmp" | "icmpv6" => 58,
        _ => return None,
    })
}

/// Reads one listed rule back into a [`FilterRule`]; `Err` names what does not fit.
fn parse_rule(chain: &str, statements: &[Statement<'_>]) -> Result<ObservedRule, String> {
    let direction = match chain {
        CHAIN_IN => Direction::In,
        CHAIN_OUT => Direction::Out,
        other => return Err(format!("a rule in chain {other:?}")),
    };
    let mut link = None;
    let mut family: Option<bool> = None;
    let mut protocol: Option<u8> = None;
    let (mut src, mut dst, mut sp, mut dp, mut it, mut ic) = (None, None, None, None, None, None);
    let mut action = None;
    let mut packets = 0u64;
    let set_family = |v6: bool, family: &mut Option<bool>| -> Result<(), String> {
        match family {
            Some(f) if *f != v6 => Err("a rule mixing IPv4 and IPv6 matches".into()),
            _ => {
                *family = Some(v6);
                Ok(())
            }
        }
    };
    for s in statements {
        if action.is_some() {
            return Err("statements after the verdict".into());
        }
        match s {
            Statement::Counter(Counter::Anonymous(c)) => {
                packets = c.as_ref().and_then(|c| c.packets).unwrap_or(0) as u64;
            }
            Statement::Accept(_) => action = Some(Action::Accept),
            Statement::Drop(_) => action = Some(Action::Drop),
            Statement::Match(Match {
                left,
                right,
                op: Operator::EQ,
            }) => match left {
                Expression::Named(NamedExpression::Meta(Meta { key })) => match key {
                    MetaKey::Iifname if direction == Direction::In => {
                        link = Some(match right {
                            Expression::String(s) => s.to_string(),
                            _ => return Err("iifname is not a name".into()),
                        })
                    }
                    MetaKey::Oifname if direction == Direction::Out => {
                        link = Some(match right {
                            Expression::String(s) => s.to_string(),
                            _ => return Err("oifname is not a name".into()),
                        })
                    }
                    MetaKey::Nfproto => {
                        let v6 = match right {
                            Expression::Number(NFPROTO_IPV4) => false,
                            Expression::Number(NFPROTO_IPV6) => true,
                            Expression::String(s) if s == "ipv4" => false,
                            Expression::String(s) if s == "ipv6" => true,
                            _ => return Err("an nfproto other than ipv4/ipv6".into()),
                        };
                        set_family(v6, &mut family)?;
                    }
                    MetaKey::L4proto => {
                        let p = match right {
                            Expression::Number(n) => u8::try_from(*n).ok(),
                            Expression::String(s) => l4_number(s),
                            _ => None,
                        }
                        .ok_or("an l4proto that is not a protocol number")?;
                        if protocol.is_some_and(|q| q != p) {
                            return Err("two protocols".into());
                        }
                        protocol = Some(p);
                    }
                    other => return Err(format!("a meta {other:?} match")),
                },
                Expression::Named(NamedExpression::Payload(Payload::PayloadField(pf))) => {
                    let (proto, field) = (pf.protocol.as_ref(), pf.field.as_ref());
                    match (proto, field) {
                        ("ip" | "ip6", "saddr" | "daddr") => {
                            let v6 = proto == "ip6";
                            set_family(v6, &mut family)?;
                            let p = address(right, v6).ok_or("an address that is not a prefix")?;
                            if field == "saddr" {
                                src = Some(p);
                            } else {
                                dst = Some(p);
                            }
                        }
                        ("tcp" | "udp", "sport" | "dport") => {
                            let p = l4_number(proto).unwrap_or(0);
                            if protocol.is_some_and(|q| q != p) {
                                return Err("two protocols".into());
                            }
                            protocol = Some(p);
                            let port = number(right)
                                .and_then(|n| u16::try_from(n).ok())
                                .ok_or("a port that is not a number")?;
                            if field == "sport" {
                                sp = Some(port);
                            } else {
                                dp = Some(port);
                            }
                        }
                        ("icmp" | "icmpv6", "type" | "code") => {
                            let v6 = proto == "icmpv6";
                            set_family(v6, &mut family)?;
                            let p = if v6 { 58 } else { 1 };
                            if protocol.is_some_and(|q| q != p) {
                                return Err("two protocols".into());
                            }
                            protocol = Some(p);
                            let v = number(right)
                                .and_then(|n| u8::try_from(n).ok())
                                .ok_or("an ICMP type or code that is not a number")?;
                            if field == "type" {
                                it = Some(v);
                            } else {
                                ic = Some(v);
                            }
                        }
                        _ => return Err(format!("a {proto} {field} match")),
                    }
                }
                _ => return Err("a match we do not write".into()),
            },
            _ => return Err("a statement we do not write".into()),
        }
    }
    // nft lists `meta l4proto icmp` without the `meta nfproto ipv4` we wrote (it counts as
    // implied), and likewise ICMPv6 for IPv6.
    let family = family.or(match protocol {
        Some(1) => Some(false),
        Some(58) => Some(true),
        _ => None,
    });
    let rule = FilterRule {
        link: link.ok_or("a rule without its link")?,
        direction,
        v6: family.ok_or("a rule without an address family")?,
        src,
        dst,
        protocol,
        src_port: sp,
        dst_port: dp,
        icmp_type: it,
        icmp_code: ic,
        action: action.ok_or("a rule without accept or drop")?,
    };
    Ok(ObservedRule { rule, packets })
}

/// Reads our table out of `nft -j -n list table inet mprconfig` output.
pub fn parse_table(listing: &Nftables<'_>) -> TableState {
    let mut saw_table = false;
    let mut chains = Vec::new();
    let mut rules = Vec::new();
    for o in listing.objects.iter() {
        let NfObject::ListObject(o) = o else {
            continue;
        };
        match o {
            NfListObject::Table(t) if t.name == TABLE && t.family == NfFamily::INet => {
                saw_table = true
            }
            NfListObject::Chain(c) if c.table == TABLE => chains.push(c.clone()),
            NfListObject::Rule(r) if r.table == TABLE => rules.push(r.clone()),
            NfListObject::MetainfoObject(_) => {}
            NfListObject::Table(_) => {}
            other => {
                return TableState::Foreign(format!(
                    "the table holds an object we do not write ({})",
                    object_kind(other)
                ));
            }
        }
    }
    if !saw_table {
        return TableState::Absent;
    }
    let expected = [
        (CHAIN_IN, NfHook::Prerouting, PRIO_IN),
        (CHAIN_OUT, NfHook::Postrouting, PRIO_OUT),
    ];
    if chains.len() != 2 {
        return TableState::Foreign(format!("the table has {} chains, not 2", chains.len()));
    }
    for (name, hook, prio) in expected {
        let Some(c) = chains.iter().find(|c| c.name == name) else {
            return TableState::Foreign(format!("chain {name} is missing"));
        };
        if c._type != Some(NfChainType::Filter)
            || c.hook != Some(hook)
            || c.prio != Some(prio)
            || c.policy != Some(NfChainPolicy::Accept)
        {
            return TableState::Foreign(format!("chain {name} was changed"));
        }
    }
    // Input chain first, each in listing (evaluation) order, as the desired list is sorted.
    let mut out = Vec::with_capacity(rules.len());
    for chain in [CHAIN_IN, CHAIN_OUT] {
        for r in rules.iter().filter(|r| r.chain == chain) {
            match parse_rule(chain, &r.expr) {
                Ok(o) => out.push(o),
                Err(why) => {
                    return TableState::Foreign(format!(
                        "rule handle {} in {chain} is not one of ours: {why}",
                        r.handle.unwrap_or(0)
                    ));
                }
            }
        }
    }
    TableState::Rules(out)
}

fn object_kind(o: &NfListObject<'_>) -> &'static str {
    match o {
        NfListObject::Set(_) => "a set",
        NfListObject::Map(_) => "a map",
        NfListObject::Element(_) => "set elements",
        NfListObject::FlowTable(_) => "a flowtable",
        NfListObject::Counter(_) => "a named counter",
        NfListObject::Quota(_) => "a quota",
        NfListObject::Limit(_) => "a limit",
        _ => "another object",
    }
}

/// The desired rules in table order: input chain first, then output; within a chain the
/// configuration's order (interfaces, then each filter set's filters and its closing default).
pub fn table_order(rules: &[FilterRule]) -> Vec<FilterRule> {
    let mut out: Vec<FilterRule> = rules
        .iter()
        .filter(|r| r.direction == Direction::In)
        .cloned()
        .collect();
    out.extend(
        rules
            .iter()
            .filter(|r| r.direction == Direction::Out)
            .cloned(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(v6: bool) -> FilterRule {
        FilterRule {
            link: "eth1".into(),
            direction: Direction::In,
            v6,
            src: Some(Prefix {
                addr: if v6 {
                    "2001:db8::".parse().unwrap()
                } else {
                    "10.0.0.0".parse().unwrap()
                },
                len: if v6 { 32 } else { 8 },
            }),
            dst: None,
            protocol: Some(6),
            src_port: None,
            dst_port: Some(80),
            icmp_type: None,
            icmp_code: None,
            action: Action::Drop,
        }
    }

    #[test]
    fn generated_statements_parse_back_to_the_same_rule() {
        for v6 in [false, true] {
            let r = rule(v6);
            let back = parse_rule(CHAIN_IN, &r.statements()).unwrap();
            assert_eq!(back.rule, r);
        }
        let icmp = FilterRule {
            protocol: Some(1),
            dst_port: None,
            icmp_type: Some(8),
            icmp_code: None,
            action: Action::Accept,
            ..rule(false)
        };
        assert_eq!(parse_rule(CHAIN_IN, &icmp.statements()).unwrap().rule, icmp);
    }

    #[test]
    fn nft_listing_forms_parse_like_the_written_ones() {
        // What nft 1.0 lists for `ip saddr 10.0.0.0/8 tcp dport 80 drop` with -n: the nfproto
        // and l4proto dependencies elided, a /32 as a plain address.
        let listing = r#"{"nftables": [
          {"metainfo": {"version": "1.0.6", "release_name": "x", "json_schema_version": 1}},
          {"table": {"family": "inet", "name": "mprconfig", "handle": 1}},
          {"chain": {"family": "inet", "table": "mprconfig", "name": "filter_in", "handle": 1, "type": "filter", "hook": "prerouting", "prio": -300, "policy": "accept"}},
          {"chain": {"family": "inet", "table": "mprconfig", "name": "filter_out", "handle": 2, "type": "filter", "hook": "postrouting", "prio": 0, "policy": "accept"}},
          {"rule": {"family": "inet", "table": "mprconfig", "chain": "filter_in", "handle": 3, "expr": [
            {"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "eth1"}},
            {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": {"prefix": {"addr": "10.0.0.0", "len": 8}}}},
            {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 80}},
            {"counter": {"packets": 7, "bytes": 420}}, {"drop": null}]}},
          {"rule": {"family": "inet", "table": "mprconfig", "chain": "filter_out", "handle": 4, "expr": [
            {"match": {"op": "==", "left": {"meta": {"key": "oifname"}}, "right": "eth1"}},
            {"match": {"op": "==", "left": {"payload": {"protocol": "ip6", "field": "daddr"}}, "right": "2001:db8::1"}},
            {"match": {"op": "==", "left": {"payload": {"protocol": "icmpv6", "field": "type"}}, "right": 128}},
            {"counter": {"packets": 0, "bytes": 0}}, {"accept": null}]}}
        ]}"#;
        let n: Nftables<'_> = serde_json::from_str(listing).unwrap();
        let TableState::Rules(rules) = parse_table(&n) else {
            panic!("not parsed: {:?}", parse_table(&n));
        };
        assert_eq!(rules[0].rule, rule(false));
        assert_eq!(rules[0].packets, 7);
        assert_eq!(
            rules[1].rule,
            FilterRule {
                link: "eth1".into(),
                direction: Direction::Out,
                v6: true,
                src: None,
                dst: Some(Prefix {
                    addr: "2001:db8::1".parse().unwrap(),
                    len: 128
                }),
                protocol: Some(58),
                src_port: None,
                dst_port: None,
                icmp_type: Some(128),
                icmp_code: None,
                action: Action::Accept,
            }
        );
    }

    #[test]
    fn an_icmp_rule_listed_without_its_nfproto_is_still_ipv4() {
        let listed = vec![
            eq(meta(MetaKey::Iifname), Expression::String("r-a".into())),
            eq(meta(MetaKey::L4proto), Expression::Number(1)),
            Statement::Counter(Counter::Anonymous(None)),
            Statement::Drop(None),
        ];
        let r = parse_rule(CHAIN_IN, &listed).unwrap().rule;
        assert!(!r.v6);
        assert_eq!(r.protocol, Some(1));
        let mut v6 = listed.clone();
        v6[1] = eq(meta(MetaKey::L4proto), Expression::Number(58));
        assert!(parse_rule(CHAIN_IN, &v6).unwrap().rule.v6);
    }

    #[test]
    fn anything_we_do_not_write_makes_the_table_foreign() {
        let mut s = rule(false).statements();
        s.insert(1, eq(meta(MetaKey::Mark), Expression::Number(1)));
        assert!(parse_rule(CHAIN_IN, &s).is_err());
        let mut s = rule(false).statements();
        s.pop();
        assert!(parse_rule(CHAIN_IN, &s).is_err(), "no verdict");
        assert!(parse_rule("other", &rule(false).statements()).is_err());
    }

    #[test]
    fn an_empty_rule_set_removes_the_table() {
        let b = replace_batch(&[]);
        assert_eq!(b.objects.len(), 2);
        let b = replace_batch(&[rule(false)]);
        assert_eq!(b.objects.len(), 6);
    }
}
