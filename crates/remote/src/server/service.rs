//! The gRPC service: every call checks its session, token and role, then runs one
//! `RouterConfig` operation inline or on the blocking pool, through the reply cache for point
//! reads.

use super::sessions::{ConnInfo, Shared};
use crate::convert as cv;
use crate::pb;
use crate::pb::router_config_service_server::RouterConfigService;
use crate::tokens::Role;
use mprconfig_core::{Error, Result, RouterConfig, WinError};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use tonic::{Request, Response, Status};

/// What a call does to the store, which decides the role it needs and where it runs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    /// A point read (a get-info, a get-handle), named for the reply cache: runs inline on the
    /// async worker, and its reply is reused while the configuration's data version is unchanged
    /// (see [`super::cache::ReplyCache`]).
    Read(&'static str),
    /// A read with a side effect (`refresh`): inline, never answered from the cache.
    Live,
    /// A read that may walk the whole configuration (enumerations, backup): blocking pool.
    Scan,
    /// A change (admin role only): blocking pool, as a commit waits for fsync.
    Write,
}
use Access::{Live, Read, Scan, Write};

trait HasSession {
    fn take_session(&mut self) -> String;
}

trait Reply: Default {
    fn set_status(&mut self, s: pb::WinStatus);
}

macro_rules! has_session {
    ($($t:ty),* $(,)?) => { $( impl HasSession for $t {
        fn take_session(&mut self) -> String { std::mem::take(&mut self.session) }
    } )* };
}

macro_rules! reply {
    ($($t:ty),* $(,)?) => { $( impl Reply for $t {
        fn set_status(&mut self, s: pb::WinStatus) { self.status = Some(s); }
    } )* };
}

has_session!(
    pb::SessionRequest,
    pb::InstallRequest,
    pb::ServerSetInfoRequest,
    pb::ServerSetInfoExRequest,
    pb::RestoreRequest,
    pb::InterfaceCreateRequest,
    pb::InterfaceRequest,
    pb::NameRequest,
    pb::InterfaceSetInfoRequest,
    pb::EnumRequest,
    pb::InterfaceSetCustomInfoRequest,
    pb::IfTransportAddRequest,
    pb::IfTransportRequest,
    pb::IfTransportGetHandleRequest,
    pb::IfTransportSetInfoRequest,
    pb::IfTransportEnumRequest,
    pb::TransportCreateRequest,
    pb::TransportRequest,
    pb::ProtocolRequest,
    pb::TransportSetInfoRequest,
    pb::FilterSetInfoRequest,
);

reply!(
    pb::ConnectReply,
    pb::StatusReply,
    pb::ServerInfoReply,
    pb::ServerInfoExReply,
    pb::BackupReply,
    pb::InterfaceIdReply,
    pb::InterfaceReply,
    pb::InterfaceEnumReply,
    pb::CustomInfoReply,
    pb::IfTransportIdReply,
    pb::BlobReply,
    pb::IfTransportEnumReply,
    pb::TransportIdReply,
    pb::TransportInfoReply,
    pb::TransportEnumReply,
    pb::FilterReply,
    pb::NameReply,
);

fn respond<R: Reply, T>(
    r: Result<T>,
    fill: impl FnOnce(&mut R, T),
) -> std::result::Result<Response<R>, Status> {
    let mut rep = R::default();
    match r {
        Ok(v) => {
            rep.set_status(pb::WinStatus {
                code: 0,
                detail: String::new(),
            });
            fill(&mut rep, v);
        }
        Err(e) => rep.set_status(pb::WinStatus {
            code: e.code.0,
            detail: e.detail,
        }),
    }
    Ok(Response::new(rep))
}

fn status_only(rep: &mut pb::StatusReply, (): ()) {
    let _ = rep;
}

type Res<T> = std::result::Result<Response<T>, Status>;

/// The gRPC service over a set of sessions.
#[derive(Clone)]
pub(super) struct Service {
    pub(super) shared: Arc<Shared>,
}

impl Service {
    async fn blocking<T: Send + 'static>(
        f: impl FnOnce() -> Result<T> + Send + 'static,
    ) -> Result<T> {
        tokio::task::spawn_blocking(f).await.unwrap_or_else(|e| {
            Err(Error::new(
                WinError::ERROR_INTERNAL_ERROR,
                format!("call failed inside the server: {e}"),
            ))
        })
    }

    /// One call: find the session on this connection, check the token is still valid and the
    /// role allows the access, then run `op`: inline for [`Access::Read`] (answered from the
    /// [`super::cache::ReplyCache`] when the configuration has not changed) and [`Access::Live`], on the
    /// blocking pool otherwise.
    async fn call<Req, Rep, T>(
        &self,
        request: Request<Req>,
        access: Access,
        op: impl FnOnce(&dyn RouterConfig, Req) -> Result<T> + Send + 'static,
        fill: impl FnOnce(&mut Rep, T),
    ) -> Res<Rep>
    where
        Req: HasSession + prost::Message + Send + 'static,
        Rep: Reply + prost::Message + Clone + Send + Sync + 'static,
        T: Send + 'static,
    {
        let shared = &self.shared;
        shared.stats.requests.fetch_add(1, Ordering::Relaxed);
        let (_, ext, mut msg) = request.into_parts();
        let conn = ext.get::<ConnInfo>().map(|c| c.id);
        let id = msg.take_session();
        let config = match shared.session_for(conn, &id, access == Write) {
            Ok(c) => c,
            Err(e) => return respond(Err::<T, _>(e), fill),
        };
        match access {
            Read(rpc) => {
                let key = (
                    Arc::as_ptr(&config).cast::<()>() as usize,
                    rpc,
                    msg.encode_to_vec(),
                );
                // A failed version read only means no caching; the call itself reports errors.
                let version = config.data_version().ok().flatten();
                if let Some(v) = version
                    && let Some(rep) = shared.replies.get::<Rep>(&key, &config, v)
                {
                    shared.stats.cached_replies.fetch_add(1, Ordering::Relaxed);
                    return Ok(Response::new(rep));
                }
                let reply = respond(op(&*config, msg), fill)?;
                if let Some(v) = version {
                    shared.replies.put(key, &config, v, reply.get_ref());
                }
                Ok(reply)
            }
            Live => respond(op(&*config, msg), fill),
            Scan | Write => respond(Self::blocking(move || op(&*config, msg)).await, fill),
        }
    }
}

#[tonic::async_trait]
impl RouterConfigService for Service {
    async fn connect(&self, request: Request<pb::ConnectRequest>) -> Res<pb::ConnectReply> {
        self.shared.stats.requests.fetch_add(1, Ordering::Relaxed);
        let (meta, ext, msg) = request.into_parts();
        let r = self
            .shared
            .open_session(&meta, ext.get::<ConnInfo>().cloned(), &msg);
        let mut rep = respond(
            r,
            |rep: &mut pb::ConnectReply, (id, role): (String, Role)| {
                rep.session = id;
                rep.role = match role {
                    Role::Admin => pb::Role::Admin as i32,
                    Role::Reader => pb::Role::Reader as i32,
                };
            },
        )?;
        rep.get_mut().protocol_version = crate::PROTOCOL_VERSION;
        rep.get_mut().server_version = env!("CARGO_PKG_VERSION").to_string();
        Ok(rep)
    }

    async fn disconnect(&self, request: Request<pb::SessionRequest>) -> Res<pb::StatusReply> {
        self.shared.stats.requests.fetch_add(1, Ordering::Relaxed);
        let (_, ext, msg) = request.into_parts();
        let conn = ext.get::<ConnInfo>().map(|c| c.id);
        let r = self.shared.disconnect(conn, &msg.session);
        respond(r, status_only)
    }

    async fn refresh(&self, r: Request<pb::SessionRequest>) -> Res<pb::StatusReply> {
        self.call(r, Live, |c, _| c.refresh(), status_only).await
    }

    async fn install(&self, r: Request<pb::InstallRequest>) -> Res<pb::StatusReply> {
        self.call(
            r,
            Write,
            |c, m| c.install(&m.links.into_iter().map(cv::net_link).collect::<Vec<_>>()),
            status_only,
        )
        .await
    }

    async fn server_get_info(&self, r: Request<pb::SessionRequest>) -> Res<pb::ServerInfoReply> {
        self.call(
            r,
            Read("server_get_info"),
            |c, _| c.server_get_info(),
            |rep: &mut pb::ServerInfoReply, v| rep.info = Some(v.into()),
        )
        .await
    }

    async fn server_set_info(&self, r: Request<pb::ServerSetInfoRequest>) -> Res<pb::StatusReply> {
        self.call(
            r,
            Write,
            |c, m| c.server_set_info(m.level, &cv::server_info(m.info)?),
            status_only,
        )
        .await
    }

    async fn server_get_info_ex(
        &self,
        r: Request<pb::SessionRequest>,
    ) -> Res<pb::ServerInfoExReply> {
        self.call(
            r,
            Read("server_get_info_ex"),
            |c, _| c.server_get_info_ex(),
            |rep: &mut pb::ServerInfoExReply, v| rep.info = Some(v.into()),
        )
        .await
    }

    async fn server_set_info_ex(
        &self,
        r: Request<pb::ServerSetInfoExRequest>,
    ) -> Res<pb::StatusReply> {
        self.call(
            r,
            Write,
            |c, m| c.server_set_info_ex(&cv::server_set_config_ex(m.config)?),
            status_only,
        )
        .await
    }

    async fn backup(&self, r: Request<pb::SessionRequest>) -> Res<pb::BackupReply> {
        self.call(
            r,
            Scan,
            |c, _| c.backup(),
            |rep: &mut pb::BackupReply, v| rep.backup = v,
        )
        .await
    }

    async fn restore(&self, r: Request<pb::RestoreRequest>) -> Res<pb::StatusReply> {
        self.call(r, Write, |c, m| c.restore(&m.backup), status_only)
            .await
    }

    async fn interface_create(
        &self,
        r: Request<pb::InterfaceCreateRequest>,
    ) -> Res<pb::InterfaceIdReply> {
        self.call(
            r,
            Write,
            |c, m| c.interface_create(&cv::interface(m.info)?),
            |rep: &mut pb::InterfaceIdReply, v| rep.id = Some((&v).into()),
        )
        .await
    }

    async fn interface_delete(&self, r: Request<pb::InterfaceRequest>) -> Res<pb::StatusReply> {
        self.call(
            r,
            Write,
            |c, m| c.interface_delete(&cv::interface_id(m.id)?),
            status_only,
        )
        .await
    }

    async fn interface_get_handle(&self, r: Request<pb::NameRequest>) -> Res<pb::InterfaceIdReply> {
        self.call(
            r,
            Read("interface_get_handle"),
            |c, m| c.interface_get_handle(&m.name),
            |rep: &mut pb::InterfaceIdReply, v| rep.id = Some((&v).into()),
        )
        .await
    }

    async fn interface_get_info(
        &self,
        r: Request<pb::InterfaceRequest>,
    ) -> Res<pb::InterfaceReply> {
        self.call(
            r,
            Read("interface_get_info"),
            |c, m| c.interface_get_info(&cv::interface_id(m.id)?),
            |rep: &mut pb::InterfaceReply, v| rep.info = Some((&v).into()),
        )
        .await
    }

    async fn interface_set_info(
        &self,
        r: Request<pb::InterfaceSetInfoRequest>,
    ) -> Res<pb::StatusReply> {
        self.call(
            r,
            Write,
            |c, m| c.interface_set_info(&cv::interface_id(m.id)?, m.level, &cv::interface(m.info)?),
            status_only,
        )
        .await
    }

    async fn interface_enum(&self, r: Request<pb::EnumRequest>) -> Res<pb::InterfaceEnumReply> {
        self.call(
            r,
            Scan,
            |c, m| c.interface_enum(m.resume, m.max_entries),
            |rep: &mut pb::InterfaceEnumReply, p| {
                rep.entries = p.entries.iter().map(Into::into).collect();
                rep.total_from_resume = p.total_from_resume;
                rep.next_resume = p.next_resume;
            },
        )
        .await
    }

    async fn interface_get_custom_info(
        &self,
        r: Request<pb::InterfaceRequest>,
    ) -> Res<pb::CustomInfoReply> {
        self.call(
            r,
            Read("interface_get_custom_info"),
            |c, m| c.interface_get_custom_info(&cv::interface_id(m.id)?),
            |rep: &mut pb::CustomInfoReply, v| rep.info = Some(v.into()),
        )
        .await
    }

    async fn interface_set_custom_info(
        &self,
        r: Request<pb::InterfaceSetCustomInfoRequest>,
    ) -> Res<pb::StatusReply> {
        self.call(
            r,
            Write,
            |c, m| c.interface_set_custom_info(&cv::interface_id(m.id)?, &cv::custom_info(m.info)?),
            status_only,
        )
        .await
    }

    async fn if_transport_add(
        &self,
        r: Request<pb::IfTransportAddRequest>,
    ) -> Res<pb::IfTransportIdReply> {
        self.call(
            r,
            Write,
            |c, m| {
                c.if_transport_add(
                    &cv::interface_id(m.interface)?,
                    m.protocol_id,
                    m.name.as_deref(),
                    m.info.as_deref(),
                )
            },
            |rep: &mut pb::IfTransportIdReply, v| rep.id = Some((&v).into()),
        )
        .await
    }

    async fn if_transport_remove(
        &self,
        r: Request<pb::IfTransportRequest>,
    ) -> Res<pb::StatusReply> {
        self.call(
            r,
            Write,
            |c, m| c.if_transport_remove(&cv::if_transport_id(m.id)?),
            status_only,
        )
        .await
    }

    async fn if_transport_get_handle(
        &self,
        r: Request<pb::IfTransportGetHandleRequest>,
    ) -> Res<pb::IfTransportIdReply> {
        self.call(
            r,
            Read("if_transport_get_handle"),
            |c, m| c.if_transport_get_handle(&cv::interface_id(m.interface)?, m.protocol_id),
            |rep: &mut pb::IfTransportIdReply, v| rep.id = Some((&v).into()),
        )
        .await
    }

    async fn if_transport_get_info(
        &self,
        r: Request<pb::IfTransportRequest>,
    ) -> Res<pb::BlobReply> {
        self.call(
            r,
            Read("if_transport_get_info"),
            |c, m| c.if_transport_get_info(&cv::if_transport_id(m.id)?),
            |rep: &mut pb::BlobReply, v| rep.data = v,
        )
        .await
    }

    async fn if_transport_set_info(
        &self,
        r: Request<pb::IfTransportSetInfoRequest>,
    ) -> Res<pb::StatusReply> {
        self.call(
            r,
            Write,
            |c, m| c.if_transport_set_info(&cv::if_transport_id(m.id)?, &m.info),
            status_only,
        )
        .await
    }

    async fn if_transport_enum(
        &self,
        r: Request<pb::IfTransportEnumRequest>,
    ) -> Res<pb::IfTransportEnumReply> {
        self.call(
            r,
            Scan,
            |c, m| c.if_transport_enum(&cv::interface_id(m.interface)?, m.resume, m.max_entries),
            |rep: &mut pb::IfTransportEnumReply, p| {
                rep.entries = p.entries.iter().map(Into::into).collect();
                rep.total_from_resume = p.total_from_resume;
                rep.next_resume = p.next_resume;
            },
        )
        .await
    }

    async fn transport_create(
        &self,
        r: Request<pb::TransportCreateRequest>,
    ) -> Res<pb::TransportIdReply> {
        self.call(
            r,
            Write,
            |c, m| {
                c.transport_create(
                    m.protocol_id,
                    m.name.as_deref(),
                    m.global_info.as_deref(),
                    m.client_interface_info.as_deref(),
                    m.dll_path.as_deref(),
                )
            },
            |rep: &mut pb::TransportIdReply, v| rep.id = Some((&v).into()),
        )
        .await
    }

    async fn transport_delete(&self, r: Request<pb::TransportRequest>) -> Res<pb::StatusReply> {
        self.call(
            r,
            Write,
            |c, m| c.transport_delete(&cv::transport_id(m.id)?),
            status_only,
        )
        .await
    }

    async fn transport_get_handle(
        &self,
        r: Request<pb::ProtocolRequest>,
    ) -> Res<pb::TransportIdReply> {
        self.call(
            r,
            Read("transport_get_handle"),
            |c, m| c.transport_get_handle(m.protocol_id),
            |rep: &mut pb::TransportIdReply, v| rep.id = Some((&v).into()),
        )
        .await
    }

    async fn transport_get_info(
        &self,
        r: Request<pb::TransportRequest>,
    ) -> Res<pb::TransportInfoReply> {
        self.call(
            r,
            Read("transport_get_info"),
            |c, m| c.transport_get_info(&cv::transport_id(m.id)?),
            |rep: &mut pb::TransportInfoReply, v| rep.info = Some(v.into()),
        )
        .await
    }

    async fn transport_set_info(
        &self,
        r: Request<pb::TransportSetInfoRequest>,
    ) -> Res<pb::StatusReply> {
        self.call(
            r,
            Write,
            |c, m| {
                c.transport_set_info(
                    &cv::transport_id(m.id)?,
                    m.global_info.as_deref(),
                    m.client_interface_info.as_deref(),
                    m.dll_path.as_deref(),
                )
            },
            status_only,
        )
        .await
    }

    async fn transport_enum(&self, r: Request<pb::EnumRequest>) -> Res<pb::TransportEnumReply> {
        self.call(
            r,
            Scan,
            |c, m| c.transport_enum(m.resume, m.max_entries),
            |rep: &mut pb::TransportEnumReply, p| {
                rep.entries = p.entries.iter().map(Into::into).collect();
                rep.total_from_resume = p.total_from_resume;
                rep.next_resume = p.next_resume;
            },
        )
        .await
    }

    async fn filter_get_info(&self, r: Request<pb::ProtocolRequest>) -> Res<pb::FilterReply> {
        self.call(
            r,
            Read("filter_get_info"),
            |c, m| c.filter_get_info(m.protocol_id),
            |rep: &mut pb::FilterReply, v| rep.enabled = v,
        )
        .await
    }

    async fn filter_set_info(&self, r: Request<pb::FilterSetInfoRequest>) -> Res<pb::StatusReply> {
        self.call(
            r,
            Write,
            |c, m| c.filter_set_info(m.protocol_id, m.enable),
            status_only,
        )
        .await
    }

    async fn get_friendly_name(&self, r: Request<pb::NameRequest>) -> Res<pb::NameReply> {
        self.call(
            r,
            Read("get_friendly_name"),
            |c, m| c.get_friendly_name(&m.name),
            |rep: &mut pb::NameReply, v| rep.name = v,
        )
        .await
    }

    async fn get_guid_name(&self, r: Request<pb::NameRequest>) -> Res<pb::NameReply> {
        self.call(
            r,
            Read("get_guid_name"),
            |c, m| c.get_guid_name(&m.name),
            |rep: &mut pb::NameReply, v| rep.name = v,
        )
        .await
    }
}
