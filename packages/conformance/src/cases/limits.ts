import { describe, expect, it } from "vitest";
import { RUNTIME, type SuiteContext } from "../suite-context.js";

export function limitCases(context: SuiteContext): void {
  const { timeout } = context;
  describe("limits", () => {
    it(
      "kills a program at its timeout and says so",
      async () => {
        const result = await context.engine().execute({
          runtime: RUNTIME,
          code: 'print("spinning", flush=True)\nwhile True: pass',
          limits: { timeoutMs: 1_500 },
        });
        expect(result.timedOut).toBe(true);
        expect(result.exitCode).not.toBe(0);
        expect(result.stdout).toBe("spinning\n");
        expect(result.durations.runMs).toBeGreaterThanOrEqual(1_400);
        expect(result.durations.runMs).toBeLessThan(15_000);
      },
      timeout,
    );

    it(
      "stops a program at the output cap and marks the result truncated",
      async () => {
        const result = await context.engine().execute({
          runtime: RUNTIME,
          code: 'import sys\nwhile True: sys.stdout.write("x" * 4096)',
          limits: { maxOutputBytes: 10_000, timeoutMs: 20_000 },
        });
        expect(result.truncated).toBe(true);
        expect(result.timedOut).toBe(false);
        expect(Buffer.byteLength(result.stdout) + Buffer.byteLength(result.stderr)).toBeLessThanOrEqual(
          10_000,
        );
        expect(result.stdout.length).toBeGreaterThan(0);
      },
      timeout,
    );

    if (context.capabilities.oomKilled) {
      it(
        "reports a program killed for going over its memory limit",
        async () => {
          const result = await context.engine().execute({
            runtime: RUNTIME,
            code: "chunks = []\nwhile True: chunks.append(bytearray(16 * 1024 * 1024))",
            limits: { memoryBytes: 64 * 1024 * 1024 },
          });
          expect(result.oomKilled).toBe(true);
          expect(result.exitCode).toBe(137);
          expect(result.timedOut).toBe(false);
        },
        timeout,
      );
    }

    it(
      "caps the number of processes and threads",
      async () => {
        const result = await context.engine().execute({
          runtime: RUNTIME,
          code: [
            "import threading, time",
            "started = 0",
            "try:",
            "    for _ in range(200):",
            "        threading.Thread(target=time.sleep, args=(5,), daemon=True).start()",
            "        started += 1",
            "except RuntimeError as error:",
            '    print("refused", error)',
            "print(started)",
          ].join("\n"),
          limits: { pids: 32 },
        });
        expect(result.stdout).toContain("refused can't start new thread");
        expect(Number(result.stdout.trim().split("\n").at(-1))).toBeLessThan(32);
      },
      timeout,
    );
  });
}
