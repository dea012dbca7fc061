//! Masking of identifying text: the one place that decides what a report may show.
//!
//! The contract's Privacy section: matched text of `identifier` and `indirect-identifier`
//! findings is masked in every report under CI and always in machine formats, unless the user
//! asks otherwise. A masked span keeps its length in characters and its separators, so columns
//! and underlines still line up, and keeps only its first few letters or digits.

use crate::finding::Finding;

/// Whether reports mask identifying text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Privacy {
    /// Mask matched text of identifying findings.
    pub mask: bool,
}

impl Privacy {
    /// Mask the `match` of an identifying finding.
    pub fn apply(&self, finding: &mut Finding) {
        if self.mask && finding.category.is_identifying() {
            finding.matched = mask(&finding.matched);
        }
    }

    /// Mask, inside the `match` of a finding of another category, the identifying text it
    /// overlaps: a patient story that quotes an NHS number must not show the number its own
    /// finding masks. `masked` is `original` after [`Privacy::mask_spans`] (same byte length),
    /// and both start at byte `base` of the file.
    pub fn mask_overlaps(&self, finding: &mut Finding, original: &str, masked: &str, base: usize) {
        if !self.mask || finding.category.is_identifying() {
            return;
        }
        let (start, end) = finding.byte_range;
        let (Some(s), Some(e)) = (start.checked_sub(base), end.checked_sub(base)) else {
            return;
        };
        if let (Some(o), Some(m)) = (original.get(s..e), masked.get(s..e)) {
            if o == finding.matched {
                finding.matched = m.to_string();
            }
        }
    }

    /// Mask every identifying span of `findings` inside `text` (a document, or a part of one
    /// starting at byte `base` of the file), for reports that print source lines. Byte
    /// offsets are unchanged, so findings still point into it.
    pub fn mask_document(&self, text: &str, base: usize, findings: &[Finding]) -> Option<String> {
        self.mask_spans(text, base, identifying_spans(findings))
    }

    /// Mask byte spans (of the file) inside `text`, which starts at byte `base` of the file.
    /// Overlapping spans are merged first, so each character is masked once.
    pub fn mask_spans(
        &self,
        text: &str,
        base: usize,
        mut spans: Vec<(usize, usize)>,
    ) -> Option<String> {
        if !self.mask {
            return None;
        }
        spans.retain(|&(s, e)| s >= base && s < e);
        spans.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (s, e) in spans {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        let mut out = text.to_string();
        for (s, e) in merged.into_iter().rev() {
            let (s, e) = (s - base, e - base);
            if e <= out.len() && out.is_char_boundary(s) && out.is_char_boundary(e) {
                let masked = mask_keeping_bytes(&out[s..e]);
                out.replace_range(s..e, &masked);
            }
        }
        Some(out)
    }
}

/// The byte spans (in the file) of the identifying findings: each part of a combination, or the
/// whole match.
pub fn identifying_spans(findings: &[Finding]) -> Vec<(usize, usize)> {
    findings
        .iter()
        .filter(|f| f.category.is_identifying())
        .flat_map(|f| {
            let whole = std::iter::once(f.byte_range).filter(|_| f.parts.is_empty());
            whole.chain(f.parts.iter().map(|p| p.byte_range))
        })
        .collect()
}

/// Like [`mask`], but each masked character becomes as many `*` as it has bytes, so the text
/// keeps its byte length and byte offsets into it stay valid.
fn mask_keeping_bytes(text: &str) -> String {
    text.chars()
        .zip(mask(text).chars())
        .map(|(orig, masked)| {
            if masked == '*' && orig != '*' {
                "*".repeat(orig.len_utf8())
            } else {
                orig.to_string()
            }
        })
        .collect()
}

/// Mask letters and digits after the first few: `943 476 5919` → `943 *** ****`.
/// Each masked character becomes one `*`, so character counts stay.
///
/// Masking is idempotent (`*` counts as a masked letter), so a fingerprint computed from an
/// already-masked finding equals one computed from the original.
pub fn mask(text: &str) -> String {
    let maskable = |c: char| c.is_alphanumeric() || c == '*';
    let alnum = text.chars().filter(|&c| maskable(c)).count();
    let keep = (alnum / 3).min(3);
    let mut seen = 0;
    text.chars()
        .map(|c| {
            if maskable(c) {
                seen += 1;
                if seen > keep && c != '*' {
                    return '*';
                }
            }
            c
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nhs_number_keeps_its_first_three_digits() {
        assert_eq!(mask("943 476 5919"), "943 *** ****");
    }

    #[test]
    fn short_spans_keep_little() {
        assert_eq!(mask("LS6 2AB"), "LS* ***");
        assert_eq!(mask("83F"), "8**");
        assert_eq!(mask("12/03/1948"), "12/**/****");
    }

    #[test]
    fn masking_twice_changes_nothing() {
        for s in [
            "943 476 5919",
            "LS6 2AB",
            "83F … bed 4 … last night",
            "Mrs Jones",
        ] {
            assert_eq!(mask(&mask(s)), mask(s), "{s}");
        }
    }
}
