import { limitsSchema } from "@isol8/core";
import { describe, expect, it } from "vitest";
import { containerSpec } from "./container-spec.js";

describe("containerSpec", () => {
  const limits = limitsSchema.parse({ memoryBytes: 256 * 1024 * 1024, cpus: 0.5, pids: 64 });
  const spec = containerSpec({
    image: "isol8:python",
    runtime: "python",
    limits,
    seccompProfile: '{"defaultAction":"SCMP_ACT_ERRNO"}',
    networkMode: "none",
  });
  const host = spec.HostConfig ?? {};

  it("hardens the container", () => {
    expect(spec.User).toBe("1000:1000");
    expect(host.ReadonlyRootfs).toBe(true);
    expect(host.CapDrop).toEqual(["ALL"]);
    expect(host.SecurityOpt).toContain("no-new-privileges:true");
    expect(host.SecurityOpt).toContain('seccomp={"defaultAction":"SCMP_ACT_ERRNO"}');
    expect(host.Privileged).toBe(false);
    expect(host.NetworkMode).toBe("none");
  });

  it("lets the agent see the host go away", () => {
    expect(spec.OpenStdin).toBe(true);
    expect(spec.StdinOnce).toBe(true);
  });

  it("mounts /sandbox executable and /tmp not executable", () => {
    expect(host.Tmpfs?.["/sandbox"]).toMatch(/(^|,)exec(,|$)/);
    expect(host.Tmpfs?.["/tmp"]).toMatch(/(^|,)noexec(,|$)/);
    expect(host.Tmpfs?.["/sandbox"]).toContain(`size=${limits.sandboxBytes}`);
  });

  it("applies memory without swap, CPU and PID limits", () => {
    expect(host.Memory).toBe(256 * 1024 * 1024);
    expect(host.MemorySwap).toBe(256 * 1024 * 1024);
    expect(host.NanoCpus).toBe(500_000_000);
    expect(host.PidsLimit).toBe(64);
  });

  it("labels the container as isol8's so cleanup can find it", () => {
    expect(spec.Labels).toMatchObject({ "org.isol8.managed": "true", "org.isol8.kind": "sandbox" });
  });
});
