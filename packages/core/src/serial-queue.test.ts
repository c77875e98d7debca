import { describe, expect, it } from "vitest";
import { serialQueue } from "./serial-queue.js";

describe("serialQueue", () => {
  it("runs tasks one after another in order, and a failure does not stop the next", async () => {
    const queue = serialQueue();
    const log: string[] = [];
    const task =
      (name: string, ms: number, fail = false) =>
      async () => {
        log.push(`${name}<`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        log.push(`>${name}`);
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([
      queue.run(task("a", 20)),
      queue.run(task("b", 1, true)),
      queue.run(task("c", 1)),
    ]);
    expect(log).toEqual(["a<", ">a", "b<", ">b", "c<", ">c"]);
    expect(results.map((result) => result.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
  });
});
