import { z } from "@hono/zod-openapi";

import { wireDownloadedFileSchema, wireFileSchema } from "./execution-schemas.js";

const positiveInt = z.number().int().positive();

export const createSessionRequestSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,25}$/, "must be 1-26 letters, digits, '-' or '_'")
      .optional()
      .openapi({
        description:
          "An id of the client's choosing: the running session of that id is returned if there is one",
        example: "notebook-1",
      }),
    runtime: z.string().min(1).openapi({ example: "python" }),
    limits: z
      .strictObject({
        memoryBytes: positiveInt.optional(),
        cpus: z.number().positive().optional(),
        pids: positiveInt.optional(),
        sandboxBytes: positiveInt.optional(),
        tmpBytes: positiveInt.optional(),
      })
      .optional(),
    idleTimeoutMs: positiveInt.optional().openapi({ description: "The session ends after this long unused" }),
  })
  .openapi("CreateSessionRequest");
export type CreateSessionRequest = z.infer<typeof createSessionRequestSchema>;

export const sessionSchema = z
  .object({
    id: z.string().openapi({ example: "ses_q3V9m1xYbA0cT2ZP" }),
    runtime: z.string(),
    state: z.string().openapi({ description: '"running" while it can execute' }),
    createdAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Session");
export type WireSession = z.infer<typeof sessionSchema>;

export const sessionListSchema = z.object({ sessions: z.array(sessionSchema) }).openapi("SessionList");

export const sessionIdParamsSchema = z.object({
  id: z.string().openapi({ param: { name: "id", in: "path" }, example: "ses_q3V9m1xYbA0cT2ZP" }),
});

export const writeFilesRequestSchema = z
  .strictObject({ files: z.array(wireFileSchema).min(1) })
  .openapi("WriteFilesRequest");

export const readFilesQuerySchema = z.object({
  path: z
    .union([z.string().min(1), z.array(z.string().min(1))])
    .transform((value) => (Array.isArray(value) ? value : [value]))
    .openapi({
      param: { name: "path", in: "query", style: "form", explode: true },
      description: "Repeat for several files",
      example: "out.txt",
    }),
});

export const readFilesResponseSchema = z
  .object({ files: z.array(wireDownloadedFileSchema) })
  .openapi("ReadFilesResponse");
