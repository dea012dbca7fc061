//! The concise report: one line per finding, `path:line:col: severity[rule] message`, the shape
//! compilers and linters share, so editors and `grep` can jump to each finding.

use super::{Reporter, Summary};
use crate::finding::{Finding, Severity};
use anstyle::{AnsiColor, Style};
use presend_core::document::Document;
use std::io::{self, Write};

/// One line per finding, then the summary line (unless quiet).
pub struct Concise<W: Write> {
    out: W,
    color: bool,
    quiet: bool,
}

impl<W: Write> Concise<W> {
    /// A concise report on `out`; `quiet` leaves out the summary line.
    pub fn new(out: W, color: bool, quiet: bool) -> Self {
        Concise { out, color, quiet }
    }

    fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }

    fn line(&mut self, f: &Finding) -> io::Result<()> {
        let style = match f.severity {
            Severity::Error => AnsiColor::Red.on_default().bold(),
            Severity::Warning => AnsiColor::Yellow.on_default().bold(),
            Severity::Info => AnsiColor::Cyan.on_default().bold(),
        };
        let record = f
            .record
            .map(|r| format!(" (record {r})"))
            .unwrap_or_default();
        let place = format!("{}:{}:{}:", f.path, f.start.line, f.start.column);
        let head = format!(
            "{} {}[{}]",
            self.paint(Style::new().bold(), &place),
            self.paint(style, f.severity.as_str()),
            f.rule
        );
        // One line each: a message never carries a line break into the report.
        let message = f.message.split_whitespace().collect::<Vec<_>>().join(" ");
        writeln!(self.out, "{head} {message}{record}")
    }
}

impl<W: Write> Reporter for Concise<W> {
    fn document(&mut self, _doc: &Document, _text: &str, findings: &[Finding]) -> io::Result<()> {
        findings.iter().try_for_each(|f| self.line(f))
    }

    fn message(&mut self, _: &crate::Message) -> io::Result<()> {
        // Standard error already carries it, next to the report rather than inside it.
        Ok(())
    }

    fn finish(&mut self, s: &Summary) -> io::Result<()> {
        if !self.quiet {
            writeln!(self.out, "presend: {}", crate::summary_line(s))?;
        }
        self.out.flush()
    }
}
