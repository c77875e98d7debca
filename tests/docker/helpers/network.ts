import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { DockerEngine } from "@isol8/docker";

/**
 * Options of tests whose programs reach the package registries. Their requests leave through the machine's own
 * TLS-intercepting proxy, outside isol8, whose latency now and then exceeds a program's timeout on a loaded machine:
 * one retry keeps that outside noise from failing the run, while a real refusal or leak fails both tries alike.
 * (The stall that first motivated it — a first request per policy hanging 20–30 s — was isol8's own and is fixed:
 * the proxies left through docker0, whose MAC address changed under them; see docs/network.md.)
 */
export const EXTERNAL = { retry: 1 };

/**
 * A host pattern unique to one test file: added to every policy the file uses, it gives the file proxies and
 * networks of its own (a policy's proxy is shared by everyone using the same policy), and it names nothing that
 * exists — the `.invalid` top-level domain never resolves — so no request ever goes there.
 */
export function testMarker(): string {
  return `isol8-test-${randomBytes(4).toString("hex")}.invalid`;
}

function docker(args: string[]): string[] {
  return execFileSync("docker", args, { stdio: ["ignore", "pipe", "pipe"] })
    .toString()
    .split("\n")
    .filter(Boolean);
}

/** Names of the egress proxies whose policy names the marker (running or not). */
export function proxiesOf(marker: string): string[] {
  const ids = docker(["ps", "-aq", "--filter", "label=org.isol8.kind=proxy"]);
  return ids.flatMap((id) => {
    const [name = "", env = ""] = docker(["inspect", "--format", "{{.Name}}\n{{json .Config.Env}}", id]);
    return env.includes(marker) ? [name.replace(/^\//, "")] : [];
  });
}

/** The allow patterns of a proxy's policy, read back from the configuration it was started with (sorted). */
export function allowedBy(proxy: string): string[] {
  const [env = "[]"] = docker(["inspect", "--format", "{{json .Config.Env}}", proxy]);
  const config = (JSON.parse(env) as string[]).find((entry) => entry.startsWith("ISOL8_SQUID_CONF=")) ?? "";
  return [...config.matchAll(/^acl isol8_allow_host_\d+ (?:dstdomain -n (\S+)|dstdom_regex -n -i (\S+))$/gm)]
    .map(([, host, regex]) => host ?? `regex:${regex}`)
    .sort();
}

/** The sandbox networks a proxy is on (every network but its way out, isol8-egress), sorted. */
export function sandboxNetworksOf(proxy: string): string[] {
  const [names = ""] = docker([
    "inspect",
    "--format",
    "{{range $name, $_ := .NetworkSettings.Networks}}{{$name}} {{end}}",
    proxy,
  ]);
  return names
    .split(" ")
    .filter((name) => name && name !== "isol8-egress")
    .sort();
}

/** Names of the sandbox networks that engines of this process created and have not removed yet. */
export function ownSandboxNetworks(): string[] {
  const owner = `org.isol8.network.owner=${hostname()}:${process.pid}`;
  return docker(["network", "ls", "--filter", `label=${owner}`, "--format", "{{.Name}}"]).sort();
}

/** Names of the networks of that name that exist (0 or 1). */
export function existingNetworks(names: readonly string[]): string[] {
  const all = new Set(docker(["network", "ls", "--format", "{{.Name}}"]));
  return names.filter((name) => all.has(name));
}

/**
 * What `isol8 cleanup --force` does, through the library, for this file's proxies and networks only (the real
 * command would remove other test files' objects too). Returns the proxy names it removed.
 */
export async function cleanupProxiesOf(engine: DockerEngine, marker: string): Promise<string[]> {
  const mine = proxiesOf(marker);
  const theirs = mine.flatMap(sandboxNetworksOf);
  const leftovers = await engine.findLeftovers();
  const containers = leftovers.containers.filter((container) => mine.includes(container.name));
  const networks = leftovers.networks.filter((network) => theirs.includes(network.name));
  await engine.cleanup({ containers, images: [], networks });
  return mine;
}

/** A plain HTTP server in a container on a network of its own: a target that only this test created. */
export interface TestServer {
  address: string;
  port: number;
  /** Status of a GET from another container on the server's network: proof that the server answers. */
  statusFromItsNetwork(): string;
  remove(): void;
}

export function startTestServer(): TestServer {
  const name = `isol8test-server-${randomBytes(4).toString("hex")}`;
  docker(["network", "create", name]);
  // isol8:python's labels would make the server look like one of isol8's own containers: override them.
  const notIsol8 = ["--label", "org.isol8.managed=false"];
  docker([
    ...[
      "run",
      "-d",
      "--name",
      name,
      "--network",
      name,
      ...notIsol8,
      "--entrypoint",
      "python3",
      "isol8:python",
    ],
    ...["-m", "http.server", "8000", "--bind", "0.0.0.0", "--directory", "/etc"],
  ]);
  const [address = ""] = docker([
    "inspect",
    "--format",
    `{{(index .NetworkSettings.Networks "${name}").IPAddress}}`,
    name,
  ]);
  return {
    address,
    port: 8000,
    statusFromItsNetwork() {
      const curl = `for i in $(seq 50); do curl -s -o /dev/null -w '%{http_code}' http://${address}:8000/ && exit 0; sleep 0.1; done`;
      const run = [
        "run",
        "--rm",
        "--network",
        name,
        ...notIsol8,
        "--entrypoint",
        "sh",
        "isol8:python",
        "-c",
        curl,
      ];
      return docker(run).join("");
    },
    remove() {
      execFileSync("docker", ["rm", "-f", name], { stdio: "ignore" });
      execFileSync("docker", ["network", "rm", name], { stdio: "ignore" });
    },
  };
}
