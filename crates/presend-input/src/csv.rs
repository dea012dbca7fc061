//! Scheduling tools' bulk-upload CSV files (Hootsuite, Buffer, Sprout Social, Publer …): one post
//! per row, the text in a named column.
//!
//! A small RFC 4180 reader of our own rather than the `csv` crate, because a finding must point
//! at the exact line and column of the cell in the file, and `redact --in-place` must rewrite
//! the cell where it stands: this reader knows every field's byte range. It is lenient where
//! spreadsheets are sloppy (ragged rows, a stray quote inside an unquoted field) and strict only
//! where the file cannot be read (a quote that is never closed).

use super::{blank, directive, Ctx, FormatError, Parsed, ReadOptions, Scope, Suppression, Unit};
use std::ops::Range;

/// Headers of the column that holds the post, in order of preference.
const MESSAGE_COLUMNS: &[&str] = &[
    "message",
    "message_text",
    "messagetext",
    "text",
    "post",
    "post_text",
    "posttext",
    "content",
    "body",
    "caption",
    "tweet",
    "status",
    "copy",
    "description",
    "title",
    "alt",
    "alt_text",
    "first_comment",
];

/// Headers of columns that never hold published text (when every column has to be scanned).
const METADATA_COLUMNS: &[&str] = &[
    "date",
    "time",
    "time_24hr",
    "datetime",
    "date_time",
    "scheduled_at",
    "schedule",
    "scheduledate",
    "postatspecifictime",
    "publish_date",
    "id",
    "account_id",
];

/// Header words that mark a column of media or links (kept: a photo's file name is a signal).
const MEDIA_WORDS: &[&str] = &[
    "image",
    "media",
    "photo",
    "picture",
    "video",
    "attachment",
    "link",
    "url",
];

/// Headers of a column naming the channel.
const CHANNEL_COLUMNS: &[&str] = &[
    "channel",
    "channels",
    "network",
    "networks",
    "platform",
    "platforms",
    "social_network",
    "socialnetwork",
];

#[derive(Debug, Clone)]
struct Field {
    /// The field's content in the file, quotes excluded.
    inner: Range<usize>,
    /// Offsets of the first quote of each `""` inside `inner`.
    escapes: Vec<usize>,
}

struct Record {
    range: Range<usize>,
    fields: Vec<Field>,
}

fn normalise_header(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{FEFF}')
        .to_ascii_lowercase()
        .replace([' ', '-'], "_")
}

pub(super) fn read(ctx: &Ctx, options: &ReadOptions) -> Parsed {
    let text = ctx.text;
    let delimiter = if ctx.doc.path.to_ascii_lowercase().ends_with(".tsv") {
        b'\t'
    } else {
        sniff_delimiter(text)
    };
    let mut parsed = Parsed::default();
    let mut at = 0;
    let mut header: Option<Vec<String>> = None;
    let mut columns = Columns::default();
    let mut record_no = 0u64;
    while at < text.len() {
        let record = match next_record(text, at, delimiter) {
            Ok(r) => r,
            Err(open) => {
                let record = header.as_ref().map(|_| record_no + 1);
                parsed.errors.push(FormatError {
                    record,
                    line: ctx.line(open),
                    message: format!(
                        "unterminated quoted field: the quote opened on line {} is never closed",
                        ctx.line(open)
                    ),
                });
                // Scan what is left as plain text: an identifier in a broken file still counts.
                parsed
                    .units
                    .push(super::raw_unit(ctx, at..text.len(), record));
                break;
            }
        };
        at = record.range.end;
        let raw = text[record.range.clone()].trim();
        if raw.is_empty() {
            continue;
        }
        if header.is_none() {
            let names: Vec<String> = record
                .fields
                .iter()
                .map(|f| normalise_header(&decode(text, f)))
                .collect();
            let is_header = looks_like_header(&names, &options.fields);
            match Columns::choose(&names, &options.fields, is_header) {
                Ok(c) => columns = c,
                Err(message) => {
                    parsed.errors.push(FormatError {
                        record: None,
                        line: ctx.line(record.range.start),
                        message,
                    });
                    parsed.units.push(super::raw_unit(ctx, 0..text.len(), None));
                    return parsed;
                }
            }
            header = Some(names);
            if is_header {
                continue;
            }
        }
        record_no += 1;
        parsed.units.push(unit(
            ctx,
            &record,
            &columns,
            record_no,
            &mut parsed.suppressions,
        ));
    }
    parsed
}

#[derive(Default)]
struct Columns {
    /// No header: every cell of every row is scanned.
    every: bool,
    message: Vec<usize>,
    media: Vec<usize>,
    channel: Vec<usize>,
}

/// Whether a first row is a header: one of its cells is a column name we know, or one the user
/// asked for. A first row that is not is data and is scanned like every other row (a header of
/// unknown names is scanned too: scanning a header costs little, skipping a post costs much).
fn looks_like_header(names: &[String], fields: &[String]) -> bool {
    let wanted: Vec<String> = fields.iter().map(|f| normalise_header(f)).collect();
    names.iter().any(|n| {
        MESSAGE_COLUMNS.contains(&n.as_str())
            || METADATA_COLUMNS.contains(&n.as_str())
            || CHANNEL_COLUMNS.contains(&n.as_str())
            || wanted.contains(n)
            || (n.len() <= 24 && MEDIA_WORDS.iter().any(|w| n.contains(w)))
    })
}

impl Columns {
    /// The columns to read, given the first row's normalised cells. The error names only the
    /// column asked for and the number of columns: the first row may be a post, so its cells
    /// are never repeated.
    fn choose(names: &[String], fields: &[String], is_header: bool) -> Result<Columns, String> {
        let mut c = Columns::default();
        if !is_header {
            if let Some(f) = fields.first() {
                return Err(format!(
                    "no column named `{f}`; the file has {} column(s) and its first row is not a header",
                    names.len()
                ));
            }
            c.every = true;
            return Ok(c);
        }
        if fields.is_empty() {
            c.message = MESSAGE_COLUMNS
                .iter()
                .filter_map(|m| names.iter().position(|n| n == m))
                .collect();
            if c.message.is_empty() {
                // No column we know: every column that is not a date or an id is scanned.
                c.message = (0..names.len())
                    .filter(|&i| !METADATA_COLUMNS.contains(&names[i].as_str()))
                    .collect();
            }
        } else {
            for f in fields {
                let want = normalise_header(f);
                match names.iter().position(|n| *n == want) {
                    Some(i) => c.message.push(i),
                    None => {
                        return Err(format!(
                            "no column named `{f}`; the header has {} column(s)",
                            names.len()
                        ))
                    }
                }
            }
        }
        for (i, n) in names.iter().enumerate() {
            if CHANNEL_COLUMNS.contains(&n.as_str()) {
                c.channel.push(i);
                c.message.retain(|&m| m != i);
            } else if MEDIA_WORDS.iter().any(|w| n.contains(w)) && !c.message.contains(&i) {
                c.media.push(i);
            }
        }
        Ok(c)
    }
}

fn unit(
    ctx: &Ctx,
    record: &Record,
    columns: &Columns,
    n: u64,
    suppressions: &mut Vec<Suppression>,
) -> Unit {
    let text = ctx.text;
    let start = record.range.start;
    let cell = |i: usize| record.fields.get(i);
    let kept: Vec<&Field> = if columns.every {
        record.fields.iter().collect()
    } else {
        columns
            .message
            .iter()
            .chain(&columns.media)
            .filter_map(|&i| cell(i))
            .collect()
    };
    let keep: Vec<Range<usize>> = kept.iter().map(|f| f.inner.clone()).collect();
    let mut seg = blank::keep_only(text, record.range.clone(), &keep);
    for f in &kept {
        for &q in &f.escapes {
            blank::overwrite(&mut seg, q - start..q - start + 2, "\"");
        }
    }
    // Directives may stand in any cell of the row (a `Notes` column, or the message itself);
    // they apply to the whole row.
    for f in &record.fields {
        for (ls, le) in ctx.lines_in(f.inner.clone()) {
            let Some(d) = directive::parse_line(&text[ls..le]) else {
                continue;
            };
            let (a, b) = (ls + d.range.0, ls + d.range.1);
            blank::blank(&mut seg, a - start..b - start);
            let reason = d
                .reason
                .map(|r| r.trim_end_matches('"').trim().to_string())
                .filter(|r| !r.is_empty());
            suppressions.push(Suppression {
                rules: d.rules,
                reason,
                start: ctx.position(ls + d.token_at),
                byte_range: (a + ctx.doc.first_byte, b + ctx.doc.first_byte),
                record: Some(n),
                scope: Scope::Record(n),
            });
        }
    }
    let body_cells: Vec<&Field> = if columns.every {
        record.fields.iter().collect()
    } else {
        columns.message.iter().filter_map(|&i| cell(i)).collect()
    };
    let body: Vec<String> = body_cells
        .into_iter()
        .map(|f| decode(text, f))
        .filter(|s| !s.trim().is_empty())
        .collect();
    let channels = columns
        .channel
        .iter()
        .filter_map(|&i| cell(i))
        .flat_map(|f| {
            decode(text, f)
                .split([',', ';', '|', '/'])
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
        })
        .collect();
    Unit {
        segment: ctx.segment(seg, start, Some(n)),
        channels,
        body: Some(body.join("\n\n")),
    }
}

/// A field's content with `""` decoded.
fn decode(text: &str, f: &Field) -> String {
    text[f.inner.clone()].replace("\"\"", "\"")
}

/// Comma, unless the header line has more semicolons or tabs (European spreadsheets).
fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    let count = |c: char| first.matches(c).count();
    let (comma, semi, tab) = (count(','), count(';'), count('\t'));
    if tab > comma && tab >= semi {
        b'\t'
    } else if semi > comma {
        b';'
    } else {
        b','
    }
}

/// The record starting at `at`; `Err(offset of the opening quote)` when a quote never closes.
fn next_record(text: &str, mut at: usize, delimiter: u8) -> Result<Record, usize> {
    let bytes = text.as_bytes();
    let start = at;
    let mut fields = Vec::new();
    loop {
        // One field.
        let mut escapes = Vec::new();
        let inner;
        if bytes.get(at) == Some(&b'"') {
            let open = at;
            let mut i = at + 1;
            loop {
                match bytes.get(i) {
                    None => return Err(open),
                    Some(b'"') if bytes.get(i + 1) == Some(&b'"') => {
                        escapes.push(i);
                        i += 2;
                    }
                    Some(b'"') => break,
                    Some(_) => i += 1,
                }
            }
            let close = i;
            // Lenient: text after the closing quote, up to the delimiter, belongs to the field.
            let mut j = close + 1;
            while j < bytes.len() && bytes[j] != delimiter && bytes[j] != b'\n' {
                j += 1;
            }
            inner = if j > close + 1 && !text[close + 1..j].trim().is_empty() {
                open + 1..j
            } else {
                open + 1..close
            };
            at = j;
        } else {
            let s = at;
            while at < bytes.len() && bytes[at] != delimiter && bytes[at] != b'\n' {
                at += 1;
            }
            let mut e = at;
            if e > s && bytes[e - 1] == b'\r' {
                e -= 1;
            }
            inner = s..e;
        }
        fields.push(Field { inner, escapes });
        match bytes.get(at) {
            Some(&b) if b == delimiter => at += 1,
            Some(b'\n') => {
                at += 1;
                break;
            }
            _ => break,
        }
    }
    Ok(Record {
        range: start..at,
        fields,
    })
}

#[cfg(test)]
mod tests {
    use super::super::{read as read_any, InputFormat, ReadOptions, Scope};
    use crate::source::Document;

    fn read(text: &str, fields: &[&str]) -> super::Parsed {
        read_any(
            &Document::new("bulk.csv", text),
            InputFormat::Csv,
            &ReadOptions {
                fields: fields.iter().map(|s| s.to_string()).collect(),
            },
        )
    }

    const HOOTSUITE: &str = "Date,Message,Link\n\"01/12/2026 09:00\",\"Flu jabs this Saturday!\",https://example.org\n\"02/12/2026 09:00\",\"Mrs Smith NHS 943 476 5919 is home\",\n";

    #[test]
    fn message_column_by_header_with_records_and_lines() {
        let p = read(HOOTSUITE, &[]);
        assert_eq!(p.units.len(), 2);
        let second = &p.units[1].segment;
        assert_eq!(second.origin.record, Some(2));
        assert_eq!(second.origin.start.line, 3);
        assert!(second.text.contains("Mrs Smith NHS 943 476 5919"));
        assert!(!second.text.contains("02/12/2026"));
        let at = second.text.find("943").unwrap() + second.origin.byte_offset;
        assert_eq!(&HOOTSUITE[at..at + 3], "943");
        assert_eq!(
            p.units[1].body.as_deref(),
            Some("Mrs Smith NHS 943 476 5919 is home")
        );
    }

    #[test]
    fn quoted_multiline_cells_and_doubled_quotes() {
        let text = "text,channel\n\"He said \"\"hi\"\"\nthen NHS 943 476 5919\",Twitter\nnext,x\n";
        let p = read(text, &[]);
        assert_eq!(p.units.len(), 2);
        assert_eq!(p.units[0].channels, ["Twitter"]);
        assert!(p.units[0].segment.text.contains("\" hi\" "));
        assert_eq!(p.units[1].segment.origin.start.line, 4);
        assert_eq!(
            p.units[0].body.as_deref(),
            Some("He said \"hi\"\nthen NHS 943 476 5919")
        );
    }

    #[test]
    fn field_option_picks_the_column_and_unknown_is_an_error() {
        let p = read("A,B\nx,y\n", &["b"]);
        assert!(p.units[0].segment.text.contains('y'));
        assert!(!p.units[0].segment.text.contains('x'));
        let p = read("A,B\nx,y\n", &["Message"]);
        assert_eq!(p.errors.len(), 1);
        assert!(p.errors[0].message.contains("Message"));
    }

    #[test]
    fn unterminated_quote_is_an_error_naming_the_record() {
        let p = read("Message\nfine\n\"broken NHS 943 476 5919\n", &[]);
        assert_eq!(p.errors.len(), 1);
        assert_eq!(p.errors[0].record, Some(2));
        assert_eq!(p.errors[0].line, 3);
        assert!(p
            .units
            .iter()
            .any(|u| u.segment.text.contains("943 476 5919")));
    }

    #[test]
    fn directive_in_any_cell_covers_the_row() {
        let text = "Message,Notes\n\"NHS 943 476 5919\",\"presend-allow nhs-number: fictional\"\n";
        let p = read(text, &[]);
        assert_eq!(p.suppressions.len(), 1);
        assert_eq!(p.suppressions[0].scope, Scope::Record(1));
        assert_eq!(p.suppressions[0].reason.as_deref(), Some("fictional"));
    }
}
