//! Precision and recall of the professional-conduct packs, measured on corpora kept in the
//! repository (`tests/corpus/language/`):
//!
//! - `clean.txt`: ordinary professional posts and clinical wording. Any warning or error on one
//!   of them fails the test (a linter that cries wolf is uninstalled).
//! - `risky.tsv`: `category<TAB>rule<TAB>sentence[<TAB>channel]`, at least one per reporting rule of
//!   the packs. Each must be reported in its category (at `warning` or above, or at the rule's own
//!   severity when that is `info`) and by the rule named.
//! - `holdout.tsv`: `category<TAB>sentence`, realistic posts written before the packs were tuned
//!   on them. They measure recall; the test fails only if overall recall drops below a floor.
//!
//! Run `cargo test --test cli language -- --nocapture` to see recall per category and the clean
//! false-positive rate.

use presend_core::text::Segment;
use presend_core::{Category, Finding, Severity};
use presend_engine::Engine;
use presend_engine::ScanOptions;
use presend_rules::RuleSet;
use std::collections::BTreeMap;
use std::path::Path;

/// The packs this corpus measures (every built-in pack except the identifier ones).
const PACKS: &[&str] = &[
    "unprofessional",
    "discriminatory",
    "defamation",
    "confidentiality",
    "boundaries",
    "conduct",
    "clinical-image",
];

/// Overall held-out recall below this fails the test.
const HOLDOUT_FLOOR: f64 = 0.75;

fn engine() -> Engine {
    Engine::new(RuleSet::builtin().expect("built-in packs load"))
}

fn corpus(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus/language")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Non-blank lines that are not `#` comments.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
}

fn scan(engine: &Engine, text: &str, channel: Option<&str>) -> Vec<Finding> {
    let options = ScanOptions {
        channel: channel.map(str::to_string),
    };
    engine.scan_with(&Segment::document("-", text), &options)
}

fn category(name: &str) -> Category {
    Category::ALL
        .into_iter()
        .find(|c| c.as_str() == name)
        .unwrap_or_else(|| panic!("unknown category `{name}`"))
}

fn describe(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| format!("{} {} {:?}", f.severity, f.rule, f.matched))
        .collect::<Vec<_>>()
        .join("; ")
}

#[test]
fn clean_corpus_has_no_warnings() {
    let engine = engine();
    let text = corpus("clean.txt");
    let mut total = 0;
    let mut info_only = 0;
    let mut flagged = Vec::new();
    for line in lines(&text) {
        total += 1;
        let findings = scan(&engine, line, None);
        if findings.iter().any(|f| f.severity >= Severity::Warning) {
            flagged.push(format!("{line}\n    -> {}", describe(&findings)));
        } else if !findings.is_empty() {
            info_only += 1;
        }
    }
    println!(
        "clean corpus: {total} sentences, {} flagged at warning or above ({:.1}% false positives), {info_only} with info only",
        flagged.len(),
        100.0 * flagged.len() as f64 / total as f64
    );
    assert!(
        total >= 300,
        "the clean corpus should hold at least 300 sentences, has {total}"
    );
    assert!(
        flagged.is_empty(),
        "clean sentences flagged at warning or above:\n{}",
        flagged.join("\n")
    );
}

#[test]
fn risky_corpus_is_caught_in_the_right_category() {
    let engine = engine();
    let set = engine.rules();
    let text = corpus("risky.tsv");
    let mut per_category: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut misses = Vec::new();
    for line in lines(&text) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert!(
            cols.len() == 3 || cols.len() == 4,
            "risky.tsv: expected category<TAB>rule<TAB>sentence[<TAB>channel]: {line}"
        );
        let (cat, rule_id, sentence) = (cols[0], cols[1], cols[2]);
        let want = category(cat);
        let index = set
            .find(rule_id)
            .unwrap_or_else(|| panic!("risky.tsv names an unknown rule `{rule_id}`"));
        let rule = &set.rules[index];
        assert_eq!(
            rule.category, want,
            "risky.tsv: `{rule_id}` is not in `{cat}`"
        );
        let floor = rule.severity.min(Severity::Warning);
        let findings = scan(&engine, sentence, cols.get(3).copied());
        let in_category = findings
            .iter()
            .any(|f| f.category == want && f.severity >= floor);
        let by_rule = findings.iter().any(|f| *f.rule == *rule.full_id);
        let entry = per_category.entry(want.as_str()).or_default();
        entry.1 += 1;
        if in_category && by_rule {
            entry.0 += 1;
        } else {
            misses.push(format!(
                "[{cat} {rule_id}] {sentence}\n    -> {}",
                describe(&findings)
            ));
        }
    }
    println!("risky corpus (every sentence must be caught):");
    for (cat, (hit, n)) in &per_category {
        println!("  {cat:<16} {hit}/{n}");
    }
    assert!(
        misses.is_empty(),
        "risky sentences missed:\n{}",
        misses.join("\n")
    );
}

#[test]
fn every_reporting_rule_has_risky_examples() {
    let engine = engine();
    let text = corpus("risky.tsv");
    let named: Vec<&str> = lines(&text).filter_map(|l| l.split('\t').nth(1)).collect();
    let missing: Vec<String> = engine
        .rules()
        .rules
        .iter()
        .filter(|r| !r.signal && PACKS.contains(&&*r.pack))
        .filter(|r| !named.contains(&&*r.full_id))
        .map(|r| r.full_id.to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a sentence in risky.tsv: {}",
        missing.join(", ")
    );
}

#[test]
fn holdout_recall_per_category() {
    let engine = engine();
    let text = corpus("holdout.tsv");
    let mut per_category: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut misses = Vec::new();
    for line in lines(&text) {
        let (cat, sentence) = line
            .split_once('\t')
            .unwrap_or_else(|| panic!("holdout.tsv: expected category<TAB>sentence: {line}"));
        let want = category(cat);
        let findings = scan(&engine, sentence, None);
        let caught = findings
            .iter()
            .any(|f| f.category == want && f.severity >= Severity::Warning);
        let entry = per_category.entry(want.as_str()).or_default();
        entry.1 += 1;
        if caught {
            entry.0 += 1;
        } else {
            misses.push(format!(
                "[{cat}] {sentence}\n    -> {}",
                describe(&findings)
            ));
        }
    }
    let (hit, n) = per_category
        .values()
        .fold((0, 0), |(h, t), (a, b)| (h + a, t + b));
    println!("held-out recall (caught at warning or above in the right category):");
    for (cat, (h, t)) in &per_category {
        println!(
            "  {cat:<16} {h}/{t} ({:.0}%)",
            100.0 * *h as f64 / *t as f64
        );
    }
    println!(
        "  {:<16} {hit}/{n} ({:.0}%)",
        "overall",
        100.0 * hit as f64 / n as f64
    );
    if !misses.is_empty() {
        println!("missed:\n{}", misses.join("\n"));
    }
    let recall = hit as f64 / n as f64;
    assert!(
        recall >= HOLDOUT_FLOOR,
        "held-out recall {recall:.2} is below {HOLDOUT_FLOOR}"
    );
}

/// The blind sets were each measured once before the packs were tuned on them (their first
/// scores are in `tests/corpus/language/README.md`); now they guard against regressions.
#[test]
fn blind_sets_recall_and_false_positives() {
    let engine = engine();
    let mut own_false_positives = Vec::new();
    let (mut hit, mut n) = (0, 0);
    for name in [
        "blind.tsv",
        "blind3.tsv",
        "blind4.tsv",
        "blind5.tsv",
        "blind6.tsv",
    ] {
        let (h, t, fps) = blind_set(&engine, name);
        hit += h;
        n += t;
        own_false_positives.extend(fps);
    }
    assert!(
        own_false_positives.is_empty(),
        "clean blind-set posts flagged by the professional-conduct packs:\n{}",
        own_false_positives.join("\n")
    );
    let recall = hit as f64 / n as f64;
    assert!(
        recall >= HOLDOUT_FLOOR,
        "blind-set recall {recall:.2} is below {HOLDOUT_FLOOR}"
    );
}

/// Real-world set: posts quoted in regulators' hearings and court cases, scenarios from published
/// case studies (`real.tsv`, with a source per line), and real clean posts (`real-clean.txt`).
/// First scored before any tuning on it (README); now a regression guard.
#[test]
fn real_world_set_recall_and_false_positives() {
    let engine = engine();
    let (hit, n, mut own_false_positives) = blind_set(&engine, "real.tsv");
    let text = corpus("real-clean.txt");
    let mut total = 0;
    for line in lines(&text) {
        total += 1;
        let findings = scan(&engine, line, None);
        if findings
            .iter()
            .any(|f| f.severity >= Severity::Warning && !f.category.is_identifying())
        {
            own_false_positives.push(format!(
                "[real-clean.txt] {line}\n    -> {}",
                describe(&findings)
            ));
        }
    }
    println!(
        "real-clean.txt: clean posts flagged at warning or above: {}/{total}",
        own_false_positives.len()
    );
    assert!(
        own_false_positives.is_empty(),
        "real clean posts flagged by the professional-conduct packs:\n{}",
        own_false_positives.join("\n")
    );
    let recall = hit as f64 / n as f64;
    assert!(
        recall >= HOLDOUT_FLOOR,
        "real-world recall {recall:.2} is below {HOLDOUT_FLOOR}"
    );
}

/// Report recall and clean false positives of one blind set (`category<TAB>sentence`, with
/// `clean` for sentences that should raise nothing at warning or above). Returns the hits, the
/// risky total, and the clean posts flagged by this corpus's own packs (identifier packs are
/// reported but not counted: they are measured by their own tests).
fn blind_set(engine: &Engine, name: &str) -> (usize, usize, Vec<String>) {
    let text = corpus(name);
    let mut per_category: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let (mut clean, mut flagged) = (0, Vec::new());
    let mut own = Vec::new();
    let mut misses = Vec::new();
    for line in lines(&text) {
        // `category<TAB>sentence`, optionally followed by `<TAB>source` (real.tsv).
        let mut cols = line.split('\t');
        let (cat, sentence) = match (cols.next(), cols.next()) {
            (Some(cat), Some(sentence)) => (cat, sentence),
            _ => panic!("{name}: expected category<TAB>sentence[<TAB>source]: {line}"),
        };
        let findings = scan(engine, sentence, None);
        if cat == "clean" {
            clean += 1;
            if findings.iter().any(|f| f.severity >= Severity::Warning) {
                flagged.push(format!("{sentence}\n    -> {}", describe(&findings)));
            }
            let ours = findings
                .iter()
                .any(|f| f.severity >= Severity::Warning && !f.category.is_identifying());
            if ours {
                own.push(format!(
                    "[{name}] {sentence}\n    -> {}",
                    describe(&findings)
                ));
            }
            continue;
        }
        let want = category(cat);
        let caught = findings
            .iter()
            .any(|f| f.category == want && f.severity >= Severity::Warning);
        let entry = per_category.entry(want.as_str()).or_default();
        entry.1 += 1;
        if caught {
            entry.0 += 1;
        } else {
            misses.push(format!(
                "[{cat}] {sentence}\n    -> {}",
                describe(&findings)
            ));
        }
    }
    let (hit, n) = per_category
        .values()
        .fold((0, 0), |(h, t), (a, b)| (h + a, t + b));
    println!("{name}: recall (caught at warning or above in the right category):");
    for (cat, (h, t)) in &per_category {
        println!(
            "  {cat:<16} {h}/{t} ({:.0}%)",
            100.0 * *h as f64 / *t as f64
        );
    }
    println!(
        "  {:<16} {hit}/{n} ({:.0}%)",
        "overall",
        100.0 * hit as f64 / n as f64
    );
    println!(
        "{name}: clean posts flagged at warning or above: {}/{clean}",
        flagged.len()
    );
    for f in &flagged {
        println!("  {f}");
    }
    if !misses.is_empty() {
        println!("missed:\n{}", misses.join("\n"));
    }
    (hit, n, own)
}
