import { z } from "@hono/zod-openapi";

/** Bytes travel as base64 in JSON. */
export const base64Schema = z
  .string()
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, "must be base64")
  .openapi({ description: "Bytes, base64-encoded", example: "aGVsbG8K" });

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "POLICY_DENIED" }),
      message: z.string(),
      hint: z.string().optional(),
      field: z
        .string()
        .optional()
        .openapi({ description: "The request field at fault", example: "limits.cpus" }),
    }),
  })
  .openapi("Error");

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: errorBodySchema } },
});

/** The errors any authenticated route can answer with. */
export const commonErrorResponses = {
  400: errorResponse("Invalid request: malformed JSON, a field the schema refuses, or above the policy"),
  401: errorResponse("No API key, or one that is unknown, revoked or expired"),
  413: errorResponse("Request body too large"),
  500: errorResponse("Internal error"),
  503: errorResponse("The engine does not answer, or the server is shutting down"),
} as const;

export const notFoundResponse = { 404: errorResponse("No such session (for this tenant)") } as const;
export const forbiddenResponse = { 403: errorResponse("Only the admin key may do this") } as const;
export const busyResponse = {
  429: {
    ...errorResponse("The queue is full; retry after the Retry-After header's seconds"),
    headers: z.object({ "Retry-After": z.string() }),
  },
} as const;
export const installFailedResponse = {
  422: errorResponse("The run-time package install failed"),
} as const;

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});

export const jsonResponse = <T extends z.ZodType>(description: string, schema: T) => ({
  description,
  content: { "application/json": { schema } },
});

export const bearerSecurity = [{ bearer: [] }];
