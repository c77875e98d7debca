import { afterAll, describe, expect, it } from "vitest";
import { buildTestEngine, LABELS, testClient } from "./helpers/engine.js";

const engine = buildTestEngine();
afterAll(() => engine.close());

describe("the none network on Kubernetes", () => {
  it("puts every sandbox pod under the namespace's deny-all policy, which exists before the pod", async () => {
    const client = testClient();
    let seen: Record<string, string> | undefined;
    const result = await engine.execute(
      { runtime: "python", code: 'import time\nprint("up", flush=True)\ntime.sleep(1)' },
      {
        onEvent: (event) => {
          if (event.type !== "stdout") return;
          void client.listPods(`${LABELS.managed}=true,${LABELS.kind}=sandbox`).then((pods) => {
            seen ??= pods[0]?.metadata?.labels;
          });
        },
      },
    );
    expect(result.exitCode).toBe(0);
    const [policy] = await client.listNetworkPolicies(`${LABELS.managed}=true`);
    expect(policy?.metadata?.name).toBe("isol8-sandbox-deny-all");
    expect(policy?.spec).toMatchObject({
      podSelector: { matchLabels: { [LABELS.managed]: "true", [LABELS.network]: "none" } },
      policyTypes: ["Ingress", "Egress"],
    });
    // No rule at all is what denies everything (the API drops the empty lists).
    expect(policy?.spec?.ingress ?? []).toEqual([]);
    expect(policy?.spec?.egress ?? []).toEqual([]);
    expect(seen?.[LABELS.network]).toBe("none");
  });

  it("resolves no name: the pod's only DNS server is its own loopback", async () => {
    const result = await engine.execute({
      runtime: "python",
      code: "import socket\ntry:\n    socket.getaddrinfo('pypi.org', 443)\n    print('resolved')\nexcept socket.gaierror:\n    print('no resolution')\nprint(open('/etc/resolv.conf').read().split())",
    });
    expect(result.stdout.split("\n")[0]).toBe("no resolution");
    expect(result.stdout).toContain("'nameserver', '127.0.0.1'");
  });
});
