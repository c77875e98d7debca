import type { ExecutionEvent, Session } from "@isol8/core";
import { afterAll, describe, expect, it } from "vitest";
import { RUNTIME, type SuiteContext } from "../suite-context.js";

const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array | undefined) => (bytes ? Buffer.from(bytes).toString("utf8") : undefined);

export function sessionCases(context: SuiteContext): void {
  const { timeout } = context;
  const name = `conformance-${process.pid}-${Date.now().toString(36)}`;
  let session: Session | undefined;
  const open = async () => {
    session ??= await context.engine().session(name, { runtime: RUNTIME, idleTimeoutMs: 300_000 });
    return session;
  };

  describe("sessions", () => {
    afterAll(async () => {
      await context
        .engine()
        .stopSession(name)
        .catch(() => undefined);
    }, 120_000);

    it(
      "keeps files between executions and lists the session as running",
      async () => {
        const opened = await open();
        expect(opened.name).toBe(name);
        expect(opened.runtime).toBe(RUNTIME);
        const first = await opened.execute({ code: 'open("/sandbox/state.txt", "w").write("kept")' });
        expect(first.exitCode).toBe(0);
        const second = await opened.execute({ code: 'print(open("/sandbox/state.txt").read())' });
        expect(second.stdout).toBe("kept\n");
        const listed = (await context.engine().listSessions()).find((info) => info.name === name);
        expect(listed).toMatchObject({ name, runtime: RUNTIME, state: "running" });
        expect(listed?.id).toBeTruthy();
      },
      timeout,
    );

    it(
      "writes and reads files without running anything, and refuses paths outside /sandbox",
      async () => {
        const opened = await open();
        await opened.writeFiles([{ path: "data/in.txt", content: encode("from the client") }]);
        const result = await opened.execute({
          code: 'print(open("/sandbox/data/in.txt").read())\nopen("/sandbox/data/out.txt", "w").write("from the program")',
        });
        expect(result.stdout).toBe("from the client\n");
        const [out, missing] = await opened.readFiles(["/sandbox/data/out.txt", "data/none.txt"]);
        expect(out?.path).toBe("/sandbox/data/out.txt");
        expect(decode(out?.content)).toBe("from the program");
        expect(missing?.path).toBe("data/none.txt");
        expect(missing?.error).toBeTruthy();
        await expect(opened.writeFiles([{ path: "../etc/x", content: encode("no") }])).rejects.toMatchObject({
          code: "INVALID_INPUT",
        });
        await expect(opened.readFiles(["/etc/passwd"])).rejects.toMatchObject({ code: "INVALID_INPUT" });
      },
      timeout,
    );

    it(
      "runs executions asked for at the same time one after another, and streams",
      async () => {
        const opened = await open();
        const append = (tag: string) =>
          opened.execute({
            code: `import time\nwith open("/sandbox/order.txt", "a") as f:\n    f.write("${tag}<")\n    f.flush()\n    time.sleep(0.4)\n    f.write(">")`,
          });
        const results = await Promise.all([append("a"), append("b")]);
        expect(results.map((result) => result.exitCode)).toEqual([0, 0]);
        const events: ExecutionEvent[] = [];
        for await (const event of opened.executeStream({
          code: 'print(open("/sandbox/order.txt").read())',
        })) {
          events.push(event);
        }
        const last = events.at(-1);
        expect(last?.type).toBe("result");
        // Never interleaved: each execution finished before the next began.
        expect(last?.type === "result" ? last.result.stdout : "").toMatch(/^(a<>b<>|b<>a<>)\n$/);
      },
      timeout,
    );

    it(
      "is found again by name, with its files",
      async () => {
        const opened = await open();
        opened.detach();
        session = undefined;
        const again = await open();
        const result = await again.execute({ code: 'print(open("/sandbox/state.txt").read())' });
        expect(result.stdout).toBe("kept\n");
      },
      timeout,
    );

    it(
      "ends on stop, and stopping an unknown session answers false",
      async () => {
        const opened = await open();
        await opened.stop();
        session = undefined;
        const deadline = Date.now() + 30_000;
        let running = true;
        while (running && Date.now() < deadline) {
          const listed = (await context.engine().listSessions()).find((info) => info.name === name);
          running = listed?.state === "running";
          if (running) await new Promise((resolve) => setTimeout(resolve, 250));
        }
        expect(running).toBe(false);
        expect(await context.engine().stopSession(`${name}-never-existed`)).toBe(false);
      },
      timeout,
    );
  });
}
