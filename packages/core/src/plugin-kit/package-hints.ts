/**
 * Helpers for a plugin's `missingModule` and `packageName`: the parts every runtime shares, so that each plugin
 * only states its own message shapes and naming rules.
 */

/**
 * The first group of the first pattern that matches `stderr`, unless it names a relative or absolute path (a file of
 * the program's own, not a package).
 */
export function matchMissingModule(stderr: string, patterns: readonly RegExp[]): string | undefined {
  for (const pattern of patterns) {
    const module = pattern.exec(stderr)?.[1];
    if (module === undefined || module.startsWith(".") || module.startsWith("/")) continue;
    return module;
  }
  return undefined;
}

/**
 * The bare package of an npm-style spec or import, lower-cased: registry prefix, version and subpath dropped.
 * `npm:@scope/pkg@^1/sub` → `@scope/pkg`, `lodash/fp` → `lodash`, `jsr:@std/path@1` → `@std/path`.
 */
export function npmPackageName(spec: string): string {
  const bare = spec.replace(/^(?:npm|jsr):/, "");
  const name = /^@[^/@]+\/[^/@]+/.exec(bare)?.[0] ?? /^[^@/]+/.exec(bare)?.[0] ?? bare;
  return name.toLowerCase();
}

/** The default comparable name: lower-case, cut where a version, extra or subpath starts. */
export function plainPackageName(spec: string): string {
  return (/^[^@=<>!~[/:\s]+/.exec(spec)?.[0] ?? spec).toLowerCase();
}

/**
 * Widely used npm packages that no other registry isol8 ships for claims: the npm-based runtimes (node, bun) name
 * them as `wellKnownPackages`, so `--install lodash` on the Python runtime gets the pairing hint.
 */
export const NPM_WELL_KNOWN_PACKAGES: readonly string[] = [
  "lodash",
  "express",
  "react",
  "react-dom",
  "axios",
  "chalk",
  "moment",
  "dayjs",
  "commander",
  "yargs",
  "zod",
  "typescript",
  "vue",
  "next",
  "underscore",
  "jquery",
  "socket.io",
];

/** Node's and Bun's message shapes for an import or require of a package that is not there. */
export const NPM_MISSING_MODULE_PATTERNS: readonly RegExp[] = [
  // Node (ERR_MODULE_NOT_FOUND, require) and Bun: Cannot find package 'lodash' imported from …
  /Cannot find (?:module|package) ['"]([^'"]+)['"]/,
];
