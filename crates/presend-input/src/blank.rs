//! Building segment text that lines up byte for byte with the document.
//!
//! A format reader decides which parts of a document are message text (a CSV cell, a Markdown
//! paragraph without its markup, a JSON string without its quotes). Rather than copying those
//! parts into a new string — which would break the map from a finding back to the file — it
//! keeps a contiguous stretch of the document and *blanks* everything that is not message text:
//! every blanked character becomes whitespace of the same UTF-8 length, and line breaks stay.
//! So a byte offset in the segment plus the segment's start is a byte offset in the file, and
//! line numbers stay exact; `redact --in-place` can rewrite the file at those offsets.

use std::ops::Range;

/// Whitespace of the same UTF-8 length as `c`, so offsets do not move. One character for one
/// character, so columns stay right too (the 4-byte filler is an invisible tag character, which
/// the matcher's normaliser removes).
pub fn filler(c: char) -> &'static str {
    match c {
        '\n' => "\n",
        '\r' => "\r",
        _ => match c.len_utf8() {
            1 => " ",
            2 => "\u{00A0}",
            3 => "\u{2002}",
            _ => "\u{E0020}",
        },
    }
}

/// Blank `text[range]` in place, character by character.
pub fn blank(text: &mut String, range: Range<usize>) {
    if range.start >= range.end {
        return;
    }
    let replaced: String = text[range.clone()].chars().map(filler).collect();
    debug_assert_eq!(replaced.len(), range.len());
    text.replace_range(range, &replaced);
}

/// `text[range]` with everything outside the `keep` ranges (absolute offsets in `text`) blanked.
/// `keep` may be unsorted and may overlap.
pub fn keep_only(text: &str, range: Range<usize>, keep: &[Range<usize>]) -> String {
    let clip = |r: &Range<usize>| r.start.max(range.start)..r.end.min(range.end);
    // One range (a record with one text field) is already in order.
    let keep: std::borrow::Cow<[Range<usize>]> = if keep.len() <= 1 {
        keep.into()
    } else {
        let mut sorted = keep.to_vec();
        sorted.sort_by_key(|r| r.start);
        sorted.into()
    };
    let mut out = String::with_capacity(range.len());
    let mut at = range.start;
    for k in keep.iter().map(clip).filter(|r| r.start < r.end) {
        if k.end <= at {
            continue;
        }
        let start = k.start.max(at);
        push_blanked(&mut out, &text[at..start]);
        out.push_str(&text[start..k.end]);
        at = k.end;
    }
    push_blanked(&mut out, &text[at..range.end]);
    out
}

/// Append `text` blanked character by character ([`filler`]); a stretch of ASCII without line
/// breaks (the keys and punctuation around a JSON string) is as many spaces as it has bytes.
fn push_blanked(out: &mut String, text: &str) {
    const SPACES: &str = "                                ";
    if text
        .bytes()
        .all(|b| b.is_ascii() && b != b'\n' && b != b'\r')
    {
        let mut left = text.len();
        while left > 0 {
            let n = left.min(SPACES.len());
            out.push_str(&SPACES[..n]);
            left -= n;
        }
    } else {
        out.extend(text.chars().map(filler));
    }
}

/// Replace `seg[range]` (offsets relative to the segment) with `with`, padded with spaces to the
/// same byte length. `with` must not be longer than the range. Used for escape sequences (`""` in
/// CSV, `\n` or `\u00e9` in JSON) whose meaning is shorter than their spelling.
pub fn overwrite(seg: &mut String, range: Range<usize>, with: &str) {
    debug_assert!(with.len() <= range.len());
    let mut replacement = String::with_capacity(range.len());
    replacement.push_str(with);
    while replacement.len() < range.len() {
        replacement.push(' ');
    }
    seg.replace_range(range, &replacement);
}

/// Overwrite `seg[range]` with `with` followed by invisible characters (which the matcher's
/// normaliser removes, mapping offsets back) instead of spaces: a decoded escape then joins its
/// neighbours, so `\u0039\u00343 476 5919` reads as `943 476 5919`. A remainder of one byte,
/// which no invisible character fits, is a space.
pub fn overwrite_joined(seg: &mut String, range: Range<usize>, with: &str) {
    debug_assert!(with.len() <= range.len());
    let mut replacement = String::with_capacity(range.len());
    replacement.push_str(with);
    loop {
        let rest = range.len() - replacement.len();
        replacement.push_str(match rest {
            0 => break,
            1 => " ",
            2 => "\u{00AD}",
            3 | 5.. => "\u{200B}",
            4 => "\u{E0020}",
        });
    }
    seg.replace_range(range, &replacement);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blanked_text_keeps_offsets_lines_and_columns() {
        let text = "**Bold** é😀 [link](http://x)\nnext";
        let keep = [2..6, 16..20, text.len() - 4..text.len()];
        let out = keep_only(text, 0..text.len(), &keep);
        assert_eq!(out.len(), text.len());
        assert_eq!(out.chars().count(), text.chars().count());
        assert_eq!(&out[2..6], "Bold");
        assert!(out.ends_with("\nnext"));
        assert!(!out.contains('*'));
    }

    #[test]
    fn blanking_a_long_ascii_stretch_gives_as_many_spaces() {
        let text = format!("{{\"id\": 1, {}\"text\": \"hi\"}}", " ".repeat(70));
        let at = text.find("hi").unwrap();
        let keep: Vec<Range<usize>> = std::iter::once(at..at + 2).collect();
        let out = keep_only(&text, 0..text.len(), &keep);
        let expected: String = text.chars().map(filler).collect();
        assert_eq!(out, format!("{}hi{}", &expected[..at], &expected[at + 2..]));
        let mixed = "é\r\n{\"a\": 1}";
        assert_eq!(
            keep_only(mixed, 0..mixed.len(), &[]),
            "\u{00A0}\r\n        "
        );
    }

    #[test]
    fn overwrite_pads_to_the_same_length() {
        let mut s = String::from(r#"say \"hi\" now"#);
        overwrite(&mut s, 4..6, "\"");
        assert_eq!(s, "say \" hi\\\" now");
    }
}
