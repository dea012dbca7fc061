//! The integration tests, as modules of one test binary (`cargo test --test cli`): one binary to
//! link after a change instead of one per file. Every module drives the real `presend` binary or
//! the library crates as a user would; `cargo test --test cli language -- --nocapture` runs one.

mod architecture;
mod cli;
mod config;
mod data_safety;
mod discovery;
mod engine;
mod eval;
mod everyday;
mod formats;
mod git_hook;
mod identifiers;
mod language;
mod packs;
mod pre_commit;
mod properties;
mod redact;
mod robustness;
mod rule_docs;
mod select;
mod session;
mod snapshots;
