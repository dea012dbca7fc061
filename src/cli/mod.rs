//! Wires the library's stages for each subcommand and maps outcomes to exit statuses.

mod args;
mod check;
mod rules_cmd;
mod setup_cmds;

use args::{Cli, Command, PackArgs};
use clap::Parser;
use presend_core::Error;
use presend_engine::Engine;
use std::io::{self, Write};
use std::process::ExitCode;

/// Exit statuses (CONTRACT.md, Exit status), as values with the reason for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Nothing at or above `--fail-on`, or a closed output pipe: `presend check | head -1`
    /// stopping early is the reader's choice, not a failure (the Unix convention ripgrep follows).
    Clean = 0,
    /// At least one finding at or above `--fail-on`, or a failing pack example.
    Findings = 1,
    /// The run could not be done as asked: bad usage, unreadable input, malformed pack.
    Trouble = 2,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Check(a) => check::run(a),
        Command::Redact(a) => check::redact(a),
        Command::Rules(c) => rules_cmd::run(c),
        Command::Explain(a) => rules_cmd::explain(a),
        Command::Hook(c) => setup_cmds::hook(c),
        Command::Baseline(a) => check::baseline(a),
        Command::Init(a) => setup_cmds::init(a),
        Command::Completions { shell } => setup_cmds::completions(shell),
    };
    match outcome {
        Ok(exit) => exit.into(),
        Err(Failure::ClosedPipe) => Exit::Clean.into(),
        Err(Failure::Error(e)) => {
            let _ = writeln!(io::stderr(), "presend: error: {e}");
            Exit::Trouble.into()
        }
    }
}

/// Why a command stopped early.
pub enum Failure {
    /// The reader of our output went away.
    ClosedPipe,
    /// Something the user must fix.
    Error(Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Error(e)
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Failure::ClosedPipe
        } else {
            Failure::Error(Error::Io {
                path: "<stdout>".into(),
                source: e,
            })
        }
    }
}

/// Load the packs the arguments ask for and compile them.
pub fn engine(packs: &PackArgs) -> Result<Engine, Error> {
    check::engine_for(packs, None)
}

/// A warning that does not stop the run, on standard error.
pub fn warn(path: &str, message: &str) {
    let _ = writeln!(io::stderr(), "presend: warning: {path}: {message}");
}

/// Standard output, buffered, with ANSI styling stripped when it is not a terminal or when
/// `NO_COLOR` is set (anstream decides per stream).
pub fn stdout() -> io::BufWriter<anstream::AutoStream<io::StdoutLock<'static>>> {
    io::BufWriter::new(anstream::AutoStream::auto(io::stdout().lock()))
}
