import { type ExecutionEvent, type ExecutionResult, Isol8Error } from "@isol8/core";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { LoggingLevel, ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** RFC 5424 severities in the order MCP's `logging/setLevel` compares them. */
const SEVERITY: readonly LoggingLevel[] = [
  "debug",
  "info",
  "notice",
  "warning",
  "error",
  "critical",
  "alert",
  "emergency",
];

/** Progress messages are for a status line; the full output goes out as log messages. */
const PROGRESS_MESSAGE_CHARS = 200;

/** The least severe level a client wants to hear about, as it set with `logging/setLevel`. */
export interface LogThreshold {
  level: LoggingLevel | undefined;
}

function levelOf(event: Exclude<ExecutionEvent, { type: "result" }>): LoggingLevel {
  if (event.type === "stdout") return "info";
  if (event.type === "stderr") return "warning";
  return "debug";
}

function describe(event: Exclude<ExecutionEvent, { type: "result" }>): string {
  if (event.type === "phase") return event.detail ? `${event.phase}: ${event.detail}` : event.phase;
  return event.data;
}

/**
 * Drains a streamed execution and resolves with its result, telling the client what happens as it happens:
 * each output chunk and phase as a `notifications/message` (logger "stdout", "stderr" or "phase"), and, when the
 * call carried a progressToken, a `notifications/progress` per event. Notifications go out through the call's
 * own `extra`, so over Streamable HTTP they travel on that call's response stream. A notification that cannot be
 * delivered (the client left) does not fail the run: the call's signal stops the run in that case.
 */
export async function runWithNotifications(
  events: AsyncIterable<ExecutionEvent>,
  extra: ToolExtra,
  threshold: LogThreshold,
): Promise<ExecutionResult> {
  const token = extra._meta?.progressToken;
  let progress = 0;
  const send = async (notification: ServerNotification) => {
    try {
      await extra.sendNotification(notification);
    } catch {
      // The transport is gone; the abort of extra.signal ends the run.
    }
  };
  for await (const event of events) {
    if (event.type === "result") return event.result;
    const level = levelOf(event);
    const text = describe(event);
    if (threshold.level === undefined || SEVERITY.indexOf(level) >= SEVERITY.indexOf(threshold.level)) {
      await send({ method: "notifications/message", params: { level, logger: event.type, data: text } });
    }
    if (token !== undefined) {
      progress += 1;
      const message =
        text.length > PROGRESS_MESSAGE_CHARS ? `${text.slice(0, PROGRESS_MESSAGE_CHARS)}…` : text;
      await send({ method: "notifications/progress", params: { progressToken: token, progress, message } });
    }
  }
  throw new Isol8Error("INTERNAL", "the execution stream ended without a result");
}
