//! Reports: every output format is a [`Reporter`] fed one document at a time, then a summary.
//!
//! Streaming per document keeps memory flat on large inputs. Masking happens before a reporter
//! sees anything (see [`privacy`]); reporters only format.

mod human;
mod json;
pub mod privacy;

use crate::finding::{Finding, Severity};
use crate::source::Document;
use std::io::{self, Write};

pub use human::Human;
pub use json::{Json, JsonLines};

/// The report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Compiler-style, for people.
    Human,
    /// One JSON object with findings and a summary (contract).
    Json,
    /// One finding object per line.
    JsonLines,
}

impl Format {
    /// Whether the format tends to end up in logs, so identifiers are always masked.
    pub fn is_machine(self) -> bool {
        !matches!(self, Format::Human)
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
    /// Finish the report.
    fn finish(&mut self, summary: &Summary) -> io::Result<()>;
}

/// A reporter for `format`, writing to `out`. `color` enables ANSI styling (the caller's stream
/// strips it when the terminal or `NO_COLOR` says so).
pub fn reporter<'a, W: Write + 'a>(
    format: Format,
    out: W,
    color: bool,
    verbose: bool,
) -> Box<dyn Reporter + 'a> {
    match format {
        Format::Human => Box::new(Human::new(out, color, verbose)),
        Format::Json => Box::new(Json::new(out)),
        Format::JsonLines => Box::new(JsonLines::new(out)),
    }
}
