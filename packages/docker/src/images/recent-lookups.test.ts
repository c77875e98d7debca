import { afterEach, describe, expect, it, vi } from "vitest";
import { RecentLookups } from "./recent-lookups.js";

describe("RecentLookups", () => {
  afterEach(() => vi.useRealTimers());

  it("answers from memory within the time to live, then asks again", async () => {
    vi.useFakeTimers();
    const lookups = new RecentLookups<number>(1000);
    let calls = 0;
    const lookup = async () => ++calls;
    expect(await lookups.get("a", lookup)).toBe(1);
    expect(await lookups.get("a", lookup)).toBe(1);
    vi.advanceTimersByTime(1001);
    expect(await lookups.get("a", lookup)).toBe(2);
    lookups.clear();
    expect(await lookups.get("a", lookup)).toBe(3);
  });
});
