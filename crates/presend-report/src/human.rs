//! The human report, laid out like a good compiler's diagnostics:
//!
//! ```text
//! error[uk-identifiers/nhs-number]: This looks like an NHS number
//!   --> draft.txt:1:32
//!    |
//!  1 | Bed 4 is Mrs Jones, NHS number 943 476 5919, DOB 12/03/1948.
//!    |                                ^^^^^^^^^^^^
//!    = why: …
//!    = instead: …
//! ```
//!
//! `why` and `instead` are printed the first time a rule appears in a run; later findings of the
//! same rule say only what and where, so a long file does not bury itself in repetition.
//!
//! Columns are display columns (East Asian wide characters and most emoji take two, combining
//! marks none), so carets sit under the text they mark; `why` and `instead` wrap at the width
//! the caller gives (the terminal's).

use super::{Reporter, Summary};
use crate::finding::{Finding, Severity};
use crate::text::LineIndex;
use anstyle::{AnsiColor, Style};
use presend_core::document::Document;
use std::collections::HashSet;
use std::io::{self, Write};
use unicode_width::UnicodeWidthStr;

/// Columns `text` takes on a terminal; a tab is shown as one space.
fn columns(text: &str) -> usize {
    text.split('\t').map(UnicodeWidthStr::width).sum::<usize>() + text.matches('\t').count()
}

/// Split `text` into lines of at most `width` display columns, at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().expect("never empty");
        if !line.is_empty() && columns(line) + 1 + columns(word) > width {
            lines.push(word.to_string());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines
}

/// Longest source line shown whole; longer lines are cut around the span.
const MAX_SHOWN: usize = 160;
/// Characters of context kept before the span in a cut line.
const LEAD: usize = 40;

/// The part of a line to show for a span, and the span's display columns within it.
/// `line` and `span` are byte ranges of `text`. A long line (a 10 MB single-line file) is cut
/// around the span and marked with `…`; only the shown part is ever walked, so a report stays
/// linear in the number of findings.
fn excerpt(
    text: &str,
    line: std::ops::Range<usize>,
    span: (usize, usize),
) -> (String, usize, usize) {
    let start = span.0.clamp(line.start, line.end);
    let end = span.1.clamp(start, line.end);
    let cols = |a: usize, b: usize| columns(&text[a..b]);
    let whole = &text[line.clone()];
    if whole.chars().nth(MAX_SHOWN).is_none() {
        let from = cols(line.start, start);
        return (whole.to_string(), from, from + cols(start, end));
    }
    let shown_start = text[line.start..start]
        .char_indices()
        .rev()
        .nth(LEAD - 1)
        .map_or(line.start, |(i, _)| line.start + i);
    let shown_end = text[shown_start..line.end]
        .char_indices()
        .nth(MAX_SHOWN)
        .map_or(line.end, |(i, _)| shown_start + i);
    let mut shown = String::new();
    let lead = usize::from(shown_start > line.start);
    if lead == 1 {
        shown.push('…');
    }
    shown.push_str(&text[shown_start..shown_end]);
    if shown_end < line.end {
        shown.push('…');
    }
    let from = lead + columns(&text[shown_start..start]);
    // A span longer than the excerpt (a combination across a huge line) is underlined up to
    // the excerpt's end.
    (
        shown,
        from,
        from + cols(start, end.min(shown_end).max(start)),
    )
}

/// Compiler-style report.
pub struct Human<W: Write> {
    out: W,
    color: bool,
    verbose: bool,
    width: usize,
    quiet: bool,
    explained: HashSet<String>,
}

impl<W: Write> Human<W> {
    /// A human report on `out`; `verbose` repeats why/instead for every finding.
    pub fn new(out: W, color: bool, verbose: bool) -> Self {
        Human {
            out,
            color,
            verbose,
            width: crate::DEFAULT_WIDTH,
            quiet: false,
            explained: HashSet::new(),
        }
    }

    /// Wrap `why` and `instead` at `width` display columns.
    pub fn width(mut self, width: usize) -> Self {
        self.width = width;
        self
    }

    /// Leave out the summary line.
    pub fn quiet(mut self, quiet: bool) -> Self {
        self.quiet = quiet;
        self
    }

    fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }

    /// `text` is the document's (a JSON Lines record, a window of a large file), which begins
    /// at line `first_line + 1` and byte `first_byte` of the file.
    fn finding(
        &mut self,
        text: &str,
        (first_line, first_byte): (u32, usize),
        lines: &LineIndex,
        f: &Finding,
    ) -> io::Result<()> {
        let sev_style = match f.severity {
            Severity::Error => AnsiColor::Red.on_default().bold(),
            Severity::Warning => AnsiColor::Yellow.on_default().bold(),
            Severity::Info => AnsiColor::Cyan.on_default().bold(),
        };
        let blue = AnsiColor::Blue.on_default().bold();
        let head = format!(
            "{}{}",
            self.paint(sev_style, f.severity.as_str()),
            self.paint(Style::new().bold(), &format!("[{}]: {}", f.rule, f.message))
        );
        writeln!(self.out, "{head}")?;
        let gutter = " ".repeat(f.start.line.to_string().len());
        let place = match f.record {
            Some(r) => format!(
                "{}:{}:{} (record {r})",
                f.path, f.start.line, f.start.column
            ),
            None => format!("{}:{}:{}", f.path, f.start.line, f.start.column),
        };
        writeln!(self.out, "{gutter}{} {place}", self.paint(blue, "-->"))?;
        let bar = self.paint(blue, "|");
        writeln!(self.out, "{gutter} {bar}")?;
        let line_no = (f.start.line.saturating_sub(first_line) as usize).wrapping_sub(1);
        if line_no < lines.len() {
            let line = lines.line_range(text, line_no);
            // Findings carry file offsets; the text starts at `first_byte`.
            let span = (
                f.byte_range.0.saturating_sub(first_byte),
                f.byte_range.1.saturating_sub(first_byte),
            );
            let (shown, from, to) = excerpt(text, line, span);
            let carets = "^".repeat(to.saturating_sub(from).max(1));
            let number = self.paint(blue, &f.start.line.to_string());
            writeln!(self.out, "{number} {bar} {}", shown.replace('\t', " "))?;
            let mark = match &f.suggestion {
                Some(s) => format!("{carets} try: {s}"),
                None => carets,
            };
            writeln!(
                self.out,
                "{gutter} {bar} {}{}",
                " ".repeat(from),
                self.paint(sev_style, &mark)
            )?;
        }
        for note in &f.notes {
            writeln!(self.out, "{gutter} {} note: {note}", self.paint(blue, "="))?;
        }
        if self.verbose || self.explained.insert(f.rule.to_string()) {
            let eq = self.paint(blue, "=");
            for (title, body) in [("why", &f.why), ("instead", &f.instead)] {
                let indent = format!("{gutter}   {}", " ".repeat(title.len() + 2));
                let wrapped = wrap(body, self.width.saturating_sub(indent.len()))
                    .join(&format!("\n{indent}"));
                writeln!(self.out, "{gutter} {eq} {title}: {wrapped}")?;
            }
        }
        writeln!(self.out)
    }
}

impl<W: Write> Reporter for Human<W> {
    fn document(&mut self, doc: &Document, text: &str, findings: &[Finding]) -> io::Result<()> {
        if findings.is_empty() {
            return Ok(());
        }
        let lines = LineIndex::new(text);
        for f in findings {
            self.finding(text, (doc.first_line, doc.first_byte), &lines, f)?;
        }
        Ok(())
    }

    fn message(&mut self, _: &crate::Message) -> io::Result<()> {
        // Standard error already carries it, next to the report rather than inside it.
        Ok(())
    }

    fn finish(&mut self, s: &Summary) -> io::Result<()> {
        if !self.quiet {
            writeln!(self.out, "presend: {}", crate::summary_line(s))?;
        }
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::{excerpt, wrap};

    #[test]
    fn carets_count_display_columns_after_wide_and_combining_characters() {
        // 👍 and 漢 take two columns each; the combining acute accent takes none.
        let text = "👍 漢字 cafe\u{301} NHS 943";
        let start = text.find("943").unwrap();
        let (_, from, to) = excerpt(text, 0..text.len(), (start, start + 3));
        assert_eq!(
            (from, to),
            (2 + 1 + 4 + 1 + 4 + 1 + 4, 2 + 1 + 4 + 1 + 4 + 1 + 4 + 3)
        );
        let wide = text.find('漢').unwrap();
        let (_, from, to) = excerpt(text, 0..text.len(), (wide, wide + '漢'.len_utf8() * 2));
        assert_eq!(
            (from, to),
            (3, 7),
            "a wide span gets two carets per character"
        );
    }

    #[test]
    fn wrapping_counts_wide_characters_twice() {
        let lines = wrap("漢字漢字 漢字漢字 ab", 10);
        assert_eq!(lines, ["漢字漢字", "漢字漢字", "ab"]);
    }

    #[test]
    fn short_lines_are_shown_whole() {
        let text = "first\nNHS 943 end";
        assert_eq!(
            excerpt(text, 6..17, (10, 13)),
            ("NHS 943 end".to_string(), 4, 7)
        );
    }

    #[test]
    fn long_lines_are_cut_around_the_span() {
        let text = format!("{}NHS 943 476 5919{}", "é".repeat(5000), "b".repeat(5000));
        let start = text.find("943").unwrap();
        let (shown, from, to) = excerpt(&text, 0..text.len(), (start, start + 12));
        assert!(
            shown.chars().count() <= 1 + 160 + 1,
            "{}",
            shown.chars().count()
        );
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        let span: String = shown.chars().skip(from).take(to - from).collect();
        assert_eq!(span, "943 476 5919");
    }
}
