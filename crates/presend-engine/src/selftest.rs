//! Running the `examples` that live inside packs: every `match` sentence must make its rule hit,
//! every `no_match` sentence must not, and every `mention` sentence may hit only at `info`.
//! `presend rules test` and `cargo test` both run this.

use super::{Engine, ScanOptions};
use crate::finding::Severity;
use crate::rules::Rule;

/// Which list an example came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExampleKind {
    /// Must hit.
    Match,
    /// Must not hit.
    NoMatch,
    /// May hit only at `info`.
    Mention,
}

/// A failing example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleFailure {
    /// `pack/rule`.
    pub rule: String,
    /// Which list.
    pub kind: ExampleKind,
    /// The example sentence (pack text, not user text).
    pub example: String,
    /// What went wrong.
    pub problem: String,
}

/// Outcome of running examples.
#[derive(Debug, Clone, Default)]
pub struct ExampleReport {
    /// Examples run.
    pub passed: usize,
    /// Examples that failed, plus rules that lack examples.
    pub failures: Vec<ExampleFailure>,
}

/// Run the examples of every rule whose pack is in `packs` (all packs when empty).
pub fn run_examples(engine: &Engine, packs: &[String]) -> ExampleReport {
    run_examples_where(engine, packs, |_| true)
}

/// [`run_examples`] for the rules `include` accepts (a configuration may disable some).
pub fn run_examples_where(
    engine: &Engine,
    packs: &[String],
    include: impl Fn(&Rule) -> bool,
) -> ExampleReport {
    let mut report = ExampleReport::default();
    for (index, rule) in engine.rules().rules.iter().enumerate() {
        if !packs.is_empty() && !packs.iter().any(|p| **p == *rule.pack) {
            continue;
        }
        // A check is reported by the application, not matched: its behaviour is tested there.
        if !include(rule) || matches!(rule.kind, crate::rules::RuleKind::Check) {
            continue;
        }
        let fail = |kind, example: &str, problem: &str| ExampleFailure {
            rule: rule.full_id.to_string(),
            kind,
            example: example.to_string(),
            problem: problem.to_string(),
        };
        if rule.examples.matches.is_empty() || rule.examples.no_match.is_empty() {
            report.failures.push(fail(
                ExampleKind::Match,
                "",
                "every rule needs at least one `match` and one `no_match` example",
            ));
        }
        let options = ScanOptions {
            channel: rule.examples.channel.clone(),
        };
        let worst = |text: &str| {
            engine
                .hits(text, &options)
                .into_iter()
                .filter(|h| h.rule == index)
                .map(|h| h.severity)
                .max()
        };
        let cases = [
            (ExampleKind::Match, &rule.examples.matches),
            (ExampleKind::NoMatch, &rule.examples.no_match),
            (ExampleKind::Mention, &rule.examples.mention),
        ];
        for (kind, list) in cases {
            for example in list {
                let got = worst(example);
                let problem = match (kind, got) {
                    (ExampleKind::Match, None) => Some("expected a hit, got none".to_string()),
                    (ExampleKind::NoMatch, Some(s)) => Some(format!("expected no hit, got {s}")),
                    (ExampleKind::Mention, Some(s)) if s > Severity::Info => {
                        Some(format!("a mention should be info at most, got {s}"))
                    }
                    _ => None,
                };
                match problem {
                    Some(p) => report.failures.push(fail(kind, example, &p)),
                    None => report.passed += 1,
                }
            }
        }
    }
    report
}
