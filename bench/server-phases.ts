import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SandboxEngine } from "@isol8/core";
import { createRemoteEngine } from "@isol8/remote";
import { createServer, createSqliteKeyStore } from "@isol8/server";
import { buildTestEngine } from "../tests/docker/helpers/engine.js";
import { pause, round, type Summary, summarize, timed } from "./stats.js";

export interface ServerResult {
  /** Warm executions in-process, on the server's own engine and pool. */
  library: Summary;
  /** The same executions through the HTTP server on loopback (remote engine → server → that engine). */
  http: Summary;
  /** Median HTTP minus median in-process: what the HTTP layer adds to a warm execution. */
  overheadMs: number;
  libraryPerSecond: number;
  httpPerSecond: number;
  /** HTTP throughput over in-process throughput, same pool, same concurrency. */
  throughputRatio: number;
}

async function printOne(engine: SandboxEngine): Promise<void> {
  const result = await engine.execute({ runtime: "python", code: "print(1)" });
  if (result.exitCode !== 0 || result.stdout !== "1\n")
    throw new Error(`python: ${result.stdout} ${result.stderr}`);
}

async function throughput(engine: SandboxEngine, runs: number, concurrency: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < runs) {
        next++;
        await printOne(engine);
      }
    }),
  );
  return runs / ((performance.now() - started) / 1000);
}

/**
 * One Docker engine with a warm pool behind a real server (SQLite keys, a tenant key, loopback): in-process and HTTP
 * executions alternate on that same engine, so the difference is the HTTP layer and nothing else.
 */
export async function serverPhase(
  iterations: number,
  pauseMs: number,
  poolSize: number,
  throughputRuns: number,
  concurrency: number,
): Promise<ServerResult> {
  const dir = mkdtempSync(join(tmpdir(), "isol8-bench-server-"));
  const engine = buildTestEngine({ pool: { size: Math.max(poolSize, concurrency) } });
  const keyStore = createSqliteKeyStore({ path: join(dir, "keys.sqlite") });
  const server = createServer({
    engine,
    keyStore,
    policy: {
      maxConcurrentExecutions: concurrency * 2,
      tenantDefaults: { maxConcurrentExecutions: concurrency * 2 },
    },
  });
  const { url } = await server.listen({ port: 0 });
  const { key } = await keyStore.create({ name: "bench", tenant: "bench" });
  const remote = createRemoteEngine({ url, apiKey: key });
  const library: number[] = [];
  const http: number[] = [];
  try {
    await engine.prewarm({ runtime: "python" });
    for (let i = 0; i < 3; i++) {
      await printOne(engine);
      await printOne(remote);
    }
    for (let i = 0; i < iterations; i++) {
      await pause(pauseMs);
      library.push((await timed(() => printOne(engine))).ms);
      await pause(pauseMs);
      http.push((await timed(() => printOne(remote))).ms);
    }
    await pause(pauseMs * 4);
    const libraryPerSecond = await throughput(engine, throughputRuns, concurrency);
    await pause(pauseMs * 4);
    const httpPerSecond = await throughput(remote, throughputRuns, concurrency);
    const librarySummary = summarize(library);
    const httpSummary = summarize(http);
    return {
      library: librarySummary,
      http: httpSummary,
      overheadMs: round(httpSummary.median - librarySummary.median, 1),
      libraryPerSecond: round(libraryPerSecond, 1),
      httpPerSecond: round(httpPerSecond, 1),
      throughputRatio: round(httpPerSecond / libraryPerSecond, 2),
    };
  } finally {
    await remote.close();
    await server.close({ deadlineMs: 10_000 });
    await engine.close();
    await keyStore.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
