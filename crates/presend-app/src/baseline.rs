//! Baselines and fingerprints: "report only what is new".
//!
//! A finding's fingerprint is a hash of its rule, its path and its *masked*, normalised matched
//! text — never its line, so a baseline survives edits above a finding (gitleaks#2239). Masked,
//! so the baseline file (which is committed) never holds an identifier, and a hash of it cannot
//! be brute-forced back into one. Two findings with the same fingerprint are told apart by
//! count: a baseline holding one `943 *** ****` in a file still reports a second one.

use presend_core::finding::Finding;
pub use presend_core::fingerprint::{content, fingerprint};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// One entry of a baseline file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The rule.
    pub rule: String,
    /// Repository-relative path.
    pub path: String,
    /// Masked, normalised matched text (for people reading the file).
    pub content: String,
    /// How many findings share this fingerprint.
    pub count: usize,
    /// Hash of rule, path and content.
    pub fingerprint: String,
}

/// A baseline file.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct BaselineFile {
    /// Format version (1).
    pub version: u32,
    /// What wrote it.
    #[serde(default)]
    pub tool: String,
    /// The findings it accepts.
    pub entries: Vec<Entry>,
}

impl BaselineFile {
    /// A baseline of `findings`, each with its repository-relative path.
    pub fn from_findings<'a>(findings: impl IntoIterator<Item = (&'a Finding, String)>) -> Self {
        let mut map: BTreeMap<(String, String, String), Entry> = BTreeMap::new();
        for (f, path) in findings {
            let fp = fingerprint(f, &path);
            let e = map
                .entry((path.clone(), f.rule.to_string(), fp.clone()))
                .or_insert_with(|| Entry {
                    rule: f.rule.to_string(),
                    path,
                    content: content(f),
                    count: 0,
                    fingerprint: fp,
                });
            e.count += 1;
        }
        BaselineFile {
            version: 1,
            tool: format!("presend {}", env!("CARGO_PKG_VERSION")),
            entries: map.into_values().collect(),
        }
    }
}

/// A loaded baseline, consumed as findings are matched against it.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    remaining: HashMap<String, usize>,
}

impl Baseline {
    /// Parse a baseline file's JSON; `name` names it in errors.
    pub fn parse(name: &str, json: &str) -> Result<Baseline, presend_core::Error> {
        let file: BaselineFile = serde_json::from_str(json).map_err(|e| {
            presend_core::Error::Usage(format!("{name}:{}: not a presend baseline: {e}", e.line()))
        })?;
        let mut remaining = HashMap::new();
        for e in file.entries {
            *remaining.entry(e.fingerprint).or_insert(0) += e.count;
        }
        Ok(Baseline { remaining })
    }

    /// Whether a finding is already in the baseline (and count it off if so).
    pub fn absorbs(&mut self, f: &Finding, path: &str) -> bool {
        match self.remaining.get_mut(&fingerprint(f, path)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        }
    }

    /// How many baselined findings were not seen (fixed, or their file was not scanned).
    pub fn unmatched(&self) -> usize {
        self.remaining.values().sum()
    }
}
