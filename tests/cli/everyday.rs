//! The conveniences people expect of a linter's command line: concise and quiet output, colour
//! control, a report file, terminal-width layout, honest plurals, and refusing option
//! combinations that cannot both apply. Each test drives the real binary.

use assert_cmd::cargo::cargo_bin_cmd;
use assert_cmd::Command;
use predicates::prelude::*;

const RISKY: &str = "Bed 4 is Mrs Jones, NHS number 943 476 5919, DOB 12/03/1948.\n";

fn presend() -> Command {
    let mut cmd = cargo_bin_cmd!("presend");
    cmd.env_remove("CI")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS");
    cmd
}

fn draft(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("draft.txt");
    std::fs::write(&file, text).unwrap();
    (dir, file)
}

fn stdout_of(cmd: &mut Command) -> String {
    String::from_utf8(cmd.output().unwrap().stdout).unwrap()
}

#[test]
fn concise_output_is_one_line_per_finding_then_the_summary() {
    let (_dir, file) = draft(RISKY);
    let out = presend()
        .args(["check", "--output-format", "concise"])
        .arg(&file)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    let path = file.display().to_string();
    assert!(lines.len() >= 3, "{out}");
    let (summary, findings) = lines.split_last().unwrap();
    for line in findings {
        assert!(line.starts_with(&format!("{path}:1:")), "{line}");
    }
    assert!(
        findings.contains(&format!("{path}:1:32: error[uk-identifiers/nhs-number] This looks like an NHS number (in the never-issued test range)").as_str()),
        "{out}"
    );
    assert_eq!(
        *summary,
        format!(
            "presend: {} findings ({} error, 1 warning, 0 info) in 1 file",
            findings.len(),
            findings.len() - 1
        )
    );
}

#[test]
fn full_is_the_default_output_format() {
    let (_dir, file) = draft(RISKY);
    let default = stdout_of(presend().arg("check").arg(&file));
    let full = stdout_of(
        presend()
            .args(["check", "--output-format", "full"])
            .arg(&file),
    );
    assert_eq!(default, full);
    assert!(
        default.contains(" --> ") && default.contains("= why:"),
        "{default}"
    );
}

#[test]
fn concise_output_with_a_machine_format_is_a_usage_error() {
    presend()
        .args(["check", "--output-format", "concise", "--format", "json"])
        .write_stdin(RISKY)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("--output-format concise"));
}

#[test]
fn quiet_prints_findings_without_summary_or_warnings() {
    let (_dir, file) = draft(RISKY);
    let out = presend()
        .args([
            "check",
            "--quiet",
            "--channel",
            "pigeon",
            "--output-format",
            "concise",
        ])
        .arg(&file)
        .assert()
        .code(1)
        .stderr("")
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("error[uk-identifiers/nhs-number]"), "{out}");
    assert!(!out.contains("presend:"), "no summary line: {out}");
    let full = stdout_of(presend().args(["check", "-q"]).arg(&file));
    assert!(
        full.contains("= why:") && !full.contains("presend:"),
        "{full}"
    );
}

#[test]
fn color_always_styles_the_report_and_never_does_not() {
    let (_dir, file) = draft(RISKY);
    let always = stdout_of(presend().args(["check", "--color", "always"]).arg(&file));
    assert!(always.contains("\x1b["), "{always}");
    let never = stdout_of(
        presend()
            .args(["check", "--color", "never"])
            .env("CLICOLOR_FORCE", "1")
            .arg(&file),
    );
    assert!(!never.contains('\x1b'), "{never}");
}

#[test]
fn no_color_turns_automatic_colour_off_even_when_forced() {
    let (_dir, file) = draft(RISKY);
    let forced = stdout_of(presend().arg("check").env("CLICOLOR_FORCE", "1").arg(&file));
    assert!(forced.contains("\x1b["), "CLICOLOR_FORCE styles a pipe");
    let no_color = stdout_of(
        presend()
            .arg("check")
            .env("CLICOLOR_FORCE", "1")
            .env("NO_COLOR", "1")
            .arg(&file),
    );
    assert!(!no_color.contains('\x1b'), "{no_color}");
}

#[test]
fn output_file_holds_the_report_and_standard_output_stays_empty() {
    let (dir, file) = draft(RISKY);
    let report = dir.path().join("report.json");
    std::fs::write(&report, "old report").unwrap();
    presend()
        .args(["check", "--format", "json", "--output-file"])
        .arg(&report)
        .arg(&file)
        .assert()
        .code(1)
        .stdout("");
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert!(written["findings"]
        .as_array()
        .is_some_and(|f| !f.is_empty()));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".presend-"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file left behind");
}

#[test]
fn output_file_never_holds_colour_codes_in_auto_mode() {
    let (dir, file) = draft(RISKY);
    let report = dir.path().join("report.txt");
    presend()
        .args(["check", "--output-file"])
        .arg(&report)
        .arg(&file)
        .assert()
        .code(1);
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.contains("= why:") && !text.contains('\x1b'), "{text}");
}

#[test]
fn one_finding_and_one_file_are_counted_in_the_singular() {
    let (_dir, file) = draft("NHS number 943 476 5919\n");
    let out = stdout_of(presend().arg("check").arg(&file));
    assert!(
        out.ends_with("presend: 1 finding (1 error, 0 warning, 0 info) in 1 file\n"),
        "{out}"
    );
    let (_dir, clean) = draft("Flu clinic open on Saturday.\n");
    let out = stdout_of(presend().arg("check").arg(&clean));
    assert!(out.ends_with("presend: no findings in 1 file\n"), "{out}");
}

#[test]
fn no_output_says_finding_s_or_file_s() {
    let (dir, file) = draft(RISKY);
    std::fs::write(dir.path().join("other.txt"), RISKY).unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let baseline = elsewhere.path().join("baseline.json");
    let out = presend()
        .args(["baseline", "--output"])
        .arg(&baseline)
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(" findings in ") && !stderr.contains("(s)"),
        "{stderr}"
    );
    for format in ["human", "github"] {
        let out = stdout_of(
            presend()
                .args(["check", "--format", format])
                .arg(dir.path()),
        );
        assert!(
            out.contains("in 2 files") && !out.contains("(s)"),
            "{format}: {out}"
        );
    }
    let stats = stdout_of(presend().args(["check", "--statistics"]).arg(&file));
    assert!(
        stats.contains("findings in 1 file (") && !stats.contains("(s)"),
        "{stats}"
    );
}

#[test]
fn warnings_about_a_file_run_do_not_name_standard_input() {
    let (_dir, file) = draft(RISKY);
    let out = presend()
        .args(["check", "--channel", "pigeon"])
        .arg(&file)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains(": unknown channel `pigeon`"), "{stderr}");
    assert!(!stderr.contains(" -: "), "{stderr}");
}

#[test]
fn carets_sit_under_the_match_after_emoji_cjk_and_combining_accents() {
    // 👍 and each CJK character take two columns; the combining accent takes none.
    let (_dir, file) = draft("👍 漢字 cafe\u{301} NHS 943 476 5919\n");
    let out = stdout_of(presend().args(["check", "--color", "never"]).arg(&file));
    let lines: Vec<&str> = out.lines().collect();
    let source = lines.iter().position(|l| l.starts_with("1 | ")).unwrap();
    let carets = lines[source + 1];
    let offset = carets.find('^').unwrap() - "  | ".len();
    assert_eq!(offset, 2 + 1 + 4 + 1 + 4 + 1 + 4, "{out}");
    assert_eq!(carets.matches('^').count(), "943 476 5919".len(), "{out}");
}

#[test]
fn why_and_instead_wrap_at_the_given_width() {
    let (_dir, file) = draft(RISKY);
    let narrow = stdout_of(presend().arg("check").env("COLUMNS", "60").arg(&file));
    let wide = stdout_of(presend().arg("check").env("COLUMNS", "200").arg(&file));
    let prose = |out: &str, width: usize| {
        out.lines()
            .filter(|l| l.starts_with("  = ") || l.starts_with("         "))
            .all(|l| l.chars().count() <= width)
    };
    assert!(prose(&narrow, 60), "{narrow}");
    assert!(
        !prose(&wide, 100),
        "a wide terminal gets long lines: {wide}"
    );
    assert!(narrow.lines().count() > wide.lines().count());
}

#[test]
fn the_report_wraps_at_100_columns_when_the_width_is_unknown() {
    let (_dir, file) = draft(RISKY);
    let out = stdout_of(presend().arg("check").arg(&file));
    let longest = out
        .lines()
        .filter(|l| l.starts_with("  = ") || l.starts_with("         "))
        .map(|l| l.chars().count())
        .max()
        .unwrap();
    assert!((80..=100).contains(&longest), "{longest}");
}

#[test]
fn statistics_with_sarif_is_a_usage_error_not_the_human_table() {
    for format in ["sarif", "github", "gitlab", "junit", "jsonl"] {
        presend()
            .args(["check", "--statistics", "--format", format])
            .write_stdin(RISKY)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("--statistics").and(predicate::str::contains(format)));
    }
    let out = presend()
        .args(["check", "--statistics", "--format", "json"])
        .write_stdin(RISKY)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let counts: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert!(counts.as_array().is_some_and(|rows| rows
        .iter()
        .any(|r| r["rule"] == "uk-identifiers/nhs-number")));
}

#[test]
fn rules_list_starts_with_a_header_row_and_shows_each_rules_kind() {
    let out = stdout_of(presend().args(["rules", "list", "--no-config"]));
    let mut lines = out.lines();
    let header: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    assert_eq!(header, ["RULE", "CATEGORY", "SEVERITY", "KIND", "MESSAGE"]);
    let kind_of = |id: &str| {
        out.lines()
            .find(|l| l.split_whitespace().next() == Some(id))
            .and_then(|l| l.split_whitespace().nth(3))
            .map(str::to_string)
    };
    assert_eq!(
        kind_of("uk-identifiers/nhs-number").as_deref(),
        Some("pattern")
    );
    let kinds: std::collections::BTreeSet<String> = lines
        .filter_map(|l| l.split_whitespace().nth(3).map(str::to_string))
        .collect();
    for kind in ["pattern", "terms", "near", "signal"] {
        assert!(kinds.contains(kind), "no {kind} rule listed: {kinds:?}");
    }
}

#[test]
fn rules_list_filters_by_pack_and_category() {
    let out =
        stdout_of(presend().args(["rules", "list", "--no-config", "--pack", "uk-identifiers"]));
    let rows: Vec<&str> = out.lines().skip(1).collect();
    assert!(!rows.is_empty());
    assert!(
        rows.iter().all(|r| r.starts_with("uk-identifiers/")),
        "{out}"
    );
    let json = presend()
        .args(["rules", "list", "--no-config", "--format", "json"])
        .args(["--category", "conduct", "--category", "boundaries"])
        .output()
        .unwrap()
        .stdout;
    let rules: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let rules = rules.as_array().unwrap();
    assert!(rules.iter().any(|r| r["category"] == "conduct"));
    assert!(rules.iter().any(|r| r["category"] == "boundaries"));
    assert!(rules
        .iter()
        .all(|r| r["category"] == "conduct" || r["category"] == "boundaries"));
}

#[test]
fn rules_list_with_an_unknown_pack_suggests_the_closest() {
    presend()
        .args(["rules", "list", "--no-config", "--pack", "uk-identifers"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "no pack `uk-identifers`; did you mean `uk-identifiers`",
        ));
}

#[test]
fn explain_with_an_unknown_id_suggests_the_closest_ids() {
    presend()
        .args(["explain", "--no-config", "nhs-numbr"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "did you mean `uk-identifiers/nhs-number`",
        ));
    presend()
        .args(["explain", "--no-config", "zzzzqqqq"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("no rule `zzzzqqqq`")
                .and(predicate::str::contains("did you mean").not()),
        );
}

#[test]
fn channel_help_lists_every_channel_presend_knows() {
    let help = stdout_of(presend().args(["check", "--help"]));
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    let known = presend_app::channel::builtin_ids();
    assert!(known.len() > 10);
    let list = format!("({})", known.join(", "));
    assert!(help.contains(&list), "{list} not in: {help}");
}

#[test]
fn init_excludes_fit_a_posts_repository() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    presend().current_dir(root).arg("init").assert().code(0);
    let config = std::fs::read_to_string(root.join("presend.toml")).unwrap();
    assert!(
        !config.contains("target/**") && !config.contains("node_modules"),
        "{config}"
    );
    let risky = "Patient NHS number 943 476 5919 discharged.\n";
    for file in [
        "posts/monday.md",
        "drafts/archive/2023-flu.md",
        "archive/old.md",
        "analytics/march.csv",
        "exports/x-analytics-2024.csv",
        "images/ward.png",
    ] {
        let path = root.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, risky).unwrap();
    }
    let out = presend()
        .current_dir(root)
        .args(["check", "--format", "json", "."])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let paths: std::collections::BTreeSet<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert_eq!(
        paths.into_iter().collect::<Vec<_>>(),
        ["posts/monday.md"],
        "only the live post is scanned"
    );
}

#[test]
fn readme_installs_with_locked_dependencies() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let installs: Vec<&str> = readme
        .lines()
        .filter(|l| l.contains("cargo install"))
        .collect();
    assert!(!installs.is_empty());
    for line in installs {
        assert!(line.contains("--locked"), "{line}");
    }
}

#[test]
fn warnings_about_a_file_name_that_file() {
    let dir = tempfile::tempdir().unwrap();
    let latin1 = dir.path().join("caf\u{e9}-latin1.txt");
    std::fs::write(&latin1, b"Caf\xe9 open on Saturday.\n").unwrap();
    let binary = dir.path().join("photo.dat");
    std::fs::write(&binary, [0x89, b'P', 0, 1, 2]).unwrap();
    let out = presend()
        .arg("check")
        .arg(&latin1)
        .arg(&binary)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    for file in [&latin1, &binary] {
        assert!(
            stderr.contains(&format!("presend: warning: {}: ", file.display())),
            "{stderr}"
        );
    }
    assert!(!stderr.contains(" -: "), "{stderr}");
}
