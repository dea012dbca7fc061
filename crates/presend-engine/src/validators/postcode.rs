//! UK postcodes: the positional rules of BS 7666 that a case-insensitive regex cannot enforce
//! without also matching everyday text.
//!
//! The pack's regex already encodes which letters may stand where (first letter not Q, V, X;
//! second not I, J, Z; the A9A and AA9A letters; inward letters never C I K M O V) and the
//! Girobank `GIR 0AA`. This validator adds what the regex cannot: the letters are all capitals
//! or all small (`Ls6 2aB` is not how anyone writes a postcode), and a lower-case inward code
//! that is really an ordinal (`m1 3rd`, `b12 2nd`) is ordinary text.

use super::Verdict;

/// The `uk-postcode` validator.
pub(super) fn uk_postcode(text: &str) -> Verdict {
    let letters: Vec<u8> = text.bytes().filter(u8::is_ascii_alphabetic).collect();
    let upper = letters.iter().all(u8::is_ascii_uppercase);
    let lower = letters.iter().all(u8::is_ascii_lowercase);
    if !upper && !lower {
        return Verdict::INVALID;
    }
    let compact: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if compact.len() < 5 {
        return Verdict::INVALID;
    }
    let inward = &compact[compact.len() - 3..];
    if lower && is_ordinal(inward) {
        return Verdict::INVALID;
    }
    Verdict::VALID
}

/// `1st`, `2nd`, `3rd`, `4th` … as the last three characters.
fn is_ordinal(inward: &[u8]) -> bool {
    let suffix = &inward[1..];
    let expected: &[u8] = match inward[0] {
        b'1' => b"st",
        b'2' => b"nd",
        b'3' => b"rd",
        _ => b"th",
    };
    suffix == expected || suffix == b"th"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capitals_or_small_letters_are_postcodes() {
        for p in ["LS6 2AB", "ls6 2ab", "SW1A1AA", "GIR 0AA", "EC1A 1BB"] {
            assert!(uk_postcode(p).valid, "{p}");
        }
    }

    #[test]
    fn mixed_case_and_ordinals_are_not() {
        for p in ["Ls6 2aB", "m1 3rd", "b12 2nd", "s1 1st", "e4 5th"] {
            assert!(!uk_postcode(p).valid, "{p}");
        }
    }

    #[test]
    fn capital_inward_codes_that_spell_ordinals_are_still_postcodes() {
        assert!(uk_postcode("B1 1ST").valid);
    }
}
