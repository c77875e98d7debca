/**
 * Runs tasks one after another in the order they were given, whatever becomes of each: a failed task does not stop
 * the ones queued behind it.
 */
export function serialQueue() {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      const result = tail.then(task, task);
      tail = result.catch(() => undefined);
      return result;
    },
  };
}
