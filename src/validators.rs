//! Checks that a regular expression cannot do: checksums, calendar dates, prefix rules.
//!
//! A pattern rule names one of these with `validate = "<name>"`. Each validator sees the matched
//! text (after normalisation) and says whether it is a real identifier, optionally with a label
//! that names what kind (for example "a number from the never-issued test range").

/// What a validator concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// The text passes the check.
    pub valid: bool,
    /// A short note for the report, such as the likely numbering scheme.
    pub label: Option<&'static str>,
}

impl Verdict {
    fn valid(label: Option<&'static str>) -> Verdict {
        Verdict { valid: true, label }
    }
    const INVALID: Verdict = Verdict {
        valid: false,
        label: None,
    };
}

/// A named validator.
#[derive(Debug, Clone, Copy)]
pub struct Validator {
    /// The name packs use.
    pub name: &'static str,
    /// One line for `presend explain`.
    pub description: &'static str,
    check: fn(&str) -> Verdict,
}

impl Validator {
    /// Run the check on matched text.
    pub fn check(&self, text: &str) -> Verdict {
        (self.check)(text)
    }
}

/// Every validator a pack may name.
pub const VALIDATORS: &[Validator] = &[Validator {
    name: "nhs-modulus-11",
    description: "10 digits, one separator style throughout, NHS modulus-11 check digit",
    check: nhs_number,
}];

/// Look a validator up by name.
pub fn lookup(name: &str) -> Option<Validator> {
    VALIDATORS.iter().copied().find(|v| v.name == name)
}

/// The digits of `text`, if it has exactly `n` of them.
fn digits<const N: usize>(text: &str) -> Option<[u8; N]> {
    let mut out = [0u8; N];
    let mut count = 0;
    for b in text.bytes().filter(u8::is_ascii_digit) {
        *out.get_mut(count)? = b - b'0';
        count += 1;
    }
    (count == N).then_some(out)
}

/// The separators between digit groups are all the same (or there are none).
fn consistent_separators(text: &str) -> bool {
    let mut seps = text
        .split(|c: char| c.is_ascii_digit())
        .filter(|s| !s.is_empty());
    match seps.next() {
        None => true,
        Some(first) => seps.all(|s| s == first),
    }
}

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

fn nhs_number(text: &str) -> Verdict {
    let Some(d) = digits::<10>(text) else {
        return Verdict::INVALID;
    };
    if !consistent_separators(text) || !nhs_modulus_11(&d) {
        return Verdict::INVALID;
    }
    Verdict::valid(nhs_scheme(&d))
}

/// The likely numbering scheme, by leading digits. A label only: it never decides validity
/// (ranges from uk-fci/nhs-number `nhs_number/constants.py`).
fn nhs_scheme(d: &[u8; 10]) -> Option<&'static str> {
    let lead = u32::from(d[0]) * 100 + u32::from(d[1]) * 10 + u32::from(d[2]);
    if d.iter().all(|&x| x == d[0]) {
        return Some("a repeated-digit test number");
    }
    match lead {
        10..=311 => Some("in the Scottish CHI range"),
        320..=399 => Some("in the Northern Ireland H&C range"),
        900..=999 => Some("in the never-issued test range"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_example_nhs_number_is_valid() {
        assert!(nhs_number("943 476 5919").valid);
        assert!(nhs_number("9434765919").valid);
        assert!(nhs_number("943-476-5919").valid);
    }

    #[test]
    fn wrong_check_digit_is_invalid() {
        assert!(!nhs_number("943 476 5918").valid);
    }

    #[test]
    fn mixed_separators_are_invalid() {
        assert!(!nhs_number("943 476-5919").valid);
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

    #[test]
    fn test_range_is_valid_but_labelled() {
        // 999 000 0018 is checksum-valid: label, never a gate.
        let v = nhs_number("999 000 0018");
        assert!(v.valid);
        assert_eq!(v.label, Some("in the never-issued test range"));
    }
}
