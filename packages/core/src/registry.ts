import { extname } from "node:path";
import { Isol8Error } from "./errors.js";
import { type RuntimeDefinition, runtimeDefinitionSchema } from "./runtime.js";
import { formatZodIssues } from "./zod-issues.js";

/** An explicit set of runtimes, validated once. No global state: create one where you need it. */
export interface RuntimeRegistry {
  /** All runtimes, in registration order. */
  list(): RuntimeDefinition[];
  /** The runtime with this name; throws RUNTIME_UNKNOWN naming the known ones. */
  get(name: string): RuntimeDefinition;
  has(name: string): boolean;
  /** The runtime that owns this file's extension, or undefined. */
  forFile(fileName: string): RuntimeDefinition | undefined;
}

/**
 * Validates each definition with zod and rejects duplicate names and clashing extensions, naming the culprits.
 * Third-party code may build definitions without `defineRuntime`; this is where they are checked.
 */
export function createRuntimeRegistry(definitions: readonly unknown[]): RuntimeRegistry {
  const byName = new Map<string, RuntimeDefinition>();
  const byExtension = new Map<string, RuntimeDefinition>();

  definitions.forEach((candidate, index) => {
    const parsed = runtimeDefinitionSchema.safeParse(candidate);
    const label = describe(candidate, index);
    if (!parsed.success) {
      throw new Isol8Error(
        "RUNTIME_INVALID",
        `Runtime ${label} is invalid: ${formatZodIssues(parsed.error).join("; ")}`,
        { hint: "Fix the runtime plugin so that it returns a complete definition (see defineRuntime)." },
      );
    }
    // Keep the caller's object (with its functions) rather than zod's copy.
    const definition = candidate as RuntimeDefinition;
    if (byName.has(definition.name)) {
      throw new Isol8Error("RUNTIME_INVALID", `Runtime "${definition.name}" is registered twice`, {
        hint: "Remove one of the two plugins, or give the third-party runtime another name.",
      });
    }
    for (const extension of definition.extensions) {
      const owner = byExtension.get(extension.toLowerCase());
      if (owner) {
        throw new Isol8Error(
          "RUNTIME_INVALID",
          `Runtimes "${owner.name}" and "${definition.name}" both claim the file extension "${extension}"`,
          { hint: `Let only one runtime own "${extension}"; the other can list it in alsoRuns.` },
        );
      }
      byExtension.set(extension.toLowerCase(), definition);
    }
    byName.set(definition.name, definition);
  });

  return {
    list: () => [...byName.values()],
    has: (name) => byName.has(name),
    get(name) {
      const runtime = byName.get(name);
      if (!runtime) {
        throw new Isol8Error("RUNTIME_UNKNOWN", `Unknown runtime "${name}"`, {
          hint: `Use one of: ${[...byName.keys()].join(", ")}.`,
        });
      }
      return runtime;
    },
    forFile: (fileName) => byExtension.get(extname(fileName).toLowerCase()),
  };
}

function describe(candidate: unknown, index: number): string {
  if (candidate !== null && typeof candidate === "object" && "name" in candidate) {
    const name = (candidate as { name: unknown }).name;
    if (typeof name === "string") return `"${name}"`;
  }
  return `#${index + 1}`;
}
