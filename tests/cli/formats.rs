//! Input formats and report formats, driven through the real binary.

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::path::Path;

const NHS: &str = "943 476 5919";

/// The binary, run in `dir`, outside CI (so the human report shows matches).
fn presend(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("presend").unwrap();
    c.current_dir(dir).env_remove("CI");
    c
}

fn json_findings(out: &[u8]) -> Vec<Value> {
    let v: Value = serde_json::from_slice(out).expect("json output");
    v["findings"].as_array().unwrap().clone()
}

fn nhs(findings: &[Value]) -> Vec<&Value> {
    findings
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().ends_with("nhs-number"))
        .collect()
}

fn posts_dir() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let posts = tmp.path().join("posts/nested");
    fs::create_dir_all(&posts).unwrap();
    fs::write(
        tmp.path().join("posts/a.md"),
        format!("---\ntitle: Winter update\n---\n\nOur flu clinic is open.\n\n**NHS** number {NHS} was seen today.\n"),
    )
    .unwrap();
    fs::write(
        posts.join("bulk.csv"),
        format!("Date,Message,Link\n\"01/12/2026 09:00\",\"Flu jabs this Saturday!\",https://example.org\n\"02/12/2026 09:00\",\"Mrs Smith NHS {NHS} is home\",\n"),
    )
    .unwrap();
    fs::write(
        tmp.path().join("posts/feed.jsonl"),
        format!("{{\"id\":1,\"text\":\"Great conference today\"}}\n{{\"id\":2,\"text\":\"NHS no {NHS} went home\"}}\n"),
    )
    .unwrap();
    fs::write(
        tmp.path().join("posts/ignored.txt"),
        format!("NHS number {NHS}\n"),
    )
    .unwrap();
    fs::write(tmp.path().join("posts/.gitignore"), "ignored.txt\n").unwrap();
    fs::create_dir(tmp.path().join(".git")).unwrap();
    tmp
}

#[test]
fn directory_of_markdown_csv_and_jsonl_maps_lines_and_records() {
    let tmp = posts_dir();
    let out = presend(tmp.path())
        .args(["check", "--format", "json", "posts"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let findings = json_findings(&out);
    let hits = nhs(&findings);
    let place: Vec<(String, u64, Option<u64>, u64)> = hits
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["record"].as_u64(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        place,
        vec![
            ("posts/a.md".to_string(), 7, None, 16),
            ("posts/feed.jsonl".to_string(), 2, Some(2), 24),
            ("posts/nested/bulk.csv".to_string(), 3, Some(2), 35),
        ],
        "sorted by path, with file lines, records and character columns"
    );
}

#[test]
fn field_option_selects_the_column_and_unknown_columns_are_errors() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("x.csv"),
        format!("Notes,Copy\n\"NHS {NHS}\",hello\n"),
    )
    .unwrap();
    // The message column is `Copy` (a known header): the Notes cell is not scanned.
    presend(tmp.path())
        .args(["check", "x.csv"])
        .assert()
        .code(0);
    presend(tmp.path())
        .args(["check", "--field", "Notes", "x.csv"])
        .assert()
        .code(1);
    let a = presend(tmp.path())
        .args(["check", "--field", "Message", "x.csv"])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(err.contains("x.csv") && err.contains("Message"), "{err}");
}

#[test]
fn json_fields_and_all_strings() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("posts.json"),
        format!("[\n  {{\"title\": \"NHS {NHS}\", \"text\": \"hello\"}},\n  {{\"title\": \"ok\", \"text\": \"fine\"}}\n]\n"),
    )
    .unwrap();
    let out = presend(tmp.path())
        .args(["check", "--format", "json", "posts.json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let f = json_findings(&out);
    assert_eq!(nhs(&f)[0]["record"], 1);
    assert_eq!(nhs(&f)[0]["line"], 2);
    presend(tmp.path())
        .args(["check", "--field", "text", "posts.json"])
        .assert()
        .code(0);
}

#[test]
fn malformed_files_are_reported_by_name_and_record_and_others_still_scanned() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("a.jsonl"),
        "{\"text\":\"fine\"}\n{\"text\": broken}\n",
    )
    .unwrap();
    fs::write(tmp.path().join("b.txt"), format!("NHS number {NHS}\n")).unwrap();
    let a = presend(tmp.path())
        .args(["check", "--format", "json", "a.jsonl", "b.txt"])
        .assert()
        .code(2);
    let out = a.get_output();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("a.jsonl:2") && err.contains("record 2"),
        "{err}"
    );
    let f = json_findings(&out.stdout);
    assert_eq!(nhs(&f).len(), 1, "b.txt was still scanned");
}

#[test]
fn stdin_filename_names_standard_input_and_picks_the_format() {
    let tmp = tempfile::tempdir().unwrap();
    let out = presend(tmp.path())
        .args([
            "check",
            "--format",
            "json",
            "--stdin-filename",
            "posts/q.csv",
        ])
        .write_stdin(format!("Message\nhello\n\"NHS {NHS}\"\n"))
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let f = json_findings(&out);
    assert_eq!(nhs(&f)[0]["path"], "posts/q.csv");
    assert_eq!(nhs(&f)[0]["record"], 2);
    assert_eq!(nhs(&f)[0]["line"], 3);
}

#[test]
fn markdown_image_alt_text_and_images_are_signals() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("p.md"),
        "Healing nicely\n\n![leg ulcer, day 10](IMG_2041.jpg)\n",
    )
    .unwrap();
    let out = presend(tmp.path())
        .args(["check", "--format", "json", "p.md"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let f = json_findings(&out);
    assert!(
        f.iter()
            .any(|x| x["category"] == "clinical-image" && x["severity"] == "error"),
        "{f:?}"
    );
}

#[test]
fn sarif_has_rules_regions_fingerprints_and_no_identifier() {
    let tmp = posts_dir();
    let out = presend(tmp.path())
        .args(["check", "--format", "sarif", "posts"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(!text.contains("5919"));
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for r in rules {
        for k in ["shortDescription", "fullDescription", "help"] {
            assert!(!r[k]["text"].as_str().unwrap().is_empty(), "{r}");
        }
    }
    let results = run["results"].as_array().unwrap();
    let md = results
        .iter()
        .find(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "posts/a.md")
        .expect("a result for posts/a.md");
    assert_eq!(
        md["locations"][0]["physicalLocation"]["region"]["startLine"],
        7
    );
    assert!(md["partialFingerprints"]
        .as_object()
        .is_some_and(|o| !o.is_empty()));
    assert!(md["locations"][0]["physicalLocation"]["region"]
        .get("snippet")
        .is_none());
}

#[test]
fn sarif_uris_are_repository_relative_from_a_subdirectory() {
    let tmp = posts_dir();
    let out = presend(&tmp.path().join("posts"))
        .args(["check", "--format", "sarif", "a.md"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(
        v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "posts/a.md"
    );
}

#[test]
fn github_annotations_carry_file_line_and_column() {
    let tmp = posts_dir();
    let out = presend(tmp.path())
        .args(["check", "--format", "github", "posts/a.md"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("nhs-number"))
        .expect("an annotation");
    assert!(
        line.starts_with("::error file=posts/a.md,line=7,endLine=7,col=16,"),
        "{line}"
    );
    assert!(
        line.contains("title=presend uk-identifiers/nhs-number::"),
        "{line}"
    );
    assert!(!text.contains("5919"));
}

#[test]
fn no_format_prints_an_identifier_under_ci() {
    let tmp = posts_dir();
    for format in [
        "human", "json", "jsonl", "sarif", "github", "gitlab", "junit",
    ] {
        let out = presend(tmp.path())
            .env("CI", "true")
            .args(["check", "--format", format, "posts"])
            .assert()
            .code(1)
            .get_output()
            .clone();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !all.contains("5919") && !all.contains("943 476"),
            "{format}: {all}"
        );
        assert!(!out.stdout.is_empty(), "{format} printed nothing");
    }
}

#[test]
fn human_report_shows_matches_outside_ci_and_junit_gitlab_are_well_formed() {
    let tmp = posts_dir();
    let out = presend(tmp.path())
        .args(["check", "posts/a.md"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8_lossy(&out).contains(NHS));
    let out = presend(tmp.path())
        .args(["check", "--format", "gitlab", "posts"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    let items = v.as_array().unwrap();
    assert!(items.iter().all(|i| i["location"]["path"].is_string()
        && i["fingerprint"].is_string()
        && i["severity"].is_string()));
    let fps: std::collections::HashSet<_> = items.iter().map(|i| &i["fingerprint"]).collect();
    assert_eq!(fps.len(), items.len(), "fingerprints are unique");
    let out = presend(tmp.path())
        .args(["check", "--format", "junit", "posts"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let xml = String::from_utf8(out).unwrap();
    assert!(
        xml.starts_with("<?xml") && xml.contains("<failure type=\"uk-identifiers/nhs-number\"")
    );
}

#[test]
fn statistics_count_per_rule() {
    let tmp = posts_dir();
    let out = presend(tmp.path())
        .args(["check", "--statistics", "--format", "json", "posts"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    let row = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "uk-identifiers/nhs-number")
        .unwrap();
    assert_eq!(row["count"], 3);
    let out = presend(tmp.path())
        .args(["check", "--statistics", "posts"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("3  uk-identifiers/nhs-number")),
        "{text}"
    );
}

#[test]
fn channels_limits_and_messaging_apps() {
    let tmp = tempfile::tempdir().unwrap();
    let long = "Flu jabs are available this Saturday at the health centre. ".repeat(6);
    fs::write(tmp.path().join("x.txt"), &long).unwrap();
    let out = presend(tmp.path())
        .args(["check", "--format", "json", "--channel", "twitter", "x.txt"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let f = json_findings(&out);
    assert_eq!(f[0]["rule"], "channel/too-long");
    assert!(f[0]["message"].as_str().unwrap().contains("X allows 280"));
    presend(tmp.path())
        .args(["check", "--channel", "linkedin", "x.txt"])
        .assert()
        .code(0);
    // A channel column in a bulk file applies per row; WhatsApp makes identifiers errors.
    fs::write(
        tmp.path().join("b.csv"),
        "Message,Channel\n\"83F in bed 4 last night, lovely lady\",WhatsApp\n\"83F in bed 4 last night, lovely lady\",LinkedIn\n",
    )
    .unwrap();
    let out = presend(tmp.path())
        .args(["check", "--format", "json", "b.csv"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let f = json_findings(&out);
    let by_record = |r: u64| {
        f.iter()
            .find(|x| x["record"] == r && x["category"] == "indirect-identifier")
            .unwrap()
    };
    assert_eq!(by_record(1)["severity"], "error");
    assert!(by_record(1)["message"]
        .as_str()
        .unwrap()
        .contains("WhatsApp"));
    assert_eq!(by_record(2)["severity"], "warning");
}

#[test]
fn front_matter_channel_applies_to_markdown() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("p.md"),
        format!("---\nchannel: bluesky\n---\n{}\n", "word ".repeat(80)),
    )
    .unwrap();
    let out = presend(tmp.path())
        .args(["check", "--format", "json", "p.md"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let f = json_findings(&out);
    assert_eq!(f[0]["rule"], "channel/too-long");
    assert_eq!(f[0]["line"], 4);
}

#[test]
fn inline_suppressions_need_a_reason_and_unused_ones_are_reported() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("p.md"),
        format!("<!-- presend-allow nhs-number: fictional example for training -->\nNHS {NHS}\n"),
    )
    .unwrap();
    presend(tmp.path()).args(["check", "p.md"]).assert().code(0);
    fs::write(
        tmp.path().join("q.md"),
        format!("<!-- presend-allow nhs-number -->\nNHS {NHS}\n\n<!-- presend-allow profanity: quoting a patient -->\nAll well.\n"),
    )
    .unwrap();
    let out = presend(tmp.path())
        .args(["check", "--format", "json", "q.md"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let rules: Vec<String> = json_findings(&out)
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    assert!(
        rules.contains(&"uk-identifiers/nhs-number".to_string()),
        "{rules:?}"
    );
    assert!(
        rules.contains(&"presend/suppression-without-reason".to_string()),
        "{rules:?}"
    );
    assert!(
        rules.contains(&"presend/unused-suppression".to_string()),
        "{rules:?}"
    );
    // A CSV row suppresses itself from any cell.
    fs::write(
        tmp.path().join("r.csv"),
        format!("Message,Notes\n\"NHS {NHS}\",\"presend-allow nhs-number: fictional, for the training deck\"\n"),
    )
    .unwrap();
    presend(tmp.path())
        .args(["check", "r.csv"])
        .assert()
        .code(0);
}

#[test]
fn redact_in_place_never_touches_a_file_it_cannot_parse() {
    let tmp = tempfile::tempdir().unwrap();
    let broken = format!("Message\n\"NHS {NHS} is home\n");
    fs::write(tmp.path().join("b.csv"), &broken).unwrap();
    presend(tmp.path())
        .args(["redact", "--in-place", "b.csv"])
        .assert()
        .code(2);
    assert_eq!(
        fs::read_to_string(tmp.path().join("b.csv")).unwrap(),
        broken
    );
    let good = format!("Date,Message\n01/12/2026,\"NHS {NHS} is home\"\n");
    fs::write(tmp.path().join("g.csv"), &good).unwrap();
    presend(tmp.path())
        .args(["redact", "--in-place", "g.csv"])
        .assert()
        .code(0);
    let after = fs::read_to_string(tmp.path().join("g.csv")).unwrap();
    assert!(
        !after.contains("5919") && after.starts_with("Date,Message\n01/12/2026,\"NHS ["),
        "{after}"
    );
}

#[test]
fn completions_are_printed() {
    let tmp = tempfile::tempdir().unwrap();
    let out = presend(tmp.path())
        .args(["completions", "bash"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let s = String::from_utf8(out).unwrap();
    assert!(s.contains("presend") && s.contains("--staged"));
}

#[test]
fn large_jsonl_is_read_record_by_record_with_right_records() {
    let tmp = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..2000 {
        if i == 1500 {
            text.push_str(&format!("{{\"text\":\"NHS {NHS}\"}}\n"));
        } else {
            text.push_str("{\"text\":\"Flu clinic open\"}\n");
        }
    }
    fs::write(tmp.path().join("big.jsonl"), text).unwrap();
    let out = presend(tmp.path())
        .args(["check", "--format", "json", "big.jsonl"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["summary"]["files"], 1);
    let f = json_findings(&out);
    assert_eq!(nhs(&f)[0]["record"], 1501);
    assert_eq!(nhs(&f)[0]["line"], 1501);
    assert_eq!(nhs(&f)[0]["byte_start"], 1500 * 27 + 13);
}

/// A finding whose span starts where the text starts points at the text: not at the whitespace
/// before it (an indented draft) nor at markup its reader blanked (a Markdown list marker, a
/// quoted CSV cell, a JSON record's keys, which once put it at the record's `{`).
#[test]
fn finding_spans_start_at_the_text_not_at_indentation_or_blanked_markup() {
    let tmp = tempfile::tempdir().unwrap();
    let advice = "GP here. @markyT honestly I'd just stop the amlodipine";
    let cases = [
        ("indented.txt", format!("   {advice}\n"), 4),
        ("list.md", format!("- {advice}\n"), 3),
        ("cell.csv", format!("id,text\n7,\"{advice}\"\n"), 4),
        (
            "record.jsonl",
            format!("{{\"id\":7,\"text\":\"{advice}\"}}\n"),
            17,
        ),
    ];
    for (name, text, column) in cases {
        fs::write(tmp.path().join(name), text).unwrap();
        let out = presend(tmp.path())
            .args(["check", "--format", "json", name])
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone();
        let findings = json_findings(&out);
        let f = findings
            .iter()
            .find(|f| f["rule"] == "conduct/advice-as-clinician")
            .unwrap_or_else(|| panic!("{name}: the advice is found"));
        assert_eq!(f["column"], column, "{name}: {f}");
        assert!(
            f["match"].as_str().unwrap().starts_with("GP here."),
            "{name}: {f}"
        );
    }
}

/// Records are read, scanned and reported in overlapping batches of 1,024: every record's finding
/// and every input error must still come out once, in the order of the file.
#[test]
fn jsonl_stream_over_several_batches_reports_in_file_order() {
    let tmp = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..3500 {
        match i {
            5 | 1100 | 2100 | 3400 => text.push_str(&format!("{{\"text\":\"NHS {NHS} seen\"}}\n")),
            1500 => text.push_str("{\"text\": bad}\n"),
            _ => text.push_str("{\"text\":\"Flu clinic open\"}\n"),
        }
    }
    fs::write(tmp.path().join("s.jsonl"), text).unwrap();
    let out = presend(tmp.path())
        .args(["check", "--format", "jsonl", "s.jsonl"])
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let order: Vec<(String, u64)> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v["type"] != "summary")
        .map(|v| {
            let kind = v["rule"]
                .as_str()
                .or(v["type"].as_str())
                .unwrap()
                .to_string();
            (kind, v["record"].as_u64().unwrap_or(0))
        })
        .collect();
    let nhs = "uk-identifiers/nhs-number".to_string();
    assert_eq!(
        order,
        [
            (nhs.clone(), 6),
            (nhs.clone(), 1101),
            ("input_error".to_string(), 1501),
            (nhs.clone(), 2101),
            (nhs, 3401),
        ],
    );
}

#[test]
fn suppressed_identifiers_stay_masked_in_source_lines_under_ci() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("p.md"),
        format!("<!-- presend-allow nhs-number: training -->\nNHS {NHS} what a f*cking shift\n"),
    )
    .unwrap();
    let out = presend(tmp.path())
        .env("CI", "true")
        .args(["check", "p.md"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("profanity") && !text.contains("5919"),
        "{text}"
    );
}

#[test]
fn malformed_input_reaches_sarif_and_github_too() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("a.jsonl"),
        "{\"text\":\"ok\"}\n{\"text\": bad}\n",
    )
    .unwrap();
    let out = presend(tmp.path())
        .args(["check", "--format", "sarif", "a.jsonl"])
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    let inv = &v["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    assert_eq!(
        inv["toolExecutionNotifications"][0]["locations"][0]["physicalLocation"]["region"]
            ["startLine"],
        2
    );
    presend(tmp.path())
        .args(["check", "--format", "github", "a.jsonl"])
        .assert()
        .code(2)
        .stdout(predicates::str::contains("::error file=a.jsonl,line=2,"));
}

/// The carets under each finding of the human report, as (the shown source line, where the
/// carets start in it); the gutter before `|` is left out of both.
fn caret_places(report: &str) -> Vec<(String, usize)> {
    let lines: Vec<&str> = report.lines().collect();
    lines
        .windows(2)
        .filter_map(|w| {
            let (_, source) = w[0].split_once(" | ")?;
            let (_, marks) = w[1].split_once(" | ")?;
            let at = marks.find('^')?;
            Some((source.to_string(), at))
        })
        .collect()
}

#[test]
fn human_carets_point_at_the_match_in_a_later_jsonl_record() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("posts.jsonl"),
        "{\"text\":\"hello there friends\"}\n{\"text\":\"ok NHS 943 476 5919 now\"}\n",
    )
    .unwrap();
    let out = presend(tmp.path())
        .args(["check", "--color", "never", "posts.jsonl"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let places = caret_places(&String::from_utf8(out).unwrap());
    assert_eq!(places.len(), 1, "{places:?}");
    let (source, at) = &places[0];
    assert_eq!(source.find("943"), Some(*at), "{places:?}");
}
