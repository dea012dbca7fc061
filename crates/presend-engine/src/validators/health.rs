//! Ten-digit health service numbers: NHS (England, Wales, Isle of Man), CHI (Scotland) and
//! H&C (Northern Ireland). All three share the NHS modulus-11 check digit (NHS Number Standard,
//! ISB 0149); CHI also starts with the holder's date of birth (DDMMYY), and H&C numbers come
//! from the 320–399 block. From 2026 NHS Scotland also issues CHI numbers whose check digit is
//! a modulus-10 (Luhn) digit instead (Public Health Scotland's phsmethods `chi_check`), so a CHI
//! passes with either. Ranges only ever *label* an NHS number; they decide nothing about
//! whether it is one.

use super::dates::{is_real_date, Year};
use super::{consistent_separators, digits, two, Verdict};

/// NHS modulus 11 over ten digits (NHS Number Standard, ISB 0149): weights 10..2 on the first
/// nine digits; check = 11 − (sum mod 11); 11 becomes 0; 10 means no valid number exists.
pub fn nhs_modulus_11(d: &[u8; 10]) -> bool {
    let sum: u32 = d[..9]
        .iter()
        .zip((2..=10).rev())
        .map(|(&digit, weight)| u32::from(digit) * weight)
        .sum();
    let check = match 11 - (sum % 11) {
        11 => 0,
        10 => return false,
        c => c,
    };
    check == u32::from(d[9])
}

/// Ten digits, one separator style, a valid check digit.
fn checked(text: &str) -> Option<[u8; 10]> {
    let d = digits::<10>(text)?;
    (consistent_separators(text) && nhs_modulus_11(&d)).then_some(d)
}

/// The first three digits as a number.
fn lead(d: &[u8; 10]) -> u32 {
    u32::from(d[0]) * 100 + two(&d[1..3])
}

pub(super) fn nhs_number(text: &str) -> Verdict {
    match checked(text) {
        Some(d) => Verdict::valid(nhs_scheme(&d)),
        None => Verdict::INVALID,
    }
}

/// The likely numbering scheme, by leading digits. A label only: it never decides validity
/// (ranges from uk-fci/nhs-number `nhs_number/constants.py`).
fn nhs_scheme(d: &[u8; 10]) -> Option<&'static str> {
    if d.iter().all(|&x| x == d[0]) {
        return Some("a repeated-digit test number");
    }
    match lead(d) {
        10..=311 => Some("in the Scottish CHI range"),
        320..=399 => Some("in the Northern Ireland H&C range"),
        900..=999 => Some("in the never-issued test range"),
        _ => None,
    }
}

/// Modulus 10 (Luhn) over the first nine digits: double the 1st, 3rd, 5th, 7th and 9th,
/// subtract 9 from any result above 9, and the check digit brings the sum to a multiple of 10.
pub fn chi_modulus_10(d: &[u8; 10]) -> bool {
    let sum: u32 = d[..9]
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let v = u32::from(x) * if i % 2 == 0 { 2 } else { 1 };
            if v > 9 {
                v - 9
            } else {
                v
            }
        })
        .sum();
    (10 - sum % 10) % 10 == u32::from(d[9])
}

/// A CHI number: DDMMYY is a real date (29 February only in a leap year), then a modulus-11 or
/// modulus-10 check digit.
pub(super) fn chi_number(text: &str) -> Verdict {
    let Some(d) = digits::<10>(text) else {
        return Verdict::INVALID;
    };
    if !consistent_separators(text) || !(nhs_modulus_11(&d) || chi_modulus_10(&d)) {
        return Verdict::INVALID;
    }
    let (day, month, year) = (two(&d[0..2]), two(&d[2..4]), two(&d[4..6]));
    if !is_real_date(day, month, Year::TwoDigit(year)) {
        return Verdict::INVALID;
    }
    Verdict::valid(Some(if d[8] % 2 == 0 {
        "embeds a date of birth; the ninth digit marks a woman"
    } else {
        "embeds a date of birth; the ninth digit marks a man"
    }))
}

/// An H&C number: the 320–399 block, then the check digit.
pub(super) fn hc_number(text: &str) -> Verdict {
    match checked(text) {
        Some(d) if (320..=399).contains(&lead(&d)) => Verdict::VALID,
        _ => Verdict::INVALID,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_example_nhs_number_is_valid_in_every_surface_form() {
        for form in [
            "943 476 5919",
            "9434765919",
            "943-476-5919",
            "943.476.5919",
            "9 4 3 4 7 6 5 9 1 9",
        ] {
            assert!(nhs_number(form).valid, "{form}");
        }
    }

    #[test]
    fn wrong_check_digit_is_invalid() {
        assert!(!nhs_number("943 476 5918").valid);
    }

    #[test]
    fn mixed_separators_are_invalid() {
        assert!(!nhs_number("943 476-5919").valid);
        assert!(!nhs_number("943.476 5919").valid);
    }

    #[test]
    fn remainder_ten_admits_no_check_digit() {
        // 123 456 789x: weighted sum 210, 210 mod 11 = 1, 11 - 1 = 10: no digit can be valid.
        for last in 0..=9u8 {
            let mut d = [1, 2, 3, 4, 5, 6, 7, 8, 9, 0];
            d[9] = last;
            assert!(!nhs_modulus_11(&d), "check digit {last}");
        }
    }

    /// `stem` (nine digits) completed with its check digit, when it has one.
    fn complete(stem: &str) -> Option<String> {
        (0..=9)
            .map(|c| format!("{stem}{c}"))
            .find(|n| digits::<10>(n).is_some_and(|d| nhs_modulus_11(&d)))
    }

    #[test]
    fn remainder_zero_gives_check_digit_zero() {
        // 400 000 01x: 4*10 + 1*2 = 42, 42 mod 11 = 9 -> check 2; find a zero remainder instead.
        let stem = (0..1000)
            .map(|n| format!("400000{n:03}"))
            .find(|s| {
                let d: Vec<u32> = s.bytes().map(|b| u32::from(b - b'0')).collect();
                d.iter()
                    .zip((2..=10).rev())
                    .map(|(x, w)| x * w)
                    .sum::<u32>()
                    % 11
                    == 0
            })
            .expect("some stem has a zero remainder");
        assert_eq!(complete(&stem), Some(format!("{stem}0")));
    }

    #[test]
    fn test_range_is_valid_but_labelled() {
        // 999 000 0018 is checksum-valid: label, never a gate.
        let v = nhs_number("999 000 0018");
        assert!(v.valid);
        assert_eq!(v.label, Some("in the never-issued test range"));
        assert_eq!(
            nhs_number("4444444444").label,
            Some("a repeated-digit test number")
        );
    }

    #[test]
    fn chi_needs_a_real_date_and_the_check_digit() {
        // 010101 123 then a check digit: 0*10+1*9+0*8+1*7+0*6+1*5+1*4+2*3+3*2 = 37, 37 mod 11
        // = 4, check 7.
        assert!(chi_number("0101011237").valid);
        assert!(!chi_number("0101011236").valid, "bad check digit");
        // 31 April does not exist; 29 February 01 (2001) does not either; 29 February 04 does.
        for (stem, real) in [
            ("310401123", false),
            ("290201123", false),
            ("290204123", true),
        ] {
            let n = complete(stem).expect("these stems have a check digit");
            assert_eq!(chi_number(&n).valid, real, "{n}");
        }
    }

    #[test]
    fn chi_accepts_the_modulus_10_check_digit_from_2026() {
        // Public Health Scotland's examples: 0101201234 passes modulus 10 only; 0101201233
        // and 1904851232 pass neither; 1904851231 passes modulus 11.
        assert!(chi_number("0101201234").valid);
        assert!(!chi_number("0101201233").valid);
        assert!(!chi_number("1904851232").valid);
        assert!(chi_number("1904851231").valid);
    }

    #[test]
    fn chi_reads_sex_from_the_ninth_digit() {
        assert_eq!(
            chi_number("0101011237").label,
            Some("embeds a date of birth; the ninth digit marks a man")
        );
    }

    #[test]
    fn hc_is_the_320_to_399_block() {
        assert!(hc_number("3333333333").valid);
        assert!(!hc_number("943 476 5919").valid, "England range");
        assert!(!hc_number("3333333334").valid, "bad check digit");
    }
}
