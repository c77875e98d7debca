import { execFileSync } from "node:child_process";
import type { ExecutionResult, NetworkPolicy } from "@isol8/core";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { buildTestEngine } from "./helpers/engine.js";
import {
  cleanupProxiesOf,
  EXTERNAL,
  ownSandboxNetworks,
  proxiesOf,
  sandboxNetworksOf,
  testMarker,
} from "./helpers/network.js";

/*
 * Installs on the registries' filtered network, proxies shared under concurrency, request logs told apart, and
 * cleanup. Traffic goes only to pypi.org and files.pythonhosted.org; the hosts the concurrency test asks for end in
 * `.invalid` and are refused by name before anything resolves them.
 */

const marker = testMarker();
const engine = buildTestEngine();

const filtered = (...allow: string[]): NetworkPolicy => ({
  mode: "filtered",
  allow: [...allow, marker],
  deny: [],
});
const docker = (args: string[]) =>
  execFileSync("docker", args, { stdio: ["ignore", "pipe", "pipe"] }).toString();
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

afterAll(async () => {
  await cleanupProxiesOf(engine, marker);
  await engine.close();
});

describe("installs on the registries' network", EXTERNAL, () => {
  const PROBE = `
import errno, os, socket, six
print("six", six.__version__)
print("proxy", os.environ.get("HTTPS_PROXY"))
try:
    socket.getaddrinfo("pypi.org", 443)
    print("dns resolved")
except socket.gaierror as error:
    print("dns", error.strerror)
try:
    socket.create_connection(("203.0.113.80", 443), timeout=10)
    print("connect connected")
except OSError as error:
    print("connect", errno.errorcode.get(error.errno))
`;

  it("installs under the default policy, and the program that follows has no network", async () => {
    const result = await runCli(["run", "-r", "python", "--install", "six==1.17.0", "-e", PROBE]);
    // On a loaded machine the install can take long enough for isol8's "bake it" hint: that line is allowed.
    expect(result.stderr.replace(/^\[isol8\] hint: .*\n/gm, "")).toBe("");
    expect(result.stdout).toBe(
      "six 1.17.0\nproxy None\ndns Temporary failure in name resolution\nconnect ENETUNREACH\n",
    );
    expect(result.code).toBe(0);
  });

  it("moves a filtered program off the install network onto its own policy's", async () => {
    const code = [
      "import six, urllib.request",
      'print(urllib.request.urlopen("https://pypi.org/simple/six/").status)',
      "try:",
      '    urllib.request.urlopen("https://files.pythonhosted.org/")',
      "except OSError as error:",
      "    print(error)",
    ].join("\n");
    const result = await engine.execute({
      runtime: "python",
      code,
      install: ["six"],
      network: filtered("pypi.org"),
      logNetwork: true,
    });
    expect(result.installed).toEqual(["six"]);
    expect(result.stdout).toBe("200\n<urlopen error Tunnel connection failed: 403 Forbidden>\n");
    // The install's own requests went through another proxy and are not the program's.
    expect(result.network?.map(({ host, allowed, reason }) => [host, allowed, reason])).toEqual([
      ["pypi.org", true, undefined],
      ["files.pythonhosted.org", false, "not-allowed"],
    ]);
  });
});

describe("one proxy per policy", () => {
  it("serves 30 parallel runs with one proxy, and tells each run's requests apart", async () => {
    const policy = filtered(`concurrency.${marker}`);
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        engine.execute({
          runtime: "python",
          code: `import urllib.request\ntry: urllib.request.urlopen("https://probe-${index}.invalid/")\nexcept OSError as error: print(error)`,
          network: policy,
          logNetwork: true,
        }),
      ),
    );
    results.forEach((result: ExecutionResult, index) => {
      expect(result.stdout).toBe("<urlopen error Tunnel connection failed: 403 Forbidden>\n");
      expect(result.network).toEqual([
        {
          host: `probe-${index}.invalid`,
          port: 443,
          method: "CONNECT",
          allowed: false,
          reason: "not-allowed",
          status: 403,
          durationMs: expect.any(Number),
        },
      ]);
    });
    expect(proxiesOf(`concurrency.${marker}`)).toHaveLength(1);
  });

  it("shares one proxy between isol8 processes started together", async () => {
    const host = `processes.${marker}`;
    const runs = await Promise.all(
      Array.from({ length: 4 }, () =>
        runCli(["run", "-r", "python", "-e", "print('ok')", "--net", "filtered", "--allow", host]),
      ),
    );
    for (const result of runs) expect([result.code, result.stdout]).toEqual([0, "ok\n"]);
    expect(proxiesOf(host)).toHaveLength(1);
  });

  it("replaces a proxy that was stopped", async () => {
    const policy = filtered(`replaced.${marker}`);
    const first = await engine.execute({ runtime: "python", code: "print(1)", network: policy });
    expect(first.stdout).toBe("1\n");
    const [proxy = ""] = proxiesOf(`replaced.${marker}`);
    const before = docker(["inspect", "--format", "{{.Id}}", proxy]).trim();
    docker(["kill", proxy]);

    const code =
      'import urllib.request\nprint(urllib.request.urlopen("https://pypi.org/simple/six/").status)';
    const second = await engine.execute({
      runtime: "python",
      code,
      network: filtered("pypi.org", `replaced.${marker}`),
    });
    expect(second.stdout).toBe("200\n");
    const third = await engine.execute({ runtime: "python", code: "print(3)", network: policy });
    expect(third.stdout).toBe("3\n");
    expect(docker(["inspect", "--format", "{{.State.Running}} {{.Id}}", proxy]).trim()).not.toBe(
      `true ${before}`,
    );
    expect(docker(["inspect", "--format", "{{.State.Running}}", proxy]).trim()).toBe("true");
  });
});

describe("cleanup", () => {
  it("reuses one network for 20 filtered runs in a row, and leaves nothing once closed and cleaned up", async () => {
    const policy = filtered(`twenty.${marker}`);
    const totals: number[] = [];
    const sandboxes: number[] = [];
    for (let index = 0; index < 20; index++) {
      const result = await engine.execute({ runtime: "python", code: "print('run')", network: policy });
      expect(result.stdout).toBe("run\n");
      totals.push(result.durations.totalMs);
      sandboxes.push(result.durations.sandboxMs);
    }
    const none = await engine.execute({ runtime: "python", code: "print('run')" });
    // One run at a time: a sandbox gets the network its predecessor left once that one is gone (its removal runs
    // in the background, so now and then a run is quicker and a second network is made).
    const [proxy = ""] = proxiesOf(`twenty.${marker}`);
    expect(proxy).toMatch(/^isol8-proxy-[0-9a-f]{16}$/);
    expect(sandboxNetworksOf(proxy).length).toBeGreaterThanOrEqual(1);
    expect(sandboxNetworksOf(proxy).length).toBeLessThanOrEqual(3);
    process.stderr.write(
      `[network] first filtered run (proxy start included): total ${totals[0]?.toFixed(0)} ms, sandbox ` +
        `${sandboxes[0]?.toFixed(0)} ms; next 19, median: total ${median(totals.slice(1)).toFixed(0)} ms, sandbox ` +
        `${median(sandboxes.slice(1)).toFixed(0)} ms; --net none: total ${none.durations.totalMs.toFixed(0)} ms\n`,
    );
    await engine.close();
    // Closing removed the engine's networks; the proxy, shared with other processes, stays for cleanup.
    expect(ownSandboxNetworks()).toEqual([]);
    expect(sandboxNetworksOf(proxy)).toEqual([]);

    const removed = await cleanupProxiesOf(engine, marker);
    expect(removed).toContain(proxy);
    expect(proxiesOf(marker)).toEqual([]);
  });
});
