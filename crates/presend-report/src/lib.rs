//! Reports: every output format is a [`Reporter`] fed one document at a time, then a summary.
//!
//! Streaming per document keeps memory flat on large inputs. Masking happens before a reporter
//! sees anything (see [`privacy`]); reporters only format.
#![warn(clippy::print_stdout, clippy::print_stderr)]
#![warn(missing_docs)]

pub use presend_core::privacy;
use presend_core::{finding, fingerprint as baseline, text};

mod ci;
mod concise;
mod human;
mod json;
mod message;
mod sarif;

use crate::finding::{Finding, Severity};
use presend_core::document::{Document, RepoPaths};
use std::io::{self, Write};

pub use ci::{Github, Gitlab, Junit, Statistics};
pub use concise::Concise;
pub use human::Human;
pub use json::{Json, JsonLines};
pub use message::Message;
pub use sarif::{help_uri, Sarif, RULE_DOCS};

/// The report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Compiler-style, for people.
    Human,
    /// One line per finding (`path:line:col: severity[rule] message`), for people.
    Concise,
    /// One JSON object with findings and a summary (contract).
    Json,
    /// One finding object per line.
    JsonLines,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// GitLab Code Quality JSON.
    Gitlab,
    /// JUnit XML.
    Junit,
}

impl Format {
    /// Whether the format tends to end up in logs, so identifiers are always masked.
    pub fn is_machine(self) -> bool {
        !matches!(self, Format::Human | Format::Concise)
    }
}

/// Counts for the end of a report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Documents scanned.
    pub files: usize,
    /// Findings reported.
    pub findings: usize,
    /// Of which errors.
    pub error: usize,
    /// Of which warnings.
    pub warning: usize,
    /// Of which info.
    pub info: usize,
}

impl Summary {
    /// Count one reported finding.
    pub fn add(&mut self, severity: Severity) {
        self.findings += 1;
        match severity {
            Severity::Error => self.error += 1,
            Severity::Warning => self.warning += 1,
            Severity::Info => self.info += 1,
        }
    }
}

/// A report format.
pub trait Reporter {
    /// Report the findings of one document. `text` is the document as the report may show it
    /// (already masked when privacy requires).
    fn document(&mut self, doc: &Document, text: &str, findings: &[Finding]) -> io::Result<()>;
    /// Something the run has to say besides findings (an input error, a skipped file, a stale
    /// baseline …). The caller prints every message on standard error as well, so a format
    /// meant for people (human, statistics) leaves them there.
    fn message(&mut self, message: &Message) -> io::Result<()>;
    /// Finish the report.
    fn finish(&mut self, summary: &Summary) -> io::Result<()>;
}

/// How reports are written, besides their format.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// ANSI styling (the caller's stream strips it when the terminal or `NO_COLOR` says so).
    pub color: bool,
    /// Repeat why/instead under every finding (human).
    pub verbose: bool,
    /// Counts per rule instead of findings.
    pub statistics: bool,
    /// Makes paths repository-relative (SARIF, GitHub, GitLab, JUnit).
    pub paths: RepoPaths,
    /// Findings only: no summary line (human and concise).
    pub quiet: bool,
    /// Columns to wrap the human report at ([`DEFAULT_WIDTH`] when `None`).
    pub width: Option<usize>,
}

/// Columns the human report wraps at when the terminal's width is unknown.
pub const DEFAULT_WIDTH: usize = 100;

/// `n` and the noun, in the singular for one: `1 finding`, `2 findings`.
pub fn counted(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

/// The summary line of the human and concise reports, without the `presend: ` prefix.
pub fn summary_line(s: &Summary) -> String {
    let files = counted(s.files, "file", "files");
    if s.findings == 0 {
        format!("no findings in {files}")
    } else {
        format!(
            "{} ({} error, {} warning, {} info) in {files}",
            counted(s.findings, "finding", "findings"),
            s.error,
            s.warning,
            s.info
        )
    }
}

/// A reporter for `format`, writing to `out`.
pub fn reporter<'a, W: Write + 'a>(
    format: Format,
    out: W,
    options: &Options,
) -> Box<dyn Reporter + 'a> {
    if options.statistics {
        let json = matches!(format, Format::Json | Format::JsonLines);
        return Box::new(Statistics::new(out, json));
    }
    let paths = options.paths.clone();
    match format {
        Format::Human => Box::new(
            Human::new(out, options.color, options.verbose)
                .width(options.width.unwrap_or(DEFAULT_WIDTH))
                .quiet(options.quiet),
        ),
        Format::Concise => Box::new(Concise::new(out, options.color, options.quiet)),
        Format::Json => Box::new(Json::new(out)),
        Format::JsonLines => Box::new(JsonLines::new(out)),
        Format::Sarif => Box::new(Sarif::new(out, paths)),
        Format::Github => Box::new(Github::new(out, paths)),
        Format::Gitlab => Box::new(Gitlab::new(out, paths)),
        Format::Junit => Box::new(Junit::new(out, paths)),
    }
}
