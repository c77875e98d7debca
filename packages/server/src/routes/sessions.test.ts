import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createServer } from "../create-server.js";
import { createHarness, type Harness, json } from "../testing/harness.js";
import { parseSse } from "../testing/sse-client.js";

const b64 = (text: string) => Buffer.from(text).toString("base64");

describe("sessions", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({ policy: { tenantDefaults: { maxSessions: 2 } } });
  });
  afterEach(async () => {
    await h.cleanup();
  });

  async function create(key = h.keys.acme): Promise<string> {
    const response = await h.call("POST", "/v1/sessions", { key, body: { runtime: "python" } });
    expect(response.status).toBe(201);
    return (await json(response)).id as string;
  }

  it("creates, lists, gets, runs in, writes and reads files of, and deletes a session", async () => {
    const id = await create();
    expect(id).toMatch(/^ses_[A-Za-z0-9_-]{16}$/);
    const list = await json(await h.call("GET", "/v1/sessions"));
    expect(list).toEqual({
      sessions: [{ id, runtime: "python", state: "running", createdAt: expect.any(String) }],
    });
    expect(await json(await h.call("GET", `/v1/sessions/${id}`))).toMatchObject({ id, runtime: "python" });

    const put = await h.call("PUT", `/v1/sessions/${id}/files`, {
      body: { files: [{ path: "in.txt", content: b64("input data") }] },
    });
    expect(put.status).toBe(204);
    const run = await h.call("POST", `/v1/sessions/${id}/executions`, {
      body: { code: "cat in.txt\nwrite out.txt result" },
    });
    expect(run.status).toBe(200);
    expect(await json(run)).toMatchObject({ exitCode: 0, stdout: "input data" });
    const files = await json(await h.call("GET", `/v1/sessions/${id}/files?path=out.txt&path=nope.txt`));
    expect(files).toEqual({
      files: [
        { path: "out.txt", content: b64("result") },
        { path: "nope.txt", error: "no such file" },
      ],
    });

    expect((await h.call("DELETE", `/v1/sessions/${id}`)).status).toBe(204);
    expect((await h.call("GET", `/v1/sessions/${id}`)).status).toBe(404);
    expect(await json(await h.call("GET", "/v1/sessions"))).toEqual({ sessions: [] });
    expect(await h.engine.listSessions()).toEqual([]);
  });

  it("streams an execution in a session", async () => {
    const id = await create();
    const response = await h.call("POST", `/v1/sessions/${id}/executions/stream`, {
      body: { code: "print hi" },
    });
    const events = parseSse(await response.text()).filter((item) => item.kind === "event");
    expect(events.map((event) => event.event)).toEqual(["phase", "phase", "stdout", "result"]);
  });

  it("names engine sessions per tenant and gives them the policy's limits and idle timeout", async () => {
    const id = await create();
    const [info] = await h.engine.listSessions();
    expect(info?.name).toBe(`srv.acme.${id}`);
    expect(h.engine.sessionOptions.get(`srv.acme.${id}`)).toEqual({
      runtime: "python",
      limits: {
        memoryBytes: 512 * 1024 * 1024,
        cpus: 1,
        pids: 128,
        sandboxBytes: 512 * 1024 * 1024,
        tmpBytes: 64 * 1024 * 1024,
      },
      idleTimeoutMs: 900_000,
    });
  });

  it("hides a tenant's sessions from another: every route answers 404, and nothing is touched", async () => {
    const id = await create(h.keys.acme);
    const other = { key: h.keys.globex };
    expect(await json(await h.call("GET", "/v1/sessions", other))).toEqual({ sessions: [] });
    const attempts: [string, string, unknown][] = [
      ["GET", `/v1/sessions/${id}`, undefined],
      ["POST", `/v1/sessions/${id}/executions`, { code: "print x" }],
      ["POST", `/v1/sessions/${id}/executions/stream`, { code: "print x" }],
      ["PUT", `/v1/sessions/${id}/files`, { files: [{ path: "a", content: b64("b") }] }],
      ["GET", `/v1/sessions/${id}/files?path=a`, undefined],
      ["DELETE", `/v1/sessions/${id}`, undefined],
    ];
    for (const [method, path, body] of attempts) {
      const response = await h.call(method, path, { ...other, body });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(await json(response)).toEqual({ error: { code: "NOT_FOUND", message: "no such session" } });
    }
    expect(h.engine.requests).toHaveLength(0);
    expect(await h.engine.listSessions()).toHaveLength(1);
    const files = await json(await h.call("GET", `/v1/sessions/${id}/files?path=a`));
    expect(files).toEqual({ files: [{ path: "a", error: "no such file" }] });
  });

  it("answers 404 alike for unknown, malformed and engine-side names", async () => {
    await h.engine.session("cli-session", { runtime: "python" });
    for (const id of [
      "ses_AAAAAAAAAAAAAAAA",
      "nope",
      "cli-session",
      "..%2Fx",
      "srv.acme.ses_AAAAAAAAAAAAAAAA",
    ]) {
      expect((await h.call("GET", `/v1/sessions/${id}`)).status, id).toBe(404);
    }
    expect(await json(await h.call("GET", "/v1/sessions"))).toEqual({ sessions: [] });
  });

  it("refuses a session past the tenant's maximum, counting each tenant apart", async () => {
    await create();
    await create();
    const third = await h.call("POST", "/v1/sessions", { body: { runtime: "python" } });
    expect(third.status).toBe(400);
    expect(await json(third)).toMatchObject({
      error: { code: "POLICY_DENIED", message: expect.stringContaining("2 of 2") },
    });
    await create(h.keys.globex);
  });

  it("refuses concurrent creations past the maximum (they are counted one at a time)", async () => {
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => h.call("POST", "/v1/sessions", { body: { runtime: "python" } })),
    );
    expect(responses.map((response) => response.status).sort()).toEqual([201, 201, 400, 400, 400]);
  });

  it("applies the ceilings to a session's limits and idle timeout", async () => {
    const cpus = await h.call("POST", "/v1/sessions", { body: { runtime: "python", limits: { cpus: 64 } } });
    expect(cpus.status).toBe(400);
    expect(await json(cpus)).toMatchObject({ error: { field: "limits.cpus" } });
    const idle = await h.call("POST", "/v1/sessions", {
      body: { runtime: "python", idleTimeoutMs: 86_400_000 },
    });
    expect(idle.status).toBe(400);
    expect(await json(idle)).toMatchObject({ error: { field: "idleTimeoutMs" } });
    const timeout = await h.call("POST", `/v1/sessions/${await create()}/executions`, {
      body: { code: "", limits: { timeoutMs: 86_400_000 } },
    });
    expect(timeout.status).toBe(400);
  });

  it("reattaches to a session this process did not open (a restarted server)", async () => {
    const id = await create();
    // The same engine behind a new server: the session is listed, but no handle is held for it.
    const restarted = createServer({ engine: h.engine, keyStore: h.keyStore, logError: () => undefined });
    const response = await restarted.app.request(`/v1/sessions/${id}/executions`, {
      method: "POST",
      headers: { Authorization: `Bearer ${h.keys.acme}`, "Content-Type": "application/json" },
      body: JSON.stringify({ code: "print again" }),
    });
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ stdout: "again\n" });
    await restarted.close();
    // Not its session to stop: the new server only let go of its handle.
    expect(h.engine.detached).toBe(1);
    expect((await h.engine.listSessions()).map((session) => session.name)).toEqual([`srv.acme.${id}`]);
  });

  it("takes an id of the client's choosing: created once (201), then returned as it is (200)", async () => {
    const first = await h.call("POST", "/v1/sessions", { body: { id: "notebook-1", runtime: "python" } });
    expect(first.status).toBe(201);
    expect(await json(first)).toMatchObject({ id: "notebook-1" });
    await h.call("PUT", "/v1/sessions/notebook-1/files", {
      body: { files: [{ path: "a", content: b64("kept") }] },
    });
    const again = await h.call("POST", "/v1/sessions", { body: { id: "notebook-1", runtime: "python" } });
    expect(again.status).toBe(200);
    const run = await h.call("POST", "/v1/sessions/notebook-1/executions", { body: { code: "cat a" } });
    expect(await json(run)).toMatchObject({ stdout: "kept" });
    const other = await h.call("POST", "/v1/sessions", { body: { id: "notebook-1", runtime: "node" } });
    expect(other.status).toBe(400);
    expect(await json(other)).toMatchObject({
      error: { code: "INVALID_INPUT", message: expect.stringContaining("runs python") },
    });
  });

  it("keeps the same chosen id apart per tenant", async () => {
    await h.call("POST", "/v1/sessions", { body: { id: "work", runtime: "python" } });
    const globex = await h.call("POST", "/v1/sessions", {
      key: h.keys.globex,
      body: { id: "work", runtime: "node" },
    });
    expect(globex.status).toBe(201);
    expect((await h.engine.listSessions()).map((session) => session.name).sort()).toEqual([
      "srv.acme.work",
      "srv.globex.work",
    ]);
  });

  it("refuses a chosen id that could not name an engine session", async () => {
    for (const id of ["a.b", "-x", "x".repeat(27)]) {
      const response = await h.call("POST", "/v1/sessions", { body: { id, runtime: "python" } });
      expect(response.status, id).toBe(400);
      expect(await json(response)).toMatchObject({ error: { field: "id" } });
    }
  });

  it("refuses a runtime that is not the session's", async () => {
    const id = await create();
    const response = await h.call("POST", `/v1/sessions/${id}/executions`, {
      body: { runtime: "node", code: "" },
    });
    expect(response.status).toBe(400);
  });
});
