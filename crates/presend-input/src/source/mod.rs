//! Where bytes come from: standard input, files, and directory walks that honour `.gitignore`.
//!
//! Everything is read as bytes. Invalid UTF-8 is decoded lossily (with a notice naming the file),
//! a byte-order mark is set aside (so columns on line 1 stay right), and binary files are skipped
//! with a notice. Nothing here knows about rules or formats.
//!
//! [`git`] reads the staged blobs of a repository for `check --staged`.

pub mod git;

pub use presend_core::document::{display_path, Document, RepoPaths};
use presend_core::error::Error;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Something worth telling the user about an input, that did not stop the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Which input.
    pub path: String,
    /// What happened (never includes the input's content).
    pub message: String,
}

/// What reading one input produced.
#[derive(Debug)]
pub enum Loaded {
    /// Text to scan, with any notice about how it was decoded.
    Text(Document, Option<Notice>),
    /// A binary file, skipped.
    Skipped(Notice),
}

/// How many leading bytes are inspected for NUL to call a file binary (git and ripgrep do the
/// same kind of check).
const BINARY_SNIFF: usize = 8192;

/// Decode bytes read from `name`.
pub fn decode(name: &str, bytes: Vec<u8>) -> Loaded {
    let sniff = &bytes[..bytes.len().min(BINARY_SNIFF)];
    if sniff.contains(&0) {
        return Loaded::Skipped(Notice {
            path: name.to_string(),
            message: "binary file skipped".to_string(),
        });
    }
    let (text, notice) = match String::from_utf8(bytes) {
        Ok(s) => (s, None),
        Err(e) => (
            String::from_utf8_lossy(e.as_bytes()).into_owned(),
            Some(Notice {
                path: name.to_string(),
                message: "not valid UTF-8; undecodable bytes were replaced with U+FFFD and the rest was scanned".to_string(),
            }),
        ),
    };
    let had_bom = text.starts_with('\u{FEFF}');
    let text = if had_bom {
        text['\u{FEFF}'.len_utf8()..].to_string()
    } else {
        text
    };
    Loaded::Text(
        Document {
            path: name.into(),
            text,
            had_bom,
            first_line: 0,
            first_byte: 0,
        },
        notice,
    )
}

/// Read standard input, naming it `name` in reports.
pub fn read_stdin(name: &str) -> Result<Loaded, Error> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut bytes)
        .map_err(|source| Error::Io {
            path: PathBuf::from(name),
            source,
        })?;
    Ok(decode(name, bytes))
}

/// Read one file.
pub fn read_file(path: &Path) -> Result<Loaded, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(decode(&display_path(path), bytes))
}

/// Expand the paths given on the command line into files: files as they are, directories walked
/// recursively honouring `.gitignore`, `.ignore` and hidden-file conventions (the `ignore` crate,
/// as ripgrep does). The order is deterministic: arguments in order, each walk sorted by path.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        if !meta.is_dir() {
            out.push(path.clone());
            continue;
        }
        let walk = ignore::WalkBuilder::new(path)
            .require_git(false)
            .sort_by_file_path(|a, b| a.cmp(b))
            .build();
        for entry in walk {
            let entry = entry.map_err(|e| Error::Io {
                path: path.clone(),
                source: std::io::Error::other(e.to_string()),
            })?;
            if entry.file_type().is_some_and(|t| t.is_file()) {
                out.push(entry.into_path());
            }
        }
    }
    Ok(out)
}

/// A JSON Lines file read record by record: each line becomes a [`Document`] that knows its place
/// in the file, so memory holds one record however long the file is.
pub struct LineChunks<R: std::io::BufRead> {
    name: Arc<str>,
    reader: R,
    line: u32,
    byte: usize,
    first: bool,
}

impl<R: std::io::BufRead> LineChunks<R> {
    /// Read `reader`, naming it `name` in reports.
    pub fn new(name: &str, reader: R) -> Self {
        LineChunks {
            name: name.into(),
            reader,
            line: 0,
            byte: 0,
            first: true,
        }
    }
}

impl<R: std::io::BufRead> Iterator for LineChunks<R> {
    type Item = Result<Loaded, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut buf = Vec::new();
        match self.reader.read_until(b'\n', &mut buf) {
            Ok(0) => None,
            Err(source) => Some(Err(Error::Io {
                path: PathBuf::from(&*self.name),
                source,
            })),
            Ok(n) => {
                let first = std::mem::take(&mut self.first);
                let mut loaded = decode(&self.name, buf);
                if let Loaded::Text(doc, _) = &mut loaded {
                    doc.first_line = self.line;
                    doc.first_byte = self.byte;
                    doc.had_bom &= first;
                }
                let bom = matches!(&loaded, Loaded::Text(d, _) if d.had_bom);
                self.line += 1;
                self.byte += n - if bom { 3 } else { 0 };
                Some(Ok(loaded))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_bytes_mean_binary() {
        assert!(matches!(
            decode("x.png", vec![0x89, b'P', 0, 1]),
            Loaded::Skipped(_)
        ));
    }

    #[test]
    fn invalid_utf8_is_decoded_lossily_with_a_notice() {
        let Loaded::Text(doc, Some(notice)) = decode("a.txt", b"caf\xe9 NHS".to_vec()) else {
            panic!("expected text with a notice");
        };
        assert_eq!(doc.text, "caf\u{FFFD} NHS");
        assert_eq!(notice.path, "a.txt");
    }

    #[test]
    fn byte_order_mark_is_set_aside() {
        let Loaded::Text(doc, None) = decode("a.txt", "\u{FEFF}hello".as_bytes().to_vec()) else {
            panic!("expected text");
        };
        assert_eq!(doc.text, "hello");
        assert!(doc.had_bom);
    }
}
