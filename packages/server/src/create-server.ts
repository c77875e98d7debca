import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { Isol8Error, type SandboxEngine } from "@isol8/core";
import { WebSocketServer } from "ws";
import { createApp } from "./app.js";
import type { ServerContext, ServerEnv } from "./context.js";
import type { KeyStore } from "./keys/key-store.js";
import { createScheduler } from "./load/scheduler.js";
import { createServerMetrics, type ServerMetrics } from "./metrics.js";
import type { ServerPolicyInput } from "./policy/policy-schema.js";
import { createServerPolicy, type ServerPolicy } from "./policy/server-policy.js";
import type { McpMount } from "./routes/mcp.js";
import { createSessionDirectory } from "./sessions/session-directory.js";

/** Room for a start frame's `{"type":"start","request":…}` around a request of `maxBodyBytes`. */
const FRAME_ENVELOPE_BYTES = 1024;

export interface CreateServerOptions {
  /** The backend that runs sandboxes; the server keeps it (and its warm pool) across requests. */
  engine: SandboxEngine;
  keyStore: KeyStore;
  /** Ceilings and defaults per tenant, queue bounds (a config, or one from `createServerPolicy`). @default {} */
  policy?: ServerPolicyInput | ServerPolicy;
  /** The key that manages keys (/v1/keys); only its SHA-256 is kept. @default none: key routes answer 403 */
  adminKey?: string;
  /**
   * Larger request bodies are refused with 413, larger WebSocket frames with close 1009; a WebSocket's stdin that
   * waits for its program to start is held up to this much. @default 16 MiB
   */
  maxBodyBytes?: number;
  /**
   * A comment goes out on a quiet event stream, and a ping on a WebSocket, this often; keep it under proxies' idle
   * timeouts. A WebSocket whose client did not answer the last ping is closed (its execution cancelled). @default 15000
   */
  keepAliveMs?: number;
  /** A WebSocket that sent no start frame this long after opening is closed (1008). @default 10000 */
  socketStartTimeoutMs?: number;
  /** The Retry-After of a 429, in seconds. @default 1 */
  retryAfterSeconds?: number;
  /**
   * MCP over Streamable HTTP at `/mcp`, behind the same keys and tenant policy: `createMcpHttpHandler()` from
   * `@isol8/mcp`. @default none: /mcp answers 404
   */
  mcp?: McpMount;
  /** Where bugs are reported (errors that reach the client only as "internal server error"). @default console.error */
  logError?: (error: unknown) => void;
}

export interface ListenOptions {
  /** @default 0 (any free port) */
  port?: number;
  /** @default "127.0.0.1" */
  hostname?: string;
  /** Time a client has to send its headers; a slowloris client is cut off after it. @default 10000 */
  headersTimeoutMs?: number;
  /** Time a client has to send its whole request (not to read the answer). @default 60000 */
  requestTimeoutMs?: number;
}

export interface CloseOptions {
  /** Running executions may finish for this long; then they are cancelled (their sandboxes removed). @default 30000 */
  deadlineMs?: number;
}

export interface Isol8Server {
  /** The Hono app: `app.request(...)` in tests, or mount it in another Hono app. */
  readonly app: OpenAPIHono<ServerEnv>;
  readonly metrics: ServerMetrics;
  /** Starts an HTTP server on `@hono/node-server`; resolves with its address once it listens. */
  listen(options?: ListenOptions): Promise<{ url: string; port: number; hostname: string }>;
  /**
   * Graceful shutdown: stops taking connections and queued requests, lets running executions finish until the
   * deadline, cancels the rest, and stops the sessions this server created. The engine and key store stay open:
   * whoever made them closes them.
   */
  close(options?: CloseOptions): Promise<void>;
}

export function createServer(options: CreateServerOptions): Isol8Server {
  const policy =
    options.policy && "forTenant" in options.policy ? options.policy : createServerPolicy(options.policy);
  const scheduler = createScheduler({
    maxConcurrent: policy.maxConcurrentExecutions,
    maxQueued: policy.maxQueuedExecutions,
    retryAfterSeconds: options.retryAfterSeconds ?? 1,
  });
  const metrics = createServerMetrics({ queued: () => scheduler.queued, running: () => scheduler.running });
  const shutdown = new AbortController();
  const closing = new AbortController();
  const maxBodyBytes = options.maxBodyBytes ?? 16 * 1024 * 1024;
  const context: ServerContext = {
    engine: options.engine,
    keyStore: options.keyStore,
    policy,
    scheduler,
    metrics,
    sessions: createSessionDirectory(options.engine),
    keepAliveMs: options.keepAliveMs ?? 15_000,
    socket: {
      startTimeoutMs: options.socketStartTimeoutMs ?? 10_000,
      maxPendingInputBytes: maxBodyBytes,
    },
    closing: closing.signal,
    shutdown: shutdown.signal,
    logError: options.logError ?? ((error) => console.error("isol8 server:", error)),
  };
  const app = createApp(context, {
    adminKey: options.adminKey,
    maxBodyBytes,
    mcp: options.mcp,
  });
  let server: ReturnType<typeof serve> | undefined;

  return {
    app,
    metrics,
    listen(listenOptions = {}) {
      if (server) return Promise.reject(new Isol8Error("INVALID_INPUT", "the server is already listening"));
      const hostname = listenOptions.hostname ?? "127.0.0.1";
      const headersTimeout = listenOptions.headersTimeoutMs ?? 10_000;
      return new Promise((resolve, reject) => {
        const started = serve(
          {
            fetch: app.fetch,
            websocket: {
              server: new WebSocketServer({
                noServer: true,
                // A start frame carries the request, files included, so it may be as large as a POST body.
                maxPayload: maxBodyBytes + FRAME_ENVELOPE_BYTES,
                // Compression of untrusted frames costs CPU and memory (and invites zip bombs) for little gain.
                perMessageDeflate: false,
              }),
            },
            port: listenOptions.port ?? 0,
            hostname,
            serverOptions: {
              headersTimeout,
              requestTimeout: listenOptions.requestTimeoutMs ?? 60_000,
              // Node checks those timeouts only this often (30 s by default), which would let a slow client linger.
              connectionsCheckingInterval: Math.min(1000, headersTimeout),
            },
          },
          (info: AddressInfo) => {
            const host = info.family === "IPv6" ? `[${info.address}]` : info.address;
            resolve({ url: `http://${host}:${info.port}`, port: info.port, hostname: info.address });
          },
        );
        started.once("error", reject);
        server = started;
      });
    },
    async close(closeOptions = {}) {
      closing.abort();
      scheduler.close(new Isol8Error("ENGINE_UNAVAILABLE", "the server is shutting down"));
      const closed = server
        ? new Promise<void>((resolve) => server?.close(() => resolve()))
        : Promise.resolve();
      // Idle keep-alive connections would hold close() open; busy ones are ended after the drain below.
      if (server && "closeIdleConnections" in server) server.closeIdleConnections();
      const deadline = Date.now() + (closeOptions.deadlineMs ?? 30_000);
      while (scheduler.running > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      shutdown.abort(new Isol8Error("CANCELLED", "the server shut down"));
      // Cancelled runs release their slots as their engine calls reject; give them a moment to unwind.
      const grace = Date.now() + 5_000;
      while (scheduler.running > 0 && Date.now() < grace) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // MCP connections stop their own sessions as they close; what they leave, the release below stops.
      await options.mcp?.close();
      await context.sessions.release();
      if (server && "closeAllConnections" in server) server.closeAllConnections();
      await closed;
      server = undefined;
    },
  };
}
