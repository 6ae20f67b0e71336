//! Fleet fan-out: `-r r1,r2,…` or `--servers FILE` runs one command on every router, at most
//! `--jobs N` at a time, and prints one result per router.
//!
//! Each router gets its own connection and runs the command exactly as `mprcfg -r NAME` would
//! (the same plan, calls and messages), so a fleet run never means something a single run does
//! not. What differs is only the printing:
//! * text: every multi-line result (a table, a record) under a `== NAME` heading, in the order
//!   the routers were given, then a summary table `Router  Status  Result`;
//! * `--json`: one JSON object per line per router, printed as each router finishes
//!   (`{"router", "status": "ok", "output"}` or `{"router", "status": "failed", "exit",
//!   "error": {"code", "name", "message", "what"}}`);
//! * every failure also prints the usual one-line error on stderr, prefixed by the router;
//! * a progress bar on stderr only when stderr is a terminal.
//!
//! The exit status is 0 only if every router succeeded, else the largest per-router status
//! (1 when every failure was "not found", 2 otherwise).

use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use mprconfig::{Error, Result, WinError};
use serde_json::{Value, json};

use crate::args::{Cli, Command, InfoblockCmd};
use crate::output::{Output, Progress, table};

/// How many routers are worked on at once unless `--jobs` says otherwise.
pub const DEFAULT_JOBS: usize = 16;

/// What output file names of a fleet run must contain, replaced by each router's name.
pub const ROUTER_PLACEHOLDER: &str = "{router}";

/// Set while a fleet runs: commands keep everything in their result instead of printing early.
static ACTIVE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether a fleet run is under way (see [`ACTIVE`]).
pub fn active() -> bool {
    ACTIVE.load(Ordering::Relaxed)
}

/// The routers of a fan-out run, in the order given.
#[derive(Debug)]
pub struct Fleet {
    /// Router names as `-r` takes them (HOST, HOST:PORT, \\HOST, [V6]:PORT).
    pub routers: Vec<String>,
}

/// The fleet named on the command line, or `None` for an ordinary run on one configuration
/// (no `--servers`, and `-r` absent or a single name).
pub fn plan(cli: &Cli) -> Result<Option<Fleet>> {
    let names: Vec<String> = match (&cli.servers, &cli.server) {
        (Some(file), _) => {
            let bytes = crate::input::read(file)
                .map_err(|e| e.context(format!("reading the router list {file}")))?;
            let text = String::from_utf8(bytes).map_err(|_| {
                Error::new(
                    WinError::ERROR_INVALID_DATA,
                    format!("the router list {file} is not UTF-8 text"),
                )
            })?;
            parse_list(&text)
        }
        (None, Some(s)) if s.contains(',') => s.split(',').map(|n| n.trim().to_string()).collect(),
        _ => return Ok(None),
    };
    if names.is_empty() {
        return Err(Error::invalid_parameter("the router list names no router"));
    }
    if names.iter().any(String::is_empty) {
        return Err(Error::invalid_parameter(
            "an empty router name in the -r list (NAME,NAME,...)",
        ));
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(dup) = names.iter().find(|n| !seen.insert(n.to_ascii_lowercase())) {
        return Err(Error::invalid_parameter(format!(
            "router {dup} is named twice"
        )));
    }
    check_command(&cli.command, names.len())?;
    Ok(Some(Fleet { routers: names }))
}

/// One name per line; blank lines and `#` comments (whole-line or trailing) are skipped.
fn parse_list(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// Refuses the commands that make no sense on many routers: those that use no router, and
/// output files every router would overwrite.
fn check_command(cmd: &Command, routers: usize) -> Result<()> {
    match cmd {
        Command::Trust { .. } => Err(Error::invalid_parameter(
            "trust takes its server as an argument; run it once per router",
        )),
        Command::Infoblock(InfoblockCmd::Show { file: Some(_), .. }) => Err(
            Error::invalid_parameter("infoblock show --file reads no router; run it once"),
        ),
        Command::ExportReg { file } if file == "-" && routers > 1 => {
            Err(Error::invalid_parameter(format!(
                "export-reg to standard output with several routers: name a file containing {ROUTER_PLACEHOLDER}"
            )))
        }
        Command::Backup { file } | Command::ExportReg { file }
            if routers > 1 && !file.contains(ROUTER_PLACEHOLDER) =>
        {
            Err(Error::invalid_parameter(format!(
                "{file}: with several routers the output file must contain {ROUTER_PLACEHOLDER} \
                 (replaced by each router's name), or every router would overwrite it"
            )))
        }
        _ => Ok(()),
    }
}

/// A router name as it goes into a file name: `/` (and NUL) cannot, so they become `_`.
fn file_safe(router: &str) -> String {
    router
        .chars()
        .map(|c| if c == '/' || c == '\0' { '_' } else { c })
        .collect()
}

/// The command for one router: output file names get the router's name.
fn command_for(cmd: &Command, router: &str) -> Option<Command> {
    let subst = |file: &str| file.replace(ROUTER_PLACEHOLDER, &file_safe(router));
    match cmd {
        Command::Backup { file } if file.contains(ROUTER_PLACEHOLDER) => {
            Some(Command::Backup { file: subst(file) })
        }
        Command::ExportReg { file } if file.contains(ROUTER_PLACEHOLDER) => {
            Some(Command::ExportReg { file: subst(file) })
        }
        _ => None,
    }
}

/// One router's result.
type Outcome = std::result::Result<Output, (String, Error)>;

/// The JSON line of one router's result.
fn json_line(router: &str, outcome: &Outcome) -> Value {
    match outcome {
        Ok(out) => json!({ "router": router, "status": "ok", "output": out.json }),
        Err((what, e)) => json!({
            "router": router,
            "status": "failed",
            "exit": crate::exit_code(e.code),
            "error": {
                "code": e.code.0,
                "name": e.code.name(),
                "message": e.to_string(),
                "what": what,
            },
        }),
    }
}

/// Runs the command on every router of `fleet`, prints the results, and returns the exit
/// status (0 only if all succeeded).
pub fn run(cli: &Cli, fleet: &Fleet) -> ExitCode {
    let n = fleet.routers.len();
    let jobs = cli
        .jobs
        .map_or(DEFAULT_JOBS, |j| j as usize)
        .clamp(1, n.max(1));
    // Many threads, one terminal: the fleet's bar replaces the per-command spinners.
    Progress::disable_spinners();
    ACTIVE.store(true, Ordering::Relaxed);
    let bar = Progress::bar(n as u64, "routers");
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Outcome>>> = Mutex::new((0..n).map(|_| None).collect());
    let stdout = Mutex::new(());
    std::thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(router) = fleet.routers.get(i) else {
                        break;
                    };
                    let own = command_for(&cli.command, router);
                    let cmd = own.as_ref().unwrap_or(&cli.command);
                    let outcome = crate::run_command(Some(router), cmd, cli.json);
                    {
                        // One line at a time, and never through the bar's redraw.
                        let _guard = stdout.lock().unwrap_or_else(|p| p.into_inner());
                        bar.suspend(|| {
                            if let Err((what, e)) = &outcome {
                                eprintln!("mprcfg: {router}: {what}: {e}");
                            }
                            if cli.json {
                                println!("{}", json_line(router, &outcome));
                            }
                        });
                        bar.inc(1);
                    }
                    results.lock().unwrap_or_else(|p| p.into_inner())[i] = Some(outcome);
                }
            });
        }
    });
    bar.finish();
    let results: Vec<Outcome> = results
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .into_iter()
        .map(|o| {
            o.unwrap_or_else(|| {
                // Every index below n is taken by exactly one worker; kept total anyway.
                Err((
                    "run".into(),
                    Error::new(WinError::ERROR_INTERNAL_ERROR, "no result"),
                ))
            })
        })
        .collect();
    if !cli.json {
        println!("{}", render_text(&fleet.routers, &results));
    }
    ExitCode::from(exit_status(&results))
}

/// 0 if every router succeeded, else the largest per-router exit status.
fn exit_status(results: &[Outcome]) -> u8 {
    results
        .iter()
        .map(|r| match r {
            Ok(_) => 0,
            Err((_, e)) => crate::exit_code(e.code),
        })
        .max()
        .unwrap_or(0)
}

/// Multi-line results under `== NAME` headings, then the summary table.
fn render_text(routers: &[String], results: &[Outcome]) -> String {
    let mut out = String::new();
    let mut rows = Vec::with_capacity(routers.len());
    for (router, r) in routers.iter().zip(results) {
        let (status, result) = match r {
            Ok(o) if o.text.contains('\n') => {
                out.push_str(&format!("== {router}\n{}\n\n", o.text));
                ("ok", "(above)".to_string())
            }
            Ok(o) => ("ok", o.text.clone()),
            Err((what, e)) => ("failed", format!("{what}: {e}")),
        };
        rows.push(vec![router.clone(), status.to_string(), result]);
    }
    out.push_str(&table(&["Router", "Status", "Result"], &rows));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn cli(args: &[&str]) -> Cli {
        Cli::try_parse_from(std::iter::once("mprcfg").chain(args.iter().copied())).unwrap()
    }

    #[test]
    fn a_single_router_is_an_ordinary_run() {
        assert!(
            plan(&cli(&["-r", "r1:4747", "show", "interfaces"]))
                .unwrap()
                .is_none()
        );
        assert!(plan(&cli(&["show", "interfaces"])).unwrap().is_none());
    }

    #[test]
    fn a_comma_list_names_a_fleet_in_order() {
        let f = plan(&cli(&["-r", "b, a,[::1]:9", "show", "interfaces"]))
            .unwrap()
            .unwrap();
        assert_eq!(f.routers, ["b", "a", "[::1]:9"]);
    }

    #[test]
    fn empty_and_repeated_names_are_refused() {
        for list in ["a,,b", "a,", "a,A"] {
            let e = plan(&cli(&["-r", list, "show", "interfaces"])).unwrap_err();
            assert_eq!(e.code, WinError::ERROR_INVALID_PARAMETER, "{list}");
        }
    }

    #[test]
    fn router_lists_skip_blank_lines_and_comments() {
        assert_eq!(
            parse_list("# fleet\nr1\n\n  r2:4747  # branch\n#r3\n"),
            ["r1", "r2:4747"]
        );
    }

    #[test]
    fn output_files_must_name_each_router() {
        let e = plan(&cli(&["-r", "a,b", "backup", "x.reg"])).unwrap_err();
        assert_eq!(e.code, WinError::ERROR_INVALID_PARAMETER);
        let e = plan(&cli(&["-r", "a,b", "export-reg", "-"])).unwrap_err();
        assert_eq!(e.code, WinError::ERROR_INVALID_PARAMETER);
        assert!(plan(&cli(&["-r", "a,b", "backup", "{router}.reg"])).is_ok());
        match command_for(&cli(&["backup", "/b/{router}.reg"]).command, "h/x:1") {
            Some(Command::Backup { file }) => assert_eq!(file, "/b/h_x:1.reg"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn commands_without_a_router_are_refused() {
        let e = plan(&cli(&["-r", "a,b", "trust", "a"])).unwrap_err();
        assert_eq!(e.code, WinError::ERROR_INVALID_PARAMETER);
    }

    #[test]
    fn the_exit_status_is_zero_only_if_all_succeeded() {
        let ok = || Ok(Output::done("x", json!(null)));
        let nf = || {
            Err((
                "w".to_string(),
                Error::new(WinError::ERROR_NO_SUCH_INTERFACE, ""),
            ))
        };
        let bad = || Err(("w".to_string(), Error::new(WinError::ERROR_BAD_NETPATH, "")));
        assert_eq!(exit_status(&[ok(), ok()]), 0);
        assert_eq!(exit_status(&[ok(), nf()]), 1);
        assert_eq!(exit_status(&[nf(), bad(), ok()]), 2);
    }

    #[test]
    fn text_results_put_tables_above_the_summary() {
        let results = vec![
            Ok(Output::done("A  B\n1  2", json!(null))),
            Ok(Output::done("done", json!(null))),
            Err((
                "connect to c".to_string(),
                Error::new(WinError::ERROR_BAD_NETPATH, "refused"),
            )),
        ];
        let t = render_text(&["a".into(), "b".into(), "c".into()], &results);
        assert_eq!(
            t,
            "== a\nA  B\n1  2\n\nRouter  Status  Result\na       ok      (above)\nb       ok      done\n\
             c       failed  connect to c: refused (error 53: ERROR_BAD_NETPATH)"
        );
    }
}
