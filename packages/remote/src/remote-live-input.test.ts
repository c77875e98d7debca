import { once } from "node:events";
import { createServer as createHttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createProgramInput, type ExecutionEvent, type SandboxEngine } from "@isol8/core";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../server/src/testing/harness.js";
import { waitFor } from "../../server/src/testing/wait-for.js";
import { createRemoteEngine } from "./remote-engine.js";

// Live input through the remote engine, end to end: the real server on loopback, its WebSocket route, and the
// server's fake engine, whose `echo-stdin` program copies stdin to stdout and whose programs end on signals.
let h: Harness;
let url: string;
let remote: SandboxEngine;

async function setUp(options: Parameters<typeof createHarness>[0] = {}) {
  h = await createHarness(options);
  ({ url } = await h.server.listen());
  remote = createRemoteEngine({ url, apiKey: h.keys.acme });
}

afterEach(async () => {
  await remote?.close();
  await h?.cleanup();
});

/** Events of a stream, pulled one at a time so a test can answer what the program printed. */
function reader(events: AsyncIterable<ExecutionEvent>) {
  const iterator = events[Symbol.asyncIterator]();
  return async (type: ExecutionEvent["type"]): Promise<ExecutionEvent> => {
    for (;;) {
      const next = await iterator.next();
      if (next.done) throw new Error(`the stream ended before a ${type} event`);
      if (next.value.type === type) return next.value;
    }
  };
}

describe("remote engine: live input over the WebSocket route", () => {
  it("sends stdin to the running program and reads its answer before sending more", async () => {
    await setUp();
    const source = createProgramInput();
    const next = reader(
      remote.executeStream({ runtime: "python", code: "echo-stdin\nprint bye" }, { input: source.input }),
    );
    source.write("ping\n");
    expect(await next("stdout")).toEqual({ type: "stdout", data: "ping\n" });
    source.write(new TextEncoder().encode("pong\n"));
    expect(await next("stdout")).toEqual({ type: "stdout", data: "pong\n" });
    source.end();
    const result = await next("result");
    expect(result.type === "result" && result.result).toMatchObject({
      exitCode: 0,
      signal: undefined,
      stdout: "ping\npong\nbye\n",
    });
  });

  it("stops the program on SIGINT: exit code 130 and signal SIGINT, as a local engine reports", async () => {
    await setUp();
    const source = createProgramInput();
    const seen: string[] = [];
    const pending = remote.execute(
      { runtime: "python", code: "print ready\nsleep 30000\nprint never" },
      { input: source.input, onEvent: (event) => seen.push(event.type) },
    );
    await waitFor(() => seen.includes("stdout"), "the program to start");
    source.signal("SIGINT");
    const result = await pending;
    expect(result).toMatchObject({ exitCode: 130, signal: "SIGINT", stdout: "ready\n" });
    expect(seen.at(-1)).toBe("result");
  });

  it("ends stdin when the input iterable ends, and keeps request.stdin first", async () => {
    await setUp();
    async function* lines() {
      yield { type: "stdin", data: "b" } as const;
      yield { type: "stdin", data: "c" } as const;
    }
    const result = await remote.execute(
      { runtime: "python", code: "echo-stdin\nprint done", stdin: "a" },
      { input: lines() },
    );
    expect(result).toMatchObject({ exitCode: 0, stdout: "abcdone\n" });
  });

  it("runs with live input in a session, which keeps its files", async () => {
    await setUp();
    const session = await remote.session("live", { runtime: "python" });
    await session.writeFiles([{ path: "greeting.txt", content: new TextEncoder().encode("hello ") }]);
    const source = createProgramInput();
    const pending = session.execute({ code: "cat greeting.txt\necho-stdin" }, { input: source.input });
    source.write("world");
    source.end();
    expect(await pending).toMatchObject({ exitCode: 0, stdout: "hello world" });
    const other = createRemoteEngine({ url, apiKey: h.keys.globex });
    const foreign = await other.session("live", { runtime: "python" });
    await other.stopSession("live");
    await expect(
      foreign.execute({ code: "cat greeting.txt" }, { input: createProgramInput().input }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await other.close();
  });

  it("rejects with the server's refusal: its code, a message naming the server, nothing run", async () => {
    await setUp({ policy: { tenantDefaults: { ceilings: { cpus: 1 } } } });
    const input = () => createProgramInput().input;
    await expect(
      remote.execute({ runtime: "python", code: "", limits: { cpus: 8 } }, { input: input() }),
    ).rejects.toMatchObject({
      code: "POLICY_DENIED",
      message: `isol8 server ${url}: limits.cpus 8 is above this server's ceiling of 1`,
    });
    const stranger = createRemoteEngine({ url, apiKey: `isol8_${"B".repeat(43)}` });
    await expect(stranger.execute({ runtime: "python", code: "" }, { input: input() })).rejects.toMatchObject(
      {
        code: "UNAUTHORIZED",
        hint: expect.stringContaining("isol8 keys create"),
      },
    );
    expect(h.engine.requests).toHaveLength(0);
  });

  it("cancels: aborting or closing the engine rejects with CANCELLED and the server removes the sandbox", async () => {
    await setUp();
    const controller = new AbortController();
    const source = createProgramInput();
    const pending = remote.execute(
      { runtime: "python", code: "sleep 30000" },
      { input: source.input, signal: controller.signal },
    );
    await waitFor(() => h.engine.active === 1, "the run");
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: "CANCELLED" });
    await waitFor(() => h.engine.aborted === 1, "the server's abort");

    const next = reader(
      remote.executeStream(
        { runtime: "python", code: "print up\nsleep 30000" },
        { input: createProgramInput().input },
      ),
    );
    await next("stdout");
    await remote.close();
    await expect(next("result")).rejects.toMatchObject({ code: "CANCELLED" });
    await waitFor(() => h.engine.aborted === 2, "the server's abort after close()");
  });

  it("cancels the run when the caller stops reading the stream early", async () => {
    await setUp();
    const events = remote.executeStream(
      { runtime: "python", code: "print up\nsleep 30000" },
      { input: createProgramInput().input },
    );
    for await (const event of events) if (event.type === "stdout") break;
    await waitFor(() => h.engine.aborted === 1, "the server's abort");
  });

  it("says what to do when the server has no WebSocket route, or does not answer", async () => {
    const old = createHttpServer((_request, response) => response.writeHead(404).end());
    old.on("upgrade", (_request, socket) =>
      socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"),
    );
    old.listen(0, "127.0.0.1");
    await once(old, "listening");
    const oldUrl = `http://127.0.0.1:${(old.address() as AddressInfo).port}`;
    const engine = createRemoteEngine({ url: oldUrl, apiKey: "isol8_x" });
    await expect(
      engine.execute({ runtime: "python", code: "" }, { input: createProgramInput().input }),
    ).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: `isol8 server ${oldUrl}: the WebSocket upgrade was refused (HTTP 404)`,
      hint: expect.stringContaining("request.stdin"),
    });
    old.close();
    const nowhere = createRemoteEngine({ url: "http://127.0.0.1:1", apiKey: "isol8_x" });
    await expect(
      nowhere.execute({ runtime: "python", code: "" }, { input: createProgramInput().input }),
    ).rejects.toMatchObject({
      code: "ENGINE_UNAVAILABLE",
      message: expect.stringContaining("no isol8 server answers at http://127.0.0.1:1"),
    });
  });
});
