//! The presend application: everything between the command line and the engine.
//!
//! Configuration (`presend.toml`), channels, inline and configured suppressions, baselines,
//! redaction, atomic writes, and the pipeline that reads a document, scans its units and turns
//! the engine's findings into what a report shows. It uses every lower crate; nothing imports
//! it but the `presend` binary.
//!
//! [`session::Session`] is what every subcommand builds its rules through.
//!
//! The library never prints: every report is written to a `std::io::Write` that the caller
//! chooses.
//!
//! One document through the pipeline, as `check` runs it for each input: read in its format,
//! scanned for the channel it names, with the channel's policy applied.
//!
//! ```
//! use presend_app::pipeline::{process, Policy};
//! use presend_core::{Document, Severity};
//! use presend_engine::Engine;
//! use presend_rules::RuleSet;
//!
//! let engine = Engine::new(RuleSet::builtin()?);
//! let post = Document::new("post.md", "---\nchannel: whatsapp\n---\nNHS no 943 476 5919\n");
//! let outcome = process(&engine, &post, &Policy::default());
//!
//! let finding = &outcome.findings[0];
//! assert_eq!(&*finding.rule, "uk-identifiers/nhs-number");
//! // Bound for a messaging app, an identifier is an error whatever its pack says.
//! assert_eq!(finding.severity, Severity::Error);
//! assert!(finding.message.contains("WhatsApp"));
//! assert_eq!(finding.start.line, 4);
//! # Ok::<(), presend_core::Error>(())
//! ```
#![warn(clippy::print_stdout, clippy::print_stderr)]
#![warn(missing_docs)]

pub mod atomic;
pub mod baseline;
pub mod channel;
pub mod config;
pub mod pipeline;
mod prepared;
pub mod redact;
pub mod select;
pub mod session;
pub mod suppress;
