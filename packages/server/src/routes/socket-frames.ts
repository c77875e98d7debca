import { type ExecutionEvent, Isol8Error, isIsol8Error } from "@isol8/core";
import type { z } from "zod";
import { FieldError, statusForCode, toErrorResponse } from "../errors.js";
import { BusyError } from "../load/scheduler.js";
import { resultToWire } from "../wire/convert.js";
import { CLOSE_CODES, type SocketServerMessage } from "../wire/socket-schemas.js";

/**
 * A client frame, validated: JSON text that `schema` accepts. Anything else is INVALID_INPUT naming the zod path;
 * a start frame's request fields are named as the POST routes name them ("limits.cpus", not "request.limits.cpus").
 */
export function parseClientFrame<T>(data: unknown, schema: z.ZodType<T>): T {
  if (typeof data !== "string") {
    throw new Isol8Error("INVALID_INPUT", "frames are JSON text; a binary frame is refused", {
      hint: 'Send stdin as {"type":"stdin","data":"<base64>"}.',
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    throw new Isol8Error("INVALID_INPUT", "a frame is not valid JSON");
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.map(String) ?? [];
  const inRequest = path[0] === "request" && path.length > 1;
  const field = (inRequest ? path.slice(1) : path).join(".") || "(frame)";
  const where = inRequest ? field : path.length > 0 ? `frame ${field}` : "frame";
  throw new FieldError("INVALID_INPUT", field, `${where}: ${issue?.message ?? "invalid"}`);
}

/** An engine event as the frame that carries it (without its id, which the connection numbers). */
export function eventToMessage(event: ExecutionEvent): SocketServerMessage {
  switch (event.type) {
    case "stdout":
    case "stderr":
      return { type: event.type, data: event.data };
    case "phase":
      return event.detail === undefined
        ? { type: "phase", phase: event.phase }
        : { type: "phase", phase: event.phase, detail: event.detail };
    case "result":
      return { type: "result", result: resultToWire(event.result) };
  }
}

/** An error as its frame and the close that follows it (its reason is the error's code, for logs). */
export function errorToMessage(
  error: unknown,
  shuttingDown: boolean,
): { message: SocketServerMessage; closeCode: number; reason: string } {
  const { body } = toErrorResponse(error);
  const message: SocketServerMessage = {
    type: "error",
    error:
      error instanceof BusyError ? { ...body.error, retryAfterSeconds: error.retryAfterSeconds } : body.error,
  };
  return { message, closeCode: closeCodeFor(error, shuttingDown), reason: body.error.code };
}

function closeCodeFor(error: unknown, shuttingDown: boolean): number {
  if (shuttingDown) return CLOSE_CODES.goingAway;
  if (!isIsol8Error(error)) return CLOSE_CODES.failed;
  if (error.code === "PAYLOAD_TOO_LARGE") return CLOSE_CODES.tooBig;
  // What the HTTP routes answer with a 4xx, the client must change; a 5xx is the server's or the engine's failure.
  return statusForCode(error.code) < 500 ? CLOSE_CODES.refused : CLOSE_CODES.failed;
}
