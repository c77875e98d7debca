import { existsSync } from "node:fs";
import type { KubernetesEngine } from "@isol8/kubernetes";
import { buildTestEngine, TEST_KUBECONFIG } from "../tests/kubernetes/helpers/engine.js";
import { pause, type Summary, summarize, timed } from "./stats.js";

export interface KubernetesResult {
  cold: Summary;
  warm: Summary;
  /** Share of warm executions served by a pre-started pod. */
  poolHitRate: number;
}

/** A cluster is configured: KUBECONFIG, or the one tooling/ensure-kubernetes.sh writes, and it answers. */
export async function kubernetesConfigured(): Promise<boolean> {
  if (!process.env.KUBECONFIG && !existsSync(TEST_KUBECONFIG)) return false;
  const engine = buildTestEngine();
  try {
    await engine.ping();
    return true;
  } catch {
    return false;
  } finally {
    await engine.close();
  }
}

async function printOne(engine: KubernetesEngine): Promise<{ ms: number; prestarted: boolean }> {
  const { ms, value } = await timed(() => engine.execute({ runtime: "python", code: "print(1)" }));
  if (value.exitCode !== 0 || value.stdout !== "1\n")
    throw new Error(`python in a pod printed ${JSON.stringify(value.stdout)}`);
  return { ms, prestarted: value.durations.sandboxMs === 0 };
}

/**
 * The Kubernetes engine's `print(1)`: cold (a pod created, started and deleted per run) and warm (claimed from a
 * pool of pre-started pods, which refills between claims), on the cluster the acceptance tests use.
 */
export async function kubernetesPhase(
  iterations: number,
  pauseMs: number,
  poolSize: number,
): Promise<KubernetesResult> {
  const coldEngine = buildTestEngine();
  const cold: number[] = [];
  try {
    await printOne(coldEngine);
    for (let i = 0; i < iterations; i++) cold.push((await printOne(coldEngine)).ms);
  } finally {
    await coldEngine.close();
  }
  const warmEngine = buildTestEngine({ pool: { size: poolSize } });
  const warm: number[] = [];
  let hits = 0;
  try {
    await warmEngine.prewarm({ runtime: "python" });
    for (let i = 0; i < iterations; i++) {
      const run = await printOne(warmEngine);
      warm.push(run.ms);
      if (run.prestarted) hits++;
      // Long enough for the pool to start the replacement pod.
      await pause(Math.max(pauseMs, 2_500));
    }
  } finally {
    await warmEngine.close();
  }
  return {
    cold: summarize(cold),
    warm: summarize(warm),
    poolHitRate: Math.round((hits / iterations) * 100) / 100,
  };
}
