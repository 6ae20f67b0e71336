//! `mprconfig::connect(Some(name))` end to end through the environment of DESIGN §5:
//! known_hosts pins (via `trust_host`), `MPRCONFIG_CA`, `credentials.toml` and
//! `MPRCONFIG_TOKEN`. One test, because it changes process-wide environment variables.

mod common;

use common::{Daemon, add_token};
use mprconfig::WinError;

fn set(k: &str, v: Option<&str>) {
    // SAFETY: this test binary has a single test, so no other thread reads the environment.
    unsafe {
        match v {
            Some(v) => std::env::set_var(k, v),
            None => std::env::remove_var(k),
        }
    }
}

#[test]
fn connect_by_name_uses_known_hosts_ca_credentials_and_token_env() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("srv/router.db");
    std::fs::create_dir_all(store.parent().unwrap()).unwrap();
    let token = add_token(&store, "env", "admin");
    let d = Daemon::start(&store, "127.0.0.1:0", &[]);
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    set("HOME", home.to_str());
    for k in ["XDG_CONFIG_HOME", "MPRCONFIG_CA", "MPRCONFIG_TOKEN"] {
        set(k, None);
    }
    let name = format!("127.0.0.1:{}", d.addr.port());

    // Not trusted yet: 5, and the detail shows the fingerprint to compare.
    let e = mprconfig::connect(Some(&name)).unwrap_err();
    assert_eq!(e.code, WinError::ERROR_ACCESS_DENIED);
    assert!(e.detail.contains(&d.fingerprint), "{e}");

    // `mprcfg trust` pins it in ~/.config/mprconfig/known_hosts.
    assert_eq!(
        mprconfig_remote::fetch_fingerprint(&name).unwrap(),
        d.fingerprint
    );
    assert_eq!(mprconfig_remote::trust_host(&name).unwrap(), d.fingerprint);
    let kh = std::fs::read_to_string(home.join(".config/mprconfig/known_hosts")).unwrap();
    assert!(kh.contains(&d.fingerprint) && kh.contains(&name));

    // Trusted, but no token: 5.
    assert_eq!(
        mprconfig::connect(Some(&name)).unwrap_err().code,
        WinError::ERROR_ACCESS_DENIED
    );

    // A token from credentials.toml, keyed by host:port; `\\host:port` names the same server.
    std::fs::write(
        home.join(".config/mprconfig/credentials.toml"),
        format!("[\"{name}\"]\ntoken = \"{token}\"\n"),
    )
    .unwrap();
    let c = mprconfig::connect(Some(&format!(r"\\{name}"))).unwrap();
    assert_eq!(c.server(), Some(format!(r"\\{name}").as_str()));
    c.server_get_info().unwrap();

    // MPRCONFIG_TOKEN wins over the file.
    set("MPRCONFIG_TOKEN", Some(&"f".repeat(64)));
    assert_eq!(
        mprconfig::connect(Some(&name)).unwrap_err().code,
        WinError::ERROR_ACCESS_DENIED
    );
    set("MPRCONFIG_TOKEN", Some(&token));

    // MPRCONFIG_CA alone (no pin) is enough; a CA file that does not exist is 5.
    std::fs::remove_file(home.join(".config/mprconfig/known_hosts")).unwrap();
    set(
        "MPRCONFIG_CA",
        dir.path().join("srv/tls/server.crt").to_str(),
    );
    mprconfig::connect(Some(&name))
        .unwrap()
        .server_get_info()
        .unwrap();
    set("MPRCONFIG_CA", dir.path().join("nope.pem").to_str());
    assert_eq!(
        mprconfig::connect(Some(&name)).unwrap_err().code,
        WinError::ERROR_ACCESS_DENIED
    );
}
