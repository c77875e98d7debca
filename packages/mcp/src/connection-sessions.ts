import { randomBytes } from "node:crypto";
import { Isol8Error, type SandboxEngine, type Session } from "@isol8/core";
import type { McpPolicy } from "./policy.js";
import { checkRuntime } from "./policy.js";

/**
 * The sessions of one MCP connection. A client names them (or gets `s1`, `s2`, …); the engine knows them as
 * `mcp-<connection>-<name>`, so two connections never share a sandbox by picking the same name, and every name
 * stays within what both the local engine and the server's tenant engine accept (26 characters, no dot).
 * Every session is stopped when the connection closes: an agent that disconnects leaves no sandbox behind.
 */
export interface ConnectionSessions {
  /** The connection's id inside engine session names (8 random base64url characters). */
  readonly connectionId: string;
  /** Starts a session, or returns the connection's running one of that name (which must have that runtime). */
  create(runtime: string, name?: string): Promise<{ name: string; runtime: string; created: boolean }>;
  /** The session of that name; NOT_FOUND when this connection has none. */
  get(name: string): Session;
  stop(name: string): Promise<void>;
  /** Stops every session and refuses new ones; resolves when all stops have settled. */
  stopAll(): Promise<void>;
}

export function createConnectionSessions(engine: SandboxEngine, policy: McpPolicy): ConnectionSessions {
  const connectionId = randomBytes(6).toString("base64url");
  const sessions = new Map<string, Session>();
  let counter = 0;
  let closed = false;
  // Creations run in turn, so two calls cannot both pass the count or both create one name.
  let creating: Promise<unknown> = Promise.resolve();

  const notFound = (name: string) =>
    new Isol8Error("NOT_FOUND", `no session "${name}" on this connection`, {
      hint: "Start one with session_create; sessions end when the connection closes.",
    });

  async function createNow(runtime: string, wanted: string | undefined) {
    if (closed) throw new Isol8Error("CANCELLED", "the MCP connection is closing");
    checkRuntime(policy, runtime);
    const existing = wanted === undefined ? undefined : sessions.get(wanted);
    if (wanted !== undefined && existing) {
      if (existing.runtime !== runtime) {
        throw new Isol8Error(
          "INVALID_INPUT",
          `session "${wanted}" runs ${existing.runtime}, not ${runtime}`,
          {
            hint: "Use another name, or stop this session first.",
          },
        );
      }
      return { name: wanted, runtime, created: false };
    }
    if (sessions.size >= policy.maxSessions) {
      throw new Isol8Error(
        "POLICY_DENIED",
        `this connection already has ${sessions.size} of ${policy.maxSessions} sessions`,
        {
          hint: "Stop a session with session_stop first.",
        },
      );
    }
    let name = wanted;
    while (name === undefined || sessions.has(name)) name = `s${++counter}`;
    const session = await engine.session(`mcp-${connectionId}-${name}`, { runtime });
    sessions.set(name, session);
    return { name, runtime: session.runtime, created: true };
  }

  return {
    connectionId,
    create(runtime, name) {
      const next = creating.catch(() => undefined).then(() => createNow(runtime, name));
      creating = next;
      return next;
    },
    get(name) {
      const session = sessions.get(name);
      if (!session) throw notFound(name);
      return session;
    },
    async stop(name) {
      const session = sessions.get(name);
      if (!session) throw notFound(name);
      sessions.delete(name);
      await session.stop();
    },
    async stopAll() {
      closed = true;
      await creating.catch(() => undefined);
      const all = [...sessions.values()];
      sessions.clear();
      await Promise.allSettled(all.map((session) => session.stop()));
    },
  };
}
