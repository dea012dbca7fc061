//! The `presend` binary as users and scripts meet it (docs/usage.md): exit statuses, the JSON
//! report, masking, the rules commands and bad input. Each test drives the real binary.

use assert_cmd::cargo::cargo_bin_cmd;
use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::io::Write;
use std::process::Stdio;

const RISKY: &str =
    "Bed 4 is Mrs Jones, NHS number 943 476 5919, DOB 12/03/1948. Pic of her wound attached.";
const CLEAN: &str = "Flu clinic open Saturday 9-12 at the health centre. Bring a friend!";
const FIXTURE: &str = "tests/fixtures/every-kind.toml";

fn presend() -> Command {
    let mut cmd = cargo_bin_cmd!("presend");
    cmd.env_remove("CI").env_remove("CLICOLOR_FORCE");
    cmd
}

fn json_of(output: &[u8]) -> Value {
    serde_json::from_slice(output).expect("stdout is one JSON document")
}

#[test]
fn risky_draft_on_stdin_exits_1_with_a_masked_identifier_finding() {
    let out = presend()
        .args(["check", "--format", "json"])
        .write_stdin(RISKY)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let report = json_of(&out);
    assert_eq!(report["version"], 1);
    let nhs = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "uk-identifiers/nhs-number")
        .expect("an NHS number finding");
    for field in [
        "rule",
        "category",
        "severity",
        "message",
        "path",
        "record",
        "line",
        "column",
        "end_line",
        "end_column",
        "match",
        "confidence",
    ] {
        assert!(nhs.get(field).is_some(), "missing {field}");
    }
    assert_eq!(nhs["category"], "identifier");
    assert_eq!(nhs["path"], "-");
    assert_eq!(nhs["record"], Value::Null);
    assert_eq!(
        (nhs["line"].as_u64(), nhs["column"].as_u64()),
        (Some(1), Some(32))
    );
    assert_eq!(nhs["end_column"].as_u64(), Some(44));
    assert_eq!(nhs["match"], "943 *** ****");
    assert!(!String::from_utf8_lossy(&out).contains("5919"));
    let summary = &report["summary"];
    assert_eq!(summary["files"], 1);
    assert_eq!(
        summary["findings"].as_u64(),
        Some(report["findings"].as_array().unwrap().len() as u64)
    );
}

#[test]
fn clean_draft_exits_0() {
    presend()
        .arg("check")
        .write_stdin(CLEAN)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("no findings"));
}

#[test]
fn dash_reads_standard_input_and_stdin_filename_names_it() {
    let out = presend()
        .args([
            "check",
            "--format",
            "json",
            "--stdin-filename",
            "draft.txt",
            "-",
        ])
        .write_stdin(RISKY)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    assert_eq!(json_of(&out)["findings"][0]["path"], "draft.txt");
}

#[test]
fn jsonl_writes_one_finding_per_line_without_summary() {
    let out = presend()
        .args(["check", "--format", "jsonl"])
        .write_stdin(RISKY)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.lines().count() >= 2);
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        assert!(v.get("rule").is_some() && v.get("summary").is_none());
    }
}

#[test]
fn fail_on_decides_the_exit_status() {
    // The fixture's `swear` rule is a warning.
    let run = |fail_on: &str| {
        presend()
            .args([
                "check",
                "--no-builtin",
                "--rules",
                FIXTURE,
                "--fail-on",
                fail_on,
            ])
            .write_stdin("blast")
            .assert()
    };
    run("warning").code(1);
    run("error").code(0);
    run("never").code(0);
    run("info").code(1);
}

#[test]
fn min_severity_hides_findings_but_they_still_fail_the_run() {
    presend()
        .args([
            "check",
            "--no-builtin",
            "--rules",
            FIXTURE,
            "--min-severity",
            "error",
        ])
        .write_stdin("blast")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("swear").not())
        .stderr(predicate::str::contains("below --min-severity"));
}

#[test]
fn human_report_is_masked_under_ci() {
    presend()
        .arg("check")
        .env("CI", "true")
        .write_stdin(RISKY)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("5919").not())
        .stdout(predicate::str::contains("943 *** ****"));
}

#[test]
fn show_matches_unmasks_json() {
    presend()
        .args(["check", "--format", "json", "--show-matches"])
        .write_stdin(RISKY)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("943 476 5919"));
}

#[test]
fn output_to_a_pipe_has_no_colour_codes() {
    presend()
        .arg("check")
        .write_stdin(RISKY)
        .assert()
        .stdout(predicate::str::contains("\u{1b}[").not());
}

#[test]
fn files_are_reported_by_path_with_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("post.txt");
    std::fs::write(&path, "Morning all.\nNHS no 943 476 5919 went home.\n").unwrap();
    let out = presend()
        .args(["check", "--format", "json"])
        .arg(&path)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let f = &json_of(&out)["findings"][0];
    assert!(f["path"].as_str().unwrap().ends_with("post.txt"));
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(2), Some(8))
    );
}

#[test]
fn missing_path_exits_2_naming_it() {
    presend()
        .args(["check", "no/such/draft.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/draft.txt"));
}

#[test]
fn malformed_pack_exits_2_naming_file_line_and_rule() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("broken.toml");
    std::fs::write(
        &pack,
        "[pack]\nid = \"broken\"\nname = \"b\"\nversion = \"1\"\ndescription = \"d\"\n\
         [[rule]]\nid = \"x\"\ncategory = \"identifier\"\nseverity = \"error\"\nmessage = \"m\"\n\
         why = \"w\"\ninstead = \"i\"\npattern = \"(unclosed\"\n",
    )
    .unwrap();
    presend()
        .arg("check")
        .arg("--rules")
        .arg(&pack)
        .write_stdin("hello")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "broken.toml:7: rule `x`: invalid regex",
        ))
        .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn unknown_category_in_a_pack_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("cats.toml");
    std::fs::write(
        &pack,
        "[pack]\nid = \"c\"\nname = \"c\"\nversion = \"1\"\ndescription = \"d\"\n\
         [[rule]]\nid = \"rude\"\ncategory = \"rudeness\"\nseverity = \"error\"\nmessage = \"m\"\n\
         why = \"w\"\ninstead = \"i\"\nterms = [\"x\"]\n",
    )
    .unwrap();
    presend()
        .args(["rules", "list", "--rules"])
        .arg(&pack)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cats.toml:8: rule `rude`"));
}

#[test]
fn unknown_flag_is_a_usage_error() {
    presend().args(["check", "--frobnicate"]).assert().code(2);
}

#[test]
fn rules_list_json_lists_every_builtin_rule() {
    let out = presend()
        .args(["rules", "list", "--format", "json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let rules = json_of(&out);
    let rules = rules.as_array().unwrap();
    assert!(rules.len() >= 10);
    let nhs = rules
        .iter()
        .find(|r| r["id"] == "uk-identifiers/nhs-number")
        .expect("nhs-number listed");
    assert_eq!(nhs["category"], "identifier");
    assert_eq!(nhs["severity"], "error");
}

#[test]
fn explain_prints_why_instead_and_references() {
    presend()
        .args(["explain", "uk-identifiers/nhs-number"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Why it matters"))
        .stdout(predicate::str::contains("What to do instead"))
        .stdout(predicate::str::contains("References"))
        .stdout(predicate::str::contains("modulus-11"));
}

#[test]
fn explain_accepts_a_bare_rule_id() {
    presend().args(["explain", "nhs-number"]).assert().code(0);
}

#[test]
fn explain_unknown_rule_exits_2() {
    presend()
        .args(["explain", "no-such-rule"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-rule"));
}

#[test]
fn rules_test_passes_on_builtin_packs() {
    presend()
        .args(["rules", "test"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("0 failed"));
}

#[test]
fn rules_test_fails_on_a_pack_whose_example_does_not_match() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("mine.toml");
    std::fs::write(
        &pack,
        "[pack]\nid = \"mine\"\nname = \"m\"\nversion = \"1\"\ndescription = \"d\"\n\
         [[rule]]\nid = \"ward\"\ncategory = \"indirect-identifier\"\nseverity = \"info\"\n\
         message = \"m\"\nwhy = \"w\"\ninstead = \"i\"\nterms = [\"Nightingale ward\"]\n\
         examples.match = [\"on Rainbow ward\"]\nexamples.no_match = [\"hello\"]\n",
    )
    .unwrap();
    presend()
        .args(["rules", "test"])
        .arg(&pack)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("FAIL mine/ward [match]"));
}

#[test]
fn closed_pipe_exits_quietly() {
    // `presend check draft | head -1`: the reader leaves early; presend must not complain.
    let big = format!("{RISKY}\n").repeat(300);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("presend"))
        .args(["check", "--format", "jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child
        .stdin
        .take()
        .unwrap()
        .write_all(big.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn redact_replaces_identifiers_and_keeps_every_line() {
    let draft = "Mr Patel, NHS 943 476 5919, is on bay 3.\nLovely team today!\n";
    let out = presend()
        .arg("redact")
        .write_stdin(draft)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(!text.contains("5919"));
    assert!(text.contains("[NHS number]"));
    assert!(text.ends_with("Lovely team today!\n"));
    assert_eq!(text.lines().count(), 2);
}

#[test]
fn redact_in_place_rewrites_the_file_and_keeps_its_permissions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("post.txt");
    std::fs::write(&path, "NHS 943 476 5919\nthanks\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    presend()
        .args(["redact", "--in-place"])
        .arg(&path)
        .assert()
        .code(0);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text, "NHS [NHS number]\nthanks\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }
}

#[test]
fn example_trust_pack_passes_its_own_examples() {
    presend()
        .args(["rules", "test", "examples/packs/our-trust.toml"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("0 failed"));
}
