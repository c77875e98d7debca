import { describe, expect, it } from "vitest";
import { createProgramInput, type ProgramInput } from "./program-input.js";

async function collect(input: AsyncIterable<ProgramInput>): Promise<ProgramInput[]> {
  const events: ProgramInput[] = [];
  for await (const event of input) events.push(event);
  return events;
}

describe("createProgramInput", () => {
  it("delivers what was pushed before and after the reader started, in order, until close", async () => {
    const source = createProgramInput();
    source.write("early");
    const reading = collect(source.input);
    await new Promise((resolve) => setTimeout(resolve, 5));
    source.signal("SIGINT");
    source.end();
    source.close();
    source.write("after close is ignored");
    expect(await reading).toEqual([
      { type: "stdin", data: "early" },
      { type: "signal", signal: "SIGINT" },
      { type: "stdin-end" },
    ]);
  });

  it("ends a reader that waits when closed", async () => {
    const source = createProgramInput();
    const reading = collect(source.input);
    source.close();
    expect(await reading).toEqual([]);
  });
});
