// Finding the `dockside` binary: the `dockside.path` setting, else the binary
// bundled in a platform-specific extension package, else `dockside` on PATH.
// No `vscode` import, so node-only unit tests can run it.

import * as path from 'node:path';
import * as fs from 'node:fs';

export type BinarySource = 'setting' | 'bundled' | 'path';

export interface ResolvedBinary {
  path: string;
  source: BinarySource;
}

/** Why resolution failed, for the message shown to the user. */
export interface MissingBinary {
  /** The `dockside.path` value that does not point to an executable file, if one was set. */
  badSetting?: string;
  /** Every place that was looked at, in order. */
  searched: string[];
}

/** The file system and environment that resolution reads; injectable for tests. */
export interface Environment {
  platform: NodeJS.Platform;
  /** The PATH variable (`Path` on Windows is accepted by the caller). */
  pathVariable: string | undefined;
  /** Windows' PATHEXT; ignored elsewhere. */
  pathExt: string | undefined;
  homeDir: string;
  isExecutableFile(file: string): boolean;
}

export interface ResolveOptions {
  /** `dockside.path` as configured (`null`/empty when unset). */
  configuredPath: string | null | undefined;
  /** The extension's install folder: its bundled binary sits in `bundled/`. */
  extensionPath: string;
  /** The first workspace folder, against which a relative `dockside.path` is resolved. */
  workspaceFolder?: string | undefined;
  env: Environment;
}

export function executableName(platform: NodeJS.Platform): string {
  return platform === 'win32' ? 'dockside.exe' : 'dockside';
}

/** Where a platform-specific package carries the binary. */
export function bundledBinaryPath(extensionPath: string, platform: NodeJS.Platform): string {
  return pathFor(platform).join(extensionPath, 'bundled', executableName(platform));
}

function pathFor(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** Expands `~` and `${workspaceFolder}`, and makes a relative path absolute against the workspace. */
export function expandConfiguredPath(
  configured: string,
  platform: NodeJS.Platform,
  homeDir: string,
  workspaceFolder: string | undefined,
): string {
  const p = pathFor(platform);
  let value = configured.trim();
  if (workspaceFolder !== undefined) {
    value = value.split('${workspaceFolder}').join(workspaceFolder);
  }
  if (value === '~') {
    value = homeDir;
  } else if (value.startsWith('~/') || (platform === 'win32' && value.startsWith('~\\'))) {
    value = p.join(homeDir, value.slice(2));
  }
  if (!p.isAbsolute(value) && workspaceFolder !== undefined) {
    value = p.join(workspaceFolder, value);
  }
  return value;
}

/** Looks `dockside` up in PATH the way a shell would (PATHEXT on Windows). */
export function findOnPath(env: Environment): string | undefined {
  return pathCandidates(env).find((candidate) => env.isExecutableFile(candidate));
}

function pathCandidates(env: Environment): string[] {
  const p = pathFor(env.platform);
  const delimiter = env.platform === 'win32' ? ';' : ':';
  const dirs = (env.pathVariable ?? '').split(delimiter).filter((dir) => dir.length > 0);
  const names =
    env.platform === 'win32'
      ? (env.pathExt ?? '.EXE;.CMD;.BAT')
          .split(';')
          .filter((ext) => ext.length > 0)
          .map((ext) => `dockside${ext.toLowerCase()}`)
      : ['dockside'];
  return dirs.flatMap((dir) => names.map((name) => p.join(dir.replace(/^"(.*)"$/, '$1'), name)));
}

/**
 * Resolves the binary. A configured path that does not exist is an error
 * (falling back silently would run a binary the user did not choose).
 */
export function resolveBinary(options: ResolveOptions): ResolvedBinary | MissingBinary {
  const { env } = options;
  const configured = options.configuredPath?.trim();
  if (configured) {
    const expanded = expandConfiguredPath(configured, env.platform, env.homeDir, options.workspaceFolder);
    if (env.isExecutableFile(expanded)) {
      return { path: expanded, source: 'setting' };
    }
    return { badSetting: expanded, searched: [expanded] };
  }
  const bundled = bundledBinaryPath(options.extensionPath, env.platform);
  if (env.isExecutableFile(bundled)) {
    return { path: bundled, source: 'bundled' };
  }
  const onPath = findOnPath(env);
  if (onPath !== undefined) {
    return { path: onPath, source: 'path' };
  }
  return { searched: [bundled, ...pathCandidates(env)] };
}

export function isResolved(result: ResolvedBinary | MissingBinary): result is ResolvedBinary {
  return 'path' in result;
}

/** The message shown when no binary is found. */
export function missingBinaryMessage(missing: MissingBinary): string {
  if (missing.badSetting !== undefined) {
    return (
      `dockside: the binary set in "dockside.path" (${missing.badSetting}) does not exist or is not executable. ` +
      'Fix the setting, or clear it to use the bundled binary or dockside on PATH.'
    );
  }
  return (
    'dockside: no dockside binary found (this extension package carries none for this platform, ' +
    'and there is no dockside on PATH). Install it with ' +
    '`cargo install --locked --git https://github.com/dockside/dockside dockside` ' +
    '(or `cargo install --locked --path .` in a dockside checkout), then run "dockside: Restart Server"; ' +
    'or set "dockside.path" to the binary.'
  );
}

/** The real file system and process environment. */
export function processEnvironment(): Environment {
  return {
    platform: process.platform,
    pathVariable: process.env['PATH'] ?? process.env['Path'],
    pathExt: process.env['PATHEXT'],
    homeDir: process.env['HOME'] ?? process.env['USERPROFILE'] ?? '',
    isExecutableFile(file: string): boolean {
      try {
        if (!fs.statSync(file).isFile()) {
          return false;
        }
        if (process.platform !== 'win32') {
          fs.accessSync(file, fs.constants.X_OK);
        }
        return true;
      } catch {
        return false;
      }
    },
  };
}
