//! The crates follow the one-way flow: each depends only on the crates below it.
//!
//! ```text
//! presend-core ◄── presend-rules ◄── presend-engine
//!      ▲  ▲
//!      │  └────── presend-input
//!      └───────── presend-report
//! presend-app uses all five; the `presend` binary uses presend-app (and the crates it names).
//! presend-wasm (the web page's engine) uses core, rules and engine only: no files, no threads.
//! ```
//!
//! The compiler already refuses cycles between crates; this test also refuses an edge that
//! points up or sideways (the engine importing a reader, a reporter importing the rules), and a
//! workspace crate that has no place in the picture.

use serde_json::Value;
use std::collections::BTreeMap;
use std::process::Command;

/// Each workspace crate and the workspace crates it may depend on.
const ALLOWED: &[(&str, &[&str])] = &[
    ("presend-core", &[]),
    ("presend-rules", &["presend-core"]),
    ("presend-engine", &["presend-core", "presend-rules"]),
    ("presend-input", &["presend-core"]),
    ("presend-report", &["presend-core"]),
    (
        "presend-app",
        &[
            "presend-core",
            "presend-rules",
            "presend-engine",
            "presend-input",
            "presend-report",
        ],
    ),
    (
        "presend-wasm",
        &["presend-core", "presend-rules", "presend-engine"],
    ),
    (
        "presend",
        &[
            "presend-app",
            "presend-core",
            "presend-rules",
            "presend-engine",
            "presend-input",
            "presend-report",
        ],
    ),
];

/// Every workspace crate with the workspace crates it depends on (any kind: normal, build, dev).
fn workspace_edges(metadata: &Value) -> BTreeMap<String, Vec<String>> {
    let packages = metadata["packages"].as_array().expect("packages");
    let members: Vec<&str> = packages
        .iter()
        .map(|p| p["name"].as_str().expect("name"))
        .collect();
    packages
        .iter()
        .map(|p| {
            let deps = p["dependencies"]
                .as_array()
                .expect("dependencies")
                .iter()
                .filter_map(|d| d["name"].as_str())
                .filter(|d| members.contains(d))
                .map(str::to_string)
                .collect();
            (p["name"].as_str().unwrap().to_string(), deps)
        })
        .collect()
}

/// Each edge the flow does not allow, as `from -> to`, and each crate with no place in it.
fn violations(edges: &BTreeMap<String, Vec<String>>) -> Vec<String> {
    let mut wrong = Vec::new();
    for (from, deps) in edges {
        let Some((_, allowed)) = ALLOWED.iter().find(|(name, _)| name == from) else {
            wrong.push(format!("{from} has no place in the crate graph"));
            continue;
        };
        for to in deps {
            if !allowed.contains(&to.as_str()) {
                wrong.push(format!("{from} -> {to}"));
            }
        }
    }
    wrong
}

#[test]
fn workspace_crates_depend_only_on_crates_below_them() {
    let output = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("cargo metadata is JSON");
    let edges = workspace_edges(&metadata);
    for (name, _) in ALLOWED {
        assert!(edges.contains_key(*name), "{name} is not in the workspace");
    }
    assert_eq!(violations(&edges), Vec::<String>::new());
}

#[test]
fn an_upward_dependency_is_reported() {
    let mut edges: BTreeMap<String, Vec<String>> = ALLOWED
        .iter()
        .map(|(name, deps)| {
            (
                name.to_string(),
                deps.iter().map(|d| d.to_string()).collect(),
            )
        })
        .collect();
    assert!(violations(&edges).is_empty());
    edges
        .get_mut("presend-engine")
        .unwrap()
        .push("presend-input".to_string());
    edges.insert("presend-extra".to_string(), Vec::new());
    assert_eq!(
        violations(&edges),
        [
            "presend-engine -> presend-input",
            "presend-extra has no place in the crate graph"
        ]
    );
}
