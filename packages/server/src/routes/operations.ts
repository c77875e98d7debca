import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { Isol8Error } from "@isol8/core";
import type { ServerContext, ServerEnv } from "../context.js";
import { bearerSecurity, commonErrorResponses, jsonResponse } from "../wire/common-schemas.js";

const statusSchema = z.object({ status: z.literal("ok") }).openapi("Status");

const healthz = createRoute({
  method: "get",
  path: "/healthz",
  tags: ["operations"],
  summary: "The process is up (no key needed)",
  responses: { 200: jsonResponse("Up", statusSchema) },
});
const readyz = createRoute({
  method: "get",
  path: "/readyz",
  tags: ["operations"],
  summary: "The engine and the key store answer",
  security: bearerSecurity,
  responses: { 200: jsonResponse("Ready", statusSchema), ...commonErrorResponses },
});
const metrics = createRoute({
  method: "get",
  path: "/metrics",
  tags: ["operations"],
  summary: "Prometheus metrics (text exposition format)",
  security: bearerSecurity,
  responses: {
    200: { description: "Metrics", content: { "text/plain": { schema: z.string() } } },
    ...commonErrorResponses,
  },
});
const runtimes = createRoute({
  method: "get",
  path: "/v1/runtimes",
  tags: ["executions"],
  summary: "The runtimes this tenant may use",
  security: bearerSecurity,
  responses: {
    200: jsonResponse(
      "Runtimes",
      z
        .object({
          runtimes: z.array(
            z.object({
              name: z.string(),
              extensions: z.array(z.string()),
              versions: z.record(z.string(), z.string()),
            }),
          ),
        })
        .openapi("RuntimeList"),
    ),
    ...commonErrorResponses,
  },
});

export function registerOperationRoutes(app: OpenAPIHono<ServerEnv>, context: ServerContext): void {
  app.openapi(healthz, (c) => c.json({ status: "ok" as const }, 200));

  app.openapi(readyz, async (c) => {
    const checks = await Promise.allSettled([context.engine.ping(), context.keyStore.ping()]);
    const failing = checks.flatMap((check, index) =>
      check.status === "rejected"
        ? [{ part: index === 0 ? "the engine" : "the key store", cause: check.reason }]
        : [],
    );
    if (failing.length > 0) {
      const parts = failing.map((failure) => failure.part).join(" and ");
      throw new Isol8Error("ENGINE_UNAVAILABLE", `not ready: ${parts} does not answer`, {
        cause: failing[0]?.cause,
      });
    }
    return c.json({ status: "ok" as const }, 200);
  });

  app.openapi(metrics, async (c) => {
    const text = await context.metrics.registry.metrics();
    return c.text(text, 200, { "Content-Type": context.metrics.registry.contentType });
  });

  app.openapi(runtimes, async (c) => {
    const allowed = context.policy.forTenant(c.get("caller").tenant).runtimes;
    const all = await context.engine.listRuntimes();
    const list = allowed ? all.filter((runtime) => allowed.includes(runtime.name)) : all;
    return c.json({ runtimes: list }, 200);
  });
}
