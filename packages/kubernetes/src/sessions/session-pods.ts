import { stableHash } from "@isol8/core";
import type { V1Pod } from "@kubernetes/client-node";
import { LABELS } from "../labels.js";

/** Annotation with the session's own name: label values cannot hold every name the contract allows. */
export const SESSION_NAME_ANNOTATION = "org.isol8.session.name";

/** The session label's value: a hash, because a label value may not end in "." or "_" as a session name may. */
export function sessionKey(name: string): string {
  return stableHash({ session: name }).slice(0, 32);
}

/** A DNS-1123 pod name that a person can still read ("isol8-session-my-notebook-1a2b3c4d"). */
export function sessionPodName(name: string): string {
  const readable = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 30);
  return `isol8-session-${readable ? `${readable}-` : ""}${sessionKey(name).slice(0, 8)}`;
}

/** "running" while the pod can execute; else its phase, lowercased ("pending", "succeeded", "failed"). */
export function sessionState(pod: V1Pod): string {
  if (pod.metadata?.deletionTimestamp) return "stopping";
  const running = pod.status?.phase === "Running" && pod.status.containerStatuses?.[0]?.state?.running;
  return running ? "running" : (pod.status?.phase ?? "pending").toLowerCase();
}

/** The labels and annotation that make a sandbox pod a session's. */
export function sessionMetadata(name: string): {
  labels: Record<string, string>;
  annotations: Record<string, string>;
} {
  return { labels: { [LABELS.session]: sessionKey(name) }, annotations: { [SESSION_NAME_ANNOTATION]: name } };
}
