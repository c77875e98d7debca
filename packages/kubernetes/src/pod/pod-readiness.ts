import { Isol8Error } from "@isol8/core";
import type { V1Pod } from "@kubernetes/client-node";

/** Waiting reasons that mean the image is not there and will not come: the pod would wait forever. */
const IMAGE_MISSING = new Set(["ErrImageNeverPull", "ErrImagePull", "ImagePullBackOff", "InvalidImageName"]);
/** Waiting reasons that mean the container cannot be made from the spec. */
const CANNOT_START = new Set(["CreateContainerConfigError", "CreateContainerError", "RunContainerError"]);

export type PodReadiness =
  | { state: "running" }
  | { state: "waiting"; why: string }
  | { state: "failed"; error: Isol8Error };

/**
 * Where a starting sandbox pod is, and what to tell the user when it will never run. Pure, so that every way a pod
 * gets stuck is unit-tested without a cluster.
 */
export function podReadiness(pod: V1Pod | undefined, image: string): PodReadiness {
  if (!pod)
    return {
      state: "failed",
      error: new Isol8Error("SANDBOX_FAILED", "The sandbox pod was deleted before it started"),
    };
  const container = pod.status?.containerStatuses?.[0];
  const waiting = container?.state?.waiting;
  if (waiting?.reason && IMAGE_MISSING.has(waiting.reason)) {
    return {
      state: "failed",
      error: new Isol8Error(
        "IMAGE_MISSING",
        `The image ${image} is not on the Kubernetes node (${waiting.reason})`,
        {
          hint: "Build it with `isol8 setup` and load it into the cluster's nodes, or push it with `isol8 setup --push REGISTRY` and set `kubernetes.image.registry` to that registry (docs/kubernetes.md).",
        },
      ),
    };
  }
  if (waiting?.reason && CANNOT_START.has(waiting.reason)) {
    return {
      state: "failed",
      error: new Isol8Error(
        "SANDBOX_FAILED",
        `The sandbox pod cannot start: ${waiting.message ?? waiting.reason}`,
      ),
    };
  }
  const terminated = container?.state?.terminated;
  const phase = pod.status?.phase;
  if (terminated || phase === "Failed" || phase === "Succeeded") {
    const why =
      terminated?.message ??
      terminated?.reason ??
      pod.status?.message ??
      pod.status?.reason ??
      phase ??
      "ended";
    return {
      state: "failed",
      error: new Isol8Error("SANDBOX_FAILED", `The sandbox pod ended before it was used: ${why}`),
    };
  }
  if (phase === "Running" && container?.state?.running) return { state: "running" };
  const unscheduled = pod.status?.conditions?.find(
    (condition) => condition.type === "PodScheduled" && condition.status === "False",
  );
  if (unscheduled)
    return {
      state: "waiting",
      why: `not scheduled: ${unscheduled.message ?? unscheduled.reason ?? "no node"}`,
    };
  return { state: "waiting", why: waiting?.reason ?? phase ?? "pending" };
}
