import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateApiKey } from "../auth/api-key.js";
import { type CreateServerOptions, createServer, type Isol8Server } from "../create-server.js";
import type { KeyStore } from "../keys/key-store.js";
import { createSqliteKeyStore } from "../keys/sqlite-key-store.js";
import type { ServerPolicyInput } from "../policy/policy-schema.js";
import { createFakeEngine, type FakeEngine } from "./fake-engine.js";

export interface Harness {
  server: Isol8Server;
  engine: FakeEngine;
  keyStore: KeyStore;
  clock: { now: number };
  adminKey: string;
  /** Keys of two tenants, for isolation tests. */
  keys: { acme: string; globex: string };
  /** A request to the app in-process (no socket): `body` is sent as JSON unless it is a string. */
  call(method: string, path: string, options?: CallOptions): Promise<Response>;
  cleanup(): Promise<void>;
}

export interface CallOptions {
  key?: string | undefined;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export type HarnessOptions = Omit<CreateServerOptions, "engine" | "keyStore" | "policy"> & {
  policy?: ServerPolicyInput;
};

/** A server over the fake engine and a SQLite store in a temporary directory, with keys for two tenants. */
export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), "isol8-server-"));
  const clock = { now: Date.now() };
  const keyStore = createSqliteKeyStore({ path: join(dir, "keys.db"), now: () => clock.now });
  const engine = createFakeEngine();
  const adminKey = generateApiKey();
  const server = createServer({ engine, keyStore, adminKey, logError: () => undefined, ...options });
  const acme = (await keyStore.create({ name: "acme-ci", tenant: "acme" })).key;
  const globex = (await keyStore.create({ name: "globex-ci", tenant: "globex" })).key;
  return {
    server,
    engine,
    keyStore,
    clock,
    adminKey,
    keys: { acme, globex },
    call(method, path, callOptions = {}) {
      const headers: Record<string, string> = { ...callOptions.headers };
      const key = "key" in callOptions ? callOptions.key : acme;
      if (key !== undefined) headers.Authorization = `Bearer ${key}`;
      let body: string | undefined;
      if (callOptions.body !== undefined) {
        body = typeof callOptions.body === "string" ? callOptions.body : JSON.stringify(callOptions.body);
        headers["Content-Type"] ??= "application/json";
      }
      const init: RequestInit = { method, headers };
      if (body !== undefined) init.body = body;
      if (callOptions.signal) init.signal = callOptions.signal;
      return Promise.resolve(server.app.request(path, init));
    },
    async cleanup() {
      await server.close({ deadlineMs: 1000 });
      await engine.close();
      await keyStore.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The JSON of a response, typed loosely for assertions. */
export async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}
