import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { contextNamespace, loadKubeConfig } from "./kube-config.js";

const kubeconfig = `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "https://127.0.0.1:6443" } }]
users: [{ name: u, user: { token: t } }]
contexts: [{ name: ctx, context: { cluster: c, user: u, namespace: sandboxes } }]
current-context: ctx
`;

describe("loadKubeConfig", () => {
  it("says plainly that there is no configuration, and where it looked", () => {
    expect(() => loadKubeConfig({}, { HOME: "/nonexistent", KUBECONFIG: "/nope/config" })).toThrow(
      /No Kubernetes configuration found \(looked at \/nope\/config \(KUBECONFIG\), .*the in-cluster service account\)/,
    );
  });

  it("refuses a kubeconfig option that names no file", () => {
    expect(() => loadKubeConfig({ kubeconfig: "/nope/config" })).toThrow(
      /Cannot load the Kubernetes configuration: \/nope\/config does not exist/,
    );
  });

  it("says that an empty file is not a kubeconfig", () => {
    const file = join(mkdtempSync(join(tmpdir(), "isol8-kube-")), "config");
    writeFileSync(file, "\n");
    expect(() => loadKubeConfig({ kubeconfig: file })).toThrow(
      `${file} is not a kubeconfig (no clusters, users or contexts)`,
    );
  });

  it("loads the file that KUBECONFIG names, with its context's namespace", () => {
    const file = join(mkdtempSync(join(tmpdir(), "isol8-kube-")), "config");
    writeFileSync(file, kubeconfig);
    const config = loadKubeConfig({}, { KUBECONFIG: file });
    expect(config.getCurrentCluster()?.server).toBe("https://127.0.0.1:6443");
    expect(contextNamespace(config)).toBe("sandboxes");
    expect(loadKubeConfig({ kubeconfig: file }).getCurrentContext()).toBe("ctx");
  });
});
