/** Where the fragment puts the hook module that `runFile` preloads. */
export const ESM_HOOK = "/usr/local/lib/isol8/esm-by-default.mjs";

/**
 * Makes a `.js` file that belongs to no package load as ESM, which is what isol8 promises for `.js`.
 * Node 24 removed `--experimental-default-type=module`, and a `{"type":"module"}` package.json at / is not
 * consulted (Node's lookup stops below the root), so a module hook does it: it changes only what Node would have
 * loaded as CommonJS, and only when no package.json and no node_modules folder lies above the file, so packages and
 * a user's own package.json keep Node's rules. Needs `module.registerHooks` (Node 22.15 or later).
 */
export const esmHook = `import { existsSync, readFileSync } from "node:fs";
import { registerHooks } from "node:module";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function outsideAnyPackage(file) {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (basename(dir) === "node_modules" || existsSync(join(dir, "package.json"))) return false;
    if (dir === dirname(dir)) return true;
  }
}

registerHooks({
  load(url, context, nextLoad) {
    const result = nextLoad(url, context);
    if (result.format !== "commonjs" || !url.startsWith("file:") || !url.endsWith(".js")) return result;
    const file = fileURLToPath(url);
    if (!outsideAnyPackage(file)) return result;
    return { format: "module", source: result.source ?? readFileSync(file), shortCircuit: true };
  },
});
`;
