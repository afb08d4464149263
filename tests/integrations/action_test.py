#!/usr/bin/env python3
"""Runs the steps of the composite action.yml in a project directory, as a
runner would: each step's `run` in bash with its `env`, `${{ inputs.X }}`
replaced by the given or default input values, `if:` on sarif-file honoured.

usage: action_test.py action.yml PROJECT_DIR   (dockside must be on PATH)
"""
import json
import os
import re
import subprocess
import sys

import yaml  # PyYAML, which pre-commit depends on (in the tools venv)


def run_action(action, project, inputs):
    values = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    values.update(inputs)

    def expand(text):
        return re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: values[m.group(1)], str(text))

    results = []
    for step in action["runs"]["steps"]:
        condition = step.get("if")
        if condition is not None:
            m = re.fullmatch(r"inputs\.([\w-]+) != ''", condition.strip())
            assert m, f"unsupported condition {condition!r}"
            if values[m.group(1)] == "":
                continue
        assert step["shell"] == "bash"
        env = dict(os.environ)
        env.update({k: expand(v) for k, v in step.get("env", {}).items()})
        assert "${{" not in step["run"], "inputs must reach scripts through env, not be pasted into them"
        proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=project, env=env, capture_output=True, text=True)
        results.append((step["name"], proc))
        if proc.returncode != 0:
            break
    return results


def main():
    action_path, project = sys.argv[1], sys.argv[2]
    with open(action_path) as f:
        action = yaml.safe_load(f)
    assert action["runs"]["using"] == "composite"

    # Default inputs: annotations, failure at warning (the Dockerfile is untagged).
    results = run_action(action, project, {})
    names = [name for name, _ in results]
    assert names == ["Install dockside", "Lint"], names
    lint = results[-1][1]
    assert lint.returncode == 1, (lint.returncode, lint.stdout, lint.stderr)
    assert re.search(r"^::warning file=Dockerfile,line=1,col=6,.*title=dockside untagged-base-image", lint.stdout, re.M), lint.stdout

    # fail-level error passes; the SARIF file is written; args reach dockside.
    sarif = os.path.join(project, "out.sarif")
    results = run_action(action, project, {"fail-level": "error", "sarif-file": "out.sarif", "args": "--ignore DL3007"})
    assert [n for n, _ in results] == ["Install dockside", "SARIF report", "Lint"], results
    assert all(p.returncode == 0 for _, p in results), [(n, p.returncode, p.stderr) for n, p in results]
    with open(sarif) as f:
        log = json.load(f)
    rules = {r["ruleId"] for r in log["runs"][0]["results"]}
    assert "untagged-base-image" in rules, rules

    # --ignore through args silences the finding.
    results = run_action(action, project, {"args": "--ignore untagged-base-image"})
    assert results[-1][1].returncode == 0, results[-1][1].stdout
    print("ok: action.yml steps (annotations, fail-level, SARIF, args)")


if __name__ == "__main__":
    main()
