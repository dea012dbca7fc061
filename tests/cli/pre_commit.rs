//! The README's pre-commit snippets, tried for real: the local snippet, read from README.md
//! itself, runs with `pre-commit run` in a fresh repository over a risky draft and a clean one,
//! and `pre-commit try-repo` on a clone of this repository runs the `presend-system` hook (the
//! built binary on PATH). Those are skipped with a notice when `pre-commit` is not installed,
//! unless `PRESEND_REQUIRE_PRE_COMMIT` is set (CI sets it after installing pre-commit). The
//! README's hook ids, tag and repository address are checked against `.pre-commit-hooks.yaml`,
//! the crate's version and the fact that presend has no public home.

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

const README: &str = include_str!("../../README.md");
const HOOKS: &str = include_str!("../../.pre-commit-hooks.yaml");

/// The ```yaml blocks of the README, in order.
fn readme_yaml_blocks() -> Vec<String> {
    README
        .split("```yaml\n")
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap_or_default().to_string())
        .collect()
}

/// The value of `key:` on a YAML line (`- id: presend` gives `presend` for `id`), without a
/// trailing comment.
fn value_of<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let line = line.trim_start().trim_start_matches("- ");
    let value = line.strip_prefix(key)?.strip_prefix(':')?;
    Some(value.split(" #").next().unwrap_or_default().trim())
}

fn values<'a>(yaml: &'a str, key: &str) -> Vec<&'a str> {
    yaml.lines().filter_map(|l| value_of(l, key)).collect()
}

/// The hook `id` of `.pre-commit-hooks.yaml`, as its lines (from `- id:` to the next hook).
fn defined_hook(id: &str) -> String {
    let start = HOOKS
        .find(&format!("\n- id: {id}\n"))
        .unwrap_or_else(|| panic!("no hook {id} in .pre-commit-hooks.yaml"));
    let rest = &HOOKS[start + 1..];
    let end = rest[1..].find("\n- id: ").map_or(rest.len(), |e| e + 1);
    rest[..end].to_string()
}

/// The README's first pre-commit snippet: the one a reader copies.
fn readme_local_snippet() -> String {
    let first = readme_yaml_blocks()
        .into_iter()
        .find(|b| b.contains("repos:"))
        .expect("the README has a pre-commit snippet");
    assert!(
        values(&first, "repo") == ["local"],
        "the README's first pre-commit snippet must be a `repo: local` hook that works as written:\n{first}"
    );
    first
}

#[test]
fn readme_leads_with_a_local_hook_that_runs_the_same_command_as_the_system_hook() {
    let snippet = readme_local_snippet();
    let id = values(&snippet, "id")[0];
    let hook = defined_hook(id);
    for key in ["entry", "language", "types_or"] {
        assert_eq!(
            values(&snippet, key),
            values(&hook, key),
            "`{key}` of the README's local hook `{id}` differs from .pre-commit-hooks.yaml"
        );
    }
}

#[test]
fn readme_hook_ids_are_those_of_pre_commit_hooks_yaml() {
    let defined = values(HOOKS, "id");
    let mut used: Vec<String> = readme_yaml_blocks()
        .iter()
        .flat_map(|b| {
            values(b, "id")
                .into_iter()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    // `pre-commit try-repo PATH ID` in the prose names a hook id too.
    for (at, _) in README.match_indices("pre-commit try-repo ") {
        let words: Vec<&str> = README[at..].split_whitespace().collect();
        used.push(words[3].trim_matches('`').to_string());
    }
    assert!(used.len() >= 3, "{used:?}");
    for id in &used {
        assert!(
            defined.contains(&id.as_str()),
            "README hook id `{id}` is not in .pre-commit-hooks.yaml ({defined:?})"
        );
    }
}

#[test]
fn readme_rev_is_the_tag_of_the_crate_version() {
    let revs: Vec<&str> = README.lines().filter_map(|l| value_of(l, "rev")).collect();
    assert!(!revs.is_empty());
    let tag = format!("v{}", env!("CARGO_PKG_VERSION"));
    for rev in revs {
        assert_eq!(rev, tag, "the README's `rev:` must name this release's tag");
    }
    assert!(README.contains(&format!("`{tag}` is the tag of this release")));
}

#[test]
fn readme_marks_every_remote_repository_address_as_a_placeholder() {
    for line in README
        .lines()
        .filter(|l| value_of(l, "repo").is_some_and(|v| v != "local"))
    {
        assert!(
            line.contains("placeholder"),
            "an address we do not own, shown as real: {line}"
        );
    }
}

/// Run the README's local snippet with pre-commit, as a commit would, on a repository whose
/// staged `draft.md` holds `text`.
fn run_readme_snippet(text: &str) -> Output {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("posts-repo");
    std::fs::create_dir(&project).unwrap();
    git(&project, &["init", "--quiet"]);
    std::fs::write(
        project.join(".pre-commit-config.yaml"),
        readme_local_snippet(),
    )
    .unwrap();
    std::fs::write(project.join("draft.md"), text).unwrap();
    git(&project, &["add", ".pre-commit-config.yaml", "draft.md"]);
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_presend")).parent().unwrap();
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    Command::new("pre-commit")
        .current_dir(&project)
        .env("PATH", path)
        .env("PRE_COMMIT_HOME", tmp.path().join("cache"))
        .env_remove("CI")
        .arg("run")
        .output()
        .unwrap()
}

#[test]
fn readme_local_pre_commit_snippet_blocks_a_risky_draft() {
    if !pre_commit_available() {
        return;
    }
    let out = run_readme_snippet("Bed 4 is Mrs Jones, NHS number 943 476 5919, DOB 12/03/1948.\n");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("Failed"), "{stdout}");
    assert!(stdout.contains("uk-identifiers/nhs-number"), "{stdout}");
}

#[test]
fn readme_local_pre_commit_snippet_passes_a_clean_draft() {
    if !pre_commit_available() {
        return;
    }
    let out =
        run_readme_snippet("Proud of the whole team after a busy winter. Get your flu jab!\n");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("Passed"), "{stdout}");
}
