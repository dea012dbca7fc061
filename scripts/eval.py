#!/usr/bin/env python3
"""Detection quality of presend on the evaluation corpus (tests/corpus/eval/).

Each corpus file is JSON Lines, one draft per line:
    {"id": "ho-017", "category": "conduct", "channel": "x", "text": "..."}
`category` is one of the nine report categories for a risky draft, or "clean". The split is
the file name: `heldout.jsonl` is the held-out split (never used while writing rules), every
`validation-*.jsonl` is the validation split (written blind, scored for figures only while rules
are tuned, so it measures how far a round generalises), every `dev-*.jsonl` is the development
split.

A risky draft is caught only when a finding at warning or error has the draft's own category
(a finding in another category is a hit by chance and does not count). A clean draft is a false
positive when any finding is at warning or error.

Usage:
    python3 scripts/eval.py [--split dev|validation|heldout|all] [--bin PATH] [--show-misses]
                            [--min-recall R] [--min-category-recall R] [--max-clean-fp F]
                            [--json] [-- extra presend arguments]

The binary runs once per channel over a temporary JSON Lines file, so the whole corpus costs a
few process starts. Exit status: 0, or 1 when a threshold given on the command line is missed,
2 on a usage or run error.
"""

import argparse
import collections
import json
import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "eval"
CATEGORIES = [
    "identifier",
    "indirect-identifier",
    "clinical-image",
    "confidentiality",
    "unprofessional",
    "discriminatory",
    "defamation",
    "boundaries",
    "conduct",
]
REPORTED = {"warning", "error"}


def split_of(path):
    if path.name == "heldout.jsonl":
        return "heldout"
    if path.name.startswith("validation-"):
        return "validation"
    if path.name.startswith("dev-"):
        return "dev"
    return None


def load(corpus_dir, split):
    drafts = []
    for path in sorted(corpus_dir.glob("*.jsonl")):
        file_split = split_of(path)
        if file_split is None or (split != "all" and file_split != split):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                draft = json.loads(line)
            except json.JSONDecodeError as err:
                sys.exit(f"eval: {path.name}:{number}: not JSON ({err.msg})")
            category = draft.get("category")
            if category != "clean" and category not in CATEGORIES:
                sys.exit(f"eval: {path.name}:{number}: unknown category {category!r}")
            if not isinstance(draft.get("text"), str) or not draft["text"].strip():
                sys.exit(f"eval: {path.name}:{number}: no text")
            draft["_where"] = f"{path.name}:{number}"
            draft["_split"] = file_split
            drafts.append(draft)
    return drafts


def default_bin():
    if os.environ.get("PRESEND"):
        return os.environ["PRESEND"]
    for profile in ("release", "debug"):
        candidate = ROOT / "target" / profile / "presend"
        if candidate.exists():
            return str(candidate)
    sys.exit("eval: no presend binary; build one or pass --bin")


def scan(binary, drafts, extra):
    """Findings per draft index, as (category, severity, rule) triples."""
    by_channel = collections.defaultdict(list)
    for index, draft in enumerate(drafts):
        by_channel[draft.get("channel")].append(index)
    found = collections.defaultdict(list)
    with tempfile.TemporaryDirectory() as tmp:
        for channel, indices in by_channel.items():
            batch = pathlib.Path(tmp) / "batch.jsonl"
            batch.write_text(
                "".join(json.dumps({"text": drafts[i]["text"]}) + "\n" for i in indices),
                encoding="utf-8",
            )
            command = [binary, "check", "--input-format", "jsonl", "--field", "text",
                       "--format", "jsonl", "--fail-on", "never"]
            if channel:
                command += ["--channel", channel]
            command += extra + [str(batch)]
            run = subprocess.run(command, capture_output=True, text=True)
            if run.returncode != 0:
                sys.exit(f"eval: presend exited {run.returncode}: {run.stderr.strip()[:500]}")
            for line in run.stdout.splitlines():
                finding = json.loads(line)
                if "type" in finding:  # a message (notice, skipped file), not a finding
                    continue
                index = indices[finding["record"] - 1]
                found[index].append((finding["category"], finding["severity"], finding["rule"]))
    return found


def score(drafts, found):
    caught = collections.Counter()
    total = collections.Counter()
    misses, false_positives = [], []
    for index, draft in enumerate(drafts):
        category = draft["category"]
        reported = [f for f in found.get(index, []) if f[1] in REPORTED]
        total[category] += 1
        if category == "clean":
            if reported:
                caught["clean"] += 1
                false_positives.append((draft, reported))
        elif any(f[0] == category for f in reported):
            caught[category] += 1
        else:
            misses.append((draft, found.get(index, [])))
    risky_total = sum(total[c] for c in CATEGORIES)
    risky_caught = sum(caught[c] for c in CATEGORIES)
    return {
        "recall": risky_caught / risky_total if risky_total else None,
        "risky": risky_total,
        "categories": {
            c: {"caught": caught[c], "total": total[c],
                "recall": caught[c] / total[c] if total[c] else None}
            for c in CATEGORIES
        },
        "clean": total["clean"],
        "clean_flagged": caught["clean"],
        "clean_fp_rate": caught["clean"] / total["clean"] if total["clean"] else None,
    }, misses, false_positives


def fmt(value):
    return "  -  " if value is None else f"{value:.3f}"


def print_table(split, result):
    print(f"split: {split}")
    print(f"{'category':<22}{'caught':>8}{'total':>7}{'recall':>8}")
    for name, row in result["categories"].items():
        print(f"{name:<22}{row['caught']:>8}{row['total']:>7}{fmt(row['recall']):>8}")
    print(f"{'all risky':<22}{'':>8}{result['risky']:>7}{fmt(result['recall']):>8}")
    print(f"clean drafts flagged at warning or error: {result['clean_flagged']} of "
          f"{result['clean']} ({fmt(result['clean_fp_rate'])})")


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1:]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "validation", "heldout", "all"], default="dev")
    parser.add_argument("--bin", default=None)
    parser.add_argument("--corpus", default=str(CORPUS))
    parser.add_argument("--show-misses", action="store_true",
                        help="list missed risky drafts and flagged clean ones (dev split only)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--min-recall", type=float)
    parser.add_argument("--min-category-recall", type=float)
    parser.add_argument("--max-clean-fp", type=float)
    args = parser.parse_args(argv)
    if args.show_misses and args.split != "dev":
        sys.exit("eval: --show-misses is for the dev split; the held-out and validation texts stay unread")

    drafts = load(pathlib.Path(args.corpus), args.split)
    if not drafts:
        sys.exit(f"eval: no drafts for split {args.split} in {args.corpus}")
    result, misses, false_positives = score(drafts, scan(args.bin or default_bin(), drafts, extra))

    if args.json:
        print(json.dumps({"split": args.split, **result}, indent=2))
    else:
        print_table(args.split, result)
    if args.show_misses:
        print("\nmissed:")
        for draft, findings in misses:
            seen = ", ".join(f"{r} ({c}, {s})" for c, s, r in findings) or "nothing"
            print(f"  {draft['_where']} [{draft['category']}] {draft['text']}\n      saw: {seen}")
        print("\nclean but flagged:")
        for draft, findings in false_positives:
            seen = ", ".join(f"{r} ({s})" for _, s, r in findings)
            print(f"  {draft['_where']} {draft['text']}\n      saw: {seen}")

    failed = []
    if args.min_recall is not None and (result["recall"] or 0) < args.min_recall:
        failed.append(f"recall {fmt(result['recall'])} < {args.min_recall}")
    if args.min_category_recall is not None:
        for name, row in result["categories"].items():
            if row["total"] and row["recall"] < args.min_category_recall:
                failed.append(f"{name} recall {fmt(row['recall'])} < {args.min_category_recall}")
    if args.max_clean_fp is not None and (result["clean_fp_rate"] or 0) > args.max_clean_fp:
        failed.append(f"clean flagged {fmt(result['clean_fp_rate'])} > {args.max_clean_fp}")
    for line in failed:
        print(f"eval: below threshold: {line}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
