import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { ExecutionRequestInput } from "@isol8/core";
import python from "@isol8/runtime-python";
import { buildTestEngine } from "../tests/docker/helpers/engine.js";
import { useHostCaBundle } from "../tests/docker/helpers/host-ca.js";
import { describeMachine } from "./machine.js";
import { median, round } from "./stats.js";

/**
 * `npx tsx bench/install.ts`: what installing packages costs, for a small (six) and a large (numpy) Python package.
 *   pip           pip's own time, measured inside a plain `docker run` of isol8:python on the bridge network, as the
 *                 sandbox user with the sandbox's read-only root and tmpfs /sandbox, running isol8's exact argv
 *   docker run    that whole plain `docker run --rm` (start, pip, exit, removal), from outside
 *   install phase isol8's install phase (durations.installMs): pip through the agent and the registries-only egress
 *                 proxy, then leaving the install network
 *   on the fly    a library execution of `import <pkg>` that installs the package first (--install)
 *   baked         the same execution in an image with the package baked in (isol8 build), installing nothing
 * Medians of 5 runs, with the fastest run beside them: download times vary from run to run far more than isol8's
 * own costs do. Results: a table on stdout, JSON (every sample) in bench/results/install.json.
 */
const runs = 5;
const PACKAGES = [
  { name: "six", size: "small" },
  { name: "numpy", size: "large" },
] as const;
const RUNTIME_IMAGE = "isol8:python";
const bakedTag = (pkg: string) => `isol8-bench-install:python-${pkg}`;
const results = fileURLToPath(new URL("./results/install.json", import.meta.url));
const run = promisify(execFile);
const log = (message: string) => process.stderr.write(`[bench:install] ${message}\n`);

type Metric = "pipMs" | "dockerRunMs" | "installPhaseMs" | "onTheFlyMs" | "bakedMs";

interface PackageResult {
  package: string;
  size: string;
  /** Per metric, in milliseconds. */
  median: Record<Metric, number>;
  /** The fastest sample: downloads vary from run to run far more than isol8 does, and the minimum varies least. */
  min: Record<Metric, number>;
  /** isol8's install phase beyond pip, and a whole on-the-fly run beyond pip: by medians and by minimums. */
  overhead: Record<"installPhase" | "onTheFly", { median: number; min: number }>;
  samples: Record<Metric, number[]>;
}

/** pip inside a plain container shaped like the sandbox; returns pip's own time and the docker run's. */
async function plainPip(pkg: string): Promise<{ pipMs: number; dockerRunMs: number }> {
  const script =
    's=$(date +%s%N); "$@" >/dev/null 2>&1 || exit 99; e=$(date +%s%N); echo $(( (e - s) / 1000000 ))';
  const started = performance.now();
  const { stdout } = await run("docker", [
    "run",
    "--rm",
    "--network",
    "bridge",
    "--user",
    "1000:1000",
    "--read-only",
    "--tmpfs",
    "/sandbox:rw,exec,nosuid,nodev,size=512m,uid=1000,gid=1000,mode=0700",
    "--tmpfs",
    "/tmp:rw,noexec,nosuid,nodev,size=64m,mode=1777",
    "--workdir",
    "/sandbox",
    "--entrypoint",
    "sh",
    RUNTIME_IMAGE,
    "-c",
    script,
    "sh",
    ...python().install([pkg]),
  ]);
  return { pipMs: Number(stdout.trim()), dockerRunMs: performance.now() - started };
}

async function main(): Promise<void> {
  useHostCaBundle();
  const machine = describeMachine();
  log(`${machine.cpu}, ${machine.cores} cores, Docker ${machine.docker}; ${runs} runs per measurement`);
  const engine = buildTestEngine();
  const execute = async (request: ExecutionRequestInput) => {
    const started = performance.now();
    const result = await engine.execute(request);
    if (result.exitCode !== 0) throw new Error(`benchmark run failed: ${result.stderr}`);
    return { wallMs: performance.now() - started, result };
  };
  const measured: PackageResult[] = [];
  try {
    await engine.setup({ runtimes: ["python"] });
    for (const { name, size } of PACKAGES) {
      const samples: Record<Metric, number[]> = {
        pipMs: [],
        dockerRunMs: [],
        installPhaseMs: [],
        onTheFlyMs: [],
        bakedMs: [],
      };
      log(`${name}: baking ${bakedTag(name)}`);
      await engine.build({ runtime: "python", packages: [name], tag: bakedTag(name) });
      const code = `import ${name}`;
      for (let i = 0; i < runs; i++) {
        const plain = await plainPip(name);
        samples.pipMs.push(plain.pipMs);
        samples.dockerRunMs.push(plain.dockerRunMs);
        const fly = await execute({ runtime: "python", code, install: [name] });
        if (fly.result.image !== RUNTIME_IMAGE || fly.result.installed.length !== 1) {
          throw new Error(
            `expected an install of ${name} into ${RUNTIME_IMAGE}: a custom image holds it already`,
          );
        }
        samples.installPhaseMs.push(fly.result.durations.installMs);
        samples.onTheFlyMs.push(fly.wallMs);
        const baked = await execute({ runtime: "python", code, install: [name], image: bakedTag(name) });
        if (baked.result.installed.length !== 0)
          throw new Error(`expected ${bakedTag(name)} to hold ${name}`);
        samples.bakedMs.push(baked.wallMs);
        log(`${name}: run ${i + 1}/${runs} done`);
      }
      const pick = (summary: (values: number[]) => number) =>
        Object.fromEntries(
          Object.entries(samples).map(([key, values]) => [key, round(summary(values))]),
        ) as Record<Metric, number>;
      const medians = pick(median);
      const minimums = pick((values) => Math.min(...values));
      const beyondPip = (metric: Metric) => ({
        median: round(medians[metric] - medians.pipMs),
        min: round(minimums[metric] - minimums.pipMs),
      });
      measured.push({
        package: name,
        size,
        median: medians,
        min: minimums,
        overhead: { installPhase: beyondPip("installPhaseMs"), onTheFly: beyondPip("onTheFlyMs") },
        samples: Object.fromEntries(
          Object.entries(samples).map(([key, values]) => [key, values.map((value) => round(value))]),
        ) as Record<Metric, number[]>,
      });
    }
  } finally {
    await engine.close();
    for (const { name } of PACKAGES) await run("docker", ["rmi", bakedTag(name)]).catch(() => undefined);
  }

  process.stdout.write(`${table(measured)}\n`);
  mkdirSync(join(results, ".."), { recursive: true });
  writeFileSync(
    results,
    `${JSON.stringify({ date: new Date().toISOString(), machine, runs, packages: measured }, null, 2)}\n`,
  );
  log(`wrote ${results}`);
}

function table(rows: readonly PackageResult[]): string {
  const both = (metric: Metric) => (row: PackageResult) =>
    `${ms(row.median[metric])} (${ms(row.min[metric])})`;
  const beyond = (phase: "installPhase" | "onTheFly") => (row: PackageResult) =>
    `${ms(row.overhead[phase].median)} (${ms(row.overhead[phase].min)})`;
  const columns: [string, (row: PackageResult) => string][] = [
    ["package", (row) => `${row.package} (${row.size})`],
    ["pip", both("pipMs")],
    ["docker run", both("dockerRunMs")],
    ["install phase", both("installPhaseMs")],
    ["beyond pip", beyond("installPhase")],
    ["on the fly", both("onTheFlyMs")],
    ["beyond pip", beyond("onTheFly")],
    ["baked", both("bakedMs")],
    ["on the fly / baked", (row) => `${(row.median.onTheFlyMs / row.median.bakedMs).toFixed(1)}x`],
  ];
  const cells = columns.map(([title, cell]) => [title, ...rows.map(cell)]);
  const widths = cells.map((column) => Math.max(...column.map((text) => text.length)));
  const line = (index: number) =>
    cells.map((column, c) => (column[index] ?? "").padStart(widths[c] ?? 0)).join("  ");
  return [
    `milliseconds: median of ${runs} runs (fastest run)`,
    line(0),
    ...rows.map((_, index) => line(index + 1)),
  ].join("\n");
}

const ms = (value: number) => value.toFixed(0);

await main();
