//! Is the capitalised word after a title (`Mrs Jones`) or a patient referent (`my patient John`)
//! a name? The pack's regex finds capitalised words in the right place; this validator turns
//! the match away when none of them can be a name: sentence words in Title Case headlines
//! (`Don't Miss Out`, `The patient Today`), pronouns, days, months and a few clinical words.
//! Titles and single-letter initials are skipped; one plausible name word is enough.
//!
//! The ordinary words are data: the `not-a-name` lexicon of presend's own pack
//! (rules/presend.toml), given to the validator when the engine compiles the rule. Particular
//! phrases that look like a title and a surname but name no patient (`Mr Men`, `Miss World`)
//! are the identifier pack's `allow` list, not this list.

use super::{Verdict, Words};

/// Titles the pattern puts before a surname; they are not the name.
const TITLES: &[&str] = &["master", "miss", "mr", "mrs", "ms", "mx"];

/// The capitalised words of `text` (with `'` or `-` inside a name), lower-cased, without
/// titles and single-letter initials.
fn capitalised_words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_ascii_alphabetic() || c == '\'' || c == '-'))
        .map(|w| w.trim_matches(|c: char| c == '\'' || c == '-'))
        .filter(|w| w.len() >= 2 && w.starts_with(|c: char| c.is_ascii_uppercase()))
        .map(str::to_ascii_lowercase)
        .filter(|w| !TITLES.contains(&w.as_str()))
}

/// The `person-name` validator: at least one capitalised word is not an ordinary word.
pub(super) fn person_name(text: &str, not_names: &Words) -> Verdict {
    let ok = capitalised_words(text).any(|w| !not_names.contains(&w));
    Verdict::from_bool(ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `not-a-name` lexicon of the built-in packs.
    fn not_names() -> Words {
        let set = presend_rules::RuleSet::builtin().unwrap();
        let lexicon = &set.lexicons[set.lexicon("not-a-name").unwrap()];
        Words::new(lexicon.terms.iter().map(|t| t.text.as_str()))
    }

    fn person_name(text: &str) -> Verdict {
        super::person_name(text, &not_names())
    }

    #[test]
    fn without_the_lexicon_every_capitalised_word_may_be_a_name() {
        assert!(super::person_name("Miss Out", &Words::default()).valid);
    }

    #[test]
    fn names_pass() {
        for t in [
            "Mrs Jones",
            "Mr A. Patel",
            "my patient John",
            "Mrs O'Brien",
            "Ms Smith-Jones",
        ] {
            assert!(person_name(t).valid, "{t}");
        }
    }

    #[test]
    fn ordinary_capitalised_words_do_not() {
        for t in [
            "Miss Out",
            "Mr The",
            "our patient Today",
            "the lady Monday",
            "Mrs I",
        ] {
            assert!(!person_name(t).valid, "{t}");
        }
    }
}
