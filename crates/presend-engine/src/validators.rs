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

/// The implementation of a validator the rule model names.
#[derive(Debug, Clone, Copy)]
pub struct Validator {
    /// The name packs use (one of [`presend_rules::validator::VALIDATORS`]).
    pub name: &'static str,
    check: fn(&str, &Words) -> Verdict,
}

/// The lower-cased terms of the lexicon a validator reads, sorted for binary search; empty for a
/// validator that reads none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Words(Vec<String>);

impl Words {
    /// The terms of a lexicon, lower-cased and sorted.
    pub fn new<'a>(terms: impl IntoIterator<Item = &'a str>) -> Words {
        let mut words: Vec<String> = terms.into_iter().map(str::to_lowercase).collect();
        words.sort();
        words.dedup();
        Words(words)
    }

    /// Whether `word` (lower case) is one of them.
    pub fn contains(&self, word: &str) -> bool {
        self.0.binary_search_by(|w| w.as_str().cmp(word)).is_ok()
    }
}

/// A rule's validator, bound at compile time to the lexicon it reads.
#[derive(Debug, Clone)]
pub(crate) struct Bound {
    check: fn(&str, &Words) -> Verdict,
    words: std::sync::Arc<Words>,
}

impl Bound {
    /// The validator of `rule`, if it is a pattern rule that names one.
    pub(crate) fn for_rule(
        rule: &presend_rules::Rule,
        set: &presend_rules::RuleSet,
    ) -> Option<Bound> {
        let presend_rules::RuleKind::Pattern {
            validator: Some(v), ..
        } = &rule.kind
        else {
            return None;
        };
        let words = v
            .lexicon
            .and_then(|name| set.lexicon(name))
            .map(|l| Words::new(set.lexicons[l].terms.iter().map(|t| t.text.as_str())))
            .unwrap_or_default();
        Some(Bound {
            check: lookup(v.name)?.check,
            words: words.into(),
        })
    }

    pub(crate) fn check(&self, text: &str) -> Verdict {
        (self.check)(text, &self.words)
    }
}

/// Run the validator named `name` on matched text with the words of the lexicon it reads;
/// `None` if no validator has that name (the loader accepts only names that have one: see the
/// tests).
pub fn check(name: &str, text: &str, words: &Words) -> Option<Verdict> {
    lookup(name).map(|v| (v.check)(text, words))
}

/// Every validator a pack may name.
pub const VALIDATORS: &[Validator] = &[
    Validator {
        name: "nhs-modulus-11",
        check: |text, _| health::nhs_number(text),
    },
    Validator {
        name: "chi-number",
        check: |text, _| health::chi_number(text),
    },
    Validator {
        name: "hc-number",
        check: |text, _| health::hc_number(text),
    },
    Validator {
        name: "nino",
        check: |text, _| personal::nino(text),
    },
    Validator {
        name: "dvla-licence",
        check: |text, _| personal::dvla_licence(text),
    },
    Validator {
        name: "uk-postcode",
        check: |text, _| postcode::uk_postcode(text),
    },
    Validator {
        name: "uk-phone",
        check: |text, _| phone::uk_phone(text),
    },
    Validator {
        name: "calendar-date",
        check: |text, _| dates::calendar_date(text),
    },
    Validator {
        name: "birth-date",
        check: |text, _| dates::birth_date(text),
    },
    Validator {
        name: "person-name",
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
    fn every_name_packs_may_use_has_a_validator_and_no_other() {
        let declared: Vec<&str> = presend_rules::validator::VALIDATORS
            .iter()
            .map(|v| v.name)
            .collect();
        let implemented: Vec<&str> = VALIDATORS.iter().map(|v| v.name).collect();
        assert_eq!(declared, implemented);
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
