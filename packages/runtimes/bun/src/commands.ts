import { BAKED_BUN_INSTALL } from "./environment.js";

/** Run-time install, as the sandbox user: a global install under BUN_INSTALL=/sandbox/.bun (from the env). */
export function bunInstall(packages: readonly string[]): string[] {
  return ["bun", "add", "--global", "--", ...packages];
}

// Package names arrive as positional parameters ("$@"), never inside the script text.
const BAKE_SCRIPT = [
  "cache=$(mktemp -d)",
  `BUN_INSTALL=${BAKED_BUN_INSTALL} BUN_INSTALL_CACHE_DIR="$cache" bun add --global "$@"`,
  'rm -rf "$cache"',
].join(" && ");

/** Bake into /usr/local/share/bun, with a throw-away cache so that the image keeps none. */
export function bunBake(packages: readonly string[]): string[] {
  return ["sh", "-c", BAKE_SCRIPT, "isol8-bun-bake", "--", ...packages];
}

/**
 * `--no-install`: without it Bun fetches unknown imports from the registry while the program runs; isol8 installs
 * only what was asked for, before the run.
 */
export function bunRunFile(file: string): string[] {
  return ["bun", "run", "--no-install", file];
}

export function bunRunInline(code: string): string[] {
  return ["bun", "--no-install", `--eval=${code}`];
}
