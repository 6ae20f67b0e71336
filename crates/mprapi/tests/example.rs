//! The Windows-documentation-style example of `examples/c/` builds with its Makefile against the
//! installed library and runs: it lists the default interfaces and a transport added here.

mod common;

use std::path::Path;
use std::process::Command;

#[test]
fn the_c_example_builds_with_its_makefile_and_lists_interfaces_and_transports() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/c");
    let dir = tempfile::tempdir().expect("tempdir");
    for f in ["enum_interfaces.c", "Makefile"] {
        std::fs::copy(example.join(f), dir.path().join(f)).expect("copy example");
    }
    let prefix = common::prefix();
    let make = Command::new("make")
        .current_dir(dir.path())
        .env("PKG_CONFIG_PATH", prefix.join("lib/pkgconfig"))
        .env(
            "LDFLAGS",
            format!("-Wl,-rpath,{}", prefix.join("lib").display()),
        )
        .output()
        .expect("make (install the make package)");
    assert!(
        make.status.success(),
        "make: {}{}",
        String::from_utf8_lossy(&make.stdout),
        String::from_utf8_lossy(&make.stderr)
    );

    // Seed the store through the Rust API: one demand-dial interface with IP.
    let store = dir.path().join("router.db");
    let conn = mprconfig::connect_store(&store).expect("store");
    let id = conn
        .interface_create(&mprconfig::Interface {
            name: "Branch office".into(),
            if_type: mprconfig::InterfaceType::FULL_ROUTER,
            enabled: true,
            ..Default::default()
        })
        .expect("create");
    conn.if_transport_add(&id, mprconfig::pid::IP, None, None)
        .expect("add IP");
    drop(conn);

    let out = Command::new(dir.path().join("enum_interfaces"))
        .env("MPRCONFIG_STORE", &store)
        .output()
        .expect("run example");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "example failed: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("Interface: Branch office\n    Type: Full router (demand dial), enabled\n    Transport: IP (id 0x21)"), "{text}");
    assert!(text.contains("Interface: Loopback"), "{text}");
}
