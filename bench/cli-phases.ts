import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type ProcessRun, timeChecked } from "./processes.js";
import { type RecordedRequest, startRecordingProxy } from "./recording-proxy.js";
import { median, pause, round, type Summary, summarize } from "./stats.js";

export const root = new URL("../", import.meta.url).pathname;
// Started as a user's shell starts it: the file itself, through its launcher line (it defers NODE_EXTRA_CA_CERTS).
const bin = join(root, "packages/cli/dist/bin.cjs");

/**
 * Builds the CLI when its dist is missing or older than the sources, or when the packaged Docker assets differ
 * from docker/: `isol8 setup` from a stale dist would hash an old agent and rebuild the shared images with it.
 * Returns what it did, or undefined when the dist was current.
 */
export function ensureCliBuild(): string | undefined {
  const reason = !existsSync(bin)
    ? "dist is missing"
    : !sameTree(join(root, "docker"), join(root, "packages/docker/assets"))
      ? "packaged docker assets differ from docker/"
      : newestSource() > statSync(bin).mtimeMs
        ? "sources are newer than dist"
        : undefined;
  if (!reason) return undefined;
  process.stderr.write(`[bench] building the CLI (${reason})\n`);
  const build = spawnSync("pnpm", ["build"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  if (build.status === 0) return `built: ${reason}`;
  // Someone's work in progress may not compile; an existing dist still measures the CLI (setup is guarded).
  if (!existsSync(bin)) throw new Error("pnpm build failed and there is no dist to measure");
  process.stderr.write("[bench] pnpm build failed: measuring the existing dist\n");
  return `stale (${reason}); pnpm build failed`;
}

function sameTree(a: string, b: string): boolean {
  try {
    execFileSync("diff", ["-rq", a, b], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function newestSource(): number {
  let newest = 0;
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts"))
        newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const pkg of ["core", "docker", "cli", ...runtimeDirs()]) visit(join(root, "packages", pkg, "src"));
  return newest;
}

function runtimeDirs(): string[] {
  return readdirSync(join(root, "packages/runtimes")).map((name) => `runtimes/${name}`);
}

export interface CliResult {
  /** `isol8 run` as installed: it claims the spare the previous run left (the CLI's warm start). */
  cli: Summary;
  /** `isol8 run --no-spare`: a container start on every run, like docker run. */
  cliCold: Summary;
  dockerRun: Summary;
  /** bare-node-client.cjs: create, attach, start and wait from a bare Node process — the floor under `--no-spare`. */
  bareNode: Summary;
  nodeStart: Summary;
  /**
   * `node -e 0` without NODE_EXTRA_CA_CERTS, when the environment sets it: Node 20 parses those certificates before
   * any script runs (~400M instructions for a 144-certificate bundle), which inflates every Node start alike.
   */
  nodeStartWithoutExtraCa: Summary | undefined;
  /** `isol8 run --no-spare` without NODE_EXTRA_CA_CERTS, when the environment sets it. */
  cliColdWithoutExtraCa: Summary | undefined;
  version: Summary;
  /** Import of dockerode alone, in a fresh process. */
  importDockerode: Summary;
}

/** Milliseconds a fresh node process takes to import `url`, as measured inside that process. */
async function importTime(url: string, env: NodeJS.ProcessEnv): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(url)}); process.stdout.write(String(performance.now() - t));`;
  const run = await timeChecked("node", ["--input-type=module", "-e", script], { cwd: root, env });
  return Number(run.stdout);
}

const runArgs = (...extra: string[]) => ["run", "-e", "print(1)", "--runtime", "python", ...extra];

/** The environment without NODE_EXTRA_CA_CERTS (the CLI's runs against a local engine make no TLS connection). */
export function withoutExtraCa(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { NODE_EXTRA_CA_CERTS: _, ...rest } = env;
  return rest;
}

/** `isol8 run` (warm and cold) against `docker run --rm` of the same image and command, interleaved. */
export async function cliPhase(iterations: number, env: NodeJS.ProcessEnv): Promise<CliResult> {
  const runCli = (...extra: string[]) =>
    timeChecked(bin, runArgs(...extra), { cwd: root, env, expected: "1\n" });
  const runColdWithoutExtraCa = () =>
    timeChecked(bin, runArgs("--no-spare"), { cwd: root, env: withoutExtraCa(env), expected: "1\n" });
  const dockerRun = () =>
    timeChecked(
      "docker",
      ["run", "--rm", "--network", "none", "--entrypoint", "python3", "isol8:python", "-c", "print(1)"],
      { env, expected: "1\n" },
    );
  const bareNode = () =>
    timeChecked("node", [join(root, "bench/bare-node-client.cjs"), "isol8:python"], { env, expected: "1\n" });
  const dockerode = pathToFileURL(
    createRequire(join(root, "packages/docker/package.json")).resolve("dockerode"),
  ).href;
  const times = {
    cli: [] as number[],
    cliCold: [] as number[],
    dockerRun: [] as number[],
    bareNode: [] as number[],
    nodeStart: [] as number[],
    nodeStartWithoutExtraCa: [] as number[],
    cliColdWithoutExtraCa: [] as number[],
    version: [] as number[],
    importDockerode: [] as number[],
  };
  await runCli();
  await runCli("--no-spare");
  await dockerRun();
  await bareNode();
  for (let i = 0; i < iterations; i++) {
    times.cli.push((await runCli()).ms);
    await pause(250);
    times.cliCold.push((await runCli("--no-spare")).ms);
    await pause(100);
    times.dockerRun.push((await dockerRun()).ms);
    await pause(100);
    times.bareNode.push((await bareNode()).ms);
    await pause(100);
    times.nodeStart.push((await timeChecked("node", ["-e", "0"], { env })).ms);
    if (env.NODE_EXTRA_CA_CERTS) {
      times.nodeStartWithoutExtraCa.push(
        (await timeChecked("node", ["-e", "0"], { env: withoutExtraCa(env) })).ms,
      );
      await pause(100);
      times.cliColdWithoutExtraCa.push((await runColdWithoutExtraCa()).ms);
    }
    times.version.push((await timeChecked(bin, ["--version"], { cwd: root, env })).ms);
    times.importDockerode.push(await importTime(dockerode, env));
    // The spare left by the warm run above had time to start: the next warm run claims a started one.
    await pause(150);
  }
  return {
    cli: summarize(times.cli),
    cliCold: summarize(times.cliCold),
    dockerRun: summarize(times.dockerRun),
    bareNode: summarize(times.bareNode),
    nodeStart: summarize(times.nodeStart),
    nodeStartWithoutExtraCa: env.NODE_EXTRA_CA_CERTS ? summarize(times.nodeStartWithoutExtraCa) : undefined,
    cliColdWithoutExtraCa: env.NODE_EXTRA_CA_CERTS ? summarize(times.cliColdWithoutExtraCa) : undefined,
    version: summarize(times.version),
    importDockerode: summarize(times.importDockerode),
  };
}

/** Medians, in ms, of where one `isol8 run -e "print(1)"` spends its time, from its Engine API requests. */
export interface CliBreakdown {
  runs: number;
  /** Spawn to the first Docker request: node start, loading the CLI, config, runtime registry. */
  toFirstRequest: number;
  /** First request to the sandbox request (claim or create): image lookup, seccomp profile, spec. */
  beforeSandbox: number;
  /** Warm: rename (the claim) to the agent's answer; cold: create, attach and start until the start answered. */
  sandbox: number;
  /** To the release: code written, program run, exit frame. */
  program: number;
  /** Release to process exit: leaving the next spare (create, start sent), output written. */
  afterRelease: number;
  requestsPerRun: number;
}

/** Runs the CLI through a recording proxy and splits each run by its Engine API requests. */
export async function cliBreakdownPhase(
  runs: number,
  env: NodeJS.ProcessEnv,
  mode: "warm" | "cold",
): Promise<CliBreakdown> {
  const proxy = await startRecordingProxy();
  const rows: Record<Exclude<keyof CliBreakdown, "runs">, number>[] = [];
  try {
    const proxied = { ...env, DOCKER_HOST: `unix://${proxy.socketPath}` };
    for (let i = 0; i < runs + 1; i++) {
      proxy.reset();
      const run = await timeChecked(bin, runArgs(...(mode === "cold" ? ["--no-spare"] : [])), {
        cwd: root,
        env: proxied,
        expected: "1\n",
      });
      if (i > 0) rows.push(split(run, proxy.requests, mode));
      await pause(300);
    }
  } finally {
    await proxy.close();
  }
  const of = (key: keyof (typeof rows)[number]) => round(median(rows.map((row) => row[key])));
  return {
    runs,
    toFirstRequest: of("toFirstRequest"),
    beforeSandbox: of("beforeSandbox"),
    sandbox: of("sandbox"),
    program: of("program"),
    afterRelease: of("afterRelease"),
    requestsPerRun: of("requestsPerRun"),
  };
}

function split(run: ProcessRun, requests: readonly RecordedRequest[], mode: "warm" | "cold") {
  const find = (method: string, pattern: RegExp, answered = true) => {
    const request = requests.find((r) => r.method === method && pattern.test(r.path));
    if (!request || (answered && request.answeredAt === undefined))
      throw new Error(`no answered ${method} ${pattern} in ${requests.length} requests (${mode})`);
    return { at: request.at, answeredAt: request.answeredAt ?? request.at };
  };
  const first = requests[0];
  if (!first) throw new Error("the CLI made no Docker request");
  // The release asks Docker to report the removal, an answer the CLI does not wait for; the process may even exit
  // before that request leaves it. Then the last request (the next spare's create or start) marks the release.
  const wait = requests.find((r) => r.method === "POST" && /\/wait\?condition=removed/.test(r.path));
  const last = requests[requests.length - 1] ?? first;
  const release = { at: wait?.at ?? last.at };
  const begin = mode === "warm" ? find("POST", /\/rename\?/) : find("POST", /\/containers\/create/);
  const ready =
    mode === "warm"
      ? find("POST", /\/containers\/[^/]+\/attach/)
      : find("POST", /\/containers\/[0-9a-f]+\/start/);
  return {
    toFirstRequest: first.at - run.startedAt,
    beforeSandbox: begin.at - first.at,
    sandbox: ready.answeredAt - begin.at,
    program: release.at - ready.answeredAt,
    afterRelease: run.endedAt - release.at,
    requestsPerRun: requests.length,
  };
}

/**
 * `isol8 setup` when every image is up to date: wall time of the whole command. The first run goes through a proxy
 * that drops builds and image imports: a dist that hashes differently from the sources (stale, or not buildable
 * while someone edits) must fail here, not rebuild the images other people's tests are using.
 */
export async function setupPhase(iterations: number, env: NodeJS.ProcessEnv): Promise<Summary> {
  const guard = await startRecordingProxy({
    refuse: (method, path) =>
      method === "POST" && /^\/(?:v[\d.]+\/)?(?:build|images\/(?:create|load))/.test(path),
  });
  const setup = async (runEnv: NodeJS.ProcessEnv) => {
    const run = await timeChecked(bin, ["setup"], { cwd: root, env: runEnv });
    const statuses = run.stdout
      .trim()
      .split("\n")
      .map((line) => line.trim().split(/\s+/)[1]);
    if (statuses.length === 0 || statuses.some((status) => status !== "up-to-date")) {
      throw new Error(`isol8 setup was not up to date:\n${run.stdout}`);
    }
    return run.ms;
  };
  try {
    await setup({ ...env, DOCKER_HOST: `unix://${guard.socketPath}` });
  } finally {
    await guard.close();
  }
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) times.push(await setup(env));
  return summarize(times);
}
