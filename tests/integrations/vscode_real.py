#!/usr/bin/env python3
"""The dockside extension inside a real VS Code (code-server + headless Chromium).

Started by vscode_real.sh, which installs code-server and builds the .vsix.
Installs the .vsix into a fresh profile, opens a workspace with Dockerfiles
and checks, in the browser:

  1. the Problems panel lists the rule codes and positions that
     `dockside check --format json` reports for the file;
  2. hovering a squiggle shows the diagnostic's compact hover;
  3. the quick fix "Add `-y`" rewrites the line in the editor;
  4. `dockside.ignore` in the workspace settings takes effect without a
     reload, and clearing it brings the finding back;
  5. saving with `editor.codeActionsOnSave` = `source.fixAll.dockside`
     applies the fixes (the file on disk is checked);
  6. saving with `editor.formatOnSave` formats with dockside.

Every wait is on DOM state (or the file on disk), with a timeout. On failure
a screenshot and the page's text go to the folder printed at the start.
Prints one line per check; exits 0 when all pass, 1 otherwise.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not download a driver

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import TimeoutException, WebDriverException  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.actions.action_builder import ActionBuilder  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

WAIT = float(os.environ.get("VSCODE_REAL_TIMEOUT", "60"))

# The file under test: two findings with fixes on different lines, plus
# whatever else the rules say (the expected list comes from `dockside check`).
DOCKERFILE = """FROM debian:12
MAINTAINER someone@example.com
RUN apt-get update && apt-get install --no-install-recommends curl=7.88.1-10 && rm -rf /var/lib/apt/lists/*
CMD ["curl", "--version"]
"""

# For format on save: the formatter splits `&&` chains and indents the
# continuation line (no rule fixes that, so only the formatter can).
UNFORMATTED = """FROM debian:12
RUN apt-get update&&\\
  true
CMD ["true"]
"""
FORMATTED = """FROM debian:12
RUN apt-get update \\
    && true
CMD ["true"]
"""


class Failure(Exception):
    pass


def log(msg):
    print(msg, flush=True)


def ok(msg):
    log(f"ok: {msg}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# JavaScript run in the page ------------------------------------------------

# The text of the visible editor, line by line (Monaco renders every line of
# a short file; spaces are non-breaking in the DOM).
JS_EDITOR_LINES = """
const lines = [...document.querySelectorAll('.part.editor .monaco-editor .view-lines .view-line')];
lines.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
return lines.map(l => l.textContent.replace(/\\u00a0/g, ' '));
"""

# The viewport coordinates of a (1-based) line and column of the editor:
# the middle of that character, measured with a DOM Range over the line's
# text nodes.
JS_POSITION = """
const [line, column] = arguments;
const lines = [...document.querySelectorAll('.part.editor .monaco-editor .view-lines .view-line')];
lines.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
const el = lines[line - 1];
if (!el) return null;
const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
let left = column - 1;
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  if (left < node.length) {
    const range = document.createRange();
    range.setStart(node, left);
    range.setEnd(node, left + 1);
    const r = range.getBoundingClientRect();
    return [r.left + r.width / 2, r.top + r.height / 2];
  }
  left -= node.length;
}
return null;
"""

# The rows of the Problems panel: each marker's text and aria-label.
JS_MARKERS = """
return [...document.querySelectorAll('.markers-panel .monaco-list-row')].map(r => ({
  level: r.getAttribute('aria-level') || '',
  label: r.getAttribute('aria-label') || '',
  text: r.innerText,
  code: (r.querySelector('.marker-code') || {}).textContent || '',
  line: (r.querySelector('.marker-line') || {}).textContent || '',
  source: (r.querySelector('.marker-source') || {}).textContent || '',
}));
"""

JS_VISIBLE_TEXT = """
const els = [...document.querySelectorAll(arguments[0])].filter(e => {
  const r = e.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden';
});
return els.map(e => e.innerText);
"""


class Session:
    def __init__(self, args):
        self.args = args
        self.work = Path(args.work).resolve()
        self.failures = self.work / "failure"
        self.proc = None
        self.driver = None

    # ------------------------------------------------------------- set up

    def prepare(self):
        if self.work.exists():
            shutil.rmtree(self.work)
        self.user_data = self.work / "user-data"
        self.extensions = self.work / "extensions"
        self.xdg = self.work / "xdg-config"
        self.ws = self.work / "workspace"
        for d in (self.user_data / "User", self.extensions, self.xdg, self.ws / ".vscode", self.failures):
            d.mkdir(parents=True)
        log(f"screenshots and logs on failure go to {self.failures}")
        (self.ws / "Dockerfile").write_text(DOCKERFILE)
        (self.ws / "format-on-save.Dockerfile").write_text(UNFORMATTED)
        (self.ws / ".vscode" / "settings.json").write_text("{}\n")
        # The project's config, read by both `dockside check` and the server:
        # no ShellCheck, so the findings do not depend on the machine.
        (self.ws / "dockside.toml").write_text("shellcheck = false\n")
        settings = {
            # Without it a chat panel and AI entries get in the way.
            "chat.disableAIFeatures": True,
            "workbench.startupEditor": "none",
            "workbench.tips.enabled": False,
            "workbench.welcomePage.walkthroughs.openOnInstall": False,
            "telemetry.telemetryLevel": "off",
            "extensions.autoCheckUpdates": False,
            "extensions.autoUpdate": False,
            "update.mode": "none",
            # The workspace lives inside the dockside checkout.
            "git.openRepositoryInParentFolders": "never",
            # No suggestion popups while typing.
            "editor.quickSuggestions": {"other": False, "comments": False, "strings": False},
            "editor.suggestOnTriggerCharacters": False,
            "editor.hover.delay": 200,
            "editor.minimap.enabled": False,
            "files.autoSave": "off",
            # The formatter takes the indent from VS Code when neither
            # dockside.toml nor .editorconfig sets one: fix it at 4 rather
            # than let VS Code guess it from the file.
            "editor.detectIndentation": False,
            "editor.tabSize": 4,
            "editor.insertSpaces": True,
        }
        (self.user_data / "User" / "settings.json").write_text(json.dumps(settings, indent=2))
        # Nothing under the user's home: code-server and Chromium write their
        # config, data and caches (device id, crash reports) below work/.
        self.env = dict(os.environ, XDG_CONFIG_HOME=str(self.xdg), XDG_DATA_HOME=str(self.work / "xdg-data"),
                        XDG_CACHE_HOME=str(self.work / "xdg-cache"))

    def code_server_args(self):
        return [
            self.args.code_server,
            "--user-data-dir", str(self.user_data),
            "--extensions-dir", str(self.extensions),
        ]

    def install_extension(self):
        out = subprocess.run(
            self.code_server_args() + ["--install-extension", self.args.vsix],
            env=self.env, capture_output=True, text=True, timeout=300,
        )
        if out.returncode != 0:
            raise Failure(f"--install-extension failed:\n{out.stdout}\n{out.stderr}")
        installed = [p.name for p in self.extensions.iterdir() if p.name.startswith("dockside.dockside-")]
        if not installed:
            raise Failure(f"the extension is not in {self.extensions}: {out.stdout}")
        ok(f"code-server --install-extension installs {installed[0]}")

    def start_code_server(self):
        self.port = free_port()
        self.server_log = open(self.work / "code-server.log", "w")
        self.proc = subprocess.Popen(
            self.code_server_args() + [
                "--auth", "none",
                "--bind-addr", f"127.0.0.1:{self.port}",
                "--disable-telemetry",
                "--disable-update-check",
                "--disable-workspace-trust",
                "--disable-getting-started-override",
                str(self.ws),
            ],
            env=self.env, stdout=self.server_log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + WAIT
        while True:
            if self.proc.poll() is not None:
                raise Failure(f"code-server exited with {self.proc.returncode}; see {self.work / 'code-server.log'}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise Failure("code-server did not answer /healthz")
            time.sleep(0.2)
        ok(f"code-server listens on 127.0.0.1:{self.port}")

    def start_browser(self):
        opts = Options()
        opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        for flag in (
            "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
            "--window-size=1600,1000", f"--user-data-dir={self.work / 'chromium'}",
            "--no-first-run", "--disable-extensions", "--disable-background-networking",
        ):
            opts.add_argument(flag)
        service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver",
                          log_output=str(self.work / "chromedriver.log"), env=self.env)
        self.driver = webdriver.Chrome(options=opts, service=service)
        self.driver.set_script_timeout(WAIT)

    def stop(self):
        if self.driver is not None:
            try:
                self.driver.quit()
            except WebDriverException:
                pass
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)

    # ------------------------------------------------------------- helpers

    def wait(self, what, predicate, timeout=WAIT):
        """Waits until predicate() returns something truthy and returns it."""
        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.2).until(lambda _d: predicate())
        except TimeoutException:
            raise Failure(f"timed out after {timeout:.0f}s waiting for {what}") from None

    def wait_file(self, what, path, predicate, timeout=WAIT):
        deadline = time.monotonic() + timeout
        while True:
            text = path.read_text()
            if predicate(text):
                return text
            if time.monotonic() > deadline:
                raise Failure(f"timed out waiting for {what}; {path.name} is:\n{text}")
            time.sleep(0.2)

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def visible_texts(self, selector):
        return self.js(JS_VISIBLE_TEXT, selector)

    def keys(self, *keys, modifiers=()):
        chain = ActionChains(self.driver)
        for m in modifiers:
            chain.key_down(m)
        chain.send_keys(*keys)
        for m in reversed(modifiers):
            chain.key_up(m)
        chain.perform()

    def pointer(self, x, y, click=False):
        # Pointer moves to page coordinates: Selenium's element clicks and
        # move_to_element scroll the editor first.
        ab = ActionBuilder(self.driver)
        ab.pointer_action.move_to_location(int(x), int(y))
        if click:
            ab.pointer_action.click()
        ab.perform()

    def editor_lines(self):
        return self.js(JS_EDITOR_LINES)

    def position(self, line, column):
        return self.wait(f"line {line} column {column} on screen", lambda: self.js(JS_POSITION, line, column))

    def markers(self, file="Dockerfile"):
        """The Problems rows of one file (the tree lists each file, then its
        markers one level deeper)."""
        rows, current = [], None
        for m in self.js(JS_MARKERS):
            if m["level"] == "1":
                current = m["text"].split("\n")[0].strip()
            elif current == file and (m["code"] or "dockside" in m["source"]):
                rows.append(m)
        return rows

    def codes(self, file="Dockerfile"):
        return {parse_marker(m)[0] for m in self.markers(file)}

    def open_file(self, name):
        self.keys("p", modifiers=(Keys.CONTROL,))
        box = self.wait("the quick open box", lambda: self.driver.find_elements("css selector", ".quick-input-widget input"))
        box[0].send_keys(name)
        self.wait(f"{name} in quick open", lambda: any(
            name in t for t in self.visible_texts(".quick-input-list .monaco-list-row")))
        box[0].send_keys(Keys.ENTER)
        active = "const t = document.querySelector('.part.editor .tabs-container .tab.active');" \
                 "return t ? [t.getAttribute('aria-label'), t.innerText] : null;"
        try:
            self.wait(f"{name} open in the editor", lambda: (self.js(active) or [""])[0].split(",")[0].strip() == name)
        except Failure:
            log(f"   active tab: {self.js(active)}")
            raise

    def show_problems(self):
        if not self.visible_texts(".markers-panel"):
            self.keys("m", modifiers=(Keys.CONTROL, Keys.SHIFT))
        self.wait("the Problems panel", lambda: self.visible_texts(".markers-panel"))

    def write_workspace_settings(self, settings):
        (self.ws / ".vscode" / "settings.json").write_text(json.dumps(settings, indent=2))

    def save(self):
        self.keys("s", modifiers=(Keys.CONTROL,))

    def focus_editor_at(self, line, column):
        x, y = self.position(line, column)
        self.pointer(x, y, click=True)

    def record_failure(self, name):
        try:
            self.driver.save_screenshot(str(self.failures / f"{name}.png"))
            (self.failures / f"{name}.txt").write_text(self.js("return document.body.innerText"))
            log(f"   screenshot: {self.failures / (name + '.png')}")
        except Exception as e:  # noqa: BLE001 - best effort while reporting another failure
            log(f"   (no screenshot: {e})")

    # ------------------------------------------------------------- checks

    def check_problems(self):
        """The Problems panel matches `dockside check --format json`."""
        report = subprocess.run(
            [self.args.dockside, "check", "--format", "json", "Dockerfile"],
            cwd=self.ws, capture_output=True, text=True,
        )
        if report.returncode not in (0, 1):
            raise Failure(f"dockside check failed: {report.stderr}")
        found = json.loads(report.stdout)["files"][0]["diagnostics"]
        expected = sorted((d["rule"], d["range"]["start"]["line"], d["range"]["start"]["column"]) for d in found)
        if not any(r == "apt-get-missing-yes" for r, _, _ in expected) or not any(
                r == "maintainer-deprecated" for r, _, _ in expected):
            raise Failure(f"the test file no longer has the findings the test needs: {expected}")
        self.wait("squiggles in the editor", lambda: self.driver.find_elements(
            "css selector", ".part.editor [class*='squiggly-']"))
        self.show_problems()

        def shown():
            rows = self.markers()
            got = sorted(parse_marker(m) for m in rows)
            return got if got == expected else None

        try:
            self.wait("the Problems panel to list " + str(expected), shown)
        except Failure:
            log(f"   Problems panel rows: {json.dumps(self.markers(), indent=1)}")
            raise
        ok(f"the Problems panel lists what dockside check reports: {expected}")
        return {r: (line, col) for r, line, col in expected}

    def check_hover(self, at):
        x, y = self.position(*at)
        self.pointer(x, y)
        moves = [0]
        needles = ("`apt-get install` without `-y`", "apt-get-missing-yes", "DL3014", "Rule documentation", "Fix (safe)")
        seen = []

        def complete_hover():
            # VS Code shows the problem part first and adds the server's
            # hover when it arrives.
            texts = self.visible_texts(".monaco-hover .monaco-hover-content")
            seen[:] = texts
            if not texts:
                # A hover that a re-render (semantic tokens, new
                # diagnostics) closed comes back on the next pointer move.
                moves[0] += 1
                self.pointer(x + moves[0] % 2, y)
            flat = [t.replace("`", "") for t in texts]
            return next((t for t in flat if all(n.replace("`", "") in t for n in needles)), None)

        try:
            text = self.wait("a hover with " + ", ".join(needles), complete_hover)
        except Failure:
            log(f"   hover text: {seen}")
            raise
        if "What it does" in text:
            raise Failure(f"the hover shows the whole rule page:\n{text}")
        link = self.driver.find_elements(
            "css selector", ".monaco-hover a[href$='docs/rules/apt-get-missing-yes.md'], "
                            ".monaco-hover a[data-href$='docs/rules/apt-get-missing-yes.md']")
        if not link:
            raise Failure(f"the hover has no link to the rule page:\n{text}")
        self.driver.save_screenshot(str(self.work / "hover.png"))
        ok("hovering the squiggle shows the message, the rule line, the summary with its link and the fix")
        # Away from the hover, so it closes.
        self.pointer(5, 5)
        self.keys(Keys.ESCAPE)

    def check_quick_fix(self, at):
        self.focus_editor_at(*at)
        self.keys(".", modifiers=(Keys.CONTROL,))
        # The menu also offers "Ignore …" actions whose text mentions the
        # rule; the fix's title is exactly "Add `-y`".
        def fix_row():
            for row in self.driver.find_elements("css selector", ".action-widget .monaco-list-row"):
                if row.text.replace("`", "").strip() == "Add -y":
                    return row
            return None

        row = self.wait("the quick fix menu with Add -y", fix_row)
        menu = [r.text for r in self.driver.find_elements("css selector", ".action-widget .monaco-list-row")]
        log(f"   quick fix menu: {menu}")
        r = self.js("const r = arguments[0].getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2];",
                    row)
        self.pointer(*r, click=True)
        line = at[0]
        fixed = self.wait("the line to gain -y", lambda: (lambda ls: ls if "apt-get install -y " in ls[line - 1] else None)(
            self.editor_lines()))
        if fixed[line - 1] != DOCKERFILE.splitlines()[line - 1].replace("apt-get install ", "apt-get install -y "):
            raise Failure(f"the quick fix changed more than -y: {fixed[line - 1]!r}")
        ok(f"the quick fix 'Add -y' rewrites line {line}: {fixed[line - 1][:60]}…")
        self.wait("apt-get-missing-yes to leave the Problems panel (missing-user staying)",
                  lambda: (lambda c: "apt-get-missing-yes" not in c and "missing-user" in c)(self.codes()))
        ok("its Problems row goes away")

    def check_settings_change(self):
        codes = self.codes
        self.write_workspace_settings({"dockside.ignore": ["DL4000"]})
        self.wait("maintainer-deprecated to go after ignoring DL4000 (missing-user staying)",
                  lambda: (lambda c: "maintainer-deprecated" not in c and "missing-user" in c)(codes()))
        ok("dockside.ignore = [\"DL4000\"] in .vscode/settings.json removes maintainer-deprecated, no reload")
        # Back, with fix-all on save turned on in the same write: once the
        # finding is back, VS Code has read the new settings.
        self.write_workspace_settings({
            "dockside.ignore": [],
            "[dockerfile]": {"editor.codeActionsOnSave": {"source.fixAll.dockside": "explicit"}},
        })
        self.wait("maintainer-deprecated to come back", lambda: "maintainer-deprecated" in codes())
        ok("clearing dockside.ignore brings it back")

    def check_fix_all_on_save(self):
        path = self.ws / "Dockerfile"
        self.focus_editor_at(1, 1)
        self.save()
        text = self.wait_file("fix-all on save", path, lambda t: "MAINTAINER" not in t)
        if "someone@example.com" not in text or "apt-get install -y " not in text:
            raise Failure(f"after fix-all on save the file is:\n{text}")
        if 'LABEL org.opencontainers.image.authors="someone@example.com"' not in text:
            raise Failure(f"MAINTAINER was not rewritten to a LABEL:\n{text}")
        self.wait("the editor to show the saved text", lambda: self.editor_lines() == text.split("\n"))
        self.wait("the Problems panel to drop the fixed findings", lambda: self.codes() == {"missing-user"})
        ok("saving with source.fixAll.dockside on save rewrites MAINTAINER (file on disk checked)")

    def check_format_on_save(self):
        name = "format-on-save.Dockerfile"
        codes = lambda: self.codes(name)  # noqa: E731
        self.open_file(name)
        # Format on save on, fix-all off; one of the file's findings is
        # ignored in the same write, so its disappearance shows the
        # settings were read.
        victim = "apt-lists-not-removed"
        self.wait(f"{victim} for {name}", lambda: victim in codes())
        self.write_workspace_settings({
            "dockside.ignore": [victim],
            "[dockerfile]": {"editor.formatOnSave": True, "editor.defaultFormatter": "dockside.dockside"},
        })
        self.wait(f"{victim} to go (missing-user staying)", lambda: codes() == {"missing-user"})
        self.focus_editor_at(1, 1)
        self.save()
        path = self.ws / name
        text = self.wait_file("format on save", path, lambda t: t != UNFORMATTED)
        if text != FORMATTED:
            raise Failure(f"format on save wrote:\n{text}\nexpected:\n{FORMATTED}")
        self.wait("the editor to show the formatted text", lambda: self.editor_lines() == FORMATTED.split("\n"))
        ok("saving with editor.formatOnSave formats the file with dockside")

    def run(self):
        self.prepare()
        self.install_extension()
        self.start_code_server()
        self.start_browser()
        step = "load"
        try:
            self.driver.get(f"http://127.0.0.1:{self.port}/?folder={self.ws}")
            self.wait("the workbench", lambda: self.driver.find_elements("css selector", ".monaco-workbench .part.sidebar"))
            ok("the workbench loads")
            step = "open"
            self.open_file("Dockerfile")
            step = "problems"
            positions = self.check_problems()
            step = "hover"
            self.check_hover(positions["apt-get-missing-yes"])
            step = "quick-fix"
            self.check_quick_fix(positions["apt-get-missing-yes"])
            step = "settings"
            self.check_settings_change()
            step = "fix-all-on-save"
            self.check_fix_all_on_save()
            step = "format-on-save"
            self.check_format_on_save()
        except Failure as e:
            log(f"FAIL: {e}")
            self.record_failure(step)
            return 1
        except WebDriverException as e:
            log(f"FAIL: {step}: {e.msg if hasattr(e, 'msg') else e}")
            self.record_failure(step)
            return 1
        log("PASS: dockside in VS Code (code-server)")
        return 0


def parse_marker(m):
    """(code, line, column) of a Problems row: its `.marker-code` and its
    `[Ln L, Col C]`; a row without them gives its text, so it mismatches."""
    pos = re.search(r"\[Ln (\d+), Col (\d+)\]", m["line"])
    code = m["code"].strip().strip("()")
    if not pos or not code:
        return (m["text"], 0, 0)
    return (code, int(pos.group(1)), int(pos.group(2)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--code-server", required=True)
    p.add_argument("--vsix", required=True)
    p.add_argument("--dockside", required=True)
    p.add_argument("--work", required=True)
    args = p.parse_args()
    for name in ("code_server", "vsix", "dockside"):
        setattr(args, name, str(Path(getattr(args, name)).resolve()))
    session = Session(args)
    # `timeout` sends SIGTERM: stop code-server and the browser on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(124))
    try:
        return session.run()
    except Failure as e:
        log(f"FAIL: {e}")
        return 1
    finally:
        session.stop()


if __name__ == "__main__":
    sys.exit(main())
