//! The exports that allocate more than one buffer, with each of their allocations made to fail
//! in turn (`alloc::hooks::fail_allocation`): each failure returns `ERROR_NOT_ENOUGH_MEMORY`,
//! leaves the outputs in their failure state and frees every buffer allocated before it (the
//! per-thread count of live buffers is back where it was).

use std::ptr::null_mut;
use std::sync::Arc;

use mprconfig_core::{
    CertEku, CustomInfoEx, CustomPolicy, IfCustomIkev2, Ikev2Config, Interface, InterfaceType,
    MemRegistry, PortConfig, RegistryConfig, ServerSetConfigEx, SstpConfig, TrafficSelector,
    TsAddress, TunnelConfig, pid, set_config,
};

use crate::alloc::{self, hooks};
use crate::types::*;
use crate::*;

const NOT_ENOUGH_MEMORY: u32 = 8;

/// A config handle over a fresh in-memory configuration, and its connection.
fn config() -> (HANDLE, Conn) {
    let conn: Conn = Arc::new(mprconfig::Connection::from_config(Arc::new(
        RegistryConfig::new(MemRegistry::new()),
    )));
    let h = handles::to_handle(handles::open_config(conn.clone()).expect("register"));
    (h, conn)
}

/// Calls `attempt` with allocation 1, 2, ... failing until a call succeeds (`attempt` checks
/// the outputs when its call failed). Returns how many allocations the successful call made.
fn fail_each_allocation(mut attempt: impl FnMut() -> u32) -> usize {
    for n in 1..100 {
        let before = hooks::live_here();
        hooks::fail_allocation(n);
        let rc = attempt();
        hooks::fail_allocation(0);
        if rc == 0 {
            return n - 1;
        }
        assert_eq!(rc, NOT_ENOUGH_MEMORY, "allocation {n} failing");
        assert_eq!(
            hooks::live_here(),
            before,
            "allocation {n} failing leaked the buffers before it"
        );
    }
    panic!("no call succeeded")
}

fn policy() -> CustomPolicy {
    CustomPolicy {
        integrity_method: 2,
        encryption_method: 4,
        cipher_transform_constant: 2,
        auth_transform_constant: 2,
        pfs_group: 3,
        dh_group: 2,
    }
}

#[test]
fn transport_get_info_frees_the_first_buffers_when_a_later_one_fails() {
    let (h, _conn) = config();
    let mut header = null_mut();
    // SAFETY (all calls): live locals, a live handle, buffers of this library.
    unsafe {
        assert_eq!(MprInfoCreate(1, &mut header), 0);
        let size = MprInfoBlockQuerySize(header);
        let dll: Vec<u16> = wide::encode_z("/usr/lib/router/iprtrmgr.so");
        let mut ht = null_mut();
        let rc = MprConfigTransportCreate(
            h,
            pid::IP,
            null_mut(),
            header as *mut u8,
            size,
            header as *mut u8,
            size,
            dll.as_ptr(),
            &mut ht,
        );
        assert_eq!(rc, 0);
        MprInfoDelete(header);

        let stale = std::ptr::dangling_mut::<u8>();
        let (mut g, mut gn, mut c, mut cn, mut d) = (stale, 7, stale, 7, stale as *mut u16);
        let made = fail_each_allocation(|| {
            let rc = MprConfigTransportGetInfo(h, ht, &mut g, &mut gn, &mut c, &mut cn, &mut d);
            if rc != 0 {
                assert!(g.is_null() && c.is_null() && d.is_null());
                assert_eq!((gn, cn), (7, 7), "sizes are written only on success");
                (g, c, d) = (stale, stale, stale as *mut u16);
            }
            rc
        });
        assert_eq!(made, 3, "global info, client info, DLL path");
        assert_eq!((gn, cn), (size, size));
        for p in [g, c, d as *mut u8] {
            assert_eq!(MprConfigBufferFree(p.cast()), 0);
        }
        MprConfigServerDisconnect(h);
    }
}

#[test]
fn server_get_info_ex_frees_every_attached_buffer_when_a_later_one_fails() {
    let (h, conn) = config();
    let config = TunnelConfig {
        ikev2: Ikev2Config {
            ports: PortConfig {
                num_ports: 10,
                port_flags: 1,
            },
            tunnel_config_param_flags: 1,
            idle_timeout: 300,
            network_blackout_time: 1800,
            sa_lifetime: 28800,
            sa_data_size_for_renegotiation: 102_400,
            certificate_names: vec![b"CN=Root A".to_vec(), b"CN=Root B".to_vec()],
            machine_certificate_name: b"CN=router".to_vec(),
            encryption_type: 1,
            custom_policy: Some(policy()),
            certificate_ekus: vec![CertEku {
                is_oid: true,
                eku: "1.3.6.1.5.5.7.3.1".into(),
            }],
            machine_certificate_hash: vec![0xA0; 20],
            mm_sa_lifetime: 3600,
            ..Ikev2Config::default()
        },
        sstp: SstpConfig {
            ports: PortConfig {
                num_ports: 5,
                port_flags: 1,
            },
            use_https: true,
            cert_algorithm: 0x800C,
            cert_is_default: false,
            cert_hash: vec![0x50; 32],
        },
        ..TunnelConfig::default()
    };
    conn.server_set_info_ex(&ServerSetConfigEx {
        protocols: set_config::IKEV2 | set_config::SSTP,
        config,
    })
    .expect("store the tunnel configuration");

    let mut s: MPR_SERVER_EX1 = zeroed();
    s.dwUpTime = 0x5EED;
    // SAFETY (all calls): a live handle and a live local structure.
    unsafe {
        let made = fail_each_allocation(|| {
            let rc = MprConfigServerGetInfoEx(h, &mut s);
            if rc != 0 {
                assert_eq!(s.dwUpTime, 0x5EED, "the structure is untouched on failure");
            }
            rc
        });
        // Names array, machine name, policy, EKU array, machine hash, SSTP hash.
        assert_eq!(made, 6);
        let t = &s.ConfigParams.IkeConfigParams.TunnelConfigParams;
        for p in [
            t.certificateNames as *mut u8,
            t.machineCertificateName.pbData,
            t.customPolicy as *mut u8,
            t.certificateEKUs as *mut u8,
            t.machineCertificateHash.pbData,
            s.ConfigParams
                .SstpConfigParams
                .sstpCertDetails
                .certBlob
                .pbData,
        ] {
            assert!(alloc::live_size(p).is_some());
            assert_eq!(MprConfigBufferFree(p.cast()), 0);
        }
        MprConfigServerDisconnect(h);
    }
}

#[test]
fn interface_get_custom_info_ex_frees_every_attached_buffer_when_a_later_one_fails() {
    let (h, conn) = config();
    let id = conn
        .interface_create(&Interface {
            name: "Branch".into(),
            if_type: InterfaceType::FULL_ROUTER,
            enabled: true,
            ..Interface::default()
        })
        .expect("create");
    let v4 = |b: [u8; 4]| {
        let mut addr = [0; 16];
        addr[..4].copy_from_slice(&b);
        TsAddress { family: 2, addr }
    };
    let ts = TrafficSelector {
        ts_type: 7,
        protocol_id: 6,
        port_start: 1024,
        port_end: 65535,
        payload_id: 1,
        addr_start: v4([10, 0, 0, 1]),
        addr_end: v4([10, 0, 0, 254]),
    };
    conn.interface_set_custom_info(
        &id,
        &CustomInfoEx {
            flags: 1,
            ikev2: IfCustomIkev2 {
                sa_lifetime: 3600,
                sa_data_size: 2048,
                certificate_name: b"CN=peer".to_vec(),
                custom_policy: Some(policy()),
                certificate_hash: vec![0x11; 20],
                mm_sa_lifetime: 28800,
                traffic_selectors_initiator: vec![ts, ts],
                traffic_selectors_responder: vec![ts],
            },
        },
    )
    .expect("store the custom configuration");

    let name = wide::encode_z("Branch");
    let mut hif = null_mut();
    let mut s: MPR_IF_CUSTOMINFOEX2 = zeroed();
    s.dwFlags = 0x5EED;
    // SAFETY (all calls): a live handle and live locals.
    unsafe {
        assert_eq!(MprConfigInterfaceGetHandle(h, name.as_ptr(), &mut hif), 0);
        let made = fail_each_allocation(|| {
            let rc = MprConfigInterfaceGetCustomInfoEx(h, hif, &mut s);
            if rc != 0 {
                assert_eq!(s.dwFlags, 0x5EED, "the structure is untouched on failure");
            }
            rc
        });
        // Certificate name, policy, certificate hash, initiator and responder selectors.
        assert_eq!(made, 5);
        let c = &s.customIkev2Config;
        for p in [
            c.certificateName.pbData,
            c.customPolicy as *mut u8,
            c.certificateHash.pbData,
            c.vpnTrafficSelectors.tsI as *mut u8,
            c.vpnTrafficSelectors.tsR as *mut u8,
        ] {
            assert_eq!(MprConfigBufferFree(p.cast()), 0);
        }
        MprConfigServerDisconnect(h);
    }
}

#[test]
fn a_failed_enumeration_leaves_its_buffer_null_and_counts_untouched() {
    let (h, conn) = config();
    conn.config().install(&[]).expect("default tree");
    let stale = std::ptr::dangling_mut::<u8>();
    let (mut buf, mut read, mut total, mut resume) = (stale, 7, 7, 0);
    // SAFETY: a live handle and live locals.
    unsafe {
        let made = fail_each_allocation(|| {
            let rc = MprConfigInterfaceEnum(
                h,
                0,
                &mut buf,
                u32::MAX,
                &mut read,
                &mut total,
                &mut resume,
            );
            if rc != 0 {
                assert!(buf.is_null());
                assert_eq!((read, total, resume), (7, 7, 0));
                buf = stale;
            }
            rc
        });
        assert_eq!(made, 1);
        assert!(read > 0 && read == total);
        assert_eq!(MprConfigBufferFree(buf.cast()), 0);
        MprConfigServerDisconnect(h);
    }
}

#[test]
fn a_failed_export_sets_its_pointer_outputs_null_whichever_check_fails() {
    let stale = std::ptr::dangling_mut::<std::ffi::c_void>();
    let mut out = stale;
    // SAFETY: NULL or foreign handles are refused before use; `out` is a live local.
    unsafe {
        // The config handle is checked first: `*phRouterTransport` is still set to NULL.
        assert_eq!(
            MprConfigTransportGetHandle(null_mut(), pid::IP, &mut out),
            87
        );
        assert!(out.is_null());
        out = stale;
        assert_eq!(
            MprConfigServerGetInfo(null_mut(), 0, (&mut out as *mut HANDLE).cast()),
            87
        );
        assert!(out.is_null());
        out = stale;
        assert_eq!(MprInfoDuplicate(null_mut(), &mut out), 87);
        assert!(out.is_null());
    }
}
