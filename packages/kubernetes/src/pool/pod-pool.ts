import { stableHash } from "@isol8/core";
import type { V1Pod } from "@kubernetes/client-node";
import type { PodSandbox } from "../pod/sandbox-pod.js";

export interface PodPoolOptions {
  /** Ready pods kept per kind. 0 turns the pool off. */
  size: number;
  /** An unclaimed pod is deleted after this long. */
  idleTimeoutMs: number;
}

interface Waiting {
  sandbox: PodSandbox;
  timer: NodeJS.Timeout;
}

/**
 * Pods started ahead of need, per kind (the pod spec without its name), each used for exactly one execution: an
 * execution claims one (no pod start on its path) and the pool starts its replacement in the background. Pods that
 * wait too long are deleted, so an idle engine holds nothing for long.
 */
export class PodPool {
  private readonly ready = new Map<string, Waiting[]>();
  private readonly filling = new Map<string, number>();
  private closed = false;

  constructor(
    private readonly start: (pod: V1Pod) => Promise<PodSandbox>,
    private readonly options: PodPoolOptions,
    private readonly track: (work: Promise<unknown>) => void,
  ) {}

  /** The key of the executions a pod of this spec can serve: everything but its name. */
  static keyOf(pod: V1Pod): string {
    return stableHash({ ...pod, metadata: { ...pod.metadata, name: "" } }).slice(0, 16);
  }

  /** A ready pod of this kind, or undefined (the caller starts one); either way the pool refills. */
  claim(key: string, make: () => V1Pod): PodSandbox | undefined {
    if (this.options.size === 0 || this.closed) return undefined;
    const waiting = this.ready.get(key) ?? [];
    let claimed: PodSandbox | undefined;
    while (!claimed && waiting.length > 0) {
      const next = waiting.shift() as Waiting;
      clearTimeout(next.timer);
      if (next.sandbox.agent.alive) claimed = next.sandbox;
      else this.track(next.sandbox.release());
    }
    this.fill(key, make);
    if (claimed) claimed.prestarted = true;
    return claimed;
  }

  /** Starts pods of this kind until the pool holds `size`; resolves once they are ready. */
  async prewarm(key: string, make: () => V1Pod): Promise<void> {
    await Promise.all(this.fill(key, make));
  }

  /** Deletes every waiting pod. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.ready.values()].flat();
    this.ready.clear();
    await Promise.all(
      all.map((waiting) => {
        clearTimeout(waiting.timer);
        return waiting.sandbox.release().catch(() => undefined);
      }),
    );
  }

  private fill(key: string, make: () => V1Pod): Promise<void>[] {
    const have = (this.ready.get(key)?.length ?? 0) + (this.filling.get(key) ?? 0);
    const starts: Promise<void>[] = [];
    for (let i = have; i < this.options.size; i++) {
      this.filling.set(key, (this.filling.get(key) ?? 0) + 1);
      const started = this.start(make())
        .then((sandbox) => this.keep(key, sandbox))
        .finally(() => this.filling.set(key, (this.filling.get(key) ?? 1) - 1));
      this.track(started);
      starts.push(started.catch(() => undefined));
    }
    return starts;
  }

  private keep(key: string, sandbox: PodSandbox): void {
    if (this.closed) {
      this.track(sandbox.release());
      return;
    }
    const list = this.ready.get(key) ?? [];
    const timer = setTimeout(() => {
      const index = list.findIndex((waiting) => waiting.sandbox === sandbox);
      if (index >= 0) list.splice(index, 1);
      this.track(sandbox.release());
    }, this.options.idleTimeoutMs);
    timer.unref();
    list.push({ sandbox, timer });
    this.ready.set(key, list);
  }
}
