import { defineEngineConformance } from "@isol8/conformance";
import { buildTestEngine, sandboxPods } from "./helpers/engine.js";

/**
 * A cluster whose network plugin does not enforce NetworkPolicy (this project's test VM: its kernel lacks nftables
 * queueing) cannot isolate a pod. Whoever runs the suite there says so; by default the isolation case runs and fails.
 */
const unenforced = process.env.ISOL8_TEST_NETWORK_POLICY === "unenforced";
if (unenforced) {
  process.stderr.write(
    "[kubernetes tests] ISOL8_TEST_NETWORK_POLICY=unenforced: the network isolation case is left out; network-policy.kubernetes.test.ts still checks the policy objects\n",
  );
}

// The shared suite every engine passes, against pods on a real cluster. What a pod cannot do is declared, and
// docs/kubernetes.md says why: an emptyDir cannot be noexec, packages are baked rather than installed, and a pod
// always has an interface (a NetworkPolicy cuts it off instead).
defineEngineConformance({
  name: "kubernetes",
  createEngine: () => buildTestEngine(),
  leftovers: () => sandboxPods(),
  capabilities: { noexecTmp: false, installs: false, loopbackOnly: false, networkIsolation: !unenforced },
});
