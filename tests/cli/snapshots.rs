//! Snapshots of the full rendered reports, as a user sees them (insta). They use the fixture pack
//! so that changes to the built-in packs' wording do not churn them; review changes with
//! `cargo insta review`.

use assert_cmd::cargo::cargo_bin_cmd;

const FIXTURE: &str = "tests/fixtures/every-kind.toml";
const DRAFT: &str = "Night shift on the unit.\n\
83F in bed 4 last night, NHS 943 476 5919.\n\
Took a photo of the wound, blasted thing. We never say 'blast' though.\n";

fn run(args: &[&str], ci: bool) -> String {
    let mut cmd = cargo_bin_cmd!("presend");
    cmd.env_remove("CI").env_remove("CLICOLOR_FORCE");
    if ci {
        cmd.env("CI", "true");
    }
    let out = cmd
        .args(args)
        .args(["--no-builtin", "--rules", FIXTURE])
        .write_stdin(DRAFT)
        .output()
        .expect("presend runs");
    String::from_utf8(out.stdout).expect("utf-8 report")
}

#[test]
fn human_report() {
    insta::assert_snapshot!(run(&["check", "--stdin-filename", "draft.txt"], false));
}

#[test]
fn human_report_under_ci_masks_identifiers() {
    insta::assert_snapshot!(run(&["check", "--stdin-filename", "draft.txt"], true));
}

#[test]
fn json_report() {
    insta::assert_snapshot!(run(&["check", "--format", "json"], false));
}

#[test]
fn explain_output() {
    insta::assert_snapshot!(run(&["explain", "fixture/combo"], false));
}
