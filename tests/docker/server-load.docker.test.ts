import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, createSqliteKeyStore, type Isol8Server } from "@isol8/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isol8Containers } from "./helpers/containers.js";
import { buildTestEngine } from "./helpers/engine.js";

/** Load through a real server over Docker, on loopback only: bounded, nothing lost, nothing leaked. */
describe("the server under load", () => {
  let dir: string;
  let server: Isol8Server;
  let url: string;
  let key: string;
  const engine = buildTestEngine({ pool: { size: 4 } });
  const keyStore = () => createSqliteKeyStore({ path: join(dir, "keys.sqlite") });
  let store: ReturnType<typeof keyStore>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "isol8-server-load-"));
    store = keyStore();
    server = createServer({
      engine,
      keyStore: store,
      policy: {
        maxConcurrentExecutions: 4,
        maxQueuedExecutions: 8,
        tenantDefaults: { maxConcurrentExecutions: 4 },
      },
    });
    url = (await server.listen({ port: 0 })).url;
    key = (await store.create({ name: "load", tenant: "load" })).key;
  });

  afterAll(async () => {
    // Closed by the last case already, unless an earlier one failed.
    await server?.close({ deadlineMs: 10_000 }).catch(() => undefined);
    await engine.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (index: number) =>
    fetch(`${url}/v1/executions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ runtime: "python", code: `print(${index})` }),
    });

  it("serves 200 requests at concurrency 8: every one answered with its own output, none lost or leaked", async () => {
    const answers: { index: number; status: number; stdout?: string }[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < 200) {
          const index = next++;
          const response = await post(index);
          const body = (await response.json()) as { stdout?: string };
          answers.push({ index, status: response.status, stdout: body.stdout });
        }
      }),
    );
    expect(answers).toHaveLength(200);
    // 8 at a time fit in 4 running and 8 queued: no request is turned away, and each got its own output.
    expect(answers.filter((answer) => answer.status !== 200)).toEqual([]);
    for (const answer of answers) expect(answer.stdout).toBe(`${answer.index}\n`);
    const metrics = await (
      await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${key}` } })
    ).text();
    expect(metrics).toMatch(/isol8_sandbox_pool_total\{result="hit"\} \d+/);
  }, 300_000);

  it("answers 429 with Retry-After only past the queue's bound", async () => {
    const burst = await Promise.all(Array.from({ length: 20 }, (_, index) => post(index)));
    const statuses = burst.map((response) => response.status);
    // 4 run and 8 wait; the other 8 of 20 are refused at once.
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(12);
    const refused = burst.filter((response) => response.status === 429);
    expect(refused.length).toBeLessThanOrEqual(8);
    for (const response of refused) expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
    for (const response of burst) await response.body?.cancel();
  }, 300_000);

  it("leaves no sandbox behind once the server and its engine are closed", async () => {
    await server.close({ deadlineMs: 10_000 });
    await engine.close();
    expect(isol8Containers()).toEqual([]);
  }, 120_000);
});
