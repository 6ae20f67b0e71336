//! The diff between the desired state and the kernel: a [`Plan`] of [`Change`]s that would make
//! the kernel match, and one status [`Item`] per desired thing (applied, pending, drifted, not
//! applied). Pure: no I/O, so every rule of it is unit-tested.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::desired::{Desired, RouteWant};
use crate::filters::{FilterRule, ObservedRule, TableState, table_order};
use crate::kernel::{KernelLink, KernelRoute};

/// What was read from the kernel.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Observed {
    /// Every link.
    pub links: Vec<KernelLink>,
    /// Our routes.
    pub routes: Vec<KernelRoute>,
    /// IPv4 and IPv6 forwarding (`None`: unreadable).
    pub forwarding: (Option<bool>, Option<bool>),
    /// Our nftables table, or why it could not be read.
    pub filters: Option<std::result::Result<TableState, String>>,
}

impl Observed {
    fn link(&self, name: &str) -> Option<&KernelLink> {
        self.links.iter().find(|l| l.name == name)
    }
}

/// One change to the kernel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    /// Set IPv4 or IPv6 forwarding.
    Forwarding {
        /// IPv6 (else IPv4).
        v6: bool,
        /// On or off.
        on: bool,
    },
    /// Set a link administratively up or down.
    Link {
        /// Link name.
        link: String,
        /// Its index.
        index: u32,
        /// Up or down.
        up: bool,
        /// Why (for down: the configuration's reason).
        reason: Option<String>,
    },
    /// Delete one of our routes.
    DelRoute {
        /// The route as the kernel holds it.
        route: KernelRoute,
        /// Its link's name, when known.
        link: Option<String>,
    },
    /// Add a route.
    AddRoute {
        /// The route.
        route: RouteWant,
        /// Its link's index.
        oif: u32,
    },
    /// Replace our nftables table (atomically) so it holds `rules`.
    Filters {
        /// The whole new rule list (empty: the table is removed).
        rules: Vec<FilterRule>,
        /// Rules the kernel lacks.
        added: Vec<FilterRule>,
        /// Rules the kernel has that are not wanted.
        removed: Vec<FilterRule>,
        /// Why the table is replaced whole beyond the rule diff (foreign content, unreadable).
        note: Option<String>,
    },
}

impl Change {
    /// The change as diff lines (`+ …` added, `- …` removed, `~ …` changed).
    pub fn diff_lines(&self) -> Vec<String> {
        match self {
            Change::Forwarding { v6, on } => vec![format!(
                "~ forwarding {}: {} -> {}",
                if *v6 { "ipv6" } else { "ipv4" },
                if *on { "off" } else { "on" },
                if *on { "on" } else { "off" }
            )],
            Change::Link {
                link, up, reason, ..
            } => vec![format!(
                "~ link {link}: {} -> {}{}",
                if *up { "down" } else { "up" },
                if *up { "up" } else { "down" },
                reason
                    .as_ref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            )],
            Change::DelRoute { route, link } => {
                vec![format!("- route {}", route.describe(link.as_deref()))]
            }
            Change::AddRoute { route, .. } => vec![format!("+ route {}", route.describe())],
            Change::Filters {
                added,
                removed,
                note,
                rules,
            } => {
                let mut v = Vec::new();
                if let Some(n) = note {
                    v.push(format!(
                        "~ nftables table inet {}: replaced ({n})",
                        crate::filters::TABLE
                    ));
                }
                if rules.is_empty() {
                    v.push(format!("- nftables table inet {}", crate::filters::TABLE));
                }
                v.extend(removed.iter().map(|r| format!("- filter {r}")));
                v.extend(added.iter().map(|r| format!("+ filter {r}")));
                if v.is_empty() {
                    v.push(format!(
                        "~ nftables table inet {}: rules reordered",
                        crate::filters::TABLE
                    ));
                }
                v
            }
        }
    }
}

/// The state of one item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", content = "reason", rename_all = "snake_case")]
pub enum State {
    /// The kernel holds it.
    Applied,
    /// Not (yet) in the kernel: a change is planned, or it waits for something (reason).
    Pending(String),
    /// It was applied and the kernel no longer matches (changed outside the router manager).
    Drifted(String),
    /// Stored, but has no Linux meaning (reason).
    NotApplied(String),
    /// Applying it failed (the kernel's answer); retried on the next reconcile.
    Failed(String),
}

impl State {
    /// `applied`, `pending`, `drifted`, `not-applied`, `failed`.
    pub fn name(&self) -> &'static str {
        match self {
            State::Applied => "applied",
            State::Pending(_) => "pending",
            State::Drifted(_) => "drifted",
            State::NotApplied(_) => "not-applied",
            State::Failed(_) => "failed",
        }
    }

    /// The reason, if the state has one.
    pub fn reason(&self) -> Option<&str> {
        match self {
            State::Applied => None,
            State::Pending(r) | State::Drifted(r) | State::NotApplied(r) | State::Failed(r) => {
                Some(r)
            }
        }
    }
}

/// One status line: a desired thing and its state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// `link`, `route`, `filter`, `forwarding` or `config`.
    pub kind: String,
    /// What it is (`eth1`, `10.2.0.0/24 via 10.1.0.2 dev eth1 metric 1`, a filter rule).
    pub object: String,
    /// Its state.
    pub state: State,
    /// Packets a filter rule has matched, when read.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub packets: Option<u64>,
}

impl Item {
    /// The key the router manager remembers applied items by.
    pub fn key(&self) -> String {
        format!("{} {}", self.kind, self.object)
    }
}

/// A plan: the changes and the state of every item before they are made.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// The changes, in the order they are applied.
    pub changes: Vec<Change>,
    /// Every item.
    pub items: Vec<Item>,
}

impl Plan {
    /// True if the kernel already matches.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// All diff lines.
    pub fn diff(&self) -> Vec<String> {
        self.changes.iter().flat_map(Change::diff_lines).collect()
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for l in self.diff() {
            writeln!(f, "{l}")?;
        }
        Ok(())
    }
}

fn missing(applied: &HashSet<String>, key: &str, reason: String) -> State {
    if applied.contains(key) {
        State::Drifted(reason)
    } else {
        State::Pending(reason)
    }
}

/// Plans the changes that make `observed` match `desired`. `applied` holds the keys of items
/// the router manager has seen applied (so a missing one is drifted, not pending).
pub fn plan(desired: &Desired, observed: &Observed, applied: &HashSet<String>) -> Plan {
    let mut p = Plan::default();
    let mut link_changes = Vec::new();
    let mut dels = Vec::new();
    let mut adds = Vec::new();

    // Forwarding.
    for (v6, want, have) in [
        (false, desired.forwarding.ipv4, observed.forwarding.0),
        (true, desired.forwarding.ipv6, observed.forwarding.1),
    ] {
        let object = format!(
            "{} {}",
            if v6 { "ipv6" } else { "ipv4" },
            if want { "on" } else { "off" }
        );
        let key = format!("forwarding {object}");
        let state = match have {
            Some(h) if h == want => State::Applied,
            Some(_) => {
                p.changes.push(Change::Forwarding { v6, on: want });
                missing(
                    applied,
                    &key,
                    format!("the kernel has it {}", if want { "off" } else { "on" }),
                )
            }
            None => State::Pending("the kernel setting cannot be read".into()),
        };
        p.items.push(Item {
            kind: "forwarding".into(),
            object,
            state,
            packets: None,
        });
    }

    // Links.
    let mut link_up_now: HashMap<&str, (u32, bool)> = HashMap::new();
    for lw in &desired.links {
        let object = format!(
            "{} {}{}",
            lw.link,
            if lw.up { "up" } else { "down" },
            if lw.link == lw.interface {
                String::new()
            } else {
                format!(" (interface {})", lw.interface)
            }
        );
        let key = format!("link {object}");
        let state = match observed.link(&lw.link) {
            None => State::Pending(format!("there is no link {}", lw.link)),
            Some(k) => {
                link_up_now.insert(&lw.link, (k.index, lw.up));
                if k.admin_up == lw.up {
                    State::Applied
                } else {
                    link_changes.push(Change::Link {
                        link: lw.link.clone(),
                        index: k.index,
                        up: lw.up,
                        reason: lw.down_reason.clone(),
                    });
                    missing(
                        applied,
                        &key,
                        format!("the link is {}", if k.admin_up { "up" } else { "down" }),
                    )
                }
            }
        };
        p.items.push(Item {
            kind: "link".into(),
            object,
            state,
            packets: None,
        });
    }

    // Routes: wanted now when their link exists and should be up.
    let mut kept: HashSet<&KernelRoute> = HashSet::new();
    for rw in &desired.routes {
        let object = rw.describe();
        let key = format!("route {object}");
        let want_link = desired.link(&rw.link);
        let state = match (link_up_now.get(rw.link.as_str()), want_link) {
            (None, _) => State::Pending(format!("there is no link {}", rw.link)),
            (Some((_, false)), w) => State::Pending(format!(
                "its link is down ({})",
                w.and_then(|w| w.down_reason.clone())
                    .unwrap_or_else(|| "configured down".into())
            )),
            (Some((index, true)), _) => {
                let found = observed.routes.iter().find(|k| {
                    k.dest == rw.dest
                        && k.prefix_len == rw.prefix_len
                        && k.gateway == rw.gateway
                        && k.oif == Some(*index)
                        && k.priority == rw.priority
                });
                match found {
                    Some(k) => {
                        kept.insert(k);
                        State::Applied
                    }
                    None => {
                        adds.push(Change::AddRoute {
                            route: rw.clone(),
                            oif: *index,
                        });
                        missing(applied, &key, "the kernel does not have it".into())
                    }
                }
            }
        };
        p.items.push(Item {
            kind: "route".into(),
            object,
            state,
            packets: None,
        });
    }
    for k in &observed.routes {
        if kept.contains(k) {
            continue;
        }
        let link = k
            .oif
            .and_then(|i| observed.links.iter().find(|l| l.index == i))
            .map(|l| l.name.clone());
        dels.push(Change::DelRoute {
            route: k.clone(),
            link,
        });
    }

    // Filters.
    let rules = table_order(&desired.filters);
    let filter_change =
        |p: &mut Plan, added: Vec<FilterRule>, removed: Vec<FilterRule>, note: Option<String>| {
            p.changes.push(Change::Filters {
                rules: rules.clone(),
                added,
                removed,
                note,
            });
        };
    let mut filter_items: Vec<Item> = rules
        .iter()
        .map(|r| Item {
            kind: "filter".into(),
            object: r.to_string(),
            state: State::Applied,
            packets: None,
        })
        .collect();
    let set_all = |items: &mut Vec<Item>, f: &dyn Fn(&str) -> State| {
        for i in items.iter_mut() {
            let key = i.key();
            i.state = f(&key);
        }
    };
    let mut pending_filters = Vec::new();
    match &observed.filters {
        None => {}
        Some(Err(why)) => {
            let why = format!("nftables cannot be read: {why}");
            set_all(&mut filter_items, &|_| State::Pending(why.clone()));
            if !rules.is_empty() {
                filter_change(&mut p, rules.clone(), Vec::new(), Some(why.clone()));
            }
        }
        Some(Ok(TableState::Absent)) if !rules.is_empty() => {
            set_all(&mut filter_items, &|k| {
                missing(applied, k, "the kernel does not have it".into())
            });
            filter_change(&mut p, rules.clone(), Vec::new(), None);
        }
        Some(Ok(TableState::Absent)) => {}
        Some(Ok(TableState::Foreign(why))) => {
            let why = why.clone();
            set_all(&mut filter_items, &|k| {
                missing(applied, k, format!("the table was changed: {why}"))
            });
            filter_change(&mut p, rules.clone(), Vec::new(), Some(why.clone()));
        }
        Some(Ok(TableState::Rules(have))) => {
            let same =
                have.len() == rules.len() && have.iter().zip(&rules).all(|(h, w)| h.rule == *w);
            if same {
                for (i, h) in filter_items.iter_mut().zip(have) {
                    i.packets = Some(h.packets);
                }
            } else {
                let (added, removed) = rule_diff(&rules, have);
                for i in filter_items.iter_mut() {
                    let present = have.iter().any(|h| h.rule.to_string() == i.object);
                    if !present {
                        let key = i.key();
                        i.state = missing(applied, &key, "the kernel does not have it".into());
                    }
                }
                pending_filters.push((added, removed));
            }
        }
    }
    for (added, removed) in pending_filters {
        filter_change(&mut p, added, removed, None);
    }
    p.items.extend(filter_items);

    // Not applied.
    for n in &desired.not_applied {
        p.items.push(Item {
            kind: "config".into(),
            object: n.object.clone(),
            state: State::NotApplied(n.reason.clone()),
            packets: None,
        });
    }

    // Order: forwarding (already in), links, route deletions, route additions, filters last
    // (they do not depend on links).
    let filters: Vec<Change> = p
        .changes
        .iter()
        .filter(|c| matches!(c, Change::Filters { .. }))
        .cloned()
        .collect();
    p.changes.retain(|c| !matches!(c, Change::Filters { .. }));
    p.changes.extend(link_changes);
    p.changes.extend(dels);
    p.changes.extend(adds);
    p.changes.extend(filters);
    p
}

/// Rules wanted but not held, and held but not wanted (as multisets).
fn rule_diff(want: &[FilterRule], have: &[ObservedRule]) -> (Vec<FilterRule>, Vec<FilterRule>) {
    let mut have_left: Vec<&FilterRule> = have.iter().map(|h| &h.rule).collect();
    let mut added = Vec::new();
    for w in want {
        match have_left.iter().position(|h| *h == w) {
            Some(i) => {
                have_left.remove(i);
            }
            None => added.push(w.clone()),
        }
    }
    (added, have_left.into_iter().cloned().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desired::{Forwarding, LinkWant, NotApplied};
    use crate::filters::{Action, Direction};

    fn link(name: &str, index: u32, up: bool) -> KernelLink {
        KernelLink {
            index,
            name: name.into(),
            admin_up: up,
            carrier: up,
        }
    }

    fn want_link(name: &str, up: bool) -> LinkWant {
        LinkWant {
            interface: name.into(),
            link: name.into(),
            up,
            down_reason: (!up).then(|| "the interface is disabled".into()),
        }
    }

    fn route(link: &str) -> RouteWant {
        RouteWant {
            interface: link.into(),
            link: link.into(),
            dest: "10.2.0.0".parse().unwrap(),
            prefix_len: 24,
            gateway: Some("10.1.0.2".parse().unwrap()),
            priority: 1,
        }
    }

    fn kroute(oif: u32) -> KernelRoute {
        KernelRoute {
            dest: "10.2.0.0".parse().unwrap(),
            prefix_len: 24,
            gateway: Some("10.1.0.2".parse().unwrap()),
            oif: Some(oif),
            priority: 1,
        }
    }

    fn rule() -> FilterRule {
        FilterRule {
            link: "eth1".into(),
            direction: Direction::In,
            v6: false,
            src: None,
            dst: None,
            protocol: Some(1),
            src_port: None,
            dst_port: None,
            icmp_type: None,
            icmp_code: None,
            action: Action::Drop,
        }
    }

    fn desired() -> Desired {
        Desired {
            links: vec![want_link("eth1", true)],
            routes: vec![route("eth1")],
            filters: vec![rule()],
            forwarding: Forwarding {
                ipv4: true,
                ipv6: false,
            },
            ..Desired::default()
        }
    }

    fn matching() -> Observed {
        Observed {
            links: vec![link("eth1", 3, true)],
            routes: vec![kroute(3)],
            forwarding: (Some(true), Some(false)),
            filters: Some(Ok(TableState::Rules(vec![ObservedRule {
                rule: rule(),
                packets: 5,
            }]))),
        }
    }

    #[test]
    fn a_matching_kernel_needs_nothing_and_everything_is_applied() {
        let p = plan(&desired(), &matching(), &HashSet::new());
        assert!(p.is_empty(), "{p}");
        assert!(
            p.items.iter().all(|i| i.state == State::Applied),
            "{:?}",
            p.items
        );
        assert_eq!(
            p.items.iter().find(|i| i.kind == "filter").unwrap().packets,
            Some(5)
        );
    }

    #[test]
    fn an_empty_kernel_gets_everything_in_order() {
        let mut o = matching();
        o.links[0].admin_up = false;
        o.routes.clear();
        o.forwarding = (Some(false), Some(false));
        o.filters = Some(Ok(TableState::Absent));
        let p = plan(&desired(), &o, &HashSet::new());
        let kinds: Vec<&str> = p
            .changes
            .iter()
            .map(|c| match c {
                Change::Forwarding { .. } => "fwd",
                Change::Link { .. } => "link",
                Change::DelRoute { .. } => "del",
                Change::AddRoute { .. } => "add",
                Change::Filters { .. } => "filters",
            })
            .collect();
        assert_eq!(kinds, ["fwd", "link", "add", "filters"]);
        assert_eq!(
            p.diff(),
            [
                "~ forwarding ipv4: off -> on",
                "~ link eth1: down -> up",
                "+ route 10.2.0.0/24 via 10.1.0.2 dev eth1 metric 1",
                "+ filter iifname \"eth1\" meta nfproto ipv4 meta l4proto 1 drop",
            ]
        );
        assert!(
            p.items
                .iter()
                .filter(|i| i.kind != "forwarding" || i.object.starts_with("ipv4"))
                .all(|i| matches!(i.state, State::Pending(_)))
        );
    }

    #[test]
    fn a_route_seen_applied_and_then_missing_is_drifted_and_re_added() {
        let d = desired();
        let first = plan(&d, &matching(), &HashSet::new());
        let applied: HashSet<String> = first.items.iter().map(Item::key).collect();
        let mut o = matching();
        o.routes.clear();
        let p = plan(&d, &o, &applied);
        assert_eq!(
            p.diff(),
            ["+ route 10.2.0.0/24 via 10.1.0.2 dev eth1 metric 1"]
        );
        let r = p.items.iter().find(|i| i.kind == "route").unwrap();
        assert!(matches!(r.state, State::Drifted(_)), "{:?}", r.state);
    }

    #[test]
    fn routes_of_a_down_or_missing_link_wait_and_stale_routes_of_ours_go() {
        let mut d = desired();
        d.links[0] = want_link("eth1", false);
        let p = plan(&d, &matching(), &HashSet::new());
        assert_eq!(
            p.diff(),
            [
                "~ link eth1: up -> down (the interface is disabled)",
                "- route 10.2.0.0/24 via 10.1.0.2 dev eth1 metric 1",
            ]
        );
        let r = p.items.iter().find(|i| i.kind == "route").unwrap();
        assert!(matches!(&r.state, State::Pending(why) if why.contains("disabled")));

        let mut o = matching();
        o.links.clear();
        let p = plan(&desired(), &o, &HashSet::new());
        let l = p.items.iter().find(|i| i.kind == "link").unwrap();
        assert_eq!(l.state, State::Pending("there is no link eth1".into()));
    }

    #[test]
    fn a_changed_priority_is_a_delete_and_an_add() {
        let mut o = matching();
        o.routes[0].priority = 9;
        let p = plan(&desired(), &o, &HashSet::new());
        assert_eq!(
            p.diff(),
            [
                "- route 10.2.0.0/24 via 10.1.0.2 dev eth1 metric 9",
                "+ route 10.2.0.0/24 via 10.1.0.2 dev eth1 metric 1",
            ]
        );
    }

    #[test]
    fn foreign_or_different_filters_replace_the_table_and_no_filters_remove_it() {
        let mut o = matching();
        o.filters = Some(Ok(TableState::Foreign("chain x".into())));
        let p = plan(&desired(), &o, &HashSet::new());
        assert_eq!(p.changes.len(), 1);
        assert!(p.diff()[0].contains("replaced (chain x)"));

        let mut o = matching();
        let mut other = rule();
        other.protocol = Some(6);
        o.filters = Some(Ok(TableState::Rules(vec![ObservedRule {
            rule: other,
            packets: 0,
        }])));
        let p = plan(&desired(), &o, &HashSet::new());
        assert_eq!(
            p.diff(),
            [
                "- filter iifname \"eth1\" meta nfproto ipv4 meta l4proto 6 drop",
                "+ filter iifname \"eth1\" meta nfproto ipv4 meta l4proto 1 drop",
            ]
        );

        let mut d = desired();
        d.filters.clear();
        let p = plan(&d, &matching(), &HashSet::new());
        assert_eq!(
            p.diff(),
            [
                "- nftables table inet mprconfig",
                "- filter iifname \"eth1\" meta nfproto ipv4 meta l4proto 1 drop",
            ]
        );
        let mut o = matching();
        o.filters = Some(Ok(TableState::Absent));
        assert!(plan(&d, &o, &HashSet::new()).is_empty());
    }

    #[test]
    fn not_applied_configuration_is_listed_with_its_reason() {
        let mut d = desired();
        d.not_applied.push(NotApplied {
            object: "interface \"dd\" (type FULL_ROUTER)".into(),
            reason: "demand-dial".into(),
        });
        let p = plan(&d, &matching(), &HashSet::new());
        let i = p.items.last().unwrap();
        assert_eq!(i.state, State::NotApplied("demand-dial".into()));
        assert!(p.is_empty());
    }
}
