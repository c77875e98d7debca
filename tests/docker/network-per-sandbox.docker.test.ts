import { execFileSync } from "node:child_process";
import { createProgramInput, type NetworkPolicy } from "@isol8/core";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { buildTestEngine } from "./helpers/engine.js";
import {
  cleanupProxiesOf,
  ownSandboxNetworks,
  proxiesOf,
  sandboxNetworksOf,
  testMarker,
} from "./helpers/network.js";

/*
 * A network per filtered sandbox: two sandboxes of one policy share its proxy, never a network. The only
 * connections tried are to the sandboxes this file starts and to their own proxy.
 */

const marker = testMarker();
const engine = buildTestEngine();
const policy: NetworkPolicy = { mode: "filtered", allow: [marker], deny: [] };

/** The sandbox's own address, found by routing towards its proxy (a UDP connect sends nothing). */
const OWN_ADDRESS = `
import os, socket, urllib.parse
proxy = urllib.parse.urlsplit(os.environ["HTTPS_PROXY"])
probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
probe.connect((proxy.hostname, proxy.port))
address = probe.getsockname()[0]
`;

/**
 * Listens on its address, proves the server answers by connecting to itself, prints the address, then reports
 * every connection until its stdin ends.
 */
const SERVER = `${OWN_ADDRESS}
import sys, threading
lock = threading.Lock()
def say(line):
    # One line at a time: the accepting thread and the main thread both print.
    with lock:
        sys.stdout.write(line + "\\n")
        sys.stdout.flush()
server = socket.socket()
server.bind(("0.0.0.0", 8000))
server.listen()
def accept():
    while True:
        peer, (host, _) = server.accept()
        say("accepted " + ("itself" if host == address else "a stranger"))
        peer.close()
threading.Thread(target=accept, daemon=True).start()
socket.create_connection((address, 8000), timeout=5).close()
say(f"listening {address} {proxy.hostname}")
sys.stdin.read()
`;

/** Tries the other sandbox's server, and its own proxy as the control that its network works. */
const CLIENT = (target: string) => `${OWN_ADDRESS}
import errno
print("address", address, proxy.hostname)
socket.create_connection((proxy.hostname, proxy.port), timeout=5).close()
print("proxy reached")
try:
    socket.create_connection(("${target}", 8000), timeout=10).close()
    print("connected")
except OSError as error:
    print("refused", errno.errorcode.get(error.errno, error))
`;

/** The /28 of an address of the default pool. */
function subnetOf(address: string): string {
  const octets = address.split(".").map(Number);
  return `${octets.slice(0, 3).join(".")}.${Math.floor((octets[3] ?? 0) / 16) * 16}/28`;
}

afterAll(async () => {
  await engine.close();
  expect(ownSandboxNetworks()).toEqual([]);
  await cleanupProxiesOf(engine, marker);
});

describe("a network per filtered sandbox", () => {
  it("keeps two concurrent sandboxes of one policy from connecting to each other", async () => {
    const input = createProgramInput();
    let listening: (line: string) => void = () => undefined;
    const ready = new Promise<string>((resolve) => {
      listening = resolve;
    });
    let serverOut = "";
    const server = engine.execute(
      { runtime: "python", code: SERVER, network: policy, limits: { timeoutMs: 60_000 } },
      {
        input: input.input,
        onEvent: (event) => {
          if (event.type !== "stdout") return;
          serverOut += event.data;
          const line = /^(listening .*)\n/m.exec(serverOut)?.[1];
          if (line) listening(line);
        },
      },
    );
    // Should the server end before it listens, its result says why.
    const ended = server.then((result) => {
      throw new Error(`the server ended first: ${result.exitCode} ${result.stdout} ${result.stderr}`);
    });
    const [, serverAddress = "", serverProxy = ""] = (await Promise.race([ready, ended])).split(" ");
    expect(serverAddress).toMatch(/^10\.213\.\d+\.\d+$/);

    const client = await engine.execute({ runtime: "python", code: CLIENT(serverAddress), network: policy });
    input.end();
    const served = await server;

    expect(served.exitCode).toBe(0);
    // The server answered (it reached itself) and nobody else ever got through.
    expect(served.stdout.trim().split("\n").sort()).toEqual(["accepted itself", await ready].sort());
    const [address, clientAddress = "", clientProxy = ""] = client.stdout.split("\n")[0]?.split(" ") ?? [];
    expect(address).toBe("address");
    // Another network: another /28 of isol8's pool, and the same proxy at another address on it.
    expect(subnetOf(clientAddress)).not.toBe(subnetOf(serverAddress));
    expect(clientProxy).not.toBe(serverProxy);
    expect(client.stdout.split("\n").slice(1)).toEqual([
      "proxy reached",
      expect.stringMatching(/^refused (ENETUNREACH|EHOSTUNREACH)$/),
      "",
    ]);
    expect(proxiesOf(marker)).toHaveLength(1);
  });

  it("puts a session on a network of its own for a filtered execution, and takes it off afterwards", async () => {
    const session = await engine.session(`net-${marker.slice(11, 19)}`, { runtime: "python" });
    try {
      const filtered = await session.execute({
        code: `${OWN_ADDRESS}\nsocket.create_connection((proxy.hostname, proxy.port), timeout=5).close()\nprint(address, proxy.hostname)`,
        network: policy,
      });
      const [address = "", proxyAddress = ""] = filtered.stdout.trim().split(" ");
      expect(address).toMatch(/^10\.213\.\d+\.\d+$/);
      const after = await session.execute({
        code: [
          "import errno, os, socket",
          'print(os.environ.get("HTTPS_PROXY"))',
          "try:",
          `    socket.create_connection(("${proxyAddress}", 3128), timeout=5)`,
          "except OSError as error:",
          "    print(errno.errorcode.get(error.errno, error))",
        ].join("\n"),
      });
      expect(after.stdout).toMatch(/^None\n(ENETUNREACH|EHOSTUNREACH)\n$/);
    } finally {
      await session.stop();
    }
  });

  it("leaves at most one network of a CLI run behind, which the next isol8 process removes", async () => {
    const all = () =>
      execFileSync("docker", ["network", "ls", "--filter", "name=isol8-sbx-", "--format", "{{.Name}}"])
        .toString()
        .split("\n")
        .filter(Boolean);
    const before = new Set(all());
    const args = ["run", "-r", "python", "-e", "print(1)", "--net", "filtered", "--allow", marker];
    expect((await runCli(args)).stdout).toBe("1\n");
    // A sandbox gone before the CLI exits takes its network along; else the network waits for the next run.
    const first = all().filter((name) => !before.has(name));
    expect(first.length).toBeLessThanOrEqual(1);
    expect((await runCli(args)).stdout).toBe("1\n");
    const second = all().filter((name) => !before.has(name));
    expect(second.length).toBeLessThanOrEqual(1);
    for (const name of first) expect(second).not.toContain(name);
    const next = buildTestEngine();
    await next.execute({ runtime: "python", code: "print(1)", network: policy });
    await next.close();
    const left = all();
    for (const name of second) expect(left).not.toContain(name);
  });

  it("gives concurrent sandboxes networks of their own and leaves none behind once closed", async () => {
    const local = buildTestEngine();
    const runs = await Promise.all(
      Array.from({ length: 6 }, () =>
        local.execute({ runtime: "python", code: `${OWN_ADDRESS}\nprint(address)`, network: policy }),
      ),
    );
    expect(new Set(runs.map((run) => subnetOf(run.stdout.trim()))).size).toBe(6);
    const [proxy = ""] = proxiesOf(marker);
    expect(sandboxNetworksOf(proxy).length).toBeGreaterThanOrEqual(6);
    await local.close();
    // What remains on the proxy is the file's other engine's: the two networks of the test above, free now.
    expect(sandboxNetworksOf(proxy).length).toBeLessThanOrEqual(2);
  });
});
