import { Isol8Error } from "@isol8/core";

/** A full queue: the response is 429 with this Retry-After. */
export class BusyError extends Isol8Error {
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number) {
    super("BUSY", message, { hint: `Retry in ${retryAfterSeconds} s.` });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Who asks for a slot, and the caps that apply to them. */
export interface SlotRequest {
  tenant: string;
  tenantConcurrency: number;
  tenantQueue: number;
  keyId: string;
  /** The key's own cap, if its quota sets one. */
  keyConcurrency?: number | undefined;
  /** Aborting while queued drops the request from the queue (CANCELLED). */
  signal?: AbortSignal | undefined;
}

export interface SchedulerOptions {
  maxConcurrent: number;
  maxQueued: number;
  /** Retry-After of a 429. @default 1 */
  retryAfterSeconds?: number;
}

interface Waiter {
  request: SlotRequest;
  grant: (release: () => void) => void;
  fail: (error: Error) => void;
}

export interface Scheduler {
  /** Resolves with a release function once the request may run; rejects with BusyError when no queue has room. */
  acquire(request: SlotRequest): Promise<() => void>;
  readonly running: number;
  readonly queued: number;
  /** Refuses what is queued and everything after (for shutdown). */
  close(reason: Isol8Error): void;
}

/**
 * Bounded concurrency per server, per tenant and per key, with bounded queues per server and per tenant. A slot
 * that frees goes to the oldest waiter that may run; a waiter held back by its own tenant's cap does not block
 * others. A request only waits when the queues have room; otherwise it is refused at once, since a client that
 * waits for minutes behind a long queue is better told to retry.
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const retryAfter = options.retryAfterSeconds ?? 1;
  const counts = new Map<string, number>();
  const queue: Waiter[] = [];
  let running = 0;
  let closed: Isol8Error | undefined;

  const count = (key: string) => counts.get(key) ?? 0;
  const add = (key: string, delta: number) => {
    const next = count(key) + delta;
    if (next === 0) counts.delete(key);
    else counts.set(key, next);
  };
  const canRun = (request: SlotRequest) =>
    running < options.maxConcurrent &&
    count(`run:t:${request.tenant}`) < request.tenantConcurrency &&
    (request.keyConcurrency === undefined || count(`run:k:${request.keyId}`) < request.keyConcurrency);

  const start = (request: SlotRequest): (() => void) => {
    running += 1;
    add(`run:t:${request.tenant}`, 1);
    add(`run:k:${request.keyId}`, 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      running -= 1;
      add(`run:t:${request.tenant}`, -1);
      add(`run:k:${request.keyId}`, -1);
      dispatch();
    };
  };

  const remove = (waiter: Waiter) => {
    const index = queue.indexOf(waiter);
    if (index >= 0) queue.splice(index, 1);
    add(`queue:t:${waiter.request.tenant}`, -1);
  };

  function dispatch(): void {
    for (let index = 0; index < queue.length && running < options.maxConcurrent; ) {
      const waiter = queue[index];
      if (waiter && canRun(waiter.request)) {
        remove(waiter);
        waiter.grant(start(waiter.request));
      } else {
        index += 1;
      }
    }
  }

  return {
    acquire(request) {
      if (closed) return Promise.reject(closed);
      if (request.signal?.aborted) return Promise.reject(cancelled());
      if (canRun(request)) return Promise.resolve(start(request));
      if (queue.length >= options.maxQueued) {
        return Promise.reject(new BusyError("the server's queue is full", retryAfter));
      }
      if (count(`queue:t:${request.tenant}`) >= request.tenantQueue) {
        return Promise.reject(
          new BusyError(`tenant "${request.tenant}" has its whole queue waiting`, retryAfter),
        );
      }
      return new Promise((resolve, reject) => {
        const onAbort = () => {
          remove(waiter);
          reject(cancelled());
        };
        const waiter: Waiter = {
          request,
          grant: (release) => {
            request.signal?.removeEventListener("abort", onAbort);
            resolve(release);
          },
          fail: (error) => {
            request.signal?.removeEventListener("abort", onAbort);
            reject(error);
          },
        };
        queue.push(waiter);
        add(`queue:t:${request.tenant}`, 1);
        request.signal?.addEventListener("abort", onAbort, { once: true });
      });
    },
    get running() {
      return running;
    },
    get queued() {
      return queue.length;
    },
    close(reason) {
      closed = reason;
      for (const waiter of [...queue]) {
        remove(waiter);
        waiter.fail(reason);
      }
    },
  };
}

function cancelled(): Isol8Error {
  return new Isol8Error("CANCELLED", "the client went away while its request was queued");
}
