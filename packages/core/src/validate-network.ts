import { Isol8Error } from "./errors.js";
import type { ExecutionRequest } from "./execution.js";
import { normalizeNetworkPolicy, parseHostPatterns } from "./host-patterns.js";
import type { RuntimeDefinition } from "./runtime.js";

/** The network parts of a request, checked before anything touches the backend (bad input leaves no trace). */
export function validateNetworkRequest(request: ExecutionRequest, runtime: RuntimeDefinition): void {
  normalizeNetworkPolicy(request.network);
  if (request.logNetwork && request.network.mode !== "filtered") {
    throw new Isol8Error(
      "INVALID_INPUT",
      `Logging the network needs the filtered mode (not "${request.network.mode}"): only its proxy sees requests`,
      { hint: "Add --net filtered and --allow for the hosts the program may reach." },
    );
  }
  // Installs reach exactly these hosts; a malformed one (a plugin's, or the config's `registries`) would fail late.
  if (request.install.length > 0) parseHostPatterns(runtime.registries ?? [], `The ${runtime.name} registry`);
}
