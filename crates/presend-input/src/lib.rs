//! Format readers: turn a [`Document`] into the [`Unit`]s worth scanning.
//!
//! Readers never match anything; they only decide what text is a message, where it sits in the
//! file, which channel it is bound for, and which inline suppressions the author wrote.
//!
//! | format | a unit is | `record` |
//! | --- | --- | --- |
//! | text | the whole draft | — |
//! | markdown | the post: prose, link text, image alt text, front-matter strings | — |
//! | csv | one row: its message column(s) and media columns | 1-based data row |
//! | json | one object's string values (every one, or the `--field`s) | array element |
//! | jsonl | one object per line, as json | line number |
//!
//! Every unit's text lines up byte for byte with the document (see [`blank`]), so findings map to
//! exact lines and columns and `redact --in-place` can rewrite the file.
#![warn(clippy::print_stdout, clippy::print_stderr)]
#![warn(missing_docs)]

pub mod source;

pub mod blank;
mod csv;
pub mod directive;
mod json;
mod markdown;

use crate::source::Document;
pub use presend_core::document::FormatError;
use presend_core::finding::Position;
use presend_core::text::{LineIndex, Origin, Segment};

/// How to read an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InputFormat {
    /// A plain-text draft: one message.
    Text,
    /// A Markdown post, with optional YAML front matter.
    Markdown,
    /// A scheduling tool's bulk-upload CSV (or TSV): one message per row.
    Csv,
    /// A JSON document: every object is a message.
    Json,
    /// JSON Lines: one record per line.
    Jsonl,
}

impl InputFormat {
    /// The format a file name implies; plain text for anything unknown.
    pub fn from_path(path: &str) -> InputFormat {
        let lower = path.to_ascii_lowercase();
        let ext = lower.rsplit_once('.').map_or("", |(_, e)| e);
        match ext {
            "md" | "markdown" | "mdown" | "mkd" | "mdx" => InputFormat::Markdown,
            "csv" | "tsv" => InputFormat::Csv,
            "json" => InputFormat::Json,
            "jsonl" | "ndjson" => InputFormat::Jsonl,
            _ => InputFormat::Text,
        }
    }

    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            InputFormat::Text => "text",
            InputFormat::Markdown => "markdown",
            InputFormat::Csv => "csv",
            InputFormat::Json => "json",
            InputFormat::Jsonl => "jsonl",
        }
    }

    /// Parse a command-line or config name (`auto` is not a format: it is `None` upstream).
    pub fn parse(name: &str) -> Option<InputFormat> {
        Some(match name.to_ascii_lowercase().as_str() {
            "text" | "txt" | "plain" => InputFormat::Text,
            "markdown" | "md" => InputFormat::Markdown,
            "csv" | "tsv" => InputFormat::Csv,
            "json" => InputFormat::Json,
            "jsonl" | "ndjson" | "json-lines" => InputFormat::Jsonl,
            _ => return None,
        })
    }
}

/// What a reader needs besides the document.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// CSV columns or JSON fields holding the message (none: the reader decides).
    pub fields: Vec<String>,
}

/// One message to scan.
#[derive(Debug, Clone)]
pub struct Unit {
    /// The text to scan, located in the document.
    pub segment: Segment,
    /// Channels the document itself names for this message (front matter, a `channel` column),
    /// as written.
    pub channels: Vec<String>,
    /// The text as it will be published, for length limits (markup removed, escapes decoded),
    /// when the reader knows it.
    pub body: Option<String>,
}

/// Where an inline suppression applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Findings that touch this 1-based line of the document.
    Line(u32),
    /// Findings of this record (CSV row, JSONL line read as plain text).
    Record(u64),
    /// Findings that start in this byte range of the file (a JSON object, nested ones included).
    Span(usize, usize),
}

/// An inline suppression written in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// Rule ids as written.
    pub rules: Vec<String>,
    /// The reason; `None` when the author gave none (the suppression then does not apply).
    pub reason: Option<String>,
    /// Where the directive itself is.
    pub start: Position,
    /// Byte range of the directive in the document.
    pub byte_range: (usize, usize),
    /// The record the directive is in, if any.
    pub record: Option<u64>,
    /// What it applies to.
    pub scope: Scope,
}

/// What a reader made of a document.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// The messages to scan.
    pub units: Vec<Unit>,
    /// Inline suppressions.
    pub suppressions: Vec<Suppression>,
    /// Malformed parts. Their text is still scanned as plain text, so nothing escapes the check,
    /// but the run must report them.
    pub errors: Vec<FormatError>,
    /// JSON fields asked for that no record of this document has. A record without any of the
    /// fields is scanned whole; a field missing from every record of a file is the user's
    /// mistake, which the caller reports (a JSON Lines file may arrive one record at a time).
    pub missing_fields: Vec<String>,
}

/// Read `doc` as `format`.
pub fn read(doc: &Document, format: InputFormat, options: &ReadOptions) -> Parsed {
    let ctx = Ctx::new(doc);
    match format {
        InputFormat::Text => read_text(&ctx),
        InputFormat::Markdown => markdown::read(&ctx),
        InputFormat::Csv => csv::read(&ctx, options),
        InputFormat::Json => json::read(&ctx, options, false),
        InputFormat::Jsonl => json::read(&ctx, options, true),
    }
}

/// A document with the means to turn its offsets into file positions.
pub(crate) struct Ctx<'a> {
    pub doc: &'a Document,
    pub text: &'a str,
    pub lines: LineIndex,
}

impl<'a> Ctx<'a> {
    fn new(doc: &'a Document) -> Ctx<'a> {
        Ctx {
            doc,
            text: &doc.text,
            lines: LineIndex::new(&doc.text),
        }
    }

    /// The file position of byte `offset` of this document.
    pub fn position(&self, offset: usize) -> Position {
        let p = self.lines.position(self.text, offset);
        Position {
            line: p.line + self.doc.first_line,
            // A window that begins mid-line: its first line's columns go on from there.
            column: if p.line == 1 {
                p.column + self.doc.first_column
            } else {
                p.column
            },
        }
    }

    /// The 1-based file line of byte `offset`.
    pub fn line(&self, offset: usize) -> u32 {
        self.lines.line_of(offset) as u32 + 1 + self.doc.first_line
    }

    /// A segment made of `text` (already blanked) starting at byte `start` of the document.
    pub fn segment(&self, text: String, start: usize, record: Option<u64>) -> Segment {
        Segment {
            text,
            origin: Origin {
                path: self.doc.path.clone(),
                record,
                start: self.position(start),
                byte_offset: start + self.doc.first_byte,
            },
        }
    }

    /// Every line of `range`: (start, end without line ending).
    pub fn lines_in(
        &self,
        range: std::ops::Range<usize>,
    ) -> impl Iterator<Item = (usize, usize)> + '_ {
        let first = self.lines.line_of(range.start);
        let last = self
            .lines
            .line_of(range.end.saturating_sub(1).max(range.start));
        (first..=last.min(self.lines.len() - 1))
            .map(move |l| {
                let r = self.lines.line_range(self.text, l);
                (r.start.max(range.start), r.end.min(range.end))
            })
            .filter(|(s, e)| s <= e)
    }

    /// Directives in `range`, each blanked from `seg` (which starts at `seg_start`), scoped to
    /// the record when `record` is given and to lines otherwise.
    pub fn directives(
        &self,
        range: std::ops::Range<usize>,
        seg: &mut String,
        seg_start: usize,
        record: Option<u64>,
        out: &mut Vec<Suppression>,
    ) {
        let mut pending: Vec<Suppression> = Vec::new();
        for (ls, le) in self.lines_in(range) {
            let line = &self.text[ls..le];
            let Some(d) = directive::parse_line(line) else {
                if !pending.is_empty() && !line.trim().is_empty() {
                    let n = self.line(ls);
                    for mut p in pending.drain(..) {
                        p.scope = Scope::Line(n);
                        out.push(p);
                    }
                }
                continue;
            };
            let (a, b) = (ls + d.range.0, ls + d.range.1);
            if a >= seg_start && b <= seg_start + seg.len() {
                blank::blank(seg, a - seg_start..b - seg_start);
            }
            let s = Suppression {
                rules: d.rules,
                reason: d.reason,
                start: self.position(ls + d.token_at),
                byte_range: (a + self.doc.first_byte, b + self.doc.first_byte),
                record,
                scope: match record {
                    Some(r) => Scope::Record(r),
                    None => Scope::Line(self.line(ls)),
                },
            };
            if record.is_none() && d.standalone {
                pending.push(s);
            } else {
                out.push(s);
            }
        }
        // A directive at the very end applies to nothing; it is reported as unused.
        let after = self.lines.len() as u32 + 1 + self.doc.first_line;
        for mut p in pending {
            p.scope = Scope::Line(after);
            out.push(p);
        }
    }
}

/// Plain text: the whole draft is one message; directive lines are taken out of it.
fn read_text(ctx: &Ctx) -> Parsed {
    let mut text = ctx.text.to_string();
    let mut suppressions = Vec::new();
    ctx.directives(0..ctx.text.len(), &mut text, 0, None, &mut suppressions);
    Parsed {
        units: vec![Unit {
            body: Some(text.trim().to_string()),
            segment: ctx.segment(text, 0, None),
            channels: Vec::new(),
        }],
        suppressions,
        errors: Vec::new(),
        missing_fields: Vec::new(),
    }
}

/// A fallback unit for text a reader could not parse: scanned as plain text, so an identifier in
/// a broken file is still found.
pub(crate) fn raw_unit(ctx: &Ctx, range: std::ops::Range<usize>, record: Option<u64>) -> Unit {
    let text = ctx.text[range.clone()].to_string();
    Unit {
        segment: ctx.segment(text, range.start, record),
        channels: Vec::new(),
        body: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Document;

    fn doc(text: &str) -> Document {
        Document::new("a.txt", text)
    }

    #[test]
    fn formats_by_extension() {
        assert_eq!(InputFormat::from_path("posts/A.MD"), InputFormat::Markdown);
        assert_eq!(InputFormat::from_path("bulk.csv"), InputFormat::Csv);
        assert_eq!(InputFormat::from_path("feed.jsonl"), InputFormat::Jsonl);
        assert_eq!(InputFormat::from_path("x.json"), InputFormat::Json);
        assert_eq!(InputFormat::from_path("draft"), InputFormat::Text);
    }

    #[test]
    fn standalone_directive_applies_to_the_next_non_blank_line() {
        let d = doc("Hello\n# presend-allow nhs-number: training\n\nNHS 943 476 5919\n");
        let p = read(&d, InputFormat::Text, &ReadOptions::default());
        assert_eq!(p.suppressions.len(), 1);
        assert_eq!(p.suppressions[0].scope, Scope::Line(4));
        assert!(!p.units[0].segment.text.contains("presend-allow"));
        assert_eq!(p.units[0].segment.text.len(), d.text.len());
    }

    #[test]
    fn trailing_directive_applies_to_its_own_line() {
        let d = doc("NHS 943 476 5919 presend-allow nhs-number: fictional\n");
        let p = read(&d, InputFormat::Text, &ReadOptions::default());
        assert_eq!(p.suppressions[0].scope, Scope::Line(1));
        assert_eq!(
            p.suppressions[0].start,
            Position {
                line: 1,
                column: 18
            }
        );
    }
}
