#!/usr/bin/env python3
"""Checks that a release tag names the version the packages carry.

usage: check_version.py TAG      (TAG is `v` + the version, e.g. v0.1.0)

The binary and the wheel take their version from Cargo.toml (pyproject.toml
says `dynamic = ["version"]`); the VS Code extension has its own in
editors/vscode/package.json. A tag that disagrees with either would publish
files whose `--version` or marketplace version contradicts the release.
"""
import json
import pathlib
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[2]


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    tag = sys.argv[1]
    cargo = tomllib.loads((ROOT / "Cargo.toml").read_text())["package"]["version"]
    extension = json.loads((ROOT / "editors/vscode/package.json").read_text())["version"]
    problems = []
    if tag != f"v{cargo}":
        problems.append(f"tag {tag} does not match Cargo.toml's version {cargo} (expected v{cargo})")
    if extension != cargo:
        problems.append(f"editors/vscode/package.json has version {extension}, Cargo.toml {cargo}")
    for p in problems:
        print(f"check_version: {p}", file=sys.stderr)
    if not problems:
        print(f"check_version: {tag} matches Cargo.toml and editors/vscode/package.json")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
