//! The child process of the store's crash and concurrency tests (`tests/processes.rs`).
//!
//! The test binary re-executes itself with [`ENV`] set, and then runs [`main`] instead of the
//! test harness: a worker that opens a store like any client would and works on it, printing
//! one line to stdout (flushed) after every operation that returned success, so a parent that
//! kills it knows exactly which operations were acknowledged. Test infrastructure only: it
//! lives under `tests/`, so nothing of it ships in the published crate.
//!
//! ```text
//! writer  STORE PREFIX          create/blob/delete forever (crash test)
//! chain   STORE PREFIX          create n, delete n-1, forever (backup test)
//! churn   STORE PREFIX COUNT    COUNT rounds of create/set/delete + counter
//! restore STORE FILE_A FILE_B   restore A, restore B, forever (restore test)
//! ```

use std::io::Write;
use std::process::ExitCode;

use mprconfig_core::info::InfoHeader;
use mprconfig_core::{
    Error, Interface, InterfaceType, RegValue, Registry, RegistryConfig, Result, RouterConfig,
    TxMode, WinError, pid,
};
use mprconfig_store::{OpenOptions, SqliteRegistry};

/// Set (to any value) in a child's environment to make the test binary that worker.
pub const ENV: &str = "MPRCONFIG_STORE_TEST_WORKER";

/// Where the churn workers count their increments (a read-modify-write in one transaction).
const COUNTER_KEY: &str = r"SOFTWARE\mprconfig-test";

/// The interface-transport blob of interface `name`: a valid info header whose one block
/// holds the name, so a checker can recompute it.
pub fn blob_for(name: &str) -> Vec<u8> {
    let mut h = InfoHeader::new(1).expect("version 1 is valid");
    let data = name.as_bytes();
    h.add(0xFFFF_0007, data.len() as u32, 1, data)
        .expect("a one-block header is valid");
    h.to_bytes()
}

fn say(line: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    // A parent that stopped reading is gone; nothing useful is left to do with the error.
    let _ = out
        .write_fmt(line)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
}

fn open(store: &str) -> Result<RegistryConfig<SqliteRegistry>> {
    // Links are fixed so every process computes the same default tree.
    Ok(RegistryConfig::new(
        OpenOptions::new()
            .create(true)
            .links(Vec::new())
            .open(store)?,
    ))
}

fn interface(name: &str) -> Interface {
    Interface {
        name: name.to_owned(),
        if_type: InterfaceType::FULL_ROUTER,
        enabled: true,
        ..Interface::default()
    }
}

/// Runs `op`, retrying while the store is busy (the one documented transient error); each
/// retry is reported so the parent can count them.
fn retry<T>(what: &str, mut op: impl FnMut() -> Result<T>) -> Result<T> {
    loop {
        match op() {
            Err(e) if e.code == WinError::ERROR_BUSY => say(format_args!("busy {what}")),
            other => return other,
        }
    }
}

/// Crash test writer: for n = 0, 1, ...: create `P-n`, give it its blob, and after every
/// third interface delete `P-(n-2)`.
fn writer(store: &str, prefix: &str) -> Result<()> {
    let config = open(store)?;
    say(format_args!("opened"));
    for n in 0u64.. {
        let name = format!("{prefix}-{n}");
        let id = config.interface_create(&interface(&name))?;
        say(format_args!("created {name}"));
        config.if_transport_add(&id, pid::IP, None, Some(&blob_for(&name)))?;
        say(format_args!("blob {name}"));
        if n % 3 == 2 {
            let old = format!("{prefix}-{}", n - 2);
            let id = config.interface_get_handle(&old)?;
            config.interface_delete(&id)?;
            say(format_args!("deleted {old}"));
        }
    }
    Ok(())
}

/// Backup test writer: create `P-n`, then delete `P-(n-1)`, so every consistent snapshot holds
/// one interface `P-k`, or `P-k` and `P-(k+1)`.
fn chain(store: &str, prefix: &str) -> Result<()> {
    let config = open(store)?;
    for n in 0u64.. {
        config.interface_create(&interface(&format!("{prefix}-{n}")))?;
        if n > 0 {
            let id = config.interface_get_handle(&format!("{prefix}-{}", n - 1))?;
            config.interface_delete(&id)?;
        }
        say(format_args!("step {n}"));
    }
    Ok(())
}

/// Concurrency worker: `count` rounds of create `P-i`, add its blob, disable it, delete it
/// again when `i` is even, and increment the shared counter.
fn churn(store: &str, prefix: &str, count: u32) -> Result<()> {
    let config = open(store)?;
    for i in 0..count {
        let name = format!("{prefix}-{i}");
        let id = retry("create", || config.interface_create(&interface(&name)))?;
        retry("blob", || {
            config.if_transport_add(&id, pid::IP, None, Some(&blob_for(&name)))
        })?;
        let disabled = Interface {
            enabled: false,
            ..interface(&name)
        };
        retry("disable", || config.interface_set_info(&id, 0, &disabled))?;
        if i % 2 == 0 {
            retry("delete", || config.interface_delete(&id))?;
        }
        retry("count", || {
            config.registry().transact(TxMode::Write, &mut |tx| {
                tx.create_key(COUNTER_KEY)?;
                let n = tx
                    .get_value(COUNTER_KEY, "n")?
                    .and_then(|v| v.as_dword())
                    .unwrap_or(0);
                tx.set_value(COUNTER_KEY, "n", &RegValue::dword(n + 1))
            })
        })?;
        say(format_args!("round {i}"));
    }
    say(format_args!("finished"));
    Ok(())
}

/// Restore test: alternately restores two backups, forever.
fn restore(store: &str, a: &str, b: &str) -> Result<()> {
    let config = open(store)?;
    let read = |p: &str| mprconfig_store::read_file(std::path::Path::new(p));
    let (a, b) = (read(a)?, read(b)?);
    loop {
        config.restore(&a)?;
        say(format_args!("restored A"));
        config.restore(&b)?;
        say(format_args!("restored B"));
    }
}

fn run(args: &[String]) -> Result<()> {
    let usage = || Error::invalid_parameter(format!("usage: see tests/worker; got {args:?}"));
    match args {
        [mode, store, prefix] if mode == "writer" => writer(store, prefix),
        [mode, store, prefix] if mode == "chain" => chain(store, prefix),
        [mode, store, prefix, count] if mode == "churn" => {
            churn(store, prefix, count.parse().map_err(|_| usage())?)
        }
        [mode, store, a, b] if mode == "restore" => restore(store, a, b),
        _ => Err(usage()),
    }
}

/// Runs the worker mode named by the command line (the mode and its arguments).
pub fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            say(format_args!("error {} {}", e.code.0, e.detail));
            ExitCode::FAILURE
        }
    }
}
