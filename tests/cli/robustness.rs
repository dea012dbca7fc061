//! Hostile and broken input: each test is named after the case it guards. presend must give a
//! clear message and the right exit status, never a panic, and never leak what it scanned.

use assert_cmd::cargo::cargo_bin_cmd;
use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn presend() -> Command {
    let mut cmd = cargo_bin_cmd!("presend");
    cmd.env_remove("CI");
    cmd
}

fn findings(out: &[u8]) -> Vec<Value> {
    let v: Value = serde_json::from_slice(out).expect("JSON report");
    v["findings"].as_array().unwrap().clone()
}

#[test]
fn empty_input_is_clean() {
    presend().arg("check").write_stdin("").assert().code(0);
}

#[test]
fn invalid_utf8_is_scanned_with_a_warning_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.txt");
    std::fs::write(&path, b"caf\xe9 NHS number 943 476 5919\n").unwrap();
    let out = presend()
        .args(["check", "--format", "json"])
        .arg(&path)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("latin1.txt"))
        .stderr(predicate::str::contains("UTF-8"))
        .get_output()
        .stdout
        .clone();
    let f = findings(&out);
    let nhs = f
        .iter()
        .find(|f| f["rule"] == "uk-identifiers/nhs-number")
        .unwrap();
    // Columns count the replacement character as one character.
    assert_eq!(nhs["column"], 17);
}

#[test]
fn binary_file_is_skipped_with_a_note_and_exits_clean() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scan.png");
    std::fs::write(&path, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR NHS 943 476 5919").unwrap();
    presend()
        .arg("check")
        .arg(&path)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("scan.png"))
        .stderr(predicate::str::contains("binary"));
}

#[test]
fn crlf_line_endings_keep_lines_and_columns_right() {
    let out = presend()
        .args(["check", "--format", "json"])
        .write_stdin("Hello team\r\nNHS no 943 476 5919\r\n")
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let f = &findings(&out)[0];
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(2), Some(8))
    );
    assert_eq!(
        (f["end_line"].as_u64(), f["end_column"].as_u64()),
        (Some(2), Some(20))
    );
}

#[test]
fn byte_order_mark_does_not_shift_columns() {
    let out = presend()
        .args(["check", "--format", "json"])
        .write_stdin("\u{FEFF}NHS 943 476 5919")
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    assert_eq!(findings(&out)[0]["column"], 5);
}

#[test]
fn redact_in_place_keeps_a_byte_order_mark() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bom.txt");
    std::fs::write(&path, "\u{FEFF}NHS 943 476 5919\n").unwrap();
    presend()
        .args(["redact", "--in-place"])
        .arg(&path)
        .assert()
        .code(0);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with('\u{FEFF}') && !text.contains("5919"),
        "{text:?}"
    );
}

#[test]
fn redact_in_place_on_a_missing_file_exits_2_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gone.txt");
    presend()
        .args(["redact", "--in-place"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("gone.txt"));
    assert!(!path.exists());
}

#[test]
fn very_long_line_completes_and_reports_excerpts() {
    // A 1 MB single-line file (debug builds are slow; release handles 10 MB in about 2 s).
    let line = "Long shift, NHS 943 476 5919 and a pic of the wound, lovely team. ".repeat(16_000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("one-line.txt");
    std::fs::write(&path, &line).unwrap();
    let out = presend()
        .arg("check")
        .arg(&path)
        .timeout(std::time::Duration::from_secs(120))
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let longest = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| l.chars().count())
        .max();
    assert!(
        longest.unwrap() < 300,
        "a report line of {longest:?} characters"
    );
}

#[test]
fn errors_never_include_scanned_text() {
    // An unreadable pack named after nothing in the draft; the draft's identifier must not
    // appear anywhere on stderr.
    presend()
        .args(["check", "--rules", "/no/such/pack.toml"])
        .write_stdin("NHS 943 476 5919")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/no/such/pack.toml"))
        .stderr(predicate::str::contains("5919").not());
}

#[test]
fn malformed_toml_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("typo.toml");
    std::fs::write(&pack, "[pack]\nid = \"t\"\nname = \"unterminated\n").unwrap();
    presend()
        .args(["rules", "list", "--rules"])
        .arg(&pack)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("typo.toml:3"));
}

#[test]
fn dependency_tree_has_no_network_client() {
    // presend never opens a connection; make sure nothing that could is even compiled in.
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock"))
        .expect("Cargo.lock is committed");
    let names: Vec<&str> = lock
        .lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .map(|l| l.trim_end_matches('"'))
        .collect();
    assert!(names.contains(&"regex"), "Cargo.lock not parsed");
    let network = [
        "reqwest",
        "hyper",
        "ureq",
        "curl",
        "isahc",
        "surf",
        "attohttpc",
        "h2",
        "rustls",
        "native-tls",
        "openssl",
        "socket2",
        "mio",
        "tokio",
        "async-std",
        "tungstenite",
    ];
    let found: Vec<_> = names.iter().filter(|n| network.contains(n)).collect();
    assert!(
        found.is_empty(),
        "network-capable crates in the tree: {found:?}"
    );
}

#[test]
fn a_full_run_opens_no_socket() {
    // Where strace exists (.ci/run installs it), trace a full run for socket and connect calls.
    let strace = ["/usr/bin/strace", "/bin/strace"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .expect("strace is installed (.ci/run installs it)");
    let dir = tempfile::tempdir().unwrap();
    let draft = dir.path().join("d.txt");
    std::fs::write(
        &draft,
        "Bed 4 is Mrs Jones, NHS 943 476 5919. Pic of her wound.",
    )
    .unwrap();
    let log = dir.path().join("trace.log");
    let status = std::process::Command::new(strace)
        .args(["-f", "-qq", "-e", "trace=socket,connect", "-o"])
        .arg(&log)
        .arg(assert_cmd::cargo::cargo_bin!("presend"))
        .args(["check", "--format", "json"])
        .arg(&draft)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1), "presend ran under strace");
    let trace = std::fs::read_to_string(&log).unwrap();
    assert!(
        !trace.contains("socket(") && !trace.contains("connect("),
        "{trace}"
    );
}

#[test]
fn front_matter_key_with_an_empty_value_and_trailing_space() {
    // Found by the `readers` fuzz target: `channel: ` (a space, then the line end) made the
    // front-matter reader slice backwards and panic.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("post.md");
    std::fs::write(
        &path,
        "---\ntitle: Training\nchannel: \n---\n\nNHS 943 476 5919\n",
    )
    .unwrap();
    presend()
        .arg("check")
        .arg(&path)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("panicked").not());
}

/// The findings of one draft on stdin: (rule, matched text as typed).
fn caught(draft: &str) -> Vec<(String, String)> {
    let out = presend()
        .args(["check", "--format", "json", "--show-matches"])
        .write_stdin(draft)
        .output()
        .unwrap();
    findings(&out.stdout)
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["match"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn disguised_nhs_numbers_are_caught_and_reported_as_typed() {
    for draft in [
        "NHS 943\u{200B}476\u{200B}5919", // zero-width spaces
        "NHS ９４３ ４７６ ５９１９",     // full-width digits
        "NHS 9 4 3 4 7 6 5 9 1 9",        // one digit at a time
        "ɴʜѕ number 943-476-5919",        // small capitals and a Cyrillic letter in the label
    ] {
        let found = caught(draft);
        let nhs = found.iter().find(|(r, _)| r == "uk-identifiers/nhs-number");
        let (_, matched) = nhs.unwrap_or_else(|| panic!("missed in {draft:?}: {found:?}"));
        assert!(
            draft.contains(matched.as_str()),
            "{matched:?} is not a span of {draft:?}"
        );
    }
}

#[test]
fn disguised_profanity_is_caught_and_reported_as_typed() {
    for (draft, typed) in [
        ("what a f*cking shift", "f*cking"),
        ("sh1t rota again", "sh1t"),
        ("what a fuuuuucking shift", "fuuuuucking"),
        ("f.u.c.k this rota", "f.u.c.k"),
        ("f u c k this rota", "f u c k"),
        ("ѕhit shift", "ѕhit"),
    ] {
        let found = caught(draft);
        assert!(
            found
                .iter()
                .any(|(r, m)| r.starts_with("unprofessional/") && m == typed),
            "{draft:?}: {found:?}"
        );
    }
}

#[test]
fn place_names_and_clinical_words_are_not_profanity() {
    for draft in [
        "Clinic moves from Scunthorpe to Penistone, then Cockermouth and Middlesex.",
        "Anal fissure clinic, semen analysis and breast screening all run on Tuesday.",
        "Stroke unit and mental health team awards tonight.",
    ] {
        assert!(caught(draft).is_empty(), "{draft:?}: {:?}", caught(draft));
    }
}
