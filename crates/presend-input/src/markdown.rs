//! Markdown posts: prose, link text, image alt text and front-matter strings.
//!
//! The post is one message. Markup (emphasis markers, heading hashes, HTML tags, front-matter
//! keys) is blanked; what a reader of the post would see is kept, and so are link destinations
//! and the inside of HTML comments: a published page carries them, and a URL can carry an
//! identifier (`?nhs=...`).
//! An image — `![alt](photo.jpg)`, a link to an image file, or an HTML `<img>` — is kept whole, so
//! the `markdown` pack can treat an attached picture as a clinical-image signal and its file name
//! (`IMG_2041.jpg`, `wound-bed4.png`) is scanned too.

use super::{blank, Ctx, Parsed, Unit};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// Front-matter keys whose values are not published text.
const METADATA_KEYS: &[&str] = &[
    "date",
    "time",
    "datetime",
    "publish",
    "publish_at",
    "publish-at",
    "publish_date",
    "publishdate",
    "scheduled",
    "scheduled_at",
    "schedule",
    "slug",
    "layout",
    "template",
    "draft",
    "status",
    "id",
    "lang",
    "weight",
];

/// Front-matter keys that name where the post goes.
const CHANNEL_KEYS: &[&str] = &[
    "channel",
    "channels",
    "platform",
    "platforms",
    "network",
    "networks",
];

/// File endings that make a link an image.
pub(crate) const IMAGE_EXTENSIONS: &[&str] = &[
    ".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".heif", ".tif", ".tiff", ".bmp", ".dcm",
    ".mp4", ".mov", ".avi", ".webm",
];

pub(crate) fn looks_like_image(url: &str) -> bool {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    IMAGE_EXTENSIONS.iter().any(|e| path.ends_with(e))
}

pub(super) fn read(ctx: &Ctx) -> Parsed {
    let text = ctx.text;
    let mut keep: Vec<Range<usize>> = Vec::new();
    let mut channels = Vec::new();
    let body_start = match front_matter(text) {
        Some(fm) => {
            for item in parse_front_matter(text, fm.clone()) {
                let key = item.key.to_ascii_lowercase();
                if CHANNEL_KEYS.contains(&key.as_str()) {
                    channels.push(text[item.value.clone()].to_string());
                } else if !METADATA_KEYS.contains(&key.as_str()) {
                    keep.push(item.value);
                }
            }
            fm.end
        }
        None => 0,
    };
    let body_text = &text[body_start..];
    let mut body = String::new();
    let mut in_image = 0usize;
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    for (event, r) in Parser::new_ext(body_text, options).into_offset_iter() {
        let range = r.start + body_start..r.end + body_start;
        match event {
            Event::Text(t) => {
                keep.push(range);
                if in_image == 0 {
                    body.push_str(&t);
                }
            }
            Event::Code(t) => {
                keep.push(range);
                body.push_str(&t);
            }
            Event::Html(_) | Event::InlineHtml(_) => keep.extend(html_text(text, range)),
            Event::SoftBreak | Event::HardBreak => body.push('\n'),
            Event::Start(Tag::Image { .. }) => {
                in_image += 1;
                keep.push(range);
            }
            Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
            Event::Start(Tag::Link { dest_url, .. }) if looks_like_image(&dest_url) => {
                keep.push(range);
            }
            Event::Start(Tag::Link { .. }) => keep.extend(inline_destination(text, range)),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_)
                | TagEnd::TableRow,
            ) => body.push_str("\n\n"),
            _ => {}
        }
    }
    keep.extend(reference_destinations(text, body_start));
    let mut seg = blank::keep_only(text, 0..text.len(), &keep);
    let mut suppressions = Vec::new();
    ctx.directives(0..text.len(), &mut seg, 0, None, &mut suppressions);
    Parsed {
        units: vec![Unit {
            segment: ctx.segment(seg, 0, None),
            channels,
            body: Some(tidy(&body)),
        }],
        suppressions,
        errors: Vec::new(),
        missing_fields: Vec::new(),
    }
}

/// Collapse the blank lines a post's structure leaves behind.
fn tidy(body: &str) -> String {
    let mut out = String::new();
    let mut blank_run = 0;
    for line in body.trim().lines() {
        if line.trim().is_empty() {
            blank_run += 1;
            if blank_run == 1 {
                out.push('\n');
            }
        } else {
            blank_run = 0;
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    out.trim_end().to_string()
}

/// The byte range of a YAML front-matter block, delimiters included.
fn front_matter(text: &str) -> Option<Range<usize>> {
    let first = text.lines().next()?;
    if first.trim_end() != "---" {
        return None;
    }
    let mut at = first.len() + 1;
    while at <= text.len() {
        let rest = &text[at..];
        let line_end = rest.find('\n').map_or(text.len(), |i| at + i);
        let line = text[at..line_end].trim_end();
        if line == "---" || line == "..." {
            return Some(0..(line_end + 1).min(text.len()));
        }
        if line_end == text.len() {
            break;
        }
        at = line_end + 1;
    }
    None
}

struct FrontMatterItem {
    key: String,
    value: Range<usize>,
}

/// The string values of a front-matter block, each with its key: a deliberately small YAML
/// reader (scalars, quoted strings, `- item` lists, `[a, b]` flow lists, `|` and `>` blocks) —
/// posts use little more, and everything it does not understand is kept as text.
fn parse_front_matter(text: &str, fm: Range<usize>) -> Vec<FrontMatterItem> {
    let mut out = Vec::new();
    let mut key = String::new();
    let mut block: Option<usize> = None; // indentation of the key that opened a | or > block
    let mut at = fm.start;
    let mut first = true;
    while at < fm.end {
        let line_end = text[at..fm.end].find('\n').map_or(fm.end, |i| at + i);
        let line = &text[at..line_end];
        let start = at;
        at = line_end + 1;
        if first {
            first = false;
            continue; // the opening ---
        }
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            break;
        }
        let indent = line.len() - line.trim_start().len();
        if let Some(key_indent) = block {
            if trimmed.trim().is_empty() || indent > key_indent {
                let s = start + indent;
                let e = start + trimmed.len();
                if s < e {
                    out.push(FrontMatterItem {
                        key: key.clone(),
                        value: s..e,
                    });
                }
                continue;
            }
            block = None;
        }
        let content = line.trim_start();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let content_start = start + indent;
        if let Some(item) = content.strip_prefix("- ") {
            let s = content_start + 2;
            // `- key: value` in a list of maps: take the value.
            if let Some((k, v)) = split_key(item) {
                out.extend(scalar(text, s + v, s + item.len(), k));
            } else {
                out.extend(scalar(text, s, s + item.len(), &key));
            }
            continue;
        }
        if let Some((k, v)) = split_key(content) {
            key = k.to_string();
            let value = content[v..].trim_start();
            let vs = content_start + content.len() - value.len();
            if value.starts_with('|') || value.starts_with('>') {
                block = Some(indent);
                continue;
            }
            if value.starts_with('[') {
                out.extend(flow_list(text, vs, content_start + content.len(), &key));
                continue;
            }
            out.extend(scalar(
                text,
                vs,
                content_start + content.trim_end().len(),
                &key,
            ));
            continue;
        }
        // A continuation line of a plain multi-line scalar.
        out.extend(scalar(text, content_start, start + trimmed.len(), &key));
    }
    out
}

/// `key: value` → (key, offset of the value in `s`).
fn split_key(s: &str) -> Option<(&str, usize)> {
    let i = s.find(':')?;
    let k = s[..i].trim();
    let k = k.trim_matches(|c| c == '"' || c == '\'');
    let ok = !k.is_empty()
        && k.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '.');
    let after = &s[i + 1..];
    (ok && (after.is_empty() || after.starts_with(' ') || after.starts_with('\t')))
        .then_some((k, i + 1))
}

/// One scalar value in `text[s..e]`: quotes and a trailing comment taken off.
fn scalar(text: &str, s: usize, e: usize, key: &str) -> Option<FrontMatterItem> {
    // An empty value followed by spaces (`channel: `) ends before it starts once trimmed.
    let raw = text.get(s..e)?;
    let lead = raw.len() - raw.trim_start().len();
    let v = raw.trim();
    let vs = s + lead;
    if v.is_empty() {
        return None;
    }
    let range = if (v.starts_with('"') || v.starts_with('\'')) && v.len() >= 2 {
        let q = v.as_bytes()[0] as char;
        match v[1..].rfind(q) {
            Some(i) => vs + 1..vs + 1 + i,
            None => vs + 1..vs + v.len(),
        }
    } else {
        let cut = v.find(" #").unwrap_or(v.len());
        vs..vs + v[..cut].trim_end().len()
    };
    (range.start < range.end).then(|| FrontMatterItem {
        key: key.to_string(),
        value: range,
    })
}

/// `[a, "b", c]`.
fn flow_list(text: &str, s: usize, e: usize, key: &str) -> Vec<FrontMatterItem> {
    let inner_end = text[s..e].rfind(']').map_or(e, |i| s + i);
    let mut out = Vec::new();
    let mut item_start = s + 1;
    let mut quote: Option<char> = None;
    for (i, c) in text[s + 1..inner_end].char_indices() {
        let at = s + 1 + i;
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, ',') => {
                out.extend(scalar(text, item_start, at, key));
                item_start = at + 1;
            }
            _ => {}
        }
    }
    out.extend(scalar(text, item_start, inner_end, key));
    out
}

/// In an HTML fragment, the text between tags, plus `<img …>` tags whole (an image is a signal
/// and its `alt` is published text). Comments and other tags are blanked.
/// The destination of an inline link `[text](destination "title")`, from the link's range.
fn inline_destination(text: &str, range: Range<usize>) -> Option<Range<usize>> {
    let link = &text[range.clone()];
    let inner = link.strip_suffix(')')?;
    let open = inner.rfind("](")? + 2;
    Some(range.start + open..range.start + inner.len())
}

/// The destinations of link reference definitions (`[label]: https://...`), which produce no
/// event of their own.
fn reference_destinations(text: &str, from: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut at = from;
    for line in text[from..].split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if indent <= 3 && trimmed.starts_with('[') && !trimmed.starts_with("[^") {
            if let Some(colon) = trimmed.find("]:") {
                let start = at + indent + colon + 2;
                let end = at + line.trim_end().len();
                if start < end {
                    out.push(start..end);
                }
            }
        }
        at += line.len();
    }
    out
}

fn html_text(text: &str, range: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut at = range.start;
    let end = range.end;
    while at < end {
        let rest = &text[at..end];
        let Some(lt) = rest.find('<') else {
            out.push(at..end);
            break;
        };
        if lt > 0 {
            out.push(at..at + lt);
        }
        let tag_start = at + lt;
        let tag = &text[tag_start..end];
        let close = if tag.starts_with("<!--") {
            tag.find("-->").map(|i| i + 3)
        } else {
            tag.find('>').map(|i| i + 1)
        };
        let tag_end = close.map_or(end, |c| tag_start + c);
        if tag.starts_with("<!--") {
            // The comment's inside: published in the page source.
            let inner_end = if close.is_some() { tag_end - 3 } else { end };
            out.push((tag_start + 4).min(inner_end)..inner_end);
        } else if tag[1..].to_ascii_lowercase().starts_with("img") {
            out.push(tag_start..tag_end);
        }
        at = tag_end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{read as read_any, InputFormat, ReadOptions};
    use crate::source::Document;

    fn read(text: &str) -> super::Parsed {
        read_any(
            &Document::new("a.md", text),
            InputFormat::Markdown,
            &ReadOptions::default(),
        )
    }

    #[test]
    fn prose_link_text_and_alt_are_kept_markup_is_not() {
        let text = "# Title\n\nSee **[Mrs Smith](https://example.org/p?id=943)** and ![wound on leg](IMG_2041.jpg)\n";
        let p = read(text);
        let seg = &p.units[0].segment.text;
        assert_eq!(seg.len(), text.len());
        assert!(seg.contains("Mrs Smith"));
        assert!(seg.contains("https://example.org/p?id=943"));
        assert!(!seg.contains("**"));
        assert!(seg.contains("![wound on leg](IMG_2041.jpg)"));
        assert_eq!(
            p.units[0].body.as_deref(),
            Some("Title\n\nSee Mrs Smith and")
        );
    }

    #[test]
    fn front_matter_strings_are_scanned_keys_and_dates_are_not() {
        let text = "---\ntitle: \"Winter update\"\ndate: 2026-12-01\nchannel: x\ntags: [flu, \"Bed 4\"]\nalt: |\n  photo of the ward\n---\nBody\n";
        let p = read(text);
        let seg = &p.units[0].segment.text;
        assert!(seg.contains("Winter update"));
        assert!(!seg.contains("title"));
        assert!(!seg.contains("2026"));
        assert!(seg.contains("Bed 4"));
        assert!(seg.contains("photo of the ward"));
        assert_eq!(p.units[0].channels, ["x"]);
        assert_eq!(seg.lines().count(), text.lines().count());
    }

    #[test]
    fn html_comments_are_blanked_and_directives_read() {
        let text = "<!-- presend-allow nhs-number: training example -->\nNHS 943 476 5919\n";
        let p = read(text);
        assert!(!p.units[0].segment.text.contains("presend"));
        assert_eq!(p.suppressions.len(), 1);
        assert_eq!(p.suppressions[0].scope, super::super::Scope::Line(2));
    }
}

#[cfg(test)]
mod layout_tests {
    use super::super::{read, InputFormat, ReadOptions};
    use crate::source::Document;

    /// Whatever the Markdown, the segment lines up with the file: same length, same line breaks.
    #[test]
    fn segments_line_up_with_the_file() {
        let samples = [
            "---\r\ntitle: CRLF \"post\"\r\nchannel: x\r\n---\r\nBody *with* _marks_\r\n",
            "Title\n=====\n\n| a | b |\n|---|---|\n| NHS | 943 476 5919 |\n",
            "```\ncode 943 476 5919\n```\n\n> quote\n> more\n\n- [ ] task\n- [x] done [^1]\n\n[^1]: note\n",
            "<div>\n<p>Hello <b>world</b></p>\n</div>\n\ntext <img src=\"a.png\" alt=\"ward 4\"> end\n",
            "[ref link][r] and <https://example.org/x>\n\n[r]: https://example.org/photo.jpg\n",
            "é😀 **ünï** [ℓink 😀](https://example.org/😀.png) ~~strike~~\n",
            "---\nunterminated: front matter\nno end\n",
        ];
        for s in samples {
            let p = read(
                &Document::new("a.md", s),
                InputFormat::Markdown,
                &ReadOptions::default(),
            );
            let seg = &p.units[0].segment.text;
            assert_eq!(seg.len(), s.len(), "{s:?}");
            assert_eq!(seg.chars().count(), s.chars().count(), "{s:?}");
            let nl = |t: &str| t.match_indices('\n').map(|(i, _)| i).collect::<Vec<_>>();
            assert_eq!(nl(seg), nl(s), "{s:?}");
        }
    }

    #[test]
    fn code_and_table_cells_are_scanned() {
        let s = "| NHS | 943 476 5919 |\n|---|---|\n\n`NHS 943 476 5919`\n";
        let p = read(
            &Document::new("a.md", s),
            InputFormat::Markdown,
            &ReadOptions::default(),
        );
        assert_eq!(p.units[0].segment.text.matches("943 476 5919").count(), 2);
    }
}
