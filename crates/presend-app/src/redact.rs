//! `presend redact`: the draft with every identifier replaced by a readable tag.
//!
//! Only `identifier` and `indirect-identifier` findings are redacted. A combination finding is
//! redacted part by part (the exact age, the bed, the time), never as one block, so the rest of
//! the sentence survives, and only as far as its advice asks: a part its pack marks `blurred`
//! ("in her eighties", "a lady") is kept as written. Where a direct identifier and a
//! combination part cover the same text, the identifier's tag wins, so a date of birth reads
//! `[date of birth]` in every file whether or not a combination also fired there. Every other character, and every line break, is kept: a span that crosses
//! a line break (a number split over two lines) keeps its breaks after the tag, exactly as they
//! were written (`\n`, `\r\n` or `\r`), so line numbers and the file's line-ending style do not
//! change.

use presend_core::Finding;

/// Replace every identifying span of `findings` in `text` with `[label]`. Spans are byte ranges
/// in `text`; overlapping spans merge and take the label of the one that starts first (the
/// longer one when two start together).
pub fn redact(text: &str, findings: &[Finding]) -> String {
    redact_counted(text, findings).0
}

/// [`redact`], with the number of spans it replaced.
pub fn redact_counted(text: &str, findings: &[Finding]) -> (String, usize) {
    let mut replaced = 0;
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end, label) in spans(findings) {
        if end <= at || start >= text.len() {
            continue;
        }
        let start = start.max(at);
        let end = end.min(text.len());
        out.push_str(&text[at..start]);
        out.push('[');
        out.push_str(label);
        out.push(']');
        out.extend(line_breaks(&text[start..end]));
        at = end;
        replaced += 1;
    }
    out.push_str(&text[at..]);
    (out, replaced)
}

/// Whether redacting `findings` would change anything.
pub fn has_redactable(findings: &[Finding]) -> bool {
    !spans(findings).is_empty()
}

/// The identifying spans, sorted by start (longest first on a tie, then a direct finding
/// before a combination's part).
fn spans(findings: &[Finding]) -> Vec<(usize, usize, &str)> {
    let mut spans: Vec<(usize, usize, bool, &str)> = Vec::new();
    for f in findings.iter().filter(|f| f.category.is_identifying()) {
        if f.parts.is_empty() {
            spans.push((f.byte_range.0, f.byte_range.1, false, &*f.label));
        } else {
            spans.extend(
                f.parts
                    .iter()
                    .filter(|p| !p.blurred)
                    .map(|p| (p.byte_range.0, p.byte_range.1, true, &*p.label)),
            );
        }
    }
    spans.sort_by_key(|&(s, e, part, _)| (s, std::cmp::Reverse(e), part));
    spans
        .into_iter()
        .map(|(s, e, _, label)| (s, e, label))
        .collect()
}

/// The line breaks inside `s`, each as written.
fn line_breaks(s: &str) -> impl Iterator<Item = &str> {
    s.match_indices(['\r', '\n']).filter_map(move |(i, m)| {
        // `\r\n` is one break: keep it whole at the `\r`, skip its `\n`.
        let crlf = m == "\r" && s[i + 1..].starts_with('\n');
        let second_half = m == "\n" && i > 0 && s[..i].ends_with('\r');
        match (crlf, second_half) {
            (true, _) => Some(&s[i..i + 2]),
            (_, true) => None,
            _ => Some(m),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use presend_core::text::Segment;
    use presend_engine::Engine;
    use presend_rules::RuleSet;

    fn redacted(text: &str) -> String {
        let engine = Engine::new(RuleSet::builtin().expect("built-in packs load"));
        let findings = engine.scan(&Segment::document("-", text));
        redact(text, &findings)
    }

    #[test]
    fn identifiers_become_tags_and_the_rest_is_kept() {
        let text = "Mr Patel (NHS 943 476 5919, DOB 12/03/1948) is better.\nLovely team today!\n";
        assert_eq!(
            redacted(text),
            "[name] (NHS [NHS number], DOB [date of birth]) is better.\nLovely team today!\n"
        );
    }

    #[test]
    fn a_number_split_over_lines_keeps_its_line_breaks() {
        let text = "NHS no 943 476\r\n5919 today\r\nok";
        let out = redacted(text);
        assert_eq!(out, "NHS no [NHS number]\r\n today\r\nok");
        assert_eq!(out.lines().count(), text.lines().count());
    }

    #[test]
    fn combinations_are_redacted_part_by_part() {
        let out = redacted("83F in bed 4 last night, then home.");
        assert_eq!(out, "[age] in [ward or bed] [time or date], then home.");
    }

    #[test]
    fn a_combination_keeps_the_parts_its_advice_allows() {
        let out = redacted("Lovely lady in her eighties in bed 4 last night.");
        assert_eq!(
            out,
            "Lovely lady in her eighties in [ward or bed] [time or date]."
        );
    }

    #[test]
    fn a_date_of_birth_inside_a_combination_keeps_its_own_tag() {
        let out = redacted("Lovely lady in bed 4, DOB 12/03/1948, seen yesterday.");
        assert_eq!(
            out,
            "Lovely lady in [ward or bed], DOB [date of birth], seen [time or date]."
        );
    }

    #[test]
    fn other_categories_and_clean_text_are_untouched() {
        let text = "What a shift. BP 120/80, bleep 1234, NEWS2 of 5.";
        assert_eq!(redacted(text), text);
    }

    #[test]
    fn line_breaks_are_read_as_written() {
        let breaks: Vec<&str> = line_breaks("a\nb\r\nc\rd").collect();
        assert_eq!(breaks, ["\n", "\r\n", "\r"]);
    }
}
