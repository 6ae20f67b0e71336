//! `mprconfig::connect` with MS-RRP names, against a scratch Samba (`mprconfig-rrp-testkit`):
//! an `smb://` name always opens the Remote Registry backend, a plain `\\host` does when
//! `hosts.toml` marks it `windows = true`, and every other name still goes to `mprd`. The
//! password comes from `credentials.toml` or `MPRCONFIG_SMB_PASSWORD`. One test, because it
//! changes the process environment.

use mprconfig::registry::Registry;
use mprconfig::{
    Interface, InterfaceType, NetLink, RegistryConfig, RouterConfig, WinError, pid, registry,
};

fn set(var: &str, value: Option<&str>) {
    // SAFETY: this test binary runs this one test; no other thread reads the environment.
    unsafe {
        match value {
            Some(v) => std::env::set_var(var, v),
            None => std::env::remove_var(var),
        }
    }
}

#[test]
fn smb_names_and_windows_hosts_reach_the_server_over_ms_rrp_and_other_names_go_to_mprd() {
    let server = match mprconfig_rrp_testkit::shared() {
        Ok(s) => s,
        Err(why) => {
            eprintln!("SKIPPED: {why}");
            return;
        }
    };
    let home = tempfile::tempdir().unwrap();
    let conf = home.path().join("mprconfig");
    std::fs::create_dir_all(&conf).unwrap();
    set("XDG_CONFIG_HOME", Some(home.path().to_str().unwrap()));
    for var in ["MPRCONFIG_SMB_PASSWORD", "MPRCONFIG_TOKEN", "MPRCONFIG_CA"] {
        set(var, None);
    }
    let url = format!("smb://{}@127.0.0.1:{}", server.admin.user, server.port);

    // No password anywhere: 1326, saying where one goes.
    let e = mprconfig::connect(Some(&url)).unwrap_err();
    assert_eq!(e.code, WinError::ERROR_LOGON_FAILURE, "{e}");
    assert!(e.detail.contains("credentials.toml"), "{e}");

    // The password from credentials.toml: the server's HKLM, installed and written through
    // the same API as a local store.
    std::fs::write(
        conf.join("credentials.toml"),
        format!("[\"{url}\"]\npassword = \"{}\"\n", server.admin.password),
    )
    .unwrap();
    let conn = mprconfig::connect(Some(&url)).unwrap();
    assert!(!conn.is_local());
    assert_eq!(conn.server(), Some(url.as_str()));
    assert_eq!(conn.store_path(), None);
    let links = [NetLink {
        name: "eth0".into(),
        guid: "{3F1C2B7A-8D4E-4A5B-9C6D-0E1F2A3B4C5D}".into(),
        is_loopback: false,
    }];
    RouterConfig::install(&*conn, &links).unwrap();
    let branch = conn
        .interface_create(&Interface {
            name: "Branch".into(),
            if_type: InterfaceType::FULL_ROUTER,
            enabled: true,
            ..Interface::default()
        })
        .unwrap();
    let mut header =
        mprconfig::info::InfoHeader::new(mprconfig::info::RTR_INFO_BLOCK_VERSION).unwrap();
    header.add(0xFFFF_0002, 4, 1, &[1, 2, 3, 4]).unwrap();
    let blob = header.to_bytes();
    conn.if_transport_add(&branch, pid::IP, Some("IP"), Some(&blob))
        .unwrap();
    assert_eq!(conn.get_friendly_name(&links[0].guid).unwrap(), "eth0");

    // It landed in the server's RemoteAccess tree, where Windows keeps it (registry-layout §0):
    // read back with RegistryConfig over the backend directly.
    let direct = RegistryConfig::new(
        mprconfig_rrp::RrpRegistry::connect(mprconfig_rrp::RrpOptions::new(
            "127.0.0.1",
            server.port,
            "",
            &server.admin.user,
            &server.admin.password,
        ))
        .unwrap(),
    );
    assert_eq!(direct.interface_get_handle("BRANCH").unwrap(), branch);
    let r = direct.registry();
    let key = mprconfig::layout::INTERFACES;
    assert!(
        r.transact(registry::TxMode::Read, &mut |tx| tx.key_exists(key))
            .unwrap(),
        "{key} exists on the server"
    );

    // A plain name marked Windows in hosts.toml is the same server, as a Windows program
    // names it; the environment's password comes before the file's.
    std::fs::write(
        conf.join("hosts.toml"),
        format!(
            "[router1]\nwindows = true\nuser = \"{}\"\nhost = \"127.0.0.1\"\nport = {}\n\n\
             [router2]\nwindows = false\n",
            server.admin.user, server.port
        ),
    )
    .unwrap();
    std::fs::write(
        conf.join("credentials.toml"),
        format!(
            "[\"smb://{}@127.0.0.1:{}\"]\npassword = \"{}\"\n",
            server.admin.user, server.port, server.admin.password
        ),
    )
    .unwrap();
    let by_name = mprconfig::connect(Some(r"\\ROUTER1")).unwrap();
    assert_eq!(by_name.server(), Some(r"\\ROUTER1"));
    assert_eq!(by_name.interface_get_handle("branch").unwrap(), branch);
    let ip = by_name.if_transport_get_handle(&branch, pid::IP).unwrap();
    assert_eq!(
        by_name.if_transport_get_info(&ip).unwrap().as_deref(),
        Some(&blob[..])
    );
    set("MPRCONFIG_SMB_PASSWORD", Some("not the password"));
    let e = mprconfig::connect(Some("router1")).unwrap_err();
    assert_eq!(e.code, WinError::ERROR_LOGON_FAILURE, "{e}");
    set("MPRCONFIG_SMB_PASSWORD", Some(&server.admin.password));
    mprconfig::connect(Some("router1")).unwrap();
    set("MPRCONFIG_SMB_PASSWORD", None);

    // A malformed smb:// name is 87 and reaches nobody.
    let e = mprconfig::connect(Some("smb://127.0.0.1")).unwrap_err();
    assert_eq!(e.code, WinError::ERROR_INVALID_PARAMETER, "{e}");

    // Names hosts.toml does not mark Windows are mprd's: its client's failure (53, in its own
    // words), not an SMB sign-in.
    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    for name in ["router2".to_string(), format!("127.0.0.1:{free}")] {
        let e = mprconfig::connect(Some(&name)).unwrap_err();
        assert_eq!(e.code, WinError::ERROR_BAD_NETPATH, "{name}: {e}");
        assert!(
            e.detail.starts_with("cannot ") && !e.detail.contains("SMB"),
            "{name} must be tried as an mprd: {e}"
        );
    }
}
