//! The engine: compiled once from a [`RuleSet`], then asked to scan [`Segment`]s.
//!
//! - [`normalize`] builds the view matchers run on, with a map back to the user's text;
//! - [`terms`] reads the view once for every term of every rule (one trie walked from word starts);
//! - [`patterns`] runs only the regexes a prefilter lets through;
//! - [`judge`] validates, weighs context, applies allow-lists and builds near/combination hits;
//! - this module turns hits into [`Finding`]s located in the original text.
//!
//! The engine knows segments, not files or formats.
//!
//! Load the packs, compile them once, scan a text and read its findings:
//!
//! ```
//! use presend_core::text::Segment;
//! use presend_core::{Category, Severity};
//! use presend_engine::Engine;
//! use presend_rules::RuleSet;
//!
//! let engine = Engine::new(RuleSet::builtin()?);
//! let draft = Segment::document("draft.txt", "Discharged today, NHS no 943 476 5919.");
//! let findings = engine.scan(&draft);
//!
//! let nhs = findings
//!     .iter()
//!     .find(|f| &*f.rule == "uk-identifiers/nhs-number")
//!     .expect("a valid NHS number is found");
//! assert_eq!(nhs.category, Category::Identifier);
//! assert!(nhs.severity >= Severity::Warning);
//! assert_eq!(nhs.matched, "943 476 5919");
//! // Lines and columns count characters in the user's text, from 1.
//! assert_eq!((nhs.start.line, nhs.start.column), (1, 26));
//! # Ok::<(), presend_core::Error>(())
//! ```
#![warn(clippy::print_stdout, clippy::print_stderr)]
#![warn(missing_docs)]

use presend_core::{finding, text};
use presend_rules as rules;

mod judge;
pub mod normalize;
mod patterns;
pub mod selftest;
mod terms;
pub mod validators;

/// The term automaton on its own, for `benches/terms_vs_ac.rs`; not part of the interface.
#[doc(hidden)]
pub use terms::bench as term_bench;

use crate::finding::{Finding, Part, Severity};
use crate::rules::{RuleKind, RuleSet};
use crate::text::{advance, offset_position, PositionCursor, Segment};
use judge::Hit;
use normalize::Normalized;
use std::sync::Arc;

/// Lexicon whose terms introduce a mention ("the term", "so-called"): a term right after one is
/// discussed, not used. Any pack may define or extend it.
pub const MENTION_LEXICON: &str = "mention-marker";

/// Compiled rules, ready to scan.
#[derive(Debug, Clone)]
pub struct Engine {
    rules: RuleSet,
    terms: terms::TermMatcher,
    patterns: patterns::PatternMatcher,
    /// For each lexicon, the `terms` rules that include it.
    lexicon_users: Vec<Vec<u32>>,
    /// For each rule, the index of its pack.
    rule_pack: Vec<u32>,
    /// What the near and combination rules are built from, inverted.
    index: judge::Index,
    mention_lexicon: Option<u32>,
    /// Each rule's label, why and instead, shared by every finding of the rule.
    texts: Vec<RuleTexts>,
    /// Each pattern rule's validator, with the lexicon it reads.
    validators: Vec<Option<validators::Bound>>,
}

/// The term automaton of `rules` as bytes for [`Engine::with_prepared_terms`]: a build script
/// runs this on the built-in packs, so that starting presend reads the automaton instead of
/// building it. The bytes are in this machine's byte order and name the terms they were made
/// from; an engine given other rules builds its own.
pub fn prepare_terms(rules: &RuleSet) -> Vec<u8> {
    let patterns = patterns::PatternMatcher::build(rules);
    let anchors = patterns.anchors();
    let fingerprint = terms::fingerprint(rules, anchors);
    terms::TermMatcher::build(rules, anchors).to_prepared(fingerprint)
}

#[derive(Debug, Clone)]
struct RuleTexts {
    label: Arc<str>,
    why: Arc<str>,
    instead: Arc<str>,
}

/// What a scan needs to know besides the text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanOptions {
    /// Where the draft is going (`x`, `whatsapp`, …), lower case; rules with `channels` apply
    /// only when it is one of theirs.
    pub channel: Option<String>,
}

/// A rule hit as `rules test` sees it: signals included, before findings are merged.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleHit {
    /// Index into [`RuleSet::rules`].
    pub rule: usize,
    /// Severity after adjustments.
    pub severity: Severity,
    /// Byte span in the original text.
    pub span: (usize, usize),
}

impl Engine {
    /// Compile the rules: build the term automaton and the regex prefilter.
    pub fn new(rules: RuleSet) -> Engine {
        Engine::compile(rules, None)
    }

    /// As [`Engine::new`], but the term automaton is read from `prepared` (bytes that
    /// [`prepare_terms`] made, typically at build time) when they were made from the same terms
    /// as `rules`' by this version of the engine; otherwise it is built as [`Engine::new`]
    /// builds it. Either way the engine finds the same hits; [`Engine::terms_prepared`] says
    /// which happened. `prepared` must be 8-aligned to be read in place.
    pub fn with_prepared_terms(rules: RuleSet, prepared: &'static [u8]) -> Engine {
        Engine::compile(rules, Some(prepared))
    }

    /// Whether the term automaton was read from prepared bytes rather than built.
    pub fn terms_prepared(&self) -> bool {
        self.terms.is_prepared()
    }

    fn compile(rules: RuleSet, prepared: Option<&'static [u8]>) -> Engine {
        let mut lexicon_users = vec![Vec::new(); rules.lexicons.len()];
        for (i, rule) in rules.rules.iter().enumerate() {
            if let RuleKind::Terms(ts) = &rule.kind {
                for &l in &ts.lexicons {
                    lexicon_users[l].push(i as u32);
                }
            }
        }
        let rule_pack = rules
            .rules
            .iter()
            .map(|r| rules.packs.iter().position(|p| p.id == r.pack).unwrap_or(0) as u32)
            .collect();
        let mention_lexicon = rules
            .lexicons
            .iter()
            .position(|l| l.id == MENTION_LEXICON)
            .map(|i| i as u32);
        let texts = rules
            .rules
            .iter()
            .map(|r| RuleTexts {
                label: r.label.as_str().into(),
                why: r.why.as_str().into(),
                instead: r.instead.as_str().into(),
            })
            .collect();
        let validators = rules
            .rules
            .iter()
            .map(|r| validators::Bound::for_rule(r, &rules))
            .collect();
        let patterns = patterns::PatternMatcher::build(&rules);
        let index = judge::Index::new(&rules);
        let terms = prepared
            .and_then(|bytes| {
                let fingerprint = terms::fingerprint(&rules, patterns.anchors());
                terms::TermMatcher::from_prepared(bytes, fingerprint)
            })
            .unwrap_or_else(|| terms::TermMatcher::build(&rules, patterns.anchors()));
        Engine {
            validators,
            texts,
            terms,
            patterns,
            rules,
            lexicon_users,
            rule_pack,
            index,
            mention_lexicon,
        }
    }

    /// The rules this engine was compiled from.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Run rule `rule`'s validator on matched text; `None` when the rule has none.
    fn validate(&self, rule: u32, text: &str) -> Option<validators::Verdict> {
        self.validators[rule as usize]
            .as_ref()
            .map(|v| v.check(text))
    }

    /// Pack patterns that failed to compile when a scan first ran them, each naming file, line
    /// and rule. Loading checks every pattern, so this is empty unless that check missed one;
    /// such a pattern matches nothing, and a caller that gets any should stop with the error.
    pub fn pattern_errors(&self) -> Vec<presend_core::error::PackError> {
        self.patterns.errors()
    }

    /// Whether rule `r` applies to a scan with these options (its channel gate).
    fn applies(&self, r: u32, options: &ScanOptions) -> bool {
        let channels = &self.rules.rules[r as usize].channels;
        channels.is_empty()
            || options
                .channel
                .as_ref()
                .is_some_and(|c| channels.iter().any(|x| x == c))
    }

    /// Every rule hit in `text`, signals included, in original byte offsets.
    pub fn hits(&self, text: &str, options: &ScanOptions) -> Vec<RuleHit> {
        let norm = Normalized::new(text);
        judge::evaluate(self, &norm, options)
            .into_iter()
            .map(|h| RuleHit {
                rule: h.rule as usize,
                severity: h.severity,
                span: norm.to_original((h.start, h.end)),
            })
            .collect()
    }

    /// Scan one segment with default options (no channel).
    pub fn scan(&self, segment: &Segment) -> Vec<Finding> {
        self.scan_with(segment, &ScanOptions::default())
    }

    /// Scan one segment and return its findings, located in the segment's document.
    pub fn scan_with(&self, segment: &Segment, options: &ScanOptions) -> Vec<Finding> {
        let norm = Normalized::new(&segment.text);
        let mut hits = judge::evaluate(self, &norm, options);
        hits.retain(|h| !self.rules.rules[h.rule as usize].signal);
        if hits.is_empty() {
            return Vec::new();
        }
        self.keep_most_specific(&mut hits);
        let mut cursor = PositionCursor::new(&segment.text);
        hits.iter()
            .map(|h| self.finding(segment, &norm, &mut cursor, h))
            .collect()
    }

    /// Where two span-precise hits of one category overlap (an NHS number that is also shaped
    /// like a phone number), report only the strongest: severity, then confidence, then length.
    ///
    /// `hits` is sorted by start. Hits are decided in order: one is dropped when an overlapping
    /// hit of its category is stronger (ties go to the earlier hit) and has not itself been
    /// dropped already. Only overlapping pairs are visited, so a long message with many hits
    /// costs no more than its overlaps.
    fn keep_most_specific(&self, hits: &mut Vec<Hit>) {
        if hits.len() < 2 {
            return;
        }
        let precise = |h: &Hit| {
            matches!(
                self.rules.rules[h.rule as usize].kind,
                RuleKind::Pattern { .. } | RuleKind::Terms(_)
            )
        };
        let strength = |h: &Hit| (h.severity, (h.confidence * 1000.0) as i64, h.end - h.start);
        let category = |h: &Hit| self.rules.rules[h.rule as usize].category;
        debug_assert!(hits.windows(2).all(|w| w[0].start <= w[1].start));
        // Overlapping pairs of precise hits of one category: with hits sorted by start, the
        // hits overlapping `i` from the right are the run after it that starts before it ends.
        let mut rivals: Vec<Vec<usize>> = vec![Vec::new(); hits.len()];
        for i in 0..hits.len() {
            if !precise(&hits[i]) {
                continue;
            }
            for j in i + 1..hits.len() {
                let (a, b) = (&hits[i], &hits[j]);
                if b.start >= a.end {
                    break;
                }
                if precise(b) && category(a) == category(b) && a.start < b.end {
                    rivals[i].push(j);
                    rivals[j].push(i);
                }
            }
        }
        let mut drop = vec![false; hits.len()];
        for i in 0..hits.len() {
            let a = &hits[i];
            drop[i] = rivals[i]
                .iter()
                .any(|&j| !drop[j] && (strength(a), j) < (strength(&hits[j]), i));
        }
        let mut k = 0;
        hits.retain(|_| {
            k += 1;
            !drop[k - 1]
        });
    }

    fn finding(
        &self,
        seg: &Segment,
        norm: &Normalized,
        cursor: &mut PositionCursor,
        h: &Hit,
    ) -> Finding {
        let rule = &self.rules.rules[h.rule as usize];
        let (start, end) = trim_blanks(&seg.text, norm.to_original((h.start, h.end)));
        let parts: Vec<((usize, usize), u32)> = h
            .parts
            .iter()
            .map(|&(s, e, r)| (trim_blanks(&seg.text, norm.to_original((s, e))), r))
            .collect();
        let matched = if matches!(rule.kind, RuleKind::Combination { .. }) {
            let texts: Vec<&str> = parts.iter().map(|&((s, e), _)| &seg.text[s..e]).collect();
            texts.join(" … ")
        } else {
            seg.text[start..end].to_string()
        };
        let mut message = rule.message.clone();
        if let Some(label) = h.label {
            message = format!("{} ({label})", message.trim_end_matches('.'));
        }
        if matches!(rule.kind, RuleKind::Combination { .. }) {
            message = format!("{}: {}", message.trim_end_matches('.'), h.notes.join(", "));
        }
        let start_position = cursor.position(start);
        let shift =
            |(s, e): (usize, usize)| (s + seg.origin.byte_offset, e + seg.origin.byte_offset);
        Finding {
            rule: rule.full_id.clone(),
            category: rule.category,
            severity: h.severity,
            message,
            label: self.texts[h.rule as usize].label.clone(),
            why: self.texts[h.rule as usize].why.clone(),
            instead: self.texts[h.rule as usize].instead.clone(),
            path: seg.origin.path.clone(),
            record: seg.origin.record,
            start: offset_position(&seg.origin, start_position),
            end: offset_position(&seg.origin, advance(start_position, &seg.text[start..end])),
            matched,
            confidence: (h.confidence * 100.0).round() / 100.0,
            suggestion: h.suggestion.as_deref().map(str::to_string),
            byte_range: shift((start, end)),
            parts: parts
                .into_iter()
                .map(|(range, r)| Part {
                    byte_range: shift(range),
                    label: self.texts[r as usize].label.clone(),
                    blurred: self.rules.rules[r as usize].blurred,
                })
                .collect(),
            notes: if matches!(rule.kind, RuleKind::Combination { .. }) {
                Vec::new()
            } else {
                h.notes.clone()
            },
        }
    }
}

/// `span` of `text` without whitespace at either end. A match that begins at the start of a
/// sentence can begin with the whitespace before it, which the normalised view squeezes to one
/// space and which maps back to the whole run: a draft's indentation, or the markup a format
/// reader blanked (a Markdown list marker, a CSV cell's quote). A finding points at its text.
fn trim_blanks(text: &str, (start, end): (usize, usize)) -> (usize, usize) {
    // The filler a reader puts in place of a blanked four-byte character (see presend-input).
    let blank = |c: char| c.is_whitespace() || c == '\u{E0020}';
    let inner = &text[start..end];
    let body = inner.trim_start_matches(blank).trim_end_matches(blank);
    if body.is_empty() {
        return (start, end);
    }
    let from = start + (inner.len() - inner.trim_start_matches(blank).len());
    (from, from + body.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_lose_whitespace_at_their_ends_but_never_vanish() {
        let text = "a \u{00A0} GP here \n\u{E0020}b";
        let gp = text.find("GP").unwrap();
        let end = text.find("here").unwrap() + 4;
        assert_eq!(trim_blanks(text, (1, text.len() - 1)), (gp, end));
        assert_eq!(trim_blanks(text, (gp, end)), (gp, end));
        // A span of nothing but blanks is left as it is.
        assert_eq!(trim_blanks(text, (1, gp)), (1, gp));
    }

    #[test]
    fn an_engine_can_be_shared_across_threads() {
        // The check session scans files and records in parallel with one engine; its lazily
        // built parts (regexes, the shared pattern pass) must stay thread-safe.
        fn shareable<T: Send + Sync>() {}
        shareable::<Engine>();
    }

    #[test]
    fn nothing_is_compiled_until_a_scan_needs_it() {
        let engine = Engine::new(RuleSet::builtin().unwrap());
        let compiled = |e: &Engine| e.patterns.compiled();
        assert_eq!(compiled(&engine), 0);
        // An ordinary post compiles only the few patterns whose first words it contains.
        let all = engine
            .rules()
            .rules
            .iter()
            .map(|r| match &r.kind {
                RuleKind::Pattern { regexes, .. } => regexes.len(),
                _ => 0,
            })
            .sum::<usize>();
        engine.scan(&Segment::document("-", "Lovely team, thanks all #NHS"));
        assert!(
            compiled(&engine) * 4 < all,
            "{} of {all}",
            compiled(&engine)
        );
        let findings = engine.scan(&Segment::document("-", "NHS no 943 476 5919"));
        assert!(findings
            .iter()
            .any(|f| &*f.rule == "uk-identifiers/nhs-number"));
        assert!(compiled(&engine) >= 1);
    }
}
