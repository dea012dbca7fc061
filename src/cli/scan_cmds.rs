//! `presend check`, `presend baseline` and `presend redact`: arguments mapped to the library's
//! check session, which does the work.

use super::args::{
    BaselineArgs, CheckArgs, FormatArg, OutputFormat, RedactArgs, ScanArgs, SeverityArg,
};
use super::{diagnose, diagnose_quietly, session_from, Exit, Failure};
use presend_app::config::FailOn;
use presend_app::redact::Tags;
use presend_app::session::{
    CheckRequest, ReadSettings, RedactRequest, ScanRequest, Session, Status,
};
use presend_core::Error;
use presend_core::Severity;
use presend_input::source::Walk;
use presend_report::counted;
use presend_report::Format;
use std::io::Write;
use std::path::{Path, PathBuf};

fn scan_request(scan: &ScanArgs) -> ScanRequest {
    ScanRequest {
        paths: scan.paths.clone(),
        staged: scan.staged,
        walk: Walk {
            hidden: scan.hidden,
            no_ignore: scan.no_ignore,
        },
        read: ReadSettings {
            format: scan.input_format.and_then(|c| c.0),
            fields: scan.fields.clone(),
            channel: scan.channel.clone(),
            stdin_filename: scan.stdin_filename.clone(),
        },
    }
}

fn format(f: FormatArg, layout: OutputFormat) -> Format {
    match f {
        FormatArg::Human if layout == OutputFormat::Concise => Format::Concise,
        FormatArg::Human => Format::Human,
        FormatArg::Json => Format::Json,
        FormatArg::Jsonl => Format::JsonLines,
        FormatArg::Sarif => Format::Sarif,
        FormatArg::Github => Format::Github,
        FormatArg::Gitlab => Format::Gitlab,
        FormatArg::Junit => Format::Junit,
    }
}

fn severity(s: SeverityArg) -> Severity {
    match s {
        SeverityArg::Error => Severity::Error,
        SeverityArg::Warning => Severity::Warning,
        SeverityArg::Info => Severity::Info,
    }
}

/// Option combinations that have no sensible meaning: refused with exit 2 rather than one of
/// them silently ignored.
fn refuse_contradictions(args: &CheckArgs) -> Result<(), Error> {
    let machine = !matches!(args.format, FormatArg::Human);
    if args.statistics && !matches!(args.format, FormatArg::Human | FormatArg::Json) {
        return Err(Error::Usage(format!(
            "--statistics prints a table (human) or JSON (--format json), not --format {}",
            format_name(args.format)
        )));
    }
    if machine && args.output_format == OutputFormat::Concise {
        return Err(Error::Usage(format!(
            "--output-format concise lays out the human report; it cannot apply to --format {}",
            format_name(args.format)
        )));
    }
    Ok(())
}

fn format_name(f: FormatArg) -> String {
    use clap::ValueEnum;
    f.to_possible_value()
        .map(|v| v.get_name().to_string())
        .unwrap_or_default()
}

/// The columns the human report may use: `COLUMNS` when set, else the terminal's width when
/// standard output is one; `None` (the report's default) otherwise.
fn report_width(to_file: bool) -> Option<usize> {
    if let Some(n) = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()) {
        return Some(n).filter(|&n: &usize| n >= 20);
    }
    if to_file {
        return None;
    }
    terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| usize::from(w.0))
}

pub fn check(args: CheckArgs) -> Result<Exit, Failure> {
    refuse_contradictions(&args)?;
    let session = session_from(
        &args.scan.config,
        &args.scan.packs,
        discovery_start(&args.scan),
    )?
    .with_selectors(&args.scan.select.selectors())?;
    if args.show_settings {
        show_settings(&session, &args)?;
        return Ok(Exit::Clean);
    }
    if args.show_files {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        let walk = Walk {
            hidden: args.scan.hidden,
            no_ignore: args.scan.no_ignore,
        };
        for file in session.files(&args.scan.paths, walk, &mut diagnose) {
            writeln!(out, "{file}")?;
        }
        out.flush()?;
        return Ok(Exit::Clean);
    }
    let request = CheckRequest {
        scan: scan_request(&args.scan),
        format: format(args.format, args.output_format),
        fail_on: args.fail_on,
        min_severity: args.min_severity.map(severity),
        baseline: args.baseline.clone(),
        statistics: args.statistics,
        show_matches: args.show_matches,
        redact_matches: args.redact_matches,
        verbose: args.verbose,
        quiet: args.quiet,
        width: report_width(args.output_file.is_some()),
    };
    let mut diag = diagnose_quietly(args.quiet);
    let choice = args.color.choice();
    if let Some(file) = &args.output_file {
        // The whole report is built first and the file replaced in one step, so a failed run
        // never leaves half a report behind.
        let mut out = anstream::AutoStream::new(Vec::new(), choice);
        let status = session.check(&request, &mut out, &mut diag);
        let status = status?;
        presend_app::atomic::write(file, &out.into_inner())?;
        return Ok(status.into());
    }
    // Machine formats never carry terminal styling, so they skip the styling filter, which
    // would otherwise read every byte of a large JSON Lines report once more.
    let mut styled;
    let mut plain;
    let out: &mut dyn Write = if request.format.is_machine() {
        plain = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        &mut plain
    } else {
        styled =
            std::io::BufWriter::new(anstream::AutoStream::new(std::io::stdout().lock(), choice));
        &mut styled
    };
    let status = session.check(&request, out, &mut diag);
    // The report first, then whatever the session had to say after it.
    out.flush()?;
    // The process ends here: freeing the compiled rules one allocation at a time would only
    // delay the exit.
    std::mem::forget(session);
    Ok(status?.into())
}

/// Where configuration discovery starts: at each checked path, unless the run reads the index
/// (`--staged`: from the working directory).
fn discovery_start(scan: &ScanArgs) -> Option<&[PathBuf]> {
    (!scan.staged).then_some(scan.paths.as_slice())
}

/// `check --show-settings`: for each checked path, the config file that applies to it, the
/// thresholds, the packs and how many of their rules run; then which config's baseline the run
/// uses when the paths do not all share one config.
fn show_settings(session: &Session, args: &CheckArgs) -> Result<(), Failure> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let paths = session.path_configs();
    for (i, entry) in paths.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        if let Some(path) = entry.path {
            writeln!(out, "path: {}", path.display())?;
        }
        writeln!(out, "config: {}", config_name(entry.config))?;
        let data = entry.config.map(|c| &c.data);
        let fail_on = args
            .fail_on
            .or_else(|| data.and_then(|d| d.fail_on))
            .unwrap_or(FailOn::Warning);
        let shown = args
            .min_severity
            .map(severity)
            .or_else(|| data.and_then(|d| d.min_severity))
            .unwrap_or(Severity::Info);
        writeln!(out, "fail-on: {}", fail_on.name())?;
        writeln!(out, "min-severity: {}", shown.as_str())?;
        let set = entry.engine.rules();
        let packs: Vec<&str> = set.packs.iter().map(|p| &*p.id).collect();
        writeln!(out, "packs: {}", packs.join(", "))?;
        let checked = set.rules.iter().filter(|r| !r.signal).count();
        let disabled: Vec<&str> = entry
            .disabled
            .iter()
            .filter(|r| !r.signal)
            .map(|r| &*r.full_id)
            .collect();
        writeln!(
            out,
            "rules enabled: {} of {checked}",
            checked - disabled.len()
        )?;
        writeln!(out, "rules disabled: {}", disabled.len())?;
        for id in disabled {
            writeln!(out, "  {id}")?;
        }
    }
    let file = |e: &presend_app::session::PathConfig| e.config.map(|c| c.file.clone());
    if paths.iter().any(|e| file(e) != file(&paths[0])) {
        writeln!(
            out,
            "\nbaseline (one for the whole run, from the first path's config): {}",
            config_name(session.config())
        )?;
    }
    out.flush()?;
    Ok(())
}

fn config_name(config: Option<&presend_app::config::Config>) -> String {
    config.map_or_else(|| "none".to_string(), |c| c.file.display().to_string())
}

pub fn baseline(args: BaselineArgs) -> Result<Exit, Failure> {
    let session = session_from(
        &args.scan.config,
        &args.scan.packs,
        discovery_start(&args.scan),
    )?
    .with_selectors(&args.scan.select.selectors())?;
    let (status, written) =
        session.baseline(&scan_request(&args.scan), &args.output, &mut diagnose)?;
    let _ = writeln!(
        std::io::stderr(),
        "presend: wrote {} ({} in {})",
        args.output.display(),
        counted(written.findings, "finding", "findings"),
        counted(written.entries, "entry", "entries"),
    );
    Ok(status.into())
}

pub fn redact(args: RedactArgs) -> Result<Exit, Failure> {
    let files: Vec<&PathBuf> = args.paths.iter().filter(|p| p.as_os_str() != "-").collect();
    if args.diff && files.len() != args.paths.len() {
        return Err(Error::Usage("--diff needs files, not standard input".into()).into());
    }
    if args.paths.len() > 1 && !args.in_place && !args.diff {
        return Err(Error::Usage(
            "more than one file needs --in-place (rewrite them) or --diff (show the changes)"
                .into(),
        )
        .into());
    }
    let session = session_from(&args.config, &args.packs, Some(&args.paths))?
        .with_selectors(&args.select.selectors())?;
    let read = ReadSettings {
        format: args.input_format.and_then(|c| c.0),
        fields: args.fields.clone(),
        channel: None,
        stdin_filename: args.stdin_filename.clone(),
    };
    let paths: Vec<Option<PathBuf>> = if args.paths.is_empty() {
        vec![None]
    } else {
        args.paths.iter().cloned().map(Some).collect()
    };
    let mut tags = Tags::default();
    if !files.is_empty() && files.len() == args.paths.len() {
        // Files can be read twice: a first pass meets every identifier of the run, so the
        // first file already numbers a kind the second file has another of. Its output and
        // messages are dropped (the second pass says the same), and so are its errors.
        for path in &paths {
            let request = RedactRequest {
                path: path.clone(),
                in_place: false,
                read: read.clone(),
            };
            let _ = session.redact(&request, &mut tags, &mut std::io::sink(), &mut |_| {});
        }
    }
    let mut worst = Status::Clean;
    let (mut spans, mut changed_files) = (0, 0);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for path in paths {
        let request = RedactRequest {
            path: path.clone(),
            in_place: args.in_place,
            read: read.clone(),
        };
        let done = match (&path, args.diff) {
            (Some(file), true) => {
                let mut text = Vec::new();
                session
                    .redact(&request, &mut tags, &mut text, &mut diagnose)
                    .and_then(|done| {
                        let text = String::from_utf8_lossy(&text);
                        out.write_all(unified_diff(file, &text)?.as_bytes())?;
                        Ok(done)
                    })
            }
            _ => session.redact(&request, &mut tags, &mut out, &mut diagnose),
        };
        let (status, replaced) = match done {
            // A file that cannot be read or rewritten stops only itself: the run goes on to the
            // other files (a later one must not keep its identifiers unseen) and exits 2.
            Err(Failure::Error(e @ (Error::Io { .. } | Error::NotRewritten { .. })))
                if path.is_some() =>
            {
                out.flush()?;
                let _ = writeln!(std::io::stderr(), "presend: error: {e}");
                (Status::Trouble, 0)
            }
            done => done?,
        };
        worst = worst.max(status);
        spans += replaced;
        changed_files += usize::from(replaced > 0);
    }
    out.flush()?;
    if args.in_place {
        let _ = writeln!(
            std::io::stderr(),
            "presend: redacted {} in {}",
            counted(spans, "span", "spans"),
            counted(changed_files, "file", "files"),
        );
    }
    Ok(worst.into())
}

/// The unified diff from `path` as it is on disk to `redacted` (empty when nothing changes).
fn unified_diff(path: &Path, redacted: &str) -> Result<String, Failure> {
    let bytes = std::fs::read(path).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    let original = String::from_utf8_lossy(&bytes);
    let original = original.strip_prefix('\u{FEFF}').unwrap_or(&original);
    let name = path.display().to_string();
    Ok(similar::TextDiff::from_lines(original, redacted)
        .unified_diff()
        .header(&name, &format!("{name} (redacted)"))
        .to_string())
}
