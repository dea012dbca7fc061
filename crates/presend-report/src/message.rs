//! Everything a run has to say besides its findings, as one tagged type every reporter receives.
//!
//! An unreadable file, a skipped binary, a lossy decoding, a walk that left paths out or a
//! stale baseline must reach a CI dashboard as surely as a finding does, not only standard
//! error. So the check session hands each [`Message`] to the reporter (SARIF notifications,
//! JSON `errors`/`notices`, a JSON Lines object with a `type`, GitHub and GitLab annotations,
//! JUnit error cases) and to the caller, which prints [`Message::line`] on standard error.
//!
//! No message carries scanned text: paths, line and record numbers, counts and the names the
//! user typed (a field, a column, a channel) only.

use serde::Serialize;
use std::fmt;

/// One thing the user should hear about, apart from findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Message {
    /// An input, or part of one, that could not be read as asked: the run exits 2.
    InputError {
        /// The input (`-` for standard input, or for the run as a whole).
        path: String,
        /// 1-based line, when the problem has one.
        #[serde(skip_serializing_if = "Option::is_none")]
        line: Option<u32>,
        /// The record (CSV row, JSON Lines line, JSON element), when known.
        #[serde(skip_serializing_if = "Option::is_none")]
        record: Option<u64>,
        /// What is wrong.
        message: String,
    },
    /// A file that was not scanned (binary, or text in an encoding it does not follow).
    SkippedFile {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// Text that was scanned, but not exactly as written (invalid UTF-8 replaced).
    DecodeWarning {
        /// The input.
        path: String,
        /// What was done.
        message: String,
    },
    /// Something worth knowing that changed nothing scanned: paths a walk left out, an unknown
    /// channel, findings below `--min-severity` that still fail the run.
    Notice {
        /// The input concerned, if any.
        #[serde(skip_serializing_if = "Option::is_none")]
        path: Option<String>,
        /// What happened.
        message: String,
    },
    /// Baseline entries that no longer match a finding.
    StaleBaseline {
        /// How many baselined findings were not seen.
        entries: usize,
    },
}

impl Message {
    /// An error that ends the run with exit 2 (everything else is a warning or a note).
    pub fn is_error(&self) -> bool {
        matches!(self, Message::InputError { .. })
    }

    /// The input the message concerns, if any.
    pub fn path(&self) -> Option<&str> {
        match self {
            Message::InputError { path, .. }
            | Message::SkippedFile { path, .. }
            | Message::DecodeWarning { path, .. } => Some(path),
            Message::Notice { path, .. } => path.as_deref(),
            Message::StaleBaseline { .. } => None,
        }
    }

    /// The line, when the message has one.
    pub fn line(&self) -> Option<u32> {
        match self {
            Message::InputError { line, .. } => *line,
            _ => None,
        }
    }

    /// `error`, `warning` or `note`.
    pub fn level(&self) -> &'static str {
        match self {
            Message::InputError { .. } => "error",
            Message::SkippedFile { .. }
            | Message::DecodeWarning { .. }
            | Message::StaleBaseline { .. } => "warning",
            Message::Notice { .. } => "note",
        }
    }

    /// What happened, without the path and place (for formats that carry those separately).
    pub fn text(&self) -> String {
        match self {
            Message::InputError {
                record, message, ..
            } => match record {
                Some(r) => format!("record {r}: {message}"),
                None => message.clone(),
            },
            Message::SkippedFile { reason, .. } => reason.clone(),
            Message::DecodeWarning { message, .. } | Message::Notice { message, .. } => {
                message.clone()
            }
            Message::StaleBaseline { entries } => format!(
                "{} no longer found; `presend baseline` refreshes the file",
                crate::counted(*entries, "baselined finding", "baselined findings")
            ),
        }
    }

    /// The message as one line of standard error: `presend: LEVEL: PATH[:LINE]: TEXT`.
    pub fn stderr_line(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "presend: {}: ", self.level())?;
        if let Some(path) = self.path() {
            write!(f, "{path}")?;
            if let Some(line) = self.line() {
                write!(f, ":{line}")?;
            }
            write!(f, ": ")?;
        }
        f.write_str(&self.text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_serialise_with_their_type() {
        let m = Message::SkippedFile {
            path: "a.png".into(),
            reason: "binary file skipped".into(),
        };
        assert_eq!(
            serde_json::to_string(&m).unwrap(),
            r#"{"type":"skipped_file","path":"a.png","reason":"binary file skipped"}"#
        );
    }

    #[test]
    fn stderr_lines_name_level_path_and_line() {
        let m = Message::InputError {
            path: "posts.csv".into(),
            line: Some(3),
            record: Some(2),
            message: "unclosed quote".into(),
        };
        assert_eq!(
            m.stderr_line(),
            "presend: error: posts.csv:3: record 2: unclosed quote"
        );
        assert!(m.is_error());
        let stale = Message::StaleBaseline { entries: 2 };
        assert_eq!(stale.level(), "warning");
        assert!(stale
            .stderr_line()
            .starts_with("presend: warning: 2 baselined findings no longer found"));
        let one = Message::StaleBaseline { entries: 1 };
        assert!(one
            .stderr_line()
            .starts_with("presend: warning: 1 baselined finding no longer found"));
    }
}
