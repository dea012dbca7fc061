//! Channels: where a draft is going, how long a post may be there, and which channels are
//! consumer messaging apps where no patient identifier belongs.
//!
//! Length rules (`shared/reference/linters-and-conventions.md`, section 10):
//! - X: 280 weighted characters; a URL counts 23; characters outside a few Latin and punctuation
//!   ranges weigh 2; an emoji sequence counts 2 (twitter-text `config/v3.json`).
//! - Bluesky: 300 graphemes and 3,000 bytes.
//! - Mastodon: 500 characters (instance default); a URL counts 23; `@user@domain` counts as `@user`.
//! - Threads: 500 characters; an emoji counts as its UTF-8 bytes.
//! - LinkedIn 3,000, Instagram 2,200, Facebook 63,206 characters.

use unicode_segmentation::UnicodeSegmentation;

/// Channels presend knows, with the names they are also called.
pub const KNOWN: &[(&str, &[&str])] = &[
    ("x", &["twitter", "tweet", "x.com"]),
    ("bluesky", &["bsky", "bluesky social"]),
    ("mastodon", &["fediverse"]),
    ("threads", &[]),
    ("linkedin", &["linked in"]),
    ("facebook", &["fb", "meta"]),
    ("instagram", &["ig", "insta"]),
    ("whatsapp", &["whats app", "wa"]),
    ("email", &["e-mail", "mail", "nhsmail"]),
    ("sms", &["text message", "text"]),
    ("messenger", &["facebook messenger"]),
    ("telegram", &[]),
    ("signal", &[]),
    ("imessage", &[]),
    ("snapchat", &[]),
    ("tiktok", &[]),
    ("youtube", &[]),
];

/// Consumer messaging apps: any patient identifier bound for one is an error.
const MESSAGING_APPS: &[&str] = &[
    "whatsapp",
    "messenger",
    "telegram",
    "signal",
    "imessage",
    "snapchat",
];

/// The canonical lower-case name of a channel (`Twitter` → `x`); unknown names are lower-cased
/// and kept, so packs may gate rules on channels presend does not know.
pub fn canonical(name: &str) -> String {
    let n = name.trim().to_lowercase();
    for (id, aliases) in KNOWN {
        if n == *id || aliases.contains(&n.as_str()) {
            return id.to_string();
        }
    }
    n
}

/// Whether presend knows this (canonical) channel.
pub fn is_known(channel: &str) -> bool {
    KNOWN.iter().any(|(id, _)| *id == channel)
}

/// Whether the channel is a consumer messaging app.
pub fn is_messaging_app(channel: &str) -> bool {
    MESSAGING_APPS.contains(&channel)
}

/// A channel's display name.
pub fn display(channel: &str) -> String {
    match channel {
        "x" => "X".into(),
        "linkedin" => "LinkedIn".into(),
        "whatsapp" => "WhatsApp".into(),
        "sms" => "SMS".into(),
        "imessage" => "iMessage".into(),
        "tiktok" => "TikTok".into(),
        "youtube" => "YouTube".into(),
        other => {
            let mut c = other.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        }
    }
}

/// A platform's length limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Most units allowed.
    pub max: usize,
    /// What is counted, for the message.
    pub unit: &'static str,
    /// How the platform counts, in a few words.
    pub rule: &'static str,
}

/// The length limit of a channel, if it has one worth checking.
pub fn limit(channel: &str) -> Option<Limit> {
    let l = |max, unit, rule| Some(Limit { max, unit, rule });
    match channel {
        "x" => l(
            280,
            "characters",
            "URLs count as 23, emoji and most non-Latin characters as 2",
        ),
        "bluesky" => l(300, "graphemes", "and at most 3,000 bytes"),
        "mastodon" => l(
            500,
            "characters",
            "URLs count as 23; the instance may allow more",
        ),
        "threads" => l(500, "characters", "emoji count as their UTF-8 bytes"),
        "linkedin" => l(3000, "characters", "characters"),
        "instagram" => l(2200, "characters", "caption characters"),
        "facebook" => l(63206, "characters", "characters"),
        _ => None,
    }
}

/// How long `text` is on `channel`, in the platform's own units.
pub fn measure(channel: &str, text: &str) -> usize {
    match channel {
        "x" => x_weighted(text),
        "bluesky" => {
            // Both limits at once: report whichever is worse, scaled to graphemes.
            let g = text.graphemes(true).count();
            let bytes_as_graphemes = text.len().div_ceil(10);
            g.max(bytes_as_graphemes)
        }
        "mastodon" => mastodon(text),
        "threads" => text
            .graphemes(true)
            .map(|g| if is_emoji(g) { g.len() } else { 1 })
            .sum(),
        _ => text.chars().count(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_fold() {
        assert_eq!(canonical("Twitter"), "x");
        assert_eq!(canonical("WhatsApp"), "whatsapp");
        assert_eq!(canonical("teams"), "teams");
    }

    #[test]
    fn x_counts_urls_as_23_and_emoji_as_2() {
        assert_eq!(measure("x", "hello"), 5);
        assert_eq!(
            measure("x", "see https://example.org/a/very/long/path/indeed"),
            4 + 23
        );
        assert_eq!(measure("x", "👍🏽"), 2);
        assert_eq!(measure("x", "👨‍👩‍👧"), 2);
        assert_eq!(measure("x", "日本"), 4);
        assert_eq!(measure("x", "“quoted”"), 8);
    }

    #[test]
    fn bluesky_counts_graphemes() {
        assert_eq!(measure("bluesky", "🇬🇧 ok"), 4);
        assert_eq!(measure("bluesky", "é"), 1);
    }

    #[test]
    fn threads_counts_emoji_bytes() {
        assert_eq!(measure("threads", "a👍"), 5);
    }

    #[test]
    fn mastodon_counts_remote_handles_locally() {
        assert_eq!(measure("mastodon", "hi @ann@example.social"), 3 + 4);
    }
}
