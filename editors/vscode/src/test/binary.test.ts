import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import {
  type Environment,
  bundledBinaryPath,
  expandConfiguredPath,
  isResolved,
  missingBinaryMessage,
  processEnvironment,
  resolveBinary,
} from '../binary';

/** An environment whose executable files are exactly `files`. */
function fakeEnv(files: string[], overrides: Partial<Environment> = {}): Environment {
  const set = new Set(files);
  return {
    platform: 'linux',
    pathVariable: '/usr/local/bin:/usr/bin',
    pathExt: undefined,
    homeDir: '/home/u',
    isExecutableFile: (file) => set.has(file),
    ...overrides,
  };
}

describe('resolveBinary', () => {
  const ext = '/ext/dockside-0.1.0';

  it('prefers the configured path', () => {
    const env = fakeEnv(['/opt/dockside', `${ext}/bundled/dockside`, '/usr/bin/dockside']);
    assert.deepEqual(resolveBinary({ configuredPath: '/opt/dockside', extensionPath: ext, env }), {
      path: '/opt/dockside',
      source: 'setting',
    });
  });

  it('does not fall back when the configured path is missing', () => {
    const env = fakeEnv([`${ext}/bundled/dockside`, '/usr/bin/dockside']);
    const result = resolveBinary({ configuredPath: '/nope/dockside', extensionPath: ext, env });
    assert.equal(isResolved(result), false);
    assert.deepEqual(result, { badSetting: '/nope/dockside', searched: ['/nope/dockside'] });
    assert.match(missingBinaryMessage(result as { badSetting: string; searched: string[] }), /dockside\.path.*\/nope\/dockside/);
  });

  it('uses the bundled binary before PATH', () => {
    const env = fakeEnv([`${ext}/bundled/dockside`, '/usr/bin/dockside']);
    assert.deepEqual(resolveBinary({ configuredPath: null, extensionPath: ext, env }), {
      path: `${ext}/bundled/dockside`,
      source: 'bundled',
    });
  });

  it('treats an empty or blank setting as unset', () => {
    const env = fakeEnv(['/usr/bin/dockside']);
    for (const configuredPath of ['', '   ', undefined, null]) {
      assert.deepEqual(resolveBinary({ configuredPath, extensionPath: ext, env }), {
        path: '/usr/bin/dockside',
        source: 'path',
      });
    }
  });

  it('searches PATH in order', () => {
    const env = fakeEnv(['/usr/bin/dockside', '/usr/local/bin/dockside']);
    assert.deepEqual(resolveBinary({ configuredPath: null, extensionPath: ext, env }), {
      path: '/usr/local/bin/dockside',
      source: 'path',
    });
  });

  it('reports every place searched when nothing is found', () => {
    const env = fakeEnv([], { pathVariable: '/a::/b' });
    const result = resolveBinary({ configuredPath: null, extensionPath: ext, env });
    assert.deepEqual(result, { searched: [`${ext}/bundled/dockside`, '/a/dockside', '/b/dockside'] });
    const message = missingBinaryMessage(result as { searched: string[] });
    // Only routes that work today: dockside-lint is not on PyPI yet.
    assert.doesNotMatch(message, /pip/);
    assert.match(message, /cargo install --locked --git https:\/\/github\.com\/dockside\/dockside dockside/);
    assert.match(message, /cargo install --locked --path \./);
    assert.match(message, /dockside\.path/);
  });

  it('handles an unset PATH', () => {
    const env = fakeEnv([], { pathVariable: undefined });
    assert.deepEqual(resolveBinary({ configuredPath: undefined, extensionPath: ext, env }), {
      searched: [`${ext}/bundled/dockside`],
    });
  });

  it('uses PATHEXT and .exe on Windows', () => {
    const winExt = 'C:\\ext';
    const env = fakeEnv(['C:\\tools\\dockside.cmd', `${winExt}\\bundled\\dockside.exe`], {
      platform: 'win32',
      pathVariable: 'C:\\bin;"C:\\tools"',
      pathExt: '.EXE;.CMD',
    });
    assert.equal(bundledBinaryPath(winExt, 'win32'), 'C:\\ext\\bundled\\dockside.exe');
    assert.deepEqual(resolveBinary({ configuredPath: null, extensionPath: winExt, env }), {
      path: 'C:\\ext\\bundled\\dockside.exe',
      source: 'bundled',
    });
    assert.deepEqual(resolveBinary({ configuredPath: null, extensionPath: 'C:\\other', env }), {
      path: 'C:\\tools\\dockside.cmd',
      source: 'path',
    });
  });
});

describe('expandConfiguredPath', () => {
  it('expands ~ and ${workspaceFolder} and anchors relative paths at the workspace', () => {
    assert.equal(expandConfiguredPath('~/bin/dockside', 'linux', '/home/u', undefined), '/home/u/bin/dockside');
    assert.equal(expandConfiguredPath('~', 'linux', '/home/u', undefined), '/home/u');
    assert.equal(
      expandConfiguredPath('${workspaceFolder}/tools/dockside', 'linux', '/home/u', '/w'),
      '/w/tools/dockside',
    );
    assert.equal(expandConfiguredPath('tools/dockside', 'linux', '/home/u', '/w'), '/w/tools/dockside');
    assert.equal(expandConfiguredPath(' /abs/dockside ', 'linux', '/home/u', '/w'), '/abs/dockside');
    assert.equal(expandConfiguredPath('bin\\dockside.exe', 'win32', 'C:\\Users\\u', 'D:\\w'), 'D:\\w\\bin\\dockside.exe');
  });

  it('resolves a relative setting against the workspace folder', () => {
    const env = fakeEnv(['/w/tools/dockside']);
    assert.deepEqual(
      resolveBinary({ configuredPath: 'tools/dockside', extensionPath: '/ext', workspaceFolder: '/w', env }),
      { path: '/w/tools/dockside', source: 'setting' },
    );
  });
});

describe('processEnvironment', () => {
  it('sees executable files and rejects non-executable files and directories', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-bin-'));
    try {
      const exe = path.join(dir, 'dockside');
      const plain = path.join(dir, 'plain');
      fs.writeFileSync(exe, '#!/bin/sh\n', { mode: 0o755 });
      fs.writeFileSync(plain, 'text', { mode: 0o644 });
      const env = processEnvironment();
      assert.equal(env.isExecutableFile(exe), true);
      assert.equal(env.isExecutableFile(dir), false);
      assert.equal(env.isExecutableFile(path.join(dir, 'missing')), false);
      if (process.platform !== 'win32') {
        assert.equal(env.isExecutableFile(plain), false);
      }
      const found = resolveBinary({ configuredPath: null, extensionPath: '/nonexistent', env: { ...env, pathVariable: dir } });
      assert.deepEqual(found, { path: exe, source: 'path' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
