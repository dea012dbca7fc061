//! `presend check` and `presend redact`.

use super::args::{CheckArgs, FailOn, FormatArg, RedactArgs, SeverityArg};
use super::{engine, stdout, warn, Exit, Failure};
use presend::engine::ScanOptions;
use presend::report::privacy::Privacy;
use presend::report::{self, Format, Summary};
use presend::source::{self, Document, Loaded};
use presend::{input, Engine, Error, Finding, Severity};
use std::io::Write;
use std::path::PathBuf;

/// Where one input comes from.
enum Input {
    Stdin,
    File(PathBuf),
}

fn inputs(paths: &[PathBuf]) -> Result<Vec<Input>, Error> {
    if paths.is_empty() {
        return Ok(vec![Input::Stdin]);
    }
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Input::Stdin);
        } else {
            out.extend(
                source::expand(std::slice::from_ref(p))?
                    .into_iter()
                    .map(Input::File),
            );
        }
    }
    Ok(out)
}

fn load(input: &Input, stdin_name: &str) -> Result<Option<Document>, Error> {
    let loaded = match input {
        Input::Stdin => source::read_stdin(stdin_name)?,
        Input::File(p) => source::read_file(p)?,
    };
    Ok(match loaded {
        Loaded::Text(doc, notice) => {
            if let Some(n) = notice {
                warn(&n.path, &n.message);
            }
            Some(doc)
        }
        Loaded::Skipped(n) => {
            warn(&n.path, &n.message);
            None
        }
    })
}

/// All findings of one document, in report order.
fn scan(engine: &Engine, doc: &Document, options: &ScanOptions) -> Vec<Finding> {
    let mut findings: Vec<Finding> = input::segments(doc)
        .iter()
        .flat_map(|s| engine.scan_with(s, options))
        .collect();
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings
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

/// The contract's Privacy rule: mask identifiers under CI and in machine formats, unless told.
fn privacy(args: &CheckArgs, format: Format) -> Privacy {
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    Privacy {
        mask: !args.show_matches && (args.redact_matches || format.is_machine() || ci),
    }
}

pub fn run(args: CheckArgs) -> Result<Exit, Failure> {
    let engine = engine(&args.packs)?;
    let format = match args.format {
        FormatArg::Human => Format::Human,
        FormatArg::Json => Format::Json,
        FormatArg::Jsonl => Format::JsonLines,
    };
    let privacy = privacy(&args, format);
    let shown = severity(args.min_severity);
    let fail_at = fail_threshold(args.fail_on);
    let stdin_name = args.stdin_filename.as_deref().unwrap_or("-");
    let inputs = inputs(&args.paths)?;
    let options = ScanOptions {
        channel: args.channel.as_ref().map(|c| c.to_lowercase()),
    };

    let mut out = stdout();
    let mut reporter = report::reporter(format, &mut out, true, args.verbose);
    let mut summary = Summary::default();
    let mut failing = false;
    let mut hidden_failing = 0;
    for input in &inputs {
        let Some(doc) = load(input, stdin_name)? else {
            continue;
        };
        summary.files += 1;
        let mut findings = scan(&engine, &doc, &options);
        for f in &findings {
            if fail_at.is_some_and(|t| f.severity >= t) {
                failing = true;
                hidden_failing += usize::from(f.severity < shown);
            }
        }
        let text = privacy.mask_document(&doc.text, &findings);
        findings.retain(|f| f.severity >= shown);
        findings.iter_mut().for_each(|f| privacy.apply(f));
        findings.iter().for_each(|f| summary.add(f.severity));
        reporter.document(&doc, text.as_deref().unwrap_or(&doc.text), &findings)?;
    }
    reporter.finish(&summary)?;
    drop(reporter);
    out.flush()?;
    if hidden_failing > 0 {
        warn(
            "-",
            &format!("{hidden_failing} finding(s) below --min-severity still fail the run (see --fail-on)"),
        );
    }
    Ok(if failing { Exit::Findings } else { Exit::Clean })
}

pub fn redact(args: RedactArgs) -> Result<Exit, Failure> {
    let engine = engine(&args.packs)?;
    let input = match &args.path {
        None => Input::Stdin,
        Some(p) if p.as_os_str() == "-" => Input::Stdin,
        Some(p) => Input::File(p.clone()),
    };
    if args.in_place && matches!(input, Input::Stdin) {
        return Err(Error::Usage("--in-place needs a file, not standard input".into()).into());
    }
    let Some(doc) = load(&input, "-")? else {
        return Ok(Exit::Clean);
    };
    let redacted = presend::redact::redact_fully(&engine, &doc.text, &ScanOptions::default());
    match (&input, args.in_place) {
        (Input::File(path), true) => {
            let bom = if doc.had_bom { "\u{FEFF}" } else { "" };
            presend::atomic::write(path, format!("{bom}{redacted}").as_bytes())?;
        }
        _ => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            out.write_all(redacted.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(Exit::Clean)
}
