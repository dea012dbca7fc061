//! The rule model: packs of rules and lexicons, loaded from TOML and checked, ready for the
//! engine to compile.
//!
//! A rule is data. Its kind says how it matches (`pattern`, `terms`, `near`, `combination`);
//! `context`, `negative_context` and allow-lists adjust what it reports; its `message`, `why`,
//! `instead`, `references` and `examples` document it in the one place it is defined, so
//! `presend explain` and `presend rules test` read straight from here.
//!
//! A team's own pack is loaded beside the built-in ones; a mistake in it is an error naming the
//! file, the line and the rule:
//!
//! ```
//! use presend_rules::RuleSetBuilder;
//!
//! let pack = r#"
//! [pack]
//! id = "local"
//! name = "Local words"
//! version = "1.0.0"
//! description = "Nicknames for patients used on one ward."
//!
//! [[rule]]
//! id = "codeword"
//! category = "unprofessional"
//! severity = "warning"
//! message = "A ward nickname for a patient."
//! why = "Nicknames for patients read as contempt when a post is seen out of context."
//! instead = "Leave it out."
//! terms = ["frequent flyer"]
//! examples.match = ["our frequent flyer is back"]
//! examples.no_match = ["a frequent visitor"]
//! "#;
//! let mut builder = RuleSetBuilder::default();
//! builder.add_builtin()?;
//! builder.add_source("local.toml", pack)?;
//! let set = builder.finish()?;
//! let rule = &set.rules[set.find("local/codeword").expect("loaded")];
//! assert_eq!(rule.label, "codeword");
//!
//!
//! let error = RuleSetBuilder::default()
//!     .add_source("broken.toml", &pack.replace(r#""warning""#, r#""loud""#))
//!     .unwrap_err()
//!     .to_string();
//! assert!(error.contains("broken.toml:11"), "{error}");
//! assert!(error.contains("codeword"), "{error}");
//! # Ok::<(), presend_core::Error>(())
//! ```
#![warn(clippy::print_stdout, clippy::print_stderr)]
#![warn(missing_docs)]

pub mod analysis;
pub mod checks;
pub mod scoring;
pub mod validator;

use presend_core::Error;

mod builtin;
mod load;
mod prepared;
mod schema;

pub use builtin::{BUILTIN_PACKS, PRESEND_CHANNEL_IDS, PRESEND_PACK};
pub use load::{load_pack_source, Pattern, RuleSetBuilder};
pub use schema::{Counting, Effect, Keep};

use crate::validator::Validator;
use presend_core::{Category, Severity};
use std::sync::Arc;

/// Every loaded pack, rule and lexicon, checked and cross-referenced.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    /// Pack metadata, in load order.
    pub packs: Vec<PackInfo>,
    /// Every rule, in load order; other structures refer to rules by index here.
    pub rules: Vec<Rule>,
    /// Every lexicon; a lexicon defined by several packs holds all their terms.
    pub lexicons: Vec<Lexicon>,
    /// Every channel a draft can be bound for.
    pub channels: Vec<Channel>,
    /// What a finding gains when its draft is bound for a messaging app.
    pub messaging_app: Option<Escalation>,
}

impl RuleSet {
    /// Load only the built-in packs.
    pub fn builtin() -> Result<RuleSet, Error> {
        let mut b = RuleSetBuilder::default();
        b.add_builtin()?;
        b.finish()
    }

    /// Find a rule by `pack/rule` or, when unambiguous, by bare rule id.
    pub fn find(&self, id: &str) -> Option<usize> {
        if let Some(i) = self.rules.iter().position(|r| &*r.full_id == id) {
            return Some(i);
        }
        let mut bare = self.rules.iter().enumerate().filter(|(_, r)| r.id == id);
        match (bare.next(), bare.next()) {
            (Some((i, _)), None) => Some(i),
            _ => None,
        }
    }

    /// The channel called `name` (its id or an alias, any case), if any pack defines it.
    pub fn channel(&self, name: &str) -> Option<&Channel> {
        let name = name.trim().to_lowercase();
        self.channels
            .iter()
            .find(|c| c.id == name || c.aliases.contains(&name))
    }

    /// The index of the lexicon called `name`.
    pub fn lexicon(&self, name: &str) -> Option<usize> {
        self.lexicons.iter().position(|l| l.id == name)
    }

    /// Whether any rule matches text: a set of only `[[check]]` entries has nothing to scan for.
    pub fn has_matching_rules(&self) -> bool {
        self.rules
            .iter()
            .any(|r| !matches!(r.kind, RuleKind::Check))
    }

    /// Rules of the pack with this id.
    pub fn rules_of_pack<'a>(&'a self, pack: &'a str) -> impl Iterator<Item = (usize, &'a Rule)> {
        self.rules
            .iter()
            .enumerate()
            .filter(move |(_, r)| &*r.pack == pack)
    }
}

/// A pack's `[pack]` table.
#[derive(Debug, Clone)]
pub struct PackInfo {
    /// Short id, the prefix of every rule id in the pack.
    pub id: Arc<str>,
    /// Human name.
    pub name: String,
    /// The pack's own version.
    pub version: String,
    /// What the pack covers.
    pub description: String,
    /// Where it was loaded from (`<built-in>/x.toml` for embedded packs).
    pub source: String,
    /// Phrases that are never findings for any rule of this pack.
    pub allow: Vec<String>,
}

/// A term to look for: matched case-insensitively on whole words; a trailing `*` matches any word
/// ending; whitespace inside it matches any run of whitespace.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// The term as written in the pack.
    pub text: String,
    /// What to write instead, shown with the finding.
    pub suggestion: Option<String>,
    /// Match the letters' case exactly (for all-caps acronyms that are also ordinary words).
    pub case_sensitive: bool,
}

/// Things to look for in one slot of a rule: terms, lexicons (by index) and other rules' hits.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TermSet {
    /// Literal terms.
    pub terms: Vec<Term>,
    /// Indices into [`RuleSet::lexicons`].
    pub lexicons: Vec<usize>,
    /// Indices into [`RuleSet::rules`] whose hits count as members.
    pub rules: Vec<usize>,
}

impl TermSet {
    /// True when the set can never match.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty() && self.lexicons.is_empty() && self.rules.is_empty()
    }
}

/// A named, shared term list (`patient-referent`, `colleague-referent` …).
#[derive(Debug, Clone)]
pub struct Lexicon {
    /// The lexicon's name.
    pub id: String,
    /// What it stands for.
    pub description: String,
    /// Its terms, from every pack that defines it.
    pub terms: Vec<Term>,
    /// Whether the engine looks for its terms in text: false for a lexicon that only a
    /// validator reads (`not-a-name`), which would otherwise put every "the" into the trie.
    pub matched: bool,
}

/// A channel a draft can be bound for (`[[channel]]` in a pack).
#[derive(Debug, Clone, PartialEq)]
pub struct Channel {
    /// Canonical lower-case id (`x`).
    pub id: String,
    /// Display name (`X`, `WhatsApp`).
    pub name: String,
    /// Other names it is called, lower case (`twitter`).
    pub aliases: Vec<String>,
    /// A consumer messaging app: any identifier bound for one is an error.
    pub messaging_app: bool,
    /// Its length limit, if it has one worth checking.
    pub limit: Option<Limit>,
}

/// A platform's length limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limit {
    /// Most units allowed.
    pub max: usize,
    /// What is counted, for the message.
    pub unit: String,
    /// How the platform counts.
    pub counting: Counting,
    /// How the platform counts, in a few words, for the message.
    pub rule: String,
}

/// What a finding gains when its draft is bound for a messaging app; `{channel}` in either
/// text is the channel's display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escalation {
    /// Appended to the finding's message.
    pub message: String,
    /// Added as a note.
    pub note: String,
}

/// How a rule matches.
#[derive(Debug, Clone)]
pub enum RuleKind {
    /// Regular expressions on the normalised text, optionally checked by a validator.
    Pattern {
        /// Compiled (on first use) with ASCII `\b`, `\d`, `\w` unless a pattern opts into `(?u)`.
        regexes: Vec<Pattern>,
        /// A check a regex cannot do (checksum, calendar date).
        validator: Option<Validator>,
        /// Keep what the validator accepts (usual) or rejects (typo rules).
        keep: Keep,
        /// Run the regexes only when one of these terms occurs in the message.
        keywords: Vec<Term>,
    },
    /// Terms and lexicons.
    Terms(TermSet),
    /// A member of `a` within `window` words of a member of `b`.
    Near {
        /// First set.
        a: TermSet,
        /// Second set.
        b: TermSet,
        /// Most words allowed between them.
        window: usize,
        /// `a` must come before `b`.
        ordered: bool,
    },
    /// At least `min` distinct rules of `signals` hit in one message (`min = 1`: any of them,
    /// useful with `channels`).
    Combination {
        /// Indices into [`RuleSet::rules`].
        signals: Vec<usize>,
        /// How many distinct signals are needed.
        min: usize,
    },
    /// Reported by the application itself (a `[[check]]`, one of [`checks::CHECKS`]); the
    /// engine never matches it.
    Check,
}

/// Words around a hit that change how sure presend is.
#[derive(Debug, Clone)]
pub struct Context {
    /// The words.
    pub words: TermSet,
    /// Words either side of the hit that count.
    pub window: usize,
    /// Without context the rule reports nothing.
    pub required: bool,
    /// Added to confidence when context is present.
    pub boost: f64,
}

/// Words around a hit that suppress it or lower it.
#[derive(Debug, Clone)]
pub struct NegativeContext {
    /// The words.
    pub words: TermSet,
    /// Words either side of the hit that count.
    pub window: usize,
    /// Drop the hit, or lower it one severity step.
    pub effect: Effect,
}

/// Sentences a rule must and must not match; `presend rules test` runs them.
#[derive(Debug, Clone, Default)]
pub struct Examples {
    /// Each must produce a hit of the rule.
    pub matches: Vec<String>,
    /// Each must produce no hit of the rule.
    pub no_match: Vec<String>,
    /// Each mentions rather than uses the term: at most an `info` finding.
    pub mention: Vec<String>,
    /// The channel the examples are scanned for (for channel-gated rules).
    pub channel: Option<String>,
}

/// One checked rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The pack's id.
    pub pack: Arc<str>,
    /// The rule's id within its pack.
    pub id: String,
    /// `pack/rule`, as reports show it.
    pub full_id: Arc<str>,
    /// Category.
    pub category: Category,
    /// Severity before adjustments.
    pub severity: Severity,
    /// One line: what was found.
    pub message: String,
    /// A short noun phrase for what was found ("NHS number"): the `redact` tag, and the name a
    /// combination uses for this signal.
    pub label: String,
    /// The risk, naming the guidance.
    pub why: String,
    /// What to do instead.
    pub instead: String,
    /// Guidance and sources.
    pub references: Vec<String>,
    /// Reports nothing itself; feeds near and combination rules.
    pub signal: bool,
    /// A signal already as vague as the combination's advice asks ("in her eighties", "a
    /// lady"): `redact` keeps it when it redacts a combination part by part.
    pub blurred: bool,
    /// Base confidence, 0..1.
    pub confidence: f64,
    /// How it matches.
    pub kind: RuleKind,
    /// Words that raise confidence (or are required).
    pub context: Option<Context>,
    /// Words that lower or suppress.
    pub negative_context: Option<NegativeContext>,
    /// Phrases that are never findings for this rule.
    pub allow: Vec<String>,
    /// When non-empty, the rule applies only to drafts bound for one of these channels
    /// (`--channel`, lower case).
    pub channels: Vec<String>,
    /// Self-tests.
    pub examples: Examples,
    /// The pack file it came from.
    pub source: String,
    /// 1-based line of its `id` in that file.
    pub line: usize,
}

impl Rule {
    /// The rule kind's name, as `rules list` shows it.
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            RuleKind::Pattern { .. } => "pattern",
            RuleKind::Terms(_) => "terms",
            RuleKind::Near { .. } => "near",
            RuleKind::Combination { .. } => "combination",
            RuleKind::Check => "check",
        }
    }
}
