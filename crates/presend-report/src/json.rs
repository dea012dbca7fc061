//! JSON and JSON Lines reports. Their field names are an interface scripts rely on: the JSON
//! report snapshot test (tests/snapshots) fixes them.
//! Field order follows the contract; extra fields come after the contract's own.

use super::{Message, Reporter, Summary};
use crate::finding::Finding;
use presend_core::document::Document;
use serde::Serialize;
use std::io::{self, Write};

/// A finding as JSON writes it.
#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    category: &'a str,
    severity: &'a str,
    message: &'a str,
    path: &'a str,
    record: Option<u64>,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    #[serde(rename = "match")]
    matched: &'a str,
    confidence: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    suggestion: Option<&'a str>,
    why: &'a str,
    instead: &'a str,
    byte_start: usize,
    byte_end: usize,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    notes: &'a [String],
}

impl<'a> From<&'a Finding> for JsonFinding<'a> {
    fn from(f: &'a Finding) -> Self {
        JsonFinding {
            rule: &f.rule,
            category: f.category.as_str(),
            severity: f.severity.as_str(),
            message: &f.message,
            path: &f.path,
            record: f.record,
            line: f.start.line,
            column: f.start.column,
            end_line: f.end.line,
            end_column: f.end.column,
            matched: &f.matched,
            confidence: f.confidence,
            suggestion: f.suggestion.as_deref(),
            why: &f.why,
            instead: &f.instead,
            byte_start: f.byte_range.0,
            byte_end: f.byte_range.1,
            notes: &f.notes,
        }
    }
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    findings: usize,
    error: usize,
    warning: usize,
    info: usize,
}

/// `{"version": 1, "findings": […], "summary": {…}}`, streamed.
pub struct Json<W: Write> {
    out: W,
    started: bool,
    first: bool,
    errors: Vec<Message>,
    notices: Vec<Message>,
}

impl<W: Write> Json<W> {
    /// A JSON report on `out`.
    pub fn new(out: W) -> Self {
        Json {
            out,
            started: false,
            first: true,
            errors: Vec::new(),
            notices: Vec::new(),
        }
    }

    fn start(&mut self) -> io::Result<()> {
        if !self.started {
            self.started = true;
            write!(self.out, "{{\"version\":1,\"findings\":[")?;
        }
        Ok(())
    }
}

impl<W: Write> Reporter for Json<W> {
    fn document(&mut self, _doc: &Document, _text: &str, findings: &[Finding]) -> io::Result<()> {
        self.start()?;
        for f in findings {
            if !self.first {
                write!(self.out, ",")?;
            }
            self.first = false;
            serde_json::to_writer(&mut self.out, &JsonFinding::from(f))?;
        }
        Ok(())
    }

    fn message(&mut self, m: &Message) -> io::Result<()> {
        let list = if m.is_error() {
            &mut self.errors
        } else {
            &mut self.notices
        };
        list.push(m.clone());
        Ok(())
    }

    fn finish(&mut self, s: &Summary) -> io::Result<()> {
        self.start()?;
        write!(self.out, "],\"summary\":")?;
        let summary = JsonSummary {
            files: s.files,
            findings: s.findings,
            error: s.error,
            warning: s.warning,
            info: s.info,
        };
        serde_json::to_writer(&mut self.out, &summary)?;
        write!(self.out, ",\"errors\":")?;
        serde_json::to_writer(&mut self.out, &self.errors)?;
        write!(self.out, ",\"notices\":")?;
        serde_json::to_writer(&mut self.out, &self.notices)?;
        writeln!(self.out, "}}")?;
        self.out.flush()
    }
}

/// One finding object per line, and one object per message with its `type`
/// (`input_error`, `skipped_file`, …); no summary.
pub struct JsonLines<W: Write> {
    out: W,
    /// One document's lines, serialised here first: writing to a `Vec` is cheaper than many
    /// small writes through `out`.
    buf: Vec<u8>,
}

impl<W: Write> JsonLines<W> {
    /// A JSON Lines report on `out`.
    pub fn new(out: W) -> Self {
        JsonLines {
            out,
            buf: Vec::new(),
        }
    }
}

impl<W: Write> Reporter for JsonLines<W> {
    fn document(&mut self, _doc: &Document, _text: &str, findings: &[Finding]) -> io::Result<()> {
        self.buf.clear();
        for f in findings {
            serde_json::to_writer(&mut self.buf, &JsonFinding::from(f))?;
            self.buf.push(b'\n');
        }
        self.out.write_all(&self.buf)
    }

    fn message(&mut self, m: &Message) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, m)?;
        writeln!(self.out)
    }

    fn finish(&mut self, _: &Summary) -> io::Result<()> {
        self.out.flush()
    }
}
