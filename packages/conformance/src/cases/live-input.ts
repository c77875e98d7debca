import { createProgramInput, type ExecutionEvent, type ExecutionResult } from "@isol8/core";
import { describe, expect, it } from "vitest";
import { RUNTIME, type SuiteContext, stdoutOf, until } from "../suite-context.js";

/** Runs `code` streaming, hands the caller the input source and the events seen so far, returns the result. */
async function interact(
  context: SuiteContext,
  code: string,
  drive: (input: ReturnType<typeof createProgramInput>, events: ExecutionEvent[]) => Promise<void>,
): Promise<ExecutionResult> {
  const source = createProgramInput();
  const events: ExecutionEvent[] = [];
  const consumed = (async () => {
    for await (const event of context
      .engine()
      .executeStream({ runtime: RUNTIME, code, limits: { timeoutMs: 60_000 } }, { input: source.input })) {
      events.push(event);
    }
  })();
  await Promise.race([drive(source, events), consumed]);
  await consumed;
  source.close();
  const last = events.at(-1);
  if (last?.type !== "result") throw new Error("the stream ended without a result event");
  return last.result;
}

const WAITS_FOR_SIGNAL = 'import time\nprint("ready", flush=True)\ntime.sleep(60)\nprint("slept through")';

export function liveInputCases(context: SuiteContext): void {
  const { timeout } = context;
  describe("live input", () => {
    it(
      "feeds stdin while the program runs and ends it with end-of-file",
      async () => {
        const code =
          'import sys\nfor line in sys.stdin:\n    print(line.strip().upper(), flush=True)\nprint("eof")';
        const result = await interact(context, code, async (input, events) => {
          input.write("hello\n");
          // The second line goes only once the program answered the first: a real conversation, not a buffer.
          await until(() => stdoutOf(events).includes("HELLO\n"), "the answer to the first line");
          input.write(new TextEncoder().encode("world\n"));
          await until(() => stdoutOf(events).includes("WORLD\n"), "the answer to the second line");
          input.end();
        });
        expect(result.stdout).toBe("HELLO\nWORLD\neof\n");
        expect(result.exitCode).toBe(0);
      },
      timeout,
    );

    it(
      "delivers SIGINT to the program (Python raises KeyboardInterrupt)",
      async () => {
        const code =
          'import time\nprint("ready", flush=True)\ntry:\n    time.sleep(60)\nexcept KeyboardInterrupt:\n    print("interrupted", flush=True)\n    raise';
        const result = await interact(context, code, async (input, events) => {
          await until(() => stdoutOf(events).includes("ready"), "the program to start");
          input.signal("SIGINT");
        });
        expect(result.stdout).toBe("ready\ninterrupted\n");
        expect(result).toMatchObject({ exitCode: 130, signal: "SIGINT", timedOut: false });
      },
      timeout,
    );

    it(
      "delivers SIGTERM to a program that handles it",
      async () => {
        const code =
          'import signal, sys, time\ndef stop(number, frame):\n    print("terminating", flush=True)\n    sys.exit(7)\nsignal.signal(signal.SIGTERM, stop)\nprint("ready", flush=True)\ntime.sleep(60)';
        const result = await interact(context, code, async (input, events) => {
          await until(() => stdoutOf(events).includes("ready"), "the program to start");
          input.signal("SIGTERM");
        });
        expect(result.stdout).toBe("ready\nterminating\n");
        expect(result).toMatchObject({ exitCode: 7, signal: undefined });
      },
      timeout,
    );

    it(
      "kills the program with SIGKILL",
      async () => {
        const result = await interact(context, WAITS_FOR_SIGNAL, async (input, events) => {
          await until(() => stdoutOf(events).includes("ready"), "the program to start");
          input.signal("SIGKILL");
        });
        expect(result).toMatchObject({ exitCode: 137, signal: "SIGKILL", timedOut: false, oomKilled: false });
        expect(result.stdout).toBe("ready\n");
      },
      timeout,
    );
  });
}
