import { createProgramInput, type ExecutionEvent, type SandboxEngine } from "@isol8/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../server/src/testing/harness.js";
import { createRemoteEngine } from "./remote-engine.js";

// The remote engine against a real server on loopback, backed by the server's fake in-memory engine.
let h: Harness;
let url: string;
let remote: SandboxEngine;

async function setUp(options: Parameters<typeof createHarness>[0] = {}) {
  h = await createHarness(options);
  ({ url } = await h.server.listen());
  remote = createRemoteEngine({ url, apiKey: h.keys.acme });
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const enc = (text: string) => new TextEncoder().encode(text);
const dec = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

afterEach(async () => {
  await remote?.close();
  await h?.cleanup();
});

describe("remote engine: executions", () => {
  beforeEach(async () => {
    await setUp();
  });

  it("answers what the engine behind the server answers (files in and out included)", async () => {
    const request = {
      runtime: "python",
      code: "cat in.txt\nwrite out.txt made\neprint e\nexit 4",
      files: [{ path: "in.txt", content: enc("data\n") }],
      download: ["out.txt", "gone.txt"],
    };
    const result = await remote.execute(request);
    const local = await h.engine.execute(request);
    const strip = ({ durations: _, ...rest }: typeof result) => rest;
    expect(strip(result)).toEqual(strip(local));
    expect(result).toMatchObject({ exitCode: 4, stdout: "data\n", stderr: "e\n", signal: undefined });
    expect(dec(result.files[0]?.content)).toBe("made");
    expect(result.files[1]).toEqual({ path: "gone.txt", error: "no such file" });
  });

  it("streams events in order and ends with the result", async () => {
    const events: ExecutionEvent[] = [];
    for await (const event of remote.executeStream({ runtime: "python", code: "print a\neprint b" })) {
      events.push(event);
    }
    expect(events.map((event) => event.type)).toEqual(["phase", "phase", "stdout", "stderr", "result"]);
    expect(events[2]).toEqual({ type: "stdout", data: "a\n" });
  });

  it("hands events to onEvent when execute is given one", async () => {
    const seen: string[] = [];
    const result = await remote.execute(
      { runtime: "python", code: "print x" },
      { onEvent: (event) => seen.push(event.type) },
    );
    expect(result.stdout).toBe("x\n");
    expect(seen).toEqual(["phase", "phase", "stdout", "result"]);
  });

  it("rejects with the server's error code and a message naming the server", async () => {
    await expect(remote.execute({ runtime: "python", code: "", limits: { cpus: 64 } })).rejects.toMatchObject(
      {
        code: "POLICY_DENIED",
        message: expect.stringContaining(`isol8 server ${url}: limits.cpus 64 is above`),
      },
    );
    const stream = remote.executeStream({ runtime: "cobol", code: "" });
    await expect(async () => {
      for await (const _ of stream) {
        // drain
      }
    }).rejects.toMatchObject({ code: "RUNTIME_UNKNOWN" });
  });

  it("cancels: aborting rejects with CANCELLED and the server aborts its engine call", async () => {
    const controller = new AbortController();
    const pending = remote.execute({ runtime: "python", code: "sleep 30000" }, { signal: controller.signal });
    await waitFor(() => h.engine.active === 1, "the run");
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: "CANCELLED" });
    await waitFor(() => h.engine.aborted === 1, "the server's abort");

    const streamed = new AbortController();
    const events = remote.executeStream(
      { runtime: "python", code: "print go\nsleep 30000" },
      { signal: streamed.signal },
    );
    const iterator = events[Symbol.asyncIterator]();
    while ((await iterator.next()).value?.type !== "stdout") {
      // until the program printed
    }
    streamed.abort();
    await expect(iterator.next()).rejects.toMatchObject({ code: "CANCELLED" });
    await waitFor(() => h.engine.aborted === 2, "the server's abort of the stream");
  });

  it("close() cancels what still runs", async () => {
    const pending = remote.execute({ runtime: "python", code: "sleep 30000" });
    await waitFor(() => h.engine.active === 1, "the run");
    await remote.close();
    await expect(pending).rejects.toMatchObject({ code: "CANCELLED" });
    await waitFor(() => h.engine.aborted === 1, "the server's abort");
  });

  it("refuses, before sending, what a server never does: persist, a foreign image", async () => {
    await expect(remote.execute({ runtime: "python", code: "", persist: true })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    await expect(
      remote.execute({ runtime: "python", code: "", allowForeignImage: true }),
    ).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    const input = createProgramInput();
    await expect(
      remote.execute({ runtime: "python", code: "", persist: true }, { input: input.input }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT" });
    expect(h.engine.requests).toHaveLength(0);
  });

  it("lists runtimes and pings", async () => {
    expect((await remote.listRuntimes()).map((runtime) => runtime.name)).toEqual(["python", "node"]);
    await expect(remote.ping()).resolves.toBeUndefined();
    h.engine.available = false;
    await expect(remote.ping()).rejects.toMatchObject({ code: "ENGINE_UNAVAILABLE" });
  });
});

describe("remote engine: failures on the way", () => {
  it("says which server does not answer, and what to do", async () => {
    const nowhere = createRemoteEngine({ url: "http://127.0.0.1:1", apiKey: "isol8_x" });
    const failure = nowhere.execute({ runtime: "python", code: "" });
    await expect(failure).rejects.toMatchObject({
      code: "ENGINE_UNAVAILABLE",
      message: expect.stringContaining("no isol8 server answers at http://127.0.0.1:1"),
      hint: expect.stringContaining("--host"),
    });
  });

  it("maps a refused key to UNAUTHORIZED and a full queue to BUSY", async () => {
    await setUp({ policy: { maxConcurrentExecutions: 1, maxQueuedExecutions: 0 } });
    const wrong = createRemoteEngine({ url, apiKey: `isol8_${"A".repeat(43)}` });
    await expect(wrong.listSessions()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    const running = remote.execute({ runtime: "python", code: "sleep 200" });
    await waitFor(() => h.engine.active === 1, "the run");
    await expect(remote.execute({ runtime: "python", code: "" })).rejects.toMatchObject({ code: "BUSY" });
    await running;
  });
});

describe("remote engine: sessions", () => {
  beforeEach(async () => {
    await setUp();
  });

  it("creates a named session, keeps its files, finds it again by name, and stops it", async () => {
    const session = await remote.session("work", {
      runtime: "python",
      idleTimeoutMs: 60_000,
      // Per-run limits mean nothing to a session's sandbox; they are left out rather than refused.
      limits: { memoryBytes: 256 * 1024 * 1024, timeoutMs: 5000 },
    });
    expect(session).toMatchObject({ name: "work", runtime: "python" });
    expect(h.engine.sessionOptions.get("srv.acme.work")).toMatchObject({
      limits: { memoryBytes: 256 * 1024 * 1024 },
      idleTimeoutMs: 60_000,
    });
    await session.writeFiles([{ path: "notes.txt", content: enc("remember") }]);
    expect((await session.execute({ code: "cat notes.txt\nwrite out.txt done" })).stdout).toBe("remember");
    const [read, missing] = await session.readFiles(["out.txt", "nope"]);
    expect(dec(read?.content)).toBe("done");
    expect(missing).toEqual({ path: "nope", error: "no such file" });

    const again = await remote.session("work", { runtime: "python" });
    expect((await again.execute({ code: "cat notes.txt" })).stdout).toBe("remember");
    const streamed: string[] = [];
    for await (const event of again.executeStream({ code: "print streamed" })) streamed.push(event.type);
    expect(streamed.at(-1)).toBe("result");

    expect(await remote.listSessions()).toEqual([
      { name: "work", id: "work", runtime: "python", state: "running", createdAt: expect.any(Date) },
    ]);
    expect(await remote.stopSession("work")).toBe(true);
    expect(await remote.stopSession("work")).toBe(false);
    await expect(again.execute({ code: "" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(again.writeFiles([{ path: "x", content: enc("y") }])).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("refuses a name that runs another runtime, as a local engine does", async () => {
    await remote.session("work", { runtime: "python" });
    await expect(remote.session("work", { runtime: "node" })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
  });

  it("sees only its own tenant's sessions", async () => {
    await remote.session("mine", { runtime: "python" });
    const other = createRemoteEngine({ url, apiKey: h.keys.globex });
    expect(await other.listSessions()).toEqual([]);
    expect(await other.stopSession("mine")).toBe(false);
    expect(await remote.listSessions()).toHaveLength(1);
  });
});
