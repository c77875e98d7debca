import { stableHash } from "@isol8/core";
import type Docker from "dockerode";
import type { Sandbox } from "../sandbox/sandbox.js";

export interface SandboxPoolOptions {
  /** Pre-started sandboxes kept ready per kind (image, limits, network). 0 turns the pool off. */
  size: number;
  /** How long an unclaimed sandbox is kept before it is removed. */
  idleTimeoutMs: number;
}

export type StartSandbox = (spec: Docker.ContainerCreateOptions, signal?: AbortSignal) => Promise<Sandbox>;

interface Shelf {
  spec: Docker.ContainerCreateOptions;
  ready: { sandbox: Sandbox; timer: NodeJS.Timeout }[];
  starting: number;
}

/**
 * Keeps started, never-used sandboxes per kind so that an execution skips the container start (the slowest step):
 * a claim takes one, the pool starts its replacement in the background, and every sandbox serves exactly one
 * execution — fresh every time, fast every time. A pooled sandbox that died is discarded, never handed out.
 */
export class SandboxPool {
  private readonly shelves = new Map<string, Shelf>();
  private closed = false;

  constructor(
    private readonly start: StartSandbox,
    private readonly options: SandboxPoolOptions,
    private readonly track: (work: Promise<unknown>) => void,
  ) {}

  /**
   * A ready sandbox of this kind when one is waiting, else a freshly started one; then refills in the background.
   * A container start is the busiest step there is: while other sandboxes of the kind are still ready, the refill
   * waits until the claimed one is released, so that it does not compete with that execution for the CPU.
   */
  async acquire(spec: Docker.ContainerCreateOptions, signal?: AbortSignal): Promise<Sandbox> {
    if (this.options.size <= 0 || this.closed) return this.start(spec, signal);
    const shelf = this.shelf(spec);
    let claimed: Sandbox | undefined;
    while (!claimed && shelf.ready.length > 0) {
      const entry = shelf.ready.shift();
      if (!entry) break;
      clearTimeout(entry.timer);
      if (entry.sandbox.agent.alive) claimed = { ...entry.sandbox, prestarted: true };
      else this.track(entry.sandbox.remove());
    }
    if (claimed && shelf.ready.length > 0) return this.refillAfterUse(shelf, claimed);
    this.refill(shelf);
    return claimed ?? this.start(spec, signal);
  }

  /** Starts sandboxes of this kind until the pool holds `size` of them. */
  prewarm(spec: Docker.ContainerCreateOptions): Promise<void> {
    const shelf = this.shelf(spec);
    const pending = this.refill(shelf);
    return Promise.all(pending).then(() => undefined);
  }

  /** Removes every pooled sandbox and stops refilling. */
  async close(): Promise<void> {
    this.closed = true;
    const removals: Promise<void>[] = [];
    for (const shelf of this.shelves.values()) {
      for (const entry of shelf.ready.splice(0)) {
        clearTimeout(entry.timer);
        entry.sandbox.agent.close();
        removals.push(entry.sandbox.remove());
      }
    }
    await Promise.allSettled(removals);
  }

  private shelf(spec: Docker.ContainerCreateOptions): Shelf {
    const key = stableHash(spec);
    let shelf = this.shelves.get(key);
    if (!shelf) {
      shelf = { spec, ready: [], starting: 0 };
      this.shelves.set(key, shelf);
    }
    return shelf;
  }

  private refill(shelf: Shelf): Promise<void>[] {
    const pending: Promise<void>[] = [];
    while (!this.closed && shelf.ready.length + shelf.starting < this.options.size) {
      shelf.starting++;
      const started = this.start(shelf.spec)
        .then((sandbox) => {
          if (this.closed) {
            sandbox.agent.close();
            this.track(sandbox.remove());
            return;
          }
          const timer = setTimeout(() => this.expire(shelf, sandbox), this.options.idleTimeoutMs);
          timer.unref();
          shelf.ready.push({ sandbox, timer });
        })
        .finally(() => {
          shelf.starting--;
        });
      // A failed refill is not an execution's failure: the next claim starts a sandbox itself and reports then.
      const settled = started.catch(() => undefined);
      this.track(settled);
      pending.push(settled);
    }
    return pending;
  }

  /** The claimed sandbox, which refills its shelf once the execution lets go of it (released or detached). */
  private refillAfterUse(shelf: Shelf, sandbox: Sandbox): Sandbox {
    let refilled = false;
    const refill = () => {
      if (refilled) return;
      refilled = true;
      this.refill(shelf);
    };
    return {
      ...sandbox,
      release: () => {
        refill();
        return sandbox.release();
      },
      detach: () => {
        refill();
        sandbox.detach();
      },
    };
  }

  private expire(shelf: Shelf, sandbox: Sandbox): void {
    const index = shelf.ready.findIndex((entry) => entry.sandbox === sandbox);
    if (index < 0) return;
    shelf.ready.splice(index, 1);
    sandbox.agent.close();
    this.track(sandbox.remove());
  }
}
