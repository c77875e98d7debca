import { type ClientOptions, WebSocket } from "ws";
import type { SocketServerFrame } from "../wire/socket-schemas.js";

/** A WebSocket to the server, recording every frame it receives (tests only). */
export interface TestSocket {
  readonly ws: WebSocket;
  readonly frames: SocketServerFrame[];
  /** Sends a value as a JSON text frame. */
  send(frame: unknown): void;
  /** The next frame of that type (or of any type), waiting for it if it has not come yet. */
  next(type?: SocketServerFrame["type"]): Promise<SocketServerFrame>;
  /** Resolves once the socket closed, with the server's close code. */
  readonly closed: Promise<{ code: number; reason: string }>;
}

export interface OpenOptions {
  /** Sent as `Authorization: Bearer`; none when undefined. */
  key: string | undefined;
  client?: ClientOptions;
}

/** Opens `path` on a listening server (`http://…` base); rejects with the status if the upgrade is refused. */
export function openTestSocket(base: string, path: string, options: OpenOptions): Promise<TestSocket> {
  const headers: Record<string, string> =
    options.key === undefined ? {} : { Authorization: `Bearer ${options.key}` };
  const ws = new WebSocket(`${base.replace(/^http/, "ws")}${path}`, { ...options.client, headers });
  const frames: SocketServerFrame[] = [];
  const waiting: Array<() => void> = [];
  let read = 0;
  ws.on("message", (data) => {
    frames.push(JSON.parse(String(data)) as SocketServerFrame);
    for (const wake of waiting.splice(0)) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on("close", (code, reason) => {
      resolve({ code, reason: reason.toString() });
      for (const wake of waiting.splice(0)) wake();
    });
  });
  const socket: TestSocket = {
    ws,
    frames,
    send: (frame) => ws.send(JSON.stringify(frame)),
    async next(type) {
      for (;;) {
        while (read < frames.length) {
          const frame = frames[read++];
          if (frame && (type === undefined || frame.type === type)) return frame;
        }
        if (ws.readyState === WebSocket.CLOSED) {
          throw new Error(`the socket closed before a ${type ?? "frame"} came`);
        }
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
    },
    closed,
  };
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve(socket));
    ws.once("unexpected-response", (_request, response) => {
      reject(new Error(`upgrade refused: HTTP ${response.statusCode}`));
      ws.terminate();
    });
    ws.on("error", reject);
  });
}
