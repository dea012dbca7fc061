//! `presend rules list`, `presend rules test` and `presend explain`.
//!
//! All three see the rules `check` sees: the packs presend.toml names, without the rules it
//! disables, at the severities it sets.

use super::args::{ConfigArgs, ExplainArgs, ListFormat, PackArgs, RulesCommand};
use super::{session, stdout, Exit, Failure};
use presend_app::session::Session;
use presend_core::{Error, Severity};
use presend_engine::selftest::ExampleKind;
use presend_rules::{Rule, RuleKind};
use serde::Serialize;
use std::io::Write;
use std::path::Path;

pub fn run(cmd: RulesCommand) -> Result<Exit, Failure> {
    match cmd {
        RulesCommand::List {
            format,
            pack_filter,
            category_filter,
            config,
            packs,
        } => {
            let filter = ListFilter {
                packs: pack_filter,
                categories: category_filter,
            };
            list(format, &filter, &config, &packs)
        }
        RulesCommand::Doc {
            out,
            check,
            config,
            packs,
        } => super::rules_doc::run(&session(&config, &packs)?, &out, check),
        RulesCommand::Test {
            packs_to_test,
            config,
            mut packs,
        } => {
            // A pack named by path is loaded (with the built-ins it may build on) and tested.
            let mut ids = Vec::new();
            for p in &packs_to_test {
                if Path::new(p).exists() {
                    packs.rules.push(p.into());
                    let source = std::fs::read_to_string(p).map_err(|source| Error::Io {
                        path: p.into(),
                        source,
                    })?;
                    ids.push(pack_id_of(&source).unwrap_or_default());
                } else {
                    ids.push(p.clone());
                }
            }
            test(&session(&config, &packs)?, &ids)
        }
    }
}

/// The `[pack] id` of a pack file, read without loading it twice.
fn pack_id_of(source: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Head {
        pack: Id,
    }
    #[derive(serde::Deserialize)]
    struct Id {
        id: String,
    }
    toml::from_str::<toml::Table>(source)
        .ok()
        .and_then(|t| toml::Value::Table(t).try_into::<Head>().ok())
        .map(|h| h.pack.id)
}

#[derive(Serialize)]
struct ListedRule<'a> {
    id: &'a str,
    pack: &'a str,
    category: &'a str,
    severity: &'a str,
    kind: &'a str,
    signal: bool,
    label: &'a str,
    description: &'a str,
}

/// Which rules `rules list` shows: all, or those of the packs and categories named.
struct ListFilter {
    packs: Vec<String>,
    categories: Vec<String>,
}

impl ListFilter {
    fn keeps(&self, rule: &Rule) -> bool {
        (self.packs.is_empty() || self.packs.iter().any(|p| *p == *rule.pack))
            && (self.categories.is_empty()
                || self.categories.iter().any(|c| c == rule.category.as_str()))
    }

    /// A pack or category that no loaded rule has is a typo, not an empty list.
    fn check(&self, rules: &[Rule]) -> Result<(), Error> {
        let named = [
            (
                "pack",
                &self.packs,
                rules.iter().map(|r| &*r.pack).collect::<Vec<_>>(),
            ),
            (
                "category",
                &self.categories,
                rules.iter().map(|r| r.category.as_str()).collect(),
            ),
        ];
        for (what, wanted, mut known) in named {
            known.sort_unstable();
            known.dedup();
            if let Some(w) = wanted.iter().find(|w| !known.contains(&w.as_str())) {
                return Err(Error::Usage(format!(
                    "no {what} `{w}`{} (loaded: {})",
                    did_you_mean(w, known.iter().copied()),
                    known.join(", ")
                )));
            }
        }
        Ok(())
    }
}

/// The kind column of `rules list`: how the rule matches, or `signal` for a rule that only
/// feeds combinations.
fn kind_column(rule: &Rule) -> &'static str {
    if rule.signal {
        "signal"
    } else {
        rule.kind_name()
    }
}

fn list(
    format: ListFormat,
    filter: &ListFilter,
    config: &ConfigArgs,
    packs: &PackArgs,
) -> Result<Exit, Failure> {
    let session = session(config, packs)?;
    filter.check(&session.engine().rules().rules)?;
    let rules: Vec<(&Rule, Severity)> = session
        .engine()
        .rules()
        .rules
        .iter()
        .filter(|r| !session.is_disabled(r) && filter.keeps(r))
        .map(|r| (r, session.severity(r)))
        .collect();
    let mut out = stdout();
    match format {
        ListFormat::Json => {
            let listed: Vec<ListedRule> = rules
                .iter()
                .map(|(r, severity)| ListedRule {
                    id: &r.full_id,
                    pack: &r.pack,
                    category: r.category.as_str(),
                    severity: severity.as_str(),
                    kind: r.kind_name(),
                    signal: r.signal,
                    label: &r.label,
                    description: &r.message,
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &listed).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        ListFormat::Human => {
            let width = rules
                .iter()
                .map(|(r, _)| r.full_id.len())
                .chain(std::iter::once("RULE".len()))
                .max()
                .unwrap_or(0);
            writeln!(
                out,
                "{:width$}  {:19}  {:8}  {:11}  MESSAGE",
                "RULE", "CATEGORY", "SEVERITY", "KIND"
            )?;
            for (r, severity) in rules {
                // A signal reports nothing itself, so it has no severity to show.
                let severity = if r.signal { "-" } else { severity.as_str() };
                writeln!(
                    out,
                    "{:width$}  {:19}  {:8}  {:11}  {}",
                    r.full_id,
                    r.category.as_str(),
                    severity,
                    kind_column(r),
                    r.message
                )?;
            }
        }
    }
    out.flush()?;
    Ok(Exit::Clean)
}

/// ` (did you mean `a`, `b`?)` for the known names closest to a mistyped one, or nothing.
fn did_you_mean<'a>(typed: &str, known: impl Iterator<Item = &'a str>) -> String {
    let close = closest(typed, known);
    if close.is_empty() {
        return String::new();
    }
    let list: Vec<String> = close.iter().map(|c| format!("`{c}`")).collect();
    format!("; did you mean {}?", list.join(" or "))
}

/// Up to three known names most like `typed` (Jaro-Winkler similarity of at least 0.8), best
/// first. A bare rule id is compared with the bare part of `pack/rule` names too.
fn closest<'a>(typed: &str, known: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let typed = typed.to_lowercase();
    let mut scored: Vec<(f64, &str)> = known
        .map(|k| {
            let whole = strsim::jaro_winkler(&typed, k);
            let bare = k
                .rsplit_once('/')
                .filter(|_| !typed.contains('/'))
                .map_or(0.0, |(_, id)| strsim::jaro_winkler(&typed, id));
            (whole.max(bare), k)
        })
        .filter(|(score, _)| *score >= 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, k)| k).collect()
}

fn test(session: &Session, packs: &[String]) -> Result<Exit, Failure> {
    let report = session.run_examples(packs);
    let mut out = stdout();
    for f in &report.failures {
        let list = match f.kind {
            ExampleKind::Match => "match",
            ExampleKind::NoMatch => "no_match",
            ExampleKind::Mention => "mention",
        };
        writeln!(
            out,
            "FAIL {} [{list}] {:?}: {}",
            f.rule, f.example, f.problem
        )?;
    }
    writeln!(
        out,
        "{} passed, {} failed",
        presend_report::counted(report.passed, "example", "examples"),
        report.failures.len()
    )?;
    out.flush()?;
    Ok(if report.failures.is_empty() {
        Exit::Clean
    } else {
        Exit::Findings
    })
}

pub fn explain(args: ExplainArgs) -> Result<Exit, Failure> {
    let session = session(&args.config, &args.packs)?;
    let set = session.engine().rules();
    let Some(index) = set.find(&args.rule) else {
        let known = set.rules.iter().map(|r| &*r.full_id);
        return Err(Error::Usage(format!(
            "no rule `{}`{} (see `presend rules list`)",
            args.rule,
            did_you_mean(&args.rule, known)
        ))
        .into());
    };
    let mut out = stdout();
    let rule = &set.rules[index];
    let mut text = render_explanation(rule, session.severity(rule), set);
    if session.is_disabled(rule) {
        if let Some(config) = session.config() {
            text += &format!(
                "Disabled by {}: `presend check` does not report it\n",
                config.file.display()
            );
        }
    }
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(Exit::Clean)
}

/// The full documentation of a rule, as `presend explain` prints it.
fn render_explanation(rule: &Rule, severity: Severity, set: &presend_rules::RuleSet) -> String {
    let mut s = String::new();
    let severity = if rule.signal {
        "signal (reports nothing itself)".to_string()
    } else {
        severity.to_string()
    };
    s += &format!("{} — {}\n", rule.full_id, rule.label);
    s += &format!(
        "category: {}   severity: {}   kind: {}{}\n\n",
        rule.category,
        severity,
        rule.kind_name(),
        match &rule.kind {
            RuleKind::Pattern {
                validator: Some(v), ..
            } => format!(" (validated: {})", v.description),
            RuleKind::Combination { signals, min } => format!(
                " (at least {min} of: {})",
                signals
                    .iter()
                    .map(|&i| set.rules[i].label.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            _ => String::new(),
        }
    );
    section(&mut s, "What it finds", &rule.message);
    if !rule.why.is_empty() {
        section(&mut s, "Why it matters", &rule.why);
    }
    if !rule.instead.is_empty() {
        section(&mut s, "What to do instead", &rule.instead);
    }
    if !rule.references.is_empty() {
        s += "References\n";
        for r in &rule.references {
            s += &format!("  - {r}\n");
        }
        s += "\n";
    }
    let examples = [
        ("Flagged", &rule.examples.matches),
        ("Not flagged", &rule.examples.no_match),
        ("Mentioned, not used (info at most)", &rule.examples.mention),
    ];
    for (title, list) in examples {
        if !list.is_empty() {
            s += &format!("{title}\n");
            for e in list {
                s += &format!("  {e}\n");
            }
            s += "\n";
        }
    }
    s += &format!("Defined in {} line {}\n", rule.source, rule.line);
    s
}

fn section(s: &mut String, title: &str, body: &str) {
    s.push_str(title);
    s.push('\n');
    for line in wrap(body, 88) {
        s.push_str("  ");
        s.push_str(&line);
        s.push('\n');
    }
    s.push('\n');
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}
