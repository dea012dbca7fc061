//! docs/rules/ is generated from the packs (`presend rules doc`) and SARIF links every rule to
//! its anchor there; these tests fail when the checked-in pages fall behind the packs, so CI
//! keeps them current.

use assert_cmd::cargo::cargo_bin_cmd;
use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn presend() -> Command {
    let mut cmd = cargo_bin_cmd!("presend");
    cmd.env_remove("CI").current_dir(ROOT);
    cmd
}

#[test]
fn checked_in_rule_docs_match_the_packs() {
    presend()
        .args([
            "rules",
            "doc",
            "--no-config",
            "--check",
            "--out",
            "docs/rules",
        ])
        .assert()
        .code(0)
        .stderr("");
}

#[test]
fn rules_doc_check_names_a_stale_page_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    presend()
        .args(["rules", "doc", "--no-config", "--out"])
        .arg(dir.path())
        .assert()
        .code(0);
    let page = dir.path().join("conduct.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, text.replace("## ", "### ")).unwrap();
    std::fs::write(dir.path().join("retired-pack.md"), "old").unwrap();
    presend()
        .args(["rules", "doc", "--no-config", "--check", "--out"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("stale:")
                .and(predicate::str::contains("conduct.md"))
                .and(predicate::str::contains("retired-pack.md (no such pack)"))
                .and(predicate::str::contains("uk-identifiers.md").not()),
        );
}

#[test]
fn every_rule_has_a_heading_anchor_on_its_packs_page() {
    let out = presend()
        .args(["rules", "list", "--no-config", "--format", "json"])
        .output()
        .unwrap()
        .stdout;
    let rules: serde_json::Value = serde_json::from_slice(&out).unwrap();
    for rule in rules.as_array().unwrap() {
        let (pack, id) = rule["id"].as_str().unwrap().split_once('/').unwrap();
        let page = std::fs::read_to_string(Path::new(ROOT).join(format!("docs/rules/{pack}.md")))
            .unwrap_or_else(|e| panic!("docs/rules/{pack}.md: {e}"));
        assert!(
            page.lines().any(|l| l == format!("## {id}")),
            "no `## {id}` in docs/rules/{pack}.md"
        );
    }
}

#[test]
fn sarif_rules_link_to_their_anchor_in_the_rule_docs() {
    let out = presend()
        .args(["check", "--no-config", "--format", "sarif"])
        .write_stdin(
            "Bed 4 is Mrs Jones, NHS number 943 476 5919, DOB 12/03/1948. Pic of her wound.",
        )
        .output()
        .unwrap()
        .stdout;
    let log: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(rules.len() >= 3);
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        let (pack, bare) = id.split_once('/').unwrap();
        let uri = rule["helpUri"]
            .as_str()
            .unwrap_or_else(|| panic!("{id}: no helpUri"));
        assert!(uri.starts_with("https://"), "{uri}");
        assert!(
            uri.ends_with(&format!("/docs/rules/{pack}.md#{bare}")),
            "{id}: {uri}"
        );
        let page =
            std::fs::read_to_string(Path::new(ROOT).join(format!("docs/rules/{pack}.md"))).unwrap();
        assert!(page.contains(&format!("\n## {bare}\n")), "{id}: no anchor");
    }
}
