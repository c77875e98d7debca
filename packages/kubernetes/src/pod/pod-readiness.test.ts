import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { podReadiness } from "./pod-readiness.js";

const withState = (state: object, phase = "Pending"): V1Pod => ({
  status: {
    phase,
    containerStatuses: [{ name: "sandbox", image: "", imageID: "", ready: false, restartCount: 0, state }],
  },
});

describe("podReadiness", () => {
  it("is running once the container runs", () => {
    expect(podReadiness(withState({ running: {} }, "Running"), "isol8:python")).toEqual({ state: "running" });
  });

  it.each(["ErrImageNeverPull", "ErrImagePull", "ImagePullBackOff", "InvalidImageName"])(
    "says IMAGE_MISSING with a hint on %s",
    (reason) => {
      const readiness = podReadiness(withState({ waiting: { reason } }), "isol8:python");
      expect(readiness.state).toBe("failed");
      if (readiness.state !== "failed") return;
      expect(readiness.error).toMatchObject({ code: "IMAGE_MISSING" });
      expect(readiness.error.message).toContain("isol8:python");
      expect(readiness.error.hint).toContain("docs/kubernetes.md");
    },
  );

  it("fails a container that cannot be created, with the kubelet's message", () => {
    const readiness = podReadiness(
      withState({ waiting: { reason: "CreateContainerConfigError", message: "bad uid" } }),
      "x",
    );
    expect(readiness.state === "failed" && readiness.error.message).toContain("bad uid");
  });

  it("fails a pod that ended, or that was deleted", () => {
    expect(
      podReadiness(withState({ terminated: { exitCode: 1, reason: "Error" } }, "Failed"), "x").state,
    ).toBe("failed");
    expect(podReadiness(undefined, "x").state).toBe("failed");
  });

  it("keeps waiting while the pod is pending or unscheduled, saying why", () => {
    expect(podReadiness(withState({ waiting: { reason: "ContainerCreating" } }), "x")).toEqual({
      state: "waiting",
      why: "ContainerCreating",
    });
    const unscheduled: V1Pod = {
      status: {
        phase: "Pending",
        conditions: [{ type: "PodScheduled", status: "False", message: "0/1 nodes are available" }],
      },
    };
    expect(podReadiness(unscheduled, "x")).toEqual({
      state: "waiting",
      why: "not scheduled: 0/1 nodes are available",
    });
  });
});
