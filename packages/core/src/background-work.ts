/** Work that runs in the background (its failure is nobody's to report) and that `drain()` waits for. */
export function backgroundWork() {
  const pending = new Set<Promise<unknown>>();
  return {
    track(work: Promise<unknown>): void {
      const settled = work.catch(() => undefined).finally(() => pending.delete(settled));
      pending.add(settled);
    },
    /** Resolves once nothing is pending, including work tracked while it waits. */
    async drain(): Promise<void> {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}
