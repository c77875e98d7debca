import { ESM_HOOK } from "./esm-hook.js";
import { INSTALL_SCRIPT } from "./install-script.js";

/** Run-time install under /sandbox, as the sandbox user; see the install script for why it is a script. */
export function nodeInstall(packages: readonly string[]): string[] {
  return [INSTALL_SCRIPT, "--", ...packages];
}

/** Bake into /usr/local/lib/node_modules, which NODE_PATH and the image's /node_modules expose. */
export function nodeBake(packages: readonly string[]): string[] {
  return [INSTALL_SCRIPT, "--system", "--", ...packages];
}

/** The preloaded hook makes `.js` ESM outside packages; `.mjs` and `.cjs` keep their meaning. */
export function nodeRunFile(file: string): string[] {
  return ["node", `--import=${ESM_HOOK}`, file];
}

/**
 * Inline code is ESM, like the main.mjs it stands for; bare imports resolve from the working directory. One argument
 * (`--eval=…`), because node refuses `--eval` followed by code that starts with "-".
 */
export function nodeRunInline(code: string): string[] {
  return ["node", "--input-type=module", `--eval=${code}`];
}
