//! Command-line definitions, in one place: the surface docs/usage.md documents.

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
use presend_app::config::{FailOn, InputFormatChoice};
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
    /// Scan drafts: files, directories (honouring .gitignore), standard input, or the git index.
    Check(CheckArgs),
    /// Print the draft with every identifier replaced by a readable tag.
    Redact(RedactArgs),
    /// List, document or test the loaded rules.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Print a rule's documentation: what it finds, why it matters, what to do instead.
    Explain(ExplainArgs),
    /// Install or remove the git pre-commit hook that runs `presend check --staged`.
    #[command(subcommand)]
    Hook(HookCommand),
    /// Write a baseline of today's findings, so `check --baseline` reports only new ones.
    Baseline(BaselineArgs),
    /// Write a commented starter presend.toml in the current directory.
    Init(InitArgs),
    /// Print shell completions (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// Which loaded rules run.
#[derive(Debug, Args, Clone)]
pub struct SelectArgs {
    /// Run only these rules: rule ids, pack ids or category names, comma-separated or repeated
    /// (as ruff's --select). Rules the configuration disables stay off.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "RULE|PACK|CATEGORY",
        help_heading = "Rules"
    )]
    pub select: Vec<String>,
    /// Run these as well as the --select ones.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "RULE|PACK|CATEGORY",
        help_heading = "Rules"
    )]
    pub extend_select: Vec<String>,
    /// Never run these rules, packs or categories.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "RULE|PACK|CATEGORY",
        help_heading = "Rules"
    )]
    pub ignore: Vec<String>,
}

impl SelectArgs {
    /// The selectors as the library takes them.
    pub fn selectors(&self) -> presend_app::select::Selectors {
        presend_app::select::Selectors {
            select: self.select.clone(),
            extend_select: self.extend_select.clone(),
            ignore: self.ignore.clone(),
        }
    }
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

/// Which configuration file to use.
#[derive(Debug, Args, Clone)]
pub struct ConfigArgs {
    /// Use this config file (for every checked path) instead of looking for presend.toml.
    #[arg(long, value_name = "FILE", help_heading = "Config")]
    pub config: Option<PathBuf>,
    /// Ignore config files.
    #[arg(long, conflicts_with = "config", help_heading = "Config")]
    pub no_config: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Compiler-style report for people.
    Human,
    /// One JSON object with findings and a summary.
    Json,
    /// One JSON finding per line.
    Jsonl,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// GitHub Actions annotations (workflow commands).
    Github,
    /// GitLab Code Quality JSON.
    Gitlab,
    /// JUnit XML.
    Junit,
}

/// `--fail-on`: the configuration's own type, so both accept the same names.
fn fail_on() -> impl TypedValueParser<Value = FailOn> {
    PossibleValuesParser::new(FailOn::NAMES).try_map(|s| s.parse::<FailOn>())
}

/// `--input-format`: the configuration's own type, so both accept the same names.
fn input_format() -> impl TypedValueParser<Value = InputFormatChoice> {
    PossibleValuesParser::new(InputFormatChoice::NAMES).try_map(|s| s.parse::<InputFormatChoice>())
}

/// How the human report lays out each finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// The source line, carets, why and instead.
    Full,
    /// One line per finding: `path:line:col: severity[rule] message`.
    Concise,
}

/// When to style output with colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// On a terminal, unless `NO_COLOR` is set (`CLICOLOR_FORCE` forces it).
    Auto,
    Always,
    Never,
}

impl ColorArg {
    /// The choice anstream makes with it.
    pub fn choice(self) -> anstream::ColorChoice {
        match self {
            ColorArg::Auto => anstream::ColorChoice::Auto,
            ColorArg::Always => anstream::ColorChoice::Always,
            ColorArg::Never => anstream::ColorChoice::Never,
        }
    }
}

/// The `--channel` help, built from the channels presend knows.
fn channel_help() -> String {
    format!(
        "Where the draft will be sent ({}): its length limit and channel rules apply",
        presend_app::channel::builtin_ids().join(", ")
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Error,
    Warning,
    Info,
}

/// What to scan and how to read it (shared by `check` and `baseline`).
#[derive(Debug, Args, Clone)]
pub struct ScanArgs {
    /// Files or directories to scan; none, or `-`, reads standard input. With --staged: limit
    /// to these pathspecs.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Scan the staged (index) version of the files staged in this git repository.
    #[arg(long, help_heading = "Input")]
    pub staged: bool,
    /// How to read the input (auto: by file extension, .md, .csv/.tsv, .json, .jsonl; anything
    /// else is text).
    #[arg(long, value_parser = input_format(), value_name = "FORMAT", help_heading = "Input")]
    pub input_format: Option<InputFormatChoice>,
    /// The CSV column or JSON field that holds the message text (repeatable).
    #[arg(long = "field", value_name = "NAME", help_heading = "Input")]
    pub fields: Vec<String>,
    #[arg(long, value_name = "NAME", help_heading = "Input", help = channel_help())]
    pub channel: Option<String>,
    /// The name standard input gets in reports (and the format its extension implies).
    #[arg(long, value_name = "NAME", help_heading = "Input")]
    pub stdin_filename: Option<String>,
    /// Also scan hidden files and directories (names starting with `.`) in directory walks.
    #[arg(long, help_heading = "Input")]
    pub hidden: bool,
    /// Also scan files that .gitignore, .ignore or git's exclude files leave out.
    #[arg(long, help_heading = "Input")]
    pub no_ignore: bool,
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(flatten)]
    pub packs: PackArgs,
    #[command(flatten)]
    pub select: SelectArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub scan: ScanArgs,
    /// Report format.
    #[arg(long, value_enum, default_value = "human", help_heading = "Report")]
    pub format: FormatArg,
    /// Print, for each checked path, the config file, thresholds, packs and rules a check would
    /// use, then exit.
    #[arg(long, conflicts_with = "show_files", help_heading = "Report")]
    pub show_settings: bool,
    /// Print the files a check would scan (after excludes), then exit.
    #[arg(long, help_heading = "Report")]
    pub show_files: bool,
    /// How the human report shows each finding.
    #[arg(long, value_enum, default_value = "full", help_heading = "Report")]
    pub output_format: OutputFormat,
    /// Print the findings only: no summary line, no warnings.
    #[arg(long, short, help_heading = "Report")]
    pub quiet: bool,
    /// When to use colour (`NO_COLOR` turns `auto` off).
    #[arg(
        long,
        value_enum,
        default_value = "auto",
        value_name = "WHEN",
        help_heading = "Report"
    )]
    pub color: ColorArg,
    /// Write the report to this file (atomically) instead of standard output.
    #[arg(long, value_name = "FILE", help_heading = "Report")]
    pub output_file: Option<PathBuf>,
    /// Lowest severity that makes the exit status 1 [default: warning].
    #[arg(long, value_parser = fail_on(), help_heading = "Report")]
    pub fail_on: Option<FailOn>,
    /// Lowest severity that is reported at all [default: info].
    #[arg(long, value_enum, help_heading = "Report")]
    pub min_severity: Option<SeverityArg>,
    /// Report only findings that are not in this baseline (see `presend baseline`).
    #[arg(long, value_name = "FILE", help_heading = "Report")]
    pub baseline: Option<PathBuf>,
    /// Print how many findings each rule produced instead of the findings.
    #[arg(long, help_heading = "Report")]
    pub statistics: bool,
    /// Show matched text of identifiers in every format (overrides the CI/machine-format mask).
    #[arg(long, conflicts_with = "redact_matches", help_heading = "Privacy")]
    pub show_matches: bool,
    /// Mask matched text of identifiers in every format, including the human report.
    #[arg(long, help_heading = "Privacy")]
    pub redact_matches: bool,
    /// Repeat why/instead under every finding, not just the first of each rule.
    #[arg(long, short, help_heading = "Report")]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct BaselineArgs {
    #[command(flatten)]
    pub scan: ScanArgs,
    /// Where to write the baseline.
    #[arg(
        long,
        short,
        value_name = "FILE",
        default_value = ".presend-baseline.json"
    )]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct RedactArgs {
    /// The drafts to redact; none, or `-`, reads standard input. More than one file needs
    /// `--in-place` or `--diff`.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Rewrite each file in place (atomically: a temporary file renamed over it), then say on
    /// standard error how many spans were redacted. A file that cannot be parsed in its format
    /// is never touched.
    #[arg(long, conflicts_with = "diff")]
    pub in_place: bool,
    /// Print a unified diff of what would change, and write nothing.
    #[arg(long)]
    pub diff: bool,
    /// How to read the input (auto: by file extension).
    #[arg(long, value_parser = input_format(), value_name = "FORMAT")]
    pub input_format: Option<InputFormatChoice>,
    /// The CSV column or JSON field that holds the message text (repeatable).
    #[arg(long = "field", value_name = "NAME")]
    pub fields: Vec<String>,
    /// The name standard input gets (and the format its extension implies).
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(flatten)]
    pub packs: PackArgs,
    #[command(flatten)]
    pub select: SelectArgs,
}

#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// Write .git/hooks/pre-commit running `presend check --staged`.
    Install {
        /// Replace a pre-commit hook that presend did not write.
        #[arg(long)]
        force: bool,
    },
    /// Remove the pre-commit hook presend wrote.
    Uninstall,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Overwrite an existing presend.toml.
    #[arg(long)]
    pub force: bool,
    /// Print the starter file instead of writing it.
    #[arg(long)]
    pub stdout: bool,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List every loaded rule: id, category, severity, kind and message.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: ListFormat,
        /// List only the rules of this pack (repeatable).
        #[arg(long = "pack", value_name = "PACK")]
        pack_filter: Vec<String>,
        /// List only the rules of this category, e.g. identifier or conduct (repeatable).
        #[arg(long = "category", value_name = "CATEGORY")]
        category_filter: Vec<String>,
        #[command(flatten)]
        config: ConfigArgs,
        #[command(flatten)]
        packs: PackArgs,
    },
    /// Write one Markdown page per loaded pack (the pages SARIF's rule links point at).
    Doc {
        /// The directory to write `<pack>.md` and `README.md` into.
        #[arg(long, value_name = "DIR", default_value = "docs/rules")]
        out: PathBuf,
        /// Write nothing; exit 1 if the directory's pages differ from the packs.
        #[arg(long)]
        check: bool,
        #[command(flatten)]
        config: ConfigArgs,
        #[command(flatten)]
        packs: PackArgs,
    },
    /// Run the examples inside packs; exit 1 if any fails.
    Test {
        /// Pack ids or pack files to test (all loaded packs when none).
        #[arg(value_name = "PACK")]
        packs_to_test: Vec<String>,
        #[command(flatten)]
        config: ConfigArgs,
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
    pub config: ConfigArgs,
    #[command(flatten)]
    pub packs: PackArgs,
}
