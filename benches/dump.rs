//! Every finding and every rule hit (signals included) of every line of a file, one line each:
//! the check that an optimisation changed nothing. Build it at two commits and compare:
//!
//! ```text
//! cargo bench --bench dump -- corpus.txt > after.txt      # also at the older commit
//! cmp before.txt after.txt
//! ```
//!
//! `--rules PACK` adds packs; `WHOLE=1` scans the whole file as one segment instead.

use presend_core::text::Segment;
use presend_engine::Engine;
use presend_engine::ScanOptions;
use presend_rules::RuleSetBuilder;
use std::io::Write;

fn main() {
    let mut file = None;
    let mut packs = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--bench" => {}
            "--rules" => packs.push(args.next().expect("--rules needs a path")),
            _ => file = Some(a),
        }
    }
    let text = match &file {
        Some(f) => std::fs::read_to_string(f).expect("readable UTF-8 file"),
        None => include_str!("data/posts-1000.txt").to_string(),
    };
    let mut b = RuleSetBuilder::default();
    b.add_builtin().expect("built-in packs load");
    for p in &packs {
        b.add_path(p.as_ref()).expect("pack loads");
    }
    let engine = Engine::new(b.finish().expect("packs link"));
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let chunks: Vec<&str> = if std::env::var_os("WHOLE").is_some() {
        vec![&text[..]]
    } else {
        text.lines().collect()
    };
    for (i, chunk) in chunks.iter().enumerate() {
        let findings = engine.scan(&Segment::document("p", *chunk));
        let mut hits = engine.hits(chunk, &ScanOptions::default());
        hits.sort_by_key(|h| (h.span, h.rule));
        writeln!(out, "{i} F {findings:?}").expect("stdout");
        writeln!(out, "{i} H {hits:?}").expect("stdout");
    }
}
