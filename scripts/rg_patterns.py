#!/usr/bin/env python3
"""Write ripgrep pattern files equivalent to presend rule packs, and a doubled-terms pack.

Stdlib only (tomllib, Python 3.11+). Reads the pack TOML directly, so it stays in step with
whatever the packs hold.

"Equivalent" means: ripgrep gets the same things to look for as presend's matchers, written
the way presend runs them, with ASCII classes and boundaries throughout:

  * every regex of every `pattern` rule, with its classes and boundaries made ASCII as presend
    compiles them (Unicode off): `\\b` becomes `(?-u:\\b)`, `\\d` `[0-9]`, `\\w` `[0-9A-Za-z_]`,
    `\\s` ASCII whitespace (ripgrep refuses a whole pattern under `(?-u)` when it could match
    invalid UTF-8, so the translation is done piece by piece);
  * every string presend puts in its term automaton: lexicon terms, `terms` rules, both sides
    of `near` rules, `keywords`, `context` and `negative_context` words, rule and pack `allow`
    phrases; each as a case-insensitive whole-word regex, `(?i)(?-u:\\b)word(?-u:\\b)`, with the
    same boundary logic as presend (no boundary next to punctuation, a trailing `*` matches the
    rest of the word, a space matches any run of whitespace; `case_sensitive` terms keep case).

Each line is wrapped in `(?:…)`, so that its flags do not carry over to the next line when
ripgrep joins them with `|`.

What ripgrep does not do, and presend does on top: Unicode normalisation (NFKC, zero-width
characters, look-alike letters), validators (NHS modulus 11), context windows, allow-lists,
near and combination rules, severity, offsets and a report per finding.

Usage:
  scripts/rg_patterns.py rules/*.toml > patterns.txt
  scripts/rg_patterns.py --doubled-pack extra.toml rules/*.toml
      writes a pack whose signal rules repeat every term list of the given packs under new
      rule ids, plus as many new distinct terms (so the automaton doubles in size too); pass it
      to `presend check --rules extra.toml`, and to this script, to measure cost against term
      count.
"""

import argparse
import json
import sys
import tomllib

META = set("\\.+*?()|[]{}^$#&-~")


def escape(s):
    return "".join("\\" + c if c in META else c for c in s)


def is_word(c):
    return c.isalnum() or c == "_"


# ASCII forms of the Perl classes, inside and outside a bracket class.
ASCII_CLASSES = {
    "d": ("0-9", "[0-9]"),
    "w": ("0-9A-Za-z_", "[0-9A-Za-z_]"),
    "s": ("\\t\\n\\x0B\\f\\r ", "[\\t\\n\\x0B\\f\\r ]"),
    "D": (None, "[^0-9]"),
    "W": (None, "[^0-9A-Za-z_]"),
    "S": (None, "[^\\t\\n\\x0B\\f\\r ]"),
}


def ascii_regex(src):
    """A pack pattern as presend runs it (Unicode off), in syntax ripgrep accepts."""
    out, i, depth = [], 0, 0  # depth: inside a bracket class
    while i < len(src):
        c = src[i]
        if c == "\\" and i + 1 < len(src):
            n = src[i + 1]
            if n in ("b", "B") and depth == 0:
                out.append(f"(?-u:\\{n})")
            elif n in ASCII_CLASSES:
                inside, outside = ASCII_CLASSES[n]
                out.append(inside if depth and inside else outside)
            else:
                out.append(src[i:i + 2])
            i += 2
            continue
        if c == "[":
            depth += 1
            out.append(c)
            # A `]` right after `[` or `[^` is a literal.
            if src[i + 1:i + 2] == "^":
                out.append("^")
                i += 1
            if src[i + 1:i + 2] == "]":
                out.append("]")
                i += 1
        elif c == "]" and depth:
            depth -= 1
            out.append(c)
        else:
            out.append(c)
        i += 1
    return "".join(out)


def term_text(t):
    if isinstance(t, str):
        return t, False
    return t["term"], bool(t.get("case_sensitive", False))


def term_regex(text, case_sensitive):
    text = " ".join(text.split())
    wildcard = len(text) > 1 and text.endswith("*") and is_word(text[-2])
    body = text[:-1] if wildcard else text
    if not body:
        return None
    # ASCII boundaries and word characters; the literal itself may be non-ASCII ("café").
    out = "" if case_sensitive else "(?i)"
    if is_word(body[0]):
        out += "(?-u:\\b)"
    out += "[\\t\\n\\x0B\\f\\r ]+".join(escape(w) for w in body.split(" "))
    if wildcard:
        out += "[0-9A-Za-z_]*"
    elif is_word(body[-1]):
        out += "(?-u:\\b)"
    return out


def term_lists(pack):
    """Every list of terms in a pack (each a list of TOML term values), with a name."""
    lists = []
    for lid, lex in pack.get("lexicon", {}).items():
        lists.append((f"lexicon-{lid}", lex.get("terms", [])))
    if pack.get("pack", {}).get("allow"):
        lists.append(("pack-allow", pack["pack"]["allow"]))
    for r in pack.get("rule", []):
        rid = r["id"]
        # A rule-level `case_sensitive = true` applies to the rule's own terms.
        own = r.get("terms", [])
        if r.get("case_sensitive"):
            own = [{"term": term_text(t)[0], "case_sensitive": True} for t in own]
        lists.append((f"{rid}", own))
        near = r.get("near") or {}
        for side in ("a", "b"):
            lists.append((f"{rid}-near-{side}", (near.get(side) or {}).get("terms", [])))
        lists.append((f"{rid}-keywords", r.get("keywords", [])))
        for ctx in ("context", "negative_context"):
            lists.append((f"{rid}-{ctx}", (r.get(ctx) or {}).get("words", [])))
        lists.append((f"{rid}-allow", r.get("allow", [])))
    return [(n, l) for n, l in lists if l]


def patterns(packs):
    regexes, words = [], []
    for pack in packs:
        for r in pack.get("rule", []):
            p = r.get("pattern")
            for src in [p] if isinstance(p, str) else (p or []):
                regexes.append(ascii_regex(src))
        for _, lst in term_lists(pack):
            for t in lst:
                rx = term_regex(*term_text(t))
                if rx:
                    words.append(rx)
    seen, out = set(), []
    for rx in regexes + words:
        if rx not in seen:
            seen.add(rx)
            out.append(rx)
    return out, len(set(regexes))


def mutate(text):
    # A distinct term of the same length and shape: rotate the letters of each word.
    words = []
    for w in text.split(" "):
        core = w.rstrip("*")
        star = w[len(core):]
        words.append((core[1:] + core[:1] if len(core) > 2 else core + "q") + star)
    return " ".join(words)


def toml_str(s):
    return json.dumps(s, ensure_ascii=False)


def doubled_pack(packs):
    lines = [
        "# Generated by scripts/rg_patterns.py --doubled-pack: every term list of the loaded",
        "# packs again, under new signal rule ids, plus as many new distinct terms.",
        "[pack]",
        'id = "bench-doubled-terms"',
        'name = "Benchmark: doubled term lists"',
        'version = "0"',
        'description = "Synthetic: measures whether cost grows with the number of term rules."',
        "",
    ]
    n = 0
    for pack in packs:
        for name, lst in term_lists(pack):
            terms = []
            for t in lst:
                text, cs = term_text(t)
                terms.append(text)
                terms.append(mutate(text))
            n += 1
            lines += [
                "[[rule]]",
                f'id = "dup-{n}-{name}"',
                'category = "conduct"',
                'severity = "info"',
                "signal = true",
                'message = "Benchmark signal."',
                "terms = [" + ", ".join(toml_str(t) for t in terms) + "]",
                'examples.match = [' + toml_str(terms[0]) + "]",
                'examples.no_match = ["zzzz qqqq"]',
                "",
            ]
    return "\n".join(lines)


def scoped(line):
    """ripgrep joins the lines of a pattern file with `|`, so a flag such as `(?i)` at the start
    of one line would carry over to the lines after it (a case-sensitive term would turn
    case-insensitive): each line goes in a group of its own, where its flags end."""
    return f"(?:{line})"


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("packs", nargs="+")
    ap.add_argument("--doubled-pack", help="write the doubled-terms pack here instead")
    ap.add_argument("--stats", action="store_true", help="print counts on stderr")
    args = ap.parse_args(argv)
    packs = []
    for path in args.packs:
        with open(path, "rb") as f:
            packs.append(tomllib.load(f))
    if args.doubled_pack:
        with open(args.doubled_pack, "w", encoding="utf-8") as f:
            f.write(doubled_pack(packs))
        return 0
    out, nregex = patterns(packs)
    out = [scoped(line) for line in out]
    sys.stdout.write("\n".join(out) + "\n")
    if args.stats:
        print(f"{nregex} regexes, {len(out) - nregex} distinct term regexes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
