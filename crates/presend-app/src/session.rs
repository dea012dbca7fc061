//! The check session: what `check`, `baseline`, `redact`, `rules list`, `rules test` and
//! `explain` share. [`Session::open`] loads the configuration and the packs once and checks the
//! configuration's rule names against them, so every subcommand sees the same rules; the scans
//! then run sources → documents → the per-document pipeline ([`pipeline::process`]) →
//! baseline, thresholds, masking → a reporter.
//!
//! Nothing here prints: reports go to the writer the caller passes, and everything else the
//! user should hear about (an unreadable file, a skipped binary, a stale baseline) is a
//! [`Message`], handed to the reporter (so machine formats carry it) and to the caller's
//! handler (which prints it on standard error).

use crate::baseline::{Baseline, BaselineFile, KeyParams, Keyed};
use crate::config::{Config, FailOn};
use crate::pipeline::{self, Outcome, Policy};
use crate::redact::{redact_counted as redact_text, Tags};
use crate::select::{RuleSettings, Selectors};
use presend_core::privacy::Privacy;
use presend_core::{Error, Finding, Severity};
use presend_engine::selftest::{run_examples_where, ExampleReport};
use presend_engine::Engine;
use presend_input::source::{self, git, Document, LineChunks, Loaded, RepoPaths, Walk};
use presend_input::{FormatError, InputFormat};
use presend_report::{self as report, Format, Message, Summary};
use presend_rules::checks::TOO_LONG;
use presend_rules::Channel;
use presend_rules::{Rule, RuleSetBuilder};
use rayon::prelude::*;
use std::collections::HashSet;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Which configuration file a session reads.
#[derive(Debug, Clone, Default)]
pub enum ConfigSource {
    /// The nearest `presend.toml` from the working directory up to the repository top.
    #[default]
    Discover,
    /// The nearest `presend.toml` from each checked path (a file's directory) upwards, so
    /// `presend check /repo/posts` run from elsewhere uses /repo/presend.toml and two paths in
    /// two repositories each use their own. Per path, not per file as in ruff: every file found
    /// under a checked path uses that path's file. `-` is left out (standard input uses the
    /// first path's).
    DiscoverFrom(Vec<PathBuf>),
    /// This file (`--config`).
    File(PathBuf),
    /// None (`--no-config`).
    Ignore,
}

/// Which packs a session loads besides those the configuration names.
#[derive(Debug, Clone, Default)]
pub struct PackSources {
    /// Pack files or directories (`--rules`).
    pub paths: Vec<PathBuf>,
    /// Leave out the built-in packs (`--no-builtin`).
    pub no_builtin: bool,
}

/// How to read inputs (command-line settings; the configuration fills in what they leave open).
#[derive(Debug, Clone, Default)]
pub struct ReadSettings {
    /// The input format; `None` decides by extension (and the configuration).
    pub format: Option<InputFormat>,
    /// The CSV columns or JSON fields that hold the message.
    pub fields: Vec<String>,
    /// The channel every draft is bound for (`--channel`).
    pub channel: Option<String>,
    /// The name standard input gets (`--stdin-filename`).
    pub stdin_filename: Option<String>,
}

/// What to scan.
#[derive(Debug, Clone, Default)]
pub struct ScanRequest {
    /// Files and directories; none (or `-`) reads standard input.
    pub paths: Vec<PathBuf>,
    /// Scan the git index instead (`--staged`).
    pub staged: bool,
    /// Which files directory walks leave out (`--hidden`, `--no-ignore`).
    pub walk: Walk,
    /// How to read them.
    pub read: ReadSettings,
}

/// What `check` reports and when it fails.
#[derive(Debug, Clone)]
pub struct CheckRequest {
    /// What to scan.
    pub scan: ScanRequest,
    /// The report format.
    pub format: Format,
    /// The lowest severity that fails the run (the configuration's, or warning, when `None`).
    pub fail_on: Option<FailOn>,
    /// The lowest severity shown (the configuration's, or info, when `None`).
    pub min_severity: Option<Severity>,
    /// A baseline file (the configuration's when `None`).
    pub baseline: Option<PathBuf>,
    /// Counts per rule instead of findings.
    pub statistics: bool,
    /// Never mask matched text.
    pub show_matches: bool,
    /// Always mask matched text.
    pub redact_matches: bool,
    /// Repeat why/instead under every finding.
    pub verbose: bool,
    /// Findings only: no summary line.
    pub quiet: bool,
    /// Columns the human report wraps at (its default when `None`).
    pub width: Option<usize>,
}

/// What `redact` rewrites.
#[derive(Debug, Clone, Default)]
pub struct RedactRequest {
    /// The draft; `None` (or `-`) reads standard input.
    pub path: Option<PathBuf>,
    /// Rewrite the file in place instead of returning the text.
    pub in_place: bool,
    /// How to read it.
    pub read: ReadSettings,
}

/// How a run ended, before the caller maps it to an exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Nothing at or above the failing severity.
    Clean,
    /// A finding at or above the failing severity, or a failing pack example.
    Findings,
    /// An input could not be read or parsed.
    Trouble,
}

/// Why a session stopped early.
#[derive(Debug)]
pub enum Failure {
    /// The reader of the report went away (`presend check | head -1`).
    ClosedPipe,
    /// Something the user must fix.
    Error(Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Error(e)
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Failure::ClosedPipe
        } else {
            Failure::Error(Error::Io {
                path: "<stdout>".into(),
                source: e,
            })
        }
    }
}

/// Where messages go besides the report.
pub type Diagnostics<'a> = dyn FnMut(Message) + 'a;

/// A note about `path` (or the run, for `-`).
fn notice(diag: &mut Diagnostics, path: &str, message: impl Into<String>) {
    diag(Message::Notice {
        path: (!path.is_empty() && path != "-").then(|| path.to_string()),
        message: message.into(),
    });
}

/// An input error without a line: the input could not be read at all.
fn input_error(path: &str, message: impl Into<String>) -> Message {
    Message::InputError {
        path: path.to_string(),
        line: None,
        record: None,
        message: message.into(),
    }
}

/// An error that stopped an input from being read, as a message naming the input.
fn error_message(e: &Error) -> Message {
    match e {
        Error::Io { path, source } => input_error(
            &source::display_path(path),
            format!("cannot read: {source}"),
        ),
        other => input_error("-", other.to_string()),
    }
}

/// The configuration and rules every subcommand works with.
pub struct Session {
    /// The compiled rules: one engine per distinct set of packs the configurations load
    /// (usually one, shared by every scope).
    engines: Vec<Engine>,
    /// One per configuration file in use (or none); the first is the primary one, whose
    /// `baseline` applies to the whole run and whose settings apply to standard input.
    scopes: Vec<Scope>,
    /// Each checked path (absolute) and the scope its files use.
    roots: Vec<(PathBuf, usize)>,
    cwd: PathBuf,
}

/// One configuration file's view of the run: its rules and settings, resolved once.
struct Scope {
    config: Option<Config>,
    /// Index into [`Session::engines`].
    engine: usize,
    /// Each config table's rule settings (see [`Config::tables`]).
    tables: Vec<RuleSettings>,
    /// The rules the command line's selectors turn off, after every config table.
    selected: RuleSettings,
}

/// Which configuration applies to one checked path, for `check --show-settings`.
pub struct PathConfig<'s> {
    /// The checked path (absolute), or `None` when the run names no path (or one file is
    /// named with `--config`).
    pub path: Option<&'s Path>,
    /// The configuration file, if any.
    pub config: Option<&'s Config>,
    /// The rules loaded for it.
    pub engine: &'s Engine,
    /// The loaded rules its configuration (top-level `disable`) and the command line's
    /// selectors turn off.
    pub disabled: Vec<&'s Rule>,
}

/// The config files `source` asks for, each with the checked path it applies to (`None`: the
/// whole run): the named file, none, the nearest `presend.toml` from the working directory, or
/// the nearest one from each checked path upwards.
fn load_configs(source: &ConfigSource, cwd: &Path) -> Result<Configs, Error> {
    let paths: Vec<&PathBuf> = match source {
        ConfigSource::Ignore => return Ok(vec![(None, None)]),
        ConfigSource::File(file) => return Ok(vec![(None, Some(Config::load(file)?))]),
        ConfigSource::Discover => Vec::new(),
        ConfigSource::DiscoverFrom(paths) => {
            paths.iter().filter(|p| p.as_os_str() != "-").collect()
        }
    };
    if paths.is_empty() {
        return Ok(vec![(None, Config::discover(cwd)?)]);
    }
    paths
        .into_iter()
        .map(|path| {
            let abs = absolute(cwd, path);
            let dir = if abs.is_dir() {
                abs.as_path()
            } else {
                abs.parent().unwrap_or(cwd)
            };
            Ok((Some(abs.clone()), Config::discover(dir)?))
        })
        .collect()
}

/// `path` made absolute against `cwd` (without resolving symbolic links).
fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    let p = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    std::path::absolute(&p).unwrap_or(p)
}

/// What decides an engine's rules: whether the built-in packs load, and the configuration's
/// extra packs (the command line's are the same for every scope).
fn engine_key(packs: &PackSources, config: Option<&Config>, cwd: &Path) -> (bool, Vec<PathBuf>) {
    let builtin = !packs.no_builtin && config.and_then(|c| c.data.builtin).unwrap_or(true);
    let rules = config
        .map(|c| {
            c.data
                .rules
                .iter()
                .map(|p| absolute(cwd, &c.resolve(p)))
                .collect()
        })
        .unwrap_or_default();
    (builtin, rules)
}

/// Load packs (built-in, then the config's, then the command line's) and compile them.
fn engine_for(packs: &PackSources, config: Option<&Config>) -> Result<Engine, Error> {
    let mut b = RuleSetBuilder::default();
    let builtin = !packs.no_builtin && config.and_then(|c| c.data.builtin).unwrap_or(true);
    if builtin {
        b.add_builtin()?;
    } else {
        // presend's own checks and channels apply whatever packs are loaded.
        b.add_presend()?;
    }
    if let Some(c) = config {
        for p in &c.data.rules {
            b.add_path(&c.resolve(p))?;
        }
    }
    for path in &packs.paths {
        b.add_path(path)?;
    }
    let set = b.finish()?;
    if !set.has_matching_rules() {
        return Err(Error::Usage(
            "no rules loaded: drop --no-builtin or add packs with --rules".into(),
        ));
    }
    Ok(crate::prepared::engine(set))
}

/// Resolve every config table's `disable` and `[severity]` against the loaded rules, once. A
/// pattern that names no loaded rule or pack is an error: a typo in `disable` would otherwise
/// silently keep a rule on.
fn resolve_tables(config: &Config, engine: &Engine) -> Result<Vec<RuleSettings>, Error> {
    config
        .tables()
        .map(|(glob, s)| {
            RuleSettings::resolve(&s.disable, &s.severity, engine.rules()).map_err(|p| {
                let place = glob.map(|g| format!(" [per-path.\"{g}\"]")).unwrap_or_default();
                Error::Usage(format!(
                    "invalid config {}{place}: `{p}` is no loaded rule or pack (see `presend rules list`)",
                    config.file.display()
                ))
            })
        })
        .collect()
}

impl Session {
    /// Load the configuration `config` names and the packs (built-in, the configuration's
    /// `rules`, then `packs`), compile them, and check that every rule the configuration names
    /// is loaded: a typo in `disable` would otherwise silently keep a rule on. When each
    /// checked path finds its own configuration, each is loaded and checked the same way, and
    /// configurations that load the same packs share one engine.
    pub fn open(config: &ConfigSource, packs: &PackSources) -> Result<Session, Error> {
        let cwd = std::env::current_dir().map_err(|source| Error::Io {
            path: ".".into(),
            source,
        })?;
        let mut session = Session {
            engines: Vec::new(),
            scopes: Vec::new(),
            roots: Vec::new(),
            cwd,
        };
        let mut engine_keys = Vec::new();
        for (root, config) in load_configs(config, &session.cwd)? {
            let file = config.as_ref().map(|c| absolute(&session.cwd, &c.file));
            let known = session
                .scopes
                .iter()
                .position(|s| s.config.as_ref().map(|c| absolute(&session.cwd, &c.file)) == file);
            let scope = match known {
                Some(i) => i,
                None => session.add_scope(config, packs, &mut engine_keys)?,
            };
            if let Some(root) = root {
                session.roots.push((root, scope));
            }
        }
        Ok(session)
    }

    /// Add the scope of one configuration, compiling its packs unless an engine with the same
    /// packs exists; returns its index.
    fn add_scope(
        &mut self,
        config: Option<Config>,
        packs: &PackSources,
        engine_keys: &mut Vec<(bool, Vec<PathBuf>)>,
    ) -> Result<usize, Error> {
        let key = engine_key(packs, config.as_ref(), &self.cwd);
        let engine = match engine_keys.iter().position(|k| *k == key) {
            Some(i) => i,
            None => {
                self.engines.push(engine_for(packs, config.as_ref())?);
                engine_keys.push(key);
                self.engines.len() - 1
            }
        };
        let tables = match &config {
            Some(c) => resolve_tables(c, &self.engines[engine])?,
            None => Vec::new(),
        };
        self.scopes.push(Scope {
            config,
            engine,
            tables,
            selected: RuleSettings::default(),
        });
        Ok(self.scopes.len() - 1)
    }

    /// Narrow the rules with the command line's `--select`, `--extend-select` and `--ignore`,
    /// resolved once; a selector that names no loaded rule, pack or category is an error.
    pub fn with_selectors(mut self, selectors: &Selectors) -> Result<Session, Error> {
        for scope in &mut self.scopes {
            scope.selected = selectors
                .resolve(self.engines[scope.engine].rules())
                .map_err(|e| Error::Usage(format!("{e} (see `presend rules list`)")))?;
        }
        Ok(self)
    }

    /// The primary scope: the first checked path's configuration (or the only one).
    fn primary(&self) -> &Scope {
        &self.scopes[0]
    }

    /// The compiled rules of the primary configuration.
    pub fn engine(&self) -> &Engine {
        &self.engines[self.primary().engine]
    }

    /// The primary configuration file in use, if any: the one `--config` names, or the one
    /// found from the first checked path (or the working directory).
    pub fn config(&self) -> Option<&Config> {
        self.primary().config.as_ref()
    }

    /// Which configuration applies to each checked path, in the order given (one entry, with
    /// no path, when the run names none).
    pub fn path_configs(&self) -> Vec<PathConfig<'_>> {
        let entries: Vec<(Option<&Path>, usize)> = if self.roots.is_empty() {
            vec![(None, 0)]
        } else {
            self.roots
                .iter()
                .map(|(p, s)| (Some(p.as_path()), *s))
                .collect()
        };
        entries
            .into_iter()
            .map(|(path, s)| {
                let scope = &self.scopes[s];
                let engine = &self.engines[scope.engine];
                let disabled = engine
                    .rules()
                    .rules
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| scope.is_disabled(*i))
                    .map(|(_, r)| r)
                    .collect();
                PathConfig {
                    path,
                    config: scope.config.as_ref(),
                    engine,
                    disabled,
                }
            })
            .collect()
    }

    /// The scope whose checked path holds `abs` (the nearest, when checked paths nest); the
    /// primary one for anything else (standard input, a path outside every checked path).
    fn scope_at(&self, abs: &Path) -> &Scope {
        let nearest = self
            .roots
            .iter()
            .filter(|(root, _)| abs.starts_with(root))
            .max_by_key(|(root, _)| root.components().count());
        &self.scopes[nearest.map_or(0, |(_, s)| *s)]
    }

    /// The index of a loaded rule.
    fn index_of(&self, rule: &Rule) -> Option<usize> {
        self.engine()
            .rules()
            .rules
            .iter()
            .position(|r| r.full_id == rule.full_id)
    }

    /// Whether the primary configuration's top-level `disable`, or the command line's
    /// selectors, turn this rule off.
    pub fn is_disabled(&self, rule: &Rule) -> bool {
        self.index_of(rule)
            .is_some_and(|i| self.primary().is_disabled(i))
    }

    /// The rule's severity after the primary configuration's top-level `severity` overrides
    /// (the last matching entry wins, as in a scan).
    pub fn severity(&self, rule: &Rule) -> Severity {
        match (self.primary().tables.first(), self.index_of(rule)) {
            (Some(top), Some(i)) => top.severity(i, rule.severity),
            _ => rule.severity,
        }
    }

    /// Run the examples of the packs named (every loaded pack when none), leaving out the rules
    /// the configuration disables.
    pub fn run_examples(&self, packs: &[String]) -> ExampleReport {
        run_examples_where(self.engine(), packs, |r| !self.is_disabled(r))
    }

    /// Stop with the error of a pack pattern that failed to compile during a scan.
    fn pattern_errors(&self) -> Result<(), Error> {
        let first = self
            .engines
            .iter()
            .find_map(|e| e.pattern_errors().into_iter().next());
        match first {
            Some(e) => Err(Error::Pack(e)),
            None => Ok(()),
        }
    }

    /// The canonical id of channel `name` among `engine`'s packs; a name no pack defines is
    /// kept, lower-cased, for packs' channel-gated rules (and reported by
    /// [`Session::warn_unknown_channels`]).
    fn channel_id(engine: &Engine, name: &str) -> String {
        crate::channel::resolve(engine.rules(), name)
            .map_or_else(|unknown| unknown.name, |c| c.id.clone())
    }

    /// An unknown channel is a warning wherever it is written (`--channel`, a configuration,
    /// a document), with the closest known name; the scan goes on without a length limit or
    /// messaging-app rule for it.
    fn warn_unknown_channels(&self, read: &ReadSettings, diag: &mut Diagnostics) {
        if let Some(Err(unknown)) = read
            .channel
            .as_ref()
            .map(|c| crate::channel::resolve(self.engine().rules(), c))
        {
            notice(
                diag,
                "",
                format!(
                    "unknown channel `{}`{}: no length limit or messaging-app rule applies, only packs' own channel rules",
                    unknown.name,
                    unknown.hint()
                ),
            );
        }
        for scope in &self.scopes {
            let Some(config) = &scope.config else {
                continue;
            };
            let set = self.engines[scope.engine].rules();
            let tables = std::iter::once(config.data.channel.as_ref())
                .chain(config.data.per_path.values().map(|s| s.channel.as_ref()));
            for name in tables.flatten() {
                if let Err(unknown) = crate::channel::resolve(set, name) {
                    notice(
                        diag,
                        &config.file.display().to_string(),
                        format!(
                            "unknown channel `{}`{}: no length limit or messaging-app rule applies, only packs' own channel rules",
                            unknown.name,
                            unknown.hint()
                        ),
                    );
                }
            }
        }
    }

    /// How a document at `abs` (for config globs; `None`: standard input without a name) is
    /// scanned, read as `read` says: the engine and settings of its path's configuration.
    fn plan(&self, read: &ReadSettings, abs: Option<&Path>) -> Plan<'_> {
        let at = abs.map_or_else(|| self.cwd.join("-"), Path::to_path_buf);
        let scope = self.scope_at(&at);
        let engine = &self.engines[scope.engine];
        let mut p = Policy {
            format: read.format,
            channel_override: read.channel.as_deref().map(|c| Self::channel_id(engine, c)),
            ..Policy::default()
        };
        p.read.fields = read.fields.clone();
        let Some(config) = &scope.config else {
            p.rules.extend(&scope.selected);
            return Plan { engine, policy: p };
        };
        for t in config.tables_for(&at) {
            p.rules.extend(&scope.tables[t]);
        }
        p.rules.extend(&scope.selected);
        for s in config.for_path(&at) {
            if read.format.is_none() {
                if let Some(choice) = s.input_format {
                    p.format = choice.0;
                }
            }
            if read.fields.is_empty() && !s.fields.is_empty() {
                p.read.fields = s.fields.clone();
            }
            if let Some(c) = &s.channel {
                p.default_channel = Some(Self::channel_id(engine, c));
            }
            p.allow.extend(s.allow.iter().cloned());
        }
        Plan { engine, policy: p }
    }
}

impl Scope {
    /// Whether the top-level `disable` or the command line's selectors turn rule `i` off.
    fn is_disabled(&self, i: usize) -> bool {
        self.selected.is_disabled(i) || self.tables.first().is_some_and(|top| top.is_disabled(i))
    }
}

/// A large plain-text file `redact` reads window by window.
#[derive(Clone, Copy)]
struct LargeFile<'a> {
    path: &'a Path,
    /// Its name in messages.
    name: &'a str,
    plan: &'a Plan<'a>,
}

/// Each config file a session reads, with the checked path it applies to (`None`: the whole
/// run).
type Configs = Vec<(Option<PathBuf>, Option<Config>)>;

/// How one input is scanned: the engine of its path's configuration, and the policy.
struct Plan<'s> {
    engine: &'s Engine,
    policy: Policy,
}

impl Plan<'_> {
    /// One whole document through the pipeline.
    fn process(&self, doc: &Document) -> Outcome {
        pipeline::process(self.engine, doc, &self.policy)
    }
}

/// Where one input comes from.
enum Input {
    Stdin,
    File(PathBuf),
}

/// The inputs the paths name, in order: files as given, directories walked in sorted order.
/// A path that cannot be read is reported and counted as trouble; the others are still scanned.
fn inputs(paths: &[PathBuf], walk: Walk, run: &mut Run, diag: &mut Diagnostics) -> Vec<Input> {
    if paths.is_empty() {
        return vec![Input::Stdin];
    }
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Input::Stdin);
            continue;
        }
        match source::expand(p, walk) {
            Ok((files, skipped)) => {
                let name = source::display_path(p);
                if !skipped.is_empty() {
                    notice(diag, &name, skipped.describe());
                }
                let before = out.len();
                // A walk skips presend's own files: the config's examples and the baseline's
                // masked entries are not drafts.
                let walked = p.is_dir();
                if !walked {
                    run.named.insert(p.clone());
                }
                for f in files {
                    if walked && is_presend_file(&f) {
                        continue;
                    }
                    if seen.insert(f.clone()) {
                        out.push(Input::File(f));
                    }
                }
                if walked && out.len() == before {
                    run.error(
                        diag,
                        input_error(&name, "no file to scan in this directory"),
                    );
                }
            }
            Err(e) => run.error(diag, error_message(&e)),
        }
    }
    out
}

fn is_presend_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    crate::config::FILE_NAMES.contains(&name) || name == ".presend-baseline.json"
}

/// What a whole scan keeps besides the documents.
#[derive(Debug, Default)]
pub struct Run {
    /// Something could not be read or parsed: exit 2 at the end.
    pub trouble: bool,
    /// Paths relative to the repository top, for reports and baselines.
    pub paths: RepoPaths,
    /// Files named on the command line (not found by a walk): one that cannot be decoded is
    /// trouble, not a skip.
    named: HashSet<PathBuf>,
}

impl Run {
    /// An input that could not be read: reported, and the run ends with trouble.
    fn error(&mut self, diag: &mut Diagnostics, message: Message) {
        diag(message);
        self.trouble = true;
    }

    /// Hand a processed document on, reporting the parts its format could not read.
    fn deliver(
        &mut self,
        diag: &mut Diagnostics,
        sink: &mut Sink,
        doc: &Document,
        outcome: Outcome,
        first: bool,
    ) -> Result<(), Failure> {
        if !outcome.errors.is_empty() || !outcome.missing_fields.is_empty() {
            report_format_errors(diag, &doc.path, &outcome.errors);
            report_missing_fields(diag, &doc.path, &outcome.missing_fields);
            self.trouble = true;
        }
        for w in &outcome.warnings {
            notice(diag, &doc.path, w.clone());
        }
        sink(doc, outcome, first)
    }
}

/// The parts of a document its reader could not read in its format (they were scanned as plain
/// text).
fn report_format_errors(diag: &mut Diagnostics, path: &str, errors: &[FormatError]) {
    for e in errors {
        diag(Message::InputError {
            path: path.to_string(),
            line: Some(e.line),
            record: e.record,
            message: format!("{} (scanned as plain text instead)", e.message),
        });
    }
}

/// A `--field` (or `fields=`) that no record of a JSON file has: the user's mistake, as a missing
/// CSV column is. Names only the field asked for.
fn report_missing_fields(diag: &mut Diagnostics, path: &str, fields: &[String]) {
    for field in fields {
        diag(Message::InputError {
            path: path.to_string(),
            line: None,
            record: None,
            message: format!(
                "no record has a field named `{field}`; every string of each record was scanned"
            ),
        });
    }
}

/// The document of a loaded input, reporting how it was decoded or why it was skipped. A file
/// that cannot be decoded is an input error when `strict` (named on the command line, or
/// standard input), a skipped file otherwise.
fn loaded(l: Loaded, strict: bool, run: &mut Run, diag: &mut Diagnostics) -> Option<Document> {
    let (doc, notice) = sort_loaded(l, strict);
    match notice {
        Some((message, true)) => run.error(diag, message),
        Some((message, false)) => diag(message),
        None => {}
    }
    doc
}

/// [`loaded`] without reporting: the document, if there is one to scan, and what to say about
/// the input (`true`: an input error that gives the run trouble).
fn sort_loaded(l: Loaded, strict: bool) -> (Option<Document>, Option<ReadNotice>) {
    match l {
        Loaded::Text(doc, notice) => {
            let notice = notice.map(|n| {
                let message = Message::DecodeWarning {
                    path: n.path,
                    message: n.message,
                };
                (message, false)
            });
            (Some(doc), notice)
        }
        Loaded::Undecodable(n) if strict => (None, Some((input_error(&n.path, n.message), true))),
        Loaded::Skipped(n) | Loaded::Undecodable(n) => {
            let message = Message::SkippedFile {
                path: n.path,
                reason: n.message,
            };
            (None, Some((message, false)))
        }
    }
}

/// The length of a large plain-text file as `channel` counts it, window by window (each window
/// measures the stretch it owns).
fn measure_windows(path: &Path, name: &str, channel: &Channel) -> Result<usize, Error> {
    let Some(limit) = channel.limit.as_ref() else {
        return Ok(0);
    };
    let io_error = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io_error)?;
    let mut n = 0;
    for w in source::TextWindows::new(name, io::BufReader::new(file)) {
        let w = w?;
        let base = w.doc.first_byte;
        let owned = w.doc.text.get(w.owns.start - base..w.owns.end - base);
        n += owned.map_or(0, |t| crate::channel::measure(limit.counting, t));
    }
    Ok(n)
}

/// `redact --in-place` writes a new file and renames it over the old one; a file with other
/// hard links would keep its identifiers under those names, so it is refused instead.
fn refuse_hard_links(path: &Path, name: &str) -> Result<(), Error> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let Ok(meta) = std::fs::metadata(path) {
            if meta.is_file() && meta.nlink() > 1 {
                return Err(Error::NotRewritten {
                    path: name.to_string(),
                    reason: format!(
                        "it has {} hard links, and rewriting it would leave the identifiers in \
                         the others (redact to standard output and copy the result over it)",
                        meta.nlink()
                    ),
                });
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (path, name);
    Ok(())
}

/// Why `redact --in-place` leaves a file with invalid UTF-8 alone.
const NOT_UTF8: &str = "it is not valid UTF-8, and rewriting it would replace the undecodable bytes for good (convert it to UTF-8 first)";

/// Whether a stream starts with a UTF-16 byte-order mark (looked at without consuming it).
fn starts_with_utf16_bom(reader: &mut dyn io::BufRead) -> bool {
    reader
        .fill_buf()
        .is_ok_and(|head| head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF"))
}

/// What reading a batch of JSON Lines records had to say, kept until the batch before it is
/// reported: a notice (`false`) or an input error that gives the run trouble (`true`).
type ReadNotice = (Message, bool);

/// A batch of records being scanned on the thread pool; joined, it gives them back with their
/// outcomes.
type Scanning<'scope> = std::thread::ScopedJoinHandle<'scope, (Vec<Document>, Vec<Outcome>)>;

/// Up to [`RECORD_BATCH`] records of a JSON Lines stream, and what reading them said.
struct RecordBatch {
    docs: Vec<Document>,
    notices: Vec<ReadNotice>,
    /// Reading stopped early (an unreadable or undecodable stream): no batch follows.
    stop: bool,
}

/// Read the next batch of records. Nothing is reported here: the notices wait in the batch.
fn read_batch<R: io::BufRead>(chunks: &mut LineChunks<R>) -> RecordBatch {
    let mut batch = RecordBatch {
        docs: Vec::with_capacity(RECORD_BATCH),
        notices: Vec::new(),
        stop: false,
    };
    for chunk in chunks.by_ref() {
        let (doc, notice) = match chunk {
            Ok(l) => sort_loaded(l, false),
            Err(e) => (None, Some((error_message(&e), true))),
        };
        batch.notices.extend(notice);
        match doc {
            Some(doc) => batch.docs.push(doc),
            // An unreadable stream, or one its first line shows to be binary: nothing follows.
            None => {
                batch.stop = true;
                break;
            }
        }
        if batch.docs.len() == RECORD_BATCH {
            break;
        }
    }
    batch
}

/// Report a batch of records in order: first what reading it said, then each record (waiting
/// for the thread pool to finish scanning them), noting the fields its records lack.
fn report_batch(
    notices: Vec<ReadNotice>,
    scanning: Option<Scanning<'_>>,
    run: &mut Run,
    diag: &mut Diagnostics,
    sink: &mut Sink,
    first: &mut bool,
    missing: &mut Option<Vec<String>>,
) -> Result<(), Failure> {
    for (message, trouble) in notices {
        if trouble {
            run.error(diag, message);
        } else {
            diag(message);
        }
    }
    let Some(scanning) = scanning else {
        return Ok(());
    };
    let (docs, outcomes) = scanning
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    for (doc, mut outcome) in docs.iter().zip(outcomes) {
        // A field missing from one record is judged over the whole file, by the caller.
        let fields = std::mem::take(&mut outcome.missing_fields);
        let still = missing.get_or_insert_with(|| fields.clone());
        still.retain(|f| fields.contains(f));
        run.deliver(diag, sink, doc, outcome, std::mem::take(first))?;
    }
    Ok(())
}

/// JSON Lines records scanned in parallel at a time (bounded memory for any file size).
const RECORD_BATCH: usize = 1024;
/// Files read and scanned in parallel at a time.
const FILE_BATCH: usize = 64;

/// A sink receives each processed document; `first` is false for later records of a JSON Lines
/// file read record by record.
pub type Sink<'a> = dyn FnMut(&Document, Outcome, bool) -> Result<(), Failure> + 'a;

impl Session {
    fn absolute(&self, path: &Path) -> PathBuf {
        absolute(&self.cwd, path)
    }

    /// The scope of a scanned document, by its path (the primary one for standard input).
    fn scope_of_document(&self, doc: &Document) -> &Scope {
        if self.scopes.len() == 1 || &*doc.path == "-" {
            return self.primary();
        }
        self.scope_at(&self.absolute(Path::new(&*doc.path)))
    }

    fn excluded(&self, abs: &Path) -> bool {
        self.scope_at(abs)
            .config
            .as_ref()
            .is_some_and(|c| c.excluded(abs))
    }

    /// The files a scan of `paths` would read, after the configuration's excludes (`-` for
    /// standard input); paths that cannot be read are reported.
    pub fn files(&self, paths: &[PathBuf], walk: Walk, diag: &mut Diagnostics) -> Vec<String> {
        let mut run = Run::default();
        inputs(paths, walk, &mut run, diag)
            .into_iter()
            .filter_map(|input| match input {
                Input::Stdin => Some("-".to_string()),
                Input::File(p) => {
                    (!self.excluded(&self.absolute(&p))).then(|| source::display_path(&p))
                }
            })
            .collect()
    }

    /// Read and scan `files` in parallel, then hand them to `sink` in the order given, so
    /// reports are deterministic whatever the scheduling.
    fn scan_files(
        &self,
        files: Vec<(PathBuf, Plan<'_>)>,
        run: &mut Run,
        diag: &mut Diagnostics,
        sink: &mut Sink,
    ) -> Result<(), Failure> {
        let scanned: Vec<_> = files
            .par_iter()
            .map(|(path, plan)| {
                source::read_file(path).map(|loaded| match loaded {
                    Loaded::Text(doc, notice) => {
                        let outcome = plan.process(&doc);
                        (Loaded::Text(doc, notice), Some(outcome))
                    }
                    skipped => (skipped, None),
                })
            })
            .collect();
        for ((path, _), result) in files.iter().zip(scanned) {
            match result {
                Err(e) => run.error(diag, error_message(&e)),
                Ok((loaded_doc, outcome)) => {
                    let strict = run.named.contains(path);
                    let doc = loaded(loaded_doc, strict, run, diag);
                    if let (Some(doc), Some(outcome)) = (doc, outcome) {
                        run.deliver(diag, sink, &doc, outcome, true)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Scan everything `scan` names, handing each processed document to `sink` in a
    /// deterministic order. Unreadable and malformed inputs go to `diag` and count as trouble;
    /// the other inputs are still scanned.
    pub fn scan(
        &self,
        scan: &ScanRequest,
        diag: &mut Diagnostics,
        sink: &mut Sink,
    ) -> Result<Run, Failure> {
        self.warn_unknown_channels(&scan.read, diag);
        let mut run = Run::default();
        if scan.staged {
            let root = git::toplevel()?;
            let paths = git::staged_paths(&scan.paths)?;
            for blob in git::StagedBlobs::open(&root, paths)? {
                // A staged file git cannot hand over is reported (exit 2); the others are read.
                let blob = match blob {
                    Ok(b) => b,
                    Err(e @ Error::Io { .. }) => {
                        run.error(diag, error_message(&e));
                        continue;
                    }
                    Err(e) => return Err(e.into()),
                };
                let abs = root.join(&blob.fs_path);
                let Some(bytes) = blob.bytes else { continue };
                if self.excluded(&abs) {
                    continue;
                }
                let Some(doc) = loaded(source::decode(&blob.path, bytes), false, &mut run, diag)
                else {
                    continue;
                };
                let outcome = self.plan(&scan.read, Some(&abs)).process(&doc);
                run.deliver(diag, sink, &doc, outcome, true)?;
            }
            run.paths = RepoPaths::at_root(root);
            self.pattern_errors()?;
            return Ok(run);
        }
        let read = &scan.read;
        let stdin_name = read.stdin_filename.as_deref().unwrap_or("-");
        let mut files: Vec<(PathBuf, Plan<'_>)> = Vec::new();
        for input in inputs(&scan.paths, scan.walk, &mut run, diag) {
            let (name, abs) = match &input {
                Input::Stdin => (
                    stdin_name.to_string(),
                    read.stdin_filename
                        .as_ref()
                        .map(|n| self.absolute(Path::new(n))),
                ),
                Input::File(p) => (source::display_path(p), Some(self.absolute(p))),
            };
            if let (Input::File(_), Some(a)) = (&input, &abs) {
                if self.excluded(a) {
                    continue;
                }
            }
            let plan = self.input_plan(read, abs.as_deref(), matches!(input, Input::Stdin));
            let format = plan
                .policy
                .format
                .unwrap_or_else(|| InputFormat::from_path(&name));
            if format == InputFormat::Jsonl || matches!(input, Input::Stdin) {
                // Streams are scanned here and now: report the files before them first.
                self.scan_files(std::mem::take(&mut files), &mut run, diag, sink)?;
            }
            if format == InputFormat::Jsonl {
                let mut reader: Box<dyn io::BufRead> = match &input {
                    Input::Stdin => Box::new(io::stdin().lock()),
                    Input::File(p) => match std::fs::File::open(p) {
                        Ok(f) => Box::new(io::BufReader::new(f)),
                        Err(e) => {
                            run.error(diag, input_error(&name, format!("cannot read: {e}")));
                            continue;
                        }
                    },
                };
                // UTF-16 cannot be split at `\n` bytes: such a stream is decoded whole.
                if starts_with_utf16_bom(&mut reader) {
                    let mut bytes = Vec::new();
                    if let Err(e) = reader.read_to_end(&mut bytes) {
                        run.error(diag, input_error(&name, format!("cannot read: {e}")));
                        continue;
                    }
                    if let Some(doc) = loaded(source::decode(&name, bytes), true, &mut run, diag) {
                        let outcome = plan.process(&doc);
                        run.deliver(diag, sink, &doc, outcome, true)?;
                    }
                    continue;
                }
                self.scan_records(&name, reader, &plan, &mut run, diag, sink)?;
                continue;
            }
            if let Input::File(path) = &input {
                if format == InputFormat::Text && source::is_large_plain_text(path) {
                    self.scan_files(std::mem::take(&mut files), &mut run, diag, sink)?;
                    self.scan_large_text(path, &name, &plan, &mut run, diag, sink)?;
                    continue;
                }
            }
            if let Input::File(path) = input {
                files.push((path, plan));
                if files.len() == FILE_BATCH {
                    self.scan_files(std::mem::take(&mut files), &mut run, diag, sink)?;
                }
                continue;
            }
            let doc = match source::read_stdin(&name) {
                Ok(l) => loaded(l, true, &mut run, diag),
                Err(e) => {
                    run.error(diag, error_message(&e));
                    continue;
                }
            };
            let Some(doc) = doc else { continue };
            let outcome = plan.process(&doc);
            run.deliver(diag, sink, &doc, outcome, true)?;
        }
        self.scan_files(files, &mut run, diag, sink)?;
        run.paths = RepoPaths::discover();
        self.pattern_errors()?;
        Ok(run)
    }

    /// The plan of one input; standard input without a name or a configured format is text.
    fn input_plan(&self, read: &ReadSettings, abs: Option<&Path>, stdin: bool) -> Plan<'_> {
        let mut plan = self.plan(read, abs);
        if stdin && plan.policy.format.is_none() && read.stdin_filename.is_none() {
            plan.policy.format = Some(InputFormat::Text);
        }
        plan
    }

    /// A JSON Lines stream, record by record, in batches: while the thread pool scans one batch,
    /// this thread reports the batch before it (dropping it) and then reads the batch after it,
    /// so reading and reporting do not leave a core idle. Memory holds two batches however long
    /// the file is, and everything is reported in the order it was read, notices included.
    fn scan_records(
        &self,
        name: &str,
        reader: Box<dyn io::BufRead + '_>,
        plan: &Plan,
        run: &mut Run,
        diag: &mut Diagnostics,
        sink: &mut Sink,
    ) -> Result<(), Failure> {
        let mut first = true;
        // Fields asked for that no record so far has.
        let mut missing: Option<Vec<String>> = None;
        let mut chunks = LineChunks::new(name, reader);
        std::thread::scope(|scope| -> Result<(), Failure> {
            let mut scanning: Option<(Vec<ReadNotice>, Option<Scanning<'_>>)> = None;
            loop {
                let batch = read_batch(&mut chunks);
                let ended = batch.stop || batch.docs.is_empty();
                let next = (!batch.docs.is_empty()).then(|| {
                    let docs = batch.docs;
                    scope.spawn(move || {
                        let outcomes: Vec<Outcome> =
                            docs.par_iter().map(|d| plan.process(d)).collect();
                        (docs, outcomes)
                    })
                });
                if let Some((notices, handle)) = scanning.replace((batch.notices, next)) {
                    report_batch(notices, handle, run, diag, sink, &mut first, &mut missing)?;
                }
                if ended {
                    break;
                }
            }
            if let Some((notices, handle)) = scanning.take() {
                report_batch(notices, handle, run, diag, sink, &mut first, &mut missing)?;
            }
            Ok(())
        })?;
        let missing = missing.unwrap_or_default();
        if !missing.is_empty() {
            report_missing_fields(diag, name, &missing);
            run.trouble = true;
        }
        Ok(())
    }

    /// Scan a large plain-text file window by window, a few windows in parallel at a time, so
    /// memory stays bounded whatever its size. Each finding is reported by the window that owns
    /// its start.
    fn scan_large_text(
        &self,
        path: &Path,
        name: &str,
        plan: &Plan,
        run: &mut Run,
        diag: &mut Diagnostics,
        sink: &mut Sink,
    ) -> Result<(), Failure> {
        const PARALLEL_WINDOWS: usize = 2;
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) => {
                run.error(diag, input_error(name, format!("cannot read: {e}")));
                return Ok(());
            }
        };
        // A post's length is the whole file's, not a window's: measured in a pass of its own
        // (reading only) when the channel has a limit.
        let length = match pipeline::text_channel(&plan.policy, plan.engine.rules())
            .filter(|c| c.limit.is_some())
        {
            Some(c) => Some((measure_windows(path, name, c)?, c)),
            None => None,
        };
        let mut windows = source::TextWindows::new(name, io::BufReader::new(file));
        let mut first = true;
        let mut warned = false;
        loop {
            let mut batch = Vec::with_capacity(PARALLEL_WINDOWS);
            for w in windows.by_ref() {
                match w {
                    Ok(w) => batch.push(w),
                    Err(e) => {
                        run.error(diag, error_message(&e));
                        break;
                    }
                }
                if batch.len() == PARALLEL_WINDOWS {
                    break;
                }
            }
            if batch.is_empty() {
                return Ok(());
            }
            let outcomes: Vec<Outcome> = batch.par_iter().map(|w| plan.process(&w.doc)).collect();
            for (w, mut outcome) in batch.iter().zip(outcomes) {
                if let (Some(n), false) = (&w.notice, warned) {
                    diag(Message::DecodeWarning {
                        path: n.path.clone(),
                        message: n.message.clone(),
                    });
                    warned = true;
                }
                outcome
                    .findings
                    .retain(|f| w.owns.contains(&f.byte_range.0));
                for f in &mut outcome.findings {
                    if let (true, Some((n, c))) = (&*f.rule == TOO_LONG, &length) {
                        f.message = pipeline::too_long_message(*n, c).unwrap_or_default();
                    }
                }
                run.deliver(diag, sink, &w.doc, outcome, std::mem::take(&mut first))?;
            }
            if batch.len() < PARALLEL_WINDOWS {
                return Ok(());
            }
        }
    }

    fn load_baseline(&self, file: Option<&Path>) -> Result<Option<Baseline>, Error> {
        let config = self.config();
        let file = match (file, config.and_then(|c| c.data.baseline.as_ref())) {
            (Some(f), _) => f.to_path_buf(),
            (None, Some(f)) => config.map(|c| c.resolve(f)).unwrap_or_default(),
            (None, None) => return Ok(None),
        };
        let json = std::fs::read_to_string(&file).map_err(|source| Error::Io {
            path: file.clone(),
            source,
        })?;
        Baseline::parse(&file.display().to_string(), &json).map(Some)
    }

    /// `presend check`: scan, drop what the baseline holds, apply thresholds and masking, and
    /// write the report to `out`.
    pub fn check(
        &self,
        req: &CheckRequest,
        out: &mut dyn Write,
        diag: &mut Diagnostics,
    ) -> Result<Status, Failure> {
        let privacy = privacy(req);
        // What is shown and what fails: the command line's, else the document's configuration.
        let thresholds = |doc: &Document| {
            let config = self.scope_of_document(doc).config.as_ref();
            let shown = req
                .min_severity
                .or_else(|| config.and_then(|c| c.data.min_severity))
                .unwrap_or(Severity::Info);
            let fail_at = req
                .fail_on
                .or_else(|| config.and_then(|c| c.data.fail_on))
                .map_or(Some(Severity::Warning), FailOn::threshold);
            (shown, fail_at)
        };
        let mut baseline = self.load_baseline(req.baseline.as_deref())?;
        // Paths in reports are repository-relative for SARIF and friends; the staged scan knows
        // its root, other scans find it from the working directory.
        let paths = if req.scan.staged {
            git::toplevel().map(RepoPaths::at_root)?
        } else {
            RepoPaths::discover()
        };
        let options = report::Options {
            color: true,
            verbose: req.verbose,
            statistics: req.statistics,
            paths: paths.clone(),
            quiet: req.quiet,
            width: req.width,
        };
        // Messages reach the report as well as the caller; the scan hands out one at a time.
        let reporter = std::cell::RefCell::new(report::reporter(req.format, out, &options));
        let mut tell = |m: Message| {
            // A write error here (a closed pipe) shows again on the next finding or the summary.
            let _ = reporter.borrow_mut().message(&m);
            diag(m);
        };
        let mut summary = Summary::default();
        let mut failing = false;
        let mut hidden_failing = 0;
        let mut sink = |doc: &Document, outcome: Outcome, first: bool| -> Result<(), Failure> {
            summary.files += usize::from(first);
            let (shown, fail_at) = thresholds(doc);
            let mut findings: Vec<Finding> = outcome.findings;
            let mut hide = outcome.identifying.clone();
            hide.extend(presend_core::privacy::identifying_spans(&findings));
            if let Some(b) = baseline.as_mut() {
                findings.retain(|f| {
                    let keyed = Keyed::new(f, paths.relative(&f.path), &doc.text, doc.first_byte);
                    !b.absorbs(&keyed)
                });
            }
            for f in &findings {
                if fail_at.is_some_and(|t| f.severity >= t) {
                    failing = true;
                    hidden_failing += usize::from(f.severity < shown);
                }
            }
            // Nothing identifying: the masked text would be a copy of the document.
            let text = if hide.is_empty() {
                None
            } else {
                privacy.mask_spans(&doc.text, doc.first_byte, hide)
            };
            findings.retain(|f| f.severity >= shown);
            findings.iter_mut().for_each(|f| privacy.apply(f));
            if let Some(masked) = &text {
                for f in &mut findings {
                    privacy.mask_overlaps(f, &doc.text, masked, doc.first_byte);
                }
            }
            findings.iter().for_each(|f| summary.add(f.severity));
            reporter
                .borrow_mut()
                .document(doc, text.as_deref().unwrap_or(&doc.text), &findings)?;
            Ok(())
        };
        let run = self.scan(&req.scan, &mut tell, &mut sink)?;
        if hidden_failing > 0 {
            notice(
                &mut tell,
                "",
                format!(
                    "{} below --min-severity still fail the run (see --fail-on)",
                    report::counted(hidden_failing, "finding", "findings")
                ),
            );
        }
        if let Some(b) = &baseline {
            let stale = b.unmatched();
            if stale > 0 && !req.scan.staged && req.scan.paths.iter().all(|p| p.is_dir()) {
                tell(Message::StaleBaseline { entries: stale });
            }
        }
        reporter.borrow_mut().finish(&summary)?;
        Ok(if run.trouble {
            Status::Trouble
        } else if failing {
            Status::Findings
        } else {
            Status::Clean
        })
    }

    /// `presend baseline`: scan and write every finding's fingerprint to `output` (atomically
    /// when it exists).
    pub fn baseline(
        &self,
        scan: &ScanRequest,
        output: &Path,
        diag: &mut Diagnostics,
    ) -> Result<(Status, BaselineWritten), Failure> {
        // The same repository-relative paths `check` will key findings on.
        let paths = if scan.staged {
            git::toplevel().map(RepoPaths::at_root)?
        } else {
            RepoPaths::discover()
        };
        let mut all: Vec<Keyed> = Vec::new();
        let mut sink = |doc: &Document, outcome: Outcome, _: bool| -> Result<(), Failure> {
            all.extend(
                outcome
                    .findings
                    .iter()
                    .map(|f| Keyed::new(f, paths.relative(&f.path), &doc.text, doc.first_byte)),
            );
            Ok(())
        };
        let run = self.scan(scan, diag, &mut sink)?;
        let findings = all.len();
        // Regenerating keeps the file's salt, so unchanged entries keep their keys (and the
        // file's diff shows only what changed).
        let keys = std::fs::read_to_string(output)
            .ok()
            .and_then(|json| BaselineFile::parse("", &json).ok())
            .map_or_else(KeyParams::fresh, |old| Ok(old.keys))?;
        let file = BaselineFile::from_findings(keys, all)?;
        let mut json = serde_json::to_string_pretty(&file).map_err(io::Error::from)?;
        json.push('\n');
        if output.exists() {
            crate::atomic::write(output, json.as_bytes())?;
        } else {
            std::fs::write(output, json).map_err(|source| Error::Io {
                path: output.to_path_buf(),
                source,
            })?;
        }
        let written = BaselineWritten {
            findings,
            entries: file.entries.len(),
        };
        let status = if run.trouble {
            Status::Trouble
        } else {
            Status::Clean
        };
        Ok((status, written))
    }

    /// `presend redact`: the draft with every identifying finding replaced by its tag, written
    /// back to the file (`in_place`) or to `out`; returns the status and the number of spans
    /// replaced. `tags` numbers the identifiers of the whole run (see [`Tags`]): pass the same
    /// one for every file of a run, after a pass over them all when the files can be read twice,
    /// so the first file already knows a kind has two identifiers.
    pub fn redact(
        &self,
        req: &RedactRequest,
        tags: &mut Tags,
        out: &mut dyn Write,
        diag: &mut Diagnostics,
    ) -> Result<(Status, usize), Failure> {
        let file = match &req.path {
            Some(p) if p.as_os_str() != "-" => Some(p.clone()),
            _ => None,
        };
        if req.in_place && file.is_none() {
            return Err(Error::Usage("--in-place needs a file, not standard input".into()).into());
        }
        let read = &req.read;
        let name = match &file {
            Some(p) => source::display_path(p),
            None => read.stdin_filename.clone().unwrap_or_else(|| "-".into()),
        };
        let abs = match &file {
            Some(p) => Some(self.absolute(p)),
            None => read
                .stdin_filename
                .as_ref()
                .map(|n| self.absolute(Path::new(n))),
        };
        // What the file looked like before it was read: rewriting it must not lose an edit made
        // while presend was working on it.
        let stamp = match (&file, req.in_place) {
            (Some(path), true) => {
                refuse_hard_links(path, &name)?;
                Some(crate::atomic::Stamp::of(path).map_err(|source| Error::Io {
                    path: path.to_path_buf(),
                    source,
                })?)
            }
            _ => None,
        };
        let plan = self.input_plan(read, abs.as_deref(), file.is_none());
        if let Some(path) = &file {
            let format = plan
                .policy
                .format
                .unwrap_or_else(|| InputFormat::from_path(&name));
            if format == InputFormat::Text && source::is_large_plain_text(path) {
                let large = LargeFile {
                    path,
                    name: &name,
                    plan: &plan,
                };
                return self.redact_large(&large, stamp.as_ref(), tags, out, diag);
            }
        }
        let loaded_doc = match &file {
            Some(p) => source::read_file(p)?,
            None => source::read_stdin(&name)?,
        };
        let mut run = Run::default();
        let Some(doc) = loaded(loaded_doc, true, &mut run, diag) else {
            let status = if run.trouble {
                Status::Trouble
            } else {
                Status::Clean
            };
            return Ok((status, 0));
        };
        if req.in_place && doc.lossy {
            return Err(Error::NotRewritten {
                path: doc.path.to_string(),
                reason: NOT_UTF8.to_string(),
            }
            .into());
        }
        self.warn_unknown_channels(read, diag);
        let (redacted, outcome, replaced) =
            pipeline::redact_counted(plan.engine, &doc, &plan.policy, tags);
        self.pattern_errors()?;
        for w in &outcome.warnings {
            notice(diag, &doc.path, w.clone());
        }
        let malformed = !outcome.errors.is_empty() || !outcome.missing_fields.is_empty();
        if malformed {
            report_format_errors(diag, &doc.path, &outcome.errors);
            report_missing_fields(diag, &doc.path, &outcome.missing_fields);
            if req.in_place {
                return Err(Error::NotRewritten {
                    path: doc.path.to_string(),
                    reason: format!(
                        "it cannot be read as {} (fix it, or pass --input-format text)",
                        outcome.format.map_or("its format", |f| f.as_str())
                    ),
                }
                .into());
            }
        }
        let status = if malformed {
            Status::Trouble
        } else {
            Status::Clean
        };
        match (&file, &stamp) {
            (Some(path), Some(read)) => {
                let bytes = doc.encode(&redacted);
                crate::atomic::write_unchanged(path, read, &name, |f| f.write_all(&bytes))?
            }
            _ => out.write_all(redacted.as_bytes())?,
        }
        Ok((status, replaced))
    }

    /// `redact` of a large plain-text file, window by window (bounded memory): to standard
    /// output, or atomically in place when `in_place` gives the file's stamp from before it was
    /// read.
    fn redact_large(
        &self,
        large: &LargeFile,
        in_place: Option<&crate::atomic::Stamp>,
        tags: &mut Tags,
        out: &mut dyn Write,
        diag: &mut Diagnostics,
    ) -> Result<(Status, usize), Failure> {
        let Some(read) = in_place else {
            let replaced = self.redact_windows(large, false, tags, out, diag)?;
            return Ok((Status::Clean, replaced));
        };
        let mut replaced = 0;
        let written = crate::atomic::write_unchanged(large.path, read, large.name, |f| {
            let mut out = io::BufWriter::new(f);
            replaced = self.redact_windows(large, true, tags, &mut out, diag)?;
            out.flush()
        });
        match written {
            Ok(()) => Ok((Status::Clean, replaced)),
            Err(Error::Io { source, .. }) if source.kind() == io::ErrorKind::InvalidData => {
                Err(Error::NotRewritten {
                    path: large.name.to_string(),
                    reason: source.to_string(),
                }
                .into())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Write the redacted text of the file to `out`, one window at a time: each window writes
    /// its own stretch of the file (extended to the end of a span it owns that runs past it),
    /// with the identifying findings it owns replaced by tags.
    fn redact_windows(
        &self,
        large: &LargeFile,
        refuse_lossy: bool,
        tags: &mut Tags,
        out: &mut dyn Write,
        diag: &mut Diagnostics,
    ) -> io::Result<usize> {
        let LargeFile { path, name, plan } = *large;
        let file = std::fs::File::open(path)?;
        let mut written = 0usize;
        let mut replaced = 0usize;
        let mut warned = false;
        for w in source::TextWindows::new(name, io::BufReader::new(file)) {
            let w = w.map_err(|e| io::Error::other(e.to_string()))?;
            if w.doc.lossy {
                if refuse_lossy {
                    return Err(io::Error::new(io::ErrorKind::InvalidData, NOT_UTF8));
                }
                if let (Some(n), false) = (&w.notice, warned) {
                    diag(Message::DecodeWarning {
                        path: n.path.clone(),
                        message: n.message.clone(),
                    });
                    warned = true;
                }
            }
            if w.owns.start == 0 && w.doc.had_bom {
                out.write_all("\u{FEFF}".as_bytes())?;
            }
            let base = w.doc.first_byte;
            let from = written.max(w.owns.start) - base;
            let owned: Vec<Finding> = plan
                .process(&w.doc)
                .findings
                .into_iter()
                .filter(|f| f.category.is_identifying() && w.owns.contains(&f.byte_range.0))
                .collect();
            replaced += owned.len();
            let end = owned
                .iter()
                .map(|f| f.byte_range.1 - base)
                .fold(w.owns.end - base, usize::max)
                .min(w.doc.text.len());
            let shift = |(s, e): (usize, usize)| {
                (
                    (s - base).saturating_sub(from),
                    (e - base).saturating_sub(from),
                )
            };
            let local: Vec<Finding> = owned
                .into_iter()
                .map(|mut f| {
                    f.byte_range = shift(f.byte_range);
                    f.parts
                        .iter_mut()
                        .for_each(|p| p.byte_range = shift(p.byte_range));
                    f
                })
                .collect();
            if from < end {
                out.write_all(
                    redact_text(&w.doc.text[from..end], &local, tags)
                        .0
                        .as_bytes(),
                )?;
            }
            written = base + end;
        }
        Ok(replaced)
    }
}

/// What `presend baseline` wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BaselineWritten {
    /// Findings recorded.
    pub findings: usize,
    /// Entries in the file (findings with the same fingerprint share one).
    pub entries: usize,
}

/// Whether the `CI` environment variable says we run in CI.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Mask identifiers under CI and in machine formats, unless told otherwise.
fn privacy(req: &CheckRequest) -> Privacy {
    Privacy {
        mask: !req.show_matches && (req.redact_matches || req.format.is_machine() || in_ci()),
    }
}
