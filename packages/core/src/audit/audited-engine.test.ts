import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { SandboxEngine, Session } from "../engine.js";
import { Isol8Error } from "../errors.js";
import type { ExecutionEvent, ExecutionRequestInput, ExecutionResult } from "../execution.js";
import { type AuditEntry, createAuditLog } from "./audit-log.js";
import { auditEngine } from "./audited-engine.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function resultFor(request: { code: string }): ExecutionResult {
  return {
    exitCode: request.code.includes("fail") ? 1 : 0,
    signal: undefined,
    stdout: `ran ${request.code}\n`,
    stderr: "",
    truncated: false,
    timedOut: false,
    oomKilled: false,
    durations: { totalMs: 5, sandboxMs: 1, installMs: 0, runMs: 3 },
    image: "isol8:python",
    imageId: "sha256:abc",
    installed: [],
    files: [],
    containerId: undefined,
  };
}

/** Just enough of an engine to see what the wrapper records. */
function fakeEngine(): SandboxEngine & { extra: () => string } {
  const session: Session = {
    name: "notebook",
    runtime: "python",
    execute: async (request) => resultFor(request),
    executeStream: async function* (request) {
      yield { type: "result", result: resultFor(request) };
    },
    writeFiles: async () => undefined,
    readFiles: async () => [],
    detach: () => undefined,
    stop: async () => undefined,
  };
  return {
    execute: async (request: ExecutionRequestInput) => {
      if (request.runtime === "cobol") throw new Isol8Error("RUNTIME_UNKNOWN", 'Unknown runtime "cobol"');
      return resultFor(request);
    },
    executeStream: async function* (request: ExecutionRequestInput): AsyncIterable<ExecutionEvent> {
      yield { type: "stdout", data: "ran\n" };
      yield { type: "result", result: resultFor(request) };
    },
    session: async () => session,
    listSessions: async () => [],
    stopSession: async () => false,
    listRuntimes: async () => [],
    ping: async () => undefined,
    close: async () => undefined,
    extra: () => "kept",
  };
}

function lines(file: string): AuditEntry[] {
  return readFileSync(file, "utf8")
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as AuditEntry);
}

describe("auditEngine", () => {
  it("records fresh, streamed, session and refused executions, with names but never values of env and secrets", async () => {
    const dir = mkdtempSync(join(tmpdir(), "isol8-audited-"));
    dirs.push(dir);
    const file = join(dir, "audit.jsonl");
    const engine = auditEngine(fakeEngine(), createAuditLog({ file }));
    expect(engine.extra()).toBe("kept");

    await engine.execute({
      runtime: "python",
      code: "print(1)",
      env: { MODE: "test-mode-value" },
      secrets: { TOKEN: "s3cr3t-token" },
      install: ["six"],
      limits: { timeoutMs: 5000 },
      network: { mode: "filtered", allow: ["pypi.org"] },
    });
    for await (const _ of engine.executeStream({ runtime: "python", code: "print(2)" })) {
      // drained
    }
    const session = await engine.session("notebook", { runtime: "python" });
    await session.execute({ code: "fail()" });
    await expect(engine.execute({ runtime: "cobol", code: "DISPLAY 'HI'" })).rejects.toThrow(
      "Unknown runtime",
    );

    const [fresh, streamed, inSession, refused] = lines(file);
    expect(fresh).toMatchObject({
      runtime: "python",
      outcome: "completed",
      image: "isol8:python",
      imageId: "sha256:abc",
      exitCode: 0,
      packages: ["six"],
      env: ["MODE"],
      secrets: ["TOKEN"],
      stdoutBytes: 13,
      network: { mode: "filtered", allow: ["pypi.org"], deny: [] },
    });
    expect(fresh?.limits?.timeoutMs).toBe(5000);
    expect(fresh?.limits?.memoryBytes).toBe(512 * 1024 * 1024);
    expect(fresh?.codeSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(streamed).toMatchObject({ outcome: "completed", exitCode: 0 });
    expect(inSession).toMatchObject({ session: "notebook", runtime: "python", exitCode: 1 });
    expect(refused).toMatchObject({ outcome: "failed", error: { code: "RUNTIME_UNKNOWN" } });
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain("s3cr3t-token");
    expect(text).not.toContain("test-mode-value");
    expect(text).not.toContain("print(1)");
  });

  it("adds code and output only when asked to", async () => {
    const dir = mkdtempSync(join(tmpdir(), "isol8-audited-"));
    dirs.push(dir);
    const file = join(dir, "audit.jsonl");
    const engine = auditEngine(
      fakeEngine(),
      createAuditLog({ file, includeCode: true, includeOutput: true }),
    );
    await engine.execute({ runtime: "python", code: "print('s3cr3t')", secrets: { T: "s3cr3t" } });
    const [line] = lines(file);
    expect(line?.code).toBe("print('***')");
    expect(line?.stdout).toBe("ran print('***')\n");
  });
});
