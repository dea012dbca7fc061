//! The normalised view that every matcher runs on, and the map back to the user's text.
//!
//! Why: people (and autocorrect) write the same thing many ways. Full-width digits, a number split
//! by zero-width spaces, Cyrillic look-alike letters, curly quotes or a line break inside a phrase
//! must not let an identifier or a slur slip past. So the engine matches on a view where:
//!
//! - each character is replaced by its Unicode NFKC compatibility form (`９` → `9`, `ﬁ` → `fi`);
//! - zero-width and other invisible format characters, and stray combining marks, are removed;
//! - common look-alike letters (Cyrillic, Greek, small capitals) become their Latin twin, and
//!   typographic quotes and dashes become ASCII;
//! - every run of whitespace becomes one space, so phrases match across line breaks.
//!
//! Case is kept (term matching is ASCII case-insensitive; patterns decide for themselves).
//! The view records each edited stretch, so any span in it maps back to the exact original bytes;
//! text that needs no edit (most ASCII drafts) is borrowed, not copied.

use std::borrow::Cow;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// A stretch where the normalised view differs from the original.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Edit {
    norm_start: usize,
    norm_end: usize,
    orig_start: usize,
    orig_end: usize,
}

/// Text as the matchers see it, with the way back to the original.
#[derive(Debug, Clone)]
pub struct Normalized<'a> {
    text: Cow<'a, str>,
    /// From the original to the character-level view.
    edits: Vec<Edit>,
    /// From the character-level view to the final one (de-obfuscation), when it differs.
    folds: Vec<Edit>,
}

impl<'a> Normalized<'a> {
    /// Normalise `original`. Borrowed when nothing needs to change.
    ///
    /// Most drafts need no edit at all, emoji included, so the text is first read for the first
    /// character the view would change; only from there on is a copy built, with runs of plain
    /// ASCII copied whole.
    pub fn new(original: &'a str) -> Normalized<'a> {
        let mut view = Normalized::characters(original);
        if let Some((text, folds)) = unobfuscate(&view.text) {
            view.text = Cow::Owned(text);
            view.folds = folds;
        }
        view
    }

    /// The character-level view: NFKC, invisible characters, look-alikes, whitespace.
    fn characters(original: &'a str) -> Normalized<'a> {
        let Some((first, in_space_run)) = first_edit(original) else {
            return Normalized {
                text: Cow::Borrowed(original),
                edits: Vec::new(),
                folds: Vec::new(),
            };
        };
        let mut b = Builder {
            out: String::with_capacity(original.len() + 16),
            edits: Vec::new(),
            in_space_run,
        };
        b.out.push_str(&original[..first]);
        let bytes = original.as_bytes();
        let mut i = first;
        while i < bytes.len() {
            // Copy a run of printable ASCII and single spaces whole.
            let (run, last_is_space) = plain_run(&bytes[i..], b.in_space_run);
            if run > 0 {
                b.out.push_str(&original[i..i + run]);
                b.in_space_run = last_is_space;
                i += run;
                continue;
            }
            let c = original[i..].chars().next().expect("char boundary");
            b.push(i, c);
            i += c.len_utf8();
        }
        Normalized {
            text: Cow::Owned(b.out),
            edits: b.edits,
            folds: Vec::new(),
        }
    }

    /// The normalised text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The original byte offset where a span starting at normalised byte `n` starts.
    pub fn start_to_original(&self, n: usize) -> usize {
        start_through(&self.edits, start_through(&self.folds, n))
    }

    /// The original byte offset where a span ending at normalised byte `n` (exclusive) ends.
    pub fn end_to_original(&self, n: usize) -> usize {
        end_through(&self.edits, end_through(&self.folds, n))
    }

    /// Map a normalised span to the original span.
    pub fn to_original(&self, span: (usize, usize)) -> (usize, usize) {
        let start = self.start_to_original(span.0);
        let end = self.end_to_original(span.1).max(start);
        (start, end)
    }
}

/// Map a span start back through one layer of edits.
fn start_through(edits: &[Edit], n: usize) -> usize {
    let i = edits.partition_point(|e| e.norm_start <= n);
    if i == 0 {
        return n;
    }
    let e = edits[i - 1];
    if n < e.norm_end {
        e.orig_start
    } else {
        e.orig_end + (n - e.norm_end)
    }
}

/// Map a span end (exclusive) back through one layer of edits.
fn end_through(edits: &[Edit], n: usize) -> usize {
    let i = edits.partition_point(|e| e.norm_start < n);
    if i == 0 {
        return n;
    }
    let e = edits[i - 1];
    if n <= e.norm_end {
        e.orig_end
    } else {
        e.orig_end + (n - e.norm_end)
    }
}

/// Separators people put between the letters of a word to hide it (`f.u.c.k`, `f u c k`).
const LETTER_SEPARATORS: &[u8] = b" .-_*";

/// Undo the two commonest ways of disguising a word that survive character normalisation:
///
/// - a letter stretched inside a word (`fuuuuck`, `shiiiit`): a run of three or more of the same
///   letter after another letter becomes one;
/// - three or more single letters joined by one repeated separator (`f.u.c.k`, `f u c k`): the
///   separators go.
///
/// Both are rare in ordinary prose (a run of three identical letters inside a word is almost
/// always elongation; three one-letter words in a row with the same separator are initials at
/// most, which read the same joined up). Returns `None`, cheaply, when the text holds neither.
fn unobfuscate(text: &str) -> Option<(String, Vec<Edit>)> {
    if !may_be_obfuscated(text.as_bytes()) {
        return None;
    }
    unobfuscate_everywhere(text)
}

/// [`unobfuscate`], without the quick check.
fn unobfuscate_everywhere(text: &str) -> Option<(String, Vec<Edit>)> {
    let bytes = text.as_bytes();
    let mut drops: Vec<(usize, usize)> = Vec::new();
    let letter = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_alphabetic);
    let alnum = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_alphanumeric);
    let mut i = 0;
    while i < bytes.len() {
        // Stretched letter: bytes[i] repeated, inside a word.
        if letter(i) && i > 0 && letter(i - 1) {
            let c = bytes[i].to_ascii_lowercase();
            let mut j = i + 1;
            while j < bytes.len() && bytes[j].to_ascii_lowercase() == c {
                j += 1;
            }
            if j - i >= 3 {
                drops.push((i + 1, j));
                i = j;
                continue;
            }
        }
        // Spaced-out letters: a lone letter, a separator, a lone letter, the same separator …
        if letter(i) && (i == 0 || !alnum(i - 1)) && !alnum(i + 1) {
            if let Some(&sep) = bytes.get(i + 1).filter(|b| LETTER_SEPARATORS.contains(b)) {
                let mut k = i;
                let mut letters = 1;
                while bytes.get(k + 1) == Some(&sep) && letter(k + 2) && !alnum(k + 3) {
                    k += 2;
                    letters += 1;
                }
                if letters >= 3 {
                    drops.extend((i..k).step_by(2).map(|x| (x + 1, x + 2)));
                    i = k + 1;
                    continue;
                }
            }
        }
        i += 1;
    }
    if drops.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut edits = Vec::with_capacity(drops.len());
    let mut at = 0;
    for (s, e) in drops {
        out.push_str(&text[at..s]);
        edits.push(Edit {
            norm_start: out.len(),
            norm_end: out.len(),
            orig_start: s,
            orig_end: e,
        });
        at = e;
    }
    out.push_str(&text[at..]);
    Some((out, edits))
}

/// A quick necessary condition for [`unobfuscate`] to find anything, eight bytes at a time: a
/// letter followed by three of the same letter (any case), or a lone letter, a separator, a
/// lone letter and the same separator. Most messages have neither, and are not read again.
fn may_be_obfuscated(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // High bit of each zero byte (and maybe of a byte above one: false alarms only).
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let letter = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_alphabetic);
    let alnum = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_alphanumeric);
    // The exact local conditions at byte `k`, which every find of `unobfuscate` includes.
    let stretched = |k: usize| {
        k > 0
            && letter(k - 1)
            && letter(k)
            && (1..3).all(|d| {
                bytes.get(k + d).map(u8::to_ascii_lowercase) == Some(bytes[k].to_ascii_lowercase())
            })
    };
    let spaced = |k: usize| {
        // `k` is the first separator: lone letter, sep, letter, the same sep.
        k > 0
            && LETTER_SEPARATORS.contains(&bytes[k])
            && letter(k - 1)
            && (k < 2 || !alnum(k - 2))
            && letter(k + 1)
            && bytes.get(k + 2) == Some(&bytes[k])
    };
    let mut i = 0;
    while i + 8 <= bytes.len() {
        let x = u64::from_le_bytes(bytes[i..i + 8].try_into().expect("eight bytes"));
        let lower = x | (0x20 * ONES);
        // Byte k: equal (ignoring case) to byte k + 1, and to byte k + 2.
        let next_same = zero(lower ^ (lower >> 8));
        let three_same = next_same & (next_same >> 8);
        // Byte k: a separator, with the same byte two further on. Bytes equal to the byte two
        // further on are rare enough that the separator test runs only when there is one.
        let same_again = zero(x ^ (x >> 16)) & 0x0000_8080_8080_8080;
        let sep_again = if same_again == 0 {
            0
        } else {
            same_again
                & LETTER_SEPARATORS
                    .iter()
                    .fold(0, |m, &c| m | zero(x ^ (u64::from(c) * ONES)))
        };
        // Bytes 0..6 of the chunk have both neighbours inside it.
        let mut candidates = (three_same | sep_again) & 0x0000_8080_8080_8080;
        while candidates != 0 {
            let k = i + (candidates.trailing_zeros() / 8) as usize;
            if stretched(k) || spaced(k) {
                return true;
            }
            candidates &= candidates - 1;
        }
        i += 6;
    }
    (i..bytes.len()).any(|k| stretched(k) || spaced(k))
}

/// Printable ASCII other than space: always kept as it is.
fn is_plain_ascii(b: u8) -> bool {
    (0x21..0x7f).contains(&b)
}

/// Where the view first differs from `text` (the byte offset of the first character
/// [`Builder::push`] would not copy as it is), and whether the character before it is a space;
/// `None` when the view is the text itself.
fn first_edit(text: &str) -> Option<(usize, bool)> {
    let bytes = text.as_bytes();
    let mut prev_space = false;
    let mut i = 0;
    while i < bytes.len() {
        // Eight bytes at a time while they are printable ASCII with no double space.
        if let Some(chunk) = bytes.get(i..i + 8) {
            let x = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
            if let Some(last_is_space) = plain_chunk(x, prev_space) {
                prev_space = last_is_space;
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        if b < 0x80 {
            let space = b == b' ';
            if !(is_plain_ascii(b) || space && !prev_space) {
                return Some((i, prev_space));
            }
            prev_space = space;
            i += 1;
        } else {
            let c = text[i..].chars().next().expect("char boundary");
            if !kept_as_is(c) {
                return Some((i, prev_space));
            }
            prev_space = false;
            i += c.len_utf8();
        }
    }
    None
}

/// For eight bytes (little-endian in `x`) that are all printable ASCII or single spaces (given
/// whether the byte before them is a space): whether the last one is a space. `None` when any
/// might not be; false alarms only send the bytes to the careful path.
fn plain_chunk(x: u64, prev_space: bool) -> Option<bool> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // High bit of each byte that is zero (and possibly of a byte above a zero byte).
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let non_ascii = x & HIGH;
    // Bytes below 0x20 (exact once no byte has its high bit set).
    let control = x.wrapping_sub(0x20 * ONES) & !x & HIGH;
    let delete = zero(x ^ (0x7f * ONES));
    let spaces = zero(x ^ (0x20 * ONES));
    let doubled = spaces & ((spaces << 8) | u64::from(prev_space) << 7);
    if non_ascii | control | delete | doubled != 0 {
        return None;
    }
    Some(x >> 56 == 0x20)
}

/// The length of the run of printable ASCII and single spaces at the start of `bytes` (given
/// whether the byte before is a space), and whether its last byte is a space: bytes
/// [`Builder::push`] would copy one by one.
fn plain_run(bytes: &[u8], mut prev_space: bool) -> (usize, bool) {
    let mut i = 0;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let x = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        match plain_chunk(x, prev_space) {
            Some(last_is_space) => {
                prev_space = last_is_space;
                i += 8;
            }
            None => break,
        }
    }
    while let Some(&b) = bytes.get(i) {
        let space = b == b' ';
        if !(is_plain_ascii(b) || space && !prev_space) {
            break;
        }
        prev_space = space;
        i += 1;
    }
    (i, prev_space)
}

/// Whether [`Builder::push`] copies a non-ASCII character unchanged (emoji, accented letters in
/// composed form, most scripts).
fn kept_as_is(c: char) -> bool {
    !c.is_whitespace()
        && !is_invisible(c)
        && !c.is_control()
        && !is_combining_mark(c)
        && fold_lookalike(c).is_none()
        && is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes
}

struct Builder {
    out: String,
    edits: Vec<Edit>,
    in_space_run: bool,
}

impl Builder {
    fn push(&mut self, offset: usize, c: char) {
        let orig = (offset, offset + c.len_utf8());
        if c.is_whitespace() {
            if self.in_space_run {
                return self.replace(orig, "");
            }
            self.in_space_run = true;
            return if c == ' ' {
                self.out.push(' ')
            } else {
                self.replace(orig, " ")
            };
        }
        let after_space = std::mem::replace(&mut self.in_space_run, false);
        if c.is_ascii() && !c.is_ascii_control() {
            return self.out.push(c);
        }
        if is_invisible(c) || c.is_control() || is_combining_mark(c) {
            // Dropped characters are not there: a space run continues across them.
            self.in_space_run = after_space;
            return self.replace(orig, "");
        }
        if let Some(latin) = fold_lookalike(c) {
            let mut buf = [0u8; 4];
            return self.replace(orig, latin.encode_utf8(&mut buf));
        }
        let single = [c];
        if is_nfkc_quick(single.iter().copied()) == IsNormalized::Yes {
            return self.out.push(c);
        }
        // A compatibility form may itself hold spaces (`´` is a space and an accent): collapse
        // them with the run around it, so that normalising twice changes nothing.
        let mut folded = String::new();
        let mut space = false;
        for d in std::iter::once(c).nfkc() {
            if is_combining_mark(d) || is_invisible(d) {
                continue;
            }
            if d.is_whitespace() {
                let joins_previous_run = folded.is_empty() && after_space;
                if !space && !joins_previous_run {
                    folded.push(' ');
                }
                space = true;
            } else {
                folded.push(fold_lookalike(d).unwrap_or(d));
                space = false;
            }
        }
        if folded.is_empty() && !space {
            return self.replace(orig, "");
        }
        self.in_space_run = folded.ends_with(' ') || (folded.is_empty() && after_space);
        if folded.len() == c.len_utf8() && folded.starts_with(c) {
            self.out.push(c);
        } else {
            self.replace(orig, &folded);
        }
    }

    /// Emit `with` for the original bytes `orig`, merging with an adjacent edit.
    fn replace(&mut self, orig: (usize, usize), with: &str) {
        let norm_start = self.out.len();
        self.out.push_str(with);
        let norm_end = self.out.len();
        if let Some(last) = self.edits.last_mut() {
            if last.orig_end == orig.0 && last.norm_end == norm_start && with.is_empty() {
                last.orig_end = orig.1;
                return;
            }
        }
        self.edits.push(Edit {
            norm_start,
            norm_end,
            orig_start: orig.0,
            orig_end: orig.1,
        });
    }
}

/// Characters that render as nothing and are used to split words or numbers.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E007F}')
}

/// Look-alike letters and typographic punctuation that NFKC leaves alone, folded to ASCII.
/// The letters are the Cyrillic, Greek and small-capital forms that are visually identical to a
/// Latin letter in common fonts (Unicode TR39 confusables, restricted to single letters).
fn fold_lookalike(c: char) -> Option<char> {
    Some(match c {
        // Cyrillic
        'а' => 'a',
        'е' => 'e',
        'о' => 'o',
        'р' => 'p',
        'с' => 'c',
        'у' => 'y',
        'х' => 'x',
        'і' => 'i',
        'ј' => 'j',
        'ѕ' => 's',
        'ԁ' => 'd',
        'ԛ' => 'q',
        'ԝ' => 'w',
        'һ' => 'h',
        'А' => 'A',
        'В' => 'B',
        'Е' => 'E',
        'К' => 'K',
        'М' => 'M',
        'Н' => 'H',
        'О' => 'O',
        'Р' => 'P',
        'С' => 'C',
        'Т' => 'T',
        'Х' => 'X',
        'І' => 'I',
        'Ј' => 'J',
        'Ѕ' => 'S',
        'У' => 'Y',
        'Ԛ' => 'Q',
        'Ԝ' => 'W',
        // Greek
        'α' => 'a',
        'ο' => 'o',
        'ν' => 'v',
        'ι' => 'i',
        'κ' => 'k',
        'ρ' => 'p',
        'υ' => 'u',
        'χ' => 'x',
        'Α' => 'A',
        'Β' => 'B',
        'Ε' => 'E',
        'Ζ' => 'Z',
        'Η' => 'H',
        'Ι' => 'I',
        'Κ' => 'K',
        'Μ' => 'M',
        'Ν' => 'N',
        'Ο' => 'O',
        'Ρ' => 'P',
        'Τ' => 'T',
        'Υ' => 'Y',
        'Χ' => 'X',
        // Small capitals
        'ᴀ' => 'a',
        'ʙ' => 'b',
        'ᴄ' => 'c',
        'ᴅ' => 'd',
        'ᴇ' => 'e',
        'ɢ' => 'g',
        'ʜ' => 'h',
        'ɪ' => 'i',
        'ᴊ' => 'j',
        'ᴋ' => 'k',
        'ʟ' => 'l',
        'ᴍ' => 'm',
        'ɴ' => 'n',
        'ᴏ' => 'o',
        'ᴘ' => 'p',
        'ʀ' => 'r',
        'ꜱ' => 's',
        'ᴛ' => 't',
        'ᴜ' => 'u',
        'ᴠ' => 'v',
        'ᴡ' => 'w',
        'ʏ' => 'y',
        'ᴢ' => 'z',
        // Typographic punctuation
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '«' | '»' => '"',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' => '-',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(original: &str, needle: &str) -> String {
        let n = Normalized::new(original);
        let start = n.as_str().find(needle).expect("needle in view");
        let (s, e) = n.to_original((start, start + needle.len()));
        original[s..e].to_string()
    }

    #[test]
    fn plain_ascii_is_borrowed() {
        let n = Normalized::new("NHS number 943 476 5919");
        assert!(matches!(n.text, Cow::Borrowed(_)));
    }

    #[test]
    fn text_that_needs_no_edit_is_borrowed_emoji_and_all() {
        let n = Normalized::new("Long night 😴 café ☕ #NHS 👍🏽");
        assert!(matches!(n.text, Cow::Borrowed(_)));
        // A joiner is invisible, so a ZWJ sequence is an edit.
        let n = Normalized::new("team 👩\u{200D}⚕ rocks");
        assert!(matches!(n.text, Cow::Owned(_)));
    }

    #[test]
    fn the_quick_check_never_misses_what_unobfuscate_finds() {
        let mut texts: Vec<String> = vec![
            "fuuuuck".into(),
            "shiiiit happens".into(),
            "f.u.c.k".into(),
            "what the f u c k".into(),
            "F-U-C-K off".into(),
            "s_h_i_t".into(),
            "c*u*n*t".into(),
            "aaa bbb".into(),
            "www.example.org".into(),
            "I a m".into(),
        ];
        // Every placement of the tricky bits across eight-byte chunks.
        for pad in 0..12 {
            for bit in ["fuuuck", "f.u.c.k", "x y z", "Shiiit", "a-b-c"] {
                texts.push(format!("{}{bit} tail text here", "q".repeat(pad)));
                texts.push(format!("{} {bit}", "q ".repeat(pad)));
            }
        }
        texts.extend(
            include_str!("../../../benches/data/posts-1000.txt")
                .lines()
                .map(String::from),
        );
        let mut found = 0;
        for t in &texts {
            if unobfuscate_everywhere(t).is_some() {
                found += 1;
                assert!(may_be_obfuscated(t.as_bytes()), "{t:?}");
            }
        }
        assert!(found >= 10);
    }

    #[test]
    fn first_edit_finds_the_same_place_eight_bytes_at_a_time() {
        // Every position of every odd byte inside and across eight-byte chunks.
        let odd = [
            "  ", "\t", "\u{7f}", "\u{1f}", "é", "\u{200B}", "\n", " !", "! ",
        ];
        for o in odd {
            for at in 0..20 {
                let text = format!("{}{o}{}", "a".repeat(at), "b c".repeat(6));
                let slow = {
                    let mut prev_space = false;
                    let mut found = None;
                    for (i, c) in text.char_indices() {
                        let space = c == ' ';
                        let plain = c.is_ascii() && is_plain_ascii(c as u8);
                        if !(plain || space && !prev_space || !c.is_ascii() && kept_as_is(c)) {
                            found = Some((i, prev_space));
                            break;
                        }
                        prev_space = space;
                    }
                    found
                };
                assert_eq!(first_edit(&text), slow, "{text:?}");
            }
        }
    }

    #[test]
    fn the_copy_starts_where_the_first_edit_is() {
        // Every character class at the start, middle and end of a text, against the
        // character-by-character builder.
        let pieces = [
            "ab", " ", "  ", "\t", "\n", "é", "😴", "\u{200B}", "９", "ɴ", "“", "e\u{301}", "ﬁ",
            "\u{7f}", "Å",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let text = format!("{a}x{b}y {c}");
                    let mut slow = Builder {
                        out: String::new(),
                        edits: Vec::new(),
                        in_space_run: false,
                    };
                    for (i, ch) in text.char_indices() {
                        slow.push(i, ch);
                    }
                    let fast = Normalized::characters(&text);
                    assert_eq!(fast.as_str(), slow.out, "{text:?}");
                    assert_eq!(fast.edits, slow.edits, "{text:?}");
                }
            }
        }
    }

    #[test]
    fn zero_width_characters_vanish_and_spans_cover_them() {
        let original = "NHS 943\u{200B}476\u{200B}5919 today";
        let n = Normalized::new(original);
        assert_eq!(n.as_str(), "NHS 9434765919 today");
        assert_eq!(
            roundtrip(original, "9434765919"),
            "943\u{200B}476\u{200B}5919"
        );
    }

    #[test]
    fn full_width_digits_become_ascii() {
        let original = "no ９４３ ４７６ ５９１９.";
        assert_eq!(Normalized::new(original).as_str(), "no 943 476 5919.");
        assert_eq!(
            roundtrip(original, "943 476 5919"),
            "９４３ ４７６ ５９１９"
        );
    }

    #[test]
    fn lookalike_letters_fold_to_latin() {
        assert_eq!(Normalized::new("ɴʜs nо").as_str(), "nhs no");
    }

    #[test]
    fn whitespace_runs_become_one_space() {
        let original = "bed\r\n\n  blocker";
        assert_eq!(Normalized::new(original).as_str(), "bed blocker");
        assert_eq!(roundtrip(original, "blocker"), "blocker");
        assert_eq!(roundtrip(original, "bed"), "bed");
    }

    #[test]
    fn emoji_are_kept_and_offsets_after_them_are_exact() {
        let original = "great shift 👩‍⚕️ NHS no 943 476 5919";
        let n = Normalized::new(original);
        assert_eq!(roundtrip(original, "943 476 5919"), "943 476 5919");
        assert!(n.as_str().contains('👩'));
    }

    #[test]
    fn compatibility_spaces_join_the_run_around_them() {
        // U+00B4 ACUTE ACCENT is, under NFKC, a space followed by a combining accent.
        assert_eq!(Normalized::new("full \u{B4}x").as_str(), "full x");
    }

    #[test]
    fn stretched_letters_inside_a_word_become_one() {
        let original = "what a fuuuuucking shiiiit day, www.example.org, zzz";
        let n = Normalized::new(original);
        assert_eq!(n.as_str(), "what a fucking shit day, www.example.org, zzz");
        assert_eq!(roundtrip(original, "fucking"), "fuuuuucking");
    }

    #[test]
    fn spaced_out_letters_are_joined() {
        let original = "f.u.c.k this, and f u c k that, e.g. not this";
        let n = Normalized::new(original);
        assert_eq!(n.as_str(), "fuck this, and fuck that, e.g. not this");
        assert_eq!(roundtrip(original, "fuck that"), "f u c k that");
    }

    #[test]
    fn ordinary_doubles_and_initials_stay() {
        for text in [
            "bollocks, coffee",
            "Mrs A. Patel, A&E",
            "3 4 5",
            "I am a nurse",
            "e.g. ok",
        ] {
            assert_eq!(Normalized::new(text).as_str(), text);
        }
    }

    #[test]
    fn normalising_twice_changes_nothing() {
        let original = "Ｆ\u{200B}ull—width “quotes”  and\ttabs";
        let once = Normalized::new(original).as_str().to_string();
        assert_eq!(Normalized::new(&once).as_str(), once);
    }
}
