//! The TOML pack format as serde reads it. These structs mirror `docs/rule-packs.md` field for
//! field; every one denies unknown fields so a typo in a pack is an error, not a silent no-op.
//! [`super::load`] turns them into the checked model in [`super`].

use presend_core::{Category, Severity};
use serde::de::{self, value::MapAccessDeserializer, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::fmt;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PackFile {
    pub pack: PackMeta,
    #[serde(default)]
    pub lexicon: BTreeMap<String, LexiconDef>,
    #[serde(default)]
    pub rule: Vec<RuleDef>,
    #[serde(default)]
    pub check: Vec<CheckDef>,
    #[serde(default)]
    pub channel: Vec<ChannelDef>,
    #[serde(default, rename = "messaging-app")]
    pub messaging_app: Option<EscalationDef>,
}

/// A finding the application reports itself; its id is one of [`crate::checks::CHECKS`].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CheckDef {
    pub id: Spanned<String>,
    pub category: Category,
    pub severity: Severity,
    pub label: String,
    pub message: String,
    pub why: String,
    pub instead: String,
    #[serde(default)]
    pub references: Vec<String>,
}

/// Where a draft can be going.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct ChannelDef {
    pub id: Spanned<String>,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub messaging_app: bool,
    #[serde(default)]
    pub limit: Option<LimitDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LimitDef {
    pub max: usize,
    pub unit: String,
    pub counting: Counting,
    pub rule: String,
}

/// How a platform counts the length of a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Counting {
    /// X's weighted count: a URL counts 23, emoji and most non-Latin characters 2.
    X,
    /// Graphemes, and at most ten bytes per grapheme (Bluesky: 300 graphemes, 3,000 bytes).
    Bluesky,
    /// Characters; a URL counts 23 and `@user@domain` counts as `@user`.
    Mastodon,
    /// Graphemes, an emoji counting its UTF-8 bytes.
    Threads,
    /// Unicode scalar values.
    Characters,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EscalationDef {
    pub message: String,
    pub note: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PackMeta {
    pub id: Spanned<String>,
    pub name: String,
    pub version: String,
    pub description: String,
    #[serde(default)]
    pub allow: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LexiconDef {
    #[serde(default)]
    pub description: String,
    pub terms: Vec<TermDef>,
}

/// A term: a plain string, or a table with its own suggestion.
#[derive(Debug)]
pub(crate) enum TermDef {
    Plain(String),
    Detailed(DetailedTerm),
}

impl<'de> Deserialize<'de> for TermDef {
    /// In a pack's TOML, as serde's untagged enum reads it (its messages and error lines are
    /// what users see). In the built-in packs' prepared form the value's own tag says which it
    /// is, which skips the copy of every term an untagged enum buffers to try each variant (2.1 M
    /// of the 14.6 M instructions reading the built-in packs took).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        if deserializer.is_human_readable() {
            return Ok(match untagged::TermDef::deserialize(deserializer)? {
                untagged::TermDef::Plain(text) => TermDef::Plain(text),
                untagged::TermDef::Detailed(term) => TermDef::Detailed(term),
            });
        }
        deserializer.deserialize_any(TaggedTerm)
    }
}

mod untagged {
    /// [`super::TermDef`] as written in TOML (same name, so errors read as they always did).
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    pub(super) enum TermDef {
        Plain(String),
        Detailed(super::DetailedTerm),
    }
}

/// Reads a [`TermDef`] from a format that says whether a value is a string or a table.
struct TaggedTerm;

impl<'de> Visitor<'de> for TaggedTerm {
    type Value = TermDef;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a term or a term table")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<TermDef, E> {
        Ok(TermDef::Plain(text.to_owned()))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<TermDef, A::Error> {
        DetailedTerm::deserialize(MapAccessDeserializer::new(map)).map(TermDef::Detailed)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DetailedTerm {
    pub term: String,
    #[serde(default)]
    pub suggest: Option<String>,
    #[serde(default)]
    pub case_sensitive: Option<bool>,
}

/// One string or a list of strings.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleDef {
    pub id: Spanned<String>,
    pub category: Category,
    pub severity: Severity,
    pub message: String,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub why: Option<String>,
    #[serde(default)]
    pub instead: Option<String>,
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default)]
    pub signal: bool,
    #[serde(default)]
    pub blurred: bool,
    #[serde(default)]
    pub confidence: Option<f64>,
    // kind: pattern
    #[serde(default)]
    pub pattern: Option<OneOrMany>,
    #[serde(default)]
    pub validate: Option<String>,
    #[serde(default)]
    pub keep: Option<Keep>,
    #[serde(default)]
    pub keywords: Vec<String>,
    // kind: terms
    #[serde(default)]
    pub terms: Vec<TermDef>,
    #[serde(default)]
    pub lexicons: Vec<String>,
    #[serde(default)]
    pub case_sensitive: bool,
    // kind: near
    #[serde(default)]
    pub near: Option<NearDef>,
    // kind: combination
    #[serde(default)]
    pub combination: Option<CombinationDef>,
    // modifiers
    #[serde(default)]
    pub context: Option<ContextDef>,
    #[serde(default)]
    pub negative_context: Option<NegativeContextDef>,
    #[serde(default)]
    pub allow: Vec<String>,
    #[serde(default)]
    pub channels: Vec<String>,
    #[serde(default)]
    pub examples: ExamplesDef,
}

/// Which validator outcome a pattern rule keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Keep {
    /// Keep matches the validator accepts (the usual case).
    #[default]
    Valid,
    /// Keep only matches the validator rejects (for "likely typo" rules).
    Invalid,
}

/// A set of things to look for: literal terms, named lexicons and other rules' hits.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct TermSetDef {
    #[serde(default)]
    pub terms: Vec<TermDef>,
    #[serde(default)]
    pub lexicons: Vec<String>,
    #[serde(default)]
    pub rules: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NearDef {
    pub a: TermSetDef,
    pub b: TermSetDef,
    #[serde(default = "default_window")]
    pub window: usize,
    #[serde(default)]
    pub ordered: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CombinationDef {
    pub signals: Vec<String>,
    #[serde(default = "one")]
    pub min: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ContextDef {
    #[serde(default)]
    pub words: Vec<TermDef>,
    #[serde(default)]
    pub lexicons: Vec<String>,
    #[serde(default = "default_window")]
    pub window: usize,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub boost: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NegativeContextDef {
    #[serde(default)]
    pub words: Vec<TermDef>,
    #[serde(default)]
    pub lexicons: Vec<String>,
    #[serde(default = "default_window")]
    pub window: usize,
    #[serde(default)]
    pub effect: Effect,
}

/// What negative context does to a hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Effect {
    /// Drop the hit.
    #[default]
    Suppress,
    /// Keep it one severity step lower, with lower confidence.
    Lower,
    /// Keep its severity but lower its confidence (opinion words: "I think", "allegedly").
    Doubt,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExamplesDef {
    #[serde(default, rename = "match")]
    pub matches: Vec<String>,
    #[serde(default)]
    pub no_match: Vec<String>,
    #[serde(default)]
    pub mention: Vec<String>,
    #[serde(default)]
    pub channel: Option<String>,
}

fn one() -> usize {
    1
}

fn default_window() -> usize {
    6
}
