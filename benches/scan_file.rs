//! Engine-only throughput over a file of posts, one post per line, each scanned as its own
//! segment: what the engine costs without process start-up, input parsing or report writing.
//!
//! `cargo bench --bench scan_file -- FILE [ROUNDS] [--rules PACK]...` (`WHOLE=1`: the whole
//! file as one segment)
//! (no FILE: the checked-in 1,000-post sample). Prints bytes, posts, findings, the best round's
//! time and MB/s. Also handy under `valgrind --tool=callgrind` or `perf record`.

use presend_core::text::Segment;
use presend_engine::Engine;
use presend_rules::RuleSetBuilder;
use std::time::{Duration, Instant};

fn main() {
    let mut file = None;
    let mut rounds = 3usize;
    let mut packs = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--bench" => {}
            "--rules" => packs.push(args.next().expect("--rules needs a path")),
            _ if file.is_none() => file = Some(a),
            _ => rounds = a.parse().expect("ROUNDS is a number"),
        }
    }
    let text = match &file {
        Some(f) => std::fs::read_to_string(f).expect("readable UTF-8 file"),
        None => include_str!("data/posts-1000.txt").to_string(),
    };
    let start = Instant::now();
    let mut b = RuleSetBuilder::default();
    b.add_builtin().expect("built-in packs load");
    for p in &packs {
        b.add_path(p.as_ref()).expect("pack loads");
    }
    let engine = Engine::new(b.finish().expect("packs link"));
    let compile = start.elapsed();

    // WHOLE=1: the whole file as one segment (a long document), not a post per line.
    let segments: Vec<Segment> = if std::env::var_os("WHOLE").is_some() {
        vec![Segment::document("posts", text.as_str())]
    } else {
        text.lines()
            .map(|l| Segment::document("posts", l))
            .collect()
    };
    let mut best = Duration::MAX;
    let mut findings = 0;
    for _ in 0..rounds.max(1) {
        let t = Instant::now();
        findings = segments.iter().map(|s| engine.scan(s).len()).sum::<usize>();
        best = best.min(t.elapsed());
    }
    let mb = text.len() as f64 / 1e6;
    let mut out = String::new();
    out.push_str(&format!(
        "compile {:.2} ms; {} bytes, {} posts, {} findings; best of {} rounds {:.1} ms = {:.0} MB/s, {:.2} us/post\n",
        compile.as_secs_f64() * 1e3,
        text.len(),
        segments.len(),
        findings,
        rounds.max(1),
        best.as_secs_f64() * 1e3,
        mb / best.as_secs_f64(),
        best.as_secs_f64() * 1e6 / segments.len().max(1) as f64,
    ));
    std::io::Write::write_all(&mut std::io::stdout(), out.as_bytes()).expect("stdout");
}
