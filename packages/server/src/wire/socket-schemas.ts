import { z } from "@hono/zod-openapi";
import type { ExecutionEvent, ProgramSignal } from "@isol8/core";
import { base64Schema, errorBodySchema } from "./common-schemas.js";
import {
  wireExecutionRequestSchema,
  wireExecutionResultSchema,
  wireSessionExecutionRequestSchema,
} from "./execution-schemas.js";

const SIGNALS = ["SIGINT", "SIGTERM", "SIGKILL"] as const satisfies readonly ProgramSignal[];
const PHASES = ["sandbox", "install", "setup", "run"] as const satisfies readonly Extract<
  ExecutionEvent,
  { type: "phase" }
>["phase"][];

/** What a client may send once its execution has started. */
export const socketInputFrameSchemas = [
  z
    .strictObject({ type: z.literal("stdin"), data: base64Schema })
    .openapi("SocketStdinFrame", { description: "Bytes for the program's stdin" }),
  z
    .strictObject({ type: z.literal("stdin-end") })
    .openapi("SocketStdinEndFrame", { description: "Closes the program's stdin" }),
  z
    .strictObject({ type: z.literal("signal"), signal: z.enum(SIGNALS) })
    .openapi("SocketSignalFrame", { description: "Sent to the program's whole process group" }),
] as const;

const startFrame = <T extends z.ZodType>(request: T, name: string) =>
  z
    .strictObject({ type: z.literal("start"), request })
    .openapi(name, { description: "The first frame, and only the first: the execution request" });

/** Frames a client sends on `/v1/executions/ws`: one `start`, then input. */
export const socketClientFrameSchema = z
  .discriminatedUnion("type", [
    startFrame(wireExecutionRequestSchema, "SocketStartFrame"),
    ...socketInputFrameSchemas,
  ])
  .openapi("SocketClientFrame");

/** Frames a client sends on `/v1/sessions/{id}/executions/ws`. */
export const socketSessionClientFrameSchema = z
  .discriminatedUnion("type", [
    startFrame(wireSessionExecutionRequestSchema, "SocketSessionStartFrame"),
    ...socketInputFrameSchemas,
  ])
  .openapi("SocketSessionClientFrame");

export type SocketClientFrame = z.infer<typeof socketClientFrameSchema>;
export type SocketSessionClientFrame = z.infer<typeof socketSessionClientFrameSchema>;
export type SocketInputFrame = Exclude<SocketClientFrame, { type: "start" }>;

const frameId = z.number().int().positive().openapi({ description: "1, 2, … in the order sent" });

/** Frames the server sends: output and phases while the program runs, then one `result` or one `error`. */
export const socketServerFrameSchema = z
  .discriminatedUnion("type", [
    z.object({ id: frameId, type: z.literal("stdout"), data: z.string() }),
    z.object({ id: frameId, type: z.literal("stderr"), data: z.string() }),
    z.object({
      id: frameId,
      type: z.literal("phase"),
      phase: z.enum(PHASES),
      detail: z.string().optional(),
    }),
    z.object({ id: frameId, type: z.literal("result"), result: wireExecutionResultSchema }),
    z.object({
      id: frameId,
      type: z.literal("error"),
      error: errorBodySchema.shape.error.extend({
        retryAfterSeconds: z
          .number()
          .int()
          .optional()
          .openapi({ description: "With BUSY: when to try again" }),
      }),
    }),
  ])
  .openapi("SocketServerFrame");

export type SocketServerFrame = z.infer<typeof socketServerFrameSchema>;

/** Spreads over a union: `Omit` on a union would keep only the fields its members share. */
type WithoutId<T> = T extends unknown ? Omit<T, "id"> : never;
export type SocketServerMessage = WithoutId<SocketServerFrame>;

/**
 * The close codes (RFC 6455): 1000 after the result, 1008 for a refusal (key, policy, a full queue, a bad frame),
 * 1011 when the engine failed, 1001 when the server shuts down; 1009 (sent by `ws` itself) for a frame over the cap.
 */
export const CLOSE_CODES = {
  done: 1000,
  goingAway: 1001,
  refused: 1008,
  tooBig: 1009,
  failed: 1011,
} as const;
