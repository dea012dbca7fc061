//! Confidence: every number that sets or changes how sure presend is of a finding, in one place.
//!
//! Confidence is a score in 0..=1 shown with each finding (JSON `confidence`, SARIF `rank`). It
//! orders findings and tells a reader how much weight to give one; it never decides on its own
//! whether a finding is reported (severity, context, allow-lists and suppressions do that). The
//! values are judgement, not fitted: they keep the order "validated identifier > identifier with
//! context > bare pattern > doubted or mentioned" and have not been tuned against the corpus.

/// Starting confidence of a `pattern` rule that sets none: a regex alone is often wrong.
pub const PATTERN_BASE: f64 = 0.6;
/// Starting confidence of a `terms`, `near` or `combination` rule that sets none.
pub const OTHER_BASE: f64 = 0.8;
/// Added when a rule's context words are near the hit, unless its `context.boost` says otherwise.
pub const CONTEXT_BOOST: f64 = 0.3;
/// Added when a pattern's validator accepts the match (a checksum or a real date).
pub const VALIDATOR_BOOST: f64 = 0.3;
/// Added per signal kind beyond the `min` a combination rule needs.
pub const COMBINATION_STEP: f64 = 0.05;
/// Multiplies confidence when negative context lowers a hit one severity step.
pub const LOWERED: f64 = 0.7;
/// Multiplies confidence when negative context only casts doubt (opinion words).
pub const DOUBTED: f64 = 0.6;
/// Multiplies confidence when the term is mentioned, not used (the hit becomes `info`).
pub const MENTIONED: f64 = 0.5;

/// `confidence + boost`, capped at 1.
pub fn boosted(confidence: f64, boost: f64) -> f64 {
    (confidence + boost).min(1.0)
}
