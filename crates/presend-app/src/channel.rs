//! Channels: where a draft is going and how a platform counts the length of a post.
//!
//! Which channels exist, what they are also called, their limits and which are consumer
//! messaging apps is data: the `[[channel]]` tables of presend's own pack (rules/presend.toml),
//! which any pack may extend. This module resolves the names users write to those channels and
//! measures text the way each platform counts it:
//! - X: a URL counts 23; characters outside a few Latin and punctuation ranges weigh 2; an emoji
//!   sequence counts 2 (twitter-text `config/v3.json`).
//! - Bluesky: graphemes, and bytes (3,000 for 300 graphemes).
//! - Mastodon: a URL counts 23; `@user@domain` counts as `@user`.
//! - Threads: an emoji counts as its UTF-8 bytes.
//! - Otherwise characters (Unicode scalar values).

use presend_rules::{Channel, Counting, RuleSet};
use unicode_segmentation::UnicodeSegmentation;

/// A channel name no loaded pack defines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownChannel {
    /// The name as written, lower-cased.
    pub name: String,
    /// The closest known channel id or alias, when one is close.
    pub suggestion: Option<String>,
}

impl UnknownChannel {
    /// ` (did you mean `x`?)`, or nothing.
    pub fn hint(&self) -> String {
        self.suggestion
            .as_ref()
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default()
    }
}

/// The channel `name` stands for (its id or an alias, any case), or why there is none.
pub fn resolve<'a>(set: &'a RuleSet, name: &str) -> Result<&'a Channel, UnknownChannel> {
    set.channel(name).ok_or_else(|| {
        let name = name.trim().to_lowercase();
        let suggestion = set
            .channels
            .iter()
            .flat_map(|c| std::iter::once(&c.id).chain(&c.aliases))
            .map(|known| (strsim::levenshtein(&name, known), known))
            .filter(|(d, known)| *d <= 2 && *d < known.chars().count())
            .min_by_key(|(d, _)| *d)
            .map(|(_, known)| known.clone());
        UnknownChannel { name, suggestion }
    })
}

/// How long `text` is, counted as `counting` says.
pub fn measure(counting: Counting, text: &str) -> usize {
    match counting {
        Counting::X => x_weighted(text),
        Counting::Bluesky => {
            // Both limits at once: report whichever is worse, scaled to graphemes.
            let g = text.graphemes(true).count();
            let bytes_as_graphemes = text.len().div_ceil(10);
            g.max(bytes_as_graphemes)
        }
        Counting::Mastodon => mastodon(text),
        Counting::Threads => text
            .graphemes(true)
            .map(|g| if is_emoji(g) { g.len() } else { 1 })
            .sum(),
        Counting::Characters => text.chars().count(),
    }
}

fn is_emoji(grapheme: &str) -> bool {
    grapheme.chars().any(|c| {
        matches!(c as u32,
            0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF)
            || c == '\u{FE0F}'
            || c == '\u{200D}'
    })
}

/// URL spans (`http://`, `https://`, `www.`) in `text`.
fn urls(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < text.len() {
        let rest = &text[at..];
        let next = ["https://", "http://", "www."]
            .iter()
            .filter_map(|p| rest.find(p))
            .min();
        let Some(i) = next else { break };
        let s = at + i;
        let preceded_ok = text[..s]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let mut e = s + text[s..]
            .find(char::is_whitespace)
            .unwrap_or(text.len() - s);
        while e > s && text[..e].ends_with(['.', ',', ')', '!', '?', ';', ':', '"', '\'']) {
            e -= 1;
        }
        if preceded_ok && e > s {
            out.push((s, e));
        }
        at = e.max(s + 1);
        while !text.is_char_boundary(at) {
            at += 1;
        }
    }
    out
}

fn x_weighted(text: &str) -> usize {
    use unicode_normalization::UnicodeNormalization;
    let text: String = text.nfc().collect();
    let mut total = 0;
    let mut at = 0;
    for (s, e) in urls(&text) {
        total += x_plain(&text[at..s]) + 23;
        at = e;
    }
    total + x_plain(&text[at..])
}

fn x_plain(text: &str) -> usize {
    text.graphemes(true)
        .map(|g| {
            if is_emoji(g) {
                2
            } else {
                g.chars()
                    .map(|c| match c as u32 {
                        0..=0x10FF | 0x2000..=0x200D | 0x2010..=0x201F | 0x2032..=0x2037 => 1,
                        _ => 2,
                    })
                    .sum()
            }
        })
        .sum()
}

fn mastodon(text: &str) -> usize {
    let mut total = 0;
    let mut at = 0;
    for (s, e) in urls(text) {
        total += mastodon_plain(&text[at..s]) + 23;
        at = e;
    }
    total + mastodon_plain(&text[at..])
}

fn mastodon_plain(text: &str) -> usize {
    // `@user@example.social` counts as `@user`.
    let mut n = 0;
    for word in text.split_inclusive(char::is_whitespace) {
        let counted = match word.strip_prefix('@') {
            Some(rest) if rest.trim_end().contains('@') => {
                let user = rest.split('@').next().unwrap_or("");
                let tail = &word[word.trim_end().len()..];
                1 + user.graphemes(true).count() + tail.graphemes(true).count()
            }
            _ => word.graphemes(true).count(),
        };
        n += counted;
    }
    n
}

/// The ids of the channels presend's own pack defines, in its order (for help texts; packs may
/// add more at run time). Read when presend was built: the help text is built on every run.
pub fn builtin_ids() -> Vec<String> {
    presend_rules::PRESEND_CHANNEL_IDS
        .iter()
        .map(|id| id.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set() -> RuleSet {
        RuleSet::builtin().unwrap()
    }

    #[test]
    fn aliases_fold() {
        let set = set();
        assert_eq!(resolve(&set, "Twitter").unwrap().id, "x");
        assert_eq!(resolve(&set, "WhatsApp").unwrap().id, "whatsapp");
        assert_eq!(resolve(&set, "teams").unwrap_err().name, "teams");
    }

    #[test]
    fn an_unknown_channel_suggests_the_closest_name() {
        let set = set();
        let e = resolve(&set, "Whatsap").unwrap_err();
        assert_eq!(e.suggestion.as_deref(), Some("whatsapp"));
        assert_eq!(e.hint(), " (did you mean `whatsapp`?)");
        assert_eq!(resolve(&set, "pinterest").unwrap_err().suggestion, None);
    }

    #[test]
    fn messaging_apps_and_limits_come_from_the_pack() {
        let set = set();
        assert!(resolve(&set, "signal").unwrap().messaging_app);
        assert!(!resolve(&set, "email").unwrap().messaging_app);
        assert_eq!(
            resolve(&set, "x").unwrap().limit.as_ref().map(|l| l.max),
            Some(280)
        );
    }

    #[test]
    fn x_counts_urls_as_23_and_emoji_as_2() {
        assert_eq!(measure(Counting::X, "hello"), 5);
        assert_eq!(
            measure(
                Counting::X,
                "see https://example.org/a/very/long/path/indeed"
            ),
            4 + 23
        );
        assert_eq!(measure(Counting::X, "👍🏽"), 2);
        assert_eq!(measure(Counting::X, "👨‍👩‍👧"), 2);
        assert_eq!(measure(Counting::X, "日本"), 4);
        assert_eq!(measure(Counting::X, "“quoted”"), 8);
    }

    #[test]
    fn bluesky_counts_graphemes() {
        assert_eq!(measure(Counting::Bluesky, "🇬🇧 ok"), 4);
        assert_eq!(measure(Counting::Bluesky, "é"), 1);
    }

    #[test]
    fn threads_counts_emoji_bytes() {
        assert_eq!(measure(Counting::Threads, "a👍"), 5);
    }

    #[test]
    fn mastodon_counts_remote_handles_locally() {
        assert_eq!(measure(Counting::Mastodon, "hi @ann@example.social"), 3 + 4);
    }
}
