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
#![warn(clippy::print_stdout, clippy::print_stderr)]
#![warn(missing_docs)]

pub mod atomic;
pub mod baseline;
pub mod channel;
pub mod config;
pub mod pipeline;
pub mod redact;
pub mod session;
pub mod suppress;

use presend_core::{error, finding, privacy, text};
use presend_engine::{self as engine, Engine};
use presend_input::{self as input, source};
#[cfg(test)]
use presend_rules::RuleSet;
