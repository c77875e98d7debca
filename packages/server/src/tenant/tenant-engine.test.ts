import type { SandboxEngine } from "@isol8/core";
import { afterEach, describe, expect, it } from "vitest";
import type { McpMount } from "../routes/mcp.js";
import { createHarness, type Harness, json } from "../testing/harness.js";

/** A mount that answers every request and keeps the scope the server gave it, to reach the tenant engine. */
function capturingMount() {
  const scopes: { owner: string; engine: SandboxEngine }[] = [];
  let closed = 0;
  const mount: McpMount = {
    handle: async (_request, scope) => {
      scopes.push(scope);
      return new Response("ok");
    },
    close: async () => {
      closed += 1;
    },
  };
  return { mount, scopes, closed: () => closed };
}

describe("the MCP mount and the tenant engine", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  let captured = capturingMount();
  async function tenantEngine(key: "acme" | "globex", policy = {}) {
    if (!h) {
      captured = capturingMount();
      h = await createHarness({ mcp: captured.mount, policy });
    }
    const response = await h.call("POST", "/mcp", { key: h.keys[key], body: {} });
    expect(response.status).toBe(200);
    const scope = captured.scopes.at(-1);
    if (!scope) throw new Error("the mount was not called");
    return { ...scope, captured, h };
  }

  it("is behind the server's keys", async () => {
    const captured = capturingMount();
    h = await createHarness({ mcp: captured.mount });
    for (const method of ["GET", "POST", "DELETE"]) {
      const response = await h.call(method, "/mcp", { key: undefined });
      expect(response.status).toBe(401);
      expect(await json(response)).toMatchObject({ error: { code: "UNAUTHORIZED" } });
    }
    expect((await h.call("POST", "/mcp", { key: "isol8_wrong" })).status).toBe(401);
    expect(captured.scopes).toEqual([]);
  });

  it("answers 404 at /mcp when no mount is given", async () => {
    h = await createHarness();
    expect((await h.call("POST", "/mcp", { body: {} })).status).toBe(404);
  });

  it("names the caller's key as the owner", async () => {
    const { owner, h } = await tenantEngine("acme");
    const keys = await h.keyStore.list();
    expect(owner).toBe(keys.find((key) => key.tenant === "acme")?.id);
  });

  it("applies the tenant's defaults and ceilings to every run", async () => {
    const policy = { tenantDefaults: { defaults: { timeoutMs: 4000 }, ceilings: { timeoutMs: 10_000 } } };
    const { engine, h } = await tenantEngine("acme", policy);
    const result = await engine.execute({ runtime: "python", code: "print hi" });
    expect(result.stdout).toBe("hi\n");
    expect(h.engine.requests[0]?.limits.timeoutMs).toBe(4000);
    await expect(
      engine.execute({ runtime: "python", code: "", limits: { timeoutMs: 60_000 } }),
    ).rejects.toMatchObject({
      code: "POLICY_DENIED",
      message: "limits.timeoutMs 60000 is above this server's ceiling of 10000",
    });
    await expect(
      engine.execute({ runtime: "python", code: "", network: { mode: "host" } }),
    ).rejects.toMatchObject({
      code: "POLICY_DENIED",
    });
    await expect(engine.execute({ runtime: "python", code: "", persist: true })).rejects.toMatchObject({
      code: "POLICY_DENIED",
    });
    const events = [];
    for await (const event of engine.executeStream({ runtime: "python", code: "print streamed" }))
      events.push(event);
    expect(events.at(-1)).toMatchObject({ type: "result", result: { stdout: "streamed\n" } });
    expect(h.engine.requests[1]?.limits.timeoutMs).toBe(4000);
    // A reader that stops at the result (as the MCP tools do) still frees its slot.
    for await (const event of engine.executeStream({ runtime: "python", code: "print again" })) {
      if (event.type === "result") break;
    }
    const metrics = await (await h.call("GET", "/metrics")).text();
    expect(metrics).toMatch(/isol8_rejections_total\{reason="policy"\} 3/);
    expect(metrics).toMatch(/isol8_executions_running 0/);
  });

  it("lists and runs only the runtimes the tenant may use", async () => {
    const { engine } = await tenantEngine("acme", { tenantDefaults: { runtimes: ["node"] } });
    expect((await engine.listRuntimes()).map((runtime) => runtime.name)).toEqual(["node"]);
    await expect(engine.execute({ runtime: "python", code: "" })).rejects.toMatchObject({
      code: "POLICY_DENIED",
    });
  });

  it("makes sessions the tenant's own: named, counted, listed and stopped like REST sessions", async () => {
    const { engine, h } = await tenantEngine("acme", { tenantDefaults: { maxSessions: 1 } });
    const session = await engine.session("mcp-abc-s1", { runtime: "python" });
    await session.writeFiles([{ path: "a.txt", content: new TextEncoder().encode("A") }]);
    expect((await session.execute({ code: "cat a.txt" })).stdout).toBe("A");
    expect((await h.engine.listSessions()).map((info) => info.name)).toEqual(["srv.acme.mcp-abc-s1"]);
    expect(await json(await h.call("GET", "/v1/sessions"))).toMatchObject({
      sessions: [{ id: "mcp-abc-s1" }],
    });
    await expect(engine.session("mcp-abc-s2", { runtime: "python" })).rejects.toMatchObject({
      code: "POLICY_DENIED",
    });
    expect((await engine.listSessions()).map((info) => [info.name, info.id])).toEqual([
      ["mcp-abc-s1", "mcp-abc-s1"],
    ]);

    const other = (await tenantEngine("globex")).engine;
    expect(await other.listSessions()).toEqual([]);
    expect(await other.stopSession("mcp-abc-s1")).toBe(false);

    await session.stop();
    expect(await h.engine.listSessions()).toEqual([]);
    await expect(session.execute({ code: "print late" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await engine.stopSession("mcp-abc-s1")).toBe(false);
  });

  it("closes the mount when the server shuts down", async () => {
    const { captured, h } = await tenantEngine("acme");
    await h.server.close({ deadlineMs: 100 });
    expect(captured.closed()).toBe(1);
  });
});
