//! Arbitrary bytes as the protocol messages a peer sends `mprd` (and replies a client decodes):
//! decoding and the conversion to model types never panic, out-of-range values are
//! `ERROR_INVALID_PARAMETER`, and whatever converts re-encodes to the same model value. The
//! first byte picks the message; the rest is its protobuf encoding. Server names and
//! fingerprints from the same bytes go through their parsers too.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mprconfig_core::WinError;
use mprconfig_remote::convert as cv;
use mprconfig_remote::pb;
use prost::Message;

fn invalid_only<T>(r: &mprconfig_core::Result<T>) {
    if let Err(e) = r {
        assert_eq!(e.code, WinError::ERROR_INVALID_PARAMETER, "{e}");
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, body)) = data.split_first() else { return };
    match which % 12 {
        0 => {
            if let Ok(m) = pb::InterfaceCreateRequest::decode(body) {
                let r = cv::interface(m.info);
                invalid_only(&r);
                if let Ok(i) = r {
                    assert_eq!(cv::interface(Some((&i).into())).unwrap(), i);
                }
            }
        }
        1 => {
            if let Ok(m) = pb::InterfaceSetCustomInfoRequest::decode(body) {
                invalid_only(&cv::interface_id(m.id));
                let r = cv::custom_info(m.info);
                invalid_only(&r);
                if let Ok(v) = r {
                    assert_eq!(cv::custom_info(Some(v.clone().into())).unwrap(), v);
                }
            }
        }
        2 => {
            if let Ok(m) = pb::ServerSetInfoExRequest::decode(body) {
                let r = cv::server_set_config_ex(m.config);
                invalid_only(&r);
                if let Ok(v) = r {
                    assert_eq!(cv::server_set_config_ex(Some(v.clone().into())).unwrap(), v);
                }
            }
        }
        3 => {
            if let Ok(m) = pb::ServerSetInfoRequest::decode(body) {
                let r = cv::server_info(m.info);
                invalid_only(&r);
                if let Ok(v) = r {
                    assert_eq!(cv::server_info(Some(v.into())).unwrap(), v);
                }
            }
        }
        4 => {
            if let Ok(m) = pb::IfTransportRequest::decode(body) {
                let r = cv::if_transport_id(m.id);
                invalid_only(&r);
                if let Ok(v) = r {
                    assert_eq!(cv::if_transport_id(Some((&v).into())).unwrap(), v);
                }
            }
        }
        5 => {
            if let Ok(m) = pb::InstallRequest::decode(body) {
                for l in m.links {
                    let n = cv::net_link(l);
                    assert_eq!(cv::net_link((&n).into()), n);
                }
            }
        }
        6 => {
            if let Ok(m) = pb::InterfaceEnumReply::decode(body) {
                let r = cv::page(m.entries, m.total_from_resume, m.next_resume, cv::interface_entry);
                invalid_only(&r);
            }
        }
        7 => {
            if let Ok(m) = pb::TransportInfoReply::decode(body) {
                let _ = cv::check_status(m.status);
                let r = cv::transport_info(m.info);
                invalid_only(&r);
                if let Ok(v) = r {
                    assert_eq!(cv::transport_info(Some(v.clone().into())).unwrap(), v);
                }
            }
        }
        8 => {
            if let Ok(m) = pb::ServerInfoExReply::decode(body) {
                let r = cv::server_info_ex(m.info);
                invalid_only(&r);
                if let Ok(v) = r {
                    assert_eq!(cv::server_info_ex(Some(v.clone().into())).unwrap(), v);
                }
            }
        }
        9 => {
            if let Ok(m) = pb::IfTransportEnumReply::decode(body) {
                invalid_only(&cv::page(m.entries, m.total_from_resume, m.next_resume, cv::if_transport_entry));
            }
        }
        10 => {
            if let Ok(m) = pb::ConnectRequest::decode(body) {
                let _ = m.client_name.chars().take(256).count();
            }
            if let Ok(s) = std::str::from_utf8(body) {
                let _ = mprconfig_remote::tls::normalize_fingerprint(s);
            }
        }
        _ => {
            if let Ok(s) = std::str::from_utf8(body) {
                match mprconfig_remote::parse_server_name(s) {
                    Ok((host, port)) => {
                        let key = mprconfig_remote::name::host_port_key(&host, port);
                        assert_eq!(mprconfig_remote::parse_server_name(&key).unwrap(), (host, port));
                    }
                    Err(e) => assert_eq!(e.code, WinError::ERROR_BAD_NETPATH),
                }
            }
        }
    }
});
