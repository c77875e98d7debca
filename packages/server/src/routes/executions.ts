import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { ServerContext, ServerEnv } from "../context.js";
import { acquireSlot } from "../load/execution-slot.js";
import { rejectionReason } from "../metrics.js";
import { executionFromWire } from "../policy/apply-policy.js";
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
import { sseResponse } from "./sse.js";

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
    const request = executionFromWire(context.policy.forTenant(caller.tenant), c.req.valid("json"));
    const slot = await acquireSlot(context, caller, request.runtime, c.req.raw.signal);
    try {
      const result = await context.engine.execute(request, { signal: slot.signal });
      slot.finish({ result });
      return c.json(resultToWire(result), 200);
    } catch (error) {
      slot.finish({ error });
      throw error;
    }
  });

  app.openapi(streamRoute, async (c) => {
    const caller = c.get("caller");
    const request = executionFromWire(context.policy.forTenant(caller.tenant), c.req.valid("json"));
    // The slot is taken before the stream starts, so a full queue is still a 429 rather than an event.
    const slot = await acquireSlot(context, caller, request.runtime, c.req.raw.signal);
    const controller = new AbortController();
    const signal = AbortSignal.any([slot.signal, controller.signal]);
    return sseResponse(context.engine.executeStream(request, { signal }), {
      keepAliveMs: context.keepAliveMs,
      onCancel: () => controller.abort(),
      onEnd: (outcome) => slot.finish(outcome),
      logError: context.logError,
      countRejection: (error) => {
        const reason = rejectionReason(error);
        if (reason) context.metrics.rejected(reason);
      },
    });
  });
}
