import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { Isol8Error } from "@isol8/core";
import type Docker from "dockerode";
import { isConflict, isNotFound } from "../client.js";
import { LABELS } from "../labels.js";
import { afterGone } from "../sandbox/after-gone.js";
import type { Sandbox } from "../sandbox/sandbox.js";
import {
  type AddressPool,
  candidateSubnets,
  DEFAULT_ADDRESS_POOL,
  type ParsedAddressPool,
  parseAddressPool,
  type SandboxSubnet,
} from "./address-pool.js";
import type { EgressProxy } from "./egress-proxies.js";
import { sandboxNetworkSpec } from "./proxy-container.js";

/** A network lent to one sandbox, with one egress proxy on it. */
export interface SandboxNetworkLease {
  /** The network's id: what the sandbox is created on or joins. */
  id: string;
  name: string;
  /** Id of the proxy container on it. */
  proxyId: string;
  /** The proxy's address on this network: what the sandbox's proxy variables name. */
  proxyAddress: string;
  /**
   * The one address a sandbox gets on it. Docker gives an address to one container at a time, so a second sandbox
   * on the network fails to start instead of sharing it: one sandbox per network is the engine's rule, not only ours.
   */
  sandboxAddress: string;
  subnet: string;
}

export interface SandboxNetworksOptions {
  repository: string;
  addressPool?: AddressPool;
  /** A free network unused this long is removed. @default 300000 */
  idleTimeoutMs?: number;
}

/** NetworkMode of a container spec that asks for a network of its own behind this proxy (see `start`). */
const LEASE_PREFIX = "isol8-lease:";
/** A network removed under us (`isol8 cleanup`), or its sandbox address still held: worth one more network. */
const RETRY_ON_ANOTHER = /not found|address already in use/i;
/** Docker refusing a subnet another network holds: another process took it a moment ago. */
const OVERLAP = /overlap|address space|pool/i;
const MAX_SUBNET_TRIES = 8;
/** How often an engine that reuses its networks looks for orphaned ones. */
const SWEEP_EVERY_MS = 60_000;
/** How long `close()` waits for lent networks to come back before it leaves them to the sweep. */
const CLOSE_WAIT_MS = 15_000;

/**
 * A network of its own for every filtered sandbox (and every install), so that two sandboxes never share one: each
 * network is internal (no route out, no host address), holds the policy's proxy and one sandbox at a time, and has
 * a subnet of isol8's address pool.
 *
 * Networks are this process's alone (labelled with its host and pid) and reused: one goes back to the free list of
 * its proxy only once its sandbox is gone (the container removed) or has left it, so a sandbox never meets a
 * predecessor there, and a warm filtered run claims a ready network instead of creating one. Free networks idle
 * out; `close()` removes them, and those of a process that died are swept by the next engine that needs a network
 * (and by `isol8 cleanup`).
 */
export class SandboxNetworks {
  private readonly pool: ParsedAddressPool;
  private readonly owner = `${hostname()}:${process.pid}`;
  private readonly free = new Map<string, { lease: SandboxNetworkLease; timer: NodeJS.Timeout }[]>();
  /** Subnets of our networks, free or lent. */
  private readonly ours = new Map<string, SandboxNetworkLease>();
  /** Leases per sandbox (container id), by proxy id. */
  private readonly bySandbox = new Map<string, Map<string, SandboxNetworkLease>>();
  private readonly proxies = new Map<string, EgressProxy>();
  /** Orphaned networks being removed, and when the last look for them was. */
  private readonly sweeping = new Set<string>();
  private sweptAt = 0;
  /** Removals under way: `close()` waits for them, so a process that exits leaves no network behind. */
  private readonly removals = new Set<Promise<void>>();
  private whenAllReturned: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly docker: Docker,
    private readonly options: SandboxNetworksOptions,
  ) {
    this.pool = parseAddressPool(options.addressPool ?? DEFAULT_ADDRESS_POOL);
  }

  /** The NetworkMode that makes `start` create a sandbox on a network of its own behind this proxy. */
  modeFor(proxy: EgressProxy): string {
    this.proxies.set(proxy.id, proxy);
    return `${LEASE_PREFIX}${proxy.id}`;
  }

  /** True when a spec asks for a network of its own (`modeFor`). */
  static serves(spec: Docker.ContainerCreateOptions): boolean {
    return String(spec.HostConfig?.NetworkMode ?? "").startsWith(LEASE_PREFIX);
  }

  /**
   * Starts a sandbox on a network of its own; the network goes back to the free list once the sandbox is gone, and
   * with it any other network it joined on the way.
   */
  async start(
    spec: Docker.ContainerCreateOptions,
    startSandbox: (spec: Docker.ContainerCreateOptions) => Promise<Sandbox>,
  ): Promise<Sandbox> {
    const proxyId = String(spec.HostConfig?.NetworkMode).slice(LEASE_PREFIX.length);
    const proxy = this.proxies.get(proxyId);
    if (!proxy) throw new Isol8Error("SANDBOX_FAILED", `No egress proxy ${proxyId} is known here`);
    let lease = await this.take(proxy);
    let sandbox: Sandbox;
    try {
      sandbox = await startSandbox(this.onNetwork(spec, lease));
    } catch (error) {
      void this.discard(lease);
      if (!RETRY_ON_ANOTHER.test(String((error as Error).message))) throw error;
      lease = await this.take(proxy);
      try {
        sandbox = await startSandbox(this.onNetwork(spec, lease));
      } catch (again) {
        void this.discard(lease);
        throw again;
      }
    }
    this.record(sandbox.id, lease);
    const wrapped = afterGone(sandbox, (removed) => this.returnAll(sandbox.id, removed));
    return {
      ...wrapped,
      // A container that outlives this process (--persist) keeps its network; the sweep takes it after both.
      detach: () => {
        sandbox.detach();
        this.forget(sandbox.id);
      },
    };
  }

  /** Puts a sandbox on a network of its own behind this proxy (the one it has when it has one already). */
  async join(sandbox: Sandbox, proxy: EgressProxy): Promise<SandboxNetworkLease> {
    const existing = this.bySandbox.get(sandbox.id)?.get(proxy.id);
    if (existing) return existing;
    const lease = await this.take(proxy);
    try {
      await sandbox.joinNetwork(lease.id, lease.sandboxAddress);
    } catch (error) {
      void this.discard(lease);
      throw error;
    }
    this.record(sandbox.id, lease);
    return lease;
  }

  /** Takes a sandbox off its network behind this proxy; the network is free for the next sandbox. */
  async leave(sandbox: Sandbox, proxyId: string): Promise<void> {
    const leases = this.bySandbox.get(sandbox.id);
    const lease = leases?.get(proxyId);
    if (!lease) return;
    leases?.delete(proxyId);
    if (leases?.size === 0) this.forget(sandbox.id);
    try {
      await sandbox.leaveNetwork(lease.id);
    } catch (error) {
      void this.discard(lease);
      throw error;
    }
    this.giveBack(lease);
  }

  /** Takes a kept-alive sandbox (a session) off every network it was lent. */
  async leaveAll(sandbox: Sandbox): Promise<void> {
    const leases = [...(this.bySandbox.get(sandbox.id)?.values() ?? [])];
    await Promise.all(leases.map((lease) => this.leave(sandbox, lease.proxyId)));
  }

  /** The lease a sandbox holds behind this proxy, if any. */
  leaseOf(sandbox: Sandbox, proxy: EgressProxy): SandboxNetworkLease | undefined {
    return this.bySandbox.get(sandbox.id)?.get(proxy.id);
  }

  /**
   * Removes the free networks, and the lent ones once their sandboxes are gone (a released sandbox takes a moment
   * to go) unless `waitForLent` is false: a process about to exit (the CLI) leaves those to the sweep of the next
   * isol8 process, which runs beside that process's own execution. Sandboxes that outlive the engine (--persist,
   * sessions) keep their networks until they are removed; the sweep and `isol8 cleanup` take them then.
   */
  async close(options: { waitForLent?: boolean } = {}): Promise<void> {
    this.closed = true;
    for (const { lease, timer } of [...this.free.values()].flat()) {
      clearTimeout(timer);
      void this.discard(lease);
    }
    this.free.clear();
    if (this.bySandbox.size > 0 && options.waitForLent !== false) {
      const returned = new Promise<void>((resolve) => {
        this.whenAllReturned = resolve;
      });
      const timer = setTimeout(() => this.whenAllReturned?.(), CLOSE_WAIT_MS);
      await returned;
      clearTimeout(timer);
    }
    while (this.removals.size > 0) await Promise.all([...this.removals]);
  }

  /**
   * A ready network behind the proxy: a free one, else a new one. A long-lived engine that keeps reusing its
   * networks still sweeps now and then, in the background, for what CLI runs left.
   */
  private async take(proxy: EgressProxy): Promise<SandboxNetworkLease> {
    const shelf = this.free.get(proxy.id);
    const entry = shelf?.pop();
    if (entry) {
      clearTimeout(entry.timer);
      if (Date.now() - this.sweptAt > SWEEP_EVERY_MS) void this.takenSubnets().catch(() => undefined);
      return entry.lease;
    }
    return this.create(proxy);
  }

  private async create(proxy: EgressProxy): Promise<SandboxNetworkLease> {
    const taken = await this.takenSubnets();
    const name = `isol8-sbx-${randomBytes(6).toString("hex")}`;
    let tries = 0;
    for (const subnet of candidateSubnets(this.pool, taken)) {
      if (this.ours.has(subnet.subnet)) continue;
      tries++;
      let id: string;
      try {
        id = (await this.docker.createNetwork(this.spec(name, subnet))).id;
      } catch (error) {
        taken.add(subnet.subnet);
        if (tries < MAX_SUBNET_TRIES && (OVERLAP.test(String((error as Error).message)) || isConflict(error)))
          continue;
        throw networkFailed(name, error);
      }
      const lease: SandboxNetworkLease = {
        id,
        name,
        proxyId: proxy.id,
        proxyAddress: subnet.proxy,
        sandboxAddress: subnet.sandbox,
        subnet: subnet.subnet,
      };
      this.ours.set(subnet.subnet, lease);
      try {
        await this.docker.getNetwork(id).connect({
          Container: proxy.id,
          EndpointConfig: { IPAMConfig: { IPv4Address: subnet.proxy } },
        });
      } catch (error) {
        await this.discard(lease);
        throw networkFailed(name, error);
      }
      return lease;
    }
    throw new Isol8Error("SANDBOX_FAILED", "The address pool of sandbox networks is exhausted", {
      hint: 'Remove idle networks with `isol8 cleanup`, or give a larger range as "addressPool" in isol8.config.json.',
    });
  }

  private spec(name: string, subnet: SandboxSubnet): Docker.NetworkCreateOptions {
    return sandboxNetworkSpec({
      name,
      subnet: subnet.subnet,
      gateway: subnet.gateway,
      repository: this.options.repository,
      owner: this.owner,
    });
  }

  /**
   * Subnets other networks hold, read before each creation (networks are created rarely: they are reused); the read
   * also sweeps the networks that processes which died on this host left behind.
   */
  private async takenSubnets(): Promise<Set<string>> {
    this.sweptAt = Date.now();
    const networks = await this.docker.listNetworks();
    const taken = new Set<string>();
    for (const network of networks) {
      for (const config of network.IPAM?.Config ?? []) if (config.Subnet) taken.add(config.Subnet);
      if (isOrphan(network.Labels ?? {}) && !this.sweeping.has(network.Id)) {
        this.sweeping.add(network.Id);
        void this.trackRemoval(removeOrphan(this.docker, network.Id)).finally(() =>
          this.sweeping.delete(network.Id),
        );
      }
    }
    return taken;
  }

  private onNetwork(
    spec: Docker.ContainerCreateOptions,
    lease: SandboxNetworkLease,
  ): Docker.ContainerCreateOptions {
    return {
      ...spec,
      HostConfig: { ...spec.HostConfig, NetworkMode: lease.id },
      NetworkingConfig: {
        EndpointsConfig: { [lease.id]: { IPAMConfig: { IPv4Address: lease.sandboxAddress } } },
      },
    };
  }

  private record(sandboxId: string, lease: SandboxNetworkLease): void {
    let leases = this.bySandbox.get(sandboxId);
    if (!leases) {
      leases = new Map();
      this.bySandbox.set(sandboxId, leases);
    }
    leases.set(lease.proxyId, lease);
  }

  /** No longer this engine's to return. */
  private forget(sandboxId: string): void {
    this.bySandbox.delete(sandboxId);
    if (this.bySandbox.size === 0) this.whenAllReturned?.();
  }

  /** The sandbox is gone: its networks are free (or, when its removal failed, dropped). */
  private returnAll(sandboxId: string, reusable: boolean): void {
    const leases = this.bySandbox.get(sandboxId);
    for (const lease of leases?.values() ?? []) {
      if (reusable) this.giveBack(lease);
      else void this.discard(lease);
    }
    this.forget(sandboxId);
  }

  private giveBack(lease: SandboxNetworkLease): void {
    if (this.closed) {
      void this.discard(lease);
      return;
    }
    const timer = setTimeout(() => {
      const shelf = this.free.get(lease.proxyId) ?? [];
      const index = shelf.findIndex((entry) => entry.lease === lease);
      if (index >= 0) shelf.splice(index, 1);
      void this.discard(lease);
    }, this.options.idleTimeoutMs ?? 300_000);
    timer.unref();
    let shelf = this.free.get(lease.proxyId);
    if (!shelf) {
      shelf = [];
      this.free.set(lease.proxyId, shelf);
    }
    shelf.push({ lease, timer });
  }

  /** Removes a network of ours: the proxy leaves first, since Docker removes only networks nobody is on. */
  private discard(lease: SandboxNetworkLease): Promise<void> {
    this.ours.delete(lease.subnet);
    return this.trackRemoval(removeNetwork(this.docker, lease.id, [lease.proxyId]));
  }

  private trackRemoval(work: Promise<void>): Promise<void> {
    const removal = work.catch(() => undefined).finally(() => this.removals.delete(removal));
    this.removals.add(removal);
    return removal;
  }
}

/** A sandbox network whose owner was a process of this host that no longer exists. */
function isOrphan(labels: Record<string, string>): boolean {
  const owner = labels[LABELS.owner];
  if (labels[LABELS.managed] !== "true" || !owner) return false;
  const [host, pid] = owner.split(":");
  if (host !== hostname() || !pid || Number(pid) === process.pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * Removes an orphaned network unless a running sandbox is still on it (a --persist container). The proxy, and a
 * sandbox that has stopped (a dead process's sandbox on its way out), are disconnected first.
 */
async function removeOrphan(docker: Docker, id: string): Promise<void> {
  const info = await docker.getNetwork(id).inspect();
  const attached = Object.keys(info.Containers ?? {});
  const inUse = await Promise.all(
    attached.map(async (container) => {
      try {
        const found = await docker.getContainer(container).inspect();
        return found.Config.Labels?.[LABELS.kind] !== "proxy" && found.State.Running;
      } catch (error) {
        return !isNotFound(error);
      }
    }),
  );
  if (inUse.some(Boolean)) return;
  await removeNetwork(docker, id, attached);
}

/** Disconnects these containers, then removes the network; quietly, as nobody waits for it. */
export async function removeNetwork(docker: Docker, id: string, containers: string[]): Promise<void> {
  const network = docker.getNetwork(id);
  await Promise.all(
    containers.map((container) =>
      network.disconnect({ Container: container, Force: true }).catch(() => undefined),
    ),
  );
  await network.remove().catch(() => undefined);
}

function networkFailed(name: string, cause: unknown): Isol8Error {
  return new Isol8Error(
    "SANDBOX_FAILED",
    `Cannot create the sandbox network ${name}: ${String((cause as Error)?.message ?? cause)}`,
    { cause },
  );
}
