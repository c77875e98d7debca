import { describe, expect, it } from "vitest";
import {
  SESSION_EXPIRES_ANNOTATION,
  sessionExpired,
  sessionKey,
  sessionPodName,
  sessionState,
} from "./session-pods.js";

describe("session pods", () => {
  it("name the pod readably, in DNS-1123, and tell similar names apart", () => {
    expect(sessionPodName("My_Notebook.1")).toMatch(/^isol8-session-my-notebook-1-[0-9a-f]{8}$/);
    expect(sessionPodName("a_b")).not.toBe(sessionPodName("a.b"));
    expect(sessionPodName("x".repeat(63)).length).toBeLessThanOrEqual(63);
  });

  it("label by a hash, since a label value may not end in '.' or '_' as a session name may", () => {
    expect(sessionKey("ends.")).toMatch(/^[0-9a-f]{32}$/);
  });

  it("say running only while the container runs", () => {
    expect(
      sessionState({
        status: {
          phase: "Running",
          containerStatuses: [
            { name: "s", image: "", imageID: "", ready: true, restartCount: 0, state: { running: {} } },
          ],
        },
      }),
    ).toBe("running");
    expect(sessionState({ status: { phase: "Succeeded" } })).toBe("succeeded");
    expect(sessionState({ metadata: { deletionTimestamp: new Date() }, status: { phase: "Running" } })).toBe(
      "stopping",
    );
  });

  it("expire only once the annotated time has passed; a pod without it never expires by idleness", () => {
    const at = (value?: string) => {
      const annotations: Record<string, string> = {};
      if (value !== undefined) annotations[SESSION_EXPIRES_ANNOTATION] = value;
      return { metadata: { annotations } };
    };
    expect(sessionExpired(at("1000"), 999)).toBe(false);
    expect(sessionExpired(at("1000"), 1000)).toBe(true);
    expect(sessionExpired(at(), 1e15)).toBe(false);
    expect(sessionExpired(at("soon"), 1e15)).toBe(false);
  });
});
