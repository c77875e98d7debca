/**
 * Remembers image lookups for a moment. A burst of executions (an agent calling thousands of times) would
 * otherwise ask the engine about the same image twice per run; a few seconds of staleness is harmless because an
 * image that another process replaces meanwhile still exists under its id, and this process's own builds clear
 * the memory.
 */
export class RecentLookups<T> {
  private readonly entries = new Map<string, { value: T; until: number }>();

  constructor(private readonly ttlMs: number) {}

  async get(key: string, lookup: () => Promise<T>): Promise<T> {
    const entry = this.entries.get(key);
    if (entry && entry.until > Date.now()) return entry.value;
    const value = await lookup();
    this.entries.set(key, { value, until: Date.now() + this.ttlMs });
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}
