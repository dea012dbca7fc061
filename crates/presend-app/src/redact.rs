//! `presend redact`: the draft with every identifier replaced by a readable tag.
//!
//! Only `identifier` and `indirect-identifier` findings are redacted. A combination finding is
//! redacted part by part (the exact age, the bed, the time), never as one block, so the rest of
//! the sentence survives, and only as far as its advice asks: a part its pack marks `blurred`
//! ("in her eighties", "a lady") is kept as written. Where a direct identifier and a
//! combination part cover the same text, the identifier's tag wins, so a date of birth reads
//! `[date of birth]` in every file whether or not a combination also fired there.
//!
//! Tags tell identifiers apart without showing them ([`Tags`]): when a run meets two different
//! identifiers of one kind, each gets a number in the order first met (`[NHS number 1]`,
//! `[NHS number 2]`), and one identifier keeps its number everywhere it appears, in every file
//! of the run; a kind met once keeps the plain tag (`[NHS number]`). Every other character, and
//! every line break, is kept: a span that crosses a line break (a number split over two lines)
//! keeps its breaks after the tag, exactly as they were written (`\n`, `\r\n` or `\r`), so
//! line numbers and the file's line-ending style do not change.

use presend_core::Finding;
use std::collections::HashMap;

/// The numbering of one redact run: which identifiers of each kind it has met, in order. It
/// holds identifiers only as keys in memory; no tag or message ever shows one.
#[derive(Debug, Default)]
pub struct Tags {
    /// (kind, identifier key) -> its number among the kind's identifiers, from 1.
    numbers: HashMap<(String, String), usize>,
    /// Distinct identifiers met per kind.
    kinds: HashMap<String, usize>,
}

impl Tags {
    /// Note an identifier of kind `label` written as `text`; returns its number.
    fn meet(&mut self, label: &str, text: &str) -> usize {
        let key = (label.to_string(), identity(text));
        if let Some(&n) = self.numbers.get(&key) {
            return n;
        }
        let count = self.kinds.entry(label.to_string()).or_default();
        *count += 1;
        self.numbers.insert(key, *count);
        *count
    }

    /// The tag of identifier number `n` of kind `label`: numbered only when the run has met
    /// more than one identifier of that kind.
    fn tag(&self, label: &str, n: usize) -> String {
        if self.kinds.get(label).is_some_and(|&k| k > 1) {
            format!("[{label} {n}]")
        } else {
            format!("[{label}]")
        }
    }
}

/// What makes two spellings one identifier: letters and digits, case folded, so
/// `943 476 5919` and `9434765919`, or `Mr Patel` and `mr. patel`, are the same.
fn identity(text: &str) -> String {
    let key: String = text
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    if key.is_empty() {
        text.to_string()
    } else {
        key
    }
}

/// Replace every identifying span of `findings` in `text` with its tag, numbering within this
/// text alone. Spans are byte ranges in `text`; overlapping spans merge and take the label of
/// the one that starts first (the longer one when two start together).
pub fn redact(text: &str, findings: &[Finding]) -> String {
    redact_counted(text, findings, &mut Tags::default()).0
}

/// [`redact`] with the run's numbering, and the number of spans it replaced. Every span of
/// `text` is met before any is written, so a text that holds two identifiers of a kind numbers
/// both.
pub fn redact_counted(text: &str, findings: &[Finding], tags: &mut Tags) -> (String, usize) {
    let spans = kept_spans(text, findings);
    let numbers: Vec<usize> = spans
        .iter()
        .map(|&(start, end, label)| tags.meet(label, &text[start..end]))
        .collect();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (&(start, end, label), n) in spans.iter().zip(numbers) {
        out.push_str(&text[at..start]);
        out.push_str(&tags.tag(label, n));
        out.extend(line_breaks(&text[start..end]));
        at = end;
    }
    out.push_str(&text[at..]);
    (out, spans.len())
}

/// The spans [`redact_counted`] replaces: within `text`, each cut to start after the one
/// before it.
fn kept_spans<'f>(text: &str, findings: &'f [Finding]) -> Vec<(usize, usize, &'f str)> {
    let mut kept = Vec::new();
    let mut at = 0;
    for (start, end, label) in spans(findings) {
        if end <= at || start >= text.len() {
            continue;
        }
        // Findings start and end on character boundaries; should one ever not, the span widens
        // to the whole characters it touches, so nothing identifying is left unmasked.
        let start = floor_char_boundary(text, start.max(at)).max(at);
        let end = ceil_char_boundary(text, end.min(text.len()));
        if end <= start {
            continue;
        }
        kept.push((start, end, label));
        at = end;
    }
    kept
}

/// The nearest character boundary at or before `i`.
fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The nearest character boundary at or after `i` (`i` at most `text.len()`).
fn ceil_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
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
    fn a_span_cut_inside_a_character_widens_instead_of_leaving_the_identifier() {
        let text = "NHS é 943 476 5919 ok";
        let engine = Engine::new(RuleSet::builtin().expect("built-in packs load"));
        let mut findings = engine.scan(&Segment::document("-", text));
        let nhs = findings
            .iter_mut()
            .find(|f| &*f.label == "NHS number")
            .expect("the NHS number is found");
        // One byte into `é` (bytes 4..6): not a character boundary.
        nhs.byte_range.0 = 5;
        let out = redact(text, &findings);
        assert!(!out.contains("5919"), "{out}");
        assert_eq!(out, "NHS [NHS number] ok");
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
    fn different_identifiers_of_a_kind_are_numbered_and_one_keeps_its_number() {
        let out = redacted("NHS 943 476 5919 and 401 023 2137, then NHS 9434765919 again.");
        assert_eq!(
            out,
            "NHS [NHS number 1] and [NHS number 2], then NHS [NHS number 1] again."
        );
    }

    #[test]
    fn a_run_numbers_across_texts() {
        let engine = Engine::new(RuleSet::builtin().expect("built-in packs load"));
        let mut tags = Tags::default();
        let texts = [
            "NHS 943 476 5919 seen.",
            "NHS 401 023 2137 seen.",
            "NHS 943 476 5919 back.",
        ];
        // A survey first, as `presend redact` does over files, so the first text knows there
        // are two.
        for pass in 0..2 {
            let out: Vec<String> = texts
                .iter()
                .map(|t| {
                    let findings = engine.scan(&Segment::document("-", *t));
                    redact_counted(t, &findings, &mut tags).0
                })
                .collect();
            if pass == 1 {
                assert_eq!(
                    out,
                    [
                        "NHS [NHS number 1] seen.",
                        "NHS [NHS number 2] seen.",
                        "NHS [NHS number 1] back."
                    ]
                );
            }
        }
    }

    #[test]
    fn spellings_of_one_identifier_share_a_key() {
        assert_eq!(identity("943 476 5919"), identity("9434765919"));
        assert_eq!(identity("Mr. Patel"), identity("mr patel"));
        assert_ne!(identity("12/03/1948"), identity("12/03/1949"));
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
