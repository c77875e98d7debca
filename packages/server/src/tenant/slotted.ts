import { type ExecutionEvent, type ExecutionResult, Isol8Error } from "@isol8/core";
import type { Caller, ServerContext } from "../context.js";
import { acquireSlot } from "../load/execution-slot.js";

/** A signal that never aborts, for engine calls made without one. */
const NEVER = new AbortController().signal;

/** Runs one engine call in a scheduler slot, as the REST routes do: queued, capped, measured, cancellable. */
export async function runInSlot(
  context: ServerContext,
  caller: Caller,
  runtime: string,
  signal: AbortSignal | undefined,
  run: (signal: AbortSignal) => Promise<ExecutionResult>,
): Promise<ExecutionResult> {
  const slot = await acquireSlot(context, caller, runtime, signal ?? NEVER);
  try {
    const result = await run(slot.signal);
    slot.finish({ result });
    return result;
  } catch (error) {
    slot.finish({ error });
    throw error;
  }
}

/**
 * The same for a streamed call. The slot is taken before the first event, and a consumer that stops reading
 * early aborts the run, so its sandbox does not go on running for no one.
 */
export async function* streamInSlot(
  context: ServerContext,
  caller: Caller,
  runtime: string,
  signal: AbortSignal | undefined,
  start: (signal: AbortSignal) => AsyncIterable<ExecutionEvent>,
): AsyncGenerator<ExecutionEvent> {
  const slot = await acquireSlot(context, caller, runtime, signal ?? NEVER);
  const abandoned = new AbortController();
  let result: ExecutionResult | undefined;
  try {
    for await (const event of start(AbortSignal.any([slot.signal, abandoned.signal]))) {
      if (event.type === "result") result = event.result;
      yield event;
    }
    if (!result) throw new Isol8Error("INTERNAL", "the stream ended without a result");
  } catch (error) {
    slot.finish({ error });
    throw error;
  } finally {
    // Also reached when the reader returns early, which a reader that has its result may well do.
    if (result) {
      slot.finish({ result });
    } else {
      const gone = new Isol8Error("CANCELLED", "the stream's reader went away");
      abandoned.abort(gone);
      slot.finish({ error: gone });
    }
  }
}
