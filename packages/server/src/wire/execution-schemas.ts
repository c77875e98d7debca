import { z } from "@hono/zod-openapi";
import { NETWORK_MODES } from "../policy/policy-schema.js";
import { base64Schema } from "./common-schemas.js";

const positiveInt = z.number().int().positive();
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a valid environment variable name");

export const wireLimitsSchema = z
  .strictObject({
    timeoutMs: positiveInt.optional(),
    memoryBytes: positiveInt.optional(),
    cpus: z.number().positive().optional(),
    pids: positiveInt.optional(),
    sandboxBytes: positiveInt.optional(),
    tmpBytes: positiveInt.optional(),
    maxOutputBytes: positiveInt.optional(),
    installTimeoutMs: positiveInt.optional(),
  })
  .openapi("Limits", {
    description: "Omitted fields get the server's defaults; each is capped by its ceiling.",
  });

export const wireNetworkSchema = z
  .strictObject({
    mode: z.enum(NETWORK_MODES).optional(),
    allow: z.array(z.string()).optional(),
    deny: z.array(z.string()).optional(),
  })
  .openapi("Network");

export const wireFileSchema = z
  .strictObject({
    path: z.string().min(1),
    content: base64Schema,
    executable: z.boolean().optional(),
  })
  .openapi("SandboxFile");

/** Fields an execution in a fresh sandbox and one in a session share. */
const executionFields = {
  code: z.string(),
  fileName: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, "must be a plain file name")
    .optional(),
  fromFile: z.boolean().optional(),
  install: z.array(z.string()).optional(),
  setup: z
    .array(z.string().min(1))
    .optional()
    .openapi({ description: "Shell commands run in the sandbox before the code, under its limits" }),
  env: z.record(envName, z.string()).optional(),
  secrets: z.record(envName, z.string()).optional(),
  stdin: z.string().optional(),
  workdir: z.string().optional(),
  files: z.array(wireFileSchema).optional(),
  limits: wireLimitsSchema.optional(),
  network: wireNetworkSchema.optional(),
  download: z.array(z.string().min(1)).optional(),
  logNetwork: z.boolean().optional(),
};

/**
 * An execution request. Unlike the library's, it has no `persist` or `allowForeignImage`: a kept container
 * outlives its tenant's accounting, and a foreign image would skip the checks of isol8's own images.
 */
export const wireExecutionRequestSchema = z
  .strictObject({
    runtime: z.string().min(1).openapi({ example: "python" }),
    ...executionFields,
    image: z.string().min(1).optional().openapi({ description: "Only images the tenant's policy lists" }),
  })
  .openapi("ExecutionRequest");
export type WireExecutionRequest = z.infer<typeof wireExecutionRequestSchema>;

export const wireSessionExecutionRequestSchema = z
  .strictObject({
    runtime: z.string().min(1).optional().openapi({ description: "The session's, if given" }),
    ...executionFields,
  })
  .openapi("SessionExecutionRequest");
export type WireSessionExecutionRequest = z.infer<typeof wireSessionExecutionRequestSchema>;

export const wireDownloadedFileSchema = z
  .object({
    path: z.string(),
    content: base64Schema.optional(),
    error: z.string().optional(),
  })
  .openapi("DownloadedFile");

export const wireNetworkLogEntrySchema = z
  .object({
    host: z.string(),
    port: z.number().int(),
    method: z.string(),
    allowed: z.boolean(),
    reason: z.enum(["denied", "not-allowed", "port", "address"]).optional(),
    status: z.number().int().optional(),
    durationMs: z.number(),
  })
  .openapi("NetworkLogEntry");

export const wireExecutionResultSchema = z
  .object({
    exitCode: z.number().int(),
    signal: z.string().optional(),
    stdout: z.string(),
    stderr: z.string(),
    truncated: z.boolean(),
    timedOut: z.boolean(),
    oomKilled: z.boolean(),
    durations: z.object({
      totalMs: z.number(),
      sandboxMs: z.number(),
      installMs: z.number(),
      runMs: z.number(),
      setupMs: z.number().optional(),
    }),
    image: z.string(),
    imageId: z.string().optional(),
    imageMatch: z.enum(["explicit", "exact", "superset", "partial", "runtime", "session"]).optional(),
    installed: z.array(z.string()),
    files: z.array(wireDownloadedFileSchema),
    network: z.array(wireNetworkLogEntrySchema).optional(),
  })
  .openapi("ExecutionResult");
export type WireExecutionResult = z.infer<typeof wireExecutionResultSchema>;

export const sseDescription = [
  "Server-Sent Events. Each event has an `id:` (1, 2, …), an `event:` and JSON `data:`:",
  "`stdout` and `stderr` ({ data }), `phase` ({ phase, detail? }), then one `result` (an ExecutionResult) or",
  "one `error` ({ error: { code, message, hint? } }). Comment lines (`: keep-alive`) arrive while nothing else does.",
].join(" ");
