import { stableHash } from "@isol8/core";
import type { V1Pod } from "@kubernetes/client-node";
import { LABELS } from "../labels.js";

/** Annotation with the session's own name: label values cannot hold every name the contract allows. */
export const SESSION_NAME_ANNOTATION = "org.isol8.session.name";

/** How long a session may go without an execution or file operation before it is removed. @default 15 min */
export function sessionIdleMs(options: { idleTimeoutMs?: number | undefined }): number {
  return options.idleTimeoutMs ?? 900_000;
}

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

/**
 * Annotation with the time (ms since the epoch) after which any isol8 may remove the session as idle. Kept on the pod
 * rather than in a process, so that a session opened by a CLI run that has ended still ends when it is idle.
 */
export const SESSION_EXPIRES_ANNOTATION = "org.isol8.session.expires-at";

/** The labels and annotations that make a sandbox pod a session's, idle-expiring at `expiresAt`. */
export function sessionMetadata(
  name: string,
  expiresAt: number,
): {
  labels: Record<string, string>;
  annotations: Record<string, string>;
} {
  return {
    labels: { [LABELS.session]: sessionKey(name) },
    annotations: { [SESSION_NAME_ANNOTATION]: name, [SESSION_EXPIRES_ANNOTATION]: String(expiresAt) },
  };
}

/** Whether the session's idle time ran out by `now`; a pod without the annotation never expires this way. */
export function sessionExpired(pod: V1Pod, now: number): boolean {
  const expiresAt = Number(pod.metadata?.annotations?.[SESSION_EXPIRES_ANNOTATION]);
  return Number.isFinite(expiresAt) && expiresAt > 0 && expiresAt <= now;
}
