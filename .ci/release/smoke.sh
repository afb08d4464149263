#!/usr/bin/env bash
# A release binary, run the way a user would: --version, check and format on
# the repository's own Dockerfile (clean) and on a file with a known finding,
# and on Linux that it is statically linked (it must run on any distribution
# and in the FROM-scratch image). Used by the release workflow on every
# runner that can execute the binary, and by tests/integrations/release.sh.
# usage: smoke.sh BINARY
set -euo pipefail
bin=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
fail() { echo "smoke: $bin: $*" >&2; exit 1; }
[ -f "$bin" ] || fail "no such file"

version=$("$bin" --version) || fail "--version failed"
case $version in "dockside "*) ;; *) fail "unexpected --version output: $version" ;; esac
echo "smoke: $version"

if [ "$(uname -s)" = Linux ]; then
  description=$(file -b "$bin")
  case $description in
    *"statically linked"* | *"static-pie linked"*) ;;
    *) fail "not statically linked: $description" ;;
  esac
  # ldd exits non-zero for a static binary; only its message matters.
  ldd_out=$(ldd "$bin" 2>&1 || true)
  case $ldd_out in
    *"not a dynamic executable"* | *"statically linked"*) ;;
    *) fail "ldd lists shared libraries: $ldd_out" ;;
  esac
  echo "smoke: static ($description)"
fi

# The image definition passes our own linter and formatter.
"$bin" check --fail-level style "$root/Dockerfile" || fail "check Dockerfile reported findings or failed"
"$bin" format --check "$root/Dockerfile" || fail "format --check Dockerfile: not formatted"

# A file with a known finding, from standard input: exit 1 and the rule.
set +e
out=$(printf 'FROM ubuntu\n' | "$bin" check --format concise --stdin-filename Dockerfile - 2>&1)
status=$?
set -e
[ $status -eq 1 ] || fail "check on 'FROM ubuntu' exited $status, expected 1: $out"
case $out in *"untagged-base-image"*) ;; *) fail "check on 'FROM ubuntu' misses untagged-base-image: $out" ;; esac

# The formatter, from standard input.
formatted=$(printf 'from alpine:3.19\n' | "$bin" format -) || fail "format - failed: $formatted"
[ "$formatted" = "FROM alpine:3.19" ] || fail "format - gave: $formatted"
echo "smoke: ok"
