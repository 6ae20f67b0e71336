//! Everything written through `RegistryConfig` is there, byte for byte, after the store is
//! closed and opened again.

use mprconfig_core::info::InfoHeader;
use mprconfig_core::{
    CustomInfoEx, IfCustomIkev2, Interface, InterfaceType, MPRAPI_IF_CUSTOM_CONFIG_FOR_IKEV2,
    PortConfig, RegistryConfig, RouterConfig, ServerInfo, pid,
};
use mprconfig_store::{OpenOptions, SqliteRegistry};

fn blob(seed: u8, len: usize) -> Vec<u8> {
    let data: Vec<u8> = (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect();
    let mut h = InfoHeader::new(1).unwrap();
    h.add(0xFFFF_0001, len as u32, 1, &data).unwrap();
    h.add(0xFFFF_0005, 0, 0, &[]).unwrap(); // a zero-length block survives too
    h.to_bytes()
}

/// One interface-transport as read back: protocol id, name, blob.
type IfTransportSeen = (u32, String, Option<Vec<u8>>);

/// What a reader sees of the configuration, for before/after comparison.
#[derive(Debug, PartialEq)]
struct Seen {
    backup: Vec<u8>,
    interfaces: Vec<(Interface, Vec<IfTransportSeen>, CustomInfoEx)>,
    transports: Vec<(u32, mprconfig_core::TransportInfo, bool)>,
    server: ServerInfo,
}

fn observe(c: &dyn RouterConfig) -> Seen {
    let mut interfaces = Vec::new();
    for e in c.interface_enum(0, u32::MAX).unwrap().entries {
        let info = c.interface_get_info(&e.id).unwrap();
        let mut ts = Vec::new();
        for t in c.if_transport_enum(&e.id, 0, u32::MAX).unwrap().entries {
            ts.push((
                t.id.protocol_id,
                t.name,
                c.if_transport_get_info(&t.id).unwrap(),
            ));
        }
        interfaces.push((info, ts, c.interface_get_custom_info(&e.id).unwrap()));
    }
    let mut transports = Vec::new();
    for t in c.transport_enum(0, u32::MAX).unwrap().entries {
        let p = t.id.protocol_id;
        transports.push((
            p,
            c.transport_get_info(&t.id).unwrap(),
            c.filter_get_info(p).unwrap(),
        ));
    }
    Seen {
        backup: c.backup().unwrap(),
        interfaces,
        transports,
        server: c.server_get_info().unwrap(),
    }
}

#[test]
fn everything_written_reads_back_byte_identical_after_close_and_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("router.db");
    let before = {
        let c = RegistryConfig::new(
            OpenOptions::new()
                .create(true)
                .links(Vec::new())
                .open(&path)
                .unwrap(),
        );
        for i in 0..20u8 {
            let iface = Interface {
                name: format!("Site {i} — Zürich"),
                if_type: if i % 2 == 0 {
                    InterfaceType::FULL_ROUTER
                } else {
                    InterfaceType::HOME_ROUTER
                },
                enabled: i % 3 != 0,
                dialout_hours: (i % 4 == 0)
                    .then(|| vec![format!("{} 09:00-12:00 13:00-17:30", i % 7)]),
                ..Interface::default()
            };
            let id = c.interface_create(&iface).unwrap();
            c.if_transport_add(
                &id,
                pid::IP,
                None,
                Some(&blob(i, 16 + usize::from(i) * 100)),
            )
            .unwrap();
            c.if_transport_add(
                &id,
                pid::IPV6,
                Some("Ipv6 custom"),
                Some(&blob(i ^ 0x5A, 64_000)),
            )
            .unwrap();
            if i % 2 == 0 {
                let custom = CustomInfoEx {
                    flags: MPRAPI_IF_CUSTOM_CONFIG_FOR_IKEV2,
                    ikev2: IfCustomIkev2 {
                        sa_lifetime: 3600 + u32::from(i),
                        sa_data_size: 2048,
                        certificate_name: vec![i; 40],
                        certificate_hash: vec![0xAB; 20],
                        ..IfCustomIkev2::default()
                    },
                };
                c.interface_set_custom_info(&id, &custom).unwrap();
            }
        }
        let ipx = c
            .transport_create(
                pid::IPX,
                None,
                Some(&blob(1, 500)),
                Some(&blob(2, 30)),
                Some("ipxrtmgr.dll"),
            )
            .unwrap();
        c.filter_set_info(ipx.protocol_id, true).unwrap();
        let mut server = c.server_get_info().unwrap();
        server.pptp = PortConfig {
            num_ports: 7,
            port_flags: 1,
        };
        server.l2tp = PortConfig {
            num_ports: 9,
            port_flags: 3,
        };
        c.server_set_info(1, &server).unwrap();
        observe(&c)
    };
    // The writer is gone (connection closed); a new one reads the file.
    let after = observe(&RegistryConfig::new(SqliteRegistry::open(&path).unwrap()));
    assert_eq!(after, before);
    assert_eq!(after.interfaces.len(), 2 + 20);
}
