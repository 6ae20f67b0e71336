//! Interoperability both ways with Samba's own MS-RRP client (`net rpc registry`): what this
//! backend writes, Samba's tool exports byte for byte; a Windows RemoteAccess tree that
//! Samba's tool imports (a real Windows 7 export) reads back through our API with identical
//! names, types and blobs.

mod support;

use mprconfig_core::regfile::{self, RegKey};
use mprconfig_core::registry::fold;
use mprconfig_core::{
    IfTransportId, Interface, InterfaceType, RegValue, RegistryConfig, RouterConfig, layout as l,
};
use support::*;

const W7: &[u8] = include_bytes!("../../core/tests/data/w7-remoteaccess.reg");

fn sorted(mut keys: Vec<RegKey>) -> Vec<RegKey> {
    keys.sort_by_key(|k| fold(&k.path));
    keys
}

#[test]
fn what_we_write_samba_exports_byte_identical() {
    let Some(server) = shared() else { return };
    let root = fresh_root("interop-out");
    let reg = admin(server, &root);
    let config = RegistryConfig::new(reg);
    config.install(&[]).unwrap();
    let id = config
        .interface_create(&Interface {
            name: "Wäh-Link \"quoted\"".into(),
            if_type: InterfaceType::FULL_ROUTER,
            enabled: true,
            dialout_hours: Some(vec!["1 08:00-18:00".into(), "5 09:00-12:00".into()]),
            ..Interface::default()
        })
        .unwrap();
    // A blob of several fragments: 70 KB of info blocks would not validate, so the registry
    // level carries it; the interface-transport blob is the real MS-RRASM §4.11.2 one.
    let info = mprconfig_core::layout::DEFAULT_IP_GLOBAL_INFO.to_vec();
    config
        .if_transport_add(&id, 0x21, None, Some(&info))
        .unwrap();
    let reg = config.registry();
    write(reg, |tx| {
        tx.create_key("Raw")?;
        tx.set_value(
            "Raw",
            "big",
            &RegValue::binary((0..70_000u32).map(|i| (i * 7) as u8).collect::<Vec<_>>()),
        )?;
        tx.set_value("Raw", "q", &RegValue::qword(0x0102_0304_0506_0708))?;
        tx.set_value("Raw", "x", &RegValue::expand_sz("%SystemRoot%\\x"))?;
        tx.set_value("Raw", "", &RegValue::sz("default"))
    })
    .unwrap();

    // Samba's client exports the subtree; our .reg reader decodes it.
    let file = server
        .dir()
        .join(format!("export-{}.reg", std::process::id()));
    server
        .tool(
            "net",
            &server.admin,
            &[
                "export",
                &format!(r"HKEY_LOCAL_MACHINE\{root}"),
                file.to_str().unwrap(),
            ],
        )
        .unwrap();
    let exported = regfile::decode(&std::fs::read(&file).unwrap()).unwrap();
    let exported: Vec<RegKey> = exported
        .into_iter()
        .filter_map(|k| {
            // Below the root, leaving out the root itself and the backend's own lock/state key.
            let path = k.path.get(root.len() + 1..)?.to_string();
            (!path.starts_with("SOFTWARE")).then_some(RegKey {
                path,
                values: k.values,
            })
        })
        .collect();
    // What we hold, read through our own backend.
    let mut ours = Vec::new();
    read(reg, |tx| {
        ours = regfile::export_tree(tx, "SYSTEM")?;
        ours.extend(regfile::export_tree(tx, "Raw")?);
        Ok(())
    })
    .unwrap();
    assert_eq!(sorted(exported), sorted(ours));
}

#[test]
fn a_windows_tree_imported_by_samba_reads_back_identical() {
    // Samba's tool writes the W7 export at its real place, HKLM\SYSTEM\...: a server of its own.
    let Some(server) = private() else { return };
    let file = server.dir().join("w7.reg");
    std::fs::write(&file, W7).unwrap();
    server
        .tool("net", &server.admin, &["import", file.to_str().unwrap()])
        .unwrap();
    let want = regfile::decode(W7).unwrap();

    let config = RegistryConfig::new(admin(&server, ""));
    let mut got = Vec::new();
    read(config.registry(), |tx| {
        got = regfile::export_tree(tx, l::REMOTE_ACCESS)?;
        Ok(())
    })
    .unwrap();
    assert_eq!(
        sorted(got),
        sorted(want.clone()),
        "names, types and bytes as Windows wrote them"
    );

    // And through the MprConfig semantics: the interfaces and their blobs.
    let names: Vec<String> = config
        .interface_enum(0, u32::MAX)
        .unwrap()
        .entries
        .into_iter()
        .map(|e| e.info.name)
        .collect();
    let loopback = want
        .iter()
        .find(|k| k.path.ends_with(r"Interfaces\0"))
        .unwrap();
    let stored = loopback
        .values
        .iter()
        .find(|(n, _)| n == "InterfaceName")
        .unwrap()
        .1
        .as_string()
        .unwrap();
    assert!(names.contains(&stored), "{names:?}");
    let id = config.interface_get_handle(&stored).unwrap();
    let blob = config
        .if_transport_get_info(&IfTransportId {
            interface: id,
            protocol_id: 0x21,
        })
        .unwrap();
    let raw = want
        .iter()
        .find(|k| k.path.ends_with(r"Interfaces\0\Ip"))
        .and_then(|k| k.values.iter().find(|(n, _)| n == "InterfaceInfo"))
        .map(|(_, v)| v.data.clone());
    assert_eq!(blob, raw, "the interface-transport blob, byte for byte");
}

#[test]
fn refresh_sees_interfaces_other_programs_created() {
    let Some(server) = shared() else { return };
    let root = fresh_root("interop-refresh");
    let config = mprconfig_rrp::RrpConfig::new(admin(server, &root));
    config.install(&[]).unwrap();
    assert!(config.interface_get_handle("made-by-regedit").is_err());
    // Another program (Samba's tool standing in for regedit) adds an interface key.
    let key = format!(r"HKLM\{root}\{}\77", l::INTERFACES);
    server
        .tool("net", &server.admin, &["createkey", &key])
        .unwrap();
    server
        .tool(
            "net",
            &server.admin,
            &["setvalue", &key, "InterfaceName", "sz", "made-by-regedit"],
        )
        .unwrap();
    server
        .tool(
            "net",
            &server.admin,
            &["setvalue", &key, "Type", "dword", "2"],
        )
        .unwrap();
    // MprConfigServerRefresh drops every cache, the backend's included.
    config.refresh().unwrap();
    let id = config.interface_get_handle("made-by-regedit").unwrap();
    assert_eq!(id.key, 77);
    assert_eq!(
        config.interface_get_info(&id).unwrap().if_type,
        InterfaceType::FULL_ROUTER
    );
}
