//! Tunnel parameters of the server (`MprConfigServer{Get,Set}InfoEx`): IKEv2, L2TP and SSTP
//! under `Parameters`, and the custom IPsec policy keys they (and custom interface info) share.

use super::checks::check_ports;
use super::values::{
    bytes, dword, set_binary_or_delete, set_bool, set_dword, string, subkeys_with_values_or_empty,
    values_or_none,
};
use crate::layout as l;
use crate::model::*;
use crate::{RegValue, RegistryTx, Result, WinError, bail};

pub(super) fn read_policy(tx: &mut dyn RegistryTx, path: &str) -> Result<Option<CustomPolicy>> {
    Ok(values_or_none(tx, path)?.map(|v| CustomPolicy {
        integrity_method: dword(&v, l::INTEGRITY_METHOD).unwrap_or(0),
        encryption_method: dword(&v, l::ENCRYPTION_METHOD).unwrap_or(0),
        cipher_transform_constant: dword(&v, l::CIPHER_TRANSFORM_CONSTANT).unwrap_or(0),
        auth_transform_constant: dword(&v, l::AUTH_TRANSFORM_CONSTANT).unwrap_or(0),
        pfs_group: dword(&v, l::PFS_GROUP).unwrap_or(0),
        dh_group: dword(&v, l::DH_GROUP).unwrap_or(0),
    }))
}

pub(super) fn write_policy(
    tx: &mut dyn RegistryTx,
    path: &str,
    policy: Option<&CustomPolicy>,
) -> Result<()> {
    tx.delete_key_tree(path)?;
    if let Some(p) = policy {
        tx.create_key(path)?;
        set_dword(tx, path, l::INTEGRITY_METHOD, p.integrity_method)?;
        set_dword(tx, path, l::ENCRYPTION_METHOD, p.encryption_method)?;
        set_dword(
            tx,
            path,
            l::CIPHER_TRANSFORM_CONSTANT,
            p.cipher_transform_constant,
        )?;
        set_dword(
            tx,
            path,
            l::AUTH_TRANSFORM_CONSTANT,
            p.auth_transform_constant,
        )?;
        set_dword(tx, path, l::PFS_GROUP, p.pfs_group)?;
        set_dword(tx, path, l::DH_GROUP, p.dh_group)?;
    }
    Ok(())
}

/// `MPRAPI_IKEV2_SET_TUNNEL_CONFIG_PARAMS` (also used for L2TP): the tunnel parameters are valid.
pub(super) const SET_TUNNEL_CONFIG_PARAMS: u32 = 0x1;

pub(super) fn read_ikev2(tx: &mut dyn RegistryTx, ports: PortConfig) -> Result<Ikev2Config> {
    let base = l::PARAMETERS_IKEV2;
    let v = values_or_none(tx, base)?.unwrap_or_default();
    let certificate_names = values_or_none(tx, &format!(r"{base}\{}", l::CERTIFICATE_NAMES))?
        .unwrap_or_default()
        .into_iter()
        .map(|(_, value)| value.data)
        .collect();
    let mut ekus: Vec<(u32, CertEku)> =
        subkeys_with_values_or_empty(tx, &format!(r"{base}\{}", l::CERTIFICATE_EKUS))?
            .into_iter()
            .filter_map(|(name, ev)| {
                let n = l::parse_interface_key(&name)?;
                Some((
                    n,
                    CertEku {
                        is_oid: dword(&ev, l::IS_EKU_OID).unwrap_or(0) != 0,
                        eku: string(&ev, l::EKU)?,
                    },
                ))
            })
            .collect();
    ekus.sort_by_key(|(n, _)| *n);
    Ok(Ikev2Config {
        ports,
        tunnel_config_param_flags: SET_TUNNEL_CONFIG_PARAMS,
        idle_timeout: dword(&v, l::IDLE_TIMEOUT).unwrap_or(l::DEFAULT_IKEV2_IDLE_TIMEOUT),
        network_blackout_time: dword(&v, l::NETWORK_BLACKOUT_TIME)
            .unwrap_or(l::DEFAULT_IKEV2_NETWORK_BLACKOUT_TIME),
        sa_lifetime: dword(&v, l::SA_LIFETIME_SERVER).unwrap_or(l::DEFAULT_IKEV2_SA_LIFETIME),
        sa_data_size_for_renegotiation: dword(&v, l::SA_DATA_SIZE)
            .unwrap_or(l::DEFAULT_IKEV2_SA_DATA_SIZE),
        config_options: 0,
        certificate_names,
        machine_certificate_name: bytes(&v, l::MACHINE_CERTIFICATE_NAME).unwrap_or_default(),
        encryption_type: dword(&v, l::ENCRYPTION_TYPE).unwrap_or(0),
        custom_policy: read_policy(tx, &format!(r"{base}\{}", l::CUSTOM_POLICY))?,
        certificate_ekus: ekus.into_iter().map(|(_, e)| e).collect(),
        machine_certificate_hash: bytes(&v, l::MACHINE_CERTIFICATE_HASH).unwrap_or_default(),
        mm_sa_lifetime: dword(&v, l::MM_SA_LIFETIME_SERVER).unwrap_or(0),
    })
}

pub(super) fn check_ikev2(c: &Ikev2Config) -> Result<()> {
    check_ports("IKEv2", &l::POOL_IKEV2, &c.ports)?;
    if c.tunnel_config_param_flags & !SET_TUNNEL_CONFIG_PARAMS != 0 {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "IKEv2 tunnel config flags {:#x} are unknown",
            c.tunnel_config_param_flags
        );
    }
    if c.tunnel_config_param_flags & SET_TUNNEL_CONFIG_PARAMS == 0 {
        return Ok(());
    }
    if !(300..=17_279_999).contains(&c.idle_timeout) {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "IKEv2 idle timeout {} is outside 300..=17279999",
            c.idle_timeout
        );
    }
    if c.network_blackout_time < 120 {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "IKEv2 network blackout time {} is below 120",
            c.network_blackout_time
        );
    }
    if c.sa_lifetime < 300 {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "IKEv2 SA lifetime {} is below 300",
            c.sa_lifetime
        );
    }
    if c.sa_data_size_for_renegotiation < 1024 {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "IKEv2 SA data size {} KB is below 1024",
            c.sa_data_size_for_renegotiation
        );
    }
    if c.config_options != 0 {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "IKEv2 dwConfigOptions must be 0"
        );
    }
    if c.encryption_type > 3 {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "IKEv2 encryption type {} is not 0-3",
            c.encryption_type
        );
    }
    if c.certificate_ekus.iter().any(|e| e.eku.contains('\0')) {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "an IKEv2 certificate EKU contains NUL"
        );
    }
    Ok(())
}

pub(super) fn write_ikev2(tx: &mut dyn RegistryTx, c: &Ikev2Config) -> Result<()> {
    let base = l::PARAMETERS_IKEV2;
    tx.create_key(base)?;
    set_dword(tx, base, l::IDLE_TIMEOUT, c.idle_timeout)?;
    set_dword(tx, base, l::NETWORK_BLACKOUT_TIME, c.network_blackout_time)?;
    set_dword(tx, base, l::SA_LIFETIME_SERVER, c.sa_lifetime)?;
    set_dword(tx, base, l::SA_DATA_SIZE, c.sa_data_size_for_renegotiation)?;
    set_dword(tx, base, l::ENCRYPTION_TYPE, c.encryption_type)?;
    set_dword(tx, base, l::MM_SA_LIFETIME_SERVER, c.mm_sa_lifetime)?;
    set_binary_or_delete(
        tx,
        base,
        l::MACHINE_CERTIFICATE_NAME,
        &c.machine_certificate_name,
    )?;
    set_binary_or_delete(
        tx,
        base,
        l::MACHINE_CERTIFICATE_HASH,
        &c.machine_certificate_hash,
    )?;
    let names = format!(r"{base}\{}", l::CERTIFICATE_NAMES);
    tx.delete_key_tree(&names)?;
    if !c.certificate_names.is_empty() {
        tx.create_key(&names)?;
        for (i, n) in c.certificate_names.iter().enumerate() {
            tx.set_value(&names, &i.to_string(), &RegValue::binary(n.as_slice()))?;
        }
    }
    let ekus = format!(r"{base}\{}", l::CERTIFICATE_EKUS);
    tx.delete_key_tree(&ekus)?;
    for (i, e) in c.certificate_ekus.iter().enumerate() {
        let p = format!(r"{ekus}\{i}");
        tx.create_key(&p)?;
        set_bool(tx, &p, l::IS_EKU_OID, e.is_oid)?;
        tx.set_value(&p, l::EKU, &RegValue::sz(&e.eku))?;
    }
    write_policy(
        tx,
        &format!(r"{base}\{}", l::CUSTOM_POLICY),
        c.custom_policy.as_ref(),
    )
}

pub(super) fn read_l2tp(tx: &mut dyn RegistryTx, ports: PortConfig) -> Result<L2tpConfig> {
    let base = l::PARAMETERS_L2TP;
    let v = values_or_none(tx, base)?.unwrap_or_default();
    Ok(L2tpConfig {
        ports,
        tunnel_config_param_flags: SET_TUNNEL_CONFIG_PARAMS,
        idle_timeout: dword(&v, l::IDLE_TIMEOUT).unwrap_or(0),
        encryption_type: dword(&v, l::ENCRYPTION_TYPE).unwrap_or(0),
        sa_lifetime: dword(&v, l::SA_LIFETIME_SERVER).unwrap_or(0),
        sa_data_size_for_renegotiation: dword(&v, l::SA_DATA_SIZE).unwrap_or(0),
        custom_policy: read_policy(tx, &format!(r"{base}\{}", l::CUSTOM_POLICY))?,
        mm_sa_lifetime: dword(&v, l::MM_SA_LIFETIME_SERVER).unwrap_or(0),
    })
}

pub(super) fn check_l2tp(c: &L2tpConfig) -> Result<()> {
    check_ports("L2TP", &l::POOL_L2TP, &c.ports)?;
    if c.tunnel_config_param_flags & !SET_TUNNEL_CONFIG_PARAMS != 0 {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "L2TP tunnel config flags {:#x} are unknown",
            c.tunnel_config_param_flags
        );
    }
    if c.tunnel_config_param_flags & SET_TUNNEL_CONFIG_PARAMS != 0 && c.encryption_type > 3 {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "L2TP encryption type {} is not 0-3",
            c.encryption_type
        );
    }
    Ok(())
}

pub(super) fn write_l2tp(tx: &mut dyn RegistryTx, c: &L2tpConfig) -> Result<()> {
    let base = l::PARAMETERS_L2TP;
    tx.create_key(base)?;
    set_dword(tx, base, l::IDLE_TIMEOUT, c.idle_timeout)?;
    set_dword(tx, base, l::ENCRYPTION_TYPE, c.encryption_type)?;
    set_dword(tx, base, l::SA_LIFETIME_SERVER, c.sa_lifetime)?;
    set_dword(tx, base, l::SA_DATA_SIZE, c.sa_data_size_for_renegotiation)?;
    set_dword(tx, base, l::MM_SA_LIFETIME_SERVER, c.mm_sa_lifetime)?;
    write_policy(
        tx,
        &format!(r"{base}\{}", l::CUSTOM_POLICY),
        c.custom_policy.as_ref(),
    )
}

pub(super) fn read_sstp(tx: &mut dyn RegistryTx, ports: PortConfig) -> Result<SstpConfig> {
    let v = values_or_none(tx, l::SSTP_PARAMETERS)?.unwrap_or_default();
    Ok(SstpConfig {
        ports,
        use_https: dword(&v, l::USE_HTTPS).is_none_or(|d| d != 0),
        cert_algorithm: l::CALG_SHA_256,
        cert_is_default: dword(&v, l::IS_HASH_CONFIGURED_BY_ADMIN).is_none_or(|d| d == 0),
        cert_hash: bytes(&v, l::SHA256_CERTIFICATE_HASH).unwrap_or_default(),
    })
}

pub(super) fn check_sstp(c: &SstpConfig) -> Result<()> {
    check_ports("SSTP", &l::POOL_SSTP, &c.ports)?;
    if c.cert_algorithm != l::CALG_SHA_256 {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "SSTP certificate algorithm {:#x} is not CALG_SHA_256 (0x800c)",
            c.cert_algorithm
        );
    }
    if c.cert_hash.len() > l::MAX_SSTP_HASH_SIZE {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "SSTP certificate hash has {} bytes, more than {}",
            c.cert_hash.len(),
            l::MAX_SSTP_HASH_SIZE
        );
    }
    Ok(())
}

pub(super) fn write_sstp(tx: &mut dyn RegistryTx, c: &SstpConfig) -> Result<()> {
    let base = l::SSTP_PARAMETERS;
    tx.create_key(base)?;
    set_bool(tx, base, l::USE_HTTPS, c.use_https)?;
    set_bool(tx, base, l::IS_HASH_CONFIGURED_BY_ADMIN, !c.cert_is_default)?;
    set_binary_or_delete(tx, base, l::SHA256_CERTIFICATE_HASH, &c.cert_hash)
}

#[cfg(test)]
mod tests {

    use super::*;

    use crate::regconfig::testutil::*;

    use crate::RouterConfig;

    #[test]
    fn tunnel_config_round_trips_and_applies_only_selected_protocols() {
        let (_, c) = installed();
        let before = c.server_get_info_ex().unwrap();
        assert_eq!(before.config.ikev2.idle_timeout, 300);
        let mut cfg = before.config.clone();
        cfg.ikev2.idle_timeout = 600;
        cfg.ikev2.certificate_names = vec![vec![1, 2], vec![3]];
        cfg.ikev2.certificate_ekus = vec![CertEku {
            is_oid: true,
            eku: "1.3.6.1.5.5.7.3.1".into(),
        }];
        cfg.ikev2.custom_policy = Some(CustomPolicy {
            integrity_method: 1,
            ..CustomPolicy::default()
        });
        cfg.ikev2.machine_certificate_name = vec![5; 10];
        cfg.ikev2.mm_sa_lifetime = 999;
        cfg.l2tp.encryption_type = 2;
        cfg.l2tp.sa_lifetime = 3600;
        cfg.gre = PortConfig {
            num_ports: 3,
            port_flags: 2,
        };
        cfg.pptp = PortConfig {
            num_ports: 1,
            port_flags: 1,
        };
        c.server_set_info_ex(&ServerSetConfigEx {
            protocols: set_config::IKEV2 | set_config::GRE,
            config: cfg.clone(),
        })
        .unwrap();
        let got = c.server_get_info_ex().unwrap().config;
        assert_eq!(got.ikev2, cfg.ikev2);
        assert_eq!(got.gre, cfg.gre);
        assert_eq!(got.pptp, before.config.pptp, "PPTP bit not set: unchanged");
        assert_eq!(got.l2tp, before.config.l2tp, "L2TP bit not set: unchanged");
        c.server_set_info_ex(&ServerSetConfigEx {
            protocols: 0x1F,
            config: cfg.clone(),
        })
        .unwrap();
        assert_eq!(c.server_get_info_ex().unwrap().config, cfg);
        let reject = |f: &dyn Fn(&mut ServerSetConfigEx)| {
            let mut s = ServerSetConfigEx {
                protocols: 0x1F,
                config: cfg.clone(),
            };
            f(&mut s);
            c.server_set_info_ex(&s).unwrap_err().code
        };
        assert_eq!(
            reject(&|s| s.protocols = 0x20),
            WinError::ERROR_INVALID_PARAMETER
        );
        assert_eq!(
            reject(&|s| s.config.ikev2.idle_timeout = 299),
            WinError::ERROR_INVALID_PARAMETER
        );
        assert_eq!(
            reject(&|s| s.config.ikev2.network_blackout_time = 119),
            WinError::ERROR_INVALID_PARAMETER
        );
        assert_eq!(
            reject(&|s| s.config.ikev2.sa_data_size_for_renegotiation = 1023),
            WinError::ERROR_INVALID_PARAMETER
        );
        assert_eq!(
            reject(&|s| s.config.ikev2.config_options = 1),
            WinError::ERROR_INVALID_PARAMETER
        );
        assert_eq!(
            reject(&|s| s.config.ikev2.ports.port_flags = 2),
            WinError::ERROR_INVALID_PARAMETER
        );
        assert_eq!(
            reject(&|s| s.config.sstp.cert_algorithm = 0x8004),
            WinError::ERROR_INVALID_PARAMETER
        );
        assert_eq!(
            reject(&|s| s.config.sstp.cert_hash = vec![0; 33]),
            WinError::ERROR_INVALID_PARAMETER
        );
        assert_eq!(
            reject(&|s| s.config.l2tp.encryption_type = 4),
            WinError::ERROR_INVALID_PARAMETER
        );
        assert_eq!(
            reject(&|s| s.config.gre.num_ports = 0),
            WinError::ERROR_INVALID_PARAMETER
        );
        assert_eq!(
            c.server_get_info_ex().unwrap().config,
            cfg,
            "rejected calls changed nothing"
        );
    }
}
