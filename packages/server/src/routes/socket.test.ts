import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness, json } from "../testing/harness.js";
import { openTestSocket, type TestSocket } from "../testing/socket-client.js";

const b64 = (text: string) => Buffer.from(text).toString("base64");
const stdin = (text: string) => ({ type: "stdin", data: b64(text) });

describe("WebSocket executions: live input", () => {
  let h: Harness;
  let url: string;
  afterEach(async () => {
    await h?.cleanup();
  });

  const open = (path = "/v1/executions/ws"): Promise<TestSocket> =>
    openTestSocket(url, path, { key: h.keys.acme });

  async function setUp(options: Parameters<typeof createHarness>[0] = {}) {
    h = await createHarness(options);
    ({ url } = await h.server.listen());
  }

  it("delivers stdin to the running program and its output back as it happens, in numbered frames", async () => {
    await setUp();
    const socket = await open();
    socket.send({ type: "start", request: { runtime: "python", code: "echo-stdin\nprint after" } });
    socket.send(stdin("first\n"));
    expect(await socket.next("stdout")).toMatchObject({ type: "stdout", data: "first\n" });
    // The program is still running, waiting for more: the second line arrives only once it was sent.
    socket.send(stdin("second\n"));
    expect(await socket.next("stdout")).toMatchObject({ data: "second\n" });
    socket.send({ type: "stdin-end" });
    const result = await socket.next("result");
    expect(result).toMatchObject({
      type: "result",
      result: { exitCode: 0, stdout: "first\nsecond\nafter\n", stderr: "" },
    });
    expect(result.type === "result" && "signal" in result.result).toBe(false);
    expect(await socket.closed).toEqual({ code: 1000, reason: "" });
    expect(socket.frames.map((frame) => [frame.id, frame.type])).toEqual([
      [1, "phase"],
      [2, "phase"],
      [3, "stdout"],
      [4, "stdout"],
      [5, "stdout"],
      [6, "result"],
    ]);
    expect(socket.frames[0]).toEqual({ id: 1, type: "phase", phase: "sandbox" });
  });

  it("stops the program on SIGINT: exit code 130 and signal SIGINT", async () => {
    await setUp();
    const socket = await open();
    socket.send({ type: "start", request: { runtime: "python", code: "echo-stdin\nprint never" } });
    socket.send(stdin("partial"));
    await socket.next("stdout");
    socket.send({ type: "signal", signal: "SIGINT" });
    expect(await socket.next("result")).toMatchObject({
      result: { exitCode: 130, signal: "SIGINT", stdout: "partial" },
    });
    expect((await socket.closed).code).toBe(1000);
  });

  it("ends a sleeping program on SIGTERM (143) and SIGKILL (137)", async () => {
    await setUp();
    for (const [signal, exitCode] of [
      ["SIGTERM", 143],
      ["SIGKILL", 137],
    ] as const) {
      const socket = await open();
      socket.send({ type: "start", request: { runtime: "python", code: "print up\nsleep 30000" } });
      await socket.next("stdout");
      socket.send({ type: "signal", signal });
      expect(await socket.next("result")).toMatchObject({ result: { exitCode, signal } });
    }
  });

  it("stdin-end closes the program's stdin: it reads end-of-file and goes on", async () => {
    await setUp();
    const socket = await open();
    socket.send({
      type: "start",
      request: { runtime: "python", code: "echo-stdin\nprint eof seen", stdin: "given\n" },
    });
    socket.send({ type: "stdin-end" });
    expect(await socket.next("result")).toMatchObject({
      result: { exitCode: 0, stdout: "given\neof seen\n" },
    });
  });

  it("keeps input sent before the program started, in order", async () => {
    await setUp();
    const socket = await open();
    socket.send({ type: "start", request: { runtime: "python", code: "echo-stdin" } });
    for (const part of ["a", "b", "c"]) socket.send(stdin(part));
    socket.send({ type: "stdin-end" });
    expect(await socket.next("result")).toMatchObject({ result: { stdout: "abc" } });
  });

  it("runs in the tenant's own session over its socket route, with the session's files", async () => {
    await setUp();
    const created = await h.call("POST", "/v1/sessions", { body: { id: "work", runtime: "python" } });
    expect(created.status).toBe(201);
    await h.call("PUT", "/v1/sessions/work/files", {
      body: { files: [{ path: "notes.txt", content: b64("kept\n") }] },
    });
    const socket = await open("/v1/sessions/work/executions/ws");
    socket.send({ type: "start", request: { code: "cat notes.txt\necho-stdin" } });
    expect(await socket.next("stdout")).toMatchObject({ data: "kept\n" });
    socket.send(stdin("live\n"));
    expect(await socket.next("stdout")).toMatchObject({ data: "live\n" });
    socket.send({ type: "signal", signal: "SIGINT" });
    expect(await socket.next("result")).toMatchObject({
      result: { exitCode: 130, signal: "SIGINT", stdout: "kept\nlive\n" },
    });
    expect((await socket.closed).code).toBe(1000);
    expect(h.engine.requests.at(-1)).toMatchObject({ runtime: "python" });
  });

  it("counts its executions in the metrics as the HTTP routes do", async () => {
    await setUp();
    const socket = await open();
    socket.send({ type: "start", request: { runtime: "python", code: "exit 3" } });
    await socket.closed;
    const metrics = await (await h.call("GET", "/metrics")).text();
    expect(metrics).toMatch(/isol8_executions_total\{runtime="python",outcome="error"\} 1/);
    expect(metrics).toContain("isol8_executions_running 0");
  });

  it("answers a plain GET (no upgrade) with 400 saying what the route wants", async () => {
    await setUp();
    const response = await h.call("GET", "/v1/executions/ws");
    expect(response.status).toBe(400);
    expect(await json(response)).toMatchObject({
      error: { code: "INVALID_INPUT", message: "this route takes a WebSocket upgrade" },
    });
    expect(h.engine.requests).toHaveLength(0);
  });
});
