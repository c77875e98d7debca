import { randomBytes } from "node:crypto";
import {
  Isol8Error,
  type SandboxEngine,
  type Session,
  type SessionInfo,
  type SessionOptions,
} from "@isol8/core";

/**
 * Public session ids: generated (`ses_` and 16 random base64url characters) or chosen by the client, so that a
 * client can come back to "its" session by name. No dots, so engine names split unambiguously, and short enough
 * that `srv.<tenant>.<id>` stays within the engine's 63 characters.
 */
export const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,25}$/;

/** Every engine session this server makes is named `srv.<tenant>.<id>`; tenants and ids contain no dot. */
const PREFIX = "srv";

export interface TenantSession {
  id: string;
  info: SessionInfo;
}

export interface OpenedSession extends TenantSession {
  /** False when a session of that id already ran and was returned as it is. */
  created: boolean;
}

/**
 * Maps a tenant's public session ids to engine sessions. The engine's list is the truth (sessions outlive a
 * server restart, and idle ones end on the engine's side); the server only keeps the handles it opened. An id
 * that is malformed, unknown, ended or another tenant's is NOT_FOUND, all alike, so ids cannot be probed.
 */
export interface SessionDirectory {
  /**
   * Starts a session, or with `id` returns the tenant's running session of that id (which must have the same
   * runtime) and starts one only when there is none.
   */
  create(tenant: string, options: SessionOptions, maxSessions: number, id?: string): Promise<OpenedSession>;
  list(tenant: string): Promise<TenantSession[]>;
  /** The live session for this tenant's id. */
  open(tenant: string, id: string): Promise<{ session: Session; info: SessionInfo }>;
  stop(tenant: string, id: string): Promise<void>;
  /**
   * Shutdown: stops every session this server process created, and lets go of the ones it only reattached to
   * (a previous process's), which live on until they idle out.
   */
  release(): Promise<void>;
}

export function createSessionDirectory(engine: SandboxEngine): SessionDirectory {
  const handles = new Map<string, Session>();
  const created = new Set<string>();
  // Creation counts the tenant's sessions first; one tenant's creations run in turn so two cannot both pass.
  const creating = new Map<string, Promise<unknown>>();

  const engineName = (tenant: string, id: string) => `${PREFIX}.${tenant}.${id}`;
  const notFound = () => new Isol8Error("NOT_FOUND", "no such session");

  async function ofTenant(tenant: string): Promise<TenantSession[]> {
    const prefix = `${PREFIX}.${tenant}.`;
    return (await engine.listSessions())
      .filter((info) => info.name.startsWith(prefix) && SESSION_ID.test(info.name.slice(prefix.length)))
      .map((info) => ({ id: info.name.slice(prefix.length), info }))
      .sort((a, b) => a.info.createdAt.getTime() - b.info.createdAt.getTime());
  }

  async function find(tenant: string, id: string): Promise<SessionInfo> {
    if (!SESSION_ID.test(id)) throw notFound();
    const name = engineName(tenant, id);
    const info = (await engine.listSessions()).find((candidate) => candidate.name === name);
    if (info?.state !== "running") {
      handles.delete(name);
      throw notFound();
    }
    return info;
  }

  async function createNow(
    tenant: string,
    options: SessionOptions,
    maxSessions: number,
    wanted: string | undefined,
  ): Promise<OpenedSession> {
    const running = (await ofTenant(tenant)).filter((session) => session.info.state === "running");
    const existing = running.find((session) => session.id === wanted);
    if (existing) {
      if (existing.info.runtime !== options.runtime) {
        throw new Isol8Error(
          "INVALID_INPUT",
          `session "${existing.id}" runs ${existing.info.runtime}, not ${options.runtime}`,
          { hint: "Use another session id, or delete this session first." },
        );
      }
      return { ...existing, created: false };
    }
    if (running.length >= maxSessions) {
      throw new Isol8Error(
        "POLICY_DENIED",
        `this tenant already has ${running.length} of ${maxSessions} sessions`,
        {
          hint: "Delete a session first.",
        },
      );
    }
    const id = wanted ?? `ses_${randomBytes(12).toString("base64url")}`;
    const name = engineName(tenant, id);
    const session = await engine.session(name, options);
    handles.set(name, session);
    created.add(name);
    const info = (await engine.listSessions()).find((candidate) => candidate.name === name);
    return {
      id,
      created: true,
      info: info ?? { name, id: name, runtime: session.runtime, state: "running", createdAt: new Date() },
    };
  }

  return {
    async create(tenant, options, maxSessions, id) {
      if (id !== undefined && !SESSION_ID.test(id)) {
        throw new Isol8Error("INVALID_INPUT", `session id "${id}" is not valid`, {
          hint: "1-26 letters, digits, '-' or '_', starting with a letter or digit.",
        });
      }
      const previous = creating.get(tenant) ?? Promise.resolve();
      const next = previous.catch(() => undefined).then(() => createNow(tenant, options, maxSessions, id));
      creating.set(tenant, next);
      try {
        return await next;
      } finally {
        if (creating.get(tenant) === next) creating.delete(tenant);
      }
    },
    list: ofTenant,
    async open(tenant, id) {
      const info = await find(tenant, id);
      const name = engineName(tenant, id);
      let session = handles.get(name);
      if (!session) {
        // Listed but not opened by this process (the server restarted): attach to it under its own runtime.
        session = await engine.session(name, { runtime: info.runtime });
        handles.set(name, session);
      }
      return { session, info };
    },
    async stop(tenant, id) {
      await find(tenant, id);
      const name = engineName(tenant, id);
      handles.delete(name);
      created.delete(name);
      if (!(await engine.stopSession(name))) throw notFound();
    },
    async release() {
      const names = [...created];
      for (const [name, session] of handles) if (!created.has(name)) session.detach();
      created.clear();
      handles.clear();
      await Promise.allSettled(names.map((name) => engine.stopSession(name)));
    },
  };
}
