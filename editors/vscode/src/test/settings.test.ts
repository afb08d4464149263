import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import { FILE_GLOB, FILE_NAME_PATTERNS, FILE_NAMES, isDockerfileName } from '../files';
import {
  CLIENT_SETTING_KEYS,
  PROGRAM_SETTING_KEYS,
  SERVER_SETTING_KEYS,
  answerConfiguration,
  needsRestart,
  programSetting,
  toServerSettings,
  trustAwareReader,
} from '../settings';

/** A reader over a flat map of `dockside.`-relative keys, as VS Code's `get` sees them. */
function read(values: Record<string, unknown>) {
  return (key: string) => values[key];
}

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  activationEvents: string[];
  capabilities: {
    untrustedWorkspaces: { supported: boolean | string; restrictedConfigurations: string[]; description: string };
  };
  contributes: {
    configuration: { properties: Record<string, { default: unknown }> };
    languages: { id: string; filenames: string[]; filenamePatterns: string[]; extensions: string[] }[];
    commands: { command: string }[];
  };
};

/** The values VS Code returns when nothing is configured: package.json's defaults. */
function defaults(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(manifest.contributes.configuration.properties)) {
    out[key.replace(/^dockside\./, '')] = schema.default;
  }
  return out;
}

describe('toServerSettings', () => {
  it('turns the defaults into the server defaults', () => {
    assert.deepEqual(toServerSettings(read(defaults())), {
      select: null,
      ignore: [],
      severity: {},
      shellcheck: { enabled: true, path: null },
    });
  });

  it('treats unset values like the defaults', () => {
    assert.deepEqual(toServerSettings(read({})), toServerSettings(read(defaults())));
  });

  it('passes rules, severities and shellcheck settings through', () => {
    const settings = toServerSettings(
      read({
        select: ['correctness', 'DL3008'],
        ignore: ['JSONArgsRecommended'],
        severity: { 'untagged-base-image': 'info', DL3059: 'off' },
        'shellcheck.enable': false,
        'shellcheck.path': '/usr/local/bin/shellcheck',
      }),
    );
    assert.deepEqual(settings, {
      select: ['correctness', 'DL3008'],
      ignore: ['JSONArgsRecommended'],
      severity: { 'untagged-base-image': 'info', DL3059: 'off' },
      shellcheck: { enabled: false, path: '/usr/local/bin/shellcheck' },
    });
    // Exactly the schema's keys, nothing the server would reject.
    assert.deepEqual(Object.keys(settings).sort(), ['ignore', 'select', 'severity', 'shellcheck']);
    assert.deepEqual(Object.keys(settings.shellcheck).sort(), ['enabled', 'path']);
  });

  it('cleans rule lists: trims, drops blanks, non-strings and duplicates', () => {
    const settings = toServerSettings(read({ select: [' DL3008 ', '', 'DL3008', 7, null, 'shell'], ignore: 'DL3006' }));
    assert.deepEqual(settings.select, ['DL3008', 'shell']);
    assert.deepEqual(settings.ignore, []);
  });

  it('maps an empty selection to no override', () => {
    assert.equal(toServerSettings(read({ select: [] })).select, null);
    assert.equal(toServerSettings(read({ select: ['  '] })).select, null);
  });

  it('keeps only valid severities, normalising case', () => {
    const settings = toServerSettings(
      read({ severity: { a: 'ERROR', b: 'fatal', c: 3, '': 'info', d: ' style ', e: 'Off' } }),
    );
    assert.deepEqual(settings.severity, { a: 'error', d: 'style', e: 'off' });
    assert.deepEqual(toServerSettings(read({ severity: ['error'] })).severity, {});
    assert.deepEqual(toServerSettings(read({ severity: null })).severity, {});
  });

  it('ignores wrongly typed shellcheck settings', () => {
    const settings = toServerSettings(read({ 'shellcheck.enable': 'no', 'shellcheck.path': '  ' }));
    assert.deepEqual(settings.shellcheck, { enabled: true, path: null });
  });

  it('round-trips through JSON unchanged (it is sent over the wire)', () => {
    const settings = toServerSettings(read({ select: ['x'], severity: { y: 'warning' } }));
    assert.deepEqual(JSON.parse(JSON.stringify(settings)), settings);
  });
});

describe('workspace trust', () => {
  const inspected = { defaultValue: null, globalValue: '/home/me/bin/shellcheck', workspaceValue: './evil.sh' };

  it('takes a program path from the workspace only when it is trusted', () => {
    assert.equal(programSetting(inspected, true, './evil.sh'), './evil.sh');
    assert.equal(programSetting(inspected, false, './evil.sh'), '/home/me/bin/shellcheck');
    assert.equal(programSetting({ defaultValue: null, workspaceFolderValue: './evil.sh' }, false, './evil.sh'), null);
    assert.equal(programSetting(undefined, false, './evil.sh'), undefined);
  });

  it('filters exactly the program keys of what is sent to the server', () => {
    const values: Record<string, unknown> = { 'shellcheck.path': './evil.sh', ignore: ['DL3008'], path: './dockside' };
    const untrusted = trustAwareReader(
      (key) => values[key],
      () => ({ defaultValue: null, workspaceValue: './evil.sh' }),
      false,
    );
    const settings = toServerSettings(untrusted);
    assert.equal(settings.shellcheck.path, null);
    assert.deepEqual(settings.ignore, ['DL3008'], 'other workspace settings still apply');
    assert.equal(untrusted('path'), null);
    const trusted = trustAwareReader((key) => values[key], () => undefined, true);
    assert.equal(toServerSettings(trusted).shellcheck.path, './evil.sh');
  });

  it('declares limited support in untrusted workspaces, restricting the program settings', () => {
    const trust = manifest.capabilities.untrustedWorkspaces;
    assert.equal(trust.supported, 'limited');
    assert.ok(trust.description.length > 0);
    const restricted = PROGRAM_SETTING_KEYS.map((key) => `dockside.${key}`);
    assert.deepEqual([...trust.restrictedConfigurations].sort(), [...restricted].sort());
    for (const key of restricted) {
      assert.ok(key in manifest.contributes.configuration.properties, key);
    }
  });
});

describe('answerConfiguration', () => {
  it('answers the dockside section per scope and keeps the others', () => {
    const scopes: (string | undefined)[] = [];
    const answer = answerConfiguration(
      [{ section: 'editor' }, { section: 'dockside', scopeUri: 'file:///w/a' }, { section: 'dockside' }],
      [{ tabSize: 4 }, { raw: true }, null],
      (scopeUri) => {
        scopes.push(scopeUri);
        return toServerSettings(read({ ignore: [scopeUri ?? 'none'] }));
      },
    );
    assert.deepEqual(scopes, ['file:///w/a', undefined]);
    assert.deepEqual(answer[0], { tabSize: 4 });
    assert.deepEqual((answer[1] as { ignore: string[] }).ignore, ['file:///w/a']);
    assert.deepEqual((answer[2] as { ignore: string[] }).ignore, ['none']);
  });
});

describe('needsRestart', () => {
  it('restarts for the binary and enable settings only', () => {
    assert.equal(needsRestart((s) => s === 'dockside.path'), true);
    assert.equal(needsRestart((s) => s === 'dockside.enable'), true);
    assert.equal(needsRestart((s) => s === 'dockside.ignore'), false);
    assert.equal(needsRestart((s) => s === 'dockside.trace.server'), false);
  });
});

describe('package.json', () => {
  it('declares exactly the settings the extension reads', () => {
    const declared = Object.keys(manifest.contributes.configuration.properties).sort();
    const used = [...SERVER_SETTING_KEYS, ...CLIENT_SETTING_KEYS].map((key) => `dockside.${key}`).sort();
    assert.deepEqual(declared, used);
  });

  it('registers the Dockerfile names for the dockerfile language', () => {
    const language = manifest.contributes.languages.find((l) => l.id === 'dockerfile');
    assert.ok(language);
    assert.deepEqual(language.filenames, [...FILE_NAMES]);
    assert.deepEqual(language.filenamePatterns, [...FILE_NAME_PATTERNS]);
    assert.ok(manifest.activationEvents.includes('onLanguage:dockerfile'));
    assert.ok(manifest.activationEvents.includes(`workspaceContains:${FILE_GLOB}`));
  });

  it('contributes the three commands', () => {
    assert.deepEqual(
      manifest.contributes.commands.map((c) => c.command).sort(),
      ['dockside.fixAll', 'dockside.restart', 'dockside.showOutput'],
    );
  });
});

describe('isDockerfileName', () => {
  it('matches the names dockside check finds', () => {
    for (const name of ['Dockerfile', 'Containerfile', 'Dockerfile.dev', 'api.Dockerfile', 'api.dockerfile', 'Containerfile.prod']) {
      assert.equal(isDockerfileName(name), true, name);
    }
    for (const name of ['dockerfile', 'Dockerfile.', '.dockerfile', 'Dockerfiles', 'README.md', 'Containerfile-x']) {
      assert.equal(isDockerfileName(name), false, name);
    }
  });
});
