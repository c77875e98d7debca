import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineEngineConformance } from "@isol8/conformance";
import type { SandboxEngine } from "@isol8/core";
import { createRemoteEngine } from "@isol8/remote";
import { createServer, createSqliteKeyStore } from "@isol8/server";
import { isol8Containers } from "./helpers/containers.js";
import { buildTestEngine } from "./helpers/engine.js";

/**
 * The remote engine passes the same suite as the Docker engine, through a real `isol8 serve` stack on loopback: the
 * HTTP server, a SQLite key store, a tenant key, and the Docker engine behind it. Live stdin and signals go over the
 * WebSocket route, the rest over JSON and Server-Sent Events.
 */
defineEngineConformance({
  name: "remote (HTTP server over Docker)",
  leftovers: async () => isol8Containers(),
  createEngine: async (): Promise<SandboxEngine> => {
    const dir = mkdtempSync(join(tmpdir(), "isol8-server-conformance-"));
    const docker = buildTestEngine();
    const keyStore = createSqliteKeyStore({ path: join(dir, "keys.sqlite") });
    const server = createServer({
      engine: docker,
      keyStore,
      policy: {},
    });
    const { url } = await server.listen({ port: 0 });
    const { key } = await keyStore.create({ name: "conformance", tenant: "conformance" });
    const remote = createRemoteEngine({ url, apiKey: key });
    return {
      ...remote,
      async close() {
        await remote.close();
        await server.close({ deadlineMs: 10_000 });
        await docker.close();
        await keyStore.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});
