import type { DockerEngine } from "@isol8/docker";
import { buildTestEngine } from "../tests/docker/helpers/engine.js";
import { pause, type Summary, summarize, timed } from "./stats.js";

/** A policy no run here uses the network of: what is measured is the network's setup, not a request. */
const FILTERED = { mode: "filtered" as const, allow: ["pypi.org"] };

export interface FilteredResult {
  /** Pooled engine, filtered policy. */
  warmFiltered: Summary;
  /** The same pooled engine without a network: the baseline of the same run. */
  warmNone: Summary;
  /** No pool, filtered policy. */
  coldFiltered: Summary;
  coldNone: Summary;
}

async function printOne(engine: DockerEngine, filtered: boolean): Promise<number> {
  const run = await timed(() =>
    engine.execute({ runtime: "python", code: "print(1)", ...(filtered ? { network: FILTERED } : {}) }),
  );
  if (run.value.exitCode !== 0 || run.value.stdout !== "1\n") {
    throw new Error(`python exited ${run.value.exitCode}: ${run.value.stderr}`);
  }
  return run.ms;
}

/**
 * `print(1)` on a filtered network against the same without one, warm (pool) and cold (no pool), interleaved so
 * that both see the same load. The proxy of the policy is started before the samples.
 */
export async function filteredPhase(iterations: number, pauseMs: number): Promise<FilteredResult> {
  const sample = async (engine: DockerEngine, warm: boolean) => {
    const filtered: number[] = [];
    const none: number[] = [];
    if (warm) {
      await engine.prewarm({ runtime: "python" });
    }
    for (let i = 0; i < 2; i++) {
      await printOne(engine, true);
      await printOne(engine, false);
    }
    for (let i = 0; i < iterations; i++) {
      await pause(pauseMs);
      filtered.push(await printOne(engine, true));
      await pause(pauseMs);
      none.push(await printOne(engine, false));
    }
    return { filtered: summarize(filtered), none: summarize(none) };
  };
  const pooled = buildTestEngine({ pool: { size: 2 } });
  let warm: { filtered: Summary; none: Summary };
  try {
    warm = await sample(pooled, true);
  } finally {
    await pooled.close();
  }
  const unpooled = buildTestEngine();
  let cold: { filtered: Summary; none: Summary };
  try {
    cold = await sample(unpooled, false);
  } finally {
    await unpooled.close();
  }
  return {
    warmFiltered: warm.filtered,
    warmNone: warm.none,
    coldFiltered: cold.filtered,
    coldNone: cold.none,
  };
}
