#!/usr/bin/env bash
# Regenerate src/parser.c from grammar.js and record the grammar's hash.
# Needs tree-sitter-cli 0.27 (`cargo install --locked tree-sitter-cli@0.27.1`) and node.
set -euo pipefail
cd "$(dirname "$0")"
tree-sitter generate grammar.js
sha256sum grammar.js | cut -d' ' -f1 > src/GENERATED_FROM
echo "regenerated; grammar.js sha256 $(cat src/GENERATED_FROM)"
