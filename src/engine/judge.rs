//! The judge: turns raw term and pattern hits into rule hits. It runs validators, weighs context
//! words inside a window, applies allow-lists, evaluates the rules built from other hits (`near`,
//! `combination`) and caps a term that is mentioned rather than used at `info`.
//!
//! Everything here works on the normalised view; the engine maps the result back.

use super::normalize::Normalized;
use super::patterns::PatternHit;
use super::terms::{is_word_char, Slot, SlotHits, TermHit};
use super::{Engine, ScanOptions};
use crate::finding::Severity;
use crate::rules::{Effect, Keep, Rule, RuleKind, TermSet};
use std::cell::OnceCell;
use std::sync::Arc;

/// A rule that fired, before it becomes a [`crate::Finding`].
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub rule: u32,
    pub start: usize,
    pub end: usize,
    pub confidence: f64,
    pub severity: Severity,
    pub suggestion: Option<Arc<str>>,
    pub label: Option<&'static str>,
    pub parts: Vec<(usize, usize, u32)>,
    pub notes: Vec<String>,
}

impl Hit {
    fn new(rule: &Rule, index: u32, start: usize, end: usize) -> Hit {
        Hit {
            rule: index,
            start,
            end,
            confidence: rule.confidence,
            severity: rule.severity,
            suggestion: None,
            label: None,
            parts: Vec::new(),
            notes: Vec::new(),
        }
    }

    fn span(&self) -> (usize, usize) {
        (self.start, self.end)
    }
}

/// Word starts of a message, built only when a window has to be measured.
struct Words<'a> {
    text: &'a str,
    starts: OnceCell<Vec<usize>>,
}

impl Words<'_> {
    fn starts(&self) -> &[usize] {
        self.starts.get_or_init(|| {
            let mut out = Vec::new();
            let mut prev_word = false;
            for (i, c) in self.text.char_indices() {
                let w = is_word_char(c);
                if w && !prev_word {
                    out.push(i);
                }
                prev_word = w;
            }
            out
        })
    }

    /// Words strictly between two spans (0 when they touch or overlap).
    fn between(&self, a: (usize, usize), b: (usize, usize)) -> usize {
        let (first, second) = if a.0 <= b.0 { (a, b) } else { (b, a) };
        if second.0 < first.1 {
            return 0;
        }
        let starts = self.starts();
        let before = |p: usize| starts.partition_point(|&s| s < p);
        before(second.0).saturating_sub(before(first.1))
    }
}

/// Everything one message produced, signals included.
pub(crate) fn evaluate(engine: &Engine, norm: &Normalized, options: &ScanOptions) -> Vec<Hit> {
    let text = norm.as_str();
    let slots = engine.terms.find(norm);
    let words = Words {
        text,
        starts: OnceCell::new(),
    };
    let judge = Judge {
        engine,
        slots: &slots,
        words: &words,
        text,
    };
    let mut hits = judge.term_rule_hits();
    let raw = engine.patterns.find(&engine.rules, text, &slots);
    hits.extend(raw.iter().filter_map(|p| judge.pattern_hit(p)));
    let applies = |r: u32| engine.applies(r, options);
    hits.retain_mut(|h| applies(h.rule) && judge.weigh(h));
    dedupe_within_rule(&mut hits);
    for &r in engine.near_rules.iter().filter(|&&r| applies(r)) {
        let near = judge.near_hits(r, &hits);
        hits.extend(near);
    }
    for &r in engine.combination_rules.iter().filter(|&&r| applies(r)) {
        if let Some(h) = judge.combination_hit(r, &hits) {
            hits.push(h);
        }
    }
    for h in &mut hits {
        judge.cap_mention(h);
    }
    hits.sort_by_key(|h| (h.start, h.end, h.rule));
    hits
}

struct Judge<'a> {
    engine: &'a Engine,
    slots: &'a SlotHits,
    words: &'a Words<'a>,
    text: &'a str,
}

impl Judge<'_> {
    fn rule(&self, r: u32) -> &Rule {
        &self.engine.rules.rules[r as usize]
    }

    fn slot(&self, slot: Slot) -> &[TermHit] {
        self.slots.get(&slot).map_or(&[], Vec::as_slice)
    }

    /// Hits of `terms` rules, from their own terms and from the lexicons they name.
    fn term_rule_hits(&self) -> Vec<Hit> {
        let mut out = Vec::new();
        for (slot, list) in self.slots {
            let rules: &[u32] = match slot {
                Slot::Rule(r) => std::slice::from_ref(r),
                Slot::Lexicon(l) => &self.engine.lexicon_users[*l as usize],
                _ => continue,
            };
            for &r in rules {
                let rule = self.rule(r);
                out.extend(list.iter().map(|t| {
                    let mut h = Hit::new(rule, r, t.start, t.end);
                    h.suggestion = t.suggestion.clone();
                    h
                }));
            }
        }
        out
    }

    /// Run the validator of a raw pattern match.
    fn pattern_hit(&self, p: &PatternHit) -> Option<Hit> {
        let rule = self.rule(p.rule);
        let RuleKind::Pattern {
            validator, keep, ..
        } = &rule.kind
        else {
            return None;
        };
        let mut hit = Hit::new(rule, p.rule, p.start, p.end);
        if let Some(v) = validator {
            let verdict = v.check(&self.text[p.start..p.end]);
            match (keep, verdict.valid) {
                (Keep::Valid, true) => {
                    hit.confidence = (hit.confidence + 0.3).min(1.0);
                    hit.label = verdict.label;
                }
                (Keep::Invalid, false) => {}
                _ => return None,
            }
        }
        Some(hit)
    }

    /// Apply allow-lists, context and negative context. False drops the hit.
    fn weigh(&self, hit: &mut Hit) -> bool {
        let rule = self.rule(hit.rule);
        let span = hit.span();
        let pack = self.engine.rule_pack[hit.rule as usize];
        let allowed = |slot| covers(self.slot(slot), span);
        if allowed(Slot::AllowRule(hit.rule)) || allowed(Slot::AllowPack(pack)) {
            return false;
        }
        if let Some(c) = &rule.context {
            if self.within(span, Slot::Context(hit.rule), &c.words, c.window) {
                hit.confidence = (hit.confidence + c.boost).min(1.0);
            } else if c.required {
                return false;
            }
        }
        if let Some(n) = &rule.negative_context {
            if self.within(span, Slot::Negative(hit.rule), &n.words, n.window) {
                match n.effect {
                    Effect::Suppress => return false,
                    Effect::Lower => {
                        hit.severity = hit.severity.lowered();
                        hit.confidence *= 0.7;
                        hit.notes.push("lowered by nearby wording".into());
                    }
                    Effect::Doubt => hit.confidence *= 0.6,
                }
            }
        }
        true
    }

    /// Whether a word of `slot` or of the set's lexicons lies within `window` words of `span`.
    fn within(&self, span: (usize, usize), slot: Slot, set: &TermSet, window: usize) -> bool {
        let lexicon_lists = set
            .lexicons
            .iter()
            .map(|&l| self.slot(Slot::Lexicon(l as u32)));
        std::iter::once(self.slot(slot))
            .chain(lexicon_lists)
            .any(|list| {
                nearest(list, span)
                    .is_some_and(|t| self.words.between(span, (t.start, t.end)) <= window)
            })
    }

    /// Spans of one side of a near rule.
    fn side(&self, r: u32, b: bool, set: &TermSet, hits: &[Hit]) -> Vec<(usize, usize)> {
        let mut spans: Vec<_> = self
            .slot(Slot::Side(r, b))
            .iter()
            .chain(
                set.lexicons
                    .iter()
                    .flat_map(|&l| self.slot(Slot::Lexicon(l as u32))),
            )
            .map(|t| (t.start, t.end))
            .collect();
        spans.extend(
            hits.iter()
                .filter(|h| set.rules.contains(&(h.rule as usize)))
                .map(Hit::span),
        );
        spans.sort_unstable();
        spans.dedup();
        spans
    }

    fn near_hits(&self, r: u32, hits: &[Hit]) -> Vec<Hit> {
        let rule = self.rule(r);
        let RuleKind::Near {
            a,
            b,
            window,
            ordered,
        } = &rule.kind
        else {
            return Vec::new();
        };
        let side_a = self.side(r, false, a, hits);
        if side_a.is_empty() {
            return Vec::new();
        }
        let side_b: Vec<TermHit> = self
            .side(r, true, b, hits)
            .into_iter()
            .map(|(start, end)| TermHit {
                start,
                end,
                suggestion: None,
            })
            .collect();
        let mut out: Vec<Hit> = Vec::new();
        for &sa in &side_a {
            let Some(sb) = nearest_clear(&side_b, sa, *ordered) else {
                continue;
            };
            if self.words.between(sa, sb) > *window {
                continue;
            }
            let (start, end) = (sa.0.min(sb.0), sa.1.max(sb.1));
            // Side `a` is sorted by start, so only the latest pairs can overlap this one.
            if out
                .iter()
                .rev()
                .take(LOOKAROUND)
                .any(|h| overlaps(h.span(), (start, end)))
            {
                continue;
            }
            let mut h = Hit::new(rule, r, start, end);
            h.parts = vec![(sa.0, sa.1, r), (sb.0, sb.1, r)];
            if self.weigh(&mut h) {
                out.push(h);
            }
        }
        out
    }

    fn combination_hit(&self, r: u32, hits: &[Hit]) -> Option<Hit> {
        let rule = self.rule(r);
        let RuleKind::Combination { signals, min } = &rule.kind else {
            return None;
        };
        let mut parts = Vec::new();
        let mut kinds = Vec::new();
        for &s in signals {
            let spans: Vec<_> = hits
                .iter()
                .filter(|h| h.rule as usize == s)
                .map(|h| (h.start, h.end, h.rule))
                .collect();
            if !spans.is_empty() {
                kinds.push(self.engine.rules.rules[s].label.clone());
                parts.extend(spans);
            }
        }
        if kinds.len() < *min {
            return None;
        }
        parts.sort_unstable();
        let start = parts.iter().map(|p| p.0).min()?;
        let end = parts.iter().map(|p| p.1).max()?;
        let mut h = Hit::new(rule, r, start, end);
        h.confidence = (rule.confidence + 0.05 * (kinds.len() - min) as f64).min(1.0);
        h.parts = parts;
        h.notes = kinds;
        self.weigh(&mut h).then_some(h)
    }

    /// A term that is quoted or introduced ("the term", "so-called") is mentioned, not used:
    /// report it at most as `info` (language-risks.md §0, "mention, not use").
    fn cap_mention(&self, hit: &mut Hit) {
        let rule = self.rule(hit.rule);
        if rule.category.is_identifying() || hit.severity == Severity::Info {
            return;
        }
        let spans: Vec<(usize, usize)> = if hit.parts.is_empty() {
            vec![hit.span()]
        } else {
            hit.parts.iter().map(|p| (p.0, p.1)).collect()
        };
        let quoted = spans.iter().any(|&s| self.is_quoted(s));
        let introduced = self.engine.mention_lexicon.is_some_and(|l| {
            let markers = self.slot(Slot::Lexicon(l));
            spans.iter().any(|&s| {
                preceding(markers, s).is_some_and(|m| self.words.between((m.start, m.end), s) <= 2)
            })
        });
        if quoted || introduced {
            hit.severity = Severity::Info;
            hit.confidence *= 0.5;
            hit.notes.push("mentioned, not used".into());
        }
    }

    fn is_quoted(&self, (start, end): (usize, usize)) -> bool {
        let before = self.text[..start].chars().next_back();
        let after = self.text[end..].chars().next();
        matches!(
            (before, after),
            (Some('"'), Some('"')) | (Some('\''), Some('\''))
        )
    }
}

fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// How far a lookup walks past spans that overlap the one it measures from. Lists are sorted by
/// start, so overlapping spans are adjacent; a few steps find the nearest one that matters
/// without making a long message quadratic.
const LOOKAROUND: usize = 8;

/// The span of `list` (sorted by start) closest to `span`, for context windows: one that
/// overlaps it counts as distance zero.
fn nearest(list: &[TermHit], span: (usize, usize)) -> Option<&TermHit> {
    let i = list.partition_point(|t| t.start < span.0);
    let after = list[i..].iter().take(LOOKAROUND).next();
    let before = list[..i]
        .iter()
        .rev()
        .take(LOOKAROUND)
        .min_by_key(|t| span.0.saturating_sub(t.end));
    match (before, after) {
        (Some(b), Some(a)) => {
            let gap_before = span.0.saturating_sub(b.end);
            let gap_after = a.start.saturating_sub(span.1);
            Some(if gap_before <= gap_after { b } else { a })
        }
        (b, a) => b.or(a),
    }
}

/// The span of `list` (sorted by start) nearest to `span` that does not overlap it, for the
/// other side of a `near` rule (`after_only`: it must start after `span` ends).
fn nearest_clear(
    list: &[TermHit],
    span: (usize, usize),
    after_only: bool,
) -> Option<(usize, usize)> {
    let i = list.partition_point(|t| t.start < span.0);
    let after = list[i..]
        .iter()
        .take(LOOKAROUND)
        .find(|t| t.start >= span.1)
        .map(|t| (t.start, t.end));
    if after_only {
        return after;
    }
    let before = list[..i]
        .iter()
        .rev()
        .take(LOOKAROUND)
        .filter(|t| t.end <= span.0)
        .max_by_key(|t| t.end)
        .map(|t| (t.start, t.end));
    match (before, after) {
        (Some(b), Some(a)) => Some(if span.0 - b.1 <= a.0 - span.1 { b } else { a }),
        (b, a) => b.or(a),
    }
}

/// The closest span of `list` (sorted by start) that ends at or before `span` starts.
fn preceding(list: &[TermHit], span: (usize, usize)) -> Option<&TermHit> {
    let i = list.partition_point(|t| t.start < span.0);
    list[..i]
        .iter()
        .rev()
        .take(LOOKAROUND)
        .filter(|t| t.end <= span.0)
        .max_by_key(|t| t.end)
}

/// Whether some span of `list` (sorted by start) contains `span`.
fn covers(list: &[TermHit], span: (usize, usize)) -> bool {
    let i = list.partition_point(|t| t.start <= span.0);
    list[..i]
        .iter()
        .rev()
        .take(LOOKAROUND)
        .any(|t| span.1 <= t.end)
}

/// One rule, one hit per stretch of text: of overlapping hits of the same rule keep the longest.
fn dedupe_within_rule(hits: &mut Vec<Hit>) {
    hits.sort_by(|x, y| {
        (x.rule, x.start, std::cmp::Reverse(x.end)).cmp(&(
            y.rule,
            y.start,
            std::cmp::Reverse(y.end),
        ))
    });
    let mut kept: Vec<Hit> = Vec::with_capacity(hits.len());
    for h in hits.drain(..) {
        match kept.last() {
            Some(k) if k.rule == h.rule && overlaps(k.span(), h.span()) => {}
            _ => kept.push(h),
        }
    }
    *hits = kept;
}
