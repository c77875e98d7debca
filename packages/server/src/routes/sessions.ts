import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { ServerContext, ServerEnv } from "../context.js";
import { sessionOptionsFromWire } from "../policy/apply-policy.js";
import {
  bearerSecurity,
  busyResponse,
  commonErrorResponses,
  installFailedResponse,
  jsonBody,
  jsonResponse,
  notFoundResponse,
} from "../wire/common-schemas.js";
import { downloadedFilesToWire, filesFromWire, resultToWire, sessionToWire } from "../wire/convert.js";
import {
  sseDescription,
  wireExecutionResultSchema,
  wireSessionExecutionRequestSchema,
} from "../wire/execution-schemas.js";
import {
  createSessionRequestSchema,
  readFilesQuerySchema,
  readFilesResponseSchema,
  sessionIdParamsSchema,
  sessionListSchema,
  sessionSchema,
  writeFilesRequestSchema,
} from "../wire/session-schemas.js";
import { runAsSse, runWhole, sessionTarget } from "./execution-target.js";

const base = { tags: ["sessions"], security: bearerSecurity };
const errors = { ...commonErrorResponses, ...notFoundResponse } as const;
const params = sessionIdParamsSchema;

const createSession = createRoute({
  ...base,
  method: "post",
  path: "/v1/sessions",
  summary: "Start a session (one sandbox kept across executions), or return the running one of the given id",
  request: { body: jsonBody(createSessionRequestSchema) },
  responses: {
    200: jsonResponse("The running session of that id", sessionSchema),
    201: jsonResponse("A new session", sessionSchema),
    ...commonErrorResponses,
  },
});
const listSessions = createRoute({
  ...base,
  method: "get",
  path: "/v1/sessions",
  summary: "The caller's tenant's sessions",
  responses: { 200: jsonResponse("Sessions, oldest first", sessionListSchema), ...commonErrorResponses },
});
const getSession = createRoute({
  ...base,
  method: "get",
  path: "/v1/sessions/{id}",
  summary: "One session",
  request: { params },
  responses: { 200: jsonResponse("The session", sessionSchema), ...errors },
});
const deleteSession = createRoute({
  ...base,
  method: "delete",
  path: "/v1/sessions/{id}",
  summary: "End a session and remove its sandbox",
  request: { params },
  responses: { 204: { description: "Ended" }, ...errors },
});
const sessionExecute = createRoute({
  ...base,
  method: "post",
  path: "/v1/sessions/{id}/executions",
  summary: "Run code in the session's sandbox",
  request: { params, body: jsonBody(wireSessionExecutionRequestSchema) },
  responses: {
    200: jsonResponse("The execution ran", wireExecutionResultSchema),
    ...errors,
    ...installFailedResponse,
    ...busyResponse,
  },
});
const sessionStream = createRoute({
  ...base,
  method: "post",
  path: "/v1/sessions/{id}/executions/stream",
  summary: "Run code in the session's sandbox, streaming its output as Server-Sent Events",
  request: { params, body: jsonBody(wireSessionExecutionRequestSchema) },
  responses: {
    200: { description: sseDescription, content: { "text/event-stream": { schema: z.string() } } },
    ...errors,
    ...busyResponse,
  },
});
const writeFiles = createRoute({
  ...base,
  method: "put",
  path: "/v1/sessions/{id}/files",
  summary: "Write files into the session's /sandbox",
  request: { params, body: jsonBody(writeFilesRequestSchema) },
  responses: { 204: { description: "Written" }, ...errors },
});
const readFiles = createRoute({
  ...base,
  method: "get",
  path: "/v1/sessions/{id}/files",
  summary: "Read files from the session's /sandbox",
  request: { params, query: readFilesQuerySchema },
  responses: {
    200: jsonResponse("Each file's content, or why it could not be read", readFilesResponseSchema),
    ...errors,
  },
});

export function registerSessionRoutes(app: OpenAPIHono<ServerEnv>, context: ServerContext): void {
  const { sessions } = context;
  const tenantPolicy = (tenant: string) => context.policy.forTenant(tenant);

  app.openapi(createSession, async (c) => {
    const caller = c.get("caller");
    const policy = tenantPolicy(caller.tenant);
    const body = c.req.valid("json");
    const options = sessionOptionsFromWire(policy, body);
    const max = Math.min(policy.maxSessions, caller.quota.maxSessions ?? Number.POSITIVE_INFINITY);
    const opened = await sessions.create(caller.tenant, options, max, body.id);
    const wire = sessionToWire(opened.id, opened.info);
    return opened.created ? c.json(wire, 201) : c.json(wire, 200);
  });

  app.openapi(listSessions, async (c) => {
    const list = await sessions.list(c.get("caller").tenant);
    return c.json({ sessions: list.map((entry) => sessionToWire(entry.id, entry.info)) }, 200);
  });

  app.openapi(getSession, async (c) => {
    const { id } = c.req.valid("param");
    const { info } = await sessions.open(c.get("caller").tenant, id);
    return c.json(sessionToWire(id, info), 200);
  });

  app.openapi(deleteSession, async (c) => {
    await sessions.stop(c.get("caller").tenant, c.req.valid("param").id);
    return c.body(null, 204);
  });

  app.openapi(sessionExecute, async (c) => {
    const caller = c.get("caller");
    const target = await sessionTarget(context, caller, c.req.valid("param").id, c.req.valid("json"));
    return c.json(resultToWire(await runWhole(context, caller, target, c.req.raw.signal)), 200);
  });

  app.openapi(sessionStream, async (c) => {
    const caller = c.get("caller");
    const target = await sessionTarget(context, caller, c.req.valid("param").id, c.req.valid("json"));
    return runAsSse(context, caller, target, c.req.raw.signal);
  });

  app.openapi(writeFiles, async (c) => {
    const { session } = await sessions.open(c.get("caller").tenant, c.req.valid("param").id);
    await session.writeFiles(filesFromWire(c.req.valid("json").files));
    return c.body(null, 204);
  });

  app.openapi(readFiles, async (c) => {
    const { session } = await sessions.open(c.get("caller").tenant, c.req.valid("param").id);
    const files = await session.readFiles(c.req.valid("query").path);
    return c.json({ files: downloadedFilesToWire(files) }, 200);
  });
}
