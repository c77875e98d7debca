import type { WebSocketLike } from "@hono/node-server";
import { type ExecutionResult, Isol8Error } from "@isol8/core";
import type { WSContext, WSEvents } from "hono/ws";
import { WebSocket } from "ws";
import type { Caller, ServerContext } from "../context.js";
import { toErrorResponse } from "../errors.js";
import { acquireSlot, type Slot } from "../load/execution-slot.js";
import { countRejection } from "../metrics.js";
import { CLOSE_CODES, type SocketInputFrame, type SocketServerMessage } from "../wire/socket-schemas.js";
import type { ExecutionTarget } from "./execution-target.js";
import { errorToMessage, eventToMessage } from "./socket-frames.js";
import { createSocketInput } from "./socket-input.js";

/** A client frame of a route whose start frame carries requests of type R. */
export type ClientFrame<R> = { type: "start"; request: R } | SocketInputFrame;

export interface SocketExecutionOptions<R> {
  context: ServerContext;
  caller: Caller;
  /** Validates one frame of this route (its start frame carries the route's request schema). */
  parse: (data: unknown) => ClientFrame<R>;
  /** Where the start frame's request runs; throws the refusal (POLICY_DENIED, NOT_FOUND) if it may not. */
  target: (request: R) => ExecutionTarget | Promise<ExecutionTarget>;
}

/** A close frame the client does not answer leaves the socket open this long before it is destroyed. */
const CLOSE_GRACE_MS = 2000;

/**
 * One execution over one WebSocket: a `start` frame, then the client's stdin and signals reach the program while
 * its output and phases come back as numbered frames, ending with a `result` (close 1000) or an `error` frame
 * (close 1008 for a refusal, 1011 for a failure, 1001 at shutdown). The socket's close is the client going away:
 * the engine call is aborted, which removes its sandbox. Slots, queues, policy and metrics are the HTTP routes'.
 */
export function socketExecution<R>(options: SocketExecutionOptions<R>): WSEvents<WebSocketLike> {
  const { context, caller } = options;
  const client = new AbortController();
  const input = createSocketInput(context.socket.maxPendingInputBytes);
  let state: "waiting" | "started" | "over" = "waiting";
  let socket: WSContext<WebSocketLike> | undefined;
  const send = numberedSender(() => socket);
  let startTimer: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  // A socket that never sent its start frame holds no slot, so a shutdown need not wait for it.
  const onClosing = () => {
    if (state === "waiting") fail(new Isol8Error("CANCELLED", "the server is shutting down"));
  };

  const stop = () => {
    clearTimeout(startTimer);
    clearInterval(heartbeat);
    context.closing.removeEventListener("abort", onClosing);
    client.abort(new Isol8Error("CANCELLED", "the client went away"));
    input.close();
  };
  const end = (code: number, reason?: string) => {
    if (state === "over") return;
    state = "over";
    stop();
    if (socket) closeSocket(socket, code, reason);
  };
  const fail = (error: unknown) => {
    if (state === "over") return;
    if (toErrorResponse(error).body.error.code === "INTERNAL") context.logError(error);
    countRejection(context.metrics, error);
    const { message, closeCode, reason } = errorToMessage(error, context.closing.aborted);
    send(message);
    end(closeCode, reason);
  };

  const run = async (request: R) => {
    let slot: Slot | undefined;
    try {
      const target = await options.target(request);
      slot = await acquireSlot(context, caller, target.runtime, client.signal);
      let result: ExecutionResult | undefined;
      for await (const event of target.executeStream({ signal: slot.signal, input: input.events })) {
        send(eventToMessage(event));
        if (event.type === "result") result = event.result;
      }
      if (!result) throw new Error("the engine's event stream ended without a result");
      slot.finish({ result });
      end(CLOSE_CODES.done);
    } catch (error) {
      slot?.finish({ error });
      fail(error);
    }
  };

  return {
    onOpen(_event, ws) {
      socket = ws;
      startTimer = setTimeout(() => {
        if (state === "waiting") {
          fail(
            new Isol8Error("INVALID_INPUT", `no start frame within ${context.socket.startTimeoutMs} ms`, {
              hint: 'Send {"type":"start","request":{…}} as soon as the socket opens.',
            }),
          );
        }
      }, context.socket.startTimeoutMs);
      context.closing.addEventListener("abort", onClosing, { once: true });
      if (context.closing.aborted) onClosing();
      heartbeat = startHeartbeat(ws.raw, context.keepAliveMs);
    },
    onMessage(event) {
      if (state === "over") return;
      try {
        const frame = options.parse(event.data);
        if (frame.type === "start") {
          if (state !== "waiting") throw new Isol8Error("INVALID_INPUT", "a second start frame");
          state = "started";
          void run(frame.request);
        } else if (state === "waiting") {
          throw new Isol8Error("INVALID_INPUT", `a ${frame.type} frame before the start frame`, {
            hint: "The first frame must be the start frame.",
          });
        } else {
          input.push(frame);
        }
      } catch (error) {
        fail(error);
      }
    },
    onClose() {
      if (state === "over") return;
      state = "over";
      stop();
    },
  };
}

/**
 * Refuses an upgrade request that failed before its route (a missing or bad key) over the socket rather than by
 * the handshake's status, which neither browsers nor most clients can read. The app's error handler has already
 * counted the rejection.
 */
export function socketRefusal(error: unknown): WSEvents<WebSocketLike> {
  let socket: WSContext<WebSocketLike> | undefined;
  const send = numberedSender(() => socket);
  return {
    onOpen(_event, ws) {
      socket = ws;
      const { message, closeCode, reason } = errorToMessage(error, false);
      send(message);
      closeSocket(ws, closeCode, reason);
    },
  };
}

/** Closes with a close frame; a client that does not answer it is cut off after CLOSE_GRACE_MS, not ws's 30 s. */
function closeSocket(ws: WSContext<WebSocketLike>, code: number, reason: string | undefined): void {
  ws.close(code, reason);
  const raw = ws.raw;
  if (raw instanceof WebSocket) setTimeout(() => raw.terminate(), CLOSE_GRACE_MS).unref();
}

/** Sends frames numbered 1, 2, … while the socket is open; a frame for a closed socket is dropped. */
function numberedSender(socket: () => WSContext<WebSocketLike> | undefined) {
  let id = 0;
  return (message: SocketServerMessage) => {
    const open = socket();
    if (open?.readyState !== WebSocket.OPEN) return;
    id += 1;
    open.send(JSON.stringify({ id, ...message }));
  };
}

/**
 * Pings every `intervalMs` and ends a socket whose peer did not answer the previous ping: a client that vanished
 * without closing (a dead network) must not keep its sandbox running. Pings also keep idle-timing proxies open.
 */
function startHeartbeat(raw: WebSocketLike | undefined, intervalMs: number): NodeJS.Timeout | undefined {
  if (!(raw instanceof WebSocket)) return undefined;
  let answered = true;
  raw.on("pong", () => {
    answered = true;
  });
  return setInterval(() => {
    if (!answered) {
      raw.terminate();
      return;
    }
    answered = false;
    raw.ping();
  }, intervalMs);
}
