#!/usr/bin/env bash
# The pip-installable binary: builds the wheel with maturin (pyproject.toml,
# bindings = "bin"), installs it into a fresh virtualenv and runs
# `dockside check` from there; then runs the steps of action.yml with that
# install. usage: wheel.sh TOOLS_VENV (a virtualenv with maturin and PyYAML)
set -euo pipefail
# The end-of-life rules compare base images with the lint date: pin it, so
# the fixtures' images (alpine:3.19) stay supported whatever today is.
export DOCKSIDE_LINT_DATE=2024-06-01
tools=$(realpath "$1")
maturin="$tools/bin/maturin"
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "wheel test: $*" >&2; exit 1; }

"$maturin" build --release --out "$work/wheels"
wheels=("$work"/wheels/dockside_lint-*.whl)
[ ${#wheels[@]} -eq 1 ] && [ -f "${wheels[0]}" ] || fail "expected one dockside_lint wheel, got: ${wheels[*]}"
wheel=${wheels[0]}
echo "built $(basename "$wheel")"
python3 - "$wheel" <<'PY' || fail "unexpected wheel contents"
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
scripts = [n for n in names if "/scripts/" in n]
assert scripts and all(n.endswith("/scripts/dockside") for n in scripts), names
assert not [n for n in names if n.endswith(".py")], names
PY

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --no-index "$wheel"
bin="$work/venv/bin/dockside"
[ -x "$bin" ] || fail "the wheel installed no dockside script"
"$bin" --version | grep -q "^dockside " || fail "dockside --version from the wheel"

mkdir -p "$work/project"
printf 'FROM ubuntu\n' > "$work/project/Dockerfile"
printf 'FROM alpine:3.19\nUSER 1000\nCMD ["true"]\n' > "$work/project/Containerfile"
set +e
(cd "$work/project" && "$bin" check --format concise .) > "$work/out" 2>&1
status=$?
set -e
[ $status -eq 1 ] || { cat "$work/out"; fail "dockside check from the wheel exited $status, expected 1"; }
grep -q 'Dockerfile:1:6: warning\[untagged-base-image\]' "$work/out" || { cat "$work/out"; fail "missing finding"; }
(cd "$work/project" && "$bin" check Containerfile >/dev/null) || fail "a clean file fails"
echo "ok: dockside check runs from the installed wheel"

# action.yml, step by step, with the wheel's dockside on PATH (the install
# step then only prints the version).
PATH="$work/venv/bin:$PATH" "$tools/bin/python" "$root/tests/integrations/action_test.py" "$root/action.yml" "$work/project"
