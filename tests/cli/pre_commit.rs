//! The README's pre-commit snippet, tried for real: `pre-commit try-repo` on a clone of this
//! repository runs the `presend-system` hook (the built binary on PATH) over a risky draft and a
//! clean one. Skipped with a notice when `pre-commit` is not installed, unless
//! `PRESEND_REQUIRE_PRE_COMMIT` is set (CI sets it after installing pre-commit).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn pre_commit_available() -> bool {
    let found = Command::new("pre-commit")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("PRESEND_REQUIRE_PRE_COMMIT").is_none(),
            "PRESEND_REQUIRE_PRE_COMMIT is set but pre-commit is not installed"
        );
        eprintln!("pre-commit is not installed: skipping the pre-commit snippet test");
    }
    found
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
        .args(args)
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?} failed");
}

/// A fresh git clone of this repository (its committed HEAD) and a project repository with
/// `file` holding `text`, staged.
fn setup(text: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let clone = tmp.path().join("presend");
    let status = Command::new("git")
        .args(["clone", "--quiet", env!("CARGO_MANIFEST_DIR")])
        .arg(&clone)
        .status()
        .unwrap();
    assert!(status.success(), "git clone failed");
    let project = tmp.path().join("posts-repo");
    std::fs::create_dir(&project).unwrap();
    git(&project, &["init", "--quiet"]);
    std::fs::write(project.join("draft.md"), text).unwrap();
    git(&project, &["add", "draft.md"]);
    (tmp, clone, project)
}

fn try_repo(text: &str) -> Output {
    let (tmp, clone, project) = setup(text);
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_presend")).parent().unwrap();
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let out = Command::new("pre-commit")
        .current_dir(&project)
        .env("PATH", path)
        .env("PRE_COMMIT_HOME", tmp.path().join("cache"))
        .env_remove("CI")
        .args(["try-repo"])
        .arg(&clone)
        .args(["presend-system", "--files", "draft.md"])
        .output()
        .unwrap();
    drop(tmp);
    out
}

#[test]
fn pre_commit_try_repo_blocks_a_risky_draft() {
    if !pre_commit_available() {
        return;
    }
    let out = try_repo("Bed 4 is Mrs Jones, NHS number 943 476 5919, DOB 12/03/1948.\n");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("Failed"), "{stdout}");
    assert!(stdout.contains("uk-identifiers/nhs-number"), "{stdout}");
}

#[test]
fn pre_commit_try_repo_passes_a_clean_draft() {
    if !pre_commit_available() {
        return;
    }
    let out = try_repo("Proud of the whole team after a busy winter. Get your flu jab!\n");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("Passed"), "{stdout}");
}
