#!/usr/bin/env bash
# presend against ripgrep, in one run, on a corpus this repository generates.
#
#   scripts/bench.sh                 # full run (a few minutes on two cores)
#   BENCH_QUICK=1 scripts/bench.sh   # smoke run: small corpus, few rounds
#
# What it does (docs/performance.md explains the method and records figures):
#   1. builds the release binary; installs ripgrep and hyperfine (apt) if missing;
#   2. generates a seeded corpus (scripts/gen_corpus.py): BENCH_POSTS posts as plain text and
#      JSONL, one ~200-character draft, the corpus concatenated 10 times, and a pack that
#      doubles every term list (scripts/rg_patterns.py --doubled-pack);
#   3. takes the fixed reference, benches/reference-patterns.txt (a few hundred hand-written
#      regexes for the same risks, run as `rg -i --no-unicode -f`), and writes ripgrep pattern
#      files derived from the packs (scripts/rg_patterns.py: every pack regex with Unicode off,
#      every term as an ASCII-case-insensitive whole-word regex);
#   4. times, alternating presend and rg in blocks of a few runs for BENCH_ROUNDS rounds
#      (hyperfine, no shell), and prints medians and the ratio presend / rg, first against the
#      reference (the headline: one draft, the stream, the stream ten times over), then against
#      the derived pattern files:
#        draft   presend check draft.txt            vs  rg -f patterns.txt draft.txt
#        stream  presend check --input-format jsonl --field text --format jsonl corpus.jsonl
#                (or, until that flag exists, presend check --format jsonl corpus.txt)
#                                                   vs  rg -f patterns.txt on the same file
#        10x     the same on the corpus ten times over (growth should be linear)
#        doubled the stream with every term list doubled (--rules doubled.toml; rg gets the
#                doubled pattern file): cost should not grow with the number of term rules;
#   5. records peak RSS of both on the stream with /usr/bin/time -v, and the engine's own
#      throughput with one segment per post (benches/scan_file.rs: no start-up, I/O or report).
#
# Environment: BENCH_POSTS (100000), BENCH_SEED (6), BENCH_ROUNDS (5), BENCH_DIR
# (target/bench), PRESEND (a prebuilt binary, skips the build), BENCH_QUICK,
# BENCH_REFERENCE_ONLY (time only the comparisons against the fixed reference: the headline).
# The machine should be otherwise idle; on a shared machine, read the figures as rough.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

posts=${BENCH_POSTS:-100000}
seed=${BENCH_SEED:-6}
rounds=${BENCH_ROUNDS:-5}
dir=${BENCH_DIR:-$root/target/bench}
if [[ -n "${BENCH_QUICK:-}" ]]; then
    posts=${BENCH_POSTS:-5000}
    rounds=${BENCH_ROUNDS:-2}
fi
mkdir -p "$dir"
rm -f "$dir"/*.json "$dir"/engine*.txt "$dir/results.md"

say() { printf '\n== %s\n' "$*" >&2; }

# --- tools -------------------------------------------------------------------------------------
need=()
command -v rg >/dev/null || need+=(ripgrep)
command -v hyperfine >/dev/null || need+=(hyperfine)
[[ -x /usr/bin/time ]] || need+=(time)
if ((${#need[@]})); then
    say "installing ${need[*]}"
    sudo_=""
    [[ $(id -u) -eq 0 ]] || sudo_="sudo"
    $sudo_ apt-get install -y "${need[@]}" >/dev/null 2>&1 ||
        { $sudo_ apt-get update >/dev/null && $sudo_ apt-get install -y "${need[@]}" >/dev/null; }
fi
command -v python3 >/dev/null || { echo "python3 (3.11+) is needed" >&2; exit 2; }

if [[ -z "${PRESEND:-}" ]]; then
    say "building presend (release) and the engine benchmarks"
    cargo build --release --quiet
    PRESEND=$root/target/release/presend
fi
# The engine alone over the posts, one segment per post (no start-up, I/O, JSON or report).
scan_file=$(cargo bench --no-run --bench scan_file --message-format=json 2>/dev/null |
    python3 -c 'import json,sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "scan_file" and m.get("executable"):
        print(m["executable"])' || true)

# --- inputs ------------------------------------------------------------------------------------
say "generating $posts posts (seed $seed) in $dir"
python3 scripts/gen_corpus.py --posts "$posts" --seed "$seed" \
    --txt "$dir/corpus.txt" --jsonl "$dir/corpus.jsonl" --truth "$dir/truth.jsonl" \
    --draft "$dir/draft.txt"
for ext in txt jsonl; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do cat "$dir/corpus.$ext"; done >"$dir/corpus10.$ext"
done
# The fixed reference: comment and blank lines dropped.
grep -v -e '^#' -e '^[[:space:]]*$' benches/reference-patterns.txt >"$dir/reference.txt"
reference_count=$(wc -l <"$dir/reference.txt")
packs=(rules/*.toml)
python3 scripts/rg_patterns.py --stats "${packs[@]}" >"$dir/patterns.txt"
python3 scripts/rg_patterns.py --doubled-pack "$dir/doubled.toml" "${packs[@]}"
python3 scripts/rg_patterns.py "${packs[@]}" "$dir/doubled.toml" >"$dir/patterns-doubled.txt"

# The stream: JSONL records once `--input-format` exists, plain text until then.
if "$PRESEND" check --help | grep -q -- '--input-format'; then
    mode=jsonl
    stream() { echo "$PRESEND check --input-format jsonl --field text --format jsonl $*"; }
else
    mode=txt
    stream() { echo "$PRESEND check --format jsonl $*"; }
fi
say "stream mode: $mode ($(stream FILE))"

# --- timing ------------------------------------------------------------------------------------
# One comparison: NAME, runs per block, then the two commands. Blocks alternate A B, B A, ...
compare() {
    local name=$1 runs=$2 a=$3 b=$4
    say "$name: $rounds rounds of $runs runs each"
    for ((r = 0; r < rounds; r++)); do
        local first=$a second=$b
        if ((r % 2)); then first=$b second=$a; fi
        # -i: presend exits 1 when it finds something, which is the point here.
        hyperfine -N -i --warmup 1 --runs "$runs" --style none \
            --export-json "$dir/$name.$r.json" "$first" "$second" >"$dir/hyperfine.log" 2>&1 ||
            { cat "$dir/hyperfine.log" >&2; exit 1; }
    done
}

# Exports of an earlier (perhaps interrupted) run must not mix into this run's medians.
rm -f "$dir"/*.[0-9].json

draft_runs=20
stream_runs=3
[[ -n "${BENCH_QUICK:-}" ]] && draft_runs=5 && stream_runs=1

ref_rg="rg --no-config -i --no-unicode -f $dir/reference.txt"
compare ref-draft "$draft_runs" "$PRESEND check $dir/draft.txt" "$ref_rg $dir/draft.txt"
compare ref-stream "$stream_runs" "$(stream "$dir/corpus.$mode")" "$ref_rg $dir/corpus.$mode"
compare ref-stream10 1 "$(stream "$dir/corpus10.$mode")" "$ref_rg $dir/corpus10.$mode"

if [[ -z "${BENCH_REFERENCE_ONLY:-}" ]]; then
compare draft "$draft_runs" "$PRESEND check $dir/draft.txt" \
    "rg --no-config -f $dir/patterns.txt $dir/draft.txt"
compare stream "$stream_runs" "$(stream "$dir/corpus.$mode")" \
    "rg --no-config -f $dir/patterns.txt $dir/corpus.$mode"
compare stream10 1 "$(stream "$dir/corpus10.$mode")" \
    "rg --no-config -f $dir/patterns.txt $dir/corpus10.$mode"
compare doubled "$stream_runs" "$(stream --rules "$dir/doubled.toml" "$dir/corpus.$mode")" \
    "rg --no-config -f $dir/patterns-doubled.txt $dir/corpus.$mode"
# For reference: ripgrep made to find every match (as presend does), not just matching lines.
compare stream-all "$stream_runs" "$(stream "$dir/corpus.$mode")" \
    "rg --no-config --count-matches -f $dir/patterns.txt $dir/corpus.$mode"
fi

if [[ -n "$scan_file" ]]; then
    say "engine only (benches/scan_file.rs)"
    "$scan_file" "$dir/corpus.txt" 5 | tee "$dir/engine.txt" >&2
    "$scan_file" "$dir/corpus.txt" 5 --rules "$dir/doubled.toml" | tee "$dir/engine-doubled.txt" >&2
fi

# --- memory ------------------------------------------------------------------------------------
rss() {
    /usr/bin/time -v "$@" >/dev/null 2>"$dir/time.txt" || true
    awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$dir/time.txt"
}
# shellcheck disable=SC2046
presend_rss=$(rss $(stream "$dir/corpus.$mode"))
rg_rss=$(rss rg --no-config -f "$dir/patterns.txt" "$dir/corpus.$mode")
rg_ref_rss=$(rss rg --no-config -i --no-unicode -f "$dir/reference.txt" "$dir/corpus.$mode")
# shellcheck disable=SC2046
presend_rss10=$(rss $(stream "$dir/corpus10.$mode"))
draft_rss=$(rss "$PRESEND" check "$dir/draft.txt")

# --- summary -----------------------------------------------------------------------------------
python3 scripts/bench_summary.py "$dir" \
    --engine "$dir/engine.txt" --engine-doubled "$dir/engine-doubled.txt" \
    --mode "$mode" --posts "$posts" --seed "$seed" --rounds "$rounds" \
    --reference-count "$reference_count" \
    --rss "stream:presend=$presend_rss" --rss "stream:rg (reference)=$rg_ref_rss" \
    --rss "stream:rg (derived patterns)=$rg_rss" \
    --rss "stream10:presend=$presend_rss10" --rss "draft:presend=$draft_rss" |
    tee "$dir/results.md"
