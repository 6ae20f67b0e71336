//! `mprd`: the router configuration server, as a library with a thin binary.
//!
//! In the flow of DESIGN §2 this is the far end of a remote `MprConfigServerConnect`: it opens
//! the server's store (`mprconfig-store`, through the `mprconfig` facade), and serves it with
//! the service of `mprconfig-remote` (its `server` feature) over TLS 1.3 to clients holding a
//! token. Commands (DESIGN §5):
//!
//! ```text
//! mprd serve [--listen ADDR:PORT] [--store PATH] [--tls-cert PEM --tls-key PEM]
//!            [--router-socket PATH] [limits]
//! mprd token add NAME --role admin|reader [--store PATH]
//! mprd token list [--store PATH]
//! mprd token revoke NAME [--store PATH]
//! ```
//!
//! `serve` prints `mprd listening on ADDR` and the certificate's SHA-256 fingerprint on
//! standard output; logs go to standard error (`MPRD_LOG` sets the filter, default `info`).
//! SIGTERM or SIGINT drains and stops it.
//!
//! Beside the configuration service, `serve` relays router administration (`MprAdmin*`,
//! `mprcfg plan`/`status`) to the router manager of this machine ([`admin::SocketRelay`],
//! `--router-socket`); docs/protocol.md, "Router administration".

pub mod admin;

use clap::{Args, Parser, Subcommand};
use mprconfig::{Error, RegistryConfig, Result, RouterConfig, WinError};
use mprconfig_remote::server::{Server, ServerConfig};
use mprconfig_remote::{Opener, Role, tls, tokens};
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// The command line.
#[derive(Debug, Parser)]
#[command(
    name = "mprd",
    version,
    about = "Router configuration server (MprConfig* over gRPC/TLS)"
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// `mprd` commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the store to remote clients until SIGTERM/SIGINT.
    Serve(ServeArgs),
    /// Manage the bearer tokens clients authenticate with.
    #[command(subcommand)]
    Token(TokenCommand),
}

/// Where the store is (tokens and TLS files live beside it).
#[derive(Debug, Args)]
pub struct StoreArg {
    /// The store file (default: MPRCONFIG_STORE, else the local default store).
    #[arg(long, value_name = "PATH")]
    pub store: Option<PathBuf>,
}

/// `mprd serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on; remote exposure (0.0.0.0, a public address) is a choice.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:4747")]
    pub listen: String,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub store: StoreArg,
    /// PEM certificate (chain) to present; default `tls/server.crt` beside the store, created
    /// self-signed when missing.
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of the certificate; default `tls/server.key` beside the store.
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Open connections at most.
    #[arg(long, default_value_t = 1024)]
    pub max_connections: usize,
    /// Open sessions at most.
    #[arg(long, default_value_t = 4096)]
    pub max_sessions: usize,
    /// Largest request or reply, in bytes.
    #[arg(long, default_value_t = 4 << 20)]
    pub max_message_bytes: usize,
    /// Seconds a session may stay unused before it is closed.
    #[arg(long, default_value_t = 1800)]
    pub idle_timeout: u64,
    /// Seconds a connection may stay open without a session (and the TLS handshake may take).
    #[arg(long, default_value_t = 30)]
    pub sessionless_timeout: u64,
    /// Seconds in-flight calls get to finish after SIGTERM.
    #[arg(long, default_value_t = 10)]
    pub drain_timeout: u64,
    /// SQLite connections for reads, shared by all sessions, beside the one writer connection
    /// (default: the number of worker threads + 2, so calls never queue for one).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub read_connections: Option<u32>,
    /// Log format on standard error.
    #[arg(long, value_enum, default_value = "text")]
    pub log_format: LogFormat,
    /// The router manager's (mprrouted's) socket, to which router administration is relayed
    /// (default: MPRCONFIG_ROUTER_SOCKET, else /run/mprconfig/router.sock). mprd needs write
    /// access to it (the mprconfig group under systemd).
    #[arg(long, value_name = "PATH")]
    pub router_socket: Option<PathBuf>,
}

/// Log output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// `mprd token ...`.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token and print it (once: only its hash is kept).
    Add {
        /// A unique name for the token (who or what uses it).
        name: String,
        /// What the token may do.
        #[arg(long, value_parser = ["admin", "reader"])]
        role: String,
        #[command(flatten)]
        #[allow(missing_docs)]
        store: StoreArg,
    },
    /// List the tokens (names, roles, creation times; never secrets).
    List {
        #[command(flatten)]
        #[allow(missing_docs)]
        store: StoreArg,
    },
    /// Delete a token: it stops working at once, open sessions included.
    Revoke {
        /// The token's name.
        name: String,
        #[command(flatten)]
        #[allow(missing_docs)]
        store: StoreArg,
    },
}

fn store_path(arg: &StoreArg) -> Result<PathBuf> {
    match &arg.store {
        Some(p) => Ok(p.clone()),
        None => mprconfig::default_store_path(),
    }
}

/// Runs `mprd` with these arguments (the first is the program name); returns the exit code:
/// 0 success, 1 failure (message on standard error), 2 bad usage.
pub fn main_with_args<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run_command(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mprd: {e}");
            ExitCode::from(1)
        }
    }
}

fn run_command(cmd: Command) -> Result<()> {
    match cmd {
        Command::Serve(args) => serve(&args),
        Command::Token(TokenCommand::Add { name, role, store }) => {
            let path = tokens::tokens_path_for_store(&store_path(&store)?);
            let role: Role = role.parse()?;
            let secret = tokens::add(&path, &name, role)?;
            println!("{secret}");
            eprintln!(
                "mprd: token {name:?} ({}) added to {}; this is the only time it is shown",
                role.as_str(),
                path.display()
            );
            Ok(())
        }
        Command::Token(TokenCommand::List { store }) => {
            let path = tokens::tokens_path_for_store(&store_path(&store)?);
            let list = tokens::list(&path)?;
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{:<32} {:<7} CREATED (UTC)", "NAME", "ROLE");
            for t in list {
                let _ = writeln!(
                    out,
                    "{:<32} {:<7} {}",
                    t.name,
                    t.role.as_str(),
                    utc(t.created)
                );
            }
            Ok(())
        }
        Command::Token(TokenCommand::Revoke { name, store }) => {
            let path = tokens::tokens_path_for_store(&store_path(&store)?);
            tokens::revoke(&path, &name)?;
            eprintln!("mprd: token {name:?} revoked");
            Ok(())
        }
    }
}

/// `YYYY-MM-DD HH:MM:SS` for seconds since the Unix epoch (UTC, proleptic Gregorian).
pub fn utc(secs: u64) -> String {
    let days = i64::try_from(secs / 86_400).unwrap_or(i64::MAX / 2);
    let rem = secs % 86_400;
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// An [`Opener`] over a store file: one `RegistryConfig` shared by every session, over one
/// `SqliteRegistry` with a writer connection and `read_connections` reader connections (reads
/// run in parallel and never wait behind a commit's fsync; writes take turns on the writer).
pub fn store_opener(path: &Path, read_connections: usize) -> Result<Opener> {
    let store = mprconfig::store::OpenOptions::new()
        .read_connections(read_connections)
        .open(path)?;
    let config: Arc<dyn RouterConfig> = Arc::new(RegistryConfig::new(store));
    Ok(Arc::new(move || Ok(config.clone())))
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("MPRD_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

/// Raises the soft open-files limit to the hard one: every connection is a descriptor.
/// Caps glibc's malloc arenas at two. By default glibc gives up to eight per core, one per
/// thread that allocates, and the blocking threads that run writes and scans would each grow
/// and fragment their own; two keep the daemon's memory level under sustained load at no
/// measurable cost (allocation here is not the bottleneck: the store and the network are).
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator tuning; called before the runtime starts threads.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// Raises the open-file limit to its hard maximum (each connection and store connection is a
/// descriptor; the soft default of 1024 is below `--max-connections`). Failure is harmless.
pub fn raise_nofile_limit() {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit with a valid pointer to an rlimit we own.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 && lim.rlim_cur < lim.rlim_max {
            lim.rlim_cur = lim.rlim_max;
            let _ = libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        }
    }
}

fn failed(code: WinError, what: impl std::fmt::Display) -> Error {
    Error::new(code, what.to_string())
}

/// `mprd serve`: blocks until SIGTERM/SIGINT and the drain are over.
pub fn serve(args: &ServeArgs) -> Result<()> {
    init_logging(args.log_format);
    limit_malloc_arenas();
    raise_nofile_limit();
    let store = store_path(&args.store)?;
    // Creates the store with the default tree for this machine's links if it is missing.
    drop(
        mprconfig::store::OpenOptions::new()
            .create(true)
            .open(&store)?,
    );
    let workers = std::thread::available_parallelism()
        .map(|n| n.get().min(4))
        .unwrap_or(2);
    let readers = args.read_connections.map_or(workers + 2, |n| n as usize);
    let opener = store_opener(&store, readers)?;

    let (cert, key) = match (&args.tls_cert, &args.tls_key) {
        (Some(c), Some(k)) => (c.clone(), k.clone()),
        _ => {
            let (c, k) = tls::default_tls_paths(&store);
            if tls::ensure_self_signed(&c, &k)? {
                tracing::info!(cert = %c.display(), "created a self-signed certificate");
            }
            (c, k)
        }
    };
    let (tls_config, fingerprint) = tls::server_config(&cert, &key)?;
    let tokens_path = tokens::tokens_path_for_store(&store);
    if tokens::list(&tokens_path)
        .map(|l| l.is_empty())
        .unwrap_or(true)
    {
        tracing::warn!(tokens = %tokens_path.display(), "no tokens: every connect will be refused until `mprd token add`");
    }
    let mut config = ServerConfig::new(tls_config, tokens_path);
    config.max_connections = args.max_connections;
    config.max_sessions = args.max_sessions;
    config.max_message_bytes = args.max_message_bytes;
    config.idle_session_timeout = Duration::from_secs(args.idle_timeout.max(1));
    config.sessionless_timeout = Duration::from_secs(args.sessionless_timeout.max(1));
    config.handshake_timeout = config.sessionless_timeout.min(Duration::from_secs(10));
    config.drain_timeout = Duration::from_secs(args.drain_timeout);

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        // Writes queue for the one writer connection and scans for the readers, so more
        // threads than connections would only wait (and cost stacks and arenas).
        .max_blocking_threads(readers + 2)
        .thread_name("mprd")
        .enable_all()
        .build()
        .map_err(|e| failed(WinError::ERROR_NOT_ENOUGH_MEMORY, format!("runtime: {e}")))?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&args.listen)
            .await
            .map_err(|e| failed(WinError::ERROR_BAD_NETPATH, format!("cannot listen on {}: {e}", args.listen)))?;
        let local = listener.local_addr().map_err(|e| failed(WinError::ERROR_BAD_NETPATH, e))?;
        {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "mprd listening on {local}");
            let _ = writeln!(out, "certificate {} SHA-256 fingerprint sha256:{fingerprint}", cert.display());
            let _ = out.flush();
        }
        let router_socket = args.router_socket.clone().unwrap_or_else(mprconfig::admin::socket_path);
        tracing::info!(listen = %local, store = %store.display(), router_socket = %router_socket.display(), fingerprint = %fingerprint, "mprd started");
        let relay = Arc::new(admin::SocketRelay::new(&router_socket, &store));
        Server::new(opener, config)
            .with_admin(relay)
            .run(listener, shutdown_signal())
            .await
            .map_err(|e| failed(WinError::RPC_S_SERVER_UNAVAILABLE, format!("server: {e}")))
    })
}

async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let term = signal(SignalKind::terminate());
    let int = signal(SignalKind::interrupt());
    match (term, int) {
        (Ok(mut t), Ok(mut i)) => {
            tokio::select! {
                _ = t.recv() => tracing::info!("SIGTERM"),
                _ = i.recv() => tracing::info!("SIGINT"),
            }
        }
        _ => {
            // Without signal handlers the process can only be killed; never stop on our own.
            tracing::error!("cannot install signal handlers");
            std::future::pending::<()>().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_formats_known_instants() {
        assert_eq!(utc(0), "1970-01-01 00:00:00");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00");
        assert_eq!(utc(1_700_000_000), "2023-11-14 22:13:20");
    }

    #[test]
    fn serve_defaults_are_the_documented_ones() {
        let cli = Cli::try_parse_from(["mprd", "serve"]).unwrap();
        let Command::Serve(a) = cli.command else {
            panic!("not serve")
        };
        assert_eq!(a.listen, "127.0.0.1:4747");
        assert!(a.tls_cert.is_none() && a.store.store.is_none());
    }

    #[test]
    fn tls_cert_and_key_go_together_and_roles_are_checked() {
        assert!(Cli::try_parse_from(["mprd", "serve", "--tls-cert", "c.pem"]).is_err());
        assert!(Cli::try_parse_from(["mprd", "token", "add", "x", "--role", "root"]).is_err());
        assert!(
            Cli::try_parse_from([
                "mprd", "token", "add", "x", "--role", "reader", "--store", "/s"
            ])
            .is_ok()
        );
    }

    #[test]
    fn the_systemd_unit_runs_a_valid_command_line() {
        let unit = include_str!("../../../packaging/mprd.service");
        let exec = unit
            .lines()
            .find_map(|l| l.strip_prefix("ExecStart="))
            .expect("ExecStart");
        let args: Vec<&str> = exec.split_whitespace().collect();
        assert!(args[0].ends_with("/mprd"));
        let mut argv = vec!["mprd"];
        argv.extend(&args[1..]);
        let cli = Cli::try_parse_from(argv).expect("the unit's ExecStart parses");
        assert!(matches!(cli.command, Command::Serve(_)));
    }
}
