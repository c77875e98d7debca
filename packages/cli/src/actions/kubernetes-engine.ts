import type { LoadedConfig, RuntimeRegistry } from "@isol8/core";
import type { KubernetesEngine } from "@isol8/kubernetes";
import { trustDeferredExtraCa } from "../deferred-extra-ca.js";

/**
 * The Kubernetes engine, loaded only when a command asks for it: its client library is large, and a Docker run
 * (the cold path) must not pay for loading it. Outside the bundle, like the server.
 */
export async function createKubernetesCliEngine(
  loaded: LoadedConfig,
  runtimes: RuntimeRegistry,
): Promise<KubernetesEngine> {
  const { createKubernetesEngine } = await import("@isol8/kubernetes");
  trustDeferredExtraCa();
  const settings = loaded.config.kubernetes;
  return createKubernetesEngine({
    runtimes,
    kubeconfig: settings.kubeconfig,
    context: settings.context,
    namespace: settings.namespace,
    image: { registry: settings.image?.registry, pullPolicy: settings.image?.pullPolicy },
    runtimeClassName: settings.runtimeClassName,
    seccompLocalhostProfile: settings.seccompProfile,
    ...(settings.verifyNetworkPolicy === undefined
      ? {}
      : { verifyNetworkPolicy: settings.verifyNetworkPolicy }),
    ...(loaded.config.pool.size > 0
      ? { pool: { size: loaded.config.pool.size, idleTimeoutMs: loaded.config.pool.idleTimeout } }
      : {}),
  });
}
