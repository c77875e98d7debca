import { LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { ERROR_META_KEY } from "./results.js";
import { type Connected, connect, textOf } from "./testing/connect.js";

const TOOLS = [
  "list_runtimes",
  "read_file",
  "run_code",
  "run_shell",
  "session_create",
  "session_run",
  "session_stop",
  "write_file",
];

let connected: Connected | undefined;
afterEach(async () => {
  await connected?.cleanup();
  connected = undefined;
});

async function open(...args: Parameters<typeof connect>) {
  connected = await connect(...args);
  return connected;
}

describe("tools/list", () => {
  it("lists every tool with an input and an output schema", async () => {
    const { client } = await open();
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(TOOLS);
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe("object");
      expect(tool.outputSchema?.type, tool.name).toBe("object");
      expect(tool.description, tool.name).toBeTruthy();
    }
    const runCode = tools.find((tool) => tool.name === "run_code");
    expect(runCode?.inputSchema.required).toEqual(["runtime", "code"]);
    expect(Object.keys(runCode?.inputSchema.properties ?? {}).sort()).toEqual(
      ["code", "files", "packages", "runtime", "stdin", "timeoutMs"].sort(),
    );
    expect(Object.keys(runCode?.outputSchema?.properties ?? {}).sort()).toEqual(
      ["durationMs", "exitCode", "oomKilled", "stderr", "stdout", "timedOut", "truncated"].sort(),
    );
  });
});

describe("run_code", () => {
  it("answers with structuredContent and the same as JSON text", async () => {
    const { call, engine } = await open();
    const result = await call("run_code", {
      runtime: "python",
      code: "print hello\ncat data.txt\neprint oops\nexit 3",
      packages: ["requests"],
      files: [
        { path: "data.txt", content: "from a file\n" },
        { path: "blob.bin", content: Buffer.from([0, 255]).toString("base64"), encoding: "base64" },
      ],
      timeoutMs: 5000,
      stdin: "input",
    });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      stdout: "hello\nfrom a file\n",
      stderr: "oops\n",
      exitCode: 3,
      timedOut: false,
      truncated: false,
      oomKilled: false,
    });
    expect(typeof result.structuredContent?.durationMs).toBe("number");
    expect(JSON.parse(textOf(result))).toEqual(result.structuredContent);
    const [request] = engine.requests;
    expect(request).toMatchObject({ runtime: "python", install: ["requests"], stdin: "input" });
    expect(request?.limits.timeoutMs).toBe(5000);
    expect(request?.files.map((file) => [file.path, [...file.content]])).toEqual([
      ["data.txt", [...Buffer.from("from a file\n")]],
      ["blob.bin", [0, 255]],
    ]);
  });

  it("applies the policy's default timeout when the call names none", async () => {
    const { call, engine } = await open({ policy: { defaultTimeoutMs: 7000 } });
    await call("run_code", { runtime: "python", code: "print x" });
    expect(engine.requests[0]?.limits.timeoutMs).toBe(7000);
  });

  it("streams output as log and progress notifications while the run goes", async () => {
    const { client, call } = await open();
    const seen: { kind: string; text: string; settled: boolean }[] = [];
    let settled = false;
    client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
      const { logger = "", data } = notification.params;
      seen.push({ kind: `log:${logger}`, text: String(data), settled });
    });
    const result = await call(
      "run_code",
      { runtime: "python", code: "print one\nsleep 100\neprint two" },
      {
        onprogress: (progress) => seen.push({ kind: "progress", text: progress.message ?? "", settled }),
      },
    ).finally(() => {
      settled = true;
    });
    expect(result.structuredContent).toMatchObject({ stdout: "one\n", stderr: "two\n" });
    expect(seen.filter((entry) => entry.kind.startsWith("log:"))).toEqual([
      { kind: "log:phase", text: "sandbox", settled: false },
      { kind: "log:phase", text: "run", settled: false },
      { kind: "log:stdout", text: "one\n", settled: false },
      { kind: "log:stderr", text: "two\n", settled: false },
    ]);
    expect(seen.filter((entry) => entry.kind === "progress").map((entry) => entry.text)).toEqual([
      "sandbox",
      "run",
      "one\n",
      "two\n",
    ]);
  });

  it("sends only the log levels the client asked for", async () => {
    const { client, call } = await open();
    const loggers: string[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
      loggers.push(notification.params.logger ?? "");
    });
    await client.setLoggingLevel("warning");
    await call("run_code", { runtime: "python", code: "print out\neprint err" });
    expect(loggers).toEqual(["stderr"]);
  });

  it("cancels the run when the client cancels the call", async () => {
    const { call, engine } = await open();
    const controller = new AbortController();
    const running = call(
      "run_code",
      { runtime: "python", code: "sleep 10000" },
      { signal: controller.signal },
    );
    await expect.poll(() => engine.active).toBe(1);
    controller.abort();
    await expect(running).rejects.toThrow();
    await expect.poll(() => engine.aborted).toBe(1);
    expect(engine.active).toBe(0);
  });
});

describe("run_shell", () => {
  it("runs the command in the bash runtime", async () => {
    const { call, engine } = await open();
    const result = await call("run_shell", { command: "ls -la | wc -l" });
    // The fake engine has no bash runtime, which also shows the engine's own error reaching the client.
    expect(engine.requests[0]).toMatchObject({ runtime: "bash", code: "ls -la | wc -l" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe('RUNTIME_UNKNOWN: no runtime "bash"');
  });
});

describe("list_runtimes", () => {
  it("lists the engine's runtimes, narrowed by the policy", async () => {
    const { call } = await open({ policy: { runtimes: ["node"] } });
    const result = await call("list_runtimes", {});
    expect(result.structuredContent).toEqual({
      runtimes: [{ name: "node", extensions: [".js"], versions: { node: "20.19.0" } }],
    });
  });
});

describe("errors", () => {
  it("are isError results with the isol8 code, message and hint", async () => {
    const { call } = await open({ policy: { maxTimeoutMs: 10_000 } });
    const result = await call("run_code", { runtime: "python", code: "print x", timeoutMs: 60_000 });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    expect(textOf(result)).toBe(
      "POLICY_DENIED: timeoutMs 60000 is above the ceiling of 10000\nHint: Ask for 10000 ms or less.",
    );
    expect(result._meta?.[ERROR_META_KEY]).toEqual({
      code: "POLICY_DENIED",
      message: "timeoutMs 60000 is above the ceiling of 10000",
      hint: "Ask for 10000 ms or less.",
    });
  });

  it("refuses runtimes outside the policy, malformed base64 and unknown sessions", async () => {
    const { call } = await open({ policy: { runtimes: ["python"] } });
    const denied = await call("run_code", { runtime: "node", code: "" });
    expect(textOf(denied)).toMatch(/^POLICY_DENIED: runtime "node" is not offered here/);
    const badFile = await call("run_code", {
      runtime: "python",
      code: "",
      files: [{ path: "a", content: "not base64!", encoding: "base64" }],
    });
    expect(textOf(badFile)).toMatch(/^INVALID_INPUT: the content of "a" is not valid base64/);
    const noSession = await call("session_run", { session: "s9", code: "" });
    expect(textOf(noSession)).toMatch(/^NOT_FOUND: no session "s9" on this connection/);
  });

  it("hide a bug's message from the client and report it", async () => {
    const { call, engine, bugs } = await open();
    engine.listRuntimes = async () => {
      throw new Error("secret /internal/path");
    };
    const result = await call("list_runtimes", {});
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe("INTERNAL: internal error in the isol8 MCP server");
    expect(bugs).toHaveLength(1);
  });

  it("answers arguments that do not match the input schema as an isError result", async () => {
    const { call, engine } = await open();
    const result = await call("run_code", { runtime: "python" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/Input validation error/);
    expect(engine.requests).toHaveLength(0);
  });
});
