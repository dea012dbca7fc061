//! The checks the application reports itself, outside the matching engine. The model only names
//! them, as it names validators: the `presend` pack gives each its wording and severity, the
//! loader rejects a `[[check]]` whose id is not here, and the application reports them.

/// A post longer than its channel allows.
pub const TOO_LONG: &str = "channel/too-long";
/// An inline suppression that suppresses nothing.
pub const UNUSED_SUPPRESSION: &str = "presend/unused-suppression";
/// An inline suppression without a rule or a reason.
pub const SUPPRESSION_WITHOUT_REASON: &str = "presend/suppression-without-reason";

/// Every check id the application can report.
pub const CHECKS: &[&str] = &[TOO_LONG, UNUSED_SUPPRESSION, SUPPRESSION_WITHOUT_REASON];
