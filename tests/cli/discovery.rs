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

/// A second repository, with posts/a.txt and old/b.txt holding the same libel and no config.
fn bare_repo() -> tempfile::TempDir {
    let repo = tree(true);
    std::fs::remove_file(repo.path().join("presend.toml")).unwrap();
    repo
}

#[test]
fn two_paths_in_two_repos_each_use_their_own_config() {
    let (with, without) = (tree(true), bare_repo());
    // Either order: the first path's config must not leak into the second path's files.
    for paths in [
        [with.path().join("posts"), without.path().join("posts")],
        [without.path().join("posts"), with.path().join("posts")],
    ] {
        let mut cmd = cargo_bin_cmd!("presend");
        cmd.env_remove("CI")
            .current_dir(std::env::temp_dir())
            .args(["check", "--output-format", "concise"])
            .args(&paths)
            .assert()
            .code(1)
            .stdout(predicate::str::contains(format!(
                "{}:1:1: warning[defamation/",
                without.path().join("posts/a.txt").display()
            )))
            .stdout(predicate::str::contains(with.path().display().to_string()).not());
    }
}

#[test]
fn fail_on_comes_from_each_files_own_config() {
    let (lenient, strict) = (tree(true), bare_repo());
    std::fs::write(lenient.path().join("presend.toml"), "fail-on = \"never\"\n").unwrap();
    std::fs::write(strict.path().join("posts/a.txt"), "Proud of the team.\n").unwrap();
    // The strict repository comes first, yet the lenient one's finding does not fail the run.
    let mut cmd = cargo_bin_cmd!("presend");
    cmd.env_remove("CI")
        .current_dir(std::env::temp_dir())
        .args(["check", "--output-format", "concise"])
        .arg(strict.path().join("posts"))
        .arg(lenient.path().join("posts"))
        .assert()
        .success()
        .stdout(predicate::str::contains("[defamation/"));
}

#[test]
fn show_settings_names_the_config_of_each_checked_path() {
    let (with, without) = (tree(true), bare_repo());
    let out = cargo_bin_cmd!("presend")
        .env_remove("CI")
        .current_dir(std::env::temp_dir())
        .args(["check", "--show-settings"])
        .arg(without.path().join("posts"))
        .arg(with.path().join("posts"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let blocks: Vec<&str> = out.split("\n\n").collect();
    assert_eq!(blocks.len(), 3, "{out}");
    assert!(
        blocks[0].starts_with(&format!(
            "path: {}\nconfig: none\n",
            without.path().join("posts").display()
        )),
        "{out}"
    );
    assert!(blocks[0].ends_with("\nrules disabled: 0"), "{out}");
    assert!(
        blocks[1].starts_with(&format!(
            "path: {}\nconfig: {}\n",
            with.path().join("posts").display(),
            with.path().join("presend.toml").display()
        )),
        "{out}"
    );
    assert!(
        blocks[1].contains("  defamation/allegation-about-person"),
        "{out}"
    );
    assert!(
        blocks[2]
            .starts_with("baseline (one for the whole run, from the first path's config): none"),
        "{out}"
    );
}

#[test]
fn show_files_applies_each_paths_own_excludes() {
    let (with, without) = (tree(true), bare_repo());
    cargo_bin_cmd!("presend")
        .env_remove("CI")
        .current_dir(std::env::temp_dir())
        .args(["check", "--show-files"])
        .arg(without.path())
        .arg(with.path())
        .assert()
        .success()
        .stdout(predicate::str::contains(
            without.path().join("old/b.txt").display().to_string(),
        ))
        .stdout(predicate::str::contains(with.path().join("old/b.txt").display().to_string()).not())
        .stdout(predicate::str::contains(
            with.path().join("posts/a.txt").display().to_string(),
        ));
}

#[test]
fn config_flag_still_wins_over_each_paths_config() {
    let (with, without) = (tree(true), bare_repo());
    let named = without.path().join("named.toml");
    std::fs::write(&named, "fail-on = \"never\"\n").unwrap();
    cargo_bin_cmd!("presend")
        .env_remove("CI")
        .current_dir(std::env::temp_dir())
        .args(["check", "--output-format", "concise", "--config"])
        .arg(&named)
        .arg(with.path().join("posts"))
        .assert()
        .success()
        .stdout(predicate::str::contains("[defamation/"));
}

#[test]
fn redact_from_elsewhere_uses_the_drafts_own_config() {
    let repo = tree(true);
    std::fs::write(
        repo.path().join("presend.toml"),
        "allow = [\"07700 900123\"]\n",
    )
    .unwrap();
    let draft = repo.path().join("posts/contact.txt");
    std::fs::write(&draft, "Call the clinic on 07700 900123 for Mrs Jones.\n").unwrap();
    cargo_bin_cmd!("presend")
        .env_remove("CI")
        .current_dir(std::env::temp_dir())
        .arg("redact")
        .arg(&draft)
        .assert()
        .success()
        .stdout(predicate::str::contains("07700 900123"));
}
