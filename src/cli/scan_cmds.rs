//! `presend check`, `presend baseline` and `presend redact`: arguments mapped to the library's
//! check session, which does the work.

use super::args::{
    BaselineArgs, CheckArgs, FailOn, FormatArg, InputFormatArg, RedactArgs, ScanArgs, SeverityArg,
};
use super::{diagnose, session, stdout, Exit, Failure};
use presend_app::config;
use presend_app::session::{CheckRequest, ReadSettings, RedactRequest, ScanRequest};
use presend_core::Severity;
use presend_input::InputFormat;
use presend_report::Format;
use std::io::Write;

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

fn scan_request(scan: &ScanArgs) -> ScanRequest {
    ScanRequest {
        paths: scan.paths.clone(),
        staged: scan.staged,
        read: ReadSettings {
            format: input_format(scan.input_format),
            fields: scan.fields.clone(),
            channel: scan.channel.clone(),
            stdin_filename: scan.stdin_filename.clone(),
        },
    }
}

fn format(f: FormatArg) -> Format {
    match f {
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

fn fail_on(f: FailOn) -> config::FailOn {
    match f {
        FailOn::Error => config::FailOn::Error,
        FailOn::Warning => config::FailOn::Warning,
        FailOn::Info => config::FailOn::Info,
        FailOn::Never => config::FailOn::Never,
    }
}

pub fn check(args: CheckArgs) -> Result<Exit, Failure> {
    let session = session(&args.scan.config, &args.scan.packs)?;
    let request = CheckRequest {
        scan: scan_request(&args.scan),
        format: format(args.format),
        fail_on: args.fail_on.map(fail_on),
        min_severity: args.min_severity.map(severity),
        baseline: args.baseline.clone(),
        statistics: args.statistics,
        show_matches: args.show_matches,
        redact_matches: args.redact_matches,
        verbose: args.verbose,
    };
    // Machine formats never carry terminal styling, so they skip the styling filter, which
    // would otherwise read every byte of a large JSON Lines report once more.
    let mut styled;
    let mut plain;
    let out: &mut dyn Write = if request.format.is_machine() {
        plain = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        &mut plain
    } else {
        styled = stdout();
        &mut styled
    };
    let status = session.check(&request, out, &mut diagnose);
    // The report first, then whatever the session had to say after it.
    out.flush()?;
    // The process ends here: freeing the compiled rules one allocation at a time would only
    // delay the exit.
    std::mem::forget(session);
    Ok(status?.into())
}

pub fn baseline(args: BaselineArgs) -> Result<Exit, Failure> {
    let session = session(&args.scan.config, &args.scan.packs)?;
    let (status, written) =
        session.baseline(&scan_request(&args.scan), &args.output, &mut diagnose)?;
    let _ = writeln!(
        std::io::stderr(),
        "presend: wrote {} ({} finding(s) in {} entr{})",
        args.output.display(),
        written.findings,
        written.entries,
        if written.entries == 1 { "y" } else { "ies" }
    );
    Ok(status.into())
}

pub fn redact(args: RedactArgs) -> Result<Exit, Failure> {
    let session = session(&args.config, &args.packs)?;
    let request = RedactRequest {
        path: args.path.clone(),
        in_place: args.in_place,
        read: ReadSettings {
            format: input_format(args.input_format),
            fields: args.fields.clone(),
            channel: None,
            stdin_filename: args.stdin_filename.clone(),
        },
    };
    let (status, text) = session.redact(&request, &mut diagnose)?;
    if let Some(text) = text {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        out.write_all(text.as_bytes())?;
        out.flush()?;
    }
    Ok(status.into())
}
