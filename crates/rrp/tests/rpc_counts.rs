//! RPCs per logical operation (experiment).
use mprconfig_core::*;
use mprconfig_rrp::{RrpOptions, RrpRegistry, testkit};
use std::sync::Arc;

#[test]
fn counts() {
    let server = match testkit::shared() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("SKIPPED: {e}");
            return;
        }
    };
    let opts = RrpOptions::new(
        "127.0.0.1",
        server.port,
        "",
        &server.admin.user,
        &server.admin.password,
    )
    .with_root(r"SOFTWARE\counts");
    let reg = Arc::new(RrpRegistry::connect(opts.clone()).unwrap());
    let c0 = reg.rpc_stats().calls;
    eprintln!("connect: {c0}");
    let cfg = RegistryConfig::new(Arc::clone(&reg));
    let n = |r: &Arc<RrpRegistry>| r.rpc_stats().calls;
    let a = n(&reg);
    cfg.install(&[]).unwrap();
    eprintln!("install: {}", n(&reg) - a);
    let mk = |name: &str| Interface {
        name: name.into(),
        if_type: InterfaceType::FULL_ROUTER,
        enabled: true,
        ..Interface::default()
    };
    let a = n(&reg);
    let id = cfg.interface_create(&mk("first")).unwrap();
    let b = n(&reg);
    cfg.if_transport_add(&id, 0x21, None, None).unwrap();
    let c = n(&reg);
    eprintln!("create interface: {} + ip transport: {}", b - a, c - b);
    for i in 0..99 {
        cfg.interface_create(&mk(&format!("if{i}"))).unwrap();
    }
    let a = n(&reg);
    cfg.interface_get_info(&id).unwrap();
    eprintln!("get-info: {}", n(&reg) - a);
    let a = n(&reg);
    cfg.interface_get_handle("if50").unwrap();
    eprintln!("get-handle warm: {}", n(&reg) - a);
    let cold = RegistryConfig::new(Arc::clone(&reg));
    let a = n(&reg);
    cold.interface_get_handle("if50").unwrap();
    eprintln!("get-handle (new config, warm session): {}", n(&reg) - a);
    let a = n(&reg);
    cold.interface_enum(0, u32::MAX).unwrap();
    eprintln!("enum 100 (new config): {}", n(&reg) - a);
    let fresh = Arc::new(RrpRegistry::connect(opts.clone()).unwrap());
    let fc = RegistryConfig::new(Arc::clone(&fresh));
    let a = n(&fresh);
    fc.interface_enum(0, u32::MAX).unwrap();
    eprintln!("enum 100 cold session: {}", n(&fresh) - a);
    let a = n(&fresh);
    fc.interface_get_handle("if50").unwrap();
    eprintln!("get-handle after enum: {}", n(&fresh) - a);
    let a = n(&fresh);
    fc.interface_get_info(&id).unwrap();
    eprintln!("get-info cold-ish: {}", n(&fresh) - a);
}
#[test]
fn per_op() {
    let server = match testkit::shared() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("SKIPPED: {e}");
            return;
        }
    };
    let opts = RrpOptions::new(
        "127.0.0.1",
        server.port,
        "",
        &server.admin.user,
        &server.admin.password,
    )
    .with_root(r"SOFTWARE\counts2");
    let reg = Arc::new(RrpRegistry::connect(opts.clone()).unwrap());
    let cfg = RegistryConfig::new(Arc::clone(&reg));
    cfg.install(&[]).unwrap();
    let mk = |name: &str| Interface {
        name: name.into(),
        if_type: InterfaceType::FULL_ROUTER,
        enabled: true,
        ..Interface::default()
    };
    cfg.interface_create(&mk("warm")).unwrap();
    let a = reg.rpc_stats();
    let id = cfg.interface_create(&mk("first")).unwrap();
    let b = reg.rpc_stats();
    cfg.if_transport_add(&id, 0x21, None, None).unwrap();
    let c = reg.rpc_stats();
    let show = |s: mprconfig_rrp::RpcStats| {
        s.by_opnum
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(i, n)| format!("op{i}x{n}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    eprintln!("create: {} [{}]", b.since(&a).calls, show(b.since(&a)));
    eprintln!("transport: {} [{}]", c.since(&b).calls, show(c.since(&b)));
}
