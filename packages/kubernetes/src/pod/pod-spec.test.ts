import { limitsSchema } from "@isol8/core";
import { describe, expect, it } from "vitest";
import { podSpec } from "./pod-spec.js";

const base = {
  name: "isol8-sandbox-abc",
  image: "isol8:python",
  runtime: "python",
  limits: limitsSchema.parse({ memoryBytes: 256 * 1024 ** 2, cpus: 0.5 }),
  imagePullPolicy: "Never" as const,
  network: "none",
  activeDeadlineSeconds: 150,
  kind: "sandbox" as const,
};

describe("podSpec", () => {
  const pod = podSpec(base);
  const spec = pod.spec;
  const container = spec?.containers[0];

  it("runs as uid 1000, non-root, with a read-only root, no capabilities and no privilege escalation", () => {
    expect(spec?.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 });
    expect(container?.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
  });

  it("gives the pod no service account token, no service links, no host namespaces and no DNS", () => {
    expect(spec).toMatchObject({
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      hostNetwork: false,
      hostPID: false,
      hostIPC: false,
      dnsPolicy: "None",
      restartPolicy: "Never",
      activeDeadlineSeconds: 150,
    });
    expect(spec?.dnsConfig?.nameservers).toEqual(["127.0.0.1"]);
  });

  it("limits memory and CPU, and mounts /sandbox and /tmp as memory-backed emptyDirs with their sizes", () => {
    expect(container?.resources?.limits).toEqual({ memory: String(256 * 1024 ** 2), cpu: "500m" });
    expect(container?.volumeMounts).toEqual([
      { name: "sandbox", mountPath: "/sandbox" },
      { name: "tmp", mountPath: "/tmp" },
    ]);
    expect(spec?.volumes).toEqual([
      { name: "sandbox", emptyDir: { medium: "Memory", sizeLimit: String(base.limits.sandboxBytes) } },
      { name: "tmp", emptyDir: { medium: "Memory", sizeLimit: String(base.limits.tmpBytes) } },
    ]);
  });

  it("labels the pod as isol8's, with its kind, runtime and network", () => {
    expect(pod.metadata?.labels).toEqual({
      "org.isol8.managed": "true",
      "org.isol8.kind": "sandbox",
      "org.isol8.runtime": "python",
      "org.isol8.network": "none",
    });
  });

  it("runs the agent with stdin open, the image as given and its pull policy", () => {
    expect(container).toMatchObject({
      image: "isol8:python",
      imagePullPolicy: "Never",
      command: ["/usr/local/bin/isol8-agent"],
      stdin: true,
      tty: false,
    });
  });

  it("takes a RuntimeClass and a Localhost seccomp profile when configured", () => {
    const hardened = podSpec({ ...base, runtimeClassName: "gvisor", seccompLocalhostProfile: "isol8.json" });
    expect(hardened.spec?.runtimeClassName).toBe("gvisor");
    expect(hardened.spec?.securityContext?.seccompProfile).toEqual({
      type: "Localhost",
      localhostProfile: "isol8.json",
    });
    expect(spec?.runtimeClassName).toBeUndefined();
  });
});
