// Translating the `dockside.*` VS Code settings into the object the server
// accepts as `initializationOptions` and as the `dockside` section of
// `workspace/configuration`. No `vscode` import, so node-only unit tests can
// run it.

export type ServerSeverity = 'error' | 'warning' | 'info' | 'style' | 'off';

/** Exactly the server's settings schema. */
export interface ServerSettings {
  select: string[] | null;
  ignore: string[];
  severity: Record<string, ServerSeverity>;
  shellcheck: { enabled: boolean; path: string | null };
}

/** Reads one setting below `dockside.` (e.g. `shellcheck.enable`); `undefined` when unset. */
export type SettingReader = (key: string) => unknown;

/** The keys under `dockside.` that are sent to the server. */
export const SERVER_SETTING_KEYS = ['select', 'ignore', 'severity', 'shellcheck.enable', 'shellcheck.path'] as const;

/** The keys under `dockside.` that the extension itself uses (changing them restarts the server). */
export const CLIENT_SETTING_KEYS = ['enable', 'path', 'trace.server'] as const;

/**
 * The keys under `dockside.` that choose a program to run. In an untrusted
 * workspace only the user's own value counts (package.json lists them as
 * `restrictedConfigurations`; `programSetting` enforces it here too).
 */
export const PROGRAM_SETTING_KEYS = ['path', 'shellcheck.path'] as const;

/** The parts of VS Code's `inspect` result that `programSetting` reads. */
export interface InspectedSetting<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

/**
 * The value of a setting that names a program: the effective value in a
 * trusted workspace; otherwise the user's (or the default), whatever the
 * workspace and folder settings say, since those come with the repository.
 */
export function programSetting<T>(inspected: InspectedSetting<T> | undefined, trusted: boolean, effective: T | undefined): T | undefined {
  if (trusted) {
    return effective;
  }
  return inspected?.globalValue ?? inspected?.defaultValue;
}

/** A reader that applies `programSetting` to the program keys and passes the rest through. */
export function trustAwareReader(
  get: SettingReader,
  inspect: (key: string) => InspectedSetting<unknown> | undefined,
  trusted: boolean,
): SettingReader {
  return (key) => ((PROGRAM_SETTING_KEYS as readonly string[]).includes(key) ? programSetting(inspect(key), trusted, get(key)) : get(key));
}

const SEVERITIES: readonly ServerSeverity[] = ['error', 'warning', 'info', 'style', 'off'];

/** A list of rule names: strings only, trimmed, non-empty, without duplicates, in order. */
function ruleList(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) {
    return undefined;
  }
  const seen = new Set<string>();
  for (const item of value) {
    if (typeof item === 'string' && item.trim() !== '') {
      seen.add(item.trim());
    }
  }
  return [...seen];
}

function severityMap(value: unknown): Record<string, ServerSeverity> {
  const out: Record<string, ServerSeverity> = {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return out;
  }
  for (const [rule, level] of Object.entries(value as Record<string, unknown>)) {
    if (rule.trim() === '' || typeof level !== 'string') {
      continue;
    }
    const normalized = level.trim().toLowerCase();
    if ((SEVERITIES as readonly string[]).includes(normalized)) {
      out[rule.trim()] = normalized as ServerSeverity;
    }
  }
  return out;
}

function optionalPath(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/**
 * The server settings for the values `read` returns. Values of the wrong
 * type are treated as unset rather than sent on: an empty or invalid
 * `select` means "no override" (`null`), since selecting no rule at all is
 * never what a user means.
 */
export function toServerSettings(read: SettingReader): ServerSettings {
  const select = ruleList(read('select'));
  const enabled = read('shellcheck.enable');
  return {
    select: select !== undefined && select.length > 0 ? select : null,
    ignore: ruleList(read('ignore')) ?? [],
    severity: severityMap(read('severity')),
    shellcheck: {
      enabled: typeof enabled === 'boolean' ? enabled : true,
      path: optionalPath(read('shellcheck.path')),
    },
  };
}

/** Whether a change to `dockside.<key>` needs a server restart rather than a settings push. */
export function needsRestart(affects: (section: string) => boolean): boolean {
  return CLIENT_SETTING_KEYS.filter((key) => key !== 'trace.server').some((key) => affects(`dockside.${key}`));
}

/**
 * The answer to a `workspace/configuration` request: the `dockside` section
 * is this extension's translation (for the item's scope), every other
 * section keeps what VS Code answered.
 */
export function answerConfiguration<T>(
  items: readonly { section?: string | undefined; scopeUri?: string | undefined }[],
  defaultAnswer: readonly T[],
  settingsFor: (scopeUri: string | undefined) => ServerSettings,
): (T | ServerSettings)[] {
  return items.map((item, i) => (item.section === 'dockside' ? settingsFor(item.scopeUri) : defaultAnswer[i]) as T | ServerSettings);
}
