import { pathToFileURL } from "node:url";
import { Isol8Error } from "../errors.js";
import type { RuntimeDefinition } from "../runtime.js";
import { isPathSpecifier, resolvePluginFile } from "./resolve-plugin.js";
import type { RuntimePluginSpec } from "./schema.js";

export interface LoadRuntimePluginsOptions {
  /** Directory of the config file: relative module paths and package lookups start here. */
  baseDir: string;
}

/**
 * Imports third-party runtime plugins, in order. Each module's default export (or its `runtime` export) is either a
 * factory, called with the spec's options, or a definition object. Nothing is validated here: pass the result to
 * `createRuntimeRegistry`, which checks every definition and rejects clashes with the built-in runtimes.
 * Throws RUNTIME_LOAD_FAILED naming the spec that failed.
 */
export async function loadRuntimePlugins(
  specs: readonly RuntimePluginSpec[],
  options: LoadRuntimePluginsOptions,
): Promise<RuntimeDefinition[]> {
  const definitions: RuntimeDefinition[] = [];
  // One after another, so that the first broken spec in the file is the one reported.
  for (const spec of specs) definitions.push(await loadPlugin(spec, options.baseDir));
  return definitions;
}

async function loadPlugin(spec: RuntimePluginSpec, baseDir: string): Promise<RuntimeDefinition> {
  const { module, options } = typeof spec === "string" ? { module: spec, options: undefined } : spec;
  const fail = (reason: string, cause?: unknown) =>
    new Isol8Error("RUNTIME_LOAD_FAILED", `Runtime plugin "${module}" could not be loaded: ${reason}`, {
      cause,
      hint: isPathSpecifier(module)
        ? `Check the path; relative paths start from ${baseDir}, the config file's directory.`
        : `Check that the package "${module}" is installed in the project (npm install ${module}).`,
    });

  let exports: Record<string, unknown>;
  try {
    exports = await import(pathToFileURL(resolvePluginFile(module, baseDir)).href);
  } catch (error) {
    throw fail(reasonOf(error), error);
  }

  const exported = exports.default ?? exports.runtime;
  if (exported === undefined) throw fail("the module has neither a default export nor a `runtime` export");
  if (typeof exported !== "function") {
    if (options !== undefined)
      throw fail("the module exports a definition, not a factory, so it takes no options");
    // The registry checks the shape; this only hands it over.
    return exported as RuntimeDefinition;
  }
  try {
    return (await exported(options)) as RuntimeDefinition;
  } catch (error) {
    throw fail(`its factory threw: ${reasonOf(error)}`, error);
  }
}

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Node appends a require stack to "Cannot find module"; the first line says it all.
  return message.split("\n")[0] ?? message;
}
