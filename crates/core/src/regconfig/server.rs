//! Server info: the port pools of the ports device class (found by `ComponentId`), the
//! LAN-only mode, and the level 0-2 and `Ex` server calls, whose tunnel parameters live in
//! [`super::tunnels`].

use super::RegistryConfig;
use super::Values;
use super::checks::check_ports;
use super::log::record;
use super::tunnels::{
    SET_TUNNEL_CONFIG_PARAMS, check_ikev2, check_l2tp, check_sstp, read_ikev2, read_l2tp,
    read_sstp, write_ikev2, write_l2tp, write_sstp,
};
use super::values::{
    dword, set_bool, set_dword, string, subkeys_with_values_or_empty, values_or_none,
};
use crate::changes::{ChangeKind, ChangedObject};
use crate::layout::{self as l, PortPool};
use crate::model::*;
use crate::registry::names_equal;
use crate::{RegValue, Registry, RegistryTx, Result, WinError, bail};

/// The port pools present in `PORTS_CLASS`, found by `ComponentId`.
pub(super) struct Pools {
    found: Vec<Option<(String, Values)>>,
    next: u32,
}

impl Pools {
    pub(super) fn load(tx: &mut dyn RegistryTx) -> Result<Self> {
        let mut found: Vec<Option<(String, Values)>> = vec![None; l::POOLS.len()];
        let mut next = 0u32;
        for (name, values) in subkeys_with_values_or_empty(tx, l::PORTS_CLASS)? {
            if name.len() >= 4
                && name.bytes().all(|b| b.is_ascii_digit())
                && let Ok(n) = name.parse::<u32>()
            {
                next = next.max(n.saturating_add(1));
            }
            let Some(component) = string(&values, l::COMPONENT_ID) else {
                continue;
            };
            if let Some(i) = l::POOLS
                .iter()
                .position(|p| p.component_id.eq_ignore_ascii_case(&component))
                && found[i].is_none()
            {
                found[i] = Some((name, values));
            }
        }
        Ok(Pools { found, next })
    }

    fn slot(pool: &PortPool) -> usize {
        l::POOLS
            .iter()
            .position(|p| p.component_id == pool.component_id)
            .unwrap_or(0)
    }

    fn config(&self, pool: &PortPool) -> PortConfig {
        match &self.found[Self::slot(pool)] {
            None => PortConfig::default(),
            Some((_, v)) => PortConfig {
                num_ports: dword(v, l::WAN_ENDPOINTS).unwrap_or(0),
                port_flags: (if dword(v, l::ENABLE_FOR_RAS).unwrap_or(0) != 0 {
                    MPR_ENABLE_RAS_ON_DEVICE
                } else {
                    0
                }) | (if dword(v, l::ENABLE_FOR_ROUTING).unwrap_or(0) != 0 {
                    MPR_ENABLE_ROUTING_ON_DEVICE
                } else {
                    0
                }),
            },
        }
    }

    fn total_ports(&self) -> u32 {
        l::POOLS
            .iter()
            .fold(0u32, |acc, p| acc.saturating_add(self.config(p).num_ports))
    }

    /// Stores a pool's count and flags, creating its `NNNN` key when it has none.
    pub(super) fn write(
        &mut self,
        tx: &mut dyn RegistryTx,
        pool: &PortPool,
        ports: PortConfig,
    ) -> Result<()> {
        let slot = Self::slot(pool);
        let path = match &self.found[slot] {
            Some((name, _)) => format!(r"{}\{name}", l::PORTS_CLASS),
            None => {
                let name = format!("{:04}", self.next);
                self.next = self.next.saturating_add(1);
                let path = format!(r"{}\{name}", l::PORTS_CLASS);
                tx.create_key(&path)?;
                tx.set_value(&path, l::COMPONENT_ID, &RegValue::sz(pool.component_id))?;
                tx.set_value(&path, l::DRIVER_DESC, &RegValue::sz(pool.description))?;
                set_dword(tx, &path, l::MAX_WAN_ENDPOINTS, pool.max_ports)?;
                set_dword(tx, &path, l::ENABLE_FOR_OUTBOUND_ROUTING, 0)?;
                self.found[slot] = Some((name, Vec::new()));
                path
            }
        };
        set_dword(tx, &path, l::WAN_ENDPOINTS, ports.num_ports)?;
        set_bool(
            tx,
            &path,
            l::ENABLE_FOR_RAS,
            ports.port_flags & MPR_ENABLE_RAS_ON_DEVICE != 0,
        )?;
        set_bool(
            tx,
            &path,
            l::ENABLE_FOR_ROUTING,
            ports.port_flags & MPR_ENABLE_ROUTING_ON_DEVICE != 0,
        )?;
        // Keep the cached values in step so config() reads what was just written.
        if let Some((_, v)) = &mut self.found[slot] {
            for (name, value) in [
                (l::WAN_ENDPOINTS, ports.num_ports),
                (
                    l::ENABLE_FOR_RAS,
                    ports.port_flags & MPR_ENABLE_RAS_ON_DEVICE,
                ),
                (
                    l::ENABLE_FOR_ROUTING,
                    ports.port_flags & MPR_ENABLE_ROUTING_ON_DEVICE,
                ),
            ] {
                v.retain(|(n, _)| !names_equal(n, name));
                v.push((name.to_owned(), RegValue::dword(value)));
            }
        }
        Ok(())
    }
}

fn lan_only_mode(params: &[(String, RegValue)]) -> bool {
    match dword(params, l::ROUTER_TYPE) {
        Some(rt) => rt & l::ROUTER_TYPE_NOT_LAN_ONLY == 0,
        None => dword(params, l::LAN_ONLY_MODE).is_some_and(|v| v != 0),
    }
}

pub(super) fn get_info<R: Registry>(c: &RegistryConfig<R>) -> Result<ServerInfo> {
    c.read(|tx| {
        let params = values_or_none(tx, l::PARAMETERS)?.unwrap_or_default();
        let pools = Pools::load(tx)?;
        Ok(ServerInfo {
            lan_only_mode: lan_only_mode(&params),
            up_time: 0,
            total_ports: pools.total_ports(),
            ports_in_use: 0,
            pptp: pools.config(&l::POOL_PPTP),
            l2tp: pools.config(&l::POOL_L2TP),
            sstp: pools.config(&l::POOL_SSTP),
        })
    })
}

/// The argument checks of `server_set_info`.
pub(super) fn check_set_info(level: u32, info: &ServerInfo) -> Result<()> {
    if level != 1 && level != 2 {
        bail!(
            WinError::ERROR_NOT_SUPPORTED,
            "server info level {level} cannot be set (only 1 and 2)"
        );
    }
    check_ports("PPTP", &l::POOL_PPTP, &info.pptp)?;
    check_ports("L2TP", &l::POOL_L2TP, &info.l2tp)?;
    if level == 2 {
        check_ports("SSTP", &l::POOL_SSTP, &info.sstp)?;
    }
    Ok(())
}

pub(super) fn set_info<R: Registry>(
    c: &RegistryConfig<R>,
    level: u32,
    info: &ServerInfo,
) -> Result<()> {
    check_set_info(level, info)?;
    c.write(|tx, _| set_info_in(tx, level, info))
}

/// `server_set_info` inside a write transaction (arguments checked by [`check_set_info`]).
pub(super) fn set_info_in(tx: &mut dyn RegistryTx, level: u32, info: &ServerInfo) -> Result<()> {
    let mut pools = Pools::load(tx)?;
    pools.write(tx, &l::POOL_PPTP, info.pptp)?;
    pools.write(tx, &l::POOL_L2TP, info.l2tp)?;
    if level == 2 {
        pools.write(tx, &l::POOL_SSTP, info.sstp)?;
    }
    record(tx, ChangeKind::Changed, ChangedObject::Server, None)
}

pub(super) fn get_info_ex<R: Registry>(c: &RegistryConfig<R>) -> Result<ServerInfoEx> {
    c.read(|tx| {
        let params = values_or_none(tx, l::PARAMETERS)?.unwrap_or_default();
        let pools = Pools::load(tx)?;
        let config = TunnelConfig {
            ikev2: read_ikev2(tx, pools.config(&l::POOL_IKEV2))?,
            pptp: pools.config(&l::POOL_PPTP),
            l2tp: read_l2tp(tx, pools.config(&l::POOL_L2TP))?,
            sstp: read_sstp(tx, pools.config(&l::POOL_SSTP))?,
            gre: pools.config(&l::POOL_GRE),
        };
        Ok(ServerInfoEx {
            lan_only_mode: lan_only_mode(&params),
            up_time: 0,
            total_ports: pools.total_ports(),
            ports_in_use: 0,
            config,
        })
    })
}

/// The argument checks of `server_set_info_ex`.
pub(super) fn check_set_info_ex(config: &ServerSetConfigEx) -> Result<()> {
    use crate::model::set_config as sc;
    let all = sc::PPTP | sc::L2TP | sc::SSTP | sc::IKEV2 | sc::GRE;
    if config.protocols & !all != 0 {
        bail!(
            WinError::ERROR_INVALID_PARAMETER,
            "setConfigForProtocols {:#x} has unknown bits",
            config.protocols
        );
    }
    let on = |bit: u32| config.protocols & bit != 0;
    let c = &config.config;
    if on(sc::PPTP) {
        check_ports("PPTP", &l::POOL_PPTP, &c.pptp)?;
    }
    if on(sc::L2TP) {
        check_l2tp(&c.l2tp)?;
    }
    if on(sc::SSTP) {
        check_sstp(&c.sstp)?;
    }
    if on(sc::IKEV2) {
        check_ikev2(&c.ikev2)?;
    }
    if on(sc::GRE) {
        check_ports("GRE", &l::POOL_GRE, &c.gre)?;
    }
    Ok(())
}

pub(super) fn set_info_ex<R: Registry>(
    rc: &RegistryConfig<R>,
    config: &ServerSetConfigEx,
) -> Result<()> {
    check_set_info_ex(config)?;
    rc.write(|tx, _| set_info_ex_in(tx, config))
}

/// `server_set_info_ex` inside a write transaction (arguments checked by
/// [`check_set_info_ex`]).
pub(super) fn set_info_ex_in(tx: &mut dyn RegistryTx, config: &ServerSetConfigEx) -> Result<()> {
    use crate::model::set_config as sc;
    let on = |bit: u32| config.protocols & bit != 0;
    let c = &config.config;
    {
        let mut pools = Pools::load(tx)?;
        if on(sc::PPTP) {
            pools.write(tx, &l::POOL_PPTP, c.pptp)?;
        }
        if on(sc::L2TP) {
            pools.write(tx, &l::POOL_L2TP, c.l2tp.ports)?;
            if c.l2tp.tunnel_config_param_flags & SET_TUNNEL_CONFIG_PARAMS != 0 {
                write_l2tp(tx, &c.l2tp)?;
            }
        }
        if on(sc::SSTP) {
            pools.write(tx, &l::POOL_SSTP, c.sstp.ports)?;
            write_sstp(tx, &c.sstp)?;
        }
        if on(sc::IKEV2) {
            pools.write(tx, &l::POOL_IKEV2, c.ikev2.ports)?;
            if c.ikev2.tunnel_config_param_flags & SET_TUNNEL_CONFIG_PARAMS != 0 {
                write_ikev2(tx, &c.ikev2)?;
            }
        }
        if on(sc::GRE) {
            pools.write(tx, &l::POOL_GRE, c.gre)?;
        }
    }
    record(tx, ChangeKind::Changed, ChangedObject::Server, None)
}

#[cfg(test)]
mod tests {

    use super::*;

    use crate::regconfig::testutil::*;

    use crate::RouterConfig;

    #[test]
    fn server_info_levels_and_limits() {
        let (_, c) = installed();
        let s = c.server_get_info().unwrap();
        assert!(!s.lan_only_mode);
        assert_eq!(
            (s.pptp.num_ports, s.l2tp.num_ports, s.sstp.num_ports),
            (128, 128, 128)
        );
        assert_eq!(s.total_ports, 128 * 5);
        let good = ServerInfo {
            pptp: PortConfig {
                num_ports: 16384,
                port_flags: 3,
            },
            l2tp: PortConfig {
                num_ports: 30000,
                port_flags: 2,
            },
            sstp: PortConfig {
                num_ports: 1,
                port_flags: 1,
            },
            ..ServerInfo::default()
        };
        for level in [0, 3, 4] {
            assert_eq!(
                c.server_set_info(level, &good).unwrap_err().code,
                WinError::ERROR_NOT_SUPPORTED
            );
        }
        c.server_set_info(1, &good).unwrap();
        assert_eq!(
            c.server_get_info().unwrap().sstp.num_ports,
            128,
            "level 1 leaves SSTP"
        );
        c.server_set_info(2, &good).unwrap();
        let s = c.server_get_info().unwrap();
        assert_eq!((s.pptp, s.l2tp, s.sstp), (good.pptp, good.l2tp, good.sstp));
        let bad = |f: &dyn Fn(&mut ServerInfo)| {
            let mut b = good;
            f(&mut b);
            c.server_set_info(2, &b).unwrap_err().code
        };
        assert_eq!(
            bad(&|b| b.pptp.num_ports = 0),
            WinError::ERROR_INVALID_PARAMETER
        );
        assert_eq!(
            bad(&|b| b.pptp.num_ports = 16385),
            WinError::ERROR_INVALID_PARAMETER
        );
        assert_eq!(
            bad(&|b| b.l2tp.num_ports = 30001),
            WinError::ERROR_INVALID_PARAMETER
        );
        assert_eq!(
            bad(&|b| b.l2tp.port_flags = 4),
            WinError::ERROR_INVALID_PARAMETER
        );
        assert_eq!(
            bad(&|b| b.sstp.port_flags = 2),
            WinError::ERROR_INVALID_PARAMETER
        );
        assert_eq!(
            bad(&|b| b.sstp.num_ports = 0),
            WinError::ERROR_INVALID_PARAMETER
        );
    }

    #[test]
    fn lan_only_mode_follows_router_type() {
        assert!(!lan_only_mode(&[(
            l::ROUTER_TYPE.into(),
            RegValue::dword(7)
        )]));
        assert!(lan_only_mode(&[(
            l::ROUTER_TYPE.into(),
            RegValue::dword(2)
        )]));
        assert!(lan_only_mode(&[(
            l::ROUTER_TYPE.into(),
            RegValue::dword(0x12)
        )]));
        assert!(!lan_only_mode(&[(
            l::ROUTER_TYPE.into(),
            RegValue::dword(0x20)
        )]));
        assert!(lan_only_mode(&[(
            l::LAN_ONLY_MODE.into(),
            RegValue::dword(1)
        )]));
        assert!(!lan_only_mode(&[]));
    }
}
