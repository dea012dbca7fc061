//! The regex side of the matcher: which pattern rules run on a message, and their raw matches.
//!
//! Pattern rules with `keywords` (or required context) run only when the term pass saw one of
//! those words. The rest share one multi-pattern pass that says which of them can match at all;
//! only those run `find_iter`. Validators are the judge's business, not this module's.
//!
//! Nothing is compiled before a scan needs it: the shared pass is built on the first scan, and
//! each rule's own regex the first time it runs (see [`crate::rules::Pattern`]). One draft with
//! no NHS-number shape never compiles the NHS-number regex. The shared pass is built without
//! literal prefilters: it is one lazy DFA over every ungated pattern, and extracting literals
//! from dozens of patterns costs more start-up time than they save on short messages.

use super::terms::{Slot, SlotHits};
use crate::rules::{Pattern, RuleKind, RuleSet};
use regex_automata::meta;
use regex_automata::{Input, MatchKind, PatternSet};
use std::sync::OnceLock;

/// A raw regex match of a pattern rule, in normalised byte offsets.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PatternHit {
    pub rule: u32,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone)]
struct Gated {
    rule: u32,
    gates: Vec<Slot>,
}

/// Compiled selection of pattern rules.
#[derive(Debug, Clone)]
pub(crate) struct PatternMatcher {
    /// One entry per regex of every ungated rule: the rule it belongs to, and which regex.
    ungated: Vec<(u32, usize)>,
    /// Their sources, for the shared pass.
    sources: Vec<String>,
    /// The shared pass, built on first use; `None` if it could not be built (then every
    /// ungated regex runs).
    set: OnceLock<Option<meta::Regex>>,
    gated: Vec<Gated>,
}

impl PatternMatcher {
    pub fn build(rules: &RuleSet) -> PatternMatcher {
        let mut ungated = Vec::new();
        let mut sources = Vec::new();
        let mut gated = Vec::new();
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
            if gates.is_empty() {
                for (k, re) in regexes.iter().enumerate() {
                    ungated.push((r, k));
                    sources.push(re.as_str().to_string());
                }
            } else {
                gated.push(Gated { rule: r, gates });
            }
        }
        PatternMatcher {
            ungated,
            sources,
            set: OnceLock::new(),
            gated,
        }
    }

    /// The shared pass over every ungated regex (`MatchKind::All`, like a `RegexSet`).
    fn set(&self) -> Option<&meta::Regex> {
        self.set
            .get_or_init(|| {
                if self.sources.is_empty() {
                    return None;
                }
                meta::Builder::new()
                    .syntax(Pattern::syntax())
                    .configure(
                        meta::Config::new()
                            .match_kind(MatchKind::All)
                            .utf8_empty(false)
                            .auto_prefilter(false)
                            .which_captures(regex_automata::nfa::thompson::WhichCaptures::None),
                    )
                    .build_many(&self.sources)
                    .ok()
            })
            .as_ref()
    }

    /// Run the pattern rules that the prefilters let through.
    pub fn find(&self, rules: &RuleSet, text: &str, terms: &SlotHits) -> Vec<PatternHit> {
        let mut hits = Vec::new();
        let bytes = text.as_bytes();
        if !self.ungated.is_empty() {
            match self.set() {
                Some(set) => {
                    let mut which = PatternSet::new(set.pattern_len());
                    set.which_overlapping_matches(&Input::new(bytes), &mut which);
                    for i in which.iter() {
                        let (rule, k) = self.ungated[i.as_usize()];
                        run(rules, rule, Some(k), bytes, &mut hits);
                    }
                }
                None => {
                    for &(rule, k) in &self.ungated {
                        run(rules, rule, Some(k), bytes, &mut hits);
                    }
                }
            }
        }
        for g in &self.gated {
            if g.gates.iter().any(|&s| terms.contains(s)) {
                run(rules, g.rule, None, bytes, &mut hits);
            }
        }
        hits
    }
}

fn run(rules: &RuleSet, rule: u32, only: Option<usize>, text: &[u8], out: &mut Vec<PatternHit>) {
    let RuleKind::Pattern { regexes, .. } = &rules.rules[rule as usize].kind else {
        return;
    };
    let selected = regexes
        .iter()
        .enumerate()
        .filter(|(k, _)| only.is_none_or(|o| o == *k));
    for (_, re) in selected {
        for m in re.regex().find_iter(text) {
            // Patterns are compiled with Unicode off; a match must still sit on character
            // boundaries of the (valid UTF-8) text before it can be mapped back.
            let ok = |i: usize| i >= text.len() || (text[i] as i8) >= -0x40;
            if m.start() < m.end() && ok(m.start()) && ok(m.end()) {
                out.push(PatternHit {
                    rule,
                    start: m.start(),
                    end: m.end(),
                });
            }
        }
    }
}
