import type {
  ExecuteOptions,
  ExecutionEvent,
  ExecutionResult,
  Session,
  SessionExecutionInput,
} from "@isol8/core";
import { z } from "zod";
import type { HttpClient } from "./http-client.js";
import { filesFromWire, filesToWire, requestToWire, resultFromWire, resultSchema } from "./wire.js";

const readFilesSchema = z.object({
  files: z.array(
    z.object({ path: z.string(), content: z.string().optional(), error: z.string().optional() }),
  ),
});

/** A server session, seen through the Session contract; its name is the session's id on the server. */
export function createRemoteSession(http: HttpClient, name: string, runtime: string): Session {
  const path = `/v1/sessions/${encodeURIComponent(name)}`;
  const stream = (request: SessionExecutionInput, options: Omit<ExecuteOptions, "onEvent"> = {}) => {
    const body = requestToWire(request);
    const { input, signal } = options;
    return input
      ? http.socket(`${path}/executions/ws`, { body, input, signal })
      : http.stream(`${path}/executions/stream`, { body, signal });
  };
  return {
    name,
    runtime,
    async execute(request, options = {}): Promise<ExecutionResult> {
      if (options.onEvent || options.input) return collect(stream(request, options), options.onEvent);
      const wire = await http.json("POST", `${path}/executions`, resultSchema, {
        body: requestToWire(request),
        signal: options.signal,
      });
      return resultFromWire(wire);
    },
    executeStream: stream,
    async writeFiles(files) {
      await http.send("PUT", `${path}/files`, { body: { files: filesToWire(files) } });
    },
    async readFiles(paths) {
      if (paths.length === 0) return [];
      const query = paths.map((file) => `path=${encodeURIComponent(file)}`).join("&");
      const { files } = await http.json("GET", `${path}/files?${query}`, readFilesSchema);
      return filesFromWire(files);
    },
    detach() {
      // Nothing is held open between requests: the session lives on the server until it idles out.
    },
    async stop() {
      await http.send("DELETE", path);
    },
  };
}

/** Runs a streamed execution to its end, handing each event on: `execute` with `onEvent` or `input`. */
export async function collect(
  events: AsyncIterable<ExecutionEvent>,
  onEvent: ((event: ExecutionEvent) => void) | undefined,
): Promise<ExecutionResult> {
  for await (const event of events) {
    onEvent?.(event);
    if (event.type === "result") return event.result;
  }
  throw new Error("the event stream ended without a result");
}
