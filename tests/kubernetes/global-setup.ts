import { CoreV1Api } from "@kubernetes/client-node";
import { loadKubeConfig } from "../../packages/kubernetes/src/kube-config.js";
import { managedSelector } from "../../packages/kubernetes/src/labels.js";
import { TEST_KUBECONFIG, TEST_NAMESPACE, testClient } from "./helpers/engine.js";

/**
 * Kubernetes tests need a real cluster whose nodes hold the isol8 images. No cluster fails the run — never a silent
 * skip — with what fixes it. The namespace (and its default ServiceAccount, which a cluster without a controller
 * manager does not make) is created here.
 */
export default async function setup(): Promise<void> {
  const hint =
    "Run `bash tooling/ensure-kubernetes.sh` (or point KUBECONFIG at a cluster), load the images with `bash tooling/k8s-load-images.sh isol8:python`, then retry.";
  let api: CoreV1Api;
  try {
    api = loadKubeConfig({ kubeconfig: TEST_KUBECONFIG }).makeApiClient(CoreV1Api);
    await api.listNamespace({ limit: 1 });
  } catch (error) {
    throw new Error(
      `Kubernetes tests need a reachable cluster (${TEST_KUBECONFIG}): ${(error as Error).message.split("\n")[0]}. ${hint}`,
    );
  }
  const exists = async (work: () => Promise<unknown>) =>
    work().then(
      () => true,
      (error: { code?: number }) => {
        if (error.code === 404) return false;
        throw error;
      },
    );
  if (!(await exists(() => api.readNamespace({ name: TEST_NAMESPACE })))) {
    await api.createNamespace({ body: { metadata: { name: TEST_NAMESPACE } } });
  }
  if (
    !(await exists(() => api.readNamespacedServiceAccount({ name: "default", namespace: TEST_NAMESPACE })))
  ) {
    await api
      .createNamespacedServiceAccount({ namespace: TEST_NAMESPACE, body: { metadata: { name: "default" } } })
      .catch((error: { code?: number }) => {
        if (error.code !== 409) throw error;
      });
  }
  // An earlier run that was killed leaves its sandbox and session pods (their deadline stops them, the objects
  // stay): every "nothing left behind" case of this run would count them as its own.
  const client = testClient();
  const stale = (
    await Promise.all([
      client.listPods(managedSelector("sandbox")),
      client.listPods(managedSelector("session")),
    ])
  ).flat();
  await Promise.all(stale.map((pod) => client.deletePod(pod.metadata?.name ?? "", 0)));
}
