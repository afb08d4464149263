#!/usr/bin/env python3
"""Checks a platform .vsix: exactly the expected files, a self-contained
bundle, and the bundled binary identical to the one given and runnable.

usage: check_vsix.py EXTENSION.vsix BINARY
"""
import json
import os
import stat
import subprocess
import sys
import tempfile
import zipfile

EXPECTED = {
    "[Content_Types].xml",
    "extension.vsixmanifest",
    "extension/package.json",
    "extension/readme.md",
    "extension/LICENSE.txt",
    "extension/dist/extension.js",
    "extension/bundled/dockside",
}


def main() -> int:
    vsix, binary = sys.argv[1], sys.argv[2]
    problems = []
    with zipfile.ZipFile(vsix) as z:
        names = set(z.namelist())
        if names != EXPECTED:
            problems.append(f"unexpected files: {sorted(names - EXPECTED)}, missing: {sorted(EXPECTED - names)}")
        manifest = json.loads(z.read("extension/package.json"))
        if manifest.get("main") != "./dist/extension.js":
            problems.append(f"main is {manifest.get('main')!r}")
        bundle = z.read("extension/dist/extension.js").decode()
        for module in ("vscode-languageclient", "vscode-jsonrpc", "vscode-languageserver-protocol"):
            if f'require("{module}' in bundle:
                problems.append(f"the bundle requires {module} at run time instead of including it")
        if 'require("vscode")' not in bundle:
            problems.append("the bundle does not load the vscode API")
        vsixmanifest = z.read("extension.vsixmanifest").decode()
        if 'TargetPlatform="linux-x64"' not in vsixmanifest:
            problems.append("the package is not marked linux-x64")
        with open(binary, "rb") as f:
            if z.read("extension/bundled/dockside") != f.read():
                problems.append("extension/bundled/dockside differs from " + binary)
        with tempfile.TemporaryDirectory() as tmp:
            extracted = z.extract("extension/bundled/dockside", tmp)
            os.chmod(extracted, os.stat(extracted).st_mode | stat.S_IXUSR)
            out = subprocess.run([extracted, "--version"], capture_output=True, text=True, timeout=30)
            if out.returncode != 0 or not out.stdout.startswith("dockside "):
                problems.append(f"the bundled binary does not run: {out.returncode} {out.stdout!r} {out.stderr!r}")
    for p in problems:
        print("vsix:", p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
