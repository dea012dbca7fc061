//! Engine benchmarks (divan): what a pre-send check costs inside the process.
//!
//! - `load_builtin`: parse and check the built-in TOML packs;
//! - `compile_builtin`: that plus building the engine (automaton, regex prefilter);
//! - `first_draft`: compile and scan one 200-character draft, as one `presend check` run does;
//! - `scan_draft`: scan the draft again with an engine already built;
//! - `scan_batch`: scan 1,000 synthetic posts, one segment each.
//!
//! The draft and the posts come from `scripts/gen_corpus.py` (`--posts 1000 --seed 1`) and are
//! checked in under `benches/data/`, so `cargo bench` needs nothing else.
//! Run: `cargo bench --bench engine` (about 20 s).

use divan::{black_box, counter::BytesCount, Bencher};
use presend_core::text::Segment;
use presend_engine::Engine;
use presend_rules::RuleSet;

const DRAFT: &str = include_str!("data/draft.txt");
const POSTS: &str = include_str!("data/posts-1000.txt");

fn main() {
    divan::main();
}

fn engine() -> Engine {
    Engine::new(RuleSet::builtin().expect("built-in packs load"))
}

#[divan::bench(max_time = 2)]
fn load_builtin() -> RuleSet {
    RuleSet::builtin().expect("built-in packs load")
}

#[divan::bench(max_time = 2)]
fn compile_builtin() -> Engine {
    engine()
}

#[divan::bench(max_time = 2)]
fn first_draft() -> usize {
    let engine = engine();
    engine
        .scan(&Segment::document("draft.txt", black_box(DRAFT)))
        .len()
}

#[divan::bench(max_time = 2)]
fn scan_draft(bencher: Bencher) {
    let engine = engine();
    let segment = Segment::document("draft.txt", DRAFT);
    // Warm any lazily built matcher, so this measures the steady state.
    engine.scan(&segment);
    bencher
        .counter(BytesCount::of_str(DRAFT))
        .bench(|| engine.scan(black_box(&segment)).len());
}

#[divan::bench(max_time = 3)]
fn scan_batch(bencher: Bencher) {
    let engine = engine();
    let segments: Vec<Segment> = POSTS
        .lines()
        .map(|l| Segment::document("posts.txt", l))
        .collect();
    segments.iter().for_each(|s| {
        engine.scan(s);
    });
    bencher.counter(BytesCount::of_str(POSTS)).bench(|| {
        segments
            .iter()
            .map(|s| engine.scan(black_box(s)).len())
            .sum::<usize>()
    });
}
