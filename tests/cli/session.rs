//! Every subcommand builds its rules through one check session, so they agree on what
//! presend.toml says: the packs it names, the rules it disables, the severities it sets, and
//! that every rule name in it is a loaded rule. Each test here guards a case where one
//! subcommand used to differ from `check`.

use assert_cmd::Command;
use predicates::prelude::*;
use std::fs;
use std::path::Path;

/// A local pack: one rule whose examples pass, one whose `match` example cannot.
const LOCAL_PACK: &str = r#"
[pack]
id = "local"
name = "Local"
version = "1.0.0"
description = "A test pack."

[[rule]]
id = "codeword"
label = "code word"
category = "unprofessional"
severity = "warning"
message = "A local code word for a patient."
why = "Staff use it about patients."
instead = "Leave it out."
terms = ["flibbertigibbet"]
examples.match = ["what a flibbertigibbet"]
examples.no_match = ["what a day"]

[[rule]]
id = "broken"
label = "broken"
category = "unprofessional"
severity = "warning"
message = "An example that cannot pass."
why = "A test."
instead = "Nothing."
terms = ["zzqx"]
examples.match = ["plain words"]
examples.no_match = ["other words"]
"#;

fn presend(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("presend").unwrap();
    c.current_dir(dir).env_remove("CI");
    c
}

/// A fake repository holding `packs/local.toml` and a presend.toml with `config`.
fn repo(config: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir(tmp.path().join(".git")).unwrap();
    fs::create_dir(tmp.path().join("packs")).unwrap();
    fs::write(tmp.path().join("packs/local.toml"), LOCAL_PACK).unwrap();
    fs::write(tmp.path().join("presend.toml"), config).unwrap();
    tmp
}

fn listed(dir: &Path) -> Vec<serde_json::Value> {
    let out = presend(dir)
        .args(["rules", "list", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn redact_rejects_a_config_naming_an_unknown_rule() {
    let tmp = repo("disable = [\"nhs-numbr\"]\n");
    fs::write(tmp.path().join("a.txt"), "NHS number 943 476 5919\n").unwrap();
    presend(tmp.path())
        .args(["redact", "a.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`nhs-numbr` is no loaded rule or pack",
        ));
    // `check` has always refused it.
    presend(tmp.path())
        .args(["check", "a.txt"])
        .assert()
        .code(2);
}

#[test]
fn rules_list_shows_config_packs_without_disabled_rules_at_configured_severity() {
    let tmp = repo(
        "rules = [\"packs/local.toml\"]\n\
         disable = [\"local/broken\"]\n\
         [severity]\n\"local/codeword\" = \"error\"\n",
    );
    let rules = listed(tmp.path());
    let codeword = rules
        .iter()
        .find(|r| r["id"] == "local/codeword")
        .expect("the config's pack is listed");
    assert_eq!(codeword["severity"], "error");
    assert!(!rules.iter().any(|r| r["id"] == "local/broken"));
    assert!(rules.iter().any(|r| r["pack"] == "uk-identifiers"));
    // --no-config lists what the command line alone loads.
    presend(tmp.path())
        .args(["rules", "list", "--no-config"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("local/codeword").not());
}

#[test]
fn explain_finds_config_packs_and_shows_configured_severity() {
    let tmp = repo("rules = [\"packs/local.toml\"]\n[severity]\n\"local\" = \"info\"\n");
    presend(tmp.path())
        .args(["explain", "local/codeword"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("severity: info"));
    let tmp = repo("rules = [\"packs/local.toml\"]\ndisable = [\"local/codeword\"]\n");
    presend(tmp.path())
        .args(["explain", "codeword"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("does not report it"));
}

#[test]
fn rules_test_runs_config_packs_and_skips_disabled_rules() {
    let tmp = repo("rules = [\"packs/local.toml\"]\n");
    presend(tmp.path())
        .args(["rules", "test", "local"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("FAIL local/broken"));
    let tmp = repo("rules = [\"packs/local.toml\"]\ndisable = [\"local/broken\"]\n");
    presend(tmp.path())
        .args(["rules", "test", "local"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("2 examples passed, 0 failed"));
}

#[test]
fn a_pattern_too_big_to_compile_is_an_error_naming_file_line_and_rule() {
    let tmp = tempfile::tempdir().unwrap();
    let pack = "[pack]\nid = \"big\"\nname = \"Big\"\nversion = \"1.0.0\"\n\
                description = \"A pattern too big to compile.\"\n\n\
                [[rule]]\nid = \"huge\"\nlabel = \"huge\"\ncategory = \"identifier\"\n\
                severity = \"error\"\nmessage = \"Too big.\"\nwhy = \"A test.\"\n\
                instead = \"Nothing.\"\npattern = '[0-9a-z]{1000}{1000}'\n\
                examples.match = [\"a\"]\nexamples.no_match = [\"b\"]\n";
    fs::write(tmp.path().join("big.toml"), pack).unwrap();
    for args in [
        &["check", "--rules", "big.toml", "-"][..],
        &["redact", "--rules", "big.toml"],
        &["rules", "list", "--rules", "big.toml"],
        &["explain", "--rules", "big.toml", "huge"],
    ] {
        presend(tmp.path())
            .args(args)
            .write_stdin("hello")
            .assert()
            .code(2)
            .stderr(predicate::str::contains("big.toml:8: rule `huge`"))
            .stderr(predicate::str::contains("exceeds size limit"))
            .stderr(predicate::str::contains("panicked").not());
    }
}

/// Every rule id a report can contain: each reporting (non-signal) rule of the built-in packs,
/// and each check the application reports itself. Enumerated from the model, not from
/// `rules list`, so a check missing from presend's own pack fails here.
fn report_rule_ids() -> Vec<String> {
    let set = presend_rules::RuleSet::builtin().expect("built-in packs load");
    let mut ids: Vec<String> = set
        .rules
        .iter()
        .filter(|r| !r.signal)
        .map(|r| r.full_id.to_string())
        .collect();
    for check in presend_rules::checks::CHECKS {
        if !ids.iter().any(|id| id == check) {
            ids.push(check.to_string());
        }
    }
    ids
}

#[test]
fn explain_succeeds_for_every_rule_id_a_report_can_contain() {
    let tmp = tempfile::tempdir().unwrap();
    let ids = report_rule_ids();
    assert!(ids.len() > 50, "{} ids", ids.len());
    for id in &ids {
        presend(tmp.path())
            .args(["explain", id])
            .assert()
            .success()
            .stdout(predicate::str::starts_with(format!("{id} — ")));
    }
}

#[test]
fn rules_list_names_the_checks_presend_reports_itself() {
    let tmp = tempfile::tempdir().unwrap();
    for args in [
        &["rules", "list", "--format", "json"][..],
        &[
            "rules",
            "list",
            "--format",
            "json",
            "--no-builtin",
            "--rules",
            "packs",
        ],
    ] {
        fs::create_dir_all(tmp.path().join("packs")).unwrap();
        fs::write(tmp.path().join("packs/local.toml"), LOCAL_PACK).unwrap();
        let out = presend(tmp.path()).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let listed: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
        for check in presend_rules::checks::CHECKS {
            let entry = listed.iter().find(|r| r["id"] == *check);
            assert!(entry.is_some(), "{check} missing from {args:?}");
            assert_eq!(entry.unwrap()["kind"], "check");
        }
    }
}

#[test]
fn an_unknown_channel_is_the_same_warning_on_the_command_line_in_the_config_and_in_front_matter() {
    let hint = "(did you mean `whatsapp`?)";
    // Command line.
    let tmp = tempfile::tempdir().unwrap();
    presend(tmp.path())
        .args(["check", "--channel", "whatsap"])
        .write_stdin("Lovely day on the ward.\n")
        .assert()
        .code(0)
        .stderr(
            predicate::str::contains("unknown channel `whatsap`")
                .and(predicate::str::contains(hint)),
        );
    // Configuration: a warning now, as on the command line (it used to stop the run).
    let tmp = repo("channel = \"whatsap\"\n");
    presend(tmp.path())
        .args(["check", "-"])
        .write_stdin("Lovely day on the ward.\n")
        .assert()
        .code(0)
        .stderr(
            predicate::str::contains("unknown channel `whatsap`")
                .and(predicate::str::contains(hint)),
        );
    // Front matter: the same warning, naming the file and line but not the value, which is
    // scanned text.
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("post.md"),
        "---\nchannel: whatsap\n---\nLovely day on the ward.\n",
    )
    .unwrap();
    presend(tmp.path())
        .args(["check", "post.md"])
        .assert()
        .code(0)
        .stderr(
            predicate::str::contains("post.md")
                .and(predicate::str::contains("unknown channel"))
                .and(predicate::str::contains(hint))
                .and(predicate::str::contains("whatsap`").not()),
        );
}

#[test]
fn a_channel_a_pack_defines_gets_its_limit() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("pager.toml"),
        r#"
[pack]
id = "pager"
name = "Pager"
version = "1.0.0"
description = "A channel with a short limit."

[[channel]]
id = "pager"
name = "Pager"
limit = { max = 10, unit = "characters", counting = "characters", rule = "characters" }
"#,
    )
    .unwrap();
    presend(tmp.path())
        .args([
            "check",
            "--channel",
            "pager",
            "--rules",
            "pager.toml",
            "--format",
            "json",
        ])
        .write_stdin("Lovely day on the ward.\n")
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("channel/too-long")
                .and(predicate::str::contains("Pager allows 10")),
        )
        .stderr(predicate::str::contains("unknown channel").not());
}
