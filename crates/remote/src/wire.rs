//! How the operations of the table ([`crate::ops`]) cross the wire: each parameter type of
//! `RouterConfig` into its request field and back ([`Param`], `Lend`), and each result into
//! its reply message and back ([`Carries`]). The model conversions themselves are in
//! [`crate::convert`]; a new operation needs an entry here only for a parameter or result type
//! no operation had before.

use crate::convert as cv;
use crate::pb;
use mprconfig_core::model::*;
// `Version` is only rebuilt from a reply, which is the client's side.
#[cfg(feature = "client")]
use mprconfig_core::Version;
use mprconfig_core::{Result, Versioned};

/// A `RouterConfig` parameter type (as the trait spells it) and the request field carrying it.
pub(crate) trait Param {
    /// The field's type in the request message.
    type Wire;
    /// What the server decodes the field into; the parameter is lent from it (`Lend`).
    type Owned;
    /// Client: the field for an argument.
    #[cfg(feature = "client")]
    fn to_wire(self) -> Self::Wire;
    /// Server: the value of a peer's field; `ERROR_INVALID_PARAMETER` (87) when it is missing
    /// or out of range, never a panic.
    #[cfg(feature = "server")]
    fn from_wire(wire: Self::Wire) -> Result<Self::Owned>;
}

/// Server: a decoded parameter lent as the argument type the trait method takes.
#[cfg(feature = "server")]
pub(crate) trait Lend {
    /// The argument type (`&InterfaceId`, `Option<&str>`, `u32`, ...).
    type Out<'a>
    where
        Self: 'a;
    /// The argument.
    fn lend(&self) -> Self::Out<'_>;
}

/// Parameters passed as they are (`u32`, `bool`).
macro_rules! by_value {
    ($($t:ty),*) => { $(
        impl Param for $t {
            type Wire = $t;
            type Owned = $t;
            #[cfg(feature = "client")]
            fn to_wire(self) -> $t { self }
            #[cfg(feature = "server")]
            fn from_wire(wire: $t) -> Result<$t> { Ok(wire) }
        }
        #[cfg(feature = "server")]
        impl Lend for $t {
            type Out<'a> = $t;
            fn lend(&self) -> $t { *self }
        }
    )* };
}
by_value!(u32, bool);

/// Parameters passed by reference to a model value held in an optional sub-message: `to` is
/// the client's conversion of the reference, `from` the server's `convert` function.
macro_rules! by_message {
    ($($t:ty => $w:ty, to: |$v:ident| $to:expr, from: $from:path;)*) => { $(
        impl Param for &$t {
            type Wire = Option<$w>;
            type Owned = $t;
            #[cfg(feature = "client")]
            fn to_wire(self) -> Option<$w> { let $v = self; Some($to) }
            #[cfg(feature = "server")]
            fn from_wire(wire: Option<$w>) -> Result<$t> { $from(wire) }
        }
        #[cfg(feature = "server")]
        impl Lend for $t {
            type Out<'a> = &'a $t;
            fn lend(&self) -> &$t { self }
        }
    )* };
}
by_message! {
    InterfaceId => pb::InterfaceId, to: |v| v.into(), from: cv::interface_id;
    TransportId => pb::TransportId, to: |v| v.into(), from: cv::transport_id;
    IfTransportId => pb::IfTransportId, to: |v| v.into(), from: cv::if_transport_id;
    Interface => pb::Interface, to: |v| v.into(), from: cv::interface;
    ServerInfo => pb::ServerInfo, to: |v| (*v).into(), from: cv::server_info;
    ServerSetConfigEx => pb::ServerSetConfigEx, to: |v| v.clone().into(), from: cv::server_set_config_ex;
    CustomInfoEx => pb::CustomInfoEx, to: |v| v.clone().into(), from: cv::custom_info;
}

impl Param for &str {
    type Wire = String;
    type Owned = String;
    #[cfg(feature = "client")]
    fn to_wire(self) -> String {
        self.to_string()
    }
    #[cfg(feature = "server")]
    fn from_wire(wire: String) -> Result<String> {
        Ok(wire)
    }
}

#[cfg(feature = "server")]
impl Lend for String {
    type Out<'a> = &'a str;
    fn lend(&self) -> &str {
        self
    }
}

impl Param for Option<&str> {
    type Wire = Option<String>;
    type Owned = Option<String>;
    #[cfg(feature = "client")]
    fn to_wire(self) -> Option<String> {
        self.map(str::to_string)
    }
    #[cfg(feature = "server")]
    fn from_wire(wire: Option<String>) -> Result<Option<String>> {
        Ok(wire)
    }
}

#[cfg(feature = "server")]
impl Lend for Option<String> {
    type Out<'a> = Option<&'a str>;
    fn lend(&self) -> Option<&str> {
        self.as_deref()
    }
}

impl Param for &[u8] {
    type Wire = Vec<u8>;
    type Owned = Vec<u8>;
    #[cfg(feature = "client")]
    fn to_wire(self) -> Vec<u8> {
        self.to_vec()
    }
    #[cfg(feature = "server")]
    fn from_wire(wire: Vec<u8>) -> Result<Vec<u8>> {
        Ok(wire)
    }
}

impl Param for Option<&[u8]> {
    type Wire = Option<Vec<u8>>;
    type Owned = Option<Vec<u8>>;
    #[cfg(feature = "client")]
    fn to_wire(self) -> Option<Vec<u8>> {
        self.map(<[u8]>::to_vec)
    }
    #[cfg(feature = "server")]
    fn from_wire(wire: Option<Vec<u8>>) -> Result<Option<Vec<u8>>> {
        Ok(wire)
    }
}

#[cfg(feature = "server")]
impl Lend for Option<Vec<u8>> {
    type Out<'a> = Option<&'a [u8]>;
    fn lend(&self) -> Option<&[u8]> {
        self.as_deref()
    }
}

impl Param for &[NetLink] {
    type Wire = Vec<pb::NetLink>;
    type Owned = Vec<NetLink>;
    #[cfg(feature = "client")]
    fn to_wire(self) -> Vec<pb::NetLink> {
        self.iter().map(Into::into).collect()
    }
    #[cfg(feature = "server")]
    fn from_wire(wire: Vec<pb::NetLink>) -> Result<Vec<NetLink>> {
        Ok(wire.into_iter().map(cv::net_link).collect())
    }
}

#[cfg(feature = "server")]
impl<T> Lend for Vec<T> {
    type Out<'a>
        = &'a [T]
    where
        T: 'a;
    fn lend(&self) -> &[T] {
        self
    }
}

/// A reply message that carries a `RouterConfig` result of type `T` beside its status.
pub(crate) trait Carries<T>:
    prost::Message + Default + Clone + Send + Sync + 'static
{
    /// The reply's `status` field.
    fn status(&mut self) -> &mut Option<pb::WinStatus>;
    /// Server: the result into the reply.
    #[cfg(feature = "server")]
    fn put(&mut self, value: T);
    /// Client: the result from a server's reply; an error means the reply is malformed.
    #[cfg(feature = "client")]
    fn take(self) -> Result<T>;
}

/// `Carries` impls: `put(reply, value) { ... }` and `take(reply) { ... }`.
macro_rules! carries {
    ($($rep:ty => $t:ty {
        put($pr:ident, $pv:pat) $put:block
        take($tr:ident) $take:block
    })*) => { $(
        impl Carries<$t> for $rep {
            fn status(&mut self) -> &mut Option<pb::WinStatus> { &mut self.status }
            #[cfg(feature = "server")]
            fn put(&mut self, $pv: $t) { let $pr = self; $put }
            #[cfg(feature = "client")]
            fn take(self) -> Result<$t> { let $tr = self; $take }
        }
    )* };
}

/// An enumeration reply: entries, `total_from_resume` and `next_resume`.
macro_rules! page_reply {
    ($($rep:ty => $entry:ty, $from:path;)*) => { carries! { $(
        $rep => Page<$entry> {
            put(r, p) {
                r.entries = p.entries.iter().map(Into::into).collect();
                r.total_from_resume = p.total_from_resume;
                r.next_resume = p.next_resume;
            }
            take(r) { cv::page(r.entries, r.total_from_resume, r.next_resume, $from) }
        }
    )* } };
}

carries! {
    pb::StatusReply => () {
        put(_r, ()) {}
        take(_r) { Ok(()) }
    }
    pb::ServerInfoReply => ServerInfo {
        put(r, v) { r.info = Some(v.into()); }
        take(r) { cv::server_info(r.info) }
    }
    pb::ServerInfoExReply => ServerInfoEx {
        put(r, v) { r.info = Some(v.into()); }
        take(r) { cv::server_info_ex(r.info) }
    }
    pb::BackupReply => Vec<u8> {
        put(r, v) { r.backup = v; }
        take(r) { Ok(r.backup) }
    }
    pb::InterfaceIdReply => InterfaceId {
        put(r, v) { r.id = Some((&v).into()); }
        take(r) { cv::interface_id(r.id) }
    }
    pb::InterfaceReply => Interface {
        put(r, v) { r.info = Some((&v).into()); }
        take(r) { cv::interface(r.info) }
    }
    pb::CustomInfoReply => CustomInfoEx {
        put(r, v) { r.info = Some(v.into()); }
        take(r) { cv::custom_info(r.info) }
    }
    pb::IfTransportIdReply => IfTransportId {
        put(r, v) { r.id = Some((&v).into()); }
        take(r) { cv::if_transport_id(r.id) }
    }
    pb::BlobReply => Option<Vec<u8>> {
        put(r, v) { r.data = v; }
        take(r) { Ok(r.data) }
    }
    pb::TransportIdReply => TransportId {
        put(r, v) { r.id = Some((&v).into()); }
        take(r) { cv::transport_id(r.id) }
    }
    pb::TransportInfoReply => TransportInfo {
        put(r, v) { r.info = Some(v.into()); }
        take(r) { cv::transport_info(r.info) }
    }
    pb::FilterReply => bool {
        put(r, v) { r.enabled = v; }
        take(r) { Ok(r.enabled) }
    }
    pb::NameReply => String {
        put(r, v) { r.name = v; }
        take(r) { Ok(r.name) }
    }
    pb::VersionedInterfaceReply => Versioned<Interface> {
        put(r, v) { r.info = Some((&v.value).into()); r.version = v.version.raw(); }
        take(r) {
            Ok(Versioned { value: cv::interface(r.info)?, version: Version::from_raw(r.version) })
        }
    }
    pb::VersionedTransportInfoReply => Versioned<TransportInfo> {
        put(r, v) { r.info = Some(v.value.into()); r.version = v.version.raw(); }
        take(r) {
            Ok(Versioned {
                value: cv::transport_info(r.info)?,
                version: Version::from_raw(r.version),
            })
        }
    }
    pb::VersionedBlobReply => Versioned<Option<Vec<u8>>> {
        put(r, v) { r.data = v.value; r.version = v.version.raw(); }
        take(r) { Ok(Versioned { value: r.data, version: Version::from_raw(r.version) }) }
    }
}

page_reply! {
    pb::InterfaceEnumReply => InterfaceEntry, cv::interface_entry;
    pb::IfTransportEnumReply => IfTransportEntry, cv::if_transport_entry;
    pb::TransportEnumReply => TransportEntry, cv::transport_entry;
}

#[cfg(all(test, feature = "client", feature = "server"))]
mod tests {
    use super::*;
    use mprconfig_core::WinError;

    /// Client encoding then server decoding: what the server lends back as the argument.
    fn round_trip<P: Param>(arg: P) -> P::Owned {
        P::from_wire(arg.to_wire()).expect("decodes")
    }

    #[test]
    fn every_parameter_type_survives_the_wire() {
        let id = InterfaceId {
            key: 7,
            name: "Branch".into(),
        };
        assert_eq!(round_trip(&id).lend(), &id);
        let t = TransportId { protocol_id: 0x21 };
        assert_eq!(round_trip(&t).lend(), &t);
        let it = IfTransportId {
            interface: id.clone(),
            protocol_id: 0x57,
        };
        assert_eq!(round_trip(&it).lend(), &it);
        let info = Interface {
            name: "x".into(),
            enabled: true,
            dialout_hours: Some(vec!["Mon 08:00-17:00".into()]),
            ..Interface::default()
        };
        assert_eq!(round_trip(&info).lend(), &info);
        let si = ServerInfo::default();
        assert_eq!(round_trip(&si).lend(), &si);
        let ex = ServerSetConfigEx::default();
        assert_eq!(round_trip(&ex).lend(), &ex);
        let ci = CustomInfoEx::default();
        assert_eq!(round_trip(&ci).lend(), &ci);
        assert_eq!(round_trip(7u32).lend(), 7);
        assert!(round_trip(true).lend());
        assert_eq!(round_trip("Loopback").lend(), "Loopback");
        assert_eq!(round_trip(Some("n")).lend(), Some("n"));
        assert_eq!(round_trip(None::<&str>).lend(), None);
        assert_eq!(round_trip(&[1u8, 2][..]).lend(), &[1, 2]);
        assert_eq!(round_trip(Some(&[3u8][..])).lend(), Some(&[3u8][..]));
        assert_eq!(round_trip(None::<&[u8]>).lend(), None);
        let links = [NetLink {
            name: "eth0".into(),
            guid: "{00000000-0000-0000-0000-000000000001}".into(),
            is_loopback: false,
        }];
        assert_eq!(round_trip(&links[..]).lend(), &links[..]);
    }

    #[test]
    fn a_missing_handle_from_a_peer_is_invalid_parameter() {
        let e = <&InterfaceId as Param>::from_wire(None).unwrap_err();
        assert_eq!(e.code, WinError::ERROR_INVALID_PARAMETER);
    }

    fn reply_round_trip<R: Carries<T>, T>(v: T) -> T {
        let mut r = R::default();
        r.put(v);
        R::decode(r.encode_to_vec().as_slice())
            .expect("decodes")
            .take()
            .expect("well formed")
    }

    #[test]
    fn every_result_type_survives_its_reply() {
        reply_round_trip::<pb::StatusReply, ()>(());
        let id = InterfaceId {
            key: 3,
            name: "a".into(),
        };
        assert_eq!(reply_round_trip::<pb::InterfaceIdReply, _>(id.clone()), id);
        let page = Page {
            entries: vec![TransportEntry {
                id: TransportId { protocol_id: 0x21 },
                name: "IP".into(),
            }],
            total_from_resume: 2,
            next_resume: 1,
        };
        assert_eq!(
            reply_round_trip::<pb::TransportEnumReply, _>(page.clone()),
            page
        );
        assert_eq!(
            reply_round_trip::<pb::BlobReply, _>(Some(vec![0u8, 1])),
            Some(vec![0, 1])
        );
        assert_eq!(reply_round_trip::<pb::BlobReply, _>(None), None);
        assert!(reply_round_trip::<pb::FilterReply, _>(true));
        assert_eq!(reply_round_trip::<pb::NameReply, _>("n".to_string()), "n");
        assert_eq!(reply_round_trip::<pb::BackupReply, _>(vec![9u8]), vec![9]);
        let si = ServerInfo::default();
        assert_eq!(reply_round_trip::<pb::ServerInfoReply, _>(si), si);
        let v = Versioned {
            value: Some(vec![1u8, 2]),
            version: Version::from_raw(u64::MAX),
        };
        assert_eq!(reply_round_trip::<pb::VersionedBlobReply, _>(v.clone()), v);
        let v = Versioned {
            value: Interface {
                name: "e".into(),
                ..Interface::default()
            },
            version: Version::from_raw(7),
        };
        assert_eq!(
            reply_round_trip::<pb::VersionedInterfaceReply, _>(v.clone()),
            v
        );
        let v = Versioned {
            value: TransportInfo::default(),
            version: Version::from_raw(0),
        };
        assert_eq!(
            reply_round_trip::<pb::VersionedTransportInfoReply, _>(v.clone()),
            v
        );
    }

    #[test]
    fn a_reply_without_its_payload_is_an_error_not_a_default() {
        let e =
            <pb::InterfaceIdReply as Carries<InterfaceId>>::take(Default::default()).unwrap_err();
        assert_eq!(e.code, WinError::ERROR_INVALID_PARAMETER);
    }
}
