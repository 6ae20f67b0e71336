//! One reconcile: read the desired state (cached by store generation), read the kernel back
//! (our nftables table only when the nf_tables generation moved), plan, apply, and remember
//! what is applied so a later loss is reported as drift and its repair is logged.

use std::collections::HashSet;
use std::time::{Duration, Instant, SystemTime};

use serde::{Deserialize, Serialize};
use tracing::{info, warn};

use mprconfig_core::{Error, Result, WinError};

use crate::desired::{ConfigSource, Desired, read_desired};
use crate::filters::{FilterRule, TableState};
use crate::kernel::{self, Netlink};
use crate::nft::{self, Nft};
use crate::plan::{Change, Item, Observed, Plan, State, plan};

/// The outcome of one change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applied {
    /// The change.
    pub change: Change,
    /// `None` on success, else the kernel's answer.
    pub error: Option<String>,
    /// True when it repaired drift (something applied earlier had been changed outside).
    pub repair: bool,
}

/// What one reconcile did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// The store generation reconciled to.
    pub generation: Option<u64>,
    /// Each change made, with its outcome.
    pub applied: Vec<Applied>,
    /// Every item after the changes.
    pub items: Vec<Item>,
    /// How long it took, in microseconds.
    pub micros: u64,
    /// When it finished (seconds since the Unix epoch).
    pub finished: u64,
}

impl Report {
    /// Changes that failed.
    pub fn failures(&self) -> impl Iterator<Item = &Applied> {
        self.applied.iter().filter(|a| a.error.is_some())
    }
}

/// Reads the kernel state, plans and applies, keeping the caches that make a no-change pass
/// cheap. One per network namespace.
pub struct Reconciler {
    net: Netlink,
    nft: Nft,
    desired: Option<Desired>,
    /// The nf_tables generation at which `table` was read.
    table: Option<(u32, TableState)>,
    applied: HashSet<String>,
    repairs: u64,
    passes: u64,
    /// Rules we wrote that nft then listed differently, with what it listed: not rewritten
    /// while both stay the same (a rewrite would only repeat, event after event).
    stuck: Option<(Vec<FilterRule>, TableState)>,
}

impl Reconciler {
    /// A reconciler in the caller's network namespace (must run inside a tokio runtime);
    /// `protocol` marks our routes.
    pub fn new(protocol: u8) -> Result<Reconciler> {
        Ok(Reconciler {
            net: Netlink::new(protocol)?,
            nft: Nft::default(),
            desired: None,
            table: None,
            applied: HashSet::new(),
            repairs: 0,
            passes: 0,
            stuck: None,
        })
    }

    /// The netlink connection.
    pub fn netlink(&self) -> &Netlink {
        &self.net
    }

    /// Repairs made so far.
    pub fn repairs(&self) -> u64 {
        self.repairs
    }

    /// Reconciles done so far.
    pub fn passes(&self) -> u64 {
        self.passes
    }

    /// The desired state, re-read only when the store generation moved.
    pub fn desired(&mut self, source: &dyn ConfigSource) -> Result<&Desired> {
        let version = source.config().data_version()?;
        let fresh = match &self.desired {
            Some(d) => version.is_none() || d.generation != version,
            None => true,
        };
        if fresh {
            self.desired = Some(read_desired(source)?);
        }
        Ok(self.desired.as_ref().expect("set above"))
    }

    /// Reads the kernel. `fresh_filters` forces reading our table back even when the nf_tables
    /// generation says nothing changed (for current counters).
    pub async fn observe(&mut self, fresh_filters: bool) -> Result<Observed> {
        let links = self.net.links().await?;
        let routes = self.net.routes().await?;
        let forwarding = kernel::forwarding();
        let generation = nft::generation();
        let filters = match (&generation, &self.table) {
            (Ok(g), Some((seen, state))) if g == seen && !fresh_filters => Ok(state.clone()),
            _ => match self.nft.read_table() {
                Ok(state) => {
                    if let Ok(g) = generation {
                        self.table = Some((g, state.clone()));
                    }
                    Ok(state)
                }
                Err(e) => {
                    self.table = None;
                    Err(e.to_string())
                }
            },
        };
        Ok(Observed {
            links,
            routes,
            forwarding,
            filters: Some(filters),
        })
    }

    /// Plans without changing anything (a dry run).
    pub async fn plan(&mut self, source: &dyn ConfigSource) -> Result<Plan> {
        self.plan_with(source, false).await
    }

    /// [`Self::plan`], reading the filter table back even if unchanged when `fresh_filters`
    /// (for current packet counters).
    pub async fn plan_with(
        &mut self,
        source: &dyn ConfigSource,
        fresh_filters: bool,
    ) -> Result<Plan> {
        let desired = self.desired(source)?.clone();
        let observed = self.observe(fresh_filters).await?;
        Ok(plan(&desired, &observed, &self.applied))
    }

    /// One reconcile: plan and apply, log each change (repairs of drift as warnings), and
    /// return what was done and the state of every item.
    pub async fn reconcile(&mut self, source: &dyn ConfigSource) -> Result<Report> {
        let start = Instant::now();
        let desired = self.desired(source)?.clone();
        let observed = self.observe(false).await?;
        let p = plan(&desired, &observed, &self.applied);
        let drifted: HashSet<String> = p
            .items
            .iter()
            .filter(|i| matches!(i.state, State::Drifted(_)))
            .map(Item::key)
            .collect();
        let mut applied = Vec::with_capacity(p.changes.len());
        let mut failed_objects = Vec::new();
        let table_now = match &observed.filters {
            Some(Ok(t)) => Some(t.clone()),
            _ => None,
        };
        for change in &p.changes {
            let result = match change {
                Change::Filters { rules, .. }
                    if self
                        .stuck
                        .as_ref()
                        .is_some_and(|(r, t)| r == rules && Some(t) == table_now.as_ref()) =>
                {
                    Err(Error::new(
                        WinError::ERROR_INVALID_DATA,
                        "nft lists our table differently from what was written; not rewritten until the configuration or the table changes",
                    ))
                }
                _ => self.apply(change).await,
            };
            let repair = touches(change, &drifted);
            let lines = change.diff_lines().join("; ");
            match &result {
                Ok(()) if repair => {
                    self.repairs += 1;
                    warn!(change = %lines, "repaired drift: the kernel had been changed outside the router manager");
                }
                Ok(()) => info!(change = %lines, "applied"),
                Err(e) => {
                    warn!(change = %lines, error = %e, "could not apply");
                    failed_objects.push((change.clone(), e.to_string()));
                }
            }
            applied.push(Applied {
                change: change.clone(),
                error: result.err().map(|e| e.to_string()),
                repair,
            });
        }
        // The items after the changes: what was planned and succeeded is applied now.
        let mut items = p.items;
        for i in &mut items {
            if !matches!(i.state, State::Pending(_) | State::Drifted(_)) {
                continue;
            }
            let planned = p.changes.iter().find(|c| covers(c, i));
            if let Some(c) = planned {
                i.state = match failed_objects.iter().find(|(f, _)| f == c) {
                    Some((_, e)) => State::Failed(e.clone()),
                    None => State::Applied,
                };
            }
        }
        self.applied = items
            .iter()
            .filter(|i| i.state == State::Applied)
            .map(Item::key)
            .collect();
        self.passes += 1;
        let finished = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or(Duration::ZERO)
            .as_secs();
        Ok(Report {
            generation: desired.generation,
            applied,
            items,
            micros: start.elapsed().as_micros() as u64,
            finished,
        })
    }

    async fn apply(&mut self, change: &Change) -> Result<()> {
        match change {
            Change::Forwarding { v6, on } => kernel::set_forwarding(*v6, *on),
            Change::Link { index, up, .. } => self.net.set_link(*index, *up).await,
            // Gone already (the kernel drops routes with their link): nothing left to do.
            Change::DelRoute { route, .. } => match self.net.del_route(route).await {
                Err(e) if e.code == WinError::ERROR_NOT_FOUND => Ok(()),
                r => r,
            },
            Change::AddRoute { route, oif } => self.net.add_route(route, *oif).await,
            Change::Filters { rules, .. } => {
                self.table = None;
                self.nft.replace(rules)?;
                // Read it back at once: this is the cache for the next pass, and proof that
                // nft holds what we wrote (else the next pass would rewrite it forever).
                let generation = nft::generation();
                let back = self.nft.read_table()?;
                let same = match &back {
                    TableState::Absent => rules.is_empty(),
                    TableState::Rules(have) => {
                        have.len() == rules.len()
                            && have.iter().zip(rules).all(|(h, w)| h.rule == *w)
                    }
                    TableState::Foreign(_) => false,
                };
                if let Ok(g) = generation {
                    self.table = Some((g, back.clone()));
                }
                if same {
                    self.stuck = None;
                    Ok(())
                } else {
                    self.stuck = Some((rules.clone(), back.clone()));
                    Err(Error::new(
                        WinError::ERROR_INVALID_DATA,
                        format!("nft lists the table differently from what was written: {back:?}"),
                    ))
                }
            }
        }
    }
}

/// True if `change` is what makes item `i` applied.
fn covers(change: &Change, i: &Item) -> bool {
    match change {
        Change::Forwarding { v6, on } => {
            i.kind == "forwarding"
                && i.object
                    == format!(
                        "{} {}",
                        if *v6 { "ipv6" } else { "ipv4" },
                        if *on { "on" } else { "off" }
                    )
        }
        Change::Link { link, up, .. } => {
            i.kind == "link"
                && (i.object == format!("{link} {}", if *up { "up" } else { "down" })
                    || i.object
                        .starts_with(&format!("{link} {} (", if *up { "up" } else { "down" })))
        }
        Change::AddRoute { route, .. } => i.kind == "route" && i.object == route.describe(),
        Change::DelRoute { .. } => false,
        Change::Filters { .. } => i.kind == "filter",
    }
}

fn touches(change: &Change, drifted: &HashSet<String>) -> bool {
    drifted.iter().any(|k| {
        let (kind, object) = k.split_once(' ').unwrap_or((k, ""));
        covers(
            change,
            &Item {
                kind: kind.into(),
                object: object.into(),
                state: State::Applied,
                packets: None,
            },
        )
    })
}
