#!/usr/bin/env bash
# The release workflow's Linux x86_64 leg, run here (.github/workflows/release.yml,
# docs/releasing.md): a static binary built by maturin into the wheel, exactly
# as the workflow does (there with the musl target; rustup cannot download it
# here, so the installed gnu target links statically with +crt-static), the
# binary taken out of that wheel, the smoke test, the same output as the
# ordinary release build on corpus files, and the .vsix packages with it.
# Also: the tag check, and the root Dockerfile linted and formatted by
# dockside itself (inside smoke.sh).
# usage: release.sh TOOLS_VENV RELEASE_BINARY
#   TOOLS_VENV: a virtualenv with maturin; RELEASE_BINARY: target/release/dockside
set -euo pipefail
export DOCKSIDE_LINT_DATE=2024-06-01
tools=$(realpath "$1")
reference=$(realpath "$2")
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "release test: $*" >&2; exit 1; }

# 1. The tag check refuses a tag that is not the packages' version.
version=$(python3 -c 'import tomllib; print(tomllib.load(open("Cargo.toml", "rb"))["package"]["version"])')
python3 .ci/release/check_version.py "v$version" || fail "check_version refuses v$version"
if python3 .ci/release/check_version.py "v$version.1" 2>/dev/null; then
  fail "check_version accepts v$version.1"
fi
echo "ok: check_version accepts v$version and refuses v$version.1"

# 2. The static binary, in the wheel. With --target, cargo keeps these
# artifacts in target/x86_64-unknown-linux-gnu/ (RUSTFLAGS differ from the
# ordinary build) and shares only the build scripts and proc macros.
target=x86_64-unknown-linux-gnu
start=$(date +%s)
# (The workflow adds the musllinux_1_2 tag too; maturin accepts both tags
# only for a musl target.)
RUSTFLAGS="-C target-feature=+crt-static" "$tools/bin/maturin" build --release --locked \
  --target "$target" --compatibility manylinux2014 --out "$work/wheels"
echo "static wheel build: $(($(date +%s) - start)) s"
wheels=("$work"/wheels/dockside_lint-*.whl)
if [ ${#wheels[@]} -ne 1 ] || [ ! -f "${wheels[0]}" ]; then
  fail "expected one wheel, got: ${wheels[*]}"
fi
wheel=$(basename "${wheels[0]}")
for tag in manylinux_2_17_x86_64 manylinux2014_x86_64; do
  case $wheel in *"$tag"*) ;; *) fail "$wheel is not tagged $tag" ;; esac
done
bin="$work/dist/dockside-$target"
python3 .ci/release/binary_from_wheel.py "${wheels[0]}" "$bin"
echo "static binary: $(stat -c %s "$bin") bytes (ordinary release build: $(stat -c %s "$reference") bytes)"
.ci/release/smoke.sh "$bin"
# The smoke test can fail: the ordinary (dynamically linked) build is refused.
if .ci/release/smoke.sh "$reference" > "$work/smoke.out" 2>&1; then
  fail "smoke.sh accepts the dynamically linked $reference"
fi
grep -q "not statically linked" "$work/smoke.out" || { cat "$work/smoke.out"; fail "smoke.sh failed on $reference for another reason"; }
echo "ok: smoke.sh refuses the dynamically linked build"

# 3. The static binary behaves as the ordinary build: same `check --format
# json` and `format` output, byte for byte, on corpus files (every 100th).
# ShellCheck runs too (child processes from the static binary), with a long
# timeout so a loaded machine cannot make the two runs differ.
corpus="$root/../shared/corpus/files"
[ -d "$corpus" ] || fail "needs the shared corpus at $corpus"
compared=0
for file in "$corpus"/*00.Dockerfile; do
  for which in static reference; do
    if [ $which = static ]; then binary=$bin; else binary=$reference; fi
    set +e
    "$binary" check --format json --shellcheck-timeout 120 "$file" > "$work/check.$which"
    status=$?
    set -e
    [ $status -le 1 ] || fail "$binary check $file exited $status"
    "$binary" format - < "$file" > "$work/format.$which" 2>&1 || true
  done
  cmp -s "$work/check.static" "$work/check.reference" || fail "check output differs on $file"
  cmp -s "$work/format.static" "$work/format.reference" || fail "format output differs on $file"
  compared=$((compared + 1))
done
[ $compared -ge 10 ] || fail "only $compared corpus files compared"
echo "ok: the static binary's check and format output equal the release build's on $compared corpus files"

# 4. The VS Code packages of the workflow's vsix job, with this binary.
.ci/release/vsix.sh "$work/vsix" linux-x64="$bin" alpine-x64="$bin"
python3 tests/integrations/check_vsix.py "$work/vsix/dockside-linux-x64.vsix" "$bin"
python3 - "$work/vsix/dockside-alpine-x64.vsix" "$bin" <<'PY' || fail "the alpine-x64 package"
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert 'TargetPlatform="alpine-x64"' in z.read("extension.vsixmanifest").decode()
assert z.read("extension/bundled/dockside") == open(sys.argv[2], "rb").read()
PY
echo "ok: linux-x64 and alpine-x64 .vsix bundle the static binary"
