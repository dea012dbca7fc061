//! One Aho-Corasick automaton over every term of every rule, lexicon, context list, keyword list
//! and allow-list, so a message is read once for all of them whatever their number.
//!
//! Each automaton pattern remembers every place it is used (a [`Slot`]); one hit in the text is
//! handed to all of them. Matching is ASCII case-insensitive on the normalised view, overlapping
//! (so `patient` inside `heartsink patient` still counts as a patient referent), and whole-word:
//! boundaries are checked in code, which keeps the automaton simple and fast.

use super::normalize::Normalized;
use crate::rules::{RuleKind, RuleSet, Term, TermSet};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::collections::HashMap;
use std::sync::Arc;

/// Where a term's hits go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    uses: Vec<Use>,
}

/// A term occurrence in the normalised text.
#[derive(Debug, Clone)]
pub(crate) struct TermHit {
    pub start: usize,
    pub end: usize,
    pub suggestion: Option<Arc<str>>,
}

/// The compiled term matcher.
#[derive(Debug, Clone)]
pub(crate) struct TermMatcher {
    automaton: Option<AhoCorasick>,
    patterns: Vec<PatternInfo>,
}

/// All term hits of one message, grouped by slot.
pub(crate) type SlotHits = HashMap<Slot, Vec<TermHit>>;

impl TermMatcher {
    pub fn build(set: &RuleSet) -> TermMatcher {
        let mut b = Collector::default();
        for (i, lex) in set.lexicons.iter().enumerate() {
            b.add_all(&lex.terms, Slot::Lexicon(i as u32));
        }
        for (i, pack) in set.packs.iter().enumerate() {
            b.add_phrases(&pack.allow, Slot::AllowPack(i as u32));
        }
        for (i, rule) in set.rules.iter().enumerate() {
            let r = i as u32;
            match &rule.kind {
                RuleKind::Terms(ts) => b.add_all(&ts.terms, Slot::Rule(r)),
                RuleKind::Near { a, b: side_b, .. } => {
                    b.add_set(a, Slot::Side(r, false));
                    b.add_set(side_b, Slot::Side(r, true));
                }
                RuleKind::Pattern { keywords, .. } => b.add_all(keywords, Slot::Keyword(r)),
                RuleKind::Combination { .. } => {}
            }
            if let Some(c) = &rule.context {
                b.add_set(&c.words, Slot::Context(r));
            }
            if let Some(c) = &rule.negative_context {
                b.add_set(&c.words, Slot::Negative(r));
            }
            b.add_phrases(&rule.allow, Slot::AllowRule(r));
        }
        b.finish()
    }

    /// Find every whole-word term occurrence in `norm`.
    pub fn find(&self, norm: &Normalized) -> SlotHits {
        let mut hits = SlotHits::new();
        let Some(ac) = &self.automaton else {
            return hits;
        };
        let text = norm.as_str();
        for m in ac.find_overlapping_iter(text) {
            let info = &self.patterns[m.pattern().as_usize()];
            let Some(end) = word_bounded(text, m.start(), m.end(), info.wildcard) else {
                continue;
            };
            for u in &info.uses {
                if let Some(exact) = &u.exact {
                    if text[m.start()..m.end()] != **exact {
                        continue;
                    }
                }
                hits.entry(u.slot).or_default().push(TermHit {
                    start: m.start(),
                    end,
                    suggestion: u.suggestion.clone(),
                });
            }
        }
        // The judge looks hits up by position with binary searches.
        for list in hits.values_mut() {
            list.sort_by_key(|t| (t.start, t.end));
        }
        hits
    }
}

/// Whether a character continues a word (so a term cannot start or end next to it).
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Check whole-word boundaries of an automaton match; returns the end of the hit (extended to
/// the end of the word for a `*` term), or `None` when the match is inside a longer word.
fn word_bounded(text: &str, start: usize, end: usize, wildcard: bool) -> Option<usize> {
    let first = text[start..].chars().next()?;
    let last = text[..end].chars().next_back()?;
    if is_word_char(first) && text[..start].chars().next_back().is_some_and(is_word_char) {
        return None;
    }
    let rest = &text[end..];
    if wildcard {
        let extra: usize = rest
            .chars()
            .take_while(|&c| is_word_char(c))
            .map(char::len_utf8)
            .sum();
        return Some(end + extra);
    }
    if is_word_char(last) && rest.chars().next().is_some_and(is_word_char) {
        return None;
    }
    Some(end)
}

/// The form a term takes in the automaton: normalised like the text, lower-cased, with a trailing
/// `*` turned into a flag.
pub(crate) fn automaton_form(term: &str) -> (String, bool) {
    let normalized = Normalized::new(term.trim()).as_str().to_string();
    let wildcard = normalized.len() > 1
        && normalized.ends_with('*')
        && normalized[..normalized.len() - 1]
            .chars()
            .next_back()
            .is_some_and(is_word_char);
    let body = if wildcard {
        &normalized[..normalized.len() - 1]
    } else {
        &normalized[..]
    };
    (body.to_lowercase(), wildcard)
}

#[derive(Default)]
struct Collector {
    index: HashMap<(String, bool), usize>,
    literals: Vec<String>,
    patterns: Vec<PatternInfo>,
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
        let id = *self
            .index
            .entry((literal.clone(), wildcard))
            .or_insert_with(|| {
                self.literals.push(literal);
                self.patterns.push(PatternInfo {
                    wildcard,
                    uses: Vec::new(),
                });
                self.patterns.len() - 1
            });
        let uses = &mut self.patterns[id].uses;
        // A term listed twice in one slot is one term.
        if !uses.iter().any(|u| u.slot == slot && u.exact == exact) {
            uses.push(Use {
                slot,
                suggestion: suggestion.map(Arc::from),
                exact,
            });
        }
    }

    fn add_all(&mut self, terms: &[Term], slot: Slot) {
        for t in terms {
            self.add(&t.text, slot, t.suggestion.as_deref(), t.case_sensitive);
        }
    }

    fn add_set(&mut self, set: &TermSet, slot: Slot) {
        self.add_all(&set.terms, slot);
    }

    fn add_phrases(&mut self, phrases: &[String], slot: Slot) {
        for p in phrases {
            self.add(p, slot, None, false);
        }
    }

    fn finish(self) -> TermMatcher {
        let automaton = (!self.literals.is_empty()).then(|| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .build(&self.literals)
                .expect("term automaton within size limits")
        });
        TermMatcher {
            automaton,
            patterns: self.patterns,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_reject_substrings() {
        assert_eq!(word_bounded("scunthorpe", 1, 5, false), None);
        assert_eq!(word_bounded("a cunt.", 2, 6, false), Some(6));
    }

    #[test]
    fn wildcard_extends_to_the_end_of_the_word() {
        let text = "two pictures";
        assert_eq!(word_bounded(text, 4, 7, true), Some(12));
    }

    #[test]
    fn terms_that_start_with_punctuation_need_no_boundary_before() {
        assert_eq!(word_bounded("great#ad", 5, 8, false), Some(8));
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
