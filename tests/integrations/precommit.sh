#!/usr/bin/env bash
# The published pre-commit hooks (.pre-commit-hooks.yaml) on a small git
# repository: a bad Dockerfile fails `dockside` (through `pre-commit
# try-repo`, which also picks up uncommitted hook changes), a clean one
# passes and a non-Dockerfile is not handed to it, `dockside-fix` rewrites a
# fixable file (through a `.pre-commit-config.yaml` naming this repository
# at HEAD, as users configure it), `dockside-format` formats a messy file
# and then passes.
#
# usage: precommit.sh PATH/TO/pre-commit
# pre-commit builds dockside with `cargo install` (language: rust) in each
# fresh clone it makes; sharing this checkout's target/ reuses the compiled
# dependencies. try-repo clones anew on every call, so it is called once;
# the configured repository is cloned and built once for all other runs.
set -euo pipefail
# The end-of-life rules compare base images with the lint date: pin it, so
# the fixtures' images (alpine:3.19) stay supported whatever today is.
export DOCKSIDE_LINT_DATE=2024-06-01
pre_commit=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
export PRE_COMMIT_HOME="$root/.tools/pre-commit-home"
export CARGO_TARGET_DIR="$root/target"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "pre-commit test: $*" >&2; exit 1; }

cd "$work"
git init -q project
cd project
git config user.email ci@example.com
git config user.name ci
git config commit.gpgsign false

try() { "$pre_commit" try-repo "$root" "$@" --all-files --color never >"$work/out" 2>&1; }
run() { "$pre_commit" run "$@" --all-files --color never >"$work/out" 2>&1; }

# 1. A bad Dockerfile fails the check hook, naming the rule.
printf 'FROM ubuntu\nRUN apt-get install curl\n' > Dockerfile
git add Dockerfile
if try dockside; then cat "$work/out"; fail "the dockside hook passed a bad Dockerfile"; fi
grep -q 'untagged-base-image' "$work/out" || { cat "$work/out"; fail "no untagged-base-image finding"; }
grep -q 'apt-get-missing-yes' "$work/out" || { cat "$work/out"; fail "no apt-get-missing-yes finding"; }
echo "ok: dockside fails a bad Dockerfile (try-repo)"

cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $root
    rev: $(git -C "$root" rev-parse HEAD)
    hooks:
      - id: dockside
      - id: dockside-fix
      - id: dockside-format
YAML

# 2. Clean Dockerfiles pass; a text file that is not a Dockerfile (and would
#    fail if linted as one) is not selected.
printf 'FROM alpine:3.19\nRUN apk add --no-cache curl=8.5.0-r0\nUSER 1000\nCMD ["curl", "--version"]\n' > Dockerfile
cp Dockerfile api.Dockerfile
cp Dockerfile Containerfile.prod
printf 'FROM ubuntu\nMAINTAINER nobody\n' > notes.txt
git add -A
run dockside || { cat "$work/out"; fail "the dockside hook failed clean Dockerfiles"; }
grep -q 'Passed' "$work/out" || { cat "$work/out"; fail "the hook did not run"; }
echo "ok: dockside passes clean Dockerfiles and skips other files"

# 3. The fix hook rewrites a fixable file (and so fails the run, as pre-commit
#    does for any hook that modifies files), after which the check passes.
printf 'FROM alpine:3.19\nMAINTAINER someone@example.com\nUSER 1000\nCMD ["true"]\n' > build.dockerfile
git add -A
before=$(cat build.dockerfile)
if run dockside-fix; then cat "$work/out"; fail "dockside-fix did not report the modified file"; fi
after=$(cat build.dockerfile)
[ "$before" != "$after" ] || { cat "$work/out"; fail "dockside-fix left the file unchanged"; }
grep -q 'MAINTAINER' build.dockerfile && fail "MAINTAINER is still there: $after"
grep -q 'someone@example.com' build.dockerfile || fail "the fix lost the author: $after"
[ "$(cat notes.txt)" = "$(printf 'FROM ubuntu\nMAINTAINER nobody')" ] || fail "dockside-fix touched notes.txt"
git add -A
run dockside || { cat "$work/out"; fail "the fixed file does not pass"; }
echo "ok: dockside-fix rewrites the file, which then passes"

# 4. The format hook rewrites a messy file (failing the run, as any hook that
#    modifies files does); formatted, it passes and changes nothing.
printf 'from alpine:3.19\nrun  apk add --no-cache curl=8.5.0-r0&&\\\n  true\nUSER 1000\nCMD ["true"]\n' > fmt.dockerfile
git add -A
if run dockside-format; then cat "$work/out"; fail "dockside-format did not report the modified file"; fi
expected=$(printf 'FROM alpine:3.19\nRUN apk add --no-cache curl=8.5.0-r0 \\\n    && true\nUSER 1000\nCMD ["true"]')
[ "$(cat fmt.dockerfile)" = "$expected" ] || { cat fmt.dockerfile; fail "dockside-format wrote something else"; }
git add -A
run dockside-format || { cat "$work/out"; fail "the formatted file does not pass"; }
echo "ok: dockside-format formats the file, which then passes"
