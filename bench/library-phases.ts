import type { DockerEngine } from "@isol8/docker";
import { buildTestEngine } from "../tests/docker/helpers/engine.js";
import {
  benchDockerClient,
  type ColdSteps,
  hardenedSpec,
  rawCold,
  rawExec,
  startIdleContainer,
} from "./baselines.js";
import { median, pause, round, type Summary, summarize, timed } from "./stats.js";

/** A `print(1)` for every built-in runtime, and what it prints. */
export const PRINT_ONE: Record<string, { code: string; expected: string }> = {
  python: { code: "print(1)", expected: "1\n" },
  node: { code: "console.log(1)", expected: "1\n" },
  bun: { code: "console.log(1)", expected: "1\n" },
  deno: { code: "console.log(1)", expected: "1\n" },
  bash: { code: "echo 1", expected: "1\n" },
};

/** A pooled claim takes a ready container: anything slower than this started one on the critical path. */
const POOL_HIT_MS = 20;

async function executeChecked(engine: DockerEngine, runtime: string) {
  const { code, expected } = PRINT_ONE[runtime] ?? { code: "", expected: "" };
  const result = await engine.execute({ runtime, code });
  if (result.exitCode !== 0 || result.stdout !== expected) {
    throw new Error(
      `${runtime} exited ${result.exitCode}: ${JSON.stringify(result.stdout)} ${result.stderr}`,
    );
  }
  return result;
}

export interface WarmResult {
  library: Summary;
  rawExec: Summary;
  /** Share of library executions served by a pre-started container. */
  poolHitRate: number;
}

/**
 * Library execute with a prewarmed pool against an Engine API exec into a running container of the same image,
 * interleaved so both see the same background load; the pause lets the pool refill between claims.
 */
export async function warmPhase(iterations: number, pauseMs: number, poolSize: number): Promise<WarmResult> {
  const engine = buildTestEngine({ pool: { size: poolSize } });
  const docker = benchDockerClient();
  const idle = await startIdleContainer(docker, "isol8:python");
  const library: number[] = [];
  const raw: number[] = [];
  let hits = 0;
  try {
    await engine.prewarm({ runtime: "python" });
    const execRaw = () => rawExec(docker, idle, ["python3", "-c", "print(1)"], "1\n");
    for (let i = 0; i < 3; i++) {
      await executeChecked(engine, "python");
      await pause(pauseMs);
      await execRaw();
    }
    for (let i = 0; i < iterations; i++) {
      await pause(pauseMs);
      const run = await timed(() => executeChecked(engine, "python"));
      library.push(run.ms);
      if (run.value.durations.sandboxMs < POOL_HIT_MS) hits++;
      await pause(pauseMs);
      raw.push((await timed(execRaw)).ms);
    }
  } finally {
    await idle.remove({ force: true }).catch(() => undefined);
    await engine.close();
  }
  return { library: summarize(library), rawExec: summarize(raw), poolHitRate: round(hits / iterations, 2) };
}

/** Warm library medians for every runtime, each with its own prewarmed pool. */
export async function runtimesPhase(
  iterations: number,
  pauseMs: number,
): Promise<Record<string, Summary & { poolHitRate: number }>> {
  const engine = buildTestEngine({ pool: { size: 2 } });
  const byRuntime: Record<string, Summary & { poolHitRate: number }> = {};
  try {
    for (const runtime of Object.keys(PRINT_ONE)) {
      await engine.prewarm({ runtime });
      await executeChecked(engine, runtime);
      const times: number[] = [];
      let hits = 0;
      for (let i = 0; i < iterations; i++) {
        await pause(pauseMs);
        const run = await timed(() => executeChecked(engine, runtime));
        times.push(run.ms);
        if (run.value.durations.sandboxMs < POOL_HIT_MS) hits++;
      }
      byRuntime[runtime] = { ...summarize(times), poolHitRate: round(hits / iterations, 2) };
    }
  } finally {
    await engine.close();
  }
  return byRuntime;
}

export interface ColdResult {
  library: Summary;
  raw: Summary;
  /** Medians of the raw run's steps. */
  rawSteps: Omit<ColdSteps, "total">;
}

/** Library execute without a pool against create + start + wait + remove through the Engine API. */
export async function coldPhase(iterations: number, pauseMs: number): Promise<ColdResult> {
  const engine = buildTestEngine();
  const docker = benchDockerClient();
  const spec = await hardenedSpec("isol8:python", ["python3"], ["-c", "print(1)"]);
  const library: number[] = [];
  const steps: ColdSteps[] = [];
  try {
    await executeChecked(engine, "python");
    await rawCold(docker, spec);
    for (let i = 0; i < iterations; i++) {
      await pause(pauseMs);
      library.push((await timed(() => executeChecked(engine, "python"))).ms);
      // The library removes its container in the background; let that finish before the baseline runs.
      await pause(pauseMs);
      steps.push(await rawCold(docker, spec));
    }
  } finally {
    await engine.close();
  }
  const stepMedian = (key: keyof ColdSteps) => round(median(steps.map((step) => step[key])));
  return {
    library: summarize(library),
    raw: summarize(steps.map((step) => step.total)),
    rawSteps: {
      create: stepMedian("create"),
      start: stepMedian("start"),
      wait: stepMedian("wait"),
      remove: stepMedian("remove"),
    },
  };
}

export interface ThroughputResult {
  executions: number;
  concurrency: number;
  seconds: number;
  perSecond: number;
  failures: number;
  latency: Summary;
  poolHitRate: number;
  /** isol8 containers (sandboxes, network holders) that appeared during the phase and exist after `close()`. */
  leakedContainers: number;
}

/**
 * Executions back to back from `concurrency` workers on a pooled engine, talking to Docker directly (a relay in
 * between costs the 2 cores real CPU). isol8 containers that exist after `close()` but did not before count as
 * leaks — so run it on an engine nobody else is starting isol8 containers on.
 */
export async function throughputPhase(
  executions: number,
  concurrency: number,
  poolSize: number,
): Promise<ThroughputResult> {
  const docker = benchDockerClient();
  const before = new Set(await isol8Containers(docker));
  const engine = buildTestEngine({ pool: { size: poolSize } });
  const latencies: number[] = [];
  let failures = 0;
  let hits = 0;
  let next = 0;
  let seconds = 0;
  try {
    await engine.prewarm({ runtime: "python" });
    const started = performance.now();
    const worker = async () => {
      while (next < executions) {
        next++;
        try {
          const run = await timed(() => executeChecked(engine, "python"));
          latencies.push(run.ms);
          if (run.value.durations.sandboxMs < POOL_HIT_MS) hits++;
        } catch {
          failures++;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    seconds = (performance.now() - started) / 1000;
  } finally {
    await engine.close();
  }
  const left = (await isol8Containers(docker)).filter((id) => !before.has(id));
  return {
    executions,
    concurrency,
    seconds: round(seconds, 2),
    perSecond: round((executions - failures) / seconds, 1),
    failures,
    latency: summarize(latencies),
    poolHitRate: round(hits / Math.max(1, executions - failures), 2),
    leakedContainers: left.length,
  };
}

/** Ids of isol8's sandboxes and network holders that exist now (spares waiting for a CLI run aside). */
async function isol8Containers(docker: ReturnType<typeof benchDockerClient>): Promise<string[]> {
  const containers = await docker.listContainers({
    all: true,
    filters: JSON.stringify({ label: ["org.isol8.managed=true"] }),
  });
  return containers
    .filter((container) => ["sandbox", "netns"].includes(container.Labels["org.isol8.kind"] ?? ""))
    .filter((container) => !container.Names.some((name) => name.startsWith("/isol8-spare-")))
    .map((container) => container.Id);
}

/**
 * Docker's own ceiling for single-use containers: create + start + wait + remove of `print(1)` from `concurrency`
 * workers through the Engine API. Every isol8 execution costs one such lifecycle (pooled or not).
 */
export async function rawThroughputPhase(
  runs: number,
  concurrency: number,
): Promise<{ perSecond: number; runs: number }> {
  const docker = benchDockerClient();
  const spec = await hardenedSpec("isol8:python", ["python3"], ["-c", "print(1)"]);
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < runs) {
      next++;
      await rawCold(docker, spec);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { perSecond: round(runs / ((performance.now() - started) / 1000), 1), runs };
}
