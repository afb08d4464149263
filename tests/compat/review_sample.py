#!/usr/bin/env python3
"""The per-rule review sample of dockside's findings on the shared corpus.

    python3 tests/compat/review_sample.py show [RULE ...]   # the sample, with context
    python3 tests/compat/review_sample.py check             # verdicts cover it, precision
    python3 tests/compat/review_sample.py check --markdown  # the table for docs

For every rule on by default, up to 10 findings are sampled (all of them
when a rule has fewer). The sample is stable: each finding is ranked by a
hash of (rule, file, line, column) and the 10 lowest are taken, so a change
that removes or adds findings elsewhere leaves the sample alone, and a
removed false positive is replaced by exactly one new finding to review.

Verdicts live in docs/rules-review/verdicts/*.tsv (one file per group of
categories), one row per reviewed finding: rule, file, line, column,
verdict (right / wrong / debatable) and the reason. `check` fails when a sampled finding has no verdict or when the
precision on the sample, counting debatable findings as wrong, is below
97%. Findings are those of `dockside check` with ShellCheck off and the lint
date fixed (base-image end-of-life dates depend on it).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VERDICTS = os.path.join(ROOT, "docs", "rules-review", "verdicts")
LINT_DATE = "2026-12-07"
PER_RULE = 10
TARGET = 0.97
VERDICT_KINDS = ("right", "wrong", "debatable")


def findings(binary: str, corpus: str) -> dict[str, list[dict]]:
    with tempfile.TemporaryDirectory() as tmp:
        config = os.path.join(tmp, "dockside.toml")
        with open(config, "w", encoding="utf-8") as f:
            f.write("shellcheck = false\n")
        env = dict(os.environ, DOCKSIDE_LINT_DATE=LINT_DATE)
        result = subprocess.run(
            [binary, "check", "--config", config, "--format", "json", "--fail-level", "none", corpus],
            capture_output=True,
            text=True,
            env=env,
        )
    if result.returncode not in (0, 1):
        sys.exit(f"dockside check failed ({result.returncode}): {result.stderr}")
    by_rule: dict[str, list[dict]] = defaultdict(list)
    for entry in json.loads(result.stdout)["files"]:
        name = os.path.relpath(entry["path"], corpus)
        for d in entry["diagnostics"]:
            start = d["range"]["start"]
            by_rule[d["rule"]].append(
                {"rule": d["rule"], "file": name, "line": start["line"], "column": start["column"], "message": d["message"]}
            )
    return by_rule


def rank(f: dict) -> str:
    return hashlib.sha256(f"{f['rule']}|{f['file']}|{f['line']}|{f['column']}".encode()).hexdigest()


def sample(by_rule: dict[str, list[dict]]) -> dict[str, list[dict]]:
    return {rule: sorted(sorted(found, key=rank)[:PER_RULE], key=lambda f: (f["file"], f["line"], f["column"]))
            for rule, found in sorted(by_rule.items())}


def key(f: dict) -> tuple:
    return (f["rule"], f["file"], int(f["line"]), int(f["column"]))


def read_verdicts(directory: str) -> dict[tuple, dict]:
    verdicts = {}
    if not os.path.isdir(directory):
        return verdicts
    for name in sorted(os.listdir(directory)):
        if name.endswith(".tsv"):
            verdicts.update(read_verdict_file(os.path.join(directory, name)))
    return verdicts


def read_verdict_file(path: str) -> dict[tuple, dict]:
    verdicts = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#") or line.startswith("rule\t"):
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 6 or parts[4] not in VERDICT_KINDS:
                sys.exit(f"{path}:{number}: expected rule, file, line, column, verdict ({'/'.join(VERDICT_KINDS)}), reason")
            row = dict(zip(("rule", "file", "line", "column", "verdict", "reason"), parts))
            verdicts[key(row)] = row
    return verdicts


def show(chosen: dict[str, list[dict]], corpus: str, rules: list[str]) -> None:
    for rule, found in chosen.items():
        if rules and rule not in rules:
            continue
        print(f"## {rule} ({len(found)} sampled)")
        for f in found:
            print(f"\n### {f['file']}:{f['line']}:{f['column']}  {f['message']}")
            with open(os.path.join(corpus, f["file"]), encoding="utf-8", errors="replace") as text:
                lines = text.read().splitlines()
            first, last = max(0, f["line"] - 4), min(len(lines), f["line"] + 3)
            for n in range(first, last):
                print(f"{'>' if n + 1 == f['line'] else ' '}{n + 1:5} {lines[n]}")
        print()


def check(chosen: dict[str, list[dict]], by_rule: dict[str, list[dict]], markdown: bool) -> int:
    verdicts = read_verdicts(VERDICTS)
    missing = [f for found in chosen.values() for f in found if key(f) not in verdicts]
    for f in missing:
        print(f"no verdict: {f['rule']}\t{f['file']}\t{f['line']}\t{f['column']}\t{f['message']}", file=sys.stderr)
    counts = {kind: 0 for kind in VERDICT_KINDS}
    rows = []
    for rule, found in chosen.items():
        per = {kind: 0 for kind in VERDICT_KINDS}
        for f in found:
            v = verdicts.get(key(f))
            if v:
                per[v["verdict"]] += 1
                counts[v["verdict"]] += 1
        rows.append((rule, len(by_rule[rule]), len(found), per))
    reviewed = sum(counts.values())
    precision = counts["right"] / reviewed if reviewed else 0.0
    if markdown:
        print("| Rule | Findings | Sampled | Right | Wrong | Debatable |")
        print("|---|---:|---:|---:|---:|---:|")
        for rule, total, n, per in rows:
            print(f"| `{rule}` | {total:,} | {n} | {per['right']} | {per['wrong']} | {per['debatable']} |")
        print(f"| **total** | {sum(len(v) for v in by_rule.values()):,} | {reviewed} | {counts['right']} | "
              f"{counts['wrong']} | {counts['debatable']} |")
        print()
    print(f"{len(chosen)} rules, {reviewed} sampled findings reviewed: {counts['right']} right, {counts['wrong']} wrong, "
          f"{counts['debatable']} debatable; precision {precision:.1%} counting debatable as wrong (target {TARGET:.0%})")
    if missing:
        print(f"{len(missing)} sampled findings have no verdict in {os.path.relpath(VERDICTS, ROOT)}/*.tsv", file=sys.stderr)
        return 1
    return 0 if precision >= TARGET else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("show", "check"))
    parser.add_argument("rules", nargs="*")
    parser.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "dockside"))
    parser.add_argument("--corpus", default=os.path.join(ROOT, "..", "shared", "corpus", "files"))
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    by_rule = findings(args.bin, args.corpus)
    chosen = sample(by_rule)
    if args.mode == "show":
        show(chosen, args.corpus, args.rules)
        return 0
    return check(chosen, by_rule, args.markdown)


if __name__ == "__main__":
    sys.exit(main())
