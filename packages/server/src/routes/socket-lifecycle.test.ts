import { Isol8Error } from "@isol8/core";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../testing/harness.js";
import { openTestSocket, type TestSocket } from "../testing/socket-client.js";
import { waitFor } from "../testing/wait-for.js";

const start = (code: string) => ({ type: "start", request: { runtime: "python", code } });

describe("WebSocket executions: disconnects, timeouts, shutdown", () => {
  let h: Harness;
  let url: string;
  afterEach(async () => {
    await h?.cleanup();
  });

  async function setUp(options: Parameters<typeof createHarness>[0] = {}) {
    h = await createHarness(options);
    ({ url } = await h.server.listen());
  }
  const open = (client = {}): Promise<TestSocket> =>
    openTestSocket(url, "/v1/executions/ws", { key: h.keys.acme, client });
  const metrics = async () => (await h.call("GET", "/metrics")).text();

  it("aborts the engine call (removing the sandbox) when the client closes or vanishes mid-run", async () => {
    await setUp();
    const closing = await open();
    closing.send(start("print up\nsleep 30000"));
    await closing.next("stdout");
    closing.ws.close(1000);
    await waitFor(() => h.engine.aborted === 1, "the closed client's engine call to be aborted");

    const vanishing = await open();
    vanishing.send(start("print up\nsleep 30000"));
    await vanishing.next("stdout");
    vanishing.ws.terminate();
    await waitFor(() => h.engine.aborted === 2, "the vanished client's engine call to be aborted");
    await waitFor(() => h.engine.active === 0, "the runs to end");
    const text = await metrics();
    expect(text).toContain("isol8_executions_running 0");
    expect(text).toMatch(/isol8_executions_total\{runtime="python",outcome="cancelled"\} 2/);
  });

  it("drops a queued execution whose client went away: the engine never sees it", async () => {
    await setUp({ policy: { maxConcurrentExecutions: 1, maxQueuedExecutions: 4 } });
    const running = await open();
    running.send(start("sleep 30000"));
    await waitFor(() => h.engine.active === 1, "the first run");
    const queued = await open();
    queued.send(start("print queued"));
    let depth = "";
    for (let tries = 0; tries < 100 && !depth.includes("isol8_queue_depth 1"); tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      depth = await metrics();
    }
    expect(depth).toContain("isol8_queue_depth 1");
    queued.ws.close();
    await queued.closed;
    running.ws.close();
    await waitFor(() => h.engine.active === 0, "the first run to end");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(h.engine.requests).toHaveLength(1);
    expect(await metrics()).toContain("isol8_queue_depth 0");
  });

  it("closes a socket that sends no start frame in time", async () => {
    await setUp({ socketStartTimeoutMs: 50 });
    const idle = await open();
    expect(await idle.next("error")).toMatchObject({
      error: { code: "INVALID_INPUT", message: "no start frame within 50 ms" },
    });
    expect((await idle.closed).code).toBe(1008);
  });

  it("ends a run whose client stops answering pings", async () => {
    await setUp({ keepAliveMs: 30 });
    const deaf = await open({ autoPong: false });
    deaf.send(start("sleep 30000"));
    await waitFor(() => h.engine.active === 1, "the run");
    await waitFor(() => h.engine.aborted === 1, "the engine call to be aborted");
    expect((await deaf.closed).code).toBe(1006);
  });

  it("keeps a quiet run whose client answers pings", async () => {
    await setUp({ keepAliveMs: 20 });
    const socket = await open();
    socket.send(start("sleep 200\nprint done"));
    expect(await socket.next("result")).toMatchObject({ result: { exitCode: 0, stdout: "done\n" } });
    expect(h.engine.aborted).toBe(0);
  });

  it("outlives the HTTP request timeout: a long run over a socket is not cut off", async () => {
    h = await createHarness();
    ({ url } = await h.server.listen({ headersTimeoutMs: 100, requestTimeoutMs: 150 }));
    const socket = await open();
    socket.send(start("sleep 1200\nprint still here"));
    expect(await socket.next("result")).toMatchObject({ result: { stdout: "still here\n" } });
    expect((await socket.closed).code).toBe(1000);
  });

  it("closes with 1011 when the engine fails", async () => {
    await setUp();
    h.engine.executeStream = () => ({
      [Symbol.asyncIterator]: () => ({
        next: () => Promise.reject(new Isol8Error("SANDBOX_FAILED", "the sandbox died")),
      }),
    });
    const socket = await open();
    socket.send(start("print hi"));
    expect(await socket.next("error")).toMatchObject({
      error: { code: "SANDBOX_FAILED", message: "the sandbox died" },
    });
    expect(await socket.closed).toEqual({ code: 1011, reason: "SANDBOX_FAILED" });
    expect(await metrics()).toMatch(/isol8_executions_total\{runtime="python",outcome="failed"\} 1/);
  });

  it("at shutdown closes waiting sockets at once and cancels running ones at the deadline, with 1001", async () => {
    await setUp();
    const waiting = await open();
    const running = await open();
    running.send(start("print up\nsleep 30000"));
    await running.next("stdout");
    const began = Date.now();
    await h.server.close({ deadlineMs: 200 });
    expect(Date.now() - began).toBeLessThan(4000);
    expect(await waiting.closed).toEqual({ code: 1001, reason: "CANCELLED" });
    expect(await running.next("error")).toMatchObject({ error: { code: "CANCELLED" } });
    expect((await running.closed).code).toBe(1001);
    expect(h.engine.aborted).toBe(1);
  });
});
