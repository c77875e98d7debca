import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** One Engine API request a client made, with when it was sent and when the engine began to answer. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** performance.now() of the request line. */
  at: number;
  /** performance.now() of the first response bytes (for attach: the upgrade). */
  answeredAt: number | undefined;
}

export interface RecordingProxy {
  /** Where clients connect: `DOCKER_HOST=unix://<socketPath>`, or dockerode's `socketPath`. */
  socketPath: string;
  requests: RecordedRequest[];
  /** Full ids of the containers started through the proxy, in order. */
  startedContainers(): string[];
  reset(): void;
  close(): Promise<void>;
}

const REQUEST_LINE = /(GET|HEAD|POST|PUT|DELETE) (\/\S*) HTTP\/1\.[01]\r\n/g;
const START = /^\/(?:v[\d.]+\/)?containers\/([0-9a-f]{64})\/start/;

/**
 * A byte-for-byte pass-through to the Docker engine that timestamps each request: which containers the bench's
 * own engines started (other processes share the engine and its labels), and where a CLI run spends its time.
 * Docker's clients send one request at a time per connection, so the first bytes back answer the oldest request.
 * `refuse` drops matching requests unsent (a guard: a setup that would build is stopped, not timed).
 */
export async function startRecordingProxy(
  options: { refuse?: (method: string, path: string) => boolean } = {},
): Promise<RecordingProxy> {
  const upstreamPath = engineSocket(process.env);
  const dir = mkdtempSync(join(tmpdir(), "isol8-bench-proxy-"));
  const socketPath = join(dir, "docker.sock");
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();

  const server = createServer((client) => {
    const upstream = createConnection(upstreamPath);
    sockets.add(client).add(upstream);
    const waiting: RecordedRequest[] = [];
    let pending = "";
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("data", (chunk: Buffer) => {
      pending += chunk.toString("latin1");
      let consumed = 0;
      for (const match of pending.matchAll(REQUEST_LINE)) {
        const request = {
          method: match[1] ?? "",
          path: decodeURIComponent(match[2] ?? ""),
          at: performance.now(),
          answeredAt: undefined,
        };
        requests.push(request);
        waiting.push(request);
        consumed = (match.index ?? 0) + match[0].length;
        if (options.refuse?.(request.method, request.path)) {
          // Dropped before any byte reaches the engine: the client sees a failed request.
          end();
          return;
        }
      }
      pending = pending.slice(Math.max(consumed, pending.length - 4096));
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      const answered = waiting.shift();
      if (answered) answered.answeredAt = performance.now();
      client.write(chunk);
    });
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));

  return {
    socketPath,
    requests,
    startedContainers: () => [
      ...new Set(
        requests.flatMap((request) =>
          request.method === "POST" ? (START.exec(request.path)?.[1] ?? []) : [],
        ),
      ),
    ],
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

function engineSocket(env: NodeJS.ProcessEnv): string {
  const host = env.DOCKER_HOST ?? "";
  return host.startsWith("unix://") ? host.slice("unix://".length) : "/var/run/docker.sock";
}
