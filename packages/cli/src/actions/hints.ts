/**
 * What the program's stderr says when an import or a command is missing, one pattern per message shape; the first
 * group is the module or command. Runtime-neutral on purpose: every pattern is tried against every run.
 */
const MISSING_MODULE: readonly RegExp[] = [
  // Python: ModuleNotFoundError: No module named 'numpy'
  /ModuleNotFoundError: No module named '([^'.]+)/,
  // Node (ERR_MODULE_NOT_FOUND, require) and Bun: Cannot find package 'lodash' imported from …
  /Cannot find (?:module|package) ['"]([^'"]+)['"]/,
  // Deno, bare import: Import "lodash" not a dependency
  /Import "([^"]+)" not a dependency/,
  // Deno, npm: import that is not cached: Failed loading https://… for package "lodash"
  /Failed loading \S+ for package "([^"]+)"/,
  // Bash: bash: line 1: jq: command not found
  /: ([A-Za-z0-9][\w.+-]*): command not found/,
];

/** An install slower than this is worth baking into an image. */
export const SLOW_INSTALL_MS = 10_000;

export interface HintInput {
  /** Runtime the program ran on. */
  runtime: string;
  /** The program's exit code: a missing module matters only when the program failed. */
  exitCode: number;
  /** The program's stderr. */
  stderr: string;
  /** How long the run-time install took, in milliseconds. */
  installMs: number;
  /** Packages installed at run time (the rest were baked into the image). */
  installed: readonly string[];
  /** Packages known per runtime: the config's dependencies, plus this run's packages under its runtime. */
  packages: Readonly<Record<string, readonly string[]>>;
}

/** One-line hints about a finished run (without the "[isol8] hint: " prefix). */
export function hintsFor(input: HintInput): string[] {
  const hints: string[] = [];
  const missing = input.exitCode === 0 ? undefined : missingModule(input.stderr);
  if (missing !== undefined) {
    const own = (input.packages[input.runtime] ?? []).some((spec) => packageName(spec) === missing.name);
    const others = Object.entries(input.packages)
      .filter(
        ([runtime, specs]) => runtime !== input.runtime && specs.some((s) => packageName(s) === missing.name),
      )
      .map(([runtime]) => runtime);
    if (!own && others.length > 0) {
      hints.push(
        `"${missing.module}" is a package for ${others.join(" and ")}, not for ${input.runtime}: ` +
          `run the code with --runtime ${others[0]}, or install ${input.runtime}'s own package with --install`,
      );
    }
  }
  if (input.installMs > SLOW_INSTALL_MS && input.installed.length > 0) {
    // All of the run's packages, not only those installed: setup keeps one custom image per runtime, so baking
    // just the missing ones would retire the image that held the rest.
    const all = [...new Set(input.packages[input.runtime] ?? input.installed)];
    const seconds = Math.round(input.installMs / 1000);
    hints.push(
      `installing ${input.installed.join(", ")} took ${seconds} s: bake the packages into an image once with ` +
        `\`isol8 setup --${input.runtime} ${shellWord(all.join(","))}\` and later runs install nothing`,
    );
  }
  return hints;
}

/** The module the program failed to find, as written and as a comparable package name. */
function missingModule(stderr: string): { module: string; name: string } | undefined {
  for (const pattern of MISSING_MODULE) {
    const module = pattern.exec(stderr)?.[1];
    if (module === undefined || module.startsWith(".") || module.startsWith("/")) continue;
    return { module, name: packageName(module) };
  }
  return undefined;
}

/**
 * The bare package of a package spec or an import: registry prefix, version, extras and subpath dropped, case and
 * the `-`/`_`/`.` spelling folded (pip treats them alike). `npm:@scope/pkg@^1/sub` → `@scope/pkg`,
 * `typing_extensions==4` → `typing-extensions`, `lodash/fp` → `lodash`.
 */
export function packageName(spec: string): string {
  const bare = spec.replace(/^(?:npm|jsr):/, "");
  const name = /^@[^/@]+\/[^/@]+/.exec(bare)?.[0] ?? /^[^@=<>!~[/]+/.exec(bare)?.[0] ?? bare;
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

/** Quotes a word for a POSIX shell when it holds anything beyond plain name characters. */
function shellWord(word: string): string {
  return /^[\w.,:@/+-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
