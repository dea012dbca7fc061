//! Prepares the built-in packs at build time, so that starting presend neither parses their TOML
//! nor their regexes (both cost more than the rest of start-up together).
//!
//! For every `rules/*.toml` it writes to `OUT_DIR`:
//! - the pack in the prepared form `src/prepared.rs` reads (`<name>.tape` and `<name>.strings`),
//!   with each `id` carrying its byte span in the TOML file as the TOML reader would give it, so
//!   rule lines stay exact; the loader reads it with the same serde schema and falls back to the
//!   TOML when a pack cannot be converted (then the usual error, with file, line and rule,
//!   appears at run time);
//! - the analysis of every pattern that parses and is small enough to compile lazily (see
//!   `src/analysis.rs`): the loader trusts those sources without parsing them, and the engine
//!   takes their anchor literals from here;
//! - the channel ids of presend's own pack, for the `--channel` help.
//!
//! The TOML stays the source of truth: this is a build product, and the loader's tests check
//! that the embedded form loads to exactly the rule set the TOML gives.

#[path = "src/analysis.rs"]
#[allow(dead_code)]
mod analysis;
#[path = "src/prepared.rs"]
#[allow(dead_code)]
mod prepared;

use prepared::{TAG_F64, TAG_FALSE, TAG_I64, TAG_MAP, TAG_SEQ, TAG_STR, TAG_TRUE, TAG_U64};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();

    let mut embedded = String::new();
    let mut patterns: BTreeMap<String, Option<Vec<Vec<u8>>>> = BTreeMap::new();
    let mut channel_ids: Vec<String> = Vec::new();
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("UTF-8 name");
        let Ok(source) = std::fs::read_to_string(path) else {
            continue;
        };
        let Some(pack) = pack_json(&source) else {
            continue;
        };
        let (mut tape, mut strings) = (Vec::new(), String::new());
        if encode(&pack, &mut tape, &mut strings).is_none() {
            continue;
        }
        std::fs::write(out.join(format!("{name}.tape")), tape).expect("write OUT_DIR");
        std::fs::write(out.join(format!("{name}.strings")), strings).expect("write OUT_DIR");
        writeln!(
            embedded,
            "        {name:?} => Some((include_bytes!(concat!(env!(\"OUT_DIR\"), \"/{name}.tape\")), \
             include_str!(concat!(env!(\"OUT_DIR\"), \"/{name}.strings\")))),"
        )
        .unwrap();
        for source in pattern_sources(&pack) {
            if let Some(analysed) = analyse(&source) {
                patterns.insert(source, analysed);
            }
        }
        if name == "presend.toml" {
            channel_ids = channel_ids_of(&pack);
        }
    }

    let mut code = String::new();
    code.push_str(
        "/// The prepared form (tape, strings) of the built-in pack file `name`, if the build could\n/// convert it.\n",
    );
    code.push_str(
        "pub(crate) fn embedded_pack(name: &str) -> Option<(&'static [u8], &'static str)> {\n    match name {\n",
    );
    code.push_str(&embedded);
    code.push_str("        _ => None,\n    }\n}\n\n");
    code.push_str("/// Built-in pattern sources, sorted, that parse and compile lazily, with their anchor\n/// literals (`None`: unanchored).\n");
    code.push_str("pub(crate) static CHECKED_PATTERNS: &[(&str, Option<&[&[u8]]>)] = &[\n");
    for (source, anchors) in &patterns {
        let anchors = match anchors {
            None => "None".to_string(),
            Some(lits) => {
                let lits: Vec<String> = lits
                    .iter()
                    .map(|l| format!("b\"{}\"", l.escape_ascii()))
                    .collect();
                format!("Some(&[{}])", lits.join(", "))
            }
        };
        writeln!(code, "    ({source:?}, {anchors}),").unwrap();
    }
    code.push_str("];\n\n/// The channel ids of presend's own pack, in its order.\n");
    writeln!(
        code,
        "pub static PRESEND_CHANNEL_IDS: &[&str] = &{channel_ids:?};"
    )
    .unwrap();
    std::fs::write(out.join("builtin_data.rs"), code).expect("write OUT_DIR");
}

/// Write `value` in the form `src/prepared.rs` reads: a tag byte per value (the `TAG_*`
/// constants there), lengths as LEB128, every string's text appended to `strings` in the order
/// the tape meets it. `None` for a null: TOML has none, but a float that is not a number becomes
/// one in a JSON value, and such a pack is left to the run-time loader, which reads its TOML.
fn encode(value: &Value, tape: &mut Vec<u8>, strings: &mut String) -> Option<()> {
    match value {
        Value::Null => return None,
        Value::Bool(b) => tape.push(if *b { TAG_TRUE } else { TAG_FALSE }),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                tape.push(TAG_U64);
                tape.extend(u.to_le_bytes());
            } else if let Some(i) = n.as_i64() {
                tape.push(TAG_I64);
                tape.extend(i.to_le_bytes());
            } else {
                tape.push(TAG_F64);
                tape.extend(n.as_f64().expect("a JSON number").to_le_bytes());
            }
        }
        Value::String(text) => string(text, tape, strings),
        Value::Array(items) => {
            tape.push(TAG_SEQ);
            length(items.len(), tape);
            for v in items {
                encode(v, tape, strings)?;
            }
        }
        Value::Object(entries) => {
            tape.push(TAG_MAP);
            length(entries.len(), tape);
            for (key, v) in entries {
                string(key, tape, strings);
                encode(v, tape, strings)?;
            }
        }
    }
    Some(())
}

fn string(text: &str, tape: &mut Vec<u8>, strings: &mut String) {
    tape.push(TAG_STR);
    length(text.len(), tape);
    strings.push_str(text);
}

/// `n` as LEB128: seven bits a byte, low bits first, the top bit set on all but the last.
fn length(mut n: usize, tape: &mut Vec<u8>) {
    while n >= 0x80 {
        tape.push((n as u8 & 0x7f) | 0x80);
        n >>= 7;
    }
    tape.push(n as u8);
}

/// Every `id` of a pack that the schema reads with its span.
#[derive(Deserialize)]
struct Ids {
    pack: Id,
    #[serde(default)]
    rule: Vec<Id>,
    #[serde(default)]
    check: Vec<Id>,
    #[serde(default)]
    channel: Vec<Id>,
}

#[derive(Deserialize)]
struct Id {
    id: toml::Spanned<String>,
}

/// The pack as a JSON value (then written by [`encode`]), its `id`s spanned as `toml::Spanned`
/// deserializes them; `None` when the TOML does not parse (the run-time loader then reports it).
fn pack_json(source: &str) -> Option<Value> {
    let mut value: Value = toml::from_str(source).ok()?;
    let ids: Ids = toml::from_str(source).ok()?;
    spanned(value.get_mut("pack")?, &ids.pack)?;
    for (key, list) in [
        ("rule", &ids.rule),
        ("check", &ids.check),
        ("channel", &ids.channel),
    ] {
        for (i, id) in list.iter().enumerate() {
            spanned(value.get_mut(key)?.get_mut(i)?, id)?;
        }
    }
    Some(value)
}

/// Replace `table.id` by the map `toml::Spanned` is deserialized from.
fn spanned(table: &mut Value, id: &Id) -> Option<()> {
    let span = id.id.span();
    *table.get_mut("id")? = json!({
        "$__serde_spanned_private_start": span.start,
        "$__serde_spanned_private_end": span.end,
        "$__serde_spanned_private_value": id.id.get_ref(),
    });
    Some(())
}

fn pattern_sources(pack: &Value) -> Vec<String> {
    let rules = pack.get("rule").and_then(Value::as_array);
    let patterns = rules.into_iter().flatten().filter_map(|r| r.get("pattern"));
    let mut out = Vec::new();
    for p in patterns {
        match p {
            Value::String(s) => out.push(s.clone()),
            Value::Array(list) => {
                out.extend(list.iter().filter_map(Value::as_str).map(String::from))
            }
            _ => {}
        }
    }
    out
}

/// `Some(anchors)` for a pattern the loader may trust unparsed: it parses with the settings
/// compilation uses and is small enough that compiling it cannot fail.
fn analyse(source: &str) -> Option<Option<Vec<Vec<u8>>>> {
    let hir = regex_automata::util::syntax::parse_with(source, &analysis::syntax()).ok()?;
    if analysis::nfa_units(&hir) > analysis::LAZY_UNITS {
        return None;
    }
    Some(analysis::anchor_literals(&hir))
}

fn channel_ids_of(pack: &Value) -> Vec<String> {
    let channels = pack.get("channel").and_then(Value::as_array);
    channels
        .into_iter()
        .flatten()
        .filter_map(|c| c.pointer("/id/$__serde_spanned_private_value")?.as_str())
        .map(|id| id.trim().to_lowercase())
        .collect()
}
