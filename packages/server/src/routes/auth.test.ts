import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHarness, type Harness, json } from "../testing/harness.js";

describe("auth", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.cleanup();
  });

  const run = { runtime: "python", code: "print hi" };

  it("answers /healthz without a key", async () => {
    const response = await h.call("GET", "/healthz", { key: undefined });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("refuses every other route without a key (401, the error body)", async () => {
    for (const [method, path] of [
      ["POST", "/v1/executions"],
      ["GET", "/v1/sessions"],
      ["GET", "/readyz"],
      ["GET", "/metrics"],
      ["GET", "/v1/keys"],
    ] as const) {
      const response = await h.call(method, path, {
        key: undefined,
        body: method === "POST" ? run : undefined,
      });
      expect(response.status, `${method} ${path}`).toBe(401);
      expect(await json(response)).toMatchObject({ error: { code: "UNAUTHORIZED" } });
    }
    expect(h.engine.requests).toHaveLength(0);
  });

  it("refuses a wrong key, a malformed header and a key that is almost right", async () => {
    const almost = `${h.keys.acme.slice(0, -2)}xx`;
    for (const header of [`Bearer ${almost}`, "Bearer isol8_nope", `Basic ${h.keys.acme}`, h.keys.acme]) {
      const response = await h.call("POST", "/v1/executions", {
        key: undefined,
        headers: { Authorization: header },
        body: run,
      });
      expect(response.status, header).toBe(401);
    }
  });

  it("refuses a revoked key at once", async () => {
    expect((await h.call("POST", "/v1/executions", { body: run })).status).toBe(200);
    const [record] = await h.keyStore.list({ tenant: "acme" });
    await h.keyStore.revoke(record?.id ?? "");
    const response = await h.call("POST", "/v1/executions", { body: run });
    expect(response.status).toBe(401);
    expect(await json(response)).toMatchObject({ error: { message: expect.stringContaining("revoked") } });
  });

  it("refuses an expired key", async () => {
    const { key } = await h.keyStore.create({
      name: "short",
      tenant: "acme",
      expiresAt: new Date(h.clock.now + 1000),
    });
    expect((await h.call("POST", "/v1/executions", { key, body: run })).status).toBe(200);
    h.clock.now += 1000;
    expect((await h.call("POST", "/v1/executions", { key, body: run })).status).toBe(401);
  });

  it("lets only the admin key manage keys (403 for a tenant key)", async () => {
    const response = await h.call("GET", "/v1/keys");
    expect(response.status).toBe(403);
    expect(await json(response)).toMatchObject({ error: { code: "FORBIDDEN" } });
    expect((await h.call("GET", "/v1/keys", { key: h.adminKey })).status).toBe(200);
  });

  it("lets the admin key run code as the admin tenant", async () => {
    expect((await h.call("POST", "/v1/executions", { key: h.adminKey, body: run })).status).toBe(200);
  });

  it("refuses to start with an admin key that is not an isol8 key", async () => {
    const { createServer } = await import("../create-server.js");
    expect(() => createServer({ engine: h.engine, keyStore: h.keyStore, adminKey: "admin" })).toThrow(
      /admin key must be an isol8 key/,
    );
  });

  it("serves the OpenAPI document without a key", async () => {
    const response = await h.call("GET", "/openapi.json", { key: undefined });
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ openapi: "3.1.0" });
  });
});
