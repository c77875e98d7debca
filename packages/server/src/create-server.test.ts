import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness, json } from "./testing/harness.js";

describe("createServer: listen and close", () => {
  let h: Harness;
  afterEach(async () => {
    await h?.cleanup();
  });

  it("listens on loopback at a free port by default", async () => {
    h = await createHarness();
    const { url, hostname } = await h.server.listen();
    expect(hostname).toBe("127.0.0.1");
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: "ok" });
  });

  it("cuts off a client that sends its headers too slowly (slowloris)", async () => {
    h = await createHarness();
    const { port } = await h.server.listen({ headersTimeoutMs: 200 });
    const socket = connect(port, "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    const started = Date.now();
    socket.write("POST /v1/executions HTTP/1.1\r\nHost: x\r\n");
    const drip = setInterval(() => socket.write("X-Slow: 1\r\n"), 50);
    const answer = await new Promise<string>((resolve) => {
      let text = "";
      socket.on("data", (chunk) => {
        text += chunk.toString();
      });
      socket.once("close", () => resolve(text));
    });
    clearInterval(drip);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("close() lets a running execution finish before the deadline", async () => {
    h = await createHarness();
    const { url } = await h.server.listen();
    const pending = fetch(`${url}/v1/executions`, {
      method: "POST",
      headers: { Authorization: `Bearer ${h.keys.acme}`, "Content-Type": "application/json" },
      body: JSON.stringify({ runtime: "python", code: "sleep 100\nprint finished" }),
    });
    while (h.engine.active === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await h.server.close({ deadlineMs: 5000 });
    const response = await pending;
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ stdout: "finished\n" });
    expect(h.engine.aborted).toBe(0);
  });

  it("close() cancels what is still running at the deadline and stops the sessions it created", async () => {
    h = await createHarness();
    const { url } = await h.server.listen();
    const created = await h.call("POST", "/v1/sessions", { body: { runtime: "python" } });
    expect(created.status).toBe(201);
    await h.engine.session("not-ours", { runtime: "python" });
    const pending = fetch(`${url}/v1/executions`, {
      method: "POST",
      headers: { Authorization: `Bearer ${h.keys.acme}`, "Content-Type": "application/json" },
      body: JSON.stringify({ runtime: "python", code: "sleep 30000" }),
    });
    while (h.engine.active === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await h.server.close({ deadlineMs: 100 });
    const response = await pending.catch((error: unknown) => error);
    if (response instanceof Response) expect(response.status).toBe(503);
    expect(h.engine.aborted).toBe(1);
    expect((await h.engine.listSessions()).map((session) => session.name)).toEqual(["not-ours"]);
  });
});
