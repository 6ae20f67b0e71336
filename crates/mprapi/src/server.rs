//! Server functions: connect, disconnect, refresh, install, server info, backup and restore.

#![allow(non_snake_case)]

use std::ffi::c_void;

use mprconfig_core::{
    CertEku, Error, Ikev2Config, L2tpConfig, PortConfig, Result, ServerInfo, ServerInfoEx,
    ServerSetConfigEx, SstpConfig, TunnelConfig, WinError, set_config,
};

use crate::alloc::Owned;
use crate::attached::{Attached, read_blob, read_policy};
use crate::guard::{check_level, guard, not_null};
use crate::out::{self, Buf, Filled, Ptr};
use crate::types::*;
use crate::{MAX_PATH_LEN, MAX_SERVER_NAME_LEN, backend, handles, wide};

/// Most certificates / EKUs accepted in one `MPR_SERVER_SET_CONFIG_EX`.
pub const MAX_CERT_ENTRIES: u32 = 1024;
/// Largest certificate name or hash blob accepted, in bytes.
pub const MAX_CERT_BLOB: u32 = 64 * 1024;
/// Longest EKU string accepted, in characters.
pub const MAX_EKU_LEN: usize = 1024;

/// `MprConfigServerConnect`: opens the router configuration of this machine
/// (`lpwsServerName` NULL or empty; the store file is `MPRCONFIG_STORE`) or of the server
/// `lpwsServerName` (`host`, `\\host`, `host:port`, reached over TLS), and returns a config
/// handle in `*phMprConfig`.
///
/// Errors: `ERROR_INVALID_PARAMETER` (87) — `phMprConfig` NULL, or the name is longer than
/// 1024 characters or not valid UTF-16; `ERROR_BAD_NETPATH` (53), `RPC_S_SERVER_UNAVAILABLE`
/// (1722), `ERROR_ACCESS_DENIED` (5) — remote failures; other store errors pass through.
/// `*phMprConfig` is NULL on failure. Thread-safe; the handle may be shared between threads
/// and is released with `MprConfigServerDisconnect`.
///
/// # Safety
/// `lpwsServerName` must be NULL or a NUL-terminated UTF-16 string; `phMprConfig` must be NULL
/// or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprConfigServerConnect(
    lpwsServerName: *const u16,
    phMprConfig: *mut HANDLE,
) -> u32 {
    // SAFETY: `phMprConfig` NULL or writable (caller contract).
    let out = unsafe { Ptr::new(phMprConfig) };
    out::run("MprConfigServerConnect", out, || {
        not_null(phMprConfig, "phMprConfig")?;
        // SAFETY: caller contract.
        let name =
            unsafe { wide::read_opt(lpwsServerName, MAX_SERVER_NAME_LEN, "lpwsServerName") }?;
        let conn = backend::connect(name.as_deref())?;
        handles::open_config(conn).map(handles::to_handle)
    })
}

/// `MprConfigServerDisconnect`: closes a config handle and every interface, transport and
/// interface-transport handle obtained through it (later use of any of them gives
/// `ERROR_INVALID_HANDLE`). Buffers already returned stay valid until freed. NULL, stale and
/// unknown values are ignored. Thread-safe.
///
/// # Safety
/// None beyond passing a value; the handle is never dereferenced.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprConfigServerDisconnect(hMprConfig: HANDLE) {
    guard("MprConfigServerDisconnect", || {
        if !hMprConfig.is_null() {
            handles::close_config(handles::value(hMprConfig));
        }
        Ok(())
    });
}

/// `MprConfigServerRefresh` (undocumented by Windows): drops anything cached behind the handle
/// so that changes made by other processes are seen. Handles of objects that still exist stay
/// valid.
///
/// Errors: 87 — `hMprConfig` NULL; 6 — not a live config handle; store errors pass through.
///
/// # Safety
/// None; the handle is never dereferenced.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprConfigServerRefresh(hMprConfig: HANDLE) -> u32 {
    guard("MprConfigServerRefresh", || {
        handles::config(hMprConfig, "hMprConfig")?.refresh()
    })
}

/// `MprConfigServerInstall`: resets the local configuration to the default router
/// configuration (RouterManagers IP and IPv6, the loopback and internal interfaces, one
/// dedicated interface per network link of this machine, default port pools) and marks it
/// configured. It starts no service.
///
/// Errors: 87 — `dwLevel` not 0 or `pBuffer` not NULL; store errors pass through.
///
/// # Safety
/// None; `pBuffer` is only compared with NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprConfigServerInstall(dwLevel: u32, pBuffer: *const c_void) -> u32 {
    guard("MprConfigServerInstall", || {
        check_level(dwLevel, 0)?;
        if !pBuffer.is_null() {
            return Err(Error::invalid_parameter("pBuffer must be NULL"));
        }
        backend::install_local()
    })
}

/// `MprConfigServerGetInfo`: the server configuration as `MPR_SERVER_0` (level 0), `MPR_SERVER_1`
/// (1) or `MPR_SERVER_2` (2), in a new buffer freed with `MprConfigBufferFree`. `dwUpTime` and
/// `dwPortsInUse` are 0 (nothing runs); `dwTotalPorts` is the sum of the configured port counts.
///
/// Errors: 87 — `hMprConfig` or `lplpbBuffer` NULL, `dwLevel` not 0-2; 6 — not a live config
/// handle; `ERROR_NOT_ENOUGH_MEMORY`; store errors pass through. `*lplpbBuffer` is NULL on
/// failure.
///
/// # Safety
/// `lplpbBuffer` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprConfigServerGetInfo(
    hMprConfig: HANDLE,
    dwLevel: u32,
    lplpbBuffer: *mut *mut u8,
) -> u32 {
    // SAFETY: `lplpbBuffer` NULL or writable (caller contract).
    let out = unsafe { Buf::new(lplpbBuffer) };
    out::run("MprConfigServerGetInfo", out, || {
        not_null(hMprConfig, "hMprConfig")?;
        not_null(lplpbBuffer, "lplpbBuffer")?;
        check_level(dwLevel, 2)?;
        let info = handles::config(hMprConfig, "hMprConfig")?.server_get_info()?;
        server_info_buffer(dwLevel, &info).map(Some)
    })
}

/// The `MPR_SERVER_0`/`_1`/`_2` buffer of `level` (0-2, checked by the caller) for `info`;
/// shared by `MprConfigServerGetInfo` and `MprAdminServerGetInfo`, which return the same layouts.
pub(crate) fn server_info_buffer(level: u32, info: &ServerInfo) -> Result<Owned> {
    match level {
        0 => Owned::value(MPR_SERVER_0 {
            fLanOnlyMode: info.lan_only_mode as BOOL,
            dwUpTime: info.up_time,
            dwTotalPorts: info.total_ports,
            dwPortsInUse: info.ports_in_use,
        }),
        1 => Owned::value(MPR_SERVER_1 {
            dwNumPptpPorts: info.pptp.num_ports,
            dwPptpPortFlags: info.pptp.port_flags,
            dwNumL2tpPorts: info.l2tp.num_ports,
            dwL2tpPortFlags: info.l2tp.port_flags,
        }),
        _ => Owned::value(MPR_SERVER_2 {
            dwNumPptpPorts: info.pptp.num_ports,
            dwPptpPortFlags: info.pptp.port_flags,
            dwNumL2tpPorts: info.l2tp.num_ports,
            dwL2tpPortFlags: info.l2tp.port_flags,
            dwNumSstpPorts: info.sstp.num_ports,
            dwSstpPortFlags: info.sstp.port_flags,
        }),
    }
}

/// `MprConfigServerSetInfo`: stores the PPTP and L2TP port counts and flags (level 1,
/// `MPR_SERVER_1`) and also SSTP (level 2, `MPR_SERVER_2`). Effective when the router starts.
///
/// Errors: 87 — `hMprServer` or `lpbBuffer` NULL, a port count of 0 or above the maximum,
/// unknown flag bits; `ERROR_NOT_SUPPORTED` (50) — `dwLevel` not 1 or 2; 6 — not a live config
/// handle; `ERROR_SUCCESS_REBOOT_REQUIRED` (3010, a success) when the store says so.
///
/// # Safety
/// `lpbBuffer` must be NULL or readable for the structure of `dwLevel`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprConfigServerSetInfo(
    hMprServer: HANDLE,
    dwLevel: u32,
    lpbBuffer: *const u8,
) -> u32 {
    guard("MprConfigServerSetInfo", || {
        not_null(hMprServer, "hMprServer")?;
        not_null(lpbBuffer, "lpbBuffer")?;
        if dwLevel != 1 && dwLevel != 2 {
            return Err(Error::new(
                WinError::ERROR_NOT_SUPPORTED,
                format!("dwLevel {dwLevel} cannot be set (1 or 2)"),
            ));
        }
        let conn = handles::config(hMprServer, "hMprServer")?;
        let mut info = ServerInfo::default();
        if dwLevel == 1 {
            // SAFETY: caller contract.
            let s = unsafe { (lpbBuffer as *const MPR_SERVER_1).read_unaligned() };
            info.pptp = PortConfig {
                num_ports: s.dwNumPptpPorts,
                port_flags: s.dwPptpPortFlags,
            };
            info.l2tp = PortConfig {
                num_ports: s.dwNumL2tpPorts,
                port_flags: s.dwL2tpPortFlags,
            };
        } else {
            // SAFETY: caller contract.
            let s = unsafe { (lpbBuffer as *const MPR_SERVER_2).read_unaligned() };
            info.pptp = PortConfig {
                num_ports: s.dwNumPptpPorts,
                port_flags: s.dwPptpPortFlags,
            };
            info.l2tp = PortConfig {
                num_ports: s.dwNumL2tpPorts,
                port_flags: s.dwL2tpPortFlags,
            };
            info.sstp = PortConfig {
                num_ports: s.dwNumSstpPorts,
                port_flags: s.dwSstpPortFlags,
            };
        }
        conn.server_set_info(dwLevel, &info)
    })
}

/// `MprConfigServerGetInfoEx`: fills the caller's `MPR_SERVER_EX` (= `MPR_SERVER_EX1`, 248
/// bytes) with the stored tunnel configuration; `Header` is set to revision 3, type 2, size
/// 248. Each non-NULL pointer written into the structure (certificate names array,
/// certificate name/hash data, custom policies, EKU array, SSTP certificate hash) is one
/// separate buffer holding everything reachable from it; free each with `MprConfigBufferFree`
/// (or `MprAdminBufferFree`, the same allocator).
///
/// Errors: 87 — `hMprConfig` or `pServerInfo` NULL; 6 — not a live config handle;
/// `ERROR_NOT_ENOUGH_MEMORY`; store errors pass through. The structure is untouched on failure.
///
/// # Safety
/// `pServerInfo` must be NULL or writable for 248 bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprConfigServerGetInfoEx(
    hMprConfig: HANDLE,
    pServerInfo: *mut MPR_SERVER_EX1,
) -> u32 {
    // SAFETY: `pServerInfo` NULL or writable (caller contract).
    let out = unsafe { Filled::new(pServerInfo) };
    out::run("MprConfigServerGetInfoEx", out, || {
        not_null(hMprConfig, "hMprConfig")?;
        not_null(pServerInfo, "pServerInfo")?;
        let info = handles::config(hMprConfig, "hMprConfig")?.server_get_info_ex()?;
        let mut attached = Attached::default();
        let s = server_ex(&info, &mut attached)?;
        Ok((s, attached))
    })
}

fn server_ex(info: &ServerInfoEx, a: &mut Attached) -> Result<MPR_SERVER_EX1> {
    let mut s: MPR_SERVER_EX1 = zeroed();
    s.Header = MPRAPI_OBJECT_HEADER {
        revision: MPR_SERVER_EX1_REVISION,
        r#type: MPRAPI_OBJECT_TYPE_MPR_SERVER_OBJECT,
        size: std::mem::size_of::<MPR_SERVER_EX1>() as u16,
    };
    s.fLanOnlyMode = info.lan_only_mode as u32;
    s.dwUpTime = info.up_time;
    s.dwTotalPorts = info.total_ports;
    s.dwPortsInUse = info.ports_in_use;
    let c = &info.config;
    let p = &mut s.ConfigParams;

    let ike = &c.ikev2;
    p.IkeConfigParams.dwNumPorts = ike.ports.num_ports;
    p.IkeConfigParams.dwPortFlags = ike.ports.port_flags;
    p.IkeConfigParams.dwTunnelConfigParamFlags = ike.tunnel_config_param_flags;
    let t = &mut p.IkeConfigParams.TunnelConfigParams;
    t.dwIdleTimeout = ike.idle_timeout;
    t.dwNetworkBlackoutTime = ike.network_blackout_time;
    t.dwSaLifeTime = ike.sa_lifetime;
    t.dwSaDataSizeForRenegotiation = ike.sa_data_size_for_renegotiation;
    t.dwConfigOptions = ike.config_options;
    t.dwTotalCertificates = ike.certificate_names.len() as u32;
    let names = &ike.certificate_names;
    let tail: usize = names.iter().map(|n| n.len()).sum();
    t.certificateNames =
        a.array_with_tail::<CRYPT_INTEGER_BLOB>(names.len(), tail, |arr, mut data| {
            for (i, n) in names.iter().enumerate() {
                let pb = if n.is_empty() {
                    std::ptr::null_mut()
                } else {
                    data
                };
                // SAFETY: `arr` has `names.len()` entries; `data` has room for all name bytes.
                unsafe {
                    arr.add(i).write(CRYPT_INTEGER_BLOB {
                        cbData: n.len() as u32,
                        pbData: pb,
                    });
                    std::ptr::copy_nonoverlapping(n.as_ptr(), data, n.len());
                    data = data.add(n.len());
                }
            }
        })?;
    t.machineCertificateName = a.blob(&ike.machine_certificate_name)?;
    t.dwEncryptionType = ike.encryption_type;
    t.customPolicy = a.policy(&ike.custom_policy)?;
    t.dwTotalEkus = ike.certificate_ekus.len() as u32;
    let ekus = &ike.certificate_ekus;
    let units: Vec<Vec<u16>> = ekus.iter().map(|e| wide::encode_z(&e.eku)).collect();
    let tail: usize = units.iter().map(|u| u.len() * 2).sum();
    t.certificateEKUs = a.array_with_tail::<MPR_CERT_EKU>(ekus.len(), tail, |arr, data| {
        let mut w = data as *mut u16;
        for (i, (e, u)) in ekus.iter().zip(&units).enumerate() {
            // SAFETY: `arr` has `ekus.len()` entries; the tail (2-aligned after 16-byte entries)
            // has room for every string with its terminator.
            unsafe {
                arr.add(i).write(MPR_CERT_EKU {
                    dwSize: (u.len() * 2) as u32,
                    IsEKUOID: e.is_oid as BOOL,
                    pwszEKU: w,
                });
                std::ptr::copy_nonoverlapping(u.as_ptr(), w, u.len());
                w = w.add(u.len());
            }
        }
    })?;
    t.machineCertificateHash = a.blob(&ike.machine_certificate_hash)?;
    t.dwMmSaLifeTime = ike.mm_sa_lifetime;

    p.PptpConfigParams = PPTP_CONFIG_PARAMS {
        dwNumPorts: c.pptp.num_ports,
        dwPortFlags: c.pptp.port_flags,
    };

    let l = &c.l2tp;
    p.L2tpConfigParams.dwNumPorts = l.ports.num_ports;
    p.L2tpConfigParams.dwPortFlags = l.ports.port_flags;
    p.L2tpConfigParams.dwTunnelConfigParamFlags = l.tunnel_config_param_flags;
    let lt = &mut p.L2tpConfigParams.TunnelConfigParams;
    lt.dwIdleTimeout = l.idle_timeout;
    lt.dwEncryptionType = l.encryption_type;
    lt.dwSaLifeTime = l.sa_lifetime;
    lt.dwSaDataSizeForRenegotiation = l.sa_data_size_for_renegotiation;
    lt.customPolicy = a.policy(&l.custom_policy)?;
    lt.dwMmSaLifeTime = l.mm_sa_lifetime;

    let ss = &c.sstp;
    p.SstpConfigParams.dwNumPorts = ss.ports.num_ports;
    p.SstpConfigParams.dwPortFlags = ss.ports.port_flags;
    p.SstpConfigParams.isUseHttps = ss.use_https as BOOL;
    p.SstpConfigParams.certAlgorithm = ss.cert_algorithm;
    p.SstpConfigParams.sstpCertDetails.isDefault = ss.cert_is_default as BOOL;
    p.SstpConfigParams.sstpCertDetails.certBlob = a.blob(&ss.cert_hash)?;

    p.GREConfigParams = GRE_CONFIG_PARAMS0 {
        dwNumPorts: c.gre.num_ports,
        dwPortFlags: c.gre.port_flags,
    };
    Ok(s)
}

/// `MprConfigServerSetInfoEx`: stores the tunnel configuration of the protocols whose
/// `MPRAPI_SET_CONFIG_PROTOCOL_FOR_*` bit is set in `setConfigForProtocols`; members of other
/// protocols (and the memory they point to) are not read. `Header` must say type 3, a revision
/// 1-5 and the size of `MPR_SERVER_SET_CONFIG_EX1` (232) or `…EX0` (224, no GRE).
///
/// Errors: 87 — `hMprConfig` or `pSetServerConfig` NULL, a wrong `Header`, the GRE bit with an
/// EX0 structure, more than 1024 certificates or EKUs, a blob above 64 KiB, a NULL pointer with
/// a non-zero count, values the store refuses; 6 — not a live config handle;
/// `ERROR_SUCCESS_REBOOT_REQUIRED` (3010, a success) when the store says so.
///
/// # Safety
/// `pSetServerConfig` must be NULL or readable for the size its `Header` declares, and every
/// pointer inside a selected protocol's members readable as documented.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprConfigServerSetInfoEx(
    hMprConfig: HANDLE,
    pSetServerConfig: *const MPR_SERVER_SET_CONFIG_EX1,
) -> u32 {
    guard("MprConfigServerSetInfoEx", || {
        not_null(hMprConfig, "hMprConfig")?;
        not_null(pSetServerConfig, "pSetServerConfig")?;
        // SAFETY: the 4-byte header is readable (caller contract).
        let header = unsafe { (pSetServerConfig as *const MPRAPI_OBJECT_HEADER).read_unaligned() };
        let ex1 = std::mem::size_of::<MPR_SERVER_SET_CONFIG_EX1>() as u16;
        let ex0 = std::mem::size_of::<MPR_SERVER_SET_CONFIG_EX0>() as u16;
        if header.r#type != MPRAPI_OBJECT_TYPE_MPR_SERVER_SET_CONFIG_OBJECT
            || !(1..=5).contains(&header.revision)
            || (header.size != ex1 && header.size != ex0)
        {
            return Err(Error::invalid_parameter(format!(
                "pSetServerConfig->Header (revision {}, type {}, size {}) is not an MPR_SERVER_SET_CONFIG_EX (type 3, revision 1-5, size {ex1} or {ex0})",
                header.revision, header.r#type, header.size
            )));
        }
        let conn = handles::config(hMprConfig, "hMprConfig")?;
        // SAFETY: the header says the structure has at least the EX0 size.
        let s0 = unsafe { (pSetServerConfig as *const MPR_SERVER_SET_CONFIG_EX0).read_unaligned() };
        let protocols = s0.setConfigForProtocols;
        let gre = if header.size == ex1 {
            // SAFETY: the header says EX1.
            let s1 = unsafe { pSetServerConfig.read_unaligned() };
            s1.ConfigParams.GREConfigParams
        } else {
            if protocols & set_config::GRE != 0 {
                return Err(Error::invalid_parameter(
                    "MPRAPI_SET_CONFIG_PROTOCOL_FOR_GRE with an MPR_SERVER_SET_CONFIG_EX0 (no GRE member)",
                ));
            }
            GRE_CONFIG_PARAMS0::default()
        };
        // SAFETY: caller contract for the selected protocols' pointers.
        let config = unsafe { tunnel_config(&s0.ConfigParams, gre, protocols) }?;
        conn.server_set_info_ex(&ServerSetConfigEx { protocols, config })
    })
}

/// Converts the selected protocols' members; the others stay default and are not read.
///
/// # Safety
/// Pointers inside selected members readable as documented.
unsafe fn tunnel_config(
    p: &MPRAPI_TUNNEL_CONFIG_PARAMS0,
    gre: GRE_CONFIG_PARAMS0,
    protocols: u32,
) -> Result<TunnelConfig> {
    let mut c = TunnelConfig::default();
    if protocols & set_config::IKEV2 != 0 {
        let i = &p.IkeConfigParams;
        let t = &i.TunnelConfigParams;
        if t.dwTotalCertificates > MAX_CERT_ENTRIES || t.dwTotalEkus > MAX_CERT_ENTRIES {
            return Err(Error::invalid_parameter(format!(
                "{} certificates / {} EKUs: at most {MAX_CERT_ENTRIES} are accepted",
                t.dwTotalCertificates, t.dwTotalEkus
            )));
        }
        let mut names = Vec::new();
        if t.dwTotalCertificates > 0 {
            not_null(t.certificateNames, "certificateNames")?;
            for k in 0..t.dwTotalCertificates as usize {
                // SAFETY: caller contract: dwTotalCertificates entries.
                let b = unsafe { t.certificateNames.add(k).read_unaligned() };
                // SAFETY: caller contract.
                names.push(unsafe { read_blob(&b, "certificateNames[]") }?);
            }
        }
        let mut ekus = Vec::new();
        if t.dwTotalEkus > 0 {
            not_null(t.certificateEKUs, "certificateEKUs")?;
            for k in 0..t.dwTotalEkus as usize {
                // SAFETY: caller contract: dwTotalEkus entries.
                let e = unsafe { t.certificateEKUs.add(k).read_unaligned() };
                not_null(e.pwszEKU, "certificateEKUs[].pwszEKU")?;
                // SAFETY: caller contract.
                let eku =
                    unsafe { wide::read(e.pwszEKU, MAX_EKU_LEN, "certificateEKUs[].pwszEKU") }?;
                ekus.push(CertEku {
                    is_oid: e.IsEKUOID != 0,
                    eku,
                });
            }
        }
        c.ikev2 = Ikev2Config {
            ports: PortConfig {
                num_ports: i.dwNumPorts,
                port_flags: i.dwPortFlags,
            },
            tunnel_config_param_flags: i.dwTunnelConfigParamFlags,
            idle_timeout: t.dwIdleTimeout,
            network_blackout_time: t.dwNetworkBlackoutTime,
            sa_lifetime: t.dwSaLifeTime,
            sa_data_size_for_renegotiation: t.dwSaDataSizeForRenegotiation,
            config_options: t.dwConfigOptions,
            certificate_names: names,
            // SAFETY: caller contract.
            machine_certificate_name: unsafe {
                read_blob(&t.machineCertificateName, "machineCertificateName")
            }?,
            encryption_type: t.dwEncryptionType,
            // SAFETY: caller contract.
            custom_policy: unsafe { read_policy(t.customPolicy) },
            certificate_ekus: ekus,
            // SAFETY: caller contract.
            machine_certificate_hash: unsafe {
                read_blob(&t.machineCertificateHash, "machineCertificateHash")
            }?,
            mm_sa_lifetime: t.dwMmSaLifeTime,
        };
    }
    if protocols & set_config::PPTP != 0 {
        c.pptp = PortConfig {
            num_ports: p.PptpConfigParams.dwNumPorts,
            port_flags: p.PptpConfigParams.dwPortFlags,
        };
    }
    if protocols & set_config::L2TP != 0 {
        let l = &p.L2tpConfigParams;
        let t = &l.TunnelConfigParams;
        c.l2tp = L2tpConfig {
            ports: PortConfig {
                num_ports: l.dwNumPorts,
                port_flags: l.dwPortFlags,
            },
            tunnel_config_param_flags: l.dwTunnelConfigParamFlags,
            idle_timeout: t.dwIdleTimeout,
            encryption_type: t.dwEncryptionType,
            sa_lifetime: t.dwSaLifeTime,
            sa_data_size_for_renegotiation: t.dwSaDataSizeForRenegotiation,
            // SAFETY: caller contract.
            custom_policy: unsafe { read_policy(t.customPolicy) },
            mm_sa_lifetime: t.dwMmSaLifeTime,
        };
    }
    if protocols & set_config::SSTP != 0 {
        let s = &p.SstpConfigParams;
        c.sstp = SstpConfig {
            ports: PortConfig {
                num_ports: s.dwNumPorts,
                port_flags: s.dwPortFlags,
            },
            use_https: s.isUseHttps != 0,
            cert_algorithm: s.certAlgorithm,
            cert_is_default: s.sstpCertDetails.isDefault != 0,
            // SAFETY: caller contract.
            cert_hash: unsafe {
                read_blob(&s.sstpCertDetails.certBlob, "sstpCertDetails.certBlob")
            }?,
        };
    }
    if protocols & set_config::GRE != 0 {
        c.gre = PortConfig {
            num_ports: gre.dwNumPorts,
            port_flags: gre.dwPortFlags,
        };
    }
    Ok(c)
}

/// `MprConfigServerBackup`: writes the whole configuration, as one consistent snapshot, to a
/// backup file in the directory `lpwsPath` (an existing directory, or a path ending in `/` or
/// `\`; any other path names the file itself). The format is documented in docs/design.md.
///
/// Errors: 87 — `hMprConfig` or `lpwsPath` NULL, path longer than 4096 characters; 6 — not a
/// live config handle; file-system errors (3, 5, ...) pass through.
///
/// # Safety
/// `lpwsPath` must be NULL or a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprConfigServerBackup(hMprConfig: HANDLE, lpwsPath: *const u16) -> u32 {
    guard("MprConfigServerBackup", || {
        not_null(hMprConfig, "hMprConfig")?;
        not_null(lpwsPath, "lpwsPath")?;
        // SAFETY: caller contract.
        let path = unsafe { wide::read(lpwsPath, MAX_PATH_LEN, "lpwsPath") }?;
        let conn = handles::config(hMprConfig, "hMprConfig")?;
        backend::backup(&conn, &path)
    })
}

/// `MprConfigServerRestore`: validates the backup file in the directory `lpwsPath` (same path
/// rule as `MprConfigServerBackup`) completely, then replaces the configuration with it in one
/// transaction. Interface handles of interfaces that no longer exist give 905 afterwards.
///
/// Errors: 87 — `hMprConfig` or `lpwsPath` NULL, path too long; 13 — not a valid backup; 6 — not a
/// live config handle; file-system errors pass through.
///
/// # Safety
/// `lpwsPath` must be NULL or a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MprConfigServerRestore(hMprConfig: HANDLE, lpwsPath: *const u16) -> u32 {
    guard("MprConfigServerRestore", || {
        not_null(hMprConfig, "hMprConfig")?;
        not_null(lpwsPath, "lpwsPath")?;
        // SAFETY: caller contract.
        let path = unsafe { wide::read(lpwsPath, MAX_PATH_LEN, "lpwsPath") }?;
        let conn = handles::config(hMprConfig, "hMprConfig")?;
        backend::restore(&conn, &path)
    })
}
