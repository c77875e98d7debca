import { hostname } from "node:os";
import type Docker from "dockerode";
import { describe, expect, it } from "vitest";
import type { Sandbox } from "../sandbox/sandbox.js";
import { SandboxNetworks } from "./sandbox-networks.js";

/** Enough of Docker's network API to watch what SandboxNetworks asks for. */
function fakeDocker(existing: { Id: string; Subnet: string; Labels?: Record<string, string> }[] = []) {
  const networks = new Map<
    string,
    { subnet: string; containers: Set<string>; labels: Record<string, string> }
  >();
  for (const network of existing) {
    networks.set(network.Id, { subnet: network.Subnet, containers: new Set(), labels: network.Labels ?? {} });
  }
  const log: string[] = [];
  let next = 0;
  const docker = {
    async listNetworks() {
      return [...networks].map(([Id, network]) => ({
        Id,
        Labels: network.labels,
        IPAM: { Config: [{ Subnet: network.subnet }] },
      }));
    },
    async createNetwork(spec: Docker.NetworkCreateOptions) {
      const subnet = spec.IPAM?.Config?.[0]?.Subnet ?? "";
      if ([...networks.values()].some((network) => network.subnet === subnet)) {
        throw new Error("Pool overlaps with other one on this address space");
      }
      const id = `net${++next}`;
      networks.set(id, { subnet, containers: new Set(), labels: spec.Labels ?? {} });
      log.push(`create ${id} ${subnet}`);
      return { id };
    },
    getNetwork(id: string) {
      return {
        async connect({ Container }: { Container: string }) {
          networks.get(id)?.containers.add(Container);
          log.push(`connect ${Container} ${id}`);
        },
        async disconnect({ Container }: { Container: string }) {
          networks.get(id)?.containers.delete(Container);
          log.push(`disconnect ${Container} ${id}`);
        },
        async remove() {
          if ((networks.get(id)?.containers.size ?? 0) > 0) throw new Error("has active endpoints");
          networks.delete(id);
          log.push(`remove ${id}`);
        },
        async inspect() {
          return {
            Containers: Object.fromEntries([...(networks.get(id)?.containers ?? [])].map((c) => [c, {}])),
          };
        },
      };
    },
    getContainer(id: string) {
      return {
        inspect: async () => ({
          Config: { Labels: { "org.isol8.kind": id.startsWith("proxy") ? "proxy" : "sandbox" } },
          State: { Running: true },
        }),
      };
    },
  };
  return { docker: docker as unknown as Docker, networks, log };
}

let sandboxes = 0;
/** A started sandbox whose removal the test decides. */
function fakeSandbox(spec: Docker.ContainerCreateOptions) {
  const id = `sandbox${++sandboxes}`;
  let gone: () => void = () => undefined;
  const removed = new Promise<void>((resolve) => {
    gone = resolve;
  });
  const sandbox = {
    id,
    network: String(spec.HostConfig?.NetworkMode),
    joinNetwork: async () => undefined,
    leaveNetwork: async () => undefined,
    release: () => removed,
    remove: () => removed,
    detach: () => undefined,
  } as unknown as Sandbox & { network: string };
  return { sandbox, gone: () => gone() };
}

const proxy = { id: "proxy1", port: 3128 };

async function startOne(networks: SandboxNetworks) {
  let made: ReturnType<typeof fakeSandbox> | undefined;
  const sandbox = await networks.start(
    { HostConfig: { NetworkMode: networks.modeFor(proxy) } },
    async (spec) => {
      made = fakeSandbox(spec);
      return made.sandbox;
    },
  );
  if (!made) throw new Error("not started");
  return { sandbox, network: (made.sandbox as unknown as { network: string }).network, gone: made.gone };
}

describe("SandboxNetworks", () => {
  it("gives sandboxes running at once networks of their own, each with the proxy at its third address", async () => {
    const { docker, log } = fakeDocker();
    const networks = new SandboxNetworks(docker, { repository: "isol8" });
    const [a, b] = await Promise.all([startOne(networks), startOne(networks)]);
    expect(a.network).not.toBe(b.network);
    const lease = networks.leaseOf(a.sandbox, proxy);
    expect(lease?.proxyAddress).toMatch(/^10\.213\.\d+\.(\d+)$/);
    expect(Number(lease?.proxyAddress.split(".")[3]) % 16).toBe(2);
    expect(log.filter((line) => line.startsWith("connect proxy1"))).toHaveLength(2);
  });

  it("lends a network to the next sandbox only once the previous one is gone", async () => {
    const { docker, log } = fakeDocker();
    const networks = new SandboxNetworks(docker, { repository: "isol8" });
    const first = await startOne(networks);
    const release = first.sandbox.release();
    const second = await startOne(networks);
    expect(second.network).not.toBe(first.network);
    first.gone();
    await release;
    const third = await startOne(networks);
    expect(third.network).toBe(first.network);
    expect(log.filter((line) => line.startsWith("create"))).toHaveLength(2);
  });

  it("removes its free networks on close, and lent ones once their sandbox is gone", async () => {
    const { docker, networks: onDocker } = fakeDocker();
    const networks = new SandboxNetworks(docker, { repository: "isol8" });
    const free = await startOne(networks);
    free.gone();
    await free.sandbox.release();
    const lent = await startOne(networks);
    const busy = await startOne(networks);
    void lent.sandbox.release();
    void busy.sandbox.release();
    const closed = networks.close();
    lent.gone();
    busy.gone();
    await closed;
    expect([...onDocker.keys()]).toEqual([]);
  });

  it("skips subnets other networks hold, and sweeps the networks of a process of this host that died", async () => {
    const dead = { "org.isol8.managed": "true", "org.isol8.network.owner": `${hostname()}:999999999` };
    const { docker, networks: onDocker } = fakeDocker([
      { Id: "orphan", Subnet: "10.213.0.0/28", Labels: dead },
      {
        Id: "another-hosts",
        Subnet: "10.213.0.16/28",
        Labels: { ...dead, "org.isol8.network.owner": "other-host:1" },
      },
    ]);
    const networks = new SandboxNetworks(docker, {
      repository: "isol8",
      addressPool: { base: "10.213.0.0/26", size: 28 },
    });
    const started = await startOne(networks);
    // Closing waits for the sweep; the started sandbox's network is left to its own removal.
    await networks.close({ waitForLent: false });
    expect(onDocker.has("orphan")).toBe(false);
    expect(onDocker.has("another-hosts")).toBe(true);
    expect(["10.213.0.32/28", "10.213.0.48/28"]).toContain(networks.leaseOf(started.sandbox, proxy)?.subnet);
  });

  it("says the pool is exhausted when every subnet is taken", async () => {
    const { docker } = fakeDocker([{ Id: "a", Subnet: "10.213.0.0/28" }]);
    const networks = new SandboxNetworks(docker, {
      repository: "isol8",
      addressPool: { base: "10.213.0.0/28", size: 28 },
    });
    await expect(startOne(networks)).rejects.toThrow("The address pool of sandbox networks is exhausted");
  });
});
