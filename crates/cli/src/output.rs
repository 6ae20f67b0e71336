//! What a command prints: an aligned table or a key/value record for people, the same data as
//! JSON with `--json`, and progress on a terminal only.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::Value;

/// A command's result, in both renderings.
pub struct Output {
    /// What people read (no trailing newline needed).
    pub text: String,
    /// What `--json` prints.
    pub json: Value,
}

impl Output {
    /// A confirmation of a change.
    pub fn done(message: impl Into<String>, json: Value) -> Output {
        Output {
            text: message.into(),
            json,
        }
    }

    /// Prints the text or the JSON on stdout. A closed pipe (`mprcfg … | head`) is not an
    /// error worth reporting.
    pub fn print(&self, json: bool) {
        let mut out = std::io::stdout().lock();
        let rendered = if json {
            serde_json::to_string_pretty(&self.json).unwrap_or_else(|_| "null".into())
        } else {
            self.text.clone()
        };
        if rendered.is_empty() {
            return;
        }
        let _ = writeln!(out, "{rendered}");
    }
}

/// Columns aligned with two spaces between them; the last column is not padded.
pub fn table(columns: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = columns.iter().map(|c| c.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut s = String::new();
        for (i, (cell, w)) in cells.zip(&widths).enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            s.push_str(cell);
            if i + 1 < widths.len() {
                s.extend(std::iter::repeat_n(' ', w - cell.chars().count()));
            }
        }
        out.push_str(s.trim_end());
        out.push('\n');
    };
    line(&mut columns.iter().copied());
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
    out.pop();
    out
}

/// `Key:  value` lines with the values aligned.
pub fn record(fields: &[(&str, String)]) -> String {
    let width = fields
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    fields
        .iter()
        .map(|(k, v)| {
            format!("{k}:{}  {v}", " ".repeat(width - k.chars().count()))
                .trim_end()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A spinner on stderr while a long operation runs, only when stderr is a terminal (never in
/// pipes, files or tests).
pub struct Progress(Option<indicatif::ProgressBar>);

/// Set while a fan-out runs: its one progress bar replaces the per-command spinners, which
/// would fight over the terminal from many threads.
static SPINNERS_OFF: AtomicBool = AtomicBool::new(false);

impl Progress {
    /// Turns the spinners of [`Progress::start`] off for the rest of the process.
    pub fn disable_spinners() {
        SPINNERS_OFF.store(true, Ordering::Relaxed);
    }

    /// Starts the spinner with a message.
    pub fn start(message: &str) -> Progress {
        if !std::io::stderr().is_terminal() || SPINNERS_OFF.load(Ordering::Relaxed) {
            return Progress(None);
        }
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_message(message.to_string());
        bar.enable_steady_tick(std::time::Duration::from_millis(100));
        Progress(Some(bar))
    }

    /// Changes the message.
    pub fn step(&self, message: &str) {
        if let Some(bar) = &self.0 {
            bar.set_message(message.to_string());
        }
    }
}

/// A progress bar over a known number of steps (a fleet's routers) on stderr, only when stderr
/// is a terminal; otherwise every method does nothing.
pub struct Bar(Option<indicatif::ProgressBar>);

impl Progress {
    /// A bar of `len` steps counting `unit`.
    pub fn bar(len: u64, unit: &str) -> Bar {
        if !std::io::stderr().is_terminal() {
            return Bar(None);
        }
        let bar = indicatif::ProgressBar::new(len);
        if let Ok(style) = indicatif::ProgressStyle::with_template(&format!(
            "{{bar:40}} {{pos}}/{{len}} {unit} {{elapsed}}"
        )) {
            bar.set_style(style);
        }
        Bar(Some(bar))
    }
}

impl Bar {
    /// One more step done.
    pub fn inc(&self, n: u64) {
        if let Some(b) = &self.0 {
            b.inc(n);
        }
    }

    /// Runs `f` (which prints) with the bar hidden, so lines never mix with its redraw.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.0 {
            Some(b) => b.suspend(f),
            None => f(),
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_columns_and_trim_the_last() {
        let t = table(
            &["Name", "Type"],
            &[
                vec!["Loopback".into(), "loopback".into()],
                vec!["x".into(), "".into()],
            ],
        );
        assert_eq!(t, "Name      Type\nLoopback  loopback\nx");
    }

    #[test]
    fn empty_tables_print_the_header() {
        assert_eq!(table(&["A", "B"], &[]), "A  B");
    }

    #[test]
    fn records_align_values() {
        assert_eq!(
            record(&[("Name", "x".into()), ("Protocol", "0x21".into())]),
            "Name:      x\nProtocol:  0x21"
        );
    }
}
