//! `check --staged` and `hook install` in a real temporary git repository.

use assert_cmd::Command;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command as Std;

fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    let out = Std::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    out
}

fn repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    assert!(git(d, &["init", "-q", "."]).status.success());
    git(d, &["config", "user.email", "t@example.org"]);
    git(d, &["config", "user.name", "t"]);
    git(d, &["config", "commit.gpgsign", "false"]);
    tmp
}

fn presend(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("presend").unwrap();
    c.current_dir(dir).env_remove("CI");
    c
}

fn bin_dir() -> PathBuf {
    let bin = assert_cmd::cargo::cargo_bin("presend");
    bin.parent().unwrap().to_path_buf()
}

#[test]
fn staged_scans_the_index_not_the_working_tree() {
    let tmp = repo();
    let d = tmp.path();
    fs::create_dir(d.join("posts")).unwrap();
    fs::write(d.join("posts/a.md"), "Patient NHS number 943 476 5919.\n").unwrap();
    git(d, &["add", "posts/a.md"]);
    fs::write(d.join("posts/a.md"), "All well.\n").unwrap();
    // Unstaged risky file: not looked at.
    fs::write(d.join("posts/b.md"), "NHS number 943 476 5919\n").unwrap();
    let out = presend(d)
        .args(["check", "--staged", "--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let paths: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(
        !paths.is_empty() && paths.iter().all(|p| *p == "posts/a.md"),
        "{paths:?}"
    );
    assert_eq!(v["summary"]["files"], 1);
    // From a subdirectory, paths stay relative to the top of the repository.
    presend(&d.join("posts"))
        .args(["check", "--staged", "--format", "github"])
        .assert()
        .code(1)
        .stdout(predicates::str::contains("file=posts/a.md,line=1,"));
    // Staging the clean version makes it pass, whatever the working tree holds.
    fs::write(d.join("posts/a.md"), "All well.\n").unwrap();
    git(d, &["add", "posts/a.md"]);
    fs::write(d.join("posts/a.md"), "NHS number 943 476 5919\n").unwrap();
    presend(d).args(["check", "--staged"]).assert().code(0);
}

#[test]
fn staged_with_pathspecs_and_deleted_files() {
    let tmp = repo();
    let d = tmp.path();
    fs::create_dir_all(d.join("posts")).unwrap();
    fs::create_dir_all(d.join("notes")).unwrap();
    fs::write(d.join("notes/n.txt"), "NHS number 943 476 5919\n").unwrap();
    fs::write(d.join("posts/gone.txt"), "bye\n").unwrap();
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "init", "--no-verify"]);
    git(d, &["rm", "-q", "posts/gone.txt"]);
    fs::write(d.join("notes/n.txt"), "NHS number 943 476 5919 again\n").unwrap();
    git(d, &["add", "notes/n.txt"]);
    presend(d)
        .args(["check", "--staged", "posts"])
        .assert()
        .code(0);
    presend(d).args(["check", "--staged"]).assert().code(1);
}

#[test]
fn staged_outside_a_repository_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    presend(tmp.path())
        .env("GIT_CEILING_DIRECTORIES", tmp.path().parent().unwrap())
        .args(["check", "--staged"])
        .assert()
        .code(2);
}

#[test]
fn installed_hook_blocks_a_risky_staged_blob_and_passes_a_clean_one() {
    let tmp = repo();
    let d = tmp.path();
    presend(d).args(["hook", "install"]).assert().code(0);
    let hook = d.join(".git/hooks/pre-commit");
    assert!(fs::read_to_string(&hook)
        .unwrap()
        .contains("check --staged"));
    let path = format!(
        "{}:{}",
        bin_dir().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let commit = |msg: &str| {
        Std::new("git")
            .current_dir(d)
            .env("PATH", &path)
            .env_remove("CI")
            .args(["commit", "-qm", msg])
            .output()
            .unwrap()
    };
    fs::write(d.join("a.md"), "Flu jabs this Saturday.\n").unwrap();
    git(d, &["add", "a.md"]);
    assert!(commit("clean").status.success());
    fs::write(
        d.join("b.md"),
        "Patient NHS number 943 476 5919 discharged.\n",
    )
    .unwrap();
    git(d, &["add", "b.md"]);
    let out = commit("risky");
    assert!(!out.status.success(), "risky commit went through");
    // git sends a hook's output to standard error.
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("nhs-number"), "{said}");
    fs::write(d.join("b.md"), "Discharged, all well.\n").unwrap();
    assert!(!commit("still risky in the index").status.success());
    git(d, &["add", "b.md"]);
    assert!(commit("fixed").status.success());
}

#[test]
fn hook_install_refuses_a_foreign_hook_unless_forced() {
    let tmp = repo();
    let d = tmp.path();
    let hook = d.join(".git/hooks/pre-commit");
    fs::create_dir_all(hook.parent().unwrap()).unwrap();
    fs::write(&hook, "#!/bin/sh\necho mine\n").unwrap();
    presend(d)
        .args(["hook", "install"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--force"));
    assert_eq!(fs::read_to_string(&hook).unwrap(), "#!/bin/sh\necho mine\n");
    presend(d)
        .args(["hook", "install", "--force"])
        .assert()
        .code(0);
    assert!(fs::read_to_string(&hook).unwrap().contains("presend"));
    // Installing again over our own hook is fine; uninstall removes it.
    presend(d).args(["hook", "install"]).assert().code(0);
    presend(d).args(["hook", "uninstall"]).assert().code(0);
    assert!(!hook.exists());
}

#[test]
fn pre_commit_manifest_offers_both_hooks() {
    let manifest = fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/.pre-commit-hooks.yaml"
    ))
    .unwrap();
    assert!(manifest.contains("- id: presend\n"));
    assert!(manifest.contains("language: rust"));
    assert!(manifest.contains("- id: presend-system"));
    assert!(manifest.contains("language: system"));
    // The hook passes many paths at once: the CLI must accept them.
    let tmp = tempfile::tempdir().unwrap();
    for (n, t) in [
        ("a.md", "fine"),
        ("b.md", "NHS number 943 476 5919"),
        ("c.txt", "ok"),
    ] {
        fs::write(tmp.path().join(n), t).unwrap();
    }
    presend(tmp.path())
        .args(["check", "a.md", "b.md", "c.txt"])
        .assert()
        .code(1);
}

/// Commit in `d` with the freshly built presend first on PATH, as the hook finds it.
fn commit_with_hook(d: &Path, msg: &str) -> (bool, String) {
    let path = format!(
        "{}:{}",
        bin_dir().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Std::new("git")
        .current_dir(d)
        .env("PATH", &path)
        .env_remove("CI")
        .args(["commit", "-qm", msg])
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), said)
}

#[test]
fn blocked_commit_ends_with_fix_suppress_or_no_verify() {
    let tmp = repo();
    let d = tmp.path();
    presend(d).args(["hook", "install"]).assert().code(0);
    fs::write(
        d.join("b.md"),
        "Patient NHS number 943 476 5919 discharged.\n",
    )
    .unwrap();
    git(d, &["add", "b.md"]);
    let (committed, said) = commit_with_hook(d, "risky");
    assert!(!committed, "{said}");
    let advice = said
        .rfind("presend: commit blocked")
        .map(|i| &said[i..])
        .unwrap_or_else(|| panic!("no blocked notice after the report: {said}"));
    assert!(said.find("nhs-number").unwrap() < said.rfind("commit blocked").unwrap());
    for step in [
        "Fix: edit the draft",
        "presend-allow RULE: reason",
        "git commit --no-verify",
        "skips every pre-commit and commit-msg hook",
    ] {
        assert!(advice.contains(step), "missing {step:?}: {advice}");
    }
    assert!(
        advice.trim_end().ends_with("nothing is checked."),
        "{advice}"
    );
}

#[test]
fn commit_blocked_by_a_broken_config_says_presend_could_not_check() {
    let tmp = repo();
    let d = tmp.path();
    presend(d).args(["hook", "install"]).assert().code(0);
    fs::write(d.join("presend.toml"), "fial-on = \"error\"\n").unwrap();
    fs::write(d.join("a.md"), "Flu jabs this Saturday.\n").unwrap();
    git(d, &["add", "a.md"]);
    let (committed, said) = commit_with_hook(d, "clean draft, broken config");
    assert!(!committed, "{said}");
    assert!(said.contains("fial-on"), "the error itself: {said}");
    assert!(
        said.contains("presend could not check the staged files"),
        "{said}"
    );
    assert!(!said.contains("presend-allow"), "{said}");
}
