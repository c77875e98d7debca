import { randomUUID } from "node:crypto";
import type { SandboxEngine } from "@isol8/core";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { type CreateMcpServerOptions, createMcpServer, type Isol8McpServer } from "./create-mcp-server.js";
import { resolveMcpPolicy } from "./policy.js";

/** Who sends a request, as the host's authentication established it. */
export interface McpHttpScope {
  /**
   * The caller's identity (behind `isol8 serve`: the API key's id). A connection answers only the owner that
   * opened it; to anyone else its id is unknown (404), so connection ids cannot be probed or hijacked.
   */
  owner: string;
  /** The engine the tools of a connection this request opens run on (behind a server: the tenant's engine). */
  engine: SandboxEngine;
}

export interface McpHttpHandlerOptions extends Omit<CreateMcpServerOptions, "engine"> {
  /**
   * A connection without a request, and without a tool call still running, for this long is closed and its
   * sessions stopped. @default 1800000 (30 min)
   */
  idleTimeoutMs?: number;
  /** Connections one owner may hold; an `initialize` past it answers 429. @default 16 */
  maxConnectionsPerOwner?: number;
  /** A comment goes out on a quiet event stream this often, under proxies' idle timeouts. @default 15000 */
  keepAliveMs?: number;
}

/** MCP's Streamable HTTP transport for one route (`POST`, `GET` and `DELETE /mcp`), independent of the framework. */
export interface McpHttpHandler {
  /** Answers one request of an authenticated caller. */
  handle(request: Request, scope: McpHttpScope): Promise<Response>;
  /** Closes every connection (for shutdown); resolves once their sessions are stopped. */
  close(): Promise<void>;
  /** Open connections. */
  readonly connections: number;
}

interface Connection {
  owner: string;
  server: Isol8McpServer;
  transport: WebStandardStreamableHTTPServerTransport;
  idle: NodeJS.Timeout | undefined;
}

/** A JSON-RPC error as the SDK's transport words its own (it answers `id: null` before any request is read). */
function rpcError(status: number, code: number, message: string): Response {
  return Response.json({ jsonrpc: "2.0", error: { code, message }, id: null }, { status });
}

/**
 * Stateful Streamable HTTP: each `initialize` opens a connection (its own McpServer and transport, an
 * `Mcp-Session-Id` naming it), later requests carry that id, and `DELETE` or idleness closes it, which stops the
 * connection's sandbox sessions. Authentication is the host's: it calls `handle` only for authenticated callers.
 */
export function createMcpHttpHandler(options: McpHttpHandlerOptions = {}): McpHttpHandler {
  const idleTimeoutMs = options.idleTimeoutMs ?? 30 * 60_000;
  const maxPerOwner = options.maxConnectionsPerOwner ?? 16;
  // A broken policy is the operator's mistake: refuse it now rather than at every client's initialize.
  const policy = resolveMcpPolicy(options.policy);
  const connections = new Map<string, Connection>();
  // Connections being opened count against the cap too, so parallel initializes cannot overshoot it.
  const opening = new Map<string, number>();
  let closing = false;

  const heldBy = (owner: string) =>
    [...connections.values()].filter((connection) => connection.owner === owner).length +
    (opening.get(owner) ?? 0);

  const touch = (connection: Connection) => {
    clearTimeout(connection.idle);
    connection.idle = setTimeout(() => {
      if (connection.server.runningCalls > 0) touch(connection);
      else void connection.server.close();
    }, idleTimeoutMs);
    // An idle connection must not keep the process alive.
    connection.idle.unref();
  };

  async function open(request: Request, scope: McpHttpScope): Promise<Response> {
    if (heldBy(scope.owner) >= maxPerOwner) {
      return rpcError(429, -32000, `this key already holds ${maxPerOwner} MCP connections`);
    }
    opening.set(scope.owner, (opening.get(scope.owner) ?? 0) + 1);
    const { idleTimeoutMs: _idle, maxConnectionsPerOwner: _max, keepAliveMs, ...serverOptions } = options;
    const server = createMcpServer({ ...serverOptions, policy, engine: scope.engine });
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      keepAliveMs: keepAliveMs ?? 15_000,
      onsessioninitialized: (id) => {
        const connection: Connection = { owner: scope.owner, server, transport, idle: undefined };
        connections.set(id, connection);
        touch(connection);
        void server.closed.then(() => {
          clearTimeout(connection.idle);
          connections.delete(id);
        });
      },
    });
    try {
      await server.connect(transport);
      return await transport.handleRequest(request);
    } finally {
      const count = (opening.get(scope.owner) ?? 1) - 1;
      if (count > 0) opening.set(scope.owner, count);
      else opening.delete(scope.owner);
      // Anything but a valid initialize leaves the transport without an id: nothing will ever reach it again.
      if (transport.sessionId === undefined) await server.close();
    }
  }

  return {
    async handle(request, scope) {
      if (closing) return rpcError(503, -32000, "the server is shutting down");
      const id = request.headers.get("mcp-session-id");
      if (id === null) return open(request, scope);
      const connection = connections.get(id);
      if (!connection || connection.owner !== scope.owner) return rpcError(404, -32001, "Session not found");
      touch(connection);
      return connection.transport.handleRequest(request);
    },
    async close() {
      closing = true;
      await Promise.allSettled([...connections.values()].map((connection) => connection.server.close()));
    },
    get connections() {
      return connections.size;
    },
  };
}
