//! SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
//!
//! What GitHub needs (GitHub's "SARIF support for code scanning" documentation): `$schema`; a
//! `tool.driver.rules` entry with `shortDescription`, `fullDescription` and `help` for every rule
//! that has results; per result `ruleId`, `level`, `message.text` and one location with a
//! repository-relative `artifactLocation.uri` and a region; `partialFingerprints` so alerts
//! survive edits. `columnKind` is always written (Microsoft's SDK assumes UTF-16 when it is
//! absent; our columns are Unicode scalar values). No `region.snippet`: it would copy an
//! identifier into the alert store. Matched text is masked before it gets here.

use super::{Reporter, Summary};
use crate::baseline;
use crate::finding::{Finding, Severity};
use presend_core::document::{Document, RepoPaths};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

/// Where each rule's documentation lives: `docs/rules/<pack>.md` of this release, generated from
/// the packs by `presend rules doc`, one `## <rule>` heading (and so one anchor) per rule.
pub const RULE_DOCS: &str = concat!(
    env!("CARGO_PKG_REPOSITORY"),
    "/blob/v",
    env!("CARGO_PKG_VERSION"),
    "/docs/rules/"
);

/// The documentation page and anchor of a rule: `pack/rule` → `<RULE_DOCS>pack.md#rule`.
pub fn help_uri(rule: &str) -> String {
    match rule.split_once('/') {
        Some((pack, id)) => format!("{RULE_DOCS}{pack}.md#{id}"),
        None => format!("{RULE_DOCS}{rule}.md"),
    }
}

/// The SARIF schema URI GitHub and the SARIF validators expect.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

struct RuleInfo {
    label: String,
    why: String,
    instead: String,
    severity: Severity,
    category: &'static str,
}

/// Collects results, writes one SARIF log at the end.
pub struct Sarif<W: Write> {
    out: W,
    paths: RepoPaths,
    rules: BTreeMap<String, RuleInfo>,
    results: Vec<(String, Value)>,
    occurrences: HashMap<String, usize>,
    notifications: Vec<Value>,
    /// An input error was reported: the run did not do all it was asked.
    failed: bool,
}

impl<W: Write> Sarif<W> {
    /// A SARIF report on `out`; `paths` makes artifact URIs repository-relative.
    pub fn new(out: W, paths: RepoPaths) -> Self {
        Sarif {
            out,
            paths,
            rules: BTreeMap::new(),
            results: Vec::new(),
            occurrences: HashMap::new(),
            notifications: Vec::new(),
            failed: false,
        }
    }
}

/// SARIF's level for a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

impl<W: Write> Reporter for Sarif<W> {
    fn document(&mut self, _doc: &Document, _text: &str, findings: &[Finding]) -> io::Result<()> {
        for f in findings {
            let uri = self.paths.relative(&f.path);
            self.rules
                .entry(f.rule.to_string())
                .or_insert_with(|| RuleInfo {
                    label: f.label.to_string(),
                    why: f.why.to_string(),
                    instead: f.instead.to_string(),
                    severity: f.severity,
                    category: f.category.as_str(),
                });
            let fp = baseline::fingerprint(f, &uri);
            let n = self.occurrences.entry(fp.clone()).or_insert(0);
            *n += 1;
            let end_column = if f.end.line == f.start.line {
                f.end.column.max(f.start.column + 1)
            } else {
                f.end.column.max(1)
            };
            let mut properties = json!({
                "category": f.category.as_str(),
                "confidence": f.confidence,
                "match": f.matched,
            });
            if let Some(r) = f.record {
                properties["record"] = json!(r);
            }
            let uri = if uri == "-" { "stdin".to_string() } else { uri };
            let result = json!({
                "ruleId": f.rule.as_ref(),
                "level": level(f.severity),
                "message": { "text": message(f) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri },
                        "region": {
                            "startLine": f.start.line,
                            "startColumn": f.start.column,
                            "endLine": f.end.line.max(f.start.line),
                            "endColumn": end_column,
                        }
                    }
                }],
                "partialFingerprints": { "presendFingerprint/v1": format!("{fp}:{n}") },
                "properties": properties,
            });
            self.results.push((f.rule.to_string(), result));
        }
        Ok(())
    }

    fn message(&mut self, m: &crate::Message) -> io::Result<()> {
        self.failed |= m.is_error();
        let mut note = json!({
            "level": m.level(),
            "message": { "text": m.text() },
            "descriptor": { "id": message_kind(m) },
        });
        if let Some(path) = m.path().filter(|p| *p != "-") {
            let mut location = json!({ "artifactLocation": { "uri": self.paths.relative(path) } });
            if let Some(line) = m.line() {
                location["region"] = json!({ "startLine": line.max(1) });
            }
            note["locations"] = json!([{ "physicalLocation": location }]);
        }
        self.notifications.push(note);
        Ok(())
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        let index: HashMap<&str, usize> = self
            .rules
            .keys()
            .enumerate()
            .map(|(i, k)| (k.as_str(), i))
            .collect();
        let rules: Vec<Value> = self
            .rules
            .iter()
            .map(|(id, r)| {
                let full = if r.why.trim().is_empty() {
                    format!("{}.", capitalised(&r.label))
                } else {
                    r.why.clone()
                };
                let help = if r.instead.trim().is_empty() {
                    format!("Run `presend explain {id}` for the guidance behind this rule.")
                } else {
                    format!(
                        "{}\n\nRun `presend explain {id}` for the guidance behind this rule.",
                        r.instead
                    )
                };
                json!({
                    "id": id,
                    "name": rule_name(id),
                    "shortDescription": { "text": capitalised(&r.label) },
                    "fullDescription": { "text": full },
                    "help": { "text": help, "markdown": help },
                    "helpUri": help_uri(id),
                    "defaultConfiguration": { "level": level(r.severity) },
                    "properties": { "tags": ["presend", r.category], "precision": "high" },
                })
            })
            .collect();
        let results: Vec<Value> = self
            .results
            .drain(..)
            .map(|(rule, mut v)| {
                v["ruleIndex"] = json!(index[rule.as_str()]);
                v
            })
            .collect();
        let log = json!({
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [{
                "tool": { "driver": {
                    "name": "presend",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }},
                "invocations": [{
                    "executionSuccessful": !self.failed,
                    "toolExecutionNotifications": self.notifications,
                }],
                "automationDetails": { "id": "presend/" },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }]
        });
        serde_json::to_writer_pretty(&mut self.out, &log)?;
        writeln!(self.out)?;
        self.out.flush()
    }
}

/// The notification descriptor id of a message: its type, as JSON names it.
fn message_kind(m: &crate::Message) -> String {
    serde_json::to_value(m)
        .ok()
        .and_then(|v| v["type"].as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The result message: what was found, where in a record, and the (masked) match.
fn message(f: &Finding) -> String {
    let mut m = f.message.trim().to_string();
    if !m.ends_with('.') {
        m.push('.');
    }
    if let Some(r) = f.record {
        m.push_str(&format!(" (record {r})"));
    }
    m
}

/// A readable PascalCase name for a rule id: `uk-identifiers/nhs-number` → `NhsNumber`.
fn rule_name(id: &str) -> String {
    id.rsplit('/')
        .next()
        .unwrap_or(id)
        .split(['-', '_'])
        .map(capitalised)
        .collect()
}
