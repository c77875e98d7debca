import { Isol8Error } from "@isol8/core";
import { describe, expect, it } from "vitest";
import { BusyError, createScheduler, type SlotRequest } from "./scheduler.js";

const tenant = (name: string, extra: Partial<SlotRequest> = {}): SlotRequest => ({
  tenant: name,
  tenantConcurrency: 2,
  tenantQueue: 2,
  keyId: `key-${name}`,
  ...extra,
});

describe("scheduler", () => {
  it("runs up to the server's cap, queues up to its bound, and refuses past it with a Retry-After", async () => {
    const scheduler = createScheduler({ maxConcurrent: 1, maxQueued: 1, retryAfterSeconds: 3 });
    const first = await scheduler.acquire(tenant("a"));
    const second = scheduler.acquire(tenant("b"));
    expect(scheduler.queued).toBe(1);
    const third = scheduler.acquire(tenant("c"));
    await expect(third).rejects.toBeInstanceOf(BusyError);
    await expect(third).rejects.toMatchObject({ code: "BUSY", retryAfterSeconds: 3 });
    first();
    const release = await second;
    expect(scheduler.running).toBe(1);
    release();
    release();
    expect(scheduler.running).toBe(0);
  });

  it("holds a tenant to its own cap and queue while other tenants go ahead", async () => {
    const scheduler = createScheduler({ maxConcurrent: 10, maxQueued: 10 });
    await scheduler.acquire(tenant("a"));
    await scheduler.acquire(tenant("a"));
    const waiting = [scheduler.acquire(tenant("a")), scheduler.acquire(tenant("a"))];
    await expect(scheduler.acquire(tenant("a"))).rejects.toMatchObject({
      code: "BUSY",
      message: expect.stringContaining('tenant "a"'),
    });
    const other = await scheduler.acquire(tenant("b"));
    expect(scheduler.running).toBe(3);
    expect(scheduler.queued).toBe(2);
    other();
    expect(scheduler.queued).toBe(2);
    scheduler.close(new Isol8Error("ENGINE_UNAVAILABLE", "closing"));
    for (const pending of waiting)
      await expect(pending).rejects.toMatchObject({ code: "ENGINE_UNAVAILABLE" });
  });

  it("holds a key to its quota", async () => {
    const scheduler = createScheduler({ maxConcurrent: 10, maxQueued: 10 });
    const release = await scheduler.acquire(tenant("a", { keyConcurrency: 1 }));
    const queued = scheduler.acquire(tenant("a", { keyConcurrency: 1 }));
    expect(scheduler.queued).toBe(1);
    release();
    (await queued)();
  });

  it("drops a queued request whose client went away, and gives the slot to the next", async () => {
    const scheduler = createScheduler({ maxConcurrent: 1, maxQueued: 5 });
    const first = await scheduler.acquire(tenant("a"));
    const controller = new AbortController();
    const gone = scheduler.acquire(tenant("b", { signal: controller.signal }));
    const next = scheduler.acquire(tenant("c"));
    controller.abort();
    await expect(gone).rejects.toMatchObject({ code: "CANCELLED" });
    expect(scheduler.queued).toBe(1);
    first();
    (await next)();
    expect(scheduler.running).toBe(0);
  });

  it("gives a freed slot to the oldest waiter that may run, skipping one held by its tenant's cap", async () => {
    const scheduler = createScheduler({ maxConcurrent: 2, maxQueued: 5 });
    const a1 = await scheduler.acquire(tenant("a", { tenantConcurrency: 1 }));
    const b1 = await scheduler.acquire(tenant("b"));
    const order: string[] = [];
    const a2 = scheduler.acquire(tenant("a", { tenantConcurrency: 1 })).then((release) => {
      order.push("a2");
      return release;
    });
    const c1 = scheduler.acquire(tenant("c")).then((release) => {
      order.push("c1");
      return release;
    });
    b1();
    await c1;
    expect(order).toEqual(["c1"]);
    a1();
    await a2;
    expect(order).toEqual(["c1", "a2"]);
  });
});
