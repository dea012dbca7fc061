//! The shared vocabulary of inputs and the engine: a [`Segment`] of text to scan, where it came
//! from ([`Origin`]), and how a byte offset in it becomes a line and column the user can find.
//!
//! Readers produce segments; the engine scans them. Neither imports the other: both import this.

use crate::finding::Position;
use std::sync::Arc;

/// Where a segment sits in the document the user wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The path as given on the command line, or `-` (or `--stdin-filename`) for standard input.
    pub path: Arc<str>,
    /// The 1-based record (CSV data row, JSONL line) when the format has records.
    pub record: Option<u64>,
    /// Line and column of the segment's first character in the document.
    pub start: Position,
    /// Byte offset of the segment's first character in the document.
    pub byte_offset: usize,
}

impl Origin {
    /// The origin of a whole document: line 1, column 1, byte 0.
    pub fn document(path: Arc<str>) -> Origin {
        Origin {
            path,
            record: None,
            start: Position { line: 1, column: 1 },
            byte_offset: 0,
        }
    }
}

/// A stretch of text to scan: a whole draft, a Markdown paragraph, a CSV cell, a JSON string.
/// The engine treats one segment as one message (combination rules count within it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The text exactly as the user wrote it (after decoding).
    pub text: String,
    /// Where it came from.
    pub origin: Origin,
}

impl Segment {
    /// A segment that is a whole document.
    pub fn document(path: impl Into<Arc<str>>, text: impl Into<String>) -> Segment {
        Segment {
            text: text.into(),
            origin: Origin::document(path.into()),
        }
    }
}

/// Line starts of a text, so byte offsets can be turned into 1-based lines and character columns.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Where each line after the first starts (the first starts at 0): a text without a line
    /// break needs no allocation.
    later_starts: Vec<usize>,
}

impl LineIndex {
    /// Index the line starts of `text` (a line ends at `\n`; a `\r` before it belongs to it).
    pub fn new(text: &str) -> LineIndex {
        LineIndex {
            later_starts: memchr_newlines(text.as_bytes()).map(|i| i + 1).collect(),
        }
    }

    /// Number of lines.
    pub fn len(&self) -> usize {
        self.later_starts.len() + 1
    }

    /// True for an index of no text at all (never: even "" has one line).
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The 0-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.later_starts.partition_point(|&s| s <= offset)
    }

    /// Where 0-based line `line` starts.
    fn start_of(&self, line: usize) -> usize {
        match line.checked_sub(1) {
            None => 0,
            Some(i) => self.later_starts[i],
        }
    }

    /// Byte range of 0-based line `line`, without its line ending.
    pub fn line_range(&self, text: &str, line: usize) -> std::ops::Range<usize> {
        let start = self.start_of(line);
        let mut end = self.later_starts.get(line).map_or(text.len(), |&s| s - 1);
        if end > start && text.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        start..end.max(start)
    }

    /// The position of byte `offset` relative to the start of `text`, 1-based, columns in
    /// characters.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let line = self.line_of(offset);
        let start = self.start_of(line);
        let column = text[start..offset].chars().count() + 1;
        Position {
            line: line as u32 + 1,
            column: column as u32,
        }
    }
}

/// The position reached by reading `passed` from position `from`.
pub fn advance(from: Position, passed: &str) -> Position {
    match passed.rfind('\n') {
        None => Position {
            line: from.line,
            column: from.column + passed.chars().count() as u32,
        },
        Some(last) => Position {
            line: from.line + passed.matches('\n').count() as u32,
            column: passed[last + 1..].chars().count() as u32 + 1,
        },
    }
}

/// Positions of rising byte offsets in one text, computed incrementally: on a 10 MB line with
/// thousands of findings, counting characters from the line start for each would be quadratic.
pub struct PositionCursor<'a> {
    text: &'a str,
    lines: LineIndex,
    at: Option<(usize, Position)>,
}

impl<'a> PositionCursor<'a> {
    /// A cursor at the start of `text`.
    pub fn new(text: &'a str) -> PositionCursor<'a> {
        PositionCursor {
            text,
            lines: LineIndex::new(text),
            at: None,
        }
    }

    /// The position of byte `offset`; cheap when offsets come in rising order.
    pub fn position(&mut self, offset: usize) -> Position {
        let position = match self.at {
            Some((from, pos)) if from <= offset && offset - from <= 1 << 16 => {
                advance(pos, &self.text[from..offset])
            }
            Some((from, pos))
                if from <= offset && self.lines.line_of(from) == self.lines.line_of(offset) =>
            {
                advance(pos, &self.text[from..offset])
            }
            _ => self.lines.position(self.text, offset),
        };
        self.at = Some((offset, position));
        position
    }
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'\n', bytes)
}

/// Translate a position inside a segment to a position in its document.
pub fn offset_position(origin: &Origin, inner: Position) -> Position {
    if inner.line == 1 {
        Position {
            line: origin.start.line,
            column: origin.start.column + inner.column - 1,
        }
    } else {
        Position {
            line: origin.start.line + inner.line - 1,
            column: inner.column,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "é😀 NHS\nsecond";
        let idx = LineIndex::new(text);
        let nhs = text.find("NHS").unwrap();
        assert_eq!(idx.position(text, nhs), Position { line: 1, column: 4 });
        let second = text.find("second").unwrap();
        assert_eq!(idx.position(text, second), Position { line: 2, column: 1 });
    }

    #[test]
    fn crlf_is_not_part_of_the_line_text() {
        let text = "one\r\ntwo";
        let idx = LineIndex::new(text);
        assert_eq!(&text[idx.line_range(text, 0)], "one");
        assert_eq!(&text[idx.line_range(text, 1)], "two");
    }

    #[test]
    fn segment_positions_shift_only_the_first_line_column() {
        let origin = Origin {
            path: "a.md".into(),
            record: None,
            start: Position { line: 7, column: 3 },
            byte_offset: 40,
        };
        assert_eq!(
            offset_position(&origin, Position { line: 1, column: 5 }),
            Position { line: 7, column: 7 }
        );
        assert_eq!(
            offset_position(&origin, Position { line: 2, column: 5 }),
            Position { line: 8, column: 5 }
        );
    }
}
