import type { OpenAPIHono } from "@hono/zod-openapi";
import type { SandboxEngine } from "@isol8/core";
import type { MiddlewareHandler } from "hono";
import type { ServerContext, ServerEnv } from "../context.js";
import { createTenantEngine } from "../tenant/tenant-engine.js";

/** Where MCP's Streamable HTTP transport answers: `POST`, `GET` and `DELETE`. */
export const MCP_PATH = "/mcp";

/**
 * A protocol handler the server mounts at /mcp behind its own authentication: `createMcpHttpHandler()` of
 * `@isol8/mcp` is one. The server only knows this shape, so it does not depend on that package (which depends
 * on `@isol8/core` alone and is tested against this server).
 */
export interface McpMount {
  /**
   * Answers one authenticated request. `owner` is the caller's key id: a connection answers only the key that
   * opened it. `engine` is the caller's tenant engine: the tenant's policy, slots and sessions.
   */
  handle(request: Request, scope: { owner: string; engine: SandboxEngine }): Promise<Response>;
  /** Closes every connection; the server calls it as it shuts down, before it stops its sessions. */
  close(): Promise<void>;
}

export function registerMcpRoute(
  app: OpenAPIHono<ServerEnv>,
  context: ServerContext,
  mount: McpMount,
  guards: MiddlewareHandler<ServerEnv>[],
): void {
  for (const guard of guards) app.use(MCP_PATH, guard);
  // Not an OpenAPI route: its bodies are JSON-RPC, which MCP's own specification describes.
  app.on(["GET", "POST", "DELETE"], MCP_PATH, (c) => {
    const caller = c.get("caller");
    return mount.handle(c.req.raw, { owner: caller.keyId, engine: createTenantEngine(context, caller) });
  });
}
