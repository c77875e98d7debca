import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { loadKubeConfig } from "../../../packages/kubernetes/src/kube-config.js";
import { TEST_KUBECONFIG } from "./engine.js";

const admin = loadKubeConfig({ kubeconfig: TEST_KUBECONFIG });

/** A kubeconfig for the test cluster that presents `token` as `user`, in `namespace`. */
export function kubeConfigWithToken(user: string, token: string, namespace: string): KubeConfig {
  const cluster = admin.getCurrentCluster();
  if (!cluster) throw new Error(`${TEST_KUBECONFIG} names no cluster`);
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ ...cluster, name: "cluster" }],
    users: [{ name: user, token }],
    contexts: [{ name: user, cluster: "cluster", user, namespace }],
    currentContext: user,
  });
  return config;
}

/** A kubeconfig that acts as a service account: the admin's cluster, a short-lived token of the account's. */
export async function serviceAccountConfig(account: string, namespace: string): Promise<KubeConfig> {
  const request = await admin.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({
    name: account,
    namespace,
    body: { spec: { audiences: [], expirationSeconds: 600 } },
  });
  if (!request.status?.token) throw new Error(`no token for the service account ${namespace}/${account}`);
  return kubeConfigWithToken(account, request.status.token, namespace);
}
