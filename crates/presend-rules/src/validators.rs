//! Checks that a regular expression cannot do: checksums, calendar dates, prefix rules.
//!
//! A pattern rule names one of these with `validate = "<name>"`. Each validator sees the matched
//! text (after normalisation) and says whether it is a real identifier, optionally with a label
//! that names what kind (for example "a number from the never-issued test range").
//!
//! Why in code: the pack regexes are linear-time `regex` patterns with no look-around and no
//! back-references, so anything that needs arithmetic (modulus 11), a calendar (29 February),
//! a consistent separator or an exclusion list (NINO prefixes) is decided here instead. The
//! validators never look outside the match: context words are the judge's business.
//!
//! The specifications are summarised, with sources, in `docs/identifiers.md`.

mod dates;
mod health;
mod names;
mod personal;
mod phone;
mod postcode;

pub use dates::{birth_date, calendar_date, is_real_date, Year};
pub use health::{chi_modulus_10, nhs_modulus_11};

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
    const VALID: Verdict = Verdict {
        valid: true,
        label: None,
    };
    const INVALID: Verdict = Verdict {
        valid: false,
        label: None,
    };
    fn from_bool(ok: bool) -> Verdict {
        if ok {
            Verdict::VALID
        } else {
            Verdict::INVALID
        }
    }
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
pub const VALIDATORS: &[Validator] = &[
    Validator {
        name: "nhs-modulus-11",
        description: "10 digits, one separator style throughout, NHS modulus-11 check digit",
        check: health::nhs_number,
    },
    Validator {
        name: "chi-number",
        description:
            "10 digits: a real DDMMYY date of birth, then 4 digits, modulus-11 (or, from 2026, modulus-10) check digit",
        check: health::chi_number,
    },
    Validator {
        name: "hc-number",
        description: "10 digits in the Northern Ireland 320-399 block, NHS modulus-11 check digit",
        check: health::hc_number,
    },
    Validator {
        name: "nino",
        description:
            "National Insurance number: HMRC prefix rules, six digits grouped 6, 2-2-2 or 3-3",
        check: personal::nino,
    },
    Validator {
        name: "dvla-licence",
        description:
            "DVLA driving licence: surname field, a real birth month (+50 for women) and day",
        check: personal::dvla_licence,
    },
    Validator {
        name: "uk-postcode",
        description:
            "UK postcode: positional letter rules, one letter case, not an ordinal (`3rd`)",
        check: postcode::uk_postcode,
    },
    Validator {
        name: "uk-phone",
        description:
            "UK phone number: mobile or geographic length; service ranges (03, 08, 09) excluded",
        check: phone::uk_phone,
    },
    Validator {
        name: "calendar-date",
        description:
            "a real calendar date (day-month-year, ISO or with a month name), year 1880-2100",
        check: dates::calendar_date,
    },
    Validator {
        name: "birth-date",
        description: "a real calendar date, as `calendar-date`, whose year is not after this year",
        check: dates::birth_date,
    },
    Validator {
        name: "person-name",
        description:
            "the capitalised word after a title or referent is not an ordinary word (`Miss Out`)",
        check: names::person_name,
    },
];

/// Look a validator up by name.
pub fn lookup(name: &str) -> Option<Validator> {
    VALIDATORS.iter().copied().find(|v| v.name == name)
}

/// The digits of `text`, if it has exactly `N` of them.
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

/// A two-digit number from two ASCII digits.
fn two(d: &[u8]) -> u32 {
    u32::from(d[0]) * 10 + u32::from(d[1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_validator_is_found_by_name() {
        for v in VALIDATORS {
            assert_eq!(lookup(v.name).map(|x| x.name), Some(v.name));
        }
        assert!(lookup("luhn").is_none());
    }

    #[test]
    fn digits_needs_the_exact_count() {
        assert_eq!(digits::<3>("1 2-3"), Some([1, 2, 3]));
        assert_eq!(digits::<3>("12"), None);
        assert_eq!(digits::<3>("1234"), None);
    }

    #[test]
    fn separators_must_agree() {
        assert!(consistent_separators("943 476 5919"));
        assert!(consistent_separators("9434765919"));
        assert!(!consistent_separators("943 476-5919"));
    }
}
