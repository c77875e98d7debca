import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { type WatchedEngine, waitUntilGone, watchedEngine } from "./helpers/watched-engine.js";

/*
 * Honesty: the result says what really happened, so a caller (or an AI agent reading --json) can tell a crash from a
 * limit. What tests/docker/run.docker.test.ts covers already (exit codes passed through, stderr apart, secrets
 * masked in plain output, --json shape) is not repeated here.
 */

const MiB = 1024 * 1024;
let watched: WatchedEngine;
const run = (code: string, limits: Record<string, number> = {}) =>
  watched.engine.execute({ runtime: "python", code, limits });

beforeAll(async () => {
  watched = await watchedEngine();
});

afterAll(async () => {
  await watched.close();
  expect(await waitUntilGone(watched.started())).toEqual([]);
});

describe("OOM and timeout are told apart", () => {
  it("a memory bomb under a long timeout is OOM, a sleeper under a short one is a timeout, never both", async () => {
    const [oom, slow] = await Promise.all([
      run("hoard = []\nwhile True:\n    hoard.append(b'x' * (8 << 20))\n", {
        memoryBytes: 64 * MiB,
        timeoutMs: 60_000,
      }),
      run("import time\ntime.sleep(60)\n", { timeoutMs: 1000 }),
    ]);
    // Both end in SIGKILL (137); only the flags say why.
    expect(oom).toMatchObject({ exitCode: 137, signal: "SIGKILL", oomKilled: true, timedOut: false });
    expect(slow).toMatchObject({ exitCode: 137, signal: "SIGKILL", oomKilled: false, timedOut: true });
  });

  it("a program that fills memory slowly and hits the timeout first is a timeout, not OOM", async () => {
    const code = `
import time
hoard = []
for _ in range(4):
    hoard.append(b"x" * (8 << 20))
time.sleep(60)
`;
    const result = await run(code, { memoryBytes: 64 * MiB, timeoutMs: 1500 });
    expect(result).toMatchObject({ timedOut: true, oomKilled: false });
  });

  it("the CLI maps them to 137 and 124 with a note that says which", async () => {
    const [oom, slow] = await Promise.all([
      runCli(["run", "-r", "python", "-m", "64m", "-e", "x = [b'x' * (8 << 20) for _ in range(1000)]"]),
      runCli(["run", "-r", "python", "-t", "1s", "-e", "import time; time.sleep(60)"]),
    ]);
    expect(oom.code).toBe(137);
    expect(oom.stderr).toBe("[isol8] out of memory: the program was killed (raise --memory)\n");
    expect(slow.code).toBe(124);
    expect(slow.stderr).toBe("[isol8] timed out: the program was killed after 1s\n");
  });
});

describe("the signal that ended the program", () => {
  it.each([
    ["SIGTERM", 15],
    ["SIGKILL", 9],
    ["SIGUSR1", 10],
    ["SIGSEGV", 11],
  ])("is reported by name when the program sends itself %s", async (name, number) => {
    const result = await run(`import os, signal\nos.kill(os.getpid(), signal.${name})\n`);
    expect(result).toMatchObject({
      signal: name,
      exitCode: 128 + number,
      // A self-inflicted SIGKILL is neither a timeout nor the OOM killer.
      timedOut: false,
      oomKilled: false,
      truncated: false,
    });
  });

  it("is absent when the program exits by itself, and the CLI passes 128+n through for a signal", async () => {
    expect((await run("import sys\nsys.exit(5)\n")).signal).toBeUndefined();
    const cli = await runCli(["run", "-r", "python", "--json", "-e", "import os; os.kill(os.getpid(), 15)"]);
    expect(cli.code).toBe(143);
    expect(JSON.parse(cli.stdout)).toMatchObject({ exitCode: 143, signal: "SIGTERM" });
  });
});

describe("durations", () => {
  it("are present, consistent, and measure the program's own run", async () => {
    const result = await run("import time\ntime.sleep(0.5)\n");
    const { totalMs, sandboxMs, installMs, runMs } = result.durations;
    expect(installMs).toBe(0);
    expect(sandboxMs).toBeGreaterThan(0);
    expect(runMs).toBeGreaterThanOrEqual(500);
    expect(runMs).toBeLessThan(5000);
    expect(totalMs).toBeGreaterThanOrEqual(sandboxMs + runMs);
  });
});

describe("secrets at the output cap", () => {
  it("never shows the start of a secret that the cap cut in two", async () => {
    // Regression: the masker holds back a possible secret prefix until the next chunk; at the cap there is no
    // next chunk, and the prefix used to be released unmasked.
    const code = "import os, sys\nsys.stdout.write('x' * 1020 + os.environ['TOKEN'] + '\\n')\n";
    const cli = await runCli([
      "run",
      "-r",
      "python",
      "--max-output",
      "1k",
      "--secret",
      "TOKEN=sup3r-s3cret",
      "-e",
      code,
    ]);
    expect(cli.stdout).toBe("x".repeat(1020));
    expect(cli.stderr).toContain("[isol8] output truncated");
    // Control: under a cap with room for it, the same output shows the mask where the secret was.
    const roomy = await runCli(["run", "-r", "python", "--secret", "TOKEN=sup3r-s3cret", "-e", code]);
    expect(roomy.stdout).toBe(`${"x".repeat(1020)}***\n`);
  });
});
