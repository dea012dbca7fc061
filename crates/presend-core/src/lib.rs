//! The bottom of presend: the vocabulary every other crate shares and nothing more.
//!
//! Text spans and segments ([`text`]), findings ([`finding`]), the decoded document and the
//! paths reports show ([`document`]), masking of identifying text ([`privacy`]), fingerprints
//! ([`fingerprint`]) and the errors that stop a run ([`error`]). This crate imports no other
//! presend crate, so rules, engine, readers and reporters all build on it without importing
//! each other.
#![warn(clippy::print_stdout, clippy::print_stderr)]
#![warn(missing_docs)]

pub mod document;
pub mod error;
pub mod finding;
pub mod fingerprint;
pub mod privacy;
pub mod text;

pub use document::Document;
pub use error::Error;
pub use finding::{Category, Finding, Severity};
