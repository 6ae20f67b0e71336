//! Router administration (`MprAdmin*`) through `mprd`: the calls of the router manager
//! (`mprrouted`) as a trait, [`RouterAdmin`], and the table they cross the wire by.
//!
//! Three parties implement the trait: `mprconfig::admin` for this machine's router manager
//! (its Unix socket), `mprd` for the relay it serves (the same socket on the server's machine),
//! and [`crate::admin_client::RemoteAdmin`] for a client of that relay. The server side of the
//! relay is `server/admin.rs`. Both sides are generated from one table, [`router_admin_ops!`],
//! whose rows read as those of `crate::ops`:
//!
//! ```text
//! ACCESS method(param: Type, ...) -> Result = RequestMessage => ReplyMessage;
//! ```
//!
//! `ACCESS` is `Read` (any role) or `Write` (the admin role, else `ERROR_ACCESS_DENIED`). Every
//! call runs on the blocking pool (it waits for the router manager, and a write for its
//! reconcile); none is cached, as the answers carry live kernel state. The parameter and result
//! types cross the wire through [`crate::wire::Param`] and [`crate::wire::Carries`]; the
//! entries for the results no configuration operation has are at the end of this file.

// Replies are converted back to core types on the client's side only.
#[cfg(feature = "client")]
use crate::convert as cv;
use crate::pb;
use crate::wire::Carries;
use mprconfig_core::Result;
use mprconfig_core::model::*;

/// What the router manager says about itself (`Hello`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AdminHello {
    /// Its socket protocol version.
    pub version: u32,
    /// Its process id.
    pub pid: u32,
    /// The store file it applies.
    pub store: String,
    /// Seconds since it started.
    pub up_time: u64,
}

/// A transport's (global, client-interface) information headers, each absent when not stored.
pub type TransportHeaders = (Option<Vec<u8>>, Option<Vec<u8>>);

/// The router manager's calls: `MprAdmin*` with live state, writes stored and applied before
/// they return, and the plan and status of `mprcfg`. Codes are the router manager's (those of
/// the `MprConfig*` call on the same object, docs/c-api.md); `RPC_S_UNKNOWN_IF` (1717) when no
/// router manager answers.
pub trait RouterAdmin: Send + Sync {
    /// The router manager's hello: it runs, and which store it applies.
    fn hello(&self) -> Result<AdminHello>;
    /// `MprAdminServerGetInfo` (the up time is the router manager's).
    fn server_get_info(&self) -> Result<ServerInfo>;
    /// `MprAdminInterfaceEnum`: every interface with its live state.
    fn interface_enum(&self) -> Result<Vec<InterfaceEntry>>;
    /// `MprAdminInterfaceGetHandle` (case-insensitive).
    fn interface_get_handle(&self, name: &str) -> Result<InterfaceId>;
    /// `MprAdminInterfaceGetInfo`, with the live connection state.
    fn interface_get_info(&self, id: &InterfaceId) -> Result<Interface>;
    /// `MprAdminInterfaceSetInfo` (stored and applied before it returns).
    fn interface_set_info(&self, id: &InterfaceId, level: u32, info: &Interface) -> Result<()>;
    /// `MprAdminInterfaceCreate`.
    fn interface_create(&self, info: &Interface) -> Result<InterfaceId>;
    /// `MprAdminInterfaceDelete`.
    fn interface_delete(&self, id: &InterfaceId) -> Result<()>;
    /// `MprAdminInterfaceTransportAdd`.
    fn interface_transport_add(
        &self,
        id: &InterfaceId,
        protocol_id: u32,
        info: Option<&[u8]>,
    ) -> Result<()>;
    /// `MprAdminInterfaceTransportRemove`.
    fn interface_transport_remove(&self, id: &InterfaceId, protocol_id: u32) -> Result<()>;
    /// `MprAdminInterfaceTransportGetInfo`: the header, `None` if none is stored.
    fn interface_transport_get_info(
        &self,
        id: &InterfaceId,
        protocol_id: u32,
    ) -> Result<Option<Vec<u8>>>;
    /// `MprAdminInterfaceTransportSetInfo`.
    fn interface_transport_set_info(
        &self,
        id: &InterfaceId,
        protocol_id: u32,
        info: &[u8],
    ) -> Result<()>;
    /// `MprAdminTransportGetInfo`: (global info, client interface info).
    fn transport_get_info(&self, protocol_id: u32) -> Result<TransportHeaders>;
    /// `MprAdminTransportSetInfo` (`None` leaves a header unchanged).
    fn transport_set_info(
        &self,
        protocol_id: u32,
        global_info: Option<&[u8]>,
        client_interface_info: Option<&[u8]>,
    ) -> Result<()>;
    /// `mprcfg plan`: the router manager's dry-run plan, as its socket's JSON text.
    fn plan(&self) -> Result<String>;
    /// `mprcfg status`: every item's state, as its socket's JSON text (`fresh`: read the
    /// nftables counters now).
    fn status(&self, fresh: bool) -> Result<String>;
}

/// Calls `$then! { rows }` with every administration operation (see the module documentation).
macro_rules! router_admin_ops {
    ($then:ident) => {
        $then! {
            Read  hello() -> AdminHello = SessionRequest => AdminHelloReply;
            Read  server_get_info() -> ServerInfo = SessionRequest => ServerInfoReply;
            Read  interface_enum() -> Vec<InterfaceEntry> = SessionRequest => AdminInterfaceEnumReply;
            Read  interface_get_handle(name: &str) -> InterfaceId = NameRequest => InterfaceIdReply;
            Read  interface_get_info(id: &InterfaceId) -> Interface
                = InterfaceRequest => InterfaceReply;
            Write interface_set_info(id: &InterfaceId, level: u32, info: &Interface) -> ()
                = InterfaceSetInfoRequest => StatusReply;
            Write interface_create(info: &Interface) -> InterfaceId
                = InterfaceCreateRequest => InterfaceIdReply;
            Write interface_delete(id: &InterfaceId) -> () = InterfaceRequest => StatusReply;
            Write interface_transport_add(id: &InterfaceId, protocol_id: u32, info: Option<&[u8]>)
                -> () = AdminIfTransportAddRequest => StatusReply;
            Write interface_transport_remove(id: &InterfaceId, protocol_id: u32) -> ()
                = AdminIfTransportRequest => StatusReply;
            Read  interface_transport_get_info(id: &InterfaceId, protocol_id: u32) -> Option<Vec<u8>>
                = AdminIfTransportRequest => BlobReply;
            Write interface_transport_set_info(id: &InterfaceId, protocol_id: u32, info: &[u8]) -> ()
                = AdminIfTransportSetInfoRequest => StatusReply;
            Read  transport_get_info(protocol_id: u32) -> TransportHeaders
                = ProtocolRequest => AdminTransportInfoReply;
            Write transport_set_info(
                protocol_id: u32,
                global_info: Option<&[u8]>,
                client_interface_info: Option<&[u8]>
            ) -> () = AdminTransportSetInfoRequest => StatusReply;
            Read  plan() -> String = SessionRequest => AdminJsonReply;
            Read  status(fresh: bool) -> String = AdminStatusRequest => AdminJsonReply;
        }
    };
}
pub(crate) use router_admin_ops;

/// `Carries` for the results only administration has (written out: `wire.rs`'s helper macro is
/// private to it).
impl Carries<AdminHello> for pb::AdminHelloReply {
    fn status(&mut self) -> &mut Option<pb::WinStatus> {
        &mut self.status
    }
    #[cfg(feature = "server")]
    fn put(&mut self, v: AdminHello) {
        self.version = v.version;
        self.pid = v.pid;
        self.store = v.store;
        self.up_time = v.up_time;
    }
    #[cfg(feature = "client")]
    fn take(self) -> Result<AdminHello> {
        Ok(AdminHello {
            version: self.version,
            pid: self.pid,
            store: self.store,
            up_time: self.up_time,
        })
    }
}

impl Carries<Vec<InterfaceEntry>> for pb::AdminInterfaceEnumReply {
    fn status(&mut self) -> &mut Option<pb::WinStatus> {
        &mut self.status
    }
    #[cfg(feature = "server")]
    fn put(&mut self, v: Vec<InterfaceEntry>) {
        self.entries = v.iter().map(Into::into).collect();
    }
    #[cfg(feature = "client")]
    fn take(self) -> Result<Vec<InterfaceEntry>> {
        self.entries.into_iter().map(cv::interface_entry).collect()
    }
}

impl Carries<TransportHeaders> for pb::AdminTransportInfoReply {
    fn status(&mut self) -> &mut Option<pb::WinStatus> {
        &mut self.status
    }
    #[cfg(feature = "server")]
    fn put(&mut self, v: TransportHeaders) {
        self.global_info = v.0;
        self.client_interface_info = v.1;
    }
    #[cfg(feature = "client")]
    fn take(self) -> Result<TransportHeaders> {
        Ok((self.global_info, self.client_interface_info))
    }
}

impl Carries<String> for pb::AdminJsonReply {
    fn status(&mut self) -> &mut Option<pb::WinStatus> {
        &mut self.status
    }
    #[cfg(feature = "server")]
    fn put(&mut self, v: String) {
        self.json = v;
    }
    #[cfg(feature = "client")]
    fn take(self) -> Result<String> {
        Ok(self.json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows as `(access, method)` names.
    macro_rules! names {
        ($(
            $access:ident $method:ident ( $( $p:ident : $ty:ty ),* ) -> $ret:ty = $req:ident => $rep:ident;
        )*) => {
            &[$( (stringify!($access), stringify!($method)) ),*]
        };
    }

    #[test]
    fn every_change_needs_the_admin_role() {
        let rows: &[(&str, &str)] = router_admin_ops!(names);
        assert_eq!(rows.len(), 16, "one row per RouterAdmin method");
        let changes = ["_set_", "_create", "_delete", "_add", "_remove"];
        for (access, method) in rows {
            let write = changes.iter().any(|c| method.contains(c));
            assert_eq!(*access, if write { "Write" } else { "Read" }, "{method}");
        }
    }

    #[cfg(all(feature = "client", feature = "server"))]
    #[test]
    fn the_admin_only_results_survive_their_replies() {
        fn round<R: Carries<T>, T>(v: T) -> T {
            let mut r = R::default();
            r.put(v);
            R::decode(r.encode_to_vec().as_slice())
                .expect("decodes")
                .take()
                .expect("well formed")
        }
        let h = AdminHello {
            version: 1,
            pid: 42,
            store: "/var/lib/mprconfig/router.db".into(),
            up_time: u64::MAX,
        };
        assert_eq!(round::<pb::AdminHelloReply, _>(h.clone()), h);
        let e = vec![InterfaceEntry {
            id: InterfaceId {
                key: 3,
                name: "eth1".into(),
            },
            info: Interface {
                name: "eth1".into(),
                ..Interface::default()
            },
        }];
        assert_eq!(round::<pb::AdminInterfaceEnumReply, _>(e.clone()), e);
        let t: TransportHeaders = (Some(vec![1, 2]), None);
        assert_eq!(round::<pb::AdminTransportInfoReply, _>(t.clone()), t);
        assert_eq!(round::<pb::AdminJsonReply, _>("{}".to_string()), "{}");
    }
}
