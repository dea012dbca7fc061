//! JSON and JSON Lines reports. Their field names are an interface scripts rely on: the JSON
//! report snapshot test (tests/snapshots) fixes them.
//! Field order follows the contract; extra fields come after the contract's own.

use super::{Message, Reporter, Summary};
use crate::finding::Finding;
use presend_core::document::Document;
use serde::Serialize;
use std::collections::HashMap;
use std::io::{self, Write};
use std::sync::Arc;

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
    /// Rule texts (why, instead) already escaped, by the address of the text every finding of
    /// the rule shares. The `Arc` kept beside each keeps that address from being reused for
    /// another text while the entry exists.
    escaped: HashMap<usize, (Arc<str>, Vec<u8>)>,
}

impl<W: Write> JsonLines<W> {
    /// A JSON Lines report on `out`.
    pub fn new(out: W) -> Self {
        JsonLines {
            out,
            buf: Vec::new(),
            escaped: HashMap::new(),
        }
    }
}

impl<W: Write> Reporter for JsonLines<W> {
    fn document(&mut self, _doc: &Document, _text: &str, findings: &[Finding]) -> io::Result<()> {
        self.buf.clear();
        let key = |text: &Arc<str>| Arc::as_ptr(text).cast::<u8>() as usize;
        for f in findings {
            for text in [&f.why, &f.instead] {
                self.escaped.entry(key(text)).or_insert_with(|| {
                    let mut escaped = Vec::new();
                    push_str(&mut escaped, text);
                    (text.clone(), escaped)
                });
            }
            let texts = RuleTexts {
                why: &self.escaped[&key(&f.why)].1,
                instead: &self.escaped[&key(&f.instead)].1,
            };
            write_finding(&mut self.buf, &JsonFinding::from(f), Some(texts))?;
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

/// `finding` as `serde_json::to_writer` writes it, byte for byte (the tests compare the two),
/// with strings escaped eight bytes at a time: most of a finding is its rule's why and instead,
/// long texts with nothing to escape, which serde_json reads one byte at a time.
///
/// `texts`, when given, are the finding's why and instead already escaped (quotes included).
fn write_finding(out: &mut Vec<u8>, f: &JsonFinding, texts: Option<RuleTexts>) -> io::Result<()> {
    let str_field = |out: &mut Vec<u8>, key: &str, value: &str| {
        push_key(out, key);
        push_str(out, value);
    };
    out.push(b'{');
    out.extend_from_slice(b"\"rule\":");
    push_str(out, f.rule);
    str_field(out, "category", f.category);
    str_field(out, "severity", f.severity);
    str_field(out, "message", f.message);
    str_field(out, "path", f.path);
    push_key(out, "record");
    match f.record {
        Some(r) => push_u64(out, r),
        None => out.extend_from_slice(b"null"),
    }
    for (key, n) in [
        ("line", f.line),
        ("column", f.column),
        ("end_line", f.end_line),
        ("end_column", f.end_column),
    ] {
        push_key(out, key);
        push_u64(out, u64::from(n));
    }
    str_field(out, "match", f.matched);
    push_key(out, "confidence");
    serde_json::to_writer(&mut *out, &f.confidence)?;
    if let Some(s) = f.suggestion {
        str_field(out, "suggestion", s);
    }
    match texts {
        Some(t) => {
            push_key(out, "why");
            out.extend_from_slice(t.why);
            push_key(out, "instead");
            out.extend_from_slice(t.instead);
        }
        None => {
            str_field(out, "why", f.why);
            str_field(out, "instead", f.instead);
        }
    }
    push_key(out, "byte_start");
    push_u64(out, f.byte_start as u64);
    push_key(out, "byte_end");
    push_u64(out, f.byte_end as u64);
    if !f.notes.is_empty() {
        push_key(out, "notes");
        out.push(b'[');
        for (i, note) in f.notes.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            push_str(out, note);
        }
        out.push(b']');
    }
    out.push(b'}');
    Ok(())
}

/// A finding's why and instead, escaped as JSON strings.
struct RuleTexts<'a> {
    why: &'a [u8],
    instead: &'a [u8],
}

/// `,"key":` (keys need no escaping).
fn push_key(out: &mut Vec<u8>, key: &str) {
    out.extend_from_slice(b",\"");
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"\":");
}

fn push_u64(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// A JSON string as serde_json escapes it: `"` and `\\` with a backslash, the control
/// characters with a short escape (`\n`, `\t`, `\r`, `\b`, `\f`) or `\u00xx`, everything else
/// (non-ASCII included) as it is.
fn push_str(out: &mut Vec<u8>, s: &str) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Non-zero when a byte is zero (exact as a yes/no answer).
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    // Non-zero when any of eight bytes needs an escape.
    let special = |x: u64| {
        (x.wrapping_sub(0x20 * ONES) & !x & HIGH)
            | zero(x ^ (u64::from(b'"') * ONES))
            | zero(x ^ (u64::from(b'\\') * ONES))
    };
    let bytes = s.as_bytes();
    out.push(b'"');
    let mut run = 0;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + 8) {
            if special(u64::from_le_bytes(chunk.try_into().expect("eight bytes"))) == 0 {
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        let short = match b {
            b'"' => b'"',
            b'\\' => b'\\',
            0x08 => b'b',
            0x09 => b't',
            0x0a => b'n',
            0x0c => b'f',
            0x0d => b'r',
            0x00..=0x1f => b'u',
            _ => {
                i += 1;
                continue;
            }
        };
        out.extend_from_slice(&bytes[run..i]);
        out.extend_from_slice(&[b'\\', short]);
        if short == b'u' {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(&[
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 15)],
            ]);
        }
        i += 1;
        run = i;
    }
    out.extend_from_slice(&bytes[run..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut samples: Vec<String> = [
            "",
            "plain text that is longer than eight bytes",
            "quote \" and backslash \\ and slash /",
            "\u{0}\u{1}\u{8}\t\n\u{b}\u{c}\r\u{1f} \u{7f}",
            "é😀 ünïcödé \u{2028}\u{2029} mixed \"with\" 12345678\n",
            "\"\"\"\"\"\"\"\"\"",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Every byte value below 0x80 at every offset within an eight-byte chunk.
        for b in 0u8..0x80 {
            for at in 0..9 {
                let mut s = "abcdefgh".repeat(2);
                s.insert(at, char::from(b));
                samples.push(s);
            }
        }
        for s in &samples {
            let mut ours = Vec::new();
            push_str(&mut ours, s);
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                serde_json::to_string(s).unwrap(),
                "{s:?}"
            );
        }
    }

    #[test]
    fn findings_are_written_as_serde_json_writes_them() {
        let notes = [
            "lowered by nearby wording".to_string(),
            "a \"note\"\n".to_string(),
        ];
        for (record, suggestion, notes, confidence) in [
            (Some(12), Some("say \"they\""), &notes[..], 0.85),
            (None, None, &notes[..0], 1.0),
            (Some(u64::MAX), Some(""), &notes[..1], 0.1 + 0.2),
        ] {
            let f = JsonFinding {
                rule: "pack/rule-id",
                category: "identifier",
                severity: "warning",
                message: "Looks like an NHS number (valid checksum)",
                path: "posts/a \"b\".jsonl",
                record,
                line: 3,
                column: 17,
                end_line: 4,
                end_column: 1,
                matched: "943\t476 \\ 5919 é",
                confidence,
                suggestion,
                why: "Why\nwith a line break and \u{1} a control character.",
                instead: "Instead, paraphrase.",
                byte_start: 0,
                byte_end: usize::MAX,
                notes,
            };
            let mut ours = Vec::new();
            write_finding(&mut ours, &f, None).unwrap();
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                serde_json::to_string(&f).unwrap()
            );
        }
    }

    #[test]
    fn json_lines_write_each_finding_as_serde_json_does_when_rules_share_their_texts() {
        use presend_core::finding::{Category, Finding, Position, Severity};
        let finding = |why: &Arc<str>, instead: &Arc<str>, n: u32| Finding {
            rule: "p/r".into(),
            category: Category::Conduct,
            severity: Severity::Warning,
            message: "m".into(),
            label: "l".into(),
            why: why.clone(),
            instead: instead.clone(),
            path: "a.jsonl".into(),
            record: Some(u64::from(n)),
            start: Position { line: n, column: 1 },
            end: Position { line: n, column: 5 },
            matched: "text".into(),
            confidence: 0.7,
            suggestion: None,
            byte_range: (0, 4),
            parts: Vec::new(),
            notes: Vec::new(),
        };
        let why: Arc<str> = "Why, with \"quotes\"\nand a line break.".into();
        let instead: Arc<str> = "Instead \\ this.".into();
        let other: Arc<str> = "Another rule's text.".into();
        let docs = [
            vec![finding(&why, &instead, 1), finding(&why, &instead, 2)],
            vec![finding(&other, &why, 3)],
            vec![finding(&why, &other, 4)],
        ];
        let mut out = Vec::new();
        let mut expected = String::new();
        {
            let mut report = JsonLines::new(&mut out);
            let doc = Document::new("a.jsonl", String::new());
            for findings in &docs {
                report.document(&doc, "", findings).unwrap();
                for f in findings {
                    expected += &serde_json::to_string(&JsonFinding::from(f)).unwrap();
                    expected.push('\n');
                }
            }
        }
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }
}
