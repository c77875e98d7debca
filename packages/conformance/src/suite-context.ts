import type { ExecutionEvent, SandboxEngine } from "@isol8/core";
import type { ConformanceCapabilities } from "./define-conformance.js";

/** What each group of cases gets from `defineEngineConformance`. */
export interface SuiteContext {
  engine: () => SandboxEngine;
  capabilities: ConformanceCapabilities;
  leftovers: (() => Promise<string[]>) | undefined;
  egressProbePort: number;
  listeningProbe: (() => Promise<{ host: string; port: number }>) | undefined;
  timeout: number;
}

/** Every case runs python: the one runtime the suite asks engines to offer. */
export const RUNTIME = "python";

/** Polls until the engine reports no sandbox left (removal may run in the background) or the deadline passes. */
export async function settledLeftovers(context: SuiteContext, timeoutMs = 30_000): Promise<string[]> {
  const list = context.leftovers;
  if (!list) return [];
  const deadline = Date.now() + timeoutMs;
  let left = await list();
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    left = await list();
  }
  return left;
}

/** The whole stdout of the events seen so far. */
export function stdoutOf(events: readonly ExecutionEvent[]): string {
  return events.map((event) => (event.type === "stdout" ? event.data : "")).join("");
}

/** Resolves once `predicate` holds for the events collected so far; they are collected by the caller. */
export async function until(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
