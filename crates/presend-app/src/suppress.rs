//! Inline suppressions applied to findings, and the findings suppressions make themselves.
//!
//! A suppression applies only with a reason, only to the rules it names, and only where it
//! stands (the next line in Markdown and plain text, the row in a CSV file, the object in JSON).
//! One that is missing its reason is reported and does not apply; one that suppresses nothing is
//! reported too, so stale suppressions do not pile up (ruff's RUF100).

use presend_core::finding::{Category, Finding, Position, Severity};
use presend_input::{Scope, Suppression};
use std::sync::Arc;

/// Rule id of the finding for a suppression that suppresses nothing.
pub const UNUSED: &str = presend_rules::checks::UNUSED_SUPPRESSION;
/// Rule id of the finding for a suppression without a reason.
pub const NO_REASON: &str = presend_rules::checks::SUPPRESSION_WITHOUT_REASON;

/// Whether a rule pattern written by a user (`nhs-number`, `uk-identifiers/nhs-number`, or a pack
/// id `uk-identifiers`) names rule `full_id`.
pub fn rule_matches(pattern: &str, full_id: &str) -> bool {
    let pattern = pattern.trim();
    if pattern == full_id || pattern == "*" {
        return true;
    }
    match full_id.split_once('/') {
        Some((pack, id)) => pattern == id || pattern == pack,
        None => false,
    }
}

fn in_scope(scope: Scope, f: &Finding) -> bool {
    match scope {
        Scope::Line(n) => f.start.line <= n && n <= f.end.line.max(f.start.line),
        Scope::Record(r) => f.record == Some(r),
        Scope::Span(start, end) => (start..end).contains(&f.byte_range.0),
    }
}

/// Remove the findings `suppressions` cover from `findings`, and return the findings about the
/// suppressions themselves (missing reason, unused). `known` says whether a rule pattern names
/// any loaded rule, so a typo is reported as such.
pub fn apply(
    findings: &mut Vec<Finding>,
    suppressions: &[Suppression],
    path: &Arc<str>,
    known: &dyn Fn(&str) -> bool,
) -> Vec<Finding> {
    let mut extra = Vec::new();
    for s in suppressions {
        let end = Position {
            line: s.start.line,
            column: s.start.column + presend_input::directive::TOKEN.len() as u32,
        };
        let make = |rule: &str, severity, message: String, label: &str| Finding {
            rule: rule.into(),
            category: Category::Conduct,
            severity,
            message,
            label: label.into(),
            // Why and instead are the check's, from presend's own pack (the pipeline adds them).
            why: String::new().into(),
            instead: String::new().into(),
            path: path.clone(),
            record: s.record,
            start: s.start,
            end,
            matched: presend_input::directive::TOKEN.to_string(),
            confidence: 1.0,
            suggestion: None,
            byte_range: s.byte_range,
            parts: Vec::new(),
            notes: Vec::new(),
        };
        if s.rules.is_empty() {
            extra.push(make(
                NO_REASON,
                Severity::Warning,
                "Suppression names no rule: write `presend-allow RULE: reason`.".into(),
                "suppression without rule",
            ));
            continue;
        }
        if s.reason.is_none() {
            extra.push(make(
                NO_REASON,
                Severity::Warning,
                format!(
                    "Suppression of `{}` gives no reason, so it does not apply: add `: reason`.",
                    s.rules.join(", ")
                ),
                "suppression without reason",
            ));
            continue;
        }
        for rule in &s.rules {
            let before = findings.len();
            findings.retain(|f| !(in_scope(s.scope, f) && rule_matches(rule, &f.rule)));
            if findings.len() == before {
                let why = if known(rule) {
                    format!("Suppression of `{rule}` matches no finding: remove it.")
                } else {
                    format!("Suppression names `{rule}`, which is no loaded rule or pack.")
                };
                extra.push(make(UNUSED, Severity::Info, why, "unused suppression"));
            }
        }
    }
    extra
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_name_rules_by_full_id_bare_id_or_pack() {
        assert!(rule_matches("nhs-number", "uk-identifiers/nhs-number"));
        assert!(rule_matches(
            "uk-identifiers/nhs-number",
            "uk-identifiers/nhs-number"
        ));
        assert!(rule_matches("uk-identifiers", "uk-identifiers/nhs-number"));
        assert!(!rule_matches("nhs", "uk-identifiers/nhs-number"));
    }
}
