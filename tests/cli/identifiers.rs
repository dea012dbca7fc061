//! The identifier corpora (`tests/corpus/identifiers/`) run through the built-in packs.
//!
//! - `clean.txt`: one sentence a clinician might write per line, full of numbers that are not
//!   identifiers (blood pressures, scores, doses, bleeps, times, years, event dates, statistics,
//!   ISBNs, DOIs …). None may produce an `identifier` or `indirect-identifier` finding.
//! - `risky.tsv`: `expectations<TAB>sentence`. Expectations are comma-separated rule ids of the
//!   `uk-identifiers` pack: `rule` must fire, `!rule` must not. Reporting rules fire as findings
//!   (after the engine keeps the strongest of overlapping findings); signal rules fire as hits.
//!   Every reporting rule that fires must be listed, so an unexpected one counts against its
//!   precision.
//!
//! Run with `cargo test --test cli identifiers -- --nocapture` to see precision and recall per rule.
//! All data is fictional: NHS numbers from the 999 block or 943 476 5919, Ofcom drama phone
//! numbers, example.org addresses; every number was checked with a script before use.

use presend_core::text::Segment;
use presend_engine::Engine;
use presend_engine::ScanOptions;
use presend_rules::RuleSet;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

const CLEAN: &str = include_str!("../corpus/identifiers/clean.txt");
const RISKY: &str = include_str!("../corpus/identifiers/risky.tsv");
const PACK: &str = "uk-identifiers";

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::new(RuleSet::builtin().expect("built-in packs load")))
}

/// Lines that are not blank and not `#` comments.
fn lines(corpus: &str) -> impl Iterator<Item = &str> {
    corpus
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
}

/// Bare ids of the pack's reporting rules that produce a finding in `text`.
fn reported(text: &str) -> BTreeSet<String> {
    let prefix = format!("{PACK}/");
    engine()
        .scan(&Segment::document("-", text))
        .iter()
        .filter_map(|f| f.rule.strip_prefix(&prefix).map(str::to_string))
        .collect()
}

/// Bare ids of the pack's signal rules that hit in `text`.
fn signalled(text: &str) -> BTreeSet<String> {
    let rules = &engine().rules().rules;
    engine()
        .hits(text, &ScanOptions::default())
        .iter()
        .map(|h| &rules[h.rule])
        .filter(|r| r.signal && &*r.pack == PACK)
        .map(|r| r.id.clone())
        .collect()
}

fn is_signal(id: &str) -> bool {
    engine()
        .rules()
        .rules
        .iter()
        .any(|r| &*r.pack == PACK && r.id == id && r.signal)
}

/// Per-rule counts.
#[derive(Default)]
struct Score {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Score {
    fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// One parsed `risky.tsv` line.
struct Case<'a> {
    must: Vec<&'a str>,
    must_not: Vec<&'a str>,
    text: &'a str,
}

fn cases() -> Vec<Case<'static>> {
    lines(RISKY)
        .map(|l| {
            let (head, text) = l.split_once('\t').unwrap_or_else(|| panic!("no tab: {l}"));
            let ids: Vec<&str> = head.split(',').map(str::trim).collect();
            Case {
                must: ids
                    .iter()
                    .filter(|i| !i.starts_with('!'))
                    .copied()
                    .collect(),
                must_not: ids.iter().filter_map(|i| i.strip_prefix('!')).collect(),
                text,
            }
        })
        .collect()
}

/// Score every rule over both corpora; return the scores and a list of failures.
fn evaluate() -> (BTreeMap<String, Score>, Vec<String>) {
    let mut scores: BTreeMap<String, Score> = BTreeMap::new();
    let mut failures = Vec::new();
    for text in lines(CLEAN) {
        for id in reported(text) {
            scores.entry(id.clone()).or_default().fp += 1;
            failures.push(format!("clean sentence reported {id}: {text}"));
        }
    }
    for case in cases() {
        let got_findings = reported(case.text);
        let got_signals = signalled(case.text);
        let fired = |id: &str| got_findings.contains(id) || got_signals.contains(id);
        for &id in &case.must {
            let s = scores.entry(id.to_string()).or_default();
            if fired(id) {
                s.tp += 1;
            } else {
                s.fn_ += 1;
                failures.push(format!("missed {id}: {}", case.text));
            }
        }
        for &id in &case.must_not {
            if fired(id) {
                scores.entry(id.to_string()).or_default().fp += 1;
                failures.push(format!("{id} fired but must not: {}", case.text));
            }
        }
        for id in got_findings
            .iter()
            .filter(|id| !case.must.contains(&id.as_str()))
        {
            scores.entry(id.clone()).or_default().fp += 1;
            failures.push(format!("unexpected {id}: {}", case.text));
        }
    }
    (scores, failures)
}

fn print_table(scores: &BTreeMap<String, Score>) {
    println!(
        "\n{:<24} {:>5} {:>5} {:>5} {:>9} {:>7}",
        "rule", "tp", "fp", "fn", "precision", "recall"
    );
    for (id, s) in scores {
        let kind = if is_signal(id) { " (signal)" } else { "" };
        println!(
            "{:<24} {:>5} {:>5} {:>5} {:>9.3} {:>7.3}{kind}",
            id,
            s.tp,
            s.fp,
            s.fn_,
            s.precision(),
            s.recall()
        );
    }
}

#[test]
fn corpora_are_big_enough_to_mean_something() {
    assert!(lines(CLEAN).count() >= 200, "clean.txt needs 200 sentences");
    let rules = &engine().rules().rules;
    let covered: BTreeSet<&str> = cases().iter().flat_map(|c| c.must.clone()).collect();
    for r in rules.iter().filter(|r| &*r.pack == PACK) {
        assert!(
            covered.contains(r.id.as_str()),
            "risky.tsv has no sentence for {}",
            r.id
        );
    }
}

#[test]
fn every_expectation_holds_and_no_clean_sentence_is_reported() {
    let (scores, failures) = evaluate();
    print_table(&scores);
    assert!(failures.is_empty(), "\n{}\n", failures.join("\n"));
}

#[test]
fn precision_and_recall_reach_the_target_for_every_rule() {
    let (scores, _) = evaluate();
    let weak: Vec<String> = scores
        .iter()
        .filter(|(_, s)| s.precision() < 0.95 || s.recall() < 0.95)
        .map(|(id, s)| {
            format!(
                "{id}: precision {:.3}, recall {:.3}",
                s.precision(),
                s.recall()
            )
        })
        .collect();
    assert!(weak.is_empty(), "{}", weak.join("\n"));
}

#[test]
fn unknown_rule_ids_in_the_corpus_are_an_error() {
    let known: BTreeSet<&str> = engine()
        .rules()
        .rules
        .iter()
        .filter(|r| &*r.pack == PACK)
        .map(|r| r.id.as_str())
        .collect();
    for case in cases() {
        for id in case.must.iter().chain(&case.must_not) {
            assert!(known.contains(id), "unknown rule `{id}` in risky.tsv");
        }
    }
}
