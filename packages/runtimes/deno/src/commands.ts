import { DENO_SCRIPT } from "./deno-script.js";

/**
 * Run-time install: `deno cache` of the specifiers into /sandbox/.deno, as the sandbox user. No `--` before them:
 * deno would take what follows it as program arguments and cache nothing. None can pass for an option anyway,
 * since each starts with npm: or jsr: (see validateDenoPackage).
 */
export function denoInstall(specifiers: readonly string[]): string[] {
  return [DENO_SCRIPT, "--install", ...specifiers];
}

export function denoBake(specifiers: readonly string[]): string[] {
  return [DENO_SCRIPT, "--bake", ...specifiers];
}

/**
 * `--allow-all`: the container is the sandbox; Deno's permission prompts would only stop a program that isol8's
 * policy already allows (and without a terminal they fail instead of asking).
 */
export function denoRunFile(file: string): string[] {
  return [DENO_SCRIPT, "run", "--allow-all", file];
}

/**
 * `deno eval` allows everything already; `--ext=ts` matches the main.mts that inline code stands for. deno takes
 * code that starts with "-" for an option and treats `--` as the end of the code, so such code gets a leading
 * space instead.
 */
export function denoRunInline(code: string): string[] {
  return [DENO_SCRIPT, "eval", "--ext=ts", code.startsWith("-") ? ` ${code}` : code];
}
