import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CoreV1Api, KubeConfig, NetworkingV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadKubeConfig } from "../../packages/kubernetes/src/kube-config.js";
import { type CliResult, runBuiltCli } from "../docker/helpers/cli.js";
import { kubeConfigWithToken, serviceAccountConfig } from "./helpers/accounts.js";
import { TEST_KUBECONFIG } from "./helpers/engine.js";

/**
 * `isol8 run --engine kubernetes` as a user types it, with each thing a user gets wrong, against the real cluster:
 * one clear error (a line and its hint), a non-zero exit code, and nothing left in the cluster.
 * (An image the node and the registry lack is images-registry.kubernetes.test.ts's case.)
 */
const NAMESPACE = "isol8-bad-input-test";
const admin = loadKubeConfig({ kubeconfig: TEST_KUBECONFIG });
const core = admin.makeApiClient(CoreV1Api);
const networking = admin.makeApiClient(NetworkingV1Api);
const RUN = ["run", "--engine", "kubernetes", "--runtime", "python", "-e", "print(1)"];

let home: string;

/** The CLI in an empty home and project directory: no ~/.kube/config, no isol8.config.json but the test's own. */
function runIn(env: NodeJS.ProcessEnv, config?: object): Promise<CliResult> {
  if (config) writeFileSync(join(home, "isol8.config.json"), JSON.stringify(config));
  else rmSync(join(home, "isol8.config.json"), { force: true });
  return runBuiltCli(RUN, {
    cwd: home,
    env: { HOME: home, KUBECONFIG: undefined, KUBERNETES_SERVICE_HOST: undefined, ...env },
    timeoutMs: 60_000,
  });
}

/** What a user sees: `isol8: <what went wrong>` and one indented hint, nothing else. */
function expectOneError(result: CliResult, code: number, message: RegExp): void {
  expect(result.code, result.stderr).toBe(code);
  expect(result.stdout).toBe("");
  const lines = result.stderr.trimEnd().split("\n");
  expect(lines[0]).toMatch(/^isol8: /);
  expect(lines[0]).toMatch(message);
  expect(lines.slice(1).every((line) => line.startsWith("  "))).toBe(true);
  expect(lines.length).toBeLessThanOrEqual(2);
}

function writeKubeconfig(name: string, config: KubeConfig): string {
  const file = join(home, name);
  writeFileSync(file, config.exportConfig());
  return file;
}

async function isol8Objects(namespace: string): Promise<string[]> {
  const selector = { namespace, labelSelector: "org.isol8.managed=true" };
  const pods = await core.listNamespacedPod(selector);
  const policies = await networking.listNamespacedNetworkPolicy(selector);
  return [...pods.items, ...policies.items].map((object) => object.metadata?.name ?? "");
}

describe("isol8 run --engine kubernetes with bad input", () => {
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), "isol8-k8s-bad-input-"));
    await core
      .createNamespace({ body: { metadata: { name: NAMESPACE } } })
      .catch((error: { code?: number }) => {
        if (error.code !== 409) throw error;
      });
    await core
      .createNamespacedServiceAccount({ namespace: NAMESPACE, body: { metadata: { name: "no-role" } } })
      .catch((error: { code?: number }) => {
        if (error.code !== 409) throw error;
      });
  });
  afterAll(async () => {
    rmSync(home, { recursive: true, force: true });
    await core.deleteNamespace({ name: NAMESPACE }).catch(() => undefined);
  });

  it("no kubeconfig anywhere: says where it looked and how to give one", async () => {
    const result = await runIn({});
    expectOneError(result, 125, /No Kubernetes configuration found \(looked at .*\.kube\/config/);
    expect(result.stderr).toContain("KUBECONFIG");
  });

  it("an API server that does not answer: names its address", async () => {
    const config = new KubeConfig();
    config.loadFromOptions({
      // Port 1 on loopback: nothing listens there, so the connection is refused at once.
      clusters: [{ name: "gone", server: "https://127.0.0.1:1", skipTLSVerify: true }],
      users: [{ name: "user", token: "unused" }],
      contexts: [{ name: "gone", cluster: "gone", user: "user", namespace: NAMESPACE }],
      currentContext: "gone",
    });
    const result = await runIn({ KUBECONFIG: writeKubeconfig("gone.kubeconfig", config) });
    expectOneError(result, 125, /Cannot reach the Kubernetes API at https:\/\/127\.0\.0\.1:1/);
  });

  it("credentials the API server refuses: says so, with the server's address", async () => {
    const config = kubeConfigWithToken("stranger", "not-a-token-this-cluster-issued", NAMESPACE);
    const result = await runIn({ KUBECONFIG: writeKubeconfig("stranger.kubeconfig", config) });
    expectOneError(result, 125, /The Kubernetes API at https:\/\/.+ did not accept the credentials/);
    expect(await isol8Objects(NAMESPACE)).toEqual([]);
  });

  it("a namespace that does not exist: names it, and how to create it", async () => {
    const missing = "isol8-no-such-namespace";
    const result = await runIn({ KUBECONFIG: TEST_KUBECONFIG }, { kubernetes: { namespace: missing } });
    expectOneError(result, 125, new RegExp(`namespace "${missing}" does not exist`));
    await expect(core.readNamespace({ name: missing })).rejects.toMatchObject({ code: 404 });
  });

  it("a namespace the account may not use: FORBIDDEN with the server's reason, and nothing created there", async () => {
    const config = await serviceAccountConfig("no-role", NAMESPACE);
    const result = await runIn(
      { KUBECONFIG: writeKubeconfig("no-role.kubeconfig", config) },
      { kubernetes: { namespace: NAMESPACE } },
    );
    expectOneError(result, 2, /Kubernetes refused to/);
    expect(result.stderr).toContain("no-role");
    expect(await isol8Objects(NAMESPACE)).toEqual([]);
  });
});
