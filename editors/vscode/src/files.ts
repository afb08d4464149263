// The file names dockside lints, as `dockside check` finds them in
// directories. No `vscode` import.

/** Exact names. */
export const FILE_NAMES = ['Dockerfile', 'Containerfile'] as const;
/** Name patterns (`*` is any text). */
export const FILE_NAME_PATTERNS = ['Dockerfile.*', '*.Dockerfile', '*.dockerfile', 'Containerfile.*'] as const;

/** One glob for document selectors and `workspaceContains`. */
export const FILE_GLOB = `**/{${[...FILE_NAMES, ...FILE_NAME_PATTERNS].join(',')}}`;

function patternMatches(pattern: string, name: string): boolean {
  const star = pattern.indexOf('*');
  if (star < 0) {
    return pattern === name;
  }
  const prefix = pattern.slice(0, star);
  const suffix = pattern.slice(star + 1);
  return name.length > prefix.length + suffix.length && name.startsWith(prefix) && name.endsWith(suffix);
}

/** Whether a file's base name is one dockside serves. */
export function isDockerfileName(baseName: string): boolean {
  return (
    (FILE_NAMES as readonly string[]).includes(baseName) ||
    FILE_NAME_PATTERNS.some((pattern) => patternMatches(pattern, baseName))
  );
}
