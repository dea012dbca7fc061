//! `presend.toml`: a team's settings, found from each checked path (or the working directory)
//! upwards to the top of the repository (`presend.toml` or `.presend.toml`; the nearest wins),
//! or named with `--config`. Which file applies to which path is the session's business.
//!
//! Strict like typos and ruff: an unknown key is an error naming the file and line, never a
//! silent no-op. Command-line options beat the file; `[per-path."GLOB"]` tables refine it for the
//! files their glob matches (relative to the config file's directory).

use presend_core::Error;
use presend_core::Severity;
use presend_input::InputFormat;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Names a config file may have, in order of preference within one directory.
pub const FILE_NAMES: &[&str] = &["presend.toml", ".presend.toml"];

/// The lowest severity that fails a run, or never.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    /// Errors only.
    Error,
    /// Warnings and errors (the default).
    Warning,
    /// Anything reported.
    Info,
    /// Never fail on findings.
    Never,
}

impl FailOn {
    /// The names the command line and the file accept, in order.
    pub const NAMES: &[&str] = &["error", "warning", "info", "never"];

    /// Its name, as the command line and the file write it.
    pub fn name(self) -> &'static str {
        match self {
            FailOn::Error => "error",
            FailOn::Warning => "warning",
            FailOn::Info => "info",
            FailOn::Never => "never",
        }
    }

    /// The severity threshold, `None` for never.
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

impl std::str::FromStr for FailOn {
    type Err = String;

    fn from_str(s: &str) -> Result<FailOn, String> {
        match s {
            "error" => Ok(FailOn::Error),
            "warning" => Ok(FailOn::Warning),
            "info" => Ok(FailOn::Info),
            "never" => Ok(FailOn::Never),
            other => Err(format!(
                "unknown fail-on `{other}` ({})",
                FailOn::NAMES.join(", ")
            )),
        }
    }
}

/// How to read inputs: one format, or `auto` (`None`: decide by file extension). Parsed once,
/// from the command line or the file, with the same names and aliases in both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct InputFormatChoice(pub Option<InputFormat>);

impl InputFormatChoice {
    /// The names the command line offers (the file also takes aliases such as `md`).
    pub const NAMES: &[&str] = &["auto", "text", "markdown", "csv", "json", "jsonl"];
}

impl std::str::FromStr for InputFormatChoice {
    type Err = String;

    fn from_str(s: &str) -> Result<InputFormatChoice, String> {
        if s.eq_ignore_ascii_case("auto") {
            return Ok(InputFormatChoice(None));
        }
        InputFormat::parse(s)
            .map(|f| InputFormatChoice(Some(f)))
            .ok_or_else(|| {
                format!(
                    "unknown input format `{s}` ({})",
                    InputFormatChoice::NAMES.join(", ")
                )
            })
    }
}

impl TryFrom<String> for InputFormatChoice {
    type Error = String;

    fn try_from(s: String) -> Result<InputFormatChoice, String> {
        s.parse()
    }
}

/// Settings that may differ per path.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PathSettings {
    /// Where these drafts are sent when the file does not say.
    pub channel: Option<String>,
    /// How to read these files (`auto`, `text`, `markdown`, `csv`, `json`, `jsonl`).
    pub input_format: Option<InputFormatChoice>,
    /// CSV columns or JSON fields holding the message.
    #[serde(default)]
    pub fields: Vec<String>,
    /// Rules (`pack/rule` or bare id) and packs whose findings are dropped.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Severity per rule.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    /// Phrases that are never findings (the poster's own name, a public switchboard number).
    #[serde(default)]
    pub allow: Vec<String>,
    /// Skip these files altogether.
    #[serde(default)]
    pub exclude: bool,
}

/// The whole file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    /// Lowest severity that makes the exit status 1.
    pub fail_on: Option<FailOn>,
    /// Lowest severity reported.
    pub min_severity: Option<Severity>,
    /// Extra pack files or directories (relative to this file).
    #[serde(default)]
    pub rules: Vec<String>,
    /// Load the built-in packs (default true).
    pub builtin: Option<bool>,
    /// A baseline file to apply to every `check` (relative to this file).
    pub baseline: Option<String>,
    /// Globs (relative to this file) of paths never scanned.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Where drafts are sent when a file does not say.
    pub channel: Option<String>,
    /// How to read files (`auto`, `text`, `markdown`, `csv`, `json`, `jsonl`).
    pub input_format: Option<InputFormatChoice>,
    /// CSV columns or JSON fields holding the message.
    #[serde(default)]
    pub fields: Vec<String>,
    /// Rules and packs whose findings are dropped.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Severity per rule.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    /// Phrases that are never findings.
    #[serde(default)]
    pub allow: Vec<String>,
    /// Settings for the paths a glob matches.
    #[serde(default)]
    pub per_path: BTreeMap<String, PathSettings>,
}

impl ConfigFile {
    /// The top-level settings that per-path tables refine.
    fn defaults(&self) -> PathSettings {
        PathSettings {
            channel: self.channel.clone(),
            input_format: self.input_format,
            fields: self.fields.clone(),
            disable: self.disable.clone(),
            severity: self.severity.clone(),
            allow: self.allow.clone(),
            exclude: false,
        }
    }
}

/// A loaded config file.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where it was read from.
    pub file: PathBuf,
    /// Its directory: relative paths and globs in it are relative to this.
    pub dir: PathBuf,
    /// Its contents.
    pub data: ConfigFile,
    defaults: PathSettings,
    globs: Vec<(globset::GlobMatcher, PathSettings)>,
    exclude: globset::GlobSet,
}

fn config_error(file: &Path, source: &str, offset: Option<usize>, message: &str) -> Error {
    let line = offset.map(|o| source[..o.min(source.len())].matches('\n').count() + 1);
    let place = match line {
        Some(l) => format!("{}:{l}", file.display()),
        None => file.display().to_string(),
    };
    Error::Usage(format!("invalid config {place}: {}", message.trim()))
}

fn line_of_key(source: &str, key: &str) -> Option<usize> {
    source.find(key)
}

/// The `toml` error's byte offset in `source`.
fn error_offset(e: &toml::de::Error) -> Option<usize> {
    e.span().map(|s| s.start)
}

fn glob(file: &Path, source: &str, pattern: &str) -> Result<globset::Glob, Error> {
    globset::GlobBuilder::new(pattern)
        .literal_separator(false)
        .build()
        .map_err(|e| config_error(file, source, line_of_key(source, pattern), &e.to_string()))
}

impl Config {
    /// Parse `source`, read from `file`.
    pub fn parse(file: &Path, source: &str) -> Result<Config, Error> {
        let data: ConfigFile = toml::from_str(source)
            .map_err(|e| config_error(file, source, error_offset(&e), e.message()))?;
        let dir = file
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        let mut globs = Vec::new();
        for (pattern, settings) in &data.per_path {
            globs.push((
                glob(file, source, pattern)?.compile_matcher(),
                settings.clone(),
            ));
        }
        let mut ex = globset::GlobSetBuilder::new();
        for pattern in &data.exclude {
            ex.add(glob(file, source, pattern)?);
        }
        let exclude = ex
            .build()
            .map_err(|e| config_error(file, source, None, &e.to_string()))?;
        let config = Config {
            file: file.to_path_buf(),
            dir,
            defaults: data.defaults(),
            data,
            globs,
            exclude,
        };
        Ok(config)
    }

    /// Read and parse a config file.
    pub fn load(file: &Path) -> Result<Config, Error> {
        let source = std::fs::read_to_string(file).map_err(|source| Error::Io {
            path: file.to_path_buf(),
            source,
        })?;
        Config::parse(file, &source)
    }

    /// Find the nearest config file from `start` upwards, stopping at the top of the git
    /// repository (the directory holding `.git`); outside a repository, up to the root.
    pub fn discover(start: &Path) -> Result<Option<Config>, Error> {
        for dir in start.ancestors() {
            for name in FILE_NAMES {
                let candidate = dir.join(name);
                if candidate.is_file() {
                    return Config::load(&candidate).map(Some);
                }
            }
            if dir.join(".git").exists() {
                break;
            }
        }
        Ok(None)
    }

    /// Resolve a path written in the config file.
    pub fn resolve(&self, p: &str) -> PathBuf {
        self.dir.join(p)
    }

    fn relative(&self, abs: &Path) -> Option<String> {
        let dir = std::path::absolute(&self.dir).ok()?;
        let rel = abs.strip_prefix(&dir).ok()?;
        Some(rel.to_string_lossy().replace('\\', "/"))
    }

    /// Whether `abs` (an absolute path) is excluded.
    pub fn excluded(&self, abs: &Path) -> bool {
        let Some(rel) = self.relative(abs) else {
            return false;
        };
        self.exclude.is_match(&rel) || self.for_path(abs).iter().any(|s| s.exclude)
    }

    /// The settings that apply to `abs`: the top-level ones, then each matching `per-path`
    /// table in the file's (sorted) order.
    pub fn for_path(&self, abs: &Path) -> Vec<&PathSettings> {
        self.tables_for(abs)
            .into_iter()
            .map(|t| self.table(t))
            .collect()
    }

    /// The tables that apply to `abs`, as indices into [`Config::tables`]: 0 for the top level,
    /// then each matching `per-path` table in the file's (sorted) order.
    pub fn tables_for(&self, abs: &Path) -> Vec<usize> {
        let mut out = vec![0];
        if let Some(rel) = self.relative(abs) {
            out.extend(
                self.globs
                    .iter()
                    .enumerate()
                    .filter(|(_, (g, _))| g.is_match(&rel))
                    .map(|(i, _)| i + 1),
            );
        }
        out
    }

    /// Every table: the top-level settings, then each `per-path` table with its glob.
    pub fn tables(&self) -> impl Iterator<Item = (Option<&str>, &PathSettings)> {
        std::iter::once((None, &self.defaults)).chain(
            self.data
                .per_path
                .iter()
                .map(|(glob, s)| (Some(glob.as_str()), s)),
        )
    }

    fn table(&self, index: usize) -> &PathSettings {
        match index {
            0 => &self.defaults,
            i => &self.globs[i - 1].1,
        }
    }
}

/// The commented starter file `presend init` writes.
pub const STARTER: &str = r#"# presend.toml: settings for `presend check` in this repository.
# presend looks for this file (or .presend.toml) from each checked path up to the top of the
# repository. Command-line options win over it. Unknown keys are errors, so typos cannot hide.

# Lowest severity that makes `presend check` exit 1 (error, warning, info, never).
fail-on = "warning"

# Lowest severity reported at all (error, warning, info).
min-severity = "info"

# Where drafts go when a file does not say (a `channel` front-matter key or CSV column wins);
# `presend check --help` lists the channels presend knows.
# The channel sets the length limit and channel rules (any identifier bound for WhatsApp is an error).
# channel = "x"

# CSV columns or JSON fields that hold the message (default: a `Message`/`Text`/`Post`... column,
# every string value in JSON).
# fields = ["Message"]

# Extra rule packs: files, or directories of *.toml packs (relative to this file).
# rules = ["presend-rules/"]

# Rules (`pack/rule` or bare id) or whole packs whose findings are dropped.
# disable = ["unprofessional/profanity"]

# Phrases that are never findings: your own name as you sign posts, your trust's public
# switchboard number. Be specific: an allowed phrase is never checked again.
# allow = ["Dr Jane Smith", "0113 243 3144"]

# Severity per rule.
# [severity]
# "unprofessional/profanity" = "error"

# Paths never scanned (globs relative to this file): posts already archived, analytics
# exported from the platforms (numbers about posts, not drafts), and images, which presend
# cannot read (check those by eye: faces, wristbands, screens, notes in the background).
exclude = [
  "archive/**",
  "drafts/archive/**",
  "analytics/**",
  "**/*analytics*.csv",
  "**/*.{png,jpg,jpeg,gif,webp,heic,svg}",
]

# A baseline of accepted findings (written by `presend baseline`); `check` reports only new ones.
# baseline = ".presend-baseline.json"

# Settings for some paths only (globs relative to this file). Any key above except
# fail-on, min-severity, rules, builtin, baseline and exclude; `exclude = true` skips them.
# [per-path."posts/x/**"]
# channel = "x"
#
# [per-path."internal/**"]
# channel = "email"
# disable = ["unprofessional/profanity"]
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_file_parses() {
        let c = Config::parse(Path::new("presend.toml"), STARTER).unwrap();
        assert_eq!(c.data.fail_on, Some(FailOn::Warning));
        assert_eq!(c.data.exclude.len(), 5);
    }

    #[test]
    fn unknown_keys_name_file_and_line() {
        let src = "fail-on = \"error\"\n\nfial-on = \"x\"\n";
        let e = Config::parse(Path::new("p/presend.toml"), src).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("p/presend.toml:3"), "{msg}");
        assert!(msg.contains("fial-on"), "{msg}");
        let src = "[per-path.\"a/**\"]\nchanel = \"x\"\n";
        let msg = Config::parse(Path::new("c.toml"), src)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("c.toml:2"), "{msg}");
    }

    #[test]
    fn input_formats_are_parsed_once_with_their_aliases() {
        let c = Config::parse(Path::new("p.toml"), "input-format = \"md\"\n").unwrap();
        assert_eq!(
            c.data.input_format,
            Some(InputFormatChoice(Some(InputFormat::Markdown)))
        );
        let c = Config::parse(Path::new("p.toml"), "input-format = \"auto\"\n").unwrap();
        assert_eq!(c.data.input_format, Some(InputFormatChoice(None)));
        let msg = Config::parse(Path::new("p.toml"), "\ninput-format = \"xml\"\n")
            .unwrap_err()
            .to_string();
        assert!(msg.contains("p.toml:2"), "{msg}");
        assert!(msg.contains("unknown input format `xml`"), "{msg}");
    }

    #[test]
    fn per_path_settings_follow_globs() {
        let src = "channel = \"x\"\n[per-path.\"posts/wa/**\"]\nchannel = \"whatsapp\"\n";
        let c = Config::parse(Path::new("/repo/presend.toml"), src).unwrap();
        let s = c.for_path(Path::new("/repo/posts/wa/a.md"));
        assert_eq!(s.len(), 2);
        assert_eq!(s[1].channel.as_deref(), Some("whatsapp"));
        assert_eq!(c.for_path(Path::new("/repo/posts/a.md")).len(), 1);
    }
}
