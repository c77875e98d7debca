import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { repoRoot } from "./cli.js";
import { useHostCaBundle } from "./host-ca.js";

/**
 * What one probe did, as the Python harness below reports it: the value it returned, or the exact class and errno
 * of what it raised. Tests compare the class name too, so a NameError or ImportError in a probe never passes for
 * the PermissionError or OSError that a protection gives.
 */
export type ProbeOutcome = { ok: unknown } | { error: string; errno: number | null; message: string };

const HARNESS = `
import ctypes, json, os
_results = {}
_libc = ctypes.CDLL(None, use_errno=True)

def probe(name, fn):
    try:
        _results[name] = {"ok": fn()}
    except BaseException as e:
        _results[name] = {"error": type(e).__name__, "errno": getattr(e, "errno", None), "message": str(e)}

def libc(name, *args):
    """Calls a libc function; -1 becomes the OSError (subclass) that its errno maps to, as os.* calls raise."""
    ctypes.set_errno(0)
    result = getattr(_libc, name)(*args)
    if result == -1:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return result
`;

/** Python code that runs `body` (which calls `probe(name, fn)`) and prints every outcome as one JSON line. */
export function probeScript(body: string): string {
  return `${HARNESS}\n${body}\nprint("PROBES " + json.dumps(_results, default=repr), flush=True)\n`;
}

/** The outcomes printed by a `probeScript`. */
export function probeResults(stdout: string): Record<string, ProbeOutcome> {
  const line = stdout.split("\n").find((text) => text.startsWith("PROBES "));
  if (line === undefined) throw new Error(`the probe script printed no results:\n${stdout}`);
  return JSON.parse(line.slice("PROBES ".length)) as Record<string, ProbeOutcome>;
}

/**
 * Runs Python code in a container of the python image that is NOT an isol8 sandbox: only what `flags` ask for
 * (plus no network, always, and uid 1000 unless `flags` say otherwise). Used to relax one protection at a time and
 * show that a probe really detects what the protection prevents. The container overrides the managed label the
 * image carries, so no isol8 cleanup or leftover check ever counts it; `--rm` removes it.
 */
export function runControl(
  flags: readonly string[],
  code: string,
): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(
    "docker",
    [
      "run",
      "--rm",
      "--network",
      "none",
      "--label",
      "org.isol8.managed=false",
      "--user",
      "1000:1000",
      "--tmpfs",
      "/sandbox:rw,exec,uid=1000,gid=1000,mode=0700",
      "--workdir",
      "/sandbox",
      "--entrypoint",
      "python3",
      ...flags,
      "isol8:python",
      "-c",
      code,
    ],
    { encoding: "utf8", timeout: 120_000 },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const bin = fileURLToPath(new URL("../../../packages/cli/src/bin.cts", import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const tsconfig = fileURLToPath(new URL("../../../tsconfig.json", import.meta.url));

/** A CLI process under the test's control: its live output, its exit, and a way to wait for a line. */
export interface LiveCli {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line matching `pattern`; rejects when the CLI exits first or time runs out. */
  line(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts the CLI from sources the way helpers/cli.ts `runCli` does, but hands back the process, so a test can
 * signal it mid-run or sample its memory.
 */
export function startCli(args: readonly string[]): LiveCli {
  useHostCaBundle();
  const child = spawn(process.execPath, ["--import", tsx, bin, ...args], {
    cwd: repoRoot,
    env: { TSX_TSCONFIG_PATH: tsconfig, ...process.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  child.stdin.end();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal })),
  );
  const stdout = () => Buffer.concat(out).toString();
  return {
    child,
    stdout,
    stderr: () => Buffer.concat(err).toString(),
    exited,
    line: async (pattern, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      let done = false;
      void exited.then(() => {
        done = true;
      });
      for (;;) {
        const found = stdout()
          .split("\n")
          .find((text) => pattern.test(text));
        if (found !== undefined) return found;
        if (done || Date.now() > deadline) {
          throw new Error(
            `no stdout line matched ${pattern}; stdout: ${stdout()} stderr: ${Buffer.concat(err)}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

/** VmHWM (peak resident memory) of a live process, in bytes; undefined once it has exited. */
export function peakRss(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** State of a container ("running", "exited", …), or undefined when it does not exist. */
export function containerState(id: string): string | undefined {
  const result = spawnSync("docker", ["inspect", "--format", "{{.State.Status}}", id], { encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** Polls until `check` holds or the deadline passes; returns whether it held. */
export async function eventually(check: () => boolean, timeoutMs = 20_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return true;
}
