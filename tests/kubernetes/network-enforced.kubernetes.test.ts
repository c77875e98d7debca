import { PROXY_PORT } from "@isol8/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestEngine, LABELS, NETWORK_POLICY_UNENFORCED, testClient } from "./helpers/engine.js";
import {
  deletePlainPods,
  probeFrom,
  probeScript,
  SERVER_PORT,
  startControlPod,
  startServerPod,
} from "./helpers/plain-pods.js";

/**
 * What the network policies do on a cluster that enforces them (ours: kube-router's firewall, see
 * docs/kubernetes-cluster.md). Every connection goes to pods this file creates: a plain server and a control pod,
 * which no isol8 policy selects. The control pod reaching the server first shows that the network works, so a
 * sandbox that cannot is stopped by its policy. kube-router rejects what no policy allows (iptables REJECT, an ICMP
 * port-unreachable): a connect() fails at once with ECONNREFUSED, although the server listens.
 */
const client = testClient();
const engine = buildTestEngine();
const suffix = `${process.pid}-${Date.now().toString(36)}`;
const serverName = `isol8-net-server-${suffix}`;
const controlName = `isol8-net-control-${suffix}`;
let server = "";

const REFUSED = "ConnectionRefusedError 111";
const GREETING = "connected hello from the server pod";

/** The address of the filtered network's proxy pod, once a filtered run has started it. */
async function proxyAddress(): Promise<string> {
  const [proxy] = await client.listPods(`${LABELS.kind}=proxy`);
  const ip = proxy?.status?.podIP;
  if (!ip) throw new Error("no proxy pod with an address: the filtered case runs first");
  return `${ip}:${PROXY_PORT}`;
}

if (NETWORK_POLICY_UNENFORCED) {
  process.stderr.write(
    "[kubernetes tests] ISOL8_TEST_NETWORK_POLICY=unenforced: network-enforced.kubernetes.test.ts is left out\n",
  );
}

describe.skipIf(NETWORK_POLICY_UNENFORCED)("NetworkPolicy enforced on the cluster", () => {
  beforeAll(async () => {
    const [serverIp] = await Promise.all([
      startServerPod(client, serverName),
      startControlPod(client, controlName),
    ]);
    server = `${serverIp}:${SERVER_PORT}`;
  });

  afterAll(async () => {
    await engine.close();
    await deletePlainPods(client, [serverName, controlName]);
    // The proxy of the filtered case and its policy; the namespace's deny-all stays for the files after this one.
    for (const deployment of await client.listDeployments(`${LABELS.managed}=true`)) {
      await client.deleteDeployment(deployment.metadata?.name ?? "");
    }
    for (const policy of await client.listNetworkPolicies(`${LABELS.managed}=true`)) {
      if (policy.metadata?.name?.startsWith("isol8-egress-"))
        await client.deleteNetworkPolicy(policy.metadata.name);
    }
  });

  it("lets a pod that no isol8 policy selects reach the server pod (the network itself works)", async () => {
    expect(await probeFrom(client, controlName, [server])).toEqual([GREETING]);
  });

  it("lets a filtered sandbox reach its proxy and nothing else, not even the server pod", async () => {
    const result = await engine.execute({
      runtime: "python",
      code: [
        "import os, urllib.parse",
        "proxy = urllib.parse.urlsplit(os.environ['HTTPS_PROXY'])",
        `targets = [f'{proxy.hostname}:{proxy.port}', ${JSON.stringify(server)}]`,
        probeScript("targets"),
      ].join("\n"),
      network: { mode: "filtered", allow: ["pypi.org"], deny: [] },
      limits: { timeoutMs: 60_000 },
    });
    expect(result.stderr).toBe("");
    // Squid accepts and waits for a request.
    expect(result.stdout.trim().split("\n")).toEqual(["connected (silent)", REFUSED]);
    expect(await probeFrom(client, controlName, [server])).toEqual([GREETING]);
  });

  it("cuts a none sandbox off from the server pod and the proxy pod, loopback still working", async () => {
    const proxy = await proxyAddress();
    const result = await engine.execute({
      runtime: "python",
      code: [
        "import socket, threading",
        "listener = socket.create_server(('127.0.0.1', 0))",
        "def answer():",
        "    connection, _ = listener.accept()",
        "    connection.sendall(b'hello over loopback\\n')",
        "    connection.close()",
        "threading.Thread(target=answer, daemon=True).start()",
        `targets = [f'127.0.0.1:{listener.getsockname()[1]}', ${JSON.stringify(server)}, ${JSON.stringify(proxy)}]`,
        probeScript("targets"),
      ].join("\n"),
    });
    expect(result.stderr).toBe("");
    expect(result.stdout.trim().split("\n")).toEqual(["connected hello over loopback", REFUSED, REFUSED]);
    // Both still answer a pod under no policy: the refusals were the sandbox's policy.
    expect(await probeFrom(client, controlName, [server, proxy])).toEqual([GREETING, "connected (silent)"]);
  });

  it("lets nothing reach a process listening in a none sandbox", async () => {
    let seen: ((address: string) => void) | undefined;
    const address = new Promise<string>((resolve) => {
      seen = resolve;
    });
    const run = engine.execute(
      {
        runtime: "python",
        code: [
          "import socket",
          "listener = socket.create_server(('0.0.0.0', 9000))",
          // The pod's own address: the source a UDP socket would use towards the server pod (connect sends nothing).
          "probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
          `probe.connect((${JSON.stringify(server.split(":")[0])}, 9))`,
          "own = probe.getsockname()[0]",
          // The listener answers on that address from inside the pod, so a refusal from outside is the policy's.
          "with socket.create_connection((own, 9000), timeout=5):",
          "    inside, _ = listener.accept()",
          "    inside.close()",
          "print(f'listening {own}:9000', flush=True)",
          "listener.settimeout(10)",
          "try:",
          "    listener.accept()",
          "    print('accepted a connection from outside')",
          "except TimeoutError:",
          "    print('nothing came in')",
        ].join("\n"),
        limits: { timeoutMs: 60_000 },
      },
      {
        onEvent: (event) => {
          if (event.type !== "stdout") return;
          const match = /listening (\S+)/.exec(event.data);
          if (match?.[1]) seen?.(match[1]);
        },
      },
    );
    const sandbox = await address;
    expect(await probeFrom(client, controlName, [sandbox])).toEqual([REFUSED]);
    const result = await run;
    expect(result.stdout.trim().split("\n")).toEqual([`listening ${sandbox}`, "nothing came in"]);
  });

  it("runs nothing in a pod whose policy is not in effect: the engine's probe of the canary fails closed", async () => {
    // An engine that already made the namespace's deny-all policy; the policy then goes away behind its back, so
    // its next pod is under no policy at all — as on a cluster whose plugin enforces none.
    const unaware = buildTestEngine();
    try {
      expect((await unaware.execute({ runtime: "python", code: "print('isolated')" })).stdout).toBe(
        "isolated\n",
      );
      await client.deleteNetworkPolicy("isol8-sandbox-deny-all");
      const started = Date.now();
      await expect(
        unaware.execute({ runtime: "python", code: "print('must not run')" }),
      ).rejects.toMatchObject({
        code: "SANDBOX_FAILED",
        message: expect.stringContaining("does not enforce the sandbox's NetworkPolicy"),
      });
      // It waited for enforcement before giving up (a new pod's policy takes a moment), then refused.
      expect(Date.now() - started).toBeGreaterThan(9_000);
    } finally {
      await unaware.close();
      // The next engine makes the policy again, as every engine does before its first pod.
      const restoring = buildTestEngine();
      await restoring.execute({ runtime: "python", code: "print(1)" });
      await restoring.close();
    }
  });
});
