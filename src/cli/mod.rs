//! Wires the library's stages for each subcommand and maps outcomes to exit statuses.

mod args;
mod rules_cmd;
mod rules_doc;
mod scan_cmds;
mod setup_cmds;

use args::{Cli, Command, ConfigArgs, PackArgs};
use clap::Parser;
use presend_app::session::{ConfigSource, PackSources, Session, Status};
use presend_core::Error;
use presend_report::Message;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit statuses (the first paragraph of docs/usage.md), as values with the reason for each.
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
        Command::Check(a) => scan_cmds::check(a),
        Command::Redact(a) => scan_cmds::redact(a),
        Command::Rules(c) => rules_cmd::run(c),
        Command::Explain(a) => rules_cmd::explain(a),
        Command::Hook(c) => setup_cmds::hook(c),
        Command::Baseline(a) => scan_cmds::baseline(a),
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

pub use presend_app::session::Failure;

impl From<Status> for Exit {
    fn from(s: Status) -> Exit {
        match s {
            Status::Clean => Exit::Clean,
            Status::Findings => Exit::Findings,
            Status::Trouble => Exit::Trouble,
        }
    }
}

/// The session every subcommand builds its rules through: configuration, then packs.
pub fn session(config: &ConfigArgs, packs: &PackArgs) -> Result<Session, Error> {
    session_from(config, packs, None)
}

/// [`session`], discovering each checked path's configuration from that path upwards rather
/// than from the working directory (none: from the working directory).
pub fn session_from(
    config: &ConfigArgs,
    packs: &PackArgs,
    checked: Option<&[PathBuf]>,
) -> Result<Session, Error> {
    let config = match (&config.config, config.no_config, checked) {
        (_, true, _) => ConfigSource::Ignore,
        (Some(file), false, _) => ConfigSource::File(file.clone()),
        (None, false, Some(paths)) => ConfigSource::DiscoverFrom(paths.to_vec()),
        (None, false, None) => ConfigSource::Discover,
    };
    let packs = PackSources {
        paths: packs.rules.clone(),
        no_builtin: packs.no_builtin,
    };
    Session::open(&config, &packs)
}

/// Messages from the session, on standard error, leaving out everything but errors when `quiet`.
pub fn diagnose_quietly(quiet: bool) -> impl FnMut(Message) {
    move |m| {
        if !quiet || m.is_error() {
            diagnose(m);
        }
    }
}

/// Messages from the session, on standard error.
pub fn diagnose(m: Message) {
    let _ = writeln!(io::stderr(), "{m}");
}

/// Standard output, buffered, with ANSI styling stripped when it is not a terminal or when
/// `NO_COLOR` is set (anstream decides per stream).
pub fn stdout() -> io::BufWriter<anstream::AutoStream<io::StdoutLock<'static>>> {
    io::BufWriter::new(anstream::AutoStream::auto(io::stdout().lock()))
}
