import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness, json } from "../testing/harness.js";

describe("operations and keys", () => {
  let h: Harness;
  afterEach(async () => {
    await h?.cleanup();
  });

  it("/readyz answers when the engine and the key store do, 503 otherwise", async () => {
    h = await createHarness();
    expect((await h.call("GET", "/readyz")).status).toBe(200);
    h.engine.available = false;
    const down = await h.call("GET", "/readyz");
    expect(down.status).toBe(503);
    expect(await json(down)).toMatchObject({ error: { message: "not ready: the engine does not answer" } });
    h.engine.available = true;
    await h.keyStore.close();
    expect(await json(await h.call("GET", "/readyz", { key: h.adminKey }))).toMatchObject({
      error: { message: "not ready: the key store does not answer" },
    });
  });

  it("/metrics serves Prometheus text: executions by runtime and outcome, durations, queue, rejections, pool", async () => {
    h = await createHarness();
    await h.call("POST", "/v1/executions", { body: { runtime: "python", code: "print ok" } });
    await h.call("POST", "/v1/executions", { body: { runtime: "python", code: "exit 2" } });
    await h.call("POST", "/v1/executions", { body: { runtime: "python", code: "", limits: { cpus: 99 } } });
    await h.call("POST", "/v1/executions", { key: undefined, body: {} });
    await h.call("POST", "/v1/executions", { body: { runtime: "cobol", code: "" } });
    await h
      .call("POST", "/v1/executions/stream", { body: { runtime: "cobol", code: "" } })
      .then((r) => r.text());
    const response = await h.call("GET", "/metrics");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain('isol8_executions_total{runtime="python",outcome="ok"} 1');
    expect(text).toContain('isol8_executions_total{runtime="python",outcome="error"} 1');
    expect(text).toContain('isol8_execution_duration_seconds_count{runtime="python"} 2');
    expect(text).toContain('isol8_rejections_total{reason="policy"} 1');
    expect(text).toContain('isol8_rejections_total{reason="unauthorized"} 1');
    // The engine's own refusals, answered as JSON or as a stream's error event, each counted once.
    expect(text).toContain('isol8_rejections_total{reason="invalid"} 2');
    expect(text).not.toContain('runtime="cobol"');
    expect(text).toContain('isol8_sandbox_pool_total{result="hit"} 2');
    expect(text).toContain("isol8_queue_depth 0");
  });

  it("/v1/runtimes lists what the tenant may use", async () => {
    h = await createHarness({ policy: { tenants: { globex: { runtimes: ["node"] } } } });
    const all = await json(await h.call("GET", "/v1/runtimes"));
    expect((all.runtimes as { name: string }[]).map((runtime) => runtime.name)).toEqual(["python", "node"]);
    const globex = await json(await h.call("GET", "/v1/runtimes", { key: h.keys.globex }));
    expect(globex).toEqual({
      runtimes: [{ name: "node", extensions: [".js"], versions: { node: "20.19.0" } }],
    });
  });

  it("the admin key creates a key (shown once), lists keys and revokes one", async () => {
    h = await createHarness();
    const admin = { key: h.adminKey };
    const created = await h.call("POST", "/v1/keys", {
      ...admin,
      body: { name: "new", tenant: "initech", expiresAt: "2099-01-01T00:00:00Z", quota: { maxSessions: 1 } },
    });
    expect(created.status).toBe(201);
    const { key, record } = (await json(created)) as { key: string; record: Record<string, unknown> };
    expect(record).toMatchObject({ name: "new", tenant: "initech", expiresAt: "2099-01-01T00:00:00.000Z" });
    expect((await h.call("GET", "/v1/sessions", { key })).status).toBe(200);

    const listed = await json(await h.call("GET", "/v1/keys?tenant=initech", admin));
    expect(listed).toEqual({ keys: [record] });
    expect(JSON.stringify(await json(await h.call("GET", "/v1/keys", admin)))).not.toContain(key);

    expect((await h.call("DELETE", `/v1/keys/${record.id}`, admin)).status).toBe(204);
    expect((await h.call("GET", "/v1/sessions", { key })).status).toBe(401);
    expect((await h.call("DELETE", "/v1/keys/key_nope", admin)).status).toBe(404);
  });

  it("refuses a key for a tenant name that could not name sessions", async () => {
    h = await createHarness();
    const response = await h.call("POST", "/v1/keys", {
      key: h.adminKey,
      body: { name: "x", tenant: "Bad.Name" },
    });
    expect(response.status).toBe(400);
    expect(await json(response)).toMatchObject({ error: { field: "tenant" } });
  });

  it("without an admin key configured, key routes refuse everyone", async () => {
    h = await createHarness({ adminKey: undefined });
    expect((await h.call("GET", "/v1/keys")).status).toBe(403);
  });
});
