import type { ExecutionEvent, ProgramInput } from "@isol8/core";
import type { z } from "zod";
import { cancelled, errorFromBody, unreachable } from "./errors.js";
import { socketStream } from "./socket-stream.js";
import { readSse } from "./sse-reader.js";
import { eventFromWire } from "./wire.js";

export interface HttpClientOptions {
  url: string;
  apiKey: string;
  fetch: typeof fetch;
}

export interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal | undefined;
}

export interface SocketOptions {
  body: unknown;
  input: AsyncIterable<ProgramInput>;
  signal?: AbortSignal | undefined;
}

/** The HTTP layer of the remote engine: auth, JSON, error bodies, SSE and the WebSocket route. */
export interface HttpClient {
  readonly server: string;
  /** A JSON answer, validated against `schema`. */
  json<S extends z.ZodType>(
    method: string,
    path: string,
    schema: S,
    options?: RequestOptions,
  ): Promise<z.infer<S>>;
  /** A request answered without a body (204). */
  send(method: string, path: string, options?: RequestOptions): Promise<void>;
  /** A streamed execution's events; the `error` event rejects with the server's Isol8Error. */
  stream(path: string, options: RequestOptions): AsyncGenerator<ExecutionEvent>;
  /**
   * An execution over the WebSocket route at `path`, with live input; error frames reject with the server's
   * Isol8Error, as the stream's error events do.
   */
  socket(path: string, options: SocketOptions): AsyncGenerator<ExecutionEvent>;
  /** Aborts every request still open (the server then removes their sandboxes). */
  close(): void;
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const base = options.url.replace(/\/+$/, "");
  const server = base;
  const closing = new AbortController();
  // Every request also obeys close(), so closing the engine cancels what still runs.
  const link = (signal: AbortSignal | undefined): AbortSignal =>
    signal ? AbortSignal.any([signal, closing.signal]) : closing.signal;
  const linked = (request: RequestOptions): RequestOptions => ({ ...request, signal: link(request.signal) });

  async function call(
    method: string,
    path: string,
    request: RequestOptions,
    accept: string,
  ): Promise<Response> {
    if (request.signal?.aborted) throw cancelled();
    const headers: Record<string, string> = { Authorization: `Bearer ${options.apiKey}`, Accept: accept };
    const init: RequestInit = { method, headers };
    if (request.body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(request.body);
    }
    if (request.signal) init.signal = request.signal;
    try {
      return await options.fetch(`${base}${path}`, init);
    } catch (error) {
      if (request.signal?.aborted) throw cancelled();
      throw unreachable(server, error);
    }
  }

  async function failure(response: Response): Promise<never> {
    const text = await response.text().catch(() => "");
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    throw errorFromBody(server, response.status, body);
  }

  const guard = async <T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      // Whatever the fetch failed with once the caller aborted, what the caller asked for was the cancellation.
      if (signal?.aborted) throw cancelled();
      throw error;
    }
  };

  return {
    server,
    json(method, path, schema, options = {}) {
      const request = linked(options);
      return guard(request.signal, async () => {
        const response = await call(method, path, request, "application/json");
        if (!response.ok) return failure(response);
        const parsed = schema.safeParse(await response.json());
        if (!parsed.success) {
          throw errorFromBody(server, 502, {
            error: {
              code: "INTERNAL",
              message: `${method} ${path} answered something this client does not understand`,
            },
          });
        }
        return parsed.data;
      });
    },
    send(method, path, options = {}) {
      const request = linked(options);
      return guard(request.signal, async () => {
        const response = await call(method, path, request, "application/json");
        if (!response.ok) return failure(response);
        await response.body?.cancel();
      });
    },
    async *stream(path, options) {
      const request = linked(options);
      const response = await call("POST", path, request, "text/event-stream");
      if (!response.ok) await failure(response);
      if (!response.body) throw errorFromBody(server, 502, undefined);
      try {
        for await (const frame of readSse(response.body)) {
          const data: unknown = JSON.parse(frame.data);
          if (frame.event === "error") throw errorFromBody(server, 500, data);
          const event = eventFromWire(frame.event, data);
          if (event) yield event;
          if (event?.type === "result") return;
        }
      } catch (error) {
        if (request.signal?.aborted) throw cancelled();
        throw error;
      }
      if (request.signal?.aborted) throw cancelled();
      throw errorFromBody(server, 502, {
        error: { code: "SANDBOX_FAILED", message: "the event stream ended without a result" },
      });
    },
    socket(path, socketOptions) {
      return socketStream({
        url: `${base.replace(/^http/, "ws")}${path}`,
        server,
        headers: { Authorization: `Bearer ${options.apiKey}` },
        request: socketOptions.body,
        input: socketOptions.input,
        signal: link(socketOptions.signal),
      });
    },
    close() {
      closing.abort();
    },
  };
}
