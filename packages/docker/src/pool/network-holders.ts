import { randomBytes } from "node:crypto";
import type Docker from "dockerode";
import { LABELS } from "../labels.js";
import { afterGone } from "../sandbox/after-gone.js";
import type { Sandbox } from "../sandbox/sandbox.js";

/**
 * Loopback-only network namespaces for pooled sandboxes, each lent to one sandbox at a time.
 *
 * Docker 20.10 makes every `--network none` container's namespace by re-running its own 100 MB binary: on our
 * 2-core machines that is half of a container start, and it caps single-use containers at ~9 per second. A holder
 * is a tiny container (`sleep`, no network, no capabilities) whose namespace a pooled sandbox joins instead
 * (`NetworkMode: container:<holder>`), which takes Docker to ~15 per second.
 *
 * Isolation: a holder serves one sandbox at a time, never two at once, and goes back to the free list only once
 * Docker reports that sandbox's container removed — every process of it dead, so every socket closed. What a
 * loopback-only namespace could carry from one sandbox to the next (listening sockets, abstract Unix sockets) dies
 * with the processes; what outlives them (addresses, routes, firewall rules, sysctls) needs CAP_NET_ADMIN, which no
 * sandbox has. Files, processes, /tmp, IPC and the PID namespace stay the sandbox's own. What sandboxes on one
 * holder do share: the hostname (`sandbox`) and /etc/hosts of the holder.
 */
export class NetworkHolders {
  private readonly free: string[] = [];
  private readonly all = new Set<string>();
  private closed = false;

  constructor(
    private readonly docker: Docker,
    private readonly seccompProfile: () => Promise<string>,
  ) {}

  /** Single-use sandboxes without a network: the holder's namespace has nothing but loopback. */
  static serves(spec: Docker.ContainerCreateOptions): boolean {
    return spec.HostConfig?.NetworkMode === "none" && spec.StdinOnce === true;
  }

  /**
   * Starts a sandbox in a free holder's namespace (a new holder when none is free), lent to it until its container
   * is gone. A holder that fails its sandbox is dropped, never lent again. A holder only saves time: when none
   * can be made (Docker failing its start, as a loaded engine now and then does), the sandbox gets a loopback-only
   * namespace of its own, as without the pool.
   */
  async start(
    spec: Docker.ContainerCreateOptions,
    startSandbox: (spec: Docker.ContainerCreateOptions) => Promise<Sandbox>,
  ): Promise<Sandbox> {
    let holder = this.free.pop();
    if (holder === undefined) {
      try {
        holder = await this.create(String(spec.Image));
      } catch {
        return startSandbox(spec);
      }
    }
    let sandbox: Sandbox;
    try {
      sandbox = await startSandbox({
        ...spec,
        HostConfig: { ...spec.HostConfig, NetworkMode: `container:${holder}` },
      });
    } catch (error) {
      void this.drop(holder);
      throw error;
    }
    return afterGone(sandbox, (removed) => (removed ? this.giveBack(holder) : void this.drop(holder)));
  }

  /** Removes every holder; sandboxes still running keep their namespace until they end. */
  async close(): Promise<void> {
    this.closed = true;
    this.free.length = 0;
    await Promise.all([...this.all].map((holder) => this.drop(holder)));
  }

  private async create(image: string): Promise<string> {
    const container = await this.docker.createContainer({
      name: `isol8-netns-${randomBytes(8).toString("hex")}`,
      Image: image,
      Entrypoint: ["sleep", "infinity"],
      Cmd: [],
      User: "1000:1000",
      Hostname: "sandbox",
      Labels: { [LABELS.managed]: "true", [LABELS.kind]: "netns" },
      StopTimeout: 1,
      HostConfig: {
        NetworkMode: "none",
        AutoRemove: true,
        ReadonlyRootfs: true,
        CapDrop: ["ALL"],
        SecurityOpt: ["no-new-privileges:true", `seccomp=${await this.seccompProfile()}`],
        Memory: 16 * 1024 * 1024,
        MemorySwap: 16 * 1024 * 1024,
        PidsLimit: 4,
        IpcMode: "private",
      },
    });
    this.all.add(container.id);
    try {
      await container.start();
    } catch (error) {
      await this.drop(container.id);
      throw error;
    }
    return container.id;
  }

  private giveBack(holder: string): void {
    if (this.closed || !this.all.has(holder)) return;
    this.free.push(holder);
  }

  private async drop(holder: string): Promise<void> {
    this.all.delete(holder);
    const index = this.free.indexOf(holder);
    if (index >= 0) this.free.splice(index, 1);
    await this.docker
      .getContainer(holder)
      .remove({ force: true, v: true })
      .catch(() => undefined);
  }
}
