import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../testing/harness.js";
import { openTestSocket, type TestSocket } from "../testing/socket-client.js";
import { waitFor } from "../testing/wait-for.js";

const start = (request: Record<string, unknown>) => ({ type: "start", request });
const python = { runtime: "python", code: "print hi" };

describe("WebSocket executions: refusals", () => {
  let h: Harness;
  let url: string;
  afterEach(async () => {
    await h?.cleanup();
  });

  async function setUp(options: Parameters<typeof createHarness>[0] = {}) {
    h = await createHarness(options);
    ({ url } = await h.server.listen());
  }
  const open = (path = "/v1/executions/ws", key = h.keys.acme): Promise<TestSocket> =>
    openTestSocket(url, path, { key });

  /** The one error frame a refused socket gets, and its close. */
  async function refusal(socket: TestSocket) {
    const closed = await socket.closed;
    expect(socket.frames).toHaveLength(1);
    return { frame: socket.frames[0], closed };
  }

  it("refuses a missing, unknown or revoked key with an UNAUTHORIZED frame and close 1008", async () => {
    await setUp();
    const revoked = await h.keyStore.create({ name: "old", tenant: "acme" });
    await h.keyStore.revoke(revoked.record.id);
    for (const key of [undefined, `isol8_${"A".repeat(43)}`, "not-a-key", revoked.key]) {
      const { frame, closed } = await refusal(await openTestSocket(url, "/v1/executions/ws", { key }));
      expect(frame).toMatchObject({ id: 1, type: "error", error: { code: "UNAUTHORIZED" } });
      expect(closed).toEqual({ code: 1008, reason: "UNAUTHORIZED" });
    }
    const sessionRoute = await openTestSocket(url, "/v1/sessions/any/executions/ws", { key: undefined });
    expect((await refusal(sessionRoute)).frame).toMatchObject({ error: { code: "UNAUTHORIZED" } });
    expect(h.engine.requests).toHaveLength(0);
    const metrics = await (await h.call("GET", "/metrics")).text();
    expect(metrics).toContain('isol8_rejections_total{reason="unauthorized"} 5');
  });

  it("answers another tenant's session, an unknown one and a malformed id alike: NOT_FOUND, close 1008", async () => {
    await setUp();
    await h.call("POST", "/v1/sessions", { body: { id: "mine", runtime: "python" } });
    for (const id of ["mine", "nope", "bad.id"]) {
      const socket = await open(`/v1/sessions/${id}/executions/ws`, h.keys.globex);
      socket.send(start({ code: "print stolen" }));
      const { frame, closed } = await refusal(socket);
      expect(frame).toMatchObject({
        type: "error",
        error: { code: "NOT_FOUND", message: "no such session" },
      });
      expect(closed.code).toBe(1008);
    }
    expect(h.engine.requests).toHaveLength(0);
  });

  it("refuses a request above a ceiling with POLICY_DENIED naming the field, before anything runs", async () => {
    await setUp({ policy: { tenantDefaults: { ceilings: { cpus: 2 } } } });
    const cases = [
      [{ limits: { cpus: 64 } }, "limits.cpus", "limits.cpus 64 is above this server's ceiling of 2"],
      [{ limits: { timeoutMs: 10_000_000 } }, "limits.timeoutMs", "above this server's ceiling of 300000"],
      [{ network: { mode: "filtered" } }, "network.mode", 'network mode "filtered" is not allowed'],
      [{ image: "evil:latest" }, "image", 'image "evil:latest" is not allowed'],
    ] as const;
    for (const [extra, field, message] of cases) {
      const socket = await open();
      socket.send(start({ ...python, ...extra }));
      const { frame, closed } = await refusal(socket);
      expect(frame).toMatchObject({ type: "error", error: { code: "POLICY_DENIED", field } });
      expect(frame?.type === "error" && frame.error.message).toContain(message);
      expect(closed.code).toBe(1008);
    }
    expect(h.engine.requests).toHaveLength(0);
  });

  it("refuses malformed frames with an error frame and close 1008", async () => {
    await setUp();
    const cases: Array<[(socket: TestSocket) => void, string]> = [
      [(socket) => socket.ws.send("{not json"), "a frame is not valid JSON"],
      [(socket) => socket.ws.send(Buffer.from("binary")), "binary frame is refused"],
      [(socket) => socket.send({ type: "launch" }), "frame type:"],
      [(socket) => socket.send({ type: "stdin", data: "aGk=" }), "a stdin frame before the start frame"],
      [(socket) => socket.send(start({ ...python, persist: true })), "Unrecognized key"],
      [(socket) => socket.send({ ...start(python), extra: 1 }), 'frame: Unrecognized key: "extra"'],
      [(socket) => socket.send(start({ ...python, limits: { timeoutMs: "soon" } })), "limits.timeoutMs:"],
    ];
    for (const [misbehave, message] of cases) {
      const socket = await open();
      misbehave(socket);
      const { frame, closed } = await refusal(socket);
      expect(frame).toMatchObject({ type: "error", error: { code: "INVALID_INPUT" } });
      expect(frame?.type === "error" && frame.error.message).toContain(message);
      expect(closed.code).toBe(1008);
    }
    expect(h.engine.requests).toHaveLength(0);
  });

  it("ends a run whose client sends a bad frame mid-run: error frame, 1008, engine call aborted", async () => {
    await setUp();
    const socket = await open();
    socket.send(start({ runtime: "python", code: "print up\nsleep 30000" }));
    await socket.next("stdout");
    socket.send({ type: "signal", signal: "SIGHUP" });
    const error = await socket.next("error");
    expect(error).toMatchObject({ error: { code: "INVALID_INPUT", field: "signal" } });
    expect((await socket.closed).code).toBe(1008);
    await waitFor(() => h.engine.aborted === 1, "the engine call to be aborted");
  });

  it("refuses a second start frame", async () => {
    await setUp();
    const socket = await open();
    socket.send(start({ runtime: "python", code: "sleep 30000" }));
    socket.send(start(python));
    expect(await socket.next("error")).toMatchObject({ error: { message: "a second start frame" } });
    expect((await socket.closed).code).toBe(1008);
    await waitFor(() => h.engine.active === 0, "the first run to end");
  });

  it("answers a full queue with BUSY and when to retry, then close 1008", async () => {
    await setUp({ policy: { maxConcurrentExecutions: 1, maxQueuedExecutions: 0 }, retryAfterSeconds: 7 });
    const running = await open();
    running.send(start({ runtime: "python", code: "sleep 30000" }));
    await waitFor(() => h.engine.active === 1, "the first run");
    const refused = await open();
    refused.send(start(python));
    const { frame, closed } = await refusal(refused);
    expect(frame).toMatchObject({ type: "error", error: { code: "BUSY", retryAfterSeconds: 7 } });
    expect(closed).toEqual({ code: 1008, reason: "BUSY" });
    running.ws.close();
    const metrics = await (await h.call("GET", "/metrics")).text();
    expect(metrics).toContain('isol8_rejections_total{reason="busy"} 1');
  });

  it("closes with 1009 on a frame over the size cap, and refuses stdin piling up before the program starts", async () => {
    await setUp({ maxBodyBytes: 2048, policy: { maxConcurrentExecutions: 1, maxQueuedExecutions: 4 } });
    const big = await open();
    big.send(start({ runtime: "python", code: `print ${"x".repeat(8192)}` }));
    expect((await big.closed).code).toBe(1009);

    const running = await open();
    running.send(start({ runtime: "python", code: "sleep 30000" }));
    await waitFor(() => h.engine.active === 1, "the first run");
    const queued = await open();
    queued.send(start({ runtime: "python", code: "echo-stdin" }));
    const chunk = Buffer.alloc(1500, 1).toString("base64");
    queued.send({ type: "stdin", data: chunk });
    queued.send({ type: "stdin", data: chunk });
    const { frame, closed } = await refusal(queued);
    expect(frame).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
    expect(closed.code).toBe(1009);
    expect(h.engine.requests).toHaveLength(1);
    running.ws.close();
  });
});
