//! Is the capitalised word after a title (`Mrs Jones`) or a patient referent (`my patient John`)
//! a name? The pack's regex finds capitalised words in the right place; this validator turns
//! the match away when none of them can be a name: sentence words in Title Case headlines
//! (`Don't Miss Out`, `The patient Today`), pronouns, days, months and a few clinical words.
//! Titles and single-letter initials are skipped; one plausible name word is enough.
//!
//! Particular phrases that look like a title and a surname but name no patient (`Mr Men`,
//! `Miss World`) are the pack's `allow` list, not this list.

use super::Verdict;

/// Capitalised words that are not names, lower-cased, sorted for binary search.
const NOT_NAMES: &[&str] = &[
    "a",
    "about",
    "after",
    "again",
    "all",
    "also",
    "always",
    "an",
    "and",
    "another",
    "any",
    "anyone",
    "anything",
    "april",
    "are",
    "as",
    "at",
    "august",
    "bay",
    "be",
    "bed",
    "been",
    "before",
    "but",
    "by",
    "can",
    "christmas",
    "could",
    "covid",
    "cubicle",
    "day",
    "december",
    "did",
    "do",
    "does",
    "doing",
    "during",
    "each",
    "easter",
    "else",
    "even",
    "ever",
    "every",
    "everyone",
    "everything",
    "february",
    "for",
    "friday",
    "from",
    "get",
    "go",
    "had",
    "has",
    "have",
    "he",
    "her",
    "here",
    "him",
    "his",
    "how",
    "i",
    "if",
    "in",
    "is",
    "it",
    "its",
    "january",
    "july",
    "june",
    "just",
    "last",
    "let",
    "march",
    "may",
    "me",
    "monday",
    "more",
    "most",
    "much",
    "must",
    "my",
    "never",
    "new",
    "next",
    "no",
    "not",
    "nothing",
    "november",
    "now",
    "october",
    "of",
    "on",
    "one",
    "only",
    "or",
    "other",
    "our",
    "out",
    "over",
    "please",
    "room",
    "saturday",
    "see",
    "september",
    "she",
    "should",
    "so",
    "some",
    "someone",
    "something",
    "sorry",
    "still",
    "sunday",
    "thank",
    "thanks",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "thursday",
    "to",
    "today",
    "tomorrow",
    "tonight",
    "too",
    "tuesday",
    "two",
    "up",
    "us",
    "very",
    "ward",
    "was",
    "we",
    "wednesday",
    "well",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "why",
    "will",
    "with",
    "would",
    "yesterday",
    "yet",
    "you",
    "your",
];

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
pub(super) fn person_name(text: &str) -> Verdict {
    let ok = capitalised_words(text).any(|w| NOT_NAMES.binary_search(&w.as_str()).is_err());
    Verdict::from_bool(ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_sorted_for_binary_search() {
        assert!(NOT_NAMES.windows(2).all(|w| w[0] < w[1]));
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
