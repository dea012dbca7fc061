//! Command-line definitions, in one place (CONTRACT.md fixes the surface).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Check a draft post or message for what could cost a UK health professional their
/// registration — patient identifiers, clinical images, derogatory or defamatory remarks,
/// broken boundaries — before it is sent.
#[derive(Debug, Parser)]
#[command(name = "presend", version, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan drafts: files, directories (honouring .gitignore) or standard input.
    Check(CheckArgs),
    /// Print the draft with every identifier replaced by a readable tag.
    Redact(RedactArgs),
    /// List or test the loaded rules.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Print a rule's documentation: what it finds, why it matters, what to do instead.
    Explain(ExplainArgs),
}

/// Which rule packs to load.
#[derive(Debug, Args, Clone)]
pub struct PackArgs {
    /// Load an extra pack file, or every *.toml pack in a directory (repeatable).
    #[arg(long = "rules", value_name = "PATH", help_heading = "Rules")]
    pub rules: Vec<PathBuf>,
    /// Do not load the built-in packs.
    #[arg(long, help_heading = "Rules")]
    pub no_builtin: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Compiler-style report for people.
    Human,
    /// One JSON object with findings and a summary.
    Json,
    /// One JSON finding per line.
    Jsonl,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Error,
    Warning,
    Info,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to scan; none, or `-`, reads standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value = "human", help_heading = "Report")]
    pub format: FormatArg,
    /// Lowest severity that makes the exit status 1.
    #[arg(long, value_enum, default_value = "warning", help_heading = "Report")]
    pub fail_on: FailOn,
    /// Lowest severity that is reported at all.
    #[arg(long, value_enum, default_value = "info", help_heading = "Report")]
    pub min_severity: SeverityArg,
    /// Where the draft will be sent (x, linkedin, facebook, instagram, whatsapp, email, sms …);
    /// turns on that channel's rules.
    #[arg(long, value_name = "NAME", help_heading = "Input")]
    pub channel: Option<String>,
    /// The name standard input gets in reports.
    #[arg(long, value_name = "NAME", help_heading = "Input")]
    pub stdin_filename: Option<String>,
    /// Show matched text of identifiers in every format (overrides the CI/machine-format mask).
    #[arg(long, conflicts_with = "redact_matches", help_heading = "Privacy")]
    pub show_matches: bool,
    /// Mask matched text of identifiers in every format, including the human report.
    #[arg(long, help_heading = "Privacy")]
    pub redact_matches: bool,
    /// Repeat why/instead under every finding, not just the first of each rule.
    #[arg(long, short, help_heading = "Report")]
    pub verbose: bool,
    #[command(flatten)]
    pub packs: PackArgs,
}

#[derive(Debug, Args)]
pub struct RedactArgs {
    /// The draft to redact; none, or `-`, reads standard input.
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// Rewrite the file in place (atomically: a temporary file renamed over it).
    #[arg(long)]
    pub in_place: bool,
    #[command(flatten)]
    pub packs: PackArgs,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List every loaded rule: id, category, severity, kind and message.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: ListFormat,
        #[command(flatten)]
        packs: PackArgs,
    },
    /// Run the examples inside packs; exit 1 if any fails.
    Test {
        /// Pack ids or pack files to test (all loaded packs when none).
        #[arg(value_name = "PACK")]
        packs_to_test: Vec<String>,
        #[command(flatten)]
        packs: PackArgs,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The rule, as `pack/rule` or a bare rule id.
    pub rule: String,
    #[command(flatten)]
    pub packs: PackArgs,
}
