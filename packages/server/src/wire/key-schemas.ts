import { z } from "@hono/zod-openapi";
import { keyQuotaSchema, TENANT_PATTERN } from "../keys/key-schema.js";

const wireQuotaSchema = z
  .strictObject({
    maxConcurrentExecutions: keyQuotaSchema.shape.maxConcurrentExecutions,
    maxSessions: keyQuotaSchema.shape.maxSessions,
  })
  .openapi("KeyQuota");

export const createKeyRequestSchema = z
  .strictObject({
    name: z.string().min(1).max(200),
    tenant: z.string().regex(TENANT_PATTERN, "must be 1-32 lowercase letters, digits, '-' or '_'"),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
    quota: wireQuotaSchema.optional(),
  })
  .openapi("CreateKeyRequest");

export const keyRecordSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    tenant: z.string(),
    createdAt: z.string().openapi({ format: "date-time" }),
    expiresAt: z.string().optional().openapi({ format: "date-time" }),
    revokedAt: z.string().optional().openapi({ format: "date-time" }),
    quota: wireQuotaSchema,
  })
  .openapi("ApiKey");

export const createdKeySchema = z
  .object({
    key: z.string().openapi({ description: "Shown once; only its SHA-256 is stored" }),
    record: keyRecordSchema,
  })
  .openapi("CreatedKey");

export const keyListSchema = z.object({ keys: z.array(keyRecordSchema) }).openapi("KeyList");

export const keyIdParamsSchema = z.object({
  id: z.string().openapi({ param: { name: "id", in: "path" } }),
});

export const keyListQuerySchema = z.object({
  tenant: z
    .string()
    .optional()
    .openapi({ param: { name: "tenant", in: "query" } }),
});
