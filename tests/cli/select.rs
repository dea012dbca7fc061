//! `--select`, `--extend-select` and `--ignore` on `check` and `redact`, taking rule ids, pack ids
//! or category names as ruff does. Each test drives the real binary.

use assert_cmd::cargo::cargo_bin_cmd;
use assert_cmd::Command;
use predicates::prelude::*;

const DRAFT: &str =
    "Bed 4 is Mrs Jones, NHS number 943 476 5919. Dr Smith is a fraud and a liar.\n";

fn check(extra: &[&str]) -> Command {
    let mut cmd = cargo_bin_cmd!("presend");
    cmd.env_remove("CI")
        .args(["check", "--no-config", "--output-format", "concise"])
        .args(extra)
        .write_stdin(DRAFT);
    cmd
}

#[test]
fn select_by_category_reports_only_that_category() {
    check(&["--select", "defamation"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("[defamation/"))
        .stdout(predicate::str::contains("uk-identifiers/").not());
}

#[test]
fn extend_select_adds_a_rule_by_id_to_the_selection() {
    check(&["--select", "defamation", "--extend-select", "nhs-number"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("[defamation/"))
        .stdout(predicate::str::contains("[uk-identifiers/nhs-number]"))
        .stdout(predicate::str::contains("patient-name").not());
}

#[test]
fn ignore_by_pack_drops_that_packs_findings() {
    check(&["--ignore", "uk-identifiers"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("[defamation/"))
        .stdout(predicate::str::contains("uk-identifiers/").not());
}

#[test]
fn ignore_of_every_category_found_leaves_a_clean_run() {
    check(&["--ignore", "identifier,indirect-identifier,defamation"])
        .assert()
        .success()
        .stdout(predicate::str::contains("[").not());
}

#[test]
fn unknown_selector_exits_2_with_a_did_you_mean() {
    check(&["--select", "defamaton"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("did you mean `defamation`?"));
}

#[test]
fn redact_with_ignore_keeps_what_the_ignored_rule_found() {
    cargo_bin_cmd!("presend")
        .args(["redact", "--no-config", "--ignore", "nhs-number"])
        .write_stdin("NHS number 943 476 5919, DOB 12/03/1948.\n")
        .assert()
        .success()
        .stdout("NHS number 943 476 5919, DOB [date of birth].\n");
}
