import { spawn } from "node:child_process";

export interface ProcessRun {
  ms: number;
  /** performance.now() at spawn and at exit, to line the run up with other timestamps. */
  startedAt: number;
  endedAt: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end and measures wall time from spawn to exit (output streams closed). */
export function timeProcess(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      const endedAt = performance.now();
      resolve({
        ms: endedAt - started,
        startedAt: started,
        endedAt,
        code,
        stdout: Buffer.concat(stdout).toString(),
        stderr: Buffer.concat(stderr).toString(),
      });
    });
  });
}

/** Like timeProcess, but fails unless the command exited 0 and printed `expected` (when given). */
export async function timeChecked(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; expected?: string } = {},
): Promise<ProcessRun> {
  const run = await timeProcess(command, args, options);
  if (run.code !== 0 || (options.expected !== undefined && run.stdout !== options.expected)) {
    throw new Error(
      `${command} ${args.join(" ")} exited ${run.code}: ${JSON.stringify(run.stdout)} ${run.stderr.trim()}`,
    );
  }
  return run;
}
