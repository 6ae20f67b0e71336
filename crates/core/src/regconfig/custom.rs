//! Custom interface info (`MprConfigInterface{Get,Set}CustomInfoEx`): the per-interface IKEv2
//! values of a FULL_ROUTER interface, including its traffic selectors.

use super::RegistryConfig;
use super::interfaces::{resolve_interface, stored_id};
use super::log::record;
use super::tunnels::{read_policy, write_policy};
use super::values::{bytes, dword, set_binary_or_delete, set_dword, val};
use crate::changes::{ChangeKind, ChangedObject};
use crate::layout as l;
use crate::model::*;
use crate::{Registry, RegistryTx, Result, WinError, bail};

const TS_RECORD_LEN: usize = 52;

/// `MPR_VPN_TRAFFIC_SELECTOR` records in their x64 in-memory layout (52 bytes each).
fn encode_selectors(list: &[TrafficSelector]) -> Vec<u8> {
    let mut out = Vec::with_capacity(list.len() * TS_RECORD_LEN);
    for ts in list {
        out.extend_from_slice(&ts.ts_type.to_le_bytes());
        out.push(ts.protocol_id);
        out.push(0);
        out.extend_from_slice(&ts.port_start.to_le_bytes());
        out.extend_from_slice(&ts.port_end.to_le_bytes());
        out.extend_from_slice(&ts.payload_id.to_le_bytes());
        for a in [&ts.addr_start, &ts.addr_end] {
            out.extend_from_slice(&a.family.to_le_bytes());
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(&a.addr);
        }
    }
    out
}

fn decode_selectors(data: &[u8]) -> Result<Vec<TrafficSelector>> {
    if !data.len().is_multiple_of(TS_RECORD_LEN) {
        bail!(
            WinError::ERROR_INVALID_DATA,
            "stored traffic selectors are {} bytes, not a multiple of {TS_RECORD_LEN}",
            data.len()
        );
    }
    let u16_at = |r: &[u8], i: usize| u16::from_le_bytes([r[i], r[i + 1]]);
    let addr_at = |r: &[u8], i: usize| {
        let mut addr = [0u8; 16];
        addr.copy_from_slice(&r[i + 4..i + 20]);
        TsAddress {
            family: u16_at(r, i),
            addr,
        }
    };
    Ok(data
        .chunks_exact(TS_RECORD_LEN)
        .map(|r| TrafficSelector {
            ts_type: i32::from_le_bytes([r[0], r[1], r[2], r[3]]),
            protocol_id: r[4],
            port_start: u16_at(r, 6),
            port_end: u16_at(r, 8),
            payload_id: u16_at(r, 10),
            addr_start: addr_at(r, 12),
            addr_end: addr_at(r, 32),
        })
        .collect())
}

/// Values on the interface key that make up its custom IKEv2 configuration.
const CUSTOM_VALUES: [&str; 7] = [
    l::SA_LIFE_TIME,
    l::SA_MAX_DATA_SIZE,
    l::MACHINE_CERTIFICATE_NAME,
    l::MACHINE_CERTIFICATE_HASH,
    l::MM_SA_LIFE_TIME,
    l::TRAFFIC_SELECTORS_INITIATOR,
    l::TRAFFIC_SELECTORS_RESPONDER,
];

/// The argument checks of `interface_set_custom_info`.
pub(super) fn check_custom_info(info: &CustomInfoEx) -> Result<()> {
    if info.flags & !MPRAPI_IF_CUSTOM_CONFIG_FOR_IKEV2 != 0 {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "custom info flags {:#x} are unknown",
            info.flags
        );
    }
    if info.flags == 0 {
        return Ok(());
    }
    let c = &info.ikev2;
    if !(300..=17_279_999).contains(&c.sa_lifetime) {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "IKEv2 SA lifetime {} is outside 300..=17279999",
            c.sa_lifetime
        );
    }
    if c.sa_data_size < 1024 {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "IKEv2 SA data size {} KB is below 1024",
            c.sa_data_size
        );
    }
    for ts in c
        .traffic_selectors_initiator
        .iter()
        .chain(&c.traffic_selectors_responder)
    {
        if ts.ts_type != 7 && ts.ts_type != 8 {
            bail!(
                WinError::ERROR_INVALID_PARAMETER,
                "traffic selector type {} is not MPR_VPN_TS_IPv4_ADDR_RANGE (7) or MPR_VPN_TS_IPv6_ADDR_RANGE (8)",
                ts.ts_type
            );
        }
    }
    Ok(())
}

pub(super) fn get<R: Registry>(c: &RegistryConfig<R>, id: &InterfaceId) -> Result<CustomInfoEx> {
    c.read(|tx| {
        let (_, v) = resolve_interface(tx, id)?;
        let policy = read_policy(
            tx,
            &format!(r"{}\{}", l::interface_key(id.key), l::IKEV2_CUSTOM_POLICY),
        )?;
        if policy.is_none() && !CUSTOM_VALUES.iter().any(|n| val(&v, n).is_some()) {
            return Ok(CustomInfoEx::default());
        }
        let selectors = |name: &str| decode_selectors(&bytes(&v, name).unwrap_or_default());
        Ok(CustomInfoEx {
            flags: MPRAPI_IF_CUSTOM_CONFIG_FOR_IKEV2,
            ikev2: IfCustomIkev2 {
                sa_lifetime: dword(&v, l::SA_LIFE_TIME).unwrap_or(0),
                sa_data_size: dword(&v, l::SA_MAX_DATA_SIZE).unwrap_or(0),
                certificate_name: bytes(&v, l::MACHINE_CERTIFICATE_NAME).unwrap_or_default(),
                custom_policy: policy,
                certificate_hash: bytes(&v, l::MACHINE_CERTIFICATE_HASH).unwrap_or_default(),
                mm_sa_lifetime: dword(&v, l::MM_SA_LIFE_TIME).unwrap_or(0),
                traffic_selectors_initiator: selectors(l::TRAFFIC_SELECTORS_INITIATOR)?,
                traffic_selectors_responder: selectors(l::TRAFFIC_SELECTORS_RESPONDER)?,
            },
        })
    })
}

pub(super) fn set<R: Registry>(
    c: &RegistryConfig<R>,
    id: &InterfaceId,
    info: &CustomInfoEx,
) -> Result<()> {
    check_custom_info(info)?;
    c.write(|tx, _| set_in(tx, id, info))
}

/// `interface_set_custom_info` inside a write transaction (arguments checked by
/// [`check_custom_info`]).
pub(super) fn set_in(tx: &mut dyn RegistryTx, id: &InterfaceId, info: &CustomInfoEx) -> Result<()> {
    let (iface, _) = resolve_interface(tx, id)?;
    if iface.if_type != InterfaceType::FULL_ROUTER {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "interface {:?} is not a FULL_ROUTER interface: it has no custom IKEv2 configuration",
            iface.name
        );
    }
    let path = l::interface_key(id.key);
    let policy_path = format!(r"{path}\{}", l::IKEV2_CUSTOM_POLICY);
    if info.flags == 0 {
        for name in CUSTOM_VALUES {
            tx.delete_value(&path, name)?;
        }
        tx.delete_key_tree(&policy_path)?;
    } else {
        let ike = &info.ikev2;
        set_dword(tx, &path, l::SA_LIFE_TIME, ike.sa_lifetime)?;
        set_dword(tx, &path, l::SA_MAX_DATA_SIZE, ike.sa_data_size)?;
        set_binary_or_delete(
            tx,
            &path,
            l::MACHINE_CERTIFICATE_NAME,
            &ike.certificate_name,
        )?;
        set_binary_or_delete(
            tx,
            &path,
            l::MACHINE_CERTIFICATE_HASH,
            &ike.certificate_hash,
        )?;
        set_dword(tx, &path, l::MM_SA_LIFE_TIME, ike.mm_sa_lifetime)?;
        let ti = encode_selectors(&ike.traffic_selectors_initiator);
        set_binary_or_delete(tx, &path, l::TRAFFIC_SELECTORS_INITIATOR, &ti)?;
        let tr = encode_selectors(&ike.traffic_selectors_responder);
        set_binary_or_delete(tx, &path, l::TRAFFIC_SELECTORS_RESPONDER, &tr)?;
        write_policy(tx, &policy_path, ike.custom_policy.as_ref())?;
    }
    record(
        tx,
        ChangeKind::Changed,
        ChangedObject::Interface(stored_id(id, &iface)),
        Some(&path),
    )
}

#[cfg(test)]
mod tests {

    use super::*;

    use crate::regconfig::testutil::*;

    use crate::{RouterConfig, TxMode};

    #[test]
    fn custom_info_round_trips_and_clears() {
        let (r, c) = installed();
        let id = c.interface_create(&router("Ike")).unwrap();
        assert_eq!(
            c.interface_get_custom_info(&id).unwrap(),
            CustomInfoEx::default()
        );
        let ts = |t: i32, b: u8| TrafficSelector {
            ts_type: t,
            protocol_id: b,
            port_start: 500,
            port_end: 4500,
            payload_id: 3,
            addr_start: TsAddress {
                family: 2,
                addr: [10, 0, 0, b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            },
            addr_end: TsAddress {
                family: 23,
                addr: [0xfe; 16],
            },
        };
        let info = CustomInfoEx {
            flags: MPRAPI_IF_CUSTOM_CONFIG_FOR_IKEV2,
            ikev2: IfCustomIkev2 {
                sa_lifetime: 3600,
                sa_data_size: 2048,
                certificate_name: vec![1, 2, 3],
                custom_policy: Some(CustomPolicy {
                    integrity_method: 2,
                    encryption_method: 4,
                    cipher_transform_constant: 2,
                    auth_transform_constant: 2,
                    pfs_group: 3,
                    dh_group: 2,
                }),
                certificate_hash: vec![0xAB; 20],
                mm_sa_lifetime: 480,
                traffic_selectors_initiator: vec![ts(7, 1), ts(8, 2)],
                traffic_selectors_responder: vec![ts(7, 9)],
            },
        };
        c.interface_set_custom_info(&id, &info).unwrap();
        assert_eq!(c.interface_get_custom_info(&id).unwrap(), info);
        let sel = r
            .transact(TxMode::Read, &mut |tx| {
                tx.get_value(&l::interface_key(id.key), l::TRAFFIC_SELECTORS_INITIATOR)
            })
            .unwrap()
            .unwrap();
        assert_eq!(sel.data.len(), 2 * TS_RECORD_LEN);
        c.interface_set_custom_info(&id, &CustomInfoEx::default())
            .unwrap();
        assert_eq!(
            c.interface_get_custom_info(&id).unwrap(),
            CustomInfoEx::default()
        );
        let mut bad = info.clone();
        bad.ikev2.sa_lifetime = 299;
        assert_eq!(
            c.interface_set_custom_info(&id, &bad).unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER
        );
        let lan = c.interface_get_handle("Internal").unwrap();
        assert_eq!(
            c.interface_set_custom_info(&lan, &info).unwrap_err().code,
            WinError::ERROR_INVALID_PARAMETER
        );
    }
}
