import { type PackagePairing, packageKindOf, packagePairing, type RuntimeRegistry } from "@isol8/core";

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
  /** The run's packages: its defaults (config or setup) and its --install. */
  packages: readonly string[];
  /** Packages each runtime is known to use outside this run: the config's dependencies, else setup's record. */
  listed: Readonly<Record<string, readonly string[]>>;
}

/**
 * One-line hints about a finished run (without the "[isol8] hint: " prefix). What a missing module looks like and
 * how package names compare is each runtime plugin's knowledge (`missingModule`, `packageName`).
 */
export function hintsFor(input: HintInput, runtimes: RuntimeRegistry): string[] {
  const hints: string[] = [];
  const runtime = runtimes.get(input.runtime);
  const missing = input.exitCode === 0 ? undefined : runtime.missingModule?.(input.stderr);
  if (missing !== undefined) {
    const pairing = packagePairing(runtimes, { runtime: input.runtime, name: missing, listed: input.listed });
    if (pairing) hints.push(pairingHint(pairing, runtimes));
  }
  if (input.installMs > SLOW_INSTALL_MS && input.installed.length > 0) {
    // All of the run's packages, not only those installed: setup keeps one custom image per runtime, so baking
    // just the missing ones would retire the image that held the rest.
    const all = [...new Set(input.packages.length > 0 ? input.packages : input.installed)];
    const seconds = Math.round(input.installMs / 1000);
    hints.push(
      `installing ${input.installed.join(", ")} took ${seconds} s: bake the packages into an image once with ` +
        `\`isol8 setup --${input.runtime} ${shellWord(all.join(","))}\` and later runs install nothing`,
    );
  }
  return hints;
}

/**
 * The pairing hints for an install that failed: one per package of the run that belongs to another runtime
 * (pip building the PyPI project "lodash" fails for reasons that say nothing about the mix-up).
 */
export function installPairingHints(
  input: Pick<HintInput, "runtime" | "packages" | "listed">,
  runtimes: RuntimeRegistry,
): string[] {
  return input.packages
    .map((name) => packagePairing(runtimes, { runtime: input.runtime, name, listed: input.listed }))
    .filter((pairing): pairing is PackagePairing => pairing !== undefined)
    .map((pairing) => pairingHint(pairing, runtimes));
}

/** The troubleshooting advice of the dependency docs, "verify runtime/package pairing", made specific. */
export function pairingHint(pairing: PackagePairing, runtimes: RuntimeRegistry): string {
  const [first] = pairing.owners;
  const kind = packageKindOf(runtimes.get(pairing.runtime));
  return (
    `"${pairing.name}" is a package for ${pairing.owners.join(" and ")}, not for ${pairing.runtime}: ` +
    `verify the runtime/package pairing — run the code with --runtime ${first}, or install ${pairing.runtime}'s ` +
    `own ${kind} with --install`
  );
}

/** Quotes a word for a POSIX shell when it holds anything beyond plain name characters. */
function shellWord(word: string): string {
  return /^[\w.,:@/+-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
