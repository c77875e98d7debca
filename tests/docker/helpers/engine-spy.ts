import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface EngineSpy {
  /** Environment that points a client (the CLI under test) at the spy instead of the engine. */
  env: { DOCKER_HOST: string };
  /** "METHOD /path?query" of every request seen so far, in order. */
  requests: string[];
  /** Forgets the requests seen so far. */
  reset(): void;
  close(): Promise<void>;
}

// Unanchored: on a kept-alive connection a request line follows the previous body directly.
const REQUEST_LINE = /(GET|HEAD|POST|PUT|DELETE) (\/\S*) HTTP\/1\.[01]\r\n/g;

/**
 * A pass-through between one client and the Docker engine that records the client's requests. Other processes
 * share the engine (and its labels) with the tests, so "no container was created" is only provable for the
 * requests of the process under test. Bytes are piped untouched, so attach upgrades and streams work as usual.
 */
export async function spyOnEngine(): Promise<EngineSpy> {
  const upstreamPath = engineSocket(process.env);
  const dir = mkdtempSync(join(tmpdir(), "isol8-spy-"));
  const socketPath = join(dir, "docker.sock");
  const requests: string[] = [];
  const sockets = new Set<Socket>();

  const server = createServer((client) => {
    const upstream = createConnection(upstreamPath);
    sockets.add(client).add(upstream);
    let pending = "";
    client.on("data", (chunk: Buffer) => {
      pending += chunk.toString("latin1");
      let consumed = 0;
      for (const match of pending.matchAll(REQUEST_LINE)) {
        requests.push(`${match[1]} ${decodeURIComponent(match[2] ?? "")}`);
        consumed = (match.index ?? 0) + match[0].length;
      }
      // Keep only what could be the start of a request line split across chunks.
      pending = pending.slice(Math.max(consumed, pending.length - 4096));
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));

  return {
    env: { DOCKER_HOST: `unix://${socketPath}` },
    requests,
    reset: () => {
      requests.length = 0;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The engine's socket, as the docker CLI finds it: DOCKER_HOST when it names a unix socket, else the default. */
function engineSocket(env: NodeJS.ProcessEnv): string {
  const host = env.DOCKER_HOST ?? "";
  return host.startsWith("unix://") ? host.slice("unix://".length) : "/var/run/docker.sock";
}

/** Requests that create something: containers, images (build, pull, import) or networks. */
export function creations(requests: readonly string[]): string[] {
  return requests.filter(
    (request) =>
      /^POST \/(?:v[\d.]+\/)?(?:containers\/create|build|images\/create|networks\/create)/.test(request) &&
      // A pool's network-namespace holders (named so) are not sandboxes.
      !request.includes("name=isol8-netns-"),
  );
}

/**
 * Ids of the sandboxes started through the spy, in order. An egress proxy started on the way (the first run of a
 * policy) is left out: it outlives the run on purpose.
 */
export function startedContainers(requests: readonly string[]): string[] {
  return requests.flatMap((request) => {
    const id = /^POST \/(?:v[\d.]+\/)?containers\/([0-9a-f]{64})\/start/.exec(request)?.[1];
    return id && !isProxy(id) ? [id] : [];
  });
}

function isProxy(id: string): boolean {
  const inspected = spawnSync("docker", [
    "inspect",
    "--format",
    '{{index .Config.Labels "org.isol8.kind"}}',
    id,
  ]);
  return inspected.status === 0 && inspected.stdout.toString().trim() === "proxy";
}
