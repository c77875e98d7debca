import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type { ExecutionRequestInput, NetworkPolicy } from "@isol8/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { isol8Containers } from "./helpers/containers.js";
import { buildTestEngine } from "./helpers/engine.js";
import {
  cleanupProxiesOf,
  EXTERNAL,
  ownSandboxNetworks,
  proxiesOf,
  startTestServer,
  type TestServer,
  testMarker,
} from "./helpers/network.js";

/*
 * Filtered networks end to end. Traffic goes only to package registries (registry.npmjs.org, pypi.org) and to a
 * server this file starts; every "blocked" is proven by the egress proxy's own refusal (status 403, Squid's
 * X-Squid-Error header naming isol8's page, and the page's reason) or by the errno of a connection that has no
 * route — never by trying some stranger.
 */

const marker = testMarker();
const engine = buildTestEngine();
const PING = "https://registry.npmjs.org/-/ping";

const filtered = (allow: string[], deny: string[] = []): NetworkPolicy => ({
  mode: "filtered",
  allow: [...allow, marker],
  deny,
});

async function run(
  request: ExecutionRequestInput,
): Promise<{ stdout: string; stderr: string; code: number }> {
  const result = await engine.execute(request);
  return { stdout: result.stdout, stderr: result.stderr, code: result.exitCode };
}

/** Asks the proxy named by HTTPS_PROXY directly and prints what it answered: status, Squid's error, isol8's reason. */
const ASK_PROXY = `
import http.client, os, re, sys, urllib.parse
proxy = urllib.parse.urlsplit(os.environ["HTTPS_PROXY"])
def ask(method, target):
    connection = http.client.HTTPConnection(proxy.hostname, proxy.port, timeout=30)
    connection.request(method, target)
    response = connection.getresponse()
    body = "" if response.status == 200 else response.read().decode(errors="replace")
    reason = re.search(r'data-reason="([a-z-]+)"', body)
    print(method, target, response.status, response.getheader("X-Squid-Error"), reason.group(1) if reason else "-")
    connection.close()
for line in sys.stdin.read().split("\\n"):
    if line.strip():
        ask(*line.split())
`;

async function askProxy(policy: NetworkPolicy, requests: string[]): Promise<string[]> {
  const result = await run({
    runtime: "python",
    code: ASK_PROXY,
    stdin: requests.join("\n"),
    network: policy,
  });
  expect(result.stderr).toBe("");
  return result.stdout.trim().split("\n");
}

let server: TestServer;

beforeAll(() => {
  server = startTestServer();
});

afterAll(async () => {
  server?.remove();
  const proxies = await cleanupProxiesOf(engine, marker);
  await engine.close();
  expect(proxiesOf(marker)).toEqual([]);
  expect(proxies.length).toBeGreaterThan(0);
  // The engine removed the networks of its sandboxes when it closed.
  expect(ownSandboxNetworks()).toEqual([]);
});

describe("--net filtered: allowed hosts", EXTERNAL, () => {
  it.each([
    ["python", `import urllib.request\nprint(urllib.request.urlopen("${PING}").status)`],
    ["node", `const response = await fetch("${PING}");\nconsole.log(response.status);`],
    ["bun", `const response = await fetch("${PING}");\nconsole.log(response.status);`],
    ["deno", `const response = await fetch("${PING}");\nconsole.log(response.status);`],
    ["bash", `curl -sS -o /dev/null -w '%{http_code}\\n' ${PING}`],
  ])("%s reaches an allowed registry over HTTPS through the proxy", async (runtime, code) => {
    const result = await run({ runtime, code, network: filtered(["registry.npmjs.org"]) });
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("200\n");
    expect(result.code).toBe(0);
  });

  it("lets *.npmjs.org reach registry.npmjs.org", async () => {
    expect(await askProxy(filtered(["*.npmjs.org"]), ["CONNECT registry.npmjs.org:443"])).toEqual([
      "CONNECT registry.npmjs.org:443 200 None -",
    ]);
  });
});

describe("--net filtered: refusals come from the proxy", EXTERNAL, () => {
  it("refuses a registry that is reachable but not on the allowlist, over HTTPS and HTTP", async () => {
    const answers = await askProxy(filtered(["pypi.org"]), [
      "CONNECT registry.npmjs.org:443",
      "GET http://registry.npmjs.org/",
      "CONNECT pypi.org:443",
    ]);
    expect(answers).toEqual([
      "CONNECT registry.npmjs.org:443 403 ERR_ISOL8_NOT_ALLOWED 0 not-allowed",
      "GET http://registry.npmjs.org/ 403 ERR_ISOL8_NOT_ALLOWED 0 not-allowed",
      "CONNECT pypi.org:443 200 None -",
    ]);
  });

  it("lets a deny pattern win over an allow pattern", async () => {
    const answers = await askProxy(filtered(["*.npmjs.org"], ["registry.npmjs.org"]), [
      "CONNECT registry.npmjs.org:443",
    ]);
    expect(answers).toEqual(["CONNECT registry.npmjs.org:443 403 ERR_ISOL8_DENIED 0 denied"]);
  });

  it("refuses an allowed host on a port its pattern does not name", async () => {
    const answers = await askProxy(filtered(["pypi.org"]), ["CONNECT pypi.org:8443"]);
    expect(answers).toEqual(["CONNECT pypi.org:8443 403 ERR_ISOL8_PORT 0 port"]);
  });

  it("refuses allowed names and addresses that are private, loopback or link-local", async () => {
    expect(server.statusFromItsNetwork()).toBe("200");
    const target = `${server.address}:${server.port}`;
    const answers = await askProxy(filtered([target, "localhost", "169.254.169.254"]), [
      `GET http://${target}/hostname`,
      `CONNECT ${target}`,
      "GET http://localhost/",
      "GET http://169.254.169.254/latest/meta-data/",
    ]);
    expect(answers).toEqual([
      `GET http://${target}/hostname 403 ERR_ISOL8_BLOCKED_ADDRESS 0 address`,
      `CONNECT ${target} 403 ERR_ISOL8_BLOCKED_ADDRESS 0 address`,
      "GET http://localhost/ 403 ERR_ISOL8_BLOCKED_ADDRESS 0 address",
      "GET http://169.254.169.254/latest/meta-data/ 403 ERR_ISOL8_BLOCKED_ADDRESS 0 address",
    ]);
  });
});

describe("--net filtered: the proxy's own way out", () => {
  it("leaves through isol8's egress bridge (a fixed gateway address), never Docker's default bridge", async () => {
    const result = await run({ runtime: "python", code: "print(1)", network: filtered(["pypi.org"]) });
    expect(result.stdout).toBe("1\n");
    const proxies = proxiesOf(marker);
    expect(proxies.length).toBeGreaterThan(0);
    for (const proxy of proxies) {
      const networks = execFileSync("docker", [
        "inspect",
        "--format",
        "{{range $name, $_ := .NetworkSettings.Networks}}{{$name}} {{end}}",
        proxy,
      ])
        .toString()
        .trim()
        .split(" ")
        .sort();
      // Its way out, and the networks of sandboxes (free ones wait for the next sandbox), nothing else.
      expect(networks).toContain("isol8-egress");
      for (const network of networks.filter((name) => name !== "isol8-egress")) {
        expect(network).toMatch(/^isol8-sbx-[0-9a-f]{12}$/);
      }
    }
    // Docker gives a bridge it creates for a network a fixed MAC address (addr_assign_type 3, "set"), unlike docker0
    // on some hosts: a gateway address that changes under a proxy hangs its next connection.
    const bridge = execFileSync("docker", ["network", "inspect", "--format", "{{.Id}}", "isol8-egress"])
      .toString()
      .trim()
      .slice(0, 12);
    expect(readFileSync(`/sys/class/net/br-${bridge}/addr_assign_type`, "utf8").trim()).toBe("3");
  });
});

describe("--net filtered: no way around the proxy", () => {
  it("has no route to a container's address, resolves no names itself and opens no raw sockets", async () => {
    expect(server.statusFromItsNetwork()).toBe("200");
    const code = `
import errno, socket, time
started = time.monotonic()
try:
    socket.create_connection(("${server.address}", ${server.port}), timeout=20)
    print("connect connected")
except OSError as error:
    print("connect", errno.errorcode.get(error.errno), time.monotonic() - started < 10)
try:
    socket.getaddrinfo("registry.npmjs.org", 443)
    print("dns resolved")
except socket.gaierror as error:
    print("dns", error.strerror)
try:
    socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    print("raw opened")
except OSError as error:
    print("raw", errno.errorcode.get(error.errno))
`;
    const result = await run({ runtime: "python", code, network: filtered(["pypi.org"]) });
    expect(result.stdout).toBe(
      "connect EHOSTUNREACH True\ndns Temporary failure in name resolution\nraw EPERM\n",
    );
  });
});

describe("isol8 run --log-network", EXTERNAL, () => {
  it("lists an allowed and a refused request, in --json and as a table on stderr", async () => {
    const code = [
      "import urllib.request",
      // The upstream TLS proxy of our machines sometimes stalls: bounded attempts keep the run inside its timeout.
      "for attempt in range(3):",
      "    try:",
      '        print(urllib.request.urlopen("https://pypi.org/simple/six/", timeout=20).status)',
      "        break",
      "    except OSError:",
      "        pass",
      "try:",
      '    urllib.request.urlopen("https://registry.npmjs.org/")',
      "except OSError as error:",
      "    print(error)",
    ].join("\n");
    const flags = [
      "--net",
      "filtered",
      "--allow",
      "pypi.org",
      "--allow",
      marker,
      "--log-network",
      "--timeout",
      "90s",
    ];
    const json = await runCli(["run", "-r", "python", "-e", code, ...flags, "--json"]);
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout);
    expect(result.stdout).toBe("200\n<urlopen error Tunnel connection failed: 403 Forbidden>\n");
    // A stalled attempt may add an entry of its own; the two requests that matter must be there as such.
    expect(result.network).toEqual(
      expect.arrayContaining([
        {
          host: "pypi.org",
          port: 443,
          method: "CONNECT",
          allowed: true,
          status: 200,
          durationMs: expect.any(Number),
        },
        {
          host: "registry.npmjs.org",
          port: 443,
          method: "CONNECT",
          allowed: false,
          reason: "not-allowed",
          status: 403,
          durationMs: expect.any(Number),
        },
      ]),
    );

    const text = await runCli(["run", "-r", "python", "-e", code, ...flags]);
    expect(text.code).toBe(0);
    const table = text.stderr.split("\n").filter((line) => line.startsWith("[isol8] "));
    expect(table[0]).toMatch(/^\[isol8] network: \d+ request\(s\) through the egress proxy$/);
    expect(
      table.some((line) => /^\[isol8] {3}CONNECT {2}pypi\.org:443 +allowed {2}200 {2}\d+ ms$/.test(line)),
    ).toBe(true);
    expect(
      table.some((line) =>
        /^\[isol8] {3}CONNECT {2}registry\.npmjs\.org:443 {2}refused {2}403 {2}not on the allowlist$/.test(
          line,
        ),
      ),
    ).toBe(true);
  });
});

describe("isol8 run: network flags", () => {
  it.each([
    [
      ["--net", "filtered", "--allow", "pypi org"],
      /^isol8: --allow "pypi org" is not a valid host pattern: /,
    ],
    [["--net", "filtered", "--deny", "*.com"], /^isol8: --deny "\*\.com" is not a valid host pattern: /],
    [["--allow", "pypi.org"], /^isol8: --allow and --deny need --net filtered \(the network is "none"\)$/m],
    [["--log-network"], /^isol8: --log-network needs --net filtered/],
    [
      ["--net", "open"],
      /Invalid values:\n.*Argument: net, Given: "open", Choices: "none", "filtered", "host"/,
    ],
  ])("%j is refused with exit 2 and creates nothing", async (flags, message) => {
    // Containers of earlier tests may still be removing themselves: what counts is that none is new.
    const containers = isol8Containers();
    const proxies = proxiesOf(marker).length;
    const result = await runCli(["run", "-r", "python", "-e", "print(1)", ...flags]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe("");
    expect(isol8Containers().filter((id) => !containers.includes(id))).toEqual([]);
    expect(proxiesOf(marker).length).toBe(proxies);
  });

  it("warns on stderr, in one line, when the program gets the host's network", async () => {
    const result = await runCli([
      "run",
      "-r",
      "python",
      "-e",
      "print('on the host network')",
      "--net",
      "host",
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("on the host network\n");
    expect(result.stderr).toBe(
      "isol8: warning: --net host gives the program the host's network, without any isolation of its traffic\n",
    );
  });
});
