//! The validators a pattern rule may name with `validate = "<name>"`: checks a regular
//! expression cannot do (checksums, calendar dates, prefix rules). The model only names them,
//! so the loader can reject an unknown name with file, line and rule and `presend explain` can
//! describe one; the engine holds the implementations (a test there keeps the two lists equal).

/// A validator a pack may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validator {
    /// The name packs use.
    pub name: &'static str,
    /// One line for `presend explain`.
    pub description: &'static str,
    /// The lexicon it reads, given to it when the engine compiles the rule.
    pub lexicon: Option<&'static str>,
}

/// Every validator a pack may name.
pub const VALIDATORS: &[Validator] = &[
    Validator {
        name: "nhs-modulus-11",
        description: "10 digits, one separator style throughout, NHS modulus-11 check digit",
        lexicon: None,
    },
    Validator {
        name: "chi-number",
        description: "10 digits: a real DDMMYY date of birth, then 4 digits, modulus-11 (or, from 2026, modulus-10) check digit",
        lexicon: None,
    },
    Validator {
        name: "hc-number",
        description: "10 digits in the Northern Ireland 320-399 block, NHS modulus-11 check digit",
        lexicon: None,
    },
    Validator {
        name: "nino",
        description: "National Insurance number: HMRC prefix rules, six digits grouped 6, 2-2-2 or 3-3",
        lexicon: None,
    },
    Validator {
        name: "dvla-licence",
        description: "DVLA driving licence: surname field, a real birth month (+50 for women) and day",
        lexicon: None,
    },
    Validator {
        name: "uk-postcode",
        description: "UK postcode: positional letter rules, one letter case, not an ordinal (`3rd`)",
        lexicon: None,
    },
    Validator {
        name: "uk-phone",
        description: "UK phone number: mobile or geographic length; service ranges (03, 08, 09) excluded",
        lexicon: None,
    },
    Validator {
        name: "calendar-date",
        description: "a real calendar date (day-month-year, ISO or with a month name), year 1880-2100",
        lexicon: None,
    },
    Validator {
        name: "birth-date",
        description: "a real calendar date, as `calendar-date`, whose year is not after this year",
        lexicon: None,
    },
    Validator {
        name: "person-name",
        description: "the capitalised word after a title or referent is not an ordinary word (`Miss Out`)",
        lexicon: Some("not-a-name"),
    },
];

/// Look a validator up by name.
pub fn lookup(name: &str) -> Option<Validator> {
    VALIDATORS.iter().copied().find(|v| v.name == name)
}
