import type { SandboxEngine } from "@isol8/core";
import type { KeyQuota, KeyStore } from "./keys/key-store.js";
import type { Scheduler } from "./load/scheduler.js";
import type { ServerMetrics } from "./metrics.js";
import type { ServerPolicy } from "./policy/server-policy.js";
import type { SessionDirectory } from "./sessions/session-directory.js";

/** Who is calling, as the auth middleware established. */
export interface Caller {
  keyId: string;
  keyName: string;
  tenant: string;
  quota: KeyQuota;
  admin: boolean;
}

/** Hono's typing of what the middleware leaves on the context. */
export interface ServerEnv {
  Variables: { caller: Caller };
}

/** Limits of the WebSocket route. */
export interface SocketSettings {
  /** A socket that sent no start frame this long after opening is closed. */
  startTimeoutMs: number;
  /** Stdin sent but not yet taken by the engine (the program has not started) is refused past this. */
  maxPendingInputBytes: number;
}

/** What the route modules share; built once by createServer. */
export interface ServerContext {
  engine: SandboxEngine;
  keyStore: KeyStore;
  policy: ServerPolicy;
  scheduler: Scheduler;
  metrics: ServerMetrics;
  sessions: SessionDirectory;
  /** How often a quiet event stream gets a comment, and a WebSocket a ping. */
  keepAliveMs: number;
  socket: SocketSettings;
  /** Aborted when close() begins: nothing new starts (a WebSocket still waiting for its start frame is closed). */
  closing: AbortSignal;
  /** Aborted when the server's shutdown deadline passes: every engine call still running is cancelled. */
  shutdown: AbortSignal;
  /** Called with errors that are bugs (not Isol8Errors), which the client only sees as "internal server error". */
  logError: (error: unknown) => void;
}
