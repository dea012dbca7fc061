//! presend in the browser: the built-in packs and the engine, compiled to WebAssembly for the
//! local web page under `web/`, so a clinician can check a draft without a terminal and without
//! the draft leaving their machine.
//!
//! The page calls [`check`] with the draft and gets back JSON: each finding with its rule,
//! category, severity, message, why and instead, located by UTF-16 offsets (what JavaScript
//! strings index by). [`scan`] is the same thing as Rust values, so the host runs the tests.
//!
//! Only the engine runs here: files, configuration, inline suppressions and the command line's
//! channel checks (length limits, messaging apps) belong to presend-app and stay out.
#![warn(clippy::print_stdout, clippy::print_stderr)]
#![warn(missing_docs)]

use presend_core::finding::Finding;
use presend_core::text::Segment;
use presend_engine::{Engine, ScanOptions};
use presend_rules::RuleSet;
use serde::Serialize;
use std::sync::OnceLock;
use wasm_bindgen::prelude::*;

/// One finding as the page shows it. Offsets are UTF-16 code units into the draft, end exclusive.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WebFinding {
    /// `<pack>/<rule>`, as `presend explain` takes it.
    pub rule: String,
    /// The report category (`identifier`, `unprofessional`, …).
    pub category: &'static str,
    /// `info`, `warning` or `error`.
    pub severity: &'static str,
    /// What was found, in one line.
    pub message: String,
    /// The rule's short name for what was found ("NHS number").
    pub label: String,
    /// Why it matters.
    pub why: String,
    /// What to do instead.
    pub instead: String,
    /// A better wording for the matched term, when the rule has one.
    pub suggestion: Option<String>,
    /// Where the finding starts.
    pub start: usize,
    /// Where it ends.
    pub end: usize,
    /// The stretches to highlight: the pieces of a near or combination finding, otherwise the
    /// whole span.
    pub spans: Vec<(usize, usize)>,
}

/// What the page says about the rules it carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RulesInfo {
    /// This crate's version (the workspace version).
    pub version: &'static str,
    /// Number of built-in packs.
    pub packs: usize,
    /// Number of rules that can produce a finding (signals excluded).
    pub rules: usize,
}

/// The engine over the built-in packs, compiled on first use and kept for the page's lifetime.
fn engine() -> Result<&'static Engine, String> {
    static ENGINE: OnceLock<Result<Engine, String>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            RuleSet::builtin()
                .map(Engine::new)
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// Scan `text` bound for `channel` (`x`, `whatsapp`, … or none) with the built-in rules.
/// Findings come in the order of the text.
pub fn scan(text: &str, channel: Option<&str>) -> Result<Vec<WebFinding>, String> {
    let engine = engine()?;
    let options = ScanOptions {
        channel: channel
            .map(|c| c.trim().to_lowercase())
            .filter(|c| !c.is_empty()),
    };
    let mut findings = engine.scan_with(&Segment::document("draft", text), &options);
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let utf16 = Utf16Offsets::new(text, &findings);
    Ok(findings.iter().map(|f| web_finding(f, &utf16)).collect())
}

/// Counts for the page's footer.
pub fn rules_info() -> Result<RulesInfo, String> {
    let rules = engine()?.rules();
    Ok(RulesInfo {
        version: env!("CARGO_PKG_VERSION"),
        packs: rules.packs.len(),
        rules: rules.rules.iter().filter(|r| !r.signal).count(),
    })
}

fn web_finding(f: &Finding, utf16: &Utf16Offsets) -> WebFinding {
    let span = utf16.range(f.byte_range);
    let spans = if f.parts.is_empty() {
        vec![span]
    } else {
        f.parts.iter().map(|p| utf16.range(p.byte_range)).collect()
    };
    WebFinding {
        rule: f.rule.to_string(),
        category: f.category.as_str(),
        severity: f.severity.as_str(),
        message: f.message.clone(),
        label: f.label.to_string(),
        why: f.why.to_string(),
        instead: f.instead.to_string(),
        suggestion: f.suggestion.clone(),
        start: span.0,
        end: span.1,
        spans,
    }
}

/// Byte offsets of one text mapped to UTF-16 offsets, computed in one pass over the text.
struct Utf16Offsets {
    /// Sorted `(byte offset, UTF-16 offset)` pairs for every offset a finding uses.
    table: Vec<(usize, usize)>,
}

impl Utf16Offsets {
    fn new(text: &str, findings: &[Finding]) -> Utf16Offsets {
        let mut bytes: Vec<usize> = findings
            .iter()
            .flat_map(|f| std::iter::once(f.byte_range).chain(f.parts.iter().map(|p| p.byte_range)))
            .flat_map(|(s, e)| [s, e])
            .collect();
        bytes.sort_unstable();
        bytes.dedup();
        let mut table = Vec::with_capacity(bytes.len());
        let mut wanted = bytes.into_iter().peekable();
        let mut units = 0;
        for (at, c) in text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')))
        {
            while let Some(&b) = wanted.peek() {
                if b > at {
                    break;
                }
                table.push((b, units));
                wanted.next();
            }
            units += c.len_utf16();
        }
        Utf16Offsets { table }
    }

    fn offset(&self, byte: usize) -> usize {
        let i = self.table.partition_point(|&(b, _)| b < byte);
        self.table.get(i).map_or(0, |&(_, u)| u)
    }

    fn range(&self, (start, end): (usize, usize)) -> (usize, usize) {
        (self.offset(start), self.offset(end))
    }
}

/// Check a draft: a JSON array of findings (see [`WebFinding`]). `channel` is where it is going,
/// or `undefined`.
#[wasm_bindgen]
pub fn check(text: &str, channel: Option<String>) -> Result<String, JsError> {
    let findings = scan(text, channel.as_deref()).map_err(|e| JsError::new(&e))?;
    serde_json::to_string(&findings).map_err(|e| JsError::new(&e.to_string()))
}

/// The version and the number of packs and rules, as JSON (see [`RulesInfo`]).
#[wasm_bindgen]
pub fn info() -> Result<String, JsError> {
    let info = rules_info().map_err(|e| JsError::new(&e))?;
    serde_json::to_string(&info).map_err(|e| JsError::new(&e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text a UTF-16 span covers, as JavaScript's `slice` would give it.
    fn slice16(text: &str, (start, end): (usize, usize)) -> String {
        let units: Vec<u16> = text.encode_utf16().collect();
        String::from_utf16(&units[start..end]).unwrap()
    }

    #[test]
    fn an_nhs_number_after_emoji_is_located_in_utf16_units() {
        // 😷 is two UTF-16 units and four bytes; é is one unit and two bytes.
        let text = "😷 café: NHS no 943 476 5919 😷";
        let findings = scan(text, None).unwrap();
        let nhs = findings
            .iter()
            .find(|f| f.rule == "uk-identifiers/nhs-number")
            .expect("an NHS number finding");
        assert_eq!(slice16(text, (nhs.start, nhs.end)), "943 476 5919");
        assert_eq!(nhs.category, "identifier");
        assert!(!nhs.why.is_empty() && !nhs.instead.is_empty());
    }

    #[test]
    fn a_combination_highlights_each_part_not_the_gap() {
        let text = "Lady in bed 12 on Ward 7 at St Mary's today, aged 84, lovely chat.";
        let findings = scan(text, None).unwrap();
        let combined = findings
            .iter()
            .find(|f| f.rule == "uk-identifiers/indirect-combination")
            .expect("the indirect-identifier combination fires");
        assert!(combined.spans.len() > 1, "a combination is made of parts");
        for &span in &combined.spans {
            assert!(combined.start <= span.0 && span.1 <= combined.end);
            assert!(!slice16(text, span).trim().is_empty());
        }
        let covered: usize = combined.spans.iter().map(|(s, e)| e - s).sum();
        assert!(covered < combined.end - combined.start);
    }

    #[test]
    fn a_clean_post_has_no_findings() {
        let text =
            "Great teaching session on sepsis recognition today, thanks to everyone who came!";
        assert_eq!(scan(text, None).unwrap(), Vec::new());
    }

    #[test]
    fn channel_rules_apply_only_for_their_channel() {
        let gated = engine()
            .unwrap()
            .rules()
            .rules
            .iter()
            .find(|r| !r.channels.is_empty() && !r.signal)
            .expect("a pack rule gated on a channel");
        let example = gated
            .examples
            .matches
            .first()
            .expect("the rule has a match example");
        let channel = gated
            .examples
            .channel
            .clone()
            .unwrap_or_else(|| gated.channels[0].clone())
            .to_uppercase();
        let with = scan(example, Some(&channel)).unwrap();
        assert!(with.iter().any(|f| *f.rule == *gated.full_id));
        let without = scan(example, None).unwrap();
        assert!(!without.iter().any(|f| *f.rule == *gated.full_id));
    }

    #[test]
    fn findings_serialise_with_the_fields_the_page_reads() {
        let findings = scan("NHS number 943 476 5919", None).unwrap();
        let json: serde_json::Value = serde_json::to_value(&findings).unwrap();
        let first = &json[0];
        for field in [
            "rule", "category", "severity", "message", "why", "instead", "start", "end", "spans",
        ] {
            assert!(first.get(field).is_some(), "missing {field}");
        }
    }

    #[test]
    fn rules_info_counts_the_builtin_packs() {
        let info = rules_info().unwrap();
        // presend's own pack (checks, channels, validator lexicons) is loaded beside the built-ins.
        assert_eq!(info.packs, presend_rules::BUILTIN_PACKS.len() + 1);
        assert!(info.rules > 0);
    }
}
