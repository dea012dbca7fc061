//! Reading packs: TOML → serde structs → checked [`RuleSet`].
//!
//! Loading happens in two steps because packs refer to each other: a user's pack may use the
//! built-in `patient-referent` lexicon or count a built-in signal. Step one parses every pack;
//! step two resolves names and checks each rule. Every error names the file, the line and the
//! rule id.

use super::schema::{self, CheckDef, PackFile, RuleDef, TermDef, TermSetDef};
use super::{
    Channel, Context, Escalation, Examples, Lexicon, Limit, NegativeContext, PackInfo, Rule,
    RuleKind, RuleSet, Term, TermSet,
};
use crate::analysis::{self, LAZY_UNITS};
use crate::prepared::from_prepared;
use crate::validator as validators;
use presend_core::error::{Error, PackError};
use regex_automata::nfa::thompson;
use regex_automata::{hybrid, meta};
use regex_syntax::hir::Hir;
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// Collects packs, then checks and links them into a [`RuleSet`].
#[derive(Default)]
pub struct RuleSetBuilder {
    parsed: Vec<ParsedPack>,
}

struct ParsedPack {
    file: String,
    /// The TOML text (borrowed for a built-in pack), for line numbers.
    source: Cow<'static, str>,
    pack: PackFile,
    /// Byte offsets of the source's line breaks, for naming the line of each rule.
    newlines: Vec<usize>,
}

impl ParsedPack {
    /// 1-based line of byte `offset` (as [`line_of`], by binary search: a pack with a hundred
    /// rules is not read a hundred times).
    fn line(&self, offset: usize) -> usize {
        self.newlines
            .partition_point(|&n| n < offset.min(self.source.len()))
            + 1
    }
}

/// Parse one pack's TOML without linking it (useful to check a file on its own).
pub fn load_pack_source(file: &str, source: &str) -> Result<RuleSet, Error> {
    let mut b = RuleSetBuilder::default();
    b.add_source(file, source)?;
    b.finish()
}

impl RuleSetBuilder {
    /// Add presend's own pack ([`super::PRESEND_PACK`]): the checks the application reports,
    /// the channels and the lexicons validators read. Every session loads it.
    pub fn add_presend(&mut self) -> Result<(), Error> {
        let (name, source) = super::PRESEND_PACK;
        self.add_embedded(name, source)
    }

    /// Add the packs embedded in the binary, presend's own pack first.
    pub fn add_builtin(&mut self) -> Result<(), Error> {
        self.add_presend()?;
        for (name, source) in super::BUILTIN_PACKS {
            self.add_embedded(name, source)?;
        }
        Ok(())
    }

    /// Add a built-in pack from the form the build prepared from its TOML ([`crate::prepared`]:
    /// reading it costs a fraction of parsing the TOML); from the TOML itself if the build could
    /// not convert it, so a broken pack gets the usual error.
    fn add_embedded(&mut self, name: &str, source: &'static str) -> Result<(), Error> {
        let file = format!("<built-in>/{name}");
        let prepared = crate::builtin::embedded_pack(name)
            .and_then(|(tape, strings)| from_prepared::<PackFile>(tape, strings).ok());
        match prepared {
            Some(pack) => self.push(file, Cow::Borrowed(source), pack),
            None => self.add_source(&file, source),
        }
    }

    /// Add a pack file, or every `*.toml` file in a directory (sorted by name).
    pub fn add_path(&mut self, path: &Path) -> Result<(), Error> {
        let io = |source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        if path.is_dir() {
            let mut files: Vec<_> = std::fs::read_dir(path)
                .map_err(io)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect();
            files.sort();
            return files.iter().try_for_each(|f| self.add_path(f));
        }
        let source = std::fs::read_to_string(path).map_err(io)?;
        self.add_source(&path.display().to_string(), &source)
    }

    /// Add a pack from its TOML text; `file` names it in errors.
    pub fn add_source(&mut self, file: &str, source: &str) -> Result<(), Error> {
        let pack: PackFile = toml::from_str(source).map_err(|e| {
            let offset = e.span().map(|s| s.start);
            PackError {
                file: file.to_string(),
                line: offset.map(|o| line_of(source, o)),
                rule: offset.and_then(|o| rule_id_around(source, o)),
                message: e.message().trim().to_string(),
            }
        })?;
        self.push(file.to_string(), Cow::Owned(source.to_string()), pack)
    }

    /// Add a parsed pack, unless a pack with its id is already loaded.
    fn push(
        &mut self,
        file: String,
        source: Cow<'static, str>,
        pack: PackFile,
    ) -> Result<(), Error> {
        if let Some(other) = self
            .parsed
            .iter()
            .find(|p| p.pack.pack.id.get_ref() == pack.pack.id.get_ref())
        {
            return Err(PackError {
                line: Some(line_of(&source, pack.pack.id.span().start)),
                file,
                rule: None,
                message: format!(
                    "pack id `{}` is already loaded from {}",
                    pack.pack.id.get_ref(),
                    other.file
                ),
            }
            .into());
        }
        let newlines = memchr_all(b'\n', source.as_bytes());
        self.parsed.push(ParsedPack {
            file,
            source,
            pack,
            newlines,
        });
        Ok(())
    }

    /// Check every rule and resolve every reference.
    pub fn finish(mut self) -> Result<RuleSet, Error> {
        let mut set = RuleSet::default();
        let lexicon_index = collect_lexicons(&mut self.parsed, &mut set)?;
        // Rule ids first, so rules may refer to rules defined later in the file.
        let mut rule_index: HashMap<String, usize> = HashMap::new();
        let mut next = 0;
        for p in &self.parsed {
            let mut seen = HashMap::new();
            for r in &p.pack.rule {
                let id = r.id.get_ref();
                let line = p.line(r.id.span().start);
                if let Some(first) = seen.insert(id.clone(), line) {
                    return Err(PackError {
                        file: p.file.clone(),
                        line: Some(line),
                        rule: Some(id.clone()),
                        message: format!("duplicate rule id (first defined on line {first})"),
                    }
                    .into());
                }
                rule_index.insert(format!("{}/{}", p.pack.pack.id.get_ref(), id), next);
                next += 1;
            }
        }
        // The definitions move into the rule set (their text is not copied).
        for p in &mut self.parsed {
            let pack_id: Arc<str> = p.pack.pack.id.get_ref().as_str().into();
            set.packs.push(PackInfo {
                id: pack_id.clone(),
                name: p.pack.pack.name.clone(),
                version: p.pack.pack.version.clone(),
                description: p.pack.pack.description.clone(),
                source: p.file.clone(),
                allow: p.pack.pack.allow.clone(),
            });
            let names = Names {
                pack: &pack_id,
                lexicons: &lexicon_index,
                rules: &rule_index,
            };
            for def in std::mem::take(&mut p.pack.rule) {
                let line = p.line(def.id.span().start);
                let id = def.id.get_ref().clone();
                let err = |message: String| PackError {
                    file: p.file.clone(),
                    line: Some(line),
                    rule: Some(id),
                    message,
                };
                let rule = build_rule(def, &pack_id, &names, &p.file, line).map_err(err)?;
                set.rules.push(rule);
            }
        }
        // Checks come after every pack's rules, so rule indices the engine links stay dense.
        for p in &self.parsed {
            for def in &p.pack.check {
                let rule = build_check(def, p, &set)?;
                set.rules.push(rule);
            }
            collect_channels(p, &mut set)?;
        }
        check_references(&set)?;
        mark_validator_lexicons(&mut set);
        Ok(set)
    }
}

fn collect_lexicons(
    parsed: &mut [ParsedPack],
    set: &mut RuleSet,
) -> Result<HashMap<String, usize>, Error> {
    let mut index: HashMap<String, usize> = HashMap::new();
    for p in parsed {
        for (id, def) in std::mem::take(&mut p.pack.lexicon) {
            let terms = def
                .terms
                .into_iter()
                .map(term)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|message| PackError {
                    file: p.file.clone(),
                    line: find_line(&p.source, &format!("[lexicon.{id}]")),
                    rule: Some(format!("lexicon {id}")),
                    message,
                })?;
            match index.get(&id) {
                // A pack that defines a lexicon another pack already defined extends it, so a
                // trust can add local words to `patient-referent` without copying it.
                Some(&i) => set.lexicons[i].terms.extend(terms),
                None => {
                    index.insert(id.clone(), set.lexicons.len());
                    set.lexicons.push(Lexicon {
                        id,
                        description: def.description,
                        terms,
                        matched: true,
                    });
                }
            }
        }
    }
    Ok(index)
}

/// A `[[check]]`: a rule the application reports itself, under the id the code gives it.
fn build_check(def: &CheckDef, p: &ParsedPack, set: &RuleSet) -> Result<Rule, Error> {
    let full_id = def.id.get_ref();
    let line = p.line(def.id.span().start);
    let err = |message: String| -> Error {
        PackError {
            file: p.file.clone(),
            line: Some(line),
            rule: Some(full_id.clone()),
            message,
        }
        .into()
    };
    if !crate::checks::CHECKS.contains(&full_id.as_str()) {
        return Err(err(format!(
            "no check `{full_id}`: a [[check]] describes one the application reports ({})",
            crate::checks::CHECKS.join(", ")
        )));
    }
    if set.rules.iter().any(|r| *r.full_id == **full_id) {
        return Err(err("duplicate check id".into()));
    }
    let (pack, id) = full_id.split_once('/').unwrap_or(("presend", full_id));
    Ok(Rule {
        pack: pack.into(),
        id: id.to_string(),
        full_id: full_id.as_str().into(),
        category: def.category,
        severity: def.severity,
        message: def.message.clone(),
        label: def.label.clone(),
        why: def.why.clone(),
        instead: def.instead.clone(),
        references: def.references.clone(),
        signal: false,
        blurred: false,
        confidence: 1.0,
        kind: RuleKind::Check,
        context: None,
        negative_context: None,
        allow: Vec::new(),
        channels: Vec::new(),
        examples: Examples::default(),
        source: p.file.clone(),
        line,
    })
}

/// A pack's `[[channel]]` tables and its `[messaging-app]` table.
fn collect_channels(p: &ParsedPack, set: &mut RuleSet) -> Result<(), Error> {
    for def in &p.pack.channel {
        let id = def.id.get_ref().trim().to_lowercase();
        let aliases: Vec<String> = def
            .aliases
            .iter()
            .map(|a| a.trim().to_lowercase())
            .collect();
        if let Some(taken) = std::iter::once(&id)
            .chain(&aliases)
            .find(|n| set.channel(n).is_some())
        {
            return Err(PackError {
                file: p.file.clone(),
                line: Some(p.line(def.id.span().start)),
                rule: Some(format!("channel {id}")),
                message: format!("channel name `{taken}` is already defined"),
            }
            .into());
        }
        set.channels.push(Channel {
            id,
            name: def.name.clone(),
            aliases,
            messaging_app: def.messaging_app,
            limit: def.limit.as_ref().map(|l| Limit {
                max: l.max,
                unit: l.unit.clone(),
                counting: l.counting,
                rule: l.rule.clone(),
            }),
        });
    }
    if let Some(e) = &p.pack.messaging_app {
        set.messaging_app = Some(Escalation {
            message: e.message.clone(),
            note: e.note.clone(),
        });
    }
    Ok(())
}

/// A lexicon only validators read is not looked for in text.
fn mark_validator_lexicons(set: &mut RuleSet) {
    let mut in_text = vec![false; set.lexicons.len()];
    let mut by_validator = vec![false; set.lexicons.len()];
    let mut mark = |ts: &TermSet| ts.lexicons.iter().for_each(|&l| in_text[l] = true);
    for rule in &set.rules {
        match &rule.kind {
            RuleKind::Terms(ts) => mark(ts),
            RuleKind::Near { a, b, .. } => {
                mark(a);
                mark(b);
            }
            _ => {}
        }
        if let Some(c) = &rule.context {
            mark(&c.words);
        }
        if let Some(c) = &rule.negative_context {
            mark(&c.words);
        }
    }
    for rule in &set.rules {
        if let RuleKind::Pattern {
            validator: Some(v), ..
        } = &rule.kind
        {
            if let Some(l) = v.lexicon.and_then(|name| set.lexicon(name)) {
                by_validator[l] = true;
            }
        }
    }
    for (i, lexicon) in set.lexicons.iter_mut().enumerate() {
        lexicon.matched = in_text[i] || !by_validator[i];
    }
}

struct Names<'a> {
    pack: &'a str,
    lexicons: &'a HashMap<String, usize>,
    rules: &'a HashMap<String, usize>,
}

impl Names<'_> {
    fn lexicon(&self, name: &str) -> Result<usize, String> {
        self.lexicons
            .get(name)
            .copied()
            .ok_or_else(|| format!("unknown lexicon `{name}`"))
    }

    fn rule(&self, name: &str) -> Result<usize, String> {
        let full = if name.contains('/') {
            name.to_string()
        } else {
            format!("{}/{name}", self.pack)
        };
        self.rules
            .get(&full)
            .copied()
            .ok_or_else(|| format!("unknown rule `{name}`"))
    }

    fn term_set(
        &self,
        terms: Vec<TermDef>,
        lexicons: &[String],
        rules: &[String],
    ) -> Result<TermSet, String> {
        Ok(TermSet {
            terms: terms.into_iter().map(term).collect::<Result<_, _>>()?,
            lexicons: lexicons
                .iter()
                .map(|l| self.lexicon(l))
                .collect::<Result<_, _>>()?,
            rules: rules
                .iter()
                .map(|r| self.rule(r))
                .collect::<Result<_, _>>()?,
        })
    }

    fn set_def(&self, def: TermSetDef) -> Result<TermSet, String> {
        self.term_set(def.terms, &def.lexicons, &def.rules)
    }
}

fn term(def: TermDef) -> Result<Term, String> {
    let (text, suggestion, case_sensitive) = match def {
        TermDef::Plain(t) => (t, None, false),
        TermDef::Detailed(d) => (d.term, d.suggest, d.case_sensitive.unwrap_or(false)),
    };
    // Nearly every term starts with a letter or digit, which passes both checks below (the
    // built-in packs have 24,000 terms; checking each the long way cost 1.5 M instructions).
    if !text.chars().next().is_some_and(char::is_alphanumeric) {
        if !text.chars().any(char::is_alphanumeric)
            && text.chars().filter(|c| *c != '*').count() < 1
        {
            return Err(format!("term `{text}` has nothing to match"));
        }
        if text.trim().is_empty() {
            return Err("empty term".to_string());
        }
    }
    Ok(Term {
        text,
        suggestion,
        case_sensitive,
    })
}

fn build_rule(
    mut def: RuleDef,
    pack: &Arc<str>,
    names: &Names,
    file: &str,
    line: usize,
) -> Result<Rule, String> {
    let id = def.id.get_ref().clone();
    if id.is_empty() || id.contains('/') || id.contains(char::is_whitespace) {
        return Err("rule id must be non-empty, without `/` or spaces".into());
    }
    let kind = build_kind(&mut def, names)?;
    if !def.signal {
        for (field, value) in [("why", &def.why), ("instead", &def.instead)] {
            if value.as_deref().is_none_or(|v| v.trim().is_empty()) {
                return Err(format!(
                    "missing `{field}` (only `signal = true` rules may omit it)"
                ));
            }
        }
    }
    let confidence = def.confidence.unwrap_or(match kind {
        RuleKind::Pattern { .. } => crate::scoring::PATTERN_BASE,
        _ => crate::scoring::OTHER_BASE,
    });
    if !(0.0..=1.0).contains(&confidence) {
        return Err("`confidence` must be between 0 and 1".into());
    }
    let context = match def.context.take() {
        None => None,
        Some(c) => Some(Context {
            words: names.term_set(c.words, &c.lexicons, &[])?,
            window: c.window,
            required: c.required,
            boost: c.boost.unwrap_or(crate::scoring::CONTEXT_BOOST),
        }),
    };
    let negative_context = match def.negative_context.take() {
        None => None,
        Some(c) => Some(NegativeContext {
            words: names.term_set(c.words, &c.lexicons, &[])?,
            window: c.window,
            effect: c.effect,
        }),
    };
    Ok(Rule {
        pack: pack.clone(),
        full_id: format!("{pack}/{id}").into(),
        id,
        category: def.category,
        severity: def.severity,
        label: def
            .label
            .unwrap_or_else(|| def.id.get_ref().replace('-', " ")),
        message: def.message,
        why: def.why.unwrap_or_default(),
        instead: def.instead.unwrap_or_default(),
        references: def.references,
        signal: def.signal,
        blurred: def.blurred,
        confidence,
        kind,
        context,
        negative_context,
        allow: def.allow,
        channels: def.channels.iter().map(|c| c.to_lowercase()).collect(),
        examples: Examples {
            matches: def.examples.matches,
            no_match: def.examples.no_match,
            mention: def.examples.mention,
            channel: def.examples.channel.as_ref().map(|c| c.to_lowercase()),
        },
        source: file.to_string(),
        line,
    })
}

/// The rule's kind; the definitions it reads move out of `def`.
fn build_kind(def: &mut RuleDef, names: &Names) -> Result<RuleKind, String> {
    let has_terms = !def.terms.is_empty() || !def.lexicons.is_empty();
    let kinds = [
        ("pattern", def.pattern.is_some()),
        ("terms", has_terms),
        ("near", def.near.is_some()),
        ("combination", def.combination.is_some()),
    ];
    let given: Vec<_> = kinds.iter().filter(|k| k.1).map(|k| k.0).collect();
    match given.as_slice() {
        [] => {
            return Err(
                "a rule needs one of `pattern`, `terms`/`lexicons`, `near` or `combination`".into(),
            )
        }
        [_] => {}
        many => {
            return Err(format!(
                "a rule has one kind, this one has {}",
                many.join(" and ")
            ))
        }
    }
    let pattern_only = |field: &str, set: bool| {
        if set && def.pattern.is_none() {
            Err(format!("`{field}` applies only to `pattern` rules"))
        } else {
            Ok(())
        }
    };
    pattern_only("validate", def.validate.is_some())?;
    pattern_only("keep", def.keep.is_some())?;
    pattern_only("keywords", !def.keywords.is_empty())?;

    if let Some(pattern) = &def.pattern {
        let sources = match pattern {
            schema::OneOrMany::One(s) => vec![s.clone()],
            schema::OneOrMany::Many(v) => v.clone(),
        };
        if sources.is_empty() {
            return Err("`pattern` is an empty list".into());
        }
        let regexes = sources
            .iter()
            .map(|p| Pattern::new(p))
            .collect::<Result<_, _>>()?;
        let validator = match &def.validate {
            None => None,
            Some(name) => Some(validators::lookup(name).ok_or_else(|| {
                let known: Vec<_> = validators::VALIDATORS.iter().map(|v| v.name).collect();
                format!("unknown validator `{name}` (known: {})", known.join(", "))
            })?),
        };
        if let Some(lexicon) = validator.and_then(|v| v.lexicon) {
            names.lexicon(lexicon).map_err(|_| {
                format!("validator `{}` reads lexicon `{lexicon}`, which no loaded pack defines (presend's own pack does)", validator.map_or("", |v| v.name))
            })?;
        }
        let keep = def.keep.unwrap_or_default();
        if keep == schema::Keep::Invalid && validator.is_none() {
            return Err("`keep = \"invalid\"` needs a `validate`".into());
        }
        return Ok(RuleKind::Pattern {
            regexes,
            validator,
            keep,
            keywords: std::mem::take(&mut def.keywords)
                .into_iter()
                .map(|k| term(TermDef::Plain(k)))
                .collect::<Result<_, _>>()?,
        });
    }
    if has_terms {
        let mut set = names.term_set(std::mem::take(&mut def.terms), &def.lexicons, &[])?;
        if def.case_sensitive {
            set.terms.iter_mut().for_each(|t| t.case_sensitive = true);
        }
        return Ok(RuleKind::Terms(set));
    }
    if let Some(near) = def.near.take() {
        let (a, b) = (names.set_def(near.a)?, names.set_def(near.b)?);
        if a.is_empty() || b.is_empty() {
            return Err("`near.a` and `near.b` each need terms, lexicons or rules".into());
        }
        return Ok(RuleKind::Near {
            a,
            b,
            window: near.window,
            ordered: near.ordered,
        });
    }
    let c = def.combination.as_ref().expect("one kind is set");
    let signals: Vec<usize> = c
        .signals
        .iter()
        .map(|s| names.rule(s))
        .collect::<Result<_, _>>()?;
    if c.min < 1 || c.min > signals.len() {
        return Err(format!(
            "`combination.min` must be between 1 and the number of signals ({})",
            signals.len()
        ));
    }
    Ok(RuleKind::Combination {
        signals,
        min: c.min,
    })
}

/// An upper bound on NFA bytes per [`analysis::nfa_units`] unit, beyond a fixed [`NFA_BASE_BYTES`]
/// (both checked by the tests).
#[cfg(test)]
const BYTES_PER_UNIT: u64 = 64;
#[cfg(test)]
const NFA_BASE_BYTES: u64 = 4096;

/// The compiled-size limit of one pack pattern.
const SIZE_LIMIT: usize = 1 << 22;
/// The lazy DFA cache of a compiled pattern, per thread (what `regex` gives it).
const CACHE_CAPACITY: usize = 2 * (1 << 20);

/// A pack regex: checked when the pack loads; the engine compiles it when a scan first runs it.
///
/// Why: compiling a regex costs far more than parsing it, and one draft usually needs only a few
/// of a pack's patterns, or none. Loading still reports every error with file, line and rule:
/// the syntax is parsed at load time with the same settings compilation uses, and a pattern large
/// enough to approach the size limit is compiled there and then (and the result dropped).
/// A built-in pattern was parsed and analysed when presend was built (`build.rs`), so loading
/// takes its analysis from there and parses it only when a scan first compiles it.
#[derive(Clone)]
pub struct Pattern {
    source: Box<str>,
    /// The parsed pattern: at load time, or on first use for a pattern the build checked.
    hir: OnceLock<Hir>,
    /// The literals every match starts with ([`analysis::anchor_literals`]).
    anchors: Option<Vec<Vec<u8>>>,
}

impl std::fmt::Debug for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pattern")
            .field("source", &self.source)
            .field("anchors", &self.anchors)
            .finish()
    }
}

impl Pattern {
    /// Check `source` as [`compile_pattern`] would, without compiling it unless it is large.
    pub fn new(source: &str) -> Result<Pattern, String> {
        if let Some(anchors) = crate::builtin::checked_pattern(source) {
            return Ok(Pattern {
                source: source.into(),
                hir: OnceLock::new(),
                anchors: anchors.map(|lits| lits.iter().map(|l| l.to_vec()).collect()),
            });
        }
        let hir = parse(source)?;
        if analysis::nfa_units(&hir) > LAZY_UNITS {
            compile_pattern(source)?;
        }
        Ok(Pattern {
            source: source.into(),
            anchors: analysis::anchor_literals(&hir),
            hir: OnceLock::from(hir),
        })
    }

    /// The pattern as written in the pack.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The lower-case literals every match starts with, when the pattern begins with an ASCII
    /// word boundary and a few literals ([`analysis::anchor_literals`]); `None` otherwise.
    pub fn anchors(&self) -> Option<&[Vec<u8>]> {
        self.anchors.as_deref()
    }

    /// The parsed pattern (parsed now if loading took its analysis from the build).
    pub fn hir(&self) -> Result<&Hir, String> {
        if let Some(hir) = self.hir.get() {
            return Ok(hir);
        }
        let hir = parse(&self.source)?;
        Ok(self.hir.get_or_init(|| hir))
    }

    /// Compile the pattern. The engine does this the first time a scan needs it and keeps the
    /// result; the model holds no compiled state.
    pub fn compile(&self) -> Result<meta::Regex, String> {
        builder()
            .build_from_hir(self.hir()?)
            .map_err(|e| build_error(&self.source, &e))
    }

    /// A forward-only lazy DFA for the pattern, for searches anchored where a match must
    /// start: it reports where the leftmost-first match [`Pattern::compile`]'s regex would give
    /// ends, and the start is the anchor. It skips what that regex also builds (capture states,
    /// a reverse automaton to find starts), which anchored searches never use. Built with the
    /// same NFA and lazy DFA settings, so it quits (and the caller falls back to the full regex)
    /// wherever that regex's lazy DFA would.
    pub fn compile_forward(&self) -> Result<hybrid::dfa::DFA, String> {
        let nfa = thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .utf8(false)
                    .nfa_size_limit(Some(SIZE_LIMIT))
                    .shrink(false)
                    .which_captures(thompson::WhichCaptures::None),
            )
            .build_from_hir(self.hir()?)
            .map_err(|e| invalid(&self.source, &e.to_string()))?;
        hybrid::dfa::Builder::new()
            .configure(
                hybrid::dfa::Config::new()
                    .match_kind(regex_automata::MatchKind::LeftmostFirst)
                    .unicode_word_boundary(true)
                    .cache_capacity(CACHE_CAPACITY)
                    .skip_cache_capacity_check(false)
                    .minimum_cache_clear_count(Some(3))
                    .minimum_bytes_per_state(Some(10)),
            )
            .build_from_nfa(nfa)
            .map_err(|e| invalid(&self.source, &e.to_string()))
    }

    /// The syntax settings every pack pattern is parsed with: those of a `regex::bytes` regex
    /// with Unicode off.
    pub fn syntax() -> regex_automata::util::syntax::Config {
        analysis::syntax()
    }
}

/// Parse a pack pattern, with the error `regex` gives.
fn parse(source: &str) -> Result<Hir, String> {
    regex_automata::util::syntax::parse_with(source, &analysis::syntax())
        .map_err(|e| invalid(source, &e.to_string()))
}

/// Compile a pack pattern: the regex engine `regex::bytes::Regex` wraps, configured as
/// `regex::bytes::RegexBuilder::new(p).unicode(false).size_limit(4 MiB)` configures it (same
/// matches, same errors), except that it extracts no literal prefilter: patterns run on short
/// messages, mostly anchored where the term pass saw they can start (see the engine), where a
/// prefilter saves nothing and costs start-up time.
///
/// Unicode is off by default: `\b`, `\d`, `\w`, `\s` and `(?i)` are ASCII, which keeps the fast
/// DFA engines usable on text with emoji (the regex crate's lazy DFA gives up on a Unicode `\b`
/// as soon as it meets a non-ASCII byte; see its documentation on Unicode word boundaries). The
/// engine normalises text first, so full-width digits are ASCII by then. A pattern opts back in with `(?u:…)`.
pub fn compile_pattern(pattern: &str) -> Result<meta::Regex, String> {
    builder()
        .build(pattern)
        .map_err(|e| build_error(pattern, &e))
}

fn builder() -> meta::Builder {
    let mut b = meta::Builder::new();
    b.syntax(Pattern::syntax()).configure(
        meta::Config::new()
            .match_kind(regex_automata::MatchKind::LeftmostFirst)
            .utf8_empty(false)
            .nfa_size_limit(Some(SIZE_LIMIT))
            .hybrid_cache_capacity(CACHE_CAPACITY)
            .auto_prefilter(false),
    );
    b
}

/// The message `regex` gives for the same failure.
fn build_error(pattern: &str, e: &meta::BuildError) -> String {
    let message = match (e.size_limit(), e.syntax_error()) {
        (Some(limit), _) => format!("Compiled regex exceeds size limit of {limit} bytes."),
        (None, Some(syntax)) => syntax.to_string(),
        (None, None) => e.to_string(),
    };
    invalid(pattern, &message)
}

fn invalid(pattern: &str, error: &str) -> String {
    format!("invalid regex `{pattern}`: {}", first_line(error))
}

fn first_line(s: &str) -> String {
    s.lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
        .trim_start_matches("error: ")
        .to_string()
}

/// Near sides may use pattern and terms rules; combinations may also count near rules. Nothing
/// refers to a combination, so evaluation order is simply: base rules, near, combination.
fn check_references(set: &RuleSet) -> Result<(), Error> {
    for rule in &set.rules {
        let err = |message: String| -> Error {
            PackError {
                file: rule.source.clone(),
                line: Some(rule.line),
                rule: Some(rule.id.clone()),
                message,
            }
            .into()
        };
        let used: Vec<usize> = match &rule.kind {
            RuleKind::Near { a, b, .. } => a.rules.iter().chain(&b.rules).copied().collect(),
            RuleKind::Combination { signals, .. } => signals.clone(),
            _ => continue,
        };
        for u in used {
            let target = &set.rules[u];
            let allowed = matches!(
                (&rule.kind, &target.kind),
                (_, RuleKind::Pattern { .. } | RuleKind::Terms(_))
                    | (RuleKind::Combination { .. }, RuleKind::Near { .. })
            );
            if !allowed {
                return Err(err(format!(
                    "a {} rule cannot use the {} rule `{}`",
                    rule.kind_name(),
                    target.kind_name(),
                    target.full_id
                )));
            }
        }
    }
    Ok(())
}

/// 1-based line of byte `offset`.
fn line_of(source: &str, offset: usize) -> usize {
    source.as_bytes()[..offset.min(source.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn memchr_all(needle: u8, haystack: &[u8]) -> Vec<usize> {
    memchr::memchr_iter(needle, haystack).collect()
}

fn find_line(source: &str, needle: &str) -> Option<usize> {
    source.find(needle).map(|o| line_of(source, o))
}

/// The id of the `[[rule]]` table around byte `offset`, read from the raw text, so that serde
/// errors (unknown field, unknown category) can name the rule they are in.
fn rule_id_around(source: &str, offset: usize) -> Option<String> {
    let offset = offset.min(source.len());
    let start = source[..offset].rfind("[[rule]]")?;
    let table = &source[start + "[[rule]]".len()..];
    let end = table
        .match_indices("\n[")
        .map(|(i, _)| i)
        .next()
        .unwrap_or(table.len());
    table[..end].lines().find_map(|l| {
        let (key, value) = l.split_once('=')?;
        (key.trim() == "id").then(|| value.trim().trim_matches(['"', '\'']).to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str =
        "[pack]\nid = \"t\"\nname = \"T\"\nversion = \"1\"\ndescription = \"test\"\n";

    fn load(body: &str) -> Result<RuleSet, Error> {
        load_pack_source("t.toml", &format!("{HEADER}{body}"))
    }

    fn pack_error(body: &str) -> PackError {
        match load(body) {
            Err(Error::Pack(e)) => e,
            other => panic!("expected a pack error, got {other:?}"),
        }
    }

    const RULE: &str = "[[rule]]\nid = \"r\"\ncategory = \"conduct\"\nseverity = \"info\"\nmessage = \"m\"\nwhy = \"w\"\ninstead = \"i\"\n";

    #[test]
    fn unknown_field_names_file_line_and_rule() {
        let e = pack_error(&format!("{RULE}terms = [\"x\"]\nbogus = 1\n"));
        assert_eq!(e.file, "t.toml");
        assert_eq!(e.line, Some(14));
        assert_eq!(e.rule.as_deref(), Some("r"));
        assert!(e.message.contains("bogus"), "{}", e.message);
    }

    #[test]
    fn unknown_category_is_rejected_with_its_rule() {
        let e = pack_error(
            &RULE
                .replace("conduct", "rudeness")
                .replace("\"r\"", "\"rude\""),
        );
        assert_eq!(e.rule.as_deref(), Some("rude"));
        assert!(e.message.contains("rudeness"), "{}", e.message);
    }

    #[test]
    fn bad_regex_is_rejected_with_its_rule_and_line() {
        let e = pack_error(&format!("{RULE}pattern = \"(unclosed\"\n"));
        assert_eq!(e.line, Some(7));
        assert_eq!(e.rule.as_deref(), Some("r"));
        assert!(e.message.contains("invalid regex"), "{}", e.message);
    }

    #[test]
    fn unknown_validator_is_rejected() {
        let e = pack_error(&format!(
            "{RULE}pattern = \"[0-9]+\"\nvalidate = \"luhn-ish\"\n"
        ));
        assert!(
            e.message.contains("unknown validator `luhn-ish`"),
            "{}",
            e.message
        );
    }

    #[test]
    fn duplicate_rule_ids_are_rejected() {
        let e = pack_error(&format!("{RULE}terms = [\"x\"]\n{RULE}terms = [\"y\"]\n"));
        // The second rule's `id` is on line 15 (5 header lines, 8 for the first rule, `[[rule]]`).
        assert_eq!(e.line, Some(15));
        assert!(e.message.contains("duplicate rule id"), "{}", e.message);
    }

    #[test]
    fn a_rule_has_exactly_one_kind() {
        let e = pack_error(&format!("{RULE}terms = [\"x\"]\npattern = \"y\"\n"));
        assert!(e.message.contains("pattern and terms"), "{}", e.message);
    }

    #[test]
    fn reporting_rules_need_why_and_instead_but_signals_do_not() {
        let no_why = RULE.replace("why = \"w\"\n", "");
        assert!(pack_error(&format!("{no_why}terms = [\"x\"]\n"))
            .message
            .contains("`why`"));
        let signal = format!("{no_why}signal = true\nterms = [\"x\"]\n");
        assert!(load(&signal).is_ok());
    }

    #[test]
    fn lines_by_binary_search_agree_with_counting() {
        let source = "a\nbb\n\nccc\n";
        let p = ParsedPack {
            file: "f".into(),
            source: source.into(),
            pack: toml::from_str(HEADER).unwrap(),
            newlines: memchr_all(b'\n', source.as_bytes()),
        };
        for offset in 0..=source.len() + 3 {
            assert_eq!(p.line(offset), line_of(source, offset), "{offset}");
        }
    }

    /// The built-in packs as the build prepared them (tape, patterns analysed) load to exactly the
    /// rule set their TOML gives, parsed and analysed at run time.
    #[test]
    fn embedded_packs_load_as_their_toml_does() {
        let mut from_toml = RuleSetBuilder::default();
        let mut from_build = RuleSetBuilder::default();
        let mut packs = vec![crate::PRESEND_PACK];
        packs.extend(crate::BUILTIN_PACKS);
        for (name, source) in packs {
            let file = format!("<built-in>/{name}");
            from_toml.add_source(&file, source).unwrap();
            let (tape, strings) =
                crate::builtin::embedded_pack(name).expect("the build converted it");
            let pack: PackFile = from_prepared(tape, strings).unwrap();
            from_build.push(file, Cow::Borrowed(source), pack).unwrap();
        }
        let (from_toml, from_build) = (from_toml.finish().unwrap(), from_build.finish().unwrap());
        assert_eq!(format!("{from_toml:#?}"), format!("{from_build:#?}"));
        assert_eq!(
            format!("{from_build:#?}"),
            format!("{:#?}", crate::RuleSet::builtin().unwrap())
        );
        // Every built-in pattern was analysed by the build, as loading would analyse it.
        for rule in &from_build.rules {
            if let RuleKind::Pattern { regexes, .. } = &rule.kind {
                for re in regexes {
                    let analysed = crate::builtin::checked_pattern(re.as_str());
                    let analysed = analysed.expect("the build analysed it");
                    let hir = parse(re.as_str()).unwrap();
                    let here = analysis::anchor_literals(&hir);
                    let built = analysed.map(|l| l.iter().map(|b| b.to_vec()).collect::<Vec<_>>());
                    assert_eq!(built, here, "{}", re.as_str());
                }
            }
        }
        let channels: Vec<&str> = from_build.channels.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(channels, crate::PRESEND_CHANNEL_IDS);
    }

    /// Terms are read one way from TOML and another from the built-in packs' prepared form; the
    /// TOML errors are serde's untagged-enum ones, on the line where the list starts.
    #[test]
    fn a_term_of_the_wrong_type_is_reported_as_before() {
        for bad in ["7", "{ term = \"x\", bogus = 1 }", "true"] {
            let e = pack_error(&format!("{RULE}terms = [\n  \"a\",\n  {bad},\n]\n"));
            assert_eq!(e.line, Some(13), "{bad}");
            assert_eq!(e.rule.as_deref(), Some("r"));
            assert_eq!(
                e.message, "data did not match any variant of untagged enum TermDef",
                "{bad}"
            );
        }
        let good = format!("{RULE}terms = [\"a\", {{ term = \"b\", suggest = \"c\" }}]\n");
        let set = load(&good).unwrap();
        let RuleKind::Terms(terms) = &set.rules[0].kind else {
            panic!("a terms rule");
        };
        assert_eq!(terms.terms[1].suggestion.as_deref(), Some("c"));
    }

    #[test]
    fn terms_with_nothing_to_match_are_rejected() {
        for (bad, message) in [
            ("***", "term `***` has nothing to match"),
            ("", "term `` has nothing to match"),
            ("  ", "empty term"),
        ] {
            let e = pack_error(&format!("{RULE}terms = [\"ok\", \"{bad}\"]\n"));
            assert_eq!(e.message, message, "{bad:?}");
            assert_eq!(e.rule.as_deref(), Some("r"));
        }
        for good in ["nhs", "9am", "*ectomy", " gp", "\u{2014}"] {
            load(&format!("{RULE}terms = [\"{good}\"]\n")).unwrap();
        }
    }

    #[test]
    fn unknown_lexicon_is_rejected() {
        let e = pack_error(&format!("{RULE}lexicons = [\"nobody\"]\n"));
        assert!(
            e.message.contains("unknown lexicon `nobody`"),
            "{}",
            e.message
        );
    }

    #[test]
    fn pattern_errors_are_the_ones_compiling_gives() {
        for bad in [
            "(unclosed",
            "[z-a]",
            "a{2,1}",
            r"\p{Nope}",
            "(?u:\\p{Greek})(?P<x>a)(?P<x>b)",
            "a{1001}{1001}{1001}",
            r"\8",
            "(?z)",
            &"(".repeat(300),
        ] {
            let lazy = Pattern::new(bad).expect_err(bad);
            let eager = compile_pattern(bad).expect_err(bad);
            let with_regex = regex::bytes::RegexBuilder::new(bad)
                .unicode(false)
                .size_limit(SIZE_LIMIT)
                .build()
                .expect_err(bad);
            let before = invalid(bad, &with_regex.to_string());
            assert_eq!(lazy, before);
            assert_eq!(eager, before);
        }
    }

    #[test]
    fn large_patterns_are_checked_at_load() {
        // Big enough that the size bound cannot vouch for it: compiled (and checked) at load,
        // the compiled regex dropped (the engine compiles what it runs).
        let big = Pattern::new("(?u:\\w{1,40})").unwrap();
        assert_eq!(big.as_str(), "(?u:\\w{1,40})");
        assert!(big.compile().unwrap().is_match(b"word".as_slice()));
    }

    #[test]
    fn too_big_patterns_are_still_rejected_when_the_pack_loads() {
        let e = pack_error(&format!("{RULE}pattern = '[0-9a-z]{{1000}}{{1000}}'\n"));
        assert_eq!(e.rule.as_deref(), Some("r"));
        assert!(e.message.contains("exceeds size limit"), "{}", e.message);
    }

    /// The compiled NFA (forward, and reverse as the meta engine also builds it) of a pattern.
    fn nfa_bytes(hir: &Hir) -> usize {
        use regex_automata::nfa::thompson::{Compiler, Config, WhichCaptures};
        [false, true]
            .into_iter()
            .map(|reverse| {
                let config = Config::new().utf8(false).reverse(reverse);
                let config = if reverse {
                    config.which_captures(WhichCaptures::None)
                } else {
                    config
                };
                Compiler::new()
                    .syntax(Pattern::syntax())
                    .configure(config)
                    .build_from_hir(hir)
                    .unwrap()
                    .memory_usage()
            })
            .max()
            .unwrap()
    }

    #[test]
    fn the_size_bound_holds_for_every_built_in_pattern_and_more() {
        let mut sources: Vec<String> = Vec::new();
        let set = crate::RuleSet::builtin().unwrap();
        for rule in &set.rules {
            if let crate::RuleKind::Pattern { regexes, .. } = &rule.kind {
                sources.extend(regexes.iter().map(|p| p.as_str().to_string()));
            }
        }
        for n in [1u32, 10, 100, 400] {
            sources.extend([
                format!("[0-9a-z]{{{n}}}"),
                format!("(?i)(abc|de[0-9]){{1,{n}}}"),
                format!("(?u:[é-ü]{{{n}}})"),
                format!("(?u:\\w{{1,{n}}})"),
                format!("(?iu:straße|ǅ){{{n}}}"),
                format!("\\b(a|b|c|d|e|f|g|h|i|j|k){{{n}}}\\b"),
            ]);
        }
        assert!(sources.len() > 50);
        for source in &sources {
            let hir = regex_automata::util::syntax::parse_with(source, &Pattern::syntax()).unwrap();
            if compile_pattern(source).is_err() {
                // Too big: such a pattern is far over the bound and compiled at load time.
                assert!(analysis::nfa_units(&hir) > LAZY_UNITS, "{source}");
                continue;
            }
            let (units, bytes) = (analysis::nfa_units(&hir), nfa_bytes(&hir) as u64);
            assert!(
                bytes <= NFA_BASE_BYTES + units * BYTES_PER_UNIT,
                "{source}: {bytes} B, {units} units"
            );
        }
        assert!(NFA_BASE_BYTES + LAZY_UNITS * BYTES_PER_UNIT <= SIZE_LIMIT as u64 / 3);
    }

    #[test]
    fn patterns_are_ascii_by_default() {
        let re = compile_pattern(r"\bnhs\b").unwrap();
        // With Unicode off, `é` is not a word character, so the boundary holds after it.
        assert!(re.is_match("énhs".as_bytes()));
        assert!(compile_pattern(r"(?u:\bnhs\b)")
            .unwrap()
            .is_match(b" nhs ".as_slice()));
    }

    #[test]
    fn patterns_match_what_regex_bytes_matches() {
        let patterns = [
            r"\b[0-9]{3}[ .-]?[0-9]{3}[ .-]?[0-9]{4}\b",
            r"(?i)\b(bed|bay|ward|side ?room)[ -]?[0-9]{1,2}[a-z]?\b",
            r"\w+@\w+\.\w+",
            r"(?u:\w+)é",
            r"a|ab|abc",
            r"x*",
            r"[^a-z]{2}",
        ];
        let texts = [
            "NHS 943 476 5919 and 9434765919, bed 4a, Bay12 ward-7 éx sideroom 3",
            "café é1234567890 ab abc x xx \u{1F600} a@b.c ÉCOLE é",
            "",
        ];
        for p in patterns {
            let ours = compile_pattern(p).unwrap();
            let theirs = regex::bytes::RegexBuilder::new(p)
                .unicode(false)
                .size_limit(SIZE_LIMIT)
                .build()
                .unwrap();
            for t in texts {
                let a: Vec<_> = ours.find_iter(t.as_bytes()).map(|m| m.range()).collect();
                let b: Vec<_> = theirs.find_iter(t.as_bytes()).map(|m| m.range()).collect();
                assert_eq!(a, b, "{p} on {t:?}");
            }
        }
    }
}
