import type { ExecutionEvent } from "@isol8/core";
import { describe, expect, it } from "vitest";
import { RUNTIME, type SuiteContext, settledLeftovers } from "../suite-context.js";

const text = (bytes: Uint8Array | undefined) => (bytes ? Buffer.from(bytes).toString("utf8") : undefined);

export function executionCases(context: SuiteContext): void {
  const { timeout } = context;
  describe("execute", () => {
    it(
      "returns stdout, stderr and the program's own exit code",
      async () => {
        const result = await context.engine().execute({
          runtime: RUNTIME,
          code: 'import sys\nprint("to stdout")\nprint("to stderr", file=sys.stderr)\nsys.exit(3)',
        });
        expect(result).toMatchObject({
          exitCode: 3,
          signal: undefined,
          stdout: "to stdout\n",
          stderr: "to stderr\n",
          truncated: false,
          timedOut: false,
          oomKilled: false,
        });
        expect(result.durations.totalMs).toBeGreaterThan(0);
        expect(result.image).not.toBe("");
      },
      timeout,
    );

    it(
      "gives the program its stdin, environment and files, and brings files back",
      async () => {
        const result = await context.engine().execute({
          runtime: RUNTIME,
          code: [
            "import os",
            "name = input()",
            'data = open("/sandbox/in/data.txt").read()',
            'open("/sandbox/out.txt", "w").write(f"{os.environ[\'GREETING\']}, {name}: {data}")',
            'print(os.getcwd(), os.access("/sandbox/in/run.sh", os.X_OK))',
          ].join("\n"),
          stdin: "Ada\n",
          env: { GREETING: "hello" },
          files: [
            { path: "in/data.txt", content: new TextEncoder().encode("42") },
            { path: "/sandbox/in/run.sh", content: new TextEncoder().encode("true"), executable: true },
          ],
          download: ["out.txt", "missing.txt"],
        });
        expect(result.stdout).toBe("/sandbox True\n");
        expect(result.files).toHaveLength(2);
        expect(result.files[0]?.path).toBe("out.txt");
        expect(text(result.files[0]?.content)).toBe("hello, Ada: 42");
        expect(result.files[1]?.path).toBe("missing.txt");
        expect(result.files[1]?.error).toBeTruthy();
      },
      timeout,
    );

    it(
      "masks secrets in everything the program prints",
      async () => {
        const secret = "s3cr3t-value-that-must-not-leak";
        const result = await context.engine().execute({
          runtime: RUNTIME,
          code: 'import os, sys\nv = os.environ["TOKEN"]\nprint("out", v)\nprint("err", v[:10], v[10:], sep="", file=sys.stderr)\nprint(v, file=sys.stderr)',
          secrets: { TOKEN: secret },
        });
        expect(result.stdout).toBe("out ***\n");
        expect(result.stderr).not.toContain(secret);
        expect(result.stderr).toContain("***");
      },
      timeout,
    );

    it(
      "streams phase, output and result events in order, and the output adds up to the result's",
      async () => {
        const events: ExecutionEvent[] = [];
        for await (const event of context.engine().executeStream({
          runtime: RUNTIME,
          code: 'import sys, time\nprint("one", flush=True)\ntime.sleep(0.3)\nprint("two", file=sys.stderr, flush=True)\ntime.sleep(0.3)\nprint("three")',
        })) {
          events.push(event);
        }
        const last = events.at(-1);
        expect(last?.type).toBe("result");
        if (last?.type !== "result") return;
        const types = events.map((event) => event.type);
        expect(types.indexOf("phase")).toBeLessThan(types.indexOf("stdout"));
        expect(types.filter((type) => type === "result")).toHaveLength(1);
        const stdout = events.map((event) => (event.type === "stdout" ? event.data : "")).join("");
        const stderr = events.map((event) => (event.type === "stderr" ? event.data : "")).join("");
        expect(stdout).toBe(last.result.stdout);
        expect(stderr).toBe(last.result.stderr);
        expect(stdout).toBe("one\nthree\n");
        // "one" was flushed before the program slept, so all of it arrives before "two" does; the program may
        // write it in more than one piece (an unbuffered stdout writes the text and the newline separately).
        const firstStderr = types.indexOf("stderr");
        const beforeTwo = events
          .slice(0, firstStderr)
          .map((event) => (event.type === "stdout" ? event.data : ""))
          .join("");
        expect(beforeTwo).toBe("one\n");
      },
      timeout,
    );

    it(
      "reports the runtimes it runs and answers a ping",
      async () => {
        await context.engine().ping();
        const runtimes = await context.engine().listRuntimes();
        const python = runtimes.find((runtime) => runtime.name === RUNTIME);
        expect(python?.extensions).toContain(".py");
        expect(Object.keys(python?.versions ?? {}).length).toBeGreaterThan(0);
      },
      timeout,
    );

    if (context.capabilities.installs) {
      it(
        "installs a package from the registry before the program runs",
        async () => {
          const result = await context.engine().execute({
            runtime: RUNTIME,
            code: "import six\nprint(six.__name__)",
            install: ["six==1.16.0"],
          });
          expect(result.stderr).not.toContain("ModuleNotFoundError");
          expect(result.stdout).toBe("six\n");
          expect(result.installed).toEqual(["six==1.16.0"]);
          expect(result.exitCode).toBe(0);
        },
        Math.max(timeout, 300_000),
      );
    }

    it(
      "cancels on abort: rejects with CANCELLED and leaves no sandbox",
      async () => {
        const abort = new AbortController();
        const running = context.engine().execute(
          { runtime: RUNTIME, code: 'import time\nprint("ready", flush=True)\ntime.sleep(60)' },
          {
            signal: abort.signal,
            onEvent: (event) => {
              if (event.type === "stdout" && event.data.includes("ready")) abort.abort();
            },
          },
        );
        await expect(running).rejects.toMatchObject({ code: "CANCELLED" });
        expect(await settledLeftovers(context)).toEqual([]);
      },
      timeout,
    );
  });
}
