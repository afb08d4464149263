#!/usr/bin/env python3
"""Run hadolint's own rule specs against dockside (issue #13).

hadolint's test suite states what each rule must and must not report as
small Dockerfiles in Haskell (`test/Hadolint/Rule/*Spec.hs` and a few other
spec files). This script reads those files from a hadolint git mirror or
checkout at run time (nothing of hadolint is stored in this repository),
extracts every assertion about what a rule reports, runs dockside over all
of them at once and compares.

    python3 tests/compat/hadolint_specs.py --hadolint PATH [--ref v2.15.1]
        [--bin target/release/dockside] [--verbose] [--code DLxxxx]
        [--dump FILE] [--shellcheck SHELLCHECK]

PATH is a bare git mirror (`…/hadolint.git`), a checkout (then `--ref` is
read from its git history when it has one, else the files on disk), or the
`test/` folder's parent without git.

What counts as a case (see hadolint's `test/Helpers.hs`):

* `ruleCatches CODE TEXT`: hadolint reports CODE at least once;
  `ruleCatchesNot CODE TEXT`: it reports CODE zero times.
* `onBuildRuleCatches` / `onBuildRuleCatchesNot`: the same, after every RUN
  instruction of TEXT is wrapped in ONBUILD (`RUN x` becomes
  `ONBUILD RUN x`; other instructions are left alone).
* `assertChecks TEXT (failsWith N CODE)` (and `assertOnBuildChecks`): N > 0
  is a "catches" case, N = 0 a "catches-not" one; the exact count is shown
  with --verbose but not compared (granularity).
* `assertChecks TEXT failsShellcheck|passesShellcheck`: a ShellCheck case.
  ShellCheck is off in this run, so these are counted in the class
  `shellcheck-spec` and not compared, unless `--shellcheck` names a
  binary: then they run with it, and any `SC` finding counts.
* `assertChecks TEXT (assertBool "…" . null)`: hadolint reports nothing
  at all. It is the case `DL*`, "catches-not": it agrees when no rule that
  has a DL code and is on by default reports anything (the off-by-default
  ones are DL1001 and DL3057 in both tools).
* Any other `assertChecks` checker (one not naming a rule code) is listed
  as not extracted, with the reason.

The text is evaluated from the Haskell source: string literals (all escapes,
string gaps, `\\&`), `Text.unlines`, `Text.unwords`, `Text.intercalate`,
`Text.concat`, `<>`/`++`, `$`, parentheses, lists, and identifiers bound by
`let` (the binding in scope at the assertion, by the layout rule). The
implicit `?config` in scope is read too: `allowedRegistries`,
`labelSchema` and `strictLabels` become dockside's `trusted-registries`,
`[required-labels]` and `strict-labels`; any other field puts the case in the
class `needs-hadolint-config`.

A DL code maps to the dockside rules whose `aliases` contain it (from
`dockside rules --format json`). Codes no rule carries are counted in the
class `not-implemented`, and a code argument that is not a code at all (a
slip in one spec) in `malformed-spec-code`. dockside runs once per distinct config over a
temporary directory with one file per case, every rule selected,
`shellcheck = false`, `--format json`, `--fail-level none`. A "catches"
case agrees when dockside reports at least one finding whose aliases
contain the code; a "catches-not" case when it reports none.

Every disagreement must be listed with a class in
`tests/compat/hadolint_specs_classes.tsv` (`case-id<TAB>class`), and every
class (there and the automatic ones above) must be a heading of
docs/hadolint-compat.md. The exit code is 1 when agreement over the
compared cases is below 98%, a disagreement has no class, a class is not
documented, or an assertion could not be extracted; 2 on a usage error
(no hadolint sources, dockside not runnable).

Case ids are `<spec file name>:<line of the assertion>` (a `#2` suffix would
tell apart two assertions on one line), stable for a given hadolint ref.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DEFAULT_TSV = os.path.join(HERE, "hadolint_specs_classes.tsv")
DEFAULT_DOC = os.path.join(ROOT, "docs", "hadolint-compat.md")
THRESHOLD = 98.0

# Classes the script assigns itself to cases it does not compare.
AUTO_SHELLCHECK = "shellcheck-spec"
AUTO_NOT_IMPLEMENTED = "not-implemented"
AUTO_NEEDS_CONFIG = "needs-hadolint-config"
AUTO_MALFORMED = "malformed-spec-code"


def die(msg: str):
    print(msg, file=sys.stderr)
    sys.exit(2)


# --------------------------------------------------------------------------
# Reading hadolint's test files


class Source:
    """The spec files of one hadolint ref, from git or from disk."""

    def __init__(self, path: str, ref: str):
        self.path = path
        self.ref = ref
        self.git_dir = None
        for cand in (os.path.join(path, ".git"), path):
            if os.path.exists(cand) and self._git(cand, "rev-parse", "--verify", "-q", ref + "^{commit}") is not None:
                self.git_dir = cand
                break
        if self.git_dir is None and not os.path.isdir(os.path.join(path, "test")):
            die(f"error: {path} is neither a git repository with ref {ref} nor a checkout with test/")

    @staticmethod
    def _git(git_dir: str, *args: str):
        r = subprocess.run(["git", "--git-dir", git_dir, *args], capture_output=True)
        return r.stdout if r.returncode == 0 else None

    def describe(self) -> str:
        return f"{self.path} @ {self.ref}" if self.git_dir else f"{self.path} (files on disk)"

    def spec_files(self) -> list[str]:
        if self.git_dir:
            out = self._git(self.git_dir, "ls-tree", "-r", "--name-only", self.ref, "test/")
            names = out.decode().split()
        else:
            names = []
            for d, _, files in os.walk(os.path.join(self.path, "test")):
                for f in files:
                    names.append(os.path.relpath(os.path.join(d, f), self.path))
        return sorted(n for n in names if n.endswith("Spec.hs"))

    def read(self, name: str) -> str:
        if self.git_dir:
            return self._git(self.git_dir, "show", f"{self.ref}:{name}").decode("utf-8")
        with open(os.path.join(self.path, name), encoding="utf-8") as f:
            return f.read()


# --------------------------------------------------------------------------
# A Haskell tokenizer, enough for the spec files

SYMBOL_CHARS = set("!#$%&*+./<=>?@\\^|-~:")
ASCII_ESCAPES = {
    "NUL": 0, "SOH": 1, "STX": 2, "ETX": 3, "EOT": 4, "ENQ": 5, "ACK": 6,
    "BEL": 7, "BS": 8, "HT": 9, "LF": 10, "VT": 11, "FF": 12, "CR": 13,
    "SO": 14, "SI": 15, "DLE": 16, "DC1": 17, "DC2": 18, "DC3": 19,
    "DC4": 20, "NAK": 21, "SYN": 22, "ETB": 23, "CAN": 24, "EM": 25,
    "SUB": 26, "ESC": 27, "FS": 28, "GS": 29, "RS": 30, "US": 31, "SP": 32,
    "DEL": 127,
}
SIMPLE_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r",
                  "t": "\t", "v": "\v", "\\": "\\", '"': '"', "'": "'"}


class Tok:
    __slots__ = ("kind", "val", "line", "col")

    def __init__(self, kind, val, line, col):
        self.kind, self.val, self.line, self.col = kind, val, line, col

    def __repr__(self):
        return f"{self.kind}:{self.val!r}@{self.line}:{self.col}"


class ExtractError(Exception):
    pass


class NoRuleCode(ExtractError):
    """An assertion that names no rule code: listed, not a failure."""


def _escape(src: str, i: int) -> tuple[str, int]:
    """Decode the escape after the backslash at src[i-1]; return (text, next)."""
    c = src[i]
    if c in SIMPLE_ESCAPES:
        return SIMPLE_ESCAPES[c], i + 1
    if c == "&":
        return "", i + 1
    if c.isdigit():
        m = re.match(r"[0-9]+", src[i:])
        return chr(int(m.group(0))), i + len(m.group(0))
    if c == "x":
        m = re.match(r"[0-9a-fA-F]+", src[i + 1:])
        return chr(int(m.group(0), 16)), i + 1 + len(m.group(0))
    if c == "o":
        m = re.match(r"[0-7]+", src[i + 1:])
        return chr(int(m.group(0), 8)), i + 1 + len(m.group(0))
    if c == "^":
        return chr(ord(src[i + 1]) - 64), i + 2
    for name in sorted(ASCII_ESCAPES, key=len, reverse=True):
        if src.startswith(name, i):
            return chr(ASCII_ESCAPES[name]), i + len(name)
    raise ExtractError(f"unknown string escape \\{c}")


def tokenize(src: str) -> list[Tok]:
    toks: list[Tok] = []
    i, line, lstart, n = 0, 1, 0, len(src)

    def col(p):
        return p - lstart + 1

    while i < n:
        c = src[i]
        if c == "\n":
            i += 1
            line += 1
            lstart = i
            continue
        if c.isspace():
            i += 1
            continue
        # line comment: `--` (or more dashes) not followed by a symbol char
        if src.startswith("--", i):
            j = i
            while j < n and src[j] == "-":
                j += 1
            if j >= n or src[j] not in SYMBOL_CHARS:
                while i < n and src[i] != "\n":
                    i += 1
                continue
        if src.startswith("{-", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if src.startswith("{-", i):
                    depth, i = depth + 1, i + 2
                elif src.startswith("-}", i):
                    depth, i = depth - 1, i + 2
                else:
                    if src[i] == "\n":
                        line, lstart = line + 1, i + 1
                    i += 1
            continue
        if c == '"':
            start_line, start_col = line, col(i)
            i += 1
            out = []
            while True:
                if i >= n:
                    raise ExtractError(f"unterminated string at line {start_line}")
                ch = src[i]
                if ch == '"':
                    i += 1
                    break
                if ch == "\n":
                    raise ExtractError(f"newline in string at line {start_line}")
                if ch == "\\":
                    nxt = src[i + 1]
                    if nxt.isspace():  # string gap: \ whitespace \
                        j = i + 1
                        while src[j].isspace():
                            if src[j] == "\n":
                                line, lstart = line + 1, j + 1
                            j += 1
                        if src[j] != "\\":
                            raise ExtractError(f"bad string gap at line {line}")
                        i = j + 1
                        continue
                    s, i = _escape(src, i + 1)
                    out.append(s)
                    continue
                out.append(ch)
                i += 1
            toks.append(Tok("str", "".join(out), start_line, start_col))
            continue
        if c == "'" and not (toks and toks[-1].kind == "id" and toks[-1].line == line
                             and toks[-1].col + len(toks[-1].val) == col(i)):
            m = re.match(r"'(\\[^']+|[^'\\])'", src[i:])
            if m:
                body = m.group(1)
                val = _escape(body, 1)[0] if body.startswith("\\") else body
                toks.append(Tok("char", val, line, col(i)))
                i += len(m.group(0))
                continue
        if c.isalpha() or c == "_":
            # identifiers, qualified ones (Text.unlines, Map.fromList, Rule.RawText)
            m = re.match(r"(?:[A-Z][A-Za-z0-9_']*\.)*[A-Za-z_][A-Za-z0-9_']*", src[i:])
            toks.append(Tok("id", m.group(0), line, col(i)))
            i += len(m.group(0))
            continue
        if c == "?" and i + 1 < n and (src[i + 1].isalpha() or src[i + 1] == "_"):
            m = re.match(r"\?[A-Za-z_][A-Za-z0-9_']*", src[i:])
            toks.append(Tok("id", m.group(0), line, col(i)))
            i += len(m.group(0))
            continue
        if c.isdigit():
            m = re.match(r"[0-9]+", src[i:])
            toks.append(Tok("num", int(m.group(0)), line, col(i)))
            i += len(m.group(0))
            continue
        if c in "()[]{},;`":
            toks.append(Tok("punct", c, line, col(i)))
            i += 1
            continue
        if c in SYMBOL_CHARS:
            j = i
            while j < n and src[j] in SYMBOL_CHARS:
                j += 1
            toks.append(Tok("op", src[i:j], line, col(i)))
            i = j
            continue
        raise ExtractError(f"unexpected character {c!r} at line {line}")
    return toks


# --------------------------------------------------------------------------
# Layout: where a statement or binding ends


OPEN, CLOSE = "([{", ")]}"


def layout_end(toks: list[Tok], start: int, col: int) -> int:
    """Index after the last token of the construct starting at toks[start]:
    it ends before the first token on a later line at column <= col, or at
    an unmatched closing bracket, a `;`, or an `in`/`where` at depth 0 on a
    later line."""
    depth = 0
    first_line = toks[start].line
    j = start
    while j < len(toks):
        t = toks[j]
        if j > start and t.line > first_line and t.col <= col:
            break
        if t.kind == "punct":
            if t.val in OPEN:
                depth += 1
            elif t.val in CLOSE:
                if depth == 0:
                    break
                depth -= 1
            elif t.val in ",;" and depth == 0 and j > start:
                break
        if t.kind == "id" and t.val in ("in", "where") and depth == 0 and j > start:
            break
        j += 1
    return j


class Binding:
    def __init__(self, name, toks, pos, scope_end, line):
        self.name, self.toks, self.pos, self.scope_end, self.line = name, toks, pos, scope_end, line


def find_bindings(toks: list[Tok]) -> list[Binding]:
    """`let` bindings (`name = expr`, `?config = expr`) with their scope."""
    out = []
    let_stack: list[tuple[int, int]] = []  # (let column, index of let)
    for i, t in enumerate(toks):
        if t.kind == "id" and t.val == "let":
            let_stack.append((t.col, i))
            continue
        if not (t.kind == "id" and i + 1 < len(toks) and toks[i + 1].kind == "op" and toks[i + 1].val == "="):
            continue
        # `name =` directly after `let`, or first on its line (a further binding
        # of a let block). Record fields (`def { x = … }`) are neither.
        prev = toks[i - 1] if i else None
        if not (prev is not None and prev.kind == "id" and prev.val == "let") and not (prev is None or prev.line < t.line):
            continue
        # the innermost `let` whose block this binding is in
        let_col = None
        while let_stack:
            lc, li = let_stack[-1]
            if prev is not None and prev.kind == "id" and prev.val == "let":
                let_col = lc
                break
            if t.col > lc and not any(toks[k].line > toks[li].line and toks[k].col <= lc
                                      for k in range(li + 1, i)):
                let_col = lc
                break
            let_stack.pop()
        if let_col is None:
            continue  # a top-level equation (`spec = do`), not a let binding
        vstart = i + 2
        vend = layout_end(toks, i, t.col)
        # scope: to the first token on a later line at a column left of `let`
        scope_end = len(toks)
        for k in range(vend, len(toks)):
            if toks[k].line > t.line and toks[k].col < let_col:
                scope_end = k
                break
        out.append(Binding(t.val, toks[vstart:vend], i, scope_end, t.line))
    return out


def lookup(bindings: list[Binding], name: str, pos: int):
    best = None
    for b in bindings:
        if b.name == name and b.pos < pos < b.scope_end and (best is None or b.pos > best.pos):
            best = b
    return best


# --------------------------------------------------------------------------
# Evaluating the expressions that build a Dockerfile text or a config


class Sym(str):
    """A constructor such as Rule.RawText or True (unqualified)."""


class Record(dict):
    """`def { field = value, … }`."""


def split_top(toks: list[Tok], sep_kind: str, seps: tuple) -> list[list[Tok]]:
    parts, cur, depth = [], [], 0
    for t in toks:
        if t.kind == "punct" and t.val in OPEN:
            depth += 1
        elif t.kind == "punct" and t.val in CLOSE:
            depth -= 1
        if depth == 0 and t.kind == sep_kind and t.val in seps:
            parts.append(cur)
            cur = []
            continue
        cur.append(t)
    parts.append(cur)
    return parts


def matching(toks: list[Tok], i: int) -> int:
    depth = 0
    for j in range(i, len(toks)):
        t = toks[j]
        if t.kind == "punct" and t.val in OPEN:
            depth += 1
        elif t.kind == "punct" and t.val in CLOSE:
            depth -= 1
            if depth == 0:
                return j
    raise ExtractError("unbalanced brackets")


FUNCS = {
    "Text.unlines": (1, lambda xs: "".join(x + "\n" for x in _strs(xs))),
    "unlines": (1, lambda xs: "".join(x + "\n" for x in _strs(xs))),
    "Text.unwords": (1, lambda xs: " ".join(_strs(xs))),
    "unwords": (1, lambda xs: " ".join(_strs(xs))),
    "Text.concat": (1, lambda xs: "".join(_strs(xs))),
    "mconcat": (1, lambda xs: "".join(_strs(xs))),
    "concat": (1, lambda xs: "".join(_strs(xs))),
    "Text.intercalate": (2, lambda s, xs: _str(s).join(_strs(xs))),
    "Text.pack": (1, lambda s: _str(s)),
    "Text.strip": (1, lambda s: _str(s).strip()),
    "Map.fromList": (1, lambda xs: ("map", list(xs))),
    "fromString": (1, lambda s: _str(s)),
}
for _q in ("T.", "Data.Text."):
    for _f in ("unlines", "unwords", "concat", "intercalate", "pack", "strip"):
        FUNCS[_q + _f] = FUNCS["Text." + _f]


def _str(v):
    if not isinstance(v, str):
        raise ExtractError(f"expected a string, got {type(v).__name__}")
    return str(v)


def _strs(v):
    if not isinstance(v, list):
        raise ExtractError("expected a list of strings")
    return [_str(x) for x in v]


class Evaluator:
    def __init__(self, bindings: list[Binding], all_toks: list[Tok]):
        self.bindings = bindings
        self.all_toks = all_toks
        self.depth = 0

    def ident(self, name: str, pos: int):
        b = lookup(self.bindings, name, pos)
        if b is None:
            raise ExtractError(f"unbound name `{name}`")
        self.depth += 1
        if self.depth > 50:
            raise ExtractError("binding recursion")
        try:
            return self.expr(b.toks, b.pos)
        finally:
            self.depth -= 1

    def expr(self, toks: list[Tok], pos: int):
        if not toks:
            raise ExtractError("empty expression")
        # f $ x: the lowest precedence, right associative
        parts = split_top(toks, "op", ("$",))
        if len(parts) > 1:
            val = self.expr(parts[-1], pos)
            for p in reversed(parts[:-1]):
                val = self.apply(p, pos, [val])
            return val
        parts = split_top(toks, "op", ("<>", "++"))
        if len(parts) > 1:
            vals = [self.expr(p, pos) for p in parts]
            if all(isinstance(v, list) for v in vals):
                return sum(vals, [])
            return "".join(_str(v) for v in vals)
        return self.apply(toks, pos, [])

    def atoms(self, toks: list[Tok]) -> list[list[Tok]]:
        out, i = [], 0
        while i < len(toks):
            t = toks[i]
            if t.kind == "punct" and t.val in OPEN:
                j = matching(toks, i)
                # a record update binds tighter than application: `def { … }`
                if t.val == "{" and out:
                    out[-1] = out[-1] + toks[i:j + 1]
                else:
                    out.append(toks[i:j + 1])
                i = j + 1
                continue
            out.append([t])
            i += 1
        return out

    def apply(self, toks: list[Tok], pos: int, extra: list):
        atoms = self.atoms(toks)
        if not atoms:
            if extra:
                return extra[0]
            raise ExtractError("empty application")
        head = atoms[0]
        args = [self.atom(a, pos) for a in atoms[1:]] + extra
        if len(head) == 1 and head[0].kind == "id" and head[0].val in FUNCS:
            arity, fn = FUNCS[head[0].val]
            if len(args) != arity:
                raise ExtractError(f"`{head[0].val}` with {len(args)} arguments")
            return fn(*args)
        if args:
            name = head[0].val if head else "?"
            raise ExtractError(f"unknown function `{name}`")
        return self.atom(head, pos)

    def atom(self, a: list[Tok], pos: int):
        t = a[0]
        if len(a) == 1:
            if t.kind in ("str", "num", "char"):
                return t.val
            if t.kind == "id":
                base = t.val.split(".")[-1]
                if base[:1].isupper():
                    return Sym(base)
                return self.ident(t.val, pos)
            raise ExtractError(f"unexpected token {t.val!r}")
        if t.kind == "punct" and t.val == "(":
            inner = a[1:-1]
            items = split_top(inner, "punct", (",",))
            if len(items) > 1:
                return tuple(self.expr(x, pos) for x in items)
            return self.expr(inner, pos)
        if t.kind == "punct" and t.val == "[":
            inner = a[1:-1]
            if not inner:
                return []
            return [self.expr(x, pos) for x in split_top(inner, "punct", (",",))]
        if t.kind == "id" and a[1].kind == "punct" and a[1].val == "{":
            if t.val != "def":
                raise ExtractError(f"record update of `{t.val}`")
            rec = Record()
            for field in split_top(a[2:-1], "punct", (",",)):
                if len(field) < 3 or field[1].val != "=":
                    raise ExtractError("bad record field")
                rec[field[0].val] = self.expr(field[2:], pos)
            return rec
        raise ExtractError(f"cannot evaluate expression at line {t.line}")


# --------------------------------------------------------------------------
# Extracting the cases


ASSERTIONS = {
    "ruleCatches": ("catches", False),
    "ruleCatchesNot": ("catches-not", False),
    "onBuildRuleCatches": ("catches", True),
    "onBuildRuleCatchesNot": ("catches-not", True),
}
CHECKS = {"assertChecks": False, "assertOnBuildChecks": True}


class Case:
    def __init__(self, cid, file, line, it, code, expect, onbuild, text, config, count=None):
        self.cid, self.file, self.line, self.it = cid, file, line, it
        self.code, self.expect, self.onbuild, self.text = code, expect, onbuild, text
        self.config, self.count = config, count
        self.auto_class = None
        self.result = None  # (agreed, got description)
        self.found = []


def config_of(ev: Evaluator, pos: int):
    b = lookup(ev.bindings, "?config", pos)
    if b is None:
        return Record()
    v = ev.expr(b.toks, b.pos)
    if isinstance(v, Sym) and v == "def":
        return Record()
    if v == "def":
        return Record()
    if not isinstance(v, Record):
        raise ExtractError("?config is not `def` or `def { … }`")
    return v


def extract(name: str, src: str):
    """Return (cases, number of `it` blocks, problems, `it` blocks without a
    case) of one spec file. A problem is (case id, `it` text, reason, whether
    it is a failure to extract rather than an assertion without a code)."""
    base = os.path.basename(name)
    toks = tokenize(src)
    bindings = find_bindings(toks)
    # `def` is a plain identifier; make it evaluate to itself
    ev = Evaluator(bindings, toks)
    ev_lookup = ev.ident

    def ident(nm, pos):
        if nm == "def":
            return Sym("def")
        return ev_lookup(nm, pos)

    ev.ident = ident

    its = []  # (index, line, description)
    for i, t in enumerate(toks):
        if t.kind == "id" and t.val in ("it", "specify") and i + 1 < len(toks) and toks[i + 1].kind == "str":
            its.append((i, t.line, toks[i + 1].val))

    def it_of(i):
        cur = None
        for k, line, desc in its:
            if k < i:
                cur = (line, desc)
        return cur

    cases, problems = [], []
    per_it = collections.Counter()
    seen_ids = collections.Counter()
    for i, t in enumerate(toks):
        if t.kind != "id" or (t.val not in ASSERTIONS and t.val not in CHECKS):
            continue
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if nxt is not None and nxt.kind == "op" and nxt.val == "::":
            continue  # a type signature
        it = it_of(i)
        end = layout_end(toks, i, t.col)
        base_id = f"{base}:{t.line}"
        seen_ids[base_id] += 1
        cid = base_id if seen_ids[base_id] == 1 else f"{base_id}#{seen_ids[base_id]}"
        try:
            # `f a b $ rest`: `rest` is the last argument
            arg_toks = toks[i + 1:end]
            args = ev.atoms(arg_toks)
            depth, split = 0, None
            for k, a in enumerate(arg_toks):
                if a.kind == "punct" and a.val in OPEN:
                    depth += 1
                elif a.kind == "punct" and a.val in CLOSE:
                    depth -= 1
                elif depth == 0 and a.kind == "op" and a.val == "$":
                    split = k
                    break
            if split is not None:
                vals_ok = [ev.atom(a, i) for a in ev.atoms(arg_toks[:split])] + [ev.expr(arg_toks[split + 1:], i)]
            else:
                vals_ok = None
            config = config_of(ev, i)
            if t.val in ASSERTIONS:
                expect, onbuild = ASSERTIONS[t.val]
                vals = vals_ok if vals_ok is not None else [ev.atom(a, i) for a in args]
                if len(vals) != 2:
                    raise ExtractError(f"`{t.val}` with {len(vals)} arguments")
                code, text = _str(vals[0]), _str(vals[1])
                cases.append(Case(cid, base, t.line, it, code, expect, onbuild, text, config))
            else:
                onbuild = CHECKS[t.val]
                if vals_ok is not None or len(args) != 2:
                    raise ExtractError(f"`{t.val}` with an unexpected argument shape")
                text = _str(ev.atom(args[0], i))
                chk = args[1]
                if chk[0].kind == "punct" and chk[0].val == "(":
                    chk = chk[1:-1]
                if len(chk) == 1 and chk[0].val in ("failsShellcheck", "passesShellcheck"):
                    expect = "catches" if chk[0].val == "failsShellcheck" else "catches-not"
                    c = Case(cid, base, t.line, it, "SC*", expect, onbuild, text, config)
                    c.auto_class = AUTO_SHELLCHECK
                    cases.append(c)
                elif len(chk) == 3 and chk[0].val == "failsWith" and chk[1].kind == "num" and chk[2].kind == "str":
                    n = chk[1].val
                    cases.append(Case(cid, base, t.line, it, chk[2].val, "catches" if n else "catches-not",
                                      onbuild, text, config, count=n))
                elif chk and chk[0].val == "assertBool" and chk[-1].val == "null" and chk[-2].val == ".":
                    # `assertBool "…" . null`: no finding at all
                    cases.append(Case(cid, base, t.line, it, "DL*", "catches-not", onbuild, text, config))
                else:
                    what = " ".join(str(x.val) for x in chk)[:60]
                    raise NoRuleCode(f"checker `{what}` names no rule code")
            if it:
                per_it[it] += 1
        except NoRuleCode as e:
            problems.append((cid, it[1] if it else "", str(e), False))
        except ExtractError as e:
            problems.append((cid, it[1] if it else "", str(e), True))
    empty_its = [(f"{base}:{line}", desc) for _, line, desc in its if (line, desc) not in per_it]
    return cases, len(its), problems, empty_its


# --------------------------------------------------------------------------
# Dockerfile text helpers


def wrap_onbuild(text: str) -> str:
    """Prefix every RUN instruction with ONBUILD, as hadolint's helper does
    on the parsed instructions: only instruction starts, not continuation
    lines, comments or heredoc bodies."""
    lines = text.split("\n")
    escape = "\\"
    for ln in lines:
        m = re.match(r"\s*#\s*escape\s*=\s*(\S)\s*$", ln, re.I)
        if m:
            escape = m.group(1)
            break
        if not re.match(r"\s*#\s*\w+\s*=", ln):
            break
    out, cont, heredocs, pending = [], False, [], []
    for ln in lines:
        if heredocs:
            strip_tabs, delim = heredocs[0]
            body = ln.lstrip("\t") if strip_tabs else ln
            if body == delim:
                heredocs.pop(0)
            out.append(ln)
            continue
        stripped = ln.strip()
        if cont and (stripped == "" or stripped.startswith("#")):
            out.append(ln)
            continue
        if not cont and stripped and not stripped.startswith("#"):
            word = stripped.split()[0].upper()
            if word == "RUN":
                ln = ln[: len(ln) - len(ln.lstrip())] + "ONBUILD " + ln.lstrip()
        if stripped and not stripped.startswith("#") or cont:
            for m in re.finditer(r"(?<!<)<<(-?)([\"']?)([A-Za-z_][A-Za-z0-9_.-]*)\2", ln):
                pending.append((m.group(1) == "-", m.group(3)))
        cont = ln.rstrip().endswith(escape) and not (not cont and stripped.startswith("#"))
        if not cont:
            heredocs, pending = pending, []
        out.append(ln)
    return "\n".join(out)


# --------------------------------------------------------------------------
# Running dockside


LABEL_TYPES = {"RawText": "text", "Url": "url", "SemVer": "semver", "GitHash": "hash",
               "Rfc3339": "rfc3339", "Spdx": "spdx", "Email": "email"}


def toml_str(s: str) -> str:
    return json.dumps(s)


def config_toml(rec: Record, rules: list[str]):
    """dockside config for a hadolint Configuration, or None when a field has
    no dockside equivalent."""
    lines = ["shellcheck = false", "select = [" + ", ".join(toml_str(r) for r in rules) + "]"]
    labels = []
    for k, v in rec.items():
        if k == "allowedRegistries":
            lines.append("trusted-registries = [" + ", ".join(toml_str(_str(x)) for x in v) + "]")
        elif k == "strictLabels":
            lines.append(f"strict-labels = {'true' if v == 'True' else 'false'}")
        elif k == "labelSchema":
            if not (isinstance(v, tuple) and v[0] == "map"):
                return None
            for key, typ in v[1]:
                if typ not in LABEL_TYPES:
                    return None
                labels.append(f"{toml_str(key)} = {toml_str(LABEL_TYPES[typ])}")
        else:
            return None
    if labels:
        lines.append("[required-labels]")
        lines.extend(labels)
    return "\n".join(lines) + "\n"


def config_key(rec: Record) -> str:
    return json.dumps(rec, sort_keys=True, default=str)


def dockside_rules(binary: str):
    try:
        r = subprocess.run([binary, "rules", "--format", "json"], capture_output=True, text=True)
    except OSError as e:
        die(f"error: cannot run {binary}: {e}")
    if r.returncode != 0:
        die(f"error: `{binary} rules --format json` failed: {r.stderr.strip()}")
    return json.loads(r.stdout)


def run_dockside(binary: str, cases: list[Case], rules: list[str], shellcheck: str | None = None) -> None:
    groups = collections.defaultdict(list)
    for c in cases:
        groups[(c.code == "SC*", config_key(c.config))].append(c)
    with tempfile.TemporaryDirectory(prefix="hadolint-specs-") as tmp:
        for gi, (key, group) in enumerate(sorted(groups.items())):
            d = os.path.join(tmp, f"g{gi}")
            os.makedirs(os.path.join(d, "files"))
            cfg = os.path.join(d, "dockside.toml")
            with open(cfg, "w") as f:
                text = config_toml(group[0].config, rules)
                if key[0]:
                    # only the ShellCheck cases run it; the file is named with
                    # --config, so it may choose the program
                    text = text.replace("shellcheck = false", "shellcheck = true\n"
                                        f"shellcheck-path = {toml_str(os.path.abspath(shellcheck))}")
                f.write(text)
            by_path = {}
            for k, c in enumerate(group):
                p = os.path.join(d, "files", f"case{k:04d}.Dockerfile")
                text = c.text + "\n"  # as hadolint's parseText (dockerfile <> "\n")
                if c.onbuild:
                    text = wrap_onbuild(text)
                c.sent = text
                with open(p, "w", encoding="utf-8") as f:
                    f.write(text)
                by_path[p] = c
            r = subprocess.run([binary, "check", "--config", cfg, "--format", "json", "--fail-level", "none",
                                "--quiet", *sorted(by_path)], capture_output=True, text=True)
            if not r.stdout.strip():
                die(f"error: dockside printed nothing (exit {r.returncode}): {r.stderr.strip()}")
            report = json.loads(r.stdout)
            seen = set()
            for fobj in report["files"]:
                path = fobj["path"]
                if path not in by_path:
                    path = os.path.join(d, path) if not os.path.isabs(path) else path
                c = by_path[path]
                seen.add(path)
                c.found = [(dg["rule"], dg["aliases"], dg["range"]["start"]["line"]) for dg in fobj["diagnostics"]]
            for p, c in by_path.items():
                if p not in seen:
                    # not linted: unreadable, say so in the result
                    c.found = None
                    c.stderr = r.stderr


# --------------------------------------------------------------------------
# Classes and docs


def slug(heading: str) -> str:
    s = heading.strip().lower()
    s = re.sub(r"[^\w\- ]", "", s)
    return s.replace(" ", "-")


def doc_anchors(doc: str) -> set[str]:
    anchors = set()
    fenced = False
    for ln in doc.splitlines():
        if ln.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if fenced:
            continue
        m = re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", ln)
        if m:
            anchors.add(slug(m.group(1)))
            anchors.add(m.group(1).strip().strip("`"))
    anchors.update(re.findall(r'<a (?:id|name)="([^"]+)"', doc))
    anchors.update(re.findall(r"\{#([\w-]+)\}", doc))
    return anchors


def read_tsv(path: str) -> dict[str, str]:
    out = {}
    if not os.path.exists(path):
        return out
    with open(path, encoding="utf-8") as f:
        for n, ln in enumerate(f, 1):
            ln = ln.rstrip("\n")
            if not ln.strip() or ln.startswith("#"):
                continue
            parts = ln.split("\t")
            if len(parts) != 2:
                die(f"error: {path}:{n}: expected `case-id<TAB>class`")
            out[parts[0].strip()] = parts[1].strip()
    return out


def describe_found(c: Case) -> str:
    if c.found is None:
        return "not linted: " + getattr(c, "stderr", "").strip().replace("\n", " | ")[:200]
    if c.code == "SC*":
        hits = [f"{r}@{ln}" for r, al, ln in c.found if r.startswith("SC")]
        return f"{', '.join(hits)}" if hits else "no SC finding"
    if c.code == "DL*":
        hits = [f"{r}({','.join(al)})@{ln}" for r, al, ln in c.found if any(a.startswith("DL") for a in al)]
        return f"{', '.join(hits)}" if hits else "no DL finding"
    hits = [f"{r}@{ln}" for r, al, ln in c.found if c.code in al]
    if hits:
        return f"{c.code} x{len(hits)} ({', '.join(hits)})"
    return f"no {c.code}"


def has_from(text: str) -> bool:
    return any(re.match(r"\s*FROM\s", ln, re.I) for ln in text.split("\n"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--hadolint", required=True, help="hadolint git dir (bare mirror) or checkout")
    ap.add_argument("--ref", default="v2.15.1")
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "dockside"))
    ap.add_argument("--classes", default=DEFAULT_TSV, help="the classification TSV")
    ap.add_argument("--doc", default=DEFAULT_DOC, help="the doc whose headings are the classes")
    ap.add_argument("--code", help="only cases of this code (the exit code then ignores the threshold)")
    ap.add_argument("--dump", help="write every case (id, code, expectation, result) as TSV")
    ap.add_argument("--shellcheck", metavar="PATH",
                    help="also compare the ShellCheck cases, running this shellcheck binary")
    ap.add_argument("--verbose", "-v", action="store_true", help="print each disagreement's Dockerfile")
    args = ap.parse_args()

    src = Source(args.hadolint, args.ref)
    all_cases, problems, empty_its, n_its = [], [], [], 0
    files = src.spec_files()
    for name in files:
        text = src.read(name)
        if not re.search(r"\b(ruleCatches|onBuildRuleCatches|assertChecks|assertOnBuildChecks)\b", text):
            continue
        try:
            cases, its, probs, empties = extract(name, text)
        except ExtractError as e:
            problems.append((os.path.basename(name), "", f"file not tokenized: {e}", True))
            continue
        all_cases += cases
        problems += probs
        empty_its += empties
        n_its += its
    if args.code:
        all_cases = [c for c in all_cases if c.code == args.code]

    rules = dockside_rules(args.bin)
    names = [r["name"] for r in rules]
    implemented = {a for r in rules for a in r["aliases"]}
    # "no finding at all" (RegressionSpec): rules with a DL code that are on
    # by default, as hadolint's off-by-default rules (DL1001, DL3057) are
    # off by default in dockside too
    default_dl = {r["name"] for r in rules if r["enabled_by_default"]
                  and any(a.startswith("DL") for a in r["aliases"])}
    for c in all_cases:
        if c.auto_class == AUTO_SHELLCHECK and args.shellcheck:
            c.auto_class = None
            continue
        if c.auto_class:
            continue
        if c.code == "DL*":
            pass
        elif not re.fullmatch(r"(DL|SC)[0-9]{4}", c.code):
            c.auto_class = AUTO_MALFORMED
        elif c.code not in implemented:
            c.auto_class = AUTO_NOT_IMPLEMENTED
        elif config_toml(c.config, names) is None:
            c.auto_class = AUTO_NEEDS_CONFIG
    compared = [c for c in all_cases if not c.auto_class]
    run_dockside(args.bin, compared, names, args.shellcheck)

    for c in compared:
        if c.code == "SC*":
            hit = c.found is not None and any(r.startswith("SC") for r, _, _ in c.found)
        elif c.code == "DL*":
            hit = c.found is not None and any(r in default_dl for r, _, _ in c.found)
        else:
            hit = c.found is not None and any(c.code in al for _, al, _ in c.found)
        c.agreed = c.found is not None and hit == (c.expect == "catches")

    classes = read_tsv(args.classes)
    with open(args.doc, encoding="utf-8") as f:
        anchors = doc_anchors(f.read())
    errors = []

    # ---- report
    print(f"hadolint specs: {src.describe()}; dockside: {args.bin}")
    n_cfg = sum(1 for c in all_cases if c.config)
    print(f"spec files: {len(files)} ({sum(1 for _ in {c.file for c in all_cases})} with cases); "
          f"`it` blocks: {n_its}; cases extracted: {len(all_cases)} "
          f"({n_cfg} under a ?config override); not extracted: {len(problems)}")
    for cid, it, why, real in problems:
        print(f"  {'NOT EXTRACTED' if real else 'no rule code, not a case:'} {cid}  ({it}): {why}")
    for cid, desc in empty_its:
        print(f"  `it` without an extracted case: {cid} ({desc})")

    auto = collections.Counter(c.auto_class for c in all_cases if c.auto_class)
    for cls, n in sorted(auto.items()):
        codes = sorted({c.code for c in all_cases if c.auto_class == cls})
        print(f"not compared, class {cls}: {n} cases ({', '.join(repr(x) if not x.isalnum() else x for x in codes)})")
        if cls not in anchors:
            errors.append(f"class `{cls}` is not a heading of {os.path.relpath(args.doc, ROOT)}")
    agreed = sum(1 for c in compared if c.agreed)
    pct = 100.0 * agreed / len(compared) if compared else 100.0
    print(f"compared: {len(compared)}; agreed: {agreed}; agreement: {pct:.2f}% "
          f"(of all {len(all_cases)} extracted cases: {100.0 * agreed / max(1, len(all_cases)):.2f}%)")

    print("\ncode      cases  agreed  disagreed  not-compared")
    per = collections.defaultdict(lambda: [0, 0, 0, 0])
    for c in all_cases:
        row = per[c.code]
        row[0] += 1
        if c.auto_class:
            row[3] += 1
        elif c.agreed:
            row[1] += 1
        else:
            row[2] += 1
    for code in sorted(per):
        n, a, d, x = per[code]
        print(f"{code if code.isalnum() or code in ('SC*', 'DL*') else repr(code):<8} {n:>6} {a:>7} {d:>10} {x:>13}")

    syntax = [c for c in compared if c.found and any(r == "syntax-error" for r, _, _ in c.found)]
    if syntax:
        print(f"\ncases dockside rejects as a syntax error (they still count): {len(syntax)}")
        for c in syntax:
            msg = "agreed" if c.agreed else "disagreed"
            print(f"  {c.cid}  expected {c.expect}  {msg}: {c.text.strip()[:70]!r}")

    dis = [c for c in compared if not c.agreed]
    by_class = collections.Counter()
    unclassified = []
    print(f"\ndisagreements: {len(dis)}")
    for c in dis:
        cls = classes.get(c.cid)
        by_class[cls or "(none)"] += 1
        if cls is None:
            unclassified.append(c.cid)
        elif cls not in anchors:
            errors.append(f"{c.cid}: class `{cls}` is not a heading of {os.path.relpath(args.doc, ROOT)}")
        ob = " onbuild" if c.onbuild else ""
        cnt = f" (hadolint: exactly {c.count})" if c.count is not None else ""
        nofrom = "" if has_from(c.text) else " (no FROM)"
        print(f"{c.cid}  expected {c.expect}{ob}{cnt}  got {describe_found(c)}{nofrom}  [{cls or 'UNCLASSIFIED'}]")
        if args.verbose:
            if c.it:
                print(f"    it \"{c.it[1]}\"")
            if c.config:
                print(f"    ?config = {config_key(c.config)}")
            for ln in c.sent.rstrip("\n").split("\n"):
                print(f"    | {ln}")
            others = [f"{r}({','.join(al)})@{ln}" for r, al, ln in c.found or [] if c.code not in al]
            if others:
                print(f"    other findings: {' '.join(others)}")
    if dis:
        print("\ndisagreements per class:")
        for cls, n in by_class.most_common():
            print(f"  {cls:<32} {n}")
    stale = sorted(c.cid for c in compared if c.agreed and c.cid in classes)
    if stale and not args.code:
        print(f"\nclassified in {os.path.relpath(args.classes, ROOT)} but agreeing now (stale, unless its "
              "comment says it is expected to disagree later): "
              + " ".join(stale))
    for k in classes.values():
        if k not in anchors:
            e = f"class `{k}` in the TSV is not a heading of {os.path.relpath(args.doc, ROOT)}"
            if e not in errors:
                errors.append(e)
    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as f:
            for c in all_cases:
                res = c.auto_class or ("agreed" if c.agreed else "disagreed")
                f.write(f"{c.cid}\t{c.code}\t{c.expect}{' onbuild' if c.onbuild else ''}\t{res}\t"
                        f"{describe_found(c) if not c.auto_class else ''}\n")

    if unclassified:
        errors.append(f"{len(unclassified)} disagreements without a class: {' '.join(unclassified)}")
    if pct < THRESHOLD and not args.code:
        errors.append(f"agreement {pct:.2f}% is below {THRESHOLD}%")
    failed = [p for p in problems if p[3]]
    if failed:
        errors.append(f"{len(failed)} assertions could not be extracted")
    for e in errors:
        print(f"FAIL: {e}")
    if not errors:
        print("OK")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
