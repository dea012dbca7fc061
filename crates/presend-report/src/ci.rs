//! Smaller CI formats: GitHub Actions workflow commands, GitLab Code Quality, JUnit XML.
//!
//! All three get masked matches (they end up in logs and dashboards), repository-relative paths
//! and 1-based positions.

use super::{Message, Reporter, Summary};
use crate::baseline;
use crate::finding::{Finding, Severity};
use presend_core::document::{Document, RepoPaths};
use serde_json::json;
use std::collections::HashMap;
use std::io::{self, Write};

/// GitHub shows at most this many annotations of one level per step; past it, say so.
const GITHUB_CAP: usize = 10;

/// `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message` per finding.
pub struct Github<W: Write> {
    out: W,
    paths: RepoPaths,
}

impl<W: Write> Github<W> {
    /// A GitHub Actions report on `out`.
    pub fn new(out: W, paths: RepoPaths) -> Self {
        Github { out, paths }
    }
}

/// Escape a workflow-command message (`actions/toolkit` `core/src/command.ts`).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a workflow-command property value.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

impl<W: Write> Reporter for Github<W> {
    fn document(&mut self, _doc: &Document, _text: &str, findings: &[Finding]) -> io::Result<()> {
        for f in findings {
            let command = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut message = f.message.trim().to_string();
            if let Some(r) = f.record {
                message.push_str(&format!(" (record {r})"));
            }
            if !f.instead.is_empty() {
                message.push_str(&format!(" Instead: {}", f.instead));
            }
            let path = self.paths.relative(&f.path);
            writeln!(
                self.out,
                "::{command} file={},line={},endLine={},col={},endColumn={},title={}::{}",
                escape_property(&path),
                f.start.line,
                f.end.line.max(f.start.line),
                f.start.column,
                f.end.column,
                escape_property(&format!("presend {}", f.rule)),
                escape_data(&message)
            )?;
        }
        Ok(())
    }

    fn message(&mut self, m: &Message) -> io::Result<()> {
        let command = match m.level() {
            "error" => "error",
            "warning" => "warning",
            _ => "notice",
        };
        let mut props = Vec::new();
        if let Some(path) = m.path().filter(|p| *p != "-") {
            props.push(format!(
                "file={}",
                escape_property(&self.paths.relative(path))
            ));
            if let Some(line) = m.line() {
                props.push(format!("line={}", line.max(1)));
            }
        }
        props.push("title=presend".to_string());
        writeln!(
            self.out,
            "::{command} {}::{}",
            props.join(","),
            escape_data(&m.text())
        )
    }

    fn finish(&mut self, s: &Summary) -> io::Result<()> {
        if s.error > GITHUB_CAP || s.warning > GITHUB_CAP || s.info > GITHUB_CAP {
            writeln!(
                self.out,
                "::notice title=presend::GitHub shows only the first {GITHUB_CAP} annotations of each level per step; upload the SARIF report (--format sarif) to see all {}.",
                s.findings
            )?;
        }
        writeln!(self.out, "presend: {}", crate::summary_line(s))?;
        self.out.flush()
    }
}

/// GitLab Code Quality: one JSON array.
pub struct Gitlab<W: Write> {
    out: W,
    paths: RepoPaths,
    first: bool,
    occurrences: HashMap<String, usize>,
}

impl<W: Write> Gitlab<W> {
    /// A GitLab Code Quality report on `out`.
    pub fn new(out: W, paths: RepoPaths) -> Self {
        Gitlab {
            out,
            paths,
            first: true,
            occurrences: HashMap::new(),
        }
    }
}

impl<W: Write> Reporter for Gitlab<W> {
    fn document(&mut self, _doc: &Document, _text: &str, findings: &[Finding]) -> io::Result<()> {
        for f in findings {
            let path = self.paths.relative(&f.path);
            let fp = baseline::fingerprint(f, &path);
            let n = self.occurrences.entry(fp.clone()).or_insert(0);
            *n += 1;
            let severity = match f.severity {
                Severity::Error => "critical",
                Severity::Warning => "major",
                Severity::Info => "info",
            };
            let v = json!({
                "description": f.message,
                "check_name": f.rule.as_ref(),
                "fingerprint": format!("{fp}{n:08x}"),
                "severity": severity,
                "categories": [f.category.as_str()],
                "location": {
                    "path": path,
                    "positions": {
                        "begin": { "line": f.start.line, "column": f.start.column },
                        "end": { "line": f.end.line, "column": f.end.column },
                    }
                },
            });
            write!(self.out, "{}", if self.first { "[\n" } else { ",\n" })?;
            self.first = false;
            serde_json::to_writer(&mut self.out, &v)?;
        }
        Ok(())
    }

    fn message(&mut self, m: &Message) -> io::Result<()> {
        // Code Quality has no place for run notes; what failed to be scanned is an issue of the
        // file, so a merge request shows it.
        if !m.is_error() && !matches!(m, Message::SkippedFile { .. }) {
            return Ok(());
        }
        let path = m
            .path()
            .map_or_else(String::new, |p| self.paths.relative(p));
        let text = m.text();
        let fp = baseline::hash_hex(&["presend/input", &path, &text]);
        let v = json!({
            "description": text,
            "check_name": "presend/input",
            "fingerprint": fp,
            "severity": if m.is_error() { "blocker" } else { "minor" },
            "categories": ["Bug Risk"],
            "location": { "path": path, "lines": { "begin": m.line().unwrap_or(1).max(1) } },
        });
        write!(self.out, "{}", if self.first { "[\n" } else { ",\n" })?;
        self.first = false;
        serde_json::to_writer(&mut self.out, &v).map_err(io::Error::from)
    }

    fn finish(&mut self, _: &Summary) -> io::Result<()> {
        writeln!(self.out, "{}", if self.first { "[]" } else { "\n]" })?;
        self.out.flush()
    }
}

/// JUnit XML: one test case per finding (a failure), one passing case per clean file.
pub struct Junit<W: Write> {
    out: W,
    paths: RepoPaths,
    cases: Vec<String>,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl<W: Write> Junit<W> {
    /// A JUnit report on `out`.
    pub fn new(out: W, paths: RepoPaths) -> Self {
        Junit {
            out,
            paths,
            cases: Vec::new(),
            failures: 0,
            errors: 0,
            skipped: 0,
        }
    }
}

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

impl<W: Write> Reporter for Junit<W> {
    fn document(&mut self, doc: &Document, _text: &str, findings: &[Finding]) -> io::Result<()> {
        let doc_path = self.paths.relative(&doc.path);
        if findings.is_empty() {
            // A JSONL file read record by record is one file: one passing case for it is enough.
            if doc.first_line == 0 {
                self.cases.push(format!(
                    "    <testcase classname=\"{p}\" name=\"{p}\" file=\"{p}\"/>",
                    p = xml(&doc_path)
                ));
            }
            return Ok(());
        }
        for f in findings {
            let path = self.paths.relative(&f.path);
            let place = format!("{path}:{}:{}", f.start.line, f.start.column);
            self.failures += 1;
            self.cases.push(format!(
                "    <testcase classname=\"{p}\" name=\"{name}\" file=\"{p}\" line=\"{line}\">\n      <failure type=\"{rule}\" message=\"{msg}\">{sev} at {place}: {msg}\n{why}\nInstead: {instead}</failure>\n    </testcase>",
                p = xml(&path),
                name = xml(&format!("{} {place}", f.rule)),
                line = f.start.line,
                rule = xml(&f.rule),
                msg = xml(&f.message),
                sev = f.severity,
                place = xml(&place),
                why = xml(&f.why),
                instead = xml(&f.instead),
            ));
        }
        Ok(())
    }

    fn message(&mut self, m: &Message) -> io::Result<()> {
        // An input error is an errored case, a skipped file a skipped one; notes stay on stderr.
        let element = match m {
            Message::InputError { .. } => "error",
            Message::SkippedFile { .. } => "skipped",
            _ => return Ok(()),
        };
        if element == "error" {
            self.errors += 1;
        } else {
            self.skipped += 1;
        }
        let path = m
            .path()
            .map_or_else(String::new, |p| self.paths.relative(p));
        self.cases.push(format!(
            "    <testcase classname=\"{p}\" name=\"{p}\" file=\"{p}\">\n      <{element} message=\"{msg}\"/>\n    </testcase>",
            p = xml(&path),
            msg = xml(&m.text()),
        ));
        Ok(())
    }

    fn finish(&mut self, _: &Summary) -> io::Result<()> {
        writeln!(self.out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
        writeln!(
            self.out,
            "<testsuites name=\"presend\" tests=\"{t}\" failures=\"{f}\" errors=\"{e}\" skipped=\"{s}\">\n  <testsuite name=\"presend\" tests=\"{t}\" failures=\"{f}\" errors=\"{e}\" skipped=\"{s}\">",
            t = self.cases.len(),
            f = self.failures,
            e = self.errors,
            s = self.skipped
        )?;
        for c in &self.cases {
            writeln!(self.out, "{c}")?;
        }
        writeln!(self.out, "  </testsuite>\n</testsuites>")?;
        self.out.flush()
    }
}

/// `--statistics`: counts per rule instead of the findings themselves (ruff's `--statistics`).
pub struct Statistics<W: Write> {
    out: W,
    json: bool,
    counts: HashMap<String, (usize, Severity, &'static str, String)>,
}

impl<W: Write> Statistics<W> {
    /// Per-rule counts on `out`, as a table or (with `json`) a JSON array.
    pub fn new(out: W, json: bool) -> Self {
        Statistics {
            out,
            json,
            counts: HashMap::new(),
        }
    }
}

impl<W: Write> Reporter for Statistics<W> {
    fn document(&mut self, _doc: &Document, _text: &str, findings: &[Finding]) -> io::Result<()> {
        for f in findings {
            let e = self.counts.entry(f.rule.to_string()).or_insert((
                0,
                f.severity,
                f.category.as_str(),
                f.label.to_string(),
            ));
            e.0 += 1;
            e.1 = e.1.max(f.severity);
        }
        Ok(())
    }

    fn message(&mut self, _: &Message) -> io::Result<()> {
        // Counts per rule only; messages stay on standard error.
        Ok(())
    }

    fn finish(&mut self, s: &Summary) -> io::Result<()> {
        let mut rows: Vec<_> = self.counts.iter().collect();
        rows.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
        if self.json {
            let v: Vec<_> = rows
                .iter()
                .map(|(rule, (n, sev, cat, label))| {
                    json!({"rule": rule, "count": n, "severity": sev.as_str(), "category": cat, "label": label})
                })
                .collect();
            serde_json::to_writer_pretty(&mut self.out, &v)?;
            writeln!(self.out)?;
        } else {
            let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
            for (rule, (n, sev, _, label)) in rows {
                writeln!(
                    self.out,
                    "{n:>6}  {rule:width$}  {:7}  {label}",
                    sev.as_str()
                )?;
            }
            writeln!(
                self.out,
                "{:>6}  {} in {} ({} error, {} warning, {} info)",
                s.findings,
                if s.findings == 1 {
                    "finding"
                } else {
                    "findings"
                },
                crate::counted(s.files, "file", "files"),
                s.error,
                s.warning,
                s.info
            )?;
        }
        self.out.flush()
    }
}
