import {
  Isol8Error,
  type NetworkPolicy,
  PROXY_PORT,
  parseHostPatterns,
  proxyEnvironment,
  squidConfig,
  stableHash,
} from "@isol8/core";
import type { KubeClient } from "../kube-client.js";
import { managedSelector } from "../labels.js";
import { denyAllPolicy, NO_NETWORK } from "./deny-egress.js";
import { egressNames, egressPolicy, PROXY_LABEL, proxyDeployment } from "./egress-proxy-spec.js";
import type { Canary } from "./isolation-check.js";

/** Where a sandbox of a network policy is: its pod label, and the variables that send its HTTP(S) to the proxy. */
export interface PodNetwork {
  label: string;
  env: string[];
}

/** How long a found canary address is trusted before it is looked up again. */
const CANARY_LOOKUP_TTL_MS = 30_000;

/** How long a new proxy may take to be ready. */
const START_TIMEOUT_MS = 60_000;

/**
 * The policies and proxies of sandbox networks: `none` is the namespace's deny-all policy; each filtered policy
 * (by the hash of its Squid configuration and image) gets a proxy Deployment and a policy that lets its sandboxes
 * reach only that proxy. Both exist before a sandbox of theirs does; a proxy is found again by any process.
 */
export function createEgressProxies(client: KubeClient, proxyImage: string, imagePullPolicy: string) {
  let denyAll: Promise<void> | undefined;
  const inflight = new Map<string, Promise<PodNetwork>>();

  const once = <T>(work: () => Promise<T>, reset: () => void): Promise<T> =>
    work().catch((error: unknown) => {
      reset();
      throw error;
    });

  async function filtered(policy: Pick<NetworkPolicy, "allow" | "deny">): Promise<PodNetwork> {
    const config = squidConfig({
      allow: parseHostPatterns(policy.allow, "network.allow"),
      deny: parseHostPatterns(policy.deny, "network.deny"),
    });
    const hash = stableHash({ image: proxyImage, config });
    const names = egressNames(hash);
    await client.ensureNetworkPolicy(egressPolicy(hash));
    await client.ensureDeployment(
      proxyDeployment({ hash, image: proxyImage, squidConfig: config, imagePullPolicy }),
    );
    const address = await readyProxyAddress(client, hash.slice(0, 16), names.proxy);
    return { label: names.network, env: proxyEnvironment(address, PROXY_PORT) };
  }

  let canary: Promise<Canary> | undefined;
  let canaryFoundAt = 0;
  /**
   * isol8's canary: a proxy of a policy that allows nothing, which no sandbox policy lets anyone reach. A new sandbox
   * pod that can still connect to it is not isolated (isolation-check.ts).
   */
  async function startCanary(): Promise<Canary> {
    const config = squidConfig({ allow: [], deny: [] });
    const hash = stableHash({ canary: true, image: proxyImage, config });
    await client.ensureDeployment(
      proxyDeployment({ hash, image: proxyImage, squidConfig: config, imagePullPolicy }),
    );
    const address = await readyProxyAddress(client, hash.slice(0, 16), egressNames(hash).proxy);
    return { address, port: PROXY_PORT };
  }

  return {
    /**
     * Where the canary listens, started on first use (once per namespace; every process finds it again). Looked up
     * again after a while: a rescheduled canary has a new address, and probing its old one would prove nothing.
     */
    canary(): Promise<Canary> {
      if (Date.now() - canaryFoundAt > CANARY_LOOKUP_TTL_MS) canary = undefined;
      if (!canary) {
        canaryFoundAt = Date.now();
        canary = once(startCanary, () => {
          canary = undefined;
        });
      }
      return canary;
    },
    /** The network of a sandbox pod under this policy, made ready (policy, proxy) before the pod exists. */
    async prepare(policy: NetworkPolicy): Promise<PodNetwork> {
      if (policy.mode !== "filtered") {
        denyAll ??= once(
          () => client.ensureNetworkPolicy(denyAllPolicy()),
          () => {
            denyAll = undefined;
          },
        );
        await denyAll;
        return { label: NO_NETWORK, env: [] };
      }
      const key = JSON.stringify([policy.allow, policy.deny]);
      let pending = inflight.get(key);
      if (!pending) {
        pending = once(
          () => filtered(policy),
          () => inflight.delete(key),
        );
        inflight.set(key, pending);
      }
      return pending;
    },
  };
}

/**
 * The address of a ready pod of the proxy. Sandboxes reach it by pod IP: a Service's ClusterIP needs kube-proxy and a
 * name needs DNS, neither of which a sandbox may rely on; a restarted proxy is looked up again by the next run.
 */
async function readyProxyAddress(client: KubeClient, key: string, name: string): Promise<string> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const pods = await client.listPods(`${managedSelector("proxy")},${PROXY_LABEL}=${key}`);
    const ready = pods.find(
      (pod) =>
        !pod.metadata?.deletionTimestamp &&
        pod.status?.podIP &&
        pod.status.conditions?.some((condition) => condition.type === "Ready" && condition.status === "True"),
    );
    if (ready?.status?.podIP) return ready.status.podIP;
    const waiting = pods[0]?.status?.containerStatuses?.[0]?.state?.waiting;
    if (waiting?.reason && /ErrImage|ImagePull|InvalidImageName/.test(waiting.reason)) {
      throw new Isol8Error(
        "IMAGE_MISSING",
        `The egress proxy image is not on the Kubernetes node (${waiting.reason})`,
        {
          hint: "Build isol8:proxy with `isol8 setup` (a filtered Docker run builds it) and load it into the nodes (docs/kubernetes.md).",
        },
      );
    }
    if (Date.now() > deadline) {
      throw new Isol8Error(
        "SANDBOX_FAILED",
        `The egress proxy ${name} was not ready within ${START_TIMEOUT_MS / 1000} s`,
        {
          hint: `\`kubectl describe deployment ${name}\` in the namespace shows why.`,
        },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
