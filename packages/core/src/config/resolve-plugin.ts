import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { isAbsolute, join, resolve } from "node:path";

/**
 * The file a runtime plugin specifier names. Paths resolve against `baseDir`; package names are looked up in the
 * node_modules directories above `baseDir`, so the project's own install is used rather than isol8's.
 */
export function resolvePluginFile(module: string, baseDir: string): string {
  if (isPathSpecifier(module)) {
    const file = resolve(baseDir, module);
    // Checked here so that the error names the file, not the isol8 module that tried to import it.
    if (!existsSync(file)) throw new Error(`there is no file at ${file}`);
    return file;
  }

  const require = createRequire(join(baseDir, "noop.js"));
  const { name, subpath } = splitPackageName(module);
  for (const directory of require.resolve.paths(module) ?? []) {
    const packageDir = join(directory, name);
    const manifest = readManifest(packageDir);
    if (manifest === undefined) continue;
    // require.resolve would pick the "require" condition: an ESM-only plugin (like ours, "import" only) would not
    // resolve, and a dual one would load its CommonJS build beside the ESM @isol8/core.
    if (manifest.exports === undefined) return require.resolve(module);
    const target = exportTarget(manifest.exports, subpath);
    if (target === undefined) throw new Error(`package "${name}" does not export "${subpath}" for import`);
    return join(packageDir, target);
  }
  throw new Error(`package "${name}" is not installed in any node_modules directory from ${baseDir} upwards`);
}

/** True for "./x.mjs", "../x.mjs" and absolute paths; false for package names, which Node resolves instead. */
export function isPathSpecifier(module: string): boolean {
  return isAbsolute(module) || /^\.\.?[\\/]/.test(module);
}

function splitPackageName(module: string): { name: string; subpath: string } {
  const parts = module.split("/");
  const length = module.startsWith("@") ? 2 : 1;
  return { name: parts.slice(0, length).join("/"), subpath: [".", ...parts.slice(length)].join("/") };
}

function readManifest(packageDir: string): { exports?: unknown } | undefined {
  try {
    return JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { exports?: unknown };
  } catch {
    return undefined;
  }
}

function exportTarget(exports: unknown, subpath: string): string | undefined {
  const isSubpathMap =
    exports !== null &&
    typeof exports === "object" &&
    !Array.isArray(exports) &&
    Object.keys(exports).some((key) => key.startsWith("."));
  if (!isSubpathMap) return subpath === "." ? conditionTarget(exports) : undefined;
  return conditionTarget((exports as Record<string, unknown>)[subpath]);
}

// The conditions Node's ESM loader matches; the first matching key in the package's own order wins.
const IMPORT_CONDITIONS = new Set(["node", "import", "default"]);

function conditionTarget(entry: unknown): string | undefined {
  if (typeof entry === "string") return entry;
  if (Array.isArray(entry)) {
    for (const candidate of entry) {
      const target = conditionTarget(candidate);
      if (target !== undefined) return target;
    }
    return undefined;
  }
  if (entry === null || typeof entry !== "object") return undefined;
  for (const [condition, value] of Object.entries(entry)) {
    if (!IMPORT_CONDITIONS.has(condition)) continue;
    const target = conditionTarget(value);
    if (target !== undefined) return target;
  }
  return undefined;
}
