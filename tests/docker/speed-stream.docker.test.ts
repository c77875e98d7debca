import type { ExecutionEvent } from "@isol8/core";
import { afterAll, describe, expect, it } from "vitest";
import { buildTestEngine } from "./helpers/engine.js";

/** executeStream delivers output while the program runs, not after it ends. */

const engine = buildTestEngine({ pool: { size: 1 } });

afterAll(async () => {
  await engine.close();
});

async function collect(
  events: AsyncIterable<ExecutionEvent>,
): Promise<{ event: ExecutionEvent; at: number }[]> {
  const seen: { event: ExecutionEvent; at: number }[] = [];
  for await (const event of events) seen.push({ event, at: performance.now() });
  return seen;
}

describe("executeStream", () => {
  it.each([
    ["python", "import time\nprint('first', flush=True)\ntime.sleep(0.5)\nprint('second')"],
    ["node", "console.log('first'); setTimeout(() => console.log('second'), 500);"],
    ["bash", "echo first; sleep 0.5; echo second"],
  ])("%s: the first line arrives well before the result", async (runtime, code) => {
    await engine.prewarm({ runtime });
    const seen = await collect(engine.executeStream({ runtime, code }));
    const types = seen.map(({ event }) => event.type);
    expect(types.at(-1)).toBe("result");
    expect(types.filter((type) => type === "result")).toHaveLength(1);
    expect(seen.filter(({ event }) => event.type === "phase").map(({ event }) => event)).toEqual([
      { type: "phase", phase: "sandbox", detail: `isol8:${runtime}` },
      { type: "phase", phase: "run" },
    ]);

    // Chunks may split anywhere ("first" then "\n"): follow the text as it grows.
    let text = "";
    let firstLineAt: number | undefined;
    let secondLineAt: number | undefined;
    for (const { event, at } of seen) {
      if (event.type !== "stdout") continue;
      text += event.data;
      if (firstLineAt === undefined && text.startsWith("first\n")) firstLineAt = at;
      if (secondLineAt === undefined && text.length > "first\n".length) secondLineAt = at;
    }
    expect(text).toBe("first\nsecond\n");
    const result = seen.at(-1);
    if (firstLineAt === undefined || secondLineAt === undefined || result?.event.type !== "result") {
      throw new Error("missing events");
    }
    // Relative to each other, not to a clock: the program sleeps 500 ms between its two lines.
    expect(secondLineAt - firstLineAt).toBeGreaterThan(350);
    expect(result.at - firstLineAt).toBeGreaterThan(350);
    expect(result.event.result.stdout).toBe("first\nsecond\n");
    expect(result.event.result.exitCode).toBe(0);
  });

  it("ends with an error, not a result, when the request is invalid", async () => {
    const events = engine.executeStream({ runtime: "cobol", code: "DISPLAY 1" });
    await expect(collect(events)).rejects.toThrow(/Unknown runtime "cobol"/);
  });
});
