//! Baselines: "report only what is new".
//!
//! A baseline accepts the findings a repository already has. Each entry is keyed on a slow,
//! salted hash (Argon2id) of the finding's rule, its repository-relative path, its full matched
//! text and the words around it on its line, never its line number, so the baseline survives
//! edits above a finding, while any other identifier (even one with the same mask, such as
//! `943 *** ****`) gets another key and is reported. The file stores the rule, the path, a count
//! and the key: never the identifier, nor its mask.
//!
//! The hash is deliberately slow and salted per file because a baseline is committed, possibly
//! to a public repository, and identifiers have little entropy: docs/usage.md ("How a baseline
//! keeps identifiers out") gives the cost and the reasoning.

use argon2::{Algorithm, Argon2, Params, Version};
use presend_core::finding::Finding;
use presend_core::Error;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// The format version this code writes and reads.
pub const VERSION: u32 = 2;

/// Words of context on each side of a match that go into its key.
const CONTEXT_WORDS: usize = 3;

/// Argon2id memory cost in KiB for new baselines (see docs/usage.md for the measured time).
const MEMORY_KIB: u32 = 8 * 1024;
/// Argon2id passes for new baselines.
const ITERATIONS: u32 = 1;
/// Bounds on what a baseline file may ask for, so a hostile file cannot exhaust memory or time.
const MAX_MEMORY_KIB: u32 = 256 * 1024;
const MAX_ITERATIONS: u32 = 16;
/// Bytes of salt and of key.
const SALT_BYTES: usize = 16;
const KEY_BYTES: usize = 32;

/// How a baseline's keys are computed (stored in the file, so a later change of cost still
/// reads older files).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct KeyParams {
    /// Always `argon2id`.
    pub algorithm: String,
    /// Memory cost in KiB.
    pub memory_kib: u32,
    /// Passes over the memory.
    pub iterations: u32,
    /// The file's random salt, in hex.
    pub salt: String,
}

impl KeyParams {
    /// Fresh parameters with a random salt.
    pub fn fresh() -> Result<KeyParams, Error> {
        let mut salt = [0u8; SALT_BYTES];
        getrandom::fill(&mut salt).map_err(|e| Error::Io {
            path: "<random>".into(),
            source: std::io::Error::other(e.to_string()),
        })?;
        Ok(KeyParams {
            algorithm: "argon2id".into(),
            memory_kib: MEMORY_KIB,
            iterations: ITERATIONS,
            salt: hex(&salt),
        })
    }

    fn hasher(&self, file: &str) -> Result<Hasher, Error> {
        let bad = |what: &str| Error::Baseline {
            path: file.to_string(),
            message: format!("{what}; regenerate it with `presend baseline`"),
        };
        if self.algorithm != "argon2id" {
            return Err(bad("unknown key algorithm"));
        }
        if self.memory_kib > MAX_MEMORY_KIB || self.iterations > MAX_ITERATIONS {
            return Err(bad("key cost out of range"));
        }
        let salt = unhex(&self.salt).filter(|s| s.len() >= 8);
        let salt = salt.ok_or_else(|| bad("malformed salt"))?;
        let params = Params::new(self.memory_kib, self.iterations, 1, Some(KEY_BYTES))
            .map_err(|_| bad("key cost out of range"))?;
        Ok(Hasher {
            argon: Argon2::new(Algorithm::Argon2id, Version::V0x13, params),
            salt,
        })
    }
}

/// Computes entry keys with one file's parameters.
pub struct Hasher {
    argon: Argon2<'static>,
    salt: Vec<u8>,
}

impl Hasher {
    /// The key of a finding.
    pub fn key(&self, k: &Keyed) -> String {
        let input = [&*k.rule, &*k.path, &*k.matched, &*k.before, &*k.after].join("\u{0}");
        let mut out = [0u8; KEY_BYTES];
        // Cannot fail: the salt length and output length were checked when the hasher was made.
        let _ = self
            .argon
            .hash_password_into(input.as_bytes(), &self.salt, &mut out);
        hex(&out)
    }
}

/// Whitespace collapsed, lower case.
fn normalised(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Up to [`CONTEXT_WORDS`] words before and after a match, on its own line, normalised.
fn context(text: &str, first_byte: usize, (start, end): (usize, usize)) -> (String, String) {
    let clamp = |i: usize| {
        let mut i = i.saturating_sub(first_byte).min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let (start, end) = (clamp(start), clamp(end).max(clamp(start)));
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let before: Vec<&str> = text[line_start..start].split_whitespace().collect();
    let before = before[before.len().saturating_sub(CONTEXT_WORDS)..].join(" ");
    let after: Vec<&str> = text[end..line_end]
        .split_whitespace()
        .take(CONTEXT_WORDS)
        .collect();
    (before.to_lowercase(), after.join(" ").to_lowercase())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// One entry of a baseline file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The rule.
    pub rule: String,
    /// Repository-relative path.
    pub path: String,
    /// How many findings share this key.
    pub count: usize,
    /// The finding's key (see [`Hasher::key`]).
    pub key: String,
}

/// A baseline file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineFile {
    /// Format version ([`VERSION`]).
    pub version: u32,
    /// What wrote it.
    #[serde(default)]
    pub tool: String,
    /// How the keys were computed.
    pub keys: KeyParams,
    /// The findings it accepts.
    pub entries: Vec<Entry>,
}

/// What a finding's key is computed from: its rule, repository-relative path, normalised
/// matched text and the words around it on its line. Held only in memory.
#[derive(Debug, Clone)]
pub struct Keyed {
    rule: String,
    path: String,
    matched: String,
    before: String,
    after: String,
}

impl Keyed {
    /// The key material of `f` at `path` (repository-relative), in a document whose text is
    /// `text` and starts at byte `first_byte` of its file.
    pub fn new(f: &Finding, path: String, text: &str, first_byte: usize) -> Keyed {
        let (before, after) = context(text, first_byte, f.byte_range);
        Keyed {
            rule: f.rule.to_string(),
            path,
            matched: normalised(&f.matched),
            before,
            after,
        }
    }
}

impl BaselineFile {
    /// A baseline of `findings`, keyed with `keys`.
    pub fn from_findings(keys: KeyParams, findings: Vec<Keyed>) -> Result<Self, Error> {
        use rayon::prelude::*;
        let hasher = keys.hasher("<new baseline>")?;
        let hashed: Vec<String> = findings.par_iter().map(|k| hasher.key(k)).collect();
        let mut map: BTreeMap<(String, String, String), usize> = BTreeMap::new();
        for (k, key) in findings.into_iter().zip(hashed) {
            *map.entry((k.path, k.rule, key)).or_insert(0) += 1;
        }
        let entries = map
            .into_iter()
            .map(|((path, rule, key), count)| Entry {
                rule,
                path,
                count,
                key,
            })
            .collect();
        Ok(BaselineFile {
            version: VERSION,
            tool: format!("presend {}", env!("CARGO_PKG_VERSION")),
            keys,
            entries,
        })
    }

    /// Parse a baseline file's JSON; `name` names it in errors. A file from before keyed
    /// entries is refused with how to regenerate it.
    pub fn parse(name: &str, json: &str) -> Result<BaselineFile, Error> {
        let not_baseline = |e: serde_json::Error| Error::Baseline {
            path: name.to_string(),
            message: format!("line {}: not a presend baseline: {e}", e.line()),
        };
        let value: serde_json::Value = serde_json::from_str(json).map_err(not_baseline)?;
        let version = value.get("version").and_then(|v| v.as_u64());
        if version != Some(u64::from(VERSION)) {
            return Err(Error::Baseline {
                path: name.to_string(),
                message: format!(
                    "baseline format version {} is not supported (this presend reads version {VERSION}, whose entries cannot hide a different identifier of the same shape); regenerate it with `presend baseline`",
                    version.map_or("unknown".to_string(), |v| v.to_string())
                ),
            });
        }
        serde_json::from_value(value).map_err(not_baseline)
    }
}

/// A loaded baseline, consumed as findings are matched against it.
pub struct Baseline {
    hasher: Hasher,
    /// Remaining count per key, grouped by (path, rule) so that a finding whose rule and path
    /// have no entry is reported without computing its key.
    remaining: HashMap<(String, String), HashMap<String, usize>>,
}

impl Baseline {
    /// Parse a baseline file's JSON; `name` names it in errors.
    pub fn parse(name: &str, json: &str) -> Result<Baseline, Error> {
        let file = BaselineFile::parse(name, json)?;
        let hasher = file.keys.hasher(name)?;
        let mut remaining: HashMap<(String, String), HashMap<String, usize>> = HashMap::new();
        for e in file.entries {
            *remaining
                .entry((e.path, e.rule))
                .or_default()
                .entry(e.key)
                .or_insert(0) += e.count;
        }
        Ok(Baseline { hasher, remaining })
    }

    /// Whether a finding is already in the baseline (and count it off if so).
    pub fn absorbs(&mut self, k: &Keyed) -> bool {
        let group = (k.path.clone(), k.rule.clone());
        let Some(keys) = self.remaining.get_mut(&group) else {
            return false;
        };
        if keys.values().all(|n| *n == 0) {
            return false;
        }
        let key = self.hasher.key(k);
        match keys.get_mut(&key) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        }
    }

    /// How many baselined findings were not seen (fixed, or their file was not scanned).
    pub fn unmatched(&self) -> usize {
        self.remaining.values().flat_map(|m| m.values()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_is_the_words_around_the_match_on_its_line() {
        let text = "first line\nsaw NHS no 943 476 5919 on the ward today\nnext";
        let start = text.find("943").unwrap();
        let end = start + "943 476 5919".len();
        let (before, after) = context(text, 0, (start, end));
        assert_eq!(before, "saw nhs no");
        assert_eq!(after, "on the ward");
        // Offsets are into the file; the text may start later in it.
        assert_eq!(
            context(&text[11..], 11, (start, end)),
            (before.clone(), after.clone())
        );
    }

    #[test]
    fn old_baselines_are_refused_with_how_to_regenerate() {
        let err = BaselineFile::parse(".presend-baseline.json", r#"{"version":1,"entries":[]}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("presend baseline"), "{err}");
    }

    #[test]
    fn a_hostile_cost_is_refused() {
        let mut keys = KeyParams::fresh().unwrap();
        keys.memory_kib = u32::MAX;
        assert!(keys.hasher("b.json").is_err());
    }

    #[test]
    fn hex_round_trips() {
        assert_eq!(unhex(&hex(&[0, 15, 255])), Some(vec![0, 15, 255]));
        assert_eq!(unhex("abc"), None);
    }
}
