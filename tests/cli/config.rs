//! presend.toml discovery and keys, `presend init`, and baselines.

use assert_cmd::Command;
use std::fs;
use std::path::Path;

const RISKY: &str = "NHS number 943 476 5919\n";

fn presend(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("presend").unwrap();
    c.current_dir(dir).env_remove("CI");
    c
}

/// A fake repository: config discovery stops at the directory holding `.git`.
fn repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir(tmp.path().join(".git")).unwrap();
    fs::create_dir_all(tmp.path().join("posts/deep")).unwrap();
    tmp
}

#[test]
fn config_is_found_upwards_to_the_repository_root() {
    let tmp = repo();
    let d = tmp.path();
    fs::write(d.join("posts/deep/a.txt"), RISKY).unwrap();
    fs::write(d.join("presend.toml"), "fail-on = \"never\"\n").unwrap();
    presend(&d.join("posts/deep"))
        .args(["check", "a.txt"])
        .assert()
        .code(0);
    presend(&d.join("posts/deep"))
        .args(["check", "--no-config", "a.txt"])
        .assert()
        .code(1);
    // The nearest file wins; .presend.toml works too.
    fs::write(d.join("posts/.presend.toml"), "fail-on = \"error\"\n").unwrap();
    presend(&d.join("posts/deep"))
        .args(["check", "a.txt"])
        .assert()
        .code(1);
    // --config names a file explicitly.
    fs::write(d.join("other.toml"), "fail-on = \"never\"\n").unwrap();
    presend(&d.join("posts/deep"))
        .args(["check", "--config", "../../other.toml", "a.txt"])
        .assert()
        .code(0);
}

#[test]
fn discovery_does_not_climb_past_the_repository() {
    let outer = tempfile::tempdir().unwrap();
    fs::write(outer.path().join("presend.toml"), "fail-on = \"never\"\n").unwrap();
    let inner = outer.path().join("repo");
    fs::create_dir_all(inner.join(".git")).unwrap();
    fs::write(inner.join("a.txt"), RISKY).unwrap();
    presend(&inner).args(["check", "a.txt"]).assert().code(1);
}

#[test]
fn unknown_keys_and_bad_values_name_file_and_line() {
    let tmp = repo();
    let d = tmp.path();
    fs::write(d.join("a.txt"), "hello").unwrap();
    fs::write(
        d.join("presend.toml"),
        "fail-on = \"error\"\n\nfial-on = \"never\"\n",
    )
    .unwrap();
    presend(d)
        .args(["check", "a.txt"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("presend.toml:3"))
        .stderr(predicates::str::contains("fial-on"));
    fs::write(
        d.join("presend.toml"),
        "[per-path.\"posts/**\"]\nchanel = \"x\"\n",
    )
    .unwrap();
    presend(d)
        .args(["check", "a.txt"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("presend.toml:2"));
    fs::write(d.join("presend.toml"), "disable = [\"nhs-numbr\"]\n").unwrap();
    presend(d)
        .args(["check", "a.txt"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("nhs-numbr"));
}

#[test]
fn keys_disable_severity_allow_min_severity_and_per_path() {
    let tmp = repo();
    let d = tmp.path();
    fs::write(d.join("posts/a.txt"), RISKY).unwrap();
    let run = |toml: &str, code: i32| {
        fs::write(d.join("presend.toml"), toml).unwrap();
        presend(d)
            .args(["check", "posts/a.txt"])
            .assert()
            .code(code);
    };
    run("disable = [\"uk-identifiers/nhs-number\"]\n", 0);
    run("disable = [\"uk-identifiers\"]\n", 0);
    run("[severity]\n\"nhs-number\" = \"info\"\n", 0);
    run(
        "fail-on = \"info\"\n[severity]\n\"nhs-number\" = \"info\"\n",
        1,
    );
    run("allow = [\"943 476 5919\"]\n", 0);
    run("[per-path.\"posts/**\"]\ndisable = [\"nhs-number\"]\n", 0);
    run("[per-path.\"other/**\"]\ndisable = [\"nhs-number\"]\n", 1);
    run("[per-path.\"posts/**\"]\nexclude = true\n", 0);
    run("exclude = [\"posts/*.txt\"]\n", 0);
    // min-severity hides, but does not change what fails.
    fs::write(d.join("presend.toml"), "min-severity = \"error\"\n").unwrap();
    let out = presend(d)
        .args(["check", "--format", "json", "posts/a.txt"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["severity"] == "error"));
    // Command-line options win over the file.
    fs::write(d.join("presend.toml"), "fail-on = \"never\"\n").unwrap();
    presend(d)
        .args(["check", "--fail-on", "warning", "posts/a.txt"])
        .assert()
        .code(1);
}

#[test]
fn config_default_channel_and_per_path_channel() {
    let tmp = repo();
    let d = tmp.path();
    fs::create_dir_all(d.join("posts/wa")).unwrap();
    fs::write(
        d.join("posts/wa/m.txt"),
        "83F in bed 4 last night, lovely lady",
    )
    .unwrap();
    fs::write(
        d.join("presend.toml"),
        "channel = \"linkedin\"\n[per-path.\"posts/wa/**\"]\nchannel = \"whatsapp\"\n",
    )
    .unwrap();
    let out = presend(d)
        .args(["check", "--format", "json", "posts/wa/m.txt"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    // The per-path channel (WhatsApp) applies: some finding is the messaging-app error. Other
    // findings on the same draft (a story warning) may sort ahead of it.
    let findings = v["findings"].as_array().unwrap();
    assert!(
        findings.iter().any(
            |f| f["severity"] == "error" && f["message"].as_str().unwrap().contains("WhatsApp")
        ),
        "{findings:#?}"
    );
}

#[test]
fn init_writes_a_starter_that_loads_and_refuses_to_overwrite() {
    let tmp = repo();
    let d = tmp.path();
    presend(d).arg("init").assert().code(0);
    let text = fs::read_to_string(d.join("presend.toml")).unwrap();
    assert!(text.lines().filter(|l| l.starts_with('#')).count() > 10);
    fs::write(d.join("a.txt"), "Flu clinic open Saturday").unwrap();
    presend(d).args(["check", "a.txt"]).assert().code(0);
    presend(d).arg("init").assert().code(2);
    presend(d).args(["init", "--force"]).assert().code(0);
}

#[test]
fn baseline_hides_known_findings_and_reports_new_ones() {
    let tmp = repo();
    let d = tmp.path();
    fs::write(d.join("posts/a.txt"), format!("line one\n{RISKY}")).unwrap();
    presend(d).args(["baseline", "posts"]).assert().code(0);
    let base = fs::read_to_string(d.join(".presend-baseline.json")).unwrap();
    assert!(
        !base.contains("5919"),
        "the baseline holds no identifier: {base}"
    );
    assert!(base.contains("uk-identifiers/nhs-number"));
    // Moving the finding to another line does not make it new.
    fs::write(
        d.join("posts/a.txt"),
        format!("new first line\n\nline one\n{RISKY}"),
    )
    .unwrap();
    presend(d)
        .args(["check", "--baseline", ".presend-baseline.json", "posts"])
        .assert()
        .code(0);
    // A second NHS number in the same file is new, even though its mask starts alike.
    fs::write(
        d.join("posts/a.txt"),
        format!("{RISKY}and NHS number 943 000 0004 too\n"),
    )
    .unwrap();
    let out = presend(d)
        .args([
            "check",
            "--format",
            "json",
            "--baseline",
            ".presend-baseline.json",
            "posts",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["summary"]["findings"], 1);
    // The config can name the baseline too.
    fs::write(d.join("posts/a.txt"), RISKY).unwrap();
    fs::write(
        d.join("presend.toml"),
        "baseline = \".presend-baseline.json\"\n",
    )
    .unwrap();
    presend(d).args(["check", "posts"]).assert().code(0);
}
