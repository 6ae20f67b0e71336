//! `mprcfg`: the administrator's command line for the router configuration, in the spirit of
//! `netsh routing`.
//!
//! It sits at the top of the flow: clap arguments → one plan per command → calls on the
//! `mprconfig` API (the local store, or a remote `mprd` with `-r`) → an aligned table or JSON.
//! Routes, filters and `.reg` files are handled by the codecs of `mprconfig-core`
//! (`blocks`, `regfile`), so the binary only parses, calls and prints. `docs/cli.md` is the
//! user guide.

mod args;
mod commands;
mod config_json;
mod fanout;
mod files;
mod input;
mod load;
mod output;
mod parse;
mod router;
mod routes;
mod watch;

use std::process::ExitCode;

use clap::Parser;
use mprconfig::{Connection, Error, WinError};

use args::{
    Cli, Command, FilterCmd, IfTransportCmd, InfoblockCmd, InterfaceCmd, RouteCmd, Show,
    TransportCmd,
};
use output::Output;

/// Exit status for failures that mean "the thing named does not exist".
const EXIT_NOT_FOUND: u8 = 1;
/// Exit status for every other failure, bad arguments included.
const EXIT_ERROR: u8 = 2;

pub(crate) fn exit_code(code: WinError) -> u8 {
    match code {
        WinError::ERROR_FILE_NOT_FOUND
        | WinError::ERROR_PATH_NOT_FOUND
        | WinError::ERROR_UNKNOWN_PROTOCOL_ID
        | WinError::ERROR_NO_SUCH_INTERFACE
        | WinError::ERROR_NOT_FOUND => EXIT_NOT_FOUND,
        _ => EXIT_ERROR,
    }
}

/// What a command does, for the `mprcfg: <what failed>: …` error line.
pub(crate) fn describe(cmd: &Command) -> String {
    match cmd {
        Command::Show(s) => match s {
            Show::Server => "show server".into(),
            Show::Interfaces => "show interfaces".into(),
            Show::Interface { name } => format!("show interface {name:?}"),
            Show::Transports => "show transports".into(),
            Show::Transport { id } => format!("show transport {id}"),
            Show::Iftransports { name } => format!("show iftransports {name:?}"),
            Show::Config => "show config".into(),
        },
        Command::Interface(c) => match c {
            InterfaceCmd::Add { name, .. } => format!("interface add {name:?}"),
            InterfaceCmd::Set { name, .. } => format!("interface set {name:?}"),
            InterfaceCmd::Delete { name } => format!("interface delete {name:?}"),
            InterfaceCmd::Enable { name } => format!("interface enable {name:?}"),
            InterfaceCmd::Disable { name } => format!("interface disable {name:?}"),
        },
        Command::Transport(c) => match c {
            TransportCmd::Add { id, .. } => format!("transport add {id}"),
            TransportCmd::Set { id, .. } => format!("transport set {id}"),
            TransportCmd::Delete { id } => format!("transport delete {id}"),
        },
        Command::Iftransport(c) => match c {
            IfTransportCmd::Add {
                name, transport, ..
            } => format!("iftransport add {name:?} {transport}"),
            IfTransportCmd::Set {
                name, transport, ..
            } => format!("iftransport set {name:?} {transport}"),
            IfTransportCmd::Remove { name, transport } => {
                format!("iftransport remove {name:?} {transport}")
            }
        },
        Command::Route(c) => match c {
            RouteCmd::Add { name, prefix, .. } => format!("route add {prefix} on {name:?}"),
            RouteCmd::Delete { name, prefix, .. } => format!("route delete {prefix} on {name:?}"),
            RouteCmd::List { name } => format!("route list {name:?}"),
        },
        Command::Filter(c) => match c {
            FilterCmd::Add {
                name, direction, ..
            } => format!("filter add {direction} on {name:?}"),
            FilterCmd::Delete {
                name, direction, ..
            } => format!("filter delete {direction} on {name:?}"),
            FilterCmd::List { name, .. } => format!("filter list {name:?}"),
            FilterCmd::Default {
                name, direction, ..
            } => format!("filter default {direction} on {name:?}"),
            FilterCmd::Enable { transport } => format!("filter enable {transport}"),
            FilterCmd::Disable { transport } => format!("filter disable {transport}"),
        },
        Command::Infoblock(InfoblockCmd::Show { .. }) => "infoblock show".into(),
        Command::Backup { file } => format!("backup {file}"),
        Command::Restore { file } => format!("restore {file}"),
        Command::Trust { host } => format!("trust {host}"),
        Command::ExportReg { file } => format!("export-reg {file}"),
        Command::ImportReg { file } => format!("import-reg {file}"),
        Command::Plan => "plan".into(),
        Command::Status => "status".into(),
        Command::Load { file, .. } => format!("load {file}"),
        Command::Watch(_) => "watch".into(),
    }
}

/// `MprConfigServerConnect`: the local store, or the remote server `server`.
fn connect(server: Option<&str>) -> Result<Connection, (String, Error)> {
    let conn = mprconfig::connect(server);
    conn.map_err(|e| {
        let what = match server {
            Some(s) => format!("connect to {s}"),
            None => "open the local configuration".to_string(),
        };
        (what, e)
    })
}

fn run(cli: &Cli) -> Result<Output, (String, Error)> {
    let server = cli.server.as_deref().filter(|s| !s.is_empty());
    run_command(server, &cli.command, cli.json)
}

/// One command on one configuration (`server` `None`: the local one). Fan-out calls this once
/// per router.
pub(crate) fn run_command(
    server: Option<&str>,
    command: &Command,
    json: bool,
) -> Result<Output, (String, Error)> {
    let result = match command {
        // Commands that need no configuration open none.
        Command::Trust { host } => files::trust(host),
        Command::Watch(w) => {
            let conn = connect(server)?;
            let again = || mprconfig::connect(server);
            watch::run(conn, again, w, json).map(|()| Output::nothing())
        }
        Command::Infoblock(c @ InfoblockCmd::Show { file: Some(_), .. }) => {
            commands::infoblock(None, c)
        }
        cmd => {
            let conn = connect(server)?;
            dispatch(&conn, server, cmd, json)
        }
    };
    result.map_err(|e| (describe(command), e))
}

fn dispatch(
    conn: &Connection,
    server: Option<&str>,
    cmd: &Command,
    json: bool,
) -> mprconfig::Result<Output> {
    match cmd {
        Command::Show(s) => commands::show(conn, server, s, json),
        Command::Interface(c) => commands::interface(conn, c),
        Command::Transport(c) => commands::transport(conn, c),
        Command::Iftransport(c) => commands::if_transport(conn, c),
        Command::Route(c) => routes::route(conn, c),
        Command::Filter(c) => routes::filter(conn, c),
        Command::Infoblock(c) => commands::infoblock(Some(conn), c),
        Command::Backup { file } => files::backup(conn, file),
        Command::Restore { file } => files::restore(conn, file),
        Command::ExportReg { file } => files::export_reg(conn, file),
        Command::ImportReg { file } => files::import_reg(conn, file),
        Command::Load { file, dry_run } => {
            load::load(conn, file, *dry_run, !json && !fanout::active())
        }
        Command::Trust { host } => files::trust(host),
        Command::Watch(_) => Err(Error::invalid_parameter("watch runs on its own connection")),
        Command::Plan => router::plan(conn),
        Command::Status => router::status(conn),
    }
}

/// Usage errors in the same one-line shape as every other error, then clap's usage line.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            return ExitCode::from(EXIT_ERROR);
        }
        _ => {}
    }
    let text = e.render().to_string();
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let first = lines.next().unwrap_or("invalid arguments");
    let msg = first.strip_prefix("error: ").unwrap_or(first);
    let err = Error::invalid_parameter(msg.to_string());
    eprintln!("mprcfg: invalid arguments: {err}");
    for l in lines.filter(|l| l.starts_with("Usage:")) {
        eprintln!("{l}");
    }
    ExitCode::from(EXIT_ERROR)
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => return usage_error(e),
    };
    // Several routers (`-r a,b,c` or `--servers FILE`): the fan-out prints and exits itself.
    match fanout::plan(&cli) {
        Ok(Some(fleet)) => return fanout::run(&cli, &fleet),
        Ok(None) => {}
        Err(e) => {
            eprintln!("mprcfg: several routers: {e}");
            return ExitCode::from(exit_code(e.code));
        }
    }
    match run(&cli) {
        Ok(out) => {
            out.print(cli.json);
            ExitCode::SUCCESS
        }
        Err((what, e)) => {
            eprintln!("mprcfg: {what}: {e}");
            ExitCode::from(exit_code(e.code))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_found_codes_exit_1_and_others_2() {
        assert_eq!(exit_code(WinError::ERROR_NO_SUCH_INTERFACE), 1);
        assert_eq!(exit_code(WinError::ERROR_NOT_FOUND), 1);
        assert_eq!(exit_code(WinError::ERROR_UNKNOWN_PROTOCOL_ID), 1);
        assert_eq!(exit_code(WinError::ERROR_FILE_NOT_FOUND), 1);
        assert_eq!(exit_code(WinError::ERROR_INVALID_PARAMETER), 2);
        assert_eq!(exit_code(WinError::ERROR_INVALID_DATA), 2);
        assert_eq!(exit_code(WinError::ERROR_BAD_NETPATH), 2);
    }

    #[test]
    fn the_grammar_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
