import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { useHostCaBundle } from "./host-ca.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const bin = fileURLToPath(new URL("../../../packages/cli/src/bin.cts", import.meta.url));
// By location, not by name: Node resolves `--import tsx` from the working directory, which may be outside the repo.
const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const tsconfig = fileURLToPath(new URL("../../../tsconfig.json", import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  input?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Runs the isol8 CLI from sources (through tsx), as a user would run it, and collects what it printed. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return spawnCli(process.execPath, ["--import", tsx, bin, ...args], options);
}

const builtBin = fileURLToPath(new URL("../../../packages/cli/dist/bin.cjs", import.meta.url));

/**
 * Runs the CLI as `pnpm build` made it — dist/bin.cjs, through its launcher line, loading the bundle through its code
 * cache — which is what a user types `isol8` into. The test command builds before the Docker tests.
 */
export function runBuiltCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  if (!existsSync(builtBin)) throw new Error(`${builtBin} is missing: run \`pnpm build\` first`);
  return spawnCli(builtBin, args, options);
}

function spawnCli(command: string, argv: string[], options: CliOptions): Promise<CliResult> {
  useHostCaBundle();
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, {
      cwd: options.cwd ?? root,
      // tsx maps @isol8/* to sources through the repo's tsconfig paths; found from the working directory, it would
      // miss them outside the repo and load the packages' (possibly stale) dist builds instead.
      env: { TSX_TSCONFIG_PATH: tsconfig, ...process.env, ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 240_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString(),
        stderr: Buffer.concat(stderr).toString(),
      });
    });
    child.stdin.end(options.input ?? "");
  });
}

export const repoRoot = root;
