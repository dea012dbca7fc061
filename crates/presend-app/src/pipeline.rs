//! One document, start to finish: read it in its format, scan every message for the channels it
//! is bound for, apply channel limits and policy, allow-lists, inline suppressions, disabled rules
//! and severity overrides. [`process`] is a pure function of the engine, the document and the
//! policy, so documents can be processed in parallel and reported in order.
//!
//! ```text
//! Document ──read──► units + suppressions ──scan (per channel)──► findings
//!          ──channel limits, messaging apps──► allow phrases ──► suppressions ──► policy ──► Outcome
//! ```

use crate::channel;
use crate::redact::Tags;
use crate::select::RuleSettings;
use crate::suppress::{self, rule_matches};
use presend_core::finding::{Category, Finding, Position, Severity};
use presend_core::text::{offset_position, LineIndex};
use presend_engine::Engine;
use presend_engine::ScanOptions;
use presend_input::source::Document;
use presend_input::{self as input, FormatError, InputFormat, ReadOptions, Unit};
use presend_rules::checks::TOO_LONG;
use presend_rules::{Channel, RuleSet};
use std::collections::HashSet;

/// What applies to one document: how to read it and what to do with its findings.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// The format; `None` decides by the document's name.
    pub format: Option<InputFormat>,
    /// Options for the reader.
    pub read: ReadOptions,
    /// `--channel`: wins over whatever the document says (a canonical id, or a name no pack
    /// defines, which only packs' channel-gated rules see).
    pub channel_override: Option<String>,
    /// The channel when neither the command line nor the document names one (as above).
    pub default_channel: Option<String>,
    /// Disabled rules and severity overrides, resolved to rule indices.
    pub rules: RuleSettings,
    /// Phrases that are never findings.
    pub allow: Vec<String>,
}

/// What processing one document produced.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Every finding, in report order, before `--min-severity` (so thresholds can count them).
    pub findings: Vec<Finding>,
    /// Parts of the document that were malformed.
    pub errors: Vec<FormatError>,
    /// The format it was read as.
    pub format: Option<InputFormat>,
    /// Byte spans of every identifying match the engine found, including those later
    /// suppressed, allowed or disabled: a report that prints source lines masks them all.
    pub identifying: Vec<(usize, usize)>,
    /// Problems that were worked around, for the user to hear about (never scanned text).
    pub warnings: Vec<String>,
    /// Requested fields that no record of the document has (see [`crate::input::Parsed`]).
    pub missing_fields: Vec<String>,
}

/// Redact a document: every identifying span of its messages replaced by a `[label]` tag, until
/// nothing identifying is left. One pass is not always enough, because a tag such as
/// `[NHS number]` is itself context that can make a neighbouring number recognisable; each round
/// only turns spans into tags, so a few rounds settle it. Returns the text and the first pass's
/// outcome (its format errors decide whether the file may be rewritten).
pub fn redact(engine: &Engine, doc: &Document, policy: &Policy) -> (String, Outcome) {
    let (text, outcome, _) = redact_counted(engine, doc, policy, &mut Tags::default());
    (text, outcome)
}

/// [`redact`] with a run's numbering of tags (see [`Tags`]), and the number of spans replaced
/// over every round.
pub fn redact_counted(
    engine: &Engine,
    doc: &Document,
    policy: &Policy,
    tags: &mut Tags,
) -> (String, Outcome, usize) {
    const MAX_ROUNDS: usize = 4;
    let first = process(engine, doc, policy);
    let mut current = doc.clone();
    let mut outcome = first.clone();
    let mut replaced = 0;
    for _ in 0..MAX_ROUNDS {
        if !crate::redact::has_redactable(&outcome.findings) {
            break;
        }
        let (text, n) = crate::redact::redact_counted(&current.text, &outcome.findings, tags);
        current.text = text;
        replaced += n;
        outcome = process(engine, &current, policy);
    }
    (current.text, first, replaced)
}

/// Process one document.
pub fn process(engine: &Engine, doc: &Document, policy: &Policy) -> Outcome {
    let format = policy
        .format
        .unwrap_or_else(|| InputFormat::from_path(&doc.path));
    let parsed = input::read(doc, format, &policy.read);
    let mut findings = Vec::new();
    let mut identifying = Vec::new();
    let mut warnings = Vec::new();
    for unit in &parsed.units {
        findings.extend(scan_unit(
            engine,
            unit,
            policy,
            &mut identifying,
            &mut warnings,
        ));
    }
    let set = engine.rules();
    let known = |r: &str| set.rules.iter().any(|x| rule_matches(r, &x.full_id));
    let mut extra = suppress::apply(&mut findings, &parsed.suppressions, &doc.path, &known);
    extra.iter_mut().for_each(|f| worded_by_pack(f, set));
    findings.extend(extra);
    let index = |f: &Finding| set.rules.iter().position(|r| *r.full_id == *f.rule);
    findings.retain(|f| !index(f).is_some_and(|i| policy.rules.is_disabled(i)));
    for f in &mut findings {
        if let Some(i) = index(f) {
            f.severity = policy.rules.severity(i, f.severity);
        }
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Outcome {
        findings,
        errors: parsed.errors,
        format: Some(format),
        identifying,
        warnings,
        missing_fields: parsed.missing_fields,
    }
}

/// A check's severity, category, why and instead, as presend's own pack words them.
fn worded_by_pack(f: &mut Finding, set: &RuleSet) {
    if let Some(rule) = set.rules.iter().find(|r| *r.full_id == *f.rule) {
        f.category = rule.category;
        f.severity = rule.severity;
        f.why = rule.why.as_str().into();
        f.instead = rule.instead.as_str().into();
    }
}

/// The channels a unit is bound for: `--channel`, else what the document names, else the
/// configured default. A name the document gives that no pack defines is kept (packs' own
/// channel-gated rules may use it) and reported once per unit, without the name itself, which
/// is scanned text.
fn channels_of(
    unit: &Unit,
    policy: &Policy,
    set: &RuleSet,
    warnings: &mut Vec<String>,
) -> Vec<String> {
    if let Some(c) = &policy.channel_override {
        return vec![c.clone()];
    }
    let mut out: Vec<String> = Vec::new();
    for name in &unit.channels {
        let id = match channel::resolve(set, name) {
            Ok(c) => c.id.clone(),
            Err(unknown) => {
                let what = format!(
                    "unknown channel{}: no length limit or messaging-app rule applies",
                    unknown.hint()
                );
                // Once per document and name suggestion: a CSV export repeats it on every row.
                if !warnings.iter().any(|w| w.ends_with(&what)) {
                    let line = unit.segment.origin.start.line;
                    warnings.push(format!("line {line}: {what}"));
                }
                unknown.name
            }
        };
        if !out.contains(&id) {
            out.push(id);
        }
    }
    if out.is_empty() {
        out.extend(policy.default_channel.iter().cloned());
    }
    out
}

fn scan_unit(
    engine: &Engine,
    unit: &Unit,
    policy: &Policy,
    identifying: &mut Vec<(usize, usize)>,
    warnings: &mut Vec<String>,
) -> Vec<Finding> {
    let set = engine.rules();
    let channels = channels_of(unit, policy, set, warnings);
    let mut findings = if channels.len() <= 1 {
        engine.scan_with(
            &unit.segment,
            &ScanOptions {
                channel: channels.first().cloned(),
            },
        )
    } else {
        // Bound for several channels: the union of what each channel's rules find.
        let mut seen = HashSet::new();
        let mut all = Vec::new();
        for c in &channels {
            for f in engine.scan_with(
                &unit.segment,
                &ScanOptions {
                    channel: Some(c.clone()),
                },
            ) {
                if seen.insert((f.rule.clone(), f.byte_range)) {
                    all.push(f);
                }
            }
        }
        all
    };
    identifying.extend(presend_core::privacy::identifying_spans(&findings));
    let known: Vec<&Channel> = channels.iter().filter_map(|c| set.channel(c)).collect();
    if let (Some(app), Some(escalation)) = (
        known.iter().find(|c| c.messaging_app),
        set.messaging_app.as_ref(),
    ) {
        for f in &mut findings {
            messaging_app(f, app, escalation);
        }
    }
    for c in known {
        if let Some(mut f) = too_long(unit, c) {
            worded_by_pack(&mut f, set);
            findings.push(f);
        }
    }
    allow(&mut findings, unit, &policy.allow);
    findings
}

/// Any identifier or clinical image bound for a consumer messaging app is an error, with the
/// escalation's text (presend's own pack) added.
fn messaging_app(f: &mut Finding, app: &Channel, escalation: &presend_rules::Escalation) {
    if !(f.category.is_identifying() || f.category == Category::ClinicalImage) {
        return;
    }
    f.severity = Severity::Error;
    f.message = format!(
        "{} {}",
        f.message.trim_end(),
        escalation.message.replace("{channel}", &app.name)
    );
    f.notes
        .push(escalation.note.replace("{channel}", &app.name));
}

/// The message of a post `n` units long bound for `channel`, when the channel has a limit.
pub fn too_long_message(n: usize, channel: &Channel) -> Option<String> {
    let limit = channel.limit.as_ref()?;
    Some(format!(
        "Post is {n} {unit} long; {name} allows {max} ({rule}).",
        unit = limit.unit,
        name = channel.name,
        max = limit.max,
        rule = limit.rule
    ))
}

/// The channel a plain-text document is bound for (it has no front matter or columns), when a
/// loaded pack defines it.
pub fn text_channel<'a>(policy: &Policy, set: &'a RuleSet) -> Option<&'a Channel> {
    let name = policy
        .channel_override
        .as_ref()
        .or(policy.default_channel.as_ref())?;
    channel::resolve(set, name).ok()
}

/// The post is longer than the channel allows (label, why and instead come from the pack).
fn too_long(unit: &Unit, channel: &Channel) -> Option<Finding> {
    let limit = channel.limit.as_ref()?;
    let body = unit.body.as_deref()?;
    let n = channel::measure(limit.counting, body);
    if n <= limit.max {
        return None;
    }
    let seg = &unit.segment;
    let first = seg.text.find(|c: char| !c.is_whitespace())?;
    let last = seg.text.trim_end().len();
    let lines = LineIndex::new(&seg.text);
    let start = offset_position(&seg.origin, lines.position(&seg.text, first));
    let end = offset_position(&seg.origin, lines.position(&seg.text, last));
    Some(Finding {
        rule: TOO_LONG.into(),
        category: Category::Conduct,
        severity: Severity::Warning,
        message: too_long_message(n, channel)?,
        label: "post length".into(),
        why: String::new().into(),
        instead: String::new().into(),
        path: seg.origin.path.clone(),
        record: seg.origin.record,
        start,
        end: if end == start {
            Position {
                line: start.line,
                column: start.column + 1,
            }
        } else {
            end
        },
        matched: format!("{n}/{}", limit.max),
        confidence: 1.0,
        suggestion: None,
        byte_range: (
            seg.origin.byte_offset + first,
            seg.origin.byte_offset + last,
        ),
        parts: Vec::new(),
        notes: Vec::new(),
    })
}

/// Drop findings that lie inside an allowed phrase, or whose match is one.
fn allow(findings: &mut Vec<Finding>, unit: &Unit, phrases: &[String]) {
    if phrases.is_empty() || findings.is_empty() {
        return;
    }
    let squash = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let text = unit.segment.text.to_ascii_lowercase();
    let base = unit.segment.origin.byte_offset;
    let mut ranges = Vec::new();
    for p in phrases {
        let p = p.trim().to_ascii_lowercase();
        if p.is_empty() {
            continue;
        }
        let mut from = 0;
        while let Some(i) = text[from..].find(&p) {
            let s = from + i;
            ranges.push((base + s, base + s + p.len()));
            from = s + p.len().max(1);
            while !text.is_char_boundary(from) {
                from += 1;
            }
        }
    }
    let squashed: Vec<String> = phrases.iter().map(|p| squash(p)).collect();
    let inside = |(s, e): (usize, usize)| ranges.iter().any(|&(a, b)| a <= s && e <= b);
    findings.retain(|f| {
        let spans: Vec<(usize, usize)> = if f.parts.is_empty() {
            vec![f.byte_range]
        } else {
            f.parts.iter().map(|p| p.byte_range).collect()
        };
        let m = squash(&f.matched);
        let equal = !m.is_empty() && squashed.contains(&m);
        !(equal || spans.into_iter().all(inside))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use presend_rules::RuleSet;

    fn engine() -> Engine {
        Engine::new(RuleSet::builtin().unwrap())
    }

    fn rules(o: &Outcome) -> Vec<&str> {
        o.findings.iter().map(|f| &*f.rule).collect()
    }

    #[test]
    fn suppression_with_reason_removes_the_finding() {
        let doc = Document::new(
            "a.md",
            "<!-- presend-allow nhs-number: fictional example for training -->\nNHS 943 476 5919\n",
        );
        let o = process(&engine(), &doc, &Policy::default());
        assert!(
            !rules(&o).contains(&"uk-identifiers/nhs-number"),
            "{:?}",
            rules(&o)
        );
    }

    #[test]
    fn unused_and_reasonless_suppressions_are_reported() {
        let doc = Document::new(
            "a.txt",
            "presend-allow nhs-number: nothing here\nHello\npresend-allow nhs-number\nNHS 943 476 5919\n",
        );
        let o = process(&engine(), &doc, &Policy::default());
        let r = rules(&o);
        assert!(r.contains(&suppress::UNUSED), "{r:?}");
        let unused = o
            .findings
            .iter()
            .find(|f| &*f.rule == suppress::UNUSED)
            .unwrap();
        assert!(unused.why.contains("reviewer can audit"), "{}", unused.why);
        assert!(r.contains(&suppress::NO_REASON), "{r:?}");
        assert!(r.contains(&"uk-identifiers/nhs-number"), "{r:?}");
    }

    #[test]
    fn whatsapp_makes_identifiers_errors_and_x_has_a_limit() {
        let doc = Document::new("a.txt", "83F in bed 4 last night, lovely lady");
        let policy = Policy {
            channel_override: Some("WhatsApp".into()),
            ..Policy::default()
        };
        let o = process(&engine(), &doc, &policy);
        assert!(o.findings.iter().any(|f| f.category.is_identifying()
            && f.severity == Severity::Error
            && f.message.contains("WhatsApp")));
        let long = Document::new("a.txt", "word ".repeat(70));
        let policy = Policy {
            default_channel: Some("x".into()),
            ..Policy::default()
        };
        let o = process(&engine(), &long, &policy);
        assert!(rules(&o).contains(&TOO_LONG));
    }

    #[test]
    fn allow_phrases_and_disabled_rules() {
        let doc = Document::new("a.txt", "NHS number 943 476 5919");
        let policy = Policy {
            allow: vec!["943 476 5919".into()],
            ..Policy::default()
        };
        assert!(process(&engine(), &doc, &policy).findings.is_empty());
        let engine = engine();
        let resolve = |disable: &[&str], severity: &[(&str, Severity)]| {
            let disable: Vec<String> = disable.iter().map(|d| d.to_string()).collect();
            let severity = severity.iter().map(|(p, s)| (p.to_string(), *s)).collect();
            RuleSettings::resolve(&disable, &severity, engine.rules()).unwrap()
        };
        let policy = Policy {
            rules: resolve(&["uk-identifiers"], &[]),
            ..Policy::default()
        };
        assert!(process(&engine, &doc, &policy).findings.is_empty());
        let policy = Policy {
            rules: resolve(&[], &[("nhs-number", Severity::Info)]),
            ..Policy::default()
        };
        let o = process(&engine, &doc, &policy);
        assert_eq!(o.findings[0].severity, Severity::Info);
    }
}
