//! The router manager's answers to socket requests: `MprAdmin*` (writes go to the store and
//! are applied before the reply), status, plan and reconcile.

use std::time::Instant;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use mprconfig::admin::{
    Hello, MPR_INTERFACE_ADMIN_DISABLED, MPR_INTERFACE_CONNECTION_FAILURE, MPR_INTERFACE_NO_DEVICE,
    MPR_INTERFACE_NO_MEDIA_SENSE, PROTOCOL_VERSION, Request, WireEntry, WireId, WireInterface,
    WirePorts, WireServer, WireTransport, from_hex, to_hex,
};
use mprconfig_core::layout as l;
use mprconfig_core::{
    ConnectionState, Error, Interface, InterfaceId, InterfaceType, PortConfig, Result, WinError,
};

use crate::desired::{ConfigSource, MAX_LINK_NAME};
use crate::kernel::KernelLink;
use crate::plan::{Item, Plan};
use crate::reconcile::{Reconciler, Report};

/// The router manager's own state in a status answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagerInfo {
    /// Process id.
    pub pid: u32,
    /// The store it applies.
    pub store: String,
    /// Seconds since start.
    pub up_time: u64,
    /// Reconciles done.
    pub passes: u64,
    /// Drift repairs made.
    pub repairs: u64,
    /// The store generation last reconciled to.
    pub generation: Option<u64>,
    /// Changes of the last reconcile that failed (diff line and error).
    pub last_failures: Vec<(String, String)>,
}

/// `status`: every item and what would change now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    /// The running router manager, `None` when the status was computed without one.
    pub manager: Option<ManagerInfo>,
    /// Every item.
    pub items: Vec<Item>,
    /// What a reconcile would change now (drift not repaired yet, pending items).
    pub pending: Vec<String>,
}

impl Status {
    /// The status of a plan.
    pub fn of_plan(plan: &Plan, manager: Option<ManagerInfo>) -> Status {
        Status {
            manager,
            items: plan.items.clone(),
            pending: plan.diff(),
        }
    }
}

/// What the request handler works on.
pub struct Service<S: ConfigSource> {
    /// The configuration.
    pub source: S,
    /// The store path (for hello/status).
    pub store: String,
    /// The reconciler.
    pub reconciler: Reconciler,
    /// When the manager started.
    pub started: Instant,
    /// The last reconcile.
    pub last: Option<Report>,
}

fn ok<T: Serialize>(v: T) -> Result<Value> {
    serde_json::to_value(v)
        .map_err(|e| Error::new(WinError::ERROR_INTERNAL_ERROR, format!("encoding: {e}")))
}

/// The live state of an interface (docs/router.md, "Connection state").
pub fn live_state(info: &Interface, link: Option<&KernelLink>) -> (ConnectionState, u32) {
    if !info.enabled {
        return (ConnectionState::UNREACHABLE, MPR_INTERFACE_ADMIN_DISABLED);
    }
    match info.if_type {
        // Always there on Windows; not mapped to a link here.
        InterfaceType::LOOPBACK | InterfaceType::INTERNAL => (ConnectionState::CONNECTED, 0),
        InterfaceType::DEDICATED => match link {
            None => (ConnectionState::UNREACHABLE, MPR_INTERFACE_NO_DEVICE),
            Some(k) if !k.admin_up => (
                ConnectionState::UNREACHABLE,
                MPR_INTERFACE_CONNECTION_FAILURE,
            ),
            Some(k) if !k.carrier => (ConnectionState::UNREACHABLE, MPR_INTERFACE_NO_MEDIA_SENSE),
            Some(_) => (ConnectionState::CONNECTED, 0),
        },
        // Demand-dial and client interfaces: nothing here can dial them.
        _ => (ConnectionState::UNREACHABLE, MPR_INTERFACE_NO_DEVICE),
    }
}

impl<S: ConfigSource> Service<S> {
    /// Reconciles now and keeps the report.
    pub async fn reconcile(&mut self) -> Result<&Report> {
        let r = self.reconciler.reconcile(&self.source).await?;
        self.last = Some(r);
        Ok(self.last.as_ref().expect("set above"))
    }

    fn info(&self) -> ManagerInfo {
        ManagerInfo {
            pid: std::process::id(),
            store: self.store.clone(),
            up_time: self.started.elapsed().as_secs(),
            passes: self.reconciler.passes(),
            repairs: self.reconciler.repairs(),
            generation: self.last.as_ref().and_then(|r| r.generation),
            last_failures: self
                .last
                .iter()
                .flat_map(|r| r.failures())
                .map(|a| {
                    (
                        a.change.diff_lines().join("; "),
                        a.error.clone().unwrap_or_default(),
                    )
                })
                .collect(),
        }
    }

    /// The status as the manager sees it now (a dry run; drift shows until repaired).
    pub async fn status(&mut self, fresh: bool) -> Result<Status> {
        let p = self.reconciler.plan_with(&self.source, fresh).await?;
        Ok(Status::of_plan(&p, Some(self.info())))
    }

    async fn links(&self) -> Result<Vec<KernelLink>> {
        self.reconciler.netlink().links().await
    }

    fn link_of<'a>(&self, info: &Interface, links: &'a [KernelLink]) -> Option<&'a KernelLink> {
        let name = if l::is_guid_name(&info.name) {
            self.source.config().get_friendly_name(&info.name).ok()?
        } else {
            info.name.clone()
        };
        if name.len() > MAX_LINK_NAME {
            return None;
        }
        links.iter().find(|k| k.name == name)
    }

    fn with_live(&self, mut info: Interface, links: &[KernelLink]) -> Interface {
        let (state, reasons) = live_state(&info, self.link_of(&info, links));
        info.connection_state = state;
        info.unreachability_reasons = reasons;
        info
    }

    /// Answers one request. Writes commit to the store, then reconcile before answering.
    pub async fn handle(&mut self, req: Request) -> Result<Value> {
        let config = self.source.config();
        let wrote = match req {
            Request::Hello => {
                return ok(Hello {
                    version: PROTOCOL_VERSION,
                    pid: std::process::id(),
                    store: self.store.clone(),
                    up_time: self.started.elapsed().as_secs(),
                });
            }
            Request::ServerGetInfo => {
                let s = config.server_get_info()?;
                let p = |c: PortConfig| WirePorts {
                    num_ports: c.num_ports,
                    port_flags: c.port_flags,
                };
                return ok(WireServer {
                    lan_only_mode: s.lan_only_mode,
                    up_time: u32::try_from(self.started.elapsed().as_secs()).unwrap_or(u32::MAX),
                    total_ports: s.total_ports,
                    ports_in_use: 0,
                    pptp: p(s.pptp),
                    l2tp: p(s.l2tp),
                    sstp: p(s.sstp),
                });
            }
            Request::InterfaceEnum => {
                let links = self.links().await?;
                let mut out = Vec::new();
                let mut resume = 0;
                loop {
                    let page = match config.interface_enum(resume, 1000) {
                        Ok(p) => p,
                        Err(e) if e.code == WinError::ERROR_NO_MORE_ITEMS => break,
                        Err(e) => return Err(e),
                    };
                    for e in page.entries {
                        let info = match config.interface_get_info(&e.id) {
                            Ok(i) => i,
                            Err(err) if err.code == WinError::ERROR_NO_SUCH_INTERFACE => continue,
                            Err(err) => return Err(err),
                        };
                        out.push(WireEntry {
                            id: (&e.id).into(),
                            info: (&self.with_live(info, &links)).into(),
                        });
                    }
                    if page.next_resume == 0 {
                        break;
                    }
                    resume = page.next_resume;
                }
                return ok(out);
            }
            Request::InterfaceGetHandle { name } => {
                return ok(WireId::from(&config.interface_get_handle(&name)?));
            }
            Request::InterfaceGetInfo { id } => {
                let info = config.interface_get_info(&id.into())?;
                let links = self.links().await?;
                return ok(WireInterface::from(&self.with_live(info, &links)));
            }
            Request::InterfaceTransportGetInfo { id, protocol_id } => {
                let it = config.if_transport_get_handle(&id.into(), protocol_id)?;
                return ok(config.if_transport_get_info(&it)?.map(|b| to_hex(&b)));
            }
            Request::TransportGetInfo { protocol_id } => {
                let t = config.transport_get_info(&config.transport_get_handle(protocol_id)?)?;
                return ok(WireTransport {
                    global_info: t.global_info.as_deref().map(to_hex),
                    client_interface_info: t.client_interface_info.as_deref().map(to_hex),
                });
            }
            Request::Status { fresh } => return ok(self.status(fresh).await?),
            Request::Plan => return ok(self.reconciler.plan(&self.source).await?),
            Request::Reconcile => return ok(self.reconcile().await?.clone()),
            Request::InterfaceSetInfo { id, level, info } => {
                config.interface_set_info(&id.into(), level, &info.into())?;
                Value::Null
            }
            Request::InterfaceCreate { info } => {
                let id = config.interface_create(&info.into())?;
                json!(WireId::from(&id))
            }
            Request::InterfaceDelete { id } => {
                config.interface_delete(&InterfaceId::from(id))?;
                Value::Null
            }
            Request::InterfaceTransportAdd {
                id,
                protocol_id,
                info,
            } => {
                let blob = info.as_deref().map(from_hex).transpose()?;
                config.if_transport_add(&id.into(), protocol_id, None, blob.as_deref())?;
                Value::Null
            }
            Request::InterfaceTransportRemove { id, protocol_id } => {
                let it = config.if_transport_get_handle(&id.into(), protocol_id)?;
                config.if_transport_remove(&it)?;
                Value::Null
            }
            Request::InterfaceTransportSetInfo {
                id,
                protocol_id,
                info,
            } => {
                let blob = from_hex(&info)?;
                let it = config.if_transport_get_handle(&id.into(), protocol_id)?;
                config.if_transport_set_info(&it, &blob)?;
                Value::Null
            }
            Request::TransportSetInfo {
                protocol_id,
                global_info,
                client_interface_info,
            } => {
                let g = global_info.as_deref().map(from_hex).transpose()?;
                let c = client_interface_info.as_deref().map(from_hex).transpose()?;
                let t = config.transport_get_handle(protocol_id)?;
                config.transport_set_info(&t, g.as_deref(), c.as_deref(), None)?;
                Value::Null
            }
        };
        // The running router follows the stored configuration: apply the write now, so the
        // change is in effect when the call returns. A kernel refusal is reported by status,
        // not as the call's failure: the configuration change itself succeeded.
        if let Err(e) = self.reconcile().await {
            tracing::warn!(error = %e, "reconcile after an MprAdmin write failed");
        }
        Ok(wrote)
    }
}

/// Plan and status without a running router manager (what `mprcfg plan`/`status` fall back
/// to): reads the store at `store` and this process's kernel view, changes nothing. Needs no
/// privileges except for reading nftables (without `CAP_NET_ADMIN` filters show as pending
/// with the reason).
pub fn plan_without_manager(store: &std::path::Path, protocol: u8) -> Result<Plan> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::new(WinError::ERROR_NOT_ENOUGH_MEMORY, format!("runtime: {e}")))?;
    rt.block_on(async {
        let source = crate::manager::open_store(store)?;
        let mut r = Reconciler::new(protocol)?;
        r.plan(&source).await
    })
}
