import type { ExecutionEvent, ExecutionResult } from "./execution.js";

/**
 * Adapts a callback-driven execution to an async iterable. Events are queued until read, so a slow reader loses
 * nothing; output is capped upstream, which bounds the queue.
 */
export async function* eventStream(
  run: (onEvent: (event: ExecutionEvent) => void) => Promise<ExecutionResult>,
): AsyncIterable<ExecutionEvent> {
  const queue: ExecutionEvent[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  let failure: unknown;
  const finished = run((event) => {
    queue.push(event);
    wake?.();
  }).then(
    () => {
      done = true;
      wake?.();
    },
    (error: unknown) => {
      failure = error;
      done = true;
      wake?.();
    },
  );
  while (true) {
    const event = queue.shift();
    if (event) {
      yield event;
      continue;
    }
    if (done) break;
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
    wake = undefined;
  }
  await finished;
  if (failure) throw failure;
}
