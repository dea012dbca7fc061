//! The regex side of the matcher: which pattern rules run on a message, and their raw matches.
//!
//! Pattern rules with `keywords` (or required context) run only when the term pass saw one of
//! those words. Beyond that, most pack patterns start with an ASCII `\b` and then one of a
//! finite set of literals (`\b[0-9]{3}…` starts with a digit, `(?i)\b(bed|bay|ward)…` with one
//! of three words). Such a pattern is *anchored*: its literals join the term automaton (as
//! [`Slot::Anchor`]), so the single pass over the text that finds terms also finds every place a
//! match can start, and the regex runs only there, as an anchored search. A message with no
//! digit-led word never runs a number pattern at all. The remaining patterns share one
//! multi-pattern pass that says which of them can match; only those run `find_iter`.
//! Validators are the judge's business, not this module's.
//!
//! Nothing is compiled before a scan needs it: each regex the first time it runs (see
//! [`crate::rules::Pattern`]), the shared pass on the first scan that needs it.

use super::terms::{Slot, SlotHits};
use crate::rules::{Pattern, RuleKind, RuleSet};
use presend_core::error::PackError;
use regex_automata::util::pool::Pool;
use regex_automata::{hybrid, meta};
use regex_automata::{Anchored, Input, MatchKind, PatternSet};
use regex_syntax::hir::{Class, Hir, HirKind};
use std::sync::OnceLock;

/// A raw regex match of a pattern rule, in normalised byte offsets.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PatternHit {
    pub rule: u32,
    pub start: usize,
    pub end: usize,
}

/// One regex of one pattern rule, and how it runs.
#[derive(Debug, Clone)]
struct Entry {
    rule: u32,
    /// Which of the rule's regexes.
    k: usize,
    /// The rule's keyword or context gates: it runs only when one of these slots has a hit.
    /// Empty: always.
    gates: Vec<Slot>,
    /// Its index in the shared pass (ungated, unanchored regexes only).
    in_set: Option<usize>,
    /// The regex, compiled the first time a scan runs it (or why it could not be).
    compiled: OnceLock<Result<meta::Regex, PackError>>,
    /// For an anchored entry, its forward-only lazy DFA, built the first time a scan runs it;
    /// `None` if it could not be built (then the full regex runs).
    forward: OnceLock<Option<Forward>>,
    /// For a gated, unanchored entry, bytes one of which every match contains, worked out the
    /// first time its gates open (`None`: no such bytes).
    needs: OnceLock<Option<Finder>>,
}

type CacheFn = Box<dyn Fn() -> hybrid::dfa::Cache + Send + Sync>;

/// A forward-only lazy DFA and its per-thread caches: all an anchored search needs, since the
/// match starts at the anchor.
struct Forward {
    dfa: hybrid::dfa::DFA,
    caches: Pool<hybrid::dfa::Cache, CacheFn>,
}

impl Forward {
    fn new(dfa: hybrid::dfa::DFA) -> Forward {
        let template = dfa.clone();
        Forward {
            dfa,
            caches: Pool::new(Box::new(move || template.create_cache())),
        }
    }

    /// The end of the leftmost-first match starting exactly at `input`'s start, or the error
    /// when the lazy DFA gives up (a Unicode word boundary on non-ASCII text, a thrashing cache).
    fn end(&self, input: &Input) -> Result<Option<usize>, regex_automata::MatchError> {
        let mut cache = self.caches.get();
        Ok(self
            .dfa
            .try_search_fwd(&mut cache, input)?
            .map(|m| m.offset()))
    }
}

impl Clone for Forward {
    fn clone(&self) -> Forward {
        Forward::new(self.dfa.clone())
    }
}

impl std::fmt::Debug for Forward {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Forward").field("dfa", &self.dfa).finish()
    }
}

/// Compiled selection of pattern rules.
#[derive(Debug, Clone)]
pub(crate) struct PatternMatcher {
    entries: Vec<Entry>,
    /// For each anchor id, the lower-case literals its regex's matches start with.
    anchors: Vec<Vec<Vec<u8>>>,
    /// The sources of the shared pass, and for each its entry.
    set_sources: Vec<String>,
    set_entries: Vec<usize>,
    /// The shared pass, built on first use; `None` if it could not be built (then every
    /// regex in it runs).
    set: OnceLock<Option<meta::Regex>>,
    /// For each anchor id, its entries: several when rules share a pattern source (one search
    /// at each candidate start serves them all).
    anchor_entries: Vec<Vec<usize>>,
    /// The entries that are not anchored, in order.
    unanchored: Vec<usize>,
}

impl PatternMatcher {
    pub fn build(rules: &RuleSet) -> PatternMatcher {
        let mut m = PatternMatcher {
            entries: Vec::new(),
            anchors: Vec::new(),
            set_sources: Vec::new(),
            set_entries: Vec::new(),
            set: OnceLock::new(),
            anchor_entries: Vec::new(),
            unanchored: Vec::new(),
        };
        let mut anchor_of_source = std::collections::HashMap::new();
        for (i, rule) in rules.rules.iter().enumerate() {
            let RuleKind::Pattern {
                regexes, keywords, ..
            } = &rule.kind
            else {
                continue;
            };
            let r = i as u32;
            let mut gates = Vec::new();
            if !keywords.is_empty() {
                gates.push(Slot::Keyword(r));
            }
            if let Some(c) = rule.context.as_ref().filter(|c| c.required) {
                gates.push(Slot::Context(r));
                gates.extend(c.words.lexicons.iter().map(|&l| Slot::Lexicon(l as u32)));
            }
            for (k, re) in regexes.iter().enumerate() {
                let anchor = re.anchors().map(|lits| {
                    *anchor_of_source.entry(re.as_str()).or_insert_with(|| {
                        m.anchors.push(lits.to_vec());
                        m.anchor_entries.push(Vec::new());
                        m.anchors.len() - 1
                    })
                });
                let in_set = (anchor.is_none() && gates.is_empty()).then(|| {
                    m.set_sources.push(re.as_str().to_string());
                    m.set_entries.push(m.entries.len());
                    m.set_sources.len() - 1
                });
                match anchor {
                    Some(a) => m.anchor_entries[a].push(m.entries.len()),
                    None => m.unanchored.push(m.entries.len()),
                }
                m.entries.push(Entry {
                    rule: r,
                    k,
                    gates: gates.clone(),
                    in_set,
                    compiled: OnceLock::new(),
                    forward: OnceLock::new(),
                    needs: OnceLock::new(),
                });
            }
        }
        m
    }

    /// The patterns that failed to compile when a scan first ran them, with file, line and rule.
    /// Loading a pack checks every pattern, so this stays empty unless that check missed one;
    /// such a pattern matches nothing, and the caller reports the error.
    pub fn errors(&self) -> Vec<PackError> {
        self.entries
            .iter()
            .filter_map(|e| e.compiled.get()?.as_ref().err().cloned())
            .collect()
    }

    /// How many regexes have been compiled so far.
    #[cfg(test)]
    pub fn compiled(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| e.compiled.get().is_some() || e.forward.get().is_some())
            .count()
    }

    /// For each anchor id, the literals the term automaton must look for.
    pub fn anchors(&self) -> &[Vec<Vec<u8>>] {
        &self.anchors
    }

    /// The shared pass over the ungated, unanchored regexes (`MatchKind::All`, like a
    /// `RegexSet`), built without literal prefilters: extracting literals from dozens of
    /// patterns costs more start-up time than they save on short messages.
    ///
    /// It is built from the patterns' parsed forms, which each pattern keeps, so a pattern the
    /// pass lets through is not parsed a second time when it then compiles on its own.
    fn set(&self, rules: &RuleSet) -> Option<&meta::Regex> {
        self.set
            .get_or_init(|| {
                let hirs = self
                    .set_entries
                    .iter()
                    .map(|&i| {
                        let e = &self.entries[i];
                        let RuleKind::Pattern { regexes, .. } = &rules.rules[e.rule as usize].kind
                        else {
                            unreachable!("entries are pattern rules");
                        };
                        regexes[e.k].hir()
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .ok()?;
                meta::Builder::new()
                    .syntax(Pattern::syntax())
                    .configure(
                        meta::Config::new()
                            .match_kind(MatchKind::All)
                            .utf8_empty(false)
                            .auto_prefilter(false)
                            .which_captures(regex_automata::nfa::thompson::WhichCaptures::None),
                    )
                    .build_many_from_hir(&hirs)
                    .ok()
            })
            .as_ref()
    }

    /// Run the pattern rules that the prefilters let through.
    pub fn find(&self, rules: &RuleSet, text: &str, terms: &SlotHits) -> Vec<PatternHit> {
        let bytes = text.as_bytes();
        // Which unanchored, ungated regexes can match at all; `None` when none can.
        let in_set = if self.set_sources.is_empty() {
            None
        } else {
            match self.set(rules) {
                // Most messages match none of these regexes. The overlapping pass has to read
                // every byte of a message, one step at a time, whereas a search for any match
                // runs the lazy DFA's fast loop and stops at the first: it rules those
                // messages out for less than half of the pass's cost (docs/performance.md).
                Some(set) if set.is_match(Input::new(bytes)) => {
                    let mut which = PatternSet::new(self.set_sources.len());
                    set.which_overlapping_matches(&Input::new(bytes), &mut which);
                    Some(which)
                }
                Some(_) => None,
                None => {
                    let mut which = PatternSet::new(self.set_sources.len());
                    (0..self.set_sources.len()).for_each(|i| {
                        which.insert(regex_automata::PatternID::new_unchecked(i));
                    });
                    Some(which)
                }
            }
        };
        let mut hits = Vec::new();
        // Anchored regexes: only those whose literals the term pass saw, where it saw them.
        for (a, starts) in terms.anchors() {
            let open =
                |e: &&Entry| e.gates.is_empty() || e.gates.iter().any(|&s| terms.contains(s));
            let mut entries = self.anchor_entries[a as usize]
                .iter()
                .map(|&i| &self.entries[i])
                .filter(open);
            let Some(first) = entries.next() else {
                continue;
            };
            let from = hits.len();
            run_anchored(
                rules,
                first,
                text,
                starts.iter().map(|t| t.start),
                &mut hits,
            );
            let to = hits.len();
            for e in entries {
                for i in from..to {
                    hits.push(PatternHit {
                        rule: e.rule,
                        ..hits[i]
                    });
                }
            }
        }
        for &i in &self.unanchored {
            let e = &self.entries[i];
            if !e.gates.is_empty() && !e.gates.iter().any(|&s| terms.contains(s)) {
                continue;
            }
            match e.in_set {
                Some(i) => {
                    let id = regex_automata::PatternID::new_unchecked(i);
                    if !in_set.as_ref().is_some_and(|which| which.contains(id)) {
                        continue;
                    }
                }
                // A gated regex whose gates are open would still read the whole message: first
                // ask whether the message has a byte that every match needs.
                None => {
                    if needs(rules, e).is_some_and(|n| !n.found_in(bytes)) {
                        continue;
                    }
                }
            }
            let Some(regex) = regex(rules, e) else {
                continue;
            };
            for m in regex.find_iter(bytes) {
                push(text, e.rule, m.start(), m.end(), &mut hits);
            }
        }
        hits
    }
}

/// The compiled regex of an entry, compiled now if this is its first use; `None` when it does
/// not compile (see [`PatternMatcher::errors`]).
fn regex<'e>(rules: &RuleSet, e: &'e Entry) -> Option<&'e meta::Regex> {
    e.compiled
        .get_or_init(|| {
            let rule = &rules.rules[e.rule as usize];
            let RuleKind::Pattern { regexes, .. } = &rule.kind else {
                unreachable!("entries are pattern rules");
            };
            regexes[e.k].compile().map_err(|message| PackError {
                file: rule.source.clone(),
                line: Some(rule.line),
                rule: Some(rule.id.clone()),
                message,
            })
        })
        .as_ref()
        .ok()
}

/// What an entry's matches need ([`Needs::of`] of its parsed pattern), worked out on first use.
fn needs<'e>(rules: &RuleSet, e: &'e Entry) -> Option<&'e Finder> {
    e.needs
        .get_or_init(|| {
            let RuleKind::Pattern { regexes, .. } = &rules.rules[e.rule as usize].kind else {
                unreachable!("entries are pattern rules");
            };
            regexes[e.k].hir().ok().and_then(Needs::of).map(Finder::new)
        })
        .as_ref()
}

/// A set of bytes one of which every match of a regex contains (`£` or a digit, an `@`, a
/// `(`): a message without any of them cannot match, which one read of its bytes, stopping at
/// the first that is in the set, settles more cheaply than running the regex.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Needs([u64; 4]);

impl Needs {
    /// The bytes every match of `hir` needs one of, chosen to be rare (punctuation before digits
    /// before letters and spaces); `None` when a match may consist of look-arounds or nothing.
    fn of(hir: &Hir) -> Option<Needs> {
        match hir.kind() {
            HirKind::Empty | HirKind::Look(_) => None,
            // Every byte of a literal is in every match: the rarest one will do.
            HirKind::Literal(lit) => lit
                .0
                .iter()
                .map(|&b| Needs::byte(b))
                .min_by_key(Needs::weight),
            HirKind::Class(Class::Bytes(c)) => {
                Some(c.ranges().iter().fold(Needs([0; 4]), |n, r| {
                    n.union(Needs::range(r.start(), r.end()))
                }))
            }
            // A character in a range starts with a byte between the first bytes of its ends.
            HirKind::Class(Class::Unicode(c)) => {
                let first = |ch: char| ch.encode_utf8(&mut [0; 4]).as_bytes()[0];
                Some(c.ranges().iter().fold(Needs([0; 4]), |n, r| {
                    n.union(Needs::range(first(r.start()), first(r.end())))
                }))
            }
            HirKind::Repetition(r) if r.min >= 1 => Needs::of(&r.sub),
            HirKind::Repetition(_) => None,
            HirKind::Capture(c) => Needs::of(&c.sub),
            HirKind::Concat(parts) => parts.iter().filter_map(Needs::of).min_by_key(Needs::weight),
            HirKind::Alternation(alts) => alts
                .iter()
                .map(Needs::of)
                .try_fold(Needs([0; 4]), |n, alt| Some(n.union(alt?))),
        }
    }

    const fn byte(b: u8) -> Needs {
        Needs::range(b, b)
    }

    const fn range(from: u8, to: u8) -> Needs {
        let mut n = [0u64; 4];
        let mut b = from as usize;
        while b <= to as usize {
            n[b / 64] |= 1 << (b % 64);
            b += 1;
        }
        Needs(n)
    }

    const fn union(self, other: Needs) -> Needs {
        let (a, b) = (self.0, other.0);
        Needs([a[0] | b[0], a[1] | b[1], a[2] | b[2], a[3] | b[3]])
    }

    fn contains(&self, b: u8) -> bool {
        self.0[usize::from(b / 64)] & (1 << (b % 64)) != 0
    }

    /// How common the bytes are in ordinary posts, roughly: letters and spaces 16, digits 4,
    /// anything else 1.
    fn weight(&self) -> u32 {
        const LETTERS: Needs = Needs::range(b'a', b'z')
            .union(Needs::range(b'A', b'Z'))
            .union(Needs::byte(b' '));
        const DIGITS: Needs = Needs::range(b'0', b'9');
        let (letters, digits) = (LETTERS, DIGITS);
        (0..4)
            .map(|i| {
                let w = self.0[i];
                let (l, d) = (w & letters.0[i], w & digits.0[i]);
                16 * l.count_ones()
                    + 4 * d.count_ones()
                    + (w & !(letters.0[i] | digits.0[i])).count_ones()
            })
            .sum()
    }
}

/// How to look for the bytes of a [`Needs`] in a message: `memchr` for up to three bytes, eight
/// bytes at a time for digits, a table otherwise.
#[derive(Debug, Clone)]
enum Finder {
    One(u8),
    Two(u8, u8),
    Three(u8, u8, u8),
    Digits,
    Table(Needs),
}

impl Finder {
    fn new(needs: Needs) -> Finder {
        let bytes: Vec<u8> = (0..=255u8).filter(|&b| needs.contains(b)).collect();
        match bytes[..] {
            [a] => Finder::One(a),
            [a, b] => Finder::Two(a, b),
            [a, b, c] => Finder::Three(a, b, c),
            _ if needs == Needs::range(b'0', b'9') => Finder::Digits,
            _ => Finder::Table(needs),
        }
    }

    /// Whether `text` has one of the bytes.
    fn found_in(&self, text: &[u8]) -> bool {
        match *self {
            Finder::One(a) => memchr::memchr(a, text).is_some(),
            Finder::Two(a, b) => memchr::memchr2(a, b, text).is_some(),
            Finder::Three(a, b, c) => memchr::memchr3(a, b, c, text).is_some(),
            Finder::Digits => has_digit(text),
            Finder::Table(needs) => text.iter().any(|&b| needs.contains(b)),
        }
    }
}

/// Whether `text` has an ASCII digit, eight bytes at a time.
fn has_digit(text: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut chunks = text.chunks_exact(8);
    for chunk in &mut chunks {
        // Digits become bytes below 10; a byte below 10 leaves a high bit (exact as a yes/no).
        let x = u64::from_le_bytes(chunk.try_into().expect("eight bytes")) ^ (0x30 * ONES);
        if x.wrapping_sub(10 * ONES) & !x & HIGH != 0 {
            return true;
        }
    }
    chunks.remainder().iter().any(u8::is_ascii_digit)
}

/// Keep a match if it sits on character boundaries: patterns are compiled with Unicode off, and
/// a match must map back into the (valid UTF-8) text.
fn push(text: &str, rule: u32, start: usize, end: usize, hits: &mut Vec<PatternHit>) {
    if start < end && text.is_char_boundary(start) && text.is_char_boundary(end) {
        hits.push(PatternHit { rule, start, end });
    }
}

/// The same matches, in the same order, as `find_iter` of an anchored entry: every match starts
/// at one of `starts` (in text order), so trying them in turn, skipping those inside the last
/// match, finds each leftmost-first match.
fn run_anchored(
    rules: &RuleSet,
    e: &Entry,
    text: &str,
    starts: impl Iterator<Item = usize>,
    hits: &mut Vec<PatternHit>,
) {
    let forward = e
        .forward
        .get_or_init(|| {
            let rule = &rules.rules[e.rule as usize];
            let RuleKind::Pattern { regexes, .. } = &rule.kind else {
                unreachable!("entries are pattern rules");
            };
            regexes[e.k].compile_forward().ok().map(Forward::new)
        })
        .as_ref();
    let bytes = text.as_bytes();
    let mut resume = 0;
    for s in starts {
        if s < resume {
            continue;
        }
        let input = Input::new(bytes).range(s..).anchored(Anchored::Yes);
        let end = match forward.map(|f| f.end(&input)) {
            Some(Ok(end)) => end.map(|end| (s, end)),
            // No forward DFA, or it gave up here: the full regex decides.
            _ => regex(rules, e)
                .and_then(|r| r.search(&input))
                .map(|m| (m.start(), m.end())),
        };
        if let Some((start, end)) = end {
            push(text, e.rule, start, end, hits);
            resume = end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::Normalized;
    use crate::rules::analysis::MAX_ANCHOR_LITERALS;
    use crate::rules::{load_pack_source, Pattern};
    use crate::terms::TermMatcher;

    fn pack(patterns: &[&str]) -> RuleSet {
        let mut toml = String::from(
            "[pack]\nid = \"p\"\nname = \"P\"\nversion = \"1\"\ndescription = \"d\"\n",
        );
        for (i, p) in patterns.iter().enumerate() {
            toml.push_str(&format!(
                "[[rule]]\nid = \"r{i}\"\ncategory = \"conduct\"\nseverity = \"info\"\n\
                 signal = true\nmessage = \"m\"\npattern = '''{p}'''\n"
            ));
        }
        load_pack_source("p.toml", &toml).unwrap()
    }

    /// The matcher's hits on `text`, sorted, equal what [`reference`] finds.
    fn assert_matches_reference(
        rules: &RuleSet,
        m: &PatternMatcher,
        terms: &TermMatcher,
        text: &str,
    ) {
        let norm = Normalized::new(text);
        let slots = terms.find(&norm);
        let mut got: Vec<_> = m
            .find(rules, norm.as_str(), &slots)
            .iter()
            .map(|h| (h.rule, h.start, h.end))
            .collect();
        got.sort_unstable();
        assert_eq!(got, reference(rules, norm.as_str()), "{text:?}");
    }

    /// Every match `find_iter` gives, per rule, that sits on character boundaries.
    fn reference(rules: &RuleSet, text: &str) -> Vec<(u32, usize, usize)> {
        let mut out = Vec::new();
        for (r, rule) in rules.rules.iter().enumerate() {
            let RuleKind::Pattern { regexes, .. } = &rule.kind else {
                continue;
            };
            for re in regexes {
                for m in re.compile().unwrap().find_iter(text.as_bytes()) {
                    if text.is_char_boundary(m.start()) && text.is_char_boundary(m.end()) {
                        out.push((r as u32, m.start(), m.end()));
                    }
                }
            }
        }
        out.sort_unstable();
        out
    }

    const PATTERNS: &[&str] = &[
        r"\b[0-9]{3}[ .-]?[0-9]{3}[ .-]?[0-9]{4}\b",
        r"\b[0-9]{1,3} ?(yo|y/o|yrs?)\b",
        r"\b[1-9][0-9]?[MF]\b",
        r"(?i)\bin (his|her|their) (late |early |mid-?)?[1-9]0s\b",
        r"(?i)\b(bed|bay|ward|cubicle|side ?room|resus|majors cubicle)[ -]?[0-9]{1,2}[a-z]?\b",
        r"\b(a|ab|abc)",
        r"\bx+y",
        r"[0-9]{2}/[0-9]{2}",
        r"(?i)\bdob\b|\bborn\b",
        r"\b_[a-z]+",
    ];

    #[test]
    fn which_patterns_are_anchored() {
        let rules = pack(PATTERNS);
        let m = PatternMatcher::build(&rules);
        let anchored: Vec<bool> = (0..m.entries.len())
            .map(|i| m.anchor_entries.iter().any(|a| a.contains(&i)))
            .collect();
        assert_eq!(
            anchored,
            [true, true, true, true, true, true, true, false, true, true]
        );
        let digits: Vec<Vec<u8>> = (b'0'..=b'9').map(|d| vec![d]).collect();
        assert_eq!(m.anchors()[0], digits);
        assert_eq!(m.anchors()[5], vec![b"a".to_vec()]);
        assert!(m.anchors()[4].iter().any(|l| l.starts_with(b"bed")));
        assert!(m.anchors()[4].len() <= MAX_ANCHOR_LITERALS);
        // Unanchored patterns share the multi-pattern pass.
        assert_eq!(m.set_sources, vec![PATTERNS[7].to_string()]);
    }

    #[test]
    fn anchored_runs_find_what_find_iter_finds() {
        let rules = pack(PATTERNS);
        let m = PatternMatcher::build(&rules);
        let terms = TermMatcher::build(&rules, m.anchors());
        let edge = [
            "NHS 943 476 5919, 9434765919 and x943 476 5919 or é943 476 5919",
            "BED 4, bed4a, Bay-12 ward 7 WARD7 sideroom 3 side room 12b xbed 4",
            "83F 9M 45yo 3 yrs 10y/o in HIS 80s in her mid-70s",
            "abc ab a xabc éabc _abc a_b xxy xy éxy 12/34 ab12/34",
            "DOB born dob: BORN unborn",
            "",
            "😴 ☕ 12 34 56 7890 🏴\u{E0067}\u{E0062}",
        ];
        let posts = include_str!("../../../benches/data/posts-1000.txt");
        for text in edge.iter().copied().chain(posts.lines()) {
            assert_matches_reference(&rules, &m, &terms, text);
        }
    }

    #[test]
    fn rules_sharing_a_pattern_share_one_anchor_and_each_get_its_matches() {
        let shared = r"\b[0-9]{3}[ .-]?[0-9]{3}[ .-]?[0-9]{4}\b";
        let rules = pack(&[shared, r"(?i)\bdob\b", shared, shared]);
        let m = PatternMatcher::build(&rules);
        assert_eq!(m.anchors().len(), 2);
        assert_eq!(m.anchor_entries[0], [0, 2, 3]);
        let terms = TermMatcher::build(&rules, m.anchors());
        for text in [
            "dob 943 476 5919 and 9434765919",
            "x943 476 5919",
            "none here",
        ] {
            assert_matches_reference(&rules, &m, &terms, text);
        }
    }

    #[test]
    fn prefixes_are_lower_case_and_sound() {
        // Lower-case literals only: 2 words x 10 digits, not every mix of cases.
        let ward = Pattern::new(r"(?i)\b(bed|cubicle)[0-9]").unwrap();
        let ward = ward.anchors().unwrap();
        assert_eq!(ward.len(), 20);
        assert!(ward.contains(&b"bed4".to_vec()) && ward.contains(&b"cubicle0".to_vec()));
        // Optional parts: the match may start with what follows them.
        let p = Pattern::new(r"\b(?:dr\.? )?(ab|cd)x*y").unwrap();
        let lits = p.anchors().unwrap();
        for (text, start) in [("dr. abxy", 0), ("dr abxxy", 0), ("cdy", 0), ("abxy", 0)] {
            let m = p.compile().unwrap().find(text.as_bytes()).unwrap();
            assert_eq!(m.start(), start);
            let at = &text.as_bytes()[m.start()..].to_ascii_lowercase();
            assert!(lits.iter().any(|l| at.starts_with(l)), "{text}: {lits:?}");
        }
        // A pattern that may match nothing at all has no anchor.
        assert_eq!(Pattern::new(r"\b(?:ab)?").unwrap().anchors(), None);
    }

    #[test]
    fn needed_bytes_are_in_every_match() {
        let needs = |p: &str| Needs::of(Pattern::new(p).unwrap().hir().unwrap());
        let set = |bytes: &[u8]| {
            bytes
                .iter()
                .fold(Needs([0; 4]), |n, &b| n.union(Needs::byte(b)))
        };
        // The first of the equally rare bytes of `£` (C2 A3).
        assert_eq!(needs(r"£ ?[0-9]+"), Some(Needs::byte(0xC2)));
        assert_eq!(needs(r"\b[A-Z]{1,3}[0-9]{6,8}\b"), Some(set(b"0123456789")));
        assert_eq!(needs(r"\w+@\w+|\w+ ?\(at\)"), Some(set(b"@(")));
        assert_eq!(needs(r"(?i)\bsaw\b"), Some(set(b"sS")));
        assert_eq!(needs(r"\b(?:x|y)?z*"), None);
        assert_eq!(needs(r"^|a"), None);
        for text in [
            "",
            "abc",
            "abcdefgh",
            "abcdefgh9",
            "x/:y",
            "1",
            "ab\u{e9}7cdefgh",
            "😀😀0",
        ] {
            assert_eq!(
                has_digit(text.as_bytes()),
                text.bytes().any(|b| b.is_ascii_digit())
            );
        }
        let accented = needs(r"(?u:[é-ü])").unwrap();
        assert!(accented.contains("é".as_bytes()[0]) && accented.contains("ü".as_bytes()[0]));
    }

    #[test]
    fn gated_patterns_skipped_for_want_of_a_byte_find_what_find_iter_finds() {
        let mut toml = String::from(
            "[pack]\nid = \"p\"\nname = \"P\"\nversion = \"1\"\ndescription = \"d\"\n",
        );
        let gated = [
            r"£ ?[0-9][0-9,]*(?:k\b)?",
            r"\b[A-Z]{1,3}[0-9]{6,8}\b",
            r"(?i)\b[a-z0-9][a-z0-9._-]* ?(?:\(at\)|\[at\]) ?[a-z0-9-]+\b",
            r"(?:^|[^A-Za-z])[*#@]{2,}",
        ];
        for (i, p) in gated.iter().enumerate() {
            toml.push_str(&format!(
                "[[rule]]\nid = \"r{i}\"\ncategory = \"conduct\"\nseverity = \"info\"\n\
                 signal = true\nmessage = \"m\"\nkeywords = [\"gate\"]\npattern = '''{p}'''\n"
            ));
        }
        let rules = load_pack_source("p.toml", &toml).unwrap();
        let m = PatternMatcher::build(&rules);
        assert!(m
            .entries
            .iter()
            .all(|e| e.in_set.is_none() && !e.gates.is_empty()));
        let terms = TermMatcher::build(&rules, m.anchors());
        for text in [
            "gate: paid £ 300k to AB1234567, mail j.doe (at) example or ** this",
            "gate: nothing here at all, no money, no numbers",
            "gate £5 and ##",
            "gate 😀 @@ é",
        ] {
            assert_matches_reference(&rules, &m, &terms, text);
        }
    }

    #[test]
    fn literals_are_cut_until_few() {
        let p = Pattern::new(r"\b[0-9]{3}-[0-9]{4}").unwrap();
        let lits = p.anchors().unwrap();
        assert!(lits.len() <= MAX_ANCHOR_LITERALS, "{}", lits.len());
        let p = Pattern::new(r"[0-9]{3}").unwrap();
        assert_eq!(p.anchors(), None);
        let p = Pattern::new(r"\b#tag").unwrap();
        assert_eq!(p.anchors(), None);
        let p = Pattern::new(r"\b[a-z]+x").unwrap();
        assert_eq!(p.anchors(), None, "infinite");
        // Too many one-letter prefixes: nearly every word would be a candidate.
        let p = Pattern::new(r"\b(?:B|E|G|L|M|N|S|W|AB)[a-z]*").unwrap();
        assert_eq!(p.anchors(), None);
    }
}
