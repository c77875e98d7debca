import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness, json } from "../testing/harness.js";

async function waitFor(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function waitForAsync(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("load", () => {
  let h: Harness;
  afterEach(async () => {
    await h?.cleanup();
  });

  it("answers 429 with Retry-After only past the queue's bound; queued requests still run", async () => {
    h = await createHarness({
      retryAfterSeconds: 2,
      policy: { maxConcurrentExecutions: 2, maxQueuedExecutions: 3 },
    });
    const body = { runtime: "python", code: "sleep 200\nprint done" };
    const inFlight = Array.from({ length: 5 }, () => h.call("POST", "/v1/executions", { body }));
    await waitFor(() => h.engine.active === 2, "two runs");
    const refused = await h.call("POST", "/v1/executions", { body });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("2");
    expect(await json(refused)).toMatchObject({ error: { code: "BUSY" } });
    const statuses = await Promise.all(inFlight.map(async (response) => (await response).status));
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const metrics = await h.server.metrics.registry.metrics();
    expect(metrics).toContain('isol8_rejections_total{reason="busy"} 1');
    expect(metrics).toContain('isol8_executions_total{runtime="python",outcome="ok"} 5');
  });

  it("serves 200 requests at concurrency 8 over loopback: none lost, none left running, no 429 within the bound", async () => {
    h = await createHarness({
      policy: {
        maxConcurrentExecutions: 4,
        maxQueuedExecutions: 4,
        tenantDefaults: { maxConcurrentExecutions: 4, maxQueuedExecutions: 4 },
      },
    });
    const { url } = await h.server.listen();
    const statuses: number[] = [];
    let next = 0;
    const worker = async () => {
      while (next < 200) {
        const index = next++;
        const response = await fetch(`${url}/v1/executions`, {
          method: "POST",
          headers: { Authorization: `Bearer ${h.keys.acme}`, "Content-Type": "application/json" },
          body: JSON.stringify({ runtime: "python", code: `sleep 2\nprint ${index}` }),
        });
        const body = (await response.json()) as { stdout?: string };
        if (response.status === 200) expect(body.stdout).toBe(`${index}\n`);
        statuses.push(response.status);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(statuses).toHaveLength(200);
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(h.engine.active).toBe(0);
    const metrics = await h.server.metrics.registry.metrics();
    expect(metrics).toContain('isol8_executions_total{runtime="python",outcome="ok"} 200');
    expect(metrics).toContain("isol8_executions_running 0");
  });

  it("holds each tenant to its own share of the queue", async () => {
    h = await createHarness({
      policy: { tenantDefaults: { maxConcurrentExecutions: 1, maxQueuedExecutions: 1 } },
    });
    const body = { runtime: "python", code: "sleep 200" };
    const acme = [h.call("POST", "/v1/executions", { body }), h.call("POST", "/v1/executions", { body })];
    await waitFor(() => h.engine.active === 1, "acme's run");
    expect((await h.call("POST", "/v1/executions", { body })).status).toBe(429);
    const globex = await h.call("POST", "/v1/executions", { key: h.keys.globex, body });
    expect(globex.status).toBe(200);
    await Promise.all(acme);
  });

  it("drops a queued request whose client went away: the engine never sees it", async () => {
    h = await createHarness({ policy: { maxConcurrentExecutions: 1 } });
    const { url } = await h.server.listen();
    const post = (code: string, signal?: AbortSignal) =>
      fetch(`${url}/v1/executions`, {
        method: "POST",
        headers: { Authorization: `Bearer ${h.keys.acme}`, "Content-Type": "application/json" },
        body: JSON.stringify({ runtime: "python", code }),
        ...(signal ? { signal } : {}),
      });
    const running = post("sleep 300");
    await waitFor(() => h.engine.active === 1, "the first run");
    const controller = new AbortController();
    const queued = post("print never", controller.signal).catch((error: unknown) => error);
    const queueDepth = async () =>
      /isol8_queue_depth (\d+)/.exec(await h.server.metrics.registry.metrics())?.[1];
    await waitForAsync(async () => (await queueDepth()) === "1", "the second request to queue");
    controller.abort();
    await queued;
    // Dropped while the first still runs, not when a slot frees.
    await waitForAsync(async () => (await queueDepth()) === "0", "the queue to drop it");
    expect(h.engine.active).toBe(1);
    expect((await running).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(h.engine.requests.map((request) => request.code)).toEqual(["sleep 300"]);
  });

  it("applies a key's quota of concurrent executions", async () => {
    h = await createHarness({ policy: { tenantDefaults: { maxQueuedExecutions: 0 } } });
    const { key } = await h.keyStore.create({
      name: "one",
      tenant: "acme",
      quota: { maxConcurrentExecutions: 1 },
    });
    const body = { runtime: "python", code: "sleep 200" };
    const first = h.call("POST", "/v1/executions", { key, body });
    await waitFor(() => h.engine.active === 1, "the run");
    expect((await h.call("POST", "/v1/executions", { key, body })).status).toBe(429);
    expect((await h.call("POST", "/v1/executions", { body })).status).toBe(200);
    expect((await first).status).toBe(200);
  });
});
