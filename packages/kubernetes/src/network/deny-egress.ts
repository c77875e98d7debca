import type { V1NetworkPolicy } from "@kubernetes/client-node";
import { LABELS } from "../labels.js";

/** The policy of the "none" network: sandboxes labelled with it may neither send nor receive anything. */
export const DENY_ALL_POLICY = "isol8-sandbox-deny-all";
/** The network label value of sandboxes under it. */
export const NO_NETWORK = "none";

/**
 * A pod on Kubernetes always has an interface; the policy is what cuts it off. It selects by label, so one policy
 * per namespace covers every sandbox, and it exists before the first sandbox pod does. It has effect only where the
 * cluster's network plugin enforces NetworkPolicy (docs/kubernetes.md).
 */
export function denyAllPolicy(): V1NetworkPolicy {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: {
      name: DENY_ALL_POLICY,
      labels: { [LABELS.managed]: "true", [LABELS.kind]: "network-policy" },
    },
    spec: {
      podSelector: { matchLabels: { [LABELS.managed]: "true", [LABELS.network]: NO_NETWORK } },
      policyTypes: ["Ingress", "Egress"],
      ingress: [],
      egress: [],
    },
  };
}
