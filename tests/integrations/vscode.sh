#!/usr/bin/env bash
# The VS Code extension: strict type-check and unit tests (npm test), then a
# linux-x64 .vsix bundling the given dockside binary, whose contents are
# checked. usage: vscode.sh path/to/dockside
set -euo pipefail
binary=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root/editors/vscode"

npm ci --no-audit --no-fund
npm test

# The bundle must load with nothing but the vscode API beside it.
node esbuild.mjs --production
node -e '
const Module = require("module");
const original = Module._load;
Module._load = function (request, ...rest) {
  // Any property of the API is a constructible stand-in (the bundle
  // subclasses a few API classes when it loads).
  if (request === "vscode") {
    const stub = new Proxy(function () {}, { get: () => stub, construct: () => stub, apply: () => stub });
    return stub;
  }
  return original.call(this, request, ...rest);
};
const ext = require("./dist/extension.js");
for (const f of ["activate", "deactivate"]) {
  if (typeof ext[f] !== "function") { console.error("dist/extension.js does not export " + f); process.exit(1); }
}
'

rm -rf bundled && mkdir bundled && cp "$binary" bundled/dockside
rm -f dockside-linux-x64.vsix
npx vsce package --target linux-x64 --out dockside-linux-x64.vsix
python3 "$root/tests/integrations/check_vsix.py" dockside-linux-x64.vsix "$binary"
