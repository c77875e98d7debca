import type Docker from "dockerode";
import { describe, expect, it } from "vitest";
import type { Sandbox } from "../sandbox/sandbox.js";
import { NetworkHolders } from "./network-holders.js";

/** A Docker client that only knows what NetworkHolders asks of it. */
function fakeDocker() {
  const created: string[] = [];
  const removed: string[] = [];
  const docker = {
    createContainer: async () => {
      const id = `holder-${created.length + 1}`;
      created.push(id);
      return { id, start: async () => undefined };
    },
    getContainer: (id: string) => ({
      remove: async () => {
        removed.push(id);
      },
    }),
  } as unknown as Docker;
  return { docker, created, removed };
}

/** A sandbox whose removal the test settles by hand. */
function fakeSandbox() {
  let settle: (error?: Error) => void = () => undefined;
  const gone = new Promise<void>((resolve, reject) => {
    settle = (error) => (error ? reject(error) : resolve());
  });
  const sandbox = { id: "sandbox", release: () => gone, remove: () => gone } as unknown as Sandbox;
  return { sandbox, settle };
}

const spec = { Image: "isol8:python", StdinOnce: true, HostConfig: { NetworkMode: "none" } };

describe("NetworkHolders", () => {
  it("lends a holder to the next sandbox only once the previous one is gone", async () => {
    const { docker, created } = fakeDocker();
    const holders = new NetworkHolders(docker, async () => "{}");
    const modes: string[] = [];
    const first = fakeSandbox();
    const start = (fake: ReturnType<typeof fakeSandbox>) =>
      holders.start(spec, async (onHolder) => {
        modes.push(String(onHolder.HostConfig?.NetworkMode));
        return fake.sandbox;
      });

    const a = await start(first);
    const releasing = a.release();
    // Still being removed: the next sandbox gets a holder of its own.
    await start(fakeSandbox());
    expect(modes).toEqual(["container:holder-1", "container:holder-2"]);

    first.settle();
    await releasing;
    await start(fakeSandbox());
    expect(modes[2]).toBe("container:holder-1");
    expect(created).toEqual(["holder-1", "holder-2"]);
  });

  it("drops a holder whose sandbox could not be removed or started, and never lends it again", async () => {
    const { docker, removed } = fakeDocker();
    const holders = new NetworkHolders(docker, async () => "{}");
    const failing = fakeSandbox();
    const a = await holders.start(spec, async () => failing.sandbox);
    failing.settle(new Error("removal failed"));
    await expect(a.release()).rejects.toThrow("removal failed");
    await expect(holders.start(spec, async () => Promise.reject(new Error("start failed")))).rejects.toThrow(
      "start failed",
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(removed).toEqual(["holder-1", "holder-2"]);
  });

  it("starts the sandbox in a namespace of its own when no holder can be made", async () => {
    const { docker, removed } = fakeDocker();
    const failingStart = {
      ...docker,
      createContainer: async () => ({
        id: "holder-dead",
        start: async () => Promise.reject(new Error("(HTTP code 500) cannot start a stopped process")),
      }),
    } as unknown as Docker;
    const holders = new NetworkHolders(failingStart, async () => "{}");
    const modes: string[] = [];
    const { sandbox } = fakeSandbox();
    const started = await holders.start(spec, async (given) => {
      modes.push(String(given.HostConfig?.NetworkMode));
      return sandbox;
    });
    expect(started).toBe(sandbox);
    expect(modes).toEqual(["none"]);
    expect(removed).toEqual(["holder-dead"]);
  });

  it("serves single-use sandboxes without a network only", () => {
    expect(NetworkHolders.serves(spec)).toBe(true);
    expect(NetworkHolders.serves({ ...spec, StdinOnce: false })).toBe(false);
    expect(NetworkHolders.serves({ ...spec, HostConfig: { NetworkMode: "isol8-net-x" } })).toBe(false);
  });
});
