import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { Isol8Error } from "@isol8/core";
import { adminOnly } from "../auth/auth-middleware.js";
import type { ServerContext, ServerEnv } from "../context.js";
import {
  bearerSecurity,
  commonErrorResponses,
  forbiddenResponse,
  jsonBody,
  jsonResponse,
} from "../wire/common-schemas.js";
import { keyRecordToWire } from "../wire/convert.js";
import {
  createdKeySchema,
  createKeyRequestSchema,
  keyIdParamsSchema,
  keyListQuerySchema,
  keyListSchema,
} from "../wire/key-schemas.js";

const base = { tags: ["keys"], security: bearerSecurity, middleware: [adminOnly] };
const errors = { ...commonErrorResponses, ...forbiddenResponse } as const;

const createKey = createRoute({
  ...base,
  method: "post",
  path: "/v1/keys",
  summary: "Create an API key (admin only); the key is in this answer and nowhere else",
  request: { body: jsonBody(createKeyRequestSchema) },
  responses: { 201: jsonResponse("The key and its record", createdKeySchema), ...errors },
});
const listKeys = createRoute({
  ...base,
  method: "get",
  path: "/v1/keys",
  summary: "List API keys (admin only), revoked and expired ones included",
  request: { query: keyListQuerySchema },
  responses: { 200: jsonResponse("Keys, oldest first", keyListSchema), ...errors },
});
const revokeKey = createRoute({
  ...base,
  method: "delete",
  path: "/v1/keys/{id}",
  summary: "Revoke an API key (admin only), at once",
  request: { params: keyIdParamsSchema },
  responses: {
    204: { description: "Revoked" },
    404: jsonResponse("No such key", commonErrorResponses[400].content["application/json"].schema),
    ...errors,
  },
});

export function registerKeyRoutes(app: OpenAPIHono<ServerEnv>, context: ServerContext): void {
  app.openapi(createKey, async (c) => {
    const body = c.req.valid("json");
    const created = await context.keyStore.create({
      name: body.name,
      tenant: body.tenant,
      ...(body.expiresAt === undefined ? {} : { expiresAt: new Date(body.expiresAt) }),
      ...(body.quota === undefined ? {} : { quota: body.quota }),
    });
    return c.json({ key: created.key, record: keyRecordToWire(created.record) }, 201);
  });

  app.openapi(listKeys, async (c) => {
    const { tenant } = c.req.valid("query");
    const keys = await context.keyStore.list(tenant === undefined ? {} : { tenant });
    return c.json({ keys: keys.map(keyRecordToWire) }, 200);
  });

  app.openapi(revokeKey, async (c) => {
    if (!(await context.keyStore.revoke(c.req.valid("param").id))) {
      throw new Isol8Error("NOT_FOUND", "no such key");
    }
    return c.body(null, 204);
  });
}
