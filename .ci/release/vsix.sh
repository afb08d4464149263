#!/usr/bin/env bash
# Platform-specific VS Code packages, each bundling one release binary in
# bundled/ (where the extension looks before PATH: editors/vscode/src/binary.ts).
# usage: vsix.sh OUT_DIR VSCODE_TARGET=BINARY...
#   e.g. vsix.sh out linux-x64=dist/dockside-x86_64-unknown-linux-musl \
#                    win32-x64=dist/dockside-x86_64-pc-windows-msvc.exe
# Writes OUT_DIR/dockside-VSCODE_TARGET.vsix for each pair.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: vsix.sh OUT_DIR VSCODE_TARGET=BINARY..." >&2; exit 2; }
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
shift
pairs=()
for pair in "$@"; do
  target=${pair%%=*}
  binary=${pair#*=}
  if [ "$target" = "$pair" ] || [ -z "$target" ]; then
    echo "vsix: expected VSCODE_TARGET=BINARY, got $pair" >&2
    exit 2
  fi
  [ -f "$binary" ] || { echo "vsix: $binary: no such file" >&2; exit 2; }
  pairs+=("$target=$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")")
done

cd "$root/editors/vscode"
trap 'rm -rf bundled' EXIT
npm ci --no-audit --no-fund
for pair in "${pairs[@]}"; do
  target=${pair%%=*}
  binary=${pair#*=}
  case $target in win32-*) name=dockside.exe ;; *) name=dockside ;; esac
  rm -rf bundled && mkdir bundled
  cp "$binary" "bundled/$name"
  chmod 0755 "bundled/$name"
  # vsce runs the vscode:prepublish script (the production bundle) first.
  npx vsce package --target "$target" --out "$out/dockside-$target.vsix"
done
