import { createRuntimeRegistry } from "@isol8/core";
import {
  createKubernetesEngine,
  type KubernetesEngine,
  type KubernetesEngineOptions,
} from "@isol8/kubernetes";
import python from "@isol8/runtime-python";
import { createKubeClient, type KubeClient } from "../../../packages/kubernetes/src/kube-client.js";
import { loadKubeConfig } from "../../../packages/kubernetes/src/kube-config.js";
import { LABELS, managedSelector } from "../../../packages/kubernetes/src/labels.js";

/** The cluster the acceptance tests use: KUBECONFIG, else the one tooling/ensure-kubernetes.sh writes. */
export const TEST_KUBECONFIG = process.env.KUBECONFIG || "/var/lib/isol8-kubernetes/admin.kubeconfig";
/** Each test run's objects live in this namespace (created by the global setup). */
export const TEST_NAMESPACE = process.env.ISOL8_TEST_NAMESPACE || "isol8-test";

/**
 * Set where the cluster cannot enforce NetworkPolicy (tooling/test.sh: a kernel kube-router cannot run on), a gap
 * declared by whoever runs the suite: the cases that need enforcement are left out, saying so, instead of failing.
 */
export const NETWORK_POLICY_UNENFORCED = process.env.ISOL8_TEST_NETWORK_POLICY === "unenforced";

/**
 * The API client of the tests. ISOL8_TEST_NODE_NAME pins pods to a node, for a cluster that runs no scheduler yet.
 */
export function testClient(): KubeClient {
  const client = createKubeClient(loadKubeConfig({ kubeconfig: TEST_KUBECONFIG }), TEST_NAMESPACE);
  const nodeName = process.env.ISOL8_TEST_NODE_NAME;
  if (!nodeName) return client;
  return {
    ...client,
    createPod: (pod) => client.createPod({ ...pod, spec: pod.spec && { ...pod.spec, nodeName } }),
  };
}

/** The engine under test: python, images loaded into the node (no registry), pull policy Never. */
export function buildTestEngine(options: Partial<KubernetesEngineOptions> = {}): KubernetesEngine {
  return createKubernetesEngine({
    runtimes: createRuntimeRegistry([python()]),
    client: testClient(),
    image: { pullPolicy: "Never" },
    // Where the cluster cannot enforce NetworkPolicy (declared by tooling/test.sh), the engine would refuse every
    // sandbox, as it should: the suite then runs without the proof and leaves the isolation cases out.
    verifyNetworkPolicy: !NETWORK_POLICY_UNENFORCED,
    ...options,
  });
}

/** Sandbox pods that exist now, not counting the ones being deleted. */
export async function sandboxPods(client: KubeClient = testClient()): Promise<string[]> {
  const pods = await client.listPods(`${managedSelector("sandbox")}`);
  return pods.filter((pod) => !pod.metadata?.deletionTimestamp).map((pod) => pod.metadata?.name ?? "");
}

export { LABELS };
