import { upgradeWebSocket } from "@hono/node-server";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { Isol8Error } from "@isol8/core";
import type { Context, MiddlewareHandler } from "hono";
import type { ServerContext, ServerEnv } from "../context.js";
import { bearerSecurity, commonErrorResponses } from "../wire/common-schemas.js";
import { sessionIdParamsSchema } from "../wire/session-schemas.js";
import {
  socketClientFrameSchema,
  socketServerFrameSchema,
  socketSessionClientFrameSchema,
} from "../wire/socket-schemas.js";
import { freshTarget, sessionTarget } from "./execution-target.js";
import { socketExecution, socketRefusal } from "./socket-execution.js";
import { parseClientFrame } from "./socket-frames.js";

/** The WebSocket routes, in Hono's notation. */
export const SOCKET_PATHS = ["/v1/executions/ws", "/v1/sessions/:id/executions/ws"] as const;

const isUpgrade = (c: Context) => c.req.header("Upgrade")?.toLowerCase() === "websocket";

/**
 * Mounted on the socket paths before the auth middleware, so that its refusal (no key, a bad key) reaches the
 * client as an error frame and close 1008: a refused handshake has a status but no body, and a browser does not
 * even see the status. Nothing runs for such a client; it only learns why.
 */
export const refusalsOverSocket: MiddlewareHandler<ServerEnv> = async (c, next) => {
  await next();
  if (c.error && isUpgrade(c)) c.res = await upgradeWebSocket(c, socketRefusal(c.error));
};

/** A plain GET on a socket path: say what the route wants rather than answer 404. */
const upgradeRequired: MiddlewareHandler<ServerEnv> = async () => {
  throw new Isol8Error("INVALID_INPUT", "this route takes a WebSocket upgrade", {
    hint: "Connect with a WebSocket client (Upgrade: websocket); see docs/server.md.",
  });
};

const protocol = [
  "A WebSocket (upgrade with `Authorization: Bearer <key>`). JSON text frames, schemas in the components:",
  "the client sends one start frame ({type: 'start', request}), then any number of",
  "{type: 'stdin', data: base64}, {type: 'stdin-end'} and {type: 'signal', signal: SIGINT|SIGTERM|SIGKILL}.",
  "The server sends SocketServerFrame frames numbered from 1 (stdout, stderr, phase), then one result or one",
  "error, and closes: 1000 after the result, 1008 after a refusal (key, policy, BUSY, a bad frame),",
  "1011 after a failure, 1001 at shutdown, 1009 for a frame over the size cap.",
  "Closing the socket before the result cancels the execution and removes its sandbox.",
].join(" ");

export function registerSocketRoutes(app: OpenAPIHono<ServerEnv>, context: ServerContext): void {
  const [freshPath, sessionPath] = SOCKET_PATHS;
  app.get(
    freshPath,
    upgradeWebSocket((c: Context<ServerEnv>) => {
      const caller = c.get("caller");
      return socketExecution({
        context,
        caller,
        parse: (data) => parseClientFrame(data, socketClientFrameSchema),
        target: (request) => freshTarget(context, caller, request),
      });
    }),
    upgradeRequired,
  );
  app.get(
    sessionPath,
    upgradeWebSocket((c: Context<ServerEnv>) => {
      const caller = c.get("caller");
      const id = c.req.param("id") ?? "";
      return socketExecution({
        context,
        caller,
        parse: (data) => parseClientFrame(data, socketSessionClientFrameSchema),
        target: (request) => sessionTarget(context, caller, id, request),
      });
    }),
    upgradeRequired,
  );

  const upgraded = { 101: { description: "Switching Protocols: the execution runs over the socket" } };
  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/v1/executions/ws",
    tags: ["executions"],
    summary: "Run code in a fresh sandbox over a WebSocket, with live stdin and signals",
    description: protocol,
    security: bearerSecurity,
    responses: { ...upgraded, ...commonErrorResponses },
  });
  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/v1/sessions/{id}/executions/ws",
    tags: ["sessions"],
    summary: "Run code in the session's sandbox over a WebSocket, with live stdin and signals",
    description: `${protocol} An unknown or another tenant's session is an error frame NOT_FOUND.`,
    security: bearerSecurity,
    request: { params: sessionIdParamsSchema },
    responses: { ...upgraded, ...commonErrorResponses },
  });
  app.openAPIRegistry.register("SocketClientFrame", socketClientFrameSchema);
  app.openAPIRegistry.register("SocketSessionClientFrame", socketSessionClientFrameSchema);
  app.openAPIRegistry.register("SocketServerFrame", socketServerFrameSchema);
}
