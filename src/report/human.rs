//! The human report, laid out like a good compiler's diagnostics:
//!
//! ```text
//! error[uk-identifiers/nhs-number]: This looks like an NHS number
//!   --> draft.txt:1:32
//!    |
//!  1 | Bed 4 is Mrs Jones, NHS number 943 476 5919, DOB 12/03/1948.
//!    |                                ^^^^^^^^^^^^
//!    = why: …
//!    = instead: …
//! ```
//!
//! `why` and `instead` are printed the first time a rule appears in a run; later findings of the
//! same rule say only what and where, so a long file does not bury itself in repetition.

use super::{Reporter, Summary};
use crate::finding::{Finding, Severity};
use crate::source::Document;
use crate::text::LineIndex;
use anstyle::{AnsiColor, Style};
use std::collections::HashSet;
use std::io::{self, Write};

/// Compiler-style report.
pub struct Human<W: Write> {
    out: W,
    color: bool,
    verbose: bool,
    explained: HashSet<String>,
}

impl<W: Write> Human<W> {
    /// A human report on `out`; `verbose` repeats why/instead for every finding.
    pub fn new(out: W, color: bool, verbose: bool) -> Self {
        Human {
            out,
            color,
            verbose,
            explained: HashSet::new(),
        }
    }

    fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }

    fn finding(
        &mut self,
        text: &str,
        first_line: u32,
        lines: &LineIndex,
        f: &Finding,
    ) -> io::Result<()> {
        let sev_style = match f.severity {
            Severity::Error => AnsiColor::Red.on_default().bold(),
            Severity::Warning => AnsiColor::Yellow.on_default().bold(),
            Severity::Info => AnsiColor::Cyan.on_default().bold(),
        };
        let blue = AnsiColor::Blue.on_default().bold();
        let head = format!(
            "{}{}",
            self.paint(sev_style, f.severity.as_str()),
            self.paint(Style::new().bold(), &format!("[{}]: {}", f.rule, f.message))
        );
        writeln!(self.out, "{head}")?;
        let gutter = " ".repeat(f.start.line.to_string().len());
        let place = match f.record {
            Some(r) => format!(
                "{}:{}:{} (record {r})",
                f.path, f.start.line, f.start.column
            ),
            None => format!("{}:{}:{}", f.path, f.start.line, f.start.column),
        };
        writeln!(self.out, "{gutter}{} {place}", self.paint(blue, "-->"))?;
        let bar = self.paint(blue, "|");
        writeln!(self.out, "{gutter} {bar}")?;
        let line_no = (f.start.line.saturating_sub(first_line) as usize).wrapping_sub(1);
        if line_no < lines.len() {
            let line = &text[lines.line_range(text, line_no)];
            let width = line.chars().count();
            let from = (f.start.column as usize).saturating_sub(1).min(width);
            let to = if f.end.line == f.start.line {
                (f.end.column as usize).saturating_sub(1).min(width)
            } else {
                width
            };
            let carets = "^".repeat(to.saturating_sub(from).max(1));
            let number = self.paint(blue, &f.start.line.to_string());
            writeln!(self.out, "{number} {bar} {}", line.replace('\t', " "))?;
            let mark = match &f.suggestion {
                Some(s) => format!("{carets} try: {s}"),
                None => carets,
            };
            writeln!(
                self.out,
                "{gutter} {bar} {}{}",
                " ".repeat(from),
                self.paint(sev_style, &mark)
            )?;
        }
        for note in &f.notes {
            writeln!(self.out, "{gutter} {} note: {note}", self.paint(blue, "="))?;
        }
        if self.verbose || self.explained.insert(f.rule.to_string()) {
            let eq = self.paint(blue, "=");
            writeln!(self.out, "{gutter} {eq} why: {}", f.why)?;
            writeln!(self.out, "{gutter} {eq} instead: {}", f.instead)?;
        }
        writeln!(self.out)
    }
}

impl<W: Write> Reporter for Human<W> {
    fn document(&mut self, doc: &Document, text: &str, findings: &[Finding]) -> io::Result<()> {
        if findings.is_empty() {
            return Ok(());
        }
        let lines = LineIndex::new(text);
        for f in findings {
            self.finding(text, doc.first_line, &lines, f)?;
        }
        Ok(())
    }

    fn finish(&mut self, s: &Summary) -> io::Result<()> {
        let files = if s.files == 1 { "file" } else { "files" };
        if s.findings == 0 {
            writeln!(self.out, "presend: no findings in {} {files}", s.files)?;
        } else {
            let plural = if s.findings == 1 {
                "finding"
            } else {
                "findings"
            };
            writeln!(
                self.out,
                "presend: {} {plural} ({} error, {} warning, {} info) in {} {files}",
                s.findings, s.error, s.warning, s.info, s.files
            )?;
        }
        self.out.flush()
    }
}
