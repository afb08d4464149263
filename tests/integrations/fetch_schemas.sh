#!/usr/bin/env bash
# Puts the SARIF 2.1.0 JSON schema into .tools/schemas/ for tests/formats.rs.
# It comes from a pinned npm package that ships it (@microsoft/jest-sarif,
# lib/schemas/sarif-2.1.0-rtm.5.json), checked against a known SHA-256.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dest="$root/.tools/schemas"
file=sarif-2.1.0-rtm.5.json
sha256=2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8
if [ -f "$dest/$file" ] && echo "$sha256  $dest/$file" | sha256sum --check --status; then
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent @microsoft/jest-sarif@1.0.0-beta.0 >/dev/null)
tar -xzf "$tmp"/microsoft-jest-sarif-1.0.0-beta.0.tgz -C "$tmp" "package/lib/schemas/$file"
echo "$sha256  $tmp/package/lib/schemas/$file" | sha256sum --check --quiet
mkdir -p "$dest"
mv "$tmp/package/lib/schemas/$file" "$dest/$file"
