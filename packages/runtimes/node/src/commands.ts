import { INSTALL_SCRIPT } from "./install-script.js";

/** Run-time install under /sandbox, as the sandbox user; see the install script for why it is a script. */
export function nodeInstall(packages: readonly string[]): string[] {
  return [INSTALL_SCRIPT, "--", ...packages];
}

/** Bake into /usr/local/lib/node_modules, which NODE_PATH and the image's /node_modules expose. */
export function nodeBake(packages: readonly string[]): string[] {
  return [INSTALL_SCRIPT, "--system", "--", ...packages];
}

/**
 * Node's own rules: `.mjs` is ESM, `.cjs` CommonJS, and a `.js` file outside a package with a "type" is ambiguous,
 * so Node detects its syntax (ESM when it has `import`/`export`, `import.meta` or top-level `await`).
 */
export function nodeRunFile(file: string): string[] {
  return ["node", file];
}

/**
 * Inline code and stdin without `--input-type` are ambiguous input too, so they follow the same syntax detection
 * as a `.js` file: `require('lodash')` runs as CommonJS, `import _ from "lodash"` as ESM. Bare imports resolve from
 * the working directory. One argument (`--eval=…`), because node refuses `--eval` followed by code that starts
 * with "-".
 */
export function nodeRunInline(code: string): string[] {
  return ["node", `--eval=${code}`];
}
