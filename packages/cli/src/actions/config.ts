import { loadConfig } from "@isol8/core";
import type { ConfigArguments } from "../commands/config.js";

/** `isol8 config`: the resolved configuration, and where each value came from. */
export async function configAction(args: ConfigArguments): Promise<number> {
  const loaded = loadConfig(args.config ? { path: args.config } : {});
  if (args.json) {
    process.stdout.write(`${JSON.stringify(loaded, null, 2)}\n`);
    return 0;
  }
  process.stdout.write(`config file: ${loaded.file ?? "(none: defaults only)"}\n`);
  for (const [key, value] of flatten(loaded.config)) {
    const source = loaded.sources[key] ?? loaded.sources[key.split(".").slice(0, -1).join(".")] ?? "default";
    process.stdout.write(`${key.padEnd(28)} ${JSON.stringify(value).padEnd(40)} (${source})\n`);
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
