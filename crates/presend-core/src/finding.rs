//! The vocabulary of results: what a finding is, its category and its severity.
//!
//! These types sit below both the rule model and the reports, so that packs, the engine and every
//! output format agree on one spelling of each category and severity.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a run unless `--fail-on info`.
    Info,
    /// Likely to breach guidance; fails a run by default.
    Warning,
    /// Almost certainly breaches guidance.
    Error,
}

impl Severity {
    /// All severities, lowest first.
    pub const ALL: [Severity; 3] = [Severity::Info, Severity::Warning, Severity::Error];

    /// The lowercase name used in packs, JSON and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// One step less severe (`Info` stays `Info`).
    pub fn lowered(self) -> Severity {
        match self {
            Severity::Error => Severity::Warning,
            _ => Severity::Info,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of risk a finding is. The set is fixed: reports, baselines and the evaluation corpus
/// name these nine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// A direct identifier of a patient or person.
    Identifier,
    /// Details that together could identify a patient.
    IndirectIdentifier,
    /// A clinical photo, scan or screenshot shared, mentioned or attached.
    ClinicalImage,
    /// Patient information or encounters disclosed, or sent over an unsuitable channel.
    Confidentiality,
    /// Profanity, derogatory slang, mocking patients or colleagues.
    Unprofessional,
    /// Discriminatory, hateful or demeaning language about a group.
    Discriminatory,
    /// A damaging allegation of fact about an identifiable person or organisation.
    Defamation,
    /// Inappropriate contact or relationships with patients online.
    Boundaries,
    /// Other professional standards.
    Conduct,
}

impl Category {
    /// Every category, in contract order.
    pub const ALL: [Category; 9] = [
        Category::Identifier,
        Category::IndirectIdentifier,
        Category::ClinicalImage,
        Category::Confidentiality,
        Category::Unprofessional,
        Category::Discriminatory,
        Category::Defamation,
        Category::Boundaries,
        Category::Conduct,
    ];

    /// The kebab-case name used in packs and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Identifier => "identifier",
            Category::IndirectIdentifier => "indirect-identifier",
            Category::ClinicalImage => "clinical-image",
            Category::Confidentiality => "confidentiality",
            Category::Unprofessional => "unprofessional",
            Category::Discriminatory => "discriminatory",
            Category::Defamation => "defamation",
            Category::Boundaries => "boundaries",
            Category::Conduct => "conduct",
        }
    }

    /// Whether matched text of this category identifies someone, so that reports must mask it
    /// (contract, Privacy).
    pub fn is_identifying(self) -> bool {
        matches!(self, Category::Identifier | Category::IndirectIdentifier)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A position in the text the user wrote: 1-based line, 1-based column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in Unicode scalar values.
    pub column: u32,
}

/// One thing presend found, located in the text the user wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// `<pack id>/<rule id>`.
    pub rule: Arc<str>,
    /// The rule's category.
    pub category: Category,
    /// Severity after context, consent and mention adjustments.
    pub severity: Severity,
    /// One line: what was found.
    pub message: String,
    /// The rule's short name for what was found ("NHS number"); the `redact` tag.
    pub label: Arc<str>,
    /// Why it matters, naming the guidance (from the rule).
    pub why: Arc<str>,
    /// What to do instead (from the rule).
    pub instead: Arc<str>,
    /// The path as given, or `-` for standard input.
    pub path: Arc<str>,
    /// CSV data row or JSONL line (1-based) when the input has records.
    pub record: Option<u64>,
    /// Where the span starts.
    pub start: Position,
    /// One past the last character of the span.
    pub end: Position,
    /// The matched text, masked when the privacy policy says so.
    pub matched: String,
    /// How sure presend is, 0..1.
    pub confidence: f64,
    /// A better wording for this term, when the rule offers one.
    pub suggestion: Option<String>,
    /// Byte offsets of the span in the document (start, end).
    pub byte_range: (usize, usize),
    /// The parts that made this finding (for near and combination rules), so that `redact` can
    /// mask each part rather than everything between them.
    pub parts: Vec<Part>,
    /// Why the confidence or severity differs from the rule's, in a few words.
    pub notes: Vec<String>,
}

/// One piece of a near or combination finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// Byte offsets in the document.
    pub byte_range: (usize, usize),
    /// The label of the rule that found this piece ("age", "ward or bed").
    pub label: Arc<str>,
    /// The piece is already as vague as the combination's advice asks (`blurred` in its pack):
    /// `redact` leaves it as written.
    pub blurred: bool,
}

impl Finding {
    /// The order reports use: path, record, position, then rule.
    pub fn sort_key(&self) -> (&str, Option<u64>, Position, &str) {
        (&self.path, self.record, self.start, &self.rule)
    }
}
