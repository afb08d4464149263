#!/usr/bin/env python3
"""Count dockside's findings per rule on the shared corpus.

    python3 tests/compat/corpus_report.py [--bin target/release/dockside]
        [--corpus ../shared/corpus/files] [--all] [--markdown]

Runs the dockside CLI once over the corpus (ShellCheck off: this report is
about dockside's own rules) and prints, per rule, the number of findings
and of files with a finding. `--all` also runs the rules that are off by
default. `--markdown` prints a table for docs/rules-review.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter


def main() -> int:
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=os.path.join(root, "target", "release", "dockside"))
    parser.add_argument("--corpus", default=os.path.join(root, "..", "shared", "corpus", "files"))
    parser.add_argument("--all", action="store_true", help="include rules that are off by default")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()

    rules = subprocess.run([args.bin, "rules", "--format", "json"], capture_output=True, text=True)
    catalog = {}
    if rules.returncode == 0:
        for rule in json.loads(rules.stdout):
            catalog[rule["name"]] = rule

    with tempfile.TemporaryDirectory() as tmp:
        config = os.path.join(tmp, "dockside.toml")
        with open(config, "w", encoding="utf-8") as f:
            f.write("shellcheck = false\n")
        command = [args.bin, "check", "--config", config, "--format", "json", "--fail-level", "none"]
        if args.all:
            command += ["--select", ",".join(sorted(catalog)) or "ALL"]
        result = subprocess.run(command + [args.corpus], capture_output=True, text=True)
    if result.returncode not in (0, 1):
        print(result.stderr, file=sys.stderr)
        return 2
    report = json.loads(result.stdout)
    findings: Counter[str] = Counter()
    files: Counter[str] = Counter()
    for entry in report["files"]:
        seen = set()
        for d in entry["diagnostics"]:
            findings[d["rule"]] += 1
            seen.add(d["rule"])
        files.update(seen)
    total_files = len(report["files"])

    rows = sorted(findings, key=lambda r: (-findings[r], r))
    if args.markdown:
        print(f"{sum(findings.values()):,} findings in {total_files:,} files.\n")
        print("| Rule | Category | Findings | Files |")
        print("|---|---|---:|---:|")
        for rule in rows:
            category = catalog.get(rule, {}).get("category", "")
            print(f"| `{rule}` | {category} | {findings[rule]:,} | {files[rule]:,} |")
        silent = sorted(set(catalog) - set(findings))
        if silent:
            print("\nNo finding: " + ", ".join(f"`{r}`" for r in silent) + ".")
    else:
        for rule in rows:
            print(f"{rule:40} {findings[rule]:7} {files[rule]:6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
