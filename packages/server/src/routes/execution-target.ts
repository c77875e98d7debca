import type { ExecuteOptions, ExecutionEvent, ExecutionResult } from "@isol8/core";
import type { Caller, ServerContext } from "../context.js";
import { acquireSlot } from "../load/execution-slot.js";
import { countRejection } from "../metrics.js";
import { executionFromWire, sessionExecutionFromWire } from "../policy/apply-policy.js";
import type { WireExecutionRequest, WireSessionExecutionRequest } from "../wire/execution-schemas.js";
import { sseResponse } from "./sse.js";

/**
 * A client's execution once the policy has shaped it, bound to where it runs: a fresh sandbox or one of the
 * tenant's sessions. Every transport (a whole JSON answer, Server-Sent Events, a WebSocket) runs one of these, so
 * ceilings, tenant isolation and slots are decided in one place whichever way the client came.
 */
export interface ExecutionTarget {
  /** The runtime, for the metrics' labels. */
  runtime: string;
  execute(options: ExecuteOptions): Promise<ExecutionResult>;
  executeStream(options: Omit<ExecuteOptions, "onEvent">): AsyncIterable<ExecutionEvent>;
}

/** A run in a fresh sandbox; POLICY_DENIED when the request is above the tenant's ceilings. */
export function freshTarget(
  context: ServerContext,
  caller: Caller,
  wire: WireExecutionRequest,
): ExecutionTarget {
  const request = executionFromWire(context.policy.forTenant(caller.tenant), wire);
  return {
    runtime: request.runtime,
    execute: (options) => context.engine.execute(request, options),
    executeStream: (options) => context.engine.executeStream(request, options),
  };
}

/** A run in the caller's session `id`; NOT_FOUND for an unknown or another tenant's id. */
export async function sessionTarget(
  context: ServerContext,
  caller: Caller,
  id: string,
  wire: WireSessionExecutionRequest,
): Promise<ExecutionTarget> {
  const request = sessionExecutionFromWire(context.policy.forTenant(caller.tenant), wire);
  const { session } = await context.sessions.open(caller.tenant, id);
  return {
    runtime: session.runtime,
    execute: (options) => session.execute(request, options),
    executeStream: (options) => session.executeStream(request, options),
  };
}

/** Runs the target under a slot and resolves with the whole result. */
export async function runWhole(
  context: ServerContext,
  caller: Caller,
  target: ExecutionTarget,
  clientSignal: AbortSignal,
): Promise<ExecutionResult> {
  const slot = await acquireSlot(context, caller, target.runtime, clientSignal);
  try {
    const result = await target.execute({ signal: slot.signal });
    slot.finish({ result });
    return result;
  } catch (error) {
    slot.finish({ error });
    throw error;
  }
}

/** Runs the target under a slot as a Server-Sent Events response. */
export async function runAsSse(
  context: ServerContext,
  caller: Caller,
  target: ExecutionTarget,
  clientSignal: AbortSignal,
): Promise<Response> {
  // The slot is taken before the stream starts, so a full queue is still a 429 rather than an event.
  const slot = await acquireSlot(context, caller, target.runtime, clientSignal);
  const controller = new AbortController();
  const signal = AbortSignal.any([slot.signal, controller.signal]);
  return sseResponse(target.executeStream({ signal }), {
    keepAliveMs: context.keepAliveMs,
    onCancel: () => controller.abort(),
    onEnd: (outcome) => slot.finish(outcome),
    logError: context.logError,
    countRejection: (error) => countRejection(context.metrics, error),
  });
}
