//! Every example inside every built-in pack, run by `cargo test` (the same check as
//! `presend rules test`): a pack whose examples fail cannot land.

use presend_engine::selftest::run_examples;
use presend_engine::Engine;
use presend_rules::RuleSet;

#[test]
fn every_builtin_pack_example_passes() {
    let engine = Engine::new(RuleSet::builtin().expect("built-in packs load"));
    let report = run_examples(&engine, &[]);
    let failures: Vec<String> = report
        .failures
        .iter()
        .map(|f| format!("{} [{:?}] {:?}: {}", f.rule, f.kind, f.example, f.problem))
        .collect();
    assert!(
        failures.is_empty(),
        "failing examples:\n{}",
        failures.join("\n")
    );
    assert!(report.passed > 0, "no examples ran");
}

#[test]
fn every_builtin_reporting_rule_documents_itself() {
    let set = RuleSet::builtin().expect("built-in packs load");
    for rule in set.rules.iter().filter(|r| !r.signal) {
        assert!(
            !rule.references.is_empty(),
            "{} has no references",
            rule.full_id
        );
        assert!(
            rule.why.split_whitespace().count() >= 15,
            "{}: `why` too thin",
            rule.full_id
        );
    }
}

#[test]
fn builtin_patterns_keep_the_ascii_fast_path() {
    // Unicode classes and boundaries defeat the regex crate's DFA on text with emoji (see
    // compile_pattern in presend-rules); built-in packs must not opt back into them.
    for (name, source) in presend_rules::BUILTIN_PACKS {
        for construct in ["(?u", "\\p{", "\\P{"] {
            assert!(!source.contains(construct), "{name} uses {construct}");
        }
    }
}
