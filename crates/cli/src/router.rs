//! `plan` and `status`: what the router manager (`mprrouted`) would change in the kernel, and
//! the state of every configured item. Asked of the running router manager when one serves
//! this configuration (it knows what it applied, so drift shows as drift); computed here from
//! the store and the kernel otherwise (docs/router.md). With `-r HOST`, asked of HOST's router
//! manager through its `mprd`; without one there, `RPC_S_UNKNOWN_IF` (1717).

use mprconfig::admin::{AdminConnection, Request, admin_connect};
use mprconfig::{Connection, Error, Result, WinError};
use mprconfig_router::kernel::DEFAULT_ROUTE_PROTOCOL;
use mprconfig_router::service::{Status, plan_without_manager};
use mprconfig_router::{Plan, State};
use serde_json::json;

use crate::output::{Output, table};

/// The router manager serving the store of `conn`, if one answers.
fn manager_for(conn: &Connection) -> Option<AdminConnection> {
    let admin = admin_connect(None).ok()?;
    let theirs = std::fs::canonicalize(&admin.hello().store).ok()?;
    let ours = std::fs::canonicalize(conn.store_path()?).ok()?;
    (theirs == ours).then_some(admin)
}

/// Where the answer comes from: the router manager of a remote connection's server (through
/// its `mprd`), the local one serving the store, or no router manager (the store's path).
enum Source<'a> {
    Manager(AdminConnection, &'static str),
    Store(&'a std::path::Path),
}

fn source<'a>(conn: &'a Connection, what: &str) -> Result<Source<'a>> {
    if let Some(path) = conn.store_path() {
        return Ok(match manager_for(conn) {
            Some(m) => Source::Manager(m, "the running router manager"),
            None => Source::Store(path),
        });
    }
    let Some(server) = conn.server() else {
        return Err(Error::new(
            WinError::ERROR_NOT_SUPPORTED,
            format!("{what} needs a store file or a server running mprd"),
        ));
    };
    // The relay checks that the router manager there applies the store its mprd serves.
    let m = admin_connect(Some(server)).map_err(|e| {
        if e.code == WinError::RPC_S_UNKNOWN_IF {
            Error::new(
                e.code,
                format!(
                    "no router manager runs on {server} ({}); start mprrouted there",
                    e.detail
                ),
            )
        } else {
            e
        }
    })?;
    Ok(Source::Manager(m, "the router manager of the server"))
}

fn undecodable(e: serde_json::Error) -> Error {
    Error::new(
        WinError::RPC_S_CALL_FAILED,
        format!("the router manager's answer does not fit: {e}"),
    )
}

/// `plan`: the kernel changes a reconcile would make, as a diff.
pub fn plan(conn: &Connection) -> Result<Output> {
    let (plan, source) = match source(conn, "plan")? {
        Source::Manager(m, from) => (
            serde_json::from_value::<Plan>(m.call_value(&Request::Plan)?).map_err(undecodable)?,
            from,
        ),
        Source::Store(store) => (
            plan_without_manager(store, DEFAULT_ROUTE_PROTOCOL)?,
            "this configuration and kernel (no router manager runs)",
        ),
    };
    let diff = plan.diff();
    let not_applied = plan
        .items
        .iter()
        .filter(|i| matches!(i.state, State::NotApplied(_)))
        .count();
    let mut text = if diff.is_empty() {
        "no changes: the kernel matches the configuration".to_string()
    } else {
        diff.join("\n")
    };
    text.push_str(&format!("\n(from {source}"));
    if not_applied > 0 {
        text.push_str(&format!(
            "; {not_applied} stored item(s) are not applied, see `mprcfg status`"
        ));
    }
    text.push(')');
    Ok(Output {
        text,
        json: json!({ "changes": diff, "plan": plan }),
    })
}

/// `status`: every item, applied / pending / drifted / not-applied / failed, with reasons.
pub fn status(conn: &Connection) -> Result<Output> {
    let status = match source(conn, "status")? {
        Source::Manager(m, _) => {
            serde_json::from_value::<Status>(m.call_value(&Request::Status { fresh: true })?)
                .map_err(undecodable)?
        }
        Source::Store(store) => {
            Status::of_plan(&plan_without_manager(store, DEFAULT_ROUTE_PROTOCOL)?, None)
        }
    };
    let rows: Vec<Vec<String>> = status
        .items
        .iter()
        .map(|i| {
            vec![
                i.kind.clone(),
                i.object.clone(),
                i.state.name().to_string(),
                i.packets.map(|p| p.to_string()).unwrap_or_default(),
                i.state.reason().unwrap_or("").to_string(),
            ]
        })
        .collect();
    let mut text = match &status.manager {
        Some(m) => format!(
            "router manager: running (pid {}, up {} s, {} reconciles, {} repairs), store {}\n",
            m.pid, m.up_time, m.passes, m.repairs, m.store
        ),
        None => "router manager: not running (start mprrouted); nothing is applied until it runs\n"
            .to_string(),
    };
    text.push_str(&table(
        &["Kind", "Object", "State", "Packets", "Reason"],
        &rows,
    ));
    Ok(Output {
        text,
        json: serde_json::to_value(&status).unwrap_or_default(),
    })
}
