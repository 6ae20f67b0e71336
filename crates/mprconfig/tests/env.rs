//! `connect(None)` and the `MPRCONFIG_STORE` / default-path rules. One test, because it
//! changes the process environment.

use mprconfig::{Interface, InterfaceType, STORE_ENV, SYSTEM_STORE};

#[test]
fn the_local_store_is_named_by_mprconfig_store_else_the_default_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/router.db");
    // SAFETY: this test binary runs this one test; no other thread reads the environment.
    unsafe { std::env::set_var(STORE_ENV, &path) };
    assert_eq!(mprconfig::default_store_path().unwrap(), path);

    let conn = mprconfig::connect(None).unwrap();
    assert!(conn.is_local() && conn.server().is_none());
    assert_eq!(conn.store_path(), Some(path.as_path()));
    assert!(path.is_file(), "connect(None) creates the store");
    let id = conn
        .interface_create(&Interface {
            name: "x".into(),
            if_type: InterfaceType::FULL_ROUTER,
            ..Interface::default()
        })
        .unwrap();
    // An empty name is the local machine too.
    let empty = mprconfig::connect(Some("")).unwrap();
    assert_eq!(empty.interface_get_handle("X").unwrap(), id);

    // MprConfigServerInstall resets the local configuration.
    mprconfig::install_local().unwrap();
    assert!(conn.interface_get_handle("x").is_err());
    assert!(conn.interface_get_handle("Loopback").is_ok());

    // Unset (or empty): the system store if its directory is usable, else the XDG data dir.
    let xdg = dir.path().join("xdg");
    // SAFETY: as above.
    unsafe {
        std::env::set_var(STORE_ENV, "");
        std::env::set_var("XDG_DATA_HOME", &xdg);
    }
    let default = mprconfig::default_store_path().unwrap();
    assert!(
        default == std::path::Path::new(SYSTEM_STORE) || default == xdg.join("mprconfig/router.db"),
        "{}",
        default.display()
    );
}
