import { describe, expect, it } from "vitest";
import { resolveMcpPolicy, runLimits } from "./policy.js";

describe("resolveMcpPolicy", () => {
  it("fills in the defaults", () => {
    expect(resolveMcpPolicy()).toEqual({ maxTimeoutMs: 300_000, maxSessions: 4, install: true });
  });

  it("reports every problem as path: message", () => {
    expect(() => resolveMcpPolicy({ maxSessions: -1, runtimes: [] })).toThrow(
      expect.objectContaining({
        code: "CONFIG_INVALID",
        message: expect.stringMatching(/runtimes: .*; maxSessions: /),
      }),
    );
  });

  it("refuses a default above the ceiling rather than clamping it", () => {
    expect(() => resolveMcpPolicy({ defaultTimeoutMs: 10_000, maxTimeoutMs: 5000 })).toThrow(
      /defaultTimeoutMs \(10000\) is above maxTimeoutMs \(5000\)/,
    );
  });
});

describe("runLimits", () => {
  const policy = resolveMcpPolicy({ maxTimeoutMs: 5000 });

  it("leaves the timeout to the engine when neither the call nor the policy sets one", () => {
    expect(runLimits(policy, undefined)).toEqual({});
    expect(runLimits(policy, 5000)).toEqual({ timeoutMs: 5000 });
  });

  it("refuses a timeout above the ceiling", () => {
    expect(() => runLimits(policy, 5001)).toThrow(expect.objectContaining({ code: "POLICY_DENIED" }));
  });
});
