//! `mprcfg -r smb://user@host:port` against a scratch Samba (`mprconfig-rrp-testkit`): the
//! same commands and the same output as on the local store, the password from
//! `MPRCONFIG_SMB_PASSWORD` or `credentials.toml` (never the command line), a plain name
//! marked Windows in `hosts.toml`, and the sign-in failures. One test: every command writes the
//! same server's `HKLM\...\RemoteAccess`, which only one test of this binary may own.

mod support;

use support::{Env, W7, read, rows};

#[test]
fn mprcfg_manages_an_ms_rrp_server_with_the_same_commands_and_output_as_locally() {
    let server = match mprconfig_rrp_testkit::shared() {
        Ok(s) => s,
        Err(why) => {
            eprintln!("SKIPPED: {why}");
            return;
        }
    };
    let url = format!("smb://{}@127.0.0.1:{}", server.admin.user, server.port);
    let mut env = Env::new();
    env.server = Some(url.clone());

    // No password: 1326, naming where it goes.
    let line = env.fail(&["show", "interfaces"], 2, 1326, "ERROR_LOGON_FAILURE");
    assert!(line.contains("MPRCONFIG_SMB_PASSWORD"), "{line}");
    env.vars.push((
        "MPRCONFIG_SMB_PASSWORD".into(),
        server.admin.password.clone(),
    ));

    // A server with the RRAS role has its service key (without it, a backup or import gives 2,
    // as on Windows: registry-layout §5.1); then a Windows 7 RemoteAccess export onto it,
    // shown and exported back byte-identical (every key and value went through Samba's
    // registry and back).
    server
        .tool(
            "net",
            &server.admin,
            &[
                "createkey",
                r"HKLM\SYSTEM\CurrentControlSet\Services\RemoteAccess",
            ],
        )
        .unwrap();
    let out = env.ok(&["import-reg", W7]);
    assert!(out.contains("14 interfaces"), "{out}");
    env.ok(&["export-reg", "out.reg"]);
    assert!(
        read(env.path("out.reg")) == read(W7),
        "the server's export differs from the imported file"
    );
    let local = Env::new();
    local.ok(&["import-reg", W7]);
    for cmd in [
        &["show", "interfaces"][..],
        &["show", "transports"],
        &["show", "iftransports", "Loopback"],
        &["--json", "show", "interface", "Internal"],
    ] {
        assert_eq!(env.ok(cmd), local.ok(cmd), "mprcfg {cmd:?}");
    }
    let info = env.ok(&["show", "server"]);
    assert!(info.contains(&format!("remote server {url}")), "{info}");

    // Edits, as on the local store.
    env.ok(&["interface", "add", "Branch", "--type", "full-router"]);
    env.ok(&["iftransport", "add", "Branch", "ip"]);
    env.ok(&[
        "route",
        "add",
        "Branch",
        "10.20.0.0/16",
        "--via",
        "192.168.1.254",
    ]);
    let routes = env.json(&["route", "list", "Branch"]);
    assert_eq!(
        (
            routes[0]["destination"].as_str(),
            routes[0]["next_hop"].as_str()
        ),
        (Some("10.20.0.0"), Some("192.168.1.254"))
    );
    let t = rows(&env.ok(&["show", "interfaces"]));
    assert!(t.iter().any(|r| r[1] == "Branch"), "{t:?}");
    env.fail(
        &["show", "interface", "nope"],
        1,
        905,
        "ERROR_NO_SUCH_INTERFACE",
    );
    env.ok(&["backup", "server.reg"]);
    env.ok(&["interface", "delete", "Branch"]);
    env.ok(&["restore", "server.reg"]);
    env.ok(&["show", "interface", "Branch"]);

    // The password from credentials.toml instead, and a plain name hosts.toml marks Windows.
    env.vars.retain(|(k, _)| k != "MPRCONFIG_SMB_PASSWORD");
    let conf = env.path("config").join("mprconfig");
    std::fs::create_dir_all(&conf).unwrap();
    std::fs::write(
        conf.join("credentials.toml"),
        format!("[\"{url}\"]\npassword = \"{}\"\n", server.admin.password),
    )
    .unwrap();
    env.ok(&["show", "interface", "Branch"]);
    std::fs::write(
        conf.join("hosts.toml"),
        format!(
            "[router1]\nwindows = true\nuser = \"{}\"\nhost = \"127.0.0.1\"\nport = {}\n",
            server.admin.user, server.port
        ),
    )
    .unwrap();
    env.server = Some(r"\\router1".into());
    env.ok(&["show", "interface", "Branch"]);

    // Wrong password (the environment comes first) and an account without write rights.
    env.vars
        .push(("MPRCONFIG_SMB_PASSWORD".into(), "not the password".into()));
    env.fail(&["show", "interfaces"], 2, 1326, "ERROR_LOGON_FAILURE");
    env.vars.retain(|(k, _)| k != "MPRCONFIG_SMB_PASSWORD");
    env.vars.push((
        "MPRCONFIG_SMB_PASSWORD".into(),
        server.reader.password.clone(),
    ));
    env.server = Some(format!(
        "smb://{}@127.0.0.1:{}",
        server.reader.user, server.port
    ));
    env.ok(&["show", "interface", "Branch"]);
    env.fail(
        &["interface", "add", "x", "--type", "full-router"],
        2,
        5,
        "ERROR_ACCESS_DENIED",
    );
}
