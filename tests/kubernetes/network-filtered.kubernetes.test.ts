import { afterAll, describe, expect, it } from "vitest";
import { buildTestEngine, testClient } from "./helpers/engine.js";

const engine = buildTestEngine();
afterAll(async () => {
  await engine.close();
  // The proxy of this policy and its policy; the namespace's deny-all stays for the files after this one.
  const client = testClient();
  for (const deployment of await client.listDeployments("org.isol8.managed=true")) {
    await client.deleteDeployment(deployment.metadata?.name ?? "");
  }
  for (const policy of await client.listNetworkPolicies("org.isol8.managed=true")) {
    if (policy.metadata?.name?.startsWith("isol8-egress-"))
      await client.deleteNetworkPolicy(policy.metadata.name);
  }
});

const FETCH = [
  "import urllib.request",
  "for url in ('https://pypi.org/simple/six/', 'https://example.com/'):",
  "    try:",
  "        print(urllib.request.urlopen(url, timeout=20).status)",
  "    except Exception as error:",
  "        print(error)",
].join("\n");

describe("the filtered network on Kubernetes", () => {
  it("sends HTTPS through the policy's egress proxy: an allowed host answers, another is refused by the proxy", async () => {
    const result = await engine.execute({
      runtime: "python",
      code: FETCH,
      network: { mode: "filtered", allow: ["pypi.org"], deny: [] },
      limits: { timeoutMs: 60_000 },
    });
    expect(result.stderr).toBe("");
    expect(result.stdout.split("\n").slice(0, 2)).toEqual([
      "200",
      "<urlopen error Tunnel connection failed: 403 Forbidden>",
    ]);
    const [proxy] = await testClient().listPods("org.isol8.kind=proxy");
    expect(proxy?.spec?.containers[0]?.securityContext).toMatchObject({ readOnlyRootFilesystem: true });
  });
});
