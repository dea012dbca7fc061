//! Errors that make a run impossible. Each names what the user must fix and where; the CLI maps
//! every one of them to exit status 2. Messages never include scanned text.

use std::fmt;
use std::path::PathBuf;

/// Something that stops presend from doing what was asked.
#[derive(Debug)]
pub enum Error {
    /// A rule pack (or config file) is malformed: bad TOML, an unknown field, a bad regex …
    Pack(PackError),
    /// A path could not be read.
    Io {
        /// The path (or `-`).
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The request cannot be carried out (an unknown rule id, a bad combination of options).
    Usage(String),
    /// `redact --in-place` left a file as it was, because rewriting it would lose something.
    NotRewritten {
        /// The file, as reports show it.
        path: String,
        /// Why, and what to do instead.
        reason: String,
    },
    /// A baseline file cannot be used.
    Baseline {
        /// The file.
        path: String,
        /// What is wrong and how to fix it.
        message: String,
    },
}

/// Where a pack is wrong: file, line, rule and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackError {
    /// The pack file (`<built-in>/name.toml` for embedded packs).
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// The rule (or lexicon) id, when the error is inside one.
    pub rule: Option<String>,
    /// What is wrong, in one sentence.
    pub message: String,
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(rule) = &self.rule {
            write!(f, ": rule `{rule}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Pack(e) => write!(f, "invalid rule pack: {e}"),
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Usage(m) => f.write_str(m),
            Error::NotRewritten { path, reason } => write!(f, "{path}: not rewritten: {reason}"),
            Error::Baseline { path, message } => write!(f, "{path}: {message}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl From<PackError> for Error {
    fn from(e: PackError) -> Self {
        Error::Pack(e)
    }
}
