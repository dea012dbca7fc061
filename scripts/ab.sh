#!/usr/bin/env bash
# Two presend binaries on the same stream, in alternating pairs: A, B, A, B, ... N times each,
# then the median wall time and CPU time (user + system) of each.
#
#   scripts/ab.sh N BIN_A BIN_B [FILE]
#
# FILE defaults to target/bench/corpus.jsonl (scripts/bench.sh writes it) and is read as JSON
# Lines (`check --input-format jsonl --field text --format jsonl`, the benchmark's stream).
# On a shared machine whose speed drifts over minutes, pairs run back to back see the same
# drift, so the comparison holds where two separate timing runs would not; run it twice with
# the binaries swapped. docs/performance.md ("Afternoon round") explains the use.
set -euo pipefail
[[ $# -ge 3 ]] || { sed -n '2,11p' "$0" >&2; exit 2; }
n=$1 a=$2 b=$3
root=$(cd "$(dirname "$0")/.." && pwd)
file=${4:-$root/target/bench/corpus.jsonl}
[[ -r $file ]] || { echo "ab.sh: cannot read $file (run scripts/bench.sh first, or name a file)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "ab.sh: needs /usr/bin/time (Debian package time)" >&2; exit 2; }
times=$(mktemp)
trap 'rm -f "$times"' EXIT
for _ in $(seq "$n"); do
    for bin in "$a" "$b"; do
        # presend exits 1 when it finds something; 2 or more means the run is not comparable.
        status=0
        /usr/bin/time -o "$times" -a -f "$bin %e %U %S" \
            "$bin" check --input-format jsonl --field text --format jsonl "$file" >/dev/null 2>&1 ||
            status=$?
        ((status <= 1)) || { echo "ab.sh: $bin exited $status" >&2; exit 2; }
    done
done
python3 - "$times" <<'PY'
import statistics as s, sys
runs = {}
for line in open(sys.argv[1]):
    if line.startswith("Command exited"):  # time's note on presend's exit 1
        continue
    name, wall, user, system = line.rsplit(maxsplit=3)
    runs.setdefault(name, []).append((float(wall), float(user) + float(system)))
for name, v in runs.items():
    print(f"{name}: {len(v)} runs, wall median {s.median(w for w, _ in v):.3f} s, "
          f"CPU median {s.median(c for _, c in v):.3f} s")
PY
