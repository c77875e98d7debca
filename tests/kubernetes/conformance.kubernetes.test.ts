import { defineEngineConformance } from "@isol8/conformance";
import { buildTestEngine, sandboxPods } from "./helpers/engine.js";

// The shared suite every engine passes, against pods on a real cluster. What a pod cannot do is declared, and
// docs/kubernetes.md says why: an emptyDir cannot be noexec, run-time installs need the egress proxy, and a pod
// always has an interface (a NetworkPolicy cuts it off instead).
defineEngineConformance({
  name: "kubernetes",
  createEngine: () => buildTestEngine(),
  leftovers: () => sandboxPods(),
  capabilities: { noexecTmp: false, installs: false, loopbackOnly: false },
});
