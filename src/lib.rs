//! presend: checks a draft post or message for what could cost a UK health professional their
//! registration (patient identifiers, clinical images, derogatory or defamatory remarks, broken
//! boundaries) before it is sent.
//!
//! Data flows one way (see `docs/architecture.md`):
//!
//! ```text
//! source ──► input ──► engine (matcher + judge) ──► findings ──► report
//! bytes      segments   rule hits, validated,         sorted,       human, json …
//!                       weighed, combined             masked
//! ```
//!
//! The library never prints: every report is written to a `std::io::Write` that the caller
//! chooses, so the engine can be embedded in other programs.
#![warn(clippy::print_stdout, clippy::print_stderr)]
#![warn(missing_docs)]

pub mod atomic;
pub mod baseline;
pub mod channel;
pub mod config;
pub mod engine;
pub mod error;
pub mod finding;
pub mod input;
pub mod pipeline;
pub mod redact;
pub mod report;
pub mod rules;
pub mod source;
pub mod suppress;
pub mod text;
pub mod validators;

pub use engine::Engine;
pub use error::Error;
pub use finding::{Category, Finding, Severity};
pub use rules::RuleSet;
