//! Detection quality on the evaluation corpus (`tests/corpus/eval/`, see docs/evaluation.md),
//! scored by `scripts/eval.py` against the binary this test run built.
//!
//! The floors below are the figures measured when they were last raised, rounded down: a change
//! that loses recall or flags more clean drafts fails here and has to say why. The held-out and
//! validation splits are only ever scored as a whole (the scorer refuses to list their misses).
//!
//! `cargo test --test cli eval -- --nocapture` prints the tables.

use serde_json::Value;
use std::path::Path;
use std::process::Command;

struct Floors {
    recall: f64,
    category_recall: f64,
    clean_flagged: f64,
}

fn score(split: &str) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/eval.py");
    let run = Command::new("python3")
        .arg(&script)
        .args([
            "--split",
            split,
            "--json",
            "--bin",
            env!("CARGO_BIN_EXE_presend"),
        ])
        .output()
        .expect("python3 runs scripts/eval.py (install python3 3.11+)");
    assert!(
        run.status.success(),
        "eval.py failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let result: Value = serde_json::from_slice(&run.stdout).expect("eval.py --json prints JSON");
    print_table(split, &result);
    result
}

fn print_table(split: &str, result: &Value) {
    println!("{split}:");
    for (category, row) in result["categories"].as_object().expect("categories") {
        println!(
            "  {category:<22}{:>4} of {:>4}",
            row["caught"], row["total"]
        );
    }
    println!(
        "  recall {:.3}; clean flagged {} of {}",
        result["recall"].as_f64().unwrap_or(0.0),
        result["clean_flagged"],
        result["clean"]
    );
}

fn assert_floors(split: &str, floors: &Floors) {
    let result = score(split);
    let recall = result["recall"].as_f64().expect("risky drafts present");
    assert!(
        recall >= floors.recall,
        "{split}: recall {recall:.3} fell below {}",
        floors.recall
    );
    for (category, row) in result["categories"].as_object().expect("categories") {
        if let Some(category_recall) = row["recall"].as_f64() {
            assert!(
                category_recall >= floors.category_recall,
                "{split}: {category} recall {category_recall:.3} fell below {}",
                floors.category_recall
            );
        }
    }
    let flagged = result["clean_fp_rate"]
        .as_f64()
        .expect("clean drafts present");
    assert!(
        flagged <= floors.clean_flagged,
        "{split}: {flagged:.3} of clean drafts flagged, above {}",
        floors.clean_flagged
    );
}

#[test]
fn held_out_split_keeps_its_measured_quality() {
    assert_floors(
        "heldout",
        &Floors {
            recall: 0.90,
            category_recall: 0.80,
            clean_flagged: 0.016,
        },
    );
}

#[test]
fn dev_split_keeps_its_measured_quality() {
    assert_floors(
        "dev",
        &Floors {
            recall: 0.97,
            category_recall: 0.90,
            clean_flagged: 0.002,
        },
    );
}

#[test]
fn validation_split_keeps_its_measured_quality() {
    assert_floors(
        "validation",
        &Floors {
            recall: 0.82,
            category_recall: 0.60,
            clean_flagged: 0.077,
        },
    );
}
