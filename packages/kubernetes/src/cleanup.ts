import type { KubeClient } from "./kube-client.js";
import { managedSelector } from "./labels.js";

/** isol8's objects in the namespace, by kind and name. */
export interface KubernetesLeftovers {
  pods: string[];
  networkPolicies: string[];
  deployments: string[];
  services: string[];
}

/** Everything labelled as isol8's in the namespace: sandbox and session pods, policies, the egress proxy. */
export async function findKubernetesLeftovers(client: KubeClient): Promise<KubernetesLeftovers> {
  const selector = managedSelector();
  const names = (items: Array<{ metadata?: { name?: string } }>) =>
    items.map((item) => item.metadata?.name ?? "");
  const [pods, networkPolicies, deployments, services] = await Promise.all([
    client.listPods(selector).then(names),
    client.listNetworkPolicies(selector).then(names),
    client.listDeployments(selector).then(names),
    client.listServices(selector).then(names),
  ]);
  return { pods, networkPolicies, deployments, services };
}

/** Deletes what findKubernetesLeftovers found; returns how many of each went. */
export async function removeKubernetesLeftovers(
  client: KubeClient,
  leftovers: KubernetesLeftovers,
): Promise<Record<keyof KubernetesLeftovers, number>> {
  const count = async (names: string[], remove: (name: string) => Promise<boolean>) =>
    (await Promise.all(names.map(remove))).filter(Boolean).length;
  // Pods first: a policy deleted under a running sandbox would open its network.
  const pods = await count(leftovers.pods, (name) => client.deletePod(name));
  const [networkPolicies, deployments, services] = await Promise.all([
    count(leftovers.networkPolicies, (name) => client.deleteNetworkPolicy(name)),
    count(leftovers.deployments, (name) => client.deleteDeployment(name)),
    count(leftovers.services, (name) => client.deleteService(name)),
  ]);
  return { pods, networkPolicies, deployments, services };
}
