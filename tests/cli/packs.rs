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

/// Every finding each example of a pack produces, one line per finding: rule id, byte span,
/// matched text, severity and message. The examples are pack text, not user text.
fn pack_example_findings(engine: &Engine, pack: &str) -> String {
    use presend_core::text::Segment;
    use presend_engine::ScanOptions;
    let mut out = String::new();
    for rule in engine.rules().rules.iter().filter(|r| &*r.pack == pack) {
        out += &format!("## {}\n", rule.full_id);
        let options = ScanOptions {
            channel: rule.examples.channel.clone(),
        };
        let lists = [
            ("match", &rule.examples.matches),
            ("no_match", &rule.examples.no_match),
            ("mention", &rule.examples.mention),
        ];
        for (list, examples) in lists {
            for example in examples {
                out += &format!("{list}: {example:?}\n");
                let findings =
                    engine.scan_with(&Segment::document("example", example.as_str()), &options);
                for f in findings {
                    out += &format!(
                        "  {} {}..{} {:?} {}: {}\n",
                        f.rule, f.byte_range.0, f.byte_range.1, f.matched, f.severity, f.message
                    );
                }
            }
        }
    }
    out
}

/// A snapshot per built-in pack of what its examples find, so that any change in a finding (a
/// span, a severity, a message, a rule that starts or stops firing) is reviewed
/// (`cargo insta review`).
#[test]
fn builtin_pack_examples_snapshot() {
    let engine = Engine::new(RuleSet::builtin().expect("built-in packs load"));
    let packs: Vec<String> = engine
        .rules()
        .packs
        .iter()
        .map(|p| p.id.to_string())
        .filter(|id| id != "presend")
        .collect();
    assert!(packs.len() >= 9, "{packs:?}");
    for pack in packs {
        insta::assert_snapshot!(
            format!("examples_{pack}"),
            pack_example_findings(&engine, &pack)
        );
    }
}
