import type { ExecutionEvent } from "@isol8/core";
import { toErrorResponse } from "../errors.js";
import { eventToWire } from "../wire/convert.js";

export interface SseOptions {
  /** A comment line goes out after this long without an event, so idle-timing proxies keep the stream open. */
  keepAliveMs: number;
  /** Called when the client goes away before the end: abort the engine call. */
  onCancel: () => void;
  /** Called once the stream ended, whichever way. */
  onEnd: (
    outcome: { result: Extract<ExecutionEvent, { type: "result" }>["result"] } | { error: unknown },
  ) => void;
  logError: (error: unknown) => void;
  /** Counts an error that refused the request (the stream's errors never reach the app's error handler). */
  countRejection: (error: unknown) => void;
}

const encoder = new TextEncoder();

/** One SSE frame. JSON never contains a raw newline, so `data` is always one line. */
export function sseFrame(id: number, event: string, data: unknown): string {
  return `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export const KEEP_ALIVE_FRAME = ": keep-alive\n\n";

/**
 * An execution's events as a `text/event-stream` response: numbered frames, a keep-alive comment whenever the
 * stream has been quiet for `keepAliveMs`, and a final `error` frame when the engine fails after the headers
 * went out (the status is 200 by then, so the error travels in the stream).
 */
export function sseResponse(events: AsyncIterable<ExecutionEvent>, options: SseOptions): Response {
  let id = 0;
  let timer: NodeJS.Timeout | undefined;
  let open = true;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        if (!open) return;
        controller.enqueue(encoder.encode(text));
        armKeepAlive();
      };
      const armKeepAlive = () => {
        clearTimeout(timer);
        timer = setTimeout(() => send(KEEP_ALIVE_FRAME), options.keepAliveMs);
      };
      armKeepAlive();
      void (async () => {
        let outcome: Parameters<SseOptions["onEnd"]>[0] = {
          error: new Error("the stream ended without a result"),
        };
        try {
          for await (const event of events) {
            const wire = eventToWire(event);
            id += 1;
            send(sseFrame(id, wire.event, wire.data));
            if (event.type === "result") outcome = { result: event.result };
          }
        } catch (error) {
          outcome = { error };
          const { body: errorBody } = toErrorResponse(error);
          if (errorBody.error.code === "INTERNAL") options.logError(error);
          options.countRejection(error);
          id += 1;
          send(sseFrame(id, "error", errorBody));
        } finally {
          clearTimeout(timer);
          if (open) {
            open = false;
            controller.close();
          }
          options.onEnd(outcome);
        }
      })();
    },
    cancel() {
      open = false;
      clearTimeout(timer);
      options.onCancel();
    },
  });
  return new Response(body, {
    status: 200,
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      // nginx buffers responses unless told not to; a buffered stream is no stream.
      "X-Accel-Buffering": "no",
    },
  });
}
