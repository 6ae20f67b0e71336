//! Conversions between the model types of `mprconfig-core` and the protocol messages.
//!
//! Model → message is total. Message → model validates what the protobuf types cannot express
//! (16- and 8-bit fields, 16-byte addresses, required sub-messages) and answers anything out of
//! range with `ERROR_INVALID_PARAMETER`, never a panic: these functions run on peer bytes.

use crate::pb;
use mprconfig_core as core;
use mprconfig_core::{Error, Result};

fn missing(what: &str) -> Error {
    Error::invalid_parameter(format!("request is missing {what}"))
}

/// A required sub-message, or `ERROR_INVALID_PARAMETER` naming it.
pub fn required<T>(v: Option<T>, what: &str) -> Result<T> {
    v.ok_or_else(|| missing(what))
}

fn u16_of(v: u32, what: &str) -> Result<u16> {
    u16::try_from(v)
        .map_err(|_| Error::invalid_parameter(format!("{what} {v} does not fit in 16 bits")))
}

fn u8_of(v: u32, what: &str) -> Result<u8> {
    u8::try_from(v)
        .map_err(|_| Error::invalid_parameter(format!("{what} {v} does not fit in 8 bits")))
}

// ---- status -------------------------------------------------------------------------------------

/// The wire form of a result: code 0 and no detail for success.
pub fn status_of(r: &Result<()>) -> pb::WinStatus {
    match r {
        Ok(()) => pb::WinStatus {
            code: 0,
            detail: String::new(),
        },
        Err(e) => pb::WinStatus {
            code: e.code.0,
            detail: e.detail.clone(),
        },
    }
}

/// `Ok` for an absent status or code 0, else the error exactly as the server sent it.
pub fn check_status(s: Option<pb::WinStatus>) -> Result<()> {
    match s {
        None => Ok(()),
        Some(s) if s.code == 0 => Ok(()),
        Some(s) => Err(Error::new(core::WinError(s.code), s.detail)),
    }
}

// ---- handles ------------------------------------------------------------------------------------

impl From<&core::InterfaceId> for pb::InterfaceId {
    fn from(v: &core::InterfaceId) -> Self {
        pb::InterfaceId {
            key: v.key,
            name: v.name.clone(),
        }
    }
}

/// An interface handle from the wire.
pub fn interface_id(v: Option<pb::InterfaceId>) -> Result<core::InterfaceId> {
    let v = required(v, "the interface handle")?;
    Ok(core::InterfaceId {
        key: v.key,
        name: v.name,
    })
}

impl From<&core::TransportId> for pb::TransportId {
    fn from(v: &core::TransportId) -> Self {
        pb::TransportId {
            protocol_id: v.protocol_id,
        }
    }
}

/// A transport handle from the wire.
pub fn transport_id(v: Option<pb::TransportId>) -> Result<core::TransportId> {
    let v = required(v, "the transport handle")?;
    Ok(core::TransportId {
        protocol_id: v.protocol_id,
    })
}

impl From<&core::IfTransportId> for pb::IfTransportId {
    fn from(v: &core::IfTransportId) -> Self {
        pb::IfTransportId {
            interface: Some((&v.interface).into()),
            protocol_id: v.protocol_id,
        }
    }
}

/// An interface-transport handle from the wire.
pub fn if_transport_id(v: Option<pb::IfTransportId>) -> Result<core::IfTransportId> {
    let v = required(v, "the interface-transport handle")?;
    Ok(core::IfTransportId {
        interface: interface_id(v.interface)?,
        protocol_id: v.protocol_id,
    })
}

// ---- interfaces and transports ------------------------------------------------------------------

impl From<&core::Interface> for pb::Interface {
    fn from(v: &core::Interface) -> Self {
        pb::Interface {
            name: v.name.clone(),
            if_type: v.if_type.0,
            enabled: v.enabled,
            dialout_hours: v
                .dialout_hours
                .as_ref()
                .map(|h| pb::StringList { items: h.clone() }),
            connection_state: v.connection_state.0,
            unreachability_reasons: v.unreachability_reasons,
            last_error: v.last_error,
        }
    }
}

/// An interface from the wire.
pub fn interface(v: Option<pb::Interface>) -> Result<core::Interface> {
    let v = required(v, "the interface")?;
    Ok(core::Interface {
        name: v.name,
        if_type: core::InterfaceType(v.if_type),
        enabled: v.enabled,
        dialout_hours: v.dialout_hours.map(|h| h.items),
        connection_state: core::ConnectionState(v.connection_state),
        unreachability_reasons: v.unreachability_reasons,
        last_error: v.last_error,
    })
}

impl From<&core::InterfaceEntry> for pb::InterfaceEntry {
    fn from(v: &core::InterfaceEntry) -> Self {
        pb::InterfaceEntry {
            id: Some((&v.id).into()),
            info: Some((&v.info).into()),
        }
    }
}

/// An interface enumeration entry from the wire.
pub fn interface_entry(v: pb::InterfaceEntry) -> Result<core::InterfaceEntry> {
    Ok(core::InterfaceEntry {
        id: interface_id(v.id)?,
        info: interface(v.info)?,
    })
}

impl From<&core::TransportEntry> for pb::TransportEntry {
    fn from(v: &core::TransportEntry) -> Self {
        pb::TransportEntry {
            id: Some((&v.id).into()),
            name: v.name.clone(),
        }
    }
}

/// A transport enumeration entry from the wire.
pub fn transport_entry(v: pb::TransportEntry) -> Result<core::TransportEntry> {
    Ok(core::TransportEntry {
        id: transport_id(v.id)?,
        name: v.name,
    })
}

impl From<&core::IfTransportEntry> for pb::IfTransportEntry {
    fn from(v: &core::IfTransportEntry) -> Self {
        pb::IfTransportEntry {
            id: Some((&v.id).into()),
            name: v.name.clone(),
        }
    }
}

/// An interface-transport enumeration entry from the wire.
pub fn if_transport_entry(v: pb::IfTransportEntry) -> Result<core::IfTransportEntry> {
    Ok(core::IfTransportEntry {
        id: if_transport_id(v.id)?,
        name: v.name,
    })
}

impl From<core::TransportInfo> for pb::TransportInfo {
    fn from(v: core::TransportInfo) -> Self {
        pb::TransportInfo {
            name: v.name,
            global_info: v.global_info,
            client_interface_info: v.client_interface_info,
            dll_path: v.dll_path,
        }
    }
}

/// A transport's configuration from the wire.
pub fn transport_info(v: Option<pb::TransportInfo>) -> Result<core::TransportInfo> {
    let v = required(v, "the transport information")?;
    Ok(core::TransportInfo {
        name: v.name,
        global_info: v.global_info,
        client_interface_info: v.client_interface_info,
        dll_path: v.dll_path,
    })
}

/// A page of entries from the wire, each converted by `f`.
pub fn page<P, T>(
    entries: Vec<P>,
    total_from_resume: u32,
    next_resume: u32,
    f: impl Fn(P) -> Result<T>,
) -> Result<core::Page<T>> {
    Ok(core::Page {
        entries: entries.into_iter().map(f).collect::<Result<_>>()?,
        total_from_resume,
        next_resume,
    })
}

impl From<&core::NetLink> for pb::NetLink {
    fn from(v: &core::NetLink) -> Self {
        pb::NetLink {
            name: v.name.clone(),
            guid: v.guid.clone(),
            is_loopback: v.is_loopback,
        }
    }
}

/// A network link from the wire.
pub fn net_link(v: pb::NetLink) -> core::NetLink {
    core::NetLink {
        name: v.name,
        guid: v.guid,
        is_loopback: v.is_loopback,
    }
}

// ---- server -------------------------------------------------------------------------------------

impl From<core::PortConfig> for pb::PortConfig {
    fn from(v: core::PortConfig) -> Self {
        pb::PortConfig {
            num_ports: v.num_ports,
            port_flags: v.port_flags,
        }
    }
}

fn ports(v: Option<pb::PortConfig>) -> core::PortConfig {
    // An absent port configuration is the all-zero one, as protobuf defaults are.
    let v = v.unwrap_or_default();
    core::PortConfig {
        num_ports: v.num_ports,
        port_flags: v.port_flags,
    }
}

impl From<core::ServerInfo> for pb::ServerInfo {
    fn from(v: core::ServerInfo) -> Self {
        pb::ServerInfo {
            lan_only_mode: v.lan_only_mode,
            up_time: v.up_time,
            total_ports: v.total_ports,
            ports_in_use: v.ports_in_use,
            pptp: Some(v.pptp.into()),
            l2tp: Some(v.l2tp.into()),
            sstp: Some(v.sstp.into()),
        }
    }
}

/// Server information from the wire.
pub fn server_info(v: Option<pb::ServerInfo>) -> Result<core::ServerInfo> {
    let v = required(v, "the server information")?;
    Ok(core::ServerInfo {
        lan_only_mode: v.lan_only_mode,
        up_time: v.up_time,
        total_ports: v.total_ports,
        ports_in_use: v.ports_in_use,
        pptp: ports(v.pptp),
        l2tp: ports(v.l2tp),
        sstp: ports(v.sstp),
    })
}

impl From<core::CustomPolicy> for pb::CustomPolicy {
    fn from(v: core::CustomPolicy) -> Self {
        pb::CustomPolicy {
            integrity_method: v.integrity_method,
            encryption_method: v.encryption_method,
            cipher_transform_constant: v.cipher_transform_constant,
            auth_transform_constant: v.auth_transform_constant,
            pfs_group: v.pfs_group,
            dh_group: v.dh_group,
        }
    }
}

fn custom_policy(v: Option<pb::CustomPolicy>) -> Option<core::CustomPolicy> {
    v.map(|v| core::CustomPolicy {
        integrity_method: v.integrity_method,
        encryption_method: v.encryption_method,
        cipher_transform_constant: v.cipher_transform_constant,
        auth_transform_constant: v.auth_transform_constant,
        pfs_group: v.pfs_group,
        dh_group: v.dh_group,
    })
}

impl From<core::Ikev2Config> for pb::Ikev2Config {
    fn from(v: core::Ikev2Config) -> Self {
        pb::Ikev2Config {
            ports: Some(v.ports.into()),
            tunnel_config_param_flags: v.tunnel_config_param_flags,
            idle_timeout: v.idle_timeout,
            network_blackout_time: v.network_blackout_time,
            sa_lifetime: v.sa_lifetime,
            sa_data_size_for_renegotiation: v.sa_data_size_for_renegotiation,
            config_options: v.config_options,
            certificate_names: v.certificate_names,
            machine_certificate_name: v.machine_certificate_name,
            encryption_type: v.encryption_type,
            custom_policy: v.custom_policy.map(Into::into),
            certificate_ekus: v
                .certificate_ekus
                .into_iter()
                .map(|e| pb::CertEku {
                    is_oid: e.is_oid,
                    eku: e.eku,
                })
                .collect(),
            machine_certificate_hash: v.machine_certificate_hash,
            mm_sa_lifetime: v.mm_sa_lifetime,
        }
    }
}

fn ikev2_config(v: Option<pb::Ikev2Config>) -> core::Ikev2Config {
    let v = v.unwrap_or_default();
    core::Ikev2Config {
        ports: ports(v.ports),
        tunnel_config_param_flags: v.tunnel_config_param_flags,
        idle_timeout: v.idle_timeout,
        network_blackout_time: v.network_blackout_time,
        sa_lifetime: v.sa_lifetime,
        sa_data_size_for_renegotiation: v.sa_data_size_for_renegotiation,
        config_options: v.config_options,
        certificate_names: v.certificate_names,
        machine_certificate_name: v.machine_certificate_name,
        encryption_type: v.encryption_type,
        custom_policy: custom_policy(v.custom_policy),
        certificate_ekus: v
            .certificate_ekus
            .into_iter()
            .map(|e| core::CertEku {
                is_oid: e.is_oid,
                eku: e.eku,
            })
            .collect(),
        machine_certificate_hash: v.machine_certificate_hash,
        mm_sa_lifetime: v.mm_sa_lifetime,
    }
}

impl From<core::L2tpConfig> for pb::L2tpConfig {
    fn from(v: core::L2tpConfig) -> Self {
        pb::L2tpConfig {
            ports: Some(v.ports.into()),
            tunnel_config_param_flags: v.tunnel_config_param_flags,
            idle_timeout: v.idle_timeout,
            encryption_type: v.encryption_type,
            sa_lifetime: v.sa_lifetime,
            sa_data_size_for_renegotiation: v.sa_data_size_for_renegotiation,
            custom_policy: v.custom_policy.map(Into::into),
            mm_sa_lifetime: v.mm_sa_lifetime,
        }
    }
}

fn l2tp_config(v: Option<pb::L2tpConfig>) -> core::L2tpConfig {
    let v = v.unwrap_or_default();
    core::L2tpConfig {
        ports: ports(v.ports),
        tunnel_config_param_flags: v.tunnel_config_param_flags,
        idle_timeout: v.idle_timeout,
        encryption_type: v.encryption_type,
        sa_lifetime: v.sa_lifetime,
        sa_data_size_for_renegotiation: v.sa_data_size_for_renegotiation,
        custom_policy: custom_policy(v.custom_policy),
        mm_sa_lifetime: v.mm_sa_lifetime,
    }
}

impl From<core::SstpConfig> for pb::SstpConfig {
    fn from(v: core::SstpConfig) -> Self {
        pb::SstpConfig {
            ports: Some(v.ports.into()),
            use_https: v.use_https,
            cert_algorithm: v.cert_algorithm,
            cert_is_default: v.cert_is_default,
            cert_hash: v.cert_hash,
        }
    }
}

fn sstp_config(v: Option<pb::SstpConfig>) -> core::SstpConfig {
    let v = v.unwrap_or_default();
    core::SstpConfig {
        ports: ports(v.ports),
        use_https: v.use_https,
        cert_algorithm: v.cert_algorithm,
        cert_is_default: v.cert_is_default,
        cert_hash: v.cert_hash,
    }
}

impl From<core::TunnelConfig> for pb::TunnelConfig {
    fn from(v: core::TunnelConfig) -> Self {
        pb::TunnelConfig {
            ikev2: Some(v.ikev2.into()),
            pptp: Some(v.pptp.into()),
            l2tp: Some(v.l2tp.into()),
            sstp: Some(v.sstp.into()),
            gre: Some(v.gre.into()),
        }
    }
}

fn tunnel_config(v: Option<pb::TunnelConfig>) -> core::TunnelConfig {
    let v = v.unwrap_or_default();
    core::TunnelConfig {
        ikev2: ikev2_config(v.ikev2),
        pptp: ports(v.pptp),
        l2tp: l2tp_config(v.l2tp),
        sstp: sstp_config(v.sstp),
        gre: ports(v.gre),
    }
}

impl From<core::ServerInfoEx> for pb::ServerInfoEx {
    fn from(v: core::ServerInfoEx) -> Self {
        pb::ServerInfoEx {
            lan_only_mode: v.lan_only_mode,
            up_time: v.up_time,
            total_ports: v.total_ports,
            ports_in_use: v.ports_in_use,
            config: Some(v.config.into()),
        }
    }
}

/// Extended server information from the wire.
pub fn server_info_ex(v: Option<pb::ServerInfoEx>) -> Result<core::ServerInfoEx> {
    let v = required(v, "the extended server information")?;
    Ok(core::ServerInfoEx {
        lan_only_mode: v.lan_only_mode,
        up_time: v.up_time,
        total_ports: v.total_ports,
        ports_in_use: v.ports_in_use,
        config: tunnel_config(v.config),
    })
}

impl From<core::ServerSetConfigEx> for pb::ServerSetConfigEx {
    fn from(v: core::ServerSetConfigEx) -> Self {
        pb::ServerSetConfigEx {
            protocols: v.protocols,
            config: Some(v.config.into()),
        }
    }
}

/// A `MprConfigServerSetInfoEx` request from the wire.
pub fn server_set_config_ex(v: Option<pb::ServerSetConfigEx>) -> Result<core::ServerSetConfigEx> {
    let v = required(v, "the server configuration")?;
    Ok(core::ServerSetConfigEx {
        protocols: v.protocols,
        config: tunnel_config(v.config),
    })
}

// ---- custom interface configuration -------------------------------------------------------------

impl From<core::TsAddress> for pb::TsAddress {
    fn from(v: core::TsAddress) -> Self {
        pb::TsAddress {
            family: u32::from(v.family),
            addr: v.addr.to_vec(),
        }
    }
}

fn ts_address(v: Option<pb::TsAddress>, what: &str) -> Result<core::TsAddress> {
    let v = v.unwrap_or_default();
    let family = u16_of(v.family, &format!("{what} address family"))?;
    let addr = match v.addr.len() {
        0 => [0u8; 16],
        16 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(&v.addr);
            a
        }
        n => {
            return Err(Error::invalid_parameter(format!(
                "{what} address has {n} bytes, expected 16"
            )));
        }
    };
    Ok(core::TsAddress { family, addr })
}

impl From<core::TrafficSelector> for pb::TrafficSelector {
    fn from(v: core::TrafficSelector) -> Self {
        pb::TrafficSelector {
            ts_type: v.ts_type,
            protocol_id: u32::from(v.protocol_id),
            port_start: u32::from(v.port_start),
            port_end: u32::from(v.port_end),
            payload_id: u32::from(v.payload_id),
            addr_start: Some(v.addr_start.into()),
            addr_end: Some(v.addr_end.into()),
        }
    }
}

fn traffic_selector(v: pb::TrafficSelector) -> Result<core::TrafficSelector> {
    Ok(core::TrafficSelector {
        ts_type: v.ts_type,
        protocol_id: u8_of(v.protocol_id, "traffic selector protocol id")?,
        port_start: u16_of(v.port_start, "traffic selector start port")?,
        port_end: u16_of(v.port_end, "traffic selector end port")?,
        payload_id: u16_of(v.payload_id, "traffic selector payload id")?,
        addr_start: ts_address(v.addr_start, "traffic selector start")?,
        addr_end: ts_address(v.addr_end, "traffic selector end")?,
    })
}

impl From<core::CustomInfoEx> for pb::CustomInfoEx {
    fn from(v: core::CustomInfoEx) -> Self {
        let k = v.ikev2;
        pb::CustomInfoEx {
            flags: v.flags,
            ikev2: Some(pb::IfCustomIkev2 {
                sa_lifetime: k.sa_lifetime,
                sa_data_size: k.sa_data_size,
                certificate_name: k.certificate_name,
                custom_policy: k.custom_policy.map(Into::into),
                certificate_hash: k.certificate_hash,
                mm_sa_lifetime: k.mm_sa_lifetime,
                traffic_selectors_initiator: k
                    .traffic_selectors_initiator
                    .into_iter()
                    .map(Into::into)
                    .collect(),
                traffic_selectors_responder: k
                    .traffic_selectors_responder
                    .into_iter()
                    .map(Into::into)
                    .collect(),
            }),
        }
    }
}

/// Custom interface configuration from the wire.
pub fn custom_info(v: Option<pb::CustomInfoEx>) -> Result<core::CustomInfoEx> {
    let v = required(v, "the custom interface configuration")?;
    let k = v.ikev2.unwrap_or_default();
    Ok(core::CustomInfoEx {
        flags: v.flags,
        ikev2: core::IfCustomIkev2 {
            sa_lifetime: k.sa_lifetime,
            sa_data_size: k.sa_data_size,
            certificate_name: k.certificate_name,
            custom_policy: custom_policy(k.custom_policy),
            certificate_hash: k.certificate_hash,
            mm_sa_lifetime: k.mm_sa_lifetime,
            traffic_selectors_initiator: k
                .traffic_selectors_initiator
                .into_iter()
                .map(traffic_selector)
                .collect::<Result<_>>()?,
            traffic_selectors_responder: k
                .traffic_selectors_responder
                .into_iter()
                .map(traffic_selector)
                .collect::<Result<_>>()?,
        },
    })
}

// ---- batches, versions, changes ---------------------------------------------------------------

impl From<&core::IfRef> for pb::IfRef {
    fn from(v: &core::IfRef) -> Self {
        use pb::if_ref::Ref;
        pb::IfRef {
            r#ref: Some(match v {
                core::IfRef::Id(id) => Ref::Id(id.into()),
                core::IfRef::Name(n) => Ref::Name(n.clone()),
                // A step index beyond u32 cannot name a step of a message-sized batch.
                core::IfRef::Step(i) => Ref::Step(u32::try_from(*i).unwrap_or(u32::MAX)),
            }),
        }
    }
}

/// An interface reference of a batch step from the wire.
pub fn if_ref(v: Option<pb::IfRef>) -> Result<core::IfRef> {
    use pb::if_ref::Ref;
    match required(v, "the interface reference")?.r#ref {
        Some(Ref::Id(id)) => Ok(core::IfRef::Id(interface_id(Some(id))?)),
        Some(Ref::Name(n)) => Ok(core::IfRef::Name(n)),
        Some(Ref::Step(i)) => Ok(core::IfRef::Step(i as usize)),
        None => Err(missing("the interface reference")),
    }
}

fn if_transport_ref(v: &core::IfRef, protocol_id: u32) -> pb::IfTransportRef {
    pb::IfTransportRef {
        interface: Some(v.into()),
        protocol_id,
    }
}

impl From<&core::ObjectRef> for pb::ObjectRef {
    fn from(v: &core::ObjectRef) -> Self {
        use pb::object_ref::Object;
        pb::ObjectRef {
            object: Some(match v {
                core::ObjectRef::Interface(r) => Object::Interface(r.into()),
                core::ObjectRef::Transport(p) => Object::Transport(*p),
                core::ObjectRef::IfTransport(r, p) => Object::IfTransport(if_transport_ref(r, *p)),
                core::ObjectRef::Configuration => Object::Configuration(true),
            }),
        }
    }
}

fn object_ref(v: Option<pb::ObjectRef>) -> Result<core::ObjectRef> {
    use pb::object_ref::Object;
    match required(v, "the object reference")?.object {
        Some(Object::Interface(r)) => Ok(core::ObjectRef::Interface(if_ref(Some(r))?)),
        Some(Object::Transport(p)) => Ok(core::ObjectRef::Transport(p)),
        Some(Object::IfTransport(t)) => Ok(core::ObjectRef::IfTransport(
            if_ref(t.interface)?,
            t.protocol_id,
        )),
        Some(Object::Configuration(_)) => Ok(core::ObjectRef::Configuration),
        None => Err(missing("the object reference")),
    }
}

impl From<&core::BatchOp> for pb::BatchStep {
    fn from(v: &core::BatchOp) -> Self {
        use core::BatchOp as B;
        use pb::batch_step::Op;
        let op = match v {
            B::Install { links } => Op::Install(pb::InstallStep {
                links: links.iter().map(Into::into).collect(),
            }),
            B::Restore { backup } => Op::Restore(backup.clone()),
            B::ServerSetInfo { level, info } => Op::ServerSetInfo(pb::ServerSetInfoStep {
                level: *level,
                info: Some((*info).into()),
            }),
            B::ServerSetInfoEx { config } => Op::ServerSetInfoEx(config.clone().into()),
            B::InterfaceCreate { info } => Op::InterfaceCreate(info.into()),
            B::InterfaceDelete { interface } => Op::InterfaceDelete(interface.into()),
            B::InterfaceSetInfo {
                interface,
                level,
                info,
            } => Op::InterfaceSetInfo(pb::InterfaceSetInfoStep {
                interface: Some(interface.into()),
                level: *level,
                info: Some(info.into()),
            }),
            B::InterfaceSetCustomInfo { interface, info } => {
                Op::InterfaceSetCustomInfo(pb::InterfaceSetCustomInfoStep {
                    interface: Some(interface.into()),
                    info: Some(info.clone().into()),
                })
            }
            B::IfTransportAdd {
                interface,
                protocol_id,
                name,
                info,
            } => Op::IfTransportAdd(pb::IfTransportAddStep {
                interface: Some(interface.into()),
                protocol_id: *protocol_id,
                name: name.clone(),
                info: info.clone(),
            }),
            B::IfTransportRemove {
                interface,
                protocol_id,
            } => Op::IfTransportRemove(if_transport_ref(interface, *protocol_id)),
            B::IfTransportSetInfo {
                interface,
                protocol_id,
                info,
            } => Op::IfTransportSetInfo(pb::IfTransportSetInfoStep {
                interface: Some(interface.into()),
                protocol_id: *protocol_id,
                info: info.clone(),
            }),
            B::TransportCreate {
                protocol_id,
                name,
                global_info,
                client_interface_info,
                dll_path,
            } => Op::TransportCreate(pb::TransportCreateStep {
                protocol_id: *protocol_id,
                name: name.clone(),
                global_info: global_info.clone(),
                client_interface_info: client_interface_info.clone(),
                dll_path: dll_path.clone(),
            }),
            B::TransportDelete { protocol_id } => Op::TransportDelete(*protocol_id),
            B::TransportSetInfo {
                protocol_id,
                global_info,
                client_interface_info,
                dll_path,
            } => Op::TransportSetInfo(pb::TransportSetInfoStep {
                protocol_id: *protocol_id,
                global_info: global_info.clone(),
                client_interface_info: client_interface_info.clone(),
                dll_path: dll_path.clone(),
            }),
            B::FilterSetInfo {
                protocol_id,
                enable,
            } => Op::FilterSetInfo(pb::FilterSetInfoStep {
                protocol_id: *protocol_id,
                enable: *enable,
            }),
            B::RequireVersion { object, version } => Op::RequireVersion(pb::RequireVersionStep {
                object: Some(object.into()),
                version: version.raw(),
            }),
        };
        pb::BatchStep { op: Some(op) }
    }
}

/// A batch step from the wire.
pub fn batch_step(v: pb::BatchStep) -> Result<core::BatchOp> {
    use core::BatchOp as B;
    use pb::batch_step::Op;
    Ok(
        match v.op.ok_or_else(|| missing("the batch step's operation"))? {
            Op::Install(s) => B::Install {
                links: s.links.into_iter().map(net_link).collect(),
            },
            Op::Restore(backup) => B::Restore { backup },
            Op::ServerSetInfo(s) => B::ServerSetInfo {
                level: s.level,
                info: server_info(s.info)?,
            },
            Op::ServerSetInfoEx(c) => B::ServerSetInfoEx {
                config: server_set_config_ex(Some(c))?,
            },
            Op::InterfaceCreate(i) => B::InterfaceCreate {
                info: interface(Some(i))?,
            },
            Op::InterfaceDelete(r) => B::InterfaceDelete {
                interface: if_ref(Some(r))?,
            },
            Op::InterfaceSetInfo(s) => B::InterfaceSetInfo {
                interface: if_ref(s.interface)?,
                level: s.level,
                info: interface(s.info)?,
            },
            Op::InterfaceSetCustomInfo(s) => B::InterfaceSetCustomInfo {
                interface: if_ref(s.interface)?,
                info: custom_info(s.info)?,
            },
            Op::IfTransportAdd(s) => B::IfTransportAdd {
                interface: if_ref(s.interface)?,
                protocol_id: s.protocol_id,
                name: s.name,
                info: s.info,
            },
            Op::IfTransportRemove(t) => B::IfTransportRemove {
                interface: if_ref(t.interface)?,
                protocol_id: t.protocol_id,
            },
            Op::IfTransportSetInfo(s) => B::IfTransportSetInfo {
                interface: if_ref(s.interface)?,
                protocol_id: s.protocol_id,
                info: s.info,
            },
            Op::TransportCreate(s) => B::TransportCreate {
                protocol_id: s.protocol_id,
                name: s.name,
                global_info: s.global_info,
                client_interface_info: s.client_interface_info,
                dll_path: s.dll_path,
            },
            Op::TransportDelete(protocol_id) => B::TransportDelete { protocol_id },
            Op::TransportSetInfo(s) => B::TransportSetInfo {
                protocol_id: s.protocol_id,
                global_info: s.global_info,
                client_interface_info: s.client_interface_info,
                dll_path: s.dll_path,
            },
            Op::FilterSetInfo(s) => B::FilterSetInfo {
                protocol_id: s.protocol_id,
                enable: s.enable,
            },
            Op::RequireVersion(s) => B::RequireVersion {
                object: object_ref(s.object)?,
                version: core::Version::from_raw(s.version),
            },
        },
    )
}

impl From<&core::BatchOutcome> for pb::BatchOutcome {
    fn from(v: &core::BatchOutcome) -> Self {
        use pb::batch_outcome::Outcome;
        pb::BatchOutcome {
            outcome: Some(match v {
                core::BatchOutcome::Done => Outcome::Done(true),
                core::BatchOutcome::Interface(id) => Outcome::Interface(id.into()),
                core::BatchOutcome::IfTransport(id) => Outcome::IfTransport(id.into()),
                core::BatchOutcome::Transport(id) => Outcome::Transport(id.into()),
            }),
        }
    }
}

/// A step's outcome from the wire.
pub fn batch_outcome(v: pb::BatchOutcome) -> Result<core::BatchOutcome> {
    use pb::batch_outcome::Outcome;
    match v.outcome {
        Some(Outcome::Done(_)) => Ok(core::BatchOutcome::Done),
        Some(Outcome::Interface(id)) => Ok(core::BatchOutcome::Interface(interface_id(Some(id))?)),
        Some(Outcome::IfTransport(id)) => {
            Ok(core::BatchOutcome::IfTransport(if_transport_id(Some(id))?))
        }
        Some(Outcome::Transport(id)) => Ok(core::BatchOutcome::Transport(transport_id(Some(id))?)),
        None => Err(missing("the step's outcome")),
    }
}

impl From<&core::Change> for pb::Change {
    fn from(v: &core::Change) -> Self {
        use pb::changed_object::Object;
        let kind = match v.kind {
            core::ChangeKind::Created => pb::ChangeKind::Created,
            core::ChangeKind::Changed => pb::ChangeKind::Changed,
            core::ChangeKind::Deleted => pb::ChangeKind::Deleted,
            core::ChangeKind::Replaced => pb::ChangeKind::Replaced,
        };
        let object = match &v.object {
            core::ChangedObject::Configuration => Object::Configuration(true),
            core::ChangedObject::Server => Object::Server(true),
            core::ChangedObject::Interface(id) => Object::Interface(id.into()),
            core::ChangedObject::IfTransport(id) => Object::IfTransport(id.into()),
            core::ChangedObject::Transport(id) => Object::Transport(id.into()),
        };
        pb::Change {
            seq: v.seq,
            generation: v.generation,
            kind: kind as i32,
            object: Some(pb::ChangedObject {
                object: Some(object),
            }),
            version: v.version.map(core::Version::raw),
        }
    }
}

/// A committed change from the wire.
pub fn change(v: Option<pb::Change>) -> Result<core::Change> {
    use pb::changed_object::Object;
    let v = required(v, "the change")?;
    let kind = match pb::ChangeKind::try_from(v.kind) {
        Ok(pb::ChangeKind::Created) => core::ChangeKind::Created,
        Ok(pb::ChangeKind::Changed) => core::ChangeKind::Changed,
        Ok(pb::ChangeKind::Deleted) => core::ChangeKind::Deleted,
        Ok(pb::ChangeKind::Replaced) => core::ChangeKind::Replaced,
        _ => {
            return Err(Error::invalid_parameter(format!(
                "change kind {} is unknown",
                v.kind
            )));
        }
    };
    let object = match required(v.object, "the changed object")?.object {
        Some(Object::Configuration(_)) => core::ChangedObject::Configuration,
        Some(Object::Server(_)) => core::ChangedObject::Server,
        Some(Object::Interface(id)) => core::ChangedObject::Interface(interface_id(Some(id))?),
        Some(Object::IfTransport(id)) => {
            core::ChangedObject::IfTransport(if_transport_id(Some(id))?)
        }
        Some(Object::Transport(id)) => core::ChangedObject::Transport(transport_id(Some(id))?),
        None => return Err(missing("the changed object")),
    };
    Ok(core::Change {
        seq: v.seq,
        generation: v.generation,
        kind,
        object,
        version: v.version.map(core::Version::from_raw),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use mprconfig_core::WinError;

    fn sample_custom() -> core::CustomInfoEx {
        let sel = core::TrafficSelector {
            ts_type: 7,
            protocol_id: 6,
            port_start: 1,
            port_end: 65535,
            payload_id: 3,
            addr_start: core::TsAddress {
                family: 2,
                addr: [10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            },
            addr_end: core::TsAddress {
                family: 2,
                addr: [10, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            },
        };
        core::CustomInfoEx {
            flags: 1,
            ikev2: core::IfCustomIkev2 {
                sa_lifetime: 28800,
                sa_data_size: 102400,
                certificate_name: vec![1, 2, 3],
                custom_policy: Some(core::CustomPolicy {
                    integrity_method: 1,
                    dh_group: 2,
                    ..Default::default()
                }),
                certificate_hash: vec![9; 20],
                mm_sa_lifetime: 3,
                traffic_selectors_initiator: vec![sel],
                traffic_selectors_responder: vec![sel, sel],
            },
        }
    }

    #[test]
    fn every_batch_step_outcome_and_change_round_trips() {
        use self::core::BatchOp as B;
        let id = core::InterfaceId {
            key: 7,
            name: "wan1".into(),
        };
        let refs = [
            core::IfRef::Id(id.clone()),
            core::IfRef::Name("Wan1".into()),
            core::IfRef::Step(0),
        ];
        let mut ops = vec![
            B::Install {
                links: vec![core::NetLink {
                    name: "eth0".into(),
                    guid: "{00000000-0000-0000-0000-000000000001}".into(),
                    is_loopback: false,
                }],
            },
            B::Restore { backup: vec![1, 2] },
            B::ServerSetInfo {
                level: 2,
                info: core::ServerInfo::default(),
            },
            B::ServerSetInfoEx {
                config: core::ServerSetConfigEx::default(),
            },
            B::InterfaceCreate {
                info: core::Interface {
                    name: "n".into(),
                    ..Default::default()
                },
            },
            B::TransportCreate {
                protocol_id: 0x21,
                name: Some("IP".into()),
                global_info: Some(vec![]),
                client_interface_info: None,
                dll_path: Some("x.dll".into()),
            },
            B::TransportDelete { protocol_id: 0x21 },
            B::TransportSetInfo {
                protocol_id: 0x21,
                global_info: None,
                client_interface_info: Some(vec![3]),
                dll_path: None,
            },
            B::FilterSetInfo {
                protocol_id: 0x57,
                enable: true,
            },
            B::RequireVersion {
                object: core::ObjectRef::Transport(0x21),
                version: core::Version::from_raw(u64::MAX),
            },
            B::RequireVersion {
                object: core::ObjectRef::Configuration,
                version: core::Version::from_raw(0),
            },
        ];
        for r in refs {
            ops.extend([
                B::InterfaceDelete {
                    interface: r.clone(),
                },
                B::InterfaceSetInfo {
                    interface: r.clone(),
                    level: 1,
                    info: core::Interface::default(),
                },
                B::InterfaceSetCustomInfo {
                    interface: r.clone(),
                    info: sample_custom(),
                },
                B::IfTransportAdd {
                    interface: r.clone(),
                    protocol_id: 0x21,
                    name: None,
                    info: Some(vec![0; 12]),
                },
                B::IfTransportRemove {
                    interface: r.clone(),
                    protocol_id: 0x2B,
                },
                B::IfTransportSetInfo {
                    interface: r.clone(),
                    protocol_id: 0x21,
                    info: vec![],
                },
                B::RequireVersion {
                    object: core::ObjectRef::Interface(r.clone()),
                    version: core::Version::from_raw(5),
                },
                B::RequireVersion {
                    object: core::ObjectRef::IfTransport(r.clone(), 0x21),
                    version: core::Version::from_raw(6),
                },
            ]);
        }
        for op in ops {
            assert_eq!(batch_step((&op).into()).unwrap(), op);
        }
        assert_eq!(
            batch_step(pb::BatchStep { op: None }).unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER
        );
        let it = core::IfTransportId {
            interface: id.clone(),
            protocol_id: 0x21,
        };
        for o in [
            core::BatchOutcome::Done,
            core::BatchOutcome::Interface(id.clone()),
            core::BatchOutcome::IfTransport(it.clone()),
            core::BatchOutcome::Transport(core::TransportId { protocol_id: 0x57 }),
        ] {
            assert_eq!(batch_outcome((&o).into()).unwrap(), o);
        }
        for (kind, object) in [
            (
                core::ChangeKind::Replaced,
                core::ChangedObject::Configuration,
            ),
            (core::ChangeKind::Changed, core::ChangedObject::Server),
            (
                core::ChangeKind::Created,
                core::ChangedObject::Interface(id.clone()),
            ),
            (
                core::ChangeKind::Deleted,
                core::ChangedObject::IfTransport(it),
            ),
            (
                core::ChangeKind::Changed,
                core::ChangedObject::Transport(core::TransportId { protocol_id: 0x21 }),
            ),
        ] {
            let c = core::Change {
                seq: 9,
                generation: 4,
                kind,
                object,
                version: Some(core::Version::from_raw(3)),
            };
            assert_eq!(change(Some((&c).into())).unwrap(), c);
        }
        let mut bad: pb::Change = (&core::Change {
            seq: 1,
            generation: 1,
            kind: core::ChangeKind::Created,
            object: core::ChangedObject::Server,
            version: None,
        })
            .into();
        bad.kind = 99;
        assert_eq!(
            change(Some(bad)).unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER
        );
    }

    #[test]
    fn custom_info_round_trips() {
        let v = sample_custom();
        assert_eq!(custom_info(Some(v.clone().into())).unwrap(), v);
    }

    #[test]
    fn server_info_ex_round_trips_with_and_without_policies() {
        let mut v = core::ServerInfoEx {
            lan_only_mode: true,
            total_ports: 7,
            ..Default::default()
        };
        v.config.ikev2.certificate_names = vec![vec![1], vec![]];
        v.config.ikev2.certificate_ekus = vec![core::CertEku {
            is_oid: true,
            eku: "1.3.6.1".into(),
        }];
        v.config.l2tp.custom_policy = Some(core::CustomPolicy {
            pfs_group: 4,
            ..Default::default()
        });
        v.config.sstp.cert_hash = vec![5; 32];
        v.config.gre.num_ports = 9;
        assert_eq!(server_info_ex(Some(v.clone().into())).unwrap(), v);
    }

    #[test]
    fn interface_round_trips_absent_and_empty_hours_distinctly() {
        let mut i = core::Interface {
            name: "x".into(),
            if_type: core::InterfaceType(99),
            ..Default::default()
        };
        assert_eq!(interface(Some((&i).into())).unwrap(), i);
        i.dialout_hours = Some(vec![]);
        assert_eq!(interface(Some((&i).into())).unwrap(), i);
        i.dialout_hours = Some(vec!["0 08:00-17:00".into()]);
        assert_eq!(interface(Some((&i).into())).unwrap(), i);
    }

    #[test]
    fn out_of_range_narrow_fields_are_invalid_parameter() {
        let mut w: pb::CustomInfoEx = sample_custom().into();
        w.ikev2.as_mut().unwrap().traffic_selectors_initiator[0].port_end = 70000;
        assert_eq!(
            custom_info(Some(w)).unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER
        );
        let mut w: pb::CustomInfoEx = sample_custom().into();
        w.ikev2.as_mut().unwrap().traffic_selectors_responder[1].protocol_id = 256;
        assert_eq!(
            custom_info(Some(w)).unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER
        );
        let mut w: pb::CustomInfoEx = sample_custom().into();
        w.ikev2.as_mut().unwrap().traffic_selectors_responder[0]
            .addr_end
            .as_mut()
            .unwrap()
            .addr = vec![1; 17];
        assert_eq!(
            custom_info(Some(w)).unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER
        );
    }

    #[test]
    fn missing_required_messages_are_invalid_parameter() {
        assert_eq!(
            interface(None).unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER
        );
        assert_eq!(
            interface_id(None).unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER
        );
        let bad = pb::IfTransportId {
            interface: None,
            protocol_id: 1,
        };
        assert_eq!(
            if_transport_id(Some(bad)).unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER
        );
    }

    #[test]
    fn status_carries_code_and_detail_unchanged() {
        let e = Error::new(WinError(123456), "odd");
        assert_eq!(
            check_status(Some(status_of(&Err(e.clone())))).unwrap_err(),
            e
        );
        assert!(check_status(None).is_ok());
        assert!(check_status(Some(status_of(&Ok(())))).is_ok());
    }
}
