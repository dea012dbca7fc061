//! The judge: turns raw term and pattern hits into rule hits. It runs validators, weighs context
//! words inside a window, applies allow-lists, evaluates the rules built from other hits (`near`,
//! `combination`) and caps a term that is mentioned rather than used at `info`.
//!
//! Everything here works on the normalised view; the engine maps the result back.

use super::normalize::Normalized;
use super::patterns::PatternHit;
use super::terms::{Slot, SlotHits, TermHit};
use super::{Engine, ScanOptions};
use crate::finding::Severity;
use crate::rules::{scoring, Effect, Keep, Rule, RuleKind, TermSet};
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

/// Word starts of a message (recorded by the term pass, which reads every character anyway),
/// for measuring windows in words.
struct Words<'a> {
    starts: &'a [usize],
}

impl Words<'_> {
    fn starts(&self) -> &[usize] {
        self.starts
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

    /// Byte bounds `(lo, hi)` outside which nothing is within `window` words of `span`: a
    /// non-empty span `t` can be that near only if `t.end > lo` and `t.start <= hi`. This only
    /// narrows the search (the answer is still `between`), so a long message costs a binary
    /// search per hit rather than a pass over every other hit.
    fn reach(&self, span: (usize, usize), window: usize) -> (usize, usize) {
        let starts = self.starts();
        let before = |p: usize| starts.partition_point(|&s| s < p);
        // Before the span: `before(span.0) - before(t.end) <= window`.
        let k = before(span.0).saturating_sub(window);
        let lo = if k == 0 { 0 } else { starts[k - 1] };
        // After it: `before(t.start) - before(span.1) <= window`.
        let hi = starts
            .get(before(span.1).saturating_add(window))
            .copied()
            .unwrap_or(usize::MAX);
        (lo, hi)
    }
}

/// The part of `list` (sorted by start; no item longer than `longest` bytes) that can lie within
/// `reach` (see [`Words::reach`]).
fn in_reach<T>(
    list: &[T],
    span_of: impl Fn(&T) -> (usize, usize),
    longest: usize,
    (lo, hi): (usize, usize),
) -> &[T] {
    let end = list.partition_point(|t| span_of(t).0 <= hi);
    let first = list[..end].partition_point(|t| span_of(t).0.saturating_add(longest) <= lo);
    &list[first..end]
}

fn term_span(t: &TermHit) -> (usize, usize) {
    (t.start, t.end)
}

/// Everything one message produced, signals included.
pub(crate) fn evaluate(engine: &Engine, norm: &Normalized, options: &ScanOptions) -> Vec<Hit> {
    let text = norm.as_str();
    let slots = engine.terms.find(norm);
    let words = Words {
        starts: slots.word_starts(),
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
    let mut fired = RuleBits::new(engine.rules.rules.len());
    hits.iter().for_each(|h| fired.insert(h.rule));
    for &r in engine.near_rules.iter().filter(|&&r| applies(r)) {
        let near = judge.near_hits(r, &hits, &fired);
        near.iter().for_each(|h| fired.insert(h.rule));
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
    slots.recycle();
    // No two hits share a key (one rule's hits never overlap after the dedupe, near hits of a
    // rule are disjoint, a combination fires once), so an unstable sort gives the same order.
    hits.sort_unstable_by_key(|h| (h.start, h.end, h.rule));
    hits
}

/// Which rules have a hit so far in one message: one bit per rule, so a near rule's side can
/// ask about the rules it is built from without reading every hit.
struct RuleBits(Vec<u64>);

impl RuleBits {
    fn new(rules: usize) -> RuleBits {
        RuleBits(vec![0; rules.div_ceil(64)])
    }

    fn insert(&mut self, rule: u32) {
        self.0[rule as usize / 64] |= 1 << (rule % 64);
    }

    fn contains(&self, rule: usize) -> bool {
        self.0
            .get(rule / 64)
            .is_some_and(|w| w & (1 << (rule % 64)) != 0)
    }
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
        self.slots.get(slot)
    }

    /// The hits of `slot` that can lie within `reach`.
    fn slot_in_reach(&self, slot: Slot, reach: (usize, usize)) -> &[TermHit] {
        in_reach(self.slot(slot), term_span, self.slots.longest(slot), reach)
    }

    /// Hits of `terms` rules, from their own terms and from the lexicons they name.
    fn term_rule_hits(&self) -> Vec<Hit> {
        let mut out = Vec::with_capacity(32);
        for (slot, list) in self.slots.rules_and_lexicons() {
            let rules: &[u32] = match &slot {
                Slot::Rule(r) => std::slice::from_ref(r),
                Slot::Lexicon(l) => &self.engine.lexicon_users[*l as usize],
                _ => continue,
            };
            for &r in rules {
                let rule = self.rule(r);
                out.extend(list.iter().map(|t| {
                    let mut h = Hit::new(rule, r, t.start, t.end);
                    h.suggestion = self.engine.terms.suggestion(t);
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
        if validator.is_some() {
            let verdict = self.engine.validate(p.rule, &self.text[p.start..p.end])?;
            match (keep, verdict.valid) {
                (Keep::Valid, true) => {
                    hit.confidence = scoring::boosted(hit.confidence, scoring::VALIDATOR_BOOST);
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
        let allowed = |slot| {
            self.slot(slot)
                .iter()
                .any(|a| a.start <= span.0 && span.1 <= a.end)
        };
        if allowed(Slot::AllowRule(hit.rule)) || allowed(Slot::AllowPack(pack)) {
            return false;
        }
        if let Some(c) = &rule.context {
            if self.within(span, Slot::Context(hit.rule), &c.words, c.window) {
                hit.confidence = scoring::boosted(hit.confidence, c.boost);
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
                        hit.confidence *= scoring::LOWERED;
                        hit.notes.push("lowered by nearby wording".into());
                    }
                    Effect::Doubt => hit.confidence *= scoring::DOUBTED,
                }
            }
        }
        true
    }

    /// Whether a word of `slot` or of the set's lexicons lies within `window` words of `span`.
    fn within(&self, span: (usize, usize), slot: Slot, set: &TermSet, window: usize) -> bool {
        let slots =
            std::iter::once(slot).chain(set.lexicons.iter().map(|&l| Slot::Lexicon(l as u32)));
        let mut reach = None;
        for s in slots {
            if !self.slots.contains(s) {
                continue;
            }
            let reach = *reach.get_or_insert_with(|| self.words.reach(span, window));
            if self
                .slot_in_reach(s, reach)
                .iter()
                .any(|t| self.words.between(span, (t.start, t.end)) <= window)
            {
                return true;
            }
        }
        false
    }

    /// Spans of one side of a near rule.
    fn side(
        &self,
        r: u32,
        b: bool,
        set: &TermSet,
        hits: &[Hit],
        fired: &RuleBits,
    ) -> Vec<(usize, usize)> {
        // Most messages have nothing on a given side: say so without allocating.
        let rule_hits = set.rules.iter().any(|&x| fired.contains(x));
        if !rule_hits
            && !self.slots.contains(Slot::Side(r, b))
            && !set
                .lexicons
                .iter()
                .any(|&l| self.slots.contains(Slot::Lexicon(l as u32)))
        {
            return Vec::new();
        }
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
        if rule_hits {
            spans.extend(
                hits.iter()
                    .filter(|h| set.rules.contains(&(h.rule as usize)))
                    .map(Hit::span),
            );
        }
        spans.sort_unstable();
        spans.dedup();
        spans
    }

    fn near_hits(&self, r: u32, hits: &[Hit], fired: &RuleBits) -> Vec<Hit> {
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
        let side_a = self.side(r, false, a, hits, fired);
        if side_a.is_empty() {
            return Vec::new();
        }
        let side_b = self.side(r, true, b, hits, fired);
        let longest_b = side_b.iter().map(|s| s.1 - s.0).max().unwrap_or(0);
        let mut out: Vec<Hit> = Vec::new();
        // The spans in `out`, sorted: they never overlap, so sorted by start they are sorted by
        // end too, and one binary search tells whether a new span overlaps any of them.
        let mut taken: Vec<(usize, usize)> = Vec::new();
        for &sa in &side_a {
            let reach = self.words.reach(sa, *window);
            let best = in_reach(&side_b, |s| *s, longest_b, reach)
                .iter()
                .filter(|sb| !overlaps(sa, **sb))
                .filter(|sb| !ordered || sa.1 <= sb.0)
                .map(|&sb| (self.words.between(sa, sb), sb))
                .filter(|(d, _)| d <= window)
                .min();
            let Some((_, sb)) = best else { continue };
            let (start, end) = (sa.0.min(sb.0), sa.1.max(sb.1));
            let at = taken.partition_point(|t| t.1 <= start);
            if taken.get(at).is_some_and(|&t| overlaps(t, (start, end))) {
                continue;
            }
            let mut h = Hit::new(rule, r, start, end);
            h.parts = vec![(sa.0, sa.1, r), (sb.0, sb.1, r)];
            if self.weigh(&mut h) {
                taken.insert(at, (start, end));
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
                // A kind is a label: an exact age and an age band are one kind, not two.
                let label = &self.engine.rules.rules[s].label;
                if !kinds.contains(label) {
                    kinds.push(label.clone());
                }
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
        h.confidence = scoring::boosted(
            rule.confidence,
            scoring::COMBINATION_STEP * (kinds.len() - min) as f64,
        );
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
        let markers = self
            .engine
            .mention_lexicon
            .map(Slot::Lexicon)
            .filter(|&m| self.slots.contains(m));
        let mentioned = |s: (usize, usize)| {
            self.is_quoted(s)
                || markers.is_some_and(|markers| {
                    self.slot_in_reach(markers, self.words.reach(s, 2))
                        .iter()
                        .any(|m| m.end <= s.0 && self.words.between((m.start, m.end), s) <= 2)
                })
        };
        let single = [(hit.start, hit.end, hit.rule)];
        let parts = if hit.parts.is_empty() {
            &single[..]
        } else {
            &hit.parts[..]
        };
        if parts.iter().any(|p| mentioned((p.0, p.1))) {
            hit.severity = Severity::Info;
            hit.confidence *= scoring::MENTIONED;
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

/// One rule, one hit per stretch of text: of overlapping hits of the same rule keep the longest.
fn dedupe_within_rule(hits: &mut Vec<Hit>) {
    hits.sort_by(|x, y| {
        (x.rule, x.start, std::cmp::Reverse(x.end)).cmp(&(
            y.rule,
            y.start,
            std::cmp::Reverse(y.end),
        ))
    });
    // Drops each hit that overlaps the last one kept of the same rule.
    hits.dedup_by(|h, kept| kept.rule == h.rule && overlaps(kept.span(), h.span()));
}
