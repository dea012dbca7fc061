//! UK phone numbers, judged by shape rather than by whether the number is in service.
//!
//! Why shape: Ofcom reserves ranges for drama (`07700 900xxx`, `01632 960xxx`, `020 7946 0xxx`
//! …). libphonenumber calls some of them "possible but not valid", yet a clinician who pastes a
//! patient's number has pasted a number whatever its range, so presend flags every number of
//! the right length and only labels the drama ranges.
//!
//! The national significant number (what follows `0`, `+44`, `0044` or `+44 (0)`) must be a
//! mobile (`7…`, 10 digits; pager ranges `76…` excluded except the Isle of Man's `7624`) or a
//! geographic number (`1…`/`2…`, 10 digits, or 9 for the few `01xxxx` areas that have them).
//! Non-geographic ranges are numbers people are told to call, not numbers that identify a
//! person: `03` (NHS and public bodies), `080` (freephone), `084`/`087`/`09` (premium), `05`.

use super::Verdict;

/// The national significant number: digits after the country code or trunk prefix.
fn national_number(text: &str) -> Option<String> {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let international = text.trim_start().starts_with('+') || digits.starts_with("0044");
    let rest = if international {
        let after = digits.trim_start_matches("00");
        let after = after.strip_prefix("44")?;
        // `+44 (0)113 …` is the usual form; `+44 0113 …` is a common slip for it.
        after.strip_prefix('0').unwrap_or(after)
    } else {
        digits.strip_prefix('0')?
    };
    Some(rest.to_string())
}

/// Ofcom's drama ranges, as a label (they are still reported).
fn drama_range(nsn: &str) -> bool {
    const RANGES: [&str; 16] = [
        "7700900", "1632960", "2079460", "1134960", "1144960", "1154960", "1164960", "1174960",
        "1184960", "1214960", "1314960", "1414960", "1514960", "1614960", "2896496", "2920180",
    ];
    RANGES.iter().any(|r| nsn.starts_with(r))
}

/// The `uk-phone` validator.
pub(super) fn uk_phone(text: &str) -> Verdict {
    let Some(nsn) = national_number(text) else {
        return Verdict::INVALID;
    };
    let b = nsn.as_bytes();
    let ok = match (b.first(), b.get(1), b.len()) {
        (Some(b'7'), Some(b'6'), 10) => nsn.starts_with("7624"),
        (Some(b'7'), Some(_), 10) => true,
        (Some(b'1' | b'2'), Some(_), 10) => true,
        (Some(b'1'), Some(_), 9) => nsn.starts_with("16977"),
        _ => false,
    };
    if !ok {
        return Verdict::INVALID;
    }
    Verdict::valid(
        drama_range(&nsn).then_some("in an Ofcom range reserved for drama: fine only if invented"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobiles_and_geographic_numbers_in_every_common_form() {
        for n in [
            "07700 900123",
            "07700900123",
            "0770 090 0123",
            "+44 7700 900123",
            "+447700900123",
            "+44 (0)7700 900123",
            "0044 7700 900123",
            "(0113) 496 0123",
            "0113-496-0123",
            "020 7946 0123",
            "01632 960123",
            "07624 000000",
        ] {
            assert!(uk_phone(n).valid, "{n}");
        }
    }

    #[test]
    fn service_and_malformed_numbers_are_not_personal() {
        for n in [
            "0300 311 2233",
            "0800 123 4567",
            "0845 123 4567",
            "0906 123 4567",
            "07600 123456",
            "0198526636",
            "0113 496 012",
            "+33 7700 900123",
            "+44 0113 496 0123 99",
        ] {
            assert!(!uk_phone(n).valid, "{n}");
        }
    }

    #[test]
    fn drama_numbers_are_labelled_not_dropped() {
        let v = uk_phone("07700 900123");
        assert!(v.valid);
        assert!(v.label.is_some_and(|l| l.contains("drama")));
        assert!(uk_phone("0113 496 0000").label.is_some());
        assert_eq!(uk_phone("07000 000000").label, None);
    }
}
