#!/usr/bin/env python3
"""Finding totals on the shared corpus: dockside before and after a change,
beside hadolint's baseline, per rule, per category and per severity.

    python3 tests/compat/corpus_totals.py --before OLD_BIN [--after NEW_BIN]
        [--corpus ../shared/corpus/files] [--baseline ../shared/corpus/hadolint-baseline.tsv]

Each binary runs `check` once over the corpus at default settings with
ShellCheck off (`shellcheck = false`). hadolint's findings are mapped to
dockside rules through the rules' aliases (`DL3008` is
`apt-get-unpinned-package`); ShellCheck codes (`SC…`) and codes no dockside
rule answers to are counted on their own lines. Prints Markdown for
docs/rules-review.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter

SEVERITIES = ["error", "warning", "info", "style"]


def run(binary: str, corpus: str) -> tuple[Counter[str], dict]:
    rules = json.loads(subprocess.run([binary, "rules", "--format", "json"], capture_output=True, text=True,
                                      check=True).stdout)
    catalog = {r["name"]: r for r in rules}
    with tempfile.TemporaryDirectory() as tmp:
        config = os.path.join(tmp, "dockside.toml")
        with open(config, "w", encoding="utf-8") as f:
            f.write("shellcheck = false\n")
        out = subprocess.run([binary, "check", "--config", config, "--format", "json", "--fail-level", "none", corpus],
                             capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit(out.stderr)
    counts: Counter[str] = Counter()
    severity: Counter[str] = Counter()
    for entry in json.loads(out.stdout)["files"]:
        for d in entry["diagnostics"]:
            counts[d["rule"]] += 1
            severity[d.get("severity", "")] += 1
    return counts, {"catalog": catalog, "severity": severity}


def hadolint(baseline: str, catalog: dict) -> tuple[Counter[str], Counter[str]]:
    by_alias = {}
    for name, rule in catalog.items():
        for alias in rule.get("aliases", []):
            by_alias.setdefault(alias, name)
    counts: Counter[str] = Counter()
    severity: Counter[str] = Counter()
    with open(baseline, encoding="utf-8") as f:
        next(f)
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 5:
                continue
            code, level = cols[3], cols[4]
            if code.startswith("SC"):
                key = "(ShellCheck)"
            else:
                key = by_alias.get(code, f"({code}: no dockside rule)")
            counts[key] += 1
            severity[level] += 1
    return counts, severity


def main() -> int:
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True)
    parser.add_argument("--after", default=os.path.join(root, "target", "release", "dockside"))
    parser.add_argument("--corpus", default=os.path.join(root, "..", "shared", "corpus", "files"))
    parser.add_argument("--baseline", default=os.path.join(root, "..", "shared", "corpus", "hadolint-baseline.tsv"))
    args = parser.parse_args()

    before, b_meta = run(args.before, args.corpus)
    after, a_meta = run(args.after, args.corpus)
    catalog = {**b_meta["catalog"], **a_meta["catalog"]}
    had, had_sev = hadolint(args.baseline, catalog)

    def category(rule: str) -> str:
        return catalog.get(rule, {}).get("category", "(not a dockside rule)")

    total = lambda c: sum(c.values())  # noqa: E731
    print(f"dockside before: {total(before):,} findings; after: {total(after):,}; "
          f"hadolint 2.15.1: {total(had):,} (of which {had['(ShellCheck)']:,} from ShellCheck).\n")

    print("### Per category\n")
    print("| Category | Before | After | hadolint |")
    print("|---|---:|---:|---:|")
    cats: dict[str, list[int]] = {}
    for counter, col in ((before, 0), (after, 1), (had, 2)):
        for rule, n in counter.items():
            key = "ShellCheck" if rule == "(ShellCheck)" else category(rule)
            cats.setdefault(key, [0, 0, 0])[col] += n
    for key in sorted(cats, key=lambda k: -cats[k][1]):
        b, a, h = cats[key]
        print(f"| {key} | {b:,} | {a:,} | {h:,} |")
    print(f"| **total** | **{total(before):,}** | **{total(after):,}** | **{total(had):,}** |\n")

    print("### Per severity\n")
    print("dockside reports `style` for casing and layout rules; hadolint's levels are its own.\n")
    print("| Severity | Before | After | hadolint |")
    print("|---|---:|---:|---:|")
    for sev in SEVERITIES:
        b, a, h = b_meta["severity"][sev], a_meta["severity"][sev], had_sev[sev]
        print(f"| {sev} | {b:,} | {a:,} | {h:,} |")
    print()

    print("### Per rule\n")
    print("| Rule | Category | Before | After | hadolint |")
    print("|---|---|---:|---:|---:|")
    rules = set(before) | set(after) | set(had)
    for rule in sorted(rules, key=lambda r: (-after[r], -before[r], -had[r], r)):
        name = rule if rule.startswith("(") else f"`{rule}`"
        print(f"| {name} | {category(rule) if not rule.startswith('(') else ''} | {before[rule]:,} | {after[rule]:,} "
              f"| {had[rule]:,} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
