import { PROXY_PORT } from "@isol8/core";
import type { V1Deployment, V1NetworkPolicy } from "@kubernetes/client-node";
import { LABELS } from "../labels.js";

/** On the proxy's pods: the policy hash it serves, which sandboxes' egress policy lets them reach. */
export const PROXY_LABEL = "org.isol8.proxy";
/** uid of Debian's `proxy` user, the USER of isol8:proxy. */
const PROXY_UID = 13;

/** Names of one filtered policy's objects, the same in every isol8 process. */
export function egressNames(hash: string): { proxy: string; policy: string; network: string } {
  const short = hash.slice(0, 16);
  return { proxy: `isol8-proxy-${short}`, policy: `isol8-egress-${short}`, network: `filtered-${short}` };
}

/**
 * The egress proxy of one filtered policy: the Squid image and configuration of the Docker engine, as a
 * one-replica Deployment, hardened like a sandbox where Squid allows (its own unprivileged user, no capabilities,
 * read-only root, a small memory-backed /tmp for the configuration, bounded memory).
 */
export function proxyDeployment(input: {
  hash: string;
  image: string;
  squidConfig: string;
  imagePullPolicy: string;
}): V1Deployment {
  const { proxy } = egressNames(input.hash);
  const labels = { [LABELS.managed]: "true", [LABELS.kind]: "proxy", [PROXY_LABEL]: input.hash.slice(0, 16) };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: proxy, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: { [PROXY_LABEL]: labels[PROXY_LABEL] } },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 1,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: PROXY_UID,
            runAsGroup: PROXY_UID,
            seccompProfile: { type: "RuntimeDefault" },
          },
          containers: [
            {
              name: "proxy",
              image: input.image,
              imagePullPolicy: input.imagePullPolicy,
              env: [{ name: "ISOL8_SQUID_CONF", value: input.squidConfig }],
              ports: [{ containerPort: PROXY_PORT, name: "proxy" }],
              readinessProbe: { tcpSocket: { port: PROXY_PORT }, periodSeconds: 1 },
              resources: {
                limits: { memory: String(256 * 1024 * 1024), cpu: "500m" },
                requests: { memory: "64Mi", cpu: "10m" },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                privileged: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
              },
              volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
            },
          ],
          volumes: [{ name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "16Mi" } }],
        },
      },
    },
  };
}

/**
 * What sandboxes of one filtered policy may reach: the proxy's pods on the proxy port, and nothing else (no DNS
 * either: the proxy resolves names, after checking them against the policy).
 */
export function egressPolicy(hash: string): V1NetworkPolicy {
  const { policy, network } = egressNames(hash);
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: policy, labels: { [LABELS.managed]: "true", [LABELS.kind]: "network-policy" } },
    spec: {
      podSelector: { matchLabels: { [LABELS.managed]: "true", [LABELS.network]: network } },
      policyTypes: ["Ingress", "Egress"],
      egress: [
        {
          to: [{ podSelector: { matchLabels: { [PROXY_LABEL]: hash.slice(0, 16) } } }],
          ports: [{ protocol: "TCP", port: PROXY_PORT }],
        },
      ],
    },
  };
}
