//! The winreg calls against a real Samba, one by one: the wire shapes and the server
//! behaviours (quirks included) the layers above rely on. Skipped where Samba cannot run.

use std::time::Duration;

use mprconfig_core::{RegValue, WinError};

use crate::client::{FILE_NOT_FOUND, MORE_DATA, WinregClient};
use crate::dcerpc::Binding;
use crate::ntlm::NtlmClient;
use crate::smb::{SmbPipe, SmbTarget};
use mprconfig_rrp_testkit as testkit;

fn client() -> Option<WinregClient> {
    let server = match testkit::shared() {
        Ok(s) => s,
        Err(why) => {
            eprintln!("SKIPPED: {why}");
            return None;
        }
    };
    let target = SmbTarget {
        host: "127.0.0.1".into(),
        port: server.port,
        user: server.admin.user.clone(),
        domain: String::new(),
        password: server.admin.password.clone(),
        connect_timeout: Duration::from_secs(5),
        call_timeout: Duration::from_secs(30),
    };
    let pipe = SmbPipe::open(&target).expect("open \\PIPE\\winreg");
    let binding = Binding::bind(
        Box::new(pipe),
        NtlmClient::new(&target.user, &target.password, ""),
        Default::default(),
    )
    .expect("bind winreg at packet privacy");
    Some(WinregClient::new(binding).expect("OpenLocalMachine"))
}

#[test]
fn every_opnum_works_sealed_and_samba_quirks_hold() {
    let Some(mut c) = client() else { return };
    let hklm = c.hklm();
    // CreateKey makes the missing intermediate keys and says it created the last one.
    let (k, created) = c.create_key(&hklm, r"SOFTWARE\samba-wire\a\b", "").unwrap();
    assert!(created);
    let (k2, created) = c.create_key(&hklm, r"SOFTWARE\samba-wire\a\b", "").unwrap();
    assert!(!created, "the second CreateKey opens the existing key");
    c.close_key(&k2).unwrap();
    c.set_value(&k, "Type", &RegValue::dword(8)).unwrap();
    c.set_value(&k, "Name", &RegValue::sz("hello")).unwrap();
    c.set_value(&k, "", &RegValue::sz("default")).unwrap();
    // 100 KB each way: several fragments in the request and in the reply.
    let big = RegValue::binary((0..100_000u32).map(|i| (i % 251) as u8).collect::<Vec<_>>());
    c.set_value(&k, "Big", &big).unwrap();
    assert_eq!(c.query_value(&k, "Big", 200_000).unwrap().data, big.data);
    // QueryValue with a small buffer reports the size needed.
    let small = c.query_value(&k, "Big", 16).unwrap();
    assert_eq!((small.status, small.size), (MORE_DATA, Some(100_000)));
    assert_eq!(
        c.query_value(&k, "Missing", 16).unwrap().status,
        FILE_NOT_FOUND
    );
    assert_eq!(
        c.query_value(&k, "", 64).unwrap().data,
        RegValue::sz("default").data
    );
    // QueryInfoKey (with a NUL-terminated empty class: Samba faults on a zero-length one).
    let info = c.query_info(&k).unwrap();
    assert_eq!(
        (info.subkeys, info.values, info.max_value_len),
        (0, 4, 100_000)
    );
    assert_eq!(info.last_write, 0, "Samba reports no last-write time");
    // EnumValue: creation order; a too-small buffer is ERROR_MORE_DATA *without* the needed
    // size (Samba), which is why values are enumerated with QueryInfoKey's sizes.
    let v0 = c.enum_value(&k, 0, 512, 64).unwrap().unwrap();
    assert_eq!(
        (v0.name.as_str(), v0.ty, v0.data.as_slice()),
        ("Type", 4, &[8u8, 0, 0, 0][..])
    );
    let v3 = c.enum_value(&k, 3, 512, 16).unwrap().unwrap();
    assert_eq!((v3.status, v3.size), (MORE_DATA, Some(16)));
    assert!(c.enum_value(&k, 4, 512, 16).unwrap().is_none());
    // QueryMultipleValues2: one call for several values; a missing one fails the whole call.
    let m = c.query_multiple(&k, &["Type", "Name"], 8).unwrap();
    assert_eq!((m.status, m.required), (MORE_DATA, 16));
    let m = c.query_multiple(&k, &["Type", "Name"], 16).unwrap();
    assert_eq!(m.status, 0);
    assert_eq!(m.data(0).unwrap(), &[8, 0, 0, 0]);
    assert_eq!(m.data(1).unwrap(), RegValue::sz("hello").data.as_slice());
    assert_eq!(
        c.query_multiple(&k, &["Type", "Nope"], 64).unwrap().status,
        FILE_NOT_FOUND
    );
    // EnumKey: creation order (Windows sorts), then ERROR_NO_MORE_ITEMS.
    let parent = c
        .open_key(&hklm, r"SOFTWARE\samba-wire\a")
        .unwrap()
        .unwrap();
    for name in ["z", "m", "b2"] {
        let (h, _) = c.create_key(&parent, name, "").unwrap();
        c.close_key(&h).unwrap();
    }
    let names: Vec<String> = (0..)
        .map_while(|i| c.enum_key(&parent, i).unwrap())
        .collect();
    assert_eq!(names, ["b", "z", "m", "b2"]);
    assert!(
        c.open_key(&hklm, r"SOFTWARE\samba-wire\nothing")
            .unwrap()
            .is_none()
    );
    // DeleteKey is not recursive: a key with subkeys is ERROR_ACCESS_DENIED.
    let e = c.delete_key(&hklm, r"SOFTWARE\samba-wire\a").unwrap_err();
    assert_eq!(e.code, WinError::ERROR_ACCESS_DENIED);
    assert!(c.delete_value(&k, "Name").unwrap());
    assert!(!c.delete_value(&k, "Name").unwrap());
    c.flush_key(&k).unwrap();
    assert!(c.delete_key(&hklm, r"SOFTWARE\samba-wire\a\b").unwrap());
    assert!(!c.delete_key(&hklm, r"SOFTWARE\samba-wire\a\b").unwrap());
    // A handle on a deleted key: its values are gone (Samba answers per path).
    assert_eq!(
        c.query_value(&k, "Type", 64).unwrap().status,
        FILE_NOT_FOUND
    );
    assert_eq!(
        c.query_info(&k).unwrap_err().code,
        WinError::ERROR_FILE_NOT_FOUND
    );
    c.close_key(&k).unwrap();
    let s = c.stats();
    assert!(
        s.fragments_sent > s.calls && s.fragments_received > s.calls,
        "{s:?}"
    );
}
