//! The table of remote operations: one row per `RouterConfig` method, from which both sides
//! are generated.
//!
//! `router_config_ops!(m)` calls the macro `m` with every row. The server expands it into its
//! `RouterConfigService` handlers (`server/service.rs`), the client into
//! `impl RouterConfig for RemoteConfig` (`client.rs`). A row reads
//!
//! ```text
//! ACCESS method(param: Type, ...) -> Result = RequestMessage => ReplyMessage;
//! ```
//!
//! * `ACCESS` decides the role a call needs, where it runs and whether its reply may be cached:
//!   `Read` is a point read (inline on the async worker, its reply reused from the reply cache
//!   while the configuration's data version is unchanged; the cache key is the method name and
//!   the encoded request without the session); `Live` a read with a side effect (inline, never
//!   cached); `Scan` a read that may walk the whole configuration (blocking pool); `Write` a
//!   change (admin role only, blocking pool, as a commit waits for fsync).
//! * `method` is the `RouterConfig` method and, as tonic spells it, the RPC.
//! * The parameters are the trait's, spelled as the trait spells their types; the request
//!   message holds `session` plus one field per parameter, of the same name, in any order. Each
//!   parameter type converts through [`crate::wire::Param`].
//! * The reply message carries `status` and the result through [`crate::wire::Carries`].
//!
//! Rows name the model types (`InterfaceId`, ...) and `pb` as the expanding module sees them,
//! so both expansion sites import `mprconfig_core::model::*` and `crate::pb`.
//!
//! Connect and Disconnect are not rows: they open and close sessions rather than run an
//! operation on one.

/// Calls `$then! { rows }` with every remote operation (see the module documentation).
macro_rules! router_config_ops {
    ($then:ident) => {
        $then! {
            Live  refresh() -> () = SessionRequest => StatusReply;
            Write install(links: &[NetLink]) -> () = InstallRequest => StatusReply;
            Read  server_get_info() -> ServerInfo = SessionRequest => ServerInfoReply;
            Write server_set_info(level: u32, info: &ServerInfo) -> ()
                = ServerSetInfoRequest => StatusReply;
            Read  server_get_info_ex() -> ServerInfoEx = SessionRequest => ServerInfoExReply;
            Write server_set_info_ex(config: &ServerSetConfigEx) -> ()
                = ServerSetInfoExRequest => StatusReply;
            Scan  backup() -> Vec<u8> = SessionRequest => BackupReply;
            Write restore(backup: &[u8]) -> () = RestoreRequest => StatusReply;

            Write interface_create(info: &Interface) -> InterfaceId
                = InterfaceCreateRequest => InterfaceIdReply;
            Write interface_delete(id: &InterfaceId) -> () = InterfaceRequest => StatusReply;
            Read  interface_get_handle(name: &str) -> InterfaceId = NameRequest => InterfaceIdReply;
            Read  interface_get_info(id: &InterfaceId) -> Interface
                = InterfaceRequest => InterfaceReply;
            Write interface_set_info(id: &InterfaceId, level: u32, info: &Interface) -> ()
                = InterfaceSetInfoRequest => StatusReply;
            Scan  interface_enum(resume: u32, max_entries: u32) -> Page<InterfaceEntry>
                = EnumRequest => InterfaceEnumReply;
            Read  interface_get_custom_info(id: &InterfaceId) -> CustomInfoEx
                = InterfaceRequest => CustomInfoReply;
            Write interface_set_custom_info(id: &InterfaceId, info: &CustomInfoEx) -> ()
                = InterfaceSetCustomInfoRequest => StatusReply;

            Write if_transport_add(
                interface: &InterfaceId,
                protocol_id: u32,
                name: Option<&str>,
                info: Option<&[u8]>
            ) -> IfTransportId = IfTransportAddRequest => IfTransportIdReply;
            Write if_transport_remove(id: &IfTransportId) -> () = IfTransportRequest => StatusReply;
            Read  if_transport_get_handle(interface: &InterfaceId, protocol_id: u32) -> IfTransportId
                = IfTransportGetHandleRequest => IfTransportIdReply;
            Read  if_transport_get_info(id: &IfTransportId) -> Option<Vec<u8>>
                = IfTransportRequest => BlobReply;
            Write if_transport_set_info(id: &IfTransportId, info: &[u8]) -> ()
                = IfTransportSetInfoRequest => StatusReply;
            Scan  if_transport_enum(interface: &InterfaceId, resume: u32, max_entries: u32)
                -> Page<IfTransportEntry> = IfTransportEnumRequest => IfTransportEnumReply;

            Write transport_create(
                protocol_id: u32,
                name: Option<&str>,
                global_info: Option<&[u8]>,
                client_interface_info: Option<&[u8]>,
                dll_path: Option<&str>
            ) -> TransportId = TransportCreateRequest => TransportIdReply;
            Write transport_delete(id: &TransportId) -> () = TransportRequest => StatusReply;
            Read  transport_get_handle(protocol_id: u32) -> TransportId
                = ProtocolRequest => TransportIdReply;
            Read  transport_get_info(id: &TransportId) -> TransportInfo
                = TransportRequest => TransportInfoReply;
            Write transport_set_info(
                id: &TransportId,
                global_info: Option<&[u8]>,
                client_interface_info: Option<&[u8]>,
                dll_path: Option<&str>
            ) -> () = TransportSetInfoRequest => StatusReply;
            Scan  transport_enum(resume: u32, max_entries: u32) -> Page<TransportEntry>
                = EnumRequest => TransportEnumReply;

            Read  filter_get_info(protocol_id: u32) -> bool = ProtocolRequest => FilterReply;
            Write filter_set_info(protocol_id: u32, enable: bool) -> ()
                = FilterSetInfoRequest => StatusReply;
            Read  get_friendly_name(name: &str) -> String = NameRequest => NameReply;
            Read  get_guid_name(name: &str) -> String = NameRequest => NameReply;
        }
    };
}
pub(crate) use router_config_ops;

#[cfg(test)]
mod tests {
    /// The rows as `(access, method)` names.
    macro_rules! names {
        ($(
            $access:ident $method:ident ( $( $p:ident : $ty:ty ),* ) -> $ret:ty = $req:ident => $rep:ident;
        )*) => {
            &[$( (stringify!($access), stringify!($method)) ),*]
        };
    }

    /// What the name of a `RouterConfig` method says it does to the configuration.
    fn expected_access(method: &str) -> &'static str {
        let changes = ["_set_", "_create", "_delete", "_add", "_remove"];
        if method == "refresh" {
            "Live"
        } else if method == "install"
            || method == "restore"
            || changes.iter().any(|c| method.contains(c))
        {
            "Write"
        } else if method == "backup" || method.ends_with("_enum") {
            "Scan"
        } else {
            assert!(method.contains("get_"), "{method}: not a read by its name");
            "Read"
        }
    }

    #[test]
    fn every_change_needs_the_admin_role_and_only_point_reads_are_cached() {
        let rows: &[(&str, &str)] = router_config_ops!(names);
        assert_eq!(rows.len(), 32, "one row per RouterConfig operation");
        for (access, method) in rows {
            assert_eq!(*access, expected_access(method), "{method}");
        }
        let mut methods: Vec<&str> = rows.iter().map(|(_, m)| *m).collect();
        methods.sort_unstable();
        methods.dedup();
        assert_eq!(methods.len(), rows.len(), "a method appears once");
    }
}
