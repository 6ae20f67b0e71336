//! `mprconfig-rrp`: [`RrpRegistry`], the `Registry` trait of `mprconfig-core` over the
//! Windows Remote Registry protocol (MS-RRP: the `winreg` interface, DCE/RPC over the
//! `\PIPE\winreg` named pipe on SMB2/3), so that `RegistryConfig` — the `MprConfig*`
//! semantics, written once — manages the `RemoteAccess` tree of a real Windows RRAS server (or
//! of Samba) exactly as it manages the local store. It sits beside `mprconfig-store` in the flow
//! of `docs/spec/DESIGN.md` §9: `mprconfig::connect("smb://...")` opens
//! `RegistryConfig<RrpRegistry>`.
//!
//! Layers, bottom up: [`smb`] opens the pipe with the `smb2` crate (NTLMv2, signing, SMB3
//! encryption when the server demands it); [`dcerpc`] binds winreg with NTLM at packet privacy
//! and carries sealed, fragmented calls; [`winreg`] and [`ndr`] encode the opnums; [`session`]
//! caches handles and key structure; [`overlay`], [`journal`] and [`registry`] make
//! transactions out of a protocol that has none (`docs/rrp.md`).

mod client;
pub mod dcerpc;
mod journal;
mod ndr;
mod ntlm;
mod overlay;
mod registry;
mod session;
mod smb;
pub mod testkit;
mod winreg;

pub use dcerpc::RpcStats;
pub use registry::{RrpOptions, RrpRegistry};

#[cfg(test)]
mod bringup {
    use super::*;
    use std::time::Duration;

    #[test]
    fn talk_to_samba() {
        let server = match testkit::SambaServer::start() {
            Ok(s) => s,
            Err(e) => {
                eprintln!("SKIPPED: {e}");
                return;
            }
        };
        let target = smb::SmbTarget {
            host: "127.0.0.1".into(),
            port: server.port,
            user: server.admin.user.clone(),
            domain: String::new(),
            password: server.admin.password.clone(),
            connect_timeout: Duration::from_secs(5),
            call_timeout: Duration::from_secs(30),
        };
        let pipe = smb::SmbPipe::open(&target).unwrap();
        let binding = dcerpc::Binding::bind(
            Box::new(pipe),
            ntlm::NtlmClient::new(&target.user, &target.password, ""),
        )
        .unwrap();
        let mut c = client::WinregClient::new(binding).unwrap();
        let hklm = c.hklm();
        let (k, created) = c.create_key(&hklm, r"SOFTWARE\bringup\a\b", "").unwrap();
        eprintln!("created {created}");
        c.set_value(&k, "Type", &mprconfig_core::RegValue::dword(8))
            .unwrap();
        c.set_value(&k, "Name", &mprconfig_core::RegValue::sz("hello"))
            .unwrap();
        let big =
            mprconfig_core::RegValue::binary((0..100_000u32).map(|i| i as u8).collect::<Vec<_>>());
        c.set_value(&k, "Big", &big).unwrap();
        let v = c.query_value(&k, "Type", 4096).unwrap();
        eprintln!(
            "query type={} data={:?} size={:?} status={}",
            v.ty, v.data, v.size, v.status
        );
        let v = c.query_value(&k, "Big", 16).unwrap();
        eprintln!(
            "query small buf: ty={} len={} size={:?} status={}",
            v.ty,
            v.data.len(),
            v.size,
            v.status
        );
        let v = c.query_value(&k, "Big", 200_000).unwrap();
        assert_eq!(v.data, big.data);
        let v = c.query_value(&k, "Missing", 16).unwrap();
        eprintln!("missing status={}", v.status);
        let info = c.query_info(&k).unwrap();
        eprintln!("info {info:?}");
        for i in 0..5 {
            match c.enum_value(&k, i, 512, 16).unwrap() {
                Some(r) => eprintln!(
                    "enum value {i}: {} ty={} len={} size={:?} status={}",
                    r.name,
                    r.ty,
                    r.data.len(),
                    r.size,
                    r.status
                ),
                None => {
                    eprintln!("end at {i}");
                    break;
                }
            }
        }
        let parent = c.open_key(&hklm, r"SOFTWARE\bringup\a").unwrap().unwrap();
        eprintln!("enum key 0 = {:?}", c.enum_key(&parent, 0).unwrap());
        eprintln!("enum key 1 = {:?}", c.enum_key(&parent, 1).unwrap());
        let m = c.query_multiple(&k, &["Type", "Name"], 8).unwrap();
        eprintln!(
            "qmv small: status={} required={} entries={:?}",
            m.status, m.required, m.entries
        );
        let m = c
            .query_multiple(&k, &["Type", "Name"], m.required as usize)
            .unwrap();
        eprintln!(
            "qmv: status={} required={} entries={:?} buf={:?}",
            m.status, m.required, m.entries, m.buffer
        );
        let m = c.query_multiple(&k, &["Type", "Nope"], 64).unwrap();
        eprintln!(
            "qmv missing: status={} required={} entries={:?}",
            m.status, m.required, m.entries
        );
        eprintln!(
            "delete non-empty: {:?}",
            c.delete_key(&hklm, r"SOFTWARE\bringup\a")
        );
        eprintln!(
            "delete deep: {:?}",
            c.delete_key(&hklm, r"SOFTWARE\bringup\a\b")
        );
        eprintln!(
            "query on deleted handle: {:?}",
            c.query_value(&k, "Type", 64).map(|v| (v.status, v.data))
        );
        eprintln!("info on deleted handle: {:?}", c.query_info(&k));
        let (_, created) = c.create_key(&hklm, r"SOFTWARE\bringup\a\b", "").unwrap();
        eprintln!(
            "recreated {created}; old handle query: {:?}",
            c.query_value(&k, "Type", 64).map(|v| (v.status, v.data))
        );
        eprintln!(
            "default value set: {:?}",
            c.set_value(&k, "", &mprconfig_core::RegValue::sz("def"))
        );
        eprintln!(
            "default value get: {:?}",
            c.query_value(&k, "", 64).map(|v| (v.status, v.data))
        );
        eprintln!("stats {:?}", c.stats());
        c.close_key(&k).unwrap();
    }
}
