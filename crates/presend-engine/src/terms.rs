//! One automaton over every term of every rule, lexicon, context list, keyword list and
//! allow-list, so a message is read once for all of them whatever their number.
//!
//! Each automaton pattern remembers every place it is used (a [`Slot`]); one hit in the text is
//! handed to all of them. Matching is ASCII case-insensitive on the normalised view, overlapping
//! (so `patient` inside `heartsink patient` still counts as a patient referent), and whole-word.
//!
//! Whole-word matching is what makes the automaton simple. A term that begins with a word
//! character can only begin where a word begins; a term that begins with punctuation (`#ad`) can
//! begin anywhere, but only on a byte that starts one of those terms. So the text is read once,
//! and at each such place the automaton is walked forward as a trie (no failure links): every
//! term that matches from there is a hit, once its end boundary is checked. This reports exactly
//! the occurrences an overlapping Aho-Corasick search filtered by word boundaries would (the unit
//! tests compare the two), costs a table lookup per byte of a candidate word, and needs no
//! failure links, so building it does less work than building an Aho-Corasick automaton (see
//! docs/performance.md for measured start-up times). Case folding lives in the byte-class table.

use super::normalize::Normalized;
use crate::rules::{RuleKind, RuleSet, Term, TermSet};
use std::collections::HashMap;
use std::sync::Arc;

mod prepared;

/// Where a term's hits go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Slot {
    /// A `terms` rule's own list.
    Rule(u32),
    /// A lexicon (shared by every rule that names it).
    Lexicon(u32),
    /// Side `a` (false) or `b` (true) of a `near` rule.
    Side(u32, bool),
    /// A rule's context words.
    Context(u32),
    /// A rule's negative-context words.
    Negative(u32),
    /// A pattern rule's prefilter keywords.
    Keyword(u32),
    /// A rule's allow-list.
    AllowRule(u32),
    /// A pack's allow-list (pack index).
    AllowPack(u32),
    /// Where a pattern regex can start (its id in the pattern matcher): one of the literals
    /// every match of it begins with, at an ASCII word start. Not a term: no end boundary.
    Anchor(u32),
}

impl Slot {
    /// The variant's place in the slot order, and the slot's place among its variant's slots.
    fn variant_offset(self) -> (usize, u64) {
        match self {
            Slot::Rule(r) => (0, r.into()),
            Slot::Lexicon(l) => (1, l.into()),
            Slot::Side(r, b) => (2, u64::from(r) * 2 + u64::from(b)),
            Slot::Context(r) => (3, r.into()),
            Slot::Negative(r) => (4, r.into()),
            Slot::Keyword(r) => (5, r.into()),
            Slot::AllowRule(r) => (6, r.into()),
            Slot::AllowPack(p) => (7, p.into()),
            Slot::Anchor(a) => (8, a.into()),
        }
    }
}

/// The slots of one matcher numbered densely in [`Slot`] order: each variant's slots take a
/// contiguous run of numbers, so a slot's number is its variant's first number plus its place
/// among them, and per-slot state of a message fits in a plain array.
#[derive(Debug, Clone, Copy, Default)]
struct SlotLayout {
    /// `first[v]..first[v + 1]`: the numbers of variant `v`'s slots.
    first: [u32; 10],
}

impl SlotLayout {
    fn new(rules: usize, lexicons: usize, packs: usize, anchors: usize) -> SlotLayout {
        let sizes = [
            rules,
            lexicons,
            2 * rules,
            rules,
            rules,
            rules,
            rules,
            packs,
            anchors,
        ];
        let mut first = [0u32; 10];
        for (v, &n) in sizes.iter().enumerate() {
            let n = u32::try_from(n).expect("slot count fits in u32");
            first[v + 1] = first[v].checked_add(n).expect("slot count fits in u32");
        }
        SlotLayout { first }
    }

    fn len(&self) -> usize {
        self.first[9] as usize
    }

    /// The number of `slot`, or `None` when the matcher has no such slot.
    #[inline]
    fn number(&self, slot: Slot) -> Option<u32> {
        let (v, offset) = slot.variant_offset();
        let (lo, hi) = (self.first[v], self.first[v + 1]);
        (offset < u64::from(hi - lo)).then(|| lo + offset as u32)
    }

    /// The slot numbered `n`.
    #[cfg(test)]
    fn slot(&self, n: u32) -> Slot {
        self.slot_in(self.first[1..].partition_point(|&f| f <= n), n)
    }

    /// The slot numbered `n`, which is of variant `v`.
    fn slot_in(&self, v: usize, n: u32) -> Slot {
        let k = n - self.first[v];
        match v {
            0 => Slot::Rule(k),
            1 => Slot::Lexicon(k),
            2 => Slot::Side(k / 2, k % 2 == 1),
            3 => Slot::Context(k),
            4 => Slot::Negative(k),
            5 => Slot::Keyword(k),
            6 => Slot::AllowRule(k),
            7 => Slot::AllowPack(k),
            _ => Slot::Anchor(k),
        }
    }

    /// The first number of the anchor slots (which sort last).
    fn first_anchor(&self) -> u32 {
        self.first[8]
    }
}

#[derive(Debug, Clone)]
struct Use {
    slot: Slot,
    suggestion: Option<Arc<str>>,
    /// For case-sensitive terms: the exact text that must appear.
    exact: Option<Box<str>>,
}

#[derive(Debug, Clone)]
struct PatternInfo {
    wildcard: bool,
    /// The term ends with a word character, so the text must not continue the word.
    ends_in_word: bool,
    uses: Vec<Use>,
}

/// Where the uses of one pattern are in [`TermMatcher::checks`]: `first..anchors` its term
/// uses, `anchors..end` its anchor uses (a pattern's uses are ordered so). A use's index among
/// the pattern's uses is its place after `first`.
#[derive(Debug, Clone, Copy)]
struct PatternChecks {
    first: u32,
    anchors: u32,
    end: u32,
    /// [`PatternInfo::wildcard`] and [`PatternInfo::ends_in_word`], kept here so the term pass
    /// reads one small record per match.
    wildcard: bool,
    ends_in_word: bool,
}

impl PatternChecks {
    /// As stored in [`TermMatcher::pattern_checks`]: four numbers, the flags in the last, so
    /// that a prepared table can be read in place.
    fn to_raw(self) -> [u32; 4] {
        let flags = u32::from(self.wildcard) | u32::from(self.ends_in_word) << 1;
        [self.first, self.anchors, self.end, flags]
    }

    #[inline(always)]
    fn from_raw([first, anchors, end, flags]: [u32; 4]) -> PatternChecks {
        PatternChecks {
            first,
            anchors,
            end,
            wildcard: flags & 1 != 0,
            ends_in_word: flags & 2 != 0,
        }
    }
}

/// What a few uses carry besides their slot: a suggested replacement, or the exact form of a
/// case-sensitive term.
#[derive(Debug, Clone, PartialEq)]
struct UseText {
    suggestion: Option<Arc<str>>,
    exact: Option<Box<str>>,
}

/// In [`TermMatcher::checks`]: the use is a case-sensitive term, so the text must be its exact
/// form.
const EXACT: u32 = 1 << 31;

/// A term occurrence in the normalised text. Plain numbers (the suggestion is read from the
/// matcher when a rule hit needs it), so collecting and grouping hits copies no reference
/// counts.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct TermHit {
    pub start: usize,
    pub end: usize,
    /// The automaton pattern that matched, and which of its uses this hit is.
    pattern: u32,
    use_: u32,
}

/// One place where an automaton pattern matched, before it is handed to its uses: the uses
/// that apply here are `checks[lo..hi]`, those before `mid` term uses (hits ending at `end`),
/// the others anchors (hits ending at `matched_end`).
#[derive(Debug, Clone, Copy)]
struct Occurrence {
    start: usize,
    /// Where the pattern's bytes end.
    matched_end: usize,
    /// The end of a term hit (extended for a `*` term).
    end: usize,
    pattern: u32,
    /// [`PatternChecks::first`] of the pattern.
    first: u32,
    lo: u32,
    mid: u32,
    hi: u32,
}

/// The compiled term matcher.
#[derive(Debug, Clone)]
pub(crate) struct TermMatcher {
    trie: Trie,
    layout: SlotLayout,
    /// The slot number of every use of every pattern ([`EXACT`] set for case-sensitive terms),
    /// in one array so the term pass reads no [`Use`].
    checks: Table<[u32]>,
    /// Where each pattern's uses are in `checks` ([`PatternChecks::to_raw`]).
    pattern_checks: Table<[[u32; 4]]>,
    /// The uses with a suggestion or an exact form, by their index in `checks`, in order.
    texts: Vec<(u32, UseText)>,
    /// The automaton's strings and patterns, for the tests' reference matcher.
    #[cfg(test)]
    literals: Vec<Vec<u8>>,
    #[cfg(test)]
    patterns: Vec<PatternInfo>,
}

/// All term hits of one message, grouped by slot; within a slot, in text order.
#[derive(Debug, Default)]
pub(crate) struct SlotHits {
    layout: SlotLayout,
    /// One bit per slot number: the slot has hits.
    present: Vec<u64>,
    /// For each slot number, where its hits are in `hits` (an empty range when it has none).
    ranges: Vec<(u32, u32)>,
    hits: Vec<TermHit>,
    /// Where each word of the text starts (a word character after a non-word character).
    word_starts: Vec<usize>,
}

impl SlotHits {
    /// Hand the buffers back for the next message scanned on this thread.
    pub fn recycle(self) {
        SCRATCH.with(|s| {
            if let Ok(mut s) = s.try_borrow_mut() {
                s.slots = self;
            }
        });
    }

    /// Where the hits of `slot` are in `hits` (empty when it has none).
    #[inline]
    fn range(&self, slot: Slot) -> (u32, u32) {
        self.layout
            .number(slot)
            .and_then(|n| self.ranges.get(n as usize))
            .copied()
            .unwrap_or_default()
    }

    /// The hits of the slot numbered `n`.
    fn hits_numbered(&self, n: u32) -> &[TermHit] {
        let (lo, hi) = self.ranges[n as usize];
        &self.hits[lo as usize..hi as usize]
    }

    /// The numbers of the slots that have hits, from `from` on, in order.
    fn numbers_from(&self, from: u32) -> SetBits<'_> {
        let w = from as usize / 64;
        // Bits below `from` in its own word are left out.
        let bits = self
            .present
            .get(w)
            .map_or(0, |&b| b & (u64::MAX << (from % 64)));
        SetBits {
            words: &self.present,
            w,
            bits,
        }
    }

    /// The hits of `slot`, in text order.
    pub fn get(&self, slot: Slot) -> &[TermHit] {
        let (lo, hi) = self.range(slot);
        self.hits.get(lo as usize..hi as usize).unwrap_or_default()
    }

    /// The longest hit of `slot`, in bytes (0 when it has none).
    pub fn longest(&self, slot: Slot) -> usize {
        self.get(slot)
            .iter()
            .map(|h| h.end - h.start)
            .max()
            .unwrap_or(0)
    }

    /// Whether `slot` has any hit.
    pub fn contains(&self, slot: Slot) -> bool {
        let (lo, hi) = self.range(slot);
        lo != hi
    }

    /// Where each word of the text starts, in order.
    pub fn word_starts(&self) -> &[usize] {
        &self.word_starts
    }

    /// The anchors that have hits (by anchor id, in order), with where they are.
    pub fn anchors(&self) -> impl Iterator<Item = (u32, &[TermHit])> {
        let base = self.layout.first_anchor();
        self.numbers_from(base)
            .map(move |n| (n - base, self.hits_numbered(n)))
    }

    /// Every slot that has hits, with its hits, in slot order.
    pub fn iter(&self) -> impl Iterator<Item = (Slot, &[TermHit])> {
        // The numbers come in order, so the variant only moves forward.
        let mut variant = 0;
        self.numbers_from(0).map(move |n| {
            while n >= self.layout.first[variant + 1] {
                variant += 1;
            }
            (self.layout.slot_in(variant, n), self.hits_numbered(n))
        })
    }

    /// The [`Slot::Rule`], then the [`Slot::Lexicon`], then the [`Slot::Side`] slots that have
    /// hits, with their hits: what [`SlotHits::iter`] gives first, without reading the other
    /// slots (most of them).
    pub fn rules_lexicons_and_sides(&self) -> impl Iterator<Item = (Slot, &[TermHit])> {
        self.iter().take_while(|(slot, _)| {
            matches!(slot, Slot::Rule(_) | Slot::Lexicon(_) | Slot::Side(..))
        })
    }
}

/// Buffers of the term pass, kept per thread so that a stream of messages allocates them once.
#[derive(Default)]
struct Scratch {
    /// Where the walk met nodes at which patterns end: (node, start, end, kind of place).
    ends: Vec<(u32, usize, usize, At)>,
    occurrences: Vec<Occurrence>,
    /// What the last message's [`SlotHits`] held, handed back by [`SlotHits::recycle`].
    slots: SlotHits,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

impl TermMatcher {
    /// Compile every term of `set`, plus `anchors`: for each anchored pattern (by id), the
    /// lower-case literals its matches can start with.
    pub fn build(set: &RuleSet, anchors: &[Vec<Vec<u8>>]) -> TermMatcher {
        Collector::gather(set, anchors).finish()
    }

    /// The suggested replacement of the term behind `hit`, if it has one.
    pub fn suggestion(&self, hit: &TermHit) -> Option<Arc<str>> {
        let first = self.checks_of(hit.pattern).first;
        self.use_text(first + hit.use_)?.suggestion.clone()
    }

    /// Where the uses of `pattern` are in `checks`.
    #[inline(always)]
    fn checks_of(&self, pattern: u32) -> PatternChecks {
        PatternChecks::from_raw(self.pattern_checks[pattern as usize])
    }

    /// The suggestion or exact form of the use at `check` in `checks`, if it has either.
    fn use_text(&self, check: u32) -> Option<&UseText> {
        let at = self.texts.binary_search_by_key(&check, |t| t.0).ok()?;
        Some(&self.texts[at].1)
    }

    /// Find every whole-word term occurrence in `norm`. Buffers come from (and, through
    /// [`SlotHits::recycle`], go back to) this thread's scratch space.
    pub fn find(&self, norm: &Normalized) -> SlotHits {
        let mut scratch = SCRATCH
            .with(|s| s.try_borrow_mut().map(|mut s| std::mem::take(&mut *s)))
            .unwrap_or_default();
        let slots = self.find_with(norm, &mut scratch);
        SCRATCH.with(|s| {
            if let Ok(mut s) = s.try_borrow_mut() {
                s.occurrences = std::mem::take(&mut scratch.occurrences);
                s.ends = std::mem::take(&mut scratch.ends);
            }
        });
        slots
    }

    fn find_with(&self, norm: &Normalized, scratch: &mut Scratch) -> SlotHits {
        let text = norm.as_str();
        let (ends, occurrences) = (&mut scratch.ends, &mut scratch.occurrences);
        ends.clear();
        occurrences.clear();
        let mut slots = std::mem::take(&mut scratch.slots);
        slots.word_starts.clear();
        // The walk only notes where patterns end; they are handed out afterwards.
        let trie = self.trie.view();
        let pattern_checks: &[[u32; 4]] = &self.pattern_checks;
        trie.for_each_output_node(text, &mut slots.word_starts, |node, start, end, at| {
            ends.push((node, start, end, at))
        });
        for &(node, start, matched_end, at) in ends.iter() {
            for &pattern in trie.outputs_of(node) {
                let c = PatternChecks::from_raw(pattern_checks[pattern as usize]);
                let end = if at.term {
                    end_bounded_by(text, matched_end, c.wildcard, c.ends_in_word)
                } else {
                    None
                };
                let lo = if end.is_some() { c.first } else { c.anchors };
                let hi = if at.ascii_word_start {
                    c.end
                } else {
                    c.anchors
                };
                if lo < hi {
                    occurrences.push(Occurrence {
                        start,
                        matched_end,
                        end: end.unwrap_or(matched_end),
                        pattern,
                        first: c.first,
                        lo,
                        mid: c.anchors,
                        hi,
                    });
                }
            }
        }
        self.group(text, occurrences, slots)
    }

    /// Whether the text of `o` is the exact form the case-sensitive use `k` of its pattern
    /// needs.
    #[cold]
    fn exact_matches(&self, text: &str, o: &Occurrence, check: u32) -> bool {
        let exact = self.use_text(check).and_then(|t| t.exact.as_deref());
        exact.is_some_and(|e| text.as_bytes()[o.start..o.matched_end] == *e.as_bytes())
    }

    /// The uses of `o` that have a hit there: (index in `checks`, slot number).
    #[inline(always)]
    fn hits_of<'s>(
        &'s self,
        text: &'s str,
        o: &'s Occurrence,
    ) -> impl Iterator<Item = (u32, u32)> + 's {
        let checks = self
            .checks
            .get(o.lo as usize..o.hi as usize)
            .unwrap_or_default();
        (o.lo..).zip(checks).filter_map(move |(i, &c)| {
            if c & EXACT != 0 && !self.exact_matches(text, o, i) {
                return None;
            }
            Some((i, c & !EXACT))
        })
    }

    /// Hand each occurrence to its uses, grouped by slot (in slot order), each slot's hits in
    /// the order the term pass found them (text order): a counting sort by slot number, which
    /// is stable and compares nothing.
    fn group(&self, text: &str, occurrences: &[Occurrence], mut into: SlotHits) -> SlotHits {
        into.layout = self.layout;
        let slots = self.layout.len();
        let words = slots.div_ceil(64);
        if into.ranges.len() != slots || into.present.len() != words {
            into.ranges.clear();
            into.ranges.resize(slots, (0, 0));
            into.present.clear();
            into.present.resize(words, 0);
        }
        let SlotHits {
            present,
            ranges,
            hits,
            ..
        } = &mut into;
        // Forget the last message's slots.
        for_each_bit(present, |n| ranges[n as usize] = (0, 0));
        present.iter_mut().for_each(|w| *w = 0);
        // Count each slot's hits (in the second half of its range).
        for o in occurrences {
            for (_, n) in self.hits_of(text, o) {
                ranges[n as usize].1 += 1;
                present[n as usize / 64] |= 1 << (n % 64);
            }
        }
        // Give each slot its place, in number order; the second half becomes where its next
        // hit goes, and ends where its hits end.
        let mut total = 0u32;
        for_each_bit(present, |n| {
            let count = ranges[n as usize].1;
            ranges[n as usize] = (total, total);
            total += count;
        });
        hits.clear();
        hits.resize(total as usize, TermHit::default());
        for o in occurrences {
            for (i, n) in self.hits_of(text, o) {
                let next = &mut ranges[n as usize].1;
                hits[*next as usize] = TermHit {
                    start: o.start,
                    end: if i < o.mid { o.end } else { o.matched_end },
                    pattern: o.pattern,
                    use_: i - o.first,
                };
                *next += 1;
            }
        }
        into
    }
}

/// The numbers of the set bits of `words`, in order, from word `w` (whose bits not yet
/// returned are `bits`) on.
struct SetBits<'a> {
    words: &'a [u64],
    w: usize,
    bits: u64,
}

impl Iterator for SetBits<'_> {
    type Item = u32;

    #[inline]
    fn next(&mut self) -> Option<u32> {
        while self.bits == 0 {
            self.w += 1;
            self.bits = *self.words.get(self.w)?;
        }
        let n = (self.w * 64) as u32 + self.bits.trailing_zeros();
        self.bits &= self.bits - 1;
        Some(n)
    }
}

/// Call `f` with the number of every set bit of `bits`, in order.
#[inline(always)]
fn for_each_bit(bits: &[u64], mut f: impl FnMut(u32)) {
    for (w, &word) in bits.iter().enumerate() {
        let mut word = word;
        while word != 0 {
            f((w * 64) as u32 + word.trailing_zeros());
            word &= word - 1;
        }
    }
}

/// Check the end boundary of a match that started in a valid place; returns the end of the hit
/// (extended to the end of the word for a `*` term), or `None` when the word goes on.
#[cfg(test)]
fn end_bounded(text: &str, end: usize, info: &PatternInfo) -> Option<usize> {
    end_bounded_by(text, end, info.wildcard, info.ends_in_word)
}

/// [`end_bounded`] for a term that ends in `*` (`wildcard`) or with a word character
/// (`ends_in_word`).
#[inline(always)]
fn end_bounded_by(text: &str, end: usize, wildcard: bool, ends_in_word: bool) -> Option<usize> {
    // Most terms have no `*` and are followed by an ASCII byte or nothing.
    if !wildcard {
        match text.as_bytes().get(end) {
            None => return Some(end),
            Some(&b) if b < 0x80 => {
                let continues = ends_in_word && ASCII_WORD[b as usize];
                return (!continues).then_some(end);
            }
            Some(_) => {}
        }
    }
    end_bounded_slow(text, end, wildcard, ends_in_word)
}

/// [`end_bounded_by`] for a `*` term or a term followed by a non-ASCII character.
#[inline(never)]
fn end_bounded_slow(text: &str, end: usize, wildcard: bool, ends_in_word: bool) -> Option<usize> {
    let rest = &text[end..];
    if wildcard {
        let extra: usize = rest
            .chars()
            .take_while(|&c| is_word_char(c))
            .map(char::len_utf8)
            .sum();
        return Some(end + extra);
    }
    if ends_in_word {
        let continues = match rest.as_bytes().first() {
            None => false,
            Some(&b) if b < 0x80 => ASCII_WORD[b as usize],
            Some(_) => rest.chars().next().is_some_and(is_word_char),
        };
        if continues {
            return None;
        }
    }
    Some(end)
}

/// What kind of place a walk of the automaton starts at.
#[derive(Debug, Clone, Copy)]
struct At {
    /// A term may start here: a word start, or a non-word character.
    term: bool,
    /// An ASCII word byte not preceded by one: where a pattern led by ASCII `\b` may start.
    ascii_word_start: bool,
}

/// The automaton: a trie over the lower-cased bytes of every term. The root's transitions are a
/// 256-entry table (upper-case ASCII letters share their lower-case letter's entry); every other
/// node keeps its few outgoing edges as a short sorted list, so thousands of terms cost a few
/// hundred kilobytes, not a dense table per node.
///
/// A step of the walk reads one word for the node ([`Trie::nodes`]: where its edges are, how
/// many, whether patterns end there) and then its edges, each one `u32` holding the byte and the
/// child, so that the few loads of a step do not depend on one another more than they must.
#[derive(Debug, Clone)]
struct Trie {
    /// The root's child for each byte (case folded), or 0.
    root: Table<[u32; 256]>,
    /// Per node: the first of its edges in `edges` (or of its row in `dense`, or its one edge)
    /// in the low 32 bits, the number of edges above them, and the [`NODE_DENSE`],
    /// [`NODE_SINGLE`] and [`NODE_OUTPUT`] flags.
    nodes: Table<[u64]>,
    /// The edges of every node, each node's sorted by byte: the byte in the top 8 bits, the
    /// child below ([`EDGE_CHILD`]).
    edges: Table<[u32]>,
    /// For nodes with many children, a row of 256 children (case folded, like `root`).
    dense: Table<[u32]>,
    /// `outputs[out_start[node]..out_start[node + 1]]`: the patterns that end at `node`.
    out_start: Table<[u32]>,
    outputs: Table<[u32]>,
    /// Bytes that begin a term whose first character is not a word character.
    punct_first: [bool; 256],
    /// Some pattern is an anchor, so ASCII word starts after a non-ASCII letter count too.
    anchors: bool,
}

/// A table of the automaton: built at start-up, or read in place from the bytes a build script
/// prepared (see the `prepared` module).
type Table<T> = std::borrow::Cow<'static, T>;

/// The automaton's tables as plain slices, taken once per message so that the walk does not
/// ask each [`Table`] where its data is at every step.
#[derive(Clone, Copy)]
struct TrieView<'a> {
    root: &'a [u32; 256],
    nodes: &'a [u64],
    edges: &'a [u32],
    dense: &'a [u32],
    out_start: &'a [u32],
    outputs: &'a [u32],
    punct_first: &'a [bool; 256],
    anchors: bool,
}

impl Trie {
    /// Build from lower-case literals (not empty; the same bytes may come twice, as `pic` and
    /// `pic*` do).
    fn build(literals: &[Vec<u8>], anchors: bool) -> Trie {
        let mut punct_first = [false; 256];
        for lit in literals {
            let word = match lit[0] {
                b if b < 0x80 => ASCII_WORD[b as usize],
                _ => String::from_utf8_lossy(&lit[..lit.len().min(4)])
                    .chars()
                    .next()
                    .is_some_and(is_word_char),
            };
            if !word {
                punct_first[lit[0] as usize] = true;
            }
        }
        // Insert in sorted order: each literal shares its prefix with the one before, and the
        // children of a node are created in byte order.
        // Sorted by bytes, then id. The first eight bytes as a number decide most comparisons
        // without reading the literals (see `sort_key`).
        let mut order: Vec<(u64, &[u8], u32)> = literals
            .iter()
            .enumerate()
            .map(|(p, lit)| (sort_key(lit), &lit[..], p as u32))
            .collect();
        order.sort_unstable();
        let mut parent: Vec<u32> = vec![0];
        let mut byte: Vec<u8> = vec![0];
        let mut ends: Vec<(u32, u32)> = Vec::with_capacity(literals.len());
        let mut path: Vec<u32> = vec![0];
        let mut prev: &[u8] = &[];
        for &(_, lit, p) in &order {
            let common = prev.iter().zip(lit).take_while(|(a, b)| a == b).count();
            path.truncate(common + 1);
            for &b in &lit[common..] {
                parent.push(*path.last().expect("root"));
                byte.push(b);
                path.push((parent.len() - 1) as u32);
            }
            ends.push((path[lit.len()], p));
            prev = lit;
        }
        let nodes = parent.len();
        assert!(nodes <= EDGE_CHILD as usize, "term automaton too large");
        // Outputs per node.
        ends.sort_unstable();
        let mut out_start = vec![0u32; nodes + 1];
        for &(n, _) in &ends {
            out_start[n as usize + 1] += 1;
        }
        for n in 0..nodes {
            out_start[n + 1] += out_start[n];
        }
        let outputs: Vec<u32> = ends.iter().map(|&(_, p)| p).collect();
        // Edges grouped by parent (a counting sort keeps each group in byte order).
        let mut edge_start = vec![0u32; nodes + 1];
        for &p in &parent[1..] {
            edge_start[p as usize + 1] += 1;
        }
        for n in 0..nodes {
            edge_start[n + 1] += edge_start[n];
        }
        let mut fill = edge_start.clone();
        let mut edges = vec![0u32; nodes - 1];
        let mut root = Box::new([0u32; 256]);
        for n in 1..nodes {
            let p = parent[n] as usize;
            let at = fill[p] as usize;
            fill[p] += 1;
            edges[at] = (u32::from(byte[n]) << 24) | n as u32;
            if p == 0 {
                let b = byte[n];
                root[b as usize] = n as u32;
                if b.is_ascii_lowercase() {
                    root[b.to_ascii_uppercase() as usize] = n as u32;
                }
            }
        }
        // Nodes many words pass through (after `t`, `the `, `s`) get a direct table.
        let mut dense = Vec::new();
        let nodes: Vec<u64> = edge_start
            .windows(2)
            .zip(out_start.windows(2))
            .enumerate()
            .map(|(n, (e, o))| {
                let (lo, hi) = (e[0] as usize, e[1] as usize);
                let output = if o[1] > o[0] { NODE_OUTPUT } else { 0 };
                if hi - lo == 1 && n != 0 {
                    // The one edge itself (byte and child), so the step reads no edge list.
                    return u64::from(edges[lo]) | NODE_SINGLE | output;
                }
                if n == 0 || hi - lo <= DENSE_FROM {
                    return lo as u64 | ((hi - lo) as u64) << 32 | output;
                }
                let at = dense.len();
                dense.resize(at + 256, 0);
                for &e in &edges[lo..hi] {
                    let (b, child) = ((e >> 24) as u8, e & EDGE_CHILD);
                    dense[at + b as usize] = child;
                    if b.is_ascii_lowercase() {
                        dense[at + b.to_ascii_uppercase() as usize] = child;
                    }
                }
                at as u64 | NODE_DENSE | output
            })
            .collect();
        Trie {
            root: Table::Owned(*root),
            nodes: nodes.into(),
            edges: edges.into(),
            dense: dense.into(),
            out_start: out_start.into(),
            outputs: outputs.into(),
            punct_first,
            anchors,
        }
    }

    /// The tables as slices, for one message's walk.
    fn view(&self) -> TrieView<'_> {
        TrieView {
            root: &self.root,
            nodes: &self.nodes,
            edges: &self.edges,
            dense: &self.dense,
            out_start: &self.out_start,
            outputs: &self.outputs,
            punct_first: &self.punct_first,
            anchors: self.anchors,
        }
    }
}

impl TrieView<'_> {
    /// The child, for text byte `b` (case folded), of the node described by `node` (its entry
    /// in [`Trie::nodes`]); 0 if none.
    #[inline(always)]
    fn child(&self, node: u64, b: u8) -> usize {
        let b = u32::from(LOWER[b as usize]);
        let first = node as u32;
        if node & NODE_SINGLE != 0 {
            return if first >> 24 == b {
                (first & EDGE_CHILD) as usize
            } else {
                0
            };
        }
        let first = first as usize;
        if node & NODE_DENSE != 0 {
            // Rows are case folded, so the lowered byte finds the same child.
            return self
                .dense
                .get(first + b as usize)
                .map_or(0, |&c| c as usize);
        }
        let count = ((node >> 32) & 0xffff) as usize;
        let Some(edges) = self.edges.get(first..first + count) else {
            return 0;
        };
        // Sorted by byte: stop at the first edge whose byte is not below `b`.
        for &e in edges {
            if e >> 24 >= b {
                return if e >> 24 == b {
                    (e & EDGE_CHILD) as usize
                } else {
                    0
                };
            }
        }
        0
    }

    /// Call `f(pattern, start, end, at)` for every pattern that matches at a place a term or an
    /// anchor may begin: a word start (after a non-word character), for terms that begin with
    /// punctuation any character that begins one, and for anchors any ASCII word start. `at` says
    /// which kind of place it is; `end` still needs its boundary check.
    fn for_each_match(
        &self,
        text: &str,
        word_starts: &mut Vec<usize>,
        mut f: impl FnMut(u32, usize, usize, At),
    ) {
        self.for_each_output_node(text, word_starts, |id, start, end, at| {
            for &p in self.outputs_of(id) {
                f(p, start, end, at);
            }
        });
    }

    /// The patterns that end at node `id`.
    #[inline(always)]
    fn outputs_of(&self, id: u32) -> &[u32] {
        let id = id as usize;
        let (lo, hi) = (self.out_start[id], self.out_start[id + 1]);
        &self.outputs[lo as usize..hi as usize]
    }

    /// As [`Trie::for_each_match`], but `f(node, start, end, at)` is called once for each node
    /// where patterns end ([`Trie::outputs_of`] lists them), so the walk does no more than
    /// note it.
    fn for_each_output_node(
        &self,
        text: &str,
        word_starts: &mut Vec<usize>,
        mut f: impl FnMut(u32, usize, usize, At),
    ) {
        let bytes = text.as_bytes();
        let mut prev_word = false;
        let mut prev_ascii_word = false;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b < 0x80 {
                if ASCII_WORD[b as usize] {
                    if !prev_word {
                        word_starts.push(i);
                    }
                    // An ASCII word start is a candidate for terms unless a non-ASCII letter
                    // precedes it (then only anchors can start here).
                    if !prev_ascii_word
                        && self.root[b as usize] != 0
                        && (!prev_word || self.anchors)
                    {
                        let at = At {
                            term: !prev_word,
                            ascii_word_start: true,
                        };
                        self.walk(bytes, i, at, &mut f);
                    }
                    // Nothing can start inside the rest of the ASCII word.
                    i += 1;
                    while i < bytes.len() && ASCII_WORD[bytes[i] as usize] {
                        i += 1;
                    }
                    prev_word = true;
                    prev_ascii_word = true;
                    continue;
                }
                if self.punct_first[b as usize] {
                    let at = At {
                        term: true,
                        ascii_word_start: false,
                    };
                    self.walk(bytes, i, at, &mut f);
                }
                prev_word = false;
                prev_ascii_word = false;
                i += 1;
                continue;
            }
            let c = text[i..].chars().next().expect("char boundary");
            let word = is_word_char(c);
            if word && !prev_word {
                word_starts.push(i);
            }
            let candidate = if word {
                !prev_word
            } else {
                self.punct_first[b as usize]
            };
            if candidate && self.root[b as usize] != 0 {
                let at = At {
                    term: true,
                    ascii_word_start: false,
                };
                self.walk(bytes, i, at, &mut f);
            }
            prev_word = word;
            prev_ascii_word = false;
            i += c.len_utf8();
        }
    }

    #[inline(always)]
    fn walk(&self, bytes: &[u8], start: usize, at: At, f: &mut impl FnMut(u32, usize, usize, At)) {
        let mut id = self.root[bytes[start] as usize] as usize;
        let mut end = start + 1;
        while id != 0 {
            let Some(&node) = self.nodes.get(id) else {
                return;
            };
            if node & NODE_OUTPUT != 0 {
                f(id as u32, start, end, at);
            }
            let Some(&b) = bytes.get(end) else {
                return;
            };
            id = self.child(node, b);
            end += 1;
        }
    }
}

/// The first eight bytes of `lit`, zero-padded, as a big-endian number: if two literals' keys
/// differ, they compare as the literals do (a shorter literal pads with zeros, which sort
/// first); if the keys are equal, the literals must be compared.
fn sort_key(lit: &[u8]) -> u64 {
    let mut head = [0u8; 8];
    let n = lit.len().min(8);
    head[..n].copy_from_slice(&lit[..n]);
    u64::from_be_bytes(head)
}

/// Nodes with more children than this get a direct table.
const DENSE_FROM: usize = 6;

/// In a [`Trie::nodes`] entry: the node's children are a row of `dense`.
const NODE_DENSE: u64 = 1 << 48;

/// In a [`Trie::nodes`] entry: the node has one child, and the low 32 bits are its edge (as in
/// [`Trie::edges`]).
const NODE_SINGLE: u64 = 1 << 50;

/// In a [`Trie::nodes`] entry: some pattern ends at the node.
const NODE_OUTPUT: u64 = 1 << 49;

/// The child in an edge of [`Trie::edges`] (the byte is above it).
const EDGE_CHILD: u32 = (1 << 24) - 1;

/// Each byte with ASCII upper-case letters lowered.
const LOWER: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (b as u8).to_ascii_lowercase();
        b += 1;
    }
    t
};

/// ASCII letters, digits and `_`: the ASCII word bytes (`is_word_char` agrees on ASCII).
const ASCII_WORD: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).is_ascii_alphanumeric() || b == b'_' as usize;
        b += 1;
    }
    t
};

/// Whether a character continues a word (so a term cannot start or end next to it).
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The form a term takes in the automaton: normalised like the text, lower-cased, with a trailing
/// `*` turned into a flag.
pub(crate) fn automaton_form(term: &str) -> (String, bool) {
    let view = Normalized::new(term.trim());
    let normalized = view.as_str();
    let wildcard = normalized.len() > 1
        && normalized.ends_with('*')
        && normalized[..normalized.len() - 1]
            .chars()
            .next_back()
            .is_some_and(is_word_char);
    let body = if wildcard {
        &normalized[..normalized.len() - 1]
    } else {
        normalized
    };
    let lower = if body.is_ascii() {
        body.to_ascii_lowercase()
    } else {
        body.to_lowercase()
    };
    (lower, wildcard)
}

/// FNV-1a: the collector hashes thousands of short terms once per start; SipHash's resistance
/// to chosen inputs is not needed for pack text.
#[derive(Clone, Copy)]
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// Where [`gather`] sends the matcher's input.
trait TermSink {
    /// A term (or phrase) of `slot`, as the pack wrote it.
    fn term(&mut self, text: &str, slot: Slot, suggestion: Option<&str>, case_sensitive: bool);
    /// A literal an anchored pattern's matches can start with (lower-case, not empty).
    fn anchor(&mut self, literal: &[u8], slot: Slot);
}

/// Hand every term of `set`, plus `anchors` (for each anchored pattern, by id, the lower-case
/// literals its matches can start with), to `sink`: everything the term matcher is built from,
/// in the order it is built. [`Collector`] builds the matcher from it, [`fingerprint`] hashes it.
fn gather(set: &RuleSet, anchors: &[Vec<Vec<u8>>], sink: &mut impl TermSink) {
    let all = |terms: &[Term], slot: Slot, sink: &mut _| {
        for t in terms {
            TermSink::term(
                sink,
                &t.text,
                slot,
                t.suggestion.as_deref(),
                t.case_sensitive,
            );
        }
    };
    let phrases = |phrases: &[String], slot: Slot, sink: &mut _| {
        for p in phrases {
            TermSink::term(sink, p, slot, None, false);
        }
    };
    for (id, literals) in anchors.iter().enumerate() {
        for lit in literals {
            sink.anchor(lit, Slot::Anchor(id as u32));
        }
    }
    for (i, lex) in set.lexicons.iter().enumerate().filter(|(_, l)| l.matched) {
        all(&lex.terms, Slot::Lexicon(i as u32), sink);
    }
    for (i, pack) in set.packs.iter().enumerate() {
        phrases(&pack.allow, Slot::AllowPack(i as u32), sink);
    }
    for (i, rule) in set.rules.iter().enumerate() {
        let r = i as u32;
        match &rule.kind {
            RuleKind::Terms(ts) => all(&ts.terms, Slot::Rule(r), sink),
            RuleKind::Near { a, b, .. } => {
                all(&a.terms, Slot::Side(r, false), sink);
                all(&b.terms, Slot::Side(r, true), sink);
            }
            RuleKind::Pattern { keywords, .. } => all(keywords, Slot::Keyword(r), sink),
            RuleKind::Combination { .. } | RuleKind::Check => {}
        }
        if let Some(c) = &rule.context {
            all(&c.words.terms, Slot::Context(r), sink);
        }
        if let Some(c) = &rule.negative_context {
            all(&c.words.terms, Slot::Negative(r), sink);
        }
        phrases(&rule.allow, Slot::AllowRule(r), sink);
    }
}

/// A hash of everything the term matcher of `set` and `anchors` is built from (the slot layout
/// and every [`gather`]ed term and anchor): a prepared matcher whose fingerprint is this one
/// was built from the same input by the same code, so it finds the same hits.
pub(crate) fn fingerprint(set: &RuleSet, anchors: &[Vec<Vec<u8>>]) -> u64 {
    use std::hash::Hasher;
    let mut h = FingerprintSink(Fnv::default());
    let layout = SlotLayout::new(
        set.rules.len(),
        set.lexicons.len(),
        set.packs.len(),
        anchors.len(),
    );
    for n in layout.first {
        h.0.write_u32(n);
    }
    gather(set, anchors, &mut h);
    h.0.finish()
}

/// Hashes what [`gather`] hands over; each field is written with its length or tag, so two
/// different inputs cannot run together into the same bytes.
struct FingerprintSink(Fnv);

impl FingerprintSink {
    fn bytes(&mut self, bytes: &[u8]) {
        use std::hash::Hasher;
        self.0.write_u64(bytes.len() as u64);
        self.0.write(bytes);
    }

    fn slot(&mut self, slot: Slot) {
        use std::hash::Hasher;
        let (variant, offset) = slot.variant_offset();
        self.0.write_u64(variant as u64);
        self.0.write_u64(offset);
    }
}

impl TermSink for FingerprintSink {
    fn term(&mut self, text: &str, slot: Slot, suggestion: Option<&str>, case_sensitive: bool) {
        use std::hash::Hasher;
        self.0.write_u8(b'T');
        self.slot(slot);
        self.bytes(text.as_bytes());
        match suggestion {
            Some(s) => {
                self.0.write_u8(1);
                self.bytes(s.as_bytes());
            }
            None => self.0.write_u8(0),
        }
        self.0.write_u8(u8::from(case_sensitive));
    }

    fn anchor(&mut self, literal: &[u8], slot: Slot) {
        use std::hash::Hasher;
        self.0.write_u8(b'A');
        self.slot(slot);
        self.bytes(literal);
    }
}

impl TermSink for Collector {
    fn term(&mut self, text: &str, slot: Slot, suggestion: Option<&str>, case_sensitive: bool) {
        self.add(text, slot, suggestion, case_sensitive);
    }

    fn anchor(&mut self, literal: &[u8], slot: Slot) {
        self.add_anchor(literal, slot);
    }
}

#[derive(Default)]
struct Collector {
    /// Pattern id of each literal, without and with a trailing `*`; the map owns the literals
    /// ([`Collector::finish`] lists them by id).
    index: HashMap<Vec<u8>, [Option<usize>; 2], std::hash::BuildHasherDefault<Fnv>>,
    patterns: Vec<PatternInfo>,
    anchors: bool,
    layout: SlotLayout,
}

impl Collector {
    fn add(&mut self, text: &str, slot: Slot, suggestion: Option<&str>, case_sensitive: bool) {
        let (literal, wildcard) = automaton_form(text);
        if literal.is_empty() {
            return;
        }
        let exact = case_sensitive.then(|| {
            let n = Normalized::new(text.trim()).as_str().to_string();
            n.trim_end_matches('*').into()
        });
        self.add_use(
            literal.into_bytes(),
            wildcard,
            Use {
                slot,
                suggestion: suggestion.map(Arc::from),
                exact,
            },
        );
    }

    /// A literal an anchored pattern's matches can start with (lower-case, not empty).
    fn add_anchor(&mut self, literal: &[u8], slot: Slot) {
        self.anchors = true;
        let use_ = Use {
            slot,
            suggestion: None,
            exact: None,
        };
        self.add_use(literal.to_vec(), false, use_);
    }

    fn add_use(&mut self, literal: Vec<u8>, wildcard: bool, use_: Use) {
        let ends_in_word = last_char(&literal).is_some_and(is_word_char);
        // One hash per use; the literal moves into the map when it is new.
        let ids = self.index.entry(literal).or_default();
        let id = match ids[usize::from(wildcard)] {
            Some(id) => id,
            None => {
                let id = self.patterns.len();
                ids[usize::from(wildcard)] = Some(id);
                self.patterns.push(PatternInfo {
                    wildcard,
                    ends_in_word,
                    // Most literals have one use; a first push into `Vec::new()` would
                    // reserve four, and the matcher keeps them all for the whole run.
                    uses: Vec::with_capacity(1),
                });
                id
            }
        };
        let uses = &mut self.patterns[id].uses;
        // A term listed twice in one slot is one term.
        if !uses
            .iter()
            .any(|u| u.slot == use_.slot && u.exact == use_.exact)
        {
            uses.push(use_);
        }
    }

    fn gather(set: &RuleSet, anchors: &[Vec<Vec<u8>>]) -> Collector {
        let mut b = Collector {
            layout: SlotLayout::new(
                set.rules.len(),
                set.lexicons.len(),
                set.packs.len(),
                anchors.len(),
            ),
            ..Collector::default()
        };
        b.index.reserve(literals_at_most(set, anchors));
        gather(set, anchors, &mut b);
        b
    }

    fn finish(self) -> TermMatcher {
        let (anchors, layout) = (self.anchors, self.layout);
        let (literals, mut patterns) = self.into_parts();
        assert!(layout.len() < EXACT as usize, "too many slots");
        let mut checks = Vec::new();
        let mut texts = Vec::new();
        let mut pattern_checks = Vec::with_capacity(patterns.len());
        let at = |checks: &Vec<u32>| u32::try_from(checks.len()).expect("uses fit in u32");
        for info in &mut patterns {
            // Term uses first, anchors after (a stable sort keeps each kind's order).
            info.uses.sort_by_key(|u| matches!(u.slot, Slot::Anchor(_)));
            let first = at(&checks);
            let mut anchors = None;
            for u in &info.uses {
                if matches!(u.slot, Slot::Anchor(_)) && anchors.is_none() {
                    anchors = Some(at(&checks));
                }
                if u.suggestion.is_some() || u.exact.is_some() {
                    let text = UseText {
                        suggestion: u.suggestion.clone(),
                        exact: u.exact.clone(),
                    };
                    texts.push((at(&checks), text));
                }
                let n = layout
                    .number(u.slot)
                    .expect("every use's slot is in the layout");
                checks.push(if u.exact.is_some() { n | EXACT } else { n });
            }
            let end = at(&checks);
            let c = PatternChecks {
                first,
                anchors: anchors.unwrap_or(end),
                end,
                wildcard: info.wildcard,
                ends_in_word: info.ends_in_word,
            };
            pattern_checks.push(c.to_raw());
        }
        TermMatcher {
            trie: Trie::build(&literals, anchors),
            layout,
            checks: checks.into(),
            pattern_checks: pattern_checks.into(),
            texts,
            #[cfg(test)]
            literals,
            #[cfg(test)]
            patterns,
        }
    }

    /// The literals by pattern id, and the patterns.
    fn into_parts(self) -> (Vec<Vec<u8>>, Vec<PatternInfo>) {
        let mut literals: Vec<Vec<u8>> = vec![Vec::new(); self.patterns.len()];
        for (literal, ids) in self.index {
            match ids {
                [Some(a), Some(b)] => {
                    literals[b] = literal.clone();
                    literals[a] = literal;
                }
                [Some(a), None] | [None, Some(a)] => literals[a] = literal,
                [None, None] => {}
            }
        }
        (literals, self.patterns)
    }
}

/// The last character of a literal (as `String::from_utf8_lossy` would read it).
fn last_char(literal: &[u8]) -> Option<char> {
    match literal.last() {
        Some(&b) if b < 0x80 => Some(char::from(b)),
        _ => match std::str::from_utf8(literal) {
            Ok(s) => s.chars().next_back(),
            Err(_) => String::from_utf8_lossy(literal).chars().next_back(),
        },
    }
}

/// How many literals `gather` can add at most (each term, phrase and anchor literal once): the
/// size to reserve, so the index is not rehashed as it grows.
fn literals_at_most(set: &RuleSet, anchors: &[Vec<Vec<u8>>]) -> usize {
    let terms = |ts: &TermSet| ts.terms.len();
    let lexicons: usize = set.lexicons.iter().map(|l| l.terms.len()).sum();
    let packs: usize = set.packs.iter().map(|p| p.allow.len()).sum();
    let rules: usize = set
        .rules
        .iter()
        .map(|rule| {
            let kind = match &rule.kind {
                RuleKind::Terms(ts) => terms(ts),
                RuleKind::Near { a, b, .. } => terms(a) + terms(b),
                RuleKind::Pattern { keywords, .. } => keywords.len(),
                RuleKind::Combination { .. } | RuleKind::Check => 0,
            };
            kind + rule.context.as_ref().map_or(0, |c| terms(&c.words))
                + rule
                    .negative_context
                    .as_ref()
                    .map_or(0, |c| terms(&c.words))
                + rule.allow.len()
        })
        .sum();
    anchors.iter().map(Vec::len).sum::<usize>() + lexicons + packs + rules
}

/// What `benches/terms_vs_ac.rs` needs to compare this matcher with an Aho-Corasick automaton
/// over the same strings. Not part of the engine's interface.
#[doc(hidden)]
pub mod bench {
    use super::{end_bounded_by, is_word_char, Collector, RuleSet, TermMatcher};

    /// The term automaton of `set` (terms only, no pattern anchors).
    pub struct Terms(TermMatcher);

    /// Build the automaton, as the engine does at start-up.
    pub fn build(set: &RuleSet) -> Terms {
        Terms(TermMatcher::build(set, &[]))
    }

    /// The automaton's strings (lower case), each with whether it ends in `*` (takes the rest
    /// of the word) and whether it ends with a word character (needs a boundary after it).
    pub fn strings(set: &RuleSet) -> Vec<(Vec<u8>, bool, bool)> {
        let (literals, patterns) = Collector::gather(set, &[]).into_parts();
        literals
            .into_iter()
            .zip(patterns)
            .map(|(l, p)| (l, p.wildcard, p.ends_in_word))
            .collect()
    }

    /// Whole-word occurrences in `text` (already normalised), one per string and place: what
    /// the engine's term pass finds before handing hits to their uses.
    pub fn count(terms: &Terms, text: &str) -> usize {
        let mut n = 0;
        let mut word_starts = Vec::new();
        terms
            .0
            .trie
            .view()
            .for_each_match(text, &mut word_starts, |p, _, end, at| {
                let c = terms.0.checks_of(p);
                if at.term && end_bounded_by(text, end, c.wildcard, c.ends_in_word).is_some() {
                    n += 1;
                }
            });
        n
    }

    /// Whether a character continues a word, as the matcher decides it.
    pub fn word_char(c: char) -> bool {
        is_word_char(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

    #[test]
    fn sort_keys_order_literals_as_their_bytes_do() {
        let lits: [&[u8]; 12] = [
            b"",
            b"\0",
            b"a",
            b"a\0",
            b"a\0\0",
            b"ab",
            b"abcdefgh",
            b"abcdefgh\0",
            b"abcdefghi",
            b"abcdefgi",
            b"\xff",
            "é".as_bytes(),
        ];
        for a in lits {
            for b in lits {
                let (ka, kb) = (sort_key(a), sort_key(b));
                if ka != kb {
                    assert_eq!(ka.cmp(&kb), a.cmp(b), "{a:?} {b:?}");
                }
                assert_eq!((ka, a).cmp(&(kb, b)), a.cmp(b), "{a:?} {b:?}");
            }
        }
    }

    fn reference_automaton(m: &TermMatcher) -> AhoCorasick {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&m.literals)
            .unwrap()
    }

    /// The matcher as it was first written: an overlapping, ASCII-case-insensitive Aho-Corasick
    /// search, each match then checked for word boundaries. The trie must agree with it.
    fn reference(
        m: &TermMatcher,
        ac: &AhoCorasick,
        text: &str,
    ) -> Vec<(Slot, usize, usize, Option<Arc<str>>)> {
        let mut out = Vec::new();
        for hit in ac.find_overlapping_iter(text) {
            let info = &m.patterns[hit.pattern().as_usize()];
            let (start, end) = (hit.start(), hit.end());
            let first = text[start..].chars().next().unwrap();
            if is_word_char(first) && text[..start].chars().next_back().is_some_and(is_word_char) {
                continue;
            }
            let Some(end) = end_bounded(text, end, info) else {
                continue;
            };
            for u in &info.uses {
                if u.exact
                    .as_deref()
                    .is_some_and(|e| text[start..hit.end()] != *e)
                {
                    continue;
                }
                out.push((u.slot, start, end, u.suggestion.clone()));
            }
        }
        out.sort();
        out
    }

    /// Every hit of `m` in `text`, sorted, with its slot and suggestion.
    pub(super) fn found(
        m: &TermMatcher,
        text: &str,
    ) -> Vec<(Slot, usize, usize, Option<Arc<str>>)> {
        let hits = m.find(&Normalized::new(text));
        let mut out: Vec<_> = hits
            .iter()
            .flat_map(|(slot, list)| {
                list.iter()
                    .map(move |h| (slot, h.start, h.end, m.suggestion(h)))
            })
            .collect();
        out.sort();
        out
    }

    fn matcher(extra_pack: &str) -> TermMatcher {
        let mut b = crate::rules::RuleSetBuilder::default();
        b.add_builtin().unwrap();
        if !extra_pack.is_empty() {
            b.add_source("extra.toml", extra_pack).unwrap();
        }
        TermMatcher::build(&b.finish().unwrap(), &[])
    }

    /// Terms with awkward edges: punctuation first, `*`, non-ASCII, case-sensitive, suggested.
    pub(super) const EXTRA: &str = r##"
[pack]
id = "extra"
name = "Extra"
version = "1"
description = "Terms with awkward edges."
[[rule]]
id = "edges"
category = "conduct"
severity = "info"
signal = true
message = "m"
terms = ["#ad", "@nhs", "h&c", "x-ray*", "é-test", "naïve", "GOM*", { term = "NHS", case_sensitive = true }, "a", "&", "--", "🙂 hi", "İx", { term = "gomer", suggest = "patient" }]
"##;

    #[test]
    fn agrees_with_the_aho_corasick_reference_on_edge_cases() {
        let m = matcher(EXTRA);
        let texts = [
            "scunthorpe a cunt. great#ad #ad##ad ad",
            "@nhs @NHS x@nhsy H&C h&cx xh&c x-rays X-RAY x-ray-ish",
            "é-test té-test naïve NAÏVE naïveté GOMER gomers GOM nhs NHS NHSx",
            "a a.a aa _a a_ & && &&& -- --- 🙂 hi🙂 hi 🙂 hix İx İX",
            "f*ck F*CK xf*ck f*cking f***ing f*** f****",
            "bed\tblocker bed  blocker Bed Blocker bed-blocker",
            "",
            "pics pictures picture pic. pic_s Pic* pic*",
        ];
        let ac = reference_automaton(&m);
        for t in texts {
            let norm = Normalized::new(t);
            let norm = norm.as_str();
            assert_eq!(found(&m, norm), reference(&m, &ac, norm), "{t:?}");
        }
    }

    #[test]
    fn agrees_with_the_aho_corasick_reference_on_the_benchmark_posts() {
        let m = matcher(EXTRA);
        let ac = reference_automaton(&m);
        let posts = include_str!("../../../benches/data/posts-1000.txt");
        for t in posts.lines() {
            let norm = Normalized::new(t);
            let norm = norm.as_str();
            assert_eq!(found(&m, norm), reference(&m, &ac, norm), "{t:?}");
        }
    }

    #[test]
    fn word_starts_are_recorded_for_every_word() {
        let m = matcher(EXTRA);
        let posts = include_str!("../../../benches/data/posts-1000.txt");
        let edge = ["", "a", " a", "é1 x_y 9é ı😴z __ 1.5 café", "🙂🙂 ab"];
        for t in edge.iter().copied().chain(posts.lines()) {
            let norm = Normalized::new(t);
            let text = norm.as_str();
            let mut expected = Vec::new();
            let mut prev = false;
            for (i, c) in text.char_indices() {
                let w = is_word_char(c);
                if w && !prev {
                    expected.push(i);
                }
                prev = w;
            }
            assert_eq!(m.find(&norm).word_starts(), expected, "{t:?}");
        }
    }

    #[test]
    fn boundaries_reject_substrings() {
        let m = matcher("");
        let spans = |t: &str| -> Vec<(usize, usize)> {
            let hits = m.find(&Normalized::new(t));
            hits.iter()
                .flat_map(|(_, l)| l.iter().map(|h| (h.start, h.end)))
                .collect()
        };
        // Only the allow-list entry for the town, not the word inside it.
        assert_eq!(spans("scunthorpe"), vec![(0, 10)]);
        assert!(spans("a cunt.").contains(&(2, 6)));
    }

    #[test]
    fn wildcard_extends_to_the_end_of_the_word() {
        let m = matcher(EXTRA);
        let hits = m.find(&Normalized::new("two x-rays"));
        let all: Vec<_> = hits.iter().flat_map(|(_, l)| l.iter()).collect();
        assert!(all.iter().any(|h| (h.start, h.end) == (4, 10)), "{all:?}");
    }

    #[test]
    fn terms_that_start_with_punctuation_need_no_boundary_before() {
        let m = matcher(EXTRA);
        let hits = m.find(&Normalized::new("great#ad"));
        let all: Vec<_> = hits.iter().flat_map(|(_, l)| l.iter()).collect();
        assert!(all.iter().any(|h| (h.start, h.end) == (5, 8)), "{all:?}");
    }

    #[test]
    fn slot_hits_group_by_slot_in_text_order() {
        let m = matcher("");
        let hits = m.find(&Normalized::new("the patient told her patient"));
        let list = hits
            .iter()
            .find(|(_, l)| l.len() == 2)
            .expect("patient twice")
            .1;
        assert!(list[0].start < list[1].start);
        let slot = hits.iter().next().unwrap().0;
        assert!(hits.contains(slot));
        assert!(hits.longest(slot) > 0);
        assert!(!hits.contains(Slot::AllowRule(9999)));
        assert!(hits.get(Slot::AllowRule(9999)).is_empty());
    }

    #[test]
    fn slot_numbers_sort_as_slots_do() {
        let layout = SlotLayout::new(8, 2, 1, 6);
        let slots = [
            Slot::Rule(0),
            Slot::Rule(7),
            Slot::Lexicon(0),
            Slot::Lexicon(1),
            Slot::Side(3, false),
            Slot::Side(3, true),
            Slot::Side(4, false),
            Slot::Side(7, true),
            Slot::Context(7),
            Slot::Negative(1),
            Slot::Keyword(1),
            Slot::AllowRule(2),
            Slot::AllowPack(0),
            Slot::Anchor(0),
            Slot::Anchor(5),
        ];
        for a in slots {
            let n = layout.number(a).expect("in the layout");
            assert_eq!(layout.slot(n), a);
            for b in slots {
                let m = layout.number(b).expect("in the layout");
                assert_eq!(a.cmp(&b), n.cmp(&m), "{a:?} {b:?}");
            }
        }
        assert_eq!(layout.len(), 8 * 7 + 2 + 1 + 6);
        for outside in [
            Slot::Rule(8),
            Slot::Lexicon(2),
            Slot::Side(8, false),
            Slot::Side(u32::MAX, true),
            Slot::AllowRule(u32::MAX),
            Slot::AllowPack(1),
            Slot::Anchor(6),
        ] {
            assert_eq!(layout.number(outside), None, "{outside:?}");
        }
    }

    #[test]
    fn grouping_by_slot_keeps_each_slot_in_text_order() {
        // The same hits in the same order as handing every match to its uses in the order the
        // trie finds them, then a stable sort by slot, on every benchmark post; with the
        // built-in patterns' anchors.
        let mut b = crate::rules::RuleSetBuilder::default();
        b.add_builtin().unwrap();
        b.add_source("extra.toml", EXTRA).unwrap();
        let rules = b.finish().unwrap();
        let anchors = crate::patterns::PatternMatcher::build(&rules);
        let m = TermMatcher::build(&rules, anchors.anchors());
        assert!(m.trie.anchors, "the built-in patterns have anchors");
        let posts = include_str!("../../../benches/data/posts-1000.txt");
        for t in posts.lines() {
            let norm = Normalized::new(t);
            let text = norm.as_str();
            let mut expected = Vec::new();
            m.trie
                .view()
                .for_each_match(text, &mut Vec::new(), |p, start, matched_end, at| {
                    let info = &m.patterns[p as usize];
                    let end = at
                        .term
                        .then(|| end_bounded(text, matched_end, info))
                        .flatten();
                    for (k, u) in info.uses.iter().enumerate() {
                        let end = match (u.slot, end) {
                            (Slot::Anchor(_), _) if at.ascii_word_start => matched_end,
                            (Slot::Anchor(_), _) | (_, None) => continue,
                            (_, Some(end)) => end,
                        };
                        let exact = u.exact.as_deref();
                        if exact.is_some_and(|e| text[start..matched_end] != *e) {
                            continue;
                        }
                        expected.push((u.slot, start, end, p, k as u32));
                    }
                });
            expected.sort_by_key(|h| h.0);
            let hits = m.find(&norm);
            let found: Vec<_> = hits
                .iter()
                .flat_map(|(slot, list)| {
                    list.iter()
                        .map(move |h| (slot, h.start, h.end, h.pattern, h.use_))
                })
                .collect();
            assert_eq!(found, expected, "{t:?}");
            let spans = |(slot, list): (Slot, &[TermHit])| {
                let spans: Vec<_> = list.iter().map(|h| (h.start, h.end, h.use_)).collect();
                (slot, spans)
            };
            let anchors: Vec<_> = hits
                .iter()
                .filter_map(|(s, list)| match s {
                    Slot::Anchor(a) => Some(spans((Slot::Anchor(a), list))),
                    _ => None,
                })
                .collect();
            let listed: Vec<_> = hits
                .anchors()
                .map(|(a, list)| spans((Slot::Anchor(a), list)))
                .collect();
            assert_eq!(listed, anchors, "{t:?}");
            for (slot, list) in hits.iter() {
                let longest = list.iter().map(|h| h.end - h.start).max().unwrap_or(0);
                assert_eq!(hits.longest(slot), longest);
            }
        }
    }

    #[test]
    fn automaton_form_lowercases_and_reads_the_wildcard() {
        assert_eq!(automaton_form("Pic*"), ("pic".to_string(), true));
        assert_eq!(automaton_form("f*ck"), ("f*ck".to_string(), false));
        assert_eq!(
            automaton_form("bed  blocker"),
            ("bed blocker".to_string(), false)
        );
    }
}
