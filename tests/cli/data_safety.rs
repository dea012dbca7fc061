//! Data safety: no scanned text leaks into messages, no input passes unseen, and nothing a user
//! wrote is damaged. Each test is named after the case it guards and drives the real binary.

use assert_cmd::Command;
use std::fs;
use std::path::Path;
use std::process::Stdio;

/// A fictional patient: a name and a valid NHS number (test range).
const NAME: &str = "Eleanor Whitfield";
const NHS: &str = "943 476 5919";

/// Pieces of the planted text that must never appear outside a finding's own (masked) match.
/// The masked match keeps the first group of digits (`943 *** ****`), so only the rest counts.
const LEAKS: &[&str] = &["Whitfield", "Eleanor", "476", "5919", "4765919"];

fn presend(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("presend").unwrap();
    c.current_dir(dir).env_remove("CI");
    c
}

fn assert_no_leak(what: &str, text: &str) {
    for leak in LEAKS {
        assert!(
            !text.contains(leak),
            "{what} contains scanned text `{leak}`:\n{text}"
        );
    }
}

const FORMATS: &[&str] = &[
    "human", "json", "jsonl", "sarif", "github", "gitlab", "junit",
];

/// One input per reader, each made to produce an error or warning about its content.
fn leaky_inputs(dir: &Path) -> Vec<(&'static str, Vec<&'static str>)> {
    let post = format!("Mrs {NAME} NHS {NHS} is home");
    // CSV whose first row is data, with a --field that names no column.
    fs::write(
        dir.join("bulk.csv"),
        format!("\"{post}\",x\n\"Flu clinic\",y\n"),
    )
    .unwrap();
    // JSON and JSONL with a field that exists in no record, and a malformed record.
    fs::write(dir.join("posts.json"), format!("[{{\"text\":\"{post}\"}}]")).unwrap();
    fs::write(
        dir.join("feed.jsonl"),
        format!("{{\"text\":\"{post}\"}}\n{{\"text\": {post}}}\n"),
    )
    .unwrap();
    fs::write(dir.join("draft.txt"), format!("{post}\n")).unwrap();
    fs::write(
        dir.join("post.md"),
        format!("# {post}\n\n[link](https://example.org/{NAME})\n"),
    )
    .unwrap();
    vec![
        ("bulk.csv", vec!["--field", "message"]),
        ("posts.json", vec!["--field", "nothere"]),
        ("feed.jsonl", vec!["--field", "nothere"]),
        ("feed.jsonl", vec![]),
        ("draft.txt", vec!["--channel", "x"]),
        ("post.md", vec![]),
    ]
}

#[test]
fn no_message_in_any_reader_or_format_echoes_scanned_text() {
    let tmp = tempfile::tempdir().unwrap();
    for (file, extra) in leaky_inputs(tmp.path()) {
        for format in FORMATS {
            for ci in [true, false] {
                let mut cmd = presend(tmp.path());
                if ci {
                    cmd.env("CI", "true");
                }
                let out = cmd
                    .args(["check", "--no-config", "--format", format, file])
                    .args(&extra)
                    .output()
                    .unwrap();
                let what = format!("{file} {extra:?} --format {format} CI={ci}");
                assert_no_leak(
                    &format!("stderr of {what}"),
                    &String::from_utf8_lossy(&out.stderr),
                );
                // Machine formats and CI mask every match, so nothing of the text may appear at
                // all; the human report outside CI shows the source line by design.
                if ci || *format != "human" {
                    assert_no_leak(
                        &format!("stdout of {what}"),
                        &String::from_utf8_lossy(&out.stdout),
                    );
                }
            }
        }
    }
}

#[test]
fn csv_first_row_is_data_never_echoed_in_errors() {
    let tmp = tempfile::tempdir().unwrap();
    leaky_inputs(tmp.path());
    for format in ["human", "github", "sarif"] {
        let out = presend(tmp.path())
            .env("CI", "true")
            .args(["check", "--no-config", "--format", format])
            .args(["--field", "message", "bulk.csv"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("no column named `message`"), "{stderr}");
        assert!(stderr.contains("2 column(s)"), "{stderr}");
        assert_no_leak("stderr", &stderr);
        assert_no_leak("stdout", &String::from_utf8_lossy(&out.stdout));
    }
}

#[test]
fn baseline_does_not_hide_a_different_identifier_of_the_same_shape() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("a.txt"), format!("NHS {NHS}\n")).unwrap();
    presend(tmp.path())
        .args(["baseline", "--no-config", "a.txt"])
        .assert()
        .success();
    let baseline = fs::read_to_string(tmp.path().join(".presend-baseline.json")).unwrap();
    assert_no_leak("baseline", &baseline);
    // Another valid NHS number with the same first group.
    fs::write(tmp.path().join("a.txt"), "NHS 943 000 0004\n").unwrap();
    presend(tmp.path())
        .args([
            "check",
            "--no-config",
            "--baseline",
            ".presend-baseline.json",
            "a.txt",
        ])
        .assert()
        .code(1);
}

#[test]
fn an_old_baseline_is_refused_with_how_to_regenerate_it() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("a.txt"), format!("NHS {NHS}\n")).unwrap();
    fs::write(
        tmp.path().join("old.json"),
        r#"{"version":1,"tool":"presend 0.1.0","entries":[{"rule":"uk-identifiers/nhs-number","path":"a.txt","content":"nhs 943 *** ****","count":1,"fingerprint":"0123456789abcdef"}]}"#,
    )
    .unwrap();
    let out = presend(tmp.path())
        .args(["check", "--no-config", "--baseline", "old.json", "a.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("regenerate it with `presend baseline`"),
        "{stderr}"
    );
}

#[test]
fn csv_without_header_row_scans_the_first_row() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("bulk.csv"),
        format!("\"NHS {NHS} went home\",2026-01-01\n\"Flu clinic Saturday\",2026-01-02\n"),
    )
    .unwrap();
    let out = presend(tmp.path())
        .args(["check", "--no-config", "--format", "json", "bulk.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = &v["findings"].as_array().unwrap()[0];
    assert_eq!(f["line"], 1);
}

#[test]
fn csv_with_known_header_still_skips_the_header_row() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("bulk.csv"),
        format!("Date,Message\n2026-01-01,\"NHS {NHS} went home\"\n"),
    )
    .unwrap();
    let out = presend(tmp.path())
        .args(["check", "--no-config", "--format", "json", "bulk.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = &v["findings"].as_array().unwrap()[0];
    assert_eq!(f["line"], 2);
    assert_eq!(f["record"], 1);
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut out = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for u in text.encode_utf16() {
        out.extend(if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        });
    }
    out
}

#[test]
fn utf16_files_with_a_byte_order_mark_are_decoded_and_scanned() {
    let tmp = tempfile::tempdir().unwrap();
    let text = format!("Seen today\r\nNHS {NHS} went home\r\n");
    for (name, be) in [("le.txt", false), ("be.txt", true)] {
        fs::write(tmp.path().join(name), utf16(&text, be)).unwrap();
        let out = presend(tmp.path())
            .args(["check", "--no-config", "--format", "json", name])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{name}: {out:?}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["findings"][0]["line"], 2);
    }
}

#[test]
fn utf16_on_stdin_is_decoded_and_redacted() {
    let tmp = tempfile::tempdir().unwrap();
    let text = format!("NHS {NHS} went home\n");
    presend(tmp.path())
        .args(["check", "--no-config"])
        .write_stdin(utf16(&text, false))
        .assert()
        .code(1);
    let out = presend(tmp.path())
        .args(["redact", "--no-config"])
        .write_stdin(utf16(&text, false))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "NHS [NHS number] went home\n"
    );
}

#[test]
fn utf16_redact_in_place_keeps_the_encoding() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("draft.txt");
    fs::write(&path, utf16(&format!("NHS {NHS} went home\n"), false)).unwrap();
    presend(tmp.path())
        .args(["redact", "--no-config", "--in-place", "draft.txt"])
        .assert()
        .success();
    assert_eq!(
        fs::read(&path).unwrap(),
        utf16("NHS [NHS number] went home\n", false)
    );
}

#[test]
fn named_file_that_cannot_be_decoded_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    // A UTF-16 byte-order mark followed by an unpaired surrogate and an odd byte.
    fs::write(tmp.path().join("bad.txt"), [0xFF, 0xFE, 0x00, 0xD8, 0x41]).unwrap();
    presend(tmp.path())
        .args(["check", "--no-config", "bad.txt"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not valid UTF-16"));
    presend(tmp.path())
        .args(["redact", "--no-config", "bad.txt"])
        .assert()
        .code(2);
}

#[test]
fn markdown_link_destinations_and_html_comments_are_checked_and_redacted() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("link.md"),
        "See [the notes](https://example.org/p?nhs=9434765919) today.\n",
    )
    .unwrap();
    fs::write(
        tmp.path().join("comment.md"),
        format!("Hello all\n\n<!-- NHS {NHS} -->\n"),
    )
    .unwrap();
    for name in ["link.md", "comment.md"] {
        presend(tmp.path())
            .args(["check", "--no-config", name])
            .assert()
            .code(1);
        let out = presend(tmp.path())
            .args(["redact", "--no-config", name])
            .output()
            .unwrap();
        let redacted = String::from_utf8_lossy(&out.stdout);
        assert!(redacted.contains("[NHS number]"), "{name}: {redacted}");
        assert!(!redacted.contains("5919"), "{name}: {redacted}");
    }
}

#[test]
fn json_field_that_exists_in_no_record_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("posts.json"), "[{\"text\":\"hello\"}]").unwrap();
    fs::write(tmp.path().join("feed.jsonl"), "{\"text\":\"hello\"}\n").unwrap();
    for name in ["posts.json", "feed.jsonl"] {
        let out = presend(tmp.path())
            .args(["check", "--no-config", "--field", "message", name])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("`message`"), "{stderr}");
        // It was not scanned as plain text: every string of each record was.
        assert!(!stderr.contains("plain text"), "{stderr}");
        // A field that exists passes.
        presend(tmp.path())
            .args(["check", "--no-config", "--field", "text", name])
            .assert()
            .success();
    }
}

#[test]
fn hidden_and_ignored_files_are_reported_and_can_be_included() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("posts");
    fs::create_dir_all(dir.join(".drafts")).unwrap();
    fs::write(dir.join(".drafts/a.txt"), format!("NHS {NHS}\n")).unwrap();
    fs::write(dir.join("b.txt"), format!("NHS {NHS}\n")).unwrap();
    fs::write(dir.join(".gitignore"), "b.txt\n").unwrap();
    // Nothing to scan (the .gitignore itself is hidden): exit 2 with a reason.
    let out = presend(tmp.path())
        .args(["check", "--no-config", "posts"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("hidden"), "{stderr}");
    assert!(stderr.contains("ignore"), "{stderr}");
    assert_no_leak("stderr", &stderr);
    presend(tmp.path())
        .args(["check", "--no-config", "--hidden", "posts/.drafts"])
        .assert()
        .code(1);
    presend(tmp.path())
        .args(["check", "--no-config", "--no-ignore", "posts"])
        .assert()
        .code(1);
}

#[cfg(unix)]
#[test]
fn a_walk_names_the_symbolic_links_it_does_not_follow_not_ignore_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("posts");
    fs::create_dir_all(&dir).unwrap();
    fs::write(tmp.path().join("outside.txt"), format!("NHS {NHS}\n")).unwrap();
    fs::write(dir.join("a.txt"), "A clean post.\n").unwrap();
    std::os::unix::fs::symlink("../outside.txt", dir.join("link.txt")).unwrap();
    let out = presend(tmp.path())
        .args(["check", "--no-config", "posts"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("1 path(s) that are not regular files"),
        "{stderr}"
    );
    assert!(!stderr.contains("ignore files"), "{stderr}");
    // Named on the command line, the link is followed and scanned.
    presend(tmp.path())
        .args(["check", "--no-config", "posts/link.txt"])
        .assert()
        .code(1);
}

#[test]
fn machine_formats_report_a_missing_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = presend(tmp.path())
        .args(["check", "--no-config", "--format", "sarif", "missing.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let inv = &v["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    assert!(!inv["toolExecutionNotifications"]
        .as_array()
        .unwrap()
        .is_empty());
    let out = presend(tmp.path())
        .args(["check", "--no-config", "--format", "json", "missing.txt"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!v["errors"].as_array().unwrap().is_empty());
    assert_eq!(v["errors"][0]["type"], "input_error");
    assert_eq!(v["errors"][0]["path"], "missing.txt");
    // Every other machine format carries it too.
    for (format, expected) in [
        ("jsonl", "\"type\":\"input_error\""),
        ("github", "::error file=missing.txt"),
        ("gitlab", "\"check_name\":\"presend/input\""),
        ("junit", "<error message="),
    ] {
        let out = presend(tmp.path())
            .args(["check", "--no-config", "--format", format, "missing.txt"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{format}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains(expected), "{format}: {stdout}");
    }
}

#[test]
fn machine_formats_report_a_skipped_file_and_a_stale_baseline_as_notices() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("posts");
    fs::create_dir(&dir).unwrap();
    fs::write(dir.join("a.txt"), format!("NHS {NHS}\n")).unwrap();
    fs::write(dir.join("photo.png"), [0x89, b'P', b'N', b'G', 0, 0, 1]).unwrap();
    presend(tmp.path())
        .args(["baseline", "--no-config", "posts"])
        .assert()
        .success();
    fs::write(dir.join("a.txt"), "Flu clinic Saturday\n").unwrap();
    let out = presend(tmp.path())
        .args([
            "check",
            "--no-config",
            "--format",
            "json",
            "--baseline",
            ".presend-baseline.json",
            "posts",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let types: Vec<&str> = v["notices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["type"].as_str().unwrap())
        .collect();
    assert!(types.contains(&"skipped_file"), "{types:?}");
    assert!(types.contains(&"stale_baseline"), "{types:?}");
    assert!(v["errors"].as_array().unwrap().is_empty());
    let out = presend(tmp.path())
        .args([
            "check",
            "--no-config",
            "--format",
            "sarif",
            "--baseline",
            ".presend-baseline.json",
            "posts",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let inv = &v["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], true);
    assert_eq!(
        inv["toolExecutionNotifications"].as_array().unwrap().len(),
        2
    );
}

#[test]
fn json_escapes_that_spell_digits_are_decoded_before_scanning() {
    let tmp = tempfile::tempdir().unwrap();
    let line = "{\"text\":\"NHS \\u0039\\u00343 476 5919\"}\n";
    fs::write(tmp.path().join("feed.jsonl"), line).unwrap();
    let out = presend(tmp.path())
        .args(["check", "--no-config", "--format", "json", "feed.jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The column points at the first escape in the original line.
    assert_eq!(
        v["findings"][0]["column"],
        line.find("\\u0039").unwrap() + 1
    );
    let out = presend(tmp.path())
        .args(["redact", "--no-config", "feed.jsonl"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "{\"text\":\"NHS [NHS number]\"}\n"
    );
}

#[cfg(unix)]
#[test]
fn redact_in_place_on_a_symlink_writes_through_to_the_target() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("real.txt");
    fs::write(&target, format!("NHS {NHS} went home\n")).unwrap();
    std::os::unix::fs::symlink("real.txt", tmp.path().join("link.txt")).unwrap();
    presend(tmp.path())
        .args(["redact", "--no-config", "--in-place", "link.txt"])
        .assert()
        .success();
    let link = fs::symlink_metadata(tmp.path().join("link.txt")).unwrap();
    assert!(link.file_type().is_symlink());
    assert_eq!(
        fs::read_to_string(&target).unwrap(),
        "NHS [NHS number] went home\n"
    );
}

#[test]
fn redact_in_place_refuses_invalid_utf8() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("draft.txt");
    let mut bytes = format!("NHS {NHS} caf").into_bytes();
    bytes.extend([0xE9, b'\n']);
    fs::write(&path, &bytes).unwrap();
    let out = presend(tmp.path())
        .args(["redact", "--no-config", "--in-place", "draft.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("UTF-8"));
    assert_eq!(fs::read(&path).unwrap(), bytes);
}

/// Run presend with its standard output already closed: it must exit 0, without a panic.
fn exits_zero_on_closed_pipe(dir: &Path, args: &[&str], stdin: Option<&str>) {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("presend"));
    cmd.current_dir(dir)
        .env_remove("CI")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
    let mut child = cmd.spawn().unwrap();
    drop(child.stdout.take());
    if let (Some(text), Some(mut w)) = (stdin, child.stdin.take()) {
        use std::io::Write;
        let _ = w.write_all(text.as_bytes());
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_subcommand_exits_0_on_a_closed_pipe() {
    let tmp = tempfile::tempdir().unwrap();
    let big = format!("NHS {NHS} went home\n").repeat(2000);
    fs::write(tmp.path().join("draft.txt"), &big).unwrap();
    exits_zero_on_closed_pipe(tmp.path(), &["completions", "bash"], None);
    exits_zero_on_closed_pipe(tmp.path(), &["completions", "zsh"], None);
    exits_zero_on_closed_pipe(tmp.path(), &["rules", "list"], None);
    exits_zero_on_closed_pipe(tmp.path(), &["init", "--stdout"], None);
    exits_zero_on_closed_pipe(tmp.path(), &["explain", "uk-identifiers/nhs-number"], None);
    exits_zero_on_closed_pipe(tmp.path(), &["rules", "test"], None);
    exits_zero_on_closed_pipe(tmp.path(), &["--help"], None);
    exits_zero_on_closed_pipe(tmp.path(), &["check", "--no-config", "draft.txt"], None);
    exits_zero_on_closed_pipe(tmp.path(), &["redact", "--no-config", "draft.txt"], None);
    exits_zero_on_closed_pipe(tmp.path(), &["redact", "--no-config"], Some(&big));
}

/// ~12 MB of `filler` with an NHS number about every 1 MB, sliding a few bytes each time so
/// that, whatever segment size a reader picks, some number straddles a boundary. Returns the text
/// and how many numbers it holds.
fn large_text(filler: &str, separator: &str) -> (String, usize) {
    let mut text = String::new();
    let mut planted = 0;
    while text.len() < 12 << 20 {
        let mb = text.len() >> 20;
        while text.len() < ((mb + 1) << 20) - 6 + (planted % 12) {
            text.push_str(filler);
        }
        text.push_str(&format!("NHS {NHS} went home{separator}"));
        planted += 1;
    }
    (text, planted)
}

/// Check `text` under a 160 MB limit on the heap (RLIMIT_DATA: far above a bounded scan, far
/// below what holding the whole text and its working copies takes); returns the NHS findings.
#[cfg(target_os = "linux")]
fn nhs_findings_in_bounded_memory(text: &str) -> usize {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("big.txt"), text).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("presend");
    let out = std::process::Command::new("sh")
        .current_dir(tmp.path())
        .arg("-c")
        .arg(format!(
            "ulimit -d 163840 && exec '{}' check --no-config --format jsonl big.txt",
            bin.display()
        ))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains("nhs-number"))
        .count()
}

#[cfg(target_os = "linux")]
#[test]
fn large_plain_text_file_is_scanned_in_bounded_memory_without_missing_a_boundary() {
    let (text, planted) = large_text("The flu clinic is open on Saturday for everyone.\n", "\n");
    assert_eq!(nhs_findings_in_bounded_memory(&text), planted);
}

#[cfg(target_os = "linux")]
#[test]
fn large_text_without_line_breaks_finds_numbers_across_window_cuts() {
    let (text, planted) = large_text("The flu clinic is open on Saturday for everyone. ", " ");
    assert_eq!(nhs_findings_in_bounded_memory(&text), planted);
}

#[test]
fn large_single_line_file_reports_columns_from_the_start_of_the_line() {
    // One line of about 10 MB, with two-byte characters, so windows begin mid-line.
    let (text, planted) = large_text("Le café est ouvert à tous, samedi. ", " ");
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("big.txt"), &text).unwrap();
    let out = presend(tmp.path())
        .args(["check", "--format", "jsonl", "big.txt"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let mut seen = 0;
    for line in String::from_utf8(out).unwrap().lines() {
        let f: serde_json::Value = serde_json::from_str(line).unwrap();
        if f["rule"] != "uk-identifiers/nhs-number" {
            continue;
        }
        let start = f["byte_start"].as_u64().unwrap() as usize;
        let column = text[..start].chars().count() as u64 + 1;
        assert_eq!(
            (f["line"].as_u64(), f["column"].as_u64()),
            (Some(1), Some(column))
        );
        seen += 1;
    }
    assert_eq!(seen, planted);
}

#[cfg(target_os = "linux")]
#[test]
fn large_plain_text_file_is_redacted_in_bounded_memory() {
    for separator in ["\n", " "] {
        let filler = format!("The flu clinic is open on Saturday for everyone.{separator}");
        let (text, _) = large_text(&filler, separator);
        let expected = text.replace(&format!("NHS {NHS}"), "NHS [NHS number]");
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("big.txt"), &text).unwrap();
        let bin = assert_cmd::cargo::cargo_bin("presend");
        let run = |extra: &str| {
            std::process::Command::new("sh")
                .current_dir(tmp.path())
                .arg("-c")
                .arg(format!(
                    "ulimit -d 163840 && exec '{}' redact --no-config {extra} big.txt",
                    bin.display()
                ))
                .output()
                .unwrap()
        };
        let out = run("");
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        assert!(out.stdout == expected.as_bytes(), "redacted text differs");
        let out = run("--in-place");
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        assert!(fs::read(tmp.path().join("big.txt")).unwrap() == expected.as_bytes());
    }
}

#[test]
fn utf16_jsonl_file_is_decoded_not_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let line = format!("{{\"text\":\"NHS {NHS}\"}}\n{{\"text\":\"Flu clinic\"}}\n");
    let bytes: Vec<u8> = std::iter::once(0xFEFF_u16)
        .chain(line.encode_utf16())
        .flat_map(u16::to_le_bytes)
        .collect();
    fs::write(tmp.path().join("feed.jsonl"), bytes).unwrap();
    let out = presend(tmp.path())
        .args(["check", "--no-config", "--format", "json", "feed.jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"][0]["rule"], "uk-identifiers/nhs-number");
    assert_eq!(v["findings"][0]["line"], 1);
    assert!(v["notices"].as_array().unwrap().is_empty(), "{v}");
}

/// A plain-text file over the windowing threshold with one NHS number past the first window,
/// just after a line of invalid UTF-8 (in the same window).
fn large_text_with_invalid_utf8() -> (Vec<u8>, usize) {
    let mut bytes = Vec::new();
    let filler = b"The flu clinic is open on Saturday for everyone.\n";
    while bytes.len() < (9 << 20) {
        bytes.extend_from_slice(filler);
    }
    bytes.extend_from_slice(b"caf\xe9 \xff\xfe line\n");
    let at = bytes.len() + "NHS ".len();
    bytes.extend_from_slice(format!("NHS {NHS}\n").as_bytes());
    for _ in 0..1000 {
        bytes.extend_from_slice(filler);
    }
    (bytes, at)
}

#[test]
fn large_text_offsets_stay_true_after_invalid_utf8() {
    let tmp = tempfile::tempdir().unwrap();
    let (bytes, at) = large_text_with_invalid_utf8();
    fs::write(tmp.path().join("big.txt"), &bytes).unwrap();
    let out = presend(tmp.path())
        .args(["check", "--no-config", "--format", "json", "big.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let nhs: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "uk-identifiers/nhs-number")
        .collect();
    assert_eq!(nhs.len(), 1, "{nhs:?}");
    assert_eq!(nhs[0]["byte_start"], at);
    assert_eq!(v["notices"][0]["type"], "decode_warning");
}

#[test]
fn large_text_is_judged_too_long_once_for_its_whole_length() {
    let tmp = tempfile::tempdir().unwrap();
    let filler = "The flu clinic is open on Saturday for everyone.\n";
    let text = filler.repeat((9 << 20) / filler.len());
    fs::write(tmp.path().join("big.txt"), &text).unwrap();
    let out = presend(tmp.path())
        .args([
            "check",
            "--no-config",
            "--format",
            "json",
            "--channel",
            "linkedin",
            "big.txt",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let long: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "channel/too-long")
        .collect();
    assert_eq!(long.len(), 1, "{long:?}");
    let message = long[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with(&format!("Post is {} characters long", text.chars().count())),
        "{message}"
    );
}

/// A finding of another category whose span covers a patient's name and NHS number (a patient
/// story) must not show them in a machine format: only its identifier findings were masked.
#[test]
fn a_story_finding_never_shows_the_identifier_it_covers() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("posts.csv"),
        "Mr John Smith NHS 943 476 5919 seen today,bed 4\n",
    )
    .unwrap();
    for format in ["json", "jsonl", "sarif", "github", "gitlab", "junit"] {
        let out = presend(tmp.path())
            .env("CI", "true")
            .args([
                "check",
                "--field",
                "message",
                "--format",
                format,
                "posts.csv",
            ])
            .output()
            .unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(all.contains("confidentiality/"), "{format}: {all}");
        assert!(
            !all.contains("476 5919") && !all.contains("Smith"),
            "{format} shows the identifier: {all}"
        );
    }
}

/// `bytes` written as `s.jsonl` and checked with `args`, expecting exit `code`: stdout and stderr.
fn check_stream(bytes: &[u8], args: &[&str], code: i32) -> (String, String) {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("s.jsonl"), bytes).unwrap();
    let out = presend(tmp.path())
        .arg("check")
        .args(args)
        .arg("s.jsonl")
        .assert()
        .code(code)
        .get_output()
        .clone();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (text(out.stdout), text(out.stderr))
}

/// A NUL byte in one record of a JSON Lines stream once made presend call the whole stream a
/// binary file: every later record went unread, and the run exited 0. Only the first line
/// decides that; a later record with a NUL is a malformed record, reported, and reading goes on.
#[test]
fn nul_byte_in_one_jsonl_record_does_not_skip_the_records_after_it() {
    let mut text = b"{\"text\":\"Flu clinic open\"}\n{\"text\":\"bad \0 record\"}\n".to_vec();
    text.extend_from_slice(format!("{{\"text\":\"NHS {NHS} went home\"}}\n").as_bytes());
    let (stdout, stderr) = check_stream(&text, &["--format", "jsonl"], 2);
    assert!(
        stdout.contains("\"rule\":\"uk-identifiers/nhs-number\"")
            && stdout.contains("\"record\":3"),
        "{stdout}"
    );
    assert!(
        stderr.contains("record 2") && !stderr.contains("binary"),
        "{stderr}"
    );
    assert_no_leak("stderr", &stderr);
}

/// A decoding notice about one record of a long stream names its line, as errors do.
#[test]
fn invalid_utf8_in_a_jsonl_record_is_reported_with_its_line() {
    let mut text = b"{\"text\":\"ok\"}\n{\"text\":\"ok\"}\n".to_vec();
    text.extend_from_slice(format!("{{\"text\":\"NHS {NHS} caf\u{e9}\"}}\n").as_bytes());
    text.extend_from_slice(b"{\"text\":\"caf\xe9 open\"}\n");
    let (_, stderr) = check_stream(&text, &[], 1);
    assert!(
        stderr.contains("s.jsonl: line 4: not valid UTF-8"),
        "{stderr}"
    );
    assert_no_leak("stderr", &stderr);
}

/// A U+FEFF at the start of a later JSON Lines record (files joined with `cat`) was once dropped
/// from the record's text but not from its offsets, so its findings pointed three bytes early.
/// It is now a character of the record: the record is not valid JSON (reported, exit 2), it is
/// scanned as text, and its finding points at the right bytes.
#[test]
fn byte_order_mark_inside_a_jsonl_stream_keeps_offsets_true() {
    let mut text = b"{\"text\":\"ok\"}\n\xEF\xBB\xBF".to_vec();
    text.extend_from_slice(format!("{{\"text\":\"NHS {NHS} x\"}}\n").as_bytes());
    let at = text.windows(3).position(|w| w == b"943").unwrap();
    let (stdout, _) = check_stream(&text, &["--format", "jsonl"], 2);
    let nhs = stdout
        .lines()
        .find(|l| l.contains("uk-identifiers/nhs-number"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(nhs.contains(&format!("\"byte_start\":{at},")), "{nhs}");
    assert!(nhs.contains("\"column\":15,"), "{nhs}");
}

/// A temporary git repository, for `check --staged`.
fn git_repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    git_init(tmp.path());
    tmp
}

/// Make `dir` (which exists) a git repository with a committer.
fn git_init(dir: &Path) {
    for args in [
        &["init", "-q", "."][..],
        &["config", "user.email", "t@example.org"],
        &["config", "user.name", "t"],
    ] {
        git_in(dir, args);
    }
}

fn git_in(dir: &Path, args: &[&str]) {
    let ok = std::process::Command::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args(args)
        .status()
        .unwrap()
        .success();
    assert!(ok, "git {args:?}");
}

/// `check --staged` once decoded a staged file's name lossily and asked git for the blob under
/// that (wrong) name: a file whose name is not UTF-8 came back "missing", was taken for a
/// submodule and skipped without a word, and the hook let an NHS number through with exit 0.
#[cfg(unix)]
#[test]
fn staged_file_with_a_non_utf8_name_is_scanned() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = git_repo();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9 post.txt");
    fs::write(tmp.path().join(name), format!("NHS {NHS}\n")).unwrap();
    git_in(tmp.path(), &["add", "-A"]);
    let out = presend(tmp.path())
        .args(["check", "--staged", "--no-config", "--format", "jsonl"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("uk-identifiers/nhs-number"), "{stdout}");
    assert_no_leak("stdout", &stdout);
    assert_no_leak("stderr", &String::from_utf8_lossy(&out.stderr));
}

/// The fix above made a staged entry git reports "missing" an input error; a submodule's commit
/// is "missing" in the outer repository too, so staging a submodule made every `check --staged`
/// (and the pre-commit hook) fail with exit 2. A submodule has no text of this repository: it is
/// passed over, and the files staged with it are still checked.
#[test]
fn staged_submodule_is_passed_over_and_the_other_files_are_checked() {
    let tmp = git_repo();
    let sub = tmp.path().join("sub-source");
    fs::create_dir_all(&sub).unwrap();
    git_init(&sub);
    fs::write(sub.join("notes.txt"), "Nothing here.\n").unwrap();
    git_in(&sub, &["add", "-A"]);
    git_in(&sub, &["commit", "-q", "-m", "first"]);
    let outer = tmp.path().join("outer");
    fs::create_dir_all(&outer).unwrap();
    git_init(&outer);
    git_in(
        &outer,
        &[
            "-c",
            "protocol.file.allow=always",
            "submodule",
            "add",
            "-q",
            "../sub-source",
            "sub",
        ],
    );
    fs::write(outer.join("post.txt"), "A clean post.\n").unwrap();
    git_in(&outer, &["add", "post.txt"]);
    presend(&outer)
        .args(["check", "--staged", "--no-config"])
        .assert()
        .code(0);
    fs::write(outer.join("risky.txt"), format!("NHS {NHS}\n")).unwrap();
    git_in(&outer, &["add", "risky.txt"]);
    presend(&outer)
        .args(["check", "--staged", "--no-config"])
        .assert()
        .code(1);
}

/// A suppression in a JSON string once applied to the whole top-level array element (or, in a
/// file whose top level is an object, to the whole line): in `{"posts": [...]}` written on one
/// line, or in an element that is an array of posts, the directive of one post hid a different
/// patient's NHS number in the next post. It now applies to the object that holds it.
#[test]
fn json_suppression_does_not_hide_an_identifier_in_another_object() {
    let allow = "presend-allow nhs-number: fictional number for the training deck";
    let tmp = tempfile::tempdir().unwrap();
    let posts = format!(
        "[{{\"text\":\"NHS 401 023 2137\",\"note\":\"{allow}\"}},{{\"text\":\"NHS {NHS}\"}}]"
    );
    let files = [
        ("wrapped.json", format!("{{\"posts\":{posts}}}")),
        ("nested.json", format!("[{posts}]")),
        (
            "lines.jsonl",
            format!("{{\"text\":\"Flu clinic\"}}\n{{\"posts\":{posts}}}\n"),
        ),
    ];
    for (file, text) in &files {
        fs::write(tmp.path().join(file), text).unwrap();
        let out = presend(tmp.path())
            .args(["check", "--no-config", "--format", "jsonl", file])
            .assert()
            .code(1)
            .get_output()
            .clone();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let nhs: Vec<&str> = stdout
            .lines()
            .filter(|l| l.contains("uk-identifiers/nhs-number"))
            .collect();
        // Only the second post's number: the first is suppressed, the second is not.
        assert_eq!(nhs.len(), 1, "{file}: {stdout}");
        let at = text.find(NHS).unwrap();
        assert!(
            nhs[0].contains(&format!("\"byte_start\":{at},")),
            "{file}: {}",
            nhs[0]
        );
    }
}

/// `redact --in-place` renames a new file over the old one. A file with a second hard link was
/// once "redacted" that way: the link was broken, and the other name still held the NHS number
/// while presend said it had redacted the file. It is now refused (exit 2), both names untouched.
#[cfg(unix)]
#[test]
fn redact_in_place_refuses_a_hard_linked_file() {
    let tmp = tempfile::tempdir().unwrap();
    let text = format!("NHS {NHS} went home\n");
    fs::write(tmp.path().join("post.txt"), &text).unwrap();
    fs::hard_link(tmp.path().join("post.txt"), tmp.path().join("copy.txt")).unwrap();
    let out = presend(tmp.path())
        .args(["redact", "--no-config", "--in-place", "post.txt"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("post.txt: not rewritten") && stderr.contains("hard links"));
    assert_no_leak("stderr", &stderr);
    for name in ["post.txt", "copy.txt"] {
        assert_eq!(fs::read_to_string(tmp.path().join(name)).unwrap(), text);
    }
    use std::os::unix::fs::MetadataExt;
    assert_eq!(
        fs::metadata(tmp.path().join("post.txt")).unwrap().nlink(),
        2
    );
}

/// `redact --in-place a b c` once stopped at the first file it could not rewrite: the files
/// after it were never looked at, so they kept their identifiers, and the message named only
/// the broken file. Each file now stands alone: the broken one is reported and left as it was,
/// the others are redacted, and the run exits 2.
#[test]
fn redact_in_place_goes_on_after_a_file_it_cannot_rewrite() {
    let tmp = tempfile::tempdir().unwrap();
    let text = format!("NHS {NHS} went home\n");
    let broken = format!("[{{\"text\":\"NHS {NHS}\"");
    fs::write(tmp.path().join("a.txt"), &text).unwrap();
    fs::write(tmp.path().join("b.json"), &broken).unwrap();
    fs::write(tmp.path().join("d.txt"), &text).unwrap();
    let args = ["a.txt", "b.json", "c.txt", "d.txt"];
    let out = presend(tmp.path())
        .args(["redact", "--no-config", "--in-place"])
        .args(args)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("b.json: not rewritten"), "{stderr}");
    assert!(stderr.contains("c.txt:"), "{stderr}");
    assert!(stderr.contains("redacted 2 spans in 2 files"), "{stderr}");
    assert_no_leak("stderr", &stderr);
    let read = |name: &str| fs::read_to_string(tmp.path().join(name)).unwrap();
    assert_eq!(read("a.txt"), "NHS [NHS number] went home\n");
    assert_eq!(read("b.json"), broken);
    assert_eq!(read("d.txt"), "NHS [NHS number] went home\n");
}
