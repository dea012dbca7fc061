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
use crate::rules::{scoring, Effect, Keep, Rule, RuleKind, RuleSet, TermSet};
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
    let mut scratch = SCRATCH
        .with(|s| s.try_borrow_mut().map(|mut s| std::mem::take(&mut *s)))
        .unwrap_or_default();
    let hits = evaluate_with(engine, norm, options, &mut scratch);
    SCRATCH.with(|s| {
        if let Ok(mut s) = s.try_borrow_mut() {
            *s = scratch;
        }
    });
    hits
}

fn evaluate_with(
    engine: &Engine,
    norm: &Normalized,
    options: &ScanOptions,
    scratch: &mut Scratch,
) -> Vec<Hit> {
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
    let index = &engine.index;
    let Scratch {
        sides,
        fired,
        signals,
        near: near_buffers,
    } = scratch;
    sides.reset(2 * index.near.len());
    let mut hits = judge.read_slots(sides);
    let raw = engine.patterns.find(&engine.rules, text, &slots);
    hits.extend(raw.iter().filter_map(|p| judge.pattern_hit(p)));
    let applies = |r: u32| engine.applies(r, options);
    hits.retain_mut(|h| applies(h.rule) && judge.weigh(h));
    dedupe_within_rule(&mut hits);
    fired.reset(engine.rules.rules.len());
    for h in &hits {
        index.fire(h.rule, fired, sides);
    }
    // Only near rules with something on both sides can fire; a near hit counts for the sides
    // of the near rules after it, as in rule order.
    let mut next = 0;
    while let Some(k) = sides.next_full_pair(next) {
        next = k + 1;
        let r = index.near[k];
        if !applies(r) {
            continue;
        }
        let near = judge.near_hits(r, &hits, fired, near_buffers);
        if !near.is_empty() {
            index.fire(r, fired, sides);
            hits.extend(near);
        }
    }
    signals.clear();
    signals.resize(index.combinations.len(), 0);
    for r in fired.iter() {
        for &c in &index.combinations_of_rule[r] {
            signals[c as usize] += 1;
        }
    }
    for (c, &r) in index.combinations.iter().enumerate() {
        // Fewer signals than the rule's minimum settles it without reading the rule.
        if signals[c] < index.combination_min[c] || !applies(r) {
            continue;
        }
        if let Some(h) = judge.combination_hit(r, &hits, fired, signals[c]) {
            index.fire(r, fired, sides);
            for &c in &index.combinations_of_rule[r as usize] {
                signals[c as usize] += 1;
            }
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

/// What the `near` and `combination` rules are built from, inverted: for each lexicon and each
/// rule, the near-rule sides and combination rules it feeds. Built once per engine, so that a
/// message marks what it has and then visits only the near rules with something on both sides
/// and the combination rules with enough signals, instead of asking every such rule about each
/// of its parts.
#[derive(Debug, Clone, Default)]
pub(crate) struct Index {
    /// The near rules, in rule order; side `b` of the `k`-th is side number `2k + b`.
    near: Vec<u32>,
    /// For each rule, its place in `near` (`u32::MAX` for a rule of another kind).
    near_place: Vec<u32>,
    /// For each lexicon, the sides that name it.
    sides_of_lexicon: Vec<Vec<u32>>,
    /// For each rule, the sides its hits count for.
    sides_of_rule: Vec<Vec<u32>>,
    /// The combination rules, in rule order.
    combinations: Vec<u32>,
    /// For each combination rule, the fewest signals it can fire with (its `min`).
    combination_min: Vec<u32>,
    /// For each rule, the combinations it is a signal of, once per time it is listed.
    combinations_of_rule: Vec<Vec<u32>>,
}

impl Index {
    pub fn new(rules: &RuleSet) -> Index {
        let n = rules.rules.len();
        let mut index = Index {
            near_place: vec![u32::MAX; n],
            sides_of_lexicon: vec![Vec::new(); rules.lexicons.len()],
            sides_of_rule: vec![Vec::new(); n],
            combinations_of_rule: vec![Vec::new(); n],
            ..Index::default()
        };
        for (i, rule) in rules.rules.iter().enumerate() {
            match &rule.kind {
                RuleKind::Near { a, b, .. } => {
                    let k = index.near.len() as u32;
                    index.near_place[i] = k;
                    index.near.push(i as u32);
                    for (side, set) in [(2 * k, a), (2 * k + 1, b)] {
                        set.lexicons
                            .iter()
                            .for_each(|&l| index.sides_of_lexicon[l].push(side));
                        set.rules
                            .iter()
                            .for_each(|&r| index.sides_of_rule[r].push(side));
                    }
                }
                RuleKind::Combination { signals, min } => {
                    let c = index.combinations.len() as u32;
                    index.combinations.push(i as u32);
                    index
                        .combination_min
                        .push(u32::try_from(*min).unwrap_or(u32::MAX));
                    signals
                        .iter()
                        .for_each(|&s| index.combinations_of_rule[s].push(c));
                }
                _ => {}
            }
        }
        index
    }

    /// The side number of side `b` of near rule `r`.
    fn side(&self, r: u32, b: bool) -> Option<usize> {
        let k = *self.near_place.get(r as usize)?;
        (k != u32::MAX).then(|| 2 * k as usize + usize::from(b))
    }

    /// Record that rule `r` has a hit: in `fired`, and on the sides built from it.
    fn fire(&self, r: u32, fired: &mut Bits, sides: &mut Bits) {
        fired.insert(r as usize);
        for &s in &self.sides_of_rule[r as usize] {
            sides.insert(s as usize);
        }
    }
}

/// Buffers of the judge, kept per thread so that a stream of messages allocates them once.
#[derive(Default)]
struct Scratch {
    /// The near-rule sides with something on them (see [`Index`]).
    sides: Bits,
    /// The rules with a hit so far.
    fired: Bits,
    /// For each combination rule, how many of its signals have fired.
    signals: Vec<u32>,
    near: NearBuffers,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// A set of small numbers, one bit each: the rules that have a hit so far in one message, so
/// that a near rule asks about the rules it is built from without reading every hit, or the
/// near-rule sides with something on them.
#[derive(Default)]
struct Bits(Vec<u64>);

impl Bits {
    /// Empty the set, sized for numbers below `len`.
    fn reset(&mut self, len: usize) {
        self.0.clear();
        self.0.resize(len.div_ceil(64), 0);
    }

    fn insert(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }

    fn contains(&self, i: usize) -> bool {
        self.0.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    /// The first `k >= from` whose pair of numbers `2k` and `2k + 1` are both in the set: the
    /// next near rule with something on both sides. A pair never straddles two words.
    fn next_full_pair(&self, from: usize) -> Option<usize> {
        const EVEN: u64 = 0x5555_5555_5555_5555;
        let mut w = 2 * from / 64;
        // Pairs below `from` in its own word are left out.
        let mut mask = u64::MAX.checked_shl((2 * from % 64) as u32).unwrap_or(0);
        while let Some(&word) = self.0.get(w) {
            let full = word & (word >> 1) & EVEN & mask;
            if full != 0 {
                return Some((w * 64 + full.trailing_zeros() as usize) / 2);
            }
            w += 1;
            mask = u64::MAX;
        }
        None
    }

    /// The numbers in the set, in order.
    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(i, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                (w != 0).then(|| {
                    let bit = w.trailing_zeros() as usize;
                    w &= w - 1;
                    i * 64 + bit
                })
            })
        })
    }
}

/// The spans of a near rule's two sides and of its hits so far, reused from rule to rule.
#[derive(Default)]
struct NearBuffers {
    a: Vec<(usize, usize)>,
    b: Vec<(usize, usize)>,
    taken: Vec<(usize, usize)>,
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

    /// Hits of `terms` rules, from their own terms and from the lexicons they name; and, in the
    /// same pass over the slots, the near-rule sides that have term hits.
    fn read_slots(&self, sides: &mut Bits) -> Vec<Hit> {
        let index = &self.engine.index;
        let mut out = Vec::with_capacity(32);
        for (slot, list) in self.slots.rules_lexicons_and_sides() {
            let rules: &[u32] = match &slot {
                Slot::Rule(r) => std::slice::from_ref(r),
                Slot::Lexicon(l) => {
                    index.sides_of_lexicon[*l as usize]
                        .iter()
                        .for_each(|&s| sides.insert(s as usize));
                    &self.engine.lexicon_users[*l as usize]
                }
                Slot::Side(r, b) => {
                    if let Some(s) = index.side(*r, *b) {
                        sides.insert(s);
                    }
                    continue;
                }
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

    /// The spans of one side of a near rule, sorted and without repeats, into `spans`.
    fn side(
        &self,
        r: u32,
        b: bool,
        set: &TermSet,
        hits: &[Hit],
        fired: &Bits,
        spans: &mut Vec<(usize, usize)>,
    ) {
        spans.clear();
        spans.extend(
            self.slot(Slot::Side(r, b))
                .iter()
                .chain(
                    set.lexicons
                        .iter()
                        .flat_map(|&l| self.slot(Slot::Lexicon(l as u32))),
                )
                .map(|t| (t.start, t.end)),
        );
        if set.rules.iter().any(|&x| fired.contains(x)) {
            spans.extend(
                hits.iter()
                    .filter(|h| set.rules.contains(&(h.rule as usize)))
                    .map(Hit::span),
            );
        }
        spans.sort_unstable();
        spans.dedup();
    }

    /// The hits of near rule `r`, whose two sides both have something on them.
    fn near_hits(&self, r: u32, hits: &[Hit], fired: &Bits, buf: &mut NearBuffers) -> Vec<Hit> {
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
        let NearBuffers {
            a: side_a,
            b: side_b,
            taken,
        } = buf;
        self.side(r, false, a, hits, fired, side_a);
        self.side(r, true, b, hits, fired, side_b);
        let longest_b = side_b.iter().map(|s| s.1 - s.0).max().unwrap_or(0);
        let mut out: Vec<Hit> = Vec::new();
        // The spans in `out`, sorted: they never overlap, so sorted by start they are sorted by
        // end too, and one binary search tells whether a new span overlaps any of them.
        taken.clear();
        for &sa in side_a.iter() {
            let reach = self.words.reach(sa, *window);
            let best = in_reach(side_b, |s| *s, longest_b, reach)
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

    /// The hit of combination rule `r`, given how many of its signals (counted as it lists
    /// them) have fired.
    fn combination_hit(
        &self,
        r: u32,
        hits: &[Hit],
        fired: &Bits,
        signals_fired: u32,
    ) -> Option<Hit> {
        let rule = self.rule(r);
        let RuleKind::Combination { signals, min } = &rule.kind else {
            return None;
        };
        // Kinds are distinct labels of signals with hits, so fewer such signals than `min`
        // settles it without reading the hits.
        if (signals_fired as usize) < *min {
            return None;
        }
        let mut parts = Vec::new();
        let mut kinds = Vec::new();
        for &s in signals.iter().filter(|&&s| fired.contains(s)) {
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

#[cfg(test)]
mod tests {
    use crate::rules::load_pack_source;
    use crate::{Engine, ScanOptions};

    const PACK: &str = r#"
[pack]
id = "p"
name = "P"
version = "1"
description = "d"

[lexicon.greek]
description = "g"
terms = ["alpha"]

[[rule]]
id = "beta"
label = "Beta"
category = "conduct"
severity = "info"
signal = true
message = "m"
terms = ["beta"]

[[rule]]
id = "delta"
label = "Delta"
category = "conduct"
severity = "info"
signal = true
message = "m"
terms = ["delta"]

[[rule]]
id = "first"
label = "First"
category = "conduct"
severity = "warning"
signal = true
message = "m"
near = { a = { lexicons = ["greek"] }, b = { rules = ["beta"] }, window = 3 }

[[rule]]
id = "both"
category = "conduct"
severity = "warning"
signal = true
message = "m"
combination = { signals = ["first", "delta"], min = 2 }

[[rule]]
id = "on-top"
category = "conduct"
severity = "warning"
signal = true
message = "m"
combination = { signals = ["first", "beta", "delta"], min = 3 }
"#;

    fn fired(engine: &Engine, text: &str) -> Vec<String> {
        let mut ids: Vec<String> = engine
            .hits(text, &ScanOptions::default())
            .iter()
            .map(|h| engine.rules().rules[h.rule].id.clone())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    #[test]
    fn near_and_combination_rules_fire_only_on_what_they_are_built_from() {
        let engine = Engine::new(load_pack_source("p.toml", PACK).unwrap());
        // A near rule built from a lexicon and a rule, and combinations built from it.
        assert_eq!(
            fired(&engine, "alpha beta gamma delta"),
            ["beta", "both", "delta", "first", "on-top"]
        );
        // Nothing on one side: the near rule, and all that is built on it, stays silent.
        assert_eq!(fired(&engine, "alpha gamma delta"), ["delta"]);
        assert_eq!(fired(&engine, "alpha beta"), ["beta", "first"]);
        // Too far apart for the window.
        assert_eq!(fired(&engine, "alpha one two three four beta"), ["beta"]);
    }

    #[test]
    fn next_full_pair_finds_near_rules_with_both_sides_in_order() {
        let mut sides = super::Bits::default();
        sides.reset(2 * 70);
        // Pair 0 has one side, pair 3 both, pair 31 both (the last of the first word), pair 32
        // both (the first of the second word), pair 69 one side.
        for i in [0, 6, 7, 62, 63, 64, 65, 139] {
            sides.insert(i);
        }
        let mut found = Vec::new();
        let mut from = 0;
        while let Some(k) = sides.next_full_pair(from) {
            found.push(k);
            from = k + 1;
        }
        assert_eq!(found, [3, 31, 32]);
        assert_eq!(sides.next_full_pair(4), Some(31));
        assert_eq!(sides.next_full_pair(33), None);
        assert_eq!(sides.next_full_pair(500), None);
    }
}
