import {
  checkPin,
  defineRuntime,
  matchMissingModule,
  NPM_MISSING_MODULE_PATTERNS,
  NPM_WELL_KNOWN_PACKAGES,
  type NpmTarballPin,
  npmPackageName,
  type RuntimeDefinition,
  validateNpmPackage,
} from "@isol8/core";
import { bunBake, bunInstall, bunRunFile, bunRunInline } from "./commands.js";
import { bunDockerfile } from "./dockerfile.js";
import { bunEnv, bunPath, RUNTIME_BUN_INSTALL } from "./environment.js";
import { defaultBunPin } from "./pins.js";

export type { NpmTarballPin } from "@isol8/core";
export { validateNpmPackage } from "@isol8/core";
export { bunAvx2Pin, defaultBunPin } from "./pins.js";

export interface BunOptions {
  /**
   * The Bun binary: an npm package holding `bin/bun`, with its version and `dist.integrity`.
   * @default defaultBunPin (@oven/bun-linux-x64-baseline 1.4.5)
   */
  bun?: NpmTarballPin;
}

/** The Bun runtime: owns TypeScript files; run-time installs are `bun add --global` under /sandbox. */
export function bun(options: BunOptions = {}): RuntimeDefinition {
  const pin = checkPin("bun", options.bun ?? defaultBunPin);
  return defineRuntime({
    name: "bun",
    extensions: [".ts", ".tsx"],
    alsoRuns: [".js", ".mjs", ".cjs", ".jsx", ".mts", ".cts"],
    inlineFileName: "main.ts",
    versions: { bun: pin.version },
    dockerfile: bunDockerfile(pin, bunEnv),
    globalInstallPath: RUNTIME_BUN_INSTALL,
    env: { ...bunEnv },
    path: [...bunPath],
    install: bunInstall,
    bake: bunBake,
    runFile: bunRunFile,
    runInline: bunRunInline,
    registries: ["registry.npmjs.org"],
    validatePackage: validateNpmPackage,
    packageKind: "npm packages",
    missingModule: (stderr) => matchMissingModule(stderr, NPM_MISSING_MODULE_PATTERNS),
    packageName: npmPackageName,
    wellKnownPackages: [...NPM_WELL_KNOWN_PACKAGES],
  });
}

export default bun;
