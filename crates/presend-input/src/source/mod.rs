//! Where bytes come from: standard input, files, and directory walks that honour `.gitignore`.
//!
//! Everything is read as bytes. UTF-16 with a byte-order mark (Excel's "Unicode Text", Notepad's
//! "Unicode") is decoded with `encoding_rs`; invalid UTF-8 is decoded lossily (with a notice naming
//! the file); a byte-order mark is set aside (so columns on line 1 stay right); binary files are
//! skipped with a notice. Nothing here knows about rules or formats.
//!
//! [`git`] reads the staged blobs of a repository for `check --staged`.

pub mod git;

pub use presend_core::document::{display_path, Document, RepoPaths, TextEncoding};
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
    /// Text in an encoding it announces (a UTF-16 byte-order mark) but does not follow: not
    /// scanned, and a file named on the command line in this state makes the run fail.
    Undecodable(Notice),
}

/// How many leading bytes are inspected for NUL to call a file binary (git and ripgrep do the
/// same kind of check).
const BINARY_SNIFF: usize = 8192;

/// Decode bytes read from `name`.
pub fn decode(name: &str, bytes: Vec<u8>) -> Loaded {
    if let Some(loaded) = decode_utf16(name, &bytes) {
        return loaded;
    }
    let sniff = &bytes[..bytes.len().min(BINARY_SNIFF)];
    if sniff.contains(&0) {
        return Loaded::Skipped(Notice {
            path: name.to_string(),
            message: "binary file skipped".to_string(),
        });
    }
    let mut loaded = decode_utf8(name, bytes);
    if let Loaded::Text(doc, _) = &mut loaded {
        // A byte-order mark at the start is set aside (and kept when the file is rewritten).
        if let Some(rest) = doc.text.strip_prefix('\u{FEFF}') {
            doc.text = rest.to_string();
            doc.had_bom = true;
        }
    }
    loaded
}

/// Decode bytes as UTF-8, replacing what is not (with a notice): no check for a binary file, a
/// UTF-16 byte-order mark or a UTF-8 one (a U+FEFF stays a character of the text, so offsets
/// stay exact). For a record in the middle of a stream that the first line has already shown
/// to be text.
fn decode_utf8(name: &str, bytes: Vec<u8>) -> Loaded {
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
    let lossy = notice.is_some();
    Loaded::Text(
        Document {
            path: name.into(),
            text,
            had_bom: false,
            first_line: 0,
            first_byte: 0,
            first_column: 0,
            encoding: TextEncoding::Utf8,
            lossy,
        },
        notice,
    )
}

/// Bytes that start with a UTF-16 byte-order mark, decoded; `None` for anything else. Text that
/// is not valid UTF-16 after its mark is skipped with a notice rather than guessed at.
fn decode_utf16(name: &str, bytes: &[u8]) -> Option<Loaded> {
    let (encoding, bom_len) = encoding_rs::Encoding::for_bom(bytes)?;
    let kind = if encoding == encoding_rs::UTF_16LE {
        TextEncoding::Utf16Le
    } else if encoding == encoding_rs::UTF_16BE {
        TextEncoding::Utf16Be
    } else {
        return None;
    };
    let Some(text) =
        encoding.decode_without_bom_handling_and_without_replacement(&bytes[bom_len..])
    else {
        return Some(Loaded::Undecodable(Notice {
            path: name.to_string(),
            message: "starts with a UTF-16 byte-order mark but is not valid UTF-16; not scanned"
                .to_string(),
        }));
    };
    let mut doc = Document::new(name, text.into_owned());
    doc.had_bom = true;
    doc.encoding = kind;
    Some(Loaded::Text(doc, None))
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

/// Which files a directory walk leaves out.
#[derive(Debug, Clone, Copy, Default)]
pub struct Walk {
    /// Walk hidden files and directories too.
    pub hidden: bool,
    /// Disregard `.gitignore`, `.ignore` and git's exclude files.
    pub no_ignore: bool,
}

/// What a walk left out, by reason (files or whole directories, counted where the walk stopped).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Skipped {
    /// Hidden files and directories.
    pub hidden: usize,
    /// Files and directories an ignore file leaves out.
    pub ignored: usize,
    /// Entries that are neither files nor directories: symbolic links (a walk does not follow
    /// them), pipes, sockets, devices.
    pub special: usize,
}

impl Skipped {
    /// Nothing was left out.
    pub fn is_empty(&self) -> bool {
        self.hidden == 0 && self.ignored == 0 && self.special == 0
    }

    /// A sentence for the user, with the options that bring them back.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.hidden > 0 {
            parts.push(format!(
                "{} hidden path(s) (--hidden scans them)",
                self.hidden
            ));
        }
        if self.ignored > 0 {
            parts.push(format!(
                "{} path(s) left out by ignore files such as .gitignore (--no-ignore scans them)",
                self.ignored
            ));
        }
        if self.special > 0 {
            parts.push(format!(
                "{} path(s) that are not regular files, such as symbolic links or pipes (name \
                 them on the command line to scan them)",
                self.special
            ));
        }
        format!("skipped {}", parts.join(" and "))
    }
}

/// Expand a path given on the command line into files: a file as it is, a directory walked
/// recursively honouring `.gitignore`, `.ignore` and hidden-file conventions unless `walk` says
/// otherwise (the `ignore` crate, as ripgrep does), with what the walk left out. The order is
/// deterministic: each walk sorted by path.
pub fn expand(path: &Path, walk: Walk) -> Result<(Vec<PathBuf>, Skipped), Error> {
    let meta = std::fs::metadata(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if !meta.is_dir() {
        return Ok((vec![path.to_path_buf()], Skipped::default()));
    }
    let mut builder = ignore::WalkBuilder::new(path);
    builder
        .require_git(false)
        .hidden(!walk.hidden)
        // A repository's own store is never a draft, even with --hidden.
        .filter_entry(|e| e.file_name() != ".git")
        .sort_by_file_path(|a, b| a.cmp(b));
    if walk.no_ignore {
        builder
            .ignore(false)
            .git_ignore(false)
            .git_global(false)
            .git_exclude(false)
            .parents(false);
    }
    let mut files = Vec::new();
    for entry in builder.build() {
        let entry = entry.map_err(|e| Error::Io {
            path: path.to_path_buf(),
            source: std::io::Error::other(e.to_string()),
        })?;
        if entry.file_type().is_some_and(|t| t.is_file()) {
            files.push(entry.into_path());
        }
    }
    let skipped = left_out(path, &files);
    Ok((files, skipped))
}

/// What an unfiltered walk of `root` finds that `kept` (the filtered walk) does not: each
/// left-out directory counts once and is not entered. A `.git` directory is never counted.
fn left_out(root: &Path, kept: &[PathBuf]) -> Skipped {
    use std::collections::HashSet;
    use std::sync::Mutex;
    let mut wanted: HashSet<PathBuf> = HashSet::new();
    for f in kept {
        wanted.extend(
            f.ancestors()
                .take_while(|a| *a != root)
                .map(Path::to_path_buf),
        );
    }
    let wanted = Arc::new(wanted);
    let skipped = Arc::new(Mutex::new(Skipped::default()));
    let (w, s) = (wanted.clone(), skipped.clone());
    let walk = ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .filter_entry(move |e| {
            if e.depth() == 0 || w.contains(e.path()) {
                return true;
            }
            if e.file_name() == ".git" {
                return false;
            }
            if let Ok(mut s) = s.lock() {
                let regular = e.file_type().is_some_and(|t| t.is_file() || t.is_dir());
                if e.file_name().to_string_lossy().starts_with('.') {
                    s.hidden += 1;
                } else if !regular {
                    s.special += 1;
                } else {
                    s.ignored += 1;
                }
            }
            false
        })
        .build();
    walk.for_each(drop);
    let result = skipped.lock().map(|s| s.clone()).unwrap_or_default();
    result
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
                // Whether the stream is binary is the first line's to say. A NUL byte or stray
                // bytes in a later record are that record's fault: it is decoded as text and the
                // format reader reports it, and reading goes on. (Stopping there once skipped
                // every later record and still exited 0.)
                let mut loaded = if first {
                    decode(&self.name, buf)
                } else {
                    decode_utf8(&self.name, buf)
                };
                if let Loaded::Text(doc, _) = &mut loaded {
                    doc.first_line = self.line;
                    doc.first_byte = self.byte;
                }
                // A notice about one line of a long stream says which line.
                if let Loaded::Text(_, Some(n)) | Loaded::Skipped(n) | Loaded::Undecodable(n) =
                    &mut loaded
                {
                    n.message = format!("line {}: {}", self.line + 1, n.message);
                }
                let bom = matches!(&loaded, Loaded::Text(d, _) if d.had_bom);
                self.line += 1;
                self.byte += n - if bom { 3 } else { 0 };
                Some(Ok(loaded))
            }
        }
    }
}

/// A plain-text file larger than this is read and scanned window by window (see [`TextWindows`]).
pub const LARGE_TEXT: u64 = 8 << 20;

/// A file large enough to be scanned window by window: plain UTF-8 text over [`LARGE_TEXT`]
/// (UTF-16 and binary files are left to the whole-file reader).
pub fn is_large_plain_text(path: &Path) -> bool {
    let big = std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() > LARGE_TEXT);
    let mut head = [0u8; BINARY_SNIFF];
    big && std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .is_ok_and(|n| !head[..n].contains(&0))
}
/// The size a window aims at. The engine's working memory grows with the hits in one window
/// (a 1 MiB window of ordinary prose with today's packs asked for a 48 MiB hit list), so windows
/// stay small enough for two in flight to fit the bounded-memory tests' 160 MB heap limit.
const WINDOW: usize = 256 << 10;
/// How far windows overlap on each side: far more than any identifier and the context a rule
/// reads around it, so whatever straddles a window boundary lies whole inside one window.
const OVERLAP: usize = 16 << 10;

/// One window of a large plain-text file.
#[derive(Debug)]
pub struct Window {
    /// The window's text, placed in the file (`first_line`, `first_byte`).
    pub doc: Document,
    /// Byte offsets (in the file's text) a finding must start within to belong to this window;
    /// the overlap on either side belongs to its neighbours, so nothing is reported twice.
    pub owns: std::ops::Range<usize>,
    /// How the window was decoded, when worth a notice (invalid UTF-8).
    pub notice: Option<Notice>,
}

/// A large plain-text file read as overlapping windows of about [`WINDOW`] bytes cut at line
/// breaks, so memory holds one window however large the file is. Each window overlaps its
/// neighbours by at least [`OVERLAP`] bytes and owns the stretch between the overlaps: a match
/// that straddles a cut is found whole in the window that owns its start.
pub struct TextWindows<R: Read> {
    name: Arc<str>,
    reader: R,
    /// Bytes of the file from `buf_start` on (at most one window and its read-ahead).
    buf: Vec<u8>,
    buf_start: usize,
    buf_line: u32,
    /// Characters of the file's line before `buf_start`.
    buf_column: u32,
    /// Where the next window's owned stretch begins.
    owned_from: usize,
    had_bom: bool,
    first: bool,
    eof: bool,
}

impl<R: Read> TextWindows<R> {
    /// Read `reader`, naming it `name` in reports.
    pub fn new(name: &str, reader: R) -> Self {
        TextWindows {
            name: name.into(),
            reader,
            buf: Vec::new(),
            buf_start: 0,
            buf_line: 0,
            buf_column: 0,
            owned_from: 0,
            had_bom: false,
            first: true,
            eof: false,
        }
    }

    fn fill(&mut self, want: usize) -> std::io::Result<()> {
        while !self.eof && self.buf.len() < want {
            let old = self.buf.len();
            self.buf.resize(want, 0);
            match self.reader.read(&mut self.buf[old..]) {
                Ok(0) => {
                    self.buf.truncate(old);
                    self.eof = true;
                }
                Ok(n) => self.buf.truncate(old + n),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => self.buf.truncate(old),
                Err(e) => {
                    self.buf.truncate(old);
                    return Err(e);
                }
            }
        }
        Ok(())
    }
}

/// `bytes` as text, each byte of an invalid UTF-8 sequence replaced by U+001A (SUBSTITUTE, one
/// byte): offsets in the text stay offsets in the file, so windows and findings line up.
fn substitute_invalid(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        text.extend(std::iter::repeat_n('\u{1A}', chunk.invalid().len()));
    }
    text
}

/// How many characters `bytes` is as a window's text: each undecodable byte is one (see
/// [`substitute_invalid`]).
fn chars_in(bytes: &[u8]) -> u32 {
    let n: usize = bytes
        .utf8_chunks()
        .map(|c| c.valid().chars().count() + c.invalid().len())
        .sum();
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The cut nearest before `at` in `bytes`: just after a line break when there is one in the
/// `span` bytes before `at`, else at a character boundary.
fn cut_before(bytes: &[u8], at: usize, span: usize) -> usize {
    let at = at.min(bytes.len());
    let from = at.saturating_sub(span);
    if let Some(i) = bytes[from..at].iter().rposition(|&b| b == b'\n') {
        return from + i + 1;
    }
    let mut cut = at;
    // Never inside a UTF-8 sequence: back up over continuation bytes.
    while cut > 0 && cut < bytes.len() && bytes[cut] & 0xC0 == 0x80 {
        cut -= 1;
    }
    cut
}

impl<R: Read> Iterator for TextWindows<R> {
    type Item = Result<Window, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Err(source) = self.fill(WINDOW + OVERLAP) {
            return Some(Err(Error::Io {
                path: PathBuf::from(&*self.name),
                source,
            }));
        }
        if std::mem::take(&mut self.first) && self.buf.starts_with(b"\xEF\xBB\xBF") {
            self.buf.drain(..3);
            self.had_bom = true;
            if let Err(source) = self.fill(WINDOW + OVERLAP) {
                return Some(Err(Error::Io {
                    path: PathBuf::from(&*self.name),
                    source,
                }));
            }
        }
        if self.owned_from >= self.buf_start + self.buf.len() && self.eof {
            return None;
        }
        let last = self.eof && self.buf.len() <= WINDOW + OVERLAP;
        // The window: the whole buffer at the end of the file, else up to a cut near WINDOW.
        let end = if last {
            self.buf.len()
        } else {
            cut_before(&self.buf, WINDOW, WINDOW / 4)
        };
        // It owns up to OVERLAP before its end (the next window re-reads that stretch).
        let owned_end = if last {
            end
        } else {
            cut_before(&self.buf, end - OVERLAP, WINDOW / 4)
        };
        let bytes = &self.buf[..end];
        let (text, lossy) = match std::str::from_utf8(bytes) {
            Ok(t) => (t.to_string(), false),
            Err(_) => (substitute_invalid(bytes), true),
        };
        let doc = Document {
            path: self.name.clone(),
            text,
            had_bom: self.had_bom && self.buf_start == 0,
            first_line: self.buf_line,
            first_byte: self.buf_start,
            first_column: self.buf_column,
            encoding: TextEncoding::Utf8,
            lossy,
        };
        let notice = lossy.then(|| Notice {
            path: self.name.to_string(),
            message: "not valid UTF-8; each undecodable byte was replaced with U+001A and the rest was scanned".to_string(),
        });
        let window = Window {
            doc,
            owns: self.owned_from..self.buf_start + owned_end,
            notice,
        };
        if last {
            self.owned_from = self.buf_start + self.buf.len();
            self.buf.clear();
            self.buf_start = self.owned_from;
        } else {
            // Keep OVERLAP before the owned end as the next window's leading context.
            let keep_from = cut_before(&self.buf, owned_end.saturating_sub(OVERLAP), WINDOW / 4);
            let dropped = &self.buf[..keep_from];
            self.buf_line += dropped.iter().filter(|&&b| b == b'\n').count() as u32;
            self.buf_column = match dropped.iter().rposition(|&b| b == b'\n') {
                Some(nl) => chars_in(&dropped[nl + 1..]),
                None => self.buf_column + chars_in(dropped),
            };
            self.buf.drain(..keep_from);
            self.buf_start += keep_from;
            self.owned_from = window.owns.end;
        }
        Some(Ok(window))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_text_keeps_file_offsets_over_invalid_utf8() {
        let text = substitute_invalid(b"caf\xe9 \xff\xfeNHS");
        assert_eq!(text.len(), 10);
        assert_eq!(text.find("NHS"), Some(7));
    }

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
