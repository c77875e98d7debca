import type { ExecutionEvent, Isol8Error, Isol8ErrorCode, ProgramInput } from "@isol8/core";
import { WebSocket } from "ws";
import { cancelled, errorFromBody, unreachable } from "./errors.js";
import { eventFromWire, socketFrameSchema } from "./wire.js";

export interface SocketStreamOptions {
  /** The route's full URL (`ws://` or `wss://`). */
  url: string;
  /** The server as errors name it. */
  server: string;
  headers: Record<string, string>;
  /** The execution request, as the POST routes take it. */
  request: unknown;
  input: AsyncIterable<ProgramInput>;
  signal: AbortSignal;
}

type Item =
  | { kind: "event"; event: ExecutionEvent }
  | { kind: "error"; error: unknown }
  | { kind: "closed"; code: number; reason: string };

/** What a refused upgrade's status means here (a refused handshake has no body to say it). */
const CODE_BY_STATUS: Record<number, Isol8ErrorCode> = {
  400: "INVALID_INPUT",
  401: "UNAUTHORIZED",
  404: "INVALID_INPUT",
  429: "BUSY",
  503: "ENGINE_UNAVAILABLE",
};

/**
 * An execution over the server's WebSocket route: the start frame, then `input` as stdin, stdin-end and signal
 * frames while the program runs; the server's frames come back as events. An `error` frame rejects with the
 * server's Isol8Error. Stopping early (abort, `break`) closes the socket, which makes the server cancel the run.
 */
export async function* socketStream(options: SocketStreamOptions): AsyncGenerator<ExecutionEvent> {
  if (options.signal.aborted) throw cancelled();
  const { server } = options;
  const items: Item[] = [];
  let wake: (() => void) | undefined;
  const push = (item: Item) => {
    items.push(item);
    wake?.();
  };
  const ws = new WebSocket(options.url, { headers: options.headers, perMessageDeflate: false });
  const input = options.input[Symbol.asyncIterator]();
  let over = false;

  const send = (frame: unknown) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
  };
  const forwardInput = async () => {
    try {
      for (;;) {
        const next = await input.next();
        if (over) return;
        if (next.done) break;
        send(inputFrame(next.value));
      }
      // The input ended before the program did: that is end-of-file on its stdin, as the contract says.
      send({ type: "stdin-end" });
    } catch (error) {
      push({ kind: "error", error });
    }
  };
  const onAbort = () => push({ kind: "error", error: cancelled() });
  options.signal.addEventListener("abort", onAbort, { once: true });

  let opened = false;
  ws.on("open", () => {
    opened = true;
    send({ type: "start", request: options.request });
    void forwardInput();
  });
  ws.on("message", (data, isBinary) => {
    const item = itemFromFrame(server, isBinary ? undefined : String(data));
    if (item) push(item);
  });
  ws.on("unexpected-response", (request, response) => {
    push({ kind: "error", error: refusedUpgrade(server, response.statusCode ?? 0) });
    request.destroy();
  });
  ws.on("error", (error) => {
    const failure = opened
      ? errorFromBody(server, 502, {
          error: { code: "SANDBOX_FAILED", message: `the WebSocket failed mid-run (${error.message})` },
        })
      : unreachable(server, error);
    push({ kind: "error", error: failure });
  });
  ws.on("close", (code, reason) => push({ kind: "closed", code, reason: reason.toString() }));

  try {
    for (;;) {
      const item = items.shift();
      if (!item) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
        continue;
      }
      if (item.kind === "error") throw options.signal.aborted ? cancelled() : item.error;
      if (item.kind === "closed") {
        if (options.signal.aborted) throw cancelled();
        throw errorFromBody(server, 502, {
          error: {
            code: "SANDBOX_FAILED",
            message: `the WebSocket closed without a result (${item.code}${item.reason ? ` ${item.reason}` : ""})`,
          },
        });
      }
      yield item.event;
      if (item.event.type === "result") return;
    }
  } finally {
    over = true;
    options.signal.removeEventListener("abort", onAbort);
    void input.return?.();
    // Closing before the result is how a client cancels; after it, the server is closing the socket anyway.
    if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
    else if (ws.readyState === WebSocket.OPEN) ws.close(1000);
  }
}

function inputFrame(event: ProgramInput): unknown {
  if (event.type === "stdin") return { type: "stdin", data: Buffer.from(event.data).toString("base64") };
  if (event.type === "stdin-end") return { type: "stdin-end" };
  return { type: "signal", signal: event.signal };
}

/** A frame as what the stream yields or throws; undefined for a frame type this client does not know. */
function itemFromFrame(server: string, text: string | undefined): Item | undefined {
  const parsed = socketFrameSchema.safeParse(text === undefined ? undefined : safeJson(text));
  if (!parsed.success) {
    return {
      kind: "error",
      error: errorFromBody(server, 502, {
        error: { code: "INTERNAL", message: "the WebSocket sent a frame this client does not understand" },
      }),
    };
  }
  const frame = parsed.data;
  if (frame.type === "error") return { kind: "error", error: errorFromBody(server, 500, frame) };
  try {
    const event = eventFromWire(frame.type, frame.type === "result" ? frame.result : frame);
    // A newer server's frame types are skipped, as the SSE reader skips events it does not know.
    return event ? { kind: "event", event } : undefined;
  } catch (error) {
    return { kind: "error", error };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function refusedUpgrade(server: string, status: number): Isol8Error {
  const code = CODE_BY_STATUS[status] ?? "INTERNAL";
  const hint =
    code === "INVALID_INPUT"
      ? "This server may predate live input: update it, or pass the whole input as request.stdin."
      : undefined;
  return errorFromBody(server, status, {
    error: { code, message: `the WebSocket upgrade was refused (HTTP ${status})`, ...(hint ? { hint } : {}) },
  });
}
