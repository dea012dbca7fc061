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
use crate::engine::ScanOptions;
use crate::finding::{Category, Finding, Position, Severity};
use crate::input::{self, FormatError, InputFormat, ReadOptions, Unit};
use crate::source::Document;
use crate::suppress::{self, rule_matches};
use crate::text::{offset_position, LineIndex};
use crate::Engine;
use std::collections::HashSet;

/// Rule id of a post longer than its channel allows.
pub const TOO_LONG: &str = "channel/too-long";

/// Rules presend reports itself, outside any pack: (id, label, what it means).
pub const BUILTIN_CHECKS: &[(&str, &str, &str)] = &[
    (
        TOO_LONG,
        "post length",
        "The post is longer than its channel allows.",
    ),
    (
        suppress::UNUSED,
        "unused suppression",
        "An inline suppression that suppresses nothing.",
    ),
    (
        suppress::NO_REASON,
        "suppression without reason",
        "An inline suppression without a rule or a reason.",
    ),
];

/// What applies to one document: how to read it and what to do with its findings.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// The format; `None` decides by the document's name.
    pub format: Option<InputFormat>,
    /// Options for the reader.
    pub read: ReadOptions,
    /// `--channel`: wins over whatever the document says.
    pub channel_override: Option<String>,
    /// The channel when neither the command line nor the document names one.
    pub default_channel: Option<String>,
    /// Rule or pack patterns whose findings are dropped.
    pub disabled: Vec<String>,
    /// Severity overrides, applied in order (later wins).
    pub severity: Vec<(String, Severity)>,
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
    /// Requested fields that no record of the document has (see [`crate::input::Parsed`]).
    pub missing_fields: Vec<String>,
}

/// Redact a document: every identifying span of its messages replaced by a `[label]` tag, until
/// nothing identifying is left. One pass is not always enough, because a tag such as
/// `[NHS number]` is itself context that can make a neighbouring number recognisable; each round
/// only turns spans into tags, so a few rounds settle it. Returns the text and the first pass's
/// outcome (its format errors decide whether the file may be rewritten).
pub fn redact(engine: &Engine, doc: &Document, policy: &Policy) -> (String, Outcome) {
    const MAX_ROUNDS: usize = 4;
    let first = process(engine, doc, policy);
    let mut current = doc.clone();
    let mut outcome = first.clone();
    for _ in 0..MAX_ROUNDS {
        if !outcome.findings.iter().any(|f| f.category.is_identifying()) {
            break;
        }
        current.text = crate::redact::redact(&current.text, &outcome.findings);
        outcome = process(engine, &current, policy);
    }
    (current.text, first)
}

/// Process one document.
pub fn process(engine: &Engine, doc: &Document, policy: &Policy) -> Outcome {
    let format = policy
        .format
        .unwrap_or_else(|| InputFormat::from_path(&doc.path));
    let parsed = input::read(doc, format, &policy.read);
    let mut findings = Vec::new();
    let mut identifying = Vec::new();
    for unit in &parsed.units {
        findings.extend(scan_unit(engine, unit, policy, &mut identifying));
    }
    let set = engine.rules();
    let known = |r: &str| {
        set.rules.iter().any(|x| rule_matches(r, &x.full_id))
            || BUILTIN_CHECKS.iter().any(|(id, _, _)| rule_matches(r, id))
    };
    let extra = suppress::apply(&mut findings, &parsed.suppressions, &doc.path, &known);
    findings.extend(extra);
    findings.retain(|f| !policy.disabled.iter().any(|d| rule_matches(d, &f.rule)));
    for f in &mut findings {
        for (pattern, severity) in &policy.severity {
            if rule_matches(pattern, &f.rule) {
                f.severity = *severity;
            }
        }
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Outcome {
        findings,
        errors: parsed.errors,
        format: Some(format),
        identifying,
        missing_fields: parsed.missing_fields,
    }
}

/// The channels a unit is bound for.
fn channels_of(unit: &Unit, policy: &Policy) -> Vec<String> {
    if let Some(c) = &policy.channel_override {
        return vec![channel::canonical(c)];
    }
    let mut out: Vec<String> = unit
        .channels
        .iter()
        .map(|c| channel::canonical(c))
        .collect();
    out.dedup();
    if out.is_empty() {
        out.extend(policy.default_channel.iter().map(|c| channel::canonical(c)));
    }
    out
}

fn scan_unit(
    engine: &Engine,
    unit: &Unit,
    policy: &Policy,
    identifying: &mut Vec<(usize, usize)>,
) -> Vec<Finding> {
    let channels = channels_of(unit, policy);
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
    identifying.extend(crate::privacy::identifying_spans(&findings));
    if let Some(app) = channels.iter().find(|c| channel::is_messaging_app(c)) {
        for f in &mut findings {
            messaging_app(f, app);
        }
    }
    for c in &channels {
        if let Some(f) = too_long(unit, c) {
            findings.push(f);
        }
    }
    allow(&mut findings, unit, &policy.allow);
    findings
}

/// Any identifier or clinical image bound for a consumer messaging app is an error.
fn messaging_app(f: &mut Finding, app: &str) {
    if !(f.category.is_identifying() || f.category == Category::ClinicalImage) {
        return;
    }
    f.severity = Severity::Error;
    f.message = format!(
        "{} Bound for {}: keep patient-identifiable information out of consumer messaging apps (NHS instant-messaging guidance).",
        f.message.trim_end(),
        channel::display(app)
    );
    f.notes.push(format!(
        "{} is a consumer messaging app: NHS England, NHS Digital, PHE and DHSC guidance on instant \
         messaging (November 2018) says to minimise patient-identifiable data sent this way, many \
         trusts ban it outright, and the GMC (2024) counts private messages as social media that \
         may become public. Use NHSmail or the clinical record.",
        channel::display(app)
    ));
}

/// The message of a post `n` units long bound for `channel`, which has a limit.
pub fn too_long_message(n: usize, channel: &str) -> Option<String> {
    let limit = channel::limit(channel)?;
    Some(format!(
        "Post is {n} {unit} long; {name} allows {max} ({rule}).",
        unit = limit.unit,
        name = channel::display(channel),
        max = limit.max,
        rule = limit.rule
    ))
}

/// The channel a plain-text document is bound for (it has no front matter or columns).
pub fn text_channel(policy: &Policy) -> Option<String> {
    policy
        .channel_override
        .as_ref()
        .or(policy.default_channel.as_ref())
        .map(|c| channel::canonical(c))
}

/// The post is longer than the channel allows.
fn too_long(unit: &Unit, channel: &str) -> Option<Finding> {
    let limit = channel::limit(channel)?;
    let body = unit.body.as_deref()?;
    let n = channel::measure(channel, body);
    if n <= limit.max {
        return None;
    }
    let seg = &unit.segment;
    let first = seg.text.find(|c: char| !c.is_whitespace())?;
    let last = seg.text.trim_end().len();
    let lines = LineIndex::new(&seg.text);
    let start = offset_position(&seg.origin, lines.position(&seg.text, first));
    let end = offset_position(&seg.origin, lines.position(&seg.text, last));
    let name = channel::display(channel);
    Some(Finding {
        rule: TOO_LONG.into(),
        category: Category::Conduct,
        severity: Severity::Warning,
        message: too_long_message(n, channel)?,
        label: "post length".into(),
        why: format!(
            "{name} refuses or cuts a post over {} {}; a scheduling tool may drop it silently, or \
             publish a truncated sentence that says something you did not mean.",
            limit.max, limit.unit
        )
        .into(),
        instead: "Shorten the post, or split it into a thread that reads well part by part.".into(),
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
    use crate::RuleSet;

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
        let policy = Policy {
            disabled: vec!["uk-identifiers".into()],
            ..Policy::default()
        };
        assert!(process(&engine(), &doc, &policy).findings.is_empty());
        let policy = Policy {
            severity: vec![("nhs-number".into(), Severity::Info)],
            ..Policy::default()
        };
        let o = process(&engine(), &doc, &policy);
        assert_eq!(o.findings[0].severity, Severity::Info);
    }
}
