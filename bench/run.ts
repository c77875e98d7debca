import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { buildTestEngine } from "../tests/docker/helpers/engine.js";
import { useHostCaBundle } from "../tests/docker/helpers/host-ca.js";
import {
  type CliResult,
  cliBreakdownPhase,
  cliPhase,
  ensureCliBuild,
  root,
  setupPhase,
  withoutExtraCa,
} from "./cli-phases.js";
import { filteredPhase } from "./filtered-phases.js";
import { type KubernetesResult, kubernetesConfigured, kubernetesPhase } from "./kubernetes-phases.js";
import {
  coldPhase,
  rawThroughputPhase,
  runtimesPhase,
  throughputPhase,
  warmPhase,
} from "./library-phases.js";
import { describeMachine } from "./machine.js";
import { atLeast, atMost, formatRows, formatTargets, type Row } from "./report.js";
import { serverPhase } from "./server-phases.js";
import { pause, round, summarize } from "./stats.js";

/**
 * `pnpm bench`: isol8 against Docker itself on the same images, in one run. Ratios compare within this machine;
 * absolute times do not travel. Settings (environment):
 *   BENCH_ITERATIONS      warm and raw-exec samples; cold and per-runtime take half, CLI a third  [30]
 *   BENCH_PAUSE_MS        pause between samples, long enough for the pool to refill             [250]
 *   BENCH_THROUGHPUT_RUNS executions in the throughput phase                                     [200]
 *   BENCH_CONCURRENCY     concurrent executions in the throughput phase                          [4]
 *   BENCH_ONLY=kubernetes only the Kubernetes rows (they run whenever a cluster is configured)
 *   BENCH_ONLY=cli        only the CLI's rows and its three targets (a quick look at the cold start)
 */
const iterations = intEnv("BENCH_ITERATIONS", 30);
const pauseMs = intEnv("BENCH_PAUSE_MS", 250);
const throughputRuns = intEnv("BENCH_THROUGHPUT_RUNS", 200);
const concurrency = intEnv("BENCH_CONCURRENCY", 4);
const warmPoolSize = 3;
const SETTLE_MS = 20_000;
const half = Math.max(3, Math.ceil(iterations / 2));
const third = Math.max(3, Math.ceil(iterations / 3));

function intEnv(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

/** The Kubernetes rows, next to their Docker equivalents; left out when no cluster answers. */
async function kubernetesRows(): Promise<{ result: KubernetesResult | undefined; rows: Row[] }> {
  if (!(await kubernetesConfigured())) {
    log("kubernetes: no cluster configured (KUBECONFIG), rows left out");
    return { result: undefined, rows: [] };
  }
  log(`kubernetes: ${half} cold executions, then ${half} from a pool of ${warmPoolSize}`);
  const result = await kubernetesPhase(half, pauseMs, warmPoolSize);
  return {
    result,
    rows: [
      {
        name: "kubernetes: cold execute",
        summary: result.cold,
        note: "a pod per run: create, start, exec, delete",
      },
      {
        name: "kubernetes: warm execute (pool)",
        summary: result.warm,
        note: `pool hits ${result.poolHitRate}`,
      },
    ],
  };
}

/** The CLI's start against docker run, the floor under it, and bare Node. */
function cliRows(cli: CliResult): Row[] {
  const ratio = (a: number, b: number) => round(a / b, 2);
  return [
    { name: "cli: isol8 run", summary: cli.cli, note: "claims the spare the previous run left" },
    { name: "cli: isol8 run --no-spare", summary: cli.cliCold, note: "starts its own container" },
    { name: "cli: docker run --rm", summary: cli.dockerRun },
    {
      name: "cli: bare Node client",
      summary: cli.bareNode,
      note: `create/attach/start/wait, nothing else: ${ratio(cli.bareNode.median, cli.dockerRun.median)}× docker run`,
    },
    { name: "cli: node -e 0", summary: cli.nodeStart },
    ...(cli.nodeStartWithoutExtraCa
      ? [
          {
            name: "cli: node -e 0, no extra CAs",
            summary: cli.nodeStartWithoutExtraCa,
            note: "without NODE_EXTRA_CA_CERTS, which Node parses at every start",
          },
          ...(cli.cliColdWithoutExtraCa
            ? [
                {
                  name: "cli: --no-spare, no extra CAs",
                  summary: cli.cliColdWithoutExtraCa,
                  note: `${ratio(cli.cliColdWithoutExtraCa.median, cli.dockerRun.median)}× docker run`,
                },
              ]
            : []),
        ]
      : []),
  ];
}

/**
 * The first-request ratio again without NODE_EXTRA_CA_CERTS, when the environment sets it: the certificates cost
 * both sides the same ~100 ms, which flatters the ratio. Not a target; reported next to it.
 */
async function firstRequestWithoutExtraCa(
  cli: CliResult,
  env: NodeJS.ProcessEnv,
): Promise<{ toFirstRequest: number; ratio: number } | undefined> {
  if (!cli.nodeStartWithoutExtraCa) return undefined;
  const { toFirstRequest } = await cliBreakdownPhase(5, withoutExtraCa(env), "warm");
  return { toFirstRequest, ratio: round(toFirstRequest / cli.nodeStartWithoutExtraCa.median, 2) };
}

/** The CLI's rows alone: its cold start against `docker run --rm` and `node -e 0`, with the same targets. */
async function cliOnly(env: NodeJS.ProcessEnv): Promise<void> {
  ensureCliBuild();
  const cli = await cliPhase(third, env);
  const warm = await cliBreakdownPhase(Math.min(third, 5), env, "warm");
  const ratio = (a: number, b: number) => round(a / b, 2);
  const rows = cliRows(cli);
  process.stdout.write(`\n${formatRows(rows)}\n`);
  process.stdout.write(
    `${formatTargets([
      atMost("cliRatio", ratio(cli.cli.median, cli.dockerRun.median), 0.8),
      atMost("cliColdRatio", ratio(cli.cliCold.median, cli.dockerRun.median), 1.2),
      atMost("cliFirstRequestRatio", ratio(warm.toFirstRequest, cli.nodeStart.median), 1.5),
    ])}\n`,
  );
  const plain = await firstRequestWithoutExtraCa(cli, env);
  process.stdout.write(
    `to first request ${warm.toFirstRequest} ms${plain ? `; without NODE_EXTRA_CA_CERTS ${plain.toFirstRequest} ms, ${plain.ratio}× node -e 0` : ""}; load ${loadavg().map((l) => round(l, 2))}\n`,
  );
}

async function main(): Promise<void> {
  if (process.env.BENCH_ONLY === "cli") {
    useHostCaBundle();
    await cliOnly({ ...process.env });
    return;
  }
  if (process.env.BENCH_ONLY === "kubernetes") {
    const { result, rows } = await kubernetesRows();
    process.stdout.write(`\n${formatRows(rows)}\n`);
    if (!result) process.exitCode = 1;
    return;
  }
  const benchStarted = performance.now();
  // The CLI and the library must use the images the tests use: same extra CA certificates, same build hashes.
  useHostCaBundle();
  const env = { ...process.env };
  const machine = describeMachine();
  // Others may share the engine and the cores: the load says how much the numbers are worth.
  const loadAtStart = loadavg().map((load) => round(load, 2));
  log(`${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Docker ${machine.docker}`);

  const built = ensureCliBuild();
  log("checking images (builds only what is out of date)");
  const preflight = buildTestEngine();
  const reports = await preflight.setup();
  await preflight.close();
  const rebuilt = reports.filter((report) => report.status !== "up-to-date").map((report) => report.tag);
  if (rebuilt.length > 0) log(`built: ${rebuilt.join(", ")}`);

  log(`warm: ${iterations} library executions (pool ${warmPoolSize}) and raw execs, ${pauseMs} ms apart`);
  const warm = await warmPhase(iterations, pauseMs, warmPoolSize);
  log(`warm per runtime: ${half} each`);
  const runtimes = await runtimesPhase(half, pauseMs);
  log(`cold: ${half} library executions without a pool and raw create/start/wait/remove`);
  const cold = await coldPhase(half, pauseMs);
  log(`filtered: ${half} executions each on a filtered network and without one, pooled and not`);
  const filtered = await filteredPhase(half, pauseMs);
  log(`cli: ${third} runs each of isol8 run, isol8 run --no-spare and docker run --rm`);
  const cli = await cliPhase(third, env);
  log("cli breakdown through a recording proxy");
  const breakdown = {
    warm: await cliBreakdownPhase(Math.min(third, 5), env, "warm"),
    cold: await cliBreakdownPhase(Math.min(third, 5), env, "cold"),
  };
  const firstRequestPlain = await firstRequestWithoutExtraCa(cli, env);
  log("isol8 setup, up to date");
  let setupProblem: string | undefined;
  const setup = await setupPhase(Math.min(third, 5), env).catch((error: unknown) => {
    setupProblem = (error as Error).message;
    log(`isol8 setup not measured: ${setupProblem}`);
    return summarize([Number.NaN]);
  });
  // The kernel tears network namespaces down later, in the background: the hundred-odd containers of the phases
  // above keep a core busy for a while. Each throughput phase starts on a settled machine.
  log(
    `settling ${SETTLE_MS / 1000} s, then throughput: ${throughputRuns} executions, ${concurrency} at a time (pool ${concurrency})`,
  );
  await pause(SETTLE_MS);
  const throughput = await throughputPhase(throughputRuns, concurrency, concurrency);
  const rawRuns = Math.max(concurrency * 2, Math.ceil(throughputRuns / 5));
  log(`settling, then docker's ceiling: ${rawRuns} raw create/start/wait/remove, ${concurrency} at a time`);
  await pause(SETTLE_MS);
  const rawThroughput = await rawThroughputPhase(rawRuns, concurrency);
  const serverRuns = Math.max(concurrency * 4, Math.ceil(throughputRuns / 4));
  log(
    `settling, then the server: ${half} warm executions in-process and over HTTP, ${serverRuns} of each at ${concurrency} at a time`,
  );
  await pause(SETTLE_MS);
  const server = await serverPhase(half, pauseMs, warmPoolSize, serverRuns, concurrency);
  const kubernetes = await kubernetesRows();

  const ratio = (a: number, b: number) => round(a / b, 2);
  const warmRatio = ratio(warm.library.median, warm.rawExec.median);
  const coldRatio = ratio(cold.library.median, cold.raw.median);
  const cliRatio = ratio(cli.cli.median, cli.dockerRun.median);
  const cliColdRatio = ratio(cli.cliCold.median, cli.dockerRun.median);
  // The CLI's own start: spawn to its first Engine API request (the default run) against a bare `node -e 0`.
  const cliFirstRequestRatio = ratio(breakdown.warm.toFirstRequest, cli.nodeStart.median);
  const setupUpToDateSeconds = round(setup.median / 1000, 2);
  const targets = [
    atMost("warmMedianMs", warm.library.median, 30),
    atMost("warmRatio", warmRatio, 0.3),
    atMost("cliRatio", cliRatio, 0.8),
    atMost("cliColdRatio", cliColdRatio, 1.2),
    atMost("cliFirstRequestRatio", cliFirstRequestRatio, 1.5),
    atLeast("throughputPerSec", throughput.perSecond, 15, throughput.leakedContainers === 0),
    atMost("leakedContainers", throughput.leakedContainers, 0),
    atMost("setupUpToDateSeconds", setupUpToDateSeconds, 1.5, setupProblem === undefined),
    atMost("serverOverheadMs", server.overheadMs, 5),
    atLeast("serverThroughputRatio", server.throughputRatio, 0.9),
  ];

  const rows: Row[] = [
    { name: "warm: library execute (pool)", summary: warm.library, note: `pool hits ${warm.poolHitRate}` },
    { name: "warm: raw Engine API exec", summary: warm.rawExec, note: "exec into a running container" },
    ...Object.entries(runtimes).map(([name, summary]) => ({
      name: `warm: ${name}`,
      summary,
      note: `pool hits ${summary.poolHitRate}`,
    })),
    ...kubernetes.rows.filter((row) => row.name.includes("warm")),
    { name: "cold: library execute (no pool)", summary: cold.library },
    ...kubernetes.rows.filter((row) => row.name.includes("cold")),
    {
      name: "cold: raw create+start+wait+rm",
      summary: cold.raw,
      note: `create ${cold.rawSteps.create} start ${cold.rawSteps.start} wait ${cold.rawSteps.wait} rm ${cold.rawSteps.remove}`,
    },
    { name: "filtered: warm (pool)", summary: filtered.warmFiltered, note: "a network of its own" },
    { name: "filtered: warm baseline", summary: filtered.warmNone, note: "same engine, no network" },
    { name: "filtered: cold (no pool)", summary: filtered.coldFiltered, note: "a network of its own" },
    { name: "filtered: cold baseline", summary: filtered.coldNone, note: "same engine, no network" },
    ...cliRows(cli),
    { name: "cli: isol8 --version", summary: cli.version },
    {
      name: "cli: import dockerode",
      summary: cli.importDockerode,
      note: "inside a fresh node (bundled in the CLI)",
    },
    { name: "isol8 setup (up to date)", summary: setup },
    {
      name: "server: warm execute in-process",
      summary: server.library,
      note: `${server.libraryPerSecond}/s at ${concurrency}`,
    },
    {
      name: "server: warm execute over HTTP",
      summary: server.http,
      note: `+${server.overheadMs} ms median, ${server.httpPerSecond}/s (${server.throughputRatio}×)`,
    },
    {
      name: "throughput: latency",
      summary: throughput.latency,
      note: `${throughput.perSecond}/s, pool hits ${throughput.poolHitRate}, failures ${throughput.failures}`,
    },
  ];

  const results = {
    generatedAt: new Date().toISOString(),
    machine,
    settings: {
      iterations,
      pauseMs,
      warmPoolSize,
      throughputRuns,
      concurrency,
      cliBuild: built ?? "up to date",
    },
    warmMedianMs: warm.library.median,
    warmP95Ms: warm.library.p95,
    warmPoolHitRate: warm.poolHitRate,
    rawExecMedianMs: warm.rawExec.median,
    rawExecP95Ms: warm.rawExec.p95,
    warmRatio,
    coldMedianMs: cold.library.median,
    coldP95Ms: cold.library.p95,
    rawColdMedianMs: cold.raw.median,
    rawColdP95Ms: cold.raw.p95,
    rawColdStepsMs: cold.rawSteps,
    coldRatio,
    filteredWarmMedianMs: filtered.warmFiltered.median,
    filteredWarmRatio: ratio(filtered.warmFiltered.median, filtered.warmNone.median),
    filteredColdMedianMs: filtered.coldFiltered.median,
    filteredColdRatio: ratio(filtered.coldFiltered.median, filtered.coldNone.median),
    filtered,
    cliMedianMs: cli.cli.median,
    cliP95Ms: cli.cli.p95,
    dockerRunMedianMs: cli.dockerRun.median,
    dockerRunP95Ms: cli.dockerRun.p95,
    cliRatio,
    cliColdMedianMs: cli.cliCold.median,
    cliColdP95Ms: cli.cliCold.p95,
    cliColdRatio,
    // What no Node CLI that starts its own container gets under: cliColdRatio's floor on this machine.
    bareNodeRatio: ratio(cli.bareNode.median, cli.dockerRun.median),
    cliFirstRequestRatio,
    cliFirstRequestWithoutExtraCa: firstRequestPlain ?? null,
    cliNote:
      "cliRatio is `isol8 run` as shipped: each run claims the spare sandbox the previous run left (config " +
      "spare.enabled, default on). cliColdRatio is `isol8 run --no-spare`, which starts a container every time.",
    nodeStartMedianMs: cli.nodeStart.median,
    cliVersionMedianMs: cli.version.median,
    importDockerodeMedianMs: cli.importDockerode.median,
    cliBreakdownMs: breakdown,
    throughputPerSec: throughput.perSecond,
    throughput,
    rawThroughputPerSec: rawThroughput.perSecond,
    rawThroughputRuns: rawThroughput.runs,
    leakedContainers: throughput.leakedContainers,
    serverOverheadMs: server.overheadMs,
    serverThroughputRatio: server.throughputRatio,
    server,
    setupUpToDateSeconds,
    setupUpToDateP95Seconds: round(setup.p95 / 1000, 2),
    setupProblem: setupProblem ?? null,
    warmMedianMsByRuntime: Object.fromEntries(Object.entries(runtimes).map(([name, s]) => [name, s.median])),
    warmP95MsByRuntime: Object.fromEntries(Object.entries(runtimes).map(([name, s]) => [name, s.p95])),
    kubernetes: kubernetes.result ?? null,
    targets,
    loadAverage: { atStart: loadAtStart, atEnd: loadavg().map((load) => round(load, 2)) },
    benchSeconds: round((performance.now() - benchStarted) / 1000, 1),
  };

  const dir = join(root, "bench/results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "latest.json"), `${JSON.stringify(results, null, 2)}\n`);

  const b = breakdown;
  process.stdout.write(
    [
      "",
      `isol8 bench — ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Docker ${machine.docker} (cgroup ${machine.cgroup}); ` +
        `load average ${loadAtStart.join(" ")} at start, ${results.loadAverage.atEnd.join(" ")} at end`,
      "",
      formatRows(rows),
      "",
      `ratios: warm ${warmRatio} (library / raw exec), cold ${coldRatio} (library / raw create…rm), ` +
        `cli ${cliRatio} (isol8 run / docker run), cli cold ${cliColdRatio} (isol8 run --no-spare / docker run), ` +
        `cli first request ${cliFirstRequestRatio} (spawn to the first Docker request / node -e 0)`,
      ...(["warm", "cold"] as const).map(
        (mode) =>
          `cli ${mode} breakdown (median ms, ${b[mode].runs} runs): to first Docker request ${b[mode].toFirstRequest}, ` +
          `to the sandbox request ${b[mode].beforeSandbox}, sandbox ready ${b[mode].sandbox}, ` +
          `program ${b[mode].program}, release to exit ${b[mode].afterRelease}`,
      ),
      `throughput: ${throughput.executions} executions in ${throughput.seconds} s = ${throughput.perSecond}/s; ` +
        `${throughput.leakedContainers} isol8 containers left after close(); ` +
        `Docker alone (raw create…rm, same concurrency): ${rawThroughput.perSecond}/s`,
      "",
      "targets (informational):",
      formatTargets(targets),
      "",
      `written to bench/results/latest.json in ${results.benchSeconds} s`,
      "",
    ].join("\n"),
  );
}

await main();
