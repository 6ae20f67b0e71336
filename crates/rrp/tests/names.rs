//! Server names and credentials from the environment and the client configuration files
//! (`hosts.toml`, `credentials.toml`), and signing in with them against a scratch Samba.
//! One test: it changes environment variables, which only a single-threaded test may do.

mod support;

use mprconfig_core::WinError;
use mprconfig_rrp::name::{self, SmbName};
use support::*;

fn set(var: &str, value: Option<&str>) {
    // SAFETY: this binary runs one test, on one thread; nothing else reads the environment.
    unsafe {
        match value {
            Some(v) => std::env::set_var(var, v),
            None => std::env::remove_var(var),
        }
    }
}

#[test]
fn names_and_credentials_come_from_the_url_hosts_toml_and_credentials_toml() {
    let dir = std::env::temp_dir().join(format!("mprconfig-rrp-names-{}", std::process::id()));
    let conf = dir.join("mprconfig");
    std::fs::create_dir_all(&conf).unwrap();
    set("XDG_CONFIG_HOME", Some(dir.to_str().unwrap()));
    set("MPRCONFIG_SMB_PASSWORD", None);

    // Not Windows: plain names are mprd's unless hosts.toml says otherwise.
    assert_eq!(name::resolve("router1").unwrap(), None);
    std::fs::write(
        conf.join("hosts.toml"),
        "[router1]\nwindows = true\nuser = \"admin\"\ndomain = \"CORP\"\n\n\
         [other]\nwindows = false\nuser = \"x\"\n\n[lab]\nwindows = true\nuser = \"root\"\nhost = \"127.0.0.1\"\nport = 1445\n",
    )
    .unwrap();
    let router1 = SmbName {
        domain: "CORP".into(),
        user: "admin".into(),
        host: "router1".into(),
        port: 445,
    };
    assert_eq!(name::resolve(r"\\ROUTER1").unwrap(), Some(router1.clone()));
    assert_eq!(name::resolve("other").unwrap(), None);
    assert_eq!(name::resolve("lab").unwrap().unwrap().port, 1445);
    assert_eq!(
        name::resolve("smb://CORP;admin@router1").unwrap(),
        Some(router1.clone()),
        "an smb:// name needs no hosts.toml entry"
    );
    std::fs::write(conf.join("hosts.toml"), "[bad]\nwindows = true\n").unwrap();
    assert_eq!(
        name::resolve("bad").unwrap_err().code,
        WinError::ERROR_INVALID_PARAMETER
    );
    std::fs::write(conf.join("hosts.toml"), "not toml [").unwrap();
    assert_eq!(
        name::resolve("x").unwrap_err().code,
        WinError::ERROR_INVALID_PARAMETER
    );
    std::fs::remove_file(conf.join("hosts.toml")).unwrap();

    // Passwords: none anywhere is 1326 with a hint; the file under any spelling of the name;
    // the environment first.
    let e = name::password_for(&router1).unwrap_err();
    assert_eq!(e.code, WinError::ERROR_LOGON_FAILURE);
    assert!(e.detail.contains("MPRCONFIG_SMB_PASSWORD"), "{e}");
    std::fs::write(
        conf.join("credentials.toml"),
        "\"smb://u@h\" = \"plain\"\n[\"smb://corp;ADMIN@Router1:445\"]\npassword = \"from-file\"\n",
    )
    .unwrap();
    assert_eq!(name::password_for(&router1).unwrap(), "from-file");
    let h = name::parse_smb_url("smb://u@h").unwrap().unwrap();
    assert_eq!(name::password_for(&h).unwrap(), "plain");
    set("MPRCONFIG_SMB_PASSWORD", Some("from-env"));
    assert_eq!(name::password_for(&router1).unwrap(), "from-env");
    set("MPRCONFIG_SMB_PASSWORD", None);

    // Signing in by name against the scratch server: right and wrong password.
    if let Some(server) = shared() {
        let url = format!("smb://{}@127.0.0.1:{}", server.admin.user, server.port);
        std::fs::write(
            conf.join("credentials.toml"),
            format!("[\"{url}\"]\npassword = \"{}\"\n", server.admin.password),
        )
        .unwrap();
        let n = name::resolve(&url).unwrap().unwrap();
        name::connect(&n).unwrap();
        set("MPRCONFIG_SMB_PASSWORD", Some("wrong"));
        assert_eq!(
            name::connect(&n).unwrap_err().code,
            WinError::ERROR_LOGON_FAILURE
        );
        set("MPRCONFIG_SMB_PASSWORD", None);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
