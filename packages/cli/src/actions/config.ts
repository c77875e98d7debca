import { loadConfig } from "@isol8/core";
import type { ConfigArguments } from "../commands/config.js";
import { projectDirectory, readSetupRecord, setupRecordPath } from "./setup-record.js";

/** `isol8 config`: the resolved configuration, and where each value came from. */
export async function configAction(args: ConfigArguments): Promise<number> {
  const loaded = loadConfig(args.config ? { path: args.config } : {});
  const project = projectDirectory(loaded);
  // What `isol8 setup --<runtime>` baked here: the packages a plain run prefers where the config lists none.
  const baked = readSetupRecord(project).dependencies;
  if (args.json) {
    process.stdout.write(
      `${JSON.stringify({ ...loaded, setupRecord: { project, dependencies: baked } }, null, 2)}\n`,
    );
    return 0;
  }
  process.stdout.write(`config file: ${loaded.file ?? "(none: defaults only)"}\n`);
  for (const [key, value] of flatten(loaded.config)) {
    const source = loaded.sources[key] ?? loaded.sources[key.split(".").slice(0, -1).join(".")] ?? "default";
    process.stdout.write(`${key.padEnd(28)} ${JSON.stringify(value).padEnd(40)} (${source})\n`);
  }
  for (const [runtime, packages] of Object.entries(baked)) {
    const used = loaded.config.dependencies[runtime]
      ? "the config's dependencies win"
      : "used by a plain run";
    process.stdout.write(
      `${`setup.${runtime}`.padEnd(28)} ${JSON.stringify(packages).padEnd(40)} (${setupRecordPath(project)}; ${used})\n`,
    );
  }
  return 0;
}

function flatten(value: unknown, prefix = ""): [string, unknown][] {
  if (value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length > 0) {
    return Object.entries(value).flatMap(([key, member]) =>
      flatten(member, prefix ? `${prefix}.${key}` : key),
    );
  }
  return [[prefix, value]];
}
