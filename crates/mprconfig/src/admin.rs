//! `MprAdmin*` for Rust: administration of the running router, through the router manager
//! (`mprrouted`, crate `mprconfig-router`): this machine's over its Unix socket, another
//! machine's through the `mprd` there, which relays to its router manager's socket
//! (`mprconfig_remote::admin`; docs/router.md, "Remote administration").
//!
//! [`admin_connect`] is `MprAdminServerConnect`: it fails with `RPC_S_UNKNOWN_IF` (1717) when
//! no router manager answers, as Windows does when the router service is not running, so
//! programs can fall back to the configuration API ([`crate::connect`]). On Linux the running
//! router *is* the stored configuration applied to the kernel: every write through an
//! [`AdminConnection`] is committed to the store and applied before the call returns
//! (docs/router.md, "MprAdmin").
//!
//! Protocol (docs/router.md, "Socket protocol"): one JSON object per line each way, a
//! [`Request`] tagged by `"op"`, answered by `{"ok": value}` or
//! `{"error": {"code": N, "detail": "…"}}`. Binary information headers travel as hex.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use mprconfig_core::{
    ConnectionState, Error, Interface, InterfaceEntry, InterfaceId, InterfaceType, PortConfig,
    Result, ServerInfo, WinError,
};
use mprconfig_remote::RemoteAdmin;
use mprconfig_remote::admin::{AdminHello, RouterAdmin};

mod wire;

pub use wire::*;

/// Environment variable naming the router manager's socket.
pub const SOCKET_ENV: &str = "MPRCONFIG_ROUTER_SOCKET";
/// The router manager's socket when [`SOCKET_ENV`] is not set.
pub const DEFAULT_SOCKET: &str = "/run/mprconfig/router.sock";
/// Version of the socket protocol.
pub const PROTOCOL_VERSION: u32 = 1;
/// Longest line either side accepts (a 16 MiB header in hex, plus room).
pub const MAX_LINE: usize = 40 << 20;
/// How long a call waits for its answer (a reconcile of thousands of items takes about a
/// second).
pub const CALL_TIMEOUT: Duration = Duration::from_secs(60);

/// `MPR_INTERFACE_OUT_OF_RESOURCES`.
pub const MPR_INTERFACE_OUT_OF_RESOURCES: u32 = 0x1;
/// `MPR_INTERFACE_ADMIN_DISABLED`.
pub const MPR_INTERFACE_ADMIN_DISABLED: u32 = 0x2;
/// `MPR_INTERFACE_CONNECTION_FAILURE`.
pub const MPR_INTERFACE_CONNECTION_FAILURE: u32 = 0x4;
/// `MPR_INTERFACE_SERVICE_PAUSED`.
pub const MPR_INTERFACE_SERVICE_PAUSED: u32 = 0x8;
/// `MPR_INTERFACE_DIALOUT_HOURS_RESTRICTION`.
pub const MPR_INTERFACE_DIALOUT_HOURS_RESTRICTION: u32 = 0x10;
/// `MPR_INTERFACE_NO_MEDIA_SENSE`.
pub const MPR_INTERFACE_NO_MEDIA_SENSE: u32 = 0x20;
/// `MPR_INTERFACE_NO_DEVICE`.
pub const MPR_INTERFACE_NO_DEVICE: u32 = 0x40;

/// The socket path: `MPRCONFIG_ROUTER_SOCKET` if set and non-empty, else [`DEFAULT_SOCKET`].
pub fn socket_path() -> PathBuf {
    std::env::var_os(SOCKET_ENV)
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_SOCKET))
}

fn unknown_if(path: &Path, why: impl std::fmt::Display) -> Error {
    Error::new(
        WinError::RPC_S_UNKNOWN_IF,
        format!(
            "no router manager answers at {} ({why}); start mprrouted",
            path.display()
        ),
    )
}

pub use mprconfig_remote::admin::TransportHeaders;

/// The router manager's socket, with the calls of one connection serialised on it.
#[derive(Debug)]
struct Socket {
    path: PathBuf,
    io: Mutex<(BufReader<UnixStream>, UnixStream)>,
}

/// Where an [`AdminConnection`]'s calls go.
#[derive(Debug)]
enum Link {
    /// This machine's router manager, over its Unix socket.
    Local(Socket),
    /// Another machine's, through its `mprd` (docs/router.md, "Remote administration"). Boxed:
    /// a session and its client stubs are several times the size of a socket.
    Remote(Box<RemoteAdmin>),
}

/// An open connection to a router manager: the `MPR_SERVER_HANDLE` of `MprAdmin*`, local
/// (its Unix socket) or remote (through `mprd`). Calls from several threads are serialised on a
/// local one and multiplexed on a remote one.
#[derive(Debug)]
pub struct AdminConnection {
    link: Link,
    hello: Hello,
}

/// `MprAdminServerConnect`: connects to the router manager of this machine (`server` `None`,
/// empty or only backslashes) or of the machine `server` names, through its `mprd` (the
/// configuration API's name grammar, trust and token; its codes 53, 5 and 1722 when the server
/// cannot be reached or refuses). No router manager answers (here, or on that machine):
/// `RPC_S_UNKNOWN_IF` (1717), as Windows gives when the router service does not run. A Windows
/// server reached over MS-RRP (`smb://` names, `hosts.toml`) has no `mprd` to relay: 1717 too.
pub fn admin_connect(server: Option<&str>) -> Result<AdminConnection> {
    let name = match server {
        Some(s) if !s.trim_start_matches('\\').is_empty() => s,
        _ => return AdminConnection::connect_path(&socket_path()),
    };
    if mprconfig_rrp::resolve(name)?.is_some() {
        return Err(Error::new(
            WinError::RPC_S_UNKNOWN_IF,
            format!(
                "{name}: router administration (MprAdmin*) of a Windows server over MS-RRP is not \
                 implemented; use the configuration API"
            ),
        ));
    }
    AdminConnection::remote(RemoteAdmin::connect(name)?)
}

/// `MprAdminIsServiceRunning`: true if a router manager answers on this machine (`server`
/// `None` or empty) or on the machine `server` names (through its `mprd`); false otherwise,
/// whatever the reason (see [`admin_connect`]).
pub fn admin_is_running(server: Option<&str>) -> bool {
    admin_connect(server).is_ok()
}

fn gone(path: &Path, e: std::io::Error) -> Error {
    Error::new(
        WinError::RPC_S_SERVER_UNAVAILABLE,
        format!("the router manager at {} went away: {e}", path.display()),
    )
}

fn undecodable(e: serde_json::Error) -> Error {
    Error::new(
        WinError::RPC_S_CALL_FAILED,
        format!("the router manager's reply does not fit: {e}"),
    )
}

fn encoded<T: Serialize>(v: T) -> Result<serde_json::Value> {
    serde_json::to_value(v)
        .map_err(|e| Error::new(WinError::ERROR_INTERNAL_ERROR, format!("encoding: {e}")))
}

impl Socket {
    fn call_value(&self, req: &Request) -> Result<serde_json::Value> {
        let mut line = serde_json::to_vec(req)
            .map_err(|e| Error::new(WinError::ERROR_INTERNAL_ERROR, format!("encoding: {e}")))?;
        line.push(b'\n');
        let mut io = self
            .io
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        io.1.write_all(&line).map_err(|e| gone(&self.path, e))?;
        let mut reply = Vec::new();
        let n = Read::take(&mut io.0, MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut reply)
            .map_err(|e| gone(&self.path, e))?;
        if n == 0 {
            return Err(gone(&self.path, std::io::ErrorKind::UnexpectedEof.into()));
        }
        if reply.len() > MAX_LINE {
            return Err(Error::new(
                WinError::RPC_S_CALL_FAILED,
                "the router manager's reply is too long",
            ));
        }
        match serde_json::from_slice::<Reply>(&reply) {
            Ok(Reply::Ok(v)) => Ok(v),
            Ok(Reply::Error { code, detail }) => Err(Error::new(WinError(code), detail)),
            Err(e) => Err(Error::new(
                WinError::RPC_S_CALL_FAILED,
                format!("the router manager's reply is not understood: {e}"),
            )),
        }
    }

    /// False once the router manager has closed its end (it exited or restarted), without
    /// sending anything: a peek that sees end-of-file. An idle connection has nothing to read.
    fn is_alive(&self) -> bool {
        let io = self
            .io
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !io.0.buffer().is_empty() {
            // Bytes nobody asked for: the connection is out of step.
            return false;
        }
        let mut byte = 0u8;
        // SAFETY: recv into one byte we own, on a socket we own; MSG_PEEK consumes nothing.
        let n = unsafe {
            libc::recv(
                io.1.as_raw_fd(),
                (&raw mut byte).cast(),
                1,
                libc::MSG_PEEK | libc::MSG_DONTWAIT,
            )
        };
        n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::WouldBlock
    }
}

impl AdminConnection {
    /// Connects to the router manager at `path` and checks its protocol version.
    pub fn connect_path(path: &Path) -> Result<AdminConnection> {
        let stream = UnixStream::connect(path).map_err(|e| unknown_if(path, e))?;
        let _ = stream.set_read_timeout(Some(CALL_TIMEOUT));
        let _ = stream.set_write_timeout(Some(CALL_TIMEOUT));
        let writer = stream.try_clone().map_err(|e| unknown_if(path, e))?;
        let socket = Socket {
            path: path.to_path_buf(),
            io: Mutex::new((BufReader::new(stream), writer)),
        };
        let hello: Hello = socket
            .call_value(&Request::Hello)
            .and_then(|v| serde_json::from_value(v).map_err(undecodable))
            .map_err(|e| {
                if e.code == WinError::RPC_S_SERVER_UNAVAILABLE {
                    unknown_if(path, e.detail)
                } else {
                    e
                }
            })?;
        if hello.version != PROTOCOL_VERSION {
            return Err(unknown_if(
                path,
                format!(
                    "it speaks protocol {} and this library {PROTOCOL_VERSION}",
                    hello.version
                ),
            ));
        }
        Ok(AdminConnection {
            link: Link::Local(socket),
            hello,
        })
    }

    /// Administration through an `mprd` relay that found a router manager.
    pub fn remote(admin: RemoteAdmin) -> Result<AdminConnection> {
        let h = admin.hello_at_connect();
        let hello = Hello {
            version: h.version,
            pid: h.pid,
            store: h.store.clone(),
            up_time: h.up_time,
        };
        Ok(AdminConnection {
            link: Link::Remote(Box::new(admin)),
            hello,
        })
    }

    /// What the router manager said when connected.
    pub fn hello(&self) -> &Hello {
        &self.hello
    }

    /// The socket path of a local connection.
    pub fn path(&self) -> Option<&Path> {
        match &self.link {
            Link::Local(s) => Some(&s.path),
            Link::Remote(_) => None,
        }
    }

    /// The server (`host:port`) of a remote connection.
    pub fn server(&self) -> Option<&str> {
        match &self.link {
            Link::Local(_) => None,
            Link::Remote(r) => Some(r.config().server()),
        }
    }

    /// False once a local router manager has closed the connection (it exited or restarted);
    /// a remote connection is checked by its calls.
    pub fn is_alive(&self) -> bool {
        match &self.link {
            Link::Local(s) => s.is_alive(),
            Link::Remote(_) => true,
        }
    }

    /// Sends one request and decodes its reply. A lost connection is
    /// `RPC_S_SERVER_UNAVAILABLE` (1722).
    pub fn call<T: DeserializeOwned>(&self, req: &Request) -> Result<T> {
        serde_json::from_value(self.call_value(req)?).map_err(undecodable)
    }

    /// Sends one request; the raw reply value, in the socket protocol's form whether the
    /// connection is local or remote. Remotely, `reconcile` is not relayed
    /// (`ERROR_NOT_SUPPORTED`): a write through `mprd` is applied before it returns anyway.
    pub fn call_value(&self, req: &Request) -> Result<serde_json::Value> {
        let r = match &self.link {
            Link::Local(s) => return s.call_value(req),
            Link::Remote(r) => r,
        };
        let blob = |b: Option<&String>| b.map(|h| from_hex(h)).transpose();
        match req {
            Request::Hello => encoded(Hello {
                version: self.hello.version,
                pid: self.hello.pid,
                store: self.hello.store.clone(),
                up_time: r.hello()?.up_time,
            }),
            Request::ServerGetInfo => encoded(WireServer::from(r.server_get_info()?)),
            Request::InterfaceEnum => encoded(
                r.interface_enum()?
                    .iter()
                    .map(|e| WireEntry {
                        id: (&e.id).into(),
                        info: (&e.info).into(),
                    })
                    .collect::<Vec<_>>(),
            ),
            Request::InterfaceGetHandle { name } => {
                encoded(WireId::from(&r.interface_get_handle(name)?))
            }
            Request::InterfaceGetInfo { id } => encoded(WireInterface::from(
                &r.interface_get_info(&id.clone().into())?,
            )),
            Request::InterfaceSetInfo { id, level, info } => {
                encoded(r.interface_set_info(&id.clone().into(), *level, &info.clone().into())?)
            }
            Request::InterfaceCreate { info } => {
                encoded(WireId::from(&r.interface_create(&info.clone().into())?))
            }
            Request::InterfaceDelete { id } => encoded(r.interface_delete(&id.clone().into())?),
            Request::InterfaceTransportAdd {
                id,
                protocol_id,
                info,
            } => encoded(r.interface_transport_add(
                &id.clone().into(),
                *protocol_id,
                blob(info.as_ref())?.as_deref(),
            )?),
            Request::InterfaceTransportRemove { id, protocol_id } => {
                encoded(r.interface_transport_remove(&id.clone().into(), *protocol_id)?)
            }
            Request::InterfaceTransportGetInfo { id, protocol_id } => encoded(
                r.interface_transport_get_info(&id.clone().into(), *protocol_id)?
                    .map(|b| to_hex(&b)),
            ),
            Request::InterfaceTransportSetInfo {
                id,
                protocol_id,
                info,
            } => encoded(r.interface_transport_set_info(
                &id.clone().into(),
                *protocol_id,
                &from_hex(info)?,
            )?),
            Request::TransportGetInfo { protocol_id } => {
                let (g, c) = r.transport_get_info(*protocol_id)?;
                encoded(WireTransport {
                    global_info: g.as_deref().map(to_hex),
                    client_interface_info: c.as_deref().map(to_hex),
                })
            }
            Request::TransportSetInfo {
                protocol_id,
                global_info,
                client_interface_info,
            } => encoded(r.transport_set_info(
                *protocol_id,
                blob(global_info.as_ref())?.as_deref(),
                blob(client_interface_info.as_ref())?.as_deref(),
            )?),
            Request::Status { fresh } => {
                serde_json::from_str(&r.status(*fresh)?).map_err(undecodable)
            }
            Request::Plan => serde_json::from_str(&r.plan()?).map_err(undecodable),
            Request::Reconcile => Err(Error::new(
                WinError::ERROR_NOT_SUPPORTED,
                "reconcile is not relayed through mprd (writes are applied before they return)",
            )),
        }
    }

    /// `MprAdminServerGetInfo`.
    pub fn server_get_info(&self) -> Result<ServerInfo> {
        match &self.link {
            Link::Local(_) => self
                .call::<WireServer>(&Request::ServerGetInfo)
                .map(ServerInfo::from),
            Link::Remote(r) => r.server_get_info(),
        }
    }

    /// `MprAdminInterfaceEnum`: every interface with its live state.
    pub fn interface_enum(&self) -> Result<Vec<(InterfaceId, Interface)>> {
        match &self.link {
            Link::Local(_) => {
                let v: Vec<WireEntry> = self.call(&Request::InterfaceEnum)?;
                Ok(v.into_iter()
                    .map(|e| (e.id.into(), e.info.into()))
                    .collect())
            }
            Link::Remote(r) => Ok(r
                .interface_enum()?
                .into_iter()
                .map(|e| (e.id, e.info))
                .collect()),
        }
    }

    /// `MprAdminInterfaceGetHandle`.
    pub fn interface_get_handle(&self, name: &str) -> Result<InterfaceId> {
        match &self.link {
            Link::Local(_) => self
                .call::<WireId>(&Request::InterfaceGetHandle { name: name.into() })
                .map(Into::into),
            Link::Remote(r) => r.interface_get_handle(name),
        }
    }

    /// `MprAdminInterfaceGetInfo`, with the live connection state.
    pub fn interface_get_info(&self, id: &InterfaceId) -> Result<Interface> {
        match &self.link {
            Link::Local(_) => self
                .call::<WireInterface>(&Request::InterfaceGetInfo { id: id.into() })
                .map(Into::into),
            Link::Remote(r) => r.interface_get_info(id),
        }
    }

    /// `MprAdminInterfaceSetInfo` (stored and applied at once).
    pub fn interface_set_info(&self, id: &InterfaceId, level: u32, info: &Interface) -> Result<()> {
        match &self.link {
            Link::Local(_) => self.call(&Request::InterfaceSetInfo {
                id: id.into(),
                level,
                info: info.into(),
            }),
            Link::Remote(r) => r.interface_set_info(id, level, info),
        }
    }

    /// `MprAdminInterfaceCreate` (stored and applied at once).
    pub fn interface_create(&self, info: &Interface) -> Result<InterfaceId> {
        match &self.link {
            Link::Local(_) => self
                .call::<WireId>(&Request::InterfaceCreate { info: info.into() })
                .map(Into::into),
            Link::Remote(r) => r.interface_create(info),
        }
    }

    /// `MprAdminInterfaceDelete`.
    pub fn interface_delete(&self, id: &InterfaceId) -> Result<()> {
        match &self.link {
            Link::Local(_) => self.call(&Request::InterfaceDelete { id: id.into() }),
            Link::Remote(r) => r.interface_delete(id),
        }
    }

    /// `MprAdminInterfaceTransportAdd`.
    pub fn interface_transport_add(
        &self,
        id: &InterfaceId,
        protocol_id: u32,
        info: Option<&[u8]>,
    ) -> Result<()> {
        match &self.link {
            Link::Local(_) => self.call(&Request::InterfaceTransportAdd {
                id: id.into(),
                protocol_id,
                info: info.map(to_hex),
            }),
            Link::Remote(r) => r.interface_transport_add(id, protocol_id, info),
        }
    }

    /// `MprAdminInterfaceTransportRemove`.
    pub fn interface_transport_remove(&self, id: &InterfaceId, protocol_id: u32) -> Result<()> {
        match &self.link {
            Link::Local(_) => self.call(&Request::InterfaceTransportRemove {
                id: id.into(),
                protocol_id,
            }),
            Link::Remote(r) => r.interface_transport_remove(id, protocol_id),
        }
    }

    /// `MprAdminInterfaceTransportGetInfo`: the header, `None` if none is stored.
    pub fn interface_transport_get_info(
        &self,
        id: &InterfaceId,
        protocol_id: u32,
    ) -> Result<Option<Vec<u8>>> {
        match &self.link {
            Link::Local(_) => {
                let v: Option<String> = self.call(&Request::InterfaceTransportGetInfo {
                    id: id.into(),
                    protocol_id,
                })?;
                v.as_deref().map(from_hex).transpose()
            }
            Link::Remote(r) => r.interface_transport_get_info(id, protocol_id),
        }
    }

    /// `MprAdminInterfaceTransportSetInfo`.
    pub fn interface_transport_set_info(
        &self,
        id: &InterfaceId,
        protocol_id: u32,
        info: &[u8],
    ) -> Result<()> {
        match &self.link {
            Link::Local(_) => self.call(&Request::InterfaceTransportSetInfo {
                id: id.into(),
                protocol_id,
                info: to_hex(info),
            }),
            Link::Remote(r) => r.interface_transport_set_info(id, protocol_id, info),
        }
    }

    /// `MprAdminTransportGetInfo`: (global info, client interface info).
    pub fn transport_get_info(&self, protocol_id: u32) -> Result<TransportHeaders> {
        match &self.link {
            Link::Local(_) => {
                let t: WireTransport = self.call(&Request::TransportGetInfo { protocol_id })?;
                Ok((
                    t.global_info.as_deref().map(from_hex).transpose()?,
                    t.client_interface_info
                        .as_deref()
                        .map(from_hex)
                        .transpose()?,
                ))
            }
            Link::Remote(r) => r.transport_get_info(protocol_id),
        }
    }

    /// `MprAdminTransportSetInfo` (`None` leaves a header unchanged).
    pub fn transport_set_info(
        &self,
        protocol_id: u32,
        global_info: Option<&[u8]>,
        client_interface_info: Option<&[u8]>,
    ) -> Result<()> {
        match &self.link {
            Link::Local(_) => self.call(&Request::TransportSetInfo {
                protocol_id,
                global_info: global_info.map(to_hex),
                client_interface_info: client_interface_info.map(to_hex),
            }),
            Link::Remote(r) => {
                r.transport_set_info(protocol_id, global_info, client_interface_info)
            }
        }
    }
}

/// The same calls as the trait `mprd`'s relay serves (and [`RemoteAdmin`] calls), so a relay
/// can hand them to a local connection unchanged.
impl RouterAdmin for AdminConnection {
    fn hello(&self) -> Result<AdminHello> {
        let h: Hello = self.call(&Request::Hello)?;
        Ok(AdminHello {
            version: h.version,
            pid: h.pid,
            store: h.store,
            up_time: h.up_time,
        })
    }
    fn server_get_info(&self) -> Result<ServerInfo> {
        AdminConnection::server_get_info(self)
    }
    fn interface_enum(&self) -> Result<Vec<InterfaceEntry>> {
        Ok(AdminConnection::interface_enum(self)?
            .into_iter()
            .map(|(id, info)| InterfaceEntry { id, info })
            .collect())
    }
    fn interface_get_handle(&self, name: &str) -> Result<InterfaceId> {
        AdminConnection::interface_get_handle(self, name)
    }
    fn interface_get_info(&self, id: &InterfaceId) -> Result<Interface> {
        AdminConnection::interface_get_info(self, id)
    }
    fn interface_set_info(&self, id: &InterfaceId, level: u32, info: &Interface) -> Result<()> {
        AdminConnection::interface_set_info(self, id, level, info)
    }
    fn interface_create(&self, info: &Interface) -> Result<InterfaceId> {
        AdminConnection::interface_create(self, info)
    }
    fn interface_delete(&self, id: &InterfaceId) -> Result<()> {
        AdminConnection::interface_delete(self, id)
    }
    fn interface_transport_add(
        &self,
        id: &InterfaceId,
        protocol_id: u32,
        info: Option<&[u8]>,
    ) -> Result<()> {
        AdminConnection::interface_transport_add(self, id, protocol_id, info)
    }
    fn interface_transport_remove(&self, id: &InterfaceId, protocol_id: u32) -> Result<()> {
        AdminConnection::interface_transport_remove(self, id, protocol_id)
    }
    fn interface_transport_get_info(
        &self,
        id: &InterfaceId,
        protocol_id: u32,
    ) -> Result<Option<Vec<u8>>> {
        AdminConnection::interface_transport_get_info(self, id, protocol_id)
    }
    fn interface_transport_set_info(
        &self,
        id: &InterfaceId,
        protocol_id: u32,
        info: &[u8],
    ) -> Result<()> {
        AdminConnection::interface_transport_set_info(self, id, protocol_id, info)
    }
    fn transport_get_info(&self, protocol_id: u32) -> Result<TransportHeaders> {
        AdminConnection::transport_get_info(self, protocol_id)
    }
    fn transport_set_info(
        &self,
        protocol_id: u32,
        global_info: Option<&[u8]>,
        client_interface_info: Option<&[u8]>,
    ) -> Result<()> {
        AdminConnection::transport_set_info(self, protocol_id, global_info, client_interface_info)
    }
    fn plan(&self) -> Result<String> {
        Ok(self.call_value(&Request::Plan)?.to_string())
    }
    fn status(&self, fresh: bool) -> Result<String> {
        Ok(self.call_value(&Request::Status { fresh })?.to_string())
    }
}
