import type { RuntimeInfo } from "./engine.js";
import type { RuntimeRegistry } from "./registry.js";

/** What `SandboxEngine.listRuntimes` answers for an engine that runs the runtimes of this registry. */
export function describeRuntimes(runtimes: RuntimeRegistry): RuntimeInfo[] {
  return runtimes.list().map((runtime) => ({
    name: runtime.name,
    extensions: [...runtime.extensions, ...(runtime.alsoRuns ?? [])],
    versions: { ...runtime.versions },
  }));
}
