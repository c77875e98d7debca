import { type ChildProcessWithoutNullStreams, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  AGENT_PROTOCOL_VERSION,
  type AgentFrame,
  AgentFrameDecoder,
  encodeHostFrame,
  type HostFrame,
} from "@isol8/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const IMAGE = "isol8-dev-agent:test";
// Built separately so afterAll can remove the build stage too, which the classic builder would leave dangling.
const AGENT_STAGE = "isol8-dev-agent:test-agent-stage";
const DOCKER_DIR = fileURLToPath(new URL("../../../../docker/", import.meta.url));
const HARDENING = [
  "--read-only",
  "--tmpfs",
  "/sandbox:rw,exec,uid=1000,gid=1000,mode=0700",
  "--tmpfs",
  "/tmp:rw,noexec",
  "--cap-drop",
  "ALL",
  "--security-opt",
  "no-new-privileges",
  "--network",
  "none",
];

interface CommandResult {
  stdout: string;
  stderr: string;
  exit: Extract<AgentFrame, { type: "exit" }>;
}

/** One sandbox container, driven over its attached stdin/stdout with the protocol codec. */
class AgentContainer {
  private readonly decoder = new AgentFrameDecoder();
  private readonly frames: AgentFrame[] = [];
  private wake: () => void = () => {};
  private failure: Error | undefined;
  private exitCode: number | null | undefined;
  private readonly closed: Promise<number | null>;
  private log = "";

  constructor(
    readonly name: string,
    private readonly proc: ChildProcessWithoutNullStreams,
  ) {
    proc.stdout.on("data", (chunk: Buffer) => {
      try {
        this.frames.push(...this.decoder.push(chunk));
      } catch (error) {
        this.failure = error instanceof Error ? error : new Error(String(error));
      }
      this.wake();
    });
    proc.stderr.on("data", (chunk: Buffer) => {
      this.log += chunk.toString();
    });
    this.closed = new Promise((resolve) =>
      proc.on("close", (code) => {
        this.exitCode = code;
        this.wake();
        resolve(code);
      }),
    );
  }

  send(frame: HostFrame): void {
    this.proc.stdin.write(encodeHostFrame(frame));
  }

  closeStdin(): void {
    this.proc.stdin.end();
  }

  async next(timeoutMs = 15_000): Promise<AgentFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.failure) throw this.failure;
      const frame = this.frames.shift();
      if (frame) return frame;
      if (this.exitCode !== undefined)
        throw new Error(`agent container ended (${this.exitCode}): ${this.log}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no agent frame within ${timeoutMs} ms; docker said: ${this.log}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** The exit code of `docker run`, which is the agent's. */
  async ended(timeoutMs = 15_000): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`container still running after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Starts a command; resolves with its pid once the agent answers S (throws on `e`). */
  async start(argv: string[], env: string[] = ["PATH=/usr/bin:/bin"], cwd = "/sandbox"): Promise<number> {
    this.send({ type: "command", cwd, argv, env });
    const reply = await this.next();
    if (reply.type !== "started") throw new Error(`expected started, got ${JSON.stringify(reply)}`);
    return reply.pid;
  }

  /** Collects output frames until X. */
  async finish(timeoutMs = 15_000): Promise<CommandResult> {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    for (;;) {
      const frame = await this.next(timeoutMs);
      if (frame.type === "stdout") out.push(frame.data);
      else if (frame.type === "stderr") err.push(frame.data);
      else if (frame.type === "exit") {
        return { stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), exit: frame };
      } else throw new Error(`unexpected frame while a command runs: ${JSON.stringify(frame)}`);
    }
  }

  async exec(argv: string[], env?: string[]): Promise<CommandResult> {
    await this.start(argv, env);
    return this.finish();
  }
}

const containers: AgentContainer[] = [];

async function startAgent(extraArgs: string[] = []): Promise<AgentContainer> {
  const name = `isol8-dev-agent-${randomBytes(6).toString("hex")}`;
  const proc = spawn("docker", ["run", "-i", "--rm", "--name", name, ...HARDENING, ...extraArgs, IMAGE]);
  const agent = new AgentContainer(name, proc);
  containers.push(agent);
  expect(await agent.next(30_000)).toEqual({ type: "hello", version: AGENT_PROTOCOL_VERSION });
  return agent;
}

beforeAll(async () => {
  const context = await mkdtemp(join(tmpdir(), "isol8-agent-test-"));
  try {
    await cp(join(DOCKER_DIR, "Dockerfile"), join(context, "Dockerfile"));
    await cp(join(DOCKER_DIR, "agent"), join(context, "agent"), { recursive: true });
    await mkdir(join(context, "extra-ca"));
    await writeFile(join(context, "extra-ca", ".keep"), "");
    // The classic builder: BuildKit is not available on every machine isol8 supports.
    const env = { ...process.env, DOCKER_BUILDKIT: "0" };
    const build = ["build", "--build-arg", "ISOL8_OS_IMAGE=debian:bookworm-slim", "-q"];
    await run("docker", [...build, "--target", "agent", "-t", AGENT_STAGE, context], { env });
    await run("docker", [...build, "-t", IMAGE, context], { env });
  } finally {
    await rm(context, { recursive: true, force: true });
  }
});

afterEach(async () => {
  for (const agent of containers.splice(0)) {
    await run("docker", ["rm", "-f", agent.name]).catch(() => {});
  }
});

afterAll(async () => {
  await run("docker", ["rmi", "-f", IMAGE, AGENT_STAGE]).catch(() => {});
});

describe("isol8-agent in isol8:base", () => {
  it("writes a binary file with its mode and reads it back byte-identical", async () => {
    const agent = await startAgent();
    const content = randomBytes(300_000);
    agent.send({ type: "file", path: "deep/er/data.bin", mode: 0o755, content });
    expect(await agent.next()).toEqual({ type: "file-ok" });
    agent.send({ type: "read", path: "/sandbox/deep/er/data.bin" });
    expect(await agent.next()).toEqual({ type: "file-content", content });
    const stat = await agent.exec(["stat", "-c", "%a %U", "deep/er/data.bin", "deep/er"]);
    expect(stat.stdout).toBe("755 sandbox\n755 sandbox\n");
  });

  it("never follows a symlink, for reading or writing, at the end or in the middle of a path", async () => {
    const agent = await startAgent();
    const setup =
      "echo original > /tmp/target; ln -s /etc/passwd passwd; ln -s /tmp/target link; ln -s /tmp dir";
    expect((await agent.exec(["sh", "-c", setup])).exit.code).toBe(0);
    agent.send({ type: "read", path: "passwd" });
    expect(await agent.next()).toEqual({
      type: "error",
      message: 'cannot read "passwd": it is a symbolic link',
    });
    agent.send({ type: "file", path: "link", mode: 0o644, content: Buffer.from("changed") });
    expect(await agent.next()).toEqual({
      type: "error",
      message: 'cannot write "link": it is a symbolic link',
    });
    agent.send({ type: "file", path: "dir/planted", mode: 0o644, content: Buffer.from("x") });
    expect(await agent.next()).toEqual({
      type: "error",
      message: 'cannot write "dir/planted": "dir" is a symbolic link',
    });
    const after = await agent.exec(["sh", "-c", "cat /tmp/target; ls /tmp"]);
    expect(after.stdout).toBe("original\ntarget\n");
  });

  it("does not block on a FIFO planted where the host reads or writes a file", async () => {
    const agent = await startAgent();
    expect((await agent.exec(["mkfifo", "fifo"])).exit.code).toBe(0);
    agent.send({ type: "read", path: "fifo" });
    expect(await agent.next()).toEqual({ type: "error", message: 'cannot read "fifo": not a regular file' });
    agent.send({ type: "file", path: "fifo", mode: 0o644, content: Buffer.from("x") });
    expect(await agent.next()).toEqual({ type: "error", message: 'cannot write "fifo": not a regular file' });
  });

  it("refuses .. and absolute paths outside /sandbox", async () => {
    const agent = await startAgent();
    agent.send({ type: "read", path: "../etc/passwd" });
    expect(await agent.next()).toEqual({
      type: "error",
      message: 'cannot read "../etc/passwd": ".." is not allowed',
    });
    agent.send({ type: "file", path: "/sandbox/a/../../tmp/x", mode: 0o644, content: Buffer.alloc(1) });
    expect(await agent.next()).toMatchObject({
      type: "error",
      message: expect.stringMatching(/".." is not allowed/),
    });
    agent.send({ type: "read", path: "/sandboxed/x" });
    expect(await agent.next()).toMatchObject({
      type: "error",
      message: expect.stringMatching(/outside \/sandbox/),
    });
  });

  it("streams stdout and stderr separately and reports the exit code", async () => {
    const agent = await startAgent();
    const result = await agent.exec(["sh", "-c", "echo out; echo err >&2; exit 3"]);
    expect(result).toEqual({
      stdout: "out\n",
      stderr: "err\n",
      exit: { type: "exit", code: 3, signal: 0, oomKills: 0 },
    });
  });

  it("reports death by signal as 128 + signal, and leaves SIGPIPE at its default for the command", async () => {
    const agent = await startAgent();
    expect((await agent.exec(["sh", "-c", "kill -9 $$"])).exit).toMatchObject({ code: 137, signal: 9 });
    // The agent ignores SIGPIPE itself; if that leaked through exec, `yes` would see EPIPE and exit 1 instead.
    const pipeline = await agent.exec(["sh", "-c", '(yes; echo "yes ended with $?" >&2) | head -n 1']);
    expect(pipeline).toMatchObject({ stdout: "y\n", stderr: "yes ended with 141\n" });
  });

  it("feeds stdin to the command without deadlocking while it floods stdout", async () => {
    const agent = await startAgent();
    await agent.start(["cat"]);
    const data = randomBytes(4 * 1024 * 1024).toString("hex");
    for (let i = 0; i < data.length; i += 1_000_000) {
      agent.send({ type: "stdin", data: Buffer.from(data.slice(i, i + 1_000_000)) });
    }
    agent.send({ type: "stdin-close" });
    const result = await agent.finish(60_000);
    expect(result.stdout.length).toBe(data.length);
    expect(result.stdout === data).toBe(true);
    expect(result.exit.code).toBe(0);
  });

  it("reports X promptly when a background process keeps the output pipes open", async () => {
    const agent = await startAgent();
    const started = Date.now();
    const result = await agent.exec(["sh", "-c", "sleep 1000 & echo started"]);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result.stdout).toBe("started\n");
    expect(result.exit.code).toBe(0);
  });

  it("K kills the command and every process it left behind", async () => {
    const agent = await startAgent();
    // "ready" comes from the escaped process itself, so K cannot overtake its escape.
    await agent.start(["sh", "-c", "setsid sh -c 'echo ready; exec sleep 1001' & sleep 1000"]);
    expect(await agent.next()).toEqual({ type: "stdout", data: Buffer.from("ready\n") });
    agent.send({ type: "kill" });
    expect((await agent.finish()).exit).toMatchObject({ code: 137, signal: 9 });
    const left = await agent.exec(["sh", "-c", "cat /proc/[0-9]*/cmdline | tr '\\0' ' '"]);
    expect(left.stdout).not.toMatch(/sleep/);
    expect(left.stdout).toMatch(/isol8-agent/);
  });

  it("exits 127 with a clear message for a missing program, looked up in the command's own PATH", async () => {
    const agent = await startAgent();
    const missing = await agent.exec(["pyhton3"]);
    expect(missing.exit.code).toBe(127);
    expect(missing.stderr).toBe('isol8-agent: cannot run "pyhton3": No such file or directory\n');
    expect((await agent.exec(["sh", "-c", "true"], ["PATH=/nonexistent"])).exit.code).toBe(127);
  });

  it("gives the command exactly the environment sent", async () => {
    const agent = await startAgent();
    const env = ["PATH=/usr/bin:/bin", "EMPTY=", "WITH_EQUALS=a=b", "UNICODE=ü"];
    expect((await agent.exec(["env"], env)).stdout).toBe(`${env.join("\n")}\n`);
    expect((await agent.exec(["/usr/bin/env"], [])).stdout).toBe("");
  });

  it("runs in the requested directory, refuses a missing one, and refuses a second command", async () => {
    const agent = await startAgent();
    agent.send({ type: "command", cwd: "nope", argv: ["pwd"], env: [] });
    expect(await agent.next()).toEqual({
      type: "error",
      message: 'cannot change directory to "nope": No such file or directory',
    });
    expect((await agent.exec(["sh", "-c", "mkdir sub && cd sub && /bin/pwd"])).stdout).toBe("/sandbox/sub\n");
    await agent.start(["sleep", "1000"]);
    agent.send({ type: "command", cwd: "", argv: ["true"], env: [] });
    expect(await agent.next()).toEqual({ type: "error", message: "a command is already running" });
    agent.send({ type: "kill" });
    expect((await agent.finish()).exit.signal).toBe(9);
  });

  it("keeps its own memory and descriptors out of reach of the user's program", async () => {
    const agent = await startAgent();
    const probe = await agent.exec(["sh", "-c", "ls /proc/$PPID/fd; cat /proc/$PPID/environ"]);
    expect(probe.stderr).toMatch(/ls: cannot open directory '\/proc\/\d+\/fd': Permission denied/);
    expect(probe.stderr).toMatch(/cat: \/proc\/\d+\/environ: Permission denied/);
  });

  it("counts OOM kills in the container's memory cgroup", async () => {
    const agent = await startAgent(["--memory", "32m", "--memory-swap", "32m"]);
    const result = await agent.exec(["dd", "if=/dev/zero", "of=/dev/null", "bs=100M", "count=1"]);
    expect(result.exit).toMatchObject({ code: 137, signal: 9, oomKills: 1 });
  });

  it("as PID 1 (no tini), keeps the attached streams and itself out of the user's reach", async () => {
    const agent = await startAgent(["--entrypoint", "/usr/local/bin/isol8-agent"]);
    const probe = await agent.exec([
      "sh",
      "-c",
      "echo forged > /proc/1/fd/1; kill -KILL 1; kill -TERM 1; echo alive",
    ]);
    expect(probe.stderr).toBe("sh: 1: cannot create /proc/1/fd/1: Permission denied\n");
    expect(probe.stdout).toBe("alive\n");
    // The orphaned sleep is re-parented to the agent, which must reap it: no zombie may remain.
    await agent.exec(["sh", "-c", "sleep 0.1 &"]);
    const zombies = await agent.exec([
      "sh",
      "-c",
      "sleep 0.3; grep -l '^State:.*zombie' /proc/[0-9]*/status",
    ]);
    expect(zombies).toMatchObject({ stdout: "", exit: { code: 1 } });
  });

  it("Q kills what runs and ends the container with code 0; so does EOF on stdin", async () => {
    const quitting = await startAgent();
    await quitting.start(["sleep", "1000"]);
    quitting.send({ type: "quit" });
    expect((await quitting.finish()).exit.signal).toBe(9);
    expect(await quitting.ended()).toBe(0);
    const closing = await startAgent();
    closing.closeStdin();
    expect(await closing.ended()).toBe(0);
  });
});
