//! What a source hands on and a report needs to know about it: the decoded [`Document`], the
//! [`FormatError`] a reader found in it, and [`RepoPaths`], which turns the paths reports show
//! into repository-relative ones. Kept at the bottom so readers and reporters share it without
//! importing each other.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A decoded document.
#[derive(Debug, Clone)]
pub struct Document {
    /// The name reports use: the path as given, or `-` / `--stdin-filename` for stdin.
    pub path: Arc<str>,
    /// The text, without a leading byte-order mark.
    pub text: String,
    /// The file started with a UTF-8 byte-order mark (kept when rewriting it).
    pub had_bom: bool,
    /// Lines of the file before this text (0 for a whole file; a JSON Lines file read record by
    /// record gives each record its place).
    pub first_line: u32,
    /// Bytes of the file before this text.
    pub first_byte: usize,
    /// Characters of the file's line before this text begins: 0, except for a window of a large
    /// file that begins in the middle of a long line. Columns on the text's first line count
    /// from the start of the file's line, not of the text.
    pub first_column: u32,
    /// How the file's bytes were encoded (kept when rewriting it).
    pub encoding: TextEncoding,
    /// Invalid UTF-8 was replaced with U+FFFD: the text is not the file's, so the file must not
    /// be rewritten from it.
    pub lossy: bool,
}

/// The encodings a document is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextEncoding {
    /// UTF-8, with or without a byte-order mark.
    #[default]
    Utf8,
    /// UTF-16, little-endian, with a byte-order mark.
    Utf16Le,
    /// UTF-16, big-endian, with a byte-order mark.
    Utf16Be,
}

impl Document {
    /// A whole document named `path`.
    pub fn new(path: impl Into<Arc<str>>, text: impl Into<String>) -> Document {
        Document {
            path: path.into(),
            text: text.into(),
            had_bom: false,
            first_line: 0,
            first_byte: 0,
            first_column: 0,
            encoding: TextEncoding::Utf8,
            lossy: false,
        }
    }

    /// `text` encoded as this document's file was: same encoding, byte-order mark kept.
    pub fn encode(&self, text: &str) -> Vec<u8> {
        match self.encoding {
            TextEncoding::Utf8 => {
                let bom = if self.had_bom { "\u{FEFF}" } else { "" };
                format!("{bom}{text}").into_bytes()
            }
            TextEncoding::Utf16Le | TextEncoding::Utf16Be => {
                let le = self.encoding == TextEncoding::Utf16Le;
                std::iter::once(0xFEFF)
                    .chain(text.encode_utf16())
                    .flat_map(|u| if le { u.to_le_bytes() } else { u.to_be_bytes() })
                    .collect()
            }
        }
    }
}

/// A path as reports show it: as given, with `/` separators and no leading `./`.
pub fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// A part of the document that could not be read as its format says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    /// The record (CSV row, JSONL line, JSON element), when known.
    pub record: Option<u64>,
    /// The 1-based line in the file.
    pub line: u32,
    /// What is wrong.
    pub message: String,
}

/// Turns paths as reports show them into paths relative to the top of the repository (what SARIF
/// `artifactLocation.uri`, GitHub annotations and baselines need, whatever directory presend runs
/// in). Outside a repository, paths stay relative to the working directory.
#[derive(Debug, Clone, Default)]
pub struct RepoPaths {
    root: Option<PathBuf>,
    /// The working directory relative to the root, `/`-separated, with a trailing `/` (or empty).
    prefix: String,
}

impl RepoPaths {
    /// Find the repository around the working directory (a directory holding `.git`).
    pub fn discover() -> RepoPaths {
        let Ok(cwd) = std::env::current_dir() else {
            return RepoPaths::default();
        };
        let Some(root) = cwd.ancestors().find(|d| d.join(".git").exists()) else {
            return RepoPaths::default();
        };
        let rel = cwd.strip_prefix(root).unwrap_or(Path::new(""));
        let mut prefix = display_path(rel);
        if !prefix.is_empty() {
            prefix.push('/');
        }
        RepoPaths {
            root: Some(root.to_path_buf()),
            prefix,
        }
    }

    /// Paths already relative to the top of the repository (`check --staged`).
    pub fn at_root(root: PathBuf) -> RepoPaths {
        RepoPaths {
            root: Some(root),
            prefix: String::new(),
        }
    }

    /// `path` (as reports show it) relative to the repository top, `/`-separated, without `.`
    /// or `..` segments where they can be resolved.
    pub fn relative(&self, path: &str) -> String {
        if path == "-" {
            return path.to_string();
        }
        let p = Path::new(path);
        let joined = if p.is_absolute() {
            match self.root.as_ref().and_then(|r| p.strip_prefix(r).ok()) {
                Some(rel) => display_path(rel),
                None => return display_path(p),
            }
        } else {
            format!("{}{}", self.prefix, path.replace('\\', "/"))
        };
        let mut parts: Vec<&str> = Vec::new();
        for seg in joined.split('/') {
            match seg {
                "" | "." => {}
                ".." if parts.last().is_some_and(|l| *l != "..") => {
                    parts.pop();
                }
                s => parts.push(s),
            }
        }
        parts.join("/")
    }
}
