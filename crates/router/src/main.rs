//! `mprrouted`: the Linux router manager of mprconfig. A thin binary over
//! `mprconfig-router`: arguments, logging, signals, then `manager::run` (or one dry-run plan or
//! one reconcile). docs/router.md is the guide.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use mprconfig_router::kernel::DEFAULT_ROUTE_PROTOCOL;
use mprconfig_router::manager::{self, Options};

/// mprrouted: apply the stored router configuration to the Linux kernel and keep it applied.
#[derive(Parser, Debug)]
#[command(name = "mprrouted", version, about, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Run the router manager: reconcile now, on every committed change and kernel event.
    Run {
        /// The store file (default: MPRCONFIG_STORE, else the local default).
        #[arg(long)]
        store: Option<PathBuf>,
        /// The Unix socket for MprAdmin*, plan and status (default: MPRCONFIG_ROUTER_SOCKET,
        /// else /run/mprconfig/router.sock).
        #[arg(long)]
        socket: Option<PathBuf>,
        /// Route protocol number marking our routes (1-255, not a kernel one).
        #[arg(long, default_value_t = DEFAULT_ROUTE_PROTOCOL)]
        route_protocol: u8,
        /// Fallback poll of the store generation, in milliseconds.
        #[arg(long, default_value_t = 1000)]
        poll_ms: u64,
        /// Full reconcile at least this often, in seconds.
        #[arg(long, default_value_t = 30)]
        resync_s: u64,
    },
    /// Print what a reconcile would change (a dry run), without a running manager.
    Plan {
        /// The store file.
        #[arg(long)]
        store: Option<PathBuf>,
        /// Route protocol number marking our routes.
        #[arg(long, default_value_t = DEFAULT_ROUTE_PROTOCOL)]
        route_protocol: u8,
    },
    /// Reconcile once and exit (what `run` does on start).
    Reconcile {
        /// The store file.
        #[arg(long)]
        store: Option<PathBuf>,
        /// Route protocol number marking our routes.
        #[arg(long, default_value_t = DEFAULT_ROUTE_PROTOCOL)]
        route_protocol: u8,
    },
}

fn store_path(p: Option<PathBuf>) -> Result<PathBuf, mprconfig::Error> {
    match p {
        Some(p) => Ok(p),
        None => mprconfig::default_store_path(),
    }
}

fn check_protocol(p: u8) -> Result<u8, mprconfig::Error> {
    // 0-4 are the kernel's own (unspec, redirect, kernel, boot, static).
    if p <= 4 {
        return Err(mprconfig::Error::invalid_parameter(format!(
            "route protocol {p} belongs to the kernel or iproute2; choose 5-255"
        )));
    }
    Ok(p)
}

async fn main_async(cli: Cli) -> Result<(), mprconfig::Error> {
    match cli.command {
        Cmd::Run {
            store,
            socket,
            route_protocol,
            poll_ms,
            resync_s,
        } => {
            let mut opts = Options::new(store_path(store)?);
            if let Some(s) = socket {
                opts.socket = s;
            }
            opts.route_protocol = check_protocol(route_protocol)?;
            opts.poll = Duration::from_millis(poll_ms.max(1));
            opts.resync = Duration::from_secs(resync_s.max(1));
            manager::run(opts, shutdown()).await
        }
        Cmd::Plan {
            store,
            route_protocol,
        } => {
            let source = manager::open_store(&store_path(store)?)?;
            let mut r = mprconfig_router::Reconciler::new(check_protocol(route_protocol)?)?;
            let plan = r.plan(&source).await?;
            print!("{plan}");
            for i in &plan.items {
                if let mprconfig_router::State::NotApplied(why) = &i.state {
                    println!("  not applied: {} ({why})", i.object);
                }
            }
            Ok(())
        }
        Cmd::Reconcile {
            store,
            route_protocol,
        } => {
            let source = manager::open_store(&store_path(store)?)?;
            let mut r = mprconfig_router::Reconciler::new(check_protocol(route_protocol)?)?;
            let report = r.reconcile(&source).await?;
            for a in &report.applied {
                let lines = a.change.diff_lines().join("; ");
                match &a.error {
                    None => println!("{lines}"),
                    Some(e) => println!("{lines}  FAILED: {e}"),
                }
            }
            match report.failures().count() {
                0 => Ok(()),
                n => Err(mprconfig::Error::new(
                    mprconfig::WinError::ERROR_INVALID_FUNCTION,
                    format!("{n} change(s) failed"),
                )),
            }
        }
    }
}

/// SIGTERM or SIGINT.
async fn shutdown() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        // Without signal handlers the process still ends on the default action.
        std::future::pending::<()>().await;
        return;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("MPRROUTED_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("mprrouted: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match rt.block_on(main_async(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mprrouted: {e}");
            ExitCode::from(2)
        }
    }
}
