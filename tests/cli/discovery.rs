//! Config discovery from the checked path upwards (as ruff does), and `check --show-settings`
//! and `--show-files`, which say what a check would use and read. Each test drives the real
//! binary from a working directory outside the checked tree.

use assert_cmd::cargo::cargo_bin_cmd;
use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

const LIBEL: &str = "Dr Smith is a fraud and a liar.\n";
const CONFIG: &str = "disable = [\"defamation\"]\nexclude = [\"old/**\"]\n";

/// A tree with presend.toml at its top, posts/a.txt and old/b.txt; `.git` when `git`.
fn tree(git: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    if git {
        std::fs::create_dir(root.join(".git")).unwrap();
    }
    std::fs::write(root.join("presend.toml"), CONFIG).unwrap();
    for (sub, file) in [("posts", "a.txt"), ("old", "b.txt")] {
        std::fs::create_dir(root.join(sub)).unwrap();
        std::fs::write(root.join(sub).join(file), LIBEL).unwrap();
    }
    dir
}

fn check_from_elsewhere(args: &[&str], path: &Path) -> Command {
    // The system temporary directory holds the tree but no config of its own.
    let mut cmd = cargo_bin_cmd!("presend");
    cmd.env_remove("CI")
        .current_dir(std::env::temp_dir())
        .arg("check")
        .args(args)
        .arg(path);
    cmd
}

#[test]
fn check_of_a_repo_subdirectory_from_elsewhere_uses_the_repos_config() {
    let repo = tree(true);
    check_from_elsewhere(&["--output-format", "concise"], &repo.path().join("posts"))
        .assert()
        .success()
        .stdout(predicate::str::contains("defamation").not());
}

#[test]
fn outside_git_a_config_in_a_parent_directory_is_found() {
    let dir = tree(false);
    check_from_elsewhere(&[], &dir.path().join("posts").join("a.txt"))
        .assert()
        .success()
        .stdout(predicate::str::contains("no findings"));
}

#[test]
fn without_a_config_the_same_draft_is_flagged() {
    let dir = tree(false);
    std::fs::remove_file(dir.path().join("presend.toml")).unwrap();
    check_from_elsewhere(&["--output-format", "concise"], &dir.path().join("posts"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("[defamation/"));
}

#[test]
fn show_settings_names_the_config_packs_and_disabled_rules() {
    let repo = tree(true);
    let config = repo.path().join("presend.toml");
    check_from_elsewhere(&["--show-settings"], &repo.path().join("posts"))
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "config: {}",
            config.display()
        )))
        .stdout(predicate::str::contains("packs: presend,"))
        .stdout(predicate::str::is_match(r"rules enabled: \d+ of \d+").unwrap())
        .stdout(predicate::str::contains(
            "  defamation/allegation-about-person",
        ));
}

#[test]
fn show_settings_counts_the_command_lines_selectors() {
    let repo = tree(true);
    check_from_elsewhere(
        &[
            "--no-config",
            "--show-settings",
            "--select",
            "uk-identifiers/nhs-number",
        ],
        repo.path(),
    )
    .assert()
    .success()
    .stdout(predicate::str::contains("config: none"))
    .stdout(predicate::str::is_match(r"rules enabled: 1 of \d+").unwrap());
}

#[test]
fn show_files_lists_what_would_be_scanned_after_excludes_and_exits_0() {
    let repo = tree(true);
    check_from_elsewhere(&["--show-files"], repo.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("a.txt"))
        .stdout(predicate::str::contains("b.txt").not())
        .stdout(predicate::str::contains("presend.toml").not());
}
