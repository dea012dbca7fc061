//! `presend check`, `presend baseline` and `presend redact`: sources → documents → the per-document
//! pipeline (`presend::pipeline::process`) → baseline, thresholds, masking → a reporter.

use super::args::{
    BaselineArgs, CheckArgs, ConfigArgs, FailOn, FormatArg, InputFormatArg, PackArgs, RedactArgs,
    ScanArgs, SeverityArg,
};
use super::{stdout, warn, Exit, Failure};
use presend::baseline::{Baseline, BaselineFile};
use presend::config::Config;
use presend::input::{FormatError, InputFormat};
use presend::pipeline::{self, Outcome, Policy};
use presend::report::privacy::Privacy;
use presend::report::{self, Format, Summary};
use presend::rules::RuleSetBuilder;
use presend::source::{self, git, Document, LineChunks, Loaded, RepoPaths};
use presend::suppress::rule_matches;
use presend::{Engine, Error, Finding, Severity};
use rayon::prelude::*;
use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Everything a scan needs that does not change from file to file.
pub struct Setup {
    pub engine: Engine,
    pub config: Option<Config>,
    format: Option<InputFormat>,
    fields: Vec<String>,
    channel: Option<String>,
    cwd: PathBuf,
}

fn input_format(arg: Option<InputFormatArg>) -> Option<InputFormat> {
    match arg? {
        InputFormatArg::Auto => None,
        InputFormatArg::Text => Some(InputFormat::Text),
        InputFormatArg::Markdown => Some(InputFormat::Markdown),
        InputFormatArg::Csv => Some(InputFormat::Csv),
        InputFormatArg::Json => Some(InputFormat::Json),
        InputFormatArg::Jsonl => Some(InputFormat::Jsonl),
    }
}

/// The config file the options ask for: `--config`, none with `--no-config`, or the nearest
/// `presend.toml` from the working directory up to the repository top.
pub fn load_config(args: &ConfigArgs) -> Result<Option<Config>, Error> {
    if args.no_config {
        return Ok(None);
    }
    if let Some(file) = &args.config {
        return Config::load(file).map(Some);
    }
    let cwd = std::env::current_dir().map_err(|source| Error::Io {
        path: ".".into(),
        source,
    })?;
    Config::discover(&cwd)
}

/// Load packs (command line, then config) and compile them.
pub fn engine_for(packs: &PackArgs, config: Option<&Config>) -> Result<Engine, Error> {
    let mut b = RuleSetBuilder::default();
    let builtin = !packs.no_builtin && config.and_then(|c| c.data.builtin).unwrap_or(true);
    if builtin {
        b.add_builtin()?;
    }
    if let Some(c) = config {
        for p in &c.data.rules {
            b.add_path(&c.resolve(p))?;
        }
    }
    for path in &packs.rules {
        b.add_path(path)?;
    }
    let set = b.finish()?;
    if set.rules.is_empty() {
        return Err(Error::Usage(
            "no rules loaded: drop --no-builtin or add packs with --rules".into(),
        ));
    }
    Ok(Engine::new(set))
}

/// Every rule pattern in the config must name a loaded rule or pack: a typo in `disable` would
/// otherwise silently keep a rule on.
fn check_config_names(config: &Config, engine: &Engine) -> Result<(), Error> {
    let known = |p: &str| {
        engine
            .rules()
            .rules
            .iter()
            .any(|r| rule_matches(p, &r.full_id))
            || pipeline::BUILTIN_CHECKS
                .iter()
                .any(|(id, _, _)| rule_matches(p, id))
    };
    let data = &config.data;
    let tables = std::iter::once(("", &data.disable, data.severity.keys().collect::<Vec<_>>()))
        .chain(
            data.per_path
                .iter()
                .map(|(g, s)| (g.as_str(), &s.disable, s.severity.keys().collect())),
        );
    for (glob, disable, severity) in tables {
        for p in disable.iter().chain(severity) {
            if !known(p) {
                let place = if glob.is_empty() {
                    String::new()
                } else {
                    format!(" [per-path.\"{glob}\"]")
                };
                return Err(Error::Usage(format!(
                    "invalid config {}{place}: `{p}` is no loaded rule or pack (see `presend rules list`)",
                    config.file.display()
                )));
            }
        }
    }
    Ok(())
}

impl Setup {
    pub fn new(scan: &ScanArgs) -> Result<Setup, Error> {
        let config = load_config(&scan.config)?;
        let engine = engine_for(&scan.packs, config.as_ref())?;
        if let Some(c) = &config {
            check_config_names(c, &engine)?;
        }
        if let Some(c) = &scan.channel {
            let canonical = presend::channel::canonical(c);
            if !presend::channel::is_known(&canonical) {
                warn(
                    "-",
                    &format!("unknown channel `{c}`: no length limit applies, only packs' own channel rules"),
                );
            }
        }
        Ok(Setup {
            engine,
            config,
            format: input_format(scan.input_format),
            fields: scan.fields.clone(),
            channel: scan.channel.clone(),
            cwd: std::env::current_dir().unwrap_or_default(),
        })
    }

    fn absolute(&self, path: &Path) -> PathBuf {
        let p = if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.cwd.join(path)
        };
        std::path::absolute(&p).unwrap_or(p)
    }

    fn excluded(&self, abs: &Path) -> bool {
        self.config.as_ref().is_some_and(|c| c.excluded(abs))
    }

    /// The policy for a document at `abs` (for config globs).
    pub fn policy(&self, abs: Option<&Path>) -> Policy {
        let mut p = Policy {
            format: self.format,
            channel_override: self.channel.clone(),
            ..Policy::default()
        };
        p.read.fields = self.fields.clone();
        let settings = match (&self.config, abs) {
            (Some(c), Some(a)) => c.for_path(a),
            (Some(c), None) => c.for_path(&self.cwd.join("-")),
            (None, _) => Vec::new(),
        };
        for s in settings {
            if self.format.is_none() {
                if let Some(f) = s.input_format.as_deref() {
                    p.format = InputFormat::parse(f);
                }
            }
            if self.fields.is_empty() && !s.fields.is_empty() {
                p.read.fields = s.fields.clone();
            }
            if s.channel.is_some() {
                p.default_channel = s.channel.clone();
            }
            p.disabled.extend(s.disable.iter().cloned());
            p.severity
                .extend(s.severity.iter().map(|(k, v)| (k.clone(), *v)));
            p.allow.extend(s.allow.iter().cloned());
        }
        p
    }
}

/// Where one input comes from.
enum Input {
    Stdin,
    File(PathBuf),
}

/// The inputs the paths name, in order: files as given, directories walked in sorted order.
/// A path that cannot be read is reported and counted as trouble; the others are still scanned.
fn inputs(paths: &[PathBuf], walk: source::Walk, run: &mut Run) -> Vec<Input> {
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
                if !skipped.is_empty() {
                    let _ = writeln!(
                        std::io::stderr(),
                        "presend: note: {}: {}",
                        source::display_path(p),
                        skipped.describe()
                    );
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
                    let _ = writeln!(
                        std::io::stderr(),
                        "presend: error: {}: no file to scan in this directory",
                        source::display_path(p)
                    );
                    run.trouble = true;
                }
            }
            Err(e) => {
                let _ = writeln!(std::io::stderr(), "presend: error: {e}");
                run.trouble = true;
            }
        }
    }
    out
}

fn is_presend_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    presend::config::FILE_NAMES.contains(&name) || name == ".presend-baseline.json"
}

/// Counts a whole scan keeps.
#[derive(Default)]
pub struct Run {
    /// Something could not be read or parsed: exit 2 at the end.
    pub trouble: bool,
    /// Files named on the command line (not found by a walk): one that cannot be decoded is
    /// trouble, not a skip.
    named: HashSet<PathBuf>,
}

fn report_format_errors(path: &str, errors: &[FormatError]) {
    for e in errors {
        let record = e
            .record
            .map(|r| format!(" record {r}:"))
            .unwrap_or_default();
        let _ = writeln!(
            std::io::stderr(),
            "presend: error: {path}:{}:{record} {} (scanned as plain text instead)",
            e.line,
            e.message
        );
    }
}

/// A `--field` (or `fields=`) that no record of a JSON file has: the user's mistake, as a missing
/// CSV column is. Names only the field asked for.
fn missing_field_error(field: &str) -> FormatError {
    FormatError {
        record: None,
        line: 1,
        message: format!(
            "no record has a field named `{field}`; every string of each record was scanned"
        ),
    }
}

fn loaded(l: Loaded) -> Option<Document> {
    match l {
        Loaded::Text(doc, notice) => {
            if let Some(n) = notice {
                warn(&n.path, &n.message);
            }
            Some(doc)
        }
        Loaded::Skipped(n) | Loaded::Undecodable(n) => {
            warn(&n.path, &n.message);
            None
        }
    }
}

/// JSON Lines records scanned in parallel at a time (bounded memory for any file size).
const RECORD_BATCH: usize = 1024;
/// Files read and scanned in parallel at a time.
const FILE_BATCH: usize = 64;

/// Read and scan `files` in parallel, then hand them to `sink` in the order given, so reports
/// are deterministic whatever the scheduling.
fn scan_files(
    files: Vec<(PathBuf, Policy)>,
    process: &(dyn Fn(&Document, &Policy) -> Outcome + Sync),
    run: &mut Run,
    sink: &mut Sink,
) -> Result<(), Failure> {
    let scanned: Vec<_> = files
        .par_iter()
        .map(|(path, policy)| {
            source::read_file(path).map(|loaded| match loaded {
                Loaded::Text(doc, notice) => {
                    let outcome = process(&doc, policy);
                    (Loaded::Text(doc, notice), Some(outcome))
                }
                skipped => (skipped, None),
            })
        })
        .collect();
    for ((path, _), result) in files.iter().zip(scanned) {
        match result {
            Err(e) => {
                let _ = writeln!(std::io::stderr(), "presend: error: {e}");
                run.trouble = true;
            }
            Ok((loaded_doc, outcome)) => {
                run.trouble |=
                    matches!(loaded_doc, Loaded::Undecodable(_)) && run.named.contains(path);
                if let (Some(doc), Some(outcome)) = (loaded(loaded_doc), outcome) {
                    run.trouble |= !outcome.errors.is_empty();
                    sink(&doc, outcome, true)?;
                }
            }
        }
    }
    Ok(())
}

/// A file large enough to be scanned window by window: plain UTF-8 text over
/// [`source::LARGE_TEXT`] (UTF-16 and binary files are left to the whole-file reader).
fn is_large_plain_text(path: &Path) -> bool {
    use std::io::Read;
    let big = std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() > source::LARGE_TEXT);
    let mut head = [0u8; 8192];
    big && std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .is_ok_and(|n| !head[..n].contains(&0))
}

/// Scan a large plain-text file window by window, a few windows in parallel at a time, so memory
/// stays bounded whatever its size. Each finding is reported by the window that owns its start.
fn scan_large_text(
    path: &Path,
    name: &str,
    policy: &Policy,
    process: &(dyn Fn(&Document, &Policy) -> Outcome + Sync),
    run: &mut Run,
    sink: &mut Sink,
) -> Result<(), Failure> {
    const PARALLEL_WINDOWS: usize = 2;
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            warn(name, &format!("cannot read: {e}"));
            run.trouble = true;
            return Ok(());
        }
    };
    let mut windows = source::TextWindows::new(name, std::io::BufReader::new(file));
    let mut first = true;
    let mut warned = false;
    loop {
        let mut batch = Vec::with_capacity(PARALLEL_WINDOWS);
        for w in windows.by_ref() {
            match w {
                Ok(w) => batch.push(w),
                Err(e) => {
                    let _ = writeln!(std::io::stderr(), "presend: error: {e}");
                    run.trouble = true;
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
        let outcomes: Vec<Outcome> = batch.par_iter().map(|w| process(&w.doc, policy)).collect();
        for (w, mut outcome) in batch.iter().zip(outcomes) {
            if let (Some(n), false) = (&w.notice, warned) {
                warn(&n.path, &n.message);
                warned = true;
            }
            outcome
                .findings
                .retain(|f| w.owns.contains(&f.byte_range.0));
            sink(&w.doc, outcome, std::mem::take(&mut first))?;
        }
        if batch.len() < PARALLEL_WINDOWS {
            return Ok(());
        }
    }
}

/// A sink receives each processed document; `first` is false for later records of a JSON Lines
/// file read record by record.
type Sink<'a> = dyn FnMut(&Document, Outcome, bool) -> Result<(), Failure> + 'a;

/// Scan everything the arguments name, handing each processed document to `sink` in a
/// deterministic order. Unreadable and malformed inputs are reported on stderr and counted as
/// trouble; the other inputs are still scanned.
pub fn scan_all(
    setup: &Setup,
    scan: &ScanArgs,
    sink: &mut Sink,
) -> Result<(Run, RepoPaths), Failure> {
    let mut run = Run::default();
    // One JSON Lines record: a field missing from it is judged over the whole file.
    let process_record = |doc: &Document, policy: &Policy| {
        let outcome = pipeline::process(&setup.engine, doc, policy);
        if !outcome.errors.is_empty() {
            report_format_errors(&doc.path, &outcome.errors);
        }
        outcome
    };
    let process = |doc: &Document, policy: &Policy| {
        let mut outcome = pipeline::process(&setup.engine, doc, policy);
        outcome.errors.extend(
            outcome
                .missing_fields
                .iter()
                .map(|f| missing_field_error(f)),
        );
        if !outcome.errors.is_empty() {
            report_format_errors(&doc.path, &outcome.errors);
        }
        outcome
    };
    if scan.staged {
        let root = git::toplevel()?;
        let paths = git::staged_paths(&scan.paths)?;
        for blob in git::StagedBlobs::open(&root, paths)? {
            let blob = blob?;
            let abs = root.join(&blob.path);
            let Some(bytes) = blob.bytes else { continue };
            if setup.excluded(&abs) {
                continue;
            }
            let Some(doc) = loaded(source::decode(&blob.path, bytes)) else {
                continue;
            };
            let outcome = process(&doc, &setup.policy(Some(&abs)));
            run.trouble |= !outcome.errors.is_empty();
            sink(&doc, outcome, true)?;
        }
        return Ok((run, RepoPaths::at_root(root)));
    }
    let stdin_name = scan.stdin_filename.as_deref().unwrap_or("-");
    let mut files: Vec<(PathBuf, Policy)> = Vec::new();
    let walk = source::Walk {
        hidden: scan.hidden,
        no_ignore: scan.no_ignore,
    };
    for input in inputs(&scan.paths, walk, &mut run) {
        let (name, abs) = match &input {
            Input::Stdin => (
                stdin_name.to_string(),
                scan.stdin_filename
                    .as_ref()
                    .map(|n| setup.absolute(Path::new(n))),
            ),
            Input::File(p) => (source::display_path(p), Some(setup.absolute(p))),
        };
        if let (Input::File(_), Some(a)) = (&input, &abs) {
            if setup.excluded(a) {
                continue;
            }
        }
        let mut policy = setup.policy(abs.as_deref());
        if matches!(input, Input::Stdin) && policy.format.is_none() && scan.stdin_filename.is_none()
        {
            policy.format = Some(InputFormat::Text);
        }
        let format = policy
            .format
            .unwrap_or_else(|| InputFormat::from_path(&name));
        if format == InputFormat::Jsonl || matches!(input, Input::Stdin) {
            // Streams are scanned here and now: report the files before them first.
            scan_files(std::mem::take(&mut files), &process, &mut run, sink)?;
        }
        if format == InputFormat::Jsonl {
            // Record by record: memory holds one line however long the file is.
            let reader: Box<dyn std::io::BufRead> = match &input {
                Input::Stdin => Box::new(std::io::stdin().lock()),
                Input::File(p) => match std::fs::File::open(p) {
                    Ok(f) => Box::new(std::io::BufReader::new(f)),
                    Err(e) => {
                        warn(&name, &format!("cannot read: {e}"));
                        run.trouble = true;
                        continue;
                    }
                },
            };
            let mut first = true;
            // Fields asked for that no record so far has.
            let mut missing: Option<Vec<String>> = None;
            let mut chunks = LineChunks::new(&name, reader);
            loop {
                // A batch of records is read, scanned in parallel, then reported in order:
                // memory holds one batch however long the file is.
                let mut batch = Vec::with_capacity(RECORD_BATCH);
                let mut stop = false;
                for chunk in chunks.by_ref() {
                    match chunk {
                        Ok(Loaded::Skipped(n) | Loaded::Undecodable(n)) => {
                            warn(&n.path, &n.message);
                            stop = true;
                            break;
                        }
                        Ok(loaded) => batch.push(loaded),
                        Err(e) => {
                            let _ = writeln!(std::io::stderr(), "presend: error: {e}");
                            run.trouble = true;
                            stop = true;
                            break;
                        }
                    }
                    if batch.len() == RECORD_BATCH {
                        break;
                    }
                }
                if batch.is_empty() {
                    break;
                }
                let docs: Vec<Document> = batch.into_iter().filter_map(loaded).collect();
                let outcomes: Vec<Outcome> = docs
                    .par_iter()
                    .map(|d| process_record(d, &policy))
                    .collect();
                for (doc, outcome) in docs.iter().zip(outcomes) {
                    let still = missing.get_or_insert_with(|| outcome.missing_fields.clone());
                    still.retain(|f| outcome.missing_fields.contains(f));
                    run.trouble |= !outcome.errors.is_empty();
                    sink(doc, outcome, std::mem::take(&mut first))?;
                }
                if stop {
                    break;
                }
            }
            let errors: Vec<FormatError> = missing
                .unwrap_or_default()
                .iter()
                .map(|f| missing_field_error(f))
                .collect();
            if !errors.is_empty() {
                report_format_errors(&name, &errors);
                run.trouble = true;
            }
            continue;
        }
        if let Input::File(path) = &input {
            if format == InputFormat::Text && is_large_plain_text(path) {
                scan_files(std::mem::take(&mut files), &process, &mut run, sink)?;
                scan_large_text(path, &name, &policy, &process, &mut run, sink)?;
                continue;
            }
        }
        if let Input::File(path) = input {
            files.push((path, policy));
            if files.len() == FILE_BATCH {
                scan_files(std::mem::take(&mut files), &process, &mut run, sink)?;
            }
            continue;
        }
        let doc = match source::read_stdin(&name) {
            Ok(l) => {
                run.trouble |= matches!(l, Loaded::Undecodable(_));
                loaded(l)
            }
            Err(e) => {
                let _ = writeln!(std::io::stderr(), "presend: error: {e}");
                run.trouble = true;
                continue;
            }
        };
        let Some(doc) = doc else { continue };
        let outcome = process(&doc, &policy);
        run.trouble |= !outcome.errors.is_empty();
        sink(&doc, outcome, true)?;
    }
    scan_files(files, &process, &mut run, sink)?;
    Ok((run, RepoPaths::discover()))
}

fn severity(s: SeverityArg) -> Severity {
    match s {
        SeverityArg::Error => Severity::Error,
        SeverityArg::Warning => Severity::Warning,
        SeverityArg::Info => Severity::Info,
    }
}

fn fail_threshold(f: FailOn) -> Option<Severity> {
    match f {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    }
}

/// Whether the `CI` environment variable says we run in CI.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// The contract's Privacy rule: mask identifiers under CI and in machine formats, unless told.
fn privacy(args: &CheckArgs, format: Format) -> Privacy {
    Privacy {
        mask: !args.show_matches && (args.redact_matches || format.is_machine() || in_ci()),
    }
}

fn load_baseline(args: &CheckArgs, config: Option<&Config>) -> Result<Option<Baseline>, Error> {
    let file = match (
        &args.baseline,
        config.and_then(|c| c.data.baseline.as_ref()),
    ) {
        (Some(f), _) => f.clone(),
        (None, Some(f)) => config.map(|c| c.resolve(f)).unwrap_or_default(),
        (None, None) => return Ok(None),
    };
    let json = std::fs::read_to_string(&file).map_err(|source| Error::Io {
        path: file.clone(),
        source,
    })?;
    Baseline::parse(&file.display().to_string(), &json).map(Some)
}

pub fn run(args: CheckArgs) -> Result<Exit, Failure> {
    let setup = Setup::new(&args.scan)?;
    let config = setup.config.as_ref();
    let format = match args.format {
        FormatArg::Human => Format::Human,
        FormatArg::Json => Format::Json,
        FormatArg::Jsonl => Format::JsonLines,
        FormatArg::Sarif => Format::Sarif,
        FormatArg::Github => Format::Github,
        FormatArg::Gitlab => Format::Gitlab,
        FormatArg::Junit => Format::Junit,
    };
    let privacy = privacy(&args, format);
    let shown = args
        .min_severity
        .map(severity)
        .or_else(|| config.and_then(|c| c.data.min_severity))
        .unwrap_or(Severity::Info);
    let fail_at = match args.fail_on {
        Some(f) => fail_threshold(f),
        None => config
            .and_then(|c| c.data.fail_on)
            .map_or(Some(Severity::Warning), |f| f.threshold()),
    };
    let mut baseline = load_baseline(&args, config)?;
    // Paths in reports are repository-relative for SARIF and friends; the staged scan knows its
    // root, other scans find it from the working directory.
    let paths = if args.scan.staged {
        git::toplevel().map(RepoPaths::at_root)?
    } else {
        RepoPaths::discover()
    };

    let mut out = stdout();
    let options = report::Options {
        color: true,
        verbose: args.verbose,
        statistics: args.statistics,
        paths: paths.clone(),
    };
    let mut reporter = report::reporter(format, &mut out, &options);
    let mut summary = Summary::default();
    let mut failing = false;
    let mut hidden_failing = 0;
    let mut sink = |doc: &Document, outcome: Outcome, first: bool| -> Result<(), Failure> {
        summary.files += usize::from(first);
        let mut findings: Vec<Finding> = outcome.findings;
        let mut hide = outcome.identifying.clone();
        hide.extend(presend::report::privacy::identifying_spans(&findings));
        if let Some(b) = baseline.as_mut() {
            findings.retain(|f| !b.absorbs(f, &paths.relative(&f.path)));
        }
        for f in &findings {
            if fail_at.is_some_and(|t| f.severity >= t) {
                failing = true;
                hidden_failing += usize::from(f.severity < shown);
            }
        }
        let text = privacy.mask_spans(&doc.text, doc.first_byte, hide);
        findings.retain(|f| f.severity >= shown);
        findings.iter_mut().for_each(|f| privacy.apply(f));
        findings.iter().for_each(|f| summary.add(f.severity));
        for e in &outcome.errors {
            reporter.input_error(&doc.path, e)?;
        }
        reporter.document(doc, text.as_deref().unwrap_or(&doc.text), &findings)?;
        Ok(())
    };
    let (run, _) = scan_all(&setup, &args.scan, &mut sink)?;
    reporter.finish(&summary)?;
    drop(reporter);
    out.flush()?;
    if hidden_failing > 0 {
        warn(
            "-",
            &format!("{hidden_failing} finding(s) below --min-severity still fail the run (see --fail-on)"),
        );
    }
    if let Some(b) = &baseline {
        let stale = b.unmatched();
        if stale > 0 && !args.scan.staged && args.scan.paths.iter().all(|p| p.is_dir()) {
            warn(
                "-",
                &format!("{stale} baselined finding(s) no longer found; `presend baseline` refreshes the file"),
            );
        }
    }
    Ok(if run.trouble {
        Exit::Trouble
    } else if failing {
        Exit::Findings
    } else {
        Exit::Clean
    })
}

pub fn baseline(args: BaselineArgs) -> Result<Exit, Failure> {
    let setup = Setup::new(&args.scan)?;
    let mut all: Vec<Finding> = Vec::new();
    let mut sink = |_: &Document, outcome: Outcome, _: bool| -> Result<(), Failure> {
        all.extend(outcome.findings);
        Ok(())
    };
    let (run, paths) = scan_all(&setup, &args.scan, &mut sink)?;
    let file = BaselineFile::from_findings(all.iter().map(|f| (f, paths.relative(&f.path))));
    let mut json = serde_json::to_string_pretty(&file).map_err(std::io::Error::from)?;
    json.push('\n');
    let output = &args.output;
    if output.exists() {
        presend::atomic::write(output, json.as_bytes())?;
    } else {
        std::fs::write(output, json).map_err(|source| Error::Io {
            path: output.clone(),
            source,
        })?;
    }
    let _ = writeln!(
        std::io::stderr(),
        "presend: wrote {} ({} finding(s) in {} entr{})",
        output.display(),
        all.len(),
        file.entries.len(),
        if file.entries.len() == 1 { "y" } else { "ies" }
    );
    Ok(if run.trouble {
        Exit::Trouble
    } else {
        Exit::Clean
    })
}

pub fn redact(args: RedactArgs) -> Result<Exit, Failure> {
    let config = load_config(&args.config)?;
    let engine = engine_for(&args.packs, config.as_ref())?;
    let scan = ScanArgs {
        paths: args.path.iter().cloned().collect(),
        staged: false,
        input_format: args.input_format,
        fields: args.fields.clone(),
        channel: None,
        stdin_filename: args.stdin_filename.clone(),
        hidden: false,
        no_ignore: false,
        config: args.config.clone(),
        packs: args.packs.clone(),
    };
    let setup = Setup {
        engine,
        config,
        format: input_format(args.input_format),
        fields: args.fields.clone(),
        channel: None,
        cwd: std::env::current_dir().unwrap_or_default(),
    };
    let file = match &args.path {
        Some(p) if p.as_os_str() != "-" => Some(p.clone()),
        _ => None,
    };
    if args.in_place && file.is_none() {
        return Err(Error::Usage("--in-place needs a file, not standard input".into()).into());
    }
    let name = match &file {
        Some(p) => source::display_path(p),
        None => scan.stdin_filename.clone().unwrap_or_else(|| "-".into()),
    };
    let abs = match &file {
        Some(p) => Some(setup.absolute(p)),
        None => scan
            .stdin_filename
            .as_ref()
            .map(|n| setup.absolute(Path::new(n))),
    };
    let mut policy = setup.policy(abs.as_deref());
    if file.is_none() && policy.format.is_none() && scan.stdin_filename.is_none() {
        policy.format = Some(InputFormat::Text);
    }
    if let Some(path) = &file {
        let format = policy
            .format
            .unwrap_or_else(|| InputFormat::from_path(&name));
        if format == InputFormat::Text && is_large_plain_text(path) {
            return redact_large(path, &name, &policy, &setup.engine, args.in_place);
        }
    }
    let loaded_doc = match &file {
        Some(p) => source::read_file(p)?,
        None => source::read_stdin(&name)?,
    };
    let undecodable = matches!(loaded_doc, Loaded::Undecodable(_));
    let Some(doc) = loaded(loaded_doc) else {
        return Ok(if undecodable {
            Exit::Trouble
        } else {
            Exit::Clean
        });
    };
    if args.in_place && doc.lossy {
        return Err(Error::Usage(format!(
            "{}: not rewritten: it is not valid UTF-8, and rewriting it would replace the undecodable bytes for good (convert it to UTF-8 first)",
            doc.path
        ))
        .into());
    }
    let (redacted, mut outcome) = pipeline::redact(&setup.engine, &doc, &policy);
    outcome.errors.extend(
        outcome
            .missing_fields
            .iter()
            .map(|f| missing_field_error(f)),
    );
    if !outcome.errors.is_empty() {
        report_format_errors(&doc.path, &outcome.errors);
        if args.in_place {
            return Err(Error::Usage(format!(
                "{}: not rewritten: it cannot be read as {} (fix it, or pass --input-format text)",
                doc.path,
                outcome.format.map_or("its format", |f| f.as_str())
            ))
            .into());
        }
    }
    match (&file, args.in_place) {
        (Some(path), true) => {
            presend::atomic::write(path, &doc.encode(&redacted))?;
        }
        _ => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            out.write_all(redacted.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(if outcome.errors.is_empty() {
        Exit::Clean
    } else {
        Exit::Trouble
    })
}

/// `redact` of a large plain-text file, window by window (bounded memory): to standard output,
/// or atomically in place.
fn redact_large(
    path: &Path,
    name: &str,
    policy: &Policy,
    engine: &Engine,
    in_place: bool,
) -> Result<Exit, Failure> {
    if !in_place {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        redact_windows(path, name, policy, engine, false, &mut out)?;
        out.flush()?;
        return Ok(Exit::Clean);
    }
    let written = presend::atomic::write_with(path, |f| {
        let mut out = std::io::BufWriter::new(f);
        redact_windows(path, name, policy, engine, true, &mut out)?;
        out.flush()
    });
    match written {
        Ok(()) => Ok(Exit::Clean),
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::InvalidData => {
            Err(Error::Usage(format!("{name}: not rewritten: {source}")).into())
        }
        Err(e) => Err(e.into()),
    }
}

/// Write the redacted text of `path` to `out`, one window at a time: each window writes its own
/// stretch of the file (extended to the end of a span it owns that runs past it), with the
/// identifying findings it owns replaced by tags.
fn redact_windows(
    path: &Path,
    name: &str,
    policy: &Policy,
    engine: &Engine,
    refuse_lossy: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let file = std::fs::File::open(path)?;
    let mut written = 0usize;
    let mut warned = false;
    for w in source::TextWindows::new(name, std::io::BufReader::new(file)) {
        let w = w.map_err(|e| std::io::Error::other(e.to_string()))?;
        if w.doc.lossy {
            if refuse_lossy {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "it is not valid UTF-8, and rewriting it would replace the undecodable bytes for good (convert it to UTF-8 first)",
                ));
            }
            if let (Some(n), false) = (&w.notice, warned) {
                warn(&n.path, &n.message);
                warned = true;
            }
        }
        if w.owns.start == 0 && w.doc.had_bom {
            out.write_all("\u{FEFF}".as_bytes())?;
        }
        let base = w.doc.first_byte;
        let from = written.max(w.owns.start) - base;
        let owned: Vec<Finding> = pipeline::process(engine, &w.doc, policy)
            .findings
            .into_iter()
            .filter(|f| f.category.is_identifying() && w.owns.contains(&f.byte_range.0))
            .collect();
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
            out.write_all(presend::redact::redact(&w.doc.text[from..end], &local).as_bytes())?;
        }
        written = base + end;
    }
    Ok(())
}
