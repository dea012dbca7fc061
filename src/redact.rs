//! `presend redact`: the draft with every identifier replaced by a readable tag.
//!
//! Only `identifier` and `indirect-identifier` findings are redacted. A combination finding is
//! redacted part by part (the age, the bed, the date), never as one block, so the rest of the
//! sentence survives. Every other character, and every line break, is kept.

use crate::finding::Finding;

/// Replace every identifying span of `findings` in `text` with `[label]`. Spans are byte ranges
/// in `text`; overlapping spans merge and take the label of the one that starts first.
pub fn redact(text: &str, findings: &[Finding]) -> String {
    let mut spans: Vec<(usize, usize, &str)> = Vec::new();
    for f in findings.iter().filter(|f| f.category.is_identifying()) {
        if f.parts.is_empty() {
            spans.push((f.byte_range.0, f.byte_range.1, &*f.label));
        } else {
            spans.extend(
                f.parts
                    .iter()
                    .map(|p| (p.byte_range.0, p.byte_range.1, &*p.label)),
            );
        }
    }
    spans.sort_by_key(|&(s, e, _)| (s, std::cmp::Reverse(e)));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end, label) in spans {
        if end <= at || start >= text.len() {
            continue;
        }
        let start = start.max(at);
        out.push_str(&text[at..start]);
        // A span that crosses a line break keeps the break, so line numbers do not move.
        let breaks = text[start..end].matches('\n').count();
        out.push('[');
        out.push_str(label);
        out.push(']');
        out.push_str(&"\n".repeat(breaks));
        at = end;
    }
    out.push_str(&text[at..]);
    out
}
