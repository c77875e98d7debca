import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { ServerContext, ServerEnv } from "../context.js";
import {
  bearerSecurity,
  busyResponse,
  commonErrorResponses,
  installFailedResponse,
  jsonBody,
  jsonResponse,
} from "../wire/common-schemas.js";
import { resultToWire } from "../wire/convert.js";
import {
  sseDescription,
  wireExecutionRequestSchema,
  wireExecutionResultSchema,
} from "../wire/execution-schemas.js";
import { freshTarget, runAsSse, runWhole } from "./execution-target.js";

const executeRoute = createRoute({
  method: "post",
  path: "/v1/executions",
  tags: ["executions"],
  summary: "Run code in a fresh sandbox and answer with the whole result",
  security: bearerSecurity,
  request: { body: jsonBody(wireExecutionRequestSchema) },
  responses: {
    200: jsonResponse("The execution ran (whatever its exit code)", wireExecutionResultSchema),
    ...commonErrorResponses,
    ...installFailedResponse,
    ...busyResponse,
  },
});

const streamRoute = createRoute({
  method: "post",
  path: "/v1/executions/stream",
  tags: ["executions"],
  summary: "Run code in a fresh sandbox, streaming its output as Server-Sent Events",
  security: bearerSecurity,
  request: { body: jsonBody(wireExecutionRequestSchema) },
  responses: {
    200: {
      description: sseDescription,
      content: { "text/event-stream": { schema: z.string() } },
    },
    ...commonErrorResponses,
    ...busyResponse,
  },
});

export function registerExecutionRoutes(app: OpenAPIHono<ServerEnv>, context: ServerContext): void {
  app.openapi(executeRoute, async (c) => {
    const caller = c.get("caller");
    const target = freshTarget(context, caller, c.req.valid("json"));
    return c.json(resultToWire(await runWhole(context, caller, target, c.req.raw.signal)), 200);
  });

  app.openapi(streamRoute, async (c) => {
    const caller = c.get("caller");
    const target = freshTarget(context, caller, c.req.valid("json"));
    return runAsSse(context, caller, target, c.req.raw.signal);
  });
}
