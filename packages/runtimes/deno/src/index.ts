import {
  checkPin,
  defineRuntime,
  matchMissingModule,
  type NpmTarballPin,
  npmPackageName,
  type RuntimeDefinition,
} from "@isol8/core";
import { denoBake, denoInstall, denoRunFile, denoRunInline } from "./commands.js";
import { denoScript } from "./deno-script.js";
import { DENO_SCRIPT_CONTEXT, denoDockerfile } from "./dockerfile.js";
import { denoEnv, RUNTIME_DENO_DIR } from "./environment.js";
import { validateDenoPackage } from "./package-name.js";
import { defaultDenoPin } from "./pins.js";

export type { NpmTarballPin } from "@isol8/core";
export { validateDenoPackage } from "./package-name.js";
export { defaultDenoPin } from "./pins.js";

export interface DenoOptions {
  /**
   * The Deno binary: an npm package holding `deno`, with its version and `dist.integrity`.
   * @default defaultDenoPin (@deno/linux-x64-glibc 2.9.6)
   */
  deno?: NpmTarballPin;
}

/**
 * The Deno runtime: owns `.mts` and runs `.ts` on request (bun owns it); packages are `npm:` and `jsr:` specifiers
 * cached under /sandbox/.deno, imported by the same specifiers.
 */
export function deno(options: DenoOptions = {}): RuntimeDefinition {
  const pin = checkPin("deno", options.deno ?? defaultDenoPin);
  return defineRuntime({
    name: "deno",
    extensions: [".mts"],
    alsoRuns: [".ts", ".tsx", ".js", ".mjs", ".jsx"],
    inlineFileName: "main.mts",
    versions: { deno: pin.version },
    dockerfile: denoDockerfile(pin, denoEnv),
    contextFiles: { [DENO_SCRIPT_CONTEXT]: denoScript },
    globalInstallPath: RUNTIME_DENO_DIR,
    env: { ...denoEnv },
    install: denoInstall,
    bake: denoBake,
    runFile: denoRunFile,
    runInline: denoRunInline,
    registries: ["registry.npmjs.org", "jsr.io"],
    validatePackage: validateDenoPackage,
    packageKind: "npm: and jsr: specifiers",
    missingModule: denoMissingModule,
    packageName: npmPackageName,
  });
}

export default deno;

/** Deno's message shapes: a bare import without an import map, and an `npm:` import that was not installed. */
function denoMissingModule(stderr: string): string | undefined {
  return matchMissingModule(stderr, [
    /Import "([^"]+)" not a dependency/,
    /Failed loading \S+ for package "([^"]+)"/,
  ]);
}
