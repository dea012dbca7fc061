#!/usr/bin/env python3
"""Summarise scripts/bench.sh: medians, ratios and memory, as a Markdown report on stdout.

Reads the hyperfine exports `<dir>/<comparison>.<round>.json` that bench.sh writes; in each,
the command containing "presend" is presend and the other is ripgrep.
"""

import argparse
import glob
import json
import os
import platform
import statistics
import subprocess
import sys

# Against the fixed hand-written reference (benches/reference-patterns.txt): the headline.
REFERENCE = [
    ("ref-draft", "one draft (start-up included)", "draft.txt"),
    ("ref-stream", "stream, 1x corpus", "corpus.{mode}"),
    ("ref-stream10", "stream, 10x corpus", "corpus10.{mode}"),
]

# Against patterns generated from the packs (scripts/rg_patterns.py): the second table.
COMPARISONS = [
    ("draft", "one draft (start-up included)", "draft.txt"),
    ("stream", "stream, 1x corpus", "corpus.{mode}"),
    ("stream10", "stream, 10x corpus", "corpus10.{mode}"),
    ("doubled", "stream, term lists doubled", "corpus.{mode}"),
    ("stream-all", "stream vs rg --count-matches (every match)", "corpus.{mode}"),
]


def times(directory, name, cpu=False):
    """All wall times of each tool (or, with `cpu`, user + system time, which hyperfine gives
    as a mean per block: repeated once per run of the block)."""
    tools = {"presend": [], "rg": []}
    commands = {}
    for path in sorted(glob.glob(os.path.join(directory, f"{name}.*.json"))):
        with open(path, encoding="utf-8") as f:
            for result in json.load(f)["results"]:
                tool = "presend" if "presend" in result["command"].split()[0] else "rg"
                if cpu:
                    busy = result["user"] + result["system"]
                    tools[tool].extend([busy] * len(result["times"]))
                else:
                    tools[tool].extend(result["times"])
                commands[tool] = result["command"]
    return tools, commands


def fmt_time(seconds):
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.2f} s"


def tool_version(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0]
    except (OSError, IndexError):
        return "?"


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--mode", default="txt")
    ap.add_argument("--posts", type=int)
    ap.add_argument("--seed", type=int)
    ap.add_argument("--rounds", type=int)
    ap.add_argument("--rss", action="append", default=[], help="comparison:tool=kilobytes")
    ap.add_argument("--engine", help="output of benches/scan_file.rs on the corpus")
    ap.add_argument("--engine-doubled", help="the same with the doubled-terms pack")
    ap.add_argument("--reference-count", type=int, help="regexes in the reference file")
    args = ap.parse_args(argv)

    rss = {}
    for item in args.rss:
        key, _, kb = item.partition("=")
        if kb.strip().isdigit():
            rss[key] = int(kb) / 1024

    out = []
    w = out.append
    cpu = "?"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    w(f"## presend vs ripgrep ({args.posts} posts, seed {args.seed}, stream as {args.mode})")
    w("")
    w(f"Machine: {os.cpu_count()} CPUs, {cpu}; {platform.platform()}; "
      f"{tool_version(['rg', '--version'])}; {tool_version(['hyperfine', '--version'])}; "
      f"load average at the end {os.getloadavg()[0]:.1f}.")
    w(f"Medians of all runs over {args.rounds} alternating rounds: wall time, and CPU time "
      "(user + system, less disturbed by other work on a shared machine).")
    w("")
    medians = {}
    w("### Against the fixed reference (benches/reference-patterns.txt, "
      f"{args.reference_count or '?'} hand-written regexes, `rg -i --no-unicode`)")
    w("")
    table(args, REFERENCE, medians, w)
    if "ref-stream" in medians and "ref-stream10" in medians:
        (p1, r1), (p10, r10) = medians["ref-stream"], medians["ref-stream10"]
        w(f"- Growth, 10x corpus / 1x: presend {p10 / p1:.1f}x, rg {r10 / r1:.1f}x.")
    for label, path in (("as shipped", args.engine), ("term lists doubled", args.engine_doubled)):
        if path and os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                line = f.read().strip()
            w(f"- Engine alone, one thread, one segment per post, {label} "
              f"(benches/scan_file.rs): {line}.")
    if rss:
        parts = [f"{k} {v:.1f} MB" for k, v in sorted(rss.items())]
        w(f"- Peak RSS (`/usr/bin/time -v`): {', '.join(parts)}.")
    w("")
    _, commands = times(args.dir, "ref-stream")
    if commands:
        w("Commands (stream):")
        w("")
        for tool in ("presend", "rg"):
            w(f"    {commands.get(tool, '')}")
        w("")
    w("### Against patterns generated from the packs (scripts/rg_patterns.py: every term and "
      "pack regex, as presend runs them)")
    w("")
    table(args, COMPARISONS, medians, w)
    if "stream" in medians and "stream10" in medians:
        (p1, r1), (p10, r10) = medians["stream"], medians["stream10"]
        w(f"- Growth, 10x corpus / 1x: presend {p10 / p1:.1f}x, rg {r10 / r1:.1f}x "
          "(10x is linear).")
    if "stream" in medians and "doubled" in medians:
        (p1, r1), (pd, rd) = medians["stream"], medians["doubled"]
        w(f"- Term lists doubled / as shipped: presend {pd / p1:.2f}x, rg {rd / r1:.2f}x "
          "(1.00x: cost independent of the number of term rules).")
    w("")
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def table(args, comparisons, medians, w):
    """One Markdown table: wall and CPU medians of each comparison, side by side."""
    w("| comparison | input | presend | rg | presend / rg | CPU: presend | CPU: rg "
      "| CPU ratio | presend MB/s | rg MB/s |")
    w("|---|---|---|---|---|---|---|---|---|---|")
    for name, label, input_name in comparisons:
        tools, _ = times(args.dir, name)
        if not tools["presend"] or not tools["rg"]:
            continue
        p, r = statistics.median(tools["presend"]), statistics.median(tools["rg"])
        cpu, _ = times(args.dir, name, cpu=True)
        pc, rc = statistics.median(cpu["presend"]), statistics.median(cpu["rg"])
        medians[name] = (p, r)
        path = os.path.join(args.dir, input_name.format(mode=args.mode))
        size = os.path.getsize(path) if os.path.exists(path) else 0
        mb = size / 1e6
        rate = lambda t: f"{mb / t:.0f}" if not name.endswith("draft") and t > 0 else "–"
        size_s = f"{size} B" if size < 10_000 else f"{mb:.1f} MB"
        cpu_ratio = f"{pc / rc:.2f}x" if rc > 0 else "–"
        w(f"| {label} | {size_s} | {fmt_time(p)} | {fmt_time(r)} | **{p / r:.2f}x** "
          f"| {fmt_time(pc)} | {fmt_time(rc)} | {cpu_ratio} | {rate(p)} | {rate(r)} |")
    w("")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
