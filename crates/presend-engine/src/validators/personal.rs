//! Identifiers the state issues to a person: the National Insurance number (HMRC) and the DVLA
//! driving licence number.
//!
//! NINO rules (HMRC National Insurance Manual NIM39110): two prefix letters, six digits, a
//! suffix A–D. D, F, I, Q, U and V are never the first or second letter, O is never the second,
//! and the prefixes BG, GB, KN, NK, NT, TN and ZZ are never issued. The suffix is optional here:
//! whether a suffix-less match counts is decided by context in the pack.
//!
//! DVLA licence (16 characters): five surname characters padded with `9`, the decade digit of
//! the birth year, the birth month (plus 50 for a woman), the birth day, the last digit of the
//! year, two initials (`9` when absent), a check character and two check letters. It embeds the
//! holder's date of birth and sex.

use super::dates::{is_real_date, Year};
use super::{two, Verdict};

/// Letters and digits of `text`, upper-cased, separators dropped.
fn compact(text: &str) -> Vec<u8> {
    text.bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| b.to_ascii_uppercase())
        .collect()
}

/// The digit groups of a NINO body are 6, 2-2-2 or 3-3 long.
fn nino_grouping(text: &str) -> bool {
    let groups: Vec<usize> = text
        .split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .filter(|&n| n > 0)
        .collect();
    matches!(groups.as_slice(), [6] | [2, 2, 2] | [3, 3])
}

/// The `nino` validator.
pub(super) fn nino(text: &str) -> Verdict {
    let c = compact(text);
    let (prefix, rest) = c.split_at(c.len().min(2));
    let body_ok = match rest {
        [d @ .., s] if d.len() == 6 && (b'A'..=b'D').contains(s) => {
            d.iter().all(u8::is_ascii_digit)
        }
        d => d.len() == 6 && d.iter().all(u8::is_ascii_digit),
    };
    Verdict::from_bool(body_ok && nino_prefix(prefix) && nino_grouping(text))
}

/// HMRC's prefix rules.
fn nino_prefix(p: &[u8]) -> bool {
    const NEVER: &[u8] = b"DFIQUV";
    const BANNED: [&[u8]; 7] = [b"BG", b"GB", b"KN", b"NK", b"NT", b"TN", b"ZZ"];
    let [first, second] = p else { return false };
    first.is_ascii_uppercase()
        && second.is_ascii_uppercase()
        && !NEVER.contains(first)
        && !NEVER.contains(second)
        && *second != b'O'
        && !BANNED.contains(&p)
}

/// The `dvla-licence` validator.
pub(super) fn dvla_licence(text: &str) -> Verdict {
    let c = compact(text);
    if c.len() != 16 && c.len() != 18 {
        return Verdict::INVALID;
    }
    let ok = dvla_surname(&c[..5]) && dvla_birth(&c[5..11]) && dvla_initials(&c[11..13]);
    if !ok {
        return Verdict::INVALID;
    }
    Verdict::valid(Some(if c[6] >= b'5' {
        "embeds a date of birth; the month marks a woman"
    } else {
        "embeds a date of birth; the month marks a man"
    }))
}

/// Letters, then only `9` padding; never all padding.
fn dvla_surname(s: &[u8]) -> bool {
    let letters = s.iter().take_while(|b| b.is_ascii_uppercase()).count();
    letters > 0 && s[letters..].iter().all(|&b| b == b'9')
}

/// Decade, month (+50 for a woman), day, year digit: a real day of the year.
fn dvla_birth(s: &[u8]) -> bool {
    if !s.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let d: Vec<u8> = s.iter().map(|b| b - b'0').collect();
    let month = two(&d[1..3]);
    let month = if month > 50 { month - 50 } else { month };
    let year = u32::from(d[0]) * 10 + u32::from(d[5]);
    is_real_date(two(&d[3..5]), month, Year::TwoDigit(year))
}

/// A letter, then a letter or `9`; or `99` when the holder has no forenames on record.
fn dvla_initials(s: &[u8]) -> bool {
    s == b"99" || (s[0].is_ascii_uppercase() && (s[1].is_ascii_uppercase() || s[1] == b'9'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nino_with_valid_prefix_and_grouping() {
        for n in ["AB123456C", "AB 12 34 56 C", "ab 123 456 c", "AB123456"] {
            assert!(nino(n).valid, "{n}");
        }
    }

    #[test]
    fn nino_prefix_rules_hold() {
        // Q first (HMRC's own never-valid example), O second, D anywhere, banned pairs.
        for n in [
            "QQ123456C",
            "AO123456C",
            "DA123456C",
            "AD123456C",
            "GB123456A",
            "TN123456A",
            "ZZ123456A",
        ] {
            assert!(!nino(n).valid, "{n}");
        }
    }

    #[test]
    fn nino_suffix_is_a_to_d_and_grouping_is_common() {
        assert!(!nino("AB123456E").valid);
        assert!(!nino("AB 1234 56 C").valid);
        assert!(!nino("AB12345C").valid);
    }

    #[test]
    fn dvla_licence_embeds_a_real_birth_date() {
        // Surname MORGA, 1960s decade, month 57 = July (woman), day 05, year digit 4.
        assert!(dvla_licence("MORGA657054SM9IJ").valid);
        assert_eq!(
            dvla_licence("MORGA657054SM9IJ").label,
            Some("embeds a date of birth; the month marks a woman")
        );
        assert!(dvla_licence("JONES710238AB9CD 12").valid, "issue number");
        assert!(
            dvla_licence("LI999802010J99AB").valid,
            "short surname, no second initial"
        );
    }

    #[test]
    fn dvla_licence_rejects_impossible_fields() {
        assert!(!dvla_licence("99999657054SM9IJ").valid, "all padding");
        assert!(
            !dvla_licence("MO9GA657054SM9IJ").valid,
            "letter after padding"
        );
        assert!(!dvla_licence("MORGA613054SM9IJ").valid, "month 13");
        assert!(!dvla_licence("MORGA602304SM9IJ").valid, "30 February");
        assert!(!dvla_licence("MORGA657054S9IJ").valid, "15 characters");
    }
}
