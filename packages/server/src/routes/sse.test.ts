import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../testing/harness.js";
import { parseSse } from "../testing/sse-client.js";

async function waitFor(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("POST /v1/executions/stream", () => {
  let h: Harness;
  afterEach(async () => {
    await h?.cleanup();
  });

  it("streams phase, stdout, stderr and one result, each with a rising id", async () => {
    h = await createHarness();
    const response = await h.call("POST", "/v1/executions/stream", {
      body: { runtime: "python", code: "print one\neprint two\nprint three" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(response.headers.get("cache-control")).toContain("no-cache");
    const items = parseSse(await response.text());
    const events = items.filter((item) => item.kind === "event");
    expect(events.map((event) => [event.id, event.event])).toEqual([
      ["1", "phase"],
      ["2", "phase"],
      ["3", "stdout"],
      ["4", "stderr"],
      ["5", "stdout"],
      ["6", "result"],
    ]);
    expect(events[2]).toMatchObject({ data: { data: "one\n" } });
    expect(events[0]).toMatchObject({ data: { phase: "sandbox" } });
    expect(events[5]).toMatchObject({ data: { exitCode: 0, stdout: "one\nthree\n", stderr: "two\n" } });
  });

  it("sends a keep-alive comment while the program is quiet", async () => {
    h = await createHarness({ keepAliveMs: 20 });
    const response = await h.call("POST", "/v1/executions/stream", {
      body: { runtime: "python", code: "print start\nsleep 150\nprint end" },
    });
    const items = parseSse(await response.text());
    const comments = items.filter((item) => item.kind === "comment");
    expect(comments.length).toBeGreaterThanOrEqual(3);
    expect(comments[0]).toEqual({ kind: "comment", text: "keep-alive" });
    const start = items.findIndex((item) => item.kind === "event" && item.event === "stdout");
    const end = items.findLastIndex((item) => item.kind === "event" && item.event === "stdout");
    expect(items.slice(start, end).some((item) => item.kind === "comment")).toBe(true);
  });

  it("ends with an error event when the engine fails after the stream started", async () => {
    h = await createHarness();
    const response = await h.call("POST", "/v1/executions/stream", { body: { runtime: "cobol", code: "" } });
    expect(response.status).toBe(200);
    const events = parseSse(await response.text()).filter((item) => item.kind === "event");
    expect(events.at(-1)).toMatchObject({ event: "error", data: { error: { code: "RUNTIME_UNKNOWN" } } });
  });

  it("refuses with a status, not a stream, when the request breaks the policy", async () => {
    h = await createHarness();
    const response = await h.call("POST", "/v1/executions/stream", {
      body: { runtime: "python", code: "", network: { mode: "host" } },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  });

  it("aborts the engine call when the client disconnects mid-stream, and frees the slot", async () => {
    h = await createHarness();
    const { url } = await h.server.listen();
    const controller = new AbortController();
    const response = await fetch(`${url}/v1/executions/stream`, {
      method: "POST",
      headers: { Authorization: `Bearer ${h.keys.acme}`, "Content-Type": "application/json" },
      body: JSON.stringify({ runtime: "python", code: "print started\nsleep 30000" }),
      signal: controller.signal,
    });
    const reader = response.body?.getReader();
    await reader?.read();
    await waitFor(() => h.engine.active === 1, "the run to start");
    controller.abort();
    await waitFor(() => h.engine.aborted === 1, "the engine call to be aborted");
    await waitFor(() => h.engine.active === 0, "the run to end");
    expect(h.server.metrics.registry.getSingleMetric("isol8_executions_running")).toBeDefined();
    const metrics = await h.server.metrics.registry.metrics();
    expect(metrics).toContain("isol8_executions_running 0");
  });
});

describe("POST /v1/executions: client disconnect", () => {
  let h: Harness;
  afterEach(async () => {
    await h?.cleanup();
  });

  it("aborts the engine call when the client goes away before the result", async () => {
    h = await createHarness();
    const { url } = await h.server.listen();
    const controller = new AbortController();
    const pending = fetch(`${url}/v1/executions`, {
      method: "POST",
      headers: { Authorization: `Bearer ${h.keys.acme}`, "Content-Type": "application/json" },
      body: JSON.stringify({ runtime: "python", code: "sleep 30000" }),
      signal: controller.signal,
    }).catch((error: unknown) => error);
    await waitFor(() => h.engine.active === 1, "the run to start");
    controller.abort();
    await pending;
    await waitFor(() => h.engine.aborted === 1, "the engine call to be aborted");
    expect(h.engine.active).toBe(0);
  });
});
