//! The engine's term matcher (a trie walked from word starts) against an Aho-Corasick
//! automaton over the same strings, on the built-in packs: what building each costs (once per
//! run) and what finding every whole-word occurrence costs (once per message).
//!
//! Both sides find exactly the same occurrences (checked before timing): a string can start
//! only at a word start (or, if it begins with punctuation, anywhere) and must not run into a
//! following word character unless it ends in `*`. The trie checks that as it walks; the
//! Aho-Corasick side runs an overlapping, ASCII-case-insensitive search and filters.
//!
//! Run: `cargo bench --bench terms_vs_ac` (about 30 s). docs/performance.md records the figures.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use divan::{black_box, counter::BytesCount, Bencher};
use presend_engine::normalize::Normalized;
use presend_engine::term_bench::{self, Terms};
use presend_rules::RuleSet;

const POSTS: &str = include_str!("data/posts-1000.txt");

fn main() {
    divan::main();
}

fn rules() -> RuleSet {
    RuleSet::builtin().expect("built-in packs load")
}

/// The posts as the matchers see them (normalised once, outside the timing).
fn posts() -> Vec<String> {
    POSTS
        .lines()
        .map(|l| Normalized::new(l).as_str().to_string())
        .collect()
}

struct Reference {
    ac: AhoCorasick,
    /// For each string: ends in `*`, ends with a word character.
    ends: Vec<(bool, bool)>,
}

fn aho_corasick(set: &RuleSet, kind: AhoCorasickKind) -> Reference {
    let strings = term_bench::strings(set);
    let ac = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .kind(Some(kind))
        .build(strings.iter().map(|s| &s.0))
        .expect("automaton builds");
    let ends = strings.iter().map(|s| (s.1, s.2)).collect();
    Reference { ac, ends }
}

fn ac_count(r: &Reference, text: &str) -> usize {
    let mut n = 0;
    for m in r.ac.find_overlapping_iter(text) {
        let (start, end) = (m.start(), m.end());
        let first = text[start..].chars().next().expect("match is not empty");
        if term_bench::word_char(first)
            && text[..start]
                .chars()
                .next_back()
                .is_some_and(term_bench::word_char)
        {
            continue;
        }
        let (wildcard, ends_in_word) = r.ends[m.pattern().as_usize()];
        if !wildcard
            && ends_in_word
            && text[end..]
                .chars()
                .next()
                .is_some_and(term_bench::word_char)
        {
            continue;
        }
        n += 1;
    }
    n
}

fn trie_total(t: &Terms, posts: &[String]) -> usize {
    posts
        .iter()
        .map(|p| term_bench::count(t, black_box(p)))
        .sum()
}

fn ac_total(r: &Reference, posts: &[String]) -> usize {
    posts.iter().map(|p| ac_count(r, black_box(p))).sum()
}

#[divan::bench(max_time = 3)]
fn build_trie(bencher: Bencher) {
    let set = rules();
    bencher.bench(|| term_bench::build(black_box(&set)));
}

#[divan::bench(max_time = 3)]
fn build_ac_dfa(bencher: Bencher) {
    let set = rules();
    bencher.bench(|| aho_corasick(black_box(&set), AhoCorasickKind::DFA));
}

#[divan::bench(max_time = 3)]
fn build_ac_contiguous_nfa(bencher: Bencher) {
    let set = rules();
    bencher.bench(|| aho_corasick(black_box(&set), AhoCorasickKind::ContiguousNFA));
}

#[divan::bench(max_time = 3)]
fn search_trie(bencher: Bencher) {
    let set = rules();
    let (trie, posts) = (term_bench::build(&set), posts());
    let expected = ac_total(&aho_corasick(&set, AhoCorasickKind::DFA), &posts);
    assert_eq!(
        trie_total(&trie, &posts),
        expected,
        "the two matchers agree"
    );
    bencher
        .counter(BytesCount::of_str(POSTS))
        .bench(|| trie_total(&trie, &posts));
}

#[divan::bench(max_time = 3)]
fn search_ac_dfa(bencher: Bencher) {
    let (set, posts) = (rules(), posts());
    let ac = aho_corasick(&set, AhoCorasickKind::DFA);
    bencher
        .counter(BytesCount::of_str(POSTS))
        .bench(|| ac_total(&ac, &posts));
}

#[divan::bench(max_time = 3)]
fn search_ac_contiguous_nfa(bencher: Bencher) {
    let (set, posts) = (rules(), posts());
    let ac = aho_corasick(&set, AhoCorasickKind::ContiguousNFA);
    bencher
        .counter(BytesCount::of_str(POSTS))
        .bench(|| ac_total(&ac, &posts));
}
