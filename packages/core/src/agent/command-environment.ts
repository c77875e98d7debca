import type { ExecutionRequest } from "../execution.js";
import type { RuntimeDefinition } from "../runtime.js";

const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * The environment of a command in the sandbox, as "K=V" entries. The agent gives commands exactly this (not its
 * own), so it starts from the image's ENV, then the runtime's, then the user's variables and secrets.
 */
export function commandEnvironment(
  imageEnv: readonly string[],
  runtime: RuntimeDefinition,
  request?: Pick<ExecutionRequest, "env" | "secrets">,
): string[] {
  const env = new Map<string, string>();
  for (const entry of imageEnv) {
    const separator = entry.indexOf("=");
    if (separator > 0) env.set(entry.slice(0, separator), entry.slice(separator + 1));
  }
  env.set("HOME", "/sandbox");
  for (const [key, value] of Object.entries(runtime.env ?? {})) env.set(key, value);
  const path = [...(runtime.path ?? []), env.get("PATH") ?? DEFAULT_PATH].join(":");
  env.set("PATH", path);
  for (const [key, value] of Object.entries(request?.env ?? {})) env.set(key, value);
  for (const [key, value] of Object.entries(request?.secrets ?? {})) env.set(key, value);
  return [...env].map(([key, value]) => `${key}=${value}`);
}
