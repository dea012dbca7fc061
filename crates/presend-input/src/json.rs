//! JSON and JSON Lines: posts kept for an API, exported from a tool, or logged one per line.
//!
//! Every object is a message: its string values (all of them, or only the `--field`s) are
//! scanned together; a nested object is a message of its own. A JSONL line, or an element of a
//! top-level JSON array, is a record. A small parser of our own (not `serde_json`) because a
//! finding must point at the string's line and column in the file; escapes are decoded in place
//! (see [`super::blank`]) so offsets stay exact.

use super::{blank, directive, Ctx, FormatError, Parsed, ReadOptions, Scope, Unit};
use std::borrow::Cow;
use std::ops::Range;

/// Keys whose value names the channel.
const CHANNEL_KEYS: &[&str] = &[
    "channel",
    "channels",
    "platform",
    "platforms",
    "network",
    "networks",
];

/// Keys that hold the post itself (for length limits when no `--field` is named).
const MESSAGE_KEYS: &[&str] = &[
    "text", "message", "content", "body", "post", "caption", "status", "tweet",
];

/// Deeper nesting is refused rather than risking the stack.
const MAX_DEPTH: usize = 128;

#[derive(Debug)]
enum Value<'a> {
    Str {
        inner: Range<usize>,
        escapes: Vec<(Range<usize>, String)>,
    },
    Scalar,
    Array(Vec<Value<'a>>),
    Object {
        range: Range<usize>,
        /// Keys are borrowed from the text unless they hold an escape.
        members: Vec<(Cow<'a, str>, Value<'a>)>,
    },
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    depth: usize,
    /// Index of the top-level array element being parsed, for error records.
    element: Option<usize>,
}

type PResult<T> = Result<T, (usize, String)>;

impl<'a> Parser<'a> {
    fn new(text: &'a str, at: usize) -> Parser<'a> {
        Parser {
            text,
            bytes: text.as_bytes(),
            at,
            depth: 0,
            element: None,
        }
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    fn err<T>(&self, msg: impl Into<String>) -> PResult<T> {
        Err((self.at, msg.into()))
    }

    fn value(&mut self) -> PResult<Value<'a>> {
        self.ws();
        match self.bytes.get(self.at) {
            None => self.err("unexpected end of input"),
            Some(b'"') => self.string(),
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b't') => self.literal("true"),
            Some(b'f') => self.literal("false"),
            Some(b'n') => self.literal("null"),
            Some(b'-' | b'0'..=b'9') => {
                while let Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') =
                    self.bytes.get(self.at)
                {
                    self.at += 1;
                }
                Ok(Value::Scalar)
            }
            // The character itself is not named: it is part of the scanned text.
            Some(_) => self.err("unexpected character (expected a value)"),
        }
    }

    fn literal(&mut self, word: &str) -> PResult<Value<'a>> {
        if self.text[self.at..].starts_with(word) {
            self.at += word.len();
            Ok(Value::Scalar)
        } else {
            self.err("unexpected word (expected true, false or null)")
        }
    }

    fn nest(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err(format!("nested deeper than {MAX_DEPTH} levels"));
        }
        Ok(())
    }

    fn object(&mut self) -> PResult<Value<'a>> {
        self.nest()?;
        let start = self.at;
        self.at += 1;
        let mut members = Vec::new();
        self.ws();
        if self.bytes.get(self.at) == Some(&b'}') {
            self.at += 1;
        } else {
            loop {
                self.ws();
                if self.bytes.get(self.at) != Some(&b'"') {
                    return self.err("expected a \"key\"");
                }
                let key = match self.string()? {
                    Value::Str { inner, escapes } if escapes.is_empty() => {
                        Cow::Borrowed(&self.text[inner])
                    }
                    Value::Str { inner, escapes } => {
                        Cow::Owned(decode(self.text, &inner, &escapes))
                    }
                    _ => unreachable!(),
                };
                self.ws();
                if self.bytes.get(self.at) != Some(&b':') {
                    return self.err("expected `:` after the key");
                }
                self.at += 1;
                let v = self.value()?;
                members.push((key, v));
                self.ws();
                match self.bytes.get(self.at) {
                    Some(b',') => self.at += 1,
                    Some(b'}') => {
                        self.at += 1;
                        break;
                    }
                    _ => return self.err("expected `,` or `}`"),
                }
            }
        }
        self.depth -= 1;
        Ok(Value::Object {
            range: start..self.at,
            members,
        })
    }

    fn array(&mut self) -> PResult<Value<'a>> {
        self.nest()?;
        let top = self.depth == 1;
        self.at += 1;
        let mut items = Vec::new();
        self.ws();
        if self.bytes.get(self.at) == Some(&b']') {
            self.at += 1;
        } else {
            loop {
                if top {
                    self.element = Some(items.len());
                }
                items.push(self.value()?);
                self.ws();
                match self.bytes.get(self.at) {
                    Some(b',') => self.at += 1,
                    Some(b']') => {
                        self.at += 1;
                        break;
                    }
                    _ => return self.err("expected `,` or `]`"),
                }
            }
        }
        if top {
            self.element = None;
        }
        self.depth -= 1;
        Ok(Value::Array(items))
    }

    fn string(&mut self) -> PResult<Value<'a>> {
        let open = self.at;
        self.at += 1;
        let start = self.at;
        let mut escapes = Vec::new();
        loop {
            match self.bytes.get(self.at) {
                None => {
                    self.at = open;
                    return self.err("unterminated string");
                }
                Some(b'"') => break,
                Some(b'\\') => {
                    let s = self.at;
                    let decoded = match self.bytes.get(s + 1) {
                        Some(b'"') => "\"".to_string(),
                        Some(b'\\') => "\\".to_string(),
                        Some(b'/') => "/".to_string(),
                        // Line breaks and tabs become spaces: a real line break would move
                        // every line number after it.
                        Some(b'n' | b'r' | b't' | b'b' | b'f') => " ".to_string(),
                        Some(b'u') => {
                            let (c, len) = self.unicode_escape(s)?;
                            escapes.push((s..s + len, c));
                            self.at = s + len;
                            continue;
                        }
                        _ => return self.err("invalid escape"),
                    };
                    escapes.push((s..s + 2, decoded));
                    self.at = s + 2;
                }
                Some(b) if *b < 0x20 => return self.err("control character in a string"),
                // Plain text up to the next quote or backslash (or control character, which
                // the arm above then reports), found a word at a time.
                Some(_) => self.at = self.plain_end(self.at + 1),
            }
        }
        let inner = start..self.at;
        self.at += 1;
        Ok(Value::Str { inner, escapes })
    }

    /// Where the run of plain string bytes from `at` ends: the first quote, backslash or control
    /// character, or the end of the input.
    fn plain_end(&self, at: usize) -> usize {
        let rest = &self.bytes[at..];
        let stop = memchr::memchr2(b'"', b'\\', rest).unwrap_or(rest.len());
        let control = rest[..stop].iter().position(|&b| b < 0x20);
        at + control.unwrap_or(stop)
    }

    /// `\uXXXX` (or a surrogate pair) at `s`: the character and the escape's length.
    fn unicode_escape(&mut self, s: usize) -> PResult<(String, usize)> {
        let hex = |at: usize| -> Option<u32> {
            let h = self.text.get(at..at + 4)?;
            u32::from_str_radix(h, 16).ok()
        };
        let Some(hi) = hex(s + 2) else {
            self.at = s;
            return self.err("invalid \\u escape");
        };
        if (0xD800..0xDC00).contains(&hi) && self.text.get(s + 6..s + 8) == Some("\\u") {
            if let Some(lo) = hex(s + 8).filter(|lo| (0xDC00..0xE000).contains(lo)) {
                let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                let c = char::from_u32(c).map_or(" ".to_string(), |c| c.to_string());
                return Ok((c, 12));
            }
        }
        let c = char::from_u32(hi)
            .filter(|c| !c.is_control())
            .map_or(" ".to_string(), |c| c.to_string());
        Ok((c, 6))
    }
}

fn decode(text: &str, inner: &Range<usize>, escapes: &[(Range<usize>, String)]) -> String {
    let mut out = String::new();
    let mut at = inner.start;
    for (r, d) in escapes {
        out.push_str(&text[at..r.start]);
        out.push_str(d);
        at = r.end;
    }
    out.push_str(&text[at..inner.end]);
    out
}

pub(super) fn read(ctx: &Ctx, options: &ReadOptions, lines: bool) -> Parsed {
    let mut found = vec![false; options.fields.len()];
    let mut parsed = read_records(ctx, options, lines, &mut found);
    parsed.missing_fields = options
        .fields
        .iter()
        .zip(found)
        .filter(|(_, f)| !f)
        .map(|(name, _)| name.clone())
        .collect();
    parsed
}

/// Units of one record: only the requested fields when the record has one of them, every string
/// otherwise (so a record without the field is never passed unseen). `found` marks each field
/// seen.
fn record_units(
    ctx: &Ctx,
    options: &ReadOptions,
    v: &Value<'_>,
    record: Option<u64>,
    found: &mut [bool],
    out: &mut Parsed,
) {
    if options.fields.is_empty() {
        return units(ctx, options, v, record, out);
    }
    // Which fields this record has; a few `--field`s fit on the stack.
    let (mut few, mut many) = ([false; 8], Vec::new());
    let here: &mut [bool] = match few.get_mut(..options.fields.len()) {
        Some(few) => few,
        None => {
            many.resize(options.fields.len(), false);
            &mut many
        }
    };
    mark_fields(v, "", "", &options.fields, here);
    for (f, h) in found.iter_mut().zip(here.iter()) {
        *f |= h;
    }
    if here.contains(&true) {
        units(ctx, options, v, record, out);
    } else {
        units(ctx, &ReadOptions::default(), v, record, out);
    }
}

/// Mark in `found` each of `fields` that names a string of `v` (by key or dotted path).
fn mark_fields(v: &Value<'_>, key: &str, path: &str, fields: &[String], found: &mut [bool]) {
    match v {
        Value::Str { .. } => {
            for (i, want) in fields.iter().enumerate() {
                if names(want, key) || names(want, path) {
                    found[i] = true;
                }
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|i| mark_fields(i, key, path, fields, found)),
        Value::Object { members, .. } => {
            for (k, m) in members {
                mark_fields(m, k, &member_path(path, k), fields, found);
            }
        }
        Value::Scalar => {}
    }
}

fn read_records(ctx: &Ctx, options: &ReadOptions, lines: bool, found: &mut [bool]) -> Parsed {
    let mut parsed = Parsed::default();
    let text = ctx.text;
    if lines {
        for (ls, le) in ctx.lines_in(0..text.len()) {
            if text[ls..le].trim().is_empty() {
                continue;
            }
            let record = ctx.line(ls) as u64;
            let mut p = Parser::new(&text[..le], ls);
            match p.value().and_then(|v| {
                p.ws();
                if p.at < le {
                    p.err("unexpected text after the value")
                } else {
                    Ok(v)
                }
            }) {
                Ok(v) => record_units(ctx, options, &v, Some(record), found, &mut parsed),
                Err((_, message)) => {
                    parsed.errors.push(FormatError {
                        record: Some(record),
                        line: record as u32,
                        message: format!("not valid JSON: {message}"),
                    });
                    parsed
                        .units
                        .push(super::raw_unit(ctx, ls..le, Some(record)));
                }
            }
        }
        return parsed;
    }
    let mut p = Parser::new(text, 0);
    let result = p.value().and_then(|v| {
        p.ws();
        if p.at < text.len() {
            p.err("unexpected text after the value")
        } else {
            Ok(v)
        }
    });
    match result {
        Ok(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                record_units(ctx, options, item, Some(i as u64 + 1), found, &mut parsed);
            }
        }
        Ok(v) => record_units(ctx, options, &v, None, found, &mut parsed),
        Err((at, message)) => {
            parsed.errors.push(FormatError {
                record: p.element.map(|e| e as u64 + 1),
                line: ctx.line(at.min(text.len())),
                message: format!("not valid JSON: {message}"),
            });
            parsed.units.push(super::raw_unit(ctx, 0..text.len(), None));
        }
    }
    parsed
}

/// A string value with the key (and dotted path) it sits under.
struct Found<'v> {
    key: &'v str,
    path: Cow<'v, str>,
    inner: Range<usize>,
    escapes: &'v [(Range<usize>, String)],
}

/// Turn one record's value into units: one per object that holds strings.
fn units(ctx: &Ctx, options: &ReadOptions, v: &Value<'_>, record: Option<u64>, out: &mut Parsed) {
    match v {
        Value::Object { .. } => object_units(ctx, options, v, "", record, out),
        Value::Str { .. } | Value::Array(_) => {
            let mut strings = Vec::new();
            let mut objects = Vec::new();
            gather(v, "", Cow::Borrowed(""), &mut strings, &mut objects);
            let range = match (strings.first(), strings.last()) {
                (Some(a), Some(b)) => a.inner.start..b.inner.end,
                _ => 0..0,
            };
            emit(ctx, options, range, strings, record, out);
            for (path, o) in objects {
                object_units(ctx, options, o, &path, record, out);
            }
        }
        Value::Scalar => {}
    }
}

fn object_units(
    ctx: &Ctx,
    options: &ReadOptions,
    v: &Value<'_>,
    path: &str,
    record: Option<u64>,
    out: &mut Parsed,
) {
    let Value::Object { range, members } = v else {
        return;
    };
    let mut strings = Vec::new();
    let mut objects = Vec::new();
    for (k, m) in members {
        gather(m, k, member_path(path, k), &mut strings, &mut objects);
    }
    emit(ctx, options, range.clone(), strings, record, out);
    for (p, o) in objects {
        object_units(ctx, options, o, &p, record, out);
    }
}

/// Strings directly under a key (inside arrays too); objects are set aside as their own units.
fn gather<'v>(
    v: &'v Value<'v>,
    key: &'v str,
    path: Cow<'v, str>,
    strings: &mut Vec<Found<'v>>,
    objects: &mut Vec<(String, &'v Value<'v>)>,
) {
    match v {
        Value::Str { inner, escapes } => strings.push(Found {
            key,
            path,
            inner: inner.clone(),
            escapes,
        }),
        Value::Array(items) => items
            .iter()
            .for_each(|i| gather(i, key, path.clone(), strings, objects)),
        Value::Object { .. } => objects.push((path.into_owned(), v)),
        Value::Scalar => {}
    }
}

fn field_matches(fields: &[String], f: &Found) -> bool {
    fields
        .iter()
        .any(|want| names(want, f.key) || names(want, &f.path))
}

/// Whether `--field` value `want` names `name` (a key or a dotted path): ASCII case aside, with
/// leading slashes dropped and the other slashes read as dots (`/a/b` is `a.b`). Compared byte
/// by byte, so checking every string of every record allocates nothing.
fn names(want: &str, name: &str) -> bool {
    let want = want.trim_start_matches('/').as_bytes();
    want.len() == name.len()
        && want.iter().zip(name.as_bytes()).all(|(&w, &n)| {
            let w = if w == b'/' { b'.' } else { w };
            w.eq_ignore_ascii_case(&n)
        })
}

/// The dotted path of member `key` of the object at `path` (the key itself at the top).
fn member_path<'k>(path: &str, key: &'k str) -> Cow<'k, str> {
    if path.is_empty() {
        Cow::Borrowed(key)
    } else {
        Cow::Owned(format!("{path}.{key}"))
    }
}

fn emit(
    ctx: &Ctx,
    options: &ReadOptions,
    range: Range<usize>,
    strings: Vec<Found>,
    record: Option<u64>,
    out: &mut Parsed,
) {
    let text = ctx.text;
    let is_channel = |f: &Found| CHANNEL_KEYS.iter().any(|k| k.eq_ignore_ascii_case(f.key));
    let channels: Vec<String> = strings
        .iter()
        .filter(|f| is_channel(f))
        .map(|f| decode(text, &f.inner, f.escapes))
        .collect();
    let chosen: Vec<&Found> = strings
        .iter()
        .filter(|f| !is_channel(f))
        .filter(|f| options.fields.is_empty() || field_matches(&options.fields, f))
        .collect();
    // Directives may stand in any string of the object.
    let mut sups = Vec::new();
    for f in &strings {
        for (ls, le) in ctx.lines_in(f.inner.clone()) {
            if let Some(d) = directive::parse_line(&text[ls..le]) {
                sups.push((ls, d));
            }
        }
    }
    if chosen.is_empty() && sups.is_empty() {
        return;
    }
    // A directive applies to the object that holds it, not to its neighbours in the record.
    let object = (
        range.start + ctx.doc.first_byte,
        range.end + ctx.doc.first_byte,
    );
    let keep: Vec<Range<usize>> = chosen.iter().map(|f| f.inner.clone()).collect();
    // The segment runs from the first chosen string to the last, not over the whole object:
    // blanks before and after the text would only be whitespace for the matcher to squeeze.
    let range = match (
        keep.iter().map(|r| r.start).min(),
        keep.iter().map(|r| r.end).max(),
    ) {
        (Some(start), Some(end)) => start..end,
        _ => range,
    };
    let mut seg = blank::keep_only(text, range.clone(), &keep);
    for f in &chosen {
        for (r, d) in f.escapes {
            let at = r.start - range.start..r.end - range.start;
            if text[r.clone()].starts_with("\\u") {
                // A `\uXXXX` escape spells a character of the text: it joins its neighbours.
                blank::overwrite_joined(&mut seg, at, d);
            } else {
                blank::overwrite(&mut seg, at, d);
            }
        }
    }
    for (ls, d) in sups {
        let (a, b) = (ls + d.range.0, ls + d.range.1);
        // A directive in a string outside the segment has nothing in it to blank.
        let (from, to) = (a.max(range.start), b.min(range.end));
        if from < to {
            blank::blank(&mut seg, from - range.start..to - range.start);
        }
        out.suppressions.push(super::Suppression {
            rules: d.rules,
            reason: d.reason,
            start: ctx.position(ls + d.token_at),
            byte_range: (a + ctx.doc.first_byte, b + ctx.doc.first_byte),
            record,
            scope: Scope::Span(object.0, object.1),
        });
    }
    let body_of: Vec<&&Found> = if options.fields.is_empty() {
        chosen
            .iter()
            .filter(|f| MESSAGE_KEYS.iter().any(|k| k.eq_ignore_ascii_case(f.key)))
            .collect()
    } else {
        chosen.iter().collect()
    };
    let body = match body_of.as_slice() {
        [] => None,
        [f] => Some(decode(text, &f.inner, f.escapes)),
        several => Some(
            several
                .iter()
                .map(|f| decode(text, &f.inner, f.escapes))
                .collect::<Vec<_>>()
                .join("\n\n"),
        ),
    };
    out.units.push(Unit {
        segment: ctx.segment(seg, range.start, record),
        channels,
        body,
    });
}

#[cfg(test)]
mod tests {
    use super::super::{read as read_any, InputFormat, ReadOptions};
    use crate::source::Document;

    fn read(name: &str, text: &str, fields: &[&str]) -> super::Parsed {
        let format = InputFormat::from_path(name);
        read_any(
            &Document::new(name, text),
            format,
            &ReadOptions {
                fields: fields.iter().map(|s| s.to_string()).collect(),
            },
        )
    }

    #[test]
    fn jsonl_records_are_line_numbers() {
        let text = "{\"id\":1,\"text\":\"Great conference\"}\n\n{\"id\":2,\"text\":\"NHS no 943 476 5919 went home\"}\n";
        let p = read("feed.jsonl", text, &[]);
        assert_eq!(p.units.len(), 2);
        let u = &p.units[1].segment;
        assert_eq!(u.origin.record, Some(3));
        let at = u.text.find("943").unwrap() + u.origin.byte_offset;
        assert_eq!(&text[at..at + 3], "943");
        assert!(!u.text.contains("text"));
    }

    #[test]
    fn fields_choose_strings_and_escapes_keep_offsets() {
        let text = r#"[{"title":"Bed 4","text":"caf\u00e9 said \"NHS\" 943 476 5919","channel":"whatsapp"}]"#;
        let p = read("posts.json", text, &["text"]);
        assert_eq!(p.units.len(), 1);
        let u = &p.units[0];
        assert_eq!(u.channels, ["whatsapp"]);
        assert_eq!(u.segment.origin.record, Some(1));
        assert!(!u.segment.text.contains("Bed 4"));
        assert!(u.segment.text.contains("café"));
        // The segment is the chosen string, from its first character to its last.
        let inner = text.find("caf").unwrap()..text.find("5919").unwrap() + 4;
        assert_eq!(u.segment.origin.byte_offset, inner.start);
        assert_eq!(u.segment.text.len(), inner.len());
        let at = u.segment.text.find("943").unwrap() + u.segment.origin.byte_offset;
        assert_eq!(&text[at..at + 3], "943");
        assert_eq!(u.body.as_deref(), Some("café said \"NHS\" 943 476 5919"));
    }

    #[test]
    fn malformed_json_names_the_record_and_is_still_scanned() {
        let p = read(
            "a.jsonl",
            "{\"text\":\"ok\"}\n{\"text\": \"NHS 943 476 5919\",}\n",
            &[],
        );
        assert_eq!(p.errors.len(), 1);
        assert_eq!(p.errors[0].record, Some(2));
        assert!(p.units.iter().any(|u| u.segment.text.contains("5919")));
        let p = read("a.json", "[{\"text\":\"ok\"}, {\"text\": nope}]", &[]);
        assert_eq!(p.errors[0].record, Some(2));
    }

    #[test]
    fn nested_objects_are_their_own_messages() {
        let p = read(
            "a.json",
            r#"{"posts":[{"text":"one"},{"text":"two"}],"note":"x"}"#,
            &[],
        );
        assert_eq!(p.units.len(), 3);
    }
}
