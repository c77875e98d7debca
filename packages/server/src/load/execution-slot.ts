import { type ExecutionResult, isIsol8Error } from "@isol8/core";
import type { Caller, ServerContext } from "../context.js";
import { rejectionReason } from "../metrics.js";

/** A slot held for one execution, and the signal its engine call must obey. */
export interface Slot {
  /** Aborts when the client goes away or the server's shutdown deadline passes. */
  signal: AbortSignal;
  /**
   * Frees the slot and records the outcome in the metrics; safe to call more than once. A refusal by the engine
   * (a bad workdir, an unknown runtime) is counted as a rejection where it is answered, not here.
   */
  finish(outcome: { result: ExecutionResult } | { error: unknown }): void;
}

/**
 * Waits for a slot under the server's, the tenant's and the key's caps. A client that goes away while queued is
 * dropped from the queue; once running, its going away aborts the engine call (which removes the sandbox).
 */
export async function acquireSlot(
  context: ServerContext,
  caller: Caller,
  runtime: string,
  clientSignal: AbortSignal,
): Promise<Slot> {
  const tenantPolicy = context.policy.forTenant(caller.tenant);
  const release = await context.scheduler.acquire({
    tenant: caller.tenant,
    tenantConcurrency: tenantPolicy.maxConcurrentExecutions,
    tenantQueue: tenantPolicy.maxQueuedExecutions,
    keyId: caller.keyId,
    keyConcurrency: caller.quota.maxConcurrentExecutions,
    signal: clientSignal,
  });
  const signal = AbortSignal.any([clientSignal, context.shutdown]);
  const started = performance.now();
  let finished = false;
  return {
    signal,
    finish(outcome) {
      if (finished) return;
      finished = true;
      release();
      if ("result" in outcome) {
        context.metrics.executionFinished(runtime, outcome.result);
        return;
      }
      const { error } = outcome;
      if (rejectionReason(error)) return;
      const cancelled = signal.aborted || (isIsol8Error(error) && error.code === "CANCELLED");
      context.metrics.executionFailed(
        runtime,
        cancelled ? "cancelled" : "failed",
        (performance.now() - started) / 1000,
      );
    },
  };
}
