import {
  isIsol8Error,
  type LimitsInput,
  type RuntimeInfo,
  type SandboxEngine,
  type Session,
  type SessionInfo,
} from "@isol8/core";
import { z } from "zod";
import { createHttpClient } from "./http-client.js";
import { collect, createRemoteSession } from "./remote-session.js";
import { requestToWire, resultFromWire, resultSchema, runtimesSchema, sessionSchema } from "./wire.js";

export interface RemoteEngineOptions {
  /** The server's base URL ("https://sandbox.example.com"). */
  url: string;
  /** An API key (`isol8_…`). */
  apiKey: string;
  /** The fetch to use (a proxy-aware one, a test double). @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** A session's sandbox limits; per-run ones (timeout, output) come with each execution, as the contract says. */
function sandboxLimits(limits: LimitsInput): Record<string, number> {
  const picked: Record<string, number> = {};
  for (const field of ["memoryBytes", "cpus", "pids", "sandboxBytes", "tmpBytes"] as const) {
    const value = limits[field];
    if (value !== undefined) picked[field] = value;
  }
  return picked;
}

const sessionListSchema = z.object({ sessions: z.array(sessionSchema) });

/**
 * The SandboxEngine contract over an isol8 server's HTTP API, so a program moves from local Docker to a server
 * by changing the line that makes the engine. Executions stream over Server-Sent Events, or over the server's
 * WebSocket route when `options.input` gives live stdin and signals. The server's policy applies: a request above a ceiling rejects
 * with POLICY_DENIED, a full queue with BUSY. Session names are the server's session ids.
 */
export function createRemoteEngine(options: RemoteEngineOptions): SandboxEngine {
  const http = createHttpClient({ url: options.url, apiKey: options.apiKey, fetch: options.fetch ?? fetch });
  const infoFromWire = (wire: z.infer<typeof sessionSchema>): SessionInfo => ({
    name: wire.id,
    id: wire.id,
    runtime: wire.runtime,
    state: wire.state,
    createdAt: new Date(wire.createdAt),
  });

  const engine: SandboxEngine = {
    async execute(request, executeOptions = {}) {
      if (executeOptions.onEvent || executeOptions.input)
        return collect(engine.executeStream(request, executeOptions), executeOptions.onEvent);
      const wire = await http.json("POST", "/v1/executions", resultSchema, {
        body: requestToWire(request),
        signal: executeOptions.signal,
      });
      return resultFromWire(wire);
    },
    executeStream(request, streamOptions = {}) {
      const body = requestToWire(request);
      const { input, signal } = streamOptions;
      // Live input needs a two-way channel: the WebSocket route. Without it, SSE is simpler for proxies.
      return input
        ? http.socket("/v1/executions/ws", { body, input, signal })
        : http.stream("/v1/executions/stream", { body, signal });
    },
    async session(name, sessionOptions): Promise<Session> {
      const body: Record<string, unknown> = { id: name, runtime: sessionOptions.runtime };
      if (sessionOptions.limits !== undefined) body.limits = sandboxLimits(sessionOptions.limits);
      if (sessionOptions.idleTimeoutMs !== undefined) body.idleTimeoutMs = sessionOptions.idleTimeoutMs;
      const created = await http.json("POST", "/v1/sessions", sessionSchema, { body });
      return createRemoteSession(http, created.id, created.runtime);
    },
    async listSessions() {
      const { sessions } = await http.json("GET", "/v1/sessions", sessionListSchema);
      return sessions.map(infoFromWire);
    },
    async stopSession(name) {
      try {
        await http.send("DELETE", `/v1/sessions/${encodeURIComponent(name)}`);
        return true;
      } catch (error) {
        if (isIsol8Error(error) && error.code === "NOT_FOUND") return false;
        throw error;
      }
    },
    async listRuntimes(): Promise<RuntimeInfo[]> {
      return (await http.json("GET", "/v1/runtimes", runtimesSchema)).runtimes;
    },
    async ping() {
      await http.json("GET", "/readyz", z.object({ status: z.literal("ok") }));
    },
    async close() {
      // Sessions stay on the server until they are stopped or idle out; only open requests end here.
      http.close();
    },
  };
  return engine;
}
