import { defineEngineConformance } from "@isol8/conformance";
import { isol8Containers } from "./helpers/containers.js";
import { buildTestEngine } from "./helpers/engine.js";

// The suite every engine passes (the remote and Kubernetes engines run it too). Without a pool, so that every
// sandbox left at any moment is one an execution failed to remove (speed-pool.docker.test.ts covers the pool).
defineEngineConformance({
  name: "docker",
  createEngine: () => buildTestEngine(),
  leftovers: async () => isol8Containers(),
});
