import { OpenAPIHono } from "@hono/zod-openapi";
import { Isol8Error } from "@isol8/core";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { authMiddleware } from "./auth/auth-middleware.js";
import type { ServerContext, ServerEnv } from "./context.js";
import { FieldError, toErrorResponse } from "./errors.js";
import { BusyError } from "./load/scheduler.js";
import { countRejection } from "./metrics.js";
import { registerExecutionRoutes } from "./routes/executions.js";
import { registerKeyRoutes } from "./routes/keys.js";
import { type McpMount, registerMcpRoute } from "./routes/mcp.js";
import { registerOperationRoutes } from "./routes/operations.js";
import { registerSessionRoutes } from "./routes/sessions.js";
import { refusalsOverSocket, registerSocketRoutes, SOCKET_PATHS } from "./routes/socket-routes.js";

/** The OpenAPI document's own version: it changes when the API does, not with every package release. */
export const API_VERSION = "1.0.0";

export const OPENAPI_CONFIG = {
  openapi: "3.1.0",
  info: {
    title: "isol8 server",
    version: API_VERSION,
    description:
      "Run untrusted code in hardened sandboxes over HTTP. Every route but /healthz and /openapi.json needs a Bearer key.",
  },
};

export interface AppOptions {
  adminKey: string | undefined;
  maxBodyBytes: number;
  mcp: McpMount | undefined;
}

/** The Hono app: middleware, every route, error mapping and the OpenAPI document. */
export function createApp(context: ServerContext, options: AppOptions): OpenAPIHono<ServerEnv> {
  const app = new OpenAPIHono<ServerEnv>({
    // Every validation failure reads like the library's: the zod path, then the message.
    defaultHook: (result) => {
      if (result.success) return;
      const issue = result.error.issues[0];
      const path = issue?.path.map(String).join(".") || "(body)";
      const where = result.target === "json" ? path : `${result.target} ${path}`;
      throw new FieldError("INVALID_INPUT", path, `${where}: ${issue?.message ?? "invalid"}`);
    },
  });

  app.onError((error, c) => {
    const mapped = mapThrown(error);
    const { status, body } = toErrorResponse(mapped);
    if (body.error.code === "INTERNAL") context.logError(error);
    countRejection(context.metrics, mapped);
    if (mapped instanceof BusyError) c.header("Retry-After", String(mapped.retryAfterSeconds));
    return c.json(body, status);
  });
  app.notFound((c) => c.json(toErrorResponse(new Isol8Error("NOT_FOUND", "no such route")).body, 404));

  const auth = authMiddleware(context.keyStore, options.adminKey);
  const limit = bodyLimit({
    maxSize: options.maxBodyBytes,
    onError: () => {
      throw new Isol8Error(
        "PAYLOAD_TOO_LARGE",
        `the request body is larger than ${options.maxBodyBytes} bytes`,
        {
          hint: "Send large files to a session in several PUT /v1/sessions/{id}/files requests.",
        },
      );
    },
  });
  // Before auth: it turns auth's refusal of a WebSocket upgrade into an error frame (see refusalsOverSocket).
  for (const path of SOCKET_PATHS) app.use(path, refusalsOverSocket);
  for (const path of ["/v1/*", "/readyz", "/metrics"]) app.use(path, auth);
  app.use("/v1/*", limit, requireJson);

  registerOperationRoutes(app, context);
  registerExecutionRoutes(app, context);
  registerSessionRoutes(app, context);
  registerKeyRoutes(app, context);
  registerSocketRoutes(app, context);
  if (options.mcp) registerMcpRoute(app, context, options.mcp, [auth, limit]);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "An API key: isol8_ and 43 base64url characters",
  });
  app.doc31("/openapi.json", OPENAPI_CONFIG);
  return app;
}

/** A body that is not JSON would otherwise validate as `{}` and fail on a missing field, which misleads. */
const requireJson: MiddlewareHandler<ServerEnv> = async (c, next) => {
  if (c.req.method === "POST" || c.req.method === "PUT") {
    const type = (c.req.header("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase();
    if (type !== "application/json") {
      throw new Isol8Error("INVALID_INPUT", "the request body must be JSON", {
        hint: "Send Content-Type: application/json.",
      });
    }
  }
  await next();
};

/** Hono's own exceptions (malformed JSON) become Isol8Errors so that every error body has the same shape. */
function mapThrown(error: unknown): unknown {
  if (!(error instanceof HTTPException)) return error;
  if (error.status === 400) return new Isol8Error("INVALID_INPUT", `the request body is not valid JSON`);
  if (error.status === 413) return new Isol8Error("PAYLOAD_TOO_LARGE", "the request body is too large");
  return new Isol8Error("INTERNAL", error.message);
}
